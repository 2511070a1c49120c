/* A tiny check header for the native C tests (run under ASan + UBSan).
 * Each test file defines `void test_<area>(void)` and test_main.c calls it. */
#ifndef SL_CHECK_H
#define SL_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int sl_checks_passed, sl_checks_failed;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (cond) sl_checks_passed++;                                                   \
        else {                                                                          \
            sl_checks_failed++;                                                         \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                      \
        }                                                                               \
    } while (0)

#define CHECK_NEAR(a, b, rel)                                                           \
    do {                                                                                \
        double a_ = (a), b_ = (b);                                                      \
        double d_ = fabs(a_ - b_) / fmax(fabs(b_), 1e-300);                             \
        if (d_ <= (rel) || a_ == b_) sl_checks_passed++;                                \
        else {                                                                          \
            sl_checks_failed++;                                                         \
            printf("FAIL %s:%d: %s = %.17g, expected %s = %.17g (rel %.3g)\n", __FILE__, \
                   __LINE__, #a, a_, #b, b_, d_);                                       \
        }                                                                               \
    } while (0)

/* checks that a call failed with `status` and that its message contains `text` */
#define CHECK_ERR(call, status, text)                                                   \
    do {                                                                                \
        sl_status st_ = (call);                                                         \
        const char *m_ = sl_error_message();                                            \
        if (st_ == (status) && strstr(m_, (text))) sl_checks_passed++;                  \
        else {                                                                          \
            sl_checks_failed++;                                                         \
            printf("FAIL %s:%d: %s gave status %d '%s', expected %d containing '%s'\n", \
                   __FILE__, __LINE__, #call, (int)st_, m_, (int)(status), (text));     \
        }                                                                               \
    } while (0)

#endif
