// Property-based hostile test of the whole API (issue 15): thousands of seeded calls across every
// public function of the module and every method of the objects it returns, with random types,
// magnitudes up to 2^53 and beyond, NaN, infinities, huge and sparse arrays, prototype keys, and
// forged saved states whose checksums were recomputed the way the module computes them. After every
// call that throws, the error must be a SteplabError (never a TypeError, RangeError or a wasm
// RuntimeError), a known-good call must still return the numbers it returned at the start (bit for
// bit), and lab.memoryBytes must stay bounded. The API surface is enumerated from the module, so a
// new function or method without a generator here fails the first test.
//
//   HOSTILE_API_ROUNDS (default 4000; npm run test:long: 40000), HOSTILE_API_SEED (default 1)
import test from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { lab, SteplabError } from './helpers.mjs';
import { toBase64 as encode64 } from '../web/lib/base64.mjs';
import { fromBase64, toBase64, resealOptimizer, resealScheduler, resealTrainer, splitTrainer } from './hostile-forge.mjs';

const ROUNDS = Number(process.env.HOSTILE_API_ROUNDS ?? 4000);
const SEED = Number(process.env.HOSTILE_API_SEED ?? 1);
// The module's own limits let one call hold up to ~1.6 GB (a 5e7-parameter Adam and a copy of its state); wasm
// memory never shrinks, so the bound is the module's maximum, and growth after the first half of the rounds (a leak
// in repeated calls) must stay under LEAK_CAP, the largest single call's growth left out: the first big call that
// the limits allow may come late (seed 2, 40000 rounds: one 760 MB optimizer at round 26600), a leak grows in many.
const MEMORY_CAP = 2 ** 31;
const LEAK_CAP = 64 * 2 ** 20;

// ---- seeded randomness ----
function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = mulberry32(SEED);
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const chance = (p) => rand() < p;

// ---- hostile values ----
const NUMS = [0, -0, 1, -1, 0.5, 2, 3, 7, 100, 1e6, 1e9, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 32 + 3, 2 ** 32 + 128, 2 ** 53,
  2 ** 53 + 2, 2 ** 64, 2 ** 1023, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 5e-324, 1e-320, NaN, Infinity, -Infinity, 0.1, 1e-8, -5];
const STRINGS = ['', 'x', '1', '0x10', '1e3', ' 2', 'NaN', 'Infinity', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf',
  'hasOwnProperty', 'digits', 'moons', 'Adam', 'StepLR', 'MSELoss', 'rastrigin', 'full', 'epoch', 'step', 'train', 'val', 'null', '\u0000',
  '\uFEFF', 'température', '\ud800', 'a'.repeat(5000), 'epoch < 5 ? 1 : 0', 'epoch ** 2', '1/0', 'epoch ^ 1e308'];
