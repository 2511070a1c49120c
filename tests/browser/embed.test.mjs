// The web components on the author's guide page (dist/embed.html, from file://):
// they render, share one worker, follow attributes, setState and controls, and fire events.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';

let browser;
let page;
const errors = [];

const rendered = (id, after = 0) => page.waitForFunction(([i, a]) => Number(document.getElementById(i)?.dataset.rendered) > a, [id, after]);
const last = (id) => page.evaluate((i) => {
  const el = document.getElementById(i);
  return el.shadowRoot.querySelector('.sr').textContent;
}, id);
const fmt = (v) => (v === 0 ? '0' : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4 ? v.toExponential(4) : String(+v.toPrecision(6)));

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(distUrl('embed.html'));
});
after(async () => { await browser?.close(); });

test('every component on the guide renders, and all share one worker', async () => {
  for (const id of ['ex-onecycle', 'ex-sgdr', 'ex-warmup', 'ex-huber', 'ex-focal', 'ex-dark']) await rendered(id);
  assert.equal(await page.evaluate(() => customElements.get('steplab-schedule').workerCount), 1);
  // once drawn, a component stays idle (no render loop)
  const count = () => page.evaluate(() => [...document.querySelectorAll('steplab-schedule, steplab-loss')].map((e) => e.dataset.rendered).join());
  const settled = await count();
  await page.waitForTimeout(400);
  assert.equal(await count(), settled);
  const want = lab.schedule({ type: 'CosineAnnealingWarmRestarts', lr: 0.1, T_0: 10, T_mult: 2, eta_min: 0.001 }, 150);
  assert.equal(await last('ex-sgdr'), `CosineAnnealingWarmRestarts: first ${fmt(want[0])}, last ${fmt(want[149])}`);
  await page.screenshot({ path: `${shotsDir}embed.png`, fullPage: true });
  assert.deepEqual(errors, []);
});

test('controls and locked decide what the reader may change', async () => {
  const inputs = (id) => page.evaluate((i) => [...document.getElementById(i).shadowRoot.querySelectorAll('[data-param]')].map((x) => x.dataset.param), id);
  assert.deepEqual(await inputs('ex-onecycle'), ['max_lr', 'pct_start']);
  assert.deepEqual(await inputs('ex-sgdr'), []);
  // the reader changes max_lr: the figure and the event follow
  const before = Number(await page.evaluate(() => document.getElementById('ex-onecycle').dataset.rendered));
  const event = page.evaluate(() => new Promise((resolve) => document.getElementById('ex-onecycle')
    .addEventListener('steplab-change', (e) => resolve(e.detail), { once: true })));
  await page.evaluate(() => {
    const input = document.getElementById('ex-onecycle').shadowRoot.querySelector('[data-param="max_lr"]');
    input.value = '0.5';
    input.dispatchEvent(new Event('input'));
  });
  await rendered('ex-onecycle', before);
  const detail = await event;
  assert.equal(detail.state.params.max_lr, 0.5);
  assert.deepEqual(detail.series[0].values, Array.from(lab.schedule({ type: 'OneCycleLR', max_lr: 0.5, total_steps: 100 }, 100)));
  assert.deepEqual(errors, []);
});

test('attributes, setState and reset drive a component; bad values show the core\'s message', async () => {
  let n = Number(await page.evaluate(() => document.getElementById('ex-sgdr').dataset.rendered));
  await page.evaluate(() => document.getElementById('ex-sgdr').setAttribute('t-0', '5'));
  await rendered('ex-sgdr', n);
  const want = lab.schedule({ type: 'CosineAnnealingWarmRestarts', lr: 0.1, T_0: 5, T_mult: 2, eta_min: 0.001 }, 150);
  assert.equal(await last('ex-sgdr'), `CosineAnnealingWarmRestarts: first ${fmt(want[0])}, last ${fmt(want[149])}`);
  await page.evaluate(() => document.getElementById('ex-sgdr').setAttribute('t-mult', '1.5'));
  await page.waitForFunction(() => document.getElementById('ex-sgdr').shadowRoot.querySelector('.error').textContent.length > 0);
  assert.equal(await page.evaluate(() => document.getElementById('ex-sgdr').shadowRoot.querySelector('.error').textContent),
    'CosineAnnealingWarmRestarts: T_mult must be an integer in [1, 1000], got 1.5');
  n = Number(await page.evaluate(() => document.getElementById('ex-warmup').dataset.rendered));
  await page.evaluate(() => document.getElementById('ex-warmup').setState({ spec: { type: 'ExponentialLR', lr: 1, gamma: 0.5 }, steps: 4 }));
  await rendered('ex-warmup', n);
  assert.equal(await last('ex-warmup'), 'ExponentialLR: first 1, last 0.125');
  const state = await page.evaluate(() => document.getElementById('ex-warmup').getState());
  assert.deepEqual(state, { type: 'schedule', params: { type: 'ExponentialLR', lr: 1, gamma: 0.5 }, steps: 4 });
  n = Number(await page.evaluate(() => document.getElementById('ex-warmup').dataset.rendered));
  await page.evaluate(() => document.getElementById('ex-warmup').reset());
  await rendered('ex-warmup', n);
  assert.match(await last('ex-warmup'), /^SequentialLR: first 0\.01,/);
  // a component added later still uses the same worker
  await page.evaluate(() => {
    const c = document.createElement('steplab-loss');
    c.id = 'late';
    c.setAttribute('against', 'margin');
    document.body.append(c);
  });
  await rendered('late');
  assert.equal(await page.evaluate(() => customElements.get('steplab-loss').workerCount), 1);
  assert.deepEqual(errors, []);
});

test('<steplab-race> draws the core\'s paths, plays to the end and reports each optimizer', async () => {
  await rendered('ex-race');
  const done = page.evaluate(() => new Promise((resolve) => document.getElementById('ex-race')
    .addEventListener('steplab-done', (e) => resolve(e.detail), { once: true })));
  await page.evaluate(() => { const r = document.getElementById('ex-race'); r._state.speed = 1000; r.play(); });
  // (a first frame timed before the call once made the step negative: the read-out must never say NaN or undefined)
  const detail = await done;
  assert.equal(detail.step, 150);
  const want = lab.trace({ fn: 'quadratic', fn_params: { a: 1, b: 20 }, start: [-4.5, 2], optimizer: { type: 'SGD', lr: 0.02, momentum: 0.9 }, steps: 150 });
  assert.equal(detail.results[1].loss, want.loss[150]);
  assert.equal(await page.evaluate(() => customElements.get('steplab-race').workerCount), 1);
  const n = Number(await page.evaluate(() => document.getElementById('ex-race').dataset.rendered));
  await page.evaluate(() => document.getElementById('ex-race').setAttribute('fn', 'volcano'));
  await page.waitForFunction(() => document.getElementById('ex-race').shadowRoot.querySelector('.error').textContent.includes('fn must be one of'));
  await page.evaluate(() => document.getElementById('ex-race').setAttribute('fn', 'quadratic'));
  await rendered('ex-race', n);
  assert.deepEqual(errors, []);
});
