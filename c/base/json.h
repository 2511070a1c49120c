/* A small, strict JSON reader for specs crossing the JS seam.
 * The whole document is parsed into one node array (one allocation);
 * strings are decoded into a second buffer owned by the document.
 * Extension: the bare tokens NaN, Infinity and -Infinity are numbers, so that a
 * non-finite value reaches validation and is named in its error message. */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <stddef.h>
#include "status.h"

typedef enum { SL_J_NULL, SL_J_BOOL, SL_J_NUM, SL_J_STR, SL_J_ARR, SL_J_OBJ } sl_jtype;

typedef struct {
    sl_jtype type;
    int count;        /* members of an array or object */
    int child;        /* index of the first member, -1 if none */
    int next;         /* index of the next sibling, -1 if last */
    const char *key;  /* member name inside an object, else NULL */
    const char *str;  /* decoded string (NUL-terminated) */
    double num;       /* number, or 0/1 for a bool */
} sl_jnode;

typedef struct {
    sl_jnode *nodes;
    int n_nodes;
    char *strings;
} sl_json;

/* Parses len bytes of text. On success the caller owns doc and frees it with
 * sl_json_free; on failure doc is empty and the error names `thing`. */
sl_status sl_json_parse(const char *text, size_t len, sl_json *doc, const char *thing);
void sl_json_free(sl_json *doc);

/* Looks a member up by name in object node i; returns its index or -1. */
int sl_json_get(const sl_json *doc, int obj, const char *key);

/* Short text for a node, used in messages ("got [1, 2]", "got 'abc'"). */
void sl_json_describe(const sl_json *doc, int i, char *buf, size_t cap);

#endif
