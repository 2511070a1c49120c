/* Data sets: the registry (parameters, task, category and the page's starter
 * spec of every set), the shipped digits, the layout of one data set, the
 * entry points (by name, from explicit arrays) and saved states. The
 * generators are in data_gen.c, the split and standardisation in
 * data_split.c; see data.h. */
#include "data_internal.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iris_data.h"

/* Cold code (run once per data set or model): built for size, not speed. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define SL_DATA_MAGIC 0x44415441u /* "DATA" */
#define SL_DATA_VERSION 1u

static const char *THING = "dataset";

/* Every kind's parameters begin with these four, in this order. Ranges keep
 * every generated value far inside float32. */
#define COMMON                                                                                        \
    { "seed", SL_P_INT, 0, 0, 4294967295.0, 0, NULL, 0, 0, "seed of the points and of the split" },   \
    { "val_fraction", SL_P_NUM, 0.2, 0, 1, SL_F_HI_OPEN, NULL, 0, 0, "fraction held out for validation (stratified by class)" }, \
    { "standardize", SL_P_BOOL, 1, 0, 1, 0, NULL, 0, 0, "scale features to mean 0, std 1 (training split's statistics)" }, \
    { "shuffle", SL_P_BOOL, 1, 0, 1, 0, NULL, 0, 0, "shuffle the rows (off: the generator's or the source's order)" }
#define N_SAMPLES(d) { "n_samples", SL_P_INT, d, 2, SL_DATA_MAX_SAMPLES, 0, NULL, 0, 0, "number of points" }
#define NUM(n, d, lo, hi, f, h) { n, SL_P_NUM, d, lo, hi, f, NULL, 0, 0, h }
#define INT(n, d, lo, hi, h) { n, SL_P_INT, d, lo, hi, 0, NULL, 0, 0, h }
#define NOISE(d, hi, h) NUM("noise", d, 0, hi, 0, h)

static const sl_param P_CIRCLE[] = { COMMON, N_SAMPLES(500), NOISE(0, 1, "label noise near the circle (playground: 0 to 0.5)") };
static const sl_param P_XOR[] = { COMMON, N_SAMPLES(500), NOISE(0, 1, "label noise near the axes (playground: 0 to 0.5)") };
static const sl_param P_GAUSS[] = { COMMON, N_SAMPLES(500), NOISE(0, 1, "spread: variance 0.5 + 7 noise") };
static const sl_param P_SPIRAL[] = { COMMON, N_SAMPLES(500), NOISE(0, 5, "uniform jitter of +-noise on each coordinate") };
static const sl_param P_MOONS[] = { COMMON, N_SAMPLES(100), NOISE(0, 100, "standard deviation of Gaussian noise") };
static const sl_param P_BLOBS[] = {
    COMMON, N_SAMPLES(100), INT("centers", 3, 2, SL_DATA_MAX_CLASSES, "number of blobs (classes)"),
    INT("n_features", 2, 1, 64, "dimensions"), NUM("cluster_std", 1, 0, 100, 0, "standard deviation of each blob"),
};
static const sl_param P_SPIRALS[] = {
    COMMON, N_SAMPLES(300), INT("n_classes", 3, 2, 16, "number of arms"),
    NOISE(0.2, 5, "standard deviation of the angle noise (radians)"),
};
static const sl_param P_SINE[] = { COMMON, N_SAMPLES(200), NOISE(0.1, 100, "standard deviation of the target noise") };
static const sl_param P_OUTLIERS[] = {
    COMMON, N_SAMPLES(200), NOISE(0.1, 100, "standard deviation of the target noise"),
    NUM("slope", 2, -1000, 1000, 0, "slope of the true line"), NUM("intercept", 1, -1000, 1000, 0, "intercept of the true line"),
    NUM("outlier_fraction", 0.1, 0, 0.5, 0, "fraction of gross outliers"),
};
static const sl_param P_PLANE[] = { COMMON, N_SAMPLES(500), NOISE(0, 1, "noise on the inputs of the target (playground: 0 to 0.5)") };
static const sl_param P_IMBALANCED[] = {
    COMMON, N_SAMPLES(1000), NUM("positive_rate", 0.05, 0, 0.5, SL_F_LO_OPEN, "fraction of positive points"),
    NUM("class_sep", 2, 0, 100, 0, "distance between the class centres along each axis"),
    NUM("cluster_std", 1, 0, 100, 0, "standard deviation of each class"),
};
static const sl_param P_SHIPPED[] = { COMMON };

