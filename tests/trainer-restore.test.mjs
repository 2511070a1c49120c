// Restores as strict as creates (c/train/train_state.c): the config travels inside the core's
// state, so a checkpoint whose JSON part, config or loop state was edited (with both
// checksums recomputed, as anyone can) is refused naming what does not match; inspect() sizes
// its buffer from the core; and forged restores leave 150 live trainers' numbers unchanged.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab, assertError } from './helpers.mjs';

// FNV-1a with bytes 12..15 (the checksum) read as 0: the JS file's and the core state's.
function fnv(b) {
  let h = 2166136261;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (i >= 12 && i < 16 ? 0 : b[i]), 16777619) >>> 0;
  return h;
}

// The file's parts (layout in web/lib/train.mjs save()).
function split(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const u = (i) => dv.getUint32(4 * i, true);
  const tLen = u(4), cLen = u(7), cOff = bytes.length - cLen;
  return { copy: JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + tLen))), history: bytes.slice(32 + ((tLen + 7) & ~7), cOff),
    state: bytes.slice(cOff), steps: u(5), epochs: u(6) };
}

// A file from parts, both checksums recomputed.
function join({ copy, history, state, steps, epochs }) {
  const text = new TextEncoder().encode(JSON.stringify(copy));
  const tPad = (text.length + 7) & ~7;
  const out = new Uint8Array(32 + tPad + history.length + state.length);
  new DataView(state.buffer, state.byteOffset).setUint32(12, fnv(state), true);
  out.set(text, 32);
  out.set(history, 32 + tPad);
  out.set(state, 32 + tPad + history.length);
  const dv = new DataView(out.buffer);
  [0x4a544c53, 2, out.length, 0, text.length, steps, epochs, state.length].forEach((v, i) => dv.setUint32(4 * i, v, true));
  dv.setUint32(12, fnv(out), true);
  return out;
}

// Replaces `from` by `to` (no longer, padded with JSON whitespace) in the config text inside the core's state.
function editState(state, from, to) {
  const s = new TextDecoder('latin1').decode(state);
  const at = s.indexOf(from);
  assert.ok(at > 0 && to.length <= from.length, `${from} is in the state`);
  const out = state.slice();
  out.set(new TextEncoder().encode(to.padEnd(from.length, ' ')), at);
  return out;
}

function forged(bytes, from, to, { copy = true, state = true } = {}) {
  const p = split(bytes);
  if (copy) p.copy = { config: p.copy.config.replace(from, to) };
  if (state) p.state = editState(p.state, from, to);
  return join(p);
}

// The core's saved header (c/train/train_state.c, struct saved): byte offsets of the loop's values.
const AT = { status: 40, cursor: 44, epoch: 48, es_bad: 52, batch: 60, steps: 96, last_loss: 104 };
function editLoop(bytes, field, value) {
  const p = split(bytes);
  const dv = new DataView(p.state.buffer, p.state.byteOffset);
  if (field === 'steps' || field === 'last_loss') dv.setFloat64(AT[field], value, true);
  else dv.setInt32(AT[field], value, true);
  return join(p);
}

const deep = (n) => ({
  dataset: { name: 'moons', n_samples: 60, noise: 0.2, seed: 1, val_fraction: 0.2 }, model: { hidden: Array(n).fill(4), activation: 'tanh' },
  loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, batch_size: 8, epochs: 3, seed: 0,
});

test('the issue\'s attack: a 16-layer save edited to hidden: [] with recomputed checksums is refused', () => {
  const run = lab.createTrainer(deep(15));
  run.step(5);
  const good = run.save();
  assert.equal(run.inspect().layers.length, 32);
  const text = '"hidden":[' + Array(15).fill(4).join(',') + ']';
  assertError(() => lab.restoreTrainer(forged(good, text, '"hidden":[]', { state: false })),
    'Trainer: state has a config whose model is not the one in the core\'s state');
  assertError(() => lab.restoreTrainer(forged(good, text, '"hidden":[]')), "Trainer: state holds a model whose layers are not its config's");
  assertError(() => lab.restoreTrainer(forged(good, text, '"hidden":[4]')), "holds a model whose layers are not its config's");
  const back = lab.restoreTrainer(good);
  assert.deepEqual(back.inspect(), run.inspect());
  assert.deepEqual(back.sizes, run.sizes);
  back.dispose();
  run.dispose();
});

