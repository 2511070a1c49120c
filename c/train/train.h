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
 * space, centroids being the means of the training rows' embeddings.
 *
 * Files: train_config.c (the config: decoding, steps per epoch, the
 * normalised text), train.c (create, work estimates, inspect, the registry
 * member), train_loop.c (the step and the epoch's end), train_metric.c
 * (metric learning), train_eval.c (evaluation and prediction, in chunks),
 * train_state.c (save and restore). */
#ifndef SL_TRAIN_H
#define SL_TRAIN_H

#include "../base/rng.h"
#include "../data/data.h"
#include "../losses/loss.h"
#include "../model/mlp.h"
#include "../optimizers/optimizer.h"

enum { SL_TRAIN_RUNNING, SL_TRAIN_DONE, SL_TRAIN_STOPPED, SL_TRAIN_DIVERGED };
#define SL_TRAIN_STATUS_NAMES "running|done|stopped|diverged"
enum { SL_EMBED_PAIRS = 1, SL_EMBED_TRIPLETS = 2 };
enum { SL_MINE_RANDOM, SL_MINE_HARD, SL_MINE_SEMIHARD };
#define SL_TRAIN_EMBEDDING SL_TASK_EMBEDDING /* sl_trainer_task of a metric-learning run */
#define SL_TRAIN_MAX_MILESTONES 64
#define SL_TRAIN_INSPECT 9 /* doubles per tensor from sl_trainer_inspect */
#define SL_TRAIN_INSPECT_NAMES "weight_norm|grad_norm|update_norm|effective_lr|m_rms|v_rms|group|lr|trust_ratio"
#define SL_TRAIN_STEP_NAMES "loss|lr|grad_norm" /* the 3 doubles per step of sl_trainer_run */
#define SL_TRAIN_EVAL_ROWS 16384 /* evaluation and prediction run in chunks of at most this many rows */
#define SL_TRAIN_MAX_EPOCHS 1000000
#define SL_TRAIN_MAX_PREDICT 16777216 /* rows of one predict call: a 4096 x 4096 grid */

/* One epoch's record: losses on both splits (data loss only, no penalty),
 * accuracy (classification) or MSE (regression), MAE (regression, else NaN),
 * and the lr after the epoch's scheduler step. Val values are NaN without a
 * validation split. The names per task are in the registry's "trainer" member. */
enum { SL_EP_TRAIN_LOSS, SL_EP_VAL_LOSS, SL_EP_TRAIN_METRIC, SL_EP_VAL_METRIC, SL_EP_TRAIN_MAE, SL_EP_VAL_MAE, SL_EP_LR,
       SL_EP_ENS_METRIC, SL_EP_ENS_MAE, SL_EP_SNAPSHOTS, /* snapshot_ensemble (train_snapshot.c), else NaN */
       SL_EP_COUNT };

/* The config's scalar settings, decoded by name (members carry the config's names). */
typedef struct {
    int mode;                 /* 0 none, 1 clip_grad_norm_, 2 clip_grad_value_ */
    double max_norm, norm_type, clip_value;
} sl_train_clip;
typedef struct {
    int patience;             /* -1: no early stopping */
    double min_delta;
    int restore_best;
} sl_train_early_stopping;
typedef struct {
    int n;                    /* milestones, 0 without a schedule */
    int milestones[SL_TRAIN_MAX_MILESTONES];
    double gamma;
} sl_train_batch_schedule;
typedef struct {
    int n_hidden, hidden[SL_MLP_MAX_LAYERS];
    int activation, init, embedding_dim;
} sl_train_model;
typedef struct {
    int epochs, shuffle, scheduler_interval, scheduler_order, mining, snapshot_ensemble;
    double seed;
    int batch_full;           /* batch_size 'full' */
    double batch_size;        /* NaN when not given (32, at most the training rows) */
    sl_train_clip grad_clip;
    sl_train_early_stopping early_stopping;
    sl_train_batch_schedule batch_size_schedule;
    sl_train_model model;
} sl_train_config;

typedef struct sl_trainer {
    sl_train_config cfg;
    char *config_text;      /* the normalised config (sl_trainer_config_text) */
    int config_len;
    sl_dataset *ds;
    sl_mlp *m;
    sl_mlp_work *w;
    sl_loss *loss, *reg;    /* reg: L1, L2 or ElasticNet on every parameter, or NULL */
    sl_optimizer *opt;
    int n_groups;           /* the config's parameter groups (optimizer.param_groups, then the unnamed tensors') */
    int group_of_tensor[2 * SL_MLP_MAX_LAYERS]; /* each tensor's group */
    int per_tensor;         /* LARS: the optimizer's groups are the tensors (train_groups.c) */
    int task, n_out, n_train, n_val, cap, n_classes;
    int batch, batch0, bmax, hinge;
    double macs;            /* multiply-adds of one row's forward pass (the model's parameters) */
    int embed;              /* SL_EMBED_*, 0 for the other losses */
    int eval_rows;          /* rows per evaluation chunk */
    int tuple_cap;          /* metric learning: tuples per loss evaluation */
    double es_best;
    int es_bad, es_best_epoch;
    sl_rng rng;
    int status, cursor, epoch;
    double steps, last_loss, diverged_step, last_lr;
    double record[SL_EP_COUNT];
    int *perm, *confusion;  /* n_train; C x C (rows: true class) of the last evaluation */
    float *Xb, *yb, *tgt, *g, *gpen, *best;
    float *upd;             /* the last step's update, params after minus before */
    int *eidx;              /* metric learning: tuple indices, each row's partners, per-class scratch */
    float *ebuf;            /* metric learning: tuple inputs, their gradients, pair labels, centroids */
    float *eout;            /* metric learning: the outputs of a whole split (evaluation) */
    double *cent;           /* metric learning: class centroids (classes x n_out), then distances to them (classes) */
    double *snap_sum;       /* snapshot_ensemble: the snapshots' validation predictions summed (n_val x n_out), else NULL */
    float *snap_buf;        /* snapshot_ensemble: one snapshot's predictions */
    int n_snapshots;
} sl_trainer;

/* Creates a trainer from the whole config JSON ({ dataset, model: { hidden,
 * activation, init, embedding_dim, init_weights }, loss, optimizer, scheduler,
 * regularization, batch_size, epochs, seed, shuffle, scheduler_interval,
 * scheduler_order, grad_clip, early_stopping, batch_size_schedule, mining }):
 * every sub-spec is decoded from the one parsed document, every field is
 * validated and an error names it. ds, when not NULL, is an explicit data set
 * (lab.dataset's arrays) to copy; config.dataset then holds its options
 * ({ task, val_fraction, standardize, seed }) or is absent. Creation refuses a
 * trainer whose one step with its epoch's evaluation would exceed
 * SL_WORK_LIMIT, so step(1) always fits a call. The caller frees it with
 * sl_trainer_free. */
sl_status sl_trainer_create(const char *json, double len, const sl_dataset *ds, sl_trainer **out);
void sl_trainer_free(sl_trainer *t);

/* lab.stepsPerEpoch: the optimizer steps of epoch `epoch` (0-based) of a
 * config, from its data set's training rows, batch_size and
 * batch_size_schedule, without building a model, loss or optimizer (the data
 * set is generated, or ds is the explicit one). A trainer's
 * sl_trainer_steps_per_epoch equals it. */
sl_status sl_trainer_steps_per_epoch_of(const char *json, double len, const sl_dataset *ds, double epoch, double *out);

/* Up to k optimizer steps, stopping early after a step that ends an epoch or
 * the run; out gets 3 doubles per step taken (loss with penalty, lr, gradient
 * 2-norm before clipping) and *done the number of steps. k crosses the seam as
 * a double; work above SL_WORK_LIMIT is refused (sl_trainer_check_work). */
sl_status sl_trainer_run(sl_trainer *t, double k, double *out, int *done);
/* Multiply-adds of the next `steps` steps (Infinity: to the end of the run)
 * with the epoch-end evaluations they reach: an estimate (forward 1, backward
 * 2 per weight and row, the optimizer's few per parameter). */
double sl_trainer_work(const sl_trainer *t, double steps);
/* Refuses `steps` steps in one synchronous call when their work exceeds
 * SL_WORK_LIMIT, with a message for `call` (0: step(k), 1: epoch(), 2: fit())
 * saying how much fits. */
enum { SL_CALL_STEP, SL_CALL_EPOCH, SL_CALL_FIT };
#define SL_TRAIN_CALL_NAMES "step|epoch|fit"
#define SL_TRAIN_SPLIT_NAMES "train|val" /* sl_trainer_evaluate's split 0 and 1 */
sl_status sl_trainer_check_work(const sl_trainer *t, double steps, int call);
/* Steps left in the current epoch. */
int sl_trainer_steps_left_in_epoch(const sl_trainer *t);

/* Loss and metrics of the model now on split 0 (train) or 1 (val): out gets
 * the SL_EP_* values of that split as [loss, metric, mae]; the confusion
 * matrix is left in sl_trainer_confusion. In chunks of eval_rows rows. */
sl_status sl_trainer_evaluate(sl_trainer *t, int split, double *out);
/* Probabilities (sigmoid of the logit; softmax over classes) or regression
 * outputs for n rows of X in the data set's (standardised) feature space;
 * for metric learning, class probabilities softmax(-squared distance to each
 * class centroid), n x classes (sl_trainer_predict_width). Work limit: n rows
 * through the model at most SL_WORK_LIMIT multiply-adds. */
sl_status sl_trainer_predict(sl_trainer *t, const float *X, double n, float *out);
/* The model's raw outputs (logits, regression outputs or embeddings), n x n_out. */
sl_status sl_trainer_embed(sl_trainer *t, const float *X, double n, float *out);
/* predict on an nx x ny grid over [x0, x1] x [y0, y1] (y outer: row j * nx + i)
 * of a 2-feature data set; nx, ny in [2, 4096], nx ny rows within the work
 * limit. With out NULL it only validates (so the caller can allocate after). */
sl_status sl_trainer_predict_grid(sl_trainer *t, double x0, double x1, double y0, double y1, double nx, double ny, float *out);
/* Columns of sl_trainer_predict's rows. */
int sl_trainer_predict_width(const sl_trainer *t);
/* Per parameter tensor (W then b of each layer), SL_TRAIN_INSPECT doubles about
 * the last step: weight 2-norm, gradient 2-norm, update 2-norm, mean
 * per-element step size (sl_optimizer_step_size), RMS of the optimizer's first
 * and second moments (NaN when it keeps none), the tensor's parameter group,
 * its lr now and its LARS trust ratio (NaN for other optimizers). out holds cap doubles; less
 * than SL_TRAIN_INSPECT * sl_trainer_n_tensors is refused. */
sl_status sl_trainer_inspect(sl_trainer *t, double *out, double cap);
/* Parameter tensors (2 per linear layer). */
int sl_trainer_n_tensors(const sl_trainer *t);
/* Parameter groups (train_groups.c): optimizer.param_groups name their tensors in "params"
 * (fc1.weight, fc1.bias, ...); the tensors none names form one last group. */
int sl_trainer_n_groups(const sl_trainer *t);
/* Tensor k's group, -1 outside [0, n_tensors). */
int sl_trainer_tensor_group(const sl_trainer *t, int k);
/* Group g's lr now (NaN outside [0, n_groups)). */
double sl_trainer_group_lr(const sl_trainer *t, int g);
/* Tensor k's lr, and its LARS trust ratio of the last step (NaN before it and for other optimizers). */
double sl_trainer_tensor_lr(const sl_trainer *t, int k);
double sl_trainer_tensor_trust_ratio(const sl_trainer *t, int k);
/* SWATS, group g: sl_optimizer_swats's values (0 switched, 1 switch step, 2 SGD rate, 3 estimate, 4 gamma_k). */
double sl_trainer_swats(const sl_trainer *t, int g, int what);

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
/* The config the trainer was made from, normalised: the given members in
 * their order, model.init_weights left out (the weights live in the state),
 * numbers as JavaScript prints them (+-Infinity as +-1e999). It travels in
 * the saved state. */
const char *sl_trainer_config_text(const sl_trainer *t);

/* Saved state: exactly sl_trainer_state_size() bytes (the config text, the
 * loop, row order, best weights, data set, model and optimizer; versioned and
 * checksummed). The checksum only detects accidents: restore rebuilds the
 * trainer from the config inside the state with create's validation, requires
 * the saved data set to be the one that config makes (or, for explicit
 * arrays, to fit its options), the saved model and optimizer to match it, and
 * checks every loop value; then it continues bit-identically. */
int sl_trainer_state_size(const sl_trainer *t);
void sl_trainer_state_save(sl_trainer *t, void *buf);
sl_status sl_trainer_restore(const void *buf, double len, sl_trainer **out);
/* A saved run's history against the restored trainer: n_steps entries of
 * SL_TRAIN_STEP_NAMES (column-major: every loss, then every lr, then every
 * norm) and n_epochs records of SL_EP_COUNT doubles (column-major), with
 * counts equal to the trainer's, finite losses, lrs and norms >= 0, and the
 * last entries equal to the state's. */
sl_status sl_trainer_check_history(const sl_trainer *t, const double *steps, double n_steps, const double *epochs,
                                   double n_epochs);

/* The registry's "trainer" member: record layouts, status and task names, limits. */
int sl_trainer_json(char **buf, int len, int *cap);

#endif