typedef struct {
    sl_kind head;
    int task;
    const char *feature_names, *class_names;
} data_kind;

#define K(name, params, task, category, starter, summary) \
    { { name, params, (int)(sizeof params / sizeof params[0]), summary, category, starter, NULL }, task, "", "" }
/* the page's starter: seed 0, a fifth held out, noise 0.15 where there is noise; the presets' sizes for the sets they use */
#define NOISY(name) "{\"name\":\"" name "\",\"seed\":0,\"val_fraction\":0.2,\"noise\":0.15}"
static const data_kind KINDS_[D_COUNT] = {
    K("circle", P_CIRCLE, SL_TASK_BINARY, "classification", NOISY("circle"), "a disc inside a ring (playground)"),
    K("xor", P_XOR, SL_TASK_BINARY, "classification", NOISY("xor"), "four quadrants, sign of x1 x2 (playground)"),
    K("gaussians", P_GAUSS, SL_TASK_BINARY, "classification", NOISY("gaussians"),
      "two Gaussian blobs at (2, 2) and (-2, -2) (playground)"),
    K("spiral", P_SPIRAL, SL_TASK_BINARY, "classification", NOISY("spiral"), "two interleaved spiral arms (playground)"),
    K("moons", P_MOONS, SL_TASK_BINARY, "classification",
      "{\"name\":\"moons\",\"n_samples\":400,\"noise\":0.2,\"seed\":0,\"val_fraction\":0.2}",
      "two interleaving half circles (sklearn make_moons)"),
    K("blobs", P_BLOBS, SL_TASK_MULTICLASS, "classification",
      "{\"name\":\"blobs\",\"n_samples\":300,\"centers\":4,\"cluster_std\":2,\"seed\":0,\"val_fraction\":0.2}",
      "isotropic Gaussian blobs, centres in (-10, 10) (sklearn make_blobs)"),
    K("spirals", P_SPIRALS, SL_TASK_MULTICLASS, "classification", NOISY("spirals"), "K spiral arms (CS231n)"),
    K("sine", P_SINE, SL_TASK_REGRESSION, "regression", NOISY("sine"), "y = sin(x) + noise, x in [-pi, pi]"),
    K("linear_outliers", P_OUTLIERS, SL_TASK_REGRESSION, "regression",
      "{\"name\":\"linear_outliers\",\"n_samples\":200,\"noise\":0.1,\"outlier_fraction\":0.1,\"seed\":0,\"val_fraction\":0.2}",
      "a noisy line with gross outliers below its right end"),
    K("plane", P_PLANE, SL_TASK_REGRESSION, "regression", NOISY("plane"), "y = (x1 + x2) / 10 on [-6, 6]^2 (playground)"),
    K("imbalanced", P_IMBALANCED, SL_TASK_BINARY, "classification",
      "{\"name\":\"imbalanced\",\"n_samples\":1000,\"positive_rate\":0.05,\"class_sep\":1.5,\"seed\":0,\"val_fraction\":0.3}",
      "two Gaussian classes with a rare positive class"),
    { { "iris", P_SHIPPED, 4, "Fisher's Iris: 150 flowers, 4 measurements, 3 species", "real",
        "{\"name\":\"iris\",\"seed\":0,\"val_fraction\":0.2}", NULL }, SL_TASK_MULTICLASS,
      "sepal length (cm)|sepal width (cm)|petal length (cm)|petal width (cm)", "setosa|versicolor|virginica" },
    { { "digits", P_SHIPPED, 4, "UCI optical digits: 1797 images of 8x8 pixels in 0..16, 10 classes", "real",
        "{\"name\":\"digits\",\"seed\":0,\"val_fraction\":0.2}", NULL }, SL_TASK_MULTICLASS,
      "pixel", "0|1|2|3|4|5|6|7|8|9" },
};

