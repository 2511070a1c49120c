// Type declarations for steplab's JS API (dist/steplab.mjs).

/** Thrown for every bad input: the message names the thing, the field, what was expected and what was given. */
export class SteplabError extends Error {
  name: 'SteplabError';
  /** 'invalid' | 'unknown_type' | 'parse' | 'no_memory' | 'range' | 'state' | 'unsupported' | 'internal' */
  code: string;
  /** The scheduler, optimizer or loss concerned, e.g. 'OneCycleLR'. */
  thing: string;
  /** The field concerned, e.g. 'pct_start' ('' when none). */
  field: string;
  /** A formula that does not parse (lr_lambda, a Custom update or expr): its 1-based column; else null. */
  column: number | null;
}

export interface LoadOptions {
  /** The bytes of another build of the core, e.g. dist/steplab-scalar.wasm (no SIMD). */
  wasm?: Uint8Array | ArrayBuffer;
  /** The bytes of dist/steplab-digits.bin.gz, for lab.dataset({ name: 'digits' }). */
  digits?: Uint8Array | ArrayBuffer;
}

/** Loads the wasm core (embedded in the module). */
export function loadSteplab(options?: LoadOptions): Promise<Lab>;

export interface ParamInfo {
  name: string;
  kind: 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'numbers' | 'specs' | 'any';
  default: number | null;
  lo: number | string | null;
  hi: number | string | null;
  required: boolean;
  lo_open: boolean;
  hi_open: boolean;
  nullable: boolean;
  /** For enums: the choices separated by '|'. */
  choices?: string;
  min_len?: number;
  max_len?: number;
  /** true: also takes a list with one value per parameter group (PyTorch's list-valued parameters). */
  per_group?: boolean;
  /** true: not a PyTorch 1.13 parameter (e.g. CyclicLR's window, Adam's bias_correction). */
  textbook?: boolean;
  help: string;
}

export interface KindInfo {
  name: string;
  /** One line of help. */
  summary: string;
  /** Groups the family's types: schedulers 'decay' | 'warmup' | 'cyclic' | 'adaptive' | 'composite' | 'formula',
   * optimizers 'sgd' | 'adaptive' | 'sign' | 'second-order' | 'layer-wise', surfaces 'bowl' | 'valley' | 'plateau' | 'multimodal' | 'saddle'. */
  category?: string;
  /** The spec the page opens this type with. */
  starter?: { type: string; [param: string]: unknown };
  /** Schedulers: the parameter that sets the schedule's length ('T_max', 'total_steps', ...), or null. */
  length_param?: string | null;
  /** true for types PyTorch 1.13 does not have (textbook or paper forms); absent otherwise. */
  textbook?: boolean;
  params: ParamInfo[];
}

/** A loss's registry row: its category, the spec the page opens it with, and the one task-fit table. */
export interface LossKindInfo extends KindInfo {
  category: 'regression' | 'classification' | 'margin' | 'metric' | 'penalty' | 'composite';
  starter: LossSpec;
  /** The trainer tasks it fits: data set tasks, and 'embedding' when it trains an embedding (ContrastiveLoss, TripletMarginLoss). */
  tasks: ('binary' | 'multiclass' | 'regression' | 'embedding')[];
  /** L1, L2, ElasticNet: a weight penalty (createTrainer's regularization). */
  penalty: boolean;
}

/** A data set's registry row. */
export interface DatasetKindInfo extends Omit<KindInfo, 'starter'> {
  category: 'classification' | 'regression' | 'real';
  starter: DatasetSpec;
  task: 'binary' | 'multiclass' | 'regression';
}

/** The trainer's layouts and names, published by the core (lab.registry.trainer). */
export interface TrainerLayout {
  /** Per task, the names of the epoch record's 7 slots (null where the task has none): run.history.epochs' keys. */
  epoch_record: Record<'binary' | 'multiclass' | 'regression' | 'embedding', (string | null)[]>;
  /** Per task, the names of evaluate()'s first three values. */
  evaluate_record: Record<'binary' | 'multiclass' | 'regression' | 'embedding', (string | null)[]>;
  step_record: string[];
  inspect: string[];
  statuses: string[];
  tasks: string[];
  /** evaluate()'s splits, and the calls whose work is checked (step, epoch, fit). */
  splits: string[];
  calls: string[];
  /** work: the most multiply-adds one synchronous call may do; eval_rows: rows per evaluation chunk; grid: predictGrid's nx, ny cap. */
  limits: { work: number; epochs: number; eval_rows: number; grid: number };
}

