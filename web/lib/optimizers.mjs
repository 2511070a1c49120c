// lab.createOptimizer, lab.restoreOptimizer, lab.optimizerSteps, lab.trace and
// lab.landscape: thin wrappers over the C optimizers (c/optimizers/) and 2-D
// surfaces (c/surfaces/). Names, parameters and defaults are torch.optim's.
//
// An attached scheduler goes inside the optimizer spec without its own lr:
//   { type: 'Adam', lr: 0.01, scheduler: { type: 'StepLR', step_size: 10 } }
// It starts from the optimizer's lr and steps after every optimizer step, so
// step k uses lab.schedule({ ...scheduler, lr }, k + 1)[k]. ReduceLROnPlateau
// needs the monitored value: call optimizer.schedulerStep(metric) yourself
// (lab.trace passes the loss of each step).
//
// lab.trace({ fn, fn_params?, start: [x, y], optimizer, scheduler?, steps, noise?, seed? })
//   walks a surface (lab.surfaces) with one optimizer.step per step (LBFGS: one
//   step(closure), which may evaluate the surface several times). Returns typed
//   arrays over the points 0..stopped_at (point 0 is the start): x, y, loss,
//   grad_norm (of the noiseless gradient), lr (the lr of the step taken from the
//   point) and evals (objective evaluations of that step), plus diverged and, for
//   SWATS, swats: { step, lr } (its switch to SGD, null before it). A run
//   stops with diverged: true when a coordinate or the loss leaves +-1e12 or is
//   not finite; that point is not recorded, so the arrays never hold NaN.
//   steps is at most TRACE_MAX_STEPS (100000); noise is the sigma of Gaussian
//   noise added to each gradient component, drawn from seed. It runs
//   synchronously, so the core bounds its work before starting: steps x
//   max_eval <= 2e6 closure evaluations, and for LBFGS steps x max_iter x
//   history_size <= 2e7 history rows (about a second at most); more is refused
//   with a message saying what to lower.
// lab.landscape({ fn, fn_params?, x: [min, max], y: [min, max], nx, ny })
//   Float32Array of nx * ny values, row-major with y outer: value[j * nx + i]
//   is at x = min + (max - min) * i / (nx - 1). At most 4096 x 4096 points.
//
// Parameter groups, PyTorch's way: lab.createOptimizer(spec, [3, 4]) cuts the
// parameter vector (still one Float32Array of 7 for step) into groups of 3 and
// 4; spec.param_groups, when given, has one entry per group, each overriding
// any option of the type ({ lr: 0.01 }, { weight_decay: 0.1, lars_exclude: true }).
// opt.lrs holds each group's lr (opt.lr is group 0's), opt.groupSizes the sizes.
// An attached scheduler drives every group (list-valued parameters per group).
//
// Counts (nParams, nx, ny, steps) go to the core as the numbers they are; the
// core range-checks them before any conversion. The checks here only give a
// friendlier message for values that are not numbers at all.
import { fail, describe } from './errors.mjs';
import { specText, thingOf } from './spec.mjs';
import { toBase64, fromBase64 } from './base64.mjs';

const STATE_FORMAT = 'steplab.optimizer';
export const TRACE_MAX_STEPS = 100000;

const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(({ core, ptr }) => core.x.sl_optimizer_free(ptr))
  : null;

let nextCtx = 1;

// A Float32Array (or array of numbers) of n values, copied into wasm memory.
function vector(thing, field, v, n) {
  if (!(v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v)) || v.length !== n) {
    fail(thing, field, `must be a Float32Array (or array of numbers) of ${n} (nParams), got ${describe(v)}`);
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < n; i++) {
      if (typeof v[i] !== 'number') fail(thing, field, `[${i}] must be a number, got ${describe(v[i])}`);
    }
  }
  return v;
}

