/* The CSV reader of csv.h: two passes over the text, the first to count the
 * lines and read the first two, the second to fill one allocation; a third
 * over one column when it is read as class labels. */
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

#define FIELD_CAP 80
#define SLOT (SL_CSV_MAX_NAME + 1)

typedef struct {
    const char *p, *end;
    int line;
} cursor;

/* The text after its UTF-8 byte-order mark, if it has one. */
static cursor start(const char *text, int len)
{
    cursor c = { text, text + len, 0 };
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) c.p += 3;
    return c;
}

/* The next line that is neither blank nor a comment, as [*b, *e) without its
 * line end (LF, CRLF or CR), and its 1-based number; 0 after the last one. */
static int next_line(cursor *c, const char **b, const char **e, int *line)
{
    while (c->p < c->end) {
        const char *s = c->p, *t = s;
        while (t < c->end && *t != '\n' && *t != '\r') t++;
        c->p = t == c->end ? t : t + 1 + (*t == '\r' && t + 1 < c->end && t[1] == '\n');
        c->line++;
        const char *q = s;
        while (q < t && (*q == ' ' || *q == '\t')) q++;
        if (q == t || *q == '#') continue;
        *b = s;
        *e = t;
        *line = c->line;
        return 1;
    }
    return 0;
}

/* Text for names and messages: UTF-8 kept (the JS side decodes it), control
 * characters ' ' (and '|' '/' when bar); at most cap bytes, cut at a
 * character boundary. Returns the bytes written (no NUL); *cut is set when
 * some of src was left out. */
static int clean(char *dst, int cap, const char *src, int n, int bar, int *cut)
{
    int o = n < cap ? n : cap;
    if (o < n)
        while (o > 0 && ((unsigned char)src[o] & 0xC0) == 0x80) o--;
    for (int i = 0; i < o; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = (char)(ch == '|' && bar ? '/' : ch < 32 || ch == 127 ? ' ' : ch);
    }
    if (cut) *cut = o < n;
    return o;
}

