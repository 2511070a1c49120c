#!/usr/bin/python3
"""PyTorch 1.13 reference for the trainer (tests/fixtures/trainer.json): the
hand-written loop a PyTorch student writes, with shuffle off and explicit
initial weights (nn.Linear's own seeded init), for 30 optimizer steps:

  moons:  2-16-16-1 tanh, BCEWithLogitsLoss, Adam(lr=0.01), batch 32
  digits: 64-32-10 relu, CrossEntropyLoss, SGD(lr=0.05, momentum=0.9,
          nesterov=True) with OneCycleLR(max_lr=0.2, total_steps=30) stepped
          per batch, batch 64 (the epoch ends after 23 steps, the last batch
          holding 29 rows)

The training rows come from the C core's own data sets (dist/steplab.mjs
through node), so both sides train on identical float32 data. Records the
weights after the 30 steps and the loss and lr of every step.

Run from the repository root after build.sh: /usr/bin/python3 tests/gen/trainer.py
"""
import json
import os
import subprocess

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DUMP = """
import fs from 'node:fs';
import { loadSteplab } from './dist/steplab.mjs';
const lab = await loadSteplab({ digits: fs.readFileSync('dist/steplab-digits.bin.gz') });
const d = lab.dataset(JSON.parse(process.argv[1]));
process.stdout.write(JSON.stringify({ X: Array.from(d.X), y: Array.from(d.y), n_train: d.n_train, d: d.n_features }));
"""


def dataset(spec):
    out = subprocess.run(['node', '--input-type=module', '-e', DUMP, json.dumps(spec)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    d = json.loads(out)
    n = d['n_train']
    X = torch.tensor(d['X'], dtype=torch.float32).reshape(-1, d['d'])[:n]
    y = torch.tensor(d['y'], dtype=torch.float32)[:n]
    return X, y


def build(sizes, act):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(act())
    return nn.Sequential(*layers)


def weights(model):
    return [{'W': m.weight.detach().tolist(), 'b': m.bias.detach().tolist()} for m in model if isinstance(m, nn.Linear)]


def case(label, data_spec, sizes, act, activation, loss_fn, make_opt, make_sched, batch, steps, config):
    X, y = dataset(data_spec)
    torch.manual_seed(0)
    model = build(sizes, act)
    init = weights(model)
    opt = make_opt(model.parameters())
    sched = make_sched(opt) if make_sched else None
    losses, lrs = [], []
    cursor, n = 0, X.shape[0]
    for _ in range(steps):
        xb, yb = X[cursor:cursor + batch], y[cursor:cursor + batch]
        cursor = cursor + batch if cursor + batch < n else 0
        out = model(xb)
        loss = loss_fn(out, yb)
        lrs.append(opt.param_groups[0]['lr'])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched:
            sched.step()
        losses.append(loss.item())
    config = dict(config, dataset=data_spec, batch_size=batch, shuffle=False,
                  model={'hidden': sizes[1:-1], 'activation': activation, 'init_weights': init})
    return {'label': label, 'config': config, 'steps': steps, 'losses': losses, 'lrs': lrs, 'weights': weights(model)}


def main():
    torch.set_default_dtype(torch.float32)
    cases = [
        case('moons Adam BCEWithLogitsLoss', {'name': 'moons', 'n_samples': 200, 'noise': 0.1, 'seed': 3, 'val_fraction': 0.2},
             [2, 16, 16, 1], nn.Tanh, 'tanh',
             lambda out, y: nn.BCEWithLogitsLoss()(out, y[:, None]),
             lambda p: torch.optim.Adam(p, lr=0.01), None, 32, 30,
             {'loss': {'type': 'BCEWithLogitsLoss'}, 'optimizer': {'type': 'Adam', 'lr': 0.01}}),
        case('digits SGD nesterov OneCycleLR CrossEntropyLoss', {'name': 'digits', 'seed': 0, 'val_fraction': 0.2},
             [64, 32, 10], nn.ReLU, 'relu',
             lambda out, y: nn.CrossEntropyLoss()(out, y.long()),
             lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
             lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.2, total_steps=30), 64, 30,
             {'loss': {'type': 'CrossEntropyLoss'},
              'optimizer': {'type': 'SGD', 'lr': 0.05, 'momentum': 0.9, 'nesterov': True},
              'scheduler': {'type': 'OneCycleLR', 'max_lr': 0.2, 'total_steps': 30}}),
    ]
    out = {'generator': 'tests/gen/trainer.py', 'torch': torch.__version__, 'cases': cases}
    path = os.path.join(ROOT, 'tests', 'fixtures', 'trainer.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print('wrote', path)


if __name__ == '__main__':
    main()
