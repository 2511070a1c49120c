/* A small, safe expression language for LambdaLR / MultiplicativeLR factors:
 * decimal numbers (3, 0.5, .5, 1e-3; no hex, inf or nan), the variable
 * `epoch`, + - * / // % ^ ** (power, right-associative, binding tighter than
 * unary minus as in Python), comparisons < <= > >= == != (1 or 0; chained as
 * in Python: 1 < epoch < 4 is (1 < epoch) and (epoch < 4)), the ternary
 * c ? a : b, parentheses, constants pi and e, and the
 * functions exp log sqrt sin cos floor ceil abs (one argument) and min max
 * (two or more). It compiles to a fixed-size stack program that lives inside
 * the scheduler (plain data, so saving a scheduler is a byte copy). */
#ifndef SL_FORMULA_H
#define SL_FORMULA_H

#include "status.h"

#define SL_FORMULA_MAX_OPS 128
#define SL_FORMULA_MAX_LEN 512

typedef struct {
    int n_ops;
    int max_depth;
    unsigned char op[SL_FORMULA_MAX_OPS];
    double k[SL_FORMULA_MAX_OPS]; /* constant of a PUSH op */
} sl_formula;

/* Compiles text; on error the message names thing and field and gives the
 * 1-based column: "LambdaLR: lr_lambda does not parse at column 7: expected ')'". */
sl_status sl_formula_compile(const char *text, sl_formula *f, const char *thing, const char *field);

/* Evaluates at epoch. Never fails; the caller checks the result is finite. */
double sl_formula_eval(const sl_formula *f, double epoch);

/* Checks a program read from untrusted bytes: known ops, stack never under- or
 * overflows. Returns 1 when it is safe to evaluate. */
int sl_formula_valid(const sl_formula *f);

#endif
