/* torch.nn losses (PyTorch 1.13) in C, with the gradients PyTorch's autograd
 * gives, including its choices at the kinks: clamp passes the gradient at the
 * boundary (hinge, triplet, cosine embedding), MultiMarginLoss does not,
 * sign(0) = 0 for L1 terms, a norm's gradient at zero distance is 0. BCELoss
 * clamps its logs at -100 and divides its gradient by max(x (1 - x), 1e-12),
 * as PyTorch does, so probabilities of exactly 0 and 1 stay finite.
 * One difference on purpose: a 'mean' over targets that are all ignored (or
 * whose weights sum to 0) is 0 with a zero gradient, where PyTorch gives NaN. */
#include "loss.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/simd.h"

#define INF INFINITY
#define SL_LOSS_MAGIC 0x4c4f5353u /* "LOSS" */

enum {
    T_MSELoss, T_L1Loss, T_HuberLoss, T_SmoothL1Loss, T_BCELoss, T_BCEWithLogitsLoss, T_CrossEntropyLoss, T_NLLLoss,
    T_HingeLoss, T_SquaredHingeLoss, T_MultiMarginLoss, T_FocalLoss, T_ContrastiveLoss, T_TripletMarginLoss,
    T_CosineEmbeddingLoss, T_L1, T_L2, T_ElasticNet, T_WeightedSum, T_COUNT
};

/* How a loss reads its inputs and target. */
enum { F_ELEM, F_CLASS, F_PAIR, F_TRIPLET, F_PENALTY, F_SUM };

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
    NUM("p", 2, 1, INF, 0, "degree of the distance norm"),
    NUM("eps", 1e-6, 0, INF, 0, "added to differences before the norm"),
    { "swap", SL_P_BOOL, 0, 0, 1, 0, NULL, 0, 0, "use d(p, n) when it is smaller than d(a, n)" }, RED,
};
static const sl_param P_COSINE[] = { NUM("margin", 0, -1, 1, 0, "dissimilar pairs are penalized above this cosine"), RED };
static const sl_param P_L1[] = { NUM("lambda", NAN, 0, INF, SL_F_REQUIRED, "strength of lambda * sum |w|") };
static const sl_param P_L2[] = { NUM("lambda", NAN, 0, INF, SL_F_REQUIRED, "strength of lambda * sum w^2") };
static const sl_param P_ELASTIC[] = {
    NUM("l1", NAN, 0, INF, SL_F_REQUIRED, "strength of sum |w|"), NUM("l2", NAN, 0, INF, SL_F_REQUIRED, "strength of sum w^2"),
};
static const sl_param P_SUM[] = {
    { "terms", SL_P_ANY, NAN, 0, 0, SL_F_REQUIRED, NULL, 1, SL_LOSS_MAX_NODES - 1, "[{ weight, loss }, ...]: sum of weighted losses" },
};

typedef struct {
    sl_kind head;
    int form;     /* F_* */
    int n_inputs;
} loss_kind;

#define K(name, params, form, n_in, summary) { { name, params, (int)(sizeof params / sizeof params[0]), summary }, form, n_in }
static const loss_kind KINDS[T_COUNT] = {
    K("MSELoss", P_RED, F_ELEM, 1, "mean squared error (x - y)^2"),
    K("L1Loss", P_RED, F_ELEM, 1, "mean absolute error |x - y|"),
    K("HuberLoss", P_HUBER, F_ELEM, 1, "0.5 d^2 below delta, delta (|d| - 0.5 delta) above"),
    K("SmoothL1Loss", P_SMOOTHL1, F_ELEM, 1, "0.5 d^2 / beta below beta, |d| - 0.5 beta above"),
    K("BCELoss", P_BCE, F_ELEM, 1, "binary cross-entropy on probabilities"),
    K("BCEWithLogitsLoss", P_BCELOGITS, F_ELEM, 1, "binary cross-entropy on logits, numerically stable"),
    K("CrossEntropyLoss", P_CE, F_CLASS, 1, "softmax cross-entropy on logits; class indices or probabilities"),
    K("NLLLoss", P_NLL, F_CLASS, 1, "negative log-likelihood of log-probabilities"),
    K("HingeLoss", P_RED, F_ELEM, 1, "max(0, 1 - y f(x)), labels -1 or 1"),
    K("SquaredHingeLoss", P_RED, F_ELEM, 1, "max(0, 1 - y f(x))^2, labels -1 or 1"),
    K("MultiMarginLoss", P_MULTIMARGIN, F_CLASS, 1, "multi-class hinge: sum of max(0, margin - x[y] + x[i])^p / C"),
    K("FocalLoss", P_FOCAL, F_CLASS, 1, "-alpha (1 - p_t)^gamma log p_t: sigmoid (same-shape target) or softmax (class indices)"),
    K("ContrastiveLoss", P_CONTRASTIVE, F_PAIR, 2, "pairs: 0.5 D^2 if similar (0), 0.5 max(0, m - D)^2 if not (1)"),
    K("TripletMarginLoss", P_TRIPLET, F_TRIPLET, 3, "max(d(a, p) - d(a, n) + margin, 0)"),
    K("CosineEmbeddingLoss", P_COSINE, F_PAIR, 2, "1 - cos for similar pairs (1), max(0, cos - margin) for others (-1)"),
    K("L1", P_L1, F_PENALTY, 1, "lasso penalty lambda * sum |w| on a weight vector"),
    K("L2", P_L2, F_PENALTY, 1, "ridge penalty lambda * sum w^2 on a weight vector"),
    K("ElasticNet", P_ELASTIC, F_PENALTY, 1, "l1 * sum |w| + l2 * sum w^2"),
    K("WeightedSum", P_SUM, F_SUM, 0, "w1 L1 + w2 L2 + ... over the same input and target"),
};

