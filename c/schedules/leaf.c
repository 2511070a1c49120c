/* The leaf schedulers of torch.optim.lr_scheduler (PyTorch 1.13): each leaf
 * follows PyTorch's chainable get_lr() (the form scheduler.step() uses) for
 * every parameter group, reading and writing each group's lr exactly as
 * PyTorch reads and writes param_groups[i]['lr']; the closed forms
 * (_get_closed_form_lr) are used where PyTorch uses them: SequentialLR's
 * step(0) at a milestone. Scalar parameters are read by name from the type's
 * struct; the ones PyTorch takes per group (lr_lambda, CyclicLR's and
 * OneCycleLR's bounds, min_lr) from sl_leaf_group. CyclicLR's window (Welch,
 * Hann) is Smith's CLR paper, not PyTorch. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INF INFINITY

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static sl_status leaf_get_lr(const sl_leaf *L, const sl_scheduler *s, int gi, sl_group *g, int closed, double *lr);

/* The rule on every group: each group's new lr reads only that group, so
 * assigning group by group is PyTorch's list assignment. */
static sl_status all_groups(sl_leaf *L, sl_scheduler *s, int closed)
{
    for (int gi = 0; gi < s->n_groups; gi++) {
        double lr;
        sl_status st = leaf_get_lr(L, s, gi, &s->group[gi], closed, &lr);
        if (st) return st;
        s->group[gi].lr = lr;
    }
    return SL_STATUS_OK;
}

sl_status sl_leaf_step(sl_leaf *L, sl_scheduler *s)
{
    /* CosineAnnealingWarmRestarts.step() turns a step from last_epoch -1 into step(0): its
     * first call, and a SequentialLR child stepped first without a milestone's step(0) */
    if (L->type == T_CosineAnnealingWarmRestarts && L->last_epoch < 0) return sl_leaf_step_zero(L, s);
    L->last_epoch++;
    if (L->type == T_CosineAnnealingWarmRestarts) {
        L->T_cur += 1;
        if (L->T_cur >= L->T_i) {
            L->T_cur -= L->T_i;
            L->T_i *= L->p.warm.T_mult;
        }
    }
    return all_groups(L, s, 0);
}

sl_status sl_leaf_step_zero(sl_leaf *L, sl_scheduler *s)
{
    if (L->type == T_CosineAnnealingWarmRestarts) {
        L->T_i = L->p.warm.T_0;
        L->T_cur = 0;
    }
    L->last_epoch = 0;
    return all_groups(L, s, sl_sched_kinds[L->type].closed_form);
}

SL_COMPACT sl_status sl_leaf_derive(sl_leaf *L)
{
    const char *name = sl_sched_name(L->type);
    if (L->type == T_CyclicLR) {
        const sl_cycliclr_p *P = &L->p.cyclic;
        L->total_size = P->step_size_up + P->step_size_down;
        L->step_ratio = P->step_size_up / L->total_size;
    } else if (L->type == T_OneCycleLR) {
        const sl_onecyclelr_p *P = &L->p.onecycle;
        double total;
        if (!isnan(P->total_steps)) total = P->total_steps;
        else if (!isnan(P->epochs) && !isnan(P->steps_per_epoch)) total = P->epochs * P->steps_per_epoch;
        else if (isnan(P->epochs) && isnan(P->steps_per_epoch))
            return sl_fail(SL_STATUS_INVALID, name, "total_steps", "is required (or epochs and steps_per_epoch)");
        else
            return sl_fail(SL_STATUS_INVALID, name, isnan(P->epochs) ? "epochs" : "steps_per_epoch",
                           "is required with %s (or give total_steps)", isnan(P->epochs) ? "steps_per_epoch" : "epochs");
        if (total > 1e9) return sl_fail(SL_STATUS_INVALID, name, "epochs", "x steps_per_epoch must be at most 1e9, got %s", sl_num(total).s);
        L->total_steps = (int)total;
        double ps = P->pct_start;
        if (P->three_phase != 0) {
            L->n_phases = 3;
            L->phase_end[0] = ps * total - 1;
            L->phase_end[1] = 2 * ps * total - 2;
            L->phase_end[2] = total - 1;
        } else {
            L->n_phases = 2;
            L->phase_end[0] = ps * total - 1;
            L->phase_end[1] = total - 1;
        }
    }
    return SL_STATUS_OK;
}

