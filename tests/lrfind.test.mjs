// lab.lrFind: the LR range test (torch-lr-finder's range_test) and fast.ai's four suggestion
// rules, on synthetic curves whose answer is known by construction, on real training runs,
// and on digits against a small learning-rate sweep.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadSteplab } from '../dist/steplab.mjs';
import { assertError, digitsBytes } from './helpers.mjs';
import { steep, valley, minimum, slide, suggest } from '../web/lib/lrfind.mjs';

const lab = await loadSteplab({ digits: digitsBytes });

const moons = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 200, noise: 0.1, seed: 3, val_fraction: 0.2 },
  model: { hidden: [16], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 },
  batch_size: 16,
  seed: 1,
  ...extra,
});
const logspace = (a, b, n) => Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
const linspace = (a, b, n) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

test('steep: the start of the segment with the most negative d loss / d log(lr)', () => {
  // flat, one drop of 0.5 between points 37 and 38, then gentle drops of 0.01
  const lrs = logspace(-7, 1, 100);
  const losses = lrs.map((_, i) => (i <= 37 ? 3 : 2.5 - 0.01 * (i - 38)));
  assert.equal(steep(lrs, losses), lrs[37]);
  // On linearly spaced lrs the log spacing shrinks: a drop of 0.05 late (at segment 40) is
  // steeper per log(lr) than a drop of 0.1 early (at segment 5), although smaller in loss.
  const lin = linspace(0.01, 1, 50);
  const l2 = lin.map((_, i) => 3 - (i > 5 ? 0.1 : 0) - (i > 40 ? 0.05 : 0));
  const slope = (i) => (l2[i + 1] - l2[i]) / Math.log(lin[i + 1] / lin[i]);
  assert.ok(slope(40) < slope(5));
  assert.equal(steep(lin, l2), lin[40]);
  assert.equal(steep([1], [1]), null);
});

test('valley: fast.ai index into the longest strictly decreasing subsequence', () => {
  // 20 flat points at 3, a strict descent over points 20..60 (3 - 0.05 (i - 19)), then a rise.
  // The longest decreasing subsequence is one flat point + the 41 descending ones: lds = 42,
  // ending at 60; fast.ai: max_start = 60 - 42 = 18, s = (60 - 18) / 3 = 14, index 18 + 14 + 7 = 39.
  const lrs = logspace(-6, 0, 80);
  const losses = lrs.map((_, i) => (i < 20 ? 3 : i <= 60 ? 3 - 0.05 * (i - 19) : 1 + 0.1 * (i - 60)));
  assert.equal(valley(lrs, losses), lrs[18 + 14 + 7]);
  // A curve that only rises: every lds is 1, max_start = -1 and fast.ai's index -1 is the last point.
  assert.equal(valley([1, 2, 3, 4], [1, 2, 3, 4]), 4);
});

test('minimum: one tenth of the lr at the lowest loss', () => {
  const lrs = logspace(-5, 1, 61);
  const losses = lrs.map((lr) => (Math.log10(lr) + 2.5) ** 2 + 1); // lowest at 10^-2.5 = lrs[25]
  assert.equal(minimum(lrs, losses), lrs[25] / 10);
});

test('slide: the left point where two points 15 apart stop differing in slope by more than 0.005', () => {
  // slope -0.01 per point up to point 50, then 0.002 (i - 50)^2 on top: numpy.gradient gives -0.01
  // at 1..49, then -0.009 at 50, -0.006 at 51, -0.002 at 52, rising beyond. Sliding left from
  // (n - 16, n - 1), the first pair whose gradients differ by at most 0.005 is (36, 51); the
  // suggestion is the previous left point, lrs[37].
  const lrs = logspace(-5, 1, 80);
  const losses = lrs.map((_, i) => 3 - 0.01 * i + (i > 50 ? 0.002 * (i - 50) ** 2 : 0));
  assert.equal(slide(lrs, losses), lrs[37]);
  assert.equal(slide(lrs.slice(0, 15), losses.slice(0, 15)), null); // needs 16 points
});

test('suggest: rules see the curve without its first num_iter / 10 and last 5 points', () => {
  const lrs = Float64Array.from(logspace(-7, 1, 100));
  // the lowest point is among the last 5 and the steepest drop among the first 10: both ignored
  const sm = Float64Array.from(lrs, (_, i) => (i < 3 ? 9 : i >= 97 ? 0 : 2 + 0.01 * Math.abs(i - 60)));
  const s = suggest(lrs, sm, 100);
  assert.equal(s.minimum, lrs[60] / 10);
  assert.ok(s.steep >= lrs[10] && s.steep < lrs[95], `steep ${s.steep}`);
  assert.equal(s.steep, steep(Array.from(lrs.subarray(10, 95)), Array.from(sm.subarray(10, 95))));
});

