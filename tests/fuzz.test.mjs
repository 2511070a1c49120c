// Short libFuzzer runs (ASan + UBSan) over every untrusted input of the core:
// scheduler specs, formulas and saved scheduler states. FUZZ_SECONDS sets the
// time per target (default 6); `npm run fuzz -- 600` is the long version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTarget, TARGETS } from './fuzz/run.mjs';

const seconds = Number(process.env.FUZZ_SECONDS || 6);

for (const name of TARGETS) {
  test(`fuzz ${name} for ${seconds} s: no crash, leak, hang or sanitizer report`, () => {
    const r = runTarget(name, seconds);
    assert.ok(r.ok, `exit ${r.status}\n${r.tail}`);
    assert.ok(r.runs > 1000, `only ${r.runs} runs`);
  });
}