/* A short printable excerpt of a field (n bytes kept of flen) for messages. */
static void excerpt(char *dst, const char *f, int n, int flen)
{
    int cut;
    int o = clean(dst, 24, f, n, 0, &cut);
    if (cut || flen > n) dst[o++] = '.', dst[o++] = '.', dst[o++] = '.';
    dst[o] = 0;
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

static int kept(int flen) { return flen < FIELD_CAP - 1 ? flen : FIELD_CAP - 1; }

sl_status sl_csv_parse(const char *text, int len, sl_csv **out)
{
    *out = NULL;
    if (len < 0 || len > SL_CSV_MAX_BYTES)
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "text must be 0 to %d bytes long, got %d", SL_CSV_MAX_BYTES, len);
    if (len && !text) return sl_fail(SL_STATUS_INVALID, THING, NULL, "text is missing");
    char buf[FIELD_CAP];
    unsigned char first_number[SL_CSV_MAX_COLS];
    cursor c = start(text, len);
    const char *b, *e;
    int line;
    if (!next_line(&c, &b, &e, &line)) return sl_fail(SL_STATUS_INVALID, THING, NULL, "has no data lines (the text is empty)");
    const char d = delimiter(b, e);

    /* pass 1: the first line's fields, whether it is a header (against the second line), the line count */
    int cols = 0, texts = 0, more = 1, flen;
    for (const char *p = b; more; cols++) {
        if (cols >= SL_CSV_MAX_COLS)
            return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d has more than %d columns", line, SL_CSV_MAX_COLS);
        sl_status st = read_field(&p, e, d, buf, &flen, &more, line, cols + 1);
        if (st) return st;
        double v;
        first_number[cols] = (unsigned char)number(buf, flen, &v);
        texts += !first_number[cols];
    }
    int header = texts > 0;
    long rows = 1;
    if (texts && texts < cols) {
        /* some names, some numbers: a header only when one of its text fields has a number below it */
        header = 0;
        if (next_line(&c, &b, &e, &line)) {
            more = 1;
            for (int j = 0; more; j++) {
                sl_status st = read_field(&b, e, d, buf, &flen, &more, line, j + 1);
                if (st) return st;
                double v;
                if (j < cols && !first_number[j] && number(buf, flen, &v)) header = 1;
            }
            rows = 2;
        } else {
            header = 1;
        }
    }
    rows -= header;
    while (next_line(&c, &b, &e, &line))
        if (++rows > SL_CSV_MAX_ROWS)
            return sl_fail(SL_STATUS_INVALID, THING, NULL, "has more than %d data lines", SL_CSV_MAX_ROWS);
    if (!rows) return sl_fail(SL_STATUS_INVALID, THING, NULL, "has a header line but no data lines");
    if ((double)rows * cols > SL_CSV_MAX_VALUES)
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "must hold at most %d values, got %ld lines x %d columns", SL_CSV_MAX_VALUES,
                       rows, cols);

    /* pass 2: fill the one allocation */
    size_t head = (sizeof(sl_csv) + 7) & ~(size_t)7;
    size_t values = sizeof(double) * (size_t)rows * (size_t)cols;
    size_t columns = sizeof(sl_csv_column) * (size_t)cols;
    size_t names_cap = header ? (size_t)cols * SLOT + 1 : 1;
    size_t labels_cap = (size_t)SL_CSV_MAX_LABELS * SLOT + 1;
    sl_csv *r = calloc(1, head + values + columns + names_cap + 2 * labels_cap);
    if (!r) return sl_fail(SL_STATUS_NOMEM, THING, NULL, "out of memory for %ld x %d values", rows, cols);
    r->rows = (int)rows;
    r->cols = cols;
    r->header = header;
    r->delim = d;
    r->v = (double *)((char *)r + head);
    r->col = (sl_csv_column *)((char *)r->v + values);
    r->names = (char *)r->col + columns;
    r->labels = r->names + names_cap;
    r->raw = r->labels + labels_cap;
    c = start(text, len);
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
                if (!flen) nk += (size_t)snprintf(r->names + nk, names_cap - nk, "column %d", col + 1);
                nk += (size_t)clean(r->names + nk, SL_CSV_MAX_NAME, buf, kept(flen), 1, NULL);
                r->names[nk] = 0;
                continue;
            }
            double *v = &r->v[(size_t)row * (size_t)cols + (size_t)col];
            sl_csv_column *k = &r->col[col];
            if (number(buf, flen, v)) {
                if (!k->number_line) k->number_line = line;
            } else {
                *v = NAN;
                if (!k->text_line) k->text_line = line, excerpt(k->text, buf, kept(flen), flen);
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

sl_status sl_csv_numbers(const sl_csv *c, int except)
{
    int at = -1;
    for (int j = 0; j < c->cols; j++)
        if (j != except && c->col[j].text_line && (at < 0 || c->col[j].text_line < c->col[at].text_line)) at = j;
    if (at < 0) return SL_STATUS_OK;
    return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d, column %d must be a finite number, got '%s'", c->col[at].text_line, at + 1,
                   c->col[at].text);
}

/* Byte order of two labels (shorter first on a common prefix). */
static int label_cmp(const char *a, int na, const char *b, int nb)
{
    int m = memcmp(a, b, (size_t)(na < nb ? na : nb));
    return m ? m : na - nb;
}

/* Why the field f (n bytes, NUL-terminated) cannot be a class label, or NULL:
 * empty, too long, a number C reads another way (nan, inf, 1e999, 0x10), or a
 * common spelling of a missing value (pandas' list, less its NaNs). */
static const char *not_label(const char *f, int n)
{
    static const char *const MISSING[] = { "#N/A", "<NA>", "N/A", "NA", "NULL", "None", "n/a", "null" };
    char *end;
    if (!n) return "empty";
    if (n > SL_CSV_MAX_NAME) return "longer than 64 bytes";
    (void)strtod(f, &end);
    if (end == f + n) return "not a finite decimal";
    for (size_t i = 0; i < sizeof MISSING / sizeof MISSING[0]; i++)
        if (strcmp(MISSING[i], f) == 0) return "a missing value";
    return NULL;
}

static sl_status differs(void) { return sl_fail(SL_STATUS_INVALID, THING, "text", "is not the text that was parsed"); }

