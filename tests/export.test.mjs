// The PyTorch export writes every formula the core accepts as valid Python with the core's value:
// a few hundred seeded random formulas from the grammar of c/base/formula.h, and hostile ones,
// go through the Schedules room's script (schedulerCode) and the Training room's (trainingScript);
// Python's own parser (ast) reads every script, and for a sample Python's value of the lambda at
// epochs 0..7 equals the core's (lab.schedule of LambdaLR with lr 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { lab, assertError, assertClose, hasTorch } from './helpers.mjs';
import { formulaToPython, schedulerCode, py, pyString } from '../web/app/pytorch.js';
import { trainingScript } from '../web/app/rooms/train-code.js';

const PYTHON = '/usr/bin/python3';
const EPOCHS = 8;

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A random formula text of the core's language. Exponents stay small (Python's exact integers
// make 9 ** 9 ** 9 take forever); spacing varies, line breaks included.
function formula(r, depth = 4) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const sp = () => pick([' ', ' ', ' ', '', '\n', '\t', '\r\n', '  ']);
  const number = () => pick([
    () => String(Math.floor(r() * 10)), () => (r() * 10).toFixed(2), () => `.${Math.floor(r() * 100)}`, () => `${Math.floor(r() * 9) + 1}.`,
    () => `${Math.floor(r() * 9) + 1}e-${Math.floor(r() * 3)}`, () => `${Math.floor(r() * 5)}E+1`, () => `00${Math.floor(r() * 10)}`, () => '0.95',
  ])();
  const atom = () => pick([number, () => 'epoch', () => 'epoch', () => 'pi', () => 'e'])();
  if (depth <= 0) return atom();
  const sub = () => formula(r, depth - 1);
  const kinds = [
    atom,
    () => `${pick(['-', '+', '- '])}${sub()}`,
    () => `${sub()}${sp()}${pick(['+', '-', '*', '/', '//', '%'])}${sp()}${sub()}`,
    () => `${pick([atom, () => `(${sub()})`])()}${sp()}${pick(['^', '**'])}${sp()}${pick(['2', '3', '0.5', '-1', '(epoch / 10)', '- 2'])}`,
    () => {
      const n = 1 + Math.floor(r() * 3);
      let s = sub();
      for (let i = 0; i < n; i++) s += `${sp()}${pick(['<', '<=', '>', '>=', '==', '!='])}${sp()}${sub()}`;
      return s;
    },
    () => `${sub()}${sp()}?${sp()}${sub()}${sp()}:${sp()}${sub()}`,
    () => `${pick(['exp', 'log', 'sqrt', 'sin', 'cos', 'floor', 'ceil', 'abs'])}${pick(['', ' '])}(${sub()})`,
    () => `${pick(['min', 'max'])}(${Array.from({ length: 2 + Math.floor(r() * 2) }, sub).join(`,${sp()}`)})`,
    () => `(${sp()}${sub()}${sp()})`,
  ];
  return pick(kinds)();
}

// The core's lr at epochs 0..n-1 of LambdaLR with lr 1: f(epoch), or null where it is not finite.
function coreValues(text, n) {
  const spec = { type: 'LambdaLR', lr: 1, lr_lambda: text };
  try {
    return Array.from(lab.schedule(spec, n));
  } catch {
    return Array.from({ length: n }, (_, k) => {
      try { return lab.schedule(spec, k + 1)[k]; } catch { return null; }
    });
  }
}
const accepted = (text) => {
  try { lab.createScheduler({ type: 'LambdaLR', lr_lambda: text }).dispose(); return true; } catch { return false; }
};

