// The loss landscape as a heatmap (log-scaled, viridis: readable with the
// common colour-vision deficiencies) with contour lines by marching squares.

const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137],
  [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];

export function colour(t) {
  const f = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(f), VIRIDIS.length - 2);
  const u = f - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

// The heatmap's colour position t in [0, 1] of a loss v (a log scale above the least value lo), and back:
// for a colour scale labelled in loss values (web/shared/landscape.js).
export function heatScale(lo, hi) {
  const top = Math.log1p(Math.max(hi - lo, 1e-12));
  return { toT: (v) => Math.log1p(Math.max(v - lo, 0)) / top, fromT: (t) => lo + Math.expm1(t * top) };
}

// values: nx*ny row-major (y outer, y from min to max). Returns an offscreen canvas.
export function renderHeatmap(values, nx, ny, levels = 14) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
  const scaled = new Float32Array(values.length);
  const top = Math.log1p(Math.max(hi - lo, 1e-12));
  for (let i = 0; i < values.length; i++) scaled[i] = Number.isFinite(values[i]) ? Math.log1p(values[i] - lo) / top : 1;
  const canvas = document.createElement('canvas');
  canvas.width = nx;
  canvas.height = ny;
  const g = canvas.getContext('2d');
  const img = g.createImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    const row = ny - 1 - j; // canvas rows go down, y goes up
    for (let i = 0; i < nx; i++) {
      const [r, gg, b] = colour(scaled[j * nx + i]);
      const o = (row * nx + i) * 4;
      img.data[o] = r; img.data[o + 1] = gg; img.data[o + 2] = b; img.data[o + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
  // contours
  g.strokeStyle = 'rgba(255,255,255,0.45)';
  g.lineWidth = 0.8;
  g.beginPath();
  for (let k = 1; k < levels; k++) {
    const L = k / levels;
    for (let j = 0; j < ny - 1; j++) {
      for (let i = 0; i < nx - 1; i++) {
        const a = scaled[j * nx + i], b = scaled[j * nx + i + 1], c = scaled[(j + 1) * nx + i + 1], d = scaled[(j + 1) * nx + i];
        const pts = [];
        const edge = (p, q, x0, y0, x1, y1) => {
          if ((p < L) !== (q < L)) { const t = (L - p) / (q - p); pts.push([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]); }
        };
        edge(a, b, i, j, i + 1, j);
        edge(b, c, i + 1, j, i + 1, j + 1);
        edge(c, d, i + 1, j + 1, i, j + 1);
        edge(d, a, i, j + 1, i, j);
        for (let m = 0; m + 1 < pts.length; m += 2) {
          g.moveTo(pts[m][0] + 0.5, ny - 1 - pts[m][1] + 0.5);
          g.lineTo(pts[m + 1][0] + 0.5, ny - 1 - pts[m + 1][1] + 0.5);
        }
      }
    }
  }
  g.stroke();
  return { canvas, lo, hi };
}
