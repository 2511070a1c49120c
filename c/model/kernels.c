/* Dense kernels and activations; see kernels.h. Summation order is fixed (lane
 * partial sums, then lanes 0+1+2+3, then the tail), so results are identical
 * run to run and between wasm and native SIMD builds. */
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

static float dot(const float *a, const float *b, int n)
{
    int k = 0;
    float s = 0;
#if SL_SIMD
    if (n >= 4) {
        /* two accumulators: the adds of one can issue while the other's are in flight */
        simde_v128_t acc = simde_wasm_f32x4_splat(0), acc2 = acc;
        VEC for (; k + 8 <= n; k += 8) {
            acc = simde_wasm_f32x4_add(acc, simde_wasm_f32x4_mul(simde_wasm_v128_load(a + k), simde_wasm_v128_load(b + k)));
            acc2 = simde_wasm_f32x4_add(acc2, simde_wasm_f32x4_mul(simde_wasm_v128_load(a + k + 4), simde_wasm_v128_load(b + k + 4)));
        }
        if (k + 4 <= n) {
            acc = simde_wasm_f32x4_add(acc, simde_wasm_f32x4_mul(simde_wasm_v128_load(a + k), simde_wasm_v128_load(b + k)));
            k += 4;
        }
        acc = simde_wasm_f32x4_add(acc, acc2);
        s = (simde_wasm_f32x4_extract_lane(acc, 0) + simde_wasm_f32x4_extract_lane(acc, 1)) +
            (simde_wasm_f32x4_extract_lane(acc, 2) + simde_wasm_f32x4_extract_lane(acc, 3));
    }
#endif
    TAIL for (; k < n; k++) s += a[k] * b[k];
    return s;
}

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

void sl_gemm_nt(float *C, const float *A, const float *B, const float *bias, int M, int N, int K)
{
    for (int i0 = 0; i0 < M; i0 += ROWS) {
        int i1 = i0 + ROWS < M ? i0 + ROWS : M;
        for (int j = 0; j < N; j++) {
            const float *b = B + (long)j * K;
            float bj = bias ? bias[j] : 0.0f;
            for (int i = i0; i < i1; i++) C[(long)i * N + j] = dot(A + (long)i * K, b, K) + bj;
        }
    }
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
