/* What the optimizers keep, for looking inside one (the trainer's inspect(),
 * the race's per-coordinate view): the running first and second moments, and
 * the mean per-element step size of the last step, following the update rules
 * of kernels.c element by element in double. */
#include "internal.h"

#include <math.h>

const float *sl_optimizer_moment(sl_optimizer *o, int k)
{
    const sl_hyper *h = &o->h;
    switch (o->type) {
    case O_SGD: return k == 0 && o->buf_ready ? sl_opt_array(o, 0) : NULL;
    case O_Adagrad: return k == 1 ? sl_opt_array(o, 0) : NULL;
    case O_RMSprop: return k == 1 ? sl_opt_array(o, 0) : sl_opt_momentum_now(o, h->momentum) > 0 ? sl_opt_array(o, 2) : NULL;
    case O_Adadelta: return k == 1 ? sl_opt_array(o, 0) : NULL;
    case O_Adam: case O_AdamW: case O_Adamax: case O_NAdam: case O_RAdam: return sl_opt_array(o, k);
    default: return NULL;
    }
}

/* The second moment is read as the last step divided by it. */
SL_COMPACT double sl_optimizer_step_size(sl_optimizer *o, double lr, int lo, int hi)
{
    const sl_hyper *h = &o->h;
    double t = o->steps, s = 0, b2 = h->betas[1], bc2 = 1 - pow(b2, t), rect = 1;
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

