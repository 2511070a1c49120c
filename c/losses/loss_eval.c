/* Class losses (cross-entropy, NLL, multi-margin, softmax focal), pair and
 * triplet losses, penalties and weighted sums, and the evaluation entry
 * points: counts range-checked, inputs and targets validated, then one pass.
 * The gradients are PyTorch's autograd's, including its choices at the kinks:
 * clamp passes the gradient at the boundary (hinge, triplet, cosine
 * embedding), MultiMarginLoss does not, sign(0) = 0 for L1 terms, a norm's
 * gradient at zero distance is 0. BCELoss clamps its logs at -100 and divides
 * its gradient by max(x (1 - x), 1e-12), as PyTorch does. One difference on
 * purpose: a 'mean' over targets that are all ignored (or whose weights sum
 * to 0) is 0 with a zero gradient, where PyTorch gives NaN. */
#include "loss_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-row loops with exp, log and pow (and messages): built for size; the vector kernels are in loss_elem.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

/* log-softmax of row x (c values) into lp; returns nothing, lp[k] = x[k] - logsumexp(x) */
static void log_softmax(const float *x, int c, double *lp)
{
    double m = x[0], z = 0;
    for (int k = 1; k < c; k++) m = fmax(m, x[k]);
    for (int k = 0; k < c; k++) z += exp(x[k] - m);
    double lse = m + log(z);
    for (int k = 0; k < c; k++) lp[k] = x[k] - lse;
}

static sl_status eval_class(const sl_loss *L, const sl_loss_node *N, const loss_batch *B, float *g, double s, double *vals,
                            double *total_out, double *norm_out)
{
    int n = B->n, c = B->c, idx = N->type == T_FocalLoss ? loss_focal_softmax(B) : B->n_t == B->n;
    const float *x = B->x[0], *t = B->t;
    const double *w = N->weight_len ? L->values + N->weight_off : NULL;
    double *lp = NULL;
    if (N->type == T_CrossEntropyLoss || N->type == T_FocalLoss) {
        lp = malloc((size_t)c * sizeof(double));
        if (!lp) return sl_fail(SL_STATUS_NOMEM, loss_name(N), "input", "rows of %d classes do not fit in memory", c);
    }
    /* the 'mean' normalizer: sum of target weights over non-ignored samples (NLL, CE with indices), else N */
    double norm = n;
    if ((N->type == T_CrossEntropyLoss || N->type == T_NLLLoss) && idx) {
        norm = 0;
        for (int i = 0; i < n; i++)
            if (t[i] != (float)N->ignore_index) norm += w ? w[(int)t[i]] : 1;
    }
    loss_emit e = sl_loss_reduce_setup(N, s, norm, vals);
    double total = 0, gs = e.gs, eps = N->label_smoothing;
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * c;
        float *gi = g + (size_t)i * c;
        double l = 0;
        int y = idx ? (int)t[i] : -1;
        if (idx && (N->type == T_CrossEntropyLoss || N->type == T_NLLLoss) && t[i] == (float)N->ignore_index) {
            if (e.vals) e.vals[i] = 0;
            continue;
        }
        switch (N->type) {
        case T_NLLLoss: {
            double wy = w ? w[y] : 1;
            l = -wy * xi[y];
            gi[y] += (float)(-gs * wy);
            break;
        }
        case T_CrossEntropyLoss: {
            log_softmax(xi, c, lp);
            if (idx) {
                double wy = w ? w[y] : 1, wsum = 0, smooth = 0;
                for (int k = 0; k < c; k++) {
                    double wk = w ? w[k] : 1;
                    wsum += wk;
                    smooth -= wk * lp[k];
                }
                l = (1 - eps) * (-wy * lp[y]) + eps / c * smooth;
                for (int k = 0; k < c; k++) {
                    double pk = exp(lp[k]), wk = w ? w[k] : 1;
                    double dk = (1 - eps) * wy * (pk - (k == y)) + eps / c * (pk * wsum - wk);
                    gi[k] += (float)(gs * dk);
                }
            } else {
                const float *ti = t + (size_t)i * c;
                double tw = 0;
                for (int k = 0; k < c; k++) {
                    double tk = ti[k] * (1 - eps) + eps / c, wk = w ? w[k] : 1;
                    tw += wk * tk;
                    l -= wk * tk * lp[k];
                }
                for (int k = 0; k < c; k++) {
                    double tk = ti[k] * (1 - eps) + eps / c, wk = w ? w[k] : 1;
                    gi[k] += (float)(gs * (exp(lp[k]) * tw - wk * tk));
                }
            }
            break;
        }
        case T_MultiMarginLoss: {
            double wy = w ? w[y] : 1;
            for (int k = 0; k < c; k++) {
                if (k == y) continue;
                double z = N->margin - (double)xi[y] + xi[k];
                if (z > 0) {
                    l += wy * (N->p == 1 ? z : z * z) / c;
                    double h = wy * (N->p == 1 ? 1 : 2 * z) / c;
                    gi[k] += (float)(gs * h);
                    gi[y] -= (float)(gs * h);
                }
            }
            break;
        }
        case T_FocalLoss: { /* softmax form: -alpha_y (1 - p_y)^gamma log p_y */
            log_softmax(xi, c, lp);
            double a = w ? w[y] : N->alpha >= 0 ? N->alpha : 1;
            double lpy = lp[y], p = exp(lpy), q = -expm1(lpy), ga = N->gamma;
            double f = ga == 0 ? 1 : pow(q, ga);
            double fq = ga == 0 || (q == 0 && ga < 1) ? 0 : ga * (ga == 1 ? 1 : pow(q, ga - 1));
            l = -a * f * lpy;
            double dlp = -a * f + a * fq * p * lpy; /* d l / d log p_y */
            for (int k = 0; k < c; k++) gi[k] += (float)(gs * dlp * ((k == y) - exp(lp[k])));
            break;
        }
        default:
            break;
        }
        if (e.vals) e.vals[i] = l;
        total += l;
    }
    free(lp);
    *total_out = total;
    *norm_out = norm;
    return SL_STATUS_OK;
}

