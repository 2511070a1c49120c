// The Training room's words about each type: why a loss fits a task, short scheduler names for
// the legend, the penalties' formulas. Prose only: which losses fit which task, which optimizers
// a trainer can use and each type's parameters come from the core's registry, and a type this
// file does not mention is shown with the registry's one-line summary.

const METRIC_PAIRS = 'metric learning on pairs: same-class pairs pulled together (½D²), other pairs pushed apart until the margin';
const METRIC_TRIPLETS = 'metric learning on triplets: an anchor must be nearer its positive than its negative by the margin';

// Why a loss suits a task; a string for every task, or one per task.
const LOSS_WHY = {
  BCEWithLogitsLoss: 'one logit per point, sigmoid and log-loss fused: the numerically stable standard for two classes',
  FocalLoss: {
    binary: 'log-loss scaled by (1 − p)^γ: easy, confident points stop dominating, which helps a rare class',
    multiclass: 'softmax cross-entropy scaled by (1 − p)^γ: down-weights classes the model already gets right',
  },
  HingeLoss: 'the SVM margin loss on labels ±1: only points inside the margin or misclassified count',
  SquaredHingeLoss: 'the squared margin loss: smooth at the margin, punishes large violations more',
  CrossEntropyLoss: 'softmax over one logit per class and the log-loss of the true class: the standard for K classes',
  MultiMarginLoss: 'the multi-class hinge: the true class must beat every other by a margin',
  ContrastiveLoss: METRIC_PAIRS,
  TripletMarginLoss: METRIC_TRIPLETS,
  MSELoss: 'squared error: the mean is the best guess, but one large error dominates',
  L1Loss: 'absolute error: the median is the best guess, robust to outliers, constant gradient',
  HuberLoss: 'squared below δ, absolute above: MSE near the target, L1 for outliers',
  SmoothL1Loss: 'Huber divided by β: the detection-regression loss',
};

/** Why `loss` suits `task`, or the core's summary of it. */
export function lossWhy(registry, loss, task) {
  const w = Object.hasOwn(LOSS_WHY, loss) ? LOSS_WHY[loss] : null;
  const text = typeof w === 'string' ? w : w && Object.hasOwn(w, task) ? w[task] : null;
  return text || registry.summary('losses', loss);
}

// Why the other losses are not offered for a task.
const LOSS_WHY_NOT = {
  binary: 'Regression losses compare numbers, not classes; CrossEntropyLoss needs one logit per class (use BCEWithLogitsLoss for two).',
  multiclass: 'Binary losses score one logit; regression losses would treat class numbers as distances.',
  regression: 'Classification losses need class labels; a continuous target has none.',
};
export const lossWhyNot = (task) => (Object.hasOwn(LOSS_WHY_NOT, task) ? LOSS_WHY_NOT[task] : '');

// Short names for the legend: "Adam 0.01 + cosine", "SGD momentum + step".
const SCHED_SHORT = { StepLR: 'step', MultiStepLR: 'multistep', CosineAnnealingLR: 'cosine', CosineAnnealingWarmRestarts: 'SGDR',
  OneCycleLR: 'one-cycle', ExponentialLR: 'exp', CyclicLR: 'cyclic', ReduceLROnPlateau: 'plateau', LinearLR: 'linear',
  SequentialLR: 'warm-up', PolynomialLR: 'poly', ConstantLR: 'constant' };
export const schedShort = (type) => (Object.hasOwn(SCHED_SHORT, type) ? SCHED_SHORT[type] : type);

// The penalties' names in the regularization menu.
const PENALTY_LABEL = { L2: 'L2 (ridge) λ Σ w²', L1: 'L1 (lasso) λ Σ |w|', ElasticNet: 'elastic net' };
export const penaltyLabel = (type) => (Object.hasOwn(PENALTY_LABEL, type) ? PENALTY_LABEL[type] : type);
