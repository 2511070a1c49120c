/* Learning-rate schedulers with torch.optim.lr_scheduler's names, parameters
 * and update rules (PyTorch 1.13), plus the textbook forms courses write by
 * hand (InverseTimeDecay, Keras-style ExponentialDecay, NaturalExpDecay).
 *
 * A scheduler drives every parameter group of its optimizer as PyTorch does
 * (one lr per group, base_lrs per group, list-valued parameters where PyTorch
 * takes lists). It is one allocation of plain data: the "optimizer groups"
 * (current lr, initial_lr, momentum per group) and up to SL_MAX_CHILDREN leaf schedulers
 * (more than one for SequentialLR and ChainedScheduler). Saving is a byte
 * copy with a checksum; restoring validates every value as a spec is
 * validated and continues bit-identically. */
#ifndef SL_SCHEDULER_H
#define SL_SCHEDULER_H

#include <stdint.h>
#include "../base/formula.h"
#include "../base/spec.h"

#define SL_MAX_CHILDREN 8
#define SL_MAX_MILESTONES 32
#define SL_MAX_GROUPS 32    /* parameter groups one scheduler drives (an optimizer's param_groups) */
#define SL_MAX_FORMULAS 16  /* distinct lr_lambda formulas in one scheduler */
#define SL_SCHEDULE_MAX_N 50000000.0 /* lab.schedule's cap on n x groups: 400 MB of doubles */
#define SL_MAX_STEPS 2000000000     /* a scheduler's step count stays far from int overflow */

/* What PyTorch keeps in one optimizer.param_groups[i] that schedulers read and
 * write. OneCycleLR keeps its rates and momentum bounds here, as PyTorch does
 * (so of two OneCycleLRs on one optimizer, the last constructed wins). */
typedef struct {
    double lr;
    double initial_lr;
    double momentum;   /* NaN unless a scheduler cycles momentum */
    double max_lr, min_lr, max_momentum, base_momentum; /* OneCycleLR's group['max_lr'] ...; 0 until one sets them */
    int has_initial_lr;
    int pad;
} sl_group;

/* Each type's scalar parameters by PyTorch's names, filled from its registry row
 * by sl_spec_fill (enums and booleans as their index, 0 or 1; null as NaN).
 * Parameters PyTorch takes per group (a number or a list) live in sl_leaf_group. */
typedef struct { double lr; } sl_lambdalr_p; /* LambdaLR, MultiplicativeLR: lr_lambda per group */
typedef struct { double lr, step_size, gamma; } sl_steplr_p;
typedef struct { double lr, gamma; } sl_multisteplr_p; /* milestones: the leaf's sorted list */
typedef struct { double lr, factor, total_iters; } sl_constantlr_p;
typedef struct { double lr, start_factor, end_factor, total_iters; } sl_linearlr_p;
typedef struct { double lr, gamma; } sl_exponentiallr_p;
typedef struct { double lr, total_iters, power; } sl_polynomiallr_p;
typedef struct { double lr, T_max, eta_min; } sl_cosineannealinglr_p;
typedef struct { double lr, T_0, T_mult, eta_min; } sl_warmrestarts_p;
/* base_lr, max_lr, base_momentum, max_momentum per group */
typedef struct { double lr, step_size_up, step_size_down, mode, gamma, cycle_momentum, window; } sl_cycliclr_p;
/* max_lr, base_momentum, max_momentum per group */
typedef struct {
    double lr, total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum, div_factor,
        final_div_factor, three_phase;
} sl_onecyclelr_p;
typedef struct { double lr, mode, factor, patience, threshold, threshold_mode, cooldown, eps; } sl_plateau_p; /* min_lr per group */
typedef struct { double lr; } sl_composite_p; /* SequentialLR, ChainedScheduler: children are leaves */
typedef struct { double lr, decay_steps, decay_rate, staircase; } sl_decay_p; /* the three textbook decays */

typedef union {
    sl_lambdalr_p lambda;
    sl_steplr_p step;
    sl_multisteplr_p multistep;
    sl_constantlr_p constant;
    sl_linearlr_p linear;
    sl_exponentiallr_p exponential;
    sl_polynomiallr_p polynomial;
    sl_cosineannealinglr_p cosine;
    sl_warmrestarts_p warm;
    sl_cycliclr_p cyclic;
    sl_onecyclelr_p onecycle;
    sl_plateau_p plateau;
    sl_composite_p composite;
    sl_decay_p decay;
} sl_sched_params;

/* One leaf's values for one parameter group: PyTorch's base_lrs[i], and the
 * parameters PyTorch takes as a number or a list with one entry per group. */
typedef struct {
    double base_lr;       /* base_lrs[i] (CyclicLR: its base_lr[i]) */
    double max_lr;        /* CyclicLR: max_lrs[i]; OneCycleLR: its max_lr[i] */
    double base_momentum; /* CyclicLR, OneCycleLR: base_momentum[i] */
    double max_momentum;  /* CyclicLR, OneCycleLR: max_momentum[i] */
    double min_lr;        /* ReduceLROnPlateau: min_lrs[i] */
    int lambda;           /* LambdaLR, MultiplicativeLR: lr_lambdas[i], an index into the scheduler's formulas */
    int pad;
} sl_leaf_group;

