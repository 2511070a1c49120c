// The figures of a lesson: steplab component tags read from the Markdown source (parseTag), the
// attributes each component may have (checkAttributes: anything else is refused), and what the component
// computes from them (figureSpec: the lab-level spec it sends to its worker), so that the build can check a
// figure and the tests can measure what it shows. figureSpec mirrors the attribute reading of
// web/components/embed.js and train.js; the browser test compares it with each live component's getState().
import { LessonSyntaxError } from './quantity.mjs';

export const KINDS = { 'steplab-schedule': 'schedule', 'steplab-loss': 'loss', 'steplab-race': 'race', 'steplab-train': 'train', 'steplab-lrfinder': 'lrfinder',
  'steplab-exercise': 'exercise' };

const COMMON = ['id', 'caption', 'controls', 'locked', 'height', 'theme'];
const FIXED = {
  schedule: ['type', 'steps', 'config'],
  loss: ['against', 'delta', 'beta', 'gamma', 'alpha', 'margin', 'd-ap', 'derivatives', 'config'],
  race: ['fn', 'fn-params', 'start', 'steps', 'optimizers', 'speed', 'noise', 'seed', 'autoplay'],
  lrfinder: ['dataset', 'optimizer', 'loss', 'hidden', 'batch-size', 'seed', 'start-lr', 'end-lr', 'num-iter', 'step-mode', 'smooth-f',
    'diverge-th', 'seeds', 'config'],
  train: ['dataset', 'seed', 'hidden', 'activation', 'init', 'embedding-dim', 'optimizer', 'lr', 'loss', 'batch-size', 'epochs', 'scheduler',
    'scheduler-interval', 'scheduler-order', 'shuffle', 'mining', 'regularization', 'early-stopping', 'grad-clip', 'batch-size-schedule',
    'charts', 'speed', 'autoplay', 'config'],
  exercise: ['kind', 'reference', 'tolerance', 'n', 'steps', 'seed', 'starter', 'hyper', 'state', 'reduction', 'fn', 'fn-params', 'start'],
};
// Attributes whose value is JSON (checked at build time).
const JSON_ATTRS = new Set(['config', 'reference', 'hyper', 'state', 'fn-params', 'start', 'optimizers', 'regularization', 'early-stopping', 'grad-clip', 'batch-size-schedule', 'seeds']);
const kebab = (name) => name.replace(/_/g, '-').toLowerCase();

// The attribute names a figure of this kind may carry: the fixed ones, and for a schedule the scheduler's
// parameters, for a train figure the data set's and the optimizers' parameters (from the core's registry).
// A data set named alone opens as <steplab-train> opens it (web/components/train-settings.js): the core's
// starter for it (moons: 400 points, noise 0.2) with the previous seed; an unknown name stays bare.
function dataStarter(registry, name, prev) {
  const row = registry.datasets.find((k) => k.name === name);
  const base = row?.starter && typeof row.starter === 'object' ? { ...structuredClone(row.starter), name } : { name, val_fraction: 0.2 };
  return { ...base, seed: prev?.seed ?? base.seed ?? 0 };
}

export function allowedAttributes(kind, registry) {
  const names = new Set([...COMMON, ...FIXED[kind]]);
  if (kind === 'schedule') for (const k of registry.schedulers) for (const p of k.params) names.add(kebab(p.name));
  if (kind === 'train') {
    for (const k of registry.datasets) for (const p of k.params) names.add(kebab(p.name));
    for (const k of registry.optimizers) for (const p of k.params) names.add(kebab(p.name));
  }
  return names;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return Object.hasOwn(ENTITIES, e.toLowerCase()) ? ENTITIES[e.toLowerCase()] : m;
  });
}

