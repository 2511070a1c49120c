// Learning-rate schedulers: PyTorch 1.13 parity (tests/fixtures/schedulers.json,
// made by tests/gen/schedulers.py), the course's worked numbers, errors and state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lab, fixture, assertClose, assertError } from './helpers.mjs';

const fx = fixture('schedulers.json');

test('the fixtures cover every PyTorch scheduler', () => {
  const covered = new Set();
  const visit = (spec) => { covered.add(spec.type); (spec.schedulers || []).forEach(visit); };
  fx.cases.forEach((c) => visit(c.spec));
  const torchNames = ['LambdaLR', 'MultiplicativeLR', 'StepLR', 'MultiStepLR', 'ConstantLR', 'LinearLR', 'ExponentialLR',
    'PolynomialLR', 'CosineAnnealingLR', 'CosineAnnealingWarmRestarts', 'CyclicLR', 'OneCycleLR', 'ReduceLROnPlateau',
    'SequentialLR', 'ChainedScheduler'];
  for (const name of torchNames) {
    assert.ok(covered.has(name), `no fixture for ${name}`);
    assert.ok(lab.schedulers.includes(name), `lab.schedulers lacks ${name}`);
  }
  assert.ok(fx.cases.length >= 100);
});

for (const c of fx.cases) {
  test(`PyTorch parity: ${c.label}`, () => {
    const got = lab.schedule(c.spec, c.n, c.metrics ? { metrics: c.metrics } : undefined);
    assertClose(got, c.lr, 1e-9, c.label);
  });
}

test('a scheduler object steps through the same values as lab.schedule', () => {
  for (const c of fx.cases.filter((_, i) => i % 7 === 0)) {
    const s = lab.createScheduler(c.spec);
    const seq = [s.lr];
    for (let k = 1; k < c.n; k++) seq.push(c.metrics ? s.step(c.metrics[k - 1]) : s.step());
    assert.equal(s.last_epoch, c.n - 1);
    assertClose(seq, c.lr, 1e-9, c.label);
    s.dispose();
    s.dispose(); // idempotent
  }
});

test('course: step decay x0.1 every 30 epochs', () => {
  const lr = lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }, 90);
  for (let e = 0; e < 90; e++) {
    const want = e < 30 ? 0.1 : e < 60 ? 0.01 : 0.001;
    assert.ok(Math.abs(lr[e] - want) < 1e-15, `epoch ${e}: ${lr[e]} vs ${want}`);
  }
});

test('course: cosine from 0.1 to 0.001 over 100 epochs', () => {
  const lr = lab.schedule({ type: 'CosineAnnealingLR', lr: 0.1, T_max: 100, eta_min: 0.001 }, 101);
  assert.ok(Math.abs(lr[0] - 0.1) < 1e-15 && Math.abs(lr[100] - 0.001) < 1e-15);
  assert.ok(Math.abs(lr[50] - 0.0505) < 1e-12);
  for (let t = 0; t <= 100; t++) assert.ok(Math.abs(lr[t] - (0.001 + 0.0495 * (1 + Math.cos(Math.PI * t / 100)))) < 1e-12);
});

test('course: exponential lr0 e^(-0.05 t), Keras exponential and inverse time decay', () => {
  const a = lab.schedule({ type: 'NaturalExpDecay', lr: 1, decay_rate: 0.05 }, 60);
  a.forEach((v, t) => assert.ok(Math.abs(v - Math.exp(-0.05 * t)) < 1e-15));
  const b = lab.schedule({ type: 'ExponentialDecay', lr: 0.1, decay_rate: 0.96, decay_steps: 10 }, 50);
  b.forEach((v, t) => assert.ok(Math.abs(v - 0.1 * 0.96 ** (t / 10)) < 1e-15));
  const c = lab.schedule({ type: 'ExponentialDecay', lr: 0.1, decay_rate: 0.5, decay_steps: 10, staircase: true }, 30);
  assert.deepEqual([c[9], c[10], c[25]], [0.1, 0.05, 0.025]);
  const d = lab.schedule({ type: 'InverseTimeDecay', lr: 0.5, decay_rate: 0.1 }, 20);
  d.forEach((v, t) => assert.ok(Math.abs(v - 0.5 / (1 + 0.1 * t)) < 1e-15));
  const e = lab.schedule({ type: 'InverseTimeDecay', lr: 0.5, decay_rate: 1, decay_steps: 4, staircase: true }, 9);
  assert.deepEqual(Array.from(e), [0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.5 / 3]);
});

