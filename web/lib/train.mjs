// lab.createTrainer: the training loop of the C core (c/train/train.c) on an
// MLP, a data set, a loss, an optimizer and a scheduler.
//   const run = lab.createTrainer({ dataset: { name: 'moons', n_samples: 200, val_fraction: 0.2 },
//     model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' | 'he' | 'pytorch', init_weights? },
//     loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, scheduler?,
//     scheduler_interval?: 'step' | 'epoch', regularization?: { type: 'L2', lambda },
//     batch_size: 32 | 'full', epochs: 10, seed: 0, shuffle: true, scheduler_order?: 'after' | 'before',
//     grad_clip?: { max_norm, norm_type } | { clip_value }, early_stopping?: { patience, min_delta, restore_best },
//     batch_size_schedule?: { milestones: [epoch, ...], gamma: 2 }, mining?: 'random' | 'hard' | 'semi-hard' })
// ContrastiveLoss or TripletMarginLoss on a classification set train an embedding of
// model.embedding_dim (default 2) outputs (task 'embedding'; the tuple rule is in c/train/train.h).
// run.step(k) takes k optimizer steps (stopping at the end of the run), run.epoch() finishes the
// current epoch; run.history holds typed arrays per step and per epoch. Inputs of predict and
// predictGrid are in the data set's feature space as lab.dataset returns it (standardised by default).
import { fail, describe } from './errors.mjs';
import { specText, thingOf } from './spec.mjs';
import { numberRows } from './data.mjs';
import { flatWeights, layersOf } from './model.mjs';

const THING = 'Trainer';
const SAVE_MAGIC = 0x4a544c53; // "SLTJ"
const SAVE_VERSION = 1;
const enc = new TextEncoder();

