/* Private to c/train/: what the trainer's files share. Nothing outside
 * c/train/ includes this header. */
#ifndef SL_TRAIN_INTERNAL_H
#define SL_TRAIN_INTERNAL_H

#include "train.h"

#define SL_TRAIN_THING "Trainer"

/* Where the sub-specs sit in the parsed config (-1: absent; null counts as absent). */
typedef struct {
    int dataset, model, loss, optimizer, scheduler, regularization, init_weights, batch_size;
} sl_train_nodes;

/* Decodes the config object (doc's root) by name into c and finds its
 * sub-specs: every scalar setting validated, nothing that needs the data set. */
sl_status sl_train_config_decode(const sl_json *doc, sl_train_config *c, sl_train_nodes *nodes);
/* The data set of a config: a copy of ds (whose options the config's dataset
 * member, if any, must describe) or the one config.dataset names. */
sl_status sl_train_dataset(const sl_json *doc, int node, const sl_dataset *ds, sl_dataset **out);
/* The first epoch's batch size for n_train training rows: batch_size,
 * 'full', or 32 clamped to n_train when absent. */
sl_status sl_train_batch0(const sl_train_config *c, const sl_json *doc, int node, int n_train, int *batch0);
/* The batch size of epoch e: batch0 times gamma at each milestone <= e, rounded and clamped each time. */
int sl_train_batch_at(const sl_train_config *c, int batch0, int n_train, int e);
/* The normalised config text (see sl_trainer_config_text) into a new buffer; returns its length or -1. */
int sl_train_config_write(const sl_json *doc, char **text);
/* Whether all n values are finite: weights that overflowed give infinite
 * outputs, which the losses rightly refuse; the trainer calls that divergence. */
int sl_train_finite(const float *v, long n);
/* The classes a confusion matrix and centroids have: at least 2. */
static inline int sl_train_classes(const sl_trainer *t) { return t->n_classes < 2 ? 2 : t->n_classes; }

/* The optimizer of config node obj (with the scheduler at node sched, or -1) and the
 * trainer's parameter groups, named by tensor (train_groups.c); the model exists. */
sl_status sl_train_optimizer(sl_trainer *t, const sl_json *doc, int obj, int sched);

/* Snapshot ensembles (train_snapshot.c): checks the config and allocates, after the optimizer;
 * takes a snapshot when the scheduler's step just restarted its cycle; writes the epoch
 * record's ensemble slots; the values kept (n_val x n_out, 0 when off) and their restore. */
sl_status sl_train_snapshot_setup(sl_trainer *t);
sl_status sl_train_snapshot_after_schedule(sl_trainer *t);
void sl_train_snapshot_record(const sl_trainer *t, double *record);
size_t sl_train_snapshot_values(const sl_trainer *t);
sl_status sl_train_snapshot_restore(sl_trainer *t, const void *bytes, int n_snapshots);

/* Metric learning (train_metric.c). The loss of a training batch's tuples
 * (outputs o, labels y, n rows) and the gradient dO of o; negatives mined as configured. */
sl_status sl_train_embed_step(sl_trainer *t, const float *o, const float *y, int n, float *dO, double *loss);
/* The loss of a whole split's tuples (outputs o, n rows), evaluated in chunks of tuples. */
sl_status sl_train_embed_split_loss(sl_trainer *t, const float *o, const float *y, int n, double *loss);
/* Class centroids of the training rows' embeddings into t->cent (NaN for a class
 * without rows), from the training outputs o when given, else by a forward pass in chunks. */
sl_status sl_train_centroids(sl_trainer *t, const float *o);
/* Squared distances of embedding e to the centroids into d2; returns the nearest class. */
int sl_train_nearest(const sl_trainer *t, const float *e, double *d2);

/* The model's outputs of n rows of X in chunks of the workspace's rows, each
 * chunk's outputs handed to fn (train_eval.c). */
typedef sl_status (*sl_train_rows_fn)(sl_trainer *t, const float *o, int i0, int b, void *ctx);
sl_status sl_train_forward_rows(sl_trainer *t, const float *X, int n, sl_train_rows_fn fn, void *ctx);

#endif
