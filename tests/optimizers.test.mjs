// Optimizers: PyTorch 1.13 parity (tests/fixtures/optimizers.json, made by
// tests/gen/optimizers.py), schedulers attached, state round trips, the
// local-gain rule's closed form, LBFGS with a JS closure, errors, and the
// SIMD build against the scalar build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lab, fixture, assertClose, assertError, SteplabError } from './helpers.mjs';
import { loadSteplab } from '../dist/steplab.mjs';

const fx = fixture('optimizers.json');
const TORCH = ['SGD', 'Adagrad', 'RMSprop', 'Adadelta', 'Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam', 'Rprop', 'LBFGS', 'ASGD'];

test('the fixtures cover every torch.optim optimizer and lab.optimizers lists them', () => {
  const covered = new Set([...fx.cases.map((c) => c.spec.type), ...fx.traces.map((t) => t.optimizer.type),
    ...fixture('optimizer_groups.json').cases.map((c) => c.spec.type)]);
  for (const name of TORCH) {
    assert.ok(covered.has(name), `no fixture for ${name}`);
    assert.ok(lab.optimizers.includes(name), `lab.optimizers lacks ${name}`);
  }
  for (const name of ['DeltaBarDelta', 'LARS', 'SWATS', 'Custom']) assert.ok(lab.optimizers.includes(name));
  assert.equal(lab.optimizers.length, 16);
  const adam = lab.registry.optimizers.find((k) => k.name === 'Adam');
  assert.deepEqual(adam.params.map((p) => p.name), ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize', 'bias_correction']);
  assert.equal(adam.params[0].default, 1e-3);
  const sgd = lab.registry.optimizers.find((k) => k.name === 'SGD');
  assert.equal(sgd.params[0].required, true); // PyTorch's SGD has no default lr
  assert.ok(fx.cases.length >= 50 && fx.cases.every((c) => c.params.length === 50 && c.params[0].length === 7));
});

let worstReplay = 0;
for (const c of fx.cases) {
  test(`PyTorch parity, 50 steps: ${c.label}`, () => {
    const got = lab.optimizerSteps(c.spec, fx.params0, fx.grads);
    assert.equal(got.length, 50);
    got.forEach((row, k) => {
      worstReplay = Math.max(worstReplay, assertClose(row, c.params[k], 1e-5, `${c.label} step ${k + 1}`));
    });
  });
}

let worstTrace = 0;
for (const t of fx.traces) {
  test(`PyTorch trace parity, 200 steps: ${t.label}`, () => {
    const r = lab.trace({ fn: t.fn, start: t.start, optimizer: t.optimizer, steps: t.steps });
    assert.equal(r.diverged, false);
    assert.equal(r.stopped_at, 200);
    for (const key of ['x', 'y', 'loss']) {
      worstTrace = Math.max(worstTrace, assertClose(r[key], t[key], 1e-3, `${t.label} ${key}`));
    }
    assert.deepEqual(Array.from(r.evals.slice(0, 200)), t.evals, `${t.label}: objective evaluations per step`);
    assertClose(r.lr, t.lr, 1e-12, `${t.label} lr`);
  });
}

test('worst relative differences against PyTorch', () => {
  // printed for the record; the per-case tests above enforce the bounds
  console.log(`# worst relative difference: replay ${worstReplay.toExponential(2)}, traces ${worstTrace.toExponential(2)}`);
  assert.ok(worstReplay <= 1e-5 && worstTrace <= 1e-3);
});

test('createOptimizer().step is the same update as optimizerSteps', () => {
  for (const c of fx.cases.filter((_, i) => i % 5 === 0)) {
    const opt = lab.createOptimizer(c.spec, 7);
    assert.equal(opt.type, c.spec.type);
    assert.equal(opt.nParams, 7);
    const p = Float32Array.from(fx.params0);
    for (let k = 0; k < 50; k++) {
      opt.step(p, Float32Array.from(fx.grads[k]));
      assertClose(p, c.params[k], 1e-5, `${c.label} step ${k + 1}`);
    }
    assert.equal(opt.steps, 50);
    opt.dispose();
    opt.dispose();
    assertError(() => opt.step(p, fx.grads[0]), 'was disposed');
  }
});

test("an attached scheduler's lr sequence equals lab.schedule for the same spec", () => {
  const schedulers = [
    { type: 'StepLR', step_size: 7, gamma: 0.5 },
    { type: 'OneCycleLR', max_lr: 0.3, total_steps: 40 },
    { type: 'CosineAnnealingWarmRestarts', T_0: 5, T_mult: 2 },
    { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.2, step_size_up: 4, mode: 'triangular2' },
    { type: 'SequentialLR', schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 5 },
      { type: 'ExponentialLR', gamma: 0.9 }], milestones: [5] },
    { type: 'LambdaLR', lr_lambda: '0.95 ^ epoch' },
  ];
  for (const type of ['SGD', 'Adam', 'RMSprop', 'Rprop', 'DeltaBarDelta']) {
    for (const sched of schedulers) {
      if (type !== 'SGD' && type !== 'RMSprop' && type !== 'Adam' && ['OneCycleLR', 'CyclicLR'].includes(sched.type)) continue;
      if (type === 'Adam' && sched.type === 'CyclicLR') continue;
      const lr = 0.1;
      const opt = lab.createOptimizer({ type, lr, momentum: type === 'SGD' ? 0.9 : undefined, scheduler: sched }, 3);
      const want = lab.schedule({ ...sched, lr }, 40);
      const got = [];
      const p = new Float32Array([1, -1, 0.5]);
      for (let k = 0; k < 40; k++) {
        got.push(opt.lr);
        opt.step(p, [0.1, -0.2, 0.3]);
      }
      assert.deepEqual(got, Array.from(want), `${type} + ${sched.type}`);
      opt.dispose();
    }
  }
  // the trace reports the same sequence
  const sched = { type: 'ExponentialLR', gamma: 0.97 };
  const r = lab.trace({ fn: 'quadratic', start: [1, 1], optimizer: { type: 'Adam', lr: 0.05 }, scheduler: sched, steps: 30 });
  assert.deepEqual(Array.from(r.lr), Array.from(lab.schedule({ ...sched, lr: 0.05 }, 31)));
});

