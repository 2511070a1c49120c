// Custom optimizers and losses (issue 18): rules written as formulas against the built-ins,
// grading (lab.checkOptimizer, lab.checkLoss, lab.gradcheck), parse errors at their column,
// and hostile formulas refused while the module keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lab, assertError, SteplabError } from './helpers.mjs';
import { normalStream } from '../web/lib/check.mjs';

const RULES = {
  momentum: [{ type: 'Custom', hyper: { lr: 0.01, mu: 0.9 }, state: { v: 0 }, update: 'v = mu * v + g; p = p - lr * v' },
    { type: 'SGD', lr: 0.01, momentum: 0.9 }],
  nesterov: [{ type: 'Custom', hyper: { lr: 0.01, mu: 0.9 }, state: { v: 0 }, update: 'v = mu * v + g\np = p - lr * (g + mu * v)' },
    { type: 'SGD', lr: 0.01, momentum: 0.9, nesterov: true }],
  rmsprop: [{ type: 'Custom', hyper: { lr: 0.01, alpha: 0.99, eps: 1e-8 }, state: { s: 0 }, update: 's = alpha * s + (1 - alpha) * g^2; p = p - lr * g / (sqrt(s) + eps)' },
    { type: 'RMSprop', lr: 0.01 }],
  adam: [{ type: 'Custom', hyper: { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8 }, state: { m: 0, v: 0 },
    update: 'm = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g; p = p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)' },
  { type: 'Adam', lr: 0.01 }],
};

// 200 steps of seeded random gradients through both; the worst difference of the parameters relative to
// max(|p|, 1): the parameters start as N(0, 1), so below 1 in size this is 1e-5 absolute (float32 steps near a
// zero crossing are not relative to that tiny value). checkOptimizer's tolerance is the same.
function race(student, reference, { n = 64, steps = 200, seed = 7 } = {}) {
  const rnd = normalStream(seed);
  const a = Float32Array.from({ length: n }, rnd), b = a.slice(), g = new Float32Array(n);
  const s = lab.createOptimizer(student, n), r = lab.createOptimizer(reference, n);
  let worst = 0;
  for (let k = 0; k < steps; k++) {
    for (let i = 0; i < n; i++) g[i] = rnd();
    s.step(a, g);
    r.step(b, g);
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1));
  }
  s.dispose();
  r.dispose();
  return worst;
}

test('momentum SGD, Nesterov, RMSprop and Adam written as formulas match the built-ins within 1e-5 relative over 200 steps', () => {
  for (const [name, [student, reference]] of Object.entries(RULES)) {
    const worst = race(student, reference);
    assert.ok(worst < 1e-5, `${name}: worst relative difference ${worst}`);
    assert.equal(lab.checkOptimizer(student, reference, { steps: 200 }).pass, true, name);
  }
});

test('lr in a rule is the scheduled rate, in createOptimizer, trace and the trainer', () => {
  const sched = { type: 'StepLR', step_size: 20, gamma: 0.5 };
  const [mom, sgd] = RULES.momentum;
  assert.ok(race({ ...mom, scheduler: sched }, { ...sgd, scheduler: sched }, { steps: 100 }) < 1e-5);
  const o = lab.createOptimizer({ ...mom, scheduler: sched }, 3);
  for (let k = 0; k < 20; k++) o.step(new Float32Array(3), new Float32Array(3));
  assert.equal(o.lr, 0.005);
  // a top-level lr (what the pages' lr controls set) overrides hyper.lr
  assert.equal(lab.createOptimizer({ ...mom, lr: 0.3 }, 2).lr, 0.3);
  assert.equal(lab.createOptimizer({ type: 'Custom' }, 2).lr, 0.001);
  const surface = lab.registry.surfaces[0];
  const t1 = lab.trace({ fn: surface.name, start: surface.start, optimizer: { ...mom, scheduler: sched }, steps: 60 });
  const t2 = lab.trace({ fn: surface.name, start: surface.start, optimizer: { ...sgd, scheduler: sched }, steps: 60 });
  for (let i = 0; i < t2.x.length; i++) assert.ok(Math.abs(t1.x[i] - t2.x[i]) <= 1e-5 * Math.max(1, Math.abs(t2.x[i])), `trace x[${i}]`);
  assert.deepEqual(Array.from(t1.lr), Array.from(t2.lr));
  const cfg = (optimizer, loss = { type: 'MSELoss' }) => ({ dataset: { name: 'sine', n_samples: 64 }, model: { hidden: [8] }, loss, optimizer, batch_size: 16, epochs: 2, seed: 3 });
  const a = lab.createTrainer(cfg(mom)), b = lab.createTrainer(cfg(sgd));
  const la = a.fit().history.epochs.train_loss, lb = b.fit().history.epochs.train_loss;
  assert.equal(la.length, 2);
  for (let i = 0; i < lb.length; i++) assert.ok(Math.abs(la[i] - lb[i]) <= 1e-4 * lb[i], `epoch ${i}: ${la[i]} vs ${lb[i]}`);
  a.dispose();
  b.dispose();
});

