// The Training room's picture of the data and the model: 2-D sets as a scatter
// over the model's decision regions (or regression surface), 1-feature sets as
// points and the fitted curve, the digits as a grid of 8x8 images. Coordinates
// are the trainer's feature space (standardised).
import { PALETTE, fmtValue } from './chart.js';
import { sampled } from './data-table.js';

export const CLASS_COLORS = [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[5], '#666666', '#8c6d1f', '#7b3294', '#1b9e77'];
const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const CLASS_RGB = CLASS_COLORS.map(rgb);
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function viridis(t) {
  const f = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(f), VIRIDIS.length - 2);
  const u = f - i;
  return VIRIDIS[i].map((a, k) => a + (VIRIDIS[i + 1][k] - a) * u);
}

// The view box of a data set: its first two features' range with a margin.
export function viewOf(data) {
  const d = data.n_features;
  const range = (j) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < data.n_samples; i++) { const v = data.X[i * d + j]; if (v < lo) lo = v; if (v > hi) hi = v; }
    const pad = Math.max((hi - lo) * 0.08, 0.1);
    return [+(lo - pad).toFixed(3), +(hi + pad).toFixed(3)];
  };
  if (d === 1) {
    let lo = Infinity, hi = -Infinity;
    for (const v of data.y) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const pad = Math.max((hi - lo) * 0.08, 0.1);
    return { x: range(0), y: [lo - pad, hi + pad] };
  }
  return { x: range(0), y: range(1) };
}

// The model's outputs on the grid as an nx x ny image: class colours mixed by probability,
// or viridis over the targets' range for regression.
export function regionImage(grid, nx, ny, data) {
  const canvas = document.createElement('canvas');
  canvas.width = nx;
  canvas.height = ny;
  const g = canvas.getContext('2d');
  const img = g.createImageData(nx, ny);
  const k = grid.length / (nx * ny);
  let lo = Infinity, hi = -Infinity;
  if (data.task === 'regression') for (const v of data.y) { if (v < lo) lo = v; if (v > hi) hi = v; }
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const at = j * nx + i;
      let c;
      if (data.task === 'regression') {
        c = viridis((grid[at] - lo) / (hi - lo || 1));
      } else if (k === 1) {
        const p = grid[at];
        c = CLASS_RGB[0].map((a, m) => a + (CLASS_RGB[1][m] - a) * p);
        const w = Math.abs(p - 0.5) * 2; // pale near the boundary
        c = c.map((v) => 255 - (255 - v) * (0.12 + 0.38 * w));
      } else {
        let best = 0;
        for (let m = 1; m < k; m++) if (grid[at * k + m] > grid[at * k + best]) best = m;
        const w = (grid[at * k + best] - 1 / k) / (1 - 1 / k);
        c = CLASS_RGB[best % CLASS_RGB.length].map((v) => 255 - (255 - v) * (0.12 + 0.38 * w));
      }
      const o = ((ny - 1 - j) * nx + i) * 4;
      img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
  canvas.grid = { values: grid, nx, ny }; // the numbers behind the picture (pointsTable)
  return canvas;
}

