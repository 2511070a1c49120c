/* torch.optim (PyTorch 1.13) optimizers: creating one from a spec (with its
 * scheduler attached through the scheduler's own spec path, the optimizer's
 * lr handed in), step() with a gradient or a closure (LBFGS.step(closure);
 * the host's closure for JS), the attached scheduler stepped after the
 * optimizer as PyTorch's loop does, and lab.optimizerSteps. The update rules
 * are in kernels.c and lbfgs.c, the registry in registry.c, saved states in
 * state.c, moments and step sizes in inspect.c. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ranges tile [0, n) in order, each of a group in [0, n_groups), every group owning one. */
SL_COMPACT static sl_status check_ranges(const char *name, const sl_opt_range *ranges, int n_ranges, int n_groups, int *n)
{
    if (n_groups < 1 || n_groups > SL_MAX_GROUPS)
        return sl_fail(SL_STATUS_INVALID, name, "param_groups", "must be 1 to %d groups, got %d", SL_MAX_GROUPS, n_groups);
    if (n_ranges < 1 || n_ranges > SL_OPT_MAX_RANGES)
        return sl_fail(SL_STATUS_INVALID, name, "nParams", "must be cut into 1 to %d ranges, got %d", SL_OPT_MAX_RANGES, n_ranges);
    double at = 0;
    int owned[SL_MAX_GROUPS] = { 0 };
    for (int k = 0; k < n_ranges; k++) {
        const sl_opt_range *r = &ranges[k];
        if (r->offset != at || r->count < 1 || r->group < 0 || r->group >= n_groups)
            return sl_fail(SL_STATUS_INVALID, name, "nParams", "range %d (offset %d, count %d, group %d) does not follow the one before",
                           k, r->offset, r->count, r->group);
        at += r->count;
        owned[r->group] = 1;
    }
    for (int g = 0; g < n_groups; g++)
        if (!owned[g]) return sl_fail(SL_STATUS_INVALID, name, "param_groups", "[%d] owns no parameters", g);
    return sl_count_check(at, 1, SL_OPT_MAX_N, name, "nParams", n);
}

