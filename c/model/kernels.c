/* Dense kernels and activations; see kernels.h. Summation order is fixed
 * (sl_gemm_nt: k = 0, 1, ... for every element, in every build; the others:
 * vector lanes, then the tail), so results are identical run to run and
 * between wasm and native SIMD builds. */
#include "kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../base/simd.h"

/* The scalar tails stay plain loops: clang's own vectorizing and unrolling of
 * them would only add code (the tail is under 4 elements in SIMD builds). */
#if defined(__clang__)
#define TAIL _Pragma("clang loop vectorize(disable) unroll(disable)")
#define VEC _Pragma("clang loop unroll(disable)")
#else
#define TAIL
#define VEC
#endif

/* y (n) += alpha * x (n) */
static void axpy(float *y, float alpha, const float *x, int n)
{
    int k = 0;
#if SL_SIMD
    simde_v128_t va = simde_wasm_f32x4_splat(alpha);
    VEC for (; k + 4 <= n; k += 4)
        simde_wasm_v128_store(y + k, simde_wasm_f32x4_add(simde_wasm_v128_load(y + k),
                                                          simde_wasm_f32x4_mul(va, simde_wasm_v128_load(x + k))));
#endif
    TAIL for (; k < n; k++) y[k] += alpha * x[k];
}

/* Rows are taken in blocks of ROWS so that each row of B, once in cache, serves
 * the whole block; the result of every element does not depend on the blocking. */
#define ROWS 8

/* sl_gemm_nt sums every element of C in the order k = 0, 1, ..., K-1 and then
 * adds the bias, in the SIMD and scalar builds alike, so both give the same
 * bits. The SIMD path computes 4 x 8 tiles of C in registers (8 accumulators:
 * 4 rows of A times two vectors of columns) from a panel of B transposed to
 * PANEL_K x 8, packed on the stack; rows and columns left over take the plain loop. */
#define PANEL_K 128
#define ROW_BLOCK_FLOATS (64L * 1024) /* 256 KB of A's rows per block: in a core's L2 beside B's panels */

/* C[i][j] for i in [i0, i1), j in [j0, j1), the plain loop */
static void gemm_nt_plain(float *C, const float *A, const float *B, const float *bias, int i0, int i1, int j0, int j1,
                          int N, int K)
{
    for (int i = i0; i < i1; i++) {
        const float *a = A + (long)i * K;
        for (int j = j0; j < j1; j++) {
            const float *b = B + (long)j * K;
            float s = 0;
            TAIL for (int k = 0; k < K; k++) s += a[k] * b[k];
            C[(long)i * N + j] = bias ? s + bias[j] : s;
        }
    }
}

#if SL_SIMD
/* the 4 floats x[0], x[ld], x[2 ld], x[3 ld] as one vector, and back */
static simde_v128_t load_lanes(const float *x, long ld) { return simde_wasm_f32x4_make(x[0], x[ld], x[2 * ld], x[3 * ld]); }
static void store_lanes(float *x, long ld, simde_v128_t v)
{
    x[0] = simde_wasm_f32x4_extract_lane(v, 0);
    x[ld] = simde_wasm_f32x4_extract_lane(v, 1);
    x[2 * ld] = simde_wasm_f32x4_extract_lane(v, 2);
    x[3 * ld] = simde_wasm_f32x4_extract_lane(v, 3);
}

/* col[c] = A[r][c] for r, c < 4: the 4 x 4 block of A at a (rows ld apart), transposed */
static void transpose4(simde_v128_t col[4], const float *a, long ld)
{
    simde_v128_t r0 = simde_wasm_v128_load(a), r1 = simde_wasm_v128_load(a + ld);
    simde_v128_t r2 = simde_wasm_v128_load(a + 2 * ld), r3 = simde_wasm_v128_load(a + 3 * ld);
    simde_v128_t t0 = simde_wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = simde_wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
    simde_v128_t t2 = simde_wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = simde_wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
    col[0] = simde_wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);
    col[1] = simde_wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);
    col[2] = simde_wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);
    col[3] = simde_wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);
}