/* A per-group parameter: its default, one number for every group, or a list of exactly n. */
SL_COMPACT static sl_status group_values(const sl_json *doc, const sl_kind *k, const sl_args *a, const char *name, int n,
                                         sl_leaf *L, size_t member)
{
    int i = sl_param_index(k, name), node = a->node[i];
    for (int gi = 0; gi < n; gi++) {
        double v = k->params[i].def;
        if (node >= 0 && doc->nodes[node].type == SL_J_NUM) v = doc->nodes[node].num;
        *(double *)((char *)&L->g[gi] + member) = v;
    }
    if (node < 0 || doc->nodes[node].type != SL_J_ARR) return SL_STATUS_OK;
    if (doc->nodes[node].count != n)
        return sl_fail(SL_STATUS_INVALID, k->name, name, "must be one number or a list of one per parameter group (%d), got a list of %d",
                       n, doc->nodes[node].count);
    int gi = 0;
    for (int c = doc->nodes[node].child; c >= 0; c = doc->nodes[c].next, gi++) *(double *)((char *)&L->g[gi] + member) = doc->nodes[c].num;
    return SL_STATUS_OK;
}

/* Adds a compiled formula to the scheduler's pool (identical programs shared); returns its index or -1. */
static int pool_formula(sl_scheduler *s, const sl_formula *f)
{
    for (int i = 0; i < s->n_formulas; i++)
        if (memcmp(&s->formulas[i], f, sizeof *f) == 0) return i;
    if (s->n_formulas >= SL_MAX_FORMULAS) return -1;
    s->formulas[s->n_formulas] = *f;
    return s->n_formulas++;
}

