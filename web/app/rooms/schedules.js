// Room 1, Schedules: one or more schedulers overlaid against epochs, every parameter a
// validated control built from the core's registry, presets that say what to notice (measured,
// ./schedules-claims.js) and comparisons, the rule as MathML, and the PyTorch code for the current
// settings. The schedulers step once per epoch (their lengths count epochs; steps per epoch only
// refine the per-step curve) or after every batch (their lengths count batches), as the Training
// room's scheduler_interval; ReduceLROnPlateau always once per epoch, with the validation loss.
import { LineChart, PALETTE, fmtValue, download, downloadText } from '../../shared/chart.js';
import { el, clear, select, button } from '../../shared/dom.js';
import { groupedChoices, starterFor } from '../../shared/choices.js';
import { SCHEDULE_TEXT, scheduleCode } from './schedules-text.js';
import { PRESETS, DEFAULT_METRIC } from './schedules-presets.js';
import { measureSchedules, metricLength } from './schedules-claims.js';
import { fillNotice, checkClaims, sameSettings } from './notice.js';
import { createNoticeBox, changedPreset } from './notice-box.js';

const LOG_SLIDERS = new Set(['lr', 'max_lr', 'base_lr', 'eta_min', 'min_lr', 'eps', 'threshold', 'div_factor', 'final_div_factor']);

// The URL-hash table of the room; curves are checked against the core's registry.
function props(reg) {
  return {
    curves: { type: 'json', def: PRESETS[0].curves,
      check: (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 6 && v.every((c) => c && typeof c === 'object' && !Array.isArray(c) && reg.has('schedulers', c.type))
        ? null : 'curves must be 1 to 6 scheduler specs with a known type') },
    epochs: { type: 'int', def: 90, min: 1, max: 100000 },
    spe: { type: 'int', def: 1, min: 1, max: 10000 },
    interval: { type: 'enum', def: 'epoch', choices: ['epoch', 'step'] },
    log: { type: 'bool', def: false },
    metric: { type: 'json', def: DEFAULT_METRIC, check: (v) => (typeof v === 'string' && v.length <= 300 ? null : 'metric must be a formula string') },
    focus: { type: 'int', def: 0, min: 0, max: 5 },
  };
}

const perEpoch = (state, spec) => state.interval === 'epoch' || spec.type === 'ReduceLROnPlateau';
const plateau = (curves) => curves.some((c) => c.type === 'ReduceLROnPlateau');
// The preset the settings are (step interval 'epoch'; the metric counts only where a curve watches it).
function matchPreset(state) {
  const key = (curves, epochs, interval, metric) => ({ curves, epochs, interval, metric: plateau(curves) ? metric : null });
  const mine = key(state.curves, state.epochs, state.interval, state.metric);
  return PRESETS.findIndex((p) => sameSettings(key(p.curves, p.epochs, 'epoch', DEFAULT_METRIC), mine));
}

// Curves from a link are checked by the core before they are shown.
async function validate(lab, values) {
  for (const spec of values.curves) {
    const options = spec.type === 'ReduceLROnPlateau' ? { metrics: [1] } : undefined;
    try {
      await lab.call('schedule', { spec, n: 2, options });
    } catch (e) {
      return [`curve '${spec.type}': ${e.message}`];
    }
  }
  return [];
}

export const schedulesRoom = { title: 'Schedules', props, validate, create: createSchedulesRoom };

