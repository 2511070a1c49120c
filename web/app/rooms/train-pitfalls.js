// Pitfall demos: each one click, two (or three) real trainer runs in the worker (RemoteRuns) on the
// same data and seed, differing in the one setting that goes wrong, with their loss and
// learning-rate charts side by side and a paragraph on why. Mounted by the Training room:
//   createPitfalls({ root, lab, getConfig })   // getConfig() -> the current trainer config
import { LineChart, PALETTE, fmtValue } from '../../shared/chart.js';
import { el, clear } from '../../shared/dom.js';
import { RemoteRun, stepsPerEpoch } from '../../shared/remote-run.js';
import { PITFALL_TEXT } from './train-pitfalls-text.js';

const EPOCHS = 15;

// Each demo: the runs it compares, built from the setup's data, model and loss. spe = steps per epoch.
export const PITFALLS = [
  { id: 'order', title: 'Scheduler stepped before the optimizer', runs: () => {
    const common = { optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 }, scheduler_interval: 'step',
      scheduler: { type: 'LinearLR', start_factor: 0.01, total_iters: 10 } };
    return [
      { label: 'optimizer.step(), then scheduler.step()', config: { ...common, scheduler_order: 'after' } },
      { label: 'scheduler.step() first', config: { ...common, scheduler_order: 'before' } },
    ];
  } },
  { id: 'onecycle', title: 'OneCycleLR with the wrong total_steps', runs: (spe) => {
    const run = (total_steps) => ({ optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 }, scheduler_interval: 'step',
      scheduler: { type: 'OneCycleLR', max_lr: 0.1, total_steps } });
    return [
      { label: `total_steps ${EPOCHS * spe} (epochs × steps per epoch)`, config: run(EPOCHS * spe) },
      { label: `total_steps ${EPOCHS} (the epochs)`, config: run(EPOCHS) },
      { label: `total_steps ${3 * EPOCHS * spe} (3 × too long)`, config: run(3 * EPOCHS * spe) },
    ];
  } },
  { id: 'adamw', title: 'Adam with weight_decay is L2, not AdamW', runs: () => [
    { label: 'Adam, weight_decay 0.1 (L2 in the gradient)', config: { optimizer: { type: 'Adam', lr: 0.01, weight_decay: 0.1 } } },
    { label: 'AdamW, weight_decay 0.1 (decoupled)', config: { optimizer: { type: 'AdamW', lr: 0.01, weight_decay: 0.1 } } },
  ] },
  { id: 'bias', title: 'Adam without bias correction', runs: () => [
    { label: 'Adam, bias correction (PyTorch)', config: { optimizer: { type: 'Adam', lr: 0.05 } } },
    { label: 'Adam, bias_correction false', config: { optimizer: { type: 'Adam', lr: 0.05, bias_correction: false } } },
  ] },
  { id: 'lr', title: 'Learning rate 10× too high, 10× too low', runs: () => [
    { label: 'SGD momentum 0.9, lr 0.3', config: { optimizer: { type: 'SGD', lr: 0.3, momentum: 0.9 } } },
    { label: 'lr 3 (10× too high)', config: { optimizer: { type: 'SGD', lr: 3, momentum: 0.9 } } },
    { label: 'lr 0.03 (10× too low)', config: { optimizer: { type: 'SGD', lr: 0.03, momentum: 0.9 } } },
  ] },
];

// The setup's data, model, loss, batch size and seed with the demo's optimizer and schedule.
function runConfig(base, extra) {
  const { dataset, model, loss, batch_size, seed, shuffle } = base;
  return { dataset, model, loss, batch_size, seed, shuffle, epochs: EPOCHS, ...extra };
}

// Batch losses jump from step to step; their running mean (weight 0.1 on the newest,
// bias-corrected so the start is not pulled to zero) shows the trend.
function runningMean(loss) {
  const out = new Float64Array(loss.length);
  let avg = 0;
  for (let i = 0; i < loss.length; i++) {
    avg = 0.9 * avg + 0.1 * loss[i];
    out[i] = avg / (1 - 0.9 ** (i + 1));
  }
  return out;
}

function weightNorm(layers) {
  let s = 0;
  for (const layer of layers) for (const part of [layer.W, layer.b]) {
    for (const row of Array.isArray(part) ? part : [part]) for (const v of row) s += v * v;
  }
  return Math.sqrt(s);
}

