"""PyTorch parity fixtures for steplab's optimizers and 2-D surfaces.

Generates tests/fixtures/optimizers.json:
  replay: for each optimizer and a grid of its options (with and without an
          attached scheduler), the parameters after each of 50 steps, step k
          given the gradient vector grads[k] (7 numbers, float32);
  traces: PyTorch's optimizers walking rosenbrock, beale and quadratic for 200
          steps (one opt.step(closure) per step), the closure giving the
          surface's float32 value and analytic gradient.

Also generates tests/fixtures/optimizer_groups.json: parameter groups (the 7
parameters cut into tensors of the given sizes, one param group each, every
group overriding options of its own) for every optimizer that takes groups,
ASGD (with its averaged parameters ax), and the values PyTorch accepts that
steplab once refused (lr 0, eps 0); each case records the parameters, each
group's lr after every step, and ASGD's ax.

Rerun from the repository root with Debian's PyTorch:

    /usr/bin/python3 tests/gen/optimizers.py
"""
import json
import math
import os
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.filterwarnings('ignore')
torch.set_default_dtype(torch.float32)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'optimizers.json')
N, STEPS, TRACE_STEPS = 7, 50, 200

g = torch.Generator().manual_seed(20240607)
params0 = torch.randn(N, generator=g)
grads = torch.randn(STEPS, N, generator=g)
# a few gradients far from 1 in size, and a parameter whose gradient keeps its sign
grads[:, 0] = grads[:, 0].abs() * 0.5
grads[10:20] *= 5.0
grads[30:35] *= 0.01

CLASSES = {
    'SGD': torch.optim.SGD, 'Adagrad': torch.optim.Adagrad, 'RMSprop': torch.optim.RMSprop,
    'Adadelta': torch.optim.Adadelta, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW,
    'Adamax': torch.optim.Adamax, 'NAdam': torch.optim.NAdam, 'RAdam': torch.optim.RAdam,
    'Rprop': torch.optim.Rprop, 'LBFGS': torch.optim.LBFGS, 'ASGD': torch.optim.ASGD,
}
SCHEDULERS = {
    'LambdaLR': S.LambdaLR, 'ReduceLROnPlateau': S.ReduceLROnPlateau, 'StepLR': S.StepLR, 'CyclicLR': S.CyclicLR, 'OneCycleLR': S.OneCycleLR, 'CosineAnnealingLR': S.CosineAnnealingLR,
    'ExponentialLR': S.ExponentialLR, 'LinearLR': S.LinearLR,
}