// FNV-1a over every byte, bytes 12..15 (the checksum) read as 0.
function fnv(b) {
  let h = 2166136261;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (i >= 12 && i < 16 ? 0 : b[i]), 16777619) >>> 0;
  return h;
}
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
    constructor(ptr, config, texts) {
      this._ptr = ptr;
      this._t = texts;
      const ds = x.sl_trainer_dataset(ptr);
      this.task = ['binary', 'multiclass', 'regression', 'embedding'][x.sl_trainer_task(ptr)];
      this.n_features = x.sl_dataset_n_features(ds);
      this.n_outputs = x.sl_trainer_n_out(ptr);
      this.sizes = [this.n_features, ...texts.hidden, this.n_outputs];
      // predict's columns: class probabilities from the centroids for an embedding
      this._w = this.task === 'embedding' ? Math.max(x.sl_dataset_n_classes(ds), 2) : this.n_outputs;
      const metric = this.task === 'regression' ? ['mse', 'mae'] : ['accuracy'];
      this._k = ['train_loss', 'val_loss', ...metric.flatMap((m) => [`train_${m}`, `val_${m}`]), 'lr'];
      this._c = { steps: STEP_KEYS.map(() => new Column()), epochs: this._k.map(() => new Column()) };
      finalizer?.register(this, { core, ptr }, this);
    }

    _l() {
      if (!this._ptr) fail(THING, null, 'was disposed; create a new trainer');
      return this._ptr;
    }

    /** 'running', 'done' (all epochs), 'stopped' (early stopping) or 'diverged' (non-finite loss). */
    get status() { return STATUS[x.sl_trainer_status(this._l())]; }
    get done() { return this.status !== 'running'; }
    get epochs_done() { return x.sl_trainer_epoch(this._l()); }
    get steps_done() { return x.sl_trainer_steps(this._l()); }
    get lr() { return x.sl_optimizer_lr(x.sl_trainer_optimizer(this._l())); }
    /** The batch size and optimizer steps of the current epoch (they change with batch_size_schedule). */
    get batch_size() { return x.sl_trainer_batch_size(this._l()); }
    get steps_per_epoch() { return x.sl_trainer_steps_per_epoch(this._l()); }
    /** After divergence: the step whose loss was not finite and the last finite loss. */
    get diverged() {
      const p = this._l();
      return this.status === 'diverged' ? { step: x.sl_trainer_diverged_step(p), last_loss: x.sl_trainer_last_loss(p) } : null;
    }
    /** Early stopping: the epoch (1-based) of the best validation loss, 0 before any improvement. */
    get best_epoch() { return x.sl_trainer_best_epoch(this._l()); }

    /** { steps: { loss, lr, grad_norm }, epochs: { train_loss, val_loss, train_accuracy | train_mse, ..., lr } } as Float64Array views. */
    get history() {
      const view = (keys, cols) => Object.fromEntries(keys.map((k, i) => [k, cols[i].view()]));
      return { steps: view(STEP_KEYS, this._c.steps), epochs: view(this._k, this._c.epochs) };
    }

    // Runs up to k steps, stopping after an epoch ends when toEpochEnd; returns the steps taken.
    _run(k, toEpochEnd) {
      const ptr = this._l();
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
          for (let i = 0; i < 3 * n; i++) this._c.steps[i % 3].push(f[(out >> 3) + i]);
          taken += n;
          if (x.sl_trainer_epoch(ptr) !== epoch) {
            const r = x.sl_trainer_record(ptr) >> 3;
            const rec = core.f64.slice(r, r + 7);
            const vals = this.task === 'regression' ? rec : [rec[0], rec[1], rec[2], rec[3], rec[6]];
            vals.forEach((v, i) => this._c.epochs[i].push(v));
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
      const ptr = this._l();
      const sp = ['train', 'val'].indexOf(split);
      if (sp < 0) fail(THING, 'split', `must be 'train' or 'val', got ${describe(split)}`);
      return core.scoped((s) => {
        const out = s.alloc(24);
        core.check(x.sl_trainer_evaluate(ptr, sp, out));
        const [loss, m, mae] = core.f64.slice(out >> 3, (out >> 3) + 3);
        if (this.task === 'regression') return { loss, mse: m, mae };
        const k = this._w < 2 ? 2 : this._w;
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
        const binary = this._w === 1;
        const pick = (j) => (binary ? per[1][j] : per.reduce((a, p) => a + p[j], 0) / k);
        const res = { loss, accuracy: m, precision: pick(0), recall: pick(1), f1: pick(2), confusion };
        if (binary) {
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

    /**
     * Probabilities (n x 1 for binary, n x classes; for an embedding softmax(-squared distance to
     * each class centroid)) or regression outputs, row-major Float32Array.
     */
    predict(X) { return this._p(X, x.sl_trainer_predict, this._w); }
    /** The model's raw outputs (embeddings, logits or regression outputs), n x n_outputs row-major. */
    embed(X) { return this._p(X, x.sl_trainer_embed, this.n_outputs); }

    _p(X, fn, w, rows) {
      const ptr = this._l();
      rows ??= numberRows(X, { thing: THING, field: 'X', width: this.n_features, Type: Float32Array, flat: true });
      return core.scoped((s) => {
        const xp = s.f32(rows.data);
        const out = s.alloc(rows.n * w * 4);
        core.check(fn(ptr, xp, rows.n, out));
        return core.f32.slice(out >> 2, (out >> 2) + rows.n * w);
      });
    }

    /**
     * The last step per parameter tensor: { step, layers: [{ name: 'fc1.weight', numel, weight_norm,
     * grad_norm, update_norm, update_ratio, effective_lr, m_rms, v_rms }] } (effective_lr: the mean
     * per-element step size; m_rms, v_rms: null when the optimizer keeps no such moment).
     */
    inspect() {
      const ptr = this._l();
      const sz = this.sizes;
      const nt = 2 * (sz.length - 1);
      const keys = ['weight_norm', 'grad_norm', 'update_norm', 'effective_lr', 'm_rms', 'v_rms'];
      return core.scoped((s) => {
        const out = s.alloc(nt * 48);
        x.sl_trainer_inspect(ptr, out);
        const f = core.f64.slice(out >> 3, (out >> 3) + nt * 6);
        const layers = Array.from({ length: nt }, (_, t) => {
          const l = t >> 1;
          const r = { name: `fc${l + 1}.${t & 1 ? 'bias' : 'weight'}`, numel: sz[l + 1] * (t & 1 ? 1 : sz[l]) };
          keys.forEach((k, i) => { r[k] = Number.isNaN(f[6 * t + i]) ? null : f[6 * t + i]; });
          r.update_ratio = r.weight_norm ? r.update_norm / r.weight_norm : null;
          return r;
        });
        return { step: this.steps_done, layers };
      });
    }

    /** predict on an nx x ny grid (y outer: value[(j * nx + i) * outputs + c]) of a 2-feature data set. */
    predictGrid({ x: xr, y: yr, nx, ny } = {}) {
      this._l();
      const range = (r) => Array.isArray(r) && r.length === 2 && r.every(Number.isFinite);
      const count = (v) => Number.isInteger(v) && v >= 2 && v <= 4096;
      if (this.n_features !== 2 || !range(xr) || !range(yr) || !count(nx) || !count(ny)) {
        fail(THING, 'predictGrid', `needs { x: [min, max], y: [min, max], nx, ny } (nx, ny in [2, 4096]) on a 2-feature data set, got ${describe({ x: xr, y: yr, nx, ny })}`);
      }
      const pts = new Float32Array(nx * ny * 2);
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          pts[2 * (j * nx + i)] = xr[0] + ((xr[1] - xr[0]) * i) / (nx - 1);
          pts[2 * (j * nx + i) + 1] = yr[0] + ((yr[1] - yr[0]) * j) / (ny - 1);
        }
      }
      return this._p(null, x.sl_trainer_predict, this._w, { data: pts, n: nx * ny });
    }

    /** The parameters as [{ W: rows (out x in), b }, ...], PyTorch's nn.Linear layout. */
    weights() {
      const m = x.sl_trainer_model(this._l());
      const p = x.sl_mlp_params(m) >> 2;
      return layersOf(core.f32.slice(p, p + x.sl_mlp_n_params(m)), this.sizes);
    }

    /**
     * The whole run as bytes (config, history, row order, data set, model and optimizer state;
     * versioned and checksummed): lab.restoreTrainer(bytes) continues bit-identically.
     */
    save() {
      const ptr = this._l();
      const text = enc.encode(JSON.stringify(this._t));
      const steps = this._c.steps[0].n;
      const epochs = this._c.epochs[0].n;
      const cLen = x.sl_trainer_state_size(ptr);
      const head = 32;
      const tPad = (text.length + 7) & ~7;
      const total = head + tPad + 8 * (3 * steps + this._k.length * epochs) + cLen;
      const out = new Uint8Array(total);
      const dv = new DataView(out.buffer);
      [SAVE_MAGIC, SAVE_VERSION, total, 0, text.length, steps, epochs, cLen].forEach((v, i) => dv.setUint32(4 * i, v, true));
      out.set(text, head);
      let off = head + tPad;
      for (const c of [...this._c.steps, ...this._c.epochs]) {
        new Uint8Array(out.buffer, off, 8 * c.n).set(new Uint8Array(c.a.buffer, 0, 8 * c.n));
        off += 8 * c.n;
      }
      core.scoped((s) => {
        const p = s.alloc(cLen);
        x.sl_trainer_state_save(ptr, p);
        out.set(core.u8.subarray(p, p + cLen), off);
      });
      dv.setUint32(12, fnv(out), true);
      return out;
    }

    /** Frees the C trainer; idempotent. */
    dispose() {
      if (!this._ptr) return;
      finalizer?.unregister(this);
      x.sl_trainer_free(this._ptr);
      this._ptr = 0;
    }
  }

  // The C data set of explicit arrays { X, y, task, val_fraction, standardize, seed }; the caller frees it. A data set
  // from lab.parseCSV may have class_names, for the page's labels: the trainer leaves them out.
  const arrays = (s, spec) => {
    const X = numberRows(spec.X, { thing: 'dataset', field: 'X', min: 2 });
    const y = spec.y;
    if ((!Array.isArray(y) && !ArrayBuffer.isView(y)) || y.length !== X.n) fail('dataset', 'y', `must hold one number per row of X (${X.n}), got ${describe(y)}`);
    const out = s.outPtr();
    const [sp, sl] = s.string(specText({ ...spec, X: undefined, y: undefined, class_names: undefined }, 'dataset'));
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
    const hidden = Array.from(model.hidden ?? []);
    const run = new Trainer(ptr, config, { text, lossText, optText, regText, hidden });
    if (model.init_weights !== undefined) {
      try {
        const flat = flatWeights(run.sizes, model.init_weights);
        core.f32.set(flat, x.sl_mlp_params(x.sl_trainer_model(ptr)) >> 2);
      } catch (e) {
        run.dispose();
        if (e.thing === 'MLP') fail('model', 'init_' + e.field, e.message.split(e.field + ' ')[1]);
        throw e;
      }
    }
    return run;
  };

  /** A trainer from run.save()'s bytes, validated before use; it continues bit-identically. */
  lab.restoreTrainer = (bytes) => {
    const bad = (why) => fail(THING, 'state', why, 'state');
    if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
    if (!(bytes instanceof Uint8Array)) bad(`must be the Uint8Array of run.save(), got ${describe(bytes)}`);
    if (bytes.length < 32) bad(`is truncated: ${bytes.length} bytes`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const [magic, version, total, sum, tLen, steps, epochs, cLen] = Array.from({ length: 8 }, (_, i) => dv.getUint32(4 * i, true));
    if (magic !== SAVE_MAGIC || version !== SAVE_VERSION) bad(`is not a saved trainer of version ${SAVE_VERSION}`);
    if (total !== bytes.length || sum !== fnv(bytes)) bad('is truncated or corrupted (size or checksum mismatch)');
    const tPad = (tLen + 7) & ~7;
    let texts;
    try {
      texts = JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + tLen)));
    } catch {
      bad('has an unreadable config');
    }
    const cOff = bytes.length - cLen;
    if (!texts || typeof texts.text !== 'string' || !Array.isArray(texts.hidden) || cOff < 32 + tPad + 24 * steps) bad('has an invalid layout');
    const ptr = core.scoped((s) => {
      const str = (t) => (typeof t === 'string' ? s.string(t) : [0, 0]);
      const out = s.outPtr();
      core.check(x.sl_trainer_restore(s.bytes(bytes.subarray(cOff)), cLen, ...str(texts.text), ...str(texts.lossText),
        ...str(texts.optText), ...str(texts.regText), out));
      return s.readPtr(out);
    });
    const run = new Trainer(ptr, null, texts);
    const cols = [...run._c.steps, ...run._c.epochs];
    if (cOff !== 32 + tPad + 8 * (3 * steps + run._k.length * epochs) || epochs !== run.epochs_done || steps !== run.steps_done) {
      run.dispose();
      bad('has an invalid layout');
    }
    const f = new Float64Array(bytes.slice(32 + tPad, cOff).buffer);
    let o = 0;
    cols.forEach((c, i) => {
      for (let k = i < 3 ? steps : epochs; k > 0; k--) c.push(f[o++]);
    });
    return run;
  };
}
