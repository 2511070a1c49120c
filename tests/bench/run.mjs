#!/usr/bin/env node
// steplab's benchmark suite: the core's kernels timed side by side with the
// peers a user would pick instead, in one run on one machine.
//
//   node tests/bench/run.mjs [--quick] [--only W1,K2] [--no-json] [--no-browser]
//
// Implementations (columns): steplab wasm SIMD (dist/steplab.mjs), steplab wasm
// scalar (dist/steplab-scalar.wasm), steplab native (the same C, gcc -O3
// -march=native: dist/bench/bench_native), for the training workloads steplab
// in headless Chromium's worker (browser.mjs), TensorFlow.js 4.22 `wasm`
// backend (XNNPACK, SIMD checked) and `cpu` backend (plain JS), and for the
// training workloads tfjs-layers' trainOnBatch (on the wasm backend). Workloads
// (rows) are the workloads() table below; each entry gives its size, its unit of
// work and, per implementation, a setup returning { run(), check() }.
//
// Protocol: every implementation first computes a check (a few result values at
// fixed indices, from the same seeded inputs) and all checks must agree with
// steplab wasm SIMD within the workload's tolerance before any timing is
// reported. Timing runs in passes: in each pass every implementation sets up,
// warms up and takes a few timed samples (each a batch of runs lasting at least
// 20 ms), so a change in the shared machine's load hits them alike; the
// median and quartiles of throughput over all samples are reported. Native runs
// in its own process, one sample per run.
// --quick shrinks every size and sample count so the whole pass takes seconds
// (npm test runs it, with no timing assertions).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadSteplab } from '../../dist/steplab.mjs';
import { instantiate } from '../../web/lib/core.mjs';
import { runBrowser } from './browser.mjs';
import { fill, pick, TRAIN, RESET_STEPS, ADAM as TRAIN_ADAM, trainData, steplabConfig, steplabCheck, restartPast } from './train.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dist = (f) => path.join(ROOT, 'dist', f);
export const IMPLS = ['steplab-wasm-simd', 'steplab-wasm-scalar', 'steplab-native', 'steplab-browser', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-layers'];

export { fill, pick };

// ---- the implementations' contexts, loaded once ----

async function loadContext() {
  const ctx = {};
  ctx.lab = await loadSteplab();
  const scalarBytes = fs.readFileSync(dist('steplab-scalar.wasm'));
  ctx.labScalar = await loadSteplab({ wasm: scalarBytes });
  // The same two modules instantiated bare, for the C calls on buffers that live in wasm memory
  // (the trainer's path) and the matmul kernel export.
  ctx.core = await instantiate(fs.readFileSync(dist('steplab.wasm')));
  ctx.coreScalar = await instantiate(scalarBytes);
  const probe = await WebAssembly.instantiate(fs.readFileSync(dist('bench/stream7.wasm')), {
    env: { emscripten_notify_memory_growth() {} },
    wasi_snapshot_preview1: new Proxy({}, { get: () => () => { throw new Error('stream7: system call'); } }),
  });
  ctx.probe = probe.instance.exports;
  if (ctx.probe._initialize) ctx.probe._initialize();
  const silence = [console.warn, console.log];
  console.warn = console.log = () => {}; // tfjs-core greets Node users
  ctx.tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-wasm');
  // tfjs-core's Node bundle registers no gradient functions; tfjs-layers brings them (and trainOnBatch)
  ctx.tfl = await import('@tensorflow/tfjs-layers');
  await ctx.tf.setBackend('wasm');
  [console.warn, console.log] = silence;
  ctx.tfWasmSimd = ctx.tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  ctx.tfWasmThreads = ctx.tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return ctx;
}

async function useBackend(ctx, name) {
  if (ctx.tf.getBackend() !== name) await ctx.tf.setBackend(name);
}

function native(args) {
  const r = spawnSync(dist('bench/bench_native'), args.map(String), { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench_native ${args[0]}: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout);
}

// A Float32Array of n in a core's heap (freed at the end of the workload).
function heapF32(core, n, from) {
  const p = core.alloc(n * 4);
  if (from) core.f32.set(from, p >> 2);
  return p;
}

// ---- K1: Adam ----

const ADAM = { type: 'Adam', lr: 0.001, betas: [0.9, 0.999], eps: 1e-8 };
const ADAM_JSON = JSON.stringify(ADAM);
const K1_STEPS_CHECKED = 3;
// W1-W3: losses after up to 31 steps agree within this (relative to the largest loss checked); see README
const TRAIN_TOL = 1e-4;

// lab.createOptimizer('Adam').step(params, grads): the public API, copying params and grads in and params out.
function adamStepApi(lab) {
  return (size) => {
    const p0 = fill(size.n, 1, 2);
    const g = fill(size.n, 2, 0.2);
    const check = () => {
      const o = lab.createOptimizer(ADAM, size.n);
      const p = p0.slice();
      for (let s = 0; s < K1_STEPS_CHECKED; s++) o.step(p, g);
      o.dispose();
      return pick(p);
    };
    const o = lab.createOptimizer(ADAM, size.n);
    const p = p0.slice();
    return { check, run: () => o.step(p, g), dispose: () => o.dispose() };
  };
}

// sl_optimizer_step on params and grads already in wasm memory: what a trainer does every step.
function adamInHeap(core) {
  return (size) => {
    const n = size.n;
    const enc = new TextEncoder().encode(ADAM_JSON);
    const sp = core.alloc(enc.length + 1);
    core.u8.set(enc, sp);
    core.u8[sp + enc.length] = 0;
    const outp = core.alloc(4);
    const make = () => {
      core.check(core.x.sl_optimizer_create(sp, enc.length, n, outp));
      return core.i32[outp >> 2];
    };
    const pp = heapF32(core, n, fill(n, 1, 2));
    const gp = heapF32(core, n, fill(n, 2, 0.2));
    const check = () => {
      const o = make();
      const cp = heapF32(core, n, fill(n, 1, 2));
      for (let s = 0; s < K1_STEPS_CHECKED; s++) core.check(core.x.sl_optimizer_step(o, cp, gp, n));
      const out = pick(core.f32.subarray(cp >> 2, (cp >> 2) + n));
      core.x.sl_optimizer_free(o);
      core.free(cp);
      return out;
    };
    const o = make();
    return {
      check,
      run: () => core.x.sl_optimizer_step(o, pp, gp, n),
      dispose: () => { core.x.sl_optimizer_free(o); for (const q of [sp, outp, pp, gp]) core.free(q); },
    };
  };
}

function adamTfjs(ctx, backend) {
  return async (size) => {
    await useBackend(ctx, backend);
    const tf = ctx.tf;
    const p0 = fill(size.n, 1, 2);
    const g = tf.tensor1d(fill(size.n, 2, 0.2));
    const fresh = () => ({ v: tf.variable(tf.tensor1d(p0)), opt: tf.train.adam(ADAM.lr, ADAM.betas[0], ADAM.betas[1], ADAM.eps) });
    const check = () => {
      const { v, opt } = fresh();
      for (let s = 0; s < K1_STEPS_CHECKED; s++) opt.applyGradients({ [v.name]: g });
      const out = pick(v.dataSync());
      opt.dispose();
      v.dispose();
      return out;
    };
    const { v, opt } = fresh();
    return {
      check,
      run: () => opt.applyGradients({ [v.name]: g }),
      dispose: () => { opt.dispose(); v.dispose(); g.dispose(); },
    };
  };
}

// The bandwidth ceiling for Adam's access pattern: 7 streams, trivial math (tests/bench/stream7.c).
function stream7Wasm(ctx) {
  return (size) => {
    const x = ctx.probe;
    const n = size.n;
    const mem = () => new Float32Array(x.memory.buffer);
    const ptrs = [1, 2, 3, 4].map(() => x.malloc(n * 4));
    const [pp, mp, vp, gp] = ptrs;
    const reset = () => {
      const f = mem();
      f.set(fill(n, 1, 2), pp >> 2);
      f.set(fill(n, 2, 0.2), gp >> 2);
      f.fill(0, mp >> 2, (mp >> 2) + n);
      f.fill(0, vp >> 2, (vp >> 2) + n);
    };
    const check = () => {
      reset();
      for (let s = 0; s < K1_STEPS_CHECKED; s++) x.sl_bench_stream7(pp, mp, vp, gp, n);
      return pick(mem().subarray(pp >> 2, (pp >> 2) + n));
    };
    return { check, run: () => x.sl_bench_stream7(pp, mp, vp, gp, n), dispose: () => ptrs.forEach((q) => x.free(q)) };
  };
}

// ---- K2: matmul ----

function matmulSteplab(core) {
  return (size) => {
    const { M, N, K } = size;
    const ap = heapF32(core, M * K, fill(M * K, 3, 2));
    const bp = heapF32(core, N * K, fill(N * K, 4, 2));
    const cp = heapF32(core, M * N);
    const run = () => core.x.sl_kernel_matmul(cp, ap, bp, M, N, K);
    return {
      check: () => { run(); return pick(core.f32.subarray(cp >> 2, (cp >> 2) + M * N)); },
      run,
      dispose: () => [ap, bp, cp].forEach((q) => core.free(q)),
    };
  };
}

// tf.matMul(A, B) with B given as K x N (its fast, non-transposed layout): the same product as A Bt^T.
function matmulTfjs(ctx, backend) {
  return async (size) => {
    await useBackend(ctx, backend);
    const tf = ctx.tf;
    const { M, N, K } = size;
    const bt = fill(N * K, 4, 2);
    const b = new Float32Array(K * N);
    for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) b[k * N + j] = bt[j * K + k];
    const A = tf.tensor2d(fill(M * K, 3, 2), [M, K]);
    const B = tf.tensor2d(b, [K, N]);
    const run = () => tf.matMul(A, B).dispose();
    return {
      check: () => { const c = tf.matMul(A, B); const out = pick(c.dataSync()); c.dispose(); return out; },
      run,
      dispose: () => { A.dispose(); B.dispose(); },
    };
  };
}

// ---- K3-K5: steplab only ----

const LANDSCAPE = {
  rosenbrock: { fn: 'rosenbrock', x: [-2, 2], y: [-1, 3] },
  rastrigin: { fn: 'rastrigin', x: [-5.12, 5.12], y: [-5.12, 5.12] },
};

function landscapeLab(lab, which) {
  return (size) => {
    const o = { ...LANDSCAPE[which], nx: size.nx, ny: size.ny };
    return { check: () => pick(lab.landscape(o)), run: () => lab.landscape(o) };
  };
}

function landscapeNativeArgs(which, size) {
  const o = LANDSCAPE[which];
  return ['landscape', JSON.stringify({ type: o.fn }), size.nx, size.ny, o.x[0], o.x[1], o.y[0], o.y[1]];
}

// One spec per scheduler over n values, parameters scaled so every scheduler keeps changing over the run.
function schedulerSpec(type, n) {
  const lr = 0.1;
  const t = Math.max(10, Math.round(n / 10));
  switch (type) {
    case 'LambdaLR': return { type, lr, lr_lambda: '1 / (1 + 0.001 * epoch)' };
    case 'MultiplicativeLR': return { type, lr, lr_lambda: '0.99999' };
    case 'StepLR': return { type, lr, step_size: t, gamma: 0.5 };
    case 'MultiStepLR': return { type, lr, milestones: [t, 3 * t, 6 * t], gamma: 0.5 };
    case 'ConstantLR': return { type, lr, factor: 0.5, total_iters: t };
    case 'LinearLR': return { type, lr, start_factor: 0.1, total_iters: t };
    case 'ExponentialLR': return { type, lr, gamma: 0.99999 };
    case 'PolynomialLR': return { type, lr, total_iters: n, power: 2 };
    case 'CosineAnnealingLR': return { type, lr, T_max: t, eta_min: 0.001 };
    case 'CosineAnnealingWarmRestarts': return { type, lr, T_0: t, T_mult: 2, eta_min: 0.001 };
    case 'CyclicLR': return { type, lr, base_lr: 0.001, max_lr: 0.1, step_size_up: t };
    case 'OneCycleLR': return { type, lr, max_lr: 0.1, total_steps: n };
    case 'ReduceLROnPlateau': return { type, lr, patience: 10 };
    case 'SequentialLR':
      return { type, lr, schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: t }, { type: 'CosineAnnealingLR', T_max: n - t }], milestones: [t] };
    case 'ChainedScheduler':
      return { type, lr, schedulers: [{ type: 'ExponentialLR', gamma: 0.99999 }, { type: 'CyclicLR', base_lr: 0.001, max_lr: 0.1, step_size_up: t, cycle_momentum: false }] };
    case 'InverseTimeDecay': return { type, lr, decay_steps: t, decay_rate: 0.5 };
    case 'ExponentialDecay': return { type, lr, decay_steps: t, decay_rate: 0.96 };
    case 'NaturalExpDecay': return { type, lr, decay_steps: t, decay_rate: 0.5 };
    default: return null; // a scheduler added to the core later: the suite says so in its check
  }
}

