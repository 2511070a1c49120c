/* torch.optim.lr_scheduler (PyTorch 1.13) in C: each leaf follows PyTorch's
 * chainable get_lr() (the form scheduler.step() uses), reading and writing the
 * shared group lr exactly as PyTorch reads and writes param_groups[0]['lr'];
 * the closed forms are used where PyTorch uses them: SequentialLR's step(0)
 * at a milestone. Composite construction replays PyTorch's order of side
 * effects (each child's initial step, then SequentialLR's reset and undo). */
#include "scheduler.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INF INFINITY
#define SL_SCHED_MAGIC 0x53434844u /* "SCHD" */
#define SL_SCHED_VERSION 1u

enum {
    T_LambdaLR, T_MultiplicativeLR, T_StepLR, T_MultiStepLR, T_ConstantLR, T_LinearLR, T_ExponentialLR,
    T_PolynomialLR, T_CosineAnnealingLR, T_CosineAnnealingWarmRestarts, T_CyclicLR, T_OneCycleLR,
    T_ReduceLROnPlateau, T_SequentialLR, T_ChainedScheduler, T_InverseTimeDecay, T_ExponentialDecay,
    T_NaturalExpDecay, T_COUNT
};

/* ---- parameter tables (PyTorch's names, defaults and accepted ranges) ---- */

#define NUM(n, d, lo, hi, f, h) { n, SL_P_NUM, d, lo, hi, f, NULL, 0, 0, h }
#define INT(n, d, lo, hi, f, h) { n, SL_P_INT, d, lo, hi, f, NULL, 0, 0, h }
#define BOOL(n, d, h) { n, SL_P_BOOL, d, 0, 1, 0, NULL, 0, 0, h }
#define ENUM(n, choices, h) { n, SL_P_ENUM, 0, 0, 0, 0, choices, 0, 0, h }
#define REQ SL_F_REQUIRED
#define LO_OPEN SL_F_LO_OPEN
#define HI_OPEN SL_F_HI_OPEN
#define NULLABLE SL_F_NULLABLE
#define LR_P NUM("lr", 0.1, 0, INF, LO_OPEN, "the optimizer's initial learning rate")

