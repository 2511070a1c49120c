/* The MLP at the C level: kernels against double loops (the SIMD path in the
 * SIMD build, the scalar tails in the scalar build), activations against their
 * formulas, finite-difference gradient checks of the backward pass for every
 * activation with a double-precision reference model, initialisation, errors. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

static float frand(sl_rng *r) { return (float)sl_rng_range(r, -1, 1); }

/* worst of |got - want| / (sum of |terms| + tiny): rounding is relative to the terms' size */
static void test_kernels(void)
{
    sl_rng r;
    sl_rng_seed(&r, 11, 3);
    static const int Ms[] = { 1, 3, 8 }, Ns[] = { 1, 2, 5, 16, 33 }, Ks[] = { 1, 2, 3, 4, 5, 8, 17, 64, 130 };
    float A[8 * 130], B[33 * 130], C[33 * 130], bias[33], G[8 * 33];
    double worst = 0;
    int shapes = 0;
    for (size_t mi = 0; mi < 3; mi++)
        for (size_t ni = 0; ni < 5; ni++)
            for (size_t ki = 0; ki < 9; ki++) {
                int M = Ms[mi], N = Ns[ni], K = Ks[ki];
                for (int i = 0; i < M * K; i++) A[i] = frand(&r);
                for (int i = 0; i < N * K; i++) B[i] = frand(&r);
                for (int i = 0; i < N; i++) bias[i] = frand(&r);
                for (int i = 0; i < M * N; i++) G[i] = frand(&r);
                /* forward: C = A B^T + bias */
                sl_gemm_nt(C, A, B, bias, M, N, K);
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double s = bias[j], t = fabs(bias[j]);
                        for (int k = 0; k < K; k++) s += (double)A[i * K + k] * B[j * K + k], t += fabs((double)A[i * K + k] * B[j * K + k]);
                        worst = fmax(worst, fabs(C[i * N + j] - s) / (t + 1e-30));
                    }
                /* dW: C (N x K) = init + G^T A */
                for (int i = 0; i < N * K; i++) C[i] = 0.5f;
                sl_gemm_tn_acc(C, G, A, M, N, K);
                for (int j = 0; j < N; j++)
                    for (int k = 0; k < K; k++) {
                        double s = 0.5, t = 0.5;
                        for (int i = 0; i < M; i++) s += (double)G[i * N + j] * A[i * K + k], t += fabs((double)G[i * N + j] * A[i * K + k]);
                        worst = fmax(worst, fabs(C[j * K + k] - s) / t);
                    }
                /* dX: C (M x K) = G B */
                sl_gemm_nn(C, G, B, M, N, K);
                for (int i = 0; i < M; i++)
                    for (int k = 0; k < K; k++) {
                        double s = 0, t = 1e-30;
                        for (int j = 0; j < N; j++) s += (double)G[i * N + j] * B[j * K + k], t += fabs((double)G[i * N + j] * B[j * K + k]);
                        worst = fmax(worst, fabs(C[i * K + k] - s) / t);
                    }
                /* db: column sums */
                for (int j = 0; j < N; j++) bias[j] = 1;
                sl_colsum_acc(bias, G, M, N);
                for (int j = 0; j < N; j++) {
                    double s = 1, t = 1;
                    for (int i = 0; i < M; i++) s += G[i * N + j], t += fabs(G[i * N + j]);
                    worst = fmax(worst, fabs(bias[j] - s) / t);
                }
                shapes++;
            }
    CHECK(shapes == 135);
    CHECK(worst < 2e-6);
    if (worst >= 2e-6) printf("kernel worst relative error %g\n", worst);
}

static double act_d(int act, double z)
{
    switch (act) {
    case SL_ACT_RELU: return z > 0 ? z : 0;
    case SL_ACT_LEAKY_RELU: return z > 0 ? z : 0.01 * z;
    case SL_ACT_TANH: return tanh(z);
    case SL_ACT_SIGMOID: return 1 / (1 + exp(-z));
    case SL_ACT_GELU: return 0.5 * z * (1 + erf(z / sqrt(2.0)));
    default: return z;
    }
}