static const char *name_of(const sl_loss_node *N) { return KINDS[N->type].head.name; }

/* ---- construction ---- */

static double arg(const sl_kind *k, const sl_args *a, const char *name, double fallback)
{
    int i = sl_param_index(k, name);
    return i < 0 ? fallback : a->v[i];
}

/* Copies a list parameter (present as an array) into L->values. */
SL_COMPACT static void take_list(sl_loss *L, const sl_json *doc, int node, int *off, int *len)
{
    *off = L->n_values;
    *len = 0;
    for (int c = doc->nodes[node].child; c >= 0; c = doc->nodes[c].next) {
        L->values[L->n_values++] = doc->nodes[c].num;
        (*len)++;
    }
}

SL_COMPACT static sl_status build_node(sl_loss *L, const sl_json *doc, int obj, int at, int depth, const char *parent)
{
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, obj, KINDS, sizeof KINDS[0], T_COUNT, parent, &kind);
    if (st) return st;
    sl_args a;
    if ((st = sl_spec_decode(doc, obj, kind, "type", &a))) return st;
    sl_loss_node *N = &L->node[at];
    memset(N, 0, sizeof *N);
    N->type = (int)((const loss_kind *)kind - KINDS);
    N->reduction = (int)arg(kind, &a, "reduction", SL_RED_MEAN);
    N->delta = arg(kind, &a, N->type == T_SmoothL1Loss ? "beta" : "delta", 0);
    N->margin = arg(kind, &a, "margin", 0);
    N->p = arg(kind, &a, "p", 2);
    N->eps = arg(kind, &a, "eps", 0);
    N->gamma = arg(kind, &a, "gamma", 0);
    N->label_smoothing = arg(kind, &a, "label_smoothing", 0);
    N->ignore_index = (int)arg(kind, &a, "ignore_index", -100);
    N->swap = arg(kind, &a, "swap", 0) != 0;
    N->lambda1 = N->type == T_L1 ? arg(kind, &a, "lambda", 0) : arg(kind, &a, "l1", 0);
    N->lambda2 = N->type == T_L2 ? arg(kind, &a, "lambda", 0) : arg(kind, &a, "l2", 0);
    N->alpha = -1;
    N->term_weight = 1;
    N->n_inputs = KINDS[N->type].n_inputs;

    int wi = sl_param_index(kind, N->type == T_FocalLoss ? "alpha" : "weight");
    if (wi >= 0 && a.present[wi] == 1) {
        int node = a.node[wi];
        if (doc->nodes[node].type == SL_J_NUM) {
            double v = doc->nodes[node].num; /* FocalLoss: one alpha */
            if (v > 1)
                return sl_fail(SL_STATUS_INVALID, kind->name, "alpha", "must be a number <= 1 (negative: no weighting), got %s",
                               sl_num(v).s);
            N->alpha = v;
        } else {
            take_list(L, doc, node, &N->weight_off, &N->weight_len);
            N->alpha = 1;
        }
    } else if (N->type == T_FocalLoss && a.present[wi] == 0) {
        N->alpha = 0.25;
    }
    int pi = sl_param_index(kind, "pos_weight");
    if (pi >= 0 && a.present[pi] == 1) {
        int node = a.node[pi];
        if (doc->nodes[node].type == SL_J_NUM) {
            N->pos_weight_off = L->n_values;
            N->pos_weight_len = 1;
            L->values[L->n_values++] = doc->nodes[node].num;
        } else {
            take_list(L, doc, node, &N->pos_weight_off, &N->pos_weight_len);
        }
    }
    if (N->type != T_WeightedSum) return SL_STATUS_OK;

    /* WeightedSum: terms [{ weight, loss }, ...], decoded here, children after their parent */
    int terms = a.node[0];
    char got[64], field[48];
    if (doc->nodes[terms].type != SL_J_ARR || doc->nodes[terms].count < 1) {
        sl_json_describe(doc, terms, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, kind->name, "terms", "must be a non-empty array of { weight, loss }, got %s", got);
    }
    if (depth >= SL_LOSS_MAX_DEPTH)
        return sl_fail(SL_STATUS_INVALID, kind->name, "terms", "nests WeightedSum more than %d deep", SL_LOSS_MAX_DEPTH);
    int count = doc->nodes[terms].count;
    if (L->n_nodes + count > SL_LOSS_MAX_NODES)
        return sl_fail(SL_STATUS_INVALID, kind->name, "terms", "must hold at most %d losses in all, got more",
                       SL_LOSS_MAX_NODES - 1);
    N->first_term = L->n_nodes;
    N->n_terms = count;
    L->n_nodes += count;
    int i = 0, n_inputs = 0;
    for (int t = doc->nodes[terms].child; t >= 0; t = doc->nodes[t].next, i++) {
        snprintf(field, sizeof field, "terms[%d]", i);
        sl_json_describe(doc, t, got, sizeof got);
        if (doc->nodes[t].type != SL_J_OBJ)
            return sl_fail(SL_STATUS_INVALID, kind->name, field, "must be an object { weight, loss }, got %s", got);
        for (int m = doc->nodes[t].child; m >= 0; m = doc->nodes[m].next)
            if (strcmp(doc->nodes[m].key, "weight") && strcmp(doc->nodes[m].key, "loss"))
                return sl_fail(SL_STATUS_INVALID, kind->name, field, "has unknown key '%.40s'; a term is { weight, loss }",
                               doc->nodes[m].key);
        int w = sl_json_get(doc, t, "weight"), l = sl_json_get(doc, t, "loss");
        double weight = 1;
        if (w >= 0) {
            if (doc->nodes[w].type != SL_J_NUM || !isfinite(doc->nodes[w].num)) {
                sl_json_describe(doc, w, got, sizeof got);
                snprintf(field, sizeof field, "terms[%d].weight", i);
                return sl_fail(SL_STATUS_INVALID, kind->name, field, "must be a finite number, got %s", got);
            }
            weight = doc->nodes[w].num;
        }
        if (l < 0) {
            snprintf(field, sizeof field, "terms[%d].loss", i);
            return sl_fail(SL_STATUS_INVALID, kind->name, field, "is required");
        }
        int child = N->first_term + i;
        if ((st = build_node(L, doc, l, child, depth + 1, kind->name))) return st;
        N = &L->node[at];
        sl_loss_node *C = &L->node[child];
        C->term_weight = weight;
        snprintf(field, sizeof field, "terms[%d].loss", i);
        if (C->reduction == SL_RED_NONE)
            return sl_fail(SL_STATUS_INVALID, kind->name, field, "must not have reduction 'none': each term must be a number");
        int in = C->n_inputs;
        if (i > 0 && in != n_inputs)
            return sl_fail(SL_STATUS_INVALID, kind->name, field, "takes %d inputs where terms[0] takes %d; all terms share the input",
                           in, n_inputs);
        n_inputs = in;
    }
    N->n_inputs = n_inputs;
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_loss_create(const char *json, int len, sl_loss **out)
{
    sl_json doc;
    *out = NULL;
    if (!json || len < 0) return sl_fail(SL_STATUS_INVALID, "loss", NULL, "spec is missing");
    sl_status st = sl_json_parse(json, (size_t)len, &doc, "loss");
    if (st) return st;
    /* every list value is one JSON node, so n_nodes bounds the values to keep */
    size_t size = sizeof(sl_loss) + (size_t)doc.n_nodes * sizeof(double);
    sl_loss *L = calloc(1, size);
    if (!L) {
        sl_json_free(&doc);
        return sl_fail(SL_STATUS_NOMEM, "loss", NULL, "out of memory");
    }
    L->n_nodes = 1;
    st = build_node(L, &doc, 0, 0, 0, "loss");
    sl_json_free(&doc);
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

void sl_loss_free(sl_loss *L) { free(L); }

int sl_loss_inputs(const sl_loss *L) { return L->n_inputs; }
int sl_loss_reduction(const sl_loss *L)
{
    int t = L->node[0].type;
    return KINDS[t].form == F_PENALTY || t == T_WeightedSum ? SL_RED_SUM : L->node[0].reduction;
}
const char *sl_loss_type(const sl_loss *L) { return name_of(&L->node[0]); }

int sl_loss_value_count(const sl_loss *L, int n, int c, int n_target)
{
    if (sl_loss_reduction(L) != SL_RED_NONE || n < 1 || c < 1 || (double)n * c > SL_LOSS_MAX_ELEMS) return 1;
    int t = L->node[0].type, form = KINDS[t].form;
    if (t == T_FocalLoss) return n_target == n && c > 1 ? n : n * c; /* sigmoid form is elementwise */
    return form == F_ELEM ? n * c : n;
}

/* ---- evaluation ---- */

typedef struct {
    const float *x[3];
    const float *t;
    int n, c, n_t;
} batch;

/* softmax focal form: class-index targets with more than one class */
static int focal_softmax(const batch *B) { return B->n_t == B->n && B->c > 1; }

static int class_indices(const sl_loss_node *N, const batch *B)
{
    if (N->type == T_FocalLoss) return focal_softmax(B);
    return B->n_t == B->n;
}

SL_COMPACT static sl_status bad_target(const sl_loss_node *N, int i, const char *want, float v)
{
    char field[32];
    snprintf(field, sizeof field, "target[%d]", i);
    return sl_fail(SL_STATUS_INVALID, name_of(N), field, "must be %s, got %s", want, sl_num(v).s);
}

SL_COMPACT static sl_status check_list(const sl_loss_node *N, const char *field, int len, int c, int total, int scalar_ok)
{
    if (!len || len == c || len == total || (scalar_ok && len == 1)) return SL_STATUS_OK;
    if (total != c && total > 0)
        return sl_fail(SL_STATUS_INVALID, name_of(N), field, "must have %s%d values (one per class) or %d (one per element), got %d",
                       scalar_ok ? "1, " : "", c, total, len);
    return sl_fail(SL_STATUS_INVALID, name_of(N), field, "must have %s%d values (one per class), got %d", scalar_ok ? "1 or " : "",
                   c, len);
}

/* Validates the target and lists of node N against the batch. */
static sl_status validate(const sl_loss *L, const sl_loss_node *N, const batch *B)
{
    const char *name = name_of(N);
    int form = KINDS[N->type].form, n = B->n, c = B->c, nc = n * c;
    sl_status st;
    if (form == F_SUM) {
        for (int k = 0; k < N->n_terms; k++)
            if ((st = validate(L, &L->node[N->first_term + k], B))) return st;
        return SL_STATUS_OK;
    }
    if (form == F_PENALTY || form == F_TRIPLET) return SL_STATUS_OK;
    if (!B->t || B->n_t < 0) return sl_fail(SL_STATUS_INVALID, name, "target", "is required");
    for (int i = 0; i < B->n_t; i++)
        if (!isfinite(B->t[i])) return bad_target(N, i, "a finite number", B->t[i]);
    if (form == F_PAIR) {
        if (B->n_t != n)
            return sl_fail(SL_STATUS_INVALID, name, "target", "must have one label per pair (%d), got %d values", n, B->n_t);
        for (int i = 0; i < n; i++) {
            float y = B->t[i];
            if (N->type == T_ContrastiveLoss && y != 0 && y != 1)
                return bad_target(N, i, "0 (similar) or 1 (dissimilar)", y);
            if (N->type == T_CosineEmbeddingLoss && y != 1 && y != -1)
                return bad_target(N, i, "1 (similar) or -1 (dissimilar)", y);
        }
        return SL_STATUS_OK;
    }
    if (form == F_CLASS && class_indices(N, B)) {
        for (int i = 0; i < n; i++) {
            float y = B->t[i];
            int ign = (N->type == T_CrossEntropyLoss || N->type == T_NLLLoss) && y == (float)N->ignore_index;
            if (!ign && (floorf(y) != y || y < 0 || y >= (float)c)) {
                char want[96];
                if (N->type == T_CrossEntropyLoss || N->type == T_NLLLoss)
                    snprintf(want, sizeof want, "a class index in [0, %d) or ignore_index (%d)", c, N->ignore_index);
                else
                    snprintf(want, sizeof want, "a class index in [0, %d)", c);
                return bad_target(N, i, want, y);
            }
        }
        if ((st = check_list(N, N->type == T_FocalLoss ? "alpha" : "weight", N->weight_len, c, 0, 0))) return st;
        if (N->type == T_FocalLoss)
            for (int k = 0; k < N->weight_len; k++)
                if (L->values[N->weight_off + k] < 0)
                    return sl_fail(SL_STATUS_INVALID, name, "alpha", "[%d] must be >= 0 in a per-class list, got %s", k,
                                   sl_num(L->values[N->weight_off + k]).s);
        return SL_STATUS_OK;
    }
    /* a target of the input's shape */
    if (B->n_t != nc) {
        if (N->type == T_CrossEntropyLoss)
            return sl_fail(SL_STATUS_INVALID, name, "target", "must hold %d class indices (one per row) or %d probabilities "
                           "(the input's shape), got %d values", n, nc, B->n_t);
        if (form == F_CLASS && N->type != T_FocalLoss)
            return sl_fail(SL_STATUS_INVALID, name, "target", "must hold %d class indices (one per row), got %d values", n, B->n_t);
        return sl_fail(SL_STATUS_INVALID, name, "target", "must have the input's shape (%d values), got %d", nc, B->n_t);
    }
    if (form == F_CLASS && N->type != T_CrossEntropyLoss && N->type != T_FocalLoss)
        return sl_fail(SL_STATUS_INVALID, name, "target", "must hold one class index per row (%d), got %d values", n, B->n_t);
    for (int i = 0; i < nc; i++) {
        float y = B->t[i];
        if (N->type == T_HingeLoss || N->type == T_SquaredHingeLoss) {
            if (y != 1 && y != -1) return bad_target(N, i, "-1 or 1", y);
        } else if (N->type == T_BCELoss || N->type == T_BCEWithLogitsLoss || N->type == T_FocalLoss ||
                   N->type == T_CrossEntropyLoss) {
            if (!(y >= 0 && y <= 1)) return bad_target(N, i, "a probability in [0, 1]", y);
        }
    }
    if (N->type == T_BCELoss)
        for (int i = 0; i < nc; i++)
            if (!(B->x[0][i] >= 0 && B->x[0][i] <= 1)) {
                char field[32];
                snprintf(field, sizeof field, "input[%d]", i);
                return sl_fail(SL_STATUS_INVALID, name, field, "must be a probability in [0, 1] (BCELoss takes probabilities; "
                               "use BCEWithLogitsLoss for logits), got %s", sl_num(B->x[0][i]).s);
            }
    if (N->type == T_FocalLoss && N->weight_len)
        return sl_fail(SL_STATUS_INVALID, name, "alpha", "as a list needs class-index targets (the softmax form); "
                       "the sigmoid form takes one number");
    if (N->type == T_CrossEntropyLoss) return check_list(N, "weight", N->weight_len, c, 0, 0);
    if ((st = check_list(N, "weight", N->type == T_FocalLoss ? 0 : N->weight_len, c, nc, 1))) return st;
    return check_list(N, "pos_weight", N->pos_weight_len, c, 0, 1);
}

/* per-element list value (length 1, c or n*c), 1 when absent */
static double list_at(const sl_loss *L, int off, int len, int i, int c)
{
    if (!len) return 1;
    return L->values[off + (len == 1 ? 0 : len == c ? i % c : i)];
}

static double sign(double v) { return (v > 0) - (v < 0); }

/* log(1 + e^v) without overflow */
static double softplus(double v) { return fmax(v, 0) + log1p(exp(-fabs(v))); }

static double sigmoid(double v) { return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v)); }

