// Loss functions: PyTorch 1.13 parity (tests/fixtures/losses.json, made by
// tests/gen/losses.py), the course's worked numbers, finite-difference
// gradient checks, shapes, the scalar build, and every kind of bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lab, fixture, assertClose, assertError, SteplabError } from './helpers.mjs';
import { loadSteplab } from '../dist/steplab.mjs';

const fx = fixture('losses.json');

const flat = (g) => (typeof g === 'number' ? [g] : Array.isArray(g) ? g.flatMap((r) => flat(r)) : Array.from(g));
const values = (v) => (typeof v === 'number' ? [v] : Array.from(v));
const gradsOf = (c, r) => (Array.isArray(c.grad[0]) ? r.grad.map(flat) : [flat(r.grad)]);
const wantGrads = (c) => (Array.isArray(c.grad[0]) ? c.grad : [c.grad]);

test('the fixtures cover every loss, reduction and option', () => {
  const covered = new Set();
  const visit = (spec) => { covered.add(spec.type); (spec.terms || []).forEach((t) => visit(t.loss)); };
  fx.cases.forEach((c) => visit(c.spec));
  // Custom (a formula) is checked against these built-ins in tests/custom.test.mjs
  for (const name of lab.losses) assert.ok(name === 'Custom' || covered.has(name), `no fixture for ${name}`);
  assert.equal(lab.losses.length, 20);
  const options = ['delta', 'beta', 'weight', 'pos_weight', 'ignore_index', 'label_smoothing', 'p', 'margin', 'alpha',
    'gamma', 'eps', 'swap', 'lambda', 'l1', 'l2'];
  for (const o of options) assert.ok(fx.cases.some((c) => o in c.spec), `no fixture sets ${o}`);
  for (const r of ['sum', 'none']) assert.ok(fx.cases.filter((c) => c.spec.reduction === r).length > 30, r);
  assert.ok(fx.cases.length >= 150);
});

const worst = { value: 0, grad: 0 };
for (const c of fx.cases) {
  test(`PyTorch parity: ${c.label}`, () => {
    const r = lab.loss(c.spec, c.input, c.target);
    assert.equal(typeof r.value === 'number', typeof c.value === 'number', `${c.label}: value kind`);
    worst.value = Math.max(worst.value, assertClose(values(r.value), values(c.value), 1e-5, `${c.label} value`));
    const got = gradsOf(c, r);
    const want = wantGrads(c);
    assert.equal(got.length, want.length);
    want.forEach((w, i) => {
      worst.grad = Math.max(worst.grad, assertClose(got[i], w, 1e-4, `${c.label} grad[${i}]`));
    });
  });
}

test('parity summary: worst relative differences', () => {
  assert.ok(worst.value <= 1e-5 && worst.grad <= 1e-4);
  console.log(`# losses parity: worst value rel diff ${worst.value.toExponential(2)}, worst grad ${worst.grad.toExponential(2)}`);
});

// ---- the course's worked examples ----

const ACTUAL = [100, 150, 200, 180, 120];
const PREDICTED = [98, 153, 199, 182, 140];

test('course: MSE 83.6, MAE 5.6, Huber(delta=5) 19.3 on the outlier example', () => {
  assert.equal(lab.loss({ type: 'HuberLoss', delta: 5 }, PREDICTED, ACTUAL).value, 19.3);
  assert.equal(lab.loss({ type: 'MSELoss' }, PREDICTED, ACTUAL).value, 83.6);
  assert.equal(lab.loss({ type: 'L1Loss' }, PREDICTED, ACTUAL).value, 5.6);
  // the outlier (error -20... predicted 140 vs 120) carries MSE's gradient: 2 * 20 / 5
  assert.equal(lab.loss({ type: 'MSELoss' }, PREDICTED, ACTUAL).grad[4], 8);
  assert.equal(lab.loss({ type: 'HuberLoss', delta: 5 }, PREDICTED, ACTUAL).grad[4], 1);
});

test('course: binary cross-entropy examples to 3 decimals', () => {
  const cases = [[1, 0.95, '0.051'], [1, 0.70, '0.357'], [0, 0.10, '0.105'], [1, 0.50, '0.693'], [1, 0.20, '1.609']];
  for (const [y, p, want] of cases) {
    assert.equal(lab.loss({ type: 'BCELoss' }, p, y).value.toFixed(3), want, `y=${y} p=${p}`);
    const logit = Math.log(p / (1 - p));
    assert.equal(lab.loss({ type: 'BCEWithLogitsLoss' }, logit, y).value.toFixed(3), want, `logits y=${y} p=${p}`);
  }
  const all = lab.loss({ type: 'BCELoss', reduction: 'none' }, cases.map((c) => c[1]), cases.map((c) => c[0]));
  assert.deepEqual(Array.from(all.value, (v) => v.toFixed(3)), cases.map((c) => c[2]));
});

