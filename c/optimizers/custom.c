/* The Custom optimizer: an update rule the user writes in the rule language
 * (c/base/rule.h), e.g. { type: 'Custom', hyper: { lr: 0.01, mu: 0.9 },
 * state: { v: 0 }, update: 'v = mu * v + g; p = p - lr * v' }. Per element,
 * in order, its statements assign p or a state; they read p, g, t (the
 * 1-based step), lr (the group's lr now: a scheduler's), the hyper-parameters
 * and the states. The rule's text, names, values and compiled program live in
 * the optimizer's allocation ahead of its state arrays (one state array of n
 * floats per state name), so a saved state carries it; a restore rebuilds
 * the whole block from the saved text, names and values and requires every
 * byte to match, so a forged program never runs. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rule.h"

/* Cold code (compiling, validation, messages): compiled for size, like spec.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define FIXED 4 /* p, g, t, lr */
static const char *const FIXED_NAMES[FIXED] = { "p", "g", "t", "lr" };
#define DEFAULT_RULE "p = p - lr * g"
#define DEFAULT_LR 1e-3

typedef struct {
    int n_hyper, n_state;                   /* slots FIXED.. are the hyper-parameters, then the states */
    char text[SL_RULE_MAX_LEN + 8];         /* the rule as written */
    char names[SL_RULE_MAX_VARS][32];       /* every slot's name */
    double value[SL_RULE_MAX_VARS];         /* a hyper-parameter's value, a state's start value */
    sl_rule rule;
} custom_blob;

int sl_custom_floats(void) { return (int)((sizeof(custom_blob) + 7) / 8 * 2); }

static const custom_blob *cblob_of(const sl_optimizer *o) { return (const custom_blob *)(o + 1); }

int sl_custom_states(const void *blob) { return ((const custom_blob *)blob)->n_state; }

/* Compiles b's text with its names; b's other fields are set. */
static sl_status compile(custom_blob *b, sl_status st_kind)
{
    const char *names[SL_RULE_MAX_VARS];
    int n = FIXED + b->n_hyper + b->n_state;
    for (int i = 0; i < n; i++) names[i] = b->names[i];
    unsigned assignable = 1u;
    for (int i = 0; i < b->n_state; i++) assignable |= 1u << (FIXED + b->n_hyper + i);
    sl_status st = sl_rule_compile(b->text, names, n, assignable, 0, &b->rule, "Custom", "update");
    if (!st || st_kind == SL_STATUS_PARSE) return st;
    char why[400];
    snprintf(why, sizeof why, "%s", sl_error_message());
    return sl_fail(st_kind, "Custom", "update", "in the saved state does not compile (%s)", why);
}

/* Why name cannot be a hyper-parameter or state name, or NULL. */
static const char *name_problem(const custom_blob *b, const char *name, int upto)
{
    const char *why = sl_rule_name_problem(name);
    if (why) return why;
    for (int i = 0; i < upto; i++)
        if (!strcmp(b->names[i], name)) return i < FIXED ? "is the rule's own (p, g, t, lr); pick another name" : "is given twice (hyper and state share one namespace)";
    return NULL;
}