export class Optimizer {
  constructor(core, ptr) {
    this._core = core;
    this._ptr = ptr;
    this.type = core.cstring(core.x.sl_optimizer_type(ptr));
    this.nParams = core.x.sl_optimizer_n(ptr);
    /** Parameters in each group, in order (one entry without groups). */
    this.groupSizes = Array.from({ length: core.x.sl_optimizer_n_groups(ptr) }, (_, g) => core.x.sl_optimizer_group_size(ptr, g));
    /** Objective evaluations made by the last step(params, closure). */
    this.lastEvals = 0;
    finalizer?.register(this, { core, ptr }, this);
  }

  _live() {
    if (!this._ptr) fail(this.type, null, 'was disposed; create a new optimizer or restore a saved state');
    return this._ptr;
  }

  // Calls that would change or free the C object while its own closure runs are refused.
  _idle(what) {
    if (this._busy) fail(this.type, null, `cannot ${what} from inside its own step's closure`);
    return this._live();
  }

  /** The learning rate the next step uses (PyTorch: optimizer.param_groups[0]['lr']). */
  get lr() { return this._core.x.sl_optimizer_lr(this._live()); }

  /** Each group's lr now (a new Float64Array; PyTorch: [g['lr'] for g in optimizer.param_groups]). */
  get lrs() {
    const ptr = this._live();
    return Float64Array.from(this.groupSizes, (_, g) => this._core.x.sl_optimizer_group_lr(ptr, g));
  }

  /** LARS: each group's trust ratio (local rate) of the last step, NaN before it; null for the others. */
  get trust_ratios() {
    const ptr = this._live();
    if (this.type !== 'LARS') return null;
    return Float64Array.from(this.groupSizes, (_, g) => this._core.x.sl_optimizer_trust_ratio(ptr, g));
  }

  /**
   * SWATS: per group, { switched, step, lr, estimate, gamma }: whether it runs SGD now, the
   * step k at which it switched and the SGD rate Lambda it switched to (null before), the last
   * bias-corrected estimate lambda_k / (1 - beta2^k) and projection gamma_k (null before one);
   * null for the other optimizers.
   */
  get swats() {
    const ptr = this._live();
    if (this.type !== 'SWATS') return null;
    const x = this._core.x;
    const val = (g, k) => { const v = x.sl_optimizer_swats(ptr, g, k); return Number.isNaN(v) ? null : v; };
    return this.groupSizes.map((_, g) => ({
      switched: x.sl_optimizer_swats(ptr, g, 0) === 1, step: val(g, 1), lr: val(g, 2), estimate: val(g, 3), gamma: val(g, 4),
    }));
  }

  /** ASGD: the averaged parameters ax (a Float32Array copy of nParams; PyTorch's state['ax']). */
  averaged() {
    const ptr = this._live();
    const p = this._core.x.sl_optimizer_averaged(ptr);
    if (!p) fail(this.type, 'averaged', 'is kept by ASGD only');
    return this._core.copy(Float32Array, p, this.nParams);
  }

  /** step() calls so far. */
  get steps() { return this._core.x.sl_optimizer_steps(this._live()); }

  /** LBFGS: objective evaluations so far (PyTorch's state['func_evals']); 0 for the others. */
  get funcEvals() { return this._core.x.sl_optimizer_func_evals(this._live()); }

  /**
   * One optimizer.step(). params: a Float32Array of nParams, updated in place.
   * Second argument: the gradient (Float32Array or numbers), or a closure
   * (x, grad) => loss that writes the gradient at x into grad and returns the
   * loss, as PyTorch's closure does (required by LBFGS, which may call it several
   * times). With a closure, returns the loss at the starting point.
   */
  step(params, gradsOrClosure) {
    const ptr = this._idle('step');
    const core = this._core;
    const n = this.nParams;
    if (!(params instanceof Float32Array) || params.length !== n) {
      fail(this.type, 'params', `must be a Float32Array of ${n} (nParams), updated in place, got ${describe(params)}`);
    }
    if (typeof gradsOrClosure === 'function') return this._stepClosure(ptr, params, gradsOrClosure);
    if (core.x.sl_optimizer_needs_closure(ptr)) {
      fail(this.type, 'closure', `is required: step(params, (x, grad) => loss), got ${describe(gradsOrClosure)}`);
    }
    const grads = vector(this.type, 'grads', gradsOrClosure, n);
    core.scoped((s) => {
      const pp = s.f32(params);
      const gp = s.f32(grads);
      const st = core.x.sl_optimizer_step(ptr, pp, gp, n);
      params.set(core.f32.subarray(pp >> 2, (pp >> 2) + n));
      core.check(st);
    });
    return undefined;
  }

