// "What to notice": a preset's story as text whose numbers are measured, and the claims that make
// the story true. A notice is text with {name} placeholders ({name:3} for three significant digits);
// each room's measure function computes the named values from the lab's own runs, and the same
// values decide the claims. The page fills and checks them live; tests/rooms-presets.test.mjs runs
// the same functions in Node and asserts every claim, so the text and the test cannot drift apart.
//
// Claims (a and b are value names, or literals: numbers, null for never, booleans, lists):
//   { kind: 'order', by: 'final_loss', order: [2, 1, 0] }  by.2 < by.1 < by.0 (the room names by.i)
//   { kind: 'order', values: ['a', 'b', 'c'] }             a < b < c
//   { kind: 'less', a, b, factor }                          a * factor < b (factor defaults to 1)
//   { kind: 'close', a, b, rel }                            |a - b| <= rel * |b| (rel defaults to 0.01)
//   { kind: 'equal', a, b }                                 the same value (numbers, points, null)
//   { kind: 'distinct', values: [...] }                      no two alike (points: different minima)
// Values are numbers, null ("never"), booleans, or points [x, y].

const SUP = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** A number for a sentence: whole numbers as they are, others to `digits` significant digits, tiny and huge ones as a × 10ⁿ. */
export function formatNumber(v, digits = 2) {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v).replace('-', '−');
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(digits - 1).split('e');
    return `${m.replace('-', '−')} × 10${String(Number(e)).replace(/./g, (c) => SUP[c])}`;
  }
  return String(+v.toPrecision(digits)).replace('-', '−');
}

/** A value for a sentence: numbers, points "(2, 1)", null as "never", booleans as yes/no. */
export function formatValue(v, digits = 2) {
  if (v === null || v === undefined) return 'never';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return `(${v.map((x) => formatNumber(x, digits)).join(', ')})`;
  return formatNumber(v, digits);
}

const PLACE = /\{([A-Za-z_][\w.]*)(?::(\d))?\}/g;

/** The value names a notice text uses. */
export function placeholders(text) {
  return [...String(text).matchAll(PLACE)].map((m) => m[1]);
}

/** The notice with every {name} replaced by its measured value; a name without a value throws (a bug in the preset). */
export function fillNotice(text, values) {
  return String(text).replace(PLACE, (_, name, d) => {
    if (!Object.hasOwn(values, name)) throw new Error(`notice: no measured value named '${name}'`);
    return formatValue(values[name], d ? Number(d) : 2);
  });
}

/** The names of the values a claim reads (for the room's measure: which per-run quantities to compute). */
export function claimNames(claim) {
  const refs = claim.kind === 'order' && claim.by ? claim.order.map((i) => `${claim.by}.${i}`)
    : claim.values ?? [claim.a, claim.b];
  return refs.filter((r) => typeof r === 'string');
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether a claim holds for the values: { ok, says } with `says` the claim in words, with its numbers. */
export function checkClaim(claim, values) {
  const get = (r) => {
    if (typeof r !== 'string') return r; // a literal: a number, null (never) or a boolean
    if (!Object.hasOwn(values, r)) throw new Error(`claim: no measured value named '${r}'`);
    return values[r];
  };
  const show = (r) => (typeof r !== 'string' ? formatValue(r, 3) : `${r} = ${formatValue(values[r], 3)}`);
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
  switch (claim.kind) {
    case 'order': {
      const refs = claim.by ? claim.order.map((i) => `${claim.by}.${i}`) : claim.values;
      const v = refs.map((r) => num(get(r)));
      return { ok: v.every((x, i) => i === 0 || v[i - 1] < x), says: refs.map(show).join(' < ') };
    }
    case 'less': {
      const f = claim.factor ?? 1;
      return { ok: num(get(claim.a)) * f < num(get(claim.b)), says: `${f === 1 ? '' : `${f} × `}${show(claim.a)} < ${show(claim.b)}` };
    }
    case 'close': {
      const a = num(get(claim.a)), b = num(get(claim.b)), rel = claim.rel ?? 0.01;
      return { ok: Math.abs(a - b) <= rel * Math.abs(b), says: `${show(claim.a)} within ${rel * 100} % of ${show(claim.b)}` };
    }
    case 'equal':
      return { ok: same(get(claim.a), get(claim.b)), says: `${show(claim.a)} equals ${show(claim.b)}` };
    case 'distinct': {
      const v = claim.values.map(get);
      return { ok: v.every((x, i) => v.every((y, j) => j === i || !same(x, y))), says: `${claim.values.map(show).join(', ')} all differ` };
    }
    default:
      throw new Error(`claim: unknown kind '${claim.kind}'`);
  }
}

export function checkClaims(claims, values) {
  return (claims || []).map((c) => ({ claim: c, ...checkClaim(c, values) }));
}

// Deep equality of plain settings with keys in any order (does the room show this preset?).
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
  return v;
}
export const sameSettings = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
