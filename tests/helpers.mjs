// Shared by the Node tests: one loaded lab, fixture loading, and comparisons
// that print the label, index, both values and the worst difference.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { loadSteplab, SteplabError } from '../dist/steplab.mjs';

// STEPLAB_WASM=scalar runs the tests against dist/steplab-scalar.wasm (every vector loop off) instead
// of the SIMD build embedded in the module (tests/run.mjs runs the numeric files both ways).
const WASM = { scalar: 'steplab-scalar.wasm' };
const which = process.env.STEPLAB_WASM;
if (which && !Object.hasOwn(WASM, which)) throw new Error(`STEPLAB_WASM must be one of ${Object.keys(WASM).join(', ')}, got '${which}'`);
/** The wasm bytes the tests run on (undefined: the module's embedded SIMD build), for labs of their own. */
export const wasmBytes = which ? fs.readFileSync(new URL(`../dist/${WASM[which]}`, import.meta.url)) : undefined;
export const lab = await loadSteplab({ wasm: wasmBytes });
/** A fresh lab on the same build as `lab`. */
export const loadLab = (options = {}) => loadSteplab({ wasm: wasmBytes, ...options });
export { SteplabError };
// The optical digits' pixels (dist/steplab-digits.bin.gz), for loadSteplab({ digits }).
// Whether /usr/bin/python3 imports torch, asked once (an import of torch costs about 2 s of CPU); false with
// STEPLAB_TORCH=0 (npm run test:unit: exported scripts are parsed, not run; npm test runs them).
export const TORCH_PYTHON = '/usr/bin/python3';
let torchHere = null;
export const hasTorch = () => (torchHere ??= process.env.STEPLAB_TORCH !== '0' && fs.existsSync(TORCH_PYTHON)
  && spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);

export const digitsBytes = fs.readFileSync(new URL('../dist/steplab-digits.bin.gz', import.meta.url));

export function fixture(name) {
  return JSON.parse(fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

// Asserts every element of got is within rel (relative) of want.
export function assertClose(got, want, rel, label) {
  assert.equal(got.length, want.length, `${label}: length ${got.length}, expected ${want.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = got[i] === want[i] ? 0 : Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-300);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  assert.ok(worst <= rel, `${label}: index ${at}: got ${got[at]}, expected ${want[at]} (max rel diff ${worst})`);
  return worst;
}

// Asserts fn throws a SteplabError whose message contains every given piece.
export function assertError(fn, ...pieces) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof SteplabError, `expected a SteplabError, got ${e}`);
    for (const p of pieces) assert.ok(e.message.includes(p), `message '${e.message}' lacks '${p}'`);
    return true;
  });
}
