// A flood of 'set' messages from the embedding page cannot stall the lab in its iframe: sets are
// coalesced (the latest applied at most once per animation frame), a 'get' after 10 000 of them is
// answered with the last one before the lab has applied more than a few, and the lab ends on the
// last set. Bounds are counted in messages and frames; the timeouts are only hang guards.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launch } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';

let browser, lab, course, labUrl;
const errors = [];

before(async () => {
  browser = await launch();
  lab = await startServer(0);
  labUrl = `http://127.0.0.1:${lab.address().port}/index.html`;
  course = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>course</title><script>
    window.messages = [];
    addEventListener('message', (e) => { if (e.data && e.data.steplab) window.messages.push(e.data); });
  </script><iframe id="lab" style="width:1100px;height:700px"
    src="${labUrl}?parent=${encodeURIComponent(`http://127.0.0.1:${course.address().port}`)}#/schedules"></iframe>`));
  await new Promise((resolve) => course.listen(0, '127.0.0.1', resolve));
});
after(async () => { await browser?.close(); lab?.close(); course?.close(); });

test('10 000 sets then a get: answered at once with the last set, applied once per frame at most, ending on the last set', async () => {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`http://127.0.0.1:${course.address().port}/`);
  const frame = await (await page.waitForSelector('#lab')).contentFrame();
  await frame.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => window.messages.some((m) => m.type === 'ready'));
    // count, in the lab, the sets it applies (each is a hash change) and the animation frames, and
  // note both when the get arrives (this listener runs right after the lab's own has answered it)
  await frame.evaluate(() => {
    window.applied = 0;
    window.frames = 0;
    addEventListener('hashchange', () => { window.applied++; });
    addEventListener('message', (e) => { if (e.data?.type === 'get' && !window.atGet) window.atGet = { applied: window.applied, frames: window.frames }; });
    const tick = () => { window.frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const N = 10000;
  const last = `#/losses?panel=margin&at=${N - 1}`;
  // rooms alternate, so that a slow room's check of an old link could finish after a fast one's
  await page.evaluate((n) => {
    const w = document.getElementById('lab').contentWindow;
    for (let i = 0; i < n; i++) {
      const hash = i % 2 ? `#/losses?panel=margin&at=${i}` : `#/schedules?epochs=${50 + (i % 100)}`;
      w.postMessage({ steplab: 1, type: 'set', hash }, '*');
    }
    w.postMessage({ steplab: 1, type: 'get' }, '*');
  }, N);
  await page.waitForFunction(() => window.messages.some((m) => m.type === 'state'), null, { timeout: 60000 });
  const state = await page.evaluate(() => window.messages.find((m) => m.type === 'state'));
  const atGet = await frame.evaluate(() => window.atGet);
  assert.equal(state.hash, last, 'the answer is the state the lab is about to show');
  assert.equal(state.room, 'losses');
  // while the 10 001 messages arrived the lab applied at most one set per frame that passed
  assert.ok(atGet.applied <= atGet.frames + 1 && atGet.applied < 50, `${atGet.applied} of ${N} sets were applied in the ${atGet.frames} frames before the get`);

  const settled = await frame.waitForFunction((want) => location.hash.includes(want) && document.getElementById('room')?.dataset.room === 'losses'
    && document.getElementById('loss-panel')?.value === 'margin', `at=${N - 1}`, { timeout: 30000 }).catch(() => null);
  if (!settled) assert.fail(`the lab did not end on the last set: ${await frame.evaluate(() => `${location.hash.slice(0, 80)} room ${document.getElementById('room')?.dataset.room}`)}`);
  await page.waitForTimeout(300); // let anything still queued arrive before counting
  const { applied, frames, hash } = await frame.evaluate(() => ({ applied: window.applied, frames: window.frames, hash: location.hash }));
  assert.match(hash, new RegExp(`^#/losses\\?panel=margin&.*at=${N - 1}(&|$)`));
  assert.ok(applied >= 1 && applied <= frames + 1, `${applied} sets applied in ${frames} animation frames`);
  assert.ok(applied < 50, `${applied} sets applied for a flood of ${N}`);

  // and it still answers normally afterwards
  await page.evaluate(() => { window.messages.length = 0; document.getElementById('lab').contentWindow.postMessage({ steplab: 1, type: 'get' }, '*'); });
  await page.waitForFunction(() => window.messages.some((m) => m.type === 'state'));
  assert.equal((await page.evaluate(() => window.messages.find((m) => m.type === 'state'))).hash, hash);
  await page.close();
  assert.deepEqual(errors, []);
});

test('a flood of bad sets is answered with one error per frame at most, and the lab keeps its state', async () => {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${course.address().port}/`);
  const frame = await (await page.waitForSelector('#lab')).contentFrame();
  await frame.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => window.messages.some((m) => m.type === 'ready'));
  const before = await frame.evaluate(() => location.hash);
  await frame.evaluate(() => { window.frames = 0; const tick = () => { window.frames++; requestAnimationFrame(tick); }; requestAnimationFrame(tick); });
  await page.evaluate(() => {
    const w = document.getElementById('lab').contentWindow;
    for (let i = 0; i < 5000; i++) w.postMessage({ steplab: 1, type: 'set', hash: `javascript:${i}` }, '*');
    w.postMessage({ steplab: 1, type: 'get' }, '*');
  });
  await page.waitForFunction(() => window.messages.some((m) => m.type === 'state'), null, { timeout: 60000 });
  await page.waitForFunction(() => window.messages.some((m) => m.type === 'error'));
  await page.waitForTimeout(300);
  const errorsSeen = await page.evaluate(() => window.messages.filter((m) => m.type === 'error').length);
  const frames = await frame.evaluate(() => window.frames);
  assert.ok(errorsSeen >= 1 && errorsSeen <= frames + 1, `${errorsSeen} error replies in ${frames} frames`);
  assert.equal(await frame.evaluate(() => location.hash), before);
  await page.close();
  assert.deepEqual(errors, []);
});
