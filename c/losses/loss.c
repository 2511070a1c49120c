/* The loss registry (torch.nn's names, parameters, defaults and ranges; the
 * task each loss fits in the trainer; the page's starter spec) and building a
 * loss from a spec. Evaluation is in loss_eval.c and loss_elem.c, validation
 * of targets in loss_check.c. */
#include "loss_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define INF INFINITY
#define SL_LOSS_MAGIC 0x4c4f5353u /* "LOSS" */

/* ---- parameter tables (PyTorch's names, defaults and accepted ranges) ---- */

#define NUM(n, d, lo, hi, f, h) { n, SL_P_NUM, d, lo, hi, f, NULL, 0, 0, h }
#define INT(n, d, lo, hi, f, h) { n, SL_P_INT, d, lo, hi, f, NULL, 0, 0, h }
#define LIST(n, f, h) { n, SL_P_NUMS, NAN, 0, INF, SL_F_NULLABLE | (f), NULL, 1, 1 << 20, h }
#define RED { "reduction", SL_P_ENUM, 0, 0, 0, 0, "mean|sum|none", 0, 0, "how per-sample losses are combined" }
#define WEIGHT LIST("weight", 0, "rescaling weight per class (or per element)")
#define IGNORE INT("ignore_index", -100, -1e9, 1e9, 0, "target value that contributes nothing")

static const sl_param P_RED[] = { RED };
static const sl_param P_HUBER[] = { RED, NUM("delta", 1, 0, INF, SL_F_LO_OPEN, "quadratic below delta, linear above") };
static const sl_param P_SMOOTHL1[] = { RED, NUM("beta", 1, 0, INF, 0, "quadratic below beta (scaled by 1/beta), linear above") };
static const sl_param P_BCE[] = { WEIGHT, RED };
static const sl_param P_BCELOGITS[] = {
    WEIGHT, RED, LIST("pos_weight", SL_F_SCALAR_OK, "weight of positive examples, per class"),
};
static const sl_param P_CE[] = {
    WEIGHT, IGNORE, RED, NUM("label_smoothing", 0, 0, 1, 0, "mix of the target with the uniform distribution"),
};
static const sl_param P_NLL[] = { WEIGHT, IGNORE, RED };
static const sl_param P_MULTIMARGIN[] = {
    INT("p", 1, 1, 2, 0, "1 or 2: power of each margin violation"),
    NUM("margin", 1, 0, INF, 0, "required gap between the target's score and the others"), WEIGHT, RED,
};
static const sl_param P_FOCAL[] = {
    { "alpha", SL_P_NUMS, 0.25, -INF, INF, SL_F_NULLABLE | SL_F_SCALAR_OK, NULL, 1, 1 << 20,
      "weight of positives (binary) or per class; null or < 0: none" },
    NUM("gamma", 2, 0, INF, 0, "focusing exponent of (1 - p_t)"), RED,
};
static const sl_param P_CONTRASTIVE[] = { NUM("margin", 1, 0, INF, 0, "dissimilar pairs are pushed this far apart"), RED };
static const sl_param P_TRIPLET[] = {
    NUM("margin", 1, 0, INF, 0, "required gap between d(a, n) and d(a, p)"),
    NUM("p", 2, 0, INF, 0, "degree of the distance norm (below 1 not a norm, as PyTorch allows)"),
    NUM("eps", 1e-6, 0, INF, 0, "added to differences before the norm"),
    { "swap", SL_P_BOOL, 0, 0, 1, 0, NULL, 0, 0, "use d(p, n) when it is smaller than d(a, n)" }, RED,
};
static const sl_param P_COSINE[] = { NUM("margin", 0, -1, 1, 0, "dissimilar pairs are penalized above this cosine"), RED };
static const sl_param P_L1[] = { NUM("lambda", NAN, 0, INF, SL_F_REQUIRED, "strength of lambda * sum |w|") };
static const sl_param P_L2[] = { NUM("lambda", NAN, 0, INF, SL_F_REQUIRED, "strength of lambda * sum w^2") };
static const sl_param P_ELASTIC[] = {
    NUM("l1", NAN, 0, INF, SL_F_REQUIRED, "strength of sum |w|"), NUM("l2", NAN, 0, INF, SL_F_REQUIRED, "strength of sum w^2"),
};
static const sl_param P_CUSTOM[] = {
    RED, { "hyper", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, "constants the expression reads, by name: { delta: 1 }" },
    { "expr", SL_P_STR, NAN, 0, 0, 0, NULL, 0, 0,
      "the loss of one element in x (input) and y (target), e.g. (x - y)^2 (the default); its gradient is exact" },
};
static const sl_param P_SUM[] = {
    { "terms", SL_P_ANY, NAN, 0, 0, SL_F_REQUIRED, NULL, 1, SL_LOSS_MAX_NODES - 1, "[{ weight, loss }, ...]: sum of weighted losses" },
};

