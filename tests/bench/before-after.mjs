#!/usr/bin/env node
// A trainer change measured against the build before it, in one process, alternating:
//   node tests/bench/before-after.mjs PREV_DIST [W1,W2,W3] [rounds]
// PREV_DIST holds the earlier steplab.node.mjs (e.g. a copy of dist/ taken before the change).
// For each workload, both builds train the same trainer (train.mjs) and must record the same
// numbers bit for bit (step losses, lrs, grad norms and epoch records of the first 2 epochs'
// worth of steps); then rounds of run.step(steps) alternate between them, and the median
// steps/s of each and their ratio are printed as JSON. On a shared machine only the ratio means much.
// A trainer past RESET_STEPS steps starts again from the initial weights (untimed), as run.mjs's samples do:
// W1 slows down several times over once Adam's v goes subnormal (tests/bench/README.md).
// PREV_DIST may be a build from before the readable Node build (its steplab.mjs is used then).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { TRAIN, trainData, steplabConfig, restartPast } from './train.mjs';

const [prevDir, which = 'W1,W2,W3', roundsArg = '40'] = process.argv.slice(2);
if (!prevDir) { console.error('usage: node tests/bench/before-after.mjs PREV_DIST [W1,W2,W3] [rounds]'); process.exit(2); }
const here = new URL('../../dist/steplab.node.mjs', import.meta.url).href;
const builds = {
  before: await (await import(path.resolve(prevDir, fs.existsSync(path.resolve(prevDir, 'steplab.node.mjs')) ? 'steplab.node.mjs' : 'steplab.mjs'))).loadSteplab(),
  after: await (await import(here)).loadSteplab(),
};
const now = () => Number(process.hrtime.bigint()) / 1e9;
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const out = { load_average_start: os.loadavg(), workloads: {} };
for (const id of which.split(',')) {
  const w = TRAIN[id];
  const data = trainData(w, w.size.n);
  const runs = Object.fromEntries(Object.entries(builds).map(([k, lab]) => [k, lab.createTrainer(steplabConfig(w, data))]));
  // the same numbers: two epochs of steps, every column
  const spe = runs.after.steps_per_epoch;
  for (const r of Object.values(runs)) for (let left = 2 * spe + 3; left > 0;) left -= r.step(Math.min(left, 16)); // in chunks: the work limit
  const h = Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, r.history]));
  for (const part of ['steps', 'epochs'])
    for (const [col, v] of Object.entries(h.after[part])) {
      const u = h.before[part][col];
      if (!u || u.length !== v.length || v.some((x, i) => !Object.is(x, u[i]))) throw new Error(`${id}: ${part}.${col} differs between the builds`);
    }
  const secs = { before: [], after: [] };
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const k of round % 2 ? ['after', 'before'] : ['before', 'after']) {
      const r = (runs[k] = restartPast(builds[k], runs[k], steplabConfig(w, data)));
      let steps = 0;
      const t0 = now();
      do steps += r.step(w.size.steps); while (now() - t0 < 0.02);
      secs[k].push(steps / (now() - t0));
    }
  }
  for (const r of Object.values(runs)) r.dispose();
  const b = median(secs.before), a = median(secs.after);
  out.workloads[id] = { steps_per_s_before: b, steps_per_s_after: a, ratio: a / b, rounds: Number(roundsArg), same_numbers: true };
}
out.load_average_end = os.loadavg();
console.log(JSON.stringify(out, null, 1));
