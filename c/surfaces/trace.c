/* Traces of an optimizer walking a 2-D surface: PyTorch's loop (loss,
 * backward, step, and the scheduler's step after the optimizer's), with
 * seeded Gaussian gradient noise, stopping as diverged instead of producing
 * NaN. The work of one trace is bounded before it starts (SL_TRACE_MAX_EVALS,
 * SL_TRACE_MAX_ROWS): lab.trace runs synchronously. */
#include "surface.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, seedable, the same sequence in every build */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* standard normal by Box-Muller */
static double gauss(uint64_t *s)
{
    double u1 = ((double)(next_u64(s) >> 11) + 1.0) / 9007199254740993.0; /* (0, 1] */
    double u2 = (double)(next_u64(s) >> 11) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(2 * SL_PI * u2);
}

typedef struct {
    const sl_surface *s;
    double noise;
    uint64_t rng;
} objective;

static sl_status closure(void *ctx, float *x, float *grad, int n, double *loss)
{
    objective *ob = ctx;
    (void)n;
    *loss = sl_surface_eval(ob->s, x[0], x[1], grad);
    if (ob->noise > 0) {
        grad[0] = grad[0] + (float)(ob->noise * gauss(&ob->rng));
        grad[1] = grad[1] + (float)(ob->noise * gauss(&ob->rng));
    }
    return SL_STATUS_OK;
}

static int in_range(float v) { return isfinite(v) && fabsf(v) <= SL_TRACE_LIMIT; }

