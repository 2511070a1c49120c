// Serialises a spec for the C side: JSON, except that non-finite numbers are
// written as the bare tokens NaN / Infinity / -Infinity (the core's reader
// accepts them) so that validation in C can name them in its message.
// Functions, symbols, bigints and cycles are refused here with a clear error.
import { fail, describe } from './errors.mjs';

const SPEC_MAX_ARRAY = 2 ** 24; // a longer (e.g. sparse) array would take minutes to write out

export function specText(spec, thing) {
  const seen = new Set();
  const walk = (v, path, depth) => {
    if (depth > 30) fail(thing, path || 'spec', 'is nested too deeply');
    if (v === null) return 'null';
    switch (typeof v) {
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : String(v);
      case 'string':
      case 'boolean':
        return JSON.stringify(v);
      case 'object': {
        if (seen.has(v)) fail(thing, path || 'spec', 'refers to itself');
        seen.add(v);
        let out;
        if (Array.isArray(v) || ArrayBuffer.isView(v)) {
          if (v.length > SPEC_MAX_ARRAY) fail(thing, path || 'spec', `has ${v.length} elements; a list in a spec holds at most ${SPEC_MAX_ARRAY}`);
          const items = []; // by index: the caller's array may have a prototype whose iterator is not an array's
          for (let i = 0; i < v.length; i++) items.push(walk(v[i], `${path}[${i}]`, depth + 1));
          out = '[' + items.join(',') + ']';
        } else {
          const parts = [];
          for (const [k, x] of Object.entries(v)) {
            if (x === undefined) continue;
            parts.push(JSON.stringify(k) + ':' + walk(x, path ? `${path}.${k}` : k, depth + 1));
          }
          out = '{' + parts.join(',') + '}';
        }
        seen.delete(v);
        return out;
      }
      default:
        fail(thing, path || 'spec', `must be a number, string, boolean, array or object, got ${describe(v)}`);
    }
  };
  return walk(spec, '', 0);
}

// The name to use in messages before the C side has looked the type up.
export function thingOf(spec, family) {
  return spec && typeof spec === 'object' && typeof spec.type === 'string' ? spec.type : family;
}
