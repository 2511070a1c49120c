// The quantities a lesson can name on a figure ("loss[1]", "val_accuracy", "lr@30", "steps_to[0](1e-3)"),
// and conditions on them ("loss[1] < 1e-3"). Parsed at build time (parseCondition, parseQuantity); the
// page's runtime and the Node claims checker evaluate the parsed JSON on a figure's result with the same
// code (valueOf, holds), so a challenge in the browser and a claim in the tests mean the same thing.
//
// A result is { kind, detail, epochs?, traces? }: `detail` is the component's event detail (steplab-done of a
// race, a train or an lrfinder figure; steplab-change of a schedule or a loss figure), `epochs` the rows of a
// train figure's steplab-epoch events, `traces` a race's whole paths (only Node has them: lab.trace).

export class LessonSyntaxError extends Error {}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?%?$/i;
const OPS = ['<=', '>=', '!=', '==', '<', '>', '='];

// "83.6" -> { value: 83.6, tol: 0.05, text }: a stated number holds to half a unit of its last digit.
export function parseNumber(text) {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  const pct = t.endsWith('%');
  const body = pct ? t.slice(0, -1) : t;
  const [mant, exp = '0'] = body.toLowerCase().split('e');
  const decimals = mant.includes('.') ? mant.split('.')[1].length : 0;
  const tol = 0.5 * 10 ** (Number(exp) - decimals - (pct ? 2 : 0));
  return { value: pct ? Number(body) / 100 : Number(body), tol, text: t };
}

// What each kind of figure can be asked, and whether the page sees it (in an event) or only the lab
// (a race's path). `at` says what @k means; `index` what [i] selects.
export const VOCABULARY = {
  race: {
    loss: { page: true, index: 'optimizer', help: "the optimizer's loss at the end of the race" },
    diverged: { page: true, index: 'optimizer', help: '1 if the optimizer diverged, else 0' },
    stopped_at: { page: true, index: 'optimizer', help: 'the step at which the optimizer stopped (its divergence, or the end)' },
    steps: { page: true, help: 'the steps the race ran' },
    'loss@': { page: false, index: 'optimizer', help: "the optimizer's loss after k steps" },
    steps_to: { page: false, index: 'optimizer', arg: true, help: 'the first step at which the loss is below the argument (Infinity: never)' },
    turns: { page: false, index: 'optimizer', help: 'how often the step across the second coordinate changes sign (zig-zags)' },
    x: { page: false, index: 'optimizer', help: 'the first coordinate at the end' },
    y: { page: false, index: 'optimizer', help: 'the second coordinate at the end' },
    'step@': { page: false, index: 'optimizer', help: 'the length of the optimizer\'s k-th step' },
    evals: { page: false, index: 'optimizer', help: 'how many times the optimizer evaluated the function and its gradient (L-BFGS: several per step)' },
    'evals@': { page: false, index: 'optimizer', help: 'the evaluations of the first k steps' },
    'x@': { page: false, index: 'optimizer', help: 'the first coordinate after k steps' },
    'y@': { page: false, index: 'optimizer', help: 'the second coordinate after k steps' },
  },
  train: {
    val_accuracy: { page: true, help: 'validation accuracy at the end (run.evaluate)' },
    val_loss: { page: true, help: 'validation loss at the end' },
    train_accuracy: { page: true, help: 'training accuracy at the end' },
    train_loss: { page: true, help: 'training loss at the end' },
    precision: { page: true, help: 'validation precision' },
    recall: { page: true, help: 'validation recall' },
    f1: { page: true, help: 'validation F1' },
    auroc: { page: true, help: 'validation AUROC' },
    mse: { page: true, help: 'validation MSE (regression)' },
    mae: { page: true, help: 'validation MAE (regression)' },
    confusion: { page: true, index: 'cell', help: 'confusion[true][predicted] on the validation rows' },
    epochs: { page: true, help: 'epochs trained' },
    steps: { page: true, help: 'optimizer steps taken' },
    steps_per_epoch: { page: true, help: 'steps / epochs' },
    status: { page: true, help: 'done, stopped or diverged' },
    diverged: { page: true, help: '1 if the run diverged, else 0' },
    'train_loss@': { page: true, help: 'training loss after epoch e' },
    'val_loss@': { page: true, help: 'validation loss after epoch e' },
    'train_accuracy@': { page: true, help: 'training accuracy after epoch e' },
    'val_accuracy@': { page: true, help: 'validation accuracy after epoch e' },
    'val_mse@': { page: true, help: 'validation MSE after epoch e' },
    'lr@': { page: true, help: 'the learning rate at the end of epoch e' },
    'step_lr@': { page: false, help: 'the learning rate used by optimizer step k (1-based)' },
    val_loss_rises: { page: true, help: 'how many epochs ended with a higher validation loss than the one before' },
    small_weights: { page: false, arg: true, help: "the fraction of the weight matrices' entries below the argument in size" },
    weight_l1: { page: false, help: "the sum of the weight matrices' absolute entries" },
    weight_l2: { page: false, help: "the sum of the weight matrices' squared entries" },
  },
  schedule: {
    lr: { page: true, help: 'the last learning rate plotted' },
    'lr@': { page: true, help: 'the learning rate after k calls of scheduler.step()' },
    min_lr: { page: true, help: 'the smallest learning rate plotted' },
    max_lr: { page: true, help: 'the largest learning rate plotted' },
    peak_at: { page: true, help: 'the first step at which the largest learning rate is reached' },
    steps: { page: true, help: 'how many values are plotted' },
  },
  loss: {},
  exercise: {
    pass: { page: true, help: 'true when the written rule matches the reference (lab.checkOptimizer / lab.checkLoss)' },
    step: { page: true, help: 'the first step at which the rule differs from the reference (an optimizer; none when it passes)' },
    index: { page: true, help: 'the first element that differs' },
    expected: { page: true, help: "the reference's value there" },
    got: { page: true, help: "the rule's value there" },
  },
  lrfinder: {
    valley: { page: true, help: "fast.ai's valley suggestion" },
    steep: { page: true, help: 'the steepest-descent suggestion' },
    minimum: { page: true, help: 'the minimum / 10 suggestion' },
    slide: { page: true, help: 'the slide suggestion' },
    steps: { page: true, help: 'steps the range test ran' },
    stopped: { page: true, help: "why it stopped: 'diverged' or 'num_iter'" },
  },
};

