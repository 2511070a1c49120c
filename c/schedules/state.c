/* Saved scheduler states: a byte copy with a checksum (which detects
 * accidents, not forgeries). A restore is as strict as a create: every
 * parameter passes its descriptor again, the constants derived from them are
 * recomputed and compared, the step counts of the root and its leaves agree
 * with each other and with SequentialLR's milestones, each leaf's base_lr is
 * the one construction gives, and the group's lr is the one the rule gives at
 * that step (exactly, or within rounding for PyTorch's recursive forms), or
 * for the history-dependent ones within the range the schedule can reach. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cold code (validation, messages): compiled for size, like spec.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define INF INFINITY
#define BAD(thing, field, ...) sl_fail(SL_STATUS_STATE, thing, field, __VA_ARGS__)

uint32_t sl_sched_checksum(const sl_scheduler *s)
{
    /* FNV-1a over every byte after the checksum field */
    const unsigned char *b = (const unsigned char *)s;
    uint32_t h = 2166136261u;
    for (size_t i = offsetof(sl_scheduler, type); i < sizeof *s; i++) h = (h ^ b[i]) * 16777619u;
    return h;
}

int sl_scheduler_state_size(const sl_scheduler *s)
{
    (void)s;
    return (int)sizeof(sl_scheduler);
}

void sl_scheduler_state_save(sl_scheduler *s, void *buf)
{
    s->checksum = sl_sched_checksum(s);
    memcpy(buf, s, sizeof *s);
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i]) return 0;
    return 1;
}

static int is_int(double v) { return isfinite(v) && floor(v) == v; }

/* OneCycleLR's reach, lr (k = 0) or momentum (k = 1): PyTorch's linear anneal
 * extrapolates past a phase's end (its last step, and phases shorter than a
 * step), the cosine one stays between the phase's ends. */
static void onecycle_range(const sl_leaf *L, int k, double *lo, double *hi)
{
    const sl_onecyclelr_p *P = &L->p.onecycle;
    int n = L->n_phases;
    double hi_m = P->max_momentum, lo_m = P->base_momentum, seen = -INFINITY;
    *lo = INFINITY, *hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        double a, b; /* the phase's start and end value */
        if (k == 0) {
            a = i == 0 ? L->initial_lr : i == 1 ? L->max_lr : L->initial_lr;
            b = i == 0 ? L->max_lr : i == 1 ? (n == 3 ? L->initial_lr : L->min_lr) : L->min_lr;
        } else {
            a = n == 3 ? (i == 1 ? lo_m : hi_m) : (i == 0 ? hi_m : lo_m);
            b = i == 0 ? lo_m : hi_m;
        }
        double start = i ? L->phase_end[i - 1] : 0, end = L->phase_end[i];
        double first = i ? floor(seen) + 1 : 0, last = i == n - 1 ? L->total_steps : floor(end);
        seen = fmax(seen, end);
        if (first < 0) first = 0;
        *lo = fmin(*lo, fmin(a, b)), *hi = fmax(*hi, fmax(a, b));
        if (P->anneal_strategy == 0 || first > last) continue;
        for (int j = 0; j < 2; j++) {
            double v = (b - a) * (((j ? last : first) - start) / (end - start)) + a;
            *lo = fmin(*lo, v), *hi = fmax(*hi, v);
        }
    }
}

/* The range of lrs a leaf's rule can reach from its base_lr (PyTorch's
 * recursive forms stay inside it in exact arithmetic). */
