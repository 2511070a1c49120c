// The editor of a written rule, shared by <steplab-exercise> and the rooms' "Your own" entries: a box
// for the rule (a Custom optimizer's update or a Custom loss's expr), its hyper-parameters and state as
// JSON, live errors from the core marked at their column, and the rule shown as math. Everything typed
// is shown as text or as MathML built node by node (rule-math.js); nothing becomes HTML.
import { el, clear } from './dom.js';
import { ruleMath } from './rule-math.js';
import { columnOf } from './rule-parse.js';

// Its style is web/shared/rule-editor.css (the page bundles it; <steplab-exercise> adopts it as text).


const HELP = {
  optimizer: 'Per element, in order: assign p or a state name. Read p, g (gradient), t (step, from 1), lr, your hyper and state names; + − * / ^, sqrt, abs, exp, log, sign, pow, min, max, c ? a : b.',
  loss: 'One expression in x (the input) and y (the target), and your hyper names; + − * / ^, sqrt, abs, exp, log, min, max, c ? a : b. Its gradient is exact.',
};

const asJson = (v) => JSON.stringify(v ?? {});

/**
 * createRuleEditor({ kind: 'optimizer'|'loss', value: { rule, hyper, state, reduction }, check, onChange, id })
 * check(spec) -> Promise<{ ok, message, field }> asks the core; onChange(spec, ok) after each checked edit.
 * Returns { root, spec(), value(), set(value), ok() }.
 */
export function createRuleEditor({ kind = 'optimizer', value = {}, check, onChange = () => {}, id = 'rule', lr = undefined }) {
  const ruleBox = el('textarea', { id: `${id}-rule`, 'data-param': 'rule', rows: kind === 'loss' ? 2 : 4, spellcheck: 'false',
    autocomplete: 'off', autocapitalize: 'off', 'aria-describedby': `${id}-error`, 'aria-invalid': 'false' });
  const hyperBox = el('input', { id: `${id}-hyper`, class: 'rule-json', 'data-param': 'hyper', type: 'text', spellcheck: 'false', 'aria-invalid': 'false' });
  const stateBox = kind === 'optimizer' ? el('input', { id: `${id}-state`, class: 'rule-json', 'data-param': 'state', type: 'text', spellcheck: 'false', 'aria-invalid': 'false' }) : null;
  const where = el('pre', { class: 'rule-where', 'aria-hidden': 'true' });
  const error = el('div', { class: 'rule-error', id: `${id}-error`, role: 'status', 'aria-live': 'polite' });
  const math = el('div', { class: 'rule-math', 'aria-label': 'the rule as math' });
  const root = el('div', { class: 'rule-editor', 'data-kind': kind }, [
    el('label', { for: ruleBox.id }, [kind === 'loss' ? 'Loss of one element, ℓ(x, y) =' : 'Update rule, per element', ruleBox]),
    where, error,
    el('div', { class: 'rule-row' }, [el('label', { for: hyperBox.id }, ['hyper (JSON)', hyperBox]), stateBox && el('label', { for: stateBox.id }, ['state and start values (JSON)', stateBox])]),
    math, el('p', { class: 'rule-help' }, HELP[kind]),
  ]);
  let reduction = value.reduction || 'mean';
  let ok = false;
  let gen = 0;

  const parsed = () => {
    const json = (box, what) => {
      const t = box.value.trim();
      if (!t) return {};
      let v;
      try { v = JSON.parse(t); } catch { throw Object.assign(new Error(`${what} is not valid JSON: write it as {"name": 0.9}`), { box }); }
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw Object.assign(new Error(`${what} must be a JSON object such as {"name": 0.9}`), { box });
      return v;
    };
    const hyper = json(hyperBox, 'hyper');
    if (kind === 'loss') return { type: 'Custom', hyper, reduction, expr: ruleBox.value };
    const spec = { type: 'Custom', hyper, state: json(stateBox, 'state'), update: ruleBox.value };
    if (lr !== undefined && hyper.lr === undefined) spec.lr = lr;
    return spec;
  };

  // The error's line of the rule with the character at the column marked; the column in the message.
  const showError = (message, box, column = null) => {
    clear(where);
    error.textContent = message;
    for (const b of [ruleBox, hyperBox, stateBox]) b?.setAttribute('aria-invalid', String(b === box));
    const col = box === ruleBox ? column ?? columnOf(message) : null;
    root.dataset.errorColumn = col ?? '';
    if (col === null) return;
    const text = ruleBox.value;
    const lineStart = text.lastIndexOf('\n', col - 2) + 1;
    const lineEnd = text.indexOf('\n', lineStart) < 0 ? text.length : text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd);
    const at = col - 1 - lineStart;
    const mark = el('mark', { 'data-column': col }, at < line.length ? line[at] : ' ');
    where.append(line.slice(0, at), mark, line.slice(at + 1));
  };

  const showMath = () => {
    clear(math);
    try { math.append(ruleMath(kind, ruleBox.value)); } catch { /* the core's message says what is wrong */ }
  };

  const run = async () => {
    const g = ++gen;
    let spec;
    try { spec = parsed(); } catch (e) {
      ok = false;
      showError(e.message, e.box);
      onChange(null, false);
      return;
    }
    const r = await check(spec);
    if (g !== gen) return;
    ok = !!r.ok;
    if (ok) {
      showError('', null);
      showMath();
    } else {
      showError(r.message, r.field === 'hyper' ? hyperBox : r.field === 'state' ? stateBox : ruleBox, r.column ?? null);
      clear(math);
    }
    root.dataset.ok = String(ok);
    onChange(ok ? spec : null, ok);
  };

  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(run, 120); };
  for (const b of [ruleBox, hyperBox, stateBox]) {
    if (!b) continue;
    b.addEventListener('input', soon);
    b.addEventListener('change', () => { clearTimeout(timer); run(); });
  }

  const set = (v = {}) => {
    ruleBox.value = v.rule ?? (kind === 'loss' ? '(x - y)^2' : 'p = p - lr * g');
    hyperBox.value = asJson(v.hyper);
    if (stateBox) stateBox.value = asJson(v.state);
    if (v.reduction) reduction = v.reduction;
    return run();
  };
  const ready = set(value);
  return {
    root, ready, set, ok: () => ok,
    spec: () => { try { return parsed(); } catch { return null; } },
    value: () => ({ rule: ruleBox.value, hyper: hyperBox.value, state: stateBox?.value, reduction }),
    setReduction: (r) => { reduction = r; return run(); },
  };
}


