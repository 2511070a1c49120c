// Issue 19 in the page, headless Chromium from file://: the Training room's per-layer rate
// multipliers become optimizer.param_groups (the run's group rates equal the core's), the
// inspect panel lists each group's rate and LARS's per-tensor trust ratios, the snapshot
// ensemble's metric is drawn and stated beside the single model's (equal to the core's), SWATS's
// switch is marked on the learning-rate chart and on the race's loss chart, the textbook types
// and options (LARS, SWATS, CyclicLR's windows) say so in the menus, and the PyTorch script
// writes the groups. Screenshots at 1280 and 375 px in dist/test-output/.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';
import { lab } from '../helpers.mjs';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const hash = (room, o) => `#/${room}?` + Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');

const SETUP = {
  data: { name: 'moons', n_samples: 200, noise: 0.2, seed: 0, val_fraction: 0.25 },
  model: { hidden: [8, 8], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' },
  opt: { type: 'SGD', lr: 0.2, momentum: 0.9 },
  interval: 'epoch', bmode: 'mini', batch: 30, epochs: 12, seed: 1, speed: 0, // as fast as possible: these tests check numbers, not the pace
};
const ready = (page) => page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
const finished = (page) => page.waitForFunction(() => ['done', 'stopped', 'diverged', 'error'].includes(document.body.dataset.trainStatus)
  && document.getElementById('train-play').textContent === 'Play', null, { timeout: 30000 });
const config = (page) => page.evaluate(() => window.steplabTraining.getConfig());

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('per-layer rate multipliers: param_groups in the config, each group\'s rate in the inspect panel', async () => {
  const page = await openPage(distUrl('index.html' + hash('train', { ...SETUP, lrmult: [0.1, 1, 1] })));
  await ready(page);
  assert.equal(await page.inputValue('#train-lrmult-0'), '0.1');
  let cfg = await config(page);
  assert.deepEqual(cfg.optimizer.param_groups, [{ params: ['fc1.weight', 'fc1.bias'], lr: 0.02 }]);
  // the head at half the rate, through the control
  await page.fill('#train-lrmult-2', '0.5');
  await page.dispatchEvent('#train-lrmult-2', 'change');
  await page.waitForFunction(() => window.steplabTraining.getConfig().optimizer.param_groups?.length === 2);
  cfg = await config(page);
  assert.deepEqual(cfg.optimizer.param_groups.map((g) => [g.params, g.lr]), [[['fc1.weight', 'fc1.bias'], 0.02], [['fc3.weight', 'fc3.bias'], 0.1]]);
  await page.click('#train-play');
  await finished(page);
  // the panel's rates are the core's (a fresh run of the same config)
  const run = lab.createTrainer(cfg);
  run.fit();
  const want = run.inspect().groups;
  run.dispose();
  await page.waitForFunction((n) => document.getElementById('inspect-groups')?.dataset.groups === String(n), want.length);
  const rows = await page.$$eval('#inspect-groups-rates tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
  assert.deepEqual(rows.filter((r) => r[0] !== '').map((r) => [Number(r[0]), Number(r[2])]), want.map((g, i) => [i, +g.lr.toPrecision(6)]));
  assert.deepEqual(rows.map((r) => r[1]), want.flatMap((g) => g.params));
  assert.ok(await page.isHidden('#inspect-trust'), 'no trust ratios without LARS');
  for (const w of [1280, 375]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.screenshot({ path: `${shotsDir}groups-train-${w}.png`, fullPage: true });
  }
  // the PyTorch script builds the groups from the model's tensors
  const script = await page.textContent('#train-code');
  assert.match(script, /tensors = \{f'fc\{k \+ 1\}\.\{name\}': p for k, m in enumerate\(linears\)/);
  assert.match(script, /dict\(params=\[tensors\[n\] for n in \['fc1\.weight', 'fc1\.bias'\]\], lr=0\.02\)/);
  assert.match(script, /optimizer = torch\.optim\.SGD\(param_groups, lr=0\.2, momentum=0\.9\)/);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('LARS: a trust ratio per tensor in the panel, equal to the core\'s, and the menu marks it textbook', async () => {
  const page = await openPage(distUrl('index.html' + hash('train', { ...SETUP, opt: { type: 'LARS', lr: 0.5, lars_exclude: true }, epochs: 4 })));
  await ready(page);
  const label = await page.$eval('#train-opt option[value="LARS"]', (o) => o.textContent);
  assert.equal(label, 'LARS (textbook, not in PyTorch)');
  assert.match(await page.textContent('#train-lrmult-note'), /LARS then scales each weight and bias tensor by its own trust ratio/);
  await page.click('#train-play');
  await finished(page);
  const run = lab.createTrainer(await config(page));
  run.fit();
  const want = run.inspect().layers.map((l) => [l.name, l.trust_ratio]);
  run.dispose();
  await page.waitForFunction(() => !document.querySelector('#inspect-trust').closest('div[hidden]'));
  const rows = await page.$$eval('#inspect-groups-rates tbody tr', (trs) => trs.map((tr) => [tr.children[1].textContent, tr.children[3].textContent]));
  assert.deepEqual(rows, want.map(([n, r]) => [n, String(+r.toPrecision(6))]));
  assert.ok(want.filter(([n]) => n.endsWith('bias')).every(([, r]) => r === 1), 'lars_exclude: the biases keep ratio 1');
  const series = await page.evaluate(() => document.getElementById('inspect-trust').closest('section').id);
  assert.equal(series, 'inspect-groups');
  await page.screenshot({ path: `${shotsDir}groups-lars-1280.png`, fullPage: true });
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('snapshot ensemble: offered with CosineAnnealingWarmRestarts, its validation accuracy drawn and stated', async () => {
  const sched = { type: 'CosineAnnealingWarmRestarts', T_0: 3, T_mult: 1, eta_min: 0.001 };
  const plain = await openPage(distUrl('index.html' + hash('train', { ...SETUP, sched: { type: 'StepLR', step_size: 3 } })));
  await ready(plain);
  assert.ok(await plain.isDisabled('#train-snapshot'));
  assert.match(await plain.textContent('#train-snapshot-note'), /Needs the CosineAnnealingWarmRestarts schedule/);
  await plain.close();
  const page = await openPage(distUrl('index.html' + hash('train', { ...SETUP, sched, snap: '1' })));
  await ready(page);
  const cfg = await config(page);
  assert.equal(cfg.snapshot_ensemble, true);
  await page.click('#train-play');
  await finished(page);
  const run = lab.createTrainer(cfg);
  run.fit();
  const h = run.history.epochs;
  run.dispose();
  const drawn = await page.evaluate(() => window.steplabTraining.charts.metric.series.map((s) => ({ label: s.label, values: Array.from(s.values) })));
  const ens = drawn.find((s) => s.label === 'now: snapshot ensemble (val)');
  assert.deepEqual(ens.values, Array.from(h.ensemble_val_accuracy, (v) => (Number.isNaN(v) ? null : v)));
  assert.equal(h.snapshots.at(-1), 4);
  const fmt = (v) => String(+v.toPrecision(6));
  assert.equal(await page.textContent('#train-ensemble'),
    `Snapshot ensemble of 4 models: validation accuracy ${fmt(h.ensemble_val_accuracy.at(-1))} (the single model: ${fmt(h.val_accuracy.at(-1))}).`);
  await page.setViewportSize({ width: 375, height: 900 });
  await page.screenshot({ path: `${shotsDir}groups-snapshot-375.png`, fullPage: true });
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('SWATS: the switch to SGD marked on the training lr chart and the race\'s loss chart', async () => {
  const page = await openPage(distUrl('index.html' + hash('train', { ...SETUP, opt: { type: 'SWATS', lr: 0.01, eps: 1e-3 }, interval: 'step', epochs: 60 })));
  await ready(page);
  await page.click('#train-play');
  await finished(page);
  const run = lab.createTrainer(await config(page));
  run.fit();
  const sw = run.history.swats;
  run.dispose();
  assert.ok(sw.length >= 1, 'the run switches');
  const marks = await page.evaluate(() => window.steplabTraining.charts.lr.marks.map((m) => [m.x, m.label]));
  assert.deepEqual(marks, sw.map((g) => [g.step, `group ${g.group}: SGD from step ${g.step + 1}, lr ${+g.lr.toPrecision(6)}`]));
  await page.close();
  // the race: SWATS on Rosenbrock switches within 300 steps (README); the mark is at the core's switch step
  const racer = { type: 'SWATS', lr: 0.01, eps: 1e-3 };
  const setup = { fn: 'rosenbrock', fnp: {}, start: [-1.5, 2], steps: 300, opts: [racer, { type: 'Adam', lr: 0.01 }], at: 300 };
  const race = await openPage(distUrl('index.html' + hash('race', setup)));
  const t = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2], optimizer: racer, steps: 300 });
  assert.ok(t.swats && t.swats.step > 0, 'the racer switches');
  await race.waitForFunction(() => document.getElementById('race-chart')?.lineChart?.marks?.length === 1, null, { timeout: 20000 });
  const rm = await race.evaluate(() => document.getElementById('race-chart').lineChart.marks.map((m) => [m.x, m.label]));
  assert.deepEqual(rm, [[t.swats.step, `SWATS lr 0.01 eps 0.001: SGD from here, lr ${+t.swats.lr.toPrecision(6)}`]]);
  assert.equal(await race.$eval('#race-type-0 option[value="SWATS"]', (o) => o.textContent), 'SWATS (textbook, not in PyTorch)');
  await race.screenshot({ path: `${shotsDir}groups-race-swats-1280.png`, fullPage: true });
  await race.close();
  assert.deepEqual(sink.errors, []);
});

test('the Schedules room marks CyclicLR\'s windows as textbook', async () => {
  const page = await openPage(distUrl('index.html' + hash('schedules', { curves: [{ type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 10, window: 'hann' }] })));
  await page.waitForSelector('label[for$="-window"]', { state: 'attached' });
  assert.match(await page.textContent('label[for$="-window"]'), /\(textbook, not (in )?PyTorch\)/);
  assert.doesNotMatch(await page.textContent('label[for$="-mode"]'), /textbook/);
  const textbook = await page.$$eval('select[id^="sched-type"] option', (os) => os.filter((o) => /textbook/.test(o.textContent)).map((o) => o.value));
  assert.deepEqual([...new Set(textbook)].sort(), lab.registry.schedulers.filter((k) => k.textbook).map((k) => k.name).sort());
  await page.close();
  assert.deepEqual(sink.errors, []);
});
