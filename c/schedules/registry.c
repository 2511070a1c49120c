/* The scheduler registry: for each torch.optim.lr_scheduler class (PyTorch
 * 1.13) and the three textbook decays, its parameters (PyTorch's names,
 * defaults and accepted ranges, each stored by name into its type's struct),
 * a category, the spec the page opens it with (sensible over the Schedules
 * room's default 90 steps, and usable with every optimizer: CyclicLR's does not
 * cycle momentum, which Adam's betas refuse), the parameter that sets its
 * length, and one line of help. Everything the API, the page and the docs know about a scheduler
 * comes from here. */
#include "internal.h"

#include <math.h>

/* Cold code (validation, messages): compiled for size, like spec.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define INF INFINITY
#define REQ SL_F_REQUIRED
#define LO_OPEN SL_F_LO_OPEN
#define HI_OPEN SL_F_HI_OPEN
#define NULLABLE SL_F_NULLABLE
#define F64 SL_STORE_F64

#define NUM(T, m, d, lo, hi, f, h) { #m, SL_P_NUM, d, lo, hi, f, NULL, 0, 0, h, SL_AT(F64, T, m) }
#define INT(T, m, d, lo, hi, f, h) { #m, SL_P_INT, d, lo, hi, f, NULL, 0, 0, h, SL_AT(F64, T, m) }
#define BOOL(T, m, d, h) { #m, SL_P_BOOL, d, 0, 1, 0, NULL, 0, 0, h, SL_AT(F64, T, m) }
#define ENUM(T, m, choices, h) { #m, SL_P_ENUM, 0, 0, 0, 0, choices, 0, 0, h, SL_AT(F64, T, m) }
#define LR_P(T) NUM(T, lr, 0.1, 0, INF, LO_OPEN, "the optimizer's initial learning rate")

static const sl_param P_LAMBDA[] = {
    LR_P(sl_lambdalr_p),
    { "lr_lambda", SL_P_STR, NAN, 0, 0, REQ, NULL, 0, 0, "factor as a formula in epoch, e.g. 0.95 ^ epoch" },
};
static const sl_param P_STEP[] = {
    LR_P(sl_steplr_p), INT(sl_steplr_p, step_size, NAN, 1, 1e9, REQ, "epochs between decays"),
    NUM(sl_steplr_p, gamma, 0.1, 0, INF, 0, "multiplicative factor of each decay"),
};
static const sl_param P_MULTISTEP[] = {
    LR_P(sl_multisteplr_p),
    { "milestones", SL_P_NUMS, NAN, 0, 1e9, REQ, NULL, 1, SL_MAX_MILESTONES, "epochs at which to decay (integers)" },
    NUM(sl_multisteplr_p, gamma, 0.1, 0, INF, 0, "multiplicative factor of each decay"),
};
static const sl_param P_CONSTANT[] = {
    LR_P(sl_constantlr_p), NUM(sl_constantlr_p, factor, 1.0 / 3, 0, 1, LO_OPEN, "factor applied until total_iters"),
    INT(sl_constantlr_p, total_iters, 5, 0, 1e9, 0, "steps the factor is applied for"),
};
static const sl_param P_LINEAR[] = {
    LR_P(sl_linearlr_p), NUM(sl_linearlr_p, start_factor, 1.0 / 3, 0, 1, LO_OPEN, "factor at the first step"),
    NUM(sl_linearlr_p, end_factor, 1.0, 0, 1, 0, "factor reached at total_iters"),
    INT(sl_linearlr_p, total_iters, 5, 0, 1e9, 0, "steps of the linear ramp"),
};
static const sl_param P_EXPONENTIAL[] = {
    LR_P(sl_exponentiallr_p), NUM(sl_exponentiallr_p, gamma, NAN, 0, INF, REQ | LO_OPEN, "factor per step"),
};
static const sl_param P_POLYNOMIAL[] = {
    LR_P(sl_polynomiallr_p), INT(sl_polynomiallr_p, total_iters, 5, 1, 1e9, 0, "steps until the rate reaches 0"),
    NUM(sl_polynomiallr_p, power, 1.0, 0, INF, 0, "power of the polynomial (1 = linear)"),
};
static const sl_param P_COSINE[] = {
    LR_P(sl_cosineannealinglr_p), INT(sl_cosineannealinglr_p, T_max, NAN, 1, 1e9, REQ, "steps of the half cosine"),
    NUM(sl_cosineannealinglr_p, eta_min, 0, 0, INF, 0, "minimum learning rate"),
};
static const sl_param P_WARM_RESTARTS[] = {
    LR_P(sl_warmrestarts_p), INT(sl_warmrestarts_p, T_0, NAN, 1, 1e9, REQ, "steps until the first restart"),
    INT(sl_warmrestarts_p, T_mult, 1, 1, 1000, 0, "factor by which each period grows"),
    NUM(sl_warmrestarts_p, eta_min, 0, 0, INF, 0, "minimum learning rate"),
};
#define C_P sl_cycliclr_p
static const sl_param P_CYCLIC[] = {
    LR_P(C_P), NUM(C_P, base_lr, NAN, 0, INF, REQ | LO_OPEN, "lower bound of the cycle"),
    NUM(C_P, max_lr, NAN, 0, INF, REQ | LO_OPEN, "upper bound of the cycle"),
    NUM(C_P, step_size_up, 2000, 0, 1e9, LO_OPEN, "steps in the rising half"),
    NUM(C_P, step_size_down, NAN, 0, 1e9, LO_OPEN | NULLABLE, "steps in the falling half (default: step_size_up)"),
    ENUM(C_P, mode, "triangular|triangular2|exp_range", "cycle shape"),
    NUM(C_P, gamma, 1.0, 0, INF, LO_OPEN, "exp_range: factor per step"),
    BOOL(C_P, cycle_momentum, 1, "cycle momentum inversely to the rate"),
    NUM(C_P, base_momentum, 0.8, 0, 1, 0, "lower momentum bound"),
    NUM(C_P, max_momentum, 0.9, 0, 1, 0, "upper momentum bound"),
};
#define O_P sl_onecyclelr_p
static const sl_param P_ONECYCLE[] = {
    LR_P(O_P), NUM(O_P, max_lr, NAN, 0, INF, REQ | LO_OPEN, "peak learning rate"),
    INT(O_P, total_steps, NAN, 1, 1e9, NULLABLE, "steps in the cycle (or epochs x steps_per_epoch)"),
    INT(O_P, epochs, NAN, 1, 1e9, NULLABLE, "epochs, with steps_per_epoch"),
    INT(O_P, steps_per_epoch, NAN, 1, 1e9, NULLABLE, "steps per epoch, with epochs"),
    NUM(O_P, pct_start, 0.3, 0, 1, LO_OPEN | HI_OPEN, "fraction of the cycle spent rising"),
    ENUM(O_P, anneal_strategy, "cos|linear", "annealing shape"),
    BOOL(O_P, cycle_momentum, 1, "cycle momentum inversely to the rate"),
    NUM(O_P, base_momentum, 0.85, 0, 1, 0, "lower momentum bound"),
    NUM(O_P, max_momentum, 0.95, 0, 1, 0, "upper momentum bound"),
    NUM(O_P, div_factor, 25, 0, INF, LO_OPEN, "initial_lr = max_lr / div_factor"),
    NUM(O_P, final_div_factor, 1e4, 0, INF, LO_OPEN, "min_lr = initial_lr / final_div_factor"),
    BOOL(O_P, three_phase, 0, "up, down to initial_lr, then down to min_lr"),
};
#define R_P sl_plateau_p
static const sl_param P_PLATEAU[] = {
    LR_P(R_P), ENUM(R_P, mode, "min|max", "whether the metric should fall or rise"),
    NUM(R_P, factor, 0.1, 0, 1, HI_OPEN, "factor applied on a plateau"),
    INT(R_P, patience, 10, 0, 1e9, 0, "bad epochs tolerated before a reduction"),
    NUM(R_P, threshold, 1e-4, 0, INF, 0, "least change that counts as better"),
    ENUM(R_P, threshold_mode, "rel|abs", "threshold relative to the best or absolute"),
    INT(R_P, cooldown, 0, 0, 1e9, 0, "epochs to wait after a reduction"),
    NUM(R_P, min_lr, 0, 0, INF, 0, "lower bound on the rate"),
    NUM(R_P, eps, 1e-8, 0, INF, 0, "reductions smaller than this are skipped"),
};
static const sl_param P_SEQUENTIAL[] = {
    LR_P(sl_composite_p),
    { "schedulers", SL_P_SPECS, NAN, 0, 0, REQ, NULL, 1, SL_MAX_CHILDREN, "schedulers, one after another" },
    { "milestones", SL_P_NUMS, NAN, 0, 1e9, REQ, NULL, 0, SL_MAX_CHILDREN - 1, "steps at which the next scheduler takes over" },
};
static const sl_param P_CHAINED[] = {
    LR_P(sl_composite_p),
    { "schedulers", SL_P_SPECS, NAN, 0, 0, REQ, NULL, 1, SL_MAX_CHILDREN, "schedulers stepped together" },
};
static const sl_param P_INVTIME[] = {
    LR_P(sl_decay_p), NUM(sl_decay_p, decay_steps, 1, 0, INF, LO_OPEN, "steps per unit of t"),
    NUM(sl_decay_p, decay_rate, NAN, 0, INF, REQ, "k in lr0 / (1 + k t)"),
    BOOL(sl_decay_p, staircase, 0, "use floor(step / decay_steps)"),
};
static const sl_param P_EXPDECAY[] = {
    LR_P(sl_decay_p), NUM(sl_decay_p, decay_steps, NAN, 0, INF, REQ | LO_OPEN, "steps per factor of decay_rate"),
    NUM(sl_decay_p, decay_rate, NAN, 0, INF, REQ | LO_OPEN, "lr0 * decay_rate ^ (step / decay_steps)"),
    BOOL(sl_decay_p, staircase, 0, "use floor(step / decay_steps)"),
};
static const sl_param P_NATEXP[] = {
    LR_P(sl_decay_p), NUM(sl_decay_p, decay_steps, 1, 0, INF, LO_OPEN, "steps per unit of t"),
    NUM(sl_decay_p, decay_rate, NAN, 0, INF, REQ, "k in lr0 * e^(-k t)"),
    BOOL(sl_decay_p, staircase, 0, "use floor(step / decay_steps)"),
};

/* name, parameter struct, table, closed form, category, length parameter, summary, starter */
#define K(name, T, params, closed, category, length, summary, starter)                                                 \
    { { name, params, (int)(sizeof params / sizeof params[0]), summary, category, starter, length }, closed, sizeof(T) }
