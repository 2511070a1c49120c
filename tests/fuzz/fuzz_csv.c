/* libFuzzer target: CSV text from outside (the page's import, the CLI, the JS
 * API all read it with sl_csv_parse). What parses is made a data set with the
 * last column as the target, as the page does, for each task. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    sl_csv *c = NULL;
    if (sl_csv_parse((const char *)data, (int)size, &c)) {
        if (c) abort(); /* nothing is kept on error */
        return 0;
    }
    int n = sl_csv_rows(c), d = sl_csv_cols(c) - 1;
    const double *v = sl_csv_values(c);
    if (!(n >= 1 && d >= 0 && strlen(sl_csv_names(c)) < (size_t)(d + 1) * 65 + 1)) abort();
    for (long i = 0; i < (long)n * (d + 1); i++)
        if (!isfinite(v[i])) abort();
    if (d >= 1) {
        double *X = malloc(sizeof(double) * (size_t)n * (size_t)d), *y = malloc(sizeof(double) * (size_t)n);
        for (int i = 0; i < n; i++) {
            memcpy(X + (size_t)i * d, v + (size_t)i * (d + 1), sizeof(double) * (size_t)d);
            y[i] = v[(size_t)i * (d + 1) + d];
        }
        static const char *opts[3] = { "{\"task\":\"binary\"}", "{\"task\":\"multiclass\",\"val_fraction\":0.3}", "{\"task\":\"regression\"}" };
        for (int t = 0; t < 3; t++) {
            sl_dataset *ds = NULL;
            if (sl_dataset_from_arrays(X, n, d, y, opts[t], (int)strlen(opts[t]), &ds) == SL_STATUS_OK) sl_dataset_free(ds);
        }
        free(X);
        free(y);
    }
    sl_csv_free(c);
    return 0;
}
