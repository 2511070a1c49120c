/* CSV text from outside (a student's file, a pasted table, Excel's "CSV
 * UTF-8") as a matrix of doubles with optional column names: the one parser
 * the page, the CLI and the JS API use, so one fuzz target covers them all.
 *
 * The text is UTF-8; a leading byte-order mark is skipped. Lines end in LF,
 * CRLF or CR (mixed is fine); blank lines and lines starting with '#' are
 * skipped. The delimiter is the first of ',', ';' or tab found in the first
 * line (',' when the first line has none: a single column). Fields may be
 * quoted ("a, b" with "" for a quote) and are trimmed of spaces; a quoted
 * field does not span lines. The first line is a header when all its fields
 * are text, or when one of them is text where the second line has a number.
 * Every line must have as many fields as the first.
 *
 * A data field is a number when it is a finite decimal ([+-] digits [.
 * digits] [e[+-]digits]); a column with any other field is a text column:
 * sl_csv_numbers refuses it as a feature (naming its first such line), and
 * sl_csv_labels reads a column of text only as class labels. Names and labels
 * keep their UTF-8 bytes (control characters become spaces, '|' a '/'), at
 * most 64 bytes cut at a character boundary. */
#ifndef SL_CSV_H
#define SL_CSV_H

#include "../base/status.h"

#define SL_CSV_MAX_BYTES (64 << 20)
#define SL_CSV_MAX_COLS 4097
#define SL_CSV_MAX_ROWS 1000000
#define SL_CSV_MAX_VALUES 16777216
#define SL_CSV_MAX_LABELS 256 /* distinct class labels of a text column (SL_DATA_MAX_CLASSES) */
#define SL_CSV_MAX_NAME 64    /* bytes of a column name or class label */

typedef struct {
    int text_line;   /* 0 for a column of numbers, else the first line with a field that is not one */
    int number_line; /* the first line with a number in this column, 0 when none has one */
    char text[32];   /* the field on text_line, shortened, for messages */
} sl_csv_column;

typedef struct sl_csv {
    int rows, cols, header; /* header: 1 when the first line held names */
    char delim;
    int n_labels;           /* after sl_csv_labels of a text column: the number of class labels, else 0 */
    double *v;              /* rows x cols, row-major; NaN in text columns until sl_csv_labels */
    char *names;            /* the names joined by '|' ("" without a header) */
    sl_csv_column *col;     /* cols entries */
    char *labels;           /* after sl_csv_labels: the labels joined by '|', sorted */
    char *raw;              /* SL_CSV_MAX_LABELS slots of SL_CSV_MAX_NAME + 1 bytes: labels as read */
} sl_csv;

/* Parses len bytes of text (no terminating NUL needed). On success *out is
 * one allocation the caller frees with sl_csv_free; on error nothing is kept
 * and the message names the line and column. */
sl_status sl_csv_parse(const char *text, int len, sl_csv **out);
void sl_csv_free(sl_csv *c);

/* OK when every column but `except` (-1: every column) holds only numbers;
 * else the error of the first text field, by line then column:
 * "CSV: line 3, column 2 must be a finite number, got 'x'". */
sl_status sl_csv_numbers(const sl_csv *c, int except);

/* Prepares column col of the same text as the target: first checks that
 * every other column (every column when numeric) holds numbers, as
 * sl_csv_numbers; then a column of text is read again as class labels (a
 * column of numbers is left as it is, with no labels): the distinct labels
 * sorted by their bytes (code point order, as sklearn's LabelEncoder and
 * Python's sorted() do), each value replaced by its label's index. Refuses an
 * empty label, a missing value (NA, N/A, null, ...), a number C reads another
 * way (nan, inf, 1e999, 0x10), one longer than SL_CSV_MAX_NAME bytes, fewer
 * than 2 or more than SL_CSV_MAX_LABELS distinct ones, naming the line; on
 * error the column's values are left unspecified. */
sl_status sl_csv_labels(sl_csv *c, const char *text, int len, int col, int numeric);

int sl_csv_rows(const sl_csv *c);
int sl_csv_cols(const sl_csv *c);
const double *sl_csv_values(const sl_csv *c);
const char *sl_csv_names(const sl_csv *c);
/* 0 when column col holds only numbers, else its first line with text. */
int sl_csv_text_line(const sl_csv *c, int col);
int sl_csv_n_labels(const sl_csv *c);
const char *sl_csv_label_names(const sl_csv *c);

#endif
