/* torch.optim (PyTorch 1.13) element-wise optimizers in float32, following
 * each _single_tensor_<name> function's order of operations: every Python
 * scalar is rounded to float32 where PyTorch hands it to a float32 kernel,
 * and scalars PyTorch computes in Python (bias corrections, step sizes) are
 * computed in double first, as Python does. Each update is one pure loop:
 * destination(s) first, then inputs, n and a struct of float32 scalars; the
 * SIMD loop (SIMDe wasm simd128) and its scalar tail give identical results
 * because both perform the same IEEE operations in the same order.
 *
 * DeltaBarDelta (not in PyTorch) is the course's local-gain rule: each weight
 * has a gain g, starting at 1; g += beta when the gradient keeps its sign,
 * g *= 1 - beta when it flips, clipped to [min_gain, max_gain]; the update is
 * w -= lr * (g * grad). On the first step there is no previous gradient, so
 * the sign product is 0 and the gain stays as it is (as Rprop does). */
#include "internal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/simd.h"

#define INF INFINITY
#define SL_OPT_MAGIC 0x4f505432u /* "OPT2" */
#define SL_OPT_VERSION 2u

/* ---- registry ---- */

#define NUM(n, d, lo, hi, f, h) { n, SL_P_NUM, d, lo, hi, f, NULL, 0, 0, h }
#define INT(n, d, lo, hi, f, h) { n, SL_P_INT, d, lo, hi, f, NULL, 0, 0, h }
#define BOOL(n, d, h) { n, SL_P_BOOL, d, 0, 1, 0, NULL, 0, 0, h }
#define PAIR(n, lo, hi, f, h) { n, SL_P_NUMS, NAN, lo, hi, f, NULL, 2, 2, h }
#define LO_OPEN SL_F_LO_OPEN
#define HI_OPEN SL_F_HI_OPEN
#define LR(d) NUM("lr", d, 0, INF, LO_OPEN, "learning rate")
#define WD(d) NUM("weight_decay", d, 0, INF, 0, "L2 penalty added to the gradient")
#define EPS(d) NUM("eps", d, 0, INF, LO_OPEN, "term added to the denominator")
#define MAXIMIZE BOOL("maximize", 0, "ascend the objective instead of descending")
#define BETAS PAIR("betas", 0, 1, HI_OPEN, "running-average coefficients of the gradient and its square (default [0.9, 0.999])")

static const sl_param P_SGD[] = {
    NUM("lr", NAN, 0, INF, SL_F_REQUIRED | LO_OPEN, "learning rate (PyTorch requires it for SGD)"),
    NUM("momentum", 0, 0, INF, 0, "momentum factor"),
    NUM("dampening", 0, -INF, INF, 0, "dampening of the gradient added to the momentum buffer"),
    WD(0), BOOL("nesterov", 0, "Nesterov momentum"), MAXIMIZE,
};
static const sl_param P_ADAGRAD[] = {
    LR(1e-2), NUM("lr_decay", 0, 0, INF, 0, "learning rate decay"), WD(0),
    NUM("initial_accumulator_value", 0, 0, INF, 0, "starting value of the squared-gradient sum"), EPS(1e-10), MAXIMIZE,
};
static const sl_param P_RMSPROP[] = {
    LR(1e-2), NUM("alpha", 0.99, 0, 1, 0, "smoothing constant of the squared-gradient average"), EPS(1e-8), WD(0),
    NUM("momentum", 0, 0, INF, 0, "momentum factor"), BOOL("centered", 0, "normalize by the estimated variance"), MAXIMIZE,
};
static const sl_param P_ADADELTA[] = {
    LR(1.0), NUM("rho", 0.9, 0, 1, 0, "coefficient of the running averages"), EPS(1e-6), WD(0), MAXIMIZE,
};
/* bias_correction is not a torch.optim parameter (apex's FusedAdam has it): a teaching switch */
#define BIAS_CORRECTION BOOL("bias_correction", 1, "divide the moments by 1 - beta^t (false: the early-steps pitfall)")
static const sl_param P_ADAM[] = {
    LR(1e-3), BETAS, EPS(1e-8), WD(0), BOOL("amsgrad", 0, "AMSGrad variant"), MAXIMIZE, BIAS_CORRECTION,
};
static const sl_param P_ADAMW[] = {
    LR(1e-3), BETAS, EPS(1e-8), NUM("weight_decay", 1e-2, 0, INF, 0, "decoupled weight decay"),
    BOOL("amsgrad", 0, "AMSGrad variant"), MAXIMIZE, BIAS_CORRECTION,
};
static const sl_param P_ADAMAX[] = { LR(2e-3), BETAS, EPS(1e-8), WD(0), MAXIMIZE };
static const sl_param P_NADAM[] = {
    LR(2e-3), BETAS, EPS(1e-8), WD(0), NUM("momentum_decay", 4e-3, 0, INF, 0, "momentum decay psi"),
};
static const sl_param P_RADAM[] = { LR(1e-3), BETAS, EPS(1e-8), WD(0) };
static const sl_param P_RPROP[] = {
    LR(1e-2), PAIR("etas", 0, INF, LO_OPEN, "(etaminus, etaplus): step factors on a sign flip and on a kept sign"),
    PAIR("step_sizes", 0, INF, 0, "(min, max) allowed step sizes"), MAXIMIZE,
};
static const sl_param P_LBFGS[] = {
    LR(1), INT("max_iter", 20, 1, 1e6, 0, "iterations per step"),
    INT("max_eval", NAN, 1, 1e7, SL_F_NULLABLE, "function evaluations per step (default max_iter * 5 // 4)"),
    NUM("tolerance_grad", 1e-7, 0, INF, 0, "stop when the largest gradient entry is this small"),
    NUM("tolerance_change", 1e-9, 0, INF, 0, "stop when the loss or the step changes less"),
    INT("history_size", 100, 1, 1000, 0, "update history size"),
    { "line_search_fn", SL_P_ENUM, NAN, 0, 0, SL_F_NULLABLE, "strong_wolfe", 0, 0, "null or 'strong_wolfe'" },
};
static const sl_param P_DBD[] = {
    LR(1e-2), NUM("beta", 0.05, 0, 1, LO_OPEN | HI_OPEN, "gain increment on a kept sign; factor 1 - beta on a flip"),
    NUM("min_gain", 0.01, 0, INF, LO_OPEN, "lowest gain"), NUM("max_gain", 10, 0, INF, LO_OPEN, "highest gain"),
};

typedef struct {
    sl_kind head;
    int n_arrays;  /* state arrays of n floats */
    int momentum;  /* 1: a scheduler may cycle momentum, 2: it cycles beta1 */
} opt_kind;