/* C[i][j] for i in [0, M4), j in [j0, N) (fewer columns than a tile: an output layer): the lanes
 * are 4 rows of C, each summing k = 0, 1, ... over A's columns (4 x 4 blocks of A transposed), then
 * the bias, as the plain loop does, so the same bits. */
static void gemm_nt_cols(float *C, const float *A, const float *B, const float *bias, int M4, int j0, int N, int K)
{
    int K4 = K - K % 4;
    for (int i0 = 0; i0 < M4; i0 += 4) {
        const float *a = A + (long)i0 * K;
        for (int j = j0; j < N; j++) {
            const float *b = B + (long)j * K;
            simde_v128_t acc = simde_wasm_f32x4_splat(0), col[4];
            for (int k = 0; k < K4; k += 4) {
                transpose4(col, a + k, K);
                for (int c = 0; c < 4; c++) acc = simde_wasm_f32x4_add(acc, simde_wasm_f32x4_mul(col[c], simde_wasm_f32x4_splat(b[k + c])));
            }
            for (int k = K4; k < K; k++) {
                acc = simde_wasm_f32x4_add(acc, simde_wasm_f32x4_mul(load_lanes(a + k, K), simde_wasm_f32x4_splat(b[k])));
            }
            if (bias) acc = simde_wasm_f32x4_add(acc, simde_wasm_f32x4_splat(bias[j]));
            store_lanes(C + (long)i0 * N + j, N, acc);
        }
    }
}
#endif

void sl_gemm_nt(float *C, const float *A, const float *B, const float *bias, int M, int N, int K)
{
    int M4 = 0, N8 = 0;
#if SL_SIMD
    if (K > 0) {
        M4 = M - M % 4;
        N8 = N - N % 8;
    }
    float panel[PANEL_K * 8];
    /* Rows in blocks of about ROW_BLOCK_FLOATS of A, each block through every column: a block stays in
     * cache while the panels pass over it (an evaluation's 8192 x 784 input was read once per 8 columns);
     * each element's sum is still k = 0, 1, ... (the panels in order), so the bits do not depend on it. */
    int rb = K > 0 && (long)M4 * K > ROW_BLOCK_FLOATS ? (int)(ROW_BLOCK_FLOATS / K) & ~3 : M4;
    if (rb < 4) rb = 4;
    for (int ib = 0; ib < M4; ib += rb) {
    int ie = M4 - ib < rb ? M4 : ib + rb;
    for (int j0 = 0; j0 < N8; j0 += 8) {
        for (int k0 = 0; k0 < K; k0 += PANEL_K) {
            int kb = K - k0 < PANEL_K ? K - k0 : PANEL_K;
            for (int c = 0; c < 8; c++) {
                const float *b = B + (long)(j0 + c) * K + k0;
                for (int k = 0; k < kb; k++) panel[k * 8 + c] = b[k];
            }
            for (int i0 = ib; i0 < ie; i0 += 4) {
                float *c0 = C + (long)i0 * N + j0;
                const float *a0 = A + (long)i0 * K + k0;
                simde_v128_t acc[4][2];
                for (int r = 0; r < 4; r++)
                    for (int h = 0; h < 2; h++)
                        acc[r][h] = k0 ? simde_wasm_v128_load(c0 + (long)r * N + 4 * h) : simde_wasm_f32x4_splat(0);
                for (int k = 0; k < kb; k++) {
                    simde_v128_t b0 = simde_wasm_v128_load(panel + k * 8), b1 = simde_wasm_v128_load(panel + k * 8 + 4);
                    for (int r = 0; r < 4; r++) {
                        simde_v128_t x = simde_wasm_f32x4_splat(a0[(long)r * K + k]);
                        acc[r][0] = simde_wasm_f32x4_add(acc[r][0], simde_wasm_f32x4_mul(x, b0));
                        acc[r][1] = simde_wasm_f32x4_add(acc[r][1], simde_wasm_f32x4_mul(x, b1));
                    }
                }
                if (k0 + kb == K && bias) {
                    simde_v128_t bb0 = simde_wasm_v128_load(bias + j0), bb1 = simde_wasm_v128_load(bias + j0 + 4);
                    for (int r = 0; r < 4; r++) {
                        acc[r][0] = simde_wasm_f32x4_add(acc[r][0], bb0);
                        acc[r][1] = simde_wasm_f32x4_add(acc[r][1], bb1);
                    }
                }
                for (int r = 0; r < 4; r++)
                    for (int h = 0; h < 2; h++) simde_wasm_v128_store(c0 + (long)r * N + 4 * h, acc[r][h]);
            }
        }
    }
    }
    gemm_nt_cols(C, A, B, bias, M4, N8, N, K); /* columns left over, 4 rows at a time */
    N8 = N;
#endif
    gemm_nt_plain(C, A, B, bias, 0, M4, N8, N, N, K); /* columns left over (the scalar build: all of them) */
    gemm_nt_plain(C, A, B, bias, M4, M, 0, N, N, K);  /* rows left over */
}