test('the done-when example: OneCycleLR max_lr 0.1 over 10 steps', () => {
  const c = fx.cases.find((x) => x.spec.type === 'OneCycleLR' && x.spec.total_steps === 10 && Object.keys(x.spec).length <= 4);
  const got = lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10 }, 10);
  assert.equal(got.length, 10);
  assert.ok(Math.abs(got[0] - 0.004) < 1e-15 && Math.abs(got[2] - 0.1) < 1e-15 && Math.abs(got[9] - 4e-7) < 1e-15);
  if (c) assertClose(got, c.lr.slice(0, 10), 1e-9, c.label);
});

test('state() round-trips through JSON and continues bit-identically', () => {
  const specs = [
    { type: 'SequentialLR', lr: 0.3, schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 5 },
      { type: 'CosineAnnealingLR', T_max: 20, eta_min: 0.001 }], milestones: [5] },
    { type: 'CosineAnnealingWarmRestarts', T_0: 3, T_mult: 2, eta_min: 0.01 },
    { type: 'LambdaLR', lr_lambda: 'epoch < 5 ? (epoch + 1) / 5 : 0.9 ^ (epoch - 5)' },
    { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 4, mode: 'exp_range', gamma: 0.95 },
  ];
  for (const spec of specs) {
    const a = lab.createScheduler(spec);
    const b = lab.createScheduler(spec);
    for (let k = 0; k < 13; k++) { a.step(); b.step(); }
    const saved = JSON.parse(JSON.stringify(a.state()));
    assert.equal(saved.type, spec.type);
    assert.equal(saved.last_epoch, 13);
    a.dispose();
    const r = lab.restoreScheduler(saved);
    for (let k = 0; k < 30; k++) assert.equal(r.step(), b.step(), `${spec.type} step ${k}`);
    assert.ok(Number.isNaN(r.momentum) || spec.type === 'CyclicLR');
    r.dispose();
    b.dispose();
  }
  const p = lab.createScheduler({ type: 'ReduceLROnPlateau', lr: 1, patience: 1, cooldown: 1 });
  [5, 5, 5].forEach((m) => p.step(m));
  const q = lab.restoreScheduler(p.state());
  for (const m of [5, 4, 4, 4, 4, 4, 4]) assert.equal(q.step(m), p.step(m));
});

test('CyclicLR and OneCycleLR report the momentum they cycle', () => {
  const s = lab.createScheduler({ type: 'OneCycleLR', max_lr: 1, total_steps: 10, base_momentum: 0.8, max_momentum: 0.9 });
  assert.ok(Math.abs(s.momentum - 0.9) < 1e-15);
  s.step(); s.step();
  assert.ok(s.momentum < 0.9 && s.momentum >= 0.8);
  const c = lab.createScheduler({ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, step_size_up: 2, cycle_momentum: false });
  assert.ok(Number.isNaN(c.momentum));
});

test('damaged or foreign states are refused with a clear error, then everything still works', () => {
  const s = lab.createScheduler({ type: 'StepLR', step_size: 3 });
  s.step();
  const st = s.state();
  assertError(() => lab.restoreScheduler({ ...st, data: st.data.slice(0, -8) }), 'scheduler: state must be');
  const flipped = st.data.slice(0, 100) + (st.data[100] === 'A' ? 'B' : 'A') + st.data.slice(101);
  assertError(() => lab.restoreScheduler({ ...st, data: flipped }), 'checksum');
  assertError(() => lab.restoreScheduler({ ...st, data: '!!!!' + st.data.slice(4) }), 'not base64');
  assertError(() => lab.restoreScheduler({ lr: 0.1 }), 'must be an object returned by scheduler.state()');
  assertError(() => lab.restoreScheduler(null), 'got null');
  const r = lab.restoreScheduler(st);
  assert.equal(r.step(), s.step());
});

