/* Spec decoding against parameter descriptors: lookup by "type", unknown-key
 * detection, kind and range checks, defaults. Every message names the thing,
 * the field, what was expected and what was given. */
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cold code (parsing, validation, messages): compiled for size. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static int word_in(const char *list, const char *word, int *index)
{
    int i = 0;
    size_t n = strlen(word);
    for (const char *s = list; s && *s; i++) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && memcmp(s, word, n) == 0) {
            if (index) *index = i;
            return 1;
        }
        s = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* "'min', 'max'" from "min|max" */
static void quote_words(const char *list, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (const char *s = list; s && *s && o + 4 < cap;) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        o += (size_t)snprintf(buf + o, cap - o, "%s'%.*s'", o ? ", " : "", (int)len, s);
        if (o >= cap) { buf[cap - 1] = 0; break; }
        s = bar ? bar + 1 : NULL;
    }
}

static void range_text(const sl_param *p, char *buf, size_t cap)
{
    const char *what = p->kind == SL_P_INT ? "an integer" : "a number";
    int lo_open = p->flags & SL_F_LO_OPEN, hi_open = p->flags & SL_F_HI_OPEN;
    if (isinf(p->lo) && isinf(p->hi))
        snprintf(buf, cap, "must be a finite %s", p->kind == SL_P_INT ? "integer" : "number");
    else if (isinf(p->hi))
        snprintf(buf, cap, "must be %s %s %s%s", what, lo_open ? ">" : ">=", sl_num(p->lo).s, p->flags & SL_F_INF_OK ? " or Infinity" : "");
    else if (isinf(p->lo))
        snprintf(buf, cap, "must be %s %s %s", what, hi_open ? "<" : "<=", sl_num(p->hi).s);
    else
        snprintf(buf, cap, "must be %s in %s%s, %s%s", what, lo_open ? "(" : "[", sl_num(p->lo).s,
                 sl_num(p->hi).s, hi_open ? ")" : "]");
}

sl_status sl_param_check(const sl_kind *kind, const sl_param *p, double v)
{
    int ok = isfinite(v) || (p->flags & SL_F_INF_OK && v == INFINITY && p->hi == INFINITY);
    if (ok && p->kind == SL_P_INT && floor(v) != v) ok = 0;
    if (ok && (p->flags & SL_F_LO_OPEN ? !(v > p->lo) : !(v >= p->lo))) ok = 0;
    if (ok && (p->flags & SL_F_HI_OPEN ? !(v < p->hi) : !(v <= p->hi))) ok = 0;
    if (ok) return SL_STATUS_OK;
    char range[96];
    range_text(p, range, sizeof range);
    if (p->note) return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "%s, got %s (%s)", range, sl_num(v).s, p->note);
    return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "%s, got %s", range, sl_num(v).s);
}

sl_status sl_spec_lookup(const sl_json *doc, int obj, const void *table, size_t stride, int n,
                         const char *family, const sl_kind **out)
{
    return sl_spec_lookup_by(doc, obj, "type", "is required", table, stride, n, family, out);
}

sl_status sl_spec_lookup_by(const sl_json *doc, int obj, const char *key, const char *missing, const void *table,
                            size_t stride, int n, const char *family, const sl_kind **out)
{
    char got[64];
    if (obj < 0 || doc->nodes[obj].type != SL_J_OBJ) {
        sl_json_describe(doc, obj, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, family, NULL, "spec must be an object with a '%s', got %s", key, got);
    }
    int t = sl_json_get(doc, obj, key);
    if (t < 0) return sl_fail(SL_STATUS_INVALID, family, key, "%s", missing);
    if (doc->nodes[t].type != SL_J_STR) {
        sl_json_describe(doc, t, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, family, key, "must be a string, got %s", got);
    }
    for (int i = 0; i < n; i++) {
        const sl_kind *k = (const sl_kind *)((const char *)table + stride * (size_t)i);
        if (strcmp(k->name, doc->nodes[t].str) == 0) {
            *out = k;
            return SL_STATUS_OK;
        }
    }
    char names[1024];
    size_t o = 0;
    names[0] = 0;
    for (int i = 0; i < n && o < sizeof names; i++) {
        const sl_kind *k = (const sl_kind *)((const char *)table + stride * (size_t)i);
        o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "", k->name);
    }
    sl_json_describe(doc, t, got, sizeof got);
    return sl_fail(SL_STATUS_UNKNOWN_TYPE, family, key, "must be one of %s, got %s", names, got);
}

