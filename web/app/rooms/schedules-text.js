// What each scheduler does, in the lab's words, with its rule as MathML.
// These strings are the project's own constants (never data from outside).

import { mi, mn, mo, row, sub, sup, frac, paren, math } from '../../shared/mathml.js';
import { schedulerLines, py } from '../pytorch.js';

const eta = (s) => sub(mi('η'), s);
const et = eta(mi('t'));
const e0 = eta(mn('0'));
const floor = (...xs) => row(mo('⌊'), ...xs, mo('⌋'));
const cosine = (num, den) => row(mn('1'), mo('+'), mi('cos'), paren(frac(row(mi('π'), num), den)));

export const SCHEDULE_TEXT = {
  StepLR: ['Multiply the rate by γ every step_size epochs: the classic ResNet recipe is ×0.1 every 30 epochs. Simple, and the loss often jumps down at each drop.',
    math(et, mo('='), e0, mo('·'), sup(mi('γ'), floor(mi('t'), mo('/'), mi('s')))) ],
  MultiStepLR: ['Multiply by γ at each milestone you list, for hand-tuned drops late in training.',
    math(et, mo('='), e0, mo('·'), sup(mi('γ'), row(mo('#'), paren(mi('m'), mo('≤'), mi('t'))))) ],
  ConstantLR: ['Scale the rate by a constant factor for the first total_iters steps, then restore it: a crude warm-up.',
    math(et, mo('='), e0, mo('·'), paren(mi('t'), mo('<'), mi('T'), mo('?'), mi('f'), mo(':'), mn('1'))) ],
  LinearLR: ['Ramp the factor linearly from start_factor to end_factor over total_iters steps: the usual linear warm-up.',
    math(et, mo('='), e0, mo('·'), paren(sub(mi('f'), mi('s')), mo('+'), paren(sub(mi('f'), mi('e')), mo('−'), sub(mi('f'), mi('s'))), mo('·'), frac(row(mi('min'), paren(mi('t'), mo(','), mi('T'))), mi('T')))) ],
  ExponentialLR: ['Multiply by γ every step: smooth, but easy to make too aggressive (γ = 0.99 halves the rate in 69 steps).',
    math(et, mo('='), e0, mo('·'), sup(mi('γ'), mi('t'))) ],
  PolynomialLR: ['Decay to zero at total_iters along a polynomial; power 1 is a straight line.',
    math(et, mo('='), e0, mo('·'), sup(paren(mn('1'), mo('−'), frac(row(mi('min'), paren(mi('t'), mo(','), mi('T'))), mi('T'))), mi('p'))) ],
  CosineAnnealingLR: ['Follow half a cosine from the initial rate to eta_min over T_max steps: a fast drop early and a slow landing. Only three numbers to choose. Past T_max PyTorch keeps going and the rate climbs back up.',
    math(et, mo('='), eta(row(mi('min'))), mo('+'), frac(mn('1'), mn('2')), paren(e0, mo('−'), eta(row(mi('min')))), paren(cosine(mi('t'), sub(mi('T'), row(mi('max')))))) ],
  CosineAnnealingWarmRestarts: ['Cosine annealing restarted every T_i steps, each period T_mult times longer (SGDR): the sawtooth can shake the model out of a poor region, and each restart gives a snapshot to ensemble.',
    math(et, mo('='), eta(row(mi('min'))), mo('+'), frac(mn('1'), mn('2')), paren(e0, mo('−'), eta(row(mi('min')))), paren(cosine(sub(mi('T'), row(mi('cur'))), sub(mi('T'), mi('i'))))) ],
  CyclicLR: ['Bounce between base_lr and max_lr (Smith\'s cyclical rates); triangular2 halves the amplitude every cycle, exp_range shrinks it by γ per step. Cycles of 2 to 10 epochs are typical.',
    math(et, mo('='), sub(mi('η'), row(mi('base'))), mo('+'), paren(sub(mi('η'), row(mi('max'))), mo('−'), sub(mi('η'), row(mi('base')))), mo('·'), mi('tri'), paren(mi('t')), mo('·'), mi('scale'))],
  OneCycleLR: ['One cycle up from max_lr/div_factor to max_lr and down far below the start ("super-convergence"). PyTorch\'s defaults (pct_start 0.3, two phases) differ from the fast.ai course\'s one-cycle.',
    math(et, mo(':'), frac(sub(mi('η'), row(mi('max'))), mi('d')), mo('↗'), sub(mi('η'), row(mi('max'))), mo('↘'), frac(sub(mi('η'), row(mi('max'))), row(mi('d'), mo('·'), sub(mi('d'), row(mi('final')))))) ],
  ReduceLROnPlateau: ['Watch the validation loss; after patience epochs without an improvement larger than threshold, multiply the rate by factor (then wait cooldown epochs). Performance-based rather than time-based.',
    math(eta(mi('t')), mo('←'), mi('max'), paren(eta(mi('t')), mo('·'), mi('factor'), mo(','), sub(mi('η'), row(mi('min')))))],
  SequentialLR: ['Run one scheduler, then the next from each milestone on: warm-up followed by cosine decay is the recipe of BERT, GPT and ViT training.',
    math(et, mo('='), row(mi('schedule'), sub(mi(''), mi('k')), paren(mi('t'), mo('−'), sub(mi('m'), mi('k'))))) ],
  ChainedScheduler: ['Step several schedulers together; each multiplies the rate the previous one left.',
    math(et, mo('='), e0, mo('·'), row(mo('∏'), sub(mi('f'), mi('k')), paren(mi('t')))) ],
  LambdaLR: ['The rate is the initial rate times your own formula in epoch, evaluated by the lab\'s safe formula parser.',
    math(et, mo('='), e0, mo('·'), mi('f'), paren(mi('t'))) ],
  MultiplicativeLR: ['At each step multiply the current rate by your formula\'s factor.',
    math(et, mo('='), eta(row(mi('t'), mo('−'), mn('1'))), mo('·'), mi('f'), paren(mi('t'))) ],
  InverseTimeDecay: ['The textbook 1/t decay: lr0/(1 + k·t). Not in PyTorch; the code box writes it as a LambdaLR.',
    math(et, mo('='), frac(e0, row(mn('1'), mo('+'), mi('k'), mo('·'), frac(mi('t'), mi('d'))))) ],
  ExponentialDecay: ['Keras\' exponential decay: the rate is multiplied by decay_rate every decay_steps steps, smoothly or as a staircase.',
    math(et, mo('='), e0, mo('·'), sup(mi('r'), row(mi('t'), mo('/'), mi('d')))) ],
  NaturalExpDecay: ['The continuous form lr0·e^(−k·t), e.g. lr0 = 1 and k = 0.05.',
    math(et, mo('='), e0, mo('·'), sup(mi('e'), row(mo('−'), mi('k'), mi('t'))))],
};