static double act_grad_d(int act, double z)
{
    switch (act) {
    case SL_ACT_RELU: return z > 0;
    case SL_ACT_LEAKY_RELU: return z > 0 ? 1 : 0.01;
    case SL_ACT_TANH: return 1 - tanh(z) * tanh(z);
    case SL_ACT_SIGMOID: return act_d(act, z) * (1 - act_d(act, z));
    case SL_ACT_GELU: return 0.5 * (1 + erf(z / sqrt(2.0))) + z * exp(-z * z / 2) / sqrt(2 * SL_PI);
    default: return 1;
    }
}

static void test_activations(void)
{
    float z[37], a[37], da[37], dz[37];
    for (int i = 0; i < 37; i++) z[i] = (i - 18) / 4.0f, da[i] = 1 + i / 37.0f;
    for (int act = 0; act < SL_ACT_COUNT; act++) {
        sl_act_forward(act, a, z, 37);
        sl_act_backward(act, dz, da, z, a, 37);
        /* float32 rounding: within 1e-6 + 1e-5 |value| (1 - tanh^2 loses digits in the tails, as in PyTorch) */
        double worst = 0;
        for (int i = 0; i < 37; i++) {
            double f = act_d(act, z[i]), g = da[i] * act_grad_d(act, z[i]);
            worst = fmax(worst, fabs(a[i] - f) / (1e-1 + fabs(f)));
            worst = fmax(worst, fabs(dz[i] - g) / (1e-1 + fabs(g)));
        }
        CHECK(worst < 1e-5);
        if (worst >= 1e-5) printf("activation %d worst %g\n", act, worst);
    }
    /* tanh is computed from exp (kernels.c): within 3 ulp of tanh on a dense grid, exact at 0, +-1
     * beyond 10 and at the infinities, NaN kept */
    enum { G = 120000 };
    static float tz[G], ta[G];
    for (int i = 0; i < G; i++) tz[i] = -12 + 24.0f * i / G;
    sl_act_forward(SL_ACT_TANH, ta, tz, G);
    int ulp = 0;
    for (int i = 0; i < G; i++) {
        float want = (float)tanh(tz[i]);
        int32_t x, y;
        memcpy(&x, &ta[i], 4);
        memcpy(&y, &want, 4);
        int d = (x < 0) != (y < 0) ? (ta[i] == want ? 0 : 1 << 30) : abs(x - y);
        ulp = d > ulp ? d : ulp;
    }
    CHECK(ulp <= 3);
    float special[] = { 0.0f, -0.0f, 1e-40f, 10.5f, -30, INFINITY, -INFINITY, NAN }, sa[8];
    sl_act_forward(SL_ACT_TANH, sa, special, 8);
    CHECK(sa[0] == 0 && !signbit(sa[0]) && sa[1] == 0 && signbit(sa[1]) && sa[2] == 1e-40f);
    CHECK(sa[3] == 1 && sa[4] == -1 && sa[5] == 1 && sa[6] == -1 && isnan(sa[7]));
    /* PyTorch's conventions at 0: relu'(0) = 0, leaky_relu'(0) = negative_slope */
    float zero = 0, one = 1, out;
    sl_act_backward(SL_ACT_RELU, &out, &one, &zero, &zero, 1);
    CHECK(out == 0);
    sl_act_backward(SL_ACT_LEAKY_RELU, &out, &one, &zero, &zero, 1);
    CHECK(out == 0.01f);
}

/* Double-precision reference: out = MLP(X) with the parameters in p (the core's layout). */
static void ref_forward(const sl_mlp *m, const double *p, const float *X, int batch, double *out)
{
    double cur[8 * 64], nxt[8 * 64];
    int w = m->sizes[0];
    for (int i = 0; i < batch * w; i++) cur[i] = X[i];
    for (int l = 0; l < m->n_layers; l++) {
        int in = m->sizes[l], o = m->sizes[l + 1];
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < o; j++) {
                double s = p[m->b_off[l] + j];
                for (int k = 0; k < in; k++) s += cur[i * in + k] * p[m->w_off[l] + j * in + k];
                nxt[i * o + j] = l + 1 < m->n_layers ? act_d(m->activation, s) : s;
            }
        memcpy(cur, nxt, sizeof(double) * (size_t)(batch * o));
    }
    memcpy(out, cur, sizeof(double) * (size_t)(batch * m->sizes[m->n_layers]));
}

