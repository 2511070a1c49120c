/* The training loop of train.h. Every numeric step is a call into the other
 * families: sl_mlp_forward / sl_mlp_backward, sl_loss_eval, sl_optimizer_step,
 * so a trainer's update is the one lab.loss and lab.createOptimizer make.
 * What is here: batching, the penalty, gradient clipping (PyTorch's
 * clip_grad_norm_ / clip_grad_value_), epoch metrics, epoch-wise scheduling,
 * early stopping and divergence. */
#include "train.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = "Trainer";

/* Not in the registry (the trainer is configured as a whole), so no help texts. */
static const sl_param P_TRAIN[] = {
    { "dataset", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "model", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "loss", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "optimizer", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "scheduler", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "regularization", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "batch_size", SL_P_ANY, 32, 0, 0, 0, NULL, 0, 0, NULL },
    { "epochs", SL_P_INT, 10, 1, 1000000, 0, NULL, 0, 0, NULL },
    { "seed", SL_P_INT, 0, 0, 4294967295.0, 0, NULL, 0, 0, NULL },
    { "shuffle", SL_P_BOOL, 1, 0, 1, 0, NULL, 0, 0, NULL },
    { "scheduler_interval", SL_P_ENUM, 0, 0, 0, 0, "step|epoch", 0, 0, NULL },
    { "grad_clip", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "early_stopping", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "batch_size_schedule", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "scheduler_order", SL_P_ENUM, 0, 0, 0, 0, "after|before", 0, 0, NULL },
    { "mining", SL_P_ENUM, 0, 0, 0, 0, "random|hard|semi-hard", 0, 0, NULL },
};
enum { T_DATASET, T_MODEL, T_LOSS, T_OPT, T_SCHED, T_REG, T_BATCH, T_EPOCHS, T_SEED, T_SHUFFLE, T_INTERVAL, T_CLIP,
       T_ES, T_BSS, T_ORDER, T_MINING, T_N };
static const sl_kind K_TRAIN = { "Trainer", P_TRAIN, T_N, NULL };

static const sl_param P_MODEL[] = {
    { "hidden", SL_P_NUMS, NAN, 1, SL_MLP_MAX_WIDTH, 0, NULL, 0, SL_MLP_MAX_LAYERS - 1, NULL },
    { "activation", SL_P_ENUM, 0, 0, 0, 0, SL_ACT_NAMES, 0, 0, NULL },
    { "init", SL_P_ENUM, SL_INIT_PYTORCH, 0, 0, 0, SL_INIT_NAMES, 0, 0, NULL },
    { "embedding_dim", SL_P_INT, 2, 1, SL_MLP_MAX_WIDTH, 0, NULL, 0, 0, NULL },
};
static const sl_kind K_MODEL = { "model", P_MODEL, 4, NULL };

/* like MultiStepLR, for the batch size */
static const sl_param P_BSS[] = {
    { "milestones", SL_P_NUMS, NAN, 0, 1000000, SL_F_REQUIRED, NULL, 1, SL_TRAIN_MAX_MILESTONES, NULL },
    { "gamma", SL_P_NUM, 2, 0, INFINITY, SL_F_LO_OPEN, NULL, 0, 0, NULL },
};
static const sl_kind K_BSS = { "batch_size_schedule", P_BSS, 2, NULL };

static const sl_param P_CLIP[] = {
    { "max_norm", SL_P_NUM, NAN, 0, INFINITY, SL_F_LO_OPEN, NULL, 0, 0, NULL },
    { "norm_type", SL_P_NUM, 2, 1, INFINITY, 0, NULL, 0, 0, NULL },
    { "clip_value", SL_P_NUM, NAN, 0, INFINITY, SL_F_LO_OPEN, NULL, 0, 0, NULL },
};
static const sl_kind K_CLIP = { "grad_clip", P_CLIP, 3, NULL };

static const sl_param P_ES[] = {
    { "patience", SL_P_INT, 5, 0, 1000000, 0, NULL, 0, 0, NULL },
    { "min_delta", SL_P_NUM, 0, 0, INFINITY, 0, NULL, 0, 0, NULL },
    { "restore_best", SL_P_BOOL, 1, 0, 1, 0, NULL, 0, 0, NULL },
};
static const sl_kind K_ES = { "early_stopping", P_ES, 3, NULL };

/* Losses that fit each task; hinge losses read labels -1 and 1. */
static const char *FITS[SL_TASK_COUNT] = {
    "BCEWithLogitsLoss|FocalLoss|HingeLoss|SquaredHingeLoss",
    "CrossEntropyLoss|MultiMarginLoss|FocalLoss",
    "MSELoss|L1Loss|HuberLoss|SmoothL1Loss",
};

