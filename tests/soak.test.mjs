// Soak: long runs and many create/dispose cycles leave the wasm heap where it
// was after warm-up (a leak of even a few bytes per call would show: 64 KB pages).
// SOAK_STEPS sets the run length (npm test 100 000, npm run test:long 1 000 000);
// the create/dispose cycles are a hundredth of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSteplab } from '../dist/steplab.mjs';

const lab = await loadSteplab();
const STEPS = Number(process.env.SOAK_STEPS || 100_000);
const CYCLES = Math.max(1000, Math.round(STEPS / 100));

test(`${STEPS} optimizer steps: the wasm memory stops growing after warm-up`, () => {
  const n = 64;
  const opt = lab.createOptimizer({ type: 'Adam', lr: 1e-3, scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 1000, T_mult: 2 } }, n);
  const p = new Float32Array(n).fill(0.5);
  const g = new Float32Array(n);
  const step = (k) => {
    for (let i = 0; i < n; i++) g[i] = Math.sin(k * 0.001 + i) * 0.1 + p[i] * 0.01;
    opt.step(p, g);
  };
  for (let k = 0; k < 10000; k++) step(k);
  const warm = lab.memoryBytes;
  for (let k = 10000; k < STEPS; k++) step(k);
  assert.equal(lab.memoryBytes, warm);
  assert.equal(opt.steps, STEPS);
  assert.ok(p.every(Number.isFinite));
  opt.dispose();
});

test(`a trainer takes ${STEPS} optimizer steps: the wasm memory stops growing, the history stays finite`, () => {
  const run = lab.createTrainer({
    dataset: { name: 'moons', n_samples: 4000, noise: 0.2, val_fraction: 0.2 }, model: { hidden: [16, 16], activation: 'tanh' },
    loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 1e-3, scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 5000 } },
    batch_size: 32, epochs: 1_000_000,
  });
  run.step(20_000);
  const warm = lab.memoryBytes;
  while (run.steps_done < STEPS) run.step(Math.min(100_000, STEPS - run.steps_done));
  assert.equal(lab.memoryBytes, warm);
  assert.equal(run.status, 'running');
  const h = run.history;
  assert.equal(h.steps.loss.length, STEPS);
  assert.ok(h.steps.loss.every(Number.isFinite) && h.epochs.val_loss.every(Number.isFinite));
  assert.ok(h.epochs.val_accuracy.at(-1) > 0.85, `val accuracy ${h.epochs.val_accuracy.at(-1)}`);
  run.dispose();
});

test(`${CYCLES} create/dispose cycles of every object type do not grow the heap`, () => {
  const cycle = () => {
    lab.createScheduler({ type: 'SequentialLR', schedulers: [{ type: 'LinearLR', total_iters: 3 }, { type: 'LambdaLR', lr_lambda: '0.9 ^ epoch' }], milestones: [3] }).dispose();
    const o = lab.createOptimizer({ type: 'LBFGS', line_search_fn: 'strong_wolfe' }, 8);
    o.dispose();
    const a = lab.createOptimizer({ type: 'SGD', lr: 0.1, momentum: 0.9 }, 16);
    lab.restoreOptimizer(a.state()).dispose();
    a.dispose();
    const s = lab.createScheduler({ type: 'ReduceLROnPlateau' });
    lab.restoreScheduler(s.state()).dispose();
    s.dispose();
    lab.loss({ type: 'WeightedSum', terms: [{ weight: 1, loss: { type: 'MSELoss' } }, { weight: 0.1, loss: { type: 'L1Loss' } }] }, [1, 2], [0, 1]);
    lab.trace({ fn: 'rosenbrock', start: [-1, 1], optimizer: { type: 'Adam', lr: 0.01 }, steps: 3 });
    lab.dataset({ name: 'moons', n_samples: 20 });
    lab.mlpForward({ sizes: [2, 4, 1], activation: 'tanh', init: 'xavier', seed: 1 }, [[0.1, 0.2]]);
  };
  for (let i = 0; i < 200; i++) cycle();
  const warm = lab.memoryBytes;
  for (let i = 0; i < CYCLES; i++) cycle();
  assert.equal(lab.memoryBytes, warm);
  // and errors in between leak nothing either
  for (let i = 0; i < CYCLES / 5; i++) {
    assert.throws(() => lab.createOptimizer({ type: 'Adam', betas: [0.9, 2] }, 4));
    assert.throws(() => lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 3 }, 10));
  }
  assert.equal(lab.memoryBytes, warm);
});