/* Reduction bookkeeping: per-sample values go to `vals` for 'none', the gradient scale is s / norm for 'mean'. */
typedef struct {
    double *vals;
    double gs;
} emit;

static emit reduce_setup(const sl_loss_node *N, double s, double norm, double *vals)
{
    emit e = { N->reduction == SL_RED_NONE ? vals : NULL, s };
    if (N->reduction == SL_RED_MEAN) e.gs = norm > 0 ? s / norm : 0;
    return e;
}

static double reduce_value(const sl_loss_node *N, double total, double norm)
{
    if (N->reduction == SL_RED_MEAN) return norm > 0 ? total / norm : 0;
    return total;
}

/* MSELoss: g += gs * 2 (x - y); returns sum (x - y)^2. */
static double k_mse(float *g, const float *x, const float *y, int n, float gs, double *vals)
{
    double s0 = 0, s1 = 0;
    int i = 0;
#if SL_SIMD
    if (!vals) {
        simde_v128_t vg = simde_wasm_f32x4_splat(2 * gs), a0 = simde_wasm_f64x2_splat(0), a1 = simde_wasm_f64x2_splat(0);
        for (; i + 4 <= n; i += 4) {
            simde_v128_t d = simde_wasm_f32x4_sub(simde_wasm_v128_load(x + i), simde_wasm_v128_load(y + i));
            simde_v128_t lo = simde_wasm_f64x2_promote_low_f32x4(d);
            simde_v128_t hi = simde_wasm_f64x2_promote_low_f32x4(simde_wasm_i32x4_shuffle(d, d, 2, 3, 0, 1));
            a0 = simde_wasm_f64x2_add(a0, simde_wasm_f64x2_mul(lo, lo));
            a1 = simde_wasm_f64x2_add(a1, simde_wasm_f64x2_mul(hi, hi));
            simde_wasm_v128_store(g + i, simde_wasm_f32x4_add(simde_wasm_v128_load(g + i), simde_wasm_f32x4_mul(vg, d)));
        }
        a0 = simde_wasm_f64x2_add(a0, a1);
        s0 = simde_wasm_f64x2_extract_lane(a0, 0);
        s1 = simde_wasm_f64x2_extract_lane(a0, 1);
    }
#endif
    for (; i < n; i++) {
        float d = x[i] - y[i];
        double l = (double)d * d;
        if (vals) vals[i] = l;
        s0 += l;
        g[i] += 2 * gs * d;
    }
    return s0 + s1;
}