test('ReduceLROnPlateau is stepped by hand with a metric (and by trace with the loss)', () => {
  const opt = lab.createOptimizer({ type: 'SGD', lr: 1, scheduler: { type: 'ReduceLROnPlateau', patience: 1, factor: 0.5 } }, 1);
  const p = new Float32Array([0]);
  const want = lab.schedule({ type: 'ReduceLROnPlateau', lr: 1, patience: 1, factor: 0.5 }, 6, { metrics: [5, 5, 5, 5, 5] });
  const got = [opt.lr];
  for (let k = 0; k < 5; k++) {
    opt.step(p, [0]);
    got.push(opt.schedulerStep(5));
  }
  assert.deepEqual(got, Array.from(want));
  assertError(() => lab.createOptimizer({ type: 'SGD', lr: 1, scheduler: { type: 'StepLR', step_size: 2 } }, 1).schedulerStep(1),
    'SGD: scheduler StepLR steps with the optimizer');
  const r = lab.trace({ fn: 'saddle', start: [1, 0], optimizer: { type: 'SGD', lr: 0.5 },
    scheduler: { type: 'ReduceLROnPlateau', patience: 0, factor: 0.1 }, steps: 4 });
  // x jumps 1 -> 0 and stays; the metric of step k is the loss at point k (1, 0, 0, 0): the first
  // step without improvement (step 2) cuts the lr used from point 3 on
  assert.deepEqual(Array.from(r.x), [1, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(r.lr).map((v) => +v.toPrecision(12)), [0.5, 0.5, 0.5, 0.05, 0.005]);
});

test('CyclicLR / OneCycleLR cycle SGD momentum and Adam beta1 as PyTorch does (fixture cases), and refuse the rest', () => {
  const labels = fx.cases.filter((c) => c.spec.scheduler).map((c) => c.label).join('\n');
  assert.match(labels, /OneCycleLR/);
  assert.match(labels, /CyclicLR/);
  assertError(() => lab.createOptimizer({ type: 'Adagrad', scheduler: { type: 'OneCycleLR', max_lr: 1, total_steps: 9 } }, 2),
    'Adagrad: scheduler cycles momentum', 'cycle_momentum: false');
  assertError(() => lab.createOptimizer({ type: 'Adam', scheduler: { type: 'CyclicLR', base_lr: 0.001, max_lr: 0.01 } }, 2),
    'Adam: scheduler CyclicLR cycles momentum, but Adam has betas');
  assert.equal(lab.createOptimizer({ type: 'Adam', scheduler: { type: 'CyclicLR', base_lr: 0.001, max_lr: 0.01,
    cycle_momentum: false } }, 2).lr, 0.001);
});

function closureFor(fn) {
  // float32 arithmetic in the same order as the C surface (quadratic a = 1, b = 10)
  const f = Math.fround;
  return (x, g) => {
    g[0] = x[0];
    g[1] = f(10 * x[1]);
    return f(0.5 * f(f(x[0] * x[0]) + f(10 * f(x[1] * x[1]))));
  };
}

test('LBFGS.step(params, closure) from JS is the same computation as the trace on the C surface', () => {
  for (const extra of [{}, { line_search_fn: 'strong_wolfe' }, { max_iter: 3, history_size: 2, lr: 0.5 }]) {
    const spec = { type: 'LBFGS', ...extra };
    const t = lab.trace({ fn: 'quadratic', start: [-4, 1], optimizer: spec, steps: 6 });
    const opt = lab.createOptimizer(spec, 2);
    const p = new Float32Array([-4, 1]);
    let calls = 0;
    const clo = closureFor();
    for (let k = 0; k < 6; k++) {
      const loss = opt.step(p, (x, g) => { calls++; return clo(x, g); });
      assert.equal(loss, t.loss[k], `${JSON.stringify(extra)} loss at step ${k}`);
      assert.equal(opt.lastEvals, t.evals[k]);
      assert.deepEqual([p[0], p[1]], [t.x[k + 1], t.y[k + 1]], `${JSON.stringify(extra)} step ${k}`);
    }
    assert.equal(opt.funcEvals, calls);
  }
});

test('a closure that throws leaves LBFGS and the parameters untouched; the next step works', () => {
  const opt = lab.createOptimizer({ type: 'LBFGS', line_search_fn: 'strong_wolfe' }, 2);
  const p = new Float32Array([-4, 1]);
  const clo = closureFor();
  const before = opt.state();
  const saved = Float32Array.from(p);
  let n = 0;
  assert.throws(() => opt.step(p, (x, g) => { if (++n === 2) throw new RangeError('boom'); return clo(x, g); }), RangeError);
  assert.deepEqual(p, saved);
  assert.equal(opt.state().data, before.data);
  assertError(() => opt.step(p, [1, 2]), 'LBFGS: closure is required');
  assertError(() => opt.step(p, (x, g) => { opt.step(p, clo); return 0; }), 'LBFGS: cannot step from inside its own step');
  assertError(() => opt.step(p, (x, g) => { opt.dispose(); return 0; }), 'LBFGS: cannot dispose it from inside');
  assert.deepEqual(p, saved);
  assertError(() => opt.step(p, (x, g) => { clo(x, g); return 'small'; }), "LBFGS: closure must return the loss as a number, got 'small'");
  assert.deepEqual(p, saved);
  assert.ok(opt.step(p, clo) >= 0);
});

test('state() and restoreOptimizer continue bit-identically, for every optimizer, with a scheduler', () => {
  const n = 13;
  const grad = (k) => Float32Array.from({ length: n }, (_, i) => Math.sin(1.3 * k + 0.7 * i) * (1 + (i % 3)));
  const specs = lab.optimizers.map((type) => ({
    type,
    lr: type === 'LBFGS' ? 0.5 : 0.05,
    ...(type === 'SGD' ? { momentum: 0.9, nesterov: true } : {}),
    ...(type === 'Adam' ? { amsgrad: true } : {}),
    ...(type === 'RMSprop' ? { centered: true, momentum: 0.5 } : {}),
    ...(type === 'LBFGS' ? { history_size: 4, max_iter: 3 } : {}),
    scheduler: type === 'LBFGS' ? undefined : { type: 'CosineAnnealingLR', T_max: 9 },
  }));
  const quartic = (x, g) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) { g[i] = Math.fround(4 * x[i] ** 3 + x[i]); f += x[i] ** 4 + 0.5 * x[i] ** 2; }
    return f;
  };
  for (const spec of specs) {
    const a = lab.createOptimizer(spec, n);
    const pa = Float32Array.from({ length: n }, (_, i) => (i - 6) / 4);
    const step = (o, p, k) => (spec.type === 'LBFGS' ? o.step(p, quartic) : o.step(p, grad(k)));
    for (let k = 0; k < 10; k++) step(a, pa, k);
    const saved = JSON.parse(JSON.stringify(a.state()));
    const b = lab.restoreOptimizer(saved);
    const pb = Float32Array.from(pa);
    assert.equal(b.lr, a.lr);
    assert.equal(b.steps, 10);
    for (let k = 10; k < 25; k++) {
      step(a, pa, k);
      step(b, pb, k);
      assert.deepEqual(pb, pa, `${spec.type} step ${k}`);
      assert.equal(b.lr, a.lr);
    }
    assert.equal(b.state().data, a.state().data, spec.type);
    a.dispose();
    b.dispose();
  }
});