/* The parameters by name (data_params' members carry the registry's names). */
static const sl_field FIELDS[] = {
    SL_FIELD_D(data_params, seed), SL_FIELD_D(data_params, val_fraction), SL_FIELD_I(data_params, standardize),
    SL_FIELD_I(data_params, shuffle), SL_FIELD_I(data_params, n_samples), SL_FIELD_D(data_params, noise),
    SL_FIELD_I(data_params, centers), SL_FIELD_I(data_params, n_features), SL_FIELD_I(data_params, n_classes),
    SL_FIELD_D(data_params, cluster_std), SL_FIELD_D(data_params, slope), SL_FIELD_D(data_params, intercept),
    SL_FIELD_D(data_params, outlier_fraction), SL_FIELD_D(data_params, positive_rate), SL_FIELD_D(data_params, class_sep),
};

/* ---- the shipped digits ---- */

static unsigned char *g_digits; /* DIGITS_N * 64 pixels, then DIGITS_N labels */

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

sl_status sl_data_digits_load(const unsigned char *bytes, double n_bytes)
{
    const char *thing = "digits";
    const int payload = DIGITS_N * (DIGITS_D + 1);
    int len = 0;
    if (!(n_bytes >= 0 && n_bytes <= 2147483647.0 && floor(n_bytes) == n_bytes))
        return sl_fail(SL_STATUS_STATE, thing, "data", "must be the file dist/steplab-digits.bin.gz (%d bytes ungzipped), got %s bytes",
                       12 + payload, sl_num(n_bytes).s);
    len = (int)n_bytes;
    if (!bytes || len != 12 + payload || memcmp(bytes, "SLDIGIT1", 8) != 0)
        return sl_fail(SL_STATUS_STATE, thing, "data", "must be the file dist/steplab-digits.bin.gz (%d bytes ungzipped), got %d bytes%s",
                       12 + payload, len, bytes && len >= 8 && memcmp(bytes, "SLDIGIT1", 8) ? " of something else" : "");
    uint32_t sum = (uint32_t)bytes[8] | (uint32_t)bytes[9] << 8 | (uint32_t)bytes[10] << 16 | (uint32_t)bytes[11] << 24;
    if (fnv1a(bytes + 12, (size_t)payload) != sum) return sl_fail(SL_STATUS_STATE, thing, "data", "is damaged (checksum mismatch)");
    for (int i = 0; i < payload; i++)
        if (bytes[12 + i] > (i < DIGITS_N * DIGITS_D ? 16 : 9))
            return sl_fail(SL_STATUS_STATE, thing, "data", "is damaged (value %d at byte %d)", bytes[12 + i], 12 + i);
    if (g_digits) return SL_STATUS_OK;
    unsigned char *copy = malloc((size_t)payload);
    if (!copy) return sl_fail(SL_STATUS_NOMEM, thing, "data", "does not fit in memory");
    memcpy(copy, bytes + 12, (size_t)payload);
    g_digits = copy;
    return SL_STATUS_OK;
}

int sl_data_digits_loaded(void) { return g_digits != NULL; }
const unsigned char *sl_data_digits_bytes(void) { return g_digits; }

/* ---- layout ---- */

static size_t head_bytes(void) { return (sizeof(sl_dataset) + 15) & ~(size_t)15; }

static size_t total_bytes(int n, int d)
{
    size_t floats = (size_t)n * d + (size_t)n;
    return head_bytes() + ((floats * sizeof(float) + 15) & ~(size_t)15) + 2 * (size_t)d * sizeof(double);
}
float *sl_dataset_X(sl_dataset *ds) { return (float *)((char *)ds + head_bytes()); }
float *sl_dataset_y(sl_dataset *ds) { return sl_dataset_X(ds) + (size_t)ds->n_samples * ds->n_features; }
double *sl_dataset_mean(sl_dataset *ds)
{
    size_t floats = (size_t)ds->n_samples * ds->n_features + (size_t)ds->n_samples;
    return (double *)((char *)ds + head_bytes() + ((floats * sizeof(float) + 15) & ~(size_t)15));
}
double *sl_dataset_scale(sl_dataset *ds) { return sl_dataset_mean(ds) + ds->n_features; }
int sl_dataset_n_samples(const sl_dataset *ds) { return ds->n_samples; }
int sl_dataset_n_features(const sl_dataset *ds) { return ds->n_features; }
int sl_dataset_n_classes(const sl_dataset *ds) { return ds->n_classes; }
int sl_dataset_n_train(const sl_dataset *ds) { return ds->n_train; }
int sl_dataset_task(const sl_dataset *ds) { return ds->task; }
const char *sl_dataset_name(const sl_dataset *ds) { return ds->kind >= 0 ? KINDS_[ds->kind].head.name : "arrays"; }