#define K(name, params, arrays, mom, summary) { { name, params, (int)(sizeof params / sizeof params[0]), summary }, arrays, mom }
static const opt_kind KINDS[O_COUNT] = {
    K("SGD", P_SGD, 1, 1, "stochastic gradient descent, with optional (Nesterov) momentum"),
    K("Adagrad", P_ADAGRAD, 1, 0, "per-weight rates from the sum of squared gradients"),
    K("RMSprop", P_RMSPROP, 3, 1, "per-weight rates from a running average of squared gradients"),
    K("Adadelta", P_ADADELTA, 2, 0, "RMSprop with a running average of squared updates"),
    K("Adam", P_ADAM, 3, 2, "momentum and RMSprop with bias correction"),
    K("AdamW", P_ADAMW, 3, 2, "Adam with decoupled weight decay"),
    K("Adamax", P_ADAMAX, 2, 2, "Adam with the infinity norm"),
    K("NAdam", P_NADAM, 2, 2, "Adam with Nesterov momentum"),
    K("RAdam", P_RADAM, 2, 2, "Adam with a rectified adaptive rate"),
    K("Rprop", P_RPROP, 2, 0, "resilient backpropagation: per-weight steps from gradient signs"),
    K("LBFGS", P_LBFGS, 0, 0, "limited-memory BFGS; each step calls the objective several times"),
    K("DeltaBarDelta", P_DBD, 2, 0, "per-weight local gains: + beta on a kept sign, x (1 - beta) on a flip"),
};

/* where each parameter name lands in sl_hyper (pairs fill two doubles) */
static const struct { const char *name; size_t off; int is_int; } FIELDS[] = {
    { "lr", offsetof(sl_hyper, lr), 0 }, { "momentum", offsetof(sl_hyper, momentum), 0 },
    { "dampening", offsetof(sl_hyper, dampening), 0 }, { "weight_decay", offsetof(sl_hyper, weight_decay), 0 },
    { "alpha", offsetof(sl_hyper, alpha), 0 }, { "eps", offsetof(sl_hyper, eps), 0 }, { "rho", offsetof(sl_hyper, rho), 0 },
    { "lr_decay", offsetof(sl_hyper, lr_decay), 0 },
    { "initial_accumulator_value", offsetof(sl_hyper, initial_accumulator_value), 0 },
    { "betas", offsetof(sl_hyper, beta1), 0 }, { "momentum_decay", offsetof(sl_hyper, momentum_decay), 0 },
    { "etas", offsetof(sl_hyper, etaminus), 0 }, { "step_sizes", offsetof(sl_hyper, step_size_min), 0 },
    { "beta", offsetof(sl_hyper, beta), 0 }, { "min_gain", offsetof(sl_hyper, min_gain), 0 },
    { "max_gain", offsetof(sl_hyper, max_gain), 0 }, { "tolerance_grad", offsetof(sl_hyper, tolerance_grad), 0 },
    { "tolerance_change", offsetof(sl_hyper, tolerance_change), 0 }, { "nesterov", offsetof(sl_hyper, nesterov), 1 },
    { "maximize", offsetof(sl_hyper, maximize), 1 }, { "centered", offsetof(sl_hyper, centered), 1 },
    { "amsgrad", offsetof(sl_hyper, amsgrad), 1 }, { "max_iter", offsetof(sl_hyper, max_iter), 1 },
    { "max_eval", offsetof(sl_hyper, max_eval), 1 }, { "history_size", offsetof(sl_hyper, history_size), 1 },
    { "line_search_fn", offsetof(sl_hyper, strong_wolfe), 1 },
    { "bias_correction", offsetof(sl_hyper, bias_correction), 1 },
};

static int field_of(const char *name)
{
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++)
        if (strcmp(FIELDS[i].name, name) == 0) return (int)i;
    return -1;
}

/* The defaults PyTorch uses for pairs. */
static void pair_default(const char *name, double *v)
{
    if (!strcmp(name, "betas")) v[0] = 0.9, v[1] = 0.999;
    else if (!strcmp(name, "etas")) v[0] = 0.5, v[1] = 1.2;
    else v[0] = 1e-6, v[1] = 50;
}

/* Checks rules that span fields; shared by create and restore. */
SL_COMPACT static sl_status check_rules(int type, const sl_hyper *h)
{
    const char *name = KINDS[type].head.name;
    char a[48], b[48];
    if (type == O_SGD && h->nesterov && (h->momentum <= 0 || h->dampening != 0)) {
        strcpy(a, sl_num(h->momentum).s);
        strcpy(b, sl_num(h->dampening).s);
        return sl_fail(SL_STATUS_INVALID, name, "nesterov",
                       "requires a momentum > 0 and zero dampening (PyTorch's rule), got momentum %s and dampening %s", a, b);
    }
    if (type == O_Rprop && !(h->etaminus < 1 && 1 < h->etaplus)) {
        strcpy(a, sl_num(h->etaminus).s);
        strcpy(b, sl_num(h->etaplus).s);
        return sl_fail(SL_STATUS_INVALID, name, "etas", "must satisfy 0 < etas[0] < 1 < etas[1], got [%s, %s]", a, b);
    }
    if (type == O_Rprop && !(h->step_size_min <= h->step_size_max)) {
        strcpy(a, sl_num(h->step_size_min).s);
        strcpy(b, sl_num(h->step_size_max).s);
        return sl_fail(SL_STATUS_INVALID, name, "step_sizes", "must satisfy step_sizes[0] <= step_sizes[1], got [%s, %s]", a, b);
    }
    if (type == O_DeltaBarDelta && !(h->min_gain <= h->max_gain)) {
        strcpy(a, sl_num(h->min_gain).s);
        strcpy(b, sl_num(h->max_gain).s);
        return sl_fail(SL_STATUS_INVALID, name, "min_gain", "must be <= max_gain, got %s and %s", a, b);
    }
    return SL_STATUS_OK;
}

/* Every numeric field again within its descriptor's range (used on restore). */
SL_COMPACT static sl_status check_ranges(int type, const sl_hyper *h)
{
    const sl_kind *k = &KINDS[type].head;
    for (int i = 0; i < k->n_params; i++) {
        const sl_param *p = &k->params[i];
        int f = field_of(p->name);
        if (f < 0) return sl_fail(SL_STATUS_STATE, k->name, p->name, "has no field");
        const char *base = (const char *)h + FIELDS[f].off;
        sl_status st = SL_STATUS_OK;
        if (p->kind == SL_P_NUM) st = sl_param_check(k, p, *(const double *)base);
        else if (p->kind == SL_P_NUMS) {
            st = sl_param_check(k, p, ((const double *)base)[0]);
            if (!st) st = sl_param_check(k, p, ((const double *)base)[1]);
        } else if (p->kind == SL_P_INT && strcmp(p->name, "max_eval") != 0) st = sl_param_check(k, p, *(const int *)base);
        else if (p->kind == SL_P_BOOL && (unsigned)*(const int *)base > 1u) st = SL_STATUS_STATE;
        if (st) return st;
    }
    if (type == O_LBFGS && h->max_eval < 1) return SL_STATUS_STATE;
    return check_rules(type, h);
}

