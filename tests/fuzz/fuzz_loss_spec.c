/* libFuzzer target: loss specs as they cross the JS seam, then evaluation of
 * whatever was accepted on inputs, targets and shapes taken from the bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* layout: [n][c][n_target selector] then the spec text */
    if (size < 3 || size > 4096) return 0;
    int n = 1 + data[0] % 6, c = 1 + data[1] % 5, sel = data[2] % 3;
    sl_loss *L = NULL;
    if (sl_loss_create((const char *)data + 3, (int)size - 3, &L) != SL_STATUS_OK) return 0;
    int n_target = sel == 0 ? n * c : sel == 1 ? n : -1;
    float x[3][30], g[3][30], t[30];
    for (int i = 0; i < 30; i++) {
        unsigned b = data[(size_t)(i + 3) % size];
        x[0][i] = (float)((int)b - 128) / 16.0f;
        x[1][i] = (float)((int)(b * 7 % 256) - 128) / 32.0f;
        x[2][i] = (float)((int)(b * 13 % 256) - 128) / 8.0f;
        t[i] = sel == 1 ? (float)(b % (unsigned)(c + 1)) - (b & 1 ? 0.0f : 1.0f) : (float)(b % 2);
    }
    int count = sl_loss_value_count(L, n, c, n_target);
    double *values = malloc(sizeof(double) * (size_t)(count > 0 ? count : 1));
    (void)sl_loss_eval(L, x[0], x[1], x[2], t, n, c, n_target, g[0], g[1], g[2], values);
    free(values);
    sl_loss_free(L);
    return 0;
}
