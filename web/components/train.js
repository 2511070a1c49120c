// <steplab-train>: a small network trained live, for lecture notes and exercise pages. The
// data with the model's decision regions (or its regression curve or surface), the training
// and validation loss per epoch and, on request, the accuracy and the learning rate per step.
// Attributes mirror lab.createTrainer's config (dataset="moons" n-samples noise seed
// hidden="16,16" activation optimizer lr loss batch-size epochs scheduler ...), or `config`
// holds a whole config as JSON (train-settings.js). It trains a RemoteRun (web/shared/remote-run.js)
// in the page's shared worker, paced at `speed` epochs per second, and draws with the Training
// room's own code (web/shared/train-view.js).
import { LineChart, PALETTE, fmtValue } from '../shared/chart.js';
import { el, clear, adoptStyle } from '../shared/dom.js';
import { drawData, regionImage, viewOf, pointsTable } from '../shared/train-view.js';
import { dataTable } from '../shared/data-table.js';
import { RemoteRun, Pacer } from '../shared/remote-run.js';
import { lab, registry, ensureData, watchAttributes, workerCount, fire, heightAttr, STYLE } from './lab.js';
import { CHARTS, readSettings, fitToData, controlSpecs } from './train-settings.js';

const GRID = 56;
const CSS = `${STYLE}
  :host { container-type: inline-size; }
  [hidden] { display: none !important; }
  .bar { display: flex; flex-wrap: wrap; gap: 6px 8px; align-items: center; margin: 2px 0 8px; }
  button { font: inherit; color: inherit; background: var(--bg); border: 1px solid #8a93a6; border-radius: 4px; padding: 2px 10px; cursor: pointer; }
  button:disabled { opacity: 0.5; cursor: default; }
  .counter { font-size: 13px; font-variant-numeric: tabular-nums; }
  .body { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-start; }
  .pic { flex: 1 1 200px; max-width: var(--pic, 280px); min-width: 0; }
  .pic canvas { display: block; width: 100%; aspect-ratio: 1; border-radius: 6px; }
  .charts { flex: 2 1 260px; min-width: 0; }
  .charts .u-legend { margin-top: -4px; }
  @container (max-width: 520px) { .pic { max-width: none; flex-basis: 100%; } }`;

