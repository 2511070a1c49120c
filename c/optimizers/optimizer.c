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
#include <stdlib.h>
#include <string.h>

SL_COMPACT static sl_status build(const sl_json *doc, int obj, int sched, double count, sl_optimizer **out)
{
    *out = NULL;
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, obj, sl_opt_kinds, sizeof sl_opt_kinds[0], O_COUNT, "optimizer", &kind);
    if (st) return st;
    int type = (int)((const opt_kind *)kind - sl_opt_kinds);
    sl_hyper h;
    if ((st = sl_opt_decode(doc, obj, type, &h))) return st;
    int n;
    if ((st = sl_count_check(count, 1, SL_OPT_MAX_N, kind->name, "nParams", &n))) return st;
    int off[SL_OPT_ARRAYS], n_floats;
    double bytes = sl_opt_layout(type, &h, n, off, &n_floats);
    if (n_floats < 0)
        return sl_fail(SL_STATUS_NOMEM, kind->name, "nParams", "of %d needs %s bytes of state, more than the cap of %s", n,
                       sl_num(bytes).s, sl_num(SL_OPT_MAX_BYTES).s);

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
        if ((st = sl_scheduler_from_spec(doc, sn, h.lr, &s))) return st;
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
    memcpy(&o->h, &h, sizeof h);
    o->lr = h.lr;
    o->mu_product = 1.0f;
    o->H_diag = 1.0f;
    o->n_floats = n_floats;
    memcpy(o->off, off, sizeof off);
    if (s) {
        memcpy(&o->sched, s, sizeof *s);
        sl_scheduler_free(s);
        o->has_scheduler = 1;
        o->momentum_from_scheduler = mom_sched;
        o->lr = sl_scheduler_lr(&o->sched);
    }
    if (type == O_Adagrad) {
        float *sum = sl_opt_array(o, 0), v = (float)h.initial_accumulator_value;
        for (int i = 0; i < n; i++) sum[i] = v;
    }
    if (type == O_DeltaBarDelta) {
        float *gain = sl_opt_array(o, 0);
        for (int i = 0; i < n; i++) gain[i] = 1.0f;
    }
    *out = o;
    return SL_STATUS_OK;
}

sl_status sl_optimizer_from_spec(const sl_json *doc, int obj, int sched, int n, sl_optimizer **out)
{
    return build(doc, obj, sched, n, out);
}

SL_COMPACT sl_status sl_optimizer_create(const char *json, double len, double n, sl_optimizer **out)
{
    sl_json doc;
    int bytes;
    *out = NULL;
    sl_status st = sl_count_check(len, 0, 2147483647.0, "optimizer", "spec length", &bytes);
    if (!st) st = sl_json_parse(json, (size_t)bytes, &doc, "optimizer");
    if (st) return st;
    st = build(&doc, 0, -1, n, out);
    sl_json_free(&doc);
    return st;
}

void sl_optimizer_free(sl_optimizer *o) { free(o); }

/* After an optimizer step: the scheduler's step, and the group's lr it leaves. */
sl_status sl_optimizer_scheduler_advance(sl_optimizer *o)
{
    if (!o->has_scheduler || sl_scheduler_needs_metric(&o->sched)) return SL_STATUS_OK;
    sl_status st = sl_scheduler_step(&o->sched, NAN, 0);
    o->lr = sl_scheduler_lr(&o->sched);
    return st;
}

int sl_optimizer_has_scheduler(const sl_optimizer *o) { return o->has_scheduler; }

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
    o->lr = sl_scheduler_lr(&o->sched);
    return st;
}

double sl_optimizer_lr(const sl_optimizer *o) { return o->lr; }
int sl_optimizer_n(const sl_optimizer *o) { return o->n; }
double sl_optimizer_steps(const sl_optimizer *o) { return o->steps; }
const char *sl_optimizer_type(const sl_optimizer *o) { return sl_opt_name(o->type); }
int sl_optimizer_needs_closure(const sl_optimizer *o) { return o->type == O_LBFGS; }
int sl_optimizer_needs_metric(const sl_optimizer *o) { return o->has_scheduler && sl_scheduler_needs_metric(&o->sched); }
int sl_optimizer_func_evals(const sl_optimizer *o) { return o->func_evals; }

void sl_optimizer_step_cost(const sl_optimizer *o, double *evals, double *rows)
{
    int lbfgs = o->type == O_LBFGS;
    *evals = lbfgs ? o->h.max_eval : 1;
    *rows = lbfgs ? (double)o->h.max_iter * o->h.history_size : 0;
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
