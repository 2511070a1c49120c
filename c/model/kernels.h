/* Dense float32 kernels for small shapes (batch 1-256, width 2-4096): pure
 * loops, destination first, row-major arrays. Each is a SIMD loop over the
 * contiguous dimension (SIMDe simd128, 4 lanes) followed by its scalar tail;
 * the SL_SCALAR=1 build runs the tails only and is the reference the SIMD
 * path is tested against. */
#ifndef SL_KERNELS_H
#define SL_KERNELS_H

/* C (M x N) = A (M x K) . B (N x K)^T (+ bias (N) when bias is not NULL).
 * With B = W (out x in), this is a layer's forward pass Y = X W^T + b. */
void sl_gemm_nt(float *C, const float *A, const float *B, const float *bias, int M, int N, int K);

/* sl_gemm_nt without bias, exported for the benchmarks (tests/bench). */
void sl_kernel_matmul(float *C, const float *A, const float *B, int M, int N, int K);

/* C (N x K) += A (M x N)^T . B (M x K): accumulates dW += dZ^T X. */
void sl_gemm_tn_acc(float *C, const float *A, const float *B, int M, int N, int K);

/* C (M x K) = A (M x N) . B (N x K): the input gradient dX = dZ W. */
void sl_gemm_nn(float *C, const float *A, const float *B, int M, int N, int K);

/* out (N) += column sums of A (M x N): accumulates db += sum over the batch of dZ. */
void sl_colsum_acc(float *out, const float *A, int M, int N);

/* Activations of the hidden layers, with PyTorch's formulas and derivatives. */
enum { SL_ACT_RELU, SL_ACT_LEAKY_RELU, SL_ACT_TANH, SL_ACT_SIGMOID, SL_ACT_GELU, SL_ACT_LINEAR, SL_ACT_COUNT };
#define SL_ACT_NAMES "relu|leaky_relu|tanh|sigmoid|gelu|linear"
#define SL_LEAKY_SLOPE 0.01f /* nn.LeakyReLU's default negative_slope */

/* a = act(z), n values. */
void sl_act_forward(int act, float *a, const float *z, int n);
/* dz = da * act'(z), given z and a = act(z); dz may alias da. */
void sl_act_backward(int act, float *dz, const float *da, const float *z, const float *a, int n);

#endif
