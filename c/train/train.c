/* The trainer of train.h: building one from its config (data set, model,
 * loss, penalty, optimizer, every buffer), the work estimates that bound a
 * call, the getters, inspect, and the registry's "trainer" member. Every
 * numeric step is a call into the other families (sl_mlp_forward /
 * sl_mlp_backward, sl_loss_eval, sl_optimizer_step_flags), so a trainer's
 * update is the one lab.loss and lab.createOptimizer make. */
#include "train_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = SL_TRAIN_THING;

void sl_trainer_free(sl_trainer *t)
{
    if (!t) return;
    sl_dataset_free(t->ds);
    sl_mlp_work_free(t->w);
    sl_mlp_free(t->m);
    sl_loss_free(t->loss);
    sl_loss_free(t->reg);
    sl_optimizer_free(t->opt);
    free(t->config_text);
    free(t->perm);
    free(t->confusion);
    free(t->Xb);
    free(t->yb);
    free(t->tgt);
    free(t->g);
    free(t->gpen);
    free(t->best);
    free(t->upd);
    free(t->eidx);
    free(t->ebuf);
    free(t->eout);
    free(t->cent);
    free(t->snap_sum);
    free(t->snap_buf);
    free(t);
}

/* The loss and penalty of the config, checked against the data set's task with the one task-fit table (c/losses/). */
static sl_status make_losses(sl_trainer *t, const sl_json *doc, const sl_train_nodes *nd)
{
    static const char *words[] = { "binary", "multiclass", "regression" };
    sl_status st = sl_loss_from_spec(doc, nd->loss, &t->loss);
    if (st) return st;
    const char *lt = sl_loss_type(t->loss);
    int fits = sl_loss_tasks(t->loss);
    t->embed = !(fits & SL_FIT_EMBEDDING) ? 0 : sl_loss_inputs(t->loss) == 3 ? SL_EMBED_TRIPLETS : SL_EMBED_PAIRS;
    if (t->embed && !(fits & (1 << t->task)))
        return sl_fail(SL_STATUS_INVALID, THING, "loss", "%s forms pairs from class labels; it needs a binary or multiclass data set, "
                       "got a %s one", lt, words[t->task]);
    if (!(fits & (1 << t->task)))
        return sl_fail(SL_STATUS_INVALID, THING, "loss", "%s does not fit a %s task; use one of %s", lt, words[t->task],
                       sl_loss_fitting(t->task));
    if (sl_loss_reduction(t->loss) == SL_RED_NONE)
        return sl_fail(SL_STATUS_INVALID, THING, "loss", "must reduce to one number: reduction 'mean' or 'sum', got 'none'");
    t->hinge = !strcmp(lt, "HingeLoss") || !strcmp(lt, "SquaredHingeLoss"); /* labels -1 and 1 */
    if (nd->regularization < 0) return SL_STATUS_OK;
    if ((st = sl_loss_from_spec(doc, nd->regularization, &t->reg))) return st;
    if (!sl_loss_is_penalty(t->reg))
        return sl_fail(SL_STATUS_INVALID, THING, "regularization", "must be an L1, L2 or ElasticNet spec, got %s", sl_loss_type(t->reg));
    return SL_STATUS_OK;
}

static double step_work(const sl_trainer *t, int b);
static double eval_work(const sl_trainer *t);

/* The model, after the work limit: one step of the largest batch and the epoch's evaluation must fit one call. */
static sl_status make_model(sl_trainer *t, const sl_json *doc, const sl_train_nodes *nd)
{
    const sl_train_model *M = &t->cfg.model;
    int sizes[SL_MLP_MAX_LAYERS + 1], n = 0;
    t->n_out = t->embed ? M->embedding_dim : t->task == SL_TASK_MULTICLASS ? t->n_classes : 1;
    sizes[n++] = sl_dataset_n_features(t->ds);
    for (int i = 0; i < M->n_hidden; i++) sizes[n++] = M->hidden[i];
    sizes[n++] = t->n_out;
    t->macs = 0;
    for (int l = 0; l + 1 < n; l++) t->macs += ((double)sizes[l] + 1) * sizes[l + 1];
    double one = step_work(t, t->bmax) + eval_work(t);
    if (t->macs <= SL_MLP_MAX_PARAMS && one > SL_WORK_LIMIT)
        return sl_fail(SL_STATUS_RANGE, THING, NULL, "one step (a batch of %d rows through %.3g multiply-adds each, forward and backward) "
                       "and the epoch's evaluation of %d rows take about %.3g multiply-adds, more than the %.3g one call may do; "
                       "reduce model.hidden, batch_size or the data set", t->bmax, t->macs, t->n_train + t->n_val, one, SL_WORK_LIMIT);
    sl_status st = sl_mlp_create(sizes, n, M->activation, &t->m);
    if (st) return st;
    sl_mlp_init(t->m, M->init, (uint64_t)t->cfg.seed);
    return nd->init_weights < 0 ? SL_STATUS_OK : sl_mlp_weights_from_spec(t->m, doc, nd->init_weights, "model", "init_weights");
}

