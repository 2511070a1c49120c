/* The rule language of the Custom optimizer and loss: the LambdaLR formula
 * language (formula.h) with named variables, sign(a) and pow(a, b), and, for
 * optimizers, statements. A rule is one or more statements `name = expr`
 * separated by ';' or new lines, run in order for every element; a loss is one
 * expression. It compiles once to a stack program of plain data (saved with
 * the optimizer, checked again on restore) that runs over whole vectors:
 * block by block, each op a tight loop over SL_RULE_BLOCK elements in double,
 * which the compiler vectorizes (wasm simd128: two doubles a lane). A loss is
 * evaluated with forward-mode dual numbers, so its derivative in x is exact
 * for every op, the ternary and comparisons included (their derivative is
 * that of the branch taken; comparisons, floor, ceil, sign, // have none). */
#ifndef SL_RULE_H
#define SL_RULE_H

#include "status.h"

#define SL_RULE_MAX_LEN 1024   /* characters of an update rule or loss expression */
#define SL_RULE_MAX_OPS 512    /* ops of its program */
#define SL_RULE_MAX_STMTS 16   /* statements of an update rule */
#define SL_RULE_MAX_NEST 32    /* parser nesting (parentheses, unary signs, powers) */
#define SL_RULE_MAX_DEPTH 40   /* values on the evaluation stack */
#define SL_RULE_MAX_VARS 32    /* variables in all (p, g, t, lr, hyper-parameters, states; x, y, ...) */
#define SL_RULE_NAME_LEN 24    /* characters of a variable name */
#define SL_RULE_BLOCK 64       /* elements each op of the vector evaluator runs over at once */

typedef struct {
    int n_ops, max_depth, n_vars, n_stmts;
    unsigned char op[SL_RULE_MAX_OPS];
    double k[SL_RULE_MAX_OPS]; /* a constant, or the variable of OP_VAR / OP_STORE */
} sl_rule;

/* Compiles text. names: the n_vars variables in slot order; assignable: a bit
 * per slot that a statement may assign (0: one expression, no statements);
 * must: a slot that must be assigned (or -1). Errors name thing, field and
 * the 1-based column: "Custom: update does not parse at column 7: expected ')'". */
sl_status sl_rule_compile(const char *text, const char *const *names, int n_vars, unsigned assignable, int must, sl_rule *r,
                          const char *thing, const char *field);

/* Checks a program read from untrusted bytes: known ops and variables, the
 * stack within bounds and empty after each statement (a loss: one value). */
int sl_rule_valid(const sl_rule *r, unsigned assignable);

/* A variable's values for sl_rule_run: per element (in, and out when a
 * statement assigns it) or one scalar. */
typedef struct {
    const float *in[SL_RULE_MAX_VARS];
    float *out[SL_RULE_MAX_VARS];
    double scalar[SL_RULE_MAX_VARS];
} sl_rule_io;

/* Runs an update rule over n elements: each assigned variable's out gets its
 * last value, rounded to float32. */
void sl_rule_run(const sl_rule *r, const sl_rule_io *io, int n);

/* A loss expression over n elements: value v_i and dv_i/dx_i, with x = slot 0
 * (input), the others as io gives them. g[i] += gs * dv_i; vals[i] = v_i
 * when vals is not NULL; returns sum v_i in double. */
double sl_rule_loss(const sl_rule *r, const sl_rule_io *io, int n, float *g, double gs, double *vals);

/* Why name cannot name a hyper-parameter or state (NULL: it can): not an
 * identifier, too long, a function or constant, or a key every JavaScript
 * object has (__proto__, constructor, ...), which a page would mistake. */
const char *sl_rule_name_problem(const char *name);

/* 1 when name is a valid variable name (letters, digits, '_', not starting
 * with a digit, at most SL_RULE_NAME_LEN) that is no function or constant. */
int sl_rule_name_ok(const char *name);

#endif