// The data behind the picture, for its "Data table" (web/shared/data-table.js): each point's first two
// features (standardised, as drawn), its set, class or target, and the model's prediction there: the
// nearest cell of the regions' grid (over view) or point of the fitted curve; null without data.
export function pointsTable(data, view, { regions, line, predicts = true } = {}) {
  if (!data || !data.n_samples || !view) return null;
  const d = data.n_features, reg = data.task === 'regression';
  const names = data.feature_names || [];
  const cls = (c) => data.class_names?.[c] ?? String(c);
  const near = (v, r, n) => Math.min(n - 1, Math.max(0, Math.round(((v - r[0]) / (r[1] - r[0])) * (n - 1))));
  const grid = d >= 2 ? regions?.grid : null;
  const curve = d === 1 ? line : null;
  const predict = (i) => {
    if (curve) return fmtValue(curve.values[near(data.X[i], curve.x, curve.values.length)]);
    if (!grid) return '-';
    const { values, nx, ny } = grid;
    const at = near(data.X[i * d + 1], view.y, ny) * nx + near(data.X[i * d], view.x, nx);
    const k = values.length / (nx * ny);
    if (reg) return fmtValue(values[at]);
    if (k === 1) return cls(values[at] >= 0.5 ? 1 : 0);
    let best = 0;
    for (let m = 1; m < k; m++) if (values[at * k + m] > values[at * k + best]) best = m;
    return cls(best);
  };
  const { at, k } = sampled(data.n_samples);
  const feats = d === 1 ? [names[0] || 'x'] : [names[0] || 'x1', names[1] || 'x2'];
  return {
    caption: `${data.n_samples} points${k > 1 ? `, one in ${k} shown` : ''}: ${d > 2 ? 'the first two ' : ''}features standardised, as drawn; ` +
      (grid || curve ? 'the prediction is the model\'s at the nearest point of the picture' : predicts ? 'the model predicts after its first step' : 'no prediction is drawn for these features'),
    head: ['point', ...feats, 'set', reg ? data.target_name || 'target' : 'class', 'prediction'],
    rows: at.map((i) => [String(i + 1), ...feats.map((_, j) => fmtValue(data.X[i * d + j])), i < data.n_train ? 'training' : 'validation',
      reg ? fmtValue(data.y[i]) : cls(data.y[i]), predict(i)]),
  };
}

// The canvas sized for the device's pixel ratio, cleared to `fill`, drawing in CSS pixels.
function surface(canvas, w, h, fill) {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = fill;
  g.fillRect(0, 0, w, h);
  return g;
}

// Draws the data (and the model's regions or curve when given) into canvas.
export function drawData(canvas, data, view, { regions, line, added = [] } = {}) {
  const w = canvas.clientWidth, h = canvas.clientHeight;
  const g = surface(canvas, w, h, '#fafafa');
  if (!data) return;
  const px = (x) => ((x - view.x[0]) / (view.x[1] - view.x[0])) * w;
  const py = (y) => h - ((y - view.y[0]) / (view.y[1] - view.y[0])) * h;
  if (regions) {
    g.imageSmoothingEnabled = true;
    g.drawImage(regions, 0, 0, w, h);
  }
  const d = data.n_features;
  const reg = data.task === 'regression';
  let lo = Infinity, hi = -Infinity;
  if (reg && d > 1) for (const v of data.y) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const r = data.n_samples > 600 ? 2.5 : 3.5;
  for (let i = 0; i < data.n_samples; i++) {
    const x = px(data.X[i * d]);
    const y = py(d === 1 ? data.y[i] : data.X[i * d + 1]);
    const colour = reg ? (d === 1 ? '#0072B2' : `rgb(${viridis((data.y[i] - lo) / (hi - lo || 1)).map(Math.round).join(',')})`)
      : CLASS_COLORS[data.y[i] % CLASS_COLORS.length];
    g.beginPath();
    g.arc(x, y, r, 0, Math.PI * 2);
    // on a regression surface the points share its colours, so they get a dark ring
    const ring = reg && d > 1 ? '#222' : null;
    if (i < data.n_train) {
      g.fillStyle = colour;
      g.fill();
      g.strokeStyle = ring || '#fff';
      g.lineWidth = ring ? 1 : 0.8;
      g.stroke();
    } else {
      g.fillStyle = ring ? colour : '#fff';
      g.fill();
      g.strokeStyle = ring || colour;
      g.lineWidth = ring ? 2 : 1.6;
      g.stroke();
    }
  }
  for (const [x, y] of added) {
    g.beginPath();
    g.arc(px(x), py(y), r + 3, 0, Math.PI * 2);
    g.strokeStyle = '#000';
    g.lineWidth = 1.2;
    g.stroke();
  }
  if (line) {
    g.strokeStyle = '#D55E00';
    g.lineWidth = 2.5;
    g.beginPath();
    for (let i = 0; i < line.values.length; i++) {
      const x = px(line.x[0] + ((line.x[1] - line.x[0]) * i) / (line.values.length - 1));
      if (i) g.lineTo(x, py(line.values[i])); else g.moveTo(x, py(line.values[i]));
    }
    g.stroke();
  }
  g.font = '12px system-ui, sans-serif';
  const names = data.feature_names || [];
  const label = d === 1 ? `${names[0] || 'x'} → , ${data.target_name || 'target'} ↑ (standardised)` : `${names[0] || 'x1'} → , ${names[1] || 'x2'} ↑ (standardised)`;
  canvas.dataset.axes = label; // what the axes say, for readers of the page and the tests
  g.fillStyle = 'rgba(255,255,255,0.8)';
  g.fillRect(2, h - 20, g.measureText(label).width + 8, 18);
  g.fillStyle = '#333';
  g.fillText(label, 6, h - 6);
}

