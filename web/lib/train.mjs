// lab.createTrainer: the training loop of the C core (c/train/train.c) on an
// MLP, a data set, a loss, an optimizer and a scheduler.
//   const run = lab.createTrainer({ dataset: { name: 'moons', n_samples: 200, val_fraction: 0.2 },
//     model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' | 'he' | 'pytorch', init_weights? },
//     loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, scheduler?,
//     scheduler_interval?: 'step' | 'epoch', regularization?: { type: 'L2', lambda },
//     batch_size: 32 | 'full', epochs: 10, seed: 0, shuffle: true,
//     grad_clip?: { max_norm, norm_type } | { clip_value }, early_stopping?: { patience, min_delta, restore_best } })
// run.step(k) takes k optimizer steps (stopping at the end of the run), run.epoch() finishes the
// current epoch; run.history holds typed arrays per step and per epoch. Inputs of predict and
// predictGrid are in the data set's feature space as lab.dataset returns it (standardised by default).
import { fail, describe } from './errors.mjs';
import { specText, thingOf } from './spec.mjs';
import { numberRows } from './data.mjs';
import { flatWeights, layersOf } from './model.mjs';

const THING = 'Trainer';
const STATUS = ['running', 'done', 'stopped', 'diverged'];

const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(({ core, ptr }) => core.x.sl_trainer_free(ptr))
  : null;

