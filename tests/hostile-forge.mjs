// Forging saved states as anyone can: the checksums recomputed the way the module computes them.
// Scheduler and optimizer states (c/schedules/state.c, c/optimizers/state.c): FNV-1a over the bytes
// after the 16-byte header's checksum field; an optimizer's attached scheduler has its own. Trainer
// files (web/lib/train.mjs save()) and the core state inside them (c/train/train_state.c): FNV-1a over
// every byte with bytes 12..15 read as 0. Used by tests/hostile-api.test.mjs.
export const fromBase64 = (s) => new Uint8Array(Buffer.from(String(s), 'base64'));
export const toBase64 = (b) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');

const SCHED_MAGIC = 0x53434844; // "SCHD"

function fnvAfterHeader(b, from, size) {
  let h = 2166136261;
  for (let i = from + 16; i < from + size; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
  return h;
}
function fnvZeroed(b) {
  let h = 2166136261;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (i >= 12 && i < 16 ? 0 : b[i]), 16777619) >>> 0;
  return h;
}

export function resealScheduler(b, at = 0, size = b.length - at) {
  if (size < 16 || at + size > b.length) return b;
  new DataView(b.buffer, b.byteOffset).setUint32(at + 12, fnvAfterHeader(b, at, size), true);
  return b;
}

export function resealOptimizer(b, at = 0, size = b.length - at) {
  if (size < 16 || at + size > b.length) return b;
  const dv = new DataView(b.buffer, b.byteOffset);
  for (let i = at + 16; i + 16 <= at + size; i += 4)
    if (dv.getUint32(i, true) === SCHED_MAGIC && dv.getUint32(i + 4, true) === 3) {
      const s = dv.getUint32(i + 8, true);
      if (i + s <= at + size) resealScheduler(b, i, s);
    }
  return resealScheduler(b, at, size);
}

// A trainer file's parts: { copy, history, state, steps, epochs }.
export function splitTrainer(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const u = (i) => dv.getUint32(4 * i, true);
  const tLen = u(4), cLen = u(7), cOff = bytes.length - cLen;
  return { copy: JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + tLen))), history: bytes.slice(32 + ((tLen + 7) & ~7), cOff),
    state: bytes.slice(cOff), steps: u(5), epochs: u(6) };
}

// A file from parts with every checksum valid; inner: the optimizer section's (and its scheduler's) too.
export function resealTrainer({ copy, history, state, steps, epochs }, inner = true) {
  const sdv = new DataView(state.buffer, state.byteOffset, state.length);
  if (inner && state.length >= 36) {
    const oBytes = sdv.getInt32(32, true);
    const at = state.length - ((oBytes + 15) & ~15);
    if (oBytes > 16 && at >= 0) resealOptimizer(state, at, oBytes);
  }
  if (state.length >= 16) sdv.setUint32(12, fnvZeroed(state), true);
  let json;
  try { json = JSON.stringify(copy) ?? ''; } catch { json = '{}'; } // a copy too large to write
  const text = new TextEncoder().encode(json);
  const tPad = (text.length + 7) & ~7;
  const out = new Uint8Array(32 + tPad + history.length + state.length);
  out.set(text, 32);
  out.set(history, 32 + tPad);
  out.set(state, 32 + tPad + history.length);
  const dv = new DataView(out.buffer);
  [0x4a544c53, 2, out.length, 0, text.length, steps, epochs, state.length].forEach((v, i) => dv.setUint32(4 * i, v, true));
  dv.setUint32(12, fnvZeroed(out), true);
  return out;
}
