// Why each pitfall demo goes wrong, in the lab's words. The project's own constants.

export const PITFALL_TEXT = {
  order: 'PyTorch expects optimizer.step() and then scheduler.step() in every iteration (since version 1.1). Reversed, ' +
    'the scheduler has already moved on when the first update happens, so the first value of the schedule is never used ' +
    '(PyTorch warns about exactly this). Here the warm-up starts at 1 % of the rate: stepped first, the very first update ' +
    'already uses the second warm-up value, about ten times larger, and the whole curve runs one step early. With a ' +
    'schedule that has a fixed length, such as OneCycleLR, the extra step also runs past its end.',
  onecycle: 'OneCycleLR counts scheduler steps, and it is usually stepped once per batch, so total_steps must be ' +
    'epochs × steps per epoch (or pass epochs and steps_per_epoch). Given the number of epochs instead, the cycle is over ' +
    'after a few batches and the next step raises an error, in PyTorch and here alike: the run stops with the message shown. ' +
    'Given too many steps, nothing complains, but training ends in the middle of the cycle while the rate is still high, ' +
    'and the final annealing phase, where one-cycle gains most, never happens.',
  adamw: 'Adam\'s weight_decay adds λ·w to the gradient (L2 regularisation). Adam then divides the whole gradient by √v, ' +
    'so weights with large gradients are hardly decayed at all and weights with small gradients are decayed hard: ' +
    'the penalty is no longer the one you chose. AdamW leaves the gradient alone and shrinks every weight by lr·λ at each ' +
    'step (decoupled weight decay, Loshchilov and Hutter). Same λ, different training and different final weights.',
  bias: 'Adam\'s running averages m and v start at zero, so early on they are too small; dividing by 1 − β₁ᵗ and ' +
    '1 − β₂ᵗ corrects that. Without it, v is underestimated far more than m (β₂ = 0.999 forgets slowly), so for a steady ' +
    'gradient the early steps are several times lr: about 3.2× at the first step, 6.5× around step 12, still 3.2× at ' +
    'step 100 and 1.3× at step 1000. The start of training is a burst of oversized steps.',
  lr: 'The same optimizer at three rates. Ten times too high and the steps overshoot: the loss jumps around or ' +
    'explodes. Ten times too low and every step is safe but tiny: after the same number of steps the model has barely ' +
    'learned. The LR finder shows where the good range is before you train.',
};