test('a config that disagrees with the state is refused naming it: epochs, the data set, explicit arrays\' options', () => {
  const run = lab.createTrainer(deep(1));
  run.fit();
  const done = run.save();
  assertError(() => lab.restoreTrainer(forged(done, '"epochs":3', '"epochs":1000', { state: false })), 'Trainer: state has a config whose epochs is not');
  assertError(() => lab.restoreTrainer(forged(done, '"epochs":3', '"epochs":9')), "Trainer: state is at epoch 3, which its status and its config's epochs (9) rule out");
  assertError(() => lab.restoreTrainer(forged(done, '"name":"moons"', '"name":"xor"')), 'Trainer: state holds the data set moons, not the one its config\'s dataset makes');
  assertError(() => lab.restoreTrainer(forged(done, '"seed":1', '"seed":2')), 'holds the data set moons, not the one');
  assertError(() => lab.restoreTrainer(forged(done, '"type":"Adam"', '"type":"SGD"')), "holds an optimizer that is not its config's");
  assertError(() => lab.restoreTrainer(forged(done, '"batch_size":8', '"batch_size":9')), 'Trainer: state');
  assertError(() => lab.restoreTrainer(forged(done, '"activation":"tanh"', '"activation":"relu"')), "holds a model whose layers are not its config's");
  run.dispose();
  const arrays = lab.createTrainer({ ...deep(1), dataset: { X: [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [0, 2]], y: [0, 1, 1, 0, 1, 0], task: 'multiclass', val_fraction: 0.4 },
    loss: { type: 'CrossEntropyLoss' }, batch_size: 2 });
  arrays.step(1);
  const a = arrays.save();
  assertError(() => lab.restoreTrainer(forged(a, '"val_fraction":0.4', '"val_fraction":0')), "dataset: val_fraction 0 does not give the data set's 2 validation rows");
  assertError(() => lab.restoreTrainer(forged(a, '"task":"multiclass"', '"task":"binary"')), "dataset: task does not match the data set's");
  assert.equal(lab.restoreTrainer(a).steps_done, 1);
  arrays.dispose();
});

test('loop values the config cannot reach, and a history the core does not recognise, are refused', () => {
  const run = lab.createTrainer(deep(1));
  run.step(7); // 48 training rows in batches of 8: epoch 1, 1 step into it
  const good = run.save();
  for (const [field, value, message] of [
    ['status', 1, 'is at epoch 1, which its status'], ['status', 2, 'stopped early without early_stopping'], ['status', 9, 'has an unknown status'],
    ['epoch', 3, 'is at epoch 3'], ['epoch', -1, 'is at epoch -1'], ['cursor', 3, 'batch position'], ['cursor', 480, 'batch position'],
    ['batch', 16, 'batch size'], ['steps', 8, 'step count'], ['steps', 0.5, 'step count'], ['steps', 1e300, 'step count'],
    ['es_bad', 1, 'early-stopping state'], ['last_loss', NaN, 'last loss'],
  ]) assertError(() => lab.restoreTrainer(editLoop(good, field, value)), `Trainer: state ${''}`, message);
  const p = split(good);
  const h = new Float64Array(p.history.buffer);
  for (const [i, v, message] of [[0, NaN, 'a loss, lr or gradient norm out of range'], [7 + 2, -1, 'out of range'], [6, 0.123, 'last step is not the state\'s'],
    [3 * 7 + 0, 99, 'last epoch is not the state\'s']]) {
    const copy = h.slice();
    copy[i] = v;
    assertError(() => lab.restoreTrainer(join({ ...p, history: new Uint8Array(copy.buffer) })), 'Trainer: state has a', message);
  }
  assertError(() => lab.restoreTrainer(join({ ...p, copy: { config: '{}' } })), 'Trainer: state has a config whose');
  assertError(() => lab.restoreTrainer(join({ ...p, copy: { text: p.copy.config } })), 'Trainer: state has an invalid layout');
  const back = lab.restoreTrainer(good);
  assert.deepEqual(back.history, run.history);
  back.dispose();
  run.dispose();
});