test('damaged optimizer states are refused', () => {
  const s = lab.createOptimizer({ type: 'Adam' }, 4).state();
  const bytes = Buffer.from(s.data, 'base64');
  const damaged = (fn) => { const b = Buffer.from(bytes); fn(b); return { ...s, data: b.toString('base64') }; };
  assertError(() => lab.restoreOptimizer(damaged((b) => { b[b.length - 3] ^= 1; })), 'checksum');
  assertError(() => lab.restoreOptimizer({ ...s, data: bytes.subarray(0, 100).toString('base64') }), 'optimizer: state');
  assertError(() => lab.restoreOptimizer(damaged((b) => { b[0] ^= 1; })), 'not a steplab optimizer state');
  assertError(() => lab.restoreOptimizer({ format: 'x' }), 'optimizer: state must be an object returned by optimizer.state()');
  assert.equal(lab.restoreOptimizer(s).type, 'Adam');
});

test('DeltaBarDelta: gain +beta on a kept sign, x(1 - beta) on a flip, clipped; first step keeps the gain', () => {
  const f = Math.fround;
  const lr = 0.1, beta = 0.25, min_gain = 0.5, max_gain = 1.6;
  const grads = [[1, -2], [2, 1], [0.5, -1], [3, -1], [1, -1], [1, -1], [-1, 1], [-1, 1], [2, 0]];
  const got = lab.optimizerSteps({ type: 'DeltaBarDelta', lr, beta, min_gain, max_gain }, [0, 0], grads);
  // by hand from the rule: the gain used at each step (weight 0, weight 1)
  const byHand = [[1, 1], [1.25, 0.75], [1.5, 0.5625], [1.6, 0.8125], [1.6, 1.0625], [1.6, 1.3125], [1.2, 0.984375],
    [1.45, 1.234375], [1.0875, 1.234375]];
  const gain = [1, 1], prev = [0, 0], p = [0, 0];
  grads.forEach((g, k) => {
    for (let i = 0; i < 2; i++) {
      const prod = f(g[i] * prev[i]);
      if (prod > 0) gain[i] = f(gain[i] + f(beta));
      else if (prod < 0) gain[i] = f(gain[i] * f(1 - beta));
      gain[i] = Math.min(Math.max(gain[i], f(min_gain)), f(max_gain));
      assert.ok(Math.abs(gain[i] - byHand[k][i]) < 1e-6, `gain ${i} at step ${k + 1}: ${gain[i]}`);
      p[i] = f(p[i] + f(f(-lr) * f(gain[i] * g[i])));
      prev[i] = g[i];
    }
    assert.deepEqual(Array.from(got[k]), p, `step ${k + 1}`);
  });
  // course example: the gain stops at max_gain on a long run of one sign
  const long = lab.optimizerSteps({ type: 'DeltaBarDelta', lr: 1, beta: 0.5, max_gain: 3 }, [0], Array(10).fill([1]));
  assert.equal(long[9][0], -(1 + 1.5 + 2 + 2.5 + 3 * 6));
});

test('course: momentum v <- 0.9 v + g, w <- w - lr v for a constant gradient', () => {
  const got = lab.optimizerSteps({ type: 'SGD', lr: 0.1, momentum: 0.9 }, [0], Array(30).fill([1]));
  let v = 0, w = 0;
  for (let k = 0; k < 30; k++) {
    v = 0.9 * v + 1;
    w -= 0.1 * v;
    assert.ok(Math.abs(got[k][0] - w) <= 1e-5 * Math.abs(w), `step ${k + 1}: ${got[k][0]} vs ${w}`);
  }
  // Adam's first step moves every weight by lr, whatever the gradient's size
  const adam = lab.optimizerSteps({ type: 'Adam', lr: 0.01 }, [0, 0, 0], [[1e-3, 5, -300]]);
  assertClose(adam[0], [-0.01, -0.01, 0.01], 1e-5, 'Adam first step');
});

test('bias_correction: false drops 1 - beta^t from Adam and AdamW (closed form), true is the default', () => {
  const f = Math.fround;
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
  const grads = [[0.5, -2, 1e-3], [0.25, 1, -1e-3], [-1, 3, 2e-3]];
  for (const type of ['Adam', 'AdamW']) {
    const spec = { type, lr, ...(type === 'AdamW' ? { weight_decay: wd } : {}) };
    const off = lab.optimizerSteps({ ...spec, bias_correction: false }, [1, 1, 1], grads);
    // first step: m1 = (1 - b1) g, v1 = (1 - b2) g^2, update = lr m1 / (sqrt(v1) + eps)
    const p = [1, 1, 1], m = [0, 0, 0], v = [0, 0, 0];
    grads.forEach((g, k) => {
      for (let i = 0; i < 3; i++) {
        if (type === 'AdamW') p[i] *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= (lr * m[i]) / (Math.sqrt(v[i]) + eps);
      }
      assertClose(off[k], p, 2e-6, `${type} without bias correction, step ${k + 1}`);
    });
    const first = grads[0].map((g) => (type === 'AdamW' ? 1 - lr * wd : 1) - (lr * (1 - b1) * g) / (Math.sqrt((1 - b2) * g * g) + eps));
    assertClose(off[0], first, 1e-6, `${type}: first step lr (1 - b1) g / (sqrt(1 - b2) |g| + eps)`);
    // about lr * 0.1 / sqrt(0.001) = 3.16 lr for the large gradients: the early-steps pitfall
    assert.ok(Math.abs(f(1 - off[0][1]) - (type === 'AdamW' ? lr * wd : 0)) > 3 * lr);
    const on = lab.optimizerSteps(spec, [1, 1, 1], grads);
    assert.deepEqual(lab.optimizerSteps({ ...spec, bias_correction: true }, [1, 1, 1], grads), on);
    assert.notDeepEqual(on[0], off[0]);
  }
  // the same switch in createOptimizer and trace, which share the registry
  const opt = lab.createOptimizer({ type: 'Adam', lr, bias_correction: false }, 3);
  const q = new Float32Array([1, 1, 1]);
  opt.step(q, new Float32Array(grads[0]));
  assert.deepEqual(Array.from(q), Array.from(lab.optimizerSteps({ type: 'Adam', lr, bias_correction: false }, [1, 1, 1], grads)[0]));
  opt.dispose();
  const tr = (bc) => lab.trace({ fn: 'quadratic', start: [1, 1], optimizer: { type: 'Adam', lr, bias_correction: bc }, steps: 1 });
  assert.ok(Math.abs(tr(true).x[1] - (1 - lr)) < 1e-6);
  assert.ok(Math.abs(tr(false).x[1] - (1 - (lr * (1 - b1)) / Math.sqrt(1 - b2))) < 1e-5);
  assertError(() => lab.createOptimizer({ type: 'Adam', bias_correction: 1 }, 3), 'Adam', 'bias_correction');
  assertError(() => lab.createOptimizer({ type: 'SGD', lr, bias_correction: false }, 3), 'SGD', 'bias_correction');
  assert.equal(lab.createOptimizer({ type: 'AdamW', bias_correction: false }, 3).type, 'AdamW');
});

