// The trainer's one spec path and bounded work (c/train/, web/lib/train.mjs): the config
// crosses as one text and comes back normalised as run.config; init_weights are checked by
// the core; lab.stepsPerEpoch is a pure function equal to every trainer's steps per epoch;
// layouts come from lab.registry.trainer; data sets of 100 000+ rows evaluate in chunks; and
// every synchronous call refuses more work than the limit, saying what to reduce.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadSteplab } from '../dist/steplab.mjs';
import { lab, assertClose, assertError } from './helpers.mjs';

const LIMIT = lab.registry.trainer.limits.work;
const base = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 120, noise: 0.1, seed: 3, val_fraction: 0.25 },
  model: { hidden: [6], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, batch_size: 16, epochs: 3, seed: 1, ...extra,
});

test('run.config: the config as the core read it, init_weights left out, frozen; it makes the same run again', () => {
  const w = lab.mlpInit({ sizes: [2, 6, 1], activation: 'tanh', init: 'xavier', seed: 4 });
  const cfg = base({ model: { hidden: [6], activation: 'tanh', init_weights: w }, scheduler: { type: 'StepLR', step_size: 2 }, grad_clip: { max_norm: 1, norm_type: 3 } });
  const run = lab.createTrainer(cfg);
  assert.deepEqual(run.config, { ...cfg, model: { hidden: [6], activation: 'tanh' } });
  assert.equal(run.config.grad_clip.norm_type, 3);
  assert.ok(Object.isFrozen(run.config) && Object.isFrozen(run.config.model));
  assert.deepEqual(run.weights(), w);
  const again = lab.createTrainer({ ...run.config, model: { ...run.config.model, init_weights: w } });
  run.step(5);
  again.step(5);
  assert.deepEqual(again.history, run.history);
  run.dispose();
  again.dispose();
  // explicit arrays: the options travel, the arrays do not
  const X = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [3, 1]];
  const arr = lab.createTrainer(base({ dataset: { X, y: [0, 1, 1, 0, 1, 0], task: 'binary', val_fraction: 0 }, batch_size: 2 }));
  assert.deepEqual(arr.config.dataset, { task: 'binary', val_fraction: 0 });
  assert.deepEqual(arr.sizes, [2, 6, 1]);
  arr.dispose();
});

test('init_weights go through the core: its messages name the layer, row and column', () => {
  const w = lab.mlpInit({ sizes: [2, 3, 1], seed: 1 });
  const bad = (init_weights) => () => lab.createTrainer(base({ model: { hidden: [3], init_weights } }));
  assertError(bad(w.slice(1)), 'model: init_weights must be an array of 2 { W, b } (one per linear layer), got an array of 1');
  assertError(bad([{ ...w[0], W: [...w[0].W.slice(0, 2), [1, NaN]] }, w[1]]), 'model: init_weights[0].W row 2, column 1 must be a finite number, got NaN');
  assertError(bad([w[0], { W: w[1].W, b: [1e39] }]), "model: init_weights[1].b [0] must be within float32's range");
  assertError(bad([w[0], { W: w[1].W, b: w[1].b, c: 1 }]), "model: init_weights[1] has unknown key 'c'");
  assertError(bad([w[0], { W: w[1].W }]), 'model: init_weights[1].b must have 1 numbers (out_features), got nothing');
  const run = lab.createTrainer(base({ model: { hidden: [3], init_weights: w } }));
  assert.deepEqual(run.weights(), w);
  run.dispose();
});

