// The "PyTorch code" box: the torch.optim.lr_scheduler code for the current
// settings, and a printer that turns steplab's lr_lambda formulas into Python.

const FUNCS = { exp: 'math.exp', log: 'math.log', sqrt: 'math.sqrt', sin: 'math.sin', cos: 'math.cos',
  floor: 'math.floor', ceil: 'math.ceil', abs: 'abs', min: 'min', max: 'max' };

function tokenize(text) {
  const re = /\s*(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|[A-Za-z_]\w*|\*\*|\/\/|<=|>=|==|!=|[-+*/%^()<>?:,])/y;
  const out = [];
  let m;
  re.lastIndex = 0;
  while (re.lastIndex < text.length && (m = re.exec(text))) out.push(m[1]);
  if (text.slice(re.lastIndex).trim()) throw new Error('unexpected text');
  return out;
}

// Formula (already validated by the core) -> Python expression in `epoch`.
export function formulaToPython(text) {
  const t = tokenize(text);
  let i = 0;
  const peek = () => t[i];
  const eat = (x) => (t[i] === x ? (i++, true) : false);
  const expect = (x) => { if (!eat(x)) throw new Error(`expected ${x}`); };
  const ternary = () => {
    const c = compare();
    if (!eat('?')) return c;
    const a = ternary();
    expect(':');
    const b = ternary();
    return `(${a} if ${c} else ${b})`;
  };
  const binary = (next, ops) => () => {
    let a = next();
    while (ops.includes(peek())) { const op = t[i++]; a = `(${a} ${op} ${next()})`; }
    return a;
  };
  const unary = () => {
    if (eat('-')) return `(-${unary()})`;
    if (eat('+')) return unary();
    return power();
  };
  const power = () => {
    const a = primary();
    if (eat('**') || eat('^')) return `(${a} ** ${unary()})`;
    return a;
  };
  const primary = () => {
    const tok = t[i++];
    if (tok === undefined) throw new Error('unexpected end');
    if (tok === '(') { const v = ternary(); expect(')'); return v; }
    if (/^[\d.]/.test(tok)) return tok;
    if (tok === 'epoch') return 'epoch';
    if (tok === 'pi') return 'math.pi';
    if (tok === 'e') return 'math.e';
    if (FUNCS[tok]) {
      expect('(');
      const args = [ternary()];
      while (eat(',')) args.push(ternary());
      expect(')');
      return `${FUNCS[tok]}(${args.join(', ')})`;
    }
    throw new Error(`unknown name ${tok}`);
  };
  const product = binary(unary, ['*', '/', '//', '%']);
  const sum = binary(product, ['+', '-']);
  const compare = binary(sum, ['<', '<=', '>', '>=', '==', '!=']);
  const out = ternary();
  if (i !== t.length) throw new Error('unexpected text');
  return out.startsWith('(') && out.endsWith(')') && balanced(out.slice(1, -1)) ? out.slice(1, -1) : out;
}

function balanced(s) {
  let d = 0;
  for (const ch of s) { d += ch === '(' ? 1 : ch === ')' ? -1 : 0; if (d < 0) return false; }
  return d === 0;
}

export function py(v) {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return JSON.stringify(v).replace(/^"|"$/g, "'");
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  if (Number.isInteger(v)) return String(v);
  return String(v);
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
    try { body = formulaToPython(lr_lambda); } catch { body = `...  # ${lr_lambda}`; }
    args.push(`lr_lambda=lambda epoch: ${body}`);
  }
  for (const [k, v] of Object.entries(rest)) if (k !== 'milestones' || !schedulers) args.push(`${k}=${py(v)}`);
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
