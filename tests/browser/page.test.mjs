// The schedule page in headless Chromium, opened straight from disk (file://).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl } from './browser.mjs';
import { lab } from '../helpers.mjs';
import { startServer } from '../../web/serve.mjs';

let browser;
let page;
const errors = [];

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
});
after(async () => { await browser?.close(); });

test('the page loads from file:// and plots the default schedule', async () => {
  await page.goto(distUrl('index.html'));
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  const readout = await page.textContent('#readout');
  const want = lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }, 90);
  assert.ok(readout.includes(`lr[89] = ${want[89]}`), readout);
  // the curve is drawn: the canvas has pixels in the line colour
  const inked = await page.evaluate(() => {
    const c = document.getElementById('plot');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > 150 && d[i] < 120) n++;
    return n;
  });
  assert.ok(inked > 200, `only ${inked} line pixels`);
  assert.deepEqual(errors, []);
});

test('editing the spec replots, a bad spec shows the core\'s message, and the hash keeps the state', async () => {
  await page.fill('#spec', JSON.stringify({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10 }));
  await page.fill('#n', '10');
  const want = lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10 }, 10);
  await page.waitForFunction((v) => document.getElementById('readout').textContent.includes(`lr[9] = ${v}`), want[9]);
  const hash = await page.evaluate(() => location.hash);
  await page.fill('#spec', JSON.stringify({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10, pct_start: 1.5 }));
  assert.equal(await page.textContent('#error'), 'OneCycleLR: pct_start must be a number in (0, 1), got 1.5');
  await page.fill('#spec', '{ "type": ');
  assert.match(await page.textContent('#error'), /not valid JSON/);
  // reopening the saved link shows the same schedule
  const again = await browser.context.newPage();
  await again.goto(distUrl('index.html') + hash);
  await again.waitForSelector('body[data-ready="true"]');
  assert.ok((await again.textContent('#readout')).includes(`lr[9] = ${want[9]}`));
  await again.screenshot({ path: new URL('../../dist/build/page.png', import.meta.url).pathname });
  await again.close();
  // a hostile hash falls back to the default, nothing is injected
  const evil = await browser.context.newPage();
  await evil.goto(distUrl('index.html') + '#' + encodeURIComponent('<img src=x onerror=alert(1)>'));
  await evil.waitForSelector('body[data-ready="true"]');
  assert.equal(await evil.locator('img').count(), 0);
  assert.match(await evil.inputValue('#spec'), /StepLR/);
  await evil.close();
  assert.deepEqual(errors, []);
});

test('dist/steplab.mjs runs in the browser (served over http) and gives Node\'s numbers', async () => {
  const server = await startServer(0);
  try {
    const base = `http://127.0.0.1:${server.address().port}/`;
    const p = await browser.context.newPage();
    await p.goto(base + 'index.html');
    await p.waitForSelector('body[data-ready="true"]');
    const got = await p.evaluate(async (url) => {
      const m = await import(url);
      const l = await m.loadSteplab();
      return { simd: l.simd, v: Array.from(l.schedule({ type: 'CosineAnnealingWarmRestarts', T_0: 5, T_mult: 2 }, 40)) };
    }, base + 'steplab.mjs');
    assert.equal(got.simd, true);
    assert.deepEqual(got.v, Array.from(lab.schedule({ type: 'CosineAnnealingWarmRestarts', T_0: 5, T_mult: 2 }, 40)));
    await p.close();
  } finally {
    server.close();
  }
  assert.deepEqual(errors, []);
});