  _stepClosure(ptr, params, fn) {
    const core = this._core;
    const n = this.nParams;
    const ctx = nextCtx;
    nextCtx = nextCtx >= 0x7fffffff ? 1 : nextCtx + 1; // the core hands ctx back as an i32
    const type = this.type;
    const checked = (x, grad) => {
      const loss = fn(x, grad);
      if (typeof loss !== 'number') fail(type, 'closure', `must return the loss as a number, got ${describe(loss)}`);
      return loss;
    };
    const entry = { fn: checked, error: null };
    core.closures.set(ctx, entry);
    this._busy = true;
    try {
      return core.scoped((s) => {
        const pp = s.f32(params);
        const lp = s.alloc(8);
        const ep = s.alloc(4);
        const st = core.x.sl_optimizer_step_host(ptr, pp, n, ctx, lp, ep);
        if (entry.error) throw entry.error;
        core.check(st);
        params.set(core.f32.subarray(pp >> 2, (pp >> 2) + n));
        this.lastEvals = core.i32[ep >> 2];
        return core.f64[lp >> 3];
      });
    } finally {
      this._busy = false;
      core.closures.delete(ctx);
    }
  }

  /** ReduceLROnPlateau's step(metric), for an attached scheduler that needs a metric. Returns the new lr. */
  schedulerStep(metric) {
    const ptr = this._idle('step its scheduler');
    if (typeof metric !== 'number') fail(this.type, 'metric', `must be a number (NaN and infinities count as bad epochs), got ${describe(metric)}`);
    this._core.check(this._core.x.sl_optimizer_scheduler_step(ptr, metric));
    return this.lr;
  }

  /** A plain, JSON-serialisable snapshot; lab.restoreOptimizer continues bit-identically from it. */
  state() {
    const ptr = this._live();
    const core = this._core;
    const size = core.x.sl_optimizer_state_size(ptr);
    // base64 makes 4 characters of 3 bytes, and a JS string holds at most 2^29 - 24 of them
    if (size > STATE_MAX_BYTES) fail(this.type, 'state', `of ${size} bytes is more than a state() string can hold (${STATE_MAX_BYTES} bytes); use fewer parameters or a lighter optimizer`, 'range');
    const bytes = core.scoped((s) => {
      const p = s.alloc(size);
      core.x.sl_optimizer_state_save(ptr, p);
      return core.u8.slice(p, p + size);
    });
    return { format: STATE_FORMAT, type: this.type, nParams: this.nParams, groupSizes: this.groupSizes.slice(), steps: this.steps,
      lr: this.lr, lrs: Array.from(this.lrs), data: toBase64(bytes) };
  }

  /** Frees the C object; safe to call twice. */
  dispose() {
    if (!this._ptr) return;
    this._idle('dispose it');
    finalizer?.unregister(this);
    this._core.x.sl_optimizer_free(this._ptr);
    this._ptr = 0;
  }
}

const STATE_MAX_BYTES = 380 * 2 ** 20;

function pair(thing, field, v) {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) fail(thing, field, `must be [min, max], got ${describe(v)}`);
  if (v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number') {
    fail(thing, field, `must be [min, max] (two numbers), got ${describe(v)}`);
  }
  return v;
}

