// SteplabError: every failure the core reports, with the C side's message,
// the thing it concerns (scheduler, optimizer, loss name) and the field.

export const STATUS = Object.freeze({
  1: 'invalid',
  2: 'unknown_type',
  3: 'parse',
  4: 'no_memory',
  5: 'range',
  6: 'state',
});

export class SteplabError extends Error {
  constructor(message, { code = 'invalid', thing = '', field = '' } = {}) {
    super(message);
    this.name = 'SteplabError';
    this.code = code;
    this.thing = thing;
    this.field = field;
    // a formula that does not parse (lr_lambda, a Custom update or expr): the 1-based column, for a caret
    const at = code === 'parse' ? / does not parse at column (\d+):/.exec(message) : null;
    this.column = at ? Number(at[1]) : null;
  }
}

// Throws a SteplabError for a JS-side argument problem, in the C side's message shape.
// A thing (a type name the caller gave) or field path built from the caller's keys is cut to 120 characters
// and its control characters escaped.
export function fail(thing, field, text, code = 'invalid') {
  const bound = (s) => printable(s.length > 120 ? `${s.slice(0, 120)}...` : s);
  if (typeof thing === 'string') thing = bound(thing);
  if (field) field = bound(field);
  throw new SteplabError(field ? `${thing}: ${field} ${text}` : `${thing}: ${text}`, { code, thing, field });
}

const printable = (s) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// Short text for a JS value in messages ("got 'abc'", "got an object").
export function describe(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${printable(v.length > 40 ? v.slice(0, 40) + '...' : v)}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${v.length}`;
  return 'an object';
}
