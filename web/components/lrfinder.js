// <steplab-lrfinder dataset="moons" optimizer="SGD" start-lr="1e-5" end-lr="10" num-iter="100" seeds="[0,1,2]">:
// the LR range test (lab.lrFind) in the worker, loss against lr on a log axis, raw and smoothed,
// fast.ai's four suggestions marked and, with several seeds, the band of their smoothed curves.
// `config` (JSON) is a whole trainer config, or { config, options }. Without a loss, the standard
// one of the data set's task (web/shared/choices.js); the digits' pixels load from beside the script.
import uPlot from 'uplot';
import { PALETTE, fmtValue } from '../shared/chart.js';
import { lossRange } from '../shared/lr-range.js';
import { el, clear, adoptStyle } from '../shared/dom.js';
import { defaultLoss, trainerOptimizers } from '../shared/choices.js';
import { SteplabFigure } from './figure.js';
import { lab, attrValue, ensureData, fire, STYLE } from './lab.js';

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
// The task of a data set spec (for its standard loss), asked of the worker once per spec.
const tasks = new Map();
async function taskOf(spec) {
  const key = JSON.stringify(spec);
  if (!tasks.has(key)) {
    const p = (async () => { await ensureData(spec, 'steplab-lrfinder'); return (await lab().call('dataset', { spec })).task; })();
    tasks.set(key, p);
    p.catch(() => tasks.delete(key));
  }
  return tasks.get(key);
}

export class SteplabLrFinder extends SteplabFigure {
  _readConfig() {
    this._lossAuto = false;
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
      // no loss given: the task's standard loss, once the data say which task
      if (attr('loss') === undefined && !cfg) { this._lossAuto = true; delete config.loss; }
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
      optimizer: { kind: 'enum', choices: trainerOptimizers(reg).offered.join('|'), help: 'optimizer' },
      dataset: { kind: 'enum', choices: reg.names('datasets').join('|'), help: 'data set' },
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
      delete config.loss;
      this._lossAuto = true;
    } else if (name === 'seeds') {
      const seeds = String(value).split(',').map((v) => v.trim()).filter(Boolean).map(Number);
      if (seeds.length) options.seeds = seeds;
      else delete options.seeds;
    } else if (LR_OPTIONS.includes(name)) options[name] = value;
    else config[name] = value;
    fire(this, 'steplab-change', { state: this.getState(), name, value });
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
      const { config } = this._state;
      await ensureData(config.dataset, 'steplab-lrfinder');
      if (this._lossAuto && !config.loss) {
        const loss = defaultLoss(this._registry, await taskOf(config.dataset));
        if (g !== this._gen) return;
        if (loss) config.loss = { type: loss };
      }
      r = await lab().call('lrFind', { config, options: this._state.options });
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
    fire(this, 'steplab-done', { state: this.getState(), suggestions: s, stopped: r.stopped, steps: r.lrs.length, spread: r.spread ?? null });
  }

  _draw(r) {
    const n = r.lrs.length;
    const xs = Array.from(r.lrs);
    const near = (v) => {
      let k = 0;
      for (let i = 1; i < n; i++) if (Math.abs(Math.log(xs[i] / v)) < Math.abs(Math.log(xs[k] / v))) k = i;
      return k;
    };
    // the y range as fastai draws it (web/shared/lr-range.js), so a diverging tail does not flatten the curve
    const lows = r.runs && r.runs.length > 1 ? xs.map((_, i) => Math.min(...r.runs.filter((x) => i < x.smoothed.length).map((x) => x.smoothed[i]))) : null;
    const [ylo, yhi] = lossRange(r.smoothed, lows) ?? [0, 1];
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
      scales: { x: { time: false, distr: 3 }, y: { range: [ylo, yhi] } },
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
