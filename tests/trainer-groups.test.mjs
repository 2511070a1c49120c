// The trainer's parameter groups (c/train/train_groups.c): optimizer.param_groups naming
// tensors as run.inspect() does, against PyTorch 1.13 (tests/fixtures/trainer_groups.json,
// from tests/gen/trainer_groups.py); refused names; every scheduler on every group; LARS per
// tensor with its trust ratios checked against the paper's formula from inspect's norms;
// SWATS's switch in the history; save and restore with groups.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab, fixture, assertClose, assertError } from './helpers.mjs';

const moons = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 120, noise: 0.15, seed: 4, val_fraction: 0.25 },
  model: { hidden: [8, 8], activation: 'tanh' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'SGD', lr: 0.1 },
  batch_size: 30,
  epochs: 20,
  seed: 2,
  ...extra,
});
const withRun = (config, fn) => {
  const run = lab.createTrainer(config);
  try { return fn(run); } finally { run.dispose(); }
};
const inf = (c) => JSON.parse(JSON.stringify(c), (k, v) => (v === 'Infinity' ? Infinity : v));

test('PyTorch parity: param groups by tensor name, each group its lr under a scheduler, 30 steps', () => {
  for (const c of fixture('trainer_groups.json').cases) {
    withRun(inf(c.config), (run) => {
      const lrs = [];
      for (let k = 0; k < c.steps; k++) {
        lrs.push(Array.from(run.lrs));
        assert.equal(run.step(1), 1);
      }
      assertClose(run.history.steps.loss, c.losses, 1e-5, `${c.label}: loss per step`);
      assertClose(lrs.flat(), c.lrs.flat(), 1e-9, `${c.label}: every group's lr per step`);
      const got = run.weights().flatMap((L) => [...L.W.flatMap((r) => [...r]), ...L.b]);
      const want = c.weights.flatMap((L) => [...L.W.flat(), ...L.b]);
      const scale = 0.1 * Math.max(...want.map(Math.abs));
      want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-4 * Math.max(Math.abs(w), scale), `${c.label}: weight ${i}: ${got[i]} vs ${w}`));
      if (c.config.batch_size > c.n_train) assert.equal(run.steps_per_epoch, 1, 'a batch_size over the rows: one batch per epoch');
    });
  }
});

test('groups in run.inspect(): each tensor its group and lr, the unnamed tensors a last group with the defaults', () => {
  const cfg = moons({ optimizer: { type: 'Adam', lr: 1e-3, param_groups: [{ params: ['fc1.weight', 'fc1.bias'], lr: 1e-4 }] } });
  withRun(cfg, (run) => {
    run.step(1);
    const ins = run.inspect();
    assert.deepEqual(ins.groups, [{ params: ['fc1.weight', 'fc1.bias'], lr: 1e-4 }, { params: ['fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias'], lr: 1e-3 }]);
    assert.deepEqual(ins.layers.map((l) => [l.group, l.lr, l.trust_ratio]), [[0, 1e-4, null], [0, 1e-4, null], ...Array(4).fill([1, 1e-3, null])]);
    assert.deepEqual(Array.from(run.lrs), [1e-4, 1e-3]);
    // Adam's first step moves each weight by about its group's lr (at most lr)
    const rms = ins.layers.map((l) => l.update_norm / Math.sqrt(l.numel));
    assert.ok(rms[0] <= 1.0001e-4 && rms[0] > 5e-5 && rms[2] <= 1.0001e-3 && rms[2] > 5e-4, `update RMS ${rms}`);
  });
  // every tensor named: no last group; a scheduler with a list per group
  const all = { type: 'SGD', lr: 0.1, param_groups: [{ params: ['fc1.weight', 'fc2.weight', 'fc3.weight'] }, { params: ['fc1.bias', 'fc2.bias', 'fc3.bias'], lr: 0.01 }] };
  withRun(moons({ optimizer: all, scheduler: { type: 'LambdaLR', lr_lambda: ['0.5 ^ epoch', '1'] } }), (run) => {
    run.step(3);
    assert.deepEqual(Array.from(run.lrs), [0.1 * 0.5 ** 3, 0.01]);
    assert.equal(run.inspect().groups.length, 2);
  });
});

test('bad groups: unknown, duplicate or missing names and bad options are refused naming the field', () => {
  const opt = (param_groups, type = 'Adam') => moons({ optimizer: { type, lr: 0.01, param_groups } });
  assertError(() => lab.createTrainer(opt([{ params: ['fc4.weight'] }])), 'optimizer: param_groups[0].params[0] must name a parameter tensor of the model (fc1.weight, fc1.bias, ..., fc3.bias)', "got 'fc4.weight'");
  assertError(() => lab.createTrainer(opt([{ params: ['fc1.bias'] }, { params: ['fc2.bias', 'fc1.bias'] }])), "optimizer: param_groups[1].params[1] names 'fc1.bias', already in param_groups[0]");
  assertError(() => lab.createTrainer(opt([{ params: ['fc1.bias', 'fc1.bias'] }])), "optimizer: param_groups[0].params[1] names 'fc1.bias', already in param_groups[0]");
  assertError(() => lab.createTrainer(opt([{ lr: 0.1 }])), 'optimizer: param_groups[0] needs params');
  assertError(() => lab.createTrainer(opt([{ params: [] }])), 'optimizer: param_groups[0].params must be a non-empty list of tensor names');
  assertError(() => lab.createTrainer(opt([{ params: [3] }])), 'optimizer: param_groups[0].params[0] must name a parameter tensor', 'got 3');
  assertError(() => lab.createTrainer(opt({ params: ['fc1.bias'] })), 'optimizer: param_groups must be a list');
  assertError(() => lab.createTrainer(opt([{ params: ['fc1.bias'], lr: -1 }])), 'Adam: param_groups[0].lr must be a number >= 0, got -1');
  assertError(() => lab.createTrainer(opt([{ params: ['fc1.bias'], momentum: 0.9 }])), 'Adam: param_groups[0].momentum is not an option of Adam');
  assertError(() => lab.createTrainer(moons({ optimizer: { type: 'SGD', lr: 0.1, param_groups: [{ params: ['fc1.bias'] }] }, scheduler: { type: 'OneCycleLR', max_lr: [1, 2, 3], total_steps: 10 } })),
    'OneCycleLR: max_lr must be one number or a list of one per parameter group (2), got a list of 3');
});

