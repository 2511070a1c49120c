"""Reference values for steplab's LARS and SWATS, from the papers' equations.

Neither rule is in PyTorch 1.13, so there is nothing to record from it: this
script computes both from the papers' Algorithm 1 in plain Python float64
(no NumPy, no PyTorch, no other implementation), and writes
tests/fixtures/lars_swats.json. steplab's kernels work in float32, so the test
compares with a tolerance; the switch steps of SWATS must agree exactly (the
cases are chosen with a clear margin).

LARS: You, Gitman & Ginsburg 2017, "Large Batch Training of Convolutional
Networks", Algorithm 1 (and eq. 6 for the local rate), per layer l (here: per
parameter group), with global rate gamma_t (the group's lr at step t, which a
scheduler may set), momentum m, weight decay beta and trust coefficient eta:
    lambda^l = eta * ||w^l|| / (||g^l|| + beta * ||w^l||)
    v^l <- m * v^l + gamma_t * lambda^l * (g^l + beta * w^l)
    w^l <- w^l - v^l
with lambda^l = 1 when ||w^l|| = 0 or ||g^l|| = 0 (nothing to scale by) and for
a group marked lars_exclude (biases and norms, as common implementations do).

SWATS: Keskar & Socher 2017, "Improving Generalization Performance by Switching
from Adam to SGD", Algorithm 1, per parameter group (one group is the
algorithm as written, over the whole vector):
    Adam phase, k = 1, 2, ...:
        m_k = beta1 m + (1 - beta1) g_k;  a_k = beta2 a + (1 - beta2) g_k^2
        p_k = -alpha * sqrt(1 - beta2^k) / (1 - beta1^k) * m_k / (sqrt(a_k) + eps)
        x_k = x + p_k
        if p_k . g_k != 0:
            gamma_k = (p_k . p_k) / (-p_k . g_k)
            lambda_k = beta2 lambda + (1 - beta2) gamma_k
            if k > 1 and lambda_k > 0 and |lambda_k / (1 - beta2^k) - gamma_k| < eps:
                switch; Lambda = lambda_k / (1 - beta2^k); v = 0
    SGD phase:  v_k = beta1 v + g_k;  x_k = x - (1 - beta1) Lambda v_k
(lambda_k > 0 is steplab's addition, so that the SGD rate is positive.)

Rerun from the repository root with any Python 3:

    python3 tests/gen/lars_swats.py
"""
import json
import math
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'lars_swats.json')
with open(os.path.join(ROOT, 'tests', 'fixtures', 'optimizers.json')) as fh:
    OPT = json.load(fh)
PARAMS0, GRADS = OPT['params0'], OPT['grads']


def norm(v):
    return math.sqrt(sum(x * x for x in v))


def slices(sizes):
    at = 0
    for n in sizes:
        yield at, n
        at += n


def lars(sizes, defaults, groups, steps, lr_at=None, params0=None):
    """Parameters after each step and each group's local rate of each step; lr_at(t, lr0) is a schedule."""
    w = list(params0 if params0 is not None else PARAMS0)
    v = [0.0] * len(w)
    out, ratios = [], []
    for t in range(steps):
        g = GRADS[t]
        row = []
        for (at, n), over in zip(slices(sizes), groups):
            o = {'lr': 1.0, 'momentum': 0.9, 'weight_decay': 0.0, 'trust_coefficient': 1e-3, 'lars_exclude': False, **defaults, **over}
            gamma = o['lr'] if lr_at is None else lr_at(t, o['lr'])
            wl, gl, beta = w[at:at + n], g[at:at + n], o['weight_decay']
            nw, ng = norm(wl), norm(gl)
            lam = 1.0 if o['lars_exclude'] or nw == 0 or ng == 0 else o['trust_coefficient'] * nw / (ng + beta * nw)
            row.append(lam)
            for i in range(at, at + n):
                v[i] = o['momentum'] * v[i] + gamma * lam * (g[i] + beta * w[i])
                w[i] = w[i] - v[i]
        out.append(list(w))
        ratios.append(row)
    return out, ratios


