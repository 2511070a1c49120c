// Type declarations for steplab's JS API (dist/steplab.mjs).
// The families' types are in steplab-specs.d.ts and steplab-trainer.d.ts; this file re-exports them.

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

export * from './steplab-specs.js';
export * from './steplab-trainer.js';
import type { KindInfo, LossKindInfo, LossResult, LossSpec, Numbers, Optimizer, OptimizerSpec, OptimizerState, Scheduler, SchedulerSpec, SchedulerState, SurfaceKindInfo, SurfaceName, Trace, TraceOptions } from './steplab-specs.js';
import type { Dataset, DatasetKindInfo, DatasetSpec, GradCheck, LossCheck, LrFindOptions, LrFindResult, MlpSpec, OptimizerCheck, Trainer, TrainerConfig, TrainerLayout } from './steplab-trainer.js';

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
