// A race's loss landscape on a canvas, for the Optimizers room and <steplab-race>: the heatmap
// (web/shared/heatmap.js) in a plot box with x and y axes and their ticks, a colour scale labelled
// in loss values, a star at each minimum, the start, and each optimizer's trail in its own colour,
// dash and head marker, outlined in black so that a trail over another stays visible, the focused
// one drawn last, on top.
import { colour, heatScale } from './heatmap.js';
import { fmtValue } from './chart.js';
import { sampled } from './data-table.js';

// Racer i's line style and head marker, shared with the loss chart's series (same dash there).
export const DASHES = [[], [9, 5], [2, 4], [12, 4, 3, 4], [5, 3], [1, 5]];
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'down', 'cross'];
export const MARKER_NAMES = ['●', '■', '▲', '◆', '▼', '✚'];
export const dashOf = (i) => DASHES[i % DASHES.length];

const FONT = '11px system-ui, sans-serif';

/** The plot box inside a w × h canvas (room for the axes' labels and the colour scale), and the mapping to it. */
export function landscapeFrame(w, h, view, { scale = true } = {}) {
  const box = { left: 38, top: 8, right: w - (scale ? 58 : 8), bottom: h - 22 };
  const bw = Math.max(1, box.right - box.left), bh = Math.max(1, box.bottom - box.top);
  return {
    box,
    toPx: (x, y) => [box.left + ((x - view.x[0]) / (view.x[1] - view.x[0])) * bw, box.bottom - ((y - view.y[0]) / (view.y[1] - view.y[0])) * bh],
    toWorld: (px, py) => [view.x[0] + ((px - box.left) / bw) * (view.x[1] - view.x[0]), view.y[0] + ((box.bottom - py) / bh) * (view.y[1] - view.y[0])],
    inside: (px, py) => px >= box.left && px <= box.right && py >= box.top && py <= box.bottom,
  };
}

// About n round ticks in [a, b]: multiples of 1, 2 or 5 times a power of ten.
export function niceTicks(a, b, n = 5) {
  const raw = (b - a) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out = [];
  for (let v = Math.ceil(a / step - 1e-9) * step; v <= b + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

const short = (v) => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e4 || a < 1e-2 ? v.toExponential(0).replace('e+', 'e') : String(+v.toPrecision(3));
  return s.replace('-', '−');
};

// Colour-scale labels: round loss values between lo and hi, as many as fit `gap` pixels apart.
function scaleTicks(lo, hi, pos, gap) {
  const cands = [lo, hi];
  if (lo < 0 && hi > 0) cands.push(0);
  for (let e = -6; e <= 12; e++) for (const m of [1, 2, 5]) for (const s of [1, -1]) {
    const v = s * m * 10 ** e;
    if (v > lo && v < hi) cands.push(+v.toPrecision(6));
  }
  const rank = (v) => (v === lo || v === hi ? 0 : v === 0 ? 1 : Math.abs(Math.log10(Math.abs(v)) % 1) < 1e-9 ? 2 : 3);
  cands.sort((a, b) => rank(a) - rank(b));
  const kept = [];
  for (const v of cands) if (kept.every((k) => Math.abs(pos(k) - pos(v)) >= gap)) kept.push(v);
  return kept;
}

function marker(g, kind, x, y, r) {
  g.beginPath();
  if (kind === 'circle') g.arc(x, y, r, 0, Math.PI * 2);
  else if (kind === 'square') g.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
  else if (kind === 'triangle') { g.moveTo(x, y - r * 1.15); g.lineTo(x + r, y + r * 0.75); g.lineTo(x - r, y + r * 0.75); g.closePath(); }
  else if (kind === 'down') { g.moveTo(x, y + r * 1.15); g.lineTo(x + r, y - r * 0.75); g.lineTo(x - r, y - r * 0.75); g.closePath(); }
  else if (kind === 'diamond') { g.moveTo(x, y - r * 1.2); g.lineTo(x + r, y); g.lineTo(x, y + r * 1.2); g.lineTo(x - r, y); g.closePath(); }
  else { const a = r * 0.4; g.moveTo(x - a, y - r); g.lineTo(x + a, y - r); g.lineTo(x + a, y - a); g.lineTo(x + r, y - a); g.lineTo(x + r, y + a); g.lineTo(x + a, y + a);
    g.lineTo(x + a, y + r); g.lineTo(x - a, y + r); g.lineTo(x - a, y + a); g.lineTo(x - r, y + a); g.lineTo(x - r, y - a); g.lineTo(x - a, y - a); g.closePath(); }
}

function star(g, x, y, r) {
  g.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? r * 0.45 : r;
    if (i) g.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a)); else g.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  g.closePath();
}

