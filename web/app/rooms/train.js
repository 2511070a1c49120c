// Room 4, Training: a real model trained live in the worker on a data set, a
// loss, an optimizer and a learning-rate schedule, with the learning rate
// actually used, the losses and the gradient norm moving side by side, the
// model's decision regions over the data, the metrics and why training
// stopped. Finished runs can be pinned and compared (up to 8), raced together,
// exported as PyTorch, CSV, JSON and a checkpoint that loads back here.
import { LineChart, PALETTE, fmtValue, download, downloadText } from '../chart.js';
import { el, clear } from '../dom.js';
import { paramFields } from './train-fields.js';
import { drawData, drawDigits, drawEmbedding, regionImage, toData, viewOf, CLASS_COLORS } from './train-view.js';
import { trainingScript } from './train-code.js';
import {
  PROPS, PRESETS, LOSS_FITS, LOSS_WHY_NOT, ACTIVATIONS, INITS, SKIP_OPTIMIZERS,
  datasetSpec, trainerConfig, runLabel, settingsDiff, schedulerStarter, parseCsv, isEmbedding,
} from './train-config.js';
import digitsGz from '../../../c/data/digits.bin.gz';

export { PROPS };
const MAX_PINS = 7; // with the current run, 8 on every chart
const GRID = 56;
const SPEEDS = [[0, 'as fast as possible'], [1, '1 step per frame'], [4, '4 steps per frame'], [16, '16 steps per frame'], [64, '64 steps per frame']];
const DATA_SKIP = ['standardize', 'shuffle', 'name'];
const LOSS_SKIP = ['weight', 'pos_weight', 'ignore_index'];

// A growing Float64Array column; view() is a subarray, not a copy.
class Col {
  constructor() { this.a = new Float64Array(256); this.n = 0; }
  push(arr) {
    if (this.n + arr.length > this.a.length) {
      const b = new Float64Array(Math.max(this.a.length * 2, this.n + arr.length));
      b.set(this.a.subarray(0, this.n));
      this.a = b;
    }
    this.a.set(arr, this.n);
    this.n += arr.length;
  }
  view() { return this.a.subarray(0, this.n); }
}
const COLS = ['loss', 'lr', 'grad_norm', 'train_loss', 'val_loss', 'train_m', 'val_m'];

// One run on the charts: the live one (slot 0) or a pinned one.
function newSlot(state) {
  return { state: structuredClone(state), id: null, cols: Object.fromEntries(COLS.map((k) => [k, new Col()])), status: null,
    info: null, metrics: null, stop: null, busy: false };
}

