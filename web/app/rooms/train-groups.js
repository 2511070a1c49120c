// The Training room's parameter groups and snapshot ensembles: per-layer rate multipliers
// (discriminative rates) written as the optimizer's param_groups, the snapshot-ensemble switch
// (with CosineAnnealingWarmRestarts), the ensemble's validation metric beside the single model's,
// each group's rate and LARS's per-tensor trust ratios under the inspect charts, and SWATS's
// switch to SGD marked on the learning-rate and race charts. The settings and the config they
// give are in train-groups-config.js. Hooks: the settings column (groupsControl), the charts
// (ensembleSeries, ensembleText, swatsMarks, raceSwatsMarks) and the extras (createGroupsPanel).
import { LineChart, PALETTE, fmtValue } from '../../shared/chart.js';
import { el, clear } from '../../shared/dom.js';
import { layerCount, multOf, SNAPSHOT_SCHED } from './train-groups-config.js';

/** The settings: a multiplier per layer and the snapshot-ensemble switch; changes go through room.commit(). */
export function groupsControl(room) {
  const s = room.state;
  const sizes = room.data ? [room.data.n_features, ...s.model.hidden, room.outputs()] : null;
  const rows = Array.from({ length: layerCount(s) }, (_, i) => {
    const id = `train-lrmult-${i}`;
    const input = el('input', { id, type: 'number', min: '0', max: '1000', step: 'any', value: String(multOf(s, i)) });
    input.addEventListener('change', () => {
      const v = Number(input.value);
      if (!(input.value.trim() !== '' && v >= 0 && v <= 1000)) { input.setCustomValidity('a multiplier in [0, 1000]'); input.reportValidity(); return; }
      const ms = Array.from({ length: layerCount(s) }, (_, j) => (j === i ? v : multOf(s, j)));
      s.lrmult = ms.every((m) => m === 1) ? null : ms;
      room.commit();
    });
    const shape = sizes ? ` (${sizes[i]} → ${sizes[i + 1]})` : '';
    return el('div', { class: 'row' }, [el('label', { for: id }, `fc${i + 1}${shape} lr ×`), input]);
  });
  const lars = s.opt.type === 'LARS' ? ' LARS then scales each weight and bias tensor by its own trust ratio (shown under the inspect charts).' : '';
  const out = [el('h3', {}, 'Per-layer learning rates (discriminative rates)'),
    el('p', { class: 'note', id: 'train-lrmult-note' }, `Each layer's rate is the optimizer's lr times its multiplier, as PyTorch's param_groups give it (a group per layer set other than 1; the rest share the defaults). A small multiplier on early layers is how fine-tuning keeps what they learned.${lars}`),
    ...rows];
  const snap = el('input', { type: 'checkbox', id: 'train-snapshot' });
  snap.checked = !!s.snap;
  const cawr = s.sched?.type === SNAPSHOT_SCHED;
  snap.disabled = !cawr;
  snap.addEventListener('change', () => { s.snap = snap.checked; room.commit(); });
  out.push(el('label', { class: 'inline' }, [snap, ' snapshot ensemble: keep the model at each warm restart (SGDR)']),
    el('p', { class: 'note', id: 'train-snapshot-note' }, cawr
      ? 'Huang et al. 2017: each cosine cycle ends in a different minimum; the mean of the snapshots\' predictions is scored on the validation split beside the single model.'
      : `Needs the ${SNAPSHOT_SCHED} schedule: its warm restarts end the cycles whose models are kept.`));
  return el('div', { id: 'train-groups' }, out);
}

/** The metric chart's extra series: the current run's snapshot ensemble on the validation split. */
export function ensembleSeries(room, n) {
  const c = room.cur.run.cols.ens_m;
  if (!c || !c.n) return [];
  const values = Array.from({ length: Math.max(n, c.n) }, (_, i) => (i < c.n && !Number.isNaN(c.a[i]) ? c.a[i] : null));
  return [{ label: 'now: snapshot ensemble (val)', values, color: PALETTE[2], dash: [1, 3] }];
}