static void test_gradients(void)
{
    const int sizes[] = { 3, 7, 5, 2 }, batch = 6;
    for (int act = 0; act < SL_ACT_COUNT; act++) {
        sl_mlp *m = NULL;
        sl_mlp_work *w = NULL;
        CHECK(sl_mlp_create(sizes, 4, act, &m) == SL_STATUS_OK);
        if (!m) continue;
        sl_mlp_init(m, SL_INIT_PYTORCH, (uint64_t)act + 1);
        CHECK(sl_mlp_work_create(m, 8, &w) == SL_STATUS_OK);
        sl_rng r;
        sl_rng_seed(&r, 99, (uint64_t)act);
        float X[6 * 3], dOut[6 * 2];
        for (int i = 0; i < 18; i++) X[i] = 2 * frand(&r);
        for (int i = 0; i < 12; i++) dOut[i] = frand(&r);
        const float *out = sl_mlp_forward(m, w, X, batch);
        int n = sl_mlp_n_params(m);
        CHECK(n == 3 * 7 + 7 + 7 * 5 + 5 + 5 * 2 + 2);
        double *p = malloc(sizeof(double) * (size_t)n), ref[12], plus[12], minus[12];
        for (int i = 0; i < n; i++) p[i] = sl_mlp_params(m)[i];
        ref_forward(m, p, X, batch, ref);
        double fw = 0;
        for (int i = 0; i < 12; i++) fw = fmax(fw, fabs(out[i] - ref[i]) / fmax(fabs(ref[i]), 1e-2));
        CHECK(fw < 1e-5);
        sl_mlp_backward(m, w, X, dOut);
        const float *g = sl_mlp_grads(m);
        double worst = 0, h = 1e-6;
        for (int i = 0; i < n; i++) {
            double keep = p[i];
            p[i] = keep + h;
            ref_forward(m, p, X, batch, plus);
            p[i] = keep - h;
            ref_forward(m, p, X, batch, minus);
            p[i] = keep;
            double fd = 0;
            for (int k = 0; k < 12; k++) fd += dOut[k] * (plus[k] - minus[k]) / (2 * h);
            worst = fmax(worst, fabs(g[i] - fd) / fmax(fabs(fd), 1e-2));
        }
        CHECK(worst < 1e-4);
        if (worst >= 1e-4 || fw >= 1e-5) printf("activation %d: forward %g, gradient worst %g\n", act, fw, worst);
        /* backward overwrites: a second call gives the same gradients */
        float g0 = g[0];
        sl_mlp_backward(m, w, X, dOut);
        CHECK(sl_mlp_grads(m)[0] == g0);
        /* a smaller batch through the same workspace; one too many rows is refused */
        CHECK(sl_mlp_forward(m, w, X, 1) != NULL);
        CHECK(sl_mlp_forward(m, w, X, 9) == NULL && sl_mlp_forward(m, w, X, 0) == NULL);
        free(p);
        sl_mlp_work_free(w);
        sl_mlp_free(m);
    }
}

static void test_init(void)
{
    const int sizes[] = { 200, 300, 10 };
    sl_mlp *a = NULL, *b = NULL;
    CHECK(sl_mlp_create(sizes, 3, SL_ACT_RELU, &a) == SL_STATUS_OK && sl_mlp_create(sizes, 3, SL_ACT_RELU, &b) == SL_STATUS_OK);
    if (!a || !b) return;
    double bound[SL_INIT_COUNT] = { sqrt(6.0 / 500), sqrt(6.0 / 200), 1 / sqrt(200.0) };
    for (int init = 0; init < SL_INIT_COUNT; init++) {
        sl_mlp_init(a, init, 5);
        sl_mlp_init(b, init, 5);
        CHECK(memcmp(sl_mlp_params(a), sl_mlp_params(b), sizeof(float) * (size_t)a->n_params) == 0);
        const float *W = sl_mlp_params(a) + a->w_off[0], *bias = sl_mlp_params(a) + a->b_off[0];
        double mx = 0, ss = 0, bs = 0;
        for (int i = 0; i < 60000; i++) mx = fmax(mx, fabs(W[i])), ss += (double)W[i] * W[i];
        for (int i = 0; i < 300; i++) bs += fabs(bias[i]);
        CHECK(mx <= bound[init] && mx > 0.99 * bound[init]);
        CHECK_NEAR(ss / 60000, bound[init] * bound[init] / 3, 0.02); /* U(-a, a) has variance a^2 / 3 */
        CHECK(init == SL_INIT_PYTORCH ? bs > 0 : bs == 0);
    }
    sl_mlp_init(b, SL_INIT_XAVIER, 6);
    sl_mlp_init(a, SL_INIT_XAVIER, 5);
    CHECK(memcmp(sl_mlp_params(a), sl_mlp_params(b), 64) != 0);
    sl_mlp_free(a);
    sl_mlp_free(b);
}

