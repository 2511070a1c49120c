/* A strict JSON reader (RFC 8259 plus bare NaN / Infinity / -Infinity).
 * Nodes live in one array sized by the separators in the text (a value
 * follows a '[', '{' or ','), decoded strings in one buffer of the text's length. */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cold code (parsing, validation, messages): compiled for size. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define SL_JSON_MAX_DEPTH 32

typedef struct {
    const char *s, *end, *start;
    sl_json *doc;
    char *out; /* next free byte in doc->strings */
    const char *thing;
    int depth;
} parser;

static sl_status perr(parser *p, const char *what)
{
    return sl_fail(SL_STATUS_PARSE, p->thing, NULL, "spec is not valid JSON: %s at offset %d", what,
                   (int)(p->s - p->start));
}

static void skip_ws(parser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')) p->s++;
}

static int new_node(parser *p, sl_jtype t)
{
    int i = p->doc->n_nodes++;
    sl_jnode *n = &p->doc->nodes[i];
    n->type = t;
    n->count = 0;
    n->child = n->next = -1;
    n->key = n->str = NULL;
    n->num = 0;
    return i;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(parser *p, unsigned cp)
{
    if (cp < 0x80) {
        *p->out++ = (char)cp;
    } else if (cp < 0x800) {
        *p->out++ = (char)(0xC0 | (cp >> 6));
        *p->out++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *p->out++ = (char)(0xE0 | (cp >> 12));
        *p->out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *p->out++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *p->out++ = (char)(0xF0 | (cp >> 18));
        *p->out++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *p->out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *p->out++ = (char)(0x80 | (cp & 0x3F));
    }
}

/* Reads a string starting at the opening quote; returns the decoded text. */
static sl_status parse_string(parser *p, const char **out)
{
    p->s++; /* opening quote */
    char *dst = p->out;
    while (p->s < p->end && *p->s != '"') {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20) return perr(p, "control character in string");
        if (c != '\\') { *p->out++ = (char)c; p->s++; continue; }
        if (p->s + 1 >= p->end) return perr(p, "unterminated escape");
        char e = p->s[1];
        p->s += 2;
        switch (e) {
        case '"': *p->out++ = '"'; break;
        case '\\': *p->out++ = '\\'; break;
        case '/': *p->out++ = '/'; break;
        case 'b': *p->out++ = '\b'; break;
        case 'f': *p->out++ = '\f'; break;
        case 'n': *p->out++ = '\n'; break;
        case 'r': *p->out++ = '\r'; break;
        case 't': *p->out++ = '\t'; break;
        case 'u': {
            if (p->end - p->s < 4) return perr(p, "short \\u escape");
            unsigned cp = 0;
            for (int k = 0; k < 4; k++) {
                int h = hexval(p->s[k]);
                if (h < 0) return perr(p, "bad \\u escape");
                cp = cp * 16 + (unsigned)h;
            }
            p->s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u') {
                unsigned lo = 0;
                int ok = 1;
                for (int k = 0; k < 4; k++) {
                    int h = hexval(p->s[2 + k]);
                    if (h < 0) ok = 0;
                    lo = lo * 16 + (unsigned)(h < 0 ? 0 : h);
                }
                if (ok && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p->s += 6;
                }
            }
            if (cp == 0) return perr(p, "NUL character in string");
            put_utf8(p, cp);
            break;
        }
        default: return perr(p, "bad escape");
        }
    }
    if (p->s >= p->end) return perr(p, "unterminated string");
    p->s++; /* closing quote */
    *p->out++ = 0;
    *out = dst;
    return SL_STATUS_OK;
}

static int match_word(parser *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0) return 0;
    p->s += n;
    return 1;
}

static sl_status parse_value(parser *p, int *out);

static sl_status parse_number(parser *p, int *out)
{
    const char *b = p->s;
    if (match_word(p, "NaN")) { *out = new_node(p, SL_J_NUM); p->doc->nodes[*out].num = NAN; return SL_STATUS_OK; }
    if (match_word(p, "Infinity")) { *out = new_node(p, SL_J_NUM); p->doc->nodes[*out].num = INFINITY; return SL_STATUS_OK; }
    if (match_word(p, "-Infinity")) { *out = new_node(p, SL_J_NUM); p->doc->nodes[*out].num = -INFINITY; return SL_STATUS_OK; }
    const char *s = p->s;
    if (s < p->end && *s == '-') s++;
    if (s >= p->end) return perr(p, "bad number");
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9') while (s < p->end && *s >= '0' && *s <= '9') s++;
    else return perr(p, "unexpected character");
    if (s < p->end && *s == '.') {
        s++;
        if (s >= p->end || *s < '0' || *s > '9') return perr(p, "bad number");
        while (s < p->end && *s >= '0' && *s <= '9') s++;
    }
    if (s < p->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < p->end && (*s == '+' || *s == '-')) s++;
        if (s >= p->end || *s < '0' || *s > '9') return perr(p, "bad number");
        while (s < p->end && *s >= '0' && *s <= '9') s++;
    }
    char digits[64];
    size_t n = (size_t)(s - b);
    if (n >= sizeof digits) return perr(p, "number too long");
    memcpy(digits, b, n);
    digits[n] = 0;
    *out = new_node(p, SL_J_NUM);
    p->doc->nodes[*out].num = strtod(digits, NULL);
    p->s = s;
    return SL_STATUS_OK;
}

