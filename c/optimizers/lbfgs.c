/* torch.optim.LBFGS (PyTorch 1.13) in C: one step(closure) runs up to
 * max_iter quasi-Newton iterations, calling the objective through a closure,
 * with PyTorch's two-loop recursion over the (y, s) history, its first-step
 * size min(1, 1/|g|_1) * lr, its stopping tests, and optionally its
 * strong-Wolfe line search (_strong_wolfe with _cubic_interpolate, c1 = 1e-4,
 * c2 = 0.9, at most 25 evaluations). Vectors are float32 like PyTorch's
 * tensors; PyTorch's float32 scalars (dot products, ro, H_diag) are float
 * here too, and tolerances are rounded to float32 where PyTorch compares a
 * float32 tensor with them. The history is a ring of history_size rows inside
 * the optimizer's single allocation. */
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* a * b + c as PyTorch's fused add(x, alpha=) (see fmadd in kernels.c) */
static inline float fmadd(float a, float b, float c) { return (float)((double)a * (double)b + (double)c); }

static float dot(const float *a, const float *b, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static float max_abs(const float *a, int n)
{
    float m = 0;
    for (int i = 0; i < n; i++) {
        float v = fabsf(a[i]);
        if (v > m || v != v) m = v;
    }
    return m;
}

/* dst = x + (float)t * d, PyTorch's p.add_(d, alpha=t) */
static void axpy(float *dst, const float *x, double t, const float *d, int n)
{
    float tf = (float)t;
    for (int i = 0; i < n; i++) dst[i] = fmadd(tf, d[i], x[i]);
}

/* A Python number as PyTorch's line search sees it: a float (double) or a
 * 0-dim float32 tensor. Mixing the two gives a float32 tensor (the float is
 * rounded first), and comparisons with a tensor are made in float32; this is
 * how _strong_wolfe's scalars behave, and following it keeps the accepted step
 * sizes bit-identical to PyTorch's. */
typedef struct { double v; int f32; } num;

static num py(double v) { return (num){ v, 0 }; }
static num ten(float v) { return (num){ v, 1 }; }
static num bin(num a, num b, char op)
{
    if (!a.f32 && !b.f32) {
        double r = op == '+' ? a.v + b.v : op == '-' ? a.v - b.v : op == '*' ? a.v * b.v : a.v / b.v;
        return py(r);
    }
    float x = (float)a.v, y = (float)b.v;
    return ten(op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y);
}
static num add(num a, num b) { return bin(a, b, '+'); }
static num sub(num a, num b) { return bin(a, b, '-'); }
static num mul(num a, num b) { return bin(a, b, '*'); }
static num dvd(num a, num b) { return bin(a, b, '/'); }
static num nabs(num a) { return (num){ fabs(a.v), a.f32 }; }
/* a < b, in float32 when either is a tensor */
static int lt(num a, num b) { return a.f32 || b.f32 ? (float)a.v < (float)b.v : a.v < b.v; }
static int le(num a, num b) { return a.f32 || b.f32 ? (float)a.v <= (float)b.v : a.v <= b.v; }
/* Python's max(a, b) and min(a, b): the first argument unless the second is strictly better */
static num pymax(num a, num b) { return lt(a, b) ? b : a; }
static num pymin(num a, num b) { return lt(b, a) ? b : a; }

/* _cubic_interpolate: minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), within bounds */
SL_COMPACT static num cubic(num x1, num f1, num g1, num x2, num f2, num g2, const num *bounds)
{
    num lo, hi;
    if (bounds) lo = bounds[0], hi = bounds[1];
    else if (le(x1, x2)) lo = x1, hi = x2;
    else lo = x2, hi = x1;
    num d1 = sub(add(g1, g2), dvd(mul(py(3), sub(f1, f2)), sub(x1, x2)));
    num d2_square = sub(mul(d1, d1), mul(g1, g2));
    if (le(py(0), d2_square)) {
        num d2 = d2_square.f32 ? ten(sqrtf((float)d2_square.v)) : py(sqrt(d2_square.v)), min_pos;
        if (le(x1, x2))
            min_pos = sub(x2, mul(sub(x2, x1), dvd(sub(add(g2, d2), d1), add(sub(g2, g1), mul(py(2), d2)))));
        else
            min_pos = sub(x1, mul(sub(x1, x2), dvd(sub(add(g1, d2), d1), add(sub(g1, g2), mul(py(2), d2)))));
        return pymin(pymax(min_pos, lo), hi);
    }
    return dvd(add(lo, hi), py(2.));
}

typedef struct {
    sl_optimizer *o;
    float *params;
    sl_closure fn;
    void *ctx;
    float *slot[5]; /* 0: the gradient at the start point; 1..4: evaluations */
} search;

/* PyTorch's _directional_evaluate: loss and gradient at x + t d, params left at x. */
SL_COMPACT static sl_status dir_eval(search *s, const float *x, num t, const float *d, int into, num *f)
{
    int n = s->o->n;
    axpy(s->params, x, t.v, d, n);
    double loss;
    sl_status st = s->fn(s->ctx, s->params, s->slot[into], n, &loss);
    memcpy(s->params, x, (size_t)n * sizeof(float));
    *f = py(loss);
    return st;
}

static int free_slot(int a, int b, int c)
{
    for (int k = 1; k < 5; k++)
        if (k != a && k != b && k != c) return k;
    return -1;
}

/* f + c1 * t * gtd, PyTorch's sufficient-decrease bound */
static num armijo(num f, num t, num gtd) { return add(f, mul(mul(py(1e-4), t), gtd)); }

/* _strong_wolfe: on return slot[*g_out] holds the gradient at the accepted t. */
SL_COMPACT static sl_status strong_wolfe(search *s, const float *x, num *t_io, const float *d, num f, num gtd, num *f_out,
                              int *g_out, int *evals)
{
    const num c2 = py(0.9), tolerance_change = py(s->o->group->h.tolerance_change);
    const int max_ls = 25, n = s->o->n;
    num t = *t_io, d_norm = ten(max_abs(d, n)), f_new;
    int g_new = 1, g_prev = 0;
    sl_status st = dir_eval(s, x, t, d, g_new, &f_new);
    if (st) return st;
    int ls_func_evals = 1;
    num gtd_new = ten(dot(s->slot[g_new], d, n));
    num t_prev = py(0), f_prev = f, gtd_prev = gtd;
    int done = 0, ls_iter = 0;
    num bracket[2], bracket_f[2], bracket_gtd[2] = { py(0), py(0) };
    int bracket_g[2], nb = 2;
    num neg_c2_gtd = mul(py(-c2.v), gtd);
    while (ls_iter < max_ls) {
        if (lt(armijo(f, t, gtd), f_new) || (ls_iter > 1 && le(f_prev, f_new))) {
            bracket[0] = t_prev, bracket[1] = t;
            bracket_f[0] = f_prev, bracket_f[1] = f_new;
            bracket_g[0] = g_prev, bracket_g[1] = g_new;
            bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
            break;
        }
        if (le(nabs(gtd_new), neg_c2_gtd)) {
            bracket[0] = t, bracket_f[0] = f_new, bracket_g[0] = g_new;
            nb = 1;
            done = 1;
            break;
        }
        if (le(py(0), gtd_new)) {
            bracket[0] = t_prev, bracket[1] = t;
            bracket_f[0] = f_prev, bracket_f[1] = f_new;
            bracket_g[0] = g_prev, bracket_g[1] = g_new;
            bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
            break;
        }
        num bounds[2] = { add(t, mul(py(0.01), sub(t, t_prev))), mul(t, py(10)) }, tmp = t;
        t = cubic(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds);
        t_prev = tmp;
        f_prev = f_new;
        g_prev = g_new;
        gtd_prev = gtd_new;
        g_new = free_slot(g_prev, -1, -1);
        if ((st = dir_eval(s, x, t, d, g_new, &f_new))) return st;
        ls_func_evals++;
        gtd_new = ten(dot(s->slot[g_new], d, n));
        ls_iter++;
    }
    if (ls_iter == max_ls) {
        bracket[0] = py(0), bracket[1] = t;
        bracket_f[0] = f, bracket_f[1] = f_new;
        bracket_g[0] = 0, bracket_g[1] = g_new;
        nb = 2;
    }
    int insuf_progress = 0;
    int low = le(bracket_f[0], bracket_f[nb - 1]) ? 0 : 1, high = 1 - low;
    while (!done && ls_iter < max_ls) {
        if (lt(mul(nabs(sub(bracket[1], bracket[0])), d_norm), tolerance_change)) break;
        t = cubic(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1], NULL);
        num bmax = pymax(bracket[0], bracket[1]), bmin = pymin(bracket[0], bracket[1]);
        num eps = mul(py(0.1), sub(bmax, bmin));
        if (lt(pymin(sub(bmax, t), sub(t, bmin)), eps)) {
            if (insuf_progress || le(bmax, t) || le(t, bmin)) {
                t = lt(nabs(sub(t, bmax)), nabs(sub(t, bmin))) ? sub(bmax, eps) : add(bmin, eps);
                insuf_progress = 0;
            } else {
                insuf_progress = 1;
            }
        } else {
            insuf_progress = 0;
        }
        g_new = free_slot(bracket_g[0], bracket_g[1], 0);
        if ((st = dir_eval(s, x, t, d, g_new, &f_new))) return st;
        ls_func_evals++;
        gtd_new = ten(dot(s->slot[g_new], d, n));
        ls_iter++;
        if (lt(armijo(f, t, gtd), f_new) || le(bracket_f[low], f_new)) {
            bracket[high] = t;
            bracket_f[high] = f_new;
            bracket_g[high] = g_new;
            bracket_gtd[high] = gtd_new;
            low = le(bracket_f[0], bracket_f[1]) ? 0 : 1;
            high = 1 - low;
        } else {
            if (le(nabs(gtd_new), neg_c2_gtd)) done = 1;
            else if (le(py(0), mul(gtd_new, sub(bracket[high], bracket[low])))) {
                bracket[high] = bracket[low];
                bracket_f[high] = bracket_f[low];
                bracket_g[high] = bracket_g[low];
                bracket_gtd[high] = bracket_gtd[low];
            }
            bracket[low] = t;
            bracket_f[low] = f_new;
            bracket_g[low] = g_new;
            bracket_gtd[low] = gtd_new;
        }
    }
    *t_io = bracket[low];
    *f_out = bracket_f[low];
    *g_out = bracket_g[low];
    *evals = ls_func_evals;
    return SL_STATUS_OK;
}