const BAD = [
  [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100, pct_start: 1.5 }, 'OneCycleLR: pct_start must be a number in (0, 1), got 1.5'],
  [{ type: 'OneCycleLR', max_lr: 0.1 }, 'OneCycleLR: total_steps is required'],
  [{ type: 'OneCycleLR', max_lr: 0.1, epochs: 3 }, 'OneCycleLR: steps_per_epoch is required with epochs'],
  [{ type: 'OneCycleLR', max_lr: -1, total_steps: 5 }, 'OneCycleLR: max_lr must be a number > 0, got -1'],
  [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 5, anneal_strategy: 'cosine' }, "anneal_strategy must be one of 'cos', 'linear', got 'cosine'"],
  [{ type: 'StepLR' }, 'StepLR: step_size is required'],
  [{ type: 'StepLR', step_size: 0 }, 'StepLR: step_size must be an integer in [1, 1000000000], got 0'],
  [{ type: 'StepLR', step_size: 10, gamma: NaN }, 'StepLR: gamma must be a number >= 0, got NaN'],
  [{ type: 'StepLR', step_size: 10, gamma: '0.5' }, "StepLR: gamma must be a number >= 0, got '0.5'"],
  [{ type: 'StepLR', step_size: 10, lr: Infinity }, 'StepLR: lr must be a number >= 0, got Infinity'],
  [{ type: 'StepLR', step_size: 10, lr: -1 }, 'StepLR: lr must be a number >= 0, got -1'],
  [{ type: 'StepLR', step_size: 10, stepsize: 3 }, "StepLR: unknown parameter 'stepsize'; its parameters are lr, step_size, gamma"],
  [{ type: 'MultiStepLR', milestones: [10, 2.5] }, 'MultiStepLR: milestones [1] must be an integer, got 2.5'],
  [{ type: 'MultiStepLR', milestones: [] }, 'MultiStepLR: milestones must have 1 to 32 numbers, got 0'],
  [{ type: 'MultiStepLR', milestones: 'often' }, "MultiStepLR: milestones must be an array of numbers, got 'often'"],
  [{ type: 'ConstantLR', factor: 0 }, 'ConstantLR: factor must be a number in (0, 1], got 0'],
  [{ type: 'LinearLR', start_factor: 2 }, 'LinearLR: start_factor must be a number in (0, 1], got 2'],
  [{ type: 'LinearLR', end_factor: -0.5 }, 'LinearLR: end_factor must be a number in [0, 1], got -0.5'],
  [{ type: 'ExponentialLR' }, 'ExponentialLR: gamma is required'],
  [{ type: 'ExponentialLR', gamma: -0.9 }, 'ExponentialLR: gamma must be a number >= 0, got -0.9 (PyTorch 1.13 accepts a negative gamma, but then every other lr is negative: gradient ascent)'],
  [{ type: 'PolynomialLR', total_iters: 0 }, 'PolynomialLR: total_iters must be an integer in [1, 1000000000], got 0'],
  [{ type: 'PolynomialLR', power: -1 }, 'PolynomialLR: power must be a number >= 0, got -1'],
  [{ type: 'CosineAnnealingLR', T_max: 0 }, 'CosineAnnealingLR: T_max must be a number in (0, 1000000000], got 0'],
  [{ type: 'CosineAnnealingLR', T_max: 10, eta_min: -1 }, 'CosineAnnealingLR: eta_min must be a number >= 0, got -1'],
  [{ type: 'CosineAnnealingWarmRestarts', T_0: 10, T_mult: 1.5 }, 'CosineAnnealingWarmRestarts: T_mult must be an integer in [1, 1000], got 1.5'],
  [{ type: 'CosineAnnealingWarmRestarts' }, 'CosineAnnealingWarmRestarts: T_0 is required'],
  [{ type: 'CyclicLR', base_lr: 0.1 }, 'CyclicLR: max_lr is required'],
  [{ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, mode: 'sine' }, "CyclicLR: mode must be one of 'triangular', 'triangular2', 'exp_range', got 'sine'"],
  [{ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, step_size_up: 0 }, 'CyclicLR: step_size_up must be a number in (0, 1000000000], got 0'],
  [{ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, cycle_momentum: 'yes' }, "CyclicLR: cycle_momentum must be true or false, got 'yes'"],
  [{ type: 'ReduceLROnPlateau', factor: 1 }, 'ReduceLROnPlateau: factor must be a number in [0, 1), got 1'],
  [{ type: 'ReduceLROnPlateau', mode: 'mean' }, "ReduceLROnPlateau: mode must be one of 'min', 'max', got 'mean'"],
  [{ type: 'ReduceLROnPlateau', threshold_mode: 'ratio' }, "threshold_mode must be one of 'rel', 'abs', got 'ratio'"],
  [{ type: 'ReduceLROnPlateau', patience: -1 }, 'ReduceLROnPlateau: patience must be an integer in [0, 1000000000], got -1'],
  [{ type: 'SequentialLR', schedulers: [{ type: 'StepLR', step_size: 2 }, { type: 'ExponentialLR', gamma: 0.9 }], milestones: [] },
    'SequentialLR: milestones must have one entry fewer than schedulers (1), got 0'],
  [{ type: 'SequentialLR', schedulers: [{ type: 'StepLR', step_size: 2 }, { type: 'ExponentialLR', gamma: 0.9 },
    { type: 'ExponentialLR', gamma: 0.5 }], milestones: [5, 2.5] }, 'SequentialLR: milestones [1] must be an integer (a step count), got 2.5'],
  [{ type: 'LambdaLR', lr_lambda: ['0.9 ^ epoch', '1'] }, 'LambdaLR: lr_lambda must be one formula or a list of one per parameter group (1), got a list of 2'],
  [{ type: 'LambdaLR', lr_lambda: ['0.9 ^ epoch', 3] }, "LambdaLR: lr_lambda [1] must be a string, got 3"],
  [{ type: 'CyclicLR', base_lr: [0.1, 0.2], max_lr: 1 }, 'CyclicLR: base_lr must be one number or a list of one per parameter group (1), got a list of 2'],
  [{ type: 'CyclicLR', base_lr: [-0.1], max_lr: 1 }, 'CyclicLR: base_lr [0] must be a number > 0, got -0.1'],
  [{ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, window: 'sine' }, "CyclicLR: window must be one of 'triangle', 'welch', 'hann', got 'sine'"],
  [{ type: 'OneCycleLR', max_lr: [], total_steps: 5 }, 'OneCycleLR: max_lr must be a number or a list of 1 to 32 (one per parameter group), got 0'],
  [{ type: 'SequentialLR', schedulers: [{ type: 'StepLR', step_size: 2, lr: 0.5 }], milestones: [] }, 'SequentialLR: schedulers[0] must not set lr'],
  [{ type: 'SequentialLR', schedulers: [{ type: 'StepLR' }], milestones: [] }, 'StepLR: step_size is required'],
  [{ type: 'ChainedScheduler', schedulers: [] }, 'ChainedScheduler: schedulers must have 1 to 8 entries, got 0'],
  [{ type: 'ChainedScheduler', schedulers: [{ type: 'ChainedScheduler', schedulers: [] }] }, 'ChainedScheduler: schedulers[0] cannot be a ChainedScheduler'],
  [{ type: 'ChainedScheduler', schedulers: [{ type: 'Nope' }] }, "ChainedScheduler: type must be one of LambdaLR"],
  [{ type: 'LambdaLR' }, 'LambdaLR: lr_lambda is required'],
  [{ type: 'LambdaLR', lr_lambda: (e) => 0.9 ** e }, 'LambdaLR: lr_lambda must be a number, string, boolean, array or object, got a function'],
  [{ type: 'LambdaLR', lr_lambda: '0.95 ^ (epoch' }, 'LambdaLR: lr_lambda does not parse at column 14: expected \')\''],
  [{ type: 'LambdaLR', lr_lambda: 'epoch +* 2' }, 'LambdaLR: lr_lambda does not parse at column 8'],
  [{ type: 'LambdaLR', lr_lambda: 'eval("x")' }, 'LambdaLR: lr_lambda does not parse at column 1: unknown name'],
  [{ type: 'MultiplicativeLR', lr_lambda: '' }, 'MultiplicativeLR: lr_lambda is empty'],
  [{ type: 'InverseTimeDecay' }, 'InverseTimeDecay: decay_rate is required'],
  [{ type: 'ExponentialDecay', decay_rate: 0.9, decay_steps: 0 }, 'ExponentialDecay: decay_steps must be a number > 0, got 0'],
  [{ type: 'NaturalExpDecay', decay_rate: -1 }, 'NaturalExpDecay: decay_rate must be a number >= 0, got -1'],
  [{ type: 'cosine' }, "scheduler: type must be one of LambdaLR, MultiplicativeLR, StepLR"],
  [{ step_size: 3 }, 'scheduler: type is required'],
  [{ type: 7 }, 'scheduler: type must be a string, got 7'],
  [null, "scheduler: spec must be an object with a 'type', got null"],
  ['StepLR', "scheduler: spec must be an object with a 'type', got 'StepLR'"],
];

