// Runs the core's own C tests, built natively under AddressSanitizer and
// UndefinedBehaviorSanitizer by build.sh, with SIMD (SIMDe) and scalar-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

for (const name of ['test_core', 'test_core_scalar']) {
  test(`native C tests under ASan+UBSan: ${name}`, () => {
    const r = spawnSync(new URL(`../dist/native/${name}`, import.meta.url).pathname, [], {
      encoding: 'utf8',
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' },
    });
    const out = `${r.stdout}\n${r.stderr}`;
    const m = /(\d+) passed, (\d+) failed/.exec(r.stdout);
    assert.ok(m, `no summary line:\n${out}`);
    assert.equal(r.status, 0, out);
    assert.equal(Number(m[2]), 0, out);
    assert.ok(Number(m[1]) > 100, `only ${m[1]} checks ran`);
    assert.ok(!/ERROR: AddressSanitizer|runtime error:/.test(out), out);
  });
}