SL_COMPACT static sl_status decode(const sl_json *doc, int obj, int type, sl_hyper *h)
{
    const sl_kind *k = &KINDS[type].head;
    sl_args a;
    sl_status st = sl_spec_decode(doc, obj, k, "type|scheduler", &a);
    if (st) return st;
    memset(h, 0, sizeof *h);
    for (int i = 0; i < k->n_params; i++) {
        const sl_param *p = &k->params[i];
        int f = field_of(p->name);
        char *base = (char *)h + FIELDS[f].off;
        if (p->kind == SL_P_NUMS) {
            double v[2];
            if (a.node[i] < 0) pair_default(p->name, v);
            else {
                int c = doc->nodes[a.node[i]].child;
                v[0] = doc->nodes[c].num;
                v[1] = doc->nodes[doc->nodes[c].next].num;
            }
            memcpy(base, v, sizeof v);
        } else if (FIELDS[f].is_int) {
            int iv = isnan(a.v[i]) ? -1 : (int)a.v[i];
            if (!strcmp(p->name, "line_search_fn")) iv = isnan(a.v[i]) ? 0 : 1;
            *(int *)base = iv;
        } else {
            *(double *)base = a.v[i];
        }
    }
    if (type == O_LBFGS && h->max_eval < 0) h->max_eval = h->max_iter * 5 / 4;
    return check_rules(type, h);
}

/* ---- layout: state arrays after the header ---- */

static double layout(int type, const sl_hyper *h, int n, int *off, int *n_floats)
{
    double total = 0;
    int k = 0;
    memset(off, 0, sizeof(int) * SL_OPT_ARRAYS);
    if (type == O_LBFGS) {
        for (; k < L_DIRS; k++) off[k] = (int)(k * (double)n);
        off[L_DIRS] = (int)(L_DIRS * (double)n);
        off[L_STPS] = (int)((L_DIRS + (double)h->history_size) * n);
        total = (L_DIRS + 2.0 * h->history_size) * n + 2.0 * h->history_size;
    } else {
        for (; k < KINDS[type].n_arrays; k++) off[k] = (int)(k * (double)n);
        total = (double)KINDS[type].n_arrays * n;
    }
    if (n_floats) *n_floats = total * 4 + sizeof(sl_optimizer) < SL_OPT_MAX_BYTES ? (int)total : -1;
    return total * 4 + sizeof(sl_optimizer);
}

static uint32_t checksum(const sl_optimizer *o)
{
    const unsigned char *b = (const unsigned char *)o;
    size_t size = sizeof *o + (size_t)o->n_floats * 4;
    uint32_t x = 2166136261u;
    for (size_t i = offsetof(sl_optimizer, type); i < size; i++) x = (x ^ b[i]) * 16777619u;
    return x;
}

/* ---- scheduler spec with the optimizer's lr put in ---- */

typedef struct { char *buf; size_t len, cap; } text;

