/* The optimizer registry: for each torch.optim class (PyTorch 1.13) and the
 * course's DeltaBarDelta, its parameters (PyTorch's names, defaults and
 * ranges, each stored by name into sl_hyper), a category, the spec the page
 * opens it with (sensible on the race surfaces), its state arrays, and one
 * line of help; plus decoding a spec against it, the rules across fields
 * (shared by create and restore) and the layout of the state arrays. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Cold code (validation, messages): compiled for size, like spec.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define INF INFINITY
#define LO_OPEN SL_F_LO_OPEN
#define HI_OPEN SL_F_HI_OPEN
#define H sl_hyper

#define NUM(m, d, lo, hi, f, h) { #m, SL_P_NUM, d, lo, hi, f, NULL, 0, 0, h, SL_AT(SL_STORE_F64, H, m) }
#define INT(m, d, lo, hi, f, h) { #m, SL_P_INT, d, lo, hi, f, NULL, 0, 0, h, SL_AT(SL_STORE_I32, H, m) }
#define BOOL(m, d, h) { #m, SL_P_BOOL, d, 0, 1, 0, NULL, 0, 0, h, SL_AT(SL_STORE_I32, H, m) }
#define PAIR(m, lo, hi, f, h) { #m, SL_P_NUMS, NAN, lo, hi, f, NULL, 2, 2, h, SL_AT(SL_STORE_PAIR, H, m) }
#define LR(d) NUM(lr, d, 0, INF, 0, "learning rate (0 freezes a group, as in PyTorch)")
#define WD(d) NUM(weight_decay, d, 0, INF, 0, "L2 penalty added to the gradient")
#define EPS(d) NUM(eps, d, 0, INF, 0, "term added to the denominator (0 as in PyTorch: a zero gradient then gives 0/0)")
#define MAXIMIZE BOOL(maximize, 0, "ascend the objective instead of descending")
#define BETAS PAIR(betas, 0, 1, HI_OPEN, "running-average coefficients of the gradient and its square (default [0.9, 0.999])")

static const sl_param P_SGD[] = {
    NUM(lr, NAN, 0, INF, SL_F_REQUIRED, "learning rate (PyTorch requires it for SGD)"),
    NUM(momentum, 0, 0, INF, 0, "momentum factor"),
    NUM(dampening, 0, -INF, INF, 0, "dampening of the gradient added to the momentum buffer"),
    WD(0), BOOL(nesterov, 0, "Nesterov momentum"), MAXIMIZE,
};
static const sl_param P_ADAGRAD[] = {
    LR(1e-2), NUM(lr_decay, 0, 0, INF, 0, "learning rate decay"), WD(0),
    NUM(initial_accumulator_value, 0, 0, INF, 0, "starting value of the squared-gradient sum"), EPS(1e-10), MAXIMIZE,
};
static const sl_param P_RMSPROP[] = {
    LR(1e-2),
    { "alpha", SL_P_NUM, 0.99, 0, 1, 0, NULL, 0, 0, "smoothing constant of the squared-gradient average", SL_AT(SL_STORE_F64, H, alpha),
      "PyTorch 1.13 accepts alpha > 1, but then 1 - alpha < 0 makes square_avg negative and the first step NaN" },
    EPS(1e-8), WD(0),
    NUM(momentum, 0, 0, INF, 0, "momentum factor"), BOOL(centered, 0, "normalize by the estimated variance"), MAXIMIZE,
};
static const sl_param P_ADADELTA[] = {
    LR(1.0), NUM(rho, 0.9, 0, 1, 0, "coefficient of the running averages"), EPS(1e-6), WD(0), MAXIMIZE,
};
/* bias_correction is not a torch.optim parameter (apex's FusedAdam has it): a teaching switch */
#define BIAS_CORRECTION                                                                                                 \
    { "bias_correction", SL_P_BOOL, 1, 0, 1, SL_F_TEXTBOOK, NULL, 0, 0,                                                  \
      "divide the moments by 1 - beta^t (false: the early-steps pitfall; apex's switch, not torch.optim)",                \
      SL_AT(SL_STORE_I32, H, bias_correction) }
