// Numeric edges: denormals, ±Infinity and NaN in inputs, learning rates of
// 1e-38 and 1e38, the smallest data sets, batch = N, widths of 1 and 256. The
// rule everywhere: no crash, no NaN in any output array, and either a result,
// a clear status ('diverged') or a SteplabError naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lab, assertError, SteplabError } from './helpers.mjs';

const finite = (a) => Array.from(a).every(Number.isFinite);
const noNaN = (a) => !Array.from(a).some(Number.isNaN);

// Runs fn; a thrown error must be a SteplabError with a message, never anything else.
function resultOrError(fn) {
  try {
    return fn();
  } catch (e) {
    assert.ok(e instanceof SteplabError, `expected a SteplabError, got ${e?.stack || e}`);
    assert.match(e.message, /^[A-Za-z_]+\S*: .+/);
    return e;
  }
}

// Every array in a trainer's history is finite, whatever happened.
function checkHistory(run, label) {
  for (const [k, v] of Object.entries(run.history.steps)) assert.ok(finite(v), `${label}: steps.${k} holds a non-finite value`);
  for (const [k, v] of Object.entries(run.history.epochs)) {
    if (k.startsWith('val_') && run.history.epochs.val_loss.every(Number.isNaN)) continue; // no validation split
    assert.ok(finite(v), `${label}: epochs.${k} holds a non-finite value`);
  }
}

const small = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 64, val_fraction: 0.25 }, model: { hidden: [8], activation: 'tanh' },
  loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, batch_size: 16, epochs: 3, ...extra,
});

test('learning rates of 1e-38 and 1e38 for every optimizer: a finite history and a status, never NaN', () => {
  for (const type of lab.optimizers) {
    for (const lr of [1e-38, 1e38]) {
      const label = `${type} lr ${lr}`;
      const run = resultOrError(() => lab.createTrainer(small({ optimizer: { type, lr }, epochs: 4 })));
      if (run instanceof Error) {
        // L-BFGS re-evaluates the loss inside its step, which the trainer's loop does not offer
        assert.match(run.message, type === 'LBFGS' ? /LBFGS needs a closure/ : /\blr\b/, `${label}: ${run.message}`);
        continue;
      }
      try {
        const r = resultOrError(() => run.fit());
        if (r instanceof Error) assert.fail(`${label}: fit threw ${r.message}`);
        assert.ok(['done', 'diverged'].includes(run.status), `${label}: ${run.status}`);
        checkHistory(run, label);
        if (run.status === 'done') {
          assert.ok(finite(run.predict([[0, 0], [1, -1]])), `${label}: predictions`);
          assert.ok(run.weights().every((l) => finite(l.b) && l.W.every(finite)), `${label}: weights`);
        }
      } finally {
        run.dispose();
      }
    }
  }
});

