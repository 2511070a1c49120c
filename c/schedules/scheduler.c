/* torch.optim.lr_scheduler (PyTorch 1.13) in C: the scheduler object, its
 * composites and lab.schedule. Composite construction replays PyTorch's order
 * of side effects (each child's initial step, then SequentialLR's reset and
 * undo); SequentialLR steps its current child and calls step(0) on the next
 * one at a milestone (PyTorch's SequentialLR), ChainedScheduler steps every
 * child in order (PyTorch's ChainedScheduler). The leaf rules are in leaf.c,
 * the registry in registry.c, saved states in state.c. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int type_of(const sl_kind *k) { return (int)((const sched_kind *)k - sl_sched_kinds); }

/* What construction does once every leaf is decoded: each leaf's constructor in order on the
 * shared groups, then SequentialLR's reset of every group's lr to its initial_lr, its undo of
 * each child's initial step and its redo of the first child's. Shared by create and restore. */
SL_COMPACT static sl_status construct(sl_scheduler *s)
{
    for (int gi = 0; gi < s->n_groups; gi++) {
        s->group[gi].lr = s->lr0[gi];
        s->group[gi].momentum = NAN;
    }
    sl_status st = SL_STATUS_OK;
    for (int i = 0; i < s->n_leaves && !st; i++) st = sl_leaf_construct(&s->leaf[i], s);
    if (st || s->type != T_SequentialLR) return st;
    for (int gi = 0; gi < s->n_groups; gi++) s->group[gi].lr = s->group[gi].initial_lr;
    for (int j = 0; j < s->n_leaves; j++) s->leaf[j].last_epoch--;
    return sl_leaf_step(&s->leaf[0], s);
}

SL_COMPACT static sl_status build(sl_scheduler *s, const sl_json *doc, int obj, const double *lrs, int n_groups)
{
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, obj, sl_sched_kinds, sizeof sl_sched_kinds[0], T_COUNT, "scheduler", &kind);
    if (st) return st;
    int t = type_of(kind);
    sl_args a;
    if ((st = sl_spec_decode(doc, obj, kind, "type", &a))) return st;
    if (lrs && sl_args_node(kind, &a, "lr") >= 0)
        return sl_fail(SL_STATUS_INVALID, kind->name, "lr", "must not be set: the scheduler starts from the groups' lrs (the optimizer's)");
    s->type = t;
    s->n_groups = lrs ? n_groups : 1;
    for (int gi = 0; gi < s->n_groups; gi++) s->lr0[gi] = lrs ? lrs[gi] : sl_args_value(kind, &a, "lr");
    if (!sl_sched_composite(t)) {
        s->n_leaves = 1;
        if ((st = sl_leaf_decode(&s->leaf[0], s, doc, obj, t))) return st;
        return construct(s);
    }
    int i = 0;
    char field[48];
    for (int c = doc->nodes[sl_args_node(kind, &a, "schedulers")].child; c >= 0; c = doc->nodes[c].next, i++) {
        const sl_kind *ck;
        if ((st = sl_spec_lookup(doc, c, sl_sched_kinds, sizeof sl_sched_kinds[0], T_COUNT, kind->name, &ck))) return st;
        int ct = type_of(ck);
        snprintf(field, sizeof field, "schedulers[%d]", i);
        if (sl_sched_composite(ct) || ct == T_ReduceLROnPlateau)
            return sl_fail(SL_STATUS_INVALID, kind->name, field, "cannot be a %s (PyTorch cannot compose it either)", ck->name);
        if (sl_json_get(doc, c, "lr") >= 0)
            return sl_fail(SL_STATUS_INVALID, kind->name, field,
                           "must not set lr; the composite's lr is the optimizer's initial learning rate");
        if ((st = sl_leaf_decode(&s->leaf[i], s, doc, c, ct))) return st;
    }
    s->n_leaves = i;
    if (t == T_SequentialLR) {
        /* PyTorch bisects the milestones as given: equal and unsorted ones are its behaviour too */
        int mil = sl_args_node(kind, &a, "milestones"), k = 0;
        if (doc->nodes[mil].count != s->n_leaves - 1)
            return sl_fail(SL_STATUS_INVALID, kind->name, "milestones", "must have one entry fewer than schedulers (%d), got %d",
                           s->n_leaves - 1, doc->nodes[mil].count);
        for (int c = doc->nodes[mil].child; c >= 0; c = doc->nodes[c].next, k++) {
            double m = doc->nodes[c].num;
            if (floor(m) != m)
                return sl_fail(SL_STATUS_INVALID, kind->name, "milestones", "[%d] must be an integer (a step count), got %s", k, sl_num(m).s);
            s->milestones[k] = m;
        }
        s->n_milestones = k;
    }
    return construct(s);
}