test('a Custom optimizer saves and restores like any optimizer, its rule and state with it', () => {
  const [adam] = RULES.adam.slice(0, 1);
  const n = 10, rnd = normalStream(3);
  const o = lab.createOptimizer(adam, n), p = Float32Array.from({ length: n }, rnd);
  const grads = Array.from({ length: 20 }, () => Float32Array.from({ length: n }, rnd));
  for (let k = 0; k < 10; k++) o.step(p, grads[k]);
  const saved = o.state(), q = p.slice(), back = lab.restoreOptimizer(JSON.parse(JSON.stringify(saved)));
  assert.equal(back.type, 'Custom');
  assert.equal(back.steps, 10);
  for (let k = 10; k < 20; k++) { o.step(p, grads[k]); back.step(q, grads[k]); }
  assert.deepEqual(Array.from(q), Array.from(p));
});

test('Huber, MSE, L1 and BCE with logits written as formulas match the built-ins\' values and gradients within 1e-6', () => {
  const HUBER = 'abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta)';
  const cases = [
    ['HuberLoss', { type: 'Custom', hyper: { delta: 1 }, expr: HUBER }, { type: 'HuberLoss', delta: 1 }, false],
    ['HuberLoss delta 0.3', { type: 'Custom', hyper: { delta: 0.3 }, expr: HUBER }, { type: 'HuberLoss', delta: 0.3 }, false],
    ['MSELoss', { type: 'Custom', expr: '(x - y)^2' }, { type: 'MSELoss' }, false],
    ['L1Loss', { type: 'Custom', expr: 'abs(x - y)' }, { type: 'L1Loss' }, false],
    ['BCEWithLogitsLoss', { type: 'Custom', expr: 'max(x, 0) - x * y + log(1 + exp(-abs(x)))' }, { type: 'BCEWithLogitsLoss' }, true],
  ];
  const rnd = normalStream(11), n = 257;
  const x = Float32Array.from({ length: n }, () => 3 * rnd());
  const real = Float32Array.from({ length: n }, rnd), bits = Float32Array.from({ length: n }, () => (rnd() > 0 ? 1 : 0));
  const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.abs(b) + 1e-12;
  for (const [name, student, reference, binary] of cases) {
    for (const reduction of ['mean', 'sum', 'none']) {
      const y = binary ? bits : real;
      const a = lab.loss({ ...student, reduction }, x, y), b = lab.loss({ ...reference, reduction }, x, y);
      const av = typeof a.value === 'number' ? [a.value] : a.value, bv = typeof b.value === 'number' ? [b.value] : b.value;
      for (let i = 0; i < bv.length; i++) assert.ok(close(av[i], bv[i]), `${name} ${reduction} value[${i}]: ${av[i]} vs ${bv[i]}`);
      for (let i = 0; i < n; i++) assert.ok(close(a.grad[i], b.grad[i]), `${name} ${reduction} grad[${i}]: ${a.grad[i]} vs ${b.grad[i]}`);
    }
    assert.equal(lab.checkLoss(student, reference, { tol: 1e-6 }).pass, true, name);
  }
});

