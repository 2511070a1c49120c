/* libFuzzer target: optimizer specs as they cross the JS seam (JSON text, with
 * an attached scheduler), then steps (LBFGS through a closure), a saved state
 * that must restore and continue identically, and a replay. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

static sl_status bowl(void *ctx, float *x, float *g, int n, double *loss)
{
    (void)ctx;
    double f = 0;
    for (int i = 0; i < n; i++) {
        g[i] = (float)(i + 1) * x[i] - 1.0f;
        f += 0.5 * (i + 1) * x[i] * x[i] - x[i];
    }
    *loss = f;
    return SL_STATUS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { N = 5 };
    sl_optimizer *o = NULL;
    if (size > 4096) return 0;
    if (sl_optimizer_create((const char *)data, (int)size, N, &o) != SL_STATUS_OK) return 0;
    float p[N] = { 1, -2, 0.5f, 3, 0 }, g[N];
    for (int k = 0; k < 40; k++) {
        for (int i = 0; i < N; i++) g[i] = (float)(((k * 31 + i * 7) % 11) - 5) / 3.0f;
        if (sl_optimizer_needs_closure(o)) sl_optimizer_step_closure(o, p, N, bowl, NULL, NULL, NULL);
        else sl_optimizer_step(o, p, g, N);
        if (sl_optimizer_needs_metric(o)) sl_optimizer_scheduler_step(o, (double)(k % 3));
    }
    int n = sl_optimizer_state_size(o);
    unsigned char *buf = malloc((size_t)n);
    sl_optimizer_state_save(o, buf);
    sl_optimizer *r = NULL;
    if (sl_optimizer_restore(buf, n, &r) != SL_STATUS_OK) {
        /* a state we wrote restores, unless the run overflowed into a value no spec can give */
        const char *m = sl_error_message();
        if (!strstr(m, "got NaN") && !strstr(m, "Infinity")) abort();
        sl_optimizer_free(o);
        free(buf);
        return 0;
    }
    float q[N];
    memcpy(q, p, sizeof p);
    sl_status a, b;
    if (sl_optimizer_needs_closure(o)) {
        a = sl_optimizer_step_closure(o, p, N, bowl, NULL, NULL, NULL);
        b = sl_optimizer_step_closure(r, q, N, bowl, NULL, NULL, NULL);
    } else {
        a = sl_optimizer_step(o, p, g, N);
        b = sl_optimizer_step(r, q, g, N);
    }
    if (a != b || memcmp(p, q, sizeof p) != 0) abort(); /* and continue identically */
    sl_optimizer_free(r);
    sl_optimizer_free(o);
    free(buf);
    float grads[3 * N] = { 0 }, out[3 * N];
    sl_optimizer_replay((const char *)data, (int)size, p, N, grads, 3, out);
    return 0;
}