test('lab.stepsPerEpoch(config, epoch) equals the trainer\'s steps per epoch, epoch by epoch, over many configs', () => {
  let checked = 0;
  for (const n of [12, 37, 100]) {
    for (const val_fraction of [0, 0.2, 0.5]) {
      for (const batch_size of [undefined, 1, 5, 32, 'full']) {
        for (const bss of [undefined, { milestones: [1, 3], gamma: 2.5 }, { milestones: [0, 2], gamma: 0.4 }]) {
          if (bss && batch_size === 'full') continue;
          const cfg = base({ dataset: { name: 'circle', n_samples: n, val_fraction }, model: { hidden: [] }, epochs: 4, batch_size,
            batch_size_schedule: bss, optimizer: { type: 'SGD', lr: 0.01 } });
          if (batch_size === undefined) delete cfg.batch_size;
          const n_train = lab.dataset(cfg.dataset).n_train;
          // a batch_size above the training rows is one smaller batch (gap 6: PyTorch's DataLoader), tested below
          const run = lab.createTrainer(cfg);
          for (let e = 0; e < 4; e++) {
            const spe = lab.stepsPerEpoch(cfg, e);
            assert.equal(spe, run.steps_per_epoch, `${JSON.stringify(cfg)} epoch ${e}`);
            assert.equal(run.epoch(), spe);
            checked++;
          }
          assert.equal(run.status, 'done');
          run.dispose();
        }
      }
    }
  }
  assert.ok(checked > 300, `${checked} epochs checked`);
  assert.equal(lab.stepsPerEpoch(base()), 6); // 90 training rows in batches of 16
  assert.equal(lab.stepsPerEpoch(base({ dataset: { X: [[0], [1], [2], [3], [4]], y: [0, 1, 0, 1, 0], task: 'binary', val_fraction: 0 }, batch_size: 2 })), 3);
  assert.equal(lab.stepsPerEpoch(base({ batch_size: 91 })), 1, 'more than the 90 training rows: one batch of 90');
  assertError(() => lab.stepsPerEpoch(base({ batch_size: 0 })), "Trainer: batch_size must be an integer in [1, 16777216] or 'full', got 0");
  assertError(() => lab.stepsPerEpoch(base(), -1), 'Trainer: epoch must be an integer in [0, 1000000], got -1');
  assertError(() => lab.stepsPerEpoch(base(), 2 ** 32), 'got 4294967296');
  assertError(() => lab.stepsPerEpoch(null), 'stepsPerEpoch: config must be an object');
});

test('layouts and names come from lab.registry.trainer', () => {
  const T = lab.registry.trainer;
  assert.deepEqual(T.statuses, ['running', 'done', 'stopped', 'diverged']);
  assert.deepEqual(T.tasks, ['binary', 'multiclass', 'regression', 'embedding']);
  assert.deepEqual(T.step_record, ['loss', 'lr', 'grad_norm']);
  assert.deepEqual(T.inspect, ['weight_norm', 'grad_norm', 'update_norm', 'effective_lr', 'm_rms', 'v_rms', 'group', 'lr', 'trust_ratio']);
  const run = lab.createTrainer(base());
  run.epoch();
  // the snapshot ensemble's three slots appear only with snapshot_ensemble (tests/trainer-snapshot.test.mjs)
  assert.deepEqual(T.epoch_record.binary.slice(7), ['ensemble_val_accuracy', null, 'snapshots']);
  assert.deepEqual(T.epoch_record.regression.slice(7), ['ensemble_val_mse', 'ensemble_val_mae', 'snapshots']);
  assert.deepEqual(Object.keys(run.history.epochs), T.epoch_record.binary.slice(0, 7).filter(Boolean));
  assert.deepEqual(Object.keys(run.inspect().layers[0]).filter((k) => T.inspect.includes(k)), T.inspect);
  run.dispose();
});

test('100 000+ rows: training and evaluation in chunks (once "MLP: batch must be an integer in [1, 65536]")', () => {
  const run = lab.createTrainer(base({ dataset: { name: 'moons', n_samples: 120000, noise: 0.2, seed: 1, val_fraction: 0.2 }, batch_size: 32, epochs: 2 }));
  assert.equal(run.steps_per_epoch, 3000);
  run.epoch();
  assert.equal(run.history.epochs.val_accuracy.length, 1);
  assert.ok(run.history.epochs.val_accuracy[0] > 0.9, `val accuracy ${run.history.epochs.val_accuracy[0]}`);
  // the chunked loss and accuracy equal a direct computation on the outputs
  const d = lab.dataset(run.config.dataset);
  const Xtr = d.X.subarray(0, d.n_train * 2), ytr = d.y.subarray(0, d.n_train);
  const logits = run.embed(Xtr);
  const ev = run.evaluate('train');
  assertClose([ev.loss], [lab.loss({ type: 'BCEWithLogitsLoss' }, Array.from(logits), Array.from(ytr)).value], 1e-9, 'chunked train loss');
  assert.equal(ev.accuracy, Array.from(logits).filter((z, i) => (z > 0) === (ytr[i] === 1)).length / d.n_train);
  assert.equal(ev.confusion.flat().reduce((a, b) => a + b, 0), 96000);
  run.dispose();
  // metric learning on 100 000 rows: the split's tuples in chunks
  const emb = lab.createTrainer(base({ dataset: { name: 'blobs', n_samples: 100000, centers: 3, seed: 2, val_fraction: 0.2 }, loss: { type: 'TripletMarginLoss' },
    model: { hidden: [8] }, batch_size: 512 }));
  emb.epoch();
  const e = emb.evaluate('val');
  const v = lab.dataset(emb.config.dataset);
  const yv = v.y.subarray(v.n_train);
  const p = emb.predict(v.X.subarray(v.n_train * 2));
  const nearest = Array.from(yv, (_, i) => [0, 1, 2].reduce((b, c) => (p[i * 3 + c] > p[i * 3 + b] ? c : b), 0));
  assert.equal(e.accuracy, nearest.filter((c, i) => c === yv[i]).length / yv.length); // the centroids' classifier, over 20 000 rows
  assert.ok(e.accuracy > 0.7 && Number.isFinite(e.loss) && e.loss > 0, `${e.accuracy} ${e.loss}`);
  emb.dispose();
});