test('lrs follow the exp and linear formulas exactly; losses are the steps of that schedule', () => {
  const start_lr = 1e-4;
  const end_lr = 0.5;
  const num_iter = 40;
  const o = { start_lr, end_lr, num_iter, diverge_th: 1e9 };
  const exp = lab.lrFind(moons(), o);
  const lin = lab.lrFind(moons(), { ...o, step_mode: 'linear' });
  for (const [r, f] of [[exp, (i) => start_lr * (end_lr / start_lr) ** (i / (num_iter - 1))], [lin, (i) => start_lr + ((end_lr - start_lr) * i) / (num_iter - 1)]]) {
    assert.equal(r.stopped, 'num_iter');
    assert.equal(r.lrs.length, num_iter);
    r.lrs.forEach((lr, i) => assert.ok(Math.abs(lr - f(i)) <= 1e-13 * f(i), `lr ${i}: ${lr} vs ${f(i)}`));
    // the smoothing recurrence of torch-lr-finder
    r.smoothed.forEach((s, i) => assert.equal(s, i ? 0.05 * r.losses[i] + 0.95 * r.smoothed[i - 1] : r.losses[0]));
  }
  assert.equal(exp.lrs[0], start_lr);
  assert.ok(Math.abs(exp.lrs[num_iter - 1] - end_lr) < 1e-15);
  // The same run as plain training with ExponentialLR stepped per batch (lr_i = start_lr * gamma^i):
  // the losses agree to float32 rounding of the lr.
  const run = lab.createTrainer({ ...moons(), optimizer: { type: 'SGD', lr: start_lr, momentum: 0.9 }, epochs: 100,
    scheduler: { type: 'ExponentialLR', gamma: (end_lr / start_lr) ** (1 / (num_iter - 1)) }, scheduler_interval: 'step' });
  run.step(num_iter);
  const want = run.history.steps.loss;
  run.dispose();
  exp.losses.forEach((l, i) => assert.ok(Math.abs(l - want[i]) <= 1e-5 * Math.abs(want[i]), `loss ${i}: ${l} vs ${want[i]}`));
  assert.notDeepEqual(Array.from(exp.losses), Array.from(lin.losses));
});

test('the test stops when the smoothed loss passes diverge_th times the best', () => {
  const r = lab.lrFind(moons(), { start_lr: 1e-3, end_lr: 1e3, num_iter: 100, smooth_f: 0.3, diverge_th: 2 });
  assert.equal(r.stopped, 'diverged');
  const n = r.smoothed.length;
  assert.ok(n > 10 && n < 100, `stopped after ${n} steps`);
  const best = (k) => Math.min(...r.smoothed.subarray(0, k + 1));
  for (let i = 0; i < n - 1; i++) assert.ok(r.smoothed[i] <= 2 * best(i), `point ${i} should not have stopped the test`);
  assert.ok(r.smoothed[n - 1] > 2 * best(n - 1));
  for (const k of ['steep', 'valley', 'minimum', 'slide']) assert.ok(r.suggestions[k] > 0, k);
  // torch-lr-finder's default threshold on the same run: it goes further before stopping
  const loose = lab.lrFind(moons(), { start_lr: 1e-3, end_lr: 1e3, num_iter: 100, smooth_f: 0.3, diverge_th: 50 });
  assert.ok(loose.lrs.length > n);
  assert.deepEqual(loose.losses.subarray(0, n), r.losses);
});

test('a range test whose model outputs overflow stops as diverged, with finite curves', () => {
  const cfg = { dataset: { name: 'spirals', n_samples: 200 }, model: { hidden: [16, 16], activation: 'relu' },
    loss: { type: 'CrossEntropyLoss' }, optimizer: { type: 'SGD', lr: 1, momentum: 0.9 }, batch_size: 16 };
  const r = lab.lrFind(cfg, { start_lr: 1, end_lr: 1e12, num_iter: 200, diverge_th: 1e30 });
  assert.equal(r.stopped, 'diverged');
  assert.ok(r.lrs.length > 10 && r.lrs.length < 200, `${r.lrs.length} points`);
  for (const a of [r.lrs, r.losses, r.smoothed]) assert.ok(a.every(Number.isFinite));
});

test('seeds: one run per seed, the first one on top, spread of the suggestions', () => {
  const o = { start_lr: 1e-4, end_lr: 10, num_iter: 60 };
  const r = lab.lrFind(moons(), { ...o, seeds: [4, 5, 6] });
  assert.equal(r.runs.length, 3);
  assert.deepEqual(r.runs.map((x) => x.seed), [4, 5, 6]);
  assert.deepEqual(r.losses, r.runs[0].losses);
  assert.deepEqual(r.suggestions, r.runs[0].suggestions);
  // each run is the single-seed test with that seed
  const single = lab.lrFind(moons({ seed: 5 }), o);
  assert.deepEqual(single.losses, r.runs[1].losses);
  assert.deepEqual(single.suggestions, r.runs[1].suggestions);
  assert.notDeepEqual(r.runs[0].losses, r.runs[1].losses);
  for (const k of ['steep', 'valley', 'minimum', 'slide']) {
    const v = r.runs.map((x) => x.suggestions[k]).sort((a, b) => a - b);
    assert.deepEqual(r.spread[k], { min: v[0], median: v[1], max: v[2] }, k);
  }
  assert.equal(lab.lrFind(moons(), o).runs, undefined);
});