/* The one task-fit table: which trainer tasks each loss fits (the trainer's
 * validation reads it, lab.registry publishes it). Hinge losses get labels
 * -1 and 1 from the trainer; the metric losses train an embedding on binary or
 * multi-class data; BCELoss and NLLLoss take probabilities and
 * log-probabilities, which the trainer's logit head does not give. */
#define BIN SL_FIT_BINARY
#define MULTI SL_FIT_MULTICLASS
#define REG SL_FIT_REGRESSION
#define EMB (SL_FIT_BINARY | SL_FIT_MULTICLASS | SL_FIT_EMBEDDING)

#define K(name, params, form, n_in, tasks, category, starter, summary) \
    { { name, params, (int)(sizeof params / sizeof params[0]), summary, category, starter, NULL }, form, n_in, tasks }
#define TYPE(name) "{\"type\":\"" name "\"}"
const loss_kind SL_LOSS_KINDS[T_COUNT] = {
    K("MSELoss", P_RED, F_ELEM, 1, REG, "regression", TYPE("MSELoss"), "mean squared error (x - y)^2"),
    K("L1Loss", P_RED, F_ELEM, 1, REG, "regression", TYPE("L1Loss"), "mean absolute error |x - y|"),
    K("HuberLoss", P_HUBER, F_ELEM, 1, REG, "regression", "{\"type\":\"HuberLoss\",\"delta\":1}",
      "0.5 d^2 below delta, delta (|d| - 0.5 delta) above"),
    K("SmoothL1Loss", P_SMOOTHL1, F_ELEM, 1, REG, "regression", TYPE("SmoothL1Loss"), "0.5 d^2 / beta below beta, |d| - 0.5 beta above"),
    K("BCELoss", P_BCE, F_ELEM, 1, 0, "classification", TYPE("BCELoss"), "binary cross-entropy on probabilities"),
    K("BCEWithLogitsLoss", P_BCELOGITS, F_ELEM, 1, BIN, "classification", TYPE("BCEWithLogitsLoss"),
      "binary cross-entropy on logits, numerically stable"),
    K("CrossEntropyLoss", P_CE, F_CLASS, 1, MULTI, "classification", TYPE("CrossEntropyLoss"),
      "softmax cross-entropy on logits; class indices or probabilities"),
    K("NLLLoss", P_NLL, F_CLASS, 1, 0, "classification", TYPE("NLLLoss"), "negative log-likelihood of log-probabilities"),
    K("HingeLoss", P_RED, F_ELEM, 1, BIN, "margin", TYPE("HingeLoss"), "max(0, 1 - y f(x)), labels -1 or 1"),
    K("SquaredHingeLoss", P_RED, F_ELEM, 1, BIN, "margin", TYPE("SquaredHingeLoss"), "max(0, 1 - y f(x))^2, labels -1 or 1"),
    K("MultiMarginLoss", P_MULTIMARGIN, F_CLASS, 1, MULTI, "margin", TYPE("MultiMarginLoss"),
      "multi-class hinge: sum of max(0, margin - x[y] + x[i])^p / C"),
    K("FocalLoss", P_FOCAL, F_CLASS, 1, BIN | MULTI, "classification", "{\"type\":\"FocalLoss\",\"alpha\":0.75,\"gamma\":2}",
      "-alpha (1 - p_t)^gamma log p_t: sigmoid (same-shape target) or softmax (class indices)"),
    K("ContrastiveLoss", P_CONTRASTIVE, F_PAIR, 2, EMB, "metric", TYPE("ContrastiveLoss"),
      "pairs: 0.5 D^2 if similar (0), 0.5 max(0, m - D)^2 if not (1)"),
    K("TripletMarginLoss", P_TRIPLET, F_TRIPLET, 3, EMB, "metric", "{\"type\":\"TripletMarginLoss\",\"margin\":1}",
      "max(d(a, p) - d(a, n) + margin, 0)"),
    K("CosineEmbeddingLoss", P_COSINE, F_PAIR, 2, 0, "metric", TYPE("CosineEmbeddingLoss"),
      "1 - cos for similar pairs (1), max(0, cos - margin) for others (-1)"),
    K("L1", P_L1, F_PENALTY, 1, 0, "penalty", "{\"type\":\"L1\",\"lambda\":0.001}", "lasso penalty lambda * sum |w| on a weight vector"),
    K("L2", P_L2, F_PENALTY, 1, 0, "penalty", "{\"type\":\"L2\",\"lambda\":0.001}", "ridge penalty lambda * sum w^2 on a weight vector"),
    K("ElasticNet", P_ELASTIC, F_PENALTY, 1, 0, "penalty", "{\"type\":\"ElasticNet\",\"l1\":0.0001,\"l2\":0.001}",
      "l1 * sum |w| + l2 * sum w^2"),
    K("WeightedSum", P_SUM, F_SUM, 0, 0, "composite",
      "{\"type\":\"WeightedSum\",\"terms\":[{\"weight\":1,\"loss\":{\"type\":\"MSELoss\"}},{\"weight\":0.1,\"loss\":{\"type\":\"L1Loss\"}}]}",
      "w1 L1 + w2 L2 + ... over the same input and target"),
    { { "Custom", P_CUSTOM, (int)(sizeof P_CUSTOM / sizeof P_CUSTOM[0]),
        "your own elementwise loss, a formula in x and y: Huber is abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta)",
        "custom",
        "{\"type\":\"Custom\",\"hyper\":{\"delta\":1},\"reduction\":\"mean\",\"expr\":\"abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta)\"}",
        NULL, 1 },
      F_ELEM, 1, REG | BIN },
};

