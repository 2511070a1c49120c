// The low-level model API (lab.mlpInit, lab.mlpForward, lab.mlpBackward):
// PyTorch 1.13 parity of one forward and backward pass (tests/fixtures/model.json,
// made by tests/gen/model.py), SIMD against the scalar build, initialisation, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lab, fixture, assertError, SteplabError } from './helpers.mjs';
import { loadSteplab } from '../dist/steplab.mjs';

const fx = fixture('model.json');

// Relative difference per element, against the larger of |want| and a tenth of the
// array's largest magnitude: entries that are small by cancellation carry float32
// rounding of the large terms they cancel (PyTorch's own float32 differs from its
// float64 in the same way).
function assertParity(got, want, rel, label) {
  assert.equal(got.length, want.length, `${label}: length`);
  const floor = 0.1 * Math.max(...want.map(Math.abs));
  let worst = 0;
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), floor);
    if (d > worst) { worst = d; at = i; }
  }
  assert.ok(worst <= rel, `${label}: index ${at}: got ${got[at]}, expected ${want[at]} (max rel diff ${worst})`);
  return worst;
}

const flatW = (layer) => layer.W.flatMap((row) => Array.from(row));

for (const c of fx.cases) {
  test(`PyTorch parity, forward and backward: ${c.label}`, () => {
    const spec = { sizes: c.sizes, activation: c.activation, weights: c.weights };
    const out = lab.mlpForward(spec, c.X);
    assert.ok(out instanceof Float32Array && out.length === c.X.length * c.sizes.at(-1));
    assertParity(Array.from(out), c.out, 1e-5, `${c.label} out`);
    const grads = lab.mlpBackward(spec, c.X, c.dOut);
    assert.equal(grads.length, c.sizes.length - 1);
    grads.forEach((g, l) => {
      assert.equal(g.W.length, c.sizes[l + 1]);
      assert.equal(g.W[0].length, c.sizes[l]);
      assertParity(flatW(g), c.grads[l].W, 1e-5, `${c.label} dW${l}`);
      assertParity(Array.from(g.b), c.grads[l].b, 1e-5, `${c.label} db${l}`);
      // against float64 autograd, the exact gradient of the same float32 weights
      assertParity(flatW(g), c.grads_f64[l].W, 1e-5, `${c.label} dW${l} (float64)`);
    });
  });
}

test('the fixtures cover every activation and the two course shapes', () => {
  const acts = new Set(fx.cases.map((c) => c.activation));
  for (const a of ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'linear']) assert.ok(acts.has(a), a);
  assert.deepEqual(fx.cases[0].sizes, [2, 16, 16, 1]);
  assert.deepEqual(fx.cases[1].sizes, [64, 32, 10]);
});

test('a one-layer linear model by hand: out = X W^T + b, dW = dOut^T X, db = sum dOut', () => {
  const spec = { sizes: [2, 2], weights: [{ W: [[1, 2], [3, 4]], b: [0.5, -1] }] };
  assert.deepEqual(Array.from(lab.mlpForward(spec, [[1, 1], [2, -1]])), [3.5, 6, 0.5, 1]);
  const [g] = lab.mlpBackward(spec, [[1, 1], [2, -1]], [[1, 0], [0.5, 2]]);
  assert.deepEqual(g.W.map((r) => Array.from(r)), [[2, 0.5], [4, -2]]);
  assert.deepEqual(Array.from(g.b), [1.5, 2]);
  // flat typed arrays work as rows too
  assert.deepEqual(Array.from(lab.mlpForward(spec, new Float32Array([1, 1, 2, -1]))), [3.5, 6, 0.5, 1]);
});

test('the hidden activation is applied between layers only', () => {
  // relu kills the negative hidden unit; the output layer stays linear (negative output allowed)
  const spec = { sizes: [1, 2, 1], activation: 'relu', weights: [{ W: [[1], [-1]], b: [0, 0] }, { W: [[-2, 5]], b: [0.25] }] };
  assert.deepEqual(Array.from(lab.mlpForward(spec, [[3]])), [-5.75]);
  const tanh = { ...spec, activation: 'tanh' };
  assert.ok(Math.abs(lab.mlpForward(tanh, [[3]])[0] - (-2 * Math.tanh(3) + 5 * Math.tanh(-3) + 0.25)) < 1e-6);
});

