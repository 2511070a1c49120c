// The LR finder room in headless Chromium: the range test runs in the worker, its four
// suggestions and their spread over seeds are the ones lab.lrFind gives in Node for the
// same setup, bad settings are refused with a message, and a chosen rate goes to the
// Training room's link.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const settled = (page, after = 0) => page.waitForFunction((a) => Number(document.body.dataset.lrfGeneration) > a, after, { timeout: 30000 });
const gen = (page) => page.evaluate(() => Number(document.body.dataset.lrfGeneration || 0));
const RULES = ['steep', 'valley', 'minimum', 'slide'];

// What the room runs for '#/lrfinder?ds=circle&noise=0.1&iters=60&seeds=3&opt=Adam'.
const CONFIG = {
  dataset: { name: 'circle', seed: 0, val_fraction: 0.2, n_samples: 400, noise: 0.1 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' }, loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'Adam', lr: 1e-3 }, batch_size: 32, epochs: 1000, seed: 0,
};
const OPTIONS = { start_lr: 1e-7, end_lr: 10, num_iter: 60, step_mode: 'exp', smooth_f: 0.05, diverge_th: 5, seeds: [0, 1, 2] };

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the suggestions and their spread over seeds are lab.lrFind\'s for the same setup', async () => {
  const page = await openPage(distUrl('index.html#/lrfinder?ds=circle&noise=0.1&iters=60&seeds=3&opt=Adam'));
  await settled(page);
  const want = lab.lrFind(CONFIG, OPTIONS);
  for (const k of RULES) {
    const got = await page.getAttribute(`#lrf-suggestions tr[data-rule="${k}"] td.lr`, 'data-value');
    assert.equal(Number(got), want.suggestions[k], `${k}: page ${got}, Node ${want.suggestions[k]}`);
  }
  // the band: one curve per seed, the table's min and max are the spread over the seeds
  assert.match(await page.textContent('#lrf-suggestions caption'), /spread over 3 seeds/);
  assert.match(await page.textContent('#lrf-chart .u-legend'), /lowest of 3 seeds/);
  const row = await page.$$eval('#lrf-suggestions tr[data-rule="valley"] td', (td) => td.map((x) => x.textContent));
  const v = want.spread.valley;
  assert.deepEqual(row.slice(2), [String(+v.min.toPrecision(3)), String(+v.max.toPrecision(3)), `×${(v.max / v.min).toPrecision(2)}`]);
  assert.ok(want.runs.some((r) => r.suggestions.valley !== want.suggestions.valley) || v.min === v.max);
  // the status names how the test ended
  assert.match(await page.textContent('#lrf-status'), want.stopped === 'diverged' ? /diverged/ : /stayed below 5 × its best value/);
  await page.screenshot({ path: `${shotsDir}lrfinder.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${shotsDir}lrfinder-mobile.png`, fullPage: false });
  await page.close();
  assert.deepEqual(sink.errors, []);
  assert.deepEqual(sink.foreign, []);
});