/** A surface's row: its default view box, a start point and its global minima (for the default parameters). */
export interface SurfaceKindInfo extends KindInfo {
  view: { x: [number, number]; y: [number, number] };
  start: [number, number];
  /** Empty for the saddle, which is unbounded below. */
  minima: { x: number; y: number; value: number }[];
}

/** A number for every parameter group, or a list with one per group (PyTorch's lists). */
type PerGroup = number | number[];
type SchedulerBase = {
  /** The optimizer's initial learning rate (default 0.1). */
  lr?: number;
};
type ChildScheduler = Exclude<SchedulerSpec, { type: 'SequentialLR' } | { type: 'ChainedScheduler' } | { type: 'ReduceLROnPlateau' }>;

/** A scheduler spec: torch.optim.lr_scheduler's class and parameter names. */
export type SchedulerSpec = SchedulerBase & (
  | { type: 'LambdaLR'; /** Factor as a formula in epoch, e.g. '0.95 ^ epoch', or one per parameter group. */ lr_lambda: string | string[] }
  | { type: 'MultiplicativeLR'; lr_lambda: string | string[] }
  | { type: 'StepLR'; step_size: number; gamma?: number }
  | { type: 'MultiStepLR'; milestones: number[]; gamma?: number }
  | { type: 'ConstantLR'; factor?: number; total_iters?: number }
  | { type: 'LinearLR'; start_factor?: number; end_factor?: number; total_iters?: number }
  | { type: 'ExponentialLR'; gamma: number }
  | { type: 'PolynomialLR'; total_iters?: number; power?: number }
  | { type: 'CosineAnnealingLR'; T_max: number; eta_min?: number }
  | { type: 'CosineAnnealingWarmRestarts'; T_0: number; T_mult?: number; eta_min?: number }
  | { type: 'CyclicLR'; base_lr: PerGroup; max_lr: PerGroup; step_size_up?: number; step_size_down?: number | null;
      mode?: 'triangular' | 'triangular2' | 'exp_range'; gamma?: number; cycle_momentum?: boolean;
      base_momentum?: PerGroup; max_momentum?: PerGroup;
      /** Smith's CLR windows: 'triangle' (PyTorch's, the default), 'welch' and 'hann' (textbook, not PyTorch). */
      window?: 'triangle' | 'welch' | 'hann' }
  | { type: 'OneCycleLR'; max_lr: PerGroup; total_steps?: number | null; epochs?: number | null; steps_per_epoch?: number | null;
      pct_start?: number; anneal_strategy?: 'cos' | 'linear'; cycle_momentum?: boolean; base_momentum?: PerGroup;
      max_momentum?: PerGroup; div_factor?: number; final_div_factor?: number; three_phase?: boolean }
  | { type: 'ReduceLROnPlateau'; mode?: 'min' | 'max'; factor?: number; patience?: number; threshold?: number;
      threshold_mode?: 'rel' | 'abs'; cooldown?: number; min_lr?: PerGroup; eps?: number }
  | { type: 'SequentialLR'; schedulers: ChildScheduler[]; milestones: number[] }
  | { type: 'ChainedScheduler'; schedulers: ChildScheduler[] }
  | { type: 'InverseTimeDecay'; decay_rate: number; decay_steps?: number; staircase?: boolean }
  | { type: 'ExponentialDecay'; decay_rate: number; decay_steps: number; staircase?: boolean }
  | { type: 'NaturalExpDecay'; decay_rate: number; decay_steps?: number; staircase?: boolean }
);

export interface SchedulerState {
  format: 'steplab.scheduler';
  type: string;
  last_epoch: number;
  lr: number;
  /** Each group's lr. */
  lrs: number[];
  /** The scheduler's bytes, base64, checksummed. */
  data: string;
}

export interface Scheduler {
  readonly type: string;
  /** The learning rate in effect now (PyTorch: optimizer.param_groups[0]['lr']). */
  readonly lr: number;
  /** Each parameter group's lr now (one entry without options.groups). */
  readonly lrs: Float64Array;
  /** Momentum set by CyclicLR / OneCycleLR with cycle_momentum, else NaN. */
  readonly momentum: number;
  /** Number of step() calls so far. */
  readonly last_epoch: number;
  /** One scheduler.step(); ReduceLROnPlateau needs the monitored metric. Returns the new lr. */
  step(metric?: number): number;
  /** A plain JSON-serialisable snapshot; lab.restoreScheduler continues exactly from it. */
  state(): SchedulerState;
  /** Frees the core object (safe to call twice). */
  dispose(): void;
}