function createSchedulesRoom({ root, lab, registry, getState, setState, notify }) {
  let state = getState();
  let generation = 0;
  let results = [];
  let lastPreset = -1; // the preset shown last, for "you changed its settings"

  const controls = el('section', { class: 'controls', 'aria-label': 'Schedule settings' });
  const main = el('section', { class: 'plots', 'aria-label': 'Learning-rate curves' });
  const side = el('section', { class: 'explain', 'aria-label': 'Explanation and PyTorch code' });
  clear(root);
  root.append(controls, main, side);

  // --- left: presets, budget, curves
  const presetSel = el('select', { id: 'sched-preset' }, [el('option', { value: '' }, 'Choose a preset...'),
    ...PRESETS.map((p, i) => el('option', { value: String(i) }, p.name))]);
  const presetWhen = el('p', { class: 'note', id: 'sched-preset-when' });
  const epochsIn = el('input', { id: 'sched-epochs', type: 'number', min: '1', max: '100000', step: '1' });
  const speIn = el('input', { id: 'sched-spe', type: 'number', min: '1', max: '10000', step: '1' });
  const intervalSel = el('select', { id: 'sched-interval' }, [el('option', { value: 'epoch' }, 'once per epoch'),
    el('option', { value: 'step' }, 'after every batch')]);
  const intervalNote = el('p', { class: 'note', id: 'sched-interval-note' });
  const budgetNote = el('p', { class: 'note' });
  const cards = el('div', { class: 'cards' });
  const addBtn = el('button', { type: 'button', id: 'sched-add' }, 'Add a scheduler');
  const metricIn = el('input', { id: 'sched-metric', type: 'text', spellcheck: 'false' });
  const metricErr = el('div', { class: 'field-error', role: 'alert' });
  const metricBox = el('div', { class: 'metric-box' }, [
    el('label', { for: 'sched-metric' }, 'Validation loss for ReduceLROnPlateau (formula in epoch)'), metricIn, metricErr]);
  controls.append(
    el('label', { for: 'sched-preset' }, 'Preset'), presetSel, presetWhen,
    el('div', { class: 'row' }, [el('label', { for: 'sched-epochs' }, 'Epochs'), epochsIn,
      el('label', { for: 'sched-spe' }, 'Steps per epoch'), speIn]),
    el('label', { for: 'sched-interval' }, 'The scheduler steps'), intervalSel, intervalNote, budgetNote,
    cards, addBtn, metricBox);

  // --- middle: chart, toolbar, read-out
  const logBox = el('input', { type: 'checkbox', id: 'sched-log' });
  const chartBox = el('div', { class: 'chart', id: 'sched-chart' });
  const readout = el('div', { class: 'readout', id: 'sched-readout', 'aria-live': 'polite' });
  const toolbar = el('div', { class: 'toolbar' }, [
    el('label', { class: 'inline' }, [logBox, ' log scale']),
    button('Reset zoom', () => chart.resetZoom()),
    button('PNG', () => download('steplab-schedules.png', chart.png())),
    button('CSV', () => downloadText('steplab-schedules.csv', chart.csv(), 'text/csv')),
    button('JSON', () => downloadText('steplab-schedules.json', chart.json(), 'application/json')),
  ]);
  const notice = createNoticeBox('sched');
  main.append(notice.node, toolbar, chartBox, readout);
  for (const n of [toolbar, chartBox]) n.classList.add('lead'); // on a phone, what to notice comes right under these
  const chart = new LineChart(chartBox, { xLabel: 'epoch', yLabel: 'learning rate' });
  chartBox.lineChart = chart; // for tests and scripts: the chart of the box

  // --- right: explanation, formula, PyTorch code
  const explainTitle = el('h2', { id: 'sched-side-title' });
  const explainText = el('p', {});
  const mathBox = el('div', { class: 'math' });
  const code = el('pre', { class: 'code', id: 'sched-code', tabindex: '0' });
  const copyBtn = button('Copy code', async () => {
    await navigator.clipboard?.writeText(code.textContent).catch(() => {});
    notify('PyTorch code copied.');
  });
  side.append(explainTitle, explainText, mathBox, el('h3', {}, 'PyTorch code'), code, copyBtn);

  // How many times the schedulers step: once per epoch, or once per batch.
  const steps = () => (state.interval === 'epoch' ? state.epochs : state.epochs * state.spe);

  function commit(render = true) {
    setState(state);
    if (render) renderCards(); else renderBudget();
    recompute();
  }

  // The interval's meaning in words, and the preset the settings are.
  function renderBudget() {
    intervalSel.value = state.interval;
    intervalNote.textContent = state.interval === 'epoch'
      ? `step_size, T_max, total_steps, milestones and the other lengths count epochs${state.spe > 1 ? `; the ${state.spe} steps of an epoch share its rate` : ''}.`
      : `step_size, T_max, total_steps, milestones and the other lengths count batches: 30 of them are ${fmtValue(30 / state.spe)} epochs at ${state.spe} steps per epoch. (ReduceLROnPlateau still steps once per epoch, with the validation loss.)`;
    const m = matchPreset(state);
    presetSel.value = m >= 0 ? String(m) : '';
    presetWhen.textContent = m >= 0 ? PRESETS[m].when : '';
  }

  // --- a card per curve, its fields built from the registry
  function renderCards() {
    clear(cards);
    state.curves.forEach((spec, i) => cards.append(card(spec, i)));
    addBtn.disabled = state.curves.length >= 6;
    metricBox.hidden = !state.curves.some((c) => c.type === 'ReduceLROnPlateau');
    epochsIn.value = String(state.epochs);
    speIn.value = String(state.spe);
    renderBudget();
    metricIn.value = state.metric;
    logBox.checked = state.log;
  }

  function card(spec, i) {
    const params = registry.params('schedulers', spec.type);
    const typeSel = select(`sched-type-${i}`, groupedChoices(registry, 'schedulers'), spec.type,
      { grouped: true, attrs: { 'aria-label': `Scheduler ${i + 1} type` } });
    typeSel.addEventListener('change', () => {
      state.curves[i] = starterFor(registry, typeSel.value, typeSel.value === 'ReduceLROnPlateau' ? state.epochs : steps());
      state.focus = i;
      commit();
    });
    const head = el('div', { class: 'card-head' }, [
      el('span', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}`, 'aria-hidden': 'true' }), typeSel,
      state.curves.length > 1 ? button('Remove', () => { state.curves.splice(i, 1); state.focus = 0; commit(); },
        { 'aria-label': `Remove scheduler ${i + 1}` }) : '']);
    const error = el('div', { class: 'field-error', id: `sched-error-${i}`, role: 'alert' });
    // the parameters the spec sets (and required ones) first, the rest folded away
    const main = params.filter((p) => p.required || spec[p.name] !== undefined);
    const more = params.filter((p) => !main.includes(p));
    const details = more.length ? el('details', { class: 'more' }, [el('summary', {}, `${more.length} more parameters (defaults)`),
      ...more.map((p) => field(spec, i, p))]) : '';
    const c = el('fieldset', { class: 'card', 'data-index': String(i) }, [
      el('legend', { class: 'sr-only' }, `Scheduler ${i + 1}: ${spec.type}`), head, ...main.map((p) => field(spec, i, p)), details, error]);
    c.addEventListener('focusin', () => { if (state.focus !== i) { state.focus = i; setState(state); renderSide(); } });
    return c;
  }

  function field(spec, i, p) {
    const id = `sched-${i}-${p.name}`;
    const has = spec[p.name] !== undefined;
    const value = has ? spec[p.name] : p.default;
    const label = el('label', { for: id, title: p.help }, [p.name, el('span', { class: 'help' }, ` ${p.help}`)]);
    const err = el('div', { class: 'field-error', 'data-field': p.name });
    const set = (v) => {
      if (v === undefined) delete state.curves[i][p.name];
      else state.curves[i][p.name] = v;
      state.focus = i;
      commit(false);
    };
    let input;
    if (p.kind === 'boolean') {
      input = el('input', { id, type: 'checkbox' });
      input.checked = !!value;
      input.addEventListener('change', () => set(input.checked));
      return el('div', { class: 'field' }, [el('label', { class: 'inline', title: p.help }, [input, ` ${p.name}`]), err]);
    }
    if (p.kind === 'enum') {
      const choices = p.choices.split('|');
      input = el('select', { id }, choices.map((c) => el('option', { value: c, selected: c === (has ? value : choices[0]) ? '' : null }, c)));
      input.addEventListener('change', () => set(input.value));
      return el('div', { class: 'field' }, [label, input, err]);
    }
    if (p.kind === 'string') {
      input = el('input', { id, type: 'text', spellcheck: 'false', value: has ? String(value) : '' });
      input.addEventListener('input', () => set(input.value));
      return el('div', { class: 'field' }, [label, input, err]);
    }
    if (p.kind === 'numbers' || p.kind === 'specs') {
      const text = has ? (p.kind === 'numbers' ? value.join(', ') : JSON.stringify(value, null, 1)) : '';
      input = el(p.kind === 'specs' ? 'textarea' : 'input', { id, spellcheck: 'false', rows: '5' });
      input.value = text;
      input.addEventListener('input', () => {
        err.textContent = '';
        if (p.kind === 'numbers') {
          const parts = input.value.split(',').map((s) => s.trim()).filter(Boolean);
          set(parts.map(Number));
        } else {
          try { set(JSON.parse(input.value)); } catch (e) { err.textContent = `${p.name} is not valid JSON: ${e.message}`; }
        }
      });
      return el('div', { class: 'field' }, [label, input, err]);
    }
    // numbers and integers: a number field, plus a slider where a range makes sense
    input = el('input', { id, type: 'number', step: p.kind === 'integer' ? '1' : 'any', value: value == null ? '' : String(value),
      placeholder: p.nullable ? 'none' : '' });
    const slider = sliderFor(p, value, i);
    input.addEventListener('input', () => {
      if (input.value.trim() === '') { set(p.nullable ? null : undefined); return; }
      const v = Number(input.value);
      set(v);
      if (slider) slider.sync(v);
    });
    if (slider) slider.onInput = (v) => { input.value = String(v); set(v); };
    return el('div', { class: 'field' }, [label, el('div', { class: 'row' }, [input, slider ? slider.node : '']), err]);
  }

  function sliderFor(p, value, i) {
    let lo = p.lo, hi = p.hi, log = LOG_SLIDERS.has(p.name);
    if (log) { lo = 1e-5; hi = p.name.includes('div') ? 1e6 : 1; }
    else if (p.kind === 'integer') { lo = Math.max(p.lo, 0); hi = Math.min(p.hi, Math.max(steps(), 10)); }
    else if (typeof lo !== 'number' || typeof hi !== 'number' || !(hi - lo < 1e6)) { lo = 0; hi = 2; }
    const node = el('input', { type: 'range', min: '0', max: '1000', step: '1', 'aria-label': `${p.name} slider (scheduler ${i + 1})` });
    const toPos = (v) => (log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo)) * 1000;
    const fromPos = (x) => {
      const f = x / 1000;
      let v = log ? 10 ** (Math.log10(lo) + f * (Math.log10(hi) - Math.log10(lo))) : lo + f * (hi - lo);
      v = p.kind === 'integer' ? Math.round(v) : +v.toPrecision(3);
      return v;
    };
    // the slider announces the value it stands for (lr 0.1), not its position (800 of 1000)
    const say = (v) => node.setAttribute('aria-valuetext', `${p.name} ${fmtValue(v)}`);
    const s = { node, onInput: null, sync: (v) => { if (Number.isFinite(v)) { node.value = String(Math.round(toPos(v))); say(v); } } };
    s.sync(typeof value === 'number' ? value : lo);
    node.addEventListener('input', () => { const v = fromPos(Number(node.value)); say(v); s.onInput?.(v); });
    return s;
  }

  // --- computing: every curve in the worker; stale answers are dropped
  async function recompute() {
    const gen = ++generation;
    const n = steps();
    let metrics = null;
    metricErr.textContent = '';
    if (plateau(state.curves)) {
      try {
        metrics = await lab.call('formula', { text: state.metric, n: metricLength(state.epochs) });
      } catch (e) {
        if (gen === generation) metricErr.textContent = e.message.replace(/^LambdaLR: lr_lambda/, 'The validation-loss formula');
      }
    }
    const out = await Promise.all(state.curves.map((spec) => {
      if (spec.type === 'ReduceLROnPlateau' && !metrics) return Promise.resolve({ error: null, values: null });
      return lab.call('schedule', { spec, n: perEpoch(state, spec) ? state.epochs : n, options: spec.type === 'ReduceLROnPlateau' ? { metrics } : undefined })
        .then((values) => ({ values }), (error) => ({ error }));
    }));
    if (gen !== generation) return;
    out.forEach((r, i) => {
      const c = cards.querySelector(`fieldset[data-index="${i}"]`);
      if (!c) return;
      c.querySelectorAll('.field-error').forEach((e) => { if (e.dataset.field) e.textContent = ''; });
      const box = c.querySelector(`#sched-error-${i}`);
      box.textContent = '';
      if (r.error) {
        const f = r.error.field && c.querySelector(`.field-error[data-field="${cssEscape(r.error.field.split(/[[.]/)[0])}"]`);
        (f || box).textContent = r.error.message;
        c.classList.add('invalid');
      } else {
        c.classList.remove('invalid');
      }
      // keep the last good curve on screen while a field is being fixed
      if (r.values) results[i] = { label: label(state.curves[i], i), values: perStep(r.values, perEpoch(state, state.curves[i])), color: PALETTE[i % PALETTE.length] };
    });
    results = results.slice(0, state.curves.length);
    const shown = results.filter(Boolean);
    const total = state.epochs * state.spe;
    if (shown.length) chart.setData(shown, Float64Array.from({ length: total }, (_, s) => s / state.spe));
    renderReadout(shown);
    renderSide();
    document.body.dataset.schedulesGeneration = String(gen);
    updateNotice(gen);
  }

  // The rate at every step (batch) of the run: a per-epoch curve holds each epoch's value for its steps.
  function perStep(values, epochly) {
    if (!epochly || state.spe === 1) return values;
    const out = new Float64Array(values.length * state.spe);
    for (let e = 0; e < values.length; e++) out.fill(values[e], e * state.spe, (e + 1) * state.spe);
    return out;
  }

  function label(spec, i) {
    return `${i + 1}: ${spec.type}`;
  }

  function renderReadout(shown) {
    clear(readout);
    const n = state.epochs * state.spe;
    readout.append(el('p', {}, `${n} steps (${state.epochs} epochs × ${state.spe} steps per epoch); the schedulers step ${state.interval === 'epoch'
      ? `once per epoch, ${state.epochs} times` : `after every batch, ${n} times${plateau(state.curves) ? ' (ReduceLROnPlateau once per epoch)' : ''}`}.`));
    const list = el('ul', {});
    for (const s of shown) {
      let min = Infinity, max = -Infinity;
      for (const v of s.values) { if (v < min) min = v; if (v > max) max = v; }
      list.append(el('li', {}, `${s.label}: first ${fmtValue(s.values[0])}, last ${fmtValue(s.values[s.values.length - 1])}, min ${fmtValue(min)}, max ${fmtValue(max)}`));
    }
    readout.append(list);
  }

  // What to notice: the preset on screen, measured from the core's curves.
  async function updateNotice(gen) {
    const i = matchPreset(state);
    if (i < 0) {
      if (lastPreset >= 0) notice.changed(changedPreset(PRESETS[lastPreset].name), () => openPreset(lastPreset)); else notice.hide();
      return;
    }
    lastPreset = i;
    const p = PRESETS[i];
    notice.measuring(i);
    const run = { schedule: (spec, n, options) => lab.call('schedule', { spec, n, options }), formula: (text, n) => lab.call('formula', { text, n }) };
    try {
      const values = await measureSchedules(p, run, state.metric);
      if (gen === generation) notice.show(i, fillNotice(p.notice, values), checkClaims(p.claims, values));
    } catch (e) {
      if (gen === generation) notice.failed(e.message);
    }
    if (gen === generation) document.body.dataset.schedulesNotice = String(gen);
  }

  function renderSide() {
    const spec = state.curves[Math.min(state.focus, state.curves.length - 1)];
    // the room's prose where it has some, else the core's one-line summary
    const [text, mathml] = Object.hasOwn(SCHEDULE_TEXT, spec.type) ? SCHEDULE_TEXT[spec.type] : [registry.summary('schedulers', spec.type), ''];
    explainTitle.textContent = spec.type;
    explainText.textContent = text;
    mathBox.innerHTML = mathml; // the project's own MathML constants, never data from outside
    code.textContent = scheduleCode(spec, { epochs: state.epochs, spe: state.spe, interval: perEpoch(state, spec) ? 'epoch' : 'step' });
  }

  // --- wiring of the shared controls
  function openPreset(i) {
    const p = PRESETS[i];
    if (!p) return;
    state.curves = structuredClone(p.curves);
    state.epochs = p.epochs;
    state.spe = 1;
    state.interval = 'epoch';
    state.focus = 0;
    if (plateau(p.curves)) state.metric = DEFAULT_METRIC;
    commit();
  }
  presetSel.addEventListener('change', () => { if (presetSel.value !== '') { lastPreset = -1; openPreset(Number(presetSel.value)); } });
  const budget = () => {
    const e = Number(epochsIn.value), s = Number(speIn.value);
    budgetNote.textContent = '';
    if (!Number.isInteger(e) || e < 1 || e > 100000) { budgetNote.textContent = 'Epochs must be a whole number from 1 to 100000.'; return; }
    if (!Number.isInteger(s) || s < 1 || s > 10000) { budgetNote.textContent = 'Steps per epoch must be a whole number from 1 to 10000.'; return; }
    if (e * s > 1e6) { budgetNote.textContent = 'At most 1 000 000 steps in this room.'; return; }
    state.epochs = e;
    state.spe = s;
    renderBudget();
    commit(false);
  };
  epochsIn.addEventListener('input', budget);
  speIn.addEventListener('input', budget);
  intervalSel.addEventListener('change', () => { state.interval = intervalSel.value; renderBudget(); commit(false); });
  metricIn.addEventListener('input', () => { state.metric = metricIn.value; commit(false); });
  logBox.addEventListener('change', () => { state.log = logBox.checked; chart.setLog(state.log); setState(state); });
  addBtn.addEventListener('click', () => {
    if (state.curves.length >= 6) return;
    state.curves.push(starterFor(registry, registry.has('schedulers', 'CosineAnnealingLR') ? 'CosineAnnealingLR' : registry.names('schedulers')[0], steps()));
    state.focus = state.curves.length - 1;
    commit();
    cards.querySelector(`#sched-type-${state.focus}`)?.focus();
  });

  chart.log = state.log;
  renderCards();
  recompute();
  return {
    setState(next) { state = next; lastPreset = -1; renderCards(); chart.setLog(state.log); recompute(); },
  };
}

function cssEscape(s) {
  return String(s).replace(/[^\w-]/g, '\\$&');
}
