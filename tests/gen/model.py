#!/usr/bin/python3
"""PyTorch 1.13 reference for one forward and backward pass of the MLP
(tests/fixtures/model.json): nn.Sequential of nn.Linear layers with one
activation between them, given weights (PyTorch's own seeded nn.Linear init),
inputs X and an arbitrary upstream gradient dOut; autograd gives
d(sum(dOut * out))/d(W, b). Outputs and gradients are recorded in float32 (what
PyTorch computes by default) and in float64 from the same float32 values.

Run from the repository root: /usr/bin/python3 tests/gen/model.py
"""
import json
import os

import torch
import torch.nn as nn

ACT = {
    'relu': nn.ReLU, 'leaky_relu': nn.LeakyReLU, 'tanh': nn.Tanh, 'sigmoid': nn.Sigmoid,
    'gelu': nn.GELU, 'linear': nn.Identity,
}


def build(sizes, activation):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(ACT[activation]())
    return nn.Sequential(*layers)


def case(label, sizes, activation, batch, seed, x_scale=1.0):
    torch.manual_seed(seed)
    model = build(sizes, activation)
    X = torch.randn(batch, sizes[0]) * x_scale
    dOut = torch.randn(batch, sizes[-1])
    linears = [m for m in model if isinstance(m, nn.Linear)]
    weights = [{'W': m.weight.detach().tolist(), 'b': m.bias.detach().tolist()} for m in linears]
    result = {'label': label, 'sizes': sizes, 'activation': activation, 'weights': weights,
              'X': X.tolist(), 'dOut': dOut.tolist()}
    for dtype, key in ((torch.float32, ''), (torch.float64, '_f64')):
        m = build(sizes, activation).to(dtype)
        m.load_state_dict(model.state_dict())
        m = m.to(dtype)
        out = m(X.to(dtype))
        out.backward(dOut.to(dtype))
        lin = [l for l in m if isinstance(l, nn.Linear)]
        result['out' + key] = out.detach().flatten().tolist()
        result['grads' + key] = [{'W': l.weight.grad.flatten().tolist(), 'b': l.bias.grad.tolist()} for l in lin]
    return result


cases = [
    case('2-16-16-1 tanh (moons-sized)', [2, 16, 16, 1], 'tanh', 32, 1),
    case('64-32-10 relu (digits-sized)', [64, 32, 10], 'relu', 16, 2, x_scale=1.5),
    case('3-8-8-2 leaky_relu', [3, 8, 8, 2], 'leaky_relu', 9, 3),
    case('3-8-8-2 sigmoid', [3, 8, 8, 2], 'sigmoid', 9, 4),
    case('3-8-8-2 gelu', [3, 8, 8, 2], 'gelu', 9, 5),
    case('5-7-3 linear', [5, 7, 3], 'linear', 4, 6),
]
path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'model.json')
with open(path, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
    f.write('\n')
print('wrote', os.path.normpath(path), len(cases), 'cases')
