/* Module-level entry points: version, SIMD flag, the registries as JSON and
 * scratch allocation for the JS seam. */
#include "steplab.h"

#include <stdlib.h>
#include <string.h>

#include "base/simd.h"

const char *sl_version(void) { return STEPLAB_VERSION; }
int sl_simd(void) { return SL_SIMD; }

void *sl_alloc(int bytes) { return bytes > 0 ? malloc((size_t)bytes) : NULL; }
void sl_free(void *p) { free(p); }

static int add_family(char **buf, int len, int *cap, const char *name, int (*fn)(char **, int, int *))
{
    if (len < 0) return -1;
    size_t need = strlen(name) + 8;
    if ((size_t)(*cap - len) < need + 1) {
        int ncap = *cap * 2 + (int)need + 64;
        char *nb = realloc(*buf, (size_t)ncap);
        if (!nb) return -1;
        *buf = nb;
        *cap = ncap;
    }
    len += (int)strlen(strcpy(*buf + len, len > 1 ? ",\"" : "\""));
    len += (int)strlen(strcpy(*buf + len, name));
    len += (int)strlen(strcpy(*buf + len, "\":"));
    return fn(buf, len, cap);
}

const char *sl_registry_json(void)
{
    static char *cached;
    if (cached) return cached;
    char *buf = malloc(64);
    int cap = 64, len = 1;
    if (!buf) return "{}";
    buf[0] = '{';
    len = add_family(&buf, len, &cap, "schedulers", sl_schedulers_json);
    len = add_family(&buf, len, &cap, "losses", sl_losses_json);
    len = add_family(&buf, len, &cap, "optimizers", sl_optimizers_json);
    len = add_family(&buf, len, &cap, "surfaces", sl_surfaces_json);
    len = add_family(&buf, len, &cap, "datasets", sl_datasets_json);
    len = add_family(&buf, len, &cap, "trainer", sl_trainer_json);
    if (len < 0 || len + 2 > cap) {
        char *nb = len < 0 ? NULL : realloc(buf, (size_t)len + 2);
        if (!nb) {
            free(buf);
            return "{}";
        }
        buf = nb;
    }
    buf[len++] = '}';
    buf[len] = 0;
    cached = buf;
    return cached;
}
