/* Elementwise losses (MSE, L1, Huber, SmoothL1, BCE, BCE with logits, hinge,
 * sigmoid focal) with the gradients PyTorch's autograd gives, the reduction
 * bookkeeping, and the vector kernels (MSE, L1, the penalties): SIMDe simd128
 * loops with their scalar tails, the SL_SCALAR=1 build running the tails only. */
#include "loss_internal.h"

#include <math.h>

#include "../base/simd.h"

/* per-element list value (length 1, c or n*c), 1 when absent */
static double list_at(const sl_loss *L, int off, int len, int i, int c)
{
    if (!len) return 1;
    return L->values[off + (len == 1 ? 0 : len == c ? i % c : i)];
}

static double sigmoid(double v) { return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v)); }

loss_emit sl_loss_reduce_setup(const sl_loss_node *N, double s, double norm, double *vals)
{
    loss_emit e = { N->reduction == SL_RED_NONE ? vals : NULL, s };
    if (N->reduction == SL_RED_MEAN) e.gs = norm > 0 ? s / norm : 0;
    return e;
}

double sl_loss_reduce_value(const sl_loss_node *N, double total, double norm)
{
    if (N->reduction == SL_RED_MEAN) return norm > 0 ? total / norm : 0;
    return total;
}

/* MSELoss: g += gs * 2 (x - y); returns sum (x - y)^2. */
static double k_mse(float *g, const float *x, const float *y, int n, float gs, double *vals)
{
    double s0 = 0, s1 = 0;
    int i = 0;
#if SL_SIMD
    if (!vals) {
        simde_v128_t vg = simde_wasm_f32x4_splat(2 * gs), a0 = simde_wasm_f64x2_splat(0), a1 = simde_wasm_f64x2_splat(0);
        for (; i + 4 <= n; i += 4) {
            simde_v128_t d = simde_wasm_f32x4_sub(simde_wasm_v128_load(x + i), simde_wasm_v128_load(y + i));
            simde_v128_t lo = simde_wasm_f64x2_promote_low_f32x4(d);
            simde_v128_t hi = simde_wasm_f64x2_promote_low_f32x4(simde_wasm_i32x4_shuffle(d, d, 2, 3, 0, 1));
            a0 = simde_wasm_f64x2_add(a0, simde_wasm_f64x2_mul(lo, lo));
            a1 = simde_wasm_f64x2_add(a1, simde_wasm_f64x2_mul(hi, hi));
            simde_wasm_v128_store(g + i, simde_wasm_f32x4_add(simde_wasm_v128_load(g + i), simde_wasm_f32x4_mul(vg, d)));
        }
        a0 = simde_wasm_f64x2_add(a0, a1);
        s0 = simde_wasm_f64x2_extract_lane(a0, 0);
        s1 = simde_wasm_f64x2_extract_lane(a0, 1);
    }
#endif
    for (; i < n; i++) {
        float d = x[i] - y[i];
        double l = (double)d * d;
        if (vals) vals[i] = l;
        s0 += l;
        g[i] += 2 * gs * d;
    }
    return s0 + s1;
}

/* L1Loss and the L1 penalty: g += gs * sign(x - y); returns sum |x - y| (y NULL: 0). */
double sl_loss_k_abs(float *g, const float *x, const float *y, int n, float gs, double *vals)
{
    double s0 = 0, s1 = 0;
    int i = 0;
#if SL_SIMD
    if (!vals) {
        simde_v128_t vg = simde_wasm_f32x4_splat(gs), zero = simde_wasm_f32x4_splat(0), a0 = simde_wasm_f64x2_splat(0), a1 = simde_wasm_f64x2_splat(0);
        for (; i + 4 <= n; i += 4) {
            simde_v128_t d = simde_wasm_v128_load(x + i);
            if (y) d = simde_wasm_f32x4_sub(d, simde_wasm_v128_load(y + i));
            simde_v128_t ad = simde_wasm_f32x4_abs(d);
            a0 = simde_wasm_f64x2_add(a0, simde_wasm_f64x2_promote_low_f32x4(ad));
            a1 = simde_wasm_f64x2_add(a1, simde_wasm_f64x2_promote_low_f32x4(simde_wasm_i32x4_shuffle(ad, ad, 2, 3, 0, 1)));
            simde_v128_t sg = simde_wasm_f32x4_sub(simde_wasm_v128_and(simde_wasm_f32x4_gt(d, zero), vg), simde_wasm_v128_and(simde_wasm_f32x4_lt(d, zero), vg));
            simde_wasm_v128_store(g + i, simde_wasm_f32x4_add(simde_wasm_v128_load(g + i), sg));
        }
        a0 = simde_wasm_f64x2_add(a0, a1);
        s0 = simde_wasm_f64x2_extract_lane(a0, 0);
        s1 = simde_wasm_f64x2_extract_lane(a0, 1);
    }
#endif
    for (; i < n; i++) {
        float d = y ? x[i] - y[i] : x[i];
        double l = fabsf(d);
        if (vals) vals[i] = l;
        s0 += l;
        g[i] += (d > 0) ? gs : (d < 0) ? -gs : 0.0f;
    }
    return s0 + s1;
}

