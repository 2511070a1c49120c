/* Shared between the optimizer files (registry, create/step, kernels, state,
 * inspect, LBFGS): the object's layout, type indices, array slots and the
 * functions one file gives another. Other modules use optimizer.h only; the
 * tests that forge saved states include this on purpose. */
#ifndef SL_OPTIMIZERS_INTERNAL_H
#define SL_OPTIMIZERS_INTERNAL_H

#include "optimizer.h"

#define SL_OPT_MAGIC 0x4f505432u /* "OPT2" */
#define SL_OPT_VERSION 4u        /* 4: parameter groups (hyper-parameters and counters per group), scheduler state version 3 */
#define SL_OPT_ARRAYS 10

enum {
    O_SGD, O_Adagrad, O_RMSprop, O_Adadelta, O_Adam, O_AdamW, O_Adamax, O_NAdam, O_RAdam, O_Rprop, O_LBFGS,
    O_DeltaBarDelta, O_ASGD, O_LARS, O_SWATS, O_Custom, O_COUNT
};

/* Custom (custom.c): at most this many hyper-parameters and state names */
#define SL_CUSTOM_MAX_HYPER 16
#define SL_CUSTOM_MAX_STATE 8

/* LBFGS's arrays (index into off[]); old_dirs and old_stps hold history_size rows of n. */
enum { L_D, L_PREV_G, L_G, L_X0, L_Q, L_S0, L_S1, L_S2, L_DIRS, L_STPS };

/* line_search_fn: -1 for None */
#define SL_STRONG_WOLFE 0

/* Hyper-parameters by PyTorch's names, filled from the registry (sl_spec_fill);
 * booleans are 0 or 1, pairs are PyTorch's tuples. */
typedef struct {
    double lr, momentum, dampening, weight_decay, alpha, eps, rho, lr_decay, initial_accumulator_value;
    double betas[2], momentum_decay, etas[2], step_sizes[2];
    double beta, min_gain, max_gain, tolerance_grad, tolerance_change;
    double lambd, t0, trust_coefficient; /* ASGD: lambd, alpha (above) and t0; LARS: eta */
    int nesterov, maximize, centered, amsgrad, max_iter, max_eval, history_size, line_search_fn;
    int bias_correction; /* Adam, AdamW: 0 drops the 1 - beta^t corrections (apex's FusedAdam switch) */
    int lars_exclude;    /* LARS: this group takes no trust ratio (biases and norms, as common implementations do) */
} sl_hyper;

/* One parameter group (PyTorch's param_groups[i]): its options, its lr, and the
 * counters its rule keeps per group (PyTorch keeps them per tensor; each group
 * of createOptimizer is one tensor, and they are equal across a group's tensors). */
typedef struct {
    sl_hyper h;          /* the spec's defaults, overridden by its param_groups entry */
    double lr;           /* param_groups[i]['lr'] now */
    double last_lr;      /* the lr its last step used (NaN before the first) */
    double count;        /* parameters in the group */
    int buf_ready;       /* SGD, LARS: the momentum buffer exists */
    float mu_product;    /* NAdam: float32 as in PyTorch */
    float eta, mu;       /* ASGD: state['eta'], state['mu'] (float32 tensors in PyTorch) */
    int pad;
    double trust_ratio;  /* LARS: the local rate of its last step (NaN before the first) */
    /* SWATS (Keskar & Socher, Algorithm 1) */
    int switched;        /* 1: in the SGD phase */
    int pad2;
    double switch_step;  /* the k at which it switched (0 before) */
    double lambda_k;     /* the running average lambda_k of the projected rates gamma_k */
    double Lambda;       /* the SGD rate lambda_k / (1 - beta2^k) at the switch (0 before) */
    double lr_at_switch; /* the group's lr at the switch: later lrs scale Lambda by lr / lr_at_switch */
    double estimate;     /* the last lambda_k / (1 - beta2^k) (NaN before a projection) */
    double gamma_k;      /* the last gamma_k (NaN before a projection) */
} sl_opt_group;

/* One allocation of plain data: this header, then n_floats float32 state arrays
 * addressed by off[], so saving is a byte copy. */
