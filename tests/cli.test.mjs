// The command line: outputs, exit codes (0 ok, 2 bad input, 1 other), and the
// packed npm package installed offline into an empty folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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

test('a schedule that ends before the default 100 values says so and names --steps; with --steps it is PyTorch\'s error alone', () => {
  const spec = '{"type":"OneCycleLR","max_lr":0.1,"total_steps":50}';
  let r = run('schedule', spec);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /OneCycleLR: total_steps is 50; cannot take step 52 .*steplab schedule computes 100 values unless --steps N says how many/);
  r = run('schedule', `{"type":"SequentialLR","schedulers":[${spec}],"milestones":[]}`);
  assert.match(r.stderr, /unless --steps N/, 'also when the ending schedule is a child');
  r = run('schedule', spec, '--steps', '60');
  assert.equal(r.status, 2);
  assert.ok(r.stderr.includes('cannot take step 52') && !r.stderr.includes('--steps'), r.stderr);
  assert.equal(run('schedule', spec, '--steps', '50').status, 0);
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
    [['schedule', '{"type":"StepLR","step_size":3}', '--steps', 'many'], "--steps must be a whole number written in decimal digits, got 'many'"],
    [['schedule', '{"type":"StepLR","step_size":3}', '--steps', '99999999999'], 'StepLR: n must be an integer in [0, 50000000], got 99999999999'],
    [['schedule'], 'the scheduler spec is missing'],
    [['schedule', '@/nonexistent/spec.json'], "cannot read '/nonexistent/spec.json': no such file or directory (ENOENT)"],
    [['schedule', '{"type":"ReduceLROnPlateau"}', '--steps', '3', '--metrics', '1,x'], "--metrics must be decimal numbers (or NaN, Infinity, -Infinity) separated by commas (item 2 is 'x'), got '1,x'"],
    [['loss', '{"type":"MSELoss"}', '[1,2]', '[1]'], 'MSELoss'],
    [['list', 'recipes'], "list: unknown family 'recipes'; the families are schedulers, losses, optimizers"],
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
    [['train', '/nonexistent/config.json'], "cannot read '/nonexistent/config.json': no such file or directory (ENOENT)"],
    [['train', '{"dataset":'], 'the trainer config is not valid JSON'],
    [['train', JSON.stringify({ ...moons, optimizer: { type: 'Adam', lr: -1 } })], 'Adam: lr must be'],
    [['train', JSON.stringify({ ...moons, epochs: 0 })], 'epochs'],
    [['train', JSON.stringify(moons), '--out', '/nonexistent/dir/h.csv'], "--out: cannot write '/nonexistent/dir/h.csv'"],
    [['lr-find', JSON.stringify(moons), '--smooth-f', '1'], 'lrFind: smooth_f must be a number in [0, 1), got 1'],
    [['lr-find', JSON.stringify(moons), '--start-lr', 'tiny'], "--start-lr must be a finite decimal number (like 0.001 or 1e-3), got 'tiny'"],
    [['lr-find', JSON.stringify(moons), '--start-lr', '0'], 'lrFind: start_lr must be a finite number > 0, got 0'],
    [['lr-find', JSON.stringify(moons), '--step-mode', 'cos'], "--step-mode must be one of exp, linear, got 'cos'"],
    [['lr-find', JSON.stringify(moons), '--seeds', '1,,2'], "--seeds must be whole numbers separated by commas (item 2 is '')"],
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

test('flags are parsed strictly, names are looked up without prototypes, files are named as given', () => {
  const spec = '{"type":"StepLR","step_size":2}';
  const cases = [
    [['schedule', spec, '--steps='], '--steps needs a value, got an empty one'],
    [['schedule', spec, '--steps', '0x10'], "--steps must be a whole number written in decimal digits, got '0x10'"],
    [['schedule', spec, '--steps', '1e2'], "--steps must be a whole number written in decimal digits, got '1e2'"],
    [['schedule', spec, '--steps', ' 5'], "--steps must be a whole number"],
    [['schedule', spec, '--steps', '-1'], "--steps must be a whole number"],
    [['schedule', spec, '--stpes', '5'], "unknown flag '--stpes'"],
    [['schedule', spec, '--__proto__'], "unknown flag '--__proto__'"],
    [['schedule', spec, '--constructor=1'], "unknown flag '--constructor'"],
    [['schedule', spec, '-s', '5'], "unknown flag '-s'"],
    [['schedule', spec, '--steps', '3', '--steps', '4'], '--steps is given twice'],
    [['schedule', spec, '--csv=yes'], "--csv takes no value, got 'yes'"],
    [['schedule', spec, '--out', 'x.csv'], 'schedule does not take --out (its flags: --steps, --metrics, --csv, --json, --plot, --width, --height)'],
    [['train', 'x.json', '--steps', '3'], 'train does not take --steps'],
    [['schedule', spec, 'extra'], "schedule takes 1 argument, got an extra one: 'extra'"],
    [['schedule', spec, '--width', '30'], '--width applies only with --plot'],
    [['schedule', spec, '--plot', '--width', '3'], '--width must be in [8, 1000], got 3'],
    [['lr-find', 'x.json', '--end-lr', 'Infinity'], "--end-lr must be a finite decimal number"],
    [['lr-find', 'x.json', '--end-lr', '1e999'], "--end-lr must be a finite decimal number"],
    [['list', '__proto__'], "list: unknown family '__proto__'; the families are schedulers, losses, optimizers, surfaces, datasets"],
    [['list', 'constructor'], "list: unknown family 'constructor'; the families are"],
    [['list', 'toString'], "list: unknown family 'toString'; the families are"],
    [['toString'], "unknown command 'toString'"],
    [['__proto__'], "unknown command '__proto__'"],
    [['train', 'null'], "the trainer config: cannot read 'null': no such file or directory (ENOENT)"],
    [['train', os.tmpdir()], `the trainer config: cannot read '${os.tmpdir()}': it is a directory (EISDIR)`],
    [['schedule', '@'], "cannot read '': no such file or directory"],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
    assert.ok(r.stderr.includes(message), `${args.join(' ')}: '${r.stderr}' lacks '${message}'`);
    assert.ok(!r.stderr.includes('internal error') && !r.stderr.includes('    at '), r.stderr);
    assert.equal(r.stdout, '');
  }
  const ok = run('schedule', spec, '--steps=3', '--plot', '--width', '20', '--height=6');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /StepLR: learning rate over 3 steps/);
  assert.equal(run('list', 'datasets').status, 0);
  // NaN and infinite metrics are values ReduceLROnPlateau takes (bad epochs), not typos
  const nan = run('schedule', '{"type":"ReduceLROnPlateau","patience":0,"lr":1}', '--steps', '3', '--metrics', '1,NaN,-Infinity');
  assert.equal(nan.status, 0, nan.stderr);
  assert.deepEqual(run('lr-find', JSON.stringify(moons), '--num-iter', '12', '--start-lr', '1e-4', '--end-lr', '.5', '--json').status, 0);
});

