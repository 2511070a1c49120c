// The JS module itself: loading, flags, the registry, size, the scalar build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lab } from './helpers.mjs';
import { loadSteplab, SteplabError } from '../dist/steplab.mjs';

test('lab reports its version and that the SIMD build is in use', () => {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url)));
  assert.equal(lab.version, pkg.version);
  assert.equal(lab.simd, true);
  assert.ok(Object.isFrozen(lab));
});

test('the registry lists each scheduler with its parameters, defaults and ranges', () => {
  const one = lab.registry.schedulers.find((k) => k.name === 'OneCycleLR');
  const pct = one.params.find((p) => p.name === 'pct_start');
  assert.deepEqual([pct.kind, pct.default, pct.lo, pct.hi, pct.lo_open, pct.hi_open], ['number', 0.3, 0, 1, true, true]);
  const mode = one.params.find((p) => p.name === 'anneal_strategy');
  assert.equal(mode.choices, 'cos|linear');
  assert.equal(lab.schedulers.length, 18);
  for (const k of lab.registry.schedulers) assert.ok(k.summary.length > 5 && k.params.every((p) => p.help.length > 3), k.name);
});

test('dist/steplab.mjs is one self-contained file under 212 KB', () => {
  const size = fs.statSync(new URL('../dist/steplab.mjs', import.meta.url)).size;
  // 150 KB until restores were validated field by field (issue 15); +10 KB for the trainer's restores, work limits and
  // chunked evaluation (c/train/), +20 KB for parameter groups, ASGD, LARS and SWATS (issue 19), +14 KB for Custom
  // optimizers and losses: the rule compiler, its vector and dual-number evaluators, rule blocks in saved states,
  // lab.checkOptimizer / checkLoss / gradcheck (issue 18), +8 KB for the trainer's parameter groups by tensor name and
  // snapshot ensembles (issue 19) and what the property-based hostile test made the API check (issue 15)
  assert.ok(size < 212 * 1024, `dist/steplab.mjs is ${size} bytes`);
  const text = fs.readFileSync(new URL('../dist/steplab.mjs', import.meta.url), 'utf8');
  assert.ok(!/\bimport\s*\(|\bfrom\s*['"]/.test(text), 'the module imports nothing');
});

test('the package exports the module by name', async () => {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url)));
  assert.equal(pkg.exports['.'].default, './dist/steplab.mjs');
  assert.equal(pkg.exports['.'].types, './dist/steplab.d.ts');
  const m = await import('steplab');
  assert.equal(typeof m.loadSteplab, 'function');
});

test('the scalar build (no SIMD) gives the same schedules', async () => {
  const bytes = fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url));
  const scalar = await loadSteplab({ wasm: bytes });
  assert.equal(scalar.simd, false);
  const spec = { type: 'OneCycleLR', max_lr: 0.1, total_steps: 50, three_phase: true };
  assert.deepEqual(Array.from(scalar.schedule(spec, 51)), Array.from(lab.schedule(spec, 51)));
});

test('several labs are independent', async () => {
  const other = await loadSteplab();
  const s = other.createScheduler({ type: 'StepLR', step_size: 1, gamma: 0.5, lr: 1 });
  s.step();
  assert.equal(s.lr, 0.5);
  assert.throws(() => other.schedule({ type: 'x' }, 1), SteplabError);
  assert.equal(lab.schedule({ type: 'StepLR', step_size: 1, gamma: 0.5, lr: 1 }, 2)[1], 0.5);
});

test('the Z85 text the core is embedded as round-trips any bytes and refuses damaged text', async () => {
  const { z85Encode, z85Decode } = await import('../web/lib/z85.mjs');
  for (const n of [0, 1, 3, 4, 5, 1000, 4097]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 193 + 7) & 255);
    const text = z85Encode(bytes);
    assert.equal(text.length, Math.ceil(n / 4) * 5);
    assert.ok(!/["'`\\]/.test(text));
    assert.deepEqual(z85Decode(text, n), bytes);
  }
  assert.throws(() => z85Decode('abcd', 3), /multiple of 5/);
  assert.throws(() => z85Decode('ab"de', 4), /bad character at 2/);
  assert.throws(() => z85Decode('#####', 4), /out of range/);
});