/** A loss spec: torch.nn's class and parameter names (plus the textbook losses). */
export interface LossSpec {
  type: string;
  reduction?: 'mean' | 'sum' | 'none';
  /** Custom: constants the expression reads, by name (not x, y, functions, or JavaScript's object keys). */
  hyper?: Record<string, number>;
  /** Custom: the loss of one element in x (input) and y (target), e.g. '(x - y)^2' (the default). */
  expr?: string;
  [param: string]: unknown;
}

export type Numbers = number | number[] | number[][] | Float32Array | Float64Array | ArrayLike<number>[];

export interface LossResult {
  /** The loss, or per-sample values for reduction 'none'. */
  value: number | Float32Array;
  /** d(loss)/d(input), shaped like the input (a list for two- and three-input losses). */
  grad: any;
}

type WithoutLr<T> = T extends unknown ? Omit<T, 'lr'> : never;

/** An optimizer spec: torch.optim's class and parameter names, optionally with a scheduler (without its own lr). */
export interface OptimizerSpec {
  type: 'SGD' | 'Adagrad' | 'RMSprop' | 'Adadelta' | 'Adam' | 'AdamW' | 'Adamax' | 'NAdam' | 'RAdam' | 'Rprop' | 'LBFGS' | 'DeltaBarDelta' | 'ASGD' | 'LARS' | 'SWATS' | 'Custom';
  lr?: number;
  /** Custom: the numbers the rule reads by name; hyper.lr is the lr (a top-level lr overrides it; default 0.001). */
  hyper?: Record<string, number>;
  /** Custom: per-element state arrays by name, with their start values (at most 8). */
  state?: Record<string, number>;
  /** Custom: statements separated by ';' or new lines, assigning p or a state name (default 'p = p - lr * g'). */
  update?: string;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weight_decay?: number;
  maximize?: boolean;
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
  /** Adam, AdamW: false drops the 1 - beta^t corrections (not in torch.optim; apex's FusedAdam name). Default true. */
  bias_correction?: boolean;
  alpha?: number;
  centered?: boolean;
  rho?: number;
  lr_decay?: number;
  initial_accumulator_value?: number;
  momentum_decay?: number;
  etas?: [number, number];
  step_sizes?: [number, number];
  max_iter?: number;
  max_eval?: number | null;
  tolerance_grad?: number;
  tolerance_change?: number;
  history_size?: number;
  line_search_fn?: 'strong_wolfe' | null;
  beta?: number;
  min_gain?: number;
  max_gain?: number;
  /** ASGD */
  lambd?: number;
  t0?: number;
  /** LARS: eta of the trust ratio eta ||w|| / (||grad|| + weight_decay ||w||). */
  trust_coefficient?: number;
  /** LARS: this group takes no trust ratio (biases, norms). */
  lars_exclude?: boolean;
  /** One entry per group of nParams (a list of sizes), each overriding any option above for its group. */
  param_groups?: Partial<Omit<OptimizerSpec, 'type' | 'scheduler' | 'param_groups'>>[];
  scheduler?: WithoutLr<SchedulerSpec>;
}

/** SWATS, per group: the switch from Adam to SGD. */
export interface SwatsGroup {
  switched: boolean;
  /** The step k at which it switched, null before. */
  step: number | null;
  /** The SGD rate Lambda it switched to, null before. */
  lr: number | null;
  /** The last bias-corrected estimate lambda_k / (1 - beta2^k), null before a projection. */
  estimate: number | null;
  /** The last projection gamma_k = p'p / (-p'g), null before one. */
  gamma: number | null;
}

export interface OptimizerState {
  format: 'steplab.optimizer';
  type: string;
  data: string;
  [key: string]: unknown;
}