SL_COMPACT static sl_status run(sl_optimizer *o, float *params, sl_closure fn, void *ctx, double *loss_out, int *evals_out)
{
    const sl_hyper *h = &o->group->h;
    const int n = o->n, H = h->history_size;
    const double lr = o->group->lr;
    const float tol_grad = (float)h->tolerance_grad, tol_change = (float)h->tolerance_change;
    float *d = sl_opt_array(o, L_D), *prev_g = sl_opt_array(o, L_PREV_G), *g = sl_opt_array(o, L_G);
    float *x0 = sl_opt_array(o, L_X0), *q = sl_opt_array(o, L_Q);
    float *dirs = sl_opt_array(o, L_DIRS), *stps = sl_opt_array(o, L_STPS);
    float *ro = sl_lbfgs_ro(o), *al = ro + H;
    search s = { o, params, fn, ctx, { g, q, sl_opt_array(o, L_S0), sl_opt_array(o, L_S1), sl_opt_array(o, L_S2) } };

    double loss;
    sl_status st = fn(ctx, params, g, n, &loss);
    if (st) return st;
    *loss_out = loss;
    int current_evals = 1;
    o->func_evals++;
    *evals_out = 1;
    if (max_abs(g, n) <= tol_grad) return SL_STATUS_OK;

    int n_iter = 0;
    while (n_iter < h->max_iter) {
        n_iter++;
        o->n_iter++;
        if (o->n_iter == 1) {
            for (int i = 0; i < n; i++) d[i] = -g[i];
            o->hist_len = 0;
            o->hist_start = 0;
            o->H_diag = 1.0f;
        } else {
            float *y = s.slot[2], *sv = s.slot[3], tf = (float)o->t;
            for (int i = 0; i < n; i++) {
                y[i] = g[i] - prev_g[i];
                sv[i] = d[i] * tf;
            }
            float ys = dot(y, sv, n);
            if (ys > (float)1e-10) {
                if (o->hist_len == H) {
                    o->hist_start = (o->hist_start + 1) % H;
                    o->hist_len--;
                }
                int slot = (o->hist_start + o->hist_len) % H;
                memcpy(dirs + (size_t)slot * n, y, (size_t)n * sizeof(float));
                memcpy(stps + (size_t)slot * n, sv, (size_t)n * sizeof(float));
                ro[slot] = 1.0f / ys;
                o->hist_len++;
                o->H_diag = ys / dot(y, y, n);
            }
            for (int i = 0; i < n; i++) q[i] = -g[i];
            for (int k = o->hist_len - 1; k >= 0; k--) {
                int slot = (o->hist_start + k) % H;
                al[slot] = dot(stps + (size_t)slot * n, q, n) * ro[slot];
                float a = -al[slot];
                const float *dr = dirs + (size_t)slot * n;
                for (int i = 0; i < n; i++) q[i] = fmadd(a, dr[i], q[i]);
            }
            for (int i = 0; i < n; i++) d[i] = q[i] * o->H_diag;
            for (int k = 0; k < o->hist_len; k++) {
                int slot = (o->hist_start + k) % H;
                float be = dot(dirs + (size_t)slot * n, d, n) * ro[slot];
                float a = al[slot] - be;
                const float *sp = stps + (size_t)slot * n;
                for (int i = 0; i < n; i++) d[i] = fmadd(a, sp[i], d[i]);
            }
        }
        memcpy(prev_g, g, (size_t)n * sizeof(float));
        o->prev_loss = loss;
        if (o->n_iter == 1) {
            float sum = 0;
            for (int i = 0; i < n; i++) sum += fabsf(g[i]);
            float inv = 1.0f / sum;
            o->t = inv < 1.0f ? (double)(inv * (float)lr) : lr;
            o->t_f32 = inv < 1.0f; /* min(1., tensor) * lr is a tensor when the tensor wins */
        } else {
            o->t = lr;
            o->t_f32 = 0;
        }
        float gtd = dot(g, d, n);
        if (gtd > -tol_change) break;

        int ls_func_evals = 0, opt_cond = 0;
        if (h->line_search_fn == SL_STRONG_WOLFE) {
            memcpy(x0, params, (size_t)n * sizeof(float));
            int g_at;
            num t = { o->t, o->t_f32 }, f;
            if ((st = strong_wolfe(&s, x0, &t, d, py(loss), ten(gtd), &f, &g_at, &ls_func_evals))) return st;
            o->t = t.v;
            o->t_f32 = t.f32;
            loss = f.v;
            if (g_at != 0) memcpy(g, s.slot[g_at], (size_t)n * sizeof(float));
            axpy(params, params, o->t, d, n);
            opt_cond = max_abs(g, n) <= tol_grad;
        } else {
            axpy(params, params, o->t, d, n);
            if (n_iter != h->max_iter) {
                if ((st = fn(ctx, params, g, n, &loss))) return st;
                opt_cond = max_abs(g, n) <= tol_grad;
                ls_func_evals = 1;
            }
        }
        current_evals += ls_func_evals;
        o->func_evals += ls_func_evals;
        *evals_out = current_evals;
        if (n_iter == h->max_iter) break;
        if (current_evals >= h->max_eval) break;
        if (opt_cond) break;
        float tf = (float)o->t, step_max = 0;
        for (int i = 0; i < n; i++) {
            float v = fabsf(d[i] * tf);
            if (v > step_max || v != v) step_max = v;
        }
        if (step_max <= tol_change) break;
        if (fabs(loss - o->prev_loss) < h->tolerance_change) break;
    }
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_lbfgs_step(sl_optimizer *o, float *params, sl_closure fn, void *ctx, double *loss, int *evals)
{
    if (o->func_evals > INT_MAX - o->group->h.max_eval - 27 || o->n_iter > INT_MAX - o->group->h.max_iter)
        return sl_fail(SL_STATUS_RANGE, "LBFGS", "func_evals", "cannot count further (%d closure calls so far)", o->func_evals);
    /* a failing closure leaves the optimizer and the parameters as they were */
    size_t bytes = o->size, pbytes = (size_t)o->n * sizeof(float);
    char *backup = malloc(bytes + pbytes);
    if (!backup) return sl_fail(SL_STATUS_NOMEM, "LBFGS", NULL, "out of memory");
    memcpy(backup, o, bytes);
    memcpy(backup + bytes, params, pbytes);
    sl_status st = run(o, params, fn, ctx, loss, evals);
    if (st) {
        memcpy(o, backup, bytes);
        memcpy(params, backup + bytes, pbytes);
    } else {
        o->steps += 1;
        o->group->last_lr = o->group->lr;
    }
    free(backup);
    return st;
}