static const sl_param P_LAMBDA[] = {
    LR_P, { "lr_lambda", SL_P_STR, NAN, 0, 0, REQ, NULL, 0, 0, "factor as a formula in epoch, e.g. 0.95 ^ epoch" },
};
static const sl_param P_STEP[] = {
    LR_P, INT("step_size", NAN, 1, 1e9, REQ, "epochs between decays"),
    NUM("gamma", 0.1, 0, INF, 0, "multiplicative factor of each decay"),
};
static const sl_param P_MULTISTEP[] = {
    LR_P, { "milestones", SL_P_NUMS, NAN, 0, 1e9, REQ, NULL, 1, SL_MAX_MILESTONES, "epochs at which to decay (integers)" },
    NUM("gamma", 0.1, 0, INF, 0, "multiplicative factor of each decay"),
};
static const sl_param P_CONSTANT[] = {
    LR_P, NUM("factor", 1.0 / 3, 0, 1, LO_OPEN, "factor applied until total_iters"),
    INT("total_iters", 5, 0, 1e9, 0, "steps the factor is applied for"),
};
static const sl_param P_LINEAR[] = {
    LR_P, NUM("start_factor", 1.0 / 3, 0, 1, LO_OPEN, "factor at the first step"),
    NUM("end_factor", 1.0, 0, 1, 0, "factor reached at total_iters"),
    INT("total_iters", 5, 0, 1e9, 0, "steps of the linear ramp"),
};
static const sl_param P_EXPONENTIAL[] = { LR_P, NUM("gamma", NAN, 0, INF, REQ | LO_OPEN, "factor per step") };
static const sl_param P_POLYNOMIAL[] = {
    LR_P, INT("total_iters", 5, 1, 1e9, 0, "steps until the rate reaches 0"),
    NUM("power", 1.0, 0, INF, 0, "power of the polynomial (1 = linear)"),
};
static const sl_param P_COSINE[] = {
    LR_P, INT("T_max", NAN, 1, 1e9, REQ, "steps of the half cosine"),
    NUM("eta_min", 0, 0, INF, 0, "minimum learning rate"),
};
static const sl_param P_WARM_RESTARTS[] = {
    LR_P, INT("T_0", NAN, 1, 1e9, REQ, "steps until the first restart"),
    INT("T_mult", 1, 1, 1000, 0, "factor by which each period grows"),
    NUM("eta_min", 0, 0, INF, 0, "minimum learning rate"),
};
static const sl_param P_CYCLIC[] = {
    LR_P, NUM("base_lr", NAN, 0, INF, REQ | LO_OPEN, "lower bound of the cycle"),
    NUM("max_lr", NAN, 0, INF, REQ | LO_OPEN, "upper bound of the cycle"),
    NUM("step_size_up", 2000, 0, 1e9, LO_OPEN, "steps in the rising half"),
    NUM("step_size_down", NAN, 0, 1e9, LO_OPEN | NULLABLE, "steps in the falling half (default: step_size_up)"),
    ENUM("mode", "triangular|triangular2|exp_range", "cycle shape"),
    NUM("gamma", 1.0, 0, INF, LO_OPEN, "exp_range: factor per step"),
    BOOL("cycle_momentum", 1, "cycle momentum inversely to the rate"),
    NUM("base_momentum", 0.8, 0, 1, 0, "lower momentum bound"),
    NUM("max_momentum", 0.9, 0, 1, 0, "upper momentum bound"),
};
static const sl_param P_ONECYCLE[] = {
    LR_P, NUM("max_lr", NAN, 0, INF, REQ | LO_OPEN, "peak learning rate"),
    INT("total_steps", NAN, 1, 1e9, NULLABLE, "steps in the cycle (or epochs x steps_per_epoch)"),
    INT("epochs", NAN, 1, 1e9, NULLABLE, "epochs, with steps_per_epoch"),
    INT("steps_per_epoch", NAN, 1, 1e9, NULLABLE, "steps per epoch, with epochs"),
    NUM("pct_start", 0.3, 0, 1, LO_OPEN | HI_OPEN, "fraction of the cycle spent rising"),
    ENUM("anneal_strategy", "cos|linear", "annealing shape"),
    BOOL("cycle_momentum", 1, "cycle momentum inversely to the rate"),
    NUM("base_momentum", 0.85, 0, 1, 0, "lower momentum bound"),
    NUM("max_momentum", 0.95, 0, 1, 0, "upper momentum bound"),
    NUM("div_factor", 25, 0, INF, LO_OPEN, "initial_lr = max_lr / div_factor"),
    NUM("final_div_factor", 1e4, 0, INF, LO_OPEN, "min_lr = initial_lr / final_div_factor"),
    BOOL("three_phase", 0, "up, down to initial_lr, then down to min_lr"),
};
static const sl_param P_PLATEAU[] = {
    LR_P, ENUM("mode", "min|max", "whether the metric should fall or rise"),
    NUM("factor", 0.1, 0, 1, HI_OPEN, "factor applied on a plateau"),
    INT("patience", 10, 0, 1e9, 0, "bad epochs tolerated before a reduction"),
    NUM("threshold", 1e-4, 0, INF, 0, "least change that counts as better"),
    ENUM("threshold_mode", "rel|abs", "threshold relative to the best or absolute"),
    INT("cooldown", 0, 0, 1e9, 0, "epochs to wait after a reduction"),
    NUM("min_lr", 0, 0, INF, 0, "lower bound on the rate"),
    NUM("eps", 1e-8, 0, INF, 0, "reductions smaller than this are skipped"),
};
static const sl_param P_SEQUENTIAL[] = {
    LR_P, { "schedulers", SL_P_SPECS, NAN, 0, 0, REQ, NULL, 1, SL_MAX_CHILDREN, "schedulers, one after another" },
    { "milestones", SL_P_NUMS, NAN, 0, 1e9, REQ, NULL, 0, SL_MAX_CHILDREN - 1, "steps at which the next scheduler takes over" },
};
static const sl_param P_CHAINED[] = {
    LR_P, { "schedulers", SL_P_SPECS, NAN, 0, 0, REQ, NULL, 1, SL_MAX_CHILDREN, "schedulers stepped together" },
};
static const sl_param P_INVTIME[] = {
    LR_P, NUM("decay_steps", 1, 0, INF, LO_OPEN, "steps per unit of t"),
    NUM("decay_rate", NAN, 0, INF, REQ, "k in lr0 / (1 + k t)"),
    BOOL("staircase", 0, "use floor(step / decay_steps)"),
};
static const sl_param P_EXPDECAY[] = {
    LR_P, NUM("decay_steps", NAN, 0, INF, REQ | LO_OPEN, "steps per factor of decay_rate"),
    NUM("decay_rate", NAN, 0, INF, REQ | LO_OPEN, "lr0 * decay_rate ^ (step / decay_steps)"),
    BOOL("staircase", 0, "use floor(step / decay_steps)"),
};
static const sl_param P_NATEXP[] = {
    LR_P, NUM("decay_steps", 1, 0, INF, LO_OPEN, "steps per unit of t"),
    NUM("decay_rate", NAN, 0, INF, REQ, "k in lr0 * e^(-k t)"),
    BOOL("staircase", 0, "use floor(step / decay_steps)"),
};

typedef struct {
    sl_kind head;
    int closed_form; /* PyTorch has _get_closed_form_lr (used by SequentialLR's step(0)) */
} sched_kind;

