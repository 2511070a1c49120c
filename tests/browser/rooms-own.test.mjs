// "Your own" in the page's rooms (from file://, under the page's CSP): a Custom optimizer written in the
// Optimizers room races the built-ins with the lab's numbers and is exported as a torch.optim.Optimizer
// class; a rule that does not parse shows its column; a Custom loss written in the Losses room is drawn
// beside the built-ins with its gradient checked; the Training room offers both with the same editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { loadSteplab } from '../../dist/steplab.mjs';

const lab = await loadSteplab();
let browser;
const sink = { errors: [], foreign: [] };
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const MOMENTUM = 'v = mu * v + g; p = p - lr * v';
const typeInto = (page, sel, text) => page.evaluate(({ sel, text }) => {
  const box = document.querySelector(sel);
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  box.dispatchEvent(new Event('change', { bubbles: true }));
}, { sel, text });

test('Optimizers room: your own rule races with the lab\'s numbers, parse errors show their column, the code has its class', async () => {
  const opts = [{ type: 'SGD', lr: 0.001, momentum: 0.9 }, { type: 'Custom', lr: 0.001, hyper: { mu: 0.9 }, state: { v: 0 }, update: 'p = p - lr * g' }];
  const page = await openPageIn(browser, distUrl(`index.html#/race?fn=rosenbrock&start=${encodeURIComponent('[-1.5,2.5]')}&steps=100&opts=${encodeURIComponent(JSON.stringify(opts))}`), sink);
  await page.waitForSelector('#race-1-custom-rule');
  assert.match(await page.textContent('#race-type-1 option:checked'), /^Your own/);
  const g0 = await page.evaluate(() => Number(document.body.dataset.raceGeneration || 0));
  await typeInto(page, '#race-1-custom-rule', MOMENTUM);
  await page.waitForFunction((g) => Number(document.body.dataset.raceGeneration) > g && /v = mu/.test(decodeURIComponent(location.hash).replace(/\+/g, ' ')), g0);
  // the written momentum is SGD's momentum: the same loss after 100 steps
  const want = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2.5], steps: 100, optimizer: { ...opts[1], update: MOMENTUM } });
  const sgd = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2.5], steps: 100, optimizer: opts[0] });
  assert.ok(Math.abs(want.loss[100] - sgd.loss[100]) <= 1e-4 * Math.max(1, sgd.loss[100]), `${want.loss[100]} vs ${sgd.loss[100]}`);
  await page.fill('#race-step', '').catch(() => {});
  await page.click('#race-reset');
  for (let i = 0; i < 3; i++) await page.click('#race-stepbtn');
  const lines = await page.$$eval('#race-status li', (li) => li.map((x) => x.textContent));
  assert.equal(lines.length, 2);
  const code = await page.textContent('#race-code');
  assert.match(code, /class WrittenRule1\(torch\.optim\.Optimizer\):/);
  assert.match(code, /results\[.*\] = run\(lambda params: WrittenRule1\(params\)\)/);
  const mathNs = await page.evaluate(() => document.querySelector('#race-1-custom-rule').closest('.rule-editor').querySelector('.rule-math math')?.namespaceURI);
  assert.equal(mathNs, 'http://www.w3.org/1998/Math/MathML');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${shotsDir}race-own-1280.png` });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.evaluate(() => document.getElementById('race-1-custom-rule').scrollIntoView());
  await page.screenshot({ path: `${shotsDir}race-own-375.png` });
  await page.setViewportSize({ width: 1200, height: 760 });

  // a rule that does not parse: its column marked, the race keeps the last rule that did
  await typeInto(page, '#race-1-custom-rule', 'v = mu * v + g; p = p - lr * * v');
  await page.waitForFunction(() => /column 30(?!\d)/.test(document.getElementById('race-1-custom-error').textContent));
  assert.equal(await page.evaluate(() => document.getElementById('race-1-custom-rule').closest('.rule-editor').querySelector('.rule-where mark').textContent), '*');
  assert.match(await page.textContent('#race-code'), /v = \(\(mu \* v\) \+ g\)/);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('Losses room: your own loss is drawn with its derivative, its gradient checked, and written as a function', async () => {
  const page = await openPageIn(browser, distUrl('index.html#/losses?panel=error'), sink);
  await page.waitForFunction(() => Number(document.body.dataset.lossesGeneration) > 0);
  await page.check('#loss-own');
  await page.waitForSelector('#loss-own-rule');
  await typeInto(page, '#loss-own-rule', 'log(cosh_x) + 0');
  await page.waitForFunction(() => /unknown name/.test(document.getElementById('loss-own-error').textContent));
  await typeInto(page, '#loss-own-rule', 'log(1 + (x - y)^2)');
  await page.waitForFunction(() => {
    const c = document.getElementById('loss-chart').lineChart;
    const s = c.series.find((x) => x.label === 'yours');
    return s && Math.abs(s.values[300] - Math.log(1 + c.xs[300] ** 2)) < 1e-5 && /Gradient check .* passes/.test(document.getElementById('loss-own-check').textContent);
  });
  const labels = await page.evaluate(() => document.getElementById('loss-chart').lineChart.series.map((s) => s.label));
  assert.ok(labels.includes('yours'), labels.join(', '));
  const got = await page.evaluate(() => { const c = document.getElementById('loss-chart').lineChart; const s = c.series.find((x) => x.label === 'yours'); return [c.xs[300], s.values[300]]; });
  assert.ok(Math.abs(got[1] - Math.log(1 + got[0] ** 2)) < 1e-5, JSON.stringify(got));
  assert.match(await page.textContent('#loss-code'), /def written_loss\(input, target, (delta=1, )?reduction='none'\):/);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${shotsDir}losses-own-1280.png` });
  await page.setViewportSize({ width: 1200, height: 760 });
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('Training room: your own optimizer and loss use the same editor', async () => {
  const page = await openPageIn(browser, distUrl('index.html#/train'), sink);
  await page.waitForSelector('#train-opt');
  await page.selectOption('#train-opt', 'Custom');
  await page.waitForSelector('#train-opt-custom-rule');
  assert.match(await page.inputValue('#train-opt-custom-rule'), /^p = p - lr \* g$|^v = mu/);
  await typeInto(page, '#train-opt-custom-rule', 'p = p - lr * (g');
  await page.waitForFunction(() => /column 16(?!\d)/.test(document.getElementById('train-opt-custom-error').textContent));
  // a regression data set offers your own loss too, in the same editor
  await page.selectOption('#train-ds', 'sine');
  await page.selectOption('#train-loss', 'Custom');
  await page.waitForSelector('#train-loss-custom-rule');
  await typeInto(page, '#train-loss-custom-rule', 'abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta) +');
  await page.waitForFunction(() => /does not parse at column \d+/.test(document.getElementById('train-loss-custom-error').textContent));
  await typeInto(page, '#train-loss-custom-rule', '(x - y)^2 / 2');
  // the error clears and the rule is drawn as math (both follow the typing; under load one can come a frame later)
  await page.waitForFunction(() => document.getElementById('train-loss-custom-error').textContent === ''
    && /ℓ/.test(document.querySelector('.rule-editor[data-kind="loss"] .rule-math')?.textContent ?? ''));
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('Training room: "Your own (Custom)" opens with the registry\'s starter rule, keeping the current lr', async () => {
  const page = await openPageIn(browser, distUrl('index.html#/train'), sink);
  await page.waitForSelector('#train-opt');
  const { starter } = lab.registry.optimizers.find((r) => r.name === 'Custom');
  assert.notEqual(starter.update, 'p = p - lr * g');
  const lr = await page.inputValue('#train-opt-lr');
  await page.selectOption('#train-opt', 'Custom');
  await page.waitForSelector('#train-opt-custom-rule');
  assert.equal(await page.inputValue('#train-opt-custom-rule'), starter.update);
  assert.equal(await page.inputValue('#train-opt-lr'), lr);
  // the script the room writes is the starter's rule at the kept rate
  assert.match(await page.textContent('#train-code'), /v = mu \* v \+ g/);
  await page.close();
  assert.deepEqual(sink.errors, []);
});
