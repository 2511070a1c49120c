/* Loss functions with torch.nn's names, parameters and numbers (PyTorch 1.13):
 * regression (MSELoss, L1Loss, HuberLoss, SmoothL1Loss), classification
 * (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, MultiMarginLoss),
 * torchvision's sigmoid focal loss and its softmax form, the textbook hinge
 * and contrastive losses, metric learning (TripletMarginLoss,
 * CosineEmbeddingLoss), weight penalties (L1, L2, ElasticNet) and weighted
 * sums of any of these.
 *
 * A loss is one allocation of plain data: a small tree of nodes (more than one
 * for WeightedSum) followed by the numbers of its weight / pos_weight / alpha
 * lists. Evaluation reads float32 buffers (N x C row-major), accumulates the
 * value in double and writes float32 gradients; it is what lab.loss calls and
 * what a trainer calls on each batch.
 *
 * Files: loss.c (the registry: parameters, task fits, construction),
 * loss_check.c (target and list validation), loss_elem.c (elementwise losses
 * and the vector kernels), loss_eval.c (class, pair and triplet losses, sums,
 * entry points). */
#ifndef SL_LOSS_H
#define SL_LOSS_H

#include <stdint.h>
#include "../base/spec.h"
#include "../data/data.h"

#define SL_LOSS_MAX_NODES 16     /* a WeightedSum's terms, nested sums included */
#define SL_LOSS_MAX_DEPTH 4      /* WeightedSum inside WeightedSum, at most this deep */
#define SL_LOSS_MAX_ELEMS 67108864 /* N x C cap per input (256 MB of float32): the work limit of one evaluation */

enum { SL_RED_MEAN, SL_RED_SUM, SL_RED_NONE };

/* The trainer tasks a loss fits, one bit per task (SL_TASK_* of data.h, and
 * SL_TASK_EMBEDDING: the loss trains an embedding on a classification set). */
enum {
    SL_FIT_BINARY = 1 << SL_TASK_BINARY,
    SL_FIT_MULTICLASS = 1 << SL_TASK_MULTICLASS,
    SL_FIT_REGRESSION = 1 << SL_TASK_REGRESSION,
    SL_FIT_EMBEDDING = 1 << SL_TASK_EMBEDDING
};

/* One loss of the tree; its parameters are filled by name from the registry
 * (members carry PyTorch's names). */
typedef struct {
    int type;            /* index into the loss registry */
    int reduction;       /* SL_RED_* ('sum' for the penalties and WeightedSum) */
    double delta;        /* HuberLoss */
    double beta;         /* SmoothL1Loss */
    double margin;       /* MultiMarginLoss, ContrastiveLoss, TripletMarginLoss, CosineEmbeddingLoss */
    double p;            /* MultiMarginLoss p (1 or 2), TripletMarginLoss norm degree */
    double eps;          /* TripletMarginLoss */
    double gamma;        /* FocalLoss */
    double alpha;        /* FocalLoss's one alpha; < 0 turns the weighting off (a list goes to weight_off) */
    double label_smoothing;
    double lambda;       /* L1, L2 */
    double l1, l2;       /* ElasticNet */
    int ignore_index, swap;
    int weight_off, weight_len;         /* weight (or FocalLoss alpha list) in values[] */
    int pos_weight_off, pos_weight_len; /* BCEWithLogitsLoss pos_weight in values[] */
    int first_term, n_terms;            /* WeightedSum: its terms are nodes first_term.. */
    int n_inputs;                       /* inputs it reads (a WeightedSum: its terms') */
    double term_weight;                 /* this node's weight inside its WeightedSum */
    int custom_off;                     /* Custom: where its block starts in values[] */
} sl_loss_node;

typedef struct sl_loss {
    uint32_t magic, size;
    int n_nodes, n_values;
    int n_inputs;     /* 1, 2 (ContrastiveLoss, CosineEmbeddingLoss) or 3 (TripletMarginLoss) */
    sl_loss_node node[SL_LOSS_MAX_NODES]; /* node[0] is the root */
    double values[];
} sl_loss;

/* Creates a loss from a JSON spec; the caller frees it with sl_loss_free. */
sl_status sl_loss_create(const char *json, double len, sl_loss **out);
/* Same, from an already parsed spec object (a trainer's "loss" member). */
sl_status sl_loss_from_spec(const sl_json *doc, int obj, sl_loss **out);
void sl_loss_free(sl_loss *L);

/* Evaluates the loss on n rows of c floats. x2, x3 and g2, g3 are used by the
 * two- and three-input losses, target by all but TripletMarginLoss and the
 * penalties. n_target is the number of target values: n*c for a target of the
 * input's shape, n for class indices or pair labels, -1 for none. The counts
 * cross the JS seam as doubles and are range-checked before any conversion.
 * values gets the value (reduction 'mean' or 'sum') or the
 * sl_loss_value_count() per-sample values ('none'). Gradients are overwritten
 * (for 'none', the gradient of the sum). Everything is validated before
 * anything is written. Work: O(n c) (O(n c) exp and log for the class losses),
 * at most SL_LOSS_MAX_ELEMS values per input. */
sl_status sl_loss_eval(const sl_loss *L, const float *x1, const float *x2, const float *x3, const float *target, double n,
                       double c, double n_target, float *g1, float *g2, float *g3, double *values);
/* sl_loss_eval for one loss (not a WeightedSum) with reduction 'mean' or
 * 'sum', split for evaluating in chunks: *sum gets the total before the
 * reduction and *norm the mean's normalizer (the rows, the elements, or the
 * summed class weights), so chunks add up: 'mean' is sum(sums) / sum(norms)
 * (0 when that is 0), 'sum' is sum(sums). One chunk gives sl_loss_eval's value. */
sl_status sl_loss_eval_parts(const sl_loss *L, const float *x1, const float *x2, const float *x3, const float *target,
                             int n, int c, int n_target, float *g1, float *g2, float *g3, double *sum, double *norm);

/* Number of values written for reduction 'none' (n*c for elementwise losses, n per sample or pair), 1 else. */
int sl_loss_value_count(const sl_loss *L, double n, double c, double n_target);
int sl_loss_inputs(const sl_loss *L);
int sl_loss_reduction(const sl_loss *L);
const char *sl_loss_type(const sl_loss *L);
/* SL_FIT_* bits of the trainer tasks the root loss fits (0: none, e.g. BCELoss, which takes probabilities). */
int sl_loss_tasks(const sl_loss *L);
/* 1 for a weight penalty (L1, L2, ElasticNet): the trainer's regularization. */
int sl_loss_is_penalty(const sl_loss *L);
/* The '|'-separated names of the losses that fit trainer task `task` (SL_TASK_*), in registry order. */
const char *sl_loss_fitting(int task);

/* The registry as JSON for the JS API and the page's controls: each row has
 * its category, starter, summary, "tasks" and "penalty". */
int sl_losses_json(char **buf, int len, int *cap);

#endif
