// The Training room's settings: the URL-hash table (trainProps), the trainer
// config built from them, short run labels for the legend, what differs between
// two runs, and the CSV limits. Plain functions, no DOM. Which losses fit which
// task, and which optimizers a trainer takes, come from the core's registry
// (web/shared/choices.js); the words about them from train-text.js.
import { ACTIVATIONS, INITS } from '../../shared/train-settings.js';
import { isEmbeddingLoss } from '../../shared/choices.js';
import { schedShort } from './train-text.js';
import { GROUP_PROPS, applyGroups, groupsLabel } from './train-groups-config.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const specOf = (what, extra) => (v) => (isObj(v) && typeof v.type === 'string' && /^\w{1,40}$/.test(v.type) && (!extra || extra(v))
  ? null : `${what} must be a spec object with a type`);
const orNull = (check) => (v) => (v === null ? null : check(v));

// The URL-hash table of the room (the optimizer must be one a trainer can step).
export function trainProps(reg) {
  return {
    data: { type: 'json', def: { name: 'moons', n_samples: 200, noise: 0.15, seed: 0, val_fraction: 0.2 },
      check: (v) => (isObj(v) && typeof v.name === 'string' && /^\w{1,40}$/.test(v.name) && Object.values(v).every((x) => isNum(x) || typeof x === 'string' || typeof x === 'boolean')
        ? null : 'data must be a data set spec { name, ... }') },
    extra: { type: 'json', def: [], check: (v) => (Array.isArray(v) && v.length <= 500 && v.every((p) => Array.isArray(p) && p.length === 3 && p.every(isNum))
      ? null : 'extra must be up to 500 points [x, y, label]') },
    model: { type: 'json', def: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
      check: (v) => (isObj(v) && Array.isArray(v.hidden) && v.hidden.length <= 6 && v.hidden.every((w) => Number.isInteger(w) && w >= 1 && w <= 512)
        && ACTIVATIONS.includes(v.activation) && INITS.includes(v.init) && (v.embedding_dim === undefined || (Number.isInteger(v.embedding_dim) && v.embedding_dim >= 1 && v.embedding_dim <= 64))
        ? null : 'model must be { hidden: up to 6 widths in [1, 512], activation, init, embedding_dim? }') },
    mining: { type: 'enum', def: 'random', choices: ['random', 'hard', 'semi-hard'] },
    loss: { type: 'json', def: { type: 'BCEWithLogitsLoss' }, check: specOf('loss') },
    reg: { type: 'json', def: null, check: orNull(specOf('reg', (v) => reg.isPenalty(v.type))) },
    opt: { type: 'json', def: { type: 'Adam', lr: 0.01 }, check: specOf('opt', (v) => !reg.needsClosure(v.type)) },
    sched: { type: 'json', def: null, check: orNull(specOf('sched')) },
    interval: { type: 'enum', def: 'step', choices: ['step', 'epoch'] },
    order: { type: 'enum', def: 'after', choices: ['after', 'before'] },
    bss: { type: 'json', def: null, check: orNull((v) => (isObj(v) && Array.isArray(v.milestones) && v.milestones.every(Number.isInteger) && isNum(v.gamma)
      ? null : 'bss must be { milestones: [epochs], gamma }')) },
    bmode: { type: 'enum', def: 'mini', choices: ['full', 'mini', 'sgd'] },
    batch: { type: 'int', def: 32, min: 1, max: 65536 },
    epochs: { type: 'int', def: 100, min: 1, max: 100000 },
    es: { type: 'json', def: null, check: orNull((v) => (isObj(v) ? null : 'es must be { patience, min_delta, restore_best }')) },
    clip: { type: 'json', def: null, check: orNull((v) => (isObj(v) ? null : 'clip must be { max_norm } or { clip_value }')) },
    seed: { type: 'int', def: 0, min: 0, max: 4294967295 },
    speed: { type: 'int', def: -10, min: -1000, max: 10000 }, // < 0: epochs per second, > 0: steps per frame, 0: as fast as possible (train-runs.js)
    log: { type: 'bool', def: true },
    ...GROUP_PROPS, // per-layer rates and the snapshot ensemble (train-groups-config.js)
  };
}

// The room's default settings (the defaults do not depend on the registry; only the checks read it).
export const TRAIN_DEFAULTS = Object.fromEntries(Object.entries(trainProps(null)).map(([k, p]) => [k, p.def]));

