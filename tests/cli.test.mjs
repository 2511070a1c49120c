// The command line: outputs, exit codes (0 ok, 2 bad input, 1 other), and the
// packed npm package installed offline into an empty folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lab } from './helpers.mjs';

const root = new URL('..', import.meta.url).pathname;
const cli = path.join(root, 'web/cli.mjs');
const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('schedule prints the values, as CSV, as JSON and as a terminal plot', () => {
  const spec = { type: 'OneCycleLR', max_lr: 0.1, total_steps: 10 };
  const want = Array.from(lab.schedule(spec, 10));
  let r = run('schedule', JSON.stringify(spec), '--steps', '10');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map(Number), want);
  r = run('schedule', JSON.stringify(spec), '--steps=10', '--csv');
  assert.equal(r.stdout.split('\n')[0], 'step,lr');
  assert.equal(r.stdout.split('\n')[3], `2,${want[2]}`);
  r = run('schedule', JSON.stringify(spec), '--steps', '10', '--json');
  assert.deepEqual(JSON.parse(r.stdout).lr, want);
  r = run('schedule', JSON.stringify(spec), '--steps', '10', '--plot');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /OneCycleLR: learning rate over 10 steps/);
  assert.ok(r.stdout.includes('0.1 │') && r.stdout.includes('4e-7 │'), r.stdout);
  const plateau = run('schedule', '{"type":"ReduceLROnPlateau","patience":0,"lr":1}', '--steps', '3', '--metrics', '1,1');
  assert.deepEqual(plateau.stdout.trim().split('\n').map(Number), [1, 1, 0.1]);
});

test('a spec can come from a file, and loss prints value and gradient', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-cli-'));
  fs.writeFileSync(path.join(dir, 'spec.json'), '{"type":"StepLR","lr":0.1,"step_size":30,"gamma":0.1}');
  const r = run('schedule', `@${path.join(dir, 'spec.json')}`, '--steps', '90');
  assert.equal(r.stdout.trim().split('\n')[60], String(lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }, 90)[60]));
  const l = run('loss', '{"type":"HuberLoss","delta":5}', '[98,153,199,182,140]', '[100,150,200,180,120]', '--json');
  assert.equal(l.status, 0, l.stderr);
  assert.equal(JSON.parse(l.stdout).value, 19.3);
  fs.rmSync(dir, { recursive: true });
});

test('trace prints the path as the core computes it, and says when it diverged', () => {
  const o = { fn: 'rosenbrock', start: [-1.5, 2], optimizer: { type: 'Adam', lr: 0.05 }, steps: 20 };
  const want = lab.trace(o);
  const r = run('trace', JSON.stringify(o), '--csv');
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.equal(rows[0], 'step,x,y,loss,lr');
  assert.equal(rows[21], `20,${want.x[20]},${want.y[20]},${want.loss[20]},${want.lr[20]}`);
  const d = run('trace', JSON.stringify({ fn: 'saddle', start: [-1, 0.01], optimizer: { type: 'SGD', lr: 0.5 }, steps: 500 }));
  assert.equal(d.status, 0);
  assert.match(d.stderr, /SGD diverged at step \d+/);
  assert.ok(!d.stdout.includes('NaN'));
  assert.match(run('trace', JSON.stringify(o), '--plot').stdout, /Adam on rosenbrock: loss per step \(20 steps\)/);
  const bad = run('trace', JSON.stringify({ ...o, optimizer: { type: 'Adam', betas: [0.9, 1] } }));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Adam: betas/);
});

test('bad input exits 2 with the message naming the field; help and version exit 0', () => {
  const cases = [
    [['schedule', '{"type":"OneCycleLR","max_lr":0.1,"total_steps":10,"pct_start":1.5}'], 'OneCycleLR: pct_start must be a number in (0, 1), got 1.5'],
    [['schedule', '{"type":"StepLR"'], 'the scheduler spec is not valid JSON'],
    [['schedule', '{"type":"StepLR","step_size":3}', '--steps', 'many'], 'StepLR: n must be an integer in [0, 50000000], got NaN'],
    [['schedule'], 'the scheduler spec is missing'],
    [['schedule', '@/nonexistent/spec.json'], 'cannot read /nonexistent/spec.json: ENOENT'],
    [['schedule', '{"type":"ReduceLROnPlateau"}', '--steps', '3', '--metrics', '1,x'], "ReduceLROnPlateau: metrics [1] must be a number, got 'x'"],
    [['loss', '{"type":"MSELoss"}', '[1,2]', '[1]'], 'MSELoss'],
    [['list', 'recipes'], "list: family must be one of"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['schedule', '--steps'], '--steps needs a value'],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
    assert.ok(r.stderr.includes(message), `${args.join(' ')}: '${r.stderr}' lacks '${message}'`);
    assert.equal(r.stdout, '');
  }
  const h = run('--help');
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Usage:[\s\S]*Examples:/);
  assert.equal(run('--version').stdout.trim(), JSON.parse(fs.readFileSync(path.join(root, 'package.json'))).version);
  assert.match(run('list', 'losses').stdout, /^HuberLoss\s/m);
});