test('course: categorical cross-entropy examples to 3 decimals', () => {
  const cases = [
    [[0, 1, 0], [0.1, 0.8, 0.1], '0.223'],
    [[1, 0, 0], [0.7, 0.2, 0.1], '0.357'],
    [[0, 0, 1], [0.2, 0.2, 0.6], '0.511'],
    [[0, 1, 0], [0.4, 0.4, 0.2], '0.916'],
    [[1, 0, 0], [0.2, 0.5, 0.3], '1.609'],
  ];
  for (const [t, p, want] of cases) {
    const logp = p.map(Math.log);
    // softmax(log p) = p, so cross-entropy on log p with a one-hot target is -log p[y]
    assert.equal(lab.loss({ type: 'CrossEntropyLoss' }, logp, t).value.toFixed(3), want, `${t} vs ${p}`);
    assert.equal(lab.loss({ type: 'NLLLoss' }, [logp], [t.indexOf(1)]).value.toFixed(3), want);
    assert.equal(lab.loss({ type: 'CrossEntropyLoss' }, logp, t.indexOf(1)).value.toFixed(3), want);
  }
  const batch = lab.loss({ type: 'CrossEntropyLoss', reduction: 'none' }, cases.map((c) => c[1].map(Math.log)),
    cases.map((c) => c[0]));
  assert.deepEqual(Array.from(batch.value, (v) => v.toFixed(3)), cases.map((c) => c[2]));
});

test('course: the focal weight (1 - p)^2 is 0.01 at p = 0.9 and 0.64 at p = 0.2', () => {
  for (const [p, w] of [[0.9, 0.01], [0.2, 0.64]]) {
    const logit = Math.log(p / (1 - p));
    const fl = lab.loss({ type: 'FocalLoss', alpha: null, gamma: 2 }, logit, 1).value;
    const ce = lab.loss({ type: 'FocalLoss', alpha: null, gamma: 0 }, logit, 1).value;
    assert.ok(Math.abs(fl / ce - w) < 1e-6, `p=${p}: ${fl / ce}`);
    assert.ok(Math.abs(ce - lab.loss({ type: 'BCEWithLogitsLoss' }, logit, 1).value) < 1e-12);
    // softmax form, two classes: the same weight on -log p
    const two = lab.loss({ type: 'FocalLoss', alpha: null }, [Math.log(p), Math.log(1 - p)], 0).value;
    assert.ok(Math.abs(two / -Math.log(p) - w) < 1e-6);
  }
  // torchvision's default alpha = 0.25 weights positives by 0.25 and negatives by 0.75
  const pos = lab.loss({ type: 'FocalLoss' }, 0.3, 1).value / lab.loss({ type: 'FocalLoss', alpha: -1 }, 0.3, 1).value;
  const neg = lab.loss({ type: 'FocalLoss' }, 0.3, 0).value / lab.loss({ type: 'FocalLoss', alpha: null }, 0.3, 0).value;
  assert.ok(Math.abs(pos - 0.25) < 1e-12 && Math.abs(neg - 0.75) < 1e-12);
});

test('course: hinge counts only points inside the margin; contrastive and triplet closed forms', () => {
  const h = lab.loss({ type: 'HingeLoss', reduction: 'none' }, [2, 0.5, -1, 1], [1, 1, 1, -1]);
  assert.deepEqual(Array.from(h.value), [0, 0.5, 2, 2]);
  assert.deepEqual(Array.from(h.grad), [0, -1, -1, 1]);
  const sq = lab.loss({ type: 'SquaredHingeLoss', reduction: 'sum' }, [2, 0.5, -1, 1], [1, 1, 1, -1]);
  assert.equal(sq.value, 0.25 + 4 + 4);
  // similar pair at distance 5 (3-4-5): 0.5 * 25; dissimilar at 0.5 with margin 2: 0.5 * 1.5^2
  const c = lab.loss({ type: 'ContrastiveLoss', margin: 2, reduction: 'none' }, [[[0, 0], [0, 0]], [[3, 4], [0.3, 0.4]]], [0, 1]);
  assert.deepEqual(Array.from(c.value), [12.5, 1.125]);
  const t = lab.loss({ type: 'TripletMarginLoss', margin: 1, eps: 0 }, [[0, 0], [3, 4], [0, 1]]);
  assert.equal(t.value, 5 - 1 + 1);
  const l1 = lab.loss({ type: 'L1', lambda: 0.5 }, [1, -2, 0, 3]);
  assert.equal(l1.value, 3);
  assert.deepEqual(Array.from(l1.grad), [0.5, -0.5, 0, 0.5]);
  const en = lab.loss({ type: 'ElasticNet', l1: 1, l2: 0.5 }, [1, -2, 0, 3]);
  assert.equal(en.value, 6 + 0.5 * 14);
  assert.deepEqual(Array.from(en.grad), [2, -3, 0, 4]);
});