SL_COMPACT sl_status sl_sched_reconstruct(const sl_scheduler *s, sl_scheduler *r)
{
    memset(r, 0, sizeof *r);
    r->type = s->type;
    r->n_groups = s->n_groups;
    r->n_leaves = s->n_leaves;
    r->n_milestones = s->n_milestones;
    r->n_formulas = s->n_formulas;
    memcpy(r->lr0, s->lr0, sizeof r->lr0);
    memcpy(r->milestones, s->milestones, sizeof r->milestones);
    memcpy(r->formulas, s->formulas, sizeof r->formulas);
    for (int i = 0; i < s->n_leaves; i++) {
        const sl_leaf *L = &s->leaf[i];
        sl_leaf *R = &r->leaf[i];
        R->type = L->type;
        R->p = L->p;
        R->n_milestones = L->n_milestones;
        memcpy(R->milestones, L->milestones, sizeof R->milestones);
        for (int gi = 0; gi < SL_MAX_GROUPS; gi++) {
            R->g[gi] = L->g[gi];
            if (L->type != T_CyclicLR) R->g[gi].base_lr = 0;
        }
        if (sl_leaf_derive(R)) return SL_STATUS_INVALID;
    }
    return construct(r);
}

SL_COMPACT sl_status sl_scheduler_from_spec(const sl_json *doc, int obj, const double *lrs, int n_groups, sl_scheduler **out)
{
    *out = NULL;
    if (lrs && (n_groups < 1 || n_groups > SL_MAX_GROUPS))
        return sl_fail(SL_STATUS_INVALID, "scheduler", "groups", "must be 1 to %d parameter groups, got %d", SL_MAX_GROUPS, n_groups);
    sl_scheduler *s = calloc(1, sizeof *s);
    if (!s) return sl_fail(SL_STATUS_NOMEM, "scheduler", NULL, "out of memory");
    sl_status st = build(s, doc, obj, lrs, n_groups);
    if (st) {
        free(s);
        return st;
    }
    s->magic = SL_SCHED_MAGIC;
    s->version = SL_SCHED_VERSION;
    s->size = sizeof *s;
    *out = s;
    return SL_STATUS_OK;
}

/* The groups' initial lrs as they cross the ABI: a count and finite numbers >= 0. */
SL_COMPACT static sl_status check_lrs(const double *lrs, double n_groups, int *n)
{
    sl_status st = sl_count_check(n_groups, 1, SL_MAX_GROUPS, "scheduler", "groups", n);
    for (int gi = 0; !st && gi < *n; gi++)
        if (!(isfinite(lrs[gi]) && lrs[gi] >= 0))
            st = sl_fail(SL_STATUS_INVALID, "scheduler", "groups", "[%d] must be a number >= 0 (the group's initial lr), got %s", gi,
                         sl_num(lrs[gi]).s);
    return st;
}

SL_COMPACT sl_status sl_scheduler_create_groups(const char *json, double len, const double *lrs, double n_groups, sl_scheduler **out)
{
    sl_json doc;
    int bytes, n = 0;
    *out = NULL;
    sl_status st = sl_count_check(len, 0, 2147483647.0, "scheduler", "spec length", &bytes);
    if (!st && lrs) st = check_lrs(lrs, n_groups, &n);
    if (!st) st = sl_json_parse(json, (size_t)bytes, &doc, "scheduler");
    if (st) return st;
    st = sl_scheduler_from_spec(&doc, 0, lrs, n, out);
    sl_json_free(&doc);
    return st;
}

SL_COMPACT sl_status sl_scheduler_create(const char *json, double len, sl_scheduler **out)
{
    return sl_scheduler_create_groups(json, len, NULL, 0, out);
}

void sl_scheduler_free(sl_scheduler *s) { free(s); }

/* Python's bisect.bisect_right on the milestones as given (PyTorch's SequentialLR.step). */
int sl_sched_bisect(const double *m, int n, double x)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (x < m[mid]) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

