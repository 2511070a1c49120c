"""PyTorch parity fixtures for steplab's loss functions.

Generates tests/fixtures/losses.json: for each case, the steplab spec, the
input and target exactly as passed to lab.loss, the value PyTorch computes in
float32 and the gradient its autograd gives (of the sum, for reduction 'none').

torch.nn.functional is the reference wherever PyTorch has the loss. The losses
PyTorch does not have are written here with torch ops, so their gradients are
still PyTorch's autograd (labelled "torch ops" in the case labels):
  FocalLoss (sigmoid)  torchvision.ops.sigmoid_focal_loss's formula
  FocalLoss (softmax)  -alpha_y (1 - p_y)^gamma log p_y over log_softmax
  HingeLoss            clamp(1 - y x, min=0), SquaredHingeLoss its square
  ContrastiveLoss      (1 - Y) 0.5 D^2 + Y 0.5 clamp(m - D, min=0)^2, D = ||x1 - x2||
  L1, L2, ElasticNet   lambda sum |w|, lambda sum w^2, l1 sum |w| + l2 sum w^2
  WeightedSum          sum of weight * term

Rerun from the repository root with Debian's PyTorch:

    /usr/bin/python3 tests/gen/losses.py
"""
import json
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'losses.json')

torch.manual_seed(1234)
f32 = torch.float32


def reduce(l, reduction):
    if reduction == 'mean':
        return l.mean()
    if reduction == 'sum':
        return l.sum()
    return l


def wlist(spec, name):
    v = spec.get(name)
    return None if v is None else torch.tensor(v, dtype=f32)


def ref(spec, xs, t):
    """The PyTorch value of spec on inputs xs (list of tensors) and target t."""
    typ = spec['type']
    r = spec.get('reduction', 'mean')
    x = xs[0]
    if typ == 'MSELoss':
        return F.mse_loss(x, t, reduction=r)
    if typ == 'L1Loss':
        return F.l1_loss(x, t, reduction=r)
    if typ == 'HuberLoss':
        return F.huber_loss(x, t, reduction=r, delta=spec.get('delta', 1.0))
    if typ == 'SmoothL1Loss':
        return F.smooth_l1_loss(x, t, reduction=r, beta=spec.get('beta', 1.0))
    if typ == 'BCELoss':
        return F.binary_cross_entropy(x, t, weight=wlist(spec, 'weight'), reduction=r)
    if typ == 'BCEWithLogitsLoss':
        return F.binary_cross_entropy_with_logits(x, t, weight=wlist(spec, 'weight'), reduction=r,
                                                  pos_weight=wlist(spec, 'pos_weight'))
    if typ == 'CrossEntropyLoss':
        return F.cross_entropy(x, t, weight=wlist(spec, 'weight'), ignore_index=spec.get('ignore_index', -100),
                               reduction=r, label_smoothing=spec.get('label_smoothing', 0.0))
    if typ == 'NLLLoss':
        return F.nll_loss(x, t, weight=wlist(spec, 'weight'), ignore_index=spec.get('ignore_index', -100), reduction=r)
    if typ == 'MultiMarginLoss':
        return F.multi_margin_loss(x, t, p=spec.get('p', 1), margin=spec.get('margin', 1.0),
                                   weight=wlist(spec, 'weight'), reduction=r)
    if typ in ('HingeLoss', 'SquaredHingeLoss'):
        h = torch.clamp(1 - t * x, min=0)
        return reduce(h if typ == 'HingeLoss' else h ** 2, r)
    if typ == 'FocalLoss':
        gamma = spec.get('gamma', 2.0)
        alpha = spec.get('alpha', 0.25)
        if t.dtype == torch.long:  # softmax form
            logp = F.log_softmax(x, dim=-1)
            logpt = logp.gather(-1, t.unsqueeze(-1)).squeeze(-1)
            pt = logpt.exp()
            if isinstance(alpha, list):
                a = torch.tensor(alpha, dtype=f32)[t]
            elif alpha is not None and alpha >= 0:
                a = alpha
            else:
                a = 1.0
            return reduce(-a * (1 - pt) ** gamma * logpt, r)
        # torchvision.ops.sigmoid_focal_loss
        p = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, t, reduction='none')
        p_t = p * t + (1 - p) * (1 - t)
        loss = ce * ((1 - p_t) ** gamma)
        if alpha is not None and alpha >= 0:
            loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
        return reduce(loss, r)
    if typ == 'ContrastiveLoss':
        m = spec.get('margin', 1.0)
        D = (xs[0] - xs[1]).norm(dim=-1)
        return reduce((1 - t) * 0.5 * D ** 2 + t * 0.5 * torch.clamp(m - D, min=0) ** 2, r)
    if typ == 'TripletMarginLoss':
        return F.triplet_margin_loss(xs[0], xs[1], xs[2], margin=spec.get('margin', 1.0), p=spec.get('p', 2),
                                     eps=spec.get('eps', 1e-6), swap=spec.get('swap', False), reduction=r)
    if typ == 'CosineEmbeddingLoss':
        return F.cosine_embedding_loss(xs[0], xs[1], t, margin=spec.get('margin', 0.0), reduction=r)
    if typ == 'L1':
        return spec['lambda'] * x.abs().sum()
    if typ == 'L2':
        return spec['lambda'] * (x ** 2).sum()
    if typ == 'ElasticNet':
        return spec['l1'] * x.abs().sum() + spec['l2'] * (x ** 2).sum()
    if typ == 'WeightedSum':
        total = 0
        for term in spec['terms']:
            total = total + term.get('weight', 1) * ref(term['loss'], xs, t)
        return total
    raise ValueError(typ)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