static void envelope(const sl_leaf *L, double *lo, double *hi)
{
    const sl_sched_params *p = &L->p;
    double b = L->base_lr, x = b, y = b;
    switch (L->type) {
    case T_StepLR: x = p->step.gamma <= 1 ? 0 : b, y = p->step.gamma <= 1 ? b : INF; break;
    case T_MultiStepLR: x = p->multistep.gamma <= 1 ? 0 : b, y = p->multistep.gamma <= 1 ? b : INF; break;
    case T_ExponentialLR: x = p->exponential.gamma <= 1 ? 0 : b, y = p->exponential.gamma <= 1 ? b : INF; break;
    case T_ExponentialDecay: x = p->decay.decay_rate <= 1 ? 0 : b, y = p->decay.decay_rate <= 1 ? b : INF; break;
    case T_ConstantLR: x = b * p->constant.factor; break;
    case T_LinearLR:
        x = b * fmin(p->linear.start_factor, p->linear.end_factor), y = b * fmax(p->linear.start_factor, p->linear.end_factor);
        break;
    case T_PolynomialLR: case T_InverseTimeDecay: case T_NaturalExpDecay: x = 0; break;
    case T_CosineAnnealingLR: x = fmin(b, p->cosine.eta_min), y = fmax(b, p->cosine.eta_min); break;
    case T_CosineAnnealingWarmRestarts: x = fmin(b, p->warm.eta_min), y = fmax(b, p->warm.eta_min); break;
    case T_CyclicLR: {
        double u = p->cyclic.base_lr, v = p->cyclic.max_lr;
        int grows = p->cyclic.mode == 2 && p->cyclic.gamma > 1;
        x = grows && v < u ? -INF : fmin(u, v), y = grows && v > u ? INF : fmax(u, v);
        break;
    }
    case T_OneCycleLR: onecycle_range(L, 0, &x, &y); break;
    case T_ReduceLROnPlateau: x = fmin(p->plateau.min_lr, p->plateau.lr), y = p->plateau.lr; break;
    default: x = -INF, y = INF; /* LambdaLR, MultiplicativeLR: any factor */
    }
    *lo = x, *hi = y;
}

/* T_cur and T_i of CosineAnnealingWarmRestarts after `steps` steps since its step(0). */
static void warm_position(const sl_warmrestarts_p *P, double steps, double *T_cur, double *T_i)
{
    if (P->T_mult == 1) {
        *T_i = P->T_0;
        *T_cur = fmod(steps, P->T_0);
        return;
    }
    double done = 0, Ti = P->T_0;
    while (done + Ti <= steps) {
        done += Ti;
        Ti *= P->T_mult;
    }
    *T_cur = steps - done, *T_i = Ti;
}

/* One leaf: its parameters, the constants derived from them, its counters; `epoch` is the
 * last_epoch the root's step count and SequentialLR's milestones give it, `shift` 1 when
 * it was first stepped from -1 (SequentialLR's second child after a milestone at 0). */
