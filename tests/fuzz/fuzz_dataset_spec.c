/* libFuzzer target: data-set specs and explicit arrays as they cross the JS
 * seam, and the digits file. The first byte chooses the entry point; for
 * explicit arrays the next bytes choose the shape and values (with NaN,
 * infinities and values beyond float32), the rest is the options JSON. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

static double value(uint8_t b)
{
    switch (b % 16) {
    case 0: return NAN;
    case 1: return INFINITY;
    case 2: return 1e300;
    case 3: return 0.5;
    default: return (double)((int)b - 128) / 8.0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 4096) return 0;
    sl_dataset *ds = NULL;
    int mode = data[0] % 3;
    if (mode == 0) {
        /* spec text; big n_samples are capped by the spec's range, so keep the run short */
        if (sl_dataset_create((const char *)data + 1, (int)size - 1, &ds) == SL_STATUS_OK) {
            int n = sl_dataset_n_samples(ds), d = sl_dataset_n_features(ds), nt = sl_dataset_n_train(ds);
            if (n < 2 || d < 1 || nt < 1 || nt > n) abort();
            for (int i = 0; i < n * d; i++)
                if (!isfinite(sl_dataset_X(ds)[i])) abort();
            sl_dataset_free(ds);
        }
    } else if (mode == 1) {
        int n = 1 + data[1] % 40, d = 1 + data[2] % 6;
        double *X = malloc(sizeof(double) * (size_t)(n * d)), *y = malloc(sizeof(double) * (size_t)n);
        for (int i = 0; i < n * d; i++) X[i] = value(data[(size_t)(3 + i) % size]);
        for (int i = 0; i < n; i++) y[i] = data[3] & 1 ? value(data[(size_t)(5 + 3 * i) % size]) : (double)(data[(size_t)(7 + i) % size] % 5);
        size_t skip = size > 24 ? 24 : size;
        if (sl_dataset_from_arrays(X, n, d, y, (const char *)data + skip, (int)(size - skip), &ds) == SL_STATUS_OK) {
            for (int i = 0; i < n * d; i++)
                if (!isfinite(sl_dataset_X(ds)[i])) abort();
            sl_dataset_free(ds);
        }
        free(X);
        free(y);
    } else {
        (void)sl_data_digits_load(data + 1, (int)size - 1);
    }
    return 0;
}
