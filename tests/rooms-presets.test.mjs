// Presets that prove their claims: every race preset (and, below, every schedules preset, every
// losses panel and every training preset) says what to notice with numbers measured by the lab, and its claims hold when its
// exact settings run through the core (lab.trace, lab.schedule, lab.loss of dist/steplab.mjs). The page
// fills its notes with the same functions (web/app/rooms/notice.js and the rooms' measure code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lab, loadLab, digitsBytes } from './helpers.mjs';
import { PRESETS as TRAINING } from '../web/app/rooms/train-presets.js';
import { measureTrain } from '../web/app/rooms/train-claims.js';
import { trainerConfig } from '../web/app/rooms/train-config.js';
import { fitConfig } from '../web/worker/train.js';
import { Registry } from '../web/shared/registry.js';
import { PRESETS as RACES } from '../web/app/rooms/race-presets.js';
import { measureRace, presetSettings } from '../web/app/rooms/race-claims.js';
import { PRESETS as SCHEDULES, DEFAULT_METRIC } from '../web/app/rooms/schedules-presets.js';
import { measureSchedules } from '../web/app/rooms/schedules-claims.js';
import { LOSS_NOTES } from '../web/app/rooms/losses-text.js';
import { lossNotes, focalExample } from '../web/worker/losses.js';
import { fillNotice, checkClaims, placeholders, formatNumber, formatValue, checkClaim } from '../web/app/rooms/notice.js';

const runRace = (s) => s.optimizers.map((optimizer) => lab.trace({ fn: s.fn, fn_params: s.fn_params, start: s.start, steps: s.steps, noise: s.noise, seed: s.seed, optimizer }));

// Every number written out in a notice (not measured) is one of the preset's own settings, or listed in
// its `given` (arithmetic the text explains): a number cannot silently go stale.
const SUP = { '⁻': '-', '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };
function writtenNumbers(text) {
  const plain = text.replace(/\{[^}]+\}/g, ' ').replace(/[a-zA-Z_]\d+/g, ' ') // names with digits (T_0, L1) are not numbers
    .replace(/10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g, (_, e) => ` 1e${[...e].map((c) => SUP[c]).join('')} `);
  return [...plain.matchAll(/\d+(?:\.\d+)?(?:e-?\d+)?/g)].map((m) => Number(m[0]));
}
function settingsNumbers(o, out = new Set()) {
  if (typeof o === 'number') out.add(Math.abs(o));
  else if (o && typeof o === 'object') for (const v of Object.values(o)) settingsNumbers(v, out);
  return out;
}
function assertNumbersKnown(p, text, settings) {
  const known = settingsNumbers([settings, p.given || []]);
  for (const n of writtenNumbers(text)) assert.ok(n === 0 || known.has(n), `${p.name}: the notice writes ${n}, which is neither measured nor a setting (add it to given if the text derives it)`);
}

test('notice formatting: measured numbers in sentences, values, claims', () => {
  assert.equal(formatNumber(3.0e-6), '3.0 × 10⁻⁶');
  assert.equal(formatNumber(0.0321), '0.032');
  assert.equal(formatNumber(17.909, 3), '17.9');
  assert.equal(formatNumber(-4), '−4');
  assert.equal(formatNumber(-1.5e8), '−1.5 × 10⁸');
  assert.equal(formatValue(null), 'never');
  assert.equal(formatValue([2, -1]), '(2, −1)');
  assert.equal(fillNotice('a {x} b {y:3}', { x: 0.5, y: Math.PI }), 'a 0.5 b 3.14');
  assert.throws(() => fillNotice('{nope}', {}), /no measured value named 'nope'/);
  assert.deepEqual(placeholders('{a} and {b.1:3}'), ['a', 'b.1']);
  assert.deepEqual(writtenNumbers('T_0 of 10 at 10⁻⁶, lr 0.05 {x} {y.2:3}'), [10, 1e-6, 0.05]);
  // each kind holds and fails as it says
  const v = { a: 1, b: 2, c: 3, p: [1, 2], q: [1, 2], n: null };
  assert.equal(checkClaim({ kind: 'order', values: ['a', 'b', 'c'] }, v).ok, true);
  assert.equal(checkClaim({ kind: 'order', values: ['b', 'a', 'c'] }, v).ok, false);
  assert.equal(checkClaim({ kind: 'less', a: 'a', b: 'c', factor: 2 }, v).ok, true);
  assert.equal(checkClaim({ kind: 'less', a: 'a', b: 'c', factor: 3 }, v).ok, false);
  assert.equal(checkClaim({ kind: 'close', a: 'b', b: 2.01, rel: 0.01 }, v).ok, true);
  assert.equal(checkClaim({ kind: 'close', a: 'b', b: 2.1, rel: 0.01 }, v).ok, false);
  assert.equal(checkClaim({ kind: 'equal', a: 'n', b: null }, v).ok, true);
  assert.equal(checkClaim({ kind: 'distinct', values: ['p', 'q'] }, v).ok, false);
  assert.throws(() => checkClaim({ kind: 'less', a: 'zz', b: 1 }, v), /no measured value named 'zz'/);
});

