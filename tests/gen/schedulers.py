"""PyTorch parity fixtures for steplab's learning-rate schedulers.

Generates tests/fixtures/schedulers.json: for each case, the steplab spec and the
learning rate PyTorch's torch.optim.lr_scheduler produces after k = 0..n-1 calls
of scheduler.step() (k = 0 is right after construction).

Also generates tests/fixtures/scheduler_groups.json: schedulers on an optimizer
with several parameter groups (lab.schedule(spec, n, { groups })), each group's
lr (and momentum where a scheduler cycles it) after every step, and the values
PyTorch accepts that steplab once refused (SequentialLR with equal or unsorted
milestones, OneCycleLRs sharing a group, NaN and infinite plateau metrics, lr 0,
ExponentialLR gamma 0, a fractional CosineAnnealingLR T_max). Non-finite metrics
are written as the strings 'NaN', 'Infinity' and '-Infinity'.

Rerun from the repository root with Debian's PyTorch:

    /usr/bin/python3 tests/gen/schedulers.py
"""
import json
import math
import os
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.filterwarnings('ignore')

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'schedulers.json')
DEFAULT_LR = 0.1  # steplab's default when a spec has no "lr"

# --------------------------------------------------------------------------
# steplab formula -> hand-written Python equivalent (for LambdaLR and
# MultiplicativeLR). `^` is power (right-assoc, tighter than unary minus),
# `%` / `//` are Python's modulo / floor division, `c ? a : b` is a ternary.
FORMULAS = [
    # required
    ('0.95 ^ epoch', '0.95 ** epoch'),
    ('1 / (1 + 0.1 * epoch)', '1 / (1 + 0.1 * epoch)'),
    ('epoch < 5 ? (epoch + 1) / 5 : 1', '((epoch + 1) / 5 if epoch < 5 else 1)'),
    ('0.1 ** (epoch // 30)', '0.1 ** (epoch // 30)'),
    ('max(0.1, 1 - epoch / 50)', 'max(0.1, 1 - epoch / 50)'),
    ('exp(-0.05 * epoch)', 'exp(-0.05 * epoch)'),
    ('0.5 * (1 + cos(pi * epoch / 40))', '0.5 * (1 + cos(pi * epoch / 40))'),
    ('0.95', '0.95'),
    ('epoch % 10 == 0 ? 0.5 : 1', '(0.5 if epoch % 10 == 0 else 1)'),
    # extra coverage of the formula language
    ('min((epoch + 1) / 10, sqrt(10 / (epoch + 1)))', 'min((epoch + 1) / 10, sqrt(10 / (epoch + 1)))'),
    ('0.5 ^ 2 ^ (epoch // 20)', '0.5 ** 2 ** (epoch // 20)'),
    ('1 + -0.5 ^ 2 * epoch / 100', '1 + -0.5 ** 2 * epoch / 100'),
    ('epoch < 10 ? 0.1 : epoch < 50 ? 1 : 0.5', '(0.1 if epoch < 10 else (1 if epoch < 50 else 0.5))'),
    ('epoch >= 30 ? 0.1 : epoch <= 9 ? 0.5 : epoch > 20 ? 0.3 : epoch == 15 ? 2 : epoch != 16 ? 1 : 0.25',
     '(0.1 if epoch >= 30 else (0.5 if epoch <= 9 else (0.3 if epoch > 20 else '
     '(2 if epoch == 15 else (1 if epoch != 16 else 0.25)))))'),
    ('1 - ((epoch - 50) % 7) / 10', '1 - ((epoch - 50) % 7) / 10'),
    ('0.9 ^ abs((epoch - 50) // 10)', '0.9 ** abs((epoch - 50) // 10)'),
    ('0.8 ^ ceil(epoch / 25) * (floor(epoch / 10) % 2 == 0 ? 1 : 0.5)',
     '0.8 ** ceil(epoch / 25) * (1 if floor(epoch / 10) % 2 == 0 else 0.5)'),
    ('abs(sin(pi * epoch / 20))', 'abs(sin(pi * epoch / 20))'),
    ('1 / log(e + epoch)', '1 / log(e + epoch)'),
    ('e ^ (-epoch / 20)', 'e ** (-epoch / 20)'),
    ('1 - 0.5 * (epoch >= 30)', '1 - 0.5 * (epoch >= 30)'),
    ('0.99 ^ (epoch // 0.1)', '0.99 ** (epoch // 0.1)'),
    ('0.5 + ((epoch * 0.37) % 1) / 2', '0.5 + ((epoch * 0.37) % 1) / 2'),
    ('0.5 + (((epoch - 50) * 0.3) % 1) / 2', '0.5 + (((epoch - 50) * 0.3) % 1) / 2'),
    ('epoch <= 20 ? 1.05 : 0.97', '(1.05 if epoch <= 20 else 0.97)'),
    ('1 - 1 / (epoch + 10)', '1 - 1 / (epoch + 10)'),
    ('max(0.9, 1 - epoch / 100)', 'max(0.9, 1 - epoch / 100)'),
]
PY_FORMULA = dict(FORMULAS)
FORMULA_ENV = {'__builtins__': {}, 'exp': math.exp, 'log': math.log, 'sqrt': math.sqrt,
               'sin': math.sin, 'cos': math.cos, 'floor': math.floor, 'ceil': math.ceil,
               'min': min, 'max': max, 'abs': abs, 'pi': math.pi, 'e': math.e}


def make_lambda(formula):
    return eval('lambda epoch: ' + PY_FORMULA[formula], FORMULA_ENV)


# --------------------------------------------------------------------------
# Building PyTorch objects from a steplab spec.

def make_optimizer(spec):
    p = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.SGD([p], lr=spec.get('lr', DEFAULT_LR), momentum=0.9)


def make_scheduler(spec, opt):
    kind = spec['type']
    kw = {k: v for k, v in spec.items() if k not in ('type', 'lr')}
    if kind in ('LambdaLR', 'MultiplicativeLR'):
        kw['lr_lambda'] = make_lambda(kw['lr_lambda'])
    if kind == 'SequentialLR':
        # children are constructed in order on the same optimizer, then wrapped
        kw['schedulers'] = [make_scheduler(c, opt) for c in kw['schedulers']]
        return S.SequentialLR(opt, **kw)
    if kind == 'ChainedScheduler':
        return S.ChainedScheduler([make_scheduler(c, opt) for c in kw['schedulers']])
    return getattr(S, kind)(opt, **kw)