// A Float64Array that grows by doubling; view() is a subarray, not a copy.
class Column {
  constructor() { this.a = new Float64Array(64); this.n = 0; }
  push(v) {
    if (this.n === this.a.length) { const b = new Float64Array(this.n * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  view() { return this.a.subarray(0, this.n); }
}

const STEP_KEYS = ['loss', 'lr', 'grad_norm'];
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// AUROC of binary scores: the Mann-Whitney statistic, ties counted one half.
function auroc(scores, labels) {
  const idx = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let pos = 0, rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) j++;
    for (let k = i; k < j; k++) if (labels[idx[k]]) { pos++; rankSum += (i + j + 1) / 2; }
    i = j;
  }
  const neg = idx.length - pos;
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : NaN;
}

export function install(lab, core) {
  const x = core.x;

  class Trainer {
    constructor(ptr, config) {
      this._ptr = ptr;
      const ds = x.sl_trainer_dataset(ptr);
      this.task = ['binary', 'multiclass', 'regression'][x.sl_dataset_task(ds)];
      this.n_features = x.sl_dataset_n_features(ds);
      this.n_outputs = x.sl_trainer_n_out(ptr);
      this.sizes = [this.n_features, ...(config.model.hidden ?? []), this.n_outputs];
      this.steps_per_epoch = x.sl_trainer_steps_per_epoch(ptr);
      const metric = this.task === 'regression' ? ['mse', 'mae'] : ['accuracy'];
      this._epochKeys = ['train_loss', 'val_loss', ...metric.flatMap((m) => [`train_${m}`, `val_${m}`]), 'lr'];
      this._cols = { steps: STEP_KEYS.map(() => new Column()), epochs: this._epochKeys.map(() => new Column()) };
      finalizer?.register(this, { core, ptr }, this);
    }

    _live() {
      if (!this._ptr) fail(THING, null, 'was disposed; create a new trainer');
      return this._ptr;
    }

    /** 'running', 'done' (all epochs), 'stopped' (early stopping) or 'diverged' (non-finite loss). */
    get status() { return STATUS[x.sl_trainer_status(this._live())]; }
    get done() { return this.status !== 'running'; }
    get epochs_done() { return x.sl_trainer_epoch(this._live()); }
    get steps_done() { return x.sl_trainer_steps(this._live()); }
    get lr() { return x.sl_optimizer_lr(x.sl_trainer_optimizer(this._live())); }
    /** After divergence: the step whose loss was not finite and the last finite loss. */
    get diverged() {
      const p = this._live();
      return this.status === 'diverged' ? { step: x.sl_trainer_diverged_step(p), last_loss: x.sl_trainer_last_loss(p) } : null;
    }
    /** Early stopping: the epoch (1-based) of the best validation loss, 0 before any improvement. */
    get best_epoch() { return x.sl_trainer_best_epoch(this._live()); }

    /** { steps: { loss, lr, grad_norm }, epochs: { train_loss, val_loss, train_accuracy | train_mse, ..., lr } } as Float64Array views. */
    get history() {
      const view = (keys, cols) => Object.fromEntries(keys.map((k, i) => [k, cols[i].view()]));
      return { steps: view(STEP_KEYS, this._cols.steps), epochs: view(this._epochKeys, this._cols.epochs) };
    }

    // Runs up to k steps, stopping after an epoch ends when toEpochEnd; returns the steps taken.
    _run(k, toEpochEnd) {
      const ptr = this._live();
      if (!Number.isInteger(k) || k < 0 || k > 1e9) fail(THING, 'k', `must be an integer in [0, 1000000000], got ${describe(k)}`);
      let taken = 0;
      const chunk = Math.min(k, 4096);
      return core.scoped((s) => {
        const out = s.alloc(chunk * 24 + 8);
        const done = s.outPtr();
        while (taken < k && !this.done) {
          const epoch = x.sl_trainer_epoch(ptr);
          core.check(x.sl_trainer_run(ptr, Math.min(chunk, k - taken), out, done));
          const n = core.i32[done >> 2];
          const f = core.f64;
          for (let i = 0; i < 3 * n; i++) this._cols.steps[i % 3].push(f[(out >> 3) + i]);
          taken += n;
          if (x.sl_trainer_epoch(ptr) !== epoch) {
            const r = x.sl_trainer_record(ptr) >> 3;
            const rec = core.f64.slice(r, r + 7);
            const vals = this.task === 'regression' ? rec : [rec[0], rec[1], rec[2], rec[3], rec[6]];
            vals.forEach((v, i) => this._cols.epochs[i].push(v));
            if (toEpochEnd) break;
          }
          if (n === 0) break;
        }
        return taken;
      });
    }

    /** k optimizer steps (fewer when the run ends); returns the number taken. */
    step(k = 1) { return this._run(k, false); }
    /** The rest of the current epoch; returns the number of steps taken. */
    epoch() { return this._run(this.steps_per_epoch, true); }
    /** Trains until done (all epochs, early stopping or divergence). */
    fit() { while (!this.done) this.epoch(); return this; }

    /**
     * Loss and metrics of the model now on 'train' or 'val': { loss, accuracy, precision, recall,
     * f1, confusion (rows: true class), auroc (binary) } or { loss, mse, mae }. Precision, recall
     * and F1 are of class 1 for binary tasks, macro averages over classes for multi-class.
     */
    evaluate(split = 'val') {
      const ptr = this._live();
      const sp = ['train', 'val'].indexOf(split);
      if (sp < 0) fail(THING, 'split', `must be 'train' or 'val', got ${describe(split)}`);
      return core.scoped((s) => {
        const out = s.alloc(24);
        core.check(x.sl_trainer_evaluate(ptr, sp, out));
        const [loss, m, mae] = core.f64.slice(out >> 3, (out >> 3) + 3);
        if (this.task === 'regression') return { loss, mse: m, mae };
        const k = Math.max(this.n_outputs, 2);
        const cp = x.sl_trainer_confusion(ptr) >> 2;
        const flat = core.i32.slice(cp, cp + k * k);
        const confusion = Array.from({ length: k }, (_, i) => Array.from(flat.subarray(i * k, i * k + k)));
        const per = confusion.map((_, c) => {
          const tp = confusion[c][c];
          const col = confusion.reduce((a, row) => a + row[c], 0);
          const row = confusion[c].reduce((a, v) => a + v, 0);
          const precision = col ? tp / col : 0;
          const recall = row ? tp / row : 0;
          return [precision, recall, precision + recall ? (2 * precision * recall) / (precision + recall) : 0];
        });
        const pick = (j) => (k === 2 && this.n_outputs === 1 ? per[1][j] : per.reduce((a, p) => a + p[j], 0) / k);
        const res = { loss, accuracy: m, precision: pick(0), recall: pick(1), f1: pick(2), confusion };
        if (this.n_outputs === 1) {
          const ds = x.sl_trainer_dataset(ptr);
          const lo = sp ? x.sl_dataset_n_train(ds) : 0;
          const n = sp ? x.sl_dataset_n_samples(ds) - lo : x.sl_dataset_n_train(ds);
          const probs = s.alloc(4 * n + 4);
          core.check(x.sl_trainer_predict(ptr, x.sl_dataset_X(ds) + lo * this.n_features * 4, n, probs));
          const yp = (x.sl_dataset_y(ds) >> 2) + lo;
          res.auroc = auroc(core.f32.slice(probs >> 2, (probs >> 2) + n), core.f32.slice(yp, yp + n));
        }
        return res;
      });
    }

    /** Probabilities (n x 1 for binary, n x classes) or regression outputs, row-major Float32Array. */
    predict(X) {
      const ptr = this._live();
      const rows = numberRows(X, { thing: THING, field: 'X', width: this.n_features, Type: Float32Array, flat: true });
      return this._predict(ptr, rows.data, rows.n);
    }

    _predict(ptr, data, n) {
      return core.scoped((s) => {
        const xp = s.f32(data);
        const out = s.alloc(n * this.n_outputs * 4);
        core.check(x.sl_trainer_predict(ptr, xp, n, out));
        return core.f32.slice(out >> 2, (out >> 2) + n * this.n_outputs);
      });
    }

    /** predict on an nx x ny grid (y outer: value[(j * nx + i) * outputs + c]) of a 2-feature data set. */
    predictGrid({ x: xr, y: yr, nx, ny } = {}) {
      const ptr = this._live();
      if (this.n_features !== 2) fail(THING, 'predictGrid', `needs a data set with 2 features, this one has ${this.n_features}`);
      for (const [f, r] of [['x', xr], ['y', yr]]) {
        if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite)) fail(THING, f, `must be [min, max], got ${describe(r)}`);
      }
      for (const [f, v] of [['nx', nx], ['ny', ny]]) {
        if (!Number.isInteger(v) || v < 2 || v > 4096) fail(THING, f, `must be an integer in [2, 4096], got ${describe(v)}`);
      }
      const pts = new Float32Array(nx * ny * 2);
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          pts[2 * (j * nx + i)] = xr[0] + ((xr[1] - xr[0]) * i) / (nx - 1);
          pts[2 * (j * nx + i) + 1] = yr[0] + ((yr[1] - yr[0]) * j) / (ny - 1);
        }
      }
      return this._predict(ptr, pts, nx * ny);
    }

    /** The parameters as [{ W: rows (out x in), b }, ...], PyTorch's nn.Linear layout. */
    weights() {
      const m = x.sl_trainer_model(this._live());
      const p = x.sl_mlp_params(m) >> 2;
      return layersOf(core.f32.slice(p, p + x.sl_mlp_n_params(m)), this.sizes);
    }

    /** Frees the C trainer; idempotent. */
    dispose() {
      if (!this._ptr) return;
      finalizer?.unregister(this);
      x.sl_trainer_free(this._ptr);
      this._ptr = 0;
    }
  }

  // The C data set of explicit arrays { X, y, task, val_fraction, standardize, seed }; the caller frees it.
  const arrays = (s, spec) => {
    const X = numberRows(spec.X, { thing: 'dataset', field: 'X', min: 2 });
    const y = spec.y;
    if ((!Array.isArray(y) && !ArrayBuffer.isView(y)) || y.length !== X.n) fail('dataset', 'y', `must hold one number per row of X (${X.n}), got ${describe(y)}`);
    const out = s.outPtr();
    const [sp, sl] = s.string(specText({ ...spec, X: undefined, y: undefined }, 'dataset'));
    core.check(x.sl_dataset_from_arrays(s.f64(X.data), X.n, X.width, s.f64(Float64Array.from(y)), sp, sl, out));
    return s.readPtr(out);
  };

  /** A trainer for config (see the top of this file); dispose() it when done. */
  lab.createTrainer = (config) => {
    if (!isObj(config)) fail(THING, null, `config must be an object { dataset, model, loss, optimizer, ... }, got ${describe(config)}`);
    for (const f of ['dataset', 'model', 'loss', 'optimizer']) {
      if (!isObj(config[f])) fail(THING, f, `must be an object, got ${describe(config[f])}`);
    }
    const { dataset, model, loss, optimizer, scheduler, regularization } = config;
    const explicit = dataset.X !== undefined || dataset.y !== undefined;
    if (scheduler !== undefined && !isObj(scheduler)) fail(THING, 'scheduler', `must be a scheduler spec object, got ${describe(scheduler)}`);
    if (regularization !== undefined && !isObj(regularization)) fail(THING, 'regularization', `must be an L1, L2 or ElasticNet spec, got ${describe(regularization)}`);
    const text = specText({ ...config, dataset: explicit ? undefined : dataset, model: { ...model, init_weights: undefined } }, THING);
    const lossText = specText(loss, thingOf(loss, 'loss'));
    const optText = specText(scheduler ? { ...optimizer, scheduler } : optimizer, thingOf(optimizer, 'optimizer'));
    const regText = regularization && specText(regularization, thingOf(regularization, 'regularization'));
    const ptr = core.scoped((s) => {
      const ds = explicit ? arrays(s, dataset) : 0;
      try {
        const str = (t) => (t ? s.string(t) : [0, 0]);
        const out = s.outPtr();
        core.check(x.sl_trainer_create(...str(text), ds, ...str(lossText), ...str(optText), ...str(regText), 0, 0, out));
        return s.readPtr(out);
      } finally {
        if (ds) x.sl_dataset_free(ds);
      }
    });
    const run = new Trainer(ptr, config);
    if (model.init_weights !== undefined) {
      try {
        const flat = flatWeights(run.sizes, model.init_weights);
        core.f32.set(flat, x.sl_mlp_params(x.sl_trainer_model(ptr)) >> 2);
      } catch (e) {
        run.dispose();
        if (e.thing === 'MLP') fail('model', `init_${e.field}`, e.message.slice(e.message.indexOf(e.field) + e.field.length + 1));
        throw e;
      }
    }
    return run;
  };
}
