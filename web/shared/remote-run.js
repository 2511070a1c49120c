// A trainer that lives in the worker, driven by messages (web/worker/train.js): created on first
// use, stepped one request at a time (a step budget, a time slice or the rest of the epoch),
// its history gathered into growing columns, its end (done, early stopping, divergence) or the
// core's refusal surfaced as status and error, disposed once. Used by the Training room, its
// pitfall demos and <steplab-train>; the LR finder uses stepsPerEpoch.
//   const run = new RemoteRun(lab, config);       // config, or a function giving it at creation
//   await run.step({ ms: 14, grid });              // the worker's answer, also absorbed into run.cols
//   run.status, run.error, run.progress, run.cols.val_loss.view(), run.metrics
//   run.dispose();

// A growing Float64Array column; view() is a subarray, not a copy.
export class Col {
  constructor() { this.a = new Float64Array(256); this.n = 0; }
  push(arr) {
    if (!arr) return;
    if (this.n + arr.length > this.a.length) {
      const b = new Float64Array(Math.max(this.a.length * 2, this.n + arr.length));
      b.set(this.a.subarray(0, this.n));
      this.a = b;
    }
    this.a.set(arr, this.n);
    this.n += arr.length;
  }
  view() { return this.a.subarray(0, this.n); }
  clear() { this.n = 0; }
}

// Per step: loss, lr, grad_norm; per epoch: losses and the task's metric (accuracy, or MSE for regression).
// With snapshot_ensemble also the ensemble's validation metric and the snapshot count (else empty).
export const COLS = ['loss', 'lr', 'grad_norm', 'train_loss', 'val_loss', 'train_m', 'val_m', 'ens_m', 'snapshots'];
const FINISHED = new Set(['done', 'stopped', 'diverged', 'error']);

export class RemoteRun {
  constructor(lab, config) {
    this.lab = lab;
    this._config = config;
    this.config = typeof config === 'function' ? null : config;
    this.id = null; // the worker's id once created
    this.info = null; // trainCreate's answer: task, sizes, steps_per_epoch, batch_size, ...
    this.status = null; // null before the first step; 'running', 'done', 'stopped', 'diverged', or 'error' (the core refused)
    this.error = null; // the core's message when status is 'error'
    this.progress = null; // { epochs_done, steps_done, diverged, best_epoch, lr } of the last answer
    this.metrics = null; // { train, val } of the last answer that evaluated
    this.cols = Object.fromEntries(COLS.map((k) => [k, new Col()]));
    this.busy = false;
    this.disposed = false;
    this._inflight = null;
    this._creating = null;
  }

  /** 'running' or null: the run can take more steps. */
  get finished() { return FINISHED.has(this.status); }
  get steps_done() { return this.progress?.steps_done ?? 0; }

  /** A run of a checkpoint (run.save()'s bytes): { run, saved: trainRestore's answer with the saved config }. */
  static async restore(lab, bytes) {
    const r = await lab.call('trainRestore', { bytes });
    const run = new RemoteRun(lab, r.config);
    run.id = r.run;
    run.info = r;
    run._absorb({ ...r, steps: r.history.steps, epochs: r.history.epochs, diverged: null, best_epoch: 0, lr: r.history.steps.lr.at(-1) });
    return { run, saved: r };
  }

  /** Creates the trainer in the worker (once); resolves true when it exists, false when the core refused (status 'error'). */
  create() {
    if (this.id !== null) return Promise.resolve(true);
    if (this.disposed || this.status === 'error') return Promise.resolve(false);
    this._creating ||= (async () => {
      try {
        if (!this.config) this.config = this._config();
        const info = await this.lab.call('trainCreate', { config: this.config });
        if (this.disposed) {
          this.lab.call('trainDispose', { run: info.run }).catch(() => {});
          return false;
        }
        this.id = info.run;
        this.info = info;
        this.status = 'running';
        return true;
      } catch (e) {
        if (!this.disposed) { this.status = 'error'; this.error = e.message; }
        return false;
      } finally {
        this._creating = null;
      }
    })();
    return this._creating;
  }

  /**
   * One trainStep: args { steps | ms | epoch, grid, line, inspect, inspect_every, evaluate }
   * (web/worker/train.js). One request at a time: while one is in flight its promise is returned;
   * a finished run is not stepped unless `force` (e.g. steps: 0 to read metrics and pictures).
   * Resolves with the worker's answer, absorbed into the columns, or null (nothing done, refused
   * or disposed). When the core refuses a step the run ends with status 'error' and the history
   * of what it did train.
   */
  step(args = {}, { force = false } = {}) {
    if (this.busy) return this._inflight;
    if (this.disposed || (this.finished && !(force && this.id !== null))) return Promise.resolve(null);
    this.busy = true;
    this._inflight = (async () => {
      try {
        if (!(await this.create())) return null;
        const r = await this.lab.call('trainStep', { run: this.id, ...args });
        if (this.disposed) return null;
        this._absorb(r);
        return r;
      } catch (e) {
        if (!this.disposed) await this._refused(e);
        return null;
      } finally {
        this.busy = false;
      }
    })();
    return this._inflight;
  }