#define K(name, params, closed, summary) { { name, params, (int)(sizeof params / sizeof params[0]), summary }, closed }
static const sched_kind KINDS[T_COUNT] = {
    K("LambdaLR", P_LAMBDA, 0, "lr = lr0 * f(epoch)"),
    K("MultiplicativeLR", P_LAMBDA, 0, "lr = lr * f(epoch) at each step"),
    K("StepLR", P_STEP, 1, "multiply by gamma every step_size steps"),
    K("MultiStepLR", P_MULTISTEP, 1, "multiply by gamma at each milestone"),
    K("ConstantLR", P_CONSTANT, 1, "scale by factor until total_iters"),
    K("LinearLR", P_LINEAR, 1, "linear ramp of the factor from start_factor to end_factor"),
    K("ExponentialLR", P_EXPONENTIAL, 1, "multiply by gamma every step"),
    K("PolynomialLR", P_POLYNOMIAL, 1, "lr0 * (1 - t / total_iters) ^ power"),
    K("CosineAnnealingLR", P_COSINE, 1, "half cosine from lr0 to eta_min over T_max steps"),
    K("CosineAnnealingWarmRestarts", P_WARM_RESTARTS, 0, "cosine restarted every T_i steps (SGDR)"),
    K("CyclicLR", P_CYCLIC, 0, "cycles between base_lr and max_lr"),
    K("OneCycleLR", P_ONECYCLE, 0, "one cycle up to max_lr and down far below the start"),
    K("ReduceLROnPlateau", P_PLATEAU, 0, "reduce when a metric stops improving"),
    K("SequentialLR", P_SEQUENTIAL, 0, "one scheduler after another at milestones"),
    K("ChainedScheduler", P_CHAINED, 0, "several schedulers stepped together"),
    K("InverseTimeDecay", P_INVTIME, 1, "lr0 / (1 + decay_rate * t / decay_steps)"),
    K("ExponentialDecay", P_EXPDECAY, 1, "lr0 * decay_rate ^ (t / decay_steps)"),
    K("NaturalExpDecay", P_NATEXP, 1, "lr0 * exp(-decay_rate * t / decay_steps)"),
};

static const char *type_name(int t) { return KINDS[t].head.name; }

/* ---- leaf construction ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static sl_status leaf_get_lr(sl_leaf *L, sl_group *g, int closed, double *lr);

/* PyTorch's _LRScheduler.step() without an epoch argument. */
static sl_status leaf_step(sl_leaf *L, sl_group *g)
{
    double lr;
    L->last_epoch++;
    if (L->type == T_CosineAnnealingWarmRestarts) {
        L->T_cur += 1;
        if (L->T_cur >= L->T_i) {
            L->T_cur -= L->T_i;
            L->T_i *= L->p[2];
        }
    }
    sl_status st = leaf_get_lr(L, g, 0, &lr);
    if (st) return st;
    g->lr = lr;
    return SL_STATUS_OK;
}

/* PyTorch's step(0), as SequentialLR calls it at a milestone. */
static sl_status leaf_step_zero(sl_leaf *L, sl_group *g)
{
    double lr;
    if (L->type == T_CosineAnnealingWarmRestarts) {
        L->T_i = L->p[1];
        L->T_cur = 0;
    }
    L->last_epoch = 0;
    sl_status st = leaf_get_lr(L, g, KINDS[L->type].closed_form, &lr);
    if (st) return st;
    g->lr = lr;
    return SL_STATUS_OK;
}

