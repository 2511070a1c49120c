// Line charts on uPlot: overlaid series with a live legend (hover read-out),
// a log-scale toggle, drag to zoom and double-click to reset, and export of
// the picture (PNG) and the numbers (CSV, JSON).
import uPlot from 'uplot';
import { dataTable, sampled } from './data-table.js';

// Okabe-Ito: distinguishable with the common colour-vision deficiencies.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

export class LineChart {
  // styleRoot: the element whose CSS custom properties (--fg, --grid) colour the axes.
  // xLog: a log-scale x axis (learning rates); marks and bands via setMarks / setBands.
  constructor(container, { xLabel, yLabel, styleRoot = document.documentElement, height, xLog = false }) {
    this.container = container;
    this.xLog = xLog;
    this.marks = [];
    this.bands = [];
    this.styleRoot = styleRoot;
    this.fixedHeight = height;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.log = false;
    this.yRange = null; // [min, max] of a linear y axis, or null: the data's (set before setData)
    this.series = [];
    this.xs = new Float64Array(0);
    this.plot = null;
    this.resizeObserver = new ResizeObserver(() => this._resize());
    this.resizeObserver.observe(container);
    // the numbers behind the picture, for the keyboard and screen readers: a table built when opened
    this.tableBox = dataTable(() => this._table());
  }

  // The data table: the x values and every series, at most TABLE_ROWS rows (every k-th when longer).
  _table() {
    const n = this.xs.length;
    const { at, k } = sampled(n);
    return {
      caption: `${this.yLabel || 'values'} against ${this.xLabel || 'x'}` + (k > 1 ? `: one row in ${k} of ${n} (CSV has them all)` : ''),
      head: [this.xLabel || 'x', ...this.series.map((x) => x.label)],
      rows: at.map((i) => [fmtValue(this.xs[i]), ...this.series.map((x) => (i < x.values.length && x.values[i] != null ? fmtValue(x.values[i]) : '-'))]),
    };
  }

  // series: [{ label, values, color?, dash? }]; x: shared x values (default 0..len-1)
  setData(series, x) {
    const n = Math.max(0, ...series.map((s) => s.values.length));
    if (x) this.xs = x;
    else if (this.xs.length !== n || this.customX) this.xs = Float64Array.from({ length: n }, (_, i) => i);
    this.customX = !!x;
    const sameShape = this.plot && series.length === this.series.length &&
      series.every((s, i) => s.label === this.series[i].label) && this._symlog === crossesZero(this.log, series);
    this.series = series;
    if (sameShape) this.plot.setData(this._data(), true);
    else this._build();
    if (this.tableBox.open && !this._tablePending) {
      this._tablePending = true;
      requestAnimationFrame(() => { this._tablePending = false; this.tableBox.refresh(); });
    }
  }

  setLog(on) {
    this.log = on;
    this._build();
  }

  // marks: [{ x, label, color, lo?, hi? }]: a dashed vertical line at x with its label, and, when lo
  // and hi are given (how far the value moves between runs), a bar from lo to hi under the label.
  setMarks(marks) {
    this.marks = marks;
    this.plot?.redraw(false);
  }

  // bands: [[upper, lower, fill]]: the area between two series (indexes into the series list).
  setBands(bands) {
    this.bands = bands;
    this._build();
  }

