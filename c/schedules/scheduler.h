/* Learning-rate schedulers with torch.optim.lr_scheduler's names, parameters
 * and update rules (PyTorch 1.13), plus the textbook forms courses write by
 * hand (InverseTimeDecay, Keras-style ExponentialDecay, NaturalExpDecay).
 *
 * A scheduler is one allocation of plain data: the shared "optimizer group"
 * (current lr, initial_lr, momentum) and up to SL_MAX_CHILDREN leaf schedulers
 * (more than one for SequentialLR and ChainedScheduler). Saving is a byte
 * copy with a checksum; restoring continues bit-identically. */
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

typedef struct {
    int type;            /* index into the scheduler registry */
    int last_epoch;
    double base_lr;
    double p[SL_MAX_PARAMS];  /* decoded parameters, in registry order */
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
    sl_group group;
    int n_leaves;
    int n_milestones;                       /* SequentialLR */
    double milestones[SL_MAX_CHILDREN - 1]; /* SequentialLR */
    sl_leaf leaf[SL_MAX_CHILDREN];
} sl_scheduler;

/* Creates a scheduler from a JSON spec; the caller frees it with sl_scheduler_free. */
sl_status sl_scheduler_create(const char *json, int len, sl_scheduler **out);
/* Same, from an already parsed spec object (for optimizers that attach one). */
sl_status sl_scheduler_from_spec(const sl_json *doc, int obj, sl_scheduler **out);
void sl_scheduler_free(sl_scheduler *s);

/* One scheduler.step(); `metric` is used (and required) by ReduceLROnPlateau only. */
sl_status sl_scheduler_step(sl_scheduler *s, double metric, int has_metric);
double sl_scheduler_lr(const sl_scheduler *s);
double sl_scheduler_momentum(const sl_scheduler *s);
int sl_scheduler_last_epoch(const sl_scheduler *s);
const char *sl_scheduler_type(const sl_scheduler *s);
int sl_scheduler_needs_metric(const sl_scheduler *s);

/* Saved state: exactly sl_scheduler_state_size() bytes. Restore validates
 * magic, version, size, checksum and every index before using any of it. */
int sl_scheduler_state_size(const sl_scheduler *s);
void sl_scheduler_state_save(sl_scheduler *s, void *buf);
sl_status sl_scheduler_restore(const void *buf, int len, sl_scheduler **out);

/* lab.schedule: out[k] is the lr after k steps, for k < n. Allocates *out. */
sl_status sl_schedule_run(const char *json, int len, double n, const double *metrics, int n_metrics, double **out);

/* The registry as JSON for the JS API and the page's controls. */
int sl_schedulers_json(char **buf, int len, int *cap);

#endif
