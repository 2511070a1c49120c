// The Training room's settings column: presets, the data set and its parameters (or a CSV, or
// points added by clicking), the model, the loss (only those that fit the task) and the
// regularization, the optimizer and the schedule, batches, epochs, early stopping and clipping.
// Every choice comes from the core's registry; a change goes through room.commit().
import { el, clear, select, button as btn } from '../../shared/dom.js';
import { paramFields } from '../../shared/param-fields.js';
import { ACTIVATIONS, INITS } from '../../shared/train-settings.js';
import { groupedChoices, lossFits, lossesFor, isEmbeddingLoss, penalties, trainerOptimizers, trainerSchedulerFor, fitSchedule } from '../../shared/choices.js';
import { firstEpochSteps } from '../../shared/remote-run.js';
import { TRAIN_DEFAULTS } from './train-config.js';
import { PRESETS } from './train-presets.js';
import { lossWhy, lossWhyNot, penaltyLabel } from './train-text.js';
import { groupsControl } from './train-groups.js';

const DATA_SKIP = ['standardize', 'shuffle', 'name'];
const LOSS_SKIP = ['weight', 'pos_weight', 'ignore_index'];
const BSS_PARAMS = [
  { name: 'milestones', kind: 'numbers', help: 'epochs (0-based) at whose start the batch size changes' },
  { name: 'gamma', kind: 'number', default: 2, help: 'factor applied to the batch size at each milestone' },
];
const ES_PARAMS = [
  { name: 'patience', kind: 'integer', default: 5, help: 'stops at this many epochs in a row without improvement (Keras, Lightning)' },
  { name: 'min_delta', kind: 'number', default: 0, help: 'smallest decrease that counts as improvement' },
  { name: 'restore_best', kind: 'boolean', default: 1, help: 'go back to the best epoch\'s weights' },
];
const CLIP_PARAMS = [
  { name: 'max_norm', kind: 'number', default: 1, help: 'largest gradient norm; larger gradients are scaled down' },
  { name: 'norm_type', kind: 'number', default: 2, help: 'which p-norm' },
  { name: 'clip_value', kind: 'number', default: 0.5, help: 'each gradient element clamped to [-v, v]' },
];
const names = (list) => list.map((n) => [n, n]);

