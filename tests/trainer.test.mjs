// lab.createTrainer: the C training loop (c/train/train.c) against PyTorch
// 1.13 (tests/fixtures/trainer.json, from tests/gen/trainer.py), learning on
// the course's data sets, the loop's features one by one, and bad configs.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadSteplab } from '../dist/steplab.mjs';
import { lab as plainLab, loadLab, fixture, assertClose, assertError, digitsBytes } from './helpers.mjs';

const lab = await loadLab({ digits: digitsBytes });

const moons = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 200, noise: 0.1, seed: 3, val_fraction: 0.2 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'Adam', lr: 0.01 },
  batch_size: 32,
  epochs: 5,
  seed: 1,
  ...extra,
});

// Runs fn(run) on a fresh trainer and disposes it.
function withRun(config, fn, l = lab) {
  const run = l.createTrainer(config);
  try {
    return fn(run);
  } finally {
    run.dispose();
  }
}

const flat = (w) => w.flatMap((L) => [...L.W.flatMap((r) => [...r]), ...L.b]);

test('PyTorch parity: 30 steps with explicit init_weights and shuffle off', () => {
  // Weights are compared relative to max(|w|, 0.1 max|W| of the layer): after 30 steps some
  // weights pass through 0 (a difference of 1e-9 on a weight of 1e-6 is float32 rounding, not
  // an error), so a per-element relative bound is meaningless for them.
  for (const c of fixture('trainer.json').cases) {
    withRun({ ...c.config, epochs: 100 }, (run) => {
      assert.equal(run.step(c.steps), c.steps);
      const h = run.history.steps;
      assertClose(h.loss, c.losses, 1e-5, `${c.label}: loss per step`);
      assertClose(h.lr, c.lrs, 1e-12, `${c.label}: lr per step`);
      const got = run.weights();
      c.weights.forEach((L, l) => {
        const want = [...L.W.flat(), ...L.b];
        const g = [...got[l].W.flatMap((r) => [...r]), ...got[l].b];
        const scale = 0.1 * Math.max(...want.map(Math.abs));
        let worst = 0;
        let at = 0;
        want.forEach((w, i) => {
          const d = Math.abs(g[i] - w) / Math.max(Math.abs(w), scale);
          if (d > worst) { worst = d; at = i; }
        });
        assert.ok(worst <= 1e-4, `${c.label}: layer ${l} index ${at}: got ${g[at]}, expected ${want[at]} (rel ${worst})`);
      });
    });
  }
});

test('learning happens: moons with Adam reaches 97 % validation accuracy', () => {
  withRun(moons({ dataset: { name: 'moons', n_samples: 400, noise: 0.1, seed: 1, val_fraction: 0.25 }, epochs: 60 }), (run) => {
    run.fit();
    assert.equal(run.status, 'done');
    assert.equal(run.history.epochs.val_accuracy.length, 60);
    const ev = run.evaluate('val');
    assert.ok(ev.accuracy >= 0.97, `val accuracy ${ev.accuracy}`);
    assert.ok(ev.auroc >= 0.99, `auroc ${ev.auroc}`);
    assert.equal(ev.accuracy, run.history.epochs.val_accuracy.at(-1));
  });
});

test('learning happens: digits with AdamW reaches 95 % validation accuracy', () => {
  withRun({
    dataset: { name: 'digits', seed: 0, val_fraction: 0.2 },
    model: { hidden: [32], activation: 'relu', init: 'he' },
    loss: { type: 'CrossEntropyLoss' },
    optimizer: { type: 'AdamW', lr: 0.003, weight_decay: 0.01 },
    batch_size: 64, epochs: 15, seed: 0,
  }, (run) => {
    run.fit();
    const ev = run.evaluate('val');
    assert.ok(ev.accuracy >= 0.95, `val accuracy ${ev.accuracy}`);
    assert.equal(ev.confusion.length, 10);
    assert.equal(ev.confusion.flat().reduce((a, b) => a + b, 0), 359);
  });
});