/* Decodes a leaf spec and performs what its PyTorch constructor does to the group. */
SL_COMPACT static sl_status leaf_init(sl_leaf *L, sl_group *g, const sl_json *doc, int obj, const sched_kind *k, int t)
{
    sl_args a;
    sl_status st = sl_spec_decode(doc, obj, &k->head, "type", &a);
    if (st) return st;
    memset(L, 0, sizeof *L);
    L->type = t;
    memcpy(L->p, a.v, sizeof L->p);
    const char *name = k->head.name;
    double *p = L->p;

    switch (t) {
    case T_LambdaLR:
    case T_MultiplicativeLR:
        st = sl_formula_compile(doc->nodes[a.node[1]].str, &L->formula, name, "lr_lambda");
        if (st) return st;
        break;
    case T_MultiStepLR: {
        int k2 = 0;
        for (int c = doc->nodes[a.node[1]].child; c >= 0; c = doc->nodes[c].next, k2++) {
            double m = doc->nodes[c].num;
            if (floor(m) != m)
                return sl_fail(SL_STATUS_INVALID, name, "milestones", "[%d] must be an integer, got %s", k2, sl_num(m).s);
            L->milestones[k2] = m;
        }
        L->n_milestones = k2;
        qsort(L->milestones, (size_t)k2, sizeof(double), cmp_double);
        break;
    }
    case T_CyclicLR:
        if (isnan(p[4])) p[4] = p[3];
        L->total_size = p[3] + p[4];
        L->step_ratio = p[3] / L->total_size;
        /* PyTorch sets the group's lr to base_lr before the base class runs. */
        g->lr = p[1];
        if (p[7] != 0) g->momentum = p[8];
        break;
    case T_OneCycleLR: {
        double total;
        if (!isnan(p[2])) total = p[2];
        else if (!isnan(p[3]) && !isnan(p[4])) total = p[3] * p[4];
        else if (isnan(p[3]) && isnan(p[4]))
            return sl_fail(SL_STATUS_INVALID, name, "total_steps", "is required (or epochs and steps_per_epoch)");
        else
            return sl_fail(SL_STATUS_INVALID, name, isnan(p[3]) ? "epochs" : "steps_per_epoch",
                           "is required with %s (or give total_steps)", isnan(p[3]) ? "steps_per_epoch" : "epochs");
        if (total > 1e9) return sl_fail(SL_STATUS_INVALID, name, "epochs", "x steps_per_epoch must be at most 1e9, got %s", sl_num(total).s);
        L->total_steps = (int)total;
        double ps = p[5];
        if (p[12] != 0) {
            L->n_phases = 3;
            L->phase_end[0] = ps * total - 1;
            L->phase_end[1] = 2 * ps * total - 2;
            L->phase_end[2] = total - 1;
        } else {
            L->n_phases = 2;
            L->phase_end[0] = ps * total - 1;
            L->phase_end[1] = total - 1;
        }
        L->initial_lr = p[1] / p[10];
        L->max_lr = p[1];
        L->min_lr = L->initial_lr / p[11];
        g->initial_lr = L->initial_lr;
        g->has_initial_lr = 1;
        if (p[7] != 0) g->momentum = p[9];
        break;
    }
    case T_CosineAnnealingWarmRestarts:
        L->T_i = p[1];
        L->T_cur = -1;
        break;
    case T_ReduceLROnPlateau:
        L->best = p[1] == 0 ? INF : -INF;
        break;
    }

    /* _LRScheduler.__init__: base_lrs from initial_lr (set once per group), then the initial step. */
    if (t == T_ReduceLROnPlateau) return SL_STATUS_OK;
    if (!g->has_initial_lr) {
        g->initial_lr = g->lr;
        g->has_initial_lr = 1;
    }
    L->base_lr = g->initial_lr;
    L->last_epoch = -1;
    /* CosineAnnealingWarmRestarts' own step() turns its first call into step(0) */
    st = t == T_CosineAnnealingWarmRestarts ? leaf_step_zero(L, g) : leaf_step(L, g);
    /* CyclicLR overrides base_lrs only after the base class's initial step */
    if (t == T_CyclicLR) L->base_lr = p[1];
    return st;
}

static double anneal(const sl_leaf *L, double start, double end, double pct)
{
    if (L->p[6] == 0) return end + (start - end) / 2.0 * (cos(SL_PI * pct) + 1);
    return (end - start) * pct + start;
}

