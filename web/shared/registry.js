// The core's registry (lab.registry: one row per scheduler, optimizer, loss, surface and
// data set, with its parameters, defaults, ranges and help) as the page and the components
// read it. Everything the page offers comes from these rows; the page keeps only prose.
//
// Besides `name`, `summary` and `params`, the page reads these fields of a row:
//   category      every family: a group name for the menus
//   starter       every family: the spec the page opens the type with (a scheduler's starter
//                 describes a run of 100 scheduler steps at lr 0.1: see web/shared/choices.js)
//   length_param  schedulers: the parameter that sets the schedule's length or period, or null
//   view, start   surfaces: the box to draw ({ x: [a, b], y: [a, b] }) and the start point
//   tasks         losses: the tasks a trainer can use it for ('binary', 'multiclass',
//                 'regression'; 'embedding': metric learning on a classification set)
//   penalty       losses: a weight penalty (L1, L2, ElasticNet), for the trainer's regularization
//   closure       optimizers: each step re-evaluates the loss (LBFGS), which the trainer cannot do
// A field the row carries wins. FALLBACK holds the page's former hand-typed tables, used only
// where the core does not publish the field yet: DELETE each entry (then the whole table) once
// every row of the core's registry carries its field. A type the fallback does not know either
// still works: a starter of its type alone (the core names what is missing), no length, no tasks.

const FAMILIES = ['schedulers', 'optimizers', 'losses', 'surfaces', 'datasets'];
const KEY = { schedulers: 'type', optimizers: 'type', losses: 'type', surfaces: 'type', datasets: 'name' };

// ---------------------------------------------------------------- FALLBACK: delete once the core publishes these fields
// (the core publishes category, starter and length_param for schedulers and optimizers, and view
// and start for surfaces: their tables are gone; what is left here it does not publish yet)
const L = (category, tasks, starter = {}, penalty = false) => ({ category, tasks, starter, penalty });
const FALLBACK = {
  optimizers: { LBFGS: { closure: true } },
  losses: {
    MSELoss: L('regression', ['regression']), L1Loss: L('regression', ['regression']),
    HuberLoss: L('regression', ['regression']), SmoothL1Loss: L('regression', ['regression']),
    BCELoss: L('classification', []), BCEWithLogitsLoss: L('classification', ['binary']),
    CrossEntropyLoss: L('classification', ['multiclass']), NLLLoss: L('classification', []),
    FocalLoss: L('classification', ['binary', 'multiclass']),
    HingeLoss: L('margin', ['binary']), SquaredHingeLoss: L('margin', ['binary']), MultiMarginLoss: L('margin', ['multiclass']),
    ContrastiveLoss: L('metric learning', ['embedding']), TripletMarginLoss: L('metric learning', ['embedding']),
    CosineEmbeddingLoss: L('metric learning', []),
    L1: L('penalty', [], { lambda: 1e-3 }, true), L2: L('penalty', [], { lambda: 1e-3 }, true),
    ElasticNet: L('penalty', [], { l1: 1e-4, l2: 1e-3 }, true),
    WeightedSum: L('composition', [], { terms: [{ weight: 1, loss: { type: 'MSELoss' } }, { weight: 0.5, loss: { type: 'L1Loss' } }] }),
  },
  datasets: {
    circle: { category: 'classification, 2-D' }, xor: { category: 'classification, 2-D' }, gaussians: { category: 'classification, 2-D' },
    spiral: { category: 'classification, 2-D' }, moons: { category: 'classification, 2-D' }, blobs: { category: 'classification, 2-D' },
    spirals: { category: 'classification, 2-D' }, imbalanced: { category: 'classification, 2-D' },
    sine: { category: 'regression' }, linear_outliers: { category: 'regression' }, plane: { category: 'regression' },
    iris: { category: 'tables and images' }, digits: { category: 'tables and images' },
  },
};
// A data set opens with a little noise where it has any (the Training room's former rule).
function fallbackDatasetStarter(row) {
  const noise = row?.params?.find((p) => p.name === 'noise');
  return noise ? { noise: Math.min(0.15, Number(noise.hi) || 0.15) } : {};
}
// ---------------------------------------------------------------- end of FALLBACK

const own = (o, k) => (o && Object.hasOwn(o, k) ? o[k] : undefined);
// A surface without a published view is drawn on this box.
const DEFAULT_VIEW = { x: [-5, 5], y: [-5, 5] };
const pair = (v) => Array.isArray(v) && v.length === 2 && v.every(Number.isFinite);

// The registry of one core: rows by family and name, and their fields with the fallback.
export class Registry {
  constructor(raw) {
    this.raw = raw || {};
    this._rows = {};
    for (const f of FAMILIES) this._rows[f] = new Map((Array.isArray(this.raw[f]) ? this.raw[f] : []).map((r) => [r.name, r]));
  }

  /** The rows of a family, in the core's order. */
  list(family) { return [...(this._rows[family]?.values() ?? [])]; }
  names(family) { return [...(this._rows[family]?.keys() ?? [])]; }
  has(family, name) { return typeof name === 'string' && !!this._rows[family]?.has(name); }
  /** The row of a type, or null (never another object's property: names come from links). */
  get(family, name) { return (typeof name === 'string' && this._rows[family]?.get(name)) || null; }
  params(family, name) { return this.get(family, name)?.params ?? []; }
  summary(family, name) { return this.get(family, name)?.summary ?? ''; }

  // A field of a row: the row's own when it has one, else the fallback's, else `def`.
  field(family, name, key, def) {
    const row = this.get(family, name);
    if (row && Object.hasOwn(row, key)) return row[key];
    const fb = own(own(FALLBACK[family], name), key);
    return fb === undefined ? def : fb;
  }

  category(family, name) { return this.field(family, name, 'category', 'other') || 'other'; }

  /** A fresh copy of the spec the page opens a type with: { type, ... } ({ name, ... } for surfaces and data sets). */
  starter(family, name) {
    const key = KEY[family] || 'type';
    let s = this.field(family, name, 'starter', undefined);
    if (s === undefined && family === 'datasets') s = fallbackDatasetStarter(this.get(family, name));
    const out = { [key]: name, ...(s && typeof s === 'object' ? structuredClone(s) : {}) };
    out[key] = name;
    return out;
  }

  /** Surfaces: { x: [min, max], y: [min, max], start: [x, y] }, a fresh copy (a default box where the row has none). */
  view(name) {
    const v = this.field('surfaces', name, 'view', null);
    const box = v && pair(v.x) && pair(v.y) ? v : DEFAULT_VIEW;
    const start = this.field('surfaces', name, 'start', null);
    return { x: [...box.x], y: [...box.y], start: pair(start) ? [...start] : [box.x[0] + 0.1 * (box.x[1] - box.x[0]), box.y[1] - 0.1 * (box.y[1] - box.y[0])] };
  }

  /** Schedulers: the parameter that sets the schedule's length (or its period), or null. */
  lengthParam(name) { return this.field('schedulers', name, 'length_param', null) || null; }
  /** Losses: the trainer tasks the loss is for. */
  tasks(name) { const t = this.field('losses', name, 'tasks', []); return Array.isArray(t) ? t : []; }
  isPenalty(name) { return !!this.field('losses', name, 'penalty', false); }
  /** Optimizers: a step re-evaluates the loss through a closure (the trainer takes one gradient per step). */
  needsClosure(name) { return !!this.field('optimizers', name, 'closure', false); }
}
