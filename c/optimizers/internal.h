/* Shared between the optimizer files: type indices, array slots, the LBFGS step. */
#ifndef SL_OPTIMIZERS_INTERNAL_H
#define SL_OPTIMIZERS_INTERNAL_H

#include "optimizer.h"

enum {
    O_SGD, O_Adagrad, O_RMSprop, O_Adadelta, O_Adam, O_AdamW, O_Adamax, O_NAdam, O_RAdam, O_Rprop, O_LBFGS,
    O_DeltaBarDelta, O_COUNT
};

/* LBFGS's arrays (index into off[]); old_dirs and old_stps hold history_size rows of n. */
enum { L_D, L_PREV_G, L_G, L_X0, L_Q, L_S0, L_S1, L_S2, L_DIRS, L_STPS };

static inline float *sl_opt_array(sl_optimizer *o, int k) { return (float *)(o + 1) + o->off[k]; }

/* ro and al live after the two history blocks. */
static inline float *sl_lbfgs_ro(sl_optimizer *o) { return sl_opt_array(o, L_STPS) + (size_t)o->h.history_size * o->n; }

sl_status sl_lbfgs_step(sl_optimizer *o, float *params, sl_closure fn, void *ctx, double *loss, int *evals);

#endif