def lr_of(opt):
    return float(opt.param_groups[0]['lr'])


def run(spec, n, metrics=None):
    opt = make_optimizer(spec)
    sched = make_scheduler(spec, opt)
    lrs = [lr_of(opt)]
    for k in range(n - 1):
        opt.step()  # no grad: a no-op, keeps PyTorch's call-order check quiet
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[k])
        lrs.append(lr_of(opt))
    return lrs


CASES = []


def case(label, spec, n, metrics=None):
    assert 10 <= n <= 300, label
    if metrics is not None:
        assert len(metrics) == n - 1, label
    CASES.append((label, spec, n, metrics))


# --------------------------------------------------------------------------
# The grid.

# course cases
case('StepLR step_size=30 gamma=0.1', {'type': 'StepLR', 'step_size': 30, 'gamma': 0.1, 'lr': 0.1}, 100)
case('CosineAnnealingLR T_max=100 0.1 -> eta_min=0.001',
     {'type': 'CosineAnnealingLR', 'T_max': 100, 'eta_min': 0.001, 'lr': 0.1}, 101)

# StepLR
case('StepLR step_size=10 default gamma, default lr', {'type': 'StepLR', 'step_size': 10}, 50)
case('StepLR step_size=1 gamma=0.5', {'type': 'StepLR', 'step_size': 1, 'gamma': 0.5, 'lr': 1.0}, 30)
case('StepLR step_size=7 gamma=0.9 lr=0.05', {'type': 'StepLR', 'step_size': 7, 'gamma': 0.9, 'lr': 0.05}, 60)
case('StepLR gamma>1 (growth)', {'type': 'StepLR', 'step_size': 5, 'gamma': 1.1, 'lr': 0.01}, 40)
case('StepLR gamma=0 (drops to zero)', {'type': 'StepLR', 'step_size': 4, 'gamma': 0.0, 'lr': 0.1}, 12)

# MultiStepLR
case('MultiStepLR milestones=[30,80] gamma=0.1', {'type': 'MultiStepLR', 'milestones': [30, 80], 'gamma': 0.1}, 100)
case('MultiStepLR default gamma lr=1', {'type': 'MultiStepLR', 'milestones': [5, 15, 25], 'lr': 1.0}, 30)
case('MultiStepLR repeated milestone [10,10,20] (gamma^2 at 10)',
     {'type': 'MultiStepLR', 'milestones': [10, 10, 20], 'gamma': 0.5, 'lr': 0.1}, 30)
case('MultiStepLR unsorted milestones [50,20,35]',
     {'type': 'MultiStepLR', 'milestones': [50, 20, 35], 'gamma': 0.3, 'lr': 0.2}, 60)
case('MultiStepLR milestone 0 applies at construction',
     {'type': 'MultiStepLR', 'milestones': [0, 8], 'gamma': 0.5, 'lr': 0.1}, 12)
case('MultiStepLR milestone beyond n', {'type': 'MultiStepLR', 'milestones': [12, 500], 'gamma': 0.2}, 20)