/* The scalar parameters, by name; the lists (weight, pos_weight, alpha as a list) are copied below. */
static const sl_field FIELDS[] = {
    SL_FIELD_I(sl_loss_node, reduction), SL_FIELD_D(sl_loss_node, delta), SL_FIELD_D(sl_loss_node, beta),
    SL_FIELD_D(sl_loss_node, margin), SL_FIELD_D(sl_loss_node, p), SL_FIELD_D(sl_loss_node, eps),
    SL_FIELD_D(sl_loss_node, gamma), SL_FIELD_D(sl_loss_node, label_smoothing), SL_FIELD_D(sl_loss_node, lambda),
    SL_FIELD_D(sl_loss_node, l1), SL_FIELD_D(sl_loss_node, l2), SL_FIELD_I(sl_loss_node, ignore_index),
    SL_FIELD_I(sl_loss_node, swap),
};

/* ---- construction ---- */

/* Copies a list parameter (present as an array) into L->values. */
static void take_list(sl_loss *L, const sl_json *doc, int node, int *off, int *len)
{
    *off = L->n_values;
    *len = 0;
    for (int c = doc->nodes[node].child; c >= 0; c = doc->nodes[c].next) {
        L->values[L->n_values++] = doc->nodes[c].num;
        (*len)++;
    }
}

static sl_status build_node(sl_loss *L, const sl_json *doc, int obj, int at, int depth, const char *parent);

