/* Saved optimizer states: a byte copy with a checksum (which detects
 * accidents, not forgeries). A restore is as strict as a create: the
 * hyper-parameters pass their descriptors and rules again, the layout is
 * recomputed, the counters are integers in their ranges and agree with each
 * other, every group's options pass their descriptors, its counters are what
 * its rule can produce, every state array holds what its group's rule can
 * produce (finite; second moments, sums and step sizes within their bounds;
 * arrays a type does not use still zero), and an attached scheduler passes the
 * scheduler's own checks, drives the same groups, with their lrs. */
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cold code (validation, messages): compiled for size, like spec.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define BAD(thing, field, ...) sl_fail(SL_STATUS_STATE, thing, field, __VA_ARGS__)

uint32_t sl_opt_checksum(const sl_optimizer *o)
{
    const unsigned char *b = (const unsigned char *)o;
    size_t size = sizeof *o + (size_t)o->n_floats * 4;
    uint32_t x = 2166136261u;
    for (size_t i = offsetof(sl_optimizer, type); i < size; i++) x = (x ^ b[i]) * 16777619u;
    return x;
}

int sl_optimizer_state_size(const sl_optimizer *o) { return (int)o->size; }

void sl_optimizer_state_save(sl_optimizer *o, void *buf)
{
    if (o->has_scheduler) {
        /* refreshes the embedded scheduler's own checksum */
        char tmp[sizeof(sl_scheduler)];
        sl_scheduler_state_save(&o->sched, tmp);
    }
    o->checksum = sl_opt_checksum(o);
    memcpy(buf, o, o->size);
}

/* The name of state array k of this type (PyTorch's state key). */
static void array_name(int type, int k, char *buf, size_t cap)
{
    static const char *lbfgs[] = { "d", "prev_flat_grad" };
    const char *s = type == O_LBFGS ? (k < 2 ? lbfgs[k] : k == L_DIRS ? "old_dirs" : "old_stps") : sl_opt_kinds[type].arrays;
    for (int i = 0; type != O_LBFGS && i < k && s; i++) s = strchr(s, '|') ? strchr(s, '|') + 1 : NULL;
    size_t n = s ? strcspn(s, "|") : 0;
    if (n >= cap) n = cap - 1;
    memcpy(buf, s ? s : "", n);
    buf[n] = 0;
}

/* Every element of array k in [lo, hi] and finite; `what` says so in the message. */
static sl_status check_span(const sl_optimizer *o, int k, const float *a, size_t from, size_t n, float lo, float hi, const char *what)
{
    for (size_t i = from; i < from + n; i++)
        if (!(isfinite(a[i]) && a[i] >= lo && a[i] <= hi)) {
            char name[32];
            array_name(o->type, k, name, sizeof name);
            return BAD(sl_opt_name(o->type), name, "[%d] in the saved state must be %s, got %s", (int)i, what, sl_num(a[i]).s);
        }
    return SL_STATUS_OK;
}

static sl_status check_array(const sl_optimizer *o, int k, const float *a, size_t n, float lo, float hi, const char *what)
{
    return check_span(o, k, a, 0, n, lo, hi, what);
}

static sl_status zero_span(const sl_optimizer *o, int k, const float *a, size_t from, size_t n, const char *why)
{
    for (size_t i = from; i < from + n; i++)
        if (a[i] != 0) {
            char name[32];
            array_name(o->type, k, name, sizeof name);
            return BAD(sl_opt_name(o->type), name, "[%d] in the saved state must be 0 (%s), got %s", (int)i, why, sl_num(a[i]).s);
        }
    return SL_STATUS_OK;
}

