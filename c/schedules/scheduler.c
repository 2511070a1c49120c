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

SL_COMPACT static sl_status build(sl_scheduler *s, const sl_json *doc, int obj, double lr)
{
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, obj, sl_sched_kinds, sizeof sl_sched_kinds[0], T_COUNT, "scheduler", &kind);
    if (st) return st;
    int t = type_of(kind);
    sl_args a;
    if ((st = sl_spec_decode(doc, obj, kind, "type", &a))) return st;
    if (!isnan(lr) && sl_args_node(kind, &a, "lr") >= 0)
        return sl_fail(SL_STATUS_INVALID, kind->name, "lr", "must not be set: the scheduler starts from the optimizer's lr");
    s->type = t;
    s->lr0 = isnan(lr) ? sl_args_value(kind, &a, "lr") : lr;
    s->group.lr = s->lr0;
    s->group.momentum = NAN;
    if (!sl_sched_composite(t)) {
        s->n_leaves = 1;
        return sl_leaf_init(&s->leaf[0], &s->group, doc, obj, t, s->lr0);
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
        if ((st = sl_leaf_init(&s->leaf[i], &s->group, doc, c, ct, NAN))) return st;
    }
    s->n_leaves = i;
    if (t == T_ChainedScheduler) return SL_STATUS_OK;

    /* SequentialLR */
    int mil = sl_args_node(kind, &a, "milestones"), k = 0;
    if (doc->nodes[mil].count != s->n_leaves - 1)
        return sl_fail(SL_STATUS_INVALID, kind->name, "milestones", "must have one entry fewer than schedulers (%d), got %d",
                       s->n_leaves - 1, doc->nodes[mil].count);
    for (int c = doc->nodes[mil].child; c >= 0; c = doc->nodes[c].next, k++) {
        double m = doc->nodes[c].num;
        if (floor(m) != m || (k > 0 && m <= s->milestones[k - 1]))
            return sl_fail(SL_STATUS_INVALID, kind->name, "milestones", "[%d] must be an integer greater than the one before, got %s",
                           k, sl_num(m).s);
        s->milestones[k] = m;
    }
    s->n_milestones = k;
    /* PyTorch: reset lr to initial_lr, undo each child's initial step, redo the first child's. */
    s->group.lr = s->group.initial_lr;
    for (int j = 0; j < s->n_leaves; j++) s->leaf[j].last_epoch--;
    sl_leaf *L0 = &s->leaf[0];
    return L0->type == T_CosineAnnealingWarmRestarts ? sl_leaf_step_zero(L0, &s->group) : sl_leaf_step(L0, &s->group);
}