// The optimizer's section of the core's state (the last one, padded to 16; o_bytes at byte 32 of the
// header) with every float64 equal to `from` replaced by `to`, the optimizer's own checksum (FNV-1a over
// its bytes after the checksum field, c/optimizers/state.c) and both outer ones recomputed.
function editOptimizer(bytes, from, to) {
  const p = split(bytes);
  const dv = new DataView(p.state.buffer, p.state.byteOffset);
  const oBytes = dv.getInt32(32, true);
  const at = p.state.length - ((oBytes + 15) & ~15);
  let n = 0;
  for (let i = at; i + 8 <= at + oBytes; i += 8) if (dv.getFloat64(i, true) === from) { dv.setFloat64(i, to, true); n++; }
  assert.ok(n > 0, `${from} is in the optimizer's state`);
  const reseal = (from, size) => { // FNV-1a over the bytes after the checksum field
    let h = 2166136261;
    for (let i = from + 16; i < from + size; i++) h = Math.imul(h ^ p.state[i], 16777619) >>> 0;
    dv.setUint32(from + 12, h, true);
  };
  for (let i = at; i + 16 <= at + oBytes; i += 4) // an attached scheduler ("SCHD") first: it has a checksum of its own
    if (dv.getUint32(i, true) === 0x53434844 && dv.getUint32(i + 4, true) === 3) reseal(i, dv.getUint32(i + 8, true));
  reseal(at, oBytes);
  return join(p);
}

test('an optimizer whose hyper-parameters are not its config\'s is refused naming the field (sl_optimizer_same_spec)', () => {
  const run = lab.createTrainer(deep(1)); // Adam, lr 0.01
  run.step(3);
  const good = run.save();
  assertError(() => lab.restoreTrainer(editOptimizer(good, 0.01, 0.5)), "Trainer: optimizer.lr in the saved state is 0.5, its config's is 0.01");
  assertError(() => lab.restoreTrainer(editOptimizer(good, 1e-8, 1e-3)), "Trainer: optimizer.eps in the saved state is 0.001, its config's is 1e-8");
  run.dispose();
  const sched = lab.createTrainer({ ...deep(1), optimizer: { type: 'SGD', lr: 0.1, scheduler: { type: 'StepLR', step_size: 30, gamma: 0.5 } } });
  sched.step(3);
  assertError(() => lab.restoreTrainer(editOptimizer(sched.save(), 0.5, 0.25)), "Trainer: optimizer.scheduler.gamma in the saved state is not its config's");
  const back = lab.restoreTrainer(sched.save());
  assert.equal(back.lr, sched.lr);
  back.dispose();
  sched.dispose();
});

test('with shuffle off, a saved row order other than the identity is refused (the loop reads batches in place)', () => {
  const run = lab.createTrainer({ ...deep(1), shuffle: false });
  run.step(3);
  const p = split(run.save());
  const dv = new DataView(p.state.buffer, p.state.byteOffset);
  let at = -1;
  for (let i = 0; i + 16 <= p.state.length && at < 0; i += 4)
    if ([0, 1, 2, 3].every((v, k) => dv.getInt32(i + 4 * k, true) === v)) at = i;
  assert.ok(at > 0, 'the identity row order is in the state');
  dv.setInt32(at, 1, true);
  dv.setInt32(at + 4, 0, true);
  assertError(() => lab.restoreTrainer(join(p)), 'Trainer: state has a shuffled row order although shuffle is off');
  run.dispose();
});