static const sl_param P_ADAM[] = {
    LR(1e-3), BETAS, EPS(1e-8), WD(0), BOOL(amsgrad, 0, "AMSGrad variant"), MAXIMIZE, BIAS_CORRECTION,
};
static const sl_param P_ADAMW[] = {
    LR(1e-3), BETAS, EPS(1e-8), NUM(weight_decay, 1e-2, 0, INF, 0, "decoupled weight decay"),
    BOOL(amsgrad, 0, "AMSGrad variant"), MAXIMIZE, BIAS_CORRECTION,
};
static const sl_param P_ADAMAX[] = { LR(2e-3), BETAS, EPS(1e-8), WD(0), MAXIMIZE };
static const sl_param P_NADAM[] = {
    LR(2e-3), BETAS, EPS(1e-8), WD(0), NUM(momentum_decay, 4e-3, 0, INF, 0, "momentum decay psi"),
};
static const sl_param P_RADAM[] = { LR(1e-3), BETAS, EPS(1e-8), WD(0) };
static const sl_param P_RPROP[] = {
    LR(1e-2), PAIR(etas, 0, INF, LO_OPEN, "(etaminus, etaplus): step factors on a sign flip and on a kept sign"),
    PAIR(step_sizes, 0, INF, 0, "(min, max) allowed step sizes"), MAXIMIZE,
};
static const sl_param P_LBFGS[] = {
    LR(1), INT(max_iter, 20, 1, 1e6, 0, "iterations per step"),
    INT(max_eval, NAN, 1, 1e7, SL_F_NULLABLE, "function evaluations per step (default max_iter * 5 // 4)"),
    NUM(tolerance_grad, 1e-7, 0, INF, 0, "stop when the largest gradient entry is this small"),
    NUM(tolerance_change, 1e-9, 0, INF, 0, "stop when the loss or the step changes less"),
    INT(history_size, 100, 1, 1000, 0, "update history size"),
    { "line_search_fn", SL_P_ENUM, NAN, 0, 0, SL_F_NULLABLE, "strong_wolfe", 0, 0, "null or 'strong_wolfe'",
      SL_AT(SL_STORE_I32, H, line_search_fn) },
};
static const sl_param P_DBD[] = {
    LR(1e-2), NUM(beta, 0.05, 0, 1, LO_OPEN | HI_OPEN, "gain increment on a kept sign; factor 1 - beta on a flip"),
    NUM(min_gain, 0.01, 0, INF, LO_OPEN, "lowest gain"), NUM(max_gain, 10, 0, INF, LO_OPEN, "highest gain"),
};

/* torch.optim.ASGD: averaged SGD (Polyak & Juditsky), foreach=False */
static const sl_param P_ASGD[] = {
    LR(1e-2), NUM(lambd, 1e-4, 0, INF, 0, "decay term"), NUM(alpha, 0.75, 0, INF, 0, "power for the eta update"),
    NUM(t0, 1e6, 0, INF, 0, "point at which to start averaging"), WD(0), MAXIMIZE,
};
/* LARS, You, Gitman & Ginsburg 2017, Algorithm 1 (see kernels.c) */
static const sl_param P_LARS[] = {
    LR(1), NUM(momentum, 0.9, 0, INF, 0, "momentum m"),
    NUM(weight_decay, 0, 0, INF, 0, "weight decay beta, in the update and in the trust ratio"),
    NUM(trust_coefficient, 1e-3, 0, INF, LO_OPEN, "trust coefficient eta of the local rate eta ||w|| / (||grad|| + beta ||w||)"),
    BOOL(lars_exclude, 0, "no local rate for this group (biases and norms, as common LARS implementations do)"),
};
/* SWATS, Keskar & Socher 2017, Algorithm 1 (see kernels.c) */
static const sl_param P_SWATS[] = {
    LR(1e-3), PAIR(betas, 0, 1, HI_OPEN, "beta1 (Adam's and then SGD's momentum), beta2 (default [0.9, 0.999])"),
    NUM(eps, 1e-9, 0, INF, LO_OPEN, "Adam's epsilon and the switching test's tolerance, as in the paper (default 1e-9)"),
};

