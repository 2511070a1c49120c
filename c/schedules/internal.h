/* Shared between the scheduler files: type indices, the registry row, the leaf
 * rules (leaf.c) that the composites (scheduler.c) and the state checks
 * (state.c) use. Not for other modules: they use scheduler.h. */
#ifndef SL_SCHEDULES_INTERNAL_H
#define SL_SCHEDULES_INTERNAL_H

#include "scheduler.h"

enum {
    T_LambdaLR, T_MultiplicativeLR, T_StepLR, T_MultiStepLR, T_ConstantLR, T_LinearLR, T_ExponentialLR,
    T_PolynomialLR, T_CosineAnnealingLR, T_CosineAnnealingWarmRestarts, T_CyclicLR, T_OneCycleLR,
    T_ReduceLROnPlateau, T_SequentialLR, T_ChainedScheduler, T_InverseTimeDecay, T_ExponentialDecay,
    T_NaturalExpDecay, T_COUNT
};

#define SL_SCHED_MAGIC 0x53434844u /* "SCHD" */
#define SL_SCHED_VERSION 2u        /* 2: parameters by name (sl_sched_params), lr0 */

typedef struct {
    sl_kind head;
    int closed_form; /* PyTorch has _get_closed_form_lr (used by SequentialLR's step(0)) */
    size_t p_size;   /* bytes of its member of sl_sched_params */
} sched_kind;

extern const sched_kind sl_sched_kinds[T_COUNT];

static inline const char *sl_sched_name(int t) { return sl_sched_kinds[t].head.name; }
static inline int sl_sched_composite(int t) { return t == T_SequentialLR || t == T_ChainedScheduler; }

/* leaf.c: decodes a leaf spec and does what its PyTorch constructor does to the
 * group; lr (not NaN) replaces the spec's lr, as an optimizer hands in its own. */
sl_status sl_leaf_init(sl_leaf *L, sl_group *g, const sl_json *doc, int obj, int t, double lr);
/* The constants a leaf derives from its parameters (CyclicLR's cycle, OneCycleLR's
 * phases and rates); the state check compares a restored leaf with them. */
sl_status sl_leaf_derive(sl_leaf *L);
/* PyTorch's step() without an epoch, and the step(0) SequentialLR makes at a milestone. */
sl_status sl_leaf_step(sl_leaf *L, sl_group *g);
sl_status sl_leaf_step_zero(sl_leaf *L, sl_group *g);
/* ReduceLROnPlateau.step(metrics) */
void sl_leaf_plateau_step(sl_leaf *L, sl_group *g, double current);
/* The lr (and momentum) a leaf's rule gives at its last_epoch from the group g,
 * without changing either: chainable, or the closed form when closed is set. */
sl_status sl_leaf_lr(const sl_leaf *L, const sl_group *g, int closed, double *lr, double *momentum);

/* state.c */
uint32_t sl_sched_checksum(const sl_scheduler *s);

#endif
