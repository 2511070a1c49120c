/* The rule language (c/base/rule.h) and the Custom optimizer at the C level,
 * under ASan + UBSan: statements and Python's semantics on vectors of every
 * length around the block size, dual-number derivatives of every op against
 * central differences, the untrusted-program check on compiled and damaged
 * programs, limits, and the Custom optimizer's step, save and restore with
 * forged rule blocks refused. */
#include "steplab.h"
#include "check.h"
#include "optimizers/internal.h" /* to forge saved states */

#include <stdlib.h>

static const char *const OPT_NAMES[] = { "p", "g", "t", "lr", "mu", "v" };
#define ASSIGN (1u | 1u << 5)

static sl_status compile_opt(const char *text, sl_rule *r) { return sl_rule_compile(text, OPT_NAMES, 6, ASSIGN, 0, r, "Custom", "update"); }

static const char *const LOSS_NAMES[] = { "x", "y", "a" };
static sl_status compile_loss(const char *text, sl_rule *r) { return sl_rule_compile(text, LOSS_NAMES, 3, 0, -1, r, "Custom", "expr"); }

/* one loss value at (x, y), a = 0.7, and its derivative in x */
static double loss_at(const sl_rule *r, float x, float y, double *dx)
{
    sl_rule_io io;
    memset(&io, 0, sizeof io);
    io.in[0] = &x;
    io.in[1] = &y;
    io.scalar[2] = 0.7;
    float g = 0;
    double v;
    double s = sl_rule_loss(r, &io, 1, &g, 1, &v);
    if (dx) *dx = g;
    return s;
}

