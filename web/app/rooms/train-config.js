// The Training room's settings: the URL-hash table (PROPS), the trainer config
// built from them, which losses fit which task and why, the presets, short
// run labels for the legend, and the CSV reader. Plain functions, no DOM.

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const specOf = (what, extra) => (v) => (isObj(v) && typeof v.type === 'string' && /^\w{1,40}$/.test(v.type) && (!extra || extra(v))
  ? null : `${what} must be a spec object with a type`);
const orNull = (check) => (v) => (v === null ? null : check(v));

// Metric learning: the network outputs an embedding, and the labels only say which rows belong together.
export const EMBED = {
  ContrastiveLoss: 'metric learning on pairs: same-class pairs pulled together (½D²), other pairs pushed apart until the margin',
  TripletMarginLoss: 'metric learning on triplets: an anchor must be nearer its positive than its negative by the margin',
};
export const isEmbedding = (loss) => loss.type in EMBED;

// Losses that fit each task, with the one-line reason shown next to the choice. The trainer
// refuses any other pairing with a message naming the fitting ones.
export const LOSS_FITS = {
  binary: {
    BCEWithLogitsLoss: 'one logit per point, sigmoid and log-loss fused: the numerically stable standard for two classes',
    FocalLoss: 'log-loss scaled by (1 − p)^γ: easy, confident points stop dominating, which helps a rare class',
    HingeLoss: 'the SVM margin loss on labels ±1: only points inside the margin or misclassified count',
    SquaredHingeLoss: 'the squared margin loss: smooth at the margin, punishes large violations more',
    ContrastiveLoss: EMBED.ContrastiveLoss,
    TripletMarginLoss: EMBED.TripletMarginLoss,
  },
  multiclass: {
    CrossEntropyLoss: 'softmax over one logit per class and the log-loss of the true class: the standard for K classes',
    MultiMarginLoss: 'the multi-class hinge: the true class must beat every other by a margin',
    FocalLoss: 'softmax cross-entropy scaled by (1 − p)^γ: down-weights classes the model already gets right',
    ContrastiveLoss: EMBED.ContrastiveLoss,
    TripletMarginLoss: EMBED.TripletMarginLoss,
  },
  regression: {
    MSELoss: 'squared error: the mean is the best guess, but one large error dominates',
    L1Loss: 'absolute error: the median is the best guess, robust to outliers, constant gradient',
    HuberLoss: 'squared below δ, absolute above: MSE near the target, L1 for outliers',
    SmoothL1Loss: 'Huber divided by β: the detection-regression loss',
  },
};
export const LOSS_WHY_NOT = {
  binary: 'Regression losses compare numbers, not classes; CrossEntropyLoss needs one logit per class (use BCEWithLogitsLoss for two).',
  multiclass: 'Binary losses score one logit; regression losses would treat class numbers as distances.',
  regression: 'Classification losses need class labels; a continuous target has none.',
};

export const ACTIVATIONS = ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'linear'];
export const INITS = ['pytorch', 'xavier', 'he'];
// The trainer needs one gradient per step; L-BFGS re-evaluates the loss many times per step (a closure).
export const SKIP_OPTIMIZERS = new Set(['LBFGS']);

export const PROPS = {
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
  reg: { type: 'json', def: null, check: orNull(specOf('reg', (v) => ['L1', 'L2', 'ElasticNet'].includes(v.type))) },
  opt: { type: 'json', def: { type: 'Adam', lr: 0.01 }, check: specOf('opt', (v) => !SKIP_OPTIMIZERS.has(v.type)) },
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
  speed: { type: 'int', def: 0, min: 0, max: 10000 },
  log: { type: 'bool', def: true },
};

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

// The createTrainer config of the room's settings on a data set spec with `nTrain` training rows.
export function trainerConfig(state, dataset) {
  const config = {
    dataset: stripPrivate(dataset), model: { ...state.model }, loss: { ...state.loss }, optimizer: { ...state.opt },
    batch_size: state.bmode === 'full' ? 'full' : state.bmode === 'sgd' ? 1 : state.batch,
    epochs: state.epochs, seed: state.seed,
  };
  if (state.sched) {
    config.scheduler = { ...state.sched };
    config.scheduler_interval = state.interval;
    if (state.order === 'before') config.scheduler_order = 'before';
  }
  if (state.bss && state.bmode === 'mini') config.batch_size_schedule = { ...state.bss };
  if (isEmbedding(state.loss)) {
    if (state.mining !== 'random') config.mining = state.mining;
  } else {
    delete config.model.embedding_dim;
  }
  if (state.reg) config.regularization = { ...state.reg };
  if (state.es) config.early_stopping = { ...state.es };
  if (state.clip) config.grad_clip = { ...state.clip };
  return config;
}

function stripPrivate(d) {
  const out = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && !k.startsWith('_')) out[k] = v;
  return out;
}