static void test_errors(void)
{
    sl_mlp *m = NULL;
    sl_mlp_work *w = NULL;
    const int zero[] = { 2, 0, 1 }, wide[] = { 2, 5000 };
    CHECK_ERR(sl_mlp_create(zero, 3, SL_ACT_TANH, &m), SL_STATUS_INVALID, "MLP: sizes [1] must be an integer in [1, 4096], got 0");
    CHECK_ERR(sl_mlp_create(wide, 2, SL_ACT_TANH, &m), SL_STATUS_INVALID, "sizes [1] must be an integer in [1, 4096], got 5000");
    CHECK_ERR(sl_mlp_create(wide, 1, SL_ACT_TANH, &m), SL_STATUS_INVALID, "MLP: sizes must have 2 to 17 numbers, got 1");
    CHECK_ERR(sl_mlp_create(zero, 1, 9, &m), SL_STATUS_INVALID, "sizes");
#define SPEC(s) sl_mlp_create_spec(s, (int)strlen(s), &m)
    CHECK_ERR(SPEC("{\"sizes\":[2,1.5,1]}"), SL_STATUS_INVALID, "MLP: sizes [1] must be an integer in [1, 4096], got 1.5");
    CHECK_ERR(SPEC("{\"sizes\":[2,1],\"activation\":\"swish\"}"), SL_STATUS_INVALID,
              "MLP: activation must be one of 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'linear', got 'swish'");
    CHECK_ERR(SPEC("{\"sizes\":[2,1],\"init\":\"orthogonal\"}"), SL_STATUS_INVALID, "MLP: init must be one of 'xavier', 'he', 'pytorch'");
    CHECK_ERR(SPEC("{\"activation\":\"tanh\"}"), SL_STATUS_INVALID, "MLP: sizes is required");
    CHECK_ERR(SPEC("{\"sizes\":[4096,4096,4096]}"), SL_STATUS_NOMEM, "MLP: sizes give 33562624 parameters, more than the limit");
    CHECK(m == NULL);
    CHECK(SPEC("{\"sizes\":[2,16,16,1],\"activation\":\"tanh\",\"seed\":3}") == SL_STATUS_OK && m);
#undef SPEC
    if (!m) return;
    CHECK(m->n_layers == 3 && m->n_params == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1);
    CHECK(m->w_off[1] == 48 && m->b_off[1] == 48 + 256);
    CHECK_ERR(sl_mlp_work_create(m, 0, &w), SL_STATUS_INVALID, "MLP: batch must be an integer in [1, 65536], got 0");
    CHECK(sl_mlp_work_create(m, 256, &w) == SL_STATUS_OK && w);
    sl_mlp_work_free(w);
    sl_mlp_free(m);
    /* a workspace beyond the limit is refused before anything is allocated */
    const int big[] = { 64, 4096 };
    w = NULL;
    CHECK(sl_mlp_create(big, 2, SL_ACT_RELU, &m) == SL_STATUS_OK);
    if (m) {
        CHECK_ERR(sl_mlp_work_create(m, 65536, &w), SL_STATUS_NOMEM, "MLP: batch of 65536 rows needs 805306368 floats of workspace");
        CHECK(w == NULL);
        sl_mlp_free(m);
    }
}

