// The Training room tells its story (issue 16): a run the core stops ends with its reason and the
// metrics where it stopped, never a silent stall or a NaN; the default speed lets a student watch
// the boundary move, with "as fast as possible" one click away.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { loadLab, digitsBytes } from '../helpers.mjs';
import { PRESETS } from '../../web/app/rooms/train-presets.js';
import { measureTrain } from '../../web/app/rooms/train-claims.js';
import { trainerConfig } from '../../web/app/rooms/train-config.js';
import { fitConfig } from '../../web/worker/train.js';
import { fillNotice } from '../../web/app/rooms/notice.js';
import { Registry } from '../../web/shared/registry.js';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const hash = (o) => '#/train?' + Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');
const ready = (page) => page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
const finished = (page, timeout = 30000) => page.waitForFunction(() => ['done', 'stopped', 'diverged', 'error'].includes(document.body.dataset.trainStatus)
  && document.getElementById('train-play').textContent === 'Play', null, { timeout });

const nodeLab = await loadLab({ digits: digitsBytes });
const reg = new Registry(nodeLab.registry);
const fitNode = (st) => fitConfig(nodeLab, trainerConfig(reg, st, st.data));

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('OneCycleLR past its total_steps: the digits preset at 100 epochs ends with the core\'s reason and the metrics where it stopped', async () => {
  const page = await openPage(distUrl('index.html#/train'));
  await ready(page);
  await page.selectOption('#train-preset', '1');
  await ready(page);
  await page.waitForFunction(() => window.steplabTraining.getConfig().epochs === 8);
  await page.fill('#train-epochs', '100');
  await page.press('#train-epochs', 'Enter');
  await page.waitForFunction(() => window.steplabTraining.getConfig().epochs === 100);
  await page.selectOption('#train-speed', '0');
  await page.click('#train-play');
  await finished(page);
  const status = await page.textContent('#train-status');
  assert.match(status, /OneCycleLR: total_steps is 184; cannot take step \d+/);
  assert.match(status, /^stopped by the core at step 184/);
  // the metrics of the model at step 460, not "Train (Play or Step) to see the metrics."
  await page.waitForSelector('#train-metrics-table');
  const metrics = await page.textContent('#train-metrics');
  assert.doesNotMatch(metrics, /NaN|Train \(Play/);
  assert.match(await page.textContent('#train-confusion'), /\d/);
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('the default speed paces epochs so the boundary moves; "as fast as possible" is one choice away', async () => {
  const page = await openPage(distUrl('index.html#/train?data=' + encodeURIComponent(JSON.stringify({ name: 'moons', n_samples: 400, noise: 0.2, seed: 0, val_fraction: 0.2 }))));
  await ready(page);
  const speed = await page.inputValue('#train-speed');
  const options = await page.$$eval('#train-speed option', (os) => os.map((o) => [o.value, o.textContent]));
  const fastest = options.find(([, t]) => t === 'as fast as possible');
  assert.ok(fastest, 'as fast as possible is offered');
  assert.notEqual(speed, fastest[0], 'the default is not the fastest');
  assert.equal(options.find(([v]) => v === speed)[1], '10 epochs per second');
  // at 10 epochs per second the run is seen moving, step by step, long before its 100 epochs end
  // (a slower machine only trains slower; the fastest speed ends these 1000 steps within a frame or two)
  await page.click('#train-play');
  await page.waitForFunction(() => Number(document.body.dataset.trainSteps) > 0);
  const first = Number(await page.evaluate(() => document.body.dataset.trainSteps));
  await page.waitForFunction((f) => Number(document.body.dataset.trainSteps) >= f + 30, first, { timeout: 20000 });
  const now = await page.evaluate(() => ({ status: document.body.dataset.trainStatus, epochs: window.steplabTraining.series().train_loss.length }));
  assert.equal(now.status, 'running');
  assert.ok(now.epochs < 50, `${now.epochs} epochs when it was seen moving`);
  await page.click('#train-play'); // pause
  await page.selectOption('#train-speed', fastest[0]);
  await page.click('#train-reset');
  await page.click('#train-play');
  await finished(page);
  assert.match(await page.textContent('#train-status'), /^done: all 100 epochs/);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('every preset says what to notice, measured in the page as in Node, and its claims hold', async () => {
  const page = await openPage(distUrl('index.html#/train'));
  await ready(page);
  for (const [i, p] of PRESETS.entries()) {
    await page.selectOption('#train-preset', String(i));
    await page.waitForFunction((k) => document.getElementById('train-notice')?.dataset.preset === String(k) && document.getElementById('train-notice').dataset.measured, i, { timeout: 60000 });
    assert.equal(await page.evaluate(() => document.getElementById('train-notice').dataset.measured), 'true', `${p.name}: ${await page.textContent('#train-claims')}`);
    assert.equal(await page.textContent('#train-notice-text'), fillNotice(p.notice, await measureTrain(p, fitNode)), p.name);
  }
  // a change of setting says so, and the way back restores the preset and its notes
  await page.selectOption('#train-opt', 'RMSprop');
  await page.waitForSelector('#train-notice-back');
  await page.click('#train-notice-back');
  await page.waitForFunction(() => document.getElementById('train-notice').dataset.measured === 'true');
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('imbalanced: focal pinned beside BCE, the metrics and both confusion matrices side by side show the recall the notice promises', async () => {
  const page = await openPage(distUrl('index.html#/train'));
  await ready(page);
  await page.selectOption('#train-preset', '2');
  await ready(page);
  await page.selectOption('#train-speed', '0');
  await page.click('#train-play');
  await finished(page);
  await page.waitForSelector('#train-confusion');
  await page.click('#train-pin');
  await page.selectOption('#train-loss', 'BCEWithLogitsLoss');
  await ready(page);
  await page.click('#train-play');
  await finished(page);
  await page.waitForSelector('#train-confusion-1');
  await page.waitForSelector('#train-confusion');
  const table = await page.$$eval('#train-metrics-table tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(table[0], ['', 'now', '1']);
  assert.match(await page.textContent('#train-notice-text'), /Recall does/, 'the notice stays: BCE is the run it compares with');
  const p = PRESETS[2];
  const values = await measureTrain(p, fitNode);
  const row = (name) => table.find((r) => r[0] === name);
  // the pinned focal run (1) and the current BCE run (now), as the notice measured them
  assert.equal(Number(row('recall')[2]), +values['val_recall.0'].toPrecision(6));
  assert.equal(Number(row('recall')[1]), +values['val_recall.1'].toPrecision(6));
  assert.ok(Number(row('recall')[2]) > Number(row('recall')[1]));
  const tp = (id) => page.$eval(id, (t) => Number(t.querySelector('tbody tr:nth-child(2) td:nth-child(3)').textContent));
  assert.equal(await tp('#train-confusion-1'), values['tp.0']);
  assert.equal(await tp('#train-confusion'), values['tp.1']);
  await page.screenshot({ path: `${shotsDir}train-imbalanced-pinned.png`, fullPage: true });
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('before the first step the charts show their axes and say to press Play; train and validation differ in the legend', async () => {
  const page = await openPage(distUrl('index.html#/train?speed=0'));
  await ready(page);
  for (const id of ['train-chart-loss', 'train-chart-metric', 'train-chart-lr', 'train-chart-grad']) {
    assert.equal(await page.isVisible(`#${id} .chart-hint`), true, `${id}: the hint`);
    assert.match(await page.textContent(`#${id} .chart-hint`), /Press Play/);
  }
  const scales = await page.evaluate(() => Object.fromEntries(Object.entries(window.steplabTraining.charts).map(([k, c]) => [k, [c.plot.scales.x.min, c.plot.scales.x.max, c.plot.scales.y.min, c.plot.scales.y.max]])));
  for (const [k, s] of Object.entries(scales)) assert.ok(s.every(Number.isFinite), `${k}: axes ${s}`);
  assert.deepEqual(scales.loss.slice(0, 2), [1, 100], 'the epochs of the run');
  // the swatches: train solid and filled, validation dotted and hollow
  const markers = await page.$$eval('#train-chart-loss .u-legend .u-series', (rows) => rows.slice(1).map((r) => {
    const m = getComputedStyle(r.querySelector('.u-marker'));
    return [r.querySelector('.u-label').textContent, m.borderTopStyle, m.backgroundColor];
  }));
  assert.equal(markers.length, 2);
  assert.match(markers[0][0], /train$/);
  assert.match(markers[1][0], /val$/);
  assert.equal(markers[0][1], 'solid');
  assert.equal(markers[1][1], 'dotted');
  assert.notEqual(markers[0][2], markers[1][2]);
  await page.click('#train-epoch');
  await page.waitForFunction(() => document.body.dataset.trainSteps !== '0');
  for (const id of ['train-chart-loss', 'train-chart-grad']) assert.equal(await page.isVisible(`#${id} .chart-hint`), false, `${id}: no hint once trained`);
  await page.close();
  assert.deepEqual(sink.errors, []);
});