test('every bad spec gets a SteplabError naming the scheduler, field, expectation and value', () => {
  for (const [spec, message] of BAD) {
    assertError(() => lab.schedule(spec, 10), message);
    assertError(() => lab.createScheduler(spec), message);
  }
  // ...and the module keeps working after all of them
  assert.equal(lab.schedule({ type: 'StepLR', step_size: 1, gamma: 0.5, lr: 1 }, 3)[2], 0.25);
});

test('errors while stepping leave the scheduler usable', () => {
  assertError(() => lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10 }, 13), 'OneCycleLR: total_steps is 10; cannot take step 12');
  assert.equal(lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10 }, 11).length, 11);
  assertError(() => lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10, pct_start: 0.1 }, 3), 'OneCycleLR: learning rate is not finite (NaN) at step 0');
  const lam = lab.createScheduler({ type: 'LambdaLR', lr_lambda: '1 / (5 - epoch)' });
  for (let k = 1; k < 5; k++) lam.step();
  assertError(() => lam.step(), 'LambdaLR: learning rate is not finite (Infinity) at step 5');
  assert.equal(lam.last_epoch, 4);
  assert.equal(lam.lr, 0.1 / 1);
  const p = lab.createScheduler({ type: 'ReduceLROnPlateau' });
  assertError(() => p.step(), 'ReduceLROnPlateau: metrics is required');
  assertError(() => p.step('0.5'), "ReduceLROnPlateau: metrics must be a number (NaN and infinities count as bad epochs), got '0.5'");
  assert.equal(p.step(0.5), 0.1);
  assert.equal(p.step(NaN), 0.1); // a bad epoch, as in PyTorch
  p.dispose();
  assertError(() => p.step(0.5), 'ReduceLROnPlateau: was disposed');
});

