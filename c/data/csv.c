/* The CSV reader of csv.h: two passes over the text, the first to count the
 * lines and read the first one, the second to fill one allocation. */
#include "csv.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cold code (parsing, validation, messages): compiled for size. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = "CSV";

#define NAME_MAX_LEN 64
#define FIELD_CAP 80

typedef struct {
    const char *p, *end;
    int line;
} cursor;

/* The next line that is neither blank nor a comment, as [*b, *e) without its
 * line end, and its 1-based number; 0 after the last one. */
static int next_line(cursor *c, const char **b, const char **e, int *line)
{
    while (c->p < c->end) {
        const char *s = c->p, *nl = memchr(s, '\n', (size_t)(c->end - s));
        const char *t = nl ? nl : c->end;
        c->p = nl ? nl + 1 : c->end;
        c->line++;
        if (t > s && t[-1] == '\r') t--;
        const char *q = s;
        while (q < t && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
        if (q == t || *q == '#') continue;
        *b = s;
        *e = t;
        *line = c->line;
        return 1;
    }
    return 0;
}

/* A short printable excerpt of a field for error messages. */
static const char *excerpt(const char *f, int n, char *buf)
{
    int k = 0;
    for (int i = 0; i < n && k < 24; i++) buf[k++] = f[i] >= 32 && f[i] < 127 ? f[i] : '?';
    if (n > 24) buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
    buf[k] = 0;
    return buf;
}

/* Reads the field at *p (up to the delimiter d or e) into buf (at most
 * FIELD_CAP - 1 bytes kept; *len is the full length), leaves *p after the
 * delimiter and sets *more when one was found. */
static sl_status read_field(const char **p, const char *e, char d, char *buf, int *len, int *more, int line, int col)
{
    const char *s = *p;
    int n = 0;
    while (s < e && *s == ' ') s++;
    if (s < e && *s == '"') {
        s++;
        for (;;) {
            if (s >= e) return sl_fail(SL_STATUS_PARSE, THING, NULL, "line %d, column %d: a quoted field is not closed", line, col);
            if (*s == '"') {
                if (s + 1 < e && s[1] == '"') s++;
                else break;
            }
            if (n < FIELD_CAP - 1) buf[n] = *s;
            n++;
            s++;
        }
        s++;
        while (s < e && *s == ' ') s++;
        if (s < e && *s != d)
            return sl_fail(SL_STATUS_PARSE, THING, NULL, "line %d, column %d: text after the closing quote", line, col);
    } else {
        const char *t = s;
        while (t < e && *t != d) t++;
        const char *u = t;
        while (u > s && u[-1] == ' ') u--;
        for (const char *q = s; q < u; q++, n++)
            if (n < FIELD_CAP - 1) buf[n] = *q;
        s = t;
    }
    buf[n < FIELD_CAP - 1 ? n : FIELD_CAP - 1] = 0;
    *len = n;
    *more = s < e;
    *p = s < e ? s + 1 : e;
    return SL_STATUS_OK;
}

/* A finite decimal number ([+-] digits [. digits] [e[+-]digits], at least one
 * digit before the exponent) into *v; 0 when the text is anything else. */
static int number(const char *f, int n, double *v)
{
    if (n == 0 || n >= FIELD_CAP - 1) return 0;
    int i = 0, digits = 0;
    if (f[i] == '+' || f[i] == '-') i++;
    while (i < n && f[i] >= '0' && f[i] <= '9') i++, digits++;
    if (i < n && f[i] == '.') {
        i++;
        while (i < n && f[i] >= '0' && f[i] <= '9') i++, digits++;
    }
    if (!digits) return 0;
    if (i < n && (f[i] == 'e' || f[i] == 'E')) {
        i++;
        if (i < n && (f[i] == '+' || f[i] == '-')) i++;
        int ed = 0;
        while (i < n && f[i] >= '0' && f[i] <= '9') i++, ed++;
        if (!ed) return 0;
    }
    if (i != n) return 0;
    *v = strtod(f, NULL);
    return isfinite(*v);
}

static char delimiter(const char *b, const char *e)
{
    const char *c = NULL;
    for (const char *d = ",;\t"; *d && !c; d++) c = memchr(b, *d, (size_t)(e - b)) ? d : NULL;
    return c ? *c : ',';
}

sl_status sl_csv_parse(const char *text, int len, sl_csv **out)
{
    *out = NULL;
    if (len < 0 || len > SL_CSV_MAX_BYTES)
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "text must be 0 to %d bytes long, got %d", SL_CSV_MAX_BYTES, len);
    if (len && !text) return sl_fail(SL_STATUS_INVALID, THING, NULL, "text is missing");
    char buf[FIELD_CAP], ex[32];
    cursor c = { text, text + len, 0 };
    const char *b, *e;
    int line;
    if (!next_line(&c, &b, &e, &line)) return sl_fail(SL_STATUS_INVALID, THING, NULL, "has no data lines (the text is empty)");
    const char d = delimiter(b, e);

    /* pass 1: the first line's fields, whether it is a header, and the line count */
    int cols = 0, header = 0, more = 1, flen;
    for (const char *p = b; more; cols++) {
        sl_status st = read_field(&p, e, d, buf, &flen, &more, line, cols + 1);
        if (st) return st;
        double v;
        if (!number(buf, flen, &v)) header = 1;
        if (cols + 1 > SL_CSV_MAX_COLS)
            return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d has more than %d columns", line, SL_CSV_MAX_COLS);
    }
    long rows = header ? 0 : 1;
    while (next_line(&c, &b, &e, &line))
        if (++rows > SL_CSV_MAX_ROWS)
            return sl_fail(SL_STATUS_INVALID, THING, NULL, "has more than %d data lines", SL_CSV_MAX_ROWS);
    if (!rows) return sl_fail(SL_STATUS_INVALID, THING, NULL, "has a header line but no data lines");
    if ((double)rows * cols > SL_CSV_MAX_VALUES)
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "must hold at most %d values, got %ld lines x %d columns", SL_CSV_MAX_VALUES,
                       rows, cols);

    /* pass 2: fill the one allocation */
    size_t head = (sizeof(sl_csv) + 7) & ~(size_t)7;
    size_t names_cap = header ? (size_t)cols * (NAME_MAX_LEN + 1) + 1 : 1;
    sl_csv *r = malloc(head + sizeof(double) * (size_t)rows * (size_t)cols + names_cap);
    if (!r) return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory for %ld x %d values", rows, cols);
    r->rows = (int)rows;
    r->cols = cols;
    r->header = header;
    r->v = (double *)((char *)r + head);
    r->names = (char *)(r->v + (size_t)rows * (size_t)cols);
    r->names[0] = 0;
    c = (cursor){ text, text + len, 0 };
    size_t nk = 0;
    for (long row = -header; next_line(&c, &b, &e, &line); row++) {
        int col = 0;
        more = 1;
        for (const char *p = b; more; col++) {
            sl_status st = read_field(&p, e, d, buf, &flen, &more, line, col + 1);
            if (st) {
                free(r);
                return st;
            }
            if (col >= cols) continue; /* counted for the message below */
            if (row < 0) {
                if (col) r->names[nk++] = '|';
                int k = flen < NAME_MAX_LEN ? flen : NAME_MAX_LEN;
                if (!k) nk += (size_t)snprintf(r->names + nk, names_cap - nk, "column %d", col + 1);
                for (int i = 0; i < k; i++) r->names[nk++] = buf[i] == '|' ? '/' : buf[i] >= 32 ? buf[i] : ' ';
                r->names[nk] = 0;
            } else if (!number(buf, flen, &r->v[(size_t)row * (size_t)cols + (size_t)col])) {
                free(r);
                return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d, column %d must be a finite number, got '%s'", line, col + 1,
                               excerpt(buf, flen < FIELD_CAP - 1 ? flen : FIELD_CAP - 1, ex));
            }
        }
        if (col != cols) {
            free(r);
            return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d has %d fields, expected %d (as on the first line)", line, col, cols);
        }
    }
    *out = r;
    return SL_STATUS_OK;
}

void sl_csv_free(sl_csv *c) { free(c); }
int sl_csv_rows(const sl_csv *c) { return c->rows; }
int sl_csv_cols(const sl_csv *c) { return c->cols; }
const double *sl_csv_values(const sl_csv *c) { return c->v; }
const char *sl_csv_names(const sl_csv *c) { return c->names; }

#if defined(__clang__)
#pragma clang attribute pop
#endif