void sl_kernel_matmul(float *C, const float *A, const float *B, int M, int N, int K)
{
    sl_gemm_nt(C, A, B, 0, M, N, K);
}

/* The backward kernels sum every element in the same order in every build: j
 * (gemm_nn) or i (gemm_tn_acc) ascending. The plain loops skip a zero of A (ReLU's
 * zeros); the SIMD tiles add its product, +-0, which changes nothing: a sum that
 * starts at +0 or a value is never -0, so the bits are the same whenever B is
 * finite, as it is in training (finite outputs need finite weights and
 * activations). The SIMD path keeps 4 x 8 tiles of C in registers over the
 * whole sum (small layers spent most of their backward pass in the calls and the
 * loads and stores of one axpy per element of A), 1 x 8 tiles for rows left over
 * and 4 x 1 columns, the lanes being rows, for columns left over (a first
 * layer's two inputs took a scalar loop through memory per product). */

/* C[j][k] += sum over i of A[i][j] B[i][k], for j in [j0, j1), k in [k0, k1), the plain loop */
static void tn_plain(float *C, const float *A, const float *B, int M, int N, int K, int j0, int j1, int k0, int k1)
{
    if (j0 >= j1 || k0 >= k1) return;
    /* each row of C takes a block's updates while it is in cache, in the order i = 0, 1, ... */
    for (int i0 = 0; i0 < M; i0 += ROWS) {
        int i1 = i0 + ROWS < M ? i0 + ROWS : M;
        for (int j = j0; j < j1; j++) {
            float *c = C + (long)j * K;
            for (int i = i0; i < i1; i++) {
                float a = A[(long)i * N + j];
                const float *b = B + (long)i * K;
                if (a != 0.0f) TAIL for (int k = k0; k < k1; k++) c[k] += a * b[k];
            }
        }
    }
}

#if SL_SIMD
/* A 4 x 8 tile of C (rows c + r ld) = (its values if from_c, else 0) + the sum over t < T of
 * a[t at + r ar] b[t bt .. t bt + 8), t ascending; a zero of a adds nothing (masked). */
