// steplab's web components for course pages: one classic script (dist/steplab-embed.js)
// that defines <steplab-schedule>, <steplab-loss>, <steplab-race>, <steplab-lrfinder> and
// <steplab-train> (train.js).
// All components on a page share one worker (one wasm instance). Attributes
// use the JS API's parameter names (kebab-case is fine: max-lr = max_lr);
// `controls` lists the parameters the reader may change, `locked` freezes them,
// `height` and `theme` (light, dark, auto) set the look, and CSS custom
// properties (--steplab-fg, --steplab-bg, --steplab-accent, --steplab-font)
// match the page around it.
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { startLab } from '../app/client.js';
import { LineChart, PALETTE, fmtValue } from '../app/chart.js';
import { el, clear } from '../app/dom.js';
import { renderHeatmap } from '../app/heatmap.js';
import { defineTrain } from './train.js';

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
img.steplab-print { display: block; }
@media print { .controls, button { display: none; } }
${uplotCss}`;

// Styles go in through constructable style sheets where the browser has them, which a
// page's Content-Security-Policy does not block (a <style> element needs style-src
// 'unsafe-inline'); older browsers get a <style> element.
function adoptStyle(root, css) {
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el('style', {}, css));
  }
}

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

// Calls host._init() when an attribute changes, but not for the ones the element writes itself (data-rendered).
function watchAttributes(host) {
  const o = new MutationObserver((records) => {
    if (records.some((r) => !/^(data-|aria-|class$|style$)/.test(r.attributeName))) host._init();
  });
  o.observe(host, { attributes: true });
  return o;
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
    this._chart ||= this._makeChart();
    this._render();
  }

  _makeChart() {
    return new LineChart(this._chartBox, { xLabel: this._xLabel(), yLabel: this._yLabel(), styleRoot: this, height: this._height() });
  }

  _height() { return Number(this.getAttribute('height')) > 80 ? Number(this.getAttribute('height')) : 240; }

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
      // { spec, steps }, getState()'s { params, steps }, or the scheduler spec itself ({ type: 'StepLR', ... })
      const { steps = 100, ...rest } = cfg;
      const spec = cfg.params ? { ...cfg.params } : cfg.spec ? { ...cfg.spec } : rest;
      return { type: 'schedule', params: spec, steps };
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
    return Object.hasOwn(help, n) ? { name: n, kind: 'number', default: { alpha: 0.25, gamma: 2 }[n] ?? 1, help: help[n] } : null;
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

// <steplab-race fn="rosenbrock" start="[-1.5,2.5]" steps="300" optimizers='[{"type":"SGD","lr":0.001,"momentum":0.9},{"type":"Adam","lr":0.1}]'>:
// optimizers racing on a surface, animated (play, pause, reset; `autoplay` starts it when visible), paths by the core.
const VIEWS = {
  rosenbrock: { x: [-2, 2], y: [-1, 3] }, beale: { x: [-4.5, 4.5], y: [-4.5, 4.5] }, himmelblau: { x: [-5, 5], y: [-5, 5] },
  booth: { x: [-10, 10], y: [-10, 10] }, quadratic: { x: [-5, 5], y: [-3, 3] }, saddle: { x: [-2, 2], y: [-2, 2] },
  rastrigin: { x: [-5.12, 5.12], y: [-5.12, 5.12] }, six_hump_camel: { x: [-2, 2], y: [-1, 1] },
};

// "SGD lr 0.02 momentum 0.9 nesterov": the type and the settings that tell racers apart.
function describeOptimizer(o) {
  return [o.type, ...['lr', 'momentum', 'betas', 'alpha', 'weight_decay'].filter((k) => o[k] !== undefined).map((k) => `${k} ${o[k]}`),
    ...(o.nesterov ? ['nesterov'] : [])].join(' ');
}

class SteplabRace extends HTMLElement {
  static get workerCount() { return workers; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    this._canvas = el('canvas', { part: 'landscape', role: 'img', 'aria-label': 'optimizers racing on a loss landscape', tabindex: '0' });
    this._play = el('button', { type: 'button', part: 'play' }, 'Play');
    this._reset = el('button', { type: 'button', part: 'reset' }, 'Reset');
    this._counter = el('span', {});
    this._status = el('ul', { class: 'status', 'aria-live': 'polite' });
    this._error = el('div', { class: 'error', role: 'alert' });
    adoptStyle(root, `${STYLE}
      canvas { width: 100%; aspect-ratio: 4 / 3; display: block; border-radius: 6px; background: #222; }
      .bar { display: flex; gap: 8px; align-items: center; margin: 6px 0; }
      button { font: inherit; color: inherit; background: var(--bg); border: 1px solid #8a93a6; border-radius: 4px; padding: 2px 10px; cursor: pointer; }
      ul.status { list-style: none; margin: 0; padding: 0; font-size: 13px; } ul.status li { padding: 1px 6px; }`);
    root.append(this._canvas, el('div', { class: 'bar' }, [this._play, this._reset, this._counter]), this._status, this._error);
    this._k = 0;
    this._playing = false;
    this._traces = [];
    this._play.addEventListener('click', () => (this._playing ? this.pause() : this.play()));
    this._reset.addEventListener('click', () => this.reset());
    this._canvas.addEventListener('keydown', (e) => { if (e.key === ' ') { e.preventDefault(); this._play.click(); } });
  }

  connectedCallback() {
    if (!this._observer) {
      this._observer = watchAttributes(this);
      this._resize = new ResizeObserver(() => this._draw());
      this._resize.observe(this._canvas);
    }
    this._init();
  }

  disconnectedCallback() {
    this._observer?.disconnect();
    this._resize?.disconnect();
    this._observer = null;
    this.pause();
  }

  getState() { return structuredClone(this._state); }

  setState(state) {
    if (!state || typeof state !== 'object') throw new TypeError('steplab-race: setState expects an object from getState()');
    this._configProp = structuredClone(state);
    this._init();
  }

  _readConfig() {
    if (this._configProp) return this._configProp;
    const json = (name, def) => {
      const a = this.getAttribute(name);
      if (a === null) return def;
      try { return JSON.parse(a); } catch { throw new Error(`steplab-race: ${name} is not valid JSON: ${a.slice(0, 60)}`); }
    };
    const fn = this.getAttribute('fn') || 'rosenbrock';
    return { fn, fn_params: json('fn-params', {}), start: json('start', [-1.5, 2.5]), steps: Number(this.getAttribute('steps') || 200),
      noise: Number(this.getAttribute('noise') || 0), seed: Number(this.getAttribute('seed') || 0),
      optimizers: json('optimizers', [{ type: 'SGD', lr: 0.001, momentum: 0.9 }, { type: 'Adam', lr: 0.1 }]),
      speed: Number(this.getAttribute('speed') || 60) };
  }

  async _init() {
    const g = (this._gen = (this._gen || 0) + 1);
    this.pause();
    this._k = 0;
    try {
      this._state = this._readConfig();
      const s = this._state;
      const view = VIEWS[s.fn];
      if (!view) throw new Error(`steplab-race: fn must be one of ${Object.keys(VIEWS).join(', ')}, got '${s.fn}'`);
      const [land, traces] = await Promise.all([
        lab().call('landscape', { fn: s.fn, fn_params: s.fn_params, x: view.x, y: view.y, nx: 200, ny: 200 }),
        lab().call('race', { fn: s.fn, fn_params: s.fn_params, start: s.start, steps: s.steps, noise: s.noise, seed: s.seed, optimizers: s.optimizers }),
      ]);
      if (g !== this._gen) return;
      this._heat = renderHeatmap(land, 200, 200);
      this._traces = traces;
      const bad = traces.find((t) => t.error);
      this._error.textContent = bad ? bad.error.message : '';
    } catch (e) {
      if (g === this._gen) this._error.textContent = e.message;
      return;
    }
    this._draw();
    this.dataset.rendered = String(g);
    if (this.hasAttribute('autoplay') && !matchMedia('(prefers-reduced-motion: reduce)').matches) this.play();
  }

  play() {
    if (!this._traces.length) return;
    if (this._k >= this._state.steps) this._k = 0;
    this._playing = true;
    this._play.textContent = 'Pause';
    let last = null; // the first frame's time: rAF times can precede performance.now() at the call
    let acc = this._k;
    const tick = (now) => {
      if (!this._playing) return;
      acc += (last === null ? 0 : (now - last) / 1000) * this._state.speed;
      last = now;
      this._k = Math.max(0, Math.min(this._state.steps, Math.floor(acc)));
      this._draw();
      if (this._k >= this._state.steps) { this.pause(); this._emit('steplab-done'); return; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  pause() {
    this._playing = false;
    if (this._play) this._play.textContent = 'Play';
  }

  reset() {
    this.pause();
    this._k = 0;
    this._draw();
  }

  _emit(name) {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail: { state: this.getState(), step: this._k,
      results: this._traces.map((t, i) => (t.error ? { error: t.error.message } : { type: this._state.optimizers[i].type, loss: t.loss[Math.min(this._k, t.loss.length - 1)], diverged: !!t.diverged && this._k >= t.x.length - 1, stopped_at: t.stopped_at })) } }));
  }

  _draw() {
    const c = this._canvas;
    const s = this._state;
    if (!s || !this._heat) return;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth, h = c.clientHeight;
    if (!w || !h) return;
    if (c.width !== Math.round(w * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.drawImage(this._heat.canvas, 0, 0, w, h);
    const v = VIEWS[s.fn];
    const px = (x, y) => [((x - v.x[0]) / (v.x[1] - v.x[0])) * w, h - ((y - v.y[0]) / (v.y[1] - v.y[0])) * h];
    clear(this._status);
    this._traces.forEach((t, i) => {
      if (t.error) return;
      const colour = PALETTE[i % PALETTE.length];
      const upto = Math.min(this._k, t.x.length - 1);
      g.strokeStyle = colour;
      g.lineWidth = 2;
      g.beginPath();
      for (let k = 0; k <= upto; k++) { const [a, b] = px(t.x[k], t.y[k]); if (k) g.lineTo(a, b); else g.moveTo(a, b); }
      g.stroke();
      const [a, b] = px(t.x[upto], t.y[upto]);
      g.fillStyle = colour;
      g.beginPath();
      g.arc(a, b, 4.5, 0, Math.PI * 2);
      g.fill();
      const diverged = t.diverged && this._k >= t.x.length - 1;
      const li = el('li', {},
        `${describeOptimizer(s.optimizers[i])}: ${diverged ? `diverged at step ${t.stopped_at}` : `loss ${fmtValue(t.loss[upto])}`}`);
      li.style.borderLeft = `4px solid ${colour}`;
      this._status.append(li);
    });
    this._counter.textContent = `step ${this._k} / ${s.steps}`;
  }
}

// <steplab-lrfinder dataset="moons" optimizer="SGD" start-lr="1e-5" end-lr="10" num-iter="100" seeds="[0,1,2]">:
// the LR range test (lab.lrFind) in the worker, loss against lr on a log axis, raw and smoothed,
// fast.ai's four suggestions marked and, with several seeds, the band of their smoothed curves.
// `config` (JSON) is a whole trainer config, or { config, options }.
const LR_OPTIONS = ['start_lr', 'end_lr', 'num_iter', 'step_mode', 'smooth_f', 'diverge_th', 'seeds'];
const RULES = [
  { name: 'valley', colour: '#D55E00', note: "fast.ai's default" },
  { name: 'steep', colour: '#009E73' },
  { name: 'minimum', colour: '#CC79A7' },
  { name: 'slide', colour: '#E69F00' },
];
const LR_DEFAULT = {
  dataset: { name: 'moons', n_samples: 400, noise: 0.15, seed: 1, val_fraction: 0.2 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 },
  batch_size: 32,
  seed: 0,
};
const LR_TASK_LOSS = { iris: 'CrossEntropyLoss', digits: 'CrossEntropyLoss', blobs: 'CrossEntropyLoss', spirals: 'CrossEntropyLoss',
  sine: 'MSELoss', linear_outliers: 'MSELoss', plane: 'MSELoss' };

class SteplabLrFinder extends SteplabFigure {
  _readConfig() {
    // setState / the config property give the whole state; otherwise attributes refine the config attribute
    if (this._configProp) {
      const st = this._configProp;
      return { type: 'lrfinder', config: structuredClone(st.config || st), options: { ...(st.config ? st.options : {}) } };
    }
    const cfg = this.hasAttribute('config') ? JSON.parse(this.getAttribute('config')) : null;
    let config = structuredClone(LR_DEFAULT);
    let options = {};
    if (cfg?.config) {
      config = structuredClone(cfg.config);
      options = { ...(cfg.options || {}) };
    } else if (cfg) {
      config = structuredClone(cfg);
    }
    const attr = (name) => {
      const a = this.getAttribute(name) ?? this.getAttribute(name.replace(/_/g, '-'));
      return a === null ? undefined : attrValue(a);
    };
    for (const k of LR_OPTIONS) if (attr(k) !== undefined) options[k] = attr(k);
    if (typeof options.seeds === 'string') options.seeds = options.seeds.split(',').map(Number);
    if (typeof options.seeds === 'number') options.seeds = [options.seeds];
    const ds = attr('dataset');
    if (ds !== undefined) {
      config.dataset = typeof ds === 'object' ? ds : { name: String(ds), val_fraction: 0.2 };
      if (attr('loss') === undefined && !cfg) config.loss = { type: LR_TASK_LOSS[config.dataset.name] || 'BCEWithLogitsLoss' };
    }
    const opt = attr('optimizer');
    if (opt !== undefined) config.optimizer = typeof opt === 'object' ? opt : { type: String(opt), lr: 0.1 };
    const loss = attr('loss');
    if (loss !== undefined) config.loss = typeof loss === 'object' ? loss : { type: String(loss) };
    const hidden = attr('hidden');
    if (hidden !== undefined) config.model = { ...config.model, hidden: Array.isArray(hidden) ? hidden : [hidden] };
    for (const k of ['batch_size', 'seed']) if (attr(k) !== undefined) config[k] = attr(k);
    return { type: 'lrfinder', config, options };
  }

  _param(name) {
    const n = name.trim().replace(/-/g, '_');
    const reg = this._registry;
    const d = {
      start_lr: { kind: 'number', default: 1e-7, help: 'first learning rate' },
      end_lr: { kind: 'number', default: 10, help: 'last learning rate' },
      num_iter: { kind: 'integer', default: 100, help: 'steps of the test' },
      step_mode: { kind: 'enum', choices: 'exp|linear', default: 'exp', help: 'how the lr grows per step' },
      smooth_f: { kind: 'number', default: 0.05, help: 'loss smoothing factor' },
      diverge_th: { kind: 'number', default: 5, help: 'stop when the smoothed loss passes this times the best' },
      seeds: { kind: 'text', default: '', help: 'comma-separated seeds, one run each' },
      optimizer: { kind: 'enum', choices: reg.optimizers.map((k) => k.name).filter((k) => k !== 'LBFGS').join('|'), help: 'optimizer' },
      dataset: { kind: 'enum', choices: reg.datasets.map((k) => k.name).filter((k) => k !== 'digits').join('|'), help: 'data set' },
      batch_size: { kind: 'integer', default: 32, help: 'batch size' },
      seed: { kind: 'integer', default: 0, help: 'seed of the weights and batches' },
    }[n];
    return d ? { name: n, ...d } : null;
  }

  _get(name) {
    const { config, options } = this._state;
    if (name === 'optimizer') return config.optimizer?.type;
    if (name === 'dataset') return config.dataset?.name;
    if (name === 'seeds') return options.seeds?.join(',');
    return LR_OPTIONS.includes(name) ? options[name] : config[name];
  }

  _set(name, value) {
    const { config, options } = this._state;
    if (name === 'optimizer') config.optimizer = { ...config.optimizer, type: value };
    else if (name === 'dataset') {
      config.dataset = { name: value, val_fraction: config.dataset?.val_fraction ?? 0.2 };
      config.loss = { type: LR_TASK_LOSS[value] || 'BCEWithLogitsLoss' };
    } else if (name === 'seeds') {
      const seeds = String(value).split(',').map((v) => v.trim()).filter(Boolean).map(Number);
      if (seeds.length) options.seeds = seeds;
      else delete options.seeds;
    } else if (LR_OPTIONS.includes(name)) options[name] = value;
    else config[name] = value;
    this.dispatchEvent(new CustomEvent('steplab-change', { detail: { state: this.getState(), name, value }, bubbles: true, composed: true }));
    this._render();
  }

  _makeChart() {
    this._list = el('ul', { class: 'suggestions', 'aria-live': 'polite', part: 'suggestions' });
    this._chartBox.after(this._list);
    adoptStyle(this.shadowRoot, `${STYLE}
      ul.suggestions { list-style: none; margin: 4px 0 0; padding: 0; font-size: 13px; display: flex; flex-wrap: wrap; gap: 2px 16px; }
      ul.suggestions li { padding-left: 6px; }`);
    return { destroy() {} };
  }

  async _render() {
    const g = ++this._gen;
    let r;
    try {
      r = await lab().call('lrFind', { config: this._state.config, options: this._state.options });
    } catch (e) {
      if (g === this._gen) this._error.textContent = e.message;
      return;
    }
    if (g !== this._gen) return;
    this._error.textContent = '';
    this.result = r;
    this._draw(r);
    const s = r.suggestions;
    this._readout.textContent = `${r.lrs.length} steps, stopped: ${r.stopped}; ` +
      RULES.map((k) => `${k.name} ${s[k.name] === null ? 'none' : fmtValue(s[k.name])}`).join(', ');
    this.dataset.rendered = String(g);
    this.dispatchEvent(new CustomEvent('steplab-done', { bubbles: true, composed: true,
      detail: { state: this.getState(), suggestions: s, stopped: r.stopped, steps: r.lrs.length, spread: r.spread ?? null } }));
  }

  _draw(r) {
    const n = r.lrs.length;
    const xs = Array.from(r.lrs);
    const near = (v) => {
      let k = 0;
      for (let i = 1; i < n; i++) if (Math.abs(Math.log(xs[i] / v)) < Math.abs(Math.log(xs[k] / v))) k = i;
      return k;
    };
    // the y range of the part the rules read, so a diverging tail does not flatten the curve
    const a = Math.floor(((this._state.options.num_iter ?? 100) / 10));
    const b = n - 5 > a + 1 ? n - 5 : n;
    const body = Array.from(r.smoothed.subarray(b > a + 1 && b < n ? a : 0, b));
    const lo = Math.min(...body), hi = Math.max(...body);
    const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
    const data = [xs, Array.from(r.losses), Array.from(r.smoothed)];
    const series = [{ label: 'lr', value: (u, v) => (v == null ? '-' : fmtValue(v)) },
      { label: 'loss', stroke: '#8a93a6', width: 1, value: (u, v) => (v == null ? '-' : fmtValue(v)) },
      { label: 'smoothed', stroke: getComputedStyle(this).getPropertyValue('--steplab-accent').trim() || PALETTE[0], width: 2, value: (u, v) => (v == null ? '-' : fmtValue(v)) }];
    const bands = [];
    if (r.runs && r.runs.length > 1) {
      const at = (i, f) => f(...r.runs.filter((x) => i < x.smoothed.length).map((x) => x.smoothed[i]));
      data.push(xs.map((_, i) => at(i, Math.max)), xs.map((_, i) => at(i, Math.min)));
      series.push({ label: 'seeds max', stroke: 'rgba(0,114,178,0.35)', width: 1 }, { label: 'seeds min', stroke: 'rgba(0,114,178,0.35)', width: 1 });
      bands.push({ series: [3, 4], fill: 'rgba(0,114,178,0.15)' });
    }
    for (const rule of RULES) {
      const v = r.suggestions[rule.name];
      const col = new Array(n).fill(null);
      if (v !== null) col[near(v)] = r.smoothed[near(v)];
      data.push(col);
      series.push({ label: rule.name, stroke: rule.colour, fill: rule.colour, width: 0, paths: () => null, points: { show: true, size: 11, fill: rule.colour },
        value: () => (v === null ? '-' : fmtValue(v)) });
    }
    const css = getComputedStyle(this);
    const fg = css.getPropertyValue('--fg').trim() || '#222';
    const grid = css.getPropertyValue('--grid').trim() || '#ddd';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    this._plot?.destroy();
    this._plot = new uPlot({
      width: Math.max(200, this._chartBox.clientWidth),
      height: this._height(),
      scales: { x: { time: false, distr: 3 }, y: { range: [lo - pad, hi + pad] } },
      axes: [{ ...axis, label: 'learning rate (log scale)', values: (u, ticks) => ticks.map((t) => (t == null ? '' : t.toExponential(0))) },
        { ...axis, label: 'training loss', size: 60 }],
      series,
      bands,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    }, data, this._chartBox);
    this._resizer ||= new ResizeObserver(() => {
      const w = Math.max(200, this._chartBox.clientWidth);
      if (this._plot && Math.abs(w - this._plot.width) > 2) this._plot.setSize({ width: w, height: this._height() });
    });
    this._resizer.observe(this._chartBox);
    clear(this._list);
    for (const rule of RULES) {
      const v = r.suggestions[rule.name];
      const sp = r.spread?.[rule.name];
      const li = el('li', {}, `${rule.name}${rule.note ? ` (${rule.note})` : ''}: ${v === null ? 'none' : fmtValue(v)}` +
        (sp ? `, seeds ${fmtValue(sp.min)} to ${fmtValue(sp.max)}` : ''));
      li.style.borderLeft = `4px solid ${rule.colour}`;
      this._list.append(li);
    }
  }
}

// Printing: every component's canvases become images of their current pixels while the page
// prints (beforeprint, or the print media query where that event is missing), and come back after.
const TAGS = 'steplab-schedule, steplab-loss, steplab-race, steplab-lrfinder, steplab-train';
let printed = [];
function printImages() {
  if (printed.length) return;
  for (const host of document.querySelectorAll(TAGS)) {
    for (const c of host.shadowRoot?.querySelectorAll('canvas') || []) {
      if (!c.width || !c.height || !c.clientWidth || c.style.display === 'none') continue;
      const img = el('img', { class: 'steplab-print', alt: c.getAttribute('aria-label') || host.localName, src: c.toDataURL('image/png') });
      img.style.width = `${c.clientWidth}px`;
      img.style.maxWidth = '100%';
      img.style.height = 'auto';
      c.before(img);
      c.style.display = 'none';
      printed.push([c, img]);
    }
  }
}
function liveCanvases() {
  for (const [c, img] of printed) {
    img.remove();
    c.style.display = '';
  }
  printed = [];
}
window.addEventListener('beforeprint', printImages);
window.addEventListener('afterprint', liveCanvases);
window.matchMedia?.('print').addEventListener?.('change', (e) => (e.matches ? printImages() : liveCanvases()));

if (!customElements.get('steplab-race')) customElements.define('steplab-race', SteplabRace);
if (!customElements.get('steplab-schedule')) customElements.define('steplab-schedule', SteplabSchedule);
if (!customElements.get('steplab-loss')) customElements.define('steplab-loss', SteplabLoss);
if (!customElements.get('steplab-lrfinder')) customElements.define('steplab-lrfinder', SteplabLrFinder);
if (!customElements.get('steplab-train')) {
  customElements.define('steplab-train', defineTrain({ lab, style: STYLE, adoptStyle, attrValue, watchAttributes, workerCount: () => workers }));
}
