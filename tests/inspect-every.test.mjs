// trainStep's inspect_every (web/worker/train.js): run.inspect() sampled every k-th
// step of the run inside a slice, equal to a trainer stepped to the same steps.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab } from './helpers.mjs';
import { trainHandlers as h } from '../web/worker/train.js';

const config = {
  dataset: { name: 'moons', n_samples: 120, noise: 0.1, seed: 1, val_fraction: 0.25 },
  model: { hidden: [8], activation: 'tanh', init: 'xavier' }, loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'Adam', lr: 0.02 }, batch_size: 16, epochs: 200, seed: 3,
};

test('inspect_every samples run.inspect() at every k-th step of the run, across slices', () => {
  const { run } = h.trainCreate(lab, { config });
  const a = h.trainStep(lab, { run, steps: 10, inspect_every: 3 });
  const b = h.trainStep(lab, { run, steps: 5, inspect_every: 3 });
  assert.deepEqual(a.inspects.map((x) => x.step), [3, 6, 9]);
  assert.deepEqual(b.inspects.map((x) => x.step), [12, 15]);
  assert.equal(b.steps_done, 15);
  const ref = lab.createTrainer(config);
  for (const x of [...a.inspects, ...b.inspects]) {
    ref.step(x.step - ref.steps_done);
    assert.deepEqual(x, ref.inspect());
  }
  // the history is the same as without sampling
  assert.deepEqual([...a.steps.loss, ...b.steps.loss], [...ref.history.steps.loss]);
  // a time slice samples too
  const c = h.trainStep(lab, { run, ms: 2, inspect_every: 1 });
  assert.equal(c.inspects.length, c.steps.loss.length);
  assert.equal(c.inspects.at(-1).step, c.steps_done);
  ref.dispose();
  assert.throws(() => h.trainStep(lab, { run, steps: 1, inspect_every: 0 }),
    { name: 'SteplabError', message: 'trainStep: inspect_every must be an integer in [1, 1000000000], got 0' });
  assert.equal(h.trainStep(lab, { run, steps: 1, inspect_every: 2 }).steps.loss.length, 1);
  h.trainDispose(lab, { run });
});

test('inspect_every also samples a slice that trains to the end of the epoch', () => {
  const { run } = h.trainCreate(lab, { config });
  const ref = lab.createTrainer(config);
  const r = h.trainStep(lab, { run, epoch: true, inspect_every: 3 });
  assert.equal(r.epochs_done, 1);
  assert.equal(r.steps_done, ref.steps_per_epoch);
  assert.deepEqual(r.inspects.map((x) => x.step), Array.from({ length: Math.floor(ref.steps_per_epoch / 3) }, (_, i) => 3 * (i + 1)));
  ref.step(3);
  assert.deepEqual(r.inspects[0], ref.inspect());
  ref.dispose();
  h.trainDispose(lab, { run });
});
