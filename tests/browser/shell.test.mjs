// The lab page's shell in headless Chromium: every room keeps its state when the nav tabs switch
// away and back (finding 1 of issue 16), the training run in the worker goes on while its room is
// hidden, and the landing view's "Start here" path.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';

let browser, server, httpBase;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const hash = (o) => '#/train?' + Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');
const SETUP = {
  data: { name: 'moons', n_samples: 200, noise: 0.15, seed: 0, val_fraction: 0.2 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' }, opt: { type: 'SGD', lr: 0.1, momentum: 0.9 },
  sched: { type: 'CosineAnnealingLR', T_max: 50 }, interval: 'step', bmode: 'mini', batch: 32, epochs: 10, seed: 3,
};
const status = (page) => page.evaluate(() => document.body.dataset.trainStatus);
const finished = (page) => page.waitForFunction(() => ['done', 'stopped', 'diverged', 'error'].includes(document.body.dataset.trainStatus)
  && document.getElementById('train-play').textContent === 'Play', null, { timeout: 30000 });
const tab = async (page, route) => {
  await page.click(`#rooms a[data-route="${route}"]`);
  await page.waitForFunction((r) => location.hash.startsWith(`#/${r}?`) && document.querySelector(`.room[data-room="${r}"]:not([hidden])`), route);
  await page.waitForTimeout(100);
};
const visible = (page, sel) => page.locator(`.room:not([hidden]) ${sel}`);

before(async () => {
  browser = await launch();
  server = await startServer(0);
  httpBase = `http://127.0.0.1:${server.address().port}/`;
});
after(async () => { await browser?.close(); server?.close(); });

for (const how of ['file', 'http']) {
  test(`every room keeps its state across the nav tabs (${how})`, async () => {
    const base = how === 'file' ? distUrl('index.html') : `${httpBase}index.html`;
    const page = await openPage(base + hash(SETUP));
    await page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
    // Training: a finished run, pinned, then a second run finished
    await page.click('#train-play');
    await finished(page);
    await page.click('#train-pin');
    await page.waitForFunction(() => document.querySelectorAll('#train-pins li').length === 1 && document.body.dataset.trainStatus === 'new');
    await page.click('#train-play');
    await finished(page);
    const trainHash = await page.evaluate(() => location.hash);
    const trainStatus = await page.textContent('#train-status');
    assert.equal(await page.locator('#train-pins li').count(), 1);
    // Schedules: a changed control
    await tab(page, 'schedules');
    await page.fill('#sched-0-gamma', '0.5');
    await page.waitForFunction(() => document.querySelector('#sched-readout li')?.textContent.includes('last 0.025'));
    const schedHash = await page.evaluate(() => location.hash);
    // Race: another preset
    await tab(page, 'race');
    const racePresets = await page.$$eval('#race-preset option', (o) => o.map((x) => x.value));
    await page.selectOption('#race-preset', racePresets[2]);
    await page.waitForTimeout(300);
    const raceHash = await page.evaluate(() => location.hash);
    // Losses: another panel
    await tab(page, 'losses');
    const lossSel = visible(page, 'select').first();
    const lossOpts = await lossSel.evaluate((s) => [...s.options].map((o) => o.value));
    await lossSel.selectOption(lossOpts[lossOpts.length - 1]);
    await page.waitForTimeout(300);
    const lossHash = await page.evaluate(() => location.hash);
    // LR finder: another number of iterations
    await tab(page, 'lrfinder');
    await page.fill('#lrf-iters', '60');
    await page.locator('#lrf-iters').blur();
    await page.waitForFunction(() => /[?&]iters=60&/.test(location.hash));
    await page.waitForTimeout(300);
    const lrfHash = await page.evaluate(() => location.hash);
    assert.match(lrfHash, /iters=60/);
    // back through every tab: each room as it was left
    await tab(page, 'schedules');
    assert.equal(await page.evaluate(() => location.hash), schedHash);
    assert.equal(await page.inputValue('#sched-0-gamma'), '0.5');
    assert.match(await page.textContent('#sched-readout li'), /last 0\.025/);
    await tab(page, 'race');
    assert.equal(await page.evaluate(() => location.hash), raceHash);
    assert.equal(await page.inputValue('#race-preset'), racePresets[2]);
    await tab(page, 'losses');
    assert.equal(await page.evaluate(() => location.hash), lossHash);
    await tab(page, 'lrfinder');
    assert.equal(await page.evaluate(() => location.hash), lrfHash);
    await tab(page, 'train');
    assert.equal(await page.evaluate(() => location.hash), trainHash);
    assert.equal(await page.locator('#train-pins li').count(), 1, 'the pinned run is still there');
    assert.equal(await page.textContent('#train-status'), trainStatus);
    assert.equal(await status(page), 'done');
    // the Back button still walks the same views
    await page.goBack();
    await page.waitForFunction(() => location.hash.startsWith('#/lrfinder?') && location.hash.includes('iters=60')
      && document.querySelector('.room[data-room="lrfinder"]:not([hidden])'));
    assert.equal(await page.inputValue('#lrf-iters'), '60');
    await page.close();
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(sink.foreign, []);
  });
}

test('the LR finder, back from the Training room, tests the Training room\'s setup as it is now', async () => {
  const page = await openPage(distUrl('index.html') + hash(SETUP));
  await page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
  await tab(page, 'lrfinder');
  const setup = () => page.evaluate(() => JSON.parse(new URLSearchParams(location.hash.split('?')[1]).get('setup')));
  assert.equal((await setup()).optimizer.lr, 0.1);
  await tab(page, 'train');
  await page.evaluate(() => window.steplabTraining.setConfig({ opt: { type: 'SGD', lr: 0.03, momentum: 0.9 } }));
  await page.waitForFunction(() => location.hash.includes('0.03'));
  await tab(page, 'lrfinder');
  assert.equal((await setup()).optimizer.lr, 0.03);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('a training run goes on in the worker while another room is shown', async () => {
  const page = await openPage(distUrl('index.html') + hash({ ...SETUP, epochs: 60, speed: 1 }));
  await page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
  await page.click('#train-play');
  await page.waitForFunction(() => document.body.dataset.trainStatus === 'running');
  await tab(page, 'schedules');
  await page.waitForFunction(() => ['done', 'stopped'].includes(document.body.dataset.trainStatus), null, { timeout: 60000 });
  await tab(page, 'train');
  assert.match(await page.textContent('#train-status'), /^done: all 60 epochs/);
  await page.close();
  assert.deepEqual(sink.errors, []);
});