const moons = {
  dataset: { name: 'moons', n_samples: 200, noise: 0.1, seed: 3, val_fraction: 0.2 },
  model: { hidden: [16], activation: 'tanh' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'Adam', lr: 0.02 },
  batch_size: 20,
  epochs: 6,
  seed: 2,
};

test('train: final metrics, the history as CSV and JSON, one progress line per epoch when not a terminal', () => {
  const want = lab.createTrainer(moons);
  want.fit();
  const h = want.history.epochs;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-cli-'));
  const cfg = path.join(dir, 'moons.json');
  fs.writeFileSync(cfg, JSON.stringify(moons));
  const csv = path.join(dir, 'history.csv');
  const r = run('train', cfg, '--out', csv);
  assert.equal(r.status, 0, r.stderr);
  const val = want.evaluate('val');
  assert.match(r.stdout, new RegExp(`^done: 6 epochs, ${want.steps_done} steps in `));
  assert.ok(r.stdout.includes(`val   loss ${val.loss.toPrecision(4)}  accuracy ${val.accuracy.toPrecision(4)}`), r.stdout);
  // stderr is a pipe here: plain lines, one per epoch, no bar
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 6, r.stderr);
  assert.match(lines[5], new RegExp(`^epoch 6  train_loss ${h.train_loss[5].toPrecision(4)}  val_loss ${h.val_loss[5].toPrecision(4)}  `));
  assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('ETA'));
  const rows = fs.readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'epoch,train_loss,val_loss,train_accuracy,val_accuracy,lr');
  assert.equal(rows.length, 7);
  assert.equal(rows[3], `3,${h.train_loss[2]},${h.val_loss[2]},${h.train_accuracy[2]},${h.val_accuracy[2]},${h.lr[2]}`);
  const j = run('train', JSON.stringify(moons), '--json', '--quiet');
  assert.equal(j.stderr, '');
  const o = JSON.parse(j.stdout);
  assert.deepEqual(o.history.epochs.val_loss, Array.from(h.val_loss));
  assert.equal(o.metrics.val.accuracy, val.accuracy);
  assert.equal(o.status, 'done');
  want.dispose();
  fs.rmSync(dir, { recursive: true });
});

test('train on a terminal: a redrawn progress bar with ETA (under script, a pseudo-terminal)', (t) => {
  if (spawnSync('script', ['--version']).status !== 0) return t.skip('script (util-linux) is not installed');
  const cmd = [process.execPath, cli, 'train', `'${JSON.stringify({ ...moons, epochs: 300 })}'`].join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
  const frames = r.stdout.split('\r').filter((f) => f.includes('ETA'));
  assert.ok(frames.length >= 2, r.stdout);
  assert.match(frames.at(-1), /█{24} 100%  epoch 300  step 2400\/2400  val_loss \S+  ETA 0\.0s/);
  assert.match(frames[0], /░ +\d+%  epoch \d+  step \d+\/2400/);
  assert.ok(!/^epoch 1  train_loss/m.test(r.stdout));
  assert.match(r.stdout, /\x1b\[Kdone: 300 epochs, 2400 steps in /);
});

test('lr-find: the range test of lab.lrFind as JSON, CSV, a summary and a plot', () => {
  const options = { start_lr: 1e-5, end_lr: 10, num_iter: 60 };
  const want = lab.lrFind(moons, options);
  const args = ['lr-find', JSON.stringify(moons), '--start-lr', '1e-5', '--end-lr=10', '--num-iter', '60'];
  const j = run(...args, '--json');
  assert.equal(j.status, 0, j.stderr);
  const o = JSON.parse(j.stdout);
  assert.deepEqual(o.smoothed, Array.from(want.smoothed));
  assert.deepEqual(o.suggestions, want.suggestions);
  const c = run(...args, '--csv').stdout.trim().split('\n');
  assert.equal(c[0], 'seed,step,lr,loss,smoothed');
  assert.equal(c[4], `2,3,${want.lrs[3]},${want.losses[3]},${want.smoothed[3]}`);
  const s = run(...args);
  assert.ok(s.stdout.includes(`valley   ${want.suggestions.valley.toExponential(2).padStart(9)}`), s.stdout);
  const p = run(...args, '--plot', '--seeds', '1,2,3');
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /smoothed loss vs learning rate \(steps 6\.\.\d+\)/);
  assert.match(p.stdout, /\(lr, log scale\)\n +[VSML ]*V/);
  assert.match(p.stdout, /V valley +\S+ +seeds: min \S+ +median \S+ +max \S+/);
});