/* Rows per evaluation chunk and the workspace's rows: a whole split when it
 * has at most SL_TRAIN_EVAL_ROWS rows, so small sets evaluate in one pass. */
static void size_buffers(sl_trainer *t)
{
    int n_max = t->n_train > t->n_val ? t->n_train : t->n_val;
    t->eval_rows = n_max < SL_TRAIN_EVAL_ROWS ? n_max : SL_TRAIN_EVAL_ROWS;
    t->cap = t->bmax > t->eval_rows ? t->bmax : t->eval_rows;
    t->tuple_cap = 2 * t->cap;
}

static sl_status allocate(sl_trainer *t)
{
    int n = t->n_train + t->n_val, np = sl_mlp_n_params(t->m), d = sl_dataset_n_features(t->ds), c = t->n_out;
    int k = sl_train_classes(t), n_max = t->n_train > t->n_val ? t->n_train : t->n_val;
    sl_status st = sl_mlp_work_create(t->m, t->cap, &t->w);
    if (st) return st;
    t->perm = malloc((size_t)t->n_train * sizeof(int));
    t->confusion = calloc((size_t)k * k, sizeof(int));
    t->Xb = malloc((size_t)t->bmax * d * sizeof(float));
    t->yb = malloc((size_t)t->bmax * sizeof(float));
    t->tgt = malloc((size_t)n * sizeof(float));
    t->g = malloc((size_t)t->cap * c * sizeof(float));
    t->gpen = malloc((size_t)np * sizeof(float));
    t->best = malloc((size_t)np * sizeof(float));
    t->upd = calloc((size_t)np, sizeof(float));
    if (t->embed) {
        /* tuple indices (3 x tuple_cap), each row's partners (2 x n_max rows), per-class scratch (k);
         * the three tuple inputs and their gradients (6 x tuple_cap x c), the pair labels (tuple_cap);
         * a split's outputs (n_max x c); centroids (k x c) and distances (k) */
        size_t tc = (size_t)t->tuple_cap;
        t->eidx = malloc((3 * tc + 2 * (size_t)n_max + (size_t)k) * sizeof(int));
        t->ebuf = malloc((6 * tc * c + tc) * sizeof(float));
        t->eout = malloc((size_t)n_max * c * sizeof(float));
        t->cent = malloc((size_t)k * (c + 1) * sizeof(double));
        if (!t->eidx || !t->ebuf || !t->eout || !t->cent) return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    }
    if (!t->perm || !t->confusion || !t->Xb || !t->yb || !t->tgt || !t->g || !t->gpen || !t->best || !t->upd)
        return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    return SL_STATUS_OK;
}

/* Everything a step and an evaluation cost, in multiply-adds (see sl_trainer_work). */
static double step_work(const sl_trainer *t, int b)
{
    double w = 3 * (double)b * t->macs + 8 * t->macs * (t->reg ? 2 : 1) + SL_WORK_PER_STEP;
    if (t->embed && t->cfg.mining) w += (double)b * b * t->n_out; /* mining compares every pair of the batch */
    if (t->cfg.snapshot_ensemble) w += (double)t->n_val * t->macs; /* any step may end a cycle: a snapshot's forward pass */
    return w;
}

static double eval_work(const sl_trainer *t)
{
    return ((double)t->n_train * (t->embed ? 2 : 1) + t->n_val) * t->macs;
}

