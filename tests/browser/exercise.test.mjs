// <steplab-exercise> on a course page under the strict Content-Security-Policy, over http and from
// file://: a correct rule passes (and fires steplab-exercise with pass true), a wrong rule fails with the
// first differing step shown, a rule that does not parse shows its column marked, hostile text stays
// text, and a loss exercise draws both curves. No CSP violation, no console error.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, shotsDir } from './browser.mjs';

const dist = new URL('../../dist/', import.meta.url).pathname;
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
// from file:// the worker can only start from a Blob URL (the app's own policy allows that)
const FILE_POLICY = `${POLICY}; worker-src 'self' blob:`;
const ADAM = 'm = beta1 * m + (1 - beta1) * g\nv = beta2 * v + (1 - beta2) * g^2\n'
  + 'p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)';
const NO_BIAS = 'm = beta1 * m + (1 - beta1) * g\nv = beta2 * v + (1 - beta2) * g^2\np = p - lr * m / (sqrt(v) + eps)';
const BODY = `<p>Write Adam with bias correction.</p>
<steplab-exercise id="adam" kind="optimizer" reference='{"type":"Adam","lr":0.01}' steps="100"
  hyper='{"beta1":0.9,"beta2":0.999,"eps":1e-8}' state='{"m":0,"v":0}' starter="p = p - lr * g"></steplab-exercise>
<steplab-exercise id="huber" kind="loss" reference='{"type":"HuberLoss","delta":1}' hyper='{"delta":1}' starter="(x - y)^2"></steplab-exercise>
<pre id="log"></pre>`;
const page = (csp) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${csp ? `<meta http-equiv="Content-Security-Policy" content="${FILE_POLICY}">` : ''}<title>exercise</title><script src="steplab-embed.js"></script>
<script src="record.js"></script></head><body>${BODY}</body></html>`;
// what a course page or an LMS does with the event (a file of its own: the policy refuses inline scripts)
const RECORD = "window.__events = []; document.addEventListener('steplab-exercise', (e) => window.__events.push({ id: e.target.id, pass: e.detail.pass, step: e.detail.step, index: e.detail.index, rule: e.detail.rule }));";

let browser, server, base, folder;
before(async () => {
  browser = await launch();
  server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'course.html';
    const headers = { 'content-security-policy': POLICY };
    if (name === 'favicon.ico') return res.writeHead(204, headers).end();
    if (name === 'course.html') return res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(page(false).replace('<body', '<body data-ready="true"'));
    if (name === 'record.js') return res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(RECORD);
    const file = path.join(dist, path.basename(name));
    if (!fs.existsSync(file)) return res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-exercise-'));
  fs.copyFileSync(path.join(dist, 'steplab-embed.js'), path.join(folder, 'steplab-embed.js'));
  fs.writeFileSync(path.join(folder, 'record.js'), RECORD);
  fs.writeFileSync(path.join(folder, 'course.html'), page(true).replace('<body', '<body data-ready="true"'));
});
after(async () => { await browser?.close(); server?.close(); if (folder) fs.rmSync(folder, { recursive: true, force: true }); });

// Types text into the exercise's box (as a student would: input events, then change).
async function type(p, id, text, param = 'rule') {
  const before = await p.evaluate((i) => window.__events.filter((e) => e.id === i).length, id);
  await p.evaluate(({ id, text, param }) => {
    const box = document.getElementById(id).shadowRoot.querySelector(`[data-param="${param}"]`);
    box.value = text;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    box.dispatchEvent(new Event('change', { bubbles: true }));
  }, { id, text, param });
  return before;
}
const seen = (p, id) => p.evaluate((i) => {
  const r = document.getElementById(i).shadowRoot;
  return { verdict: r.querySelector('.verdict').textContent, pass: r.querySelector('.verdict').dataset.pass, error: r.querySelector('.rule-error').textContent,
    mark: r.querySelector('.rule-where mark')?.textContent ?? null, column: r.querySelector('.rule-where mark')?.dataset.column ?? null,
    where: r.querySelector('.rule-where').textContent, math: r.querySelector('.rule-math math')?.namespaceURI ?? null,
    mathText: r.querySelector('.rule-math')?.textContent ?? '', imgs: r.querySelectorAll('img').length + document.querySelectorAll('img').length };
}, id);
const nextEvent = (p, id, n) => p.waitForFunction(({ id, n }) => window.__events.filter((e) => e.id === id).length > n, { id, n }, { timeout: 20000 });
const lastEvent = (p, id) => p.evaluate((i) => window.__events.filter((e) => e.id === i).at(-1), id);

async function walk(url, shot) {
  const sink = { errors: [], foreign: [] };
  const p = await openPage(browser, url, sink);
  for (const id of ['adam', 'huber']) await p.waitForFunction((i) => Number(document.getElementById(i).dataset.rendered) > 0, id, { timeout: 20000 });
  await p.waitForFunction(() => window.__events.length >= 2, null, { timeout: 20000 });

  // the starter (plain SGD) is graded at once and fails at step 1
  let s = await seen(p, 'adam');
  assert.equal(s.pass, 'false');
  assert.match(s.verdict, /^Not yet: at step 1, element 0, Adam lr 0\.01 gives p = /);
  assert.equal(s.math, 'http://www.w3.org/1998/Math/MathML');

  // a correct Adam passes, and the event says so
  let n = await type(p, 'adam', ADAM);
  await nextEvent(p, 'adam', n);
  s = await seen(p, 'adam');
  assert.equal(s.pass, 'true', s.verdict + s.error);
  assert.match(s.verdict, /^Pass: your rule matches Adam lr 0\.01 on all 16 elements for 100 steps/);
  assert.deepEqual(await lastEvent(p, 'adam'), { id: 'adam', pass: true, step: null, index: null, rule: ADAM });
  assert.match(s.mathText, /β/);
  await p.waitForFunction(() => Number(document.getElementById('adam').shadowRoot.querySelector('steplab-race').dataset.rendered) > 0);
  const racers = await p.evaluate(() => document.getElementById('adam').shadowRoot.querySelector('steplab-race').shadowRoot.querySelectorAll('ul.status li').length);
  assert.equal(racers, 2);
  if (shot) {
    await p.setViewportSize({ width: 1280, height: 900 });
    await p.screenshot({ path: `${shotsDir}exercise-1280.png`, fullPage: true });
    await p.setViewportSize({ width: 375, height: 800 });
    await p.screenshot({ path: `${shotsDir}exercise-375.png`, fullPage: true });
    await p.setViewportSize({ width: 1200, height: 760 });
  }

  // Adam without bias correction fails at step 1, the first step it differs
  n = await type(p, 'adam', NO_BIAS);
  await nextEvent(p, 'adam', n);
  s = await seen(p, 'adam');
  assert.equal(s.pass, 'false');
  assert.match(s.verdict, /^Not yet: at step 1, element \d+, Adam lr 0\.01 gives p = −?[\d.]+ but your rule gives −?[\d.]+/);
  assert.equal((await lastEvent(p, 'adam')).step, 1);

  // a rule that does not parse: the core's message, the column marked, no verdict event
  const events = await p.evaluate(() => window.__events.length);
  await type(p, 'adam', 'm = beta1 * m + (1 - beta1) * g\np = p - lr * (m + )');
  await p.waitForFunction(() => document.getElementById('adam').shadowRoot.querySelector('.rule-error').textContent !== '');
  s = await seen(p, 'adam');
  assert.match(s.error, /does not parse at column 51/);
  assert.equal(s.column, '51');
  assert.equal(s.mark, ')');
  assert.equal(s.where, 'p = p - lr * (m + )');
  assert.equal(await p.evaluate(() => window.__events.length), events);

  // hostile text is text: no element made from it, no dialog
  const hostile = '<img src=x onerror=alert(1)>';
  await type(p, 'adam', `p = ${hostile}`);
  // column 5 exactly: the previous rule's 'column 51' must not satisfy the wait (it did, now and then, before the new text's check)
  await p.waitForFunction(() => /column 5(?!\d)/.test(document.getElementById('adam').shadowRoot.querySelector('.rule-error').textContent));
  s = await seen(p, 'adam');
  assert.equal(s.where, `p = ${hostile}`);
  assert.equal(s.imgs, 0);
  await type(p, 'adam', '{"lr": "<img src=x onerror=alert(1)>"}', 'hyper');
  await p.waitForFunction(() => document.getElementById('adam').shadowRoot.querySelector('.rule-error').textContent !== '');
  assert.equal((await seen(p, 'adam')).imgs, 0);

  // a loss: the squared error is not Huber; Huber as a formula is
  s = await seen(p, 'huber');
  assert.equal(s.pass, 'false');
  assert.match(s.verdict, /^Not yet: the (value|gradient)/);
  n = await type(p, 'huber', 'abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta)');
  await nextEvent(p, 'huber', n);
  s = await seen(p, 'huber');
  assert.equal(s.pass, 'true', s.verdict);
  assert.match(s.mathText, /otherwise/);
  const series = await p.evaluate(() => [...document.getElementById('huber').shadowRoot.querySelectorAll('.u-legend .u-series')].length);
  assert.ok(series >= 4, `legend rows ${series}`);

  assert.deepEqual(await p.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(sink.errors, []);
  assert.deepEqual(sink.foreign, []);
  await p.close();
}

test('over http under the strict policy: pass, fail at the first step, parse column, hostile text', () => walk(`${base}course.html`, true));

test('from file:// under the policy (a meta tag): the same', () => walk(`file://${folder}/course.html`, false));