export class SteplabTrain extends HTMLElement {
  static get workerCount() { return workerCount(); }
  /** The ids of the trainers alive in the page's worker (all components and pages' rooms): a leak check. */
  static liveRuns() { return lab().call('trainRuns'); }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    this._controls = el('div', { class: 'controls', part: 'controls' });
    const btn = (text, part, f) => { const b = el('button', { type: 'button', part }, text); b.addEventListener('click', f); return b; };
    this._playBtn = btn('Play', 'play', () => (this._playing ? this.pause() : this.play()));
    this._stepBtn = btn('Step epoch', 'step', () => this.stepEpoch());
    this._resetBtn = btn('Reset', 'reset', () => this.reset());
    this._counter = el('span', { class: 'counter', part: 'status' });
    this._bar = el('div', { class: 'bar' }, [this._playBtn, this._stepBtn, this._resetBtn, this._counter]);
    this._canvas = el('canvas', { part: 'data', role: 'img', 'aria-label': 'the data and the model\'s predictions' });
    // the picture's numbers: each point with its class (or target) and the model's prediction there
    this._table = dataTable(() => pointsTable(this._data, this._view, { regions: this._regions, line: this._line }));
    this._table.setAttribute('part', 'table');
    this._pic = el('div', { class: 'pic' }, [this._canvas, this._table]);
    this._chartsBox = el('div', { class: 'charts' });
    this._error = el('div', { class: 'error', role: 'alert', part: 'error' });
    this._readout = el('div', { class: 'sr', 'aria-live': 'polite' });
    adoptStyle(root, CSS);
    root.append(this._controls, this._bar, el('div', { class: 'body' }, [this._pic, this._chartsBox]), this._error, this._readout);
    this._gen = 0;
    this._run = null; // the RemoteRun once its trainer exists
    this._ready = Promise.resolve();
    this._playing = false;
    this._configProp = null;
    this._pacer = new Pacer();
    this._tick = (now) => this._frame(now);
  }

  get config() { return this._configProp; }
  set config(v) { this._configProp = v; if (this.isConnected) this._init(); }

  connectedCallback() {
    if (!this._observer) {
      this._observer = watchAttributes(this);
      this._resize = new ResizeObserver(() => this._drawPicture());
      this._resize.observe(this._canvas);
      // autoplay starts when the figure comes into view (a slide shown, the page scrolled)
      this._io = new IntersectionObserver((entries) => {
        this._visible = entries[entries.length - 1].isIntersecting;
        this._autoplay();
      });
      this._io.observe(this);
    }
    this._init();
  }

  disconnectedCallback() {
    this._observer?.disconnect();
    this._resize?.disconnect();
    this._io?.disconnect();
    this._observer = this._resize = this._io = null;
    this._gen++;
    this.pause();
    this._disposeRun();
  }

  // ------------------------------------------------------------- settings
  // Settings from the attributes (or the config property) and a new run of them; play() and
  // stepEpoch() called meanwhile wait for it (this._ready).
  _init() {
    const gen = ++this._gen;
    this.pause();
    this._ready = (async () => {
      const reg = await registry();
      if (gen !== this._gen) return;
      this._registry = reg;
      this._autoplayed = false;
      try {
        this._settings = readSettings(this, reg, this._configProp);
      } catch (e) {
        this._disposeRun();
        this._error.textContent = e.message;
        this._renderBar();
        return;
      }
      this._buildCharts();
      this._buildControls();
      await this._restart();
      this._autoplay();
    })();
    return this._ready;
  }

  get _cfg() { return this._settings?.cfg; }
  get _opts() { return this._settings?.opts; }

  // Controls the reader may touch: `controls="lr,optimizer,hidden"`; none when locked.
  _buildControls() {
    clear(this._controls);
    const locked = this.hasAttribute('locked');
    this._bar.hidden = locked;
    if (locked) return;
    const specs = controlSpecs(this._registry, this._settings);
    const names = (this.getAttribute('controls') || '').split(',').map((s) => s.trim().replace(/-/g, '_')).filter((n) => Object.hasOwn(specs, n));
    for (const name of names) {
      const c = specs[name];
      if (c.when && !c.when()) continue;
      const value = c.get();
      let input;
      if (c.kind === 'enum') {
        input = el('select', {}, c.choices.map((v) => el('option', { value: String(v), selected: String(v) === String(value) ? '' : null }, String(v))));
      } else {
        input = el('input', c.kind === 'text' ? { type: 'text', size: '8' } : { type: 'number', step: c.kind === 'integer' ? '1' : 'any' });
        input.value = value == null ? '' : String(value);
      }
      input.addEventListener('change', () => {
        const t = input.value.trim();
        let v = t;
        if (c.kind === 'number' || c.kind === 'integer') {
          if (t === '' || !Number.isFinite(Number(t))) return;
          v = Number(t);
        }
        c.set(v);
        fire(this, 'steplab-change', { state: this.getState(), name, value: v });
        const play = this._playing || this.hasAttribute('autoplay');
        // a new data set has other parameters: the controls follow, after this event
        if (name === 'dataset') setTimeout(() => this._buildControls(), 0);
        this._restart().then(() => { if (play && this._run) this.play(); });
      });
      input.setAttribute('aria-label', `${name}: ${c.help}`);
      input.dataset.param = name;
      this._controls.append(el('label', {}, [name, input]));
    }
  }

  _buildCharts() {
    // axis colours come from the theme when a chart is built: a new theme or height builds them again
    const want = [this._opts.charts.join(), this.getAttribute('theme'), this._height()].join('|');
    if (this._chartKey === want) return;
    this._chartKey = want;
    for (const c of Object.values(this._charts || {})) { c.plot?.destroy(); c.resizeObserver.disconnect(); }
    clear(this._chartsBox);
    this._charts = {};
    const h = this._height();
    const n = this._opts.charts.length;
    this._pic.style.setProperty('--pic', `${h}px`);
    for (const name of this._opts.charts) {
      const box = el('div', { class: 'chart', part: `chart-${name}` });
      this._chartsBox.append(box);
      this._charts[name] = new LineChart(box, { xLabel: name === 'lr' ? 'step' : 'epoch', yLabel: CHARTS[name], styleRoot: this,
        height: n === 1 ? Math.max(160, h - 40) : Math.max(150, Math.round(h * 0.6)) });
    }
  }

  _height() { return heightAttr(this, 260); }

  // ------------------------------------------------------------- the run
  _disposeRun() {
    this._run?.dispose();
    this._run = null;
  }

  // A new trainer of the current settings (the old one disposed), trained 0 steps: the data and the
  // untrained model's predictions are drawn.
  _restart() {
    const gen = ++this._gen;
    this.pause();
    this._disposeRun();
    this._busy = null;
    this._done = false;
    this._progress = { status: null, epochs_done: 0, steps_done: 0 };
    this._regions = this._line = null;
    this._ready = (async () => {
      try {
        const cfg = this._cfg;
        const key = JSON.stringify(cfg.dataset);
        if (this._dataKey !== key) {
          this._data = null;
          await ensureData(cfg.dataset, 'steplab-train');
          const data = await lab().call('dataset', { spec: cfg.dataset });
          if (gen !== this._gen) return;
          this._data = data;
          this._dataKey = key;
          this._view = data.n_features <= 2 ? viewOf(data) : null;
        }
        fitToData(this._registry, this._settings, this._data);
        const run = new RemoteRun(lab(), cfg);
        if (!(await run.create())) throw new Error(run.error);
        if (gen !== this._gen) { run.dispose(); return; }
        this._run = run;
        this._error.textContent = '';
        await this._advance({ steps: 0 });
        if (gen !== this._gen) return;
        this.dataset.rendered = String(gen);
      } catch (e) {
        if (gen !== this._gen) return;
        this._error.textContent = e.message;
        this._render();
        this._failed(e.message);
      }
    })();
    return this._ready;
  }

  // One trainStep of the current run: its new history taken in and drawn, its events fired.
  _advance(args, evaluate = false) {
    const gen = this._gen;
    const run = this._run;
    const d = this._data;
    const req = { ...args, evaluate: evaluate || undefined };
    if (d.n_features === 2) req.grid = { x: this._view.x, y: this._view.y, nx: GRID, ny: GRID };
    if (d.n_features === 1) req.line = { x: this._view.x, n: 160 };
    this._busy = (async () => {
      const first = this._progress.epochs_done;
      const r = await run.step(req);
      if (gen === this._gen) this._busy = null;
      if (gen !== this._gen) return;
      if (!r) {
        // the core refused to go on: the run ends here, with its reason
        if (run.status !== 'error') return;
        this.pause();
        this._progress = { ...this._progress, ...run.progress, status: 'error' };
        this._error.textContent = run.error;
        this._metrics = run.metrics;
        this._render();
        this._failed(run.error);
        return;
      }
      this._absorb(r, first);
      if (r.status !== 'running' && !this._done) {
        this._done = true;
        this.pause();
        const m = r.metrics || (await run.step({ steps: 0, evaluate: true }, { force: true }))?.metrics;
        if (gen !== this._gen || !m) return;
        this._metrics = m;
        this._render();
        fire(this, 'steplab-done', { status: r.status, epochs: r.epochs_done, steps: r.steps_done, metrics: m.val, train_metrics: m.train,
          diverged: r.diverged, state: this.getState() });
      }
    })();
    return this._busy;
  }

  // The run ends with the core's reason: shown (part="error"), data-status="error" and a
  // 'steplab-error' event { message, steps, epochs, metrics, state }, never a silent stall.
  _failed(message) {
    const p = this._progress || {};
    this.dataset.status = 'error';
    fire(this, 'steplab-error', { message, steps: p.steps_done ?? 0, epochs: p.epochs_done ?? 0, metrics: this._metrics?.val ?? null, state: this.getState() });
  }

  _absorb(r, first) {
    const e = r.epochs;
    this._progress = { status: r.status, epochs_done: r.epochs_done, steps_done: r.steps_done, diverged: r.diverged, lr: r.lr };
    if (r.grid) this._regions = regionImage(r.grid, GRID, GRID, this._data);
    if (r.line) this._line = { x: this._view.x, values: r.line };
    this._render();
    for (let i = 0; i < e.train_loss.length; i++) {
      const detail = { epoch: first + i + 1 };
      for (const [k, col] of Object.entries(e)) detail[k] = col[i];
      fire(this, 'steplab-epoch', detail);
    }
  }

  // ------------------------------------------------------------- drawing
  _render() {
    const h = this._run?.cols;
    const v = (k) => (h ? h[k].view() : new Float64Array(0));
    const xs = Float64Array.from({ length: v('train_loss').length }, (_, i) => i + 1);
    const reg = this._data?.task === 'regression';
    const c = this._charts || {};
    c.loss?.setData([{ label: 'train', values: v('train_loss'), color: PALETTE[0] }, { label: 'validation', values: v('val_loss'), color: PALETTE[1] }], xs);
    if (c.accuracy) {
      c.accuracy.yLabel = reg ? 'MSE' : 'accuracy';
      c.accuracy.setData([{ label: 'train', values: v('train_m'), color: PALETTE[0] }, { label: 'validation', values: v('val_m'), color: PALETTE[1] }], xs);
    }
    c.lr?.setData([{ label: 'lr', values: v('lr'), color: PALETTE[2] }]);
    this._drawPicture();
    this._renderBar();
    this.dataset.status = this._progress?.status || 'new';
  }

  _renderBar() {
    const p = this._progress || {};
    const cfg = this._cfg || {};
    const valM = this._run?.cols.val_m;
    const last = valM?.n ? valM.a[valM.n - 1] : null;
    const reg = this._data?.task === 'regression';
    const metric = last == null ? '' : `, validation ${reg ? 'MSE' : 'accuracy'} ${fmtValue(+last.toPrecision(3))}`;
    let text;
    if (!this._run) text = this._error.textContent ? 'not started' : 'loading...';
    else if (p.status === 'diverged') text = `diverged at step ${p.diverged?.step}: lower the learning rate`;
    else if (p.status === 'stopped') text = `stopped early after epoch ${p.epochs_done}${metric}`;
    else if (p.status === 'error') text = `stopped by the core at step ${p.steps_done}`;
    else text = `epoch ${p.epochs_done} / ${cfg.epochs}${metric}`;
    this._counter.textContent = text;
    this._playBtn.textContent = this._playing ? 'Pause' : 'Play';
    this._playBtn.disabled = !this._run;
    this._stepBtn.disabled = !this._run || p.status !== 'running';
    if (!this._playing) this._readout.textContent = text;
  }

  _drawPicture() {
    const d = this._data;
    const show = !!d && (d.n_features === 1 || d.n_features === 2);
    this._pic.hidden = !show;
    if (!show || !this._canvas.clientWidth) return;
    drawData(this._canvas, d, this._view, { regions: this._regions, line: this._line });
    this._table.refresh();
    const what = d.task === 'regression' ? (d.n_features === 1 ? 'fitted curve (orange)' : 'fitted surface') : 'decision regions';
    this._canvas.setAttribute('aria-label', `${this._cfg.dataset?.name ?? 'the'} data, training points filled and validation points open, over the model's ${what}`);
  }

  // ------------------------------------------------------------- playing
  _autoplay() {
    if (this._autoplayed || !this._visible || !this._run || !this.hasAttribute('autoplay')) return;
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) return;
    this._autoplayed = true;
    this.play();
  }

  async _settled() {
    let r;
    do { r = this._ready; await r; } while (r !== this._ready);
  }

  /** Trains on, paced by `speed` (epochs per second); a finished run starts again from scratch. */
  async play() {
    await this._settled();
    if (!this._run || this._playing) return;
    if (this._progress.status !== 'running') {
      await this._restart();
      if (!this._run) return;
    }
    this._playing = true;
    this._pacer.reset();
    this._renderBar();
    requestAnimationFrame(this._tick);
  }

  pause() {
    if (!this._playing) return;
    this._playing = false;
    this._renderBar();
  }

  /** Trains to the end of the current epoch (paused). */
  async stepEpoch() {
    await this._settled();
    this.pause();
    while (this._busy) await this._busy;
    if (!this._run || this._progress.status !== 'running') return;
    await this._advance({ epoch: true });
  }

  /** A fresh run of the current settings (the same seed gives the same run again). */
  reset() { return this._restart(); }

  _frame(now) {
    if (!this._playing) return;
    if (!this.isConnected || !this._run) { this.pause(); return; }
    // steps owed at `speed` epochs per second since playing started (a hidden tab does not pile them up)
    this._pacer.frame(now, this._run);
    if (!this._busy) {
      const speed = this._opts.speed;
      const args = this._pacer.slice(this._run, speed === 0 ? { ms: 14 } : { epochsPerSecond: speed });
      if (args) this._advance(args);
    }
    requestAnimationFrame(this._tick);
  }

  // ------------------------------------------------------------- state
  /** { config (createTrainer's, as trained), speed, charts, status, epochs_done, steps_done }; setState takes it back. */
  getState() {
    const p = this._progress || {};
    return { config: structuredClone(this._cfg), speed: this._opts?.speed, charts: [...(this._opts?.charts || [])],
      status: p.status, epochs_done: p.epochs_done ?? 0, steps_done: p.steps_done ?? 0 };
  }

  /** A state from getState() or a createTrainer config: the run starts again with it. */
  setState(state) {
    if (!state || typeof state !== 'object') throw new TypeError('steplab-train: setState expects an object from getState() or a createTrainer config');
    this._configProp = structuredClone(state);
    return this._init();
  }
}