// ReduceLROnPlateau's monitored values: a saw-tooth, so plateaus come and go (tests/bench/native.c metrics()).
export function metrics(n) {
  const m = new Float64Array(n);
  for (let k = 0; k < n; k++) m[k] = 1 + ((k * 7919) % 1000) / 1000;
  return m;
}

function scheduleLab(lab, type) {
  return (size) => {
    const spec = schedulerSpec(type, size.n);
    if (!spec) throw new Error(`no benchmark spec for the scheduler ${type}; add one to schedulerSpec()`);
    const o = type === 'ReduceLROnPlateau' ? { metrics: metrics(size.n - 1) } : undefined;
    return { check: () => pick(lab.schedule(spec, size.n, o)), run: () => lab.schedule(spec, size.n, o) };
  };
}

// Each optimizer from (-1.5, 2) on rosenbrock, with an lr it does not diverge with.
const TRACE_START = [-1.5, 2];
function optimizerSpec(type) {
  const lr = { SGD: 1e-4, Adagrad: 0.05, Adadelta: 1, Rprop: 0.001, LBFGS: 0.5, DeltaBarDelta: 1e-4 }[type] ?? 0.001;
  return { type, lr };
}

function traceLab(lab, type) {
  return (size) => {
    const o = { fn: 'rosenbrock', start: TRACE_START, optimizer: optimizerSpec(type), steps: size.steps };
    const check = () => {
      const t = lab.trace(o);
      if (t.diverged || t.stopped_at !== size.steps) throw new Error(`trace ${type}: stopped at ${t.stopped_at} (diverged: ${t.diverged})`);
      return pick(t.loss);
    };
    return { check, run: () => lab.trace(o) };
  };
}

