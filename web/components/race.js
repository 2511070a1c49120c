// <steplab-race fn="rosenbrock" start="[-1.5,2.5]" steps="300" optimizers='[{"type":"SGD","lr":0.001,"momentum":0.9},{"type":"Adam","lr":0.1}]'>:
// optimizers racing on a surface, animated (play, pause, reset; `autoplay` starts it when visible), paths by the core,
// drawn over the landscape with axes, a colour scale and the surface's minima (web/shared/landscape.js).
// `fn` is any surface of the core's registry; optimizers given by their type alone get the type's starter.
import { PALETTE, fmtValue } from '../shared/chart.js';
import { el, clear, adoptStyle } from '../shared/dom.js';
import { renderHeatmap } from '../shared/heatmap.js';
import { drawLandscape, dashOf, MARKER_NAMES, trailTable } from '../shared/landscape.js';
import { dataTable } from '../shared/data-table.js';
import { lab, registry, watchAttributes, workerCount, STYLE } from './lab.js';

// "SGD lr 0.02 momentum 0.9 nesterov": the type and the settings that tell racers apart.
function describeOptimizer(o) {
  return [o.type === 'Custom' ? 'your rule' : o.type, ...['lr', 'momentum', 'betas', 'alpha', 'weight_decay'].filter((k) => o[k] !== undefined).map((k) => `${k} ${o[k]}`),
    ...(o.nesterov ? ['nesterov'] : [])].join(' ');
}

export class SteplabRace extends HTMLElement {
  static get workerCount() { return workerCount(); }

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
    // the landscape's numbers: each racer's points and losses up to the step shown
    this._table = dataTable(() => trailTable(this._traces || [], (this._state?.optimizers || []).map(describeOptimizer), this._k));
    this._table.setAttribute('part', 'table');
    root.append(this._canvas, this._table, el('div', { class: 'bar' }, [this._play, this._reset, this._counter]), this._status, this._error);
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
      const reg = await registry();
      if (g !== this._gen) return;
      this._state = this._readConfig();
      const s = this._state;
      if (!reg.has('surfaces', s.fn)) throw new Error(`steplab-race: fn must be one of ${reg.names('surfaces').join(', ')}, got '${String(s.fn).slice(0, 60)}'`);
      if (Array.isArray(s.optimizers) && s.optimizers.some((o) => typeof o === 'string')) {
        this._state = { ...s, optimizers: s.optimizers.map((o) => (reg.has('optimizers', o) ? reg.starter('optimizers', o) : o)) };
      }
      const view = reg.view(s.fn);
      this._view = view;
      // the registry's minima (for the default parameters), where the gradient still vanishes with these
      const rows = (reg.get('surfaces', s.fn)?.minima || []).filter((m) => Number.isFinite(m?.x) && Number.isFinite(m?.y));
      const [land, traces, minima] = await Promise.all([
        lab().call('landscape', { fn: s.fn, fn_params: s.fn_params, x: view.x, y: view.y, nx: 200, ny: 200 }),
        lab().call('race', { fn: s.fn, fn_params: s.fn_params, start: s.start, steps: s.steps, noise: s.noise, seed: s.seed, optimizers: this._state.optimizers }),
        Promise.all(rows.map((m) => lab().call('gradient', { fn: s.fn, fn_params: s.fn_params, at: [m.x, m.y] })
          .then((gr) => (Math.hypot(gr[0], gr[1]) < 1e-3 ? m : null), () => null))),
      ]);
      if (g !== this._gen) return;
      this._minima = minima.filter(Boolean);
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
    const css = getComputedStyle(this);
    drawLandscape(g, { w, h, view: this._view, heat: this._heat, minima: this._minima, start: s.start, traces: this._traces, upto: this._k,
      focus: -1, colours: PALETTE, scale: w >= 300, fg: css.getPropertyValue('--fg').trim() || '#222', bg: css.getPropertyValue('--bg').trim() || '#fff' });
    clear(this._status);
    this._traces.forEach((t, i) => {
      if (t.error) return;
      const colour = PALETTE[i % PALETTE.length];
      const upto = Math.min(this._k, t.x.length - 1);
      const diverged = t.diverged && this._k >= t.x.length - 1;
      const mark = el('span', { 'aria-hidden': 'true' }, `${MARKER_NAMES[i]} `);
      mark.style.color = colour;
      const li = el('li', {}, [mark,
        `${describeOptimizer(s.optimizers[i])}: ${diverged ? `diverged at step ${t.stopped_at}` : `loss ${fmtValue(t.loss[upto])}`}`]);
      li.style.borderLeft = `4px ${dashOf(i).length ? 'dashed' : 'solid'} ${colour}`;
      this._status.append(li);
    });
    this._counter.textContent = `step ${this._k} / ${s.steps}`;
    this._table.refresh();
  }
}
