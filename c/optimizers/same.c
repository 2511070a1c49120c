/* Whether a restored optimizer is the one a spec makes: its kind, size, groups,
 * every group's hyper-parameters (by their registry names) and its scheduler's
 * spec. A trainer's restore asks this of the saved optimizer against the one its
 * config makes, so a checkpoint whose optimizer says lr 0.5 while its config
 * says 0.01 is refused naming optimizer.lr. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

/* The value of parameter p in h as text: a number, an int or a pair. */
static void value_text(const sl_param *p, const sl_hyper *h, char *buf, size_t cap)
{
    const char *at = (const char *)h + p->off;
    double d[2];
    int i;
    if (p->store == SL_STORE_I32) {
        memcpy(&i, at, 4);
        snprintf(buf, cap, "%d", i);
    } else if (p->store == SL_STORE_PAIR) {
        memcpy(d, at, 16);
        snprintf(buf, cap, "[%s, %s]", sl_num(d[0]).s, sl_num(d[1]).s);
    } else {
        memcpy(d, at, 8);
        snprintf(buf, cap, "%s", sl_num(d[0]).s);
    }
}

sl_status sl_optimizer_same_spec(const sl_optimizer *o, const sl_optimizer *want, const char *thing)
{
    if (o->type != want->type || o->n != want->n)
        return sl_fail(SL_STATUS_STATE, thing, "state", "holds an optimizer that is not its config's (%s over %d parameters, the config's %s over %d)",
                       sl_opt_name(o->type), o->n, sl_opt_name(want->type), want->n);
    if (o->n_groups != want->n_groups || o->n_ranges != want->n_ranges || memcmp(o->ranges, want->ranges, sizeof o->ranges))
        return sl_fail(SL_STATUS_STATE, thing, "optimizer.param_groups", "in the saved state are not its config's");
    const sl_kind *k = &sl_opt_kinds[o->type].head;
    for (int g = 0; g < o->n_groups; g++) {
        const sl_hyper *a = &o->group[g].h, *b = &want->group[g].h;
        for (int i = 0; i < k->n_params; i++) {
            const sl_param *p = &k->params[i];
            size_t n = p->store == SL_STORE_F64 ? 8 : p->store == SL_STORE_I32 ? 4 : p->store == SL_STORE_PAIR ? 16 : 0;
            if (!n || !memcmp((const char *)a + p->off, (const char *)b + p->off, n)) continue;
            char field[64], got[64], cfg[64];
            if (o->n_groups > 1) snprintf(field, sizeof field, "optimizer.param_groups[%d].%s", g, p->name);
            else snprintf(field, sizeof field, "optimizer.%s", p->name);
            value_text(p, a, got, sizeof got), value_text(p, b, cfg, sizeof cfg);
            return sl_fail(SL_STATUS_STATE, thing, field, "in the saved state is %s, its config's is %s", got, cfg);
        }
        if (memcmp(a, b, sizeof *a))
            return sl_fail(SL_STATUS_STATE, thing, "optimizer", "in the saved state has options (group %d) other than its config's", g);
    }
    if (o->has_scheduler != want->has_scheduler || o->momentum_from_scheduler != want->momentum_from_scheduler)
        return sl_fail(SL_STATUS_STATE, thing, "optimizer.scheduler", "in the saved state is %s, its config has %s",
                       o->has_scheduler ? "set" : "absent", want->has_scheduler ? "one" : "none");
    const char *f = o->has_scheduler ? sl_scheduler_differs(&o->sched, &want->sched) : NULL;
    if (f) {
        char field[64];
        snprintf(field, sizeof field, "optimizer.scheduler.%s", f);
        return sl_fail(SL_STATUS_STATE, thing, field, "in the saved state is not its config's");
    }
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