const sparse = (n) => { const a = []; a.length = n; return a; };
function hostileValue(depth = 0) {
  switch (int(depth > 1 ? 4 : 8)) {
    case 0: case 1: return pick(NUMS);
    case 2: return pick(STRINGS);
    case 3: return pick([undefined, null, true, false, 10n, Symbol('s'), () => 1, new Date(0), /x/, new Map(), new Error('e')]);
    case 4: return pick([[], [pick(NUMS)], [1, 2, 3], sparse(3), sparse(2 ** 32 - 1), new Array(100000).fill(pick(NUMS)),
      new Float32Array(4).fill(pick(NUMS)), new Float64Array(0), new Uint8Array(9), new Int32Array([2 ** 31 - 1]), new ArrayBuffer(16),
      { length: 2 ** 53 }, { length: -1, 0: 1 }]);
    case 5: return Array.from({ length: int(5) }, () => hostileValue(depth + 1));
    case 6: return protoObject(depth);
    default: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(STRINGS), hostileValue(depth + 1)]));
  }
}
// Objects with prototype keys as own properties (as JSON.parse makes them), or with a null prototype.
function protoObject(depth) {
  const o = pick([() => JSON.parse('{"__proto__": {"type": "Adam", "lr": 1}}'), () => Object.create(null),
    () => ({ constructor: hostileValue(depth + 1) }), () => JSON.parse('{"constructor": {"prototype": {"x": 1}}}'),
    () => Object.defineProperty({}, 'type', { get: () => pick(STRINGS), enumerable: true })])();
  if (chance(0.5)) Object.defineProperty(o, pick(['lr', 'name', 'hidden', 'steps']), { value: hostileValue(depth + 1), enumerable: true });
  return o;
}
const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
// A valid value with one hostile edit somewhere inside (or, sometimes, replaced whole).
function mutate(valid) {
  if (chance(0.08)) return hostileValue();
  const root = clone(valid);
  if (root === null || typeof root !== 'object') return chance(0.5) ? hostileValue() : root;
  let node = root;
  for (let d = 0; d < 3; d++) {
    const keys = Object.keys(node);
    const k = keys.length ? pick(keys) : null;
    if (k === null || node[k] === null || typeof node[k] !== 'object' || chance(0.4)) break;
    node = node[k];
  }
  const keys = Object.keys(node);
  const r = int(10);
  if (r === 0 && keys.length) delete node[pick(keys)];
  else if (r === 1) Object.defineProperty(node, '__proto__', { value: hostileValue(1), enumerable: true, writable: true, configurable: true });
  else if (r === 2) node[pick(['constructor', 'toString', 'hasOwnProperty', pick(STRINGS)])] = hostileValue(1);
  else if (keys.length) node[pick(keys)] = hostileValue(1);
  return root;
}
const maybe = (valid) => (chance(0.3) ? clone(valid) : mutate(valid));

// ---- valid bases, from the module's own registry ----
const R = lab.registry;
const schedulerSpec = () => pick(R.schedulers).starter;
const optimizerSpec = () => pick(R.optimizers).starter;
const lossSpec = () => pick(R.losses).starter;
const datasetSpec = () => ({ ...pick(R.datasets.filter((d) => d.name !== 'digits' || chance(0.1))).starter });
const surface = () => pick(R.surfaces);
const small = (d) => ({ ...d, ...(d.name === 'iris' || d.name === 'digits' ? {} : { n_samples: 40 }) });
const trainerConfig = () => ({
  dataset: small({ name: 'moons', n_samples: 40, val_fraction: 0.25 }), model: { hidden: [4], activation: 'tanh' },
  loss: { type: 'BCEWithLogitsLoss' }, optimizer: clone(pick([{ type: 'Adam', lr: 0.01 }, optimizerSpec()])), epochs: 2, batch_size: 8, seed: 1,
  ...(chance(0.3) ? { scheduler: { ...clone(schedulerSpec()), lr: undefined } } : {}),
});
const floats = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
const surfaceTrace = () => { const s = surface(); return { fn: s.name, start: s.start, optimizer: clone(optimizerSpec()), steps: 20 }; };
const surfaceView = () => { const s = surface(); return { fn: s.name, x: s.view.x, y: s.view.y, nx: 16, ny: 16 }; };

// ---- forged saved states (checksums recomputed as the module does: tests/hostile-forge.mjs) ----
const forgeBytes = (bytes) => {
  const b = bytes.slice();
  const dv = new DataView(b.buffer);
  for (let k = 1 + int(3); k > 0; k--) {
    const r = int(4);
    if (r === 0) b[16 + int(b.length - 16)] ^= 1 << int(8);
    else if (r === 1) { const at = 16 + 8 * int((b.length - 24) / 8); dv.setFloat64(at, pick(NUMS), true); }
    else if (r === 2) { const at = 16 + 4 * int((b.length - 20) / 4); dv.setInt32(at, pick([0, -1, 1, 2, 7, 2 ** 31 - 1, -(2 ** 31), 1000]), true); }
    else { const at = 16 + 4 * int((b.length - 20) / 4); dv.setFloat32(at, pick(NUMS), true); }
  }
  return b;
};
function forgedState(good, reseal) {
  const st = { ...good };
  if (chance(0.85)) st.data = toBase64(reseal(forgeBytes(fromBase64(good.data))));
  if (chance(0.2)) st[pick(Object.keys(st))] = hostileValue(1);
  return st;
}

