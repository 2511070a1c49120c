// The Training room tells its story (issue 16): a run the core stops ends with its reason and the
// metrics where it stopped, never a silent stall or a NaN; the default speed lets a student watch
// the boundary move, with "as fast as possible" one click away.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn } from './browser.mjs';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const hash = (o) => '#/train?' + Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');
const ready = (page) => page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
const finished = (page, timeout = 30000) => page.waitForFunction(() => ['done', 'stopped', 'diverged', 'error'].includes(document.body.dataset.trainStatus)
  && document.getElementById('train-play').textContent === 'Play', null, { timeout });

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('OneCycleLR past its total_steps: the digits preset at 100 epochs ends with the core\'s reason and the metrics where it stopped', async () => {
  const page = await openPage(distUrl('index.html#/train'));
  await ready(page);
  await page.selectOption('#train-preset', '1');
  await ready(page);
  await page.fill('#train-epochs', '100');
  await page.press('#train-epochs', 'Enter');
  await page.waitForFunction(() => window.steplabTraining.getConfig().epochs === 100);
  await page.selectOption('#train-speed', '0');
  await page.click('#train-play');
  await finished(page);
  const status = await page.textContent('#train-status');
  assert.match(status, /OneCycleLR: total_steps is 460; cannot take step 462/);
  assert.match(status, /^stopped by the core at step 460/);
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
  // 0.6 s of play at 10 epochs per second: a few epochs, not all 100 (the first frames create the run)
  await page.click('#train-play');
  await page.waitForFunction(() => Number(document.body.dataset.trainSteps) > 0);
  const seen = new Set();
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(100);
    seen.add(await page.evaluate(() => document.body.dataset.trainSteps));
  }
  const epochs = await page.evaluate(() => window.steplabTraining.series().train_loss.length);
  assert.ok(epochs < 40, `${epochs} epochs after 0.6 s of play`);
  assert.ok(seen.size >= 3, `the step count moved through ${[...seen]}`);
  await page.click('#train-play'); // pause
  await page.selectOption('#train-speed', fastest[0]);
  await page.click('#train-reset');
  await page.click('#train-play');
  await finished(page);
  assert.match(await page.textContent('#train-status'), /^done: all 100 epochs/);
  await page.close();
  assert.deepEqual(sink.errors, []);
});
