// The Schedules room's presets: each a budget in epochs and the curves that show one idea, with when to
// use it and what to notice. Every preset steps its schedulers once per epoch (so parameters such as
// step_size, T_max and total_steps count epochs); every number in a notice is a {value} measured from
// the curves (./schedules-claims.js) or one of the preset's settings (or listed in `given`), and its
// claims are checked on the page and in tests/rooms-presets.test.mjs. (The starters of each type come
// from the core's registry: web/shared/registry.js.)

const WARMUP_COSINE = { type: 'SequentialLR', lr: 0.1, schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 10 },
  { type: 'CosineAnnealingLR', T_max: 90 }], milestones: [10] };

export const PRESETS = [
  { name: 'ResNet step decay', when: 'Image classifiers trained with SGD for 90 epochs: ×0.1 at 30 and 60.', epochs: 90,
    curves: [{ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }],
    notice: 'The ResNet recipe: the rate stays at {first.0} for epochs 0 to 29, is multiplied by γ = 0.1 at epoch 30 (to {lr30}) '
      + 'and again at epoch 60 (to {lr60}); it changes at epochs {drops.0} and nowhere else. The loss of a real run often drops in '
      + 'a step just after each cut. The scheduler steps once per epoch, so step_size = 30 counts epochs, however many steps an '
      + 'epoch has.',
    values: { lr29: { q: 'lr_at', of: 0, epoch: 29 }, lr30: { q: 'lr_at', of: 0, epoch: 30 }, lr60: { q: 'lr_at', of: 0, epoch: 60 } },
    claims: [
      { kind: 'equal', a: 'drops.0', b: [30, 60] },
      { kind: 'close', a: 'lr29', b: 0.1, rel: 1e-9 },
      { kind: 'close', a: 'lr30', b: 0.01, rel: 1e-9 },
      { kind: 'close', a: 'lr60', b: 0.001, rel: 1e-9 },
    ] },
  { name: 'Warm-up + cosine', when: 'Transformers (BERT, GPT, ViT) and large batches: rise for the first 5-10 %, then decay.', epochs: 100,
    curves: [WARMUP_COSINE],
    notice: 'LinearLR warms the rate up from {first.0} (start_factor 0.1 of lr 0.1) over the first 10 epochs, 10 % of the 100, '
      + 'to its peak of {max.0} at epoch {argmax.0}. From that milestone CosineAnnealingLR takes over and brings it down along half '
      + 'a cosine over T_max = 90 epochs, to {last.0} at the last epoch. Warm-up keeps the first, largest steps of a freshly '
      + 'initialised model, or of a very large batch, from blowing the training up.',
    claims: [
      { kind: 'equal', a: 'argmax.0', b: 10 },
      { kind: 'close', a: 'first.0', b: 0.01, rel: 1e-9 },
      { kind: 'close', a: 'max.0', b: 0.1, rel: 1e-9 },
      { kind: 'less', a: 'last.0', b: 0.001 },
    ] },
  { name: 'One-cycle', when: 'Fast training to a fixed budget ("super-convergence"), set max_lr with the LR range test.', epochs: 100,
    curves: [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100 }],
    notice: 'One cycle over total_steps = 100: the rate starts at max_lr / div_factor = 0.1 / 25 = {first.0}, climbs for the '
      + 'first 30 % (pct_start 0.3) to {max.0} at step {argmax.0}, then anneals along a cosine far below where it started: '
      + '{last.0:3} at the end, the start divided by final_div_factor = 10⁴. The high middle explores, the long tail settles.',
    given: [25, 30, 0.3, 1e4],
    claims: [
      { kind: 'close', a: 'first.0', b: 0.004, rel: 1e-9 },
      { kind: 'equal', a: 'argmax.0', b: 29 },
      { kind: 'close', a: 'last.0', b: 4e-7, rel: 1e-6 },
    ] },
  { name: 'SGDR warm restarts', when: 'Escaping poor regions and collecting snapshot ensembles.', epochs: 150,
    curves: [{ type: 'CosineAnnealingWarmRestarts', lr: 0.1, T_0: 10, T_mult: 2, eta_min: 0.001 }],
    notice: 'The rate falls along a cosine from {first.0} towards eta_min = 0.001 and then jumps back up: it restarts at epochs '
      + '{rises.0}, each period T_mult = 2 times as long as the one before (T_0 = 10 epochs, then 20, then 40). A restart kicks '
      + 'the model out of where it settled; the low points just before the restarts are the snapshots to ensemble.',
    given: [20, 40],
    claims: [
      { kind: 'equal', a: 'rises.0', b: [10, 30, 70] },
      { kind: 'less', a: 'min.0', b: 0.0011 },
    ] },
  { name: 'Triangular2 cycles', when: 'Cyclical rates when you do not want to tune a decay; amplitude halves each cycle.', epochs: 100,
    curves: [{ type: 'CyclicLR', base_lr: 0.001, max_lr: 0.1, step_size_up: 10, mode: 'triangular2' }],
    notice: 'The rate climbs from base_lr = {first.0} to max_lr = {max.0} in step_size_up = 10 epochs and back down in as many; '
      + 'triangular2 halves the height of each cycle above base_lr, so the peaks are {peaks.0:3}. Cycles between 2 and 10 epochs '
      + 'long are typical.',
    given: [2],
    values: { peak2: { q: 'nth', a: 'peaks.0', index: 1 } },
    claims: [
      { kind: 'close', a: 'peak2', b: 0.0505, rel: 1e-9 },
      { kind: 'equal', a: 'argmax.0', b: 10 },
    ] },
  { name: 'Same name, different curve: one-cycle', when: 'PyTorch\'s OneCycleLR defaults (pct_start 0.3, final_div_factor 1e4) next to the fast.ai course\'s one-cycle (pct_start 0.25, final div 1e5).', epochs: 100,
    curves: [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100 },
      { type: 'OneCycleLR', max_lr: 0.1, total_steps: 100, pct_start: 0.25, final_div_factor: 1e5 }],
    notice: 'Both are "one-cycle". With PyTorch\'s defaults (the first curve, pct_start 0.3) the rate peaks at step {argmax.0} and '
      + 'ends at {last.0:3}; the fast.ai course\'s settings (pct_start 0.25, final_div_factor 10⁵) peak earlier, at step '
      + '{argmax.1}, and end {ratio} times lower, at {last.1:3}. A paper\'s "one-cycle" says little until its parameters are given.',
    given: [0.3],
    values: { ratio: { q: 'ratio', a: 'last.0', b: 'last.1' } },
    claims: [
      { kind: 'less', a: 'argmax.1', b: 'argmax.0' },
      { kind: 'close', a: 'ratio', b: 10, rel: 1e-6 },
    ] },
  { name: 'Cosine vs warm restarts', when: 'One long cosine against SGDR restarts over the same budget.', epochs: 150,
    curves: [{ type: 'CosineAnnealingLR', lr: 0.1, T_max: 150, eta_min: 0.001 },
      { type: 'CosineAnnealingWarmRestarts', lr: 0.1, T_0: 10, T_mult: 2, eta_min: 0.001 }],
    notice: 'The same 150 epochs, the same bounds. One long cosine decays once; SGDR restarts at epochs {rises.1}. Both end near '
      + 'eta_min ({last.0:3} and {last.1:3}), but SGDR returns to high rates again and again: at epoch 75, just after its third '
      + 'restart, it is at {r75}, while the single cosine has come down to {c75}.',
    values: { c75: { q: 'lr_at', of: 0, epoch: 75 }, r75: { q: 'lr_at', of: 1, epoch: 75 } },
    claims: [
      { kind: 'equal', a: 'rises.1', b: [10, 30, 70] },
      { kind: 'less', a: 'c75', b: 'r75' },
      { kind: 'close', a: 'last.1', b: 'last.0', rel: 0.1 },
    ] },
  { name: 'Reduce on plateau', when: 'When you cannot predict when progress stalls: watch the validation loss.', epochs: 100,
    curves: [{ type: 'ReduceLROnPlateau', lr: 0.1, factor: 0.5, patience: 5 }],
    notice: 'The validation loss (the formula under the chart) falls until epoch {best} and then only wobbles. ReduceLROnPlateau '
      + 'waits patience = 5 epochs without an improvement and then halves the rate (factor 0.5): the first cut comes at epoch '
      + '{first_drop.0}, and since the loss never improves again, another follows every {gap.0} epochs, {drop_count.0} cuts in '
      + 'all, down to {last.0:3}. It reacts to what the run does rather than to the calendar.',
    values: { best: { q: 'metric_best' } },
    claims: [
      { kind: 'less', a: 'best', b: 'first_drop.0' },
      { kind: 'equal', a: 'gap.0', b: 6 },
      { kind: 'close', a: 'last.0', b: 0.1 * 0.5 ** 10, rel: 1e-9 },
    ] },
];

// The validation loss ReduceLROnPlateau watches, as a formula in epoch.
export { PLATEAU_METRIC as DEFAULT_METRIC } from '../../shared/choices.js';