static void tile_4x8(float *c, long ld, int from_c, const float *a, long at, long ar, const float *b, long bt, int T)
{
    simde_v128_t acc[4][2], zero = simde_wasm_f32x4_splat(0);
    for (int r = 0; r < 4; r++)
        for (int h = 0; h < 2; h++) acc[r][h] = from_c ? simde_wasm_v128_load(c + r * ld + 4 * h) : zero;
    for (int t = 0; t < T; t++) {
        simde_v128_t b0 = simde_wasm_v128_load(b + t * bt), b1 = simde_wasm_v128_load(b + t * bt + 4);
        for (int r = 0; r < 4; r++) {
            simde_v128_t x = simde_wasm_f32x4_splat(a[t * at + r * ar]);
            acc[r][0] = simde_wasm_f32x4_add(acc[r][0], simde_wasm_f32x4_mul(x, b0));
            acc[r][1] = simde_wasm_f32x4_add(acc[r][1], simde_wasm_f32x4_mul(x, b1));
        }
    }
    for (int r = 0; r < 4; r++)
        for (int h = 0; h < 2; h++) simde_wasm_v128_store(c + r * ld + 4 * h, acc[r][h]);
}

/* One row of C: c[0 .. 8) += the sum over t < T of a[t at] b[t bt .. t bt + 8), t ascending. */
static void tile_1x8(float *c, const float *a, long at, const float *b, long bt, int T)
{
    simde_v128_t acc0 = simde_wasm_v128_load(c), acc1 = simde_wasm_v128_load(c + 4);
    for (int t = 0; t < T; t++) {
        simde_v128_t x = simde_wasm_f32x4_splat(a[t * at]);
        acc0 = simde_wasm_f32x4_add(acc0, simde_wasm_f32x4_mul(x, simde_wasm_v128_load(b + t * bt)));
        acc1 = simde_wasm_f32x4_add(acc1, simde_wasm_f32x4_mul(x, simde_wasm_v128_load(b + t * bt + 4)));
    }
    simde_wasm_v128_store(c, acc0);
    simde_wasm_v128_store(c + 4, acc1);
}

/* One column of 4 rows of C (ld apart), the lanes being the rows: c[r ld] += the sum over t < T of
 * a[t at + r] b[t bt], t ascending (the columns the 8-wide tiles leave: a first layer's few inputs). */
static void tile_4x1(float *c, long ld, const float *a, long at, const float *b, long bt, int T)
{
    simde_v128_t acc = load_lanes(c, ld);
    for (int t = 0; t < T; t++)
        acc = simde_wasm_f32x4_add(acc, simde_wasm_f32x4_mul(simde_wasm_v128_load(a + t * at), simde_wasm_f32x4_splat(b[t * bt])));
    store_lanes(c, ld, acc);
}
#endif

void sl_gemm_tn_acc(float *C, const float *A, const float *B, int M, int N, int K)
{
#if SL_SIMD
    int N4 = N - N % 4, K8 = K - K % 8;
    for (int j0 = 0; j0 < N4; j0 += 4) {
        for (int k0 = 0; k0 < K8; k0 += 8) tile_4x8(C + (long)j0 * K + k0, K, 1, A + j0, N, 1, B + k0, K, M);
        for (int k = K8; k < K; k++) tile_4x1(C + (long)j0 * K + k, K, A + j0, N, B + k, K, M); /* columns left over */
    }
    for (int j = N4; j < N; j++) /* rows left over */
        for (int k0 = 0; k0 < K8; k0 += 8) tile_1x8(C + (long)j * K + k0, A + j, N, B + k0, K, M);
    tn_plain(C, A, B, M, N, K, N4, N, K8, K); /* the corner of both */
#else
    tn_plain(C, A, B, M, N, K, 0, N, 0, K);
#endif
}

void sl_gemm_nn(float *C, const float *A, const float *B, int M, int N, int K)
{
    int M4 = 0, K8 = 0;
#if SL_SIMD
    M4 = M - M % 4;
    K8 = K - K % 8;
    for (int i0 = 0; i0 < M4; i0 += 4)
        for (int k0 = 0; k0 < K8; k0 += 8) tile_4x8(C + (long)i0 * K + k0, K, 0, A + (long)i0 * N, 1, N, B + k0, K, N);
#endif
    /* the rest: columns left over in the tiled rows, then the rows left over */
    for (int i = K8 < K ? 0 : M4; i < M; i++) {
        float *c = C + (long)i * K;
        const float *a = A + (long)i * N;
        int k0 = i < M4 ? K8 : 0;
        TAIL for (int k = k0; k < K; k++) c[k] = 0;
        for (int j = 0; j < N; j++)
            if (a[j] != 0.0f) TAIL for (int k = k0; k < K; k++) c[k] += a[j] * B[(long)j * K + k];
    }
}

