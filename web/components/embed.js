// steplab's web components for course pages: one classic script
// (dist/steplab-embed.js) that defines <steplab-schedule> and <steplab-loss>.
// All components on a page share one worker (one wasm instance). Attributes
// use the JS API's parameter names (kebab-case is fine: max-lr = max_lr);
// `controls` lists the parameters the reader may change, `locked` freezes them,
// `height` and `theme` (light, dark, auto) set the look, and CSS custom
// properties (--steplab-fg, --steplab-bg, --steplab-accent, --steplab-font)
// match the page around it.
import uplotCss from 'uplot/dist/uPlot.min.css';
import { startLab } from '../app/client.js';
import { LineChart, PALETTE, fmtValue } from '../app/chart.js';
import { el, clear } from '../app/dom.js';

let shared = null;
let workers = 0;
function lab() {
  if (!shared) {
    const l = startLab();
    workers++;
    shared = { call: l.call, info: l.call('init') };
  }
  return shared;
}

const RESERVED = new Set(['controls', 'locked', 'height', 'theme', 'steps', 'config', 'class', 'style', 'id', 'title',
  'lang', 'dir', 'hidden', 'tabindex', 'slot', 'part', 'derivatives', 'against']);

const STYLE = `
:host { display: block; --fg: var(--steplab-fg, #1d2330); --bg: var(--steplab-bg, #fff); --grid: var(--steplab-grid, #dfe3ea);
  --accent: var(--steplab-accent, #0b5cad); --err: #b3261e; font: 14px/1.4 var(--steplab-font, system-ui, sans-serif);
  color: var(--fg); background: var(--bg); border: 1px solid var(--grid); border-radius: 8px; padding: 8px; }
:host([theme="dark"]) { --fg: var(--steplab-fg, #e6e9ef); --bg: var(--steplab-bg, #13161c); --grid: var(--steplab-grid, #323947); --err: #ff8a80; }
@media (prefers-color-scheme: dark) { :host([theme="auto"]) { --fg: var(--steplab-fg, #e6e9ef); --bg: var(--steplab-bg, #13161c); --grid: var(--steplab-grid, #323947); --err: #ff8a80; } }
.controls { display: flex; flex-wrap: wrap; gap: 6px 14px; margin-bottom: 6px; }
.controls label { display: inline-flex; gap: 6px; align-items: center; }
input, select { font: inherit; color: inherit; background: var(--bg); border: 1px solid #8a93a6; border-radius: 4px; padding: 2px 5px; }
input[type=number] { width: 7em; }
:focus-visible { outline: 3px solid #d55e00; outline-offset: 2px; }
.error { color: var(--err); font-size: 13px; }
.error:empty { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.u-legend { font-size: 12px; color: var(--fg); }
${uplotCss}`;

// "max-lr" -> "max_lr"; "t-max" -> "T_max" via the registry's names.
function paramName(attr, kind) {
  const snake = attr.replace(/-/g, '_');
  const hit = kind?.params.find((p) => p.name.toLowerCase() === snake.toLowerCase());
  return hit ? hit.name : snake;
}

function attrValue(text) {
  const t = text.trim();
  if (t === 'true' || t === '') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (t.startsWith('[') || t.startsWith('{')) {
    try { return JSON.parse(t); } catch { return t; }
  }
  return t;
}

class SteplabFigure extends HTMLElement {
  static get workerCount() { return workers; }

  constructor() {
    super();
    this._state = null;
    this._gen = 0;
    this._configProp = null;
    const root = this.attachShadow({ mode: 'open' });
    this._controls = el('div', { class: 'controls', part: 'controls' });
    this._chartBox = el('div', { class: 'chart', part: 'chart' });
    this._error = el('div', { class: 'error', role: 'alert', part: 'error' });
    this._readout = el('div', { class: 'sr', 'aria-live': 'polite' });
    root.append(el('style', {}, STYLE), this._controls, this._chartBox, this._error, this._readout);
  }

  get config() { return this._configProp; }
  set config(v) { this._configProp = v; if (this.isConnected) this._init(); }

  connectedCallback() {
    if (!this._observer) {
      // re-read on attribute changes, but not on the ones this element writes itself (data-rendered)
      this._observer = new MutationObserver((records) => {
        if (records.some((r) => !/^(data-|aria-|class$|style$)/.test(r.attributeName))) this._init();
      });
      this._observer.observe(this, { attributes: true });
    }
    this._init();
  }

  disconnectedCallback() {
    this._observer?.disconnect();
    this._observer = null;
  }

  async _init() {
    const { info } = lab();
    const { registry } = await info;
    try {
      this._state = this._readConfig(registry);
    } catch (e) {
      this._error.textContent = e.message;
      return;
    }
    this._registry = registry;
    this._buildControls();
    this._chart ||= new LineChart(this._chartBox, { xLabel: this._xLabel(), yLabel: this._yLabel(), styleRoot: this,
      height: Number(this.getAttribute('height')) > 80 ? Number(this.getAttribute('height')) : 240 });
    this._render();
  }

