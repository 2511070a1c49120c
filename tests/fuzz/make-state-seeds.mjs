// Writes the seed corpus of fuzz_scheduler_state (tests/fuzz/corpus/scheduler_state/):
// valid saved states (first byte odd: used as they are) and forged ones (first byte even:
// the target makes the checksum valid again, so they reach the field validation). Run it
// after a change of the scheduler's state layout: node tests/fuzz/make-state-seeds.mjs
import fs from 'node:fs';
import { loadSteplab } from '../../dist/steplab.mjs';

const lab = await loadSteplab();
const dir = new URL('./corpus/scheduler_state/', import.meta.url);

const VALID = [
  [{ type: 'StepLR', step_size: 3 }, 7],
  [{ type: 'SequentialLR', lr: 0.3, schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 5 },
    { type: 'CosineAnnealingLR', T_max: 20 }], milestones: [5] }, 7],
  [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 20, anneal_strategy: 'linear' }, 20],
  [{ type: 'ReduceLROnPlateau', patience: 1, cooldown: 2 }, 7, [5, 5, 4, 4, 4, 4, 4]],
  [{ type: 'LambdaLR', lr_lambda: 'epoch < 5 ? (epoch + 1) / 5 : 0.95 ^ (epoch - 5)' }, 7],
  [{ type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 4 }, 7],
  [{ type: 'ChainedScheduler', schedulers: [{ type: 'ConstantLR', factor: 0.5, total_iters: 3 },
    { type: 'CosineAnnealingWarmRestarts', T_0: 2, T_mult: 2 }] }, 9],
];

function bytesOf([spec, steps, metrics]) {
  const s = lab.createScheduler(spec);
  for (let k = 0; k < steps; k++) (metrics ? s.step(metrics[k]) : s.step());
  const b = Buffer.from(s.state().data, 'base64');
  s.dispose();
  return b;
}

// byte offsets in sl_scheduler (c/schedules/scheduler.h): magic, version, size, checksum, type, last_epoch, lr0,
// group { lr, initial_lr, momentum, has_initial_lr }, n_leaves, n_milestones, milestones[7], leaf[8]
const TYPE = 16, LAST_EPOCH = 20, GROUP_LR = 32, MILESTONES = 72;
const FORGED = {
  'regression-plateau-header': [5, (b) => b.writeInt32LE(12, TYPE)], // a ReduceLROnPlateau header over a CyclicLR
  'forged-lr-negative': [0, (b) => b.writeDoubleLE(-5, GROUP_LR)],
  'forged-lr-huge': [0, (b) => b.writeDoubleLE(1e308, GROUP_LR)],
  'forged-steps-disagree': [1, (b) => b.writeInt32LE(b.readInt32LE(LAST_EPOCH) + 3, LAST_EPOCH)],
  'forged-milestone-nan': [1, (b) => b.writeDoubleLE(NaN, MILESTONES)],
};

for (const f of fs.readdirSync(dir)) fs.rmSync(new URL(f, dir));
VALID.forEach((v, i) => fs.writeFileSync(new URL(`${i}.bin`, dir), Buffer.concat([Buffer.from([1]), bytesOf(v)])));
for (const [name, [i, edit]] of Object.entries(FORGED)) {
  const b = bytesOf(VALID[i]);
  edit(b);
  fs.writeFileSync(new URL(`${name}.bin`, dir), Buffer.concat([Buffer.from([0]), b]));
}
console.log(`wrote ${VALID.length + Object.keys(FORGED).length} seeds of ${bytesOf(VALID[0]).length + 1} bytes`);
