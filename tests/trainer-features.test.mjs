// lab.createTrainer's teaching features: batch_size_schedule, scheduler_order,
// metric learning (ContrastiveLoss / TripletMarginLoss with an embedding head,
// run.embed) and run.inspect(), each against values computed here from their
// definitions, plus save/restore and bad configs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab, assertClose, assertError } from './helpers.mjs';

const moons = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 200, noise: 0.1, seed: 3, val_fraction: 0.2 },
  model: { hidden: [8], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 },
  batch_size: 16,
  epochs: 6,
  seed: 1,
  ...extra,
});

const blobs = (extra = {}) => ({
  dataset: { name: 'blobs', n_samples: 240, centers: 4, seed: 2, val_fraction: 0.25 },
  model: { hidden: [16], activation: 'tanh', init: 'xavier' },
  loss: { type: 'TripletMarginLoss' },
  optimizer: { type: 'Adam', lr: 0.01 },
  batch_size: 30,
  epochs: 12,
  seed: 1,
  ...extra,
});

function withRun(config, fn) {
  const run = lab.createTrainer(config);
  try {
    return fn(run);
  } finally {
    run.dispose();
  }
}

// history and weights of a whole run, for bit-identical comparisons
const whole = (cfg) => withRun(cfg, (run) => { run.fit(); return { h: run.history, w: run.weights() }; });

test('batch_size_schedule: B times gamma at each milestone epoch, steps per epoch follow; gamma 1 is the plain trainer', () => {
  withRun(moons({ batch_size_schedule: { milestones: [2, 4], gamma: 2 } }), (run) => {
    const seen = [];
    while (!run.done) {
      const before = run.steps_done;
      const b = run.batch_size, spe = run.steps_per_epoch;
      assert.equal(run.epoch(), spe);
      assert.equal(run.steps_done - before, Math.ceil(160 / b));
      seen.push([b, spe]);
    }
    assert.deepEqual(seen, [[16, 10], [16, 10], [32, 5], [32, 5], [64, 3], [64, 3]]);
    assert.equal(run.history.steps.loss.length, 36);
  });
  // rounding and clamping: 5 * 0.5 = 2.5 -> 3, then 1.5 -> 2; 100 x is clamped to the training rows
  withRun(moons({ batch_size: 5, batch_size_schedule: { milestones: [1, 2], gamma: 0.5 } }), (run) => {
    const b = [];
    while (!run.done) { b.push(run.batch_size); run.epoch(); }
    assert.deepEqual(b, [5, 3, 2, 2, 2, 2]);
  });
  withRun(moons({ batch_size_schedule: { milestones: [0], gamma: 100 } }), (run) => {
    assert.equal(run.batch_size, 160);
    assert.equal(run.steps_per_epoch, 1);
  });
  // where they must coincide: gamma 1, and milestones past the last epoch
  const plain = whole(moons());
  assert.deepEqual(whole(moons({ batch_size_schedule: { milestones: [1, 3], gamma: 1 } })), plain);
  assert.deepEqual(whole(moons({ batch_size_schedule: { milestones: [6] } })), plain);
  // saved mid-epoch after a milestone, the restored run keeps the batch and continues bit-identically
  const cfg = moons({ batch_size_schedule: { milestones: [1, 3], gamma: 2 } });
  const ref = whole(cfg);
  for (const at of [12, 25]) {
    const run = lab.createTrainer(cfg);
    run.step(at);
    const back = lab.restoreTrainer(run.save());
    assert.equal(back.batch_size, run.batch_size);
    run.dispose();
    back.fit();
    assert.deepEqual({ h: back.history, w: back.weights() }, ref, `saved at step ${at}`);
    back.dispose();
  }
});

test('scheduler_order before: the scheduler steps first, so the first lr is never used', () => {
  const scheduler = { type: 'StepLR', step_size: 3, gamma: 0.5 };
  const lrs = lab.schedule({ ...scheduler, lr: 0.1 }, 25);
  const get = (order) => withRun(moons({ scheduler, scheduler_order: order }), (run) => { run.step(20); return Array.from(run.history.steps.lr); });
  assert.deepEqual(get('after'), Array.from(lrs.subarray(0, 20)));
  const before = get('before');
  assert.equal(before[0], lrs[1]);
  assert.deepEqual(before, Array.from(lrs.subarray(1, 21)));
  // without a scheduler the order changes nothing; with one stepped per epoch, or ReduceLROnPlateau, 'before'
  // has no meaning and is refused, naming the field (gap 7)
  assert.deepEqual(whole(moons({ scheduler_order: 'before' })), whole(moons()));
  const ep = { scheduler: { type: 'ExponentialLR', gamma: 0.9 }, scheduler_interval: 'epoch' };
  assertError(() => lab.createTrainer(moons({ ...ep, scheduler_order: 'before' })), "Trainer: scheduler_order 'before' means",
    "with scheduler_interval 'epoch'");
  assertError(() => lab.createTrainer(moons({ scheduler: { type: 'ReduceLROnPlateau' }, scheduler_order: 'before' })),
    "Trainer: scheduler_order 'before' means", 'ReduceLROnPlateau steps once per epoch');
});

