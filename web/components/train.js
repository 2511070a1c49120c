// <steplab-train>: a small network trained live, for lecture notes and exercise pages. The
// data with the model's decision regions (or its regression curve or surface), the training
// and validation loss per epoch and, on request, the accuracy and the learning rate per step.
// Attributes mirror lab.createTrainer's config (dataset="moons" n-samples noise seed
// hidden="16,16" activation optimizer lr loss batch-size epochs scheduler ...), or `config`
// holds a whole config as JSON. It trains through the Training room's worker protocol
// (trainCreate, trainStep with a step or time budget, trainDispose) in the page's shared
// worker, and draws with the room's own code (train-view.js).
import { LineChart, PALETTE, fmtValue } from '../app/chart.js';
import { el, clear } from '../app/dom.js';
import { drawData, regionImage, viewOf } from '../app/rooms/train-view.js';
import { LOSS_FITS, ACTIVATIONS, SKIP_OPTIMIZERS, schedulerStarter } from '../app/rooms/train-config.js';

const GRID = 56;
const DEFAULT = {
  dataset: { name: 'moons', n_samples: 400, noise: 0.2, seed: 0, val_fraction: 0.2 },
  model: { hidden: [16, 16], activation: 'tanh', init: 'xavier' },
  optimizer: { type: 'Adam', lr: 0.01 },
  batch_size: 32,
  epochs: 30,
  seed: 0,
};
// Attributes that belong to the page, and the component's own (not trainer settings).
const PAGE_ATTR = /^(aria-|data-|on)|^(class|style|id|title|lang|dir|tabindex|slot|part|is|role|translate|inert|draggable|spellcheck|autofocus|nonce|accesskey|exportparts)$/;
const OWN = new Set(['controls', 'locked', 'height', 'theme', 'config', 'speed', 'charts', 'autoplay']);
// Top-level createTrainer settings: plain values, and JSON objects.
const TOP = new Set(['batch_size', 'epochs', 'seed', 'scheduler_interval', 'scheduler_order', 'shuffle', 'mining']);
const TOP_JSON = new Set(['regularization', 'early_stopping', 'grad_clip', 'batch_size_schedule']);
const CHARTS = { loss: 'loss', accuracy: 'accuracy', lr: 'learning rate' };
const BATCHES = [1, 8, 16, 32, 64, 128, 256, 'full'];

// "16,16", "16 16", "[16,16]", "" or "none" -> [16, 16] / [] (the core checks the widths).
function parseHidden(text) {
  const t = String(text).trim();
  if (t === '' || t === 'none' || t === '[]') return [];
  if (t.startsWith('[')) { try { return JSON.parse(t); } catch { /* fall through: the core names the bad value */ } }
  return t.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean).map(Number);
}

// A string where createTrainer takes a spec becomes the spec ({ type } or { name }).
function normalise(cfg) {
  if (typeof cfg.dataset === 'string') cfg.dataset = { name: cfg.dataset, val_fraction: 0.2 };
  if (typeof cfg.optimizer === 'string') cfg.optimizer = { type: cfg.optimizer };
  if (typeof cfg.loss === 'string') cfg.loss = { type: cfg.loss };
  cfg.model = { ...cfg.model };
  return cfg;
}

