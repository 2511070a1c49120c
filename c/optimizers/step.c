/* One optimizer.step() of the element-wise rules, group by group (PyTorch's
 * param_groups): each group's scalars as PyTorch 1.13 computes them (in double
 * where Python does, rounded to float32 where a float32 kernel takes them),
 * then the same pure loop of kernels.c over each of the group's ranges. LARS
 * (You, Gitman & Ginsburg 2017) and SWATS (Keskar & Socher 2017) follow their
 * papers' Algorithm 1; their per-group sums are taken in double in index
 * order, so the SIMD and scalar builds agree bit for bit. */
#include "internal.h"
#include "kernels.h"

#include <math.h>

/* ---- one step of each rule ---- */

#define EACH_RANGE(o, gi, r)                                                                                            \
    for (const sl_opt_range *r = (o)->ranges; r < (o)->ranges + (o)->n_ranges; r++)                                      \
        if (r->group == (gi))

double sl_opt_momentum_now(const sl_optimizer *o, int g, double own)
{
    return o->momentum_from_scheduler ? sl_scheduler_group_momentum(&o->sched, g) : own;
}

int sl_opt_group_of(const sl_optimizer *o, int i)
{
    for (int k = 0; k < o->n_ranges; k++)
        if (i >= o->ranges[k].offset && i < o->ranges[k].offset + o->ranges[k].count) return o->ranges[k].group;
    return 0;
}

/* Sums over a group in double, index order: ||w||^2, ||g||^2 (LARS). */
static void group_norms(const sl_optimizer *o, int gi, const float *w, const float *g, double *ww, double *gg)
{
    double a = 0, b = 0;
    EACH_RANGE(o, gi, r)
    for (int i = r->offset; i < r->offset + r->count; i++) {
        a += (double)w[i] * w[i];
        b += (double)g[i] * g[i];
    }
    *ww = a, *gg = b;
}

/* SWATS, Keskar & Socher 2017, Algorithm 1, for one group: Adam's step p_k =
 * -lr sqrt(1 - beta2^k) / (1 - beta1^k) m_k / (sqrt(a_k) + eps) (sl_opt_adam_update with
 * bc2_sqrt 1), then gamma_k = p'p / (-p'g), lambda_k = beta2 lambda + (1 - beta2) gamma_k,
 * and the switch when k > 1, p'g != 0, |lambda_k / (1 - beta2^k) - gamma_k| < eps and (our
 * addition) lambda_k > 0, with Lambda = lambda_k / (1 - beta2^k). In the SGD phase
 * v_k = beta1 v + g_k, x -= (1 - beta1) Lambda v_k (sl_opt_sgd_update), Lambda scaled by the
 * group's lr over its lr at the switch so that a scheduler still acts. */
static void swats_group(sl_optimizer *o, int gi, float *params, const float *grads, double step)
{
    sl_opt_group *G = &o->group[gi];
    const sl_hyper *h = &G->h;
    float *m = sl_opt_array(o, 0), *a = sl_opt_array(o, 1), *v = sl_opt_array(o, 2);
    double b1 = sl_opt_momentum_now(o, gi, h->betas[0]), b2 = h->betas[1], lr = G->lr;
    if (G->switched) {
        double rate = (1 - b1) * G->Lambda * (G->lr_at_switch > 0 ? lr / G->lr_at_switch : 1);
        sgd_k k = { (float)-rate, (float)b1, 1.0f, 0, 1, !G->buf_ready, 0, 0 };
        EACH_RANGE(o, gi, r) sl_opt_sgd_update(params + r->offset, v + r->offset, grads + r->offset, r->count, &k);
        G->buf_ready = 1;
        return;
    }
    double bc1 = 1 - pow(b1, step), bc2 = 1 - pow(b2, step);
    adam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), 0, 1, 1.0f, (float)h->eps, (float)-(lr * sqrt(bc2) / bc1),
                 0, 0, 0 };
    EACH_RANGE(o, gi, r) sl_opt_adam_update(params + r->offset, m + r->offset, a + r->offset, NULL, grads + r->offset, r->count, &k);
    /* the step just taken, element by element as the kernel computed it */
    double pp = 0, pg = 0;
    EACH_RANGE(o, gi, r)
    for (int i = r->offset; i < r->offset + r->count; i++) {
        float p = k.neg_step * m[i] / (sqrtf(a[i]) / k.bc2_sqrt + k.eps);
        pp += (double)p * p;
        pg += (double)p * grads[i];
    }
    if (pg == 0) return;
    double gamma = pp / -pg;
    G->gamma_k = gamma;
    G->lambda_k = b2 * G->lambda_k + (1 - b2) * gamma;
    G->estimate = G->lambda_k / bc2;
    if (step > 1 && G->lambda_k > 0 && fabs(G->estimate - gamma) < h->eps) {
        G->switched = 1;
        G->switch_step = step;
        G->Lambda = G->estimate;
        G->lr_at_switch = lr;
        G->buf_ready = 0; /* v_k = 0 */
    }
}

