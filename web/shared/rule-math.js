// A written rule shown as math: the tree of rule-parse.js turned into MathML elements, built node by
// node with text nodes only, so nothing a student types ever reaches the page as HTML. Greek names
// read as Greek (mu -> μ, beta1 -> β₁, lr -> η), a / b as a fraction, sqrt as a root, ^ and pow as
// powers, abs as bars, c ? a : b as cases, and each statement as "name ← formula".
import { parseRule, parseExpr } from './rule-parse.js';

const NS = 'http://www.w3.org/1998/Math/MathML';
const GREEK = { alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', eps: 'ε', epsilon: 'ε', eta: 'η', theta: 'θ', lambda: 'λ', lam: 'λ',
  mu: 'μ', nu: 'ν', rho: 'ρ', sigma: 'σ', tau: 'τ', phi: 'φ', omega: 'ω', kappa: 'κ', xi: 'ξ', zeta: 'ζ', pi: 'π' };
const OPS = { '*': '·', '/': '/', '//': '//', '%': 'mod', '+': '+', '-': '−', '<=': '≤', '>=': '≥', '==': '=', '!=': '≠', '<': '<', '>': '>' };

function m(tag, kids = [], attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const k of kids) node.append(typeof k === 'string' ? document.createTextNode(k) : k);
  return node;
}
const mo = (t) => m('mo', [t]);
const row = (...xs) => m('mrow', xs);
const paren = (x) => row(mo('('), x, mo(')'));

// "beta1" -> β with subscript 1, "lr" -> η, "v_hat" -> v with subscript hat, anything else as typed.
function name(v) {
  if (v === 'lr') return m('mi', ['η']);
  if (v === 'e') return m('mi', ['e'], { mathvariant: 'normal' });
  const s = /^([A-Za-z]+?)_?(\d+|_[A-Za-z0-9]+)$/.exec(v);
  const base = (b) => m('mi', [Object.hasOwn(GREEK, b) ? GREEK[b] : b]);
  if (s) return m('msub', [base(s[1]), m(/^\d/.test(s[2]) ? 'mn' : 'mi', [s[2].replace(/^_/, '')])]);
  return base(v);
}

// bare: the caller draws its own bracket (a fraction, a root, an exponent), so the author's parentheses go.
function node(e, bare = false) {
  switch (e.k) {
    case 'num': return m('mn', [e.v]);
    case 'name': return name(e.v);
    case 'paren': return bare ? node(e.a, true) : paren(node(e.a, true));
    case 'neg': return row(mo('−'), node(e.a));
    case 'bin':
      if (e.op === '/') return m('mfrac', [node(e.a, true), node(e.b, true)]);
      if (e.op === '^') return m('msup', [node(e.a), node(e.b, true)]);
      return row(node(e.a), mo(OPS[e.op]), node(e.b));
    case 'cmp': return row(...e.xs.flatMap((x, i) => (i ? [mo(OPS[e.ops[i - 1]]), node(x)] : [node(x)])));
    case 'tern': {
      const line = (v, c) => m('mtr', [m('mtd', [node(v, true)], { columnalign: 'left' }), m('mtd', [c], { columnalign: 'left' })]);
      const cases = m('mtable', [line(e.a, row(m('mtext', ['if ']), node(e.c, true))), line(e.b, m('mtext', ['otherwise']))]);
      return row(mo('{'), cases);
    }
    case 'call': {
      if (e.f === 'sqrt') return m('msqrt', [node(e.args[0], true)]);
      if (e.f === 'abs') return row(mo('|'), node(e.args[0], true), mo('|'));
      if (e.f === 'pow') return m('msup', [node(e.args[0]), node(e.args[1], true)]);
      if (e.f === 'exp') return m('msup', [m('mi', ['e'], { mathvariant: 'normal' }), node(e.args[0], true)]);
      const args = e.args.flatMap((a, i) => (i ? [mo(','), node(a, true)] : [node(a, true)]));
      return row(m('mi', [e.f]), paren(row(...args)));
    }
    default: return m('mtext', ['?']);
  }
}

/**
 * A <math> element for a rule: kind 'optimizer' (statements of an update) or 'loss' (one expression in
 * x and y, shown as ℓ(x, y) = ...). Throws RuleParseError where the text does not parse.
 */
export function ruleMath(kind, text) {
  if (kind === 'loss') {
    const lhs = row(m('mi', ['ℓ']), paren(row(m('mi', ['x']), mo(','), m('mi', ['y']))));
    return m('math', [row(lhs, mo('='), node(parseExpr(text), true))], { display: 'block' });
  }
  const lines = parseRule(text).map((s) => m('mtr', [m('mtd', [row(name(s.target), mo('←'), node(s.expr, true))], { columnalign: 'left' })]));
  return m('math', [m('mtable', lines)], { display: 'block' });
}