static sl_status parse_container(parser *p, int *out, int is_obj)
{
    if (++p->depth > SL_JSON_MAX_DEPTH) return perr(p, "nesting too deep");
    int self = new_node(p, is_obj ? SL_J_OBJ : SL_J_ARR);
    int last = -1;
    char close = is_obj ? '}' : ']';
    p->s++;
    skip_ws(p);
    if (p->s < p->end && *p->s == close) {
        p->s++;
        p->depth--;
        *out = self;
        return SL_STATUS_OK;
    }
    for (;;) {
        const char *key = NULL;
        sl_status st;
        skip_ws(p);
        if (is_obj) {
            if (p->s >= p->end || *p->s != '"') return perr(p, "expected a member name");
            if ((st = parse_string(p, &key))) return st;
            skip_ws(p);
            if (p->s >= p->end || *p->s != ':') return perr(p, "expected ':'");
            p->s++;
        }
        int child;
        if ((st = parse_value(p, &child))) return st;
        p->doc->nodes[child].key = key;
        if (last < 0) p->doc->nodes[self].child = child;
        else p->doc->nodes[last].next = child;
        last = child;
        p->doc->nodes[self].count++;
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') { p->s++; continue; }
        if (p->s < p->end && *p->s == close) { p->s++; break; }
        return perr(p, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    p->depth--;
    *out = self;
    return SL_STATUS_OK;
}

static sl_status parse_value(parser *p, int *out)
{
    skip_ws(p);
    if (p->s >= p->end) return perr(p, "unexpected end");
    switch (*p->s) {
    case '{': return parse_container(p, out, 1);
    case '[': return parse_container(p, out, 0);
    case '"': {
        const char *str;
        sl_status st = parse_string(p, &str);
        if (st) return st;
        *out = new_node(p, SL_J_STR);
        p->doc->nodes[*out].str = str;
        return SL_STATUS_OK;
    }
    case 't': if (match_word(p, "true")) { *out = new_node(p, SL_J_BOOL); p->doc->nodes[*out].num = 1; return SL_STATUS_OK; } break;
    case 'f': if (match_word(p, "false")) { *out = new_node(p, SL_J_BOOL); return SL_STATUS_OK; } break;
    case 'n': if (match_word(p, "null")) { *out = new_node(p, SL_J_NULL); return SL_STATUS_OK; } break;
    default: return parse_number(p, out);
    }
    return perr(p, "unexpected word");
}

sl_status sl_json_parse(const char *text, size_t len, sl_json *doc, const char *thing)
{
    memset(doc, 0, sizeof *doc);
    if (!text || len == 0) return sl_fail(SL_STATUS_PARSE, thing, NULL, "spec is empty");
    if (len > (1u << 24)) return sl_fail(SL_STATUS_NOMEM, thing, NULL, "spec is longer than 16 MiB");
    /* every value but the root follows a '[', '{' or ',' (in strings too, which only
     * overcounts), so this bounds the nodes without one per byte of text */
    size_t bound = 1;
    for (size_t i = 0; i < len; i++) bound += text[i] == ',' || text[i] == '[' || text[i] == '{';
    doc->nodes = malloc(bound * sizeof *doc->nodes);
    doc->strings = malloc(len + 1);
    if (!doc->nodes || !doc->strings) {
        sl_json_free(doc);
        return sl_fail(SL_STATUS_NOMEM, thing, NULL, "out of memory reading the spec");
    }
    parser p = { text, text + len, text, doc, doc->strings, thing, 0 };
    int root;
    sl_status st = parse_value(&p, &root);
    if (!st) {
        skip_ws(&p);
        if (p.s != p.end) st = perr(&p, "trailing characters");
    }
    if (st) sl_json_free(doc);
    return st;
}

void sl_json_free(sl_json *doc)
{
    free(doc->nodes);
    free(doc->strings);
    memset(doc, 0, sizeof *doc);
}

int sl_json_get(const sl_json *doc, int obj, const char *key)
{
    if (obj < 0 || doc->nodes[obj].type != SL_J_OBJ) return -1;
    for (int c = doc->nodes[obj].child; c >= 0; c = doc->nodes[c].next)
        if (strcmp(doc->nodes[c].key, key) == 0) return c;
    return -1;
}

void sl_json_describe(const sl_json *doc, int i, char *buf, size_t cap)
{
    const sl_jnode *n = &doc->nodes[i];
    switch (n->type) {
    case SL_J_NULL: snprintf(buf, cap, "null"); break;
    case SL_J_BOOL: snprintf(buf, cap, n->num != 0 ? "true" : "false"); break;
    case SL_J_NUM: snprintf(buf, cap, "%s", sl_num(n->num).s); break;
    case SL_J_STR: snprintf(buf, cap, "'%.40s%s'", n->str, strlen(n->str) > 40 ? "..." : ""); break;
    case SL_J_ARR: snprintf(buf, cap, "an array of %d", n->count); break;
    case SL_J_OBJ: snprintf(buf, cap, "an object"); break;
    }
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