const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? String(+v.toPrecision(6)).replace('-', '−') : String(v));

/** The verdict of lab.checkOptimizer / lab.checkLoss in a sentence; refName names the reference. */
export function verdictText(kind, v, refName) {
  const within = `within ${v.tol} (relative above 1, absolute below)`;
  if (kind === 'loss') {
    if (v.pass) return `Pass: your loss matches ${refName} in value and gradient on ${v.n} elements, ${within}.`;
    const at = v.index === null ? '' : ` of element ${v.index} (x = ${num(v.input)}, y = ${num(v.target)})`;
    return `Not yet: the ${v.what === 'grad' ? 'gradient' : 'value'}${at} differs: ${refName} gives ${num(v.expected)}, yours ${num(v.got)}.`;
  }
  if (v.pass) return `Pass: your rule matches ${refName} on all ${v.n} elements for ${v.steps} steps, ${within}.`;
  const ctx = v.before !== undefined ? ` (before the step p = ${num(v.before)}, g = ${num(v.grad)})` : '';
  return `Not yet: at step ${v.step}, element ${v.index}, ${refName} gives p = ${num(v.expected)} but your rule gives ${num(v.got)}${ctx}.`;
}

// The core's answer to "does this rule compile", for editors made without their own check (the page
// sets it once: useRuleChecker((kind, spec) => lab.call('ruleCheck', { kind, spec }))).
let defaultCheck = async () => ({ ok: true });
export function useRuleChecker(fn) { defaultCheck = (spec, kind) => fn(kind, spec); }

/** The parameters of a Custom spec the editor owns. */
export const RULE_PARAMS = ['update', 'expr', 'hyper', 'state'];

/**
 * The editor for a Custom spec edited in place (the rooms' parameter fields): each rule the core takes
 * is written into spec (update or expr, hyper, state) and onChange(spec, 'rule') is called.
 */
export function ruleFields(prefix, spec, onChange, kind = spec.expr !== undefined ? 'loss' : 'optimizer') {
  const editor = createRuleEditor({ kind, id: `${prefix}-custom`, check: (s) => defaultCheck(s, kind),
    value: { rule: kind === 'loss' ? spec.expr : spec.update, hyper: spec.hyper, state: spec.state, reduction: spec.reduction },
    onChange: (s) => {
      if (!s) return;
      const same = kind === 'loss' ? s.expr === spec.expr : s.update === spec.update;
      if (same && JSON.stringify([s.hyper, s.state]) === JSON.stringify([spec.hyper, spec.state])) return;
      if (kind === 'loss') spec.expr = s.expr; else { spec.update = s.update; spec.state = s.state; }
      spec.hyper = s.hyper;
      onChange(spec, 'rule');
    } });
  return editor.root;
}
