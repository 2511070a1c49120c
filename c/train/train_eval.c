/* Evaluation and prediction: the model's outputs in chunks of the
 * workspace's rows, so a split of any size the data sets allow evaluates
 * (a split of at most SL_TRAIN_EVAL_ROWS rows is one chunk), the loss and
 * metrics of a split, class probabilities, raw outputs and the grid of a
 * decision-boundary image. */
#include "train_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = SL_TRAIN_THING;

int sl_train_finite(const float *v, long n)
{
    for (long i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

sl_status sl_train_forward_rows(sl_trainer *t, const float *X, int n, sl_train_rows_fn fn, void *ctx)
{
    int d = sl_dataset_n_features(t->ds);
    for (int i0 = 0; i0 < n; i0 += t->cap) {
        int b = n - i0 < t->cap ? n - i0 : t->cap;
        sl_status st = fn(t, sl_mlp_forward(t->m, t->w, X + (size_t)i0 * d, b), i0, b, ctx);
        if (st) return st;
    }
    return SL_STATUS_OK;
}

static int argmax(const float *row, int c)
{
    if (c == 1) return row[0] > 0;
    int k = 0;
    for (int j = 1; j < c; j++)
        if (row[j] > row[k]) k = j;
    return k;
}

/* One split's running sums: the loss's parts, the metric's sums, the labels. */
typedef struct {
    const float *y, *tgt;
    double sum, norm, s1, s2;
} eval_ctx;

static sl_status diverged(void)
{
    return sl_fail(SL_STATUS_RANGE, THING, NULL, "the model's outputs are not finite (the weights overflowed: the run diverged)");
}

static sl_status eval_chunk(sl_trainer *t, const float *o, int i0, int b, void *ctx)
{
    eval_ctx *e = ctx;
    int c = t->n_out, k = sl_train_classes(t);
    if (!sl_train_finite(o, (long)b * c)) return diverged();
    if (t->embed) { /* the outputs are kept for the split's tuples; the accuracy is the nearest centroid's */
        memcpy(t->eout + (size_t)i0 * c, o, (size_t)b * c * sizeof(float));
        return SL_STATUS_OK;
    }
    double s, z;
    sl_status st = sl_loss_eval_parts(t->loss, o, NULL, NULL, e->tgt + i0, b, c, b, t->g, NULL, NULL, &s, &z);
    if (st) return st;
    e->sum += s, e->norm += z;
    for (int i = 0; i < b; i++) {
        if (t->task == SL_TASK_REGRESSION) {
            double err = (double)o[i] - e->y[i0 + i];
            e->s1 += err * err, e->s2 += fabs(err);
        } else {
            int p = argmax(o + (size_t)i * c, c), truth = (int)e->y[i0 + i];
            t->confusion[truth * k + p]++;
            e->s1 += p == truth;
        }
    }
    return SL_STATUS_OK;
}

sl_status sl_trainer_evaluate(sl_trainer *t, int split, double *out)
{
    if (split != 0 && split != 1) return sl_fail(SL_STATUS_INVALID, THING, "split", "must be 0 (train) or 1 (val), got %d", split);
    int lo = split ? t->n_train : 0, n = split ? t->n_val : t->n_train, c = t->n_out, k = sl_train_classes(t);
    int d = sl_dataset_n_features(t->ds);
    out[0] = out[1] = out[2] = NAN;
    memset(t->confusion, 0, (size_t)k * k * sizeof(int));
    if (n == 0) return SL_STATUS_OK;
    eval_ctx e = { sl_dataset_y(t->ds) + lo, t->tgt + lo, 0, 0, 0, 0 };
    sl_status st = sl_train_forward_rows(t, sl_dataset_X(t->ds) + (size_t)lo * d, n, eval_chunk, &e);
    if (st) return st;
    if (t->embed) {
        if ((st = sl_train_centroids(t, split ? NULL : t->eout)) || (st = sl_train_embed_split_loss(t, t->eout, e.y, n, out)))
            return st;
        double *d2 = t->cent + (size_t)k * c;
        for (int i = 0; i < n; i++) {
            int p = sl_train_nearest(t, t->eout + (size_t)i * c, d2), truth = (int)e.y[i];
            t->confusion[truth * k + p]++;
            e.s1 += p == truth;
        }
    } else {
        out[0] = sl_loss_reduction(t->loss) == SL_RED_SUM ? e.sum : e.norm > 0 ? e.sum / e.norm : 0;
    }
    out[1] = e.s1 / n;
    if (t->task == SL_TASK_REGRESSION) out[2] = e.s2 / n;
    return SL_STATUS_OK;
}

/* ---- prediction ---- */

typedef struct {
    float *out;
    int raw;
} pred_ctx;

static sl_status pred_chunk(sl_trainer *t, const float *o, int i0, int b, void *ctx)
{
    pred_ctx *p = ctx;
    int c = t->n_out, k = sl_train_classes(t), cent = t->embed && !p->raw, w = cent ? k : c;
    double *d2 = cent ? t->cent + (size_t)k * c : NULL;
    float *dst = p->out + (size_t)i0 * w;
    for (int i = 0; i < b; i++) {
        const float *r = o + (size_t)i * c;
        float *q = dst + (size_t)i * w;
        if (cent) { /* softmax of minus the squared distances; a class without training rows gets 0 */
            double mn = d2[sl_train_nearest(t, r, d2)], s = 0;
            for (int j = 0; j < k; j++) s += isnan(d2[j]) ? 0 : exp(mn - d2[j]);
            for (int j = 0; j < k; j++) q[j] = isnan(d2[j]) ? 0 : (float)(exp(mn - d2[j]) / s);
        } else if (p->raw || t->task == SL_TASK_REGRESSION) {
            memcpy(q, r, (size_t)c * sizeof(float));
        } else if (c == 1) {
            q[0] = (float)(1 / (1 + exp(-(double)r[0])));
        } else {
            double mx = r[0], s = 0;
            for (int j = 1; j < c; j++) mx = r[j] > mx ? r[j] : mx;
            for (int j = 0; j < c; j++) s += exp(r[j] - mx);
            for (int j = 0; j < c; j++) q[j] = (float)(exp(r[j] - mx) / s);
        }
    }
    return SL_STATUS_OK;
}

/* The work limit of predicting n rows (centroids: the training rows too). */
static sl_status check_rows(const sl_trainer *t, double n, const char *field, int cent)
{
    if (!(n >= 0 && n <= SL_TRAIN_MAX_PREDICT && floor(n) == n))
        return sl_fail(SL_STATUS_INVALID, THING, field, "must have 0 to %d rows, got %s", SL_TRAIN_MAX_PREDICT, sl_num(n).s);
    double rows = n + (cent ? t->n_train : 0), work = rows * t->macs;
    if (work > SL_WORK_LIMIT)
        return sl_fail(SL_STATUS_RANGE, THING, field, "of %s rows through %.3g multiply-adds each is about %.3g multiply-adds, more than "
                       "the %.3g one call may do; pass at most %s rows per call", sl_num(n).s, t->macs, work, SL_WORK_LIMIT,
                       sl_num(floor(SL_WORK_LIMIT / t->macs) - (cent ? t->n_train : 0)).s);
    return SL_STATUS_OK;
}

static sl_status outputs(sl_trainer *t, const float *X, double n, float *out, int raw)
{
    int cent = t->embed && !raw;
    sl_status st = check_rows(t, n, "X", cent);
    if (st) return st;
    if (n > 0 && (!X || !out)) return sl_fail(SL_STATUS_INVALID, THING, X ? "out" : "X", "is missing");
    if (cent && (st = sl_train_centroids(t, NULL))) return st;
    pred_ctx p = { out, raw };
    return sl_train_forward_rows(t, X, (int)n, pred_chunk, &p);
}

sl_status sl_trainer_predict(sl_trainer *t, const float *X, double n, float *out) { return outputs(t, X, n, out, 0); }
sl_status sl_trainer_embed(sl_trainer *t, const float *X, double n, float *out) { return outputs(t, X, n, out, 1); }

sl_status sl_trainer_predict_grid(sl_trainer *t, double x0, double x1, double y0, double y1, double nx, double ny, float *out)
{
    int ok_n = nx >= 2 && nx <= 4096 && floor(nx) == nx && ny >= 2 && ny <= 4096 && floor(ny) == ny;
    if (sl_dataset_n_features(t->ds) != 2 || !isfinite(x0) || !isfinite(x1) || !isfinite(y0) || !isfinite(y1) || !ok_n)
        return sl_fail(SL_STATUS_INVALID, THING, "predictGrid", "needs { x: [min, max], y: [min, max], nx, ny } (finite ranges, nx, ny "
                       "integers in [2, 4096]) on a 2-feature data set, got x [%s, %s], y [%s, %s], nx %s, ny %s on %d features",
                       sl_num(x0).s, sl_num(x1).s, sl_num(y0).s, sl_num(y1).s, sl_num(nx).s, sl_num(ny).s,
                       sl_dataset_n_features(t->ds));
    int cent = t->embed;
    sl_status st = check_rows(t, nx * ny, "predictGrid", cent);
    if (st) return st;
    if (!out) return SL_STATUS_OK; /* validation only, before the caller allocates nx ny rows */
    if (cent && (st = sl_train_centroids(t, NULL))) return st;
    int w = sl_trainer_predict_width(t), cols = (int)nx, n = (int)(nx * ny);
    float *pts = malloc((size_t)t->cap * 2 * sizeof(float));
    if (!pts) return sl_fail(SL_STATUS_NOMEM, THING, "predictGrid", "out of memory");
    pred_ctx p = { out, 0 };
    for (int i0 = 0; i0 < n && !st; i0 += t->cap) { /* the points of one chunk, y outer */
        int b = n - i0 < t->cap ? n - i0 : t->cap;
        for (int r = 0; r < b; r++) {
            int i = (i0 + r) % cols, j = (i0 + r) / cols;
            pts[2 * r] = (float)(x0 + ((x1 - x0) * i) / (nx - 1));
            pts[2 * r + 1] = (float)(y0 + ((y1 - y0) * j) / (ny - 1));
        }
        p.out = out + (size_t)i0 * w;
        st = pred_chunk(t, sl_mlp_forward(t->m, t->w, pts, b), 0, b, &p);
    }
    free(pts);
    return st;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
