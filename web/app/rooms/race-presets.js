// The Optimizers room's races: each a surface, a start and the optimizers that show one idea,
// and the schedules a racer can be given. (Each optimizer's starter comes from the core's
// registry, and so do each surface's view and start: web/shared/registry.js.)

export const SCHEDULES = {
  none: null,
  step: (n) => ({ type: 'StepLR', step_size: Math.max(1, Math.round(n / 4)), gamma: 0.5 }),
  cosine: (n) => ({ type: 'CosineAnnealingLR', T_max: n }),
  exponential: () => ({ type: 'ExponentialLR', gamma: 0.99 }),
};

export const PRESETS = [
  { name: 'Ravine: SGD, momentum, Nesterov', fn: 'quadratic', fnp: { a: 1, b: 20 }, start: [-4.5, 2], steps: 150,
    opts: [{ type: 'SGD', lr: 0.09 }, { type: 'SGD', lr: 0.02, momentum: 0.9 }, { type: 'SGD', lr: 0.02, momentum: 0.9, nesterov: true }] },
  { name: 'Rosenbrock: adaptive methods', fn: 'rosenbrock', fnp: {}, start: [-1.5, 2.5], steps: 400,
    opts: [{ type: 'SGD', lr: 0.001, momentum: 0.9 }, { type: 'Adagrad', lr: 0.5 }, { type: 'RMSprop', lr: 0.01 }, { type: 'Adam', lr: 0.1 }] },
  { name: 'L-BFGS in a handful of steps', fn: 'rosenbrock', fnp: {}, start: [-1.5, 2.5], steps: 40,
    opts: [{ type: 'LBFGS', lr: 1, line_search_fn: 'strong_wolfe' }, { type: 'Adam', lr: 0.1 }] },
  { name: 'Saddle point', fn: 'saddle', fnp: {}, start: [-1.8, 0.02], steps: 100,
    opts: [{ type: 'SGD', lr: 0.05 }, { type: 'SGD', lr: 0.05, momentum: 0.9 }, { type: 'Adam', lr: 0.05 }] },
  { name: 'Many local minima', fn: 'rastrigin', fnp: {}, start: [3.3, 3.1], steps: 200,
    opts: [{ type: 'SGD', lr: 0.002 }, { type: 'SGD', lr: 0.002, momentum: 0.95 }, { type: 'Adam', lr: 0.3 }] },
  { name: 'Minibatch noise', fn: 'quadratic', fnp: { a: 1, b: 10 }, start: [-4.5, 2], steps: 150, noise: 3,
    opts: [{ type: 'SGD', lr: 0.05 }, { type: 'SGD', lr: 0.05, momentum: 0.9 }, { type: 'Adam', lr: 0.1 }] },
];
