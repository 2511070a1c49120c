// lab.lrFind: the learning-rate range test. A fresh trainer (lab.createTrainer)
// trains num_iter steps while its lr grows from start_lr to end_lr, per step,
// exponentially or linearly:
//   exp:    lr_i = start_lr * (end_lr / start_lr) ^ (i / (num_iter - 1))
//   linear: lr_i = start_lr + (end_lr - start_lr) * i / (num_iter - 1)
// The loss of each step is smoothed (smoothed_i = smooth_f * loss_i + (1 - smooth_f) * smoothed_{i-1},
// smoothed_0 = loss_0) and the test stops when smoothed_i > diverge_th * best smoothed so far,
// as torch-lr-finder's range_test does. Four suggestions are read off the smoothed curve with
// fast.ai's rules (steep, valley, minimum, slide), after fast.ai's trim of the first
// floor(num_iter / 10) and the last 5 points. The finder's trainers are its own and are
// disposed; no other trainer is touched. Work limit: the test's steps (num_iter x seeds, the
// core's estimate) within lab.registry.trainer.limits.work multiply-adds, checked before training.
import { fail, describe } from './errors.mjs';

const THING = 'lrFind';
const OPTIONS = ['start_lr', 'end_lr', 'num_iter', 'step_mode', 'smooth_f', 'diverge_th', 'seeds'];
const MAX_ITER = 100000;
const MAX_SEEDS = 64;
const SKIP_END = 5;
// The config keys the range test owns: its schedule replaces the config's, and it runs exactly num_iter steps.
const OWNED = ['scheduler', 'scheduler_interval', 'scheduler_order', 'epochs', 'early_stopping'];

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const argmin = (a) => {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] < a[k]) k = i;
  return k;
};

/** fast.ai's steep: the lr where d loss / d log(lr) is most negative (forward differences). */
export function steep(lrs, losses) {
  if (losses.length < 2) return null;
  const g = Array.from({ length: losses.length - 1 }, (_, i) => (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i])));
  return lrs[argmin(g)];
}

/**
 * fast.ai's valley: the longest strictly decreasing subsequence of the losses ends at max_end and
 * spans lds points; the suggestion sits at max_start + floor(s) + floor(s / 2), s = (max_end - max_start) / 3,
 * with max_start = max_end - lds (fast.ai's indexing, kept as is).
 */
export function valley(lrs, losses) {
  const n = losses.length;
  if (n < 1) return null;
  const lds = new Array(n).fill(1);
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
    if (lds[i] > lds[maxEnd]) maxEnd = i;
  }
  const maxStart = maxEnd - lds[maxEnd];
  const s = (maxEnd - maxStart) / 3;
  // fast.ai leans on Python's negative indexing when maxStart is -1 and the index is -1 (a curve with no descent).
  const idx = maxStart + Math.trunc(s) + Math.trunc(s / 2);
  return lrs[idx < 0 ? n + idx : idx];
}

/** fast.ai's minimum: one tenth of the lr at the lowest loss. */
export function minimum(lrs, losses) {
  return losses.length ? lrs[argmin(losses)] / 10 : null;
}

// numpy.gradient with unit spacing: central differences inside, one-sided at the ends.
function gradient(y) {
  const n = y.length;
  return Array.from({ length: n }, (_, i) => (i === 0 ? y[1] - y[0] : i === n - 1 ? y[n - 1] - y[n - 2] : (y[i + 1] - y[i - 1]) / 2));
}

/**
 * fast.ai's slide: two points lr_diff apart slide left from the end of the curve while their
 * loss gradients (per point) differ by more than thresh; the suggestion is the left point's lr
 * where they stop, times adjust_value.
 */
export function slide(lrs, losses, { lr_diff = 15, thresh = 0.005, adjust_value = 1 } = {}) {
  const n = losses.length;
  if (n <= lr_diff) return null;
  const g = gradient(losses);
  let r = n - 1;
  let l = r - lr_diff;
  let lr = lrs[l];
  while (l >= 0 && Math.abs(g[r] - g[l]) > thresh) {
    lr = lrs[l];
    r--;
    l--;
  }
  return lr * adjust_value;
}

/** The four suggestions of a recorded curve (lrs, smoothed losses) after fast.ai's trim. */
export function suggest(lrs, smoothed, num_iter) {
  let a = Math.floor(num_iter / 10);
  let b = smoothed.length - SKIP_END;
  if (b - a < 2) { a = 0; b = smoothed.length; }
  const x = Array.from(lrs.subarray(a, b));
  const y = Array.from(smoothed.subarray(a, b));
  return { steep: steep(x, y), valley: valley(x, y), minimum: minimum(x, y), slide: slide(x, y) };
}