test('bad input gets a SteplabError naming the optimizer, the field and what was given; the module keeps working', () => {
  const ok = () => lab.createOptimizer({ type: 'Adam', lr: 0.01 }, 3);
  assertError(() => lab.createOptimizer({ type: 'Adamm' }, 3), 'optimizer: type must be one of SGD, Adagrad', "got 'Adamm'");
  assert.equal(lab.createOptimizer({ type: 'Adam', lr: 0 }, 3).lr, 0); // PyTorch's: a frozen group
  assertError(() => lab.createOptimizer({ type: 'Adam', lr: -1 }, 3), 'Adam: lr must be a number >= 0, got -1');
  assertError(() => lab.createOptimizer({ type: 'Adam', lr: NaN }, 3), 'Adam: lr', 'got NaN');
  assertError(() => lab.createOptimizer({ type: 'SGD', lr: Infinity }, 3), 'SGD: lr', 'got Infinity');
  assertError(() => lab.createOptimizer({ type: 'SGD' }, 3), 'SGD: lr is required');
  assertError(() => lab.createOptimizer({ type: 'Adam', betas: [0.9, 1] }, 3), 'Adam: betas', '[1] must be a number in [0, 1), got 1');
  assertError(() => lab.createOptimizer({ type: 'NAdam', betas: [-0.1, 0.9] }, 3), 'NAdam: betas', '[0]', 'got -0.1');
  assertError(() => lab.createOptimizer({ type: 'AdamW', betas: [0.9] }, 3), 'AdamW: betas must have 2 numbers, got 1');
  assertError(() => lab.createOptimizer({ type: 'SGD', lr: 0.1, nesterov: true }, 3),
    'SGD: nesterov requires a momentum > 0 and zero dampening', 'got momentum 0 and dampening 0');
  assertError(() => lab.createOptimizer({ type: 'SGD', lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }, 3),
    'SGD: nesterov', 'dampening 0.1');
  assert.equal(lab.createOptimizer({ type: 'Adam', eps: 0 }, 3).type, 'Adam'); // PyTorch accepts eps 0
  assertError(() => lab.createOptimizer({ type: 'RMSprop', alpha: 1.5 }, 3), 'RMSprop: alpha must be a number in [0, 1], got 1.5 (PyTorch 1.13 accepts alpha > 1');
  assertError(() => lab.createOptimizer({ type: 'Adagrad', eps: -1e-10 }, 3), 'Adagrad: eps', 'got -1e-10');
  assertError(() => lab.createOptimizer({ type: 'Rprop', etas: [1.2, 0.5] }, 3), 'Rprop: etas must satisfy 0 < etas[0] < 1 < etas[1], got [1.2, 0.5]');
  assertError(() => lab.createOptimizer({ type: 'Adam', momentum: 0.9 }, 3), "Adam: unknown parameter 'momentum'");
  assertError(() => lab.createOptimizer({ type: 'Adam', scheduler: { type: 'StepLR', step_size: 2, lr: 1 } }, 3),
    'Adam: scheduler must not set lr');
  assertError(() => lab.createOptimizer({ type: 'Adam', scheduler: { type: 'StepLR' } }, 3), 'StepLR: step_size is required');
  assertError(() => lab.createOptimizer({ type: 'Adam' }, 0), 'Adam: nParams must be an integer in [1, 50000000], got 0');
  assertError(() => lab.createOptimizer({ type: 'Adam' }, 2.5), 'Adam: nParams', 'got 2.5');
  assertError(() => lab.createOptimizer({ type: 'LBFGS', history_size: 1000 }, 1e6), 'LBFGS: nParams', 'cap');
  const opt = ok();
  const p = new Float32Array(3);
  assertError(() => opt.step(p, new Float32Array(4)), 'Adam: grads must be a Float32Array (or array of numbers) of 3 (nParams), got a Float32Array of 4');
  assertError(() => opt.step(p, [1, 2]), 'Adam: grads', 'got an array of 2');
  assertError(() => opt.step(p, [1, 'x', 2]), 'Adam: grads [1] must be a number');
  assertError(() => opt.step([0, 0, 0], [1, 2, 3]), 'Adam: params must be a Float32Array of 3', 'got an array of 3');
  assertError(() => opt.schedulerStep(1), 'Adam: scheduler is not attached');
  assertError(() => lab.optimizerSteps({ type: 'Adam' }, [1, 2], [[1, 2], [3]]), 'Adam: grads[1] must be a Float32Array', 'got an array of 1');
  assertError(() => lab.optimizerSteps({ type: 'LBFGS' }, [1, 2], [[1, 2]]), 'LBFGS: grads cannot be replayed');
  assertError(() => lab.optimizerSteps({ type: 'Adam' }, [], []), 'Adam: params0');
  assert.throws(() => lab.createOptimizer(null, 3), SteplabError);
  // after all that, the same calls work
  opt.step(p, [1, 2, 3]);
  assertClose(p, [-0.01, -0.01, -0.01], 1e-5, 'after errors');
  assert.equal(lab.optimizerSteps({ type: 'SGD', lr: 1 }, [1], [[0.5]])[0][0], 0.5);
});

