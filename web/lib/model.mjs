// The low-level model API: one forward or backward pass of the C core's MLP
// (c/model/mlp.c) with given weights, for tests and for checking a model
// against another framework. Weights use PyTorch's nn.Linear layout: one
// { W, b } per linear layer, W as out_features rows of in_features numbers.
//   lab.mlpInit({ sizes, activation, init, seed }) -> [{ W, b }, ...]
//   lab.mlpForward({ sizes, activation, weights | init, seed }, X) -> Float32Array (rows x out)
//   lab.mlpBackward({ ... }, X, dOut) -> [{ W, b }, ...], the gradients of sum(dOut * outputs)
// X and dOut are arrays of rows or flat typed arrays (row-major).
import { fail, describe } from './errors.mjs';
import { specText } from './spec.mjs';
import { numberRows } from './data.mjs';

const thing = 'MLP';

// The flat parameter array of a spec's weights, every shape checked.
export function flatWeights(sizes, weights) {
  const layers = sizes.length - 1;
  if (!Array.isArray(weights) || weights.length !== layers) {
    fail(thing, 'weights', `must be an array of ${layers} { W, b } (one per linear layer), got ${describe(weights)}`);
  }
  return weights.flatMap((layer, l) => {
    const field = `weights[${l}]`;
    if (layer === null || typeof layer !== 'object') fail(thing, field, `must be an object { W, b }, got ${describe(layer)}`);
    const [n_in, n_out] = [sizes[l], sizes[l + 1]];
    if (!Array.isArray(layer.W) || layer.W.length !== n_out) fail(thing, `${field}.W`, `must have ${n_out} rows (out_features), got ${describe(layer.W)}`);
    if (layer.b?.length !== n_out) fail(thing, `${field}.b`, `must have ${n_out} numbers (out_features), got ${describe(layer.b)}`);
    const W = numberRows(layer.W, { thing, field: `${field}.W`, width: n_in, Type: Float32Array }).data;
    const b = numberRows([layer.b], { thing, field: `${field}.b`, width: n_out, Type: Float32Array }).data;
    return [...W, ...b];
  });
}

// A flat parameter (or gradient) array as [{ W: rows, b }, ...].
export function layersOf(flat, sizes) {
  let off = 0;
  const take = (n) => flat.slice(off, (off += n));
  return sizes.slice(1).map((n_out, l) => ({ W: Array.from({ length: n_out }, () => take(sizes[l])), b: take(n_out) }));
}

export function install(lab, core) {
  const x = core.x;

  // Runs fn(model, sizes, scope) on a fresh model built from spec; frees everything afterwards.
  const withModel = (spec, fn) => core.scoped((s) => {
    if (spec === null || typeof spec !== 'object') fail(thing, null, `spec must be an object with sizes, got ${describe(spec)}`);
    const [sp, sl] = s.string(specText({ ...spec, weights: undefined }, thing));
    const out = s.outPtr();
    core.check(x.sl_mlp_create_spec(sp, sl, out));
    const ptr = s.readPtr(out);
    try {
      const sizes = Array.from(spec.sizes);
      if (spec.weights !== undefined) core.f32.set(flatWeights(sizes, spec.weights), x.sl_mlp_params(ptr) >> 2);
      return fn(ptr, sizes, s);
    } finally {
      x.sl_mlp_free(ptr);
    }
  });

  // Forward pass, and backward when dOut is given.
  const run = (spec, X, dOut) => withModel(spec, (ptr, sizes, s) => {
    const n_out = sizes[sizes.length - 1];
    const input = numberRows(X, { thing, field: 'X', width: sizes[0], Type: Float32Array, flat: true });
    const grad = dOut && numberRows(dOut, { thing, field: 'dOut', width: n_out, Type: Float32Array, flat: true });
    if (grad && grad.n !== input.n) fail(thing, 'dOut', `must have one row per row of X (${input.n}), got ${grad.n}`);
    const out = s.outPtr();
    core.check(x.sl_mlp_work_create(ptr, input.n, out));
    const work = s.readPtr(out);
    try {
      const xp = s.f32(input.data);
      const yp = x.sl_mlp_forward(ptr, work, xp, input.n) >> 2;
      if (!grad) return core.f32.slice(yp, yp + input.n * n_out);
      x.sl_mlp_backward(ptr, work, xp, s.f32(grad.data));
      const g = x.sl_mlp_grads(ptr) >> 2;
      return layersOf(core.f32.slice(g, g + x.sl_mlp_n_params(ptr)), sizes);
    } finally {
      x.sl_mlp_work_free(work);
    }
  });

  /** Initial weights of a model spec ({ sizes, activation, init: 'xavier' | 'he' | 'pytorch', seed }). */
  lab.mlpInit = (spec) => withModel(spec, (ptr, sizes) => {
    const p = x.sl_mlp_params(ptr) >> 2;
    return layersOf(core.f32.slice(p, p + x.sl_mlp_n_params(ptr)), sizes);
  });

  /** Outputs (Float32Array, rows x out, row-major) of the MLP for the rows of X. */
  lab.mlpForward = (spec, X) => run(spec, X);

  /** Gradients [{ W, b }, ...] of sum(dOut * outputs) with respect to every weight and bias. */
  lab.mlpBackward = (spec, X, dOut) => run(spec, X, dOut ?? fail(thing, 'dOut', 'is required: the upstream gradient dL/doutputs, one row per row of X'));
}