test('changing a setting reruns the test; bad settings are refused with a message, then it works again', async () => {
  const page = await openPage(distUrl('index.html#/lrfinder?iters=40&seeds=1'));
  await settled(page);
  let g = await gen(page);
  await page.fill('#lrf-start', '20');
  assert.equal(await page.textContent('#lrf-error'), 'start_lr: expected a number in [1e-12, 1], got 20');
  assert.equal(await gen(page), g);
  await page.fill('#lrf-hidden', '16, x');
  assert.match(await page.textContent('#lrf-error'), /hidden must be a list/);
  await page.fill('#lrf-hidden', '8');
  await page.fill('#lrf-start', '1e-5');
  await settled(page, g);
  assert.equal(await page.textContent('#lrf-error'), '');
  const want = lab.lrFind({ ...CONFIG, dataset: { name: 'moons', seed: 0, val_fraction: 0.2, n_samples: 400, noise: 0.2 },
    model: { ...CONFIG.model, hidden: [8] }, optimizer: { type: 'SGD', lr: 1e-3, momentum: 0.9 } },
  { ...OPTIONS, start_lr: 1e-5, num_iter: 40, seeds: [0] });
  assert.equal(Number(await page.getAttribute('#lrf-suggestions tr[data-rule="steep"] td.lr', 'data-value')), want.suggestions.steep);
  assert.ok(page.url().includes('hidden=%5B8%5D') && page.url().includes('start=0.00001'), page.url());
  // a regression set offers the regression losses only
  g = await gen(page);
  await page.selectOption('#lrf-ds', 'sine');
  await settled(page, g);
  assert.deepEqual(await page.$$eval('#lrf-loss option', (o) => o.map((x) => x.value)), ['MSELoss', 'L1Loss', 'HuberLoss', 'SmoothL1Loss']);
  assert.equal(await page.textContent('#lrf-error'), '');
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('from the Training room, the finder tests its setup and "use this lr" lands in the Training room\'s link', async () => {
  const page = await openPage(distUrl('index.html#/train'));
  await page.waitForFunction(() => window.steplabTraining?.getConfig());
  const train = await page.evaluate(() => window.steplabTraining.getConfig());
  await page.click('nav a[data-route="lrfinder"]');
  await settled(page);
  assert.match(await page.textContent('#lrf-from-training'), /optimizer: Adam/);
  const setup = { ...train };
  for (const k of ['scheduler', 'scheduler_interval', 'epochs', 'early_stopping']) delete setup[k];
  const want = lab.lrFind(setup, { ...OPTIONS, num_iter: 100, seeds: [0, 1, 2, 3, 4] });
  const valley = Number(await page.getAttribute('#lrf-suggestions tr[data-rule="valley"] td.lr', 'data-value'));
  assert.equal(valley, want.suggestions.valley);
  // a constant rate
  await page.click('#lrf-send-lr');
  await page.waitForFunction(() => location.hash.startsWith('#/train'));
  await page.waitForFunction(() => window.steplabTraining?.getConfig()?.optimizer.lr !== 0.01);
  const sent = +valley.toPrecision(4);
  const params = new URLSearchParams(decodeURIComponent(page.url()).split('?')[1]);
  assert.deepEqual(JSON.parse(params.get('opt')), { ...train.optimizer, lr: sent });
  assert.equal(params.get('sched'), 'null');
  assert.equal((await page.evaluate(() => window.steplabTraining.getConfig())).optimizer.lr, sent);
  // a one-cycle schedule peaking at the steep suggestion, over the room's whole budget
  await page.click('nav a[data-route="lrfinder"]');
  await settled(page);
  await page.check('#lrf-pick-steep');
  await page.click('#lrf-send-onecycle');
  await page.waitForFunction(() => window.steplabTraining?.getConfig()?.scheduler?.type === 'OneCycleLR');
  const cfg = await page.evaluate(() => window.steplabTraining.getConfig());
  const probe = lab.createTrainer(cfg);
  assert.deepEqual(cfg.scheduler, { type: 'OneCycleLR', max_lr: +want.suggestions.steep.toPrecision(4), total_steps: cfg.epochs * probe.steps_per_epoch });
  assert.equal(cfg.scheduler_interval, 'step');
  probe.step(probe.steps_per_epoch * cfg.epochs); // the schedule fits the budget exactly: no error past total_steps
  assert.equal(probe.status, 'done');
  probe.dispose();
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('the loss axis is clipped as fastai draws it, the suggestion labels never overlap, the spreads are bars, not piled strips', async () => {
  // digits: the raw loss spikes far above the starting loss before it diverges
  const page = await openPage(distUrl('index.html#/lrfinder?ds=digits&loss=CrossEntropyLoss&hidden=[32]&act=relu&seeds=5'));
  await settled(page);
  const got = await page.evaluate(() => {
    const c = window.steplabLrFinder.chart;
    const y = c.plot.scales.y;
    return { min: y.min, max: y.max, layout: c.markLayout, raw: Array.from(c.series[0].values), smoothed: Array.from(c.series[1].values) };
  });
  const fin = (a) => a.filter((v) => v != null && Number.isFinite(v));
  const smooth = fin(got.smoothed.slice(10));
  const least = Math.min(...smooth);
  assert.ok(got.min <= least && got.min > least - 0.5 * (got.max - least), `y from ${got.min}, least smoothed loss ${least}`);
  assert.ok(got.max >= got.smoothed[10] && got.max < Math.max(...fin(got.raw)), `y to ${got.max}: above the start ${got.smoothed[10]}, below the raw spikes`);
  assert.ok(got.max - got.min < 3, `the axis spans ${got.min} to ${got.max}, not 0 to 12`);
  // labels: no two in the same row overlap
  assert.equal(got.layout.length, 4);
  for (const a of got.layout) for (const b of got.layout) {
    if (a === b || a.row !== b.row) continue;
    const ax = [Math.min(a.x0, a.bar[0]), Math.max(a.x1, a.bar[1])], bx = [Math.min(b.x0, b.bar[0]), Math.max(b.x1, b.bar[1])];
    assert.ok(ax[1] < bx[0] || bx[1] < ax[0], `${a.label} and ${b.label} overlap in row ${a.row}`);
  }
  await page.locator('#lrf-chart').screenshot({ path: `${shotsDir}lrfinder-digits.png` });
  await page.close();
  assert.deepEqual(sink.errors, []);
});
