// The low-level model API: one forward or backward pass of the C core's MLP
// (c/model/mlp.c) with given weights, for tests and for checking a model
// against another framework. Weights use PyTorch's nn.Linear layout: one
// { W, b } per linear layer, W as out_features rows of in_features numbers.
//   lab.mlpInit({ sizes, activation, init, seed }) -> [{ W, b }, ...]
//   lab.mlpForward({ sizes, activation, weights | init, seed }, X) -> Float32Array (rows x out)
//   lab.mlpBackward({ ... }, X, dOut) -> [{ W, b }, ...], the gradients of sum(dOut * outputs)
// X and dOut are arrays of rows or flat typed arrays (row-major). The spec, weights
// included, is validated by the core; one pass may do at most the registry's
// trainer.limits.work multiply-adds (rows x weights, x 3 with dOut).
import { fail, describe } from './errors.mjs';
import { specText } from './spec.mjs';
import { numberRows } from './data.mjs';

const thing = 'MLP';

// A flat parameter (or gradient) array as [{ W: rows, b }, ...].
export function layersOf(flat, sizes) {
  let off = 0;
  const take = (n) => flat.slice(off, (off += n));
  return sizes.slice(1).map((n_out, l) => ({ W: Array.from({ length: n_out }, () => take(sizes[l])), b: take(n_out) }));
}

// The widths of a C model (inputs, hidden..., outputs).
export function sizesOf(x, m) {
  return Array.from({ length: x.sl_mlp_n_layers(m) + 1 }, (_, i) => x.sl_mlp_size(m, i));
}

export function install(lab, core) {
  const x = core.x;

  // Runs fn(model, sizes, scope) on a fresh model built from spec (weights and all, by the core); frees it afterwards.
  const withModel = (spec, fn) => core.scoped((s) => {
    if (spec === null || typeof spec !== 'object') fail(thing, null, `spec must be an object with sizes, got ${describe(spec)}`);
    const [sp, sl] = s.string(specText(spec, thing));
    const out = s.outPtr();
    core.check(x.sl_mlp_create_spec(sp, sl, out));
    const ptr = s.readPtr(out);
    try {
      return fn(ptr, sizesOf(x, ptr), s);
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
    const xp = s.f32(input.data);
    const yp = s.alloc(input.n * n_out * 4);
    core.check(x.sl_mlp_pass(ptr, xp, input.n, grad ? s.f32(grad.data) : 0, yp));
    if (!grad) return core.copy(Float32Array, yp, input.n * n_out);
    return layersOf(core.copy(Float32Array, x.sl_mlp_grads(ptr), x.sl_mlp_n_params(ptr)), sizes);
  });

  /** Initial weights of a model spec ({ sizes, activation, init: 'xavier' | 'he' | 'pytorch', seed }). */
  lab.mlpInit = (spec) => withModel(spec, (ptr, sizes) => layersOf(core.copy(Float32Array, x.sl_mlp_params(ptr), x.sl_mlp_n_params(ptr)), sizes));

  /** Outputs (Float32Array, rows x out, row-major) of the MLP for the rows of X. */
  lab.mlpForward = (spec, X) => run(spec, X);

  /** Gradients [{ W, b }, ...] of sum(dOut * outputs) with respect to every weight and bias. */
  lab.mlpBackward = (spec, X, dOut) => run(spec, X, dOut ?? fail(thing, 'dOut', 'is required: the upstream gradient dL/doutputs, one row per row of X'));
}