static void put(text *t, const char *s, size_t n)
{
    if (t->buf && t->len + n < t->cap) memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void put_str(text *t, const char *s)
{
    char esc[8];
    put(t, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(t, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(t, esc, 6);
        } else put(t, (const char *)&c, 1);
    }
    put(t, "\"", 1);
}

SL_COMPACT static void emit(text *t, const sl_json *doc, int i)
{
    const sl_jnode *n = &doc->nodes[i];
    const char *s;
    switch (n->type) {
    case SL_J_NULL: put(t, "null", 4); break;
    case SL_J_BOOL: s = n->num != 0 ? "true" : "false"; put(t, s, strlen(s)); break;
    case SL_J_NUM: { sl_numtext v = sl_num(n->num); put(t, v.s, strlen(v.s)); break; }
    case SL_J_STR: put_str(t, n->str); break;
    case SL_J_ARR:
    case SL_J_OBJ:
        put(t, n->type == SL_J_ARR ? "[" : "{", 1);
        for (int c = n->child, k = 0; c >= 0; c = doc->nodes[c].next, k++) {
            if (k) put(t, ",", 1);
            if (n->type == SL_J_OBJ) {
                put_str(t, doc->nodes[c].key);
                put(t, ":", 1);
            }
            emit(t, doc, c);
        }
        put(t, n->type == SL_J_ARR ? "]" : "}", 1);
        break;
    }
}

SL_COMPACT static sl_status make_scheduler(const sl_json *doc, int node, const char *name, double lr, sl_scheduler *dst)
{
    char got[64];
    if (doc->nodes[node].type != SL_J_OBJ) {
        sl_json_describe(doc, node, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, name, "scheduler", "must be a scheduler spec object, got %s", got);
    }
    if (sl_json_get(doc, node, "lr") >= 0)
        return sl_fail(SL_STATUS_INVALID, name, "scheduler",
                       "must not set lr: the scheduler starts from the optimizer's lr");
    text t = { NULL, 0, 0 };
    for (int pass = 0; pass < 2; pass++) {
        sl_numtext v = sl_num(lr);
        t.len = 0;
        put(&t, "{\"lr\":", 6);
        put(&t, v.s, strlen(v.s));
        for (int c = doc->nodes[node].child; c >= 0; c = doc->nodes[c].next) {
            put(&t, ",", 1);
            put_str(&t, doc->nodes[c].key);
            put(&t, ":", 1);
            emit(&t, doc, c);
        }
        put(&t, "}", 1);
        if (pass == 0) {
            t.cap = t.len + 1;
            t.buf = malloc(t.cap);
            if (!t.buf) return sl_fail(SL_STATUS_NOMEM, name, "scheduler", "out of memory");
        }
    }
    sl_scheduler *s;
    sl_status st = sl_scheduler_create(t.buf, (int)t.len, &s);
    free(t.buf);
    if (st) return st;
    memcpy(dst, s, sizeof *s);
    sl_scheduler_free(s);
    return SL_STATUS_OK;
}

/* ---- create / free ---- */

SL_COMPACT static sl_status build(const sl_json *doc, int n, sl_optimizer **out)
{
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, 0, KINDS, sizeof KINDS[0], O_COUNT, "optimizer", &kind);
    if (st) return st;
    int type = (int)((const opt_kind *)kind - KINDS);
    sl_hyper h;
    if ((st = decode(doc, 0, type, &h))) return st;
    if (n < 1 || n > SL_OPT_MAX_N)
        return sl_fail(SL_STATUS_INVALID, kind->name, "nParams", "must be an integer in [1, %d], got %d", SL_OPT_MAX_N, n);
    int off[SL_OPT_ARRAYS], n_floats;
    double bytes = layout(type, &h, n, off, &n_floats);
    if (n_floats < 0)
        return sl_fail(SL_STATUS_NOMEM, kind->name, "nParams", "of %d needs %s bytes of state, more than the cap of %s", n,
                       sl_num(bytes).s, sl_num(SL_OPT_MAX_BYTES).s);
    sl_scheduler sched;
    int has_sched = 0, mom_sched = 0;
    int sn = sl_json_get(doc, 0, "scheduler");
    if (sn >= 0 && doc->nodes[sn].type != SL_J_NULL) {
        if ((st = make_scheduler(doc, sn, kind->name, h.lr, &sched))) return st;
        has_sched = 1;
        if (!isnan(sl_scheduler_momentum(&sched))) {
            if (!KINDS[type].momentum)
                return sl_fail(SL_STATUS_INVALID, kind->name, "scheduler",
                               "cycles momentum, but %s has no momentum or betas (PyTorch refuses this too); set "
                               "cycle_momentum: false",
                               kind->name);
            if (KINDS[type].momentum == 2 && !strcmp(sl_scheduler_type(&sched), "CyclicLR"))
                return sl_fail(SL_STATUS_INVALID, kind->name, "scheduler",
                               "CyclicLR cycles momentum, but %s has betas, not momentum (PyTorch 1.13 refuses this too); "
                               "set cycle_momentum: false",
                               kind->name);
            mom_sched = 1;
        }
    }
    sl_optimizer *o = calloc(1, sizeof *o + (size_t)n_floats * 4);
    if (!o) return sl_fail(SL_STATUS_NOMEM, kind->name, "nParams", "of %d does not fit in memory", n);
    o->magic = SL_OPT_MAGIC;
    o->version = SL_OPT_VERSION;
    o->size = (uint32_t)(sizeof *o + (size_t)n_floats * 4);
    o->type = type;
    o->n = n;
    o->h = h;
    o->lr = h.lr;
    o->mu_product = 1.0f;
    o->H_diag = 1.0f;
    o->n_floats = n_floats;
    memcpy(o->off, off, sizeof off);
    if (has_sched) {
        o->sched = sched;
        o->has_scheduler = 1;
        o->momentum_from_scheduler = mom_sched;
        o->lr = sl_scheduler_lr(&sched);
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

SL_COMPACT sl_status sl_optimizer_create(const char *json, int len, int n, sl_optimizer **out)
{
    sl_json doc;
    *out = NULL;
    if (len < 0) return sl_fail(SL_STATUS_INVALID, "optimizer", NULL, "spec length is negative");
    sl_status st = sl_json_parse(json, (size_t)len, &doc, "optimizer");
    if (st) return st;
    st = build(&doc, n, out);
    sl_json_free(&doc);
    return st;
}

void sl_optimizer_free(sl_optimizer *o) { free(o); }

/* ---- kernels ---- */

#if SL_SIMD
#define VL(p) simde_wasm_v128_load(p)
#define VS(p, v) simde_wasm_v128_store(p, v)
#define V1(x) simde_wasm_f32x4_splat(x)
#define VADD simde_wasm_f32x4_add
#define VMUL simde_wasm_f32x4_mul
#define VDIV simde_wasm_f32x4_div
#define VSQRT simde_wasm_f32x4_sqrt
#define VMAX simde_wasm_f32x4_pmax /* b > a ? b : a, as the scalar PMAX */
#define VMIN simde_wasm_f32x4_pmin /* b < a ? b : a */
#define VSEL(a, b, m) simde_wasm_v128_bitselect(a, b, m) /* m ? a : b */
#endif
#define PMAX(a, b) ((a) < (b) ? (b) : (a))

/* a * b + c as a fused multiply-add: PyTorch's CPU kernels fuse add(x, alpha=)
 * and addcmul into FMAs, and without it plain SGD drifts from PyTorch by ~1e-5
 * over 50 steps. The product of two floats is exact in double; the sum is
 * rounded to double and then to float32, which equals a true FMA except for
 * rare double-rounding ties, and is the same in the SIMD and scalar builds
 * (wasm has no FMA instruction). */
static inline float fmadd(float a, float b, float c) { return (float)((double)a * (double)b + (double)c); }

#if SL_SIMD
static inline simde_v128_t vfmadd(simde_v128_t a, simde_v128_t b, simde_v128_t c)
{
#define PROMOTE simde_wasm_f64x2_promote_low_f32x4
#define HIGH(v) simde_wasm_i64x2_shuffle(v, v, 1, 0)
    simde_v128_t lo = simde_wasm_f64x2_add(simde_wasm_f64x2_mul(PROMOTE(a), PROMOTE(b)), PROMOTE(c));
    simde_v128_t hi = simde_wasm_f64x2_add(simde_wasm_f64x2_mul(PROMOTE(HIGH(a)), PROMOTE(HIGH(b))), PROMOTE(HIGH(c)));
    return simde_wasm_i64x2_shuffle(simde_wasm_f32x4_demote_f64x2_zero(lo), simde_wasm_f32x4_demote_f64x2_zero(hi), 0, 2);
#undef PROMOTE
#undef HIGH
}
#endif
#define PMIN(a, b) ((b) < (a) ? (b) : (a))

typedef struct { float neg_lr, momentum, one_minus_dampening, weight_decay; int use_momentum, first, nesterov, maximize; } sgd_k;

SL_COMPACT static void sgd_update(float *param, float *buf, const float *grad, int n, const sgd_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), mom = V1(k->momentum), omd = V1(k->one_minus_dampening), wd = V1(k->weight_decay);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        if (k->use_momentum) {
            simde_v128_t b = k->first ? g : vfmadd(omd, g, VMUL(VL(buf + i), mom));
            VS(buf + i, b);
            g = k->nesterov ? vfmadd(mom, b, g) : b;
        }
        VS(param + i, vfmadd(nlr, g, p));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        if (k->use_momentum) {
            float b = k->first ? g : fmadd(k->one_minus_dampening, g, buf[i] * k->momentum);
            buf[i] = b;
            g = k->nesterov ? fmadd(k->momentum, b, g) : b;
        }
        param[i] = fmadd(k->neg_lr, g, p);
    }
}

typedef struct { float neg_clr, weight_decay, eps; int maximize; } adagrad_k;

SL_COMPACT static void adagrad_update(float *param, float *sum, const float *grad, int n, const adagrad_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nclr = V1(k->neg_clr), wd = V1(k->weight_decay), eps = V1(k->eps), one = V1(1.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t s = vfmadd(VMUL(one, g), g, VL(sum + i));
        VS(sum + i, s);
        VS(param + i, VADD(p, VDIV(VMUL(nclr, g), VADD(VSQRT(s), eps))));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float s = fmadd(1.0f * g, g, sum[i]);
        sum[i] = s;
        param[i] = p + k->neg_clr * g / (sqrtf(s) + k->eps);
    }
}