struct sl_optimizer {
    uint32_t magic, version, size, checksum;
    int type;           /* index into the optimizer registry */
    int n;              /* parameters */
    int has_scheduler;
    int momentum_from_scheduler; /* the scheduler cycles momentum (SGD, RMSprop) or beta1 (Adam family) */
    int n_groups, n_ranges;
    sl_opt_range ranges[SL_OPT_MAX_RANGES]; /* the stretches of the flat vector, in order, each of one group */
    sl_opt_group group[SL_MAX_GROUPS]; /* group-> is the first: the one most optimizers have (LBFGS: its only one) */
    double steps;       /* step() calls so far (PyTorch's state['step']) */
    /* LBFGS */
    int func_evals, n_iter, hist_len, hist_start, t_f32;
    double t, prev_loss;
    float H_diag;
    int off[SL_OPT_ARRAYS]; /* float offsets of the state arrays after the header */
    int n_floats;
    sl_scheduler sched; /* valid when has_scheduler, else zero */
};

/* A registry row: the common head, the state arrays (PyTorch's state names,
 * '|'-separated) and whether a scheduler may cycle its momentum. */
typedef struct {
    sl_kind head;
    int n_arrays;        /* state arrays of n floats */
    int momentum;        /* 1: a scheduler may cycle momentum, 2: it cycles beta1 */
    const char *arrays;  /* e.g. "exp_avg|exp_avg_sq|max_exp_avg_sq" */
} opt_kind;

extern const opt_kind sl_opt_kinds[O_COUNT];

static inline const char *sl_opt_name(int type) { return sl_opt_kinds[type].head.name; }
static inline float *sl_opt_array(sl_optimizer *o, int k) { return (float *)(o + 1) + o->off[k]; }
static inline const float *sl_opt_carray(const sl_optimizer *o, int k) { return (const float *)(o + 1) + o->off[k]; }
/* ro and al live after the two history blocks. */
static inline float *sl_lbfgs_ro(sl_optimizer *o) { return sl_opt_array(o, L_STPS) + (size_t)o->group->h.history_size * o->n; }

/* registry.c: a spec object into hyper-parameters (every parameter by name, PyTorch's
 * pair defaults, LBFGS's max_eval default, the rules across fields). */
sl_status sl_opt_decode(const sl_json *doc, int obj, int type, sl_hyper *h);
/* A param_groups entry: the defaults d overridden by the entry's keys (each a parameter of
 * the type, or one of `extra`), checked like a spec; errors name "param_groups[i].field". */
sl_status sl_opt_decode_group(const sl_json *doc, int entry, int type, int i, const char *extra, const sl_hyper *d, sl_hyper *h);
/* The same checks on restored hyper-parameters; failures are SL_STATUS_STATE. */
sl_status sl_opt_recheck(int type, const sl_hyper *h);
/* Offsets of the state arrays; returns the bytes needed, *n_floats -1 when over the cap.
 * custom_states: Custom's state arrays (its rule's block comes first, at off[SL_OPT_ARRAYS - 1] = 0). */
double sl_opt_layout(int type, const sl_hyper *h, int n, int custom_states, int *off, int *n_floats);
/* Whether scheduler s may drive this type: its momentum cycling (st is the status to fail with). */
sl_status sl_opt_scheduler_fits(int type, const sl_scheduler *s, sl_status st, int *momentum_from_scheduler);

/* kernels.c: one optimizer.step() of the element-wise optimizers with grads, group by group. */
void sl_opt_update(sl_optimizer *o, float *params, const float *grads);
/* Group g's momentum (SGD, RMSprop, LARS) or beta1 (Adam family) in effect now. */
double sl_opt_momentum_now(const sl_optimizer *o, int g, double own);
/* The group of parameter i. */
int sl_opt_group_of(const sl_optimizer *o, int i);

/* custom.c: the Custom optimizer's rule block (sl_custom_floats() floats ahead of its state arrays). */
int sl_custom_floats(void);
/* Decodes hyper, state and update of a Custom spec into a new block (the caller frees it);
 * *lr (NaN when the spec has no top-level lr) gets hyper.lr, or 0.001. */
sl_status sl_custom_decode(const sl_json *doc, int obj, double *lr, void **blob);
int sl_custom_states(const void *blob);
/* The state arrays at their start values. */
void sl_custom_init(sl_optimizer *o);
/* One step of group gi's ranges. */
void sl_custom_update(sl_optimizer *o, int gi, float *params, const float *grads, double step);
/* A restored block and state arrays. */
sl_status sl_custom_check(const sl_optimizer *o);

/* state.c */
uint32_t sl_opt_checksum(const sl_optimizer *o);

/* lbfgs.c: one LBFGS.step(closure); the optimizer and params are unchanged when it fails. */
sl_status sl_lbfgs_step(sl_optimizer *o, float *params, sl_closure fn, void *ctx, double *loss, int *evals);

#endif
