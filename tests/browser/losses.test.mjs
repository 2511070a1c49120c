// The Losses room in headless Chromium: curves from the core, the course's worked examples, editing,
// links and the keyboard; and issue 16: each panel's notes measured (finding 5), derivatives on a chart
// of their own, Huber δ=1 not hidden under SmoothL1 β=1 (finding 6), focal loss for several γ with its
// worked example of easy negatives and hard positives, every control in the link.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';
import { LOSS_NOTES } from '../../web/app/rooms/losses-text.js';
import { lossNotes, focalExample } from '../../web/worker/losses.js';
import { fillNotice } from '../../web/app/rooms/notice.js';

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
    const ce = await readAt(page, 'γ = 0 (cross-entropy)');
    const focal = await readAt(page, 'γ = 2');
    assert.equal(ce.x, p);
    assert.ok(close(focal.v / ce.v, factor, 1e-3), `focal / ce at p=${p}: ${focal.v / ce.v}`);
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

const gen = (page) => page.evaluate(() => Number(document.body.dataset.lossesGeneration || 0));
const newer = (page, g) => page.waitForFunction((a) => Number(document.body.dataset.lossesGeneration) > a, g);
const chartOf = (page, id) => page.evaluate((i) => {
  const c = document.getElementById(i).lineChart;
  return { labels: c.series.map((s) => s.label), dash: c.series.map((s) => s.dash ?? null), width: c.series.map((s) => s.width ?? 2),
    yLabel: c.yLabel, log: c.log, min: Math.min(...c.series.flatMap((s) => Array.from(s.values).filter(Number.isFinite))),
    max: Math.max(...c.series.flatMap((s) => Array.from(s.values).filter(Number.isFinite))) };
}, id);

