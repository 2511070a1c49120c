/* torch.optim (PyTorch 1.13) element-wise optimizers in float32, following
 * each _single_tensor_<name> function's order of operations: every Python
 * scalar is rounded to float32 where PyTorch hands it to a float32 kernel,
 * and scalars PyTorch computes in Python (bias corrections, step sizes) are
 * computed in double first, as Python does. Each update is one pure loop:
 * destination(s) first, then inputs, n and a struct of float32 scalars; the
 * SIMD loop (SIMDe wasm simd128) and its scalar tail give identical results
 * because both perform the same IEEE operations in the same order.
 *
 * DeltaBarDelta (not in PyTorch) is the course's local-gain rule: each weight
 * has a gain g, starting at 1; g += beta when the gradient keeps its sign,
 * g *= 1 - beta when it flips, clipped to [min_gain, max_gain]; the update is
 * w -= lr * (g * grad). On the first step there is no previous gradient, so
 * the sign product is 0 and the gain stays as it is (as Rprop does). */
#include "internal.h"

#include <math.h>

#include "../base/simd.h"


#if SL_SIMD
#define VL(p) simde_wasm_v128_load(p)
#define VS(p, v) simde_wasm_v128_store(p, v)
#define V1(x) simde_wasm_f32x4_splat(x)
#define VADD simde_wasm_f32x4_add
#define VMUL simde_wasm_f32x4_mul
#define VDIV simde_wasm_f32x4_div
#define VSQRT simde_wasm_f32x4_sqrt
#define VMAX simde_wasm_f32x4_pmax /* b > a ? b : a, as the scalar PMAX */
#define VMIN simde_wasm_f32x4_pmin /* b < a ? b : a */
#define VSEL(a, b, m) simde_wasm_v128_bitselect(a, b, m) /* m ? a : b */
#endif
#define PMAX(a, b) ((a) < (b) ? (b) : (a))

/* a * b + c as a fused multiply-add: PyTorch's CPU kernels fuse add(x, alpha=)
 * and addcmul into FMAs, and without it plain SGD drifts from PyTorch by ~1e-5
 * over 50 steps. The product of two floats is exact in double; the sum is
 * rounded to double and then to float32, which equals a true FMA except for
 * rare double-rounding ties, and is the same in the SIMD and scalar builds
 * (wasm has no FMA instruction). */
static inline float fmadd(float a, float b, float c) { return (float)((double)a * (double)b + (double)c); }

#if SL_SIMD
static inline simde_v128_t vfmadd(simde_v128_t a, simde_v128_t b, simde_v128_t c)
{
#define PROMOTE simde_wasm_f64x2_promote_low_f32x4
#define HIGH(v) simde_wasm_i64x2_shuffle(v, v, 1, 0)
    simde_v128_t lo = simde_wasm_f64x2_add(simde_wasm_f64x2_mul(PROMOTE(a), PROMOTE(b)), PROMOTE(c));
    simde_v128_t hi = simde_wasm_f64x2_add(simde_wasm_f64x2_mul(PROMOTE(HIGH(a)), PROMOTE(HIGH(b))), PROMOTE(HIGH(c)));
    return simde_wasm_i64x2_shuffle(simde_wasm_f32x4_demote_f64x2_zero(lo), simde_wasm_f32x4_demote_f64x2_zero(hi), 0, 2);
#undef PROMOTE
#undef HIGH
}
#endif
#define PMIN(a, b) ((b) < (a) ? (b) : (a))

typedef struct { float neg_lr, momentum, one_minus_dampening, weight_decay; int use_momentum, first, nesterov, maximize; } sgd_k;

SL_COMPACT static void sgd_update(float *param, float *buf, const float *grad, int n, const sgd_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), mom = V1(k->momentum), omd = V1(k->one_minus_dampening), wd = V1(k->weight_decay);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        if (k->use_momentum) {
            simde_v128_t b = k->first ? g : vfmadd(omd, g, VMUL(VL(buf + i), mom));
            VS(buf + i, b);
            g = k->nesterov ? vfmadd(mom, b, g) : b;
        }
        VS(param + i, vfmadd(nlr, g, p));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        if (k->use_momentum) {
            float b = k->first ? g : fmadd(k->one_minus_dampening, g, buf[i] * k->momentum);
            buf[i] = b;
            g = k->nesterov ? fmadd(k->momentum, b, g) : b;
        }
        param[i] = fmadd(k->neg_lr, g, p);
    }
}

