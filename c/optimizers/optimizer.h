/* Optimizers with torch.optim's names, parameters, defaults and single-tensor
 * (foreach=False) update order (PyTorch 1.13): SGD, Adagrad, RMSprop,
 * Adadelta, Adam, AdamW, Adamax, NAdam, RAdam, Rprop, LBFGS, ASGD, plus the
 * course's per-weight local-gain rule DeltaBarDelta and two papers' rules:
 * LARS (You, Gitman & Ginsburg 2017) and SWATS (Keskar & Socher 2017). Every
 * optimizer but LBFGS takes parameter groups (PyTorch's param_groups).
 *
 * An optimizer sees only (params, grads, state, n): the trainer's update and
 * lab.createOptimizer().step() are the same call. One optimizer is one
 * allocation of plain data: a header (hyper-parameters, counters, an embedded
 * copy of its scheduler) followed by float32 state arrays addressed by
 * offsets, so saving is a byte copy with a checksum and a restored optimizer
 * continues bit-identically; a restore validates every value as a spec is
 * validated. Sizes and counts of the exported entry points arrive as doubles
 * (JS numbers, exactly) and are range-checked before any conversion. */
#ifndef SL_OPTIMIZER_H
#define SL_OPTIMIZER_H

#include <stdint.h>
#include "../base/spec.h"
#include "../schedules/scheduler.h"

#define SL_OPT_MAX_N 50000000       /* most parameters one optimizer accepts */
#define SL_OPT_MAX_BYTES 1500000000.0 /* most bytes one optimizer may allocate */
#define SL_OPT_MAX_STEPS 9007199254740992.0 /* 2^53: the step count stays an exact integer */

#define SL_OPT_MAX_RANGES 64 /* stretches of the flat parameter vector in one optimizer's groups */

/* Opaque: only c/optimizers/ reads its fields. */
typedef struct sl_optimizer sl_optimizer;

/* One stretch [offset, offset + count) of the flat parameter vector that belongs to
 * parameter group `group` (PyTorch's param_groups[group]). */
typedef struct { int offset, count, group; } sl_opt_range;

/* The objective for LBFGS: writes the gradient at x into grad, returns the loss
 * through *loss; a non-zero status aborts the step and leaves the optimizer and
 * params as they were. */
typedef sl_status (*sl_closure)(void *ctx, float *x, float *grad, int n, double *loss);

/* Creates an optimizer for n parameters from len bytes of JSON spec (an
 * optional "scheduler" member is a scheduler spec without lr; its lr is the
 * optimizer's). The caller frees it with sl_optimizer_free. */
sl_status sl_optimizer_create(const char *json, double len, double n, sl_optimizer **out);
/* The same from the spec object at node obj of a parsed document. The scheduler
 * spec is obj's "scheduler" member, or the object at node sched when sched >= 0
 * (e.g. a trainer config's "scheduler"); not both. */
sl_status sl_optimizer_from_spec(const sl_json *doc, int obj, int sched, int n, sl_optimizer **out);
/* Parameter groups, PyTorch's way: the flat vector of n parameters is cut into ranges (in
 * order, tiling [0, n), each naming its group; a group may own several ranges), n_groups
 * groups in all. The spec's options are every group's defaults; its "param_groups" list
 * holds one entry per group, at most n_groups (the groups past the list take the defaults),
 * each overriding any option of the type; `entry_keys` ('|'-separated, or NULL) are further
 * keys an entry may carry for the caller (a trainer's "params"). The element-wise kernels
 * run over each range with its group's scalars. */
sl_status sl_optimizer_from_groups(const sl_json *doc, int obj, int sched, const sl_opt_range *ranges, int n_ranges, int n_groups,
                                   const char *entry_keys, sl_optimizer **out);
/* lab.createOptimizer with a list of group sizes (JS numbers, checked here): group i is the
 * next sizes[i] parameters, and the spec's param_groups must then have one entry per group
 * (or be absent). */
sl_status sl_optimizer_create_groups(const char *json, double len, const double *sizes, double n_groups, sl_optimizer **out);
void sl_optimizer_free(sl_optimizer *o);

/* One optimizer.step() on params (updated in place) with grads, both n floats;
 * then one scheduler.step() unless the scheduler needs a metric. Not for LBFGS. */
sl_status sl_optimizer_step(sl_optimizer *o, float *params, const float *grads, double n);
/* One LBFGS.step(closure); *loss gets the first evaluation's loss and *evals
 * the number of closure calls (either may be NULL). Works for every optimizer:
 * the others call the closure once and step with its gradient. */
sl_status sl_optimizer_step_closure(sl_optimizer *o, float *params, int n, sl_closure fn, void *ctx, double *loss,
                                    int *evals);
/* Flags of sl_optimizer_step_flags. */
enum { SL_STEP_KEEP_SCHEDULER = 1 /* do not advance the attached scheduler after this step */ };
/* sl_optimizer_step, with flags: the trainer steps the scheduler itself for
 * scheduler_interval 'epoch' and scheduler_order 'before'. */
