/* Recursive-descent compiler and stack evaluator for the formula language
 * described in formula.h. Precedence, lowest first: ternary, comparison,
 * + -, * / // %, unary + -, power. */
#include "formula.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    OP_PUSH, OP_EPOCH, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_NEG,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_SELECT,
    OP_EXP, OP_LOG, OP_SQRT, OP_SIN, OP_COS, OP_FLOOR, OP_CEIL, OP_ABS, OP_MIN, OP_MAX,
    OP_COUNT
};

/* stack effect of each op: pops, pushes */
static const signed char POPS[OP_COUNT] = { 0, 0, 2, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2 };

typedef struct {
    const char *text, *s;
    sl_formula *f;
    const char *thing, *field;
    int depth;  /* current stack depth of the emitted program */
    int nest;   /* recursion depth of the parser */
} cc;

SL_COMPACT static sl_status cerr(cc *c, const char *what)
{
    return sl_fail(SL_STATUS_PARSE, c->thing, c->field, "does not parse at column %d: %s", (int)(c->s - c->text) + 1, what);
}

SL_COMPACT static sl_status emit(cc *c, int op, double k)
{
    if (c->f->n_ops >= SL_FORMULA_MAX_OPS) return cerr(c, "formula is too long");
    c->f->op[c->f->n_ops] = (unsigned char)op;
    c->f->k[c->f->n_ops] = k;
    c->f->n_ops++;
    c->depth += 1 - POPS[op];
    if (c->depth > c->f->max_depth) c->f->max_depth = c->depth;
    return SL_STATUS_OK;
}

