// The Training room's read-outs: why the run stopped, the loss, metric, learning-rate and
// gradient-norm charts of the current run and the pinned ones, the metrics table with the
// confusion matrix, and the PyTorch script of the setup.
import { LineChart, PALETTE, fmtValue } from '../../shared/chart.js';
import { el, clear, button as btn } from '../../shared/dom.js';
import { renderMetrics } from './train-metrics.js';
import { trainingScript } from './train-code.js';
import { runLabel } from './train-config.js';
import { ensembleSeries, ensembleText, swatsMarks } from './train-groups.js';

const fmt = (v) => (v == null || Number.isNaN(v) ? '-' : fmtValue(v));
const range1 = (n) => Float64Array.from({ length: n }, (_, i) => i + 1);

// Returns { status, charts, metrics, code } elements for the columns; adds to room: charts,
// stopText, renderAll, syncLog.
export function mountDrawing(room) {
  const stopLine = el('p', { class: 'status-line', id: 'train-status', 'aria-live': 'polite' });
  const logBox = el('input', { type: 'checkbox', id: 'train-log' });
  const hints = [];
  const chartBox = (id) => {
    const hint = el('p', { class: 'chart-hint', 'aria-hidden': 'true' }, 'Press Play (or Step) to train: the curves appear here.');
    hints.push(hint);
    return el('div', { class: 'chart', id }, hint);
  };
  const boxes = { loss: chartBox('train-chart-loss'), metric: chartBox('train-chart-metric'), lr: chartBox('train-chart-lr'), grad: chartBox('train-chart-grad') };
  const metricTitle = el('h2', {}, 'Accuracy per epoch');
  const chartsBlock = [el('div', { class: 'toolbar' }, [el('label', { class: 'inline' }, [logBox, ' log scale (losses, gradient norm)'])]),
    el('h2', {}, 'Loss per epoch (training, validation)'), boxes.loss, metricTitle, boxes.metric,
    el('h2', {}, 'Learning rate used at each step'), boxes.lr, el('h2', {}, 'Gradient norm at each step (before clipping)'), boxes.grad];
  const charts = {
    loss: new LineChart(boxes.loss, { xLabel: 'epoch', yLabel: 'loss', height: 210 }),
    metric: new LineChart(boxes.metric, { xLabel: 'epoch', yLabel: 'accuracy', height: 190 }),
    lr: new LineChart(boxes.lr, { xLabel: 'step', yLabel: 'learning rate', height: 170 }),
    grad: new LineChart(boxes.grad, { xLabel: 'step', yLabel: 'gradient norm', height: 170 }),
  };
  charts.loss.log = charts.grad.log = room.state.log;
  room.charts = charts;
  const metricsBox = el('div', { id: 'train-metrics', class: 'readout' });
  const ensembleLine = el('p', { class: 'note', id: 'train-ensemble', 'aria-live': 'polite' });
  const code = el('pre', { class: 'code', id: 'train-code', tabindex: '0' });

  logBox.addEventListener('change', () => {
    room.state.log = logBox.checked;
    room.save();
    for (const c of [charts.loss, charts.grad]) c.setLog(room.state.log);
  });
  room.syncLog = () => { logBox.checked = room.state.log; };

  room.stopText = (s) => {
    const { run } = s;
    const st = run.progress;
    if (run.status === 'error') return run.id === null ? `could not start: ${run.error}` : `stopped by the core at step ${st?.steps_done ?? 0}: ${run.error}`;
    if (!st) return 'not started';
    if (run.status === 'diverged') return `diverged at step ${st.diverged.step}: the loss was not finite; last finite loss ${fmt(st.diverged.last_loss)}. Lower the learning rate or clip the gradients.`;
    if (run.status === 'stopped') return `stopped early after epoch ${st.epochs_done}: no validation improvement for ${s.state.es?.patience} epochs in a row; best epoch ${st.best_epoch}${s.state.es?.restore_best === false ? '' : ' (its weights restored)'}.`;
    if (run.status === 'done') return `done: all ${st.epochs_done} epochs (${st.steps_done} steps).`;
    return `running: epoch ${st.epochs_done} of ${s.state.epochs}, step ${st.steps_done}, lr ${fmt(st.lr)}`;
  };

  // Series of the current run and the pinned ones for one chart.
  const padCache = new WeakMap();
  function pad(v, n) {
    const hit = padCache.get(v);
    if (hit && hit.length === n) return hit;
    const a = new Array(n).fill(null);
    for (let i = 0; i < v.length; i++) a[i] = v[i];
    if (v.length) padCache.set(v, a);
    return a;
  }
  // per-epoch MSE of a standardised target, in the target's units (sd² times)
  const ownUnits = (slot, k, v) => {
    const ys = slot === room.cur ? room.csv?.yScale : slot.yScale;
    if (!ys || !(k === 'train_m' || k === 'val_m')) return v;
    const f = ys.sd * ys.sd;
    return Float64Array.from(v, (x) => x * f);
  };
  function series(keys, names) {
    const out = [];
    const add = (slot, i, label, dash) => keys.forEach((k, j) => {
      const v = ownUnits(slot, k, slot.run.cols[k].view());
      out.push({ label: `${label}${names[j] ? `: ${names[j]}` : ''}`, values: v, color: PALETTE[i % PALETTE.length], dash: j ? [2, 3] : dash });
    });
    add(room.cur, 0, `now (${runLabel(room.state)})`, undefined);
    room.pins.forEach((p, i) => add(p, i + 1, `${i + 1}: ${p.label}`, [8, 4]));
    const n = Math.max(0, ...out.map((s) => s.values.length));
    for (const s of out) if (s.values.length < n) s.values = pad(s.values, n);
    return out;
  }

  const shown = {};
  room.renderAll = () => {
    const { cur, state, data } = room;
    const reg = (data?.task || 'binary') === 'regression';
    metricTitle.textContent = reg ? 'Mean squared error per epoch' : 'Accuracy per epoch';
    const ys = room.csv?.yScale;
    const labels = [reg ? (ys ? `MSE (${data.target_name}²)` : 'MSE') : 'accuracy', ys ? 'loss (standardised)' : 'loss'];
    if (charts.metric.yLabel !== labels[0] || charts.loss.yLabel !== labels[1]) {
      // the axis names are drawn when a chart is built
      [charts.metric.yLabel, charts.loss.yLabel] = labels;
      charts.metric.setLog(charts.metric.log);
      charts.loss.setLog(charts.loss.log);
    }
    const ep = series(['train_loss', 'val_loss'], ['train', 'val']);
    const epm = series(['train_m', 'val_m'], ['train', 'val']);
    const n = Math.max(0, ...ep.map((s) => s.values.length));
    const steps = Math.max(0, ...[room.cur, ...room.pins].map((p) => p.run.cols.lr.n));
    epm.push(...ensembleSeries(room, n));
    // before the first step the charts show their axes over the run's length, and a hint
    const blank = (list, len) => list.map((s) => ({ ...s, values: new Array(len).fill(null) }));
    const E = Math.max(2, state.epochs);
    charts.loss.setData(n ? ep : blank(ep, E), range1(n || E));
    charts.metric.setData(n ? epm : blank(epm, E), range1(n || E));
    const B = Math.max(2, room.data ? room.budget() : 2);
    charts.lr.marks = swatsMarks(cur.run); // drawn with the data (a redraw before uPlot has laid out its axes throws)
    charts.lr.setData(steps ? series(['lr'], ['']) : blank(series(['lr'], ['']), B));
    ensembleLine.textContent = ensembleText(room);
    charts.grad.setData(steps ? series(['grad_norm'], ['']) : blank(series(['grad_norm'], ['']), B));
    for (const h of hints) h.hidden = !!(n || steps);
    const st = cur.run.progress;
    const rate = room.rate.value;
    room.counter.textContent = st ? `epoch ${st.epochs_done} / ${state.epochs}, step ${st.steps_done}${room.playing && rate ? `, ${Math.round(rate)} steps/s` : ''}` : `epoch 0 / ${state.epochs}`;
    stopLine.textContent = room.stopText(cur);
    stopLine.dataset.status = cur.run.status || 'new';
    document.body.dataset.trainSteps = String(st?.steps_done ?? 0);
    document.body.dataset.trainStatus = cur.run.status || 'new';
    document.body.dataset.trainRate = String(Math.round(rate));
    // the rest only when it changed
    const mkey = [cur.run.metrics, ...room.pins.map((p) => p.run.metrics)];
    if (!shown.metrics || mkey.length !== shown.metrics.length || mkey.some((m, i) => m !== shown.metrics[i])) { shown.metrics = mkey; renderMetrics(metricsBox, room); }
    if (shown.regions !== room.regions || shown.line !== room.line || shown.data !== data || shown.embedding !== room.embedding) {
      Object.assign(shown, { regions: room.regions, line: room.line, data, embedding: room.embedding });
      room.drawPicture();
    }
    room.refreshPins();
    renderCode();
  };

  let codeKey = '';
  function renderCode() {
    const data = room.data;
    if (!data) return;
    const cfg = room.config();
    const key = JSON.stringify([cfg, data.n_samples]);
    if (key === codeKey) return;
    codeKey = key;
    code.textContent = trainingScript(cfg, data, [data.n_features, ...room.state.model.hidden, room.outputs()]);
  }

  return {
    status: stopLine,
    charts: chartsBlock,
    metrics: [el('h2', {}, 'Metrics'), ensembleLine, metricsBox],
    code: [el('h3', {}, 'PyTorch script for this setup'), code,
      btn('Copy script', () => navigator.clipboard?.writeText(code.textContent).then(() => room.notify('PyTorch script copied.'), () => {}))],
  };
}