typedef struct { float neg_lr, alpha, one_minus_alpha, eps, weight_decay, momentum; int centered, use_momentum, maximize; } rmsprop_k;

SL_COMPACT static void rmsprop_update(float *param, float *sq, float *gavg, float *buf, const float *grad, int n, const rmsprop_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), al = V1(k->alpha), oma = V1(k->one_minus_alpha), eps = V1(k->eps),
           wd = V1(k->weight_decay), mom = V1(k->momentum), m1 = V1(-1.0f), one = V1(1.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t s = vfmadd(VMUL(oma, g), g, VMUL(VL(sq + i), al)), avg;
        VS(sq + i, s);
        if (k->centered) {
            simde_v128_t ga = vfmadd(oma, g, VMUL(VL(gavg + i), al));
            VS(gavg + i, ga);
            avg = VSQRT(vfmadd(VMUL(m1, ga), ga, s));
        } else avg = VSQRT(s);
        avg = VADD(avg, eps);
        if (k->use_momentum) {
            simde_v128_t b = VADD(VMUL(VL(buf + i), mom), VDIV(VMUL(one, g), avg));
            VS(buf + i, b);
            VS(param + i, vfmadd(nlr, b, p));
        } else VS(param + i, VADD(p, VDIV(VMUL(nlr, g), avg)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i], avg;
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float s = fmadd(k->one_minus_alpha * g, g, sq[i] * k->alpha);
        sq[i] = s;
        if (k->centered) {
            float ga = fmadd(k->one_minus_alpha, g, gavg[i] * k->alpha);
            gavg[i] = ga;
            avg = sqrtf(fmadd(-1.0f * ga, ga, s));
        } else avg = sqrtf(s);
        avg = avg + k->eps;
        if (k->use_momentum) {
            float b = buf[i] * k->momentum + 1.0f * g / avg;
            buf[i] = b;
            param[i] = fmadd(k->neg_lr, b, p);
        } else param[i] = p + k->neg_lr * g / avg;
    }
}

typedef struct { float neg_lr, rho, one_minus_rho, eps, weight_decay; int maximize; } adadelta_k;

SL_COMPACT static void adadelta_update(float *param, float *sq, float *acc, const float *grad, int n, const adadelta_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), rho = V1(k->rho), omr = V1(k->one_minus_rho), eps = V1(k->eps), wd = V1(k->weight_decay);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t s = vfmadd(VMUL(omr, g), g, VMUL(VL(sq + i), rho));
        VS(sq + i, s);
        simde_v128_t a = VL(acc + i);
        simde_v128_t d = VMUL(VDIV(VSQRT(VADD(a, eps)), VSQRT(VADD(s, eps))), g);
        VS(acc + i, vfmadd(VMUL(omr, d), d, VMUL(a, rho)));
        VS(param + i, vfmadd(nlr, d, p));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float s = fmadd(k->one_minus_rho * g, g, sq[i] * k->rho);
        sq[i] = s;
        float d = sqrtf(acc[i] + k->eps) / sqrtf(s + k->eps) * g;
        acc[i] = fmadd(k->one_minus_rho * d, d, acc[i] * k->rho);
        param[i] = fmadd(k->neg_lr, d, p);
    }
}

typedef struct {
    float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, decay, bc2_sqrt, eps, neg_step;
    int amsgrad, maximize, decoupled;
} adam_k;

/* Adam and AdamW: decoupled multiplies the parameter by decay = 1 - lr * weight_decay first.
 * Compiled for speed, not SL_COMPACT: under clang's minsize this loop ran at half
 * the speed in wasm (4.9e8 against 9.7e8 parameters/s over 1e6, tests/bench K1). */
static void adam_update(float *param, float *m, float *v, float *vmax, const float *grad, int n, const adam_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), omb2 = V1(k->one_minus_beta2),
           wd = V1(k->weight_decay), dec = V1(k->decay), bc2 = V1(k->bc2_sqrt), eps = V1(k->eps), ns = V1(k->neg_step);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->decoupled) p = VMUL(p, dec);
        else if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t vi = vfmadd(VMUL(omb2, g), g, VMUL(VL(v + i), b2));
        VS(m + i, mi);
        VS(v + i, vi);
        if (k->amsgrad) {
            vi = VMAX(VL(vmax + i), vi);
            VS(vmax + i, vi);
        }
        simde_v128_t den = VADD(VDIV(VSQRT(vi), bc2), eps);
        VS(param + i, VADD(p, VDIV(VMUL(ns, mi), den)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->decoupled) p = p * k->decay;
        else if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float vi = fmadd(k->one_minus_beta2 * g, g, v[i] * k->beta2);
        m[i] = mi;
        v[i] = vi;
        if (k->amsgrad) {
            vi = PMAX(vmax[i], vi);
            vmax[i] = vi;
        }
        param[i] = p + k->neg_step * mi / (sqrtf(vi) / k->bc2_sqrt + k->eps);
    }
}

typedef struct { float beta1, one_minus_beta1, beta2, eps, weight_decay, neg_clr; int maximize; } adamax_k;

SL_COMPACT static void adamax_update(float *param, float *m, float *u, const float *grad, int n, const adamax_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), eps = V1(k->eps),
           wd = V1(k->weight_decay), nclr = V1(k->neg_clr);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t ui = VMAX(VMUL(VL(u + i), b2), VADD(simde_wasm_f32x4_abs(g), eps));
        VS(m + i, mi);
        VS(u + i, ui);
        VS(param + i, VADD(p, VDIV(VMUL(nclr, mi), ui)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = k->maximize ? -grad[i] : grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float a = u[i] * k->beta2, b = fabsf(g) + k->eps;
        float ui = PMAX(a, b);
        m[i] = mi;
        u[i] = ui;
        param[i] = p + k->neg_clr * mi / ui;
    }
}

typedef struct { float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, bc2, eps, c_grad, c_avg; } nadam_k;

SL_COMPACT static void nadam_update(float *param, float *m, float *v, const float *grad, int n, const nadam_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), omb2 = V1(k->one_minus_beta2),
           wd = V1(k->weight_decay), bc2 = V1(k->bc2), eps = V1(k->eps), cg = V1(k->c_grad), ca = V1(k->c_avg);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t vi = vfmadd(VMUL(omb2, g), g, VMUL(VL(v + i), b2));
        VS(m + i, mi);
        VS(v + i, vi);
        simde_v128_t den = VADD(VSQRT(VDIV(vi, bc2)), eps);
        p = VADD(p, VDIV(VMUL(cg, g), den));
        VS(param + i, VADD(p, VDIV(VMUL(ca, mi), den)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float vi = fmadd(k->one_minus_beta2 * g, g, v[i] * k->beta2);
        m[i] = mi;
        v[i] = vi;
        float den = sqrtf(vi / k->bc2) + k->eps;
        p = p + k->c_grad * g / den;
        param[i] = p + k->c_avg * mi / den;
    }
}