// ---- one generator per public function and method: returns the arguments of one call ----
const API = {
  schedule: () => [maybe(schedulerSpec()), chance(0.7) ? pick([1, 10, 100]) : pick(NUMS), chance(0.3) ? mutate({ metrics: [1, 2, 3], groups: [0.1, 0.2] }) : undefined],
  createScheduler: () => [maybe(schedulerSpec()), chance(0.3) ? mutate({ groups: [0.1, 0.01] }) : undefined],
  restoreScheduler: () => [forgedState(pick(STATES.schedulers), resealScheduler)],
  loss: () => {
    const spec = maybe(lossSpec());
    return [spec, chance(0.5) ? [[0.2, 0.8], [1.5, -0.5]] : hostileValue(), chance(0.5) ? pick([[1, 0], [0.5, 1], [[1, 0], [0, 1]]]) : hostileValue()];
  },
  createOptimizer: () => [maybe(optimizerSpec()), chance(0.6) ? pick([1, 3, [2, 3]]) : pick([...NUMS, [2 ** 32, 1], [1, NaN], []])],
  restoreOptimizer: () => [forgedState(pick(STATES.optimizers), resealOptimizer)],
  optimizerSteps: () => [maybe(optimizerSpec()), chance(0.7) ? [1, 2] : hostileValue(), chance(0.7) ? [[0.1, 0.2], [0.3, -0.1]] : hostileValue()],
  trace: () => [maybe(surfaceTrace())],
  landscape: () => [maybe(surfaceView())],
  dataset: () => [maybe(small(datasetSpec()))],
  parseCSV: () => [chance(0.6) ? pick(['a,b,y\n1,2,0\n3,4,1', '\uFEFF1,2,0\n3,4,1\n5,6,0', 'x\ry\r1\r', 'température,y\n1,cat\n2,dog\n']) + pick(['', ',', '\n"', 'NaN,1\n', '1e999,0\n']) : hostileValue(),
    chance(0.5) ? mutate({ target: 'y', task: 'binary' }) : undefined],
  mlpInit: () => [maybe({ sizes: [2, 4, 1], activation: 'tanh', seed: 1 })],
  mlpForward: () => [maybe({ sizes: [2, 3, 1], seed: 1 }), chance(0.6) ? [[1, 2], [3, 4]] : hostileValue()],
  mlpBackward: () => [maybe({ sizes: [2, 3, 1], seed: 1 }), chance(0.6) ? [[1, 2]] : hostileValue(), chance(0.6) ? [[1]] : hostileValue()],
  createTrainer: () => [maybe(trainerConfig())],
  stepsPerEpoch: () => [maybe(trainerConfig()), chance(0.5) ? pick(NUMS) : undefined],
  restoreTrainer: () => [forgedTrainer()],
  lrFind: () => [maybe(trainerConfig()), chance(0.7) ? mutate({ start_lr: 1e-5, end_lr: 1, num_iter: 20 }) : undefined],
  checkOptimizer: () => [maybe(optimizerSpec()), maybe(optimizerSpec()), chance(0.7) ? mutate({ n: 8, steps: 5, seed: 1, tol: 1e-5 }) : undefined],
  checkLoss: () => [maybe(lossSpec()), maybe(lossSpec()), chance(0.7) ? mutate({ n: 8, seed: 1, tol: 1e-5 }) : undefined],
  gradcheck: () => [maybe(lossSpec()), chance(0.5) ? [0.2, 0.8, -1.5] : hostileValue(), chance(0.5) ? [1, 0, 1] : hostileValue(),
    chance(0.5) ? mutate({ eps: 1e-3, tol: 1e-3 }) : undefined],
  loadDataset: () => [chance(0.7) ? 'digits' : pick(STRINGS), chance(0.5) ? pick([{ bytes: new Uint8Array(10) }, new ArrayBuffer(3), { url: 'nope/x.bin' }, { bytes: hostileValue(1) }]) : undefined],
};
const METHODS = {
  scheduler: {
    step: () => [chance(0.5) ? undefined : pick(NUMS)], state: () => [], dispose: () => [],
  },
  optimizer: {
    step: (o) => {
      const n = o.nParams;
      if (chance(0.15)) return [floats(n), (x, g) => { g.fill(pick(NUMS)); return pick([...NUMS, 'x', undefined]); }];
      return [chance(0.8) ? floats(n) : hostileValue(), chance(0.8) ? floats(n).map(() => pick(NUMS)) : hostileValue()];
    },
    schedulerStep: () => [pick(NUMS)], averaged: () => [], state: () => [], dispose: () => [],
  },
  trainer: {
    step: () => [chance(0.6) ? pick([1, 3, 10]) : pick(NUMS)], epoch: () => [], fit: () => [], work: () => [pick(NUMS)],
    evaluate: () => [pick(['train', 'val', ...STRINGS.slice(0, 8)])], predict: (t) => [chance(0.6) ? [[0.1, 0.2]] : hostileValue()],
    embed: () => [chance(0.6) ? [[0.1, 0.2]] : hostileValue()], inspect: () => [],
    predictGrid: () => [mutate({ x: [-2, 2], y: [-2, 2], nx: 8, ny: 8 })], weights: () => [], save: () => [], dispose: () => [],
  },
};