/* get_lr (chainable) or _get_closed_form_lr when closed is set. */
static sl_status leaf_get_lr(sl_leaf *L, sl_group *g, int closed, double *lr)
{
    const double *p = L->p;
    double e = L->last_epoch, cur = g->lr, base = L->base_lr;
    *lr = cur;
    const char *name = type_name(L->type);
    switch (L->type) {
    case T_LambdaLR:
        *lr = base * sl_formula_eval(&L->formula, e);
        break;
    case T_MultiplicativeLR:
        *lr = e > 0 ? cur * sl_formula_eval(&L->formula, e) : cur;
        break;
    case T_StepLR:
        if (closed) *lr = base * pow(p[2], floor(e / p[1]));
        else *lr = (e == 0 || L->last_epoch % (long long)p[1] != 0) ? cur : cur * p[2];
        break;
    case T_MultiStepLR: {
        int count = 0, below = 0;
        for (int i = 0; i < L->n_milestones; i++) {
            count += L->milestones[i] == e;
            below += L->milestones[i] <= e;
        }
        if (closed) *lr = base * pow(p[2], below);
        else *lr = count ? cur * pow(p[2], count) : cur;
        break;
    }
    case T_ConstantLR:
        if (closed) *lr = base * (p[1] + (e >= p[2]) * (1 - p[1]));
        else if (e == 0) *lr = cur * p[1];
        else if (e != p[2]) *lr = cur;
        else *lr = cur * (1.0 / p[1]);
        break;
    case T_LinearLR: {
        double s = p[1], f = p[2], T = p[3];
        if (closed) *lr = base * (s + (f - s) * fmin(T, e) / T);
        else if (e == 0) *lr = cur * s;
        else if (e > T) *lr = cur;
        else *lr = cur * (1. + (f - s) / (T * s + (e - 1) * (f - s)));
        break;
    }
    case T_ExponentialLR:
        if (closed) *lr = base * pow(p[1], e);
        else *lr = e == 0 ? cur : cur * p[1];
        break;
    case T_PolynomialLR: {
        double T = p[1], pw = p[2];
        if (closed) *lr = base * pow(1.0 - fmin(T, e) / T, pw);
        else if (e == 0 || e > T) *lr = cur;
        else *lr = cur * pow((1.0 - e / T) / (1.0 - (e - 1) / T), pw);
        break;
    }
    case T_CosineAnnealingLR: {
        double T = p[1], eta = p[2];
        if (closed) *lr = eta + (base - eta) * (1 + cos(SL_PI * e / T)) / 2;
        else if (e == 0) *lr = cur;
        else if (((long long)L->last_epoch - 1 - (long long)T) % (2 * (long long)T) == 0) *lr = cur + (base - eta) * (1 - cos(SL_PI / T)) / 2;
        else *lr = (1 + cos(SL_PI * e / T)) / (1 + cos(SL_PI * (e - 1) / T)) * (cur - eta) + eta;
        break;
    }
    case T_CosineAnnealingWarmRestarts:
        *lr = p[3] + (base - p[3]) * (1 + cos(SL_PI * L->T_cur / L->T_i)) / 2;
        break;
    case T_CyclicLR: {
        double cycle = floor(1 + e / L->total_size);
        double x = 1. + e / L->total_size - cycle;
        double scale = x <= L->step_ratio ? x / L->step_ratio : (x - 1) / (L->step_ratio - 1);
        double fn;
        int mode = (int)p[5];
        if (mode == 0) fn = 1.;
        else if (mode == 1) fn = 1 / pow(2., cycle - 1);
        else fn = pow(p[6], e);
        *lr = base + (p[2] - base) * scale * fn;
        if (p[7] != 0) g->momentum = p[9] - (p[9] - p[8]) * scale * fn;
        break;
    }
    case T_OneCycleLR: {
        if (e > L->total_steps)
            return sl_fail(SL_STATUS_RANGE, name, "total_steps", "is %d; cannot take step %d (PyTorch raises here too)",
                           L->total_steps, (int)e + 1);
        double start_step = 0;
        for (int i = 0; i < L->n_phases; i++) {
            double end_step = L->phase_end[i];
            if (e <= end_step || i == L->n_phases - 1) {
                double pct = (e - start_step) / (end_step - start_step);
                double s_lr, e_lr, s_m, e_m;
                if (L->n_phases == 3) {
                    s_lr = i == 0 ? L->initial_lr : i == 1 ? L->max_lr : L->initial_lr;
                    e_lr = i == 0 ? L->max_lr : i == 1 ? L->initial_lr : L->min_lr;
                    s_m = i == 1 ? p[8] : p[9];
                    e_m = i == 0 ? p[8] : p[9];
                } else {
                    s_lr = i == 0 ? L->initial_lr : L->max_lr;
                    e_lr = i == 0 ? L->max_lr : L->min_lr;
                    s_m = i == 0 ? p[9] : p[8];
                    e_m = i == 0 ? p[8] : p[9];
                }
                *lr = anneal(L, s_lr, e_lr, pct);
                if (p[7] != 0) g->momentum = anneal(L, s_m, e_m, pct);
                break;
            }
            start_step = end_step;
        }
        break;
    }
    case T_InverseTimeDecay: {
        double t = p[3] != 0 ? floor(e / p[1]) : e / p[1];
        *lr = base / (1 + p[2] * t);
        break;
    }
    case T_ExponentialDecay: {
        double t = p[3] != 0 ? floor(e / p[1]) : e / p[1];
        *lr = base * pow(p[2], t);
        break;
    }
    case T_NaturalExpDecay: {
        double t = p[3] != 0 ? floor(e / p[1]) : e / p[1];
        *lr = base * exp(-p[2] * t);
        break;
    }
    default:
        *lr = cur;
    }
    if (!isfinite(*lr))
        return sl_fail(SL_STATUS_RANGE, name, NULL, "learning rate is not finite (%s) at step %d; check the parameters",
                       sl_num(*lr).s, L->last_epoch);
    return SL_STATUS_OK;
}

/* ReduceLROnPlateau.step(metrics) */
static void plateau_step(sl_leaf *L, sl_group *g, double current)
{
    const double *p = L->p;
    int mode_max = p[1] != 0, abs_mode = p[5] != 0;
    double th = p[4];
    int better;
    if (!mode_max && !abs_mode) better = current < L->best * (1. - th);
    else if (!mode_max) better = current < L->best - th;
    else if (!abs_mode) better = current > L->best * (th + 1.);
    else better = current > L->best + th;
    L->last_epoch++;
    if (better) {
        L->best = current;
        L->num_bad_epochs = 0;
    } else {
        L->num_bad_epochs++;
    }
    if (L->cooldown_counter > 0) {
        L->cooldown_counter--;
        L->num_bad_epochs = 0;
    }
    if (L->num_bad_epochs > p[3]) {
        double old_lr = g->lr, new_lr = fmax(old_lr * p[2], p[7]);
        if (old_lr - new_lr > p[8]) g->lr = new_lr;
        L->cooldown_counter = (int)p[6];
        L->num_bad_epochs = 0;
    }
}

