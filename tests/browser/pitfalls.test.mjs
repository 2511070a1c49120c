// The pitfall demos in headless Chromium: each runs its trainers in the worker and
// shows the difference it is about, checked against the same runs in Node.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';

let browser;
let page;
const sink = { errors: [], foreign: [] };

// The Training room's setup, which the demos take their data, model, loss, batch size and seed from.
let BASE;
let SPE; // steps per epoch of that setup
const EPOCHS = 15;

function nodeRun(extra) {
  const { dataset, model, loss, batch_size, seed, shuffle } = BASE;
  const run = lab.createTrainer({ dataset, model, loss, batch_size, seed, shuffle, epochs: EPOCHS, ...extra });
  run.fit();
  const h = run.history;
  let s = 0;
  for (const layer of run.weights()) for (const part of [layer.W, layer.b]) for (const row of Array.isArray(part) ? part : [part]) for (const v of row) s += v * v;
  const out = { loss: Float64Array.from(h.steps.loss), lr: Float64Array.from(h.steps.lr), norm: Math.sqrt(s), status: run.status };
  run.dispose();
  return out;
}

async function demo(id) {
  await page.selectOption('#pitfall-choice', id);
  await page.evaluate(() => { delete document.getElementById('pitfalls').dataset.demo; });
  await page.click('#pitfall-run');
  await page.waitForFunction((d) => document.getElementById('pitfalls').dataset.demo === d, id, { timeout: 30000 });
  return page.$$eval('#pitfall-status li', (li) => li.map((x) => ({ text: x.textContent, ...x.dataset })));
}

before(async () => {
  browser = await launch();
  page = await openPageIn(browser, distUrl('index.html#/train'), sink);
  await page.waitForFunction(() => window.steplabTraining?.getConfig());
  BASE = await page.evaluate(() => window.steplabTraining.getConfig());
  const probe = lab.createTrainer({ ...BASE, epochs: 1 });
  SPE = probe.steps_per_epoch;
  probe.dispose();
});
after(async () => { await browser?.close(); });

test('scheduler stepped before the optimizer: its first lr is the schedule\'s second value', async () => {
  const runs = await demo('order');
  const want = lab.schedule({ type: 'LinearLR', lr: 0.1, start_factor: 0.01, total_iters: 10 }, 3);
  assert.equal(Number(runs[0].firstLr), want[0], runs[0].text);
  assert.equal(Number(runs[1].firstLr), want[1], runs[1].text);
  assert.equal(Number(runs[1].steps), EPOCHS * SPE);
  assert.match(await page.textContent('#pitfall-why'), /first value of the schedule is never used/);
});

test('OneCycleLR with total_steps = epochs stops with the error PyTorch raises; the right one runs the whole budget', async () => {
  const runs = await demo('onecycle');
  const n = EPOCHS * SPE;
  assert.equal(Number(runs[0].steps), n);
  assert.equal(runs[0].state, 'done');
  assert.equal(runs[1].state, 'error');
  assert.equal(runs[1].steps, String(EPOCHS));
  assert.match(runs[1].text, new RegExp(`OneCycleLR: total_steps is ${EPOCHS}; cannot take step`));
  // the too-long cycle ends while the rate is still high
  const long = nodeRun({ optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 }, scheduler_interval: 'step',
    scheduler: { type: 'OneCycleLR', max_lr: 0.1, total_steps: 3 * n } });
  assert.equal(Number(runs[2].lastLoss), long.loss[n - 1]);
  assert.ok(long.lr[n - 1] > 0.05, `lr at the end of the too-long cycle ${long.lr[n - 1]}`);
});