SL_COMPACT sl_status sl_scheduler_from_spec(const sl_json *doc, int obj, double lr, sl_scheduler **out)
{
    *out = NULL;
    sl_scheduler *s = calloc(1, sizeof *s);
    if (!s) return sl_fail(SL_STATUS_NOMEM, "scheduler", NULL, "out of memory");
    sl_status st = build(s, doc, obj, lr);
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

SL_COMPACT sl_status sl_scheduler_create(const char *json, double len, sl_scheduler **out)
{
    sl_json doc;
    int bytes;
    *out = NULL;
    sl_status st = sl_count_check(len, 0, 2147483647.0, "scheduler", "spec length", &bytes);
    if (!st) st = sl_json_parse(json, (size_t)bytes, &doc, "scheduler");
    if (st) return st;
    st = sl_scheduler_from_spec(&doc, 0, NAN, out);
    sl_json_free(&doc);
    return st;
}

void sl_scheduler_free(sl_scheduler *s) { free(s); }

sl_status sl_scheduler_step(sl_scheduler *s, double metric, int has_metric)
{
    sl_status st = SL_STATUS_OK;
    sl_group saved_group = s->group;
    if (s->last_epoch >= SL_MAX_STEPS)
        return sl_fail(SL_STATUS_RANGE, sl_sched_name(s->type), NULL, "cannot step more than %d times", SL_MAX_STEPS);
    if (s->type == T_ReduceLROnPlateau) {
        if (!has_metric)
            return sl_fail(SL_STATUS_INVALID, "ReduceLROnPlateau", "metrics", "is required: step(metric) needs the monitored value");
        if (!isfinite(metric))
            return sl_fail(SL_STATUS_INVALID, "ReduceLROnPlateau", "metrics", "must be a finite number, got %s", sl_num(metric).s);
        sl_leaf_plateau_step(&s->leaf[0], &s->group, metric);
        s->last_epoch++;
        return SL_STATUS_OK;
    }
    /* What a step may change in a leaf, kept so that a failed step changes nothing. */
    struct { int last_epoch; double T_cur, T_i; } saved[SL_MAX_CHILDREN];
    for (int i = 0; i < s->n_leaves; i++) {
        saved[i].last_epoch = s->leaf[i].last_epoch;
        saved[i].T_cur = s->leaf[i].T_cur;
        saved[i].T_i = s->leaf[i].T_i;
    }
    if (s->type == T_SequentialLR) {
        double e = s->last_epoch + 1;
        int idx = 0;
        while (idx < s->n_milestones && s->milestones[idx] <= e) idx++;
        if (idx > 0 && s->milestones[idx - 1] == e) st = sl_leaf_step_zero(&s->leaf[idx], &s->group);
        else st = sl_leaf_step(&s->leaf[idx], &s->group);
    } else {
        /* one leaf, or ChainedScheduler: every child in order */
        for (int i = 0; i < s->n_leaves && !st; i++) st = sl_leaf_step(&s->leaf[i], &s->group);
    }
    if (st) {
        for (int i = 0; i < s->n_leaves; i++) {
            s->leaf[i].last_epoch = saved[i].last_epoch;
            s->leaf[i].T_cur = saved[i].T_cur;
            s->leaf[i].T_i = saved[i].T_i;
        }
        s->group = saved_group;
        return st;
    }
    s->last_epoch++;
    return SL_STATUS_OK;
}

double sl_scheduler_lr(const sl_scheduler *s) { return s->group.lr; }
double sl_scheduler_momentum(const sl_scheduler *s) { return s->group.momentum; }
int sl_scheduler_last_epoch(const sl_scheduler *s) { return s->last_epoch; }
double sl_scheduler_initial_lr(const sl_scheduler *s) { return s->lr0; }
const char *sl_scheduler_type(const sl_scheduler *s) { return sl_sched_name(s->type); }
int sl_scheduler_needs_metric(const sl_scheduler *s) { return s->type == T_ReduceLROnPlateau; }

SL_COMPACT sl_status sl_schedule_run(const char *json, double len, double n, const double *metrics, double n_metrics, double **out)
{
    *out = NULL;
    sl_scheduler *s;
    sl_status st = sl_scheduler_create(json, len, &s);
    if (st) return st;
    const char *name = sl_sched_name(s->type);
    int count, n_m;
    st = sl_count_check(n, 0, SL_SCHEDULE_MAX_N, name, "n", &count);
    if (!st) st = sl_count_check(n_metrics, 0, 2147483647.0, name, "metrics", &n_m);
    if (!st && s->type == T_ReduceLROnPlateau && n_m < count - 1)
        st = sl_fail(SL_STATUS_INVALID, name, "metrics", "must hold n - 1 = %d values (one per step), got %d", count - 1, n_m);
    double *v = st ? NULL : malloc((size_t)(count ? count : 1) * sizeof(double));
    if (!st && !v) st = sl_fail(SL_STATUS_NOMEM, name, "n", "of %d values does not fit in memory", count);
    for (int k = 0; k < count && !st; k++) {
        if (k > 0) {
            int has = metrics && k - 1 < n_m;
            st = sl_scheduler_step(s, has ? metrics[k - 1] : NAN, has);
            if (st && s->type == T_ReduceLROnPlateau)
                sl_fail(st, name, "metrics", "[%d] must be a finite number, got %s", k - 1, sl_num(metrics[k - 1]).s);
        }
        if (!st) v[k] = s->group.lr;
    }
    sl_scheduler_free(s);
    if (st) {
        free(v);
        return st;
    }
    *out = v;
    return SL_STATUS_OK;
}