// ---- W1-W3: training steps ----
// Every implementation runs the loop of train.mjs: steps over the training rows in order, and after
// each epoch's last step the loss and accuracy on the whole training set. A timed run is size.steps
// steps; the check is the losses of the first size.check steps of a fresh model.

// lab.createTrainer(...) and run.step(steps): the public API, as the page's worker calls it.
function trainLab(lab, w) {
  return (size) => {
    const data = trainData(w, size.n);
    const config = steplabConfig(w, data);
    let run = lab.createTrainer(config);
    return {
      check: () => steplabCheck(lab, w, data, size.check),
      run: () => run.step(size.steps),
      reset: () => { run = restartPast(lab, run, config); },
      dispose: () => run.dispose(),
    };
  };
}

// The same loop in TensorFlow.js: a hand-written step (optimizer.minimize over the variables, the
// gradients from tf.variableGrads) on `backend`, or, with layers, a tf.sequential of dense layers
// and model.trainOnBatch (async) on the wasm backend. Batches are tensors made once at setup; the
// weights are the same numbers, transposed to tfjs's (in, out) kernels.
function trainTfjs(ctx, backend, w, layers = false) {
  return async (size) => {
    await useBackend(ctx, backend);
    const { tf, tfl } = ctx;
    const data = trainData(w, size.n);
    const { d, classes, n } = data;
    const B = w.batch;
    const spe = Math.ceil(n / B);
    const yT = (lo, hi) => (classes === 1
      ? tf.tensor2d(Float32Array.from(data.y.subarray(lo, hi)), [hi - lo, 1])
      : tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(data.y.subarray(lo, hi)), 'int32'), classes), 'float32')));
    const xs = [], ys = [];
    for (let k = 0; k < spe; k++) {
      const lo = k * B, hi = Math.min(n, lo + B);
      xs.push(tf.tensor2d(data.X.subarray(lo * d, hi * d), [hi - lo, d]));
      ys.push(yT(lo, hi));
    }
    const Xall = tf.tensor2d(data.X, [n, d]);
    const Yall = yT(0, n);
    const kernels = () => data.layers.flatMap((L) => {
      const Wt = new Float32Array(L.nIn * L.nOut);
      for (let o = 0; o < L.nOut; o++) for (let i = 0; i < L.nIn; i++) Wt[i * L.nOut + o] = L.W[o * L.nIn + i];
      return [tf.tensor2d(Wt, [L.nIn, L.nOut]), tf.tensor1d(L.b)];
    });
    const lossOf = (logits, y) => (classes === 1 ? tf.losses.sigmoidCrossEntropy(y, logits) : tf.losses.softmaxCrossEntropy(y, logits));
    const adam = () => tf.train.adam(TRAIN_ADAM.lr, TRAIN_ADAM.betas[0], TRAIN_ADAM.betas[1], TRAIN_ADAM.eps);

    // A fresh model: { step(k, withLoss) -> loss | undefined (a promise with layers), forward(x), dispose() }.
    const fresh = () => {
      if (layers) {
        const model = tfl.sequential();
        w.sizes.slice(1).forEach((units, l) => model.add(tfl.layers.dense({
          units, inputShape: l ? undefined : [d], activation: l + 2 < w.sizes.length ? w.activation : 'linear',
        })));
        const init = kernels();
        model.setWeights(init);
        tf.dispose(init);
        const opt = adam();
        model.compile({ optimizer: opt, loss: (yTrue, yPred) => lossOf(yPred, yTrue) });
        return {
          step: (k) => model.trainOnBatch(xs[k], ys[k]),
          forward: (x) => model.predict(x, { batchSize: n }),
          dispose: () => { model.dispose(); opt.dispose(); },
        };
      }
      const vars = kernels().map((t) => { const v = tf.variable(t); t.dispose(); return v; });
      const forward = (x) => {
        let h = x;
        for (let l = 0; l < vars.length / 2; l++) {
          h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
          if (2 * l + 2 < vars.length) h = w.activation === 'tanh' ? tf.tanh(h) : tf.relu(h);
        }
        return h;
      };
      const opt = adam();
      return {
        step: (k, withLoss) => {
          const cost = opt.minimize(() => lossOf(forward(xs[k]), ys[k]), withLoss, vars);
          if (!withLoss) return undefined;
          const v = cost.dataSync()[0];
          cost.dispose();
          return v;
        },
        forward,
        dispose: () => { opt.dispose(); tf.dispose(vars); },
      };
    };
    // the end of an epoch: loss and accuracy on the training set, read back as the trainer's history does
    const evaluate = (m) => {
      const [loss, acc] = tf.tidy(() => {
        const o = m.forward(Xall);
        const hit = classes === 1 ? tf.equal(tf.cast(tf.greater(o, 0), 'float32'), Yall) : tf.equal(tf.argMax(o, 1), tf.argMax(Yall, 1));
        return [lossOf(o, Yall), tf.mean(tf.cast(hit, 'float32'))];
      });
      const out = [loss.dataSync()[0], acc.dataSync()[0]];
      tf.dispose([loss, acc]);
      return out;
    };
    const check = async () => {
      const m = fresh();
      const losses = [];
      for (let s = 0; s < size.check; s++) {
        losses.push(await m.step(s % spe, true));
        if (s % spe === spe - 1) evaluate(m);
      }
      m.dispose();
      return pick(losses);
    };
    let m = fresh();
    let k = 0, taken = 0;
    const run = layers
      ? async () => {
        for (let s = 0; s < size.steps; s++) {
          await m.step(k);
          if (++k === spe) { k = 0; evaluate(m); }
        }
        taken += size.steps;
      }
      : () => {
        for (let s = 0; s < size.steps; s++) {
          m.step(k, false);
          if (++k === spe) { k = 0; evaluate(m); }
        }
        taken += size.steps;
      };
    return {
      check, run, async: layers,
      reset: () => { if (taken > RESET_STEPS) { m.dispose(); m = fresh(); k = 0; taken = 0; } },
      dispose: () => { m.dispose(); tf.dispose([...xs, ...ys, Xall, Yall]); },
    };
  };
}

