/* Saved scheduler states: a byte copy with a checksum (which detects
 * accidents, not forgeries). A restore is as strict as a create: every
 * parameter passes its descriptor again, the constants derived from them are
 * recomputed and compared, the step counts of the root and its leaves agree
 * with each other and with SequentialLR's milestones, what construction gives
 * (each leaf's base_lrs, each group's initial_lr and OneCycleLR's rates) is
 * compared with a scheduler constructed afresh from the saved parameters, and
 * each group's lr is the one the rule gives at that step (exactly, or within
 * rounding for PyTorch's recursive forms), or for the history-dependent ones
 * within the range the schedule can reach. */
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

/* OneCycleLR's reach for group g, lr (k = 0) or momentum (k = 1): PyTorch's linear anneal
 * extrapolates past a phase's end (its last step, and phases shorter than a step), the
 * cosine one stays between the phase's ends. */
static void onecycle_range(const sl_leaf *L, const sl_group *g, int k, double *lo, double *hi)
{
    const sl_onecyclelr_p *P = &L->p.onecycle;
    int n = L->n_phases;
    double hi_m = g->max_momentum, lo_m = g->base_momentum, seen = -INFINITY;
    *lo = INFINITY, *hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        double a, b; /* the phase's start and end value */
        if (k == 0) {
            a = i == 0 ? g->initial_lr : i == 1 ? g->max_lr : g->initial_lr;
            b = i == 0 ? g->max_lr : i == 1 ? (n == 3 ? g->initial_lr : g->min_lr) : g->min_lr;
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

/* The range of lrs a leaf's rule can reach for group gi from its base_lr (PyTorch's
 * recursive forms stay inside it in exact arithmetic). */
static void envelope(const sl_scheduler *s, const sl_leaf *L, int gi, double *lo, double *hi)
{
    const sl_sched_params *p = &L->p;
    const sl_leaf_group *lg = &L->g[gi];
    double b = lg->base_lr, x = b, y = b;
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
        double u = lg->base_lr, v = lg->max_lr;
        int grows = p->cyclic.mode == 2 && p->cyclic.gamma > 1;
        x = grows && v < u ? -INF : fmin(u, v), y = grows && v > u ? INF : fmax(u, v);
        break;
    }
    case T_OneCycleLR: onecycle_range(L, &s->group[gi], 0, &x, &y); break;
    case T_ReduceLROnPlateau: x = fmin(lg->min_lr, s->lr0[gi]), y = s->lr0[gi]; break;
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

/* A per-group value against the descriptor `name` of kind k. */
static sl_status group_value_check(const sl_kind *k, const char *name, double v, int gi)
{
    const sl_param *p = &k->params[sl_param_index(k, name)];
    if (sl_param_check(k, p, v) == SL_STATUS_OK) return SL_STATUS_OK;
    sl_error_clear();
    return BAD(k->name, name, "[%d] in the saved state is out of range, got %s", gi, sl_num(v).s);
}

/* One leaf: its parameters, its per-group values, its counters; `epoch` is the last_epoch
 * the root's step count and SequentialLR's milestones give it, `shift` 1 when it was first
 * stepped from -1 without a step(0). What construction derives is compared in state_check. */
SL_COMPACT static sl_status leaf_check(const sl_scheduler *s, const sl_leaf *L, int epoch, int shift)
{
    if (L->type < 0 || L->type >= T_COUNT || sl_sched_composite(L->type))
        return BAD("scheduler", "state", "holds an unknown or composite scheduler type %d inside", L->type);
    const sched_kind *k = &sl_sched_kinds[L->type];
    const char *name = k->head.name;
    sl_status st = sl_spec_recheck(&k->head, &L->p);
    if (st) return st;
    if (!all_zero((const char *)&L->p + k->p_size, sizeof L->p - k->p_size))
        return BAD(name, "state", "has bytes set beyond %s's parameters", name);
    if (L->p.lambda.lr != s->lr0[0])
        return BAD(name, "lr", "in the saved state is %s; it must be the scheduler's own lr %s", sl_num(L->p.lambda.lr).s,
                   sl_num(s->lr0[0]).s);
    if (L->last_epoch != epoch)
        return BAD(name, "last_epoch", "in the saved state is %d, but the scheduler's step count and milestones give %d",
                   L->last_epoch, epoch);
    if (L->type == T_CyclicLR && isnan(L->p.cyclic.step_size_down))
        return BAD(name, "step_size_down", "in the saved state is null; construction replaces it by step_size_up");
    if (L->type == T_OneCycleLR && L->last_epoch > L->total_steps)
        return BAD(name, "last_epoch", "in the saved state is %d, past total_steps %d", L->last_epoch, L->total_steps);

    /* per-group values: in their ranges for each group, zero past the groups */
    for (int gi = 0; gi < s->n_groups; gi++) {
        const sl_leaf_group *g = &L->g[gi];
        sl_leaf_group used = { 0 };
        used.base_lr = g->base_lr;
        switch (L->type) {
        case T_CyclicLR:
            if ((st = group_value_check(&k->head, "base_lr", g->base_lr, gi)) || (st = group_value_check(&k->head, "max_lr", g->max_lr, gi)) ||
                (st = group_value_check(&k->head, "base_momentum", g->base_momentum, gi)) ||
                (st = group_value_check(&k->head, "max_momentum", g->max_momentum, gi)))
                return st;
            used.max_lr = g->max_lr, used.base_momentum = g->base_momentum, used.max_momentum = g->max_momentum;
            break;
        case T_OneCycleLR:
            if ((st = group_value_check(&k->head, "max_lr", g->max_lr, gi)) ||
                (st = group_value_check(&k->head, "base_momentum", g->base_momentum, gi)) ||
                (st = group_value_check(&k->head, "max_momentum", g->max_momentum, gi)))
                return st;
            used.max_lr = g->max_lr, used.base_momentum = g->base_momentum, used.max_momentum = g->max_momentum;
            break;
        case T_ReduceLROnPlateau:
            if ((st = group_value_check(&k->head, "min_lr", g->min_lr, gi))) return st;
            used.min_lr = g->min_lr;
            break;
        case T_LambdaLR:
        case T_MultiplicativeLR:
            if (g->lambda < 0 || g->lambda >= s->n_formulas)
                return BAD(name, "lr_lambda", "[%d] in the saved state names formula %d of %d", gi, g->lambda, s->n_formulas);
            used.lambda = g->lambda;
            break;
        }
        if (memcmp(&used, g, sizeof used) != 0) return BAD(name, "state", "has per-group values %s does not use", name);
    }
    if (!all_zero(L->g + s->n_groups, sizeof L->g - (size_t)s->n_groups * sizeof(sl_leaf_group)))
        return BAD(name, "state", "has values past its %d parameter groups", s->n_groups);

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
        /* a NaN metric is never better; an infinite one may be (the best possible, or the worst start) */
        if (isnan(L->best)) return BAD(name, "best", "in the saved state must be a metric or an infinity, got NaN");
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

/* SequentialLR: each child's last_epoch after r steps, and whether it was first stepped from -1
 * without a step(0). PyTorch bisects the milestones as given (equal or unsorted ones too), so
 * the child of step e is bisect_right(milestones, e), which is constant between milestone values.
 * (shift is always 0: a CosineAnnealingWarmRestarts child stepped first from -1 takes a step(0).) */
SL_COMPACT static void sequential_epochs(const sl_scheduler *s, int r, int *epoch, int *shift)
{
    double cut[SL_MAX_CHILDREN + 1];
    int n_cut = 0;
    for (int j = 0; j < s->n_leaves; j++) epoch[j] = j == 0 ? 0 : -1;
    /* the segments [a, b) of steps 1..r on which the child does not change */
    cut[n_cut++] = 1;
    for (int i = 0; i < s->n_milestones; i++)
        if (s->milestones[i] > 1 && s->milestones[i] <= r) cut[n_cut++] = s->milestones[i];
    for (int i = 1; i < n_cut; i++) /* insertion sort of at most 8 */
        for (int j = i; j > 0 && cut[j] < cut[j - 1]; j--) {
            double t = cut[j];
            cut[j] = cut[j - 1], cut[j - 1] = t;
        }
    for (int i = 0; i < n_cut; i++) {
        double a = cut[i], b = i + 1 < n_cut ? cut[i + 1] : (double)r + 1;
        if (b <= a) continue;
        int idx = sl_sched_bisect(s->milestones, s->n_milestones, a);
        if (idx > 0 && s->milestones[idx - 1] == a) {
            epoch[idx] = (int)(b - 1 - a);
        } else {
            epoch[idx] += (int)(b - a);
        }
    }
    /* a CosineAnnealingWarmRestarts child first stepped from -1 takes that step as step(0) */
    for (int j = 0; j < s->n_leaves; j++) shift[j] = 0;
}

/* Group gi's lr against a single leaf's rule: exact for the rules that read only the step
 * count, within rounding for PyTorch's recursive forms. *decided is 0 when the rule cannot
 * say (history-dependent rules, or a closed form that overflows before the recursive one does). */
static sl_status rule_check(const sl_scheduler *s, int gi, int *decided)
{
    const sl_leaf *L = &s->leaf[0];
    const sl_group *g = &s->group[gi];
    const char *name = sl_sched_name(s->type);
    /* ConstantLR and LinearLR with total_iters 0: PyTorch's recursive and closed forms differ */
    int no_iters = (L->type == T_ConstantLR && L->p.constant.total_iters == 0) ||
                   (L->type == T_LinearLR && L->p.linear.total_iters == 0);
    *decided = 0;
    if (s->n_leaves != 1 || s->type == T_ReduceLROnPlateau || s->type == T_MultiplicativeLR || no_iters) return SL_STATUS_OK;
    double want, mom;
    int exact = !sl_sched_kinds[L->type].closed_form || L->type >= T_InverseTimeDecay;
    sl_status st = sl_leaf_lr(L, s, gi, !exact, &want, &mom);
    sl_error_clear();
    if (st && !exact) return SL_STATUS_OK;
    *decided = 1;
    if (st) return BAD(name, "lr", "in the saved state cannot be reached: the rule fails at step %d", L->last_epoch);
    double scale = L->type == T_CosineAnnealingLR ? fabs(L->g[gi].base_lr) + fabs(L->p.cosine.eta_min) : fabs(want);
    if (exact ? g->lr != want : !(fabs(g->lr - want) <= 1e-6 * scale + 1e-300))
        return BAD(name, "lr", "in the saved state is %s, but the rule gives %s at step %d", sl_num(g->lr).s, sl_num(want).s,
                   L->last_epoch);
    if (!(mom == g->momentum || (isnan(mom) && isnan(g->momentum))))
        return BAD(name, "momentum", "in the saved state is %s, but the rule gives %s", sl_num(g->momentum).s, sl_num(mom).s);
    return SL_STATUS_OK;
}

/* Group gi's lr: the rule's (rule_check), or within what the schedule can reach: a leaf's
 * range, times the other leaves' factors for ChainedScheduler. */
SL_COMPACT static sl_status lr_check(const sl_scheduler *s, int gi)
{
    const char *name = sl_sched_name(s->type);
    double lr = s->group[gi].lr, lo = INF, hi = -INF, rlo = 1, rhi = 1;
    if (!isfinite(lr)) return BAD(name, "lr", "in the saved state must be finite, got %s", sl_num(lr).s);
    int decided;
    sl_status st = rule_check(s, gi, &decided);
    if (st || decided) return st;
    int no_lo = 0, no_hi = 0;
    for (int i = 0; i < s->n_leaves; i++) {
        const sl_leaf *L = &s->leaf[i];
        double x, y, b = L->g[gi].base_lr;
        envelope(s, L, gi, &x, &y);
        /* in a chain, PyTorch's recursive cosine mixes an offset into the product */
        if (s->type == T_ChainedScheduler && L->type == T_CosineAnnealingLR) x = -INF, y = INF;
        lo = fmin(lo, b), hi = fmax(hi, b);
        if (x == -INF) no_lo = 1;
        else if (b > 0) rlo *= fmin(1, x / b);
        else lo = fmin(lo, x);
        if (y == INF) no_hi = 1;
        else if (b > 0) rhi *= fmax(1, y / b);
        else hi = fmax(hi, y);
    }
    lo = no_lo ? -INF : lo * rlo, hi = no_hi ? INF : hi * rhi;
    if (s->type == T_ReduceLROnPlateau) lo = fmin(s->leaf[0].g[gi].min_lr, s->lr0[gi]), hi = s->lr0[gi];
    double slack = 1e-6 * fmax(isfinite(lo) ? fabs(lo) : 0, isfinite(hi) ? fabs(hi) : 0);
    if (!(lr >= (lo >= 0 ? fmax(0, lo - slack) : lo - slack) && lr <= hi + slack)) {
        if (s->n_groups > 1)
            return BAD(name, "lr", "of group %d in the saved state must be within [%s, %s], what the schedule can reach, got %s", gi,
                       sl_num(lo).s, sl_num(hi).s, sl_num(lr).s);
        return BAD(name, "lr", "in the saved state must be within [%s, %s], what the schedule can reach, got %s", sl_num(lo).s,
                   sl_num(hi).s, sl_num(lr).s);
    }
    return SL_STATUS_OK;
}

/* What construction gives, from a scheduler constructed afresh with the saved parameters. */
SL_COMPACT static sl_status construction_check(const sl_scheduler *s)
{
    const char *name = sl_sched_name(s->type);
    sl_scheduler *r = malloc(sizeof *r);
    if (!r) return sl_fail(SL_STATUS_NOMEM, "scheduler", NULL, "out of memory");
    sl_status st = sl_sched_reconstruct(s, r);
    sl_error_clear();
    if (st) {
        free(r);
        return BAD(name, "state", "cannot be constructed from its saved parameters");
    }
    for (int i = 0; i < s->n_leaves && !st; i++) {
        const sl_leaf *L = &s->leaf[i], *R = &r->leaf[i];
        const char *lname = sl_sched_name(L->type);
        for (int gi = 0; gi < s->n_groups && !st; gi++)
            if (L->g[gi].base_lr != R->g[gi].base_lr)
                st = BAD(lname, "base_lr", "in the saved state is %s; construction gives %s", sl_num(L->g[gi].base_lr).s,
                         sl_num(R->g[gi].base_lr).s);
        if (!st && (L->total_size != R->total_size || L->step_ratio != R->step_ratio))
            st = BAD(lname, "step_size_up", "and step_size_down do not match the saved cycle (%s steps)", sl_num(L->total_size).s);
        if (!st && (L->total_steps != R->total_steps || L->n_phases != R->n_phases ||
                    memcmp(L->phase_end, R->phase_end, sizeof L->phase_end) != 0))
            st = BAD(lname, "total_steps", "pct_start and three_phase do not match the saved phases");
    }
    for (int gi = 0; gi < s->n_groups && !st; gi++) {
        const sl_group *g = &s->group[gi], *h = &r->group[gi];
        if (g->has_initial_lr != h->has_initial_lr || g->initial_lr != h->initial_lr)
            st = BAD(name, "initial_lr", "in the saved state is %s; construction gives %s", sl_num(g->initial_lr).s, sl_num(h->initial_lr).s);
        else if (g->max_lr != h->max_lr || g->min_lr != h->min_lr)
            st = BAD(name, "max_lr", "and min_lr of group %d in the saved state are not what construction gives", gi);
        else if (g->max_momentum != h->max_momentum || g->base_momentum != h->base_momentum || g->pad || isnan(g->momentum) != isnan(h->momentum))
            st = BAD(name, "momentum", "bounds of group %d in the saved state are not what construction gives", gi);
    }
    free(r);
    return st;
}

/* Group gi's momentum: within the bounds the schedulers that cycle it can reach, else unset. */
SL_COMPACT static sl_status momentum_check(const sl_scheduler *s, int gi)
{
    const char *name = sl_sched_name(s->type);
    double mlo = INF, mhi = -INF;
    int cycles = 0;
    for (int i = 0; i < s->n_leaves; i++) {
        const sl_leaf *L = &s->leaf[i];
        double bm, xm;
        if (L->type == T_CyclicLR && L->p.cyclic.cycle_momentum != 0) {
            int grows = L->p.cyclic.mode == 2 && L->p.cyclic.gamma > 1;
            bm = grows ? -INF : fmin(L->g[gi].base_momentum, L->g[gi].max_momentum);
            xm = grows ? INF : fmax(L->g[gi].base_momentum, L->g[gi].max_momentum);
        } else if (L->type == T_OneCycleLR && L->p.onecycle.cycle_momentum != 0) {
            onecycle_range(L, &s->group[gi], 1, &bm, &xm);
        } else {
            continue;
        }
        cycles = 1;
        mlo = fmin(mlo, bm), mhi = fmax(mhi, xm);
    }
    double m = s->group[gi].momentum;
    double slack = 1e-9 * fmax(isfinite(mlo) ? fabs(mlo) : 0, isfinite(mhi) ? fabs(mhi) : 0);
    if (cycles ? !(isfinite(m) && m >= mlo - slack && m <= mhi + slack) : !isnan(m))
        return BAD(name, "momentum", "in the saved state must be %s, got %s",
                   cycles ? "within base_momentum and max_momentum" : "unset (no scheduler here cycles momentum)", sl_num(m).s);
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
    if (s->n_groups < 1 || s->n_groups > SL_MAX_GROUPS)
        return BAD(name, "groups", "in the saved state must be 1 to %d parameter groups, got %d", SL_MAX_GROUPS, s->n_groups);
    if (composite ? s->n_leaves < 1 || s->n_leaves > SL_MAX_CHILDREN : s->n_leaves != 1)
        return BAD(name, "schedulers", "in the saved state holds %d schedulers", s->n_leaves);
    if (s->n_milestones != (s->type == T_SequentialLR ? s->n_leaves - 1 : 0))
        return BAD(name, "milestones", "in the saved state has %d entries for %d schedulers", s->n_milestones, s->n_leaves);
    for (int gi = 0; gi < s->n_groups; gi++)
        if (!(isfinite(s->lr0[gi]) && s->lr0[gi] >= 0))
            return BAD(name, "lr", "in the saved state must be a number >= 0, got %s", sl_num(s->lr0[gi]).s);
    if (!all_zero(s->lr0 + s->n_groups, sizeof s->lr0 - (size_t)s->n_groups * sizeof(double)) ||
        !all_zero(s->group + s->n_groups, sizeof s->group - (size_t)s->n_groups * sizeof(sl_group)))
        return BAD(name, "state", "has values past its %d parameter groups", s->n_groups);
    for (int i = 0; i < s->n_milestones; i++)
        if (!is_int(s->milestones[i]) || s->milestones[i] < 0 || s->milestones[i] > 1e9)
            return BAD(name, "milestones", "[%d] in the saved state must be an integer in [0, 1e9], got %s", i, sl_num(s->milestones[i]).s);
    if (!all_zero(s->milestones + s->n_milestones, sizeof s->milestones - (size_t)s->n_milestones * sizeof(double)) ||
        !all_zero(s->leaf + s->n_leaves, sizeof s->leaf - (size_t)s->n_leaves * sizeof(sl_leaf)))
        return BAD(name, "state", "has values past its %d schedulers", s->n_leaves);
    if (s->n_formulas < 0 || s->n_formulas > SL_MAX_FORMULAS)
        return BAD(name, "lr_lambda", "in the saved state holds %d formulas", s->n_formulas);
    int lambdas = 0;
    for (int i = 0; i < s->n_leaves; i++) lambdas |= s->leaf[i].type == T_LambdaLR || s->leaf[i].type == T_MultiplicativeLR;
    if (!lambdas && s->n_formulas) return BAD(name, "lr_lambda", "in the saved state holds formulas, but no scheduler here has one");
    for (int i = 0; i < s->n_formulas; i++)
        if (!sl_formula_valid(&s->formulas[i])) return BAD(name, "lr_lambda", "in the saved state is not a valid compiled formula");
    if (!all_zero(s->formulas + s->n_formulas, sizeof s->formulas - (size_t)s->n_formulas * sizeof(sl_formula)))
        return BAD(name, "lr_lambda", "in the saved state has bytes past its %d formulas", s->n_formulas);

    int epoch[SL_MAX_CHILDREN], shift[SL_MAX_CHILDREN];
    if (s->type == T_SequentialLR) sequential_epochs(s, s->last_epoch, epoch, shift);
    for (int i = 0; i < s->n_leaves; i++) {
        const sl_leaf *L = &s->leaf[i];
        if (s->type != T_SequentialLR) epoch[i] = s->last_epoch, shift[i] = 0;
        sl_status st = leaf_check(s, L, epoch[i], shift[i]);
        if (st) return st;
        if (L->type != s->type && !composite) return BAD(name, "type", "in the saved state holds a %s", sl_sched_name(L->type));
        if (composite && L->type == T_ReduceLROnPlateau) return BAD(name, "schedulers", "[%d] in the saved state is a ReduceLROnPlateau", i);
    }
    sl_status st = construction_check(s);
    for (int gi = 0; gi < s->n_groups && !st; gi++) st = momentum_check(s, gi);
    for (int gi = 0; gi < s->n_groups && !st; gi++) st = lr_check(s, gi);
    return st;
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