SL_COMPACT static void update_group(sl_optimizer *o, int gi, float *params, const float *grads, double step)
{
    sl_opt_group *G = &o->group[gi];
    const sl_hyper *h = &G->h;
    double lr = G->lr;
    float *a0 = sl_opt_array(o, 0), *a1 = sl_opt_array(o, 1), *a2 = sl_opt_array(o, 2);
#define ALL(call) EACH_RANGE(o, gi, r) call
#define P(x) ((x) + r->offset)
    switch (o->type) {
    case O_SGD: {
        double mom = sl_opt_momentum_now(o, gi, h->momentum);
        sgd_k k = { (float)-lr, (float)mom, (float)(1 - h->dampening), (float)h->weight_decay, mom != 0, !G->buf_ready,
                    h->nesterov, h->maximize };
        ALL(sl_opt_sgd_update(P(params), P(a0), P(grads), r->count, &k));
        if (mom != 0) G->buf_ready = 1;
        break;
    }
    case O_Adagrad: {
        double clr = lr / (1 + (step - 1) * h->lr_decay);
        adagrad_k k = { (float)-clr, (float)h->weight_decay, (float)h->eps, h->maximize };
        ALL(sl_opt_adagrad_update(P(params), P(a0), P(grads), r->count, &k));
        break;
    }
    case O_RMSprop: {
        double mom = sl_opt_momentum_now(o, gi, h->momentum);
        rmsprop_k k = { (float)-lr, (float)h->alpha, (float)(1 - h->alpha), (float)h->eps, (float)h->weight_decay,
                        (float)mom, h->centered, mom > 0, h->maximize };
        ALL(sl_opt_rmsprop_update(P(params), P(a0), P(a1), P(a2), P(grads), r->count, &k));
        break;
    }
    case O_Adadelta: {
        adadelta_k k = { (float)-lr, (float)h->rho, (float)(1 - h->rho), (float)h->eps, (float)h->weight_decay, h->maximize };
        ALL(sl_opt_adadelta_update(P(params), P(a0), P(a1), P(grads), r->count, &k));
        break;
    }
    case O_Adam:
    case O_AdamW: {
        double b1 = sl_opt_momentum_now(o, gi, h->betas[0]), b2 = h->betas[1];
        double bc1 = h->bias_correction ? 1 - pow(b1, step) : 1, bc2 = h->bias_correction ? 1 - pow(b2, step) : 1;
        adam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay,
                     (float)(1 - lr * h->weight_decay), (float)sqrt(bc2), (float)h->eps, (float)-(lr / bc1),
                     h->amsgrad, h->maximize, o->type == O_AdamW };
        ALL(sl_opt_adam_update(P(params), P(a0), P(a1), P(a2), P(grads), r->count, &k));
        break;
    }
    case O_Adamax: {
        double b1 = sl_opt_momentum_now(o, gi, h->betas[0]);
        adamax_k k = { (float)b1, (float)(1 - b1), (float)h->betas[1], (float)h->eps, (float)h->weight_decay,
                       (float)-(lr / (1 - pow(b1, step))), h->maximize };
        ALL(sl_opt_adamax_update(P(params), P(a0), P(a1), P(grads), r->count, &k));
        break;
    }
    case O_NAdam: {
        double b1 = sl_opt_momentum_now(o, gi, h->betas[0]), b2 = h->betas[1];
        double bc2 = 1 - pow(b2, step);
        double mu = b1 * (1. - 0.5 * pow(0.96, step * h->momentum_decay));
        double mu_next = b1 * (1. - 0.5 * pow(0.96, (step + 1) * h->momentum_decay));
        G->mu_product = G->mu_product * (float)mu;
        float mu_product_next = G->mu_product * (float)mu * (float)mu_next;
        nadam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay, (float)bc2,
                      (float)h->eps, (float)(-lr * (1. - mu) / (1. - (double)G->mu_product)),
                      (float)(-lr * mu_next / (1. - (double)mu_product_next)) };
        ALL(sl_opt_nadam_update(P(params), P(a0), P(a1), P(grads), r->count, &k));
        break;
    }
    case O_RAdam: {
        double b1 = sl_opt_momentum_now(o, gi, h->betas[0]), b2 = h->betas[1];
        double bc1 = 1 - pow(b1, step), bc2 = 1 - pow(b2, step);
        double rho_inf = 2 / (1 - b2) - 1;
        double rho_t = rho_inf - 2 * step * pow(b2, step) / bc2;
        double rect = rho_t > 5. ? sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) : 0;
        radam_k k = { (float)b1, (float)(1 - b1), (float)b2, (float)(1 - b2), (float)h->weight_decay, (float)bc1,
                      (float)lr, (float)sqrt(bc2), (float)h->eps, (float)rect, rho_t > 5. };
        ALL(sl_opt_radam_update(P(params), P(a0), P(a1), P(grads), r->count, &k));
        break;
    }
    case O_Rprop: {
        if (o->steps == 0) {
            float v = (float)lr;
            ALL(for (int i = 0; i < r->count; i++) P(a1)[i] = v);
        }
        rprop_k k = { (float)h->etas[0], (float)h->etas[1], (float)h->step_sizes[0], (float)h->step_sizes[1], h->maximize };
        ALL(sl_opt_rprop_update(P(params), P(a0), P(a1), P(grads), r->count, &k));
        break;
    }
    case O_DeltaBarDelta: {
        dbd_k k = { (float)-lr, (float)h->beta, (float)(1 - h->beta), (float)h->min_gain, (float)h->max_gain };
        ALL(sl_opt_dbd_update(P(params), P(a0), P(a1), P(grads), r->count, &k));
        break;
    }
    case O_ASGD: {
        /* state['eta'] starts as the lr of the first step; eta and mu are float32 tensors */
        if (o->steps == 0) G->eta = (float)lr, G->mu = 1.0f;
        asgd_k k = { (float)(1 - h->lambd * (double)G->eta), (float)-(double)G->eta, (float)h->weight_decay, G->mu, h->maximize,
                     G->mu == 1.0f };
        ALL(sl_opt_asgd_update(P(params), P(a0), P(grads), r->count, &k));
        G->eta = (float)(lr / pow(1 + h->lambd * lr * step, h->alpha));
        G->mu = (float)(1 / fmax(1, step - h->t0));
        break;
    }
    case O_LARS: {
        /* the local rate lambda = eta ||w|| / (||grad|| + beta ||w||) of the weights before the step;
         * 1 when ||w|| or ||grad|| is 0 (nothing to scale by) and for excluded groups */
        double ww, gg, lambda = 1;
        group_norms(o, gi, params, grads, &ww, &gg);
        if (!h->lars_exclude && ww > 0 && gg > 0) lambda = h->trust_coefficient * sqrt(ww) / (sqrt(gg) + h->weight_decay * sqrt(ww));
        G->trust_ratio = lambda;
        double mom = sl_opt_momentum_now(o, gi, h->momentum);
        lars_k k = { (float)mom, (float)(lr * lambda), (float)h->weight_decay };
        ALL(sl_opt_lars_update(P(params), P(a0), P(grads), r->count, &k));
        G->buf_ready = 1;
        break;
    }
    case O_SWATS:
        swats_group(o, gi, params, grads, step);
        break;
    case O_Custom:
        sl_custom_update(o, gi, params, grads, step);
        break;
    }
#undef ALL
#undef P
}

void sl_opt_update(sl_optimizer *o, float *params, const float *grads)
{
    double step = o->steps + 1;
    for (int gi = 0; gi < o->n_groups; gi++) {
        update_group(o, gi, params, grads, step);
        o->group[gi].last_lr = o->group[gi].lr;
    }
    o->steps = step;
}
