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
#define SL_SCHED_VERSION 3u        /* 3: parameter groups (lr0, group, per-group leaf values, formula pool) */

typedef struct {
    sl_kind head;
    int closed_form; /* PyTorch has _get_closed_form_lr (used by SequentialLR's step(0)) */
    size_t p_size;   /* bytes of its member of sl_sched_params */
} sched_kind;

extern const sched_kind sl_sched_kinds[T_COUNT];

static inline const char *sl_sched_name(int t) { return sl_sched_kinds[t].head.name; }
static inline int sl_sched_composite(int t) { return t == T_SequentialLR || t == T_ChainedScheduler; }

/* leaf.c: decodes a leaf spec: its parameters, its per-group values (a number for
 * every group or a list with one per group, named in errors) and its formulas
 * (added to s->formulas). */
sl_status sl_leaf_decode(sl_leaf *L, sl_scheduler *s, const sl_json *doc, int obj, int t);
/* What the leaf's PyTorch constructor does to the groups of s (CyclicLR's base_lr,
 * OneCycleLR's initial_lr, max_lr, min_lr and momentum bounds, the base class's
 * initial_lr and base_lrs) and its initial step. */
sl_status sl_leaf_construct(sl_leaf *L, sl_scheduler *s);
/* The constants a leaf derives from its parameters (CyclicLR's cycle, OneCycleLR's phases). */
sl_status sl_leaf_derive(sl_leaf *L);
/* PyTorch's step() without an epoch, and the step(0) SequentialLR makes at a milestone, on every group. */
sl_status sl_leaf_step(sl_leaf *L, sl_scheduler *s);
sl_status sl_leaf_step_zero(sl_leaf *L, sl_scheduler *s);
/* ReduceLROnPlateau.step(metrics): NaN and infinite metrics count as bad epochs, as in PyTorch. */
void sl_leaf_plateau_step(sl_leaf *L, sl_scheduler *s, double current);
/* The lr (and momentum) a leaf's rule gives group gi at its last_epoch, without
 * changing anything: chainable, or the closed form when closed is set. */
sl_status sl_leaf_lr(const sl_leaf *L, const sl_scheduler *s, int gi, int closed, double *lr, double *momentum);
/* CyclicLR's window applied to the triangle's height h in [0, 1]: h itself (PyTorch's
 * triangle), 1 - (1 - h)^2 (Welch, parabolic) or (1 - cos(pi h)) / 2 (Hann, sinusoidal). */
double sl_cyclic_window(int window, double h);

/* scheduler.c: a fresh scheduler r constructed from the parameters, per-group values, formulas
 * and milestones of s alone (what construction gives, for a restore to compare); and Python's
 * bisect_right, SequentialLR's choice of child. */
sl_status sl_sched_reconstruct(const sl_scheduler *s, sl_scheduler *r);
int sl_sched_bisect(const double *m, int n, double x);

/* state.c */
uint32_t sl_sched_checksum(const sl_scheduler *s);

#endif