// The paper's local rate of each tensor from inspect's norms: weights before the step, the step's gradient.
function checkTrust(run, eta, beta, excluded) {
  const before = run.inspect().layers.map((l) => l.weight_norm);
  run.step(1);
  const after = run.inspect().layers;
  after.forEach((l, k) => {
    const want = excluded(l.name) ? 1 : eta * before[k] / (l.grad_norm + beta * before[k]);
    assertClose([l.trust_ratio], [want], 1e-6, `${l.name} trust ratio`);
  });
  return after;
}

test('LARS per tensor: each weight and bias its own trust ratio, lars_exclude for the biases, per-group lists spread onto tensors', () => {
  withRun(moons({ optimizer: { type: 'LARS', lr: 0.5, momentum: 0.9, weight_decay: 1e-3, trust_coefficient: 0.01 } }), (run) => {
    run.step(2);
    const layers = checkTrust(run, 0.01, 1e-3, () => false);
    assert.equal(new Set(layers.map((l) => l.trust_ratio)).size, 6, 'six tensors, six ratios');
    assert.deepEqual(run.inspect().groups.map((g) => g.params.length), [6], 'one config group');
  });
  withRun(moons({ optimizer: { type: 'LARS', lr: 0.5, weight_decay: 1e-3, lars_exclude: true } }), (run) => {
    checkTrust(run, 0.001, 1e-3, (n) => n.endsWith('bias'));
  });
  // a group's options reach its tensors; a scheduler's list per config group reaches each group's tensors
  const optimizer = { type: 'LARS', lr: 0.5, param_groups: [{ params: ['fc3.weight', 'fc3.bias'], lr: 0.05, lars_exclude: true, weight_decay: 0 }] };
  withRun(moons({ optimizer, scheduler: { type: 'OneCycleLR', max_lr: [0.05, 0.5], total_steps: 40 } }), (run) => {
    run.step(3);
    const l = run.inspect().layers;
    assert.deepEqual(l.map((r) => r.group), [1, 1, 1, 1, 0, 0]);
    assert.deepEqual(l.slice(4).map((r) => r.trust_ratio), [1, 1]);
    const lrs = lab.schedule({ type: 'OneCycleLR', max_lr: [0.05, 0.5], total_steps: 40 }, 4, { groups: [0.05, 0.5] });
    assertClose(Array.from(run.lrs), [lrs[0][3], lrs[1][3]], 1e-12, 'each group on its own max_lr');
    assert.equal(l[0].lr, run.lrs[1]);
    assert.equal(l[4].lr, run.lrs[0]);
  });
});

test('SWATS: the switch step and the SGD rate are in the history', () => {
  const cfg = moons({ optimizer: { type: 'SWATS', lr: 0.01, eps: 1e-3, param_groups: [{ params: ['fc1.weight', 'fc1.bias'] }] }, epochs: 60 });
  withRun(cfg, (run) => {
    assert.deepEqual(run.history.swats, []);
    run.fit();
    const sw = run.swats;
    assert.equal(sw.length, 2);
    const switched = sw.filter((g) => g.switched);
    assert.ok(switched.length >= 1, `some group switches in ${run.steps_done} steps: ${JSON.stringify(sw)}`);
    assert.deepEqual(run.history.swats, switched.map(({ group, step, lr }) => ({ group, step, lr })));
    for (const g of switched) assert.ok(Number.isInteger(g.step) && g.step > 1 && g.step <= run.steps_done && g.lr > 0);
  });
});

test('save and restore with groups (LARS per tensor, Adam groups under OneCycleLR) continue bit-identically', () => {
  const configs = [
    moons({ optimizer: { type: 'LARS', lr: 0.5, lars_exclude: true, param_groups: [{ params: ['fc2.weight'], lr: 0.1 }] }, scheduler: { type: 'StepLR', step_size: 7 } }),
    moons({ optimizer: { type: 'Adam', lr: 0.01, param_groups: [{ params: ['fc3.weight', 'fc3.bias'], lr: 0.001 }] }, scheduler: { type: 'OneCycleLR', max_lr: [0.01, 0.05], total_steps: 80 } }),
  ];
  for (const cfg of configs) {
    const whole = withRun(cfg, (run) => { run.step(50); return { w: run.weights(), lrs: Array.from(run.lrs), i: run.inspect() }; });
    const bytes = withRun(cfg, (run) => { run.step(23); return run.save(); });
    const back = lab.restoreTrainer(bytes);
    try {
      back.step(27);
      assert.deepEqual({ w: back.weights(), lrs: Array.from(back.lrs), i: back.inspect() }, whole);
    } finally {
      back.dispose();
    }
  }
});
