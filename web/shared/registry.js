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
// Every one of these fields comes from the core (the page's former hand-typed tables are gone). A
// row without one still works: a starter of its type alone (the core names what is missing), no
// length, no tasks, category 'other'.

const FAMILIES = ['schedulers', 'optimizers', 'losses', 'surfaces', 'datasets'];
const KEY = { schedulers: 'type', optimizers: 'type', losses: 'type', surfaces: 'type', datasets: 'name' };


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

  // A field of a row: the row's own when it has one, else `def`.
  field(family, name, key, def) {
    const row = this.get(family, name);
    return row && Object.hasOwn(row, key) ? row[key] : def;
  }

  category(family, name) { return this.field(family, name, 'category', 'other') || 'other'; }

  /** A fresh copy of the spec the page opens a type with: { type, ... } ({ name, ... } for surfaces and data sets). */
  starter(family, name) {
    const key = KEY[family] || 'type';
    const s = this.field(family, name, 'starter', undefined);
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