test('learning happens: HuberLoss recovers the slope of linear_outliers better than MSELoss', () => {
  const slopeOf = (loss) => withRun({
    dataset: { name: 'linear_outliers', n_samples: 200, slope: 2, intercept: 1, outlier_fraction: 0.2, seed: 4, standardize: false },
    model: { hidden: [] },
    loss,
    optimizer: { type: 'SGD', lr: 0.1 },
    batch_size: 'full', epochs: 1000, seed: 0,
  }, (run) => { run.fit(); return run.weights()[0].W[0][0]; });
  const mse = slopeOf({ type: 'MSELoss' });
  const huber = slopeOf({ type: 'HuberLoss', delta: 0.5 });
  assert.ok(Math.abs(huber - 2) < Math.abs(mse - 2) / 2, `Huber slope ${huber}, MSE slope ${mse}, true 2`);
});

test('batching: 1 epoch is 1 (full batch), ceil(N / B) (mini-batch) or N (stochastic) updates', () => {
  for (const [batch_size, steps] of [['full', 1], [32, 5], [50, 4], [1, 160]]) {
    withRun(moons({ batch_size, epochs: 2 }), (run) => {
      assert.equal(run.steps_per_epoch, steps);
      assert.equal(run.epoch(), steps);
      assert.equal(run.history.steps.loss.length, steps);
      assert.equal(run.history.epochs.train_loss.length, 1);
      assert.equal(run.epochs_done, 1);
      assert.equal(run.step(1e6), steps, 'stops at the end of the run');
      assert.equal(run.status, 'done');
      assert.equal(run.step(5), 0);
    });
  }
});

test('determinism: same config, bit-identical history and weights; shuffle depends on the seed', () => {
  const trace = (cfg) => withRun(cfg, (run) => { run.step(23); return [...run.history.steps.loss, ...flat(run.weights())]; });
  assert.deepEqual(trace(moons()), trace(moons()));
  assert.notDeepEqual(trace(moons()), trace(moons({ seed: 2 })));
  assert.notDeepEqual(trace(moons()), trace(moons({ shuffle: false })));
  // without shuffling and with explicit weights the seed changes nothing
  const w = lab.mlpInit({ sizes: [2, 16, 16, 1], activation: 'tanh', init: 'xavier', seed: 9 });
  const fixed = (seed) => moons({ seed, shuffle: false, model: { hidden: [16, 16], activation: 'tanh', init_weights: w } });
  assert.deepEqual(trace(fixed(1)), trace(fixed(2)));
});

test('the SIMD and scalar builds train to the same numbers within float32 rounding', async () => {
  const scalar = await loadSteplab({ wasm: fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url)) });
  const get = (l) => withRun(moons(), (run) => { run.step(20); return flat(run.weights()); }, l);
  assertClose(get(scalar), get(plainLab), 1e-3, 'weights after 20 steps');
});

test('regularization: an L2 penalty adds lambda * sum w^2 to the loss and 2 lambda w to the gradient', () => {
  const w = lab.mlpInit({ sizes: [2, 4, 1], activation: 'tanh', init: 'xavier', seed: 5 });
  const base = { ...moons(), model: { hidden: [4], activation: 'tanh', init_weights: w }, optimizer: { type: 'SGD', lr: 0.1 }, shuffle: false };
  const one = (extra) => withRun({ ...base, ...extra }, (run) => { run.step(1); return [run.history.steps.loss[0], flat(run.weights())]; });
  const [l0, w0] = one({});
  const [l1, w1] = one({ regularization: { type: 'L2', lambda: 0.01 } });
  const p = flat(w);
  const sumSq = p.reduce((a, v) => a + v * v, 0);
  assert.ok(Math.abs(l1 - l0 - 0.01 * sumSq) < 1e-6, `penalty ${l1 - l0}, expected ${0.01 * sumSq}`);
  p.forEach((v, i) => assert.ok(Math.abs((w1[i] - w0[i]) - (-0.1 * 2 * 0.01 * v)) < 1e-6, `param ${i}`));
  assertError(() => lab.createTrainer({ ...base, regularization: { type: 'MSELoss' } }), 'Trainer: regularization must be an L1, L2 or ElasticNet');
});