# ConstantLR
case('ConstantLR defaults (factor=1/3 total_iters=5)', {'type': 'ConstantLR', 'lr': 0.1}, 12)
case('ConstantLR factor=0.5 total_iters=4', {'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 4, 'lr': 0.05}, 10)
case('ConstantLR factor=0.1 total_iters=20', {'type': 'ConstantLR', 'factor': 0.1, 'total_iters': 20}, 30)
case('ConstantLR factor=1.0 (no change)', {'type': 'ConstantLR', 'factor': 1.0, 'total_iters': 3, 'lr': 0.3}, 10)
case('ConstantLR total_iters=0 (factor is never undone)',
     {'type': 'ConstantLR', 'factor': 0.25, 'total_iters': 0, 'lr': 0.1}, 10)

# LinearLR
case('LinearLR defaults (1/3 -> 1 over 5)', {'type': 'LinearLR', 'lr': 0.1}, 12)
case('LinearLR start_factor=0.5 total_iters=4', {'type': 'LinearLR', 'start_factor': 0.5, 'total_iters': 4, 'lr': 0.05}, 10)
case('LinearLR warm-up 0.01 -> 1 over 50', {'type': 'LinearLR', 'start_factor': 0.01, 'end_factor': 1.0, 'total_iters': 50}, 80)
case('LinearLR decay end_factor<start_factor (1 -> 0.1 over 20)',
     {'type': 'LinearLR', 'start_factor': 1.0, 'end_factor': 0.1, 'total_iters': 20, 'lr': 0.2}, 30)
case('LinearLR decay to end_factor=0', {'type': 'LinearLR', 'start_factor': 1.0, 'end_factor': 0.0, 'total_iters': 10, 'lr': 0.1}, 15)
case('LinearLR 0.25 -> 0.75 over 7', {'type': 'LinearLR', 'start_factor': 0.25, 'end_factor': 0.75, 'total_iters': 7, 'lr': 0.3}, 12)
case('LinearLR total_iters=0 (start_factor is never undone)',
     {'type': 'LinearLR', 'start_factor': 0.5, 'total_iters': 0, 'lr': 0.1}, 10)

# ExponentialLR
case('ExponentialLR gamma=0.9', {'type': 'ExponentialLR', 'gamma': 0.9}, 50)
case('ExponentialLR gamma=0.99 lr=1', {'type': 'ExponentialLR', 'gamma': 0.99, 'lr': 1.0}, 200)
case('ExponentialLR gamma=0.5 lr=0.3', {'type': 'ExponentialLR', 'gamma': 0.5, 'lr': 0.3}, 20)
case('ExponentialLR gamma=1.01 (growth)', {'type': 'ExponentialLR', 'gamma': 1.01, 'lr': 0.001}, 100)

# PolynomialLR
case('PolynomialLR defaults (total_iters=5 power=1)', {'type': 'PolynomialLR', 'lr': 0.1}, 10)
case('PolynomialLR total_iters=50 power=1', {'type': 'PolynomialLR', 'total_iters': 50, 'power': 1.0, 'lr': 0.1}, 60)
case('PolynomialLR total_iters=40 power=2', {'type': 'PolynomialLR', 'total_iters': 40, 'power': 2.0, 'lr': 0.5}, 50)
case('PolynomialLR total_iters=30 power=0.5', {'type': 'PolynomialLR', 'total_iters': 30, 'power': 0.5}, 40)
case('PolynomialLR total_iters=1', {'type': 'PolynomialLR', 'total_iters': 1, 'power': 1.0, 'lr': 0.1}, 10)

# CosineAnnealingLR (recursive form; past T_max it climbs back up)
case('CosineAnnealingLR T_max=10 default eta_min, n=3*T_max', {'type': 'CosineAnnealingLR', 'T_max': 10}, 30)
case('CosineAnnealingLR T_max=20 eta_min=0.01 n=3*T_max', {'type': 'CosineAnnealingLR', 'T_max': 20, 'eta_min': 0.01, 'lr': 0.1}, 60)
case('CosineAnnealingLR T_max=50 eta_min=0.001 n=150', {'type': 'CosineAnnealingLR', 'T_max': 50, 'eta_min': 0.001, 'lr': 0.05}, 150)
case('CosineAnnealingLR T_max=1', {'type': 'CosineAnnealingLR', 'T_max': 1, 'lr': 0.1}, 10)
case('CosineAnnealingLR T_max=1 eta_min=0.02', {'type': 'CosineAnnealingLR', 'T_max': 1, 'eta_min': 0.02, 'lr': 0.1}, 10)
case('CosineAnnealingLR T_max=7 eta_min=0 lr=1 n=50', {'type': 'CosineAnnealingLR', 'T_max': 7, 'eta_min': 0, 'lr': 1.0}, 50)
case('CosineAnnealingLR T_max=100 n=300', {'type': 'CosineAnnealingLR', 'T_max': 100, 'lr': 0.1}, 300)

# CosineAnnealingWarmRestarts
case('CosineAnnealingWarmRestarts T_0=10', {'type': 'CosineAnnealingWarmRestarts', 'T_0': 10}, 50)
case('CosineAnnealingWarmRestarts T_0=10 T_mult=1 eta_min=0.001',
     {'type': 'CosineAnnealingWarmRestarts', 'T_0': 10, 'T_mult': 1, 'eta_min': 0.001, 'lr': 0.1}, 50)
case('CosineAnnealingWarmRestarts T_0=5 T_mult=2', {'type': 'CosineAnnealingWarmRestarts', 'T_0': 5, 'T_mult': 2, 'lr': 0.1}, 100)
case('CosineAnnealingWarmRestarts T_0=3 T_mult=3 eta_min=0.01',
     {'type': 'CosineAnnealingWarmRestarts', 'T_0': 3, 'T_mult': 3, 'eta_min': 0.01, 'lr': 0.2}, 150)
case('CosineAnnealingWarmRestarts T_0=1 (constant lr)', {'type': 'CosineAnnealingWarmRestarts', 'T_0': 1, 'lr': 0.1}, 10)
case('CosineAnnealingWarmRestarts T_0=1 T_mult=2', {'type': 'CosineAnnealingWarmRestarts', 'T_0': 1, 'T_mult': 2, 'lr': 0.1}, 40)
case('CosineAnnealingWarmRestarts T_0=7 T_mult=2 eta_min=0.0005',
     {'type': 'CosineAnnealingWarmRestarts', 'T_0': 7, 'T_mult': 2, 'eta_min': 0.0005, 'lr': 0.05}, 120)

# CyclicLR (spec lr is irrelevant: CyclicLR overwrites it with base_lr)
case('CyclicLR triangular 0.001-0.006 step_size_up=10',
     {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': 0.006, 'step_size_up': 10}, 70)
case('CyclicLR triangular step_size_up=7 step_size_down=13',
     {'type': 'CyclicLR', 'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 7, 'step_size_down': 13, 'mode': 'triangular'}, 90)
case('CyclicLR triangular2 step_size_up=5',
     {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': 0.1, 'step_size_up': 5, 'mode': 'triangular2'}, 60)
case('CyclicLR triangular2 step_size_up=3 step_size_down=8',
     {'type': 'CyclicLR', 'base_lr': 0.0001, 'max_lr': 0.01, 'step_size_up': 3, 'step_size_down': 8, 'mode': 'triangular2'}, 80)
case('CyclicLR exp_range gamma=0.99',
     {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': 0.1, 'step_size_up': 6, 'mode': 'exp_range', 'gamma': 0.99}, 100)
case('CyclicLR exp_range gamma=0.9 step_size_down=11',
     {'type': 'CyclicLR', 'base_lr': 0.003, 'max_lr': 0.03, 'step_size_up': 4, 'step_size_down': 11, 'mode': 'exp_range', 'gamma': 0.9}, 60)
case('CyclicLR exp_range default gamma=1',
     {'type': 'CyclicLR', 'base_lr': 0.01, 'max_lr': 0.05, 'step_size_up': 3, 'mode': 'exp_range'}, 20)
case('CyclicLR step_size_up=2000 default (partial first cycle)',
     {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': 0.1}, 50)
case('CyclicLR step_size_up=1 step_size_down=2',
     {'type': 'CyclicLR', 'base_lr': 0.02, 'max_lr': 0.07, 'step_size_up': 1, 'step_size_down': 2}, 20)
case('CyclicLR base_lr>max_lr (inverted triangle)',
     {'type': 'CyclicLR', 'base_lr': 0.1, 'max_lr': 0.01, 'step_size_up': 6}, 30)
case('CyclicLR non-integer step_size_up=4.5 step_size_down=2.5',
     {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': 0.013, 'step_size_up': 4.5, 'step_size_down': 2.5, 'mode': 'triangular2'}, 40)
case('CyclicLR cycle_momentum=false',
     {'type': 'CyclicLR', 'base_lr': 0.005, 'max_lr': 0.05, 'step_size_up': 9, 'step_size_down': 4, 'cycle_momentum': False, 'lr': 0.3}, 40)

# OneCycleLR (spec lr is irrelevant: initial lr = max_lr / div_factor)
case('OneCycleLR total_steps=100 defaults n=total_steps',
     {'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 100}, 100)
case('OneCycleLR total_steps=100 defaults n=total_steps+1',
     {'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 100}, 101)
case('OneCycleLR epochs=10 steps_per_epoch=20',
     {'type': 'OneCycleLR', 'max_lr': 0.5, 'epochs': 10, 'steps_per_epoch': 20}, 201)
case('OneCycleLR pct_start=0.45 linear',
     {'type': 'OneCycleLR', 'max_lr': 0.2, 'total_steps': 60, 'pct_start': 0.45, 'anneal_strategy': 'linear'}, 61)
case('OneCycleLR pct_start=0.25 cos explicit',
     {'type': 'OneCycleLR', 'max_lr': 0.05, 'total_steps': 80, 'pct_start': 0.25, 'anneal_strategy': 'cos'}, 80)
case('OneCycleLR div_factor=10 final_div_factor=1e5',
     {'type': 'OneCycleLR', 'max_lr': 1.0, 'total_steps': 50, 'div_factor': 10.0, 'final_div_factor': 100000.0}, 51)
case('OneCycleLR three_phase',
     {'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 100, 'three_phase': True}, 101)
case('OneCycleLR three_phase pct_start=0.25 linear',
     {'type': 'OneCycleLR', 'max_lr': 0.3, 'total_steps': 40, 'pct_start': 0.25, 'anneal_strategy': 'linear', 'three_phase': True}, 40)
case('OneCycleLR three_phase=false explicit pct_start=0.3',
     {'type': 'OneCycleLR', 'max_lr': 0.01, 'total_steps': 30, 'pct_start': 0.3, 'three_phase': False}, 31)
case('OneCycleLR fractional phase end (total_steps=25 pct_start=0.3)',
     {'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 25, 'pct_start': 0.3}, 26)
case('OneCycleLR epochs=3 steps_per_epoch=7 three_phase linear div_factor=5',
     {'type': 'OneCycleLR', 'max_lr': 0.4, 'epochs': 3, 'steps_per_epoch': 7, 'anneal_strategy': 'linear',
      'div_factor': 5.0, 'three_phase': True}, 22)
case('OneCycleLR cycle_momentum=false final_div_factor=100',
     {'type': 'OneCycleLR', 'max_lr': 0.08, 'total_steps': 45, 'cycle_momentum': False, 'final_div_factor': 100.0}, 45)
case('OneCycleLR pct_start*total_steps<1 (warm-up phase skipped)',
     {'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 20, 'pct_start': 0.04}, 21)
case('OneCycleLR total_steps=300',
     {'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 299, 'pct_start': 0.3, 'div_factor': 25.0, 'final_div_factor': 10000.0}, 300)

# ReduceLROnPlateau: metrics[k] is passed to the (k+1)-th step()
def plateau_then_drop():
    m = [1.0 - 0.05 * i for i in range(10)]      # improving
    m += [0.55] * 30                            # plateau
    m += [0.5 - 0.01 * i for i in range(10)]    # improving again
    m += [0.45] * 29                            # plateau
    return m


case('ReduceLROnPlateau defaults (patience=10) plateaus',
     {'type': 'ReduceLROnPlateau'}, 80, plateau_then_drop())
case('ReduceLROnPlateau patience=2 factor=0.5',
     {'type': 'ReduceLROnPlateau', 'mode': 'min', 'factor': 0.5, 'patience': 2, 'lr': 0.1},
     25, [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.85, 0.86, 0.87, 0.88, 0.79, 0.79, 0.79, 0.78, 0.9, 0.9, 0.9, 0.9,
          0.9, 0.9, 0.9, 0.9, 0.5, 0.6])
case('ReduceLROnPlateau patience=0 (reduce on every bad step)',
     {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 0, 'lr': 1.0},
     15, [3, 2, 2, 1, 1.5, 1.2, 0.5, 0.5, 0.4, 0.4, 0.4, 0.3, 0.35, 0.2])
case('ReduceLROnPlateau cooldown=3 patience=1',
     {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 1, 'cooldown': 3, 'lr': 0.1},
     30, [1.0] * 29)
case('ReduceLROnPlateau cooldown=2 improvement during cooldown',
     {'type': 'ReduceLROnPlateau', 'factor': 0.1, 'patience': 2, 'cooldown': 2, 'lr': 1.0},
     20, [1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.3, 0.45])
case('ReduceLROnPlateau min_lr=0.01 clamps',
     {'type': 'ReduceLROnPlateau', 'factor': 0.1, 'patience': 1, 'min_lr': 0.01, 'lr': 1.0},
     20, [1.0] * 19)
case('ReduceLROnPlateau min_lr=0.003 factor=0.5 (clamped last step)',
     {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 0, 'min_lr': 0.003, 'lr': 0.1},
     15, [2.0] + [3.0] * 13)
case('ReduceLROnPlateau eps=0.001 skips small reductions',
     {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 0, 'eps': 0.001, 'lr': 0.1},
     15, [1.0] * 14)
case('ReduceLROnPlateau default eps=1e-8 with tiny lr',
     {'type': 'ReduceLROnPlateau', 'factor': 0.1, 'patience': 0, 'lr': 1e-06},
     10, [5.0] * 9)
case('ReduceLROnPlateau mode=max rel threshold=0.01',
     {'type': 'ReduceLROnPlateau', 'mode': 'max', 'factor': 0.5, 'patience': 2, 'threshold': 0.01, 'lr': 0.1},
     30, [0.5, 0.6, 0.605, 0.609, 0.61, 0.62, 0.7, 0.705, 0.706, 0.707, 0.71, 0.72, 0.73, 0.74, 0.75,
          0.755, 0.758, 0.76, 0.8, 0.79, 0.78, 0.85, 0.85, 0.86, 0.86, 0.861, 0.862, 0.9, 0.9])
case('ReduceLROnPlateau mode=max abs threshold=0.02',
     {'type': 'ReduceLROnPlateau', 'mode': 'max', 'threshold': 0.02, 'threshold_mode': 'abs', 'factor': 0.2,
      'patience': 1, 'lr': 0.5},
     25, [10, 10.01, 10.03, 10.04, 10.05, 10.1, 10.11, 10.115, 10.12, 10.2, 10.21, 10.5, 9, 9, 9, 11,
          11.01, 11.02, 11.03, 11.05, 11.0, 11.1, 11.11, 11.12])
case('ReduceLROnPlateau mode=min abs threshold=0.05',
     {'type': 'ReduceLROnPlateau', 'mode': 'min', 'threshold_mode': 'abs', 'threshold': 0.05, 'factor': 0.5,
      'patience': 1, 'lr': 0.1},
     25, [1.0, 0.96, 0.92, 0.88, 0.8, 0.76, 0.7, 0.66, 0.62, 0.6, 0.5, 0.49, 0.48, 0.47, 0.46, 0.45,
          0.4, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24])
case('ReduceLROnPlateau rel improvements smaller than default threshold 1e-4',
     {'type': 'ReduceLROnPlateau', 'patience': 1, 'factor': 0.5, 'lr': 0.1},
     30, [round(1 - 0.00003 * k, 5) for k in range(29)])
case('ReduceLROnPlateau abs threshold boundary (equal is not better)',
     {'type': 'ReduceLROnPlateau', 'threshold_mode': 'abs', 'threshold': 0.25, 'patience': 0, 'factor': 0.5,
      'lr': 0.5},
     12, [1.0, 0.75, 0.5, 0.25, 0.0, -0.125, -0.5, -0.5, -1.0, -1.25, -1.5])
case('ReduceLROnPlateau rel threshold boundary (equal is not better)',
     {'type': 'ReduceLROnPlateau', 'threshold': 0.5, 'patience': 0, 'factor': 0.5, 'lr': 0.5},
     12, [8.0, 4.0, 3.0, 1.5, 1.0, 0.75, 0.375, 0.25, 0.25, 0.0625, 0.03125])
case('ReduceLROnPlateau min rel with negative metrics',
     {'type': 'ReduceLROnPlateau', 'threshold': 0.1, 'patience': 1, 'factor': 0.5, 'lr': 0.1},
     20, [-1.0, -1.05, -1.2, -1.15, -1.3, -1.4, -1.45, -1.5, -1.2, -1.0, -0.9, -2.0, -2.1, -2.3, -2.35,
          -2.4, -2.5, -2.55, -2.6])
case('ReduceLROnPlateau max rel with negative metrics',
     {'type': 'ReduceLROnPlateau', 'mode': 'max', 'threshold': 0.1, 'patience': 1, 'factor': 0.5, 'lr': 0.1},
     20, [-10.0, -9.5, -9.2, -9.0, -8.0, -7.5, -7.4, -7.3, -7.2, -6.0, -5.5, -5.0, -4.0, -4.3, -4.7,
          -5.5, -5.5, -5.2, -6.0])
case('ReduceLROnPlateau threshold=0 (any strict improvement)',
     {'type': 'ReduceLROnPlateau', 'threshold': 0.0, 'patience': 1, 'factor': 0.1, 'lr': 1.0},
     15, [5, 4, 4, 4, 3.9999999, 3.9999999, 3.9999999, 3.9999998, 3, 3, 2, 2, 2, 1])
case('ReduceLROnPlateau factor=0 drops to min_lr',
     {'type': 'ReduceLROnPlateau', 'factor': 0.0, 'patience': 2, 'min_lr': 0.0001, 'lr': 0.1},
     12, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
case('ReduceLROnPlateau integer metrics mode=max',
     {'type': 'ReduceLROnPlateau', 'mode': 'max', 'patience': 2, 'factor': 0.5, 'cooldown': 1, 'lr': 0.2},
     25, [1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7])
# a noisy deterministic loss curve with everything switched on
noisy = [round(2.0 * math.exp(-k / 30) + 0.3 + 0.05 * math.sin(1.7 * k), 4) for k in range(199)]
case('ReduceLROnPlateau noisy loss patience=5 cooldown=2 min_lr=1e-4 threshold=1e-3',
     {'type': 'ReduceLROnPlateau', 'mode': 'min', 'factor': 0.5, 'patience': 5, 'threshold': 0.001,
      'threshold_mode': 'rel', 'cooldown': 2, 'min_lr': 0.0001, 'eps': 1e-08, 'lr': 0.1},
     200, noisy)
case('ReduceLROnPlateau noisy loss abs threshold=0.01 eps=1e-3',
     {'type': 'ReduceLROnPlateau', 'factor': 0.3, 'patience': 3, 'threshold': 0.01, 'threshold_mode': 'abs',
      'eps': 0.001, 'lr': 0.1},
     120, noisy[:119])

# LambdaLR
for f, n, lr in [
        ('0.95 ^ epoch', 100, 0.1),
        ('1 / (1 + 0.1 * epoch)', 100, None),
        ('epoch < 5 ? (epoch + 1) / 5 : 1', 20, 0.1),
        ('0.1 ** (epoch // 30)', 100, 0.1),
        ('max(0.1, 1 - epoch / 50)', 80, 0.05),
        ('exp(-0.05 * epoch)', 100, 0.1),
        ('0.5 * (1 + cos(pi * epoch / 40))', 60, 0.1),
        ('min((epoch + 1) / 10, sqrt(10 / (epoch + 1)))', 100, 0.01),
        ('0.5 ^ 2 ^ (epoch // 20)', 100, 0.1),
        ('1 + -0.5 ^ 2 * epoch / 100', 100, 0.1),
        ('epoch < 10 ? 0.1 : epoch < 50 ? 1 : 0.5', 60, 0.1),
        ('epoch >= 30 ? 0.1 : epoch <= 9 ? 0.5 : epoch > 20 ? 0.3 : epoch == 15 ? 2 : epoch != 16 ? 1 : 0.25', 40, 0.1),
        ('1 - ((epoch - 50) % 7) / 10', 80, 0.1),
        ('0.9 ^ abs((epoch - 50) // 10)', 100, 0.1),
        ('0.8 ^ ceil(epoch / 25) * (floor(epoch / 10) % 2 == 0 ? 1 : 0.5)', 100, 0.1),
        ('abs(sin(pi * epoch / 20))', 50, 0.1),
        ('1 / log(e + epoch)', 50, 0.1),
        ('e ^ (-epoch / 20)', 50, 0.1),
        ('1 - 0.5 * (epoch >= 30)', 40, 0.1),
        ('0.99 ^ (epoch // 0.1)', 30, 0.1),
        ('0.5 + ((epoch * 0.37) % 1) / 2', 40, 0.1),
        ('0.5 + (((epoch - 50) * 0.3) % 1) / 2', 80, 0.1)]:
    spec = {'type': 'LambdaLR', 'lr_lambda': f}
    if lr is not None:
        spec['lr'] = lr
    case('LambdaLR ' + f, spec, n)

# MultiplicativeLR (the factor is not applied at epoch 0)
for f, n, lr in [
        ('0.95', 60, 0.1),
        ('epoch % 10 == 0 ? 0.5 : 1', 50, None),
        ('epoch <= 20 ? 1.05 : 0.97', 60, 0.01),
        ('1 - 1 / (epoch + 10)', 100, 0.1),
        ('max(0.9, 1 - epoch / 100)', 50, 1.0)]:
    spec = {'type': 'MultiplicativeLR', 'lr_lambda': f}
    if lr is not None:
        spec['lr'] = lr
    case('MultiplicativeLR ' + f, spec, n)

# SequentialLR (children built in order on one optimizer, then wrapped)
case('SequentialLR LinearLR warm-up 5 then CosineAnnealingLR T_max=95',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'LinearLR', 'start_factor': 0.1, 'total_iters': 5},
                     {'type': 'CosineAnnealingLR', 'T_max': 95, 'eta_min': 0.001}],
      'milestones': [5]}, 100)
case('SequentialLR LinearLR warm-up 10 then CosineAnnealingLR T_max=20 past T_max',
     {'type': 'SequentialLR', 'lr': 0.5,
      'schedulers': [{'type': 'LinearLR', 'start_factor': 0.01, 'end_factor': 1.0, 'total_iters': 10},
                     {'type': 'CosineAnnealingLR', 'T_max': 20}],
      'milestones': [10]}, 60)
case('SequentialLR ConstantLR then ExponentialLR at total_iters',
     {'type': 'SequentialLR', 'lr': 1.0,
      'schedulers': [{'type': 'ConstantLR', 'factor': 0.1, 'total_iters': 2},
                     {'type': 'ExponentialLR', 'gamma': 0.9}],
      'milestones': [2]}, 20)
case('SequentialLR ConstantLR then ExponentialLR before total_iters',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 10},
                     {'type': 'ExponentialLR', 'gamma': 0.95}],
      'milestones': [4]}, 30)
case('SequentialLR three schedulers LinearLR, ConstantLR, CosineAnnealingLR milestones [5,15]',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'LinearLR', 'start_factor': 0.2, 'total_iters': 5},
                     {'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 4},
                     {'type': 'CosineAnnealingLR', 'T_max': 30, 'eta_min': 0.0001}],
      'milestones': [5, 15]}, 60)
case('SequentialLR three schedulers ExponentialLR, StepLR, PolynomialLR milestones [10,30]',
     {'type': 'SequentialLR', 'lr': 0.2,
      'schedulers': [{'type': 'ExponentialLR', 'gamma': 0.9},
                     {'type': 'StepLR', 'step_size': 5, 'gamma': 0.5},
                     {'type': 'PolynomialLR', 'total_iters': 20, 'power': 2.0}],
      'milestones': [10, 30]}, 60)
case('SequentialLR ConstantLR then CosineAnnealingWarmRestarts T_0=10 T_mult=2',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'ConstantLR', 'factor': 0.25, 'total_iters': 5},
                     {'type': 'CosineAnnealingWarmRestarts', 'T_0': 10, 'T_mult': 2, 'eta_min': 0.001}],
      'milestones': [5]}, 80)
case('SequentialLR CosineAnnealingWarmRestarts first then ExponentialLR',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'CosineAnnealingWarmRestarts', 'T_0': 6},
                     {'type': 'ExponentialLR', 'gamma': 0.8}],
      'milestones': [15]}, 30)
case('SequentialLR LinearLR then StepLR step_size=10',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'LinearLR', 'start_factor': 0.1, 'total_iters': 8},
                     {'type': 'StepLR', 'step_size': 10, 'gamma': 0.5}],
      'milestones': [8]}, 50)
case('SequentialLR ExponentialLR then LinearLR (closed form restart)',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'ExponentialLR', 'gamma': 0.9},
                     {'type': 'LinearLR', 'start_factor': 1.0, 'end_factor': 0.1, 'total_iters': 10}],
      'milestones': [6]}, 25)
case('SequentialLR LinearLR then LambdaLR 0.95 ^ epoch',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'LinearLR', 'start_factor': 0.1, 'total_iters': 5},
                     {'type': 'LambdaLR', 'lr_lambda': '0.95 ^ epoch'}],
      'milestones': [5]}, 40)
case('SequentialLR StepLR then MultiStepLR (child-relative milestones)',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'StepLR', 'step_size': 3, 'gamma': 0.5},
                     {'type': 'MultiStepLR', 'milestones': [5, 10], 'gamma': 0.1}],
      'milestones': [7]}, 25)
case('SequentialLR milestone 0',
     {'type': 'SequentialLR', 'lr': 0.1,
      'schedulers': [{'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 3},
                     {'type': 'ExponentialLR', 'gamma': 0.9}],
      'milestones': [0]}, 15)

# ChainedScheduler (every child steps on every call, in order)
case('ChainedScheduler ConstantLR + ExponentialLR (docs example)',
     {'type': 'ChainedScheduler', 'lr': 1.0,
      'schedulers': [{'type': 'ConstantLR', 'factor': 0.1, 'total_iters': 2},
                     {'type': 'ExponentialLR', 'gamma': 0.9}]}, 20)
case('ChainedScheduler LinearLR + CosineAnnealingLR past T_max',
     {'type': 'ChainedScheduler', 'lr': 0.1,
      'schedulers': [{'type': 'LinearLR', 'start_factor': 0.1, 'total_iters': 10},
                     {'type': 'CosineAnnealingLR', 'T_max': 40, 'eta_min': 0.001}]}, 100)
case('ChainedScheduler StepLR + MultiStepLR',
     {'type': 'ChainedScheduler', 'lr': 0.1,
      'schedulers': [{'type': 'StepLR', 'step_size': 10, 'gamma': 0.5},
                     {'type': 'MultiStepLR', 'milestones': [15, 25], 'gamma': 0.1}]}, 40)
case('ChainedScheduler ConstantLR + ExponentialLR + StepLR',
     {'type': 'ChainedScheduler',
      'schedulers': [{'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 4},
                     {'type': 'ExponentialLR', 'gamma': 0.95},
                     {'type': 'StepLR', 'step_size': 6, 'gamma': 0.5}]}, 30)
case('ChainedScheduler LinearLR + CosineAnnealingWarmRestarts (non-chainable overrides)',
     {'type': 'ChainedScheduler', 'lr': 0.1,
      'schedulers': [{'type': 'LinearLR', 'start_factor': 0.5, 'total_iters': 5},
                     {'type': 'CosineAnnealingWarmRestarts', 'T_0': 8}]}, 30)


# --------------------------------------------------------------------------
# Parameter groups and the values PyTorch accepts (scheduler_groups.json).

GROUP_OUT = os.path.join(ROOT, 'tests', 'fixtures', 'scheduler_groups.json')
GROUP_CASES = []


def gcase(label, spec, n, groups=None, metrics=None):
    GROUP_CASES.append((label, spec, n, groups, metrics))


def group_optimizer(groups, spec):
    if groups is None:
        return make_optimizer(spec)
    ps = [torch.nn.Parameter(torch.zeros(1)) for _ in groups]
    return torch.optim.SGD([{'params': [p], 'lr': lr} for p, lr in zip(ps, groups)], lr=groups[0], momentum=0.9)


def group_scheduler(spec, opt):
    kind = spec['type']
    kw = {k: v for k, v in spec.items() if k not in ('type', 'lr')}
    if kind in ('LambdaLR', 'MultiplicativeLR'):
        f = kw['lr_lambda']
        kw['lr_lambda'] = [make_lambda(x) for x in f] if isinstance(f, list) else make_lambda(f)
    if kind == 'SequentialLR':
        kw['schedulers'] = [group_scheduler(c, opt) for c in kw['schedulers']]
        return S.SequentialLR(opt, **kw)
    if kind == 'ChainedScheduler':
        return S.ChainedScheduler([group_scheduler(c, opt) for c in kw['schedulers']])
    return getattr(S, kind)(opt, **kw)


def metric_value(m):
    return float(m) if not isinstance(m, str) else {'NaN': math.nan, 'Infinity': math.inf, '-Infinity': -math.inf}[m]


def group_run(spec, n, groups, metrics):
    opt = group_optimizer(groups, spec)
    sched = group_scheduler(spec, opt)
    lrs = [[float(g['lr'])] for g in opt.param_groups]
    mom = [[float(g['momentum'])] for g in opt.param_groups]
    for k in range(n - 1):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metric_value(metrics[k]))
        for i, g in enumerate(opt.param_groups):
            lrs[i].append(float(g['lr']))
            mom[i].append(float(g['momentum']))
    return lrs, mom


for f in FORMULAS[:3]:
    PY_FORMULA.setdefault(f[0], f[1])
two = [0.1, 0.01]
gcase('StepLR on 2 groups', {'type': 'StepLR', 'step_size': 5, 'gamma': 0.5}, 30, two)
gcase('CosineAnnealingLR on 2 groups past T_max', {'type': 'CosineAnnealingLR', 'T_max': 10, 'eta_min': 0.001}, 35, [0.2, 0.05])
gcase('LambdaLR one formula on 3 groups', {'type': 'LambdaLR', 'lr_lambda': '0.95 ^ epoch'}, 30, [0.1, 0.01, 1.0])
gcase('LambdaLR a list of formulas', {'type': 'LambdaLR', 'lr_lambda': ['0.95 ^ epoch', 'epoch < 5 ? (epoch + 1) / 5 : 1']}, 30, two)
gcase('MultiplicativeLR a list of formulas', {'type': 'MultiplicativeLR', 'lr_lambda': ['0.95', 'epoch % 10 == 0 ? 0.5 : 1']}, 40, two)
gcase('CyclicLR base_lr and max_lr lists, momentum lists',
      {'type': 'CyclicLR', 'base_lr': [0.001, 0.0001], 'max_lr': [0.1, 0.01], 'step_size_up': 4, 'step_size_down': 6,
       'base_momentum': [0.8, 0.7], 'max_momentum': [0.9, 0.95]}, 40, two)
gcase('CyclicLR triangular2 one base_lr, max_lr list',
      {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': [0.1, 0.05], 'step_size_up': 3, 'mode': 'triangular2'}, 30, two)
gcase('OneCycleLR max_lr list', {'type': 'OneCycleLR', 'max_lr': [0.1, 0.01], 'total_steps': 30}, 31, two)
gcase('OneCycleLR max_lr and momentum lists three_phase linear',
      {'type': 'OneCycleLR', 'max_lr': [0.5, 0.05, 0.2], 'total_steps': 24, 'three_phase': True, 'anneal_strategy': 'linear',
       'base_momentum': [0.8, 0.85, 0.7], 'max_momentum': [0.9, 0.95, 0.99]}, 25, [0.1, 0.01, 0.3])
gcase('ReduceLROnPlateau min_lr per group',
      {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 1, 'min_lr': [0.02, 0.004]}, 20, two, [1.0] * 19)
gcase('ReduceLROnPlateau one min_lr on 2 groups', {'type': 'ReduceLROnPlateau', 'factor': 0.1, 'patience': 0, 'min_lr': 0.001},
      10, two, [3.0, 2.0] + [2.5] * 7)
gcase('SequentialLR on 2 groups', {'type': 'SequentialLR', 'schedulers': [{'type': 'LinearLR', 'start_factor': 0.1, 'total_iters': 5},
      {'type': 'CosineAnnealingLR', 'T_max': 15}], 'milestones': [5]}, 30, two)
gcase('ChainedScheduler on 2 groups', {'type': 'ChainedScheduler', 'schedulers': [{'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 3},
      {'type': 'ExponentialLR', 'gamma': 0.9}]}, 20, two)
gcase('SequentialLR two OneCycleLRs with lists on 2 groups',
      {'type': 'SequentialLR', 'schedulers': [{'type': 'OneCycleLR', 'max_lr': [0.1, 0.2], 'total_steps': 4},
       {'type': 'OneCycleLR', 'max_lr': [1, 0.5], 'total_steps': 4}], 'milestones': [2]}, 5, two)
# the gap 1: of two OneCycleLRs on one group, the last constructed wins
gcase('gap 1: SequentialLR of two OneCycleLRs',
      {'type': 'SequentialLR', 'lr': 0.1, 'schedulers': [{'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 4},
       {'type': 'OneCycleLR', 'max_lr': 1, 'total_steps': 4}], 'milestones': [2]}, 5)
gcase('gap 1: ChainedScheduler of two OneCycleLRs',
      {'type': 'ChainedScheduler', 'lr': 0.1, 'schedulers': [{'type': 'OneCycleLR', 'max_lr': 0.1, 'total_steps': 10},
       {'type': 'OneCycleLR', 'max_lr': 0.5, 'total_steps': 20, 'anneal_strategy': 'linear'}]}, 11)
# gap 6: what PyTorch accepts
gcase('gap 6: SequentialLR equal milestones [2, 2]',
      {'type': 'SequentialLR', 'lr': 0.1, 'schedulers': [{'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 3},
       {'type': 'ExponentialLR', 'gamma': 0.9}, {'type': 'StepLR', 'step_size': 2, 'gamma': 0.5}], 'milestones': [2, 2]}, 12)
gcase('gap 6: SequentialLR unsorted milestones [6, 3]',
      {'type': 'SequentialLR', 'lr': 0.1, 'schedulers': [{'type': 'LinearLR', 'start_factor': 0.2, 'total_iters': 4},
       {'type': 'ExponentialLR', 'gamma': 0.8}, {'type': 'CosineAnnealingLR', 'T_max': 5}], 'milestones': [6, 3]}, 15)
gcase('gap 6: SequentialLR unsorted milestones [3, 8, 5]',
      {'type': 'SequentialLR', 'lr': 0.5, 'schedulers': [{'type': 'ConstantLR', 'factor': 0.5, 'total_iters': 2},
       {'type': 'ExponentialLR', 'gamma': 0.9}, {'type': 'StepLR', 'step_size': 2, 'gamma': 0.5},
       {'type': 'CosineAnnealingWarmRestarts', 'T_0': 3}], 'milestones': [3, 8, 5]}, 16)
gcase('gap 6: ReduceLROnPlateau NaN and infinite metrics are bad epochs',
      {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 1, 'lr': 1.0}, 12, None,
      [1.0, 'NaN', 'NaN', 0.5, 'Infinity', 'Infinity', 0.4, 'NaN', 0.3, 'Infinity', 'NaN'])
gcase('gap 6: ReduceLROnPlateau mode min with -Infinity (never beaten again)',
      {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 0, 'lr': 1.0}, 8, None, [1.0, '-Infinity', 0.5, 0.1, -5, 'NaN', 0])
gcase('gap 6: ReduceLROnPlateau mode max with Infinity',
      {'type': 'ReduceLROnPlateau', 'mode': 'max', 'factor': 0.5, 'patience': 1, 'lr': 1.0}, 8, None, [1.0, 'Infinity', 2.0, 3.0, 'NaN', 4, 5])
gcase('gap 6: StepLR lr 0', {'type': 'StepLR', 'lr': 0, 'step_size': 2}, 10)
gcase('gap 6: CyclicLR on a group of lr 0', {'type': 'CyclicLR', 'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 3}, 12, [0.0, 0.1])
gcase('gap 6: ExponentialLR gamma 0', {'type': 'ExponentialLR', 'lr': 0.1, 'gamma': 0}, 10)
gcase('gap 6: SequentialLR ExponentialLR gamma 0 then StepLR (closed form)',
      {'type': 'SequentialLR', 'lr': 0.1, 'schedulers': [{'type': 'ExponentialLR', 'gamma': 0},
       {'type': 'StepLR', 'step_size': 2}], 'milestones': [3]}, 10)
gcase('gap 6: CosineAnnealingLR fractional T_max 2.5', {'type': 'CosineAnnealingLR', 'lr': 0.1, 'T_max': 2.5, 'eta_min': 0.01}, 20)
gcase('gap 6: CosineAnnealingLR fractional T_max 7.3', {'type': 'CosineAnnealingLR', 'lr': 1.0, 'T_max': 7.3}, 40)
gcase('gap 6: CosineAnnealingLR T_max 0.5', {'type': 'CosineAnnealingLR', 'lr': 0.1, 'T_max': 0.5}, 10)


def write_groups():
    lines = []
    labels = [c[0] for c in GROUP_CASES]
    assert len(labels) == len(set(labels)), 'duplicate labels'
    for label, spec, n, groups, metrics in GROUP_CASES:
        lrs, mom = group_run(spec, n, groups, metrics)
        assert all(math.isfinite(x) for row in lrs for x in row), label
        c = {'label': label, 'spec': spec, 'n': n}
        if groups is not None:
            c['groups'] = groups
        if metrics is not None:
            c['metrics'] = metrics
        c['lr'] = lrs
        if any(spec.get('cycle_momentum', True) and t in json.dumps(spec) for t in ('CyclicLR', 'OneCycleLR')):
            c['momentum'] = mom
        lines.append(json.dumps(c, allow_nan=False, separators=(', ', ': ')))
    head = json.dumps({'generator': 'tests/gen/schedulers.py', 'torch': torch.__version__,
                       'note': 'lr[g][k]: group g after k steps; groups absent: one group with the spec\'s lr'})[:-1]
    with open(GROUP_OUT, 'w') as f:
        f.write(head + ',\n"cases": [\n' + ',\n'.join(lines) + '\n]}\n')
    print('wrote %d cases to %s' % (len(GROUP_CASES), GROUP_OUT))


# --------------------------------------------------------------------------

def main():
    labels = [c[0] for c in CASES]
    assert len(labels) == len(set(labels)), 'duplicate labels'
    lines = []
    for label, spec, n, metrics in CASES:
        lrs = run(spec, n, metrics)
        assert all(math.isfinite(x) for x in lrs), label
        c = {'label': label, 'spec': spec, 'n': n}
        if metrics is not None:
            c['metrics'] = metrics
        c['lr'] = lrs
        # json.dumps writes floats with repr(), so they round-trip exactly
        lines.append(json.dumps(c, allow_nan=False, separators=(', ', ': ')))
    head = json.dumps({'generator': 'tests/gen/schedulers.py', 'torch': torch.__version__})[:-1]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        f.write(head + ',\n"cases": [\n' + ',\n'.join(lines) + '\n]}\n')
    print('wrote %d cases to %s (%d bytes)' % (len(CASES), OUT, os.path.getsize(OUT)))
    write_groups()


if __name__ == '__main__':
    main()
