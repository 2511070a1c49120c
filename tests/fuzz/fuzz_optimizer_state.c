/* libFuzzer target: saved optimizer states from untrusted bytes. Whatever
 * restores must step to finite parameters; the first bytes choose which valid
 * state to damage so the fuzzer reaches past the header checks, and whether
 * the checksum is made valid again (a forged state), so it reaches the field
 * validation behind it. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"
#include "optimizers/internal.h"

static sl_status bowl(void *ctx, float *x, float *g, int n, double *loss)
{
    (void)ctx;
    double f = 0;
    for (int i = 0; i < n; i++) {
        g[i] = x[i] - 1.0f;
        f += 0.5 * (x[i] - 1.0) * (x[i] - 1.0);
    }
    *loss = f;
    return SL_STATUS_OK;
}

static const char *SPECS[] = {
    "{\"type\":\"SGD\",\"lr\":0.1,\"momentum\":0.9,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2}}",
    "{\"type\":\"Adam\",\"amsgrad\":true}",
    "{\"type\":\"LBFGS\",\"history_size\":3,\"line_search_fn\":\"strong_wolfe\"}",
    "{\"type\":\"Rprop\"}",
    "{\"type\":\"NAdam\",\"scheduler\":{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":100}}",
    "{\"type\":\"ASGD\",\"t0\":2,\"param_groups\":[{\"lr\":0.1},{}]}",
    "{\"type\":\"LARS\",\"param_groups\":[{},{\"lars_exclude\":true}],\"scheduler\":{\"type\":\"CyclicLR\",\"base_lr\":[0.1,0.2],\"max_lr\":1}}",
    "{\"type\":\"SWATS\",\"eps\":0.01,\"param_groups\":[{},{\"lr\":0.01}],\"scheduler\":{\"type\":\"LambdaLR\",\"lr_lambda\":[\"1\",\"0.9 ^ epoch\"]}}",
    /* a written rule: its text, names, values and program ride in the state and are rebuilt on restore */
    ("{\"type\":\"Custom\",\"hyper\":{\"lr\":0.1,\"mu\":0.9},\"state\":{\"v\":0,\"s\":1},\"update\":\"v = mu * v + g; s = 0.9 * s + 0.1 * g^2; p = p - lr * v / sqrt(s)\","
    "\"param_groups\":[{},{\"lr\":0.01}],\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2}}"),
};
static const double SIZES[2] = { 1, 2 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { N = 3 };
    if (size < 2) return 0;
    sl_optimizer *o = NULL, *r = NULL;
    int which = data[1] & 4 ? 8 : data[0] % 8; /* bit 2 of the second byte: the Custom rule */
    const char *spec = SPECS[which];
    if (which < 5 ? sl_optimizer_create(spec, (int)strlen(spec), N, &o) : sl_optimizer_create_groups(spec, (int)strlen(spec), SIZES, 2, &o))
        abort();
    float p[N] = { 2, -1, 0.5f }, g[N] = { 0.3f, -0.2f, 0.1f };
    for (int k = 0; k < 4; k++) {
        if (sl_optimizer_needs_closure(o)) sl_optimizer_step_closure(o, p, N, bowl, NULL, NULL, NULL);
        else sl_optimizer_step(o, p, g, N);
    }
    int n = sl_optimizer_state_size(o);
    unsigned char *buf = malloc((size_t)n);
    sl_optimizer_state_save(o, buf);
    /* overwrite bytes at fuzzer-chosen offsets, or use the input as the whole state */
    int len = n;
    if (data[1] & 1) {
        for (size_t i = 2; i + 2 < size; i += 3) buf[((size_t)data[i] << 8 | data[i + 1]) % (size_t)n] = data[i + 2];
        if (data[1] & 2) {
            /* forged: the checksum made valid over the damaged bytes (when the size field still fits) */
            sl_optimizer *f = (sl_optimizer *)buf;
            if (f->n_floats >= 0 && (size_t)f->n_floats <= ((size_t)n - sizeof *f) / 4) f->checksum = sl_opt_checksum(f);
        }
    } else {
        len = (int)(size - 2 < (size_t)n ? size - 2 : (size_t)n);
        memcpy(buf, data + 2, (size_t)len);
    }
    if (sl_optimizer_restore(buf, len, &r) == SL_STATUS_OK) {
        float q[N] = { 2, -1, 0.5f };
        for (int k = 0; k < 4; k++) {
            if (sl_optimizer_needs_closure(r)) sl_optimizer_step_closure(r, q, N, bowl, NULL, NULL, NULL);
            else sl_optimizer_step(r, q, g, N);
            if (!isfinite(sl_optimizer_lr(r))) abort();
        }
        sl_optimizer_free(r);
    }
    free(buf);
    sl_optimizer_free(o);
    return 0;
}