static void ws(cc *c)
{
    while (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r') c->s++;
}

static int eat(cc *c, const char *tok)
{
    ws(c);
    size_t n = strlen(tok);
    if (strncmp(c->s, tok, n) != 0) return 0;
    c->s += n;
    return 1;
}

static sl_status ternary(cc *c);
static sl_status unary(cc *c);

static int is_ident(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || (ch >= '0' && ch <= '9');
}

/* A decimal number as Python writes it (3, 0.5, .5, 1e-3). Of strtod's extras
 * only hex (0x10, 0x1p-2) can start with a digit, and it is refused; inf and
 * nan are names. A number glued to a letter, digit, '_' or '.' is refused, as
 * Python refuses 2epoch or 1e. */
SL_COMPACT static sl_status number(cc *c)
{
    if (c->s[0] == '0' && (c->s[1] == 'x' || c->s[1] == 'X')) return cerr(c, "hexadecimal is not supported; write numbers in decimal");
    char *end;
    double v = strtod(c->s, &end);
    if (end == c->s) return cerr(c, "expected a number");
    if (!isfinite(v)) return cerr(c, "number is too large");
    c->s = end;
    if (is_ident(*end) || *end == '.') return cerr(c, "a number must be followed by an operator, as in 2 * epoch");
    return emit(c, OP_PUSH, v);
}

SL_COMPACT static sl_status primary(cc *c)
{
    sl_status st;
    ws(c);
    if (*c->s == '(') {
        c->s++;
        if ((st = ternary(c))) return st;
        if (!eat(c, ")")) return cerr(c, "expected ')'");
        return SL_STATUS_OK;
    }
    if ((*c->s >= '0' && *c->s <= '9') || *c->s == '.') return number(c);
    const char *b = c->s;
    while (is_ident(*c->s)) c->s++;
    size_t n = (size_t)(c->s - b);
    if (n == 0) {
        if (*c->s == 0) return cerr(c, "unexpected end of formula");
        return cerr(c, "unexpected character");
    }
#define IS(w) (n == strlen(w) && strncmp(b, w, n) == 0)
    if (IS("epoch")) return emit(c, OP_EPOCH, 0);
    if (IS("pi")) return emit(c, OP_PUSH, 3.14159265358979323846);
    if (IS("e")) return emit(c, OP_PUSH, 2.71828182845904523536);
    static const struct { const char *name; int op, variadic; } FN[] = {
        { "exp", OP_EXP, 0 }, { "log", OP_LOG, 0 }, { "sqrt", OP_SQRT, 0 }, { "sin", OP_SIN, 0 },
        { "cos", OP_COS, 0 }, { "floor", OP_FLOOR, 0 }, { "ceil", OP_CEIL, 0 }, { "abs", OP_ABS, 0 },
        { "min", OP_MIN, 1 }, { "max", OP_MAX, 1 },
    };
    for (size_t i = 0; i < sizeof FN / sizeof FN[0]; i++) {
        if (!IS(FN[i].name)) continue;
        if (!eat(c, "(")) return cerr(c, "expected '(' after a function name");
        if ((st = ternary(c))) return st;
        int args = 1;
        while (eat(c, ",")) {
            if (!FN[i].variadic) return cerr(c, "this function takes one argument");
            if ((st = ternary(c))) return st;
            if ((st = emit(c, FN[i].op, 0))) return st;
            args++;
        }
        if (!eat(c, ")")) return cerr(c, "expected ')'");
        if (FN[i].variadic && args < 2) return cerr(c, "min and max take two or more arguments");
        return FN[i].variadic ? SL_STATUS_OK : emit(c, FN[i].op, 0);
    }
#undef IS
    c->s = b;
    return cerr(c, "unknown name (use epoch, pi, e or a function)");
}

SL_COMPACT static sl_status power(cc *c)
{
    sl_status st = primary(c);
    if (st) return st;
    if (eat(c, "**") || eat(c, "^")) {
        if ((st = unary(c))) return st; /* right-associative; 2^-1 allowed */
        return emit(c, OP_POW, 0);
    }
    return SL_STATUS_OK;
}

SL_COMPACT static sl_status unary(cc *c)
{
    if (++c->nest > 64) return cerr(c, "formula is nested too deeply");
    sl_status st;
    if (eat(c, "-")) {
        if (!(st = unary(c))) st = emit(c, OP_NEG, 0);
    } else if (eat(c, "+")) {
        st = unary(c);
    } else {
        st = power(c);
    }
    c->nest--;
    return st;
}

SL_COMPACT static sl_status product(cc *c)
{
    sl_status st = unary(c);
    while (!st) {
        int op;
        if (eat(c, "//")) op = OP_FLOORDIV;
        else if (eat(c, "*")) {
            if (*c->s == '*') { c->s--; break; } /* '**' belongs to power: cannot happen after unary, kept safe */
            op = OP_MUL;
        } else if (eat(c, "/")) op = OP_DIV;
        else if (eat(c, "%")) op = OP_MOD;
        else break;
        if (!(st = unary(c))) st = emit(c, op, 0);
    }
    return st;
}

SL_COMPACT static sl_status sum(cc *c)
{
    sl_status st = product(c);
    while (!st) {
        int op;
        if (eat(c, "+")) op = OP_ADD;
        else if (eat(c, "-")) op = OP_SUB;
        else break;
        if (!(st = product(c))) st = emit(c, op, 0);
    }
    return st;
}

/* Comparisons chain as in Python: a < b < c is (a < b) and (b < c). The
 * program has no DUP, so the middle operand's ops are emitted again (the
 * language has no side effects, so the value is the same) and the two 0/1
 * results are multiplied; the copy counts against SL_FORMULA_MAX_OPS. */
/* Comparisons chain as in Python: a < b < c is (a < b) and (b < c). The
 * program has no DUP, so the middle operand's ops are emitted again (the
 * language has no side effects, so it has the same value) and the two 0/1
 * results are multiplied; the copy counts against SL_FORMULA_MAX_OPS. */
SL_COMPACT static sl_status compare(cc *c)
{
    sl_status st = sum(c);
    for (int links = 0, from = 0, to = 0; !st; links++) {
        int op;
        if (eat(c, "<=")) op = OP_LE;
        else if (eat(c, ">=")) op = OP_GE;
        else if (eat(c, "==")) op = OP_EQ;
        else if (eat(c, "!=")) op = OP_NE;
        else if (eat(c, "<")) op = OP_LT;
        else if (eat(c, ">")) op = OP_GT;
        else break;
        for (int i = from; links && !st && i < to; i++) st = emit(c, c->f->op[i], c->f->k[i]);
        from = c->f->n_ops; /* [from, to): this link's right operand, the next link's left one */
        if (!st) st = sum(c);
        to = c->f->n_ops;
        if (!st) st = emit(c, op, 0);
        if (!st && links) st = emit(c, OP_MUL, 0);
    }
    return st;
}

SL_COMPACT static sl_status ternary(cc *c)
{
    if (++c->nest > 64) return cerr(c, "formula is nested too deeply");
    sl_status st = compare(c);
    if (!st && eat(c, "?")) {
        if ((st = ternary(c))) return st;
        if (!eat(c, ":")) return cerr(c, "expected ':' of the ternary c ? a : b");
        if ((st = ternary(c))) return st;
        st = emit(c, OP_SELECT, 0);
    }
    c->nest--;
    return st;
}

sl_status sl_formula_compile(const char *text, sl_formula *f, const char *thing, const char *field)
{
    memset(f, 0, sizeof *f);
    if (strlen(text) > SL_FORMULA_MAX_LEN)
        return sl_fail(SL_STATUS_PARSE, thing, field, "is longer than %d characters", SL_FORMULA_MAX_LEN);
    cc c = { text, text, f, thing, field, 0, 0 };
    ws(&c);
    if (*c.s == 0) return sl_fail(SL_STATUS_PARSE, thing, field, "is empty; write a formula in epoch, e.g. 0.95 ^ epoch");
    sl_status st = ternary(&c);
    if (!st) {
        ws(&c);
        if (*c.s) st = cerr(&c, *c.s == ')' ? "unbalanced ')'" : "unexpected text after the formula");
    }
    if (st) memset(f, 0, sizeof *f);
    return st;
}

static double py_mod(double a, double b)
{
    double m = fmod(a, b);
    if (m != 0 && ((b < 0) != (m < 0))) m += b;
    return m;
}

/* Python's float floor division (via fmod, so 1 // 0.1 is 9, not 10). */
static double py_floordiv(double a, double b)
{
    if (b == 0) return a == 0 || isnan(a) ? NAN : (a > 0) == !signbit(b) ? INFINITY : -INFINITY;
    double mod = fmod(a, b), div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0;
    double fl = floor(div);
    if (div - fl > 0.5) fl += 1.0;
    return div == 0 ? copysign(0.0, a / b) : fl;
}

double sl_formula_eval(const sl_formula *f, double epoch)
{
    double st[SL_FORMULA_MAX_OPS + 1];
    int sp = 0;
    for (int i = 0; i < f->n_ops; i++) {
        double a = sp >= 2 ? st[sp - 2] : 0, b = sp >= 1 ? st[sp - 1] : 0, r = 0;
        int op = f->op[i];
        switch (op) {
        case OP_PUSH: st[sp++] = f->k[i]; continue;
        case OP_EPOCH: st[sp++] = epoch; continue;
        case OP_ADD: r = a + b; break;
        case OP_SUB: r = a - b; break;
        case OP_MUL: r = a * b; break;
        case OP_DIV: r = a / b; break;
        case OP_FLOORDIV: r = py_floordiv(a, b); break;
        case OP_MOD: r = py_mod(a, b); break;
        case OP_POW: r = pow(a, b); break;
        case OP_LT: r = a < b; break;
        case OP_LE: r = a <= b; break;
        case OP_GT: r = a > b; break;
        case OP_GE: r = a >= b; break;
        case OP_EQ: r = a == b; break;
        case OP_NE: r = a != b; break;
        case OP_MIN: r = (b < a || isnan(b)) ? b : a; break;
        case OP_MAX: r = (b > a || isnan(b)) ? b : a; break;
        case OP_SELECT: {
            double cond = st[sp - 3];
            sp -= 3;
            st[sp++] = cond != 0 ? a : b;
            continue;
        }
        default: {
            /* one-argument functions and negation */
            double x = b;
            switch (op) {
            case OP_NEG: r = -x; break;
            case OP_EXP: r = exp(x); break;
            case OP_LOG: r = log(x); break;
            case OP_SQRT: r = sqrt(x); break;
            case OP_SIN: r = sin(x); break;
            case OP_COS: r = cos(x); break;
            case OP_FLOOR: r = floor(x); break;
            case OP_CEIL: r = ceil(x); break;
            case OP_ABS: r = fabs(x); break;
            }
            st[sp - 1] = r;
            continue;
        }
        }
        sp -= 2;
        st[sp++] = r;
    }
    return sp == 1 ? st[0] : NAN;
}

int sl_formula_valid(const sl_formula *f)
{
    if (f->n_ops < 1 || f->n_ops > SL_FORMULA_MAX_OPS) return 0;
    int depth = 0;
    for (int i = 0; i < f->n_ops; i++) {
        if (f->op[i] >= OP_COUNT) return 0;
        if (depth < POPS[f->op[i]]) return 0;
        depth += 1 - POPS[f->op[i]];
        if (depth > SL_FORMULA_MAX_OPS) return 0;
    }
    return depth == 1;
}
