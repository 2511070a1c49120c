// Every entry of the core's registry, in every room and component that offers its family: each
// scheduler in the Schedules room and <steplab-schedule>, each optimizer and surface in the race
// and <steplab-race>, each loss panel in the Losses room and <steplab-loss>, and in the Training
// room and <steplab-train> each data set (its menu: exactly the losses the trainer accepts on it), each loss, each optimizer
// (those that need a closure left out, with the reason shown) and each scheduler. Each renders,
// produces output (a curve, a path, a trained step or epoch) and nothing reaches the console.
// One page per part, switching entries, from file://.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, distUrl, openPage as openPageIn, watchedPage, shotsDir } from './browser.mjs';
import { loadSteplab } from '../../dist/steplab.mjs';
import { digitsBytes } from '../helpers.mjs';

const lab = await loadSteplab({ digits: digitsBytes });
const reg = lab.registry;
const names = (family) => reg[family].map((k) => k.name);
let browser;
const sink = { errors: [], foreign: [] };

// What the core's trainer accepts: for each data set, its task and the losses createTrainer takes on it.
const SMALL = { n_samples: 60 };
function trainerFacts() {
  const out = {};
  for (const k of reg.datasets) {
    const spec = { name: k.name, ...(k.params.some((p) => p.name === 'n_samples') ? SMALL : {}) };
    const task = lab.dataset(spec).task;
    const losses = names('losses').filter((loss) => {
      try {
        lab.createTrainer({ dataset: spec, model: { hidden: [4] }, loss: { type: loss }, optimizer: { type: 'Adam', lr: 0.01 }, batch_size: 16, epochs: 1 }).dispose();
        return true;
      } catch {
        return false;
      }
    });
    out[k.name] = { task, losses };
  }
  return out;
}
const FACTS = trainerFacts();
const closureOptimizers = names('optimizers').filter((o) => {
  try {
    lab.createTrainer({ dataset: { name: 'moons', n_samples: 40 }, model: { hidden: [4] }, loss: { type: 'BCEWithLogitsLoss' }, optimizer: { type: o, lr: 0.01 }, batch_size: 8, epochs: 1 }).dispose();
    return false;
  } catch {
    return true;
  }
});

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const options = (page, sel) => page.$$eval(`${sel} option`, (os) => os.map((o) => o.value));
// The same names, whatever the order (menus group them by category).
const sameSet = (got, want, label) => assert.deepEqual([...got].sort(), [...want].sort(), label);
const quiet = (label) => assert.deepEqual(sink.errors, [], `${label}: console or page errors`);

test('the Schedules room draws every scheduler of the registry', async () => {
  const page = await openPageIn(browser, distUrl('index.html#/schedules'), sink);
  await page.waitForFunction(() => Number(document.body.dataset.schedulesGeneration) > 0);
  sameSet(await options(page, '#sched-type-0'), names('schedulers'));
  for (const type of names('schedulers')) {
    const g = await page.evaluate(() => Number(document.body.dataset.schedulesGeneration));
    await page.selectOption('#sched-type-0', type);
    await page.waitForFunction(([a, t]) => Number(document.body.dataset.schedulesGeneration) > a
      && document.querySelector('#sched-readout li')?.textContent.startsWith(`1: ${t}:`), [g, type]);
    assert.equal(await page.textContent('#sched-error-0'), '', type);
    assert.equal(await page.$$eval('#sched-readout li', (li) => li.length), 1, type);
    assert.doesNotMatch(await page.textContent('#sched-readout'), /NaN/, type);
    assert.ok((await page.textContent('#sched-code')).length > 20, `${type}: PyTorch code`);
    quiet(type);
  }
  await page.close();
});

test('the race runs every optimizer and every surface of the registry', async () => {
  const page = await openPageIn(browser, distUrl('index.html#/race'), sink);
  const gen = () => page.evaluate(() => Number(document.body.dataset.raceGeneration || 0));
  await page.waitForFunction(() => Number(document.body.dataset.raceGeneration) > 0);
  sameSet(await options(page, '#race-type-0'), names('optimizers'));
  sameSet(await options(page, '#race-fn'), names('surfaces'));
  for (const type of names('optimizers')) {
    const g = await gen();
    await page.selectOption('#race-type-0', type);
    await page.waitForFunction((a) => Number(document.body.dataset.raceGeneration) > a, g);
    assert.equal(await page.textContent('#race-error-0'), '', type);
    assert.match((await page.$$eval('#race-status li', (li) => li.map((x) => x.textContent)))[0], new RegExp(`^● ${type}\\b[^:]*: loss `), type); // the first racer's marker, its type and settings
    quiet(type);
  }
  for (const fn of names('surfaces')) {
    const g = await gen();
    await page.selectOption('#race-fn', fn);
    await page.waitForFunction((a) => Number(document.body.dataset.raceGeneration) > a, g);
    await page.click('#race-stepbtn');
    const lines = await page.$$eval('#race-status li', (li) => li.map((x) => x.textContent));
    assert.ok(lines.length >= 1 && lines.every((l) => / loss |diverged/.test(l) && !l.includes('NaN')), `${fn}: ${lines}`);
    assert.match(await page.textContent('#race-code'), /def f\(x, y\)/, fn);
    quiet(fn);
  }
  await page.close();
});

