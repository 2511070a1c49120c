/* Whether two schedulers were made from the same spec: the parameters,
 * per-group values, formulas and milestones construction reads, not the
 * state stepping changes. A trainer's restore compares the saved optimizer's
 * scheduler with the one its config makes, so a checkpoint whose scheduler
 * says step_size 2 while its config says 30 is refused naming step_size. */
#include "internal.h"

#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

/* The first registry parameter of leaf type t whose stored value differs, or NULL. */
static const char *differing_param(int t, const sl_sched_params *a, const sl_sched_params *b)
{
    const sl_kind *k = &sl_sched_kinds[t].head;
    for (int i = 0; i < k->n_params; i++) {
        const sl_param *p = &k->params[i];
        size_t n = p->store == SL_STORE_F64 ? 8 : p->store == SL_STORE_F32 || p->store == SL_STORE_I32 ? 4 : p->store == SL_STORE_PAIR ? 16 : 0;
        if (n && memcmp((const char *)a + p->off, (const char *)b + p->off, n)) return p->name;
    }
    return memcmp(a, b, sizeof *a) ? k->name : NULL;
}

#define DIFF(m) memcmp(&A->m, &B->m, sizeof A->m)

const char *sl_scheduler_differs(const sl_scheduler *a, const sl_scheduler *b)
{
    if (a->type != b->type || a->n_leaves != b->n_leaves) return "type";
    if (a->n_groups != b->n_groups) return "groups";
    if (memcmp(a->lr0, b->lr0, sizeof a->lr0)) return "lr";
    if (a->n_milestones != b->n_milestones || memcmp(a->milestones, b->milestones, sizeof a->milestones)) return "milestones";
    if (a->n_formulas != b->n_formulas || memcmp(a->formulas, b->formulas, sizeof a->formulas)) return "lr_lambda";
    for (int i = 0; i < a->n_leaves; i++) {
        const sl_leaf *A = &a->leaf[i], *B = &b->leaf[i];
        if (A->type != B->type) return "schedulers";
        const char *f = differing_param(A->type, &A->p, &B->p);
        if (f) return f;
        if (A->n_milestones != B->n_milestones || DIFF(milestones)) return "milestones";
        for (int g = 0; g < SL_MAX_GROUPS; g++) {
            const sl_leaf_group *x = &A->g[g], *y = &B->g[g];
            if (A->type == T_CyclicLR && x->base_lr != y->base_lr) return "base_lr";
            if (memcmp(&x->max_lr, &y->max_lr, sizeof x->max_lr)) return "max_lr";
            if (memcmp(&x->base_momentum, &y->base_momentum, sizeof x->base_momentum)) return "base_momentum";
            if (memcmp(&x->max_momentum, &y->max_momentum, sizeof x->max_momentum)) return "max_momentum";
            if (memcmp(&x->min_lr, &y->min_lr, sizeof x->min_lr)) return "min_lr";
            if (x->lambda != y->lambda) return "lr_lambda";
        }
    }
    return NULL;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
