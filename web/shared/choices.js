// What the page offers, derived from the registry's fields (web/shared/registry.js): the
// losses that fit a task, the optimizers a trainer can use, menus grouped by category, and
// schedulers fitted to a run's length. Rules on fields, never lists of types.

// A scheduler's starter describes a run of REF_STEPS scheduler steps at REF_LR: fitted to a run,
// its length parameter (and those of its children) scale with the run, its rates with the run's lr.
export const REF_STEPS = 100;
export const REF_LR = 0.1;
// The validation loss ReduceLROnPlateau watches where the page gives none: a formula in epoch that
// falls, flattens at 0.35 and wobbles (the Schedules room's and <steplab-schedule>'s default).
export const PLATEAU_METRIC = 'max(0.35, 1 - 0.02 * epoch) + 0.01 * sin(3 * epoch)';
// Parameters PyTorch takes instead of another (OneCycleLR: total_steps, or epochs and steps_per_epoch).
const ALTERNATIVES = { total_steps: ['epochs', 'steps_per_epoch'] };
const alternatives = (name) => (Object.hasOwn(ALTERNATIVES, name) ? ALTERNATIVES[name] : []);
// Parameters that are learning rates, by PyTorch's names.
const LR_PARAMS = ['lr', 'max_lr', 'base_lr', 'eta_min', 'min_lr'];

/** The names of a family in menu groups: [[category, [[name, label], ...]], ...], the core's order within each. */
export function groupedChoices(reg, family, names = reg.names(family)) {
  const groups = new Map();
  for (const n of names) {
    const c = reg.category(family, n);
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c).push(n);
  }
  // a type PyTorch 1.13 lacks (a paper's or textbook's form) says so in the menu; the written
  // rules (Custom) read as what they are: the reader's own
  const label = (n) => (reg.get(family, n)?.textbook ? `${n} (textbook, not in PyTorch)` : n);
  return [...groups].map(([c, ns]) => (c === 'custom' ? ['your own', ns.map((n) => [n, `Your own (${n})`])] : [c, ns.map((n) => [n, label(n)])]));
}

/** Whether a trainer can use the loss on a data set of this task ('binary', 'multiclass', 'regression'). */
export function lossFits(reg, loss, task) {
  const t = reg.tasks(loss);
  return t.includes(task) || (t.includes('embedding') && (task === 'binary' || task === 'multiclass'));
}

/** A metric-learning loss: the network outputs an embedding (the trainer's task 'embedding'). */
export const isEmbeddingLoss = (reg, loss) => reg.tasks(loss).includes('embedding');

/** The losses that fit a task, in the core's order; embedding: false leaves the metric-learning ones out. */
export function lossesFor(reg, task, { embedding = true, written = true } = {}) {
  return reg.names('losses').filter((n) => lossFits(reg, n, task) && (embedding || !isEmbeddingLoss(reg, n))
    && (written || reg.category('losses', n) !== 'custom'));
}

/** The standard loss of a task: the first that fits it and is not metric learning or the reader's own. */
export const defaultLoss = (reg, task) => lossesFor(reg, task, { embedding: false, written: false })[0] ?? null;

/** The weight penalties (the trainer's regularization). */
export const penalties = (reg) => reg.names('losses').filter((n) => reg.isPenalty(n));

/** The optimizers a trainer offers, and the ones it cannot use with why. */
export function trainerOptimizers(reg) {
  const offered = [];
  const excluded = [];
  for (const n of reg.names('optimizers')) {
    if (reg.needsClosure(n)) excluded.push({ name: n, why: `${n} is not offered here: each of its steps re-evaluates the loss several times (a closure), and the trainer takes one gradient per step. Race it in the Optimizers room.` });
    else offered.push(n);
  }
  return { offered, excluded };
}

// v scaled by f, as a whole number of steps (at least 1).
const steps = (v, f) => Math.max(1, Math.round(v * f));

// The spec's length parameter scaled by f (and its children's, when it has one itself: a
// composition whose own timing is not fitted keeps its children's) and its rates by g.
function scale(reg, spec, f, g) {
  const out = { ...spec };
  const len = reg.lengthParam(spec.type);
  if (len && typeof out[len] === 'number') out[len] = steps(out[len], f);
  else if (len && Array.isArray(out[len])) {
    let last = 0;
    out[len] = out[len].map((v) => (last = Math.max(last + 1, steps(v, f))));
  }
  for (const p of reg.params('schedulers', spec.type)) {
    if (len && p.kind === 'specs' && Array.isArray(out[p.name])) out[p.name] = out[p.name].map((c) => (c && typeof c === 'object' ? scale(reg, c, f, g) : c));
  }
  if (g !== 1) for (const k of LR_PARAMS) if (typeof out[k] === 'number') out[k] = +(out[k] * g).toPrecision(12);
  for (const k of alternatives(len)) delete out[k];
  return out;
}

/** A scheduler's starter for a run of `budget` scheduler steps (keeps its own lr). */
export function starterFor(reg, type, budget) {
  return scale(reg, reg.starter('schedulers', type), Math.max(2, budget) / REF_STEPS, 1);
}

/** A scheduler's starter for a trainer: fitted to `budget` steps, its rates to the optimizer's `lr`, without an lr of its own. */
export function trainerSchedulerFor(reg, type, budget, lr) {
  const s = scale(reg, reg.starter('schedulers', type), Math.max(2, budget) / REF_STEPS, (lr ?? REF_LR) / REF_LR);
  delete s.lr;
  return s;
}

/** spec with its length parameter (and its children) refitted to `budget` steps; its other settings kept. */
export function fitSchedule(reg, spec, budget, lr) {
  const len = reg.lengthParam(spec.type);
  const fresh = trainerSchedulerFor(reg, spec.type, budget, lr);
  const out = { ...spec };
  if (len && fresh[len] !== undefined) out[len] = fresh[len];
  for (const p of reg.params('schedulers', spec.type)) if (len && p.kind === 'specs' && fresh[p.name] !== undefined) out[p.name] = fresh[p.name];
  for (const k of alternatives(len)) delete out[k];
  return out;
}

/**
 * The parameters a spec leaves out that have no default (required ones, and a length such as
 * OneCycleLR's total_steps unless its alternatives are given), filled from the type's starter
 * fitted to `budget`: what a bare `type` needs to draw. Parameters with a default keep it.
 */
export function withRequired(reg, spec, budget) {
  const fresh = starterFor(reg, spec.type, budget);
  const out = { ...spec };
  for (const p of reg.params('schedulers', spec.type)) {
    if (out[p.name] !== undefined || fresh[p.name] === undefined || !(p.required || p.default === null)) continue;
    if (alternatives(p.name).some((k) => out[k] !== undefined)) continue;
    out[p.name] = fresh[p.name];
  }
  return out;
}
