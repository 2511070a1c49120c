// The Losses room in headless Chromium: curves from the core, the course's
// worked examples, editing, links and the keyboard.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const fmt = (v) => (v === 0 ? '0' : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4 ? v.toExponential(4) : String(+v.toPrecision(6)));
const settled = (page) => page.waitForFunction(() => Number(document.body.dataset.lossesGeneration) > 0);
const items = (page) => page.$$eval('#loss-readout li', (li) => li.map((x) => x.textContent));
// The read-out's x and the value of one series there.
async function readAt(page, label) {
  const x = Number((await page.textContent('#loss-readout p')).match(/= (-?[\d.e+-]+):/)[1]);
  const line = (await items(page)).find((t) => t.startsWith(`${label}: `));
  assert.ok(line, `no read-out for ${label}`);
  return { x, v: Number(line.slice(label.length + 2)) };
}
const close = (a, b, rel = 1e-4) => Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12);

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the worked examples show the course\'s numbers, computed by the core', async () => {
  const page = await openPage(distUrl('index.html#/losses'));
  await settled(page);
  assert.equal(await page.textContent('#reg-mse'), '83.6');
  assert.equal(await page.textContent('#reg-mae'), '5.6');
  assert.equal(await page.textContent('#reg-huber'), '19.3');
  const bce = await page.$$eval('#table-bce td.value', (td) => td.map((x) => Number(x.textContent).toFixed(3)));
  assert.deepEqual(bce, ['0.051', '0.357', '0.105', '0.693', '1.609']);
  const ce = await page.$$eval('#table-ce td.value', (td) => td.map((x) => Number(x.textContent).toFixed(3)));
  assert.deepEqual(ce, ['0.223', '0.357', '0.511', '0.916', '1.609']);
  await page.screenshot({ path: `${shotsDir}losses.png`, fullPage: true });
  // editing a cell recomputes, and the cell keeps the focus while typing
  await page.fill('input[aria-label="predicted 5"]', '121');
  await page.waitForFunction(() => document.getElementById('reg-mse').textContent !== '83.6');
  const want = lab.loss({ type: 'MSELoss' }, [98, 153, 199, 182, 121], [100, 150, 200, 180, 120]).value;
  assert.equal(await page.textContent('#reg-mse'), fmt(want));
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'predicted 5');
  await page.close();
  assert.deepEqual(sink.errors, []);
  assert.deepEqual(sink.foreign, []);
});

test('the curves come from the core and follow the sliders', async () => {
  const page = await openPage(distUrl('index.html#/losses?panel=error&at=3'));
  await settled(page);
  const huber = (d, e) => lab.loss({ type: 'HuberLoss', delta: d, reduction: 'none' }, [e], [0]).value[0];
  let r = await readAt(page, 'Huber δ=1');
  assert.equal(r.x, 3);
  assert.ok(close(r.v, huber(1, 3)), `${r.v} vs ${huber(1, 3)}`);
  await page.fill('#loss-delta', '2');
  await page.waitForFunction(() => [...document.querySelectorAll('#loss-readout li')].some((li) => li.textContent.startsWith('Huber δ=2:')));
  r = await readAt(page, 'Huber δ=2');
  assert.ok(close(r.v, huber(2, 3)), `${r.v} vs ${huber(2, 3)}`);
  // the focal panel: the factor (1 - p)^gamma is 0.01 at p = 0.9 and 0.64 at p = 0.2
  await page.selectOption('#loss-panel', 'probability');
  for (const [p, factor] of [[0.9, 0.01], [0.2, 0.64]]) {
    await page.fill('#loss-at', String(p));
    await page.waitForFunction((t) => document.querySelector('#loss-readout p')?.textContent.includes(`= ${t}:`), String(p));
    const ce = await readAt(page, 'cross-entropy −log p');
    const focal = await readAt(page, 'focal γ=2 α=0.25');
    assert.equal(ce.x, p);
    assert.ok(close(focal.v / (0.25 * ce.v), factor, 1e-3), `focal / (alpha ce) at p=${p}: ${focal.v / (0.25 * ce.v)}`);
  }
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('a link restores the room, a hostile one is refused with a notice, the keyboard reaches every control', async () => {
  const page = await openPage(distUrl('index.html#/losses?panel=distance&margin=2&at=0.5'));
  await settled(page);
  assert.equal(await page.inputValue('#loss-panel'), 'distance');
  const want = lab.loss({ type: 'ContrastiveLoss', margin: 2, reduction: 'none' }, [[[0.5]], [[0]]], [1]).value[0];
  const r = await readAt(page, 'contrastive, dissimilar pair (Y=1), m=2');
  assert.equal(r.x, 0.5);
  assert.ok(close(r.v, want), `${r.v} vs ${want}`);
  await page.close();
  const evil = await openPage(distUrl('index.html#/losses?panel=%3Cscript%3E&delta=1e400&reg=' + encodeURIComponent('[["<img src=x onerror=alert(1)>",1]]')));
  await settled(evil);
  assert.match(await evil.textContent('#notice'), /not valid and were reset/);
  assert.equal(await evil.textContent('#reg-mse'), '83.6');
  assert.equal(await evil.locator('#room img').count(), 0);
  // keyboard: choose the margin panel and move the read-out point
  await evil.focus('#loss-panel');
  await evil.keyboard.press('ArrowDown');
  await evil.waitForFunction(() => document.getElementById('loss-panel').value === 'margin');
  await evil.focus('#loss-at');
  await evil.keyboard.press('Control+a');
  await evil.keyboard.type('-1');
  await evil.waitForFunction(() => document.querySelector('#loss-readout p')?.textContent.includes('= -1'));
  const h = await readAt(evil, 'hinge');
  assert.equal(h.x, -1);
  assert.ok(close(h.v, 2));
  await evil.close();
  assert.deepEqual(sink.errors, []);
});
