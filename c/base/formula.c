/* Recursive-descent compiler and stack evaluator for the formula language
 * described in formula.h. Precedence, lowest first: ternary, comparison,
 * + -, * / // %, unary + -, power. */
#include "formula.h"
#include "formula_parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* values each op pops; every op but OP_STORE pushes one */
const signed char SL_OP_POPS[OP_RULE_COUNT] = { 0, 0, 2, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2,
                                                0, 1, 1 };
#define POPS SL_OP_POPS

typedef sl_cc cc;

SL_COMPACT sl_status sl_cc_err(cc *c, const char *what)
{
    return sl_fail(SL_STATUS_PARSE, c->thing, c->field, "does not parse at column %d: %s", (int)(c->s - c->text) + 1, what);
}
#define cerr sl_cc_err

SL_COMPACT sl_status sl_cc_emit(cc *c, int op, double k)
{
    if (c->n_ops >= c->cap) return cerr(c, "formula is too long");
    c->op[c->n_ops] = (unsigned char)op;
    c->k[c->n_ops] = k;
    c->n_ops++;
    c->depth += (op == OP_STORE ? 0 : 1) - POPS[op];
    if (c->depth > c->max_depth) c->max_depth = c->depth;
    return SL_STATUS_OK;
}
#define emit sl_cc_emit

/* Skips white space, and in the rule language a comment from '#' to the end of the line. */
void sl_cc_ws(cc *c)
{
    for (;;) {
        while (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r') c->s++;
        if (!c->names || *c->s != '#') return;
        while (*c->s && *c->s != '\n') c->s++;
    }
}
#define ws sl_cc_ws

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

int sl_cc_is_ident(char ch)
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
    if (sl_cc_is_ident(*end) || *end == '.') return cerr(c, "a number must be followed by an operator, as in 2 * epoch");
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
    while (sl_cc_is_ident(*c->s)) c->s++;
    size_t n = (size_t)(c->s - b);
    if (n == 0) {
        if (*c->s == 0) return cerr(c, "unexpected end of formula");
        return cerr(c, "unexpected character");
    }
#define IS(w) (n == strlen(w) && strncmp(b, w, n) == 0)
    if (!c->names && IS("epoch")) return emit(c, OP_EPOCH, 0);
    if (IS("pi")) return emit(c, OP_PUSH, 3.14159265358979323846);
    if (IS("e")) return emit(c, OP_PUSH, 2.71828182845904523536);
    /* args: 1 one argument, 2 two or more, 3 exactly two; rule: only in the rule language */
    static const struct { const char *name; int op, args, rule; } FN[] = {
        { "exp", OP_EXP, 1, 0 }, { "log", OP_LOG, 1, 0 }, { "sqrt", OP_SQRT, 1, 0 }, { "sin", OP_SIN, 1, 0 },
        { "cos", OP_COS, 1, 0 }, { "floor", OP_FLOOR, 1, 0 }, { "ceil", OP_CEIL, 1, 0 }, { "abs", OP_ABS, 1, 0 },
        { "min", OP_MIN, 2, 0 }, { "max", OP_MAX, 2, 0 }, { "sign", OP_SIGN, 1, 1 }, { "pow", OP_POW, 3, 1 },
    };
    for (size_t i = 0; i < sizeof FN / sizeof FN[0]; i++) {
        if (!IS(FN[i].name) || (FN[i].rule && !c->names)) continue;
        if (!eat(c, "(")) return cerr(c, "expected '(' after a function name");
        if ((st = ternary(c))) return st;
        int args = 1;
        while (eat(c, ",")) {
            if (FN[i].args == 1) return cerr(c, "this function takes one argument");
            if (FN[i].args == 3 && args == 2) return cerr(c, "pow takes two arguments, pow(base, exponent)");
            if ((st = ternary(c))) return st;
            if (FN[i].args == 2 && (st = emit(c, FN[i].op, 0))) return st;
            args++;
        }
        if (!eat(c, ")")) return cerr(c, "expected ')'");
        if (FN[i].args == 2 && args < 2) return cerr(c, "min and max take two or more arguments");
        if (FN[i].args == 3 && args != 2) return cerr(c, "pow takes two arguments, pow(base, exponent)");
        return FN[i].args == 2 ? SL_STATUS_OK : emit(c, FN[i].op, 0);
    }
    if (c->names)
        for (int i = 0; i < c->names->n; i++)
            if (IS(c->names->name[i])) return emit(c, OP_VAR, i);
#undef IS
    c->s = b;
    if (!c->names) return cerr(c, "unknown name (use epoch, pi, e or a function)");
    char msg[400];
    size_t o = (size_t)snprintf(msg, sizeof msg, "unknown name '%.*s' (use ", (int)(n > 24 ? 24 : n), b);
    for (int i = 0; i < c->names->n && o < sizeof msg; i++) o += (size_t)snprintf(msg + o, sizeof msg - o, "%s, ", c->names->name[i]);
    if (o < sizeof msg) snprintf(msg + o, sizeof msg - o, "pi, e or a function)");
    return cerr(c, msg);
}

int sl_cc_reserved(const char *b, size_t n)
{
    static const char *const WORDS[] = { "pi", "e", "epoch", "exp", "log", "sqrt", "sin", "cos", "floor", "ceil", "abs", "min", "max", "sign", "pow" };
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++)
        if (n == strlen(WORDS[i]) && strncmp(b, WORDS[i], n) == 0) return 1;
    return 0;
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
    if (++c->nest > c->max_nest) return cerr(c, "formula is nested too deeply");
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
        for (int i = from; links && !st && i < to; i++) st = emit(c, c->op[i], c->k[i]);
        from = c->n_ops; /* [from, to): this link's right operand, the next link's left one */
        if (!st) st = sum(c);
        to = c->n_ops;
        if (!st) st = emit(c, op, 0);
        if (!st && links) st = emit(c, OP_MUL, 0);
    }
    return st;
}

sl_status sl_cc_expr(cc *c) { return ternary(c); }

SL_COMPACT static sl_status ternary(cc *c)
{
    if (++c->nest > c->max_nest) return cerr(c, "formula is nested too deeply");
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
    cc c = { text, text, f->op, f->k, 0, SL_FORMULA_MAX_OPS, 0, 0, thing, field, 0, 64, NULL };
    ws(&c);
    if (*c.s == 0) return sl_fail(SL_STATUS_PARSE, thing, field, "is empty; write a formula in epoch, e.g. 0.95 ^ epoch");
    sl_status st = ternary(&c);
    if (!st) {
        ws(&c);
        if (*c.s) st = cerr(&c, *c.s == ')' ? "unbalanced ')'" : "unexpected text after the formula");
    }
    f->n_ops = c.n_ops;
    f->max_depth = c.max_depth;
    if (st) memset(f, 0, sizeof *f);
    return st;
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
        case OP_FLOORDIV: r = sl_py_floordiv(a, b); break;
        case OP_MOD: r = sl_py_mod(a, b); break;
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
