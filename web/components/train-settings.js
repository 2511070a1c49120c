// <steplab-train>'s settings: the createTrainer config its attributes (or `config`) describe,
// what is filled in once the data are known (the task's standard loss, a scheduler given by
// its type fitted to the run), and the controls a reader may be given (`controls="lr,optimizer"`).
import { ACTIVATIONS } from '../shared/train-settings.js';
import { defaultLoss, lossFits, trainerOptimizers, trainerSchedulerFor } from '../shared/choices.js';
import { firstEpochSteps } from '../shared/remote-run.js';
import { attrValue } from './lab.js';

export const DEFAULT = {
  dataset: { name: 'moons', n_samples: 400, noise: 0.2, seed: 0, val_fraction: 0.2 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  optimizer: { type: 'Adam', lr: 0.01 },
  batch_size: 32,
  epochs: 30,
  seed: 0,
};
// Attributes that belong to the page, and the component's own (not trainer settings).
const PAGE_ATTR = /^(aria-|data-|on)|^(class|style|id|title|lang|dir|tabindex|slot|part|is|role|translate|inert|draggable|spellcheck|autofocus|nonce|accesskey|exportparts)$/;
const OWN = new Set(['controls', 'locked', 'height', 'theme', 'config', 'speed', 'charts', 'autoplay']);
// Top-level createTrainer settings: plain values, and JSON objects.
const TOP = new Set(['batch_size', 'epochs', 'seed', 'scheduler_interval', 'scheduler_order', 'shuffle', 'mining']);
const TOP_JSON = new Set(['regularization', 'early_stopping', 'grad_clip', 'batch_size_schedule']);
export const CHARTS = { loss: 'loss', accuracy: 'accuracy', lr: 'learning rate' };
const BATCHES = [1, 8, 16, 32, 64, 128, 256, 'full'];

// "16,16", "16 16", "[16,16]", "" or "none" -> [16, 16] / [] (the core checks the widths).
export function parseHidden(text) {
  const t = String(text).trim();
  if (t === '' || t === 'none' || t === '[]') return [];
  if (t.startsWith('[')) { try { return JSON.parse(t); } catch { /* fall through: the core names the bad value */ } }
  return t.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean).map(Number);
}

// A string where createTrainer takes a spec becomes the spec ({ type } or { name }).
function normalise(cfg) {
  if (typeof cfg.dataset === 'string') cfg.dataset = { name: cfg.dataset, val_fraction: 0.2 };
  if (typeof cfg.optimizer === 'string') cfg.optimizer = { type: cfg.optimizer };
  if (typeof cfg.loss === 'string') cfg.loss = { type: cfg.loss };
  cfg.model = { ...cfg.model };
  return cfg;
}

// The spec a data set opens with (the core's starter: the Training room's too) with the previous
// seed; an unknown name stays a bare spec (the core names it).
function starterOf(reg, name, prev) {
  const base = reg.has('datasets', name) ? reg.starter('datasets', name) : { name, val_fraction: 0.2 };
  return { ...base, seed: prev?.seed ?? base.seed ?? 0 };
}

/**
 * The element's settings: { cfg (a createTrainer config), opts: { speed, charts }, lossAuto (no
 * loss given: the task's standard one), schedType (a scheduler given by its type alone) }.
 * Throws an Error worded for the page author.
 */
export function readSettings(host, reg, configProp) {
  const attr = (name) => host.getAttribute(name);
  const speed = attrValue(attr('speed') ?? '10');
  if (!(typeof speed === 'number' && speed >= 0 && speed <= 1e6)) {
    throw new Error(`steplab-train: speed must be epochs per second, a number >= 0 (0: as fast as the worker can), got '${attr('speed')}'`);
  }
  const charts = (attr('charts') ?? 'loss').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = charts.find((c) => !Object.hasOwn(CHARTS, c));
  if (bad) throw new Error(`steplab-train: charts must list ${Object.keys(CHARTS).join(', ')}, got '${bad}'`);
  const out = { opts: { speed, charts }, lossAuto: false, schedType: null, cfg: null };
  const autoFill = (cfg) => {
    if (!cfg.loss) out.lossAuto = true;
    if (typeof cfg.scheduler === 'string') out.schedType = cfg.scheduler;
    out.cfg = cfg;
    return out;
  };
  if (configProp) {
    // the config property or setState: a whole state ({ config, speed?, charts? }) or a trainer config
    const st = configProp;
    if (!st || typeof st !== 'object') throw new Error('steplab-train: config must be a createTrainer config object');
    const cfg = structuredClone(st.config && typeof st.config === 'object' ? st.config : st);
    if (st.config) {
      if (st.speed !== undefined) out.opts.speed = st.speed;
      if (Array.isArray(st.charts)) out.opts.charts = st.charts.filter((c) => Object.hasOwn(CHARTS, c));
    }
    return autoFill(normalise(cfg));
  }
  let cfg = structuredClone(DEFAULT);
  if (attr('config') !== null) {
    try { cfg = JSON.parse(attr('config')); } catch { throw new Error(`steplab-train: config is not valid JSON: ${attr('config').slice(0, 60)}`); }
    if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw new Error('steplab-train: config must be a JSON object (a createTrainer config)');
  }
  cfg = normalise(cfg);
  const ds = attr('dataset');
  if (ds !== null) {
    const v = attrValue(ds);
    // a data set named alone opens as the lab does: its registry starter (moons: 400 points, noise 0.2)
    cfg.dataset = v && typeof v === 'object' ? v : starterOf(reg, String(v), cfg.dataset);
  }
  const dataKind = reg.get('datasets', cfg.dataset?.name);
  for (const a of host.getAttributeNames()) {
    if (PAGE_ATTR.test(a) || OWN.has(a) || a === 'dataset') continue;
    const name = a.toLowerCase().replace(/-/g, '_');
    const raw = attr(a);
    const v = attrValue(raw);
    if (name === 'hidden') cfg.model.hidden = parseHidden(raw);
    else if (name === 'activation' || name === 'init' || name === 'embedding_dim') cfg.model[name] = v;
    else if (name === 'optimizer') cfg.optimizer = v && typeof v === 'object' ? v : { type: String(v), lr: cfg.optimizer?.lr ?? 0.01 };
    else if (name === 'lr') cfg.optimizer = { ...cfg.optimizer, lr: v };
    else if (name === 'loss') cfg.loss = v && typeof v === 'object' ? v : { type: String(v) };
    else if (name === 'scheduler') cfg.scheduler = v;
    else if (name === 'seed') {
      cfg.seed = v;
      if (!(ds && typeof attrValue(ds) === 'object')) cfg.dataset = { ...cfg.dataset, seed: v };
    } else if (TOP.has(name) || TOP_JSON.has(name)) cfg[name] = v;
    else {
      // a parameter of the data set (n-samples, noise, centers, ...) or of the optimizer (momentum, betas, ...)
      const optKind = reg.get('optimizers', cfg.optimizer?.type);
      const dp = dataKind?.params.find((p) => p.name.toLowerCase() === name);
      const op = optKind?.params.find((p) => p.name.toLowerCase() === name);
      if (dp) cfg.dataset = { ...cfg.dataset, [dp.name]: v };
      else if (op) cfg.optimizer = { ...cfg.optimizer, [op.name]: v };
      else throw new Error(`steplab-train: '${a}' is not a setting of the trainer, the data set ${cfg.dataset?.name} or the optimizer ${cfg.optimizer?.type}`);
    }
  }
  return autoFill(cfg);
}