test('the scalar build (no SIMD) gives the same passes up to float32 summation order', async () => {
  const scalar = await loadSteplab({ wasm: fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url)) });
  assert.equal(scalar.simd, false);
  for (const c of fx.cases) {
    const spec = { sizes: c.sizes, activation: c.activation, weights: c.weights };
    assertParity(Array.from(scalar.mlpForward(spec, c.X)), Array.from(lab.mlpForward(spec, c.X)), 1e-5, `${c.label} out`);
    const a = scalar.mlpBackward(spec, c.X, c.dOut);
    const b = lab.mlpBackward(spec, c.X, c.dOut);
    a.forEach((g, l) => assertParity(flatW(g), flatW(b[l]), 1e-5, `${c.label} dW${l}`));
  }
});

// The kernels sum in one order in every build and the activations' vector lanes do the scalar loop's
// operations, so the two builds agree bit for bit; hidden widths of 7 and 13 leave tails after the lanes,
// and the inputs put exact zeros and both signs in front of relu's and leaky relu's choice.
test('the SIMD and scalar builds give the same bits for every activation, forward and backward', async () => {
  const scalar = await loadSteplab({ wasm: fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url)) });
  const X = Array.from({ length: 37 }, (_, i) => (i % 6 ? [((i * 7) % 11) - 5, ((i * 5) % 9) - 4, i % 3 ? 0.5 : -0] : [0, 0, 0]));
  const dOut = X.map((_, i) => [Math.sin(i), Math.cos(i)]);
  for (const activation of ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'linear']) {
    const spec = { sizes: [3, 7, 13, 2], activation, seed: 3, init: 'he' }; // zero biases: a row of zeros makes z exactly 0
    const same = (a, b, what) => a.forEach((v, i) => assert.ok(Object.is(v, b[i]), `${activation} ${what}[${i}]: ${v} against ${b[i]}`));
    same(Array.from(scalar.mlpForward(spec, X)), Array.from(lab.mlpForward(spec, X)), 'out');
    const a = scalar.mlpBackward(spec, X, dOut);
    lab.mlpBackward(spec, X, dOut).forEach((g, l) => {
      same(flatW(a[l]), flatW(g), `dW${l}`);
      same(Array.from(a[l].b), Array.from(g.b), `db${l}`);
    });
  }
});

// 601 rows of 300 inputs are over the forward kernel's row block (64K floats of the input), so its rows go in
// three blocks and the columns' and rows' remainders take the plain loop: still the scalar build's bits.
test('the forward kernel gives the same bits when it takes the rows in blocks', async () => {
  const scalar = await loadSteplab({ wasm: fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url)) });
  const X = Array.from({ length: 601 }, (_, i) => Float32Array.from({ length: 300 }, (_, j) => Math.sin(i * 0.37 + j * 1.3)));
  const spec = { sizes: [300, 20, 3], activation: 'relu', seed: 5 };
  const a = Array.from(scalar.mlpForward(spec, X)), b = Array.from(lab.mlpForward(spec, X));
  assert.equal(a.length, 601 * 3);
  a.forEach((v, i) => assert.ok(Object.is(v, b[i]), `out[${i}]: ${v} against ${b[i]}`));
});

test('initialisation: seeded, PyTorch bounds for xavier, he and nn.Linear', () => {
  const sizes = [100, 300, 10];
  const bound = { xavier: Math.sqrt(6 / 400), he: Math.sqrt(6 / 100), pytorch: 1 / 10 };
  for (const init of ['xavier', 'he', 'pytorch']) {
    const w = lab.mlpInit({ sizes, init, seed: 4 });
    assert.equal(w.length, 2);
    assert.equal(w[0].W.length, 300);
    assert.equal(w[0].W[0].length, 100);
    const all = flatW(w[0]);
    const max = Math.max(...all.map(Math.abs));
    assert.ok(max <= Math.fround(bound[init]) && max > 0.99 * bound[init], `${init}: max ${max}`);
    const variance = all.reduce((s, v) => s + v * v, 0) / all.length;
    assert.ok(Math.abs(variance / (bound[init] ** 2 / 3) - 1) < 0.03, `${init}: variance ${variance}`);
    assert.equal(Array.from(w[0].b).some((v) => v !== 0), init === 'pytorch');
    assert.deepEqual(lab.mlpInit({ sizes, init, seed: 4 }), w);
    assert.notDeepEqual(flatW(lab.mlpInit({ sizes, init, seed: 5 })[0]).slice(0, 10), all.slice(0, 10));
  }
  // a spec without weights runs with its initialisation
  const spec = { sizes: [3, 4, 2], activation: 'gelu', init: 'he', seed: 9 };
  const X = [[0.1, 0.2, 0.3], [1, -1, 2]];
  assert.deepEqual(lab.mlpForward(spec, X), lab.mlpForward({ ...spec, weights: lab.mlpInit(spec) }, X));
});

