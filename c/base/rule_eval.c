/* Evaluating rule programs (rule.h) over vectors. The stack holds columns of
 * SL_RULE_BLOCK doubles; each op is one loop over a block, so the dispatch
 * costs once per op and block and the loops are plain arithmetic that the
 * compiler vectorizes (clang -O3 -msimd128: f64x2). The update rule's
 * evaluator keeps uniform values (constants, scalars and what is computed from
 * them alone, such as 1 - b1^t) as one number, computed once per block.
 * Python's semantics are
 * those of formula.c (//, %, min and max with NaN). The loss evaluator
 * carries a second column per value: its derivative in x (forward-mode dual
 * numbers). A term whose derivative factor is 0 contributes 0, so that a
 * target-only branch such as sqrt(y) at y = 0 does not turn 0 * inf into NaN. */
#include "rule.h"
#include "formula_parse.h"

#include <math.h>
#include <string.h>

#define B SL_RULE_BLOCK
#define EACH for (int j = 0; j < m; j++)

static double sgn(double v) { return v > 0 ? 1 : v < 0 ? -1 : v; } /* 0, -0 and NaN stay */

/* d * f, 0 when d is 0 (see the file comment) */
static double dmul(double d, double f) { return d == 0 ? 0 : d * f; }

/* One value op on columns: a (below) and b (top) into o (which may be a). */
static void binary(int op, double *o, const double *a, const double *b, int m)
{
    switch (op) {
    case OP_ADD: EACH o[j] = a[j] + b[j]; break;
    case OP_SUB: EACH o[j] = a[j] - b[j]; break;
    case OP_MUL: EACH o[j] = a[j] * b[j]; break;
    case OP_DIV: EACH o[j] = a[j] / b[j]; break;
    case OP_FLOORDIV: EACH o[j] = sl_py_floordiv(a[j], b[j]); break;
    case OP_MOD: EACH o[j] = sl_py_mod(a[j], b[j]); break;
    case OP_POW: EACH o[j] = b[j] == 2 ? a[j] * a[j] : pow(a[j], b[j]); break; /* x^2 is exact either way */
    case OP_LT: EACH o[j] = a[j] < b[j]; break;
    case OP_LE: EACH o[j] = a[j] <= b[j]; break;
    case OP_GT: EACH o[j] = a[j] > b[j]; break;
    case OP_GE: EACH o[j] = a[j] >= b[j]; break;
    case OP_EQ: EACH o[j] = a[j] == b[j]; break;
    case OP_NE: EACH o[j] = a[j] != b[j]; break;
    case OP_MIN: EACH o[j] = (b[j] < a[j] || isnan(b[j])) ? b[j] : a[j]; break;
    case OP_MAX: EACH o[j] = (b[j] > a[j] || isnan(b[j])) ? b[j] : a[j]; break;
    default: break;
    }
}

static void unary(int op, double *o, const double *a, int m)
{
    switch (op) {
    case OP_NEG: EACH o[j] = -a[j]; break;
    case OP_EXP: EACH o[j] = exp(a[j]); break;
    case OP_LOG: EACH o[j] = log(a[j]); break;
    case OP_SQRT: EACH o[j] = sqrt(a[j]); break;
    case OP_SIN: EACH o[j] = sin(a[j]); break;
    case OP_COS: EACH o[j] = cos(a[j]); break;
    case OP_FLOOR: EACH o[j] = floor(a[j]); break;
    case OP_CEIL: EACH o[j] = ceil(a[j]); break;
    case OP_ABS: EACH o[j] = fabs(a[j]); break;
    case OP_SIGN: EACH o[j] = sgn(a[j]); break;
    default: break;
    }
}

/* The variables' columns for the block at i0 of m elements (loss evaluation: every variable). */
static void load(const sl_rule *r, const sl_rule_io *io, double (*var)[B], int i0, int m)
{
    for (int v = 0; v < r->n_vars; v++) {
        const float *in = io->in[v];
        if (in) EACH var[v][j] = in[i0 + j];
        else EACH var[v][j] = io->scalar[v];
    }
}