REPLAY = [
    ('SGD', {'lr': 0.1}),
    ('SGD', {'lr': 0.05, 'momentum': 0.9}),
    ('SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.5}),
    ('SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}),
    ('SGD', {'lr': 0.05, 'momentum': 0.8, 'weight_decay': 0.1}),
    ('SGD', {'lr': 0.1, 'maximize': True}),
    ('SGD', {'lr': 0.02, 'momentum': 0.95, 'nesterov': True, 'weight_decay': 0.01, 'maximize': True}),
    ('Adagrad', {}),
    ('Adagrad', {'lr': 0.1, 'lr_decay': 0.01}),
    ('Adagrad', {'lr': 0.1, 'weight_decay': 0.1}),
    ('Adagrad', {'lr': 0.1, 'initial_accumulator_value': 0.5, 'eps': 1e-6}),
    ('Adagrad', {'lr': 0.1, 'maximize': True}),
    ('RMSprop', {}),
    ('RMSprop', {'lr': 0.01, 'centered': True}),
    ('RMSprop', {'lr': 0.01, 'momentum': 0.9}),
    ('RMSprop', {'lr': 0.01, 'centered': True, 'momentum': 0.9}),
    ('RMSprop', {'lr': 0.01, 'alpha': 0.9, 'weight_decay': 0.1, 'eps': 1e-6}),
    ('RMSprop', {'lr': 0.01, 'maximize': True, 'centered': True, 'momentum': 0.5}),
    ('Adadelta', {}),
    ('Adadelta', {'rho': 0.5, 'eps': 1e-4}),
    ('Adadelta', {'lr': 0.5, 'weight_decay': 0.1}),
    ('Adadelta', {'maximize': True}),
    ('Adam', {}),
    ('Adam', {'lr': 0.01, 'amsgrad': True}),
    ('Adam', {'lr': 0.01, 'weight_decay': 0.1}),
    ('Adam', {'lr': 0.01, 'betas': [0.5, 0.9]}),
    ('Adam', {'lr': 0.01, 'maximize': True}),
    ('Adam', {'lr': 0.01, 'amsgrad': True, 'weight_decay': 0.05, 'maximize': True, 'eps': 1e-6}),
    ('AdamW', {}),
    ('AdamW', {'lr': 0.01, 'amsgrad': True}),
    ('AdamW', {'lr': 0.01, 'weight_decay': 0.5}),
    ('AdamW', {'lr': 0.01, 'maximize': True, 'betas': [0.8, 0.99]}),
    ('Adamax', {}),
    ('Adamax', {'lr': 0.01, 'weight_decay': 0.1}),
    ('Adamax', {'lr': 0.01, 'betas': [0.8, 0.99], 'eps': 1e-4}),
    ('Adamax', {'lr': 0.01, 'maximize': True}),
    ('NAdam', {}),
    ('NAdam', {'lr': 0.01, 'momentum_decay': 0.01}),
    ('NAdam', {'lr': 0.01, 'weight_decay': 0.1}),
    ('NAdam', {'lr': 0.01, 'betas': [0.8, 0.99]}),
    ('RAdam', {}),
    ('RAdam', {'lr': 0.01, 'weight_decay': 0.1}),
    ('RAdam', {'lr': 0.01, 'betas': [0.9, 0.9]}),
    ('Rprop', {}),
    ('Rprop', {'lr': 0.1, 'etas': [0.3, 1.5], 'step_sizes': [1e-3, 1]}),
    ('Rprop', {'lr': 0.01, 'maximize': True}),
    # with a scheduler attached (stepped after each optimizer step)
    ('SGD', {'lr': 0.1, 'momentum': 0.9, 'scheduler': {'type': 'StepLR', 'step_size': 10, 'gamma': 0.5}}),
    ('SGD', {'lr': 0.1, 'momentum': 0.9, 'scheduler': {'type': 'OneCycleLR', 'max_lr': 0.5, 'total_steps': 60}}),
    ('SGD', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True,
             'scheduler': {'type': 'CyclicLR', 'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 10}}),
    ('RMSprop', {'lr': 0.01, 'momentum': 0.9,
                 'scheduler': {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': 0.01, 'step_size_up': 7}}),
    ('Adam', {'lr': 0.01, 'scheduler': {'type': 'OneCycleLR', 'max_lr': 0.05, 'total_steps': 50, 'three_phase': True}}),
    ('AdamW', {'lr': 0.01, 'scheduler': {'type': 'CosineAnnealingLR', 'T_max': 20}}),
    ('NAdam', {'lr': 0.01, 'scheduler': {'type': 'CyclicLR', 'base_lr': 0.001, 'max_lr': 0.01, 'step_size_up': 5,
                                         'cycle_momentum': False}}),
    ('RAdam', {'lr': 0.01, 'scheduler': {'type': 'OneCycleLR', 'max_lr': 0.02, 'total_steps': 55}}),
    ('Adagrad', {'lr': 0.1, 'scheduler': {'type': 'ExponentialLR', 'gamma': 0.95}}),
    ('Rprop', {'lr': 0.01, 'scheduler': {'type': 'LinearLR', 'start_factor': 0.5, 'total_iters': 10}}),
]


def f32(v):
    """a float32 value as the shortest decimal that reads back to it (9 significant digits suffice)"""
    v = float(v)
    for digits in range(6, 10):
        t = float('%.*g' % (digits, v))
        if torch.tensor(t, dtype=torch.float32).item() == v:
            return t
    return v


def torch_kwargs(name, opts):
    kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in opts.items() if k != 'scheduler'}
    if name != 'LBFGS':
        kw['foreach'] = False
    return kw


def attach(opt, spec):
    if spec is None:
        return None
    kw = {k: v for k, v in spec.items() if k != 'type'}
    return SCHEDULERS[spec['type']](opt, **kw)


def replay(name, opts):
    p = params0.clone().requires_grad_(True)
    opt = CLASSES[name]([p], **torch_kwargs(name, opts))
    sched = attach(opt, opts.get('scheduler'))
    out = []
    for k in range(STEPS):
        p.grad = grads[k].clone()
        opt.step()
        if sched is not None:
            sched.step()
        out.append([f32(v) for v in p.detach()])
    return out


# ---- surfaces: value and gradient written as steplab's C writes them, in
# float32 tensor operations of the same order, so that both sides see the same
# gradient bits (autograd's own order differs in the last bit, which chaotic
# runs such as LBFGS on rosenbrock amplify far beyond any tolerance) ----

def rosenbrock(x, y, a=1.0, b=100.0):
    u, v = a - x, y - x * x
    return u * u + b * (v * v), (-2.0 * u - 4.0 * b * x * v, 2.0 * b * v)


def beale(x, y):
    xy = x * y
    xy2 = xy * y
    xy3 = xy2 * y
    t1, t2, t3 = 1.5 - x + xy, 2.25 - x + xy2, 2.625 - x + xy3
    f = t1 * t1 + t2 * t2 + t3 * t3
    gx = 2.0 * (t1 * (y - 1.0) + t2 * (y * y - 1.0) + t3 * (y * y * y - 1.0))
    gy = 2.0 * (t1 * x + t2 * (2.0 * xy) + t3 * (3.0 * xy * y))
    return f, (gx, gy)


def quadratic(x, y, a=1.0, b=10.0):
    return 0.5 * (a * (x * x) + b * (y * y)), (a * x, b * y)


SURFACES = {'rosenbrock': rosenbrock, 'beale': beale, 'quadratic': quadratic}
STARTS = {'rosenbrock': [-1.5, 2.0], 'beale': [1.0, 1.5], 'quadratic': [-4.0, 1.0]}
TRACE_OPTS = {
    'rosenbrock': [('SGD', {'lr': 1e-3, 'momentum': 0.9}), ('Adam', {'lr': 0.05}),
                   ('LBFGS', {'lr': 0.1, 'max_iter': 2}), ('LBFGS', {'line_search_fn': 'strong_wolfe', 'max_iter': 2})],
    'beale': [('SGD', {'lr': 1e-3, 'momentum': 0.9}), ('Adam', {'lr': 0.02}),
              ('LBFGS', {'lr': 0.1, 'max_iter': 2}), ('LBFGS', {'line_search_fn': 'strong_wolfe', 'max_iter': 2})],
    'quadratic': [('SGD', {'lr': 0.05, 'momentum': 0.9}), ('Adam', {'lr': 0.1}),
                  ('LBFGS', {'lr': 0.5, 'max_iter': 1}), ('LBFGS', {'line_search_fn': 'strong_wolfe', 'max_iter': 1}),
                  ('LBFGS', {}),
                  ('Adam', {'lr': 0.3, 'scheduler': {'type': 'StepLR', 'step_size': 25, 'gamma': 0.5}})],
}
# with a scheduler: OneCycleLR also cycles SGD's momentum
TRACE_OPTS['rosenbrock'].append(('SGD', {'lr': 1e-4, 'momentum': 0.9,
                                         'scheduler': {'type': 'OneCycleLR', 'max_lr': 2e-3, 'total_steps': 200}}))


def trace(fn, name, opts):
    xy = torch.tensor(STARTS[fn], dtype=torch.float32, requires_grad=True)
    opt = CLASSES[name]([xy], **torch_kwargs(name, opts))
    sched = attach(opt, opts.get('scheduler'))
    f = SURFACES[fn]
    evals = [0]

    def closure():
        with torch.no_grad():
            loss, (gx, gy) = f(xy[0].clone(), xy[1].clone())
            analytic = torch.stack([gx, gy]).clone()
        # the analytic gradient is the function's gradient: autograd agrees to float32 rounding
        with torch.enable_grad():
            leaf = xy.detach().clone().requires_grad_(True)
            f(leaf[0], leaf[1])[0].backward()
        scale = float(leaf.grad.abs().max()) + 1e-30
        assert float((leaf.grad - analytic).abs().max()) <= 1e-5 * scale, (fn, leaf.grad, analytic)
        xy.grad = analytic
        evals[0] += 1
        return loss

    def value():
        with torch.no_grad():
            return f(xy[0].clone(), xy[1].clone())[0]

    xs, ys, losses, ev, lrs = [f32(xy[0])], [f32(xy[1])], [f32(value())], [], []
    for _ in range(TRACE_STEPS):
        lrs.append(opt.param_groups[0]['lr'])
        evals[0] = 0
        opt.step(closure)
        if sched is not None:
            sched.step()
        ev.append(evals[0])
        xs.append(f32(xy[0]))
        ys.append(f32(xy[1]))
        losses.append(f32(value()))
    lrs.append(opt.param_groups[0]['lr'])
    return xs, ys, losses, ev, lrs


# ---- LBFGS on a 7-D function through a closure, as lab.createOptimizer().step(params, closure) runs it:
# f(x) = sum_i w_i (d_i^2 + d_i^4 / 4), d = x - c, in float32, gradient w (2 d + d^3) ----
W = torch.arange(1, N + 1, dtype=torch.float32)
C = (params0 * 0.5).clone()
LBFGS_CLOSURE = [{'max_iter': 3}, {'max_iter': 3, 'line_search_fn': 'strong_wolfe', 'history_size': 3}, {'lr': 0.3, 'max_iter': 1}]


def lbfgs_closure(opts, steps=20):
    x = params0.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([x], **opts)

    def closure():
        with torch.no_grad():
            d = x - C
            d2 = d * d
            loss = torch.sum(W * (d2 + d2 * d2 / 4.0))
            x.grad = W * (2.0 * d + d2 * d)
        return loss

    out = []
    for _ in range(steps):
        opt.step(closure)
        out.append([f32(v) for v in x.detach()])
    return out


# ---- parameter groups, ASGD, and values PyTorch accepts (optimizer_groups.json) ----
GROUPS_OUT = os.path.join(ROOT, 'tests', 'fixtures', 'optimizer_groups.json')
LAMBDAS = {'0.9 ^ epoch': lambda e: 0.9 ** e, 'epoch < 5 ? (epoch + 1) / 5 : 1': lambda e: (e + 1) / 5 if e < 5 else 1}
GROUP_REPLAY = [
    ('SGD', [3, 4], {'lr': 0.1, 'momentum': 0.9}, [{'lr': 0.01}, {'weight_decay': 0.1}]),
    ('SGD', [2, 5], {'lr': 0.05}, [{'momentum': 0.9, 'nesterov': True}, {'momentum': 0.5, 'dampening': 0.5, 'maximize': True}]),
    ('SGD', [3, 4], {'lr': 0.1, 'momentum': 0.9}, [{'lr': 0}, {}]),
    ('Adagrad', [3, 4], {'lr': 0.1, 'initial_accumulator_value': 0.3}, [{'lr_decay': 0.01}, {'weight_decay': 0.1, 'eps': 1e-6}]),
    ('RMSprop', [4, 3], {'lr': 0.01}, [{'centered': True, 'momentum': 0.9}, {'alpha': 0.9, 'weight_decay': 0.1}]),
    ('Adadelta', [3, 4], {}, [{'rho': 0.5, 'lr': 0.5}, {'eps': 1e-4, 'maximize': True}]),
    ('Adam', [3, 4], {'lr': 0.01}, [{'betas': [0.5, 0.9]}, {'amsgrad': True, 'weight_decay': 0.05, 'lr': 0.002}]),
    ('AdamW', [3, 4], {'lr': 0.01}, [{'weight_decay': 0.5}, {'amsgrad': True, 'eps': 1e-6}]),
    ('Adamax', [3, 4], {'lr': 0.01}, [{'betas': [0.8, 0.99]}, {'weight_decay': 0.1}]),
    ('NAdam', [3, 4], {'lr': 0.01}, [{'momentum_decay': 0.01}, {'betas': [0.8, 0.99], 'weight_decay': 0.1}]),
    ('RAdam', [3, 4], {'lr': 0.01}, [{'betas': [0.9, 0.9]}, {'weight_decay': 0.1, 'lr': 0.05}]),
    ('Rprop', [3, 4], {'lr': 0.01}, [{'etas': [0.3, 1.5], 'step_sizes': [1e-3, 1]}, {'lr': 0.1, 'maximize': True}]),
    ('ASGD', [3, 4], {'lr': 0.05, 't0': 10}, [{'lambd': 0.01, 'alpha': 0.5}, {'weight_decay': 0.1, 't0': 20, 'lr': 0.02}]),
    ('Adam', [1, 2, 4], {'lr': 0.01}, [{'lr': 0.1}, {}, {'lr': 0.001, 'maximize': True}]),
    # with a scheduler driving every group
    ('SGD', [3, 4], {'lr': 0.1, 'momentum': 0.9, 'scheduler': {'type': 'OneCycleLR', 'max_lr': [0.5, 0.05], 'total_steps': 60}},
     [{}, {'lr': 0.01}]),
    ('SGD', [3, 4], {'lr': 0.1, 'momentum': 0.9, 'scheduler': {'type': 'CyclicLR', 'base_lr': [0.01, 0.001], 'max_lr': [0.1, 0.02],
                                                               'step_size_up': 5, 'max_momentum': [0.9, 0.95]}},
     [{}, {'lr': 0.01}]),
    ('Adam', [3, 4], {'lr': 0.01, 'scheduler': {'type': 'LambdaLR', 'lr_lambda': ['0.9 ^ epoch', 'epoch < 5 ? (epoch + 1) / 5 : 1']}},
     [{}, {'lr': 0.05}]),
    ('Adam', [3, 4], {'lr': 0.01, 'scheduler': {'type': 'StepLR', 'step_size': 10, 'gamma': 0.5}}, [{'lr': 0.1}, {}]),
    ('ASGD', [3, 4], {'lr': 0.05, 't0': 5, 'scheduler': {'type': 'CosineAnnealingLR', 'T_max': 20}}, [{}, {'lr': 0.01}]),
]
ASGD_REPLAY = [
    {}, {'lr': 0.05, 't0': 10}, {'lr': 0.05, 't0': 0, 'lambd': 0.01, 'alpha': 0.5}, {'lr': 0.02, 't0': 25, 'weight_decay': 0.1},
    {'lr': 0.05, 't0': 10, 'maximize': True}, {'lr': 0.1, 'lambd': 0, 't0': 3},
    {'lr': 0.05, 't0': 10, 'scheduler': {'type': 'StepLR', 'step_size': 10, 'gamma': 0.5}},
]
ZERO_REPLAY = [
    ('SGD', {'lr': 0}), ('Adam', {'lr': 0}), ('Adam', {'lr': 0.01, 'eps': 0}), ('AdamW', {'lr': 0.01, 'eps': 0}),
    ('Adagrad', {'lr': 0.1, 'eps': 0}), ('RMSprop', {'lr': 0.01, 'eps': 0}), ('Adadelta', {'eps': 0}), ('Adamax', {'lr': 0.01, 'eps': 0}),
    ('NAdam', {'lr': 0.01, 'eps': 0}), ('RAdam', {'lr': 0.01, 'eps': 0}), ('Rprop', {'lr': 0}), ('ASGD', {'lr': 0}),
]


def attach_groups(opt, spec):
    if spec is None:
        return None
    kw = {k: v for k, v in spec.items() if k != 'type'}
    if spec['type'] == 'LambdaLR':
        f = kw['lr_lambda']
        kw['lr_lambda'] = [LAMBDAS[x] for x in f] if isinstance(f, list) else LAMBDAS[f]
    return SCHEDULERS[spec['type']](opt, **kw)


def replay_groups(name, sizes, opts, groups):
    flat = params0.clone()
    ps, at = [], 0
    for n in sizes:
        ps.append(flat[at:at + n].clone().requires_grad_(True))
        at += n
    entries = [{'params': [p], **{k: (tuple(v) if isinstance(v, list) else v) for k, v in g.items()}} for p, g in zip(ps, groups)]
    opt = CLASSES[name](entries, **torch_kwargs(name, opts))
    sched = attach_groups(opt, opts.get('scheduler'))
    out, lrs, axs = [], [], []
    for k in range(STEPS):
        at = 0
        for p, n in zip(ps, sizes):
            p.grad = grads[k][at:at + n].clone()
            at += n
        opt.step()
        if sched is not None:
            sched.step()
        out.append([f32(v) for p in ps for v in p.detach()])
        lrs.append([float(g['lr']) for g in opt.param_groups])
        if name == 'ASGD':
            axs.append([f32(v) for p in ps for v in opt.state[p]['ax']])
    return out, lrs, axs


def groups_doc():
    cases = []
    for name, sizes, opts, groups in GROUP_REPLAY:
        spec = {'type': name, **opts, 'param_groups': groups}
        params, lrs, axs = replay_groups(name, sizes, opts, groups)
        c = {'label': f'{name} groups {sizes} ' + json.dumps(spec, sort_keys=True), 'spec': spec, 'sizes': sizes, 'params': params, 'lrs': lrs}
        if axs:
            c['ax'] = axs
        cases.append(c)
    for name, opts in [('ASGD', o) for o in ASGD_REPLAY] + ZERO_REPLAY:
        params, lrs, axs = replay_groups(name, [N], opts, [{}])
        spec = {'type': name, **opts}
        c = {'label': f'{name} ' + json.dumps(opts, sort_keys=True), 'spec': spec, 'sizes': [N], 'params': params, 'lrs': lrs}
        if axs:
            c['ax'] = axs
        cases.append(c)
    for c in cases:
        assert all(math.isfinite(v) for row in c['params'] for v in row), c['label']
    return {'torch': torch.__version__, 'n': N, 'steps': STEPS, 'note': 'params0 and grads are those of optimizers.json', 'cases': cases}


def main():
    cases = []
    for name, opts in REPLAY:
        spec = {'type': name, **opts}
        label = name + ' ' + json.dumps(opts, sort_keys=True)
        cases.append({'label': label, 'spec': spec, 'params': replay(name, opts)})
    traces = []
    for fn, lst in TRACE_OPTS.items():
        for name, opts in lst:
            xs, ys, losses, ev, lrs = trace(fn, name, opts)
            traces.append({'label': f'{fn} {name} {json.dumps(opts, sort_keys=True)}', 'fn': fn, 'start': STARTS[fn],
                           'optimizer': {'type': name, **opts}, 'steps': TRACE_STEPS,
                           'x': xs, 'y': ys, 'loss': losses, 'evals': ev, 'lr': lrs})
    lbfgs = [{'label': 'LBFGS ' + json.dumps(o, sort_keys=True), 'spec': {'type': 'LBFGS', **o}, 'params': lbfgs_closure(o)}
             for o in LBFGS_CLOSURE]
    doc = {
        'torch': torch.__version__,
        'n': N,
        'steps': STEPS,
        'params0': [f32(v) for v in params0],
        'grads': [[f32(v) for v in row] for row in grads],
        'cases': cases,
        'traces': traces,
        'lbfgs_closure': {'w': [f32(v) for v in W], 'c': [f32(v) for v in C], 'cases': lbfgs},
    }
    with open(OUT, 'w') as fh:
        json.dump(doc, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'wrote {OUT}: {len(cases)} replay cases, {len(traces)} traces')
    gdoc = groups_doc()
    with open(GROUPS_OUT, 'w') as fh:
        json.dump(gdoc, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'wrote {GROUPS_OUT}: {len(gdoc["cases"])} cases')


if __name__ == '__main__':
    main()