/* build's work; *custom holds Custom's rule block while it runs (build frees it) */
SL_COMPACT static sl_status assemble(const sl_json *doc, int obj, int sched, const sl_opt_range *ranges, int n_ranges, int n_groups,
                                     const char *entry_keys, int exact, void **custom, sl_optimizer **out)
{
    *out = NULL;
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, obj, sl_opt_kinds, sizeof sl_opt_kinds[0], O_COUNT, "optimizer", &kind);
    if (st) return st;
    int type = (int)((const opt_kind *)kind - sl_opt_kinds);
    sl_hyper h;
    if ((st = sl_opt_decode(doc, obj, type, &h))) return st;
    int n;
    if ((st = check_ranges(kind->name, ranges, n_ranges, n_groups, &n))) return st;
    /* param_groups: one entry per group (the groups past the list take the defaults) */
    int pg = sl_json_get(doc, obj, "param_groups"), n_entries = 0;
    if (pg >= 0 && doc->nodes[pg].type != SL_J_NULL) {
        char got[64];
        if (doc->nodes[pg].type != SL_J_ARR) {
            sl_json_describe(doc, pg, got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, kind->name, "param_groups", "must be a list of group options, got %s", got);
        }
        n_entries = doc->nodes[pg].count;
        if (exact ? n_entries != n_groups : n_entries > n_groups)
            return sl_fail(SL_STATUS_INVALID, kind->name, "param_groups",
                           "must have one entry per parameter group (%d, from nParams), got %d", n_groups, n_entries);
    }
    if (type == O_LBFGS && n_groups > 1)
        return sl_fail(SL_STATUS_INVALID, kind->name, "param_groups", "must be one group: LBFGS has no per-parameter options (PyTorch's rule), got %d",
                       n_groups);
    sl_hyper hs[SL_MAX_GROUPS];
    for (int g = 0, c = n_entries ? doc->nodes[pg].child : -1; g < n_groups; g++) {
        if (g < n_entries) {
            if ((st = sl_opt_decode_group(doc, c, type, g, entry_keys, &h, &hs[g]))) return st;
            c = doc->nodes[c].next;
        } else {
            hs[g] = h;
        }
    }
    if (type == O_Custom) {
        if ((st = sl_custom_decode(doc, obj, &h.lr, custom))) return st;
        for (int g = 0; g < n_groups; g++)
            if (isnan(hs[g].lr)) hs[g].lr = h.lr;
    }
    int off[SL_OPT_ARRAYS], n_floats;
    double bytes = sl_opt_layout(type, &h, n, *custom ? sl_custom_states(*custom) : 0, off, &n_floats);
    if (n_floats < 0) {
        return sl_fail(SL_STATUS_NOMEM, kind->name, "nParams", "of %d needs %s bytes of state, more than the cap of %s", n,
                       sl_num(bytes).s, sl_num(SL_OPT_MAX_BYTES).s);
    }

    int own = sl_json_get(doc, obj, "scheduler");
    if (own >= 0 && doc->nodes[own].type == SL_J_NULL) own = -1;
    if (own >= 0 && sched >= 0)
        return sl_fail(SL_STATUS_INVALID, kind->name, "scheduler", "is given twice: inside the optimizer spec and next to it");
    int sn = own >= 0 ? own : sched;
    sl_scheduler *s = NULL;
    int mom_sched = 0;
    if (sn >= 0) {
        char got[64];
        if (doc->nodes[sn].type != SL_J_OBJ) {
            sl_json_describe(doc, sn, got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, kind->name, "scheduler", "must be a scheduler spec object, got %s", got);
        }
        if (sl_json_get(doc, sn, "lr") >= 0)
            return sl_fail(SL_STATUS_INVALID, kind->name, "scheduler", "must not set lr: the scheduler starts from the optimizer's lr");
        double lrs[SL_MAX_GROUPS];
        for (int g = 0; g < n_groups; g++) lrs[g] = hs[g].lr;
        if ((st = sl_scheduler_from_spec(doc, sn, lrs, n_groups, &s))) return st;
        if ((st = sl_opt_scheduler_fits(type, s, SL_STATUS_INVALID, &mom_sched))) {
            sl_scheduler_free(s);
            return st;
        }
    }
    sl_optimizer *o = calloc(1, sizeof *o + (size_t)n_floats * 4);
    if (!o) {
        sl_scheduler_free(s);
        return sl_fail(SL_STATUS_NOMEM, kind->name, "nParams", "of %d does not fit in memory", n);
    }
    o->magic = SL_OPT_MAGIC;
    o->version = SL_OPT_VERSION;
    o->size = (uint32_t)(sizeof *o + (size_t)n_floats * 4);
    o->type = type;
    o->n = n;
    o->n_groups = n_groups;
    o->n_ranges = n_ranges;
    memcpy(o->ranges, ranges, (size_t)n_ranges * sizeof *ranges);
    for (int g = 0; g < n_groups; g++) {
        sl_opt_group *G = &o->group[g];
        G->h = hs[g];
        G->lr = hs[g].lr;
        G->last_lr = NAN;
        G->mu_product = 1.0f;
        G->trust_ratio = NAN;
        G->estimate = NAN;
        G->gamma_k = NAN;
    }
    for (int k = 0; k < n_ranges; k++) o->group[ranges[k].group].count += ranges[k].count;
    o->H_diag = 1.0f;
    o->n_floats = n_floats;
    memcpy(o->off, off, sizeof off);
    if (s) {
        memcpy(&o->sched, s, sizeof *s);
        sl_scheduler_free(s);
        o->has_scheduler = 1;
        o->momentum_from_scheduler = mom_sched;
        for (int g = 0; g < n_groups; g++) o->group[g].lr = sl_scheduler_group_lr(&o->sched, g);
    }
    if (*custom) {
        memcpy(o + 1, *custom, (size_t)sl_custom_floats() * 4);
        sl_custom_init(o);
    }
    for (int k = 0; k < n_ranges; k++) {
        const sl_opt_range *r = &ranges[k];
        float *a0 = sl_opt_array(o, 0) + r->offset;
        if (type == O_Adagrad)
            for (int i = 0; i < r->count; i++) a0[i] = (float)hs[r->group].initial_accumulator_value;
        if (type == O_DeltaBarDelta)
            for (int i = 0; i < r->count; i++) a0[i] = 1.0f;
    }
    *out = o;
    return SL_STATUS_OK;
}