// The tuples of the rule in c/train/train.h, built here from the labels (and for mining,
// the squared distances d(i, j) of the embeddings).
function tuples(y, triplets, mining = 'random', d = null) {
  const n = y.length, out = [];
  for (let i = 0; i < n; i++) {
    let pos = -1, neg = -1;
    for (let s = 1; s < n && (pos < 0 || neg < 0); s++) {
      const j = (i + s) % n;
      if (y[j] === y[i]) { if (pos < 0) pos = j; } else if (neg < 0) neg = j;
    }
    if (mining !== 'random' && neg >= 0) {
      // hard: the nearest other-label row; semi-hard: the nearest farther than the positive, else the farthest
      const others = [...y.keys()].filter((j) => y[j] !== y[i]);
      const dap = pos >= 0 ? d(i, pos) : 0;
      const ok = others.filter((j) => mining === 'hard' || d(i, j) > dap);
      const pick = (js, better) => js.reduce((b, j) => (better(d(i, j), d(i, b)) ? j : b), js[0]);
      neg = ok.length ? pick(ok, (a, b) => a < b) : pick(others, (a, b) => a > b);
    }
    if (triplets) { if (pos >= 0 && neg >= 0) out.push([i, pos, neg]); continue; }
    if (pos >= 0) out.push([i, pos, 0]);
    if (neg >= 0) out.push([i, neg, 1]);
  }
  return out;
}

test('metric learning: the first full-batch loss is the loss of the tuples formed from the labels', () => {
  const ds = lab.dataset(blobs().dataset);
  const X = ds.X.subarray(0, ds.n_train * 2);
  const y = Array.from(ds.y.subarray(0, ds.n_train));
  const first = {};
  for (const [type, mining] of [['TripletMarginLoss', 'random'], ['ContrastiveLoss', 'random'], ['TripletMarginLoss', 'hard'],
    ['TripletMarginLoss', 'semi-hard'], ['ContrastiveLoss', 'semi-hard']]) {
    withRun(blobs({ loss: { type, margin: 1 }, batch_size: 'full', shuffle: false, mining }), (run) => {
      assert.equal(run.task, 'embedding');
      const e = run.embed(X);
      const row = (i) => Array.from(e.subarray(2 * i, 2 * i + 2));
      const d = (i, j) => (e[2 * i] - e[2 * j]) ** 2 + (e[2 * i + 1] - e[2 * j + 1]) ** 2;
      const tri = type === 'TripletMarginLoss';
      const tu = tuples(y, tri, mining, d);
      const want = tri
        ? lab.loss({ type }, [tu.map((t) => row(t[0])), tu.map((t) => row(t[1])), tu.map((t) => row(t[2]))]).value
        : lab.loss({ type }, [tu.map((t) => row(t[0])), tu.map((t) => row(t[1]))], tu.map((t) => t[2])).value;
      run.step(1);
      assertClose([run.history.steps.loss[0]], [want], 1e-6, `${type} ${mining}: first loss`);
      first[`${type} ${mining}`] = want;
      assert.equal(run.evaluate('train').loss > 0, true);
    });
  }
  // the same positives with nearer negatives: a larger triplet loss
  assert.ok(first['TripletMarginLoss hard'] > first['TripletMarginLoss random'] * 1.5, JSON.stringify(first));
});

test('metric learning: triplet and contrastive runs organise blobs by class (nearest-centroid accuracy)', () => {
  for (const type of ['TripletMarginLoss', 'ContrastiveLoss']) {
    withRun(blobs({ loss: { type } }), (run) => {
      assert.equal(run.task, 'embedding');
      assert.equal(run.n_outputs, 2);
      const start = run.evaluate('train').loss;
      run.fit();
      const h = run.history.epochs;
      assert.deepEqual(Object.keys(h), ['train_loss', 'val_loss', 'train_accuracy', 'val_accuracy', 'lr']);
      assert.ok(h.train_loss.at(-1) < start / 2, `${type}: train loss ${start} -> ${h.train_loss.at(-1)}`);
      const ev = run.evaluate('val');
      assert.ok(ev.accuracy >= 0.9, `${type}: val accuracy ${ev.accuracy}`);
      assert.equal(ev.accuracy, h.val_accuracy.at(-1));
      assert.equal(ev.confusion.flat().reduce((a, b) => a + b, 0), 60);
      // predict: softmax of minus the squared distances to the class centroids
      const p = run.predict([[0, 0], [1, -1]]);
      assert.equal(p.length, 8);
      assert.ok(Math.abs(p.subarray(0, 4).reduce((a, b) => a + b, 0) - 1) < 1e-5);
    });
  }
});

