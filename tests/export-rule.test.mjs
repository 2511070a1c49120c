// Written rules exported to PyTorch (web/app/pytorch-rule.js) are Python a student can run, with the
// lab's numbers: a Custom optimizer as a torch.optim.Optimizer subclass stepped on the same start and
// gradients as lab.createOptimizer, a Custom loss as a function whose value and autograd gradient are
// lab.loss's. Python's ast reads every script; /usr/bin/python3 with torch 1.13 runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { lab, hasTorch } from './helpers.mjs';
import { customOptimizerPython, customLossPython, RULE_HELPERS, pyName } from '../web/app/pytorch-rule.js';
import { normalStream } from '../web/lib/check.mjs';

const PYTHON = '/usr/bin/python3';
const torch = hasTorch();
const N = 8, STEPS = 25;

function run(src, input) {
  const r = spawnSync(PYTHON, ['-c', src], { input: JSON.stringify(input), encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `python failed:\n${r.stderr}\n--- script ---\n${src}`);
  return JSON.parse(r.stdout);
}

const parses = (src) => {
  const r = spawnSync(PYTHON, ['-c', 'import ast, sys\nast.parse(sys.stdin.read())'], { input: src, encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr;
};

// The lab's path for one spec, on seeded params and gradients.
function labPath(spec) {
  const rnd = normalStream(7);
  const p0 = Float32Array.from({ length: N }, rnd);
  const grads = Array.from({ length: STEPS }, () => Array.from({ length: N }, rnd));
  const opt = lab.createOptimizer(spec, N);
  const p = p0.slice();
  for (const g of grads) opt.step(p, Float32Array.from(g));
  opt.dispose();
  return { p0: Array.from(p0), grads, final: Array.from(p) };
}

const optimizerScript = (spec) => ['import json, math, sys', 'import torch', '', ...RULE_HELPERS, '', '', ...customOptimizerPython(spec), '', '',
  'req = json.load(sys.stdin)', 'w = torch.tensor(req["p0"], dtype=torch.float32, requires_grad=True)', 'opt = WrittenRule([w])',
  'for g in req["grads"]:', '    w.grad = torch.tensor(g, dtype=torch.float32)', '    opt.step()', 'print(json.dumps(w.detach().tolist()))'].join('\n');

const RULES = {
  'momentum as a formula': { type: 'Custom', hyper: { lr: 0.01, mu: 0.9 }, state: { v: 0 }, update: 'v = mu * v + g; p = p - lr * v' },
  'Adam with bias correction': { type: 'Custom', lr: 0.01, hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8 }, state: { m: 0, v: 0 },
    update: 'm = beta1 * m + (1 - beta1) * g\nv = beta2 * v + (1 - beta2) * g^2\np = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)' },
  'sign, abs, max, pow, a ternary and a chained comparison': { type: 'Custom', hyper: { lr: 0.05, lambda: 0.5 }, state: { s: 1 },
    update: 's = 0 < abs(g) < 1 ? s * 1.1 : max(s * lambda, 0.01); p = p - lr * s * sign(g) * pow(abs(g), 0.5) - t // 10 * 0.001' },
};

for (const [label, spec] of Object.entries(RULES)) {
  test(`${label}: the exported torch.optim.Optimizer takes the lab's steps`, { skip: !torch && 'no torch' }, () => {
    const src = optimizerScript(spec);
    assert.equal(parses(src), null);
    const want = labPath(spec);
    const got = run(src, want);
    for (let i = 0; i < N; i++) {
      const tol = 2e-5 * Math.max(1, Math.abs(want.final[i]));
      assert.ok(Math.abs(got[i] - want.final[i]) <= tol, `${label} [${i}]: torch ${got[i]}, lab ${want.final[i]}`);
    }
  });
}

const LOSSES = {
  Huber: { type: 'Custom', hyper: { delta: 1 }, reduction: 'none', expr: 'abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta)' },
  'BCE with logits': { type: 'Custom', hyper: {}, reduction: 'mean', expr: 'max(x, 0) - x * y + log(1 + exp(-abs(x)))' },
};

for (const [label, spec] of Object.entries(LOSSES)) {
  test(`${label} as a formula: the exported function's value and autograd gradient are lab.loss's`, { skip: !torch && 'no torch' }, () => {
    const rnd = normalStream(3);
    const x = Array.from({ length: 16 }, () => 2 * rnd());
    const y = Array.from({ length: 16 }, () => (label === 'Huber' ? rnd() : rnd() > 0 ? 1 : 0));
    const want = lab.loss(spec, Float32Array.from(x), Float32Array.from(y));
    const src = ['import json, math, sys', 'import torch', '', ...RULE_HELPERS, '', '', ...customLossPython(spec), '', '',
      'req = json.load(sys.stdin)', 'x = torch.tensor(req["x"], requires_grad=True)', 'y = torch.tensor(req["y"])',
      'value = written_loss(x, y)', 'value.sum().backward()',
      'print(json.dumps({"value": value.detach().reshape(-1).tolist(), "grad": x.grad.tolist()}))'].join('\n');
    assert.equal(parses(src), null);
    const got = run(src, { x, y });
    const wantValue = typeof want.value === 'number' ? [want.value] : Array.from(want.value);
    assert.equal(got.value.length, wantValue.length);
    wantValue.forEach((v, i) => assert.ok(Math.abs(got.value[i] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `value [${i}]: ${got.value[i]} vs ${v}`));
    Array.from(want.grad).forEach((v, i) => assert.ok(Math.abs(got.grad[i] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `grad [${i}]: ${got.grad[i]} vs ${v}`));
  });
}

test('names Python reserves are renamed; a rule that does not parse is not exported', () => {
  assert.equal(pyName('lambda'), 'lambda_');
  assert.equal(pyName('mu'), 'mu');
  const lines = customOptimizerPython({ type: 'Custom', hyper: { lr: 0.1, class: 2 }, state: { import: 0 }, update: 'import = class * g; p = p - lr * import' });
  assert.ok(lines.some((l) => /import_ = \(class_ \* g\)/.test(l)), lines.join('\n'));
  if (fs.existsSync(PYTHON)) assert.equal(parses(['import torch', ...RULE_HELPERS, ...lines].join('\n')), null);
  assert.throws(() => customOptimizerPython({ type: 'Custom', update: "p = p\n__import__('os').system('x')" }), /column 7: a statement assigns a name/);
  assert.throws(() => customLossPython({ type: 'Custom', expr: 'x) + os.system(1' }), /column/);
  // the rule's text in the comment cannot end the comment's line
  const c = customLossPython({ type: 'Custom', expr: '(x - y)^2', hyper: {} }).join('\n');
  assert.equal(c.split('\n').filter((l) => l.includes('(x - y)^2')).every((l) => l.trim().startsWith('#')), true);
});

test('the Training room\'s script with your own optimizer and loss runs in PyTorch', { skip: !torch && 'no torch' }, async () => {
  const { trainingScript } = await import('../web/app/rooms/train-code.js');
  const data = lab.dataset({ name: 'moons', n_samples: 12, seed: 1 });
  const config = { dataset: { name: 'moons', n_samples: 12, seed: 1 }, model: { hidden: [4], activation: 'tanh' }, batch_size: 4, epochs: 2,
    loss: { type: 'Custom', hyper: {}, reduction: 'mean', expr: 'max(x, 0) - x * y + log(1 + exp(-abs(x)))' }, optimizer: RULES['momentum as a formula'] };
  const src = trainingScript(config, data, [2, 4, 1]);
  assert.equal(parses(src), null);
  const r = spawnSync(PYTHON, ['-c', src], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^epoch 2: val_loss \d/m);
});
