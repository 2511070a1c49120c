// The digits just work: <steplab-train dataset="digits"> trains in a course page over http (it
// fetches steplab-digits.bin.gz beside steplab-embed.js, under a strict Content-Security-Policy)
// and from file:// (where fetch cannot read files: steplab-digits.js beside the script hands the
// same bytes over); the lab page does the same beside index.html. A page without the file says
// so in words its author can act on, and everything else keeps working.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, watchedPage, openPage } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';
import { loadSteplab } from '../../dist/steplab.mjs';
import { digitsBytes } from '../helpers.mjs';

const dist = new URL('../../dist/', import.meta.url).pathname;
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const COURSE = `<!doctype html><title>digits</title><script src="steplab-embed.js"></script>
<steplab-train id="d" dataset="digits" hidden="32" activation="relu" optimizer="Adam" lr="0.01" batch-size="64" epochs="3" speed="0" charts="loss,accuracy"></steplab-train>
<steplab-schedule id="s" type="StepLR" step-size="10" steps="30"></steplab-schedule>`;
const withDigits = await loadSteplab({ digits: digitsBytes });

let browser;
let server;
let base;
const served = [];
let hideDigits = false;

before(async () => {
  browser = await launch();
  // a course site: the page and the files of dist/ beside it, every answer under the strict policy
  server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'course.html';
    served.push(name);
    const headers = { 'content-security-policy': POLICY };
    if (name === 'favicon.ico') return res.writeHead(204, headers).end();
    if (name === 'course.html') return res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(COURSE);
    const file = path.join(dist, path.basename(name));
    if ((hideDigits && name.startsWith('steplab-digits')) || !fs.existsSync(file)) return res.writeHead(404, headers).end();
    const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.css') ? 'text/css' : name.endsWith('.gz') ? 'application/gzip' : 'text/javascript';
    res.writeHead(200, { ...headers, 'content-type': type }).end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
});
after(async () => { await browser?.close(); server?.close(); });

// Trains the course page's figure to the end; returns its steplab-done detail.
async function trainDigits(page) {
  await page.waitForFunction(() => Number(document.getElementById('d')?.dataset.rendered) > 0, null, { timeout: 20000 });
  return page.evaluate(() => new Promise((resolve) => {
    const d = document.getElementById('d');
    d.addEventListener('steplab-done', (e) => resolve(e.detail), { once: true });
    d.play();
  }));
}

// The same run in Node, with the digits loaded by hand.
function reference(config) {
  const run = withDigits.createTrainer(config);
  run.fit();
  const val = run.evaluate('val');
  run.dispose();
  return val;
}

test('<steplab-train dataset="digits"> trains in a course page over http, fetching steplab-digits.bin.gz beside the script', async () => {
  const errors = [];
  const page = await watchedPage(browser, errors);
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  served.length = 0;
  await page.goto(`${base}course.html`);
  const done = await trainDigits(page);
  const state = await page.evaluate(() => document.getElementById('d').getState());
  assert.equal(done.status, 'done');
  assert.equal(done.epochs, 3);
  assert.deepEqual(done.metrics, JSON.parse(JSON.stringify(reference(state.config))));
  assert.ok(done.metrics.accuracy > 0.8, `validation accuracy ${done.metrics.accuracy}`);
  assert.ok(served.includes('steplab-digits.bin.gz'), served.join());
  assert.ok(!served.includes('steplab-digits.js'), 'over http the .bin.gz is enough');
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  await page.close();
  assert.deepEqual(errors, []);
});