test('gradient clipping: by norm (clip_grad_norm_) and by value (clip_grad_value_)', () => {
  const w = lab.mlpInit({ sizes: [2, 8, 1], activation: 'tanh', init: 'xavier', seed: 2 });
  const base = { ...moons(), model: { hidden: [8], activation: 'tanh', init_weights: w }, optimizer: { type: 'SGD', lr: 1 }, shuffle: false };
  const delta = (extra) => withRun({ ...base, ...extra }, (run) => {
    run.step(1);
    const d = flat(run.weights()).map((v, i) => v - flat(w)[i]);
    return { d, norm: run.history.steps.grad_norm[0] };
  });
  const free = delta({});
  const byNorm = delta({ grad_clip: { max_norm: 0.01 } });
  assert.equal(byNorm.norm, free.norm, 'the recorded norm is the one before clipping');
  const stepNorm = Math.hypot(...byNorm.d);
  assert.ok(Math.abs(stepNorm - 0.01) < 1e-5, `clipped step norm ${stepNorm}`);
  assert.ok(Math.abs(Math.hypot(...free.d) - free.norm) < 1e-4 * free.norm);
  const byValue = delta({ grad_clip: { clip_value: 0.001 } });
  byValue.d.forEach((v, i) => {
    assert.ok(Math.abs(v) <= 0.001 + 1e-6, `param ${i} moved ${v}`);
    assert.ok(Math.abs(v - Math.max(-0.001, Math.min(0.001, free.d[i]))) < 1e-6, `param ${i}`);
  });
  assertError(() => lab.createTrainer({ ...base, grad_clip: {} }), 'grad_clip: needs exactly one of max_norm');
  assertError(() => lab.createTrainer({ ...base, grad_clip: { max_norm: -1 } }), 'grad_clip: max_norm must be a number > 0, got -1');
});

test('schedulers: stepped per batch or per epoch; ReduceLROnPlateau on validation loss', () => {
  const lrs = (interval) => withRun(moons({ scheduler: { type: 'StepLR', step_size: 1, gamma: 0.5 }, scheduler_interval: interval, epochs: 3 }),
    (run) => { run.fit(); return [Array.from(run.history.steps.lr), Array.from(run.history.epochs.lr)]; });
  const [perStep] = lrs('step');
  perStep.forEach((lr, i) => assert.equal(lr, 0.01 * 0.5 ** i));
  const [perEpoch, epochLr] = lrs('epoch');
  perEpoch.forEach((lr, i) => assert.equal(lr, 0.01 * 0.5 ** Math.floor(i / 5)));
  assert.deepEqual(epochLr, [0.005, 0.0025, 0.00125]);
  // a huge threshold means no epoch ever improves enough: the lr is cut after patience + 1 epochs
  withRun(moons({ scheduler: { type: 'ReduceLROnPlateau', patience: 1, factor: 0.1, threshold: 10, threshold_mode: 'abs' }, epochs: 5 }), (run) => {
    run.fit();
    const e = Array.from(run.history.epochs.lr);
    assert.ok(Math.abs(e[0] - 0.01) < 1e-15 && Math.abs(e[2] - 0.001) < 1e-15 && Math.abs(e[4] - 0.0001) < 1e-15, `lr per epoch ${e}`);
  });
});

test('early stopping: patience on validation loss, best weights restored', () => {
  // lr so high that the validation loss soon stops improving
  withRun(moons({ optimizer: { type: 'SGD', lr: 3 }, epochs: 200, early_stopping: { patience: 3 } }), (run) => {
    run.fit();
    assert.equal(run.status, 'stopped');
    const val = run.history.epochs.val_loss;
    const best = run.best_epoch;
    // Keras's and Lightning's count (gap 8): the run stops at the patience-th epoch without improvement
    assert.equal(val.length, best + 3, 'stops patience epochs after the best');
    for (let e = best; e < val.length; e++) assert.ok(!(val[e] < val[best - 1]), `epoch ${e + 1} did not improve`);
    assert.equal(Math.min(...val), val[best - 1]);
    assert.equal(run.evaluate('val').loss, val[best - 1], 'the best weights are back');
  });
  assertError(() => lab.createTrainer(moons({ dataset: { name: 'moons', val_fraction: 0 }, early_stopping: {} })),
    'Trainer: early_stopping needs a validation split');
});

