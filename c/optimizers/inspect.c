/* What the optimizers keep, for looking inside one (the trainer's inspect(),
 * the race's per-coordinate view): the running first and second moments, and
 * the mean per-element step size of the last step, following the update rules
 * of kernels.c element by element in double, each element with its group's
 * options. */
#include "internal.h"

#include <math.h>

const float *sl_optimizer_moment(sl_optimizer *o, int k)
{
    int any_buffer = 0, any_momentum = 0;
    for (int g = 0; g < o->n_groups; g++) {
        any_buffer |= o->group[g].buf_ready;
        any_momentum |= sl_opt_momentum_now(o, g, o->group[g].h.momentum) > 0;
    }
    switch (o->type) {
    case O_SGD: case O_LARS: return k == 0 && any_buffer ? sl_opt_array(o, 0) : NULL;
    case O_Adagrad: return k == 1 ? sl_opt_array(o, 0) : NULL;
    case O_RMSprop: return k == 1 ? sl_opt_array(o, 0) : any_momentum ? sl_opt_array(o, 2) : NULL;
    case O_Adadelta: return k == 1 ? sl_opt_array(o, 0) : NULL;
    case O_Adam: case O_AdamW: case O_Adamax: case O_NAdam: case O_RAdam: case O_SWATS: return sl_opt_array(o, k);
    default: return NULL;
    }
}

/* One element's step size at lr, with its group's options (the second moment read as the
 * last step divided by it). */
static double element(const sl_optimizer *o, const sl_opt_group *G, double lr, int i)
{
    const sl_hyper *h = &G->h;
    double t = o->steps, b2 = h->betas[1], bc2 = 1 - pow(b2, t), rect = 1;
    const float *a0 = sl_opt_carray(o, 0), *a1 = sl_opt_carray(o, 1), *a2 = sl_opt_carray(o, 2);
    if (o->type == O_RAdam) {
        double rho_inf = 2 / (1 - b2) - 1, rho_t = rho_inf - 2 * t * pow(b2, t) / bc2;
        if (rho_t <= 5.) return lr; /* unrectified: plain momentum SGD on m_hat */
        rect = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
    }
    if ((o->type == O_Adam || o->type == O_AdamW) && !h->bias_correction) bc2 = 1;
    double v = o->type == O_RMSprop || o->type == O_Adagrad || o->type == O_Adadelta ? a0[i] : a1[i];
    switch (o->type) {
    case O_SGD: return lr;
    case O_ASGD: return G->eta;
    case O_LARS: return lr * G->trust_ratio;
    case O_SWATS:
        if (G->switched) return (1 - h->betas[0]) * G->Lambda * (G->lr_at_switch > 0 ? lr / G->lr_at_switch : 1);
        return lr * sqrt(bc2) / (sqrt(v) + h->eps);
    case O_Adagrad: return lr / (1 + (t - 1) * h->lr_decay) / (sqrt(v) + h->eps);
    case O_RMSprop: return lr / (sqrt(h->centered ? v - (double)a1[i] * a1[i] : v) + h->eps);
    case O_Adadelta: return lr * sqrt(a1[i] + h->eps) / sqrt(v + h->eps);
    case O_Adam: case O_AdamW: return lr / (sqrt((h->amsgrad ? a2[i] : v) / bc2) + h->eps);
    case O_Adamax: return lr / v;
    case O_NAdam: case O_RAdam: return lr * rect / (sqrt(v / bc2) + h->eps);
    case O_Rprop: return a1[i];
    default: return lr * a0[i]; /* DeltaBarDelta */
    }
}

SL_COMPACT double sl_optimizer_step_size(sl_optimizer *o, double lr, int lo, int hi)
{
    if (o->steps < 1 || hi <= lo || o->type == O_LBFGS || o->type == O_Custom) return NAN; /* Custom: the rule is the user's */
    /* rules with one step size per group: that value itself, when [lo, hi) lies in one group */
    int g = sl_opt_group_of(o, lo), same = 1;
    for (int k = 0; k < o->n_ranges; k++) {
        const sl_opt_range *r = &o->ranges[k];
        if (r->group != g && r->offset < hi && r->offset + r->count > lo) same = 0;
    }
    const sl_opt_group *G0 = &o->group[g];
    if (same && (o->type == O_SGD || o->type == O_ASGD || o->type == O_LARS || (o->type == O_SWATS && G0->switched)))
        return element(o, G0, isnan(lr) ? G0->last_lr : lr, lo);
    double s = 0;
    for (int i = lo; i < hi; i++) {
        const sl_opt_group *G = &o->group[sl_opt_group_of(o, i)];
        s += element(o, G, isnan(lr) ? G->last_lr : lr, i);
    }
    return s / (hi - lo);
}