// Short names for the legend: "Adam 0.01 + cosine", "SGD momentum + step".
const SCHED_SHORT = { StepLR: 'step', MultiStepLR: 'multistep', CosineAnnealingLR: 'cosine', CosineAnnealingWarmRestarts: 'SGDR',
  OneCycleLR: 'one-cycle', ExponentialLR: 'exp', CyclicLR: 'cyclic', ReduceLROnPlateau: 'plateau', LinearLR: 'linear',
  SequentialLR: 'warm-up', PolynomialLR: 'poly', ConstantLR: 'constant' };
export function runLabel(state) {
  const o = state.opt;
  let name = o.type;
  if (o.type === 'SGD' && o.nesterov) name += ' Nesterov';
  else if (o.type === 'SGD' && o.momentum) name += ' momentum';
  const parts = [`${name} ${o.lr ?? ''}`.trim()];
  if (state.sched) parts.push(SCHED_SHORT[state.sched.type] || state.sched.type);
  if (state.bss && state.bmode === 'mini') parts.push(`batch ×${state.bss.gamma}`);
  return parts.join(' + ');
}

// What differs between two settings, for the legend of a pinned run: "loss: FocalLoss".
export function settingsDiff(a, b) {
  const out = [];
  const show = { opt: 'optimizer', sched: 'scheduler', loss: 'loss', model: 'model', reg: 'regularization', bmode: 'batches',
    batch: 'batch', bss: 'batch-size schedule', epochs: 'epochs', es: 'early stopping', clip: 'clipping', interval: 'interval',
    order: 'scheduler order', mining: 'mining' };
  for (const [k, name] of Object.entries(show)) {
    if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
    const v = b[k];
    out.push(`${name}: ${v === null ? 'none' : isObj(v) && v.type ? specText(v) : isObj(v) ? specText(v) : v}`);
  }
  return out;
}
const specText = (v) => Object.entries(v).map(([k, x]) => (k === 'type' ? x : `${k}=${Array.isArray(x) ? x.join('-') : x}`)).join(' ');

// A scheduler with its required parameters filled for a run of `budget` scheduler steps.
export function schedulerStarter(type, budget, lr) {
  const n = Math.max(2, budget);
  const s = {
    LambdaLR: { lr_lambda: '0.97 ^ epoch' }, MultiplicativeLR: { lr_lambda: '0.99' },
    StepLR: { step_size: Math.max(1, Math.round(n / 3)), gamma: 0.1 },
    MultiStepLR: { milestones: [Math.round(n / 2), Math.round((3 * n) / 4)], gamma: 0.1 },
    ConstantLR: { factor: 0.5, total_iters: Math.round(n / 10) || 1 },
    LinearLR: { start_factor: 0.1, total_iters: Math.round(n / 10) || 1 },
    ExponentialLR: { gamma: +(0.01 ** (1 / n)).toPrecision(4) },
    PolynomialLR: { total_iters: n, power: 1 },
    CosineAnnealingLR: { T_max: n },
    CosineAnnealingWarmRestarts: { T_0: Math.max(1, Math.round(n / 7)), T_mult: 2 },
    CyclicLR: { base_lr: +(lr / 10).toPrecision(3), max_lr: lr, step_size_up: Math.max(1, Math.round(n / 8)), cycle_momentum: false },
    OneCycleLR: { max_lr: lr, total_steps: n },
    ReduceLROnPlateau: { factor: 0.5, patience: 5 },
    SequentialLR: { schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: Math.max(1, Math.round(n / 10)) },
      { type: 'CosineAnnealingLR', T_max: n - Math.max(1, Math.round(n / 10)) }], milestones: [Math.max(1, Math.round(n / 10))] },
    ChainedScheduler: { schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: Math.max(1, Math.round(n / 10)) },
      { type: 'ExponentialLR', gamma: +(0.1 ** (1 / n)).toPrecision(4) }] },
    InverseTimeDecay: { decay_rate: +(10 / n).toPrecision(3) },
    ExponentialDecay: { decay_rate: 0.5, decay_steps: Math.max(1, Math.round(n / 5)) },
    NaturalExpDecay: { decay_rate: +(3 / n).toPrecision(3) },
  }[type] || {};
  return { type, ...s };
}