SL_COMPACT static sl_status build(const sl_json *doc, int obj, int sched, const sl_opt_range *ranges, int n_ranges, int n_groups,
                                  const char *entry_keys, int exact, sl_optimizer **out)
{
    void *custom = NULL;
    sl_status st = assemble(doc, obj, sched, ranges, n_ranges, n_groups, entry_keys, exact, &custom, out);
    free(custom);
    return st;
}

sl_status sl_optimizer_from_spec(const sl_json *doc, int obj, int sched, int n, sl_optimizer **out)
{
    sl_opt_range one = { 0, n, 0 };
    if (n < 1 || n > SL_OPT_MAX_N) {
        const char *name = "optimizer";
        const sl_kind *k;
        if (!sl_spec_lookup(doc, obj, sl_opt_kinds, sizeof sl_opt_kinds[0], O_COUNT, "optimizer", &k)) name = k->name;
        sl_error_clear();
        int ignored;
        *out = NULL;
        return sl_count_check(n, 1, SL_OPT_MAX_N, name, "nParams", &ignored);
    }
    return build(doc, obj, sched, &one, 1, 1, NULL, 0, out);
}

sl_status sl_optimizer_from_groups(const sl_json *doc, int obj, int sched, const sl_opt_range *ranges, int n_ranges, int n_groups,
                                   const char *entry_keys, sl_optimizer **out)
{
    return build(doc, obj, sched, ranges, n_ranges, n_groups, entry_keys, 0, out);
}

/* The count (one group) or the list of group sizes, as JS numbers cross the ABI. */
SL_COMPACT static sl_status create(const char *json, double len, const double *sizes, double count, int list, sl_optimizer **out)
{
    sl_json doc;
    int bytes;
    *out = NULL;
    sl_status st = sl_count_check(len, 0, 2147483647.0, "optimizer", "spec length", &bytes);
    if (!st) st = sl_json_parse(json, (size_t)bytes, &doc, "optimizer");
    if (st) return st;
    const sl_kind *k;
    const char *name = sl_spec_lookup(&doc, 0, sl_opt_kinds, sizeof sl_opt_kinds[0], O_COUNT, "optimizer", &k) ? "optimizer" : k->name;
    sl_error_clear();
    sl_opt_range ranges[SL_MAX_GROUPS];
    int n_groups = 1;
    double at = 0;
    if (!list) {
        int n;
        st = sl_count_check(count, 1, SL_OPT_MAX_N, name, "nParams", &n);
        ranges[0] = (sl_opt_range){ 0, n, 0 };
    } else {
        st = sl_count_check(count, 1, SL_MAX_GROUPS, name, "nParams", &n_groups);
        if (st) sl_fail(SL_STATUS_INVALID, name, "nParams", "must list 1 to %d group sizes, got %s", SL_MAX_GROUPS, sl_num(count).s);
        for (int g = 0; g < n_groups && !st; g++) {
            int c;
            char field[32];
            snprintf(field, sizeof field, "nParams[%d]", g);
            st = sl_count_check(sizes[g], 1, SL_OPT_MAX_N - at, name, field, &c);
            ranges[g] = (sl_opt_range){ (int)at, c, g };
            at += c;
        }
    }
    if (!st) {
        int pg = sl_json_get(&doc, 0, "param_groups");
        int exact = list && pg >= 0 && doc.nodes[pg].type != SL_J_NULL;
        st = build(&doc, 0, -1, ranges, n_groups, n_groups, NULL, exact, out);
    }
    sl_json_free(&doc);
    return st;
}

SL_COMPACT sl_status sl_optimizer_create(const char *json, double len, double n, sl_optimizer **out)
{
    return create(json, len, NULL, n, 0, out);
}

SL_COMPACT sl_status sl_optimizer_create_groups(const char *json, double len, const double *sizes, double n_groups, sl_optimizer **out)
{
    return create(json, len, sizes, n_groups, 1, out);
}

void sl_optimizer_free(sl_optimizer *o) { free(o); }

/* The groups' lrs the scheduler leaves. */
static void follow(sl_optimizer *o)
{
    for (int g = 0; g < o->n_groups; g++) o->group[g].lr = sl_scheduler_group_lr(&o->sched, g);
}