test('n and metrics are validated', () => {
  const spec = { type: 'ExponentialLR', gamma: 0.9 };
  assertError(() => lab.schedule(spec, 1e12), 'ExponentialLR: n must be an integer in [0, 50000000], got 1000000000000');
  assertError(() => lab.schedule(spec, 2.5), 'ExponentialLR: n must be an integer in [0, 50000000], got 2.5');
  assertError(() => lab.schedule(spec, -1), 'got -1');
  assertError(() => lab.schedule(spec, '10'), "ExponentialLR: n must be an integer in [0, 50000000], got '10'");
  assertError(() => lab.schedule(spec), 'got nothing');
  assert.equal(lab.schedule(spec, 0).length, 0);
  const plateau = { type: 'ReduceLROnPlateau', patience: 0 };
  assertError(() => lab.schedule(plateau, 5, { metrics: [1, 2] }), 'ReduceLROnPlateau: metrics must hold n - 1 = 4 values (one per step), got 2');
  assertError(() => lab.schedule(plateau, 5), 'ReduceLROnPlateau: metrics must hold n - 1 = 4 values');
  assert.deepEqual(Array.from(lab.schedule(plateau, 3, { metrics: [1, Infinity] })), [0.1, 0.1, 0.010000000000000002]); // a bad epoch
  assertError(() => lab.schedule(plateau, 3, { metrics: [1, null] }), 'ReduceLROnPlateau: metrics [1] must be a number (NaN and infinities count as bad epochs), got null');
  assertError(() => lab.schedule(plateau, 3, { metrics: 'down' }), "metrics must be an array of numbers, got 'down'");
  assert.deepEqual(Array.from(lab.schedule(plateau, 3, { metrics: new Float64Array([1, 2]) })), [0.1, 0.1, 0.010000000000000002]);
});

test('a large schedule works and memory is returned', () => {
  const v = lab.schedule({ type: 'CosineAnnealingWarmRestarts', T_0: 1000, T_mult: 2 }, 1_000_000);
  assert.equal(v.length, 1_000_000);
  assert.ok(v.every(Number.isFinite));
  lab.schedule({ type: 'StepLR', step_size: 10 }, 1_000_000);
  const warm = lab.memoryBytes;
  for (let i = 0; i < 20; i++) lab.schedule({ type: 'StepLR', step_size: 10 }, 1_000_000);
  for (let i = 0; i < 2000; i++) lab.createScheduler({ type: 'StepLR', step_size: 10 }).dispose();
  assert.equal(lab.memoryBytes, warm);
});

const CATEGORIES = ['decay', 'warmup', 'cyclic', 'adaptive', 'composite', 'formula'];