test('WeightedSum is w1 L1 + w2 L2 with gradients summed the same way', () => {
  const x = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
  const y = [[0, -1.5, 1], [2, 0, 0]];
  const mse = lab.loss({ type: 'MSELoss' }, x, y);
  const hub = lab.loss({ type: 'HuberLoss', delta: 0.5, reduction: 'sum' }, x, y);
  const l2 = lab.loss({ type: 'L2', lambda: 0.1 }, x, y);
  const sum = lab.loss({ type: 'WeightedSum', terms: [
    { weight: 1, loss: { type: 'MSELoss' } },
    { weight: 0.3, loss: { type: 'HuberLoss', delta: 0.5, reduction: 'sum' } },
    { weight: 2, loss: { type: 'L2', lambda: 0.1 } },
  ] }, x, y);
  assert.ok(Math.abs(sum.value - (mse.value + 0.3 * hub.value + 2 * l2.value)) < 1e-12);
  for (let i = 0; i < 2; i++) {
    for (let k = 0; k < 3; k++) {
      const want = mse.grad[i][k] + 0.3 * hub.grad[i][k] + 2 * l2.grad[i][k];
      assert.ok(Math.abs(sum.grad[i][k] - want) < 1e-6, `grad[${i}][${k}]`);
    }
  }
});

// ---- finite-difference gradient checks ----

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const R = rng(7);
const rand = (n, c, scale = 1, lo = -1) => Array.from({ length: n }, () => Array.from({ length: c }, () => (lo + (1 - lo) * R()) * scale));

// Central differences in double on the float32 inputs: d = (f(x + h) - f(x - h)) / (x+h - x-h).
function fdCheck(label, spec, inputs, target, multi) {
  const list = multi ? inputs : [inputs];
  const f = (xs) => {
    const v = lab.loss(spec, multi ? xs : xs[0], target).value;
    return typeof v === 'number' ? v : Array.from(v).reduce((a, b) => a + b, 0);
  };
  const g = lab.loss(spec, multi ? list : list[0], target).grad;
  const grads = multi ? g.map(flat) : [flat(g)];
  let scale = 0;
  for (const gr of grads) for (const v of gr) scale = Math.max(scale, Math.abs(v));
  list.forEach((x, k) => {
    const rows = x.length;
    const cols = x[0].length;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const x0 = Math.fround(x[i][j]);
        const h = 1e-3 * Math.max(1, Math.abs(x0));
        const up = Math.fround(x0 + h);
        const dn = Math.fround(x0 - h);
        const at = (v) => list.map((y, kk) => (kk !== k ? y : y.map((r, ii) => (ii !== i ? r : r.map((e, jj) => (jj === j ? v : e))))));
        const fd = (f(at(up)) - f(at(dn))) / (up - dn);
        const an = grads[k][i * cols + j];
        const tol = 2e-3 * Math.max(Math.abs(fd), 1e-2 * scale, 1e-6);
        assert.ok(Math.abs(fd - an) <= tol, `${label}: input ${k} [${i}][${j}]: autograd ${an}, finite difference ${fd}`);
      }
    }
  });
}

