/* Compiling the rule language (rule.h): statements `name = expr` separated by
 * ';' or new lines, each expression parsed by the formula parser
 * (formula_parse.h) with the rule's variables; and the check of a program
 * read back from a saved state. Evaluation is in rule_eval.c. */
#include "rule.h"
#include "formula_parse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Cold code (compiling, validation, messages): compiled for size, like spec.c. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

int sl_rule_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > SL_RULE_NAME_LEN || (name[0] >= '0' && name[0] <= '9')) return 0;
    for (size_t i = 0; i < n; i++)
        if (!sl_cc_is_ident(name[i])) return 0;
    return !sl_cc_reserved(name, n);
}

const char *sl_rule_name_problem(const char *name)
{
    static const char *const PROTO[] = { "constructor", "prototype", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
                                         "toLocaleString", "toString", "valueOf" };
    if (!name[0]) return "is not a name: use letters, digits and _";
    if (strncmp(name, "__", 2) == 0) return "is reserved: names starting with __ are JavaScript's object keys (__proto__)";
    for (size_t i = 0; i < sizeof PROTO / sizeof PROTO[0]; i++)
        if (!strcmp(name, PROTO[i])) return "is reserved: it is a key every JavaScript object has";
    if (strlen(name) > SL_RULE_NAME_LEN) return "is too long: names have at most 24 characters";
    if (!sl_rule_name_ok(name))
        return "is not a name: use letters, digits and _ (not first a digit), and no function or constant (pi, e, exp, ...)";
    return NULL;
}

/* The names a statement may assign, for messages: "p, v". */
static void assignable_list(const char *const *names, int n_vars, unsigned assignable, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < n_vars && o < cap; i++)
        if (assignable >> i & 1) o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", names[i]);
}

/* The name being assigned at c->s: its slot, or an error at its column. */
SL_COMPACT static sl_status target(sl_cc *c, const char *const *names, int n_vars, unsigned assignable, int *slot)
{
    const char *b = c->s;
    while (sl_cc_is_ident(*c->s)) c->s++;
    size_t n = (size_t)(c->s - b);
    char can[300], msg[480];
    assignable_list(names, n_vars, assignable, can, sizeof can);
    if (n == 0 || (b[0] >= '0' && b[0] <= '9')) {
        c->s = b;
        snprintf(msg, sizeof msg, "expected an assignment such as %s = ..., to one of %s", names[0], can);
        return sl_cc_err(c, msg);
    }
    for (int i = 0; i < n_vars; i++) {
        if (strlen(names[i]) != n || strncmp(b, names[i], n)) continue;
        if (assignable >> i & 1) {
            *slot = i;
            return SL_STATUS_OK;
        }
        c->s = b;
        snprintf(msg, sizeof msg, "cannot assign to %s: it is read-only; assign one of %s", names[i], can);
        return sl_cc_err(c, msg);
    }
    c->s = b;
    snprintf(msg, sizeof msg, "cannot assign to '%.*s': it is not a state name (declare it in state, e.g. state: { %.*s: 0 }); assign one of %s",
             (int)(n > 24 ? 24 : n), b, (int)(n > 24 ? 24 : n), b, can);
    return sl_cc_err(c, msg);
}

