/* Learning-rate schedulers with torch.optim.lr_scheduler's names, parameters
 * and update rules (PyTorch 1.13), plus the textbook forms courses write by
 * hand (InverseTimeDecay, Keras-style ExponentialDecay, NaturalExpDecay).
 *
 * A scheduler is one allocation of plain data: the shared "optimizer group"
 * (current lr, initial_lr, momentum) and up to SL_MAX_CHILDREN leaf schedulers
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
#define SL_SCHEDULE_MAX_N 50000000.0 /* lab.schedule's cap on n: 400 MB of doubles */
#define SL_MAX_STEPS 2000000000     /* a scheduler's step count stays far from int overflow */

/* What PyTorch keeps in optimizer.param_groups[0] that schedulers read and write. */
typedef struct {
    double lr;
    double initial_lr;
    double momentum;   /* NaN unless a scheduler cycles momentum */
    int has_initial_lr;
} sl_group;

/* Each type's parameters by PyTorch's names, filled from its registry row by
 * sl_spec_fill (enums and booleans as their index, 0 or 1; null as NaN). */
typedef struct { double lr; } sl_lambdalr_p; /* LambdaLR, MultiplicativeLR: lr_lambda is the leaf's formula */
typedef struct { double lr, step_size, gamma; } sl_steplr_p;
typedef struct { double lr, gamma; } sl_multisteplr_p; /* milestones: the leaf's sorted list */
typedef struct { double lr, factor, total_iters; } sl_constantlr_p;
typedef struct { double lr, start_factor, end_factor, total_iters; } sl_linearlr_p;
typedef struct { double lr, gamma; } sl_exponentiallr_p;
typedef struct { double lr, total_iters, power; } sl_polynomiallr_p;
typedef struct { double lr, T_max, eta_min; } sl_cosineannealinglr_p;
typedef struct { double lr, T_0, T_mult, eta_min; } sl_warmrestarts_p;
typedef struct {
    double lr, base_lr, max_lr, step_size_up, step_size_down, mode, gamma, cycle_momentum, base_momentum, max_momentum;
} sl_cycliclr_p;
typedef struct {
    double lr, max_lr, total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum, base_momentum,
        max_momentum, div_factor, final_div_factor, three_phase;
} sl_onecyclelr_p;
typedef struct { double lr, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps; } sl_plateau_p;
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

typedef struct {
    int type;            /* index into the scheduler registry */
    int last_epoch;
    double base_lr;
    sl_sched_params p;   /* the member of its type; the other bytes zero */
    /* per-type state */
    double T_cur, T_i;                         /* CosineAnnealingWarmRestarts */
    double best;                               /* ReduceLROnPlateau */
    int num_bad_epochs, cooldown_counter;      /* ReduceLROnPlateau */
    double total_size, step_ratio;             /* CyclicLR */
    double max_lr, min_lr, initial_lr;         /* OneCycleLR */
    double phase_end[3];                       /* OneCycleLR */
    int n_phases, total_steps;                 /* OneCycleLR */
    int n_milestones;                          /* MultiStepLR */
    double milestones[SL_MAX_MILESTONES];      /* MultiStepLR (sorted, repeats kept) */
    sl_formula formula;                        /* LambdaLR, MultiplicativeLR */
} sl_leaf;

typedef struct sl_scheduler {
    uint32_t magic, version, size, checksum;
    int type;        /* root type: a leaf's, or SequentialLR / ChainedScheduler */
    int last_epoch;  /* steps taken */
    double lr0;      /* the spec's lr: the optimizer's initial learning rate */
    sl_group group;
    int n_leaves;
    int n_milestones;                       /* SequentialLR */
    double milestones[SL_MAX_CHILDREN - 1]; /* SequentialLR */
    sl_leaf leaf[SL_MAX_CHILDREN];
} sl_scheduler;

/* Creates a scheduler from len bytes of JSON spec; the caller frees it with
 * sl_scheduler_free. Sizes and counts of the exported entry points arrive as
 * doubles (JS numbers, exactly) and are range-checked before any conversion. */
sl_status sl_scheduler_create(const char *json, double len, sl_scheduler **out);
/* The same from the spec object at node obj of a parsed document. lr is the
 * optimizer's lr when an optimizer attaches the scheduler (the spec must then
 * not set "lr"), or NaN to take the spec's own lr (default 0.1). */
sl_status sl_scheduler_from_spec(const sl_json *doc, int obj, double lr, sl_scheduler **out);
void sl_scheduler_free(sl_scheduler *s);

/* One scheduler.step(); `metric` is used (and required) by ReduceLROnPlateau only. */
sl_status sl_scheduler_step(sl_scheduler *s, double metric, int has_metric);
double sl_scheduler_lr(const sl_scheduler *s);
double sl_scheduler_momentum(const sl_scheduler *s);
int sl_scheduler_last_epoch(const sl_scheduler *s);
/* The lr the scheduler was created with (its spec's, or the optimizer's). */
double sl_scheduler_initial_lr(const sl_scheduler *s);
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

/* lab.schedule: out[k] is the lr after k steps, for k < n. Allocates *out. */
sl_status sl_schedule_run(const char *json, double len, double n, const double *metrics, double n_metrics, double **out);

/* The registry as JSON for the JS API and the page's controls. */
int sl_schedulers_json(char **buf, int len, int *cap);

#endif
