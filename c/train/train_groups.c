/* The trainer's optimizer with parameter groups named by tensor, PyTorch's
 * param_groups: optimizer.param_groups entries list the tensors they own by
 * the names run.inspect() uses ("fc1.weight", "fc1.bias", ...) in "params";
 * the tensors no entry names form one last group with the optimizer's
 * defaults. Each group is a set of index ranges over the flat parameter
 * vector (sl_optimizer_from_groups).
 *
 * LARS takes its trust ratio per layer, which in a trainer is per tensor (the
 * paper's Algorithm 1 over each weight and each bias): its optimizer gets one
 * group per tensor, each with the options of the entry that names it, and the
 * scheduler's per-group lists are spread from the entries onto their tensors;
 * the optimizer-level lars_exclude excludes the biases (an entry's own
 * lars_exclude applies to all its tensors). The spec is first checked with the
 * entries as groups, so every error names the config's own fields. */
#include "train_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = "optimizer";

/* Tensor k's name into buf: fc<l+1>.weight or fc<l+1>.bias. */
static void tensor_name(int k, char *buf, size_t cap) { snprintf(buf, cap, "fc%d.%s", k / 2 + 1, k & 1 ? "bias" : "weight"); }

static void tensor_range(const sl_mlp *m, int k, int *off, int *count)
{
    int l = k / 2;
    *off = k & 1 ? m->b_off[l] : m->w_off[l];
    *count = m->sizes[l + 1] * (k & 1 ? 1 : m->sizes[l]);
}

/* The tensor named by string node s, or an error naming param_groups[i].params[j]. */
static sl_status tensor_of(const sl_json *doc, int s, int nt, int i, int j, int *k)
{
    char got[64], name[32], field[64];
    snprintf(field, sizeof field, "param_groups[%d].params[%d]", i, j);
    if (doc->nodes[s].type == SL_J_STR)
        for (*k = 0; *k < nt; ++*k) {
            tensor_name(*k, name, sizeof name);
            if (!strcmp(name, doc->nodes[s].str)) return SL_STATUS_OK;
        }
    sl_json_describe(doc, s, got, sizeof got);
    tensor_name(nt - 1, name, sizeof name);
    return sl_fail(SL_STATUS_INVALID, THING, field, "must name a parameter tensor of the model (fc1.weight, fc1.bias, ..., %s), got %s",
                   name, got);
}

/* Each tensor's group from the entries' "params" (-1 until named); *n_entries, *n_groups. */
static sl_status assign(sl_trainer *t, const sl_json *doc, int pg, int nt, int *n_entries)
{
    char got[64], field[48];
    *n_entries = 0;
    for (int k = 0; k < nt; k++) t->group_of_tensor[k] = -1;
    if (pg < 0 || doc->nodes[pg].type == SL_J_NULL) return SL_STATUS_OK;
    if (doc->nodes[pg].type != SL_J_ARR) {
        sl_json_describe(doc, pg, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, THING, "param_groups", "must be a list of { params: [tensor names], ...options }, got %s", got);
    }
    int i = 0;
    for (int e = doc->nodes[pg].child; e >= 0; e = doc->nodes[e].next, i++) {
        snprintf(field, sizeof field, "param_groups[%d]", i);
        int p = doc->nodes[e].type == SL_J_OBJ ? sl_json_get(doc, e, "params") : -1;
        if (doc->nodes[e].type != SL_J_OBJ || p < 0) {
            sl_json_describe(doc, e, got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, THING, field, "needs params, the names of its tensors (e.g. ['fc1.weight', 'fc1.bias']), got %s",
                           got);
        }
        if (doc->nodes[p].type != SL_J_ARR || doc->nodes[p].count < 1) {
            sl_json_describe(doc, p, got, sizeof got);
            snprintf(field, sizeof field, "param_groups[%d].params", i);
            return sl_fail(SL_STATUS_INVALID, THING, field, "must be a non-empty list of tensor names (e.g. ['fc1.weight']), got %s", got);
        }
        int j = 0, k = -1;
        for (int s = doc->nodes[p].child; s >= 0; s = doc->nodes[s].next, j++) {
            sl_status st = tensor_of(doc, s, nt, i, j, &k);
            if (st) return st;
            if (t->group_of_tensor[k] >= 0) {
                snprintf(field, sizeof field, "param_groups[%d].params[%d]", i, j);
                return sl_fail(SL_STATUS_INVALID, THING, field, "names '%s', already in param_groups[%d] (a tensor belongs to one group)",
                               doc->nodes[s].str, t->group_of_tensor[k]);
            }
            t->group_of_tensor[k] = i;
        }
    }
    *n_entries = i;
    return SL_STATUS_OK;
}

/* ---- LARS: one group per tensor, the spec rewritten ---- */

