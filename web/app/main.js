// The small schedule page: edit a scheduler spec as JSON, see its curve.
// Bundled as a classic script (dist/app.js) so it also runs from file://.
import { loadSteplab } from '../lib/steplab.mjs';
import { drawLinePlot } from './plot.js';

const PRESETS = [
  ['Step decay x0.1 every 30 epochs (ResNet)', { type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }, 90],
  ['Cosine 0.1 to 0.001 over 100 epochs', { type: 'CosineAnnealingLR', lr: 0.1, T_max: 100, eta_min: 0.001 }, 101],
  ['Warm-up then cosine', { type: 'SequentialLR', lr: 0.1, schedulers: [
    { type: 'LinearLR', start_factor: 0.1, total_iters: 10 }, { type: 'CosineAnnealingLR', T_max: 90 }], milestones: [10] }, 100],
  ['Warm restarts (SGDR), T_0 10, T_mult 2', { type: 'CosineAnnealingWarmRestarts', lr: 0.1, T_0: 10, T_mult: 2, eta_min: 0.001 }, 150],
  ['One-cycle, fast.ai shape', { type: 'OneCycleLR', max_lr: 0.1, total_steps: 100, pct_start: 0.45, three_phase: true }, 100],
  ['Cyclical, triangular2', { type: 'CyclicLR', base_lr: 0.001, max_lr: 0.1, step_size_up: 10, mode: 'triangular2' }, 100],
  ['Exponential lr0 e^(-0.05 t)', { type: 'NaturalExpDecay', lr: 1, decay_rate: 0.05 }, 100],
  ['LambdaLR with a formula', { type: 'LambdaLR', lr: 0.1, lr_lambda: 'epoch < 5 ? (epoch + 1) / 5 : 0.95 ^ (epoch - 5)' }, 100],
];

const $ = (id) => document.getElementById(id);

function readHash() {
  try {
    const h = decodeURIComponent(location.hash.slice(1));
    if (!h) return null;
    const v = JSON.parse(h);
    return v && typeof v === 'object' && v.spec && Number.isInteger(v.n) ? v : null;
  } catch {
    return null;
  }
}

async function main() {
  const lab = await loadSteplab();
  $('names').textContent = lab.schedulers.join(', ');
  for (const [i, [label]] of PRESETS.entries()) $('preset').add(new Option(label, String(i)));
  $('preset').add(new Option('(your own spec)', 'custom'));
  const fromHash = readHash();
  const show = (spec, n) => {
    $('spec').value = JSON.stringify(spec, null, 2);
    $('n').value = String(n);
  };
  if (fromHash) {
    show(fromHash.spec, fromHash.n);
    $('preset').value = 'custom';
  } else {
    show(PRESETS[0][1], PRESETS[0][2]);
  }

  let values = null;
  const update = () => {
    $('error').textContent = '';
    let spec;
    try {
      spec = JSON.parse($('spec').value);
    } catch (e) {
      $('error').textContent = `The spec is not valid JSON: ${e.message}`;
      return;
    }
    const n = Number($('n').value);
    try {
      values = lab.schedule(spec, n);
    } catch (e) {
      $('error').textContent = e.message;
      return;
    }
    history.replaceState(null, '', '#' + encodeURIComponent(JSON.stringify({ spec, n })));
    redraw();
  };
  const redraw = () => {
    if (!values) return;
    drawLinePlot($('plot'), values, { xLabel: 'step', yLabel: 'learning rate' });
    const last = values.length ? values[values.length - 1] : NaN;
    $('readout').textContent = `lr[0] = ${values[0]}   lr[${values.length - 1}] = ${last}   max = ${Math.max(...values)}`;
  };
  $('preset').addEventListener('change', () => {
    if ($('preset').value === 'custom') return;
    const [, spec, n] = PRESETS[Number($('preset').value)];
    show(spec, n);
    update();
  });
  $('spec').addEventListener('input', () => {
    $('preset').value = 'custom';
    update();
  });
  $('n').addEventListener('input', update);
  addEventListener('resize', redraw);
  $('plot').addEventListener('mousemove', (ev) => {
    if (!values || !values.length) return;
    const r = ev.target.getBoundingClientRect();
    const k = Math.round(((ev.clientX - r.left - 60) / (r.width - 80)) * (values.length - 1));
    if (k >= 0 && k < values.length) $('readout').textContent = `step ${k}: lr = ${values[k]}`;
  });
  update();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  $('error').textContent = `steplab could not start: ${e.message}`;
});
