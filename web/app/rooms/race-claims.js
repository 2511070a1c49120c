// What a race shows, measured: the quantities a race preset's notice and claims name, computed from
// the optimizers' traces (lab.trace, in the worker on the page and directly in the Node tests).
//
// A preset's `values` names quantities of one optimizer (`of`), optionally of a variant of the preset
// (`with`: other start, steps, noise, seed or surface parameters, `opt` merged into that optimizer)
// or over a sweep of one of its parameters (`sweep: { param, from, to, n }`, geometric; `pick` 'min'
// gives the least value, 'argmin' the parameter value that gives it). Every optimizer i also has
// final_loss.i, diverged.i, stopped_at.i, end.i and basin.i without being named.
//
// Quantities (q):
//   final_loss             the last finite loss
//   loss_at { step }       the loss after that many steps
//   first_below { value }  the first step whose loss is below value (null: never)
//   mean_loss { from, to } the mean loss over steps from..to
//   near_steps { point, radius }  how many points of the path lie within radius of point
//   closest { point }      the path's least distance to point
//   crossings { axis }     how often the path crosses the line axis = 0 ('x' or 'y')
//   step_ratio { axis }    that coordinate after the first step over before it
//   mean_step { from, to } the mean length of the steps from..to
//   evals_to { value }     objective evaluations until the loss is below value (null: never)
//   end, basin             the last point, and the whole-number point nearest it
//   diverged, stopped_at

const last = (t) => t.x.length - 1;

function quantity(t, spec) {
  const n = last(t);
  const xs = t.x, ys = t.y;
  switch (spec.q) {
    case 'final_loss': return t.loss[n];
    case 'loss_at': return t.loss[Math.min(spec.step, n)];
    case 'first_below': { for (let k = 0; k <= n; k++) if (t.loss[k] < spec.value) return k; return null; }
    case 'mean_loss': {
      let s = 0, m = 0;
      for (let k = spec.from; k <= Math.min(spec.to, n); k++) { s += t.loss[k]; m++; }
      return m ? s / m : null;
    }
    case 'near_steps': {
      let c = 0;
      for (let k = 0; k <= n; k++) if (Math.hypot(xs[k] - spec.point[0], ys[k] - spec.point[1]) < spec.radius) c++;
      return c;
    }
    case 'closest': {
      let d = Infinity;
      for (let k = 0; k <= n; k++) d = Math.min(d, Math.hypot(xs[k] - spec.point[0], ys[k] - spec.point[1]));
      return d;
    }
    case 'crossings': {
      const a = spec.axis === 'x' ? xs : ys;
      let c = 0;
      for (let k = 1; k <= n; k++) if (a[k - 1] * a[k] < 0) c++;
      return c;
    }
    case 'step_ratio': { const a = spec.axis === 'x' ? xs : ys; return n >= 1 ? a[1] / a[0] : null; }
    case 'mean_step': {
      let s = 0, m = 0;
      for (let k = Math.max(1, spec.from); k <= Math.min(spec.to, n); k++) { s += Math.hypot(xs[k] - xs[k - 1], ys[k] - ys[k - 1]); m++; }
      return m ? s / m : null;
    }
    case 'evals_to': {
      let e = 0;
      for (let k = 0; k <= n; k++) { if (t.loss[k] < spec.value) return e; e += t.evals[k]; }
      return null;
    }
    case 'end': return [xs[n], ys[n]];
    case 'basin': return [Math.round(xs[n]) + 0, Math.round(ys[n]) + 0];
    case 'diverged': return !!t.diverged;
    case 'stopped_at': return t.stopped_at;
    default: throw new Error(`race claims: unknown quantity '${spec.q}'`);
  }
}

const STANDARD = ['final_loss', 'diverged', 'stopped_at', 'end', 'basin'];

/** The race settings of a preset, as the worker's race request and lab.trace take them. */
export function presetSettings(p) {
  return { fn: p.fn, fn_params: p.fnp, start: p.start, steps: p.steps, noise: p.noise || 0, seed: p.seed ?? 1, optimizers: p.opts };
}

export function sweepValues({ from, to, n }) {
  return Array.from({ length: n }, (_, i) => +(from * (to / from) ** (n > 1 ? i / (n - 1) : 0)).toPrecision(4));
}

// The runs a value needs beyond the preset's own: one race request per distinct settings.
function variantRuns(p, spec) {
  const base = presetSettings(p);
  const w = spec.with || {};
  const settings = { ...base, ...(w.start ? { start: w.start } : {}), ...(w.steps ? { steps: w.steps } : {}),
    ...(w.noise !== undefined ? { noise: w.noise } : {}), ...(w.seed !== undefined ? { seed: w.seed } : {}), ...(w.fnp ? { fn_params: w.fnp } : {}) };
  const opt = { ...p.opts[spec.of], ...(w.opt || {}) };
  const optimizers = spec.sweep ? sweepValues(spec.sweep).map((v) => ({ ...opt, [spec.sweep.param]: v })) : [opt];
  return { ...settings, optimizers };
}

/**
 * Every value a preset's notice and claims can name: { name: value }. `run(settings)` returns (or
 * resolves to) the traces of settings.optimizers; `traces` are the preset's own, when already computed.
 */
export async function measureRace(p, run, traces = null) {
  const own = traces || await run(presetSettings(p));
  const values = {};
  own.forEach((t, i) => { if (!t.error) for (const q of STANDARD) values[`${q}.${i}`] = quantity(t, { q }); });
  for (const [name, spec] of Object.entries(p.values || {})) {
    const needsRun = spec.with || spec.sweep;
    const ts = needsRun ? await run(variantRuns(p, spec)) : [own[spec.of]];
    const bad = ts.find((t) => !t || t.error);
    if (bad) throw new Error(`race claims: '${name}' could not run: ${bad?.error?.message ?? 'no trace'}`);
    if (!spec.sweep) { values[name] = quantity(ts[0], spec); continue; }
    const got = ts.map((t) => (t.diverged ? Infinity : quantity(t, spec)));
    const best = got.reduce((b, v, i) => (v < got[b] ? i : b), 0);
    values[name] = spec.pick === 'argmin' ? sweepValues(spec.sweep)[best] : got[best];
  }
  return values;
}