test('deterministic, and no other trainer is touched', () => {
  const cfg = moons({ epochs: 20 });
  const a = lab.createTrainer(cfg);
  const b = lab.createTrainer(cfg);
  a.step(7);
  b.step(7);
  const before = a.save();
  const r1 = lab.lrFind(moons(), { num_iter: 50 });
  const r2 = lab.lrFind(moons(), { num_iter: 50 });
  assert.deepEqual(r1, r2);
  assert.deepEqual(a.save(), before);
  a.step(30);
  b.step(30);
  assert.deepEqual(a.save(), b.save());
  assert.deepEqual(a.history.steps.loss, b.history.steps.loss);
  a.dispose();
  b.dispose();
});

test('bad options and configs name the field, then lrFind still works', () => {
  const cfg = moons();
  assertError(() => lab.lrFind(cfg, { start_lr: 1, end_lr: 0.5 }), 'lrFind: end_lr', 'start_lr (1)', 'got 0.5');
  assertError(() => lab.lrFind(cfg, { start_lr: 0 }), 'lrFind: start_lr', 'got 0');
  assertError(() => lab.lrFind(cfg, { start_lr: NaN }), 'lrFind: start_lr');
  assertError(() => lab.lrFind(cfg, { num_iter: 1 }), 'lrFind: num_iter', '[2, 100000]', 'got 1');
  assertError(() => lab.lrFind(cfg, { num_iter: 1e9 }), 'lrFind: num_iter', 'got 1000000000');
  assertError(() => lab.lrFind(cfg, { num_iter: 10.5 }), 'lrFind: num_iter');
  assertError(() => lab.lrFind(cfg, { step_mode: 'cos' }), 'lrFind: step_mode', "'exp' or 'linear'", "got 'cos'");
  assertError(() => lab.lrFind(cfg, { smooth_f: 1 }), 'lrFind: smooth_f', '[0, 1)', 'got 1');
  assertError(() => lab.lrFind(cfg, { smooth_f: -0.1 }), 'lrFind: smooth_f');
  assertError(() => lab.lrFind(cfg, { diverge_th: 1 }), 'lrFind: diverge_th', '> 1', 'got 1');
  assertError(() => lab.lrFind(cfg, { seeds: [1, 2.5] }), 'lrFind: seeds[1]', 'got 2.5');
  assertError(() => lab.lrFind(cfg, { seeds: [] }), 'lrFind: seeds', 'an array of 0');
  assertError(() => lab.lrFind(cfg, { seeds: 3 }), 'lrFind: seeds', 'got 3');
  assertError(() => lab.lrFind(cfg, { num_iters: 5 }), 'lrFind: num_iters is not an option');
  assertError(() => lab.lrFind(cfg, 'fast'), 'lrFind: options');
  assertError(() => lab.lrFind(null), 'lrFind: config');
  assertError(() => lab.lrFind({ ...cfg, optimizer: 'SGD' }), 'lrFind: optimizer');
  assertError(() => lab.lrFind({ ...cfg, optimizer: { type: 'SGDD' } }), 'SGDD');
  assertError(() => lab.lrFind({ ...cfg, model: { hidden: [-3] } }), 'hidden');
  const r = lab.lrFind(cfg, { num_iter: 20 });
  assert.equal(r.lrs.length + (r.stopped === 'diverged' ? 1 : 0) >= 2, true);
});

test('digits: the valley suggestion is within 10x of the best lr of a sweep', () => {
  // valley is fast.ai's default suggestion; on this noisy short test it is also the most stable
  // rule across seeds. Adam, 2 epochs per lr, lrs 1e-5 .. 1, best = lowest final validation loss.
  const cfg = {
    dataset: { name: 'digits', val_fraction: 0.2 },
    model: { hidden: [32], activation: 'relu', init: 'he' },
    loss: { type: 'CrossEntropyLoss' },
    optimizer: { type: 'Adam', lr: 1e-3 },
    batch_size: 32,
    seed: 0,
  };
  const sweep = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1].map((lr) => {
    const run = lab.createTrainer({ ...cfg, optimizer: { type: 'Adam', lr }, epochs: 2 });
    try {
      run.fit();
      const v = run.history.epochs.val_loss.at(-1);
      return { lr, val: Number.isFinite(v) ? v : Infinity };
    } catch {
      return { lr, val: Infinity };
    } finally {
      run.dispose();
    }
  });
  const best = sweep.reduce((a, b) => (b.val < a.val ? b : a));
  const r = lab.lrFind(cfg, { seeds: [0, 1, 2] });
  for (const run of r.runs) {
    const v = run.suggestions.valley;
    assert.ok(Math.abs(Math.log10(v / best.lr)) <= 1, `seed ${run.seed}: valley ${v} vs best swept lr ${best.lr} (${JSON.stringify(sweep)})`);
  }
  // the sweep is not degenerate: the best lr beats both ends by far
  assert.ok(best.val < 0.5 * sweep[0].val && best.val < 0.5 * Math.min(sweep[5].val, sweep[4].val));
});