/* hyper or state: an object of names to finite numbers, into slots from b->names[at]. */
SL_COMPACT static sl_status names_from(const sl_json *doc, int obj, const char *field, int max, custom_blob *b, int at, int *count, double *lr)
{
    char got[64], where[64];
    *count = 0;
    if (obj < 0 || doc->nodes[obj].type == SL_J_NULL) return SL_STATUS_OK;
    if (doc->nodes[obj].type != SL_J_OBJ) {
        sl_json_describe(doc, obj, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, "Custom", field, "must be an object of names and numbers, e.g. { %s: 0.9 }, got %s",
                       !strcmp(field, "hyper") ? "mu" : "v", got);
    }
    sl_status st = sl_spec_unique_keys(doc, obj, "Custom");
    if (st) return st;
    for (int c = doc->nodes[obj].child; c >= 0; c = doc->nodes[c].next) {
        const char *key = doc->nodes[c].key;
        snprintf(where, sizeof where, "%s.%.32s", field, key);
        if (doc->nodes[c].type != SL_J_NUM || !isfinite(doc->nodes[c].num)) {
            sl_json_describe(doc, c, got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, "Custom", where, "must be a finite number, got %s", got);
        }
        if (lr && !strcmp(key, "lr")) {
            if (!(doc->nodes[c].num >= 0)) return sl_fail(SL_STATUS_INVALID, "Custom", where, "must be a number >= 0, got %s", sl_num(doc->nodes[c].num).s);
            *lr = doc->nodes[c].num; /* the lr slot: a scheduler drives it */
            continue;
        }
        const char *why = name_problem(b, key, at + *count);
        if (why) return sl_fail(SL_STATUS_INVALID, "Custom", where, "%s", why);
        if (*count >= max)
            return sl_fail(SL_STATUS_INVALID, "Custom", field, "has more than %d names", max);
        strcpy(b->names[at + *count], key);
        b->value[at + *count] = doc->nodes[c].num;
        (*count)++;
    }
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_custom_decode(const sl_json *doc, int obj, double *lr, void **out)
{
    *out = NULL;
    custom_blob *b = calloc(1, sizeof *b);
    if (!b) return sl_fail(SL_STATUS_NOMEM, "Custom", NULL, "out of memory");
    for (int i = 0; i < FIXED; i++) strcpy(b->names[i], FIXED_NAMES[i]);
    double hyper_lr = NAN;
    int nh = 0, ns = 0;
    sl_status st = names_from(doc, sl_json_get(doc, obj, "hyper"), "hyper", SL_CUSTOM_MAX_HYPER, b, FIXED, &nh, &hyper_lr);
    b->n_hyper = nh;
    if (!st) st = names_from(doc, sl_json_get(doc, obj, "state"), "state", SL_CUSTOM_MAX_STATE, b, FIXED + nh, &ns, NULL);
    b->n_state = ns;
    int u = sl_json_get(doc, obj, "update");
    const char *text = u >= 0 && doc->nodes[u].type == SL_J_STR ? doc->nodes[u].str : DEFAULT_RULE;
    if (!st && strlen(text) > SL_RULE_MAX_LEN)
        st = sl_fail(SL_STATUS_PARSE, "Custom", "update", "is longer than %d characters (got %zu)", SL_RULE_MAX_LEN, strlen(text));
    if (!st) {
        strcpy(b->text, text);
        st = compile(b, SL_STATUS_PARSE);
    }
    if (st) {
        free(b);
        return st;
    }
    if (isnan(*lr)) *lr = isnan(hyper_lr) ? DEFAULT_LR : hyper_lr;
    *out = b;
    return SL_STATUS_OK;
}

void sl_custom_init(sl_optimizer *o)
{
    const custom_blob *b = cblob_of(o);
    for (int k = 0; k < b->n_state; k++) {
        float v = (float)b->value[FIXED + b->n_hyper + k], *a = sl_opt_array(o, k);
        for (int i = 0; i < o->n; i++) a[i] = v;
    }
}

void sl_custom_update(sl_optimizer *o, int gi, float *params, const float *grads, double step)
{
    const custom_blob *b = cblob_of(o);
    sl_rule_io io;
    memset(&io, 0, sizeof io);
    io.scalar[2] = step;
    io.scalar[3] = o->group[gi].lr;
    for (int i = FIXED; i < FIXED + b->n_hyper; i++) io.scalar[i] = b->value[i];
    for (const sl_opt_range *r = o->ranges; r < o->ranges + o->n_ranges; r++) {
        if (r->group != gi) continue;
        io.in[0] = params + r->offset;
        io.out[0] = params + r->offset;
        io.in[1] = grads + r->offset;
        for (int k = 0; k < b->n_state; k++) {
            float *a = sl_opt_array(o, k) + r->offset;
            io.in[FIXED + b->n_hyper + k] = a;
            io.out[FIXED + b->n_hyper + k] = a;
        }
        sl_rule_run(&b->rule, &io, r->count);
    }
}

/* A restored block: counts in range, then rebuilt from its own text, names and values, byte for byte. */
SL_COMPACT sl_status sl_custom_check(const sl_optimizer *o)
{
    const custom_blob *s = cblob_of(o);
    if (s->n_hyper < 0 || s->n_hyper > SL_CUSTOM_MAX_HYPER || s->n_state < 0 || s->n_state > SL_CUSTOM_MAX_STATE)
        return sl_fail(SL_STATUS_STATE, "Custom", "state", "in the saved state has %d hyper-parameters and %d states", s->n_hyper, s->n_state);
    if (memchr(s->text, 0, sizeof s->text) == NULL) return sl_fail(SL_STATUS_STATE, "Custom", "update", "in the saved state is not text");
    custom_blob *b = calloc(1, sizeof *b);
    if (!b) return sl_fail(SL_STATUS_NOMEM, "Custom", NULL, "out of memory");
    sl_status st = SL_STATUS_OK;
    for (int i = 0; i < FIXED; i++) strcpy(b->names[i], FIXED_NAMES[i]);
    int n = FIXED + s->n_hyper + s->n_state;
    for (int i = FIXED; i < n && !st; i++) {
        char name[32];
        memcpy(name, s->names[i], sizeof name);
        name[sizeof name - 1] = 0;
        const char *why = name_problem(b, name, i);
        if (why) st = sl_fail(SL_STATUS_STATE, "Custom", "state", "in the saved state has a name '%.24s' that %s", name, why);
        else if (!isfinite(s->value[i])) st = sl_fail(SL_STATUS_STATE, "Custom", name, "in the saved state must be finite");
        strcpy(b->names[i], name);
        b->value[i] = s->value[i];
    }
    b->n_hyper = s->n_hyper;
    b->n_state = s->n_state;
    if (!st && strlen(s->text) <= SL_RULE_MAX_LEN) {
        strcpy(b->text, s->text);
        st = compile(b, SL_STATUS_STATE);
    }
    if (!st && memcmp(b, s, sizeof *b) != 0) st = sl_fail(SL_STATUS_STATE, "Custom", "update", "in the saved state does not match its program");
    free(b);
    /* the states: finite, and their start values before the first step */
    for (int k = 0; k < s->n_state && !st; k++) {
        const float *a = sl_opt_carray(o, k);
        float v0 = (float)s->value[FIXED + s->n_hyper + k];
        for (int i = 0; i < o->n && !st; i++)
            if (!isfinite(a[i]) || (o->steps == 0 && a[i] != v0))
                st = sl_fail(SL_STATUS_STATE, "Custom", s->names[FIXED + s->n_hyper + k], "[%d] in the saved state must be %s, got %s", i,
                             o->steps == 0 ? "its start value before the first step" : "finite", sl_num(a[i]).s);
    }
    return st;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