int sl_param_index(const sl_kind *kind, const char *name)
{
    for (int i = 0; i < kind->n_params; i++)
        if (strcmp(kind->params[i].name, name) == 0) return i;
    return -1;
}

int sl_arg_present(const sl_kind *kind, const sl_args *a, const char *name)
{
    int i = sl_param_index(kind, name);
    return i < 0 ? 0 : a->present[i];
}

void sl_args_fill(const sl_kind *kind, const sl_args *a, const sl_field *fields, int n_fields, void *out)
{
    for (int f = 0; f < n_fields; f++) {
        int i = sl_param_index(kind, fields[f].name);
        if (i < 0) continue;
        char *dst = (char *)out + fields[f].offset;
        if (fields[f].is_int) {
            int v = isfinite(a->v[i]) ? (int)a->v[i] : 0;
            memcpy(dst, &v, sizeof v);
        } else {
            memcpy(dst, &a->v[i], sizeof(double));
        }
    }
}

static sl_status decode_one(const sl_json *doc, const sl_kind *kind, const sl_param *p, int node, double *v)
{
    const sl_jnode *n = &doc->nodes[node];
    char got[64];
    sl_json_describe(doc, node, got, sizeof got);
    if ((p->flags & SL_F_PER_GROUP) && n->type == SL_J_ARR) {
        /* one value per parameter group: the family checks the count against its groups */
        if (n->count < 1 || n->count > p->max_len)
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must be %s or a list of 1 to %d (one per parameter group), got %d",
                           p->kind == SL_P_STR ? "a string" : "a number", p->max_len, n->count);
        int k = 0;
        for (int c = n->child; c >= 0; c = doc->nodes[c].next, k++) {
            char item[64];
            sl_json_describe(doc, c, item, sizeof item);
            if (p->kind == SL_P_STR ? doc->nodes[c].type != SL_J_STR : doc->nodes[c].type != SL_J_NUM) {
                char range[96];
                if (p->kind == SL_P_STR) snprintf(range, sizeof range, "must be a string");
                else range_text(p, range, sizeof range);
                return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "[%d] %s, got %s", k, range, item);
            }
            if (p->kind != SL_P_STR && sl_param_check(kind, p, doc->nodes[c].num)) {
                char range[96];
                range_text(p, range, sizeof range);
                return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "[%d] %s, got %s", k, range, item);
            }
            if (k == 0 && p->kind != SL_P_STR) *v = doc->nodes[c].num;
        }
        return SL_STATUS_OK;
    }
    switch (p->kind) {
    case SL_P_NUM:
    case SL_P_INT:
        if (n->type != SL_J_NUM) {
            char range[96];
            range_text(p, range, sizeof range);
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "%s, got %s", range, got);
        }
        *v = n->num;
        return sl_param_check(kind, p, n->num);
    case SL_P_BOOL:
        if (n->type != SL_J_BOOL)
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must be true or false, got %s", got);
        *v = n->num;
        return SL_STATUS_OK;
    case SL_P_ENUM: {
        int idx = 0;
        if (n->type != SL_J_STR || !word_in(p->choices, n->str, &idx)) {
            char words[256];
            quote_words(p->choices, words, sizeof words);
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must be one of %s, got %s", words, got);
        }
        *v = idx;
        return SL_STATUS_OK;
    }
    case SL_P_STR:
        if (n->type != SL_J_STR)
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must be a string, got %s", got);
        return SL_STATUS_OK;
    case SL_P_NUMS: {
        if (n->type == SL_J_NUM && (p->flags & SL_F_SCALAR_OK)) {
            *v = n->num;
            return sl_param_check(kind, p, n->num);
        }
        if (n->type != SL_J_ARR)
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must be an array of numbers, got %s", got);
        if (n->count < p->min_len || n->count > p->max_len) {
            if (p->min_len == p->max_len)
                return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must have %d numbers, got %d", p->min_len, n->count);
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must have %d to %d numbers, got %d",
                           p->min_len, p->max_len, n->count);
        }
        int k = 0;
        for (int c = n->child; c >= 0; c = doc->nodes[c].next, k++) {
            if (doc->nodes[c].type != SL_J_NUM || sl_param_check(kind, p, doc->nodes[c].num)) {
                char range[96], item[64];
                range_text(p, range, sizeof range);
                sl_json_describe(doc, c, item, sizeof item);
                return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "[%d] %s, got %s", k, range, item);
            }
        }
        *v = n->count;
        return SL_STATUS_OK;
    }
    case SL_P_SPECS:
        if (n->type != SL_J_ARR)
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must be an array of specs, got %s", got);
        if (n->count < p->min_len || n->count > p->max_len)
            return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "must have %d to %d entries, got %d",
                           p->min_len, p->max_len, n->count);
        *v = n->count;
        return SL_STATUS_OK;
    default:
        return SL_STATUS_OK;
    }
}

