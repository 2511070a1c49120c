// The LR finder room: the learning-rate range test (lab.lrFind in the worker) on a
// training setup, loss against learning rate on a log axis (raw and smoothed), the
// four suggestion rules marked, a band over several seeds that shows how much each
// suggestion moves, and one click that sends a rate to the Training room.
import { LineChart, PALETTE, fmtValue, download, downloadText } from '../../shared/chart.js';
import { lossRange } from '../../shared/lr-range.js';
import { el, clear, button as btn } from '../../shared/dom.js';
import { lossesFor, trainerOptimizers } from '../../shared/choices.js';
import { ACTIVATIONS } from '../../shared/train-settings.js';
import { stepsPerEpoch } from '../../shared/remote-run.js';
import { LRF_INTRO, RULES, TRIM_TEXT, BAND_TEXT, SEND_TEXT } from './lrfinder-text.js';
import { TRAIN_DEFAULTS, trainerConfig } from './train-config.js';

export const RULE_NAMES = ['steep', 'valley', 'minimum', 'slide'];
const RULE_COLORS = { steep: PALETTE[1], valley: PALETTE[2], minimum: PALETTE[3], slide: PALETTE[4] };

const hiddenOk = (v) => (Array.isArray(v) && v.length <= 4 && v.every((w) => Number.isInteger(w) && w >= 1 && w <= 256)
  ? null : 'hidden must be a list of at most 4 layer widths from 1 to 256');

// The URL-hash table of the room; ds, loss and opt are enums whose choices come from the core's registry.
// The range test needs one optimizer step per rate: optimizers that need a closure (LBFGS) are left out.
// A written loss (Custom) needs the rule editor, which the Training room has and the finder does not.
function props(reg) {
  const losses = ['binary', 'multiclass', 'regression'].flatMap((t) => lossesFor(reg, t, { embedding: false, written: false }));
  return {
    ds: { type: 'enum', def: 'moons', choices: reg.names('datasets') },
    n: { type: 'int', def: 400, min: 20, max: 5000 },
    noise: { type: 'num', def: 0.2, min: 0, max: 1 },
    hidden: { type: 'json', def: [16, 16], check: hiddenOk },
    act: { type: 'enum', def: 'tanh', choices: ACTIVATIONS },
    loss: { type: 'enum', def: 'BCEWithLogitsLoss', choices: losses.filter((l, i) => losses.indexOf(l) === i) },
    opt: { type: 'enum', def: 'SGD', choices: trainerOptimizers(reg).offered },
    mom: { type: 'num', def: 0.9, min: 0, max: 0.999 },
    batch: { type: 'int', def: 32, min: 1, max: 5000 },
    seed: { type: 'int', def: 0, min: 0, max: 1e9 },
    start: { type: 'num', def: 1e-7, min: 1e-12, max: 1 },
    end: { type: 'num', def: 10, min: 1e-6, max: 1e4 },
    iters: { type: 'int', def: 100, min: 10, max: 1000 },
    mode: { type: 'enum', def: 'exp', choices: ['exp', 'linear'] },
    smooth: { type: 'num', def: 0.05, min: 0, max: 0.99 },
    div: { type: 'num', def: 5, min: 1.1, max: 1000 },
    seeds: { type: 'int', def: 5, min: 1, max: 10 },
    pick: { type: 'enum', def: 'valley', choices: RULE_NAMES },
    // the Training room's trainer config when the test runs on its setup; null: this room's own controls
    setup: { type: 'json', def: null, check: (v) => (v === null || (isObj(v) && isObj(v.dataset) && isObj(v.model) && isObj(v.loss) && isObj(v.optimizer))
      ? null : 'setup must be a trainer config { dataset, model, loss, optimizer, ... } or null') },
  };
}

export const lrFinderRoom = { title: 'LR finder', props, validate: async () => [], create: createLrFinderRoom };

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// The range test's part of a Training room state: what it trains on, without schedule or budget.
export function trainSetup(reg, t) {
  const c = trainerConfig(reg, { ...t, extra: [] }, t.data);
  for (const k of ['scheduler', 'scheduler_interval', 'scheduler_order', 'epochs', 'early_stopping']) delete c[k];
  return c;
}