test('denormal, huge and non-finite inputs: trained on, or refused naming the row and column', () => {
  const X = Array.from({ length: 40 }, (_, i) => [((i % 7) - 3) * 1e-41, i % 2 ? 3e38 : -3e38]);
  const y = X.map((_, i) => i % 2);
  const run = lab.createTrainer({ ...small(), dataset: { X, y, task: 'binary', val_fraction: 0.25 } });
  run.fit();
  assert.ok(['done', 'diverged'].includes(run.status));
  checkHistory(run, 'denormal and 3e38 features');
  run.dispose();
  const raw = lab.createTrainer({ ...small(), dataset: { X, y, task: 'binary', standardize: false } });
  raw.fit();
  checkHistory(raw, 'unstandardised 3e38 features');
  raw.dispose();
  for (const bad of [NaN, Infinity, -Infinity, 1e39]) {
    const Xb = X.map((r) => r.slice());
    Xb[5][1] = bad;
    assertError(() => lab.createTrainer({ ...small(), dataset: { X: Xb, y, task: 'binary' } }), 'row 5, column 1 must be a finite number');
  }
  const ok = lab.createTrainer(small());
  for (const bad of [NaN, Infinity]) assertError(() => ok.predict([[0, bad]]), 'X row 0, column 1 must be a finite number');
  assert.ok(finite(ok.predict([[1e-45, -1e-45], [3e38, -3e38]])));
  ok.dispose();
  // losses and schedules at the edges
  const l = resultOrError(() => lab.loss({ type: 'MSELoss' }, [1e-45, 3e38, -3e38], [0, 0, 0]));
  if (!(l instanceof Error)) assert.ok(noNaN([l.value]) && noNaN(l.grad));
  assertError(() => lab.loss({ type: 'MSELoss' }, [NaN, 1], [0, 0]), 'must be a finite number');
  for (const lr of [1e-38, 1e38]) {
    for (const type of ['StepLR', 'CosineAnnealingLR', 'OneCycleLR', 'ExponentialLR', 'CyclicLR']) {
      const spec = { type, lr, step_size: 3, T_max: 10, max_lr: lr, total_steps: 20, gamma: 0.5, base_lr: lr / 10 };
      const s = resultOrError(() => lab.schedule(Object.fromEntries(Object.entries(spec).filter(([k]) => lab.registry.schedulers.find((x) => x.name === type).params.some((p) => p.name === k) || k === 'type' || k === 'lr')), 20));
      if (!(s instanceof Error)) assert.ok(finite(s), `${type} at lr ${lr}`);
    }
  }
});

test('the smallest data sets, batch = N, and widths of 1 and 256', () => {
  // two rows is the least explicit data; one row is refused naming X
  assertError(() => lab.createTrainer({ ...small(), dataset: { X: [[1, 2]], y: [1], task: 'binary' } }), 'dataset: X must have 2 to');
  const two = lab.createTrainer({ ...small(), dataset: { X: [[0, 0], [1, 1]], y: [0, 1], task: 'binary', val_fraction: 0 }, batch_size: 2, epochs: 20 });
  two.fit();
  assert.equal(two.status, 'done');
  assert.equal(two.steps_done, 20);
  checkHistory(two, 'two rows');
  two.dispose();
  // batch = N is gradient descent: one step per epoch; N + 1 is too (PyTorch's DataLoader gives one smaller batch)
  const d = lab.dataset({ name: 'moons', n_samples: 64, val_fraction: 0.25 });
  const full = lab.createTrainer(small({ batch_size: d.n_train }));
  full.fit();
  assert.equal(full.steps_done, 3);
  const over = lab.createTrainer(small({ batch_size: d.n_train + 1 }));
  over.fit();
  assert.deepEqual(over.history, full.history);
  full.dispose();
  over.dispose();
  assertError(() => lab.createTrainer(small({ batch_size: 0 })), 'batch_size');
  // widths 1 and 256, one and several layers
  for (const hidden of [[1], [256], [1, 1, 1], [256, 256], []]) {
    const run = lab.createTrainer(small({ model: { hidden, activation: 'relu' } }));
    run.fit();
    assert.equal(run.status, 'done', `hidden ${hidden}`);
    checkHistory(run, `hidden ${hidden}`);
    assert.ok(finite(run.predict([[0.5, -0.5]])));
    run.dispose();
  }
  assertError(() => lab.createTrainer(small({ model: { hidden: [0] } })), 'hidden');
  assertError(() => lab.createTrainer(small({ model: { hidden: [4097] } })), 'hidden');
  // after all these errors everything still works
  const again = lab.createTrainer(small());
  again.fit();
  assert.equal(again.status, 'done');
  again.dispose();
});

test('an optimizer trace at lr 1e38 stops as diverged with a finite path', () => {
  for (const type of lab.optimizers) {
    const t = resultOrError(() => lab.trace({ fn: 'rosenbrock', start: [-1.5, 2], optimizer: { type, lr: 1e38 }, steps: 50 }));
    if (t instanceof Error) {
      assert.match(t.message, /lr/, `${type}: ${t.message}`);
      continue;
    }
    assert.ok(finite(t.x) && finite(t.y) && finite(t.loss), `${type}: a non-finite point in the path`);
  }
});