export function createPitfalls({ root, lab, getConfig }) {
  const box = el('section', { class: 'pitfalls', id: 'pitfalls', 'aria-label': 'Pitfall demos' });
  const select = el('select', { id: 'pitfall-choice', 'aria-label': 'Pitfall' }, PITFALLS.map((p) => el('option', { value: p.id }, p.title)));
  const runBtn = el('button', { type: 'button', id: 'pitfall-run' }, 'Run both');
  const why = el('p', { class: 'why', id: 'pitfall-why' });
  const status = el('ul', { class: 'status', id: 'pitfall-status', 'aria-live': 'polite' });
  const lossBox = el('div', { class: 'chart', id: 'pitfall-loss' });
  const lrBox = el('div', { class: 'chart', id: 'pitfall-lr' });
  const pair = el('div', { class: 'pair', hidden: true }, [el('div', {}, [el('h3', {}, 'Training loss per step (running mean)'), lossBox]),
    el('div', {}, [el('h3', {}, 'Learning rate per step'), lrBox])]);
  box.append(el('h2', {}, 'Pitfalls, side by side'),
    el('div', { class: 'row' }, [select, runBtn]), why, pair, status);
  root.append(box);
  const lossChart = new LineChart(lossBox, { xLabel: 'step', yLabel: 'loss', height: 240 });
  const lrChart = new LineChart(lrBox, { xLabel: 'step', yLabel: 'learning rate', height: 240 });
  lossChart.log = true;
  lrChart.log = true;

  let generation = 0;
  let live = [];

  const describe = () => {
    const p = PITFALLS.find((q) => q.id === select.value);
    why.textContent = PITFALL_TEXT[p.id];
    runBtn.textContent = `Run ${p.id === 'onecycle' || p.id === 'lr' ? 'all three' : 'both'}`;
    return p;
  };
  select.addEventListener('change', () => { describe(); });
  runBtn.addEventListener('click', () => { start(describe()); });
  describe();

  async function dispose() {
    const old = live;
    live = [];
    for (const r of old) r.remote.dispose();
  }

  function draw() {
    pair.hidden = false;
    const s = (key) => live.map((r, i) => ({ label: r.label, values: Float64Array.from(r[key]), color: PALETTE[i] }));
    lossChart.setData(live.map((r, i) => ({ label: r.label, values: runningMean(r.loss), color: PALETTE[i] })));
    lrChart.setData(s('lr'));
    clear(status);
    live.forEach((r, i) => {
      const li = el('li', { 'data-run': String(i), 'data-state': r.state, style: `border-left: 4px solid ${PALETTE[i]}` });
      const last = r.loss.length ? r.loss[r.loss.length - 1] : NaN;
      let text = `${r.label}: ${r.loss.length} steps`;
      if (r.lr.length) text += `, first lr ${fmtValue(r.lr[0])}`;
      if (r.error) text += `; stopped: ${r.error}`;
      else if (r.state === 'diverged') text += '; diverged (the loss was no longer finite)';
      else if (r.loss.length) text += `, last loss ${fmtValue(last)}`;
      if (r.val_loss != null) text += `, validation loss ${fmtValue(r.val_loss)}`;
      if (r.norm != null) text += `, weight norm ${fmtValue(r.norm)}`;
      li.textContent = text;
      for (const [k, v] of Object.entries({ firstLr: r.lr[0], lastLoss: last, valLoss: r.val_loss, norm: r.norm, steps: r.loss.length })) {
        if (v != null && Number.isFinite(v)) li.dataset[k] = String(v);
      }
      status.append(li);
    });
  }

  async function start(p) {
    const g = ++generation;
    await dispose();
    box.dataset.state = 'running';
    const base = getConfig();
    let spe;
    try {
      spe = await stepsPerEpoch(lab, runConfig(base, { optimizer: { type: 'SGD', lr: 0.1 } }));
    } catch (e) {
      if (g !== generation) return;
      live = [];
      draw();
      status.append(el('li', { class: 'field-error' }, `The setup does not train: ${e.message}`));
      box.dataset.state = 'error';
      return;
    }
    if (g !== generation) return;
    const runs = p.runs(spe).map((r) => ({ ...r, remote: new RemoteRun(lab, runConfig(base, r.config)), loss: [], lr: [], state: 'running',
      error: null, val_loss: null, norm: null }));
    live = runs;
    for (const r of runs) {
      if (!(await r.remote.create())) {
        r.state = 'error';
        r.error = r.remote.error;
      }
    }
    // every run gets a slice of each animation frame until all are finished; a run the core stops
    // (e.g. past OneCycleLR's total_steps) keeps what it trained
    while (g === generation && box.isConnected && runs.some((r) => r.state === 'running')) {
      await Promise.all(runs.filter((r) => r.state === 'running').map(async (r) => {
        await r.remote.step({ ms: 6 });
        const c = r.remote.cols;
        r.loss = c.loss.view();
        r.lr = c.lr.view();
        if (c.val_loss.n) r.val_loss = c.val_loss.a[c.val_loss.n - 1];
        if (r.remote.status === 'error') r.error = r.remote.error;
        if (r.remote.status !== 'running') r.state = r.remote.status;
      }));
      if (g !== generation) return;
      draw();
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    // the runs are done: read their weights and free them in the worker (also when the room was left)
    for (const r of runs) {
      if (r.remote.id !== null && g === generation && box.isConnected) {
        const w = await r.remote.weights();
        if (w) r.norm = weightNorm(w);
      }
      r.remote.dispose();
    }
    if (g !== generation || !box.isConnected) return;
    draw();
    box.dataset.state = 'done';
    box.dataset.demo = p.id;
  }

  return {
    run: (id) => { select.value = id; return start(describe()); },
    dispose: () => { generation++; return dispose(); },
  };
}