for (const p of RACES) {
  test(`race preset "${p.name}": its notice is measured and its claims hold`, async () => {
    assert.ok(p.opts.length >= 1 && p.opts.length <= 6, 'the room races 1 to 6 optimizers');
    assert.ok(p.claims.length >= 1 && p.notice.length > 100, 'a preset says what to notice and claims it');
    const values = await measureRace(p, runRace);
    const text = fillNotice(p.notice, values); // throws on a name without a value
    assert.doesNotMatch(text, /NaN|undefined|Infinity/);
    assertNumbersKnown(p, p.notice, { ...presetSettings(p), values: p.values });
    for (const r of checkClaims(p.claims, values)) assert.ok(r.ok, `${p.name}: ${r.says}`);
  });
}

const runSchedule = { schedule: (spec, n, options) => lab.schedule(spec, n, options), formula: (text, n) => lab.schedule({ type: 'LambdaLR', lr: 1, lr_lambda: text }, n) };
for (const p of SCHEDULES) {
  test(`schedules preset "${p.name}": its notice is measured and its claims hold`, async () => {
    assert.ok(p.claims.length >= 1 && p.notice.length > 100, 'a preset says what to notice and claims it');
    const values = await measureSchedules(p, runSchedule, DEFAULT_METRIC);
    const text = fillNotice(p.notice, values);
    assert.doesNotMatch(text, /NaN|undefined|Infinity/);
    assertNumbersKnown(p, p.notice, { epochs: p.epochs, curves: p.curves, values: p.values });
    for (const r of checkClaims(p.claims, values)) assert.ok(r.ok, `${p.name}: ${r.says}`);
  });
}

for (const [panel, n] of Object.entries(LOSS_NOTES)) {
  test(`losses panel "${panel}": its notes are computed by the core and their claims hold`, () => {
    const settings = { panel, ...n.defaults };
    const focal = { n_neg: n.defaults.n_neg ?? 1000, p_neg: n.defaults.p_neg ?? 0.9, n_pos: n.defaults.n_pos ?? 10, p_pos: n.defaults.p_pos ?? 0.2 };
    const values = lossNotes(lab, { ...settings, focal });
    const text = fillNotice(n.notice, values);
    assert.doesNotMatch(text, /NaN|undefined|Infinity/);
    assertNumbersKnown({ name: panel, given: n.given }, n.notice, n.defaults);
    for (const r of checkClaims(n.claims, values)) assert.ok(r.ok, `${panel}: ${r.says}`);
  });
}

test('focal loss\'s worked example: the course\'s factors 0.01 and 0.64, and the easy negatives\' share before and after them', () => {
  const ex = focalExample(lab, { n_neg: 1000, p_neg: 0.9, n_pos: 10, p_pos: 0.2, gamma: 2, alpha: -1 });
  assert.ok(Math.abs(ex.neg.factor - 0.01) < 1e-5 && Math.abs(ex.pos.factor - 0.64) < 1e-5, `${ex.neg.factor} ${ex.pos.factor}`);
  // cross-entropy per example: -log 0.9 and -log 0.2, the course's 0.105 and 1.609
  assert.ok(Math.abs(ex.neg.ce - 0.10536) < 1e-4 && Math.abs(ex.pos.ce - 1.60944) < 1e-4);
  // 1000 easy negatives hold 87 % of the cross-entropy, 9 % of the focal loss (alpha off)
  assert.ok(Math.abs(ex.neg.ce_share - 105.36 / (105.36 + 16.094)) < 1e-3, String(ex.neg.ce_share));
  assert.ok(Math.abs(ex.neg.fl_share - 1.0536 / (1.0536 + 10.30)) < 1e-3, String(ex.neg.fl_share));
  assert.ok(Math.abs(ex.neg.ce_share + ex.pos.ce_share - 1) < 1e-12 && Math.abs(ex.neg.fl_share + ex.pos.fl_share - 1) < 1e-12);
  // with alpha = 0.25: negatives weighed 0.75, positives 0.25, exactly as torchvision's sigmoid_focal_loss
  const a = focalExample(lab, { n_neg: 1000, p_neg: 0.9, n_pos: 10, p_pos: 0.2, gamma: 2, alpha: 0.25 });
  assert.ok(Math.abs(a.neg.fl / ex.neg.fl - 0.75) < 1e-5 && Math.abs(a.pos.fl / ex.pos.fl - 0.25) < 1e-5);
});

// Training presets: each run of a preset (its own settings and the variants its notice compares it
// with) trained to its end by the core, as the room's worker does (trainFit).
const trainLab = await loadLab({ digits: digitsBytes });
const trainReg = new Registry(trainLab.registry);
const fitState = (s) => fitConfig(trainLab, trainerConfig(trainReg, s, s.data));
for (const p of TRAINING) {
  test(`training preset "${p.name}": its notice is measured and its claims hold`, async () => {
    assert.ok(p.claims.length >= 1 && p.notice.length > 100 && p.runs.length >= 1, 'a preset says what to notice, against which runs, and claims it');
    const values = await measureTrain(p, fitState);
    const text = fillNotice(p.notice, values);
    assert.doesNotMatch(text, /NaN|undefined|Infinity/);
    assertNumbersKnown(p, p.notice, [p.state, p.runs]);
    for (const r of checkClaims(p.claims, values)) assert.ok(r.ok, `${p.name}: ${r.says}`);
  });
}
