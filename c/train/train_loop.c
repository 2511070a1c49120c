/* The training loop: one optimizer step on the next batch (gather, forward,
 * loss and penalty, backward, PyTorch's clip_grad_norm_ / clip_grad_value_,
 * the scheduler before or after the optimizer), the epoch's end (evaluation,
 * epoch-wise or plateau scheduling, early stopping with best-weight restore)
 * and divergence, reported as a status, never as NaN numbers. */
#include "train_internal.h"

#include <math.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static void diverge(sl_trainer *t)
{
    t->status = SL_TRAIN_DIVERGED;
    t->diverged_step = t->steps;
}

static sl_status end_epoch(sl_trainer *t)
{
    double tr[3], va[3];
    sl_status st;
    t->epoch++;
    t->cursor = 0;
    if ((st = sl_trainer_evaluate(t, 0, tr)) || (st = sl_trainer_evaluate(t, 1, va))) {
        if (st != SL_STATUS_RANGE) return st;
        t->epoch--; /* no record for this epoch: the last step left weights whose outputs overflow */
        diverge(t);
        return SL_STATUS_OK;
    }
    t->batch = sl_train_batch_at(&t->cfg, t->batch0, t->n_train, t->epoch);
    sl_optimizer *o = t->opt;
    if (sl_optimizer_needs_metric(o)) {
        if ((st = sl_optimizer_scheduler_step(o, t->n_val ? va[0] : tr[0]))) return st;
    } else if (t->cfg.scheduler_interval && ((st = sl_optimizer_scheduler_advance(o)) || (st = sl_train_snapshot_after_schedule(t)))) {
        return st;
    }
    double *r = t->record;
    r[SL_EP_TRAIN_LOSS] = tr[0], r[SL_EP_VAL_LOSS] = va[0];
    r[SL_EP_TRAIN_METRIC] = tr[1], r[SL_EP_VAL_METRIC] = va[1];
    r[SL_EP_TRAIN_MAE] = tr[2], r[SL_EP_VAL_MAE] = va[2];
    r[SL_EP_LR] = sl_optimizer_lr(o);
    sl_train_snapshot_record(t, r);
    int np = sl_mlp_n_params(t->m);
    const sl_train_early_stopping *E = &t->cfg.early_stopping;
    if (E->patience >= 0) {
        if (va[0] < t->es_best - E->min_delta) {
            t->es_best = va[0];
            t->es_bad = 0;
            t->es_best_epoch = t->epoch;
            memcpy(t->best, sl_mlp_params(t->m), (size_t)np * sizeof(float));
        } else if (++t->es_bad >= E->patience) { /* Keras's and Lightning's count: patience epochs without improvement */
            t->status = SL_TRAIN_STOPPED;
            if (E->restore_best) memcpy(sl_mlp_params(t->m), t->best, (size_t)np * sizeof(float));
            return SL_STATUS_OK;
        }
    }
    if (t->epoch >= t->cfg.epochs) t->status = SL_TRAIN_DONE;
    return SL_STATUS_OK;
}

/* The per-step loop is built for speed (the rest of this file for size): under minsize
 * clang neither unswitches nor unrolls these loops, and W1's step is mostly such overhead. */
#if defined(__clang__)
#pragma clang attribute pop
#endif

/* One optimizer step on the next batch; rec gets loss, lr, grad norm. Nothing is
 * computed here that is not recorded or used: without shuffling the batch is read
 * in place (the row order stays the identity; a restore checks it), the penalty's
 * gradient is added only when there is one, the clip norm only when clipping by norm. */