  /** Resolves when no request is in flight. */
  async idle() { while (this.busy) await this._inflight; }

  // The core refused a step (e.g. a scheduler past its end): keep everything it trained, and the
  // metrics of the model where it stopped (so the room shows them, not blanks).
  async _refused(e) {
    this.status = 'error';
    this.error = e.message;
    if (this.id === null) return;
    try {
      const h = await this.lab.call('trainHistory', { run: this.id });
      if (this.disposed) return;
      for (const c of Object.values(this.cols)) c.clear();
      this._push(h.steps, h.epochs);
      this.progress = { ...this.progress, steps_done: h.steps.loss.length, epochs_done: h.epochs.train_loss.length };
      const [train, val] = await Promise.all([this.evaluate('train'), this.evaluate('val')]);
      if (!this.disposed && train && val) this.metrics = { train, val };
    } catch { /* the history and metrics stay as they were */ }
  }

  _push(steps, epochs) {
    const c = this.cols;
    c.loss.push(steps.loss);
    c.lr.push(steps.lr);
    c.grad_norm.push(steps.grad_norm);
    c.train_loss.push(epochs.train_loss);
    c.val_loss.push(epochs.val_loss);
    c.train_m.push(epochs.train_accuracy ?? epochs.train_mse);
    c.val_m.push(epochs.val_accuracy ?? epochs.val_mse);
    c.ens_m.push(epochs.ensemble_val_accuracy ?? epochs.ensemble_val_mse);
    c.snapshots.push(epochs.snapshots);
  }

  _absorb(r) {
    this._push(r.steps, r.epochs);
    if (this.status !== 'error') this.status = r.status; // a refused run stays refused
    this.progress = { epochs_done: r.epochs_done, steps_done: r.steps_done, diverged: r.diverged, best_epoch: r.best_epoch, lr: r.lr };
    if (r.metrics) this.metrics = r.metrics;
    if (r.swats) this.swats = r.swats; // SWATS: each group's switch to SGD so far ({ group, step, lr })
  }

  // Requests on the live trainer (null when it does not exist).
  _call(type, args) { return this.id === null || this.disposed ? Promise.resolve(null) : this.lab.call(type, { run: this.id, ...args }); }
  weights() { return this._call('trainWeights'); }
  save() { return this._call('trainSave'); }
  embed(X) { return this._call('trainEmbed', { X }); }
  evaluate(split) { return this._call('trainEvaluate', { split }); }
  history() { return this._call('trainHistory'); }

  /** Frees the trainer in the worker (idempotent); answers still on their way are dropped. */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    if (this.id !== null) this.lab.call('trainDispose', { run: this.id }).catch(() => {});
  }
}

/**
 * Optimizer steps per epoch of a trainer config (its first epoch's). The one place the page asks:
 * the worker answers with lab.stepsPerEpoch where the core has it, otherwise from a probe trainer
 * (web/worker/train.js, stepsPerEpoch).
 */
export const stepsPerEpoch = (lab, config) => lab.call('stepsPerEpoch', { config });

/** Steps in an epoch of nTrain rows at a batch size (a number, or 'full'): for settings shown before any run exists. */
export const firstEpochSteps = (nTrain, batchSize) => (batchSize === 'full' ? 1 : Math.max(1, Math.ceil(nTrain / (Number(batchSize) || 1))));

/**
 * How much a run trains in the next animation frame. speed: { fast: true } (a time slice of the
 * page's frame, shared by `share` runs), { ms } (a fixed slice), { stepsPerFrame }, or
 * { epochsPerSecond } (paced by the clock; a hidden tab does not pile steps up).
 */
export class Pacer {
  constructor() { this.frameMs = 16; this.last = 0; this.anchor = null; }

  reset() { this.last = 0; this.anchor = null; }

  // Once per animation frame, before slice(): the page's frame time and the epochs-per-second clock.
  frame(now, run) {
    if (this.last) this.frameMs = 0.8 * this.frameMs + 0.2 * Math.min(now - this.last, 120);
    this.last = now;
    if (!this.anchor || now - this.anchor.last > 250) this.anchor = { t: now, steps: run?.steps_done ?? 0, last: now };
    this.anchor.last = now;
  }

  /** trainStep args for the next slice of `run`, or null when nothing is due. */
  slice(run, speed, share = 1) {
    if (speed.ms !== undefined) return { ms: speed.ms };
    if (speed.fast) return { ms: Math.max(2, Math.min(100, 0.9 * this.frameMs) / share) };
    if (speed.stepsPerFrame) return { steps: speed.stepsPerFrame };
    const perEpoch = run.info?.steps_per_epoch || 1;
    const due = Math.floor(((this.last - this.anchor.t) / 1000) * speed.epochsPerSecond * perEpoch) - (run.steps_done - this.anchor.steps);
    return due > 0 ? { steps: Math.min(due, 1e6), ms: 30 } : null;
  }
}
