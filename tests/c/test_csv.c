/* The CSV reader (c/data/csv.c): header detection, delimiters, quotes, line
 * numbers in errors, and the limits. */
#include <stdlib.h>

#include "check.h"
#include "steplab.h"

static sl_csv *parse(const char *text)
{
    sl_csv *c = NULL;
    sl_status st = sl_csv_parse(text, (int)strlen(text), &c);
    if (st) printf("parse failed: %s\n", sl_error_message());
    CHECK(st == SL_STATUS_OK);
    return c;
}

/* sl_csv_numbers(every column) of a text that parses. */
static sl_status numbers(const char *text)
{
    sl_csv *c = parse(text);
    if (!c) return SL_STATUS_OK;
    sl_status st = sl_csv_numbers(c, -1);
    sl_csv_free(c);
    return st;
}

void test_csv(void)
{
    sl_csv *c = parse("x1,x2,label\r\n0.5, -1e-3 ,1\n\n# a comment\n2,.25,0\n");
    if (c) {
        CHECK(sl_csv_rows(c) == 2 && sl_csv_cols(c) == 3 && c->header == 1);
        CHECK(strcmp(sl_csv_names(c), "x1|x2|label") == 0);
        const double *v = sl_csv_values(c);
        CHECK(v[0] == 0.5 && v[1] == -1e-3 && v[2] == 1 && v[3] == 2 && v[4] == 0.25 && v[5] == 0);
        sl_csv_free(c);
    }
    c = parse("1;2\n3;4");                 /* no header, semicolons, no final newline */
    if (c) {
        CHECK(sl_csv_rows(c) == 2 && c->header == 0 && sl_csv_names(c)[0] == 0 && sl_csv_values(c)[3] == 4);
        sl_csv_free(c);
    }
    c = parse("\"a|b\",\"say \"\"hi\"\"\",\n1,\"2\",3\n"); /* quotes, a '|' in a name, an empty name */
    if (c) {
        CHECK(strcmp(sl_csv_names(c), "a/b|say \"hi\"|column 3") == 0 && sl_csv_values(c)[1] == 2);
        sl_csv_free(c);
    }
    c = parse("7\n8\n");
    if (c) {
        CHECK(sl_csv_cols(c) == 1 && sl_csv_rows(c) == 2);
        sl_csv_free(c);
    }
    sl_csv *bad = NULL;
    CHECK_ERR(numbers("a,b\n1,2\n3,x\n"), SL_STATUS_INVALID, "CSV: line 3, column 2 must be a finite number, got 'x'");
    CHECK_ERR(sl_csv_parse("a,b\n1,2,3\n", 10, &bad), SL_STATUS_INVALID, "line 2 has 3 fields, expected 2");
    CHECK_ERR(sl_csv_parse("a,b\n1\n", 6, &bad), SL_STATUS_INVALID, "line 2 has 1 fields, expected 2");
    CHECK_ERR(numbers("a,b\n1,inf\n"), SL_STATUS_INVALID, "got 'inf'");
    CHECK_ERR(numbers("a,b\n1,1e999\n"), SL_STATUS_INVALID, "got '1e999'");
    CHECK_ERR(numbers("a,b,c\n1,2,3\n4,x,3\n5,6,y\n"), SL_STATUS_INVALID, "line 3, column 2"); /* the first line with text */
    CHECK_ERR(numbers("a,b\n1,\"temp\xC3\xA9rature is a very long field of text\"\n"), SL_STATUS_INVALID,
              "got 'temp\xC3\xA9rature is a very l...'");
    CHECK_ERR(sl_csv_parse("a,b\n1,\"2\n", 9, &bad), SL_STATUS_PARSE, "line 2, column 2: a quoted field is not closed");
    CHECK_ERR(sl_csv_parse("a,b\n", 4, &bad), SL_STATUS_INVALID, "header line but no data lines");
    CHECK_ERR(sl_csv_parse("\n# only\n \n", 10, &bad), SL_STATUS_INVALID, "no data lines");
    CHECK_ERR(sl_csv_parse("x", -1, &bad), SL_STATUS_INVALID, "text must be 0 to");
    CHECK(bad == NULL);
    c = parse("1,2\n"); /* still works after errors */
    if (c) sl_csv_free(c);
}

static sl_csv *parse_len(const char *text, int len)
{
    sl_csv *c = NULL;
    sl_status st = sl_csv_parse(text, len, &c);
    if (st) printf("parse failed: %s\n", sl_error_message());
    CHECK(st == SL_STATUS_OK);
    return c;
}

/* CSV as people have it: Excel's byte-order mark, UTF-8 names, CR / CRLF / LF
 * line ends, and class labels written as text. */