const FD = () => {
  const x = rand(4, 3, 2);
  const y = rand(4, 3, 2);
  const p = rand(4, 3, 0.9, 0.1);
  const b = p.map((r) => r.map((v) => (v > 0.5 ? 1 : 0)));
  const s = b.map((r) => r.map((v) => 2 * v - 1));
  const idx = [0, 2, 1, 2];
  const a = rand(4, 3);
  const c = rand(4, 3);
  const n = rand(4, 3);
  return [
    ['MSELoss', { type: 'MSELoss' }, x, y],
    ['L1Loss', { type: 'L1Loss', reduction: 'sum' }, x, y],
    ['HuberLoss', { type: 'HuberLoss', delta: 0.7 }, x, y],
    ['SmoothL1Loss', { type: 'SmoothL1Loss', beta: 0.6, reduction: 'none' }, x, y],
    ['BCELoss', { type: 'BCELoss', weight: [1, 2, 0.5] }, p, p.map((r) => r.map((v) => 1 - v * v))],
    ['BCEWithLogitsLoss', { type: 'BCEWithLogitsLoss', pos_weight: [2, 1, 0.5] }, x, p],
    ['CrossEntropyLoss', { type: 'CrossEntropyLoss', label_smoothing: 0.1, weight: [1, 2, 3] }, x, idx],
    ['CrossEntropyLoss probabilities', { type: 'CrossEntropyLoss', reduction: 'sum' }, x, p.map((r) => r.map((v) => v / 2))],
    ['NLLLoss', { type: 'NLLLoss', weight: [1, 2, 3] }, x, idx],
    ['HingeLoss', { type: 'HingeLoss' }, x, s],
    ['SquaredHingeLoss', { type: 'SquaredHingeLoss', reduction: 'sum' }, x, s],
    ['MultiMarginLoss', { type: 'MultiMarginLoss', p: 2, margin: 2 }, x, idx],
    ['FocalLoss sigmoid', { type: 'FocalLoss', gamma: 1.5 }, x, b],
    ['FocalLoss softmax', { type: 'FocalLoss', alpha: [0.5, 1, 2], gamma: 2 }, x, idx],
    ['ContrastiveLoss', { type: 'ContrastiveLoss', margin: 2 }, [a, c], [0, 1, 1, 0], true],
    ['TripletMarginLoss', { type: 'TripletMarginLoss', margin: 3, p: 3 }, [a, c, n], undefined, true],
    ['TripletMarginLoss swap', { type: 'TripletMarginLoss', margin: 3, swap: true }, [a, c, n], undefined, true],
    ['CosineEmbeddingLoss', { type: 'CosineEmbeddingLoss', margin: -0.9 }, [a, c], [1, -1, 1, -1], true],
    ['L1', { type: 'L1', lambda: 0.3 }, x],
    ['L2', { type: 'L2', lambda: 0.3 }, x],
    ['ElasticNet', { type: 'ElasticNet', l1: 0.2, l2: 0.4 }, x],
    ['WeightedSum', { type: 'WeightedSum', terms: [{ weight: 0.5, loss: { type: 'CrossEntropyLoss' } },
      { weight: 2, loss: { type: 'MultiMarginLoss' } }, { weight: 0.1, loss: { type: 'L2', lambda: 1 } }] }, x, idx],
    ['Custom', { type: 'Custom', hyper: { a: 0.7 }, expr: 'x > y ? a * (x - y)^3 + sin(x) * y : exp(-x) / (1 + y^2) - log(1 + x^2)' }, x, x.map((r) => r.map((v) => v - 0.2))],
  ];
};

test('finite differences agree with the gradient of every loss', () => {
  const specs = FD();
  const seen = new Set(specs.map((s) => s[1].type));
  for (const name of lab.losses) assert.ok(seen.has(name), `no gradient check for ${name}`);
  for (const [label, spec, input, target, multi] of specs) fdCheck(label, spec, input, target, multi);
});

// ---- shapes, reductions and builds ----

test('grad has the shape of input; reduction none gives per-sample values and the gradient of their sum', () => {
  const one = lab.loss({ type: 'MSELoss' }, 3, 1);
  assert.equal(one.value, 4);
  assert.equal(one.grad, 4);
  const typed = lab.loss({ type: 'MSELoss' }, new Float64Array([1, 2]), new Int32Array([0, 0]));
  assert.ok(typed.grad instanceof Float32Array && typed.grad.length === 2);
  const rows = lab.loss({ type: 'CrossEntropyLoss', reduction: 'none' }, [[1, 2, 3], [3, 2, 1]], new Int32Array([2, 0]));
  assert.ok(Array.isArray(rows.grad) && rows.grad.length === 2 && rows.grad[1].length === 3);
  assert.ok(rows.value instanceof Float32Array && rows.value.length === 2);
  assert.ok(Math.abs(rows.value[0] - rows.value[1]) < 1e-7);
  const sum = lab.loss({ type: 'CrossEntropyLoss', reduction: 'sum' }, [[1, 2, 3], [3, 2, 1]], [2, 0]);
  assert.ok(Math.abs(sum.value - rows.value[0] - rows.value[1]) < 1e-6);
  assert.deepEqual(flat(sum.grad), flat(rows.grad));
  const trip = lab.loss({ type: 'TripletMarginLoss' }, [[[0, 0]], [[1, 0]], [[0, 1]]]);
  assert.ok(Array.isArray(trip.grad) && trip.grad.length === 3 && trip.grad[2][0].length === 2);
});

test('all targets ignored: a mean of nothing is 0 with a zero gradient (PyTorch: NaN)', () => {
  const r = lab.loss({ type: 'CrossEntropyLoss', ignore_index: 1 }, [[1, 2], [3, 4]], [1, 1]);
  assert.equal(r.value, 0);
  assert.deepEqual(flat(r.grad), [0, 0, 0, 0]);
});

test('the scalar build (no SIMD) gives the same losses', async () => {
  const bytes = fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url));
  const scalar = await loadSteplab({ wasm: bytes });
  assert.equal(scalar.simd, false);
  for (const c of fx.cases) {
    const a = lab.loss(c.spec, c.input, c.target);
    const b = scalar.loss(c.spec, c.input, c.target);
    assertClose(values(a.value), values(b.value), 1e-12, `${c.label} value`);
    const ga = gradsOf(c, a);
    const gb = gradsOf(c, b);
    ga.forEach((g, i) => assertClose(g, gb[i], 1e-6, `${c.label} grad`));
  }
});