/* A value on the update rule's stack: a column (a variable's, or tmp[its depth]) or one
 * uniform number (constants, scalars and what is computed from them alone: 1 - b1^t is
 * computed once per block, not per element). */
typedef struct {
    const double *c; /* NULL: uniform */
    double u;
} val;

static const double *column(const val *v, double *room, int m)
{
    if (v->c) return v->c;
    EACH room[j] = v->u;
    return room;
}

void sl_rule_run(const sl_rule *r, const sl_rule_io *io, int n)
{
    double tmp[SL_RULE_MAX_DEPTH + 1][B], var[SL_RULE_MAX_VARS][B];
    val st[SL_RULE_MAX_DEPTH + 1];
    unsigned stored = 0, column_var = 0;
    for (int i = 0; i < r->n_ops; i++)
        if (r->op[i] == OP_STORE) stored |= 1u << (int)r->k[i];
    for (int v = 0; v < r->n_vars; v++)
        if (io->in[v] || (stored >> v & 1)) column_var |= 1u << v;
    for (int i0 = 0; i0 < n; i0 += B) {
        int m = n - i0 < B ? n - i0 : B, sp = 0;
        for (int v = 0; v < r->n_vars; v++) {
            if (!(column_var >> v & 1)) continue;
            const float *in = io->in[v];
            if (in) EACH var[v][j] = in[i0 + j];
            else EACH var[v][j] = io->scalar[v];
        }
        for (int i = 0; i < r->n_ops; i++) {
            int op = r->op[i];
            switch (op) {
            case OP_PUSH: st[sp].c = NULL, st[sp].u = r->k[i], sp++; break;
            case OP_VAR: {
                int v = (int)r->k[i];
                st[sp].c = column_var >> v & 1 ? var[v] : NULL, st[sp].u = io->scalar[v], sp++;
                break;
            }
            case OP_STORE: {
                /* a stored value is rounded to float32, as the array keeps it */
                double *to = var[(int)r->k[i]];
                sp--;
                const double *from = column(&st[sp], tmp[sp], m);
                EACH to[j] = (double)(float)from[j];
                break;
            }
            case OP_SELECT: {
                val *c = &st[sp - 3], *a = &st[sp - 2], *b = &st[sp - 1];
                if (!c->c) {
                    *c = c->u != 0 ? *a : *b; /* a uniform condition picks a whole branch */
                    if (c->c == tmp[sp - 2] || c->c == tmp[sp - 1]) {
                        memcpy(tmp[sp - 3], c->c, sizeof *tmp);
                        c->c = tmp[sp - 3];
                    }
                } else {
                    const double *C = c->c, *A = column(a, tmp[sp - 2], m), *Bv = column(b, tmp[sp - 1], m);
                    double *o = tmp[sp - 3];
                    EACH o[j] = C[j] != 0 ? A[j] : Bv[j];
                    c->c = o;
                }
                sp -= 2;
                break;
            }
            default:
                if (SL_OP_POPS[op] == 2) {
                    val *a = &st[sp - 2], *b = &st[sp - 1];
                    if (!a->c && !b->c) {
                        binary(op, &a->u, &a->u, &b->u, 1);
                    } else {
                        const double *A = column(a, tmp[sp - 2], m), *Bv = column(b, tmp[sp - 1], m);
                        binary(op, tmp[sp - 2], A, Bv, m);
                        a->c = tmp[sp - 2];
                    }
                    sp--;
                } else {
                    val *a = &st[sp - 1];
                    if (!a->c) unary(op, &a->u, &a->u, 1);
                    else unary(op, tmp[sp - 1], a->c, m), a->c = tmp[sp - 1];
                }
                break;
            }
        }
        for (int v = 0; v < r->n_vars; v++)
            if ((stored >> v & 1) && io->out[v]) EACH io->out[v][i0 + j] = (float)var[v][j];
    }
}

