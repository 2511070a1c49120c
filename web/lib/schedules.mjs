// lab.schedule, lab.createScheduler, lab.restoreScheduler: thin wrappers over
// the C schedulers (c/schedules/scheduler.c). Names and parameters are
// torch.optim.lr_scheduler's.
//
// Parameter groups: a scheduler drives every group of its optimizer as PyTorch
// does. Standalone, { groups: [lr0, lr1, ...] } gives the groups' initial lrs
// (the spec must then not set lr): lab.schedule(spec, n, { groups }) returns
// one Float64Array of n per group, and lab.createScheduler(spec, { groups })
// a scheduler whose lrs holds each group's lr. Without groups there is one
// group with the spec's lr, and lab.schedule returns one Float64Array.
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

  /** Each parameter group's lr now (a new Float64Array; one entry without groups). */
  get lrs() {
    const ptr = this._live();
    const x = this._core.x;
    return Float64Array.from({ length: x.sl_scheduler_n_groups(ptr) }, (_, g) => x.sl_scheduler_group_lr(ptr, g));
  }

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
      fail(this.type, 'metrics', `must be a number (NaN and infinities count as bad epochs), got ${describe(metric)}`);
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
    return { format: STATE_FORMAT, type: this.type, last_epoch: this.last_epoch, lr: this.lr, lrs: Array.from(this.lrs), data: toBase64(bytes) };
  }

  /** Frees the C object; safe to call twice. */
  dispose() {
    if (!this._ptr) return;
    finalizer?.unregister(this);
    this._core.x.sl_scheduler_free(this._ptr);
    this._ptr = 0;
  }
}

// options.groups: the groups' initial lrs, checked here for kind (the core checks the values).
function groupLrs(thing, options) {
  const g = options?.groups;
  if (g === undefined || g === null) return null;
  if (!(Array.isArray(g) || ArrayBuffer.isView(g)) || g.length < 1) {
    fail(thing, 'groups', `must be a list of 1 to 32 initial lrs (one per parameter group), got ${describe(g)}`);
  }
  for (let i = 0; i < g.length; i++) {
    if (typeof g[i] !== 'number') fail(thing, 'groups', `[${i}] must be a number >= 0 (the group's initial lr), got ${describe(g[i])}`);
  }
  return g;
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
        if (typeof metrics[i] !== 'number') fail(thing, 'metrics', `[${i}] must be a number (NaN and infinities count as bad epochs), got ${describe(metrics[i])}`);
      }
    }
    const groups = groupLrs(thing, options);
    return core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const mp = metrics ? s.f64(metrics) : 0;
      const gp = groups ? s.f64(groups) : 0;
      const out = s.outPtr();
      core.check(x.sl_schedule_run(sp, sl, n, mp, metrics ? metrics.length : 0, gp, groups ? groups.length : 0, out));
      const vp = s.readPtr(out);
      try {
        if (!groups) return core.copy(Float64Array, vp, n);
        return Array.from(groups, (_, g) => core.copy(Float64Array, vp + g * n * 8, n));
      } finally {
        core.free(vp);
      }
    });
  };

  lab.createScheduler = (spec, options = {}) => {
    const thing = thingOf(spec, 'scheduler');
    const text = specText(spec, thing);
    if (options === null || typeof options !== 'object') fail(thing, 'options', `must be an object, got ${describe(options)}`);
    const groups = groupLrs(thing, options);
    const ptr = core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const gp = groups ? s.f64(groups) : 0;
      const out = s.outPtr();
      core.check(x.sl_scheduler_create_groups(sp, sl, gp, groups ? groups.length : 0, out));
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
