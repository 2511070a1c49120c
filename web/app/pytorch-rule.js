// Written rules as PyTorch a student can run: a Custom optimizer as a torch.optim.Optimizer subclass
// (its state per parameter, t counted from 1 as steplab does), a Custom loss as a function of
// (input, target) with the reduction, whose gradient autograd takes. The rule is read by the page's
// reader (web/shared/rule-parse.js) and printed over tensors: c ? a : b is torch.where, comparisons
// are 0/1, functions are torch's, a ^ b is torch.pow. Nothing typed is pasted in as code: names are
// the rule's identifiers (renamed where Python reserves them) and numbers are decimal literals.
import { parseRule, parseExpr } from '../shared/rule-parse.js';
import { py, pyString } from './pytorch.js';

const PY_RESERVED = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass',
  'raise', 'return', 'try', 'while', 'with', 'yield', 'torch', 'math', 'self', 'group', 'param', 'params', 'st', 'state', 'reduction',
  'defaults', 'loss', 'super', 'dict', 'float', 'print', 'input', 'target', 'closure']);
const TORCH1 = { sqrt: 'sqrt', exp: 'exp', log: 'log', sin: 'sin', cos: 'cos', floor: 'floor', ceil: 'ceil', abs: 'abs', sign: 'sign' };

/** A rule's name as a Python identifier: itself, or with a trailing _ where Python or the script uses it. */
export const pyName = (n) => (PY_RESERVED.has(n) || n.startsWith('_') ? `${n}_` : n);
const pyNum = (t) => (/^\d+$/.test(t) ? t.replace(/^0+(?=\d)/, '') : t.startsWith('.') ? `0${t}` : t);

// The helpers every exported rule uses: numbers become tensors, comparisons 0/1.
export const RULE_HELPERS = [
  'def _T(x):', '    return x if torch.is_tensor(x) else torch.tensor(float(x))', '',
  'def _b(x):  # a comparison as 0 or 1, as steplab computes it', '    return _T(x).float()'];

/** An expression tree (rule-parse.js) as Python over tensors. */
export function exprToPython(e) {
  const r = (x) => exprToPython(x);
  switch (e.k) {
    case 'num': return pyNum(e.v);
    case 'name': return e.v === 'pi' ? 'math.pi' : e.v === 'e' ? 'math.e' : pyName(e.v);
    case 'paren': return r(e.a);
    case 'neg': return `(-${r(e.a)})`;
    case 'bin':
      if (e.op === '^') return `torch.pow(_T(${r(e.a)}), ${r(e.b)})`;
      if (e.op === '//') return `torch.div(_T(${r(e.a)}), ${r(e.b)}, rounding_mode='floor')`;
      if (e.op === '%') return `torch.remainder(_T(${r(e.a)}), ${r(e.b)})`;
      return `(${r(e.a)} ${e.op} ${r(e.b)})`;
    case 'cmp': return e.ops.map((op, i) => `_b(${r(e.xs[i])} ${op} ${r(e.xs[i + 1])})`).join(' * ');
    case 'tern': return `torch.where(_T(${r(e.c)}) != 0, _T(${r(e.a)}), _T(${r(e.b)}))`;
    case 'call':
      if (e.f === 'pow') return `torch.pow(_T(${r(e.args[0])}), ${r(e.args[1])})`;
      if (e.f === 'min' || e.f === 'max') {
        const fn = e.f === 'min' ? 'torch.minimum' : 'torch.maximum';
        return e.args.slice(1).reduce((acc, a) => `${fn}(_T(${acc}), _T(${r(a)}))`, r(e.args[0]));
      }
      return `torch.${TORCH1[e.f]}(_T(${r(e.args[0])}))`;
    default: throw new Error(`cannot write ${e.k} as Python`);
  }
}

const comment = (text) => String(text).split('\n').map((l) => `#   ${l.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')}`);

/**
 * A Custom optimizer spec -> the lines of `class NAME(torch.optim.Optimizer)`. Its constructor takes lr and
 * every hyper name with the spec's values as defaults; step() runs the statements in order per parameter.
 */
export function customOptimizerPython(spec, name = 'WrittenRule') {
  const hyper = { ...(spec.hyper || {}) };
  const lr = spec.lr ?? hyper.lr ?? 0.001;
  delete hyper.lr;
  const state = spec.state || {};
  const rule = parseRule(spec.update ?? 'p = p - lr * g', ['p', ...Object.keys(state)]);
  const hs = Object.keys(hyper);
  const args = [`lr=${py(lr)}`, ...hs.map((h) => `${pyName(h)}=${py(hyper[h])}`)];
  const L = [`class ${name}(torch.optim.Optimizer):`, '    # the rule written in steplab, per element:', ...comment(spec.update ?? 'p = p - lr * g').map((l) => `    ${l}`),
    `    def __init__(self, params, ${args.join(', ')}):`,
    `        super().__init__(params, dict(lr=lr${hs.map((h) => `, ${pyName(h)}=${pyName(h)}`).join('')}))`, '',
    '    @torch.no_grad()', '    def step(self, closure=None):', '        loss = closure() if closure is not None else None',
    '        for group in self.param_groups:', "            lr = group['lr']",
    ...hs.map((h) => `            ${pyName(h)} = group[${pyString(pyName(h))}]`),
    "            for param in group['params']:", '                if param.grad is None:', '                    continue',
    '                st = self.state[param]', '                if not st:', "                    st['t'] = 0",
    ...Object.entries(state).map(([k, v]) => `                    st[${pyString(k)}] = torch.full_like(param, ${py(v)})`),
    "                st['t'] += 1", "                t = st['t']", '                g = param.grad', '                p = param.detach().clone()',
    ...Object.keys(state).map((k) => `                ${pyName(k)} = st[${pyString(k)}]`),
    ...rule.map((s) => `                ${pyName(s.target)} = ${exprToPython(s.expr)}`),
    ...Object.keys(state).map((k) => `                st[${pyString(k)}] = _T(${pyName(k)}).expand_as(param).clone()`),
    '                param.copy_(p)', '        return loss'];
  return L;
}

/** A Custom loss spec -> the lines of `def NAME(input, target, ...)`: the formula per element, then the reduction. */
export function customLossPython(spec, name = 'written_loss') {
  const hyper = spec.hyper || {};
  const tree = parseExpr(spec.expr ?? '(x - y)^2');
  const args = ['input', 'target', ...Object.entries(hyper).map(([k, v]) => `${pyName(k)}=${py(v)}`), `reduction=${pyString(spec.reduction || 'mean')}`];
  return [`def ${name}(${args.join(', ')}):`, '    # the loss of one element written in steplab:', ...comment(spec.expr ?? '(x - y)^2').map((l) => `    ${l}`),
    '    x, y = input, target', `    loss = _T(${exprToPython(tree)}).expand_as(x)`,
    "    if reduction == 'mean':", '        return loss.mean()', "    if reduction == 'sum':", '        return loss.sum()', '    return loss'];
}