// The public surface, found on the objects themselves: functions of lab, methods of what it makes.
const publicNames = (o) => {
  const names = new Set();
  for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) if (!k.startsWith('_') && k !== 'constructor' && typeof d.value === 'function') names.add(k);
  return [...names].sort();
};
const getterNames = (o) => {
  const names = new Set();
  for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) if (!k.startsWith('_') && d.get) names.add(k);
  return [...names];
};
const sample = {
  scheduler: () => lab.createScheduler({ type: 'StepLR', step_size: 2 }),
  optimizer: () => lab.createOptimizer({ type: 'Adam', lr: 0.1 }, 3),
  trainer: () => lab.createTrainer({ ...trainerConfig(), optimizer: { type: 'Adam' }, scheduler: undefined }),
};

// ---- states to forge: every scheduler and optimizer type after some steps, trainers ----
const STATES = { schedulers: [], optimizers: [], trainers: [] };
for (const k of R.schedulers) {
  const s = lab.createScheduler(k.starter);
  for (let i = 0; i < 7; i++) s.step(k.name === 'ReduceLROnPlateau' ? 1 / (i + 1) : undefined);
  STATES.schedulers.push(s.state());
  s.dispose();
}
for (const k of R.optimizers) {
  for (const spec of [k.starter, { ...k.starter, scheduler: { type: 'OneCycleLR', max_lr: 0.1, total_steps: 50 } }]) {
    let o;
    try { o = lab.createOptimizer(spec, [2, 3]); } catch (e) { if (e instanceof SteplabError) continue; throw e; }
    const p = floats(5);
    for (let i = 0; i < 4; i++) o.step(p, o.type === 'LBFGS' ? (x, g) => { g.set(x.map((v) => 2 * v)); return x.reduce((a, v) => a + v * v, 0); } : floats(5));
    STATES.optimizers.push(o.state());
    o.dispose();
  }
}
for (const opt of [{ type: 'Adam', lr: 0.01, scheduler: { type: 'StepLR', step_size: 2 } }, { type: 'SGD', lr: 0.1, momentum: 0.9 }, { type: 'RMSprop', lr: 0.01 }]) {
  const t = lab.createTrainer({ ...trainerConfig(), optimizer: opt, scheduler: undefined });
  t.step(7);
  STATES.trainers.push(t.save());
  t.dispose();
}
function forgedTrainer() {
  const good = pick(STATES.trainers);
  if (chance(0.1)) return hostileValue();
  if (chance(0.1)) return good.slice(0, int(good.length));
  const p = splitTrainer(good);
  const r = int(3);
  if (r === 0) p.state = forgeBytes(p.state);
  else if (r === 1) p.history = forgeBytes(p.history.length > 24 ? p.history : new Uint8Array(24));
  else p.copy = mutate(p.copy);
  return resealTrainer(p, chance(0.5)); // the optimizer section's own checksums too, half the time
}