/* L1Loss and the L1 penalty: g += gs * sign(x - y); returns sum |x - y| (y NULL: 0). */
static double k_abs(float *g, const float *x, const float *y, int n, float gs, double *vals)
{
    double s0 = 0, s1 = 0;
    int i = 0;
#if SL_SIMD
    if (!vals) {
        simde_v128_t vg = simde_wasm_f32x4_splat(gs), zero = simde_wasm_f32x4_splat(0), a0 = simde_wasm_f64x2_splat(0), a1 = simde_wasm_f64x2_splat(0);
        for (; i + 4 <= n; i += 4) {
            simde_v128_t d = simde_wasm_v128_load(x + i);
            if (y) d = simde_wasm_f32x4_sub(d, simde_wasm_v128_load(y + i));
            simde_v128_t ad = simde_wasm_f32x4_abs(d);
            a0 = simde_wasm_f64x2_add(a0, simde_wasm_f64x2_promote_low_f32x4(ad));
            a1 = simde_wasm_f64x2_add(a1, simde_wasm_f64x2_promote_low_f32x4(simde_wasm_i32x4_shuffle(ad, ad, 2, 3, 0, 1)));
            simde_v128_t sg = simde_wasm_f32x4_sub(simde_wasm_v128_and(simde_wasm_f32x4_gt(d, zero), vg), simde_wasm_v128_and(simde_wasm_f32x4_lt(d, zero), vg));
            simde_wasm_v128_store(g + i, simde_wasm_f32x4_add(simde_wasm_v128_load(g + i), sg));
        }
        a0 = simde_wasm_f64x2_add(a0, a1);
        s0 = simde_wasm_f64x2_extract_lane(a0, 0);
        s1 = simde_wasm_f64x2_extract_lane(a0, 1);
    }
#endif
    for (; i < n; i++) {
        float d = y ? x[i] - y[i] : x[i];
        double l = fabsf(d);
        if (vals) vals[i] = l;
        s0 += l;
        g[i] += (d > 0) ? gs : (d < 0) ? -gs : 0.0f;
    }
    return s0 + s1;
}