static void test_state(void)
{
    sl_mlp *m = NULL, *r = NULL;
    sl_mlp_work *w = NULL;
    const char *spec = "{\"sizes\":[3,5,2],\"activation\":\"gelu\",\"init\":\"pytorch\",\"seed\":8}";
    CHECK(sl_mlp_create_spec(spec, (int)strlen(spec), &m) == SL_STATUS_OK);
    if (!m || sl_mlp_work_create(m, 2, &w)) return;
    float X[6] = { 1, 2, 3, -1, 0.5f, 0 }, d[4] = { 1, -1, 0.5f, 2 };
    sl_mlp_forward(m, w, X, 2);
    sl_mlp_backward(m, w, X, d);
    int size = sl_mlp_state_size(m);
    CHECK(size == (int)m->size);
    unsigned char *buf = malloc((size_t)size + 1);
    sl_mlp_state_save(m, buf);
    CHECK(sl_mlp_restore(buf, size, &r) == SL_STATUS_OK && r);
    if (r) {
        CHECK(memcmp(r, m, (size_t)size) == 0); /* parameters and gradients, bit for bit */
        float a[4], b[4];
        memcpy(a, sl_mlp_forward(m, w, X, 2), sizeof a);
        memcpy(b, sl_mlp_forward(r, w, X, 2), sizeof b);
        CHECK(memcmp(a, b, sizeof a) == 0);
        sl_mlp_free(r);
        r = NULL;
    }
    /* damaged states are refused before use */
    CHECK_ERR(sl_mlp_restore(buf, size - 1, &r), SL_STATUS_STATE, "MLP: state is");
    CHECK_ERR(sl_mlp_restore(buf, 10, &r), SL_STATUS_STATE, "MLP: state is truncated: 10 bytes");
    buf[size - 5] ^= 1;
    CHECK_ERR(sl_mlp_restore(buf, size, &r), SL_STATUS_STATE, "MLP: state is damaged (checksum mismatch)");
    buf[size - 5] ^= 1;
    sl_mlp *h = (sl_mlp *)(void *)buf;
    h->sizes[1] = 6; /* a consistent checksum cannot hide an inconsistent layout */
    h->checksum = 0;
    CHECK_ERR(sl_mlp_restore(buf, size, &r), SL_STATUS_STATE, "MLP: state is damaged (its layout is inconsistent)");
    h->sizes[1] = 5;
    h->activation = 77;
    CHECK_ERR(sl_mlp_restore(buf, size, &r), SL_STATUS_STATE, "its layout is inconsistent");
    h->activation = SL_ACT_GELU;
    h->magic = 1;
    CHECK_ERR(sl_mlp_restore(buf, size, &r), SL_STATUS_STATE, "MLP: state is not a saved model");
    h->magic = m->magic;
    h->version = 9;
    CHECK_ERR(sl_mlp_restore(buf, size, &r), SL_STATUS_STATE, "MLP: state has version 9");
    CHECK(r == NULL);
    sl_mlp_state_save(m, buf);
    CHECK(sl_mlp_restore(buf, size, &r) == SL_STATUS_OK && r);
    sl_mlp_free(r);
    free(buf);
    sl_mlp_work_free(w);
    sl_mlp_free(m);
}

/* The same kernels built with SL_SCALAR=1 (test_model_scalar.c). */
void scalar_gemm_nt(float *C, const float *A, const float *B, const float *bias, int M, int N, int K);
void scalar_gemm_tn_acc(float *C, const float *A, const float *B, int M, int N, int K);
void scalar_gemm_nn(float *C, const float *A, const float *B, int M, int N, int K);
void scalar_colsum_acc(float *out, const float *A, int M, int N);
void scalar_act_forward(int act, float *a, const float *z, int n);
void scalar_act_backward(int act, float *dz, const float *da, const float *z, const float *a, int n);

/* SIMD kernels against their scalar tails in one binary: every kernel gives the scalar
 * build's bits for every shape (the scalar code sums in the lanes' order): the 8-wide
 * tiles, the narrow paths for the columns and rows they leave (an output layer's one
 * column, a first layer's two inputs), and the corners between them. */
