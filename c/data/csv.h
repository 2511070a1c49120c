/* CSV text from outside (a student's file, a pasted table) as a matrix of
 * doubles with optional column names: the one parser the page, the CLI and
 * the JS API use, so one fuzz target covers them all.
 *
 * Lines end in \n or \r\n; blank lines and lines starting with '#' are
 * skipped. The delimiter is the first of ',', ';' or tab found in the first
 * line (',' when the first line has none: a single column). Fields may be
 * quoted ("a, b" with "" for a quote) and are trimmed of spaces. The first
 * line is a header when any of its fields is not a number. Every other field
 * must be a finite decimal number ([+-] digits [. digits] [e[+-]digits]);
 * every line must have as many fields as the first. */
#ifndef SL_CSV_H
#define SL_CSV_H

#include "../base/status.h"

#define SL_CSV_MAX_BYTES (64 << 20)
#define SL_CSV_MAX_COLS 4097
#define SL_CSV_MAX_ROWS 1000000
#define SL_CSV_MAX_VALUES 16777216

typedef struct sl_csv {
    int rows, cols, header; /* header: 1 when the first line held names */
    double *v;              /* rows x cols, row-major */
    char *names;            /* the names joined by '|' ("" without a header); '|' in a name becomes '/' */
} sl_csv;

/* Parses len bytes of text (no terminating NUL needed). On success *out is
 * one allocation the caller frees with sl_csv_free; on error nothing is kept
 * and the message names the line and column. */
sl_status sl_csv_parse(const char *text, int len, sl_csv **out);
void sl_csv_free(sl_csv *c);

int sl_csv_rows(const sl_csv *c);
int sl_csv_cols(const sl_csv *c);
const double *sl_csv_values(const sl_csv *c);
const char *sl_csv_names(const sl_csv *c);

#endif