test('Adam with weight_decay (L2) and AdamW end with different weights, each equal to the same run in Node', async () => {
  const runs = await demo('adamw');
  const adam = nodeRun({ optimizer: { type: 'Adam', lr: 0.01, weight_decay: 0.1 } });
  const adamw = nodeRun({ optimizer: { type: 'AdamW', lr: 0.01, weight_decay: 0.1 } });
  assert.equal(Number(runs[0].lastLoss), adam.loss.at(-1));
  assert.equal(Number(runs[1].lastLoss), adamw.loss.at(-1));
  assert.ok(Math.abs(Number(runs[0].norm) - adam.norm) < 1e-9 * adam.norm, `${runs[0].norm} vs ${adam.norm}`);
  assert.ok(Math.abs(Number(runs[1].norm) - adamw.norm) < 1e-9 * adamw.norm, `${runs[1].norm} vs ${adamw.norm}`);
  assert.ok(Math.abs(adam.norm - adamw.norm) > 0.1 * adamw.norm, `norms ${adam.norm} and ${adamw.norm}`);
});

test('Adam without bias correction trains differently from Adam with it', async () => {
  const runs = await demo('bias');
  assert.equal(runs[0].state, 'done', runs[0].text);
  assert.equal(runs[1].state, 'done', runs[1].text);
  const off = nodeRun({ optimizer: { type: 'Adam', lr: 0.05, bias_correction: false } });
  assert.equal(Number(runs[1].lastLoss), off.loss.at(-1));
  assert.notEqual(Number(runs[0].lastLoss), Number(runs[1].lastLoss));
});

test('a learning rate 10x too high or too low ends worse than a good one', async () => {
  const runs = await demo('lr');
  const [good, high, low] = runs.map((r) => Number(r.valLoss));
  assert.ok(high > 2 * good || runs[1].state === 'diverged', `validation loss good ${good}, too high ${high}`);
  assert.ok(low > 1.5 * good, `validation loss good ${good}, too low ${low}`);
  await page.screenshot({ path: `${shotsDir}pitfalls-lr.png`, fullPage: true });
  // after all that, the demos still run
  const again = await demo('adamw');
  assert.equal(again.length, 2);
  assert.deepEqual(sink.errors, []);
  assert.deepEqual(sink.foreign, []);
});

test('inside the optimizer: per layer, the plotted update ratio, step size and Adam\'s m and v are run.inspect()\'s', async () => {
  await page.click('#train-reset');
  await page.selectOption('#train-speed', '0'); // as fast as possible: the numbers are the point here, not the pace
  await page.click('#train-play');
  await page.waitForFunction(() => window.steplabTraining.getConfig() && document.getElementById('train-play').textContent === 'Play' &&
    Number(document.getElementById('inspect').dataset.points) > 0, null, { timeout: 30000 });
  const got = await page.evaluate(() => document.getElementById('inspect').inspectData());
  const cfg = await page.evaluate(() => window.steplabTraining.getConfig());
  assert.equal(cfg.optimizer.type, 'Adam');
  const run = lab.createTrainer(cfg);
  const total = cfg.epochs * run.steps_per_epoch;
  assert.equal(got.steps.length, total);
  assert.deepEqual(got.names, ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']);
  for (const at of [1, 2, Math.round(total / 2), total]) {
    run.step(at - run.steps_done);
    const want = run.inspect();
    assert.equal(got.steps[at - 1], at);
    want.layers.forEach((l, i) => {
      assert.equal(got.cols.ratio[i][at - 1], l.update_ratio, `${l.name} update ratio at step ${at}`);
      assert.equal(got.cols.eff[i][at - 1], l.effective_lr, `${l.name} step size at step ${at}`);
      assert.equal(got.cols.m[i][at - 1], l.m_rms, `${l.name} m at step ${at}`);
      assert.equal(got.cols.v[i][at - 1], l.v_rms, `${l.name} v at step ${at}`);
    });
  }
  run.dispose();
  assert.match(await page.textContent('#inspect-ratio'), /rule of thumb 1e-3/);
  assert.equal(await page.isVisible('#inspect-m'), true);
  await (await page.$('#inspect')).screenshot({ path: `${shotsDir}inspect.png` });
  assert.deepEqual(sink.errors, []);
});
