/* JSON reader, number formatting, spec decoding and the formula language. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

static double formula(const char *text, double epoch)
{
    sl_formula f;
    if (sl_formula_compile(text, &f, "LambdaLR", "lr_lambda")) return -12345;
    return sl_formula_eval(&f, epoch);
}

static sl_status parse(const char *text)
{
    sl_json doc;
    sl_status st = sl_json_parse(text, strlen(text), &doc, "scheduler");
    if (!st) sl_json_free(&doc);
    return st;
}

void test_base(void)
{
    /* numbers print as JavaScript prints them */
    CHECK(strcmp(sl_num(1.5).s, "1.5") == 0);
    CHECK(strcmp(sl_num(0.1).s, "0.1") == 0);
    CHECK(strcmp(sl_num(1e-7).s, "1e-7") == 0);
    CHECK(strcmp(sl_num(1e308).s, "1e+308") == 0);
    CHECK(strcmp(sl_num(-INFINITY).s, "-Infinity") == 0);
    CHECK(strcmp(sl_num(NAN).s, "NaN") == 0);
    CHECK(strtod(sl_num(0.1 + 0.2).s, NULL) == 0.1 + 0.2);

    /* JSON */
    sl_json doc;
    const char *t = "{\"a\": [1, 2.5e3, -0], \"b\": \"x\\u00e9\\n\", \"c\": {\"d\": null, \"e\": true}, \"f\": -Infinity}";
    CHECK(sl_json_parse(t, strlen(t), &doc, "scheduler") == SL_STATUS_OK);
    int a = sl_json_get(&doc, 0, "a");
    CHECK(a > 0 && doc.nodes[a].count == 3);
    CHECK(doc.nodes[doc.nodes[a].child].num == 1);
    CHECK(doc.nodes[doc.nodes[doc.nodes[a].child].next].num == 2500);
    int b = sl_json_get(&doc, 0, "b");
    CHECK(strcmp(doc.nodes[b].str, "x\xc3\xa9\n") == 0);
    int c = sl_json_get(&doc, 0, "c");
    CHECK(doc.nodes[sl_json_get(&doc, c, "e")].num == 1);
    CHECK(isinf(doc.nodes[sl_json_get(&doc, 0, "f")].num));
    CHECK(sl_json_get(&doc, 0, "zz") == -1);
    sl_json_free(&doc);
    CHECK_ERR(parse("{\"a\": }"), SL_STATUS_PARSE, "at offset 6");
    CHECK_ERR(parse("{\"a\": 1,}"), SL_STATUS_PARSE, "member name");
    CHECK_ERR(parse("[1 2]"), SL_STATUS_PARSE, "expected ',' or ']'");
    CHECK_ERR(parse("\"abc"), SL_STATUS_PARSE, "unterminated string");
    CHECK_ERR(parse("01"), SL_STATUS_PARSE, "trailing");
    CHECK_ERR(parse(""), SL_STATUS_PARSE, "empty");
    CHECK_ERR(parse("{} x"), SL_STATUS_PARSE, "trailing");
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = 0;
    CHECK_ERR(parse(deep), SL_STATUS_PARSE, "too deep");

    /* formulas: precedence and Python's semantics */
    CHECK_NEAR(formula("0.95 ^ epoch", 10), pow(0.95, 10), 0);
    CHECK_NEAR(formula("0.95 ** epoch", 10), pow(0.95, 10), 0);
    CHECK_NEAR(formula("-2 ^ 2", 0), -4, 0);
    CHECK_NEAR(formula("2 ^ 3 ^ 2", 0), 512, 0);
    CHECK_NEAR(formula("2 ^ -1", 0), 0.5, 0);
    CHECK_NEAR(formula("1 + 2 * 3 - 4 / 2", 0), 5, 0);
    CHECK_NEAR(formula("(1 + 2) * 3", 0), 9, 0);
    CHECK_NEAR(formula("epoch // 30", 59), 1, 0);
    CHECK_NEAR(formula("1 // 0.1", 0), 9, 0);
    CHECK_NEAR(formula("-7 % 3", 0), 2, 0);
    CHECK_NEAR(formula("7 % -3", 0), -2, 0);
    CHECK_NEAR(formula("epoch < 5 ? epoch / 5 : 1", 2), 0.4, 0);
    CHECK_NEAR(formula("epoch < 5 ? epoch / 5 : 1", 7), 1, 0);
    CHECK_NEAR(formula("epoch < 2 ? 1 : epoch < 4 ? 2 : 3", 3), 2, 0);
    CHECK_NEAR(formula("max(0.1, 1 - epoch / 50, 0.2)", 45), 0.2, 0);
    CHECK_NEAR(formula("min(3, 1, 2)", 0), 1, 0);
    CHECK_NEAR(formula("exp(-0.05 * epoch)", 20), exp(-1.0), 0);
    CHECK_NEAR(formula("0.5 * (1 + cos(pi * epoch / 40))", 40), 0, 1e-15);
    CHECK_NEAR(formula("sqrt(abs(-16)) + floor(2.7) + ceil(0.2) + log(e)", 0), 8, 0);
    CHECK_NEAR(formula("1 - 0.5 * (epoch >= 30)", 31), 0.5, 0);
    CHECK_NEAR(formula("epoch == 3 != 0", 3), 1, 0);
    CHECK_NEAR(formula("  1e-2 * epoch ", 3), 0.03, 1e-15);
    /* chained comparisons are Python's: 1 < epoch < 4 is (1 < epoch) and (epoch < 4) */
    {
        const double want[6] = { 0, 0, 1, 1, 0, 0 };
        for (int k = 0; k < 6; k++) CHECK(formula("1 < epoch < 4", k) == want[k]);
        CHECK(formula("3 > 2 > 1", 0) == 1);
        CHECK(formula("1 < 2 < 3 < 4 <= 4 != 5", 0) == 1);
        CHECK(formula("1 < 2 < 3 < 2", 0) == 0);
        CHECK(formula("0 < epoch * 2 - 1 <= 5 ? 10 : 20", 3) == 10); /* the middle operand is a sum */
        CHECK(formula("0 < epoch * 2 - 1 <= 5 ? 10 : 20", 4) == 20);
        CHECK(formula("(1 < epoch) < 4", 0) == 1);                /* parentheses still group */
        CHECK(formula("epoch == 3 != 0", 0) == 0 && formula("epoch == 3 != 0", 3) == 1);
        char chain[512] = "0"; /* the copied middle operands count against the op limit */
        for (int i = 0; i < 40; i++) strcat(chain, " < epoch");
        sl_formula g;
        CHECK_ERR(sl_formula_compile(chain, &g, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "too long");
    }
    /* numbers are decimal only: strtod's extras (hex, hex floats) are refused with the column */
    CHECK_NEAR(formula(".5 + 1. + 2.5e1 + 1E+1 + 007", 0), 43.5, 0);
    CHECK_NEAR(formula("1e-400", 0), 0, 0);

    sl_formula f;
    CHECK_ERR(sl_formula_compile("0.95 ^ ", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE,
              "LambdaLR: lr_lambda does not parse at column 8: unexpected end");
    CHECK_ERR(sl_formula_compile("(1 + 2", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 7: expected ')'");
    CHECK_ERR(sl_formula_compile("1 + 2)", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 6: unbalanced ')'");
    CHECK_ERR(sl_formula_compile("foo(epoch)", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 1: unknown name");
    CHECK_ERR(sl_formula_compile("exp(1, 2)", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "one argument");
    CHECK_ERR(sl_formula_compile("max(1)", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "two or more");
    CHECK_ERR(sl_formula_compile("epoch ? 1", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "expected ':'");
    CHECK_ERR(sl_formula_compile("", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "is empty");
    CHECK_ERR(sl_formula_compile("1 $ 2", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 3");
    CHECK_ERR(sl_formula_compile("1e999", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "too large");
    CHECK_ERR(sl_formula_compile("0x10", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "lr_lambda does not parse at column 1: hexadecimal");
    CHECK_ERR(sl_formula_compile("epoch * 0x1p-2", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 9: hexadecimal");
    CHECK_ERR(sl_formula_compile("0X1A", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "hexadecimal");
    CHECK_ERR(sl_formula_compile("2epoch", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 2: a number must be followed by an operator");
    CHECK_ERR(sl_formula_compile("1e", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 2: a number must be followed by an operator");
    CHECK_ERR(sl_formula_compile("1e+", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 2");
    CHECK_ERR(sl_formula_compile("1.5.5", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 4: a number must be followed by an operator");
    CHECK_ERR(sl_formula_compile("1_000", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 2");
    CHECK_ERR(sl_formula_compile("inf", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "unknown name");
    CHECK_ERR(sl_formula_compile("nan + 1", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "unknown name");
    CHECK_ERR(sl_formula_compile("1 + .", &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "column 5: expected a number");
    char longf[600];
    memset(longf, '1', sizeof longf - 1);
    longf[sizeof longf - 1] = 0;
    CHECK_ERR(sl_formula_compile(longf, &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "longer than");
    char nested[300];
    memset(nested, '(', 150);
    nested[150] = '1';
    memset(nested + 151, ')', 148);
    nested[299] = 0;
    CHECK_ERR(sl_formula_compile(nested, &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "nested too deeply");
    char many[400] = "1";
    for (int i = 0; i < 150; i++) strcat(many, "+1");
    CHECK_ERR(sl_formula_compile(many, &f, "LambdaLR", "lr_lambda"), SL_STATUS_PARSE, "too long");
    /* validation of programs read from untrusted bytes */
    CHECK(sl_formula_compile("epoch * 2 + 1", &f, "LambdaLR", "lr_lambda") == SL_STATUS_OK);
    CHECK(sl_formula_valid(&f));
    f.op[0] = 200;
    CHECK(!sl_formula_valid(&f));
    f.n_ops = 0;
    CHECK(!sl_formula_valid(&f));
}