test('divergence: status diverged with the step and the last finite loss, no NaN in the history', () => {
  withRun({
    dataset: { name: 'sine', n_samples: 100 }, model: { hidden: [8] }, loss: { type: 'MSELoss' },
    optimizer: { type: 'SGD', lr: 100 }, batch_size: 'full', epochs: 50,
  }, (run) => {
    run.fit();
    assert.equal(run.status, 'diverged');
    assert.ok(run.done);
    const { step, last_loss } = run.diverged;
    const loss = run.history.steps.loss;
    assert.equal(loss.length, step);
    assert.equal(last_loss, loss.at(-1));
    assert.ok(loss.every(Number.isFinite));
    assert.equal(run.step(3), 0);
  });
});

test('divergence through overflowing outputs (cross-entropy, huge lr) is a status, not a thrown loss error', () => {
  for (const [dataset, lr] of [[{ name: 'spirals', n_samples: 200 }, 1e3], [{ name: 'spirals', n_samples: 200, seed: 3 }, 1e4]]) {
    withRun({
      dataset, model: { hidden: [16, 16], activation: 'relu' }, loss: { type: 'CrossEntropyLoss' },
      optimizer: { type: 'SGD', lr, momentum: 0.9 }, batch_size: 16, epochs: 200,
    }, (run) => {
      run.fit();
      assert.equal(run.status, 'diverged', `${dataset.name} at lr ${lr}`);
      const { step, last_loss } = run.diverged;
      assert.equal(run.history.steps.loss.length, step);
      assert.ok(run.history.steps.loss.every(Number.isFinite) && Number.isFinite(last_loss));
      assert.ok(Object.values(run.history.epochs).every((c) => c.length === run.epochs_done));
      assert.ok(run.history.epochs.train_loss.every(Number.isFinite), 'no epoch record of the overflowed weights');
      assertError(() => run.evaluate('train'), 'Trainer: the model\'s outputs are not finite');
      assert.equal(run.step(1), 0);
    });
  }
});

test('evaluating an empty validation split gives no stale confusion matrix', () => {
  withRun(moons({ dataset: { name: 'moons', n_samples: 100, val_fraction: 0 } }), (run) => {
    run.step(5);
    run.evaluate('train');
    const v = run.evaluate('val');
    assert.ok(v.confusion.flat().every((c) => c === 0), JSON.stringify(v.confusion));
  });
});

test('evaluate, predict and predictGrid', () => {
  withRun(moons({ epochs: 30 }), (run) => {
    run.fit();
    const d = lab.dataset(moons().dataset);
    const val = d.X.subarray(d.n_train * 2);
    const p = run.predict(val);
    assert.equal(p.length, d.n_val);
    assert.ok(p.every((v) => v > 0 && v < 1));
    const acc = p.reduce((a, v, i) => a + ((v > 0.5) === (d.y[d.n_train + i] === 1)), 0) / d.n_val;
    const ev = run.evaluate();
    assert.equal(ev.accuracy, acc);
    const [[tn, fp], [fn, tp]] = ev.confusion;
    assert.equal(ev.precision, tp / (tp + fp));
    assert.equal(ev.recall, tp / (tp + fn));
    const grid = run.predictGrid({ x: [-2, 2], y: [-1, 1], nx: 5, ny: 3 });
    assert.equal(grid.length, 15);
    assert.deepEqual(grid.subarray(6, 7), run.predict([[-1, 0]]));
    assertError(() => run.predict([[1, 2, 3]]), 'Trainer: X row 0 must be an array of 2 numbers');
    assertError(() => run.predictGrid({ x: [0, 1], y: [0, 1], nx: 1, ny: 3 }), 'Trainer: predictGrid needs { x: [min, max], y: [min, max], nx, ny }');
    assertError(() => run.evaluate('test'), "Trainer: split must be 'train' or 'val'");
    assert.equal(run.evaluate('train').confusion.flat().reduce((a, b) => a + b, 0), 160);
  });
  withRun({ dataset: { name: 'iris' }, model: { hidden: [8] }, loss: { type: 'CrossEntropyLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, epochs: 2 }, (run) => {
    run.fit();
    const p = run.predict([[0, 0, 0, 0]]);
    assert.equal(p.length, 3);
    assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-6);
    assert.equal(run.history.epochs.train_accuracy.length, 2);
  });
  withRun({ dataset: { name: 'sine', n_samples: 50 }, model: { hidden: [8] }, loss: { type: 'L1Loss' }, optimizer: { type: 'Adam', lr: 0.01 }, epochs: 2 }, (run) => {
    run.fit();
    const ev = run.evaluate('val');
    assert.deepEqual(Object.keys(ev), ['loss', 'mse', 'mae']);
    assert.equal(ev.loss, ev.mae);
    assert.deepEqual(Object.keys(run.history.epochs), ['train_loss', 'val_loss', 'train_mse', 'val_mse', 'train_mae', 'val_mae', 'lr']);
  });
});