sl_status sl_spec_unique_keys(const sl_json *doc, int obj, const char *thing)
{
    for (int c = doc->nodes[obj].child; c >= 0; c = doc->nodes[c].next)
        for (int d = doc->nodes[obj].child; d != c; d = doc->nodes[d].next)
            if (!strcmp(doc->nodes[c].key, doc->nodes[d].key))
                return sl_fail(SL_STATUS_INVALID, thing, NULL, "'%.40s' is given twice", doc->nodes[c].key);
    return SL_STATUS_OK;
}

sl_status sl_spec_decode(const sl_json *doc, int obj, const sl_kind *kind, const char *extra, sl_args *args)
{
    for (int i = 0; i < SL_MAX_PARAMS; i++) {
        args->v[i] = NAN;
        args->present[i] = 0;
        args->node[i] = -1;
    }
    sl_status st = sl_spec_unique_keys(doc, obj, kind->name);
    if (st) return st;
    for (int c = doc->nodes[obj].child; c >= 0; c = doc->nodes[c].next) {
        const char *key = doc->nodes[c].key;
        if (sl_param_index(kind, key) >= 0 || word_in(extra, key, NULL)) continue;
        char names[512];
        size_t o = 0;
        names[0] = 0;
        for (int i = 0; i < kind->n_params && o < sizeof names; i++)
            o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "", kind->params[i].name);
        if (kind->n_params == 0) snprintf(names, sizeof names, "none");
        return sl_fail(SL_STATUS_INVALID, kind->name, NULL, "unknown parameter '%.40s'; its parameters are %s", key, names);
    }
    for (int i = 0; i < kind->n_params; i++) {
        const sl_param *p = &kind->params[i];
        int node = sl_json_get(doc, obj, p->name);
        args->node[i] = node;
        if (node < 0) {
            if (p->flags & SL_F_REQUIRED) return sl_fail(SL_STATUS_INVALID, kind->name, p->name, "is required");
            args->v[i] = p->def;
            continue;
        }
        if (doc->nodes[node].type == SL_J_NULL && (p->flags & SL_F_NULLABLE)) {
            args->present[i] = 2;
            continue;
        }
        args->present[i] = 1;
        sl_status st = decode_one(doc, kind, p, node, &args->v[i]);
        if (st) return st;
    }
    return SL_STATUS_OK;
}

int sl_args_node(const sl_kind *kind, const sl_args *a, const char *name)
{
    int i = sl_param_index(kind, name);
    return i < 0 ? -1 : a->node[i];
}

double sl_args_value(const sl_kind *kind, const sl_args *a, const char *name)
{
    int i = sl_param_index(kind, name);
    return i < 0 ? NAN : a->v[i];
}