void sl_colsum_acc(float *out, const float *A, int M, int N)
{
    for (int i = 0; i < M; i++) axpy(out, 1.0f, A + (long)i * N, N);
}

/* tanh in float32 from exp, with the same operations in the SIMD lanes and in
 * the scalar tail, so every build gives the same bits (libm's tanhf, a scalar
 * call, took most of a tanh network's training step). |x| < 0.3: the odd
 * Taylor series to x^11; else 1 - 2 / (exp(2|x|) + 1), exp(y) = 2^n exp(r) with
 * r = y - n ln 2 in [-ln2/2, ln2/2] and a degree-7 Taylor polynomial, |x|
 * clamped to 9 (tanh is 1 in float32 beyond); then the sign of x. Within 3 ulp
 * of tanh (tests/c/test_model.c); NaN stays NaN. */
#define TANH_SMALL 0.3f
#define TANH_BIG 10.0f
#define T3 -0.333333333333f
#define T5 0.133333333333f
#define T7 -0.053968253968f
#define T9 0.021869488536f
#define T11 -0.008863235530f
#define LOG2E 1.44269504089f
#define LN2_HI 0.693145751953125f
#define LN2_LO 1.42860676533e-06f
#define ROUND 12582912.0f /* 1.5 * 2^23: adding and subtracting it rounds to the nearest integer */
#define E2 0.5f
#define E3 0.166666666667f
#define E4 0.0416666666667f
#define E5 0.00833333333333f
#define E6 0.00138888888889f
#define E7 0.000198412698413f

static float tanh_scalar(float x)
{
    float a = fabsf(x), t;
    if (a != a) return x; /* NaN */
    if (a < TANH_SMALL) {
        float z = a * a;
        t = a + a * z * (T3 + z * (T5 + z * (T7 + z * (T9 + z * T11))));
    } else {
        float y = 2.0f * (a > TANH_BIG ? TANH_BIG : a);
        float n = (y * LOG2E + ROUND) - ROUND;
        float r = (y - n * LN2_HI) - n * LN2_LO;
        float p = 1.0f + r * (1.0f + r * (E2 + r * (E3 + r * (E4 + r * (E5 + r * (E6 + r * E7))))));
        uint32_t bits = (uint32_t)((int32_t)n + 127) << 23;
        float scale;
        memcpy(&scale, &bits, 4);
        t = 1.0f - 2.0f / (p * scale + 1.0f);
    }
    return copysignf(t, x);
}