test('train checks --out before any work and removes the file it made when nothing is written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-cli-'));
  // a long run: were it trained first, the test would time out
  const long = JSON.stringify({ ...moons, epochs: 1000000 });
  for (const [out, why] of [['/proc/nope/x.csv', 'no such file or directory'], [dir, 'it is a directory'], [path.join(dir, 'no/such/dir.csv'), 'no such file']]) {
    const r = spawnSync(process.execPath, [cli, 'train', long, '--out', out], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2, `${out}: ${r.status} ${r.stderr}`);
    assert.ok(r.stderr.startsWith(`steplab: --out: cannot write '${out}': ${why}`), r.stderr);
    assert.equal(r.stdout, '');
  }
  const file = path.join(dir, 'h.csv');
  const bad = run('train', JSON.stringify({ ...moons, optimizer: { type: 'Adam', lr: -1 } }), '--out', file);
  assert.equal(bad.status, 2);
  assert.ok(!fs.existsSync(file), 'a refused config leaves no empty history file behind');
  assert.equal(run('train', 'null', '--out', file).status, 2);
  assert.ok(!fs.existsSync(file));
  fs.writeFileSync(file, 'kept');
  assert.equal(run('train', JSON.stringify({ ...moons, epochs: 0 }), '--out', file).status, 2);
  assert.equal(fs.readFileSync(file, 'utf8'), 'kept', 'an existing file is left alone when nothing is written');
  fs.rmSync(dir, { recursive: true });
});

// Spawns a long training run, sends SIGINT once the first epoch line is out, and resolves with
// { code, stdout, stderr } (a hang guard kills it after 60 s).
function interrupt(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', sent = false;
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`hung: ${stderr.slice(-400)}`)); }, 60000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /^epoch 1 /m.test(stderr)) { sent = true; child.kill('SIGINT'); }
    });
    child.on('close', (code, signal) => { clearTimeout(guard); resolve({ code, signal, stdout, stderr }); });
  });
}

test('Ctrl-C during train writes the epochs done so far (to --out, else stdout), says so, and exits 130', async () => {
  const config = { ...moons, epochs: 100000 };
  const want = lab.createTrainer(config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-cli-'));
  const file = path.join(dir, 'h.csv');
  const r = await interrupt(['train', JSON.stringify(config), '--out', file]);
  assert.equal(r.code, 130, `${r.code} ${r.signal} ${r.stderr.slice(-400)}`);
  const m = /steplab: interrupted at step (\d+) of 800000; the history of the (\d+) complete epochs? was written to '(.*)'\n$/.exec(r.stderr);
  assert.ok(m, r.stderr.slice(-400));
  assert.equal(m[3], file);
  const rows = fs.readFileSync(file, 'utf8').trim().split('\n');
  const n = Number(m[2]);
  assert.ok(n >= 1 && rows.length === n + 1, `${n} epochs said, ${rows.length - 1} written`);
  assert.equal(rows[0], 'epoch,train_loss,val_loss,train_accuracy,val_accuracy,lr');
  // the rows are the run's own numbers: the same epochs from the same config in this process
  want.step(Number(m[1]));
  const h = want.history.epochs;
  assert.equal(h.train_loss.length, n);
  assert.equal(rows[n], `${n},${h.train_loss[n - 1]},${h.val_loss[n - 1]},${h.train_accuracy[n - 1]},${h.val_accuracy[n - 1]},${h.lr[n - 1]}`);
  want.dispose();
  // without --out the history goes to stdout
  const s = await interrupt(['train', JSON.stringify(config)]);
  assert.equal(s.code, 130, s.stderr.slice(-400));
  assert.match(s.stderr, /was written to stdout\n$/);
  const lines = s.stdout.trim().split('\n');
  assert.equal(lines[0], 'epoch,train_loss,val_loss,train_accuracy,val_accuracy,lr');
  assert.ok(lines.length >= 2 && lines[1].startsWith(`1,${h.train_loss[0]},`), s.stdout.slice(0, 300));
  fs.rmSync(dir, { recursive: true });
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
