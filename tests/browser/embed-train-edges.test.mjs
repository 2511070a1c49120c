// <steplab-train>'s edges (issue 16): a data set named alone opens with the registry's starter (the
// Training room's default: moons has 400 points with noise 0.2, not the generator's bare 100 noiseless
// ones), and a run the core stops shows the reason, says data-status="error" and fires 'steplab-error'.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchedPage, distUrl } from './browser.mjs';
import { lab } from '../helpers.mjs';

let browser;
let page;
const errors = [];
const rendered = (id) => page.waitForFunction((i) => Number(document.getElementById(i)?.dataset.rendered) > 0, id);
const addFigure = (id, attrs) => page.evaluate(([i, as]) => {
  const t = document.createElement('steplab-train');
  t.id = i;
  for (const [k, v] of Object.entries(as)) t.setAttribute(k, v);
  document.body.append(t);
}, [id, attrs]);
const state = (id) => page.evaluate((i) => document.getElementById(i).getState(), id);

before(async () => {
  browser = await launch();
  page = await watchedPage(browser, errors);
  await page.goto(distUrl('embed.html'));
  await rendered('ex-train');
});
after(async () => { await browser?.close(); });

test('dataset="moons" written out is the registry starter, as every data set named alone', async () => {
  await addFigure('named', { dataset: 'moons', epochs: '1' });
  await rendered('named');
  const starters = Object.fromEntries(lab.registry.datasets.map((d) => [d.name, d.starter]));
  assert.deepEqual((await state('named')).config.dataset, starters.moons);
  assert.equal(starters.moons.n_samples, 400);
  assert.equal(starters.moons.noise, 0.2);
  // another data set by name, with the page's seed
  await addFigure('named2', { dataset: 'imbalanced', seed: '3', epochs: '1' });
  await rendered('named2');
  assert.deepEqual((await state('named2')).config.dataset, { ...starters.imbalanced, seed: 3 });
  assert.deepEqual(errors, []);
});

test('a run the core stops: the reason shown, data-status="error" and a steplab-error event', async () => {
  await addFigure('bad', { dataset: 'moons', epochs: '20', speed: '0', scheduler: JSON.stringify({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 25 }) });
  await rendered('bad');
  const detail = await page.evaluate(() => new Promise((resolve) => {
    const t = document.getElementById('bad');
    t.addEventListener('steplab-error', (e) => resolve(e.detail), { once: true });
    t.play();
  }));
  assert.match(detail.message, /^OneCycleLR: total_steps is 25; cannot take step \d+/);
  assert.ok(detail.steps > 0 && detail.steps <= 25, `${detail.steps} steps`);
  assert.ok(detail.metrics && Number.isFinite(detail.metrics.accuracy), JSON.stringify(detail.metrics));
  assert.equal(await page.evaluate(() => document.getElementById('bad').dataset.status), 'error');
  const shown = await page.evaluate(() => document.getElementById('bad').shadowRoot.querySelector('[part=error]').textContent);
  assert.equal(shown, detail.message);
  const bar = await page.evaluate(() => document.getElementById('bad').shadowRoot.querySelector('[part=status]').textContent);
  assert.equal(bar, `stopped by the core at step ${detail.steps}`);
  assert.deepEqual(errors, []);
});

test('<steplab-lrfinder> clips its loss axis as the room does: from the least smoothed loss to the start plus a margin', async () => {
  await page.evaluate(() => {
    const f = document.createElement('steplab-lrfinder');
    f.id = 'lrf-clip';
    for (const [k, v] of Object.entries({ dataset: 'moons', optimizer: 'SGD', 'start-lr': '1e-5', 'end-lr': '100', 'num-iter': '100' })) f.setAttribute(k, v);
    document.body.append(f);
  });
  await rendered('lrf-clip');
  const got = await page.evaluate(() => {
    const f = document.getElementById('lrf-clip');
    return { min: f._plot.scales.y.min, max: f._plot.scales.y.max, smoothed: Array.from(f.result.smoothed), raw: Array.from(f.result.losses) };
  });
  const body = got.smoothed.slice(10);
  const least = Math.min(...body);
  const at = body.indexOf(least);
  const before = Math.max(...body.slice(0, at + 1));
  assert.ok(got.min < least && got.max > before, `axis ${got.min}..${got.max}, smoothed ${least}..${before}`);
  assert.ok(got.max < Math.max(...got.smoothed), `the diverging tail (${Math.max(...got.smoothed)}) runs off the top at ${got.max}`);
  // the margin above the start is a fraction of the curve's fall, not the tail's rise
  assert.ok(got.max <= before + 0.5 * (before - least), `top ${got.max}: the start ${before} and the fall to ${least} set it`);
  assert.deepEqual(errors, []);
});
