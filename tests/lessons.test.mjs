// The shipped lessons (web/lessons/*.md), measured by the lab: every claim a lesson states (its numbers and its
// questions' answers, each anchored in a ::: claims block or a claim: line) is recomputed with dist/steplab.mjs,
// every challenge is failed by the untouched figure and passed by its solution, and every question is backed by a
// claim. The worked numbers of the curriculum are checked to be the ones the lessons state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadSteplab } from '../dist/steplab.mjs';
import { compileLesson, verifyLesson, holds, figureResult } from '../dist/steplab-lessons.mjs';

const dir = new URL('../web/lessons/', import.meta.url);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
const lab = await loadSteplab();
const compiled = new Map(files.map((f) => [f, compileLesson(fs.readFileSync(new URL(f, dir), 'utf8'), { registry: lab.registry, file: f, resolveAsset: () => 'data:,' })]));

test('the path has its lessons in the curriculum order, each 5 to 10 minutes, and the authoring guide', () => {
  const path = files.filter((f) => /^\d\d-/.test(f));
  assert.ok(path.length >= 5, `${path.length} numbered lessons`);
  path.forEach((f, i) => assert.ok(f.startsWith(String(i + 1).padStart(2, '0')), `${f} is lesson ${i + 1}`));
  for (const f of path) {
    const l = compiled.get(f);
    assert.ok(l.minutes >= 5 && l.minutes <= 10, `${f}: ${l.minutes} minutes`);
    assert.ok(l.summary.length > 20, `${f} has a summary`);
    assert.ok(l.figures.length >= 2 && l.questions.length >= 1 && l.challenges.length >= 1, `${f}: ${l.figures.length} figures, ${l.questions.length} questions, ${l.challenges.length} challenges`);
  }
  assert.ok(files.includes('authoring.md'), 'the authoring guide is a lesson');
});

for (const f of files) {
  test(`${f}: every claim is reproduced by the lab, every challenge fails untouched and passes by its solution`, () => {
    const lesson = compiled.get(f);
    const report = verifyLesson(lab, lesson);
    assert.equal(report.claims.length, lesson.claims.length);
    assert.ok(report.claims.every((c) => c.ok));
    for (const c of report.challenges) {
      assert.equal(c.before.ok, false, `${f} line ${c.line}: passed before the reader acts`);
      assert.equal(c.after.ok, true, `${f} line ${c.line}: not passed by its solution`);
    }
    // each question's stated answer is backed by at least one measured claim
    for (const q of lesson.questions) assert.ok(q.claims.length >= 1, `${f} line ${q.line}: the question's answer is not measured`);
    // every number shown in the text as {{name}} comes from a claim that was measured
    const shown = [...lesson.html.matchAll(/data-claim="(\w+)"/g)].map((m) => m[1]);
    const named = new Set(lesson.claims.filter((c) => c.name).map((c) => c.name));
    for (const n of shown) assert.ok(named.has(n), `${f}: {{${n}}} has no claim`);
  });
}

// The curriculum's worked numbers, as the lessons state them (the claims above measure them).
const stated = (file, name) => {
  const c = compiled.get(file).claims.find((x) => x.name === name);
  assert.ok(c, `${file} has the claim ${name}`);
  return c.value.text;
};

test("lesson 1 states the lecture's worked example: MSE 83.6, MAE 5.6, Huber(δ=5) 19.3", () => {
  const f = '01-what-a-loss-measures.md';
  assert.equal(stated(f, 'mse'), '83.6');
  assert.equal(stated(f, 'mae'), '5.6');
  assert.equal(stated(f, 'huber'), '19.3');
  const actual = [100, 150, 200, 180, 120], predicted = [98, 153, 199, 182, 140];
  assert.equal(+lab.loss({ type: 'MSELoss' }, predicted, actual).value.toFixed(1), 83.6);
  assert.equal(+lab.loss({ type: 'L1Loss' }, predicted, actual).value.toFixed(1), 5.6);
  assert.equal(+lab.loss({ type: 'HuberLoss', delta: 5 }, predicted, actual).value.toFixed(1), 19.3);
});

test("lesson 2 states the curriculum's binary and categorical cross-entropy tables", () => {
  const f = '02-cross-entropy-and-confidence.md';
  assert.deepEqual(['bce_95', 'bce_70', 'bce_n10', 'bce_50', 'bce_20'].map((n) => stated(f, n)), ['0.051', '0.357', '0.105', '0.693', '1.609']);
  assert.deepEqual(['ce_1', 'ce_2', 'ce_3', 'ce_4', 'ce_5'].map((n) => stated(f, n)), ['0.223', '0.357', '0.511', '0.916', '1.609']);
});

test('lesson 6 counts 1, 10 and 1000 updates per epoch for N = 1000', () => {
  const f = '06-batch-minibatch-stochastic.md';
  assert.deepEqual(['spe_full', 'spe_100', 'spe_1'].map((n) => stated(f, n)), ['1', '10', '1000']);
  const fig = compiled.get(f).figureById.get('batches');
  assert.equal(fig.attrs.get('n-samples'), '1250');
  assert.equal(fig.attrs.get('val-fraction'), '0.2');
});

test("lesson 7's answer, momentum beats SGD in the ravine, holds for the figure's exact attributes", () => {
  const lesson = compiled.get('07-momentum-and-nesterov.md');
  const fig = lesson.figureById.get('ravine');
  const opts = JSON.parse(fig.attrs.get('optimizers'));
  const run = (o) => lab.trace({ fn: fig.attrs.get('fn'), fn_params: JSON.parse(fig.attrs.get('fn-params')), start: JSON.parse(fig.attrs.get('start')), optimizer: o, steps: Number(fig.attrs.get('steps')) });
  const [sgd, mom] = opts.map(run);
  assert.ok(mom.loss.at(-1) < sgd.loss.at(-1) / 100, `momentum ${mom.loss.at(-1)} vs SGD ${sgd.loss.at(-1)}`);
  // and the page's quantity code reads the same from the figure's result
  const r = figureResult(lab, fig);
  assert.ok(holds(r, [{ q: { name: 'loss', index: [1] }, op: '<', value: { number: r.detail.results[0].loss, tol: 0 } }]).ok);
});

test("lesson 10 states the ResNet recipe's rates: 0.1, 0.01 from epoch 30, 0.001 from epoch 60", () => {
  const f = '10-decay-schedules.md';
  assert.deepEqual(['rs_0', 'rs_30', 'rs_60'].map((n) => stated(f, n)), ['0.1', '0.01', '0.001']);
  const lr = lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }, 90);
  assert.deepEqual([lr[29], lr[30], lr[60]].map((v) => +v.toPrecision(6)), [0.1, 0.01, 0.001]);
});
