/* libFuzzer target: model specs as they cross the JS seam, then a forward and
 * backward pass of whatever was accepted, on a batch size and inputs taken
 * from the bytes. Layout: [batch] then the spec text. */
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
    free(X);
    free(d);
    sl_mlp_work_free(w);
    sl_mlp_free(m);
    return 0;
}
