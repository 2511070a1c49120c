// Type declarations for steplab's JS API, part 1: the registry's rows and the specs, states and objects
// of the schedulers, losses, optimizers and surfaces. Imported and re-exported by steplab.d.ts.

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
  /** SWATS: the step at which it switched to SGD and its SGD rate; null for other optimizers and before a switch. */
  swats: { step: number; lr: number } | null;
}
