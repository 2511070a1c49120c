// A component inside a reveal.js deck (reveal.js from npm, copied next to the test page, no CDN):
// it renders on the deck's second slide once that slide is shown, draws into its canvas and
// follows setState there.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, watchedPage, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';

const revealDir = new URL('../../node_modules/reveal.js/dist/', import.meta.url).pathname;
const deck = path.join(shotsDir, 'reveal-deck.html');
const fmt = (v) => (v === 0 ? '0' : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4 ? v.toExponential(4) : String(+v.toPrecision(6)));
let browser;
let page;
const errors = [];

before(async () => {
  const dir = path.join(shotsDir, 'reveal');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['reveal.js', 'reset.css', 'reveal.css', 'theme/white.css']) fs.copyFileSync(path.join(revealDir, f), path.join(dir, path.basename(f)));
  fs.writeFileSync(deck, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deck</title>
<link rel="stylesheet" href="reveal/reset.css"><link rel="stylesheet" href="reveal/reveal.css"><link rel="stylesheet" href="reveal/white.css">
<script src="../steplab-embed.js"></script></head>
<body><div class="reveal"><div class="slides">
<section><h2>One cycle</h2><p>The policy, then the figure.</p></section>
<section><h3>OneCycleLR</h3><steplab-schedule id="fig" type="OneCycleLR" max-lr="0.1" total-steps="100" steps="100" height="300"></steplab-schedule></section>
<section><h2>Questions</h2></section>
</div></div>
<script src="reveal/reveal.js"></script>
<script>Reveal.initialize({ hash: false, transition: 'none', controls: false, progress: false }).then(() => { document.body.dataset.deck = 'ready'; });</script>
</body></html>`);
  browser = await launch();
  page = await watchedPage(browser, errors);
  page.on('request', (r) => { if (!/^(file|blob|data):/.test(r.url())) errors.push(`network: ${r.url()}`); });
  await page.goto(`file://${deck}`);
  await page.waitForSelector('body[data-deck="ready"]');
});
after(async () => { await browser?.close(); });

// pixels of the accent colour (#0072B2) in the component's chart canvas, and the canvas size
const accent = () => page.evaluate(() => {
  const c = document.getElementById('fig').shadowRoot.querySelector('canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]) < 30 && Math.abs(d[i + 1] - 114) < 30 && Math.abs(d[i + 2] - 178) < 30) n++;
  return { n, width: c.width, height: c.height };
});

test('a schedule on the second slide renders when shown and follows setState', async () => {
  assert.equal(await page.evaluate(() => Reveal.getIndices().h), 0);
  await page.evaluate(() => new Promise((resolve) => { Reveal.on('slidechanged', resolve); Reveal.slide(1); }));
  assert.equal(await page.evaluate(() => Reveal.getCurrentSlide().querySelector('steplab-schedule')?.id), 'fig');
  await page.waitForFunction(() => Number(document.getElementById('fig').dataset.rendered) > 0);
  // laid out at the slide's width (reveal.js scales the 960-pixel slide to the window)
  await page.waitForFunction(() => document.getElementById('fig').shadowRoot.querySelector('canvas')?.width > 400);
  const want = lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100 }, 100);
  const readout = () => page.evaluate(() => document.getElementById('fig').shadowRoot.querySelector('.sr').textContent);
  assert.equal(await readout(), `OneCycleLR: first ${fmt(want[0])}, last ${fmt(want[99])}`);
  const drawn = await accent();
  assert.ok(drawn.n > 200, `${drawn.n} pixels of the curve on a ${drawn.width} x ${drawn.height} canvas`);
  await page.screenshot({ path: `${shotsDir}reveal-slide2.png` });
  const n = Number(await page.evaluate(() => document.getElementById('fig').dataset.rendered));
  await page.evaluate(() => document.getElementById('fig').setState({ spec: { type: 'StepLR', lr: 0.5, step_size: 20, gamma: 0.5 }, steps: 100 }));
  await page.waitForFunction((k) => Number(document.getElementById('fig').dataset.rendered) > k, n);
  const step = lab.schedule({ type: 'StepLR', lr: 0.5, step_size: 20, gamma: 0.5 }, 100);
  assert.equal(await readout(), `StepLR: first ${fmt(step[0])}, last ${fmt(step[99])}`);
  const after = await accent();
  assert.ok(after.n > 200 && after.n !== drawn.n, `${after.n} pixels after setState, ${drawn.n} before`);
  assert.deepEqual(errors, []);
});
