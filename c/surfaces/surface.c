/* The classic 2-D optimization test functions in float32 with analytic
 * gradients, and the grid evaluator behind contour plots. Grid values are
 * computed by a SIMD loop that performs the same float32 operations, in the
 * same order, as the scalar function, so both builds draw identical pictures.
 * Each surface's registry row also gives the page its default view, a start
 * point and the global minima (for the default parameters). Traces of an
 * optimizer walking a surface are in trace.c. */
#include "surface.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/simd.h"

#define TWO_PI_F ((float)(2 * SL_PI))
#define TWENTY_PI_F ((float)(20 * SL_PI))

enum { S_rosenbrock, S_beale, S_himmelblau, S_booth, S_quadratic, S_saddle, S_rastrigin, S_six_hump_camel, S_COUNT };

#define F32 SL_STORE_F32
static const sl_param P_ROSEN[] = {
    { "a", SL_P_NUM, 1, -1e6, 1e6, 0, NULL, 0, 0, "minimum at (a, a^2)", SL_AT(F32, sl_rosenbrock_p, a) },
    { "b", SL_P_NUM, 100, 0, 1e6, 0, NULL, 0, 0, "steepness of the curved valley", SL_AT(F32, sl_rosenbrock_p, b) },
};
static const sl_param P_QUAD[] = {
    { "a", SL_P_NUM, 1, 0, 1e6, 0, NULL, 0, 0, "curvature along x", SL_AT(F32, sl_quadratic_p, a) },
    { "b", SL_P_NUM, 10, 0, 1e6, 0, NULL, 0, 0, "curvature along y (b >> a: a ravine)", SL_AT(F32, sl_quadratic_p, b) },
};
static const sl_param P_NONE[1] = { { "", SL_P_NUM, 0, 0, 0, 0, NULL, 0, 0, "" } };

/* A global minimum of the surface with its default parameters. */
typedef struct { double x, y, value; } minimum;

typedef struct {
    sl_kind head;
    double view_x[2], view_y[2]; /* the page's default view box */
    double start[2];             /* a start point that shows the surface's lesson */
    int n_minima;
    minimum minima[4];           /* from the literature (Himmelblau's and the camel's refined by Newton's method) */
} surface_kind;