typedef struct { float neg_clr, weight_decay, eps; int maximize; } adagrad_k;

SL_COMPACT static void adagrad_update(float *param, float *sum, const float *grad, int n, const adagrad_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nclr = V1(k->neg_clr), wd = V1(k->weight_decay), eps = V1(k->eps), one = V1(1.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t s = vfmadd(VMUL(one, g), g, VL(sum + i));
        VS(sum + i, s);
        VS(param + i, VADD(p, VDIV(VMUL(nclr, g), VADD(VSQRT(s), eps))));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float s = fmadd(1.0f * g, g, sum[i]);
        sum[i] = s;
        param[i] = p + k->neg_clr * g / (sqrtf(s) + k->eps);
    }
}

typedef struct { float neg_lr, alpha, one_minus_alpha, eps, weight_decay, momentum; int centered, use_momentum, maximize; } rmsprop_k;

SL_COMPACT static void rmsprop_update(float *param, float *sq, float *gavg, float *buf, const float *grad, int n, const rmsprop_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), al = V1(k->alpha), oma = V1(k->one_minus_alpha), eps = V1(k->eps),
           wd = V1(k->weight_decay), mom = V1(k->momentum), m1 = V1(-1.0f), one = V1(1.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t s = vfmadd(VMUL(oma, g), g, VMUL(VL(sq + i), al)), avg;
        VS(sq + i, s);
        if (k->centered) {
            simde_v128_t ga = vfmadd(oma, g, VMUL(VL(gavg + i), al));
            VS(gavg + i, ga);
            avg = VSQRT(vfmadd(VMUL(m1, ga), ga, s));
        } else avg = VSQRT(s);
        avg = VADD(avg, eps);
        if (k->use_momentum) {
            simde_v128_t b = VADD(VMUL(VL(buf + i), mom), VDIV(VMUL(one, g), avg));
            VS(buf + i, b);
            VS(param + i, vfmadd(nlr, b, p));
        } else VS(param + i, VADD(p, VDIV(VMUL(nlr, g), avg)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i], avg;
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float s = fmadd(k->one_minus_alpha * g, g, sq[i] * k->alpha);
        sq[i] = s;
        if (k->centered) {
            float ga = fmadd(k->one_minus_alpha, g, gavg[i] * k->alpha);
            gavg[i] = ga;
            avg = sqrtf(fmadd(-1.0f * ga, ga, s));
        } else avg = sqrtf(s);
        avg = avg + k->eps;
        if (k->use_momentum) {
            float b = buf[i] * k->momentum + 1.0f * g / avg;
            buf[i] = b;
            param[i] = fmadd(k->neg_lr, b, p);
        } else param[i] = p + k->neg_lr * g / avg;
    }
}

typedef struct { float neg_lr, rho, one_minus_rho, eps, weight_decay; int maximize; } adadelta_k;

SL_COMPACT static void adadelta_update(float *param, float *sq, float *acc, const float *grad, int n, const adadelta_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), rho = V1(k->rho), omr = V1(k->one_minus_rho), eps = V1(k->eps), wd = V1(k->weight_decay);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t s = vfmadd(VMUL(omr, g), g, VMUL(VL(sq + i), rho));
        VS(sq + i, s);
        simde_v128_t a = VL(acc + i);
        simde_v128_t d = VMUL(VDIV(VSQRT(VADD(a, eps)), VSQRT(VADD(s, eps))), g);
        VS(acc + i, vfmadd(VMUL(omr, d), d, VMUL(a, rho)));
        VS(param + i, vfmadd(nlr, d, p));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float s = fmadd(k->one_minus_rho * g, g, sq[i] * k->rho);
        sq[i] = s;
        float d = sqrtf(acc[i] + k->eps) / sqrtf(s + k->eps) * g;
        acc[i] = fmadd(k->one_minus_rho * d, d, acc[i] * k->rho);
        param[i] = fmadd(k->neg_lr, d, p);
    }
}

typedef struct {
    float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, decay, bc2_sqrt, eps, neg_step;
    int amsgrad, maximize, decoupled;
} adam_k;