// ---- the workload table: one entry per row ----
// size: the full run; quick: the npm test pass. units(size): work per run (elements, or flops for K2).
// impls: implementation -> setup(size) returning { check(), run(), dispose?() } (may be async), or
// native: (size) => bench_native's arguments. tol: the largest relative difference the check accepts
// (relative to the largest |value| of the check).
export function workloads(ctx) {
  const { lab, labScalar, core, coreScalar } = ctx;
  const list = [];
  for (const [id, w] of Object.entries(TRAIN)) {
    list.push({
      id, group: 'W', title: w.title, unit: 'samples/s', batch: w.batch, size: w.size, quick: w.quick,
      units: (s) => s.steps * w.batch, tol: TRAIN_TOL,
      impls: {
        'steplab-wasm-simd': trainLab(lab, w),
        'steplab-wasm-scalar': trainLab(labScalar, w),
        'steplab-native': (s) => ['train', w.sizes.join(','), w.activation, w.loss, w.batch, s.n, s.steps, s.check, RESET_STEPS],
        'steplab-browser': 'runBrowser()', // headless Chromium, dist/steplab.mjs in a module worker (browser.mjs)
        'tfjs-wasm': trainTfjs(ctx, 'wasm', w),
        'tfjs-cpu': trainTfjs(ctx, 'cpu', w),
        'tfjs-layers': trainTfjs(ctx, 'wasm', w, true),
      },
    });
  }
  for (const [label, n] of [['1e6', 1e6], ['1e7', 1e7]]) {
    list.push({
      id: `K1-adam-${label}`, group: 'K1', title: `Adam step, ${label} params (lab.createOptimizer().step)`,
      unit: 'params/s', size: { n }, quick: { n: 5e4 }, units: (s) => s.n, tol: 1e-5,
      impls: {
        'steplab-wasm-simd': adamStepApi(lab),
        'steplab-wasm-scalar': adamStepApi(labScalar),
        'steplab-native': (s) => ['adam', s.n],
        'tfjs-wasm': adamTfjs(ctx, 'wasm'),
        'tfjs-cpu': adamTfjs(ctx, 'cpu'),
      },
    });
    list.push({
      id: `K1-adam-heap-${label}`, group: 'K1', title: `Adam update in wasm memory, ${label} (sl_optimizer_step, a trainer's path)`,
      unit: 'params/s', size: { n }, quick: { n: 5e4 }, units: (s) => s.n, tol: 1e-5,
      impls: {
        'steplab-wasm-simd': adamInHeap(core),
        'steplab-wasm-scalar': adamInHeap(coreScalar),
        'steplab-native': (s) => ['adam', s.n],
      },
    });
    list.push({
      id: `K1-stream7-${label}`, group: 'K1', title: `7-stream bandwidth ceiling, ${label} (tests/bench/stream7.c)`,
      unit: 'params/s', size: { n }, quick: { n: 5e4 }, units: (s) => s.n, tol: 1e-6,
      impls: {
        'steplab-wasm-simd': stream7Wasm(ctx),
        'steplab-native': (s) => ['stream7', s.n],
      },
    });
  }
  list.push({
    id: 'K2-matmul-256', group: 'K2', title: 'matmul 256x256x256 (sl_kernel_matmul = the forward kernel sl_gemm_nt)',
    unit: 'GFLOP/s', scale: 1e-9, size: { M: 256, N: 256, K: 256 }, quick: { M: 32, N: 32, K: 32 },
    units: (s) => 2 * s.M * s.N * s.K, tol: 1e-5,
    impls: {
      'steplab-wasm-simd': matmulSteplab(core),
      'steplab-wasm-scalar': matmulSteplab(coreScalar),
      'steplab-native': (s) => ['matmul', s.M, s.N, s.K],
      'tfjs-wasm': matmulTfjs(ctx, 'wasm'),
      'tfjs-cpu': matmulTfjs(ctx, 'cpu'),
    },
  });
  for (const which of Object.keys(LANDSCAPE)) {
    list.push({
      id: `K3-landscape-${which}`, group: 'K3', title: `lab.landscape 400x400, ${which}`,
      unit: 'points/s', size: { nx: 400, ny: 400 }, quick: { nx: 40, ny: 40 }, units: (s) => s.nx * s.ny, tol: 1e-6,
      impls: {
        'steplab-wasm-simd': landscapeLab(lab, which),
        'steplab-wasm-scalar': landscapeLab(labScalar, which),
        'steplab-native': (s) => landscapeNativeArgs(which, s),
      },
    });
  }
  for (const type of lab.schedulers) {
    list.push({
      id: `K4-schedule-${type}`, group: 'K4', title: `lab.schedule 1e6 values, ${type}`,
      unit: 'values/s', size: { n: 1e6 }, quick: { n: 2e3 }, units: (s) => s.n, tol: 1e-6,
      impls: {
        'steplab-wasm-simd': scheduleLab(lab, type),
        'steplab-wasm-scalar': scheduleLab(labScalar, type),
        'steplab-native': (s) => ['schedule', JSON.stringify(schedulerSpec(type, s.n)), s.n],
      },
    });
  }
  for (const type of lab.optimizers) {
    list.push({
      id: `K5-trace-${type}`, group: 'K5', title: `lab.trace 10 000 steps, ${type} on rosenbrock`,
      unit: 'steps/s', size: { steps: 10000 }, quick: { steps: 200 }, units: (s) => s.steps, tol: 1e-4,
      impls: {
        'steplab-wasm-simd': traceLab(lab, type),
        'steplab-wasm-scalar': traceLab(labScalar, type),
        'steplab-native': (s) => ['trace', JSON.stringify({ type: 'rosenbrock' }), JSON.stringify(optimizerSpec(type)),
          TRACE_START[0], TRACE_START[1], s.steps],
      },
    });
  }
  return list;
}