/* ---- the public object ---- */

static uint32_t checksum(const sl_scheduler *s)
{
    /* FNV-1a over every byte after the checksum field */
    const unsigned char *b = (const unsigned char *)s;
    uint32_t h = 2166136261u;
    for (size_t i = offsetof(sl_scheduler, type); i < sizeof *s; i++) h = (h ^ b[i]) * 16777619u;
    return h;
}

SL_COMPACT static sl_status build(sl_scheduler *s, const sl_json *doc, int obj)
{
    const sl_kind *kind;
    sl_status st = sl_spec_lookup(doc, obj, KINDS, sizeof KINDS[0], T_COUNT, "scheduler", &kind);
    if (st) return st;
    int t = (int)((const sched_kind *)kind - KINDS);
    s->type = t;
    s->group.momentum = NAN;
    if (t != T_SequentialLR && t != T_ChainedScheduler) {
        sl_args a;
        if ((st = sl_spec_decode(doc, obj, kind, "type", &a))) return st;
        s->group.lr = a.v[0];
        s->n_leaves = 1;
        return leaf_init(&s->leaf[0], &s->group, doc, obj, &KINDS[t], t);
    }
    sl_args a;
    if ((st = sl_spec_decode(doc, obj, kind, "type", &a))) return st;
    s->group.lr = a.v[0];
    int list = a.node[1], i = 0;
    char field[48];
    for (int c = doc->nodes[list].child; c >= 0; c = doc->nodes[c].next, i++) {
        const sl_kind *ck;
        if ((st = sl_spec_lookup(doc, c, KINDS, sizeof KINDS[0], T_COUNT, kind->name, &ck))) return st;
        int ct = (int)((const sched_kind *)ck - KINDS);
        snprintf(field, sizeof field, "schedulers[%d]", i);
        if (ct == T_SequentialLR || ct == T_ChainedScheduler || ct == T_ReduceLROnPlateau)
            return sl_fail(SL_STATUS_INVALID, kind->name, field, "cannot be a %s (PyTorch cannot compose it either)", ck->name);
        if (sl_json_get(doc, c, "lr") >= 0)
            return sl_fail(SL_STATUS_INVALID, kind->name, field,
                           "must not set lr; the composite's lr is the optimizer's initial learning rate");
        if ((st = leaf_init(&s->leaf[i], &s->group, doc, c, &KINDS[ct], ct))) return st;
    }
    s->n_leaves = i;
    if (t == T_ChainedScheduler) return SL_STATUS_OK;

    /* SequentialLR */
    int mil = a.node[2], k = 0;
    if (doc->nodes[mil].count != s->n_leaves - 1)
        return sl_fail(SL_STATUS_INVALID, kind->name, "milestones", "must have one entry fewer than schedulers (%d), got %d",
                       s->n_leaves - 1, doc->nodes[mil].count);
    for (int c = doc->nodes[mil].child; c >= 0; c = doc->nodes[c].next, k++) {
        double m = doc->nodes[c].num;
        if (floor(m) != m || (k > 0 && m <= s->milestones[k - 1]))
            return sl_fail(SL_STATUS_INVALID, kind->name, "milestones", "[%d] must be an integer greater than the one before, got %s",
                           k, sl_num(m).s);
        s->milestones[k] = m;
    }
    s->n_milestones = k;
    /* PyTorch: reset lr to initial_lr, undo each child's initial step, redo the first child's. */
    s->group.lr = s->group.initial_lr;
    for (int j = 0; j < s->n_leaves; j++) s->leaf[j].last_epoch--;
    sl_leaf *L0 = &s->leaf[0];
    return L0->type == T_CosineAnnealingWarmRestarts ? leaf_step_zero(L0, &s->group) : leaf_step(L0, &s->group);
}

