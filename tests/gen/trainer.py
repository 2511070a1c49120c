#!/usr/bin/python3
"""PyTorch 1.13 reference for the trainer (tests/fixtures/trainer.json): the
hand-written loop a PyTorch student writes, with shuffle off and explicit
initial weights (nn.Linear's own seeded init), for 30 optimizer steps:

  moons:  2-16-16-1 tanh, BCEWithLogitsLoss, Adam(lr=0.01), batch 32
  digits: 64-32-10 relu, CrossEntropyLoss, SGD(lr=0.05, momentum=0.9,
          nesterov=True) with OneCycleLR(max_lr=0.2, total_steps=30) stepped
          per batch, batch 64 (the epoch ends after 23 steps, the last batch
          holding 29 rows)
  blobs:  2-16-2 tanh embeddings, TripletMarginLoss(margin=2), SGD (Nesterov), batch 16;
          and ContrastiveLoss (written out: PyTorch has none), SGD with
          momentum and StepLR stepped before the optimizer (the
          scheduler_order 'before' mistake), batch 8 doubled from epoch 1
          (batch_size_schedule). Tuples follow the trainer's rule
          (c/train/train.h), reproduced by tuples() below.

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


def tuples(y, triplets):
    """Row i's positive: the first row after it (cyclically) with its label; its negative:
    the first with another label. Triplets (i, pos, neg), or pairs (i, pos) 0 and (i, neg) 1."""
    y = y.tolist()
    n, out = len(y), []
    for i in range(n):
        pos = neg = -1
        for s in range(1, n):
            j = (i + s) % n
            if y[j] == y[i]:
                pos = j if pos < 0 else pos
            elif neg < 0:
                neg = j
            if pos >= 0 and neg >= 0:
                break
        if triplets:
            if pos >= 0 and neg >= 0:
                out.append((i, pos, neg))
            continue
        if pos >= 0:
            out.append((i, pos, 0))
        if neg >= 0:
            out.append((i, neg, 1))
    return out


def triplet_loss(out, y, m=2.0):
    t = torch.tensor(tuples(y, True), dtype=torch.long)
    if len(t) == 0:
        return (out * 0).sum()
    return nn.TripletMarginLoss(margin=m, p=2, eps=1e-6)(out[t[:, 0]], out[t[:, 1]], out[t[:, 2]])


def contrastive_loss(out, y, m=1.0):
    t = tuples(y, False)
    if not t:
        return (out * 0).sum()
    i = torch.tensor([a for a, _, _ in t], dtype=torch.long)
    j = torch.tensor([b for _, b, _ in t], dtype=torch.long)
    lab = torch.tensor([c for _, _, c in t], dtype=torch.float32)
    D = (out[i] - out[j]).norm(dim=-1)
    return ((1 - lab) * 0.5 * D ** 2 + lab * 0.5 * torch.clamp(m - D, min=0) ** 2).mean()


def case(label, data_spec, sizes, act, activation, loss_fn, make_opt, make_sched, batch, steps, config,
         batch_at=None, before=False):
    X, y = dataset(data_spec)
    torch.manual_seed(0)
    model = build(sizes, act)
    init = weights(model)
    opt = make_opt(model.parameters())
    sched = make_sched(opt) if make_sched else None
    losses, lrs = [], []
    cursor, n, epoch, b0 = 0, X.shape[0], 0, batch
    for _ in range(steps):
        b = batch_at(epoch) if batch_at else batch
        xb, yb = X[cursor:cursor + b], y[cursor:cursor + b]
        cursor, epoch = (cursor + b, epoch) if cursor + b < n else (0, epoch + 1)
        out = model(xb)
        loss = loss_fn(out, yb)
        if sched and before:
            sched.step()
        lrs.append(opt.param_groups[0]['lr'])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched and not before:
            sched.step()
        losses.append(loss.item())
    model_spec = {'hidden': sizes[1:-1], 'activation': activation, 'init_weights': init}
    if config['loss']['type'] in ('TripletMarginLoss', 'ContrastiveLoss'):
        model_spec['embedding_dim'] = sizes[-1]
    config = dict(config, dataset=data_spec, batch_size=b0, shuffle=False, model=model_spec)
    return {'label': label, 'config': config, 'steps': steps, 'losses': losses, 'lrs': lrs, 'weights': weights(model)}


BLOBS = {'name': 'blobs', 'n_samples': 120, 'centers': 3, 'cluster_std': 4, 'seed': 2, 'val_fraction': 0.25}


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
        # SGD, not an adaptive optimizer: the head's bias has a zero gradient in exact arithmetic (distances
        # ignore a shift), and Adam would turn its float32 rounding noise into steps of about lr
        case('blobs TripletMarginLoss SGD embedding', BLOBS, [2, 16, 2], nn.Tanh, 'tanh', triplet_loss,
             lambda p: torch.optim.SGD(p, lr=0.1, nesterov=True, momentum=0.5), None, 16, 30,
             {'loss': {'type': 'TripletMarginLoss', 'margin': 2},
              'optimizer': {'type': 'SGD', 'lr': 0.1, 'nesterov': True, 'momentum': 0.5}}),
        case('blobs ContrastiveLoss SGD, StepLR before the step, batch 8 doubled at epoch 1', BLOBS, [2, 16, 2],
             nn.Tanh, 'tanh', contrastive_loss,
             lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
             lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.7), 8, 30,
             {'loss': {'type': 'ContrastiveLoss'}, 'optimizer': {'type': 'SGD', 'lr': 0.05, 'momentum': 0.9},
              'scheduler': {'type': 'StepLR', 'step_size': 5, 'gamma': 0.7}, 'scheduler_order': 'before',
              'batch_size_schedule': {'milestones': [1], 'gamma': 2}},
             batch_at=lambda e: 8 if e < 1 else 16, before=True),
    ]
    write('trainer', cases)


def write(name, cases):
    """tests/fixtures/<name>.json from tests/gen/<name>.py's cases."""
    out = {'generator': f'tests/gen/{name}.py', 'torch': torch.__version__, 'cases': cases}
    path = os.path.join(ROOT, 'tests', 'fixtures', f'{name}.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print('wrote', path)


if __name__ == '__main__':
    main()
