// Base64 for saved states, the same in Node and browsers (no Buffer, no atob
// quirks), strict on input: a damaged string is an error, not garbage.
import { fail } from './errors.mjs';

const ABC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) INDEX[ABC.charCodeAt(i)] = i;

// Written into bytes and decoded once: appending characters to a string made a rope of one node
// per 4 characters, and a 5e7-parameter optimizer's state (600 MB) exhausted a 4 GB JS heap.
const CODES = Uint8Array.from(ABC, (ch) => ch.charCodeAt(0));
export function toBase64(bytes) {
  const out = new Uint8Array(4 * Math.ceil(bytes.length / 3));
  let i = 0, o = 0;
  for (; i + 2 < bytes.length; i += 3, o += 4) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o] = CODES[n >> 18], out[o + 1] = CODES[(n >> 12) & 63], out[o + 2] = CODES[(n >> 6) & 63], out[o + 3] = CODES[n & 63];
  }
  const rest = bytes.length - i;
  if (rest) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[o] = CODES[n >> 18], out[o + 1] = CODES[(n >> 12) & 63];
    out[o + 2] = rest === 2 ? CODES[(n >> 6) & 63] : 61, out[o + 3] = 61; // '='
  }
  return new TextDecoder().decode(out); // ASCII: one character per byte
}

export function fromBase64(text, thing) {
  if (text.length % 4 !== 0) fail(thing, 'state', `data is not base64 (length ${text.length} is not a multiple of 4)`, 'state');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const isPad = c === 61 && i + 4 === text.length && k >= 4 - pad;
      const v = isPad ? 0 : c < 128 ? INDEX[c] : -1;
      if (v < 0) fail(thing, 'state', `data is not base64 (bad character at ${i + k})`, 'state');
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
