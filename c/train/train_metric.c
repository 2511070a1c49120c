/* Metric learning in the trainer (the rule is in train.h): each batch's
 * tuples, hard and semi-hard negatives, the tuple loss and its gradient
 * summed back onto the rows, a whole split's loss in chunks of tuples, and
 * the class centroids the accuracy and predictions use. */
#include "train_internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static double dist2(const float *a, const float *b, int c)
{
    double s = 0;
    for (int j = 0; j < c; j++) s += ((double)a[j] - b[j]) * ((double)a[j] - b[j]);
    return s;
}

/* Mining: row i's negative becomes the nearest other-label row (hard), or the
 * nearest one farther than its positive, else the farthest (semi-hard, the
 * rule of TensorFlow Addons' TripletSemiHardLoss); squared distances of the
 * outputs o, ties to the first row. */
static int mine(const sl_trainer *t, const float *o, const float *y, int n, int i, int pos)
{
    int c = t->n_out, best = -1, far = -1;
    double dap = pos >= 0 ? dist2(o + (size_t)i * c, o + (size_t)pos * c, c) : 0, bd = INFINITY, fd = -1;
    for (int j = 0; j < n; j++) {
        if (y[j] == y[i]) continue;
        double d = dist2(o + (size_t)i * c, o + (size_t)j * c, c);
        if (d < bd && (t->cfg.mining == SL_MINE_HARD || d > dap)) bd = d, best = j;
        if (d > fd) fd = d, far = j;
    }
    return best >= 0 ? best : far;
}

/* The buffers: tuple indices ti, tj, tk (tuple_cap each), each row's positive
 * and negative (the split's rows), per-class scratch; the tuple inputs x[3],
 * their gradients g[3] (tuple_cap x n_out each) and the pair labels. */
typedef struct {
    int *ti, *tj, *tk, *pos, *neg, *seen;
    float *x[3], *g[3], *tl;
} tuple_bufs;

static tuple_bufs bufs(const sl_trainer *t)
{
    int tc = t->tuple_cap, n_max = t->n_train > t->n_val ? t->n_train : t->n_val, c = t->n_out;
    tuple_bufs b;
    b.ti = t->eidx, b.tj = b.ti + tc, b.tk = b.tj + tc, b.pos = b.tk + tc, b.neg = b.pos + n_max, b.seen = b.neg + n_max;
    for (int k = 0; k < 3; k++) b.x[k] = t->ebuf + (size_t)k * tc * c, b.g[k] = t->ebuf + (size_t)(3 + k) * tc * c;
    b.tl = t->ebuf + (size_t)6 * tc * c;
    return b;
}

/* Each row's partners among n rows labelled y: one backward pass over the rows
 * repeated twice finds each row's next same-label row (the last position seen
 * per class) and next different-label row (a run of equal labels shares it),
 * so the cost is O(n + classes); with outputs o, the negatives are mined (O(n^2)). */
static void partners(const sl_trainer *t, const tuple_bufs *b, const float *o, const float *y, int n)
{
    int k = sl_train_classes(t), nd = INT_MAX;
    for (int j = 0; j < k; j++) b->seen[j] = INT_MAX;
    for (int p = 2 * n - 1; p >= 0; p--) {
        int yi = (int)y[p % n];
        if (p + 1 < 2 * n && (int)y[(p + 1) % n] != yi) nd = p + 1;
        if (p < n) b->pos[p] = b->seen[yi] < p + n ? b->seen[yi] % n : -1, b->neg[p] = nd < p + n ? nd % n : -1;
        b->seen[yi] = p;
    }
    if (o && t->cfg.mining)
        for (int i = 0; i < n; i++)
            if (b->neg[i] >= 0) b->neg[i] = mine(t, o, y, n, i, b->pos[i]);
}

/* The tuples of rows [*row, n) into the buffers until they are full; returns their count, *row the next row. */
static int emit(const sl_trainer *t, const tuple_bufs *b, int *row, int n)
{
    int m = 0, i = *row;
    for (; i < n && m + 2 <= t->tuple_cap; i++) {
        if (t->embed == SL_EMBED_TRIPLETS) {
            if (b->pos[i] >= 0 && b->neg[i] >= 0) b->ti[m] = i, b->tj[m] = b->pos[i], b->tk[m++] = b->neg[i];
            continue;
        }
        if (b->pos[i] >= 0) b->ti[m] = i, b->tj[m] = b->pos[i], b->tl[m++] = 0;
        if (b->neg[i] >= 0) b->ti[m] = i, b->tj[m] = b->neg[i], b->tl[m++] = 1;
    }
    *row = i;
    return m;
}