// The data set spec the trainer gets: the named set, or explicit arrays when points were added
// (raw = the named set unstandardised) or a CSV was loaded.
export function datasetSpec(state, raw, csv) {
  const { val_fraction = 0.2, seed = 0 } = state.data;
  if (csv) return { X: csv.X, y: csv.y, task: csv.task, val_fraction, seed };
  if (!state.extra.length || !raw) return { ...state.data };
  const X = [];
  for (let i = 0; i < raw.n_samples; i++) X.push(Array.from(raw.X.subarray(i * raw.n_features, (i + 1) * raw.n_features)));
  const y = Array.from(raw.y);
  for (const [a, b, c] of state.extra) { X.push([a, b]); y.push(c); }
  return { X, y, task: raw.task, val_fraction, seed };
}

// The createTrainer config of the room's settings on a data set spec.
export function trainerConfig(reg, state, dataset) {
  const config = {
    dataset: stripPrivate(dataset), model: { ...state.model }, loss: { ...state.loss }, optimizer: { ...state.opt },
    batch_size: state.bmode === 'full' ? 'full' : state.bmode === 'sgd' ? 1 : state.batch,
    epochs: state.epochs, seed: state.seed,
  };
  if (state.sched) {
    config.scheduler = { ...state.sched };
    config.scheduler_interval = state.interval;
    // 'before' orders the steps inside a batch: the core refuses it per epoch and with ReduceLROnPlateau
    if (state.order === 'before' && state.interval !== 'epoch' && state.sched.type !== 'ReduceLROnPlateau') config.scheduler_order = 'before';
  }
  if (state.bss && state.bmode === 'mini') config.batch_size_schedule = { ...state.bss };
  if (isEmbeddingLoss(reg, state.loss.type)) {
    if (state.mining !== 'random') config.mining = state.mining;
  } else {
    delete config.model.embedding_dim;
  }
  if (state.reg) config.regularization = { ...state.reg };
  if (state.es) config.early_stopping = { ...state.es };
  if (state.clip) config.grad_clip = { ...state.clip };
  return applyGroups(reg, config, state);
}

function stripPrivate(d) {
  const out = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && !k.startsWith('_')) out[k] = v;
  return out;
}

// A short name for the legend: "Adam 0.01 + cosine", "SGD momentum + step".
export function runLabel(state) {
  const o = state.opt;
  let name = o.type;
  if (o.type === 'SGD' && o.nesterov) name += ' Nesterov';
  else if (o.type === 'SGD' && o.momentum) name += ' momentum';
  const parts = [`${name} ${o.lr ?? ''}`.trim()];
  if (state.sched) parts.push(schedShort(state.sched.type));
  if (state.bss && state.bmode === 'mini') parts.push(`batch ×${state.bss.gamma}`);
  parts.push(...groupsLabel(state));
  return parts.join(' + ');
}

// What differs between two settings, for the legend of a pinned run: "loss: FocalLoss".
export function settingsDiff(a, b) {
  const out = [];
  const show = { opt: 'optimizer', sched: 'scheduler', loss: 'loss', model: 'model', reg: 'regularization', bmode: 'batches',
    batch: 'batch', bss: 'batch-size schedule', epochs: 'epochs', es: 'early stopping', clip: 'clipping', interval: 'interval',
    order: 'scheduler order', mining: 'mining', lrmult: 'layer rates', snap: 'snapshot ensemble' };
  for (const [k, name] of Object.entries(show)) {
    if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
    const v = b[k];
    out.push(`${name}: ${v === null ? 'none' : isObj(v) && v.type ? specText(v) : isObj(v) ? specText(v) : v}`);
  }
  return out;
}
const specText = (v) => Object.entries(v).map(([k, x]) => (k === 'type' ? x : `${k}=${Array.isArray(x) ? x.join('-') : x}`)).join(' ');

// The room's limits on an imported CSV, on top of the core's parser (lab.parseCSV, which reads
// the text: header, delimiters, quotes, and names the line and column of a bad value).
export const CSV_LIMITS = { rows: 20000, cols: 64, classes: 20, bytes: 4e6 };
// parsed: lab.parseCSV's result; returns the room's { X, y, task, header, n, d } or throws an Error.
export function checkCsv(parsed) {
  const { X, y, task } = parsed.dataset;
  const n = X.length;
  const d = parsed.feature_names.length;
  if (n < 4) throw new Error(`need at least 4 rows of numbers, got ${n}`);
  if (n > CSV_LIMITS.rows) throw new Error(`too many rows: ${n} (at most ${CSV_LIMITS.rows})`);
  if (d > CSV_LIMITS.cols) throw new Error(`too many columns: ${d + 1} (at most ${CSV_LIMITS.cols} features and a label)`);
  if (task !== 'regression' && new Set(y).size < 2) throw new Error('the label column holds only one class');
  return { X, y, task, header: [...parsed.feature_names, parsed.target_name], n, d };
}