test('every registry row has a category, a starter with a sensible curve over the Schedules room\'s 90 steps, and its length parameter', () => {
  const metric = Array.from({ length: 89 }, (_, k) => Math.max(0.35, 1 - 0.02 * k)); // falls, then a plateau
  for (const k of lab.registry.schedulers) {
    assert.ok(CATEGORIES.includes(k.category), `${k.name}: category ${k.category}`);
    assert.ok(k.summary.length > 10, k.name);
    assert.equal(k.starter.type, k.name);
    const lr = lab.schedule(k.starter, 90, k.name === 'ReduceLROnPlateau' ? { metrics: metric } : undefined);
    assert.ok(lr.every((v) => Number.isFinite(v) && v > 0), `${k.name}: starter gives a non-positive lr`);
    assert.ok(Math.max(...lr) / Math.min(...lr) > 1.2, `${k.name}: starter's curve hardly changes over 90 steps`);
    if (k.length_param === null) continue;
    const p = k.params.find((q) => q.name === k.length_param);
    assert.ok(p && (p.kind === 'integer' || p.kind === 'number'), `${k.name}: length_param ${k.length_param}`);
    assert.ok(k.starter[k.length_param] !== undefined || p.default !== null, `${k.name}: starter sets ${k.length_param}`);
  }
  const by = Object.fromEntries(lab.registry.schedulers.map((k) => [k.name, k.length_param]));
  assert.deepEqual([by.OneCycleLR, by.CosineAnnealingLR, by.PolynomialLR, by.StepLR, by.LambdaLR],
    ['total_steps', 'T_max', 'total_iters', 'step_size', null]);
});

test('steplab-specs.d.ts lists exactly the registry\'s schedulers', () => {
  const dts = fs.readFileSync(new URL('../web/lib/steplab-specs.d.ts', import.meta.url), 'utf8');
  const block = dts.slice(dts.indexOf('export type SchedulerSpec'), dts.indexOf('export interface SchedulerState'));
  const names = [...block.matchAll(/type: '(\w+)'/g)].map((m) => m[1]);
  assert.deepEqual(names.sort(), [...lab.schedulers].sort());
});

// FNV-1a over the bytes after the checksum, as the core seals a state: a forger can recompute it.
function reseal(bytes) {
  let h = 2166136261;
  for (let i = 16; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(12, h, true);
  return bytes;
}

test('a forged scheduler state with a valid checksum is refused naming the field; the module keeps working', () => {
  const s = lab.createScheduler({ type: 'StepLR', lr: 0.1, step_size: 3 });
  for (let k = 0; k < 5; k++) s.step();
  const st = s.state();
  const forge = (from, to) => {
    const b = Buffer.from(st.data, 'base64');
    const f = Buffer.alloc(8), t = Buffer.alloc(8);
    f.writeDoubleLE(from);
    t.writeDoubleLE(to);
    for (let i = b.indexOf(f); i >= 0; i = b.indexOf(f, i + 8)) t.copy(b, i);
    return { ...st, data: reseal(b).toString('base64') };
  };
  for (const lr of [-5, 0, 1e308]) {
    assert.throws(() => lab.restoreScheduler(forge(0.1, lr)), (e) => e.code === 'state' && e.field === 'lr' && e.message.includes('saved state'));
    assert.throws(() => lab.restoreScheduler(forge(0.010000000000000002, lr)), (e) => e.code === 'state' && e.field === 'lr');
  }
  const back = lab.restoreScheduler(st);
  assert.equal(back.step(), s.step());
  assert.equal(lab.schedule({ type: 'StepLR', step_size: 1, gamma: 0.5, lr: 1 }, 3)[2], 0.25);
});

test('counts cross into the core as numbers and are checked there', () => {
  for (const n of [2 ** 31, 2 ** 32, -1, 2 ** 53, NaN]) {
    assert.throws(() => lab.schedule({ type: 'StepLR', step_size: 3 }, n), (e) => e.field === 'n' && e.message.includes(`got ${n}`));
  }
  assert.deepEqual(Array.from(lab.schedule({ type: 'StepLR', step_size: 1, gamma: 0.5, lr: 1 }, 3)), [1, 0.5, 0.25]);
});

// ---- parameter groups and the values PyTorch accepts (tests/fixtures/scheduler_groups.json) ----

const gx = fixture('scheduler_groups.json');
const metricOf = (m) => (typeof m === 'string' ? Number(m) : m); // 'NaN', 'Infinity', '-Infinity'

for (const c of gx.cases) {
  test(`PyTorch parity, groups: ${c.label}`, () => {
    const options = { ...(c.metrics ? { metrics: c.metrics.map(metricOf) } : {}), ...(c.groups ? { groups: c.groups } : {}) };
    const got = lab.schedule(c.spec, c.n, options);
    const curves = c.groups ? got : [got];
    assert.equal(curves.length, c.lr.length);
    curves.forEach((curve, g) => assertClose(curve, c.lr[g], 1e-9, `${c.label} group ${g}`));
    // the scheduler object steps through the same lrs and momenta, group by group
    const s = lab.createScheduler(c.spec, c.groups ? { groups: c.groups } : {});
    for (let k = 0; k < c.n; k++) {
      if (k > 0) s.step(c.metrics ? metricOf(c.metrics[k - 1]) : undefined);
      const lrs = s.lrs;
      for (let g = 0; g < c.lr.length; g++) assert.ok(Math.abs(lrs[g] - c.lr[g][k]) <= 1e-9 * Math.abs(c.lr[g][k]) + 1e-15, `${c.label} g${g} k${k}`);
      if (c.momentum) assert.ok(Math.abs(s.momentum - c.momentum[0][k]) < 1e-12, `${c.label} momentum k${k}`);
    }
    // and a state saved half-way restores and continues bit-identically
    const a = lab.createScheduler(c.spec, c.groups ? { groups: c.groups } : {});
    const half = Math.floor(c.n / 2);
    for (let k = 1; k <= half; k++) a.step(c.metrics ? metricOf(c.metrics[k - 1]) : undefined);
    const b = lab.restoreScheduler(JSON.parse(JSON.stringify(a.state())));
    for (let k = half + 1; k < c.n; k++) {
      const m = c.metrics ? metricOf(c.metrics[k - 1]) : undefined;
      a.step(m);
      b.step(m);
      assert.deepEqual(b.lrs, a.lrs);
    }
    s.dispose(); a.dispose(); b.dispose();
  });
}

test('the issue\'s gap 1 numbers: SequentialLR of two OneCycleLRs, the last constructed wins', () => {
  const spec = { type: 'SequentialLR', lr: 0.1, schedulers: [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 4 },
    { type: 'OneCycleLR', max_lr: 1, total_steps: 4 }], milestones: [2] };
  assert.deepEqual(Array.from(lab.schedule(spec, 5), (v) => +v.toPrecision(6)), [0.04, 0.811746, 0.04, 0.811746, 0.283061]);
});

