/* libFuzzer target: LambdaLR / MultiplicativeLR formulas, and the same bytes as
 * a Custom optimizer's update rule and a Custom loss's expression (the rule
 * language, c/base/rule.h): whatever compiles must pass the untrusted-program
 * check and evaluate over a vector (of a length around the block size, with
 * non-finite values in it) without a fault. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

static void run_rule(const char *text)
{
    static const char *const NAMES[] = { "p", "g", "t", "lr", "mu", "eps", "v", "m" };
    const unsigned assignable = 1u | 1u << 6 | 1u << 7;
    sl_rule r;
    if (sl_rule_compile(text, NAMES, 8, assignable, 0, &r, "Custom", "update") != SL_STATUS_OK) return;
    if (!sl_rule_valid(&r, assignable)) abort();
    enum { N = 19 };
    float p[N], g[N], v[N], m[N];
    for (int i = 0; i < N; i++) p[i] = (float)i - 9, g[i] = i == 3 ? INFINITY : i == 5 ? NAN : 0.5f * (float)i, v[i] = 1, m[i] = -0.0f;
    sl_rule_io io;
    memset(&io, 0, sizeof io);
    io.in[0] = io.out[0] = p;
    io.in[1] = g;
    io.scalar[2] = 3;
    io.scalar[3] = 0.01;
    io.scalar[4] = 0.9;
    io.scalar[5] = 1e-8;
    io.in[6] = io.out[6] = v;
    io.in[7] = io.out[7] = m;
    /* the same with the scalars given per element: no uniform shortcut may change a bit */
    float p2[N], v2[N], m2[N], t[N], lr[N], mu[N], eps[N];
    memcpy(p2, p, sizeof p);
    memcpy(v2, v, sizeof v);
    memcpy(m2, m, sizeof m);
    sl_rule_io wide = io;
    for (int i = 0; i < N; i++) t[i] = 3, lr[i] = 0.01f, mu[i] = 0.9f, eps[i] = 1e-8f;
    io.scalar[3] = lr[0], io.scalar[4] = mu[0], io.scalar[5] = eps[0]; /* the float32 values the arrays hold */
    wide.in[0] = wide.out[0] = p2;
    wide.in[6] = wide.out[6] = v2;
    wide.in[7] = wide.out[7] = m2;
    wide.in[2] = t, wide.in[3] = lr, wide.in[4] = mu, wide.in[5] = eps;
    sl_rule_run(&r, &io, N);
    sl_rule_run(&r, &wide, N);
    for (int i = 0; i < N; i++) {
        float a[3] = { p[i], v[i], m[i] }, b[3] = { p2[i], v2[i], m2[i] };
        for (int k = 0; k < 3; k++)
            if (!(a[k] == b[k] || (isnan(a[k]) && isnan(b[k])) || memcmp(&a[k], &b[k], sizeof a[k]) == 0)) abort();
    }
}

static void run_loss(const char *text)
{
    static const char *const NAMES[] = { "x", "y", "delta" };
    sl_rule r;
    if (sl_rule_compile(text, NAMES, 3, 0, -1, &r, "Custom", "expr") != SL_STATUS_OK) return;
    if (!sl_rule_valid(&r, 0)) abort();
    enum { N = 17 };
    float x[N], y[N], g[N] = { 0 };
    double vals[N];
    for (int i = 0; i < N; i++) x[i] = (float)i * 0.7f - 5, y[i] = i == 2 ? NAN : (float)(i % 2);
    sl_rule_io io;
    memset(&io, 0, sizeof io);
    io.in[0] = x;
    io.in[1] = y;
    io.scalar[2] = 1;
    (void)sl_rule_loss(&r, &io, N, g, 1.0 / N, vals);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[SL_RULE_MAX_LEN + 2];
    if (size > SL_RULE_MAX_LEN + 1) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    run_rule(text);
    run_loss(text);
    if (size > SL_FORMULA_MAX_LEN + 1) return 0;
    sl_formula f;
    if (sl_formula_compile(text, &f, "LambdaLR", "lr_lambda") != SL_STATUS_OK) return 0;
    if (!sl_formula_valid(&f)) abort(); /* everything the compiler emits must pass the untrusted-program check */
    static const double epochs[] = { 0, 1, 2, 7, 30, 1e6, -1, 0.5 };
    for (size_t i = 0; i < sizeof epochs / sizeof epochs[0]; i++) (void)sl_formula_eval(&f, epochs[i]);
    return 0;
}