static char g_names[1200];

const char *sl_dataset_feature_names(const sl_dataset *ds)
{
    if (ds->kind != D_digits) return ds->kind >= 0 ? KINDS_[ds->kind].feature_names : "";
    size_t o = 0;
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++) o += (size_t)snprintf(g_names + o, sizeof g_names - o, "%spixel_%d_%d", o ? "|" : "", r, c);
    return g_names;
}

const char *sl_dataset_class_names(const sl_dataset *ds) { return ds->kind >= 0 ? KINDS_[ds->kind].class_names : ""; }

static sl_status allocate(int kind, int task, int n, int d, int n_classes, sl_dataset **out)
{
    size_t bytes = total_bytes(n, d);
    sl_dataset *ds = calloc(1, bytes);
    if (!ds) return sl_fail(SL_STATUS_NOMEM, kind >= 0 ? KINDS_[kind].head.name : THING, "n_samples",
                            "of %d rows of %d features do not fit in memory", n, d);
    ds->magic = SL_DATA_MAGIC;
    ds->version = SL_DATA_VERSION;
    ds->size = (uint32_t)bytes;
    ds->kind = kind;
    ds->task = task;
    ds->n_samples = n;
    ds->n_features = d;
    ds->n_classes = task == SL_TASK_REGRESSION ? 0 : n_classes;
    ds->n_train = n;
    *out = ds;
    return SL_STATUS_OK;
}

/* ---- entry points ---- */

static sl_status lookup_name(const sl_json *doc, int obj, int *kind)
{
    const sl_kind *k;
    sl_status st = sl_spec_lookup_by(doc, obj, "name", "is required (one of the data sets, or give X and y)", KINDS_,
                                     sizeof KINDS_[0], D_COUNT, THING, &k);
    if (!st) *kind = (int)(((const char *)k - (const char *)KINDS_) / (ptrdiff_t)sizeof KINDS_[0]);
    return st;
}

sl_status sl_dataset_create(const char *json, double len, sl_dataset **out)
{
    sl_json doc;
    int bytes = 0;
    *out = NULL;
    sl_status st = sl_count_check(len, 0, 2147483647.0, THING, "spec length", &bytes);
    if (st) return st;
    st = sl_json_parse(json, (size_t)bytes, &doc, THING);
    if (st) return st;
    st = sl_dataset_from_spec(&doc, 0, out);
    sl_json_free(&doc);
    return st;
}

sl_status sl_dataset_from_spec(const sl_json *doc, int obj, sl_dataset **out)
{
    sl_args a;
    int kind = -1;
    *out = NULL;
    sl_status st = lookup_name(doc, obj, &kind);
    if (!st) st = sl_spec_decode(doc, obj, &KINDS_[kind].head, "name", &a);
    if (st) return st;
    const char *name = KINDS_[kind].head.name;
    data_params P = { 0 };
    sl_args_fill(&KINDS_[kind].head, &a, FIELDS, (int)(sizeof FIELDS / sizeof FIELDS[0]), &P);
    int n = P.n_samples, d = 2, classes = 2;
    switch (kind) {
    case D_iris: n = 150, d = 4, classes = 3; break;
    case D_digits:
        if (!g_digits)
            return sl_fail(SL_STATUS_STATE, name, NULL, "pixel data is not loaded: call await lab.loadDataset('digits') first (it reads "
                           "steplab-digits.bin.gz beside the module, or takes { url } or { bytes })");
        n = DIGITS_N, d = DIGITS_D, classes = 10;
        break;
    case D_blobs: d = P.n_features, classes = P.centers; break;
    case D_spirals: classes = P.n_classes; break;
    case D_sine: case D_linear_outliers: d = 1; break;
    default: break;
    }
    if (n < classes)
        return sl_fail(SL_STATUS_INVALID, name, "n_samples", "must be at least the number of classes (%d), got %d", classes, n);
    if ((double)n * d > SL_DATA_MAX_VALUES)
        return sl_fail(SL_STATUS_INVALID, name, "n_samples", "x n_features must be at most %d, got %d x %d", SL_DATA_MAX_VALUES, n, d);
    sl_dataset *ds = NULL;
    st = allocate(kind, KINDS_[kind].task, n, d, classes, &ds);
    if (st) return st;
    sl_rng r;
    sl_rng_seed(&r, (uint64_t)P.seed, 1);
    SL_DATA_GEN[kind](&P, &r, n, sl_dataset_X(ds), sl_dataset_y(ds));
    if (P.shuffle) st = sl_data_shuffle_rows(ds, &r);
    if (!st) st = sl_data_finish(ds, name, P.val_fraction, P.standardize, (uint64_t)P.seed);
    if (st) {
        free(ds);
        return st;
    }
    *out = ds;
    return SL_STATUS_OK;
}