/* Custom (custom.c): the user's rule; lr is hyper.lr unless given here */
static const sl_param P_CUSTOM[] = {
    NUM(lr, NAN, 0, INF, 0, "learning rate (default hyper.lr, else 0.001): the rule's lr, the rate a scheduler drives"),
    { "hyper", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, "hyper-parameters the rule reads, by name: { lr: 0.01, mu: 0.9 }" },
    { "state", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, "per-element state the rule keeps, by name, with its start value: { v: 0 }" },
    { "update", SL_P_STR, NAN, 0, 0, 0, NULL, 0, 0,
      "the rule per element, statements in order (';' or new lines): assign p or a state; read p, g, t (step), lr, hyper and state names"
      " (default p = p - lr * g)" },
};

/* name, table, state arrays, momentum cycling, category, summary, starter */
#define K(name, params, arrays, names, mom, category, summary, starter)                                                \
    { { name, params, (int)(sizeof params / sizeof params[0]), summary, category, starter, NULL, 0 }, arrays, mom, names }
/* the same for rules that are not in torch.optim (a course's or a paper's) */
#define KT(name, params, arrays, names, mom, category, summary, starter)                                               \
    { { name, params, (int)(sizeof params / sizeof params[0]), summary, category, starter, NULL, 1 }, arrays, mom, names }
const opt_kind sl_opt_kinds[O_COUNT] = {
    K("SGD", P_SGD, 1, "momentum_buffer", 1, "sgd", "stochastic gradient descent, with optional (Nesterov) momentum",
      "{\"type\":\"SGD\",\"lr\":0.02}"),
    K("Adagrad", P_ADAGRAD, 1, "sum", 0, "adaptive", "per-weight rates from the sum of squared gradients",
      "{\"type\":\"Adagrad\",\"lr\":0.5}"),
    K("RMSprop", P_RMSPROP, 3, "square_avg|grad_avg|momentum_buffer", 1, "adaptive",
      "per-weight rates from a running average of squared gradients", "{\"type\":\"RMSprop\",\"lr\":0.02}"),
    K("Adadelta", P_ADADELTA, 2, "square_avg|acc_delta", 0, "adaptive", "RMSprop with a running average of squared updates",
      "{\"type\":\"Adadelta\",\"lr\":1}"),
    K("Adam", P_ADAM, 3, "exp_avg|exp_avg_sq|max_exp_avg_sq", 2, "adaptive", "momentum and RMSprop with bias correction",
      "{\"type\":\"Adam\",\"lr\":0.1}"),
    K("AdamW", P_ADAMW, 3, "exp_avg|exp_avg_sq|max_exp_avg_sq", 2, "adaptive", "Adam with decoupled weight decay",
      "{\"type\":\"AdamW\",\"lr\":0.1}"),
    K("Adamax", P_ADAMAX, 2, "exp_avg|exp_inf", 2, "adaptive", "Adam with the infinity norm", "{\"type\":\"Adamax\",\"lr\":0.1}"),
    K("NAdam", P_NADAM, 2, "exp_avg|exp_avg_sq", 2, "adaptive", "Adam with Nesterov momentum", "{\"type\":\"NAdam\",\"lr\":0.1}"),
    K("RAdam", P_RADAM, 2, "exp_avg|exp_avg_sq", 2, "adaptive", "Adam with a rectified adaptive rate",
      "{\"type\":\"RAdam\",\"lr\":0.1}"),
    K("Rprop", P_RPROP, 2, "prev|step_size", 0, "sign", "resilient backpropagation: per-weight steps from gradient signs",
      "{\"type\":\"Rprop\",\"lr\":0.01}"),
    K("LBFGS", P_LBFGS, 0, "", 0, "second-order", "limited-memory BFGS; each step calls the objective several times",
      "{\"type\":\"LBFGS\",\"lr\":1,\"line_search_fn\":\"strong_wolfe\"}"),
    KT("DeltaBarDelta", P_DBD, 2, "gain|prev", 0, "sign",
       "per-weight local gains: + beta on a kept sign, x (1 - beta) on a flip (textbook, not PyTorch)",
       "{\"type\":\"DeltaBarDelta\",\"lr\":0.01,\"beta\":0.05}"),
    K("ASGD", P_ASGD, 1, "ax", 0, "sgd", "averaged SGD: SGD with a decaying rate eta, and the running average ax of the iterates",
      "{\"type\":\"ASGD\",\"lr\":0.02,\"t0\":100}"),
    KT("LARS", P_LARS, 1, "momentum_buffer", 1, "layer-wise",
       "layer-wise adaptive rates: each group's step scaled by its trust ratio eta ||w|| / (||grad|| + beta ||w||) (paper, not PyTorch)",
       "{\"type\":\"LARS\",\"lr\":2,\"trust_coefficient\":0.01}"),
    KT("SWATS", P_SWATS, 3, "exp_avg|exp_avg_sq|momentum_buffer", 2, "adaptive",
       "Adam until its steps' projection on the gradient gives a steady rate, then SGD with momentum at that rate (paper, not PyTorch)",
       "{\"type\":\"SWATS\",\"lr\":0.1,\"eps\":0.001}"),
    KT("Custom", P_CUSTOM, 0, "", 0, "custom",
       "your own rule, written as a formula per element: momentum SGD is v = mu * v + g; p = p - lr * v",
       "{\"type\":\"Custom\",\"hyper\":{\"lr\":0.02,\"mu\":0.9},\"state\":{\"v\":0},\"update\":\"v = mu * v + g; p = p - lr * v\"}"),
};

