// lab.schedule, lab.createScheduler, lab.restoreScheduler: thin wrappers over
// the C schedulers (c/schedules/scheduler.c). Names and parameters are
// torch.optim.lr_scheduler's.
import { fail, describe } from './errors.mjs';
import { specText, thingOf } from './spec.mjs';
import { toBase64, fromBase64 } from './base64.mjs';

const STATE_FORMAT = 'steplab.scheduler';

// Frees the C object of a scheduler the program forgot to dispose.
const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(({ core, ptr }) => core.x.sl_scheduler_free(ptr))
  : null;

export class Scheduler {
  constructor(core, ptr) {
    this._core = core;
    this._ptr = ptr;
    this.type = core.cstring(core.x.sl_scheduler_type(ptr));
    finalizer?.register(this, { core, ptr }, this);
  }

  _live() {
    if (!this._ptr) fail(this.type, null, 'was disposed; create a new scheduler or restore a saved state');
    return this._ptr;
  }

  /** The learning rate in effect now (PyTorch: optimizer.param_groups[0]['lr']). */
  get lr() { return this._core.x.sl_scheduler_lr(this._live()); }

  /** Momentum (or Adam's beta1) set by CyclicLR / OneCycleLR with cycle_momentum, else NaN. */
  get momentum() { return this._core.x.sl_scheduler_momentum(this._live()); }

  /** Number of step() calls so far. */
  get last_epoch() { return this._core.x.sl_scheduler_last_epoch(this._live()); }

  /** One scheduler.step(); ReduceLROnPlateau needs the monitored metric. Returns the new lr. */
  step(metric) {
    const ptr = this._live();
    const core = this._core;
    const needs = core.x.sl_scheduler_needs_metric(ptr);
    if (needs && metric !== undefined && typeof metric !== 'number') {
      fail(this.type, 'metrics', `must be a finite number, got ${describe(metric)}`);
    }
    core.check(core.x.sl_scheduler_step(ptr, metric === undefined ? NaN : metric, metric === undefined ? 0 : 1));
    return core.x.sl_scheduler_lr(ptr);
  }

  /** A plain, JSON-serialisable snapshot; lab.restoreScheduler continues exactly from it. */
  state() {
    const ptr = this._live();
    const core = this._core;
    const size = core.x.sl_scheduler_state_size(ptr);
    const bytes = core.scoped((s) => {
      const p = s.alloc(size);
      core.x.sl_scheduler_state_save(ptr, p);
      return core.u8.slice(p, p + size);
    });
    return { format: STATE_FORMAT, type: this.type, last_epoch: this.last_epoch, lr: this.lr, data: toBase64(bytes) };
  }

  /** Frees the C object; safe to call twice. */
  dispose() {
    if (!this._ptr) return;
    finalizer?.unregister(this);
    this._core.x.sl_scheduler_free(this._ptr);
    this._ptr = 0;
  }
}

export function install(lab, core) {
  const x = core.x;

  lab.schedule = (spec, n, options = {}) => {
    const thing = thingOf(spec, 'scheduler');
    const text = specText(spec, thing);
    if (typeof n !== 'number') fail(thing, 'n', `must be an integer in [0, 50000000], got ${describe(n)}`);
    if (options === null || typeof options !== 'object') fail(thing, 'options', `must be an object, got ${describe(options)}`);
    const metrics = options.metrics;
    if (metrics !== undefined) {
      if (!Array.isArray(metrics) && !ArrayBuffer.isView(metrics)) {
        fail(thing, 'metrics', `must be an array of numbers, got ${describe(metrics)}`);
      }
      for (let i = 0; i < metrics.length; i++) {
        if (typeof metrics[i] !== 'number') fail(thing, 'metrics', `[${i}] must be a finite number, got ${describe(metrics[i])}`);
      }
    }
    return core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const mp = metrics ? s.f64(metrics) : 0;
      const out = s.outPtr();
      core.check(x.sl_schedule_run(sp, sl, n, mp, metrics ? metrics.length : 0, out));
      const vp = s.readPtr(out);
      try {
        return core.copy(Float64Array, vp, n);
      } finally {
        core.free(vp);
      }
    });
  };

  lab.createScheduler = (spec) => {
    const thing = thingOf(spec, 'scheduler');
    const text = specText(spec, thing);
    const ptr = core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const out = s.outPtr();
      core.check(x.sl_scheduler_create(sp, sl, out));
      return s.readPtr(out);
    });
    return new Scheduler(core, ptr);
  };

  lab.restoreScheduler = (state) => {
    if (state === null || typeof state !== 'object' || state.format !== STATE_FORMAT || typeof state.data !== 'string') {
      fail('scheduler', 'state', `must be an object returned by scheduler.state(), got ${describe(state)}`, 'state');
    }
    const bytes = fromBase64(state.data, 'scheduler');
    const ptr = core.scoped((s) => {
      const bp = s.bytes(bytes);
      const out = s.outPtr();
      core.check(x.sl_scheduler_restore(bp, bytes.length, out));
      return s.readPtr(out);
    });
    return new Scheduler(core, ptr);
  };
}