test('the gradient is exact through every operator, the ternary and comparisons included', () => {
  const exprs = ['x > y ? a * (x - y)^3 + sin(x) * y : exp(-x) / (1 + y^2) - log(1 + x^2)', 'pow(abs(x) + 1, y) * cos(x)',
    'sqrt(x^2 + 1) // 1 + (x % 0.7) * 2 + min(x, y, 0.5) - max(x, -y)', '(x > 0) * x + (x <= 0) * 0.1 * x + sign(x) * floor(y)',
    '-x ** 2 + 2 ** x + x / (2 + y^2) + ceil(y) * tanh_free(x)'.replace(' + ceil(y) * tanh_free(x)', '')];
  for (const expr of exprs) {
    const r = lab.gradcheck({ type: 'Custom', hyper: { a: 0.7 }, expr }, [0.31, -1.7, 2.2, 0.93], [0.2, 0.4, -0.8, 1.1]);
    assert.ok(r.pass && r.maxRelErr < 1e-4, `${expr}: ${JSON.stringify({ ...r, analytic: [...r.analytic], numeric: [...r.numeric] })}`);
  }
  // a kink within h of the point fails the check, and the worst element is named
  const kink = lab.gradcheck({ type: 'Custom', expr: 'abs(x)' }, [1, 0.0002, -3], [0, 0, 0]);
  assert.equal(kink.pass, false);
  assert.equal(kink.index, 1);
});

test('checkOptimizer catches Adam without bias correction at step 1, element 0, with the numbers the math gives', () => {
  const [adam, ref] = RULES.adam;
  const wrong = { ...adam, update: 'm = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g; p = p - lr * m / (sqrt(v) + eps)' };
  const r = lab.checkOptimizer(wrong, ref);
  // step 1: m = 0.1 g, v = 0.001 g^2; corrected, m_hat / sqrt(v_hat) = sign(g); uncorrected 0.1 / sqrt(0.001) = 3.16 sign(g):
  // every element moves about 3.16 times too far on the very first step, so the first difference is step 1, index 0
  assert.equal(r.pass, false);
  assert.equal(r.step, 1);
  assert.equal(r.index, 0);
  const g = r.grad, lr = 0.01, eps = 1e-8;
  assert.ok(Math.abs(r.expected - (r.before - lr * g / (Math.abs(g) + eps))) < 1e-6, `expected ${r.expected}`);
  assert.ok(Math.abs(r.got - (r.before - lr * 0.1 * g / (Math.sqrt(0.001) * Math.abs(g) + eps))) < 1e-6, `got ${r.got}`);
  assert.equal(r.tol, 1e-5);
});

test('checkOptimizer finds the first step where two momentum forms part: the one after a scheduler changes lr', () => {
  // v = mu v + lr g; p -= v (Sutskever's form) equals PyTorch's v = mu v + g; p -= lr v while lr is constant
  // (v_sutskever = lr v_pytorch); StepLR(step_size 50) changes lr for step 51, where mu v_50 is then scaled by
  // the new lr in PyTorch's form and by the old one in Sutskever's: the first differing step is 51.
  const sched = { type: 'StepLR', step_size: 50, gamma: 0.1 };
  const sut = { type: 'Custom', hyper: { lr: 0.1, mu: 0.9 }, state: { v: 0 }, update: 'v = mu * v + lr * g; p = p - v', scheduler: sched };
  const r = lab.checkOptimizer(sut, { type: 'SGD', lr: 0.1, momentum: 0.9, scheduler: sched });
  assert.equal(r.pass, false);
  assert.equal(r.step, 51);
  assert.equal(lab.checkOptimizer({ ...sut, scheduler: undefined }, { type: 'SGD', lr: 0.1, momentum: 0.9 }).pass, true);
});

test('checkLoss names the first element whose value or gradient differs', () => {
  assertError(() => lab.checkLoss({ type: 'Custom', expr: '(x - y)^2' }, { type: 'MSELoss', reduction: 'none' }, { n: 8 }), 'use the same reduction');
  assert.equal(lab.checkLoss({ type: 'Custom', expr: '0.5 * (x - y)^2', reduction: 'none' }, { type: 'MSELoss', reduction: 'none' }).what, 'value');
  const grad = lab.checkLoss({ type: 'Custom', expr: 'abs(x - y) + 0 * floor(x)' }, { type: 'L1Loss' });
  assert.equal(grad.pass, true);
  const bce = lab.checkLoss({ type: 'Custom', expr: 'log(1 + exp(-abs(x)))', reduction: 'none' }, { type: 'BCEWithLogitsLoss', reduction: 'none' });
  assert.equal(bce.pass, false);
  assert.equal(bce.what, 'value');
  assert.equal(bce.index, 0);
  assert.ok(bce.target === 0 || bce.target === 1, 'binary targets for a binary-only reference');
});