def swats(sizes, defaults, groups, curv, target, steps, x0):
    """A bowl f = 1/2 sum c_i (x_i - t_i)^2 (gradient c_i (x_i - t_i)), each group its own Algorithm 1."""
    x = list(x0)
    st = []
    for over in groups:
        o = {'lr': 1e-3, 'betas': [0.9, 0.999], 'eps': 1e-9, **defaults, **over}
        st.append({'o': o, 'm': None, 'a': None, 'v': None, 'lam': 0.0, 'sgd': False, 'k_switch': None, 'Lambda': None})
    out = []
    for k in range(1, steps + 1):
        g = [c * (xi - ti) for c, xi, ti in zip(curv, x, target)]
        for (at, n), s in zip(slices(sizes), st):
            o = s['o']
            b1, b2, eps, alpha = o['betas'][0], o['betas'][1], o['eps'], o['lr']
            gl = g[at:at + n]
            if s['sgd']:
                s['v'] = [b1 * vi + gi for vi, gi in zip(s['v'], gl)]
                for i in range(n):
                    x[at + i] -= (1 - b1) * s['Lambda'] * s['v'][i]
                continue
            if s['m'] is None:
                s['m'], s['a'] = [0.0] * n, [0.0] * n
            s['m'] = [b1 * mi + (1 - b1) * gi for mi, gi in zip(s['m'], gl)]
            s['a'] = [b2 * ai + (1 - b2) * gi * gi for ai, gi in zip(s['a'], gl)]
            step = -alpha * math.sqrt(1 - b2 ** k) / (1 - b1 ** k)
            p = [step * mi / (math.sqrt(ai) + eps) for mi, ai in zip(s['m'], s['a'])]
            for i in range(n):
                x[at + i] += p[i]
            pg = sum(pi * gi for pi, gi in zip(p, gl))
            if pg != 0:
                gamma = sum(pi * pi for pi in p) / -pg
                s['lam'] = b2 * s['lam'] + (1 - b2) * gamma
                est = s['lam'] / (1 - b2 ** k)
                if k > 1 and s['lam'] > 0 and abs(est - gamma) < eps:
                    s['sgd'], s['k_switch'], s['Lambda'], s['v'] = True, k, est, [0.0] * n
                    s['margin'] = eps - abs(est - gamma)
        out.append(list(x))
    return out, [{'step': s['k_switch'], 'lr': s['Lambda']} for s in st]


def main():
    cases = []
    for label, sizes, defaults, groups, sched in [
            ('one group, the paper\'s defaults', [7], {'lr': 2.0}, [{}], None),
            ('two groups, weight decay, an excluded group', [3, 4], {'lr': 1.0, 'weight_decay': 0.01},
             [{'trust_coefficient': 0.02}, {'lars_exclude': True, 'weight_decay': 0, 'lr': 0.01}], None),
            ('three groups, no momentum, eta 0.1', [2, 2, 3], {'lr': 0.5, 'momentum': 0, 'trust_coefficient': 0.1},
             [{}, {'weight_decay': 0.1}, {'lr': 0.05}], None),
            ('the paper\'s polynomial decay gamma_0 (1 - t / T)^2', [3, 4], {'lr': 4.0, 'weight_decay': 5e-4},
             [{}, {}], {'type': 'PolynomialLR', 'total_iters': 50, 'power': 2})]:
        lr_at = (lambda t, lr0: lr0 * (1 - t / 50) ** 2) if sched else None
        params, ratios = lars(sizes, defaults, groups, 30, lr_at)
        spec = {'type': 'LARS', **defaults, 'param_groups': groups}
        if sched:
            spec['scheduler'] = sched
        cases.append({'label': 'LARS ' + label, 'spec': spec, 'sizes': sizes, 'params': params, 'trust_ratios': ratios})
    zero = [0.0, 0.0, 0.0] + PARAMS0[3:]
    params, ratios = lars([3, 4], {'lr': 1.0}, [{}, {}], 5, None, zero)
    cases.append({'label': 'LARS a group of zero weights takes trust ratio 1', 'spec': {'type': 'LARS', 'lr': 1.0,
                  'param_groups': [{}, {}]}, 'sizes': [3, 4], 'params0': zero, 'params': params, 'trust_ratios': ratios})
    bowls = []
    curv = [1.0, 3.0, 0.5, 2.0, 10.0, 0.2, 1.5]
    target = [0.5, -1.0, 2.0, 0.0, 0.3, -0.7, 1.0]
    for label, sizes, defaults, groups, steps in [
            ('one group, eps 1e-3', [7], {'lr': 0.05, 'eps': 1e-3}, [{}], 400),
            ('one group, betas [0.9, 0.99], eps 1e-3: a late switch', [7], {'lr': 0.1, 'betas': [0.9, 0.99], 'eps': 1e-3}, [{}], 400),
            ('two groups switching at different steps', [3, 4], {'lr': 0.1, 'betas': [0.9, 0.99], 'eps': 1e-3},
             [{}, {'lr': 0.05}], 400),
            ('the paper\'s eps 1e-9 never switches here', [7], {'lr': 0.05}, [{}], 300)]:
        params, switches = swats(sizes, defaults, groups, curv, target, steps, PARAMS0)
        bowls.append({'label': 'SWATS ' + label, 'spec': {'type': 'SWATS', **defaults, 'param_groups': groups}, 'sizes': sizes,
                      'steps': steps, 'params': params, 'switches': switches})
    doc = {'generator': 'tests/gen/lars_swats.py (the papers\' Algorithm 1 in float64; not PyTorch)',
           'lars': cases, 'swats': {'curvature': curv, 'target': target, 'cases': bowls}}
    with open(OUT, 'w') as fh:
        json.dump(doc, fh, separators=(',', ':'))
        fh.write('\n')
    for b in bowls:
        print(b['label'], b['switches'])


if __name__ == '__main__':
    main()
