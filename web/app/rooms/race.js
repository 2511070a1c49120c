// Room 2, Optimizers: a race on a 2-D loss landscape. Every optimizer's whole
// path is computed by the core in the worker; the page animates it step by
// step over the landscape (axes, colour scale, the minima; web/shared/landscape.js),
// next to the loss-vs-step chart (log scale), with what to notice in a preset
// (./race-notice.js) and one optimizer's internals (gradient, update, effective step).
import { LineChart, PALETTE, fmtValue, download, downloadText } from '../../shared/chart.js';
import { raceSwatsMarks } from './train-groups.js';
import { renderHeatmap } from '../../shared/heatmap.js';
import { drawLandscape, landscapeFrame, dashOf, MARKER_NAMES, trailTable } from '../../shared/landscape.js';
import { dataTable } from '../../shared/data-table.js';
import { el, clear, select, button as btn } from '../../shared/dom.js';
import { groupedChoices } from '../../shared/choices.js';
import { ruleFields, RULE_PARAMS } from '../../shared/rule-editor.js';
import { RACE_TEXT, raceCode, racerNames } from './race-text.js';
import { PRESETS, SCHEDULES } from './race-presets.js';
import { createNotice, matchPreset } from './race-notice.js';

// PyTorch lets LBFGS take up to max_iter inner iterations per step (and the core allows 1e6, as PyTorch
// does); the race keeps each step cheap enough to animate.
const LBFGS_MAX_ITER = 100;
function lbfgsBudget(opts) {
  const bad = opts.find((o) => o.type === 'LBFGS' && ((o.max_iter ?? 20) > LBFGS_MAX_ITER || (o.max_eval ?? 0) > LBFGS_MAX_ITER * 1.25));
  return bad ? `LBFGS: max_iter must be at most ${LBFGS_MAX_ITER} in the race (max_eval at most ${LBFGS_MAX_ITER * 1.25})` : null;
}

const finite2 = (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 1e6);
// The room's state: every control (the preset menu follows from the settings; `at` is the step
// shown). Surfaces and optimizers are the core's registry's.
function props(reg) {
  return {
    fn: { type: 'enum', def: PRESETS[0].fn, choices: reg.names('surfaces') },
    fnp: { type: 'json', def: PRESETS[0].fnp, check: (v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'number') ? null : 'fnp must be an object of numbers') },
    start: { type: 'json', def: PRESETS[0].start, check: (v) => (finite2(v) ? null : 'start must be two finite numbers') },
    steps: { type: 'int', def: PRESETS[0].steps, min: 1, max: 2000 },
    noise: { type: 'num', def: 0, min: 0, max: 1000 },
    seed: { type: 'int', def: 1, min: 0, max: 1e9 },
    opts: { type: 'json', def: PRESETS[0].opts, check: (v) => (Array.isArray(v) && v.length >= 1 && v.length <= 6 && v.every((o) => o && typeof o === 'object' && !Array.isArray(o) && reg.has('optimizers', o.type)) ? lbfgsBudget(v) : 'opts must be 1 to 6 optimizer specs with a known type') },
    focus: { type: 'int', def: 0, min: 0, max: 5 },
    speed: { type: 'int', def: 40, min: 1, max: 1000 },
    log: { type: 'bool', def: true },
    at: { type: 'int', def: 0, min: 0, max: 2000 },
  };
}

// Optimizers and surface parameters from a link are checked by the core too.
async function validate(lab, values) {
  try {
    await lab.call('landscape', { fn: values.fn, fn_params: values.fnp, x: [0, 1], y: [0, 1], nx: 2, ny: 2 });
  } catch (e) {
    return [`surface: ${e.message}`];
  }
  const res = await lab.call('race', { fn: values.fn, fn_params: values.fnp, start: values.start, steps: 1, noise: values.noise, seed: values.seed, optimizers: values.opts });
  const bad = res.find((r) => r.error);
  return bad ? [`optimizer: ${bad.error.message}`] : [];
}

export const raceRoom = { title: 'Optimizers', props, validate, create: createRaceRoom };

const NX = 240;
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