test('<steplab-train dataset="digits"> trains in a course page opened from file://, with steplab-digits.js beside the script', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-course-'));
  try {
    for (const f of ['steplab-embed.js', 'steplab-digits.js']) fs.copyFileSync(path.join(dist, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'course.html'), COURSE);
    const errors = [];
    const page = await watchedPage(browser, errors);
    await page.goto(`file://${dir}/course.html`);
    const done = await trainDigits(page);
    assert.equal(done.status, 'done');
    const state = await page.evaluate(() => document.getElementById('d').getState());
    assert.deepEqual(done.metrics, JSON.parse(JSON.stringify(reference(state.config))));
    await page.close();
    assert.deepEqual(errors, []);
    // without the file: a message for the page's author, and the other figures still work
    fs.rmSync(path.join(dir, 'steplab-digits.js'));
    const again = await watchedPage(browser, []);
    await again.goto(`file://${dir}/course.html`);
    await again.waitForFunction(() => document.getElementById('d').shadowRoot.querySelector('.error').textContent.length > 0, null, { timeout: 20000 });
    assert.match(await again.evaluate(() => document.getElementById('d').shadowRoot.querySelector('.error').textContent),
      /^<steplab-train dataset="digits">: could not load steplab-digits\.js next to steplab-embed\.js \(a page opened from file:\/\/ cannot fetch steplab-digits\.bin\.gz, .*\); copy it beside the script$/);
    await again.waitForFunction(() => Number(document.getElementById('s').dataset.rendered) > 0);
    await again.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without the file over http the message names it and the place, and a later figure trains once it is back', async () => {
  hideDigits = true;
  const page = await watchedPage(browser, []);
  await page.goto(`${base}course.html`);
  await page.waitForFunction(() => document.getElementById('d').shadowRoot.querySelector('.error').textContent.length > 0, null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => document.getElementById('d').shadowRoot.querySelector('.error').textContent),
    `<steplab-train dataset="digits">: could not load steplab-digits.bin.gz next to steplab-embed.js (HTTP 404 for ${base}steplab-digits.bin.gz); copy it beside the script`);
  assert.doesNotMatch(await page.evaluate(() => document.getElementById('d').shadowRoot.querySelector('.error').textContent), /loadSteplab/);
  await page.waitForFunction(() => Number(document.getElementById('s').dataset.rendered) > 0);
  hideDigits = false;
  await page.evaluate(() => {
    const t = document.createElement('steplab-train');
    t.id = 'd2';
    for (const [k, v] of Object.entries({ dataset: 'digits', epochs: '1', speed: '0', hidden: '8' })) t.setAttribute(k, v);
    document.body.append(t);
  });
  await page.waitForFunction(() => Number(document.getElementById('d2').dataset.rendered) > 0, null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => document.getElementById('d2').shadowRoot.querySelector('.error').textContent), '');
  await page.close();
});

test('the lab page loads the digits beside index.html, over http and from file://', async () => {
  const lab = await startServer(0);
  const labBase = `http://127.0.0.1:${lab.address().port}/`;
  const hash = '#/train?data=' + encodeURIComponent(JSON.stringify({ name: 'digits', seed: 0, val_fraction: 0.2 }))
    + '&loss=' + encodeURIComponent(JSON.stringify({ type: 'CrossEntropyLoss' })) + '&epochs=2';
  for (const url of [`${labBase}index.html${hash}`, `file://${dist}index.html${hash}`]) {
    const sink = { errors: [], foreign: [] };
    const asked = [];
    browser.context.once('page', (p) => p.on('request', (r) => asked.push(r.url().split('/').pop())));
    const page = await openPage(browser, url, sink);
    await page.waitForFunction(() => window.steplabTraining?.getConfig()?.dataset.name === 'digits' && document.body.dataset.trainStatus === 'new', null, { timeout: 20000 });
    assert.match(await page.textContent('#train-data-note'), /^1797 images of 8×8 pixels/);
    await page.click('#train-epoch');
    await page.waitForFunction(() => Number(document.body.dataset.trainSteps) > 0);
    assert.equal(await page.textContent('#train-error'), '');
    assert.ok(asked.includes(url.startsWith('http') ? 'steplab-digits.bin.gz' : 'steplab-digits.js'), asked.join());
    await page.close();
    assert.deepEqual(sink.errors, [], url);
    assert.deepEqual(sink.foreign, [], url);
  }
  lab.close();
});
