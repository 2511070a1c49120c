// What a schedules preset shows, measured: the quantities its notice and claims name, read off the
// curves the core computes (lab.schedule, one value per scheduler step; the presets step once per epoch).
// Every curve i has, unnamed: first.i, last.i, max.i, argmax.i (the first epoch at the maximum), min.i,
// rises.i and drops.i (the epochs at which the rate goes up or down), peaks.i (the rates at local
// maxima), drop_count.i, first_drop.i and gap.i (epochs between the first two drops).
// A preset's `values` adds: { q: 'lr_at', of, epoch }, { q: 'nth', a: 'peaks.0', index },
// { q: 'ratio', a, b } (of two values) and { q: 'metric_best' } (the first epoch at the least value
// of ReduceLROnPlateau's validation loss).

const REL = 1e-9; // a change in the rate smaller than this, relative, is no change

function standard(v) {
  let am = 0, mn = Infinity;
  const rises = [], drops = [], peaks = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] > v[am]) am = i;
    mn = Math.min(mn, v[i]);
    if (i && v[i] > v[i - 1] * (1 + REL)) rises.push(i);
    if (i && v[i] < v[i - 1] * (1 - REL)) drops.push(i);
    if (i && i < v.length - 1 && v[i] > v[i - 1] * (1 + REL) && v[i] >= v[i + 1]) peaks.push(v[i]);
  }
  return { first: v[0], last: v[v.length - 1], max: v[am], argmax: am, min: mn, rises, drops, peaks,
    drop_count: drops.length, first_drop: drops.length ? drops[0] : null, gap: drops.length > 1 ? drops[1] - drops[0] : null };
}

/** The metric values ReduceLROnPlateau sees: the formula at epochs 0..n-2 (one per step after the first). */
export const metricLength = (n) => Math.max(n - 1, 0);

/**
 * Every value a preset names. run: { schedule(spec, n, options) -> values, formula(text, n) -> values }
 * (sync or async); metric: the validation-loss formula for ReduceLROnPlateau.
 */
export async function measureSchedules(p, run, metric) {
  const n = p.epochs;
  const needs = p.curves.some((c) => c.type === 'ReduceLROnPlateau') || Object.values(p.values || {}).some((s) => s.q === 'metric_best');
  const metrics = needs ? Array.from(await run.formula(metric, metricLength(n))) : null;
  const values = {};
  const curves = [];
  for (const [i, spec] of p.curves.entries()) {
    const v = Array.from(await run.schedule(spec, n, spec.type === 'ReduceLROnPlateau' ? { metrics } : undefined));
    curves.push(v);
    for (const [k, x] of Object.entries(standard(v))) values[`${k}.${i}`] = x;
  }
  for (const [name, s] of Object.entries(p.values || {})) {
    if (s.q === 'lr_at') values[name] = curves[s.of][s.epoch];
    else if (s.q === 'nth') values[name] = values[s.a][s.index] ?? null;
    else if (s.q === 'ratio') values[name] = values[s.a] / values[s.b];
    else if (s.q === 'metric_best') values[name] = metrics.indexOf(Math.min(...metrics));
    else throw new Error(`schedule claims: unknown quantity '${s.q}'`);
  }
  return values;
}