test('the registry lists each loss with PyTorch-named parameters', () => {
  const ce = lab.registry.losses.find((k) => k.name === 'CrossEntropyLoss');
  assert.deepEqual(ce.params.map((p) => p.name), ['weight', 'ignore_index', 'reduction', 'label_smoothing']);
  assert.equal(ce.params.find((p) => p.name === 'ignore_index').default, -100);
  assert.equal(ce.params.find((p) => p.name === 'reduction').choices, 'mean|sum|none');
  const focal = lab.registry.losses.find((k) => k.name === 'FocalLoss');
  assert.deepEqual(focal.params.map((p) => [p.name, p.default]), [['alpha', 0.25], ['gamma', 2], ['reduction', 0]]);
  for (const k of lab.registry.losses) assert.ok(k.summary.length > 5 && k.params.every((p) => p.help.length > 3), k.name);
});

// ---- bad input ----

test('bad specs: unknown type or reduction, negative delta/beta/margin/gamma, bad lists and terms', () => {
  assertError(() => lab.loss({ type: 'MSLoss' }, 1, 1), 'loss: type must be one of MSELoss', "got 'MSLoss'");
  assertError(() => lab.loss('MSELoss', 1, 1), 'loss: spec must be an object');
  assertError(() => lab.loss({ type: 'MSELoss', reduction: 'avg' }, 1, 1), "MSELoss: reduction must be one of 'mean', 'sum', 'none', got 'avg'");
  assertError(() => lab.loss({ type: 'HuberLoss', delta: -1 }, 1, 1), 'HuberLoss: delta must be a number > 0, got -1');
  assertError(() => lab.loss({ type: 'HuberLoss', delta: 0 }, 1, 1), 'HuberLoss: delta', 'got 0');
  assertError(() => lab.loss({ type: 'SmoothL1Loss', beta: -0.5 }, 1, 1), 'SmoothL1Loss: beta must be a number >= 0, got -0.5');
  assertError(() => lab.loss({ type: 'MultiMarginLoss', margin: -1 }, [1, 2], 0), 'MultiMarginLoss: margin must be a number >= 0, got -1');
  assertError(() => lab.loss({ type: 'MultiMarginLoss', p: 3 }, [1, 2], 0), 'MultiMarginLoss: p must be an integer in [1, 2], got 3');
  assertError(() => lab.loss({ type: 'ContrastiveLoss', margin: -2 }, [[1], [2]], 0), 'ContrastiveLoss: margin', 'got -2');
  assertError(() => lab.loss({ type: 'TripletMarginLoss', margin: -1 }, [[1], [2], [3]]), 'TripletMarginLoss: margin', 'got -1');
  assertError(() => lab.loss({ type: 'CosineEmbeddingLoss', margin: 2 }, [[1], [2]], 1), 'CosineEmbeddingLoss: margin must be a number in [-1, 1], got 2');
  assertError(() => lab.loss({ type: 'FocalLoss', gamma: -2 }, 1, 1), 'FocalLoss: gamma must be a number >= 0, got -2');
  assertError(() => lab.loss({ type: 'FocalLoss', alpha: 1.5 }, 1, 1), 'FocalLoss: alpha must be a number <= 1', 'got 1.5');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss', label_smoothing: 1.5 }, [1, 2], 0), 'CrossEntropyLoss: label_smoothing must be a number in [0, 1], got 1.5');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss', weight: [1, -1] }, [1, 2], 0), 'CrossEntropyLoss: weight [1] must be a number >= 0, got -1');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss', weight: [1, 2, 3] }, [1, 2], 0), 'CrossEntropyLoss: weight must have 2 values (one per class), got 3');
  assertError(() => lab.loss({ type: 'MSELoss', delta: 1 }, 1, 1), "MSELoss: unknown parameter 'delta'");
  assertError(() => lab.loss({ type: 'L2' }, [1]), 'L2: lambda is required');
  assertError(() => lab.loss({ type: 'L1', lambda: -0.1 }, [1]), 'L1: lambda must be a number >= 0, got -0.1');
  assertError(() => lab.loss({ type: 'HuberLoss', delta: NaN }, 1, 1), 'HuberLoss: delta', 'got NaN');
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [] }, 1, 1), 'WeightedSum: terms must be a non-empty array');
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [{ weight: 1 }] }, 1, 1), 'WeightedSum: terms[0].loss is required');
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [{ loss: { type: 'MSELoss' }, w: 2 }] }, 1, 1), "WeightedSum: terms[0] has unknown key 'w'");
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [{ weight: 'x', loss: { type: 'MSELoss' } }] }, 1, 1), 'WeightedSum: terms[0].weight must be a finite number');
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [{ loss: { type: 'MSELoss', reduction: 'none' } }] }, 1, 1), "terms[0].loss must not have reduction 'none'");
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [{ loss: { type: 'MSELoss' } }, { loss: { type: 'TripletMarginLoss' } }] }, 1, 1),
    'WeightedSum: terms[1].loss takes 3 inputs where terms[0] takes 1');
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [{ loss: { type: 'HuberLoss', delta: -3 } }] }, 1, 1), 'HuberLoss: delta', 'got -3');
  let deep = { type: 'MSELoss' };
  for (let i = 0; i < 6; i++) deep = { type: 'WeightedSum', terms: [{ loss: deep }] };
  assertError(() => lab.loss(deep, 1, 1), 'WeightedSum: terms nests WeightedSum more than 4 deep');
  const many = { type: 'WeightedSum', terms: Array.from({ length: 16 }, () => ({ loss: { type: 'MSELoss' } })) };
  assertError(() => lab.loss(many, 1, 1), 'WeightedSum: terms must hold at most 15 losses');
  assert.equal(lab.loss({ type: 'HuberLoss', delta: 5 }, PREDICTED, ACTUAL).value, 19.3);
});

