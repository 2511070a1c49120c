// The trainers' side of the worker: trainers (lab.createTrainer) kept in a Map by
// integer id with the config each was made with, trained in time slices so that
// the worker answers every animation frame, and read back as only what is new since the last request.
// Every typed array returned is a fresh copy, so it can be transferred.
import { fail, describe } from '../lib/errors.mjs';

const runs = new Map(); // id -> { run, config, steps: entries sent, epochs: entries sent }
let nextRun = 1;
const MAX_RUNS = 64;

function entry(name, id) {
  const e = runs.get(id);
  if (!e) fail(name, 'run', `must be the id of a live trainer (from trainCreate or trainRestore), got ${describe(id)}`);
  return e;
}

function add(run, config) {
  if (runs.size >= MAX_RUNS) {
    run.dispose();
    fail('trainCreate', null, `at most ${MAX_RUNS} trainers at once; dispose finished ones (trainDispose)`, 'range');
  }
  const id = nextRun++;
  runs.set(id, { run, config, steps: run.steps_done, epochs: run.epochs_done });
  return {
    run: id, task: run.task, n_features: run.n_features, n_outputs: run.n_outputs, sizes: [...run.sizes],
    steps_per_epoch: run.steps_per_epoch, batch_size: run.batch_size ?? config?.batch_size ?? null,
  };
}

// Columns from `from` on, as fresh arrays.
const since = (cols, from) => Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.slice(from)]));

function checkGrid(g) {
  const range = (r) => Array.isArray(r) && r.length === 2 && r.every(Number.isFinite);
  if (!g || !range(g.x) || !range(g.y) || !Number.isInteger(g.nx) || !Number.isInteger(g.ny)) {
    fail('trainStep', 'grid', `must be { x: [a, b], y: [a, b], nx, ny }, got ${describe(g)}`);
  }
}

/**
 * A trainer config trained to its end and freed (the Training room's "what to notice", measured; the
 * tests call it on Node's lab): { status ('error' when the core stopped it), error, steps_done,
 * epochs_done, train_loss, val_loss (the last epoch's), val (evaluate('val')) }.
 */
export function fitConfig(lab, config) {
  const run = lab.createTrainer(config);
  try {
    let error = null;
    try { run.fit(); } catch (e) { error = e.message; }
    const e = run.history.epochs;
    return { status: error ? 'error' : run.status, error, steps_done: run.steps_done, epochs_done: run.epochs_done,
      train_loss: e.train_loss.at(-1) ?? null, val_loss: e.val_loss.at(-1) ?? null, val: run.evaluate('val') };
  } finally {
    run.dispose();
  }
}

