/* Surfaces at the C level: the registry's minima are stationary points with
 * the listed values, every row carries its view, start, category and starter,
 * lab.landscape's and lab.trace's counts across the ABI (2^31, 2^32, -1, 2^53,
 * NaN) are refused with the field named before anything is written, and a
 * trace's work is bounded before it starts. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

static const double HOSTILE[] = { 2147483648.0, 4294967296.0, -1, 9007199254740992.0, NAN };

static double num(const sl_json *doc, int obj, const char *key) { return doc->nodes[sl_json_get(doc, obj, key)].num; }

static void registry_rows(void)
{
    const char *reg = sl_registry_json();
    sl_json doc;
    CHECK(sl_json_parse(reg, strlen(reg), &doc, "registry") == SL_STATUS_OK);
    int list = sl_json_get(&doc, 0, "surfaces"), rows = 0, minima = 0;
    for (int r = doc.nodes[list].child; r >= 0; r = doc.nodes[r].next, rows++) {
        const char *name = doc.nodes[sl_json_get(&doc, r, "name")].str;
        char spec[64];
        snprintf(spec, sizeof spec, "{\"type\":\"%s\"}", name);
        sl_surface s;
        CHECK(sl_surface_parse(spec, (int)strlen(spec), &s) == SL_STATUS_OK);
        int view = sl_json_get(&doc, r, "view"), start = sl_json_get(&doc, r, "start");
        CHECK(view >= 0 && start >= 0 && doc.nodes[start].count == 2);
        CHECK(sl_json_get(&doc, r, "category") >= 0 && sl_json_get(&doc, r, "starter") >= 0);
        /* the start point lies inside the view box */
        int vx = sl_json_get(&doc, view, "x"), vy = sl_json_get(&doc, view, "y");
        double x0 = doc.nodes[doc.nodes[vx].child].num, x1 = doc.nodes[doc.nodes[doc.nodes[vx].child].next].num;
        double y0 = doc.nodes[doc.nodes[vy].child].num, y1 = doc.nodes[doc.nodes[doc.nodes[vy].child].next].num;
        double sx = doc.nodes[doc.nodes[start].child].num, sy = doc.nodes[doc.nodes[doc.nodes[start].child].next].num;
        CHECK(x0 < sx && sx < x1 && y0 < sy && sy < y1);
        /* each listed minimum: the value there, a vanishing gradient, and nothing lower nearby */
        for (int m = doc.nodes[sl_json_get(&doc, r, "minima")].child; m >= 0; m = doc.nodes[m].next, minima++) {
            double x = num(&doc, m, "x"), y = num(&doc, m, "y"), v = num(&doc, m, "value");
            float g[2];
            float f = sl_surface_eval(&s, (float)x, (float)y, g);
            CHECK(fabs(f - v) < 1e-5 && fabs(g[0]) < 1e-3 && fabs(g[1]) < 1e-3);
            int lowest = 1;
            for (int k = 0; k < 16; k++) {
                double a = 2 * SL_PI * k / 16;
                lowest &= sl_surface_eval(&s, (float)(x + 0.01 * cos(a)), (float)(y + 0.01 * sin(a)), NULL) > f;
            }
            CHECK(lowest);
        }
        if (!strcmp(name, "saddle")) CHECK(doc.nodes[sl_json_get(&doc, r, "minima")].count == 0);
        if (!strcmp(name, "himmelblau")) CHECK(doc.nodes[sl_json_get(&doc, r, "minima")].count == 4);
    }
    CHECK(rows == 8 && minima == 11);
    sl_json_free(&doc);
}