test('finding 5: every panel says what to notice, with the numbers the core computes, and its claims hold', async () => {
  const page = await openPage(distUrl('index.html#/losses'));
  await settled(page);
  const focal = { n_neg: 1000, p_neg: 0.9, n_pos: 10, p_pos: 0.2 };
  for (const panel of Object.keys(LOSS_NOTES)) {
    const g = await gen(page);
    await page.selectOption('#loss-panel', panel);
    await newer(page, g);
    const want = fillNotice(LOSS_NOTES[panel].notice, lossNotes(lab, { panel, ...LOSS_NOTES[panel].defaults, focal }));
    assert.equal(await page.textContent('#loss-notice-text'), want, panel);
    assert.equal(await page.getAttribute('#loss-notice', 'data-measured'), 'true', panel);
    assert.equal(await page.locator('#loss-claims li[data-ok="true"]').count(), LOSS_NOTES[panel].claims.length, panel);
  }
  // a changed setting: the notes say they describe the defaults, and lead back
  const g = await gen(page);
  await page.fill('#loss-margin', '2');
  await newer(page, g);
  assert.match(await page.textContent('#loss-notice-text'), /describe its defaults \(margin = 1, d_ap = 1\); you changed margin/);
  await page.click('#loss-notice-back');
  await page.waitForFunction(() => document.getElementById('loss-notice').dataset.measured === 'true');
  assert.equal(await page.inputValue('#loss-margin'), '1');
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('finding 6: derivatives on a chart of their own; against p, −dL/dp on a log axis; Huber δ=1 visible under SmoothL1 β=1, and why', async () => {
  const page = await openPage(distUrl('index.html#/losses?panel=probability'));
  await settled(page);
  const values = await chartOf(page, 'loss-chart');
  // the loss chart holds losses only: cross-entropy reaches −log 0.001 = 6.9, no derivative flattens it
  assert.ok(values.max < 7 && values.min >= 0, `loss chart ${values.min} .. ${values.max}`);
  assert.ok(values.labels.every((l) => !l.includes('derivative')), values.labels.join());
  const d = await chartOf(page, 'loss-deriv-chart');
  assert.equal(d.yLabel, '−dL/dp');
  assert.equal(d.log, true);
  assert.ok(d.min > 0 && d.max > 900, `−dL/dp ${d.min} .. ${d.max}`);
  assert.equal(await page.isVisible('#loss-deriv-chart'), true);
  await page.uncheck('#loss-deriv');
  await page.waitForFunction(() => document.getElementById('loss-deriv-chart').offsetParent === null);
  await page.check('#loss-deriv');
  // against the error: Huber is drawn wide and solid, SmoothL1 dotted over it, and the room says they coincide
  const g = await gen(page);
  await page.selectOption('#loss-panel', 'error');
  await newer(page, g);
  const e = await chartOf(page, 'loss-chart');
  const h = e.labels.indexOf('Huber δ=1'), sm = e.labels.indexOf('SmoothL1 β=1');
  assert.ok(h >= 0 && sm > h, e.labels.join());
  assert.equal(e.dash[h], null);
  assert.deepEqual(e.dash[sm], [2, 3]);
  assert.ok(e.width[h] > e.width[sm] + 1, `widths ${e.width[h]} ${e.width[sm]}`);
  assert.match(await page.textContent('#loss-caption'), /SmoothL1 β = 1 \(dotted\) lies exactly on Huber δ = 1: SmoothL1 is Huber divided by β/);
  await page.screenshot({ path: `${shotsDir}losses-error.png`, fullPage: true });
  await page.fill('#loss-beta', '2');
  await page.waitForFunction(() => document.getElementById('loss-caption').textContent === '');
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('focal loss taught properly: γ = 0, 0.5, 1, 2, 5 overlaid, and the worked example\'s shares before and after (1 − p)^γ, computed by the core', async () => {
  const page = await openPage(distUrl('index.html#/losses?panel=probability'));
  await settled(page);
  const c = await chartOf(page, 'loss-chart');
  assert.deepEqual(c.labels, ['γ = 0 (cross-entropy)', 'γ = 0.5', 'γ = 1', 'γ = 2 (chosen)', 'γ = 5']);
  const cell = (row, group) => page.textContent(`#table-focal tr[data-row="${row}"] td[data-group="${group}"]`);
  const ex = focalExample(lab, { n_neg: 1000, p_neg: 0.9, n_pos: 10, p_pos: 0.2, gamma: 2, alpha: 0.25 });
  assert.equal(await cell('factor', 'neg'), '0.01');
  assert.equal(await cell('factor', 'pos'), '0.64');
  assert.equal(await cell('ce_share', 'neg'), `${+(100 * ex.neg.ce_share).toPrecision(3)} %`);
  assert.equal(await cell('fl_share', 'neg'), `${+(100 * ex.neg.fl_share).toPrecision(3)} %`);
  assert.equal(await cell('ce_share', 'neg'), '86.7 %');
  await page.screenshot({ path: `${shotsDir}losses-focal.png`, fullPage: true });
  // more negatives, alpha off, another gamma: the table follows, and the chosen gamma joins the curves
  let g = await gen(page);
  await page.fill('input[aria-label="easy negatives: examples"]', '10000');
  await newer(page, g);
  g = await gen(page);
  await page.fill('#loss-alpha', '-1');
  await newer(page, g);
  g = await gen(page);
  await page.fill('#loss-gamma', '3');
  await newer(page, g);
  const ex2 = focalExample(lab, { n_neg: 10000, p_neg: 0.9, n_pos: 10, p_pos: 0.2, gamma: 3, alpha: -1 });
  assert.equal(await cell('fl_share', 'neg'), `${+(100 * ex2.neg.fl_share).toPrecision(3)} %`);
  assert.equal(await cell('factor', 'neg'), String(+ex2.neg.factor.toPrecision(3)));
  assert.deepEqual((await chartOf(page, 'loss-chart')).labels, ['γ = 0 (cross-entropy)', 'γ = 0.5', 'γ = 1', 'γ = 2', 'γ = 3 (chosen)', 'γ = 5']);
  // every control travels in the link
  const again = await openPage(page.url());
  await settled(again);
  assert.equal(await again.inputValue('input[aria-label="easy negatives: examples"]'), '10000');
  assert.equal(await again.inputValue('#loss-gamma'), '3');
  assert.equal(await again.textContent('#focal-result'), await page.textContent('#focal-result'));
  await again.close();
  await page.close();
  assert.deepEqual(sink.errors, []);
});