test('metric learning: embed() shape, determinism, embedding_dim, and save/restore mid-run', () => {
  const cfg = blobs({ model: { hidden: [8], activation: 'relu', embedding_dim: 3 }, epochs: 3 });
  const X = [[0, 0], [1, 2], [-1, 0.5], [2, 2], [0.1, -3]];
  const a = withRun(cfg, (run) => { run.step(10); return run.embed(X); });
  const b = withRun(cfg, (run) => { run.step(10); return run.embed(X); });
  assert.ok(a instanceof Float32Array && a.length === 15);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, withRun({ ...cfg, seed: 2 }, (run) => { run.step(10); return run.embed(X); }));
  // for the other tasks embed() is the last layer's outputs: the logits under predict's sigmoid
  withRun(moons(), (run) => {
    run.step(3);
    const logits = run.embed(X), probs = run.predict(X);
    logits.forEach((z, i) => assert.ok(Math.abs(1 / (1 + Math.exp(-z)) - probs[i]) < 1e-6));
  });
  const ref = whole(cfg);
  for (const type of ['TripletMarginLoss', 'ContrastiveLoss']) {
    const c = { ...cfg, loss: { type } };
    const full = whole(c);
    if (type === 'TripletMarginLoss') assert.deepEqual(full, ref);
    const run = lab.createTrainer(c);
    run.step(13);
    const back = lab.restoreTrainer(run.save());
    run.dispose();
    assert.equal(back.task, 'embedding');
    back.fit();
    assert.deepEqual({ h: back.history, w: back.weights() }, full, `${type} saved at step 13`);
    back.dispose();
  }
});

test('metric learning: bad configs name their field', () => {
  assertError(() => lab.createTrainer(blobs({ dataset: { name: 'sine' } })), 'Trainer: loss TripletMarginLoss', 'regression');
  assertError(() => lab.createTrainer(blobs({ loss: { type: 'ContrastiveLoss' }, dataset: { name: 'plane' } })), 'Trainer: loss ContrastiveLoss');
  assertError(() => lab.createTrainer(blobs({ model: { hidden: [4], embedding_dim: 0 } })), 'model: embedding_dim', 'got 0');
  assertError(() => lab.createTrainer(blobs({ model: { hidden: [4], embedding_dim: 1.5 } })), 'model: embedding_dim');
  assertError(() => lab.createTrainer(blobs({ loss: { type: 'TripletMarginLoss', reduction: 'none' } })), 'Trainer: loss must reduce');
  assertError(() => lab.createTrainer(moons({ batch_size: 'full', batch_size_schedule: { milestones: [1] } })), 'Trainer: batch_size_schedule needs a numeric batch_size');
  assertError(() => lab.createTrainer(moons({ batch_size_schedule: { gamma: 2 } })), 'batch_size_schedule: milestones is required');
  assertError(() => lab.createTrainer(moons({ batch_size_schedule: { milestones: [1.5] } })), 'batch_size_schedule: milestones [0] must be an integer epoch, got 1.5');
  assertError(() => lab.createTrainer(moons({ batch_size_schedule: { milestones: [1], gamma: 0 } })), 'batch_size_schedule: gamma', 'got 0');
  assertError(() => lab.createTrainer(moons({ batch_size_schedule: [1, 2] })), 'batch_size_schedule must be an object');
  assertError(() => lab.createTrainer(moons({ scheduler_order: 'first' })), 'Trainer: scheduler_order must be one of');
  assertError(() => lab.createTrainer(blobs({ mining: 'hardest' })), 'Trainer: mining must be one of');
  withRun(blobs({ model: { hidden: [4], embedding_dim: 1 } }), (run) => assert.equal(run.step(2), 2));
});

// A linear model (no hidden layer) on explicit rows with MSELoss and a full batch: its
// gradient is 2/n sum (w.x + b - y) x and 2/n sum (w.x + b - y), computed here.
const linear = (optimizer) => ({
  dataset: { X: [[1, 2], [-1, 0.5], [0.3, -2], [2, 1]], y: [1, -2, 0.5, 3], task: 'regression', val_fraction: 0, standardize: false },
  model: { hidden: [], init_weights: [{ W: [[0.5, -0.25]], b: [0.1] }] },
  loss: { type: 'MSELoss' },
  optimizer,
  batch_size: 'full',
  epochs: 5,
  shuffle: false,
});
function linearGrad() {
  const { X, y } = linear().dataset;
  const g = [0, 0, 0];
  X.forEach((x, i) => {
    const r = (2 / X.length) * (0.5 * x[0] - 0.25 * x[1] + 0.1 - y[i]);
    g[0] += r * x[0]; g[1] += r * x[1]; g[2] += r;
  });
  return g;
}
const rms = (v) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
const norm = (v) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));

