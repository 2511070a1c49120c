// Soak in the browser: the page's worker trains for a while and makes and
// drops thousands of trainers; its wasm memory stops growing after warm-up and
// the page's JS heap (which receives every slice's history) does not grow
// beyond what it keeps. SOAK_SECONDS sets the training budget (npm test 4 s, npm run
// test:long 600 s), SOAK_TRAINERS the trainers made and dropped (500; long: 5000).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS || 4);
const TRAINERS = Number(process.env.SOAK_TRAINERS || 500);
let browser, server;
before(async () => { browser = await launch(); server = await startServer(0); });
after(async () => { await browser?.close(); server?.close(); });

test(`the worker trains for ${SECONDS} s and makes ${TRAINERS} trainers: its wasm memory and the page's heap stop growing`, async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/embed.html`);
  // the worker protocol, spoken directly: {id, type, args} -> {id, result | error}
  await page.evaluate((url) => {
    const w = new Worker(url);
    const pending = new Map();
    let next = 1;
    w.onmessage = (ev) => {
      const { id, result, error } = ev.data;
      const p = pending.get(id);
      pending.delete(id);
      if (error) p.reject(new Error(error.message)); else p.resolve(result);
    };
    window.call = (type, args) => new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      w.postMessage({ id, type, args });
    });
  }, `${base}/steplab-worker.js`);
  const cdp = await browser.context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const config = {
    dataset: { name: 'moons', n_samples: 400, noise: 0.2, val_fraction: 0.2 }, model: { hidden: [16, 16], activation: 'tanh' },
    loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: 'Adam', lr: 0.01, scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 500 } },
    batch_size: 32, epochs: 1000000,
  };
  // trains in slices as the page does, keeping nothing but the step count
  const train = (ms) => page.evaluate(async ({ config, ms }) => {
    window.runId ??= (await window.call('trainCreate', { config })).run;
    const t0 = performance.now();
    let steps = 0;
    while (performance.now() - t0 < ms) steps += (await window.call('trainStep', { run: window.runId, ms: 50 })).steps.loss.length;
    return steps;
  }, { config, ms });
  const churn = (n) => page.evaluate(async ({ config, n }) => {
    for (let i = 0; i < n; i++) {
      const { run } = await window.call('trainCreate', { config: { ...config, seed: i } });
      await window.call('trainStep', { run, steps: 3 });
      await window.call('trainDispose', { run });
    }
  }, { config, n });

  let steps = await train(1500);
  await churn(100);
  const wasm0 = (await page.evaluate(() => window.call('memory'))).wasm;
  const heap0 = await heap();
  steps += await train(SECONDS * 1000);
  await churn(TRAINERS);
  const wasm1 = (await page.evaluate(() => window.call('memory'))).wasm;
  const heap1 = await heap();
  console.log(`browser soak: ${steps} steps in the worker, wasm ${wasm0} -> ${wasm1} bytes, page heap ${(heap0 / 1e6).toFixed(2)} -> ${(heap1 / 1e6).toFixed(2)} MB`);
  assert.ok(steps > 1000, `only ${steps} steps`);
  assert.equal(wasm1, wasm0, 'the worker\'s wasm memory grew');
  assert.ok(heap1 - heap0 < 1e6, `the page's heap grew by ${heap1 - heap0} bytes`);
  assert.deepEqual(errors, []);
  await page.close();
});