// "loss[1]", "confusion[1][0]", "steps_to[0](1e-3)", "val_loss@5", "momentum" (a setting of the figure).
export function parseQuantity(text) {
  const m = /^([A-Za-z_][\w.]*)((?:\[\d+\])*)(?:\(([^)]*)\))?(?:@(\d+))?$/.exec(text.trim());
  if (!m) throw new LessonSyntaxError(`'${text.trim()}' is not a quantity (a name, then optionally [index], (argument), @step: loss[1], lr@30)`);
  const q = { name: m[1], index: [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])) };
  if (m[3] !== undefined) {
    const n = parseNumber(m[3]);
    if (!n) throw new LessonSyntaxError(`the argument of ${m[1]} must be a number, got '${m[3]}'`);
    q.arg = n.value;
  }
  if (m[4] !== undefined) q.at = Number(m[4]);
  return q;
}

export function quantityText(q) {
  return `${q.name}${q.index.map((i) => `[${i}]`).join('')}${q.arg !== undefined ? `(${q.arg})` : ''}${q.at !== undefined ? `@${q.at}` : ''}`;
}

// A word the vocabulary has for this kind, or null (then the name is a setting, looked up in the state).
export function vocabularyEntry(kind, q) {
  const v = VOCABULARY[kind] || {};
  const key = q.at !== undefined ? `${q.name}@` : q.name;
  return Object.hasOwn(v, key) ? v[key] : null;
}

// A right-hand side: a number (with its precision), true/false, or a bare word (a string: done, SGD).
export function parseValue(text) {
  const t = text.trim();
  const n = parseNumber(t);
  if (n) return { number: n.value, tol: n.tol, text: n.text };
  if (t === 'true' || t === 'false') return { number: t === 'true' ? 1 : 0, tol: 0, text: t };
  if (/^(?:Infinity|never)$/.test(t)) return { number: Infinity, tol: 0, text: t };
  if (/^[\w.-]+$/.test(t)) return { string: t, text: t };
  return null;
}