export function createTrainRoom({ root, lab, registry, getState, setState, notify, mountExtras }) {
  let state = getState();
  const kinds = (list) => Object.fromEntries(list.map((k) => [k.name, k]));
  const K = { data: kinds(registry.datasets), opt: kinds(registry.optimizers), sched: kinds(registry.schedulers), loss: kinds(registry.losses) };
  let data = null; // lab.dataset of the current settings (standardised)
  let raw = null; // the named set unstandardised, when points were added
  let csv = null; // an imported CSV { X, y, task, name }
  let view = null;
  let regions = null;
  let line = null;
  let digitsLoaded = false;
  let embedding = null; // the current run's outputs for every row
  const listeners = new Set(); // panels that follow the current run (api.subscribe)
  let wantInspect = false;
  let cur = newSlot(state);
  const pins = [];
  let playing = false;
  let racing = false;
  let dataGen = 0;
  let runGen = 0;
  let frames = 0;
  const rate = { t: 0, steps: 0, value: 0 };

  const controls = el('section', { class: 'controls', 'aria-label': 'Training settings' });
  const main = el('section', { class: 'plots', 'aria-label': 'Training' });
  const side = el('section', { class: 'explain', 'aria-label': 'Metrics, comparison and export' });
  clear(root);
  root.append(controls, main, side);
  const btn = (t, f, attrs = {}) => { const b = el('button', { type: 'button', ...attrs }, t); b.addEventListener('click', f); return b; };
  const sel = (id, choices, value) => {
    const s = el('select', { id }, choices.map(([v, t]) => el('option', { value: String(v) }, t)));
    s.value = String(value);
    return s;
  };
  const box = (title, kids) => el('fieldset', { class: 'card' }, [el('legend', {}, title), ...kids]);

  // ---------------------------------------------------------------- controls
  const presetSel = sel('train-preset', [['', 'Choose a preset...'], ...PRESETS.map((p, i) => [i, p.name])], '');
  const presetWhy = el('p', { class: 'note', id: 'train-preset-why' });
  const dataBox = el('div', {});
  const modelBox = el('div', {});
  const lossBox = el('div', {});
  const optBox = el('div', {});
  const batchBox = el('div', {});
  const settingsErr = el('div', { class: 'field-error', id: 'train-error', role: 'alert' });
  controls.append(el('label', { for: 'train-preset' }, 'Preset'), presetSel, presetWhy, settingsErr,
    box('Data', [dataBox]), box('Model', [modelBox]), box('Loss and regularization', [lossBox]),
    box('Optimizer and schedule', [optBox]), box('Batches, epochs, stopping', [batchBox]));

  // ---------------------------------------------------------------- plots
  const playBtn = btn('Play', () => (playing ? pause() : play()), { id: 'train-play' });
  const speedSel = sel('train-speed', SPEEDS, state.speed);
  const counter = el('span', { id: 'train-counter', 'aria-live': 'off' });
  const canvas = el('canvas', { id: 'train-data', class: 'landscape', tabindex: '0', role: 'img', 'aria-label': 'the data and the model\'s decision regions' });
  const digitsCanvas = el('canvas', { id: 'train-digits', class: 'digits', role: 'img', 'aria-label': 'sample images of the digits data set' });
  const dataNote = el('p', { class: 'note', id: 'train-data-note' });
  const embedTitle = el('h2', {}, 'Embedding: the network\'s 2-D outputs, every row');
  const embedCanvas = el('canvas', { id: 'train-embedding', class: 'landscape', role: 'img', 'aria-label': 'the learnt embedding of every row, coloured by class' });
  const stopLine = el('p', { class: 'status-line', id: 'train-status', 'aria-live': 'polite' });
  const logBox = el('input', { type: 'checkbox', id: 'train-log' });
  const chartBox = (id) => el('div', { class: 'chart', id });
  const boxes = { loss: chartBox('train-chart-loss'), metric: chartBox('train-chart-metric'), lr: chartBox('train-chart-lr'), grad: chartBox('train-chart-grad') };
  const metricTitle = el('h2', {}, 'Accuracy per epoch');
  main.append(
    el('div', { class: 'toolbar' }, [playBtn, btn('Step batch', () => stepOnce(false), { id: 'train-step' }),
      btn('Step epoch', () => stepOnce(true), { id: 'train-epoch' }), btn('Reset', () => reset(), { id: 'train-reset' }),
      el('label', { class: 'sr-only', for: 'train-speed' }, 'speed'), speedSel, counter]),
    stopLine, canvas, digitsCanvas, dataNote, embedTitle, embedCanvas,
    el('div', { class: 'toolbar' }, [el('label', { class: 'inline' }, [logBox, ' log scale (losses, gradient norm)'])]),
    el('h2', {}, 'Loss per epoch (training, validation)'), boxes.loss, metricTitle, boxes.metric,
    el('h2', {}, 'Learning rate used at each step'), boxes.lr, el('h2', {}, 'Gradient norm at each step (before clipping)'), boxes.grad);
  const charts = {
    loss: new LineChart(boxes.loss, { xLabel: 'epoch', yLabel: 'loss', height: 210 }),
    metric: new LineChart(boxes.metric, { xLabel: 'epoch', yLabel: 'accuracy', height: 190 }),
    lr: new LineChart(boxes.lr, { xLabel: 'step', yLabel: 'learning rate', height: 170 }),
    grad: new LineChart(boxes.grad, { xLabel: 'step', yLabel: 'gradient norm', height: 170 }),
  };

  // ---------------------------------------------------------------- side
  const metricsBox = el('div', { id: 'train-metrics', class: 'readout' });
  const pinList = el('ol', { id: 'train-pins', class: 'pins' });
  const pinBtn = btn('Pin this run', () => pin(), { id: 'train-pin' });
  const raceBtn = btn('Race', () => race(), { id: 'train-race' });
  const code = el('pre', { class: 'code', id: 'train-code', tabindex: '0' });
  const ckptIn = el('input', { type: 'file', id: 'train-ckpt-file', accept: '.steplab,application/octet-stream' });
  const extras = el('div', { id: 'train-extras' });
  side.append(el('h2', {}, 'Metrics'), metricsBox,
    el('h2', {}, 'Compare runs'),
    el('p', { class: 'note' }, 'Pin a run, change one setting and train again: pinned runs stay on every chart (dashed) with what differs in the legend. The race re-runs the chosen pinned setups and this one together.'),
    el('div', { class: 'toolbar' }, [pinBtn, raceBtn]), pinList,
    el('h2', {}, 'Export'),
    el('div', { class: 'toolbar' }, [
      btn('History CSV', () => exportHistory('csv'), { id: 'train-history-csv' }),
      btn('History JSON', () => exportHistory('json'), { id: 'train-history-json' }),
      btn('Weights JSON', () => exportWeights(), { id: 'train-weights' }),
      btn('Checkpoint', () => exportCheckpoint(), { id: 'train-ckpt' }),
      btn('Loss chart PNG', () => download('steplab-training-loss.png', charts.loss.png()))]),
    el('label', { for: 'train-ckpt-file' }, 'Load a checkpoint and continue'), ckptIn,
    el('h3', {}, 'PyTorch script for this setup'), code,
    btn('Copy script', () => navigator.clipboard?.writeText(code.textContent).then(() => notify('PyTorch script copied.'), () => {})),
    extras);

  // ---------------------------------------------------------------- settings -> controls
  function commit(what = 'run') {
    setState(state);
    cur.state = structuredClone(state);
    if (what === 'data') loadData();
    else discardRun();
    renderControls();
  }

  // Controls are rebuilt after the event that changed them has finished: rebuilding removes the
  // focused field, whose blur can fire another change while the old nodes are being removed.
  let renderQueued = false;
  function renderControls() {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => { renderQueued = false; renderControlsNow(); }, 0);
  }

  function renderControlsNow() {
    renderData();
    renderModel();
    renderLoss();
    renderOpt();
    renderBatch();
    speedSel.value = String(state.speed);
    logBox.checked = state.log;
    renderPins();
  }

  function renderData() {
    clear(dataBox);
    const dsSel = sel('train-ds', registry.datasets.map((k) => [k.name, k.name]), state.data.name);
    dsSel.disabled = !!csv;
    dsSel.addEventListener('change', () => {
      const kind = K.data[dsSel.value];
      state.data = { name: dsSel.value, seed: state.data.seed ?? 0, val_fraction: state.data.val_fraction ?? 0.2 };
      if (kind.params.some((p) => p.name === 'noise')) state.data.noise = Math.min(0.15, kind.params.find((p) => p.name === 'noise').hi);
      state.extra = [];
      commit('data');
    });
    const kind = K.data[state.data.name];
    dataBox.append(el('label', { for: 'train-ds' }, 'Data set'), dsSel, el('p', { class: 'note' }, csv ? `imported: ${csv.name}` : kind?.summary || ''));
    if (!csv && kind) {
      dataBox.append(...paramFields('train-data', kind.params, state.data, () => commit('data'), { skip: DATA_SKIP, fold: false }));
    }
    if (!csv && data?.n_features === 2) {
      const classes = data.task === 'regression' ? [] : Array.from({ length: data.n_classes }, (_, c) => [c, data.class_names?.[c] ?? `class ${c}`]);
      const clsSel = classes.length ? sel('train-add-class', classes, addClass) : el('input', { id: 'train-add-class', type: 'number', step: 'any', value: String(addClass) });
      clsSel.addEventListener('change', () => { addClass = Number(clsSel.value); });
      dataBox.append(el('div', { class: 'row' }, [el('label', { for: 'train-add-class' }, data.task === 'regression' ? 'Click the plot to add a point with target' : 'Click the plot to add a point of'), clsSel]),
        state.extra.length ? btn(`Remove the ${state.extra.length} added points`, () => { state.extra = []; commit('data'); }, { id: 'train-clear-points' }) : '');
    }
    const csvIn = el('input', { type: 'file', id: 'train-csv', accept: '.csv,text/csv,text/plain' });
    csvIn.addEventListener('change', () => importCsv(csvIn.files[0]));
    dataBox.append(el('label', { for: 'train-csv' }, 'Or load a CSV (features..., label or target last)'), csvIn,
      el('div', { class: 'field-error', id: 'train-csv-error', role: 'alert' }, csvError),
      csv ? btn('Back to the built-in data sets', () => { csv = null; csvError = ''; commit('data'); }, { id: 'train-csv-clear' }) : '');
  }
  let addClass = 0;
  let csvError = '';
  let fitAfterLoad = false;

  function renderModel() {
    clear(modelBox);
    const hidden = el('input', { id: 'train-hidden', type: 'text', spellcheck: 'false', value: state.model.hidden.join(', '), placeholder: 'none: a linear model' });
    const err = el('div', { class: 'field-error' });
    hidden.addEventListener('change', () => {
      const t = hidden.value.trim();
      const w = t ? t.split(/[\s,]+/).map(Number) : [];
      if (w.length > 6 || !w.every((x) => Number.isInteger(x) && x >= 1 && x <= 512)) { err.textContent = 'hidden layers: up to 6 widths, whole numbers from 1 to 512, e.g. 16, 16'; return; }
      err.textContent = '';
      state.model = { ...state.model, hidden: w };
      commit();
    });
    const act = sel('train-act', ACTIVATIONS.map((a) => [a, a]), state.model.activation);
    act.addEventListener('change', () => { state.model = { ...state.model, activation: act.value }; commit(); });
    const init = sel('train-init', INITS.map((a) => [a, a === 'pytorch' ? 'pytorch (nn.Linear default)' : a === 'he' ? 'he (Kaiming uniform)' : 'xavier (Glorot uniform)']), state.model.init);
    init.addEventListener('change', () => { state.model = { ...state.model, init: init.value }; commit(); });
    const sizes = data ? [data.n_features, ...state.model.hidden, outputs()] : null;
    let dim = '';
    if (isEmbedding(state.loss)) {
      const d = el('input', { id: 'train-embedding-dim', type: 'number', min: '1', max: '64', step: '1', value: String(state.model.embedding_dim ?? 2) });
      d.addEventListener('change', () => { const v = Number(d.value); if (Number.isInteger(v) && v >= 1 && v <= 64) { state.model = { ...state.model, embedding_dim: v }; commit(); } });
      dim = el('div', { class: 'row' }, [el('label', { for: 'train-embedding-dim' }, 'embedding_dim'), d, el('span', { class: 'note' }, 'outputs; the view shows the first two')]);
    }
    modelBox.append(el('label', { for: 'train-hidden' }, 'Hidden layer widths'), hidden, err, dim,
      el('div', { class: 'row' }, [el('label', { for: 'train-act' }, 'activation'), act]),
      el('div', { class: 'row' }, [el('label', { for: 'train-init' }, 'init'), init]),
      el('p', { class: 'note', id: 'train-sizes' }, sizes ? `layers ${sizes.join('-')}, ${params(sizes)} parameters` : ''));
  }
  const outputs = () => (isEmbedding(state.loss) ? state.model.embedding_dim ?? 2 : data.task === 'multiclass' ? data.n_classes : 1);
  const params = (s) => s.slice(1).reduce((a, n, i) => a + n * (s[i] + 1), 0);

  function taskOf() { return data?.task || 'binary'; }

  function renderLoss() {
    clear(lossBox);
    const task = taskOf();
    const fits = LOSS_FITS[task];
    const lossSel = sel('train-loss', Object.keys(fits).map((n) => [n, n]), state.loss.type);
    lossSel.addEventListener('change', () => { state.loss = { type: lossSel.value }; commit(); });
    lossBox.append(el('label', { for: 'train-loss' }, `Loss (${task} task)`), lossSel,
      el('p', { class: 'note', id: 'train-loss-why' }, fits[state.loss.type] || `${state.loss.type} does not fit a ${task} task.`),
      el('p', { class: 'note' }, `Only losses that fit the task are offered. ${LOSS_WHY_NOT[task]}`));
    if (K.loss[state.loss.type]) lossBox.append(...paramFields('train-loss', K.loss[state.loss.type].params, state.loss, () => commit(), { skip: LOSS_SKIP }));
    if (isEmbedding(state.loss)) {
      const mining = sel('train-mining', [['random', 'negatives by the batch order'], ['hard', 'hard: the nearest other-class row'], ['semi-hard', 'semi-hard: nearest beyond the positive']], state.mining);
      mining.addEventListener('change', () => { state.mining = mining.value; commit(); });
      lossBox.append(el('label', { for: 'train-mining' }, 'Negatives in each batch (mining)'), mining);
    }
    const regSel = sel('train-reg', [['none', 'no regularization'], ['L2', 'L2 (ridge) λ Σ w²'], ['L1', 'L1 (lasso) λ Σ |w|'], ['ElasticNet', 'elastic net']], state.reg?.type || 'none');
    regSel.addEventListener('change', () => {
      state.reg = regSel.value === 'none' ? null : regSel.value === 'ElasticNet' ? { type: 'ElasticNet', l1: 1e-4, l2: 1e-3 } : { type: regSel.value, lambda: 1e-3 };
      commit();
    });
    lossBox.append(el('label', { for: 'train-reg' }, 'Regularization (added to the loss, over every parameter)'), regSel);
    if (state.reg) lossBox.append(...paramFields('train-reg', K.loss[state.reg.type].params, state.reg, () => commit(), { fold: false }));
  }

  function renderOpt() {
    clear(optBox);
    const optSel = sel('train-opt', registry.optimizers.filter((k) => !SKIP_OPTIMIZERS.has(k.name)).map((k) => [k.name, k.name]), state.opt.type);
    optSel.addEventListener('change', () => {
      const lr = state.opt.lr;
      state.opt = { type: optSel.value };
      if (lr !== undefined) state.opt.lr = lr;
      commit();
    });
    optBox.append(el('label', { for: 'train-opt' }, 'Optimizer'), optSel, el('p', { class: 'note' }, K.opt[state.opt.type]?.summary || ''),
      ...paramFields('train-opt', K.opt[state.opt.type].params, state.opt, () => commit()));
    const schedSel = sel('train-sched', [['none', 'constant learning rate'], ...registry.schedulers.map((k) => [k.name, k.name])], state.sched?.type || 'none');
    schedSel.addEventListener('change', () => {
      state.sched = schedSel.value === 'none' ? null : schedulerStarter(schedSel.value, budget(), state.opt.lr ?? 0.01);
      if (state.sched?.type === 'ReduceLROnPlateau') state.interval = 'epoch';
      commit();
    });
    optBox.append(el('label', { for: 'train-sched' }, 'Learning-rate schedule'), schedSel);
    if (state.sched) {
      const kind = K.sched[state.sched.type];
      const interval = sel('train-interval', [['step', 'scheduler.step() after every optimizer step'], ['epoch', 'scheduler.step() once per epoch']], state.interval);
      interval.disabled = state.sched.type === 'ReduceLROnPlateau';
      interval.addEventListener('change', () => { state.interval = interval.value; commit(); });
      optBox.append(el('p', { class: 'note' }, kind.summary),
        ...paramFields('train-sched', kind.params, state.sched, () => commit(), { skip: ['lr'] }),
        el('label', { for: 'train-interval' }, 'interval'), interval, orderControl(),
        el('p', { class: 'note' }, state.sched.type === 'ReduceLROnPlateau' ? 'Watches the validation loss at the end of each epoch.'
          : `This run has ${budget()} scheduler steps (${state.epochs} epochs${state.interval === 'step' ? ` × ${stepsPerEpoch()} steps` : ''}).`),
        btn('Fit the schedule to this run\'s length', () => { state.sched = fitSchedule(state.sched); commit(); }, { id: 'train-fit-sched' }));
    }
  }

  // scheduler.step() before optimizer.step(): PyTorch warns, and the first value of the schedule is skipped.
  function orderControl() {
    const order = sel('train-order', [['after', 'optimizer.step(), then scheduler.step() (right)'], ['before', 'scheduler.step() first (the classic mistake)']], state.order);
    order.disabled = state.interval !== 'step' || state.sched?.type === 'ReduceLROnPlateau';
    order.addEventListener('change', () => { state.order = order.value; commit(); });
    return el('div', {}, [el('label', { for: 'train-order' }, 'order in each step'), order]);
  }

  const nTrain = () => data?.n_train ?? 100;
  const stepsPerEpoch = () => (state.bmode === 'full' ? 1 : Math.ceil(nTrain() / (state.bmode === 'sgd' ? 1 : Math.min(state.batch, nTrain()))));
  const budget = () => state.epochs * (state.interval === 'step' ? stepsPerEpoch() : 1);
  // The schedule's length parameters set to the run's number of scheduler steps.
  function fitSchedule(s) {
    const fresh = schedulerStarter(s.type, budget(), state.opt.lr ?? 0.01);
    const keys = { OneCycleLR: ['total_steps'], CosineAnnealingLR: ['T_max'], PolynomialLR: ['total_iters'], StepLR: ['step_size'],
      MultiStepLR: ['milestones'], CosineAnnealingWarmRestarts: ['T_0'], CyclicLR: ['step_size_up'], SequentialLR: ['schedulers', 'milestones'],
      ExponentialLR: ['gamma'] }[s.type] || [];
    const out = { ...s };
    for (const k of keys) out[k] = fresh[k];
    if (s.type === 'OneCycleLR') { delete out.epochs; delete out.steps_per_epoch; }
    return out;
  }

  function renderBatch() {
    clear(batchBox);
    const mode = sel('train-bmode', [['full', 'full batch (one step per epoch)'], ['mini', 'mini-batch of B'], ['sgd', 'stochastic (B = 1)']], state.bmode);
    mode.addEventListener('change', () => { state.bmode = mode.value; commit(); });
    const b = el('input', { id: 'train-batch', type: 'number', min: '1', step: '1', value: String(state.batch) });
    b.disabled = state.bmode !== 'mini';
    b.addEventListener('change', () => { const v = Number(b.value); if (Number.isInteger(v) && v >= 1) { state.batch = v; commit(); } });
    const ep = el('input', { id: 'train-epochs', type: 'number', min: '1', step: '1', value: String(state.epochs) });
    ep.addEventListener('change', () => { const v = Number(ep.value); if (Number.isInteger(v) && v >= 1 && v <= 100000) { state.epochs = v; commit(); } });
    const tseed = el('input', { id: 'train-seed', type: 'number', min: '0', step: '1', value: String(state.seed) });
    tseed.addEventListener('change', () => { const v = Number(tseed.value); if (Number.isInteger(v) && v >= 0) { state.seed = v; commit(); } });
    const esBox = el('input', { type: 'checkbox', id: 'train-es' });
    esBox.checked = !!state.es;
    esBox.addEventListener('change', () => { state.es = esBox.checked ? { patience: 5, min_delta: 0, restore_best: true } : null; commit(); });
    const clipSel = sel('train-clip', [['none', 'no gradient clipping'], ['norm', 'clip the norm (clip_grad_norm_)'], ['value', 'clip each value (clip_grad_value_)']],
      state.clip ? (state.clip.clip_value !== undefined ? 'value' : 'norm') : 'none');
    clipSel.addEventListener('change', () => { state.clip = clipSel.value === 'none' ? null : clipSel.value === 'norm' ? { max_norm: 1 } : { clip_value: 0.5 }; commit(); });
    batchBox.append(el('label', { for: 'train-bmode' }, 'Batches'), mode,
      el('div', { class: 'row' }, [el('label', { for: 'train-batch' }, 'B'), b, el('span', { class: 'note' }, `${stepsPerEpoch()} steps per epoch on ${nTrain()} training rows`)]),
      el('div', { class: 'row' }, [el('label', { for: 'train-epochs' }, 'epochs'), ep, el('label', { for: 'train-seed' }, 'seed'), tseed]),
      bssControl(),
      el('label', { class: 'inline' }, [esBox, ' early stopping on the validation loss']));
    if (state.es) batchBox.append(...paramFields('train-es', ES_PARAMS, state.es, () => commit(), { fold: false }));
    batchBox.append(el('label', { for: 'train-clip' }, 'Gradient clipping'), clipSel);
    if (state.clip) batchBox.append(...paramFields('train-clip', CLIP_PARAMS.filter((p) => p.name in state.clip || (p.name === 'norm_type' && 'max_norm' in state.clip)), state.clip, () => commit(), { fold: false }));
  }

  // The batch-size schedule: multiply B by gamma at the start of each milestone epoch (mini-batches only).
  function bssControl() {
    const on = el('input', { type: 'checkbox', id: 'train-bss' });
    on.checked = !!state.bss;
    on.disabled = state.bmode !== 'mini';
    on.addEventListener('change', () => {
      state.bss = on.checked ? { milestones: [Math.round(state.epochs / 3), Math.round((2 * state.epochs) / 3)], gamma: 2 } : null;
      commit();
    });
    const out = [el('label', { class: 'inline' }, [on, ' increase the batch size at milestones (instead of decaying the rate)'])];
    if (state.bss && state.bmode === 'mini') out.push(...paramFields('train-bss', BSS_PARAMS, state.bss, () => commit(), { fold: false }));
    return el('div', {}, out);
  }

  // ---------------------------------------------------------------- data
  async function loadData() {
    const g = ++dataGen;
    halt();
    try {
      if (state.data.name === 'digits' && !digitsLoaded) {
        await lab.call('loadDigits', { bytes: digitsGz });
        digitsLoaded = true;
      }
      raw = !csv && state.extra.length ? await lab.call('dataset', { spec: { ...state.data, standardize: false } }) : null;
      const spec = datasetSpec(state, raw, csv);
      const d = await lab.call('dataset', { spec });
      if (g !== dataGen) return;
      data = d;
      data.spec = spec;
      settingsErr.textContent = '';
    } catch (e) {
      if (g !== dataGen) return;
      settingsErr.textContent = e.message;
      return;
    }
    view = data.n_features <= 2 ? viewOf(data) : null;
    regions = null;
    line = null;
    if (fitAfterLoad) {
      fitAfterLoad = false;
      state.sched = fitSchedule(state.sched);
      setState(state);
    }
    if (!LOSS_FITS[data.task][state.loss.type]) {
      state.loss = { type: Object.keys(LOSS_FITS[data.task])[0] };
      setState(state);
    }
    cur.state = structuredClone(state);
    discardRun();
    renderControls();
    drawPicture();
  }

  async function importCsv(file) {
    if (!file) return;
    csvError = '';
    let parsed;
    try {
      if (file.size > 4e6) throw new Error(`the file is too large (${file.size} bytes; at most 4 MB)`);
      parsed = parseCsv(await file.text());
      // the core checks it too, before anything changes
      await lab.call('dataset', { spec: { X: parsed.X, y: parsed.y, task: parsed.task, val_fraction: state.data.val_fraction ?? 0.2, seed: state.data.seed ?? 0 } });
    } catch (e) {
      csvError = `${file.name} was not loaded: ${e.message}`;
      renderData();
      return;
    }
    csv = { ...parsed, name: `${file.name} (${parsed.n} rows, ${parsed.d} features, ${parsed.task})` };
    state.extra = [];
    commit('data');
  }

  function drawPicture() {
    const two = data && data.n_features === 2;
    const one = data && data.n_features === 1;
    canvas.hidden = !(two || one || (data && data.n_features > 2 && data.n_features !== 64));
    digitsCanvas.hidden = !(data && data.n_features === 64);
    embedCanvas.hidden = embedTitle.hidden = !(data && isEmbedding(state.loss));
    if (!data) return;
    if (!embedCanvas.hidden) drawEmbedding(embedCanvas, data, embedding);
    if (!digitsCanvas.hidden) drawDigits(digitsCanvas, data);
    if (!canvas.hidden) {
      const v = view || viewOf({ ...data, n_features: 2, X: firstTwo(data) });
      drawData(canvas, data.n_features > 2 ? { ...data, n_features: 2, X: firstTwo(data) } : data, v, { regions, line, added: addedPoints() });
    }
    dataNote.textContent = data.n_features === 2 ? `${data.n_train} training points (filled), ${data.n_val} validation points (open); ${csv ? '' : 'click to add a point. '}Background: the model's prediction.`
      : data.n_features === 1 ? `${data.n_train} training points (filled), ${data.n_val} validation (open); the orange line is the model.`
        : data.n_features === 64 ? `${data.n_samples} images of 8×8 pixels (the first ${Math.min(40, data.n_samples)} shown with their labels), ${data.n_train} for training.`
          : `${data.n_samples} rows of ${data.n_features} features, shown on the first two; ${data.n_train} for training.`;
  }
  const firstTwo = (d) => Float32Array.from({ length: d.n_samples * 2 }, (_, i) => d.X[Math.floor(i / 2) * d.n_features + (i % 2)]);
  // the added points in feature space (they are kept in raw units)
  const addedPoints = () => (data && !csv && data.n_features === 2 ? state.extra.map(([a, b]) => [(a - data.mean[0]) / data.scale[0], (b - data.mean[1]) / data.scale[1]]) : []);

  canvas.addEventListener('click', (ev) => {
    if (!data || csv || data.n_features !== 2 || state.extra.length >= 500) return;
    const [x, y] = toData(canvas, view, ev);
    state.extra = [...state.extra, [+(x * data.scale[0] + data.mean[0]).toPrecision(4), +(y * data.scale[1] + data.mean[1]).toPrecision(4), addClass]];
    commit('data');
  });

  // ---------------------------------------------------------------- training
  function config(slot = cur) {
    const spec = slot === cur ? data.spec : slot.spec;
    return trainerConfig(slot.state, spec);
  }

  async function ensureRun(slot) {
    if (slot.id !== null || slot.creating) return slot.creating;
    const g = runGen;
    slot.creating = (async () => {
      try {
        const info = await lab.call('trainCreate', { config: config(slot) });
        if (g !== runGen && slot === cur) { lab.call('trainDispose', { run: info.run }); return; }
        slot.id = info.run;
        slot.info = info;
        slot.spec = slot.spec || data.spec;
        slot.status = 'running';
        if (slot === cur) settingsErr.textContent = '';
      } catch (e) {
        if (slot === cur) { settingsErr.textContent = e.message; pause(); }
        slot.status = 'error';
        slot.error = e.message;
      } finally {
        slot.creating = null;
      }
    })();
    return slot.creating;
  }

  function discardRun() {
    runGen++;
    halt();
    if (cur.id !== null) lab.call('trainDispose', { run: cur.id });
    cur = newSlot(state);
    regions = null;
    line = null;
    embedding = null;
    renderAll();
  }

  // One request for a slot: new history appended, pictures and metrics refreshed.
  function advance(slot, req) {
    if (slot.busy || (slot.status !== 'running' && slot.id !== null && !req.force)) return slot.inflight;
    slot.busy = true;
    slot.inflight = advanceNow(slot, req);
    return slot.inflight;
  }

  async function advanceNow(slot, req) {
    try {
      await ensureRun(slot);
      if (slot.id === null) return;
      const g = runGen;
      const two = slot === cur && data.n_features === 2;
      const one = slot === cur && data.n_features === 1;
      const r = await lab.call('trainStep', {
        run: slot.id, ...req.args, grid: two && req.pictures ? { x: view.x, y: view.y, nx: GRID, ny: GRID } : undefined,
        line: one && req.pictures ? { x: view.x, n: 160 } : undefined, evaluate: req.evaluate,
        inspect: slot === cur && wantInspect ? true : undefined,
        inspect_every: slot === cur && wantInspect ? Math.max(1, Math.round(budget() / 400)) : undefined,
      });
      if (slot === cur && g !== runGen) return;
      absorb(slot, r);
      if (slot === cur) for (const fn of listeners) fn(r, { run: slot.id, info: slot.info, config: config(slot) });
      if (r.grid) regions = regionImage(r.grid, GRID, GRID, data);
      if (r.line) line = { x: view.x, values: r.line };
      if (slot === cur && req.pictures && slot.info?.task === 'embedding') {
        embedding = { values: await lab.call('trainEmbed', { run: slot.id, X: data.X }), dim: slot.info.n_outputs };
      }
    } catch (e) {
      // the core refused to go on (e.g. a loss's input overflowed): the run ends here, with the reason
      slot.status = 'error';
      slot.error = e.message;
      if (slot === cur) halt();
    } finally {
      slot.busy = false;
    }
  }

  function absorb(slot, r) {
    const c = slot.cols;
    c.loss.push(r.steps.loss);
    c.lr.push(r.steps.lr);
    c.grad_norm.push(r.steps.grad_norm);
    c.train_loss.push(r.epochs.train_loss);
    c.val_loss.push(r.epochs.val_loss);
    c.train_m.push(r.epochs.train_accuracy ?? r.epochs.train_mse);
    c.val_m.push(r.epochs.val_accuracy ?? r.epochs.val_mse);
    slot.status = r.status;
    slot.stop = { epochs_done: r.epochs_done, steps_done: r.steps_done, diverged: r.diverged, best_epoch: r.best_epoch, lr: r.lr };
    if (r.metrics) slot.metrics = r.metrics;
    if (slot === cur) {
      rate.steps += r.steps.loss.length;
      const now = performance.now();
      if (now - rate.t >= 1000) {
        rate.value = rate.t ? (rate.steps * 1000) / (now - rate.t) : 0;
        rate.t = now;
        rate.steps = 0;
      }
    }
  }

  function play() {
    if (cur.status && cur.status !== 'running') reset();
    playing = true;
    playBtn.textContent = 'Pause';
    lastFrame = 0;
    rate.t = 0;
    rate.steps = 0;
    requestAnimationFrame(tick);
  }

  function halt() {
    playing = false;
    racing = false;
    playBtn.textContent = 'Play';
  }

  function pause() {
    if (!playing) return;
    halt();
    // the final metrics of where it stopped
    if (cur.id !== null) advance(cur, { args: { steps: 0 }, pictures: true, evaluate: true, force: true }).then(renderAll);
  }

  // Each animation frame: draw what came back, and ask every running slot for its next slice.
  // The worker trains while the page draws: a slice lasts about one frame of the page as it runs now.
  let lastFrame = 0;
  let frameMs = 16;
  function tick(now) {
    if (!playing) return;
    if (!controls.isConnected) { halt(); return; } // another room was opened
    frames++;
    if (lastFrame) frameMs = 0.8 * frameMs + 0.2 * Math.min(now - lastFrame, 120);
    lastFrame = now;
    const racers = racing ? [cur, ...pins.filter((p) => p.inRace !== false && (p.status === 'running' || p.status === null))] : [cur];
    const ms = state.speed === 0 ? Math.max(2, Math.min(100, 0.9 * frameMs) / racers.length) : undefined;
    for (const s of racers) {
      advance(s, { args: ms ? { ms } : { steps: state.speed }, pictures: s === cur && frames % 3 === 0, evaluate: frames % 20 === 0 });
    }
    const t0 = performance.now();
    renderAll();
    document.body.dataset.trainDrawMs = String(Math.round(performance.now() - t0));
    if (racers.every((s) => s.status && s.status !== 'running' && !s.busy)) {
      pause();
      return;
    }
    requestAnimationFrame(tick);
  }

  async function stepOnce(epoch) {
    pause();
    while (cur.busy) await cur.inflight;
    if (cur.status && cur.status !== 'running') return;
    await advance(cur, { args: epoch ? { epoch: true } : { steps: 1 }, pictures: true, evaluate: true });
    renderAll();
  }

  function reset() {
    discardRun();
    notify('');
  }

  // ---------------------------------------------------------------- compare
  function pin() {
    if (!cur.cols.loss.n) { notify('Train this run first, then pin it.'); return; }
    if (pins.length >= MAX_PINS) { notify(`At most ${MAX_PINS} pinned runs (8 on a chart with the current one): remove one first.`, 'warn'); return; }
    pause();
    const p = cur;
    p.label = runLabel(p.state);
    p.spec = data.spec;
    pins.push(p);
    cur = newSlot(state);
    renderPins();
    renderAll();
  }

  function renderPins() {
    clear(pinList);
    pins.forEach((p, i) => {
      const diff = settingsDiff(state, p.state);
      pinList.append(el('li', { style: `border-left: 4px solid ${PALETTE[(i + 1) % PALETTE.length]}` }, [
        el('strong', {}, p.label), ' ', el('span', { class: 'note' }, diff.length ? `(${diff.join('; ')})` : '(same settings as now)'), ' ',
        el('span', { class: 'note' }, stopText(p)), ' ', raceBox(p, i),
        btn('Use these settings', () => { Object.assign(state, structuredClone(p.state)); commit('data'); }, { 'aria-label': `Use the settings of pinned run ${i + 1}` }),
        btn('Remove', () => { if (p.id !== null) lab.call('trainDispose', { run: p.id }); pins.splice(i, 1); renderPins(); renderAll(); }, { 'aria-label': `Remove pinned run ${i + 1}` })]));
    });
    raceBtn.disabled = !pins.length;
  }

  function raceBox(p, i) {
    const b = el('input', { type: 'checkbox', id: `train-race-${i}` });
    b.checked = p.inRace !== false;
    b.addEventListener('change', () => { p.inRace = b.checked; });
    return el('label', { class: 'inline', for: `train-race-${i}` }, [b, ' race']);
  }

  // Re-runs the chosen pinned setups and the current one from scratch, all at once.
  async function race() {
    if (!pins.length) return;
    pause();
    discardRun();
    for (const p of pins.filter((q) => q.inRace !== false)) {
      if (p.id !== null) lab.call('trainDispose', { run: p.id });
      Object.assign(p, newSlot(p.state), { label: p.label, spec: p.spec });
    }
    racing = true;
    playing = true;
    playBtn.textContent = 'Pause';
    requestAnimationFrame(tick);
  }

  // ---------------------------------------------------------------- drawing
  const fmt = (v) => (v == null || Number.isNaN(v) ? '-' : fmtValue(v));

  function stopText(s) {
    const st = s.stop;
    if (s.status === 'error') return s.id === null ? `could not start: ${s.error}` : `stopped by the core at step ${st?.steps_done ?? 0}: ${s.error}`;
    if (!st) return 'not started';
    if (s.status === 'diverged') return `diverged at step ${st.diverged.step}: the loss was not finite; last finite loss ${fmt(st.diverged.last_loss)}. Lower the learning rate or clip the gradients.`;
    if (s.status === 'stopped') return `stopped early after epoch ${st.epochs_done}: no validation improvement for more than ${s.state.es?.patience} epochs; best epoch ${st.best_epoch}${s.state.es?.restore_best === false ? '' : ' (its weights restored)'}.`;
    if (s.status === 'done') return `done: all ${st.epochs_done} epochs (${st.steps_done} steps).`;
    return `running: epoch ${st.epochs_done} of ${s.state.epochs}, step ${st.steps_done}, lr ${fmt(st.lr)}`;
  }

  // Series of the current run and the pinned ones for one chart.
  function series(keys, names) {
    const out = [];
    const add = (slot, i, label, dash) => keys.forEach((k, j) => {
      const v = slot.cols[k].view();
      out.push({ label: `${label}${names[j] ? `: ${names[j]}` : ''}`, values: v, color: PALETTE[i % PALETTE.length], dash: j ? [2, 3] : dash });
    });
    add(cur, 0, `now (${runLabel(state)})`, undefined);
    pins.forEach((p, i) => add(p, i + 1, `${i + 1}: ${p.label}`, [8, 4]));
    const n = Math.max(0, ...out.map((s) => s.values.length));
    for (const s of out) if (s.values.length < n) s.values = pad(s.values, n);
    return out;
  }
  const padCache = new WeakMap();
  function pad(v, n) {
    const hit = padCache.get(v);
    if (hit && hit.length === n) return hit;
    const a = new Array(n).fill(null);
    for (let i = 0; i < v.length; i++) a[i] = v[i];
    if (v.length) padCache.set(v, a);
    return a;
  }
  const range1 = (n) => Float64Array.from({ length: n }, (_, i) => i + 1);

  function renderAll() {
    const reg = (data?.task || 'binary') === 'regression';
    metricTitle.textContent = reg ? 'Mean squared error per epoch' : 'Accuracy per epoch';
    charts.metric.yLabel = reg ? 'MSE' : 'accuracy';
    const ep = series(['train_loss', 'val_loss'], ['train', 'val']);
    const epm = series(['train_m', 'val_m'], ['train', 'val']);
    const n = Math.max(0, ...ep.map((s) => s.values.length));
    charts.loss.setData(ep, range1(n));
    charts.metric.setData(epm, range1(n));
    charts.lr.setData(series(['lr'], ['']));
    charts.grad.setData(series(['grad_norm'], ['']));
    const st = cur.stop;
    counter.textContent = st ? `epoch ${st.epochs_done} / ${state.epochs}, step ${st.steps_done}${playing && rate.value ? `, ${Math.round(rate.value)} steps/s` : ''}` : `epoch 0 / ${state.epochs}`;
    stopLine.textContent = stopText(cur);
    stopLine.dataset.status = cur.status || 'new';
    document.body.dataset.trainSteps = String(st?.steps_done ?? 0);
    document.body.dataset.trainStatus = cur.status || 'new';
    document.body.dataset.trainRate = String(Math.round(rate.value));
    // the rest only when it changed
    if (shown.metrics !== cur.metrics) { shown.metrics = cur.metrics; renderMetrics(); }
    if (shown.regions !== regions || shown.line !== line || shown.data !== data || shown.embedding !== embedding) {
      Object.assign(shown, { regions, line, data, embedding });
      drawPicture();
    }
    if (pinList.childElementCount) {
      for (const [i, li] of [...pinList.children].entries()) {
        const t = stopText(pins[i]);
        const note = li.querySelectorAll('.note')[1];
        if (note.textContent !== t) note.textContent = t;
      }
    }
    renderCode();
  }
  const shown = {};

  function renderMetrics() {
    clear(metricsBox);
    const m = cur.metrics;
    if (!m) { metricsBox.append(el('p', {}, 'Train (Play or Step) to see the metrics.')); return; }
    const keys = 'accuracy' in m.val ? ['loss', 'accuracy', 'precision', 'recall', 'f1', 'auroc'] : ['loss', 'mse', 'mae'];
    const names = { loss: 'loss', accuracy: 'accuracy', precision: 'precision', recall: 'recall', f1: 'F1', auroc: 'AUROC', mse: 'MSE', mae: 'MAE' };
    const rows = keys.filter((k) => k in m.val).map((k) => el('tr', {}, [el('th', { scope: 'row' }, names[k]), el('td', {}, fmt(m.train[k])), el('td', {}, fmt(m.val[k]))]));
    metricsBox.append(el('table', { id: 'train-metrics-table' }, [el('thead', {}, el('tr', {}, [el('th', {}, ''), el('th', {}, 'train'), el('th', {}, 'validation')])), el('tbody', {}, rows)]));
    if ('precision' in m.val) {
      metricsBox.append(el('p', { class: 'note' }, data.n_classes > 2 ? 'Precision, recall and F1: macro averages over the classes.' : 'Precision, recall and F1 of class 1 (the positive class); with a rare class, accuracy alone lies.'));
    }
    if (m.val.confusion) {
      const k = m.val.confusion.length;
      const name = (c) => data.class_names?.[c] ?? String(c);
      metricsBox.append(el('p', { class: 'note' }, 'Confusion matrix (validation): rows are the true class, columns the predicted one.'),
        el('table', { class: 'confusion', id: 'train-confusion' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, ''), ...Array.from({ length: k }, (_, c) => el('th', { scope: 'col', style: `color:${CLASS_COLORS[c % CLASS_COLORS.length]}` }, name(c)))])),
        el('tbody', {}, m.val.confusion.map((row, r) => el('tr', {}, [el('th', { scope: 'row' }, name(r)), ...row.map((v, c) => el('td', { class: r === c ? 'diag' : '' }, String(v)))])))]));
    }
  }

  let codeKey = '';
  function renderCode() {
    if (!data) return;
    const cfg = config();
    const key = JSON.stringify([cfg, data.n_samples]);
    if (key === codeKey) return;
    codeKey = key;
    code.textContent = trainingScript(cfg, data, [data.n_features, ...state.model.hidden, outputs()]);
  }

  // ---------------------------------------------------------------- export
  async function exportHistory(kind) {
    const c = cur.cols;
    if (kind === 'csv') {
      const lines = ['step,loss,lr,grad_norm'];
      for (let i = 0; i < c.loss.n; i++) lines.push(`${i + 1},${c.loss.a[i]},${c.lr.a[i]},${c.grad_norm.a[i]}`);
      lines.push('', `epoch,train_loss,val_loss,train_${reg() ? 'mse' : 'accuracy'},val_${reg() ? 'mse' : 'accuracy'}`);
      for (let i = 0; i < c.train_loss.n; i++) lines.push(`${i + 1},${c.train_loss.a[i]},${c.val_loss.a[i]},${c.train_m.a[i]},${c.val_m.a[i]}`);
      downloadText('steplab-training-history.csv', lines.join('\n') + '\n', 'text/csv');
      return;
    }
    const arr = (k) => Array.from(c[k].view());
    downloadText('steplab-training-history.json', JSON.stringify({ config: config(), status: cur.status, stop: cur.stop,
      steps: { loss: arr('loss'), lr: arr('lr'), grad_norm: arr('grad_norm') },
      epochs: { train_loss: arr('train_loss'), val_loss: arr('val_loss'), [`train_${reg() ? 'mse' : 'accuracy'}`]: arr('train_m'), [`val_${reg() ? 'mse' : 'accuracy'}`]: arr('val_m') } }), 'application/json');
  }
  const reg = () => data?.task === 'regression';

  async function exportWeights() {
    await ensureRun(cur);
    if (cur.id === null) return;
    const w = await lab.call('trainWeights', { run: cur.id });
    const layers = w.map((L, i) => ({ name: `fc${i + 1}`, weight: L.W.map((r) => Array.from(r)), bias: Array.from(L.b) }));
    downloadText('steplab-weights.json', JSON.stringify({ sizes: cur.info.sizes, activation: state.model.activation, steps_done: cur.stop?.steps_done ?? 0, layers }), 'application/json');
  }

  async function exportCheckpoint() {
    await ensureRun(cur);
    if (cur.id === null) return;
    pause();
    const bytes = await lab.call('trainSave', { run: cur.id });
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    download(`steplab-run-step${cur.stop?.steps_done ?? 0}.steplab`, url);
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  ckptIn.addEventListener('change', async () => {
    const file = ckptIn.files[0];
    if (!file) return;
    pause();
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const r = await lab.call('trainRestore', { bytes });
      const c = r.config || {};
      // the settings the checkpoint was made with, where the page has controls for them
      if (c.dataset?.name) state.data = c.dataset;
      for (const [k, from] of [['model', 'model'], ['loss', 'loss'], ['opt', 'optimizer'], ['sched', 'scheduler'], ['reg', 'regularization'], ['es', 'early_stopping'], ['clip', 'grad_clip']]) {
        state[k] = c[from] ?? (k === 'model' || k === 'loss' || k === 'opt' ? state[k] : null);
      }
      if (c.epochs) state.epochs = c.epochs;
      if (c.seed !== undefined) state.seed = c.seed;
      if (c.scheduler_interval) state.interval = c.scheduler_interval;
      if (c.batch_size === 'full') state.bmode = 'full';
      else if (c.batch_size === 1) state.bmode = 'sgd';
      else if (c.batch_size) { state.bmode = 'mini'; state.batch = c.batch_size; }
      setState(state);
      if (c.dataset?.name) { csv = null; state.extra = []; await loadData(); }
      cur = newSlot(state);
      cur.id = r.run;
      cur.info = r;
      cur.spec = data.spec;
      absorb(cur, { ...r, steps: r.history.steps, epochs: r.history.epochs, diverged: null, best_epoch: 0, lr: r.history.steps.lr.at(-1) });
      await advance(cur, { args: { steps: 0 }, pictures: true, evaluate: true, force: true });
      renderControls();
      renderAll();
      notify(`Checkpoint loaded at step ${r.steps_done} (epoch ${r.epochs_done}): Play continues it exactly where it was saved.`);
    } catch (e) {
      notify(`${file.name} was not loaded: ${e.message}`, 'warn');
    }
    ckptIn.value = '';
  });

  // ---------------------------------------------------------------- wiring
  presetSel.addEventListener('change', () => {
    const p = PRESETS[Number(presetSel.value)];
    if (!p) return;
    csv = null;
    Object.assign(state, structuredClone(PROPS_DEFAULTS), structuredClone(p.state));
    presetWhy.textContent = p.why;
    fitAfterLoad = !!state.sched;
    commit('data');
  });
  speedSel.addEventListener('change', () => { state.speed = Number(speedSel.value); setState(state); });
  logBox.addEventListener('change', () => {
    state.log = logBox.checked;
    setState(state);
    for (const c of [charts.loss, charts.grad]) c.setLog(state.log);
  });
  canvas.addEventListener('keydown', (ev) => {
    if (ev.key === ' ' || ev.key === 'Enter') { ev.preventDefault(); if (playing) pause(); else play(); }
    if (ev.key === 'ArrowRight') { ev.preventDefault(); stepOnce(false); }
  });
  new ResizeObserver(() => drawPicture()).observe(canvas);
  new ResizeObserver(() => drawPicture()).observe(digitsCanvas);
  new ResizeObserver(() => drawPicture()).observe(embedCanvas);

  charts.loss.log = charts.grad.log = state.log;
  renderPins();
  loadData();

  const api = {
    setState(next) { state = next; loadData(); },
    /** The trainer config of the current settings (createTrainer's shape), or null before the data are loaded. */
    getConfig: () => (data ? config() : null),
    /** Merges settings: { lr } sets the optimizer's learning rate, { max_lr } a one-cycle schedule; other keys are room settings. */
    setConfig(partial) {
      const { lr, max_lr, ...rest } = partial || {};
      if (lr !== undefined) state.opt = { ...state.opt, lr };
      if (max_lr !== undefined) state.sched = { ...fitSchedule(schedulerStarter('OneCycleLR', budget(), max_lr)), max_lr };
      Object.assign(state, rest);
      commit(Object.keys(rest).some((k) => k === 'data' || k === 'extra') ? 'data' : 'run');
    },
    series: () => ({ lr: Array.from(cur.cols.lr.view()), loss: Array.from(cur.cols.loss.view()), train_loss: Array.from(cur.cols.train_loss.view()),
      val_loss: Array.from(cur.cols.val_loss.view()), pins: pins.map((p) => ({ label: p.label, steps: p.cols.loss.n, train_loss: Array.from(p.cols.train_loss.view()) })) }),
    charts,
    /** fn(result of each trainStep of the current run, { run, info, config }); returns the unsubscribe function. */
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    /** Whether each trainStep of the current run also returns run.inspect() (for a panel that shows it). */
    requestInspect(on) { wantInspect = !!on; },
  };
  mountExtras?.(extras, api);
  window.steplabTraining = api; // the hook the other panels and the tests use
  return api;
}

