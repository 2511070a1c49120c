// What a lesson's figures show, computed in Node by the same core the page's worker runs: each figure's
// result in the shape of its component's event (figureResult), so that claims (verifyClaims) and
// challenges (verifyChallenges: the solution passes, the untouched figure does not) are measured with the
// page's own quantity code. checkFigures runs every figure once at build time and names the line of a
// figure the core refuses.
import { LessonSyntaxError, holds, valueOf, compare, formatValue, quantityText } from './quantity.mjs';
import { figureSpec, applyControl, setPath, TASK_LOSS, exerciseStudent } from './figures.mjs';
import { lossCurves } from '../worker/losses.js';

const fail = (line, msg) => { throw new LessonSyntaxError(`line ${line}: ${msg}`); };

// The figure's attributes and spec after settings ({ attr, path } | { control } | { input }, with value).
export function settledSpec(lab, fig, settings = []) {
  const attrs = new Map(fig.attrs);
  for (const s of settings) {
    const target = s.input ? { attr: s.input.attr, path: s.input.path } : s.attr ? { attr: s.attr, path: s.path } : null;
    if (target) attrs.set(target.attr, setPath(attrs.get(target.attr), target.path, s.value));
  }
  let spec = figureSpec(fig.kind, attrs, lab.registry);
  for (const s of settings) if (s.control) spec = applyControl(fig.kind, spec, s.control, s.value, lab.registry);
  return { attrs, spec };
}

// The trainer config a train figure runs (its standard loss filled in, as the component does).
export function trainConfig(lab, spec, line) {
  const cfg = structuredClone(spec.config);
  if (spec.lossAuto || !cfg.loss) {
    const task = lab.dataset(cfg.dataset).task;
    cfg.loss = { type: TASK_LOSS[task] };
  }
  if (typeof cfg.scheduler === 'string') fail(line, `the lab cannot measure a train figure whose scheduler is a type alone ('${cfg.scheduler}'): give the scheduler's spec as JSON`);
  return cfg;
}

function columns(h) {
  const keys = Object.keys(h);
  const n = keys.length ? h[keys[0]].length : 0;
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, h[k][i]])));
}

// The figure's result after settings, as the page's runtime sees it: { kind, detail, epochs?, traces? }.
export function figureResult(lab, fig, settings = [], cache = null) {
  const key = `${fig.line}|${JSON.stringify(settings.map((s) => [s.name, s.value, s.control, s.attr, s.path, s.input?.label]))}`;
  if (cache?.has(key)) return cache.get(key);
  const { spec } = settledSpec(lab, fig, settings);
  let r;
  if (fig.kind === 'schedule') {
    const values = Array.from(lab.schedule(spec.params, spec.steps));
    r = { kind: 'schedule', detail: { state: { type: 'schedule', params: spec.params, steps: spec.steps }, series: [{ label: spec.params.type, values }] } };
  } else if (fig.kind === 'loss') {
    const { derivatives, ...args } = spec.params;
    const res = lossCurves(lab, args);
    r = { kind: 'loss', detail: { state: { type: 'loss', params: spec.params }, series: res.series.map((s) => ({ label: s.label, values: Array.from(s.values) })) }, x: Array.from(res.x) };
  } else if (fig.kind === 'race') {
    const traces = spec.optimizers.map((optimizer) => lab.trace({ fn: spec.fn, fn_params: spec.fn_params, start: spec.start, optimizer, steps: spec.steps, noise: spec.noise, seed: spec.seed }));
    const k = spec.steps;
    r = { kind: 'race', traces, detail: { state: spec, step: k,
      results: traces.map((t, i) => ({ type: spec.optimizers[i].type, loss: t.loss[Math.min(k, t.loss.length - 1)], diverged: !!t.diverged && k >= t.x.length - 1, stopped_at: t.stopped_at })) } };
  } else if (fig.kind === 'train') {
    const config = trainConfig(lab, spec, fig.line);
    const run = lab.createTrainer(config);
    try {
      // a run the core stops with an error (OneCycleLR stepped past total_steps) ends as the component's does: status error
      let error = null;
      try { run.fit(); } catch (e) { if (e?.name !== 'SteplabError') throw e; error = e.message; }
      const detail = error
        ? { status: 'error', error, epochs: run.epochs_done, steps: run.steps_done, state: { config } }
        : { status: run.status, epochs: run.epochs_done, steps: run.steps_done, metrics: run.evaluate('val'), train_metrics: run.evaluate('train'),
          diverged: run.diverged, state: { config } };
      // the weight matrices' entries (not the biases), for the claims about sparsity and size
      const weights = run.weights().flatMap((layer) => Array.from(layer.W, (row) => Array.from(Object.values(row)))).flat();
      r = { kind: 'train', detail, epochs: columns(run.history.epochs), steps_per_epoch: run.steps_per_epoch, weights, step_lr: Array.from(run.history.steps.lr) };
    } finally {
      run.dispose();
    }
  } else if (fig.kind === 'lrfinder') {
    const res = lab.lrFind(spec.config, spec.options);
    r = { kind: 'lrfinder', detail: { state: { type: 'lrfinder', config: spec.config, options: spec.options }, suggestions: res.suggestions, stopped: res.stopped, steps: res.lrs.length, spread: res.spread ?? null } };
  } else if (fig.kind === 'exercise') {
    // the component grades a rule the core takes; one it refuses is shown as an error, never passed
    const student = exerciseStudent(spec);
    let v;
    try {
      v = spec.kind === 'loss' ? lab.checkLoss(student, spec.reference, spec.options) : lab.checkOptimizer(student, spec.reference, spec.options);
    } catch (e) {
      if (e?.name !== 'SteplabError') throw e;
      v = { pass: false, error: e.message };
    }
    r = { kind: 'exercise', detail: { ...v, kind: spec.kind, rule: spec.rule, spec: student, reference: spec.reference, state: spec } };
  }
  cache?.set(key, r);
  return r;
}