// ---- the known-good calls, their numbers taken now ----
function known() {
  const out = [...lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 20 }, 20)];
  out.push(lab.loss({ type: 'CrossEntropyLoss' }, [[1, 2, 3], [0.5, 0.1, -1]], [2, 0]).value);
  const o = lab.createOptimizer({ type: 'Adam', lr: 0.1 }, 4);
  const p = Float32Array.from([1, -2, 3, 0.5]);
  for (let i = 0; i < 3; i++) o.step(p, Float32Array.from([0.1, -0.3, 0.2, 1]));
  o.dispose();
  out.push(...p);
  const t = lab.createTrainer({ dataset: { name: 'moons', n_samples: 40 }, model: { hidden: [3] }, loss: { type: 'BCEWithLogitsLoss' },
    optimizer: { type: 'Adam', lr: 0.05 }, batch_size: 8, epochs: 2, seed: 3 });
  t.step(6);
  out.push(...t.history.steps.loss, ...t.history.epochs.val_loss);
  t.dispose();
  return out;
}
const KNOWN = known();

const describe = (v, depth = 0) => {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol' || typeof v === 'function') return String(v).slice(0, 40);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
  if (Array.isArray(v)) return v.length > 8 ? `Array(${v.length})` : `[${v.map((x) => describe(x, depth + 1)).join(', ')}]`;
  if (v && typeof v === 'object') {
    if (depth > 2) return '{...}';
    try { return `{${Object.keys(v).slice(0, 8).map((k) => `${k}: ${describe(v[k], depth + 1)}`).join(', ')}}`; } catch { return '{getter}'; }
  }
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) + (v.length > 40 ? `...(${v.length})` : '') : String(v);
};

test('every public function and method has a generator', () => {
  const missing = [];
  for (const n of publicNames(lab)) if (!API[n]) missing.push(`lab.${n}`);
  for (const [kind, make] of Object.entries(sample)) {
    const o = make();
    for (const n of publicNames(o)) if (!METHODS[kind][n]) missing.push(`${kind}.${n}`);
    o.dispose();
  }
  assert.deepEqual(missing, [], `no hostile generator for ${missing.join(', ')}: add one to tests/hostile-api.test.mjs`);
  for (const n of Object.keys(API)) assert.equal(typeof lab[n], 'function', `API.${n} is not a function of lab any more`);
});