static void gather(const sl_trainer *t, const tuple_bufs *b, const float *o, int m)
{
    int c = t->n_out, nin = t->embed == SL_EMBED_TRIPLETS ? 3 : 2;
    const int *idx[3] = { b->ti, b->tj, b->tk };
    for (int k = 0; k < nin; k++)
        for (int r = 0; r < m; r++) memcpy(b->x[k] + (size_t)r * c, o + (size_t)idx[k][r] * c, (size_t)c * sizeof(float));
}

sl_status sl_train_embed_step(sl_trainer *t, const float *o, const float *y, int n, float *dO, double *loss)
{
    tuple_bufs b = bufs(t);
    int c = t->n_out, nin = t->embed == SL_EMBED_TRIPLETS ? 3 : 2, row = 0;
    partners(t, &b, o, y, n);
    int m = emit(t, &b, &row, n); /* a batch's tuples always fit: tuple_cap >= 2 x the largest batch */
    memset(dO, 0, (size_t)n * c * sizeof(float));
    *loss = 0;
    if (m == 0) return SL_STATUS_OK;
    gather(t, &b, o, m);
    sl_status st = sl_loss_eval(t->loss, b.x[0], b.x[1], b.x[2], nin == 2 ? b.tl : NULL, m, c, nin == 2 ? m : -1, b.g[0], b.g[1],
                                b.g[2], loss);
    if (st) return st;
    const int *idx[3] = { b.ti, b.tj, b.tk };
    for (int k = 0; k < nin; k++)
        for (int r = 0; r < m; r++) {
            float *dst = dO + (size_t)idx[k][r] * c;
            const float *src = b.g[k] + (size_t)r * c;
            for (int j = 0; j < c; j++) dst[j] += src[j];
        }
    return SL_STATUS_OK;
}

sl_status sl_train_embed_split_loss(sl_trainer *t, const float *o, const float *y, int n, double *loss)
{
    tuple_bufs b = bufs(t);
    int c = t->n_out, nin = t->embed == SL_EMBED_TRIPLETS ? 3 : 2, row = 0;
    double sum = 0, norm = 0;
    partners(t, &b, NULL, y, n);
    while (row < n) {
        int m = emit(t, &b, &row, n);
        if (m == 0) continue;
        gather(t, &b, o, m);
        double s, z;
        sl_status st = sl_loss_eval_parts(t->loss, b.x[0], b.x[1], b.x[2], nin == 2 ? b.tl : NULL, m, c, nin == 2 ? m : -1, b.g[0],
                                          b.g[1], b.g[2], &s, &z);
        if (st) return st;
        sum += s, norm += z;
    }
    *loss = sl_loss_reduction(t->loss) == SL_RED_SUM ? sum : norm > 0 ? sum / norm : 0;
    return SL_STATUS_OK;
}

typedef struct {
    int *cnt;
} cent_ctx;

static sl_status add_rows(sl_trainer *t, const float *e, int i0, int b, void *ctx)
{
    int c = t->n_out, *cnt = ((cent_ctx *)ctx)->cnt;
    const float *y = sl_dataset_y(t->ds) + i0;
    for (int i = 0; i < b; i++) {
        int cl = (int)y[i];
        cnt[cl]++;
        for (int j = 0; j < c; j++) t->cent[cl * c + j] += e[(size_t)i * c + j];
    }
    return SL_STATUS_OK;
}

sl_status sl_train_centroids(sl_trainer *t, const float *o)
{
    int c = t->n_out, k = sl_train_classes(t);
    cent_ctx ctx = { bufs(t).seen }; /* the per-class scratch of partners() */
    memset(t->cent, 0, (size_t)k * c * sizeof(double));
    memset(ctx.cnt, 0, (size_t)k * sizeof(int));
    sl_status st = o ? add_rows(t, o, 0, t->n_train, &ctx) : sl_train_forward_rows(t, sl_dataset_X(t->ds), t->n_train, add_rows, &ctx);
    if (st) return st;
    for (int cl = 0; cl < k; cl++)
        for (int j = 0; j < c; j++) t->cent[cl * c + j] = ctx.cnt[cl] ? t->cent[cl * c + j] / ctx.cnt[cl] : NAN;
    return SL_STATUS_OK;
}

int sl_train_nearest(const sl_trainer *t, const float *e, double *d2)
{
    int c = t->n_out, k = sl_train_classes(t), best = 0;
    for (int cl = 0; cl < k; cl++) {
        double s = 0;
        for (int j = 0; j < c; j++) s += (e[j] - t->cent[cl * c + j]) * (e[j] - t->cent[cl * c + j]);
        d2[cl] = s;
        if (s < d2[best] || isnan(d2[best])) best = cl;
    }
    return best;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