  // Controls the reader may touch: `controls="max_lr,pct_start"`; none when locked.
  _buildControls() {
    clear(this._controls);
    if (this.hasAttribute('locked')) return;
    const names = (this.getAttribute('controls') || '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const name of names) {
      const p = this._param(name);
      if (!p) continue;
      const value = this._get(p.name) ?? p.default;
      let input;
      if (p.kind === 'boolean') {
        input = el('input', { type: 'checkbox' });
        input.checked = !!value;
        input.addEventListener('change', () => this._set(p.name, input.checked));
      } else if (p.kind === 'enum') {
        input = el('select', {}, p.choices.split('|').map((c) => el('option', { value: c, selected: c === value ? '' : null }, c)));
        input.addEventListener('change', () => this._set(p.name, input.value));
      } else if (p.kind === 'number' || p.kind === 'integer') {
        input = el('input', { type: 'number', step: p.kind === 'integer' ? '1' : 'any', value: value == null ? '' : String(value) });
        input.addEventListener('input', () => { if (input.value.trim() !== '') this._set(p.name, Number(input.value)); });
      } else {
        input = el('input', { type: 'text', value: value == null ? '' : String(value) });
        input.addEventListener('input', () => this._set(p.name, input.value));
      }
      input.setAttribute('aria-label', p.help ? `${p.name}: ${p.help}` : p.name);
      input.dataset.param = p.name;
      this._controls.append(el('label', {}, [p.name, input]));
    }
  }

  async _render() {
    const g = ++this._gen;
    let res;
    try {
      res = await this._compute();
    } catch (e) {
      if (g === this._gen) this._error.textContent = e.message;
      return;
    }
    if (g !== this._gen) return;
    this._error.textContent = '';
    this._chart.setData(res.series, res.x);
    this._readout.textContent = res.series.map((s) => `${s.label}: first ${fmtValue(s.values[0])}, last ${fmtValue(s.values[s.values.length - 1])}`).join('; ');
    this.dataset.rendered = String(g);
    this.dispatchEvent(new CustomEvent('steplab-change', { detail: { state: this.getState(), series: res.series.map((s) => ({ label: s.label, values: Array.from(s.values) })) }, bubbles: true, composed: true }));
  }

  _set(name, value) {
    this._state.params[name] = value;
    this._render();
  }

  getState() { return structuredClone(this._state); }

  setState(state) {
    if (!state || typeof state !== 'object') throw new TypeError(`${this.localName}: setState expects an object from getState()`);
    this._configProp = structuredClone(state);
    this._init();
  }

  reset() {
    this._configProp = null;
    this._init();
  }
}

class SteplabSchedule extends SteplabFigure {
  _xLabel() { return 'step'; }
  _yLabel() { return 'learning rate'; }

  _readConfig(registry) {
    const cfg = this._configProp || (this.hasAttribute('config') ? JSON.parse(this.getAttribute('config')) : null);
    if (cfg) {
      const spec = cfg.params ? { ...cfg.params } : { ...(cfg.spec || {}) };
      return { type: 'schedule', params: spec, steps: cfg.steps ?? 100 };
    }
    const type = this.getAttribute('type') || 'StepLR';
    const kind = registry.schedulers.find((k) => k.name.toLowerCase() === type.toLowerCase());
    const params = { type: kind ? kind.name : type };
    for (const a of this.getAttributeNames()) {
      if (RESERVED.has(a) || a === 'type' || a.startsWith('aria-') || a.startsWith('data-')) continue;
      params[paramName(a, kind)] = attrValue(this.getAttribute(a));
    }
    return { type: 'schedule', params, steps: Number(this.getAttribute('steps') || 100) };
  }

  _param(name) {
    const kind = this._registry.schedulers.find((k) => k.name === this._state.params.type);
    return kind?.params.find((p) => p.name.toLowerCase() === name.replace(/-/g, '_').toLowerCase());
  }

  _get(name) { return this._state.params[name]; }

  async _compute() {
    const values = await lab().call('schedule', { spec: this._state.params, n: this._state.steps });
    return { series: [{ label: this._state.params.type, values, color: getComputedStyle(this).getPropertyValue('--steplab-accent').trim() || PALETTE[0] }] };
  }
}

class SteplabLoss extends SteplabFigure {
  _xLabel() { return 'x'; }
  _yLabel() { return 'loss'; }

  _readConfig() {
    const cfg = this._configProp || (this.hasAttribute('config') ? JSON.parse(this.getAttribute('config')) : null);
    const params = { panel: 'error' };
    if (cfg) Object.assign(params, cfg.params || cfg);
    else {
      params.panel = this.getAttribute('against') || 'error';
      for (const k of ['delta', 'beta', 'gamma', 'alpha', 'margin', 'd_ap']) {
        const a = this.getAttribute(k.replace('_', '-'));
        if (a !== null) params[k] = Number(a);
      }
      params.derivatives = this.hasAttribute('derivatives');
    }
    return { type: 'loss', params };
  }

  _param(name) {
    const n = name.replace(/-/g, '_');
    const help = { delta: 'Huber δ', beta: 'SmoothL1 β', gamma: 'focal γ', alpha: 'focal α', margin: 'margin m', d_ap: 'triplet d(a,p)' };
    return help[n] ? { name: n, kind: 'number', default: { alpha: 0.25, gamma: 2 }[n] ?? 1, help: help[n] } : null;
  }

  _get(name) { return this._state.params[name]; }

  async _compute() {
    const { derivatives, ...args } = this._state.params;
    const res = await lab().call('lossCurves', args);
    this._chart.xLabel = res.xLabel;
    return { x: res.x, series: res.series.filter((s) => derivatives || s.kind === 'value').map((s) => ({
      label: s.label, values: s.values, color: PALETTE[s.group % PALETTE.length], dash: s.kind === 'grad' ? [6, 4] : undefined })) };
  }
}

if (!customElements.get('steplab-schedule')) customElements.define('steplab-schedule', SteplabSchedule);
if (!customElements.get('steplab-loss')) customElements.define('steplab-loss', SteplabLoss);