test('the SIMD build and the scalar build give bit-identical updates, landscapes and traces', async () => {
  const bytes = fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url));
  const scalar = await loadSteplab({ wasm: bytes });
  assert.equal(scalar.simd, false);
  const n = 37; // nine SIMD blocks and a tail of one
  const p0 = Array.from({ length: n }, (_, i) => Math.cos(i) * 2);
  const grads = Array.from({ length: 40 }, (_, k) => Array.from({ length: n }, (_, i) => Math.sin(k * 0.9 + i * i) * (1 + (i % 5))));
  const specs = [
    { type: 'SGD', lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01, maximize: true },
    { type: 'SGD', lr: 0.1, momentum: 0.5, dampening: 0.3 },
    { type: 'Adagrad', lr_decay: 0.01, weight_decay: 0.1 },
    { type: 'RMSprop', centered: true, momentum: 0.9, weight_decay: 0.1 },
    { type: 'RMSprop', maximize: true },
    { type: 'Adadelta', weight_decay: 0.1 },
    { type: 'Adam', amsgrad: true, weight_decay: 0.1, maximize: true },
    { type: 'AdamW', amsgrad: true },
    { type: 'Adamax', weight_decay: 0.1 },
    { type: 'NAdam', weight_decay: 0.1 },
    { type: 'RAdam', weight_decay: 0.1 },
    { type: 'Rprop', maximize: true },
    { type: 'DeltaBarDelta', beta: 0.2, min_gain: 0.3, max_gain: 2 },
    { type: 'ASGD', lr: 0.05, t0: 5, weight_decay: 0.1, maximize: true },
    { type: 'LARS', lr: 2, weight_decay: 0.01 },
    { type: 'SWATS', lr: 0.05, eps: 1e-3 },
  ];
  for (const spec of specs) {
    const a = lab.optimizerSteps(spec, p0, grads);
    const b = scalar.optimizerSteps(spec, p0, grads);
    a.forEach((row, k) => assert.deepEqual(row, b[k], `${spec.type} step ${k + 1}`));
  }
  // groups: each range of a group through the same kernel, SIMD blocks and tails at odd offsets
  for (const spec of [{ type: 'Adam', param_groups: [{ lr: 0.1 }, { amsgrad: true }, {}] },
    { type: 'LARS', param_groups: [{}, { lars_exclude: true }, { weight_decay: 0.1 }] }, { type: 'SWATS', eps: 1e-3, param_groups: [{}, {}, {}] }]) {
    const a = lab.createOptimizer(spec, [13, 5, 19]), b = scalar.createOptimizer(spec, [13, 5, 19]);
    const pa = Float32Array.from(p0), pb = Float32Array.from(p0);
    grads.forEach((g, k) => { a.step(pa, g); b.step(pb, g); assert.deepEqual(pb, pa, `${spec.type} groups step ${k + 1}`); });
  }
  for (const fn of lab.surfaces) {
    const o = { fn, x: [-2.5, 3.1], y: [-1.7, 2.3], nx: 103, ny: 21 };
    assert.deepEqual(lab.landscape(o), scalar.landscape(o), fn);
  }
  const t = { fn: 'rosenbrock', start: [-1.5, 2], optimizer: { type: 'LBFGS', line_search_fn: 'strong_wolfe' }, steps: 20 };
  assert.deepEqual(lab.trace(t), scalar.trace(t));
});

test('a million parameters: memory grows under the optimizer and each Adam step moves every weight by lr', () => {
  const n = 1_000_003;
  const opt = lab.createOptimizer({ type: 'Adam', lr: 0.01 }, n);
  const p = new Float32Array(n).fill(1);
  const g = Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) * 0.5);
  for (let k = 0; k < 6; k++) opt.step(p, g);
  // with a constant gradient Adam moves every weight by lr per step, against the gradient's sign
  for (const i of [0, 1, 2, 3, 4, 5, 6, n - 4, n - 1]) {
    const s = Math.sign(g[i]);
    assert.ok(Math.abs(p[i] - (1 - 6 * 0.01 * s)) < 1e-5, `p[${i}] = ${p[i]}`);
  }
  opt.dispose();
});

test('PyTorch parity: LBFGS.step(params, closure) on a 7-D function, 20 steps', () => {
  const { w, c, cases } = fx.lbfgs_closure;
  const f = Math.fround;
  // float32 in PyTorch's order: d = x - c, d2 = d * d, grad = w * (2 d + d2 d); the loss sums w (d2 + d2 d2 / 4)
  const closure = (x, g) => {
    let loss = 0;
    for (let i = 0; i < x.length; i++) {
      const d = f(x[i] - c[i]), d2 = f(d * d);
      g[i] = f(w[i] * f(f(2 * d) + f(d2 * d)));
      loss += w[i] * (d2 + d2 * d2 / 4);
    }
    return f(loss);
  };
  for (const cs of cases) {
    const opt = lab.createOptimizer(cs.spec, 7);
    const p = Float32Array.from(fx.params0);
    cs.params.forEach((want, k) => {
      opt.step(p, closure);
      assertClose(p, want, 1e-5, `${cs.label} step ${k + 1}`);
    });
  }
});

const CATEGORIES = ['sgd', 'adaptive', 'sign', 'second-order', 'layer-wise', 'custom'];

test('every registry row has a category and a starter that races sensibly on every surface', () => {
  for (const k of lab.registry.optimizers) {
    assert.ok(CATEGORIES.includes(k.category), `${k.name}: category ${k.category}`);
    assert.equal(k.starter.type, k.name);
    assert.equal(k.length_param, null);
    for (const surface of lab.registry.surfaces) {
      const r = lab.trace({ fn: surface.name, start: surface.start, optimizer: k.starter, steps: 300 });
      assert.ok(r.loss.every(Number.isFinite), `${k.name} on ${surface.name}`);
      // the starters are the race's (one per optimizer, not tuned per surface): on the bowls each gets down
      if (surface.category === 'bowl') {
        assert.ok(!r.diverged && r.loss.at(-1) < 0.75 * r.loss[0], `${k.name} on ${surface.name}: ${r.loss[0]} -> ${r.loss.at(-1)}`);
      }
    }
  }
});