sl_status sl_scheduler_from_spec(const sl_json *doc, int obj, sl_scheduler **out)
{
    *out = NULL;
    sl_scheduler *s = calloc(1, sizeof *s);
    if (!s) return sl_fail(SL_STATUS_NOMEM, "scheduler", NULL, "out of memory");
    sl_status st = build(s, doc, obj);
    if (st) {
        free(s);
        return st;
    }
    s->magic = SL_SCHED_MAGIC;
    s->version = SL_SCHED_VERSION;
    s->size = sizeof *s;
    *out = s;
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_scheduler_create(const char *json, int len, sl_scheduler **out)
{
    sl_json doc;
    *out = NULL;
    if (len < 0) return sl_fail(SL_STATUS_INVALID, "scheduler", NULL, "spec length is negative");
    sl_status st = sl_json_parse(json, (size_t)len, &doc, "scheduler");
    if (st) return st;
    st = sl_scheduler_from_spec(&doc, 0, out);
    sl_json_free(&doc);
    return st;
}

void sl_scheduler_free(sl_scheduler *s) { free(s); }

sl_status sl_scheduler_step(sl_scheduler *s, double metric, int has_metric)
{
    sl_status st = SL_STATUS_OK;
    sl_group saved_group = s->group;
    if (s->last_epoch >= SL_MAX_STEPS)
        return sl_fail(SL_STATUS_RANGE, type_name(s->type), NULL, "cannot step more than %d times", SL_MAX_STEPS);
    if (s->type == T_ReduceLROnPlateau) {
        if (!has_metric)
            return sl_fail(SL_STATUS_INVALID, "ReduceLROnPlateau", "metrics", "is required: step(metric) needs the monitored value");
        if (!isfinite(metric))
            return sl_fail(SL_STATUS_INVALID, "ReduceLROnPlateau", "metrics", "must be a finite number, got %s", sl_num(metric).s);
        plateau_step(&s->leaf[0], &s->group, metric);
        s->last_epoch++;
        return SL_STATUS_OK;
    }
    /* What a step may change in a leaf, kept so that a failed step changes nothing. */
    struct { int last_epoch; double T_cur, T_i; } saved[SL_MAX_CHILDREN];
    for (int i = 0; i < s->n_leaves; i++) {
        saved[i].last_epoch = s->leaf[i].last_epoch;
        saved[i].T_cur = s->leaf[i].T_cur;
        saved[i].T_i = s->leaf[i].T_i;
    }
    if (s->type == T_SequentialLR) {
        double e = s->last_epoch + 1;
        int idx = 0;
        while (idx < s->n_milestones && s->milestones[idx] <= e) idx++;
        if (idx > 0 && s->milestones[idx - 1] == e) st = leaf_step_zero(&s->leaf[idx], &s->group);
        else st = leaf_step(&s->leaf[idx], &s->group);
    } else {
        /* one leaf, or ChainedScheduler: every child in order */
        for (int i = 0; i < s->n_leaves && !st; i++) st = leaf_step(&s->leaf[i], &s->group);
    }
    if (st) {
        for (int i = 0; i < s->n_leaves; i++) {
            s->leaf[i].last_epoch = saved[i].last_epoch;
            s->leaf[i].T_cur = saved[i].T_cur;
            s->leaf[i].T_i = saved[i].T_i;
        }
        s->group = saved_group;
        return st;
    }
    s->last_epoch++;
    return SL_STATUS_OK;
}

double sl_scheduler_lr(const sl_scheduler *s) { return s->group.lr; }
double sl_scheduler_momentum(const sl_scheduler *s) { return s->group.momentum; }
int sl_scheduler_last_epoch(const sl_scheduler *s) { return s->last_epoch; }
const char *sl_scheduler_type(const sl_scheduler *s) { return type_name(s->type); }
int sl_scheduler_needs_metric(const sl_scheduler *s) { return s->type == T_ReduceLROnPlateau; }

int sl_scheduler_state_size(const sl_scheduler *s)
{
    (void)s;
    return (int)sizeof(sl_scheduler);
}

void sl_scheduler_state_save(sl_scheduler *s, void *buf)
{
    s->checksum = checksum(s);
    memcpy(buf, s, sizeof *s);
}

static int leaf_valid(const sl_leaf *L)
{
    if (L->type < 0 || L->type >= T_COUNT || L->type == T_SequentialLR || L->type == T_ChainedScheduler) return 0;
    if (L->n_milestones < 0 || L->n_milestones > SL_MAX_MILESTONES) return 0;
    if (L->type == T_OneCycleLR ? (L->n_phases != 2 && L->n_phases != 3) : L->n_phases != 0) return 0;
    if (L->last_epoch < -1 || L->last_epoch > SL_MAX_STEPS || L->num_bad_epochs < 0 || L->num_bad_epochs > SL_MAX_STEPS ||
        L->cooldown_counter < 0 || L->cooldown_counter > SL_MAX_STEPS)
        return 0;
    if ((L->type == T_LambdaLR || L->type == T_MultiplicativeLR) && !sl_formula_valid(&L->formula)) return 0;
    /* every parameter must again pass its own range, so no division by zero can come back */
    const sl_kind *k = &KINDS[L->type].head;
    for (int i = 0; i < k->n_params; i++) {
        const sl_param *p = &k->params[i];
        double v = L->p[i];
        if (p->kind == SL_P_BOOL && v != 0 && v != 1) return 0;
        if (p->kind == SL_P_ENUM) {
            int n_choices = 1;
            for (const char *c = p->choices; *c; c++) n_choices += *c == '|';
            if (!(v >= 0 && v < n_choices && floor(v) == v)) return 0;
        }
        if (p->kind != SL_P_NUM && p->kind != SL_P_INT) continue;
        if (isnan(v) ? !(p->flags & SL_F_NULLABLE) : sl_param_check(k, p, v) != SL_STATUS_OK) return 0;
    }
    return 1;
}

SL_COMPACT sl_status sl_scheduler_restore(const void *buf, int len, sl_scheduler **out)
{
    *out = NULL;
    if (!buf || len != (int)sizeof(sl_scheduler))
        return sl_fail(SL_STATUS_STATE, "scheduler", "state", "must be %d bytes, got %d (truncated, or from another version)",
                       (int)sizeof(sl_scheduler), len);
    sl_scheduler *s = malloc(sizeof *s);
    if (!s) return sl_fail(SL_STATUS_NOMEM, "scheduler", NULL, "out of memory");
    memcpy(s, buf, sizeof *s);
    const char *why = NULL;
    if (s->magic != SL_SCHED_MAGIC) why = "is not a steplab scheduler state";
    else if (s->version != SL_SCHED_VERSION) why = "is from another version of steplab";
    else if (s->size != sizeof *s) why = "has the wrong size";
    else if (s->checksum != checksum(s)) why = "is corrupted (checksum mismatch)";
    else if (s->type < 0 || s->type >= T_COUNT || s->n_leaves < 1 || s->n_leaves > SL_MAX_CHILDREN ||
             s->n_milestones < 0 || s->n_milestones > SL_MAX_CHILDREN - 1 || s->last_epoch < 0 || s->last_epoch > SL_MAX_STEPS)
        why = "has an invalid header";
    else if (s->type == T_SequentialLR || s->type == T_ChainedScheduler
                 ? s->n_milestones != (s->type == T_SequentialLR ? s->n_leaves - 1 : 0)
                 : s->n_leaves != 1 || s->leaf[0].type != s->type || s->n_milestones != 0)
        why = "has an invalid header (its type does not match what it holds)";
    else
        for (int i = 0; i < s->n_leaves && !why; i++)
            if (!leaf_valid(&s->leaf[i]) || (s->n_leaves > 1 || s->type == T_SequentialLR || s->type == T_ChainedScheduler
                                             ? s->leaf[i].type == T_ReduceLROnPlateau : 0))
                why = "has an invalid scheduler inside";
    if (why) {
        free(s);
        return sl_fail(SL_STATUS_STATE, "scheduler", "state", "%s", why);
    }
    *out = s;
    return SL_STATUS_OK;
}

sl_status sl_schedule_run(const char *json, int len, double n, const double *metrics, int n_metrics, double **out)
{
    *out = NULL;
    sl_scheduler *s;
    sl_status st = sl_scheduler_create(json, len, &s);
    if (st) return st;
    const char *name = type_name(s->type);
    if (!isfinite(n) || floor(n) != n || n < 0 || n > SL_SCHEDULE_MAX_N) {
        sl_scheduler_free(s);
        return sl_fail(SL_STATUS_INVALID, name, "n", "must be an integer in [0, %s], got %s", sl_num(SL_SCHEDULE_MAX_N).s,
                       sl_num(n).s);
    }
    int count = (int)n;
    if (s->type == T_ReduceLROnPlateau && n_metrics < count - 1) {
        sl_scheduler_free(s);
        return sl_fail(SL_STATUS_INVALID, name, "metrics", "must hold n - 1 = %d values (one per step), got %d", count - 1,
                       n_metrics);
    }
    double *v = malloc((size_t)(count ? count : 1) * sizeof(double));
    if (!v) {
        sl_scheduler_free(s);
        return sl_fail(SL_STATUS_NOMEM, name, "n", "of %d values does not fit in memory", count);
    }
    for (int k = 0; k < count; k++) {
        if (k > 0) {
            int has = metrics && k - 1 < n_metrics;
            st = sl_scheduler_step(s, has ? metrics[k - 1] : NAN, has);
            if (st) {
                if (s->type == T_ReduceLROnPlateau)
                    sl_fail(st, name, "metrics", "[%d] must be a finite number, got %s", k - 1, sl_num(metrics[k - 1]).s);
                free(v);
                sl_scheduler_free(s);
                return st;
            }
        }
        v[k] = s->group.lr;
    }
    sl_scheduler_free(s);
    *out = v;
    return SL_STATUS_OK;
}

SL_COMPACT int sl_schedulers_json(char **buf, int len, int *cap)
{
    return sl_kinds_json(buf, len, cap, KINDS, sizeof KINDS[0], T_COUNT);
}
