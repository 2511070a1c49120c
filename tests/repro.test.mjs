// Reproducible build: a second clean build of the same sources, in another
// folder, gives a byte-identical dist/ (compared through dist/MANIFEST.sha256). And the
// Makefile's shortcut, the core's wasm objects compiled by emcc's clang directly with the
// flags `emcc --cflags` reports, gives the bytes emcc itself gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;

test('two clean builds give the same dist/ files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-repro-'));
  try {
    const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const f of files) {
      if (!fs.existsSync(path.join(root, f))) continue;
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(root, f), path.join(dir, f));
    }
    // the bundler reads uplot from here; --dist-only never runs npm ci, which would empty it through the link
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    const r = spawnSync('bash', ['build.sh', '--dist-only'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const mine = fs.readFileSync(path.join(root, 'dist/MANIFEST.sha256'), 'utf8');
    const theirs = fs.readFileSync(path.join(dir, 'dist/MANIFEST.sha256'), 'utf8');
    assert.equal(theirs, mine);
    assert.equal(mine.trim().split('\n').length, 15); // the shipped files: steplab-digits.js, steplab.node.mjs and the three .d.ts included
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// One make variable's value, as the Makefile sets it.
function makeVar(name) {
  const r = spawnSync('make', ['-s', '--no-print-directory', '-f', 'Makefile', '-f', '-', `print-${name}`],
    { cwd: root, encoding: 'utf8', input: 'print-%: ; @echo $($*)\n' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('the wasm objects compiled by emcc\'s clang directly are the bytes emcc itself makes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-emcc-'));
  try {
    // a plain file, the SIMD kernels in both flavours, and a file with the cold-code pragma
    for (const [flavour, src] of [['wasm', 'c/base/rng.c'], ['wasm', 'c/optimizers/kernels.c'], ['wasm-scalar', 'c/optimizers/kernels.c'],
      ['wasm', 'c/base/spec_json.c']]) {
      const obj = path.join(root, 'dist/build', flavour, src.replace(/\.c$/, '.o'));
      assert.ok(fs.existsSync(obj), `${obj}: built by npm test's build`);
      const out = path.join(dir, 'emcc.o');
      const flags = makeVar(`${flavour}_CORE`).split(/\s+/);
      const r = spawnSync('emcc', [...flags, '-c', src, '-o', out], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(fs.readFileSync(out).equals(fs.readFileSync(obj)), `${flavour} ${src}: emcc's object differs from the Makefile's`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
