// <steplab-loss against="error" delta="1" controls="delta" derivatives>: losses of the core
// and their derivatives against the error, the margin, the probability of the true class or
// the distance (the Losses room's panels, web/worker/losses.js).
import { PALETTE } from '../shared/chart.js';
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

  async _compute() {
    const { derivatives, ...args } = this._state.params;
    const res = await lab().call('lossCurves', args);
    this._chart.xLabel = res.xLabel;
    return { x: res.x, series: res.series.filter((s) => derivatives || s.kind === 'value').map((s) => ({
      label: s.label, values: s.values, color: PALETTE[s.group % PALETTE.length], dash: s.kind === 'grad' ? [6, 4] : undefined })) };
  }
}