static double eval_pair(const sl_loss_node *N, const loss_batch *B, float *g1, float *g2, double s, double *vals)
{ /* returns the total; the mean's normalizer is n */
    int n = B->n, c = B->c;
    loss_emit e = sl_loss_reduce_setup(N, s, n, vals);
    double total = 0, gs = e.gs;
    for (int i = 0; i < n; i++) {
        const float *a = B->x[0] + (size_t)i * c, *b = B->x[1] + (size_t)i * c;
        float *ga = g1 + (size_t)i * c, *gb = g2 + (size_t)i * c;
        double y = B->t[i], l = 0;
        if (N->type == T_ContrastiveLoss) {
            double d2 = 0;
            for (int k = 0; k < c; k++) d2 += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
            double D = sqrt(d2), h = fmax(N->margin - D, 0);
            /* similar: d(0.5 D^2) = u; dissimilar: d(0.5 h^2) = -h u / D (0 at D = 0) */
            double coef = y == 0 ? 1 : (D > 0 ? -h / D : 0);
            l = y == 0 ? 0.5 * d2 : 0.5 * h * h;
            for (int k = 0; k < c; k++) {
                double u = (double)a[k] - b[k];
                ga[k] += (float)(gs * coef * u);
                gb[k] -= (float)(gs * coef * u);
            }
        } else { /* CosineEmbeddingLoss, with PyTorch's 1e-12 added to each squared norm */
            double ab = 0, aa = 1e-12, bb = 1e-12;
            for (int k = 0; k < c; k++) {
                ab += (double)a[k] * b[k];
                aa += (double)a[k] * a[k];
                bb += (double)b[k] * b[k];
            }
            double den = sqrt(aa * bb), cs = ab / den, dc;
            if (y == 0) { /* PyTorch: neither the similar nor the dissimilar term */
                dc = 0;
            } else if (y == 1) {
                l = 1 - cs;
                dc = -1;
            } else {
                l = fmax(cs - N->margin, 0);
                dc = cs - N->margin >= 0 ? 1 : 0;
            }
            if (dc != 0)
                for (int k = 0; k < c; k++) {
                    ga[k] += (float)(gs * dc * (b[k] / den - cs * a[k] / aa));
                    gb[k] += (float)(gs * dc * (a[k] / den - cs * b[k] / bb));
                }
        }
        if (e.vals) e.vals[i] = l;
        total += l;
    }
    return total;
}

/* ||x - y + eps||_p; with g != NULL, g[k] = d/dx_k of it (0 at zero distance) */
static double pdist(const float *x, const float *y, int c, double p, double eps, double *g)
{
    double s = 0;
    for (int k = 0; k < c; k++) {
        double u = fabs((double)(x[k] - y[k]) + eps);
        s += p == 0 ? u != 0 : p == 1 ? u : p == 2 ? u * u : pow(u, p);
    }
    /* p = 0 counts the non-zero coordinates (PyTorch's norm of order 0), with a zero gradient */
    double d = p == 0 || p == 1 ? s : p == 2 ? sqrt(s) : pow(s, 1 / p);
    if (g)
        for (int k = 0; k < c; k++) {
            double u = (double)(x[k] - y[k]) + eps;
            g[k] = d == 0 || p == 0 || u == 0 ? 0 : p == 1 ? loss_sign(u) : p == 2 ? u / d : loss_sign(u) * pow(fabs(u) / d, p - 1);
        }
    return d;
}