// Builds the column into `column`; adds to room: commit, renderControls, budget, stepsPerEpoch,
// nTrain, outputs, fitSchedule, presetWhy.
export function mountControls(room, column) {
  const { registry: reg } = room;
  const presetSel = select('train-preset', [['', 'Choose a preset...'], ...PRESETS.map((p, i) => [i, p.name])], '');
  const presetWhy = el('p', { class: 'note', id: 'train-preset-why' });
  const dataBox = el('div', {});
  const modelBox = el('div', {});
  const lossBox = el('div', {});
  const optBox = el('div', {});
  const batchBox = el('div', {});
  const box = (title, kids) => el('fieldset', { class: 'card' }, [el('legend', {}, title), ...kids]);
  column.append(el('label', { for: 'train-preset' }, 'Preset'), presetSel, presetWhy, room.settingsErr,
    box('Data', [dataBox]), box('Model', [modelBox]), box('Loss and regularization', [lossBox]),
    box('Optimizer and schedule', [optBox]), box('Batches, epochs, stopping', [batchBox]));
  const state = () => room.state;

  room.commit = (what = 'run') => {
    room.save();
    room.cur.state = structuredClone(room.state);
    if (what === 'data') room.loadData(); // it updates the notice once loaded
    else { room.discardRun(); room.updateNotice?.(); }
    room.renderControls();
  };

  // Controls are rebuilt after the event that changed them has finished: rebuilding removes the
  // focused field, whose blur can fire another change while the old nodes are being removed.
  let renderQueued = false;
  room.renderControls = () => {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => { renderQueued = false; renderNow(); }, 0);
  };
  function renderNow() {
    renderData();
    renderModel();
    renderLoss();
    renderOpt();
    renderBatch();
    room.syncToolbar();
    room.renderPins();
  }

  room.nTrain = () => room.data?.n_train ?? 100;
  room.stepsPerEpoch = () => {
    const s = state();
    return firstEpochSteps(room.nTrain(), s.bmode === 'full' ? 'full' : s.bmode === 'sgd' ? 1 : s.batch);
  };
  room.budget = () => state().epochs * (state().interval === 'step' ? room.stepsPerEpoch() : 1);
  room.outputs = () => (isEmbeddingLoss(reg, state().loss.type) ? state().model.embedding_dim ?? 2 : room.data.task === 'multiclass' ? room.data.n_classes : 1);
  // The schedule's length parameters set to the run's number of scheduler steps.
  room.fitSchedule = (s) => fitSchedule(reg, s, room.budget(), state().opt.lr ?? 0.01);
  room.presetWhy = presetWhy;

  function renderData() {
    const s = state();
    clear(dataBox);
    const dsSel = select('train-ds', groupedChoices(reg, 'datasets'), s.data.name, { grouped: true });
    dsSel.disabled = !!room.csv;
    dsSel.addEventListener('change', () => {
      const old = s.data;
      s.data = { ...reg.starter('datasets', dsSel.value), seed: old.seed ?? 0, val_fraction: old.val_fraction ?? 0.2 };
      s.extra = [];
      room.commit('data');
    });
    dataBox.append(el('label', { for: 'train-ds' }, 'Data set'), dsSel,
      el('p', { class: 'note' }, room.csv ? `imported: ${room.csv.name}` : reg.summary('datasets', s.data.name)));
    if (!room.csv && reg.has('datasets', s.data.name)) {
      dataBox.append(...paramFields('train-data', reg.params('datasets', s.data.name), s.data, () => room.commit('data'), { skip: DATA_SKIP, fold: false }));
    }
    const data = room.data;
    if (!room.csv && data?.n_features === 2) {
      const classes = data.task === 'regression' ? [] : Array.from({ length: data.n_classes }, (_, c) => [c, data.class_names?.[c] ?? `class ${c}`]);
      const clsSel = classes.length ? select('train-add-class', classes, room.addClass) : el('input', { id: 'train-add-class', type: 'number', step: 'any', value: String(room.addClass) });
      clsSel.addEventListener('change', () => { room.addClass = Number(clsSel.value); });
      dataBox.append(el('div', { class: 'row' }, [el('label', { for: 'train-add-class' }, data.task === 'regression' ? 'Click the plot to add a point with target' : 'Click the plot to add a point of'), clsSel]),
        s.extra.length ? btn(`Remove the ${s.extra.length} added points`, () => { s.extra = []; room.commit('data'); }, { id: 'train-clear-points' }) : '');
    }
    const csvIn = el('input', { type: 'file', id: 'train-csv', accept: '.csv,text/csv,text/plain' });
    csvIn.addEventListener('change', () => room.importCsv(csvIn.files[0]));
    dataBox.append(el('label', { for: 'train-csv' }, 'Or load a CSV (features..., label or target last)'), csvIn,
      el('div', { class: 'field-error', id: 'train-csv-error', role: 'alert' }, room.csvError),
      room.csv ? btn('Back to the built-in data sets', () => { room.csv = null; room.csvError = ''; room.commit('data'); }, { id: 'train-csv-clear' }) : '');
  }
  room.renderData = renderData;

  function renderModel() {
    const s = state();
    clear(modelBox);
    const hidden = el('input', { id: 'train-hidden', type: 'text', spellcheck: 'false', value: s.model.hidden.join(', '), placeholder: 'none: a linear model' });
    const err = el('div', { class: 'field-error' });
    hidden.addEventListener('change', () => {
      const t = hidden.value.trim();
      const w = t ? t.split(/[\s,]+/).map(Number) : [];
      if (w.length > 6 || !w.every((x) => Number.isInteger(x) && x >= 1 && x <= 512)) { err.textContent = 'hidden layers: up to 6 widths, whole numbers from 1 to 512, e.g. 16, 16'; return; }
      err.textContent = '';
      s.model = { ...s.model, hidden: w };
      room.commit();
    });
    const act = select('train-act', names(ACTIVATIONS), s.model.activation);
    act.addEventListener('change', () => { s.model = { ...s.model, activation: act.value }; room.commit(); });
    const init = select('train-init', INITS.map((a) => [a, a === 'pytorch' ? 'pytorch (nn.Linear default)' : a === 'he' ? 'he (Kaiming uniform)' : 'xavier (Glorot uniform)']), s.model.init);
    init.addEventListener('change', () => { s.model = { ...s.model, init: init.value }; room.commit(); });
    const sizes = room.data ? [room.data.n_features, ...s.model.hidden, room.outputs()] : null;
    let dim = '';
    if (isEmbeddingLoss(reg, s.loss.type)) {
      const d = el('input', { id: 'train-embedding-dim', type: 'number', min: '1', max: '64', step: '1', value: String(s.model.embedding_dim ?? 2) });
      d.addEventListener('change', () => { const v = Number(d.value); if (Number.isInteger(v) && v >= 1 && v <= 64) { s.model = { ...s.model, embedding_dim: v }; room.commit(); } });
      dim = el('div', { class: 'row' }, [el('label', { for: 'train-embedding-dim' }, 'embedding_dim'), d, el('span', { class: 'note' }, 'outputs; the view shows the first two')]);
    }
    const nParams = (z) => z.slice(1).reduce((a, n, i) => a + n * (z[i] + 1), 0);
    modelBox.append(el('label', { for: 'train-hidden' }, 'Hidden layer widths'), hidden, err, dim,
      el('div', { class: 'row' }, [el('label', { for: 'train-act' }, 'activation'), act]),
      el('div', { class: 'row' }, [el('label', { for: 'train-init' }, 'init'), init]),
      el('p', { class: 'note', id: 'train-sizes' }, sizes ? `layers ${sizes.join('-')}, ${nParams(sizes)} parameters` : ''));
  }

  function renderLoss() {
    const s = state();
    clear(lossBox);
    const task = room.data?.task || 'binary';
    const fits = lossesFor(reg, task);
    const lossSel = select('train-loss', groupedChoices(reg, 'losses', fits), s.loss.type, { grouped: true });
    lossSel.addEventListener('change', () => { s.loss = reg.starter('losses', lossSel.value); room.commit(); });
    lossBox.append(el('label', { for: 'train-loss' }, `Loss (${task} task)`), lossSel,
      el('p', { class: 'note', id: 'train-loss-why' }, lossFits(reg, s.loss.type, task) ? lossWhy(reg, s.loss.type, task) : `${s.loss.type} does not fit a ${task} task.`),
      el('p', { class: 'note' }, `Only losses that fit the task are offered. ${lossWhyNot(task)}`));
    if (reg.has('losses', s.loss.type)) lossBox.append(...paramFields('train-loss', reg.params('losses', s.loss.type), s.loss, () => room.commit(), { skip: LOSS_SKIP }));
    if (isEmbeddingLoss(reg, s.loss.type)) {
      const mining = select('train-mining', [['random', 'negatives by the batch order'], ['hard', 'hard: the nearest other-class row'], ['semi-hard', 'semi-hard: nearest beyond the positive']], s.mining);
      mining.addEventListener('change', () => { s.mining = mining.value; room.commit(); });
      lossBox.append(el('label', { for: 'train-mining' }, 'Negatives in each batch (mining)'), mining);
    }
    const regSel = select('train-reg', [['none', 'no regularization'], ...penalties(reg).map((n) => [n, penaltyLabel(n)])], s.reg?.type || 'none');
    regSel.addEventListener('change', () => {
      s.reg = regSel.value === 'none' ? null : reg.starter('losses', regSel.value);
      room.commit();
    });
    lossBox.append(el('label', { for: 'train-reg' }, 'Regularization (added to the loss, over every parameter)'), regSel);
    if (s.reg && reg.has('losses', s.reg.type)) lossBox.append(...paramFields('train-reg', reg.params('losses', s.reg.type), s.reg, () => room.commit(), { fold: false }));
  }

  function renderOpt() {
    const s = state();
    clear(optBox);
    const { offered, excluded } = trainerOptimizers(reg);
    const optSel = select('train-opt', groupedChoices(reg, 'optimizers', offered), s.opt.type, { grouped: true });
    optSel.addEventListener('change', () => {
      const lr = s.opt.lr;
      // your own rule opens as the registry's starter (momentum written out), as in the Optimizers room
      s.opt = optSel.value === 'Custom' ? reg.starter('optimizers', 'Custom') : { type: optSel.value };
      if (lr !== undefined) s.opt.lr = lr;
      if (lr !== undefined && s.opt.hyper && Object.hasOwn(s.opt.hyper, 'lr')) s.opt.hyper = { ...s.opt.hyper, lr };
      room.commit();
    });
    optBox.append(el('label', { for: 'train-opt' }, 'Optimizer'), optSel, el('p', { class: 'note' }, reg.summary('optimizers', s.opt.type)),
      ...paramFields('train-opt', reg.params('optimizers', s.opt.type), s.opt, () => room.commit()),
      ...excluded.map((x) => el('p', { class: 'note', 'data-excluded': x.name }, x.why)));
    const schedSel = select('train-sched', [['', [['none', 'constant learning rate']]], ...groupedChoices(reg, 'schedulers')], s.sched?.type || 'none', { grouped: true });
    schedSel.addEventListener('change', () => {
      s.sched = schedSel.value === 'none' ? null : trainerSchedulerFor(reg, schedSel.value, room.budget(), s.opt.lr ?? 0.01);
      if (s.sched?.type === 'ReduceLROnPlateau') s.interval = 'epoch';
      room.commit();
    });
    optBox.append(el('label', { for: 'train-sched' }, 'Learning-rate schedule'), schedSel);
    if (s.sched) {
      const interval = select('train-interval', [['step', 'scheduler.step() after every optimizer step'], ['epoch', 'scheduler.step() once per epoch']], s.interval);
      interval.disabled = s.sched.type === 'ReduceLROnPlateau';
      interval.addEventListener('change', () => { s.interval = interval.value; room.commit(); });
      optBox.append(el('p', { class: 'note' }, reg.summary('schedulers', s.sched.type)),
        ...paramFields('train-sched', reg.params('schedulers', s.sched.type), s.sched, () => room.commit(), { skip: ['lr'] }),
        el('label', { for: 'train-interval' }, 'interval'), interval, orderControl(),
        el('p', { class: 'note' }, s.sched.type === 'ReduceLROnPlateau' ? 'Watches the validation loss at the end of each epoch.'
          : `This run has ${room.budget()} scheduler steps (${s.epochs} epochs${s.interval === 'step' ? ` × ${room.stepsPerEpoch()} steps` : ''}).`),
        btn('Fit the schedule to this run\'s length', () => { s.sched = room.fitSchedule(s.sched); room.commit(); }, { id: 'train-fit-sched' }));
    }
    optBox.append(groupsControl(room)); // per-layer rates and the snapshot ensemble (train-groups.js)
  }

  // scheduler.step() before optimizer.step(): PyTorch warns, and the first value of the schedule is skipped.
  function orderControl() {
    const s = state();
    const order = select('train-order', [['after', 'optimizer.step(), then scheduler.step() (right)'], ['before', 'scheduler.step() first (the classic mistake)']], s.order);
    order.disabled = s.interval !== 'step' || s.sched?.type === 'ReduceLROnPlateau';
    order.addEventListener('change', () => { s.order = order.value; room.commit(); });
    return el('div', {}, [el('label', { for: 'train-order' }, 'order in each step'), order]);
  }

  function renderBatch() {
    const s = state();
    clear(batchBox);
    const mode = select('train-bmode', [['full', 'full batch (one step per epoch)'], ['mini', 'mini-batch of B'], ['sgd', 'stochastic (B = 1)']], s.bmode);
    mode.addEventListener('change', () => { s.bmode = mode.value; room.commit(); });
    const int = (id, value, ok, apply) => {
      const input = el('input', { id, type: 'number', min: id === 'train-seed' ? '0' : '1', step: '1', value: String(value) });
      input.addEventListener('change', () => { const v = Number(input.value); if (Number.isInteger(v) && ok(v)) { apply(v); room.commit(); } });
      return input;
    };
    const b = int('train-batch', s.batch, (v) => v >= 1, (v) => { s.batch = v; });
    b.disabled = s.bmode !== 'mini';
    const ep = int('train-epochs', s.epochs, (v) => v >= 1 && v <= 100000, (v) => { s.epochs = v; });
    const tseed = int('train-seed', s.seed, (v) => v >= 0, (v) => { s.seed = v; });
    const esBox = el('input', { type: 'checkbox', id: 'train-es' });
    esBox.checked = !!s.es;
    esBox.addEventListener('change', () => { s.es = esBox.checked ? { patience: 5, min_delta: 0, restore_best: true } : null; room.commit(); });
    const clipSel = select('train-clip', [['none', 'no gradient clipping'], ['norm', 'clip the norm (clip_grad_norm_)'], ['value', 'clip each value (clip_grad_value_)']],
      s.clip ? (s.clip.clip_value !== undefined ? 'value' : 'norm') : 'none');
    clipSel.addEventListener('change', () => { s.clip = clipSel.value === 'none' ? null : clipSel.value === 'norm' ? { max_norm: 1 } : { clip_value: 0.5 }; room.commit(); });
    batchBox.append(el('label', { for: 'train-bmode' }, 'Batches'), mode,
      el('div', { class: 'row' }, [el('label', { for: 'train-batch' }, 'B'), b, el('span', { class: 'note' }, `${room.stepsPerEpoch()} steps per epoch on ${room.nTrain()} training rows`)]),
      el('div', { class: 'row' }, [el('label', { for: 'train-epochs' }, 'epochs'), ep, el('label', { for: 'train-seed' }, 'seed'), tseed]),
      bssControl(),
      el('label', { class: 'inline' }, [esBox, ' early stopping on the validation loss']));
    if (s.es) batchBox.append(...paramFields('train-es', ES_PARAMS, s.es, () => room.commit(), { fold: false }));
    batchBox.append(el('label', { for: 'train-clip' }, 'Gradient clipping'), clipSel);
    if (s.clip) batchBox.append(...paramFields('train-clip', CLIP_PARAMS.filter((p) => p.name in s.clip || (p.name === 'norm_type' && 'max_norm' in s.clip)), s.clip, () => room.commit(), { fold: false }));
  }

  // The batch-size schedule: multiply B by gamma at the start of each milestone epoch (mini-batches only).
  function bssControl() {
    const s = state();
    const on = el('input', { type: 'checkbox', id: 'train-bss' });
    on.checked = !!s.bss;
    on.disabled = s.bmode !== 'mini';
    on.addEventListener('change', () => {
      s.bss = on.checked ? { milestones: [Math.round(s.epochs / 3), Math.round((2 * s.epochs) / 3)], gamma: 2 } : null;
      room.commit();
    });
    const out = [el('label', { class: 'inline' }, [on, ' increase the batch size at milestones (instead of decaying the rate)'])];
    if (s.bss && s.bmode === 'mini') out.push(...paramFields('train-bss', BSS_PARAMS, s.bss, () => room.commit(), { fold: false }));
    return el('div', {}, out);
  }

  // A preset's settings over the defaults (the speed and log scale chosen stay).
  room.applyPreset = (i) => {
    const p = PRESETS[i];
    if (!p) return;
    room.csv = null;
    const { speed, log } = room.state;
    Object.assign(room.state, structuredClone(TRAIN_DEFAULTS), structuredClone(p.state), { speed, log });
    presetSel.value = String(i);
    presetWhy.textContent = p.why;
    room.fitAfterLoad = !!room.state.sched;
    room.commit('data');
  };
  presetSel.addEventListener('change', () => room.applyPreset(Number(presetSel.value)));
}