/* Scheduler parameters that take one value per group (SL_F_PER_GROUP in c/schedules/registry.c). */
static int per_group_key(const char *k)
{
    static const char *const keys[] = { "lr_lambda", "base_lr", "max_lr", "base_momentum", "max_momentum", "min_lr" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(k, keys[i])) return 1;
    return 0;
}

static int key_text(char **buf, int len, int *cap, const char *key, int first)
{
    sl_jnode name = { SL_J_STR, 0, -1, -1, NULL, key, 0 };
    sl_json one = { &name, 1, NULL };
    len = sl_json_append(buf, len, cap, first ? "" : ",");
    len = sl_json_write(buf, len, cap, &one, 0, NULL);
    return sl_json_append(buf, len, cap, ":");
}

/* A scheduler spec with each per-group list (one value per entry group) spread onto the tensors. */
static int write_sched(char **buf, int len, int *cap, const sl_json *doc, int node, const int *group_of, int nt)
{
    int first = 1;
    len = sl_json_append(buf, len, cap, "{");
    for (int c = doc->nodes[node].child; c >= 0 && len >= 0; c = doc->nodes[c].next, first = 0) {
        const sl_jnode *m = &doc->nodes[c];
        len = key_text(buf, len, cap, m->key, first);
        if (m->type == SL_J_ARR && per_group_key(m->key)) {
            int vals[SL_MAX_GROUPS], n = 0;
            for (int v = m->child; v >= 0 && n < SL_MAX_GROUPS; v = doc->nodes[v].next) vals[n++] = v;
            len = sl_json_append(buf, len, cap, "[");
            for (int k = 0; k < nt; k++) {
                len = sl_json_append(buf, len, cap, k ? "," : "");
                /* a list of the wrong length is left as it is: the scheduler names it */
                len = group_of[k] < n && m->count == n ? sl_json_write(buf, len, cap, doc, vals[group_of[k]], NULL)
                                                       : sl_json_append(buf, len, cap, "null");
            }
            len = sl_json_append(buf, len, cap, "]");
        } else if (m->type == SL_J_ARR && !strcmp(m->key, "schedulers")) {
            len = sl_json_append(buf, len, cap, "[");
            for (int s = m->child; s >= 0 && len >= 0; s = doc->nodes[s].next) {
                len = sl_json_append(buf, len, cap, s == m->child ? "" : ",");
                len = doc->nodes[s].type == SL_J_OBJ ? write_sched(buf, len, cap, doc, s, group_of, nt)
                                                     : sl_json_write(buf, len, cap, doc, s, NULL);
            }
            len = sl_json_append(buf, len, cap, "]");
        } else {
            len = sl_json_write(buf, len, cap, doc, c, NULL);
        }
    }
    return sl_json_append(buf, len, cap, "}");
}

/* {"o": the optimizer with one param_groups entry per tensor, "s": the scheduler or null} */
static int write_lars(char **buf, const sl_json *doc, int obj, int sched, const int *group_of, int nt)
{
    int len = 0, cap = 0, first = 1, pg = sl_json_get(doc, obj, "param_groups"), ex = sl_json_get(doc, obj, "lars_exclude");
    int entries[SL_MAX_GROUPS], n = 0;
    if (pg >= 0 && doc->nodes[pg].type == SL_J_ARR)
        for (int e = doc->nodes[pg].child; e >= 0 && n < SL_MAX_GROUPS; e = doc->nodes[e].next) entries[n++] = e;
    *buf = NULL;
    len = sl_json_append(buf, len, &cap, "{\"o\":{");
    for (int c = doc->nodes[obj].child; c >= 0 && len >= 0; c = doc->nodes[c].next) {
        const char *k = doc->nodes[c].key;
        if (!strcmp(k, "param_groups") || !strcmp(k, "lars_exclude")) continue;
        len = key_text(buf, len, &cap, k, first);
        first = 0;
        len = !strcmp(k, "scheduler") && doc->nodes[c].type == SL_J_OBJ ? write_sched(buf, len, &cap, doc, c, group_of, nt)
                                                                        : sl_json_write(buf, len, &cap, doc, c, NULL);
    }
    len = key_text(buf, len, &cap, "param_groups", first);
    len = sl_json_append(buf, len, &cap, "[");
    for (int k = 0; k < nt && len >= 0; k++) {
        int e = group_of[k] < n ? entries[group_of[k]] : -1, own = e >= 0 ? sl_json_get(doc, e, "lars_exclude") : -1, f = 1;
        len = sl_json_append(buf, len, &cap, k ? ",{" : "{");
        for (int c = e >= 0 ? doc->nodes[e].child : -1; c >= 0 && len >= 0; c = doc->nodes[c].next) {
            if (!strcmp(doc->nodes[c].key, "params") || !strcmp(doc->nodes[c].key, "lars_exclude")) continue;
            len = key_text(buf, len, &cap, doc->nodes[c].key, f);
            len = sl_json_write(buf, len, &cap, doc, c, NULL);
            f = 0;
        }
        /* an entry's own lars_exclude, else the optimizer's for the biases only */
        int v = own >= 0 ? own : (k & 1) ? ex : -1;
        len = key_text(buf, len, &cap, "lars_exclude", f);
        len = v >= 0 ? sl_json_write(buf, len, &cap, doc, v, NULL) : sl_json_append(buf, len, &cap, "false");
        len = sl_json_append(buf, len, &cap, "}");
    }
    len = sl_json_append(buf, len, &cap, "]},\"s\":");
    len = sched >= 0 ? write_sched(buf, len, &cap, doc, sched, group_of, nt) : sl_json_append(buf, len, &cap, "null");
    len = sl_json_append(buf, len, &cap, "}");
    if (len < 0) {
        free(*buf);
        *buf = NULL;
    }
    return len;
}