/* WeightedSum: terms [{ weight, loss }, ...], decoded here, children after their parent */
static sl_status build_terms(sl_loss *L, const sl_json *doc, int terms, int at, int depth, const char *name)
{
    sl_loss_node *N = &L->node[at];
    char got[64], field[48];
    sl_status st;
    if (doc->nodes[terms].type != SL_J_ARR || doc->nodes[terms].count < 1) {
        sl_json_describe(doc, terms, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, name, "terms", "must be a non-empty array of { weight, loss }, got %s", got);
    }
    if (depth >= SL_LOSS_MAX_DEPTH)
        return sl_fail(SL_STATUS_INVALID, name, "terms", "nests WeightedSum more than %d deep", SL_LOSS_MAX_DEPTH);
    int count = doc->nodes[terms].count;
    if (L->n_nodes + count > SL_LOSS_MAX_NODES)
        return sl_fail(SL_STATUS_INVALID, name, "terms", "must hold at most %d losses in all, got more", SL_LOSS_MAX_NODES - 1);
    N->first_term = L->n_nodes;
    N->n_terms = count;
    L->n_nodes += count;
    int i = 0, n_inputs = 0;
    for (int t = doc->nodes[terms].child; t >= 0; t = doc->nodes[t].next, i++) {
        snprintf(field, sizeof field, "terms[%d]", i);
        sl_json_describe(doc, t, got, sizeof got);
        if (doc->nodes[t].type != SL_J_OBJ)
            return sl_fail(SL_STATUS_INVALID, name, field, "must be an object { weight, loss }, got %s", got);
        if ((st = sl_spec_unique_keys(doc, t, name))) return st;
        for (int m = doc->nodes[t].child; m >= 0; m = doc->nodes[m].next)
            if (strcmp(doc->nodes[m].key, "weight") && strcmp(doc->nodes[m].key, "loss"))
                return sl_fail(SL_STATUS_INVALID, name, field, "has unknown key '%.40s'; a term is { weight, loss }",
                               doc->nodes[m].key);
        int w = sl_json_get(doc, t, "weight"), l = sl_json_get(doc, t, "loss");
        double weight = 1;
        if (w >= 0) {
            if (doc->nodes[w].type != SL_J_NUM || !isfinite(doc->nodes[w].num)) {
                sl_json_describe(doc, w, got, sizeof got);
                snprintf(field, sizeof field, "terms[%d].weight", i);
                return sl_fail(SL_STATUS_INVALID, name, field, "must be a finite number, got %s", got);
            }
            weight = doc->nodes[w].num;
        }
        snprintf(field, sizeof field, "terms[%d].loss", i);
        if (l < 0) return sl_fail(SL_STATUS_INVALID, name, field, "is required");
        int child = N->first_term + i;
        if ((st = build_node(L, doc, l, child, depth + 1, name))) return st;
        N = &L->node[at];
        sl_loss_node *C = &L->node[child];
        C->term_weight = weight;
        if (C->reduction == SL_RED_NONE)
            return sl_fail(SL_STATUS_INVALID, name, field, "must not have reduction 'none': each term must be a number");
        int in = C->n_inputs;
        if (i > 0 && in != n_inputs)
            return sl_fail(SL_STATUS_INVALID, name, field, "takes %d inputs where terms[0] takes %d; all terms share the input", in,
                           n_inputs);
        n_inputs = in;
    }
    N->n_inputs = n_inputs;
    return SL_STATUS_OK;
}

static sl_status build_node(sl_loss *L, const sl_json *doc, int obj, int at, int depth, const char *parent)
{
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, obj, SL_LOSS_KINDS, sizeof SL_LOSS_KINDS[0], T_COUNT, parent, &kind);
    if (st) return st;
    sl_args a;
    if ((st = sl_spec_decode(doc, obj, kind, "type", &a))) return st;
    sl_loss_node *N = &L->node[at];
    memset(N, 0, sizeof *N);
    N->type = (int)((const loss_kind *)kind - SL_LOSS_KINDS);
    N->reduction = sl_param_index(kind, "reduction") < 0 ? SL_RED_SUM : SL_RED_MEAN; /* penalties and sums add up */
    N->ignore_index = -100;
    sl_args_fill(kind, &a, FIELDS, (int)(sizeof FIELDS / sizeof FIELDS[0]), N);
    N->alpha = -1;
    N->term_weight = 1;
    N->n_inputs = SL_LOSS_KINDS[N->type].n_inputs;

    const char *list = N->type == T_FocalLoss ? "alpha" : "weight";
    int wn = sl_args_node(kind, &a, list), wp = sl_arg_present(kind, &a, list);
    if (wp == 1) {
        if (doc->nodes[wn].type == SL_J_NUM) {
            double v = doc->nodes[wn].num; /* FocalLoss: one alpha */
            if (v > 1)
                return sl_fail(SL_STATUS_INVALID, kind->name, "alpha", "must be a number <= 1 (negative: no weighting), got %s",
                               sl_num(v).s);
            N->alpha = v;
        } else {
            take_list(L, doc, wn, &N->weight_off, &N->weight_len);
            N->alpha = 1;
        }
    } else if (N->type == T_FocalLoss && wp == 0) {
        N->alpha = sl_args_value(kind, &a, "alpha"); /* the default, 0.25 */
    }
    if (sl_arg_present(kind, &a, "pos_weight") == 1) {
        int node = sl_args_node(kind, &a, "pos_weight");
        if (doc->nodes[node].type == SL_J_NUM) {
            N->pos_weight_off = L->n_values;
            N->pos_weight_len = 1;
            L->values[L->n_values++] = doc->nodes[node].num;
        } else {
            take_list(L, doc, node, &N->pos_weight_off, &N->pos_weight_len);
        }
    }
    if (N->type == T_Custom) return sl_loss_custom_build(L, N, doc, obj);
    return N->type == T_WeightedSum ? build_terms(L, doc, sl_args_node(kind, &a, "terms"), at, depth, kind->name) : SL_STATUS_OK;
}

