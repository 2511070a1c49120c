// <steplab-loss against="error" delta="1" controls="delta" derivatives>: losses of the core
// against the error, the margin, the probability of the true class or the distance (the Losses
// room's panels, web/worker/losses.js), and with `derivatives` their derivatives on a chart of
// their own below, as the room draws them (web/shared/loss-view.js).
import { LineChart } from '../shared/chart.js';
import { el } from '../shared/dom.js';
import { lossCharts } from '../shared/loss-view.js';
import { SteplabFigure } from './figure.js';
import { lab } from './lab.js';

const KNOBS = { delta: 'Huber δ', beta: 'SmoothL1 β', gamma: 'focal γ', alpha: 'focal α', margin: 'margin m', d_ap: 'triplet d(a,p)' };
const DEFAULTS = { alpha: 0.25, gamma: 2 };

export class SteplabLoss extends SteplabFigure {
  _xLabel() { return 'x'; }
  _yLabel() { return 'loss'; }

  _readConfig() {
    const cfg = this._configProp || (this.hasAttribute('config') ? JSON.parse(this.getAttribute('config')) : null);
    const params = { panel: 'error' };
    if (cfg) Object.assign(params, cfg.params || cfg);
    else {
      params.panel = this.getAttribute('against') || 'error';
      for (const k of Object.keys(KNOBS)) {
        const a = this.getAttribute(k.replace('_', '-'));
        if (a !== null) params[k] = Number(a);
      }
      params.derivatives = this.hasAttribute('derivatives');
    }
    return { type: 'loss', params };
  }

  _param(name) {
    const n = name.replace(/-/g, '_');
    return Object.hasOwn(KNOBS, n) ? { name: n, kind: 'number', default: DEFAULTS[n] ?? 1, help: KNOBS[n] } : null;
  }

  _get(name) { return this._state.params[name]; }

  _makeChart() {
    const chart = super._makeChart();
    this._derivTitle = el('p', { class: 'deriv-title', part: 'derivatives-title' });
    const box = el('div', { class: 'chart', part: 'derivatives' });
    this._derivSection = el('div', { hidden: '' }, [this._derivTitle, box]);
    this._chartBox.after(this._derivSection);
    this._dchart = new LineChart(box, { xLabel: 'x', yLabel: 'derivative', styleRoot: this, height: Math.round(this._height() * 0.8) });
    this._chartBox.lineChart = chart; // for tests and scripts, as in the room
    box.lineChart = this._dchart;
    return chart;
  }

  async _compute() {
    const { derivatives, ...args } = this._state.params;
    const res = await lab().call('lossCurves', args);
    this._chart.xLabel = res.xLabel;
    const c = lossCharts(res, { panel: args.panel, gamma: args.gamma ?? DEFAULTS.gamma });
    // the event and the read-out keep the derivatives as the core gives them (dL/dx), labelled so
    const more = derivatives ? res.series.filter((s) => s.kind === 'grad').map((s) => ({ label: s.label, values: s.values })) : [];
    return { x: res.x, xLabel: res.xLabel, series: c.losses, more, charts: derivatives ? c : null };
  }

  _drawMore(res) {
    const c = res.charts;
    this._derivSection.hidden = !c;
    if (!c) return;
    this._derivTitle.textContent = c.title;
    this._dchart.xLabel = res.xLabel;
    this._dchart.yLabel = c.yLabel;
    if (this._dchart.log !== c.log) this._dchart.setLog(c.log);
    this._dchart.setData(c.derivatives, res.x);
  }
}