/* 1 when the whitespace just before c->s holds a new line. */
static int newline_before(const sl_cc *c)
{
    for (const char *q = c->s; q > c->text && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r' || q[-1] == '\n'); q--)
        if (q[-1] == '\n') return 1;
    return 0;
}

SL_COMPACT static sl_status statements(sl_cc *c, const char *const *names, int n_vars, unsigned assignable, int must, sl_rule *r)
{
    sl_status st;
    int assigned = 0;
    for (;;) {
        sl_cc_ws(c);
        if (*c->s == 0) break;
        if (r->n_stmts >= SL_RULE_MAX_STMTS) {
            char msg[80];
            snprintf(msg, sizeof msg, "more than %d statements", SL_RULE_MAX_STMTS);
            return sl_cc_err(c, msg);
        }
        int slot = -1;
        if ((st = target(c, names, n_vars, assignable, &slot))) return st;
        sl_cc_ws(c);
        if (c->s[0] != '=' || c->s[1] == '=') return sl_cc_err(c, "expected '=' after the name being assigned");
        c->s++;
        sl_cc_ws(c);
        if (*c->s == 0 || *c->s == ';') return sl_cc_err(c, "expected an expression after '='");
        if ((st = sl_cc_expr(c)) || (st = sl_cc_emit(c, OP_STORE, slot))) return st;
        r->n_stmts++;
        if (slot == must) assigned = 1;
        int nl = newline_before(c);
        sl_cc_ws(c);
        if (*c->s == ';') {
            while (*c->s == ';' || *c->s == ' ' || *c->s == '\t' || *c->s == '\r' || *c->s == '\n') c->s++;
        } else if (*c->s && !nl) {
            return sl_cc_err(c, *c->s == ')' ? "unbalanced ')'" : "expected ';' or a new line before the next statement");
        }
    }
    if (r->n_stmts == 0) return sl_cc_err(c, "expected an assignment");
    if (must >= 0 && !assigned) {
        char msg[120];
        snprintf(msg, sizeof msg, "never assigns %s; write a statement such as %s = %s - lr * g", names[must], names[must], names[must]);
        return sl_fail(SL_STATUS_PARSE, c->thing, c->field, "%s", msg);
    }
    return SL_STATUS_OK;
}

SL_COMPACT sl_status sl_rule_compile(const char *text, const char *const *names, int n_vars, unsigned assignable, int must, sl_rule *r,
                                     const char *thing, const char *field)
{
    memset(r, 0, sizeof *r);
    if (n_vars < 1 || n_vars > SL_RULE_MAX_VARS)
        return sl_fail(SL_STATUS_INVALID, thing, field, "has %d variables; at most %d", n_vars, SL_RULE_MAX_VARS);
    size_t len = strlen(text);
    if (len > SL_RULE_MAX_LEN)
        return sl_fail(SL_STATUS_PARSE, thing, field, "is longer than %d characters (got %zu)", SL_RULE_MAX_LEN, len);
    sl_cc_names nm = { n_vars, names };
    sl_cc c = { text, text, r->op, r->k, 0, SL_RULE_MAX_OPS, 0, 0, thing, field, 0, SL_RULE_MAX_NEST, &nm };
    sl_cc_ws(&c);
    sl_status st;
    if (*c.s == 0) {
        st = sl_fail(SL_STATUS_PARSE, thing, field, assignable ? "is empty; write statements such as p = p - lr * g"
                                                                : "is empty; write an expression in x and y, e.g. (x - y)^2");
    } else if (assignable) {
        st = statements(&c, names, n_vars, assignable, must, r);
    } else {
        st = sl_cc_expr(&c);
        if (!st) {
            sl_cc_ws(&c);
            if (*c.s == '=' && c.s[1] != '=') st = sl_cc_err(&c, "a loss is one expression, not an assignment");
            else if (*c.s) st = sl_cc_err(&c, *c.s == ')' ? "unbalanced ')'" : "unexpected text after the expression");
        }
    }
    if (!st && c.max_depth > SL_RULE_MAX_DEPTH)
        st = sl_fail(SL_STATUS_PARSE, thing, field, "needs %d values on the evaluation stack, more than %d; split it into statements",
                     c.max_depth, SL_RULE_MAX_DEPTH);
    r->n_ops = c.n_ops;
    r->max_depth = c.max_depth;
    r->n_vars = n_vars;
    if (st) memset(r, 0, sizeof *r);
    return st;
}

int sl_rule_valid(const sl_rule *r, unsigned assignable)
{
    if (r->n_ops < 1 || r->n_ops > SL_RULE_MAX_OPS || r->n_vars < 1 || r->n_vars > SL_RULE_MAX_VARS) return 0;
    if (r->max_depth < 1 || r->max_depth > SL_RULE_MAX_DEPTH) return 0;
    if (r->n_stmts < 0 || r->n_stmts > SL_RULE_MAX_STMTS || (r->n_stmts > 0) != (assignable != 0)) return 0;
    int depth = 0, stmts = 0;
    for (int i = 0; i < r->n_ops; i++) {
        int op = r->op[i];
        if (op >= OP_RULE_COUNT || op == OP_EPOCH) return 0;
        if (depth < SL_OP_POPS[op]) return 0;
        if (op == OP_PUSH && !isfinite(r->k[i])) return 0;
        if (op == OP_VAR || op == OP_STORE) {
            double k = r->k[i];
            if (!(k >= 0 && k < r->n_vars) || k != (int)k) return 0;
            if (op == OP_STORE && !(assignable >> (int)k & 1)) return 0;
        }
        if (op == OP_STORE) {
            if (depth != 1) return 0;
            stmts++;
        }
        depth += (op == OP_STORE ? 0 : 1) - SL_OP_POPS[op];
        if (depth > r->max_depth) return 0;
    }
    return assignable ? depth == 0 && stmts == r->n_stmts : depth == 1;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
