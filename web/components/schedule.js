// <steplab-schedule type="OneCycleLR" max-lr="0.1" total-steps="100" steps="100" controls="max_lr,pct_start">:
// a learning-rate schedule computed by the core (lab.schedule). Attributes are the scheduler's
// parameters (kebab-case is fine: t-max = T_max); required ones left out come from the type's
// starter (web/shared/choices.js), fitted to `steps`. `config` holds { spec, steps } or a spec.
// ReduceLROnPlateau watches `metric`, a validation loss as a formula in epoch (a falling default).
import { PALETTE } from '../shared/chart.js';
import { withRequired, PLATEAU_METRIC } from '../shared/choices.js';
import { SteplabFigure } from './figure.js';
import { lab, RESERVED, paramName, attrValue } from './lab.js';

export class SteplabSchedule extends SteplabFigure {
  _xLabel() { return 'step'; }
  _yLabel() { return 'learning rate'; }

  _readConfig(reg) {
    const cfg = this._configProp || (this.hasAttribute('config') ? JSON.parse(this.getAttribute('config')) : null);
    if (cfg) {
      // { spec, steps }, getState()'s { params, steps }, or the scheduler spec itself ({ type: 'StepLR', ... })
      const { steps = 100, ...rest } = cfg;
      const spec = cfg.params ? { ...cfg.params } : cfg.spec ? { ...cfg.spec } : rest;
      return { type: 'schedule', params: spec, steps };
    }
    const type = this.getAttribute('type') || 'StepLR';
    const kind = reg.list('schedulers').find((k) => k.name.toLowerCase() === type.toLowerCase());
    const params = { type: kind ? kind.name : type };
    for (const a of this.getAttributeNames()) {
      if (RESERVED.has(a) || a === 'type' || a.startsWith('aria-') || a.startsWith('data-')) continue;
      params[paramName(a, kind?.params)] = attrValue(this.getAttribute(a));
    }
    const steps = Number(this.getAttribute('steps') || 100);
    return { type: 'schedule', params: kind ? withRequired(reg, params, Number.isInteger(steps) && steps > 0 ? steps : 100) : params, steps };
  }

  _param(name) {
    const kind = this._registry.get('schedulers', this._state.params.type);
    return kind?.params.find((p) => p.name.toLowerCase() === name.replace(/-/g, '_').toLowerCase());
  }

  _get(name) { return this._state.params[name]; }

  async _compute() {
    const { params, steps } = this._state;
    let options;
    if (params.type === 'ReduceLROnPlateau') {
      const metrics = await lab().call('formula', { text: this.getAttribute('metric') || PLATEAU_METRIC, n: Math.max(steps - 1, 0) })
        .catch((e) => { throw new Error(e.message.replace(/^LambdaLR: lr_lambda/, 'steplab-schedule: metric')); });
      options = { metrics };
    }
    const values = await lab().call('schedule', { spec: params, n: steps, options });
    return { series: [{ label: this._state.params.type, values, color: getComputedStyle(this).getPropertyValue('--steplab-accent').trim() || PALETTE[0] }] };
  }
}
