// "Inside the optimizer": per layer, over the steps of a training run, the
// update-to-weight ratio (with the 1e-3 rule of thumb), the effective step size
// (lr for SGD, lr / (sqrt(v_hat) + eps) for the Adam family) and the magnitudes of
// Adam's m and v, from run.inspect(). Mounted by the Training room:
//   const panel = createInspectPanel({ root });
//   panel.update(inspect, step);   // after each trainStep with inspect: true
//   panel.reset();                 // a new run
import { LineChart, PALETTE } from '../../shared/chart.js';
import { el } from '../../shared/dom.js';

export const INSPECT_TEXT = 'Each step changes a layer\'s weights by a fraction of their size: that fraction, ‖Δw‖ / ‖w‖, is the ' +
  'update-to-weight ratio, and around 1e-3 is the usual rule of thumb (far below and the layer barely learns, far above and it ' +
  'thrashes). Adam gives every weight its own step size lr / (√v̂ + ε): weights whose gradients have been large get small ' +
  'steps and rarely-pushed ones get large steps, and that, not a changing lr, is what "adaptive learning rate" means.';

const RULE_OF_THUMB = 1e-3;
// Points kept per layer; older points are thinned to every other one when the cap is reached.
const MAX_POINTS = 4000;

export function createInspectPanel({ root }) {
  const box = el('section', { class: 'inspect', id: 'inspect', 'aria-label': 'Inside the optimizer' });
  const charts = {};
  const boxes = {};
  const spec = [
    ['ratio', 'Update-to-weight ratio ‖Δw‖ / ‖w‖', 'ratio'],
    ['eff', 'Effective step size per weight (mean)', 'step size'],
    ['m', 'Adam\'s first moment m (RMS)', 'RMS of m'],
    ['v', 'Adam\'s second moment v (RMS)', 'RMS of v'],
  ];
  const note = el('p', { class: 'note', id: 'inspect-note' });
  box.append(el('h2', {}, 'Inside the optimizer'), el('p', { class: 'why' }, INSPECT_TEXT), note);
  const grid = el('div', { class: 'pair', hidden: true });
  for (const [key, title, y] of spec) {
    boxes[key] = el('div', { 'data-chart': key }, [el('h3', {}, title), el('div', { class: 'chart', id: `inspect-${key}` })]);
    grid.append(boxes[key]);
  }
  box.append(grid);
  root.append(box);
  for (const [key, , y] of spec) {
    charts[key] = new LineChart(boxes[key].querySelector('.chart'), { xLabel: 'step', yLabel: y, height: 220 });
    charts[key].log = true;
  }
  note.textContent = 'Train a run to see its layers here.';

  let names = [];
  let steps = [];
  let cols = null; // { ratio: [[...] per layer], eff, m, v }
  let pending = false;

  function reset() {
    names = [];
    steps = [];
    cols = null;
    for (const c of Object.values(charts)) c.setData([]);
    note.textContent = 'Train a run to see its layers here.';
    grid.hidden = true;
    box.dataset.points = '0';
  }

  function thin() {
    const keep = (a) => a.filter((_, i) => i % 2 === 0);
    steps = keep(steps);
    for (const k of Object.keys(cols)) cols[k] = cols[k].map(keep);
  }

  function draw() {
    pending = false;
    if (!cols) return;
    const x = Float64Array.from(steps);
    const series = (k) => names.map((n, i) => ({ label: n, values: Float64Array.from(cols[k][i], (v) => (v == null ? NaN : v)),
      color: PALETTE[i % PALETTE.length], dash: n.endsWith('.bias') ? [6, 4] : undefined }));
    charts.ratio.setData([...series('ratio'), { label: 'rule of thumb 1e-3', values: new Float64Array(x.length).fill(RULE_OF_THUMB), color: '#8a93a6', dash: [2, 4] }], x);
    charts.eff.setData(series('eff'), x);
    grid.hidden = false;
    // each moment's chart only where the optimizer keeps it (SGD with momentum keeps m, no v)
    const kept = (k) => cols[k].some((c) => c.some((v) => v != null));
    const hasM = kept('m'), hasV = kept('v');
    boxes.m.hidden = !hasM;
    boxes.v.hidden = !hasV;
    note.textContent = hasM || hasV ? '' : 'This optimizer keeps no m and v (SGD-like): its effective step is the learning rate itself.';
    if (hasM) charts.m.setData(series('m'), x);
    if (hasV) charts.v.setData(series('v'), x);
    box.dataset.points = String(steps.length);
  }

  // inspect: run.inspect()'s result ({ step, layers: [...] }); step: the x value (default inspect.step).
  function update(inspect, step = inspect?.step) {
    if (!inspect || !Array.isArray(inspect.layers) || !Number.isFinite(step)) return;
    const layerNames = inspect.layers.map((l) => l.name);
    const last = steps.length ? steps[steps.length - 1] : -Infinity;
    if (step === last) return; // the same step read twice
    if (!cols || layerNames.join() !== names.join() || step < last) { // a new run
      reset();
      names = layerNames;
      cols = { ratio: names.map(() => []), eff: names.map(() => []), m: names.map(() => []), v: names.map(() => []) };
    }
    steps.push(step);
    inspect.layers.forEach((l, i) => {
      cols.ratio[i].push(l.update_ratio > 0 ? l.update_ratio : null);
      cols.eff[i].push(l.effective_lr > 0 ? l.effective_lr : null);
      cols.m[i].push(l.m_rms ?? null);
      cols.v[i].push(l.v_rms ?? null);
    });
    if (steps.length > MAX_POINTS) thin();
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  // what is plotted, for reading back (tests, the console)
  box.inspectData = () => ({ steps: [...steps], names: [...names], cols: structuredClone(cols) });
  return { update, reset, element: box };
}
