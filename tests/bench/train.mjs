// The training workloads W1-W3 and the seeded inputs every implementation
// shares: plain JS with no Node imports, so the suite (run.mjs), the browser
// worker (worker.mjs) and, through the same generators in C, the native driver
// (native.c train_setup()) build the same data set, initial weights and loop.
//
// Each workload: an MLP (PyTorch layout: W (out, in), b (out) per layer), a loss,
// Adam (lr 0.001, betas 0.9/0.999, eps 1e-8), a batch size and a training set of
// n rows taken in order (shuffle off, no validation split, no standardisation).
// A step is one batch: forward, loss, backward, Adam. After the last batch of an
// epoch the loop evaluates loss and accuracy on the whole training set, as
// steplab's trainer does for its epoch history; every implementation does the same.

export const CHECKS = 16;

// x[i] = scale * (u - 0.5), u from a 32-bit LCG: the same numbers as tests/bench/native.c fill().
export function fill(n, seed, scale) {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = Math.fround(scale * Math.fround(Math.fround((s >>> 8) / 16777216) - 0.5));
  }
  return x;
}

// CHECKS values at evenly spaced indices, the first and last included (native.c print_check()).
export function pick(x, n = x.length) {
  const out = new Float64Array(CHECKS);
  for (let i = 0; i < CHECKS; i++) out[i] = x[Math.floor((i * (n - 1)) / (CHECKS - 1))];
  return out;
}

// n class labels in [0, classes) from the same LCG (native.c labels()).
export function labels(n, seed, classes) {
  const y = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    y[i] = (s >>> 16) % classes;
  }
  return y;
}

// The largest power of two s <= 2 / sqrt(n_in): W ~ U(-s/2, s/2), close to nn.Linear's default
// U(-1/sqrt(in), 1/sqrt(in)), and exact in float32 so fill() gives the same bits as in C.
export function initScale(nIn) {
  let s = 2;
  while (s * s * nIn > 4) s /= 2;
  return s;
}

// Before a timed sample, a model past this many steps starts again from the initial weights (run.mjs's
// timeRuns, worker.mjs, before-after.mjs; native.c has its own copy): every implementation then times its
// first few thousand steps, where W1's numbers are not yet subnormal (tests/bench/README.md).
export const RESET_STEPS = 4096;
// The trainer to time next: run itself, or (run disposed) a new one from config once run is past RESET_STEPS.
export function restartPast(lab, run, config) {
  if (run.steps_done <= RESET_STEPS) return run;
  run.dispose();
  return lab.createTrainer(config);
}

export const ADAM = { type: 'Adam', lr: 0.001, betas: [0.9, 0.999], eps: 1e-8 };

// size: the full run (steps per timed run, as one run.step(steps) call); quick: the npm test pass
// (a smaller training set and fewer check steps). check: the losses of the first `check` steps.
export const TRAIN = {
  W1: {
    title: 'MLP 2-16-16-1 tanh, BCEWithLogitsLoss, Adam, batch 32 (2-D xor of the quadrants)',
    sizes: [2, 16, 16, 1], activation: 'tanh', loss: 'BCEWithLogitsLoss', batch: 32,
    size: { n: 1024, steps: 256, check: 31 }, quick: { n: 128, steps: 8, check: 16 },
  },
  W2: {
    title: 'MLP 64-128-64-10 relu, CrossEntropyLoss, Adam, batch 64 (digits-sized, random data)',
    sizes: [64, 128, 64, 10], activation: 'relu', loss: 'CrossEntropyLoss', batch: 64,
    size: { n: 1792, steps: 32, check: 31 }, quick: { n: 256, steps: 4, check: 16 },
  },
  W3: {
    title: 'MLP 784-256-10 relu, CrossEntropyLoss, Adam, batch 128 (MNIST-sized, random data)',
    sizes: [784, 256, 10], activation: 'relu', loss: 'CrossEntropyLoss', batch: 128,
    size: { n: 8192, steps: 4, check: 31 }, quick: { n: 128, steps: 1, check: 12 },
  },
};

// The data set and initial weights of workload w for n rows: X (n x d, row-major), y (class
// indices), init (the flat parameters, layer by layer W then b) and layers ([{ W: rows, b }]).
export function trainData(w, n) {
  const d = w.sizes[0];
  const classes = w.sizes[w.sizes.length - 1];
  // binary: the quadrants' xor on [-2, 2)^2; multiclass: rows on [-1, 1) and random labels
  const X = fill(n * d, 7, classes === 1 ? 4 : 2);
  const y = classes === 1 ? Float64Array.from({ length: n }, (_, i) => (X[i * d] * X[i * d + 1] > 0 ? 1 : 0)) : labels(n, 8, classes);
  const layers = [];
  for (let l = 0; l + 1 < w.sizes.length; l++) {
    const [nIn, nOut] = [w.sizes[l], w.sizes[l + 1]];
    const W = fill(nIn * nOut, 100 + l, initScale(nIn));
    layers.push({ W, b: fill(nOut, 200 + l, initScale(nIn)), nIn, nOut });
  }
  const init = new Float32Array(layers.reduce((a, L) => a + L.W.length + L.b.length, 0));
  let off = 0;
  for (const L of layers) {
    init.set(L.W, off);
    init.set(L.b, off + L.W.length);
    off += L.W.length + L.b.length;
  }
  return { X, y, init, layers, n, d, classes };
}

const rows = (flat, n, d) => Array.from({ length: n }, (_, i) => flat.subarray(i * d, i * d + d));

// lab.createTrainer's config for workload w on data.
export function steplabConfig(w, data) {
  return {
    dataset: { X: rows(data.X, data.n, data.d), y: data.y, task: data.classes === 1 ? 'binary' : 'multiclass', val_fraction: 0, standardize: false },
    model: {
      hidden: w.sizes.slice(1, -1), activation: w.activation,
      init_weights: data.layers.map((L) => ({ W: rows(L.W, L.nOut, L.nIn), b: L.b })),
    },
    loss: { type: w.loss }, optimizer: ADAM,
    batch_size: w.batch, epochs: 1000000, shuffle: false, seed: 0,
  };
}

// The check of a steplab trainer: the losses of its first `steps` steps, CHECKS of them.
export function steplabCheck(lab, w, data, steps) {
  const run = lab.createTrainer(steplabConfig(w, data));
  try {
    if (run.step(steps) !== steps) throw new Error(`trainer took fewer than ${steps} steps (${run.status})`);
    return pick(run.history.steps.loss);
  } finally {
    run.dispose();
  }
}
