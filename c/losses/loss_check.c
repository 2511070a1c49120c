/* Validation of a loss's target and list parameters against one evaluation's
 * shapes, before anything is written: class indices in range, labels of the
 * right values, probabilities in [0, 1], weight lists of a fitting length. */
#include "loss_internal.h"

#include <math.h>
#include <stdio.h>

static int class_indices(const sl_loss_node *N, const loss_batch *B)
{
    if (N->type == T_FocalLoss) return loss_focal_softmax(B);
    return B->n_t == B->n;
}

SL_COMPACT static sl_status bad_target(const sl_loss_node *N, int i, const char *want, float v)
{
    char field[32];
    snprintf(field, sizeof field, "target[%d]", i);
    return sl_fail(SL_STATUS_INVALID, loss_name(N), field, "must be %s, got %s", want, sl_num(v).s);
}

/* A list may hold one value per class (c), per element (total, when that
 * differs from c and is > 0) or, when scalar_ok, one for all. */
SL_COMPACT static sl_status check_list(const sl_loss_node *N, const char *field, int len, int c, int total, int scalar_ok)
{
    if (!len || len == c || len == total || (scalar_ok && len == 1)) return SL_STATUS_OK;
    char want[160];
    const char *one = scalar_ok && c != 1 ? "1 or " : "", *unit = c == 1 && !*one ? "value" : "values";
    if (total != c && total > 0)
        snprintf(want, sizeof want, "%s%d %s (one per class) or %d (one per element)", scalar_ok && c != 1 ? "1, " : "", c, unit,
                 total);
    else
        snprintf(want, sizeof want, "%s%d %s (one per class)", one, c, unit);
    return sl_fail(SL_STATUS_INVALID, loss_name(N), field, "must have %s, got %d", want, len);
}

static sl_status check_pairs(const sl_loss_node *N, const loss_batch *B)
{
    if (B->n_t != B->n)
        return sl_fail(SL_STATUS_INVALID, loss_name(N), "target", "must have one label per pair (%d), got %d values", B->n, B->n_t);
    for (int i = 0; i < B->n; i++) {
        float y = B->t[i];
        if (N->type == T_ContrastiveLoss && y != 0 && y != 1) return bad_target(N, i, "0 (similar) or 1 (dissimilar)", y);
        if (N->type == T_CosineEmbeddingLoss && y != 1 && y != -1 && y != 0)
            return bad_target(N, i, "1 (similar), -1 (dissimilar) or 0 (no loss, as in PyTorch)", y);
    }
    return SL_STATUS_OK;
}

static sl_status check_classes(const sl_loss *L, const sl_loss_node *N, const loss_batch *B)
{
    int n = B->n, c = B->c, nll = N->type == T_CrossEntropyLoss || N->type == T_NLLLoss;
    for (int i = 0; i < n; i++) {
        float y = B->t[i];
        int ign = nll && y == (float)N->ignore_index;
        if (!ign && (floorf(y) != y || y < 0 || y >= (float)c)) {
            char want[96];
            if (nll) snprintf(want, sizeof want, "a class index in [0, %d) or ignore_index (%d)", c, N->ignore_index);
            else snprintf(want, sizeof want, "a class index in [0, %d)", c);
            return bad_target(N, i, want, y);
        }
    }
    sl_status st = check_list(N, N->type == T_FocalLoss ? "alpha" : "weight", N->weight_len, c, 0, 0);
    if (st || N->type != T_FocalLoss) return st;
    for (int k = 0; k < N->weight_len; k++)
        if (L->values[N->weight_off + k] < 0)
            return sl_fail(SL_STATUS_INVALID, loss_name(N), "alpha", "[%d] must be >= 0 in a per-class list, got %s", k,
                           sl_num(L->values[N->weight_off + k]).s);
    return SL_STATUS_OK;
}

/* a target of the input's shape */
static sl_status check_same_shape(const sl_loss_node *N, const loss_batch *B)
{
    const char *name = loss_name(N);
    int n = B->n, c = B->c, nc = n * c, form = loss_form(N);
    if (B->n_t != nc) {
        if (N->type == T_CrossEntropyLoss && nc != n)
            return sl_fail(SL_STATUS_INVALID, name, "target", "must hold %d class indices (one per row) or %d probabilities "
                           "(the input's shape), got %d values", n, nc, B->n_t);
        if (N->type == T_CrossEntropyLoss)
            return sl_fail(SL_STATUS_INVALID, name, "target", "must hold %d values (a class index or a probability per row), "
                           "got %d values", n, B->n_t);
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
        } else if (N->type == T_BCELoss || N->type == T_FocalLoss || N->type == T_CrossEntropyLoss) {
            /* BCEWithLogitsLoss takes any target, as PyTorch does: its formula extends beyond [0, 1] */
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
    return SL_STATUS_OK;
}

sl_status sl_loss_validate(const sl_loss *L, const sl_loss_node *N, const loss_batch *B)
{
    int form = loss_form(N), c = B->c, nc = B->n * B->c;
    sl_status st;
    if (form == F_SUM) {
        for (int k = 0; k < N->n_terms; k++)
            if ((st = sl_loss_validate(L, &L->node[N->first_term + k], B))) return st;
        return SL_STATUS_OK;
    }
    if (form == F_PENALTY || form == F_TRIPLET) return SL_STATUS_OK;
    if (!B->t || B->n_t < 0) return sl_fail(SL_STATUS_INVALID, loss_name(N), "target", "is required");
    for (int i = 0; i < B->n_t; i++)
        if (!isfinite(B->t[i])) return bad_target(N, i, "a finite number", B->t[i]);
    if (form == F_PAIR) return check_pairs(N, B);
    if (form == F_CLASS && class_indices(N, B)) return check_classes(L, N, B);
    if ((st = check_same_shape(N, B))) return st;
    if (N->type == T_FocalLoss && N->weight_len)
        return sl_fail(SL_STATUS_INVALID, loss_name(N), "alpha", "as a list needs class-index targets (the softmax form); "
                       "the sigmoid form takes one number");
    if (N->type == T_CrossEntropyLoss && N->ignore_index >= 0)
        return sl_fail(SL_STATUS_INVALID, loss_name(N), "ignore_index", "is not supported for probability targets (PyTorch refuses it too): "
                       "a row of probabilities has no class index to ignore; got %d", N->ignore_index);
    if (N->type == T_CrossEntropyLoss) return check_list(N, "weight", N->weight_len, c, 0, 0);
    if ((st = check_list(N, "weight", N->type == T_FocalLoss ? 0 : N->weight_len, c, nc, 1))) return st;
    return check_list(N, "pos_weight", N->pos_weight_len, c, 0, 1);
}