test('a rule that does not parse names its field and column', () => {
  const check = (update, column, what) => {
    assert.throws(() => lab.createOptimizer({ type: 'Custom', hyper: { mu: 0.9 }, state: { v: 0 }, update }, 4), (e) => {
      assert.ok(e instanceof SteplabError);
      assert.equal(e.field, 'update');
      assert.equal(e.code, 'parse');
      assert.equal(e.column, column);
      assert.ok(e.message.startsWith(`Custom: update does not parse at column ${column}: ${what}`), e.message);
      return true;
    });
  };
  check('v = mu * v + g; p = p - lr * (v', 32, "expected ')'");
  check('v = mu * v +* g; p = p', 13, 'unexpected character');
  check('v = mu * v + g p = p', 16, "expected ';' or a new line");
  check('v = mu * v + foo; p = p', 14, "unknown name 'foo' (use p, g, t, lr, mu, v,");
  check('v == g; p = p', 3, "expected '='");
  assert.throws(() => lab.schedule({ type: 'LambdaLR', lr: 0.1, lr_lambda: '0.9 ^ (epoch' }, 3), (e) => e.column === 13 && e.field === 'lr_lambda');
  assert.throws(() => lab.schedule({ type: 'StepLR', lr: 0.1, step_size: 0 }, 3), (e) => e.column === null);
  assertError(() => lab.loss({ type: 'Custom', expr: 'x - (y' }, [1], [2]), "Custom: expr does not parse at column 7: expected ')'");
  assertError(() => lab.loss({ type: 'Custom', expr: 'z = x' }, [1], [2]), 'Custom: expr does not parse at column 1: unknown name');
  assertError(() => lab.loss({ type: 'Custom', expr: 'x = y' }, [1], [2]), 'column 3: a loss is one expression, not an assignment');
});

test('hostile formulas are refused with clear errors and the module keeps working', () => {
  const opt = (extra) => () => lab.createOptimizer({ type: 'Custom', state: { v: 0 }, ...extra }, 4);
  assertError(opt({ update: 'p = p' + ' + g'.repeat(300) }), 'Custom: update is longer than 1024 characters');
  assertError(opt({ update: 'p = ' + 'g+'.repeat(300) + 'g' }), 'formula is too long');
  assertError(opt({ update: 'p = ' + '('.repeat(40) + 'g' + ')'.repeat(40) }), 'formula is nested too deeply');
  assertError(opt({ update: 'p = ' + '-'.repeat(60) + 'g' }), 'formula is nested too deeply');
  assertError(opt({ update: Array.from({ length: 17 }, () => 'v = g').join('; ') + '; p = v' }), 'more than 16 statements');
  assertError(opt({ update: 'p = p - lr * g\n'.repeat(17) }), 'more than 16 statements');
  assertError(opt({ update: 'p = p - lr * grad' }), "unknown name 'grad'");
  assertError(opt({ update: 'p = constructor' }), "unknown name 'constructor'");
  for (const name of ['g', 't', 'lr']) assertError(opt({ update: `${name} = 1; p = p` }), `column 1: cannot assign to ${name}: it is read-only`);
  assertError(opt({ update: 'w = 1; p = p' }), "cannot assign to 'w': it is not a state name");
  assertError(opt({ update: 'v = g' }), 'Custom: update never assigns p');
  assertError(opt({ update: '' }), 'Custom: update is empty');
  assertError(opt({ update: 12 }), 'Custom: update must be a string');
  for (const key of ['__proto__', 'constructor', 'toString', '__defineGetter__']) {
    assertError(() => lab.createOptimizer(JSON.parse(`{"type":"Custom","state":{"${key}":0}}`), 2), `Custom: state.${key} is reserved`);
    assertError(() => lab.loss(JSON.parse(`{"type":"Custom","hyper":{"${key}":1}}`), [1], [1]), `Custom: hyper.${key} is reserved`);
  }
  assertError(opt({ state: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`s${i}`, 0])) }), 'Custom: state has more than 8 names');
  assertError(opt({ hyper: { exp: 1 } }), 'Custom: hyper.exp is not a name');
  assertError(opt({ hyper: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`h${i}`, 1])) }), 'Custom: hyper has more than 16 names');
  assertError(() => lab.loss({ type: 'Custom', hyper: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`h${i}`, 1])) }, [1], [1]),
    'Custom: hyper has more than 16 names');
  assertError(opt({ state: { lr: 0 } }), "Custom: state.lr is the rule's own (p, g, t, lr)");
  assertError(opt({ hyper: { p: 1 } }), 'Custom: hyper.p is the rule\'s own');
  assertError(opt({ hyper: { v: 1 } }), 'Custom: state.v is given twice');
  assertError(opt({ hyper: { mu: Infinity } }), 'Custom: hyper.mu must be a finite number');
  assertError(opt({ state: [1] }), 'Custom: state must be an object of names and numbers');
  assertError(opt({ hyper: { ['a'.repeat(30)]: 1 } }), 'is too long');
  assertError(opt({ param_groups: [{ hyper: { lr: 1 } }] }), 'param_groups[0].hyper cannot differ per group');
  assertError(() => lab.loss({ type: 'Custom', expr: 'log(x)' }, [1, -1], [0, 0]), 'Custom: expr is NaN at element 1 (x = -1, y = 0)');
  assertError(() => lab.checkOptimizer(RULES.momentum[0], RULES.momentum[1], { n: 1 << 20, steps: 1000 }), 'checkOptimizer: options n x steps must be at most');
  assertError(() => lab.checkOptimizer(RULES.momentum[0], RULES.momentum[1], { stpes: 3 }), 'checkOptimizer: options.stpes is not an option');
  assertError(() => lab.gradcheck({ type: 'Custom' }, new Float32Array(5000), new Float32Array(5000)), 'gradcheck: input must hold at most 4096 numbers');
  // still working: a good rule right after
  const o = lab.createOptimizer(RULES.momentum[0], 2), p = Float32Array.of(1, 2);
  o.step(p, Float32Array.of(1, 1));
  assert.deepEqual(Array.from(p), [Math.fround(1 - 0.01), Math.fround(2 - 0.01)]);
  assert.equal(lab.loss({ type: 'Custom' }, [3], [1]).value, 4);
});