sl_status sl_csv_labels(sl_csv *c, const char *text, int len, int col, int numeric)
{
    if (col < 0 || col >= c->cols)
        return sl_fail(SL_STATUS_INVALID, THING, "target", "must be a column index in [0, %d], got %d", c->cols - 1, col);
    sl_status st = sl_csv_numbers(c, numeric ? -1 : col);
    if (st) return st;
    const sl_csv_column *k = &c->col[col];
    if (!k->text_line) return SL_STATUS_OK; /* numbers: nothing to read */
    if (k->number_line && k->number_line < k->text_line)
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d, column %d must be a finite number, got '%s'", k->text_line, col + 1, k->text);
    if (k->number_line)
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d, column %d must be text like '%s' on line %d, got a number",
                       k->number_line, col + 1, k->text, k->text_line);
    if (len < 0 || len > SL_CSV_MAX_BYTES || (len && !text)) return differs();
    int lens[SL_CSV_MAX_LABELS], order[SL_CSV_MAX_LABELS], rank[SL_CSV_MAX_LABELS];
    char buf[FIELD_CAP], ex[32];
    int n = 0, line, flen = 0, more;
    const char *b, *e;
    cursor cur = start(text, len);
    if (c->header && !next_line(&cur, &b, &e, &line)) return differs();
    long row = 0;
    for (; next_line(&cur, &b, &e, &line); row++) {
        if (row >= c->rows) return differs();
        more = 1;
        const char *p = b;
        for (int j = 0; j <= col; j++) {
            if (!more) return differs();
            if ((st = read_field(&p, e, c->delim, buf, &flen, &more, line, j + 1))) return st;
        }
        const char *why = not_label(buf, flen);
        if (why) {
            excerpt(ex, buf, kept(flen), flen);
            return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d, column %d must be a class label, got '%s' (%s)", line, col + 1, ex, why);
        }
        int s = 0;
        while (s < n && label_cmp(c->raw + s * SLOT, lens[s], buf, flen)) s++;
        if (s == n) {
            if (n == SL_CSV_MAX_LABELS)
                return sl_fail(SL_STATUS_INVALID, THING, NULL, "line %d, column %d: more than %d class labels", line, col + 1, SL_CSV_MAX_LABELS);
            memcpy(c->raw + n * SLOT, buf, (size_t)flen);
            lens[n++] = flen;
        }
        c->v[(size_t)row * (size_t)c->cols + (size_t)col] = s;
    }
    if (row != c->rows) return differs();
    if (n < 2) return sl_fail(SL_STATUS_INVALID, THING, NULL, "column %d must hold 2 or more class labels, got only '%s'", col + 1, k->text);
    for (int i = 0; i < n; i++) {
        int j = i;
        for (; j > 0 && label_cmp(c->raw + order[j - 1] * SLOT, lens[order[j - 1]], c->raw + i * SLOT, lens[i]) > 0; j--) order[j] = order[j - 1];
        order[j] = i;
    }
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        rank[order[i]] = i;
        if (i) c->labels[o++] = '|';
        o += (size_t)clean(c->labels + o, SL_CSV_MAX_NAME, c->raw + order[i] * SLOT, lens[order[i]], 1, NULL);
    }
    c->labels[o] = 0;
    for (int i = 0; i < c->rows; i++) {
        double *v = &c->v[(size_t)i * (size_t)c->cols + (size_t)col];
        *v = rank[(int)*v];
    }
    c->n_labels = n;
    return SL_STATUS_OK;
}

void sl_csv_free(sl_csv *c) { free(c); }
int sl_csv_rows(const sl_csv *c) { return c->rows; }
int sl_csv_cols(const sl_csv *c) { return c->cols; }
const double *sl_csv_values(const sl_csv *c) { return c->v; }
const char *sl_csv_names(const sl_csv *c) { return c->names; }
int sl_csv_text_line(const sl_csv *c, int col) { return col >= 0 && col < c->cols ? c->col[col].text_line : 0; }
int sl_csv_n_labels(const sl_csv *c) { return c->n_labels; }
const char *sl_csv_label_names(const sl_csv *c) { return c->labels; }

#if defined(__clang__)
#pragma clang attribute pop
#endif