/* The dual (value a, derivative da) of op on (a, da) and (b, db), into (a, da). */
static void dual_binary(int op, double *a, double *da, const double *b, const double *db, int m)
{
    switch (op) {
    case OP_ADD: EACH da[j] += db[j]; break;
    case OP_SUB: EACH da[j] -= db[j]; break;
    case OP_MUL: EACH da[j] = dmul(da[j], b[j]) + dmul(db[j], a[j]); break;
    case OP_DIV: EACH da[j] = dmul(da[j], 1 / b[j]) - dmul(db[j], a[j] / (b[j] * b[j])); break;
    case OP_MOD: EACH da[j] = da[j] - dmul(db[j], sl_py_floordiv(a[j], b[j])); break;
    case OP_POW:
        EACH {
            double x = a[j], y = b[j], d = 0;
            if (da[j] != 0 && y != 0) d = da[j] * (y == 2 ? 2 * x : y == 1 ? 1 : y * pow(x, y - 1));
            if (db[j] != 0) d += db[j] * (pow(x, y) * log(x));
            da[j] = d;
        }
        break;
    case OP_MIN: EACH da[j] = (b[j] < a[j] || isnan(b[j])) ? db[j] : da[j]; break;
    case OP_MAX: EACH da[j] = (b[j] > a[j] || isnan(b[j])) ? db[j] : da[j]; break;
    default: EACH da[j] = 0; break; /* comparisons, // */
    }
    binary(op, a, a, b, m);
}

static void dual_unary(int op, double *a, double *da, int m)
{
    switch (op) {
    case OP_NEG: EACH da[j] = -da[j]; break;
    case OP_EXP: EACH da[j] = dmul(da[j], exp(a[j])); break;
    case OP_LOG: EACH da[j] = dmul(da[j], 1 / a[j]); break;
    case OP_SQRT: EACH da[j] = dmul(da[j], 0.5 / sqrt(a[j])); break;
    case OP_SIN: EACH da[j] = dmul(da[j], cos(a[j])); break;
    case OP_COS: EACH da[j] = dmul(da[j], -sin(a[j])); break;
    case OP_ABS: EACH da[j] = dmul(da[j], a[j] > 0 ? 1 : a[j] < 0 ? -1 : 0); break; /* |x|' at 0 is 0, as in PyTorch */
    default: EACH da[j] = 0; break; /* floor, ceil, sign */
    }
    unary(op, a, a, m);
}

double sl_rule_loss(const sl_rule *r, const sl_rule_io *io, int n, float *g, double gs, double *vals)
{
    double st[SL_RULE_MAX_DEPTH + 1][B], ds[SL_RULE_MAX_DEPTH + 1][B], var[SL_RULE_MAX_VARS][B];
    double total = 0;
    for (int i0 = 0; i0 < n; i0 += B) {
        int m = n - i0 < B ? n - i0 : B, sp = 0;
        load(r, io, var, i0, m);
        for (int i = 0; i < r->n_ops; i++) {
            int op = r->op[i];
            switch (op) {
            case OP_PUSH: { double k = r->k[i]; EACH st[sp][j] = k, ds[sp][j] = 0; sp++; break; }
            case OP_VAR: {
                int v = (int)r->k[i];
                memcpy(st[sp], var[v], sizeof st[0]);
                EACH ds[sp][j] = v == 0; /* x is slot 0 */
                sp++;
                break;
            }
            case OP_SELECT: {
                double *c = st[sp - 3], *dc = ds[sp - 3];
                EACH {
                    int take = c[j] != 0;
                    c[j] = take ? st[sp - 2][j] : st[sp - 1][j];
                    dc[j] = take ? ds[sp - 2][j] : ds[sp - 1][j];
                }
                sp -= 2;
                break;
            }
            default:
                if (SL_OP_POPS[op] == 2) dual_binary(op, st[sp - 2], ds[sp - 2], st[sp - 1], ds[sp - 1], m), sp--;
                else dual_unary(op, st[sp - 1], ds[sp - 1], m);
                break;
            }
        }
        EACH {
            total += st[0][j];
            if (vals) vals[i0 + j] = st[0][j];
            g[i0 + j] += (float)(gs * ds[0][j]);
        }
    }
    return total;
}