double sl_trainer_work(const sl_trainer *t, double steps)
{
    double total = 0, left = steps;
    int e = t->epoch, cur = t->cursor, n = t->n_train;
    if (t->status != SL_TRAIN_RUNNING || !(steps > 0)) return 0;
    while (left > 0 && e < t->cfg.epochs) {
        int b = sl_train_batch_at(&t->cfg, t->batch0, n, e), spe = (n - cur + b - 1) / b;
        double take = left < spe ? floor(left) : spe;
        if (take < 1) break;
        double rows = take == spe ? n - cur : take * b;
        total += 3 * rows * t->macs + take * (step_work(t, b) - 3 * (double)b * t->macs);
        left -= take;
        if (take < spe) break;
        total += eval_work(t);
        e++, cur = 0;
    }
    return total;
}

int sl_trainer_steps_left_in_epoch(const sl_trainer *t)
{
    return t->status != SL_TRAIN_RUNNING ? 0 : (t->n_train - t->cursor + t->batch - 1) / t->batch;
}

sl_status sl_trainer_check_work(const sl_trainer *t, double steps, int call)
{
    double w = sl_trainer_work(t, steps);
    if (w <= SL_WORK_LIMIT) return SL_STATUS_OK;
    double lo = 1, hi = steps < 1e15 ? steps : 1e15; /* the most steps that fit: work grows with steps */
    while (hi - lo > 0.5) {
        double mid = floor((lo + hi + 1) / 2);
        if (sl_trainer_work(t, mid) <= SL_WORK_LIMIT) lo = mid;
        else hi = mid - 1;
    }
    char what[80];
    if (call == SL_CALL_FIT) snprintf(what, sizeof what, "fit() (the %d epochs left)", t->cfg.epochs - t->epoch);
    else if (call == SL_CALL_EPOCH) snprintf(what, sizeof what, "epoch() (the %s steps left in this epoch)", sl_num(steps).s);
    else snprintf(what, sizeof what, "of %s steps", sl_num(steps).s);
    return sl_fail(SL_STATUS_RANGE, THING, call == SL_CALL_STEP ? "k" : NULL,
                   "%s takes about %.3g multiply-adds, more than the %.3g one call may do; take at most %s steps per call "
                   "(step(k) in chunks, e.g. in a Web Worker)%s",
                   what, w, SL_WORK_LIMIT, sl_num(lo).s, call == SL_CALL_FIT ? " or reduce epochs" : "");
}

static sl_status build(sl_trainer *t, const sl_json *doc, const sl_dataset *ds)
{
    sl_train_nodes nd;
    sl_status st;
    if ((st = sl_train_config_decode(doc, &t->cfg, &nd))) return st;
    if ((st = sl_train_dataset(doc, nd.dataset, ds, &t->ds))) return st;
    t->task = sl_dataset_task(t->ds);
    t->n_train = sl_dataset_n_train(t->ds);
    t->n_val = sl_dataset_n_samples(t->ds) - t->n_train;
    t->n_classes = sl_dataset_n_classes(t->ds);
    if ((st = sl_train_batch0(&t->cfg, doc, nd.batch_size, t->n_train, &t->batch0))) return st;
    const sl_train_batch_schedule *B = &t->cfg.batch_size_schedule;
    t->bmax = t->batch0;
    for (int e = 0; e < B->n; e++) { /* the batch only changes at milestones */
        int b = sl_train_batch_at(&t->cfg, t->batch0, t->n_train, B->milestones[e]);
        t->bmax = b > t->bmax ? b : t->bmax;
    }
    t->batch = sl_train_batch_at(&t->cfg, t->batch0, t->n_train, 0);
    if (t->cfg.early_stopping.patience >= 0 && t->n_val == 0)
        return sl_fail(SL_STATUS_INVALID, THING, "early_stopping", "needs a validation split (dataset.val_fraction > 0)");
    if ((st = make_losses(t, doc, &nd)) || (st = make_model(t, doc, &nd))) return st;
    if (t->embed && (double)(t->n_train > t->n_val ? t->n_train : t->n_val) * t->n_out > SL_DATA_MAX_VALUES)
        return sl_fail(SL_STATUS_INVALID, "model", "embedding_dim", "of %d for %d rows gives more than %d embedding values", t->n_out,
                       t->n_train > t->n_val ? t->n_train : t->n_val, SL_DATA_MAX_VALUES);
    int np = sl_mlp_n_params(t->m);
    if ((st = sl_train_optimizer(t, doc, nd.optimizer, nd.scheduler))) return st;
    if (sl_optimizer_needs_closure(t->opt))
        return sl_fail(SL_STATUS_INVALID, THING, "optimizer", "%s needs a closure; use another optimizer", sl_optimizer_type(t->opt));
    if (t->cfg.scheduler_order && sl_optimizer_needs_metric(t->opt))
        return sl_fail(SL_STATUS_INVALID, THING, "scheduler_order", "'before' means scheduler.step() before optimizer.step() in each "
                       "batch; ReduceLROnPlateau steps once per epoch on the validation loss, so use 'after'");
    if (t->cfg.scheduler_order && t->cfg.scheduler_interval)
        return sl_fail(SL_STATUS_INVALID, THING, "scheduler_order", "'before' means scheduler.step() before optimizer.step() in each "
                       "batch; with scheduler_interval 'epoch' the scheduler steps after the epoch's last batch, so use 'after'");
    size_buffers(t);
    if ((st = allocate(t)) || (st = sl_train_snapshot_setup(t))) return st;
    if ((t->config_len = sl_train_config_write(doc, &t->config_text)) < 0)
        return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    const float *y = sl_dataset_y(t->ds);
    for (int i = 0; i < t->n_train + t->n_val; i++) t->tgt[i] = t->hinge ? 2 * y[i] - 1 : y[i];
    for (int i = 0; i < t->n_train; i++) t->perm[i] = i;
    sl_rng_seed(&t->rng, (uint64_t)t->cfg.seed, 3);
    t->es_best = INFINITY;
    t->es_best_epoch = 0;
    memcpy(t->best, sl_mlp_params(t->m), (size_t)np * sizeof(float));
    for (int i = 0; i < SL_EP_COUNT; i++) t->record[i] = NAN;
    t->last_loss = t->diverged_step = t->last_lr = NAN;
    return SL_STATUS_OK;
}

