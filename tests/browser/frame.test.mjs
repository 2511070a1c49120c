// The iframe API: a course page on another origin drives the lab with
// postMessage; messages from any origin but the named parent are ignored.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launch } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';

let browser, lab, course, labUrl, courseUrl;
const errors = [];

function startCourse(html) {
  const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html(req)));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  browser = await launch();
  lab = await startServer(0);
  labUrl = `http://127.0.0.1:${lab.address().port}/index.html`;
  course = await startCourse((req) => {
    const parent = new URL(req.url, 'http://x').searchParams.get('claim') || `http://127.0.0.1:${course.address().port}`;
    return `<!doctype html><title>course</title><script>
      window.messages = [];
      addEventListener('message', (e) => { if (e.data && e.data.steplab) window.messages.push({ origin: e.origin, data: e.data }); });
    </script><iframe id="lab" style="width:1100px;height:700px" src="${labUrl}?parent=${encodeURIComponent(parent)}#/schedules"></iframe>`;
  });
  courseUrl = `http://127.0.0.1:${course.address().port}/`;
});
after(async () => { await browser?.close(); lab?.close(); course?.close(); });

async function open(url) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  const frame = await (await page.waitForSelector('#lab')).contentFrame();
  await frame.waitForSelector('body[data-ready="true"]');
  return { page, frame };
}

test('the embedding page hears ready, sets a room by its hash, and hears the change', async () => {
  const { page, frame } = await open(courseUrl);
  await page.waitForFunction(() => window.messages.some((m) => m.data.type === 'ready'));
  const ready = await page.evaluate(() => window.messages.find((m) => m.data.type === 'ready'));
  assert.equal(ready.origin, new URL(labUrl).origin);
  const hash = '#/losses?panel=margin&at=-1';
  await page.evaluate((h) => document.getElementById('lab').contentWindow.postMessage({ steplab: 1, type: 'set', hash: h }, '*'), hash);
  await frame.waitForFunction(() => document.getElementById('loss-panel')?.value === 'margin');
  await page.waitForFunction(() => window.messages.some((m) => m.data.type === 'change' && m.data.room === 'losses'));
  await page.evaluate(() => document.getElementById('lab').contentWindow.postMessage({ steplab: 1, type: 'get' }, '*'));
  await page.waitForFunction(() => window.messages.some((m) => m.data.type === 'state'));
  const state = await page.evaluate(() => window.messages.find((m) => m.data.type === 'state').data);
  assert.match(state.hash, /^#\/losses\?panel=margin&/);
  await page.evaluate(() => document.getElementById('lab').contentWindow.postMessage({ steplab: 1, type: 'set', hash: 'javascript:alert(1)' }, '*'));
  await page.waitForFunction(() => window.messages.some((m) => m.data.type === 'error'));
  assert.match((await page.evaluate(() => window.messages.find((m) => m.data.type === 'error').data.message)), /must be a string starting with '#\/'/);
  await page.close();
  assert.deepEqual(errors, []);
});

test('messages from an origin other than the named parent are ignored', async () => {
  // the lab is told its parent is another origin: this page's messages must change nothing
  const { page, frame } = await open(`${courseUrl}?claim=${encodeURIComponent('http://127.0.0.1:9')}`);
  await page.evaluate(() => document.getElementById('lab').contentWindow.postMessage({ steplab: 1, type: 'set', hash: '#/losses' }, '*'));
  await page.waitForTimeout(500);
  assert.match(await frame.evaluate(() => location.hash), /^#\/schedules/);
  assert.deepEqual(await page.evaluate(() => window.messages), []);
  await page.close();
  assert.deepEqual(errors, []);
});