// Presets, each with why it works. `state` is merged over the room's defaults.
export const PRESETS = [
  { name: 'moons: Adam 0.01, 16-16 tanh',
    why: 'Two interleaving half-moons need a curved boundary, and two hidden layers of 16 tanh units draw one smoothly '
      + '(tanh is zero-centred, so the next layer sees balanced inputs). Adam at 0.01 is the default that is "usually second best at worst": '
      + 'its per-weight step size evens out the very different gradient scales of the two layers, and 0.01 is large enough to finish in '
      + 'a few hundred steps of batch 32 without oscillating.',
    state: { data: { name: 'moons', n_samples: 400, noise: 0.2, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' }, loss: { type: 'BCEWithLogitsLoss' }, reg: null,
      opt: { type: 'Adam', lr: 0.01 }, sched: null, bmode: 'mini', batch: 32, epochs: 60, es: null, clip: null } },
  { name: 'digits: SGD Nesterov + OneCycle',
    why: 'Sixty-four pixels, ten classes: a 64-32-10 network with softmax cross-entropy. The one-cycle schedule warms the rate up '
      + 'from max_lr/25 to max_lr over the first 30 % of the steps, which lets SGD with Nesterov momentum take large, stable steps '
      + 'through the middle of training, then anneals it far below its start so the last epochs settle into a minimum '
      + '("super-convergence"). Nesterov looks ahead along the momentum before taking the gradient, which damps the overshoot that large '
      + 'rates cause. total_steps must equal epochs × steps per epoch, or the cycle ends early or never finishes.',
    state: { data: { name: 'digits', seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [32], activation: 'relu', init: 'he' }, loss: { type: 'CrossEntropyLoss' }, reg: null,
      opt: { type: 'SGD', lr: 0.1, momentum: 0.9, nesterov: true }, sched: { type: 'OneCycleLR', max_lr: 0.2, total_steps: 460 },
      interval: 'step', bmode: 'mini', batch: 64, epochs: 20, es: null, clip: null } },
  { name: 'imbalanced: focal vs BCE',
    why: 'Only 5 % of the points are positive, so a model that says "negative" everywhere is 95 % accurate: watch accuracy lie while '
      + 'recall and F1 tell the truth. Focal loss multiplies each point\'s log-loss by (1 − p)^γ: with γ = 2 an easy negative at p = 0.9 '
      + 'counts 0.01 of its loss and a hard one at p = 0.2 counts 0.64, so the many easy negatives stop drowning the few positives; '
      + 'α = 0.75 weights the positive class 3 : 1 on top (torchvision\'s default 0.25 is RetinaNet\'s value, tuned with γ for detection, '
      + 'and here would weight the rare class down). Pin this run, switch the loss to BCEWithLogitsLoss and train again: '
      + 'the accuracies barely differ, recall and the confusion matrices do.',
    state: { data: { name: 'imbalanced', n_samples: 1000, positive_rate: 0.05, class_sep: 1.5, seed: 0, val_fraction: 0.3 }, extra: [],
      model: { hidden: [8], activation: 'relu', init: 'he' }, loss: { type: 'FocalLoss', alpha: 0.75, gamma: 2 }, reg: null,
      opt: { type: 'Adam', lr: 0.01 }, sched: null, bmode: 'mini', batch: 64, epochs: 40, es: null, clip: null } },
  { name: 'outliers: Huber vs MSE',
    why: 'A straight line with a few gross outliers below its right end. MSE squares every error, so the outliers\' large errors dominate '
      + 'the gradient and tilt the fit towards them; Huber is quadratic only below δ = 1 and linear above, so each outlier pulls with a '
      + 'bounded force and the line follows the bulk of the points. Pin the Huber run, switch to MSELoss and compare the fitted lines.',
    state: { data: { name: 'linear_outliers', n_samples: 200, noise: 0.1, outlier_fraction: 0.1, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [], activation: 'linear', init: 'pytorch' }, loss: { type: 'HuberLoss', delta: 1 }, reg: null,
      opt: { type: 'SGD', lr: 0.05, momentum: 0.9 }, sched: null, bmode: 'mini', batch: 16, epochs: 40, es: null, clip: null } },
  { name: 'don\'t decay the learning rate, increase the batch size',
    why: 'Smith, Kindermans, Ying and Le (2017): the noise of SGD grows with lr / B, so dividing the learning rate by 5 and multiplying '
      + 'the batch size by 5 cool the training down alike. This run keeps SGD\'s rate at 0.1 and multiplies the batch from 16 to 80 to 400 '
      + 'at epochs 10 and 20; pin it, then switch the batch-size schedule off and add MultiStepLR (milestones 10, 20, gamma 0.2, '
      + 'interval: epoch) and train again. The loss curves per epoch nearly coincide, but the growing batch needs far fewer optimizer '
      + 'steps: the learning-rate chart (one point per step) shows it.',
    state: { data: { name: 'moons', n_samples: 2000, noise: 0.25, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' }, loss: { type: 'BCEWithLogitsLoss' }, reg: null,
      opt: { type: 'SGD', lr: 0.1, momentum: 0.9 }, sched: null, bmode: 'mini', batch: 16, bss: { milestones: [10, 20], gamma: 5 },
      epochs: 30, es: null, clip: null } },
  { name: 'embedding: triplets on blobs',
    why: 'Metric learning: the network maps each point to 2 numbers, and TripletMarginLoss asks every anchor to be nearer a point of '
      + 'its own class than one of another class, by a margin of 1. No class scores are learnt: the embedding view shows the classes '
      + 'pulled into separate clusters, and accuracy is that of the nearest class centroid in embedding space. Switch mining to '
      + '"semi-hard" to pick, in each batch, the nearest negative that is still farther than the positive (FaceNet\'s rule): '
      + 'the loss stays informative once the easy triplets are satisfied.',
    state: { data: { name: 'blobs', n_samples: 300, centers: 4, cluster_std: 2, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [16], activation: 'relu', init: 'he', embedding_dim: 2 }, loss: { type: 'TripletMarginLoss', margin: 1 }, reg: null,
      opt: { type: 'Adam', lr: 0.01 }, sched: null, bmode: 'mini', batch: 32, epochs: 40, es: null, clip: null, mining: 'random' } },
];

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