/* Refuses a trace whose work estimate is over the limits, saying what to lower. */
static sl_status check_work(const sl_optimizer *o, double steps)
{
    double evals, rows;
    sl_optimizer_step_cost(o, &evals, &rows);
    const char *name = sl_optimizer_type(o);
    if (steps * evals > SL_TRACE_MAX_EVALS)
        return sl_fail(SL_STATUS_INVALID, name, "steps",
                       "x max_eval = %s closure evaluations is more than the limit of %s for one trace; lower steps or "
                       "max_iter/max_eval",
                       sl_num(steps * evals).s, sl_num(SL_TRACE_MAX_EVALS).s);
    if (steps * rows > SL_TRACE_MAX_ROWS)
        return sl_fail(SL_STATUS_INVALID, name, "steps",
                       "x max_iter x history_size = %s history rows is more than the limit of %s for one trace (each "
                       "iteration walks the whole history); lower steps, max_iter or history_size",
                       sl_num(steps * rows).s, sl_num(SL_TRACE_MAX_ROWS).s);
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_trace_run(const char *surface_json, double surface_len, const char *optimizer_json,
                                  double optimizer_len, double x0, double y0, double steps, double noise, double seed,
                                  sl_trace **out)
{
    *out = NULL;
    sl_surface s;
    sl_status st = sl_surface_parse(surface_json, surface_len, &s);
    if (st) return st;
    const char *name = sl_surface_name(&s);
    if (!isfinite(x0) || !isfinite(y0) || fabs(x0) > SL_TRACE_LIMIT || fabs(y0) > SL_TRACE_LIMIT) {
        char a[48];
        strcpy(a, sl_num(x0).s);
        return sl_fail(SL_STATUS_INVALID, "trace", "start", "must be two finite numbers within +-1e12, got [%s, %s]", a,
                       sl_num(y0).s);
    }
    if (!(steps >= 1 && steps <= SL_TRACE_MAX_STEPS) || floor(steps) != steps)
        return sl_fail(SL_STATUS_INVALID, "trace", "steps", "must be an integer in [1, %d], got %s", SL_TRACE_MAX_STEPS,
                       sl_num(steps).s);
    if (!isfinite(noise) || noise < 0)
        return sl_fail(SL_STATUS_INVALID, "trace", "noise", "must be a finite number >= 0, got %s", sl_num(noise).s);
    if (!isfinite(seed) || floor(seed) != seed || seed < 0 || seed > 9007199254740991.0)
        return sl_fail(SL_STATUS_INVALID, "trace", "seed", "must be an integer in [0, 2^53), got %s", sl_num(seed).s);
    float pt[2] = { (float)x0, (float)y0 }, g[2];
    float f = sl_surface_eval(&s, pt[0], pt[1], g);
    if (!isfinite(f))
        return sl_fail(SL_STATUS_INVALID, "trace", "start", "gives a non-finite %s value at [%s, %s]", name, sl_num(pt[0]).s,
                       sl_num(pt[1]).s);
    sl_optimizer *o;
    if ((st = sl_optimizer_create(optimizer_json, optimizer_len, 2, &o))) return st;
    if ((st = check_work(o, steps))) {
        sl_optimizer_free(o);
        return st;
    }
    int cap = (int)steps + 1;
    size_t per = 4 * sizeof(float) + sizeof(double) + sizeof(int);
    sl_trace *t = malloc(sizeof *t + (size_t)cap * per);
    if (!t) {
        sl_optimizer_free(o);
        return sl_fail(SL_STATUS_NOMEM, "trace", "steps", "of %d do not fit in memory", cap - 1);
    }
    t->lr = (double *)(t + 1);
    t->x = (float *)(t->lr + cap);
    t->y = t->x + cap;
    t->loss = t->y + cap;
    t->grad_norm = t->loss + cap;
    t->evals = (int *)(t->grad_norm + cap);
    t->diverged = !in_range(f);
    objective ob = { &s, noise, (uint64_t)seed };
    int k = 0;
    for (;;) {
        t->x[k] = pt[0];
        t->y[k] = pt[1];
        t->loss[k] = f;
        t->grad_norm[k] = (float)sqrt((double)g[0] * g[0] + (double)g[1] * g[1]);
        t->lr[k] = sl_optimizer_lr(o);
        t->evals[k] = 0;
        if (t->diverged || k == cap - 1) break;
        if (sl_optimizer_needs_closure(o)) {
            st = sl_optimizer_step_closure(o, pt, 2, closure, &ob, NULL, &t->evals[k]);
        } else {
            float gs[2] = { g[0], g[1] };
            if (noise > 0) {
                gs[0] = gs[0] + (float)(noise * gauss(&ob.rng));
                gs[1] = gs[1] + (float)(noise * gauss(&ob.rng));
            }
            st = sl_optimizer_step(o, pt, gs, 2);
            t->evals[k] = 1;
        }
        if (!st && sl_optimizer_needs_metric(o)) st = sl_optimizer_scheduler_step(o, f);
        if (st) break;
        k++;
        if (!in_range(pt[0]) || !in_range(pt[1])) {
            t->diverged = 1;
            k--;
            break;
        }
        f = sl_surface_eval(&s, pt[0], pt[1], g);
        if (!in_range(f)) {
            t->diverged = 1;
            k--;
            break;
        }
    }
    t->swats_step = sl_optimizer_swats(o, 0, 1);
    t->swats_lr = sl_optimizer_swats(o, 0, 2);
    sl_optimizer_free(o);
    if (st) {
        free(t);
        return st;
    }
    t->count = k + 1;
    *out = t;
    return SL_STATUS_OK;
}

void sl_trace_free(sl_trace *t) { free(t); }
int sl_trace_count(const sl_trace *t) { return t->count; }
int sl_trace_diverged(const sl_trace *t) { return t->diverged; }
float *sl_trace_x(const sl_trace *t) { return t->x; }
float *sl_trace_y(const sl_trace *t) { return t->y; }
float *sl_trace_loss(const sl_trace *t) { return t->loss; }
float *sl_trace_grad_norm(const sl_trace *t) { return t->grad_norm; }
double *sl_trace_lr(const sl_trace *t) { return t->lr; }
int *sl_trace_evals(const sl_trace *t) { return t->evals; }
double sl_trace_swats(const sl_trace *t, int what) { return what ? t->swats_lr : t->swats_step; }
