/* The training loop: an MLP (c/model/) on a data set (c/data/) with a loss
 * (c/losses/), an optional weight penalty, an optimizer and its scheduler
 * (c/optimizers/, c/schedules/), the loop a PyTorch student writes by hand:
 *
 *   for epoch in range(epochs):
 *       for X, y in DataLoader(train, batch_size, shuffle):   # drop_last=False
 *           out = model(X); loss = criterion(out, y) + penalty(params)
 *           optimizer.zero_grad(); loss.backward()
 *           clip_grad_norm_ / clip_grad_value_; optimizer.step()
 *           scheduler.step()                 # scheduler_interval 'step'
 *       evaluate train and val; scheduler.step() or plateau.step(val_loss)
 *
 * The trainer owns its data set, model, workspace, loss, optimizer and every
 * buffer, all made at create: a step allocates nothing. The model's head is
 * one logit for binary tasks, one logit per class for multi-class, one output
 * for regression, and embedding_dim outputs for metric learning.
 *
 * Metric learning (ContrastiveLoss, TripletMarginLoss on a classification
 * data set): each batch's rows, in the batch's (shuffled, seeded) order, form
 * the tuples; row i's positive is the first row after it, cyclically within
 * the batch, with the same label, its negative the first row after it with a
 * different label. ContrastiveLoss gets the pairs (i, positive) labelled 0 and
 * (i, negative) labelled 1, TripletMarginLoss the triplets (i, positive,
 * negative); rows without a partner give none, and a batch without tuples has
 * loss 0 and a zero gradient (the optimizer still steps). With mining 'hard'
 * or 'semi-hard', a training batch's negatives are chosen by distance instead
 * (see mine() in train.c); positives keep the rule. The loss's gradients
 * of the tuple inputs are summed back onto the rows (the backward of
 * PyTorch's emb[idx] gathering). Validation loss uses the same rule on the
 * split in its order; accuracy is the nearest class centroid's in embedding
 * space, centroids being the means of the training rows' embeddings. */
#ifndef SL_TRAIN_H
#define SL_TRAIN_H

#include "../base/rng.h"
#include "../data/data.h"
#include "../losses/loss.h"
#include "../model/mlp.h"
#include "../optimizers/optimizer.h"

enum { SL_TRAIN_RUNNING, SL_TRAIN_DONE, SL_TRAIN_STOPPED, SL_TRAIN_DIVERGED };
enum { SL_EMBED_PAIRS = 1, SL_EMBED_TRIPLETS = 2 };
enum { SL_MINE_RANDOM, SL_MINE_HARD, SL_MINE_SEMIHARD };
#define SL_TRAIN_EMBEDDING SL_TASK_COUNT /* sl_trainer_task of a metric-learning run */
#define SL_TRAIN_MAX_MILESTONES 64
#define SL_TRAIN_INSPECT 6 /* doubles per tensor from sl_trainer_inspect */
#define SL_TRAIN_STATUS_NAMES "running|done|stopped|diverged"

/* One epoch's record: losses on both splits (data loss only, no penalty),
 * accuracy (classification) or MSE (regression), MAE (regression, else NaN),
 * and the lr after the epoch's scheduler step. Val values are NaN without a
 * validation split. */
enum { SL_EP_TRAIN_LOSS, SL_EP_VAL_LOSS, SL_EP_TRAIN_METRIC, SL_EP_VAL_METRIC, SL_EP_TRAIN_MAE, SL_EP_VAL_MAE, SL_EP_LR,
       SL_EP_COUNT };

typedef struct sl_trainer {
    sl_dataset *ds;
    sl_mlp *m;
    sl_mlp_work *w;
    sl_loss *loss, *reg;    /* reg: L1, L2 or ElasticNet on every parameter, or NULL */
    sl_optimizer *opt;
    int task, n_out, n_train, n_val, cap, n_classes;
    int batch, epochs, shuffle, epoch_sched, hinge;
    int batch0, n_mil, mil[SL_TRAIN_MAX_MILESTONES]; /* batch_size_schedule: batch = batch_at(epoch) */
    double bs_gamma;
    int sched_before;       /* scheduler_order 'before' */
    int embed;              /* SL_EMBED_*, 0 for the other losses */
    int mining;             /* SL_MINE_*: how a training batch picks its negatives */
    int clip;               /* 0 none, 1 by norm, 2 by value */
    double max_norm, norm_type, clip_value;
    int es_patience, es_restore;
    double es_min_delta, es_best;
    int es_bad, es_best_epoch;
    sl_rng rng;
    int status, cursor, epoch;
    double steps, last_loss, diverged_step, last_lr;
    double record[SL_EP_COUNT];
    int *perm, *confusion;  /* n_train; C x C (rows: true class) of the last evaluation */
    float *Xb, *yb, *tgt, *g, *gpen, *best;
    float *upd;             /* the last step's update, params after minus before */
    int *eidx;              /* metric learning: tuple indices and per-class scratch */
    float *ebuf;            /* metric learning: tuple inputs, their gradients, pair labels, centroids */
} sl_trainer;