typedef struct { float beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, bc1, lr, bc2_sqrt, eps, rect; int rectify; } radam_k;

SL_COMPACT static void radam_update(float *param, float *m, float *v, const float *grad, int n, const radam_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b1 = V1(k->beta1), omb1 = V1(k->one_minus_beta1), b2 = V1(k->beta2), omb2 = V1(k->one_minus_beta2),
           wd = V1(k->weight_decay), bc1 = V1(k->bc1), lr = V1(k->lr), bc2 = V1(k->bc2_sqrt), eps = V1(k->eps),
           rect = V1(k->rect), one = V1(1.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t p = VL(param + i), g = VL(grad + i);
        if (k->weight_decay != 0) g = vfmadd(wd, p, g);
        simde_v128_t mi = vfmadd(omb1, g, VMUL(VL(m + i), b1));
        simde_v128_t vi = vfmadd(VMUL(omb2, g), g, VMUL(VL(v + i), b2));
        VS(m + i, mi);
        VS(v + i, vi);
        simde_v128_t u = VMUL(VDIV(mi, bc1), lr);
        if (k->rectify) u = VMUL(VMUL(u, VMUL(VDIV(one, VADD(VSQRT(vi), eps)), bc2)), rect);
        VS(param + i, VADD(p, simde_wasm_f32x4_neg(u)));
    }
#endif
    for (; i < n; i++) {
        float p = param[i], g = grad[i];
        if (k->weight_decay != 0) g = fmadd(k->weight_decay, p, g);
        float mi = fmadd(k->one_minus_beta1, g, m[i] * k->beta1);
        float vi = fmadd(k->one_minus_beta2 * g, g, v[i] * k->beta2);
        m[i] = mi;
        v[i] = vi;
        float u = mi / k->bc1 * k->lr;
        if (k->rectify) u = u * (1.0f / (sqrtf(vi) + k->eps) * k->bc2_sqrt) * k->rect;
        param[i] = p + -u;
    }
}

typedef struct { float etaminus, etaplus, step_min, step_max; int maximize; } rprop_k;

SL_COMPACT static void rprop_update(float *param, float *prev, float *step, const float *grad, int n, const rprop_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t em = V1(k->etaminus), ep = V1(k->etaplus), one = V1(1.0f), mone = V1(-1.0f), zero = V1(0.0f),
           lo = V1(k->step_min), hi = V1(k->step_max);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t g = VL(grad + i);
        if (k->maximize) g = simde_wasm_f32x4_neg(g);
        simde_v128_t prod = VMUL(g, VL(prev + i));
        simde_v128_t flip = simde_wasm_f32x4_lt(prod, zero);
        simde_v128_t f = VSEL(ep, VSEL(em, one, flip), simde_wasm_f32x4_gt(prod, zero));
        simde_v128_t s = VMIN(VMAX(VMUL(VL(step + i), f), lo), hi);
        VS(step + i, s);
        g = VSEL(zero, g, flip);
        simde_v128_t sg = VSEL(one, VSEL(mone, zero, simde_wasm_f32x4_lt(g, zero)), simde_wasm_f32x4_gt(g, zero));
        VS(param + i, VADD(VL(param + i), VMUL(simde_wasm_f32x4_neg(sg), s)));
        VS(prev + i, g);
    }
#endif
    for (; i < n; i++) {
        float g = k->maximize ? -grad[i] : grad[i];
        float prod = g * prev[i];
        float f = prod > 0 ? k->etaplus : prod < 0 ? k->etaminus : 1.0f;
        float s = step[i] * f;
        s = PMAX(s, k->step_min);
        s = PMIN(s, k->step_max);
        step[i] = s;
        if (prod < 0) g = 0.0f;
        float sg = g > 0 ? 1.0f : g < 0 ? -1.0f : 0.0f;
        param[i] = param[i] + -sg * s;
        prev[i] = g;
    }
}

typedef struct { float neg_lr, beta, one_minus_beta, min_gain, max_gain; } dbd_k;

SL_COMPACT static void dbd_update(float *param, float *gain, float *prev, const float *grad, int n, const dbd_k *k)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t nlr = V1(k->neg_lr), b = V1(k->beta), omb = V1(k->one_minus_beta), lo = V1(k->min_gain),
           hi = V1(k->max_gain), zero = V1(0.0f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t g = VL(grad + i), gi = VL(gain + i);
        simde_v128_t prod = VMUL(g, VL(prev + i));
        gi = VSEL(VADD(gi, b), VSEL(VMUL(gi, omb), gi, simde_wasm_f32x4_lt(prod, zero)), simde_wasm_f32x4_gt(prod, zero));
        gi = VMIN(VMAX(gi, lo), hi);
        VS(gain + i, gi);
        VS(param + i, VADD(VL(param + i), VMUL(nlr, VMUL(gi, g))));
        VS(prev + i, g);
    }
#endif
    for (; i < n; i++) {
        float g = grad[i], gi = gain[i], prod = g * prev[i];
        if (prod > 0) gi = gi + k->beta;
        else if (prod < 0) gi = gi * k->one_minus_beta;
        gi = PMAX(gi, k->min_gain);
        gi = PMIN(gi, k->max_gain);
        gain[i] = gi;
        param[i] = param[i] + k->neg_lr * (gi * g);
        prev[i] = g;
    }
}

/* ---- step ---- */

/* The group's momentum (SGD, RMSprop) or beta1 (Adam family) in effect now. */
static double momentum_now(const sl_optimizer *o, double own)
{
    return o->momentum_from_scheduler ? sl_scheduler_momentum(&o->sched) : own;
}