/**
 * Python for one scheduler spec inside a training loop of `epochs` epochs of `spe` batches, the
 * scheduler stepped once per epoch (interval 'epoch', its lengths counting epochs) or after every batch.
 */
export function scheduleCode(spec, { epochs, spe, interval }) {
  const lr = spec.lr ?? (spec.type === 'CyclicLR' ? spec.base_lr : 0.1);
  const plateau = spec.type === 'ReduceLROnPlateau';
  const step = plateau ? 'scheduler.step(val_loss)  # with the epoch\'s validation loss' : 'scheduler.step()';
  const lines = ['import math', 'import torch', '', 'model = torch.nn.Linear(2, 1)',
    `optimizer = torch.optim.SGD(model.parameters(), lr=${py(lr)}, momentum=0.9)`, ...schedulerLines(spec), '',
    `for epoch in range(${epochs}):`, `    for batch in range(${spe}):  # steps per epoch`,
    "        lr = optimizer.param_groups[0]['lr']  # the value plotted at this step",
    '        optimizer.step()  # after the forward and backward pass of the batch'];
  if (interval === 'step') lines.push(`        ${step}  # after every batch: the scheduler's lengths count batches`);
  else lines.push(...(plateau ? ['    val_loss = ...  # the loss on the validation set after this epoch'] : []),
    `    ${step}  # once per epoch: the scheduler's lengths count epochs`);
  return lines.join('\n');
}
