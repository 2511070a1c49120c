#!/usr/bin/python3
"""PyTorch 1.13 reference for the trainer's parameter groups
(tests/fixtures/trainer_groups.json): the loop of tests/gen/trainer.py (shuffle
off, explicit initial weights) with torch.optim param_groups built from the
model's named parameters, the names run.inspect() uses (fc1.weight is the first
nn.Linear's weight). The parameters no group names form a last group with the
optimizer's defaults, as the trainer does. 30 optimizer steps each:

  SGD momentum, two named groups (fc1's lr and momentum, fc3.weight's weight
      decay) and the rest, StepLR stepped per batch
  Adam, one named group (fc2, own lr and betas) and the rest, OneCycleLR with
      one max_lr per group, clip_grad_norm_ with norm_type inf, and a
      batch_size larger than the training rows (one batch per epoch, as
      DataLoader gives)

Records every step's loss and each group's lr, and the weights after.
Run from the repository root after build.sh: /usr/bin/python3 tests/gen/trainer_groups.py
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trainer import build, dataset, weights, write  # noqa: E402

MOONS = {'name': 'moons', 'n_samples': 120, 'noise': 0.15, 'seed': 4, 'val_fraction': 0.25}


def named(model):
    """The trainer's tensor names: fc<k>.weight / fc<k>.bias for the k-th nn.Linear."""
    out, k = {}, 0
    for m in model:
        if isinstance(m, nn.Linear):
            k += 1
            out[f'fc{k}.weight'], out[f'fc{k}.bias'] = m.weight, m.bias
    return out


def torch_groups(model, groups):
    """torch.optim param_groups from the config's entries, then the unnamed tensors."""
    params = named(model)
    taken = set()
    out = []
    for g in groups:
        out.append(dict({k: (tuple(v) if isinstance(v, list) else v) for k, v in g.items() if k != 'params'},
                        params=[params[n] for n in g['params']]))
        taken.update(g['params'])
    rest = [p for n, p in params.items() if n not in taken]
    if rest:
        out.append({'params': rest})
    return out


def case(label, sizes, opt_cls, defaults, groups, make_sched, sched_spec, batch, steps, clip=None):
    X, y = dataset(MOONS)
    torch.manual_seed(0)
    model = build(sizes, nn.Tanh)
    init = weights(model)
    opt = opt_cls(torch_groups(model, groups), **{k: (tuple(v) if isinstance(v, list) else v) for k, v in defaults.items()})
    sched = make_sched(opt) if make_sched else None
    losses, lrs = [], []
    cursor, n = 0, X.shape[0]
    for _ in range(steps):
        xb, yb = X[cursor:cursor + batch], y[cursor:cursor + batch]
        cursor = cursor + batch if cursor + batch < n else 0
        loss = nn.BCEWithLogitsLoss()(model(xb), yb[:, None])
        lrs.append([g['lr'] for g in opt.param_groups])
        opt.zero_grad()
        loss.backward()
        if clip:
            nn.utils.clip_grad_norm_(model.parameters(), **clip)
        opt.step()
        if sched:
            sched.step()
        losses.append(loss.item())
    config = {'dataset': MOONS, 'model': {'hidden': sizes[1:-1], 'activation': 'tanh', 'init_weights': init},
              'loss': {'type': 'BCEWithLogitsLoss'}, 'optimizer': dict(defaults, type=opt_cls.__name__, param_groups=groups),
              'batch_size': batch, 'shuffle': False, 'epochs': 100}
    if sched_spec:
        config['scheduler'] = sched_spec
    if clip:
        config['grad_clip'] = {'max_norm': clip['max_norm'], 'norm_type': 'Infinity'}
    return {'label': label, 'config': config, 'steps': steps, 'losses': losses, 'lrs': lrs, 'weights': weights(model),
            'n_train': n}


def main():
    torch.set_default_dtype(torch.float32)
    cases = [
        case('SGD momentum, groups fc1 and fc3.weight, StepLR', [2, 8, 8, 1], torch.optim.SGD,
             {'lr': 0.1, 'momentum': 0.9},
             [{'params': ['fc1.weight', 'fc1.bias'], 'lr': 0.02, 'momentum': 0.5},
              {'params': ['fc3.weight'], 'weight_decay': 0.01}],
             lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.5),
             {'type': 'StepLR', 'step_size': 5, 'gamma': 0.5}, 32, 30),
        case('Adam, group fc2, OneCycleLR max_lr per group, clip inf norm, batch over the rows', [2, 8, 8, 1],
             torch.optim.Adam, {'lr': 0.01},
             [{'params': ['fc2.weight', 'fc2.bias'], 'lr': 0.001, 'betas': [0.8, 0.99]}],
             lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=[0.01, 0.05], total_steps=30),
             {'type': 'OneCycleLR', 'max_lr': [0.01, 0.05], 'total_steps': 30}, 1000, 30,
             clip={'max_norm': 0.05, 'norm_type': float('inf')}),
    ]
    write('trainer_groups', cases)


if __name__ == '__main__':
    main()