export function defineTrain({ lab, style, adoptStyle, attrValue, watchAttributes, workerCount }) {
  const fire = (host, name, detail) => host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));

  class SteplabTrain extends HTMLElement {
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
      this._pic = el('div', { class: 'pic' }, this._canvas);
      this._chartsBox = el('div', { class: 'charts' });
      this._error = el('div', { class: 'error', role: 'alert', part: 'error' });
      this._readout = el('div', { class: 'sr', 'aria-live': 'polite' });
      adoptStyle(root, `${style}
        :host { container-type: inline-size; }
        [hidden] { display: none !important; }
        .bar { display: flex; flex-wrap: wrap; gap: 6px 8px; align-items: center; margin: 2px 0 8px; }
        button { font: inherit; color: inherit; background: var(--bg); border: 1px solid #8a93a6; border-radius: 4px; padding: 2px 10px; cursor: pointer; }
        button:disabled { opacity: 0.5; cursor: default; }
        .counter { font-size: 13px; font-variant-numeric: tabular-nums; }
        .body { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-start; }
        .pic { flex: 1 1 200px; max-width: var(--pic, 280px); }
        .pic canvas { display: block; width: 100%; aspect-ratio: 1; border-radius: 6px; }
        .charts { flex: 2 1 260px; min-width: 0; }
        .charts .u-legend { margin-top: -4px; }
        @container (max-width: 520px) { .pic { max-width: none; flex-basis: 100%; } }`);
      root.append(this._controls, this._bar, el('div', { class: 'body' }, [this._pic, this._chartsBox]), this._error, this._readout);
      this._gen = 0;
      this._run = null;
      this._ready = Promise.resolve();
      this._playing = false;
      this._configProp = null;
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
        const { registry } = await lab().info;
        if (gen !== this._gen) return;
        this._registry = registry;
        this._autoplayed = false;
        try {
          this._readConfig();
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

    _readConfig() {
      const reg = this._registry;
      const attr = (name) => this.getAttribute(name);
      const speed = attrValue(attr('speed') ?? '10');
      if (!(typeof speed === 'number' && speed >= 0 && speed <= 1e6)) {
        throw new Error(`steplab-train: speed must be epochs per second, a number >= 0 (0: as fast as the worker can), got '${attr('speed')}'`);
      }
      const charts = (attr('charts') ?? 'loss').split(',').map((s) => s.trim()).filter(Boolean);
      const bad = charts.find((c) => !Object.hasOwn(CHARTS, c));
      if (bad) throw new Error(`steplab-train: charts must list ${Object.keys(CHARTS).join(', ')}, got '${bad}'`);
      this._opts = { speed, charts };
      this._lossAuto = false;
      this._schedType = null;
      if (this._configProp) {
        // the config property or setState: a whole state ({ config, speed?, charts? }) or a trainer config
        const st = this._configProp;
        if (!st || typeof st !== 'object') throw new Error('steplab-train: config must be a createTrainer config object');
        const cfg = structuredClone(st.config && typeof st.config === 'object' ? st.config : st);
        if (st.config) {
          if (st.speed !== undefined) this._opts.speed = st.speed;
          if (Array.isArray(st.charts)) this._opts.charts = st.charts.filter((c) => Object.hasOwn(CHARTS, c));
        }
        this._cfg = this._autoFill(normalise(cfg));
        return;
      }
      let cfg = structuredClone(DEFAULT);
      if (attr('config') !== null) {
        try { cfg = JSON.parse(attr('config')); } catch { throw new Error(`steplab-train: config is not valid JSON: ${attr('config').slice(0, 60)}`); }
        if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw new Error('steplab-train: config must be a JSON object (a createTrainer config)');
      }
      cfg = normalise(cfg);
      const ds = attr('dataset');
      if (ds !== null) {
        const v = attrValue(ds);
        cfg.dataset = v && typeof v === 'object' ? v : { name: String(v), seed: cfg.dataset?.seed ?? 0, val_fraction: cfg.dataset?.val_fraction ?? 0.2 };
      }
      const dataKind = reg.datasets.find((k) => k.name === cfg.dataset?.name);
      for (const a of this.getAttributeNames()) {
        if (PAGE_ATTR.test(a) || OWN.has(a) || a === 'dataset') continue;
        const name = a.toLowerCase().replace(/-/g, '_');
        const raw = attr(a);
        const v = attrValue(raw);
        if (name === 'hidden') cfg.model.hidden = parseHidden(raw);
        else if (name === 'activation' || name === 'init' || name === 'embedding_dim') cfg.model[name] = v;
        else if (name === 'optimizer') cfg.optimizer = v && typeof v === 'object' ? v : { type: String(v), lr: cfg.optimizer?.lr ?? 0.01 };
        else if (name === 'lr') cfg.optimizer = { ...cfg.optimizer, lr: v };
        else if (name === 'loss') cfg.loss = v && typeof v === 'object' ? v : { type: String(v) };
        else if (name === 'scheduler') cfg.scheduler = v;
        else if (name === 'seed') {
          cfg.seed = v;
          if (!(ds && typeof attrValue(ds) === 'object')) cfg.dataset = { ...cfg.dataset, seed: v };
        } else if (TOP.has(name) || TOP_JSON.has(name)) cfg[name] = v;
        else {
          // a parameter of the data set (n-samples, noise, centers, ...) or of the optimizer (momentum, betas, ...)
          const optKind = reg.optimizers.find((k) => k.name === cfg.optimizer?.type);
          const dp = dataKind?.params.find((p) => p.name.toLowerCase() === name);
          const op = optKind?.params.find((p) => p.name.toLowerCase() === name);
          if (dp) cfg.dataset = { ...cfg.dataset, [dp.name]: v };
          else if (op) cfg.optimizer = { ...cfg.optimizer, [op.name]: v };
          else throw new Error(`steplab-train: '${a}' is not a setting of the trainer, the data set ${cfg.dataset?.name} or the optimizer ${cfg.optimizer?.type}`);
        }
      }
      this._cfg = this._autoFill(cfg);
    }

    // No loss: the standard one for the task (once the data say which). A scheduler given by its
    // type alone: its parameters fitted to the run's length, as the Training room does.
    _autoFill(cfg) {
      if (!cfg.loss) this._lossAuto = true;
      if (typeof cfg.scheduler === 'string') this._schedType = cfg.scheduler;
      return cfg;
    }

    _fit(data) {
      const cfg = this._cfg;
      if (this._lossAuto && (!cfg.loss || !Object.hasOwn(LOSS_FITS[data.task] || {}, cfg.loss.type))) cfg.loss = { type: Object.keys(LOSS_FITS[data.task])[0] };
      if (this._schedType) {
        const b = cfg.batch_size === 'full' ? data.n_train : Number(cfg.batch_size) || 1;
        const perEpoch = Math.max(1, Math.ceil(data.n_train / b));
        const budget = cfg.scheduler_interval === 'epoch' ? cfg.epochs : cfg.epochs * perEpoch;
        cfg.scheduler = schedulerStarter(this._schedType, Number(budget) || 1, cfg.optimizer?.lr ?? 0.01);
      }
    }

    // Controls the reader may touch: `controls="lr,optimizer,hidden"`; none when locked.
    _controlSpecs() {
      const reg = this._registry;
      const cfg = this._cfg;
      const dataKind = () => reg.datasets.find((k) => k.name === cfg.dataset?.name);
      const dataParam = (name) => dataKind()?.params.find((p) => p.name === name);
      return {
        dataset: { kind: 'enum', help: 'data set', choices: reg.datasets.map((k) => k.name).filter((n) => n !== 'digits'), get: () => cfg.dataset?.name,
          set: (v) => { cfg.dataset = { name: v, seed: cfg.dataset?.seed ?? 0, val_fraction: cfg.dataset?.val_fraction ?? 0.2 }; this._lossAuto = true; } },
        noise: { kind: 'number', help: 'noise of the data set', when: () => !!dataParam('noise'), get: () => cfg.dataset.noise ?? dataParam('noise')?.default,
          set: (v) => { cfg.dataset = { ...cfg.dataset, noise: v }; } },
        n_samples: { kind: 'integer', help: 'points in the data set', when: () => !!dataParam('n_samples'), get: () => cfg.dataset.n_samples ?? dataParam('n_samples')?.default,
          set: (v) => { cfg.dataset = { ...cfg.dataset, n_samples: v }; } },
        hidden: { kind: 'text', help: 'hidden layer widths, e.g. 16, 16 (empty: a linear model)', get: () => (cfg.model.hidden || []).join(', '),
          set: (v) => { cfg.model = { ...cfg.model, hidden: parseHidden(v) }; } },
        activation: { kind: 'enum', help: 'activation', choices: ACTIVATIONS, get: () => cfg.model.activation ?? 'relu', set: (v) => { cfg.model = { ...cfg.model, activation: v }; } },
        optimizer: { kind: 'enum', help: 'optimizer', choices: reg.optimizers.map((k) => k.name).filter((n) => !SKIP_OPTIMIZERS.has(n)), get: () => cfg.optimizer?.type,
          set: (v) => { cfg.optimizer = { type: v, lr: cfg.optimizer?.lr ?? 0.01 }; } },
        lr: { kind: 'number', help: 'learning rate', get: () => cfg.optimizer?.lr, set: (v) => { cfg.optimizer = { ...cfg.optimizer, lr: v }; } },
        batch_size: { kind: 'enum', help: 'batch size', choices: BATCHES.includes(cfg.batch_size) ? BATCHES : [...BATCHES, cfg.batch_size], get: () => cfg.batch_size ?? 32,
          set: (v) => { cfg.batch_size = v === 'full' ? 'full' : Number(v); } },
        epochs: { kind: 'integer', help: 'epochs', get: () => cfg.epochs ?? 10, set: (v) => { cfg.epochs = v; } },
        seed: { kind: 'integer', help: 'seed of the data, the initial weights and the batches', get: () => cfg.seed ?? 0,
          set: (v) => { cfg.seed = v; cfg.dataset = { ...cfg.dataset, seed: v }; } },
      };
    }

    _buildControls() {
      clear(this._controls);
      const locked = this.hasAttribute('locked');
      this._bar.hidden = locked;
      if (locked) return;
      const specs = this._controlSpecs();
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

    _height() { return Number(this.getAttribute('height')) > 80 ? Number(this.getAttribute('height')) : 260; }

    // ------------------------------------------------------------- the run
    _disposeRun() {
      if (!this._run) return;
      const { id } = this._run;
      this._run = null;
      lab().call('trainDispose', { run: id }).catch(() => {});
    }

    // A new trainer of the current settings (the old one disposed), trained 0 steps: the data and the
    // untrained model's predictions are drawn.
    _restart() {
      const gen = ++this._gen;
      this.pause();
      this._disposeRun();
      this._busy = null;
      this._done = false;
      this._h = { train_loss: [], val_loss: [], train_m: [], val_m: [], lr: [] };
      this._progress = { status: null, epochs_done: 0, steps_done: 0 };
      this._regions = this._line = null;
      this._ready = (async () => {
        try {
          const cfg = this._cfg;
          const key = JSON.stringify(cfg.dataset);
          if (this._dataKey !== key) {
            this._data = null;
            const data = await lab().call('dataset', { spec: cfg.dataset });
            if (gen !== this._gen) return;
            this._data = data;
            this._dataKey = key;
            this._view = data.n_features <= 2 ? viewOf(data) : null;
          }
          this._fit(this._data);
          const info = await lab().call('trainCreate', { config: cfg });
          if (gen !== this._gen) { lab().call('trainDispose', { run: info.run }).catch(() => {}); return; }
          this._run = { id: info.run, info };
          this._error.textContent = '';
          await this._advance({ steps: 0 });
          if (gen !== this._gen) return;
          this.dataset.rendered = String(gen);
        } catch (e) {
          if (gen !== this._gen) return;
          this._error.textContent = e.message;
          this._render();
        }
      })();
      return this._ready;
    }

    // One trainStep of the current run: its new history taken in and drawn, its events fired.
    _advance(args, evaluate = false) {
      const gen = this._gen;
      const run = this._run;
      const d = this._data;
      const req = { run: run.id, ...args, evaluate: evaluate || undefined };
      if (d.n_features === 2) req.grid = { x: this._view.x, y: this._view.y, nx: GRID, ny: GRID };
      if (d.n_features === 1) req.line = { x: this._view.x, n: 160 };
      this._busy = (async () => {
        let r;
        try {
          r = await lab().call('trainStep', req);
        } catch (e) {
          // the core refused to go on: the run ends here, with its reason
          if (gen !== this._gen) return;
          this.pause();
          this._progress.status = 'error';
          this._error.textContent = e.message;
          this._render();
          return;
        } finally {
          if (gen === this._gen) this._busy = null;
        }
        if (gen !== this._gen) return;
        this._absorb(r);
        if (r.status !== 'running' && !this._done) {
          this._done = true;
          this.pause();
          const m = r.metrics || (await lab().call('trainStep', { run: run.id, steps: 0, evaluate: true })).metrics;
          if (gen !== this._gen) return;
          this._metrics = m;
          this._render();
          fire(this, 'steplab-done', { status: r.status, epochs: r.epochs_done, steps: r.steps_done, metrics: m.val, train_metrics: m.train,
            diverged: r.diverged, state: this.getState() });
        }
      })();
      return this._busy;
    }

    _absorb(r) {
      const h = this._h;
      const e = r.epochs;
      const first = this._progress.epochs_done;
      const reg = 'train_mse' in e;
      for (const v of r.steps.lr) h.lr.push(v);
      for (let i = 0; i < e.train_loss.length; i++) {
        h.train_loss.push(e.train_loss[i]);
        h.val_loss.push(e.val_loss[i]);
        h.train_m.push(reg ? e.train_mse[i] : e.train_accuracy?.[i]);
        h.val_m.push(reg ? e.val_mse[i] : e.val_accuracy?.[i]);
      }
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
      const h = this._h;
      const xs = Float64Array.from({ length: h.train_loss.length }, (_, i) => i + 1);
      const reg = this._data?.task === 'regression';
      const c = this._charts || {};
      c.loss?.setData([{ label: 'train', values: h.train_loss, color: PALETTE[0] }, { label: 'validation', values: h.val_loss, color: PALETTE[1] }], xs);
      if (c.accuracy) {
        c.accuracy.yLabel = reg ? 'MSE' : 'accuracy';
        c.accuracy.setData([{ label: 'train', values: h.train_m, color: PALETTE[0] }, { label: 'validation', values: h.val_m, color: PALETTE[1] }], xs);
      }
      c.lr?.setData([{ label: 'lr', values: h.lr, color: PALETTE[2] }]);
      this._drawPicture();
      this._renderBar();
      this.dataset.status = this._progress?.status || 'new';
    }

    _renderBar() {
      const p = this._progress || {};
      const cfg = this._cfg || {};
      const h = this._h;
      const reg = this._data?.task === 'regression';
      const last = h?.val_m.length ? h.val_m[h.val_m.length - 1] : null;
      const metric = last == null ? '' : `, validation ${reg ? 'MSE' : 'accuracy'} ${fmtValue(+last.toPrecision(3))}`;
      let text;
      if (!this._run) text = this._error.textContent ? 'not started' : 'loading...';
      else if (p.status === 'diverged') text = `diverged at step ${p.diverged?.step}: lower the learning rate`;
      else if (p.status === 'stopped') text = `stopped early after epoch ${p.epochs_done}${metric}`;
      else if (p.status === 'error') text = `stopped at step ${p.steps_done}`;
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
      this._pace = null;
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
      if (!this._pace || now - this._pace.last > 250) this._pace = { t: now, steps: this._progress.steps_done, last: now };
      this._pace.last = now;
      if (!this._busy) {
        const speed = this._opts.speed;
        if (speed === 0) this._advance({ ms: 14 });
        else {
          const perEpoch = this._run.info.steps_per_epoch || 1;
          const due = Math.floor(((now - this._pace.t) / 1000) * speed * perEpoch) - (this._progress.steps_done - this._pace.steps);
          if (due > 0) this._advance({ steps: Math.min(due, 1e6), ms: 30 });
        }
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
  return SteplabTrain;
}