CASES = []


def case(label, spec, inputs, target=None, index_target=False):
    """inputs: list of float32 tensors (one per input); target: tensor or None."""
    xs = [v.detach().to(f32).clone().requires_grad_(True) for v in inputs]
    t = None
    if target is not None:
        t = target.long() if index_target else target.to(f32)
    out = ref(spec, xs, t)
    out.sum().backward()
    red = spec.get('reduction', 'mean')
    entry = {
        'label': label,
        'spec': spec,
        'input': xs[0].detach().tolist() if len(xs) == 1 else [v.detach().tolist() for v in xs],
        'value': flat(out) if red == 'none' and spec['type'] not in ('WeightedSum', 'L1', 'L2', 'ElasticNet') else float(out),
        'grad': flat(xs[0].grad) if len(xs) == 1 else [flat(v.grad) for v in xs],
    }
    if t is not None:
        entry['target'] = t.tolist()
    CASES.append(entry)


def randn(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).to(f32)


def probs(*shape):
    return torch.rand(*shape).clamp(0.02, 0.98).to(f32)


REDS = ['mean', 'sum', 'none']

# ---- regression ----
for red in REDS:
    x, y = randn(6, 4, scale=2), randn(6, 4, scale=2)
    case(f'MSELoss {red}', {'type': 'MSELoss', 'reduction': red}, [x], y)
    case(f'L1Loss {red}', {'type': 'L1Loss', 'reduction': red}, [x], y)
    for d in (1.0, 0.5, 3.0):
        case(f'HuberLoss delta={d} {red}', {'type': 'HuberLoss', 'delta': d, 'reduction': red}, [x], y)
    for b in (1.0, 0.25, 0.0):
        case(f'SmoothL1Loss beta={b} {red}', {'type': 'SmoothL1Loss', 'beta': b, 'reduction': red}, [x], y)
x = randn(37)
y = randn(37)
case('MSELoss 1-D, 37 values (SIMD body and tail)', {'type': 'MSELoss'}, [x], y)
case('L1Loss 1-D, 37 values (SIMD body and tail)', {'type': 'L1Loss', 'reduction': 'sum'}, [x], y)
case('MSELoss one number', {'type': 'MSELoss'}, [torch.tensor(3.0)], torch.tensor(1.5))
big = torch.tensor([1e4, -1e4, 0.5, 0.0, 3.0])
bt = torch.tensor([0.0, 1e4, 0.5, 0.0, -3.0])
for typ in ('MSELoss', 'L1Loss', 'HuberLoss', 'SmoothL1Loss'):
    case(f'{typ} extreme: errors of 1e4 and exact zeros', {'type': typ}, [big], bt)
course_p = torch.tensor([98., 153., 199., 182., 140.])
course_a = torch.tensor([100., 150., 200., 180., 120.])
case('HuberLoss course example delta=5', {'type': 'HuberLoss', 'delta': 5}, [course_p], course_a)

