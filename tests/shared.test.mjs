// The page's reading of the registry (web/shared/registry.js, choices.js), in Node: every starter
// the page opens a type with is accepted by the core; fields a registry row carries win over the
// page's fallback tables; a type the page has never heard of still gets a starter, a menu group
// and words (the registry's summary) instead of an error.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab } from './helpers.mjs';
import { Registry } from '../web/shared/registry.js';
import { lossesFor, defaultLoss, penalties, trainerOptimizers, starterFor, trainerSchedulerFor, fitSchedule, withRequired, groupedChoices } from '../web/shared/choices.js';
import { lossWhy, schedShort } from '../web/app/rooms/train-text.js';

const reg = new Registry(lab.registry);
const base = { dataset: { name: 'moons', n_samples: 120, seed: 1 }, model: { hidden: [8] }, loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'Adam', lr: 0.01 }, batch_size: 16, epochs: 4 };

test('every scheduler\'s starter draws, in a room of any length and fitted to a trainer', () => {
  for (const type of reg.names('schedulers')) {
    const options = type === 'ReduceLROnPlateau' ? { metrics: Array(99).fill(1) } : undefined;
    for (const n of [100, 37]) {
      const v = lab.schedule(starterFor(reg, type, n), n, options && { metrics: Array(n - 1).fill(1) });
      assert.equal(v.length, n, type);
      assert.ok(Array.from(v).every(Number.isFinite), type);
    }
    assert.ok(reg.category('schedulers', type) !== 'other', `${type} has a menu group`);
    // in a trainer: fitted to its 4 epochs x 6 steps, with the optimizer's lr
    const run = lab.createTrainer({ ...base, scheduler: trainerSchedulerFor(reg, type, 24, 0.01), scheduler_interval: type === 'ReduceLROnPlateau' ? 'epoch' : 'step' });
    run.fit();
    assert.ok(['done', 'stopped'].includes(run.status), `${type}: ${run.status}`);
    run.dispose();
    if (options) lab.schedule(starterFor(reg, type, 100), 100, options);
  }
  // fitting keeps the other settings and refits the length; OneCycleLR drops its alternatives
  assert.deepEqual(fitSchedule(reg, { type: 'OneCycleLR', max_lr: 0.3, epochs: 5, steps_per_epoch: 2, pct_start: 0.2 }, 460, 0.1),
    { type: 'OneCycleLR', max_lr: 0.3, total_steps: 460, pct_start: 0.2 });
  assert.deepEqual(trainerSchedulerFor(reg, 'OneCycleLR', 120, 0.2), { type: 'OneCycleLR', max_lr: 0.2, total_steps: 120 });
  // a starter describes 100 steps: its length parameter scales with the run, a type without one is kept as published
  for (const type of reg.names('schedulers')) {
    const len = reg.lengthParam(type);
    const s0 = reg.starter('schedulers', type);
    const s = trainerSchedulerFor(reg, type, 200, 0.1);
    if (len && typeof s0[len] === 'number') assert.equal(s[len], Math.max(1, Math.round(2 * s0[len])), type);
    if (!len) assert.deepEqual(s, Object.fromEntries(Object.entries(s0).filter(([k]) => k !== 'lr')), type);
  }
});

test('every optimizer\'s starter races; the trainer takes all but those that need a closure', () => {
  for (const type of reg.names('optimizers')) {
    const t = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2], optimizer: reg.starter('optimizers', type), steps: 5 });
    assert.ok(t.loss.length >= 2, type);
  }
  const { offered, excluded } = trainerOptimizers(reg);
  for (const type of offered) lab.createTrainer({ ...base, optimizer: { type, lr: 0.01 } }).dispose();
  for (const { name, why } of excluded) {
    assert.throws(() => lab.createTrainer({ ...base, optimizer: reg.starter('optimizers', name) }), /closure/);
    assert.match(why, new RegExp(`^${name} is not offered here`));
  }
  assert.deepEqual(excluded.map((x) => x.name), ['LBFGS']);
  // the core publishes it (the page's fallback table is gone)
  for (const row of lab.registry.optimizers) assert.equal(row.closure, row.name === 'LBFGS', row.name);
});

test('the losses offered per task are those the trainer accepts; penalties and data sets open as the core takes them', () => {
  for (const name of reg.names('datasets')) {
    if (name === 'digits') continue; // the Node lab of the tests has no pixels loaded
    const spec = { ...reg.starter('datasets', name), ...(reg.params('datasets', name).some((p) => p.name === 'n_samples') ? { n_samples: 60 } : {}) };
    const d = lab.dataset(spec);
    const accepted = reg.names('losses').filter((loss) => {
      try { lab.createTrainer({ ...base, dataset: spec, loss: { type: loss }, epochs: 1 }).dispose(); return true; } catch { return false; }
    });
    assert.deepEqual(lossesFor(reg, d.task), accepted, name);
    assert.ok(accepted.includes(defaultLoss(reg, d.task)), name);
  }
  assert.deepEqual(penalties(reg), ['L1', 'L2', 'ElasticNet']);
  for (const p of penalties(reg)) lab.createTrainer({ ...base, regularization: reg.starter('losses', p) }).dispose();
});

test('a row\'s own fields win over the fallback, and an unknown type degrades instead of failing', () => {
  const raw = structuredClone(lab.registry);
  const step = raw.schedulers.find((k) => k.name === 'StepLR');
  Object.assign(step, { category: 'drops', starter: { type: 'StepLR', step_size: 7, gamma: 0.5 }, length_param: null });
  raw.schedulers.push({ name: 'NewLR', summary: 'a scheduler the page has never heard of', params: [
    { name: 'T', kind: 'integer', default: null, required: true, help: 'its length' }] });
  raw.losses.push({ name: 'NewLoss', summary: 'a new loss', params: [], tasks: ['binary'], category: 'new' });
  const r = new Registry(raw);
  assert.equal(r.category('schedulers', 'StepLR'), 'drops');
  assert.deepEqual(r.starter('schedulers', 'StepLR'), { type: 'StepLR', step_size: 7, gamma: 0.5 });
  assert.equal(r.lengthParam('StepLR'), null);
  assert.deepEqual(starterFor(r, 'StepLR', 500), { type: 'StepLR', step_size: 7, gamma: 0.5 }); // no length: kept as published
  assert.deepEqual(r.starter('schedulers', 'NewLR'), { type: 'NewLR' });
  assert.equal(r.category('schedulers', 'NewLR'), 'other');
  assert.deepEqual(withRequired(r, { type: 'NewLR' }, 50), { type: 'NewLR' });
  assert.ok(groupedChoices(r, 'schedulers').some(([c, opts]) => c === 'other' && opts.some(([v]) => v === 'NewLR')));
  assert.equal(schedShort('NewLR'), 'NewLR');
  assert.deepEqual(lossesFor(r, 'binary').slice(-1), ['NewLoss']);
  assert.equal(lossWhy(r, 'NewLoss', 'binary'), 'a new loss');
  // names from a link never reach Object's own properties
  for (const bad of ['__proto__', 'constructor', 'toString', 7, null]) {
    assert.equal(r.get('schedulers', bad), null);
    assert.equal(r.has('optimizers', bad), false);
    assert.equal(r.needsClosure(bad), false);
    assert.deepEqual(r.tasks(bad), []);
  }
});