/* The state arrays of the element-wise optimizers over one range, with its group's options. */
SL_COMPACT static sl_status check_moments(const sl_optimizer *o, const sl_opt_range *r)
{
    const sl_opt_group *G = &o->group[r->group];
    const sl_hyper *h = &G->h;
    const size_t at = (size_t)r->offset, n = (size_t)r->count;
    const float *a[3] = { sl_opt_carray(o, 0), sl_opt_carray(o, 1), sl_opt_carray(o, 2) };
    const float INF_F = INFINITY;
    const char *any = "a finite number", *nonneg = "a finite number >= 0";
    int fresh = o->steps == 0, own_momentum = !o->momentum_from_scheduler;
    sl_status st = SL_STATUS_OK;
#define SPAN(k, lo, hi, what) check_span(o, k, a[k], at, n, lo, hi, what)
#define ZERO(k, why) zero_span(o, k, a[k], at, n, why)
    switch (o->type) {
    case O_SGD:
        st = G->buf_ready ? SPAN(0, -INF_F, INF_F, any) : ZERO(0, "no momentum step yet");
        break;
    case O_Adagrad: {
        float init = (float)h->initial_accumulator_value;
        st = SPAN(0, init, INF_F, "a finite number >= initial_accumulator_value");
        if (!st && fresh)
            for (size_t i = at; i < at + n && !st; i++)
                if (a[0][i] != init) st = BAD("Adagrad", "sum", "[%d] in the saved state must be initial_accumulator_value before the first step", (int)i);
        break;
    }
    case O_RMSprop:
        st = SPAN(0, 0, INF_F, nonneg);
        if (!st) st = h->centered ? SPAN(1, -INF_F, INF_F, any) : ZERO(1, "not centered");
        if (!st) st = own_momentum && h->momentum == 0 ? ZERO(2, "no momentum") : SPAN(2, -INF_F, INF_F, any);
        break;
    case O_Adadelta:
        st = SPAN(0, 0, INF_F, nonneg);
        if (!st) st = SPAN(1, 0, INF_F, nonneg);
        break;
    case O_Adam:
    case O_AdamW:
        st = SPAN(0, -INF_F, INF_F, any);
        if (!st) st = SPAN(1, 0, INF_F, nonneg);
        if (!st && !h->amsgrad) st = ZERO(2, "no amsgrad");
        for (size_t i = at; i < at + n && !st && h->amsgrad; i++)
            if (!(isfinite(a[2][i]) && a[2][i] >= a[1][i]))
                st = BAD(sl_opt_name(o->type), "max_exp_avg_sq", "[%d] in the saved state must be finite and >= exp_avg_sq, got %s",
                         (int)i, sl_num(a[2][i]).s);
        break;
    case O_Adamax:
        st = SPAN(0, -INF_F, INF_F, any);
        if (!st) st = fresh ? ZERO(1, "before the first step") : SPAN(1, (float)h->eps, INF_F, "a finite number >= eps");
        break;
    case O_NAdam:
    case O_RAdam:
        st = SPAN(0, -INF_F, INF_F, any);
        if (!st) st = SPAN(1, 0, INF_F, nonneg);
        break;
    case O_Rprop:
        st = fresh ? ZERO(0, "before the first step") : SPAN(0, -INF_F, INF_F, any);
        if (!st) st = fresh ? ZERO(1, "before the first step") : SPAN(1, (float)h->step_sizes[0], (float)h->step_sizes[1], "within step_sizes");
        break;
    case O_DeltaBarDelta:
        st = fresh ? SPAN(0, 1, 1, "1 before the first step") : SPAN(0, (float)h->min_gain, (float)h->max_gain, "within [min_gain, max_gain]");
        if (!st) st = fresh ? ZERO(1, "before the first step") : SPAN(1, -INF_F, INF_F, any);
        break;
    case O_ASGD:
    case O_LARS:
        st = SPAN(0, -INF_F, INF_F, any);
        break;
    case O_SWATS:
        st = SPAN(0, -INF_F, INF_F, any);
        if (!st) st = SPAN(1, 0, INF_F, nonneg);
        if (!st) st = G->buf_ready ? SPAN(2, -INF_F, INF_F, any) : ZERO(2, "no SGD step yet");
        break;
    }
    if (!st && fresh && o->type != O_Adagrad && o->type != O_DeltaBarDelta)
        for (int k = 0; k < sl_opt_kinds[o->type].n_arrays && !st; k++) st = ZERO(k, "before the first step");
#undef SPAN
#undef ZERO
    return st;
}