/** Fills in what depends on the data: the task's standard loss, and a scheduler given by its type fitted to the run's length. */
export function fitToData(reg, settings, data) {
  const { cfg } = settings;
  if (settings.lossAuto && (!cfg.loss || !lossFits(reg, cfg.loss.type, data.task))) {
    const loss = defaultLoss(reg, data.task);
    if (loss) cfg.loss = { type: loss };
  }
  if (settings.schedType) {
    const perEpoch = firstEpochSteps(data.n_train, cfg.batch_size);
    const budget = cfg.scheduler_interval === 'epoch' ? cfg.epochs : cfg.epochs * perEpoch;
    cfg.scheduler = trainerSchedulerFor(reg, settings.schedType, Number(budget) || 1, cfg.optimizer?.lr ?? 0.01);
  }
}

/** The controls a reader may be given: { name: { kind, help, choices?, when?, get, set } }. set(v) returns true when the data set changed. */
export function controlSpecs(reg, settings) {
  const cfg = settings.cfg;
  const dataParam = (name) => reg.params('datasets', cfg.dataset?.name).find((p) => p.name === name);
  return {
    dataset: { kind: 'enum', help: 'data set', choices: reg.names('datasets'), get: () => cfg.dataset?.name,
      set: (v) => { cfg.dataset = starterOf(reg, v, cfg.dataset); settings.lossAuto = true; } },
    noise: { kind: 'number', help: 'noise of the data set', when: () => !!dataParam('noise'), get: () => cfg.dataset.noise ?? dataParam('noise')?.default,
      set: (v) => { cfg.dataset = { ...cfg.dataset, noise: v }; } },
    n_samples: { kind: 'integer', help: 'points in the data set', when: () => !!dataParam('n_samples'), get: () => cfg.dataset.n_samples ?? dataParam('n_samples')?.default,
      set: (v) => { cfg.dataset = { ...cfg.dataset, n_samples: v }; } },
    hidden: { kind: 'text', help: 'hidden layer widths, e.g. 16, 16 (empty: a linear model)', get: () => (cfg.model.hidden || []).join(', '),
      set: (v) => { cfg.model = { ...cfg.model, hidden: parseHidden(v) }; } },
    activation: { kind: 'enum', help: 'activation', choices: ACTIVATIONS, get: () => cfg.model.activation ?? 'relu', set: (v) => { cfg.model = { ...cfg.model, activation: v }; } },
    optimizer: { kind: 'enum', help: 'optimizer', choices: trainerOptimizers(reg).offered, get: () => cfg.optimizer?.type,
      set: (v) => { cfg.optimizer = { type: v, lr: cfg.optimizer?.lr ?? 0.01 }; } },
    lr: { kind: 'number', help: 'learning rate', get: () => cfg.optimizer?.lr, set: (v) => { cfg.optimizer = { ...cfg.optimizer, lr: v }; } },
    batch_size: { kind: 'enum', help: 'batch size', choices: BATCHES.includes(cfg.batch_size) ? BATCHES : [...BATCHES, cfg.batch_size], get: () => cfg.batch_size ?? 32,
      set: (v) => { cfg.batch_size = v === 'full' ? 'full' : Number(v); } },
    epochs: { kind: 'integer', help: 'epochs', get: () => cfg.epochs ?? 10, set: (v) => { cfg.epochs = v; } },
    seed: { kind: 'integer', help: 'seed of the data, the initial weights and the batches', get: () => cfg.seed ?? 0,
      set: (v) => { cfg.seed = v; cfg.dataset = { ...cfg.dataset, seed: v }; } },
  };
}
