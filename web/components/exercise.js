// <steplab-exercise kind="optimizer" reference='{"type":"Adam","lr":0.01}' starter="p = p - lr * g">: the
// student writes an optimizer's update rule (or a loss as a formula in x and y), sees it as math and any
// parse error at its column, and it is graded against the lecturer's reference on one seeded stream by
// lab.checkOptimizer / lab.checkLoss: the verdict names the first step and element that differ. An
// optimizer races the reference on a landscape (a <steplab-race> inside); a loss is drawn with its
// derivative beside the reference's. Each graded rule fires `steplab-exercise` (bubbling, composed) with
// detail { pass, step, index, expected, got, tol, what, rule, spec, reference, state } for a course page
// or an LMS to record.
//
// Attributes: kind (optimizer | loss), reference (a spec as JSON, or a type: its registry starter),
// tolerance (default 1e-5), n (elements), steps (optimizer steps, also the race's), seed, starter (the
// rule in the box at first), hyper and state (JSON, the starter's), reduction (a loss's), fn, fn-params
// and start (the race's surface).
import { el, adoptStyle } from '../shared/dom.js';
import { LineChart, PALETTE } from '../shared/chart.js';
import { createRuleEditor, verdictText } from '../shared/rule-editor.js';
import RULE_CSS from '../shared/rule-editor.css';
import { lab, registry, watchAttributes, fire, STYLE, heightAttr } from './lab.js';

const DEFAULT_REF = { optimizer: { type: 'Adam', lr: 0.01 }, loss: { type: 'HuberLoss' } };

// "Adam lr 0.01", "HuberLoss delta 1": what the reference is, for the verdict and the race.
export function specName(spec) {
  const parts = [spec.type];
  for (const [k, v] of Object.entries(spec)) if (k !== 'type' && k !== 'scheduler' && (typeof v === 'number' || typeof v === 'boolean')) parts.push(`${k} ${v}`);
  return parts.join(' ');
}

