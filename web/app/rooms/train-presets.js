// The Training room's presets, each with why it works. `state` is merged over the room's
// defaults (train-config.js TRAIN_DEFAULTS).
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
