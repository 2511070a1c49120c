/* The classic 2-D optimization test functions in float32 with analytic
 * gradients, the grid evaluator behind contour plots, and traces of an
 * optimizer walking a surface (PyTorch's loop: loss, backward, step, and the
 * scheduler's step after the optimizer's). Grid values are computed by a
 * SIMD loop that performs the same float32 operations, in the same order, as
 * the scalar function, so both builds draw identical pictures. */
#include "surface.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/simd.h"
#include "../optimizers/internal.h"

#define INF INFINITY
#define TWO_PI_F ((float)(2 * SL_PI))
#define TWENTY_PI_F ((float)(20 * SL_PI))

enum { S_rosenbrock, S_beale, S_himmelblau, S_booth, S_quadratic, S_saddle, S_rastrigin, S_six_hump_camel, S_COUNT };

static const sl_param P_ROSEN[] = {
    { "a", SL_P_NUM, 1, -1e6, 1e6, 0, NULL, 0, 0, "minimum at (a, a^2)" },
    { "b", SL_P_NUM, 100, 0, 1e6, 0, NULL, 0, 0, "steepness of the curved valley" },
};
static const sl_param P_QUAD[] = {
    { "a", SL_P_NUM, 1, 0, 1e6, 0, NULL, 0, 0, "curvature along x" },
    { "b", SL_P_NUM, 10, 0, 1e6, 0, NULL, 0, 0, "curvature along y (b >> a: a ravine)" },
};
static const sl_param P_NONE[1] = { { "", SL_P_NUM, 0, 0, 0, 0, NULL, 0, 0, "" } };

#define K(name, params, n, summary) { name, params, n, summary }
static const sl_kind KINDS[S_COUNT] = {
    K("rosenbrock", P_ROSEN, 2, "(a - x)^2 + b (y - x^2)^2: a curved, flat-bottomed valley; minimum 0 at (a, a^2)"),
    K("beale", P_NONE, 0, "(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2; minimum 0 at (3, 0.5)"),
    K("himmelblau", P_NONE, 0, "(x^2 + y - 11)^2 + (x + y^2 - 7)^2: four equal minima, one at (3, 2)"),
    K("booth", P_NONE, 0, "(x + 2y - 7)^2 + (2x + y - 5)^2: a tilted bowl; minimum 0 at (1, 3)"),
    K("quadratic", P_QUAD, 2, "(a x^2 + b y^2) / 2: a ravine when b >> a; minimum 0 at (0, 0)"),
    K("saddle", P_NONE, 0, "x^2 - y^2: a saddle point at (0, 0), unbounded below"),
    K("rastrigin", P_NONE, 0, "20 + sum of (v^2 - 10 cos 2 pi v): many local minima; global 0 at (0, 0)"),
    K("six_hump_camel", P_NONE, 0, "(4 - 2.1x^2 + x^4/3) x^2 + xy + (-4 + 4y^2) y^2: six minima, two global (-1.0316)"),
};

sl_status sl_surface_parse(const char *json, int len, sl_surface *out)
{
    sl_json doc;
    memset(out, 0, sizeof *out);
    if (len < 0) return sl_fail(SL_STATUS_INVALID, "surface", NULL, "spec length is negative");
    sl_status st = sl_json_parse(json, (size_t)len, &doc, "surface");
    if (st) return st;
    const sl_kind *k;
    sl_args a;
    st = sl_spec_lookup(&doc, 0, KINDS, sizeof KINDS[0], S_COUNT, "surface", &k);
    if (!st) st = sl_spec_decode(&doc, 0, k, "type", &a);
    if (!st) {
        out->type = (int)(k - KINDS);
        for (int i = 0; i < k->n_params; i++) out->k[i] = (float)a.v[i];
    }
    sl_json_free(&doc);
    return st;
}

/* the part of rastrigin that depends on one coordinate */
static float rastrigin_term(float v) { return v * v - 10.0f * cosf(TWO_PI_F * v); }