test('the Losses room draws every panel', async () => {
  const page = await openPageIn(browser, distUrl('index.html#/losses'), sink);
  await page.waitForFunction(() => Number(document.body.dataset.lossesGeneration) > 0);
  for (const panel of await options(page, '#loss-panel')) {
    const g = await page.evaluate(() => Number(document.body.dataset.lossesGeneration));
    await page.selectOption('#loss-panel', panel);
    await page.waitForFunction((a) => Number(document.body.dataset.lossesGeneration) > a, g);
    assert.equal(await page.textContent('#loss-error'), '', panel);
    assert.ok((await page.$$eval('#loss-readout li', (li) => li.length)) >= 2, panel);
    quiet(panel);
  }
  await page.close();
});

test('the Training room offers each data set the losses that fit, and trains every data set, loss, optimizer and scheduler', async () => {
  const page = await openPageIn(browser, distUrl('index.html#/train'), sink);
  const ready = () => page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
  // one batch of the current settings: it must train and show why it stands where it stands
  const step = async (label) => {
    await ready();
    await page.click('#train-step');
    await page.waitForFunction(() => document.body.dataset.trainSteps === '1' || ['error', 'diverged'].includes(document.body.dataset.trainStatus));
    assert.equal(await page.evaluate(() => document.body.dataset.trainStatus), 'running', `${label}: ${await page.textContent('#train-status')}`);
    assert.match(await page.textContent('#train-status'), /^running: epoch 0 of \d+, step 1, lr \d/, label);
    assert.equal(await page.textContent('#train-error'), '', label);
    quiet(label);
  };
  await ready();
  sameSet(await options(page, '#train-ds'), names('datasets'));
  // every data set offers exactly the losses the trainer takes on it; each data set trains (with the loss the
  // room picks for it), and each loss trains on the first data set that offers it
  const trained = new Set();
  for (const ds of names('datasets')) {
    await page.selectOption('#train-ds', ds);
    await page.waitForFunction((d) => window.steplabTraining.getConfig()?.dataset.name === d, ds);
    const offered = await options(page, '#train-loss');
    sameSet(offered, FACTS[ds].losses, `${ds} (${FACTS[ds].task}): the losses the trainer accepts`);
    const chosen = await page.inputValue('#train-loss');
    for (const loss of offered.filter((l) => l === chosen || !trained.has(l))) {
      trained.add(loss);
      if (loss !== await page.inputValue('#train-loss')) await page.selectOption('#train-loss', loss);
      await page.waitForFunction((l) => window.steplabTraining.getConfig()?.loss.type === l, loss);
      await step(`${ds} with ${loss}`);
    }
  }
  await page.selectOption('#train-ds', 'moons');
  await page.waitForFunction(() => window.steplabTraining.getConfig()?.dataset.name === 'moons');
  const optimizers = await options(page, '#train-opt');
  sameSet(optimizers, names('optimizers').filter((o) => !closureOptimizers.includes(o)));
  for (const o of closureOptimizers) {
    assert.match(await page.textContent(`[data-excluded="${o}"]`), new RegExp(`^${o} is not offered here: .*closure`), o);
    assert.equal(await page.isVisible(`[data-excluded="${o}"]`), true);
  }
  for (const o of optimizers) {
    await page.selectOption('#train-opt', o);
    await page.waitForFunction((t) => window.steplabTraining.getConfig()?.optimizer.type === t, o);
    await step(o);
  }
  await page.selectOption('#train-opt', 'Adam');
  sameSet(await options(page, '#train-sched'), ['none', ...names('schedulers')]);
  for (const s of names('schedulers')) {
    await page.selectOption('#train-sched', s);
    await page.waitForFunction((t) => window.steplabTraining.getConfig()?.scheduler?.type === t, s);
    await step(s);
  }
  await page.screenshot({ path: `${shotsDir}registry-train.png`, fullPage: true });
  await page.close();
});