test('explicit arrays as the data set, init_weights round trip through weights()', () => {
  const X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.1, 0.1], [0.9, 0.9]];
  const y = [0, 1, 1, 0, 0, 0];
  const w = lab.mlpInit({ sizes: [2, 3, 1], activation: 'relu', init: 'he', seed: 1 });
  withRun({ dataset: { X, y, task: 'binary', val_fraction: 0 }, model: { hidden: [3], init_weights: w }, loss: { type: 'BCEWithLogitsLoss' },
    optimizer: { type: 'SGD', lr: 0.1 }, batch_size: 'full', epochs: 3 }, (run) => {
    assert.deepEqual(run.weights(), w);
    run.fit();
    assert.equal(run.history.steps.loss.length, 3);
    assert.ok(Number.isNaN(run.history.epochs.val_loss[0]));
    assert.ok(Number.isNaN(run.evaluate('val').loss));
  });
});

test('bad configs: a SteplabError naming the field, and the next trainer still works', () => {
  const cases = [
    [{ dataset: { name: 'nope' } }, 'dataset', 'nope'],
    [{ dataset: { name: 'sine' }, loss: { type: 'CrossEntropyLoss' } }, 'Trainer: loss CrossEntropyLoss does not fit a regression task'],
    [{ loss: { type: 'MSELoss' } }, 'Trainer: loss MSELoss does not fit a binary task'],
    [{ loss: { type: 'BCEWithLogitsLoss', reduction: 'none' } }, "Trainer: loss must reduce to one number"],
    [{ batch_size: 0 }, "Trainer: batch_size must be an integer in [1, 16777216] or 'full'", 'got 0'],
    [{ batch_size: 2.5 }, 'Trainer: batch_size', 'got 2.5'],
    [{ batch_size: 'half' }, 'Trainer: batch_size', "got 'half'"],
    [{ epochs: -1 }, 'Trainer: epochs must be an integer in [1, 1000000], got -1'],
    [{ model: { hidden: [16, 0] } }, 'model: hidden [1] must be', 'got 0'],
    [{ model: { hidden: [2.5] } }, 'model: hidden [0] must be an integer, got 2.5'],
    [{ model: { hidden: [4], activation: 'swish' } }, 'model: activation must be one of'],
    [{ model: { hidden: [4], init_weights: [{ W: [[1, 2]], b: [0] }] } }, 'model: init_weights must be an array of 2'],
    [{ model: { hidden: [4], init_weights: [{ W: [[1, 2]], b: [0] }, { W: [[1, 2, 3, 4]], b: [0] }] } }, 'model: init_weights[0].W must have 4 rows'],
    [{ optimizer: { type: 'Adam', lr: -1 } }, 'Adam: lr'],
    [{ optimizer: { type: 'LBFGS' } }, 'Trainer: optimizer LBFGS needs a closure'],
    [{ scheduler: { type: 'StepLR' } }, 'StepLR: step_size is required'],
    [{ scheduler_interval: 'batch' }, 'Trainer: scheduler_interval must be one of'],
    [{ shuffle: 1 }, 'Trainer: shuffle must be true or false'],
    [{ bogus: 1 }, "Trainer: unknown parameter 'bogus'"],
    [{ early_stopping: { patience: -1 } }, 'early_stopping: patience must be'],
    [{ model: undefined }, 'Trainer: model must be an object'],
  ];
  for (const [extra, ...pieces] of cases) assertError(() => lab.createTrainer(moons(extra)), ...pieces);
  assertError(() => lab.createTrainer(null), 'Trainer: config must be an object');
  const run = lab.createTrainer(moons());
  assertError(() => run.step(-1), 'Trainer: k must be an integer');
  assert.equal(run.step(2), 2);
  run.dispose();
  run.dispose();
  assertError(() => run.step(1), 'Trainer: was disposed');
});