function surfaceSpec(thing, o) {
  if (typeof o.fn !== 'string') fail(thing, 'fn', `must be a surface name, got ${describe(o.fn)}`);
  const params = o.fn_params ?? {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    fail(thing, 'fn_params', `must be an object of the surface's parameters, got ${describe(params)}`);
  }
  return specText({ ...params, type: o.fn }, o.fn);
}

function options(thing, o) {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) fail(thing, null, `takes an options object, got ${describe(o)}`);
  return o;
}

export function install(lab, core) {
  const x = core.x;

  lab.createOptimizer = (spec, nParams) => {
    const thing = thingOf(spec, 'optimizer');
    const text = specText(spec, thing);
    const list = Array.isArray(nParams) || ArrayBuffer.isView(nParams);
    if (list) {
      if (nParams.length < 1 || nParams.length > 32) {
        fail(thing, 'nParams', `must list 1 to 32 group sizes, got ${describe(nParams)}`);
      }
      for (let i = 0; i < nParams.length; i++) {
        if (typeof nParams[i] !== 'number') fail(thing, `nParams[${i}]`, `must be an integer >= 1 (a group's size), got ${describe(nParams[i])}`);
      }
    } else if (typeof nParams !== 'number' || !Number.isInteger(nParams)) {
      fail(thing, 'nParams', `must be an integer in [1, 50000000] or a list of group sizes, got ${describe(nParams)}`);
    }
    const ptr = core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const out = s.outPtr();
      if (list) {
        const gp = s.f64(nParams);
        core.check(x.sl_optimizer_create_groups(sp, sl, gp, nParams.length, out));
      } else {
        core.check(x.sl_optimizer_create(sp, sl, nParams, out));
      }
      return s.readPtr(out);
    });
    return new Optimizer(core, ptr);
  };

  lab.restoreOptimizer = (state) => {
    if (state === null || typeof state !== 'object' || state.format !== STATE_FORMAT || typeof state.data !== 'string') {
      fail('optimizer', 'state', `must be an object returned by optimizer.state(), got ${describe(state)}`, 'state');
    }
    const bytes = fromBase64(state.data, 'optimizer');
    const ptr = core.scoped((s) => {
      const bp = s.bytes(bytes);
      const out = s.outPtr();
      core.check(x.sl_optimizer_restore(bp, bytes.length, out));
      return s.readPtr(out);
    });
    return new Optimizer(core, ptr);
  };

  const REPLAY_MAX = 2 ** 26; // gradient values one optimizerSteps call copies in (and out): 256 MB each way
  lab.optimizerSteps = (spec, params0, grads) => {
    const thing = thingOf(spec, 'optimizer');
    const text = specText(spec, thing);
    if (!(params0 instanceof Float32Array || params0 instanceof Float64Array || Array.isArray(params0)) || params0.length < 1) {
      fail(thing, 'params0', `must be a Float32Array (or array of numbers) of at least 1, got ${describe(params0)}`);
    }
    const n = params0.length;
    vector(thing, 'params0', params0, n);
    if (!Array.isArray(grads)) fail(thing, 'grads', `must be an array of gradient vectors, got ${describe(grads)}`);
    if (grads.length * n > REPLAY_MAX) fail(thing, 'grads', `must hold at most ${REPLAY_MAX} values in one call (steps x parameters), got ${grads.length} vectors of ${n}`);
    const flat = new Float32Array(grads.length * n);
    grads.forEach((g, k) => flat.set(vector(thing, `grads[${k}]`, g, n), k * n));
    return core.scoped((s) => {
      const [sp, sl] = s.string(text);
      const pp = s.f32(params0);
      const gp = s.f32(flat);
      const op = s.alloc(flat.length * 4);
      core.check(x.sl_optimizer_replay(sp, sl, pp, n, gp, grads.length, op));
      const out = [];
      for (let k = 0; k < grads.length; k++) out.push(core.f32.slice((op >> 2) + k * n, (op >> 2) + (k + 1) * n));
      return out;
    });
  };

  lab.trace = (o) => {
    options('trace', o);
    const surface = surfaceSpec('trace', o);
    const start = o.start;
    if (!(Array.isArray(start) || ArrayBuffer.isView(start)) || start.length !== 2 ||
        !Number.isFinite(start[0]) || !Number.isFinite(start[1])) {
      const shown = Array.isArray(start) && start.length <= 8 ? ` [${Array.from(start, describe).join(', ')}]` : '';
      fail('trace', 'start', `must be two finite numbers [x, y], got ${describe(start)}${shown}`);
    }
    if (o.optimizer === null || typeof o.optimizer !== 'object') {
      fail('trace', 'optimizer', `must be an optimizer spec such as { type: 'Adam', lr: 0.1 }, got ${describe(o.optimizer)}`);
    }
    let opt = o.optimizer;
    if (o.scheduler !== undefined && o.scheduler !== null) {
      if (opt.scheduler !== undefined && opt.scheduler !== null) {
        fail('trace', 'scheduler', 'is given twice: inside the optimizer spec and next to it');
      }
      opt = { ...opt, scheduler: o.scheduler };
    }
    const thing = thingOf(opt, 'optimizer');
    const text = specText(opt, thing);
    if (typeof o.steps !== 'number') fail('trace', 'steps', `must be an integer in [1, ${TRACE_MAX_STEPS}], got ${describe(o.steps)}`);
    const noise = o.noise ?? 0;
    const seed = o.seed ?? 0;
    if (typeof noise !== 'number') fail('trace', 'noise', `must be a finite number >= 0, got ${describe(noise)}`);
    if (typeof seed !== 'number') fail('trace', 'seed', `must be an integer in [0, 2^53), got ${describe(seed)}`);
    return core.scoped((s) => {
      const [fp, fl] = s.string(surface);
      const [op, ol] = s.string(text);
      const out = s.outPtr();
      core.check(x.sl_trace_run(fp, fl, op, ol, start[0], start[1], o.steps, noise, seed, out));
      const t = s.readPtr(out);
      try {
        const count = x.sl_trace_count(t);
        const f32 = (p) => core.copy(Float32Array, p, count);
        return {
          x: f32(x.sl_trace_x(t)),
          y: f32(x.sl_trace_y(t)),
          loss: f32(x.sl_trace_loss(t)),
          lr: core.copy(Float64Array, x.sl_trace_lr(t), count),
          grad_norm: f32(x.sl_trace_grad_norm(t)),
          evals: core.copy(Int32Array, x.sl_trace_evals(t), count),
          diverged: x.sl_trace_diverged(t) === 1,
          stopped_at: count - 1,
          // SWATS: the step at which it turned to SGD and its SGD rate (null for the others and before a switch)
          swats: Number.isNaN(x.sl_trace_swats(t, 0)) ? null : { step: x.sl_trace_swats(t, 0), lr: x.sl_trace_swats(t, 1) },
        };
      } finally {
        x.sl_trace_free(t);
      }
    });
  };

  lab.landscape = (o) => {
    options('landscape', o);
    const surface = surfaceSpec('landscape', o);
    const xr = pair(o.fn, 'x', o.x);
    const yr = pair(o.fn, 'y', o.y);
    for (const k of ['nx', 'ny']) {
      if (!Number.isInteger(o[k])) fail(o.fn, k, `must be an integer >= 2, got ${describe(o[k])}`);
    }
    const count = o.nx * o.ny;
    return core.scoped((s) => {
      const [sp, sl] = s.string(surface);
      const op = count <= 16777216 && count > 0 ? s.alloc(count * 4) : 0;
      core.check(x.sl_landscape(sp, sl, xr[0], xr[1], yr[0], yr[1], o.nx, o.ny, op));
      return core.copy(Float32Array, op, count);
    });
  };
}