/* sum w^2, with g += gs * 2 w */
static double k_sq(float *g, const float *x, int n, float gs)
{
    double s0 = 0, s1 = 0;
    int i = 0;
#if SL_SIMD
    simde_v128_t vg = simde_wasm_f32x4_splat(2 * gs), a0 = simde_wasm_f64x2_splat(0), a1 = simde_wasm_f64x2_splat(0);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t w = simde_wasm_v128_load(x + i);
        simde_v128_t lo = simde_wasm_f64x2_promote_low_f32x4(w), hi = simde_wasm_f64x2_promote_low_f32x4(simde_wasm_i32x4_shuffle(w, w, 2, 3, 0, 1));
        a0 = simde_wasm_f64x2_add(a0, simde_wasm_f64x2_mul(lo, lo));
        a1 = simde_wasm_f64x2_add(a1, simde_wasm_f64x2_mul(hi, hi));
        simde_wasm_v128_store(g + i, simde_wasm_f32x4_add(simde_wasm_v128_load(g + i), simde_wasm_f32x4_mul(vg, w)));
    }
    a0 = simde_wasm_f64x2_add(a0, a1);
    s0 = simde_wasm_f64x2_extract_lane(a0, 0);
    s1 = simde_wasm_f64x2_extract_lane(a0, 1);
#endif
    double s = 0;
    for (; i < n; i++) {
        s += (double)x[i] * x[i];
        g[i] += 2 * gs * x[i];
    }
    return s + s0 + s1;
}