/**
 * Draws the landscape. o: { w, h, view, heat ({ canvas, lo, hi } from renderHeatmap), fg and bg (axis and page colours),
 * minima ([{ x, y }]), start ([x, y]), traces, upto (the step shown), focus, colours, scale (false: no
 * colour scale) }. Returns the frame (landscapeFrame) it drew in.
 */
export function drawLandscape(g, o) {
  const { w, h, view, heat } = o;
  const frame = landscapeFrame(w, h, view, { scale: o.scale !== false });
  const { box, toPx } = frame;
  const fg = o.fg || '#222';
  g.clearRect(0, 0, w, h);
  if (o.bg) { g.fillStyle = o.bg; g.fillRect(0, 0, w, h); }
  if (heat) { g.imageSmoothingEnabled = true; g.drawImage(heat.canvas, box.left, box.top, box.right - box.left, box.bottom - box.top); }
  g.strokeStyle = fg;
  g.lineWidth = 1;
  g.strokeRect(box.left + 0.5, box.top + 0.5, box.right - box.left - 1, box.bottom - box.top - 1);
  // axes: ticks and labels
  g.fillStyle = fg;
  g.font = FONT;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const v of niceTicks(view.x[0], view.x[1], Math.max(2, Math.round((box.right - box.left) / 70)))) {
    const [px] = toPx(v, view.y[0]);
    g.beginPath(); g.moveTo(px, box.bottom); g.lineTo(px, box.bottom + 4); g.stroke();
    g.fillText(short(v), px, box.bottom + 6);
  }
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const v of niceTicks(view.y[0], view.y[1], Math.max(2, Math.round((box.bottom - box.top) / 45)))) {
    const [, py] = toPx(view.x[0], v);
    g.beginPath(); g.moveTo(box.left - 4, py); g.lineTo(box.left, py); g.stroke();
    g.fillText(short(v), box.left - 6, py);
  }
  g.save();
  g.textAlign = 'left';
  g.fillText('x', 4, box.bottom + 12);
  g.fillText('y', 4, box.top + 6);
  g.restore();
  if (heat && o.scale !== false) drawScale(g, box, heat, fg, h);
  // the rest stays inside the plot box
  g.save();
  g.beginPath();
  g.rect(box.left, box.top, box.right - box.left, box.bottom - box.top);
  g.clip();
  if (o.start) {
    const [sx, sy] = toPx(o.start[0], o.start[1]);
    g.fillStyle = '#fff'; g.strokeStyle = '#000'; g.lineWidth = 1.5;
    g.beginPath(); g.arc(sx, sy, 5, 0, Math.PI * 2); g.fill(); g.stroke();
  }
  const order = (o.traces || []).map((_, i) => i).filter((i) => i !== o.focus);
  if (o.traces?.[o.focus]) order.push(o.focus);
  for (const i of order) drawTrail(g, frame, o.traces[i], i, o);
  // the minima on top: the trails run to them
  for (const m of o.minima || []) {
    const [px, py] = toPx(m.x, m.y);
    star(g, px, py, 8);
    g.fillStyle = '#ffffff';
    g.fill();
    g.lineWidth = 1.5;
    g.strokeStyle = '#000000';
    g.stroke();
  }
  g.restore();
  return frame;
}

