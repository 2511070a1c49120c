// Room 2, Optimizers: a race on a 2-D loss landscape. Every optimizer's whole
// path is computed by the core in the worker; the page animates it step by
// step over a heatmap with contours, next to the loss-vs-step chart, and shows
// one optimizer's internals (gradient, update, effective step) at its point.
import { LineChart, PALETTE, fmtValue, download, downloadText } from '../../shared/chart.js';
import { renderHeatmap } from '../../shared/heatmap.js';
import { el, clear, select, button as btn } from '../../shared/dom.js';
import { groupedChoices } from '../../shared/choices.js';
import { RACE_TEXT, raceCode } from './race-text.js';
import { PRESETS, SCHEDULES } from './race-presets.js';

// PyTorch lets LBFGS take up to max_iter inner iterations per step (and the core allows 1e6, as PyTorch
// does); the race keeps each step cheap enough to animate.
const LBFGS_MAX_ITER = 100;
function lbfgsBudget(opts) {
  const bad = opts.find((o) => o.type === 'LBFGS' && ((o.max_iter ?? 20) > LBFGS_MAX_ITER || (o.max_eval ?? 0) > LBFGS_MAX_ITER * 1.25));
  return bad ? `LBFGS: max_iter must be at most ${LBFGS_MAX_ITER} in the race (max_eval at most ${LBFGS_MAX_ITER * 1.25})` : null;
}

const finite2 = (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 1e6);
// The URL-hash table of the room; surfaces and optimizers are the core's registry's.
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
    log: { type: 'bool', def: false },
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