const sched_kind sl_sched_kinds[T_COUNT] = {
    K("LambdaLR", sl_lambdalr_p, P_LAMBDA, 0, "formula", NULL, "lr = lr0 * f(epoch)",
      "{\"type\":\"LambdaLR\",\"lr\":0.1,\"lr_lambda\":\"epoch < 5 ? (epoch + 1) / 5 : 0.95 ^ (epoch - 5)\"}"),
    K("MultiplicativeLR", sl_lambdalr_p, P_LAMBDA, 0, "formula", NULL, "lr = lr * f(epoch) at each step",
      "{\"type\":\"MultiplicativeLR\",\"lr\":0.1,\"lr_lambda\":\"0.97\"}"),
    K("StepLR", sl_steplr_p, P_STEP, 1, "decay", "step_size", "multiply by gamma every step_size steps",
      "{\"type\":\"StepLR\",\"lr\":0.1,\"step_size\":30,\"gamma\":0.1}"),
    K("MultiStepLR", sl_multisteplr_p, P_MULTISTEP, 1, "decay", NULL, "multiply by gamma at each milestone",
      "{\"type\":\"MultiStepLR\",\"lr\":0.1,\"milestones\":[30,80],\"gamma\":0.1}"),
    K("ConstantLR", sl_constantlr_p, P_CONSTANT, 1, "warmup", "total_iters", "scale by factor until total_iters",
      "{\"type\":\"ConstantLR\",\"lr\":0.1,\"factor\":0.5,\"total_iters\":10}"),
    K("LinearLR", sl_linearlr_p, P_LINEAR, 1, "warmup", "total_iters", "linear ramp of the factor from start_factor to end_factor",
      "{\"type\":\"LinearLR\",\"lr\":0.1,\"start_factor\":0.1,\"end_factor\":1,\"total_iters\":10}"),
    K("ExponentialLR", sl_exponentiallr_p, P_EXPONENTIAL, 1, "decay", NULL, "multiply by gamma every step",
      "{\"type\":\"ExponentialLR\",\"lr\":0.1,\"gamma\":0.97}"),
    K("PolynomialLR", sl_polynomiallr_p, P_POLYNOMIAL, 1, "decay", "total_iters", "lr0 * (1 - t / total_iters) ^ power",
      "{\"type\":\"PolynomialLR\",\"lr\":0.1,\"total_iters\":100,\"power\":2}"),
    K("CosineAnnealingLR", sl_cosineannealinglr_p, P_COSINE, 1, "decay", "T_max", "half cosine from lr0 to eta_min over T_max steps",
      "{\"type\":\"CosineAnnealingLR\",\"lr\":0.1,\"T_max\":100,\"eta_min\":0.001}"),
    K("CosineAnnealingWarmRestarts", sl_warmrestarts_p, P_WARM_RESTARTS, 0, "cyclic", "T_0", "cosine restarted every T_i steps (SGDR)",
      "{\"type\":\"CosineAnnealingWarmRestarts\",\"lr\":0.1,\"T_0\":10,\"T_mult\":2,\"eta_min\":0.001}"),
    K("CyclicLR", sl_cycliclr_p, P_CYCLIC, 0, "cyclic", "step_size_up", "cycles between base_lr and max_lr",
      "{\"type\":\"CyclicLR\",\"base_lr\":0.001,\"max_lr\":0.1,\"step_size_up\":10,\"mode\":\"triangular2\","
      "\"cycle_momentum\":false}"),
    K("OneCycleLR", sl_onecyclelr_p, P_ONECYCLE, 0, "cyclic", "total_steps", "one cycle up to max_lr and down far below the start",
      "{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":100}"),
    K("ReduceLROnPlateau", sl_plateau_p, P_PLATEAU, 0, "adaptive", NULL, "reduce when a metric stops improving",
      "{\"type\":\"ReduceLROnPlateau\",\"lr\":0.1,\"factor\":0.5,\"patience\":5}"),
    K("SequentialLR", sl_composite_p, P_SEQUENTIAL, 0, "composite", NULL, "one scheduler after another at milestones",
      "{\"type\":\"SequentialLR\",\"lr\":0.1,\"schedulers\":[{\"type\":\"LinearLR\",\"start_factor\":0.1,\"total_iters\":10},"
      "{\"type\":\"CosineAnnealingLR\",\"T_max\":90}],\"milestones\":[10]}"),
    K("ChainedScheduler", sl_composite_p, P_CHAINED, 0, "composite", NULL, "several schedulers stepped together",
      "{\"type\":\"ChainedScheduler\",\"lr\":0.1,\"schedulers\":[{\"type\":\"ConstantLR\",\"factor\":0.5,\"total_iters\":10},"
      "{\"type\":\"ExponentialLR\",\"gamma\":0.98}]}"),
    K("InverseTimeDecay", sl_decay_p, P_INVTIME, 1, "decay", NULL, "lr0 / (1 + decay_rate * t / decay_steps)",
      "{\"type\":\"InverseTimeDecay\",\"lr\":0.1,\"decay_rate\":0.1}"),
    K("ExponentialDecay", sl_decay_p, P_EXPDECAY, 1, "decay", NULL, "lr0 * decay_rate ^ (t / decay_steps)",
      "{\"type\":\"ExponentialDecay\",\"lr\":0.1,\"decay_rate\":0.96,\"decay_steps\":10}"),
    K("NaturalExpDecay", sl_decay_p, P_NATEXP, 1, "decay", NULL, "lr0 * exp(-decay_rate * t / decay_steps)",
      "{\"type\":\"NaturalExpDecay\",\"lr\":0.1,\"decay_rate\":0.05}"),
};

SL_COMPACT int sl_schedulers_json(char **buf, int len, int *cap)
{
    return sl_kinds_json(buf, len, cap, sl_sched_kinds, sizeof sl_sched_kinds[0], T_COUNT);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
