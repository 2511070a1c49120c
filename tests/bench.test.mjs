// The benchmark suite (tests/bench/run.mjs) cannot rot: its correctness check
// (every implementation computes the same numbers from the same seeded inputs)
// and one very short pass of every workload and implementation run here. No
// timing is asserted: figures from a quick pass on a shared machine mean nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runSuite, markdown, fill, pick, IMPLS } from './bench/run.mjs';
import { loadSteplab } from '../dist/steplab.mjs';

const build = spawnSync('bash', [new URL('./bench/build.sh', import.meta.url).pathname], { encoding: 'utf8' });

test('the bench builds: the wasm bandwidth probe and the native benchmark', () => {
  assert.equal(build.status, 0, build.stderr);
});

test('the inputs are the native generator\'s numbers', () => {
  // the first values of the 32-bit LCG (1664525, 1013904223) from seed 1, top 24 bits, scaled to [-1, 1)
  const x = fill(3, 1, 2);
  const s1 = (1664525 + 1013904223) >>> 0;
  assert.equal(x[0], Math.fround(2 * (Math.fround((s1 >>> 8) / 16777216) - 0.5)));
  assert.ok(x.every((v) => v >= -1 && v < 1));
  assert.deepEqual(Array.from(pick(Float32Array.from({ length: 31 }, (_, i) => i))), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
});

test('quick pass: every implementation agrees and every workload runs', { skip: build.status !== 0 }, async () => {
  const out = await runSuite({ quick: true, log: () => {} });
  const failed = out.results.filter((r) => r.check_failed).map((r) =>
    `${r.id}: ${Object.entries(r.impls).map(([n, e]) => `${n} worst ${e.check_worst}`).join(', ')}`);
  assert.deepEqual(failed, [], 'implementations disagree');
  assert.equal(out.checks_ok, true);
  assert.equal(out.tfjs.wasm_simd, true, 'tfjs-wasm runs without SIMD');
  const ids = out.results.map((r) => r.id);
  for (const id of ['W1', 'W2', 'W3', 'K1-adam-1e6', 'K1-adam-1e7', 'K1-adam-heap-1e6', 'K1-stream7-1e6', 'K2-matmul-256',
    'K3-landscape-rosenbrock', 'K3-landscape-rastrigin', 'K4-schedule-OneCycleLR', 'K5-trace-LBFGS']) {
    assert.ok(ids.includes(id), `no workload ${id}`);
  }
  // one row per type of the registry, so a new scheduler or optimizer is benchmarked without a line here
  const lab = await loadSteplab();
  assert.equal(out.results.filter((r) => r.group === 'K4').length, lab.schedulers.length, 'one K4 row per scheduler');
  assert.equal(out.results.filter((r) => r.group === 'K5').length, lab.optimizers.length, 'one K5 row per optimizer');
  assert.ok(lab.schedulers.length >= 18 && lab.optimizers.length >= 16, 'the registry lost types');
  for (const r of out.results) {
    const want = r.group === 'W' ? IMPLS
      : ['K1', 'K2'].includes(r.group) && !r.id.includes('heap') && !r.id.includes('stream7')
        ? IMPLS.filter((n) => n !== 'steplab-browser' && n !== 'tfjs-layers')
        : r.id.includes('stream7') ? ['steplab-wasm-simd', 'steplab-native'] : IMPLS.slice(0, 3);
    assert.deepEqual(Object.keys(r.impls), want, r.id);
    for (const [name, e] of Object.entries(r.impls)) {
      assert.ok(e.median > 0 && Number.isFinite(e.median), `${r.id} ${name}: median ${e.median}`);
      assert.equal(e.check.length, 16, `${r.id} ${name}: check values`);
      assert.ok(e.check.every(Number.isFinite), `${r.id} ${name}: check ${e.check}`);
      if (name !== 'steplab-wasm-simd') assert.ok(e.ratio > 0, `${r.id} ${name}: ratio ${e.ratio}`);
    }
    // training: the losses are the losses of real steps (binary: near ln 2 at the start; 10 classes: near
    // ln 10), every implementation's own, and they change from step to step
    if (r.group === 'W') {
      const first = r.id === 'W1' ? Math.log(2) : Math.log(10);
      for (const [name, e] of Object.entries(r.impls)) {
        assert.ok(Math.abs(e.check[0] - first) < 0.05, `${r.id} ${name}: first loss ${e.check[0]}`);
        assert.ok(new Set(e.check).size > 8, `${r.id} ${name}: losses ${e.check}`);
      }
      assert.ok(r.impls['steplab-wasm-simd'].steps_per_s.median > 0);
    }
    // the check compares real results: Adam moved the parameters away from their start
    if (r.id === 'K1-adam-1e6') {
      const start = pick(fill(r.size.n, 1, 2));
      assert.ok(r.impls['tfjs-cpu'].check.some((v, i) => v !== start[i]), 'Adam did not move the parameters');
    }
  }
  assert.ok(out.machine.cpu && out.machine.cores >= 1);
  assert.equal(out.packages['@tensorflow/tfjs-core'], '4.22.0');
  const md = markdown(out);
  assert.match(md, /\| K2-matmul-256 \| GFLOP\/s \|/);
  assert.match(md, /K2 matmul 256\^3 >= 30 GFLOP\/s/);
  assert.match(md, /\| W3 \| steps\/s \|/);
  assert.match(md, /W1 wasm SIMD >= 100 x tfjs-wasm/);
  // the browser: the same wasm in Chromium's worker gives the same losses, and W1 trained live with the page pulling
  assert.match(out.browser.user_agent, /Chrom/);
  assert.ok(out.browser.live_W1.steps > 0 && out.browser.live_W1.frames > 0, JSON.stringify(out.browser.live_W1));
  assert.equal(out.browser.live_W1.pulled, out.browser.live_W1.steps, 'the page received every step\'s loss');
  for (const id of ['W1', 'W2', 'W3']) {
    const r = out.results.find((x) => x.id === id);
    assert.deepEqual(r.impls['steplab-browser'].check, r.impls['steplab-wasm-simd'].check, `${id}: browser losses`);
  }
});
