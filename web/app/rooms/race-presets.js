// The Optimizers room's races: each a surface, a start and the optimizers that show one idea, with
// what to notice. Every number in a notice is a {value} measured from the race itself (the quantities
// of ./race-claims.js), and its claims are checked on the page and in tests/rooms-presets.test.mjs.
// Numbers written out in a notice are the preset's own settings or listed in `given` (arithmetic on
// them the text explains). (Each optimizer's starter and each surface's view and start come from the
// core's registry: web/shared/registry.js.)

export const SCHEDULES = {
  none: null,
  step: (n) => ({ type: 'StepLR', step_size: Math.max(1, Math.round(n / 4)), gamma: 0.5 }),
  cosine: (n) => ({ type: 'CosineAnnealingLR', T_max: n }),
  exponential: () => ({ type: 'ExponentialLR', gamma: 0.99 }),
};

export const PRESETS = [
  {
    name: 'Ravine: momentum beats plain SGD at its best rate',
    fn: 'quadratic', fnp: { a: 1, b: 100 }, start: [-4.5, 2], steps: 150,
    opts: [{ type: 'SGD', lr: 0.019 }, { type: 'SGD', lr: 0.01, momentum: 0.9 }, { type: 'SGD', lr: 0.01, momentum: 0.9, nesterov: true }],
    notice: 'A ravine 100 times steeper across (y) than along (x). Plain SGD cannot step faster than lr = 2/100 = 0.02 '
      + 'without its zig-zag across the valley growing, so along the valley it crawls. At lr 0.019, about its best (none of 60 '
      + 'rates from 0.001 to 0.0199 ends below {sgd_best}), it crosses the valley floor {cross.0} times in 150 steps and ends at '
      + 'a loss of {final_loss.0}. Momentum 0.9 at about half that rate crosses only {cross.1} times: the gradients across the valley '
      + 'alternate and cancel in its velocity, those along it add up. It ends at {final_loss.1}, and Nesterov, which corrects '
      + 'each step by looking ahead, at {final_loss.2}.',
    given: [2, 0.02],
    values: {
      sgd_best: { q: 'final_loss', of: 0, sweep: { param: 'lr', from: 0.001, to: 0.0199, n: 60 }, pick: 'min' },
      'cross.0': { q: 'crossings', of: 0, axis: 'y' },
      'cross.1': { q: 'crossings', of: 1, axis: 'y' },
    },
    claims: [
      { kind: 'order', by: 'final_loss', order: [2, 1, 0] },
      { kind: 'less', a: 'final_loss.1', b: 'sgd_best' },
      { kind: 'close', a: 'final_loss.0', b: 'sgd_best', rel: 0.5 },
      { kind: 'less', a: 'cross.1', b: 'cross.0' },
    ],
  },
  {
    name: 'Badly scaled bowl: Adam\'s step per coordinate',
    fn: 'quadratic', fnp: { a: 0.02, b: 20 }, start: [-4.5, 2], steps: 150,
    opts: [{ type: 'SGD', lr: 0.09 }, { type: 'SGD', lr: 0.05, momentum: 0.9 }, { type: 'Adam', lr: 0.1 }],
    notice: 'This bowl is 1000 times more curved across (y) than along (x), and both directions are coordinate axes. SGD\'s '
      + 'rate is capped by the steep y (below 2/20 = 0.1), and at lr 0.09 each step keeps {xkeep:4} of x: after 150 steps it is '
      + 'at {final_loss.0}, and none of 60 rates from 0.001 to 0.099 ends below {sgd_best}. Momentum 0.9 at '
      + 'lr 0.05 helps, to {final_loss.1}. Adam divides each coordinate\'s step by the size of that coordinate\'s own gradients, so it moves '
      + 'along the flat x as fast as across the steep y and ends at {final_loss.2}. Per-coordinate scaling pays when the steep '
      + 'and flat directions are the axes; the Rosenbrock race shows a valley where they are not.',
    given: [1000, 2, 0.1],
    values: {
      xkeep: { q: 'step_ratio', of: 0, axis: 'x' },
      sgd_best: { q: 'final_loss', of: 0, sweep: { param: 'lr', from: 0.001, to: 0.099, n: 60 }, pick: 'min' },
    },
    claims: [
      { kind: 'order', by: 'final_loss', order: [2, 1, 0] },
      { kind: 'less', a: 'final_loss.2', b: 'sgd_best', factor: 1000 },
    ],
  },
  {
    name: 'Rosenbrock\'s curved valley: SGD momentum beats Adam',
    fn: 'rosenbrock', fnp: {}, start: [-1.5, 2.5], steps: 400,
    opts: [{ type: 'SGD', lr: 0.0015, momentum: 0.9 }, { type: 'Adam', lr: 0.1 }],
    notice: 'Rosenbrock\'s valley is narrow and bends: its steep direction turns along the way, so it is almost never a '
      + 'coordinate axis. SGD with momentum 0.9 at lr 0.0015 follows the floor to a loss of {final_loss.0} in 400 steps. Adam at '
      + 'lr 0.1 ends at {final_loss.1}, and the best of a sweep of its lr from 0.001 to 1 at {adam_best}. Between steps 50 and '
      + '250 Adam\'s steps average {adam_step} in length, a fraction of its lr of 0.1: scaling x and y separately cannot '
      + 'straighten a curved valley, while momentum\'s velocity builds up wherever successive gradients agree. Adam is the '
      + 'usual first choice for its robustness; a tuned SGD with momentum can still beat it.',
    values: {
      adam_best: { q: 'final_loss', of: 1, sweep: { param: 'lr', from: 0.001, to: 1, n: 25 }, pick: 'min' },
      adam_step: { q: 'mean_step', of: 1, from: 50, to: 250 },
    },
    claims: [
      { kind: 'order', by: 'final_loss', order: [0, 1] },
      { kind: 'less', a: 'final_loss.0', b: 'adam_best' },
      { kind: 'less', a: 'adam_step', b: 0.05 },
    ],
  },
  {
    name: 'L-BFGS: few steps, many evaluations',
    fn: 'rosenbrock', fnp: {}, start: [-1.5, 2.5], steps: 40,
    opts: [{ type: 'LBFGS', lr: 1, line_search_fn: 'strong_wolfe' }, { type: 'Adam', lr: 0.1 }],
    notice: 'L-BFGS gets below a loss of 10⁻⁶ at step {lbfgs_steps}. Each of its steps is a whole line search along its '
      + 'estimate of the Newton direction, though: those {lbfgs_steps} steps evaluated the function and its gradient '
      + '{lbfgs_evals} times. Given as many gradients, {lbfgs_evals} steps, Adam at lr 0.1 is still at {adam_same:3}. '
      + 'Curvature information pays on small, smooth, full-batch problems; with noisy minibatch gradients its line search '
      + 'has nothing reliable to search.',
    values: {
      lbfgs_steps: { q: 'first_below', of: 0, value: 1e-6 },
      lbfgs_evals: { q: 'evals_to', of: 0, value: 1e-6 },
      adam_same: { q: 'final_loss', of: 1, with: { steps: 54 } },
    },
    claims: [
      { kind: 'less', a: 'lbfgs_steps', b: 6 },
      { kind: 'equal', a: 'lbfgs_evals', b: 54 },
      { kind: 'less', a: 1, b: 'adam_same' },
    ],
  },
  {
    name: 'Saddle point: who leaves it first',
    fn: 'saddle', fnp: {}, start: [-1.8, 0.02], steps: 50,
    opts: [{ type: 'SGD', lr: 0.05 }, { type: 'SGD', lr: 0.05, momentum: 0.9 }, { type: 'Adam', lr: 0.05 }],
    notice: 'x² − y² curves up along x and down along y: at its centre the gradient is zero, yet it is no minimum, and the '
      + 'surface has no bottom, so the losses turn negative (the loss chart\'s symmetric log scale keeps them in view). The '
      + 'start sits just off the ridge line, at y = 0.02, where the pull along y is only 2y = 0.04. Plain SGD slides along x '
      + 'into the saddle and lingers there, {near.0} steps within 0.3 of its centre, because y grows only by the factor '
      + '1 + 2 lr each step; its loss first drops below −1 at step {esc.0}. Momentum 0.9 gathers speed and gets there at step '
      + '{esc.1}; Adam divides the tiny y gradient by its own size, steps about lr along y from the first step, and gets there '
      + 'at step {esc.2}. Started exactly on the ridge line (y = 0), plain SGD never leaves (the step its loss drops below −1: {ridge}).',
    given: [2, 0.04, 1],
    values: {
      'near.0': { q: 'near_steps', of: 0, point: [0, 0], radius: 0.3 },
      'near.1': { q: 'near_steps', of: 1, point: [0, 0], radius: 0.3 },
      'near.2': { q: 'near_steps', of: 2, point: [0, 0], radius: 0.3 },
      'esc.0': { q: 'first_below', of: 0, value: -1 },
      'esc.1': { q: 'first_below', of: 1, value: -1 },
      'esc.2': { q: 'first_below', of: 2, value: -1 },
      ridge: { q: 'first_below', of: 0, value: -1, with: { start: [-1.8, 0] } },
    },
    claims: [
      { kind: 'order', by: 'esc', order: [1, 2, 0] },
      { kind: 'less', a: 'near.1', b: 'near.0' },
      { kind: 'less', a: 'near.2', b: 'near.0' },
      { kind: 'equal', a: 'ridge', b: null },
    ],
  },
  {
    name: 'Many local minima: where each one lands',
    fn: 'rastrigin', fnp: {}, start: [3.3, 3.1], steps: 200,
    opts: [{ type: 'SGD', lr: 0.002 }, { type: 'SGD', lr: 0.01, momentum: 0.9 }, { type: 'RMSprop', lr: 0.1 }],
    notice: 'Rastrigin\'s egg crate has a local minimum near every point with whole-number coordinates and its global one '
      + 'at (0, 0), loss 0. Small steps stop in the nearest: SGD at lr 0.002 settles at {basin.0}, loss {final_loss.0:3}. '
      + 'RMSprop\'s normalised steps hop a few ridges to {basin.2}, loss {final_loss.2}. Momentum 0.9 at lr 0.01 runs across '
      + 'the crate, passing within {close.1} of the global minimum, and lands at {basin.1}, loss {final_loss.1:3}: no better '
      + 'than where plain SGD stopped. Where it lands is a lottery: at lr 0.0095 it ends at {alt} instead. None of them finds '
      + 'the global minimum.',
    values: {
      'close.1': { q: 'closest', of: 1, point: [0, 0] },
      alt: { q: 'basin', of: 1, with: { opt: { lr: 0.0095 } } },
    },
    claims: [
      { kind: 'distinct', values: ['basin.0', 'basin.1', 'basin.2'] },
      { kind: 'order', by: 'final_loss', order: [2, 0, 1] },
      { kind: 'less', a: 1, b: 'final_loss.2' },
      { kind: 'less', a: 'close.1', b: 0.5 },
      { kind: 'distinct', values: ['basin.1', 'alt'] },
    ],
  },
  {
    name: 'Minibatch noise: decay the rate',
    fn: 'quadratic', fnp: { a: 1, b: 10 }, start: [-4.5, 2], steps: 150, noise: 3,
    opts: [{ type: 'SGD', lr: 0.05 }, { type: 'SGD', lr: 0.05, momentum: 0.9 }, { type: 'SGD', lr: 0.05, scheduler: { type: 'CosineAnnealingLR', T_max: 150 } }],
    notice: 'Every gradient here gets Gaussian noise of σ = 3, as a minibatch\'s would. At a constant rate SGD gets near the '
      + 'minimum quickly and then jitters around it: over the last 30 steps its loss averages {floor.0}. Momentum 0.9 at the '
      + 'same rate makes its steps up to 1/(1 − 0.9) = 10 times larger, noise included, and jitters at {floor.1}. A cosine '
      + 'schedule keeps the early speed (its loss averages {early.2} over steps 11 to 30, against {early.0} at the constant '
      + 'rate) and then shrinks the steps, and the noise with them: {floor.2}. This is why training ends with small rates.',
    given: [10, 1],
    values: {
      'floor.0': { q: 'mean_loss', of: 0, from: 121, to: 150 },
      'floor.1': { q: 'mean_loss', of: 1, from: 121, to: 150 },
      'floor.2': { q: 'mean_loss', of: 2, from: 121, to: 150 },
      'early.0': { q: 'mean_loss', of: 0, from: 11, to: 30 },
      'early.2': { q: 'mean_loss', of: 2, from: 11, to: 30 },
    },
    claims: [
      { kind: 'order', by: 'floor', order: [2, 0, 1] },
      { kind: 'close', a: 'early.2', b: 'early.0', rel: 0.1 },
      { kind: 'less', a: 'floor.2', b: 'floor.0', factor: 5 },
    ],
  },
];
