// Reads a written rule (a Custom optimizer's update, a Custom loss's expr) into a tree, for showing it
// as math (rule-math.js) and writing it as Python (web/app/pytorch-rule.js). The core compiles and
// runs the rule (c/base/rule.c) and is the judge of what parses; this reader follows the same grammar
// (c/base/formula.c: ternary < comparison chain < + - < * / // % < unary - + < ^ ** (right) < primary)
// and never evaluates anything. Columns are 1-based over the whole text, as the core counts them.

export const FUNCTIONS = new Set(['exp', 'log', 'sqrt', 'sin', 'cos', 'floor', 'ceil', 'abs', 'min', 'max', 'sign', 'pow']);
export const CONSTANTS = new Set(['pi', 'e']);
const COMPARE = ['<=', '>=', '==', '!=', '<', '>'];

export class RuleParseError extends Error {
  constructor(message, column) {
    super(`column ${column}: ${message}`);
    this.column = column;
  }
}

function tokenize(text, offset) {
  const re = /[ \t\r]*(?:((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|\/\/|<=|>=|==|!=|[-+*/%^()<>?:,=]))/y;
  const out = [];
  re.lastIndex = 0;
  while (re.lastIndex < text.length && /[^ \t\r]/.test(text.slice(re.lastIndex))) {
    const at = re.lastIndex + /^[ \t\r]*/.exec(text.slice(re.lastIndex))[0].length;
    const m = re.exec(text);
    if (!m) throw new RuleParseError('unexpected character', offset + at + 1);
    const col = offset + at + 1;
    if (m[1] !== undefined && /[A-Za-z_0-9.]/.test(text[re.lastIndex] ?? '')) throw new RuleParseError('a number must be followed by an operator, as in 2 * g', col);
    out.push(m[1] !== undefined ? { num: m[1], col } : m[2] !== undefined ? { name: m[2], col } : { op: m[3], col });
  }
  out.end = offset + text.length + 1;
  return out;
}

// One expression's tokens -> { k: 'num'|'name'|'neg'|'bin'|'cmp'|'tern'|'call', ... }.
function expression(t) {
  let i = 0, nest = 0;
  const col = () => (t[i] ? t[i].col : t.end);
  const is = (op) => t[i]?.op === op;
  const eat = (op) => (is(op) ? (i++, true) : false);
  const expect = (op, what) => { if (!eat(op)) throw new RuleParseError(what || `expected '${op}'`, col()); };
  const deeper = () => { if (++nest > 32) throw new RuleParseError('formula is nested too deeply', col()); };
  const ternary = () => {
    deeper();
    const c = compare();
    let out = c;
    if (eat('?')) {
      const a = ternary();
      expect(':', "expected ':' of the ternary c ? a : b");
      out = { k: 'tern', c, a, b: ternary() };
    }
    nest--;
    return out;
  };
  const compare = () => {
    const xs = [sum()], ops = [];
    while (t[i]?.op && COMPARE.includes(t[i].op)) { ops.push(t[i++].op); xs.push(sum()); }
    return ops.length ? { k: 'cmp', ops, xs } : xs[0];
  };
  const left = (next, ops) => () => {
    let a = next();
    while (t[i]?.op && ops.includes(t[i].op)) { const op = t[i++].op; a = { k: 'bin', op, a, b: next() }; }
    return a;
  };
  const unary = () => {
    deeper();
    const out = eat('-') ? { k: 'neg', a: unary() } : eat('+') ? unary() : power();
    nest--;
    return out;
  };
  const power = () => {
    const a = primary();
    return eat('**') || eat('^') ? { k: 'bin', op: '^', a, b: unary() } : a;
  };
  const primary = () => {
    const tok = t[i];
    if (!tok) throw new RuleParseError('unexpected end of formula', col());
    i++;
    if (tok.op === '(') { const v = ternary(); expect(')'); return { k: 'paren', a: v }; }
    if (tok.num !== undefined) return { k: 'num', v: tok.num };
    if (tok.name !== undefined && FUNCTIONS.has(tok.name)) {
      expect('(', "expected '(' after a function name");
      const args = [ternary()];
      while (eat(',')) args.push(ternary());
      expect(')');
      const n = tok.name === 'min' || tok.name === 'max' ? 2 : tok.name === 'pow' ? -2 : 1;
      if (n === 1 && args.length !== 1) throw new RuleParseError(`${tok.name} takes one argument`, tok.col);
      if (n === 2 && args.length < 2) throw new RuleParseError(`${tok.name} takes two or more arguments`, tok.col);
      if (n === -2 && args.length !== 2) throw new RuleParseError('pow takes two arguments, pow(base, exponent)', tok.col);
      return { k: 'call', f: tok.name, args };
    }
    if (tok.name !== undefined) return { k: 'name', v: tok.name };
    i--;
    throw new RuleParseError('unexpected character', tok.col);
  };
  const product = left(unary, ['*', '/', '//', '%']);
  const sum = left(product, ['+', '-']);
  if (!t.length) throw new RuleParseError('unexpected end of formula', t.end);
  const out = ternary();
  if (i !== t.length) throw new RuleParseError(t[i].op === ')' ? "unexpected ')'" : 'unexpected text after the formula', col());
  return out;
}

/** A loss expression -> its tree. */
export function parseExpr(text) {
  return expression(tokenize(String(text), 0));
}

/**
 * An update rule -> [{ target, expr, col }], statements split at ';' and line breaks.
 * names: the names a statement may assign (p and the state names), when known.
 */
export function parseRule(text, names = null) {
  const s = String(text);
  const out = [];
  let start = 0;
  for (const part of s.split(/[;\n]/)) {
    const lead = /^[ \t\r]*/.exec(part)[0].length;
    if (part.trim()) {
      const m = /^([A-Za-z_][A-Za-z_0-9]*)[ \t\r]*=(?!=)/.exec(part.slice(lead));
      if (!m) throw new RuleParseError('a statement assigns a name: p = p - lr * g', start + lead + 1);
      if (names && !names.includes(m[1])) throw new RuleParseError(`cannot assign to '${m[1]}': assign one of ${names.join(', ')}`, start + lead + 1);
      const at = lead + m[0].length;
      out.push({ target: m[1], expr: expression(tokenize(part.slice(at), start + at)), col: start + lead + 1 });
    }
    start += part.length + 1;
  }
  if (!out.length) throw new RuleParseError('the rule is empty; write statements such as p = p - lr * g', 1);
  return out;
}

/** The column a core message names ("... at column 7: ..."), or null. */
export function columnOf(message) {
  const m = /\bcolumn (\d+)/.exec(String(message));
  return m ? Number(m[1]) : null;
}