static const sl_param P_ARRAYS[] = {
    { "task", SL_P_ENUM, NAN, 0, 0, SL_F_REQUIRED, NULL, 0, 0, "binary, multiclass or regression" },
    { "seed", SL_P_INT, 0, 0, 4294967295.0, 0, NULL, 0, 0, "seed of the split" },
    { "val_fraction", SL_P_NUM, 0.2, 0, 1, SL_F_HI_OPEN, NULL, 0, 0, "fraction held out for validation" },
    { "standardize", SL_P_BOOL, 1, 0, 1, 0, NULL, 0, 0, "scale features to mean 0, std 1" },
};

static sl_kind arrays_kind(sl_param params[4])
{
    memcpy(params, P_ARRAYS, sizeof P_ARRAYS);
    params[0].choices = SL_TASK_NAMES;
    sl_kind kind = { THING, params, 4, "explicit arrays" };
    return kind;
}

sl_status sl_dataset_from_arrays(const double *X, double n_rows, double n_cols, const double *y, const char *json, double len,
                                 sl_dataset **out)
{
    sl_param params[4];
    sl_kind kind = arrays_kind(params);
    sl_json doc;
    sl_args a;
    *out = NULL;
    int bytes = 0;
    sl_status st = sl_count_check(len, 0, 2147483647.0, THING, "spec length", &bytes);
    if (st) return st;
    /* the counts cross the JS seam as doubles: checked before any conversion */
    if (!(n_rows >= 2 && n_rows <= SL_DATA_MAX_SAMPLES && floor(n_rows) == n_rows))
        return sl_fail(SL_STATUS_INVALID, THING, "X", "must have 2 to %d rows, got %s", SL_DATA_MAX_SAMPLES, sl_num(n_rows).s);
    if (!(n_cols >= 1 && n_cols <= SL_DATA_MAX_FEATURES && floor(n_cols) == n_cols))
        return sl_fail(SL_STATUS_INVALID, THING, "X", "rows must have 1 to %d features, got %s", SL_DATA_MAX_FEATURES,
                       sl_num(n_cols).s);
    if (n_rows * n_cols > SL_DATA_MAX_VALUES)
        return sl_fail(SL_STATUS_INVALID, THING, "X", "must hold at most %d values, got %s x %s", SL_DATA_MAX_VALUES,
                       sl_num(n_rows).s, sl_num(n_cols).s);
    int n = (int)n_rows, d = (int)n_cols;
    if (!X || !y) return sl_fail(SL_STATUS_INVALID, THING, X ? "y" : "X", "is missing");
    if ((st = sl_json_parse(json, (size_t)bytes, &doc, THING))) return st;
    if (doc.nodes[0].type != SL_J_OBJ) st = sl_fail(SL_STATUS_INVALID, THING, NULL, "options must be an object");
    if (!st) st = sl_spec_decode(&doc, 0, &kind, "X|y", &a);
    sl_json_free(&doc);
    if (st) return st;
    int task = (int)sl_args_value(&kind, &a, "task"), classes = 0;
    for (long i = 0; i < (long)n * d; i++)
        if (!(fabs(X[i]) <= FLT_MAX))
            return sl_fail(SL_STATUS_INVALID, THING, "X", "row %ld, column %ld must be a finite number (float32), got %s", i / d, i % d,
                           sl_num(X[i]).s);
    for (int i = 0; i < n; i++) {
        double v = y[i];
        if (task == SL_TASK_REGRESSION) {
            if (!(fabs(v) <= FLT_MAX))
                return sl_fail(SL_STATUS_INVALID, THING, "y", "row %d must be a finite number (float32), got %s", i, sl_num(v).s);
            continue;
        }
        double hi = task == SL_TASK_BINARY ? 1 : SL_DATA_MAX_CLASSES - 1;
        if (!isfinite(v) || floor(v) != v || v < 0 || v > hi)
            return sl_fail(SL_STATUS_INVALID, THING, "y", "row %d must be a class index (an integer in [0, %d]) for task '%s', got %s",
                           i, (int)hi, task == SL_TASK_BINARY ? "binary" : "multiclass", sl_num(v).s);
        if ((int)v + 1 > classes) classes = (int)v + 1;
    }
    if (task == SL_TASK_BINARY) classes = 2;
    if (task == SL_TASK_MULTICLASS && classes < 2)
        return sl_fail(SL_STATUS_INVALID, THING, "y", "must hold at least 2 classes for task 'multiclass', got only class 0");
    sl_dataset *ds = NULL;
    st = allocate(-1, task, n, d, classes, &ds);
    if (st) return st;
    float *dx = sl_dataset_X(ds), *dy = sl_dataset_y(ds);
    for (long i = 0; i < (long)n * d; i++) dx[i] = (float)X[i];
    for (int i = 0; i < n; i++) dy[i] = (float)y[i];
    st = sl_data_finish(ds, THING, sl_args_value(&kind, &a, "val_fraction"), sl_args_value(&kind, &a, "standardize") != 0,
                        (uint64_t)sl_args_value(&kind, &a, "seed"));
    if (st) {
        free(ds);
        return st;
    }
    *out = ds;
    return SL_STATUS_OK;
}

