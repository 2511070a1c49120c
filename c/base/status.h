/* Status codes and the one error formatter every fallible entry point uses.
 * Errors are values: nothing in the core calls exit or abort. The last error's
 * message, thing (the scheduler, optimizer or loss name) and field are kept in
 * static buffers that the JS seam reads after a non-zero status. */
#ifndef SL_STATUS_H
#define SL_STATUS_H

#include <stddef.h>

typedef enum {
    SL_STATUS_OK = 0,
    SL_STATUS_INVALID = 1,      /* a parameter or argument is out of its range or of the wrong kind */
    SL_STATUS_UNKNOWN_TYPE = 2, /* the spec names no known scheduler, optimizer, loss, ... */
    SL_STATUS_PARSE = 3,        /* a spec or formula does not parse */
    SL_STATUS_NOMEM = 4,        /* an allocation failed or a size is beyond the documented cap */
    SL_STATUS_RANGE = 5,        /* a run left its domain: stepped past its end, non-finite result */
    SL_STATUS_STATE = 6         /* a saved state is truncated, corrupted or of another version */
} sl_status;

/* Records the error "thing: field <message>" (or "thing: <message>" when
 * field is NULL or empty) and returns st, so callers write
 * `return sl_fail(SL_STATUS_INVALID, "StepLR", "gamma", "must be > 0, got %s", num)`. */
sl_status sl_fail(sl_status st, const char *thing, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

const char *sl_error_message(void);
const char *sl_error_thing(void);
const char *sl_error_field(void);
void sl_error_clear(void);

/* Formats a double the way JavaScript prints it (shortest text that reads
 * back to the same double; Infinity, -Infinity, NaN) into buf, returns buf. */
/* pi, since strict C11 has no M_PI */
#define SL_PI 3.14159265358979323846

/* Code that runs once per call (parsing, validation, set-up) is compiled for size (clang's
 * minsize: no loop unswitching, less inlining); the kernels' loops stay
 * explicit SIMD, so they lose nothing measurable and the module stays small. */
#if defined(__clang__)
#define SL_COMPACT __attribute__((minsize))
#else
#define SL_COMPACT
#endif

typedef struct { char s[48]; } sl_numtext;
sl_numtext sl_num(double v);

#endif