function splitOp(text) {
  for (let i = 0; i < text.length; i++) {
    for (const op of OPS) {
      if (text.startsWith(op, i)) return [text.slice(0, i), op === '==' ? '=' : op, text.slice(i + op.length)];
    }
  }
  return null;
}

// "loss[1] < 1e-3 and steps <= 100", "val_accuracy >= 95% within 20 epochs": conditions that must all hold.
export function parseConditions(text) {
  let t = text.trim();
  const out = [];
  const within = /\s+within\s+(\d+)\s+(steps?|epochs?)\s*$/i.exec(t);
  if (within) {
    t = t.slice(0, within.index);
    out.push({ q: { name: /^step/i.test(within[2]) ? 'steps' : 'epochs', index: [] }, op: '<=', value: { number: Number(within[1]), tol: 0, text: within[1] } });
  }
  if (!t) throw new LessonSyntaxError('the condition is empty');
  const parts = t.split(/\s+and\s+/);
  return [...parts.map((p) => {
    const s = splitOp(p);
    if (!s) throw new LessonSyntaxError(`'${p.trim()}' needs a comparison: <, <=, >, >=, = or !=`);
    const [lhs, op, rhs] = s;
    const value = parseValue(rhs);
    if (!value) throw new LessonSyntaxError(`'${rhs.trim()}' is not a number, true/false or a word`);
    if (value.string !== undefined && op !== '=' && op !== '!=') throw new LessonSyntaxError(`'${value.text}' is a word: compare it with = or !=`);
    return { q: parseQuantity(lhs), op, value };
  }), ...out];
}

const get = (obj, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), obj);

// A setting of the figure's state (lr, momentum, batch_size, delta, T_max, optimizer), for "momentum >= 0.5".
function setting(kind, detail, q) {
  const st = detail?.state;
  const dotted = q.name.split('.');
  if (dotted.length > 1) return get(st, dotted);
  if (kind === 'train' || kind === 'lrfinder') {
    const c = st?.config || {};
    if (q.name === 'optimizer') return c.optimizer?.type;
    if (q.name === 'dataset') return c.dataset?.name;
    if (q.name === 'loss') return c.loss?.type;
    if (q.name === 'hidden') return (c.model?.hidden || []).join(',');
    for (const o of [c, c.optimizer, c.dataset, c.model, st?.options]) if (o && Object.hasOwn(o, q.name)) return o[q.name];
    return undefined;
  }
  if (kind === 'race') {
    const o = st?.optimizers?.[q.index[0] ?? 0];
    return o && Object.hasOwn(o, q.name) ? o[q.name] : st?.[q.name];
  }
  return st?.params?.[q.name] ?? st?.[q.name];
}

function pick(arr, q, what) {
  if (!Array.isArray(arr)) return undefined;
  if (q.index.length === 0 && arr.length > 1) throw new LessonSyntaxError(`${q.name} needs an index: the figure has ${arr.length} ${what}s (${q.name}[0] .. ${q.name}[${arr.length - 1}])`);
  return arr[q.index[0] ?? 0];
}