test('save and restore: a run saved at any step continues bit-identically', () => {
  const cfg = moons({ epochs: 4, scheduler: { type: 'OneCycleLR', max_lr: 0.05, total_steps: 20 }, early_stopping: { patience: 9 },
    regularization: { type: 'ElasticNet', l1: 1e-4, l2: 1e-3 }, grad_clip: { max_norm: 1 } });
  const whole = lab.createTrainer(cfg);
  whole.fit();
  for (const at of [0, 3, 5, 12]) {
    const run = lab.createTrainer(cfg);
    run.step(at);
    const bytes = run.save();
    run.dispose();
    const back = lab.restoreTrainer(bytes);
    assert.equal(back.steps_done, at);
    back.fit();
    assert.deepEqual(back.history, whole.history, `saved at step ${at}`);
    assert.deepEqual(back.weights(), whole.weights());
    assert.equal(back.status, 'done');
    back.dispose();
  }
  // explicit arrays and regression survive too
  const reg = { dataset: { X: [[0], [1], [2], [3], [4], [5]], y: [1, 3, 5, 7, 9, 11], task: 'regression', val_fraction: 0 }, model: { hidden: [3] },
    loss: { type: 'MSELoss' }, optimizer: { type: 'Adam', lr: 0.1 }, batch_size: 2, epochs: 3 };
  const a = lab.createTrainer(reg);
  a.step(4);
  const b = lab.restoreTrainer(a.save());
  a.fit();
  b.fit();
  assert.deepEqual(b.history, a.history);
  assert.deepEqual(b.weights(), a.weights());
  const bytes = b.save();
  a.dispose();
  b.dispose();
  whole.dispose();
  // damaged bytes are refused before use
  const flip = (i) => { const c = bytes.slice(); c[i] ^= 1; return c; };
  assertError(() => lab.restoreTrainer(flip(bytes.length - 5)), 'Trainer: state is truncated or corrupted');
  assertError(() => lab.restoreTrainer(flip(0)), 'Trainer: state is not a saved trainer of version 2');
  assertError(() => lab.restoreTrainer(bytes.subarray(0, 100)), 'Trainer: state is truncated or corrupted');
  assertError(() => lab.restoreTrainer([1, 2]), 'Trainer: state must be the Uint8Array of run.save()');
  const again = lab.restoreTrainer(bytes);
  assert.equal(again.status, 'done');
  again.dispose();
});

test('10 000 create/step/dispose cycles leave the heap where it was', () => {
  const cfg = moons({ dataset: { name: 'moons', n_samples: 40 }, model: { hidden: [4] }, batch_size: 8 });
  const cycle = () => { const run = lab.createTrainer(cfg); run.step(2); const p = run._ptr; run.dispose(); return p; };
  for (let i = 0; i < 10; i++) cycle();
  const first = cycle();
  for (let i = 0; i < 10000; i++) {
    cycle();
    if (i % 1000 === 0) assert.throws(() => lab.createTrainer(moons({ epochs: 0 })));
  }
  // the allocator hands the same address back only when nothing was left behind
  assert.equal(cycle(), first);
});
