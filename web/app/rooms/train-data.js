// The Training room's data: the data set of the settings loaded in the worker (the digits'
// pixels first when it is the digits), points added by clicking the plot, an imported CSV, and
// the picture of the data with the model's regions, fitted curve, digits or embedding.
import { el } from '../../shared/dom.js';
import { drawData, drawDigits, drawEmbedding, toData, viewOf, pointsTable } from '../../shared/train-view.js';
import { dataTable } from '../../shared/data-table.js';
import { lossFits, defaultLoss, isEmbeddingLoss } from '../../shared/choices.js';
import { datasetSpec, checkCsv, CSV_LIMITS } from './train-config.js';

// A regression target is trained standardised (mean 0, sd 1: a target in the 100 000s would
// otherwise give losses near 1e11 that no learning rate moves), and its errors are shown in its own
// units again (yScale; train-draw.js, train-metrics.js).
function standardTarget(parsed) {
  if (parsed.task !== 'regression') return { ...parsed, yScale: null };
  const y = Array.from(parsed.y);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length) || 1;
  return { ...parsed, y: y.map((v) => (v - mean) / sd), yRaw: parsed.y, yScale: { mean, sd } };
}

// Returns the picture's elements (for the plots column); adds to room: loadData, importCsv, drawPicture.
export function mountData(room) {
  const { lab, registry: reg } = room;
  const canvas = el('canvas', { id: 'train-data', class: 'landscape', tabindex: '0', role: 'img', 'aria-label': 'the data and the model\'s decision regions' });
  const digitsCanvas = el('canvas', { id: 'train-digits', class: 'digits', role: 'img', 'aria-label': 'sample images of the digits data set' });
  const dataNote = el('p', { class: 'note', id: 'train-data-note' });
  // the picture's numbers: each point (its first two features) with its class or target and the model's prediction
  const shown = (d) => (d.n_features > 2 ? { ...d, n_features: 2, X: firstTwo(d) } : d);
  const table = dataTable(() => (room.data && !canvas.hidden ? pointsTable(shown(room.data), room.view || viewOf(shown(room.data)), { regions: room.regions, line: room.line, predicts: room.data.n_features <= 2 }) : null));
  table.id = 'train-data-table';
  const embedTitle = el('h2', {}, 'Embedding: the network\'s 2-D outputs, every row');
  const embedCanvas = el('canvas', { id: 'train-embedding', class: 'landscape', role: 'img', 'aria-label': 'the learnt embedding of every row, coloured by class' });
  let gen = 0;

  room.loadData = async () => {
    const g = ++gen;
    room.halt();
    const state = room.state;
    let data;
    try {
      if (!room.csv) await room.ensureData(state.data);
      room.raw = !room.csv && state.extra.length ? await lab.call('dataset', { spec: { ...state.data, standardize: false } }) : null;
      const spec = datasetSpec(state, room.raw, room.csv);
      data = await lab.call('dataset', { spec });
      if (g !== gen) return;
      data.spec = spec;
      if (room.csv) {
        // the CSV's header names the axes, the metrics and the script
        data.feature_names = room.csv.header.slice(0, -1);
        data.target_name = room.csv.header.at(-1);
        data.y_scale = room.csv.yScale; // a regression target's mean and sd (it is trained standardised)
      }
      room.data = data;
      room.settingsErr.textContent = '';
    } catch (e) {
      if (g !== gen) return;
      room.settingsErr.textContent = e.message;
      return;
    }
    room.view = data.n_features <= 2 ? viewOf(data) : null;
    room.regions = null;
    room.line = null;
    if (room.fitAfterLoad) {
      room.fitAfterLoad = false;
      state.sched = room.fitSchedule(state.sched);
      room.save();
    }
    if (!lossFits(reg, state.loss.type, data.task)) {
      state.loss = { type: defaultLoss(reg, data.task) };
      room.save();
    }
    room.cur.state = structuredClone(state);
    room.discardRun();
    room.renderControls();
    room.drawPicture();
    room.updateNotice?.();
  };

  room.importCsv = async (file) => {
    if (!file) return;
    room.csvError = '';
    let parsed;
    const state = room.state;
    try {
      if (file.size > CSV_LIMITS.bytes) throw new Error(`the file is too large (${file.size} bytes; at most 4 MB)`);
      parsed = checkCsv(await lab.call('parseCSV', { text: await file.text() }));
      // the core checks it too, before anything changes
      await lab.call('dataset', { spec: { X: parsed.X, y: parsed.y, task: parsed.task, val_fraction: state.data.val_fraction ?? 0.2, seed: state.data.seed ?? 0 } });
    } catch (e) {
      room.csvError = `${file.name} was not loaded: ${e.message}`;
      room.renderData();
      return;
    }
    room.csv = { ...standardTarget(parsed), name: `${file.name} (${parsed.n} rows, ${parsed.d} features, ${parsed.task})` };
    state.extra = [];
    room.commit('data');
  };

  const firstTwo = (d) => Float32Array.from({ length: d.n_samples * 2 }, (_, i) => d.X[Math.floor(i / 2) * d.n_features + (i % 2)]);
  // the added points in feature space (they are kept in raw units)
  const addedPoints = () => {
    const d = room.data;
    return d && !room.csv && d.n_features === 2 ? room.state.extra.map(([a, b]) => [(a - d.mean[0]) / d.scale[0], (b - d.mean[1]) / d.scale[1]]) : [];
  };

  room.drawPicture = () => {
    const data = room.data;
    const two = data && data.n_features === 2;
    const one = data && data.n_features === 1;
    canvas.hidden = !(two || one || (data && data.n_features > 2 && data.n_features !== 64));
    digitsCanvas.hidden = !(data && data.n_features === 64);
    embedCanvas.hidden = embedTitle.hidden = !(data && isEmbeddingLoss(reg, room.state.loss.type));
    if (!data) return;
    if (!embedCanvas.hidden) drawEmbedding(embedCanvas, data, room.embedding);
    if (!digitsCanvas.hidden) drawDigits(digitsCanvas, data);
    if (!canvas.hidden) {
      drawData(canvas, shown(data), room.view || viewOf(shown(data)), { regions: room.regions, line: room.line, added: addedPoints() });
    }
    table.hidden = canvas.hidden;
    table.refresh();
    dataNote.textContent = data.n_features === 2 ? `${data.n_train} training points (filled), ${data.n_val} validation points (open); ${room.csv ? '' : 'click to add a point. '}Background: the model's prediction.`
      : data.n_features === 1 ? `${data.n_train} training points (filled), ${data.n_val} validation (open); the orange line is the model.`
        : data.n_features === 64 ? `${data.n_samples} images of 8×8 pixels (the first ${Math.min(40, data.n_samples)} shown with their labels), ${data.n_train} for training.`
          : `${data.n_samples} rows of ${data.n_features} features, shown on the first two; ${data.n_train} for training.`;
    const ys = room.csv?.yScale;
    const n = (v) => String(+v.toPrecision(6));
    if (ys) dataNote.textContent += ` The target ${data.target_name} is trained standardised (mean ${n(ys.mean)}, sd ${n(ys.sd)}); MSE and MAE are shown in its own units.`;
  };

  canvas.addEventListener('click', (ev) => {
    const data = room.data;
    const state = room.state;
    if (!data || room.csv || data.n_features !== 2 || state.extra.length >= 500) return;
    const [x, y] = toData(canvas, room.view, ev);
    state.extra = [...state.extra, [+(x * data.scale[0] + data.mean[0]).toPrecision(4), +(y * data.scale[1] + data.mean[1]).toPrecision(4), room.addClass]];
    room.commit('data');
  });
  canvas.addEventListener('keydown', (ev) => {
    if (ev.key === ' ' || ev.key === 'Enter') { ev.preventDefault(); if (room.playing) room.pause(); else room.play(); }
    if (ev.key === 'ArrowRight') { ev.preventDefault(); room.stepOnce(false); }
  });
  for (const c of [canvas, digitsCanvas, embedCanvas]) new ResizeObserver(() => room.drawPicture()).observe(c);

  return [canvas, table, digitsCanvas, dataNote, embedTitle, embedCanvas];
}