test('150 live trainers keep their numbers through hundreds of forged restores', () => {
  const live = Array.from({ length: 150 }, (_, i) => {
    const r = lab.createTrainer({ ...deep(2), seed: i, batch_size: 4 + (i % 5) });
    r.step(3 + (i % 4));
    return r;
  });
  const snap = () => live.map((r) => JSON.stringify([r.weights(), r.inspect(), r.steps_done, Array.from(r.history.steps.loss)]));
  const before = snap();
  const victim = lab.createTrainer(deep(15));
  victim.step(9);
  const good = victim.save();
  const text = split(good).copy.config;
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  let refused = 0;
  for (let k = 0; k < 300; k++) {
    let bytes;
    if (k % 3 === 0) {
      // a character of the config inside the state (and the copy) replaced, checksums recomputed
      const i = Math.floor(rnd() * text.length);
      const c = '[]{}",:0123456789 x-'.charAt(Math.floor(rnd() * 20));
      const t = text.slice(0, i) + c + text.slice(i + 1);
      const p = split(good);
      p.copy = { config: t };
      p.state = editState(p.state, text, t);
      bytes = join(p);
    } else if (k % 3 === 1) {
      const p = split(good);
      for (let j = 0; j < 4; j++) p.state[Math.floor(rnd() * Math.min(p.state.length, 4096))] ^= 1 + Math.floor(rnd() * 255);
      bytes = join(p);
    } else {
      bytes = forged(good, '"hidden":[4,4,4,4,4,4,4,4,4,4,4,4,4,4,4]', '"hidden":[' + '4,'.repeat(Math.floor(rnd() * 14)) + '4]');
    }
    try {
      const r = lab.restoreTrainer(bytes);
      r.inspect();
      r.step(2);
      r.dispose();
    } catch (e) {
      assert.equal(e.name, 'SteplabError', String(e));
      refused++;
    }
  }
  assert.ok(refused > 250, `${refused} refused`);
  assert.deepEqual(snap(), before);
  live.forEach((r) => r.step(2));
  const twin = lab.createTrainer({ ...deep(2), seed: 3, batch_size: 7 });
  twin.step(8);
  assert.deepEqual(twin.weights(), live[3].weights());
  twin.dispose();
  victim.dispose();
  live.forEach((r) => r.dispose());
});

test('a snapshot ensemble\'s state: its count and summed predictions are checked, a state without them refused', () => {
  const config = { ...deep(1), scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 1 }, scheduler_interval: 'epoch', snapshot_ensemble: true, epochs: 4 };
  const run = lab.createTrainer(config);
  run.epoch();
  run.epoch();
  const good = run.save();
  run.dispose();
  const back = lab.restoreTrainer(good);
  assert.equal(back.history.epochs.snapshots.at(-1), 2);
  back.dispose();
  // struct saved ends with ens_values (216) and n_snapshots (220); the sums are the state's last section
  const edit = (fn) => { const p = split(good); fn(new DataView(p.state.buffer, p.state.byteOffset), p.state); return join(p); };
  assertError(() => lab.restoreTrainer(edit((dv) => dv.setInt32(220, -1, true))), 'Trainer: state has a snapshot count its config cannot reach');
  assertError(() => lab.restoreTrainer(edit((dv) => dv.setInt32(220, 99, true))), 'Trainer: state has a snapshot count its config cannot reach');
  const sums = (st) => st.length - 12 * 8; // 12 validation rows, one output each: 96 bytes, a multiple of 16 (no padding)
  assertError(() => lab.restoreTrainer(edit((dv, st) => dv.setFloat64(sums(st), 3, true))), 'Trainer: state has snapshot predictions out of range');
  assertError(() => lab.restoreTrainer(edit((dv, st) => dv.setFloat64(sums(st), NaN, true))), 'Trainer: state has snapshot predictions out of range');
  assertError(() => lab.restoreTrainer(edit((dv) => dv.setInt32(216, 0, true))), 'Trainer: state has an invalid layout');
});