/** A line for the metrics column: snapshots so far and the ensemble against the single model. */
export function ensembleText(room) {
  const c = room.cur.run.cols;
  if (!c.ens_m?.n) return '';
  const e = c.ens_m.view().at(-1);
  const single = c.val_m.view().at(-1);
  const n = c.snapshots.view().at(-1);
  const what = room.data?.task === 'regression' ? 'MSE' : 'accuracy';
  return n ? `Snapshot ensemble of ${n} model${n === 1 ? '' : 's'}: validation ${what} ${fmtValue(e)} (the single model: ${fmtValue(single)}).`
    : 'Snapshot ensemble: no warm restart yet.';
}

/** The learning-rate chart's marks: where each SWATS group turned to SGD (x: the first SGD step's index). */
export function swatsMarks(run) {
  return (run.swats ?? []).map((g) => ({ x: g.step, label: `group ${g.group}: SGD from step ${g.step + 1}, lr ${fmtValue(g.lr)}`, color: PALETTE[3] }));
}

/** The race's loss chart marks: each SWATS racer's switch (x: the point from which it steps as SGD). */
export function raceSwatsMarks(traces, names) {
  return traces.flatMap((t, i) => (t?.swats ? [{ x: t.swats.step, label: `${names[i]}: SGD from here, lr ${fmtValue(t.swats.lr)}`, color: PALETTE[i % PALETTE.length] }] : []));
}

/** Below the inspect charts: each group's rate now and, for LARS, each tensor's trust ratio over the steps. */
export function createGroupsPanel({ root }) {
  const box = el('section', { class: 'inspect', id: 'inspect-groups', 'aria-label': 'Parameter groups' });
  const table = el('div', { id: 'inspect-groups-table' });
  const chartBox = el('div', { class: 'chart', id: 'inspect-trust' });
  const trustBlock = el('div', { hidden: true }, [el('h3', {}, 'LARS trust ratio per tensor: η‖w‖ / (‖∇w‖ + β‖w‖)'), chartBox]);
  box.append(el('h2', {}, 'Parameter groups'), table, trustBlock);
  root.append(box);
  const chart = new LineChart(chartBox, { xLabel: 'step', yLabel: 'trust ratio', height: 200 });
  chart.log = true;
  let steps = [], names = [], trust = [], last = null, pending = false;

  function draw() {
    pending = false;
    clear(table);
    if (!last) { table.append(el('p', { class: 'note' }, 'Train a run to see its parameter groups.')); return; }
    const lars = last.layers.some((l) => l.trust_ratio != null);
    const head = el('tr', {}, ['group', 'tensors', 'lr now', ...(lars ? ['trust ratio'] : [])].map((t) => el('th', { scope: 'col' }, t)));
    const rows = last.groups.flatMap((g, gi) => g.params.map((p, j) => {
      const l = last.layers.find((x) => x.name === p);
      return el('tr', {}, [j ? el('td', {}, '') : el('th', { scope: 'row' }, String(gi)), el('td', {}, p), el('td', {}, j ? '' : fmtValue(g.lr)),
        ...(lars ? [el('td', {}, l?.trust_ratio == null ? '-' : fmtValue(l.trust_ratio))] : [])]);
    }));
    table.append(el('table', { id: 'inspect-groups-rates' }, [el('thead', {}, head), el('tbody', {}, rows)]));
    trustBlock.hidden = !lars;
    if (lars) {
      chart.setData(names.map((n, i) => ({ label: n, values: Float64Array.from(trust[i], (v) => (v == null ? NaN : v)), color: PALETTE[i % PALETTE.length],
        dash: n.endsWith('.bias') ? [6, 4] : undefined })), Float64Array.from(steps));
    }
    box.dataset.groups = String(last.groups.length);
  }

  function update(inspect, step = inspect?.step) {
    if (!inspect?.groups || !Number.isFinite(step)) return;
    const n = inspect.layers.map((l) => l.name);
    if (n.join() !== names.join() || (steps.length && step < steps.at(-1))) { steps = []; names = n; trust = n.map(() => []); }
    if (steps.length && step === steps.at(-1)) return;
    steps.push(step);
    inspect.layers.forEach((l, i) => trust[i].push(l.trust_ratio));
    if (steps.length > 4000) { steps = steps.filter((_, i) => i % 2 === 0); trust = trust.map((c) => c.filter((_, i) => i % 2 === 0)); }
    last = inspect;
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }
  draw();
  return { update, element: box };
}