// ---- timing ----

const now = () => performance.now() / 1000;

function quantile(sorted, q) {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

// Seconds per run: warm-up, then minSamples to samples batches (as the budget allows) of reps runs, each batch >= minSample.
// isAsync: run returns a promise (tfjs-layers' trainOnBatch), awaited each time. reset (the training workloads): before
// each sample, untimed, back to the initial weights and a fresh optimizer once the model has taken more than RESET_STEPS
// steps, so that every implementation times the same stretch of training, its first few thousand steps (a fast one
// went on far beyond a slow one's steps: see tests/bench/README.md, subnormal numbers). A slow one goes on training,
// so its samples still include its share of the per-epoch evaluations (W3's epoch is 16 runs).
async function timeRuns(run, opt, isAsync, reset) {
  let warm = 0;
  const t0 = now();
  // at least warmRuns runs and warmSeconds, but no more than 1 s of warm-up (tfjs-cpu's Adam over 1e7 takes seconds a run)
  do {
    if (isAsync) await run(); else run();
    warm++;
  } while ((warm < opt.warmRuns || now() - t0 < opt.warmSeconds) && now() - t0 < 1 && warm < 1000);
  const per = (now() - t0) / warm;
  const reps = Math.max(1, Math.ceil(opt.minSample / Math.max(per, 1e-9)));
  const samples = Math.max(opt.minSamples, Math.min(opt.samples, Math.floor(opt.budget / (per * reps))));
  const out = [];
  for (let s = 0; s < samples; s++) {
    if (reset) reset();
    const a = now();
    if (isAsync) for (let r = 0; r < reps; r++) await run();
    else for (let r = 0; r < reps; r++) run();
    out.push((now() - a) / reps);
  }
  return out;
}

function summarize(secs, units, scale) {
  const rates = secs.map((t) => (units / t) * scale).sort((a, b) => a - b);
  const times = [...secs].sort((a, b) => a - b);
  return {
    median: quantile(rates, 0.5), q1: quantile(rates, 0.25), q3: quantile(rates, 0.75),
    min: rates[0], max: rates[rates.length - 1], samples: secs.length,
    median_ms: quantile(times, 0.5) * 1e3,
  };
}

function compareChecks(ref, got, tol) {
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]) / Math.max(scale, 1e-30);
    if (!(d <= worst)) worst = d;
  }
  return { worst, ok: worst <= tol };
}

