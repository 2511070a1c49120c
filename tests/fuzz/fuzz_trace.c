/* libFuzzer target: lab.trace and lab.landscape inputs: the first bytes pick the
 * surface, start, step count and noise, the rest is the optimizer spec. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

static const char *SURFACES[] = { "{\"type\":\"rosenbrock\"}", "{\"type\":\"beale\"}", "{\"type\":\"saddle\"}",
                                  "{\"type\":\"rastrigin\"}", "{\"type\":\"six_hump_camel\",\"x\":1}",
                                  "{\"type\":\"quadratic\",\"a\":0,\"b\":1e6}" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6 || size > 4096) return 0;
    const char *s = SURFACES[data[0] % 6];
    double x0 = ((int)data[1] - 128) / 16.0, y0 = ((int)data[2] - 128) / 16.0;
    double steps = data[3] % 64, noise = data[4] / 32.0;
    if (data[5] == 255) x0 = INFINITY;
    sl_trace *t = NULL;
    if (sl_trace_run(s, (int)strlen(s), (const char *)data + 6, (int)size - 6, x0, y0, steps, noise, data[5], &t) ==
        SL_STATUS_OK) {
        for (int k = 0; k < t->count; k++)
            if (isnan(t->x[k]) || isnan(t->y[k]) || isnan(t->loss[k])) abort(); /* traces never hold NaN */
        sl_trace_free(t);
    }
    float grid[9 * 7];
    sl_landscape(s, (int)strlen(s), x0, x0 + 1 + data[4], y0, y0 + 2, 9, 7, grid);
    return 0;
}