SL_COMPACT static void update(sl_optimizer *o, float *params, const float *grads)
{
    const sl_hyper *h = &o->h;
    int n = o->n;
    double lr = o->lr, step = o->steps + 1;
    float *a0 = sl_opt_array(o, 0), *a1 = sl_opt_array(o, 1), *a2 = sl_opt_array(o, 2);
    switch (o->type) {
    case O_SGD: {
        double mom = momentum_now(o, h->momentum);
        sgd_k k = { (float)-lr, (float)mom, (float)(1 - h->dampening), (float)h->weight_decay, mom != 0, !o->buf_ready,
                    h->nesterov, h->maximize };
        sgd_update(params, a0, grads, n, &k);
        if (mom != 0) o->buf_ready = 1;
        break;
    }
    case O_Adagrad: {
        double clr = lr / (1 + (step - 1) * h->lr_decay);
        adagrad_k k = { (float)-clr, (float)h->weight_decay, (float)h->eps, h->maximize };
        adagrad_update(params, a0, grads, n, &k);
        break;
    }
    case O_RMSprop: {
        double mom = momentum_now(o, h->momentum);
        rmsprop_k k = { (float)-lr, (float)h->alpha, (float)(1 - h->alpha), (float)h->eps, (float)h->weight_decay,
                        (float)mom, h->centered, mom > 0, h->maximize };
        rmsprop_update(params, a0, a1, a2, grads, n, &k);
        break;
    }
    case O_Adadelta: {
        adadelta_k k = { (float)-lr, (float)h->rho, (float)(1 - h->rho), (float)h->eps, (float)h->weight_decay, h->maximize };
        adadelta_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_Adam:
    case O_AdamW: {
        double b1 = momentum_now(o, h->beta1), b2 = h->beta2;
        double bc1 = h->bias_correction ? 1 - pow(b1, step) : 1, bc2 = h->bias_correction ? 1 - pow(b2, step) : 1;
        adam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay,
                     (float)(1 - lr * h->weight_decay), (float)sqrt(bc2), (float)h->eps, (float)-(lr / bc1),
                     h->amsgrad, h->maximize, o->type == O_AdamW };
        adam_update(params, a0, a1, a2, grads, n, &k);
        break;
    }
    case O_Adamax: {
        double b1 = momentum_now(o, h->beta1);
        adamax_k k = { (float)b1, (float)(1 - b1), (float)h->beta2, (float)h->eps, (float)h->weight_decay,
                       (float)-(lr / (1 - pow(b1, step))), h->maximize };
        adamax_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_NAdam: {
        double b1 = momentum_now(o, h->beta1), b2 = h->beta2;
        double bc2 = 1 - pow(b2, step);
        double mu = b1 * (1. - 0.5 * pow(0.96, step * h->momentum_decay));
        double mu_next = b1 * (1. - 0.5 * pow(0.96, (step + 1) * h->momentum_decay));
        o->mu_product = o->mu_product * (float)mu;
        float mu_product_next = o->mu_product * (float)mu * (float)mu_next;
        nadam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay, (float)bc2,
                      (float)h->eps, (float)(-lr * (1. - mu) / (1. - (double)o->mu_product)),
                      (float)(-lr * mu_next / (1. - (double)mu_product_next)) };
        nadam_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_RAdam: {
        double b1 = momentum_now(o, h->beta1), b2 = h->beta2;
        double bc1 = 1 - pow(b1, step), bc2 = 1 - pow(b2, step);
        double rho_inf = 2 / (1 - b2) - 1;
        double rho_t = rho_inf - 2 * step * pow(b2, step) / bc2;
        double rect = rho_t > 5. ? sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) : 0;
        radam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay, (float)bc1,
                      (float)lr, (float)sqrt(bc2), (float)h->eps, (float)rect, rho_t > 5. };
        radam_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_Rprop: {
        if (o->steps == 0) {
            float v = (float)lr;
            for (int i = 0; i < n; i++) a1[i] = v;
        }
        rprop_k k = { (float)h->etaminus, (float)h->etaplus, (float)h->step_size_min, (float)h->step_size_max, h->maximize };
        rprop_update(params, a0, a1, grads, n, &k);
        break;
    }
    case O_DeltaBarDelta: {
        dbd_k k = { (float)-lr, (float)h->beta, (float)(1 - h->beta), (float)h->min_gain, (float)h->max_gain };
        dbd_update(params, a0, a1, grads, n, &k);
        break;
    }
    }
    o->steps = step;
}

/* After an optimizer step: the scheduler's step, and the group's lr it leaves. */
sl_status sl_optimizer_scheduler_advance(sl_optimizer *o)
{
    if (!o->has_scheduler || sl_scheduler_needs_metric(&o->sched)) return SL_STATUS_OK;
    sl_status st = sl_scheduler_step(&o->sched, NAN, 0);
    o->lr = sl_scheduler_lr(&o->sched);
    return st;
}

int sl_optimizer_has_scheduler(const sl_optimizer *o) { return o->has_scheduler; }

