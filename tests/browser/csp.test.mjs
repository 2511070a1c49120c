// Components on a course page with a strict Content-Security-Policy
// (default-src 'self'; script-src 'self' 'wasm-unsafe-eval'): they work, with
// no violation, because the worker starts from its own file and styles go in
// through constructable style sheets.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launch } from './browser.mjs';

const dist = new URL('../../dist/', import.meta.url).pathname;
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const PAGE = `<!doctype html><title>course notes</title><script src="steplab-embed.js"></script>
<p>Schedules for today's lecture:</p>
<steplab-schedule id="a" type="OneCycleLR" max-lr="0.1" total-steps="50" steps="50" controls="max_lr"></steplab-schedule>
<steplab-loss id="b" against="error" delta="1" controls="delta"></steplab-loss>
<steplab-race id="c" fn="rosenbrock" steps="50" optimizers='[{"type":"Adam","lr":0.1}]'></steplab-race>
<steplab-train id="d" epochs="3" speed="0" charts="loss,lr"></steplab-train>`;

let browser, server, base;
const errors = [];

before(async () => {
  browser = await launch();
  server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'course.html';
    const headers = { 'content-security-policy': POLICY };
    if (name === 'favicon.ico') return res.writeHead(204, headers).end();
    if (name === 'course.html') return res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
    const file = path.join(dist, path.basename(name));
    if (!fs.existsSync(file)) return res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
});
after(async () => { await browser?.close(); server?.close(); });

test('four components render (and one trains) under the strict policy with no violation', async () => {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(base + 'course.html');
  for (const id of ['a', 'b', 'c', 'd']) await page.waitForFunction((i) => Number(document.getElementById(i).dataset.rendered) > 0, id);
  await page.evaluate(() => document.getElementById('d').play());
  await page.waitForFunction(() => document.getElementById('d').dataset.status === 'done');
  assert.equal(await page.evaluate(() => document.getElementById('d').getState().epochs_done), 3);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.match(await page.evaluate(() => document.getElementById('a').shadowRoot.querySelector('.sr').textContent), /^OneCycleLR: first 0\.004/);
  assert.equal(await page.evaluate(() => customElements.get('steplab-schedule').workerCount), 1);
  await page.close();
  assert.deepEqual(errors, []);
});
