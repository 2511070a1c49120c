// The race room's explanations (the lab's words), update rules as MathML and
// the PyTorch code for the current race. Project constants only.

import { customOptimizerPython, RULE_HELPERS } from '../pytorch-rule.js';
import { optimizerClass } from '../pytorch-optim.js';
import { mi, mn, mo, row, sub, sup, frac, sqrt, math, lines } from '../../shared/mathml.js';

const th = mi('θ'), g = mi('g'), eta = mi('η');

export const RACE_TEXT = {
  SGD: ['Gradient descent steps against the gradient. With momentum the velocity remembers past gradients, like a ball rolling downhill: it damps the zig-zag across a ravine and speeds up along it, but can overshoot. Nesterov looks ahead before it steps and corrects earlier.',
    lines(row(mi('v'), mo('←'), mi('μ'), mi('v'), mo('+'), g), row(th, mo('←'), th, mo('−'), eta, mi('v')))],
  Adagrad: ['AdaGrad divides each coordinate\'s step by the root of its summed squared gradients: good for sparse features, but the sum only grows, so the steps shrink until learning stalls.',
    lines(row(mi('G'), mo('←'), mi('G'), mo('+'), sup(g, mn('2'))), row(th, mo('←'), th, mo('−'), frac(eta, row(sqrt(mi('G')), mo('+'), mi('ε'))), g))],
  RMSprop: ['RMSprop keeps an exponential average of squared gradients instead of a sum, so the step size can recover; good for non-stationary problems.',
    lines(row(mi('E'), mo('←'), mi('α'), mi('E'), mo('+'), row(mo('('), mn('1'), mo('−'), mi('α'), mo(')')), sup(g, mn('2'))), row(th, mo('←'), th, mo('−'), frac(eta, row(sqrt(mi('E')), mo('+'), mi('ε'))), g))],
  Adadelta: ['Adadelta scales steps by the ratio of running averages of past updates and gradients, so its nominal learning rate hardly matters.',
    math(mi('Δθ'), mo('='), mo('−'), frac(sqrt(row(mi('E'), mo('['), sup(mi('Δθ'), mn('2')), mo(']'), mo('+'), mi('ε'))), sqrt(row(mi('E'), mo('['), sup(g, mn('2')), mo(']'), mo('+'), mi('ε')))), g)],
  Adam: ['Adam combines momentum (the first moment m) with RMSprop (the second moment v), both bias-corrected: the usual default, fairly insensitive to its hyper-parameters.',
    lines(row(mi('m'), mo('←'), sub(mi('β'), mn('1')), mi('m'), mo('+'), row(mo('('), mn('1'), mo('−'), sub(mi('β'), mn('1')), mo(')')), g),
      row(mi('v'), mo('←'), sub(mi('β'), mn('2')), mi('v'), mo('+'), row(mo('('), mn('1'), mo('−'), sub(mi('β'), mn('2')), mo(')')), sup(g, mn('2'))),
      row(th, mo('←'), th, mo('−'), eta, frac(mi('m̂'), row(sqrt(mi('v̂')), mo('+'), mi('ε')))))],
  AdamW: ['AdamW decays the weights directly instead of adding the decay to the gradient (which is what Adam\'s weight_decay does): decoupled weight decay generalises better.',
    math(th, mo('←'), th, mo('−'), eta, mi('λ'), th, mo('−'), eta, frac(mi('m̂'), row(sqrt(mi('v̂')), mo('+'), mi('ε'))))],
  Adamax: ['Adamax replaces Adam\'s second moment with an infinity norm: a running maximum of gradient sizes.',
    math(th, mo('←'), th, mo('−'), frac(eta, row(mn('1'), mo('−'), sup(sub(mi('β'), mn('1')), mi('t')))), frac(mi('m'), mi('u')))],
  NAdam: ['NAdam is Adam with Nesterov momentum: the first moment looks one step ahead.',
    math(th, mo('←'), th, mo('−'), eta, frac(row(sub(mi('μ'), row(mi('t'), mo('+'), mn('1'))), mi('m̂'), mo('+'), row(mo('('), mn('1'), mo('−'), sub(mi('μ'), mi('t')), mo(')')), mi('ĝ')), row(sqrt(mi('v̂')), mo('+'), mi('ε'))))],
  RAdam: ['RAdam rectifies Adam\'s early steps, when the second moment is still a poor estimate: it starts like momentum SGD and turns adaptive as the estimate firms up.',
    math(th, mo('←'), th, mo('−'), eta, sub(mi('r'), mi('t')), frac(mi('m̂'), sqrt(mi('v̂'))))],
  Rprop: ['Rprop uses only the sign of each gradient coordinate: the step grows while the sign stays and shrinks when it flips. A full-batch method.',
    math(th, mo('←'), th, mo('−'), mi('sign'), row(mo('('), g, mo(')')), mo('·'), mi('step'))],
  LBFGS: ['L-BFGS builds an approximation of the inverse Hessian from the last steps and searches along it: few, expensive iterations, for full-batch problems (one step here may evaluate the function many times).',
    math(th, mo('←'), th, mo('−'), mi('α'), sub(mi('H'), mi('k')), g)],
  DeltaBarDelta: ['The local-gain rule: each weight has its own gain, raised by β while its gradient keeps its sign and cut by the factor (1 − β) when it flips.',
    lines(row(mi('g'), mo('←'), mi('g'), mo('+'), mi('β'), mo('or'), mi('g'), mo('·'), row(mo('('), mn('1'), mo('−'), mi('β'), mo(')'))), row(th, mo('←'), th, mo('−'), eta, mi('gain'), mo('·'), mi('∂L/∂θ')))],
};