# ---- binary classification ----
for red in REDS:
    p, t = probs(5, 3), torch.rand(5, 3)
    case(f'BCELoss soft targets {red}', {'type': 'BCELoss', 'reduction': red}, [p], t)
    case(f'BCELoss weight per class {red}', {'type': 'BCELoss', 'weight': [0.5, 2.0, 1.0], 'reduction': red}, [p],
         (t > 0.5).float())
    z = randn(5, 3, scale=2)
    case(f'BCEWithLogitsLoss {red}', {'type': 'BCEWithLogitsLoss', 'reduction': red}, [z], (t > 0.5).float())
    case(f'BCEWithLogitsLoss pos_weight + weight {red}',
         {'type': 'BCEWithLogitsLoss', 'pos_weight': [3.0, 0.5, 1.0], 'weight': [1.0, 0.25, 2.0], 'reduction': red},
         [z], t)
p = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 0.999999])
t = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.3])
case('BCELoss extreme: probabilities exactly 0 and 1 (log clamped at -100)', {'type': 'BCELoss', 'reduction': 'none'}, [p], t)
case('BCELoss extreme: sum', {'type': 'BCELoss', 'reduction': 'sum'}, [p], t)
z = torch.tensor([1e4, -1e4, 1e4, -1e4, 100.0, -100.0, 0.0, 20.0])
t = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5, 1.0, 1.0, 0.0])
case('BCEWithLogitsLoss extreme logits', {'type': 'BCEWithLogitsLoss', 'reduction': 'none'}, [z], t)
case('BCEWithLogitsLoss extreme logits pos_weight', {'type': 'BCEWithLogitsLoss', 'pos_weight': 4.0}, [z], t)
case('BCELoss one number (y=1, p=0.2)', {'type': 'BCELoss'}, [torch.tensor(0.2)], torch.tensor(1.0))

# ---- multi-class ----
for red in REDS:
    z = randn(6, 5, scale=1.5)
    y = torch.tensor([0, 4, 2, 2, 1, 3])
    case(f'CrossEntropyLoss indices {red}', {'type': 'CrossEntropyLoss', 'reduction': red}, [z], y, True)
    case(f'CrossEntropyLoss weight {red}', {'type': 'CrossEntropyLoss', 'weight': [1.0, 2.0, 0.5, 1.5, 0.25], 'reduction': red},
         [z], y, True)
    case(f'CrossEntropyLoss label_smoothing=0.1 {red}', {'type': 'CrossEntropyLoss', 'label_smoothing': 0.1, 'reduction': red},
         [z], y, True)
    case(f'CrossEntropyLoss weight + label_smoothing=0.2 {red}',
         {'type': 'CrossEntropyLoss', 'weight': [1.0, 2.0, 0.5, 1.5, 0.25], 'label_smoothing': 0.2, 'reduction': red},
         [z], y, True)
    yi = torch.tensor([0, -100, 2, 2, -100, 3])
    case(f'CrossEntropyLoss ignore_index {red}', {'type': 'CrossEntropyLoss', 'reduction': red}, [z], yi, True)
    case(f'CrossEntropyLoss ignore_index=2 weight label_smoothing {red}',
         {'type': 'CrossEntropyLoss', 'ignore_index': 2, 'weight': [1.0, 2.0, 0.5, 1.5, 0.25], 'label_smoothing': 0.3,
          'reduction': red}, [z], y, True)
    pt = torch.softmax(randn(6, 5), dim=1)
    case(f'CrossEntropyLoss probabilities {red}', {'type': 'CrossEntropyLoss', 'reduction': red}, [z], pt)
    case(f'CrossEntropyLoss probabilities weight + label_smoothing {red}',
         {'type': 'CrossEntropyLoss', 'weight': [1.0, 2.0, 0.5, 1.5, 0.25], 'label_smoothing': 0.15, 'reduction': red},
         [z], pt)
    lp = F.log_softmax(randn(6, 5), dim=1)
    case(f'NLLLoss {red}', {'type': 'NLLLoss', 'reduction': red}, [lp], y, True)
    case(f'NLLLoss weight + ignore_index {red}',
         {'type': 'NLLLoss', 'weight': [1.0, 2.0, 0.5, 1.5, 0.25], 'ignore_index': 4, 'reduction': red}, [lp],
         torch.tensor([0, 4, 2, 2, 1, 3]), True)
    for pp in (1, 2):
        for m in (1.0, 0.5):
            case(f'MultiMarginLoss p={pp} margin={m} {red}', {'type': 'MultiMarginLoss', 'p': pp, 'margin': m, 'reduction': red},
                 [z], y, True)
    case(f'MultiMarginLoss weight {red}', {'type': 'MultiMarginLoss', 'p': 2, 'weight': [1.0, 2.0, 0.5, 1.5, 0.25],
                                           'reduction': red}, [z], y, True)
z = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 0.0], [1e4, 1e4, -1e4]])
y = torch.tensor([0, 0, 2, 2])
case('CrossEntropyLoss extreme logits', {'type': 'CrossEntropyLoss', 'reduction': 'none'}, [z], y, True)
case('CrossEntropyLoss extreme logits label_smoothing', {'type': 'CrossEntropyLoss', 'label_smoothing': 0.1}, [z], y, True)
case('CrossEntropyLoss extreme logits, probabilities', {'type': 'CrossEntropyLoss'}, [z],
     torch.tensor([[1.0, 0, 0], [0.5, 0.5, 0], [0, 0, 1.0], [0, 0.25, 0.75]]))
case('MultiMarginLoss extreme', {'type': 'MultiMarginLoss', 'p': 2}, [z], y, True)
case('CrossEntropyLoss unbatched (one row of C logits, index target)', {'type': 'CrossEntropyLoss'},
     [torch.tensor([0.5, 2.0, -1.0])], torch.tensor(1), True)
case('CrossEntropyLoss unbatched probabilities', {'type': 'CrossEntropyLoss'},
     [torch.tensor([0.5, 2.0, -1.0])], torch.tensor([0.2, 0.7, 0.1]))

# ---- hinge (torch ops) ----
for red in REDS:
    f = randn(4, 3, scale=1.5)
    s = (torch.randint(0, 2, (4, 3)) * 2 - 1).float()
    case(f'HingeLoss (torch ops) {red}', {'type': 'HingeLoss', 'reduction': red}, [f], s)
    case(f'SquaredHingeLoss (torch ops) {red}', {'type': 'SquaredHingeLoss', 'reduction': red}, [f], s)
f = torch.tensor([1.0, -1.0, 0.5, 1e4, -1e4, 0.0])
s = torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
case('HingeLoss (torch ops) extreme and exactly on the margin', {'type': 'HingeLoss', 'reduction': 'sum'}, [f], s)
case('SquaredHingeLoss (torch ops) extreme', {'type': 'SquaredHingeLoss', 'reduction': 'none'}, [f], s)

# ---- focal (torch ops) ----
for red in REDS:
    z = randn(5, 3, scale=1.5)
    t = (torch.rand(5, 3) > 0.6).float()
    case(f'FocalLoss sigmoid (torch ops) defaults {red}', {'type': 'FocalLoss', 'reduction': red}, [z], t)
    case(f'FocalLoss sigmoid (torch ops) alpha=0.75 gamma=1 {red}', {'type': 'FocalLoss', 'alpha': 0.75, 'gamma': 1, 'reduction': red},
         [z], t)
    case(f'FocalLoss sigmoid (torch ops) alpha null gamma=0.5 {red}',
         {'type': 'FocalLoss', 'alpha': None, 'gamma': 0.5, 'reduction': red}, [z], t)
    case(f'FocalLoss sigmoid (torch ops) alpha=-1 gamma=0 {red}', {'type': 'FocalLoss', 'alpha': -1, 'gamma': 0, 'reduction': red},
         [z], t)
    y = torch.tensor([0, 3, 1, 1, 2])
    z4 = randn(5, 4, scale=1.5)
    case(f'FocalLoss softmax (torch ops) per-class alpha {red}',
         {'type': 'FocalLoss', 'alpha': [0.25, 0.5, 1.0, 2.0], 'reduction': red}, [z4], y, True)
    case(f'FocalLoss softmax (torch ops) alpha=0.25 gamma=3 {red}', {'type': 'FocalLoss', 'gamma': 3, 'reduction': red},
         [z4], y, True)
    case(f'FocalLoss softmax (torch ops) no alpha gamma=0 {red}', {'type': 'FocalLoss', 'alpha': None, 'gamma': 0, 'reduction': red},
         [z4], y, True)
