/* The leaf schedulers of torch.optim.lr_scheduler (PyTorch 1.13): each leaf
 * follows PyTorch's chainable get_lr() (the form scheduler.step() uses),
 * reading and writing the shared group lr exactly as PyTorch reads and writes
 * param_groups[0]['lr']; the closed forms (_get_closed_form_lr) are used
 * where PyTorch uses them: SequentialLR's step(0) at a milestone. Every
 * parameter is read by its name from the type's struct. */
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

static sl_status leaf_get_lr(sl_leaf *L, sl_group *g, int closed, double *lr);

sl_status sl_leaf_step(sl_leaf *L, sl_group *g)
{
    double lr;
    L->last_epoch++;
    if (L->type == T_CosineAnnealingWarmRestarts) {
        L->T_cur += 1;
        if (L->T_cur >= L->T_i) {
            L->T_cur -= L->T_i;
            L->T_i *= L->p.warm.T_mult;
        }
    }
    sl_status st = leaf_get_lr(L, g, 0, &lr);
    if (st) return st;
    g->lr = lr;
    return SL_STATUS_OK;
}

sl_status sl_leaf_step_zero(sl_leaf *L, sl_group *g)
{
    double lr;
    if (L->type == T_CosineAnnealingWarmRestarts) {
        L->T_i = L->p.warm.T_0;
        L->T_cur = 0;
    }
    L->last_epoch = 0;
    sl_status st = leaf_get_lr(L, g, sl_sched_kinds[L->type].closed_form, &lr);
    if (st) return st;
    g->lr = lr;
    return SL_STATUS_OK;
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
        L->initial_lr = P->max_lr / P->div_factor;
        L->max_lr = P->max_lr;
        L->min_lr = L->initial_lr / P->final_div_factor;
    }
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_leaf_init(sl_leaf *L, sl_group *g, const sl_json *doc, int obj, int t, double lr)
{
    const sl_kind *k = &sl_sched_kinds[t].head;
    sl_args a;
    sl_status st = sl_spec_decode(doc, obj, k, "type", &a);
    if (st) return st;
    memset(L, 0, sizeof *L);
    L->type = t;
    sl_spec_fill(doc, k, &a, &L->p);
    if (!isnan(lr)) L->p.lambda.lr = lr; /* every parameter struct begins with lr */
    const char *name = k->name;

    switch (t) {
    case T_LambdaLR:
    case T_MultiplicativeLR:
        st = sl_formula_compile(doc->nodes[sl_args_node(k, &a, "lr_lambda")].str, &L->formula, name, "lr_lambda");
        if (st) return st;
        break;
    case T_MultiStepLR: {
        int n = 0;
        for (int c = doc->nodes[sl_args_node(k, &a, "milestones")].child; c >= 0; c = doc->nodes[c].next, n++) {
            double m = doc->nodes[c].num;
            if (floor(m) != m)
                return sl_fail(SL_STATUS_INVALID, name, "milestones", "[%d] must be an integer, got %s", n, sl_num(m).s);
            L->milestones[n] = m;
        }
        L->n_milestones = n;
        qsort(L->milestones, (size_t)n, sizeof(double), cmp_double);
        break;
    }
    case T_CyclicLR: {
        sl_cycliclr_p *P = &L->p.cyclic;
        if (isnan(P->step_size_down)) P->step_size_down = P->step_size_up;
        sl_leaf_derive(L);
        /* PyTorch sets the group's lr to base_lr before the base class runs. */
        g->lr = P->base_lr;
        if (P->cycle_momentum != 0) g->momentum = P->base_momentum;
        break;
    }
    case T_OneCycleLR:
        if ((st = sl_leaf_derive(L))) return st;
        g->initial_lr = L->initial_lr;
        g->has_initial_lr = 1;
        if (L->p.onecycle.cycle_momentum != 0) g->momentum = L->p.onecycle.max_momentum;
        break;
    case T_CosineAnnealingWarmRestarts:
        L->T_i = L->p.warm.T_0;
        L->T_cur = -1;
        break;
    case T_ReduceLROnPlateau:
        L->best = L->p.plateau.mode == 0 ? INF : -INF;
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
    st = t == T_CosineAnnealingWarmRestarts ? sl_leaf_step_zero(L, g) : sl_leaf_step(L, g);
    /* CyclicLR overrides base_lrs only after the base class's initial step */
    if (t == T_CyclicLR) L->base_lr = L->p.cyclic.base_lr;
    return st;
}

static double anneal(const sl_leaf *L, double start, double end, double pct)
{
    if (L->p.onecycle.anneal_strategy == 0) return end + (start - end) / 2.0 * (cos(SL_PI * pct) + 1);
    return (end - start) * pct + start;
}

/* OneCycleLR.get_lr */
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
                s_lr = i == 0 ? L->initial_lr : i == 1 ? L->max_lr : L->initial_lr;
                e_lr = i == 0 ? L->max_lr : i == 1 ? L->initial_lr : L->min_lr;
                s_m = i == 1 ? P->base_momentum : P->max_momentum;
                e_m = i == 0 ? P->base_momentum : P->max_momentum;
            } else {
                s_lr = i == 0 ? L->initial_lr : L->max_lr;
                e_lr = i == 0 ? L->max_lr : L->min_lr;
                s_m = i == 0 ? P->max_momentum : P->base_momentum;
                e_m = i == 0 ? P->base_momentum : P->max_momentum;
            }
            *lr = anneal(L, s_lr, e_lr, pct);
            if (P->cycle_momentum != 0) g->momentum = anneal(L, s_m, e_m, pct);
            break;
        }
        start_step = end_step;
    }
    return SL_STATUS_OK;
}