static sl_status eval_triplet(const sl_loss_node *N, const loss_batch *B, float *const g[3], double s, double *vals, double *total_out)
{
    int n = B->n, c = B->c;
    double small[3 * 64]; /* rows of up to 64 values (a trainer's embeddings) need no allocation */
    double *buf = c <= 64 ? small : malloc((size_t)c * 3 * sizeof(double));
    if (!buf) return sl_fail(SL_STATUS_NOMEM, loss_name(N), "input", "rows of %d values do not fit in memory", c);
    double *gp = buf, *gn = buf + c, *gs_ = buf + 2 * c;
    memset(gs_, 0, (size_t)c * sizeof(double)); /* read (times 0) without swap */
    loss_emit e = sl_loss_reduce_setup(N, s, n, vals);
    double total = 0, gs = e.gs;
    for (int i = 0; i < n; i++) {
        size_t o = (size_t)i * c;
        const float *a = B->x[0] + o, *p = B->x[1] + o, *q = B->x[2] + o;
        double dp = pdist(a, p, c, N->p, N->eps, gp), dn = pdist(a, q, c, N->p, N->eps, gn);
        double wn = 1, ws = 0; /* shares of d(a, n) and d(p, n) in the negative distance */
        if (N->swap) {
            double ds = pdist(p, q, c, N->p, N->eps, gs_);
            if (ds < dn) { wn = 0; ws = 1; dn = ds; }
            else if (ds == dn) { wn = ws = 0.5; } /* torch.min splits the gradient at a tie */
        }
        double z = N->margin + dp - dn, l = fmax(z, 0);
        if (z >= 0)
            for (int k = 0; k < c; k++) {
                g[0][o + k] += (float)(gs * (gp[k] - wn * gn[k]));
                g[1][o + k] += (float)(gs * (-gp[k] - ws * gs_[k]));
                g[2][o + k] += (float)(gs * (wn * gn[k] + ws * gs_[k]));
            }
        if (e.vals) e.vals[i] = l;
        total += l;
    }
    if (buf != small) free(buf);
    *total_out = total;
    return SL_STATUS_OK;
}

/* Node N's total before its reduction and the mean's normalizer; the gradient
 * of s times its reduced value is added to g. */
static sl_status eval_node(const sl_loss *L, const sl_loss_node *N, const loss_batch *B, float *const g[3], double s,
                           double *vals, double *total, double *norm)
{
    int nc = B->n * B->c;
    *norm = B->n;
    switch (loss_form(N)) {
    case F_ELEM:
        if (N->type == T_Custom) return sl_loss_custom_eval(L, N, B, g[0], s, vals, total, norm);
        sl_loss_eval_elem(L, N, B, g[0], s, vals, total, norm);
        return SL_STATUS_OK;
    case F_CLASS:
        if (N->type == T_FocalLoss && !loss_focal_softmax(B)) {
            sl_loss_eval_elem(L, N, B, g[0], s, vals, total, norm);
            return SL_STATUS_OK;
        }
        return eval_class(L, N, B, g[0], s, vals, total, norm);
    case F_PAIR:
        *total = eval_pair(N, B, g[0], g[1], s, vals);
        return SL_STATUS_OK;
    case F_TRIPLET:
        return eval_triplet(N, B, g, s, vals, total);
    case F_PENALTY: {
        double v = 0, l1 = N->type == T_L1 ? N->lambda : N->l1, l2 = N->type == T_L2 ? N->lambda : N->l2;
        if (l1 != 0) v += l1 * sl_loss_k_abs(g[0], B->x[0], NULL, nc, (float)(s * l1), NULL);
        if (l2 != 0) v += l2 * sl_loss_k_sq(g[0], B->x[0], nc, (float)(s * l2));
        *total = v, *norm = 1;
        return SL_STATUS_OK;
    }
    default: { /* WeightedSum */
        double v = 0, tt, tn;
        for (int k = 0; k < N->n_terms; k++) {
            const sl_loss_node *T = &L->node[N->first_term + k];
            sl_status st = eval_node(L, T, B, g, s * T->term_weight, NULL, &tt, &tn);
            if (st) return st;
            v += T->term_weight * sl_loss_reduce_value(T, tt, tn);
        }
        *total = v, *norm = 1;
        return SL_STATUS_OK;
    }
    }
}