test('bad specs, weights and inputs are SteplabErrors naming the field; then it still works', () => {
  const W = [{ W: [[1, 2], [3, 4]], b: [0, 0] }, { W: [[1, 1]], b: [0] }];
  const spec = { sizes: [2, 2, 1], activation: 'tanh', weights: W };
  assertError(() => lab.mlpForward({ sizes: [2, 0, 1] }, [[1, 2]]), 'MLP: sizes [1] must be a number in [1, 4096], got 0');
  assertError(() => lab.mlpForward({ sizes: [2, 1], activation: 'swish' }, [[1, 2]]), "MLP: activation must be one of 'relu'", "got 'swish'");
  assertError(() => lab.mlpForward({ activation: 'relu' }, [[1, 2]]), 'MLP: sizes is required');
  assertError(() => lab.mlpForward(null, [[1, 2]]), 'MLP: spec must be an object');
  assertError(() => lab.mlpForward({ ...spec, weights: W.slice(0, 1) }, [[1, 2]]), 'MLP: weights must be an array of 2 { W, b }');
  assertError(() => lab.mlpForward({ ...spec, weights: [{ W: [[1, 2]], b: [0, 0] }, W[1]] }, [[1, 2]]), 'MLP: weights[0].W must have 2 rows (out_features)');
  assertError(() => lab.mlpForward({ ...spec, weights: [{ W: [[1, 2, 3], [3, 4, 5]], b: [0, 0] }, W[1]] }, [[1, 2]]),
    'MLP: weights[0].W row 0 must be an array of 2 numbers, got an array of 3');
  assertError(() => lab.mlpForward({ ...spec, weights: [W[0], { W: [[1, NaN]], b: [0] }] }, [[1, 2]]), 'MLP: weights[1].W row 0, column 1 must be a finite number, got NaN');
  assertError(() => lab.mlpForward({ ...spec, weights: [W[0], { W: [[1, 1]], b: [] }] }, [[1, 2]]), 'MLP: weights[1].b must have 1 numbers');
  assertError(() => lab.mlpForward(spec, [[1, 2, 3]]), 'MLP: X row 0 must be an array of 2 numbers, got an array of 3');
  assertError(() => lab.mlpForward(spec, []), 'MLP: X must have 1 to 1000000 rows, got 0');
  assertError(() => lab.mlpForward(spec, new Float32Array(3)), 'MLP: X must be a multiple of 2 numbers, got a Float32Array of 3');
  assertError(() => lab.mlpForward(spec, [[1, Infinity]]), 'MLP: X row 0, column 1 must be a finite number, got Infinity');
  assertError(() => lab.mlpBackward(spec, [[1, 2]]), 'MLP: dOut is required');
  assertError(() => lab.mlpBackward(spec, [[1, 2]], [[1], [2]]), 'MLP: dOut must have one row per row of X (1), got 2');
  assertError(() => lab.mlpInit({ sizes: [2, 1], seed: -1 }), 'MLP: seed must be an integer in [0, 4294967295], got -1');
  const out = lab.mlpForward(spec, [[1, 2]]);
  assert.ok(Math.abs(out[0] - (Math.tanh(5) + Math.tanh(11))) < 1e-6);
});

test('many passes leave the heap where it was', () => {
  const c = fx.cases[1];
  const spec = { sizes: c.sizes, activation: c.activation, weights: c.weights };
  for (let i = 0; i < 20; i++) lab.mlpBackward(spec, c.X, c.dOut);
  const before = lab.mlpForward(spec, c.X);
  for (let i = 0; i < 300; i++) {
    lab.mlpBackward(spec, c.X, c.dOut);
    assert.throws(() => lab.mlpForward({ ...spec, weights: [] }, c.X), SteplabError);
  }
  assert.deepEqual(lab.mlpForward(spec, c.X), before);
});