// Runs the suite; returns the results object (also what the JSON file holds).
export async function runSuite(options = {}) {
  const quick = !!options.quick;
  const log = options.log ?? ((s) => process.stdout.write(s));
  const ctx = await loadContext();
  const opt = quick
    ? { passes: 1, warmRuns: 1, warmSeconds: 0, minSample: 0, samples: 2, minSamples: 2, budget: 0, nativeSamples: 2 }
    : { passes: 5, warmRuns: 3, warmSeconds: 0.3, minSample: 0.02, samples: 4, minSamples: 2, budget: 0.5, nativeSamples: 4 };
  const load0 = os.loadavg();
  let list = workloads(ctx);
  if (options.only) list = list.filter((w) => options.only.some((o) => w.id.startsWith(o) || w.group === o));
  const results = [];
  // The training workloads in headless Chromium's worker: its own passes, before the Node ones.
  let browser = null;
  if (options.browser !== false && list.some((w) => w.group === 'W')) {
    browser = await runBrowser({ quick, passes: opt.passes, opt, liveSeconds: quick ? 1 : 5 });
  }
  for (const w of list) {
    const size = quick ? w.quick : w.size;
    const units = w.units(size);
    const scale = w.scale ?? 1;
    const row = { id: w.id, group: w.group, title: w.title, unit: w.unit, size, impls: {} };
    if (w.batch) row.batch = w.batch;
    // Passes: every implementation takes its share of samples in each pass, so a change in the
    // machine's load during the run hits all of them alike. The check comes from the first pass.
    const secs = {};
    const checks = {};
    // Odd passes take the implementations in reverse order: the one measured first in a pass runs while V8
    // is still re-optimizing JS the previous one shared with it (the two steplab builds share the whole API).
    for (let pass = 0; pass < opt.passes; pass++) {
      for (const name of pass % 2 ? [...IMPLS].reverse() : IMPLS) {
        const impl = w.impls[name];
        if (!impl || name === 'steplab-browser') continue; // its samples come from runBrowser()
        secs[name] ??= [];
        if (name === 'steplab-native') {
          const r = native([...impl(size), opt.nativeSamples]);
          checks[name] ??= r.check;
          secs[name].push(...r.samples);
        } else {
          const h = await impl(size);
          if (pass === 0) checks[name] = Array.from(await h.check());
          secs[name].push(...(await timeRuns(h.run, opt, h.async, h.reset)));
          if (h.dispose) h.dispose();
        }
      }
    }
    if (w.impls['steplab-browser'] && browser) {
      checks['steplab-browser'] = browser.workloads[w.id].check;
      secs['steplab-browser'] = browser.workloads[w.id].samples;
    }
    let ref = null;
    for (const name of IMPLS.filter((n) => secs[n])) {
      const check = checks[name];
      const entry = { ...summarize(secs[name], units, scale), check };
      if (w.batch) entry.steps_per_s = { median: entry.median / w.batch, q1: entry.q1 / w.batch, q3: entry.q3 / w.batch };
      if (ref === null) {
        ref = check;
      } else {
        const c = compareChecks(ref, check, w.tol);
        entry.check_worst = c.worst;
        entry.check_ok = c.ok;
        if (!c.ok) row.check_failed = true;
      }
      row.impls[name] = entry;
    }
    const base = row.impls['steplab-wasm-simd'];
    for (const [name, e] of Object.entries(row.impls)) if (e !== base) e.ratio = base.median / e.median;
    results.push(row);
    log(formatRow(row));
  }
  const out = {
    suite: 'steplab benchmarks (tests/bench)', quick, date: new Date().toISOString(),
    machine: machine(), load_average: { start: load0, end: os.loadavg() }, node: process.version, v8: process.versions.v8,
    packages: packageVersions(), tfjs: { wasm_simd: ctx.tfWasmSimd, wasm_threads: ctx.tfWasmThreads },
    protocol: quick ? 'quick pass: sizes and samples shrunk, timings meaningless' :
      `${opt.passes} passes over the implementations; in each, warm-up >= ${opt.warmRuns} runs and ${opt.warmSeconds} s, then ${opt.minSamples}-${opt.samples} samples of >= ${opt.minSample * 1e3} ms (native: its own process, ${opt.nativeSamples} single runs); median and quartiles of all samples`,
    results,
  };
  if (browser) {
    const L = browser.live;
    out.browser = { user_agent: browser.userAgent, live_W1: { steps_per_s: L.steps / L.seconds, seconds: L.seconds, frames: L.frames, fps: L.fps, pulled: L.pulled, steps: L.steps } };
  }
  out.targets = targets(results, out.browser);
  out.checks_ok = results.every((r) => !r.check_failed);
  return out;
}

