// The Schedules room in headless Chromium, for issue 16: every preset says what to notice with the
// numbers the lab measures (finding 5); steps per epoch keep parameters described in epochs in epochs,
// with the per-batch interval a clear choice (finding 8); every control travels in the link.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';
import { PRESETS, DEFAULT_METRIC } from '../../web/app/rooms/schedules-presets.js';
import { measureSchedules } from '../../web/app/rooms/schedules-claims.js';
import { fillNotice } from '../../web/app/rooms/notice.js';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const gen = (page) => page.evaluate(() => Number(document.body.dataset.schedulesGeneration || 0));
const settled = (page, after = 0) => page.waitForFunction((a) => Number(document.body.dataset.schedulesGeneration) > a, after);
const noticed = (page, after = 0) => page.waitForFunction((a) => Number(document.body.dataset.schedulesNotice) > a, after);
const run = { schedule: (spec, n, options) => lab.schedule(spec, n, options), formula: (text, n) => lab.schedule({ type: 'LambdaLR', lr: 1, lr_lambda: text }, n) };
// The chart's x values (epochs) and its first series.
const chartData = (page) => page.evaluate(() => { const c = document.getElementById('sched-chart').lineChart; return { x: Array.from(c.xs), y: Array.from(c.series[0].values), xLabel: c.xLabel }; });
const firstBelow = ({ x, y }, v) => x[y.findIndex((u) => u < v)];

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('finding 5: every schedules preset says what to notice, measured in the page, and its claims hold', async () => {
  const page = await openPage(distUrl('index.html#/schedules'));
  await settled(page);
  for (let i = 0; i < PRESETS.length; i++) {
    const p = PRESETS[i];
    const g = await gen(page);
    await page.selectOption('#sched-preset', String(i));
    await noticed(page, g);
    assert.equal(await page.textContent('#sched-notice-text'), fillNotice(p.notice, await measureSchedules(p, run, DEFAULT_METRIC)), p.name);
    assert.equal(await page.getAttribute('#sched-notice', 'data-measured'), 'true', p.name);
    assert.equal(await page.locator('#sched-claims li[data-ok="true"]').count(), p.claims.length, p.name);
  }
  // a changed setting: the notes say so and lead back
  const g = await gen(page);
  await page.fill('#sched-0-patience', '2');
  await settled(page, g);
  await page.waitForFunction(() => document.getElementById('sched-notice-text').textContent.startsWith('You changed the settings of the preset “Reduce on plateau”'));
  await page.click('#sched-notice-back');
  await page.waitForFunction(() => document.getElementById('sched-notice').dataset.measured === 'true');
  assert.equal(await page.inputValue('#sched-0-patience'), '5');
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('finding 8: steps per epoch keep StepLR\'s epochs in epochs; after every batch, its step_size counts batches, and the room says so', async () => {
  const page = await openPage(distUrl('index.html#/schedules'));
  await settled(page);
  let g = await gen(page);
  await page.fill('#sched-spe', '10');
  await settled(page, g);
  let d = await chartData(page);
  assert.equal(d.xLabel, 'epoch');
  assert.equal(d.x.length, 900);
  assert.equal(firstBelow(d, 0.09), 30); // the drop at epoch 30, as the help says
  assert.equal(firstBelow(d, 0.009), 60);
  assert.match(await page.textContent('#sched-interval-note'), /count epochs; the 10 steps of an epoch share its rate/);
  assert.match(await page.textContent('#sched-code'), /for epoch in range\(90\):\n {4}for batch in range\(10\):[^]*\n {4}scheduler\.step\(\) {2}# once per epoch/);
  // the preset's notes still hold: its parameters are in epochs
  assert.equal(await page.getAttribute('#sched-notice', 'data-measured'), 'true');
  // after every batch: step_size 30 is 30 batches, 3 epochs
  g = await gen(page);
  await page.selectOption('#sched-interval', 'step');
  await settled(page, g);
  d = await chartData(page);
  assert.equal(firstBelow(d, 0.09), 3);
  assert.match(await page.textContent('#sched-interval-note'), /count batches: 30 of them are 3 epochs at 10 steps per epoch/);
  assert.match(await page.textContent('#sched-code'), / {8}scheduler\.step\(\) {2}# after every batch/);
  assert.match(await page.textContent('#sched-readout p'), /^900 steps \(90 epochs × 10 steps per epoch\); the schedulers step after every batch, 900 times\./);
  const want = lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }, 900);
  assert.deepEqual(d.y, Array.from(want));
  await page.screenshot({ path: `${shotsDir}schedules-interval.png`, fullPage: true });
  // every control travels in the link: interval, steps per epoch, the card explained, log scale
  await page.click('#sched-add');
  await settled(page, g + 1);
  await page.check('#sched-log');
  const again = await openPage(page.url());
  await settled(again);
  assert.equal(await again.inputValue('#sched-interval'), 'step');
  assert.equal(await again.inputValue('#sched-spe'), '10');
  assert.equal(await again.isChecked('#sched-log'), true);
  assert.equal(await again.textContent('#sched-side-title'), await page.textContent('#sched-side-title'));
  assert.deepEqual(await chartData(again), await chartData(page));
  await again.close();
  await page.close();
  assert.deepEqual(sink.errors, []);
});
