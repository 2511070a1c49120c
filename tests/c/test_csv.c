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
    CHECK_ERR(sl_csv_parse("a,b\n1,2\n3,x\n", 13, &bad), SL_STATUS_INVALID, "CSV: line 3, column 2 must be a finite number, got 'x'");
    CHECK_ERR(sl_csv_parse("a,b\n1,2,3\n", 10, &bad), SL_STATUS_INVALID, "line 2 has 3 fields, expected 2");
    CHECK_ERR(sl_csv_parse("a,b\n1\n", 6, &bad), SL_STATUS_INVALID, "line 2 has 1 fields, expected 2");
    CHECK_ERR(sl_csv_parse("a,b\n1,inf\n", 10, &bad), SL_STATUS_INVALID, "got 'inf'");
    CHECK_ERR(sl_csv_parse("a,b\n1,1e999\n", 12, &bad), SL_STATUS_INVALID, "got '1e999'");
    CHECK_ERR(sl_csv_parse("a,b\n1,\"2\n", 9, &bad), SL_STATUS_PARSE, "line 2, column 2: a quoted field is not closed");
    CHECK_ERR(sl_csv_parse("a,b\n", 4, &bad), SL_STATUS_INVALID, "header line but no data lines");
    CHECK_ERR(sl_csv_parse("\n# only\n \n", 10, &bad), SL_STATUS_INVALID, "no data lines");
    CHECK_ERR(sl_csv_parse("x", -1, &bad), SL_STATUS_INVALID, "text must be 0 to");
    CHECK(bad == NULL);
    c = parse("1,2\n"); /* still works after errors */
    if (c) sl_csv_free(c);
}