static void test_kernel_shapes_same_bits(void)
{
    static const int Ms[] = { 1, 4, 5, 7, 32 }, Ns[] = { 1, 2, 3, 4, 5, 8, 10, 16, 19 }, Ks[] = { 1, 2, 3, 4, 5, 8, 16, 37 };
    enum { MM = 32, NN = 19, KK = 37 };
    static float A[MM * KK], B[NN * KK], G[MM * NN], bias[NN], c1[MM * KK + NN * KK], c2[MM * KK + NN * KK], s1[NN], s2[NN];
    sl_rng r;
    sl_rng_seed(&r, 31, 7);
    int shapes = 0, differ = 0;
    for (size_t mi = 0; mi < sizeof Ms / sizeof *Ms; mi++)
        for (size_t ni = 0; ni < sizeof Ns / sizeof *Ns; ni++)
            for (size_t ki = 0; ki < sizeof Ks / sizeof *Ks; ki++) {
                int M = Ms[mi], N = Ns[ni], K = Ks[ki], d = 0;
                for (int i = 0; i < M * K; i++) A[i] = (float)sl_rng_range(&r, -2, 2);
                for (int i = 0; i < N * K; i++) B[i] = (float)sl_rng_range(&r, -1, 1);
                for (int i = 0; i < M * N; i++) G[i] = i % 7 == 3 ? 0.0f : (float)sl_rng_range(&r, -1, 1); /* ReLU's zeros too */
                for (int i = 0; i < N; i++) bias[i] = (float)sl_rng_range(&r, -1, 1);
                sl_gemm_nt(c1, A, B, bias, M, N, K);
                scalar_gemm_nt(c2, A, B, bias, M, N, K);
                d |= memcmp(c1, c2, sizeof(float) * M * N);
                sl_gemm_nt(c1, A, B, NULL, M, N, K);
                scalar_gemm_nt(c2, A, B, NULL, M, N, K);
                d |= memcmp(c1, c2, sizeof(float) * M * N);
                for (int i = 0; i < N * K; i++) c1[i] = c2[i] = (float)(i % 5) * 0.125f;
                sl_gemm_tn_acc(c1, G, A, M, N, K);
                scalar_gemm_tn_acc(c2, G, A, M, N, K);
                d |= memcmp(c1, c2, sizeof(float) * N * K);
                sl_gemm_nn(c1, G, B, M, N, K);
                scalar_gemm_nn(c2, G, B, M, N, K);
                d |= memcmp(c1, c2, sizeof(float) * M * K);
                memcpy(s1, bias, sizeof(float) * N);
                memcpy(s2, bias, sizeof(float) * N);
                sl_colsum_acc(s1, G, M, N);
                scalar_colsum_acc(s2, G, M, N);
                d |= memcmp(s1, s2, sizeof(float) * N);
                if (d && differ++ < 3) printf("kernels differ from the scalar build at M %d N %d K %d\n", M, N, K);
                shapes++;
            }
    CHECK(shapes == 360);
    CHECK(differ == 0);
}

/* SIMD activations against their scalar tails in one binary: identical values and
 * derivatives, SIMD lanes or not. */
static void test_activations_simd_vs_scalar(void)
{
    sl_rng r;
    sl_rng_seed(&r, 21, 5);
    enum { M = 7, K = 37 };
    float A[M * K], B[M * K];
    for (int i = 0; i < M * K; i++) A[i] = (float)sl_rng_range(&r, -2, 2);
    for (int i = 0; i < M * K; i++) B[i] = (float)sl_rng_range(&r, -1, 1);
    float z[M * K], a1[M * K], a2[M * K], d1[M * K], d2[M * K];
    for (int i = 0; i < M * K; i++) z[i] = A[i] * 2;
    z[3] = 0;
    /* tanh's branch edges and its clamp: both sides of |z| = 0.3, 9 and 10, huge and infinite values, -0 */
    static const float edge[] = { 0.3f, -0.3f, 0.29999998f, 0.30000001f, 9.0f, -10.0f, 10.000001f, 30.0f, -1e30f, INFINITY, -INFINITY, -0.0f };
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) z[10 + i] = edge[i];
    for (int act = 0; act < SL_ACT_COUNT; act++) {
        sl_act_forward(act, a1, z, M * K);
        scalar_act_forward(act, a2, z, M * K);
        sl_act_backward(act, d1, B, z, a1, M * K);
        scalar_act_backward(act, d2, B, z, a2, M * K);
        CHECK(memcmp(a1, a2, sizeof a1) == 0 && memcmp(d1, d2, sizeof d1) == 0);
    }
}

void test_model(void)
{
    test_activations_simd_vs_scalar();
    test_kernel_shapes_same_bits();
    test_state();
    test_kernels();
    test_activations();
    test_gradients();
    test_init();
    test_errors();
}
