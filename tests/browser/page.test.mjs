// The lab page in headless Chromium: from file:// and over http, the
// Schedules room's controls, shared links, hostile links and the keyboard.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';
import { startServer } from '../../web/serve.mjs';

const shots = shotsDir;
let browser;
const sink = { errors: [], foreign: [] };
const { errors, foreign } = sink;
const openPage = (url) => openPageIn(browser, url, sink);

// Waits until the room has drawn the current settings and returns the read-out lines.
async function readout(page) {
  await page.waitForFunction(() => document.querySelectorAll('#sched-readout li').length > 0);
  await page.waitForTimeout(50);
  return page.$$eval('#sched-readout li', (li) => li.map((x) => x.textContent));
}

const fmt = (v) => (v === 0 ? '0' : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4 ? v.toExponential(4) : String(+v.toPrecision(6)));

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the page opens from file:// with the default schedule, no errors and no outside requests', async () => {
  const page = await openPage(distUrl('index.html'));
  const want = lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }, 90);
  const lines = await readout(page);
  assert.equal(lines[0], `1: StepLR: first ${fmt(want[0])}, last ${fmt(want[89])}, min ${fmt(Math.min(...want))}, max ${fmt(Math.max(...want))}`);
  assert.match(await page.textContent('#sched-code'), /torch\.optim\.lr_scheduler\.StepLR\(optimizer, lr=0\.1, step_size=30, gamma=0\.1\)|StepLR\(optimizer, step_size=30/);
  assert.ok(await page.$('math'), 'the rule is rendered as MathML');
  await page.screenshot({ path: `${shots}schedules.png`, fullPage: true });
  await page.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
});

test('changing a control changes the plotted data; a bad value shows the core\'s message next to the field', async () => {
  const page = await openPage(distUrl('index.html'));
  await readout(page);
  await page.fill('#sched-0-gamma', '0.5');
  await page.waitForFunction(() => document.querySelector('#sched-readout li')?.textContent.includes('last 0.025'));
  await page.fill('#sched-0-step_size', '0');
  await page.waitForFunction(() => document.querySelector('.field-error[data-field="step_size"]')?.textContent.length > 0);
  assert.equal(await page.textContent('.field-error[data-field="step_size"]'),
    'StepLR: step_size must be an integer in [1, 1000000000], got 0');
  // the last good curve stays on screen
  assert.match((await readout(page))[0], /last 0\.025/);
  await page.fill('#sched-0-step_size', '10');
  const last = fmt(lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 10, gamma: 0.5 }, 90)[89]);
  await page.waitForFunction((t) => document.querySelector('#sched-readout li')?.textContent.includes(`last ${t},`), last);
  // a preset with two curves, then the link restores exactly this view in a fresh page
  await page.selectOption('#sched-preset', { label: 'Same name, different curve: one-cycle' });
  const lines = await readout(page);
  assert.equal(lines.length, 2);
  const a = lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100 }, 100);
  const b = lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100, pct_start: 0.25, final_div_factor: 1e5 }, 100);
  assert.ok(lines[0].includes(`last ${fmt(a[99])}`) && lines[1].includes(`last ${fmt(b[99])}`), lines.join(' | '));
  const url = page.url();
  const again = await openPage(url);
  assert.deepEqual(await readout(again), lines);
  await again.close();
  await page.close();
  assert.deepEqual(errors, []);
});

test('ReduceLROnPlateau follows the validation-loss formula the student edits', async () => {
  const page = await openPage(distUrl('index.html'));
  await page.selectOption('#sched-preset', { label: 'Reduce on plateau' });
  const metric = 'max(0.35, 1 - 0.02 * epoch) + 0.01 * sin(3 * epoch)';
  const m = lab.schedule({ type: 'LambdaLR', lr: 1, lr_lambda: metric }, 99);
  const want = lab.schedule({ type: 'ReduceLROnPlateau', lr: 0.1, factor: 0.5, patience: 5 }, 100, { metrics: m });
  assert.match((await readout(page))[0], new RegExp(`last ${fmt(want[99]).replace('.', '\\.')}`));
  await page.fill('#sched-metric', '1 / (1 + epoch');
  await page.waitForFunction(() => document.querySelector('.metric-box .field-error')?.textContent.includes('column'));
  await page.close();
  assert.deepEqual(errors, []);
});

