// The Losses room's explanations (the lab's words), rules as MathML and the
// PyTorch code for each panel. Project constants only.

import { mi, mn, mo, row, sup, sub, frac, paren, math } from '../../shared/mathml.js';

const half = frac(mn('1'), mn('2'));

export const LOSS_TEXT = {
  error: ['The loss decides what "better" means. MSE squares the error, so one large error dominates; MAE grows only linearly and shrugs outliers off; Huber is quadratic near zero and linear beyond δ, a middle way. Their derivatives show why: MSE\'s grows with the error, MAE\'s is a constant ±1, Huber\'s is clipped at ±δ.',
    math(sub(mi('L'), row(mi('δ'))), paren(mi('e')), mo('='), `<mrow><mo>{</mo><mtable><mtr><mtd>${row(half, sup(mi('e'), mn('2')))}</mtd><mtd>${row(mo('|'), mi('e'), mo('|'), mo('≤'), mi('δ'))}</mtd></mtr><mtr><mtd>${row(mi('δ'), paren(mo('|'), mi('e'), mo('|'), mo('−'), half, mi('δ')))}</mtd><mtd><mtext>otherwise</mtext></mtd></mtr></mtable></mrow>`)],
  margin: ['For a label y ∈ {−1, +1} and a score f(x), the margin y·f(x) is positive when the point is on the right side. Hinge loss is zero once the margin passes 1: only points inside the margin or misclassified push on the model (max-margin, as in SVMs). Squared hinge is smoother; the logistic loss never quite reaches zero.',
    math(mi('L'), mo('='), mi('max'), paren(mn('0'), mo(','), mn('1'), mo('−'), mi('y'), mo('·'), mi('f'), paren(mi('x'))))],
  probability: ['Cross-entropy is −log p for the probability p the model gives the true class: confident mistakes (p near 0) cost a lot. Focal loss multiplies it by (1 − p)^γ: an easy example at p = 0.9 keeps 1 % of its loss with γ = 2, a hard one at p = 0.2 keeps 64 %, so the many easy examples of an imbalanced set stop dominating.',
    math(mi('FL'), paren(mi('p')), mo('='), mo('−'), mi('α'), sup(paren(mn('1'), mo('−'), mi('p')), mi('γ')), mi('log'), mi('p'))],
  distance: ['Metric learning shapes an embedding space. Contrastive loss pulls similar pairs (Y = 0) together with ½D² and pushes dissimilar pairs (Y = 1) apart until they are m away. Triplet loss asks the negative to be at least m farther from the anchor than the positive.',
    math(mi('L'), mo('='), paren(mn('1'), mo('−'), mi('Y')), half, sup(mi('D'), mn('2')), mo('+'), mi('Y'), half, sup(row(mi('max'), paren(mn('0'), mo(','), mi('m'), mo('−'), mi('D'))), mn('2')))],
};