static double eval_elem(const sl_loss *L, const sl_loss_node *N, const batch *B, float *g, double s, double *vals)
{
    int nc = B->n * B->c, c = B->c;
    const float *x = B->x[0], *t = B->t;
    emit e = reduce_setup(N, s, nc, vals);
    double total = 0, gs = e.gs;
    switch (N->type) {
    case T_MSELoss:
        return reduce_value(N, k_mse(g, x, t, nc, (float)gs, e.vals), nc);
    case T_L1Loss:
        return reduce_value(N, k_abs(g, x, t, nc, (float)gs, e.vals), nc);
    default:
        break;
    }
    for (int i = 0; i < nc; i++) {
        double xi = x[i], y = t[i], l = 0, d = (double)(x[i] - t[i]), dl = 0;
        switch (N->type) {
        case T_HuberLoss: {
            double a = fabs(d), delta = N->delta;
            l = a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
            dl = a <= delta ? d : delta * sign(d);
            break;
        }
        case T_SmoothL1Loss: {
            double a = fabs(d), beta = N->delta;
            if (beta == 0 || a >= beta) {
                l = a - 0.5 * beta;
                dl = sign(d);
            } else {
                l = 0.5 * d * d / beta;
                dl = d / beta;
            }
            break;
        }
        case T_BCELoss: {
            double w = list_at(L, N->weight_off, N->weight_len, i, c);
            l = -w * (y * fmax(log(xi), -100) + (1 - y) * fmax(log(1 - xi), -100));
            dl = w * (xi - y) / fmax((1 - xi) * xi, 1e-12);
            break;
        }
        case T_BCEWithLogitsLoss: {
            double w = list_at(L, N->weight_off, N->weight_len, i, c);
            double pw = list_at(L, N->pos_weight_off, N->pos_weight_len, i, c);
            l = w * ((1 - y) * xi + (1 + (pw - 1) * y) * softplus(-xi));
            dl = w * ((pw * y + 1 - y) * sigmoid(xi) - pw * y);
            break;
        }
        case T_HingeLoss:
        case T_SquaredHingeLoss: {
            double h = 1 - y * xi;
            if (N->type == T_HingeLoss) {
                l = fmax(h, 0);
                dl = h >= 0 ? -y : 0;
            } else {
                l = h > 0 ? h * h : 0;
                dl = h > 0 ? -2 * y * h : 0;
            }
            break;
        }
        case T_FocalLoss: { /* torchvision.ops.sigmoid_focal_loss */
            double sg = sigmoid(xi), ce = fmax(xi, 0) - xi * y + log1p(exp(-fabs(xi)));
            double q = y * sigmoid(-xi) + (1 - y) * sg; /* 1 - p_t */
            double ga = N->gamma, f = ga == 0 ? 1 : pow(q, ga);
            double df = 0;
            if (ga != 0 && (q > 0 || ga >= 1)) df = ga * (ga == 1 ? 1 : pow(q, ga - 1)) * (1 - 2 * y) * sg * (1 - sg);
            double at = N->alpha >= 0 ? N->alpha * y + (1 - N->alpha) * (1 - y) : 1;
            l = at * ce * f;
            dl = at * (f * (sg - y) + ce * df);
            break;
        }
        default:
            break;
        }
        if (e.vals) e.vals[i] = l;
        total += l;
        g[i] += (float)(gs * dl);
    }
    return reduce_value(N, total, nc);
}

/* log-softmax of row x (c values) into lp; returns nothing, lp[k] = x[k] - logsumexp(x) */
static void log_softmax(const float *x, int c, double *lp)
{
    double m = x[0], z = 0;
    for (int k = 1; k < c; k++) m = fmax(m, x[k]);
    for (int k = 0; k < c; k++) z += exp(x[k] - m);
    double lse = m + log(z);
    for (int k = 0; k < c; k++) lp[k] = x[k] - lse;
}

static sl_status eval_class(const sl_loss *L, const sl_loss_node *N, const batch *B, float *g, double s, double *vals,
                            double *value)
{
    int n = B->n, c = B->c, idx = class_indices(N, B);
    const float *x = B->x[0], *t = B->t;
    const double *w = N->weight_len ? L->values + N->weight_off : NULL;
    double *lp = NULL;
    if (N->type == T_CrossEntropyLoss || N->type == T_FocalLoss) {
        lp = malloc((size_t)c * sizeof(double));
        if (!lp) return sl_fail(SL_STATUS_NOMEM, name_of(N), "input", "rows of %d classes do not fit in memory", c);
    }
    /* the 'mean' normalizer: sum of target weights over non-ignored samples (NLL, CE with indices), else N */
    double norm = n;
    if ((N->type == T_CrossEntropyLoss || N->type == T_NLLLoss) && idx) {
        norm = 0;
        for (int i = 0; i < n; i++)
            if (t[i] != (float)N->ignore_index) norm += w ? w[(int)t[i]] : 1;
    }
    emit e = reduce_setup(N, s, norm, vals);
    double total = 0, gs = e.gs, eps = N->label_smoothing;
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * c;
        float *gi = g + (size_t)i * c;
        double l = 0;
        int y = idx ? (int)t[i] : -1;
        if (idx && (N->type == T_CrossEntropyLoss || N->type == T_NLLLoss) && t[i] == (float)N->ignore_index) {
            if (e.vals) e.vals[i] = 0;
            continue;
        }
        switch (N->type) {
        case T_NLLLoss: {
            double wy = w ? w[y] : 1;
            l = -wy * xi[y];
            gi[y] += (float)(-gs * wy);
            break;
        }
        case T_CrossEntropyLoss: {
            log_softmax(xi, c, lp);
            if (idx) {
                double wy = w ? w[y] : 1, wsum = 0, smooth = 0;
                for (int k = 0; k < c; k++) {
                    double wk = w ? w[k] : 1;
                    wsum += wk;
                    smooth -= wk * lp[k];
                }
                l = (1 - eps) * (-wy * lp[y]) + eps / c * smooth;
                for (int k = 0; k < c; k++) {
                    double pk = exp(lp[k]), wk = w ? w[k] : 1;
                    double dk = (1 - eps) * wy * (pk - (k == y)) + eps / c * (pk * wsum - wk);
                    gi[k] += (float)(gs * dk);
                }
            } else {
                const float *ti = t + (size_t)i * c;
                double tw = 0;
                for (int k = 0; k < c; k++) {
                    double tk = ti[k] * (1 - eps) + eps / c, wk = w ? w[k] : 1;
                    tw += wk * tk;
                    l -= wk * tk * lp[k];
                }
                for (int k = 0; k < c; k++) {
                    double tk = ti[k] * (1 - eps) + eps / c, wk = w ? w[k] : 1;
                    gi[k] += (float)(gs * (exp(lp[k]) * tw - wk * tk));
                }
            }
            break;
        }
        case T_MultiMarginLoss: {
            double wy = w ? w[y] : 1;
            for (int k = 0; k < c; k++) {
                if (k == y) continue;
                double z = N->margin - (double)xi[y] + xi[k];
                if (z > 0) {
                    l += wy * (N->p == 1 ? z : z * z) / c;
                    double h = wy * (N->p == 1 ? 1 : 2 * z) / c;
                    gi[k] += (float)(gs * h);
                    gi[y] -= (float)(gs * h);
                }
            }
            break;
        }
        case T_FocalLoss: { /* softmax form: -alpha_y (1 - p_y)^gamma log p_y */
            log_softmax(xi, c, lp);
            double a = w ? w[y] : N->alpha >= 0 ? N->alpha : 1;
            double lpy = lp[y], p = exp(lpy), q = -expm1(lpy), ga = N->gamma;
            double f = ga == 0 ? 1 : pow(q, ga);
            double fq = ga == 0 || (q == 0 && ga < 1) ? 0 : ga * (ga == 1 ? 1 : pow(q, ga - 1));
            l = -a * f * lpy;
            double dlp = -a * f + a * fq * p * lpy; /* d l / d log p_y */
            for (int k = 0; k < c; k++) gi[k] += (float)(gs * dlp * ((k == y) - exp(lp[k])));
            break;
        }
        default:
            break;
        }
        if (e.vals) e.vals[i] = l;
        total += l;
    }
    free(lp);
    *value = reduce_value(N, total, norm);
    return SL_STATUS_OK;
}