void sl_spec_fill(const sl_json *doc, const sl_kind *kind, const sl_args *a, void *dst)
{
    for (int i = 0; i < kind->n_params; i++) {
        const sl_param *p = &kind->params[i];
        char *at = (char *)dst + p->off;
        double v = a->v[i];
        switch (p->store) {
        case SL_STORE_F64: memcpy(at, &v, sizeof v); break;
        case SL_STORE_F32: { float f = (float)v; memcpy(at, &f, sizeof f); break; }
        case SL_STORE_I32: { int k = isnan(v) ? -1 : (int)v; memcpy(at, &k, sizeof k); break; }
        case SL_STORE_PAIR: {
            double pair[2] = { NAN, NAN };
            int c = a->node[i] >= 0 && doc->nodes[a->node[i]].type == SL_J_ARR ? doc->nodes[a->node[i]].child : -1;
            for (int k = 0; k < 2 && c >= 0; k++, c = doc->nodes[c].next) pair[k] = doc->nodes[c].num;
            memcpy(at, pair, sizeof pair);
            break;
        }
        default: break;
        }
    }
}

static int n_choices(const char *choices)
{
    int n = 1;
    for (const char *c = choices; c && *c; c++) n += *c == '|';
    return n;
}

/* One stored value against its descriptor; `index` >= 0 names a pair's element. */
static sl_status recheck_one(const sl_kind *kind, const sl_param *p, double v, int index)
{
    char range[256], pos[16] = "";
    if (index >= 0) snprintf(pos, sizeof pos, "[%d] ", index);
    if (isnan(v) && (p->flags & SL_F_NULLABLE)) return SL_STATUS_OK;
    int ok;
    if (p->kind == SL_P_BOOL) {
        ok = v == 0 || v == 1;
        snprintf(range, sizeof range, "must be true or false (1 or 0)");
    } else if (p->kind == SL_P_ENUM) {
        char words[200];
        quote_words(p->choices, words, sizeof words);
        ok = v >= 0 && v < n_choices(p->choices) && floor(v) == v;
        snprintf(range, sizeof range, "must be one of %s (an index below %d)", words, n_choices(p->choices));
    } else {
        ok = sl_param_check(kind, p, v) == SL_STATUS_OK;
        sl_error_clear();
        range_text(p, range, sizeof range);
    }
    if (ok) return SL_STATUS_OK;
    return sl_fail(SL_STATUS_STATE, kind->name, p->name, "%sin the saved state %s, got %s", pos, range, sl_num(v).s);
}

sl_status sl_spec_recheck(const sl_kind *kind, const void *src)
{
    for (int i = 0; i < kind->n_params; i++) {
        const sl_param *p = &kind->params[i];
        const char *at = (const char *)src + p->off;
        sl_status st = SL_STATUS_OK;
        switch (p->store) {
        case SL_STORE_F64: { double v; memcpy(&v, at, sizeof v); st = recheck_one(kind, p, v, -1); break; }
        case SL_STORE_F32: { float f; memcpy(&f, at, sizeof f); st = recheck_one(kind, p, (double)f, -1); break; }
        case SL_STORE_I32: { int k; memcpy(&k, at, sizeof k); st = recheck_one(kind, p, k == -1 ? NAN : (double)k, -1); break; }
        case SL_STORE_PAIR: {
            double pair[2];
            memcpy(pair, at, sizeof pair);
            for (int k = 0; k < 2 && !st; k++) {
                st = isnan(pair[k]) ? sl_fail(SL_STATUS_STATE, kind->name, p->name, "[%d] in the saved state must be a number, got NaN", k)
                                    : recheck_one(kind, p, pair[k], k);
            }
            break;
        }
        default: break;
        }
        if (st) return st;
    }
    return SL_STATUS_OK;
}

sl_status sl_count_check(double v, double lo, double hi, const char *thing, const char *field, int *out)
{
    if (!(v >= lo && v <= hi) || floor(v) != v) {
        char a[48];
        strcpy(a, sl_num(lo).s);
        return sl_fail(SL_STATUS_INVALID, thing, field, "must be an integer in [%s, %s], got %s", a, sl_num(hi).s, sl_num(v).s);
    }
    *out = (int)v;
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