typedef struct {
    int type;            /* index into the scheduler registry */
    int last_epoch;
    sl_sched_params p;   /* the member of its type; the other bytes zero */
    /* per-type state */
    double T_cur, T_i;                         /* CosineAnnealingWarmRestarts */
    double best;                               /* ReduceLROnPlateau */
    int num_bad_epochs, cooldown_counter;      /* ReduceLROnPlateau */
    double total_size, step_ratio;             /* CyclicLR */
    double phase_end[3];                       /* OneCycleLR */
    int n_phases, total_steps;                 /* OneCycleLR */
    int n_milestones, pad;                     /* MultiStepLR */
    double milestones[SL_MAX_MILESTONES];      /* MultiStepLR (sorted, repeats kept) */
    sl_leaf_group g[SL_MAX_GROUPS];
} sl_leaf;

typedef struct sl_scheduler {
    uint32_t magic, version, size, checksum;
    int type;        /* root type: a leaf's, or SequentialLR / ChainedScheduler */
    int last_epoch;  /* steps taken */
    int n_groups;    /* parameter groups (1 unless an optimizer with param_groups attaches it) */
    int n_leaves;
    int n_milestones;                       /* SequentialLR */
    int n_formulas;                         /* LambdaLR, MultiplicativeLR */
    double lr0[SL_MAX_GROUPS];              /* each group's initial lr: the spec's lr, or the optimizer's */
    sl_group group[SL_MAX_GROUPS];          /* group-> is the first, whose lr a single-group caller reads */
    double milestones[SL_MAX_CHILDREN - 1]; /* SequentialLR, in the spec's order (PyTorch bisects them as given) */
    sl_leaf leaf[SL_MAX_CHILDREN];
    sl_formula formulas[SL_MAX_FORMULAS];
} sl_scheduler;

/* Creates a scheduler from len bytes of JSON spec; the caller frees it with
 * sl_scheduler_free. Sizes and counts of the exported entry points arrive as
 * doubles (JS numbers, exactly) and are range-checked before any conversion. */
sl_status sl_scheduler_create(const char *json, double len, sl_scheduler **out);
/* The same for n_groups parameter groups whose initial lrs are lrs[0..n_groups)
 * (JS numbers as they cross the ABI, checked here); the spec must then not set lr. */
sl_status sl_scheduler_create_groups(const char *json, double len, const double *lrs, double n_groups, sl_scheduler **out);
/* The same from the spec object at node obj of a parsed document. lrs are the
 * groups' initial lrs when an optimizer attaches the scheduler (the spec must
 * then not set "lr"), or NULL to take the spec's own lr (default 0.1) for one group. */
sl_status sl_scheduler_from_spec(const sl_json *doc, int obj, const double *lrs, int n_groups, sl_scheduler **out);
void sl_scheduler_free(sl_scheduler *s);

/* One scheduler.step(); `metric` is used (and required) by ReduceLROnPlateau only. */
sl_status sl_scheduler_step(sl_scheduler *s, double metric, int has_metric);
/* Group 0's lr and momentum (PyTorch's param_groups[0]); momentum is NaN unless cycled. */
double sl_scheduler_lr(const sl_scheduler *s);
double sl_scheduler_momentum(const sl_scheduler *s);
int sl_scheduler_n_groups(const sl_scheduler *s);
/* Group g's lr and momentum (g in [0, n_groups); NaN outside). */
double sl_scheduler_group_lr(const sl_scheduler *s, int g);
double sl_scheduler_group_momentum(const sl_scheduler *s, int g);
int sl_scheduler_last_epoch(const sl_scheduler *s);
/* Group g's lr when the scheduler was created (its spec's, or the optimizer's). */
double sl_scheduler_initial_lr(const sl_scheduler *s, int g);
const char *sl_scheduler_type(const sl_scheduler *s);
int sl_scheduler_needs_metric(const sl_scheduler *s);

/* Saved state: exactly sl_scheduler_state_size() bytes. Restore checks magic,
 * version, size and checksum, then every value with the rules of a spec and
 * the invariants between them, before using any of it. */
int sl_scheduler_state_size(const sl_scheduler *s);
void sl_scheduler_state_save(sl_scheduler *s, void *buf);
sl_status sl_scheduler_restore(const void *buf, double len, sl_scheduler **out);
/* The checks of sl_scheduler_restore on a state in place (e.g. one embedded in
 * an optimizer's state); the message names the field. */
sl_status sl_scheduler_state_check(const sl_scheduler *s);
/* NULL when a and b were made from the same spec (parameters, per-group values,
 * formulas, milestones: what construction reads; not the state stepping changes),
 * else the name of the first parameter that differs. */
const char *sl_scheduler_differs(const sl_scheduler *a, const sl_scheduler *b);

/* lab.schedule: out[g * n + k] is group g's lr after k steps, for k < n; one group from
 * the spec's lr when n_groups is 0, else n_groups groups starting from lrs. Allocates *out. */
sl_status sl_schedule_run(const char *json, double len, double n, const double *metrics, double n_metrics, const double *lrs,
                          double n_groups, double **out);

/* The registry as JSON for the JS API and the page's controls. */
int sl_schedulers_json(char **buf, int len, int *cap);

#endif
