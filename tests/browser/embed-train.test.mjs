// <steplab-train> on the author's guide (dist/embed.html, from file://): it trains in the page's one
// worker exactly as lab.createTrainer does in Node, paces itself, fires its events, follows
// attributes, setState and the reader's controls, and leaves no trainer behind in the worker.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchedPage, distUrl, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';

let browser;
let page;
const errors = [];

const rendered = (id, after = 0) => page.waitForFunction(([i, a]) => Number(document.getElementById(i)?.dataset.rendered) > a, [id, after]);
const gen = (id) => page.evaluate((i) => Number(document.getElementById(i).dataset.rendered || 0), id);
// Resolves with the element's steplab-done detail and the steplab-epoch details before it.
const nextRun = (id) => page.evaluate((i) => new Promise((resolve) => {
  const e = document.getElementById(i);
  const epochs = [];
  const onEpoch = (ev) => epochs.push({ ...ev.detail, t: performance.now() });
  e.addEventListener('steplab-epoch', onEpoch);
  e.addEventListener('steplab-done', (ev) => { e.removeEventListener('steplab-epoch', onEpoch); resolve({ done: ev.detail, epochs }); }, { once: true });
}), id);
const shadow = (id, sel) => page.evaluate(([i, s]) => document.getElementById(i).shadowRoot.querySelector(s)?.textContent ?? null, [id, sel]);
// A new <steplab-train> with these attributes at the end of the page.
const addFigure = (id, attrs) => page.evaluate(([i, as]) => {
  const t = document.createElement('steplab-train');
  t.id = i;
  for (const [k, v] of Object.entries(as)) t.setAttribute(k, v);
  document.body.append(t);
}, [id, attrs]);
const liveRuns = () => page.evaluate(() => customElements.get('steplab-train').liveRuns());
// The same run in Node: the history and the validation metrics the component must show.
function reference(config) {
  const run = lab.createTrainer(config);
  run.fit();
  const out = { epochs: run.history.epochs, val: run.evaluate('val'), steps: run.steps_done };
  run.dispose();
  return out;
}

before(async () => {
  browser = await launch();
  page = await watchedPage(browser, errors);
  await page.goto(distUrl('embed.html'));
  for (const id of ['ex-train', 'ex-train-onecycle', 'ex-exercise']) await rendered(id);
});
after(async () => { await browser?.close(); });

test('autoplay in view: it trains as createTrainer does, paced, with an event per epoch and the final metrics', async () => {
  assert.equal(await page.evaluate(() => document.getElementById('ex-train').dataset.status), 'running', 'played before it was in view');
  const run = nextRun('ex-train');
  await page.evaluate(() => document.getElementById('ex-train').scrollIntoView());
  const { done, epochs } = await run;
  const state = await page.evaluate(() => document.getElementById('ex-train').getState());
  assert.deepEqual(state.config, {
    dataset: { name: 'moons', seed: 0, val_fraction: 0.2, n_samples: 400, noise: 0.2 },
    model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' }, optimizer: { type: 'Adam', lr: 0.01 },
    batch_size: 32, epochs: 30, seed: 0, loss: { type: 'BCEWithLogitsLoss' },
  });
  const want = reference(state.config);
  assert.deepEqual(epochs.map((e) => e.epoch), Array.from({ length: 30 }, (_, i) => i + 1));
  for (const k of ['train_loss', 'val_loss', 'val_accuracy']) assert.deepEqual(epochs.map((e) => e[k]), Array.from(want.epochs[k]), k);
  assert.ok(epochs[29].train_loss < epochs[0].train_loss / 2, `train loss ${epochs[0].train_loss} -> ${epochs[29].train_loss}`);
  // speed 10 epochs per second: 30 epochs take about 3 s, not one frame
  assert.ok(epochs[29].t - epochs[0].t > 1500, `${epochs[29].t - epochs[0].t} ms for 29 epochs`);
  assert.equal(done.status, 'done');
  assert.equal(done.epochs, 30);
  assert.equal(done.steps, want.steps);
  assert.deepEqual(done.metrics, JSON.parse(JSON.stringify(want.val)));
  assert.ok(done.metrics.accuracy >= 0.9, `val accuracy ${done.metrics.accuracy}`);
  assert.equal(await shadow('ex-train', '.counter'), `epoch 30 / 30, validation accuracy ${+want.val.accuracy.toPrecision(3)}`);
  // the decision regions: both class colours fill the picture's background
  const colours = await page.evaluate(() => {
    const c = document.getElementById('ex-train').shadowRoot.querySelector('canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let blue = 0, orange = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 2] > d[i] + 40) blue++;
      else if (d[i] > d[i + 2] + 40) orange++;
    }
    return { blue: blue / (d.length / 4), orange: orange / (d.length / 4) };
  });
  assert.ok(colours.blue > 0.25 && colours.orange > 0.25, JSON.stringify(colours));
  await (await page.$('#ex-train')).screenshot({ path: `${shotsDir}embed-train.png` });
  assert.deepEqual(errors, []);
});