test('per-group curves: lab.schedule with { groups } gives one Float64Array per group; lists need one entry per group', () => {
  const curves = lab.schedule({ type: 'StepLR', step_size: 2, gamma: 0.5 }, 5, { groups: [0.1, 0.01] });
  assert.equal(curves.length, 2);
  assert.ok(curves.every((c) => c instanceof Float64Array && c.length === 5));
  assert.deepEqual(Array.from(curves[1]), [0.01, 0.01, 0.005, 0.005, 0.0025]);
  // one group: the same as before, a single Float64Array
  assert.deepEqual(lab.schedule({ type: 'StepLR', step_size: 2, gamma: 0.5, lr: 0.01 }, 5), curves[1]);
  assertError(() => lab.schedule({ type: 'StepLR', step_size: 2, lr: 0.1 }, 5, { groups: [0.1, 0.01] }),
    "StepLR: lr must not be set: the scheduler starts from the groups' lrs");
  assertError(() => lab.schedule({ type: 'LambdaLR', lr_lambda: ['1', '0.9 ^ epoch', '1'] }, 5, { groups: [0.1, 0.01] }),
    'LambdaLR: lr_lambda must be one formula or a list of one per parameter group (2), got a list of 3');
  assertError(() => lab.schedule({ type: 'OneCycleLR', max_lr: [0.1], total_steps: 9 }, 5, { groups: [0.1, 0.01] }),
    'OneCycleLR: max_lr must be one number or a list of one per parameter group (2), got a list of 1');
  assertError(() => lab.schedule({ type: 'ReduceLROnPlateau', min_lr: [0, 0, 0] }, 2, { groups: [0.1, 0.01], metrics: [1] }),
    'ReduceLROnPlateau: min_lr must be one number or a list of one per parameter group (2), got a list of 3');
  assertError(() => lab.schedule({ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, max_momentum: [0.9, 2] }, 3, { groups: [1, 1] }),
    'CyclicLR: max_momentum [1] must be a number in [0, 1], got 2');
  assertError(() => lab.schedule({ type: 'LambdaLR', lr_lambda: ['1', 'epoch +'] }, 3, { groups: [1, 1] }), 'LambdaLR: lr_lambda[1] does not parse');
  assertError(() => lab.schedule({ type: 'StepLR', step_size: 2 }, 5, { groups: [] }), 'StepLR: groups must be a list of 1 to 32');
  assertError(() => lab.schedule({ type: 'StepLR', step_size: 2 }, 5, { groups: [0.1, -1] }), 'scheduler: groups [1] must be a number >= 0');
  assertError(() => lab.schedule({ type: 'StepLR', step_size: 2 }, 5, { groups: [0.1, '1'] }), "StepLR: groups [1] must be a number >= 0 (the group's initial lr), got '1'");
  assertError(() => lab.createScheduler({ type: 'StepLR', step_size: 2 }, { groups: new Array(33).fill(0.1) }), 'scheduler: groups must be an integer in [1, 32]');
  // after the errors the same call works
  assert.equal(lab.schedule({ type: 'StepLR', step_size: 2, gamma: 0.5 }, 5, { groups: [1, 2] })[1][4], 0.5);
});