test('every component renders every entry of its family', async () => {
  // a course page beside the components' script, opened from file://
  const file = `${shotsDir}registry-course.html`;
  fs.writeFileSync(file, '<!doctype html><title>every entry</title><script src="../steplab-embed.js"></script>\n'
    + '<steplab-schedule id="s"></steplab-schedule><steplab-race id="r" steps="20"></steplab-race>'
    + '<steplab-loss id="l"></steplab-loss><steplab-train id="t" speed="0" epochs="2" controls="optimizer"></steplab-train>');
  const page = await watchedPage(browser, sink.errors);
  await page.goto(new URL(`file://${file}`).href);
  const gen = (id) => page.evaluate((i) => Number(document.getElementById(i).dataset.rendered || 0), id);
  const set = async (id, attrs, { wait = true } = {}) => {
    const g = await gen(id);
    await page.evaluate(([i, as]) => { const e = document.getElementById(i); for (const [k, v] of Object.entries(as)) e.setAttribute(k, v); }, [id, attrs]);
    if (wait) {
      await page.waitForFunction(([i, a]) => Number(document.getElementById(i).dataset.rendered) > a, [id, g], { timeout: 20000 })
        .catch(async (e) => { throw new Error(`${id} ${JSON.stringify(attrs)}: ${await shadow(id, '.error')} (${e.message})`); });
    }
  };
  const shadow = (id, sel) => page.evaluate(([i, s]) => document.getElementById(i).shadowRoot.querySelector(s)?.textContent ?? null, [id, sel]);
  for (const id of ['s', 'r', 'l', 't']) await page.waitForFunction((i) => Number(document.getElementById(i).dataset.rendered) > 0, id, { timeout: 20000 });

  for (const type of names('schedulers')) {
    await set('s', { type });
    assert.equal(await shadow('s', '.error'), '', type);
    assert.match(await shadow('s', '.sr'), new RegExp(`^${type}: first \\d`), type);
  }
  for (const fn of names('surfaces')) {
    await set('r', { fn, optimizers: JSON.stringify(names('optimizers')) });
    assert.equal(await shadow('r', '.error'), '', fn);
    const lines = await page.evaluate(() => [...document.getElementById('r').shadowRoot.querySelectorAll('ul.status li')].map((x) => x.textContent));
    assert.equal(lines.length, names('optimizers').length, fn);
    assert.ok(lines.every((l) => /: (loss|diverged)/.test(l) && !l.includes('NaN')), `${fn}: ${lines}`);
  }
  for (const against of ['error', 'margin', 'probability', 'distance']) {
    await set('l', { against, derivatives: '' });
    assert.equal(await shadow('l', '.error'), '', against);
    assert.ok((await shadow('l', '.sr')).split('; ').length >= 4, against);
  }
  const epoch = async (label) => {
    await page.evaluate(() => document.getElementById('t').stepEpoch());
    await page.waitForFunction(() => document.getElementById('t').getState().epochs_done === 1
      || document.getElementById('t').shadowRoot.querySelector('.error').textContent, null, { timeout: 20000 });
    assert.equal(await shadow('t', '.error'), '', label);
    assert.match(await shadow('t', '.counter'), /^epoch 1 \/ 2/, label);
  };
  for (const ds of names('datasets')) {
    for (const loss of FACTS[ds].losses) {
      await set('t', { dataset: ds, loss });
      await epoch(`<steplab-train dataset="${ds}" loss="${loss}">`);
    }
  }
  await page.evaluate(() => document.getElementById('t').removeAttribute('loss'));
  await set('t', { dataset: 'moons' });
  const offered = await page.evaluate(() => [...document.getElementById('t').shadowRoot.querySelectorAll('[data-param="optimizer"] option')].map((o) => o.value));
  sameSet(offered, names('optimizers').filter((o) => !closureOptimizers.includes(o)));
  for (const optimizer of offered) {
    await set('t', { optimizer, lr: '0.01' });
    await epoch(`<steplab-train optimizer="${optimizer}">`);
  }
  for (const o of closureOptimizers) {
    await set('t', { optimizer: o }, { wait: false });
    await page.waitForFunction(() => document.getElementById('t').shadowRoot.querySelector('.error').textContent.length > 0);
    assert.match(await shadow('t', '.error'), new RegExp(o), `<steplab-train optimizer="${o}"> says why it does not train`);
  }
  await set('t', { optimizer: 'Adam' });
  for (const scheduler of names('schedulers')) {
    await set('t', { scheduler });
    await epoch(`<steplab-train scheduler="${scheduler}">`);
  }
  await page.close();
  quiet('components');
});