SL_COMPACT static sl_status leaf_check(const sl_leaf *L, int epoch, int shift)
{
    if (L->type < 0 || L->type >= T_COUNT || sl_sched_composite(L->type))
        return BAD("scheduler", "state", "holds an unknown or composite scheduler type %d inside", L->type);
    const sched_kind *k = &sl_sched_kinds[L->type];
    const char *name = k->head.name;
    sl_status st = sl_spec_recheck(&k->head, &L->p);
    if (st) return st;
    if (!all_zero((const char *)&L->p + k->p_size, sizeof L->p - k->p_size))
        return BAD(name, "state", "has bytes set beyond %s's parameters", name);
    if (L->last_epoch != epoch)
        return BAD(name, "last_epoch", "in the saved state is %d, but the scheduler's step count and milestones give %d",
                   L->last_epoch, epoch);

    /* what the leaf derives from its parameters */
    sl_leaf d;
    memset(&d, 0, sizeof d);
    d.type = L->type;
    d.p = L->p;
    if (L->type == T_CyclicLR && isnan(L->p.cyclic.step_size_down))
        return BAD(name, "step_size_down", "in the saved state is null; construction replaces it by step_size_up");
    if (sl_leaf_derive(&d)) return BAD(name, "total_steps", "in the saved state does not give a cycle length of 1 to 1e9 steps");
    if (d.total_size != L->total_size || d.step_ratio != L->step_ratio)
        return BAD(name, "step_size_up", "and step_size_down do not match the saved cycle (%s steps)", sl_num(L->total_size).s);
    if (d.total_steps != L->total_steps || d.n_phases != L->n_phases || d.initial_lr != L->initial_lr ||
        d.max_lr != L->max_lr || d.min_lr != L->min_lr || memcmp(d.phase_end, L->phase_end, sizeof d.phase_end) != 0)
        return BAD(name, "total_steps", "max_lr, pct_start and the div factors do not match the saved phases");
    if (L->type == T_OneCycleLR && L->last_epoch > L->total_steps)
        return BAD(name, "last_epoch", "in the saved state is %d, past total_steps %d", L->last_epoch, L->total_steps);

    /* MultiStepLR's sorted milestones */
    int n_m = L->n_milestones;
    if (L->type == T_MultiStepLR ? n_m < 1 || n_m > SL_MAX_MILESTONES : n_m != 0)
        return BAD(name, "milestones", "in the saved state has %d entries", n_m);
    for (int i = 0; i < n_m; i++)
        if (!is_int(L->milestones[i]) || L->milestones[i] < 0 || L->milestones[i] > 1e9 ||
            (i > 0 && L->milestones[i] < L->milestones[i - 1]))
            return BAD(name, "milestones", "[%d] in the saved state must be a sorted integer in [0, 1e9], got %s", i,
                       sl_num(L->milestones[i]).s);
    if (!all_zero(L->milestones + n_m, sizeof L->milestones - (size_t)n_m * sizeof(double)))
        return BAD(name, "milestones", "in the saved state has values past its %d entries", n_m);

    if (L->type == T_LambdaLR || L->type == T_MultiplicativeLR ? !sl_formula_valid(&L->formula)
                                                                : !all_zero(&L->formula, sizeof L->formula))
        return BAD(name, "lr_lambda", "in the saved state is not a valid compiled formula");

    if (L->type == T_CosineAnnealingWarmRestarts) {
        double T_cur, T_i;
        if (epoch < 0) T_cur = 0, T_i = L->p.warm.T_0;
        else warm_position(&L->p.warm, epoch + shift, &T_cur, &T_i);
        if (L->T_cur != T_cur || L->T_i != T_i)
            return BAD(name, "T_cur", "and T_i in the saved state are %s and %s; step %d of T_0 %s, T_mult %s gives %s and %s",
                       sl_num(L->T_cur).s, sl_num(L->T_i).s, epoch, sl_num(L->p.warm.T_0).s, sl_num(L->p.warm.T_mult).s,
                       sl_num(T_cur).s, sl_num(T_i).s);
    } else if (L->T_cur != 0 || L->T_i != 0) {
        return BAD(name, "T_cur", "in the saved state is set, but only CosineAnnealingWarmRestarts has a period");
    }

    if (L->type == T_ReduceLROnPlateau) {
        const sl_plateau_p *P = &L->p.plateau;
        double worst = P->mode == 0 ? INF : -INF;
        if (!(isfinite(L->best) || L->best == worst))
            return BAD(name, "best", "in the saved state must be a finite metric or %s, got %s", sl_num(worst).s, sl_num(L->best).s);
        if (L->num_bad_epochs < 0 || L->num_bad_epochs > P->patience)
            return BAD(name, "num_bad_epochs", "in the saved state must be in [0, patience = %s], got %d", sl_num(P->patience).s,
                       L->num_bad_epochs);
        if (L->cooldown_counter < 0 || L->cooldown_counter > P->cooldown)
            return BAD(name, "cooldown_counter", "in the saved state must be in [0, cooldown = %s], got %d", sl_num(P->cooldown).s,
                       L->cooldown_counter);
    } else if (L->best != 0 || L->num_bad_epochs != 0 || L->cooldown_counter != 0) {
        return BAD(name, "best", "in the saved state is set, but only ReduceLROnPlateau tracks a metric");
    }
    return SL_STATUS_OK;
}

