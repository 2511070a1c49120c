// Room 3, Losses: the loss against the error, the margin, the probability of the
// true class and the distance, its derivative on a chart of its own below, what to
// notice on each panel (measured), focal loss for several γ with a worked example of
// easy negatives against hard positives, and the course's worked examples as editable
// tables. Every number is computed by the core.
import { LineChart, fmtValue, download, downloadText } from '../../shared/chart.js';
import { el, clear, button } from '../../shared/dom.js';
import { LOSS_TEXT, LOSS_NOTES, lossCode } from './losses-text.js';
import { fillNotice, checkClaims } from './notice.js';
import { createNoticeBox } from './notice-box.js';
import { createOwnLoss, OWN_PROP } from './losses-own.js';
import { lossCharts } from '../../shared/loss-view.js';

const PANELS = { error: 'Against the error', margin: 'Against the margin y·f(x)', probability: 'Against the probability of the true class', distance: 'Against the distance' };

const REG = [[100, 98], [150, 153], [200, 199], [180, 182], [120, 140]];
const BCE = [[1, 0.95], [1, 0.7], [0, 0.1], [1, 0.5], [1, 0.2]];
const CE = [[1, [0.1, 0.8, 0.1]], [0, [0.7, 0.2, 0.1]], [2, [0.2, 0.2, 0.6]], [1, [0.4, 0.4, 0.2]], [0, [0.2, 0.5, 0.3]]];

const num = (min, max, def) => ({ type: 'num', def, min, max });
const int = (min, max, def) => ({ type: 'int', def, min, max });
// focal loss against p, as in the RetinaNet paper's first figure
const GAMMAS = [0, 0.5, 1, 2, 5];
const table = (def, check) => ({ type: 'json', def, check });
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

export const PROPS = {
  panel: { type: 'enum', def: 'error', choices: Object.keys(PANELS) },
  delta: num(0.01, 100, 1),
  beta: num(0.01, 100, 1),
  gamma: num(0, 10, 2),
  alpha: num(-1, 1, 0.25),
  margin: num(0, 10, 1),
  d_ap: num(0, 3, 1),
  at: num(-1e6, 1e6, 1),
  deriv: { type: 'bool', def: true },
  tdelta: num(0.01, 1000, 5),
  n_neg: int(1, 1e6, 1000),
  p_neg: num(0.001, 0.999, 0.9),
  n_pos: int(1, 1e6, 10),
  p_pos: num(0.001, 0.999, 0.2),
  reg: table(REG, (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((r) => Array.isArray(r) && r.length === 2 && r.every(isNum)) ? null : 'reg must be up to 10 [actual, predicted] pairs')),
  bce: table(BCE, (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((r) => Array.isArray(r) && r.length === 2 && r.every(isNum)) ? null : 'bce must be up to 10 [y, p] pairs')),
  own: OWN_PROP,
  ce: table(CE, (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((r) => Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Array.isArray(r[1]) && r[1].length === 3 && r[1].every(isNum)) ? null : 'ce must be up to 10 [class, [p0, p1, p2]] rows')),
};

export const lossesRoom = { title: 'Losses', props: () => PROPS, validate: async () => [], create: createLossesRoom };