float sl_surface_eval(const sl_surface *s, float x, float y, float *g)
{
    const float *k = s->k;
    float f = 0, gx = 0, gy = 0;
    switch (s->type) {
    case S_rosenbrock: {
        float u = k[0] - x, v = y - x * x;
        f = u * u + k[1] * (v * v);
        gx = -2.0f * u - 4.0f * k[1] * x * v;
        gy = 2.0f * k[1] * v;
        break;
    }
    case S_beale: {
        float xy = x * y, xy2 = xy * y, xy3 = xy2 * y;
        float t1 = 1.5f - x + xy, t2 = 2.25f - x + xy2, t3 = 2.625f - x + xy3;
        f = t1 * t1 + t2 * t2 + t3 * t3;
        gx = 2.0f * (t1 * (y - 1.0f) + t2 * (y * y - 1.0f) + t3 * (y * y * y - 1.0f));
        gy = 2.0f * (t1 * x + t2 * (2.0f * xy) + t3 * (3.0f * xy * y));
        break;
    }
    case S_himmelblau: {
        float u = x * x + y - 11.0f, v = x + y * y - 7.0f;
        f = u * u + v * v;
        gx = 4.0f * x * u + 2.0f * v;
        gy = 2.0f * u + 4.0f * y * v;
        break;
    }
    case S_booth: {
        float u = x + 2.0f * y - 7.0f, v = 2.0f * x + y - 5.0f;
        f = u * u + v * v;
        gx = 2.0f * u + 4.0f * v;
        gy = 4.0f * u + 2.0f * v;
        break;
    }
    case S_quadratic:
        f = 0.5f * (k[0] * (x * x) + k[1] * (y * y));
        gx = k[0] * x;
        gy = k[1] * y;
        break;
    case S_saddle:
        f = x * x - y * y;
        gx = 2.0f * x;
        gy = -2.0f * y;
        break;
    case S_rastrigin:
        f = (20.0f + rastrigin_term(x)) + rastrigin_term(y);
        gx = 2.0f * x + TWENTY_PI_F * sinf(TWO_PI_F * x);
        gy = 2.0f * y + TWENTY_PI_F * sinf(TWO_PI_F * y);
        break;
    case S_six_hump_camel: {
        float x2 = x * x, y2 = y * y;
        f = (4.0f - 2.1f * x2 + x2 * x2 / 3.0f) * x2 + x * y + (-4.0f + 4.0f * y2) * y2;
        gx = 8.0f * x - 8.4f * x2 * x + 2.0f * (x2 * x2) * x + y;
        gy = x - 8.0f * y + 16.0f * y2 * y;
        break;
    }
    }
    if (g) {
        g[0] = gx;
        g[1] = gy;
    }
    return f;
}

#if SL_SIMD
#define V1(v) simde_wasm_f32x4_splat(v)
#define VADD simde_wasm_f32x4_add
#define VSUB simde_wasm_f32x4_sub
#define VMUL simde_wasm_f32x4_mul
#define VDIV simde_wasm_f32x4_div

/* the value part of sl_surface_eval, four points at once, same operations */
static simde_v128_t eval4(const sl_surface *s, simde_v128_t x, simde_v128_t y, simde_v128_t ry)
{
    const float *k = s->k;
    switch (s->type) {
    case S_rosenbrock: {
        simde_v128_t u = VSUB(V1(k[0]), x), v = VSUB(y, VMUL(x, x));
        return VADD(VMUL(u, u), VMUL(V1(k[1]), VMUL(v, v)));
    }
    case S_beale: {
        simde_v128_t xy = VMUL(x, y), xy2 = VMUL(xy, y), xy3 = VMUL(xy2, y);
        simde_v128_t t1 = VADD(VSUB(V1(1.5f), x), xy), t2 = VADD(VSUB(V1(2.25f), x), xy2), t3 = VADD(VSUB(V1(2.625f), x), xy3);
        return VADD(VADD(VMUL(t1, t1), VMUL(t2, t2)), VMUL(t3, t3));
    }
    case S_himmelblau: {
        simde_v128_t u = VSUB(VADD(VMUL(x, x), y), V1(11.0f)), v = VSUB(VADD(x, VMUL(y, y)), V1(7.0f));
        return VADD(VMUL(u, u), VMUL(v, v));
    }
    case S_booth: {
        simde_v128_t u = VSUB(VADD(x, VMUL(V1(2.0f), y)), V1(7.0f)), v = VSUB(VADD(VMUL(V1(2.0f), x), y), V1(5.0f));
        return VADD(VMUL(u, u), VMUL(v, v));
    }
    case S_quadratic:
        return VMUL(V1(0.5f), VADD(VMUL(V1(k[0]), VMUL(x, x)), VMUL(V1(k[1]), VMUL(y, y))));
    case S_saddle:
        return VSUB(VMUL(x, x), VMUL(y, y));
    case S_rastrigin: /* x holds the per-column terms, ry the row's term */
        return VADD(VADD(V1(20.0f), x), ry);
    case S_six_hump_camel: {
        simde_v128_t x2 = VMUL(x, x), y2 = VMUL(y, y);
        simde_v128_t a = VMUL(VADD(VSUB(V1(4.0f), VMUL(V1(2.1f), x2)), VDIV(VMUL(x2, x2), V1(3.0f))), x2);
        return VADD(VADD(a, VMUL(x, y)), VMUL(VADD(V1(-4.0f), VMUL(V1(4.0f), y2)), y2));
    }
    }
    return V1(0);
}
#endif