// ---- targets of the performance issue ----

// W: ratios of steplab wasm SIMD to the peers (>= the value); K: see below.
const TRAIN_TARGETS = [
  ['W1', 'tfjs-wasm', 100], ['W2', 'tfjs-wasm', 15], ['W3', 'tfjs-wasm', 9],
  ['W1', 'tfjs-cpu', 10], ['W2', 'tfjs-cpu', 10], ['W3', 'tfjs-cpu', 10],
  ['W2', 'steplab-native', 0.7], ['W3', 'steplab-native', 0.7], ['W2', 'steplab-wasm-scalar', 5],
];

function targets(results, browser) {
  const get = (id, impl = 'steplab-wasm-simd') => results.find((r) => r.id === id)?.impls[impl];
  const t = [];
  for (const [id, peer, want] of TRAIN_TARGETS) {
    const e = get(id, peer);
    if (e) t.push({ target: `${id} wasm SIMD >= ${want} x ${SHORT[peer]}`, value: e.ratio, met: e.ratio >= want });
  }
  if (browser) {
    const v = browser.live_W1.steps_per_s;
    t.push({ target: 'W1 in the page: worker training, history pulled every animation frame, >= 50 000 steps/s', value: v, met: v >= 50000 });
  }
  for (const label of ['1e6', '1e7']) {
    const ceil = get(`K1-stream7-${label}`);
    for (const [id, what] of [[`K1-adam-heap-${label}`, 'in wasm memory'], [`K1-adam-${label}`, 'step API']]) {
      const a = get(id);
      if (a && ceil) {
        const v = a.median / ceil.median;
        t.push({ target: `K1 Adam ${label} (${what}) >= 0.85 x the 7-stream ceiling in wasm`, value: v, met: v >= 0.85 });
      }
    }
  }
  const mm = get('K2-matmul-256');
  if (mm) t.push({ target: 'K2 matmul 256^3 >= 30 GFLOP/s in wasm SIMD', value: mm.median, met: mm.median >= 30 });
  for (const r of results.filter((x) => x.group === 'K3')) {
    const e = r.impls['steplab-wasm-simd'];
    t.push({ target: `K3 ${r.id.slice(13)} < 10 ms`, value: e.median_ms, met: e.median_ms < 10 });
  }
  const k4 = results.filter((x) => x.group === 'K4');
  if (k4.length) {
    const worst = k4.reduce((a, b) => (a.impls['steplab-wasm-simd'].median_ms > b.impls['steplab-wasm-simd'].median_ms ? a : b));
    const v = worst.impls['steplab-wasm-simd'].median_ms;
    t.push({ target: `K4 every scheduler < 20 ms (slowest: ${worst.id.slice(12)})`, value: v, met: v < 20 });
  }
  return t;
}