void test_csv_text(void)
{
    sl_csv *c = parse("\xEF\xBB\xBF" "1,2,0\n3,4,1\n5,6,0"); /* the BOM is not part of the first row */
    if (c) {
        CHECK(sl_csv_rows(c) == 3 && c->header == 0 && sl_csv_values(c)[0] == 1);
        sl_csv_free(c);
    }
    c = parse("\xEF\xBB\xBF" "a,temp\xC3\xA9rature,\xE6\xB8\xA9\xE5\xBA\xA6\n1,2,3\n");
    if (c) {
        CHECK(strcmp(sl_csv_names(c), "a|temp\xC3\xA9rature|\xE6\xB8\xA9\xE5\xBA\xA6") == 0);
        sl_csv_free(c);
    }
    c = parse("a,b\xFF\xC3,c\x01" "d\n1,2,3\n"); /* bytes kept as they are (JS decodes them), control characters spaces */
    if (c) {
        CHECK(strcmp(sl_csv_names(c), "a|b\xFF\xC3|c d") == 0);
        sl_csv_free(c);
    }
    char longname[200] = "x,";
    for (int i = 0; i < 40; i++) strcat(longname, "\xC3\xA9"); /* 80 bytes of two-byte characters: cut at 64 */
    strcat(longname, "\n1,2\n");
    c = parse(longname);
    if (c) {
        CHECK(strlen(sl_csv_names(c)) == 2 + 64);
        sl_csv_free(c);
    }
    static const char *ENDS[] = { "x,y\r1,2\r3,4\r", "x,y\r\n1,2\r\n3,4", "x,y\n1,2\r3,4\r\n", "x,y\r\r\n1,2\n\n\r3,4" };
    for (int i = 0; i < 4; i++) {
        c = parse(ENDS[i]);
        if (c) {
            CHECK(sl_csv_rows(c) == 2 && sl_csv_values(c)[3] == 4 && strcmp(sl_csv_names(c), "x|y") == 0);
            sl_csv_free(c);
        }
    }
    sl_csv *bad = NULL;
    CHECK_ERR(numbers("x,y\r1,2\r3,x\r"), SL_STATUS_INVALID, "line 3, column 2"); /* CR lines are numbered */

    /* text class labels: no header (a text field in a column of text below is not a name) */
    const char *moons = "0.5,1,outer\n-1,2,inner\n3,1.5,outer\n2,2,\"in, ner\"\n";
    c = parse(moons);
    if (c) {
        CHECK(c->header == 0 && sl_csv_rows(c) == 4 && sl_csv_text_line(c, 2) == 1 && sl_csv_text_line(c, 0) == 0);
        CHECK(sl_csv_numbers(c, 2) == SL_STATUS_OK);
        CHECK_ERR(sl_csv_numbers(c, -1), SL_STATUS_INVALID, "CSV: line 1, column 3 must be a finite number, got 'outer'");
        CHECK(isnan(sl_csv_values(c)[2]));
        CHECK(sl_csv_labels(c, moons, (int)strlen(moons), 2, 0) == SL_STATUS_OK);
        const double *v = sl_csv_values(c);
        CHECK(sl_csv_n_labels(c) == 3 && strcmp(sl_csv_label_names(c), "in, ner|inner|outer") == 0); /* sorted by bytes */
        CHECK(v[2] == 2 && v[5] == 1 && v[8] == 2 && v[11] == 0 && v[3] == -1);
        CHECK_ERR(sl_csv_labels(c, moons, (int)strlen(moons), 0, 0), SL_STATUS_INVALID, "line 1, column 3 must be a finite number"); /* the others must be numbers */
        CHECK_ERR(sl_csv_labels(c, moons, (int)strlen(moons), 2, 1), SL_STATUS_INVALID, "line 1, column 3 must be a finite number"); /* regression */
        CHECK_ERR(sl_csv_labels(c, moons, 9, 2, 0), SL_STATUS_INVALID, "text is not the text that was parsed");
        sl_csv_free(c);
    }
    const char *headed = "\xEF\xBB\xBFx1;x2;species\r\n1;2;\xC3\xA9t\xC3\xA9\r\n3;4;hiver\r\n5;6;\xC3\xA9t\xC3\xA9\r\n";
    c = parse(headed);
    if (c) {
        CHECK(c->header == 1 && sl_csv_rows(c) == 3 && strcmp(sl_csv_names(c), "x1|x2|species") == 0);
        CHECK(sl_csv_labels(c, headed, (int)strlen(headed), 2, 0) == SL_STATUS_OK);
        CHECK(strcmp(sl_csv_label_names(c), "hiver|\xC3\xA9t\xC3\xA9") == 0 && sl_csv_values(c)[2] == 1 && sl_csv_values(c)[5] == 0);
        sl_csv_free(c);
    }
    const char *mixed = "a,b\n1,x\n2,1\n";
    c = parse(mixed);
    if (c) {
        CHECK_ERR(sl_csv_labels(c, mixed, (int)strlen(mixed), 1, 0), SL_STATUS_INVALID,
                  "line 3, column 2 must be text like 'x' on line 2, got a number");
        sl_csv_free(c);
    }
    const char *one = "a,b\n1,yes\n2,yes\n";
    c = parse(one);
    if (c) {
        CHECK_ERR(sl_csv_labels(c, one, (int)strlen(one), 1, 0), SL_STATUS_INVALID, "column 2 must hold 2 or more class labels, got only 'yes'");
        sl_csv_free(c);
    }
    const char *mixed2 = "a,b\n1,0\n2,NaN\n";
    c = parse(mixed2);
    if (c) {
        CHECK_ERR(sl_csv_labels(c, mixed2, (int)strlen(mixed2), 1, 0), SL_STATUS_INVALID, "line 3, column 2 must be a finite number, got 'NaN'");
        sl_csv_free(c);
    }
    const char *empty = "a,b\n1,x\n2,\"\"\n";
    c = parse(empty);
    if (c) {
        CHECK_ERR(sl_csv_labels(c, empty, (int)strlen(empty), 1, 0), SL_STATUS_INVALID, "line 3, column 2 must be a class label, got '' (empty)");
        CHECK(sl_csv_n_labels(c) == 0);
        sl_csv_free(c);
    }
    static char many[8000];
    strcpy(many, "a,b\n");
    for (int i = 0; i < 257; i++) sprintf(many + strlen(many), "%d,c%d\n", i, i);
    c = parse(many);
    if (c) {
        CHECK_ERR(sl_csv_labels(c, many, (int)strlen(many), 1, 0), SL_STATUS_INVALID, "line 258, column 2: more than 256 class labels");
        sl_csv_free(c);
    }
    char wide[200] = "a,b\n1,x\n2,";
    memset(wide + strlen(wide), 'y', 70);
    c = parse(wide);
    if (c) {
        CHECK_ERR(sl_csv_labels(c, wide, (int)strlen(wide), 1, 0), SL_STATUS_INVALID, "line 3, column 2 must be a class label, got 'yyyyyyyyyyyyyyyyyyyyyyyy...' (longer than 64 bytes)");
        sl_csv_free(c);
    }
    const char nul[] = "a,b\n1,x\0y\n2,x\n3,x\0y\n"; /* labels told apart by every byte, NUL included */
    c = parse_len(nul, (int)sizeof nul - 1);
    if (c) {
        CHECK(sl_csv_labels(c, nul, (int)sizeof nul - 1, 1, 0) == SL_STATUS_OK && sl_csv_n_labels(c) == 2);
        CHECK(strcmp(sl_csv_label_names(c), "x|x y") == 0 && sl_csv_values(c)[1] == 1 && sl_csv_values(c)[3] == 0);
        sl_csv_free(c);
    }
    static const char *NOT_LABELS[][2] = {
        { "a,b\n1,x\n2,NA\n", "line 3, column 2 must be a class label, got 'NA' (a missing value)" },
        { "a,b\n1,null\n2,x\n", "line 2, column 2 must be a class label, got 'null'" },
        { "a,b\n1,x\n2,NaN\n", "line 3, column 2 must be a class label, got 'NaN' (not a finite decimal)" },
        { "a,b\n1,x\n2,1e999\n", "line 3, column 2 must be a class label, got '1e999' (not a finite decimal)" },
        { "a,b\n1,inf\n2,x\n", "got 'inf'" },
        { "a,b\n1,x\n2,0x10\n", "got '0x10'" },
    };
    for (int i = 0; i < 6; i++) {
        c = parse(NOT_LABELS[i][0]);
        if (c) {
            CHECK_ERR(sl_csv_labels(c, NOT_LABELS[i][0], (int)strlen(NOT_LABELS[i][0]), 1, 0), SL_STATUS_INVALID, NOT_LABELS[i][1]);
            sl_csv_free(c);
        }
    }
    CHECK_ERR(sl_csv_parse("x,label\n", 8, &bad), SL_STATUS_INVALID, "header line but no data lines");
    CHECK_ERR(sl_csv_parse("\xEF\xBB\xBF", 3, &bad), SL_STATUS_INVALID, "no data lines");
    CHECK(bad == NULL);
}