// Every figure computed once with its authored attributes (a train or lrfinder figure: its trainer made for
// one epoch): a figure the core refuses names its line.
const SURFACES = ['rosenbrock', 'beale', 'himmelblau', 'booth', 'quadratic', 'saddle', 'rastrigin', 'six_hump_camel'];
export function checkFigures(lab, lesson, cache = new Map()) {
  for (const fig of lesson.figures) {
    try {
      const { spec } = settledSpec(lab, fig);
      if (fig.kind === 'train' || fig.kind === 'lrfinder') {
        const cfg = fig.kind === 'train' ? { ...spec.config, loss: spec.config.loss } : spec.config;
        const config = fig.kind === 'train' ? trainConfig(lab, { ...spec, config: { ...cfg, scheduler: typeof cfg.scheduler === 'string' ? undefined : cfg.scheduler } }, fig.line) : cfg;
        if (config.scheduler === undefined) delete config.scheduler;
        lab.createTrainer({ ...config, epochs: 1 }).dispose();
      } else {
        if (fig.kind === 'race' && !SURFACES.includes(spec.fn)) throw new Error(`fn must be one of ${SURFACES.join(', ')}, got '${spec.fn}'`);
        const r = figureResult(lab, fig, [], cache);
        const bad = r.traces?.find((t) => t.error);
        if (bad) throw new Error(bad.error);
        if (r.kind === 'exercise' && r.detail.error) throw new Error(`the starter rule or the reference: ${r.detail.error}`);
      }
    } catch (e) {
      if (e instanceof LessonSyntaxError && /^line \d+:/.test(e.message)) throw e;
      fail(fig.line, `<${fig.tag}${fig.attrs.has('id') ? ` id="${fig.attrs.get('id')}"` : ''}>: ${e.message}`);
    }
  }
}