test('steplab-specs.d.ts lists exactly the registry\'s optimizers', () => {
  const dts = fs.readFileSync(new URL('../web/lib/steplab-specs.d.ts', import.meta.url), 'utf8');
  const line = /export interface OptimizerSpec \{\s*type: ([^;]+);/.exec(dts)[1];
  assert.deepEqual([...line.matchAll(/'(\w+)'/g)].map((m) => m[1]).sort(), [...lab.optimizers].sort());
});

test('nParams crosses into the core as a number: the issue\'s 2 ** 32 + 3 is refused, not wrapped to 3', () => {
  assertError(() => lab.createOptimizer({ type: 'Adam' }, 2 ** 32 + 3), 'Adam: nParams must be an integer in [1, 50000000], got 4294967299');
  for (const n of [2 ** 31, 2 ** 32, -1, 2 ** 53, NaN]) {
    assert.throws(() => lab.createOptimizer({ type: 'Adam' }, n), (e) => e.field === 'nParams' && e.message.includes(`got ${n}`));
  }
  const opt = lab.createOptimizer({ type: 'Adam', lr: 0.01 }, 3);
  const p = new Float32Array(3);
  opt.step(p, [1, -2, 3]);
  assertClose(p, [-0.01, 0.01, -0.01], 1e-5, 'Adam after the refusals');
  opt.dispose();
});

// FNV-1a over the bytes after the checksum, as the core seals a state: a forger can recompute it.
function reseal(bytes) {
  let h = 2166136261;
  for (let i = 16; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(12, h, true);
  return bytes;
}

test('a forged optimizer state with a valid checksum is refused naming the field; the module keeps working', () => {
  const opt = lab.createOptimizer({ type: 'Adam', lr: 0.01 }, 4);
  const p = new Float32Array(4);
  for (let k = 0; k < 3; k++) opt.step(p, [1, -2, 3, 0.5]);
  const st = opt.state();
  const forged = (edit) => { const b = Buffer.from(st.data, 'base64'); edit(b); return { ...st, data: reseal(b).toString('base64') }; };
  const lr = Buffer.alloc(8);
  lr.writeDoubleLE(0.01);
  // every copy of lr (the spec's and the group's) set to -5: parameters would climb
  const negative = forged((b) => { for (let i = b.indexOf(lr); i >= 0; i = b.indexOf(lr, i + 8)) b.writeDoubleLE(-5, i); });
  assert.throws(() => lab.restoreOptimizer(negative), (e) => e.code === 'state' && e.field === 'lr' && /got -5/.test(e.message));
  const steps = Buffer.alloc(8);
  steps.writeDoubleLE(3);
  for (const v of [0.5, 1e300]) {
    const bad = forged((b) => b.writeDoubleLE(v, b.indexOf(steps)));
    assert.throws(() => lab.restoreOptimizer(bad), (e) => e.code === 'state' && e.field === 'steps', `steps ${v}`);
  }
  const back = lab.restoreOptimizer(st);
  const q = Float32Array.from(p);
  back.step(q, [1, 1, 1, 1]);
  opt.step(p, [1, 1, 1, 1]);
  assert.deepEqual(q, p);
});

// ---- parameter groups, ASGD and the values PyTorch accepts (tests/fixtures/optimizer_groups.json) ----

const gfx = fixture('optimizer_groups.json');

for (const c of gfx.cases) {
  test(`PyTorch parity, groups, 50 steps: ${c.label}`, () => {
    const opt = lab.createOptimizer(c.spec, c.sizes);
    assert.deepEqual(opt.groupSizes, c.sizes);
    assert.equal(opt.nParams, 7);
    const p = Float32Array.from(fx.params0);
    for (let k = 0; k < 50; k++) {
      opt.step(p, Float32Array.from(fx.grads[k]));
      assertClose(p, c.params[k], 1e-5, `${c.label} step ${k + 1}`);
      assertClose(opt.lrs, c.lrs[k], 1e-12, `${c.label} lrs after step ${k + 1}`);
      assert.equal(opt.lr, opt.lrs[0]);
      if (c.ax) assertClose(opt.averaged(), c.ax[k], 1e-5, `${c.label} ax step ${k + 1}`);
      if (k === 24) {
        // a state saved half-way restores and continues bit-identically, groups and all
        const back = lab.restoreOptimizer(JSON.parse(JSON.stringify(opt.state())));
        const q = Float32Array.from(p);
        const p2 = Float32Array.from(p);
        const twin = opt;
        for (let j = 25; j < 30; j++) {
          back.step(q, Float32Array.from(fx.grads[j]));
        }
        const ref = lab.restoreOptimizer(opt.state());
        for (let j = 25; j < 30; j++) ref.step(p2, Float32Array.from(fx.grads[j]));
        assert.deepEqual(q, p2);
        assert.deepEqual(back.lrs, ref.lrs);
        assert.deepEqual(back.groupSizes, twin.groupSizes);
        back.dispose(); ref.dispose();
      }
    }
    opt.dispose();
  });
}

test('groups: a plain number is one group, bit-identical to a one-entry list and to param_groups of one empty entry', () => {
  for (const c of fx.cases.filter((_, i) => i % 4 === 0)) {
    const a = lab.createOptimizer(c.spec, 7), b = lab.createOptimizer(c.spec, [7]);
    const spec1 = { ...c.spec, param_groups: [{}] };
    const d = lab.createOptimizer(spec1, [7]);
    const pa = Float32Array.from(fx.params0), pb = Float32Array.from(pa), pd = Float32Array.from(pa);
    for (let k = 0; k < 50; k++) {
      const g = Float32Array.from(fx.grads[k]);
      a.step(pa, g); b.step(pb, g); d.step(pd, g);
    }
    assert.deepEqual(pb, pa, c.label);
    assert.deepEqual(pd, pa, c.label);
    assertClose(pa, c.params[49], 1e-5, c.label);
    assert.deepEqual(a.groupSizes, [7]);
    a.dispose(); b.dispose(); d.dispose();
  }
});

test('groups: the issue\'s createOptimizer call, and every group error names param_groups[i].field; then everything works', () => {
  const opt = lab.createOptimizer({ type: 'SGD', lr: 0.1, momentum: 0.9, param_groups: [{ lr: 0.01 }, { weight_decay: 0.1 }] }, [3, 4]);
  assert.deepEqual(Array.from(opt.lrs), [0.01, 0.1]);
  assert.equal(opt.lr, 0.01);
  const bad = (spec, sizes, ...parts) => assertError(() => lab.createOptimizer(spec, sizes), ...parts);
  bad({ type: 'SGD', lr: 0.1, param_groups: [{ lr: -1 }, {}] }, [3, 4], 'SGD: param_groups[0].lr must be a number >= 0, got -1');
  bad({ type: 'SGD', lr: 0.1, param_groups: [{}, { momentun: 0.9 }] }, [3, 4], 'SGD: param_groups[1].momentun is not an option of SGD');
  bad({ type: 'SGD', lr: 0.1, param_groups: [{}, { nesterov: true }] }, [3, 4], 'SGD: param_groups[1].nesterov requires a momentum > 0');
  bad({ type: 'Adam', param_groups: [{ betas: [0.9, 1] }] }, [7], 'Adam: param_groups[0].betas [1] must be a number in [0, 1), got 1');
  bad({ type: 'Adam', param_groups: [{ momentum: 0.9 }] }, [7], 'Adam: param_groups[0].momentum is not an option of Adam');
  bad({ type: 'RMSprop', param_groups: [{}, { alpha: 2 }] }, [3, 4], 'RMSprop: param_groups[1].alpha must be a number in [0, 1], got 2');
  bad({ type: 'Adagrad', param_groups: [{}, { initial_accumulator_value: 1 }] }, [3, 4],
    'Adagrad: param_groups[1].initial_accumulator_value cannot differ per group: PyTorch 1.13 starts every group\'s sum from the optimizer\'s value');
  bad({ type: 'Adam', param_groups: [{}] }, [3, 4], 'Adam: param_groups must have one entry per parameter group (2, from nParams), got 1');
  bad({ type: 'Adam', param_groups: [{}, {}] }, 7, 'Adam: param_groups must have one entry per parameter group (1, from nParams), got 2');
  bad({ type: 'Adam', param_groups: [7, {}] }, [3, 4], 'Adam: param_groups[0] must be an object of the group\'s options, got 7');
  bad({ type: 'Adam', param_groups: { lr: 1 } }, [7], 'Adam: param_groups must be a list of group options');
  bad({ type: 'Adam' }, [3, 0], 'Adam: nParams[1] must be an integer in [1, ');
  bad({ type: 'Adam' }, [3, 2.5], 'Adam: nParams[1] must be an integer', 'got 2.5');
  bad({ type: 'Adam' }, [3, '4'], "Adam: nParams[1] must be an integer >= 1 (a group's size), got '4'");
  bad({ type: 'Adam' }, [], 'Adam: nParams must list 1 to 32 group sizes');
  bad({ type: 'Adam' }, new Array(33).fill(1), 'Adam: nParams must list 1 to 32 group sizes');
  bad({ type: 'LBFGS' }, [3, 4], 'LBFGS: param_groups must be one group: LBFGS has no per-parameter options');
  bad({ type: 'SGD', lr: 0.1, scheduler: { type: 'OneCycleLR', max_lr: [1, 2, 3], total_steps: 9 } }, [3, 4],
    'OneCycleLR: max_lr must be one number or a list of one per parameter group (2), got a list of 3');
  const p = new Float32Array(7).fill(1);
  opt.step(p, new Float32Array(7).fill(1));
  // group 0 (lr 0.01): 1 - 0.01; group 1 (lr 0.1, weight decay 0.1): 1 - 0.1 * (1 + 0.1)
  assertClose(p, [0.99, 0.99, 0.99, 0.89, 0.89, 0.89, 0.89], 1e-6, 'after the errors');
  assertError(() => opt.step(p, new Float32Array(3)), 'SGD: grads must be a Float32Array (or array of numbers) of 7');
  assertError(() => lab.createOptimizer({ type: 'Adam' }, 3).averaged(), 'Adam: averaged is kept by ASGD only');
  assert.equal(lab.createOptimizer({ type: 'Adam' }, 3).trust_ratios, null);
  assert.equal(lab.createOptimizer({ type: 'Adam' }, 3).swats, null);
});

test('groups: a scheduler drives each group from its own lr; lab.schedule with { groups } gives the same curves', () => {
  const sched = { type: 'CosineAnnealingLR', T_max: 10 };
  const opt = lab.createOptimizer({ type: 'Adam', lr: 0.01, param_groups: [{}, { lr: 0.1 }, { lr: 0 }], scheduler: sched }, [2, 3, 1]);
  const want = lab.schedule(sched, 15, { groups: [0.01, 0.1, 0] });
  const p = new Float32Array(6);
  for (let k = 0; k < 15; k++) {
    assert.deepEqual(Array.from(opt.lrs), want.map((c) => c[k]), `step ${k}`);
    opt.step(p, [1, 1, 1, 1, 1, 1]);
  }
  assert.equal(p[5], 0); // the group of lr 0 never moves
});

// ---- LARS and SWATS against their papers' Algorithm 1 (tests/fixtures/lars_swats.json, tests/gen/lars_swats.py) ----

const ls = fixture('lars_swats.json');

test('LARS by hand: two elements, ||w|| = 5, ||grad|| = 1, eta 0.001, no decay: trust ratio 0.005', () => {
  const opt = lab.createOptimizer({ type: 'LARS', lr: 2, momentum: 0.9, trust_coefficient: 0.001 }, 2);
  const w = new Float32Array([3, 4]);
  opt.step(w, [0.6, 0.8]);
  // lambda = 0.001 * 5 / 1 = 0.005; v = 2 * 0.005 * g = [0.006, 0.008]; w - v
  assertClose(opt.trust_ratios, [0.005], 1e-7, 'trust ratio 1');
  assertClose(w, [3 - 0.006, 4 - 0.008], 1e-7, 'LARS step 1');
  opt.step(w, [0.6, 0.8]);
  // ||w|| = 5 - 0.01 = 4.99: lambda = 0.00499; v = 0.9 v + 2 * 0.00499 * g
  assertClose(opt.trust_ratios, [0.00499], 1e-6, 'trust ratio 2');
  assertClose(w, [3 - 0.006 - (0.9 * 0.006 + 2 * 0.00499 * 0.6), 4 - 0.008 - (0.9 * 0.008 + 2 * 0.00499 * 0.8)], 1e-6, 'LARS step 2');
  // weight decay beta: lambda = eta ||w|| / (||g|| + beta ||w||), and the update adds beta w
  const d = lab.createOptimizer({ type: 'LARS', lr: 1, momentum: 0, weight_decay: 0.2, trust_coefficient: 0.1 }, 2);
  const x = new Float32Array([3, 4]);
  d.step(x, [0.6, 0.8]);
  const lam = (0.1 * 5) / (1 + 0.2 * 5);
  assertClose(d.trust_ratios, [lam], 1e-7, 'with decay');
  assertClose(x, [3 - lam * (0.6 + 0.2 * 3), 4 - lam * (0.8 + 0.2 * 4)], 1e-6, 'with decay');
  // ||w|| = 0 or ||grad|| = 0: trust ratio 1; an excluded group: 1
  const z = lab.createOptimizer({ type: 'LARS', lr: 0.1, param_groups: [{}, {}, { lars_exclude: true }] }, [2, 2, 2]);
  const y = new Float32Array([0, 0, 3, 4, 3, 4]);
  z.step(y, [1, 1, 0, 0, 0.6, 0.8]);
  assert.deepEqual(Array.from(z.trust_ratios), [1, 1, 1]);
  assertClose(y, [-0.1, -0.1, 3, 4, 3 - 0.06, 4 - 0.08], 1e-7, 'degenerate groups');
  const fresh = lab.createOptimizer({ type: 'LARS' }, [1, 1]);
  assert.ok(fresh.trust_ratios.every(Number.isNaN)); // before the first step
});

for (const c of ls.lars) {
  test(`LARS reference (the paper's Algorithm 1 in float64): ${c.label}`, () => {
    const opt = lab.createOptimizer(c.spec, c.sizes);
    const p = Float32Array.from(c.params0 ?? fx.params0);
    c.params.forEach((want, k) => {
      opt.step(p, Float32Array.from(fx.grads[k]));
      assertClose(p, want, 2e-5, `${c.label} step ${k + 1}`);
      assertClose(opt.trust_ratios, c.trust_ratios[k], 1e-5, `${c.label} trust ratios step ${k + 1}`);
    });
  });
}

function bowlGrad(p, curv, target) {
  return Float32Array.from(p, (x, i) => Math.fround(curv[i] * Math.fround(x - target[i])));
}

for (const c of ls.swats.cases) {
  test(`SWATS reference (the paper's Algorithm 1 in float64): ${c.label}`, () => {
    const { curvature, target } = ls.swats;
    const opt = lab.createOptimizer(c.spec, c.sizes);
    const p = Float32Array.from(fx.params0);
    c.params.forEach((want, k) => {
      opt.step(p, bowlGrad(p, curvature, target));
      // float32 against float64: relative, with a floor for the coordinates that reach their target
      p.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 2e-4 * Math.max(Math.abs(want[i]), 0.01),
        `${c.label} step ${k + 1} index ${i}: ${v} vs ${want[i]}`));
    });
    opt.swats.forEach((g, i) => {
      const w = c.switches[i];
      assert.equal(g.step, w.step, `${c.label} group ${i}: switch step`);
      assert.equal(g.switched, w.step !== null);
      // a late switch comes when the bowl is almost solved: gradients near 1e-7, whose float32
      // rounding makes each gamma_k noisy and moves the long average lambda_k by about 2 %
      const tol = w.step < 50 ? 1e-4 : 3e-2;
      if (w.step !== null) assert.ok(Math.abs(g.lr - w.lr) <= tol * w.lr, `${c.label} group ${i}: SGD rate ${g.lr} vs ${w.lr}`);
      else assert.equal(g.lr, null);
    });
  });
}