// The embedding of every row (its first two coordinates), scaled to fit, coloured by class;
// validation rows open. Before training, an empty frame with a note.
export function drawEmbedding(canvas, data, embedding) {
  const w = canvas.clientWidth, h = canvas.clientHeight;
  const g = surface(canvas, w, h, '#fafafa');
  g.fillStyle = '#333';
  g.font = '12px system-ui, sans-serif';
  if (!embedding) { g.fillText('train to see the embedding', 8, 18); return; }
  const { values, dim } = embedding;
  const n = data.n_samples;
  const at = (i, j) => (dim > j ? values[i * dim + j] : 0);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, at(i, 0)); x1 = Math.max(x1, at(i, 0)); y0 = Math.min(y0, at(i, 1)); y1 = Math.max(y1, at(i, 1));
  }
  const span = Math.max(x1 - x0, y1 - y0, 1e-6) * 1.1;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const side = Math.min(w, h);
  const px = (v) => w / 2 + ((v - cx) / span) * side;
  const py = (v) => h / 2 - ((v - cy) / span) * side;
  for (let i = 0; i < n; i++) {
    const colour = CLASS_COLORS[data.y[i] % CLASS_COLORS.length];
    g.beginPath();
    g.arc(px(at(i, 0)), py(at(i, 1)), 3, 0, Math.PI * 2);
    if (i < data.n_train) { g.fillStyle = colour; g.fill(); } else { g.strokeStyle = colour; g.lineWidth = 1.5; g.stroke(); }
  }
  g.fillStyle = '#333';
  g.fillText(`embedding dims 1 →, 2 ↑ (span ${+span.toPrecision(3)})`, 6, h - 6);
}

// Canvas position -> feature space.
export function toData(canvas, view, ev) {
  const r = canvas.getBoundingClientRect();
  return [view.x[0] + ((ev.clientX - r.left) / r.width) * (view.x[1] - view.x[0]),
    view.y[0] + (1 - (ev.clientY - r.top) / r.height) * (view.y[1] - view.y[0])];
}

// The first `count` images of an 8x8 data set (unstandardised for display) with their labels.
export function drawDigits(canvas, data, count = 40) {
  const w = canvas.clientWidth;
  const cols = Math.max(4, Math.floor(w / 46));
  const n = Math.min(count, data.n_samples);
  const cell = w / cols;
  const h = Math.ceil(n / cols) * cell;
  canvas.style.height = `${h}px`;
  const g = surface(canvas, w, h, '#fff');
  const px = (cell - 14) / 8;
  for (let s = 0; s < n; s++) {
    const ox = (s % cols) * cell + 2, oy = Math.floor(s / cols) * cell + 2;
    for (let p = 0; p < 64; p++) {
      const raw = data.X[s * 64 + p] * data.scale[p] + data.mean[p];
      const v = Math.round(255 - Math.min(Math.max(raw / 16, 0), 1) * 215);
      g.fillStyle = `rgb(${v},${v},${v})`;
      g.fillRect(ox + (p % 8) * px, oy + Math.floor(p / 8) * px, px + 0.5, px + 0.5);
    }
    g.fillStyle = '#b3261e';
    g.font = '11px system-ui, sans-serif';
    g.fillText(String(data.y[s]), ox + 8 * px + 2, oy + 10);
  }
}
