/* Shared between the optimizer files (registry, create/step, kernels, state,
 * inspect, LBFGS): the object's layout, type indices, array slots and the
 * functions one file gives another. Other modules use optimizer.h only; the
 * tests that forge saved states include this on purpose. */
#ifndef SL_OPTIMIZERS_INTERNAL_H
#define SL_OPTIMIZERS_INTERNAL_H

#include "optimizer.h"

#define SL_OPT_MAGIC 0x4f505432u /* "OPT2" */
#define SL_OPT_VERSION 3u        /* 3: hyper-parameters by name, scheduler state version 2 */
#define SL_OPT_ARRAYS 10

enum {
    O_SGD, O_Adagrad, O_RMSprop, O_Adadelta, O_Adam, O_AdamW, O_Adamax, O_NAdam, O_RAdam, O_Rprop, O_LBFGS,
    O_DeltaBarDelta, O_COUNT
};

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
    int nesterov, maximize, centered, amsgrad, max_iter, max_eval, history_size, line_search_fn;
    int bias_correction; /* Adam, AdamW: 0 drops the 1 - beta^t corrections (apex's FusedAdam switch) */
} sl_hyper;

/* One allocation of plain data: this header, then n_floats float32 state arrays
 * addressed by off[], so saving is a byte copy. */
struct sl_optimizer {
    uint32_t magic, version, size, checksum;
    int type;           /* index into the optimizer registry */
    int n;              /* parameters */
    int has_scheduler;
    int momentum_from_scheduler; /* the scheduler cycles momentum (SGD, RMSprop) or beta1 (Adam family) */
    sl_hyper h;
    double lr;          /* the group's lr now (PyTorch: param_groups[0]['lr']) */
    double steps;       /* step() calls so far (PyTorch's state['step']) */
    int buf_ready;      /* SGD: momentum buffer exists */
    float mu_product;   /* NAdam: float32 as in PyTorch */
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
static inline float *sl_lbfgs_ro(sl_optimizer *o) { return sl_opt_array(o, L_STPS) + (size_t)o->h.history_size * o->n; }

/* registry.c: a spec object into hyper-parameters (every parameter by name, PyTorch's
 * pair defaults, LBFGS's max_eval default, the rules across fields). */
sl_status sl_opt_decode(const sl_json *doc, int obj, int type, sl_hyper *h);
/* The same checks on restored hyper-parameters; failures are SL_STATUS_STATE. */
sl_status sl_opt_recheck(int type, const sl_hyper *h);
/* Offsets of the state arrays; returns the bytes needed, *n_floats -1 when over the cap. */
double sl_opt_layout(int type, const sl_hyper *h, int n, int *off, int *n_floats);
/* Whether scheduler s may drive this type: its momentum cycling (st is the status to fail with). */
sl_status sl_opt_scheduler_fits(int type, const sl_scheduler *s, sl_status st, int *momentum_from_scheduler);

/* kernels.c: one optimizer.step() of the element-wise optimizers with grads. */
void sl_opt_update(sl_optimizer *o, float *params, const float *grads);
/* The group's momentum (SGD, RMSprop) or beta1 (Adam family) in effect now. */
double sl_opt_momentum_now(const sl_optimizer *o, double own);

/* state.c */
uint32_t sl_opt_checksum(const sl_optimizer *o);

/* lbfgs.c: one LBFGS.step(closure); the optimizer and params are unchanged when it fails. */
sl_status sl_lbfgs_step(sl_optimizer *o, float *params, sl_closure fn, void *ctx, double *loss, int *evals);

#endif