static int word_in(const char *words, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = words; *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, w, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static sl_status decode_obj(const sl_json *doc, int node, const sl_kind *k, const char *extra, sl_args *a)
{
    char got[64];
    if (doc->nodes[node].type != SL_J_OBJ) {
        sl_json_describe(doc, node, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, THING, k->name, "must be an object, got %s", got);
    }
    return sl_spec_decode(doc, node, k, extra, a);
}

void sl_trainer_free(sl_trainer *t)
{
    if (!t) return;
    sl_dataset_free(t->ds);
    sl_mlp_work_free(t->w);
    sl_mlp_free(t->m);
    sl_loss_free(t->loss);
    sl_loss_free(t->reg);
    sl_optimizer_free(t->opt);
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
    free(t);
}

static sl_status copy_dataset(const sl_dataset *src, sl_dataset **out)
{
    int size = sl_dataset_state_size(src);
    void *buf = malloc((size_t)size);
    if (!buf) return sl_fail(SL_STATUS_NOMEM, THING, "dataset", "out of memory");
    sl_dataset_state_save((sl_dataset *)src, buf);
    sl_status st = sl_dataset_restore(buf, size, out);
    free(buf);
    return st;
}

/* The batch size of epoch e: batch_size times gamma at each milestone <= e, rounded and clamped each time. */
static int batch_at(const sl_trainer *t, int e)
{
    int b = t->batch0;
    for (int k = 0; k < t->n_mil; k++)
        if (t->mil[k] <= e) {
            double v = floor(b * t->bs_gamma + 0.5);
            b = v < 1 ? 1 : v > t->n_train ? t->n_train : (int)v;
        }
    return b;
}

static sl_status build(sl_trainer *t, const sl_json *doc, const sl_dataset *ds, const char *loss, int loss_len,
                       const char *opt, int opt_len, const char *reg, int reg_len, const float *init, int n_init)
{
    sl_args a, am, ac, ae, ab;
    sl_status st;
    char got[64];
    if (doc->nodes[0].type != SL_J_OBJ) {
        sl_json_describe(doc, 0, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "config must be an object, got %s", got);
    }
    if ((st = sl_spec_decode(doc, 0, &K_TRAIN, "", &a))) return st;
    int mn = a.node[T_MODEL];
    if (mn < 0) return sl_fail(SL_STATUS_INVALID, THING, "model", "is required");
    if ((st = decode_obj(doc, mn, &K_MODEL, "init_weights", &am))) return st;
    int sizes[SL_MLP_MAX_LAYERS + 1], n_sizes = 1;
    if (am.node[0] >= 0)
        for (int c = doc->nodes[am.node[0]].child; c >= 0; c = doc->nodes[c].next) {
            double v = doc->nodes[c].num;
            if (v != floor(v))
                return sl_fail(SL_STATUS_INVALID, "model", "hidden", "[%d] must be an integer, got %s", n_sizes - 1, sl_num(v).s);
            sizes[n_sizes++] = (int)v;
        }
    t->clip = 0;
    if (a.node[T_CLIP] >= 0 && doc->nodes[a.node[T_CLIP]].type != SL_J_NULL) {
        if ((st = decode_obj(doc, a.node[T_CLIP], &K_CLIP, "", &ac))) return st;
        if (ac.present[0] == ac.present[2])
            return sl_fail(SL_STATUS_INVALID, "grad_clip", NULL, "needs exactly one of max_norm (clip by norm) and clip_value (clip by value)");
        t->clip = ac.present[0] ? 1 : 2;
        t->max_norm = ac.v[0], t->norm_type = ac.v[1], t->clip_value = ac.v[2];
    }
    t->es_patience = -1;
    if (a.node[T_ES] >= 0 && doc->nodes[a.node[T_ES]].type != SL_J_NULL) {
        if ((st = decode_obj(doc, a.node[T_ES], &K_ES, "", &ae))) return st;
        t->es_patience = (int)ae.v[0], t->es_min_delta = ae.v[1], t->es_restore = (int)ae.v[2];
    }
    int bss = a.node[T_BSS] >= 0 && doc->nodes[a.node[T_BSS]].type != SL_J_NULL;
    if (bss) {
        if ((st = decode_obj(doc, a.node[T_BSS], &K_BSS, "", &ab))) return st;
        for (int c = doc->nodes[ab.node[0]].child; c >= 0; c = doc->nodes[c].next) {
            double v = doc->nodes[c].num;
            if (v != floor(v))
                return sl_fail(SL_STATUS_INVALID, "batch_size_schedule", "milestones", "[%d] must be an integer epoch, got %s",
                               t->n_mil, sl_num(v).s);
            t->mil[t->n_mil++] = (int)v;
        }
        t->bs_gamma = ab.v[1];
    }
    t->epochs = (int)a.v[T_EPOCHS];
    t->shuffle = (int)a.v[T_SHUFFLE];
    t->epoch_sched = (int)a.v[T_INTERVAL];
    t->sched_before = (int)a.v[T_ORDER];
    t->mining = (int)a.v[T_MINING];
    uint64_t seed = (uint64_t)a.v[T_SEED];

    /* the data set, then everything shaped by it */
    if (ds) st = copy_dataset(ds, &t->ds);
    else if (a.node[T_DATASET] < 0) st = sl_fail(SL_STATUS_INVALID, THING, "dataset", "is required");
    else st = sl_dataset_from_spec(doc, a.node[T_DATASET], &t->ds);
    if (st) return st;
    t->task = sl_dataset_task(t->ds);
    t->n_train = sl_dataset_n_train(t->ds);
    t->n_val = sl_dataset_n_samples(t->ds) - t->n_train;
    t->n_classes = sl_dataset_n_classes(t->ds);
    int n = t->n_train + t->n_val;
    int bn = a.node[T_BATCH];
    if (bn >= 0 && doc->nodes[bn].type == SL_J_STR && !strcmp(doc->nodes[bn].str, "full")) {
        if (bss)
            return sl_fail(SL_STATUS_INVALID, THING, "batch_size_schedule", "needs a numeric batch_size, got 'full'");
        t->batch0 = t->n_train;
    } else {
        double b = bn < 0 ? 32 : doc->nodes[bn].num;
        if (bn < 0 && b > t->n_train) b = t->n_train;
        if ((bn >= 0 && doc->nodes[bn].type != SL_J_NUM) || !(b >= 1 && b <= t->n_train) || b != floor(b)) {
            sl_json_describe(doc, bn, got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, THING, "batch_size", "must be an integer in [1, %d] (the training rows) or 'full', got %s",
                           t->n_train, got);
        }
        t->batch0 = (int)b;
    }
    int bmax = t->batch0;
    for (int e = 0; e < t->n_mil; e++) { /* the batch only changes at milestones */
        int b = batch_at(t, t->mil[e]);
        bmax = b > bmax ? b : bmax;
    }
    t->batch = batch_at(t, 0);
    if (t->es_patience >= 0 && t->n_val == 0)
        return sl_fail(SL_STATUS_INVALID, THING, "early_stopping", "needs a validation split (dataset.val_fraction > 0)");

    if (!loss || !opt) return sl_fail(SL_STATUS_INVALID, THING, loss ? "optimizer" : "loss", "is required");
    if ((st = sl_loss_create(loss, loss_len, &t->loss))) return st;
    const char *lt = sl_loss_type(t->loss);
    t->embed = !strcmp(lt, "ContrastiveLoss") ? SL_EMBED_PAIRS : !strcmp(lt, "TripletMarginLoss") ? SL_EMBED_TRIPLETS : 0;
    if (t->embed && t->task == SL_TASK_REGRESSION)
        return sl_fail(SL_STATUS_INVALID, THING, "loss", "%s forms pairs from class labels; it needs a binary or multiclass data set, got a regression one", lt);
    if (!t->embed && !word_in(FITS[t->task], lt))
        return sl_fail(SL_STATUS_INVALID, THING, "loss", "%s does not fit a %s task; use one of %s", lt,
                       t->task == SL_TASK_BINARY ? "binary" : t->task == SL_TASK_MULTICLASS ? "multiclass" : "regression",
                       FITS[t->task]);
    if (sl_loss_reduction(t->loss) == SL_RED_NONE)
        return sl_fail(SL_STATUS_INVALID, THING, "loss", "must reduce to one number: reduction 'mean' or 'sum', got 'none'");
    t->hinge = !strncmp(lt, "Hinge", 5) || !strncmp(lt, "SquaredHinge", 12);
    if (reg) {
        if ((st = sl_loss_create(reg, reg_len, &t->reg))) return st;
        if (!word_in("L1|L2|ElasticNet", sl_loss_type(t->reg)))
            return sl_fail(SL_STATUS_INVALID, THING, "regularization", "must be an L1, L2 or ElasticNet spec, got %s",
                           sl_loss_type(t->reg));
    }

    t->n_out = t->embed ? (int)am.v[3] : t->task == SL_TASK_MULTICLASS ? t->n_classes : 1;
    sizes[0] = sl_dataset_n_features(t->ds);
    sizes[n_sizes++] = t->n_out;
    if ((st = sl_mlp_create(sizes, n_sizes, (int)am.v[1], &t->m))) return st;
    int np = sl_mlp_n_params(t->m);
    if (init) {
        if (n_init != np)
            return sl_fail(SL_STATUS_INVALID, "model", "init_weights", "must hold %d numbers in all, got %d", np, n_init);
        for (int i = 0; i < np; i++)
            if (!isfinite(init[i]))
                return sl_fail(SL_STATUS_INVALID, "model", "init_weights", "must be finite, got %s at %d", sl_num(init[i]).s, i);
        memcpy(sl_mlp_params(t->m), init, (size_t)np * sizeof(float));
    } else {
        sl_mlp_init(t->m, (int)am.v[2], seed);
    }
    if ((st = sl_optimizer_create(opt, opt_len, np, &t->opt))) return st;
    if (sl_optimizer_needs_closure(t->opt))
        return sl_fail(SL_STATUS_INVALID, THING, "optimizer", "%s needs a closure; use another optimizer", sl_optimizer_type(t->opt));

    t->cap = bmax > t->n_train ? bmax : t->n_train;
    if (t->n_val > t->cap) t->cap = t->n_val;
    if ((st = sl_mlp_work_create(t->m, t->cap, &t->w))) return st;
    int d = sizes[0], c = t->n_out, k = t->n_classes < 2 ? 2 : t->n_classes;
    t->perm = malloc((size_t)t->n_train * sizeof(int));
    t->confusion = calloc((size_t)k * k, sizeof(int));
    t->Xb = malloc((size_t)bmax * d * sizeof(float));
    t->yb = malloc((size_t)bmax * sizeof(float));
    t->tgt = malloc((size_t)n * sizeof(float));
    t->g = malloc((size_t)t->cap * c * sizeof(float));
    t->gpen = malloc((size_t)np * sizeof(float));
    t->best = malloc((size_t)np * sizeof(float));
    t->upd = calloc((size_t)np, sizeof(float));
    if (t->embed) {
        /* up to two pairs or one triplet per row: indices (3 x 2 cap), each row's partners (2 x cap),
         * per-class scratch (k); the three inputs, their gradients (6 x 2 cap x c), the pair labels
         * (2 cap); centroids (k x c doubles) and distances to them (k) */
        size_t m2 = 2 * (size_t)t->cap;
        t->eidx = malloc((3 * m2 + 2 * (size_t)t->cap + (size_t)k) * sizeof(int));
        t->ebuf = malloc((6 * m2 * c + m2) * sizeof(float) + (size_t)k * (c + 1) * sizeof(double));
        if (!t->eidx || !t->ebuf) return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    }
    if (!t->perm || !t->confusion || !t->Xb || !t->yb || !t->tgt || !t->g || !t->gpen || !t->best || !t->upd)
        return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    const float *y = sl_dataset_y(t->ds);
    for (int i = 0; i < n; i++) t->tgt[i] = t->hinge ? 2 * y[i] - 1 : y[i];
    for (int i = 0; i < t->n_train; i++) t->perm[i] = i;
    sl_rng_seed(&t->rng, seed, 3);
    t->es_best = INFINITY;
    t->es_best_epoch = 0;
    memcpy(t->best, sl_mlp_params(t->m), (size_t)np * sizeof(float));
    for (int i = 0; i < SL_EP_COUNT; i++) t->record[i] = NAN;
    t->last_loss = t->diverged_step = t->last_lr = NAN;
    return SL_STATUS_OK;
}

sl_status sl_trainer_create(const char *json, int len, const sl_dataset *ds, const char *loss, int loss_len,
                            const char *opt, int opt_len, const char *reg, int reg_len, const float *init, int n_init,
                            sl_trainer **out)
{
    *out = NULL;
    sl_json doc;
    sl_status st = sl_json_parse(json, (size_t)(len < 0 ? 0 : len), &doc, THING);
    if (st) return st;
    sl_trainer *t = calloc(1, sizeof *t);
    if (!t) st = sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    else st = build(t, &doc, ds, loss, loss_len, opt, opt_len, reg, reg_len, init, n_init);
    sl_json_free(&doc);
    if (st) {
        sl_trainer_free(t);
        return st;
    }
    *out = t;
    return SL_STATUS_OK;
}

/* ---- metric learning ---- */

static double dist2(const float *a, const float *b, int c)
{
    double s = 0;
    for (int j = 0; j < c; j++) s += ((double)a[j] - b[j]) * ((double)a[j] - b[j]);
    return s;
}

/* Mining: row i's negative becomes the nearest other-label row (hard), or the
 * nearest one farther than its positive, else the farthest (semi-hard, the
 * rule of TensorFlow Addons' TripletSemiHardLoss); squared distances of the
 * outputs o, ties to the first row. */
static int mine(const sl_trainer *t, const float *o, const float *y, int n, int i, int pos)
{
    int c = t->n_out, best = -1, far = -1;
    double dap = pos >= 0 ? dist2(o + (size_t)i * c, o + (size_t)pos * c, c) : 0, bd = INFINITY, fd = -1;
    for (int j = 0; j < n; j++) {
        if (y[j] == y[i]) continue;
        double d = dist2(o + (size_t)i * c, o + (size_t)j * c, c);
        if (d < bd && (t->mining == SL_MINE_HARD || d > dap)) bd = d, best = j;
        if (d > fd) fd = d, far = j;
    }
    return best >= 0 ? best : far;
}

/* The tuples of n rows labelled y (the rule in train.h) into t->eidx: ti, tj
 * (and tk for triplets), pair labels in the pair-label buffer; returns their
 * count. One backward pass over the rows repeated twice finds each row's next
 * same-label row (the last position seen per class) and next different-label
 * row (a run of equal labels shares it), so the cost is O(n + classes); with
 * outputs o, the negatives are mined (O(n^2)). */
static int form_tuples(sl_trainer *t, const float *o, const float *y, int n)
{
    int m2 = 2 * t->cap, *ti = t->eidx, *tj = ti + m2, *tk = tj + m2, *pos = tk + m2, *neg = pos + t->cap;
    int *seen = neg + t->cap, k = t->n_classes < 2 ? 2 : t->n_classes, nd = INT_MAX, m = 0;
    float *tl = t->ebuf + (size_t)6 * m2 * t->n_out;
    for (int j = 0; j < k; j++) seen[j] = INT_MAX;
    for (int p = 2 * n - 1; p >= 0; p--) {
        int yi = (int)y[p % n];
        if (p + 1 < 2 * n && (int)y[(p + 1) % n] != yi) nd = p + 1;
        if (p < n) pos[p] = seen[yi] < p + n ? seen[yi] % n : -1, neg[p] = nd < p + n ? nd % n : -1;
        seen[yi] = p;
    }
    for (int i = 0; i < n; i++) {
        if (o && t->mining && neg[i] >= 0) neg[i] = mine(t, o, y, n, i, pos[i]);
        if (t->embed == SL_EMBED_TRIPLETS) {
            if (pos[i] >= 0 && neg[i] >= 0) ti[m] = i, tj[m] = pos[i], tk[m++] = neg[i];
            continue;
        }
        if (pos[i] >= 0) ti[m] = i, tj[m] = pos[i], tl[m++] = 0;
        if (neg[i] >= 0) ti[m] = i, tj[m] = neg[i], tl[m++] = 1;
    }
    return m;
}

/* The loss of the tuples of outputs o (n x n_out, labels y); with dO (a
 * training step: negatives mined as configured), the gradient of o (the
 * tuples' input gradients summed back onto their rows). */
static sl_status embed_loss(sl_trainer *t, const float *o, const float *y, int n, float *dO, double *loss)
{
    int c = t->n_out, m2 = 2 * t->cap, m = form_tuples(t, dO ? o : NULL, y, n), nin = t->embed == SL_EMBED_TRIPLETS ? 3 : 2;
    const int *idx[3] = { t->eidx, t->eidx + m2, t->eidx + 2 * m2 };
    float *x[3], *g[3], *tl = t->ebuf + (size_t)6 * m2 * c;
    for (int k = 0; k < 3; k++) x[k] = t->ebuf + (size_t)k * m2 * c, g[k] = t->ebuf + (size_t)(3 + k) * m2 * c;
    if (dO) memset(dO, 0, (size_t)n * c * sizeof(float));
    *loss = 0;
    if (m == 0) return SL_STATUS_OK;
    for (int k = 0; k < nin; k++)
        for (int r = 0; r < m; r++) memcpy(x[k] + (size_t)r * c, o + (size_t)idx[k][r] * c, (size_t)c * sizeof(float));
    sl_status st = sl_loss_eval(t->loss, x[0], x[1], x[2], nin == 2 ? tl : NULL, m, c, nin == 2 ? m : -1, g[0], g[1], g[2], loss);
    if (st || !dO) return st;
    for (int k = 0; k < nin; k++)
        for (int r = 0; r < m; r++) {
            float *dst = dO + (size_t)idx[k][r] * c;
            const float *src = g[k] + (size_t)r * c;
            for (int j = 0; j < c; j++) dst[j] += src[j];
        }
    return SL_STATUS_OK;
}

/* Class centroids of the training rows' embeddings (NaN for a class without
 * rows); *o gets the training rows' outputs. */
static double *centroids(sl_trainer *t, const float **o)
{
    int c = t->n_out, k = t->n_classes < 2 ? 2 : t->n_classes;
    double *cent = (double *)(t->ebuf + (size_t)6 * 2 * t->cap * c + 2 * (size_t)t->cap);
    int *cnt = t->eidx + 6 * t->cap + 2 * t->cap; /* the per-class scratch of form_tuples */
    memset(cent, 0, (size_t)k * c * sizeof(double));
    memset(cnt, 0, (size_t)k * sizeof(int));
    const float *e = sl_mlp_forward(t->m, t->w, sl_dataset_X(t->ds), t->n_train), *y = sl_dataset_y(t->ds);
    for (int i = 0; i < t->n_train; i++) {
        int cl = (int)y[i];
        cnt[cl]++;
        for (int j = 0; j < c; j++) cent[cl * c + j] += e[(size_t)i * c + j];
    }
    for (int cl = 0; cl < k; cl++)
        for (int j = 0; j < c; j++) cent[cl * c + j] = cnt[cl] ? cent[cl * c + j] / cnt[cl] : NAN;
    if (o) *o = e;
    return cent;
}

/* Squared distances of embedding e to the k centroids into d2; returns the nearest class. */
static int nearest(const sl_trainer *t, const double *cent, const float *e, double *d2)
{
    int c = t->n_out, k = t->n_classes < 2 ? 2 : t->n_classes, best = 0;
    for (int cl = 0; cl < k; cl++) {
        double s = 0;
        for (int j = 0; j < c; j++) s += (e[j] - cent[cl * c + j]) * (e[j] - cent[cl * c + j]);
        d2[cl] = s;
        if (s < d2[best] || isnan(d2[best])) best = cl;
    }
    return best;
}

/* ---- evaluation ---- */

static int argmax(const float *row, int c)
{
    if (c == 1) return row[0] > 0;
    int k = 0;
    for (int j = 1; j < c; j++)
        if (row[j] > row[k]) k = j;
    return k;
}

/* Whether all n values are finite: weights that overflowed give infinite
 * outputs, which the losses rightly refuse; the trainer calls that divergence. */
static int finite_all(const float *v, long n)
{
    for (long i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

sl_status sl_trainer_evaluate(sl_trainer *t, int split, double *out)
{
    int lo = split ? t->n_train : 0, n = split ? t->n_val : t->n_train, c = t->n_out;
    int d = sl_dataset_n_features(t->ds), k = t->n_classes < 2 ? 2 : t->n_classes;
    out[0] = out[1] = out[2] = NAN;
    memset(t->confusion, 0, (size_t)k * k * sizeof(int));
    if (n == 0) return SL_STATUS_OK;
    const float *y = sl_dataset_y(t->ds) + lo, *o;
    double *cent = t->embed ? centroids(t, &o) : NULL;
    double *d2 = cent ? cent + (size_t)k * c : NULL;
    if (!cent || split) o = sl_mlp_forward(t->m, t->w, sl_dataset_X(t->ds) + (size_t)lo * d, n);
    if (!finite_all(o, (long)n * c))
        return sl_fail(SL_STATUS_RANGE, THING, NULL, "the model's outputs are not finite (the weights overflowed: the run diverged)");
    sl_status st = t->embed ? embed_loss(t, o, y, n, NULL, out)
                            : sl_loss_eval(t->loss, o, NULL, NULL, t->tgt + lo, n, c, n, t->g, NULL, NULL, out);
    if (st) return st;
    double s1 = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        if (cent) {
            int p = nearest(t, cent, o + (size_t)i * c, d2), truth = (int)y[i];
            t->confusion[truth * k + p]++;
            s1 += p == truth;
        } else if (t->task == SL_TASK_REGRESSION) {
            double e = (double)o[i] - y[i];
            s1 += e * e, s2 += fabs(e);
        } else {
            int p = argmax(o + (size_t)i * c, c), truth = (int)y[i];
            t->confusion[truth * k + p]++;
            s1 += p == truth;
        }
    }
    out[1] = s1 / n;
    if (t->task == SL_TASK_REGRESSION) out[2] = s2 / n;
    return SL_STATUS_OK;
}

/* Predictions (raw: the outputs as they are) of n rows, in chunks of the workspace's rows. */
static sl_status outputs(sl_trainer *t, const float *X, int n, float *out, int raw)
{
    int d = sl_dataset_n_features(t->ds), c = t->n_out, k = t->n_classes < 2 ? 2 : t->n_classes;
    if (n < 0) return sl_fail(SL_STATUS_INVALID, THING, "X", "must have rows, got %d", n);
    double *cent = t->embed && !raw ? centroids(t, NULL) : NULL;
    double *d2 = cent ? cent + (size_t)k * c : NULL;
    int w = cent ? k : c;
    for (int i0 = 0; i0 < n; i0 += t->cap) {
        int b = n - i0 < t->cap ? n - i0 : t->cap;
        const float *o = sl_mlp_forward(t->m, t->w, X + (size_t)i0 * d, b);
        float *dst = out + (size_t)i0 * w;
        for (int i = 0; i < b; i++) {
            const float *r = o + (size_t)i * c;
            float *q = dst + (size_t)i * w;
            if (cent) { /* softmax of minus the squared distances; a class without training rows gets 0 */
                double mn = d2[nearest(t, cent, r, d2)], s = 0;
                for (int j = 0; j < k; j++) s += isnan(d2[j]) ? 0 : exp(mn - d2[j]);
                for (int j = 0; j < k; j++) q[j] = isnan(d2[j]) ? 0 : (float)(exp(mn - d2[j]) / s);
            } else if (raw || t->task == SL_TASK_REGRESSION) {
                memcpy(q, r, (size_t)c * sizeof(float));
            } else if (c == 1) {
                q[0] = (float)(1 / (1 + exp(-(double)r[0])));
            } else {
                double mx = r[0], s = 0;
                for (int j = 1; j < c; j++) mx = r[j] > mx ? r[j] : mx;
                for (int j = 0; j < c; j++) s += exp(r[j] - mx);
                for (int j = 0; j < c; j++) q[j] = (float)(exp(r[j] - mx) / s);
            }
        }
    }
    return SL_STATUS_OK;
}

sl_status sl_trainer_predict(sl_trainer *t, const float *X, int n, float *out) { return outputs(t, X, n, out, 0); }
sl_status sl_trainer_embed(sl_trainer *t, const float *X, int n, float *out) { return outputs(t, X, n, out, 1); }

/* ---- the loop ---- */

static void diverge(sl_trainer *t)
{
    t->status = SL_TRAIN_DIVERGED;
    t->diverged_step = t->steps;
}

static sl_status end_epoch(sl_trainer *t)
{
    double tr[3], va[3];
    sl_status st;
    t->epoch++;
    t->cursor = 0;
    t->batch = batch_at(t, t->epoch);
    if ((st = sl_trainer_evaluate(t, 0, tr)) || (st = sl_trainer_evaluate(t, 1, va))) {
        if (st != SL_STATUS_RANGE) return st;
        t->epoch--; /* no record for this epoch: the last step left weights whose outputs overflow */
        diverge(t);
        return SL_STATUS_OK;
    }
    sl_optimizer *o = t->opt;
    if (sl_optimizer_needs_metric(o)) {
        if ((st = sl_optimizer_scheduler_step(o, t->n_val ? va[0] : tr[0]))) return st;
    } else if (t->epoch_sched && (st = sl_optimizer_scheduler_advance(o))) {
        return st;
    }
    double *r = t->record;
    r[SL_EP_TRAIN_LOSS] = tr[0], r[SL_EP_VAL_LOSS] = va[0];
    r[SL_EP_TRAIN_METRIC] = tr[1], r[SL_EP_VAL_METRIC] = va[1];
    r[SL_EP_TRAIN_MAE] = tr[2], r[SL_EP_VAL_MAE] = va[2];
    r[SL_EP_LR] = sl_optimizer_lr(o);
    int np = sl_mlp_n_params(t->m);
    if (t->es_patience >= 0) {
        if (va[0] < t->es_best - t->es_min_delta) {
            t->es_best = va[0];
            t->es_bad = 0;
            t->es_best_epoch = t->epoch;
            memcpy(t->best, sl_mlp_params(t->m), (size_t)np * sizeof(float));
        } else if (++t->es_bad > t->es_patience) {
            t->status = SL_TRAIN_STOPPED;
            if (t->es_restore) memcpy(sl_mlp_params(t->m), t->best, (size_t)np * sizeof(float));
            return SL_STATUS_OK;
        }
    }
    if (t->epoch >= t->epochs) t->status = SL_TRAIN_DONE;
    return SL_STATUS_OK;
}

/* One optimizer step on the next batch; rec gets loss, lr, grad norm. */
static sl_status step(sl_trainer *t, double *rec)
{
    int d = sl_dataset_n_features(t->ds), c = t->n_out, np = sl_mlp_n_params(t->m);
    if (t->cursor == 0 && t->shuffle) sl_rng_shuffle(&t->rng, t->perm, t->n_train);
    int b = t->n_train - t->cursor < t->batch ? t->n_train - t->cursor : t->batch;
    const float *X = sl_dataset_X(t->ds);
    for (int i = 0; i < b; i++) {
        int r = t->perm[t->cursor + i];
        memcpy(t->Xb + (size_t)i * d, X + (size_t)r * d, (size_t)d * sizeof(float));
        t->yb[i] = t->tgt[r];
    }
    float *p = sl_mlp_params(t->m), *g = sl_mlp_grads(t->m);
    double loss, pen = 0;
    const float *o = sl_mlp_forward(t->m, t->w, t->Xb, b);
    if (!finite_all(o, (long)b * c)) {
        diverge(t);
        return SL_STATUS_OK;
    }
    sl_status st = t->embed ? embed_loss(t, o, t->yb, b, t->g, &loss)
                            : sl_loss_eval(t->loss, o, NULL, NULL, t->yb, b, c, b, t->g, NULL, NULL, &loss);
    if (st) return st;
    if (t->reg && (st = sl_loss_eval(t->reg, p, NULL, NULL, NULL, 1, np, -1, t->gpen, NULL, NULL, &pen))) return st;
    loss += pen;
    if (!isfinite(loss)) {
        diverge(t);
        return SL_STATUS_OK;
    }
    sl_mlp_backward(t->m, t->w, t->Xb, t->g);
    double sq = 0, pn = 0, q = t->norm_type;
    for (int i = 0; i < np; i++) {
        if (t->reg) g[i] += t->gpen[i];
        sq += (double)g[i] * g[i];
        if (t->clip == 1) pn = isinf(q) ? fmax(pn, fabs(g[i])) : pn + pow(fabs(g[i]), q);
    }
    double norm = sqrt(sq);
    if (!isfinite(norm)) {
        diverge(t);
        return SL_STATUS_OK;
    }
    if (t->clip == 1) {
        /* torch.nn.utils.clip_grad_norm_: scale by max_norm / (total_norm + 1e-6), clamped to 1 */
        double total = isinf(q) ? pn : pow(pn, 1 / q), coef = t->max_norm / (total + 1e-6);
        if (coef < 1)
            for (int i = 0; i < np; i++) g[i] = (float)(g[i] * coef);
    } else if (t->clip == 2) {
        float v = (float)t->clip_value;
        for (int i = 0; i < np; i++) g[i] = g[i] > v ? v : g[i] < -v ? -v : g[i];
    }
    sl_optimizer *op = t->opt;
    int before = t->sched_before && !t->epoch_sched && sl_optimizer_has_scheduler(op) && !sl_optimizer_needs_metric(op);
    if (before && (st = sl_optimizer_scheduler_advance(op))) return st; /* the classic mistake: the first lr is never used */
    rec[0] = loss, rec[1] = t->last_lr = sl_optimizer_lr(op), rec[2] = norm;
    memcpy(t->upd, p, (size_t)np * sizeof(float));
    /* the scheduler is stepped at the end of the epoch (interval 'epoch'), or was already ('before') */
    st = sl_optimizer_step_flags(op, p, g, np, t->epoch_sched || before ? SL_STEP_KEEP_SCHEDULER : 0);
    if (st) return st;
    for (int i = 0; i < np; i++) t->upd[i] = p[i] - t->upd[i];
    t->last_loss = loss;
    t->steps++;
    t->cursor += b;
    return t->cursor >= t->n_train ? end_epoch(t) : SL_STATUS_OK;
}

sl_status sl_trainer_run(sl_trainer *t, int k, double *out, int *done)
{
    *done = 0;
    while (*done < k && t->status == SL_TRAIN_RUNNING) {
        int epoch = t->epoch;
        double *rec = out + 3 * (size_t)*done;
        sl_status st = step(t, rec);
        if (st) return st;
        if (t->status == SL_TRAIN_DIVERGED) break;
        ++*done;
        if (t->epoch != epoch) break;
    }
    return SL_STATUS_OK;
}

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

static double norm2(const float *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
    return sqrt(s);
}

void sl_trainer_inspect(sl_trainer *t, double *out)
{
    sl_mlp *m = t->m;
    const float *mo = sl_optimizer_moment(t->opt, 0), *vo = sl_optimizer_moment(t->opt, 1);
    for (int l = 0; l < m->n_layers; l++)
        for (int k = 0; k < 2; k++) {
            int lo = k ? m->b_off[l] : m->w_off[l], n = m->sizes[l + 1] * (k ? 1 : m->sizes[l]);
            double *r = out + (size_t)(2 * l + k) * SL_TRAIN_INSPECT;
            r[0] = norm2(sl_mlp_params(m) + lo, n), r[1] = norm2(sl_mlp_grads(m) + lo, n), r[2] = norm2(t->upd + lo, n);
            r[3] = sl_optimizer_step_size(t->opt, t->last_lr, lo, lo + n);
            r[4] = mo ? norm2(mo + lo, n) / sqrt(n) : NAN;
            r[5] = vo ? norm2(vo + lo, n) / sqrt(n) : NAN;
        }
}
sl_mlp *sl_trainer_model(sl_trainer *t) { return t->m; }
sl_dataset *sl_trainer_dataset(sl_trainer *t) { return t->ds; }
sl_optimizer *sl_trainer_optimizer(sl_trainer *t) { return t->opt; }

/* ---- saved state ---- */

#define SL_TRAIN_MAGIC 0x544c5331u /* "TLS1" */
#define SL_TRAIN_VERSION 2u

/* The loop's state, then int perm[n_train], float best[n_params], float
 * upd[n_params] and the saved data set, model and optimizer, each section
 * padded to 16 bytes. */
typedef struct {
    uint32_t magic, version, size, checksum;
    int n_params, n_train, ds_bytes, m_bytes, o_bytes, status, cursor, epoch, es_bad, es_best_epoch, batch, pad_;
    sl_rng rng;
    double steps, last_loss, diverged_step, es_best, last_lr;
    double record[SL_EP_COUNT];
} saved;

static int pad16(int n) { return (n + 15) & ~15; }

static int section(const saved *h, int i)
{
    int s[6] = { pad16((int)sizeof(saved)), pad16(h->n_train * 4), pad16(h->n_params * 4), pad16(h->n_params * 4),
                 pad16(h->ds_bytes), pad16(h->m_bytes) };
    int off = 0;
    for (int k = 0; k < i; k++) off += s[k];
    return off;
}

static uint32_t fnv(const unsigned char *b, int len)
{
    uint32_t h = 2166136261u; /* FNV-1a over every byte, the checksum field read as 0 */
    for (int i = 0; i < len; i++) h = (h ^ (i >= 12 && i < 16 ? 0 : b[i])) * 16777619u;
    return h;
}

int sl_trainer_state_size(const sl_trainer *t)
{
    saved h = { .n_train = t->n_train, .n_params = sl_mlp_n_params(t->m), .ds_bytes = sl_dataset_state_size(t->ds),
                .m_bytes = sl_mlp_state_size(t->m) };
    return section(&h, 6) + pad16(sl_optimizer_state_size(t->opt));
}

void sl_trainer_state_save(sl_trainer *t, void *buf)
{
    int size = sl_trainer_state_size(t);
    unsigned char *b = buf;
    memset(b, 0, (size_t)size);
    saved h = { SL_TRAIN_MAGIC, SL_TRAIN_VERSION, (uint32_t)size, 0, sl_mlp_n_params(t->m), t->n_train,
                sl_dataset_state_size(t->ds), sl_mlp_state_size(t->m), sl_optimizer_state_size(t->opt), t->status,
                t->cursor, t->epoch, t->es_bad, t->es_best_epoch, t->batch, 0, t->rng, t->steps, t->last_loss,
                t->diverged_step, t->es_best, t->last_lr, { 0 } };
    memcpy(h.record, t->record, sizeof h.record);
    memcpy(b, &h, sizeof h);
    memcpy(b + section(&h, 1), t->perm, (size_t)h.n_train * 4);
    memcpy(b + section(&h, 2), t->best, (size_t)h.n_params * 4);
    memcpy(b + section(&h, 3), t->upd, (size_t)h.n_params * 4);
    sl_dataset_state_save(t->ds, b + section(&h, 4));
    sl_mlp_state_save(t->m, b + section(&h, 5));
    sl_optimizer_state_save(t->opt, b + section(&h, 6));
    h.checksum = fnv(b, size);
    memcpy(b + 12, &h.checksum, 4);
}

static sl_status bad_state(const char *why) { return sl_fail(SL_STATUS_STATE, THING, "state", "%s", why); }

/* Checks the loop state against the trainer rebuilt from the saved config and copies it in. */
static sl_status adopt(sl_trainer *t, const saved *h, const unsigned char *b)
{
    int np = sl_mlp_n_params(t->m);
    if (h->n_params != np || h->n_train != t->n_train) return bad_state("does not match its config");
    if (h->status < 0 || h->status > SL_TRAIN_DIVERGED || h->cursor < 0 || h->cursor >= t->n_train || h->epoch < 0 ||
        h->epoch > t->epochs || h->es_bad < 0 || h->es_best_epoch < 0 || h->es_best_epoch > h->epoch ||
        !(h->steps >= 0 && h->steps <= 9e15) || (h->status == SL_TRAIN_RUNNING && h->epoch == t->epochs) ||
        h->batch != batch_at(t, h->epoch))
        return bad_state("has an invalid loop state");
    const unsigned char *pp = b + section(h, 1);
    unsigned char *seen = calloc((size_t)t->n_train, 1);
    if (!seen) return sl_fail(SL_STATUS_NOMEM, THING, "state", "out of memory");
    int ok = 1;
    for (int i = 0; i < t->n_train && ok; i++) {
        int r;
        memcpy(&r, pp + 4 * (size_t)i, 4);
        ok = r >= 0 && r < t->n_train && !seen[r];
        if (ok) seen[r] = 1, t->perm[i] = r;
    }
    free(seen);
    if (!ok) return bad_state("has an invalid loop state");
    memcpy(t->best, b + section(h, 2), (size_t)np * 4);
    memcpy(t->upd, b + section(h, 3), (size_t)np * 4);
    for (int i = 0; i < np; i++)
        if (!isfinite(t->best[i]) || !isfinite(t->upd[i])) return bad_state("has an invalid loop state");
    t->status = h->status, t->cursor = h->cursor, t->epoch = h->epoch, t->es_bad = h->es_bad;
    t->es_best_epoch = h->es_best_epoch, t->rng = h->rng, t->steps = h->steps, t->last_loss = h->last_loss;
    t->diverged_step = h->diverged_step, t->es_best = h->es_best, t->last_lr = h->last_lr, t->batch = h->batch;
    memcpy(t->record, h->record, sizeof h->record);
    return SL_STATUS_OK;
}

sl_status sl_trainer_restore(const void *buf, int len, const char *json, int jlen, const char *loss, int loss_len,
                             const char *opt, int opt_len, const char *reg, int reg_len, sl_trainer **out)
{
    *out = NULL;
    const unsigned char *b = buf;
    saved h;
    if (!buf || len < (int)sizeof h) return bad_state("is truncated");
    memcpy(&h, b, sizeof h);
    if (h.magic != SL_TRAIN_MAGIC) return bad_state("is not a saved trainer");
    if (h.version != SL_TRAIN_VERSION) return bad_state("is from another version of steplab");
    if (h.size != (uint32_t)len) return bad_state("has the wrong size (truncated?)");
    if (h.checksum != fnv(b, len)) return bad_state("is corrupted (checksum mismatch)");
    if (h.n_train < 1 || h.n_train > SL_DATA_MAX_SAMPLES || h.n_params < 1 || h.n_params > SL_MLP_MAX_PARAMS ||
        h.ds_bytes < 1 || h.m_bytes < 1 || h.o_bytes < 1 || (double)section(&h, 6) + pad16(h.o_bytes) != len)
        return bad_state("has an invalid layout");
    sl_dataset *ds = NULL;
    sl_mlp *m = NULL;
    sl_optimizer *o = NULL;
    sl_trainer *t = NULL;
    sl_status st = sl_dataset_restore(b + section(&h, 4), h.ds_bytes, &ds);
    if (!st) st = sl_mlp_restore(b + section(&h, 5), h.m_bytes, &m);
    if (!st) st = sl_optimizer_restore(b + section(&h, 6), h.o_bytes, &o);
    if (!st) st = sl_trainer_create(json, jlen, ds, loss, loss_len, opt, opt_len, reg, reg_len, NULL, 0, &t);
    if (!st && (m->n_layers != t->m->n_layers || m->activation != t->m->activation ||
                memcmp(m->sizes, t->m->sizes, sizeof m->sizes) || strcmp(sl_optimizer_type(o), sl_optimizer_type(t->opt)) ||
                sl_optimizer_n(o) != sl_optimizer_n(t->opt)))
        st = bad_state("does not match its config");
    if (!st) st = adopt(t, &h, b);
    if (!st) {
        memcpy(sl_mlp_params(t->m), sl_mlp_params(m), (size_t)h.n_params * 2 * sizeof(float));
        sl_optimizer_free(t->opt);
        t->opt = o;
        o = NULL;
        *out = t;
        t = NULL;
    }
    sl_dataset_free(ds);
    sl_mlp_free(m);
    sl_optimizer_free(o);
    sl_trainer_free(t);
    return st;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
