// The Losses room's computations, done in the worker with the core's own
// losses: curves of value and derivative over a grid, the worked tables, focal loss's
// worked example (many easy negatives, few hard positives) and the numbers the room's
// notes name (lossNotes). Node's tests call the same functions with the same lab.

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

// gammas (probability panel): focal loss for each γ in the list, α off, as in the RetinaNet paper's
// first figure (γ = 0 is cross-entropy), and the chosen γ too when it is not in the list.
export function lossCurves(lab, { panel, delta = 1, beta = 1, gamma = 2, alpha = 0.25, margin = 1, d_ap = 1, gammas = null }) {
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
  if (panel === 'probability' && Array.isArray(gammas)) {
    const x = Float64Array.from({ length: 999 }, (_, i) => (i + 1) / 1000);
    const ones = new Float32Array(x.length).fill(1);
    const logits = Float32Array.from(x, (p) => Math.log(p / (1 - p)));
    const list = gammas.includes(gamma) ? gammas : [...gammas, gamma].sort((a, b) => a - b);
    list.forEach((g, i) => {
      const f = curve(lab, { type: 'FocalLoss', gamma: g, alpha: -1 }, logits, ones);
      f.grad = f.grad.map((d, k) => d / (x[k] * (1 - x[k])));
      add(g === 0 ? 'γ = 0 (cross-entropy)' : `γ = ${g}`, f, i);
      out[out.length - 2].gamma = g;
      out[out.length - 1].gamma = g;
    });
    return { x, series: out, xLabel: 'probability of the true class p' };
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

// Focal loss's worked example: n_neg easy negatives whose true class the model gives p_neg, n_pos hard
// positives at p_pos; each group's loss per example and in total, and its share of the whole, with
// cross-entropy and with focal loss (γ, α); factor = focal loss without α over cross-entropy: (1 − p)^γ.
export function focalExample(lab, { n_neg, p_neg, n_pos, p_pos, gamma, alpha }) {
  const group = (n, p, y) => {
    const q = y ? p : 1 - p; // the model's probability of the positive class
    const logit = [Math.log(q / (1 - q))];
    const ce = lab.loss({ type: 'BCEWithLogitsLoss' }, logit, [y]).value;
    const off = lab.loss({ type: 'FocalLoss', gamma, alpha: -1 }, logit, [y]).value;
    const fl = lab.loss({ type: 'FocalLoss', gamma, alpha }, logit, [y]).value;
    return { n, p, ce, factor: off / ce, fl, ce_total: n * ce, fl_total: n * fl };
  };
  const neg = group(n_neg, p_neg, 0), pos = group(n_pos, p_pos, 1);
  const ce = neg.ce_total + pos.ce_total, fl = neg.fl_total + pos.fl_total;
  for (const g of [neg, pos]) { g.ce_share = g.ce_total / ce; g.fl_share = g.fl_total / fl; }
  return { neg, pos };
}

const at = (lab, spec, x, y) => {
  const r = lab.loss({ ...spec, reduction: 'none' }, [x], [y]);
  return { value: r.value[0], grad: r.grad[0] };
};

// The numbers each panel's notes name (web/app/rooms/losses-text.js), at the room's settings.
export function lossNotes(lab, { panel, delta = 1, beta = 1, gamma = 2, alpha = 0.25, margin = 1, d_ap = 1, focal }) {
  if (panel === 'error') {
    const grid = Float32Array.from(linspace(-4, 4, GRID));
    const zero = new Float32Array(GRID);
    const h = lab.loss({ type: 'HuberLoss', delta, reduction: 'none' }, grid, zero).value;
    const s = lab.loss({ type: 'SmoothL1Loss', beta, reduction: 'none' }, grid, zero).value;
    let diff = 0;
    for (let i = 0; i < GRID; i++) diff = Math.max(diff, Math.abs(h[i] - s[i]));
    return { mse_d4: at(lab, { type: 'MSELoss' }, 4, 0).grad, mae_d4: at(lab, { type: 'L1Loss' }, 4, 0).grad,
      huber_d05: at(lab, { type: 'HuberLoss', delta }, 0.5, 0).grad, huber_d4: at(lab, { type: 'HuberLoss', delta }, 4, 0).grad,
      mse_4: at(lab, { type: 'MSELoss' }, 4, 0).value, huber_4: at(lab, { type: 'HuberLoss', delta }, 4, 0).value, diff };
  }
  if (panel === 'margin') {
    return { hinge_15: at(lab, { type: 'HingeLoss' }, 1.5, 1).value, hinge_d15: at(lab, { type: 'HingeLoss' }, 1.5, 1).grad,
      logistic_15: at(lab, { type: 'BCEWithLogitsLoss' }, 1.5, 1).value, logistic_3: at(lab, { type: 'BCEWithLogitsLoss' }, 3, 1).value,
      hinge_m1: at(lab, { type: 'HingeLoss' }, -1, 1).value, sq_m1: at(lab, { type: 'SquaredHingeLoss' }, -1, 1).value };
  }
  if (panel === 'probability') {
    const ce = (p) => at(lab, { type: 'BCELoss' }, p, 1).value;
    const logit = (p) => Math.log(p / (1 - p));
    const factor = (p) => at(lab, { type: 'FocalLoss', gamma, alpha: -1 }, logit(p), 1).value / ce(p);
    const ex = focalExample(lab, { ...focal, gamma, alpha });
    const off = focalExample(lab, { ...focal, gamma, alpha: -1 });
    return { ce_09: ce(0.9), ce_02: ce(0.2), f_09: factor(0.9), f_02: factor(0.2), n_neg: ex.neg.n, n_pos: ex.pos.n,
      ce_share: 100 * ex.neg.ce_share, fl_share: 100 * ex.neg.fl_share, fl_share_off: 100 * off.neg.fl_share };
  }
  if (panel === 'distance') {
    const pair = (d, label) => lab.loss({ type: 'ContrastiveLoss', margin }, [[[d]], [[0]]], [label]).value;
    const triplet = (dn) => lab.loss({ type: 'TripletMarginLoss', margin }, [[[0]], [[d_ap]], [[dn]]]).value;
    return { sim_2: pair(2, 0), dis_05: pair(0.5, 1), dis_15: pair(1.5, 1), tri_15: triplet(1.5), tri_25: triplet(2.5) };
  }
  throw new Error(`worker: unknown loss panel '${panel}'`);
}

// focal: focalExample's settings; notes: lossNotes' (a panel and its settings).
export function lossTables(lab, { regression, bce, ce, delta, focal, notes }) {
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
  return { reg, bce: bceRows, ce: ceRows, focal: focal ? focalExample(lab, focal) : null,
    notes: notes ? lossNotes(lab, { ...notes, focal }) : null };
}