  // Labels go in the first row where they overlap no other label (left of their line near the right
  // edge); the spread bars are drawn in the label's row, so strips never pile up into one colour.
  _drawMarks(u) {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio;
    const px = (v) => Math.round(u.valToPos(v, 'x', true));
    ctx.save();
    ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    const rows = []; // per row, the [from, to] pixel spans taken
    this.markLayout = []; // where each label went (canvas pixels), for the tests
    const marks = this.marks.filter((m) => !(this.xLog && !(m.x > 0))).sort((a, b) => a.x - b.x);
    for (const m of marks) {
      const x = px(m.x);
      const w = ctx.measureText(m.label).width;
      const lo = m.lo != null && m.hi != null ? px(m.lo) : x, hi = m.lo != null && m.hi != null ? px(m.hi) : x;
      const tx = x + 4 * dpr + w > left + width ? x - 4 * dpr - w : x + 4 * dpr;
      const span = [Math.min(lo, tx) - 6 * dpr, Math.max(hi, tx + w) + 6 * dpr];
      let r = rows.findIndex((taken) => taken.every(([a, b]) => span[1] < a || span[0] > b));
      if (r < 0) { rows.push([]); r = rows.length - 1; }
      rows[r].push(span);
      const y = top + (14 + 24 * r) * dpr;
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 2 * dpr;
      ctx.setLineDash([5 * dpr, 4 * dpr]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      if (hi > lo) {
        ctx.setLineDash([]);
        ctx.lineWidth = 3 * dpr;
        ctx.beginPath();
        ctx.moveTo(lo, y + 7 * dpr); ctx.lineTo(hi, y + 7 * dpr);
        ctx.moveTo(lo, y + 3 * dpr); ctx.lineTo(lo, y + 11 * dpr);
        ctx.moveTo(hi, y + 3 * dpr); ctx.lineTo(hi, y + 11 * dpr);
        ctx.stroke();
      }
      ctx.fillStyle = m.color;
      ctx.fillText(m.label, tx, y);
      this.markLayout.push({ label: m.label, x0: tx, x1: tx + w, row: r, bar: [lo, hi] });
    }
    ctx.restore();
  }

  // What uPlot gets: every value drawable (see drawable), and on a plain log axis only the positive ones.
  _data() {
    const pos = this.log && !this._symlog;
    return [this.xs, ...this.series.map((s) => Array.from(s.values, (v) => {
      const d = drawable(v);
      return pos && !(d > 0) ? null : d;
    }))];
  }

  _build() {
    this.plot?.destroy();
    // a log scale over data that crosses zero is a symmetric log (asinh) scale: negative losses stay in view
    this._symlog = crossesZero(this.log, this.series);
    const css = getComputedStyle(this.styleRoot);
    const fg = css.getPropertyValue('--fg').trim() || '#222';
    const grid = css.getPropertyValue('--grid').trim() || '#ddd';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const ticks = { values: (u, ts) => ts.map(fmtTick) };
    // log axes label and grid powers of ten only (every k-th one when they would crowd), or
    // 1, 2 and 5 times them when the range spans less than two
    const decadeFilter = (dim, px) => (u, ts) => {
      const e = (v) => Math.log10(v);
      const whole = ts.filter((v) => v > 0 && Math.abs(e(v) - Math.round(e(v))) < 1e-9);
      if (whole.length < 2) return ts.map((v) => ([1, 2, 5].includes(+(v / 10 ** Math.floor(e(v) + 1e-9)).toPrecision(3)) ? v : null));
      const k = Math.max(1, Math.ceil((whole.length * px) / Math.max(1, u.bbox[dim] / devicePixelRatio)));
      return ts.map((v) => (whole.includes(v) && Math.round(e(v)) % k === 0 ? v : null));
    };
    const decades = (f) => ({ ...ticks, filter: f, grid: { ...axis.grid, filter: f }, ticks: { ...axis.ticks, filter: f } });
    const opts = {
      width: Math.max(200, this.container.clientWidth),
      height: this._height(),
      scales: { x: this.xLog ? { time: false, distr: 3 } : { time: false },
        y: this._symlog ? { distr: 4, asinh: symlogThreshold(this.series), range: () => symlogRange(this.series) }
          : this.log ? { distr: 3, range: () => logRange(this.series) }
          : { auto: true, range: (u, lo, hi) => this.yRange ?? linRange(u, lo, hi) } },
      bands: this.bands.map(([a, b, fill]) => ({ series: [a + 1, b + 1], fill })),
      hooks: { draw: [(u) => this._drawMarks(u)] },
      axes: [{ ...axis, label: this.xLabel, ...(this.xLog ? decades(decadeFilter('width', 46)) : {}) },
        { ...axis, label: this.yLabel, size: 70, ...(this._symlog ? decades(symlogFilter) : this.log ? decades(decadeFilter('height', 22)) : ticks) }],
      series: [{ label: this.xLabel, value: (u, v) => (v == null ? '-' : fmtValue(v)) },
        ...this.series.map((s, i) => ({
          label: s.label,
          stroke: s.color || PALETTE[i % PALETTE.length],
          width: s.width ?? 2,
          dash: s.dash || (i >= PALETTE.length ? [6, 4] : undefined),
          value: (u, v, si, k) => { const r = this.series[i]?.values[k]; return r == null || v == null ? '-' : fmtValue(r); },
          points: { show: false },
        }))],
      cursor: { drag: { x: true, y: false }, focus: { prox: 30 } },
      // the legend's swatch is drawn as its line is: solid, dashed or dotted (train and validation told apart)
      legend: { live: true, markers: { width: 2, dash: (u, i) => markerDash(this.series[i - 1]), fill: (u, i) => (markerDash(this.series[i - 1]) === 'solid' ? u.series[i].stroke(u, i) : 'transparent') } },
    };
    this.plot = new uPlot(opts, this._data(), this.container);
    this.container.append(this.tableBox);
  }

  _resize() {
    if (!this.plot) return;
    const w = Math.max(200, this.container.clientWidth);
    if (Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: this._height() });
  }

  _height() {
    return this.fixedHeight || Math.max(200, Math.min(420, Math.round(this.container.clientWidth * 0.6)));
  }

  resetZoom() {
    if (this.plot && this.xs.length) this.plot.setScale('x', { min: this.xs[0], max: this.xs[this.xs.length - 1] });
  }

  png() {
    return this.plot ? this.plot.ctx.canvas.toDataURL('image/png') : null;
  }

