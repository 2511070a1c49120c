// The "PyTorch code" box: the torch.optim.lr_scheduler code for the current
// settings, and a printer that turns steplab's lr_lambda formulas into Python.

const FUNCS = { exp: 'math.exp', log: 'math.log', sqrt: 'math.sqrt', sin: 'math.sin', cos: 'math.cos',
  floor: 'math.floor', ceil: 'math.ceil', abs: 'abs', min: 'min', max: 'max' };
const NAMES = { epoch: 'epoch', pi: 'math.pi', e: 'math.e' };
const COMPARE = ['<=', '>=', '==', '!=', '<', '>'];

// The tokens of the core's formula language (c/base/formula.c), read the same way: whitespace is
// space, tab, CR and LF; numbers are decimal (a number glued to a letter, digit, '_' or '.' is
// refused, so hex and 2epoch never get through); anything else is an error.
function tokenize(text) {
  const re = /[ \t\r\n]*(?:((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|\/\/|<=|>=|==|!=|[-+*/%^()<>?:,]))/y;
  const out = [];
  let m;
  for (re.lastIndex = 0; re.lastIndex < text.length && /[^ \t\r\n]/.test(text.slice(re.lastIndex));) {
    const at = re.lastIndex;
    if (!(m = re.exec(text))) throw new Error(`unexpected character at column ${at + 1}`);
    if (m[1] !== undefined && /[A-Za-z_0-9.]/.test(text[re.lastIndex] ?? '')) throw new Error(`malformed number at column ${at + 1}`);
    out.push(m[1] !== undefined ? { num: m[1] } : m[2] !== undefined ? { name: m[2] } : { op: m[3] });
  }
  return out;
}

// A decimal literal as Python reads it: the same value, but Python refuses whole numbers with
// leading zeros (007), so those lose them.
const pyNumber = (t) => (/^\d+$/.test(t) ? t.replace(/^0+(?=\d)/, '') : t);

// Formula (the core's language) -> a one-line Python expression in `epoch` with the same value:
// ^ becomes **, c ? a : b becomes (a if c else b), the functions and constants come from math.
// The arithmetic operators, their precedence and associativity, and chained comparisons are the
// same in both languages, so the rest is written as it was (with the author's parentheses).
// Throws on anything the core would refuse.
export function formulaToPython(text) {
  if (typeof text !== 'string' || text.length > 512) throw new Error('a formula is a string of at most 512 characters');
  const t = tokenize(text);
  let i = 0;
  const is = (op) => t[i]?.op === op;
  const eat = (op) => (is(op) ? (i++, true) : false);
  const expect = (op) => { if (!eat(op)) throw new Error(`expected '${op}'`); };
  let nest = 0;
  const ternary = (top = false) => {
    if (++nest > 64) throw new Error('nested too deeply');
    const c = compare();
    let out = c;
    if (eat('?')) {
      const a = ternary();
      expect(':');
      const b = ternary();
      out = top ? `${a} if ${c} else ${b}` : `(${a} if ${c} else ${b})`;
    }
    nest--;
    return out;
  };
  const binary = (next, ops) => () => {
    let a = next();
    while (t[i]?.op && ops.includes(t[i].op)) { const op = t[i++].op; a = `${a} ${op} ${next()}`; }
    return a;
  };
  const unary = () => {
    if (++nest > 64) throw new Error('nested too deeply');
    const out = eat('-') ? `-${unary()}` : eat('+') ? `+${unary()}` : power();
    nest--;
    return out;
  };
  const power = () => {
    const a = primary();
    return eat('**') || eat('^') ? `${a} ** ${unary()}` : a;
  };
  const primary = () => {
    const tok = t[i++];
    if (tok === undefined) throw new Error('unexpected end of formula');
    if (tok.op === '(') { const v = ternary(); expect(')'); return `(${v})`; }
    if (tok.num !== undefined) {
      if (!Number.isFinite(Number(tok.num))) throw new Error('number is too large');
      return pyNumber(tok.num);
    }
    if (tok.name !== undefined && Object.hasOwn(NAMES, tok.name)) return NAMES[tok.name];
    if (tok.name !== undefined && Object.hasOwn(FUNCS, tok.name)) {
      expect('(');
      const args = [ternary()];
      while (eat(',')) args.push(ternary());
      expect(')');
      const variadic = tok.name === 'min' || tok.name === 'max';
      if (variadic ? args.length < 2 : args.length !== 1) throw new Error(`wrong number of arguments to ${tok.name}`);
      return `${FUNCS[tok.name]}(${args.join(', ')})`;
    }
    throw new Error(`unexpected ${tok.name ?? tok.op ?? tok.num}`);
  };
  const product = binary(unary, ['*', '/', '//', '%']);
  const sum = binary(product, ['+', '-']);
  const compare = binary(sum, COMPARE);
  if (!t.length) throw new Error('empty formula');
  const out = ternary(true);
  if (i !== t.length) throw new Error('unexpected text after the formula');
  return out;
}

// A Python string literal for any text: quotes, backslashes, line breaks and other control
// characters escaped, so nothing in it can end the literal or the line.
export function pyString(s) {
  return `'${String(s).replace(/[\\'\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => (ch === '\\' || ch === "'" ? `\\${ch}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
}

export function py(v) {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "float('nan')" : `float('${v > 0 ? '' : '-'}inf')`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${pyString(k)}: ${py(x)}`).join(', ')}}`;
  return 'None';
}

const TEXTBOOK = {
  InverseTimeDecay: (s) => `1 / (1 + ${py(s.decay_rate)} * ${stair(s)})`,
  ExponentialDecay: (s) => `${py(s.decay_rate)} ** ${stair(s)}`,
  NaturalExpDecay: (s) => `math.exp(-${py(s.decay_rate)} * ${stair(s)})`,
};
const stair = (s) => {
  const ds = s.decay_steps ?? 1;
  const t = ds === 1 ? 'epoch' : `epoch / ${py(ds)}`;
  return s.staircase ? (ds === 1 ? 'epoch' : `(epoch // ${py(ds)})`) : (ds === 1 ? 'epoch' : `(${t})`);
};

function ctor(spec, optName) {
  const { type, lr, schedulers, lr_lambda, ...rest } = spec;
  if (Object.hasOwn(TEXTBOOK, type)) {
    return `torch.optim.lr_scheduler.LambdaLR(${optName}, lr_lambda=lambda epoch: ${TEXTBOOK[type](spec)})  # ${type}`;
  }
  const args = [optName];
  if (lr_lambda !== undefined) {
    let body;
    // a formula the core would refuse never reaches here; if one does, the script still parses and
    // stops at the first step with a NameError naming it
    try { body = formulaToPython(lr_lambda); } catch { body = `formula_not_exported(${pyString(String(lr_lambda))})`; }
    args.push(`lr_lambda=lambda epoch: ${body}`);
  }
  for (const [k, v] of Object.entries(rest)) if ((k !== 'milestones' || !schedulers) && /^[A-Za-z_]\w*$/.test(k)) args.push(`${k}=${py(v)}`);
  return `torch.optim.lr_scheduler.${type}(${args.join(', ')})`;
}

// `scheduler = ...` for a spec (composite schedulers get their parts first).
export function schedulerLines(spec, optName = 'optimizer') {
  if (spec.type !== 'SequentialLR' && spec.type !== 'ChainedScheduler') return [`scheduler = ${ctor(spec, optName)}`];
  const lines = [];
  const names = (spec.schedulers || []).map((c, i) => {
    lines.push(`s${i} = ${ctor(c, optName)}`);
    return `s${i}`;
  });
  lines.push(spec.type === 'SequentialLR'
    ? `scheduler = torch.optim.lr_scheduler.SequentialLR(${optName}, schedulers=[${names.join(', ')}], milestones=${py(spec.milestones || [])})`
    : `scheduler = torch.optim.lr_scheduler.ChainedScheduler([${names.join(', ')}])`);
  return lines;
}

// Python for one scheduler spec with a plain training loop around it.
export function schedulerCode(spec, n) {
  const lr = spec.lr ?? (spec.type === 'CyclicLR' ? spec.base_lr : 0.1);
  const lines = ['import math', 'import torch', '', 'model = torch.nn.Linear(2, 1)',
    `optimizer = torch.optim.SGD(model.parameters(), lr=${py(lr)}, momentum=0.9)`, ...schedulerLines(spec)];
  lines.push('', `for step in range(${Math.max(n, 0)}):`, "    lr = optimizer.param_groups[0]['lr']  # the value plotted at this step",
    '    optimizer.step()  # after the forward and backward pass of a batch or epoch');
  lines.push(spec.type === 'ReduceLROnPlateau' ? '    scheduler.step(val_loss)  # the monitored metric' : '    scheduler.step()');
  return lines.join('\n');
}