void sl_dataset_free(sl_dataset *ds) { free(ds); }

/* The options of explicit arrays in a trainer's config, against the data set
 * the trainer was given (or restored): the same rules as sl_dataset_from_arrays,
 * and the task, standardisation and split size must be the data's. */
sl_status sl_dataset_check_options(const sl_json *doc, int obj, const sl_dataset *ds)
{
    sl_param params[4];
    sl_kind kind = arrays_kind(params);
    sl_args a;
    char got[64];
    if (obj < 0) return SL_STATUS_OK;
    if (doc->nodes[obj].type != SL_J_OBJ) {
        sl_json_describe(doc, obj, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, THING, NULL, "options of explicit arrays must be an object, got %s", got);
    }
    if (sl_json_get(doc, obj, "name") >= 0)
        return sl_fail(SL_STATUS_INVALID, THING, "name", "must not be given with X and y (a named data set or explicit arrays, not both)");
    sl_status st = sl_spec_decode(doc, obj, &kind, "X|y", &a);
    if (st) return st;
    int task = (int)sl_args_value(&kind, &a, "task"), standardize = sl_args_value(&kind, &a, "standardize") != 0;
    if (task != ds->task || standardize != ds->standardized)
        return sl_fail(SL_STATUS_INVALID, THING, task != ds->task ? "task" : "standardize", "does not match the data set's");
    int groups = 1;
    if (ds->task != SL_TASK_REGRESSION) {
        int seen[SL_DATA_MAX_CLASSES] = { 0 };
        const float *y = sl_dataset_y((sl_dataset *)ds);
        groups = 0;
        for (int i = 0; i < ds->n_samples; i++) groups += !seen[(int)y[i]]++;
    }
    double vf = sl_args_value(&kind, &a, "val_fraction");
    if ((vf > 0 ? sl_data_val_rows(ds->n_samples, groups, vf) : 0) != ds->n_val)
        return sl_fail(SL_STATUS_INVALID, THING, "val_fraction", "%s does not give the data set's %d validation rows", sl_num(vf).s,
                       ds->n_val);
    return SL_STATUS_OK;
}

int sl_dataset_same(const sl_dataset *a, const sl_dataset *b)
{
    if (a->size != b->size) return 0;
    size_t at = offsetof(sl_dataset, checksum) + sizeof a->checksum;
    return !memcmp(a, b, offsetof(sl_dataset, checksum)) && !memcmp((const char *)a + at, (const char *)b + at, a->size - at);
}

/* ---- saved state ---- */

