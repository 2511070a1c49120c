/* The trainer's config: its parameter tables, decoding by name, the data set
 * and batch size it gives, lab.stepsPerEpoch, and the normalised text a
 * trainer keeps (and saves). The sub-specs (dataset, loss, optimizer with its
 * scheduler, regularization)
 * are decoded from the one parsed document by their families'
 * *_from_spec functions. */
#include "train_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = SL_TRAIN_THING;

/* Not in the registry (the trainer is configured as a whole), so no help texts. */
static const sl_param P_TRAIN[] = {
    { "dataset", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "model", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "loss", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "optimizer", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "scheduler", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "regularization", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "batch_size", SL_P_ANY, 32, 0, 0, 0, NULL, 0, 0, NULL },
    { "epochs", SL_P_INT, 10, 1, SL_TRAIN_MAX_EPOCHS, 0, NULL, 0, 0, NULL },
    { "seed", SL_P_INT, 0, 0, 4294967295.0, 0, NULL, 0, 0, NULL },
    { "shuffle", SL_P_BOOL, 1, 0, 1, 0, NULL, 0, 0, NULL },
    { "scheduler_interval", SL_P_ENUM, 0, 0, 0, 0, "step|epoch", 0, 0, NULL },
    { "grad_clip", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "early_stopping", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "batch_size_schedule", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
    { "scheduler_order", SL_P_ENUM, 0, 0, 0, 0, "after|before", 0, 0, NULL },
    { "mining", SL_P_ENUM, 0, 0, 0, 0, "random|hard|semi-hard", 0, 0, NULL },
    { "snapshot_ensemble", SL_P_BOOL, 0, 0, 1, 0, NULL, 0, 0, NULL },
};
static const sl_kind K_TRAIN = { "Trainer", P_TRAIN, (int)(sizeof P_TRAIN / sizeof P_TRAIN[0]), NULL };
static const sl_field F_TRAIN[] = {
    SL_FIELD_I(sl_train_config, epochs), SL_FIELD_D(sl_train_config, seed), SL_FIELD_I(sl_train_config, shuffle),
    SL_FIELD_I(sl_train_config, scheduler_interval), SL_FIELD_I(sl_train_config, scheduler_order),
    SL_FIELD_I(sl_train_config, mining), SL_FIELD_I(sl_train_config, snapshot_ensemble),
};

static const sl_param P_MODEL[] = {
    { "hidden", SL_P_NUMS, NAN, 1, SL_MLP_MAX_WIDTH, 0, NULL, 0, SL_MLP_MAX_LAYERS - 1, NULL },
    { "activation", SL_P_ENUM, 0, 0, 0, 0, SL_ACT_NAMES, 0, 0, NULL },
    { "init", SL_P_ENUM, SL_INIT_PYTORCH, 0, 0, 0, SL_INIT_NAMES, 0, 0, NULL },
    { "embedding_dim", SL_P_INT, 2, 1, SL_MLP_MAX_WIDTH, 0, NULL, 0, 0, NULL },
    { "init_weights", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, NULL },
};
static const sl_kind K_MODEL = { "model", P_MODEL, (int)(sizeof P_MODEL / sizeof P_MODEL[0]), NULL };
static const sl_field F_MODEL[] = {
    SL_FIELD_I(sl_train_model, activation), SL_FIELD_I(sl_train_model, init), SL_FIELD_I(sl_train_model, embedding_dim),
};

/* like MultiStepLR, for the batch size */
static const sl_param P_BSS[] = {
    { "milestones", SL_P_NUMS, NAN, 0, SL_TRAIN_MAX_EPOCHS, SL_F_REQUIRED, NULL, 1, SL_TRAIN_MAX_MILESTONES, NULL },
    { "gamma", SL_P_NUM, 2, 0, INFINITY, SL_F_LO_OPEN, NULL, 0, 0, NULL },
};
static const sl_kind K_BSS = { "batch_size_schedule", P_BSS, 2, NULL };
static const sl_field F_BSS[] = { SL_FIELD_D(sl_train_batch_schedule, gamma) };

static const sl_param P_CLIP[] = {
    { "max_norm", SL_P_NUM, NAN, 0, INFINITY, SL_F_LO_OPEN, NULL, 0, 0, NULL },
    { "norm_type", SL_P_NUM, 2, 1, INFINITY, SL_F_INF_OK, NULL, 0, 0, NULL },
    { "clip_value", SL_P_NUM, NAN, 0, INFINITY, SL_F_LO_OPEN, NULL, 0, 0, NULL },
};
static const sl_kind K_CLIP = { "grad_clip", P_CLIP, 3, NULL };
static const sl_field F_CLIP[] = {
    SL_FIELD_D(sl_train_clip, max_norm), SL_FIELD_D(sl_train_clip, norm_type), SL_FIELD_D(sl_train_clip, clip_value),
};

static const sl_param P_ES[] = {
    { "patience", SL_P_INT, 5, 0, SL_TRAIN_MAX_EPOCHS, 0, NULL, 0, 0, NULL },
    { "min_delta", SL_P_NUM, 0, 0, INFINITY, 0, NULL, 0, 0, NULL },
    { "restore_best", SL_P_BOOL, 1, 0, 1, 0, NULL, 0, 0, NULL },
};
static const sl_kind K_ES = { "early_stopping", P_ES, 3, NULL };
static const sl_field F_ES[] = {
    SL_FIELD_I(sl_train_early_stopping, patience), SL_FIELD_D(sl_train_early_stopping, min_delta),
    SL_FIELD_I(sl_train_early_stopping, restore_best),
};

#define N_FIELDS(f) (int)(sizeof f / sizeof f[0])

/* A member that must be an object ("is required" when required and absent); null counts as absent. */
static sl_status decode_obj(const sl_json *doc, int node, const sl_kind *k, const char *extra, sl_args *a)
{
    char got[64];
    if (doc->nodes[node].type != SL_J_OBJ) {
        sl_json_describe(doc, node, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, THING, k->name, "must be an object, got %s", got);
    }
    return sl_spec_decode(doc, node, k, extra, a);
}

static int given(const sl_json *doc, int node) { return node >= 0 && doc->nodes[node].type != SL_J_NULL; }

/* The integers of a NUMS list (already range-checked) into out. */
static sl_status integers(const sl_json *doc, int node, const char *thing, const char *field, const char *what, int *out, int *n)
{
    *n = 0;
    for (int c = doc->nodes[node].child; c >= 0; c = doc->nodes[c].next) {
        double v = doc->nodes[c].num;
        if (v != floor(v)) return sl_fail(SL_STATUS_INVALID, thing, field, "[%d] must be %s, got %s", *n, what, sl_num(v).s);
        out[(*n)++] = (int)v;
    }
    return SL_STATUS_OK;
}

sl_status sl_train_config_decode(const sl_json *doc, sl_train_config *c, sl_train_nodes *nd)
{
    sl_args a, am, ac, ae, ab;
    sl_status st;
    char got[64];
    memset(c, 0, sizeof *c);
    if (doc->nodes[0].type != SL_J_OBJ) {
        sl_json_describe(doc, 0, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "config must be an object { dataset, model, loss, optimizer, ... }, got %s", got);
    }
    if ((st = sl_spec_decode(doc, 0, &K_TRAIN, "", &a))) return st;
    sl_args_fill(&K_TRAIN, &a, F_TRAIN, N_FIELDS(F_TRAIN), c);
    nd->dataset = sl_args_node(&K_TRAIN, &a, "dataset");
    nd->model = sl_args_node(&K_TRAIN, &a, "model");
    nd->loss = sl_args_node(&K_TRAIN, &a, "loss");
    nd->optimizer = sl_args_node(&K_TRAIN, &a, "optimizer");
    nd->scheduler = sl_args_node(&K_TRAIN, &a, "scheduler");
    nd->regularization = sl_args_node(&K_TRAIN, &a, "regularization");
    nd->batch_size = sl_args_node(&K_TRAIN, &a, "batch_size");
    nd->init_weights = -1;
    if (!given(doc, nd->scheduler)) nd->scheduler = -1;
    if (!given(doc, nd->regularization)) nd->regularization = -1;
    static const char *const needed[] = { "model", "loss", "optimizer" };
    const int at[] = { nd->model, nd->loss, nd->optimizer };
    for (int i = 0; i < 3; i++)
        if (at[i] < 0 || doc->nodes[at[i]].type != SL_J_OBJ) {
            if (at[i] >= 0) sl_json_describe(doc, at[i], got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, THING, needed[i], "must be an object, got %s", at[i] >= 0 ? got : "nothing");
        }

    if ((st = decode_obj(doc, nd->model, &K_MODEL, "", &am))) return st;
    sl_train_model *M = &c->model;
    sl_args_fill(&K_MODEL, &am, F_MODEL, N_FIELDS(F_MODEL), M);
    int hn = sl_args_node(&K_MODEL, &am, "hidden");
    if (hn >= 0 && (st = integers(doc, hn, "model", "hidden", "an integer", M->hidden, &M->n_hidden))) return st;
    nd->init_weights = given(doc, sl_args_node(&K_MODEL, &am, "init_weights")) ? sl_args_node(&K_MODEL, &am, "init_weights") : -1;

    sl_train_clip *C = &c->grad_clip;
    int cn = sl_args_node(&K_TRAIN, &a, "grad_clip");
    if (given(doc, cn)) {
        if ((st = decode_obj(doc, cn, &K_CLIP, "", &ac))) return st;
        int by_norm = sl_arg_present(&K_CLIP, &ac, "max_norm") != 0, by_value = sl_arg_present(&K_CLIP, &ac, "clip_value") != 0;
        if (by_norm == by_value)
            return sl_fail(SL_STATUS_INVALID, "grad_clip", NULL, "needs exactly one of max_norm (clip by norm) and clip_value (clip by value)");
        sl_args_fill(&K_CLIP, &ac, F_CLIP, N_FIELDS(F_CLIP), C);
        C->mode = by_norm ? 1 : 2;
    }
    sl_train_early_stopping *E = &c->early_stopping;
    E->patience = -1;
    int en = sl_args_node(&K_TRAIN, &a, "early_stopping");
    if (given(doc, en)) {
        if ((st = decode_obj(doc, en, &K_ES, "", &ae))) return st;
        sl_args_fill(&K_ES, &ae, F_ES, N_FIELDS(F_ES), E);
    }
    sl_train_batch_schedule *B = &c->batch_size_schedule;
    int bn = sl_args_node(&K_TRAIN, &a, "batch_size_schedule");
    if (given(doc, bn)) {
        if ((st = decode_obj(doc, bn, &K_BSS, "", &ab))) return st;
        sl_args_fill(&K_BSS, &ab, F_BSS, N_FIELDS(F_BSS), B);
        if ((st = integers(doc, sl_args_node(&K_BSS, &ab, "milestones"), "batch_size_schedule", "milestones", "an integer epoch",
                           B->milestones, &B->n)))
            return st;
    }
    int bs = nd->batch_size;
    c->batch_full = bs >= 0 && doc->nodes[bs].type == SL_J_STR && !strcmp(doc->nodes[bs].str, "full");
    c->batch_size = bs >= 0 && doc->nodes[bs].type == SL_J_NUM ? doc->nodes[bs].num : NAN;
    if (c->batch_full && B->n)
        return sl_fail(SL_STATUS_INVALID, THING, "batch_size_schedule", "needs a numeric batch_size, got 'full'");
    return SL_STATUS_OK;
}

sl_status sl_train_batch0(const sl_train_config *c, const sl_json *doc, int node, int n_train, int *batch0)
{
    char got[64];
    if (c->batch_full) {
        *batch0 = n_train;
        return SL_STATUS_OK;
    }
    double b = node < 0 ? 32 : c->batch_size;
    if (!(b >= 1 && b <= SL_DATA_MAX_VALUES && b == floor(b))) {
        sl_json_describe(doc, node, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, THING, "batch_size", "must be an integer in [1, %d] or 'full', got %s", SL_DATA_MAX_VALUES, got);
    }
    /* more than the training rows: one smaller batch per epoch, as PyTorch's DataLoader (drop_last=False) gives */
    *batch0 = b > n_train ? n_train : (int)b;
    return SL_STATUS_OK;
}

int sl_train_batch_at(const sl_train_config *c, int batch0, int n_train, int e)
{
    const sl_train_batch_schedule *B = &c->batch_size_schedule;
    int b = batch0;
    for (int k = 0; k < B->n; k++)
        if (B->milestones[k] <= e) {
            double v = floor(b * B->gamma + 0.5);
            b = v < 1 ? 1 : v > n_train ? n_train : (int)v;
        }
    return b;
}

sl_status sl_train_dataset(const sl_json *doc, int node, const sl_dataset *ds, sl_dataset **out)
{
    *out = NULL;
    if (!ds) {
        if (!given(doc, node)) return sl_fail(SL_STATUS_INVALID, THING, "dataset", "is required");
        return sl_dataset_from_spec(doc, node, out);
    }
    sl_status st = sl_dataset_check_options(doc, given(doc, node) ? node : -1, ds);
    if (st) return st;
    int size = sl_dataset_state_size(ds);
    void *buf = malloc((size_t)size);
    if (!buf) return sl_fail(SL_STATUS_NOMEM, THING, "dataset", "out of memory");
    sl_dataset_state_save((sl_dataset *)ds, buf);
    st = sl_dataset_restore(buf, size, out);
    free(buf);
    return st;
}

sl_status sl_trainer_steps_per_epoch_of(const char *json, double len, const sl_dataset *ds, double epoch, double *out)
{
    sl_json doc;
    sl_train_config c;
    sl_train_nodes nd;
    sl_dataset *d = NULL;
    int bytes = 0;
    *out = NAN;
    sl_status st = sl_count_check(len, 0, 2147483647.0, THING, "spec length", &bytes);
    if (st) return st;
    st = sl_json_parse(json, (size_t)bytes, &doc, THING);
    if (st) return st;
    st = sl_train_config_decode(&doc, &c, &nd);
    if (!st && !(epoch >= 0 && epoch <= SL_TRAIN_MAX_EPOCHS && floor(epoch) == epoch))
        st = sl_fail(SL_STATUS_INVALID, THING, "epoch", "must be an integer in [0, %d], got %s", SL_TRAIN_MAX_EPOCHS, sl_num(epoch).s);
    if (!st) st = sl_train_dataset(&doc, nd.dataset, ds, &d);
    int batch0 = 0;
    if (!st) st = sl_train_batch0(&c, &doc, nd.batch_size, sl_dataset_n_train(d), &batch0);
    if (!st) {
        int n = sl_dataset_n_train(d), b = sl_train_batch_at(&c, batch0, n, (int)epoch);
        *out = (n + b - 1) / b;
    }
    sl_dataset_free(d);
    sl_json_free(&doc);
    return st;
}

/* ---- the normalised text ---- */

int sl_train_config_write(const sl_json *doc, char **text)
{
    int len = 0, cap = 0, first = 1;
    *text = NULL;
    len = sl_json_append(text, len, &cap, "{");
    for (int m = doc->nodes[0].child; m >= 0 && len >= 0; m = doc->nodes[m].next) {
        const char *key = doc->nodes[m].key;
        sl_jnode name = { SL_J_STR, 0, -1, -1, NULL, key, 0 };
        sl_json one = { &name, 1, NULL };
        len = sl_json_append(text, len, &cap, first ? "" : ",");
        len = sl_json_write(text, len, &cap, &one, 0, NULL);
        len = sl_json_append(text, len, &cap, ":");
        len = sl_json_write(text, len, &cap, doc, m, !strcmp(key, "model") ? "init_weights" : NULL);
        first = 0;
    }
    len = sl_json_append(text, len, &cap, "}");
    if (len < 0) {
        free(*text);
        *text = NULL;
    }
    return len;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
