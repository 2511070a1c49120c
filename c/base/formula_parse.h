/* Private to c/base/formula.c and c/base/rule.c: the expression parser both
 * compile with, and the op codes of their programs. LambdaLR formulas use
 * the ops below OP_COUNT (saved scheduler states hold them, so their numbers
 * never change); the rule language (rule.h) adds variables, sign and
 * assignments after them. */
#ifndef SL_FORMULA_PARSE_H
#define SL_FORMULA_PARSE_H

#include <math.h>

#include "status.h"

enum {
    OP_PUSH, OP_EPOCH, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_NEG,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_SELECT,
    OP_EXP, OP_LOG, OP_SQRT, OP_SIN, OP_COS, OP_FLOOR, OP_CEIL, OP_ABS, OP_MIN, OP_MAX,
    OP_COUNT, /* the LambdaLR language ends here */
    OP_VAR = OP_COUNT, /* push variable k */
    OP_SIGN,           /* -1, 0 or 1 (NaN stays NaN) */
    OP_STORE,          /* pop into variable k */
    OP_RULE_COUNT
};

/* stack effect of each op: values popped (each pushes one, but OP_STORE pushes none) */
extern const signed char SL_OP_POPS[OP_RULE_COUNT];

/* The variables a rule may read, in slot order (slot = index). */
typedef struct {
    int n;
    const char *const *name;
} sl_cc_names;

/* One compilation: the text, where the parser stands, the program it writes. */
typedef struct {
    const char *text, *s;
    unsigned char *op;
    double *k;
    int n_ops, cap;     /* ops written, room */
    int depth, max_depth; /* stack depth of the emitted program now and at most */
    const char *thing, *field;
    int nest, max_nest; /* parser recursion now and allowed */
    const sl_cc_names *names; /* NULL: the LambdaLR language (epoch only, no sign or pow) */
} sl_cc;

sl_status sl_cc_err(sl_cc *c, const char *what);
sl_status sl_cc_emit(sl_cc *c, int op, double k);
void sl_cc_ws(sl_cc *c);
/* One expression (the ternary, the lowest precedence) at c->s. */
sl_status sl_cc_expr(sl_cc *c);
int sl_cc_is_ident(char ch);
/* 1 when word (n characters) is a function or constant of the language. */
int sl_cc_reserved(const char *word, size_t n);

/* Python's float % and // (the sign of the divisor; floor division via fmod, so 1 // 0.1 is 9, not 10),
   shared by the LambdaLR evaluator (formula.c) and the rule evaluators (rule_eval.c); inline for their loops. */
static inline double sl_py_mod(double a, double b)
{
    double m = fmod(a, b);
    if (m != 0 && ((b < 0) != (m < 0))) m += b;
    return m;
}

static inline double sl_py_floordiv(double a, double b)
{
    if (b == 0) return a == 0 || isnan(a) ? NAN : (a > 0) == !signbit(b) ? INFINITY : -INFINITY;
    double mod = fmod(a, b), div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0;
    double fl = floor(div);
    if (div - fl > 0.5) fl += 1.0;
    return div == 0 ? copysign(0.0, a / b) : fl;
}

#endif