/* get_lr (chainable) or _get_closed_form_lr when closed is set. */
static sl_status leaf_get_lr(sl_leaf *L, sl_group *g, int closed, double *lr)
{
    const sl_sched_params *p = &L->p;
    double e = L->last_epoch, cur = g->lr, base = L->base_lr;
    *lr = cur;
    switch (L->type) {
    case T_LambdaLR:
        *lr = base * sl_formula_eval(&L->formula, e);
        break;
    case T_MultiplicativeLR:
        *lr = e > 0 ? cur * sl_formula_eval(&L->formula, e) : cur;
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
        double s = p->linear.start_factor, f = p->linear.end_factor, T = p->linear.total_iters;
        if (closed) *lr = base * (s + (f - s) * fmin(T, e) / T);
        else if (e == 0) *lr = cur * s;
        else if (e > T) *lr = cur;
        else *lr = cur * (1. + (f - s) / (T * s + (e - 1) * (f - s)));
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
        double T = p->cosine.T_max, eta = p->cosine.eta_min;
        if (closed) *lr = eta + (base - eta) * (1 + cos(SL_PI * e / T)) / 2;
        else if (e == 0) *lr = cur;
        else if (((long long)L->last_epoch - 1 - (long long)T) % (2 * (long long)T) == 0) *lr = cur + (base - eta) * (1 - cos(SL_PI / T)) / 2;
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
        *lr = base + (c->max_lr - base) * scale * fn;
        if (c->cycle_momentum != 0) g->momentum = c->max_momentum - (c->max_momentum - c->base_momentum) * scale * fn;
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
    if (!isfinite(*lr))
        return sl_fail(SL_STATUS_RANGE, sl_sched_name(L->type), NULL,
                       "learning rate is not finite (%s) at step %d; check the parameters", sl_num(*lr).s, L->last_epoch);
    return SL_STATUS_OK;
}

sl_status sl_leaf_lr(const sl_leaf *L, const sl_group *g, int closed, double *lr, double *momentum)
{
    sl_leaf l = *L;
    sl_group h = *g;
    sl_status st = leaf_get_lr(&l, &h, closed, lr);
    *momentum = h.momentum;
    return st;
}

void sl_leaf_plateau_step(sl_leaf *L, sl_group *g, double current)
{
    const sl_plateau_p *P = &L->p.plateau;
    int mode_max = P->mode != 0, abs_mode = P->threshold_mode != 0;
    double th = P->threshold;
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
    if (L->num_bad_epochs > P->patience) {
        double old_lr = g->lr, new_lr = fmax(old_lr * P->factor, P->min_lr);
        if (old_lr - new_lr > P->eps) g->lr = new_lr;
        L->cooldown_counter = (int)P->cooldown;
        L->num_bad_epochs = 0;
    }
}