#if SL_SIMD
static simde_v128_t tanh_simd(simde_v128_t x)
{
#define S simde_wasm_f32x4_splat
#define ADD simde_wasm_f32x4_add
#define MUL simde_wasm_f32x4_mul
    simde_v128_t sign = S(-0.0f);
    simde_v128_t a = simde_wasm_v128_andnot(x, sign);
    simde_v128_t z = MUL(a, a);
    simde_v128_t ts = ADD(a, MUL(MUL(a, z), ADD(S(T3), MUL(z, ADD(S(T5), MUL(z, ADD(S(T7), MUL(z, ADD(S(T9), MUL(z, S(T11)))))))))));
    simde_v128_t y = MUL(S(2.0f), simde_wasm_f32x4_pmin(a, S(TANH_BIG)));
    /* p 2^n by adding n to p's exponent: kr = n + 1.5 2^23 holds n in its low bits, so kr << 23 is n << 23 (p in
     * [0.7, 1.42] and n in [1, 29] where this branch is taken: exact, the scalar tail's multiply); the Taylor branch is
     * taken where a >= 0.3 is false, NaN included, so NaN stays NaN */
    simde_v128_t kr = ADD(MUL(y, S(LOG2E)), S(ROUND));
    simde_v128_t n = simde_wasm_f32x4_sub(kr, S(ROUND));
    simde_v128_t r = simde_wasm_f32x4_sub(simde_wasm_f32x4_sub(y, MUL(n, S(LN2_HI))), MUL(n, S(LN2_LO)));
    simde_v128_t p = ADD(S(1.0f), MUL(r, ADD(S(1.0f), MUL(r, ADD(S(E2), MUL(r, ADD(S(E3), MUL(r, ADD(S(E4),
                     MUL(r, ADD(S(E5), MUL(r, ADD(S(E6), MUL(r, S(E7)))))))))))))));
    simde_v128_t pe = simde_wasm_i32x4_add(p, simde_wasm_i32x4_shl(kr, 23));
    simde_v128_t tb = simde_wasm_f32x4_sub(S(1.0f), simde_wasm_f32x4_div(S(2.0f), ADD(pe, S(1.0f))));
    simde_v128_t t = simde_wasm_v128_bitselect(tb, ts, simde_wasm_f32x4_ge(a, S(TANH_SMALL)));
    return simde_wasm_v128_or(t, simde_wasm_v128_and(x, sign));
#undef S
#undef ADD
#undef MUL
}
#endif

void sl_act_forward(int act, float *a, const float *z, int n)
{
    int k = 0;
    switch (act) {
    case SL_ACT_RELU:
#if SL_SIMD
        VEC for (; k + 4 <= n; k += 4)
            simde_wasm_v128_store(a + k, simde_wasm_f32x4_max(simde_wasm_v128_load(z + k), simde_wasm_f32x4_splat(0)));
#endif
        TAIL for (; k < n; k++) a[k] = z[k] > 0 ? z[k] : 0.0f;
        break;
    case SL_ACT_LEAKY_RELU:
#if SL_SIMD
        VEC for (; k + 4 <= n; k += 4) {
            simde_v128_t v = simde_wasm_v128_load(z + k);
            simde_v128_t m = simde_wasm_f32x4_gt(v, simde_wasm_f32x4_splat(0));
            simde_wasm_v128_store(a + k, simde_wasm_v128_bitselect(v, simde_wasm_f32x4_mul(v, simde_wasm_f32x4_splat(SL_LEAKY_SLOPE)), m));
        }
#endif
        TAIL for (; k < n; k++) a[k] = z[k] > 0 ? z[k] : z[k] * SL_LEAKY_SLOPE;
        break;
    case SL_ACT_TANH:
#if SL_SIMD
        /* four vectors an iteration: W1 ran 5 % faster with two, 10 % with four, slower with eight (spills) */
        VEC for (; k + 16 <= n; k += 16) {
            simde_v128_t t0 = tanh_simd(simde_wasm_v128_load(z + k)), t1 = tanh_simd(simde_wasm_v128_load(z + k + 4));
            simde_v128_t t2 = tanh_simd(simde_wasm_v128_load(z + k + 8)), t3 = tanh_simd(simde_wasm_v128_load(z + k + 12));
            simde_wasm_v128_store(a + k, t0);
            simde_wasm_v128_store(a + k + 4, t1);
            simde_wasm_v128_store(a + k + 8, t2);
            simde_wasm_v128_store(a + k + 12, t3);
        }
        VEC for (; k + 4 <= n; k += 4) simde_wasm_v128_store(a + k, tanh_simd(simde_wasm_v128_load(z + k)));
#endif
        TAIL for (; k < n; k++) a[k] = tanh_scalar(z[k]);
        break;
    case SL_ACT_SIGMOID:
        TAIL for (; k < n; k++) a[k] = 1.0f / (1.0f + expf(-z[k]));
        break;
    case SL_ACT_GELU: /* the exact form, x * Phi(x), as nn.GELU(approximate='none') */
        TAIL for (; k < n; k++) a[k] = 0.5f * z[k] * (1.0f + erff(z[k] * 0.70710678118654752f));
        break;
    default:
        TAIL for (; k < n; k++) a[k] = z[k];
    }
}

