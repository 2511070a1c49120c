// The Training room's metrics: the current run's train and validation metrics, and each pinned run's
// validation metrics in columns beside them, with every run's confusion matrix side by side, so
// that a comparison (focal loss against BCE on rare positives) shows in the numbers it is about.
import { fmtValue, PALETTE } from '../../shared/chart.js';
import { el, clear } from '../../shared/dom.js';
import { CLASS_COLORS } from '../../shared/train-view.js';
import { settingsDiff } from './train-config.js';

const fmt = (v) => (v == null || Number.isNaN(v) ? '-' : fmtValue(v));
const NAMES = { loss: 'loss', accuracy: 'accuracy', precision: 'precision', recall: 'recall', f1: 'F1', auroc: 'AUROC', mse: 'MSE', mae: 'MAE' };

function confusion(matrix, data, id, caption, color) {
  const k = matrix.length;
  const name = (c) => data.class_names?.[c] ?? String(c);
  return el('figure', { class: 'confusion-box' }, [
    el('figcaption', { style: color ? `border-left: 4px solid ${color}; padding-left: 4px` : null }, caption),
    el('table', { class: 'confusion', id }, [
      el('thead', {}, el('tr', {}, [el('th', {}, ''), ...Array.from({ length: k }, (_, c) => el('th', { scope: 'col', style: `color:${CLASS_COLORS[c % CLASS_COLORS.length]}` }, name(c)))])),
      el('tbody', {}, matrix.map((row, r) => el('tr', {}, [el('th', { scope: 'row' }, name(r)), ...row.map((v, c) => el('td', { class: r === c ? 'diag' : '' }, String(v)))])))])]);
}

/** Fills box with the metrics of room.cur and of the pinned runs that have them. */
export function renderMetrics(box, room) {
  clear(box);
  const m = room.cur.run.metrics;
  const data = room.data;
  const pins = room.pins.map((p, i) => ({ p, i })).filter(({ p }) => p.run.metrics);
  const ref = m ?? pins[0]?.p.run.metrics;
  if (!ref) { box.append(el('p', {}, 'Train (Play or Step) to see the metrics.')); return; }
  const keys = ('accuracy' in ref.val ? ['loss', 'accuracy', 'precision', 'recall', 'f1', 'auroc'] : ['loss', 'mse', 'mae']).filter((k) => k in ref.val);
  // with pinned runs, every column is a run's validation metrics (the comparison), side by side
  const pinHead = pins.map(({ p, i }) => el('th', { scope: 'col', title: p.label, style: `border-bottom: 3px dashed ${PALETTE[(i + 1) % PALETTE.length]}` }, String(i + 1)));
  // a standardised regression target's errors in its own units: MSE times sd², MAE times sd
  const own = (ys, k, v) => (ys && v != null ? (k === 'mse' ? v * ys.sd * ys.sd : k === 'mae' ? v * ys.sd : v) : v);
  const ys = room.csv?.yScale;
  const rows = keys.map((k) => el('tr', {}, [el('th', { scope: 'row' }, NAMES[k] + (ys && k === 'loss' ? ' (standardised)' : '')),
    ...(pins.length ? [] : [el('td', {}, fmt(own(ys, k, m?.train[k])))]), el('td', {}, fmt(own(ys, k, m?.val[k]))),
    ...pins.map(({ p }) => el('td', {}, fmt(own(p.yScale, k, p.run.metrics.val[k]))))]));
  const head = pins.length ? [el('th', { scope: 'col', style: `border-bottom: 3px solid ${PALETTE[0]}` }, 'now'), ...pinHead]
    : [el('th', { scope: 'col' }, 'train'), el('th', { scope: 'col' }, 'validation')];
  box.append(el('table', { id: 'train-metrics-table' }, [
    pins.length ? el('caption', {}, 'Validation metrics, the current run and the pinned ones') : '',
    el('thead', {}, el('tr', {}, [el('th', {}, ''), ...head])), el('tbody', {}, rows)]));
  if ('precision' in ref.val) {
    box.append(el('p', { class: 'note' }, data?.n_classes > 2 ? 'Precision, recall and F1: macro averages over the classes.' : 'Precision, recall and F1 of class 1 (the positive class); with a rare class, accuracy alone lies.'));
  }
  if (ref.val.confusion && data) {
    box.append(el('p', { class: 'note' }, `Confusion ${pins.length ? 'matrices' : 'matrix'} (validation): rows are the true class, columns the predicted one.`));
    const figs = [];
    if (m?.val.confusion) figs.push(confusion(m.val.confusion, data, 'train-confusion', pins.length ? 'now' : '', pins.length ? PALETTE[0] : null));
    // a pinned run is named by what differs from the current settings ("loss: FocalLoss alpha=0.75 gamma=2")
    const name = (p) => settingsDiff(room.state, p.state).join('; ') || p.label;
    for (const { p, i } of pins) if (p.run.metrics.val.confusion) figs.push(confusion(p.run.metrics.val.confusion, data, `train-confusion-${i + 1}`, `${i + 1}: ${name(p)}`, PALETTE[(i + 1) % PALETTE.length]));
    box.append(el('div', { class: 'confusions' }, figs));
  }
}
