/* libFuzzer target: scheduler specs as they cross the JS seam (JSON text),
 * then stepping, saving and restoring whatever was accepted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

/* Three parameter groups: list-valued parameters of three, stepping, a state that restores and continues. */
static void groups(const uint8_t *data, size_t size)
{
    sl_scheduler *s = NULL, *r = NULL;
    double *out = NULL;
    int n = (int)sizeof(sl_scheduler);
    unsigned char *buf;
    static const double lrs[3] = { 0.1, 0.01, 0 };
    if (sl_scheduler_create_groups((const char *)data, (int)size, lrs, 3, &s) == SL_STATUS_OK) {
        for (int k = 0; k < 100; k++) sl_scheduler_step(s, (double)((k * 31) % 7) / 7.0, 1);
        buf = malloc((size_t)n);
        sl_scheduler_state_save(s, buf);
        r = NULL;
        if (sl_scheduler_restore(buf, n, &r) != SL_STATUS_OK) abort();
        if (sl_scheduler_step(r, 0.5, 1) != sl_scheduler_step(s, 0.5, 1)) abort();
        if (memcmp(r->group, s->group, sizeof r->group) != 0) abort();
        sl_scheduler_free(r);
        sl_scheduler_free(s);
        free(buf);
    }
    if (sl_schedule_run((const char *)data, (int)size, 64, NULL, 0, lrs, 3, &out) == SL_STATUS_OK) free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_scheduler *s = NULL;
    if (size > 4096) return 0;
    groups(data, size);
    if (sl_scheduler_create((const char *)data, (int)size, &s) != SL_STATUS_OK) return 0;
    for (int k = 0; k < 300; k++) {
        double metric = (double)((k * 7919) % 13) / 13.0;
        sl_scheduler_step(s, metric, 1);
    }
    int n = sl_scheduler_state_size(s);
    unsigned char *buf = malloc((size_t)n);
    sl_scheduler_state_save(s, buf);
    sl_scheduler *r = NULL;
    if (sl_scheduler_restore(buf, n, &r) != SL_STATUS_OK) abort(); /* a state we wrote must restore */
    if (sl_scheduler_step(r, 0.5, 1) != sl_scheduler_step(s, 0.5, 1)) abort();
    if (memcmp(r->group, s->group, sizeof r->group) != 0) abort(); /* and continue identically */
    sl_scheduler_free(r);
    sl_scheduler_free(s);
    free(buf);
    double *out = NULL;
    if (sl_schedule_run((const char *)data, (int)size, 64, NULL, 0, NULL, 0, &out) == SL_STATUS_OK) free(out);
    return 0;
}