/* Adam and AdamW: decoupled multiplies the parameter by decay = 1 - lr * weight_decay first.
 * Compiled for speed, not SL_COMPACT: under clang's minsize this loop ran at half
 * the speed in wasm (4.9e8 against 9.7e8 parameters/s over 1e6, tests/bench K1). */
static void adam_update(float *param, float *m, float *v, float *vmax, const float *grad, int n, const adam_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), omb2 = V1(k->one_minus_beta2),
           wd = V1(k->weight_decay), dec = V1(k->decay), bc2 = V1(k->bc2_sqrt), eps = V1(k->eps), ns = V1(k->neg_step);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->decoupled) p = VMUL(p, dec);
        else if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t vi = vfmadd(VMUL(omb2, g), g, VMUL(VL(v + i), b2));
        VS(m + i, mi);
        VS(v + i, vi);
        if (k->amsgrad) {
            vi = VMAX(VL(vmax + i), vi);
            VS(vmax + i, vi);
        }
        simde_v128_t den = VADD(VDIV(VSQRT(vi), bc2), eps);
        VS(param + i, VADD(p, VDIV(VMUL(ns, mi), den)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->decoupled) p = p * k->decay;
        else if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float vi = fmadd(k->one_minus_beta2 * g, g, v[i] * k->beta2);
        m[i] = mi;
        v[i] = vi;
        if (k->amsgrad) {
            vi = PMAX(vmax[i], vi);
            vmax[i] = vi;
        }
        param[i] = p + k->neg_step * mi / (sqrtf(vi) / k->bc2_sqrt + k->eps);
    }
}

typedef struct { float beta1, one_minus_beta1, beta2, eps, weight_decay, neg_clr; int maximize; } adamax_k;

SL_COMPACT static void adamax_update(float *param, float *m, float *u, const float *grad, int n, const adamax_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), eps = V1(k->eps),
           wd = V1(k->weight_decay), nclr = V1(k->neg_clr);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t ui = VMAX(VMUL(VL(u + i), b2), VADD(simde_wasm_f32x4_abs(g), eps));
        VS(m + i, mi);
        VS(u + i, ui);
        VS(param + i, VADD(p, VDIV(VMUL(nclr, mi), ui)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float a = u[i] * k->beta2, b = fabsf(g) + k->eps;
        float ui = PMAX(a, b);
        m[i] = mi;
        u[i] = ui;
        param[i] = p + k->neg_clr * mi / ui;
    }
}

typedef struct { float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, bc2, eps, c_grad, c_avg; } nadam_k;

SL_COMPACT static void nadam_update(float *param, float *m, float *v, const float *grad, int n, const nadam_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), omb2 = V1(k->one_minus_beta2),
           wd = V1(k->weight_decay), bc2 = V1(k->bc2), eps = V1(k->eps), cg = V1(k->c_grad), ca = V1(k->c_avg);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t vi = vfmadd(VMUL(omb2, g), g, VMUL(VL(v + i), b2));
        VS(m + i, mi);
        VS(v + i, vi);
        simde_v128_t den = VADD(VSQRT(VDIV(vi, bc2)), eps);
        p = VADD(p, VDIV(VMUL(cg, g), den));
        VS(param + i, VADD(p, VDIV(VMUL(ca, mi), den)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float vi = fmadd(k->one_minus_beta2 * g, g, v[i] * k->beta2);
        m[i] = mi;
        v[i] = vi;
        float den = sqrtf(vi / k->bc2) + k->eps;
        p = p + k->c_grad * g / den;
        param[i] = p + k->c_avg * mi / den;
    }
}

typedef struct { float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, bc1, lr, bc2_sqrt, eps, rect; int rectify; } radam_k;