static sl_status lars_per_tensor(sl_trainer *t, const sl_json *doc, int obj, int sched, int nt)
{
    char *text;
    sl_json d2;
    sl_opt_range r[2 * SL_MLP_MAX_LAYERS];
    for (int k = 0; k < nt; k++) {
        tensor_range(t->m, k, &r[k].offset, &r[k].count);
        r[k].group = k;
    }
    int len = write_lars(&text, doc, obj, sched, t->group_of_tensor, nt);
    if (len < 0) return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory");
    sl_status st = sl_json_parse(text, (size_t)len, &d2, THING);
    free(text);
    if (st) return st;
    int s = sl_json_get(&d2, 0, "s");
    st = sl_optimizer_from_groups(&d2, sl_json_get(&d2, 0, "o"), d2.nodes[s].type == SL_J_NULL ? -1 : s, r, nt, nt, NULL, &t->opt);
    sl_json_free(&d2);
    return st;
}

sl_status sl_train_optimizer(sl_trainer *t, const sl_json *doc, int obj, int sched)
{
    int nt = sl_trainer_n_tensors(t), n_entries;
    sl_status st = assign(t, doc, sl_json_get(doc, obj, "param_groups"), nt, &n_entries);
    if (st) return st;
    int unnamed = 0;
    for (int k = 0; k < nt; k++)
        if (t->group_of_tensor[k] < 0) t->group_of_tensor[k] = n_entries, unnamed = 1;
    t->n_groups = n_entries + unnamed;
    sl_opt_range r[2 * SL_MLP_MAX_LAYERS];
    int n = 0;
    for (int k = 0; k < nt; k++) {
        int off, count;
        tensor_range(t->m, k, &off, &count);
        if (n && r[n - 1].group == t->group_of_tensor[k]) r[n - 1].count += count;
        else r[n++] = (sl_opt_range){ off, count, t->group_of_tensor[k] };
    }
    /* the groups as the config states them: every error names its fields */
    if ((st = sl_optimizer_from_groups(doc, obj, sched, r, n, t->n_groups, "params", &t->opt))) return st;
    t->per_tensor = !strcmp(sl_optimizer_type(t->opt), "LARS");
    if (!t->per_tensor) return SL_STATUS_OK;
    sl_optimizer_free(t->opt);
    t->opt = NULL;
    return lars_per_tensor(t, doc, obj, sched, nt);
}

int sl_trainer_n_groups(const sl_trainer *t) { return t->n_groups; }
int sl_trainer_tensor_group(const sl_trainer *t, int k) { return k >= 0 && k < sl_trainer_n_tensors(t) ? t->group_of_tensor[k] : -1; }

/* The optimizer's group of tensor k: the tensor itself for LARS, else its config group. */
static int opt_group(const sl_trainer *t, int k) { return t->per_tensor ? k : t->group_of_tensor[k]; }

double sl_trainer_group_lr(const sl_trainer *t, int g)
{
    for (int k = 0; k < sl_trainer_n_tensors(t); k++)
        if (t->group_of_tensor[k] == g) return sl_optimizer_group_lr(t->opt, opt_group(t, k));
    return NAN;
}

double sl_trainer_tensor_lr(const sl_trainer *t, int k) { return sl_optimizer_group_lr(t->opt, opt_group(t, k)); }
double sl_trainer_tensor_trust_ratio(const sl_trainer *t, int k) { return sl_optimizer_trust_ratio(t->opt, opt_group(t, k)); }

double sl_trainer_swats(const sl_trainer *t, int g, int what)
{
    for (int k = 0; k < sl_trainer_n_tensors(t); k++)
        if (t->group_of_tensor[k] == g) return sl_optimizer_swats(t->opt, opt_group(t, k), what);
    return NAN;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