/* SequentialLR: the last_epoch of child j after `r` steps, and whether it was first stepped from -1. */
static int sequential_epoch(const sl_scheduler *s, int j, int r, int *shift)
{
    const double *m = s->milestones;
    *shift = 0;
    if (j == 0) return s->n_milestones == 0 ? r : m[0] == 0 ? 0 : (int)fmin(r, m[0] - 1);
    double start = fmax(m[j - 1], 1), end = j < s->n_milestones ? m[j] - 1 : INF;
    if (r < start || end < start) return -1;
    *shift = m[j - 1] == 0; /* no step(0) at a milestone 0: the first step() came from -1 */
    return (int)(fmin(r, end) - start);
}

/* A single leaf's lr against its rule: exact for the rules that read only the step count,
 * within rounding for PyTorch's recursive forms. *decided is 0 when the rule cannot say
 * (history-dependent rules, or a closed form that overflows before the recursive one does). */
static sl_status rule_check(const sl_scheduler *s, int *decided)
{
    const sl_leaf *L = &s->leaf[0];
    const sl_group *g = &s->group;
    const char *name = sl_sched_name(s->type);
    /* ConstantLR and LinearLR with total_iters 0: PyTorch's recursive and closed forms differ */
    int no_iters = (L->type == T_ConstantLR && L->p.constant.total_iters == 0) ||
                   (L->type == T_LinearLR && L->p.linear.total_iters == 0);
    *decided = 0;
    if (s->n_leaves != 1 || s->type == T_ReduceLROnPlateau || s->type == T_MultiplicativeLR || no_iters) return SL_STATUS_OK;
    double want, mom;
    int exact = !sl_sched_kinds[L->type].closed_form || L->type >= T_InverseTimeDecay;
    sl_status st = sl_leaf_lr(L, g, !exact, &want, &mom);
    sl_error_clear();
    if (st && !exact) return SL_STATUS_OK;
    *decided = 1;
    if (st) return BAD(name, "lr", "in the saved state cannot be reached: the rule fails at step %d", L->last_epoch);
    double scale = L->type == T_CosineAnnealingLR ? fabs(L->base_lr) + fabs(L->p.cosine.eta_min) : fabs(want);
    if (exact ? g->lr != want : !(fabs(g->lr - want) <= 1e-6 * scale + 1e-300))
        return BAD(name, "lr", "in the saved state is %s, but the rule gives %s at step %d", sl_num(g->lr).s, sl_num(want).s,
                   L->last_epoch);
    if (!(mom == g->momentum || (isnan(mom) && isnan(g->momentum))))
        return BAD(name, "momentum", "in the saved state is %s, but the rule gives %s", sl_num(g->momentum).s, sl_num(mom).s);
    return SL_STATUS_OK;
}

/* The group's lr: the rule's (rule_check), or within what the schedule can reach: a leaf's
 * range, times the other leaves' factors for ChainedScheduler. */
