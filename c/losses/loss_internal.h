/* Private to c/losses/: the registry's type and form enums, the parameter
 * struct a loss node is, and the evaluation helpers the other files share.
 * Nothing outside c/losses/ includes this header. */
#ifndef SL_LOSS_INTERNAL_H
#define SL_LOSS_INTERNAL_H

#include "loss.h"

enum {
    T_MSELoss, T_L1Loss, T_HuberLoss, T_SmoothL1Loss, T_BCELoss, T_BCEWithLogitsLoss, T_CrossEntropyLoss, T_NLLLoss,
    T_HingeLoss, T_SquaredHingeLoss, T_MultiMarginLoss, T_FocalLoss, T_ContrastiveLoss, T_TripletMarginLoss,
    T_CosineEmbeddingLoss, T_L1, T_L2, T_ElasticNet, T_WeightedSum, T_Custom, T_COUNT
};

/* How a loss reads its inputs and target. */
enum { F_ELEM, F_CLASS, F_PAIR, F_TRIPLET, F_PENALTY, F_SUM };

typedef struct {
    sl_kind head;
    int form;     /* F_* */
    int n_inputs;
    int tasks;    /* SL_FIT_* bits: the trainer tasks it fits */
} loss_kind;

extern const loss_kind SL_LOSS_KINDS[T_COUNT];

static inline const char *loss_name(const sl_loss_node *N) { return SL_LOSS_KINDS[N->type].head.name; }
static inline int loss_form(const sl_loss_node *N) { return SL_LOSS_KINDS[N->type].form; }
static inline double loss_sign(double v) { return (v > 0) - (v < 0); }

/* One evaluation's inputs: up to three n x c inputs and the target (n_t values). */
typedef struct {
    const float *x[3];
    const float *t;
    int n, c, n_t;
} loss_batch;

/* softmax focal form: class-index targets with more than one class */
static inline int loss_focal_softmax(const loss_batch *B) { return B->n_t == B->n && B->c > 1; }

/* Reduction bookkeeping: per-sample values go to `vals` for 'none', the
 * gradient scale is s / norm for 'mean'; *norm_out (when not NULL) gets the
 * mean's normalizer. */
typedef struct {
    double *vals;
    double gs;
} loss_emit;

loss_emit sl_loss_reduce_setup(const sl_loss_node *N, double s, double norm, double *vals);
double sl_loss_reduce_value(const sl_loss_node *N, double total, double norm);

/* Validates the target and lists of node N against the batch (loss_check.c). */
sl_status sl_loss_validate(const sl_loss *L, const sl_loss_node *N, const loss_batch *B);

/* Elementwise losses (loss_elem.c): the total before reduction into *total,
 * the mean's normalizer into *norm; g += the gradient of s * value. */
void sl_loss_eval_elem(const sl_loss *L, const sl_loss_node *N, const loss_batch *B, float *g, double s, double *vals,
                       double *total, double *norm);
/* Custom (loss_custom.c): the doubles one Custom node keeps in L->values (its names' values and program). */
int sl_loss_custom_doubles(void);
/* Decodes hyper and expr of a Custom spec into L->values at N->custom_off (room reserved by the caller). */
sl_status sl_loss_custom_build(sl_loss *L, sl_loss_node *N, const sl_json *doc, int obj);
/* Evaluates a Custom node (as sl_loss_eval_elem); fails when the expression is NaN at finite x and y. */
sl_status sl_loss_custom_eval(const sl_loss *L, const sl_loss_node *N, const loss_batch *B, float *g, double s, double *vals,
                              double *total, double *norm);

/* The penalties' kernels: sum |x| (with g += gs sign x) and sum x^2 (with g += 2 gs x). */
double sl_loss_k_abs(float *g, const float *x, const float *y, int n, float gs, double *vals);
double sl_loss_k_sq(float *g, const float *x, int n, float gs);

#endif