test('bad inputs: shape mismatches, empty and non-finite inputs, labels outside their set', () => {
  assertError(() => lab.loss({ type: 'MSELoss' }, [1, 2, 3], [1, 2]), "MSELoss: target must have the input's shape (3 values), got 2");
  assertError(() => lab.loss({ type: 'MSELoss' }, [[1, 2], [3, 4]], [[1, 2, 3], [1, 2, 3]]), "MSELoss: target must have the input's shape (2 x 2)");
  assertError(() => lab.loss({ type: 'MSELoss' }, [[1, 2], [3]], [1, 2, 3]), 'MSELoss: input[1] must have 2 values like input[0], got 1');
  assertError(() => lab.loss({ type: 'MSELoss' }, [], []), 'MSELoss: input must not be empty');
  assertError(() => lab.loss({ type: 'MSELoss' }, [1, NaN], [1, 2]), 'MSELoss: input[1] must be a finite number, got NaN');
  assertError(() => lab.loss({ type: 'MSELoss' }, [1, 2], [1, Infinity]), 'MSELoss: target[1] must be a finite number, got Infinity');
  assertError(() => lab.loss({ type: 'MSELoss' }, [1, '2'], [1, 2]), "MSELoss: input[1] must be a number, got '2'");
  assertError(() => lab.loss({ type: 'MSELoss' }, { a: 1 }, [1]), 'MSELoss: input must be a number, an array');
  assertError(() => lab.loss({ type: 'MSELoss' }, [1]), 'MSELoss: target is required');
  assertError(() => lab.loss({ type: 'HingeLoss' }, [0.5, 2], [1, 0]), 'HingeLoss: target[1] must be -1 or 1, got 0');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss' }, [[1, 2, 3]], [3]), 'CrossEntropyLoss: target[0] must be a class index in [0, 3) or ignore_index (-100), got 3');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss' }, [[1, 2, 3]], [1.5]), 'CrossEntropyLoss: target[0] must be a class index', 'got 1.5');
  assertError(() => lab.loss({ type: 'NLLLoss' }, [[1, 2, 3]], [-1]), 'NLLLoss: target[0] must be a class index in [0, 3) or ignore_index (-100), got -1');
  assertError(() => lab.loss({ type: 'MultiMarginLoss' }, [[1, 2], [3, 4]], [0, 2]), 'MultiMarginLoss: target[1] must be a class index in [0, 2), got 2');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss' }, [[1, 2, 3], [1, 2, 3]], [1, 0, 1]), 'CrossEntropyLoss: target must hold 2 class indices (one per row) or 6 probabilities');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss' }, [1, 2], [0.5, 1.5]), 'CrossEntropyLoss: target[1] must be a probability in [0, 1], got 1.5');
  assertError(() => lab.loss({ type: 'NLLLoss' }, [[1, 2], [3, 4]], [[0, 1], [1, 0]]), 'NLLLoss: target must hold one class index per row (2), got 4 values');
  assertError(() => lab.loss({ type: 'BCELoss' }, [0.5, 1.2], [1, 0]), 'BCELoss: input[1] must be a probability in [0, 1]', 'got 1.2000000476837158');
  assertError(() => lab.loss({ type: 'BCELoss' }, [0.5, 0.2], [1, 2]), 'BCELoss: target[1] must be a probability in [0, 1], got 2');
  assertError(() => lab.loss({ type: 'BCEWithLogitsLoss', pos_weight: [1, 2, 3] }, [[1, 2]], [[1, 0]]), 'BCEWithLogitsLoss: pos_weight must have 1 or 2 values (one per class), got 3');
  assertError(() => lab.loss({ type: 'FocalLoss' }, [0.5, 2], [1, -1]), 'FocalLoss: target[1] must be a probability in [0, 1], got -1');
  assertError(() => lab.loss({ type: 'FocalLoss', alpha: [1, 2] }, [0.5, 2], [1, 0]), 'FocalLoss: alpha as a list needs class-index targets');
  assertError(() => lab.loss({ type: 'FocalLoss', alpha: [1, 2] }, [[0.5, 2, 1]], [1]), 'FocalLoss: alpha must have 3 values (one per class), got 2');
  assertError(() => lab.loss({ type: 'FocalLoss', alpha: [1, -2, 1] }, [[0.5, 2, 1]], [1]), 'FocalLoss: alpha [1] must be >= 0 in a per-class list, got -2');
  assertError(() => lab.loss({ type: 'ContrastiveLoss' }, [[1, 2]], [0]), 'ContrastiveLoss: input must be [x1, x2], got an array of 1');
  assertError(() => lab.loss({ type: 'ContrastiveLoss' }, [[[1, 2]], [[1, 2, 3]]], [0]), 'ContrastiveLoss: input[1] must have the shape of input[0] (1 x 2), got 1 x 3');
  assertError(() => lab.loss({ type: 'ContrastiveLoss' }, [[[1, 2]], [[1, 2]]], [-1]), 'ContrastiveLoss: target[0] must be 0 (similar) or 1 (dissimilar), got -1');
  assertError(() => lab.loss({ type: 'ContrastiveLoss' }, [[[1, 2]], [[1, 2]]], [0, 1]), 'ContrastiveLoss: target must have one label per pair (1), got 2 values');
  assertError(() => lab.loss({ type: 'CosineEmbeddingLoss' }, [[[1, 2]], [[1, 2]]], [0]), 'CosineEmbeddingLoss: target[0] must be 1 (similar) or -1 (dissimilar), got 0');
  assertError(() => lab.loss({ type: 'TripletMarginLoss' }, [[1, 2], [1, 2]]), 'TripletMarginLoss: input must be [anchor, positive, negative], got an array of 2');
  assertError(() => lab.loss({ type: 'TripletMarginLoss' }, [[1, 2], [1, 2], [1, NaN]]), 'TripletMarginLoss: input[2][1] must be a finite number, got NaN');
  assertError(() => lab.loss({ type: 'L2', lambda: 1 }, [1, -Infinity]), 'L2: input[1] must be a finite number, got -Infinity');
  assertError(() => lab.loss({ type: 'WeightedSum', terms: [{ loss: { type: 'MSELoss' } }, { loss: { type: 'HingeLoss' } }] }, [1, 2], [1, 0]),
    'HingeLoss: target[1] must be -1 or 1, got 0');
  // after all of that, everything still works
  assert.equal(lab.loss({ type: 'HuberLoss', delta: 5 }, PREDICTED, ACTUAL).value, 19.3);
  assert.ok(lab.loss({ type: 'TripletMarginLoss' }, [[1, 2], [1, 2], [1, 3]]).value > 0);
});