// Settings from a link are checked by the core before they are used (the digits' pixels load with the room).
export async function validateTrain(lab, values) {
  if (values.data.name === 'digits') return [];
  try {
    const d = await lab.call('dataset', { spec: values.data });
    if (!LOSS_FITS[d.task][values.loss.type]) return [`loss: ${values.loss.type} does not fit the ${d.task} data set ${values.data.name}`];
    const { run } = await lab.call('trainCreate', { config: trainerConfig({ ...values, extra: [] }, values.data) });
    await lab.call('trainDispose', { run });
  } catch (e) {
    return [e.message];
  }
  return [];
}

const PROPS_DEFAULTS = Object.fromEntries(Object.entries(PROPS).map(([k, p]) => [k, p.def]));
const BSS_PARAMS = [
  { name: 'milestones', kind: 'numbers', help: 'epochs (0-based) at whose start the batch size changes' },
  { name: 'gamma', kind: 'number', default: 2, help: 'factor applied to the batch size at each milestone' },
];
const ES_PARAMS = [
  { name: 'patience', kind: 'integer', default: 5, help: 'epochs without improvement before stopping' },
  { name: 'min_delta', kind: 'number', default: 0, help: 'smallest decrease that counts as improvement' },
  { name: 'restore_best', kind: 'boolean', default: 1, help: 'go back to the best epoch\'s weights' },
];
const CLIP_PARAMS = [
  { name: 'max_norm', kind: 'number', default: 1, help: 'largest gradient norm; larger gradients are scaled down' },
  { name: 'norm_type', kind: 'number', default: 2, help: 'which p-norm' },
  { name: 'clip_value', kind: 'number', default: 0.5, help: 'each gradient element clamped to [-v, v]' },
];
