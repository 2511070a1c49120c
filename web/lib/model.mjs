// The low-level model API: one forward or backward pass of the C core's MLP
// (c/model/mlp.c) with given weights, for tests and for checking a model
// against another framework. Weights use PyTorch's nn.Linear layout: one
// { W, b } per linear layer, W as out_features rows of in_features numbers.
//   lab.mlpInit({ sizes, activation, init, seed }) -> [{ W, b }, ...]
//   lab.mlpForward({ sizes, activation, weights | init, seed }, X) -> Float32Array (rows x out)
//   lab.mlpBackward({ ... }, X, dOut) -> [{ W, b }, ...], the gradients of sum(dOut * outputs)
import { fail, describe } from './errors.mjs';
import { specText } from './spec.mjs';

const THING = 'MLP';

function checkSpec(spec) {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    fail(THING, null, `spec must be an object with sizes, got ${describe(spec)}`);
  }
}

// Rows of numbers (or one flat typed array) with `width` columns, as a Float32Array.
function rows(v, width, field) {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (v.length === 0 || v.length % width) fail(THING, field, `must hold a positive multiple of ${width} numbers, got ${v.length}`);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) fail(THING, field, `[${Math.floor(i / width)}][${i % width}] must be a finite number, got ${describe(v[i])}`);
    }
    return { data: Float32Array.from(v), n: v.length / width };
  }
  if (!Array.isArray(v) || v.length === 0) fail(THING, field, `must be a non-empty array of rows of ${width} numbers, got ${describe(v)}`);
  const data = new Float32Array(v.length * width);
  v.forEach((row, i) => {
    if ((!Array.isArray(row) && !ArrayBuffer.isView(row)) || row.length !== width) {
      fail(THING, field, `[${i}] must be a row of ${width} numbers, got ${describe(row)}`);
    }
    for (let j = 0; j < width; j++) {
      if (!Number.isFinite(row[j])) fail(THING, field, `[${i}][${j}] must be a finite number, got ${describe(row[j])}`);
      data[i * width + j] = row[j];
    }
  });
  return { data, n: v.length };
}

// Writes spec.weights into the model's flat parameter array, checking every shape.
function setWeights(core, ptr, sizes, weights) {
  const layers = sizes.length - 1;
  if (!Array.isArray(weights) || weights.length !== layers) {
    fail(THING, 'weights', `must be an array of ${layers} { W, b } (one per linear layer), got ${describe(weights)}`);
  }
  const flat = [];
  weights.forEach((layer, l) => {
    const [n_in, n_out] = [sizes[l], sizes[l + 1]];
    if (layer === null || typeof layer !== 'object') fail(THING, `weights[${l}]`, `must be an object { W, b }, got ${describe(layer)}`);
    const { W, b } = layer;
    if (!Array.isArray(W) || W.length !== n_out) {
      fail(THING, `weights[${l}].W`, `must have ${n_out} rows (out_features), got ${describe(W)}`);
    }
    W.forEach((row, o) => {
      if ((!Array.isArray(row) && !ArrayBuffer.isView(row)) || row.length !== n_in) {
        fail(THING, `weights[${l}].W`, `[${o}] must be a row of ${n_in} numbers (in_features), got ${describe(row)}`);
      }
      for (let k = 0; k < n_in; k++) {
        if (!Number.isFinite(row[k])) fail(THING, `weights[${l}].W`, `[${o}][${k}] must be a finite number, got ${describe(row[k])}`);
        flat.push(row[k]);
      }
    });
    if ((!Array.isArray(b) && !ArrayBuffer.isView(b)) || b.length !== n_out) {
      fail(THING, `weights[${l}].b`, `must have ${n_out} numbers (out_features), got ${describe(b)}`);
    }
    for (let o = 0; o < n_out; o++) {
      if (!Number.isFinite(b[o])) fail(THING, `weights[${l}].b`, `[${o}] must be a finite number, got ${describe(b[o])}`);
      flat.push(b[o]);
    }
  });
  core.f32.set(flat, core.x.sl_mlp_params(ptr) >> 2);
}

// A flat parameter (or gradient) array as [{ W: rows, b }, ...].
function layersOf(flat, sizes) {
  const out = [];
  let off = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [n_in, n_out] = [sizes[l], sizes[l + 1]];
    const W = [];
    for (let o = 0; o < n_out; o++, off += n_in) W.push(flat.slice(off, off + n_in));
    out.push({ W, b: flat.slice(off, off + n_out) });
    off += n_out;
  }
  return out;
}

export function install(lab, core) {
  const x = core.x;

  // Runs fn(model pointer, sizes) on a fresh model built from spec; frees it afterwards.
  const withModel = (spec, fn) => {
    checkSpec(spec);
    const text = specText({ ...spec, weights: undefined }, THING);
    const ptr = core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const out = s.outPtr();
      core.check(x.sl_mlp_create_spec(sp, sl, out));
      return s.readPtr(out);
    });
    try {
      const sizes = Array.from(spec.sizes);
      if (spec.weights !== undefined) setWeights(core, ptr, sizes, spec.weights);
      return fn(ptr, sizes);
    } finally {
      x.sl_mlp_free(ptr);
    }
  };

  // Forward pass (and backward when dOut is given) on rows of X.
  const run = (spec, X, dOut) => withModel(spec, (ptr, sizes) => {
    const n_in = sizes[0], n_out = sizes[sizes.length - 1];
    const input = rows(X, n_in, 'X');
    const grad = dOut === undefined ? null : rows(dOut, n_out, 'dOut');
    if (grad && grad.n !== input.n) fail(THING, 'dOut', `must have one row per row of X (${input.n}), got ${grad.n}`);
    return core.scoped((s) => {
      const out = s.outPtr();
      core.check(x.sl_mlp_work_create(ptr, input.n, out));
      const work = s.readPtr(out);
      try {
        const xp = s.f32(input.data);
        const yp = x.sl_mlp_forward(ptr, work, xp, input.n) >> 2;
        if (!grad) return core.f32.slice(yp, yp + input.n * n_out);
        const gp = s.f32(grad.data);
        x.sl_mlp_backward(ptr, work, xp, gp);
        const g = x.sl_mlp_grads(ptr) >> 2;
        return layersOf(core.f32.slice(g, g + x.sl_mlp_n_params(ptr)), sizes);
      } finally {
        x.sl_mlp_work_free(work);
      }
    });
  });

  /** Initial weights of a model spec ({ sizes, activation, init: 'xavier' | 'he' | 'pytorch', seed }). */
  lab.mlpInit = (spec) => withModel(spec, (ptr, sizes) => {
    const p = x.sl_mlp_params(ptr) >> 2;
    return layersOf(core.f32.slice(p, p + x.sl_mlp_n_params(ptr)), sizes);
  });

  /** Outputs (Float32Array, rows x out, row-major) of the MLP for the rows of X. */
  lab.mlpForward = (spec, X) => run(spec, X);

  /** Gradients [{ W, b }, ...] of sum(dOut * outputs) with respect to every weight and bias. */
  lab.mlpBackward = (spec, X, dOut) => {
    if (dOut === undefined) fail(THING, 'dOut', 'is required: the upstream gradient dL/doutputs, one row per row of X');
    return run(spec, X, dOut);
  };
}
