// The worker's training protocol (web/worker/train.js) on the Node build: what
// trainStep returns is exactly the trainer's own history, sent once; slices
// by time keep answering; save/restore continues; bad requests are named.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab } from './helpers.mjs';
import { trainHandlers as h } from '../web/worker/train.js';

const config = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 200, noise: 0.15, seed: 2, val_fraction: 0.25 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 },
  scheduler: { type: 'CosineAnnealingLR', T_max: 40 },
  batch_size: 32,
  epochs: 8,
  seed: 5,
  ...extra,
});

test('trainStep returns only the new history entries, equal to a trainer run directly', () => {
  const ref = lab.createTrainer(config());
  ref.step(37);
  const made = h.trainCreate(lab, { config: config() });
  assert.deepEqual(made.sizes, [2, 16, 16, 1]);
  assert.equal(made.task, 'binary');
  assert.equal(made.steps_per_epoch, 5); // 150 training rows, batches of 32
  const a = h.trainStep(lab, { run: made.run, steps: 30 });
  const b = h.trainStep(lab, { run: made.run, steps: 7, evaluate: true, grid: { x: [-2, 2], y: [-2, 2], nx: 5, ny: 4 } });
  assert.equal(a.steps.loss.length, 30);
  assert.equal(b.steps.loss.length, 7);
  assert.equal(a.epochs.train_loss.length, 6);
  assert.equal(b.epochs.train_loss.length, 1);
  const rh = ref.history;
  assert.deepEqual([...a.steps.loss, ...b.steps.loss], [...rh.steps.loss]);
  assert.deepEqual([...a.steps.lr, ...b.steps.lr], [...rh.steps.lr]);
  assert.deepEqual([...a.epochs.val_loss, ...b.epochs.val_loss], [...rh.epochs.val_loss]);
  assert.equal(b.steps_done, 37);
  assert.equal(b.epochs_done, 7);
  assert.deepEqual(b.metrics.val, ref.evaluate('val'));
  assert.deepEqual([...b.grid], [...ref.predictGrid({ x: [-2, 2], y: [-2, 2], nx: 5, ny: 4 })]);
  // the rest of the epoch, then the end of the run: no step past it
  const c = h.trainStep(lab, { run: made.run, epoch: true });
  assert.equal(c.steps_done, 40);
  assert.equal(c.status, 'done');
  const d = h.trainStep(lab, { run: made.run, steps: 10 });
  assert.equal(d.steps.loss.length, 0);
  ref.dispose();
  assert.equal(h.trainDispose(lab, { run: made.run }), true);
  assert.equal(h.trainDispose(lab, { run: made.run }), false);
});

test('trainStep with ms trains a slice of the run, at least one step, and stops', () => {
  const { run } = h.trainCreate(lab, { config: config({ epochs: 100000 }) });
  const r = h.trainStep(lab, { run, ms: 25 });
  assert.ok(r.steps.loss.length >= 1);
  // the slice ended the call, not the run: 100 000 epochs are still ahead
  assert.equal(r.status, 'running');
  assert.ok(r.steps_done < 100000 * 5, `${r.steps_done} steps`);
  const one = h.trainStep(lab, { run, ms: 0 });
  assert.equal(one.steps.loss.length, 1);
  assert.equal(one.steps_done, r.steps_done + 1);
  h.trainDispose(lab, { run });
});

test('a checkpoint from trainSave continues through trainRestore to the same weights', () => {
  const whole = h.trainCreate(lab, { config: config() });
  h.trainStep(lab, { run: whole.run, steps: 1000 });
  const part = h.trainCreate(lab, { config: config() });
  h.trainStep(lab, { run: part.run, steps: 13 });
  const bytes = h.trainSave(lab, { run: part.run });
  h.trainDispose(lab, { run: part.run });
  const back = h.trainRestore(lab, { bytes });
  assert.equal(back.steps_done, 13);
  assert.equal(back.history.steps.loss.length, 13);
  assert.equal(back.config.optimizer.type, 'SGD');
  assert.equal(back.config.scheduler.type, 'CosineAnnealingLR');
  assert.equal(back.config.batch_size, 32);
  const next = h.trainStep(lab, { run: back.run, steps: 1000 });
  assert.equal(next.steps.loss.length, 27); // only what is new since the restore
  assert.deepEqual(h.trainWeights(lab, { run: back.run }), h.trainWeights(lab, { run: whole.run }));
  const hist = h.trainHistory(lab, { run: back.run });
  assert.deepEqual([...hist.steps.loss], [...h.trainHistory(lab, { run: whole.run }).steps.loss]);
  h.trainDispose(lab, { run: back.run });
  h.trainDispose(lab, { run: whole.run });
});

// The handlers throw the source tree's SteplabError (the worker's own bundle), so its class is checked by name.
function assertError(fn, ...pieces) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'SteplabError', String(e));
    for (const p of pieces) assert.ok(e.message.includes(p), `'${e.message}' lacks '${p}'`);
    return true;
  });
}

test('bad requests name the field; the protocol keeps working after them', () => {
  assertError(() => h.trainStep(lab, { run: 987654, steps: 1 }), 'trainStep: run must be the id of a live trainer', '987654');
  assertError(() => h.trainCreate(lab, { config: config({ loss: { type: 'MSELoss' } }) }), 'MSELoss does not fit a binary task');
  const { run } = h.trainCreate(lab, { config: config() });
  assertError(() => h.trainStep(lab, { run, steps: -1 }), 'trainStep: steps must be an integer');
  assertError(() => h.trainStep(lab, { run, ms: 'soon' }), 'trainStep: ms must be a number');
  assertError(() => h.trainStep(lab, { run, grid: { x: [0, 1] } }), 'trainStep: grid must be');
  assertError(() => h.trainRestore(lab, { bytes: new Uint8Array(40) }), 'Trainer: state');
  assert.equal(h.trainStep(lab, { run, steps: 2 }).steps_done, 2);
  assert.equal(h.dataset(lab, { spec: { name: 'moons', n_samples: 50 } }).n_samples, 50);
  h.trainDispose(lab, { run });
});

test('stepsPerEpoch answers for a config without leaving a trainer behind', () => {
  const before = h.trainRuns().length;
  assert.equal(h.stepsPerEpoch(lab, { config: config() }), 5); // 150 training rows, batches of 32
  assert.equal(h.stepsPerEpoch(lab, { config: config({ batch_size: 'full' }) }), 1);
  assert.equal(h.stepsPerEpoch(lab, { config: config({ batch_size: 1 }) }), 150);
  assertError(() => h.stepsPerEpoch(lab, { config: config({ batch_size: 0 }) }), 'batch_size');
  assert.equal(h.trainRuns().length, before);
});