test('inspect: SGD without momentum, update = lr * grad and effective_lr = lr', () => {
  withRun(moons({ optimizer: { type: 'SGD', lr: 0.1 } }), (run) => {
    const before = run.inspect();
    assert.equal(before.step, 0);
    assert.deepEqual(before.layers.map((l) => [l.name, l.numel]), [['fc1.weight', 16], ['fc1.bias', 8], ['fc2.weight', 8], ['fc2.bias', 1]]);
    assert.equal(before.layers[0].effective_lr, null);
    run.step(3);
    const w0 = run.weights();
    run.step(1);
    const w1 = run.weights();
    const r = run.inspect();
    assert.equal(r.step, 4);
    const flatL = (w, l, bias) => (bias ? Array.from(w[l].b) : w[l].W.flatMap((row) => Array.from(row)));
    r.layers.forEach((L, t) => {
      const l = t >> 1, bias = t & 1;
      const d = flatL(w1, l, bias).map((v, i) => v - flatL(w0, l, bias)[i]);
      assertClose([L.update_norm], [norm(d)], 1e-6, `${L.name} update_norm`);
      assertClose([L.update_norm], [0.1 * L.grad_norm], 1e-4, `${L.name} update = lr * grad`);
      assertClose([L.weight_norm], [norm(flatL(w1, l, bias))], 1e-6, `${L.name} weight_norm`);
      assert.equal(L.effective_lr, 0.1);
      assert.equal(L.update_ratio, L.update_norm / L.weight_norm);
      assert.equal(L.m_rms, null);
      assert.equal(L.v_rms, null);
    });
  });
  withRun(moons({ optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 } }), (run) => {
    run.step(1);
    // first step: the momentum buffer is the gradient
    run.inspect().layers.forEach((L) => assertClose([L.m_rms * Math.sqrt(L.numel)], [L.grad_norm], 1e-6, L.name));
  });
});

test('inspect: Adam after one step, effective_lr = mean lr / (sqrt(v_hat) + eps) from the gradient', () => {
  const g = linearGrad();
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  for (const bias_correction of [true, false]) {
    withRun(linear({ type: 'Adam', lr, bias_correction }), (run) => {
      run.step(1);
      const [W, b] = run.inspect().layers;
      const gw = g.slice(0, 2), gb = g.slice(2);
      assertClose([W.grad_norm, b.grad_norm], [norm(gw), norm(gb)], 1e-6, 'gradient');
      // v1 = (1 - b2) g^2, v_hat = v1 / (1 - b2) with bias correction
      const vhat = (x) => (bias_correction ? x * x : (1 - b2) * x * x);
      const eff = (gs) => gs.reduce((a, x) => a + lr / (Math.sqrt(vhat(x)) + eps), 0) / gs.length;
      assertClose([W.effective_lr, b.effective_lr], [eff(gw), eff(gb)], 1e-5, `effective_lr, bias_correction ${bias_correction}`);
      assertClose([W.m_rms, W.v_rms], [(1 - b1) * rms(gw), (1 - b2) * rms(gw.map((x) => x * x))], 1e-5, 'moments');
      // the first update: lr m_hat / (sqrt(v_hat) + eps), i.e. lr per element with bias correction
      const upd = gw.map((x) => (lr * (bias_correction ? x : (1 - b1) * x)) / (Math.sqrt(vhat(x)) + eps));
      assertClose([W.update_norm], [norm(upd)], 1e-4, 'update');
    });
  }
  // RMSprop and Adagrad report their square averages as v; save/restore keeps what inspect reads
  for (const optimizer of [{ type: 'RMSprop', lr: 0.01 }, { type: 'Adagrad', lr: 0.1 }]) {
    withRun(linear(optimizer), (run) => {
      run.step(1);
      const [W] = run.inspect().layers;
      const v = optimizer.type === 'RMSprop' ? g.slice(0, 2).map((x) => 0.01 * x * x) : g.slice(0, 2).map((x) => x * x);
      assertClose([W.v_rms], [rms(v)], 1e-5, `${optimizer.type} v`);
      assertClose([W.effective_lr], [v.reduce((a, x) => a + optimizer.lr / (Math.sqrt(x) + (optimizer.type === 'RMSprop' ? 1e-8 : 1e-10)), 0) / 2], 1e-5, `${optimizer.type} effective_lr`);
      assert.equal(W.m_rms, null);
      run.step(1);
      const back = lab.restoreTrainer(run.save());
      assert.deepEqual(back.inspect(), run.inspect());
      back.dispose();
    });
  }
});