// Runs Python once: ast.parse of every script, and each body as `lambda epoch: body` at 0..epochs-1
// (null where Python raises or the value is complex or not finite).
function python(scripts, bodies) {
  const src = `
import ast, json, math, sys
req = json.load(sys.stdin)
out = {'parse': [], 'values': []}
for s in req['scripts']:
    try:
        ast.parse(s)
        out['parse'].append(None)
    except SyntaxError as e:
        out['parse'].append('%s at line %s: %r' % (e.msg, e.lineno, e.text))
for body in req['bodies']:
    f = eval('lambda epoch: ' + body, {'math': math, '__builtins__': {'abs': abs, 'min': min, 'max': max}})
    vals = []
    for k in range(req['epochs']):
        try:
            v = f(k)
            v = None if isinstance(v, complex) else float(v)
            vals.append(v if v is not None and math.isfinite(v) else None)
        except (ArithmeticError, ValueError):
            vals.append(None)
    out['values'].append(vals)
print(json.dumps(out))
`;
  const r = spawnSync(PYTHON, ['-c', src], { input: JSON.stringify({ scripts, bodies, epochs: EPOCHS }), encoding: 'utf8', timeout: 120000, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const HOSTILE = [
  '0x10', '0x1p-2', 'epoch * 0X1A', '1e', '2epoch', 'inf', 'nan', '1_000', '1.5.5', '.', '',
  'epoch)\nimport os\nos.system("true")\n(', '1 # comment', "0.5 # ')", '1\n+ 2', '\n\n0.9 ^ epoch\n', 'epoch\r\n< 5 ? 1 : 0.1',
  '"""', "'", '\\', '1 +\u2028 2', 'epoch\u00a0+ 1', '__import__("os")', 'math.exp(1)', 'lambda: 1', 'exp', 'min(1)', 'exp(1, 2)',
  '1 < epoch < 4', '3 > 2 > 1', '1 < 2 == 1 != 0', '(1 < epoch) < 4', '- - -1', '+-+2', '2 ^ -2', '2 ** 3 ** 2', '-2 ^ 2',
  '007 + 00 + 0.0', '1. + .5 + 1E+2', 'e ^ e', 'pi', 'epoch // 3 % 2', '(((((epoch)))))', 'a'.repeat(600), '(' .repeat(70) + '1' + ')'.repeat(70),
];

test('formulaToPython: the rewrites, chained comparisons kept, and the refusals the core makes', () => {
  const cases = [
    ['epoch < 5 ? (epoch + 1) / 5 : 0.95 ^ (epoch - 5)', '(epoch + 1) / 5 if epoch < 5 else 0.95 ** (epoch - 5)'],
    ['1 < epoch < 4', '1 < epoch < 4'],
    ['3 > 2 > 1 ? 1 : 0', '1 if 3 > 2 > 1 else 0'],
    ['1 + (epoch < 3 ? 1 : 2) * 2', '1 + ((1 if epoch < 3 else 2)) * 2'],
    ['exp(-0.05 * epoch) + abs(pi) + log(e)', 'math.exp(-0.05 * epoch) + abs(math.pi) + math.log(math.e)'],
    ['max(0.1,\n  1 - epoch / 50)', 'max(0.1, 1 - epoch / 50)'],
    ['007 * 1.', '7 * 1.'],
    ['-2 ^ -1', '-2 ** -1'],
  ];
  for (const [f, want] of cases) assert.equal(formulaToPython(f), want, f);
  for (const f of ['0x10', '0x1p-2', '1e', '2epoch', 'inf', '1 # x', 'epoch\u00a0+ 1', 'min(1)', 'exp(1, 2)', '', 'toString', 'constructor(1)']) {
    assert.throws(() => formulaToPython(f), Error, f);
  }
  // the core refuses hex with the column, so the page never gets as far as exporting one
  assertError(() => lab.schedule({ type: 'LambdaLR', lr_lambda: 'epoch * 0x10' }, 3), 'LambdaLR: lr_lambda does not parse at column 9: hexadecimal');
  assert.deepEqual(Array.from(lab.schedule({ type: 'LambdaLR', lr: 1, lr_lambda: '1 < epoch < 4' }, 6)), [0, 0, 1, 1, 0, 0]);
  assert.deepEqual(Array.from(lab.schedule({ type: 'LambdaLR', lr: 0.5, lr_lambda: '3 > 2 > 1' }, 2)), [0.5, 0.5]);
  assert.equal(py(Infinity), "float('inf')");
  assert.equal(py({ a: [1, 'x'] }), "{'a': [1, 'x']}");
  assert.equal(pyString("it's\n\\"), "'it\\'s\\u000a\\\\'");
});

test('every accepted formula exports as Python that parses and computes the core\'s values', (t) => {
  if (!fs.existsSync(PYTHON)) return t.skip(`${PYTHON} is not installed: the exported scripts cannot be parsed here`);
  const r = rng(20240515);
  const formulas = [];
  let refused = 0;
  while (formulas.length < 400) {
    const f = formula(r, 1 + Math.floor(r() * 4));
    if (accepted(f)) formulas.push(f);
    else refused++;
  }
  const data = lab.dataset({ name: 'moons', n_samples: 12, seed: 1 });
  const config = (f) => ({ dataset: { name: 'moons', n_samples: 12, seed: 1 }, model: { hidden: [4], activation: 'tanh' }, loss: { type: 'BCEWithLogitsLoss' },
    optimizer: { type: 'SGD', lr: 0.1 }, scheduler: { type: 'LambdaLR', lr_lambda: f }, batch_size: 4, epochs: 2 });
  const scripts = [];
  const labels = [];
  for (const f of [...formulas, ...HOSTILE]) {
    const ok = accepted(f);
    if (ok) assert.doesNotThrow(() => formulaToPython(f), `the exporter refuses ${JSON.stringify(f)}, which the core accepts`);
    scripts.push(schedulerCode({ type: 'LambdaLR', lr: 0.1, lr_lambda: f }, 10));
    scripts.push(schedulerCode({ type: 'SequentialLR', lr: 0.1, schedulers: [{ type: 'MultiplicativeLR', lr_lambda: f }, { type: 'LambdaLR', lr_lambda: f }], milestones: [3] }, 10));
    scripts.push(trainingScript(config(f), data, [2, 4, 1]));
    labels.push(f, f, f);
  }
  const sample = formulas.filter((_, i) => i % 3 === 0);
  const out = python(scripts, sample.map(formulaToPython));
  out.parse.forEach((err, i) => assert.equal(err, null, `the script for ${JSON.stringify(labels[i])} does not parse: ${err}`));
  let compared = 0;
  sample.forEach((f, i) => {
    const core = coreValues(f, EPOCHS);
    out.values[i].forEach((v, k) => {
      if (v === null) return; // Python raises (1 / 0, log(-1), ...): the core's run stops with an error there too, or the value is not used
      const c = core[k];
      assert.ok(c !== null && Math.abs(c - v) <= 1e-9 * Math.max(Math.abs(c), Math.abs(v)) + 1e-12,
        `${JSON.stringify(f)} at epoch ${k}: core ${c}, Python ${v} (as ${formulaToPython(f)})`);
      compared++;
    });
  });
  assert.ok(compared > sample.length * EPOCHS * 0.5, `only ${compared} values compared`);
  t.diagnostic(`${formulas.length} accepted formulas (${refused} generated ones refused by the core), ${scripts.length} scripts parsed, ${compared} values compared`);
});

// The Training room's parameter groups in its script: Python parses it, and where PyTorch is installed
// (tests/gen's Debian python3-torch; CI has none) the script trains with one optimizer group per
// named entry plus the rest, each at its own lr: the printed lr is param_groups[0]'s, the named group's.
test('trainingScript writes optimizer param_groups by tensor name, and PyTorch runs them', (t) => {
  const config = {
    dataset: { name: 'moons', n_samples: 40, seed: 1 }, model: { hidden: [4, 3], activation: 'tanh' }, loss: { type: 'BCEWithLogitsLoss' },
    optimizer: { type: 'Adam', lr: 0.01, param_groups: [{ params: ['fc1.weight', 'fc1.bias'], lr: 0.001, betas: [0.8, 0.99] }, { params: ['fc3.weight'], weight_decay: 0.1 }] },
    batch_size: 8, epochs: 2,
  };
  lab.createTrainer(config).dispose(); // the core takes the config
  const data = lab.dataset(config.dataset);
  const script = trainingScript(config, data, [2, 4, 3, 1]);
  assert.match(script, /dict\(params=\[tensors\[n\] for n in \['fc1\.weight', 'fc1\.bias'\]\], lr=0\.001, betas=\(0\.8, 0\.99\)\),/);
  assert.match(script, /dict\(params=\[tensors\[n\] for n in \['fc3\.weight'\]\], weight_decay=0\.1\),/);
  assert.match(script, /optimizer = torch\.optim\.Adam\(param_groups, lr=0\.01\)/);
  assert.equal(python([script], []).parse[0], null);
  if (!hasTorch()) { t.diagnostic('PyTorch is not installed: the script was parsed, not run'); return; }
  const run = spawnSync(PYTHON, ['-c', `${script}\nprint('groups', [(len(g['params']), g['lr']) for g in optimizer.param_groups])\n`], { encoding: 'utf8', timeout: 120000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /epoch 2: .* lr 0\.001\n/);
  // fc1's two tensors, fc3.weight, and the rest: fc2.weight, fc2.bias, fc3.bias at the defaults
  assert.match(run.stdout, /groups \[\(2, 0\.001\), \(1, 0\.01\), \(3, 0\.01\)\]/);
});

test('trainingScript keeps a snapshot ensemble at each warm restart, and PyTorch runs it', (t) => {
  const config = {
    dataset: { name: 'moons', n_samples: 60, seed: 1, val_fraction: 0.25 }, model: { hidden: [4], activation: 'tanh' }, loss: { type: 'BCEWithLogitsLoss' },
    optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 }, scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 2 }, scheduler_interval: 'epoch',
    snapshot_ensemble: true, batch_size: 15, epochs: 6,
  };
  const core = lab.createTrainer(config);
  core.fit();
  assert.equal(core.history.epochs.snapshots.at(-1), 3);
  core.dispose();
  const script = trainingScript(config, lab.dataset(config.dataset), [2, 4, 1]);
  assert.match(script, /if scheduler\.T_cur == 0:  # a warm restart/);
  assert.equal(python([script], []).parse[0], null);
  if (!hasTorch()) { t.diagnostic('PyTorch is not installed: the script was parsed, not run'); return; }
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 120000 });
  assert.equal(run.status, 0, run.stderr);
  // after epochs 2, 4 and 6, as the core counts them
  assert.deepEqual(run.stdout.match(/snapshot ensemble of (\d)/g), ['snapshot ensemble of 1', 'snapshot ensemble of 1', 'snapshot ensemble of 2', 'snapshot ensemble of 2', 'snapshot ensemble of 3']);
});

// LARS and SWATS are not in torch.optim: the Training room's script defines them (web/app/pytorch-optim.js)
// and, where PyTorch is installed, trains with them: LARS's biases excluded by the optimizer-level option,
// SWATS announcing its switch.
test('trainingScript defines LARS and SWATS, which torch.optim lacks, and PyTorch runs them', (t) => {
  const base = { dataset: { name: 'moons', n_samples: 80, seed: 1 }, model: { hidden: [6], activation: 'tanh' }, loss: { type: 'BCEWithLogitsLoss' }, batch_size: 16, epochs: 12 };
  const configs = [
    { ...base, optimizer: { type: 'LARS', lr: 0.5, weight_decay: 1e-4, lars_exclude: true, param_groups: [{ params: ['fc2.weight'], lr: 0.1 }] } },
    { ...base, optimizer: { type: 'SWATS', lr: 0.01, eps: 0.01 } },
  ];
  const data = lab.dataset(base.dataset);
  const scripts = configs.map((c) => { lab.createTrainer(c).dispose(); return trainingScript(c, data, [2, 6, 1]); });
  assert.match(scripts[0], /^class LARS\(torch\.optim\.Optimizer\):$/m);
  assert.match(scripts[0], /optimizer = LARS\(param_groups, lr=0\.5, weight_decay=0\.0001, lars_exclude='biases'\)/);
  assert.match(scripts[1], /optimizer = SWATS\(model\.parameters\(\), lr=0\.01, eps=0\.01\)/);
  python(scripts, []).parse.forEach((e) => assert.equal(e, null));
  if (!hasTorch()) { t.diagnostic('PyTorch is not installed: the scripts were parsed, not run'); return; }
  const core = lab.createTrainer(configs[1]);
  core.fit();
  t.diagnostic(`steplab's SWATS run: ${JSON.stringify(core.history.swats)}`);
  core.dispose();
  scripts.forEach((s, i) => {
    const run = spawnSync(PYTHON, ['-c', s], { encoding: 'utf8', timeout: 120000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /epoch 12: val_loss [\d.]+, val_accuracy [\d.]+/);
    if (i === 1) assert.match(run.stdout, /SWATS: a group switches to SGD at step \d+, lr [\d.e-]+/);
  });
});

// The script's LARS and SWATS against the core's (lab.createOptimizer, each tensor a group for LARS),
// on the same parameters and gradients in float32, where PyTorch is installed.
test('the script\'s LARS and SWATS classes step as the core does', async (t) => {
  if (!hasTorch()) { t.diagnostic('PyTorch is not installed'); return; }
  const { optimizerClass } = await import('../web/app/pytorch-optim.js');
  const w0 = [0.5, -1, 2], b0 = [0.1, -0.3];
  const grads = Array.from({ length: 8 }, (_, k) => [0, 1, 2, 3, 4].map((i) => Math.sin(1.7 * k + i) * (1 + i / 3)));
  const cases = [
    { cls: 'LARS', make: 'LARS([w, b], lr=0.5, momentum=0.9, weight_decay=0.01, trust_coefficient=0.02, lars_exclude=\'biases\')',
      spec: { type: 'LARS', lr: 0.5, momentum: 0.9, weight_decay: 0.01, trust_coefficient: 0.02, param_groups: [{}, { lars_exclude: true }] }, sizes: [3, 2] },
    { cls: 'SWATS', make: 'SWATS([w, b], lr=0.05, eps=0.1)', spec: { type: 'SWATS', lr: 0.05, eps: 0.1 }, sizes: [5] },
  ];
  for (const c of cases) {
    const src = ['import math, json, torch', ...optimizerClass(c.cls),
      // w a weight matrix (1 x 3), b a bias vector, as in a layer: LARS's 'biases' are the 1-D tensors
      `w = torch.tensor([${JSON.stringify(w0)}], requires_grad=True)`, `b = torch.tensor(${JSON.stringify(b0)}, requires_grad=True)`,
      `opt = ${c.make}`, 'out = []', `for g in ${JSON.stringify(grads)}:`,
      '    w.grad, b.grad = torch.tensor([g[:3]]), torch.tensor(g[3:])', '    opt.step()', '    out.append(w.flatten().tolist() + b.tolist())',
      'print(json.dumps(out))'].join('\n');
    const run = spawnSync(PYTHON, ['-c', src], { encoding: 'utf8', timeout: 60000 });
    assert.equal(run.status, 0, run.stderr);
    const py = JSON.parse(run.stdout.trim().split('\n').at(-1));
    const opt = lab.createOptimizer(c.spec, c.sizes);
    const p = Float32Array.from([...w0, ...b0]);
    grads.forEach((g, k) => {
      opt.step(p, Float32Array.from(g));
      assertClose(Array.from(p), py[k], 1e-5, `${c.cls} step ${k + 1}`);
    });
    if (c.cls === 'SWATS') assert.ok(opt.swats[0].switched, 'the comparison covers both phases');
  }
});