function measureSide(lab, lesson, side, line, cache) {
  if (side.ratio) return measureSide(lab, lesson, side.ratio[0], line, cache) / measureSide(lab, lesson, side.ratio[1], line, cache);
  if (side.difference) return measureSide(lab, lesson, side.difference[0], line, cache) - measureSide(lab, lesson, side.difference[1], line, cache);
  if (side.sum) return measureSide(lab, lesson, side.sum[0], line, cache) + measureSide(lab, lesson, side.sum[1], line, cache);
  if (side.loss) {
    let v;
    try { v = lab.loss(side.loss, side.input, side.target)[side.part]; } catch (e) { fail(line, `loss ${side.loss.type}: ${e.message}`); }
    if (side.element !== undefined) {
      if (!ArrayBuffer.isView(v) && !Array.isArray(v)) fail(line, `[${side.element}] needs a loss with reduction="none" (or grad)`);
      v = v[side.element];
    }
    if (ArrayBuffer.isView(v) || Array.isArray(v)) fail(line, `${side.part === 'grad' ? 'grad' : 'loss'} ${side.loss.type} gives ${v.length} numbers: pick one with [i]`);
    return v;
  }
  const fig = lesson.figureById.get(side.figure);
  let r;
  try { r = figureResult(lab, fig, side.resolved, cache); } catch (e) { if (e instanceof LessonSyntaxError) throw e; fail(line, `${side.figure}: ${e.message}`); }
  try { return valueOf(r, side.q); } catch (e) { fail(line, e.message); }
}

const describeSide = (side) => (side.ratio ? side.ratio.map(describeSide).join(' / ') : side.difference ? side.difference.map(describeSide).join(' - ') : side.sum ? side.sum.map(describeSide).join(' + ') : side.loss ? `${side.part === 'grad' ? 'grad' : 'loss'} ${side.loss.type}` : `${quantityText(side.q)} on ${side.figure}`);

// Each claim measured: { line, text, ok, measured, expected }.
export function verifyClaims(lab, lesson, cache = new Map()) {
  return lesson.claims.map((c) => {
    const measured = measureSide(lab, lesson, c.lhs, c.line, cache);
    const other = c.value ?? { number: measureSide(lab, lesson, c.rhs, c.line, cache), tol: 0 };
    const ok = measured !== undefined && compare(other.string !== undefined || typeof measured === 'number' ? measured : Number(measured), c.op, other);
    return { line: c.line, text: c.text, ok, measured, expected: c.value ? c.value.text : `${formatValue(other.number)} (${describeSide(c.rhs)})`,
      message: ok ? '' : measured === undefined
        ? `line ${c.line}: '${c.text}': ${describeSide(c.lhs)} is not something that figure has (the authoring guide lists each figure's quantities)`
        : `line ${c.line}: the lab does not reproduce '${c.text}': ${describeSide(c.lhs)} is ${formatValue(measured)}${c.rhs ? `, ${describeSide(c.rhs)} is ${formatValue(other.number)}` : ''}` };
  });
}

// Each challenge: its check on the untouched figure (must fail) and after its solution (must pass).
export function verifyChallenges(lab, lesson, cache = new Map()) {
  return lesson.challenges.map((c) => {
    const fig = lesson.figureById.get(c.figure);
    const before = holds(figureResult(lab, fig, [], cache), c.check.conds);
    const after = holds(figureResult(lab, fig, c.solution.resolved, cache), c.check.conds);
    const show = (h) => h.values.map((v) => `${v.quantity} = ${formatValue(v.value)}`).join(', ');
    const problems = [];
    if (before.ok) problems.push(`line ${c.line}: the challenge is already passed before the reader does anything (${show(before)})`);
    if (!after.ok) problems.push(`line ${c.solution.line}: the solution does not pass the check '${c.check.text}' (${show(after)})`);
    return { line: c.line, id: c.id, figure: c.figure, ok: problems.length === 0, before, after, message: problems.join('; ') };
  });
}

// All of it: throws one LessonSyntaxError listing every claim and challenge that fails.
export function verifyLesson(lab, lesson) {
  const cache = new Map();
  checkFigures(lab, lesson, cache);
  const claims = verifyClaims(lab, lesson, cache);
  const challenges = verifyChallenges(lab, lesson, cache);
  const bad = [...claims, ...challenges].filter((x) => !x.ok).map((x) => x.message);
  if (bad.length) throw new LessonSyntaxError(bad.join('\n'));
  return { claims, challenges };
}