function createRaceRoom({ root, lab, registry, getState, setState, notify }) {
  let state = getState();
  let view = registry.view(state.fn); // the surface's box and start point (the core's registry)
  let traces = [];
  let heat = null;
  let k = 0;
  let playing = false;
  let gen = 0;
  let lastFrame = 0;
  let gradAt = null;
  const frameTimes = [];

  const controls = el('section', { class: 'controls', 'aria-label': 'Race settings' });
  const main = el('section', { class: 'plots', 'aria-label': 'Loss landscape and race' });
  const side = el('section', { class: 'explain', 'aria-label': 'Explanation and PyTorch code' });
  clear(root);
  root.append(controls, main, side);

  // --- controls
  const presetSel = el('select', { id: 'race-preset' }, [el('option', { value: '' }, 'Choose a race...'), ...PRESETS.map((p, i) => el('option', { value: String(i) }, p.name))]);
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

  // --- landscape, playback, status, loss chart
  const canvas = el('canvas', { id: 'race-canvas', class: 'landscape', tabindex: '0', role: 'img', 'aria-label': 'loss landscape with the optimizers\' paths' });
  const playBtn = btn('Play', () => (playing ? pause() : play()), { id: 'race-play' });
  const speedIn = el('input', { id: 'race-speed', type: 'range', min: '1', max: '400', step: '1', 'aria-label': 'speed in steps per second' });
  const counter = el('span', { id: 'race-step', 'aria-live': 'off' });
  const status = el('ul', { id: 'race-status', class: 'status', 'aria-live': 'polite' });
  const internals = el('div', { id: 'race-internals', class: 'readout' });
  const logBox = el('input', { type: 'checkbox', id: 'race-log' });
  const chartBox = el('div', { class: 'chart', id: 'race-chart' });
  main.append(canvas, el('div', { class: 'toolbar' }, [playBtn, btn('Step', () => { pause(); setStep(k + 1); }, { id: 'race-stepbtn' }),
    btn('Reset', () => { pause(); setStep(0); }, { id: 'race-reset' }), el('label', { class: 'inline' }, ['speed ', speedIn]), counter]),
  status, internals,
  el('div', { class: 'toolbar' }, [el('label', { class: 'inline' }, [logBox, ' log scale']),
    btn('PNG', () => download('steplab-race-loss.png', chart.png())),
    btn('Landscape PNG', () => download('steplab-race.png', canvas.toDataURL('image/png'))),
    btn('CSV', () => downloadText('steplab-race.csv', chart.csv(), 'text/csv')),
    btn('JSON', () => downloadText('steplab-race.json', JSON.stringify({ state, traces: traces.map(plainTrace) }), 'application/json'))]),
  chartBox);
  const chart = new LineChart(chartBox, { xLabel: 'step', yLabel: 'loss', height: 220 });

  // --- explanation and code
  const title = el('h2', {});
  const text = el('p', {});
  const math = el('div', { class: 'math' });
  const code = el('pre', { class: 'code', id: 'race-code', tabindex: '0' });
  side.append(title, text, math, el('h3', {}, 'PyTorch code'), code,
    btn('Copy code', () => navigator.clipboard?.writeText(code.textContent).then(() => notify('PyTorch code copied.'), () => {})));

  function plainTrace(t) {
    return t.error ? { error: t.error.message } : { x: Array.from(t.x), y: Array.from(t.y), loss: Array.from(t.loss), lr: Array.from(t.lr), diverged: t.diverged, stopped_at: t.stopped_at };
  }

  function commit(rebuild = false) {
    setState(state);
    if (rebuild) renderControls();
    recompute();
  }

  // --- optimizer cards from the registry
  function renderControls() {
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
    const head = el('div', { class: 'card-head' }, [el('span', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}`, 'aria-hidden': 'true' }),
      typeSel, focusBox, state.opts.length > 1 ? btn('Remove', () => { state.opts.splice(i, 1); state.focus = 0; commit(true); }, { 'aria-label': `Remove optimizer ${i + 1}` }) : '']);
    const err = el('div', { class: 'field-error', id: `race-error-${i}`, role: 'alert' });
    const shown = params.filter((p) => p.name === 'lr' || spec[p.name] !== undefined);
    const more = params.filter((p) => !shown.includes(p));
    const sched = el('select', { id: `race-sched-${i}` }, Object.keys(SCHEDULES).map((s) => el('option', { value: s }, s === 'none' ? 'no schedule' : `${s} schedule`)));
    sched.value = spec.scheduler ? ({ StepLR: 'step', CosineAnnealingLR: 'cosine', ExponentialLR: 'exponential' }[spec.scheduler.type] || 'none') : 'none';
    sched.addEventListener('change', () => {
      const make = SCHEDULES[sched.value];
      if (make) state.opts[i].scheduler = make(state.steps);
      else delete state.opts[i].scheduler;
      commit();
    });
    return el('fieldset', { class: 'card', 'data-index': String(i) }, [el('legend', { class: 'sr-only' }, `Optimizer ${i + 1}: ${spec.type}`), head,
      ...shown.map((p) => field(spec, i, p)),
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
    let land, res;
    try {
      [land, res] = await Promise.all([
        heat && heat.key === heatKey() ? null : lab.call('landscape', { fn: state.fn, fn_params: state.fnp, x: view.x, y: view.y, nx: NX, ny: NX }),
        lab.call('race', { fn: state.fn, fn_params: state.fnp, start: state.start, steps: state.steps, noise: state.noise, seed: state.seed, optimizers: state.opts }),
      ]);
    } catch (e) {
      if (g === gen) settingsErr.textContent = e.message;
      return;
    }
    if (g !== gen) return;
    if (land) heat = { key: heatKey(), ...renderHeatmap(land, NX, NX) };
    traces = res;
    traces.forEach((t, i) => {
      const box = cards.querySelector(`#race-error-${i}`);
      if (box) box.textContent = t.error ? t.error.message : '';
      cards.querySelector(`fieldset[data-index="${i}"]`)?.classList.toggle('invalid', !!t.error);
    });
    k = Math.min(k, state.steps);
    renderSide();
    draw();
    document.body.dataset.raceGeneration = String(g);
  }

  const heatKey = () => JSON.stringify([state.fn, state.fnp]);

  function setStep(next) {
    k = Math.max(0, Math.min(state.steps, Math.round(next)));
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
    playing = false;
    playBtn.textContent = 'Play';
  }

  // world <-> canvas pixels
  function toPx(x, y, w, h) {
    const v = view;
    return [((x - v.x[0]) / (v.x[1] - v.x[0])) * w, h - ((y - v.y[0]) / (v.y[1] - v.y[0])) * h];
  }

  function draw() {
    counter.textContent = `step ${k} / ${state.steps}`;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    if (heat) {
      g.imageSmoothingEnabled = true;
      g.drawImage(heat.canvas, 0, 0, w, h);
    }
    const [sx0, sy0] = toPx(state.start[0], state.start[1], w, h);
    g.fillStyle = '#fff';
    g.strokeStyle = '#000';
    g.beginPath();
    g.arc(sx0, sy0, 5, 0, Math.PI * 2);
    g.fill();
    g.stroke();
    clear(status);
    traces.forEach((t, i) => {
      const colour = PALETTE[i % PALETTE.length];
      const name = `${i + 1}: ${state.opts[i]?.type ?? ''}`;
      if (t.error) { status.append(el('li', {}, `${name}: not run (${t.error.message})`)); return; }
      const upto = Math.min(k, t.x.length - 1);
      g.strokeStyle = colour;
      g.lineWidth = 2.2;
      g.beginPath();
      for (let s = 0; s <= upto; s++) {
        const [px, py] = toPx(t.x[s], t.y[s], w, h);
        if (s) g.lineTo(px, py); else g.moveTo(px, py);
      }
      g.stroke();
      const [px, py] = toPx(t.x[upto], t.y[upto], w, h);
      g.fillStyle = colour;
      g.beginPath();
      g.arc(px, py, i === state.focus ? 6 : 4.5, 0, Math.PI * 2);
      g.fill();
      g.strokeStyle = '#fff';
      g.lineWidth = 1.5;
      g.stroke();
      const diverged = t.diverged && k >= t.x.length - 1;
      if (diverged) {
        g.strokeStyle = colour;
        g.lineWidth = 3;
        g.beginPath();
        g.moveTo(px - 7, py - 7); g.lineTo(px + 7, py + 7); g.moveTo(px + 7, py - 7); g.lineTo(px - 7, py + 7);
        g.stroke();
      }
      const where = `(${fmtValue(t.x[upto])}, ${fmtValue(t.y[upto])})`;
      status.append(el('li', { style: `border-left: 4px solid ${colour}` }, diverged
        ? `${name}: diverged at step ${t.stopped_at}; last finite loss ${fmtValue(t.loss[t.x.length - 1])}`
        : `${name}: loss ${fmtValue(t.loss[upto])} at ${where}, lr ${fmtValue(t.lr[Math.min(upto, t.lr.length - 1)])}`));
    });
    drawInternals(g, w, h);
    // loss chart up to the current step
    const series = traces.map((t, i) => {
      const values = new Array(state.steps + 1).fill(null);
      if (!t.error) for (let s = 0; s <= Math.min(k, t.loss.length - 1); s++) values[s] = t.loss[s];
      return { label: `${i + 1}: ${state.opts[i]?.type ?? ''}`, values };
    });
    chart.setData(series, Float64Array.from({ length: state.steps + 1 }, (_, s) => s));
  }

  // The focused optimizer at its current point: gradient (read off a plain SGD step), update, effective step.
  function drawInternals(g, w, h) {
    const t = traces[state.focus];
    clear(internals);
    if (!t || t.error) return;
    const upto = Math.min(k, t.x.length - 1);
    const at = [t.x[upto], t.y[upto]];
    const key = `${gen}:${state.focus}:${upto}`;
    if (!gradAt || gradAt.key !== key) {
      gradAt = { key, grad: null };
      lab.call('gradient', { fn: state.fn, fn_params: state.fnp, at }).then((grad) => {
        if (gradAt.key === key) { gradAt.grad = grad; draw(); }
      }, () => {});
    }
    const [px, py] = toPx(at[0], at[1], w, h);
    const next = upto + 1 < t.x.length ? [t.x[upto + 1] - at[0], t.y[upto + 1] - at[1]] : null;
    const arrow = (dx, dy, colour, label) => {
      const len = Math.hypot(dx, dy);
      if (!(len > 0)) return;
      const L = 40;
      const ex = px + (dx / len) * L, ey = py - (dy / len) * L;
      g.strokeStyle = colour; g.fillStyle = colour; g.lineWidth = 2.5;
      g.beginPath(); g.moveTo(px, py); g.lineTo(ex, ey); g.stroke();
      const a = Math.atan2(ey - py, ex - px);
      g.beginPath(); g.moveTo(ex, ey); g.lineTo(ex - 9 * Math.cos(a - 0.4), ey - 9 * Math.sin(a - 0.4)); g.lineTo(ex - 9 * Math.cos(a + 0.4), ey - 9 * Math.sin(a + 0.4)); g.fill();
      g.font = '12px system-ui, sans-serif';
      g.fillText(label, ex + 4, ey - 4);
    };
    const lines = [`Optimizer ${state.focus + 1} (${state.opts[state.focus].type}) at step ${upto}:`];
    if (gradAt.grad) {
      const [gx, gy] = gradAt.grad;
      arrow(-gx, -gy, '#ffffff', '−∇');
      lines.push(`gradient ∇ = (${fmtValue(gx)}, ${fmtValue(gy)})`);
      if (next) {
        lines.push(`update Δ = (${fmtValue(next[0])}, ${fmtValue(next[1])})`);
        lines.push(`effective step per coordinate Δ/(−∇) = (${fmtValue(next[0] / -gx)}, ${fmtValue(next[1] / -gy)}); plain SGD would give lr = ${fmtValue(t.lr[upto])}`);
      }
    }
    if (next) arrow(next[0], next[1], '#E69F00', 'Δ');
    for (const l of lines) internals.append(el('p', {}, l));
  }

  function renderSide() {
    const spec = state.opts[Math.min(state.focus, state.opts.length - 1)];
    // the room's prose where it has some, else the core's one-line summary
    const [t, m] = Object.hasOwn(RACE_TEXT, spec.type) ? RACE_TEXT[spec.type] : [registry.summary('optimizers', spec.type), ''];
    title.textContent = spec.type;
    text.textContent = t;
    math.innerHTML = m; // the project's own MathML constants
    code.textContent = raceCode(state, spec, registry.summary('surfaces', state.fn));
  }

  // --- wiring
  presetSel.addEventListener('change', () => {
    const p = PRESETS[Number(presetSel.value)];
    if (!p) return;
    Object.assign(state, { fn: p.fn, fnp: structuredClone(p.fnp), start: [...p.start], steps: p.steps, noise: p.noise || 0, opts: structuredClone(p.opts), focus: 0 });
    k = 0;
    pause();
    commit(true);
  });
  fnSel.addEventListener('change', () => {
    state.fn = fnSel.value;
    state.fnp = {};
    state.start = registry.view(state.fn).start;
    k = 0;
    commit(true);
  });
  const num = (input, apply) => input.addEventListener('input', () => {
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(v)) return;
    if (apply(v) !== false) commit();
  });
  num(sx, (v) => { state.start = [v, state.start[1]]; k = 0; });
  num(sy, (v) => { state.start = [state.start[0], v]; k = 0; });
  num(stepsIn, (v) => {
    if (!Number.isInteger(v) || v < 1 || v > 2000) { settingsErr.textContent = 'steps must be a whole number from 1 to 2000'; return false; }
    state.steps = v;
  });
  num(noiseIn, (v) => { if (v < 0) return false; state.noise = v; });
  num(seedIn, (v) => { if (!Number.isInteger(v) || v < 0) return false; state.seed = v; });
  speedIn.addEventListener('input', () => { state.speed = Number(speedIn.value); setState(state); });
  logBox.addEventListener('change', () => { state.log = logBox.checked; chart.setLog(state.log); setState(state); });
  canvas.addEventListener('click', (ev) => {
    const r = canvas.getBoundingClientRect();
    const v = view;
    const x = v.x[0] + ((ev.clientX - r.left) / r.width) * (v.x[1] - v.x[0]);
    const y = v.y[0] + (1 - (ev.clientY - r.top) / r.height) * (v.y[1] - v.y[0]);
    state.start = [+x.toPrecision(4), +y.toPrecision(4)];
    sx.value = String(state.start[0]);
    sy.value = String(state.start[1]);
    k = 0;
    commit();
  });
  canvas.addEventListener('keydown', (ev) => {
    if (ev.key === ' ' || ev.key === 'Enter') { ev.preventDefault(); if (playing) pause(); else play(); }
    if (ev.key === 'ArrowRight') { ev.preventDefault(); pause(); setStep(k + 1); }
    if (ev.key === 'ArrowLeft') { ev.preventDefault(); pause(); setStep(k - 1); }
  });
  new ResizeObserver(() => draw()).observe(canvas);

  chart.log = state.log;
  renderControls();
  recompute();
  return {
    setState(next) { state = next; pause(); k = 0; heat = null; renderControls(); recompute(); },
    frameTimes: () => frameTimes.slice(),
  };
}