function createRaceRoom({ root, lab, registry, getState, setState, notify }) {
  let state = getState();
  let view = registry.view(state.fn); // the surface's box and start point (the core's registry)
  let traces = [];
  let heat = null;
  let minima = []; // the registry's minima that are minima of the surface with these parameters
  let k = 0;
  let playing = false;
  let gen = 0;
  let lastFrame = 0;
  let gradAt = null;
  let frame = null;
  const frameTimes = [];

  const controls = el('section', { class: 'controls', 'aria-label': 'Race settings' });
  const main = el('section', { class: 'plots', 'aria-label': 'Loss landscape and race' });
  const side = el('section', { class: 'explain', 'aria-label': 'Explanation and PyTorch code' });
  clear(root);
  root.append(controls, main, side);

  // --- controls
  const presetSel = el('select', { id: 'race-preset' }, [el('option', { value: '' }, 'Your own race (or choose one...)'), ...PRESETS.map((p, i) => el('option', { value: String(i) }, p.name))]);
  const fnSel = select('race-fn', groupedChoices(registry, 'surfaces'), undefined, { grouped: true });
  const fnParams = el('div', {});
  const fnNote = el('p', { class: 'note' });
  const sx = el('input', { id: 'race-x0', type: 'number', step: 'any' });
  const sy = el('input', { id: 'race-y0', type: 'number', step: 'any' });
  const stepsIn = el('input', { id: 'race-steps', type: 'number', min: '1', max: '2000', step: '1' });
  const noiseIn = el('input', { id: 'race-noise', type: 'number', min: '0', step: 'any' });
  const seedIn = el('input', { id: 'race-seed', type: 'number', min: '0', step: '1' });
  const settingsErr = el('div', { class: 'field-error', role: 'alert' });
  const cards = el('div', { class: 'cards' });
  const addBtn = btn('Add an optimizer', () => {
    if (state.opts.length >= 6) return;
    state.opts.push(registry.starter('optimizers', registry.has('optimizers', 'Adam') ? 'Adam' : registry.names('optimizers')[0]));
    state.focus = state.opts.length - 1;
    commit(true);
    cards.querySelector(`#race-type-${state.focus}`)?.focus();
  }, { id: 'race-add' });
  controls.append(el('label', { for: 'race-preset' }, 'Preset'), presetSel,
    el('label', { for: 'race-fn' }, 'Surface'), fnSel, fnNote, fnParams,
    el('div', { class: 'row' }, [el('label', { for: 'race-x0' }, 'start x'), sx, el('label', { for: 'race-y0' }, 'y'), sy]),
    el('p', { class: 'note' }, 'Or click the landscape to move the start.'),
    el('div', { class: 'row' }, [el('label', { for: 'race-steps' }, 'steps'), stepsIn]),
    el('div', { class: 'row' }, [el('label', { for: 'race-noise' }, 'gradient noise σ'), noiseIn, el('label', { for: 'race-seed' }, 'seed'), seedIn]),
    settingsErr, cards, addBtn);

  // --- what to notice, landscape, playback, status, loss chart
  const notice = createNotice({ lab, onBack: (i) => openPreset(i) });
  const canvas = el('canvas', { id: 'race-canvas', class: 'landscape', tabindex: '0', role: 'img', 'aria-label': 'loss landscape with the optimizers\' paths' });
  const playBtn = btn('Play', () => (playing ? pause() : play()), { id: 'race-play' });
  const speedIn = el('input', { id: 'race-speed', type: 'range', min: '1', max: '400', step: '1', 'aria-label': 'speed in steps per second' });
  const counter = el('span', { id: 'race-step', 'aria-live': 'off' });
  const key = el('p', { id: 'race-key', class: 'note' });
  const trailBox = dataTable(() => trailTable(traces, racerNames(state.opts), k)); // the landscape's numbers
  trailBox.id = 'race-table';
  const status = el('ul', { id: 'race-status', class: 'status', 'aria-live': 'polite' });
  const internals = el('div', { id: 'race-internals', class: 'readout' });
  const logBox = el('input', { type: 'checkbox', id: 'race-log' });
  const chartBox = el('div', { class: 'chart', id: 'race-chart' });
  const playback = el('div', { class: 'toolbar' }, [playBtn, btn('Step', () => { pause(); setStep(k + 1); }, { id: 'race-stepbtn' }),
    btn('Reset', () => { pause(); setStep(0); }, { id: 'race-reset' }), el('label', { class: 'inline' }, ['speed ', speedIn]), counter]);
  main.append(notice.node, canvas, key, trailBox, playback, status,
  el('div', { class: 'toolbar' }, [el('label', { class: 'inline' }, [logBox, ' log scale']),
    btn('PNG', () => download('steplab-race-loss.png', chart.png())),
    btn('Landscape PNG', () => download('steplab-race.png', canvas.toDataURL('image/png'))),
    btn('CSV', () => downloadText('steplab-race.csv', chart.csv(), 'text/csv')),
    btn('JSON', () => downloadText('steplab-race.json', JSON.stringify({ state, traces: traces.map(plainTrace) }), 'application/json'))]),
  chartBox, internals);
  for (const n of [canvas, key, trailBox, playback, status]) n.classList.add('lead'); // on a phone, what to notice comes right under these
  const chart = new LineChart(chartBox, { xLabel: 'step', yLabel: 'loss', height: 220 });
  chartBox.lineChart = chart; // for tests and scripts: the chart of the box

  // --- explanation and code
  const title = el('h2', {});
  const text = el('p', {});
  const math = el('div', { class: 'math' });
  const code = el('pre', { class: 'code', id: 'race-code', tabindex: '0' });
  side.append(title, text, math, el('h3', {}, 'PyTorch code'), el('p', { class: 'note' }, 'The whole race: every optimizer from the same start, each one\'s loss printed at the end.'), code,
    btn('Copy code', () => navigator.clipboard?.writeText(code.textContent).then(() => notify('PyTorch code copied.'), () => {})));

  function plainTrace(t) {
    return t.error ? { error: t.error.message } : { x: Array.from(t.x), y: Array.from(t.y), loss: Array.from(t.loss), lr: Array.from(t.lr), diverged: t.diverged, stopped_at: t.stopped_at };
  }

  function commit(rebuild = false) {
    setState(state);
    if (rebuild) renderControls();
    presetSel.value = String(matchPreset(state) >= 0 ? matchPreset(state) : '');
    recompute();
  }

  // --- optimizer cards from the registry
  function renderControls() {
    presetSel.value = String(matchPreset(state) >= 0 ? matchPreset(state) : '');
    fnSel.value = state.fn;
    fnNote.textContent = registry.summary('surfaces', state.fn);
    clear(fnParams);
    for (const p of registry.params('surfaces', state.fn)) {
      const id = `race-fnp-${p.name}`;
      const input = el('input', { id, type: 'number', step: 'any', value: String(state.fnp[p.name] ?? p.default) });
      input.addEventListener('input', () => { if (input.value.trim() !== '') { state.fnp[p.name] = Number(input.value); commit(); } });
      fnParams.append(el('div', { class: 'row' }, [el('label', { for: id, title: p.help }, `${p.name} `), input, el('span', { class: 'note' }, p.help)]));
    }
    sx.value = String(state.start[0]);
    sy.value = String(state.start[1]);
    stepsIn.value = String(state.steps);
    noiseIn.value = String(state.noise);
    seedIn.value = String(state.seed);
    speedIn.value = String(state.speed);
    speedIn.setAttribute('aria-valuetext', `${state.speed} steps per second`);
    logBox.checked = state.log;
    clear(cards);
    state.opts.forEach((spec, i) => cards.append(card(spec, i)));
    addBtn.disabled = state.opts.length >= 6;
  }

  function card(spec, i) {
    const params = registry.params('optimizers', spec.type);
    const typeSel = select(`race-type-${i}`, groupedChoices(registry, 'optimizers'), spec.type, { grouped: true, attrs: { 'aria-label': `Optimizer ${i + 1}` } });
    typeSel.addEventListener('change', () => { state.opts[i] = registry.starter('optimizers', typeSel.value); state.focus = i; commit(true); });
    const focusBox = el('input', { type: 'radio', name: 'race-focus', id: `race-focus-${i}`, 'aria-label': `Show the internals of optimizer ${i + 1}` });
    focusBox.checked = state.focus === i;
    focusBox.addEventListener('change', () => { state.focus = i; setState(state); renderSide(); draw(); });
    const head = el('div', { class: 'card-head' }, [el('span', { class: 'mark', style: `color:${PALETTE[i % PALETTE.length]}`, 'aria-hidden': 'true' }, MARKER_NAMES[i]),
      typeSel, focusBox, state.opts.length > 1 ? btn('Remove', () => { state.opts.splice(i, 1); state.focus = 0; commit(true); }, { 'aria-label': `Remove optimizer ${i + 1}` }) : '']);
    const err = el('div', { class: 'field-error', id: `race-error-${i}`, role: 'alert' });
    // your own rule (Custom): lr as a field, the rule, hyper and state in the shared editor
    const own = (p) => spec.type === 'Custom' && RULE_PARAMS.includes(p.name);
    const shown = params.filter((p) => (p.name === 'lr' || spec[p.name] !== undefined) && !own(p));
    const more = params.filter((p) => !shown.includes(p) && !own(p));
    const sched = el('select', { id: `race-sched-${i}` }, Object.keys(SCHEDULES).map((s) => el('option', { value: s }, s === 'none' ? 'no schedule' : `${s} schedule`)));
    sched.value = spec.scheduler ? ({ StepLR: 'step', CosineAnnealingLR: 'cosine', ExponentialLR: 'exponential' }[spec.scheduler.type] || 'none') : 'none';
    sched.addEventListener('change', () => {
      const make = SCHEDULES[sched.value];
      if (make) state.opts[i].scheduler = make(state.steps);
      else delete state.opts[i].scheduler;
      commit();
    });
    return el('fieldset', { class: 'card', 'data-index': String(i) }, [el('legend', { class: 'sr-only' }, `Optimizer ${i + 1}: ${spec.type}`), head,
      ...shown.map((p) => field(spec, i, p)), spec.type === 'Custom' ? ruleFields(`race-${i}`, spec, () => commit()) : '',
      more.length ? el('details', { class: 'more' }, [el('summary', {}, `${more.length} more parameters`), ...more.map((p) => field(spec, i, p))]) : '',
      el('label', { for: `race-sched-${i}`, class: 'sr-only' }, 'learning-rate schedule'), sched, err]);
  }

  function field(spec, i, p) {
    const id = `race-${i}-${p.name}`;
    const has = spec[p.name] !== undefined;
    const set = (v) => { if (v === undefined) delete state.opts[i][p.name]; else state.opts[i][p.name] = v; commit(); };
    const label = el('label', { for: id, title: p.help }, [p.name, el('span', { class: 'help' }, ` ${p.help}`)]);
    let input;
    if (p.kind === 'boolean') {
      input = el('input', { id, type: 'checkbox' });
      input.checked = has ? !!spec[p.name] : !!p.default;
      input.addEventListener('change', () => set(input.checked));
      return el('div', { class: 'field' }, [el('label', { class: 'inline', title: p.help }, [input, ` ${p.name}`])]);
    }
    if (p.kind === 'enum') {
      const choices = [...(p.nullable ? ['(none)'] : []), ...p.choices.split('|')];
      input = el('select', { id }, choices.map((c) => el('option', { value: c }, c)));
      input.value = has && spec[p.name] !== null ? spec[p.name] : choices[0];
      input.addEventListener('change', () => set(input.value === '(none)' ? null : input.value));
    } else if (p.kind === 'numbers') {
      input = el('input', { id, type: 'text', spellcheck: 'false', placeholder: 'default', value: has ? spec[p.name].join(', ') : '' });
      input.addEventListener('input', () => {
        const parts = input.value.split(',').map((s) => s.trim()).filter(Boolean);
        set(parts.length ? parts.map(Number) : undefined);
      });
    } else {
      input = el('input', { id, type: 'number', step: 'any', value: has && spec[p.name] !== null ? String(spec[p.name]) : (p.default == null ? '' : String(p.default)) });
      input.addEventListener('input', () => set(input.value.trim() === '' ? undefined : Number(input.value)));
    }
    return el('div', { class: 'field' }, [label, input]);
  }

  // --- computing
  async function recompute() {
    const g = ++gen;
    view = registry.view(state.fn);
    settingsErr.textContent = '';
    const budget = lbfgsBudget(state.opts);
    if (budget) {
      settingsErr.textContent = budget;
      return;
    }
    let land, res, mins;
    try {
      const fresh = !(heat && heat.key === heatKey());
      [land, res, mins] = await Promise.all([
        fresh ? lab.call('landscape', { fn: state.fn, fn_params: state.fnp, x: view.x, y: view.y, nx: NX, ny: NX }) : null,
        lab.call('race', { fn: state.fn, fn_params: state.fnp, start: state.start, steps: state.steps, noise: state.noise, seed: state.seed, optimizers: state.opts }),
        fresh ? stationaryMinima() : minima,
      ]);
    } catch (e) {
      if (g === gen) settingsErr.textContent = e.message;
      return;
    }
    if (g !== gen) return;
    if (land) heat = { key: heatKey(), ...renderHeatmap(land, NX, NX) };
    minima = mins;
    traces = res;
    traces.forEach((t, i) => {
      const box = cards.querySelector(`#race-error-${i}`);
      if (box) box.textContent = t.error ? t.error.message : '';
      cards.querySelector(`fieldset[data-index="${i}"]`)?.classList.toggle('invalid', !!t.error);
    });
    k = Math.min(playing ? k : state.at, state.steps);
    renderSide();
    draw();
    document.body.dataset.raceGeneration = String(g);
    notice.update(state, traces).then(() => { if (g === gen) document.body.dataset.raceNotice = String(g); });
  }

  const heatKey = () => JSON.stringify([state.fn, state.fnp]);

  // The core's registry gives each surface's global minima for its default parameters; a marker is
  // drawn only where the gradient with the parameters on screen still vanishes.
  async function stationaryMinima() {
    const rows = registry.get('surfaces', state.fn)?.minima;
    if (!Array.isArray(rows)) return [];
    const checked = await Promise.all(rows.filter((m) => finite(m?.x) && finite(m?.y)).map((m) =>
      lab.call('gradient', { fn: state.fn, fn_params: state.fnp, at: [m.x, m.y] }).then((g) => (Math.hypot(g[0], g[1]) < 1e-3 ? m : null), () => null)));
    return checked.filter(Boolean);
  }

  function setStep(next) {
    k = Math.max(0, Math.min(state.steps, Math.round(next)));
    if (!playing && state.at !== k) { state.at = k; setState(state); }
    draw();
  }

  function play() {
    if (k >= state.steps) k = 0;
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) { setStep(state.steps); return; }
    playing = true;
    playBtn.textContent = 'Pause';
    lastFrame = null; // the first frame's time: rAF times can precede performance.now() at the call
    let acc = k;
    const tick = (now) => {
      if (!playing) return;
      // another room's tab was opened: this room stays alive but hidden, so the race stops drawing
      if (root.closest('[hidden]')) { pause(); return; }
      if (lastFrame === null) lastFrame = now;
      frameTimes.push(now - lastFrame);
      if (frameTimes.length > 600) frameTimes.shift();
      acc += ((now - lastFrame) / 1000) * state.speed;
      lastFrame = now;
      const t0 = performance.now();
      setStep(acc);
      document.body.dataset.raceDrawMs = String(performance.now() - t0);
      if (k >= state.steps) { pause(); return; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  function pause() {
    if (playing) { playing = false; state.at = k; setState(state); }
    playBtn.textContent = 'Play';
  }

  function draw() {
    counter.textContent = `step ${k} / ${state.steps}`;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(document.documentElement);
    frame = drawLandscape(g, { w, h, view, heat, minima, start: state.start, traces, upto: k, focus: state.focus, colours: PALETTE,
      fg: css.getPropertyValue('--fg').trim() || '#222', bg: css.getPropertyValue('--bg').trim() || '#fff' });
    key.textContent = minima.length === 1 ? `★ the minimum: loss ${fmtValue(minima[0].value)} at (${fmtValue(minima[0].x)}, ${fmtValue(minima[0].y)}); ○ the start`
      : minima.length > 1 ? `★ the ${minima.length} global minima, loss ${fmtValue(minima[0].value)}; ○ the start`
        : `○ the start (${registry.get('surfaces', state.fn)?.minima?.length === 0 ? 'this surface has no minimum' : 'no minimum known for these parameters'})`;
    trailBox.refresh();
    const names = racerNames(state.opts);
    clear(status);
    traces.forEach((t, i) => {
      const colour = PALETTE[i % PALETTE.length];
      const mark = el('span', { class: 'mark', 'aria-hidden': 'true', style: `color:${colour}` }, `${MARKER_NAMES[i]} `);
      const line = (s) => status.append(el('li', { style: `border-left: 4px ${dashOf(i).length ? 'dashed' : 'solid'} ${colour}` }, [mark, s]));
      if (t.error) { line(`${names[i]}: not run (${t.error.message})`); return; }
      const upto = Math.min(k, t.x.length - 1);
      const diverged = t.diverged && k >= t.x.length - 1;
      const where = `(${fmtValue(t.x[upto])}, ${fmtValue(t.y[upto])})`;
      line(diverged
        ? `${names[i]}: diverged at step ${t.stopped_at}; last finite loss ${fmtValue(t.loss[t.x.length - 1])}`
        : `${names[i]}: loss ${fmtValue(t.loss[upto])} at ${where}, lr ${fmtValue(t.lr[Math.min(upto, t.lr.length - 1)])}`);
    });
    drawInternals(g, names);
    // loss chart up to the current step, each racer in its colour and dash
    const series = traces.map((t, i) => {
      const values = new Array(state.steps + 1).fill(null);
      if (!t.error) for (let s = 0; s <= Math.min(k, t.loss.length - 1); s++) values[s] = t.loss[s];
      return { label: names[i], values, color: PALETTE[i % PALETTE.length], dash: dashOf(i).length ? dashOf(i) : undefined };
    });
    chart.marks = raceSwatsMarks(traces, names).filter((m) => m.x <= k); // SWATS: where each turned to SGD, drawn with the data
    chart.setData(series, Float64Array.from({ length: state.steps + 1 }, (_, s) => s));
  }

  // The focused optimizer at its current point: gradient (read off a plain SGD step), update, effective step.
  function drawInternals(g, names) {
    const t = traces[state.focus];
    clear(internals);
    if (!t || t.error || !frame) return;
    const upto = Math.min(k, t.x.length - 1);
    const at = [t.x[upto], t.y[upto]];
    const who = `${names[state.focus]} (optimizer ${state.focus + 1})`;
    if (t.diverged && k >= t.x.length - 1) {
      internals.append(el('p', {}, `${who} diverged at step ${t.stopped_at}: its last finite point was (${fmtValue(at[0])}, ${fmtValue(at[1])}) with loss ${fmtValue(t.loss[upto])}. Past it the loss, the gradient and the update are no longer finite numbers, so there is no step to show.`));
      return;
    }
    const key = `${gen}:${state.focus}:${upto}`;
    if (!gradAt || gradAt.key !== key) {
      gradAt = { key, grad: null };
      lab.call('gradient', { fn: state.fn, fn_params: state.fnp, at }).then((grad) => {
        if (gradAt.key === key) { gradAt.grad = grad; draw(); }
      }, () => {});
    }
    const [px, py] = frame.toPx(at[0], at[1]);
    const next = upto + 1 < t.x.length ? [t.x[upto + 1] - at[0], t.y[upto + 1] - at[1]] : null;
    const arrow = (dx, dy, colour, label) => {
      const len = Math.hypot(dx, dy);
      if (!(len > 0) || !Number.isFinite(len)) return;
      const L = 40;
      const ex = px + (dx / len) * L, ey = py - (dy / len) * L;
      g.strokeStyle = colour; g.fillStyle = colour; g.lineWidth = 2.5;
      g.beginPath(); g.moveTo(px, py); g.lineTo(ex, ey); g.stroke();
      const a = Math.atan2(ey - py, ex - px);
      g.beginPath(); g.moveTo(ex, ey); g.lineTo(ex - 9 * Math.cos(a - 0.4), ey - 9 * Math.sin(a - 0.4)); g.lineTo(ex - 9 * Math.cos(a + 0.4), ey - 9 * Math.sin(a + 0.4)); g.fill();
      g.font = '12px system-ui, sans-serif';
      g.fillText(label, ex + 4, ey - 4);
    };
    const lines = [`${who} at step ${upto}:`];
    const grad = gradAt.grad && gradAt.grad.every(finite) ? gradAt.grad : null;
    if (grad) {
      const [gx, gy] = grad;
      arrow(-gx, -gy, '#ffffff', '−∇');
      lines.push(`gradient ∇ = (${fmtValue(gx)}, ${fmtValue(gy)})`);
      if (next && next.every(finite)) {
        const eff = (d, gr) => (gr === 0 ? 'none (zero gradient)' : fmtValue(d / -gr));
        lines.push(`update Δ = (${fmtValue(next[0])}, ${fmtValue(next[1])})`);
        lines.push(`effective step per coordinate Δ/(−∇) = (${eff(next[0], gx)}, ${eff(next[1], gy)}); plain SGD would give lr = ${fmtValue(t.lr[upto])}`);
      }
    }
    if (next && next.every(finite)) arrow(next[0], next[1], '#E69F00', 'Δ');
    for (const l of lines) internals.append(el('p', {}, l));
  }

  function renderSide() {
    const spec = state.opts[Math.min(state.focus, state.opts.length - 1)];
    // the room's prose where it has some, else the core's one-line summary
    const [t, m] = Object.hasOwn(RACE_TEXT, spec.type) ? RACE_TEXT[spec.type] : [registry.summary('optimizers', spec.type), ''];
    title.textContent = spec.type;
    text.textContent = t;
    math.innerHTML = m; // the project's own MathML constants
    code.textContent = raceCode(state, registry.summary('surfaces', state.fn));
  }

  // --- wiring
  function openPreset(i) {
    const p = PRESETS[i];
    if (!p) return;
    Object.assign(state, { fn: p.fn, fnp: structuredClone(p.fnp), start: [...p.start], steps: p.steps, noise: p.noise || 0, seed: p.seed ?? 1,
      opts: structuredClone(p.opts), focus: 0, at: 0 });
    k = 0;
    pause();
    commit(true);
  }
  presetSel.addEventListener('change', () => { if (presetSel.value !== '') { notice.reset(); openPreset(Number(presetSel.value)); } });
  fnSel.addEventListener('change', () => {
    state.fn = fnSel.value;
    state.fnp = {};
    state.start = registry.view(state.fn).start;
    k = 0;
    state.at = 0;
    commit(true);
  });
  const num = (input, apply) => input.addEventListener('input', () => {
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(v)) return;
    if (apply(v) !== false) commit();
  });
  num(sx, (v) => { state.start = [v, state.start[1]]; k = 0; state.at = 0; });
  num(sy, (v) => { state.start = [state.start[0], v]; k = 0; state.at = 0; });
  num(stepsIn, (v) => {
    if (!Number.isInteger(v) || v < 1 || v > 2000) { settingsErr.textContent = 'steps must be a whole number from 1 to 2000'; return false; }
    state.steps = v;
  });
  num(noiseIn, (v) => { if (v < 0) return false; state.noise = v; });
  num(seedIn, (v) => { if (!Number.isInteger(v) || v < 0) return false; state.seed = v; });
  speedIn.addEventListener('input', () => {
    state.speed = Number(speedIn.value);
    speedIn.setAttribute('aria-valuetext', `${state.speed} steps per second`);
    setState(state);
  });
  logBox.addEventListener('change', () => { state.log = logBox.checked; chart.setLog(state.log); setState(state); });
  canvas.addEventListener('click', (ev) => {
    const r = canvas.getBoundingClientRect();
    const f = landscapeFrame(r.width, r.height, view);
    const px = ev.clientX - r.left, py = ev.clientY - r.top;
    if (!f.inside(px, py)) return;
    const [x, y] = f.toWorld(px, py);
    state.start = [+x.toPrecision(4), +y.toPrecision(4)];
    sx.value = String(state.start[0]);
    sy.value = String(state.start[1]);
    k = 0;
    state.at = 0;
    commit();
  });
  canvas.addEventListener('keydown', (ev) => {
    if (ev.key === ' ' || ev.key === 'Enter') { ev.preventDefault(); if (playing) pause(); else play(); }
    if (ev.key === 'ArrowRight') { ev.preventDefault(); pause(); setStep(k + 1); }
    if (ev.key === 'ArrowLeft') { ev.preventDefault(); pause(); setStep(k - 1); }
  });
  new ResizeObserver(() => draw()).observe(canvas);

  chart.log = state.log;
  k = Math.min(state.at, state.steps);
  renderControls();
  recompute();
  return {
    setState(next) { state = next; pause(); k = Math.min(state.at, state.steps); heat = null; renderControls(); recompute(); },
    frameTimes: () => frameTimes.slice(),
  };
}