/* LBFGS: its counters, scalars, and the vectors and history rows the next step reads. */
SL_COMPACT static sl_status check_lbfgs(const sl_optimizer *o)
{
    const sl_hyper *h = &o->group->h;
    const int H = h->history_size;
    const float INF_F = INFINITY;
    if (!(o->func_evals >= o->steps)) return BAD("LBFGS", "func_evals", "in the saved state must be >= steps, got %d", o->func_evals);
    if (o->n_iter < 0 || o->n_iter > o->steps * h->max_iter)
        return BAD("LBFGS", "n_iter", "in the saved state must be in [0, steps x max_iter], got %d", o->n_iter);
    if (o->hist_len < 0 || o->hist_len > H || o->hist_len > (o->n_iter > 0 ? o->n_iter - 1 : 0))
        return BAD("LBFGS", "hist_len", "in the saved state must be in [0, min(history_size, n_iter - 1)], got %d", o->hist_len);
    if (o->hist_start < 0 || o->hist_start >= H)
        return BAD("LBFGS", "hist_start", "in the saved state must be in [0, history_size), got %d", o->hist_start);
    if (o->t_f32 != 0 && o->t_f32 != 1) return BAD("LBFGS", "t", "in the saved state has an invalid kind flag %d", o->t_f32);
    if (!(isfinite(o->t) && o->t >= 0)) return BAD("LBFGS", "t", "in the saved state must be a finite number >= 0, got %s", sl_num(o->t).s);
    if (!(isfinite(o->H_diag) && o->H_diag >= 0))
        return BAD("LBFGS", "H_diag", "in the saved state must be a finite number >= 0, got %s", sl_num(o->H_diag).s);
    if (isnan(o->prev_loss)) return BAD("LBFGS", "prev_loss", "in the saved state must be a number (an infinite loss is kept), got NaN");
    if (o->n_iter == 0 && (o->t != 0 || o->H_diag != 1 || o->prev_loss != 0))
        return BAD("LBFGS", "t", "H_diag and prev_loss in the saved state must be 0, 1 and 0 before the first iteration");
    sl_status st = check_array(o, L_D, sl_opt_carray(o, L_D), (size_t)o->n, -INF_F, INF_F, "a finite number");
    if (!st) st = check_array(o, L_PREV_G, sl_opt_carray(o, L_PREV_G), (size_t)o->n, -INF_F, INF_F, "a finite number");
    const float *ro = sl_opt_carray(o, L_STPS) + (size_t)H * o->n;
    for (int k = 0; k < o->hist_len && !st; k++) {
        int slot = (o->hist_start + k) % H;
        st = check_array(o, L_DIRS, sl_opt_carray(o, L_DIRS) + (size_t)slot * o->n, (size_t)o->n, -INF_F, INF_F, "a finite number");
        if (!st) st = check_array(o, L_STPS, sl_opt_carray(o, L_STPS) + (size_t)slot * o->n, (size_t)o->n, -INF_F, INF_F, "a finite number");
        if (!st && !(isfinite(ro[slot]) && ro[slot] > 0 && ro[slot] <= 1e10f))
            st = BAD("LBFGS", "ro", "[%d] in the saved state must be in (0, 1e10], got %s", slot, sl_num(ro[slot]).s);
    }
    return st;
}

/* The header fields every type has, and the ones a type does not use left at their start values. */
SL_COMPACT static sl_status check_counters(const sl_optimizer *o)
{
    const char *name = sl_opt_name(o->type);
    if (!(o->steps >= 0 && o->steps <= SL_OPT_MAX_STEPS && floor(o->steps) == o->steps))
        return BAD(name, "steps", "in the saved state must be an integer in [0, 2^53], got %s", sl_num(o->steps).s);
    if (o->has_scheduler != 0 && o->has_scheduler != 1) return BAD(name, "scheduler", "in the saved state has an invalid flag %d", o->has_scheduler);
    if (o->type != O_LBFGS && (o->func_evals || o->n_iter || o->hist_len || o->hist_start || o->t_f32 || o->t != 0 ||
                               o->prev_loss != 0 || o->H_diag != 1))
        return BAD(name, "state", "has LBFGS counters set");
    if (o->type == O_LBFGS && o->func_evals > INT_MAX - o->group->h.max_eval - 27)
        return BAD(name, "func_evals", "in the saved state is too large to step again, got %d", o->func_evals);
    return SL_STATUS_OK;
}

