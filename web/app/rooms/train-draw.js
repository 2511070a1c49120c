// The Training room's read-outs: why the run stopped, the loss, metric, learning-rate and
// gradient-norm charts of the current run and the pinned ones, the metrics table with the
// confusion matrix, and the PyTorch script of the setup.
import { LineChart, PALETTE, fmtValue } from '../../shared/chart.js';
import { el, clear, button as btn } from '../../shared/dom.js';
import { CLASS_COLORS } from '../../shared/train-view.js';
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
  const chartBox = (id) => el('div', { class: 'chart', id });
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
  function series(keys, names) {
    const out = [];
    const add = (slot, i, label, dash) => keys.forEach((k, j) => {
      const v = slot.run.cols[k].view();
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
    charts.metric.yLabel = reg ? 'MSE' : 'accuracy';
    const ep = series(['train_loss', 'val_loss'], ['train', 'val']);
    const epm = series(['train_m', 'val_m'], ['train', 'val']);
    const n = Math.max(0, ...ep.map((s) => s.values.length));
    epm.push(...ensembleSeries(room, n));
    charts.loss.setData(ep, range1(n));
    charts.metric.setData(epm, range1(n));
    charts.lr.marks = swatsMarks(cur.run); // drawn with the data (a redraw before uPlot has laid out its axes throws)
    charts.lr.setData(series(['lr'], ['']));
    ensembleLine.textContent = ensembleText(room);
    charts.grad.setData(series(['grad_norm'], ['']));
    const st = cur.run.progress;
    const rate = room.rate.value;
    room.counter.textContent = st ? `epoch ${st.epochs_done} / ${state.epochs}, step ${st.steps_done}${room.playing && rate ? `, ${Math.round(rate)} steps/s` : ''}` : `epoch 0 / ${state.epochs}`;
    stopLine.textContent = room.stopText(cur);
    stopLine.dataset.status = cur.run.status || 'new';
    document.body.dataset.trainSteps = String(st?.steps_done ?? 0);
    document.body.dataset.trainStatus = cur.run.status || 'new';
    document.body.dataset.trainRate = String(Math.round(rate));
    // the rest only when it changed
    if (shown.metrics !== cur.run.metrics) { shown.metrics = cur.run.metrics; renderMetrics(); }
    if (shown.regions !== room.regions || shown.line !== room.line || shown.data !== data || shown.embedding !== room.embedding) {
      Object.assign(shown, { regions: room.regions, line: room.line, data, embedding: room.embedding });
      room.drawPicture();
    }
    room.refreshPins();
    renderCode();
  };

  function renderMetrics() {
    clear(metricsBox);
    const m = room.cur.run.metrics;
    const data = room.data;
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