test('errors are SteplabErrors with the loss, field and code', () => {
  try {
    lab.loss({ type: 'CrossEntropyLoss' }, [[1, 2, 3]], [7]);
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof SteplabError);
    assert.equal(e.thing, 'CrossEntropyLoss');
    assert.equal(e.field, 'target[0]');
    assert.equal(e.code, 'invalid');
  }
});

test('a batch of a million values: MSE, L1 and L2 match a double reference', () => {
  const n = 1_000_003;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.sin(i * 0.001) * 2;
    y[i] = Math.cos(i * 0.0007);
  }
  let mse = 0;
  let l2 = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.fround(x[i] - y[i]);
    mse += d * d;
    l2 += x[i] * x[i];
  }
  const r = lab.loss({ type: 'MSELoss' }, x, y);
  const p = lab.loss({ type: 'L2', lambda: 0.5 }, x);
  assert.ok(Math.abs(r.value - mse / n) <= 1e-10 * (mse / n), `${r.value} vs ${mse / n}`);
  assert.ok(Math.abs(p.value - 0.5 * l2) <= 1e-10 * l2);
  assert.equal(r.grad.length, n);
  assert.ok(Math.abs(r.grad[n - 1] - (2 * (x[n - 1] - y[n - 1])) / n) < 1e-12);
});

