/* libFuzzer target: trainer configs as they cross the JS seam (the config,
 * loss, optimizer and penalty texts), then a few steps, an evaluation of both
 * splits and a prediction with whatever was accepted.
 * Layout: [steps] then config, loss, optimizer and (optionally) penalty texts
 * separated by newlines. Inputs with numbers of five or more digits (or an
 * exponent) are skipped so that data sets and models stay small and runs fast. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 4096) return 0;
    int run = 0;
    for (size_t i = 1; i < size; i++) {
        int digit = data[i] >= '0' && data[i] <= '9';
        run = digit ? run + 1 : 0;
        if (run > 4 || ((data[i] == 'e' || data[i] == 'E') && i + 1 < size && (data[i + 1] == '-' || data[i + 1] == '+' ||
                                                                                (data[i + 1] >= '0' && data[i + 1] <= '9'))))
            return 0;
    }
    const char *part[4] = { NULL, NULL, NULL, NULL };
    int len[4] = { 0, 0, 0, 0 }, n = 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (n < 4 && p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        part[n] = p;
        len[n] = (int)((nl ? nl : end) - p);
        n++;
        if (!nl) break;
        p = nl + 1;
    }
    if (n < 3) return 0;
    sl_trainer *t = NULL;
    if (sl_trainer_create(part[0], len[0], NULL, part[1], len[1], part[2], len[2], part[3], len[3], NULL, 0, &t))
        return 0;
    if (sl_mlp_n_params(sl_trainer_model(t)) > 50000) {
        sl_trainer_free(t);
        return 0;
    }
    int k = 1 + data[0] % 16, done = 0;
    double *out = malloc(sizeof(double) * 3 * (size_t)k), ev[3];
    if (sl_trainer_run(t, k, out, &done) == SL_STATUS_OK) {
        if (done > k) abort();
        for (int i = 0; i < done; i++)
            if (!isfinite(out[3 * i])) abort(); /* the history never holds a non-finite loss */
    }
    sl_trainer_evaluate(t, 0, ev);
    sl_trainer_evaluate(t, 1, ev);
    sl_dataset *ds = sl_trainer_dataset(t);
    int rows = sl_dataset_n_samples(ds) < 3 ? sl_dataset_n_samples(ds) : 3;
    float *pred = malloc(sizeof(float) * (size_t)(rows * sl_trainer_n_out(t)) + 4);
    sl_trainer_predict(t, sl_dataset_X(ds), rows, pred);
    free(pred);
    free(out);
    sl_trainer_free(t);
    return 0;
}
