// The web components on the author's guide page (dist/embed.html, from file://):
// they render, share one worker, follow attributes, setState and controls, and fire events.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchedPage, distUrl, shotsDir } from './browser.mjs';
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
  page = await watchedPage(browser, errors);
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

test('<steplab-lrfinder> runs lab.lrFind in the shared worker, draws it and follows controls and setState', async () => {
  await rendered('ex-lrfinder');
  const info = () => page.evaluate(() => {
    const e = document.getElementById('ex-lrfinder');
    const r = e.result;
    return { state: e.getState(), suggestions: r.suggestions, spread: r.spread, n: r.lrs.length, runs: r.runs?.length,
      text: e.shadowRoot.querySelector('ul.suggestions').textContent };
  });
  let got = await info();
  assert.deepEqual(got.state.options, { start_lr: 1e-5, end_lr: 10, num_iter: 100, seeds: [0, 1, 2] });
  assert.equal(got.state.config.dataset.name, 'moons');
  const want = lab.lrFind(got.state.config, got.state.options);
  assert.deepEqual(got.suggestions, want.suggestions);
  assert.deepEqual(got.spread, want.spread);
  assert.equal(got.runs, 3);
  assert.ok(got.text.includes(`valley (fast.ai's default): ${fmt(want.suggestions.valley)}, seeds ${fmt(want.spread.valley.min)} to ${fmt(want.spread.valley.max)}`), got.text);
  // the smoothed curve (the accent colour) is on the canvas
  const blue = await page.evaluate(() => {
    const c = document.getElementById('ex-lrfinder').shadowRoot.querySelector('canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 40 && d[i + 1] > 90 && d[i + 1] < 140 && d[i + 2] > 150) n++;
    return n;
  });
  assert.ok(blue > 300, `${blue} pixels of the smoothed curve`);
  const inputs = await page.evaluate(() => [...document.getElementById('ex-lrfinder').shadowRoot.querySelectorAll('[data-param]')].map((x) => x.dataset.param));
  assert.deepEqual(inputs, ['optimizer', 'end_lr', 'smooth_f', 'seeds']);
  // the reader picks Adam: a change event at once, a done event with the new test's suggestions
  let n = Number(await page.evaluate(() => document.getElementById('ex-lrfinder').dataset.rendered));
  const events = page.evaluate(() => new Promise((resolve) => {
    const e = document.getElementById('ex-lrfinder');
    const seen = [];
    e.addEventListener('steplab-change', (ev) => seen.push(['change', ev.detail.name, ev.detail.value]), { once: true });
    e.addEventListener('steplab-done', (ev) => resolve([...seen, ['done', ev.detail.suggestions, ev.detail.state]]), { once: true });
  }));
  await page.evaluate(() => {
    const s = document.getElementById('ex-lrfinder').shadowRoot.querySelector('[data-param="optimizer"]');
    s.value = 'Adam';
    s.dispatchEvent(new Event('change'));
  });
  const [change, done] = await events;
  assert.deepEqual(change, ['change', 'optimizer', 'Adam']);
  assert.equal(done[2].config.optimizer.type, 'Adam');
  assert.deepEqual(done[1], lab.lrFind(done[2].config, done[2].options).suggestions);
  await rendered('ex-lrfinder', n);
  // setState, a bad option (the core's message), then a good one again
  n = Number(await page.evaluate(() => document.getElementById('ex-lrfinder').dataset.rendered));
  await page.evaluate(() => {
    const e = document.getElementById('ex-lrfinder');
    e.setState({ config: e.getState().config, options: { start_lr: 1e-4, end_lr: 1, num_iter: 30, step_mode: 'linear' } });
  });
  await rendered('ex-lrfinder', n);
  got = await info();
  assert.equal(got.n, 30);
  assert.equal(got.runs, undefined);
  // reset: back to the attributes, which then drive it again
  n = Number(await page.evaluate(() => document.getElementById('ex-lrfinder').dataset.rendered));
  await page.evaluate(() => document.getElementById('ex-lrfinder').reset());
  await rendered('ex-lrfinder', n);
  assert.equal((await info()).runs, 3);
  await page.evaluate(() => document.getElementById('ex-lrfinder').setAttribute('smooth-f', '1'));
  await page.waitForFunction(() => document.getElementById('ex-lrfinder').shadowRoot.querySelector('.error').textContent.length > 0);
  assert.equal(await page.evaluate(() => document.getElementById('ex-lrfinder').shadowRoot.querySelector('.error').textContent),
    'lrFind: smooth_f must be a number in [0, 1), got 1');
  n = Number(await page.evaluate(() => document.getElementById('ex-lrfinder').dataset.rendered));
  await page.evaluate(() => document.getElementById('ex-lrfinder').removeAttribute('smooth-f'));
  await rendered('ex-lrfinder', n);
  assert.equal(await page.evaluate(() => document.getElementById('ex-lrfinder').shadowRoot.querySelector('.error').textContent), '');
  assert.equal(await page.evaluate(() => customElements.get('steplab-lrfinder').workerCount), 1);
  assert.deepEqual(errors, []);
});

test('<steplab-loss derivatives> draws the derivatives on a chart of their own, as the Losses room does (finding 6)', async () => {
  const id = 'ex-huber';
  await rendered(id);
  const chartOf = (part) => page.evaluate(([i, p]) => {
    const box = document.getElementById(i).shadowRoot.querySelector(`[part=${p}]`);
    const c = box.lineChart;
    const vals = c.series.flatMap((s) => Array.from(s.values).filter(Number.isFinite));
    return { labels: c.series.map((s) => s.label), yLabel: c.yLabel, log: c.log, min: Math.min(...vals), max: Math.max(...vals), shown: box.offsetParent !== null };
  }, [id, part]);
  let losses = await chartOf('chart');
  let derivs = await chartOf('derivatives');
  assert.ok(losses.labels.length > 0 && losses.labels.every((l) => !l.includes('derivative')), losses.labels.join());
  assert.equal(derivs.shown, true);
  assert.equal(derivs.yLabel, 'derivative');
  assert.deepEqual(derivs.labels, losses.labels);
  // against the probability: the losses stay readable (−log 0.001 = 6.9), −dL/dp on a log axis below reaches 1/0.001
  const n = Number(await page.evaluate((i) => document.getElementById(i).dataset.rendered, id));
  await page.evaluate((i) => document.getElementById(i).setAttribute('against', 'probability'), id);
  await rendered(id, n);
  losses = await chartOf('chart');
  derivs = await chartOf('derivatives');
  assert.ok(losses.max < 7 && losses.min >= 0, `loss chart ${losses.min} .. ${losses.max}`);
  assert.equal(derivs.yLabel, '−dL/dp');
  assert.equal(derivs.log, true);
  assert.ok(derivs.min > 0 && derivs.max > 900, `−dL/dp ${derivs.min} .. ${derivs.max}`);
  assert.match(await page.evaluate((i) => document.getElementById(i).shadowRoot.querySelector('[part=derivatives-title]').textContent, id), /−dL\/dp/);
  for (const w of [1280, 375]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.evaluate((i) => document.getElementById(i).scrollIntoView(), id);
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${shotsDir}embed-loss-derivatives-${w}.png` });
  }
  // without the attribute the derivative chart is gone
  const m = Number(await page.evaluate((i) => document.getElementById(i).dataset.rendered, id));
  await page.evaluate((i) => { const e = document.getElementById(i); e.setAttribute('against', 'error'); e.removeAttribute('derivatives'); }, id);
  await page.waitForFunction(([i, a]) => Number(document.getElementById(i).dataset.rendered) > a
    && document.getElementById(i).shadowRoot.querySelector('[part=derivatives]').offsetParent === null, [id, m]);
  assert.ok((await chartOf('chart')).labels.every((l) => !l.includes('(chosen)')));
  assert.deepEqual(errors, []);
});