  csv() {
    const head = [this.xLabel, ...this.series.map((s) => s.label)].map(csvCell).join(',');
    const rows = [head];
    for (let i = 0; i < this.xs.length; i++) rows.push([this.xs[i], ...this.series.map((s) => (i < s.values.length ? s.values[i] : ''))].join(','));
    return rows.join('\n') + '\n';
  }

  json() {
    return JSON.stringify({ x: this.xLabel, y: this.yLabel, xs: Array.from(this.xs), series: this.series.map((s) => ({ label: s.label, values: Array.from(s.values) })) });
  }
}

function markerDash(s) {
  const d = s?.dash;
  return !d || !d.length ? 'solid' : d[0] <= 3 ? 'dotted' : 'dashed';
}

// A value as a chart can draw it: NaN and infinities are gaps, magnitudes below 1e-30 (denormals
// too) are 0 and above 1e30 are 1e30: uPlot finds axis steps only between 1e-32 and 1e32, so no
// scale, tick or split computation leaves that window (a run's gradient norms of 0 and 1e-31, or a
// diverged loss of 1e308, draw like any other). The read-out and the data table show the true values.
const TINY = 1e-30, HUGE = 1e30;
export function drawable(v) {
  if (v == null || !Number.isFinite(v)) return null;
  const a = Math.abs(v);
  return a < TINY ? 0 : a > HUGE ? Math.sign(v) * HUGE : v;
}

// The drawable values' extent: least positive, least and largest, least non-zero magnitude.
function extent(series) {
  const e = { pos: Infinity, min: Infinity, max: -Infinity, absLo: Infinity };
  for (const s of series) for (const raw of s.values) {
    const v = drawable(raw);
    if (v === null) continue;
    if (v > 0 && v < e.pos) e.pos = v;
    if (v !== 0 && Math.abs(v) < e.absLo) e.absLo = Math.abs(v);
    if (v < e.min) e.min = v;
    if (v > e.max) e.max = v;
  }
  return e;
}

// Whether a log-scaled chart's data crosses zero (then its y axis is a symmetric log one).
function crossesZero(log, series) {
  return !!log && series.some((s) => Array.prototype.some.call(s.values, (v) => drawable(v) < 0));
}

const decadeUp = (v) => 10 ** Math.min(30, Math.ceil(Math.log10(v) - 1e-9));
const decadeDown = (v) => 10 ** Math.max(-30, Math.floor(Math.log10(v) + 1e-9));

// A log axis spans whole decades, at most 12 of them below the largest value: values spanning more
// (losses reaching 1e-45) would split it into ticks every 1e-32, which froze the page. Computed from
// the series themselves, not from uPlot's running extent.
export function logRange(series) {
  const { pos, max } = extent(series);
  if (!(max > 0)) return [0.1, 10];
  const top = decadeUp(max);
  const bottom = decadeDown(Math.max(pos, max * 1e-12));
  return bottom < top ? [bottom, top] : [bottom / 10, top * 10];
}

// A linear axis spans the data padded (uPlot's own range), or 0 to 1 with no data yet, so that an
// empty chart still shows its axes.
function linRange(u, lo, hi) {
  return lo == null || hi == null ? [0, 1] : uPlot.rangeNum(lo, hi, 0.1, true);
}

// A symmetric log axis from the decade below the least value to the decade above the largest.
export function symlogRange(series) {
  const { min, max } = extent(series);
  const lo = min < 0 ? -decadeUp(-min) : 0;
  const hi = max > 0 ? decadeUp(max) : 0;
  return lo < hi ? [lo, hi] : [-1, 1];
}

// A symmetric log axis labels 0 and powers of ten, the larger ones first, at least 18 px apart.
function symlogFilter(u, ts) {
  const pow = (v) => v === 0 || Math.abs(Math.log10(Math.abs(v)) % 1) < 1e-9;
  const kept = [];
  for (const v of ts.filter(pow).sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : Math.abs(b) - Math.abs(a)))) {
    const at = u.valToPos(v, 'y');
    if (kept.every((k) => Math.abs(u.valToPos(k, 'y') - at) >= 18)) kept.push(v);
  }
  return ts.map((v) => (kept.includes(v) ? v : null));
}

// The symmetric log axis's linear width around 0: the least non-zero magnitude's power of ten,
// at most 12 decades below the largest.
function symlogThreshold(series) {
  const { min, max, absLo } = extent(series);
  const hi = Math.max(Math.abs(min), Math.abs(max));
  if (!(hi > 0) || !Number.isFinite(hi)) return 1;
  return decadeDown(Math.max(absLo, hi * 1e-12));
}

function csvCell(s) {
  const t = String(s);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export function fmtValue(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-4 ? v.toExponential(4) : String(+v.toPrecision(6));
}

function fmtTick(v) {
  if (v == null) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(0) : String(+v.toPrecision(3));
}

export function download(name, href) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

export function downloadText(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(name, url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