// What to notice on each panel, at its default settings (`defaults`): every number a {value} the core
// computes (lossNotes in web/worker/losses.js) or a setting or listed in `given`; the claims are checked
// on the page and in tests/rooms-presets.test.mjs.
export const LOSS_NOTES = {
  error: {
    defaults: { delta: 1, beta: 1 },
    notice: 'At an error of 4, MSE\'s derivative is {mse_d4} and still growing, so one large error pulls on the model hardest of all; '
      + 'MAE\'s is {mae_d4}, the same for every error, so an outlier pulls no harder than the rest. Huber with δ = 1 is ½e² up to '
      + '|e| = 1 and linear beyond: its derivative is {huber_d05} at 0.5 and stops growing at δ ({huber_d4} at 4). SmoothL1 with '
      + 'β = 1 is the same curve, drawn dotted over Huber\'s: SmoothL1 is Huber divided by β, so when δ = β = 1 the two coincide '
      + '(the largest difference on the chart is {diff}). Move β and they part.',
    given: [4, 0.5],
    claims: [
      { kind: 'close', a: 'mse_d4', b: 8, rel: 1e-6 },
      { kind: 'close', a: 'mae_d4', b: 1, rel: 1e-6 },
      { kind: 'close', a: 'huber_d05', b: 0.5, rel: 1e-6 },
      { kind: 'close', a: 'huber_d4', b: 1, rel: 1e-6 },
      { kind: 'less', a: 'diff', b: 1e-6 },
    ],
  },
  margin: {
    defaults: {},
    notice: 'For a label y = ±1 and a score f(x), hinge loss is max(0, 1 − y·f(x)): a point on the right side with a margin of 1.5 '
      + 'costs {hinge_15} and no longer pushes the model at all (derivative {hinge_d15}). Only points inside the margin or on the '
      + 'wrong side count, which is what makes support vectors. The logistic loss still charges {logistic_15} there and '
      + '{logistic_3} at 3: it never reaches zero. On the wrong side, at −1, hinge costs {hinge_m1} and squared hinge {sq_m1}.',
    given: [1, 1.5, 3],
    claims: [
      { kind: 'equal', a: 'hinge_15', b: 0 },
      { kind: 'equal', a: 'hinge_d15', b: 0 },
      { kind: 'less', a: 'logistic_3', b: 'logistic_15' },
      { kind: 'less', a: 0, b: 'logistic_3' },
      { kind: 'close', a: 'hinge_m1', b: 2, rel: 1e-6 },
      { kind: 'close', a: 'sq_m1', b: 4, rel: 1e-6 },
    ],
  },
  probability: {
    defaults: { gamma: 2, alpha: 0.25, n_neg: 1000, p_neg: 0.9, n_pos: 10, p_pos: 0.2 },
    notice: 'Cross-entropy is −log p: {ce_09:3} for a confident right answer at p = 0.9, {ce_02:3} for a hard one at p = 0.2. Focal '
      + 'loss multiplies it by (1 − p)^γ; with γ = 2 the easy example keeps {f_09} of its loss and the hard one {f_02}. The larger '
      + 'γ, the flatter the right half of the chart, where the many easy examples of an imbalanced set sit (the curves are drawn '
      + 'without α, as in the RetinaNet paper). In the worked example below, {n_neg} easy negatives make {ce_share} % of the '
      + 'cross-entropy but only {fl_share_off} % of the focal loss with γ = 2, and {fl_share} % once α = 0.25 weighs the '
      + 'negatives by 1 − α = 0.75 and the {n_pos} hard positives by 0.25.',
    given: [1, 0.75],
    claims: [
      { kind: 'close', a: 'f_09', b: 0.01, rel: 1e-3 },
      { kind: 'close', a: 'f_02', b: 0.64, rel: 1e-3 },
      { kind: 'close', a: 'ce_02', b: 1.609, rel: 1e-3 },
      { kind: 'order', values: ['fl_share_off', 'fl_share', 'ce_share'] },
      { kind: 'less', a: 50, b: 'ce_share' },
      { kind: 'less', a: 'fl_share_off', b: 10 },
    ],
  },
  distance: {
    defaults: { margin: 1, d_ap: 1 },
    notice: 'Contrastive loss pulls a similar pair (Y = 0) together with ½D²: {sim_2} at D = 2. A dissimilar pair (Y = 1) is pushed '
      + 'apart only until the margin m = 1: it costs {dis_05:3} at D = 0.5 and nothing from D = 1 on ({dis_15} at 1.5). Triplet loss '
      + 'asks the negative to be at least m farther from the anchor than the positive: with d(a, p) = 1 it still costs {tri_15} at '
      + 'd(a, n) = 1.5, and {tri_25} at 2.5, past the margin.',
    given: [2, 0.5, 1.5, 2.5],
    claims: [
      { kind: 'close', a: 'sim_2', b: 2, rel: 1e-6 },
      { kind: 'close', a: 'dis_05', b: 0.125, rel: 1e-6 },
      { kind: 'equal', a: 'dis_15', b: 0 },
      { kind: 'close', a: 'tri_15', b: 0.5, rel: 1e-4 },
      { kind: 'equal', a: 'tri_25', b: 0 },
    ],
  },
};