// The value of quantity q on result r (a number, a string, or undefined when the result does not have it).
export function valueOf(r, q) {
  const d = r.detail || {};
  const entry = vocabularyEntry(r.kind, q);
  if (!entry) return setting(r.kind, d, q);
  switch (r.kind) {
    case 'race': {
      if (q.name === 'steps') return d.step;
      if (q.name === 'loss' && q.at === undefined) return pick(d.results, q, 'optimizer')?.loss;
      if (q.name === 'diverged') { const x = pick(d.results, q, 'optimizer'); return x ? (x.diverged ? 1 : 0) : undefined; }
      if (q.name === 'stopped_at') return pick(d.results, q, 'optimizer')?.stopped_at;
      const t = pick(r.traces, q, 'optimizer');
      if (!t) return undefined;
      const n = t.loss.length;
      if (q.name === 'loss') return t.loss[Math.min(q.at, n - 1)];
      if (q.name === 'x') return q.at === undefined ? t.x[n - 1] : t.x[q.at];
      if (q.name === 'y') return q.at === undefined ? t.y[n - 1] : t.y[q.at];
      if (q.name === 'evals') return Array.from(t.evals).slice(0, q.at).reduce((a, b) => a + b, 0);
      if (q.name === 'step') return q.at >= 1 && q.at < n ? Math.hypot(t.x[q.at] - t.x[q.at - 1], t.y[q.at] - t.y[q.at - 1]) : undefined;
      if (q.name === 'steps_to') { for (let k = 0; k < n; k++) if (t.loss[k] < q.arg) return k; return Infinity; }
      if (q.name === 'turns') {
        let turns = 0;
        for (let k = 2; k < n; k++) if (Math.sign(t.y[k] - t.y[k - 1]) * Math.sign(t.y[k - 1] - t.y[k - 2]) < 0) turns++;
        return turns;
      }
      return undefined;
    }
    case 'train': {
      if (q.name === 'step_lr') return r.step_lr?.[q.at - 1];
      if (q.at !== undefined) {
        const row = r.epochs?.[q.at - 1];
        return row ? row[q.name.replace('@', '')] : undefined;
      }
      const m = d.metrics || {};
      const tm = d.train_metrics || {};
      switch (q.name) {
        case 'val_accuracy': return m.accuracy;
        case 'val_loss': return m.loss;
        case 'train_accuracy': return tm.accuracy;
        case 'train_loss': return tm.loss;
        case 'confusion': return get(m.confusion, q.index);
        case 'epochs': return d.epochs;
        case 'steps': return d.steps;
        case 'steps_per_epoch': return d.epochs ? d.steps / d.epochs : undefined;
        case 'status': return d.status;
        case 'diverged': return d.status === 'diverged' ? 1 : 0;
        case 'small_weights': return r.weights ? r.weights.filter((w) => Math.abs(w) < q.arg).length / r.weights.length : undefined;
        case 'weight_l1': return r.weights?.reduce((a, w) => a + Math.abs(w), 0);
        case 'weight_l2': return r.weights?.reduce((a, w) => a + w * w, 0);
        case 'val_loss_rises': {
          const rows = (r.epochs || []).filter(Boolean);
          return rows.length ? rows.slice(1).filter((row, i) => row.val_loss > rows[i].val_loss).length : undefined;
        }
        default: return m[q.name];
      }
    }
    case 'schedule': {
      const v = d.series?.[0]?.values;
      if (!v) return undefined;
      if (q.name === 'lr') return q.at === undefined ? v[v.length - 1] : v[q.at];
      if (q.name === 'min_lr') return Math.min(...v);
      if (q.name === 'max_lr') return Math.max(...v);
      if (q.name === 'peak_at') return v.indexOf(Math.max(...v));
      if (q.name === 'steps') return v.length;
      return undefined;
    }
    case 'exercise':
      return d[q.name] ?? undefined;
    case 'lrfinder':
      if (q.name === 'steps') return d.steps;
      if (q.name === 'stopped') return d.stopped;
      return d.suggestions?.[q.name] ?? undefined;
    default:
      return undefined;
  }
}

// Does a value satisfy op against the stated value? "=" holds to the stated precision.
export function compare(x, op, value) {
  if (value.string !== undefined) return op === '=' ? String(x) === value.string : String(x) !== value.string;
  if (typeof x === 'boolean') x = x ? 1 : 0;
  if (typeof x !== 'number' || Number.isNaN(x)) return false;
  const v = value.number;
  const eq = x === v || Math.abs(x - v) <= value.tol * (1 + 1e-9);
  switch (op) {
    case '<': return x < v;
    case '<=': return x <= v;
    case '>': return x > v;
    case '>=': return x >= v;
    case '=': return eq;
    case '!=': return !eq;
    default: return false;
  }
}

// Every condition on result r: { ok, values: [{ text, value, ok }] } (values for the page's feedback).
export function holds(r, conds) {
  const values = conds.map((c) => {
    const value = valueOf(r, c.q);
    return { text: `${quantityText(c.q)} ${c.op} ${c.value.text}`, quantity: quantityText(c.q), value, ok: value !== undefined && compare(value, c.op, c.value) };
  });
  return { ok: values.every((v) => v.ok), values };
}

// A number as the page shows it: 4 significant digits, small and large ones in e-notation.
export function formatValue(v) {
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return v > 0 ? 'never' : String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2).replace('e+', 'e');
  return String(+v.toPrecision(4));
}
