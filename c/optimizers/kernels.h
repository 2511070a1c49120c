/* The element-wise update kernels of kernels.c and their float32 scalars, for
 * step.c, which runs them group by group over each range (one pure loop each:
 * destinations first, then inputs, n and the scalars). */
#ifndef SL_OPTIMIZERS_KERNELS_H
#define SL_OPTIMIZERS_KERNELS_H

typedef struct { float neg_lr, momentum, one_minus_dampening, weight_decay; int use_momentum, first, nesterov, maximize; } sgd_k;
typedef struct { float neg_clr, weight_decay, eps; int maximize; } adagrad_k;
typedef struct { float neg_lr, alpha, one_minus_alpha, eps, weight_decay, momentum; int centered, use_momentum, maximize; } rmsprop_k;
typedef struct { float neg_lr, rho, one_minus_rho, eps, weight_decay; int maximize; } adadelta_k;
typedef struct {
    float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, decay, bc2_sqrt, eps, neg_step;
    int amsgrad, maximize, decoupled;
} adam_k;
typedef struct { float beta1, one_minus_beta1, beta2, eps, weight_decay, neg_clr; int maximize; } adamax_k;
typedef struct { float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, bc2, eps, c_grad, c_avg; } nadam_k;
typedef struct { float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, bc1, lr, bc2_sqrt, eps, rect; int rectify; } radam_k;
typedef struct { float etaminus, etaplus, step_min, step_max; int maximize; } rprop_k;
typedef struct { float neg_lr, beta, one_minus_beta, min_gain, max_gain; } dbd_k;
typedef struct { float decay, neg_eta, weight_decay, mu; int maximize, copy; } asgd_k;
typedef struct { float momentum, rate, weight_decay; } lars_k;

void sl_opt_sgd_update(float *param, float *buf, const float *grad, int n, const sgd_k *k);
void sl_opt_adagrad_update(float *param, float *sum, const float *grad, int n, const adagrad_k *k);
void sl_opt_rmsprop_update(float *param, float *sq, float *gavg, float *buf, const float *grad, int n, const rmsprop_k *k);
void sl_opt_adadelta_update(float *param, float *sq, float *acc, const float *grad, int n, const adadelta_k *k);
void sl_opt_adam_update(float *param, float *m, float *v, float *vmax, const float *grad, int n, const adam_k *k);
void sl_opt_adamax_update(float *param, float *m, float *u, const float *grad, int n, const adamax_k *k);
void sl_opt_nadam_update(float *param, float *m, float *v, const float *grad, int n, const nadam_k *k);
void sl_opt_radam_update(float *param, float *m, float *v, const float *grad, int n, const radam_k *k);
void sl_opt_rprop_update(float *param, float *prev, float *step, const float *grad, int n, const rprop_k *k);
void sl_opt_dbd_update(float *param, float *gain, float *prev, const float *grad, int n, const dbd_k *k);
void sl_opt_asgd_update(float *param, float *ax, const float *grad, int n, const asgd_k *k);
void sl_opt_lars_update(float *param, float *buf, const float *grad, int n, const lars_k *k);

#endif
