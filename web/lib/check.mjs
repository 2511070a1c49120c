// Grading written rules against references: lab.checkOptimizer, lab.checkLoss and
// lab.gradcheck. They drive the core's own optimizers and losses (any spec, Custom
// or built-in), so a student's rule and the reference see the same numbers.
//
// The random stream: a seeded xorshift128+ generator turned into standard normal
// numbers (Box-Muller), so a seed gives the same start, gradients and inputs in
// every engine. checkOptimizer draws the start params0 (n values), then one
// gradient vector of n per step; checkLoss draws the inputs, then the targets
// (normal, or 0 / 1 when the reference is a binary-only loss).
//
// Tolerance (float32 arithmetic, stated once): an element differs when
//   |got - expected| > tol * max(1, |expected|)
// i.e. tol relative for values above 1 in size, tol absolute below. The default
// tol 1e-5 is about 100 float32 roundings of a value near 1, loose enough for
// a formula computing in another order and tight enough to catch any wrong rule.
import { fail, describe } from './errors.mjs';
import { isRow } from './data.mjs';

export const CHECK_TOL = 1e-5;
// The most work one synchronous check may do: checkOptimizer's n x steps element updates, gradcheck's elements
// (each costs two evaluations of the whole input).
export const CHECK_MAX_WORK = 2e7;
export const GRADCHECK_MAX = 4096;