/* Creates a trainer from the config JSON ({ dataset, model, batch_size,
 * epochs, seed, shuffle, scheduler_interval, grad_clip, early_stopping, ... }),
 * the loss, optimizer (its scheduler inside) and penalty specs as JSON texts
 * (reg may be NULL), an explicit data set to copy instead of config.dataset
 * (ds may be NULL) and explicit initial parameters (init, n_init floats in the
 * model's flat layout; NULL for the seeded init). Every field is validated and
 * an error names it; the caller frees the trainer with sl_trainer_free. */
sl_status sl_trainer_create(const char *json, int len, const sl_dataset *ds, const char *loss, int loss_len,
                            const char *opt, int opt_len, const char *reg, int reg_len, const float *init, int n_init,
                            sl_trainer **out);
void sl_trainer_free(sl_trainer *t);

/* Up to k optimizer steps, stopping early after a step that ends an epoch or
 * the run; out gets 3 doubles per step taken (loss with penalty, lr, gradient
 * 2-norm before clipping) and *done the number of steps. */
sl_status sl_trainer_run(sl_trainer *t, int k, double *out, int *done);

/* Loss and metrics of the model now on split 0 (train) or 1 (val): out gets
 * the SL_EP_* values of that split as [loss, metric, mae]; the confusion
 * matrix is left in sl_trainer_confusion. */
sl_status sl_trainer_evaluate(sl_trainer *t, int split, double *out);
/* Probabilities (sigmoid of the logit; softmax over classes) or regression
 * outputs for n rows of X in the data set's (standardised) feature space;
 * for metric learning, class probabilities softmax(-squared distance to each
 * class centroid), n x classes. */
sl_status sl_trainer_predict(sl_trainer *t, const float *X, int n, float *out);
/* The model's raw outputs (logits, regression outputs or embeddings), n x n_out. */
sl_status sl_trainer_embed(sl_trainer *t, const float *X, int n, float *out);
/* Per parameter tensor (W then b of each layer), SL_TRAIN_INSPECT doubles about
 * the last step: weight 2-norm, gradient 2-norm, update 2-norm, mean
 * per-element step size (sl_optimizer_step_size), RMS of the optimizer's first
 * and second moments (NaN when it keeps none). */
void sl_trainer_inspect(sl_trainer *t, double *out);

int sl_trainer_status(const sl_trainer *t);
int sl_trainer_epoch(const sl_trainer *t);
double sl_trainer_steps(const sl_trainer *t);
double sl_trainer_last_loss(const sl_trainer *t);
double sl_trainer_diverged_step(const sl_trainer *t);
int sl_trainer_best_epoch(const sl_trainer *t);
const double *sl_trainer_record(const sl_trainer *t);
const int *sl_trainer_confusion(const sl_trainer *t);
int sl_trainer_n_out(const sl_trainer *t);
int sl_trainer_steps_per_epoch(const sl_trainer *t);
/* The batch size of the current epoch (batch_size_schedule). */
int sl_trainer_batch_size(const sl_trainer *t);
/* SL_TASK_* of the data set, or SL_TRAIN_EMBEDDING for metric learning. */
int sl_trainer_task(const sl_trainer *t);
sl_mlp *sl_trainer_model(sl_trainer *t);
sl_dataset *sl_trainer_dataset(sl_trainer *t);
sl_optimizer *sl_trainer_optimizer(sl_trainer *t);

/* Saved state: exactly sl_trainer_state_size() bytes (the loop, row order,
 * best weights, data set, model and optimizer; versioned and checksummed).
 * The last step's update and lr travel with it, so inspect reads the same.
 * Restore takes the same config texts as create, validates everything before
 * use and continues bit-identically. */
int sl_trainer_state_size(const sl_trainer *t);
void sl_trainer_state_save(sl_trainer *t, void *buf);
sl_status sl_trainer_restore(const void *buf, int len, const char *json, int jlen, const char *loss, int loss_len,
                             const char *opt, int opt_len, const char *reg, int reg_len, sl_trainer **out);

#endif
