// The Training room's presets, each with why it works and what to notice. `state` is merged over the
// room's defaults (train-config.js TRAIN_DEFAULTS); `runs` are the variants the notice compares it
// with (merged over `state`), trained to their end by the core, and the notice's {names} and the
// claims read their measured metrics (train-claims.js; checked live in the room and in
// tests/rooms-presets.test.mjs). `given` lists numbers the text writes out that are no setting.
export const PRESETS = [
  { name: 'moons: Adam 0.01, 16-16 tanh',
    why: 'Two interleaving half-moons need a curved boundary, and two hidden layers of 16 tanh units draw one smoothly '
      + '(tanh is zero-centred, so the next layer sees balanced inputs). Adam at 0.01 is the default that is "usually second best at worst": '
      + 'its per-weight step size evens out the very different gradient scales of the two layers, and 0.01 is large enough to finish in '
      + 'a few hundred steps of batch 32 without oscillating.',
    state: { data: { name: 'moons', n_samples: 400, noise: 0.2, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' }, loss: { type: 'BCEWithLogitsLoss' }, reg: null,
      opt: { type: 'Adam', lr: 0.01 }, sched: null, bmode: 'mini', batch: 32, epochs: 60, es: null, clip: null },
    runs: [{ opt: { type: 'SGD', lr: 0.01 } }, { opt: { type: 'SGD', lr: 0.01, momentum: 0.9 } }],
    notice: 'After {epochs.0} epochs ({steps.0} steps) Adam ends at a validation loss of {val_loss.0} and an accuracy of '
      + '{val_accuracy.0:3}. Plain SGD at the same rate 0.01 is far behind after the same steps (loss {val_loss.1}, accuracy '
      + '{val_accuracy.1:3}): its steps are as small as the gradients, which are small in the first layer. Momentum 0.9 closes part of '
      + 'the gap (loss {val_loss.2}, accuracy {val_accuracy.2:3}) by adding up consistent gradients. Pin this run, switch the optimizer '
      + 'to SGD and train again to see the curves part.',
    claims: [{ kind: 'order', values: ['val_loss.0', 'val_loss.2', 'val_loss.1'] }, { kind: 'order', values: ['val_accuracy.1', 'val_accuracy.2', 'val_accuracy.0'] }] },
  { name: 'digits: SGD Nesterov + OneCycle',
    why: 'Sixty-four pixels, ten classes: a 64-32-10 network with softmax cross-entropy. The one-cycle schedule warms the rate up '
      + 'from max_lr/25 to max_lr over the first 30 % of the steps, which lets SGD with Nesterov momentum take large, stable steps '
      + 'through the middle of training, then anneals it far below its start so the last epochs settle into a minimum '
      + '("super-convergence"). Nesterov looks ahead along the momentum before taking the gradient, which damps the overshoot that large '
      + 'rates cause. total_steps must equal epochs × steps per epoch, or the cycle ends early or never finishes.',
    state: { data: { name: 'digits', seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [32], activation: 'relu', init: 'he' }, loss: { type: 'CrossEntropyLoss' }, reg: null,
      opt: { type: 'SGD', lr: 0.1, momentum: 0.9, nesterov: true }, sched: { type: 'OneCycleLR', max_lr: 0.2, total_steps: 184 },
      interval: 'step', bmode: 'mini', batch: 64, epochs: 8, es: null, clip: null },
    runs: [{ sched: null, opt: { type: 'SGD', lr: 0.2, momentum: 0.9, nesterov: true } }, { epochs: 9 }],
    notice: 'In {epochs.0} epochs ({steps.0} steps) the cycle up to 0.2 and down ends at a validation loss of {val_loss.0} and an '
      + 'accuracy of {val_accuracy.0:3}. The same SGD held at the peak rate 0.2 for all {steps.1} steps ends at {val_loss.1} '
      + '({val_accuracy.1:3}): a rate that large, never lowered, keeps the weights bouncing; the cycle uses it only in the middle '
      + 'and anneals it away at the end. Set epochs to 9 and keep total_steps at 184: the core stops the run at step {steps.2}, '
      + 'where the cycle has no steps left (PyTorch raises there too), and the room says why.',
    claims: [{ kind: 'less', a: 'val_loss.0', b: 'val_loss.1' }, { kind: 'less', a: 'val_accuracy.1', b: 'val_accuracy.0' },
      { kind: 'equal', a: 'failed.2', b: true }, { kind: 'equal', a: 'steps.2', b: 'steps.0' }] },
  { name: 'imbalanced: focal vs BCE',
    why: 'Only 5 % of the points are positive, so a model that says "negative" everywhere is 95 % accurate: watch accuracy lie while '
      + 'recall and F1 tell the truth. Focal loss multiplies each point\'s log-loss by (1 − p)^γ: with γ = 2 an easy negative at p = 0.9 '
      + 'counts 0.01 of its loss and a hard one at p = 0.2 counts 0.64, so the many easy negatives stop drowning the few positives; '
      + 'α = 0.75 weights the positive class 3 : 1 on top (torchvision\'s default 0.25 is RetinaNet\'s value, tuned with γ for detection, '
      + 'and here would weight the rare class down). Pin this run, switch the loss to BCEWithLogitsLoss and train again: '
      + 'the accuracies barely differ, recall and the confusion matrices do.',
    state: { data: { name: 'imbalanced', n_samples: 1000, positive_rate: 0.05, class_sep: 1.5, seed: 0, val_fraction: 0.3 }, extra: [],
      model: { hidden: [8], activation: 'relu', init: 'he' }, loss: { type: 'FocalLoss', alpha: 0.75, gamma: 2 }, reg: null,
      opt: { type: 'Adam', lr: 0.01 }, sched: null, bmode: 'mini', batch: 64, epochs: 40, es: null, clip: null },
    runs: [{ loss: { type: 'BCEWithLogitsLoss' } }],
    notice: 'Accuracy hardly tells the two losses apart: {val_accuracy.0:3} with focal loss, {val_accuracy.1:3} with BCE, and '
      + '{majority.0:3} for a model that always says "negative". Recall does: of the {positives.0} positives in the validation split, '
      + 'focal loss finds {tp.0} (recall {val_recall.0}, F1 {val_f1.0}), BCE {tp.1} (recall {val_recall.1}, F1 {val_f1.1}). '
      + 'Pin this run, switch the loss to BCEWithLogitsLoss and train again: the metrics table and the confusion matrices show '
      + 'both runs side by side.',
    claims: [{ kind: 'less', a: 'val_recall.1', b: 'val_recall.0' }, { kind: 'less', a: 'val_f1.1', b: 'val_f1.0' },
      { kind: 'close', a: 'val_accuracy.0', b: 'val_accuracy.1', rel: 0.02 }, { kind: 'close', a: 'val_accuracy.1', b: 'majority.0', rel: 0.02 }] },
  { name: 'outliers: Huber vs MSE',
    why: 'A straight line with a few gross outliers below its right end. MSE squares every error, so the outliers\' large errors dominate '
      + 'the gradient and tilt the fit towards them; Huber is quadratic only below δ = 1 and linear above, so each outlier pulls with a '
      + 'bounded force and the line follows the bulk of the points. Pin the Huber run, switch to MSELoss and compare the fitted lines.',
    state: { data: { name: 'linear_outliers', n_samples: 200, noise: 0.1, outlier_fraction: 0.1, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [], activation: 'linear', init: 'pytorch' }, loss: { type: 'HuberLoss', delta: 1 }, reg: null,
      opt: { type: 'SGD', lr: 0.05, momentum: 0.9 }, sched: null, bmode: 'mini', batch: 16, epochs: 40, es: null, clip: null },
    runs: [{ loss: { type: 'MSELoss' } }],
    notice: 'Each loss wins its own measure. On the validation points Huber\'s line has the lower mean absolute error '
      + '({val_mae.0} against MSE\'s {val_mae.1}): it runs through the bulk of the points. MSE\'s line has the lower mean squared '
      + 'error ({val_mse.1} against {val_mse.0}), bought by tilting towards the outliers, whose squared errors dominate the mean. '
      + 'Pin this run, switch to MSELoss and compare the fitted lines.',
    claims: [{ kind: 'less', a: 'val_mae.0', b: 'val_mae.1' }, { kind: 'less', a: 'val_mse.1', b: 'val_mse.0' }] },
  { name: 'don\'t decay the learning rate, increase the batch size',
    why: 'Smith, Kindermans, Ying and Le (2017): the noise of SGD grows with lr / B, so dividing the learning rate by 5 and multiplying '
      + 'the batch size by 5 cool the training down alike. This run keeps SGD\'s rate at 0.1 and multiplies the batch from 16 to 80 to 400 '
      + 'at epochs 10 and 20; pin it, then switch the batch-size schedule off and add MultiStepLR (milestones 10, 20, gamma 0.2, '
      + 'interval: epoch) and train again. The loss curves per epoch nearly coincide, but the growing batch needs far fewer optimizer '
      + 'steps: the learning-rate chart (one point per step) shows it.',
    state: { data: { name: 'moons', n_samples: 2000, noise: 0.25, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' }, loss: { type: 'BCEWithLogitsLoss' }, reg: null,
      opt: { type: 'SGD', lr: 0.1, momentum: 0.9 }, sched: null, bmode: 'mini', batch: 16, bss: { milestones: [10, 20], gamma: 5 },
      epochs: 30, es: null, clip: null },
    runs: [{ bss: null, sched: { type: 'MultiStepLR', milestones: [10, 20], gamma: 0.2 }, interval: 'epoch' }],
    notice: 'Growing the batch ends at a validation loss of {val_loss.0} (accuracy {val_accuracy.0:3}); decaying the rate instead '
      + 'ends at {val_loss.1} ({val_accuracy.1:3}), nearly the same. But the growing batch took {steps.0} optimizer steps and the '
      + 'decaying rate {steps.1}: the same cooling in fewer, larger, parallelisable steps.',
    claims: [{ kind: 'close', a: 'val_loss.0', b: 'val_loss.1', rel: 0.05 }, { kind: 'less', a: 'steps.0', b: 'steps.1', factor: 2 }] },
  { name: 'embedding: triplets on blobs',
    why: 'Metric learning: the network maps each point to 2 numbers, and TripletMarginLoss asks every anchor to be nearer a point of '
      + 'its own class than one of another class, by a margin of 1. No class scores are learnt: the embedding view shows the classes '
      + 'pulled into separate clusters, and accuracy is that of the nearest class centroid in embedding space. Switch mining to '
      + '"semi-hard" to pick, in each batch, the nearest negative that is still farther than the positive (FaceNet\'s rule): '
      + 'the loss stays informative once the easy triplets are satisfied.',
    state: { data: { name: 'blobs', n_samples: 300, centers: 4, cluster_std: 2, seed: 0, val_fraction: 0.2 }, extra: [],
      model: { hidden: [16], activation: 'relu', init: 'he', embedding_dim: 2 }, loss: { type: 'TripletMarginLoss', margin: 1 }, reg: null,
      opt: { type: 'Adam', lr: 0.01 }, sched: null, bmode: 'mini', batch: 32, epochs: 40, es: null, clip: null, mining: 'random' },
    runs: [{ mining: 'semi-hard' }],
    notice: 'With random triplets the nearest centroid in embedding space classifies {val_accuracy.0:3} of the validation points, '
      + 'with semi-hard ones {val_accuracy.1:3}. The training loss says why semi-hard mining helps: it ends at {train_loss.1} against '
      + 'random\'s {train_loss.0}, because the triplets it picks are still hard to satisfy, while most random ones already meet '
      + 'the margin and give no gradient.',
    claims: [{ kind: 'less', a: 'val_accuracy.0', b: 'val_accuracy.1' }, { kind: 'less', a: 'train_loss.0', b: 'train_loss.1' }] },
];