export interface Optimizer {
  readonly type: string;
  /** The learning rate the next step uses (group 0's). */
  readonly lr: number;
  readonly nParams: number;
  /** Parameters in each group, in order (one entry without groups). */
  readonly groupSizes: number[];
  /** Each group's lr now. */
  readonly lrs: Float64Array;
  /** LARS: each group's trust ratio of the last step (NaN before it); null for the others. */
  readonly trust_ratios: Float64Array | null;
  /** SWATS: one entry per group; null for the others. */
  readonly swats: SwatsGroup[] | null;
  /** ASGD: the averaged parameters ax; throws for the others. */
  averaged(): Float32Array;
  /** step() calls so far. */
  readonly steps: number;
  /** LBFGS: objective evaluations so far; 0 for the others. */
  readonly funcEvals: number;
  /** One optimizer.step(): params updated in place, from a gradient or (LBFGS) a closure (x, grad) => loss. */
  step(params: Float32Array, gradsOrClosure: Float32Array | number[] | ((x: Float32Array, grad: Float32Array) => number)): number | undefined;
  /** ReduceLROnPlateau's step(metric) for an attached scheduler. Returns the new lr. */
  schedulerStep(metric: number): number;
  state(): OptimizerState;
  dispose(): void;
}

export type SurfaceName = 'rosenbrock' | 'beale' | 'himmelblau' | 'booth' | 'quadratic' | 'saddle' | 'rastrigin' | 'six_hump_camel';

export interface TraceOptions {
  fn: SurfaceName;
  fn_params?: Record<string, number>;
  start: [number, number];
  optimizer: OptimizerSpec;
  steps: number;
  /** Sigma of Gaussian noise added to each gradient component. */
  noise?: number;
  seed?: number;
}

export interface Trace {
  x: Float32Array;
  y: Float32Array;
  loss: Float32Array;
  lr: Float64Array;
  grad_norm: Float32Array;
  /** Objective evaluations of each step (LBFGS may evaluate several times). */
  evals: Int32Array;
  diverged: boolean;
  stopped_at: number;
}

export interface DatasetSpec {
  name?: 'circle' | 'xor' | 'gaussians' | 'spiral' | 'moons' | 'blobs' | 'spirals' | 'sine' | 'linear_outliers' | 'plane' | 'imbalanced' | 'iris' | 'digits';
  X?: number[][];
  y?: number[];
  task?: 'binary' | 'multiclass' | 'regression';
  n_samples?: number;
  noise?: number;
  seed?: number;
  val_fraction?: number;
  standardize?: boolean;
  /** With X and y: one name per class, kept on the result (lab.parseCSV's text labels). */
  class_names?: string[];
  [param: string]: unknown;
}

export interface Dataset {
  name: string;
  X: Float32Array;
  y: Float32Array;
  n_samples: number;
  n_features: number;
  n_classes: number;
  task: 'binary' | 'multiclass' | 'regression';
  /** The first n_train rows are the training split. */
  n_train: number;
  n_val: number;
  mean: Float32Array | number[];
  scale: Float32Array | number[];
  feature_names?: string[];
  class_names?: string[];
}

export interface MlpSpec {
  sizes: number[];
  activation?: 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear';
  init?: 'xavier' | 'he' | 'pytorch';
  seed?: number;
  /** One { W, b } per linear layer, W as out_features rows of in_features (nn.Linear's layout). */
  weights?: { W: number[][]; b: number[] }[];
}