test('controls and locked decide what the reader may change; a change starts a new run and disposes the old', async () => {
  const inputs = (id) => page.evaluate((i) => [...document.getElementById(i).shadowRoot.querySelectorAll('[data-param]')].map((x) => x.dataset.param), id);
  assert.deepEqual(await inputs('ex-train'), ['lr', 'optimizer', 'hidden', 'noise']);
  assert.deepEqual(await inputs('ex-train-onecycle'), ['lr', 'batch_size', 'epochs']);
  // a OneCycleLR given by its type gets parameters that fit the run: its cycle lasts all 40 epochs' steps
  const onecycle = await page.evaluate(() => document.getElementById('ex-train-onecycle').getState().config);
  const perEpoch = Math.ceil(lab.dataset(onecycle.dataset).n_train / 32);
  assert.deepEqual(onecycle.scheduler, { type: 'OneCycleLR', max_lr: 0.2, total_steps: 40 * perEpoch });
  const before = await liveRuns();
  const change = page.evaluate(() => new Promise((resolve) => document.getElementById('ex-train')
    .addEventListener('steplab-change', (e) => resolve(e.detail), { once: true })));
  const n = await gen('ex-train');
  await page.evaluate(() => {
    const s = document.getElementById('ex-train').shadowRoot.querySelector('[data-param="optimizer"]');
    s.value = 'RMSprop';
    s.dispatchEvent(new Event('change'));
  });
  const detail = await change;
  assert.equal(detail.name, 'optimizer');
  assert.deepEqual(detail.state.config.optimizer, { type: 'RMSprop', lr: 0.01 });
  await rendered('ex-train', n);
  const after = await liveRuns();
  assert.equal(after.length, before.length);
  assert.equal(after.filter((id) => !before.includes(id)).length, 1, `${before} -> ${after}`);
  // locked: no controls, no buttons
  await addFigure('locked', { controls: 'lr,optimizer', locked: '' });
  await rendered('locked');
  assert.deepEqual(await inputs('locked'), []);
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('locked').shadowRoot.querySelector('.bar')).display), 'none');
  await page.evaluate(() => document.getElementById('locked').remove());
  assert.deepEqual(errors, []);
});

test('attributes and setState change the run; a bad value shows the core\'s message, and a good one works again', async () => {
  const id = 'ex-train-onecycle';
  let n = await gen(id);
  await page.evaluate(() => {
    const e = document.getElementById('ex-train-onecycle');
    e.setAttribute('speed', '0');
    e.setAttribute('epochs', '4');
    e.setAttribute('batch-size', 'full');
  });
  await rendered(id, n);
  let run = nextRun(id);
  await page.evaluate(() => document.getElementById('ex-train-onecycle').play());
  let { done, epochs } = await run;
  let state = await page.evaluate((i) => document.getElementById(i).getState(), id);
  assert.equal(state.config.batch_size, 'full');
  assert.deepEqual(state.config.scheduler, { type: 'OneCycleLR', max_lr: 0.2, total_steps: 4 });
  assert.deepEqual(epochs.map((e) => e.lr), Array.from(reference(state.config).epochs.lr));
  assert.equal(done.steps, 4);
  // setState with a plain createTrainer config: a regression set draws its fitted curve
  n = await gen(id);
  await page.evaluate(() => document.getElementById('ex-train-onecycle').setState({
    dataset: { name: 'sine', n_samples: 100, seed: 1, val_fraction: 0.2 }, model: { hidden: [8], activation: 'tanh', init: 'xavier' },
    optimizer: { type: 'Adam', lr: 0.05 }, batch_size: 16, epochs: 6, seed: 1 }));
  await rendered(id, n);
  run = nextRun(id);
  await page.evaluate(() => document.getElementById('ex-train-onecycle').stepEpoch());
  await page.waitForFunction(() => document.getElementById('ex-train-onecycle').getState().epochs_done === 1);
  await page.evaluate(() => document.getElementById('ex-train-onecycle').play());
  ({ done, epochs } = await run);
  state = await page.evaluate((i) => document.getElementById(i).getState(), id);
  assert.deepEqual(state.config.loss, { type: 'MSELoss' });
  const want = reference(state.config);
  assert.deepEqual(epochs.map((e) => e.val_mse), Array.from(want.epochs.val_mse));
  assert.deepEqual(done.metrics, JSON.parse(JSON.stringify(want.val)));
  // config = null: back to the attributes; a value the core refuses shows its message, then a good one works
  n = await gen(id);
  await page.evaluate(() => { document.getElementById('ex-train-onecycle').config = null; });
  await rendered(id, n);
  assert.equal((await page.evaluate((i) => document.getElementById(i).getState(), id)).config.dataset.name, 'spirals');
  await page.evaluate(() => document.getElementById('ex-train-onecycle').setAttribute('lr', '-1'));
  await page.waitForFunction(() => document.getElementById('ex-train-onecycle').shadowRoot.querySelector('.error').textContent.length > 0);
  assert.match(await shadow(id, '.error'), /^SGD: lr must be .*got -1$/);
  await page.evaluate(() => document.getElementById('ex-train-onecycle').setAttribute('learning-rate', '0.1'));
  await page.waitForFunction(() => document.getElementById('ex-train-onecycle').shadowRoot.querySelector('.error').textContent.includes('learning-rate'));
  assert.equal(await shadow(id, '.error'), "steplab-train: 'learning-rate' is not a setting of the trainer, the data set spirals or the optimizer SGD");
  n = await gen(id);
  await page.evaluate(() => {
    const e = document.getElementById('ex-train-onecycle');
    e.removeAttribute('learning-rate');
    e.setAttribute('lr', '0.1');
  });
  await rendered(id, n);
  assert.equal(await shadow(id, '.error'), '');
  run = nextRun(id);
  await page.evaluate(() => document.getElementById('ex-train-onecycle').play());
  ({ done } = await run);
  assert.equal(done.status, 'done');
  assert.deepEqual(errors, []);
});

