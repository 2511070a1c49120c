// The Losses room's two charts, shared with <steplab-loss>: the losses on one axis and their
// derivatives on a chart of their own (so that cross-entropy's −1/p does not flatten the rest;
// issue 16, finding 6). SmoothL1 is dotted over Huber, which it can hide exactly; the chosen γ is
// drawn thicker; against the probability every derivative is negative and spans decades, so the
// derivative chart shows −dL/dp, how hard each loss pushes p up, on a log axis.
import { PALETTE } from './chart.js';

/** lossCurves' answer (res) and the settings -> { losses, derivatives (series), title, yLabel, log } */
export function lossCharts(res, { panel, gamma }) {
  const style = (s) => {
    const st = { label: s.label.replace(/ derivative$/, ''), color: PALETTE[s.group % PALETTE.length], width: 2 };
    if (panel === 'error' && s.group === 2) st.width = 4.5;
    if (panel === 'error' && s.group === 3 && !s.own) st.dash = [2, 3];
    if (s.own) { st.dash = [8, 4]; st.width = 2.5; } // a student's own loss (the Losses room's "Your own")
    if (s.gamma !== undefined && s.gamma === gamma) { st.width = 3.5; st.label = `${st.label} (chosen)`; }
    return st;
  };
  const probability = panel === 'probability';
  return {
    losses: res.series.filter((s) => s.kind === 'value').map((s) => ({ ...style(s), values: s.values })),
    derivatives: res.series.filter((s) => s.kind === 'grad').map((s) => ({ ...style(s),
      values: probability ? Float64Array.from(s.values, (v) => -v) : s.values })),
    title: probability ? 'How hard each loss pushes p up: −dL/dp (log scale)' : 'Their derivatives',
    yLabel: probability ? '−dL/dp' : 'derivative',
    log: probability,
  };
}
