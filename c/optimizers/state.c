/* Saved optimizer states: a byte copy with a checksum (which detects
 * accidents, not forgeries). A restore is as strict as a create: the
 * hyper-parameters pass their descriptors and rules again, the layout is
 * recomputed, the counters are integers in their ranges and agree with each
 * other, every state array holds what its rule can produce (finite; second
 * moments, sums and step sizes within their bounds; arrays a type does not use
 * still zero), and an attached scheduler passes the scheduler's own checks
 * with its lr equal to the optimizer's. */
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
static sl_status check_array(const sl_optimizer *o, int k, const float *a, size_t n, float lo, float hi, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(a[i]) && a[i] >= lo && a[i] <= hi)) {
            char name[32];
            array_name(o->type, k, name, sizeof name);
            return BAD(sl_opt_name(o->type), name, "[%d] in the saved state must be %s, got %s", (int)i, what, sl_num(a[i]).s);
        }
    return SL_STATUS_OK;
}

static sl_status zero_array(const sl_optimizer *o, int k, const float *a, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != 0) {
            char name[32];
            array_name(o->type, k, name, sizeof name);
            return BAD(sl_opt_name(o->type), name, "[%d] in the saved state must be 0 (%s), got %s", (int)i, why, sl_num(a[i]).s);
        }
    return SL_STATUS_OK;
}

/* The state arrays of the element-wise optimizers. */
SL_COMPACT static sl_status check_moments(const sl_optimizer *o)
{
    const sl_hyper *h = &o->h;
    const size_t n = (size_t)o->n;
    const float *a[3] = { sl_opt_carray(o, 0), sl_opt_carray(o, 1), sl_opt_carray(o, 2) };
    const float INF_F = INFINITY;
    const char *any = "a finite number", *nonneg = "a finite number >= 0";
    int fresh = o->steps == 0, own_momentum = !o->momentum_from_scheduler;
    sl_status st = SL_STATUS_OK;
    switch (o->type) {
    case O_SGD:
        st = o->buf_ready ? check_array(o, 0, a[0], n, -INF_F, INF_F, any) : zero_array(o, 0, a[0], n, "no momentum step yet");
        break;
    case O_Adagrad: {
        float init = (float)h->initial_accumulator_value;
        st = check_array(o, 0, a[0], n, init, INF_F, "a finite number >= initial_accumulator_value");
        if (!st && fresh)
            for (size_t i = 0; i < n && !st; i++)
                if (a[0][i] != init) st = BAD("Adagrad", "sum", "[%d] in the saved state must be initial_accumulator_value before the first step", (int)i);
        break;
    }
    case O_RMSprop:
        st = check_array(o, 0, a[0], n, 0, INF_F, nonneg);
        if (!st) st = h->centered ? check_array(o, 1, a[1], n, -INF_F, INF_F, any) : zero_array(o, 1, a[1], n, "not centered");
        if (!st) st = own_momentum && h->momentum == 0 ? zero_array(o, 2, a[2], n, "no momentum") : check_array(o, 2, a[2], n, -INF_F, INF_F, any);
        break;
    case O_Adadelta:
        st = check_array(o, 0, a[0], n, 0, INF_F, nonneg);
        if (!st) st = check_array(o, 1, a[1], n, 0, INF_F, nonneg);
        break;
    case O_Adam:
    case O_AdamW:
        st = check_array(o, 0, a[0], n, -INF_F, INF_F, any);
        if (!st) st = check_array(o, 1, a[1], n, 0, INF_F, nonneg);
        if (!st && !h->amsgrad) st = zero_array(o, 2, a[2], n, "no amsgrad");
        for (size_t i = 0; i < n && !st && h->amsgrad; i++)
            if (!(isfinite(a[2][i]) && a[2][i] >= a[1][i]))
                st = BAD(sl_opt_name(o->type), "max_exp_avg_sq", "[%d] in the saved state must be finite and >= exp_avg_sq, got %s",
                         (int)i, sl_num(a[2][i]).s);
        break;
    case O_Adamax:
        st = check_array(o, 0, a[0], n, -INF_F, INF_F, any);
        if (!st) st = fresh ? zero_array(o, 1, a[1], n, "before the first step")
                            : check_array(o, 1, a[1], n, (float)h->eps, INF_F, "a finite number >= eps");
        break;
    case O_NAdam:
    case O_RAdam:
        st = check_array(o, 0, a[0], n, -INF_F, INF_F, any);
        if (!st) st = check_array(o, 1, a[1], n, 0, INF_F, nonneg);
        break;
    case O_Rprop:
        st = fresh ? zero_array(o, 0, a[0], n, "before the first step") : check_array(o, 0, a[0], n, -INF_F, INF_F, any);
        if (!st) st = fresh ? zero_array(o, 1, a[1], n, "before the first step")
                            : check_array(o, 1, a[1], n, (float)h->step_sizes[0], (float)h->step_sizes[1], "within step_sizes");
        break;
    case O_DeltaBarDelta:
        st = fresh ? check_array(o, 0, a[0], n, 1, 1, "1 before the first step")
                   : check_array(o, 0, a[0], n, (float)h->min_gain, (float)h->max_gain, "within [min_gain, max_gain]");
        if (!st) st = fresh ? zero_array(o, 1, a[1], n, "before the first step") : check_array(o, 1, a[1], n, -INF_F, INF_F, any);
        break;
    }
    if (!st && fresh && o->type != O_Adagrad && o->type != O_DeltaBarDelta)
        for (int k = 0; k < sl_opt_kinds[o->type].n_arrays && !st; k++) st = zero_array(o, k, a[k], n, "before the first step");
    return st;
}

