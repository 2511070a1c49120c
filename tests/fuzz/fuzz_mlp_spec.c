/* libFuzzer target: model specs (explicit weights included) as they cross the
 * JS seam, then a forward and backward pass of whatever was accepted, on a
 * batch size and inputs taken from the bytes, directly and through
 * sl_mlp_pass (lab.mlpForward's entry), then a saved state of it damaged by
 * the bytes (its checksum made to match when the batch byte's high bit is
 * set) and restored.
 * Layout: [batch] then the spec text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096) return 0;
    int batch = 1 + data[0] % 9;
    sl_mlp *m = NULL;
    sl_mlp_work *w = NULL;
    if (sl_mlp_create_spec((const char *)data + 1, (int)size - 1, &m) != SL_STATUS_OK) return 0;
    /* keep runs short: skip models too big to pass through quickly */
    if (sl_mlp_n_params(m) > 200000 || sl_mlp_work_create(m, batch, &w) != SL_STATUS_OK) {
        sl_mlp_free(m);
        return 0;
    }
    int n_in = m->sizes[0], n_out = m->sizes[m->n_layers];
    float *X = malloc(sizeof(float) * (size_t)(batch * n_in)), *d = malloc(sizeof(float) * (size_t)(batch * n_out));
    for (int i = 0; i < batch * n_in; i++) X[i] = (float)((int)data[(size_t)i % size] - 128) / 16.0f;
    for (int i = 0; i < batch * n_out; i++) d[i] = (float)((int)data[(size_t)(i * 7) % size] - 128) / 64.0f;
    if (!sl_mlp_forward(m, w, X, batch)) abort();
    sl_mlp_backward(m, w, X, d);
    if (sl_mlp_forward(m, w, X, batch + w->cap) != NULL) abort();
    float *o = malloc(sizeof(float) * (size_t)(batch * n_out));
    if (sl_mlp_pass(m, X, batch, data[0] & 64 ? d : NULL, o) != SL_STATUS_OK) abort();
    if (sl_mlp_pass(m, X, batch + 0.5, NULL, o) == SL_STATUS_OK || sl_mlp_pass(m, X, -(double)batch, NULL, o) == SL_STATUS_OK) abort();
    free(o);
    int len = sl_mlp_state_size(m);
    unsigned char *buf = malloc((size_t)len);
    sl_mlp_state_save(m, buf);
    for (size_t i = 1; i + 1 < size && i < 64; i += 2) buf[data[i] % (unsigned)(len < 300 ? len : 300)] ^= data[i + 1];
    if (data[0] & 128) {
        uint32_t h = 2166136261u;
        for (int i = 0; i < len; i++) h = (h ^ (i >= 12 && i < 16 ? 0 : buf[i])) * 16777619u;
        memcpy(buf + 12, &h, 4);
    }
    sl_mlp *r = NULL;
    if (sl_mlp_restore(buf, len, &r) == SL_STATUS_OK) {
        if (!sl_mlp_forward(r, w, X, batch)) abort();
        sl_mlp_free(r);
    }
    free(buf);
    free(X);
    free(d);
    sl_mlp_work_free(w);
    sl_mlp_free(m);
    return 0;
}
