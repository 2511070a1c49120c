// A line plot on a canvas sized for devicePixelRatio, with nice ticks.
// Decimates to min/max per pixel column when points outnumber pixels.

function niceTicks(lo, hi, count) {
  if (!(hi > lo)) { hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1); lo -= hi - lo; }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
  return { lo, hi, ticks };
}

function fmt(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(+v.toPrecision(4));
}

export function drawLinePlot(canvas, ys, { xLabel = '', yLabel = '' } = {}) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const css = getComputedStyle(document.documentElement);
  const fg = css.getPropertyValue('--fg').trim() || '#000';
  const muted = css.getPropertyValue('--muted').trim() || '#666';
  const line = css.getPropertyValue('--line').trim() || '#06f';
  const left = 60, right = 20, top = 14, bottom = 40;
  const pw = w - left - right, ph = h - top - bottom;
  if (pw <= 0 || ph <= 0 || !ys.length) return;
  let ymin = Infinity, ymax = -Infinity;
  for (const y of ys) { if (y < ymin) ymin = y; if (y > ymax) ymax = y; }
  const yt = niceTicks(ymin, ymax, 5);
  const xt = niceTicks(0, Math.max(ys.length - 1, 1), 8);
  const X = (i) => left + (i / Math.max(ys.length - 1, 1)) * pw;
  const Y = (v) => top + ph - ((v - yt.lo) / (yt.hi - yt.lo)) * ph;
  g.font = '12px system-ui, sans-serif';
  g.strokeStyle = muted;
  g.fillStyle = muted;
  g.globalAlpha = 0.25;
  g.beginPath();
  for (const t of yt.ticks) { g.moveTo(left, Y(t)); g.lineTo(left + pw, Y(t)); }
  g.stroke();
  g.globalAlpha = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const t of yt.ticks) g.fillText(fmt(t), left - 6, Y(t));
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const t of xt.ticks) if (t <= ys.length - 1) g.fillText(fmt(t), X(t), top + ph + 6);
  g.fillStyle = fg;
  g.fillText(xLabel, left + pw / 2, top + ph + 22);
  g.save();
  g.translate(14, top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.fillText(yLabel, 0, -6);
  g.restore();
  g.strokeStyle = line;
  g.lineWidth = 2;
  g.beginPath();
  if (ys.length > pw * 2) {
    // min/max per pixel column
    const cols = Math.ceil(pw);
    for (let c = 0; c < cols; c++) {
      const a = Math.floor((c / cols) * ys.length), b = Math.max(a + 1, Math.floor(((c + 1) / cols) * ys.length));
      let lo = Infinity, hi = -Infinity;
      for (let i = a; i < b; i++) { if (ys[i] < lo) lo = ys[i]; if (ys[i] > hi) hi = ys[i]; }
      g.moveTo(left + c, Y(lo));
      g.lineTo(left + c, Y(hi) - 0.5);
    }
  } else {
    ys.forEach((v, i) => (i ? g.lineTo(X(i), Y(v)) : g.moveTo(X(i), Y(v))));
  }
  g.stroke();
}
