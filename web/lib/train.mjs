// lab.createTrainer: the training loop of the C core (c/train/) on an MLP, a
// data set, a loss, an optimizer and a scheduler.
//   const run = lab.createTrainer({ dataset: { name: 'moons', n_samples: 200, val_fraction: 0.2 },
//     model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' | 'he' | 'pytorch', init_weights? },
//     loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, scheduler?,
//     scheduler_interval?: 'step' | 'epoch', regularization?: { type: 'L2', lambda },
//     batch_size: 32 | 'full', epochs: 10, seed: 0, shuffle: true, scheduler_order?: 'after' | 'before',
//     grad_clip?: { max_norm, norm_type } | { clip_value }, early_stopping?: { patience, min_delta, restore_best },
//     batch_size_schedule?: { milestones: [epoch, ...], gamma: 2 }, mining?: 'random' | 'hard' | 'semi-hard',
//     snapshot_ensemble?: true (with CosineAnnealingWarmRestarts: the ensemble's validation metrics per epoch) })
// The whole config crosses to the core as one text, where every part is validated; explicit
// data ({ X, y, task, ... }) crosses as arrays beside it. ContrastiveLoss or TripletMarginLoss on a
// classification set train an embedding of model.embedding_dim (default 2) outputs (task
// 'embedding'; the tuple rule is in c/train/train.h). run.step(k) takes k optimizer steps
// (stopping at the end of the run), run.epoch() finishes the current epoch; run.history holds
// typed arrays per step and per epoch. Inputs of predict and predictGrid are in the data set's
// feature space as lab.dataset returns it (standardised by default). Record layouts, status and
// task names come from the core (lab.registry.trainer); one synchronous call may do at most
// lab.registry.trainer.limits.work multiply-adds.
import { fail, describe } from './errors.mjs';
import { specText } from './spec.mjs';
import { numberRows } from './data.mjs';
import { layersOf, sizesOf } from './model.mjs';

const THING = 'Trainer';
const SAVE_MAGIC = 0x4a544c53; // "SLTJ"
const SAVE_VERSION = 2; // 2: the config lives in the core's state; the JSON part is a copy of it
const ENSEMBLE = new Set(['ensemble_val_accuracy', 'ensemble_val_mse', 'ensemble_val_mae', 'snapshots']);
const enc = new TextEncoder();
const dec = new TextDecoder();

