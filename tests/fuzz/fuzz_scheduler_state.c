/* libFuzzer target: saved scheduler states (untrusted bytes from a file or a
 * link). Odd first byte: the bytes are used as they are; even: the checksum is
 * made valid first, so the fuzzer also reaches the field validation behind it. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"
#include "schedules/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int fix = !(data[0] & 1);
    data++;
    size--;
    int n = (int)sizeof(sl_scheduler);
    unsigned char *buf = calloc(1, (size_t)n);
    memcpy(buf, data, size < (size_t)n ? size : (size_t)n);
    if (fix) {
        /* a well-formed header and checksum around the fuzzer's bytes */
        sl_scheduler raw;
        memcpy(&raw, buf, sizeof raw);
        raw.magic = SL_SCHED_MAGIC;
        raw.version = SL_SCHED_VERSION;
        raw.size = (uint32_t)n;
        sl_scheduler_state_save(&raw, buf);
    }
    sl_scheduler *s = NULL;
    if (sl_scheduler_restore(buf, fix ? n : (int)size, &s) == SL_STATUS_OK) {
        /* whatever restores steps to finite learning rates (a step may refuse, never produce NaN) */
        for (int k = 0; k < 100; k++) {
            sl_scheduler_step(s, 1.0 / (k + 1), 1);
            if (!isfinite(sl_scheduler_lr(s))) abort();
        }
        sl_scheduler_free(s);
    }
    free(buf);
    return 0;
}