/* The ranges and groups: the ranges tile the vector, each group's options pass their
 * descriptors and rules, its counters are what its rule produces after `steps` steps. */
SL_COMPACT static sl_status check_groups(const sl_optimizer *o)
{
    const char *name = sl_opt_name(o->type);
    if (o->n_groups < 1 || o->n_groups > SL_MAX_GROUPS || o->n_ranges < 1 || o->n_ranges > SL_OPT_MAX_RANGES ||
        (o->type == O_LBFGS && o->n_groups != 1))
        return BAD(name, "param_groups", "in the saved state has %d groups in %d ranges", o->n_groups, o->n_ranges);
    double at = 0, count[SL_MAX_GROUPS] = { 0 };
    for (int k = 0; k < o->n_ranges; k++) {
        const sl_opt_range *r = &o->ranges[k];
        if (r->offset != at || r->count < 1 || r->group < 0 || r->group >= o->n_groups)
            return BAD(name, "param_groups", "in the saved state has a range %d that does not follow the one before", k);
        at += r->count;
        count[r->group] += r->count;
    }
    static const sl_opt_range zero_range;
    static const sl_opt_group zero_group;
    for (int k = o->n_ranges; k < SL_OPT_MAX_RANGES; k++)
        if (memcmp(&o->ranges[k], &zero_range, sizeof zero_range)) return BAD(name, "param_groups", "in the saved state has ranges past its %d", o->n_ranges);
    for (int g = o->n_groups; g < SL_MAX_GROUPS; g++)
        if (memcmp(&o->group[g], &zero_group, sizeof zero_group)) return BAD(name, "param_groups", "in the saved state has groups past its %d", o->n_groups);
    if (at != o->n) return BAD(name, "param_groups", "in the saved state cover %s of %d parameters", sl_num(at).s, o->n);
    int fresh = o->steps == 0;
    for (int g = 0; g < o->n_groups; g++) {
        const sl_opt_group *G = &o->group[g];
        const sl_hyper *h = &G->h;
        sl_status st = sl_opt_recheck(o->type, h);
        if (st) return st;
        if (G->count != count[g] || count[g] < 1)
            return BAD(name, "param_groups", "[%d] in the saved state counts %s parameters, its ranges %s", g, sl_num(G->count).s, sl_num(count[g]).s);
        if (!(isfinite(G->lr) && G->lr >= 0)) return BAD(name, "lr", "in the saved state must be a number >= 0, got %s", sl_num(G->lr).s);
        if (fresh ? !isnan(G->last_lr) : !(isfinite(G->last_lr) && G->last_lr >= 0))
            return BAD(name, "lr", "of the last step in the saved state is %s", sl_num(G->last_lr).s);
        if (G->buf_ready != 0 && G->buf_ready != 1) return BAD(name, "momentum_buffer", "in the saved state has an invalid flag %d", G->buf_ready);
        int buffered = o->type == O_SGD || o->type == O_LARS || o->type == O_SWATS;
        if (G->buf_ready && (!buffered || o->steps < 1))
            return BAD(name, "momentum_buffer", "in the saved state is marked ready before any momentum step");
        if ((o->type == O_SGD && !o->momentum_from_scheduler && G->buf_ready != (o->steps >= 1 && h->momentum != 0)) ||
            (o->type == O_LARS && G->buf_ready != (o->steps >= 1)) || (o->type == O_SWATS && G->buf_ready && !G->switched))
            return BAD(name, "momentum_buffer", "in the saved state is %s, but %s steps with momentum %s make it %s",
                       G->buf_ready ? "ready" : "missing", sl_num(o->steps).s, sl_num(h->momentum).s, G->buf_ready ? "missing" : "ready");
        if (o->type == O_NAdam ? !(isfinite(G->mu_product) && G->mu_product > 0 && G->mu_product <= 1) || (fresh && G->mu_product != 1)
                               : G->mu_product != 1)
            return BAD(name, "mu_product", "in the saved state must be in (0, 1] (1 before the first step), got %s", sl_num(G->mu_product).s);
        if (o->type == O_ASGD ? !fresh && !(isfinite(G->eta) && G->eta >= 0 && isfinite(G->mu) && G->mu > 0 && G->mu <= 1)
                              : G->eta != 0 || G->mu != 0)
            return BAD(name, "eta", "and mu in the saved state must be a rate >= 0 and a weight in (0, 1], got %s and %s", sl_num(G->eta).s,
                       sl_num(G->mu).s);
        if (o->type == O_ASGD && fresh && (G->eta != 0 || G->mu != 0)) return BAD(name, "eta", "in the saved state is set before the first step");
        if (o->type == O_LARS ? (fresh ? !isnan(G->trust_ratio) : !(isfinite(G->trust_ratio) && G->trust_ratio >= 0)) : !isnan(G->trust_ratio))
            return BAD(name, "trust_ratio", "in the saved state must be a number >= 0 after a LARS step, got %s", sl_num(G->trust_ratio).s);
        if (o->type == O_SWATS) {
            if (G->switched != 0 && G->switched != 1) return BAD(name, "switched", "in the saved state has an invalid flag %d", G->switched);
            if (!isfinite(G->lambda_k) || (isnan(G->estimate) != isnan(G->gamma_k)) || (!isnan(G->estimate) && !isfinite(G->estimate)) ||
                (!isnan(G->gamma_k) && !isfinite(G->gamma_k)))
                return BAD(name, "lambda", "in the saved state must be finite, got %s", sl_num(G->lambda_k).s);
            if (G->switched ? !(G->switch_step >= 2 && G->switch_step <= o->steps && floor(G->switch_step) == G->switch_step &&
                                isfinite(G->Lambda) && G->Lambda > 0 && isfinite(G->lr_at_switch) && G->lr_at_switch >= 0)
                            : G->switch_step != 0 || G->Lambda != 0 || G->lr_at_switch != 0)
                return BAD(name, "switch_step", "and the SGD rate in the saved state are %s and %s", sl_num(G->switch_step).s, sl_num(G->Lambda).s);
        } else if (G->switched || G->switch_step != 0 || G->lambda_k != 0 || G->Lambda != 0 || G->lr_at_switch != 0 ||
                   !isnan(G->estimate) || !isnan(G->gamma_k)) {
            return BAD(name, "state", "has SWATS counters set");
        }
        if (G->pad || G->pad2) return BAD(name, "state", "has padding bytes set");
    }
    return SL_STATUS_OK;
}