SL_COMPACT static sl_status lambdas(sl_leaf *L, sl_scheduler *s, const sl_json *doc, int node, const char *name)
{
    int n = s->n_groups, list = doc->nodes[node].type == SL_J_ARR;
    if (list && doc->nodes[node].count != n)
        return sl_fail(SL_STATUS_INVALID, name, "lr_lambda", "must be one formula or a list of one per parameter group (%d), got a list of %d",
                       n, doc->nodes[node].count);
    int c = list ? doc->nodes[node].child : node;
    for (int gi = 0; gi < n; gi++) {
        char field[32];
        snprintf(field, sizeof field, list ? "lr_lambda[%d]" : "lr_lambda", gi);
        sl_formula f;
        memset(&f, 0, sizeof f);
        sl_status st = sl_formula_compile(doc->nodes[c].str, &f, name, field);
        if (st) return st;
        int idx = pool_formula(s, &f);
        if (idx < 0)
            return sl_fail(SL_STATUS_INVALID, name, "lr_lambda", "holds more than %d different formulas in one scheduler", SL_MAX_FORMULAS);
        L->g[gi].lambda = idx;
        if (list) c = doc->nodes[c].next;
    }
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_leaf_decode(sl_leaf *L, sl_scheduler *s, const sl_json *doc, int obj, int t)
{
    const sl_kind *k = &sl_sched_kinds[t].head;
    sl_args a;
    sl_status st = sl_spec_decode(doc, obj, k, "type", &a);
    if (st) return st;
    memset(L, 0, sizeof *L);
    L->type = t;
    sl_spec_fill(doc, k, &a, &L->p);
    L->p.lambda.lr = s->lr0[0]; /* every parameter struct begins with lr: the groups' lrs are in s->lr0 */
    const char *name = k->name;
    const int n = s->n_groups;
    switch (t) {
    case T_LambdaLR:
    case T_MultiplicativeLR:
        return lambdas(L, s, doc, sl_args_node(k, &a, "lr_lambda"), name);
    case T_MultiStepLR: {
        int m = 0;
        for (int c = doc->nodes[sl_args_node(k, &a, "milestones")].child; c >= 0; c = doc->nodes[c].next, m++) {
            double v = doc->nodes[c].num;
            if (floor(v) != v) return sl_fail(SL_STATUS_INVALID, name, "milestones", "[%d] must be an integer, got %s", m, sl_num(v).s);
            L->milestones[m] = v;
        }
        L->n_milestones = m;
        qsort(L->milestones, (size_t)m, sizeof(double), cmp_double);
        return SL_STATUS_OK;
    }
    case T_CyclicLR: {
        sl_cycliclr_p *P = &L->p.cyclic;
        if (isnan(P->step_size_down)) P->step_size_down = P->step_size_up;
        if ((st = group_values(doc, k, &a, "base_lr", n, L, offsetof(sl_leaf_group, base_lr)))) return st;
        if ((st = group_values(doc, k, &a, "max_lr", n, L, offsetof(sl_leaf_group, max_lr)))) return st;
        if ((st = group_values(doc, k, &a, "base_momentum", n, L, offsetof(sl_leaf_group, base_momentum)))) return st;
        if ((st = group_values(doc, k, &a, "max_momentum", n, L, offsetof(sl_leaf_group, max_momentum)))) return st;
        return sl_leaf_derive(L);
    }
    case T_OneCycleLR:
        if ((st = group_values(doc, k, &a, "max_lr", n, L, offsetof(sl_leaf_group, max_lr)))) return st;
        if ((st = group_values(doc, k, &a, "base_momentum", n, L, offsetof(sl_leaf_group, base_momentum)))) return st;
        if ((st = group_values(doc, k, &a, "max_momentum", n, L, offsetof(sl_leaf_group, max_momentum)))) return st;
        return sl_leaf_derive(L);
    case T_ReduceLROnPlateau:
        return group_values(doc, k, &a, "min_lr", n, L, offsetof(sl_leaf_group, min_lr));
    default:
        return SL_STATUS_OK;
    }
}

SL_COMPACT sl_status sl_leaf_construct(sl_leaf *L, sl_scheduler *s)
{
    const int t = L->type, n = s->n_groups;
    switch (t) {
    case T_CyclicLR:
        /* PyTorch sets each group's lr to base_lr (and momentum to base_momentum) before the base class runs */
        for (int gi = 0; gi < n; gi++) {
            s->group[gi].lr = L->g[gi].base_lr;
            if (L->p.cyclic.cycle_momentum != 0) s->group[gi].momentum = L->g[gi].base_momentum;
        }
        break;
    case T_OneCycleLR:
        /* ... and OneCycleLR writes its rates and momentum bounds into each group */
        for (int gi = 0; gi < n; gi++) {
            sl_group *g = &s->group[gi];
            g->initial_lr = L->g[gi].max_lr / L->p.onecycle.div_factor;
            g->has_initial_lr = 1;
            g->max_lr = L->g[gi].max_lr;
            g->min_lr = g->initial_lr / L->p.onecycle.final_div_factor;
            if (L->p.onecycle.cycle_momentum != 0) {
                g->momentum = L->g[gi].max_momentum;
                g->max_momentum = L->g[gi].max_momentum;
                g->base_momentum = L->g[gi].base_momentum;
            }
        }
        break;
    case T_CosineAnnealingWarmRestarts:
        L->T_i = L->p.warm.T_0;
        L->T_cur = -1;
        break;
    case T_ReduceLROnPlateau:
        L->best = L->p.plateau.mode == 0 ? INF : -INF;
        return SL_STATUS_OK; /* not an _LRScheduler: no initial_lr, no initial step */
    }
    /* _LRScheduler.__init__: initial_lr set once per group, base_lrs from it, then the initial step;
     * CyclicLR replaces base_lrs by its base_lr only after that step */
    double cyclic_base[SL_MAX_GROUPS];
    for (int gi = 0; gi < n; gi++) {
        sl_group *g = &s->group[gi];
        if (!g->has_initial_lr) {
            g->initial_lr = g->lr;
            g->has_initial_lr = 1;
        }
        cyclic_base[gi] = L->g[gi].base_lr;
        L->g[gi].base_lr = g->initial_lr;
    }
    L->last_epoch = -1;
    sl_status st = sl_leaf_step(L, s);
    if (t == T_CyclicLR)
        for (int gi = 0; gi < n; gi++) L->g[gi].base_lr = cyclic_base[gi];
    return st;
}

double sl_cyclic_window(int window, double h)
{
    if (window == 1) return 1 - (1 - h) * (1 - h);
    if (window == 2) return (1 - cos(SL_PI * h)) / 2;
    return h;
}

static double anneal(const sl_leaf *L, double start, double end, double pct)
{
    if (L->p.onecycle.anneal_strategy == 0) return end + (start - end) / 2.0 * (cos(SL_PI * pct) + 1);
    return (end - start) * pct + start;
}

/* OneCycleLR.get_lr for one group: its rates and momentum bounds are the group's */
static sl_status onecycle_lr(const sl_leaf *L, sl_group *g, double e, double *lr)
{
    const sl_onecyclelr_p *P = &L->p.onecycle;
    if (e > L->total_steps)
        return sl_fail(SL_STATUS_RANGE, "OneCycleLR", "total_steps", "is %d; cannot take step %d (PyTorch raises here too)",
                       L->total_steps, (int)e + 1);
    double start_step = 0;
    for (int i = 0; i < L->n_phases; i++) {
        double end_step = L->phase_end[i];
        if (e <= end_step || i == L->n_phases - 1) {
            double pct = (e - start_step) / (end_step - start_step);
            double s_lr, e_lr, s_m, e_m;
            if (L->n_phases == 3) {
                s_lr = i == 0 ? g->initial_lr : i == 1 ? g->max_lr : g->initial_lr;
                e_lr = i == 0 ? g->max_lr : i == 1 ? g->initial_lr : g->min_lr;
                s_m = i == 1 ? g->base_momentum : g->max_momentum;
                e_m = i == 0 ? g->base_momentum : g->max_momentum;
            } else {
                s_lr = i == 0 ? g->initial_lr : g->max_lr;
                e_lr = i == 0 ? g->max_lr : g->min_lr;
                s_m = i == 0 ? g->max_momentum : g->base_momentum;
                e_m = i == 0 ? g->base_momentum : g->max_momentum;
            }
            *lr = anneal(L, s_lr, e_lr, pct);
            if (P->cycle_momentum != 0) g->momentum = anneal(L, s_m, e_m, pct);
            break;
        }
        start_step = end_step;
    }
    return SL_STATUS_OK;
}

/* get_lr (chainable) or _get_closed_form_lr when closed is set, for group gi (g is its group, updated for momentum). */
static sl_status leaf_get_lr(const sl_leaf *L, const sl_scheduler *s, int gi, sl_group *g, int closed, double *lr)
{
    const sl_sched_params *p = &L->p;
    const sl_leaf_group *lg = &L->g[gi];
    double e = L->last_epoch, cur = g->lr, base = lg->base_lr;
    *lr = cur;
    switch (L->type) {
    case T_LambdaLR:
        *lr = base * sl_formula_eval(&s->formulas[lg->lambda], e);
        break;
    case T_MultiplicativeLR:
        *lr = e > 0 ? cur * sl_formula_eval(&s->formulas[lg->lambda], e) : cur;
        break;
    case T_StepLR:
        if (closed) *lr = base * pow(p->step.gamma, floor(e / p->step.step_size));
        else *lr = (e == 0 || L->last_epoch % (long long)p->step.step_size != 0) ? cur : cur * p->step.gamma;
        break;
    case T_MultiStepLR: {
        int count = 0, below = 0;
        for (int i = 0; i < L->n_milestones; i++) {
            count += L->milestones[i] == e;
            below += L->milestones[i] <= e;
        }
        if (closed) *lr = base * pow(p->multistep.gamma, below);
        else *lr = count ? cur * pow(p->multistep.gamma, count) : cur;
        break;
    }
    case T_ConstantLR: {
        double factor = p->constant.factor, T = p->constant.total_iters;
        if (closed) *lr = base * (factor + (e >= T) * (1 - factor));
        else if (e == 0) *lr = cur * factor;
        else if (e != T) *lr = cur;
        else *lr = cur * (1.0 / factor);
        break;
    }
    case T_LinearLR: {
        double st = p->linear.start_factor, f = p->linear.end_factor, T = p->linear.total_iters;
        if (closed) *lr = base * (st + (f - st) * fmin(T, e) / T);
        else if (e == 0) *lr = cur * st;
        else if (e > T) *lr = cur;
        else *lr = cur * (1. + (f - st) / (T * st + (e - 1) * (f - st)));
        break;
    }
    case T_ExponentialLR:
        if (closed) *lr = base * pow(p->exponential.gamma, e);
        else *lr = e == 0 ? cur : cur * p->exponential.gamma;
        break;
    case T_PolynomialLR: {
        double T = p->polynomial.total_iters, pw = p->polynomial.power;
        if (closed) *lr = base * pow(1.0 - fmin(T, e) / T, pw);
        else if (e == 0 || e > T) *lr = cur;
        else *lr = cur * pow((1.0 - e / T) / (1.0 - (e - 1) / T), pw);
        break;
    }
    case T_CosineAnnealingLR: {
        /* Python's (last_epoch - 1 - T_max) % (2 T_max) == 0, also for a fractional T_max */
        double T = p->cosine.T_max, eta = p->cosine.eta_min;
        if (closed) *lr = eta + (base - eta) * (1 + cos(SL_PI * e / T)) / 2;
        else if (e == 0) *lr = cur;
        else if (fmod(e - 1 - T, 2 * T) == 0) *lr = cur + (base - eta) * (1 - cos(SL_PI / T)) / 2;
        else *lr = (1 + cos(SL_PI * e / T)) / (1 + cos(SL_PI * (e - 1) / T)) * (cur - eta) + eta;
        break;
    }
    case T_CosineAnnealingWarmRestarts:
        *lr = p->warm.eta_min + (base - p->warm.eta_min) * (1 + cos(SL_PI * L->T_cur / L->T_i)) / 2;
        break;
    case T_CyclicLR: {
        const sl_cycliclr_p *c = &p->cyclic;
        double cycle = floor(1 + e / L->total_size);
        double x = 1. + e / L->total_size - cycle;
        double scale = x <= L->step_ratio ? x / L->step_ratio : (x - 1) / (L->step_ratio - 1);
        double fn;
        if (c->mode == 0) fn = 1.;
        else if (c->mode == 1) fn = 1 / pow(2., cycle - 1);
        else fn = pow(c->gamma, e);
        scale = sl_cyclic_window((int)c->window, scale);
        *lr = base + (lg->max_lr - base) * scale * fn;
        if (c->cycle_momentum != 0) g->momentum = lg->max_momentum - (lg->max_momentum - lg->base_momentum) * scale * fn;
        break;
    }
    case T_OneCycleLR: {
        sl_status st = onecycle_lr(L, g, e, lr);
        if (st) return st;
        break;
    }
    case T_InverseTimeDecay:
    case T_ExponentialDecay:
    case T_NaturalExpDecay: {
        const sl_decay_p *d = &p->decay;
        double t = d->staircase != 0 ? floor(e / d->decay_steps) : e / d->decay_steps;
        if (L->type == T_InverseTimeDecay) *lr = base / (1 + d->decay_rate * t);
        else if (L->type == T_ExponentialDecay) *lr = base * pow(d->decay_rate, t);
        else *lr = base * exp(-d->decay_rate * t);
        break;
    }
    default:
        *lr = cur;
    }
    if (!isfinite(*lr)) {
        if (s->n_groups > 1)
            return sl_fail(SL_STATUS_RANGE, sl_sched_name(L->type), NULL,
                           "learning rate of group %d is not finite (%s) at step %d; check the parameters", gi, sl_num(*lr).s,
                           L->last_epoch);
        return sl_fail(SL_STATUS_RANGE, sl_sched_name(L->type), NULL,
                       "learning rate is not finite (%s) at step %d; check the parameters", sl_num(*lr).s, L->last_epoch);
    }
    return SL_STATUS_OK;
}

sl_status sl_leaf_lr(const sl_leaf *L, const sl_scheduler *s, int gi, int closed, double *lr, double *momentum)
{
    sl_group h = s->group[gi];
    sl_status st = leaf_get_lr(L, s, gi, &h, closed, lr);
    *momentum = h.momentum;
    return st;
}

void sl_leaf_plateau_step(sl_leaf *L, sl_scheduler *s, double current)
{
    const sl_plateau_p *P = &L->p.plateau;
    int mode_max = P->mode != 0, abs_mode = P->threshold_mode != 0;
    double th = P->threshold;
    int better; /* comparisons with NaN are false: a NaN metric is a bad epoch, as in PyTorch */
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
    if (L->num_bad_epochs > P->patience) {
        for (int gi = 0; gi < s->n_groups; gi++) {
            double old_lr = s->group[gi].lr, new_lr = fmax(old_lr * P->factor, L->g[gi].min_lr);
            if (old_lr - new_lr > P->eps) s->group[gi].lr = new_lr;
        }
        L->cooldown_counter = (int)P->cooldown;
        L->num_bad_epochs = 0;
    }
}