static sl_status check_n(const sl_optimizer *o, int n, const char *field)
{
    if (n != o->n)
        return sl_fail(SL_STATUS_INVALID, KINDS[o->type].head.name, field, "must hold %d numbers (nParams), got %d", o->n, n);
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_optimizer_step_flags(sl_optimizer *o, float *params, const float *grads, int n, int flags)
{
    sl_status st = check_n(o, n, "grads");
    if (st) return st;
    if (o->type == O_LBFGS)
        return sl_fail(SL_STATUS_INVALID, "LBFGS", "closure", "is required: LBFGS.step evaluates the objective itself");
    update(o, params, grads);
    return flags & SL_STEP_KEEP_SCHEDULER ? SL_STATUS_OK : sl_optimizer_scheduler_advance(o);
}

sl_status sl_optimizer_step(sl_optimizer *o, float *params, const float *grads, int n)
{
    return sl_optimizer_step_flags(o, params, grads, n, 0);
}

SL_COMPACT sl_status sl_optimizer_step_closure(sl_optimizer *o, float *params, int n, sl_closure fn, void *ctx, double *loss,
                                    int *evals)
{
    sl_status st = check_n(o, n, "params");
    if (st) return st;
    double l = NAN;
    int e = 1;
    if (o->type == O_LBFGS) {
        st = sl_lbfgs_step(o, params, fn, ctx, &l, &e);
    } else {
        float *g = malloc((size_t)n * sizeof(float));
        if (!g) return sl_fail(SL_STATUS_NOMEM, KINDS[o->type].head.name, NULL, "out of memory");
        st = fn(ctx, params, g, n, &l);
        if (!st) update(o, params, g);
        free(g);
    }
    if (st) return st;
    if (loss) *loss = l;
    if (evals) *evals = e;
    return sl_optimizer_scheduler_advance(o);
}

sl_status sl_optimizer_scheduler_step(sl_optimizer *o, double metric)
{
    const char *name = KINDS[o->type].head.name;
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
const char *sl_optimizer_type(const sl_optimizer *o) { return KINDS[o->type].head.name; }
int sl_optimizer_needs_closure(const sl_optimizer *o) { return o->type == O_LBFGS; }
int sl_optimizer_needs_metric(const sl_optimizer *o) { return o->has_scheduler && sl_scheduler_needs_metric(&o->sched); }
int sl_optimizer_func_evals(const sl_optimizer *o) { return o->func_evals; }

const float *sl_optimizer_moment(sl_optimizer *o, int k)
{
    const sl_hyper *h = &o->h;
    switch (o->type) {
    case O_SGD: return k == 0 && o->buf_ready ? sl_opt_array(o, 0) : NULL;
    case O_Adagrad: return k == 1 ? sl_opt_array(o, 0) : NULL;
    case O_RMSprop: return k == 1 ? sl_opt_array(o, 0) : momentum_now(o, h->momentum) > 0 ? sl_opt_array(o, 2) : NULL;
    case O_Adadelta: return k == 1 ? sl_opt_array(o, 0) : NULL;
    case O_Adam: case O_AdamW: case O_Adamax: case O_NAdam: case O_RAdam: return sl_opt_array(o, k);
    default: return NULL;
    }
}

/* The per-element step sizes follow the update kernels above, element by
 * element in double: the second moment as the last step divided by it. */
SL_COMPACT double sl_optimizer_step_size(sl_optimizer *o, double lr, int lo, int hi)
{
    const sl_hyper *h = &o->h;
    double t = o->steps, s = 0, b2 = h->beta2, bc2 = 1 - pow(b2, t), rect = 1;
    if (t < 1 || hi <= lo || o->type == O_LBFGS) return NAN;
    if (o->type == O_SGD) return lr;
    const float *a0 = sl_opt_array(o, 0), *a1 = sl_opt_array(o, 1), *a2 = sl_opt_array(o, 2);
    if (o->type == O_RAdam) {
        double rho_inf = 2 / (1 - b2) - 1, rho_t = rho_inf - 2 * t * pow(b2, t) / bc2;
        if (rho_t <= 5.) return lr; /* unrectified: plain momentum SGD on m_hat */
        rect = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
    }
    if ((o->type == O_Adam || o->type == O_AdamW) && !h->bias_correction) bc2 = 1;
    for (int i = lo; i < hi; i++) {
        double v = o->type == O_RMSprop || o->type == O_Adagrad || o->type == O_Adadelta ? a0[i] : a1[i], e;
        switch (o->type) {
        case O_Adagrad: e = lr / (1 + (t - 1) * h->lr_decay) / (sqrt(v) + h->eps); break;
        case O_RMSprop: e = lr / (sqrt(h->centered ? v - (double)a1[i] * a1[i] : v) + h->eps); break;
        case O_Adadelta: e = lr * sqrt(a1[i] + h->eps) / sqrt(v + h->eps); break;
        case O_Adam: case O_AdamW:
            if (h->amsgrad) v = a2[i];
            e = lr / (sqrt(v / bc2) + h->eps);
            break;
        case O_Adamax: e = lr / v; break;
        case O_NAdam: case O_RAdam: e = lr * rect / (sqrt(v / bc2) + h->eps); break;
        case O_Rprop: e = a1[i]; break;
        default: e = lr * a0[i]; /* DeltaBarDelta */
        }
        s += e;
    }
    return s / (hi - lo);
}

/* ---- state ---- */

int sl_optimizer_state_size(const sl_optimizer *o) { return (int)o->size; }

void sl_optimizer_state_save(sl_optimizer *o, void *buf)
{
    if (o->has_scheduler) {
        /* refreshes the embedded scheduler's own checksum */
        char tmp[sizeof(sl_scheduler)];
        sl_scheduler_state_save(&o->sched, tmp);
    }
    o->checksum = checksum(o);
    memcpy(buf, o, o->size);
}

SL_COMPACT sl_status sl_optimizer_restore(const void *buf, int len, sl_optimizer **out)
{
    *out = NULL;
    sl_optimizer head;
    if (!buf || len < (int)sizeof head)
        return sl_fail(SL_STATUS_STATE, "optimizer", "state", "is truncated: %d bytes, a header alone is %d", len,
                       (int)sizeof head);
    memcpy(&head, buf, sizeof head);
    const char *why = NULL;
    int off[SL_OPT_ARRAYS], n_floats = -1;
    if (head.magic != SL_OPT_MAGIC) why = "is not a steplab optimizer state";
    else if (head.version != SL_OPT_VERSION) why = "is from another version of steplab";
    else if (head.size != (uint32_t)len) why = "has the wrong size (truncated or extended)";
    else if (head.type < 0 || head.type >= O_COUNT || head.n < 1 || head.n > SL_OPT_MAX_N) why = "has an invalid header";
    else if (check_ranges(head.type, &head.h)) why = "has invalid hyper-parameters";
    else {
        layout(head.type, &head.h, head.n, off, &n_floats);
        if (n_floats != head.n_floats || memcmp(off, head.off, sizeof off) != 0 ||
            (size_t)len != sizeof head + (size_t)n_floats * 4)
            why = "has an invalid layout";
        else if (!isfinite(head.lr) || !(head.steps >= 0) || head.hist_len < 0 || head.hist_len > head.h.history_size ||
                 head.hist_start < 0 || head.hist_start >= (head.h.history_size > 0 ? head.h.history_size : 1))
            why = "has invalid counters";
    }
    if (why) {
        sl_error_clear();
        return sl_fail(SL_STATUS_STATE, "optimizer", "state", "%s", why);
    }
    sl_optimizer *o = malloc((size_t)len);
    if (!o) return sl_fail(SL_STATUS_NOMEM, "optimizer", NULL, "out of memory");
    memcpy(o, buf, (size_t)len);
    if (o->checksum != checksum(o)) why = "is corrupted (checksum mismatch)";
    else if (o->has_scheduler) {
        sl_scheduler *s;
        if (sl_scheduler_restore(&o->sched, (int)sizeof o->sched, &s)) why = "has an invalid scheduler inside";
        else sl_scheduler_free(s);
    }
    if (why) {
        free(o);
        return sl_fail(SL_STATUS_STATE, "optimizer", "state", "%s", why);
    }
    *out = o;
    return SL_STATUS_OK;
}

/* ---- replay ---- */

SL_COMPACT sl_status sl_optimizer_replay(const char *json, int len, const float *params0, int n, const float *grads, int n_steps,
                              float *out)
{
    sl_optimizer *o;
    sl_status st = sl_optimizer_create(json, len, n, &o);
    if (st) return st;
    if (o->type == O_LBFGS) {
        sl_optimizer_free(o);
        return sl_fail(SL_STATUS_INVALID, "LBFGS", "grads",
                       "cannot be replayed: LBFGS evaluates the objective itself; use trace or step(params, closure)");
    }
    if (n_steps < 0) {
        const char *name = KINDS[o->type].head.name;
        sl_optimizer_free(o);
        return sl_fail(SL_STATUS_INVALID, name, "grads", "must be a list of gradient vectors");
    }
    memcpy(out, params0, (size_t)n * sizeof(float));
    for (int k = 0; k < n_steps && !st; k++) {
        float *p = out + (size_t)k * n;
        if (k > 0) memcpy(p, p - n, (size_t)n * sizeof(float));
        st = sl_optimizer_step(o, p, grads + (size_t)k * n, n);
    }
    sl_optimizer_free(o);
    return st;
}

int sl_optimizers_json(char **buf, int len, int *cap)
{
    return sl_kinds_json(buf, len, cap, KINDS, sizeof KINDS[0], O_COUNT);
}
