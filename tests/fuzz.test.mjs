// Short libFuzzer runs (ASan + UBSan) over every untrusted input of the core:
// specs of every family, formulas, saved states, trainer configs and checkpoints,
// CSV text. The targets run as many at a time as there are cores. FUZZ_SECONDS
// sets the time per target (default 3; npm run test:long 120); `npm run fuzz -- 600`
// runs each for ten minutes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runAll, TARGETS } from './fuzz/run.mjs';

const seconds = Number(process.env.FUZZ_SECONDS || 3);
let results;
before(async () => { results = await runAll(seconds); });

for (const name of TARGETS) {
  test(`fuzz ${name} for ${seconds} s: no crash, leak, hang or sanitizer report`, () => {
    const r = results[name];
    assert.ok(r.ok, `exit ${r.status}\n${r.tail}`);
    assert.ok(r.runs > 1000, `only ${r.runs} runs`);
  });
}