/** lab.createTrainer's config; dataset, loss, optimizer and scheduler are the specs of their families. */
export interface TrainerConfig {
  dataset: { name: string; [param: string]: unknown } | { X: ArrayLike<number>[]; y: ArrayLike<number>; task?: 'binary' | 'multiclass' | 'regression'; val_fraction?: number; standardize?: boolean; seed?: number };
  /** embedding_dim (default 2): the head's size for ContrastiveLoss / TripletMarginLoss (ignored otherwise). */
  model: { hidden: number[]; activation?: 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear'; init?: 'xavier' | 'he' | 'pytorch'; init_weights?: { W: number[][]; b: number[] }[]; embedding_dim?: number };
  loss: LossSpec;
  optimizer: OptimizerSpec;
  scheduler?: { type: string; [param: string]: unknown };
  scheduler_interval?: 'step' | 'epoch';
  /** 'before': scheduler.step() before optimizer.step() (the first lr is skipped); only with scheduler_interval 'step'. */
  scheduler_order?: 'after' | 'before';
  /** An L1, L2 or ElasticNet loss spec, added to the objective on every parameter. */
  regularization?: LossSpec;
  batch_size?: number | 'full';
  epochs?: number;
  seed?: number;
  shuffle?: boolean;
  grad_clip?: { max_norm: number; norm_type?: number } | { clip_value: number };
  early_stopping?: { patience?: number; min_delta?: number; restore_best?: boolean };
  /** From epoch m of each milestone on (0-based), the batch size is multiplied by gamma (default 2), rounded, clamped to [1, training rows]. */
  batch_size_schedule?: { milestones: number[]; gamma?: number };
  /** Metric learning: a training batch's negatives by the tuple rule ('random', default), nearest ('hard'), or nearest beyond the positive ('semi-hard'). */
  mining?: 'random' | 'hard' | 'semi-hard';
}

/** One parameter tensor in run.inspect(), about the last step taken. */
export interface TrainerTensorInfo {
  name: string;
  numel: number;
  weight_norm: number;
  grad_norm: number;
  update_norm: number;
  /** update_norm / weight_norm (null for an all-zero tensor). */
  update_ratio: number | null;
  /** Mean per-element step size: lr (SGD), lr / (sqrt(v_hat) + eps) (Adam family, RMSprop, Adagrad), ...; null before a step. */
  effective_lr: number | null;
  /** RMS of the optimizer's first moment (momentum buffer, exp_avg), null when it keeps none. */
  m_rms: number | null;
  /** RMS of its second moment (exp_avg_sq, square_avg, sum), null when it keeps none. */
  v_rms: number | null;
}

export interface TrainerEvaluation {
  loss: number;
  accuracy?: number; precision?: number; recall?: number; f1?: number; auroc?: number;
  /** Rows: true class, columns: predicted class. */
  confusion?: number[][];
  mse?: number; mae?: number;
}

export interface Trainer {
  /** 'embedding' for ContrastiveLoss / TripletMarginLoss runs. */
  readonly task: 'binary' | 'multiclass' | 'regression' | 'embedding';
  /** The config it was made from, as the core normalised it (frozen; model.init_weights and explicit data arrays left out). */
  readonly config: TrainerConfig;
  /** The model's widths: inputs, hidden layers, outputs. */
  readonly sizes: number[];
  readonly n_features: number;
  readonly status: 'running' | 'done' | 'stopped' | 'diverged';
  readonly done: boolean;
  /** Of the current epoch (batch_size_schedule changes both). */
  readonly batch_size: number;
  readonly steps_per_epoch: number;
  readonly n_outputs: number;
  readonly epochs_done: number;
  readonly steps_done: number;
  readonly lr: number;
  readonly best_epoch: number;
  readonly diverged: { step: number; last_loss: number } | null;
  /** Per step: loss, lr, grad_norm; per epoch: train/val loss and accuracy (or mse and mae), lr. */
  readonly history: { steps: { loss: Float64Array; lr: Float64Array; grad_norm: Float64Array }; epochs: Record<string, Float64Array> };
  /** At most lab.registry.trainer.limits.work multiply-adds per call (see work()); more is refused saying how many steps fit. */
  step(k?: number): number;
  epoch(): number;
  /** Refused when the rest of the run exceeds the work limit: train in step(k) chunks instead. */
  fit(): Trainer;
  /** The core's estimate of the multiply-adds of the next k steps (Infinity: to the end), epoch evaluations included. */
  work(k?: number): number;
  evaluate(split?: 'train' | 'val'): TrainerEvaluation;
  /** Probabilities or regression outputs; for an embedding, softmax(-squared distance) to each class centroid. */
  predict(X: Numbers): Float32Array;
  /** The model's raw outputs (embeddings, logits or regression outputs), n x n_outputs row-major. */
  embed(X: Numbers): Float32Array;
  /** Per parameter tensor, the last step's norms, update ratio, effective learning rate and moments. */
  inspect(): { step: number; layers: TrainerTensorInfo[] };
  predictGrid(grid: { x: [number, number]; y: [number, number]; nx: number; ny: number }): Float32Array;
  weights(): { W: Float32Array[]; b: Float32Array }[];
  /** The whole run as bytes; lab.restoreTrainer continues it bit-identically. */
  save(): Uint8Array;
  dispose(): void;
}

/** lab.lrFind's options (torch-lr-finder's range_test names). */
export interface LrFindOptions {
  /** Default 1e-7; > 0. */
  start_lr?: number;
  /** Default 10; > start_lr. */
  end_lr?: number;
  /** Steps of the test, default 100, in [2, 100000]. */
  num_iter?: number;
  /** exp: lr_i = start_lr * (end_lr / start_lr)^(i / (num_iter - 1)); linear: start_lr + (end_lr - start_lr) * i / (num_iter - 1). */
  step_mode?: 'exp' | 'linear';
  /** Loss smoothing in [0, 1), default 0.05: smoothed_i = smooth_f * loss_i + (1 - smooth_f) * smoothed_{i-1}. */
  smooth_f?: number;
  /** Stop when smoothed > diverge_th * best smoothed; default 5, > 1. */
  diverge_th?: number;
  /** One run per seed (the config's seed replaced); fills runs and spread. */
  seeds?: number[];
}

/** fast.ai's four suggestion rules on the smoothed curve; null when the curve is too short for a rule (slide needs 16 points). */
export interface LrSuggestions { steep: number | null; valley: number | null; minimum: number | null; slide: number | null }

export interface LrFindCurve {
  /** The lr of each step taken, its batch loss and the smoothed loss. */
  lrs: Float64Array;
  losses: Float64Array;
  smoothed: Float64Array;
  suggestions: LrSuggestions;
  /** 'diverged': the smoothed loss passed diverge_th * best, or a loss was not finite. */
  stopped: 'diverged' | 'num_iter';
}

export interface LrFindResult extends LrFindCurve {
  runs?: (LrFindCurve & { seed: number })[];
  /** Per rule over the seeds' suggestions (median: the middle one, the mean of the two middle ones for an even count); null when no seed had one. */
  spread?: Record<keyof LrSuggestions, { min: number; median: number; max: number } | null>;
}

/** lab.checkOptimizer's verdict: the first element beyond the tolerance, or pass. */
export interface OptimizerCheck {
  pass: boolean;
  /** 1-based step and element index of the first difference (null when pass). */
  step: number | null;
  index: number | null;
  expected: number | null;
  got: number | null;
  /** That element's value before the step and its gradient in the step. */
  before: number | null;
  grad: number | null;
  /** An element differs when |got - expected| > tol * max(1, |expected|). */
  tol: number;
  steps: number;
  n: number;
}

export interface LossCheck {
  pass: boolean;
  what: 'value' | 'grad' | null;
  index: number | null;
  expected: number | null;
  got: number | null;
  input: number | null;
  target: number | null;
  tol: number;
  n: number;
}

export interface GradCheck {
  pass: boolean;
  maxAbsErr: number;
  maxRelErr: number;
  /** The worst element. */
  index: number;
  analytic: Float64Array;
  numeric: Float64Array;
  eps: number;
  tol: number;
}

export interface Lab {
  readonly version: string;
  /** True when the wasm SIMD build is in use. */
  readonly simd: boolean;
  /** Every family's kinds with their parameters, defaults and ranges. */
  readonly registry: { schedulers: KindInfo[]; losses: LossKindInfo[]; optimizers: KindInfo[]; surfaces: SurfaceKindInfo[]; datasets: DatasetKindInfo[]; trainer: TrainerLayout; [family: string]: KindInfo[] | DatasetKindInfo[] | TrainerLayout };
  readonly schedulers: string[];
  readonly losses: string[];
  /** Element k: the learning rate after k calls of step(); element 0 the initial one. */
  schedule(spec: SchedulerSpec, n: number, options?: { metrics?: ArrayLike<number> }): Float64Array;
  /** With groups (each group's initial lr; the spec must then not set lr): one Float64Array of n per group. */
  schedule(spec: SchedulerSpec, n: number, options: { metrics?: ArrayLike<number>; groups: ArrayLike<number> }): Float64Array[];
  createScheduler(spec: SchedulerSpec, options?: { groups?: ArrayLike<number> }): Scheduler;
  restoreScheduler(state: SchedulerState): Scheduler;
  /** A loss and its gradient; two- and three-input losses take [x1, x2] or [anchor, positive, negative]. */
  loss(spec: LossSpec, input: Numbers | Numbers[], target?: Numbers): LossResult;
  readonly optimizers: string[];
  readonly surfaces: string[];
  readonly datasets: string[];
  /** The size of the core's wasm memory in bytes (it grows, never shrinks): for leak checks. */
  readonly memoryBytes: number;
  /** nParams: a count (one group), or a list of group sizes (the vector is their concatenation). */
  /** Runs student and reference on one seeded start and gradient stream (defaults n 16, steps 200, seed 1, tol 1e-5). */
  checkOptimizer(student: OptimizerSpec, reference: OptimizerSpec, options?: { n?: number; steps?: number; seed?: number; tol?: number }): OptimizerCheck;
  /** Compares values and gradients on seeded inputs and targets (defaults n 64, seed 1, tol 1e-5; target 'real' or 'binary'). */
  checkLoss(student: LossSpec, reference: LossSpec, options?: { n?: number; seed?: number; tol?: number; target?: 'real' | 'binary' }): LossCheck;
  /** The gradient against central differences (defaults eps 1e-3, tol 1e-3). */
  gradcheck(spec: LossSpec, input: number | ArrayLike<number>, target?: Numbers, options?: { eps?: number; tol?: number }): GradCheck;
  createOptimizer(spec: OptimizerSpec, nParams: number | number[]): Optimizer;
  restoreOptimizer(state: OptimizerState): Optimizer;
  /** The parameters after each step when step k is given grads[k] (not LBFGS). */
  optimizerSteps(spec: OptimizerSpec, params0: ArrayLike<number>, grads: ArrayLike<number>[]): Float32Array[];
  /**
   * One optimizer's path on a 2-D surface; stops (diverged) instead of producing NaN. Runs synchronously, so its work
   * is bounded: steps <= 100000, steps x max_eval <= 2e6 closure evaluations and (LBFGS) steps x max_iter x
   * history_size <= 2e7 history rows.
   */
  trace(options: TraceOptions): Trace;
  /** nx * ny surface values, row-major with y outer; nx, ny >= 2 and nx * ny <= 4096 * 4096. */
  landscape(options: { fn: SurfaceName; fn_params?: Record<string, number>; x: [number, number]; y: [number, number]; nx: number; ny: number }): Float32Array;
  dataset(spec: DatasetSpec): Dataset;
  /**
   * Makes a data set that ships as a file ready for dataset() and createTrainer: 'digits' reads
   * (Node) or fetches (browsers) `url`, by default steplab-digits.bin.gz beside the module, or takes
   * the file's `bytes` (also given directly as the second argument). Resolves at once when it is already loaded (in Node loadSteplab() reads it
   * itself) and for the data sets the core generates. Rejects with a SteplabError saying what to do
   * when the file cannot be had; browsers fetch nothing until this is called.
   */
  loadDataset(name: NonNullable<DatasetSpec['name']>, options?: { url?: string | URL; bytes?: Uint8Array | ArrayBuffer } | Uint8Array | ArrayBuffer): Promise<void>;
  /**
   * CSV text (UTF-8, a byte-order mark skipped; header line optional; ',', ';' or tab; LF, CRLF or
   * CR line ends) as an explicit data set for lab.dataset or createTrainer. target: a column name
   * or index (default the last column); a target of text labels becomes class indices in sorted
   * order, the labels kept as class_names. task: inferred from the target's values when not given.
   */
  parseCSV(text: string, options?: { target?: string | number; task?: 'binary' | 'multiclass' | 'regression' }): {
    dataset: { X: Float64Array[]; y: Float64Array; task: 'binary' | 'multiclass' | 'regression'; class_names?: string[] };
    feature_names: string[];
    target_name: string;
    class_names?: string[];
  };
  mlpInit(spec: MlpSpec): { W: Float32Array[]; b: Float32Array }[];
  /** At most lab.registry.trainer.limits.work multiply-adds (rows x weights; x 3 for mlpBackward) per call. */
  mlpForward(spec: MlpSpec, X: number[][] | Float32Array): Float32Array;
  mlpBackward(spec: MlpSpec, X: number[][] | Float32Array, dOut: number[][] | Float32Array): { W: Float32Array[]; b: Float32Array }[];
  createTrainer(config: TrainerConfig): Trainer;
  /** The optimizer steps of epoch `epoch` (0-based) of a config, from its data set, batch_size and batch_size_schedule, without building a trainer. */
  stepsPerEpoch(config: TrainerConfig, epoch?: number): number;
  restoreTrainer(bytes: Uint8Array | ArrayBuffer): Trainer;
  /** The LR range test on fresh trainers of config (its optimizer's lr, scheduler and epochs replaced); they are disposed. */
  lrFind(config: TrainerConfig, options?: LrFindOptions): LrFindResult;
}