export function lossCode(s) {
  const head = ['import torch', ''];
  switch (s.panel) {
    case 'error':
      return [...head, 'error = torch.linspace(-4, 4, 401, requires_grad=True)', 'target = torch.zeros(401)',
        'losses = {', "    'MSE': torch.nn.MSELoss(reduction='none'),", "    'MAE': torch.nn.L1Loss(reduction='none'),",
        `    'Huber': torch.nn.HuberLoss(reduction='none', delta=${s.delta}),`,
        `    'SmoothL1': torch.nn.SmoothL1Loss(reduction='none', beta=${s.beta}),`, '}',
        'for name, loss_fn in losses.items():', '    value = loss_fn(error, target)',
        '    derivative, = torch.autograd.grad(value.sum(), error)'].join('\n');
    case 'margin':
      return [...head, 'margin = torch.linspace(-3, 3, 601, requires_grad=True)  # y * f(x) with y = +1',
        'hinge = torch.clamp(1 - margin, min=0)', 'squared_hinge = hinge ** 2',
        "logistic = torch.nn.BCEWithLogitsLoss(reduction='none')(margin, torch.ones(601))",
        'derivative, = torch.autograd.grad(hinge.sum(), margin)'].join('\n');
    case 'probability':
      return ['import math', 'import torch', 'from torchvision.ops import sigmoid_focal_loss', '',
        'p = torch.arange(1, 1000) / 1000', 'logits = torch.log(p / (1 - p)).requires_grad_()', 'target = torch.ones(999)',
        "cross_entropy = torch.nn.BCEWithLogitsLoss(reduction='none')(logits, target)  # = -log p",
        'for gamma in (0, 0.5, 1, 2, 5):  # alpha=-1: no weighting; gamma=0 is cross-entropy',
        "    focal = sigmoid_focal_loss(logits, target, alpha=-1, gamma=gamma, reduction='none')",
        '    derivative, = torch.autograd.grad(focal.sum(), logits)  # d/dlogit; divide by p(1-p) for d/dp', '',
        `# the worked example: ${s.n_neg} easy negatives (p of the true class ${s.p_neg}), ${s.n_pos} hard positives (${s.p_pos})`,
        `q = torch.tensor([1 - ${s.p_neg}] * ${s.n_neg} + [${s.p_pos}] * ${s.n_pos})  # the model's probability of the positive class`,
        `y = torch.tensor([0.0] * ${s.n_neg} + [1.0] * ${s.n_pos})`,
        "ce = torch.nn.BCEWithLogitsLoss(reduction='none')(torch.log(q / (1 - q)), y)",
        `fl = sigmoid_focal_loss(torch.log(q / (1 - q)), y, alpha=${s.alpha}, gamma=${s.gamma}, reduction='none')`,
        `print('easy negatives: %.1f %% of the cross-entropy, %.1f %% of the focal loss' % (100 * ce[:${s.n_neg}].sum() / ce.sum(), 100 * fl[:${s.n_neg}].sum() / fl.sum()))`].join('\n');
    default:
      return [...head, 'D = torch.linspace(0, 3, 601, requires_grad=True)', `m = ${s.margin}`,
        'similar = 0.5 * D ** 2                              # Y = 0',
        'dissimilar = 0.5 * torch.clamp(m - D, min=0) ** 2   # Y = 1',
        `anchor, positive = torch.zeros(601, 1), torch.full((601, 1), ${s.d_ap})`,
        `triplet = torch.nn.TripletMarginLoss(margin=m, reduction='none')(anchor, positive, D[:, None])`].join('\n');
  }
}