static void counts_across_the_abi(void)
{
    const char *ras = "{\"type\":\"rastrigin\"}", *adam = "{\"type\":\"Adam\",\"lr\":0.1}";
    double rl = (double)strlen(ras), al = (double)strlen(adam);
    float *grid = malloc(16 * sizeof(float));
    for (int i = 0; i < 4; i++) grid[i] = 7;
    sl_trace *t = NULL;
    for (int i = 0; i < 5; i++) {
        double v = HOSTILE[i];
        /* out is too small for any of these: nothing may be written before the check */
        CHECK_ERR(sl_landscape(ras, rl, -5, 5, -5, 5, v, 2, grid), SL_STATUS_INVALID, "rastrigin: nx must be an integer in [2, 8388608], got");
        CHECK_ERR(sl_landscape(ras, rl, -5, 5, -5, 5, 2, v, grid), SL_STATUS_INVALID, "rastrigin: ny must be an integer in [2, 8388608], got");
        CHECK_ERR(sl_landscape(ras, v, -5, 5, -5, 5, 2, 2, grid), SL_STATUS_INVALID, "surface: spec length must be an integer");
        CHECK_ERR(sl_trace_run(ras, rl, adam, al, 1, 1, v, 0, 0, &t), SL_STATUS_INVALID, "trace: steps must be an integer in [1, 100000], got");
        CHECK_ERR(sl_trace_run(ras, v, adam, al, 1, 1, 5, 0, 0, &t), SL_STATUS_INVALID, "surface: spec length");
        CHECK_ERR(sl_trace_run(ras, rl, adam, v, 1, 1, 5, 0, 0, &t), SL_STATUS_INVALID, "optimizer: spec length");
        CHECK(t == NULL);
    }
    CHECK_ERR(sl_trace_run(ras, rl, adam, al, 1, 1, 5, 0, 4294967296.0 * 4294967296.0, &t), SL_STATUS_INVALID, "trace: seed");
    CHECK_ERR(sl_landscape(ras, rl, -5, 5, -5, 5, 4097, 4096, grid), SL_STATUS_INVALID,
              "rastrigin: nx * ny must be at most 16777216 (4096 x 4096 points), got 4097 x 4096");
    CHECK(grid[0] == 7 && grid[3] == 7);
    CHECK(sl_landscape(ras, rl, -1, 1, -1, 1, 2, 2, grid) == SL_STATUS_OK && grid[0] == 2 && grid[3] == 2);
    CHECK(sl_trace_run(ras, rl, adam, al, 1, 1, 5, 0, 0, &t) == SL_STATUS_OK && t && t->count == 6);
    sl_trace_free(t);
    free(grid);
}

static void bounded_work(void)
{
    const char *rosen = "{\"type\":\"rosenbrock\"}";
    const char *heavy = "{\"type\":\"LBFGS\",\"max_iter\":1000000,\"tolerance_grad\":0,\"tolerance_change\":0}";
    const char *wide = "{\"type\":\"LBFGS\",\"history_size\":1000}";
    const char *fine = "{\"type\":\"LBFGS\",\"line_search_fn\":\"strong_wolfe\"}";
    double rl = (double)strlen(rosen);
    sl_trace *t = NULL;
    CHECK_ERR(sl_trace_run(rosen, rl, heavy, (double)strlen(heavy), -1.5, 2, 100000, 1, 0, &t), SL_STATUS_INVALID,
              "LBFGS: steps x max_eval = 125000000000 closure evaluations is more than the limit of 2000000 for one trace; "
              "lower steps or max_iter/max_eval");
    CHECK_ERR(sl_trace_run(rosen, rl, heavy, (double)strlen(heavy), -1.5, 2, 2, 1, 0, &t), SL_STATUS_INVALID, "LBFGS: steps x max_eval");
    CHECK_ERR(sl_trace_run(rosen, rl, wide, (double)strlen(wide), -1.5, 2, 2000, 0, 0, &t), SL_STATUS_INVALID,
              "LBFGS: steps x max_iter x history_size = 40000000 history rows is more than the limit of 20000000");
    CHECK(t == NULL);
    /* at the limits: 10 000 default LBFGS steps (2e7 rows), 1e5 steps of anything else */
    CHECK(sl_trace_run(rosen, rl, fine, (double)strlen(fine), -1.5, 2, 10000, 0, 0, &t) == SL_STATUS_OK);
    sl_trace_free(t);
    const char *sgd = "{\"type\":\"SGD\",\"lr\":0.0001}";
    CHECK(sl_trace_run(rosen, rl, sgd, (double)strlen(sgd), -1.5, 2, 100000, 0, 0, &t) == SL_STATUS_OK && t->count == 100001);
    sl_trace_free(t);
}

void test_surfaces(void)
{
    registry_rows();
    counts_across_the_abi();
    bounded_work();
}