sl_status sl_loss_from_spec(const sl_json *doc, int obj, sl_loss **out)
{
    *out = NULL;
    /* every list value is one JSON node, so the document's nodes bound the values to keep */
    size_t size = sizeof(sl_loss) + (size_t)doc->n_nodes * sizeof(double);
    for (int i = 0; i < doc->n_nodes; i++) /* room for each Custom node's block */
        if (doc->nodes[i].type == SL_J_STR && doc->nodes[i].key && !strcmp(doc->nodes[i].key, "type") && !strcmp(doc->nodes[i].str, "Custom"))
            size += (size_t)sl_loss_custom_doubles() * sizeof(double);
    sl_loss *L = calloc(1, size);
    if (!L) return sl_fail(SL_STATUS_NOMEM, "loss", NULL, "out of memory");
    L->n_nodes = 1;
    sl_status st = build_node(L, doc, obj, 0, 0, "loss");
    if (st) {
        free(L);
        return st;
    }
    L->magic = SL_LOSS_MAGIC;
    L->size = (uint32_t)size;
    L->n_inputs = L->node[0].n_inputs;
    *out = L;
    return SL_STATUS_OK;
}

sl_status sl_loss_create(const char *json, double len, sl_loss **out)
{
    sl_json doc;
    int bytes = 0;
    *out = NULL;
    sl_status st = sl_count_check(len, 0, 2147483647.0, "loss", "spec length", &bytes);
    if (st) return st;
    if (!json) return sl_fail(SL_STATUS_INVALID, "loss", NULL, "spec is missing");
    st = sl_json_parse(json, (size_t)bytes, &doc, "loss");
    if (st) return st;
    st = sl_loss_from_spec(&doc, 0, out);
    sl_json_free(&doc);
    return st;
}

void sl_loss_free(sl_loss *L) { free(L); }

int sl_loss_inputs(const sl_loss *L) { return L->n_inputs; }
int sl_loss_reduction(const sl_loss *L) { return L->node[0].reduction; }
const char *sl_loss_type(const sl_loss *L) { return loss_name(&L->node[0]); }
int sl_loss_tasks(const sl_loss *L) { return SL_LOSS_KINDS[L->node[0].type].tasks; }
int sl_loss_is_penalty(const sl_loss *L) { return loss_form(&L->node[0]) == F_PENALTY; }

const char *sl_loss_fitting(int task)
{
    static char names[SL_TASK_EMBEDDING + 1][256];
    if (task < 0 || task > SL_TASK_EMBEDDING) return "";
    char *out = names[task];
    size_t o = 0;
    out[0] = 0;
    for (int t = 0; t < T_COUNT; t++)
        if (SL_LOSS_KINDS[t].tasks & (1 << task))
            o += (size_t)snprintf(out + o, sizeof names[0] - o, "%s%s", o ? "|" : "", SL_LOSS_KINDS[t].head.name);
    return out;
}

int sl_loss_value_count(const sl_loss *L, double n, double c, double n_target)
{
    if (sl_loss_reduction(L) != SL_RED_NONE || !(n >= 1 && c >= 1 && n * c <= SL_LOSS_MAX_ELEMS)) return 1;
    int t = L->node[0].type, form = loss_form(&L->node[0]), ni = (int)n, ci = (int)c;
    if (t == T_FocalLoss) return n_target == n && c > 1 ? ni : ni * ci; /* sigmoid form is elementwise */
    return form == F_ELEM ? ni * ci : ni;
}

/* ---- the registry as JSON ---- */

static int row_extra(const void *entry, char **buf, int len, int *cap)
{
    const loss_kind *k = entry;
    const char *names = SL_TRAIN_TASK_NAMES; /* "binary|...": word t is task t */
    char word[32];
    len = sl_json_append(buf, len, cap, ",\"tasks\":[");
    for (int t = 0, first = 1; *names; t++) {
        size_t n = strcspn(names, "|");
        snprintf(word, sizeof word, "%s\"%.*s\"", first ? "" : ",", (int)n, names);
        if (k->tasks & (1 << t)) len = sl_json_append(buf, len, cap, word), first = 0;
        names += n + (names[n] == '|');
    }
    len = sl_json_append(buf, len, cap, "]");
    return sl_json_append(buf, len, cap, k->form == F_PENALTY ? ",\"penalty\":true" : ",\"penalty\":false");
}

int sl_losses_json(char **buf, int len, int *cap)
{
    return sl_kinds_json_ex(buf, len, cap, SL_LOSS_KINDS, sizeof SL_LOSS_KINDS[0], T_COUNT, row_extra);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
