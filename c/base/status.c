/* The one error formatter: every message has the shape "thing: field text". */
#include "status.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cold code (parsing, validation, messages): compiled for size. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static char g_message[600];
static char g_thing[64];
static char g_field[64];

static void copy_bounded(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) n = cap - 1;
    if (n) memcpy(dst, src, n);
    dst[n] = 0;
}

sl_status sl_fail(sl_status st, const char *thing, const char *field, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    copy_bounded(g_thing, sizeof g_thing, thing);
    copy_bounded(g_field, sizeof g_field, field);
    if (field && *field)
        snprintf(g_message, sizeof g_message, "%s: %s %s", g_thing, g_field, text);
    else
        snprintf(g_message, sizeof g_message, "%s: %s", g_thing, text);
    return st;
}

const char *sl_error_message(void) { return g_message; }
const char *sl_error_thing(void) { return g_thing; }
const char *sl_error_field(void) { return g_field; }

void sl_error_clear(void)
{
    g_message[0] = g_thing[0] = g_field[0] = 0;
}

sl_numtext sl_num(double v)
{
    sl_numtext t;
    if (isnan(v)) { strcpy(t.s, "NaN"); return t; }
    if (isinf(v)) { strcpy(t.s, v > 0 ? "Infinity" : "-Infinity"); return t; }
    if (v == 0) { strcpy(t.s, "0"); return t; }
    /* shortest digits that read back to v, then JavaScript's Number#toString layout */
    char e[40];
    for (int prec = 0; prec <= 16; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, v);
        if (strtod(e, NULL) == v) break;
    }
    char digits[24];
    int nd = 0, neg = e[0] == '-';
    const char *c = e + neg;
    for (; *c && *c != 'e'; c++)
        if (*c != '.') digits[nd++] = *c;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    int n = atoi(c + 1) + 1; /* position of the decimal point */
    char *o = t.s;
    if (neg) *o++ = '-';
    if (nd <= n && n <= 21) {
        o += sprintf(o, "%s", digits);
        for (int k = nd; k < n; k++) *o++ = '0';
        *o = 0;
    } else if (0 < n && n <= 21) {
        sprintf(o, "%.*s.%s", n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        o += sprintf(o, "0.");
        for (int k = 0; k < -n; k++) *o++ = '0';
        sprintf(o, "%s", digits);
    } else {
        snprintf(o, sizeof t.s - (size_t)(o - t.s), "%c%s%se%c%d", digits[0], nd > 1 ? "." : "", digits + 1,
                 n - 1 >= 0 ? '+' : '-', abs(n - 1) % 1000);
    }
    return t;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
