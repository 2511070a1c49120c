// The base of the chart components (<steplab-schedule>, <steplab-loss>, <steplab-lrfinder>):
// settings from the attributes, the `config` property or setState; the controls the reader may
// touch (`controls="max_lr,pct_start"`, none when `locked`); one chart; a read-out for screen
// readers; a steplab-change event after each render. Subclasses say what they read and compute.
import { LineChart, fmtValue } from '../shared/chart.js';
import { el, clear, adoptStyle } from '../shared/dom.js';
import { registry, watchAttributes, workerCount, fire, heightAttr, STYLE } from './lab.js';

export class SteplabFigure extends HTMLElement {
  static get workerCount() { return workerCount(); }

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
    adoptStyle(root, STYLE);
    root.append(this._controls, this._chartBox, this._error, this._readout);
  }

  get config() { return this._configProp; }
  set config(v) { this._configProp = v; if (this.isConnected) this._init(); }

  connectedCallback() {
    this._observer ||= watchAttributes(this);
    this._init();
  }

  disconnectedCallback() {
    this._observer?.disconnect();
    this._observer = null;
  }

  async _init() {
    const reg = await registry();
    try {
      this._state = this._readConfig(reg);
    } catch (e) {
      this._error.textContent = e.message;
      return;
    }
    this._registry = reg;
    this._buildControls();
    this._chart ||= this._makeChart();
    this._render();
  }

  _makeChart() {
    return new LineChart(this._chartBox, { xLabel: this._xLabel(), yLabel: this._yLabel(), styleRoot: this, height: this._height() });
  }

  _height() { return heightAttr(this, 240); }

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
    this._drawMore?.(res); // a subclass's further charts (<steplab-loss>'s derivatives)
    const all = [...res.series, ...(res.more || [])];
    this._readout.textContent = all.map((s) => `${s.label}: first ${fmtValue(s.values[0])}, last ${fmtValue(s.values[s.values.length - 1])}`).join('; ');
    this.dataset.rendered = String(g);
    fire(this, 'steplab-change', { state: this.getState(), series: all.map((s) => ({ label: s.label, values: Array.from(s.values) })) });
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