// FNV-1a over every byte, bytes 12..15 (the checksum) read as 0: detects accidents, not forgeries.
function fnv(b) {
  let h = 2166136261;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (i >= 12 && i < 16 ? 0 : b[i]), 16777619) >>> 0;
  return h;
}

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
  // n values of src from index `from`, every `stride`-th (a step record's column)
  pushStrided(src, from, stride, n) {
    if (this.n + n > this.a.length) { const b = new Float64Array(Math.max(this.a.length * 2, this.n + n)); b.set(this.a); this.a = b; }
    const a = this.a;
    for (let i = 0, j = from; i < n; i++, j += stride) a[this.n + i] = src[j];
    this.n += n;
  }
  view() { return this.a.subarray(0, this.n); }
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const deepFreeze = (v) => { if (v && typeof v === 'object') { Object.values(v).forEach(deepFreeze); Object.freeze(v); } return v; };

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
  const T = lab.registry.trainer; // the core's layouts and names
  const NREC = T.epoch_record.binary.length;
  const CALL = Object.fromEntries(T.calls.map((c, i) => [c, i])); // sl_trainer_check_work's calls
  const NSTEP = T.step_record.length; // doubles per step from sl_trainer_run

  class Trainer {
    constructor(ptr) {
      this._ptr = ptr;
      this.task = T.tasks[x.sl_trainer_task(ptr)];
      /** The widths of the model: inputs, hidden layers, outputs (from the core). */
      this.sizes = sizesOf(x, x.sl_trainer_model(ptr));
      this.n_features = this.sizes[0];
      this.n_outputs = this.sizes[this.sizes.length - 1];
      this._w = x.sl_trainer_predict_width(ptr); // predict's columns: class probabilities from the centroids for an embedding
      this._names = T.epoch_record[this.task]; // the epoch record's slots, null where this task has none
      this._c = { steps: T.step_record.map(() => new Column()), epochs: this._names.map(() => new Column()) };
      this._text = core.cstring(x.sl_trainer_config_text(ptr));
      /** The config this trainer was made from, as the core normalised it (model.init_weights and explicit arrays left out). */
      this.config = deepFreeze(JSON.parse(this._text));
      finalizer?.register(this, { core, ptr }, this);
    }

    _l() {
      if (!this._ptr) fail(THING, null, 'was disposed; create a new trainer');
      return this._ptr;
    }

    /** 'running', 'done' (all epochs), 'stopped' (early stopping) or 'diverged' (non-finite loss). */
    get status() { return T.statuses[x.sl_trainer_status(this._l())]; }
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
    /** The core's estimate of the multiply-adds of the next k steps (Infinity: to the end), epoch evaluations included. */
    work(k = 1) { return x.sl_trainer_work(this._l(), k); }

    /**
     * { steps: { loss, lr, grad_norm }, epochs: { train_loss, val_loss, train_accuracy | train_mse, ..., lr } } as
     * Float64Array views; with SWATS also swats: [{ group, step, lr }], each group's switch to SGD (its step and SGD rate).
     */
    get history() {
      const epochs = {};
      // the snapshot ensemble's slots only when the config asks for it
      const ens = this.config.snapshot_ensemble === true;
      this._names.forEach((k, i) => { if (k && (ens || !ENSEMBLE.has(k))) epochs[k] = this._c.epochs[i].view(); });
      const h = { steps: Object.fromEntries(T.step_record.map((k, i) => [k, this._c.steps[i].view()])), epochs };
      if (this.config.optimizer.type === 'SWATS') h.swats = this.swats.filter((g) => g.switched).map(({ group, step, lr }) => ({ group, step, lr }));
      return h;
    }

    /** Each parameter group's lr now: optimizer.param_groups in order, then the group of the tensors they leave out. */
    get lrs() {
      const p = this._l();
      return Float64Array.from({ length: x.sl_trainer_n_groups(p) }, (_, g) => x.sl_trainer_group_lr(p, g));
    }

    /** SWATS, per group: { group, switched, step, lr, estimate, gamma } (step and lr null before the switch); null for other optimizers. */
    get swats() {
      if (this.config.optimizer.type !== 'SWATS') return null;
      const p = this._l();
      const v = (g, w) => { const a = x.sl_trainer_swats(p, g, w); return Number.isNaN(a) ? null : a; };
      return Array.from({ length: x.sl_trainer_n_groups(p) }, (_, g) => ({
        group: g, switched: v(g, 0) === 1, step: v(g, 1), lr: v(g, 2), estimate: v(g, 3), gamma: v(g, 4),
      }));
    }

    // Runs up to k steps, stopping after an epoch ends when toEpochEnd; returns the steps taken.
    _run(k, toEpochEnd, call) {
      const ptr = this._l();
      if (!Number.isInteger(k) || k < 0 || k > 1e9) fail(THING, 'k', `must be an integer in [0, 1000000000], got ${describe(k)}`);
      core.check(x.sl_trainer_check_work(ptr, k, call));
      let taken = 0;
      const chunk = Math.min(k, 4096);
      return core.scoped((s) => {
        const out = s.alloc(chunk * NSTEP * 8 + 8);
        const done = s.outPtr();
        while (taken < k && !this.done) {
          const epoch = x.sl_trainer_epoch(ptr);
          core.check(x.sl_trainer_run(ptr, Math.min(chunk, k - taken), out, done));
          const n = core.i32[done >> 2];
          const f = core.f64;
          for (let c = 0; c < NSTEP; c++) this._c.steps[c].pushStrided(f, (out >> 3) + c, NSTEP, n);
          taken += n;
          if (x.sl_trainer_epoch(ptr) !== epoch) {
            const rec = core.copy(Float64Array, x.sl_trainer_record(ptr), NREC);
            rec.forEach((v, i) => this._c.epochs[i].push(v));
            if (toEpochEnd) break;
          }
          if (n === 0) break;
        }
        return taken;
      });
    }

    /** k optimizer steps (fewer when the run ends); returns the number taken. */
    step(k = 1) { return this._run(k, false, CALL.step); }
    /** The rest of the current epoch; returns the number of steps taken. */
    epoch() { return this._run(x.sl_trainer_steps_left_in_epoch(this._l()), true, CALL.epoch); }
    /** Trains until done (all epochs, early stopping or divergence), refused when that is more work than one call may do. */
    fit() {
      core.check(x.sl_trainer_check_work(this._l(), Infinity, CALL.fit));
      while (!this.done) this.epoch();
      return this;
    }

    /**
     * Loss and metrics of the model now on 'train' or 'val': { loss, accuracy, precision, recall,
     * f1, confusion (rows: true class), auroc (binary) } or { loss, mse, mae }. Precision, recall
     * and F1 are of class 1 for binary tasks, macro averages over classes for multi-class.
     */
    evaluate(split = 'val') {
      const ptr = this._l();
      const sp = T.splits.indexOf(split);
      if (sp < 0) fail(THING, 'split', `must be ${T.splits.map((w) => `'${w}'`).join(' or ')}, got ${describe(split)}`);
      return core.scoped((s) => {
        const nv = T.evaluate_record[this.task].length;
        const out = s.alloc(8 * nv);
        core.check(x.sl_trainer_evaluate(ptr, sp, out));
        const vals = core.copy(Float64Array, out, nv);
        const res = {};
        T.evaluate_record[this.task].forEach((k, i) => { if (k) res[k] = vals[i]; });
        if (this.task === 'regression') return res;
        const k = this._w < 2 ? 2 : this._w;
        const flat = core.copy(Int32Array, x.sl_trainer_confusion(ptr), k * k);
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
        Object.assign(res, { precision: pick(0), recall: pick(1), f1: pick(2), confusion });
        if (binary) {
          const ds = x.sl_trainer_dataset(ptr);
          const lo = sp ? x.sl_dataset_n_train(ds) : 0;
          const n = sp ? x.sl_dataset_n_samples(ds) - lo : x.sl_dataset_n_train(ds);
          const probs = s.alloc(4 * n + 4);
          core.check(x.sl_trainer_predict(ptr, x.sl_dataset_X(ds) + lo * this.n_features * 4, n, probs));
          res.auroc = auroc(core.copy(Float32Array, probs, n), core.copy(Float32Array, x.sl_dataset_y(ds) + 4 * lo, n));
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

    _p(X, fn, w) {
      const ptr = this._l();
      const rows = numberRows(X, { thing: THING, field: 'X', width: this.n_features, Type: Float32Array, flat: true });
      return core.scoped((s) => {
        const xp = s.f32(rows.data);
        const out = s.alloc(rows.n * w * 4);
        core.check(fn(ptr, xp, rows.n, out));
        return core.copy(Float32Array, out, rows.n * w);
      });
    }

    /**
     * The last step per parameter tensor: { step, layers: [{ name: 'fc1.weight', numel, weight_norm,
     * grad_norm, update_norm, update_ratio, effective_lr, m_rms, v_rms, group, lr, trust_ratio }],
     * groups: [{ params: [names], lr }] } (effective_lr: the mean per-element step size; m_rms, v_rms:
     * null when the optimizer keeps no such moment; group: its parameter group; trust_ratio: LARS's local rate).
     */
    inspect() {
      const ptr = this._l();
      const sz = this.sizes;
      const nt = x.sl_trainer_n_tensors(ptr);
      const w = T.inspect.length;
      return core.scoped((s) => {
        const out = s.alloc(nt * w * 8);
        core.check(x.sl_trainer_inspect(ptr, out, nt * w));
        const f = core.copy(Float64Array, out, nt * w);
        const layers = Array.from({ length: nt }, (_, t) => {
          const l = t >> 1;
          const r = { name: `fc${l + 1}.${t & 1 ? 'bias' : 'weight'}`, numel: sz[l + 1] * (t & 1 ? 1 : sz[l]) };
          T.inspect.forEach((k, i) => { r[k] = Number.isNaN(f[w * t + i]) ? null : f[w * t + i]; });
          r.update_ratio = r.weight_norm ? r.update_norm / r.weight_norm : null;
          return r;
        });
        const groups = Array.from(this.lrs, (lr, g) => ({ params: layers.filter((r) => r.group === g).map((r) => r.name), lr }));
        return { step: this.steps_done, layers, groups };
      });
    }

    /** predict on an nx x ny grid (y outer: value[(j * nx + i) * outputs + c]) of a 2-feature data set. */
    predictGrid(grid = {}) {
      const ptr = this._l();
      if (!isObj(grid)) fail(THING, 'predictGrid', `takes an object { x: [min, max], y: [min, max], nx, ny }, got ${describe(grid)}`);
      const { x: xr, y: yr, nx, ny } = grid;
      const end = (r, i) => (Array.isArray(r) && r.length === 2 && typeof r[i] === 'number' ? r[i] : NaN);
      const args = [end(xr, 0), end(xr, 1), end(yr, 0), end(yr, 1), typeof nx === 'number' ? nx : NaN, typeof ny === 'number' ? ny : NaN];
      core.check(x.sl_trainer_predict_grid(ptr, ...args, 0)); // validation and the work limit, before any allocation
      return core.scoped((s) => {
        const out = s.alloc(nx * ny * this._w * 4);
        core.check(x.sl_trainer_predict_grid(ptr, ...args, out));
        return core.copy(Float32Array, out, nx * ny * this._w);
      });
    }

    /** The parameters as [{ W: rows (out x in), b }, ...], PyTorch's nn.Linear layout. */
    weights() {
      const m = x.sl_trainer_model(this._l());
      return layersOf(core.copy(Float32Array, x.sl_mlp_params(m), x.sl_mlp_n_params(m)), this.sizes);
    }

    /**
     * The whole run as bytes (history, then the core's state: config, row order, data set, model
     * and optimizer; versioned and checksummed): lab.restoreTrainer(bytes) continues bit-identically.
     * Layout: 32-byte header (magic, version, size, checksum, JSON length, steps, epochs, state
     * length), JSON { config } (a copy of the state's), the history as float64 columns, the state.
     */
    save() {
      const ptr = this._l();
      const text = enc.encode(JSON.stringify({ config: this._text }));
      const steps = this._c.steps[0].n;
      const epochs = this._c.epochs[0].n;
      const cLen = x.sl_trainer_state_size(ptr);
      const head = 32;
      const tPad = (text.length + 7) & ~7;
      const total = head + tPad + 8 * (NSTEP * steps + NREC * epochs) + cLen;
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

  // The one config text, and the C data set of explicit arrays ({ X, y, task, val_fraction, standardize, seed })
  // beside it (0 for a named data set; the caller frees it). A data set from lab.parseCSV may have class_names,
  // for the page's labels: the trainer leaves them out.
  const prepare = (s, config, thing) => {
    if (!isObj(config)) fail(thing, null, `config must be an object { dataset, model, loss, optimizer, ... }, got ${describe(config)}`);
    const d = config.dataset;
    if (!isObj(d) || (d.X === undefined && d.y === undefined)) return { text: specText(config, THING), ds: 0 };
    const X = numberRows(d.X, { thing: 'dataset', field: 'X', min: 2 });
    const y = d.y;
    if ((!Array.isArray(y) && !ArrayBuffer.isView(y)) || y.length !== X.n) fail('dataset', 'y', `must hold one number per row of X (${X.n}), got ${describe(y)}`);
    const options = { ...d, X: undefined, y: undefined, class_names: undefined };
    const [sp, sl] = s.string(specText(options, 'dataset'));
    const out = s.outPtr();
    core.check(x.sl_dataset_from_arrays(s.f64(X.data), X.n, X.width, s.f64(Float64Array.from(y)), sp, sl, out));
    return { text: specText({ ...config, dataset: options }, THING), ds: s.readPtr(out) };
  };

  /** A trainer for config (see the top of this file); dispose() it when done. */
  lab.createTrainer = (config) => new Trainer(core.scoped((s) => {
    const { text, ds } = prepare(s, config, THING);
    try {
      const [tp, tl] = s.string(text);
      const out = s.outPtr();
      core.check(x.sl_trainer_create(tp, tl, ds, out));
      return s.readPtr(out);
    } finally {
      if (ds) x.sl_dataset_free(ds);
    }
  }));

  /** The optimizer steps of epoch `epoch` (0-based) of a createTrainer config, without building a trainer. */
  lab.stepsPerEpoch = (config, epoch = 0) => core.scoped((s) => {
    const { text, ds } = prepare(s, config, 'stepsPerEpoch');
    try {
      const [tp, tl] = s.string(text);
      const out = s.alloc(8);
      core.check(x.sl_trainer_steps_per_epoch_of(tp, tl, ds, typeof epoch === 'number' ? epoch : NaN, out));
      return core.f64[out >> 3];
    } finally {
      if (ds) x.sl_dataset_free(ds);
    }
  });

  /** A trainer from run.save()'s bytes, validated by the core before use; it continues bit-identically. */
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
    const cOff = bytes.length - cLen;
    const hLen = 8 * (NSTEP * steps + NREC * epochs);
    if (cLen < 1 || cLen > bytes.length || cOff !== 32 + tPad + hLen) bad('has an invalid layout');
    let copy;
    try {
      copy = JSON.parse(dec.decode(bytes.subarray(32, 32 + tLen)));
    } catch {
      bad('has an unreadable config');
    }
    if (!isObj(copy) || typeof copy.config !== 'string') bad('has an invalid layout');
    const run = new Trainer(core.scoped((s) => {
      const out = s.outPtr();
      core.check(x.sl_trainer_restore(s.bytes(bytes.subarray(cOff)), cLen, out));
      return s.readPtr(out);
    }));
    try {
      // nothing is read from the JSON copy: it must be the state's own config
      if (copy.config !== run._text) {
        let theirs;
        try { theirs = JSON.parse(copy.config); } catch { theirs = null; }
        const keys = [...new Set([...Object.keys(run.config), ...(isObj(theirs) ? Object.keys(theirs) : [])])];
        const field = keys.find((k) => !isObj(theirs) || JSON.stringify(theirs[k]) !== JSON.stringify(run.config[k])) ?? 'config';
        bad(`has a config whose ${field} is not the one in the core's state`);
      }
      const hist = new Float64Array(bytes.slice(32 + tPad, cOff).buffer);
      core.scoped((s) => {
        const ns = NSTEP * steps;
        core.check(x.sl_trainer_check_history(run._ptr, s.f64(hist.subarray(0, ns)), steps, s.f64(hist.subarray(ns)), epochs));
      });
      let o = 0;
      [...run._c.steps, ...run._c.epochs].forEach((c, i) => {
        for (let k = i < NSTEP ? steps : epochs; k > 0; k--) c.push(hist[o++]);
      });
    } catch (e) {
      run.dispose();
      throw e;
    }
    return run;
  };
}