/** A seeded stream of standard normal numbers. */
export function normalStream(seed) {
  let a = (Number(seed) >>> 0) ^ 0x9e3779b9;
  let b = Math.imul(a ^ 0x85ebca6b, 0xc2b2ae35) >>> 0 || 1;
  let spare = null;
  const u32 = () => {
    // xorshift32 pair, combined
    a ^= a << 13; a >>>= 0; a ^= a >>> 17; a ^= a << 5; a >>>= 0;
    b ^= b << 13; b >>>= 0; b ^= b >>> 17; b ^= b << 5; b >>>= 0;
    return (a + b) >>> 0;
  };
  const uniform = () => (u32() + 0.5) / 4294967296; // (0, 1)
  return () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    const r = Math.sqrt(-2 * Math.log(uniform())), t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

const differs = (got, expected, tol) => !(Math.abs(got - expected) <= tol * Math.max(1, Math.abs(expected)));

function opts(thing, o, defaults) {
  if (o === undefined) o = {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) fail(thing, 'options', `must be an object, got ${describe(o)}`);
  const out = { ...defaults };
  for (const [k, v] of Object.entries(o)) {
    if (!(k in defaults)) fail(thing, `options.${k}`, `is not an option; use ${Object.keys(defaults).join(', ')}`);
    out[k] = v;
  }
  const int = (k, lo, hi) => {
    if (!Number.isInteger(out[k]) || out[k] < lo || out[k] > hi) fail(thing, `options.${k}`, `must be an integer in [${lo}, ${hi}], got ${describe(out[k])}`);
  };
  if ('n' in defaults) int('n', 1, 1 << 20);
  if ('steps' in defaults) int('steps', 1, 100000);
  if ('seed' in defaults) int('seed', 0, 4294967295);
  for (const k of ['tol', 'eps']) {
    if (k in defaults && !(typeof out[k] === 'number' && out[k] > 0 && Number.isFinite(out[k]))) fail(thing, `options.${k}`, `must be a number > 0, got ${describe(out[k])}`);
  }
  return out;
}

export function install(lab) {
  /**
   * lab.checkOptimizer(student, reference, { n = 16, steps = 200, seed = 1, tol = 1e-5 }) ->
   * { pass, step, index, expected, got, before, grad, tol, steps, n }: both optimizers step the same
   * seeded start and gradients; step (1-based) and index are the first element that differs (see
   * the tolerance above), before its value before that step and grad its gradient there; null when pass.
   */
  lab.checkOptimizer = (student, reference, options) => {
    const o = opts('checkOptimizer', options, { n: 16, steps: 200, seed: 1, tol: CHECK_TOL });
    if (o.n * o.steps > CHECK_MAX_WORK) fail('checkOptimizer', 'options', `n x steps must be at most ${CHECK_MAX_WORK} (a check runs at once), got ${o.n} x ${o.steps}`);
    const s = lab.createOptimizer(student, o.n);
    const r = lab.createOptimizer(reference, o.n);
    try {
      if (r.type === 'LBFGS' || s.type === 'LBFGS') fail('checkOptimizer', r.type === 'LBFGS' ? 'reference' : 'student', 'must step with a gradient (LBFGS needs a closure)');
      const rnd = normalStream(o.seed);
      const ps = Float32Array.from({ length: o.n }, rnd);
      const pr = ps.slice();
      const g = new Float32Array(o.n);
      const before = new Float32Array(o.n);
      for (let k = 1; k <= o.steps; k++) {
        for (let i = 0; i < o.n; i++) g[i] = rnd();
        before.set(pr);
        s.step(ps, g);
        r.step(pr, g);
        for (let i = 0; i < o.n; i++) {
          if (differs(ps[i], pr[i], o.tol)) {
            return { pass: false, step: k, index: i, expected: pr[i], got: ps[i], before: before[i], grad: g[i], tol: o.tol, steps: o.steps, n: o.n };
          }
        }
      }
      return { pass: true, step: null, index: null, expected: null, got: null, before: null, grad: null, tol: o.tol, steps: o.steps, n: o.n };
    } finally {
      s.dispose();
      r.dispose();
    }
  };

  const isBinaryOnly = (spec) => {
    const row = lab.registry.losses.find((k) => k.name === spec?.type);
    return !!row && row.tasks.includes('binary') && !row.tasks.includes('regression');
  };

  /**
   * lab.checkLoss(student, reference, { n = 64, seed = 1, tol = 1e-5, target }) ->
   * { pass, what, index, expected, got, input, target, tol, n }: both losses on the same seeded
   * inputs (normal, scaled by 2) and targets (normal; 0 or 1 when the reference takes binary labels
   * only, or as options.target says: 'real' or 'binary'); what is 'value' or 'grad', index the element
   * (for 'value', null unless reduction is 'none').
   */
  lab.checkLoss = (student, reference, options) => {
    const o = opts('checkLoss', options, { n: 64, seed: 1, tol: CHECK_TOL, target: null });
    if (o.target !== null && o.target !== 'real' && o.target !== 'binary') fail('checkLoss', 'options.target', `must be 'real' or 'binary', got ${describe(o.target)}`);
    const binary = o.target ? o.target === 'binary' : isBinaryOnly(reference);
    const rnd = normalStream(o.seed);
    const x = Float32Array.from({ length: o.n }, () => 2 * rnd());
    const y = Float32Array.from({ length: o.n }, () => (binary ? (rnd() > 0 ? 1 : 0) : rnd()));
    const a = lab.loss(student, x, y);
    const b = lab.loss(reference, x, y);
    const out = (what, index, expected, got) => ({ pass: false, what, index, expected, got, input: index === null ? null : x[index],
      target: index === null ? null : y[index], tol: o.tol, n: o.n });
    const av = typeof a.value === 'number' ? [a.value] : a.value, bv = typeof b.value === 'number' ? [b.value] : b.value;
    if (av.length !== bv.length) fail('checkLoss', 'student', `gives ${av.length} values where the reference gives ${bv.length}: use the same reduction`);
    for (let i = 0; i < bv.length; i++) if (differs(av[i], bv[i], o.tol)) return out('value', bv.length > 1 ? i : null, bv[i], av[i]);
    for (let i = 0; i < o.n; i++) if (differs(a.grad[i], b.grad[i], o.tol)) return out('grad', i, b.grad[i], a.grad[i]);
    return { pass: true, what: null, index: null, expected: null, got: null, input: null, target: null, tol: o.tol, n: o.n };
  };

  /**
   * lab.gradcheck(lossSpec, input, target, { eps = 1e-3, tol = 1e-3 }) -> { pass, maxAbsErr, maxRelErr,
   * index, analytic, numeric, eps, tol }: the loss's gradient against central differences
   * (f(x + h) - f(x - h)) / (2h) per element, h = eps * max(1, |x|) (reduction 'none' is checked as
   * 'sum'). An element fails when |analytic - numeric| > tol * max(1, |numeric|); index is the worst
   * element. Kinks (|x| at 0, a ternary's switch) fail where x sits within h of them.
   */
  lab.gradcheck = (spec, input, target, options) => {
    const o = opts('gradcheck', options, { eps: 1e-3, tol: 1e-3 });
    const sp = spec && typeof spec === 'object' && spec.reduction === 'none' ? { ...spec, reduction: 'sum' } : spec;
    // the length and every element checked before any copy: Float32Array.from of a sparse array of 2^32 - 1
    // elements allocated 16 GB and ran for minutes (found by the hostile test, 8000 rounds)
    const list = typeof input === 'number' ? [input] : input;
    if (!isRow(list) || !list.length) {
      fail('gradcheck', 'input', `must be a number or a list of numbers, got ${describe(input)}`);
    }
    if (list.length > GRADCHECK_MAX) fail('gradcheck', 'input', `must hold at most ${GRADCHECK_MAX} numbers (each is perturbed in turn), got ${list.length}`);
    for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'number') fail('gradcheck', `input[${i}]`, `must be a number, got ${describe(list[i])}`);
    const x = Float32Array.from(list);
    const base = lab.loss(sp, x, target);
    if (typeof base.value !== 'number') fail('gradcheck', 'input', 'must be one input (the two- and three-input losses are not checked here)');
    const analytic = Float64Array.from(base.grad);
    const numeric = new Float64Array(x.length);
    let maxAbsErr = 0, maxRelErr = 0, index = 0, worst = -1, pass = true;
    for (let i = 0; i < x.length; i++) {
      const h = o.eps * Math.max(1, Math.abs(x[i]));
      const xp = x.slice(), xm = x.slice();
      xp[i] = x[i] + h;
      xm[i] = x[i] - h;
      const fp = lab.loss(sp, xp, target).value, fm = lab.loss(sp, xm, target).value;
      numeric[i] = (fp - fm) / (xp[i] - xm[i]); // the float32 step actually taken
      const abs = Math.abs(analytic[i] - numeric[i]);
      const scaled = abs / Math.max(1, Math.abs(numeric[i]));
      const rel = abs === 0 ? 0 : abs / Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]));
      if (!(scaled <= o.tol)) pass = false;
      if (!(abs <= maxAbsErr)) maxAbsErr = abs;
      if (!(rel <= maxRelErr)) maxRelErr = rel;
      if (!(scaled <= worst)) { worst = scaled; index = i; }
    }
    return { pass, maxAbsErr, maxRelErr, index, analytic, numeric, eps: o.eps, tol: o.tol };
  };
}