static uint32_t state_checksum(const unsigned char *p, size_t size)
{
    const size_t at = offsetof(sl_dataset, checksum);
    const unsigned char zero[4] = { 0, 0, 0, 0 };
    uint32_t h = fnv1a(p, at);
    for (int i = 0; i < 4; i++) h = (h ^ zero[i]) * 16777619u;
    for (size_t i = at + 4; i < size; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

int sl_dataset_state_size(const sl_dataset *ds) { return (int)ds->size; }

void sl_dataset_state_save(sl_dataset *ds, void *buf)
{
    ds->checksum = state_checksum((const unsigned char *)ds, ds->size);
    memcpy(buf, ds, ds->size);
}

sl_status sl_dataset_restore(const void *buf, int len, sl_dataset **out)
{
    sl_dataset h;
    *out = NULL;
    if (!buf || len < (int)sizeof h) return sl_fail(SL_STATUS_STATE, THING, "state", "is truncated: %d bytes", len);
    memcpy(&h, buf, sizeof h);
    if (h.magic != SL_DATA_MAGIC) return sl_fail(SL_STATUS_STATE, THING, "state", "is not a saved data set");
    if (h.version != SL_DATA_VERSION)
        return sl_fail(SL_STATUS_STATE, THING, "state", "has version %u; this build reads version %u", h.version, SL_DATA_VERSION);
    if (h.size != (uint32_t)len) return sl_fail(SL_STATUS_STATE, THING, "state", "is %d bytes, its header says %u", len, h.size);
    int ok = h.kind >= -1 && h.kind < D_COUNT && h.task >= 0 && h.task < SL_TASK_COUNT && h.n_samples >= 2 &&
             h.n_samples <= SL_DATA_MAX_SAMPLES && h.n_features >= 1 && h.n_features <= SL_DATA_MAX_FEATURES &&
             (double)h.n_samples * h.n_features <= SL_DATA_MAX_VALUES && h.n_train >= 1 && h.n_train <= h.n_samples &&
             h.n_val == h.n_samples - h.n_train && (h.standardized == 0 || h.standardized == 1) &&
             (h.task == SL_TASK_REGRESSION ? h.n_classes == 0 : h.n_classes >= 2 && h.n_classes <= SL_DATA_MAX_CLASSES) &&
             total_bytes(h.n_samples, h.n_features) == h.size;
    if (!ok) return sl_fail(SL_STATUS_STATE, THING, "state", "is damaged (its layout is inconsistent)");
    if (state_checksum(buf, h.size) != h.checksum) return sl_fail(SL_STATUS_STATE, THING, "state", "is damaged (checksum mismatch)");
    sl_dataset *ds = malloc(h.size);
    if (!ds) return sl_fail(SL_STATUS_NOMEM, THING, "state", "of %u bytes does not fit in memory", h.size);
    memcpy(ds, buf, h.size);
    /* values: features and targets finite, class labels integers in range, scales positive */
    const float *X = sl_dataset_X(ds), *y = sl_dataset_y(ds);
    const double *mean = sl_dataset_mean(ds), *scale = sl_dataset_scale(ds);
    for (size_t i = 0; ok && i < (size_t)h.n_samples * h.n_features; i++) ok = isfinite(X[i]);
    for (int i = 0; ok && i < h.n_samples; i++)
        ok = h.task == SL_TASK_REGRESSION ? isfinite(y[i]) : (y[i] >= 0 && y[i] < (float)h.n_classes && floorf(y[i]) == y[i]);
    for (int j = 0; ok && j < h.n_features; j++) ok = isfinite(mean[j]) && isfinite(scale[j]) && scale[j] > 0;
    if (!ok) {
        free(ds);
        return sl_fail(SL_STATUS_STATE, THING, "state", "is damaged (a value is out of range)");
    }
    *out = ds;
    return SL_STATUS_OK;
}

static int row_extra(const void *entry, char **buf, int len, int *cap)
{
    const data_kind *k = entry;
    const char *names = SL_TASK_NAMES;
    char word[48];
    for (int t = 0; t < k->task; t++) names += strcspn(names, "|") + 1;
    snprintf(word, sizeof word, ",\"task\":\"%.*s\"", (int)strcspn(names, "|"), names);
    return sl_json_append(buf, len, cap, word);
}

int sl_datasets_json(char **buf, int len, int *cap)
{
    return sl_kinds_json_ex(buf, len, cap, KINDS_, sizeof KINDS_[0], D_COUNT, row_extra);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