/* The attached scheduler: valid by its own rules, started from the groups' lrs, in step with the optimizer. */
SL_COMPACT static sl_status check_scheduler(const sl_optimizer *o)
{
    const char *name = sl_opt_name(o->type);
    if (!o->has_scheduler) {
        static const sl_scheduler zero;
        if (memcmp(&o->sched, &zero, sizeof zero) != 0 || o->momentum_from_scheduler)
            return BAD(name, "scheduler", "in the saved state is set, but none is attached");
        for (int g = 0; g < o->n_groups; g++)
            if (o->group[g].lr != o->group[g].h.lr)
                return BAD(name, "lr", "in the saved state is %s, but without a scheduler it stays the spec's %s", sl_num(o->group[g].lr).s,
                           sl_num(o->group[g].h.lr).s);
        return SL_STATUS_OK;
    }
    sl_status st = sl_scheduler_state_check(&o->sched);
    if (st) return st;
    int mom;
    if ((st = sl_opt_scheduler_fits(o->type, &o->sched, SL_STATUS_STATE, &mom))) return st;
    if (mom != o->momentum_from_scheduler) return BAD(name, "scheduler", "in the saved state has a wrong momentum flag");
    if (sl_scheduler_n_groups(&o->sched) != o->n_groups)
        return BAD(name, "scheduler", "in the saved state drives %d groups, not the optimizer's %d", sl_scheduler_n_groups(&o->sched), o->n_groups);
    for (int g = 0; g < o->n_groups; g++) {
        if (sl_scheduler_initial_lr(&o->sched, g) != o->group[g].h.lr)
            return BAD(name, "scheduler", "in the saved state started from lr %s, not the optimizer's %s",
                       sl_num(sl_scheduler_initial_lr(&o->sched, g)).s, sl_num(o->group[g].h.lr).s);
        if (o->group[g].lr != sl_scheduler_group_lr(&o->sched, g))
            return BAD(name, "lr", "in the saved state is %s, but its scheduler's is %s", sl_num(o->group[g].lr).s,
                       sl_num(sl_scheduler_group_lr(&o->sched, g)).s);
    }
    if (!sl_scheduler_needs_metric(&o->sched) && sl_scheduler_last_epoch(&o->sched) > o->steps)
        return BAD(name, "scheduler", "in the saved state took %d steps, more than the optimizer's %s",
                   sl_scheduler_last_epoch(&o->sched), sl_num(o->steps).s);
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_optimizer_restore(const void *buf, double len, sl_optimizer **out)
{
    *out = NULL;
    sl_optimizer head;
    if (!buf || !(len >= (double)sizeof head && len <= SL_OPT_MAX_BYTES))
        return BAD("optimizer", "state", "is truncated: %s bytes, a header alone is %d", sl_num(len).s, (int)sizeof head);
    memcpy(&head, buf, sizeof head);
    const char *why = NULL;
    int off[SL_OPT_ARRAYS], n_floats = -1;
    if (head.magic != SL_OPT_MAGIC) why = "is not a steplab optimizer state";
    else if (head.version != SL_OPT_VERSION)
        return BAD("optimizer", "state", "is from another version of steplab (state version %u, this one reads %u)", head.version,
                   SL_OPT_VERSION);
    else if (head.size != (uint32_t)len) why = "has the wrong size (truncated or extended)";
    else if (head.type < 0 || head.type >= O_COUNT || head.n < 1 || head.n > SL_OPT_MAX_N || head.n_groups < 1 ||
             head.n_groups > SL_MAX_GROUPS)
        why = "has an invalid header";
    if (why) return BAD("optimizer", "state", "%s", why);
    sl_status st = sl_opt_recheck(head.type, &head.group->h);
    if (st) return st;
    int custom_states = 0;
    if (head.type == O_Custom) {
        /* the rule block comes first: its state count sets the layout (checked in full below) */
        if (len < (double)sizeof head + 4.0 * sl_custom_floats()) return BAD("Custom", "state", "is truncated: no rule block");
        int counts[2];
        memcpy(counts, (const char *)buf + sizeof head, sizeof counts);
        if (counts[1] < 0 || counts[1] > SL_CUSTOM_MAX_STATE) return BAD("Custom", "state", "in the saved state has %d state arrays", counts[1]);
        custom_states = counts[1];
    }
    sl_opt_layout(head.type, &head.group->h, head.n, custom_states, off, &n_floats);
    if (n_floats != head.n_floats || memcmp(off, head.off, sizeof off) != 0 || (size_t)len != sizeof head + (size_t)n_floats * 4)
        return BAD("optimizer", "state", "has an invalid layout");
    sl_optimizer *o = malloc((size_t)len);
    if (!o) return sl_fail(SL_STATUS_NOMEM, "optimizer", NULL, "out of memory");
    memcpy(o, buf, (size_t)len);
    if (o->checksum != sl_opt_checksum(o)) st = BAD("optimizer", "state", "is corrupted (checksum mismatch)");
    if (!st) st = check_counters(o);
    if (!st) st = check_groups(o);
    if (!st) st = check_scheduler(o);
    if (!st && o->type == O_LBFGS) st = check_lbfgs(o);
    if (!st && o->type == O_Custom) st = sl_custom_check(o);
    for (int k = 0; !st && o->type != O_LBFGS && o->type != O_Custom && k < o->n_ranges; k++) st = check_moments(o, &o->ranges[k]);
    if (st) {
        free(o);
        return st;
    }
    *out = o;
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