// The Training room's settings with the chosen rate: a constant lr, or OneCycleLR peaking at it over the
// room's whole budget (spe: its steps per epoch).
export function trainStateWith(t, setup, lr, onecycle, spe) {
  const next = structuredClone(t);
  next.data = { ...setup.dataset };
  next.extra = [];
  next.model = { init: 'xavier', ...setup.model };
  next.loss = { ...setup.loss };
  next.opt = { ...setup.optimizer };
  next.reg = setup.regularization ?? null;
  next.clip = setup.grad_clip ?? null;
  next.seed = setup.seed ?? next.seed;
  if (setup.batch_size === 'full') next.bmode = 'full';
  else if (setup.batch_size === 1) next.bmode = 'sgd';
  else { next.bmode = 'mini'; next.batch = setup.batch_size; }
  if (onecycle) {
    next.sched = { type: 'OneCycleLR', max_lr: lr, total_steps: next.epochs * spe };
    next.interval = 'step';
  } else {
    next.opt.lr = lr;
    next.sched = null;
  }
  return next;
}

// The trainer config of the room's own setup (the test replaces the optimizer's lr).
export function setupConfig(s, registry) {
  const has = (p) => registry.params('datasets', s.ds).some((q) => q.name === p);
  const dataset = { name: s.ds, seed: s.seed, val_fraction: 0.2 };
  if (has('n_samples')) dataset.n_samples = s.n;
  if (has('noise')) dataset.noise = s.noise;
  const optimizer = { type: s.opt, lr: 1e-3 };
  if (s.opt === 'SGD' && s.mom > 0) optimizer.momentum = s.mom;
  return {
    dataset, model: { hidden: s.hidden, activation: s.act, init: 'xavier' }, loss: { type: s.loss },
    optimizer, batch_size: s.batch, epochs: 1000, seed: s.seed,
  };
}

export function rangeOptions(s) {
  return {
    start_lr: s.start, end_lr: s.end, num_iter: s.iters, step_mode: s.mode, smooth_f: s.smooth, diverge_th: s.div,
    seeds: Array.from({ length: s.seeds }, (_, i) => s.seed + i),
  };
}