/* sum w^2, with g += gs * 2 w */
double sl_loss_k_sq(float *g, const float *x, int n, float gs)
{
    double s0 = 0, s1 = 0;
    int i = 0;
#if SL_SIMD
    simde_v128_t vg = simde_wasm_f32x4_splat(2 * gs), a0 = simde_wasm_f64x2_splat(0), a1 = simde_wasm_f64x2_splat(0);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t w = simde_wasm_v128_load(x + i);
        simde_v128_t lo = simde_wasm_f64x2_promote_low_f32x4(w), hi = simde_wasm_f64x2_promote_low_f32x4(simde_wasm_i32x4_shuffle(w, w, 2, 3, 0, 1));
        a0 = simde_wasm_f64x2_add(a0, simde_wasm_f64x2_mul(lo, lo));
        a1 = simde_wasm_f64x2_add(a1, simde_wasm_f64x2_mul(hi, hi));
        simde_wasm_v128_store(g + i, simde_wasm_f32x4_add(simde_wasm_v128_load(g + i), simde_wasm_f32x4_mul(vg, w)));
    }
    a0 = simde_wasm_f64x2_add(a0, a1);
    s0 = simde_wasm_f64x2_extract_lane(a0, 0);
    s1 = simde_wasm_f64x2_extract_lane(a0, 1);
#endif
    double s = 0;
    for (; i < n; i++) {
        s += (double)x[i] * x[i];
        g[i] += 2 * gs * x[i];
    }
    return s + s0 + s1;
}

void sl_loss_eval_elem(const sl_loss *L, const sl_loss_node *N, const loss_batch *B, float *g, double s, double *vals,
                       double *total_out, double *norm)
{
    int nc = B->n * B->c, c = B->c;
    const float *x = B->x[0], *t = B->t;
    loss_emit e = sl_loss_reduce_setup(N, s, nc, vals);
    double total = 0, gs = e.gs;
    *norm = nc;
    switch (N->type) {
    case T_MSELoss:
        *total_out = k_mse(g, x, t, nc, (float)gs, e.vals);
        return;
    case T_L1Loss:
        *total_out = sl_loss_k_abs(g, x, t, nc, (float)gs, e.vals);
        return;
    default:
        break;
    }
    for (int i = 0; i < nc; i++) {
        double xi = x[i], y = t[i], l = 0, d = (double)(x[i] - t[i]), dl = 0;
        switch (N->type) {
        case T_HuberLoss: {
            double a = fabs(d), delta = N->delta;
            l = a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
            dl = a <= delta ? d : delta * loss_sign(d);
            break;
        }
        case T_SmoothL1Loss: {
            double a = fabs(d), beta = N->beta;
            if (beta == 0 || a >= beta) {
                l = a - 0.5 * beta;
                dl = d <= -beta ? -1 : 1; /* PyTorch's backward tests d <= -beta first: -1 at d == 0 when beta is 0 */
            } else {
                l = 0.5 * d * d / beta;
                dl = d / beta;
            }
            break;
        }
        case T_BCELoss: {
            double w = list_at(L, N->weight_off, N->weight_len, i, c);
            l = -w * (y * fmax(log(xi), -100) + (1 - y) * fmax(log(1 - xi), -100));
            dl = w * (xi - y) / fmax((1 - xi) * xi, 1e-12);
            break;
        }
        case T_BCEWithLogitsLoss: {
            double w = list_at(L, N->weight_off, N->weight_len, i, c);
            double pw = list_at(L, N->pos_weight_off, N->pos_weight_len, i, c);
            /* softplus(-x) and sigmoid(x) from one exp(-|x|): the same bits as each taking its own */
            double e = exp(-fabs(xi)), sg = xi >= 0 ? 1 / (1 + e) : e / (1 + e);
            l = w * ((1 - y) * xi + (1 + (pw - 1) * y) * (fmax(-xi, 0) + log1p(e)));
            dl = w * ((pw * y + 1 - y) * sg - pw * y);
            break;
        }
        case T_HingeLoss:
        case T_SquaredHingeLoss: {
            double h = 1 - y * xi;
            if (N->type == T_HingeLoss) {
                l = fmax(h, 0);
                dl = h >= 0 ? -y : 0;
            } else {
                l = h > 0 ? h * h : 0;
                dl = h > 0 ? -2 * y * h : 0;
            }
            break;
        }
        case T_FocalLoss: { /* torchvision.ops.sigmoid_focal_loss */
            double sg = sigmoid(xi), ce = fmax(xi, 0) - xi * y + log1p(exp(-fabs(xi)));
            double q = y * sigmoid(-xi) + (1 - y) * sg; /* 1 - p_t */
            double ga = N->gamma, f = ga == 0 ? 1 : pow(q, ga);
            double df = 0;
            if (ga != 0 && (q > 0 || ga >= 1)) df = ga * (ga == 1 ? 1 : pow(q, ga - 1)) * (1 - 2 * y) * sg * (1 - sg);
            double at = N->alpha >= 0 ? N->alpha * y + (1 - N->alpha) * (1 - y) : 1;
            l = at * ce * f;
            dl = at * (f * (sg - y) + ce * df);
            break;
        }
        default:
            break;
        }
        if (e.vals) e.vals[i] = l;
        total += l;
        g[i] += (float)(gs * dl);
    }
    *total_out = total;
}

