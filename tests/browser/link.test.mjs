// "Copy link" reproduces the view (finding 2 of issue 16), in headless Chromium from file:// and
// over http: a link copied in one page and opened in a fresh one shows the same settings, the
// same pinned runs (recomputed from their settings, with a progress note: the same numbers), the
// race's optimizers, and imported CSV data when it fits in a link; data too large for a link is
// named and the link says it is not included.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';

let browser, server;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const hash = (o) => '#/train?' + Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');
const SETUP = {
  data: { name: 'moons', n_samples: 200, noise: 0.15, seed: 0, val_fraction: 0.2 },
  model: { hidden: [8], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' }, opt: { type: 'SGD', lr: 0.1, momentum: 0.9 },
  sched: null, interval: 'step', bmode: 'mini', batch: 32, epochs: 8, seed: 3, speed: 0, // trained as fast as possible: the numbers are the point
};
const ready = (page) => page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new', null, { timeout: 30000 });
const finished = (page) => page.waitForFunction(() => ['done', 'stopped', 'diverged', 'error'].includes(document.body.dataset.trainStatus)
  && document.getElementById('train-play').textContent === 'Play', null, { timeout: 30000 });
const series = (page) => page.evaluate(() => window.steplabTraining.series());
// "Copy link": what the page puts on the clipboard (or shows, when the clipboard is refused)
async function copyLink(page) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  await page.click('#copy-link');
  await page.waitForFunction(() => /^Link copied|^Copy this link/.test(document.getElementById('notice').textContent));
  return { url: page.url(), notice: await page.textContent('#notice') };
}

before(async () => { browser = await launch(); server = await startServer(0); });
after(async () => { await browser?.close(); server?.close(); });