sl_status sl_landscape(const char *json, int len, double x0, double x1, double y0, double y1, int nx, int ny, float *out)
{
    sl_surface s;
    sl_status st = sl_surface_parse(json, len, &s);
    if (st) return st;
    const char *name = KINDS[s.type].name;
    if (!isfinite(x0) || !isfinite(x1) || !(x0 < x1))
        return sl_fail(SL_STATUS_INVALID, name, "x", "must be [min, max] with finite min < max, got [%s, %s]", sl_num(x0).s,
                       sl_num(x1).s);
    if (!isfinite(y0) || !isfinite(y1) || !(y0 < y1))
        return sl_fail(SL_STATUS_INVALID, name, "y", "must be [min, max] with finite min < max, got [%s, %s]", sl_num(y0).s,
                       sl_num(y1).s);
    if (nx < 2 || ny < 2 || (double)nx * ny > SL_LANDSCAPE_MAX_POINTS)
        return sl_fail(SL_STATUS_INVALID, name, "nx", "and ny must be integers >= 2 with nx * ny <= %d, got %d and %d",
                       SL_LANDSCAPE_MAX_POINTS, nx, ny);
    float *xs = malloc((size_t)nx * 2 * sizeof(float));
    if (!xs) return sl_fail(SL_STATUS_NOMEM, name, "nx", "of %d does not fit in memory", nx);
    float *tx = xs + nx; /* rastrigin's per-column terms */
    for (int i = 0; i < nx; i++) {
        xs[i] = (float)(x0 + (x1 - x0) * i / (nx - 1));
        tx[i] = s.type == S_rastrigin ? rastrigin_term(xs[i]) : 0;
    }
    for (int j = 0; j < ny; j++) {
        float y = (float)(y0 + (y1 - y0) * j / (ny - 1));
        float ty = s.type == S_rastrigin ? rastrigin_term(y) : 0;
        float *row = out + (size_t)j * nx;
        int i = 0;
#if SL_SIMD
        const float *src = s.type == S_rastrigin ? tx : xs;
        simde_v128_t vy = V1(y), vty = V1(ty);
        for (; i + 4 <= nx; i += 4) simde_wasm_v128_store(row + i, eval4(&s, simde_wasm_v128_load(src + i), vy, vty));
#endif
        if (s.type == S_rastrigin)
            for (; i < nx; i++) row[i] = (20.0f + tx[i]) + ty;
        else
            for (; i < nx; i++) row[i] = sl_surface_eval(&s, xs[i], y, NULL);
    }
    free(xs);
    return SL_STATUS_OK;
}

/* ---- traces ---- */

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

SL_COMPACT sl_status sl_trace_run(const char *surface_json, int surface_len, const char *optimizer_json, int optimizer_len, double x0,
                       double y0, double steps, double noise, double seed, sl_trace **out)
{
    *out = NULL;
    sl_surface s;
    sl_status st = sl_surface_parse(surface_json, surface_len, &s);
    if (st) return st;
    const char *name = KINDS[s.type].name;
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
    float p[2] = { (float)x0, (float)y0 }, g[2];
    float f = sl_surface_eval(&s, p[0], p[1], g);
    if (!isfinite(f))
        return sl_fail(SL_STATUS_INVALID, "trace", "start", "gives a non-finite %s value at [%s, %s]", name, sl_num(p[0]).s,
                       sl_num(p[1]).s);
    sl_optimizer *o;
    if ((st = sl_optimizer_create(optimizer_json, optimizer_len, 2, &o))) return st;
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
        t->x[k] = p[0];
        t->y[k] = p[1];
        t->loss[k] = f;
        t->grad_norm[k] = (float)sqrt((double)g[0] * g[0] + (double)g[1] * g[1]);
        t->lr[k] = sl_optimizer_lr(o);
        t->evals[k] = 0;
        if (t->diverged || k == cap - 1) break;
        if (sl_optimizer_needs_closure(o)) {
            st = sl_optimizer_step_closure(o, p, 2, closure, &ob, NULL, &t->evals[k]);
        } else {
            float gs[2] = { g[0], g[1] };
            if (noise > 0) {
                gs[0] = gs[0] + (float)(noise * gauss(&ob.rng));
                gs[1] = gs[1] + (float)(noise * gauss(&ob.rng));
            }
            st = sl_optimizer_step(o, p, gs, 2);
            t->evals[k] = 1;
        }
        if (!st && sl_optimizer_needs_metric(o)) st = sl_optimizer_scheduler_step(o, f);
        if (st) break;
        k++;
        if (!in_range(p[0]) || !in_range(p[1])) {
            t->diverged = 1;
            k--;
            break;
        }
        f = sl_surface_eval(&s, p[0], p[1], g);
        if (!in_range(f)) {
            t->diverged = 1;
            k--;
            break;
        }
    }
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

int sl_surfaces_json(char **buf, int len, int *cap)
{
    return sl_kinds_json(buf, len, cap, KINDS, sizeof KINDS[0], S_COUNT);
}