z = torch.tensor([1e4, -1e4, 1e4, -1e4, 50.0, -50.0, 0.0])
t = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])
case('FocalLoss sigmoid (torch ops) extreme logits', {'type': 'FocalLoss', 'reduction': 'none'}, [z], t)
case('FocalLoss sigmoid (torch ops) extreme logits gamma=1', {'type': 'FocalLoss', 'gamma': 1, 'reduction': 'sum'}, [z], t)
z = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 0.0]])
case('FocalLoss softmax (torch ops) extreme logits', {'type': 'FocalLoss', 'alpha': [1.0, 0.5, 0.25], 'reduction': 'none'},
     [z], torch.tensor([0, 0, 2]), True)

# ---- metric learning ----
for red in REDS:
    a, b = randn(6, 4), randn(6, 4)
    yc = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    for m in (1.0, 3.0):
        case(f'ContrastiveLoss (torch ops) margin={m} {red}', {'type': 'ContrastiveLoss', 'margin': m, 'reduction': red}, [a, b], yc)
    ys = torch.tensor([1.0, -1.0, -1.0, 1.0, -1.0, 1.0])
    for m in (0.0, 0.3, -0.5):
        case(f'CosineEmbeddingLoss margin={m} {red}', {'type': 'CosineEmbeddingLoss', 'margin': m, 'reduction': red}, [a, b], ys)
    n = randn(6, 4)
    for p in (2, 1, 3):
        case(f'TripletMarginLoss p={p} {red}', {'type': 'TripletMarginLoss', 'p': p, 'margin': 1.5, 'reduction': red},
             [a, b * 0.5 + a * 0.5, n])
    case(f'TripletMarginLoss swap eps=0.01 {red}', {'type': 'TripletMarginLoss', 'swap': True, 'eps': 0.01, 'margin': 2,
                                                    'reduction': red}, [a, b, a * 0.7 + n * 0.3])
z = torch.zeros(3, 4)
a = randn(3, 4)
case('ContrastiveLoss (torch ops) zero distances', {'type': 'ContrastiveLoss', 'reduction': 'none'}, [a, a.clone()],
     torch.tensor([0.0, 1.0, 1.0]))
case('TripletMarginLoss zero distances', {'type': 'TripletMarginLoss', 'reduction': 'none'}, [a, a.clone(), a.clone()])
case('TripletMarginLoss zero distances swap', {'type': 'TripletMarginLoss', 'swap': True}, [z, z.clone(), z.clone()])
case('CosineEmbeddingLoss zero vectors', {'type': 'CosineEmbeddingLoss', 'margin': -0.5, 'reduction': 'none'},
     [torch.tensor([[0.0, 0, 0], [1.0, 2, 3], [0.0, 0, 0]]), torch.tensor([[1.0, 2, 3], [0.0, 0, 0], [0.0, 0, 0]])],
     torch.tensor([1.0, -1.0, -1.0]))
case('CosineEmbeddingLoss one pair (1-D inputs)', {'type': 'CosineEmbeddingLoss'},
     [torch.tensor([1.0, 2, 3]), torch.tensor([-1.0, 0.5, 2])], torch.tensor(1.0))
case('ContrastiveLoss (torch ops) one pair (1-D inputs)', {'type': 'ContrastiveLoss', 'margin': 2},
     [torch.tensor([1.0, 2, 3]), torch.tensor([1.5, 2, 2.5])], torch.tensor(1.0))

# ---- penalties and sums (torch ops) ----
w = randn(41)
w[3] = 0.0
w[17] = 0.0
case('L1 penalty (torch ops)', {'type': 'L1', 'lambda': 0.01}, [w])
case('L2 penalty (torch ops)', {'type': 'L2', 'lambda': 0.05}, [w])
case('ElasticNet penalty (torch ops)', {'type': 'ElasticNet', 'l1': 0.02, 'l2': 0.3}, [w])
case('L2 penalty rows (torch ops)', {'type': 'L2', 'lambda': 1.5}, [randn(3, 5)])
x, y = randn(6, 4, scale=2), randn(6, 4, scale=2)
case('WeightedSum MSE + 0.1 L1 penalty (torch ops)',
     {'type': 'WeightedSum', 'terms': [{'weight': 1, 'loss': {'type': 'MSELoss'}},
                                       {'weight': 0.1, 'loss': {'type': 'L1', 'lambda': 1}}]}, [x], y)