test('train and lr-find: bad input exits 2 naming the field; a diverging run exits 0', () => {
  const cases = [
    [['train'], 'the trainer config is missing'],
    [['train', '/nonexistent/config.json'], 'cannot read /nonexistent/config.json: ENOENT'],
    [['train', '{"dataset":'], 'the trainer config is not valid JSON'],
    [['train', JSON.stringify({ ...moons, optimizer: { type: 'Adam', lr: -1 } })], 'Adam: lr must be'],
    [['train', JSON.stringify({ ...moons, epochs: 0 })], 'epochs'],
    [['train', JSON.stringify(moons), '--out', '/nonexistent/dir/h.csv'], '--out: cannot write /nonexistent/dir/h.csv'],
    [['lr-find', JSON.stringify(moons), '--smooth-f', '1'], 'lrFind: smooth_f must be a number in [0, 1), got 1'],
    [['lr-find', JSON.stringify(moons), '--start-lr', 'tiny'], 'lrFind: start_lr must be a finite number > 0, got NaN'],
    [['lr-find', JSON.stringify(moons), '--step-mode', 'cos'], "lrFind: step_mode must be 'exp' or 'linear', got 'cos'"],
    [['lr-find', JSON.stringify(moons), '--seeds', '1,,2'], 'lrFind: seeds[1]'],
    [['lr-find', JSON.stringify({ ...moons, loss: { type: 'Nope' } })], 'Nope'],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
    assert.ok(r.stderr.includes(message), `${args.join(' ')}: '${r.stderr}' lacks '${message}'`);
    assert.equal(r.stdout, '');
  }
  const h = run('--help').stdout;
  assert.match(h, /steplab train <config.json> \[--out history.csv\]/);
  assert.match(h, /Examples:[\s\S]*steplab train [\s\S]*steplab lr-find /);
  assert.equal(run('train', JSON.stringify({ ...moons, epochs: 1 }), '--quiet').status, 0);
  // a diverging run is a result, not bad input
  const d = run('train', JSON.stringify({ ...moons, model: { hidden: [16], activation: 'relu' }, optimizer: { type: 'SGD', lr: 1e6 } }), '--quiet');
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stdout, /^diverged \(.* at step \d+.*\): \d+ epochs, \d+ steps in /);
  const dj = JSON.parse(run('train', JSON.stringify({ ...moons, model: { hidden: [16], activation: 'relu' }, optimizer: { type: 'SGD', lr: 1e6 } }), '--json', '--quiet').stdout);
  assert.equal(dj.status, 'diverged');
  assert.ok(Number.isInteger(dj.diverged.step) && dj.diverged.step < 48, JSON.stringify(dj.diverged));
});

test('npm pack gives a package that installs offline into an empty folder and works there', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-pack-'));
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const tgz = path.join(dir, pack.stdout.trim().split('\n').pop());
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{"name":"course-grader","version":"1.0.0","type":"module"}');
  const inst = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], { cwd: app, encoding: 'utf8' });
  assert.equal(inst.status, 0, inst.stderr);
  const use = spawnSync(process.execPath, ['-e',
    "import('steplab').then(async m => { const lab = await m.loadSteplab(); console.log(lab.simd, lab.schedule({type:'StepLR',step_size:2,gamma:0.5,lr:1},5).join(',')) })"],
  { cwd: app, encoding: 'utf8' });
  assert.equal(use.stdout.trim(), 'true 1,1,0.5,0.5,0.25', use.stderr);
  const bin = spawnSync(path.join(app, 'node_modules/.bin/steplab'), ['schedule', '{"type":"ExponentialLR","gamma":0.5,"lr":1}', '--steps', '3'], { encoding: 'utf8' });
  assert.equal(bin.stdout, '1\n0.5\n0.25\n', bin.stderr);
  assert.ok(fs.existsSync(path.join(app, 'node_modules/steplab/dist/steplab.d.ts')));
  // the digits data set ships with the package: lr-find on it from the installed command
  const lf = spawnSync(path.join(app, 'node_modules/.bin/steplab'), ['lr-find', JSON.stringify({ ...moons, dataset: { name: 'digits' },
    loss: { type: 'CrossEntropyLoss' } }), '--num-iter', '30', '--json'], { encoding: 'utf8' });
  assert.equal(lf.status, 0, lf.stderr);
  assert.equal(JSON.parse(lf.stdout).lrs[0], 1e-7);
  fs.rmSync(dir, { recursive: true, force: true });
});
