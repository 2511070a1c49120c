/* Optimizers and surfaces at the C level: finite-difference gradient checks of
 * every surface against double references, the SIMD landscape against the
 * scalar function, closed forms, LBFGS through a C closure, state round trips,
 * damaged states, forged states (checksum recomputed) refused field by field,
 * counts across the ABI, and errors that leave everything working. */
#include "steplab.h"
#include "check.h"
#include "optimizers/internal.h" /* to forge saved states field by field */

#include <stdlib.h>

/* double references from the definitions */
static double ref(int type, double x, double y)
{
    switch (type) {
    case 0: return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    case 1: return pow(1.5 - x + x * y, 2) + pow(2.25 - x + x * y * y, 2) + pow(2.625 - x + x * y * y * y, 2);
    case 2: return pow(x * x + y - 11, 2) + pow(x + y * y - 7, 2);
    case 3: return pow(x + 2 * y - 7, 2) + pow(2 * x + y - 5, 2);
    case 4: return 0.5 * (x * x + 10 * y * y);
    case 5: return x * x - y * y;
    case 6: return 20 + (x * x - 10 * cos(2 * SL_PI * x)) + (y * y - 10 * cos(2 * SL_PI * y));
    default: return (4 - 2.1 * x * x + pow(x, 4) / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y;
    }
}

static const char *SURFACES[] = { "rosenbrock", "beale", "himmelblau", "booth", "quadratic", "saddle", "rastrigin",
                                  "six_hump_camel" };

static sl_optimizer *make(const char *json, int n)
{
    sl_optimizer *o = NULL;
    if (sl_optimizer_create(json, (int)strlen(json), n, &o)) printf("create failed: %s\n", sl_error_message());
    return o;
}

static int closure_calls, closure_fail_at;

static sl_status bowl(void *ctx, float *x, float *g, int n, double *loss)
{
    (void)ctx;
    if (++closure_calls == closure_fail_at) return sl_fail(SL_STATUS_INVALID, "closure", NULL, "failed on purpose");
    double f = 0;
    for (int i = 0; i < n; i++) {
        float w = (float)(i + 1);
        g[i] = w * (x[i] - 1.0f);
        f += 0.5 * w * (x[i] - 1.0) * (x[i] - 1.0);
    }
    *loss = f;
    return SL_STATUS_OK;
}

/* An optimizer stepped `steps` times on a small bowl, saved, one field forged by `edit`,
 * the checksums made valid again; the restore must fail naming `field`. */
static void forged(const char *label, const char *spec, void (*edit)(sl_optimizer *), const char *field)
{
    enum { N = 6 };
    sl_optimizer *o = make(spec, N), *back = NULL;
    if (!o) return;
    float p[N] = { 1, -2, 0.5f, 3, -1, 2 }, g[N];
    for (int k = 0; k < 5; k++) {
        closure_calls = 0, closure_fail_at = -1;
        if (sl_optimizer_needs_closure(o)) sl_optimizer_step_closure(o, p, N, bowl, NULL, NULL, NULL);
        else {
            for (int i = 0; i < N; i++) g[i] = (float)sin(k + i) * (1 + i % 3);
            sl_optimizer_step(o, p, g, N);
        }
    }
    int size = sl_optimizer_state_size(o);
    unsigned char *buf = malloc((size_t)size);
    sl_optimizer_state_save(o, buf);
    sl_optimizer *f = (sl_optimizer *)buf;
    edit(f);
    char tmp[sizeof(sl_scheduler)];
    if (f->has_scheduler) sl_scheduler_state_save(&f->sched, tmp);
    f->checksum = sl_opt_checksum(f);
    sl_status st = sl_optimizer_restore(buf, size, &back);
    int named = st == SL_STATUS_STATE && strstr(sl_error_message(), field) != NULL;
    if (!named) printf("forged %s: status %d '%s', expected a refusal naming '%s'\n", label, (int)st, sl_error_message(), field);
    CHECK(named && back == NULL);
    sl_optimizer_free(back);
    sl_optimizer_state_save(o, buf);
    CHECK(sl_optimizer_restore(buf, size, &back) == SL_STATUS_OK); /* the unforged state still restores */
    sl_optimizer_free(back);
    sl_optimizer_free(o);
    free(buf);
}

static void lr_negative(sl_optimizer *o) { o->lr = -5; }
static void lr_everywhere_negative(sl_optimizer *o) { o->lr = o->h.lr = -5; }
static void lr_both_negative(sl_optimizer *o) { o->lr = o->sched.group.lr = -5; }
static void sched_lr_only(sl_optimizer *o) { o->sched.group.lr *= 0.5; }
static void steps_half(sl_optimizer *o) { o->steps = 0.5; }
static void steps_huge(sl_optimizer *o) { o->steps = 1e300; }
static void mu_product_nan(sl_optimizer *o) { o->mu_product = NAN; }
static void h_diag_nan(sl_optimizer *o) { o->H_diag = NAN; }
static void t_nan(sl_optimizer *o) { o->t = NAN; }
static void prev_loss_nan(sl_optimizer *o) { o->prev_loss = NAN; }
static void second_moment_negative(sl_optimizer *o) { sl_opt_array(o, 1)[2] = -1; }
static void first_moment_inf(sl_optimizer *o) { sl_opt_array(o, 0)[0] = INFINITY; }
static void sum_negative(sl_optimizer *o) { sl_opt_array(o, 0)[1] = -0.5f; }
static void step_size_big(sl_optimizer *o) { sl_opt_array(o, 1)[3] = 1e6f; }
static void gain_big(sl_optimizer *o) { sl_opt_array(o, 0)[4] = 100; }
static void amsgrad_below(sl_optimizer *o) { sl_opt_array(o, 2)[0] = sl_opt_array(o, 1)[0] * 0.5f; }
static void eps_zero(sl_optimizer *o) { o->h.eps = 0; }
static void betas_one(sl_optimizer *o) { o->h.betas[1] = 1; }
static void foreign_field(sl_optimizer *o) { o->h.momentum = 0.9; }
static void buffer_missing(sl_optimizer *o) { o->buf_ready = 0; }
static void hist_len_big(sl_optimizer *o) { o->hist_len = 1000; }
static void func_evals_low(sl_optimizer *o) { o->func_evals = 0; }
static void sched_ahead(sl_optimizer *o) { o->steps = 2; }
static void old_version(sl_optimizer *o) { o->version = 2; }

static void forged_states(void)
{
    const char *adam = "{\"type\":\"Adam\",\"lr\":0.01}";
    const char *adam_sched = "{\"type\":\"Adam\",\"lr\":0.01,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2}}";
    const char *lbfgs = "{\"type\":\"LBFGS\",\"history_size\":3,\"line_search_fn\":\"strong_wolfe\"}";
    /* the forgeries */
    forged("lr -5", adam, lr_negative, "lr");
    forged("lr and the spec's lr -5", adam, lr_everywhere_negative, "lr");
    forged("lr -5 with its scheduler's", adam_sched, lr_both_negative, "lr");
    forged("steps 0.5", adam, steps_half, "steps");
    forged("steps 1e300", adam, steps_huge, "steps");
    forged("NAdam mu_product NaN", "{\"type\":\"NAdam\"}", mu_product_nan, "mu_product");
    forged("LBFGS H_diag NaN", lbfgs, h_diag_nan, "H_diag");
    /* the other values a restore re-validates */
    forged("scheduler lr differs", adam_sched, sched_lr_only, "lr");
    forged("scheduler ahead of the optimizer", adam_sched, sched_ahead, "scheduler");
    forged("LBFGS t NaN", lbfgs, t_nan, "t in the saved state");
    forged("LBFGS prev_loss NaN", lbfgs, prev_loss_nan, "prev_loss");
    forged("LBFGS hist_len", lbfgs, hist_len_big, "hist_len");
    forged("LBFGS func_evals", lbfgs, func_evals_low, "func_evals");
    forged("Adam exp_avg_sq negative", adam, second_moment_negative, "exp_avg_sq");
    forged("Adam exp_avg infinite", adam, first_moment_inf, "exp_avg");
    forged("Adam max_exp_avg_sq below exp_avg_sq", "{\"type\":\"Adam\",\"amsgrad\":true}", amsgrad_below, "max_exp_avg_sq");
    forged("Adagrad sum negative", "{\"type\":\"Adagrad\"}", sum_negative, "sum");
    forged("Rprop step size outside step_sizes", "{\"type\":\"Rprop\"}", step_size_big, "step_size");
    forged("DeltaBarDelta gain outside its bounds", "{\"type\":\"DeltaBarDelta\"}", gain_big, "gain");
    forged("eps 0", adam, eps_zero, "eps");
    forged("betas[1] 1", adam, betas_one, "betas");
    forged("a parameter Adam does not have", adam, foreign_field, "momentum");
    forged("SGD momentum buffer", "{\"type\":\"SGD\",\"lr\":0.1,\"momentum\":0.9}", buffer_missing, "momentum_buffer");
    forged("a state of the layout before hyper-parameters were stored by name", adam, old_version,
           "optimizer: state is from another version of steplab (state version 2, this one reads 3)");
}

/* Counts arrive as doubles: 2^31, 2^32, -1, 2^53 and NaN are refused with the field named, then a good call works. */
static void counts_across_the_abi(void)
{
    static const double hostile[] = { 2147483648.0, 4294967296.0, -1, 9007199254740992.0, NAN };
    const char *adam = "{\"type\":\"Adam\",\"lr\":0.01}";
    double len = (double)strlen(adam);
    sl_optimizer *o = make(adam, 3), *bad = NULL;
    float p[3] = { 0, 0, 0 }, g[3] = { 1, 2, 3 }, out[3];
    for (int i = 0; i < 5 && o; i++) {
        double v = hostile[i];
        CHECK_ERR(sl_optimizer_create(adam, len, v, &bad), SL_STATUS_INVALID, "Adam: nParams must be an integer in [1, 50000000], got");
        CHECK_ERR(sl_optimizer_create(adam, v, 3, &bad), SL_STATUS_INVALID, "optimizer: spec length must be an integer");
        CHECK_ERR(sl_optimizer_step(o, p, g, v), SL_STATUS_INVALID, "Adam: grads must hold 3 numbers (nParams), got");
        CHECK_ERR(sl_optimizer_replay(adam, len, p, v, g, 1, out), SL_STATUS_INVALID, "Adam: nParams must be an integer");
        CHECK_ERR(sl_optimizer_replay(adam, len, p, 3, g, v, out), SL_STATUS_INVALID, "Adam: grads must be a list of");
        CHECK_ERR(sl_optimizer_replay(adam, v, p, 3, g, 1, out), SL_STATUS_INVALID, "optimizer: spec length");
        CHECK_ERR(sl_optimizer_restore(adam, v, &bad), SL_STATUS_STATE, "optimizer: state is truncated");
        CHECK(bad == NULL);
    }
    CHECK(sl_optimizer_step(o, p, g, 3) == SL_STATUS_OK);
    CHECK_NEAR(p[2], -0.01, 1e-6); /* Adam's first step moves every weight by lr */
    CHECK(sl_optimizer_replay(adam, len, p, 3, g, 1, out) == SL_STATUS_OK && fabs(out[0] - (p[0] - 0.01f)) < 1e-6);
    sl_optimizer_free(o);
}

void test_optimizers(void)
{
    /* every surface: analytic float32 gradient against central differences of the double reference */
    const float pts[][2] = { { -1.5f, 2.0f }, { 0.3f, -0.7f }, { 2.2f, 1.1f }, { -0.4f, 0.45f }, { 1.7f, -1.9f } };
    for (int t = 0; t < 8; t++) {
        char json[64];
        snprintf(json, sizeof json, "{\"type\":\"%s\"}", SURFACES[t]);
        sl_surface s;
        CHECK(sl_surface_parse(json, (int)strlen(json), &s) == SL_STATUS_OK);
        for (int k = 0; k < 5; k++) {
            double x = pts[k][0], y = pts[k][1], h = 1e-6;
            float g[2];
            float f = sl_surface_eval(&s, (float)x, (float)y, g);
            double gx = (ref(t, x + h, y) - ref(t, x - h, y)) / (2 * h);
            double gy = (ref(t, x, y + h) - ref(t, x, y - h)) / (2 * h);
            double scale = fabs(gx) + fabs(gy) + 1;
            CHECK(fabs(f - ref(t, x, y)) <= 1e-5 * (fabs(ref(t, x, y)) + 1));
            CHECK(fabs(g[0] - gx) <= 1e-4 * scale);
            CHECK(fabs(g[1] - gy) <= 1e-4 * scale);
        }
        /* the grid (SIMD blocks and a scalar tail) equals the scalar function at every point */
        float grid[7 * 5];
        CHECK(sl_landscape(json, (int)strlen(json), -2, 2.5, -1, 3, 7, 5, grid) == SL_STATUS_OK);
        int same = 1;
        for (int j = 0; j < 5; j++)
            for (int i = 0; i < 7; i++) {
                float xi = (float)(-2 + 4.5 * i / 6), yj = (float)(-1 + 4.0 * j / 4);
                same &= grid[j * 7 + i] == sl_surface_eval(&s, xi, yj, NULL);
            }
        CHECK(same);
    }

    /* SGD momentum with a constant gradient: v = 1 + 0.9 v, w -= 0.1 v */
    float p0[1] = { 0 }, g1[40], out[40];
    for (int k = 0; k < 40; k++) g1[k] = 1;
    const char *sgd = "{\"type\":\"SGD\",\"lr\":0.1,\"momentum\":0.9}";
    CHECK(sl_optimizer_replay(sgd, (int)strlen(sgd), p0, 1, g1, 40, out) == SL_STATUS_OK);
    double v = 0, w = 0;
    for (int k = 0; k < 40; k++) {
        v = 0.9 * v + 1;
        w -= 0.1 * v;
        CHECK_NEAR(out[k], w, 1e-5);
    }

    /* LBFGS through a C closure: a 5-D bowl is solved in one step, func_evals counts every call */
    sl_optimizer *lb = make("{\"type\":\"LBFGS\",\"line_search_fn\":\"strong_wolfe\"}", 5);
    if (lb) {
        float x[5] = { 3, -2, 0, 4, 1.5f };
        double loss;
        int evals;
        closure_calls = 0;
        closure_fail_at = -1;
        CHECK(sl_optimizer_step_closure(lb, x, 5, bowl, NULL, &loss, &evals) == SL_STATUS_OK);
        CHECK(evals == closure_calls && sl_optimizer_func_evals(lb) == closure_calls && evals > 1);
        CHECK_NEAR(loss, 0.5 * (4 + 2 * 9 + 3 * 1 + 4 * 9 + 5 * 0.25), 1e-12);
        for (int i = 0; i < 5; i++) CHECK(fabs(x[i] - 1) < 1e-4);
        /* a failing closure changes nothing */
        float y[5] = { 0, 0, 0, 0, 0 }, y0[5] = { 0, 0, 0, 0, 0 };
        int size = sl_optimizer_state_size(lb);
        char *before = malloc((size_t)size), *after = malloc((size_t)size);
        sl_optimizer_state_save(lb, before);
        closure_calls = 0;
        closure_fail_at = 3;
        CHECK_ERR(sl_optimizer_step_closure(lb, y, 5, bowl, NULL, NULL, NULL), SL_STATUS_INVALID, "failed on purpose");
        sl_optimizer_state_save(lb, after);
        CHECK(memcmp(before, after, (size_t)size) == 0);
        CHECK(memcmp(y, y0, sizeof y) == 0);
        closure_fail_at = -1;
        CHECK(sl_optimizer_step_closure(lb, y, 5, bowl, NULL, NULL, NULL) == SL_STATUS_OK);
        float g[5];
        CHECK_ERR(sl_optimizer_step(lb, y, g, 5), SL_STATUS_INVALID, "LBFGS: closure is required");
        free(before);
        free(after);
        sl_optimizer_free(lb);
    }

    /* state round trip: a restored Adam with a scheduler continues bit-identically */
    sl_optimizer *a = make("{\"type\":\"Adam\",\"lr\":0.01,\"amsgrad\":true,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":3}}", 9);
    if (a) {
        float pa[9], pb[9], g[9];
        for (int i = 0; i < 9; i++) pa[i] = (float)i / 3;
        for (int k = 0; k < 7; k++) {
            for (int i = 0; i < 9; i++) g[i] = (float)sin(k + i * 0.5);
            CHECK(sl_optimizer_step(a, pa, g, 9) == SL_STATUS_OK);
        }
        int size = sl_optimizer_state_size(a);
        char *buf = malloc((size_t)size);
        sl_optimizer_state_save(a, buf);
        sl_optimizer *b = NULL;
        CHECK(sl_optimizer_restore(buf, size, &b) == SL_STATUS_OK);
        memcpy(pb, pa, sizeof pa);
        int same = b != NULL;
        for (int k = 7; k < 20 && b; k++) {
            for (int i = 0; i < 9; i++) g[i] = (float)sin(k + i * 0.5);
            sl_optimizer_step(a, pa, g, 9);
            sl_optimizer_step(b, pb, g, 9);
            same &= memcmp(pa, pb, sizeof pa) == 0 && sl_optimizer_lr(a) == sl_optimizer_lr(b);
        }
        CHECK(same);
        CHECK(sl_optimizer_lr(a) == 0.01 * pow(0.1, 6)); /* StepLR x0.1 every 3 steps, 20 steps */
        sl_optimizer *bad = NULL;
        CHECK_ERR(sl_optimizer_restore(buf, size - 1, &bad), SL_STATUS_STATE, "wrong size");
        CHECK_ERR(sl_optimizer_restore(buf, 10, &bad), SL_STATUS_STATE, "truncated");
        buf[size - 5] ^= 4;
        CHECK_ERR(sl_optimizer_restore(buf, size, &bad), SL_STATUS_STATE, "checksum");
        buf[size - 5] ^= 4;
        buf[1] ^= 1;
        CHECK_ERR(sl_optimizer_restore(buf, size, &bad), SL_STATUS_STATE, "not a steplab optimizer");
        CHECK(bad == NULL);
        CHECK_ERR(sl_optimizer_step(a, pa, g, 8), SL_STATUS_INVALID, "Adam: grads must hold 9 numbers (nParams), got 8");
        CHECK(sl_optimizer_step(a, pa, g, 9) == SL_STATUS_OK);
        free(buf);
        sl_optimizer_free(b);
        sl_optimizer_free(a);
    }

    /* errors name the optimizer, the field, the expectation and the value */
    sl_optimizer *o = NULL;
#define CREATE(json) sl_optimizer_create(json, (int)strlen(json), 3, &o)
    CHECK_ERR(CREATE("{\"type\":\"Adam\",\"betas\":[0.9,1]}"), SL_STATUS_INVALID, "Adam: betas [1] must be a number in [0, 1), got 1");
    CHECK_ERR(CREATE("{\"type\":\"Adam\",\"lr\":0}"), SL_STATUS_INVALID, "Adam: lr must be a number > 0, got 0");
    CHECK_ERR(CREATE("{\"type\":\"RMSprop\",\"eps\":0}"), SL_STATUS_INVALID, "RMSprop: eps must be a number > 0, got 0");
    CHECK_ERR(CREATE("{\"type\":\"SGD\",\"lr\":0.1,\"nesterov\":true,\"momentum\":0.9,\"dampening\":0.5}"), SL_STATUS_INVALID,
              "SGD: nesterov requires a momentum > 0 and zero dampening (PyTorch's rule), got momentum 0.9 and dampening 0.5");
    CHECK_ERR(CREATE("{\"type\":\"sgd\"}"), SL_STATUS_UNKNOWN_TYPE, "optimizer: type must be one of SGD");
    CHECK_ERR(CREATE("{\"type\":\"DeltaBarDelta\",\"min_gain\":2,\"max_gain\":1}"), SL_STATUS_INVALID,
              "DeltaBarDelta: min_gain must be <= max_gain, got 2 and 1");
    CHECK_ERR(CREATE("{\"type\":\"LBFGS\",\"line_search_fn\":\"wolfe\"}"), SL_STATUS_INVALID, "LBFGS: line_search_fn must be one of 'strong_wolfe'");
    CHECK(o == NULL);
    o = make("{\"type\":\"LBFGS\",\"line_search_fn\":null,\"max_eval\":null}", 3);
    double evals = 0, rows = 0;
    if (o) sl_optimizer_step_cost(o, &evals, &rows);
    CHECK(o != NULL && evals == 25 && rows == 20 * 100); /* max_eval's default: max_iter * 5 // 4 */
    sl_optimizer_free(o);

    /* traces: a diverging run stops, the rest stays finite */
    sl_trace *t = NULL;
    const char *sad = "{\"type\":\"saddle\"}", *opt = "{\"type\":\"SGD\",\"lr\":0.01}";
    CHECK(sl_trace_run(sad, (int)strlen(sad), opt, (int)strlen(opt), 0.5, 0.01, 100000, 0, 0, &t) == SL_STATUS_OK);
    if (t) {
        CHECK(t->diverged == 1 && t->count > 100 && t->count < 100000);
        int finite = 1;
        for (int k = 0; k < t->count; k++) finite &= isfinite(t->x[k]) && isfinite(t->y[k]) && isfinite(t->loss[k]);
        CHECK(finite);
        sl_trace_free(t);
    }
    CHECK_ERR(sl_trace_run(sad, (int)strlen(sad), opt, (int)strlen(opt), NAN, 0, 10, 0, 0, &t), SL_STATUS_INVALID,
              "trace: start must be two finite numbers");
    CHECK_ERR(sl_trace_run(sad, (int)strlen(sad), opt, (int)strlen(opt), 0, 0, 1e6, 0, 0, &t), SL_STATUS_INVALID,
              "trace: steps must be an integer in [1, 100000], got 1000000");
    CHECK(sl_trace_run(sad, (int)strlen(sad), opt, (int)strlen(opt), 0, 0, 3, 0, 0, &t) == SL_STATUS_OK && t->count == 4);
    sl_trace_free(t);

    forged_states();
    counts_across_the_abi();

    /* one spec path: a trainer config's sibling "scheduler" attaches as the optimizer's own would */
    const char *cfg = "{\"optimizer\":{\"type\":\"SGD\",\"lr\":0.5},\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2}}";
    const char *own = "{\"type\":\"SGD\",\"lr\":0.5,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2}}";
    sl_json doc;
    sl_optimizer *x = NULL, *y = make(own, 2);
    CHECK(sl_json_parse(cfg, strlen(cfg), &doc, "config") == SL_STATUS_OK);
    CHECK(sl_optimizer_from_spec(&doc, sl_json_get(&doc, 0, "optimizer"), sl_json_get(&doc, 0, "scheduler"), 2, &x) == SL_STATUS_OK);
    float px[2] = { 1, 2 }, py[2] = { 1, 2 }, gg[2] = { 0.5f, -1 };
    int same = x && y;
    for (int k = 0; k < 7 && same; k++) {
        sl_optimizer_step(x, px, gg, 2);
        sl_optimizer_step(y, py, gg, 2);
        same = sl_optimizer_lr(x) == sl_optimizer_lr(y) && memcmp(px, py, sizeof px) == 0;
    }
    CHECK(same && sl_optimizer_lr(x) == 0.5 * 0.1 * 0.1 * 0.1);
    sl_optimizer_free(x);
    sl_optimizer_free(y);
    sl_json_free(&doc);
    const char *twice = "{\"optimizer\":{\"type\":\"SGD\",\"lr\":0.5,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2}},"
                        "\"scheduler\":{\"type\":\"StepLR\",\"step_size\":3}}";
    CHECK(sl_json_parse(twice, strlen(twice), &doc, "config") == SL_STATUS_OK);
    CHECK_ERR(sl_optimizer_from_spec(&doc, sl_json_get(&doc, 0, "optimizer"), sl_json_get(&doc, 0, "scheduler"), 2, &x),
              SL_STATUS_INVALID, "SGD: scheduler is given twice");
    sl_json_free(&doc);

    /* the registry lists the new families */
    const char *reg = sl_registry_json();
    CHECK(strstr(reg, "\"optimizers\":[") != NULL && strstr(reg, "\"name\":\"DeltaBarDelta\"") != NULL);
    CHECK(strstr(reg, "\"surfaces\":[") != NULL && strstr(reg, "\"name\":\"six_hump_camel\"") != NULL);
}