export const trainHandlers = {
  trainFit: (lab, { config }) => fitConfig(lab, config),
  dataset: (lab, { spec }) => lab.dataset(spec),

  trainCreate: (lab, { config }) => add(lab.createTrainer(config), config),

  // Optimizer steps in the first epoch of a config: lab.stepsPerEpoch where the core has it, else
  // a probe trainer (built and freed). The page's one place to ask (web/shared/remote-run.js).
  stepsPerEpoch: (lab, { config }) => {
    if (typeof lab.stepsPerEpoch === 'function') return lab.stepsPerEpoch(config);
    const probe = lab.createTrainer(config);
    try {
      return probe.steps_per_epoch;
    } finally {
      probe.dispose();
    }
  },

  // Trains up to `steps` optimizer steps or for `ms` milliseconds (whichever ends first; at least one
  // step unless the run is over), or with `epoch: true` to the end of the current epoch; returns the
  // history entries that are new since the previous request for this run. `line: { x: [a, b], n }`
  // adds the outputs at n points along the only feature of a 1-feature data set.
  // `inspect_every: k` also returns `inspects`, run.inspect() after every k-th step of the run in this slice.
  trainStep: (lab, { run: id, steps, ms, epoch, grid, line, inspect, inspect_every: every, evaluate }) => {
    const e = entry('trainStep', id);
    const { run } = e;
    if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0 && steps <= 1e9)) {
      fail('trainStep', 'steps', `must be an integer in [0, 1000000000], got ${describe(steps)}`);
    }
    if (ms !== undefined && !(typeof ms === 'number' && ms >= 0 && ms <= 60000)) {
      fail('trainStep', 'ms', `must be a number of milliseconds in [0, 60000], got ${describe(ms)}`);
    }
    if (every !== undefined && !(Number.isInteger(every) && every >= 1 && every <= 1e9)) {
      fail('trainStep', 'inspect_every', `must be an integer in [1, 1000000000], got ${describe(every)}`);
    }
    const samples = [];
    if (grid !== undefined) checkGrid(grid);
    if (line !== undefined && !(Array.isArray(line?.x) && line.x.length === 2 && line.x.every(Number.isFinite) && Number.isInteger(line.n) && line.n >= 2 && line.n <= 4096)) {
      fail('trainStep', 'line', `must be { x: [a, b], n } with n in [2, 4096], got ${describe(line)}`);
    }
    if (epoch && every) {
      // the rest of the epoch step by step, sampling inspect() as a slice of steps does
      const e0 = run.epochs_done;
      while (!run.done && run.epochs_done === e0 && run.step(1) === 1) {
        if (run.steps_done % every === 0 && typeof run.inspect === 'function') samples.push(run.inspect());
      }
    } else if (epoch) {
      run.epoch();
    } else {
      const budget = steps ?? (ms === undefined ? 1 : Infinity);
      const t0 = performance.now();
      let taken = 0;
      let chunk = 1;
      // chunks grow while time is left, so the clock is read a few times per slice, not per step
      while (taken < budget && !run.done) {
        const n = run.step(Math.min(chunk, budget - taken, every ? every - (run.steps_done % every) : Infinity));
        if (n === 0) break;
        taken += n;
        if (every && run.steps_done % every === 0 && typeof run.inspect === 'function') samples.push(run.inspect());
        const used = performance.now() - t0;
        if (ms !== undefined && used >= ms) break;
        if (ms !== undefined) {
          const per = used / taken;
          chunk = Math.max(1, Math.min(chunk * 2, Math.floor((ms - used) / Math.max(per, 1e-6))));
        } else {
          chunk = budget - taken;
        }
      }
    }
    const h = run.history;
    const out = {
      steps: since(h.steps, e.steps), epochs: since(h.epochs, e.epochs), status: run.status,
      epochs_done: run.epochs_done, steps_done: run.steps_done, diverged: run.diverged, best_epoch: run.best_epoch,
      lr: run.lr, steps_per_epoch: run.steps_per_epoch,
    };
    if (h.swats) out.swats = h.swats;
    e.steps = h.steps.loss.length;
    e.epochs = h.epochs.train_loss.length;
    if (grid) out.grid = run.predictGrid(grid);
    // a 1-feature data set: the model's outputs along the feature axis
    if (line) out.line = run.predict(Float32Array.from({ length: line.n }, (_, i) => line.x[0] + ((line.x[1] - line.x[0]) * i) / (line.n - 1)));
    if (inspect) out.inspect = typeof run.inspect === 'function' ? run.inspect() : null;
    if (every) out.inspects = samples;
    if (evaluate) out.metrics = { train: run.evaluate('train'), val: run.evaluate('val') };
    return out;
  },

  trainEvaluate: (lab, { run, split }) => entry('trainEvaluate', run).run.evaluate(split),
  trainPredictGrid: (lab, { run, x, y, nx, ny }) => entry('trainPredictGrid', run).run.predictGrid({ x, y, nx, ny }),
  trainEmbed: (lab, { run, X }) => {
    const r = entry('trainEmbed', run).run;
    if (typeof r.embed !== 'function') fail('trainEmbed', null, 'needs a core with run.embed');
    return r.embed(X);
  },
  trainWeights: (lab, { run }) => entry('trainWeights', run).run.weights(),
  trainHistory: (lab, { run }) => {
    const h = entry('trainHistory', run).run.history;
    return { steps: since(h.steps, 0), epochs: since(h.epochs, 0) };
  },
  trainSave: (lab, { run }) => entry('trainSave', run).run.save(),
  trainRestore: (lab, { bytes }) => {
    const run = lab.restoreTrainer(bytes);
    const config = structuredClone(run.config); // the core's own config, checked when the state was restored
    const res = add(run, config);
    const h = run.history;
    return { ...res, config, status: run.status, epochs_done: run.epochs_done, steps_done: run.steps_done,
      history: { steps: since(h.steps, 0), epochs: since(h.epochs, 0) } };
  },
  // The ids of the live trainers: pages check with it that nothing leaks.
  trainRuns: () => [...runs.keys()],
  trainDispose: (lab, { run }) => {
    runs.get(run)?.run.dispose();
    return runs.delete(run);
  },
};
