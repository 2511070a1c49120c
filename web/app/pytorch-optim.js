// Python for the optimizers steplab has and torch.optim lacks, as the core computes them
// (c/optimizers/step.c), for the Training room's script: LARS (You, Gitman & Ginsburg 2017,
// Algorithm 1) with a trust ratio per tensor, as the trainer takes it, and SWATS (Keskar &
// Socher 2017, Algorithm 1) per parameter group. Each is a torch.optim.Optimizer subclass the
// script defines before it builds the optimizer; optimizerClass(type) is its lines, or null.
// In the script, LARS's lars_exclude is True (all of a group's tensors), 'biases' (the
// optimizer-level option of a trainer config) or False.

const LARS = [
  '# LARS (You, Gitman & Ginsburg 2017, Algorithm 1; not in torch.optim), per tensor as steplab\'s trainer:',
  '# local rate eta ||w|| / (||grad|| + beta ||w||) from the weights before the step (1 for zero norms and',
  '# excluded tensors), then v = m v + lr * rate * (grad + beta w), w -= v',
  'class LARS(torch.optim.Optimizer):',
  '    def __init__(self, params, lr=1.0, momentum=0.9, weight_decay=0.0, trust_coefficient=0.001, lars_exclude=False):',
  '        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,',
  '                                      trust_coefficient=trust_coefficient, lars_exclude=lars_exclude))',
  '',
  '    @torch.no_grad()',
  '    def step(self):',
  '        for g in self.param_groups:',
  "            beta = g['weight_decay']",
  "            for p in g['params']:",
  "                excluded = g['lars_exclude'] is True or (g['lars_exclude'] == 'biases' and p.dim() == 1)",
  '                w, d = float(p.norm()), float(p.grad.norm())',
  "                rate = 1.0 if excluded or w == 0 or d == 0 else g['trust_coefficient'] * w / (d + beta * w)",
  "                v = self.state[p].setdefault('v', torch.zeros_like(p))",
  "                v.mul_(g['momentum']).add_(p.grad + beta * p, alpha=g['lr'] * rate)",
  '                p.sub_(v)',
];

const SWATS = [
  '# SWATS (Keskar & Socher 2017, Algorithm 1; not in torch.optim), per parameter group as steplab: Adam until',
  '# the projected rate gamma = p.p / -p.g, averaged as lam, settles (k > 1, lam > 0, |lam / (1 - beta2^k) - gamma| < eps),',
  '# then SGD with momentum beta1 at Lambda = lam / (1 - beta2^k), scaled by later lrs over the lr at the switch',
  'class SWATS(torch.optim.Optimizer):',
  '    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-9):',
  '        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))',
  '',
  '    @torch.no_grad()',
  '    def step(self):',
  '        for g in self.param_groups:',
  "            b1, b2 = g['betas']",
  "            g['k'] = k = g.get('k', 0) + 1",
  "            if g.get('switched'):",
  "                rate = (1 - b1) * g['Lambda'] * (g['lr'] / g['lr_at_switch'] if g['lr_at_switch'] > 0 else 1)",
  "                for p in g['params']:",
  "                    v = self.state[p].get('v')",
  "                    self.state[p]['v'] = v = p.grad.clone() if v is None else v.mul_(b1).add_(p.grad)",
  '                    p.sub_(rate * v)',
  '                continue',
  '            bc1, bc2 = 1 - b1 ** k, 1 - b2 ** k',
  '            pp = pg = 0.0',
  "            for p in g['params']:",
  '                st = self.state[p]',
  "                m, a = st.setdefault('m', torch.zeros_like(p)), st.setdefault('a', torch.zeros_like(p))",
  '                m.mul_(b1).add_(p.grad, alpha=1 - b1)',
  '                a.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)',
  "                step = -g['lr'] * math.sqrt(bc2) / bc1 * m / (a.sqrt() + g['eps'])",
  '                p.add_(step)',
  '                pp, pg = pp + float((step * step).sum()), pg + float((step * p.grad).sum())',
  '            if pg == 0:',
  '                continue',
  '            gamma = pp / -pg',
  "            g['lam'] = lam = b2 * g.get('lam', 0.0) + (1 - b2) * gamma",
  "            if k > 1 and lam > 0 and abs(lam / bc2 - gamma) < g['eps']:",
  "                g.update(switched=True, switch_step=k, Lambda=lam / bc2, lr_at_switch=g['lr'])",
  "                print(f'SWATS: a group switches to SGD at step {k}, lr {lam / bc2:.6g}')",
];

const CLASSES = { LARS, SWATS };

/** The Python class of an optimizer torch.optim lacks, as lines, or null. */
export const optimizerClass = (type) => (Object.hasOwn(CLASSES, type) ? [...CLASSES[type], ''] : null);