test('registry rows: category, summary, the starter (a spec that evaluates), the trainer tasks and penalty from one table', () => {
  const words = lab.registry.trainer.tasks;
  const fits = Object.fromEntries(words.map((t) => [t, lab.registry.losses.filter((k) => k.tasks.includes(t)).map((k) => k.name)]));
  assert.deepEqual(fits.binary, ['BCEWithLogitsLoss', 'HingeLoss', 'SquaredHingeLoss', 'FocalLoss', 'ContrastiveLoss', 'TripletMarginLoss', 'Custom']);
  assert.deepEqual(fits.multiclass, ['CrossEntropyLoss', 'MultiMarginLoss', 'FocalLoss', 'ContrastiveLoss', 'TripletMarginLoss']);
  assert.deepEqual(fits.regression, ['MSELoss', 'L1Loss', 'HuberLoss', 'SmoothL1Loss', 'Custom']);
  assert.deepEqual(fits.embedding, ['ContrastiveLoss', 'TripletMarginLoss']);
  for (const k of lab.registry.losses) {
    assert.ok(['regression', 'classification', 'margin', 'metric', 'penalty', 'composite', 'custom'].includes(k.category), k.name);
    assert.ok(k.summary.length > 10 && k.tasks.every((t) => words.includes(t)), k.name);
    assert.equal(k.penalty, ['L1', 'L2', 'ElasticNet'].includes(k.name), k.name);
    assert.equal(k.starter.type, k.name);
    const n = 2, c = 3;
    const x = Array.from({ length: n }, (_, i) => Array.from({ length: c }, (_, j) => 0.3 + 0.1 * i - 0.05 * j));
    const input = k.name === 'TripletMarginLoss' ? [x, x, x] : ['ContrastiveLoss', 'CosineEmbeddingLoss'].includes(k.name) ? [x, x] : x;
    const target = k.name === 'ContrastiveLoss' ? [0, 1] : k.name === 'CosineEmbeddingLoss' ? [1, -1]
      : ['CrossEntropyLoss', 'NLLLoss', 'MultiMarginLoss', 'FocalLoss'].includes(k.name) ? [0, 2]
        : ['HingeLoss', 'SquaredHingeLoss'].includes(k.name) ? x.map((r) => r.map(() => 1)) : k.penalty ? undefined : x;
    assert.ok(Number.isFinite(lab.loss(k.starter, input, target).value), `${k.name}'s starter evaluates`);
  }
  // the trainer refuses what the table does not list, naming the ones it does
  const run = (loss, dataset) => lab.createTrainer({ dataset, model: { hidden: [] }, loss, optimizer: { type: 'SGD', lr: 0.1 }, epochs: 1 });
  assertError(() => run({ type: 'BCELoss' }, { name: 'moons', n_samples: 20 }),
    'Trainer: loss BCELoss does not fit a binary task; use one of BCEWithLogitsLoss|HingeLoss|SquaredHingeLoss|FocalLoss|ContrastiveLoss|TripletMarginLoss');
  for (const k of lab.registry.losses) {
    for (const t of ['binary', 'multiclass', 'regression']) {
      const ds = { binary: { name: 'moons', n_samples: 20 }, multiclass: { name: 'blobs', n_samples: 30 }, regression: { name: 'sine', n_samples: 20 } }[t];
      if (k.tasks.includes(t)) run(k.starter, ds).dispose();
      else assert.throws(() => run(k.starter, ds), /does not fit|forms pairs|must be an object|type must be one of/, `${k.name} on ${t}`);
    }
  }
});

test('list lengths: "must have 1 value", never "1 or 1 values"', () => {
  assertError(() => lab.loss({ type: 'BCEWithLogitsLoss', pos_weight: [1, 2, 3] }, [1, 2], [1, 0]), 'BCEWithLogitsLoss: pos_weight must have 1 or 2 values (one per class), got 3');
  assertError(() => lab.loss({ type: 'BCEWithLogitsLoss', pos_weight: [1, 2, 3] }, [[1], [2]], [[1], [0]]), 'BCEWithLogitsLoss: pos_weight must have 1 value (one per class), got 3');
  assertError(() => lab.loss({ type: 'BCELoss', weight: [1, 2, 3] }, [[0.5], [0.2]], [[1], [0]]), 'BCELoss: weight must have 1 value (one per class) or 2 (one per element), got 3');
  assertError(() => lab.loss({ type: 'CrossEntropyLoss' }, [[1], [2], [3]], [0, 0]), 'CrossEntropyLoss: target must hold 3 values (a class index or a probability per row), got 2');
  for (const spec of [{ type: 'BCEWithLogitsLoss', pos_weight: [1, 2] }, { type: 'BCELoss', weight: [1, 2] }]) {
    for (const shape of [[[0.5]], [[0.5], [0.2], [0.1]]]) {
      try { lab.loss(spec, shape, shape.map((r) => r.map(() => 1))); } catch (e) { assert.ok(!/(\d+) or \1 values/.test(e.message), e.message); }
    }
  }
  assert.equal(lab.loss({ type: 'BCEWithLogitsLoss', pos_weight: [2] }, [[0]], [[1]]).value, 2 * Math.log(2));
});
