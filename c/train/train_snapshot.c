/* Snapshot ensembles (Huang et al. 2017, "Snapshot Ensembles: Train 1, get M
 * for free", on Loshchilov & Hutter's SGDR): with CosineAnnealingWarmRestarts,
 * the weights at the end of each cosine cycle, just before a warm restart, are
 * a snapshot, and the ensemble predicts the mean of its snapshots' predictions
 * (class probabilities, or regression outputs). A snapshot is taken when the
 * scheduler's step restarts the cycle (T_cur back to 0), after the optimizer
 * step it follows: per batch with scheduler_interval 'step', at the epoch's end
 * with 'epoch'. Of each snapshot the trainer keeps what the ensemble's
 * validation metrics need, its predictions on the validation split, summed, so
 * memory does not grow with the cycles; each epoch record then holds the
 * ensemble's accuracy (or MSE and MAE) beside the single model's, and the
 * number of snapshots (NaN metrics before the first). */
#include "train_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = SL_TRAIN_THING;

sl_status sl_train_snapshot_setup(sl_trainer *t)
{
    if (!t->cfg.snapshot_ensemble) return SL_STATUS_OK;
    const sl_scheduler *s = sl_optimizer_scheduler(t->opt);
    const char *got = s ? sl_scheduler_type(s) : "none";
    if (!s || strcmp(got, "CosineAnnealingWarmRestarts"))
        return sl_fail(SL_STATUS_INVALID, THING, "snapshot_ensemble", "keeps the weights at each warm restart, so it needs scheduler "
                       "CosineAnnealingWarmRestarts, got %s", got);
    if (t->cfg.scheduler_order)
        return sl_fail(SL_STATUS_INVALID, THING, "snapshot_ensemble", "takes its snapshots after the optimizer step; use scheduler_order 'after'");
    if (!t->n_val)
        return sl_fail(SL_STATUS_INVALID, THING, "snapshot_ensemble", "reports validation metrics: it needs a validation split "
                       "(dataset.val_fraction > 0)");
    if (t->embed)
        return sl_fail(SL_STATUS_INVALID, THING, "snapshot_ensemble", "averages predictions; an embedding (%s) has none to average",
                       sl_loss_type(t->loss));
    size_t n = (size_t)t->n_val * t->n_out;
    t->snap_sum = calloc(n, sizeof(double));
    t->snap_buf = malloc(n * sizeof(float));
    if (!t->snap_sum || !t->snap_buf) return sl_fail(SL_STATUS_NOMEM, THING, "snapshot_ensemble", "out of memory");
    return SL_STATUS_OK;
}

size_t sl_train_snapshot_values(const sl_trainer *t) { return t->snap_sum ? (size_t)t->n_val * t->n_out : 0; }

sl_status sl_train_snapshot_after_schedule(sl_trainer *t)
{
    if (!t->snap_sum) return SL_STATUS_OK;
    const sl_scheduler *s = sl_optimizer_scheduler(t->opt);
    if (!(s->last_epoch > 0 && s->leaf[0].T_cur == 0)) return SL_STATUS_OK;
    int d = sl_dataset_n_features(t->ds);
    sl_status st = sl_trainer_predict(t, sl_dataset_X(t->ds) + (size_t)t->n_train * d, t->n_val, t->snap_buf);
    if (st == SL_STATUS_RANGE) return SL_STATUS_OK; /* outputs that overflow: no snapshot, and the run's divergence is reported */
    if (st) return st;
    size_t n = sl_train_snapshot_values(t);
    for (size_t i = 0; i < n; i++) t->snap_sum[i] += t->snap_buf[i];
    t->n_snapshots++;
    return SL_STATUS_OK;
}

void sl_train_snapshot_record(const sl_trainer *t, double *r)
{
    r[SL_EP_ENS_METRIC] = r[SL_EP_ENS_MAE] = r[SL_EP_SNAPSHOTS] = NAN;
    if (!t->snap_sum) return;
    r[SL_EP_SNAPSHOTS] = t->n_snapshots;
    if (!t->n_snapshots) return;
    const float *y = sl_dataset_y(t->ds) + t->n_train;
    int c = t->n_out;
    double s1 = 0, s2 = 0, m = t->n_snapshots;
    for (int i = 0; i < t->n_val; i++) {
        const double *row = t->snap_sum + (size_t)i * c;
        if (t->task == SL_TASK_REGRESSION) {
            double err = row[0] / m - y[i];
            s1 += err * err, s2 += fabs(err);
            continue;
        }
        int k = 0; /* the class of the mean probabilities (binary: the mean > 0.5, as the single model's logit > 0) */
        if (c == 1) k = row[0] / m > 0.5;
        else
            for (int j = 1; j < c; j++)
                if (row[j] > row[k]) k = j;
        s1 += k == (int)y[i];
    }
    r[SL_EP_ENS_METRIC] = s1 / t->n_val;
    if (t->task == SL_TASK_REGRESSION) r[SL_EP_ENS_MAE] = s2 / t->n_val;
}

sl_status sl_train_snapshot_restore(sl_trainer *t, const void *bytes, int n_snapshots)
{
    size_t n = sl_train_snapshot_values(t);
    const double *sum = t->snap_sum;
    if (n) memcpy(t->snap_sum, bytes, n * sizeof(double));
    double hi = t->task == SL_TASK_REGRESSION ? (double)INFINITY : (double)n_snapshots;
    if (n_snapshots < 0 || (!n && n_snapshots) || n_snapshots > t->steps)
        return sl_fail(SL_STATUS_STATE, THING, "state", "has a snapshot count its config cannot reach");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(sum[i]) || (t->task != SL_TASK_REGRESSION && !(sum[i] >= 0 && sum[i] <= hi)) || (!n_snapshots && sum[i] != 0))
            return sl_fail(SL_STATUS_STATE, THING, "state", "has snapshot predictions out of range");
    t->n_snapshots = n_snapshots;
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
