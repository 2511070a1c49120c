/* Losses at the C level: the course's numbers, the vector kernels against a
 * double reference (this file runs in the SIMD and the scalar build), one
 * object reused across batches as a trainer does, and errors that write
 * nothing and leave everything working. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

static sl_loss *make(const char *json)
{
    sl_loss *L = NULL;
    if (sl_loss_create(json, (int)strlen(json), &L)) printf("create failed: %s\n", sl_error_message());
    return L;
}

/* value of a one-input loss on n x c, gradient into g */
static double eval1(const char *json, const float *x, const float *t, int n, int c, int nt, float *g)
{
    double v = NAN;
    sl_loss *L = make(json);
    if (!L) return NAN;
    if (sl_loss_eval(L, x, NULL, NULL, t, n, c, nt, g, NULL, NULL, &v)) printf("eval failed: %s\n", sl_error_message());
    sl_loss_free(L);
    return v;
}

void test_losses(void)
{
    const float pred[5] = { 98, 153, 199, 182, 140 }, act[5] = { 100, 150, 200, 180, 120 };
    float g[64];
    CHECK_NEAR(eval1("{\"type\":\"MSELoss\"}", pred, act, 1, 5, 5, g), 83.6, 1e-15);
    CHECK_NEAR(g[4], 8, 1e-7);
    CHECK_NEAR(eval1("{\"type\":\"L1Loss\"}", pred, act, 1, 5, 5, g), 5.6, 1e-15);
    CHECK(g[0] == -0.2f && g[1] == 0.2f);
    CHECK_NEAR(eval1("{\"type\":\"HuberLoss\",\"delta\":5}", pred, act, 5, 1, 5, g), 19.3, 1e-15);
    CHECK(g[4] == 1.0f && g[1] == 0.6f);
    const float p95 = 0.95f, one = 1;
    CHECK_NEAR(eval1("{\"type\":\"BCELoss\"}", &p95, &one, 1, 1, 1, g), -log(0.95f), 1e-12);

    /* the vector kernels (MSE, L1, penalties) against a double reference, odd length for the tail */
    enum { N = 1003 };
    float *x = malloc(N * sizeof(float)), *y = malloc(N * sizeof(float)), *gx = malloc(N * sizeof(float));
    for (int i = 0; i < N; i++) {
        x[i] = (float)sin(i * 0.37) * 3;
        y[i] = (float)cos(i * 0.11);
    }
    x[7] = y[7]; /* an exact zero difference: sign 0 */
    double mse = 0, mae = 0, l1 = 0, l2 = 0;
    for (int i = 0; i < N; i++) {
        double d = (double)(x[i] - y[i]);
        mse += d * d;
        mae += fabs(d);
        l1 += fabs(x[i]);
        l2 += (double)x[i] * x[i];
    }
    CHECK_NEAR(eval1("{\"type\":\"MSELoss\",\"reduction\":\"sum\"}", x, y, 1, N, N, gx), mse, 1e-13);
    int ok = 1;
    for (int i = 0; i < N; i++) ok &= fabsf(gx[i] - 2 * (x[i] - y[i])) <= 1e-6f * fabsf(x[i] - y[i]);
    CHECK(ok);
    CHECK_NEAR(eval1("{\"type\":\"L1Loss\"}", x, y, N, 1, N, gx), mae / N, 1e-13);
    ok = gx[7] == 0;
    for (int i = 0; i < N; i++)
        if (i != 7) ok &= gx[i] == (x[i] > y[i] ? 1.0f : -1.0f) / N;
    CHECK(ok);
    CHECK_NEAR(eval1("{\"type\":\"ElasticNet\",\"l1\":0.5,\"l2\":0.25}", x, NULL, 17, 59, -1, gx), 0.5 * l1 + 0.25 * l2, 1e-13);
    ok = 1;
    for (int i = 0; i < N; i++) ok &= fabsf(gx[i] - (0.5f * (x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0) + 0.5f * x[i])) < 1e-6f;
    CHECK(ok);

    /* one object, many batches (the trainer's use); reduction 'none' fills one value per sample */
    sl_loss *L = make("{\"type\":\"CrossEntropyLoss\",\"reduction\":\"none\",\"label_smoothing\":0.1}");
    CHECK(L && sl_loss_reduction(L) == SL_RED_NONE && sl_loss_inputs(L) == 1);
    if (L) {
        CHECK(strcmp(sl_loss_type(L), "CrossEntropyLoss") == 0);
        CHECK(sl_loss_value_count(L, 4, 3, 4) == 4);
        float logits[12] = { 1, 2, 3, 3, 2, 1, 0, 0, 0, 1e4f, -1e4f, 0 }, cls[4] = { 2, 0, 1, 0 };
        double vals[4];
        for (int rep = 0; rep < 3; rep++) {
            CHECK(sl_loss_eval(L, logits, NULL, NULL, cls, 4, 3, 4, g, NULL, NULL, vals) == SL_STATUS_OK);
            CHECK_NEAR(vals[0], vals[1], 1e-15);
            /* uniform logits: -log(1/3) whatever the smoothing */
            CHECK_NEAR(vals[2], log(3.0), 1e-12);
            CHECK(isfinite(vals[3]) && vals[3] > 0);
            double s = 0;
            for (int k = 0; k < 3; k++) s += g[9 + k];
            CHECK(fabs(s) < 1e-6); /* each row's gradient sums to 0 */
        }
        /* a bad batch: an error naming the loss and field, nothing written */
        float bad[4] = { 2, 0, 3, 0 };
        for (int i = 0; i < 12; i++) g[i] = 42;
        vals[0] = 42;
        CHECK_ERR(sl_loss_eval(L, logits, NULL, NULL, bad, 4, 3, 4, g, NULL, NULL, vals), SL_STATUS_INVALID,
                  "CrossEntropyLoss: target[2] must be a class index in [0, 3) or ignore_index (-100), got 3");
        CHECK(g[0] == 42 && g[11] == 42 && vals[0] == 42);
        logits[5] = NAN;
        CHECK_ERR(sl_loss_eval(L, logits, NULL, NULL, cls, 4, 3, 4, g, NULL, NULL, vals), SL_STATUS_INVALID,
                  "CrossEntropyLoss: input[5] must be a finite number, got NaN");
        logits[5] = 1;
        CHECK_ERR(sl_loss_eval(L, logits, NULL, NULL, cls, 0, 3, 0, g, NULL, NULL, vals), SL_STATUS_INVALID,
                  "CrossEntropyLoss: input must not be empty");
        CHECK_ERR(sl_loss_eval(L, logits, NULL, NULL, cls, 8192, 8193, 4, g, NULL, NULL, vals), SL_STATUS_INVALID,
                  "must have at most");
        CHECK(sl_loss_eval(L, logits, NULL, NULL, cls, 4, 3, 4, g, NULL, NULL, vals) == SL_STATUS_OK);
        CHECK_NEAR(vals[2], log(3.0), 1e-12);
        sl_loss_free(L);
    }

    /* three inputs: triplet with identical points is margin + d(eps) - d(eps) = margin, finite gradients */
    L = make("{\"type\":\"TripletMarginLoss\",\"margin\":0.5}");
    if (L) {
        float a[4] = { 1, 2, 3, 4 }, g1[4], g2[4], g3[4];
        double v;
        CHECK(sl_loss_inputs(L) == 3);
        CHECK(sl_loss_eval(L, a, a, a, NULL, 2, 2, -1, g1, g2, g3, &v) == SL_STATUS_OK);
        CHECK_NEAR(v, 0.5, 1e-12);
        for (int i = 0; i < 4; i++) CHECK(isfinite(g1[i]) && isfinite(g2[i]) && isfinite(g3[i]));
        CHECK_ERR(sl_loss_eval(L, a, a, NULL, NULL, 2, 2, -1, g1, g2, g3, &v), SL_STATUS_INVALID,
                  "TripletMarginLoss: input needs 3 inputs");
        sl_loss_free(L);
    }

    /* spec errors, then a good spec */
    sl_loss *E = NULL;
#define CREATE(json) sl_loss_create(json, (int)strlen(json), &E)
    CHECK_ERR(CREATE("{\"type\":\"HuberLoss\",\"delta\":-1}"), SL_STATUS_INVALID, "HuberLoss: delta must be a number > 0, got -1");
    CHECK_ERR(CREATE("{\"type\":\"FocalLoss\",\"gamma\":-0.5}"), SL_STATUS_INVALID, "FocalLoss: gamma must be a number >= 0, got -0.5");
    CHECK_ERR(CREATE("{\"type\":\"Hinge\"}"), SL_STATUS_UNKNOWN_TYPE, "loss: type must be one of MSELoss");
    CHECK_ERR(CREATE("{\"type\":\"MSELoss\",\"reduction\":\"avg\"}"), SL_STATUS_INVALID, "MSELoss: reduction must be one of");
    CHECK_ERR(CREATE("{\"type\":\"WeightedSum\",\"terms\":[{\"loss\":{\"type\":\"L2\"}}]}"), SL_STATUS_INVALID, "L2: lambda is required");
    CHECK_ERR(CREATE("{\"type\":\"WeightedSum\",\"terms\":{}}"), SL_STATUS_INVALID, "WeightedSum: terms must be a non-empty array");
    CHECK_ERR(CREATE("{\"type\":\"MSELoss\""), SL_STATUS_PARSE, "");
    CHECK(E == NULL);
    CHECK(CREATE("{\"type\":\"WeightedSum\",\"terms\":[{\"weight\":2,\"loss\":{\"type\":\"MSELoss\"}},"
                 "{\"weight\":0.5,\"loss\":{\"type\":\"L1\",\"lambda\":1}}]}") == SL_STATUS_OK);
    if (E) {
        double v;
        CHECK(sl_loss_eval(E, pred, NULL, NULL, act, 1, 5, 5, g, NULL, NULL, &v) == SL_STATUS_OK);
        CHECK_NEAR(v, 2 * 83.6 + 0.5 * (98 + 153 + 199 + 182 + 140), 1e-14);
        CHECK_NEAR(g[4], 2 * 8 + 0.5, 1e-6);
        sl_loss_free(E);
    }
    free(x);
    free(y);
    free(gx);
}
