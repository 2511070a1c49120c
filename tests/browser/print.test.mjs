// Printing the author's guide: every component's canvas is replaced by an image of exactly its
// pixels while the page prints, controls are hidden in print media, and after printing the live
// canvases come back and still work. Also a real PDF through headless Chromium's printing.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchedPage, distUrl, shotsDir } from './browser.mjs';

let browser;
let page;
const errors = [];
const IDS = ['ex-onecycle', 'ex-sgdr', 'ex-warmup', 'ex-huber', 'ex-focal', 'ex-race', 'ex-lrfinder', 'ex-train', 'ex-dark'];

before(async () => {
  browser = await launch();
  page = await watchedPage(browser, errors);
  await page.goto(distUrl('embed.html'));
  for (const id of IDS) await page.waitForFunction((i) => Number(document.getElementById(i)?.dataset.rendered) > 0, id, { timeout: 30000 });
  // the training figure trained to its end (so that it stands still): it prints its data, regions and charts
  await page.evaluate(() => { const t = document.getElementById('ex-train'); t.setAttribute('speed', '0'); t.play(); });
  await page.waitForFunction(() => document.getElementById('ex-train').dataset.status === 'done');
});
after(async () => { await browser?.close(); });

// Per component: visible canvases, print images, and whether each image holds its canvas's pixels.
const inspect = () => page.evaluate(async (ids) => {
  const out = {};
  for (const id of ids) {
    const root = document.getElementById(id).shadowRoot;
    const canvases = [...root.querySelectorAll('canvas')].filter((c) => c.style.display !== 'none');
    const imgs = [...root.querySelectorAll('img.steplab-print')];
    const same = [];
    for (const img of imgs) {
      await img.decode();
      const c = img.nextElementSibling;
      const copy = document.createElement('canvas');
      copy.width = img.naturalWidth;
      copy.height = img.naturalHeight;
      copy.getContext('2d').drawImage(img, 0, 0);
      const a = copy.getContext('2d').getImageData(0, 0, copy.width, copy.height).data;
      const b = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 0; i < a.length; i += 4) if (a[i + 3] && (a[i] < 200 || a[i + 1] < 200 || a[i + 2] < 200)) inked++;
      same.push({ size: [img.naturalWidth, img.naturalHeight, c.width, c.height], equal: a.length === b.length && a.every((v, i) => v === b[i]), inked });
    }
    const controls = root.querySelector('.controls');
    out[id] = { canvases: canvases.length, imgs: same, controls: controls ? getComputedStyle(controls).display : null };
  }
  return out;
}, IDS);

test('while printing, each component is a static image of its current pixels; afterwards it is live again', async () => {
  const live = await inspect();
  for (const id of IDS) {
    assert.ok(live[id].canvases >= 1, `${id}: ${JSON.stringify(live[id])}`);
    assert.equal(live[id].imgs.length, 0);
  }
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const printing = await inspect();
  for (const id of IDS) {
    const p = printing[id];
    assert.equal(p.canvases, 0, `${id}: a live canvas is still shown`);
    assert.equal(p.imgs.length, live[id].canvases, id);
    for (const img of p.imgs) {
      assert.ok(img.equal, `${id}: the image differs from the canvas ${JSON.stringify(img.size)}`);
      assert.ok(img.inked > 500, `${id}: only ${img.inked} drawn pixels`);
    }
    if (p.controls !== null) assert.equal(p.controls, 'none', `${id}: controls shown in print`);
  }
  await page.screenshot({ path: `${shotsDir}print.png`, fullPage: true });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await page.emulateMedia({ media: 'screen' });
  const back = await inspect();
  for (const id of IDS) {
    assert.equal(back[id].canvases, live[id].canvases, id);
    assert.equal(back[id].imgs.length, 0, id);
  }
  assert.equal(back['ex-onecycle'].controls, 'flex');
  // still live: a new state is drawn into the canvas
  const n = Number(await page.evaluate(() => document.getElementById('ex-sgdr').dataset.rendered));
  await page.evaluate(() => document.getElementById('ex-sgdr').setState({ spec: { type: 'ExponentialLR', lr: 1, gamma: 0.9 }, steps: 50 }));
  await page.waitForFunction((k) => Number(document.getElementById('ex-sgdr').dataset.rendered) > k, n);
  assert.deepEqual(errors, []);
});

test('a PDF of the guide prints the components as images and restores them after', async () => {
  const seen = page.evaluate(() => new Promise((resolve) => {
    const log = [];
    window.addEventListener('beforeprint', () => log.push(document.querySelectorAll('steplab-race')[0].shadowRoot.querySelectorAll('img.steplab-print').length));
    window.addEventListener('afterprint', () => setTimeout(() => resolve([...log, document.getElementById('ex-race').shadowRoot.querySelectorAll('img.steplab-print').length]), 0));
  }));
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.length > 50000, `${pdf.length} bytes`);
  // Chromium's printing fires beforeprint (this listener, registered after the component script's, sees the
  // image) and afterprint (which takes it away)
  const log = await Promise.race([seen, new Promise((r) => setTimeout(() => r(null), 3000))]);
  assert.deepEqual(log, [1, 0]);
  assert.equal(await page.evaluate(() => document.getElementById('ex-race').shadowRoot.querySelectorAll('img.steplab-print').length), 0);
  assert.deepEqual(errors, []);
});
