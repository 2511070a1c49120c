#!/usr/bin/python3
"""PyTorch 1.13 reference for issue 19's loss gaps (tests/fixtures/loss_gaps.json):
values PyTorch accepts that steplab used to refuse or compute otherwise, and
what PyTorch does where steplab deliberately differs. Each case is a lab.loss
call (spec, input, target) with PyTorch's float32 value and autograd gradient,
or the error PyTorch raises (steplab must refuse too), or PyTorch's NaN (a
documented difference: steplab's mean over nothing is 0).

  gap 3  CrossEntropyLoss, probability targets and ignore_index >= 0: an error
         (a negative ignore_index other than -100 is accepted)
  gap 4  mean over targets that are all ignored or all weighted 0: NaN
  gap 5  SmoothL1Loss beta 0 at x == y: PyTorch's backward tests x - y <= -beta
         first, so the gradient there is -1 / n
  gap 6  TripletMarginLoss p < 1 (and p = 0), BCEWithLogitsLoss targets
         outside [0, 1], CosineEmbeddingLoss target 0 (no term)

Run from the repository root: /usr/bin/python3 tests/gen/loss_gaps.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
f32 = torch.float32


def run(fn, inputs, target):
    xs = [torch.tensor(x, dtype=f32, requires_grad=True) for x in inputs]
    t = None if target is None else torch.tensor(
        target, dtype=f32 if any(isinstance(v, (float, list)) for v in target) else torch.long)
    try:
        v = fn(xs, t)
    except RuntimeError as e:
        return {'error': str(e)}
    if math.isnan(v.item()):
        return {'value': 'NaN'}
    v.backward()
    # p = 0's distance counts coordinates: autograd leaves no gradient, which is zero
    return {'value': v.item(), 'grad': [(x.grad if x.grad is not None else torch.zeros_like(x)).tolist() for x in xs]}


def case(label, spec, fn, inputs, target, gap):
    out = {'label': label, 'gap': gap, 'spec': spec, 'input': inputs if len(inputs) > 1 else inputs[0], 'target': target}
    out.update(run(fn, inputs, target))
    return out


def main():
    X2 = [[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]]
    P = [[0.5, 0.5], [1.0, 0.0], [0.2, 0.8]]
    A, B, N = [[1.0, 2.0], [0.5, 1.0]], [[1.0, 3.0], [2.0, 1.0]], [[2.0, 2.0], [0.0, 1.5]]
    cases = [
        case('CrossEntropyLoss probability targets with ignore_index 1', {'type': 'CrossEntropyLoss', 'ignore_index': 1},
             lambda x, t: F.cross_entropy(x[0], t, ignore_index=1), [X2], P, 3),
        case('CrossEntropyLoss probability targets with ignore_index -5', {'type': 'CrossEntropyLoss', 'ignore_index': -5},
             lambda x, t: F.cross_entropy(x[0], t, ignore_index=-5), [X2], P, 3),
        case('CrossEntropyLoss every target ignored', {'type': 'CrossEntropyLoss', 'ignore_index': 1},
             lambda x, t: F.cross_entropy(x[0], t, ignore_index=1), [X2], [1, 1, 1], 4),
        case('CrossEntropyLoss every class weight 0', {'type': 'CrossEntropyLoss', 'weight': [0, 1]},
             lambda x, t: F.cross_entropy(x[0], t, weight=torch.tensor([0.0, 1.0])), [X2], [0, 0, 0], 4),
        case('NLLLoss every target ignored', {'type': 'NLLLoss', 'ignore_index': 0},
             lambda x, t: F.nll_loss(x[0], t, ignore_index=0), [X2], [0, 0, 0], 4),
        case('SmoothL1Loss beta 0 at x == y', {'type': 'SmoothL1Loss', 'beta': 0},
             lambda x, t: F.smooth_l1_loss(x[0], t, beta=0.0), [[1.0, 2.0, -3.0, 0.5]], [1.0, 2.5, -3.0, 0.0], 5),
        case('SmoothL1Loss beta 0 at x == y, sum', {'type': 'SmoothL1Loss', 'beta': 0, 'reduction': 'sum'},
             lambda x, t: F.smooth_l1_loss(x[0], t, beta=0.0, reduction='sum'), [[0.0, 2.0]], [0.0, 2.0], 5),
        case('SmoothL1Loss beta 1 at x - y == -beta', {'type': 'SmoothL1Loss', 'beta': 1},
             lambda x, t: F.smooth_l1_loss(x[0], t, beta=1.0), [[1.0, 2.0]], [2.0, 2.0], 5),
        case('TripletMarginLoss p 0.5', {'type': 'TripletMarginLoss', 'p': 0.5},
             lambda x, t: F.triplet_margin_loss(x[0], x[1], x[2], p=0.5), [A, B, N], None, 6),
        case('TripletMarginLoss p 0.5 margin 3', {'type': 'TripletMarginLoss', 'p': 0.5, 'margin': 3},
             lambda x, t: F.triplet_margin_loss(x[0], x[1], x[2], p=0.5, margin=3.0), [A, B, N], None, 6),
        case('TripletMarginLoss p 0', {'type': 'TripletMarginLoss', 'p': 0},
             lambda x, t: F.triplet_margin_loss(x[0], x[1], x[2], p=0.0), [A, B, N], None, 6),
        case('BCEWithLogitsLoss targets outside [0, 1]', {'type': 'BCEWithLogitsLoss'},
             lambda x, t: F.binary_cross_entropy_with_logits(x[0], t), [[1.0, 2.0, -0.5]], [1.5, -0.5, 2.0], 6),
        case('BCEWithLogitsLoss targets outside [0, 1] with pos_weight', {'type': 'BCEWithLogitsLoss', 'pos_weight': [2]},
             lambda x, t: F.binary_cross_entropy_with_logits(x[0], t, pos_weight=torch.tensor([2.0])), [[[1.0], [-2.0]]],
             [[1.5], [-0.5]], 6),
        case('CosineEmbeddingLoss target 0', {'type': 'CosineEmbeddingLoss'},
             lambda x, t: F.cosine_embedding_loss(x[0], x[1], t), [A, B], [0.0, 1.0], 6),
        case('CosineEmbeddingLoss targets 0, -1, margin 0.2', {'type': 'CosineEmbeddingLoss', 'margin': 0.2},
             lambda x, t: F.cosine_embedding_loss(x[0], x[1], t, margin=0.2), [A, B], [-1.0, 0.0], 6),
    ]
    for c in cases:
        if c['target'] is None:
            del c['target']
    out = {'generator': 'tests/gen/loss_gaps.py', 'torch': torch.__version__, 'cases': cases}
    path = os.path.join(ROOT, 'tests', 'fixtures', 'loss_gaps.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print('wrote', path)


if __name__ == '__main__':
    main()