case('WeightedSum Huber + SmoothL1 sum + nested (torch ops)',
     {'type': 'WeightedSum', 'terms': [{'weight': 0.5, 'loss': {'type': 'HuberLoss', 'delta': 0.5}},
                                       {'weight': 2, 'loss': {'type': 'SmoothL1Loss', 'reduction': 'sum'}},
                                       {'loss': {'type': 'WeightedSum', 'terms': [
                                           {'weight': -0.25, 'loss': {'type': 'L1Loss'}},
                                           {'weight': 0.01, 'loss': {'type': 'ElasticNet', 'l1': 1, 'l2': 2}}]}}]}, [x], y)
z = randn(6, 5)
case('WeightedSum CrossEntropy + 0.5 Focal softmax (torch ops)',
     {'type': 'WeightedSum', 'terms': [{'weight': 1, 'loss': {'type': 'CrossEntropyLoss', 'label_smoothing': 0.1}},
                                       {'weight': 0.5, 'loss': {'type': 'FocalLoss', 'alpha': None}},
                                       {'weight': 0.001, 'loss': {'type': 'L2', 'lambda': 1}}]}, [z],
     torch.tensor([0, 4, 2, 2, 1, 3]), True)
a, b = randn(4, 3), randn(4, 3)
case('WeightedSum Contrastive + 0.5 Contrastive margin 2 sum (torch ops)',
     {'type': 'WeightedSum', 'terms': [{'loss': {'type': 'ContrastiveLoss'}},
                                       {'weight': 0.5, 'loss': {'type': 'ContrastiveLoss', 'margin': 2, 'reduction': 'sum'}}]},
     [a, b], torch.tensor([0.0, 1.0, 1.0, 0.0]))

# ---- more extreme inputs ----
e = torch.tensor([[-1e4, -0.5, 0.0], [0.0, -1e4, -1e4], [-3.0, -2.0, -1e-30]])
case('NLLLoss extreme log-probabilities', {'type': 'NLLLoss', 'reduction': 'none'}, [e], torch.tensor([0, 2, 2]), True)
case('MultiMarginLoss p=1 extreme', {'type': 'MultiMarginLoss', 'reduction': 'none'}, [e], torch.tensor([0, 1, 2]), True)
case('CrossEntropyLoss extreme logits, weights, probabilities with smoothing',
     {'type': 'CrossEntropyLoss', 'weight': [2.0, 1.0, 0.5], 'label_smoothing': 0.3, 'reduction': 'sum'},
     [torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])], torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]))
for typ in ('HuberLoss', 'SmoothL1Loss', 'MSELoss', 'L1Loss'):
    case(f'{typ} extreme none', {'type': typ, 'reduction': 'none'}, [big], bt)
case('CosineEmbeddingLoss large and tiny magnitudes',
     {'type': 'CosineEmbeddingLoss', 'margin': 0.1, 'reduction': 'none'},
     [torch.tensor([[1e4, -2e4, 3e4], [1e-3, 2e-3, -1e-3], [5.0, 5.0, 5.0]]),
      torch.tensor([[-1e4, 1e4, 2e4], [3e-3, 1e-3, 1e-3], [5.0, -5.0, 6.0]])], torch.tensor([-1.0, -1.0, 1.0]))
case('ContrastiveLoss (torch ops) large distances', {'type': 'ContrastiveLoss', 'margin': 2, 'reduction': 'sum'},
     [torch.tensor([[1e3, 0.0], [0.0, 0.0]]), torch.tensor([[-1e3, 0.0], [1e-3, 0.0]])], torch.tensor([0.0, 1.0]))
case('TripletMarginLoss p=1 extreme', {'type': 'TripletMarginLoss', 'p': 1, 'reduction': 'none'},
     [torch.tensor([[1e4, 0.0], [0.0, 0.0]]), torch.tensor([[-1e4, 0.0], [0.0, 0.0]]), torch.tensor([[0.0, 1e4], [0.0, 0.0]])])
case('ElasticNet penalty (torch ops) large weights and zeros', {'type': 'ElasticNet', 'l1': 0.1, 'l2': 0.001},
     [torch.tensor([1e4, -1e4, 0.0, 0.0, 1e-20, -3.0])])

with open(OUT, 'w') as fh:
    json.dump({'torch': torch.__version__, 'cases': CASES}, fh, separators=(',', ':'))
print(f'{len(CASES)} cases -> {OUT}')