for (const how of ['file', 'http']) {
  test(`a copied link reproduces the Training room with its pinned runs (${how})`, async () => {
    const base = how === 'file' ? distUrl('index.html') : `http://127.0.0.1:${server.address().port}/index.html`;
    const page = await openPage(base + hash(SETUP));
    await ready(page);
    await page.click('#train-play');
    await finished(page);
    await page.click('#train-pin');
    // a second run that differs in the momentum only, pinned too, then a third one trained and left current
    await page.evaluate(() => window.steplabTraining.setConfig({ opt: { type: 'SGD', lr: 0.1, momentum: 0.5 } }));
    await ready(page);
    await page.click('#train-play');
    await finished(page);
    await page.click('#train-pin');
    await page.evaluate(() => window.steplabTraining.setConfig({ opt: { type: 'Adam', lr: 0.01 } }));
    await ready(page);
    await page.click('#train-play');
    await finished(page);
    const want = await series(page);
    assert.equal(want.pins.length, 2);
    // the legend tells the pinned runs apart by their settings
    assert.deepEqual(want.pins.map((p) => p.label), ['1: SGD lr 0.1 momentum 0.9', '2: SGD lr 0.1 momentum 0.5'].map((x) => x.slice(3)));
    const { url, notice } = await copyLink(page);
    assert.match(notice, /exactly this view/);
    await page.close();
    assert.match(decodeURIComponent(url), /[?&]at=40(&|$)/, 'the link holds the current run\'s progress');
    const again = await openPage(url);
    // the pinned runs and the current one are recomputed to where they were, with a progress note
    await again.waitForFunction((n) => {
      const s = window.steplabTraining.series();
      return s.pins.length === 2 && s.pins.every((p) => p.train_loss.length === n) && s.train_loss.length === n && document.body.dataset.trainStatus === 'done';
    }, want.train_loss.length, { timeout: 60000 });
    await again.waitForTimeout(300);
    assert.equal(await again.locator('#train-pins li').count(), 2);
    const got = await series(again);
    assert.deepEqual(got.pins, want.pins, 'the pinned runs recomputed to the same numbers');
    assert.equal(await again.evaluate(() => JSON.stringify(window.steplabTraining.getConfig().optimizer)), JSON.stringify({ type: 'Adam', lr: 0.01 }));
    assert.deepEqual(got.train_loss, want.train_loss, 'the current run trained to where it was');
    assert.match(await again.textContent('#notice'), /^The link's run is at step 40, where it was\.$|^The 2 pinned runs of the link are recomputed\.$/);
    await again.close();
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(sink.foreign, []);
  });
}

test('a link set into the open Training room trains its run to where it was, as in a fresh page', async () => {
  const page = await openPage(distUrl('index.html') + hash({ ...SETUP, epochs: 3 }));
  await ready(page);
  await page.click('#train-play');
  await finished(page);
  const want = await series(page);
  const { url } = await copyLink(page);
  await page.close();
  // a student with the room open on its defaults, who then opens the lecturer's link in the same tab
  const open = await openPage(distUrl('index.html') + '#/train');
  await ready(open);
  await open.evaluate((h) => { location.hash = h; }, new URL(url).hash);
  await open.waitForFunction((n) => window.steplabTraining.series().train_loss.length === n && document.body.dataset.trainStatus === 'done', want.train_loss.length, { timeout: 60000 });
  assert.deepEqual((await series(open)).train_loss, want.train_loss, 'the current run trained to where it was');
  await open.close();
  assert.deepEqual(sink.errors, []);
});

test('imported CSV data travels in the link when it fits; a larger one is named and said to be left out', async () => {
  const page = await openPage(distUrl('index.html') + hash({ ...SETUP, epochs: 3 }));
  await ready(page);
  const rows = (n) => 'x1,x2,label\n' + Array.from({ length: n }, (_, i) => `${(Math.sin(i) * 2).toFixed(3)},${(Math.cos(i * 1.3)).toFixed(3)},${i % 2 ? 'outer' : 'inner'}`).join('\n') + '\n';
  await page.setInputFiles('#train-csv', { name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(rows(60)) });
  await page.waitForFunction(() => document.body.textContent.includes('imported: small.csv'));
  await ready(page);
  await page.click('#train-play');
  await finished(page);
  const want = await series(page);
  const small = await copyLink(page);
  assert.match(small.notice, /exactly this view/);
  assert.match(decodeURIComponent(small.url), /"name":"small\.csv/);
  const again = await openPage(small.url);
  await again.waitForFunction((n) => window.steplabTraining?.series().train_loss.length === n && document.body.dataset.trainStatus === 'done', want.train_loss.length);
  assert.ok(await again.evaluate(() => document.body.textContent.includes('imported: small.csv')));
  const dataset = (p) => p.evaluate(() => JSON.stringify(window.steplabTraining.getConfig().dataset, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v)));
  assert.equal(await dataset(again), await dataset(page));
  assert.deepEqual((await series(again)).train_loss, want.train_loss);
  await again.close();
  // 2000 rows do not fit: the copy says so, and the link opened says so too
  await page.setInputFiles('#train-csv', { name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(rows(2000)) });
  await page.waitForFunction(() => document.body.textContent.includes('imported: large.csv'));
  const large = await copyLink(page);
  assert.match(large.notice, /except that the imported data large\.csv .* is too large for a link and is not included/);
  const opened = await openPage(large.url);
  await opened.waitForFunction(() => /large\.csv .*too large for a link; it is not included/.test(document.getElementById('notice').textContent));
  await opened.close();
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('the race\'s optimizers are in its link', async () => {
  const page = await openPage(distUrl('index.html#/race'));
  await page.waitForSelector('#race-status li');
  await page.click('#race-add');
  await page.waitForTimeout(300);
  const want = await page.$$eval('#race-status li', (li) => li.map((x) => x.textContent));
  const { url } = await copyLink(page);
  const again = await openPage(url);
  await again.waitForFunction((n) => document.querySelectorAll('#race-status li').length === n, want.length);
  await again.waitForTimeout(300);
  assert.deepEqual(await again.$$eval('#race-status li', (li) => li.map((x) => x.textContent)), want);
  await again.close();
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('a link whose pinned runs cannot be read shows the rest and says which were left out', async () => {
  const pins = [{ state: {}, spec: { name: 'moons' } }, { state: { ...SETUP, epochs: 2 }, spec: { ...SETUP.data } }, { state: SETUP, omitted: true }];
  const page = await openPage(distUrl('index.html') + hash({ ...SETUP, pins }));
  await page.waitForFunction(() => /recomputed/.test(document.getElementById('notice').textContent), null, { timeout: 30000 });
  assert.match(await page.textContent('#notice'), /The 1 pinned run of the link is recomputed\. Pinned runs 1, 3 of the link are not shown/);
  assert.equal(await page.locator('#train-pins li').count(), 1);
  await page.close();
  assert.deepEqual(sink.errors, []);
});