function createLossesRoom({ root, lab, registry, getState, setState }) {
  let state = getState();
  let gen = 0;
  let curves = null;
  const controls = el('section', { class: 'controls', 'aria-label': 'Loss settings' });
  const main = el('section', { class: 'plots', 'aria-label': 'Loss curves and worked examples' });
  const side = el('section', { class: 'explain', 'aria-label': 'Explanation and PyTorch code' });
  clear(root);
  root.append(controls, main, side);

  // --- controls
  const panelSel = el('select', { id: 'loss-panel' }, Object.entries(PANELS).map(([k, v]) => el('option', { value: k }, v)));
  const sliders = {};
  const sliderRow = (key, label, min, max, step, help) => {
    const id = `loss-${key}`;
    const input = el('input', { id, type: 'number', min: String(min), max: String(max), step: String(step) });
    const range = el('input', { type: 'range', min: String(min), max: String(max), step: String(step), 'aria-label': `${label} slider` });
    const err = el('div', { class: 'field-error' });
    const set = (v, from) => {
      err.textContent = '';
      if (!(Number.isFinite(v) && v >= PROPS[key].min && v <= PROPS[key].max)) {
        err.textContent = `${label} must be a number in [${PROPS[key].min}, ${PROPS[key].max}]`;
        return;
      }
      state[key] = v;
      if (from !== input) input.value = String(v);
      if (from !== range) range.value = String(v);
      range.setAttribute('aria-valuetext', `${label} ${v}`);
      commit();
    };
    input.addEventListener('input', () => set(input.value.trim() === '' ? NaN : Number(input.value), input));
    range.addEventListener('input', () => set(Number(range.value), range));
    const box = el('div', { class: 'field', 'data-for': key }, [el('label', { for: id }, [label, el('span', { class: 'help' }, ` ${help}`)]),
      el('div', { class: 'row' }, [input, range]), err]);
    sliders[key] = { box, input, range, label };
    return box;
  };
  const derivBox = el('input', { type: 'checkbox', id: 'loss-deriv' });
  controls.append(el('label', { for: 'loss-panel' }, 'Plot the losses'), panelSel,
    sliderRow('delta', 'Huber δ', 0.1, 5, 0.1, 'quadratic below δ, linear above'),
    sliderRow('beta', 'SmoothL1 β', 0.1, 5, 0.1, 'Huber divided by β'),
    sliderRow('gamma', 'focal γ', 0, 5, 0.1, 'how hard easy examples are down-weighted'),
    sliderRow('alpha', 'focal α', -1, 1, 0.05, 'weight of the positives in the worked example (negative: off)'),
    sliderRow('margin', 'margin m', 0, 3, 0.1, 'how far dissimilar pairs are pushed'),
    sliderRow('d_ap', 'triplet d(a,p)', 0, 3, 0.1, 'anchor to positive distance'),
    el('label', { class: 'inline' }, [derivBox, ' show the derivatives (a chart of their own)']),
    sliderRow('at', 'read out at x =', -4, 4, 0.1, 'the values listed under the chart'));
  const own = createOwnLoss({ lab, registry, getState: () => state, commit: () => commit() });
  controls.append(own.node);
  const VISIBLE = { error: ['delta', 'beta'], margin: [], probability: ['gamma', 'alpha'], distance: ['margin', 'd_ap'] };

  // --- what to notice, the loss chart, the derivative chart, read-out
  const notice = createNoticeBox('loss');
  const chartBox = el('div', { class: 'chart', id: 'loss-chart' });
  const caption = el('p', { class: 'note', id: 'loss-caption' });
  const derivTitle = el('h2', { id: 'loss-deriv-title' });
  const dBox = el('div', { class: 'chart', id: 'loss-deriv-chart' });
  const derivSection = el('div', {}, [derivTitle, dBox]);
  const readout = el('div', { class: 'readout', id: 'loss-readout', 'aria-live': 'polite' });
  const error = el('div', { class: 'field-error', role: 'alert', id: 'loss-error' });
  const btn = (t, f) => button(t, f);
  const focalBox = el('section', { id: 'loss-focal', 'aria-labelledby': 'loss-focal-title' });
  const chartTools = el('div', { class: 'toolbar' }, [
    btn('Reset zoom', () => { chart.resetZoom(); dchart.resetZoom(); }),
    btn('PNG', () => download('steplab-losses.png', chart.png())),
    btn('CSV', () => downloadText('steplab-losses.csv', chart.csv(), 'text/csv')),
    btn('JSON', () => downloadText('steplab-losses.json', chart.json(), 'application/json')),
  ]);
  main.append(notice.node, chartTools, chartBox, caption, derivSection, error, readout, focalBox);
  for (const n of [chartTools, chartBox, caption]) n.classList.add('lead'); // on a phone, what to notice comes right under these
  const chart = new LineChart(chartBox, { xLabel: 'x', yLabel: 'loss' });
  const dchart = new LineChart(dBox, { xLabel: 'x', yLabel: 'derivative', height: 200 });
  chartBox.lineChart = chart; // for tests and scripts: the chart of the box
  dBox.lineChart = dchart;

  // --- worked examples
  const tables = el('div', { class: 'tables' });
  main.append(el('h2', {}, 'Worked examples'), tables);

  // --- explanation and code
  const title = el('h2', {});
  const text = el('p', {});
  const math = el('div', { class: 'math' });
  const code = el('pre', { class: 'code', id: 'loss-code', tabindex: '0' });
  side.append(title, text, math, el('h3', {}, 'PyTorch code'), code,
    btn('Copy code', () => navigator.clipboard?.writeText(code.textContent).catch(() => {})));

  function commit() {
    setState(state);
    recompute();
  }

  async function recompute() {
    const g = ++gen;
    for (const [k, s] of Object.entries(sliders)) {
      s.box.hidden = k !== 'at' && !VISIBLE[state.panel].includes(k);
      if (document.activeElement !== s.input) s.input.value = String(state[k]);
      s.range.value = String(state[k]);
      s.range.setAttribute('aria-valuetext', `${s.label} ${state[k]}`);
    }
    panelSel.value = state.panel;
    derivBox.checked = state.deriv;
    const [t, m] = LOSS_TEXT[state.panel];
    title.textContent = PANELS[state.panel];
    text.textContent = t;
    math.innerHTML = m; // the project's own MathML constants
    code.textContent = lossCode(state) + own.code(state);
    own.sync(state);
    const focal = { n_neg: state.n_neg, p_neg: state.p_neg, n_pos: state.n_pos, p_pos: state.p_pos, gamma: state.gamma, alpha: state.alpha };
    const settings = { panel: state.panel, delta: state.delta, beta: state.beta, gamma: state.gamma, alpha: state.alpha, margin: state.margin, d_ap: state.d_ap };
    let res, tab;
    try {
      [res, tab] = await Promise.all([
        lab.call('lossCurves', { ...settings, gammas: state.panel === 'probability' ? GAMMAS : null }),
        lab.call('lossTables', { regression: state.reg, bce: state.bce, ce: state.ce, delta: state.tdelta, focal, notes: settings }).catch((e) => ({ error: e })),
      ]);
    } catch (e) {
      if (g === gen) error.textContent = e.message;
      return;
    }
    if (g !== gen) return;
    try { await own.addTo(res, state); } catch (e) { if (g === gen) error.textContent = e.message; }
    if (g !== gen) return;
    error.textContent = '';
    curves = res;
    drawCharts(res, tab.notes);
    renderReadout();
    fillTables(tab);
    renderFocal(tab.focal);
    renderNotice(tab.notes);
    document.body.dataset.lossesGeneration = String(g);
  }

  // The loss on top, its derivative on a chart of its own below (web/shared/loss-view.js).
  function drawCharts(res, notes) {
    const probability = state.panel === 'probability';
    const c = lossCharts(res, state);
    chart.xLabel = res.xLabel;
    chart.yLabel = 'loss';
    chart.setData(c.losses, res.x);
    derivSection.hidden = !state.deriv;
    if (state.deriv) {
      derivTitle.textContent = c.title;
      dchart.xLabel = res.xLabel;
      dchart.yLabel = c.yLabel;
      if (dchart.log !== c.log) dchart.setLog(c.log);
      dchart.setData(c.derivatives, res.x);
    }
    caption.textContent = state.panel === 'error' && notes && notes.diff < 1e-6
      ? `SmoothL1 β = ${state.beta} (dotted) lies exactly on Huber δ = ${state.delta}: SmoothL1 is Huber divided by β, and here δ = β = 1.`
      : probability ? 'Focal loss −(1 − p)^γ log p for several γ, without α (as in the RetinaNet paper\'s first figure); γ = 0 is cross-entropy. The chosen γ is drawn thicker; α weighs the classes in the worked example below.' : '';
  }

  // What to notice on this panel: shown at the panel's defaults, measured by the core.
  function renderNotice(values) {
    const n = LOSS_NOTES[state.panel];
    const changed = Object.entries(n.defaults).filter(([k, v]) => state[k] !== v).map(([k]) => k);
    if (!values) { notice.hide(); return; }
    if (changed.length) {
      notice.changed(`The notes of this panel describe its defaults (${Object.entries(n.defaults).map(([k, v]) => `${k} = ${v}`).join(', ')}); you changed ${changed.join(', ')}.`, () => {
        Object.assign(state, structuredClone(n.defaults));
        buildTables();
        commit();
      }, 'Back to the defaults');
      return;
    }
    notice.show(0, fillNotice(n.notice, values), checkClaims(n.claims, values));
  }

  // Focal loss's worked example: many easy negatives against a few hard positives, one column each,
  // read from top to bottom: the loss each, its share with cross-entropy, the factor, its share with focal loss.
  function renderFocal(ex) {
    focalBox.hidden = state.panel !== 'probability' || !ex;
    if (focalBox.hidden) return;
    if (!focalBox.firstChild) buildFocal();
    const pct = (v) => `${fmtValue(+(100 * v).toPrecision(3))} %`;
    const show = (v, d) => fmtValue(+v.toPrecision(d));
    const rows = { ce: (g) => show(g.ce, 4), ce_share: (g) => pct(g.ce_share), factor: (g) => show(g.factor, 3), fl: (g) => show(g.fl, 3), fl_share: (g) => pct(g.fl_share) };
    for (const [key, cells] of Object.entries(focalOut.cells)) cells.forEach((cell, i) => { cell.textContent = rows[key](i ? ex.pos : ex.neg); });
    focalOut.alpha.textContent = state.alpha < 0 ? 'off' : String(state.alpha);
    focalOut.gamma.textContent = String(state.gamma);
    focalOut.result.textContent = `The ${ex.neg.n} easy negatives make ${pct(ex.neg.ce_share)} of the cross-entropy but ${pct(ex.neg.fl_share)} of the focal loss: `
      + `(1 − p)^γ keeps ${show(ex.neg.factor, 3)} of each easy loss and ${show(ex.pos.factor, 3)} of each hard one.`;
  }

  const focalOut = {};
  function buildFocal() {
    const table = el('table', { id: 'table-focal' }, [el('caption', {}, ['Focal loss at γ = ', focalOut.gamma = el('span', {}), ', α = ', focalOut.alpha = el('span', {})]),
      el('tr', {}, ['', 'easy negatives', 'hard positives'].map((h) => el('th', { scope: 'col' }, h)))]);
    const input = (n, p) => [['examples', n, (v) => Number.isInteger(v) && v >= 1 && v <= 1e6], ['p of the true class', p, (v) => v >= 0.001 && v <= 0.999]];
    const groups = [input('n_neg', 'p_neg'), input('n_pos', 'p_pos')];
    const names = ['easy negatives', 'hard positives'];
    for (const r of [0, 1]) {
      table.append(el('tr', {}, [el('th', { scope: 'row' }, groups[0][r][0]),
        ...groups.map((g, i) => el('td', {}, cellInput(state[g[r][1]], `${names[i]}: ${g[r][0]}`, (v) => { if (g[r][2](v)) state[g[r][1]] = v; })))]));
    }
    focalOut.cells = {};
    for (const [key, label] of [['ce', 'cross-entropy, each'], ['ce_share', 'share of the cross-entropy'], ['factor', '(1 − p)^γ'],
      ['fl', 'focal loss, each'], ['fl_share', 'share of the focal loss']]) {
      const cells = [el('td', { 'data-group': 'neg' }), el('td', { 'data-group': 'pos' })];
      focalOut.cells[key] = cells;
      table.append(el('tr', { 'data-row': key, class: key.endsWith('share') ? 'share' : null }, [el('th', { scope: 'row' }, label), ...cells]));
    }
    focalOut.result = el('p', { class: 'result', id: 'focal-result' });
    focalBox.append(el('h2', { id: 'loss-focal-title' }, 'Worked example: many easy negatives, a few hard positives'),
      el('div', { class: 'tables' }, table), focalOut.result,
      el('p', { class: 'note' }, 'Each loss computed by the core: cross-entropy is BCEWithLogitsLoss, focal loss torchvision\'s sigmoid_focal_loss (α weighs positives by α, negatives by 1 − α); (1 − p)^γ is focal loss without α divided by cross-entropy.'));
  }

  function renderReadout() {
    clear(readout);
    const x = curves.x;
    let i = 0;
    for (let k = 1; k < x.length; k++) if (Math.abs(x[k] - state.at) < Math.abs(x[i] - state.at)) i = k;
    readout.append(el('p', {}, `At ${curves.xLabel} = ${fmtValue(x[i])}:`));
    const list = el('ul', {});
    for (const s of curves.series) list.append(el('li', {}, `${s.label}: ${fmtValue(s.values[i])}`));
    readout.append(list);
  }

  function cellInput(value, label, onset) {
    const input = el('input', { type: 'number', step: 'any', value: String(value), 'aria-label': label, class: 'cell' });
    input.addEventListener('input', () => {
      const v = Number(input.value);
      if (input.value.trim() === '' || !Number.isFinite(v)) return;
      onset(v);
      commit();
    });
    return input;
  }

  // Tables are built once (and when a link sets the state), so typing in a
  // cell never loses focus; each recompute only fills the computed cells.
  const out = {};
  function buildTables() {
    clear(tables);
    clear(focalBox);
    out.error = el('div', { class: 'field-error', role: 'alert' });
    const reg = el('table', { id: 'table-regression' }, [el('caption', {}, 'Regression: one outlier dominates the MSE'),
      el('tr', {}, ['actual', 'predicted', 'error', 'squared error'].map((h) => el('th', { scope: 'col' }, h)))]);
    out.regErr = [];
    out.regSq = [];
    state.reg.forEach((r, i) => {
      const e = el('td', {}), sq = el('td', {});
      out.regErr.push(e);
      out.regSq.push(sq);
      reg.append(el('tr', {}, [
        el('td', {}, cellInput(r[0], `actual ${i + 1}`, (v) => { state.reg[i][0] = v; })),
        el('td', {}, cellInput(r[1], `predicted ${i + 1}`, (v) => { state.reg[i][1] = v; })), e, sq]));
    });
    out.mse = el('output', { id: 'reg-mse' });
    out.mae = el('output', { id: 'reg-mae' });
    out.huber = el('output', { id: 'reg-huber' });
    const dIn = cellInput(state.tdelta, 'Huber delta for the table', (v) => { if (v > 0) state.tdelta = v; });
    const bce = el('table', { id: 'table-bce' }, [el('caption', {}, 'Binary cross-entropy: confident mistakes cost the most'),
      el('tr', {}, ['y', 'p', 'loss'].map((h) => el('th', { scope: 'col' }, h)))]);
    out.bce = state.bce.map((r, i) => {
      const cell = el('td', { class: 'value' });
      bce.append(el('tr', {}, [
        el('td', {}, cellInput(r[0], `label ${i + 1}`, (v) => { state.bce[i][0] = v; })),
        el('td', {}, cellInput(r[1], `probability ${i + 1}`, (v) => { state.bce[i][1] = v; })), cell]));
      return cell;
    });
    const ce = el('table', { id: 'table-ce' }, [el('caption', {}, 'Categorical cross-entropy: −log of the true class\'s probability'),
      el('tr', {}, ['true class', 'p0', 'p1', 'p2', 'loss'].map((h) => el('th', { scope: 'col' }, h)))]);
    out.ce = state.ce.map((r, i) => {
      const cell = el('td', { class: 'value' });
      ce.append(el('tr', {}, [
        el('td', {}, cellInput(r[0], `true class ${i + 1}`, (v) => { if (Number.isInteger(v)) state.ce[i][0] = v; })),
        ...r[1].map((p, k) => el('td', {}, cellInput(p, `row ${i + 1} p${k}`, (v) => { state.ce[i][1][k] = v; }))), cell]));
      return cell;
    });
    tables.append(out.error, reg, el('p', { class: 'result' }, ['MSE ', out.mse, ', MAE ', out.mae, ', Huber(δ = ', dIn, ') ', out.huber]),
      bce, ce, el('p', { class: 'note' }, 'The core gets the logits ln p, so that softmax gives back p (normalized if a row does not sum to 1).'));
  }

  function fillTables(tab) {
    out.error.textContent = tab.error ? tab.error.message : '';
    const ok = !tab.error;
    state.reg.forEach((r, i) => {
      out.regErr[i].textContent = fmtValue(r[1] - r[0]);
      out.regSq[i].textContent = ok ? fmtValue(tab.reg.per[i]) : '-';
    });
    out.mse.textContent = ok ? fmtValue(tab.reg.mse) : '-';
    out.mae.textContent = ok ? fmtValue(tab.reg.mae) : '-';
    out.huber.textContent = ok ? fmtValue(tab.reg.huber) : '-';
    out.bce.forEach((c, i) => { c.textContent = ok ? fmtValue(tab.bce[i]) : '-'; });
    out.ce.forEach((c, i) => { c.textContent = ok ? fmtValue(tab.ce[i]) : '-'; });
  }

  panelSel.addEventListener('change', () => { state.panel = panelSel.value; commit(); });
  derivBox.addEventListener('change', () => { state.deriv = derivBox.checked; commit(); });
  buildTables();
  recompute();
  return { setState(next) { state = next; buildTables(); recompute(); } };
}