test(`${ROUNDS} seeded hostile calls: SteplabErrors only, known-good numbers unchanged, memory bounded (seed ${SEED})`, async () => {
  rand = mulberry32(SEED);
  const fns = publicNames(lab);
  const failures = new Map(); // one per kind of failure, with the first call that showed it
  const fail = (what, call, e) => {
    const key = `${what}: ${call.split('(')[0]}: ${e?.constructor?.name} ${String(e?.message ?? e).replace(/[0-9]+/g, 'N').slice(0, 80)}`;
    const where = String(e?.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim().replace(/\(.*\/(dist|tests)\//, '($1/')).join(' < ');
    if (!failures.has(key)) failures.set(key, `${call.slice(0, 400)} -> ${e?.constructor?.name}: ${String(e?.message ?? e).slice(0, 300)} at ${where}`);
  };
  const live = [];
  let errors = 0, calls = 0, maxMem = lab.memoryBytes, halfMem = Infinity, bigJump = 0;
  const check = (call) => {
    const mem = lab.memoryBytes;
    maxMem = Math.max(maxMem, mem);
    if (!(mem <= MEMORY_CAP)) fail('memory', call, new Error(`lab.memoryBytes ${mem}`));
    let now;
    try { now = known(); } catch (e) { fail('known-good call threw', call, e); return; }
    const bad = now.findIndex((v, i) => !Object.is(v, KNOWN[i]));
    if (bad >= 0 || now.length !== KNOWN.length) fail('known-good numbers changed', call, new Error(`value ${bad}: ${now[bad]} != ${KNOWN[bad]}`));
  };
  const slowest = []; // the five slowest calls, [ms, call]: the long run's time goes where the work limits allow most
  const invoke = async (label, fn, args) => {
    calls++;
    const call = `${label}(${args.map((a) => describe(a)).join(', ')})`;
    const t0 = performance.now(), mem0 = lab.memoryBytes;
    const timed = () => {
      const ms = performance.now() - t0;
      if (halfMem !== Infinity) bigJump = Math.max(bigJump, lab.memoryBytes - mem0); // the second half's calls
      if (slowest.length < 5 || ms > slowest[4][0]) slowest.splice(0, slowest.length, ...[...slowest, [ms, call.slice(0, 160)]].sort((a, b) => b[0] - a[0]).slice(0, 5));
    };
    try {
      const r = await fn(...args);
      timed();
      return { ok: true, r };
    } catch (e) {
      timed();
      errors++;
      if (!(e instanceof SteplabError)) {
        fail('not a SteplabError', call, e);
        if (process.env.HOSTILE_API_DUMP) console.log(inspect(args, { depth: 6, showHidden: true, maxArrayLength: 8, maxStringLength: 60 }));
      }
      else if (!e.message || e.message.length > 2000 || /[\u0000-\u0008\u000e-\u001f]/.test(e.message)) fail('unreadable message', call, e);
      check(call);
      return { ok: false };
    }
  };
  for (let round = 0; round < ROUNDS; round++) {
    const name = fns[round % fns.length]; // every function every fns.length rounds, arguments random
    const { ok, r } = await invoke(`lab.${name}`, lab[name], API[name]());
    const kind = ok && r && typeof r === 'object' && typeof r.dispose === 'function'
      ? (typeof r.schedulerStep === 'function' ? 'optimizer' : typeof r.fit === 'function' ? 'trainer' : 'scheduler') : null;
    if (kind) live.push({ kind, o: r });
    // a few hostile method calls on a live object, its getters read after each
    if (live.length && chance(0.7)) {
      const { kind: k, o } = pick(live);
      const m = pick(publicNames(o));
      const res = await invoke(`${k}.${m}`, (...a) => o[m](...a), METHODS[k][m](o));
      if (m === 'dispose' && res.ok) live.splice(live.findIndex((x) => x.o === o), 1);
      else for (const g of getterNames(o)) await invoke(`${k}.${g}`, () => o[g], []);
    }
    while (live.length > 12) live.shift().o.dispose();
    if (round === ROUNDS >> 1) halfMem = lab.memoryBytes;
  }
  for (const { o } of live) o.dispose();
  check('the end');
  if (lab.memoryBytes - bigJump > halfMem + LEAK_CAP) {
    fail('memory grew in the second half', 'the end', new Error(`${halfMem} -> ${lab.memoryBytes} bytes, ${bigJump} of it in one call`));
  }
  const report = [...failures.values()];
  console.log(`# ${calls} calls, ${errors} errors, ${failures.size} kinds of failure; lab.memoryBytes peaked at ${(maxMem / 2 ** 20).toFixed(0)} MiB`);
  console.log(`# slowest calls:\n${slowest.map(([ms, c]) => `#   ${(ms / 1000).toFixed(2)} s  ${c}`).join('\n')}`);
  assert.ok(errors > ROUNDS / 4, `only ${errors} of ${calls} calls were refused: the generators are too tame`);
  assert.deepEqual(report, [], report.join('\n'));
});

// What this test found, each pinned by a focused case (each failed before its fix).
test('found by the hostile test: huge sparse arrays, control characters, hijacked prototypes, a null grid', () => {
  const huge = sparse(2 ** 32 - 1);
  const refused = (fn, ...pieces) => assert.throws(fn, (e) => e instanceof SteplabError && pieces.every((p) => e.message.includes(p)));
  // trace's message listed every element of start (minutes, then RangeError: Invalid string length)
  refused(() => lab.trace({ fn: 'quadratic', start: huge, optimizer: { type: 'SGD', lr: 0.1 }, steps: 5 }), 'trace: start must be two finite numbers', 'an array of 4294967295');
  // gradcheck copied its input into a Float32Array before checking its length: 16 GB and minutes for this one (seed 1, round 6804)
  refused(() => lab.gradcheck({ type: 'MSELoss' }, huge, [1]), 'gradcheck: input must hold at most 4096 numbers', 'got 4294967295');
  refused(() => lab.gradcheck({ type: 'MSELoss' }, [1, 10n], [1, 2]), 'gradcheck: input[1] must be a number');
  refused(() => lab.gradcheck({ type: 'MSELoss' }, 'abc', [1]), 'gradcheck: input must be a number or a list of numbers');
  // lab.loss allocated rows x the first row's length before reading the rows (RangeError; seed 1, 16000 rounds)
  refused(() => lab.loss({ type: 'MSELoss' }, [huge, huge, huge], [[1, 0], [0, 1]]), 'MSELoss: input[0][0] must be a number, got nothing');
  // optimizerSteps allocated steps x parameters floats before any check (RangeError: Invalid typed array length)
  refused(() => lab.optimizerSteps({ type: 'SGD', lr: 0.1 }, [1, 2], huge), 'SGD: grads must hold at most 67108864 values');
  // a spec's list was written out element by element, however long
  refused(() => lab.schedule({ type: 'MultiStepLR', milestones: huge }, 3), 'MultiStepLR: milestones has 4294967295 elements');
  // the caller's control characters and 5000-character keys went into messages as they were
  refused(() => lab.optimizerSteps({ type: 'SGD', lr: 0.1 }, [1], '\u0000\u0007'), "got '\\u0000\\u0007'");
  refused(() => lab.optimizerSteps({ type: '\u0000', lr: 0.1 }, 'digits', [[1]]), '\\u0000: params0 must be');
  assert.throws(() => lab.schedule({ type: 'StepLR', step_size: 2, gamma: { ['k'.repeat(5000)]: [() => 1] } }, 3),
    (e) => e instanceof SteplabError && e.message.length < 400);
  // an array whose prototype the caller replaced (its iterator is a typed array's) broke the spec writer with a TypeError
  const sizes = [2, 3, 1];
  Object.setPrototypeOf(sizes, new Int32Array(1));
  assert.equal(lab.mlpForward({ sizes, seed: 1 }, [[1, 2]]).length, 1);
  // a sparse [anchor, positive, negative] (map skipped its holes): "Cannot read properties of undefined (reading 'n')"
  refused(() => lab.loss({ type: 'TripletMarginLoss' }, sparse(3)), 'TripletMarginLoss: input[0]');
  // optimizer.state() built its base64 a character at a time: a large optimizer's state exhausted the JS heap
  for (const n of [0, 1, 2, 3, 4, 5, 3e6 + 1]) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
    assert.equal(encode64(b), Buffer.from(b).toString('base64'), `${n} bytes`);
  }
  // predictGrid(null) threw "Cannot destructure property 'x'"
  const run = lab.createTrainer({ dataset: { name: 'moons', n_samples: 40 }, model: { hidden: [3] }, loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam' } });
  refused(() => run.predictGrid(null), 'Trainer: predictGrid takes an object');
  run.dispose();
});
