// lab.loss: a thin wrapper over the C losses (c/losses/loss.c). Names and
// parameters are torch.nn's; this file only moves shapes and numbers across.
import { fail, describe } from './errors.mjs';
import { specText, thingOf } from './spec.mjs';

const isNumArray = (v) => ArrayBuffer.isView(v) && !(v instanceof DataView);

// { data: Float32Array, n, c, dims } for a number, an array or typed array (one row), or an array of rows.
function shapeOf(v, thing, field) {
  if (typeof v === 'number') return { data: Float32Array.of(v), n: 1, c: 1, dims: 0 };
  if (isNumArray(v)) {
    if (v instanceof BigInt64Array || v instanceof BigUint64Array) fail(thing, field, `must hold numbers, got ${describe(v)}`);
    return { data: Float32Array.from(v), n: 1, c: v.length, dims: 1 };
  }
  if (!Array.isArray(v)) fail(thing, field, `must be a number, an array, a typed array or an array of rows, got ${describe(v)}`);
  if (v.length > 0 && (Array.isArray(v[0]) || isNumArray(v[0]))) {
    const n = v.length;
    const c = v[0].length;
    // every row and value checked before the copy is allocated: rows that are holes (a sparse row of 2^32 - 1)
    // asked for a Float32Array of n x 2^32 values (RangeError; found by the hostile test, 16000 rounds)
    for (let i = 0; i < n; i++) {
      const row = v[i];
      if (!Array.isArray(row) && !isNumArray(row)) fail(thing, `${field}[${i}]`, `must be a row of ${c} numbers, got ${describe(row)}`);
      if (row.length !== c) fail(thing, `${field}[${i}]`, `must have ${c} values like ${field}[0], got ${row.length}`);
      for (let k = 0; k < c; k++) if (typeof row[k] !== 'number') fail(thing, `${field}[${i}][${k}]`, `must be a number, got ${describe(row[k])}`);
    }
    const data = new Float32Array(n * c);
    for (let i = 0; i < n; i++) data.set(v[i], i * c);
    return { data, n, c, dims: 2 };
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number') fail(thing, `${field}[${i}]`, `must be a number, got ${describe(v[i])}`);
  }
  return { data: Float32Array.from(v), n: 1, c: v.length, dims: 1 };
}

// grad in the shape of the input it belongs to
function shaped(flat, s) {
  if (s.dims === 0) return flat[0];
  if (s.dims === 1) return flat;
  const rows = new Array(s.n);
  for (let i = 0; i < s.n; i++) rows[i] = flat.subarray(i * s.c, (i + 1) * s.c);
  return rows;
}

export function install(lab, core) {
  const x = core.x;
  // sl_loss_reduction's value is the index of the registry's reduction choices
  const REDUCTION_NONE = lab.registry.losses.flatMap((k) => k.params).find((p) => p.name === 'reduction').choices.split('|').indexOf('none');

  /**
   * lab.loss(spec, input, target) -> { value, grad }: the loss and its gradient
   * with respect to input (for reduction 'none', value holds the per-sample
   * losses and grad is the gradient of their sum). Two- and three-input losses
   * take [x1, x2] or [anchor, positive, negative] and return grad as a list.
   */
  lab.loss = (spec, input, target) => {
    const text = specText(spec, thingOf(spec, 'loss'));
    return core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const out = s.outPtr();
      core.check(x.sl_loss_create(sp, sl, out));
      const L = s.readPtr(out);
      try {
        return evaluate(L, s, input, target);
      } finally {
        x.sl_loss_free(L);
      }
    });
  };

  function evaluate(L, s, input, target) {
    const thing = core.cstring(x.sl_loss_type(L));
    const k = x.sl_loss_inputs(L);
    let shapes;
    if (k === 1) {
      shapes = [shapeOf(input, thing, 'input')];
    } else {
      const names = k === 2 ? '[x1, x2]' : '[anchor, positive, negative]';
      if (!Array.isArray(input) || input.length !== k) fail(thing, 'input', `must be ${names}, got ${describe(input)}`);
      shapes = Array.from({ length: k }, (_, i) => shapeOf(input[i], thing, `input[${i}]`)); // by index: map skips holes
      for (let i = 1; i < k; i++) {
        const a = shapes[0];
        const b = shapes[i];
        if (a.n !== b.n || a.c !== b.c || a.dims !== b.dims) {
          fail(thing, `input[${i}]`, `must have the shape of input[0] (${a.n} x ${a.c}), got ${b.n} x ${b.c}`);
        }
      }
    }
    const { n, c } = shapes[0];
    let t = null;
    if (target !== undefined && target !== null) {
      t = shapeOf(target, thing, 'target');
      if (t.dims === 2 && shapes[0].dims === 2 && (t.n !== n || t.c !== c)) {
        fail(thing, 'target', `must have the input's shape (${n} x ${c}) or one value per row, got ${t.n} x ${t.c}`);
      }
    }
    const nc = n * c;
    const xp = shapes.map((sh) => s.f32(sh.data));
    const gp = shapes.map(() => s.alloc(nc * 4));
    const tp = t ? s.f32(t.data) : 0;
    const nt = t ? t.data.length : -1;
    const count = x.sl_loss_value_count(L, n, c, nt);
    const vp = s.alloc(Math.max(count, 1) * 8);
    core.check(x.sl_loss_eval(L, xp[0], xp[1] || 0, xp[2] || 0, tp, n, c, nt,
      gp[0], gp[1] || 0, gp[2] || 0, vp));
    const f32 = core.f32;
    const grads = gp.map((p, i) => shaped(f32.slice(p >> 2, (p >> 2) + nc), shapes[i]));
    let value;
    if (x.sl_loss_reduction(L) === REDUCTION_NONE) value = Float32Array.from(core.f64.subarray(vp >> 3, (vp >> 3) + count));
    else value = core.f64[vp >> 3];
    return { value, grad: k === 1 ? grads[0] : grads };
  }
}
