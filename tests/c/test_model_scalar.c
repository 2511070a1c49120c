/* The kernels compiled a second time with every vector loop off (SL_SCALAR=1),
 * under other names (scalar_gemm_nt, ...), so that one binary compares the
 * SIMD kernels with their scalar tails directly (test_model.c). */
#define SL_SCALAR 1
#define sl_gemm_nt scalar_gemm_nt
#define sl_gemm_tn_acc scalar_gemm_tn_acc
#define sl_gemm_nn scalar_gemm_nn
#define sl_kernel_matmul scalar_kernel_matmul
#define sl_colsum_acc scalar_colsum_acc
#define sl_act_forward scalar_act_forward
#define sl_act_backward scalar_act_backward
#include "../../c/model/kernels.c"