sl_status sl_trainer_create(const char *json, double len, const sl_dataset *ds, sl_trainer **out)
{
    *out = NULL;
    sl_json doc;
    int bytes = 0;
    sl_status st = sl_count_check(len, 0, 2147483647.0, THING, "spec length", &bytes);
    if (st) return st;
    st = sl_json_parse(json, (size_t)bytes, &doc, THING);
    if (st) return st;
    sl_trainer *t = calloc(1, sizeof *t);
    if (!t) st = sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    else st = build(t, &doc, ds);
    sl_json_free(&doc);
    if (st) {
        sl_trainer_free(t);
        return st;
    }
    *out = t;
    return SL_STATUS_OK;
}

/* ---- getters ---- */

int sl_trainer_status(const sl_trainer *t) { return t->status; }
int sl_trainer_epoch(const sl_trainer *t) { return t->epoch; }
double sl_trainer_steps(const sl_trainer *t) { return t->steps; }
double sl_trainer_last_loss(const sl_trainer *t) { return t->last_loss; }
double sl_trainer_diverged_step(const sl_trainer *t) { return t->diverged_step; }
int sl_trainer_best_epoch(const sl_trainer *t) { return t->es_best_epoch; }
const double *sl_trainer_record(const sl_trainer *t) { return t->record; }
const int *sl_trainer_confusion(const sl_trainer *t) { return t->confusion; }
int sl_trainer_n_out(const sl_trainer *t) { return t->n_out; }
int sl_trainer_steps_per_epoch(const sl_trainer *t) { return (t->n_train + t->batch - 1) / t->batch; }
int sl_trainer_batch_size(const sl_trainer *t) { return t->batch; }
int sl_trainer_task(const sl_trainer *t) { return t->embed ? SL_TRAIN_EMBEDDING : t->task; }
int sl_trainer_predict_width(const sl_trainer *t) { return t->embed ? sl_train_classes(t) : t->n_out; }
int sl_trainer_n_tensors(const sl_trainer *t) { return 2 * sl_mlp_n_layers(t->m); }
sl_mlp *sl_trainer_model(sl_trainer *t) { return t->m; }
sl_dataset *sl_trainer_dataset(sl_trainer *t) { return t->ds; }
sl_optimizer *sl_trainer_optimizer(sl_trainer *t) { return t->opt; }
const char *sl_trainer_config_text(const sl_trainer *t) { return t->config_text; }

static double norm2(const float *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
    return sqrt(s);
}