SL_COMPACT static void radam_update(float *param, float *m, float *v, const float *grad, int n, const radam_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), omb2 = V1(k->one_minus_beta2),
           wd = V1(k->weight_decay), bc1 = V1(k->bc1), lr = V1(k->lr), bc2 = V1(k->bc2_sqrt), eps = V1(k->eps),
           rect = V1(k->rect), one = V1(1.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t vi = vfmadd(VMUL(omb2, g), g, VMUL(VL(v + i), b2));
        VS(m + i, mi);
        VS(v + i, vi);
        simde_v128_t u = VMUL(VDIV(mi, bc1), lr);
        if (k->rectify) u = VMUL(VMUL(u, VMUL(VDIV(one, VADD(VSQRT(vi), eps)), bc2)), rect);
        VS(param + i, VADD(p, simde_wasm_f32x4_neg(u)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float vi = fmadd(k->one_minus_beta2 * g, g, v[i] * k->beta2);
        m[i] = mi;
        v[i] = vi;
        float u = mi / k->bc1 * k->lr;
        if (k->rectify) u = u * (1.0f / (sqrtf(vi) + k->eps) * k->bc2_sqrt) * k->rect;
        param[i] = p + -u;
    }
}

typedef struct { float etaminus, etaplus, step_min, step_max; int maximize; } rprop_k;

SL_COMPACT static void rprop_update(float *param, float *prev, float *step, const float *grad, int n, const rprop_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t em = V1(k->etaminus), ep = V1(k->etaplus), one = V1(1.0f), mone = V1(-1.0f), zero = V1(0.0f),
           lo = V1(k->step_min), hi = V1(k->step_max);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        simde_v128_t prod = VMUL(g, VL(prev + i));
        simde_v128_t flip = simde_wasm_f32x4_lt(prod, zero);
        simde_v128_t f = VSEL(ep, VSEL(em, one, flip), simde_wasm_f32x4_gt(prod, zero));
        simde_v128_t s = VMIN(VMAX(VMUL(VL(step + i), f), lo), hi);
        VS(step + i, s);
        g = VSEL(zero, g, flip);
        simde_v128_t sg = VSEL(one, VSEL(mone, zero, simde_wasm_f32x4_lt(g, zero)), simde_wasm_f32x4_gt(g, zero));
        VS(param + i, VADD(VL(param + i), VMUL(simde_wasm_f32x4_neg(sg), s)));
        VS(prev + i, g);
    }
#endif
    for (; i < n; i++) {
        float g = k->maximize ? -grad[i] : grad[i];
        float prod = g * prev[i];
        float f = prod > 0 ? k->etaplus : prod < 0 ? k->etaminus : 1.0f;
        float s = step[i] * f;
        s = PMAX(s, k->step_min);
        s = PMIN(s, k->step_max);
        step[i] = s;
        if (prod < 0) g = 0.0f;
        float sg = g > 0 ? 1.0f : g < 0 ? -1.0f : 0.0f;
        param[i] = param[i] + -sg * s;
        prev[i] = g;
    }
}

typedef struct { float neg_lr, beta, one_minus_beta, min_gain, max_gain; } dbd_k;

SL_COMPACT static void dbd_update(float *param, float *gain, float *prev, const float *grad, int n, const dbd_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), b = V1(k->beta), omb = V1(k->one_minus_beta), lo = V1(k->min_gain),
           hi = V1(k->max_gain), zero = V1(0.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t g = VL(grad + i), gi = VL(gain + i);
        simde_v128_t prod = VMUL(g, VL(prev + i));
        gi = VSEL(VADD(gi, b), VSEL(VMUL(gi, omb), gi, simde_wasm_f32x4_lt(prod, zero)), simde_wasm_f32x4_gt(prod, zero));
        gi = VMIN(VMAX(gi, lo), hi);
        VS(gain + i, gi);
        VS(param + i, VADD(VL(param + i), VMUL(nlr, VMUL(gi, g))));
        VS(prev + i, g);
    }
#endif
    for (; i < n; i++) {
        float g = grad[i], gi = gain[i], prod = g * prev[i];
        if (prod > 0) gi = gi + k->beta;
        else if (prod < 0) gi = gi * k->one_minus_beta;
        gi = PMAX(gi, k->min_gain);
        gi = PMIN(gi, k->max_gain);
        gain[i] = gi;
        param[i] = param[i] + k->neg_lr * (gi * g);
        prev[i] = g;
    }
}

/* ---- one step of each rule ---- */

double sl_opt_momentum_now(const sl_optimizer *o, double own)
{
    return o->momentum_from_scheduler ? sl_scheduler_momentum(&o->sched) : own;
}