const SURFACE_PY = {
  rosenbrock: (p) => `(${p.a ?? 1} - x) ** 2 + ${p.b ?? 100} * (y - x ** 2) ** 2`,
  beale: () => '(1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2',
  himmelblau: () => '(x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2',
  booth: () => '(x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2',
  quadratic: (p) => `(${p.a ?? 1} * x ** 2 + ${p.b ?? 10} * y ** 2) / 2`,
  saddle: () => 'x ** 2 - y ** 2',
  rastrigin: () => '20 + x ** 2 - 10 * torch.cos(2 * math.pi * x) + y ** 2 - 10 * torch.cos(2 * math.pi * y)',
  six_hump_camel: () => '(4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y + (-4 + 4 * y ** 2) * y ** 2',
};

function py(v) {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (typeof v === 'string') return `'${v.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n')}'`;
  if (Array.isArray(v)) return `(${v.map(py).join(', ')})`;
  return String(v);
}

const SCHEDULE_NAMES = { StepLR: 'step decay', CosineAnnealingLR: 'cosine', ExponentialLR: 'exponential decay' };

/**
 * Each racer's name for legends and read-outs, by what it sets: "SGD lr 0.01 momentum 0.9 nesterov",
 * "Adam lr 0.1 + cosine"; racers alike in every setting get " (2)", " (3)".
 */
export function racerNames(opts) {
  const names = opts.map((o) => {
    // your own rule is named by its text (shortened), not its hyper and state objects
    const own = o.type === 'Custom';
    const rule = String(o.update ?? 'p = p - lr * g').replace(/\s+/g, ' ');
    const parts = own ? [`Custom (${rule.length > 48 ? `${rule.slice(0, 47)}…` : rule})`] : [o.type];
    for (const [k, v] of Object.entries(o)) {
      if (k === 'type' || k === 'scheduler' || v === undefined || v === null || v === false) continue;
      if (own && k !== 'lr') continue;
      parts.push(v === true ? k : `${k} ${Array.isArray(v) ? v.join('/') : v}`);
    }
    if (o.scheduler) parts.push(`+ ${SCHEDULE_NAMES[o.scheduler.type] || o.scheduler.type}`);
    return parts.join(' ');
  });
  const seen = new Map();
  return names.map((n) => { const c = (seen.get(n) || 0) + 1; seen.set(n, c); return c > 1 ? `${n} (${c})` : n; });
}

// Each written rule (Custom) as its own torch.optim.Optimizer class, WrittenRule<i>, after the helpers it uses.
function writtenRules(opts) {
  const out = [];
  opts.forEach((o, i) => {
    if (o.type !== 'Custom') return;
    let lines;
    try { lines = customOptimizerPython(o, `WrittenRule${i}`); } catch (e) { lines = [`class WrittenRule${i}:  # the rule does not parse: ${String(e.message).replace(/[^\x20-\x7e]/g, ' ')}`, '    pass']; }
    if (!out.length) out.push(...RULE_HELPERS, '', '');
    out.push(...lines, '', '');
  });
  return out;
}