/* Range checks of the counts (they cross the JS seam as doubles) and of the
 * inputs, then validation of the target; fills B. */
static sl_status prepare(const sl_loss *L, const float *const x[3], float *const g[3], const float *target, double n, double c,
                         double n_target, loss_batch *B)
{
    const char *name = loss_name(&L->node[0]);
    if (n == 0 || c == 0) return sl_fail(SL_STATUS_INVALID, name, "input", "must not be empty");
    if (!(n >= 1 && n <= SL_LOSS_MAX_ELEMS && floor(n) == n))
        return sl_fail(SL_STATUS_INVALID, name, "input", "must have 1 to %d rows, got %s", SL_LOSS_MAX_ELEMS, sl_num(n).s);
    if (!(c >= 1 && c <= SL_LOSS_MAX_ELEMS && floor(c) == c))
        return sl_fail(SL_STATUS_INVALID, name, "input", "rows must have 1 to %d values, got %s", SL_LOSS_MAX_ELEMS, sl_num(c).s);
    if (n * c > SL_LOSS_MAX_ELEMS)
        return sl_fail(SL_STATUS_INVALID, name, "input", "must have at most %d values, got %s x %s", SL_LOSS_MAX_ELEMS, sl_num(n).s,
                       sl_num(c).s);
    if (!(n_target == -1 || (n_target >= 0 && n_target <= SL_LOSS_MAX_ELEMS && floor(n_target) == n_target)))
        return sl_fail(SL_STATUS_INVALID, name, "target", "must have 0 to %d values (-1: none), got %s", SL_LOSS_MAX_ELEMS,
                       sl_num(n_target).s);
    int ni = (int)n, ci = (int)c, nt = (int)n_target, nc = ni * ci;
    if (nt > nc && nt > ni)
        return sl_fail(SL_STATUS_INVALID, name, "target", "has %d values, more than the input's %d", nt, nc);
    for (int k = 0; k < L->n_inputs; k++) {
        if (!x[k] || !g[k]) return sl_fail(SL_STATUS_INVALID, name, "input", "needs %d inputs", L->n_inputs);
        for (int i = 0; i < nc; i++)
            if (!isfinite(x[k][i])) {
                char field[40];
                if (L->n_inputs > 1) snprintf(field, sizeof field, "input[%d][%d]", k, i);
                else snprintf(field, sizeof field, "input[%d]", i);
                return sl_fail(SL_STATUS_INVALID, name, field, "must be a finite number, got %s", sl_num(x[k][i]).s);
            }
    }
    *B = (loss_batch){ { x[0], x[1], x[2] }, target, ni, ci, target ? nt : -1 };
    sl_status st = sl_loss_validate(L, &L->node[0], B);
    if (st) return st;
    for (int k = 0; k < L->n_inputs; k++) memset(g[k], 0, (size_t)nc * sizeof(float));
    return SL_STATUS_OK;
}

sl_status sl_loss_eval(const sl_loss *L, const float *x1, const float *x2, const float *x3, const float *target, double n,
                       double c, double n_target, float *g1, float *g2, float *g3, double *values)
{
    const float *x[3] = { x1, x2, x3 };
    float *const g[3] = { g1, g2, g3 };
    loss_batch B;
    if (!values) return sl_fail(SL_STATUS_INVALID, loss_name(&L->node[0]), "values", "needs a buffer for the result");
    sl_status st = prepare(L, x, g, target, n, c, n_target, &B);
    if (st) return st;
    double total = 0, norm = 1;
    if ((st = eval_node(L, &L->node[0], &B, g, 1.0, values, &total, &norm))) return st;
    if (sl_loss_reduction(L) != SL_RED_NONE) values[0] = sl_loss_reduce_value(&L->node[0], total, norm);
    return SL_STATUS_OK;
}

sl_status sl_loss_eval_parts(const sl_loss *L, const float *x1, const float *x2, const float *x3, const float *target,
                             int n, int c, int n_target, float *g1, float *g2, float *g3, double *sum, double *norm)
{
    const float *x[3] = { x1, x2, x3 };
    float *const g[3] = { g1, g2, g3 };
    const sl_loss_node *N = &L->node[0];
    loss_batch B;
    if (loss_form(N) == F_SUM || N->reduction == SL_RED_NONE)
        return sl_fail(SL_STATUS_INVALID, loss_name(N), NULL, "evaluates in chunks only as one loss with reduction 'mean' or 'sum'");
    sl_status st = prepare(L, x, g, target, n, c, n_target, &B);
    if (st) return st;
    return eval_node(L, N, &B, g, 1.0, NULL, sum, norm);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