/* LBFGS: its counters, scalars, and the vectors and history rows the next step reads. */
SL_COMPACT static sl_status check_lbfgs(const sl_optimizer *o)
{
    const sl_hyper *h = &o->h;
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
    const sl_hyper *h = &o->h;
    if (!(o->steps >= 0 && o->steps <= SL_OPT_MAX_STEPS && floor(o->steps) == o->steps))
        return BAD(name, "steps", "in the saved state must be an integer in [0, 2^53], got %s", sl_num(o->steps).s);
    if (o->has_scheduler != 0 && o->has_scheduler != 1) return BAD(name, "scheduler", "in the saved state has an invalid flag %d", o->has_scheduler);
    if (o->buf_ready != 0 && o->buf_ready != 1) return BAD(name, "momentum_buffer", "in the saved state has an invalid flag %d", o->buf_ready);
    if (o->buf_ready && (o->type != O_SGD || o->steps < 1))
        return BAD(name, "momentum_buffer", "in the saved state is marked ready before any SGD momentum step");
    if (o->type == O_SGD && !o->momentum_from_scheduler && o->buf_ready != (o->steps >= 1 && h->momentum != 0))
        return BAD(name, "momentum_buffer", "in the saved state is %s, but %s steps with momentum %s make it %s",
                   o->buf_ready ? "ready" : "missing", sl_num(o->steps).s, sl_num(h->momentum).s,
                   o->buf_ready ? "missing" : "ready");
    if (o->type == O_NAdam ? !(isfinite(o->mu_product) && o->mu_product > 0 && o->mu_product <= 1) ||
                                 (o->steps == 0 && o->mu_product != 1)
                           : o->mu_product != 1)
        return BAD(name, "mu_product", "in the saved state must be in (0, 1] (1 before the first step), got %s", sl_num(o->mu_product).s);
    if (o->type != O_LBFGS && (o->func_evals || o->n_iter || o->hist_len || o->hist_start || o->t_f32 || o->t != 0 ||
                               o->prev_loss != 0 || o->H_diag != 1))
        return BAD(name, "state", "has LBFGS counters set");
    if (o->type == O_LBFGS && o->func_evals > INT_MAX - h->max_eval - 27)
        return BAD(name, "func_evals", "in the saved state is too large to step again, got %d", o->func_evals);
    return SL_STATUS_OK;
}

/* The attached scheduler: valid by its own rules, started from this lr, in step with the optimizer. */
SL_COMPACT static sl_status check_scheduler(const sl_optimizer *o)
{
    const char *name = sl_opt_name(o->type);
    if (!o->has_scheduler) {
        static const sl_scheduler zero;
        if (memcmp(&o->sched, &zero, sizeof zero) != 0 || o->momentum_from_scheduler)
            return BAD(name, "scheduler", "in the saved state is set, but none is attached");
        if (o->lr != o->h.lr)
            return BAD(name, "lr", "in the saved state is %s, but without a scheduler it stays the spec's %s", sl_num(o->lr).s,
                       sl_num(o->h.lr).s);
        return SL_STATUS_OK;
    }
    sl_status st = sl_scheduler_state_check(&o->sched);
    if (st) return st;
    int mom;
    if ((st = sl_opt_scheduler_fits(o->type, &o->sched, SL_STATUS_STATE, &mom))) return st;
    if (mom != o->momentum_from_scheduler) return BAD(name, "scheduler", "in the saved state has a wrong momentum flag");
    if (sl_scheduler_initial_lr(&o->sched) != o->h.lr)
        return BAD(name, "scheduler", "in the saved state started from lr %s, not the optimizer's %s",
                   sl_num(sl_scheduler_initial_lr(&o->sched)).s, sl_num(o->h.lr).s);
    if (o->lr != sl_scheduler_lr(&o->sched))
        return BAD(name, "lr", "in the saved state is %s, but its scheduler's is %s", sl_num(o->lr).s, sl_num(sl_scheduler_lr(&o->sched)).s);
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
    else if (head.type < 0 || head.type >= O_COUNT || head.n < 1 || head.n > SL_OPT_MAX_N) why = "has an invalid header";
    if (why) return BAD("optimizer", "state", "%s", why);
    sl_status st = sl_opt_recheck(head.type, &head.h);
    if (st) return st;
    sl_opt_layout(head.type, &head.h, head.n, off, &n_floats);
    if (n_floats != head.n_floats || memcmp(off, head.off, sizeof off) != 0 || (size_t)len != sizeof head + (size_t)n_floats * 4)
        return BAD("optimizer", "state", "has an invalid layout");
    sl_optimizer *o = malloc((size_t)len);
    if (!o) return sl_fail(SL_STATUS_NOMEM, "optimizer", NULL, "out of memory");
    memcpy(o, buf, (size_t)len);
    if (o->checksum != sl_opt_checksum(o)) st = BAD("optimizer", "state", "is corrupted (checksum mismatch)");
    if (!st) st = check_counters(o);
    if (!st) st = check_scheduler(o);
    if (!st) st = o->type == O_LBFGS ? check_lbfgs(o) : check_moments(o);
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