export const escapeHtml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Reads `<steplab-x a="1" b='[2]' c>` then `</steplab-x>` (nothing between) from text, which starts with '<'.
// line: the source line (1-based) of text[0]. Returns { tag, attrs: Map name -> { value, line }, length }.
export function parseTag(text, line) {
  const lineAt = (i) => line + (text.slice(0, i).match(/\n/g) || []).length;
  const m = /^<([a-z][a-z0-9-]*)/.exec(text);
  if (!m) throw new LessonSyntaxError(`line ${line}: expected a tag`);
  const tag = m[1];
  let i = m[0].length;
  const attrs = new Map();
  for (;;) {
    const ws = /^\s*/.exec(text.slice(i))[0];
    i += ws.length;
    if (i >= text.length) throw new LessonSyntaxError(`line ${line}: <${tag}> is not closed with '>'`);
    if (text[i] === '>' || text.startsWith('/>', i)) { i += text[i] === '>' ? 1 : 2; break; }
    if (!ws) throw new LessonSyntaxError(`line ${lineAt(i)}: <${tag}>: expected a space before '${text.slice(i, i + 12)}'`);
    const a = /^([a-zA-Z_:][-a-zA-Z0-9_:.]*)/.exec(text.slice(i));
    if (!a) throw new LessonSyntaxError(`line ${lineAt(i)}: <${tag}>: '${text.slice(i, i + 12)}' is not an attribute`);
    const at = lineAt(i);
    const name = a[1].toLowerCase();
    i += a[1].length;
    let value = '';
    const eq = /^\s*=\s*/.exec(text.slice(i));
    if (eq) {
      i += eq[0].length;
      const q = text[i];
      if (q === '"' || q === "'") {
        const end = text.indexOf(q, i + 1);
        if (end < 0) throw new LessonSyntaxError(`line ${at}: <${tag}>: the value of ${name} has no closing ${q}`);
        value = text.slice(i + 1, end);
        i = end + 1;
      } else {
        const u = /^[^\s"'=<>`]+/.exec(text.slice(i));
        if (!u) throw new LessonSyntaxError(`line ${at}: <${tag}>: ${name}= has no value`);
        value = u[0];
        i += u[0].length;
      }
    }
    if (attrs.has(name)) throw new LessonSyntaxError(`line ${at}: <${tag}>: ${name} is given twice`);
    attrs.set(name, { value: decodeEntities(value), line: at });
  }
  const close = new RegExp(`^\\s*</${tag}\\s*>`).exec(text.slice(i));
  if (!close) {
    const rest = text.slice(i).trim();
    throw new LessonSyntaxError(`line ${lineAt(i)}: <${tag}> must be followed by </${tag}> with nothing between${rest ? `, got '${rest.slice(0, 30)}'` : ''}`);
  }
  return { tag, attrs, length: i + close[0].length };
}

// The attributes a figure may have, each value checked for its form (JSON parses, ids are names).
export function checkAttributes(fig, registry) {
  const kind = KINDS[fig.tag];
  if (!kind) throw new LessonSyntaxError(`line ${fig.line}: <${fig.tag}> is not a steplab component; the components are ${Object.keys(KINDS).join(', ')}`);
  const allowed = allowedAttributes(kind, registry);
  for (const [name, { value, line }] of fig.attrs) {
    if (!allowed.has(name)) {
      throw new LessonSyntaxError(`line ${line}: <${fig.tag}> may not have the attribute '${name}' (allowed: ${[...allowed].filter((n) => !/_/.test(n)).slice(0, 40).join(', ')}${allowed.size > 40 ? ', and the parameters of the schedulers, data sets and optimizers' : ''})`);
    }
    if (name === 'id' && !/^[a-z][a-z0-9_-]{0,40}$/i.test(value)) throw new LessonSyntaxError(`line ${line}: id must be a name of letters, digits, - and _ (starting with a letter), got '${value}'`);
    if (JSON_ATTRS.has(name) && /^\s*[[{]/.test(value)) {
      try { JSON.parse(value); } catch (e) { throw new LessonSyntaxError(`line ${line}: <${fig.tag}> ${name} is not valid JSON: ${e.message}`); }
    }
    if ((name === 'config' || name === 'optimizers' || name === 'fn-params' || name === 'start') && !/^\s*[[{]/.test(value)) {
      throw new LessonSyntaxError(`line ${line}: <${fig.tag}> ${name} must be JSON (in single quotes: ${name}='{"a": 1}'), got '${value.slice(0, 40)}'`);
    }
  }
  return kind;
}

// The embed's reading of one attribute value (embed.js attrValue).
export function attrValue(text) {
  const t = String(text).trim();
  if (t === 'true' || t === '') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (t.startsWith('[') || t.startsWith('{')) {
    try { return JSON.parse(t); } catch { return t; }
  }
  return t;
}

const PAGE_ATTRS = new Set(['id', 'caption', 'controls', 'locked', 'height', 'theme', 'class', 'style', 'title', 'lang', 'dir', 'hidden', 'tabindex', 'slot', 'part']);
const SCHEDULE_RESERVED = new Set([...PAGE_ATTRS, 'steps', 'config', 'derivatives', 'against', 'type']);
const LR_OPTIONS = ['start_lr', 'end_lr', 'num_iter', 'step_mode', 'smooth_f', 'diverge_th', 'seeds'];
const LR_DEFAULT = {
  dataset: { name: 'moons', n_samples: 400, noise: 0.15, seed: 1, val_fraction: 0.2 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 },
  batch_size: 32,
  seed: 0,
};
const LR_TASK_LOSS = { iris: 'CrossEntropyLoss', digits: 'CrossEntropyLoss', blobs: 'CrossEntropyLoss', spirals: 'CrossEntropyLoss',
  sine: 'MSELoss', linear_outliers: 'MSELoss', plane: 'MSELoss' };
const TRAIN_DEFAULT = {
  dataset: { name: 'moons', n_samples: 400, noise: 0.2, seed: 0, val_fraction: 0.2 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  optimizer: { type: 'Adam', lr: 0.01 },
  batch_size: 32,
  epochs: 30,
  seed: 0,
};
// Attributes that belong to the page, not the trainer (train.js's PAGE_ATTR); `hidden` is the layer widths.
const TRAIN_PAGE = /^(aria-|data-|on)|^(class|style|id|title|lang|dir|tabindex|slot|part|is|role|translate|inert|draggable|spellcheck|autofocus|nonce|accesskey|exportparts)$/;
const TRAIN_OWN = new Set(['controls', 'locked', 'height', 'theme', 'config', 'speed', 'charts', 'autoplay', 'caption', 'id']);
const TRAIN_TOP = new Set(['batch_size', 'epochs', 'seed', 'scheduler_interval', 'scheduler_order', 'shuffle', 'mining',
  'regularization', 'early_stopping', 'grad_clip', 'batch_size_schedule']);
// The standard loss of each task (the Training room's first fitting loss), for a train figure without one.
export const TASK_LOSS = { binary: 'BCEWithLogitsLoss', multiclass: 'CrossEntropyLoss', regression: 'MSELoss' };

export function parseHidden(text) {
  const t = String(text).trim();
  if (t === '' || t === 'none' || t === '[]') return [];
  if (t.startsWith('[')) { try { return JSON.parse(t); } catch { /* the core names the bad value */ } }
  return t.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean).map(Number);
}

function normaliseTrain(cfg) {
  if (typeof cfg.dataset === 'string') cfg.dataset = { name: cfg.dataset, val_fraction: 0.2 };
  if (typeof cfg.optimizer === 'string') cfg.optimizer = { type: cfg.optimizer };
  if (typeof cfg.loss === 'string') cfg.loss = { type: cfg.loss };
  cfg.model = { ...cfg.model };
  return cfg;
}

// What the component computes from its attributes (a Map name -> value), as plain data:
//   schedule { params, steps }   loss { params }   race { fn, fn_params, start, steps, noise, seed, optimizers, speed }
//   train { config, lossAuto }   lrfinder { config, options }
export function figureSpec(kind, attrs, registry) {
  const has = (n) => attrs.has(n);
  const raw = (n) => attrs.get(n);
  if (kind === 'schedule') {
    if (has('config')) {
      const cfg = JSON.parse(raw('config'));
      const { steps = 100, ...rest } = cfg;
      return { params: cfg.params ? { ...cfg.params } : cfg.spec ? { ...cfg.spec } : rest, steps };
    }
    const type = has('type') ? raw('type') : 'StepLR';
    const k = registry.schedulers.find((s) => s.name.toLowerCase() === type.toLowerCase());
    const params = { type: k ? k.name : type };
    for (const [a, v] of attrs) {
      if (SCHEDULE_RESERVED.has(a) || a.startsWith('aria-') || a.startsWith('data-')) continue;
      const snake = a.replace(/-/g, '_');
      const p = k?.params.find((x) => x.name.toLowerCase() === snake.toLowerCase());
      params[p ? p.name : snake] = attrValue(v);
    }
    return { params, steps: Number(has('steps') ? raw('steps') : 100) };
  }
  if (kind === 'loss') {
    const params = { panel: 'error' };
    if (has('config')) { const c = JSON.parse(raw('config')); Object.assign(params, c.params || c); return { params }; }
    params.panel = raw('against') || 'error';
    for (const k of ['delta', 'beta', 'gamma', 'alpha', 'margin', 'd_ap']) if (has(k.replace('_', '-'))) params[k] = Number(raw(k.replace('_', '-')));
    params.derivatives = has('derivatives');
    return { params };
  }
  if (kind === 'race') {
    const json = (n, d) => (has(n) ? JSON.parse(raw(n)) : d);
    return { fn: raw('fn') || 'rosenbrock', fn_params: json('fn-params', {}), start: json('start', [-1.5, 2.5]), steps: Number(raw('steps') || 200),
      noise: Number(raw('noise') || 0), seed: Number(raw('seed') || 0),
      optimizers: json('optimizers', [{ type: 'SGD', lr: 0.001, momentum: 0.9 }, { type: 'Adam', lr: 0.1 }]), speed: Number(raw('speed') || 60) };
  }
  if (kind === 'lrfinder') {
    const cfgAttr = has('config') ? JSON.parse(raw('config')) : null;
    let config = structuredClone(LR_DEFAULT);
    let options = {};
    if (cfgAttr?.config) { config = structuredClone(cfgAttr.config); options = { ...(cfgAttr.options || {}) }; }
    else if (cfgAttr) config = structuredClone(cfgAttr);
    const attr = (name) => { const a = raw(name) ?? raw(name.replace(/_/g, '-')); return a === undefined ? undefined : attrValue(a); };
    for (const k of LR_OPTIONS) if (attr(k) !== undefined) options[k] = attr(k);
    if (typeof options.seeds === 'string') options.seeds = options.seeds.split(',').map(Number);
    if (typeof options.seeds === 'number') options.seeds = [options.seeds];
    const ds = attr('dataset');
    if (ds !== undefined) {
      config.dataset = typeof ds === 'object' ? ds : { name: String(ds), val_fraction: 0.2 };
      if (attr('loss') === undefined && !cfgAttr) config.loss = { type: LR_TASK_LOSS[config.dataset.name] || 'BCEWithLogitsLoss' };
    }
    const opt = attr('optimizer');
    if (opt !== undefined) config.optimizer = typeof opt === 'object' ? opt : { type: String(opt), lr: 0.1 };
    const loss = attr('loss');
    if (loss !== undefined) config.loss = typeof loss === 'object' ? loss : { type: String(loss) };
    const hidden = attr('hidden');
    if (hidden !== undefined) config.model = { ...config.model, hidden: Array.isArray(hidden) ? hidden : [hidden] };
    for (const k of ['batch_size', 'seed']) if (attr(k) !== undefined) config[k] = attr(k);
    return { config, options };
  }
  if (kind === 'train') {
    let cfg = has('config') ? JSON.parse(raw('config')) : structuredClone(TRAIN_DEFAULT);
    cfg = normaliseTrain(cfg);
    const ds = raw('dataset');
    if (ds !== undefined) {
      const v = attrValue(ds);
      cfg.dataset = v && typeof v === 'object' ? v : dataStarter(registry, String(v), cfg.dataset);
    }
    const dataKind = registry.datasets.find((k) => k.name === cfg.dataset?.name);
    for (const [a, rawValue] of attrs) {
      if (TRAIN_OWN.has(a) || a === 'dataset' || TRAIN_PAGE.test(a)) continue;
      const name = a.replace(/-/g, '_');
      const v = attrValue(rawValue);
      if (name === 'hidden') cfg.model.hidden = parseHidden(rawValue);
      else if (name === 'activation' || name === 'init' || name === 'embedding_dim') cfg.model[name] = v;
      else if (name === 'optimizer') cfg.optimizer = v && typeof v === 'object' ? v : { type: String(v), lr: cfg.optimizer?.lr ?? 0.01 };
      else if (name === 'lr') cfg.optimizer = { ...cfg.optimizer, lr: v };
      else if (name === 'loss') cfg.loss = v && typeof v === 'object' ? v : { type: String(v) };
      else if (name === 'scheduler') cfg.scheduler = v;
      else if (name === 'seed') {
        cfg.seed = v;
        if (!(ds && typeof attrValue(ds) === 'object')) cfg.dataset = { ...cfg.dataset, seed: v };
      } else if (TRAIN_TOP.has(name)) cfg[name] = v;
      else {
        const optKind = registry.optimizers.find((k) => k.name === cfg.optimizer?.type);
        const dp = dataKind?.params.find((p) => p.name.toLowerCase() === name);
        const op = optKind?.params.find((p) => p.name.toLowerCase() === name);
        if (dp) cfg.dataset = { ...cfg.dataset, [dp.name]: v };
        else if (op) cfg.optimizer = { ...cfg.optimizer, [op.name]: v };
        else throw new LessonSyntaxError(`<steplab-train>: '${a}' is not a setting of the trainer, the data set ${cfg.dataset?.name} or the optimizer ${cfg.optimizer?.type}`);
      }
    }
    return { config: cfg, lossAuto: !cfg.loss };
  }
  if (kind === 'exercise') return exerciseSpec(attrs, registry);
  throw new LessonSyntaxError(`unknown figure kind ${kind}`);
}

// <steplab-exercise>'s reading of its attributes (web/components/exercise.js _readConfig): the reference,
// the rule in the box at first (the starter), its hyper and state, the grading options, a race's surface.
const EXERCISE_REF = { optimizer: { type: 'Adam', lr: 0.01 }, loss: { type: 'HuberLoss' } };
export const EXERCISE_CONTROLS = ['rule', 'hyper', 'state'];
function exerciseSpec(attrs, registry) {
  const json = (n, d) => (attrs.has(n) ? JSON.parse(attrs.get(n)) : d);
  const kind = attrs.get('kind') || 'optimizer';
  if (kind !== 'optimizer' && kind !== 'loss') throw new LessonSyntaxError(`<steplab-exercise>: kind must be optimizer or loss, got '${kind}'`);
  const rows = kind === 'loss' ? registry.losses : registry.optimizers;
  const starterOf = (name) => ({ ...structuredClone(rows.find((r) => r.name === name)?.starter || {}), type: name });
  const refText = attrs.get('reference');
  let reference = EXERCISE_REF[kind];
  if (refText !== undefined) reference = /^\s*\{/.test(refText) ? JSON.parse(refText) : rows.some((r) => r.name === refText.trim()) ? starterOf(refText.trim()) : { type: refText.trim() };
  const custom = starterOf('Custom');
  const num = (n, d) => (attrs.has(n) ? Number(attrs.get(n)) : d);
  const options = { n: num('n', kind === 'loss' ? 64 : 16), seed: num('seed', 1), tol: num('tolerance', 1e-5) };
  if (kind === 'optimizer') options.steps = num('steps', 200);
  const s = { kind, reference, rule: attrs.get('starter') ?? (kind === 'loss' ? custom.expr : custom.update) ?? '', hyper: json('hyper', custom.hyper || {}), options };
  if (kind === 'optimizer') Object.assign(s, { state: json('state', custom.state || {}), fn: attrs.get('fn') || 'rosenbrock', fn_params: json('fn-params', {}), start: json('start', [-1.5, 2.5]) });
  else s.reduction = attrs.get('reduction') || reference.reduction || 'mean';
  return s;
}

/** The student's spec an exercise grades (what the component's editor sends): a Custom optimizer or loss. */
export function exerciseStudent(s) {
  if (s.kind === 'loss') return { type: 'Custom', hyper: s.hyper, reduction: s.reduction, expr: s.rule };
  const spec = { type: 'Custom', hyper: s.hyper, state: s.state, update: s.rule };
  if (s.reference.lr !== undefined && s.hyper?.lr === undefined) spec.lr = s.reference.lr;
  return spec;
}

// The controls a reader has on a figure (its `controls` attribute, unless locked).
export function figureControls(attrs) {
  if (attrs.has('locked')) return [];
  return (attrs.get('controls') || '').split(',').map((s) => s.trim().replace(/-/g, '_')).filter(Boolean);
}

// A reader's change through one of the component's own controls, applied to a spec as the component does.
export function applyControl(kind, spec, name, value, registry) {
  const s = structuredClone(spec);
  if (kind === 'schedule') {
    const k = registry.schedulers.find((x) => x.name === s.params.type);
    const p = k?.params.find((x) => x.name.toLowerCase() === name.toLowerCase());
    s.params[p ? p.name : name] = value;
  } else if (kind === 'loss') {
    s.params[name] = value;
  } else if (kind === 'exercise') {
    if (!EXERCISE_CONTROLS.includes(name)) throw new LessonSyntaxError(`<steplab-exercise> has no control '${name}' (it has ${EXERCISE_CONTROLS.join(', ')})`);
    s[name] = value;
  } else if (kind === 'train') {
    const cfg = s.config;
    if (name === 'dataset') { cfg.dataset = dataStarter(registry, value, cfg.dataset); s.lossAuto = true; }
    else if (name === 'noise' || name === 'n_samples') cfg.dataset = { ...cfg.dataset, [name]: value };
    else if (name === 'hidden') cfg.model = { ...cfg.model, hidden: parseHidden(value) };
    else if (name === 'activation') cfg.model = { ...cfg.model, activation: value };
    else if (name === 'optimizer') cfg.optimizer = { type: value, lr: cfg.optimizer?.lr ?? 0.01 };
    else if (name === 'lr') cfg.optimizer = { ...cfg.optimizer, lr: value };
    else if (name === 'batch_size') cfg.batch_size = value === 'full' ? 'full' : Number(value);
    else if (name === 'epochs') cfg.epochs = value;
    else if (name === 'seed') { cfg.seed = value; cfg.dataset = { ...cfg.dataset, seed: value }; }
    else throw new LessonSyntaxError(`<steplab-train> has no control '${name}'`);
  } else if (kind === 'lrfinder') {
    const { config, options } = s;
    if (name === 'optimizer') config.optimizer = { ...config.optimizer, type: value };
    else if (name === 'dataset') { config.dataset = { name: value, val_fraction: config.dataset?.val_fraction ?? 0.2 }; config.loss = { type: LR_TASK_LOSS[value] || 'BCEWithLogitsLoss' }; }
    else if (name === 'seeds') { const seeds = String(value).split(',').map((v) => v.trim()).filter(Boolean).map(Number); if (seeds.length) options.seeds = seeds; else delete options.seeds; }
    else if (LR_OPTIONS.includes(name)) options[name] = value;
    else config[name] = value;
  } else {
    throw new LessonSyntaxError(`<steplab-${kind}> has no controls of its own; declare an input: line in the challenge`);
  }
  return s;
}

// "optimizers[1].momentum" -> { attr: 'optimizers', path: [1, 'momentum'] }; "steps" -> { attr: 'steps', path: [] }.
export function parsePath(text) {
  const t = text.trim();
  const m = /^([a-z][a-z0-9-]*)((?:\[\d+\]|\.[A-Za-z_]\w*)*)$/.exec(t);
  if (!m) throw new LessonSyntaxError(`'${t}' is not an attribute path (an attribute, then [index] or .key parts: optimizers[1].momentum)`);
  const path = [...m[2].matchAll(/\[(\d+)\]|\.([A-Za-z_]\w*)/g)].map((x) => (x[1] !== undefined ? Number(x[1]) : x[2]));
  return { attr: m[1], path };
}

// The attribute's new text after setting value at path inside it (JSON attributes keep their other fields).
export function setPath(attrText, path, value) {
  if (path.length === 0) return typeof value === 'string' ? value : JSON.stringify(value);
  const root = attrText === undefined ? (typeof path[0] === 'number' ? [] : {}) : JSON.parse(attrText);
  let o = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (o[path[i]] === undefined || o[path[i]] === null) o[path[i]] = typeof path[i + 1] === 'number' ? [] : {};
    o = o[path[i]];
  }
  o[path[path.length - 1]] = value;
  return JSON.stringify(root);
}