sl_status sl_optimizer_step_flags(sl_optimizer *o, float *params, const float *grads, int n, int flags);
/* One scheduler.step() of an attached scheduler that needs no metric (a no-op
 * without one); the optimizer's lr follows it. */
sl_status sl_optimizer_scheduler_advance(sl_optimizer *o);
/* 1 when a scheduler is attached. */
int sl_optimizer_has_scheduler(const sl_optimizer *o);
/* The attached scheduler (read only), or NULL. */
const sl_scheduler *sl_optimizer_scheduler(const sl_optimizer *o);
/* ReduceLROnPlateau's step(metric) for an attached scheduler that needs one. */
sl_status sl_optimizer_scheduler_step(sl_optimizer *o, double metric);

/* Group 0's lr (PyTorch: param_groups[0]['lr']). */
double sl_optimizer_lr(const sl_optimizer *o);
int sl_optimizer_n_groups(const sl_optimizer *o);
/* Group g's lr now, its size (parameters), and NaN / 0 outside [0, n_groups). */
double sl_optimizer_group_lr(const sl_optimizer *o, int g);
int sl_optimizer_group_size(const sl_optimizer *o, int g);
/* LARS: group g's trust ratio (local rate) of the last step, NaN before it and for the others. */
double sl_optimizer_trust_ratio(const sl_optimizer *o, int g);
/* SWATS, group g: what (0 switched, 1 switch step, 2 SGD rate Lambda, 3 current estimate
 * lambda_k / (1 - beta2^k), 4 last gamma_k); NaN for the others and before it applies. */
double sl_optimizer_swats(const sl_optimizer *o, int g, int what);
/* ASGD: the averaged parameters ax (n floats the optimizer owns), NULL for the others. */
const float *sl_optimizer_averaged(sl_optimizer *o);
int sl_optimizer_n(const sl_optimizer *o);
double sl_optimizer_steps(const sl_optimizer *o);
const char *sl_optimizer_type(const sl_optimizer *o);
int sl_optimizer_needs_closure(const sl_optimizer *o);
/* 1 when an attached scheduler must be stepped by hand with a metric. */
int sl_optimizer_needs_metric(const sl_optimizer *o);
/* LBFGS's state['func_evals'] (closure calls so far), 0 for the others. */
int sl_optimizer_func_evals(const sl_optimizer *o);
/* The running first (k = 0) or second (k = 1) moment the optimizer keeps, n
 * floats it owns, or NULL: m is SGD's or RMSprop's momentum buffer or the Adam
 * family's exp_avg; v is exp_avg_sq, RMSprop's and Adadelta's square_avg,
 * Adagrad's sum or Adamax's exp_inf. */
const float *sl_optimizer_moment(sl_optimizer *o, int k);
/* The mean over params [lo, hi) of the per-element step size of the last step
 * taken at learning rate lr (NaN: each group's lr of its last step) (what multiplies the gradient, or the bias-corrected
 * first moment): lr for SGD, lr / (sqrt(v_hat) + eps) for the Adam family,
 * RMSprop and Adagrad, lr * gain for DeltaBarDelta, the step sizes themselves
 * for Rprop; Adadelta's and the others' from their state after the step; NaN
 * before the first step and for LBFGS. */
double sl_optimizer_step_size(sl_optimizer *o, double lr, int lo, int hi);

/* Saved state: exactly sl_optimizer_state_size() bytes. */
int sl_optimizer_state_size(const sl_optimizer *o);
void sl_optimizer_state_save(sl_optimizer *o, void *buf);
sl_status sl_optimizer_restore(const void *buf, double len, sl_optimizer **out);
/* OK when o (e.g. restored) is the optimizer `want` was made from the same spec: kind,
 * size, groups, every group's hyper-parameters and its scheduler's spec; else a
 * SL_STATUS_STATE error of `thing` naming the field (optimizer.lr, optimizer.scheduler.step_size). */
sl_status sl_optimizer_same_spec(const sl_optimizer *o, const sl_optimizer *want, const char *thing);

/* lab.optimizerSteps: replays n_steps gradient vectors (grads, n_steps * n)
 * from params0 (n); out (n_steps * n) gets the parameters after each step. */
sl_status sl_optimizer_replay(const char *json, double len, const float *params0, double n, const float *grads,
                              double n_steps, float *out);

/* Upper estimates of one step's work, for callers that bound theirs (lab.trace):
 * closure evaluations (LBFGS: max_eval, which its last line search may pass by
 * at most 25; the others 1) and LBFGS's history-row visits (max_iter x
 * history_size; 0 for the others). */
void sl_optimizer_step_cost(const sl_optimizer *o, double *evals, double *rows);

int sl_optimizers_json(char **buf, int len, int *cap);

#ifdef __EMSCRIPTEN__
/* LBFGS from JS: the closure is the host's sl_host_closure import, called with ctx. */
sl_status sl_optimizer_step_host(sl_optimizer *o, float *params, double n, int ctx, double *loss, int *evals);
#endif

#endif