/* PyTorch's defaults for its tuple parameters */
static const struct { const char *name; double v[2]; } PAIR_DEFAULTS[] = {
    { "betas", { 0.9, 0.999 } }, { "etas", { 0.5, 1.2 } }, { "step_sizes", { 1e-6, 50 } },
};

/* Checks the rules that span fields; shared by create (st INVALID) and restore (st STATE). */
SL_COMPACT static sl_status check_rules(int type, const sl_hyper *h, sl_status st)
{
    const char *name = sl_opt_name(type);
    char a[48], b[48];
    if (type == O_SGD && h->nesterov && (h->momentum <= 0 || h->dampening != 0)) {
        strcpy(a, sl_num(h->momentum).s);
        strcpy(b, sl_num(h->dampening).s);
        return sl_fail(st, name, "nesterov",
                       "requires a momentum > 0 and zero dampening (PyTorch's rule), got momentum %s and dampening %s", a, b);
    }
    if (type == O_Rprop && !(h->etas[0] < 1 && 1 < h->etas[1])) {
        strcpy(a, sl_num(h->etas[0]).s);
        strcpy(b, sl_num(h->etas[1]).s);
        return sl_fail(st, name, "etas", "must satisfy 0 < etas[0] < 1 < etas[1], got [%s, %s]", a, b);
    }
    if (type == O_Rprop && !(h->step_sizes[0] <= h->step_sizes[1])) {
        strcpy(a, sl_num(h->step_sizes[0]).s);
        strcpy(b, sl_num(h->step_sizes[1]).s);
        return sl_fail(st, name, "step_sizes", "must satisfy step_sizes[0] <= step_sizes[1], got [%s, %s]", a, b);
    }
    if (type == O_DeltaBarDelta && !(h->min_gain <= h->max_gain)) {
        strcpy(a, sl_num(h->min_gain).s);
        strcpy(b, sl_num(h->max_gain).s);
        return sl_fail(st, name, "min_gain", "must be <= max_gain, got %s and %s", a, b);
    }
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_opt_decode(const sl_json *doc, int obj, int type, sl_hyper *h)
{
    const sl_kind *k = &sl_opt_kinds[type].head;
    sl_args a;
    sl_status st = sl_spec_decode(doc, obj, k, "type|scheduler|param_groups", &a);
    if (st) return st;
    memset(h, 0, sizeof *h);
    sl_spec_fill(doc, k, &a, h);
    for (size_t i = 0; i < sizeof PAIR_DEFAULTS / sizeof PAIR_DEFAULTS[0]; i++) {
        int p = sl_param_index(k, PAIR_DEFAULTS[i].name);
        double *pair = p < 0 ? NULL : (double *)((char *)h + k->params[p].off);
        if (pair && isnan(pair[0])) memcpy(pair, PAIR_DEFAULTS[i].v, sizeof PAIR_DEFAULTS[i].v);
    }
    if (type == O_LBFGS && h->max_eval < 0) h->max_eval = h->max_iter * 5 / 4;
    return check_rules(type, h, SL_STATUS_INVALID);
}

static size_t store_size(int store) { return store == SL_STORE_PAIR ? 2 * sizeof(double) : store == SL_STORE_F64 ? sizeof(double) : 4; }

/* Re-labels the last error of a param_groups entry: "SGD: param_groups[1].lr must be ...". */
SL_COMPACT static sl_status in_entry(sl_status st, int i)
{
    char thing[64], field[64], text[600], at[96];
    strncpy(thing, sl_error_thing(), sizeof thing - 1);
    thing[sizeof thing - 1] = 0;
    strncpy(field, sl_error_field(), sizeof field - 1);
    field[sizeof field - 1] = 0;
    const char *m = sl_error_message();
    size_t skip = strlen(thing) + 2 + (field[0] ? strlen(field) + 1 : 0);
    strncpy(text, strlen(m) >= skip ? m + skip : m, sizeof text - 1);
    text[sizeof text - 1] = 0;
    snprintf(at, sizeof at, field[0] ? "param_groups[%d].%s" : "param_groups[%d]", i, field);
    return sl_fail(st, thing, at, "%s", text);
}

SL_COMPACT sl_status sl_opt_decode_group(const sl_json *doc, int entry, int type, int i, const char *extra, const sl_hyper *d, sl_hyper *h)
{
    const sl_kind *k = &sl_opt_kinds[type].head;
    char at[48], got[64];
    snprintf(at, sizeof at, "param_groups[%d]", i);
    memcpy(h, d, sizeof *h);
    if (entry < 0 || doc->nodes[entry].type != SL_J_OBJ) {
        sl_json_describe(doc, entry, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, k->name, at, "must be an object of the group's options, got %s", got);
    }
    for (int c = doc->nodes[entry].child; c >= 0; c = doc->nodes[c].next) {
        const char *key = doc->nodes[c].key;
        int known = sl_param_index(k, key) >= 0;
        for (const char *e = extra; !known && e && *e;) {
            size_t n = strcspn(e, "|");
            known = strlen(key) == n && memcmp(e, key, n) == 0;
            e = e[n] ? e + n + 1 : NULL;
        }
        if (known && type == O_Custom && strcmp(key, "lr") && sl_param_index(k, key) >= 0) {
            snprintf(at, sizeof at, "param_groups[%d].%.24s", i, key);
            return sl_fail(SL_STATUS_INVALID, k->name, at, "cannot differ per group: a Custom group may set lr only");
        }
        if (!known) {
            char names[400];
            size_t o = 0;
            names[0] = 0;
            for (int j = 0; j < k->n_params && o < sizeof names; j++)
                o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", j ? ", " : "", k->params[j].name);
            snprintf(at, sizeof at, "param_groups[%d].%.24s", i, key);
            return sl_fail(SL_STATUS_INVALID, k->name, at, "is not an option of %s; a group may set %s", k->name, names);
        }
    }
    if (type == O_Adagrad && sl_json_get(doc, entry, "initial_accumulator_value") >= 0) {
        snprintf(at, sizeof at, "param_groups[%d].initial_accumulator_value", i);
        return sl_fail(SL_STATUS_INVALID, k->name, at,
                       "cannot differ per group: PyTorch 1.13 starts every group's sum from the optimizer's value and ignores "
                       "the group's; set it on the optimizer");
    }
    /* an entry sets what it names; the rest (required ones too) come from the defaults */
    sl_param opt[SL_MAX_PARAMS];
    sl_kind ok = *k;
    for (int j = 0; j < k->n_params; j++) {
        opt[j] = k->params[j];
        opt[j].flags &= ~SL_F_REQUIRED;
    }
    ok.params = opt;
    sl_args a;
    sl_status st = sl_spec_decode(doc, entry, &ok, extra ? extra : "", &a);
    if (st) return in_entry(st, i);
    sl_hyper given;
    memset(&given, 0, sizeof given);
    sl_spec_fill(doc, k, &a, &given);
    for (int j = 0; j < k->n_params; j++) {
        const sl_param *p = &k->params[j];
        if (a.present[j] == 1) memcpy((char *)h + p->off, (char *)&given + p->off, store_size(p->store));
    }
    st = check_rules(type, h, SL_STATUS_INVALID);
    return st ? in_entry(st, i) : SL_STATUS_OK;
}

SL_COMPACT sl_status sl_opt_recheck(int type, const sl_hyper *h)
{
    const sl_kind *k = &sl_opt_kinds[type].head;
    sl_status st = sl_spec_recheck(k, h);
    if (st) return st;
    /* the fields of other types' parameters stay zero, as decoding leaves them */
    sl_hyper rest;
    memcpy(&rest, h, sizeof rest);
    for (int i = 0; i < k->n_params; i++) memset((char *)&rest + k->params[i].off, 0, store_size(k->params[i].store));
    static const unsigned char zero[2 * sizeof(double)];
    for (int t = 0; t < O_COUNT; t++)
        for (int i = 0; i < sl_opt_kinds[t].head.n_params; i++) {
            const sl_param *p = &sl_opt_kinds[t].head.params[i];
            if (memcmp((const char *)&rest + p->off, zero, store_size(p->store)) != 0)
                return sl_fail(SL_STATUS_STATE, k->name, p->name, "is set in the saved state, but %s has no %s", k->name, p->name);
        }
    if (type == O_LBFGS && h->max_eval < 1)
        return sl_fail(SL_STATUS_STATE, k->name, "max_eval", "in the saved state must be an integer in [1, 10000000], got %d", h->max_eval);
    return check_rules(type, h, SL_STATUS_STATE);
}

double sl_opt_layout(int type, const sl_hyper *h, int n, int custom_states, int *off, int *n_floats)
{
    double total = 0;
    int k = 0;
    memset(off, 0, sizeof(int) * SL_OPT_ARRAYS);
    if (type == O_LBFGS) {
        for (; k < L_DIRS; k++) off[k] = (int)(k * (double)n);
        off[L_DIRS] = (int)(L_DIRS * (double)n);
        off[L_STPS] = (int)((L_DIRS + (double)h->history_size) * n);
        total = (L_DIRS + 2.0 * h->history_size) * n + 2.0 * h->history_size;
    } else if (type == O_Custom) {
        double head = sl_custom_floats();
        for (; k < custom_states; k++) off[k] = (int)(head + k * (double)n);
        total = head + (double)custom_states * n;
    } else {
        for (; k < sl_opt_kinds[type].n_arrays; k++) off[k] = (int)(k * (double)n);
        total = (double)sl_opt_kinds[type].n_arrays * n;
    }
    if (n_floats) *n_floats = total * 4 + sizeof(sl_optimizer) < SL_OPT_MAX_BYTES ? (int)total : -1;
    return total * 4 + sizeof(sl_optimizer);
}

SL_COMPACT sl_status sl_opt_scheduler_fits(int type, const sl_scheduler *s, sl_status st, int *momentum_from_scheduler)
{
    const char *name = sl_opt_name(type);
    *momentum_from_scheduler = 0;
    if (isnan(sl_scheduler_momentum(s))) return SL_STATUS_OK;
    if (!sl_opt_kinds[type].momentum)
        return sl_fail(st, name, "scheduler",
                       "cycles momentum, but %s has no momentum or betas (PyTorch refuses this too); set cycle_momentum: false",
                       name);
    if (sl_opt_kinds[type].momentum == 2 && !strcmp(sl_scheduler_type(s), "CyclicLR"))
        return sl_fail(st, name, "scheduler",
                       "CyclicLR cycles momentum, but %s has betas, not momentum (PyTorch 1.13 refuses this too); "
                       "set cycle_momentum: false",
                       name);
    *momentum_from_scheduler = 1;
    return SL_STATUS_OK;
}

/* "closure": a step re-evaluates the objective (LBFGS), which a trainer's one gradient per step cannot do. */
static int row_extra(const void *entry, char **buf, int len, int *cap)
{
    const opt_kind *k = entry;
    return sl_json_append(buf, len, cap, k == &sl_opt_kinds[O_LBFGS] ? ",\"closure\":true" : ",\"closure\":false");
}

SL_COMPACT int sl_optimizers_json(char **buf, int len, int *cap)
{
    return sl_kinds_json_ex(buf, len, cap, sl_opt_kinds, sizeof sl_opt_kinds[0], O_COUNT, row_extra);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
