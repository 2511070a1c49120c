// Issue 16: "every chart has a keyboard-reachable table of its data". The race's landscape (each
// optimizer's points and losses) and the Training picture (each point, its class and the model's
// prediction) have a "Data table" <details> right after their canvas, in the rooms and inside
// <steplab-race> and <steplab-train>: Tab from the canvas (or the controls before it) reaches its
// summary, Enter opens it, and its rows are the data (lab.trace's points; the data set's points).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, watchedPage, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';
import { sampled } from '../../web/shared/data-table.js';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const close = (cell, want) => Math.abs(Number(cell) - want) <= 1e-4 * Math.max(1, Math.abs(want));
// The focused element's id or part (inside a shadow root when host is given) and its text.
const focused = (page, host) => page.evaluate((h) => {
  const a = h ? document.getElementById(h).shadowRoot.activeElement : document.activeElement;
  return a ? `${a.tagName.toLowerCase()}:${a.closest('details')?.id || a.closest('details')?.getAttribute('part') || ''}:${a.textContent}` : '';
}, host);
// The open table's rows as arrays of cell texts.
const rows = (page, sel, host) => page.evaluate(([s, h]) => {
  const root = h ? document.getElementById(h).shadowRoot : document;
  return [...root.querySelectorAll(`${s} tbody tr`)].map((tr) => [...tr.children].map((c) => c.textContent));
}, [sel, host]);

test('Optimizers room: Tab from the landscape reaches its data table; its rows are lab.trace\'s points and losses', async () => {
  const opts = [{ type: 'SGD', lr: 0.001, momentum: 0.9 }, { type: 'Adam', lr: 0.1 }];
  const hash = '#/race?' + Object.entries({ fn: 'rosenbrock', fnp: {}, start: [-1.5, 2.5], steps: 40, noise: 0, opts })
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');
  const page = await openPage(distUrl('index.html' + hash));
  await page.waitForFunction(() => Number(document.body.dataset.raceGeneration) > 0);
  for (let i = 0; i < 3; i++) await page.click('#race-stepbtn');
  await page.focus('#race-canvas');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'summary:race-table:Data table');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#race-table tbody tr');
  const got = await rows(page, '#race-table');
  assert.equal(got.length, 4, 'steps 0..3 shown');
  const heads = await page.$$eval('#race-table thead th', (th) => th.map((x) => x.textContent));
  assert.deepEqual(heads.slice(0, 4), ['step', 'SGD lr 0.001 momentum 0.9: x', 'SGD lr 0.001 momentum 0.9: y', 'SGD lr 0.001 momentum 0.9: loss']);
  opts.forEach((optimizer, j) => {
    const t = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2.5], steps: 40, optimizer });
    for (let s = 0; s <= 3; s++) {
      assert.equal(got[s][0], String(s));
      [t.x[s], t.y[s], t.loss[s]].forEach((v, c) => assert.ok(close(got[s][1 + 3 * j + c], v), `${optimizer.type} step ${s} column ${c}: ${got[s][1 + 3 * j + c]} vs ${v}`));
    }
  });
  // the table follows the step shown
  await page.click('#race-stepbtn');
  await page.waitForFunction(() => document.querySelectorAll('#race-table tbody tr').length === 5);
  for (const w of [1280, 375]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.locator('#race-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shotsDir}race-table-${w}.png` });
  }
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('Training room: Tab from the picture reaches its data table: every point (sampled to 200), its set, class and prediction', async () => {
  const page = await openPage(distUrl('index.html#/train'));
  await page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
  await page.waitForFunction(() => /training points/.test(document.getElementById('train-data-note').textContent));
  const [nTrain, nVal] = (await page.textContent('#train-data-note')).match(/\d+/g).map(Number);
  await page.focus('#train-data');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'summary:train-data-table:Data table');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#train-data-table tbody tr');
  let got = await rows(page, '#train-data-table');
  const { at } = sampled(nTrain + nVal);
  assert.ok(at.length <= 200);
  assert.deepEqual(got.map((r) => r[0]), at.map((i) => String(i + 1)));
  assert.deepEqual(got.map((r) => r[3]), at.map((i) => (i < nTrain ? 'training' : 'validation')));
  assert.ok(got.every((r) => r[4] === '0' || r[4] === '1'), 'moons: classes 0 and 1');
  assert.ok(got.every((r) => r[5] === '-'), 'no prediction before the first step');
  // one step (ArrowRight on the picture): every row has the model's class there
  await page.focus('#train-data');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => [...document.querySelectorAll('#train-data-table tbody tr')].every((tr) => /^[01]$/.test(tr.lastElementChild.textContent)));
  got = await rows(page, '#train-data-table');
  assert.equal(got.length, at.length);
  for (const w of [1280, 375]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.locator('#train-data-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shotsDir}train-table-${w}.png` });
  }
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('<steplab-race> and <steplab-train>: the same data tables, keyboard reachable inside the components', async () => {
  const page = await watchedPage(browser, sink.errors);
  await page.goto(distUrl('embed.html'));
  const rendered = (id) => page.waitForFunction((i) => Number(document.getElementById(i)?.dataset.rendered) > 0, id);
  await rendered('ex-race');
  await page.evaluate(() => document.getElementById('ex-race').shadowRoot.querySelector('canvas').focus());
  await page.keyboard.press('Tab');
  assert.equal(await focused(page, 'ex-race'), 'summary:table:Data table');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('ex-race').shadowRoot.querySelector('[part=table] tbody tr'));
  const k = await page.evaluate(() => document.getElementById('ex-race')._k);
  const race = await rows(page, '[part=table]', 'ex-race');
  assert.equal(race.length, sampled(k + 1).at.length);
  const t = lab.trace({ fn: 'quadratic', fn_params: { a: 1, b: 20 }, start: [-4.5, 2], optimizer: { type: 'SGD', lr: 0.02, momentum: 0.9 }, steps: 150 });
  const s = Number(race.at(-1)[0]);
  assert.ok(close(race.at(-1)[4], t.x[s]) && close(race.at(-1)[6], t.loss[s]), `second racer at step ${s}: ${race.at(-1)}`);

  await rendered('ex-train');
  await page.evaluate(() => document.getElementById('ex-train').shadowRoot.querySelector('[part=reset]').focus());
  await page.keyboard.press('Tab');
  assert.equal(await focused(page, 'ex-train'), 'summary:table:Data table');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('ex-train').shadowRoot.querySelector('[part=table] tbody tr'));
  const train = await rows(page, '[part=table]', 'ex-train');
  const n = await page.evaluate(() => document.getElementById('ex-train')._data.n_samples);
  assert.equal(n, 400);
  assert.equal(train.length, sampled(n).at.length);
  assert.ok(train.every((r) => /^[01]$/.test(r[4])), 'moons: classes 0 and 1');
  for (const w of [1280, 375]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.evaluate(() => document.getElementById('ex-train').scrollIntoView());
    await page.screenshot({ path: `${shotsDir}embed-train-table-${w}.png` });
  }
  await page.close();
  assert.deepEqual(sink.errors, []);
});
