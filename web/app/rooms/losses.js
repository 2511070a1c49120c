// Room 3, Losses: value and derivative against the error, the margin, the
// probability of the true class and the distance, with the course's worked
// examples as editable tables. Every number is computed by the core.
import { LineChart, PALETTE, fmtValue, download, downloadText } from '../../shared/chart.js';
import { el, clear } from '../../shared/dom.js';
import { LOSS_TEXT, lossCode } from './losses-text.js';

const PANELS = { error: 'Against the error', margin: 'Against the margin y·f(x)', probability: 'Against the probability of the true class', distance: 'Against the distance' };

const REG = [[100, 98], [150, 153], [200, 199], [180, 182], [120, 140]];
const BCE = [[1, 0.95], [1, 0.7], [0, 0.1], [1, 0.5], [1, 0.2]];
const CE = [[1, [0.1, 0.8, 0.1]], [0, [0.7, 0.2, 0.1]], [2, [0.2, 0.2, 0.6]], [1, [0.4, 0.4, 0.2]], [0, [0.2, 0.5, 0.3]]];

const num = (min, max, def) => ({ type: 'num', def, min, max });
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
  reg: table(REG, (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((r) => Array.isArray(r) && r.length === 2 && r.every(isNum)) ? null : 'reg must be up to 10 [actual, predicted] pairs')),
  bce: table(BCE, (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((r) => Array.isArray(r) && r.length === 2 && r.every(isNum)) ? null : 'bce must be up to 10 [y, p] pairs')),
  ce: table(CE, (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((r) => Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Array.isArray(r[1]) && r[1].length === 3 && r[1].every(isNum)) ? null : 'ce must be up to 10 [class, [p0, p1, p2]] rows')),
};

export const lossesRoom = { title: 'Losses', props: () => PROPS, validate: async () => [], create: createLossesRoom };

function createLossesRoom({ root, lab, getState, setState }) {
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
      commit();
    };
    input.addEventListener('input', () => set(input.value.trim() === '' ? NaN : Number(input.value), input));
    range.addEventListener('input', () => set(Number(range.value), range));
    const box = el('div', { class: 'field', 'data-for': key }, [el('label', { for: id }, [label, el('span', { class: 'help' }, ` ${help}`)]),
      el('div', { class: 'row' }, [input, range]), err]);
    sliders[key] = { box, input, range };
    return box;
  };
  const derivBox = el('input', { type: 'checkbox', id: 'loss-deriv' });
  controls.append(el('label', { for: 'loss-panel' }, 'Plot the losses'), panelSel,
    sliderRow('delta', 'Huber δ', 0.1, 5, 0.1, 'quadratic below δ, linear above'),
    sliderRow('beta', 'SmoothL1 β', 0.1, 5, 0.1, 'Huber divided by β'),
    sliderRow('gamma', 'focal γ', 0, 5, 0.1, 'how hard easy examples are down-weighted'),
    sliderRow('alpha', 'focal α', -1, 1, 0.05, 'weight of the positive class (negative: off)'),
    sliderRow('margin', 'margin m', 0, 3, 0.1, 'how far dissimilar pairs are pushed'),
    sliderRow('d_ap', 'triplet d(a,p)', 0, 3, 0.1, 'anchor to positive distance'),
    el('label', { class: 'inline' }, [derivBox, ' show derivatives (dashed)']),
    sliderRow('at', 'read out at x =', -4, 4, 0.1, 'the values listed under the chart'));
  const VISIBLE = { error: ['delta', 'beta'], margin: [], probability: ['gamma', 'alpha'], distance: ['margin', 'd_ap'] };

  // --- chart and read-out
  const chartBox = el('div', { class: 'chart', id: 'loss-chart' });
  const readout = el('div', { class: 'readout', id: 'loss-readout', 'aria-live': 'polite' });
  const error = el('div', { class: 'field-error', role: 'alert', id: 'loss-error' });
  const btn = (t, f) => { const b = el('button', { type: 'button' }, t); b.addEventListener('click', f); return b; };
  main.append(el('div', { class: 'toolbar' }, [
    btn('Reset zoom', () => chart.resetZoom()),
    btn('PNG', () => download('steplab-losses.png', chart.png())),
    btn('CSV', () => downloadText('steplab-losses.csv', chart.csv(), 'text/csv')),
    btn('JSON', () => downloadText('steplab-losses.json', chart.json(), 'application/json')),
  ]), chartBox, error, readout);
  const chart = new LineChart(chartBox, { xLabel: 'x', yLabel: 'loss' });

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
    }
    panelSel.value = state.panel;
    derivBox.checked = state.deriv;
    const [t, m] = LOSS_TEXT[state.panel];
    title.textContent = PANELS[state.panel];
    text.textContent = t;
    math.innerHTML = m; // the project's own MathML constants
    code.textContent = lossCode(state);
    let res, tab;
    try {
      [res, tab] = await Promise.all([
        lab.call('lossCurves', { panel: state.panel, delta: state.delta, beta: state.beta, gamma: state.gamma, alpha: state.alpha, margin: state.margin, d_ap: state.d_ap }),
        lab.call('lossTables', { regression: state.reg, bce: state.bce, ce: state.ce, delta: state.tdelta }).catch((e) => ({ error: e })),
      ]);
    } catch (e) {
      if (g === gen) error.textContent = e.message;
      return;
    }
    if (g !== gen) return;
    error.textContent = '';
    curves = res;
    const shown = res.series.filter((s) => state.deriv || s.kind === 'value').map((s) => ({
      label: s.label, values: s.values, color: PALETTE[s.group % PALETTE.length], dash: s.kind === 'grad' ? [6, 4] : undefined,
    }));
    chart.xLabel = res.xLabel;
    chart.setData(shown, res.x);
    renderReadout();
    fillTables(tab);
    document.body.dataset.lossesGeneration = String(g);
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