function median(v) {
  const s = [...v].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function checkOptions(options) {
  if (options === undefined) options = {};
  if (!isObj(options)) fail(THING, 'options', `must be an object { start_lr, end_lr, num_iter, step_mode, smooth_f, diverge_th, seeds }, got ${describe(options)}`);
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k) && options[k] !== undefined) fail(THING, k, `is not an option; expected one of ${OPTIONS.join(', ')}`);
  }
  const { start_lr = 1e-7, end_lr = 10, num_iter = 100, step_mode = 'exp', smooth_f = 0.05, diverge_th = 5, seeds } = options;
  const num = (v) => typeof v === 'number' && Number.isFinite(v);
  if (!num(start_lr) || start_lr <= 0) fail(THING, 'start_lr', `must be a finite number > 0, got ${describe(start_lr)}`);
  if (!num(end_lr) || end_lr <= start_lr) fail(THING, 'end_lr', `must be a finite number > start_lr (${start_lr}), got ${describe(end_lr)}`);
  if (!Number.isInteger(num_iter) || num_iter < 2 || num_iter > MAX_ITER) fail(THING, 'num_iter', `must be an integer in [2, ${MAX_ITER}], got ${describe(num_iter)}`);
  if (step_mode !== 'exp' && step_mode !== 'linear') fail(THING, 'step_mode', `must be 'exp' or 'linear', got ${describe(step_mode)}`);
  if (!num(smooth_f) || smooth_f < 0 || smooth_f >= 1) fail(THING, 'smooth_f', `must be a number in [0, 1), got ${describe(smooth_f)}`);
  if (!num(diverge_th) || diverge_th <= 1) fail(THING, 'diverge_th', `must be a finite number > 1, got ${describe(diverge_th)}`);
  if (seeds !== undefined) {
    if (!Array.isArray(seeds) || seeds.length < 1 || seeds.length > MAX_SEEDS) fail(THING, 'seeds', `must be an array of 1 to ${MAX_SEEDS} seeds, got ${describe(seeds)}`);
    const bad = seeds.findIndex((s) => !Number.isInteger(s) || s < 0 || s > 4294967295);
    if (bad >= 0) fail(THING, `seeds[${bad}]`, `must be an integer in [0, 4294967295], got ${describe(seeds[bad])}`);
  }
  return { start_lr, end_lr, num_iter, step_mode, smooth_f, diverge_th, seeds };
}

export function install(lab) {
  // One range test on a fresh trainer; the trainer is disposed whatever happens.
  const once = (config, o) => {
    const ratio = o.end_lr / o.start_lr;
    const last = o.num_iter - 1;
    // The lr factor as a LambdaLR formula in the step count (the scheduler steps per batch).
    const lr_lambda = o.step_mode === 'exp'
      ? `${ratio} ** (epoch / ${last})`
      : `1 + ${ratio - 1} * epoch / ${last}`;
    const cfg = { ...config };
    for (const k of OWNED) delete cfg[k];
    Object.assign(cfg, {
      optimizer: { ...config.optimizer, lr: o.start_lr },
      scheduler: { type: 'LambdaLR', lr_lambda },
      scheduler_interval: 'step',
      epochs: o.num_iter,
    });
    const run = lab.createTrainer(cfg);
    try {
      // bounded work: the whole test (every seed) in one call, estimated by the core
      const work = run.work(o.num_iter) * (o.seeds?.length ?? 1);
      const limit = lab.registry.trainer.limits.work;
      if (work > limit) {
        fail(THING, 'num_iter', `of ${o.num_iter} steps${o.seeds ? ` for ${o.seeds.length} seeds` : ''} takes about ${work.toPrecision(3)} multiply-adds, `
          + `more than the ${limit} one call may do; reduce num_iter or seeds (or the model, batch_size or data set)`, 'range');
      }
      const lrs = [];
      const losses = [];
      const smoothed = [];
      let best = Infinity;
      let stopped = 'num_iter';
      for (let i = 0; i < o.num_iter; i++) {
        // the trainer ends a run whose loss or outputs stopped being finite as 'diverged': no step taken
        if (run.step(1) !== 1) { stopped = 'diverged'; break; }
        const h = run.history.steps;
        const loss = h.loss[i];
        if (!Number.isFinite(loss)) { stopped = 'diverged'; break; }
        const s = i === 0 ? loss : o.smooth_f * loss + (1 - o.smooth_f) * smoothed[i - 1];
        lrs.push(h.lr[i]);
        losses.push(loss);
        smoothed.push(s);
        if (s < best) best = s;
        if (s > o.diverge_th * best) { stopped = 'diverged'; break; }
      }
      const r = { lrs: Float64Array.from(lrs), losses: Float64Array.from(losses), smoothed: Float64Array.from(smoothed) };
      r.suggestions = suggest(r.lrs, r.smoothed, o.num_iter);
      r.stopped = stopped;
      return r;
    } finally {
      run.dispose();
    }
  };

  /** The LR range test of config (a createTrainer config) with options; see the top of this file. */
  lab.lrFind = (config, options) => {
    const o = checkOptions(options);
    if (!isObj(config)) fail(THING, 'config', `must be a trainer config object { dataset, model, loss, optimizer, ... }, got ${describe(config)}`);
    if (!isObj(config.optimizer)) fail(THING, 'optimizer', `must be an object, got ${describe(config.optimizer)}`);
    if (!o.seeds) return once(config, o);
    const runs = o.seeds.map((seed) => ({ seed, ...once({ ...config, seed }, o) }));
    const spread = {};
    for (const k of ['steep', 'valley', 'minimum', 'slide']) {
      const v = runs.map((r) => r.suggestions[k]).filter((s) => s !== null);
      spread[k] = v.length ? { min: Math.min(...v), median: median(v), max: Math.max(...v) } : null;
    }
    const { seed, ...first } = runs[0];
    return { ...first, runs, spread };
  };
}
