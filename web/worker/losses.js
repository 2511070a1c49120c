// The Losses room's computations, done in the worker with the core's own
// losses: curves of value and derivative over a grid, and the worked tables.

const GRID = 401;
// grids chosen so that round x values (0.5, -1, 0.9) are grid points

function linspace(a, b, n) {
  return Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

// Per-point value and derivative of a one-input loss with reduction 'none'.
function curve(lab, spec, input, target) {
  const r = lab.loss({ ...spec, reduction: 'none' }, input, target);
  return { values: Float64Array.from(r.value), grad: Float64Array.from(r.grad) };
}

export function lossCurves(lab, { panel, delta = 1, beta = 1, gamma = 2, alpha = 0.25, margin = 1, d_ap = 1 }) {
  const out = [];
  const add = (label, c, group) => {
    out.push({ label, values: c.values, group, kind: 'value' });
    out.push({ label: `${label} derivative`, values: c.grad, group, kind: 'grad' });
  };
  if (panel === 'error') {
    const x = linspace(-4, 4, GRID);
    const xs = Float32Array.from(x);
    const zero = new Float32Array(GRID);
    add('MSE', curve(lab, { type: 'MSELoss' }, xs, zero), 0);
    add('MAE (L1)', curve(lab, { type: 'L1Loss' }, xs, zero), 1);
    add(`Huber δ=${delta}`, curve(lab, { type: 'HuberLoss', delta }, xs, zero), 2);
    add(`SmoothL1 β=${beta}`, curve(lab, { type: 'SmoothL1Loss', beta }, xs, zero), 3);
    return { x, series: out, xLabel: 'error (prediction − target)' };
  }
  if (panel === 'margin') {
    const x = linspace(-3, 3, 601);
    const xs = Float32Array.from(x);
    const ones = new Float32Array(x.length).fill(1);
    add('hinge', curve(lab, { type: 'HingeLoss' }, xs, ones), 0);
    add('squared hinge', curve(lab, { type: 'SquaredHingeLoss' }, xs, ones), 1);
    add('logistic (BCE with logits)', curve(lab, { type: 'BCEWithLogitsLoss' }, xs, ones), 2);
    return { x, series: out, xLabel: 'margin y·f(x)' };
  }
  if (panel === 'probability') {
    const x = Float64Array.from({ length: 999 }, (_, i) => (i + 1) / 1000);
    const ones = new Float32Array(x.length).fill(1);
    add('cross-entropy −log p', curve(lab, { type: 'BCELoss' }, Float32Array.from(x), ones), 0);
    // focal loss takes logits; its derivative is turned into d/dp so both curves share the axis
    const logits = Float32Array.from(x, (p) => Math.log(p / (1 - p)));
    const f = curve(lab, { type: 'FocalLoss', gamma, alpha }, logits, ones);
    f.grad = f.grad.map((g, i) => g / (x[i] * (1 - x[i])));
    add(`focal γ=${gamma} α=${alpha < 0 ? 'off' : alpha}`, f, 1);
    return { x, series: out, xLabel: 'predicted probability of the true class p' };
  }
  if (panel === 'distance') {
    const x = linspace(0, 3, 601);
    const n = x.length;
    const col = (v) => Array.from(v, (d) => [d]);
    const zeros = col(new Float64Array(n));
    const pairs = (label) => {
      const r = lab.loss({ type: 'ContrastiveLoss', margin, reduction: 'none' }, [col(x), zeros], new Float32Array(n).fill(label));
      return { values: Float64Array.from(r.value), grad: Float64Array.from(r.grad[0], (row) => row[0]) };
    };
    add('contrastive, similar pair (Y=0)', pairs(0), 0);
    add(`contrastive, dissimilar pair (Y=1), m=${margin}`, pairs(1), 1);
    const t = lab.loss({ type: 'TripletMarginLoss', margin, reduction: 'none' },
      [zeros, col(new Float64Array(n).fill(d_ap)), col(x)]);
    add(`triplet, d(a,p)=${d_ap}, x = d(a,n)`, { values: Float64Array.from(t.value), grad: Float64Array.from(t.grad[2], (row) => row[0]) }, 2);
    return { x, series: out, xLabel: 'distance D' };
  }
  throw new Error(`worker: unknown loss panel '${panel}'`);
}

export function lossTables(lab, { regression, bce, ce, delta }) {
  const actual = regression.map((r) => r[0]);
  const predicted = regression.map((r) => r[1]);
  const reg = {
    mse: lab.loss({ type: 'MSELoss' }, predicted, actual).value,
    mae: lab.loss({ type: 'L1Loss' }, predicted, actual).value,
    huber: lab.loss({ type: 'HuberLoss', delta }, predicted, actual).value,
    per: Array.from(lab.loss({ type: 'MSELoss', reduction: 'none' }, predicted, actual).value),
  };
  const bceRows = Array.from(lab.loss({ type: 'BCELoss', reduction: 'none' }, bce.map((r) => r[1]), bce.map((r) => r[0])).value);
  // categorical: logits ln p, so that softmax gives back p (normalized)
  const ceRows = ce.map(([cls, probs]) => lab.loss({ type: 'CrossEntropyLoss' }, [probs.map(Math.log)], [cls]).value);
  return { reg, bce: bceRows, ce: ceRows };
}
