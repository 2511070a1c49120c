// The race room's explanations (the lab's words), update rules as MathML and
// the PyTorch code for the current race. Project constants only.

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
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `(${v.map(py).join(', ')})`;
  return String(v);
}

// surfaceSummary: the core's one-line summary of the surface (used where SURFACE_PY has no formula).
export function raceCode(state, spec, surfaceSummary) {
  const { type, scheduler, ...params } = spec;
  const args = Object.entries(params).map(([k, v]) => `${k}=${py(v)}`).join(', ');
  const custom = type === 'DeltaBarDelta';
  // a surface this table does not write out: the script says which function to write, from the core's summary
  const body = Object.hasOwn(SURFACE_PY, state.fn) ? SURFACE_PY[state.fn](state.fnp)
    : `_missing()  # steplab's ${state.fn}: ${String(surfaceSummary || '').replace(/\s+/g, ' ')}`;
  const missing = Object.hasOwn(SURFACE_PY, state.fn) ? [] : ['def _missing():', `    raise NotImplementedError('write the ${state.fn} surface of steplab here')`, ''];
  const lines = ['import math', 'import torch', '', ...missing, `def f(x, y):  # ${state.fn}`, `    return ${body}`, '',
    `p = torch.tensor([${state.start[0]}, ${state.start[1]}], requires_grad=True)`,
    custom ? '# DeltaBarDelta is not in torch.optim: the local-gain rule, written out in steplab' : `opt = torch.optim.${type}([p], ${args})`];
  if (scheduler) {
    const s = Object.entries(scheduler).filter(([k]) => k !== 'type').map(([k, v]) => `${k}=${py(v)}`).join(', ');
    lines.push(`sched = torch.optim.lr_scheduler.${scheduler.type}(opt, ${s})`);
  }
  lines.push('', `for step in range(${state.steps}):`);
  if (type === 'LBFGS') {
    lines.push('    def closure():', '        opt.zero_grad()', '        loss = f(p[0], p[1])', '        loss.backward()', '        return loss', '    opt.step(closure)');
  } else {
    lines.push('    opt.zero_grad()', '    loss = f(p[0], p[1])', '    loss.backward()');
    if (state.noise > 0) lines.push(`    p.grad += ${state.noise} * torch.randn(2)  # minibatch-like gradient noise`);
    lines.push('    opt.step()');
  }
  if (scheduler) lines.push('    sched.step()');
  return lines.join('\n');
}
