/* libFuzzer target: data-set specs and explicit arrays as they cross the JS
 * seam, the digits file, and saved data-set states. The first byte chooses the
 * entry point; for explicit arrays the next bytes choose the shape and values
 * (with NaN, infinities and values beyond float32), the rest is the options
 * JSON; for states, the bytes overwrite parts of a real saved state whose
 * checksum is then made to match, so that the layout and value checks run. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

static uint32_t sum_state(const unsigned char *p, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++) h = (h ^ (i - 12 < 4 ? 0 : p[i])) * 16777619u; /* checksum field at 12 read as 0 */
    return h;
}

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
    int mode = data[0] % 4;
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
    } else if (mode == 2) {
        (void)sl_data_digits_load(data + 1, (int)size - 1);
    } else {
        const char *spec = data[1] & 1 ? "{\"name\":\"sine\",\"n_samples\":12}" : "{\"name\":\"blobs\",\"n_samples\":12,\"centers\":3}";
        sl_dataset *src = NULL;
        if (sl_dataset_create(spec, (int)strlen(spec), &src)) abort();
        int len = sl_dataset_state_size(src);
        unsigned char *buf = malloc((size_t)len);
        sl_dataset_state_save(src, buf);
        for (size_t i = 2; i + 1 < size; i += 2) buf[data[i] % (unsigned)len] = data[i + 1];
        if (data[1] & 2) {
            uint32_t c = sum_state(buf, (size_t)len);
            memcpy(buf + 12, &c, 4);
        }
        if (sl_dataset_restore(buf, len - (data[1] & 4 ? 1 : 0), &ds) == SL_STATUS_OK) sl_dataset_free(ds);
        free(buf);
        sl_dataset_free(src);
    }
    return 0;
}
