/* Writing JSON: the registry tables as JSON for the JS API's lists and the page's
 * controls, and a parsed document (or one node of it) written back out. Every writer
 * returns the new length, or -1 once anything failed (and stays -1). */
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cold code: compiled for size. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static int grow(char **buf, int len, int *cap, int need)
{
    if (len + need + 1 <= *cap) return 0;
    int ncap = *cap ? *cap : 4096;
    while (ncap < len + need + 1) ncap *= 2;
    char *nb = realloc(*buf, (size_t)ncap);
    if (!nb) return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}

static int append(char **buf, int len, int *cap, const char *fmt, const char *a, const char *b)
{
    int need = snprintf(NULL, 0, fmt, a, b);
    if (len < 0 || grow(buf, len, cap, need)) return -1;
    snprintf(*buf + len, (size_t)(need + 1), fmt, a, b);
    return len + need;
}

static const char *kind_word(int k)
{
    static const char *w[] = { "number", "integer", "boolean", "enum", "string", "numbers", "specs", "any" };
    return w[k];
}

static const char *json_num(double v, char *tmp)
{
    if (!isfinite(v)) return isnan(v) ? "null" : (v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    strcpy(tmp, sl_num(v).s);
    return tmp;
}

int sl_json_append(char **buf, int len, int *cap, const char *text)
{
    return append(buf, len, cap, "%s%s", text, "");
}

int sl_json_write(char **buf, int len, int *cap, const sl_json *doc, int node, const char *skip_key)
{
    const sl_jnode *n = &doc->nodes[node];
    char piece[48];
    switch (n->type) {
    case SL_J_NULL: return sl_json_append(buf, len, cap, "null");
    case SL_J_BOOL: return sl_json_append(buf, len, cap, n->num != 0 ? "true" : "false");
    case SL_J_NUM:
        if (isnan(n->num)) return sl_json_append(buf, len, cap, "null");
        if (isinf(n->num)) return sl_json_append(buf, len, cap, n->num > 0 ? "1e999" : "-1e999");
        strcpy(piece, sl_num(n->num).s);
        return sl_json_append(buf, len, cap, piece);
    case SL_J_STR: {
        len = sl_json_append(buf, len, cap, "\"");
        for (const unsigned char *s = (const unsigned char *)n->str; *s && len >= 0; s++) {
            if (*s == '"' || *s == '\\') snprintf(piece, sizeof piece, "\\%c", *s);
            else if (*s < 0x20) snprintf(piece, sizeof piece, "\\u%04x", *s);
            else piece[0] = (char)*s, piece[1] = 0;
            len = sl_json_append(buf, len, cap, piece);
        }
        return sl_json_append(buf, len, cap, "\"");
    }
    default: {
        int obj = n->type == SL_J_OBJ, first = 1;
        len = sl_json_append(buf, len, cap, obj ? "{" : "[");
        for (int c = n->child; c >= 0 && len >= 0; c = doc->nodes[c].next) {
            if (obj && skip_key && !strcmp(doc->nodes[c].key, skip_key)) continue;
            if (!first) len = sl_json_append(buf, len, cap, ",");
            first = 0;
            if (obj) {
                sl_jnode key = { SL_J_STR, 0, -1, -1, NULL, doc->nodes[c].key, 0 };
                sl_json one = { &key, 1, NULL };
                len = sl_json_write(buf, len, cap, &one, 0, NULL);
                len = sl_json_append(buf, len, cap, ":");
            }
            len = sl_json_write(buf, len, cap, doc, c, NULL);
        }
        return sl_json_append(buf, len, cap, obj ? "}" : "]");
    }
    }
}

int sl_kinds_json(char **buf, int len, int *cap, const void *table, size_t stride, int n)
{
    return sl_kinds_json_ex(buf, len, cap, table, stride, n, NULL);
}

int sl_kinds_json_ex(char **buf, int len, int *cap, const void *table, size_t stride, int n, sl_row_extra extra)
{
    char t1[40], t2[40];
    len = append(buf, len, cap, "[", "", "");
    for (int i = 0; i < n; i++) {
        const sl_kind *k = (const sl_kind *)((const char *)table + stride * (size_t)i);
        len = append(buf, len, cap, "%s{\"name\":\"%s\"", i ? "," : "", k->name);
        len = append(buf, len, cap, ",\"summary\":\"%s\"%s", k->summary ? k->summary : "", "");
        if (k->category) len = append(buf, len, cap, ",\"category\":\"%s\"%s", k->category, "");
        if (k->starter) len = append(buf, len, cap, ",\"starter\":%s%s", k->starter, "");
        len = k->length_param ? append(buf, len, cap, ",\"length_param\":\"%s\"%s", k->length_param, "")
                              : append(buf, len, cap, ",\"length_param\":null%s%s", "", "");
        if (k->textbook) len = append(buf, len, cap, ",\"textbook\":true%s%s", "", "");
        if (extra && len >= 0) len = extra(k, buf, len, cap);
        len = append(buf, len, cap, ",\"params\":[%s%s", "", "");
        for (int j = 0; j < k->n_params; j++) {
            const sl_param *p = &k->params[j];
            len = append(buf, len, cap, "%s{\"name\":\"%s\"", j ? "," : "", p->name);
            len = append(buf, len, cap, ",\"kind\":\"%s\"%s", kind_word(p->kind), "");
            len = append(buf, len, cap, ",\"default\":%s,\"lo\":%s", json_num(p->def, t1), json_num(p->lo, t2));
            len = append(buf, len, cap, ",\"hi\":%s%s", json_num(p->hi, t1), "");
            len = append(buf, len, cap, ",\"required\":%s,\"lo_open\":%s", p->flags & SL_F_REQUIRED ? "true" : "false",
                         p->flags & SL_F_LO_OPEN ? "true" : "false");
            len = append(buf, len, cap, ",\"hi_open\":%s,\"nullable\":%s", p->flags & SL_F_HI_OPEN ? "true" : "false",
                         p->flags & SL_F_NULLABLE ? "true" : "false");
            if (p->choices) len = append(buf, len, cap, ",\"choices\":\"%s\"%s", p->choices, "");
            if (p->flags & SL_F_PER_GROUP) len = append(buf, len, cap, ",\"per_group\":true%s%s", "", "");
            if (p->flags & SL_F_TEXTBOOK) len = append(buf, len, cap, ",\"textbook\":true%s%s", "", "");
            if (p->kind == SL_P_NUMS || p->kind == SL_P_SPECS) {
                snprintf(t1, sizeof t1, "%d", p->min_len);
                snprintf(t2, sizeof t2, "%d", p->max_len);
                len = append(buf, len, cap, ",\"min_len\":%s,\"max_len\":%s", t1, t2);
            }
            len = append(buf, len, cap, ",\"help\":\"%s\"}%s", p->help ? p->help : "", "");
        }
        len = append(buf, len, cap, "]}%s%s", "", "");
    }
    return append(buf, len, cap, "]%s%s", "", "");
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