// The optimizers torch.optim lacks (LARS, SWATS) as the classes the Training room's script defines, once each.
function missingClasses(opts) {
  const out = [];
  for (const type of new Set(opts.map((o) => o.type))) {
    const cls = optimizerClass(type);
    if (cls) out.push(...cls, '');
  }
  return out;
}

const kwargs = (o) => Object.entries(o).map(([k, v]) => `${k}=${py(v)}`).join(', ');

// surfaceSummary: the core's one-line summary of the surface (used where SURFACE_PY has no formula).
/** A runnable PyTorch script of the whole race: every optimizer from the same start, each result printed. */
export function raceCode(state, surfaceSummary) {
  const known = Object.hasOwn(SURFACE_PY, state.fn);
  const body = known ? SURFACE_PY[state.fn](state.fnp)
    : `_missing()  # steplab's ${state.fn}: ${String(surfaceSummary || '').replace(/\s+/g, ' ')}`;
  const out = ['import math', 'import torch', '',
    ...(known ? [] : ['def _missing():', `    raise NotImplementedError('write the ${state.fn} surface of steplab here')`, '']),
    `def f(x, y):  # ${state.fn}`, `    return ${body}`, '', ...writtenRules(state.opts), ...missingClasses(state.opts),
    `STEPS = ${state.steps}`, `START = [${state.start[0]}, ${state.start[1]}]`];
  if (state.noise > 0) out.push(`NOISE = ${state.noise}  # sigma of the gradient noise`, `torch.manual_seed(${state.seed})  # steplab's noise has its own generator: the numbers differ, not the picture`);
  out.push('', '',
    'def run(make_optimizer, make_scheduler=None, closure=False):',
    '    p = torch.tensor(START, dtype=torch.float32, requires_grad=True)',
    '    opt = make_optimizer([p])',
    '    sched = make_scheduler(opt) if make_scheduler else None',
    '    for step in range(STEPS):',
    '        def loss_and_grad():',
    '            opt.zero_grad()',
    '            loss = f(p[0], p[1])',
    '            loss.backward()',
    ...(state.noise > 0 ? ['            p.grad += NOISE * torch.randn(2)  # minibatch-like gradient noise'] : []),
    '            return loss',
    '        if closure:',
    '            opt.step(loss_and_grad)  # L-BFGS evaluates the function as often as its line search needs',
    '        else:',
    '            loss_and_grad()',
    '            opt.step()',
    '        if sched:',
    '            sched.step()  # after the optimizer, as steplab does',
    '    return f(p[0], p[1]).item(), p.tolist()',
    '', '',
    '# steplab stops a run whose loss is no longer finite ("diverged at step k"); PyTorch goes on and prints inf or nan.',
    'results = {}');
  const names = racerNames(state.opts);
  state.opts.forEach((spec, i) => {
    const { type, scheduler, ...params } = spec;
    if (type === 'DeltaBarDelta') { out.push(`# ${names[i]}: the course's local-gain rule is not in torch.optim (steplab writes it out)`); return; }
    const cls = optimizerClass(type) ? type : `torch.optim.${type}`;
    const opt = type === 'Custom' ? `lambda params: WrittenRule${i}(params)`
      : `lambda params: ${cls}(params${Object.keys(params).length ? `, ${kwargs(params)}` : ''})`;
    const args = [opt];
    if (scheduler) {
      const { type: st, ...sp } = scheduler;
      args.push(`lambda opt: torch.optim.lr_scheduler.${st}(opt${Object.keys(sp).length ? `, ${kwargs(sp)}` : ''})`);
    }
    if (type === 'LBFGS') args.push(...(scheduler ? [] : ['None']), 'closure=True');
    out.push(`results[${py(names[i])}] = run(${args.join(', ')})`);
  });
  out.push('', 'for name, (loss, point) in results.items():', "    print(f'{name}: loss {loss:.6g} at ({point[0]:.6g}, {point[1]:.6g})')");
  return out.join('\n');
}
