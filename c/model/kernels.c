/* Dense kernels and activations; see kernels.h. Summation order is fixed
 * (sl_gemm_nt: k = 0, 1, ... for every element, in every build; the others:
 * vector lanes, then the tail), so results are identical run to run and
 * between wasm and native SIMD builds. */
#include "kernels.h"

#include <math.h>

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

void sl_gemm_nt(float *C, const float *A, const float *B, const float *bias, int M, int N, int K)
{
    int M4 = 0, N8 = 0;
#if SL_SIMD
    if (K > 0) {
        M4 = M - M % 4;
        N8 = N - N % 8;
    }
    float panel[PANEL_K * 8];
    for (int j0 = 0; j0 < N8; j0 += 8) {
        for (int k0 = 0; k0 < K; k0 += PANEL_K) {
            int kb = K - k0 < PANEL_K ? K - k0 : PANEL_K;
            for (int c = 0; c < 8; c++) {
                const float *b = B + (long)(j0 + c) * K + k0;
                for (int k = 0; k < kb; k++) panel[k * 8 + c] = b[k];
            }
            for (int i0 = 0; i0 < M4; i0 += 4) {
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
#endif
    gemm_nt_plain(C, A, B, bias, 0, M4, N8, N, N, K); /* columns left over */
    gemm_nt_plain(C, A, B, bias, M4, M, 0, N, N, K);  /* rows left over */
}

void sl_kernel_matmul(float *C, const float *A, const float *B, int M, int N, int K)
{
    sl_gemm_nt(C, A, B, 0, M, N, K);
}

void sl_gemm_tn_acc(float *C, const float *A, const float *B, int M, int N, int K)
{
    /* each row of C takes a block's updates while it is in cache, in the order i = 0, 1, ... */
    for (int i0 = 0; i0 < M; i0 += ROWS) {
        int i1 = i0 + ROWS < M ? i0 + ROWS : M;
        for (int j = 0; j < N; j++) {
            float *c = C + (long)j * K;
            for (int i = i0; i < i1; i++) {
                float aij = A[(long)i * N + j];
                if (aij != 0.0f) axpy(c, aij, B + (long)i * K, K);
            }
        }
    }
}

void sl_gemm_nn(float *C, const float *A, const float *B, int M, int N, int K)
{
    for (int i = 0; i < M; i++) {
        float *c = C + (long)i * K;
        const float *a = A + (long)i * N;
        TAIL for (int k = 0; k < K; k++) c[k] = 0;
        for (int j = 0; j < N; j++)
            if (a[j] != 0.0f) axpy(c, a[j], B + (long)j * K, K);
    }
}

void sl_colsum_acc(float *out, const float *A, int M, int N)
{
    for (int i = 0; i < M; i++) axpy(out, 1.0f, A + (long)i * N, N);
}

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
        TAIL for (; k < n; k++) a[k] = z[k] > 0 ? z[k] : z[k] * SL_LEAKY_SLOPE;
        break;
    case SL_ACT_TANH:
        TAIL for (; k < n; k++) a[k] = tanhf(z[k]);
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
    case SL_ACT_RELU: /* PyTorch's threshold_backward: the gradient at z = 0 is 0 */
        TAIL for (; k < n; k++) dz[k] = z[k] > 0 ? da[k] : 0.0f;
        break;
    case SL_ACT_LEAKY_RELU:
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