static double eval_pair(const sl_loss_node *N, const batch *B, float *g1, float *g2, double s, double *vals)
{
    int n = B->n, c = B->c;
    emit e = reduce_setup(N, s, n, vals);
    double total = 0, gs = e.gs;
    for (int i = 0; i < n; i++) {
        const float *a = B->x[0] + (size_t)i * c, *b = B->x[1] + (size_t)i * c;
        float *ga = g1 + (size_t)i * c, *gb = g2 + (size_t)i * c;
        double y = B->t[i], l = 0;
        if (N->type == T_ContrastiveLoss) {
            double d2 = 0;
            for (int k = 0; k < c; k++) d2 += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
            double D = sqrt(d2), h = fmax(N->margin - D, 0);
            /* similar: d(0.5 D^2) = u; dissimilar: d(0.5 h^2) = -h u / D (0 at D = 0) */
            double coef = y == 0 ? 1 : (D > 0 ? -h / D : 0);
            l = y == 0 ? 0.5 * d2 : 0.5 * h * h;
            for (int k = 0; k < c; k++) {
                double u = (double)a[k] - b[k];
                ga[k] += (float)(gs * coef * u);
                gb[k] -= (float)(gs * coef * u);
            }
        } else { /* CosineEmbeddingLoss, with PyTorch's 1e-12 added to each squared norm */
            double ab = 0, aa = 1e-12, bb = 1e-12;
            for (int k = 0; k < c; k++) {
                ab += (double)a[k] * b[k];
                aa += (double)a[k] * a[k];
                bb += (double)b[k] * b[k];
            }
            double den = sqrt(aa * bb), cs = ab / den, dc;
            if (y == 1) {
                l = 1 - cs;
                dc = -1;
            } else {
                l = fmax(cs - N->margin, 0);
                dc = cs - N->margin >= 0 ? 1 : 0;
            }
            if (dc != 0)
                for (int k = 0; k < c; k++) {
                    ga[k] += (float)(gs * dc * (b[k] / den - cs * a[k] / aa));
                    gb[k] += (float)(gs * dc * (a[k] / den - cs * b[k] / bb));
                }
        }
        if (e.vals) e.vals[i] = l;
        total += l;
    }
    return reduce_value(N, total, n);
}

/* ||x - y + eps||_p; with g != NULL, g[k] = d/dx_k of it (0 at zero distance) */
static double pdist(const float *x, const float *y, int c, double p, double eps, double *g)
{
    double s = 0;
    for (int k = 0; k < c; k++) {
        double u = fabs((double)(x[k] - y[k]) + eps);
        s += p == 1 ? u : p == 2 ? u * u : pow(u, p);
    }
    double d = p == 1 ? s : p == 2 ? sqrt(s) : pow(s, 1 / p);
    if (g)
        for (int k = 0; k < c; k++) {
            double u = (double)(x[k] - y[k]) + eps;
            g[k] = d == 0 ? 0 : p == 1 ? sign(u) : p == 2 ? u / d : sign(u) * pow(fabs(u) / d, p - 1);
        }
    return d;
}