void sl_act_backward(int act, float *dz, const float *da, const float *z, const float *a, int n)
{
    int k = 0;
    switch (act) {
    /* the SIMD lanes take the scalar loop's choice by a mask (z > 0 is false for NaN, as in the loop), so the same bits */
    case SL_ACT_RELU: /* PyTorch's threshold_backward: the gradient at z = 0 is 0 */
#if SL_SIMD
        VEC for (; k + 4 <= n; k += 4) {
            simde_v128_t m = simde_wasm_f32x4_gt(simde_wasm_v128_load(z + k), simde_wasm_f32x4_splat(0));
            simde_wasm_v128_store(dz + k, simde_wasm_v128_and(simde_wasm_v128_load(da + k), m));
        }
#endif
        TAIL for (; k < n; k++) dz[k] = z[k] > 0 ? da[k] : 0.0f;
        break;
    case SL_ACT_LEAKY_RELU:
#if SL_SIMD
        VEC for (; k + 4 <= n; k += 4) {
            simde_v128_t g = simde_wasm_v128_load(da + k);
            simde_v128_t m = simde_wasm_f32x4_gt(simde_wasm_v128_load(z + k), simde_wasm_f32x4_splat(0));
            simde_wasm_v128_store(dz + k, simde_wasm_v128_bitselect(g, simde_wasm_f32x4_mul(g, simde_wasm_f32x4_splat(SL_LEAKY_SLOPE)), m));
        }
#endif
        TAIL for (; k < n; k++) dz[k] = z[k] > 0 ? da[k] : da[k] * SL_LEAKY_SLOPE;
        break;
    case SL_ACT_TANH: /* 1 - tanh^2, from the output as PyTorch's tanh_backward */
#if SL_SIMD
        VEC for (; k + 4 <= n; k += 4) {
            simde_v128_t y = simde_wasm_v128_load(a + k);
            simde_v128_t d = simde_wasm_f32x4_sub(simde_wasm_f32x4_splat(1), simde_wasm_f32x4_mul(y, y));
            simde_wasm_v128_store(dz + k, simde_wasm_f32x4_mul(simde_wasm_v128_load(da + k), d));
        }
#endif
        TAIL for (; k < n; k++) dz[k] = da[k] * (1.0f - a[k] * a[k]);
        break;
    case SL_ACT_SIGMOID: /* y (1 - y), from the output */
#if SL_SIMD
        VEC for (; k + 4 <= n; k += 4) {
            simde_v128_t y = simde_wasm_v128_load(a + k);
            simde_v128_t d = simde_wasm_f32x4_mul(simde_wasm_f32x4_sub(simde_wasm_f32x4_splat(1), y), y);
            simde_wasm_v128_store(dz + k, simde_wasm_f32x4_mul(simde_wasm_v128_load(da + k), d));
        }
#endif
        TAIL for (; k < n; k++) dz[k] = da[k] * ((1.0f - a[k]) * a[k]);
        break;
    case SL_ACT_GELU: /* Phi(x) + x phi(x), as PyTorch's gelu_backward */
        TAIL for (; k < n; k++) {
            float x = z[k];
            float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
            float pdf = expf(-0.5f * x * x) * 0.39894228040143268f;
            dz[k] = da[k] * (cdf + x * pdf);
        }
        break;
    default:
        TAIL for (; k < n; k++) dz[k] = da[k];
    }
}