#define K(name, params, n, category, starter, summary) { name, params, n, summary, category, starter, NULL }
static const surface_kind KINDS[S_COUNT] = {
    { K("rosenbrock", P_ROSEN, 2, "valley", "{\"type\":\"rosenbrock\",\"a\":1,\"b\":100}",
        "(a - x)^2 + b (y - x^2)^2: a curved, flat-bottomed valley; minimum 0 at (a, a^2)"),
      { -2, 2 }, { -1, 3 }, { -1.5, 2.5 }, 1, { { 1, 1, 0 } } },
    { K("beale", P_NONE, 0, "plateau", "{\"type\":\"beale\"}",
        "(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2; minimum 0 at (3, 0.5)"),
      { -4.5, 4.5 }, { -4.5, 4.5 }, { 1, 1.5 }, 1, { { 3, 0.5, 0 } } },
    { K("himmelblau", P_NONE, 0, "multimodal", "{\"type\":\"himmelblau\"}",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2: four equal minima, one at (3, 2)"),
      { -5, 5 }, { -5, 5 }, { 0, 0 }, 4,
      { { 3, 2, 0 }, { -2.805118086952745, 3.131312518250573, 0 }, { -3.779310253377747, -3.2831859912861696, 0 },
        { 3.5844283403304917, -1.8481265269644036, 0 } } },
    { K("booth", P_NONE, 0, "bowl", "{\"type\":\"booth\"}", "(x + 2y - 7)^2 + (2x + y - 5)^2: a tilted bowl; minimum 0 at (1, 3)"),
      { -10, 10 }, { -10, 10 }, { -8, -7 }, 1, { { 1, 3, 0 } } },
    { K("quadratic", P_QUAD, 2, "bowl", "{\"type\":\"quadratic\",\"a\":1,\"b\":10}",
        "(a x^2 + b y^2) / 2: a ravine when b >> a; minimum 0 at (0, 0)"),
      { -5, 5 }, { -3, 3 }, { -4.5, 2 }, 1, { { 0, 0, 0 } } },
    { K("saddle", P_NONE, 0, "saddle", "{\"type\":\"saddle\"}", "x^2 - y^2: a saddle point at (0, 0), unbounded below"),
      { -2, 2 }, { -2, 2 }, { -1.8, 0.02 }, 0, { { 0, 0, 0 } } },
    { K("rastrigin", P_NONE, 0, "multimodal", "{\"type\":\"rastrigin\"}",
        "20 + sum of (v^2 - 10 cos 2 pi v): many local minima; global 0 at (0, 0)"),
      { -5.12, 5.12 }, { -5.12, 5.12 }, { 3.3, 3.1 }, 1, { { 0, 0, 0 } } },
    { K("six_hump_camel", P_NONE, 0, "multimodal", "{\"type\":\"six_hump_camel\"}",
        "(4 - 2.1x^2 + x^4/3) x^2 + xy + (-4 + 4y^2) y^2: six minima, two global (-1.0316)"),
      { -2, 2 }, { -1, 1 }, { -1.6, 0.8 }, 2,
      { { 0.08984201310031807, -0.7126564030207396, -1.0316284534898774 },
        { -0.08984201310031807, 0.7126564030207396, -1.0316284534898774 } } },
};

const char *sl_surface_name(const sl_surface *s) { return KINDS[s->type].head.name; }

sl_status sl_surface_parse(const char *json, double len, sl_surface *out)
{
    sl_json doc;
    int bytes;
    memset(out, 0, sizeof *out);
    sl_status st = sl_count_check(len, 0, 2147483647.0, "surface", "spec length", &bytes);
    if (!st) st = sl_json_parse(json, (size_t)bytes, &doc, "surface");
    if (st) return st;
    const sl_kind *k;
    sl_args a;
    st = sl_spec_lookup(&doc, 0, KINDS, sizeof KINDS[0], S_COUNT, "surface", &k);
    if (!st) st = sl_spec_decode(&doc, 0, k, "type", &a);
    if (!st) {
        out->type = (int)((const surface_kind *)k - KINDS);
        sl_spec_fill(&doc, k, &a, &out->p);
    }
    sl_json_free(&doc);
    return st;
}

/* the part of rastrigin that depends on one coordinate */
static float rastrigin_term(float v) { return v * v - 10.0f * cosf(TWO_PI_F * v); }

float sl_surface_eval(const sl_surface *s, float x, float y, float *g)
{
    float f = 0, gx = 0, gy = 0;
    switch (s->type) {
    case S_rosenbrock: {
        float a = s->p.rosenbrock.a, b = s->p.rosenbrock.b, u = a - x, v = y - x * x;
        f = u * u + b * (v * v);
        gx = -2.0f * u - 4.0f * b * x * v;
        gy = 2.0f * b * v;
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
    case S_quadratic: {
        float a = s->p.quadratic.a, b = s->p.quadratic.b;
        f = 0.5f * (a * (x * x) + b * (y * y));
        gx = a * x;
        gy = b * y;
        break;
    }
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
    switch (s->type) {
    case S_rosenbrock: {
        simde_v128_t u = VSUB(V1(s->p.rosenbrock.a), x), v = VSUB(y, VMUL(x, x));
        return VADD(VMUL(u, u), VMUL(V1(s->p.rosenbrock.b), VMUL(v, v)));
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
        return VMUL(V1(0.5f), VADD(VMUL(V1(s->p.quadratic.a), VMUL(x, x)), VMUL(V1(s->p.quadratic.b), VMUL(y, y))));
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

sl_status sl_landscape(const char *json, double len, double x0, double x1, double y0, double y1, double nx_in, double ny_in,
                       float *out)
{
    sl_surface s;
    sl_status st = sl_surface_parse(json, len, &s);
    if (st) return st;
    const char *name = KINDS[s.type].head.name;
    if (!isfinite(x0) || !isfinite(x1) || !(x0 < x1))
        return sl_fail(SL_STATUS_INVALID, name, "x", "must be [min, max] with finite min < max, got [%s, %s]", sl_num(x0).s,
                       sl_num(x1).s);
    if (!isfinite(y0) || !isfinite(y1) || !(y0 < y1))
        return sl_fail(SL_STATUS_INVALID, name, "y", "must be [min, max] with finite min < max, got [%s, %s]", sl_num(y0).s,
                       sl_num(y1).s);
    int nx, ny;
    if ((st = sl_count_check(nx_in, 2, SL_LANDSCAPE_MAX_POINTS / 2, name, "nx", &nx))) return st;
    if ((st = sl_count_check(ny_in, 2, SL_LANDSCAPE_MAX_POINTS / 2, name, "ny", &ny))) return st;
    if ((double)nx * ny > SL_LANDSCAPE_MAX_POINTS)
        return sl_fail(SL_STATUS_INVALID, name, "nx", "* ny must be at most %d (4096 x 4096 points), got %d x %d", SL_LANDSCAPE_MAX_POINTS,
                       nx, ny);
    if (!out) return sl_fail(SL_STATUS_NOMEM, name, "nx", "* ny = %d values do not fit in memory", nx * ny);
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

/* The members the page reads besides the common ones: "view" {x, y}, "start", "minima" [{x, y, value}]. */
static int surface_extra(const void *entry, char **buf, int len, int *cap)
{
    const surface_kind *k = entry;
    char t[256];
    snprintf(t, sizeof t, ",\"view\":{\"x\":[%s,", sl_num(k->view_x[0]).s);
    len = sl_json_append(buf, len, cap, t);
    snprintf(t, sizeof t, "%s],\"y\":[%s,", sl_num(k->view_x[1]).s, sl_num(k->view_y[0]).s);
    len = sl_json_append(buf, len, cap, t);
    snprintf(t, sizeof t, "%s]},\"start\":[%s,", sl_num(k->view_y[1]).s, sl_num(k->start[0]).s);
    len = sl_json_append(buf, len, cap, t);
    snprintf(t, sizeof t, "%s],\"minima\":[", sl_num(k->start[1]).s);
    len = sl_json_append(buf, len, cap, t);
    for (int i = 0; i < k->n_minima; i++) {
        snprintf(t, sizeof t, "%s{\"x\":%s,", i ? "," : "", sl_num(k->minima[i].x).s);
        len = sl_json_append(buf, len, cap, t);
        snprintf(t, sizeof t, "\"y\":%s,\"value\":%s}", sl_num(k->minima[i].y).s, sl_num(k->minima[i].value).s);
        len = sl_json_append(buf, len, cap, t);
    }
    return sl_json_append(buf, len, cap, "]");
}

SL_COMPACT int sl_surfaces_json(char **buf, int len, int *cap)
{
    return sl_kinds_json_ex(buf, len, cap, KINDS, sizeof KINDS[0], S_COUNT, surface_extra);
}