SL_COMPACT static sl_status lr_check(const sl_scheduler *s)
{
    const char *name = sl_sched_name(s->type);
    double lr = s->group.lr, lo = INF, hi = -INF, rlo = 1, rhi = 1;
    if (!isfinite(lr)) return BAD(name, "lr", "in the saved state must be finite, got %s", sl_num(lr).s);
    int decided;
    sl_status st = rule_check(s, &decided);
    if (st || decided) return st;
    int no_lo = 0, no_hi = 0;
    for (int i = 0; i < s->n_leaves; i++) {
        const sl_leaf *L = &s->leaf[i];
        double x, y, b = L->base_lr;
        envelope(L, &x, &y);
        /* in a chain, PyTorch's recursive cosine mixes an offset into the product */
        if (s->type == T_ChainedScheduler && L->type == T_CosineAnnealingLR) x = -INF, y = INF;
        lo = fmin(lo, b), hi = fmax(hi, b);
        if (x == -INF) no_lo = 1;
        else rlo *= fmin(1, x / b);
        if (y == INF) no_hi = 1;
        else rhi *= fmax(1, y / b);
    }
    lo = no_lo ? -INF : lo * rlo, hi = no_hi ? INF : hi * rhi;
    if (s->type == T_ReduceLROnPlateau) lo = fmin(s->leaf[0].p.plateau.min_lr, s->lr0), hi = s->lr0;
    double slack = 1e-6 * fmax(isfinite(lo) ? fabs(lo) : 0, isfinite(hi) ? fabs(hi) : 0);
    if (!(lr >= (lo >= 0 ? fmax(0, lo - slack) : lo - slack) && lr <= hi + slack))
        return BAD(name, "lr", "in the saved state must be within [%s, %s], what the schedule can reach, got %s", sl_num(lo).s,
                   sl_num(hi).s, sl_num(lr).s);
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_scheduler_state_check(const sl_scheduler *s)
{
    if (s->magic != SL_SCHED_MAGIC) return BAD("scheduler", "state", "is not a steplab scheduler state");
    if (s->version != SL_SCHED_VERSION)
        return BAD("scheduler", "state", "is from another version of steplab (state version %u, this one reads %u)", s->version,
                   SL_SCHED_VERSION);
    if (s->size != sizeof *s) return BAD("scheduler", "state", "has the wrong size");
    if (s->checksum != sl_sched_checksum(s)) return BAD("scheduler", "state", "is corrupted (checksum mismatch)");
    if (s->type < 0 || s->type >= T_COUNT) return BAD("scheduler", "type", "in the saved state is unknown (%d)", s->type);
    const char *name = sl_sched_name(s->type);
    int composite = sl_sched_composite(s->type);
    if (s->last_epoch < 0 || s->last_epoch > SL_MAX_STEPS)
        return BAD(name, "last_epoch", "in the saved state must be in [0, %d], got %d", SL_MAX_STEPS, s->last_epoch);
    if (composite ? s->n_leaves < 1 || s->n_leaves > SL_MAX_CHILDREN : s->n_leaves != 1)
        return BAD(name, "schedulers", "in the saved state holds %d schedulers", s->n_leaves);
    if (s->n_milestones != (s->type == T_SequentialLR ? s->n_leaves - 1 : 0))
        return BAD(name, "milestones", "in the saved state has %d entries for %d schedulers", s->n_milestones, s->n_leaves);
    if (!(isfinite(s->lr0) && s->lr0 > 0)) return BAD(name, "lr", "in the saved state must be a number > 0, got %s", sl_num(s->lr0).s);
    for (int i = 0; i < s->n_milestones; i++)
        if (!is_int(s->milestones[i]) || s->milestones[i] < 0 || s->milestones[i] > 1e9 ||
            (i > 0 && !(s->milestones[i] > s->milestones[i - 1])))
            return BAD(name, "milestones", "[%d] in the saved state must be an integer in [0, 1e9] greater than the one before, got %s",
                       i, sl_num(s->milestones[i]).s);
    if (!all_zero(s->milestones + s->n_milestones, sizeof s->milestones - (size_t)s->n_milestones * sizeof(double)) ||
        !all_zero(s->leaf + s->n_leaves, sizeof s->leaf - (size_t)s->n_leaves * sizeof(sl_leaf)))
        return BAD(name, "state", "has values past its %d schedulers", s->n_leaves);

    /* each leaf, and what construction hands it: base_lr from the group's initial_lr */
    double glr = s->lr0, initial = NAN, mlo = INF, mhi = -INF;
    int has_initial = 0, cycles = 0;
    for (int i = 0; i < s->n_leaves; i++) {
        const sl_leaf *L = &s->leaf[i];
        int shift = 0;
        int epoch = s->type == T_SequentialLR ? sequential_epoch(s, i, s->last_epoch, &shift) : s->last_epoch;
        sl_status st = leaf_check(L, epoch, shift);
        if (st) return st;
        const char *lname = sl_sched_name(L->type);
        if (L->type != s->type && !composite) return BAD(name, "type", "in the saved state holds a %s", lname);
        if (composite && L->type == T_ReduceLROnPlateau) return BAD(name, "schedulers", "[%d] in the saved state is a ReduceLROnPlateau", i);
        if (L->p.lambda.lr != (composite ? 0.1 : s->lr0))
            return BAD(lname, "lr", "in the saved state is %s; it must be the %s", sl_num(L->p.lambda.lr).s,
                       composite ? "default 0.1 (the composite's lr is used)" : "scheduler's own lr");
        if (L->type == T_ReduceLROnPlateau) {
            if (L->base_lr != 0) return BAD(lname, "base_lr", "in the saved state is set; ReduceLROnPlateau keeps none");
            continue;
        }
        if (L->type == T_CyclicLR) glr = L->p.cyclic.base_lr;
        if (L->type == T_OneCycleLR) initial = L->initial_lr, has_initial = 1;
        if (!has_initial) initial = glr, has_initial = 1;
        double base = L->type == T_CyclicLR ? L->p.cyclic.base_lr : initial;
        if (L->base_lr != base)
            return BAD(lname, "base_lr", "in the saved state is %s; construction gives %s", sl_num(L->base_lr).s, sl_num(base).s);
        double bm, xm;
        if (L->type == T_CyclicLR && L->p.cyclic.cycle_momentum != 0) {
            int grows = L->p.cyclic.mode == 2 && L->p.cyclic.gamma > 1;
            bm = grows ? -INF : fmin(L->p.cyclic.base_momentum, L->p.cyclic.max_momentum);
            xm = grows ? INF : fmax(L->p.cyclic.base_momentum, L->p.cyclic.max_momentum);
        } else if (L->type == T_OneCycleLR && L->p.onecycle.cycle_momentum != 0) {
            onecycle_range(L, 1, &bm, &xm);
        } else {
            continue;
        }
        cycles = 1;
        mlo = fmin(mlo, bm), mhi = fmax(mhi, xm);
    }
    const sl_group *g = &s->group;
    if (s->type == T_ReduceLROnPlateau ? g->has_initial_lr != 0 || g->initial_lr != 0
                                       : g->has_initial_lr != 1 || g->initial_lr != initial)
        return BAD(name, "initial_lr", "in the saved state is %s; construction gives %s", sl_num(g->initial_lr).s,
                   sl_num(s->type == T_ReduceLROnPlateau ? 0 : initial).s);
    double slack = 1e-9 * fmax(isfinite(mlo) ? fabs(mlo) : 0, isfinite(mhi) ? fabs(mhi) : 0);
    if (cycles ? !(isfinite(g->momentum) && g->momentum >= mlo - slack && g->momentum <= mhi + slack) : !isnan(g->momentum))
        return BAD(name, "momentum", "in the saved state must be %s, got %s",
                   cycles ? "within base_momentum and max_momentum" : "unset (no scheduler here cycles momentum)",
                   sl_num(g->momentum).s);
    return lr_check(s);
}

SL_COMPACT sl_status sl_scheduler_restore(const void *buf, double len, sl_scheduler **out)
{
    *out = NULL;
    if (!buf || len != (double)sizeof(sl_scheduler))
        return BAD("scheduler", "state", "must be %d bytes, got %s (truncated, or from another version)", (int)sizeof(sl_scheduler),
                   sl_num(len).s);
    sl_scheduler *s = malloc(sizeof *s);
    if (!s) return sl_fail(SL_STATUS_NOMEM, "scheduler", NULL, "out of memory");
    memcpy(s, buf, sizeof *s);
    sl_status st = sl_scheduler_state_check(s);
    if (st) {
        free(s);
        return st;
    }
    *out = s;
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