test('registry: list-valued parameters are marked per_group, textbook types and parameters are marked textbook', () => {
  const row = (name) => lab.registry.schedulers.find((k) => k.name === name);
  const per = (name) => row(name).params.filter((p) => p.per_group).map((p) => p.name);
  assert.deepEqual(per('LambdaLR'), ['lr_lambda']);
  assert.deepEqual(per('CyclicLR'), ['base_lr', 'max_lr', 'base_momentum', 'max_momentum']);
  assert.deepEqual(per('OneCycleLR'), ['max_lr', 'base_momentum', 'max_momentum']);
  assert.deepEqual(per('ReduceLROnPlateau'), ['min_lr']);
  assert.deepEqual(lab.registry.schedulers.filter((k) => k.textbook).map((k) => k.name), ['InverseTimeDecay', 'ExponentialDecay', 'NaturalExpDecay']);
  const w = row('CyclicLR').params.find((p) => p.name === 'window');
  assert.equal(w.textbook, true);
  assert.equal(w.choices, 'triangle|welch|hann');
  assert.match(row('CyclicLR').summary, /textbook, not PyTorch/);
  assert.equal(row('StepLR').textbook, undefined);
});

test('CyclicLR windows from Smith\'s CLR paper: triangle (PyTorch), Welch (parabolic) and Hann (sinusoidal), closed forms', () => {
  const base = 0.01, max = 0.11, up = 4, down = 6;
  const tri = (t) => { const c = t % (up + down); return c <= up ? c / up : 1 - (c - up) / down; };
  const windows = { triangle: (h) => h, welch: (h) => 1 - (1 - h) ** 2, hann: (h) => (1 - Math.cos(Math.PI * h)) / 2 };
  for (const [window, f] of Object.entries(windows)) {
    for (const mode of ['triangular', 'triangular2']) {
      const spec = { type: 'CyclicLR', base_lr: base, max_lr: max, step_size_up: up, step_size_down: down, window, mode, cycle_momentum: false };
      const lr = lab.schedule(spec, 45);
      lr.forEach((v, t) => {
        const amp = mode === 'triangular' ? 1 : 0.5 ** Math.floor(t / (up + down));
        assert.ok(Math.abs(v - (base + (max - base) * f(tri(t)) * amp)) < 1e-15, `${window} ${mode} step ${t}: ${v}`);
      });
    }
  }
  // the default is PyTorch's triangle, bit for bit
  const spec = { type: 'CyclicLR', base_lr: 0.001, max_lr: 0.1, step_size_up: 5, mode: 'triangular2' };
  assert.deepEqual(lab.schedule({ ...spec, window: 'triangle' }, 60), lab.schedule(spec, 60));
  // Welch lies above the triangle inside the cycle, Hann below it on its first quarter and above on its second
  const at = (window) => lab.schedule({ type: 'CyclicLR', base_lr: 1e-9, max_lr: 1, step_size_up: 8, window, cycle_momentum: false }, 9);
  assert.ok(at('welch')[2] > at('triangle')[2] && at('hann')[2] < at('triangle')[2] && at('hann')[6] > at('triangle')[6]);
  // momentum follows the same window, inversely
  const m = lab.createScheduler({ type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 4, window: 'hann' });
  m.step(); m.step();
  assert.ok(Math.abs(m.momentum - (0.9 - 0.1 * (1 - Math.cos(Math.PI * 0.5)) / 2)) < 1e-15);
});
