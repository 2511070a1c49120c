/* libFuzzer target: CSV text from outside (the page's import, the CLI, the JS
 * API all read it with sl_csv_parse). What parses is made a data set with the
 * last column as the target, as the page does, for each task: read as class
 * labels when it holds text, the other columns checked to be numbers. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

static void check_names(const char *s, int parts, int part_max)
{
    int n = 1;
    size_t len = strlen(s);
    for (const char *p = s; *p; p++) n += *p == '|';
    if (!(parts == 0 ? len == 0 : n == parts && len <= (size_t)parts * (size_t)(part_max + 1))) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    const char *text = (const char *)data;
    sl_csv *c = NULL;
    if (sl_csv_parse(text, (int)size, &c)) {
        if (c) abort(); /* nothing is kept on error */
        return 0;
    }
    int n = sl_csv_rows(c), d = sl_csv_cols(c) - 1;
    if (!(n >= 1 && d >= 0)) abort();
    if (c->header) check_names(sl_csv_names(c), d + 1, SL_CSV_MAX_NAME + 12);
    else check_names(sl_csv_names(c), 0, 0);
    const double *v = sl_csv_values(c);
    for (long i = 0; i < (long)n * (d + 1); i++) {
        int col = (int)(i % (d + 1));
        if (!(isfinite(v[i]) || (isnan(v[i]) && sl_csv_text_line(c, col)))) abort();
    }
    sl_status numbers = sl_csv_numbers(c, d);
    if (sl_csv_text_line(c, d)) {
        if (sl_csv_labels(c, text, (int)size, d, 0) == SL_STATUS_OK) {
            if (numbers) abort(); /* labels only when every other column holds numbers */
            int k = sl_csv_n_labels(c);
            if (k < 1 || k > SL_CSV_MAX_LABELS) abort();
            check_names(sl_csv_label_names(c), k, SL_CSV_MAX_NAME);
            for (int i = 0; i < n; i++) {
                double y = v[(size_t)i * (d + 1) + d];
                if (!(y >= 0 && y < k && floor(y) == y)) abort();
            }
        } else {
            if (sl_csv_n_labels(c)) abort();
            numbers = SL_STATUS_INVALID;
        }
    }
    if (d >= 1 && numbers == SL_STATUS_OK) {
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
