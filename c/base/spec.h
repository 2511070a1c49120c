/* Parameter descriptors and spec decoding, shared by every registry
 * (schedulers, optimizers, losses, surfaces, data sets).
 * A family's table lists, per type, its PyTorch name and its parameters with
 * defaults and ranges; decoding a JSON spec against it validates every field
 * before anything is allocated and writes one message shape for every error. */
#ifndef SL_SPEC_H
#define SL_SPEC_H

#include <stddef.h>

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
    SL_F_SCALAR_OK = 16, /* SL_P_NUMS also accepts a single number */
    SL_F_PER_GROUP = 32, /* SL_P_NUM, SL_P_STR: also a list of 1 to max_len of them, one per parameter group */
    SL_F_TEXTBOOK = 64,  /* not a PyTorch parameter (the registry marks it "textbook") */
    SL_F_INF_OK = 128    /* SL_P_NUM: hi may be +Infinity itself (a norm's order, PyTorch's float('inf')) */
};

/* Where sl_spec_fill writes a decoded parameter in a family's struct of one type's
 * parameters (sl_param.store; the offset is sl_param.off). */
enum {
    SL_STORE_NONE, /* not stored: the family reads it (formulas, lists, nested specs) */
    SL_STORE_F64,  /* a double: the number, the integer, 0/1 for booleans, an enum's index; NaN for null */
    SL_STORE_F32,  /* the same as a float */
    SL_STORE_I32,  /* an int; -1 for null */
    SL_STORE_PAIR  /* double[2] from a list of two numbers; NaN, NaN when absent */
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
    int store;            /* SL_STORE_*: how sl_spec_fill writes the value */
    size_t off;           /* where, in the type's parameter struct */
    const char *note;     /* why the range differs from PyTorch's, appended to a range error, or NULL */
} sl_param;

/* The store and offset members of a descriptor for struct member `m` of type `T`, spelled like the parameter. */
#define SL_AT(store, T, m) store, offsetof(T, m)

#define SL_MAX_PARAMS 24

/* The most work one synchronous call may do, in multiply-adds (an estimate:
 * about a second of this core's wasm SIMD on one thread). Longer work is done
 * in several calls (in a Web Worker, where the page can stop it). */
#define SL_WORK_LIMIT 1e10
/* A step's fixed cost (gathering, loss, optimizer call, bookkeeping) in multiply-add equivalents,
 * added per step to the work estimates so that tiny models' many cheap steps count too. */
#define SL_WORK_PER_STEP 32768.0

typedef struct {
    double v[SL_MAX_PARAMS];   /* decoded number, int, bool, enum index; NaN when absent without default */
    int present[SL_MAX_PARAMS];/* 1 if given, 2 if given as null */
    int node[SL_MAX_PARAMS];   /* JSON node index, -1 if absent */
} sl_args;

/* Registry rows list only the fields they use; the rest are zero. */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

/* Common head of every registry entry: everything the API, the page and the
 * docs need to know about one type, published by lab.registry. */
typedef struct {
    const char *name;
    const sl_param *params;
    int n_params;
    const char *summary;      /* one line of help */
    const char *category;     /* groups the family's types in the page, e.g. "decay", "adaptive" */
    const char *starter;      /* JSON object: the spec the page opens this type with, or NULL */
    const char *length_param; /* schedulers: the parameter that sets the schedule's length ("T_max"), or NULL */
    int textbook;             /* 1: not in PyTorch 1.13 (a textbook or paper form); the registry marks it */
} sl_kind;

/* Writes family-specific members of one row (e.g. a loss's "tasks") as
 * ",\"key\":value..." through sl_json_append; returns the new length or -1. */
typedef int (*sl_row_extra)(const void *entry, char **buf, int len, int *cap);

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

/* Refuses an object that gives a member twice (a reader would take either one). sl_spec_decode checks it. */
sl_status sl_spec_unique_keys(const sl_json *doc, int obj, const char *thing);

/* Index of a parameter by name in kind->params, -1 if none. */
int sl_param_index(const sl_kind *kind, const char *name);

/* Whether the parameter `name` of kind was given: 0 no, 1 yes, 2 as null (sl_args_value, sl_args_node below). */
int sl_arg_present(const sl_kind *kind, const sl_args *a, const char *name);

/* A family's parameter struct, filled by name: each field names the parameter
 * (PyTorch's spelling, which is also the struct member's name) and where its
 * value goes; fields the kind does not have keep what the caller put there. */
typedef struct {
    const char *name;
    size_t offset;
    int is_int; /* 1: an int member (integers, booleans, enum indices); 0: a double */
} sl_field;
#define SL_FIELD_D(type, member) { #member, offsetof(type, member), 0 }
#define SL_FIELD_I(type, member) { #member, offsetof(type, member), 1 }
void sl_args_fill(const sl_kind *kind, const sl_args *a, const sl_field *fields, int n_fields, void *out);

/* Appends the registry as JSON ({"name":..., "summary":..., "params":[...]}, ...)
 * to a growing buffer; used by sl_registry_json. Returns the new length or -1. */
int sl_kinds_json(char **buf, int len, int *cap, const void *table, size_t stride, int n);
/* The same, with a family's extra members per row (extra may be NULL). */
int sl_kinds_json_ex(char **buf, int len, int *cap, const void *table, size_t stride, int n, sl_row_extra extra);
/* Appends raw text to a growing buffer; returns the new length, or -1 (also when len is -1). */
int sl_json_append(char **buf, int len, int *cap, const char *text);
/* Appends node `node` of doc as JSON text (numbers as JavaScript prints them,
 * +-Infinity as +-1e999, which both readers take back as infinite; NaN as
 * null); skip_key, when not NULL, is a member of that object left out.
 * Returns the new length or -1. */
int sl_json_write(char **buf, int len, int *cap, const sl_json *doc, int node, const char *skip_key);

/* Checks a number against a descriptor's range, writing the error if out. */
sl_status sl_param_check(const sl_kind *kind, const sl_param *p, double v);

/* The JSON node (-1 when absent) and the decoded value of the parameter `name` of kind. */
int sl_args_node(const sl_kind *kind, const sl_args *a, const char *name);
double sl_args_value(const sl_kind *kind, const sl_args *a, const char *name);

/* Writes every decoded parameter that has a store into dst, the type's parameter struct. */
void sl_spec_fill(const sl_json *doc, const sl_kind *kind, const sl_args *a, void *dst);

/* Checks every stored parameter in src again, as a restore must: the same descriptor
 * ranges as a spec. Fails with SL_STATUS_STATE and a message naming the field:
 * "OneCycleLR: max_lr in the saved state must be a number > 0, got -1". */
sl_status sl_spec_recheck(const sl_kind *kind, const void *src);

/* A count, size or width crossing the wasm ABI as a double (a JS number arrives exactly):
 * checks it is an integer in [lo, hi] before any conversion and writes it to *out.
 * "Adam: nParams must be an integer in [1, 50000000], got 4294967299". */
sl_status sl_count_check(double v, double lo, double hi, const char *thing, const char *field, int *out);

#endif