test('a hostile link changes nothing but shows a notice', async () => {
  const hostile = [
    '#/schedules?curves=' + encodeURIComponent('[{"type":"<img src=x onerror=alert(1)>"}]'),
    '#/schedules?curves=' + encodeURIComponent('[{"type":"StepLR","step_size":1e308,"gamma":"<script>alert(1)</script>"}]'),
    '#/schedules?epochs=1e308&spe=-4&log=maybe&evil=%3Cscript%3Ealert(1)%3C/script%3E',
    '#/<svg onload=alert(1)>?curves=' + encodeURIComponent('{"__proto__":{"x":1}}'),
    '#/schedules?curves=' + encodeURIComponent('['.repeat(5000)),
  ];
  for (const h of hostile) {
    const page = await openPage(distUrl('index.html') + h);
    assert.equal(await page.isVisible('#notice'), true, h);
    assert.match(await page.textContent('#notice'), /not valid and were reset/);
    assert.equal(await page.locator('#room img, #room script, #room svg[onload]').count(), 0);
    const lines = await readout(page);
    assert.ok(lines.length >= 1);
    await page.close();
  }
  assert.deepEqual(errors, []);
});

test('keyboard only: choose a preset, change the budget, add a scheduler', async () => {
  const page = await openPage(distUrl('index.html'));
  await readout(page);
  await page.focus('#sched-preset');
  await page.keyboard.press('ArrowDown'); // from the preset on screen (ResNet step decay) to warm-up + cosine
  await page.waitForFunction(() => document.querySelector('#sched-readout li')?.textContent.includes('SequentialLR'));
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('50');
  await page.waitForFunction(() => document.querySelector('#sched-readout p')?.textContent.startsWith('50 steps'));
  await page.focus('#sched-add');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#sched-readout li').length === 2);
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert.equal(focused, 'sched-type-1');
  await page.close();
  assert.deepEqual(errors, []);
});

test('over http the page works the same, and dist/steplab.mjs imports in the browser', async () => {
  const server = await startServer(0);
  try {
    const base = `http://127.0.0.1:${server.address().port}/`;
    const page = await openPage(base + 'index.html');
    assert.equal((await readout(page)).length, 1);
    const got = await page.evaluate(async (url) => {
      const m = await import(url);
      const l = await m.loadSteplab();
      return { simd: l.simd, v: Array.from(l.schedule({ type: 'CosineAnnealingWarmRestarts', T_0: 5, T_mult: 2 }, 40)) };
    }, base + 'steplab.mjs');
    assert.equal(got.simd, true);
    assert.deepEqual(got.v, Array.from(lab.schedule({ type: 'CosineAnnealingWarmRestarts', T_0: 5, T_mult: 2 }, 40)));
    await page.setViewportSize({ width: 360, height: 740 });
    await page.screenshot({ path: `${shots}schedules-phone.png`, fullPage: false });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than a 360px phone`);
    await page.close();
  } finally {
    server.close();
  }
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
});

test('every room runs under the page\'s strict Content-Security-Policy with no violation', async () => {
  const first = await openPage(distUrl('index.html'));
  const rooms = await first.$$eval('#rooms a', (a) => a.map((x) => x.dataset.route));
  await first.close();
  assert.ok(rooms.includes('train') && rooms.includes('lrfinder'), rooms.join());
  for (const room of rooms) {
    const page = await openPage(distUrl(`index.html#/${room}`));
    await page.waitForTimeout(300);
    if (room === 'train') {
      // training draws the charts and the decision regions live
      await page.click('#train-play');
      await page.waitForTimeout(800);
    }
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], room);
    await page.close();
  }
  assert.deepEqual(errors, []);
});