test('bounded work: each synchronous call refuses more than the limit and says what to reduce', async () => {
  const big = await loadSteplab(); // its own wasm memory: the model below takes 131 MB
  // digits with [4096, 4000] at full batch: 89 s per step before; refused at create, before allocating the model
  const { digitsBytes } = await import('./helpers.mjs');
  const withDigits = await loadSteplab({ digits: digitsBytes });
  const before = withDigits.memoryBytes;
  assertError(() => withDigits.createTrainer(base({ dataset: { name: 'digits' }, model: { hidden: [4096, 4000] }, loss: { type: 'CrossEntropyLoss' }, batch_size: 'full' })),
    'Trainer: one step (a batch of 1438 rows through 1.67e+07 multiply-adds each, forward and backward)', 'reduce model.hidden, batch_size or the data set');
  // a [4096, 4000] model: predictGrid at 64 x 64 took 26 s; now refused naming what fits
  const run = big.createTrainer(base({ model: { hidden: [4096, 4000] }, optimizer: { type: 'SGD', lr: 0.01 } }));
  const t0 = performance.now();
  assertError(() => run.predictGrid({ x: [-3, 3], y: [-3, 3], nx: 64, ny: 64 }), 'Trainer: predictGrid of 4096 rows through 1.64e+07 multiply-adds each', 'pass at most 609 rows per call');
  assertError(() => run.predictGrid({ x: [-3, 3], y: [-3, 3], nx: 4096, ny: 4096 }), 'Trainer: predictGrid of 16777216 rows');
  assert.ok(performance.now() - t0 < 5000); // refused before any work (not a timing claim: 26 s of work never starts)
  assert.equal(run.predictGrid({ x: [-3, 3], y: [-3, 3], nx: 20, ny: 20 }).length, 400);
  assertError(() => run.step(1000), 'Trainer: k of 1000 steps takes about', 'take at most', 'steps per call');
  const fits = Number(/at most (\d+) steps/.exec((() => { try { run.step(1000); } catch (e) { return e.message; } })())[1]);
  assert.ok(run.work(fits) <= LIMIT && run.work(fits + 1) > LIMIT);
  assertError(() => run.fit(), 'Trainer: fit() (the 3 epochs left) takes about', 'or reduce epochs');
  assert.equal(run.steps_done, 0);
  assertError(() => big.mlpForward({ sizes: [2, 4096, 4000, 1] }, new Float32Array(2000 * 2)), 'MLP: X of 2000 rows through 1.64e+07 multiply-adds per row');
  assertError(() => big.lrFind(base({ model: { hidden: [4096, 4000] }, optimizer: { type: 'SGD', lr: 0.01 } }), { num_iter: 50 }),
    'lrFind: num_iter of 50 steps takes about', 'reduce num_iter or seeds');
  run.dispose();
  assert.ok(withDigits.memoryBytes - before < 16e6, 'the refused trainer allocated no model');
  // small runs are untouched by the limit: W3's shape (784-256-10, batch 128) steps in calls of 64
  const w3 = lab.createTrainer({ dataset: { X: Array.from({ length: 512 }, (_, i) => Float64Array.from({ length: 784 }, (_, j) => ((i * 31 + j * 7) % 17) / 17)),
    y: Array.from({ length: 512 }, (_, i) => i % 10), task: 'multiclass', val_fraction: 0 }, model: { hidden: [256], activation: 'relu' },
  loss: { type: 'CrossEntropyLoss' }, optimizer: { type: 'Adam', lr: 1e-3 }, batch_size: 128, epochs: 1000 });
  assert.equal(w3.step(64), 64);
  assert.ok(w3.work(64) < LIMIT && w3.work(4) < LIMIT / 10); // the benchmark takes 4 steps per call
  w3.dispose();
});