static void test_rules(void)
{
    sl_rule r;
    /* momentum over lengths around the block size: each element as the scalar recurrence */
    CHECK(compile_opt("v = mu * v + g; p = p - lr * v", &r) == SL_STATUS_OK);
    CHECK(sl_rule_valid(&r, ASSIGN));
    CHECK(r.n_stmts == 2);
    for (int n = 1; n <= 40; n += 3) {
        float p[40], g[40], v[40];
        for (int i = 0; i < n; i++) p[i] = (float)i * 0.5f, g[i] = (float)(i % 7) - 3, v[i] = 0.25f;
        sl_rule_io io;
        memset(&io, 0, sizeof io);
        io.in[0] = io.out[0] = p;
        io.in[1] = g;
        io.scalar[2] = 1;
        io.scalar[3] = 0.1;
        io.scalar[4] = 0.9;
        io.in[5] = io.out[5] = v;
        sl_rule_run(&r, &io, n);
        int ok = 1;
        for (int i = 0; i < n; i++) {
            float vv = (float)(0.9 * 0.25 + ((i % 7) - 3)), pp = (float)(i * 0.5 - 0.1 * vv);
            ok &= v[i] == vv && p[i] == pp;
        }
        CHECK(ok);
    }
    /* statements in order, later ones read earlier assignments; new lines separate; t and pow, sign */
    CHECK(compile_opt("v = g * 2\n p = v + t + pow(2, 3) + sign(-g) + sign(0)", &r) == SL_STATUS_OK);
    {
        float p = 0, g = 1.5f, v = 9;
        sl_rule_io io;
        memset(&io, 0, sizeof io);
        io.in[0] = io.out[0] = &p;
        io.in[1] = &g;
        io.scalar[2] = 4;
        io.in[5] = io.out[5] = &v;
        sl_rule_run(&r, &io, 1);
        CHECK(v == 3 && p == 3 + 4 + 8 - 1);
    }
    /* uniform values (constants, t, lr, mu) mixed with columns, a uniform condition picking a computed branch */
    {
        static const char *const RULES[] = { "p = t > 2 ? g * 2 + p : (g - 1) * 3", "p = (t > 2 ? g : 5) + (1 < 2 ? p : g) * (mu ? 2 : 3)",
                                             "v = lr * mu + 1 - t; p = v * (g > 0 ? 1 - t : t + mu) + sqrt(t) * p" };
        for (size_t q = 0; q < sizeof RULES / sizeof RULES[0]; q++)
            for (int tt = 1; tt <= 3; tt += 2) {
                CHECK(compile_opt(RULES[q], &r) == SL_STATUS_OK);
                enum { M = 70 };
                float p[M], g[M], v[M], p1[M], g1[M], v1[M];
                for (int i = 0; i < M; i++) p[i] = p1[i] = (float)i * 0.25f - 3, g[i] = g1[i] = (float)((i * 7) % 11) - 5, v[i] = v1[i] = 2;
                sl_rule_io io;
                memset(&io, 0, sizeof io);
                io.in[0] = io.out[0] = p;
                io.in[1] = g;
                io.scalar[2] = tt;
                io.scalar[3] = 0.5;
                io.scalar[4] = 0.9;
                io.in[5] = io.out[5] = v;
                sl_rule_run(&r, &io, M);
                int ok = 1;
                for (int i = 0; i < M; i++) { /* the same rule one element at a time */
                    io.in[0] = io.out[0] = p1 + i;
                    io.in[1] = g1 + i;
                    io.in[5] = io.out[5] = v1 + i;
                    sl_rule_run(&r, &io, 1);
                    ok &= p[i] == p1[i] && v[i] == v1[i];
                }
                double t = tt, want = q == 0 ? (t > 2 ? g1[5] * 2 + (5 * 0.25 - 3) : (g1[5] - 1) * 3.0) : p1[5];
                CHECK(ok && (float)want == p1[5]);
            }
    }
    /* errors at their columns */
    CHECK_ERR(compile_opt("p = p - lr * (g", &r), SL_STATUS_PARSE, "column 16: expected ')'");
    CHECK_ERR(compile_opt("g = 1; p = p", &r), SL_STATUS_PARSE, "column 1: cannot assign to g");
    CHECK_ERR(compile_opt("p = p; q = 1", &r), SL_STATUS_PARSE, "column 8: cannot assign to 'q'");
    CHECK_ERR(compile_opt("p = epoch", &r), SL_STATUS_PARSE, "unknown name 'epoch'");
    CHECK_ERR(compile_opt("p = pow(g)", &r), SL_STATUS_PARSE, "pow takes two arguments");
    CHECK_ERR(compile_opt("p = pow(g, 2, 3)", &r), SL_STATUS_PARSE, "pow takes two arguments");
    CHECK_ERR(compile_opt("v = 1", &r), SL_STATUS_PARSE, "never assigns p");
    CHECK_ERR(compile_opt("  ", &r), SL_STATUS_PARSE, "is empty");
    CHECK_ERR(compile_opt("p = 1 p = 2", &r), SL_STATUS_PARSE, "column 7: expected ';' or a new line");
    CHECK_ERR(compile_opt("p = ", &r), SL_STATUS_PARSE, "expected an expression after '='");
    CHECK_ERR(compile_opt("3 = p", &r), SL_STATUS_PARSE, "column 1: expected an assignment");
    /* LambdaLR keeps its language: no sign, pow or names */
    sl_formula f;
    CHECK_ERR(sl_formula_compile("sign(epoch)", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "unknown name");
    CHECK(sl_formula_compile("0.5 ^ epoch", &f, "LambdaLR", "lr_lambda") == SL_STATUS_OK && sl_formula_eval(&f, 2) == 0.25);

    /* limits */
    char big[2048];
    memset(big, 0, sizeof big);
    strcpy(big, "p = g");
    for (size_t k = strlen(big); k + 2 < 1100; k += 2) memcpy(big + k, "+g", 2);
    CHECK_ERR(compile_opt(big, &r), SL_STATUS_PARSE, "longer than 1024");
    big[700] = 0;
    CHECK_ERR(compile_opt(big, &r), SL_STATUS_PARSE, "formula is too long");
    memset(big, 0, sizeof big);
    strcpy(big, "p = ");
    for (int k = 0; k < 40; k++) strcat(big, "(");
    strcat(big, "g");
    for (int k = 0; k < 40; k++) strcat(big, ")");
    CHECK_ERR(compile_opt(big, &r), SL_STATUS_PARSE, "nested too deeply");
    /* a deep stack without deep nesting: g + (g + (g ... within the nesting limit is fine; the stack bound holds */
    memset(big, 0, sizeof big);
    strcpy(big, "p = ");
    for (int k = 0; k < 15; k++) strcat(big, "g+(");
    strcat(big, "g");
    for (int k = 0; k < 15; k++) strcat(big, ")");
    CHECK(compile_opt(big, &r) == SL_STATUS_OK && r.max_depth <= SL_RULE_MAX_DEPTH && sl_rule_valid(&r, ASSIGN));
    memset(big, 0, sizeof big);
    for (int k = 0; k < 17; k++) strcat(big, "v = g;");
    strcat(big, "p = v");
    CHECK_ERR(compile_opt(big, &r), SL_STATUS_PARSE, "more than 16 statements");

    /* the untrusted-program check: compiled programs pass, damaged ones fail */
    CHECK(compile_opt("v = mu * v + g; p = p - lr * v", &r) == SL_STATUS_OK);
    sl_rule bad = r;
    CHECK(!sl_rule_valid(&r, 1u)); /* stores to v not allowed */
    bad.op[0] = 200;
    CHECK(!sl_rule_valid(&bad, ASSIGN));
    bad = r;
    bad.k[0] = 17; /* a variable past n_vars */
    CHECK(!sl_rule_valid(&bad, ASSIGN));
    bad = r;
    bad.n_ops--; /* the last store missing */
    CHECK(!sl_rule_valid(&bad, ASSIGN));
    bad = r;
    bad.max_depth = 1000;
    CHECK(!sl_rule_valid(&bad, ASSIGN));
    CHECK(compile_loss("x * y", &r) == SL_STATUS_OK && sl_rule_valid(&r, 0));

    /* names */
    CHECK(sl_rule_name_ok("mu") && sl_rule_name_ok("beta_2") && !sl_rule_name_ok("2b") && !sl_rule_name_ok("exp") && !sl_rule_name_ok("a-b"));
    CHECK(sl_rule_name_problem("__proto__") && sl_rule_name_problem("constructor") && !sl_rule_name_problem("delta"));
}

/* every op's derivative against central differences in double at points away from kinks */
static void test_duals(void)
{
    static const char *const EXPRS[] = {
        "x + y", "x - y", "x * x * y", "y / x", "x ^ 3", "x ** y", "pow(x, 2.5)", "pow(2, x)", "-x", "exp(x)", "log(x)", "sqrt(x)",
        "sin(x)", "cos(x)", "abs(x - 3)", "min(x, y)", "max(x, y, a)", "x > y ? x^2 : 3 * x", "x < 1 ? 0 : sin(x)", "x % 0.7",
        "floor(x) + x", "ceil(x) * x", "sign(x) * x", "(x > 0) * x", "1 < x < 5 ? x * a : 0", "x // 0.3 + x", "e ^ x * pi",
    };
    static const float XS[] = { 1.3f, 2.2f, 0.45f, 4.1f };
    sl_rule r;
    int ok = 1;
    for (size_t i = 0; i < sizeof EXPRS / sizeof EXPRS[0]; i++) {
        if (compile_loss(EXPRS[i], &r)) {
            printf("FAIL compile %s: %s\n", EXPRS[i], sl_error_message());
            ok = 0;
            continue;
        }
        for (size_t k = 0; k < sizeof XS / sizeof XS[0]; k++) {
            double d, h = 1e-3, x = XS[k];
            loss_at(&r, (float)x, 0.8f, &d);
            double up = loss_at(&r, (float)(x + h), 0.8f, NULL), dn = loss_at(&r, (float)(x - h), 0.8f, NULL);
            double fd = (up - dn) / ((double)(float)(x + h) - (double)(float)(x - h));
            if (!(fabs(fd - d) <= 2e-3 * fmax(1, fabs(fd)))) {
                printf("FAIL d/dx %s at %g: dual %.9g, differences %.9g\n", EXPRS[i], x, d, fd);
                ok = 0;
            }
        }
    }
    CHECK(ok);
    /* a derivative factor of 0 stays 0: sqrt(y) at y = 0 and |x|' at 0 */
    double d;
    CHECK(compile_loss("sqrt(y) + x", &r) == SL_STATUS_OK && loss_at(&r, 2, 0, &d) == 2 && d == 1);
    CHECK(compile_loss("abs(x)", &r) == SL_STATUS_OK && loss_at(&r, 0, 0, &d) == 0 && d == 0);
    /* the ternary takes its branch's derivative */
    CHECK(compile_loss("x > 1 ? 5 * x : -2 * x", &r) == SL_STATUS_OK && loss_at(&r, 2, 0, &d) == 10 && d == 5 && loss_at(&r, 0.5f, 0, &d) == -1 &&
          d == -2);
    /* a loss is one expression */
    CHECK_ERR(compile_loss("x = 1", &r), SL_STATUS_PARSE, "a loss is one expression");
    CHECK_ERR(compile_loss("x; y", &r), SL_STATUS_PARSE, "unexpected text after the expression");
}

#define MOMENTUM "{\"type\":\"Custom\",\"hyper\":{\"lr\":0.1,\"mu\":0.9},\"state\":{\"v\":0.5},\"update\":\"v = mu * v + g; p = p - lr * v\"}"

static sl_optimizer *make(const char *json, int n)
{
    sl_optimizer *o = NULL;
    CHECK(sl_optimizer_create(json, (double)strlen(json), n, &o) == SL_STATUS_OK);
    return o;
}

/* saves o, damages byte `at` of its rule block (after fix-ups, with the checksum made valid), restores */
static sl_status forged(sl_optimizer *o, size_t at, unsigned char x)
{
    int size = sl_optimizer_state_size(o);
    unsigned char *buf = malloc((size_t)size);
    sl_optimizer_state_save(o, buf);
    buf[sizeof(sl_optimizer) + at] ^= x;
    sl_optimizer *f = (sl_optimizer *)buf;
    f->checksum = sl_opt_checksum(f);
    sl_optimizer *back = NULL;
    sl_status st = sl_optimizer_restore(buf, size, &back);
    sl_optimizer_free(back);
    free(buf);
    return st;
}

static void test_custom_optimizer(void)
{
    const int n = 21;
    sl_optimizer *o = make(MOMENTUM, n);
    if (!o) return;
    CHECK(!strcmp(sl_optimizer_type(o), "Custom") && sl_optimizer_lr(o) == 0.1);
    float p[21], g[21], ref[21], buf[21];
    for (int i = 0; i < n; i++) p[i] = ref[i] = (float)i / 7, buf[i] = 0.5f;
    for (int k = 0; k < 5; k++) {
        for (int i = 0; i < n; i++) g[i] = (float)sin(k * 3 + i);
        CHECK(sl_optimizer_step(o, p, g, n) == SL_STATUS_OK);
        for (int i = 0; i < n; i++) {
            buf[i] = (float)(0.9 * buf[i] + g[i]);
            ref[i] = (float)(ref[i] - 0.1 * buf[i]);
        }
    }
    CHECK(memcmp(p, ref, sizeof p) == 0);
    CHECK(isnan(sl_optimizer_step_size(o, NAN, 0, n)) && sl_optimizer_moment(o, 0) == NULL);
    /* a round trip continues bit-identically */
    int size = sl_optimizer_state_size(o);
    unsigned char *saved = malloc((size_t)size);
    sl_optimizer_state_save(o, saved);
    sl_optimizer *back = NULL;
    CHECK(sl_optimizer_restore(saved, size, &back) == SL_STATUS_OK);
    if (back) {
        float q[21];
        memcpy(q, p, sizeof p);
        CHECK(sl_optimizer_step(o, p, g, n) == SL_STATUS_OK && sl_optimizer_step(back, q, g, n) == SL_STATUS_OK);
        CHECK(memcmp(p, q, sizeof p) == 0);
        sl_optimizer_free(back);
    }
    free(saved);
    /* forged rule blocks: the counts, the text, a name, a value, the program, padding */
    CHECK(forged(o, 4, 0x7f) != SL_STATUS_OK);  /* n_state */
    CHECK(forged(o, 0, 0x01) != SL_STATUS_OK);  /* n_hyper */
    CHECK_ERR(forged(o, 8 + 4, 'p' ^ 'q'), SL_STATUS_STATE, "Custom: update in the saved state");   /* the text's 'p' */
    CHECK(forged(o, 8 + 1030, 1) != SL_STATUS_OK);   /* padding after the text */
    int blob = sl_custom_floats() * 4;
    CHECK(forged(o, (size_t)blob - 64, 0x10) != SL_STATUS_OK);  /* inside the program */
    sl_optimizer_free(o);

    /* a fresh state must hold the start values */
    o = make(MOMENTUM, 3);
    if (o) {
        CHECK_ERR(forged(o, (size_t)sl_custom_floats() * 4, 0x01), SL_STATUS_STATE, "its start value before the first step");
        sl_optimizer_free(o);
    }
    /* specs refused with the field named */
    sl_optimizer *x = NULL;
    static const struct { const char *json, *text; } BAD[] = {
        { "{\"type\":\"Custom\",\"update\":\"p = q\"}", "Custom: update does not parse at column 5: unknown name 'q'" },
        { "{\"type\":\"Custom\",\"state\":{\"__proto__\":0}}", "Custom: state.__proto__ is reserved" },
        { "{\"type\":\"Custom\",\"hyper\":{\"mu\":1,\"mu\":2}}", "twice" },
        { "{\"type\":\"Custom\",\"hyper\":{\"g\":1}}", "Custom: hyper.g is the rule's own" },
        { "{\"type\":\"Custom\",\"hyper\":{\"lr\":-1}}", "Custom: hyper.lr must be a number >= 0" },
        { "{\"type\":\"Custom\",\"hyper\":3}", "Custom: hyper must be an object" },
        { "{\"type\":\"Custom\",\"update\":7}", "Custom: update must be a string" },
        { "{\"type\":\"Custom\",\"param_groups\":[{\"update\":\"p = g\"}]}", "cannot differ per group" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        sl_status st = sl_optimizer_create(BAD[i].json, (double)strlen(BAD[i].json), 4, &x);
        if (st == SL_STATUS_OK || !strstr(sl_error_message(), BAD[i].text)) {
            printf("FAIL %s: %s\n", BAD[i].json, sl_error_message());
            sl_checks_failed++;
        } else {
            sl_checks_passed++;
        }
        sl_optimizer_free(x);
        x = NULL;
    }
    /* param groups: each group's lr */
    const char *groups = "{\"type\":\"Custom\",\"hyper\":{\"lr\":0.5},\"param_groups\":[{},{\"lr\":0.25}]}";
    double sizes[2] = { 2, 3 };
    CHECK(sl_optimizer_create_groups(groups, (double)strlen(groups), sizes, 2, &x) == SL_STATUS_OK);
    if (x) {
        float q[5] = { 0 }, ones[5] = { 1, 1, 1, 1, 1 };
        CHECK(sl_optimizer_step(x, q, ones, 5) == SL_STATUS_OK && q[0] == -0.5f && q[4] == -0.25f);
        sl_optimizer_free(x);
    }
}

static void test_custom_loss(void)
{
    const char *spec = "{\"type\":\"Custom\",\"hyper\":{\"delta\":1},\"reduction\":\"sum\",\"expr\":\"abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta)\"}";
    const char *huber = "{\"type\":\"HuberLoss\",\"reduction\":\"sum\"}";
    sl_loss *a = NULL, *b = NULL;
    CHECK(sl_loss_create(spec, (double)strlen(spec), &a) == SL_STATUS_OK && sl_loss_create(huber, (double)strlen(huber), &b) == SL_STATUS_OK);
    if (a && b) {
        float x[37], y[37], ga[37], gb[37];
        for (int i = 0; i < 37; i++) x[i] = (float)sin(i) * 3, y[i] = (float)cos(i * 2);
        double va, vb;
        CHECK(sl_loss_eval(a, x, NULL, NULL, y, 37, 1, 37, ga, NULL, NULL, &va) == SL_STATUS_OK);
        CHECK(sl_loss_eval(b, x, NULL, NULL, y, 37, 1, 37, gb, NULL, NULL, &vb) == SL_STATUS_OK);
        CHECK_NEAR(va, vb, 1e-7);
        int ok = 1;
        for (int i = 0; i < 37; i++) ok &= fabs(ga[i] - gb[i]) <= 1e-6 * fabs(gb[i]) + 1e-12;
        CHECK(ok);
        CHECK(!strcmp(sl_loss_type(a), "Custom") && (sl_loss_tasks(a) & SL_FIT_REGRESSION) && (sl_loss_tasks(a) & SL_FIT_BINARY));
    }
    sl_loss_free(a);
    sl_loss_free(b);
    /* two Custom terms in one WeightedSum, each with its own block */
    const char *sum = "{\"type\":\"WeightedSum\",\"terms\":[{\"weight\":1,\"loss\":{\"type\":\"Custom\",\"expr\":\"x\"}},"
                      "{\"weight\":2,\"loss\":{\"type\":\"Custom\",\"hyper\":{\"k\":3},\"expr\":\"k * x * x\"}}]}";
    CHECK(sl_loss_create(sum, (double)strlen(sum), &a) == SL_STATUS_OK);
    if (a) {
        float x[2] = { 1, 2 }, y[2] = { 0, 0 }, g[2];
        double v;
        CHECK(sl_loss_eval(a, x, NULL, NULL, y, 2, 1, 2, g, NULL, NULL, &v) == SL_STATUS_OK);
        CHECK_NEAR(v, 1.5 + 2 * 3 * 2.5, 1e-12);
        CHECK_NEAR(g[1], 0.5 + 2 * 3 * 2 * 2 / 2.0, 1e-6);
        sl_loss_free(a);
    }
    const char *nan = "{\"type\":\"Custom\",\"expr\":\"sqrt(x)\"}";
    CHECK(sl_loss_create(nan, (double)strlen(nan), &a) == SL_STATUS_OK);
    if (a) {
        float x[3] = { 1, 4, -1 }, y[3] = { 0 }, g[3];
        double v;
        CHECK_ERR(sl_loss_eval(a, x, NULL, NULL, y, 3, 1, 3, g, NULL, NULL, &v), SL_STATUS_RANGE, "Custom: expr is NaN at element 2 (x = -1, y = 0)");
        sl_loss_free(a);
    }
}

void test_custom(void)
{
    test_rules();
    test_duals();
    test_custom_optimizer();
    test_custom_loss();
}