static sl_status step(sl_trainer *t, double *rec)
{
    int d = sl_dataset_n_features(t->ds), c = t->n_out, np = sl_mlp_n_params(t->m);
    if (t->cursor == 0 && t->cfg.shuffle) sl_rng_shuffle(&t->rng, t->perm, t->n_train);
    int b = t->n_train - t->cursor < t->batch ? t->n_train - t->cursor : t->batch;
    const float *X = sl_dataset_X(t->ds), *Xb = X + (size_t)t->cursor * d, *yb = t->tgt + t->cursor;
    if (t->cfg.shuffle) {
        for (int i = 0; i < b; i++) {
            int r = t->perm[t->cursor + i];
            memcpy(t->Xb + (size_t)i * d, X + (size_t)r * d, (size_t)d * sizeof(float));
            t->yb[i] = t->tgt[r];
        }
        Xb = t->Xb, yb = t->yb;
    }
    float *p = sl_mlp_params(t->m), *g = sl_mlp_grads(t->m);
    double loss, pen = 0;
    const float *o = sl_mlp_forward(t->m, t->w, Xb, b);
    if (!sl_train_finite(o, (long)b * c)) {
        diverge(t);
        return SL_STATUS_OK;
    }
    sl_status st = t->embed ? sl_train_embed_step(t, o, yb, b, t->g, &loss)
                            : sl_loss_eval(t->loss, o, NULL, NULL, yb, b, c, b, t->g, NULL, NULL, &loss);
    if (st) return st;
    if (t->reg && (st = sl_loss_eval(t->reg, p, NULL, NULL, NULL, 1, np, -1, t->gpen, NULL, NULL, &pen))) return st;
    loss += pen;
    if (!isfinite(loss)) {
        diverge(t);
        return SL_STATUS_OK;
    }
    sl_mlp_backward(t->m, t->w, Xb, t->g);
    const sl_train_clip *C = &t->cfg.grad_clip;
    double sq = 0, pn = 0, q = C->norm_type;
    if (t->reg)
        for (int i = 0; i < np; i++) g[i] += t->gpen[i];
    for (int i = 0; i < np; i++) sq += (double)g[i] * g[i];
    if (C->mode == 1) {
        if (isinf(q))
            for (int i = 0; i < np; i++) pn = fmax(pn, fabs(g[i]));
        else
            for (int i = 0; i < np; i++) pn += pow(fabs(g[i]), q);
    }
    double norm = sqrt(sq);
    if (!isfinite(norm)) {
        diverge(t);
        return SL_STATUS_OK;
    }
    if (C->mode == 1) {
        /* torch.nn.utils.clip_grad_norm_: scale by max_norm / (total_norm + 1e-6), clamped to 1 */
        double total = isinf(q) ? pn : pow(pn, 1 / q), coef = C->max_norm / (total + 1e-6);
        if (coef < 1)
            for (int i = 0; i < np; i++) g[i] = (float)(g[i] * coef);
    } else if (C->mode == 2) {
        float v = (float)C->clip_value;
        for (int i = 0; i < np; i++) g[i] = g[i] > v ? v : g[i] < -v ? -v : g[i];
    }
    sl_optimizer *op = t->opt;
    int before = t->cfg.scheduler_order && !t->cfg.scheduler_interval && sl_optimizer_has_scheduler(op) && !sl_optimizer_needs_metric(op);
    if (before && (st = sl_optimizer_scheduler_advance(op))) return st; /* the classic mistake: the first lr is never used */
    rec[0] = loss, rec[1] = t->last_lr = sl_optimizer_lr(op), rec[2] = norm;
    memcpy(t->upd, p, (size_t)np * sizeof(float));
    /* the scheduler is stepped at the end of the epoch (interval 'epoch'), or was already ('before') */
    st = sl_optimizer_step_flags(op, p, g, np, t->cfg.scheduler_interval || before ? SL_STEP_KEEP_SCHEDULER : 0);
    if (st) return st;
    for (int i = 0; i < np; i++) t->upd[i] = p[i] - t->upd[i];
    if (!t->cfg.scheduler_interval && (st = sl_train_snapshot_after_schedule(t))) return st;
    t->last_loss = loss;
    t->steps++;
    t->cursor += b;
    return t->cursor >= t->n_train ? end_epoch(t) : SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

sl_status sl_trainer_run(sl_trainer *t, double k, double *out, int *done)
{
    *done = 0;
    if (!(k >= 0 && k <= 1e9 && floor(k) == k))
        return sl_fail(SL_STATUS_INVALID, SL_TRAIN_THING, "k", "must be an integer in [0, 1000000000], got %s", sl_num(k).s);
    sl_status st = sl_trainer_check_work(t, k, SL_CALL_STEP);
    if (st) return st;
    if (k > 0 && !out) return sl_fail(SL_STATUS_INVALID, SL_TRAIN_THING, "out", "needs room for 3 doubles per step");
    while (*done < k && t->status == SL_TRAIN_RUNNING) {
        int epoch = t->epoch;
        double *rec = out + 3 * (size_t)*done;
        if ((st = step(t, rec))) return st;
        if (t->status == SL_TRAIN_DIVERGED) break;
        ++*done;
        if (t->epoch != epoch) break;
    }
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