sl_status sl_trainer_inspect(sl_trainer *t, double *out, double cap)
{
    sl_mlp *m = t->m;
    int nt = sl_trainer_n_tensors(t);
    if (!out || !(cap >= (double)nt * SL_TRAIN_INSPECT))
        return sl_fail(SL_STATUS_INVALID, THING, "inspect", "needs room for %d doubles (%d tensors of %d), got %s", nt * SL_TRAIN_INSPECT,
                       nt, SL_TRAIN_INSPECT, sl_num(cap).s);
    const float *mo = sl_optimizer_moment(t->opt, 0), *vo = sl_optimizer_moment(t->opt, 1);
    for (int l = 0; l < m->n_layers; l++)
        for (int k = 0; k < 2; k++) {
            int lo = k ? m->b_off[l] : m->w_off[l], n = m->sizes[l + 1] * (k ? 1 : m->sizes[l]);
            double *r = out + (size_t)(2 * l + k) * SL_TRAIN_INSPECT;
            r[0] = norm2(sl_mlp_params(m) + lo, n), r[1] = norm2(sl_mlp_grads(m) + lo, n), r[2] = norm2(t->upd + lo, n);
            r[3] = sl_optimizer_step_size(t->opt, t->last_lr, lo, lo + n);
            r[4] = mo ? norm2(mo + lo, n) / sqrt(n) : NAN;
            r[5] = vo ? norm2(vo + lo, n) / sqrt(n) : NAN;
            r[6] = t->group_of_tensor[2 * l + k], r[7] = sl_trainer_tensor_lr(t, 2 * l + k);
            r[8] = sl_trainer_tensor_trust_ratio(t, 2 * l + k);
        }
    return SL_STATUS_OK;
}

/* ---- the registry's "trainer" member ---- */

/* A '|'-separated list as a JSON array of strings. */
static int words_json(char **buf, int len, int *cap, const char *key, const char *words)
{
    char item[80];
    snprintf(item, sizeof item, ",\"%s\":[", key);
    len = sl_json_append(buf, len, cap, item);
    for (int first = 1; *words; first = 0) {
        size_t n = strcspn(words, "|");
        snprintf(item, sizeof item, "%s\"%.*s\"", first ? "" : ",", (int)n, words);
        len = sl_json_append(buf, len, cap, item);
        words += n + (words[n] == '|');
    }
    return sl_json_append(buf, len, cap, "]");
}

int sl_trainer_json(char **buf, int len, int *cap)
{
    char num[160];
    len = sl_json_append(buf, len, cap, "{\"epoch_record\":{"
                         "\"binary\":[\"train_loss\",\"val_loss\",\"train_accuracy\",\"val_accuracy\",null,null,\"lr\",\"ensemble_val_accuracy\",null,\"snapshots\"],"
                         "\"multiclass\":[\"train_loss\",\"val_loss\",\"train_accuracy\",\"val_accuracy\",null,null,\"lr\",\"ensemble_val_accuracy\",null,\"snapshots\"],"
                         "\"regression\":[\"train_loss\",\"val_loss\",\"train_mse\",\"val_mse\",\"train_mae\",\"val_mae\",\"lr\",\"ensemble_val_mse\",\"ensemble_val_mae\",\"snapshots\"],"
                         "\"embedding\":[\"train_loss\",\"val_loss\",\"train_accuracy\",\"val_accuracy\",null,null,\"lr\",null,null,null]},"
                         "\"evaluate_record\":{\"binary\":[\"loss\",\"accuracy\",null],\"multiclass\":[\"loss\",\"accuracy\",null],"
                         "\"regression\":[\"loss\",\"mse\",\"mae\"],\"embedding\":[\"loss\",\"accuracy\",null]}");
    len = words_json(buf, len, cap, "step_record", SL_TRAIN_STEP_NAMES);
    len = words_json(buf, len, cap, "inspect", SL_TRAIN_INSPECT_NAMES);
    len = words_json(buf, len, cap, "statuses", SL_TRAIN_STATUS_NAMES);
    len = words_json(buf, len, cap, "tasks", SL_TRAIN_TASK_NAMES);
    len = words_json(buf, len, cap, "splits", SL_TRAIN_SPLIT_NAMES);
    len = words_json(buf, len, cap, "calls", SL_TRAIN_CALL_NAMES);
    snprintf(num, sizeof num, ",\"limits\":{\"work\":%s,\"epochs\":%d,\"eval_rows\":%d,\"grid\":4096}}", sl_num(SL_WORK_LIMIT).s,
             SL_TRAIN_MAX_EPOCHS, SL_TRAIN_EVAL_ROWS);
    return sl_json_append(buf, len, cap, num);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
