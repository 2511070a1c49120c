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
      return ['import torch', 'from torchvision.ops import sigmoid_focal_loss', '',
        'p = torch.arange(1, 1000) / 1000', 'logits = torch.log(p / (1 - p)).requires_grad_()', 'target = torch.ones(999)',
        "cross_entropy = torch.nn.BCEWithLogitsLoss(reduction='none')(logits, target)  # = -log p",
        `focal = sigmoid_focal_loss(logits, target, alpha=${s.alpha}, gamma=${s.gamma}, reduction='none')`,
        'derivative, = torch.autograd.grad(focal.sum(), logits)  # d/dlogit; divide by p(1-p) for d/dp'].join('\n');
    default:
      return [...head, 'D = torch.linspace(0, 3, 601, requires_grad=True)', `m = ${s.margin}`,
        'similar = 0.5 * D ** 2                              # Y = 0',
        'dissimilar = 0.5 * torch.clamp(m - D, min=0) ** 2   # Y = 1',
        `anchor, positive = torch.zeros(601, 1), torch.full((601, 1), ${s.d_ap})`,
        `triplet = torch.nn.TripletMarginLoss(margin=m, reduction='none')(anchor, positive, D[:, None])`].join('\n');
  }
}