function createLrFinderRoom({ root, lab, registry, getState, setState, roomState, openRoom, ensureData }) {
  let state = getState();
  // coming from the Training room: test its current setup
  const fromTraining = roomState?.('train');
  if (fromTraining) { state.setup = trainSetup(registry, fromTraining); setState(state); }
  let generation = 0;
  let result = null;
  let task = null;
  let timer = 0;

  const controls = el('section', { class: 'controls', 'aria-label': 'Range test settings' });
  const main = el('section', { class: 'plots', 'aria-label': 'Loss against learning rate' });
  const side = el('section', { class: 'explain', 'aria-label': 'Suggestions and explanation' });
  clear(root);
  root.append(controls, main, side);
  const num = (id, attrs = {}) => el('input', { id, type: 'number', step: 'any', ...attrs });
  const select = (id, choices) => el('select', { id }, choices.map((c) => el('option', { value: c }, c)));
  const props = lrFinderRoom.props(registry);

  // --- setup controls (from the registry)
  const inputs = {
    ds: select('lrf-ds', props.ds.choices), n: num('lrf-n', { step: '1' }), noise: num('lrf-noise'),
    hidden: el('input', { id: 'lrf-hidden', type: 'text', spellcheck: 'false' }), act: select('lrf-act', ACTIVATIONS),
    loss: el('select', { id: 'lrf-loss' }), opt: select('lrf-opt', props.opt.choices), mom: num('lrf-mom'),
    batch: num('lrf-batch', { step: '1' }), seed: num('lrf-seed', { step: '1' }),
    start: num('lrf-start'), end: num('lrf-end'), iters: num('lrf-iters', { step: '1' }), mode: select('lrf-mode', ['exp', 'linear']),
    smooth: num('lrf-smooth'), div: num('lrf-div'), seeds: num('lrf-seeds', { step: '1', min: '1', max: '10' }),
  };
  const setupErr = el('div', { class: 'field-error', id: 'lrf-error', role: 'alert' });
  const names = {};
  const labeled = (key, text) => {
    names[key] = text;
    return el('div', { class: 'field' }, [el('label', { for: inputs[key].id }, text), inputs[key]]);
  };
  const momField = labeled('mom', 'momentum (SGD)');
  const noiseField = labeled('noise', 'noise');
  const nField = labeled('n', 'points');
  const ownBox = el('div', { id: 'lrf-own' });
  const fromBox = el('div', { id: 'lrf-from-training' });
  const sourceBtn = btn('', () => {
    if (state.setup) state.setup = null;
    else state.setup = trainSetup(registry, trainState());
    setState(state);
    refreshTask().then(schedule);
  }, { id: 'lrf-source' });
  controls.append(el('h2', {}, 'Training setup'), fromBox, sourceBtn, ownBox);
  ownBox.append(
    labeled('ds', 'Data set'), el('div', { class: 'row' }, [nField, noiseField]),
    labeled('hidden', 'Hidden layers (widths, comma separated)'), labeled('act', 'Activation'),
    labeled('loss', 'Loss'), el('div', { class: 'row' }, [labeled('opt', 'Optimizer'), momField]),
    el('div', { class: 'row' }, [labeled('batch', 'Batch size'), labeled('seed', 'Seed')]));
  controls.append(
    el('h2', {}, 'Range test'),
    el('div', { class: 'row' }, [labeled('start', 'start_lr'), labeled('end', 'end_lr')]),
    el('div', { class: 'row' }, [labeled('iters', 'num_iter'), labeled('mode', 'step_mode')]),
    el('div', { class: 'row' }, [labeled('smooth', 'smooth_f'), labeled('div', 'diverge_th')]),
    labeled('seeds', 'Seeds in the band'), setupErr);

  const readInputs = () => {
    const next = { ...state };
    for (const [key, input] of Object.entries(inputs)) {
      const p = props[key];
      if (key === 'hidden') {
        const parts = input.value.split(',').map((t) => t.trim()).filter(Boolean);
        next.hidden = parts.map(Number);
      } else if (p.type === 'int' || p.type === 'num') {
        next[key] = Number(input.value);
      } else {
        next[key] = input.value;
      }
    }
    return next;
  };
  const problem = (s) => {
    for (const [key, p] of Object.entries(props)) {
      const v = s[key];
      if ((p.type === 'int' || p.type === 'num') && (!Number.isFinite(v) || v < p.min || v > p.max || (p.type === 'int' && !Number.isInteger(v)))) {
        return `${names[key] || key}: expected ${p.type === 'int' ? 'a whole number' : 'a number'} in [${p.min}, ${p.max}], got ${Number.isNaN(v) ? 'nothing' : v}`;
      }
      if (p.check) { const bad = p.check(v); if (bad) return bad; }
    }
    return s.start < s.end ? null : `start_lr must be below end_lr, got ${s.start} and ${s.end}`;
  };
  for (const input of Object.values(inputs)) {
    input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', () => {
      const next = readInputs();
      const bad = problem(next);
      setupErr.textContent = bad || '';
      if (bad) return;
      const dsChanged = next.ds !== state.ds;
      state = next;
      setState(state);
      if (dsChanged) refreshTask().then(schedule);
      else schedule();
    });
  }

  // --- chart and read-out
  const chartBox = el('div', { class: 'chart', id: 'lrf-chart' });
  const status = el('p', { class: 'readout', id: 'lrf-status', 'aria-live': 'polite' });
  const toolbar = el('div', { class: 'toolbar' }, [
    btn('Run again', () => run(), { id: 'lrf-run' }),
    btn('Reset zoom', () => chart.resetZoom()),
    btn('PNG', () => download('steplab-lr-finder.png', chart.png())),
    btn('CSV', () => downloadText('steplab-lr-finder.csv', chart.csv(), 'text/csv')),
    btn('JSON', () => downloadText('steplab-lr-finder.json', JSON.stringify(resultJson()), 'application/json')),
  ]);
  const chart = new LineChart(chartBox, { xLabel: 'learning rate', yLabel: 'loss', xLog: true, height: 340 });

  // --- suggestions, sending, explanation
  const table = el('table', { id: 'lrf-suggestions' });
  const customIn = num('lrf-custom', { min: '0' });
  const sendLr = btn('Train with this lr', () => send(false), { id: 'lrf-send-lr' });
  const sendCycle = btn('Train one-cycle with max_lr = this', () => send(true), { id: 'lrf-send-onecycle' });
  main.append(toolbar, chartBox, status, el('div', { class: 'tables' }, table),
    el('div', { class: 'row send' }, [el('label', { for: 'lrf-custom' }, 'learning rate'), customIn, sendLr, sendCycle]));
  side.append(el('h2', {}, 'LR finder'), el('p', {}, LRF_INTRO),
    el('h3', {}, 'The four suggestions'),
    el('ul', { class: 'rules' }, RULE_NAMES.map((r) => el('li', { style: `border-left: 4px solid ${RULE_COLORS[r]}` }, RULES[r]))),
    el('p', { class: 'note' }, TRIM_TEXT), el('p', { class: 'note' }, BAND_TEXT),
    el('h3', {}, 'Use it'), el('p', { class: 'note' }, SEND_TEXT));
  customIn.addEventListener('input', () => {
    const v = Number(customIn.value);
    sendLr.disabled = sendCycle.disabled = !(v > 0 && Number.isFinite(v));
  });

  async function send(onecycle) {
    const lr = Number(customIn.value);
    if (!(lr > 0 && Number.isFinite(lr))) return;
    const base = trainState();
    let spe = 1;
    if (onecycle) {
      // OneCycleLR's total_steps is the Training room's whole budget in batches
      try {
        spe = await stepsPerEpoch(lab, trainerConfig(registry, trainStateWith(base, config(), lr, false, 1), config().dataset));
      } catch (e) {
        setupErr.textContent = e.message;
        return;
      }
    }
    openRoom('train', trainStateWith(base, config(), lr, onecycle, spe));
  }

  // the Training room's latest settings, or its defaults when it has not been opened
  const trainState = () => roomState?.('train') ?? structuredClone(TRAIN_DEFAULTS);
  const config = () => (state.setup ? structuredClone(state.setup) : setupConfig(state, registry));

  async function refreshTask() {
    if (state.setup) return;
    try {
      // a small sample says the task (the digits' pixels load first)
      const spec = { name: state.ds, ...(registry.params('datasets', state.ds).some((p) => p.name === 'n_samples') ? { n_samples: 20 } : {}) };
      await ensureData(spec);
      task = (await lab.call('dataset', { spec })).task;
    } catch {
      task = null;
    }
    const fits = task ? lossesFor(registry, task, { embedding: false, written: false }) : props.loss.choices;
    clear(inputs.loss);
    for (const l of fits) inputs.loss.append(el('option', { value: l }, l));
    if (!fits.includes(state.loss)) { state.loss = fits[0]; setState(state); }
    inputs.loss.value = state.loss;
  }

  function fill() {
    ownBox.hidden = !!state.setup;
    clear(fromBox);
    if (state.setup) {
      const c = state.setup;
      const o = c.optimizer;
      fromBox.append(el('p', { class: 'note' }, 'The Training room\'s setup (its learning rate is replaced by the test\'s):'),
        el('ul', { class: 'setup' }, [
          `data: ${c.dataset.name ?? 'your own points'}${c.dataset.n_samples ? `, ${c.dataset.n_samples} points` : ''}`,
          `model: ${c.model.hidden.length ? c.model.hidden.join('-') : 'linear'} ${c.model.activation}`,
          `loss: ${c.loss.type}`, `optimizer: ${o.type}${o.momentum ? ` momentum ${o.momentum}` : ''}${o.weight_decay ? `, weight_decay ${o.weight_decay}` : ''}`,
          `batch size: ${c.batch_size}, seed ${c.seed}`].map((t) => el('li', {}, t))));
    }
    sourceBtn.textContent = state.setup ? 'Edit a setup here instead' : 'Use the Training room\'s setup';
    for (const [key, input] of Object.entries(inputs)) {
      if (key === 'loss') continue;
      input.value = key === 'hidden' ? state.hidden.join(', ') : String(state[key]);
    }
    const dsParams = registry.params('datasets', state.ds);
    noiseField.hidden = !dsParams.some((p) => p.name === 'noise');
    nField.hidden = !dsParams.some((p) => p.name === 'n_samples');
    momField.hidden = state.opt !== 'SGD';
  }

  function schedule() {
    fill();
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  }

  async function run() {
    const g = ++generation;
    status.textContent = `Running the range test on ${state.seeds} seed${state.seeds > 1 ? 's' : ''}...`;
    let r;
    try {
      await ensureData(config().dataset);
      r = await lab.call('lrFind', { config: config(), options: rangeOptions(state) });
    } catch (e) {
      if (g !== generation) return;
      result = null;
      setupErr.textContent = e.message;
      status.textContent = '';
      chart.setMarks([]);
      chart.setData([]);
      clear(table);
      document.body.dataset.lrfGeneration = String(g);
      return;
    }
    if (g !== generation) return;
    setupErr.textContent = '';
    result = r;
    render();
    document.body.dataset.lrfGeneration = String(g);
  }

  // The band: at each rate, the lowest and highest smoothed loss over the seeds that got that far.
  function band(r) {
    const n = r.lrs.length;
    const lo = new Float64Array(n).fill(NaN), hi = new Float64Array(n).fill(NaN);
    for (const run of r.runs || []) {
      for (let i = 0; i < Math.min(n, run.smoothed.length); i++) {
        const v = run.smoothed[i];
        if (!Number.isFinite(v)) continue;
        if (!(v >= lo[i])) lo[i] = v;
        if (!(v <= hi[i])) hi[i] = v;
      }
    }
    return [lo, hi];
  }

  function render() {
    const r = result;
    const series = [
      { label: 'loss (raw)', values: r.losses, color: PALETTE[5], width: 1 },
      { label: 'loss (smoothed)', values: r.smoothed, color: PALETTE[0] },
    ];
    const several = (r.runs?.length || 0) > 1;
    if (several) {
      const [lo, hi] = band(r);
      series.push({ label: `lowest of ${r.runs.length} seeds`, values: lo, color: '#8a93a6', width: 1 },
        { label: `highest of ${r.runs.length} seeds`, values: hi, color: '#8a93a6', width: 1 });
    }
    // cap the view at a few times the starting loss so the explosion does not flatten the curve
    const first = r.smoothed[0];
    const cap = (v) => (!Number.isFinite(v) || (Number.isFinite(first) && v > 4 * Math.abs(first) + 1e-12) ? null : v);
    const shown = series.map((s) => ({ ...s, values: Array.from(s.values, cap) }));
    chart.bands = several ? [[3, 2, 'rgba(138,147,166,0.22)']] : []; // the labels change with it, so setData rebuilds
    chart.yRange = lossRange(r.smoothed, several ? band(r)[0] : null);
    chart.setData(shown, Float64Array.from(r.lrs));
    chart.setMarks(RULE_NAMES.filter((k) => r.suggestions[k] > 0).map((k) => ({
      x: r.suggestions[k], label: k, color: RULE_COLORS[k],
      lo: r.spread?.[k]?.min, hi: r.spread?.[k]?.max,
    })));
    const last = r.lrs[r.lrs.length - 1];
    status.textContent = r.stopped === 'diverged'
      ? `Stopped at lr ${fmtValue(last)} after ${r.lrs.length} steps: the smoothed loss passed ${state.div} × its best value (diverged).`
      : `Ran all ${r.lrs.length} steps up to lr ${fmtValue(last)}; the smoothed loss stayed below ${state.div} × its best value.`;
    renderTable();
  }

  function renderTable() {
    const r = result;
    clear(table);
    const several = (r.runs?.length || 0) > 1;
    table.append(el('caption', {}, several ? `First seed, and the spread over ${r.runs.length} seeds` : 'Suggested learning rates'),
      el('tr', {}, [el('th', {}, ''), el('th', {}, 'rule'), el('th', {}, 'lr'),
        ...(several ? [el('th', {}, 'min'), el('th', {}, 'max'), el('th', {}, 'max/min')] : [])]));
    for (const k of RULE_NAMES) {
      const v = r.suggestions[k];
      const s = r.spread?.[k];
      const radio = el('input', { type: 'radio', name: 'lrf-pick', id: `lrf-pick-${k}`, value: k, 'aria-label': `use ${k}` });
      radio.checked = state.pick === k;
      radio.disabled = !(v > 0);
      radio.addEventListener('change', () => { state.pick = k; setState(state); pickValue(); });
      const cell = (x) => el('td', {}, x > 0 ? String(+x.toPrecision(3)) : '-');
      table.append(el('tr', { 'data-rule': k }, [el('td', {}, radio),
        el('th', { scope: 'row', style: `color:${RULE_COLORS[k]}` }, k), el('td', { class: 'lr', 'data-value': v > 0 ? String(v) : null }, v > 0 ? fmtValue(v) : 'none'),
        ...(several ? [cell(s?.min), cell(s?.max), el('td', {}, s?.min > 0 ? `×${(s.max / s.min).toPrecision(2)}` : '-')] : [])]));
    }
    pickValue();
  }

  function pickValue() {
    const v = result?.suggestions[state.pick];
    if (v > 0) customIn.value = String(+v.toPrecision(4));
    customIn.dispatchEvent(new Event('input'));
  }

  function resultJson() {
    if (!result) return null;
    const arr = (a) => Array.from(a);
    return { config: config(), options: rangeOptions(state), lrs: arr(result.lrs), losses: arr(result.losses), smoothed: arr(result.smoothed),
      suggestions: result.suggestions, stopped: result.stopped, spread: result.spread,
      runs: result.runs?.map((x) => ({ seed: x.seed, suggestions: x.suggestions, smoothed: arr(x.smoothed) })) };
  }

  sendLr.disabled = sendCycle.disabled = true;
  fill();
  refreshTask().then(run);
  window.steplabLrFinder = { chart }; // the hook the tests use
  return {
    setState(next) { state = next; fill(); refreshTask().then(run); },
  };
}
