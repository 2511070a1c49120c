/* Parameter descriptors and spec decoding, shared by every registry
 * (schedulers, optimizers, losses, surfaces, data sets).
 * A family's table lists, per type, its PyTorch name and its parameters with
 * defaults and ranges; decoding a JSON spec against it validates every field
 * before anything is allocated and writes one message shape for every error. */
#ifndef SL_SPEC_H
#define SL_SPEC_H

#include "json.h"

enum {
    SL_P_NUM,    /* finite double within [lo, hi] */
    SL_P_INT,    /* integer within [lo, hi] */
    SL_P_BOOL,   /* true or false */
    SL_P_ENUM,   /* one of the '|'-separated words in choices; value = its index */
    SL_P_STR,    /* a string (formula); value unused, use args.node */
    SL_P_NUMS,   /* array of numbers (or a single number when SL_F_SCALAR_OK), each in [lo, hi] */
    SL_P_SPECS,  /* array of nested spec objects */
    SL_P_ANY     /* anything: decoded by the family itself (e.g. an array of term objects) */
};

enum {
    SL_F_REQUIRED = 1,  /* no default */
    SL_F_LO_OPEN = 2,   /* lo excluded */
    SL_F_HI_OPEN = 4,   /* hi excluded */
    SL_F_NULLABLE = 8,  /* null allowed (value NaN, present = 2) */
    SL_F_SCALAR_OK = 16 /* SL_P_NUMS also accepts a single number */
};

typedef struct {
    const char *name;     /* PyTorch's spelling */
    int kind;             /* SL_P_* */
    double def;           /* default (NaN when there is none and not required) */
    double lo, hi;        /* range for numbers and list elements */
    int flags;            /* SL_F_* */
    const char *choices;  /* SL_P_ENUM: "min|max" */
    int min_len, max_len; /* list lengths for SL_P_NUMS / SL_P_SPECS */
    const char *help;     /* one line for the page's controls */
} sl_param;

#define SL_MAX_PARAMS 24

typedef struct {
    double v[SL_MAX_PARAMS];   /* decoded number, int, bool, enum index; NaN when absent without default */
    int present[SL_MAX_PARAMS];/* 1 if given, 2 if given as null */
    int node[SL_MAX_PARAMS];   /* JSON node index, -1 if absent */
} sl_args;

/* Common head of every registry entry. */
typedef struct {
    const char *name;
    const sl_param *params;
    int n_params;
    const char *summary;
} sl_kind;

/* Finds the entry whose name equals the spec's "type"; entries are `stride`
 * bytes apart and begin with an sl_kind. `family` names the family in errors. */
sl_status sl_spec_lookup(const sl_json *doc, int obj, const void *table, size_t stride, int n,
                         const char *family, const sl_kind **out);

/* The same, looking the entry up by the member `key` (e.g. "name"); `missing` is the
 * message when it is absent ("is required"). */
sl_status sl_spec_lookup_by(const sl_json *doc, int obj, const char *key, const char *missing, const void *table,
                            size_t stride, int n, const char *family, const sl_kind **out);

/* Decodes object obj against kind->params. Keys in `extra` ('|'-separated,
 * e.g. "type|lr") are allowed and left to the caller. */
sl_status sl_spec_decode(const sl_json *doc, int obj, const sl_kind *kind, const char *extra, sl_args *args);

/* Index of a parameter by name in kind->params, -1 if none. */
int sl_param_index(const sl_kind *kind, const char *name);

/* Appends the registry as JSON ({"name":..., "summary":..., "params":[...]}, ...)
 * to a growing buffer; used by sl_registry_json. Returns the new length or -1. */
int sl_kinds_json(char **buf, int len, int *cap, const void *table, size_t stride, int n);

/* Checks a number against a descriptor's range, writing the error if out. */
sl_status sl_param_check(const sl_kind *kind, const sl_param *p, double v);

#endif