test('the trainer takes a Custom loss for regression and binary tasks', () => {
  const run = (dataset, loss) => {
    const t = lab.createTrainer({ dataset, model: { hidden: [8] }, loss, optimizer: { type: 'Adam', lr: 0.01 }, batch_size: 16, epochs: 2, seed: 5 });
    const out = Array.from(t.fit().history.epochs.train_loss);
    t.dispose();
    return out;
  };
  const reg = run({ name: 'sine', n_samples: 64 }, { type: 'Custom', expr: '(x - y)^2' });
  const mse = run({ name: 'sine', n_samples: 64 }, { type: 'MSELoss' });
  for (let i = 0; i < mse.length; i++) assert.ok(Math.abs(reg[i] - mse[i]) <= 1e-5 * mse[i], `regression epoch ${i}`);
  const bin = run({ name: 'moons', n_samples: 64 }, { type: 'Custom', expr: 'max(x, 0) - x * y + log(1 + exp(-abs(x)))' });
  const bce = run({ name: 'moons', n_samples: 64 }, { type: 'BCEWithLogitsLoss' });
  for (let i = 0; i < bce.length; i++) assert.ok(Math.abs(bin[i] - bce[i]) <= 1e-5 * bce[i], `binary epoch ${i}`);
  assert.throws(() => run({ name: 'blobs', n_samples: 64 }, { type: 'Custom' }), SteplabError);
});

test('the registry lists Custom in both families with a starter that runs', () => {
  const o = lab.registry.optimizers.find((k) => k.name === 'Custom'), l = lab.registry.losses.find((k) => k.name === 'Custom');
  assert.equal(o.category, 'custom');
  assert.equal(o.textbook, true);
  assert.deepEqual(o.params.map((p) => p.name), ['lr', 'hyper', 'state', 'update']);
  assert.equal(o.starter.update, 'v = mu * v + g; p = p - lr * v');
  assert.equal(lab.checkOptimizer(o.starter, { type: 'SGD', lr: 0.02, momentum: 0.9 }).pass, true);
  assert.deepEqual(l.tasks, ['binary', 'regression']);
  assert.equal(lab.checkLoss(l.starter, { type: 'HuberLoss' }).pass, true);
});