/* After an optimizer step: the scheduler's step, and the groups' lrs it leaves. */
sl_status sl_optimizer_scheduler_advance(sl_optimizer *o)
{
    if (!o->has_scheduler || sl_scheduler_needs_metric(&o->sched)) return SL_STATUS_OK;
    sl_status st = sl_scheduler_step(&o->sched, NAN, 0);
    follow(o);
    return st;
}

int sl_optimizer_has_scheduler(const sl_optimizer *o) { return o->has_scheduler; }
const sl_scheduler *sl_optimizer_scheduler(const sl_optimizer *o) { return o->has_scheduler ? &o->sched : NULL; }

static sl_status check_step(const sl_optimizer *o, int n, const char *field)
{
    if (n != o->n)
        return sl_fail(SL_STATUS_INVALID, sl_opt_name(o->type), field, "must hold %d numbers (nParams), got %d", o->n, n);
    if (o->steps >= SL_OPT_MAX_STEPS)
        return sl_fail(SL_STATUS_RANGE, sl_opt_name(o->type), "steps", "cannot pass %s", sl_num(SL_OPT_MAX_STEPS).s);
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_optimizer_step_flags(sl_optimizer *o, float *params, const float *grads, int n, int flags)
{
    sl_status st = check_step(o, n, "grads");
    if (st) return st;
    if (o->type == O_LBFGS)
        return sl_fail(SL_STATUS_INVALID, "LBFGS", "closure", "is required: LBFGS.step evaluates the objective itself");
    sl_opt_update(o, params, grads);
    return flags & SL_STEP_KEEP_SCHEDULER ? SL_STATUS_OK : sl_optimizer_scheduler_advance(o);
}

/* n as it crosses the ABI: equal to nParams, compared before any conversion */
static sl_status check_count(const sl_optimizer *o, double n, const char *field)
{
    if (n == (double)o->n) return SL_STATUS_OK;
    return sl_fail(SL_STATUS_INVALID, sl_opt_name(o->type), field, "must hold %d numbers (nParams), got %s", o->n, sl_num(n).s);
}

sl_status sl_optimizer_step(sl_optimizer *o, float *params, const float *grads, double n)
{
    sl_status st = check_count(o, n, "grads");
    return st ? st : sl_optimizer_step_flags(o, params, grads, o->n, 0);
}

SL_COMPACT sl_status sl_optimizer_step_closure(sl_optimizer *o, float *params, int n, sl_closure fn, void *ctx, double *loss,
                                               int *evals)
{
    sl_status st = check_step(o, n, "params");
    if (st) return st;
    double l = NAN;
    int e = 1;
    if (o->type == O_LBFGS) {
        st = sl_lbfgs_step(o, params, fn, ctx, &l, &e);
    } else {
        float *g = malloc((size_t)n * sizeof(float));
        if (!g) return sl_fail(SL_STATUS_NOMEM, sl_opt_name(o->type), NULL, "out of memory");
        st = fn(ctx, params, g, n, &l);
        if (!st) sl_opt_update(o, params, g);
        free(g);
    }
    if (st) return st;
    if (loss) *loss = l;
    if (evals) *evals = e;
    return sl_optimizer_scheduler_advance(o);
}

sl_status sl_optimizer_scheduler_step(sl_optimizer *o, double metric)
{
    const char *name = sl_opt_name(o->type);
    if (!o->has_scheduler) return sl_fail(SL_STATUS_INVALID, name, "scheduler", "is not attached");
    if (!sl_scheduler_needs_metric(&o->sched))
        return sl_fail(SL_STATUS_INVALID, name, "scheduler", "%s steps with the optimizer; only ReduceLROnPlateau takes a metric",
                       sl_scheduler_type(&o->sched));
    sl_status st = sl_scheduler_step(&o->sched, metric, 1);
    follow(o);
    return st;
}

double sl_optimizer_lr(const sl_optimizer *o) { return o->group->lr; }
int sl_optimizer_n_groups(const sl_optimizer *o) { return o->n_groups; }
double sl_optimizer_group_lr(const sl_optimizer *o, int g) { return g >= 0 && g < o->n_groups ? o->group[g].lr : NAN; }
int sl_optimizer_group_size(const sl_optimizer *o, int g) { return g >= 0 && g < o->n_groups ? (int)o->group[g].count : 0; }

double sl_optimizer_trust_ratio(const sl_optimizer *o, int g)
{
    return o->type == O_LARS && g >= 0 && g < o->n_groups ? o->group[g].trust_ratio : NAN;
}

double sl_optimizer_swats(const sl_optimizer *o, int g, int what)
{
    if (o->type != O_SWATS || g < 0 || g >= o->n_groups) return NAN;
    const sl_opt_group *G = &o->group[g];
    switch (what) {
    case 0: return G->switched;
    case 1: return G->switched ? G->switch_step : NAN;
    case 2: return G->switched ? G->Lambda : NAN;
    case 3: return G->estimate;
    case 4: return G->gamma_k;
    default: return NAN;
    }
}

const float *sl_optimizer_averaged(sl_optimizer *o) { return o->type == O_ASGD ? sl_opt_array(o, 0) : NULL; }
int sl_optimizer_n(const sl_optimizer *o) { return o->n; }
double sl_optimizer_steps(const sl_optimizer *o) { return o->steps; }
const char *sl_optimizer_type(const sl_optimizer *o) { return sl_opt_name(o->type); }
int sl_optimizer_needs_closure(const sl_optimizer *o) { return o->type == O_LBFGS; }
int sl_optimizer_needs_metric(const sl_optimizer *o) { return o->has_scheduler && sl_scheduler_needs_metric(&o->sched); }
int sl_optimizer_func_evals(const sl_optimizer *o) { return o->func_evals; }

void sl_optimizer_step_cost(const sl_optimizer *o, double *evals, double *rows)
{
    int lbfgs = o->type == O_LBFGS;
    *evals = lbfgs ? o->group->h.max_eval : 1;
    *rows = lbfgs ? (double)o->group->h.max_iter * o->group->h.history_size : 0;
}

SL_COMPACT sl_status sl_optimizer_replay(const char *json, double len, const float *params0, double n, const float *grads,
                                         double n_steps, float *out)
{
    sl_optimizer *o;
    sl_status st = sl_optimizer_create(json, len, n, &o);
    if (st) return st;
    const char *name = sl_opt_name(o->type);
    int steps;
    if (o->type == O_LBFGS)
        st = sl_fail(SL_STATUS_INVALID, "LBFGS", "grads",
                     "cannot be replayed: LBFGS evaluates the objective itself; use trace or step(params, closure)");
    else if (!(n_steps >= 0 && n_steps <= floor(2147483647.0 / o->n)) || floor(n_steps) != n_steps)
        st = sl_fail(SL_STATUS_INVALID, name, "grads", "must be a list of 0 to %s gradient vectors of %d, got %s",
                     sl_num(floor(2147483647.0 / o->n)).s, o->n, sl_num(n_steps).s);
    steps = st ? 0 : (int)n_steps;
    if (st) {
        sl_optimizer_free(o);
        return st;
    }
    memcpy(out, params0, (size_t)o->n * sizeof(float));
    for (int k = 0; k < steps && !st; k++) {
        float *p = out + (size_t)k * o->n;
        if (k > 0) memcpy(p, p - o->n, (size_t)o->n * sizeof(float));
        st = sl_optimizer_step_flags(o, p, grads + (size_t)k * o->n, o->n, 0);
    }
    sl_optimizer_free(o);
    return st;
}

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
/* Imported from the JS seam as env.sl_host_closure (web/lib/core.mjs supplies
 * it and calls the closure registered under ctx); the body here is never used
 * because the module is loaded without Emscripten's JS glue. */
EM_JS(int, sl_host_closure, (int ctx, float *x, float *grad, int n, double *loss), { return 1; });

static sl_status host_closure(void *ctx, float *x, float *grad, int n, double *loss)
{
    if (sl_host_closure((int)(intptr_t)ctx, x, grad, n, loss))
        return sl_fail(SL_STATUS_INVALID, "closure", NULL, "failed");
    return SL_STATUS_OK;
}

sl_status sl_optimizer_step_host(sl_optimizer *o, float *params, double n, int ctx, double *loss, int *evals)
{
    sl_status st = check_count(o, n, "params");
    return st ? st : sl_optimizer_step_closure(o, params, o->n, host_closure, (void *)(intptr_t)ctx, loss, evals);
}
#endif
