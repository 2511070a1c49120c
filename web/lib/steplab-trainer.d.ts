// Type declarations for steplab's JS API, part 2: data sets, the model and trainer, the LR range test and
// the checks that grade a student's rule. Imported and re-exported by steplab.d.ts.
import type { KindInfo, LossSpec, Numbers, OptimizerSpec } from './steplab-specs.js';

/** A data set's registry row. */
export interface DatasetKindInfo extends Omit<KindInfo, 'starter'> {
  category: 'classification' | 'regression' | 'real';
  starter: DatasetSpec;
  task: 'binary' | 'multiclass' | 'regression';
}

/** The trainer's layouts and names, published by the core (lab.registry.trainer). */
export interface TrainerLayout {
  /** Per task, the names of the epoch record's 10 slots (null where the task has none): run.history.epochs' keys (the last three with snapshot_ensemble only). */
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
  /** norm_type may be Infinity (the largest |gradient|), as in PyTorch. */
  grad_clip?: { max_norm: number; norm_type?: number } | { clip_value: number };
  /** Lightning's and Keras's count: stops at the patience-th epoch in a row without improvement. */
  early_stopping?: { patience?: number; min_delta?: number; restore_best?: boolean };
  /** From epoch m of each milestone on (0-based), the batch size is multiplied by gamma (default 2), rounded, clamped to [1, training rows]. */
  batch_size_schedule?: { milestones: number[]; gamma?: number };
  /** Metric learning: a training batch's negatives by the tuple rule ('random', default), nearest ('hard'), or nearest beyond the positive ('semi-hard'). */
  mining?: 'random' | 'hard' | 'semi-hard';
  /** With CosineAnnealingWarmRestarts: the weights at each warm restart are a snapshot; the epoch history adds the
   * mean of their validation predictions' accuracy (ensemble_val_accuracy, or ensemble_val_mse and _mae) and snapshots. */
  snapshot_ensemble?: boolean;
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
  /** Its parameter group (optimizer.param_groups in order, then the unnamed tensors' group) and that group's lr now. */
  group: number;
  lr: number;
  /** LARS: the tensor's local rate (trust ratio) of the last step; null for other optimizers and before a step. */
  trust_ratio: number | null;
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
  readonly history: { steps: { loss: Float64Array; lr: Float64Array; grad_norm: Float64Array }; epochs: Record<string, Float64Array>; swats?: { group: number; step: number; lr: number }[] };
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
  inspect(): { step: number; layers: TrainerTensorInfo[]; groups: { params: string[]; lr: number }[] };
  /** Each parameter group's lr now. */
  readonly lrs: Float64Array;
  /** SWATS: each group's switch to SGD (step and SGD rate null before it); null for other optimizers. */
  readonly swats: { group: number; switched: boolean; step: number | null; lr: number | null; estimate: number | null; gamma: number | null }[] | null;
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