function drawTrail(g, { toPx }, t, i, o) {
  if (!t || t.error) return;
  const colour = o.colours[i % o.colours.length];
  const upto = Math.min(o.upto, t.x.length - 1);
  const focused = i === o.focus;
  const path = () => {
    g.beginPath();
    for (let s = 0; s <= upto; s++) {
      const [px, py] = toPx(t.x[s], t.y[s]);
      if (s) g.lineTo(px, py); else g.moveTo(px, py);
    }
  };
  g.lineJoin = 'round';
  g.setLineDash(dashOf(i));
  path();
  g.strokeStyle = 'rgba(0, 0, 0, 0.6)';
  g.lineWidth = focused ? 5.5 : 4.5;
  g.stroke();
  g.strokeStyle = colour;
  g.lineWidth = focused ? 3 : 2.2;
  g.stroke();
  g.setLineDash([]);
  const [px, py] = toPx(t.x[upto], t.y[upto]);
  marker(g, MARKERS[i % MARKERS.length], px, py, focused ? 7 : 5.5);
  g.fillStyle = colour;
  g.fill();
  g.strokeStyle = '#fff';
  g.lineWidth = 1.5;
  g.stroke();
  if (t.diverged && o.upto >= t.x.length - 1) {
    g.strokeStyle = colour;
    g.lineWidth = 3;
    g.beginPath();
    g.moveTo(px - 8, py - 8); g.lineTo(px + 8, py + 8); g.moveTo(px + 8, py - 8); g.lineTo(px - 8, py + 8);
    g.stroke();
  }
}

// The colour scale: a bar to the right of the plot, labelled with loss values where they fall.
function drawScale(g, box, heat, fg) {
  const x0 = box.right + 8, bw = 10, top = box.top, bottom = box.bottom, hgt = bottom - top;
  const { toT } = heatScale(heat.lo, heat.hi);
  for (let j = 0; j < hgt; j++) {
    const [r, gg, b] = colour(1 - j / Math.max(1, hgt - 1));
    g.fillStyle = `rgb(${r | 0},${gg | 0},${b | 0})`;
    g.fillRect(x0, top + j, bw, 1);
  }
  g.strokeStyle = fg;
  g.lineWidth = 1;
  g.strokeRect(x0 + 0.5, top + 0.5, bw - 1, hgt - 1);
  const pos = (v) => bottom - toT(v) * hgt;
  g.fillStyle = fg;
  g.font = FONT;
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  for (const v of scaleTicks(heat.lo, heat.hi, pos, 13)) {
    const py = Math.min(bottom - 5, Math.max(top + 5, pos(v)));
    g.beginPath(); g.moveTo(x0 + bw, pos(v)); g.lineTo(x0 + bw + 3, pos(v)); g.stroke();
    g.fillText(short(v), x0 + bw + 5, py);
  }
}

// The data behind the landscape, for its "Data table" (web/shared/data-table.js): each racer's point
// and loss at the steps shown (0..upto, every k-th when longer); null before any trace.
export function trailTable(traces, names, upto) {
  const live = traces.map((t, i) => ({ t, i })).filter(({ t }) => t && !t.error && t.x);
  if (!live.length) return null;
  const last = Math.max(...live.map(({ t }) => Math.min(upto, t.x.length - 1)));
  const { at, k } = sampled(last + 1);
  const num = (v) => (Number.isFinite(v) ? fmtValue(v) : 'diverged');
  return {
    caption: `each optimizer's point (x, y) and loss, steps 0 to ${last}${k > 1 ? ` (one in ${k}, and the last)` : ''}`,
    head: ['step', ...live.flatMap(({ i }) => [`${names[i]}: x`, `${names[i]}: y`, `${names[i]}: loss`])],
    rows: at.map((s) => [String(s), ...live.flatMap(({ t }) => (s < t.x.length && s <= upto ? [num(t.x[s]), num(t.y[s]), num(t.loss[s])] : ['-', '-', '-']))]),
  };
}
