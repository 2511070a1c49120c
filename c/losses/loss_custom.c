/* The Custom loss: an elementwise loss the user writes as one expression of
 * the rule language (c/base/rule.h) in x (the input element), y (the target
 * element) and the spec's hyper-parameters, reduced like MSELoss ('mean' over
 * all elements, 'sum', 'none'). Its gradient comes from forward-mode dual
 * numbers (rule_eval.c), exact through every op. The node's block (the
 * values of its names and its program) lives in the loss's values[]. */
#include "loss_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../base/rule.h"

/* Cold code (compiling, validation, messages): compiled for size, like spec.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define DEFAULT_EXPR "(x - y)^2"
#define FIXED 2 /* x, y */
#define MAX_HYPER 16 /* as the Custom optimizer's */

typedef struct {
    int n_vars, pad;
    double value[SL_RULE_MAX_VARS];
    sl_rule rule;
} custom_block;

int sl_loss_custom_doubles(void) { return (int)((sizeof(custom_block) + 7) / 8); }

SL_COMPACT sl_status sl_loss_custom_build(sl_loss *L, sl_loss_node *N, const sl_json *doc, int obj)
{
    N->custom_off = L->n_values;
    custom_block *b = (custom_block *)(L->values + L->n_values);
    memset(b, 0, sizeof *b);
    L->n_values += sl_loss_custom_doubles();
    char names[SL_RULE_MAX_VARS][SL_RULE_NAME_LEN + 1] = { "x", "y" };
    const char *list[SL_RULE_MAX_VARS] = { names[0], names[1] };
    int n = FIXED, h = sl_json_get(doc, obj, "hyper");
    char got[64], where[64];
    if (h >= 0 && doc->nodes[h].type != SL_J_NULL) {
        if (doc->nodes[h].type != SL_J_OBJ) {
            sl_json_describe(doc, h, got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, "Custom", "hyper", "must be an object of names and numbers, e.g. { delta: 1 }, got %s", got);
        }
        sl_status st = sl_spec_unique_keys(doc, h, "Custom");
        if (st) return st;
        for (int c = doc->nodes[h].child; c >= 0; c = doc->nodes[c].next) {
            const char *key = doc->nodes[c].key, *why = sl_rule_name_problem(key);
            snprintf(where, sizeof where, "hyper.%.32s", key);
            if (!why && (!strcmp(key, "x") || !strcmp(key, "y"))) why = "is the loss's own (x, y); pick another name";
            if (why) return sl_fail(SL_STATUS_INVALID, "Custom", where, "%s", why);
            if (doc->nodes[c].type != SL_J_NUM || !isfinite(doc->nodes[c].num)) {
                sl_json_describe(doc, c, got, sizeof got);
                return sl_fail(SL_STATUS_INVALID, "Custom", where, "must be a finite number, got %s", got);
            }
            if (n >= FIXED + MAX_HYPER) return sl_fail(SL_STATUS_INVALID, "Custom", "hyper", "has more than %d names", MAX_HYPER);
            strcpy(names[n], key);
            list[n] = names[n];
            b->value[n++] = doc->nodes[c].num;
        }
    }
    int e = sl_json_get(doc, obj, "expr");
    const char *text = e >= 0 && doc->nodes[e].type == SL_J_STR ? doc->nodes[e].str : DEFAULT_EXPR;
    b->n_vars = n;
    return sl_rule_compile(text, list, n, 0, -1, &b->rule, "Custom", "expr");
}

sl_status sl_loss_custom_eval(const sl_loss *L, const sl_loss_node *N, const loss_batch *B, float *g, double s, double *vals,
                              double *total, double *norm)
{
    const custom_block *b = (const custom_block *)(L->values + N->custom_off);
    int nc = B->n * B->c;
    loss_emit e = sl_loss_reduce_setup(N, s, nc, vals);
    *norm = nc;
    sl_rule_io io;
    memset(&io, 0, sizeof io);
    io.in[0] = B->x[0];
    io.in[1] = B->t;
    for (int i = FIXED; i < b->n_vars; i++) io.scalar[i] = b->value[i];
    double *own = e.vals;
    *total = sl_rule_loss(&b->rule, &io, nc, g, e.gs, own);
    if (!isnan(*total)) return SL_STATUS_OK;
    /* a NaN from finite inputs is the formula's (log of a negative number, 0 / 0): say where */
    for (int i = 0; i < nc; i++) {
        if (!isfinite(B->x[0][i]) || !isfinite(B->t[i])) return SL_STATUS_OK; /* the inputs' own: a diverged run */
    }
    for (int i = 0; i < nc; i++) {
        float one = 0;
        sl_rule_io at = io;
        at.in[0] = B->x[0] + i;
        at.in[1] = B->t + i;
        if (isnan(sl_rule_loss(&b->rule, &at, 1, &one, 0, NULL))) {
            char x[48];
            snprintf(x, sizeof x, "%s", sl_num(B->x[0][i]).s);
            return sl_fail(SL_STATUS_RANGE, "Custom", "expr", "is NaN at element %d (x = %s, y = %s): check its domain (log, sqrt, 0 / 0)", i, x,
                           sl_num(B->t[i]).s);
        }
    }
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