test('SWATS by hand: step 1 is Adam\'s (every weight moves by lr), gamma_1 = p\'p / (-p\'g), and the restore keeps the phase', () => {
  const opt = lab.createOptimizer({ type: 'SWATS', lr: 0.01, eps: 1e-9 }, 2);
  const p = new Float32Array([1, 1]);
  opt.step(p, [0.5, -2]);
  assertClose(p, [0.99, 1.01], 1e-6, 'Adam step 1');
  // p_1 = [-0.01, 0.01]: p'p = 2e-4, -p'g = 0.005 + 0.02 = 0.025, gamma_1 = 0.008; lambda_1 / (1 - beta2) = gamma_1
  const [s] = opt.swats;
  assertClose([s.gamma, s.estimate], [0.008, 0.008], 1e-5, 'gamma_1 and its estimate');
  assert.equal(s.switched, false); // k > 1 is required
  const sw = lab.createOptimizer({ type: 'SWATS', lr: 0.05, eps: 1e-3 }, 7);
  const q = Float32Array.from(fx.params0);
  for (let k = 0; k < 5; k++) sw.step(q, bowlGrad(q, ls.swats.curvature, ls.swats.target));
  assert.equal(sw.swats[0].step, 2);
  const back = lab.restoreOptimizer(sw.state());
  const q2 = Float32Array.from(q);
  const g = bowlGrad(q, ls.swats.curvature, ls.swats.target);
  sw.step(q, g);
  back.step(q2, g);
  assert.deepEqual(q2, q);
  assert.deepEqual(back.swats, sw.swats);
});

test('SWATS starter on the race surfaces: where the paper\'s rule lets it switch, and where it never does (shown, not hidden)', () => {
  const starter = lab.registry.optimizers.find((k) => k.name === 'SWATS').starter;
  const switched = {};
  for (const s of lab.registry.surfaces) {
    const opt = lab.createOptimizer(starter, 2);
    const p = Float32Array.from(s.start);
    let step = null;
    for (let k = 0; k < 300 && step === null; k++) {
      // the surface's gradient at p, read off one SGD step of lr 1 on it (x1 = p - g)
      const r = lab.trace({ fn: s.name, start: [p[0], p[1]], optimizer: { type: 'SGD', lr: 1 }, steps: 1 });
      if (r.diverged) break;
      opt.step(p, [p[0] - r.x[1], p[1] - r.y[1]]);
      step = opt.swats[0].step;
    }
    switched[s.name] = step;
  }
  console.log(`# SWATS starter switch steps (null: no switch in 300 steps): ${JSON.stringify(switched)}`);
  const yes = Object.values(switched).filter((v) => v !== null);
  assert.ok(yes.length >= 4 && yes.every((v) => v <= 300), JSON.stringify(switched));
});