static sl_status eval_triplet(const sl_loss_node *N, const batch *B, float *const g[3], double s, double *vals, double *value)
{
    int n = B->n, c = B->c;
    double small[3 * 64]; /* rows of up to 64 values (a trainer's embeddings) need no allocation */
    double *buf = c <= 64 ? small : malloc((size_t)c * 3 * sizeof(double));
    if (!buf) return sl_fail(SL_STATUS_NOMEM, name_of(N), "input", "rows of %d values do not fit in memory", c);
    double *gp = buf, *gn = buf + c, *gs_ = buf + 2 * c;
    memset(gs_, 0, (size_t)c * sizeof(double)); /* read (times 0) without swap */
    emit e = reduce_setup(N, s, n, vals);
    double total = 0, gs = e.gs;
    for (int i = 0; i < n; i++) {
        size_t o = (size_t)i * c;
        const float *a = B->x[0] + o, *p = B->x[1] + o, *q = B->x[2] + o;
        double dp = pdist(a, p, c, N->p, N->eps, gp), dn = pdist(a, q, c, N->p, N->eps, gn);
        double wn = 1, ws = 0; /* shares of d(a, n) and d(p, n) in the negative distance */
        if (N->swap) {
            double ds = pdist(p, q, c, N->p, N->eps, gs_);
            if (ds < dn) { wn = 0; ws = 1; dn = ds; }
            else if (ds == dn) { wn = ws = 0.5; } /* torch.min splits the gradient at a tie */
        }
        double z = N->margin + dp - dn, l = fmax(z, 0);
        if (z >= 0)
            for (int k = 0; k < c; k++) {
                g[0][o + k] += (float)(gs * (gp[k] - wn * gn[k]));
                g[1][o + k] += (float)(gs * (-gp[k] - ws * gs_[k]));
                g[2][o + k] += (float)(gs * (wn * gn[k] + ws * gs_[k]));
            }
        if (e.vals) e.vals[i] = l;
        total += l;
    }
    if (buf != small) free(buf);
    *value = reduce_value(N, total, n);
    return SL_STATUS_OK;
}

static sl_status eval_node(const sl_loss *L, const sl_loss_node *N, const batch *B, float *const g[3], double s,
                           double *vals, double *value)
{
    int nc = B->n * B->c;
    switch (KINDS[N->type].form) {
    case F_ELEM:
        *value = eval_elem(L, N, B, g[0], s, vals);
        return SL_STATUS_OK;
    case F_CLASS:
        if (N->type == T_FocalLoss && !focal_softmax(B)) {
            *value = eval_elem(L, N, B, g[0], s, vals);
            return SL_STATUS_OK;
        }
        return eval_class(L, N, B, g[0], s, vals, value);
    case F_PAIR:
        *value = eval_pair(N, B, g[0], g[1], s, vals);
        return SL_STATUS_OK;
    case F_TRIPLET:
        return eval_triplet(N, B, g, s, vals, value);
    case F_PENALTY: {
        double v = 0;
        if (N->lambda1 != 0) v += N->lambda1 * k_abs(g[0], B->x[0], NULL, nc, (float)(s * N->lambda1), NULL);
        if (N->lambda2 != 0) v += N->lambda2 * k_sq(g[0], B->x[0], nc, (float)(s * N->lambda2));
        *value = v;
        return SL_STATUS_OK;
    }
    default: { /* WeightedSum */
        double v = 0, tv;
        for (int k = 0; k < N->n_terms; k++) {
            const sl_loss_node *T = &L->node[N->first_term + k];
            sl_status st = eval_node(L, T, B, g, s * T->term_weight, NULL, &tv);
            if (st) return st;
            v += T->term_weight * tv;
        }
        *value = v;
        return SL_STATUS_OK;
    }
    }
}

sl_status sl_loss_eval(const sl_loss *L, const float *x1, const float *x2, const float *x3, const float *target, int n,
                       int c, int n_target, float *g1, float *g2, float *g3, double *values)
{
    const sl_loss_node *N = &L->node[0];
    const char *name = name_of(N);
    const float *x[3] = { x1, x2, x3 };
    float *const g[3] = { g1, g2, g3 };
    if (!values) return sl_fail(SL_STATUS_INVALID, name, "values", "needs a buffer for the result");
    if (n < 1 || c < 1) return sl_fail(SL_STATUS_INVALID, name, "input", "must not be empty");
    if ((double)n * c > SL_LOSS_MAX_ELEMS)
        return sl_fail(SL_STATUS_INVALID, name, "input", "must have at most %d values, got %d x %d", SL_LOSS_MAX_ELEMS, n, c);
    int nc = n * c;
    if (n_target > nc && n_target > n)
        return sl_fail(SL_STATUS_INVALID, name, "target", "has %d values, more than the input's %d", n_target, nc);
    for (int k = 0; k < L->n_inputs; k++) {
        if (!x[k] || !g[k]) return sl_fail(SL_STATUS_INVALID, name, "input", "needs %d inputs", L->n_inputs);
        for (int i = 0; i < nc; i++)
            if (!isfinite(x[k][i])) {
                char field[40];
                if (L->n_inputs > 1) snprintf(field, sizeof field, "input[%d][%d]", k, i);
                else snprintf(field, sizeof field, "input[%d]", i);
                return sl_fail(SL_STATUS_INVALID, name, field, "must be a finite number, got %s", sl_num(x[k][i]).s);
            }
    }
    batch B = { { x1, x2, x3 }, target, n, c, target ? n_target : -1 };
    sl_status st = validate(L, N, &B);
    if (st) return st;
    for (int k = 0; k < L->n_inputs; k++) memset(g[k], 0, (size_t)nc * sizeof(float));
    double value = 0;
    st = eval_node(L, N, &B, g, 1.0, values, &value);
    if (st) return st;
    if (sl_loss_reduction(L) != SL_RED_NONE) values[0] = value;
    return SL_STATUS_OK;
}

SL_COMPACT int sl_losses_json(char **buf, int len, int *cap)
{
    return sl_kinds_json(buf, len, cap, KINDS, sizeof KINDS[0], T_COUNT);
}
