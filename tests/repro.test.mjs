// Reproducible build: a second clean build of the same sources, in another
// folder, gives a byte-identical dist/ (compared through dist/MANIFEST.sha256).
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
    assert.equal(mine.trim().split('\n').length, 13); // the shipped files, steplab-digits.js and steplab.node.mjs included
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
