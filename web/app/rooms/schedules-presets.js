// The Schedules room's presets: each a budget and the curves that show one idea, with when to use it.
// (The starters of each type come from the core's registry: web/shared/registry.js.)

const WARMUP_COSINE = { type: 'SequentialLR', lr: 0.1, schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 10 },
  { type: 'CosineAnnealingLR', T_max: 90 }], milestones: [10] };

export const PRESETS = [
  { name: 'ResNet step decay', when: 'Image classifiers trained with SGD for 90 epochs: ×0.1 at 30 and 60.', epochs: 90,
    curves: [{ type: 'StepLR', lr: 0.1, step_size: 30, gamma: 0.1 }] },
  { name: 'Warm-up + cosine', when: 'Transformers (BERT, GPT, ViT) and large batches: rise for the first 5-10 %, then decay.', epochs: 100,
    curves: [WARMUP_COSINE] },
  { name: 'One-cycle', when: 'Fast training to a fixed budget ("super-convergence"), set max_lr with the LR range test.', epochs: 100,
    curves: [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100 }] },
  { name: 'SGDR warm restarts', when: 'Escaping poor regions and collecting snapshot ensembles.', epochs: 150,
    curves: [{ type: 'CosineAnnealingWarmRestarts', lr: 0.1, T_0: 10, T_mult: 2, eta_min: 0.001 }] },
  { name: 'Triangular2 cycles', when: 'Cyclical rates when you do not want to tune a decay; amplitude halves each cycle.', epochs: 100,
    curves: [{ type: 'CyclicLR', base_lr: 0.001, max_lr: 0.1, step_size_up: 10, mode: 'triangular2' }] },
  { name: 'Same name, different curve: one-cycle', when: 'PyTorch\'s OneCycleLR defaults (pct_start 0.3, final_div_factor 1e4) next to the fast.ai course\'s one-cycle (pct_start 0.25, final div 1e5).', epochs: 100,
    curves: [{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100 },
      { type: 'OneCycleLR', max_lr: 0.1, total_steps: 100, pct_start: 0.25, final_div_factor: 1e5 }] },
  { name: 'Cosine vs warm restarts', when: 'One long cosine against SGDR restarts over the same budget.', epochs: 150,
    curves: [{ type: 'CosineAnnealingLR', lr: 0.1, T_max: 150, eta_min: 0.001 },
      { type: 'CosineAnnealingWarmRestarts', lr: 0.1, T_0: 10, T_mult: 2, eta_min: 0.001 }] },
  { name: 'Reduce on plateau', when: 'When you cannot predict when progress stalls: watch the validation loss.', epochs: 100,
    curves: [{ type: 'ReduceLROnPlateau', lr: 0.1, factor: 0.5, patience: 5 }] },
];

// The validation loss ReduceLROnPlateau watches, as a formula in epoch.
export { PLATEAU_METRIC as DEFAULT_METRIC } from '../../shared/choices.js';