SL_COMPACT void sl_opt_update(sl_optimizer *o, float *params, const float *grads)
{
    const sl_hyper *h = &o->h;
    int n = o->n;
    double lr = o->lr, step = o->steps + 1;
    float *a0 = sl_opt_array(o, 0), *a1 = sl_opt_array(o, 1), *a2 = sl_opt_array(o, 2);
    switch (o->type) {
    case O_SGD: {
        double mom = sl_opt_momentum_now(o, h->momentum);
        sgd_k k = { (float)-lr, (float)mom, (float)(1 - h->dampening), (float)h->weight_decay, mom != 0, !o->buf_ready,
                    h->nesterov, h->maximize };
        sgd_update(params, a0, grads, n, &k);
        if (mom != 0) o->buf_ready = 1;
        break;
    }
    case O_Adagrad: {
        double clr = lr / (1 + (step - 1) * h->lr_decay);
        adagrad_k k = { (float)-clr, (float)h->weight_decay, (float)h->eps, h->maximize };
        adagrad_update(params, a0, grads, n, &k);
        break;
    }
    case O_RMSprop: {
        double mom = sl_opt_momentum_now(o, h->momentum);
        rmsprop_k k = { (float)-lr, (float)h->alpha, (float)(1 - h->alpha), (float)h->eps, (float)h->weight_decay,
                        (float)mom, h->centered, mom > 0, h->maximize };
        rmsprop_update(params, a0, a1, a2, grads, n, &k);
        break;
    }
    case O_Adadelta: {
        adadelta_k k = { (float)-lr, (float)h->rho, (float)(1 - h->rho), (float)h->eps, (float)h->weight_decay, h->maximize };
        adadelta_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_Adam:
    case O_AdamW: {
        double b1 = sl_opt_momentum_now(o, h->betas[0]), b2 = h->betas[1];
        double bc1 = h->bias_correction ? 1 - pow(b1, step) : 1, bc2 = h->bias_correction ? 1 - pow(b2, step) : 1;
        adam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay,
                     (float)(1 - lr * h->weight_decay), (float)sqrt(bc2), (float)h->eps, (float)-(lr / bc1),
                     h->amsgrad, h->maximize, o->type == O_AdamW };
        adam_update(params, a0, a1, a2, grads, n, &k);
        break;
    }
    case O_Adamax: {
        double b1 = sl_opt_momentum_now(o, h->betas[0]);
        adamax_k k = { (float)b1, (float)(1 - b1), (float)h->betas[1], (float)h->eps, (float)h->weight_decay,
                       (float)-(lr / (1 - pow(b1, step))), h->maximize };
        adamax_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_NAdam: {
        double b1 = sl_opt_momentum_now(o, h->betas[0]), b2 = h->betas[1];
        double bc2 = 1 - pow(b2, step);
        double mu = b1 * (1. - 0.5 * pow(0.96, step * h->momentum_decay));
        double mu_next = b1 * (1. - 0.5 * pow(0.96, (step + 1) * h->momentum_decay));
        o->mu_product = o->mu_product * (float)mu;
        float mu_product_next = o->mu_product * (float)mu * (float)mu_next;
        nadam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay, (float)bc2,
                      (float)h->eps, (float)(-lr * (1. - mu) / (1. - (double)o->mu_product)),
                      (float)(-lr * mu_next / (1. - (double)mu_product_next)) };
        nadam_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_RAdam: {
        double b1 = sl_opt_momentum_now(o, h->betas[0]), b2 = h->betas[1];
        double bc1 = 1 - pow(b1, step), bc2 = 1 - pow(b2, step);
        double rho_inf = 2 / (1 - b2) - 1;
        double rho_t = rho_inf - 2 * step * pow(b2, step) / bc2;
        double rect = rho_t > 5. ? sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) : 0;
        radam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay, (float)bc1,
                      (float)lr, (float)sqrt(bc2), (float)h->eps, (float)rect, rho_t > 5. };
        radam_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_Rprop: {
        if (o->steps == 0) {
            float v = (float)lr;
            for (int i = 0; i < n; i++) a1[i] = v;
        }
        rprop_k k = { (float)h->etas[0], (float)h->etas[1], (float)h->step_sizes[0], (float)h->step_sizes[1], h->maximize };
        rprop_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_DeltaBarDelta: {
        dbd_k k = { (float)-lr, (float)h->beta, (float)(1 - h->beta), (float)h->min_gain, (float)h->max_gain };
        dbd_update(params, a0, a1, grads, n, &k);
        break;
    }
    }
    o->steps = step;
}
