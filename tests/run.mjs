#!/usr/bin/env node
// The test runner behind npm's scripts: which test files run, and with which build.
//
//   node tests/run.mjs unit   npm run test:unit: the Node tests and the native C tests; no browser, fuzzing,
//                             soak, benchmark or clean rebuild
//   node tests/run.mjs all    npm test: every test file, the complete gate
//   node tests/run.mjs long   npm run test:long: the soaks, fuzzing and hostile input at their long settings
//
// unit and all then run the numeric files (SCALAR) a second time against the scalar build
// (STEPLAB_WASM=scalar: tests/helpers.mjs loads dist/steplab-scalar.wasm), so every PyTorch parity
// check holds with and without SIMD. Files are found by globbing: a new tests/*.test.mjs is a unit test
// unless it is listed in NOT_UNIT, a new tests/browser/*.test.mjs joins npm test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const list = (dir) => fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => `${dir}/${f}`);
const node = list('tests');
const browser = list('tests/browser');

// Node test files that are not unit tests: they fuzz, soak, start Chromium or rebuild dist/ from scratch.
const NOT_UNIT = ['tests/fuzz.test.mjs', 'tests/soak.test.mjs', 'tests/bench.test.mjs', 'tests/repro.test.mjs'];
// The numeric files, run again against the scalar build.
const SCALAR = ['tests/schedules.test.mjs', 'tests/optimizers.test.mjs', 'tests/losses.test.mjs', 'tests/custom.test.mjs', 'tests/model.test.mjs',
  'tests/trainer.test.mjs'];
// The long versions' settings (each can be set from outside instead).
const LONG = { FUZZ_SECONDS: '120', SOAK_STEPS: '1000000', SOAK_SECONDS: '600', SOAK_TRAINERS: '5000', HOSTILE_ROUNDS: '1000', HOSTILE_API_ROUNDS: '40000' };

// As many files at a time as there are cores. The unit files are CPU-bound; npm test's browser files spend
// much of their time waiting on pages, frames and the worker, so two at a time helps there too (on 2 cores
// 458 s instead of 648 s; three at a time was no faster and made waits flaky). npm test starts the slowest
// files first, so that both cores stay busy to the end instead of one slow file running alone at the tail;
// the order is the timing reporter's table (tests/timing-reporter.mjs prints it after every run), and files
// not named here follow. Every file is independent: its own browser, server port and temporary folders.
const parallel = `--test-concurrency=${os.availableParallelism()}`;
const SLOW_FIRST = ['tests/browser/lessons.test.mjs', 'tests/browser/registry.test.mjs', 'tests/repro.test.mjs', 'tests/bench.test.mjs',
  'tests/browser/hostile.test.mjs', 'tests/browser/link.test.mjs', 'tests/browser/race.test.mjs', 'tests/browser/shell.test.mjs',
  'tests/cli.test.mjs', 'tests/browser/train.test.mjs', 'tests/export.test.mjs', 'tests/browser/groups.test.mjs', 'tests/fuzz.test.mjs'];
const slowFirst = (files) => [...SLOW_FIRST.filter((f) => files.includes(f)), ...files.filter((f) => !SLOW_FIRST.includes(f))];
const runs = {
  // the quick loop: the exported PyTorch scripts parsed but not run (each run imports torch, ~2 s), and a
  // quarter of the hostile API rounds; npm test does both in full
  unit: [{ files: node.filter((f) => !NOT_UNIT.includes(f)), env: { STEPLAB_TORCH: '0', HOSTILE_API_ROUNDS: '1000' }, args: [parallel] },
    { files: SCALAR, env: { STEPLAB_WASM: 'scalar' }, args: [parallel] }],
  all: [{ files: slowFirst([...node, ...browser]), args: [parallel] }, { files: SCALAR, env: { STEPLAB_WASM: 'scalar' }, args: [parallel] }],
  long: [{ files: ['tests/soak.test.mjs', 'tests/browser/soak.test.mjs', 'tests/fuzz.test.mjs', 'tests/browser/hostile.test.mjs', 'tests/hostile-api.test.mjs'],
    env: Object.fromEntries(Object.entries(LONG).map(([k, v]) => [k, process.env[k] ?? v])) }],
};

const which = process.argv[2];
if (!Object.hasOwn(runs, which)) {
  console.error(`usage: node tests/run.mjs ${Object.keys(runs).join('|')}`);
  process.exit(2);
}
let failed = false;
for (const { files, env = {}, args = [] } of runs[which]) {
  const settings = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`\n# ${settings || 'SIMD build'}: ${files.length} files`);
  const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'tests/timing-reporter.mjs')}`, '--test-reporter-destination=stdout'];
  const r = spawnSync(process.execPath, ['--test', ...reporters, ...args, ...files], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