sl_status sl_scheduler_step(sl_scheduler *s, double metric, int has_metric)
{
    sl_status st = SL_STATUS_OK;
    if (s->last_epoch >= SL_MAX_STEPS)
        return sl_fail(SL_STATUS_RANGE, sl_sched_name(s->type), NULL, "cannot step more than %d times", SL_MAX_STEPS);
    if (s->type == T_ReduceLROnPlateau) {
        if (!has_metric)
            return sl_fail(SL_STATUS_INVALID, "ReduceLROnPlateau", "metrics", "is required: step(metric) needs the monitored value");
        sl_leaf_plateau_step(&s->leaf[0], s, metric); /* NaN and infinities are bad epochs, as in PyTorch */
        s->last_epoch++;
        return SL_STATUS_OK;
    }
    /* What a step may change, kept so that a failed step changes nothing. */
    struct { int last_epoch; double T_cur, T_i; } saved[SL_MAX_CHILDREN];
    sl_group saved_group[SL_MAX_GROUPS];
    memcpy(saved_group, s->group, (size_t)s->n_groups * sizeof(sl_group));
    for (int i = 0; i < s->n_leaves; i++) {
        saved[i].last_epoch = s->leaf[i].last_epoch;
        saved[i].T_cur = s->leaf[i].T_cur;
        saved[i].T_i = s->leaf[i].T_i;
    }
    if (s->type == T_SequentialLR) {
        double e = s->last_epoch + 1;
        int idx = sl_sched_bisect(s->milestones, s->n_milestones, e);
        if (idx > 0 && s->milestones[idx - 1] == e) st = sl_leaf_step_zero(&s->leaf[idx], s);
        else st = sl_leaf_step(&s->leaf[idx], s);
    } else {
        /* one leaf, or ChainedScheduler: every child in order */
        for (int i = 0; i < s->n_leaves && !st; i++) st = sl_leaf_step(&s->leaf[i], s);
    }
    if (st) {
        for (int i = 0; i < s->n_leaves; i++) {
            s->leaf[i].last_epoch = saved[i].last_epoch;
            s->leaf[i].T_cur = saved[i].T_cur;
            s->leaf[i].T_i = saved[i].T_i;
        }
        memcpy(s->group, saved_group, (size_t)s->n_groups * sizeof(sl_group));
        return st;
    }
    s->last_epoch++;
    return SL_STATUS_OK;
}

double sl_scheduler_lr(const sl_scheduler *s) { return s->group->lr; }
double sl_scheduler_momentum(const sl_scheduler *s) { return s->group->momentum; }
int sl_scheduler_n_groups(const sl_scheduler *s) { return s->n_groups; }
double sl_scheduler_group_lr(const sl_scheduler *s, int g) { return g >= 0 && g < s->n_groups ? s->group[g].lr : NAN; }
double sl_scheduler_group_momentum(const sl_scheduler *s, int g) { return g >= 0 && g < s->n_groups ? s->group[g].momentum : NAN; }
int sl_scheduler_last_epoch(const sl_scheduler *s) { return s->last_epoch; }
double sl_scheduler_initial_lr(const sl_scheduler *s, int g) { return g >= 0 && g < s->n_groups ? s->lr0[g] : NAN; }
const char *sl_scheduler_type(const sl_scheduler *s) { return sl_sched_name(s->type); }
int sl_scheduler_needs_metric(const sl_scheduler *s) { return s->type == T_ReduceLROnPlateau; }

SL_COMPACT sl_status sl_schedule_run(const char *json, double len, double n, const double *metrics, double n_metrics, const double *lrs,
                                     double n_groups, double **out)
{
    *out = NULL;
    sl_scheduler *s;
    sl_status st = sl_scheduler_create_groups(json, len, n_groups == 0 ? NULL : lrs, n_groups, &s);
    if (st) return st;
    const char *name = sl_sched_name(s->type);
    const int G = s->n_groups;
    int count, n_m;
    st = sl_count_check(n, 0, floor(SL_SCHEDULE_MAX_N / G), name, "n", &count);
    if (!st) st = sl_count_check(n_metrics, 0, 2147483647.0, name, "metrics", &n_m);
    if (!st && s->type == T_ReduceLROnPlateau && n_m < count - 1)
        st = sl_fail(SL_STATUS_INVALID, name, "metrics", "must hold n - 1 = %d values (one per step), got %d", count - 1, n_m);
    double *v = st ? NULL : malloc((size_t)(count ? count : 1) * (size_t)G * sizeof(double));
    if (!st && !v) st = sl_fail(SL_STATUS_NOMEM, name, "n", "of %d values does not fit in memory", count);
    for (int k = 0; k < count && !st; k++) {
        if (k > 0) {
            int has = metrics && k - 1 < n_m;
            st = sl_scheduler_step(s, has ? metrics[k - 1] : NAN, has);
        }
        for (int gi = 0; gi < G && !st; gi++) v[(size_t)gi * count + k] = s->group[gi].lr;
    }
    sl_scheduler_free(s);
    if (st) {
        free(v);
        return st;
    }
    *out = v;
    return SL_STATUS_OK;
}