test('an exercise page checks "reach 95 % validation accuracy" through steplab-done', async () => {
  const id = 'ex-exercise';
  let n = await gen(id);
  await page.evaluate(() => document.getElementById('ex-exercise').setAttribute('speed', '0'));
  await rendered(id, n);
  const feedback = () => page.evaluate(() => document.getElementById('ex-feedback').textContent);
  // as given (SGD 0.01) it falls short; the reader's lr 0.5 solves it
  let run = nextRun(id);
  await page.evaluate(() => document.getElementById('ex-exercise').shadowRoot.querySelector('button').click());
  let { done } = await run;
  const base = await page.evaluate(() => document.getElementById('ex-exercise').getState().config);
  const short = reference(base).val.accuracy;
  assert.ok(short < 0.95);
  assert.equal(done.metrics.accuracy, short);
  assert.equal(await feedback(), `${(100 * short).toFixed(1)} % after 30 epochs: not yet 95 %. Try another learning rate.`);
  run = nextRun(id);
  await page.evaluate(() => {
    const input = document.getElementById('ex-exercise').shadowRoot.querySelector('[data-param="lr"]');
    input.value = '0.5';
    input.dispatchEvent(new Event('change'));
    // the reader presses Play on the new run
    setTimeout(() => document.getElementById('ex-exercise').play(), 0);
  });
  ({ done } = await run);
  const solved = reference({ ...base, optimizer: { type: 'SGD', lr: 0.5 } }).val.accuracy;
  assert.ok(solved >= 0.95);
  assert.equal(done.metrics.accuracy, solved);
  assert.equal(await feedback(), `Solved: ${(100 * solved).toFixed(1)} % with lr 0.5.`);
  assert.deepEqual(errors, []);
});

test('every component shares one worker, and removing or resetting a figure frees its trainer there', async () => {
  const counts = await page.evaluate(() => ['steplab-schedule', 'steplab-loss', 'steplab-race', 'steplab-lrfinder', 'steplab-train']
    .map((t) => [document.querySelectorAll(t).length, customElements.get(t).workerCount]));
  assert.ok(counts.every(([k, w]) => k >= 1 && w === 1), JSON.stringify(counts));
  let live = await liveRuns();
  assert.equal(live.length, 3, `live trainers ${live}`);
  // reset: a new trainer, the old one gone
  const n = await gen('ex-train');
  await page.evaluate(() => document.getElementById('ex-train').reset());
  await rendered('ex-train', n);
  const afterReset = await liveRuns();
  assert.equal(afterReset.length, 3);
  assert.equal(afterReset.filter((id) => !live.includes(id)).length, 1);
  // five more figures at once, each removed while (or before) it trains. Each has epochs enough to be still
  // running when the page sees all five running: at 200 epochs (2 000 steps, tens of ms since the trainer's
  // speed-ups) the first could finish before a loaded machine's poll saw the fifth start, and the wait timed out
  await page.evaluate(() => {
    for (let i = 0; i < 5; i++) {
      const t = document.createElement('steplab-train');
      t.className = 'extra';
      t.setAttribute('speed', '0');
      t.setAttribute('epochs', '20000');
      document.body.append(t);
      t.play();
    }
  });
  await page.waitForFunction(() => [...document.querySelectorAll('steplab-train.extra')].every((t) => t.dataset.status === 'running' && t.getState().steps_done > 0));
  assert.equal((await liveRuns()).length, 8);
  assert.equal(await page.evaluate(() => customElements.get('steplab-train').workerCount), 1);
  await page.evaluate(() => { for (const t of document.querySelectorAll('steplab-train')) t.remove(); });
  await page.waitForTimeout(100);
  assert.deepEqual(await liveRuns(), []);
  // and a figure added afterwards still trains
  await addFigure('again', { speed: '0', epochs: '2' });
  await rendered('again');
  const run = nextRun('again');
  await page.evaluate(() => document.getElementById('again').play());
  assert.equal((await run).done.epochs, 2);
  live = await liveRuns();
  assert.equal(live.length, 1);
  assert.deepEqual(errors, []);
});