export class SteplabExercise extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    adoptStyle(root, `${STYLE}${RULE_CSS}
      .ref { font-size: 13px; margin: 0 0 6px; }
      .verdict { margin: 8px 0; padding: 6px 8px; border-radius: 6px; border: 1px solid var(--grid); font-size: 14px; }
      .verdict:empty { display: none; }
      .verdict[data-pass="true"] { border-color: #009E73; background: color-mix(in srgb, #009E73 12%, transparent); }
      .verdict[data-pass="false"] { border-color: var(--err); background: color-mix(in srgb, var(--err) 10%, transparent); }
      .chart { width: 100%; } steplab-race { border: none; padding: 0; max-width: 560px; }`);
    this._ref = el('p', { class: 'ref', part: 'reference' });
    this._editorBox = el('div', { part: 'editor' });
    this._verdict = el('div', { class: 'verdict', part: 'verdict', role: 'status', 'aria-live': 'polite' });
    this._error = el('div', { class: 'error', role: 'alert' });
    this._figure = el('div', { part: 'figure' });
    root.append(this._ref, this._editorBox, this._verdict, this._error, this._figure);
  }

  connectedCallback() {
    if (!this._observer) this._observer = watchAttributes(this);
    this._init();
  }

  disconnectedCallback() {
    this._observer?.disconnect();
    this._observer = null;
  }

  /** The exercise's settings and the rule as typed now (what the lesson build measures). */
  getState() {
    const s = structuredClone(this._state);
    const v = this._editor?.value();
    if (v) {
      s.rule = v.rule;
      try { s.hyper = JSON.parse(v.hyper || '{}'); } catch { s.hyper = v.hyper; }
      if (s.kind === 'optimizer') { try { s.state = JSON.parse(v.state || '{}'); } catch { s.state = v.state; } }
    }
    return s;
  }

  /** The last verdict (lab.checkOptimizer / lab.checkLoss), or null before the first. */
  get verdict() { return this._last ? structuredClone(this._last) : null; }

  _readConfig(reg) {
    const json = (name, def) => {
      const a = this.getAttribute(name);
      if (a === null) return def;
      try { return JSON.parse(a); } catch { throw new Error(`steplab-exercise: ${name} is not valid JSON: ${a.slice(0, 60)}`); }
    };
    const kind = this.getAttribute('kind') || 'optimizer';
    if (kind !== 'optimizer' && kind !== 'loss') throw new Error(`steplab-exercise: kind must be optimizer or loss, got '${kind.slice(0, 40)}'`);
    const family = kind === 'loss' ? 'losses' : 'optimizers';
    const refAttr = this.getAttribute('reference');
    let reference = DEFAULT_REF[kind];
    if (refAttr !== null) reference = /^\s*\{/.test(refAttr) ? json('reference') : reg.has(family, refAttr.trim()) ? reg.starter(family, refAttr.trim()) : { type: refAttr.trim() };
    const starter = reg.starter(family, 'Custom') || {};
    const num = (name, def) => (this.hasAttribute(name) ? Number(this.getAttribute(name)) : def);
    const options = { n: num('n', kind === 'loss' ? 64 : 16), seed: num('seed', 1), tol: num('tolerance', 1e-5) };
    if (kind === 'optimizer') options.steps = num('steps', 200);
    const s = { kind, reference, rule: this.getAttribute('starter') ?? (kind === 'loss' ? starter.expr : starter.update) ?? '',
      hyper: json('hyper', starter.hyper || {}), options };
    if (kind === 'optimizer') {
      s.state = json('state', starter.state || {});
      Object.assign(s, { fn: this.getAttribute('fn') || 'rosenbrock', fn_params: json('fn-params', {}), start: json('start', [-1.5, 2.5]) });
    } else s.reduction = this.getAttribute('reduction') || reference.reduction || 'mean';
    return s;
  }

  async _init() {
    const g = (this._gen = (this._gen || 0) + 1);
    try {
      const reg = await registry();
      if (g !== this._gen) return;
      this._state = this._readConfig(reg);
    } catch (e) {
      this._error.textContent = e.message;
      return;
    }
    const s = this._state;
    this._error.textContent = '';
    this._last = null;
    this._verdict.textContent = '';
    delete this._verdict.dataset.pass;
    this._ref.textContent = `Reference: ${specName(s.reference)}. ${s.kind === 'loss'
      ? `Checked on ${s.options.n} seeded inputs and targets, value and gradient.`
      : `Checked on ${s.options.n} elements for ${s.options.steps} steps of seeded random gradients.`}`;
    this._figure.replaceChildren();
    this._race = null;
    this._chart = null;
    if (s.kind === 'optimizer') {
      this._race = el('steplab-race', { fn: s.fn, 'fn-params': JSON.stringify(s.fn_params), start: JSON.stringify(s.start), steps: String(s.options.steps), speed: '120' });
      // the race's own events stay inside: the exercise reports its verdict
      this._race.addEventListener('steplab-done', (e) => e.stopPropagation());
      this._figure.append(this._race);
    } else {
      const box = el('div', { class: 'chart', part: 'chart' });
      this._figure.append(box);
      this._chart = new LineChart(box, { xLabel: 'x', yLabel: 'loss', styleRoot: this, height: heightAttr(this, 240) });
    }
    const lr = s.kind === 'optimizer' ? s.reference.lr : undefined;
    this._editor = createRuleEditor({ kind: s.kind, id: 'ex', lr, value: { rule: s.rule, hyper: s.hyper, state: s.state, reduction: s.reduction },
      check: (spec) => lab().call('ruleCheck', { kind: s.kind, spec }),
      onChange: (spec) => { if (spec && g === this._gen) this._grade(spec, g); } });
    this._editorBox.replaceChildren(this._editor.root);
    await this._editor.ready;
    if (g === this._gen) this.dataset.rendered = String(g);
  }

  async _grade(spec, g) {
    const s = this._state;
    const rule = s.kind === 'loss' ? spec.expr : spec.update;
    const r = await lab().call('exercise', { kind: s.kind, student: spec, reference: s.reference, options: s.options });
    if (g !== this._gen || rule !== this._editor.value().rule) return;
    if (r.error) { this._error.textContent = r.error.message; return; }
    this._error.textContent = '';
    const v = r.verdict;
    this._last = v;
    this._verdict.dataset.pass = String(v.pass);
    this._verdict.textContent = verdictText(s.kind, v, specName(s.reference));
    this.dataset.pass = String(v.pass);
    if (this._race) this._race.setAttribute('optimizers', JSON.stringify([spec, s.reference]));
    if (this._chart) {
      const c = r.curves;
      this._chart.xLabel = c.binary ? 'logit x (target y = 1)' : 'error x − y (target y = 0)';
      const series = [['yours', c.student.value, 0], [specName(s.reference), c.reference.value, 1],
        ['yours, derivative', c.student.grad, 0, [6, 4]], [`${s.reference.type}, derivative`, c.reference.grad, 1, [6, 4]]];
      this._chart.setData(series.map(([label, values, i, dash]) => ({ label, values: Float64Array.from(values), color: PALETTE[i], dash })), Float64Array.from(c.student.x));
    }
    fire(this, 'steplab-exercise', { ...v, kind: s.kind, rule, spec, reference: s.reference, state: this.getState() });
  }
}