// ---- output ----

function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1];
  } catch { /* not Linux */ }
  return { cpu, cores: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` };
}

function packageVersions() {
  const v = {};
  for (const p of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu']) {
    try { v[p] = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version; } catch { v[p] = null; }
  }
  v.steplab = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const emcc = spawnSync('emcc', ['--version'], { encoding: 'utf8' });
  v.emcc = emcc.stdout ? emcc.stdout.split('\n')[0] : null;
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  v.gcc = gcc.stdout ? gcc.stdout.split('\n')[0] : null;
  return v;
}

const SHORT = { 'steplab-wasm-simd': 'wasm SIMD', 'steplab-wasm-scalar': 'wasm scalar', 'steplab-native': 'native', 'steplab-browser': 'Chromium worker', 'tfjs-wasm': 'tfjs-wasm', 'tfjs-cpu': 'tfjs-cpu', 'tfjs-layers': 'tfjs-layers' };

function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  return v.toPrecision(3);
}

function formatRow(r) {
  const cells = IMPLS.filter((n) => r.impls[n]).map((n) => {
    const e = r.impls[n];
    const spread = e.median ? Math.round((50 * (e.q3 - e.q1)) / e.median) : 0;
    const ratio = e.ratio === undefined ? '' : ` (x${e.ratio.toPrecision(3)})`;
    const bad = e.check_ok === false ? ' CHECK FAILED' : '';
    return `${SHORT[n]} ${fmt(e.median)} ±${spread}%${ratio}${bad}`;
  });
  const steps = r.batch ? `\n${''.padEnd(34)} steps/s   ${IMPLS.filter((n) => r.impls[n]).map((n) => `${SHORT[n]} ${fmt(r.impls[n].median / r.batch)}`).join(' | ')}` : '';
  return `${r.id.padEnd(34)} ${r.unit.padEnd(9)} ${cells.join(' | ')}${steps}\n`;
}

// The Markdown table of a results object (README), ratios = steplab wasm SIMD / that implementation.
export function markdown(out) {
  const lines = [
    `| workload | unit | ${IMPLS.map((n) => SHORT[n]).join(' | ')} |`,
    `|---|---|${IMPLS.map(() => '---:').join('|')}|`,
  ];
  const row = (r, unit, per = 1) => {
    const cells = IMPLS.map((n) => {
      const e = r.impls[n];
      if (!e) return '';
      const v = fmt(e.median / per);
      return e.ratio === undefined ? `**${v}**` : `${v} (×${e.ratio.toPrecision(3)})`;
    });
    lines.push(`| ${r.id} | ${unit} | ${cells.join(' | ')} |`);
  };
  for (const r of out.results) {
    row(r, r.unit);
    if (r.batch) row(r, 'steps/s', r.batch);
  }
  lines.push('', '| target | value | met |', '|---|---:|---|');
  for (const t of out.targets) lines.push(`| ${t.target} | ${t.value.toPrecision(3)} | ${t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const i = args.indexOf('--only');
  const only = i >= 0 ? args[i + 1].split(',') : null;
  const build = spawnSync('bash', [path.join(ROOT, 'tests/bench/build.sh')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  const out = await runSuite({ quick, only, browser: !args.includes('--no-browser') });
  const m = out.machine;
  console.log(`\n${m.cpu}, ${m.cores} cores, Node ${out.node}, tfjs ${out.packages['@tensorflow/tfjs-core']} (wasm SIMD ${out.tfjs.wasm_simd}, threads ${out.tfjs.wasm_threads})`);
  console.log('ratios (xN) = steplab wasm SIMD / that implementation; ± = half the interquartile range\n');
  for (const t of out.targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.value.toPrecision(3)}`);
  if (!out.checks_ok) console.log('\nCORRECTNESS CHECK FAILED: the implementations disagree; timings are not to be trusted');
  if (!args.includes('--no-json') && !quick) {
    const dir = path.join(ROOT, 'tests/bench/results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${out.date.slice(0, 19).replace(/:/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
    fs.writeFileSync(path.join(dir, 'latest.md'), `${markdown(out)}\n`);
    console.log(`\nwrote ${path.relative(ROOT, file)} and tests/bench/results/latest.md`);
  }
  process.exit(out.checks_ok ? 0 : 1);
}
