// The TypeScript declarations (dist/steplab.d.ts) compile against a real usage
// file with strict checks, and catch misspelled options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('dist/steplab.d.ts type-checks real use and rejects wrong options', () => {
  const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', new URL('./types/usage.ts', import.meta.url).pathname], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
