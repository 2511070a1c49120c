/* Data-set generators, the stratified split and standardisation; see data.h.
 * Shapes and parameters follow their sources: tensorflow/playground's
 * dataset.ts (circle, xor, gaussians, spiral, plane; labels -1/1 there are
 * 0/1 here), sklearn.datasets.make_moons and make_blobs, CS231n's K-arm
 * spiral. Values differ from those sources since the random stream differs. */
#include "data.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rng.h"
#include "iris_data.h"

/* Cold code (run once per data set or model): built for size, not speed. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define SL_DATA_MAGIC 0x44415441u /* "DATA" */
#define SL_DATA_VERSION 1u
#define DIGITS_N 1797
#define DIGITS_D 64

static const char *THING = "dataset";

enum {
    D_circle, D_xor, D_gaussians, D_spiral, D_moons, D_blobs, D_spirals, D_sine, D_linear_outliers, D_plane,
    D_imbalanced, D_iris, D_digits, D_COUNT
};

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

#define K(name, params, task, summary) { { name, params, (int)(sizeof params / sizeof params[0]), summary }, task, "", "" }
static const data_kind KINDS[D_COUNT] = {
    K("circle", P_CIRCLE, SL_TASK_BINARY, "a disc inside a ring (playground)"),
    K("xor", P_XOR, SL_TASK_BINARY, "four quadrants, sign of x1 x2 (playground)"),
    K("gaussians", P_GAUSS, SL_TASK_BINARY, "two Gaussian blobs at (2, 2) and (-2, -2) (playground)"),
    K("spiral", P_SPIRAL, SL_TASK_BINARY, "two interleaved spiral arms (playground)"),
    K("moons", P_MOONS, SL_TASK_BINARY, "two interleaving half circles (sklearn make_moons)"),
    K("blobs", P_BLOBS, SL_TASK_MULTICLASS, "isotropic Gaussian blobs, centres in (-10, 10) (sklearn make_blobs)"),
    K("spirals", P_SPIRALS, SL_TASK_MULTICLASS, "K spiral arms (CS231n)"),
    K("sine", P_SINE, SL_TASK_REGRESSION, "y = sin(x) + noise, x in [-pi, pi]"),
    K("linear_outliers", P_OUTLIERS, SL_TASK_REGRESSION, "a noisy line with gross outliers below its right end"),
    K("plane", P_PLANE, SL_TASK_REGRESSION, "y = (x1 + x2) / 10 on [-6, 6]^2 (playground)"),
    K("imbalanced", P_IMBALANCED, SL_TASK_BINARY, "two Gaussian classes with a rare positive class"),
    { { "iris", P_SHIPPED, 4, "Fisher's Iris: 150 flowers, 4 measurements, 3 species" }, SL_TASK_MULTICLASS,
      "sepal length (cm)|sepal width (cm)|petal length (cm)|petal width (cm)", "setosa|versicolor|virginica" },
    { { "digits", P_SHIPPED, 4, "UCI optical digits: 1797 images of 8x8 pixels in 0..16, 10 classes" }, SL_TASK_MULTICLASS,
      "pixel", "0|1|2|3|4|5|6|7|8|9" },
};

/* ---- the shipped digits ---- */

static unsigned char *g_digits; /* DIGITS_N * 64 pixels, then DIGITS_N labels */

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

sl_status sl_data_digits_load(const unsigned char *bytes, int len)
{
    const char *thing = "digits";
    const int payload = DIGITS_N * (DIGITS_D + 1);
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
const char *sl_dataset_name(const sl_dataset *ds) { return ds->kind >= 0 ? KINDS[ds->kind].head.name : "arrays"; }

static char g_names[1200];

const char *sl_dataset_feature_names(const sl_dataset *ds)
{
    if (ds->kind != D_digits) return ds->kind >= 0 ? KINDS[ds->kind].feature_names : "";
    size_t o = 0;
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++) o += (size_t)snprintf(g_names + o, sizeof g_names - o, "%spixel_%d_%d", o ? "|" : "", r, c);
    return g_names;
}

const char *sl_dataset_class_names(const sl_dataset *ds) { return ds->kind >= 0 ? KINDS[ds->kind].class_names : ""; }

static sl_status allocate(int kind, int task, int n, int d, int n_classes, sl_dataset **out)
{
    size_t bytes = total_bytes(n, d);
    sl_dataset *ds = calloc(1, bytes);
    if (!ds) return sl_fail(SL_STATUS_NOMEM, kind >= 0 ? KINDS[kind].head.name : THING, "n_samples",
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

/* ---- generators: write n rows into X (n, d) and y, in a fixed order ---- */

static void gen_circle(const double *p, sl_rng *r, int n, float *X, float *y)
{
    const double radius = 5, noise = p[5];
    int n_pos = n / 2;
    for (int i = 0; i < n; i++) {
        int pos = i < n_pos;
        double rr = pos ? sl_rng_range(r, 0, radius * 0.5) : sl_rng_range(r, radius * 0.7, radius);
        double angle = sl_rng_range(r, 0, 2 * SL_PI);
        double x = rr * sin(angle), z = rr * cos(angle);
        double nx = sl_rng_range(r, -radius, radius) * noise, nz = sl_rng_range(r, -radius, radius) * noise;
        /* the playground labels each point by where its noisy copy falls */
        X[2 * i] = (float)x;
        X[2 * i + 1] = (float)z;
        y[i] = hypot(x + nx, z + nz) < radius * 0.5 ? 1.0f : 0.0f;
    }
}

static void gen_xor(const double *p, sl_rng *r, int n, float *X, float *y)
{
    const double padding = 0.3, noise = p[5];
    for (int i = 0; i < n; i++) {
        double x = sl_rng_range(r, -5, 5), z = sl_rng_range(r, -5, 5);
        x += x > 0 ? padding : -padding;
        z += z > 0 ? padding : -padding;
        double nx = sl_rng_range(r, -5, 5) * noise, nz = sl_rng_range(r, -5, 5) * noise;
        X[2 * i] = (float)x;
        X[2 * i + 1] = (float)z;
        y[i] = (x + nx) * (z + nz) >= 0 ? 1.0f : 0.0f;
    }
}

static void gen_gaussians(const double *p, sl_rng *r, int n, float *X, float *y)
{
    double sd = sqrt(0.5 + 7 * p[5]); /* the playground maps noise [0, 0.5] to variance [0.5, 4] */
    int n_pos = n / 2;
    for (int i = 0; i < n; i++) {
        double c = i < n_pos ? 2 : -2;
        X[2 * i] = (float)(c + sd * sl_rng_normal(r));
        X[2 * i + 1] = (float)(c + sd * sl_rng_normal(r));
        y[i] = i < n_pos ? 1.0f : 0.0f;
    }
}

static void gen_spiral(const double *p, sl_rng *r, int n, float *X, float *y)
{
    int n_pos = n / 2;
    for (int i = 0; i < n; i++) {
        int pos = i < n_pos, k = pos ? i : i - n_pos, m = pos ? n_pos : n - n_pos;
        double rr = (double)k / m * 5, t = 1.75 * k / m * 2 * SL_PI + (pos ? 0 : SL_PI);
        X[2 * i] = (float)(rr * sin(t) + sl_rng_range(r, -1, 1) * p[5]);
        X[2 * i + 1] = (float)(rr * cos(t) + sl_rng_range(r, -1, 1) * p[5]);
        y[i] = pos ? 1.0f : 0.0f;
    }
}

static void gen_moons(const double *p, sl_rng *r, int n, float *X, float *y)
{
    int n_out = n / 2, n_in = n - n_out;
    for (int i = 0; i < n; i++) {
        int outer = i < n_out;
        int k = outer ? i : i - n_out, m = outer ? n_out : n_in;
        double t = m > 1 ? SL_PI * k / (m - 1) : 0; /* np.linspace(0, pi, m) */
        double x = outer ? cos(t) : 1 - cos(t), z = outer ? sin(t) : 1 - sin(t) - 0.5;
        X[2 * i] = (float)x;
        X[2 * i + 1] = (float)z;
        y[i] = outer ? 0.0f : 1.0f;
    }
    if (p[5] > 0)
        for (int i = 0; i < 2 * n; i++) X[i] = (float)((double)X[i] + p[5] * sl_rng_normal(r));
}

static void gen_blobs(const double *p, sl_rng *r, int n, float *X, float *y)
{
    int C = (int)p[5], d = (int)p[6];
    double centers[64];
    int row = 0;
    for (int c = 0; c < C; c++) {
        for (int j = 0; j < d; j++) centers[j] = sl_rng_range(r, -10, 10);
        int m = n / C + (c < n % C); /* make_blobs gives the remainder to the first centres */
        for (int k = 0; k < m; k++, row++) {
            for (int j = 0; j < d; j++) X[(size_t)row * d + j] = (float)(centers[j] + p[7] * sl_rng_normal(r));
            y[row] = (float)c;
        }
    }
}

static void gen_spirals(const double *p, sl_rng *r, int n, float *X, float *y)
{
    int K = (int)p[5], row = 0;
    for (int c = 0; c < K; c++) {
        int m = n / K + (c < n % K);
        for (int k = 0; k < m; k++, row++) {
            double f = m > 1 ? (double)k / (m - 1) : 0;
            double t = 4 * f + 2 * SL_PI * c / K + p[6] * sl_rng_normal(r);
            X[2 * row] = (float)(f * sin(t));
            X[2 * row + 1] = (float)(f * cos(t));
            y[row] = (float)c;
        }
    }
}

static void gen_sine(const double *p, sl_rng *r, int n, float *X, float *y)
{
    for (int i = 0; i < n; i++) {
        double x = sl_rng_range(r, -SL_PI, SL_PI);
        X[i] = (float)x;
        y[i] = (float)(sin(x) + p[5] * sl_rng_normal(r));
    }
}

static void gen_linear_outliers(const double *p, sl_rng *r, int n, float *X, float *y)
{
    int n_out = (int)floor(p[8] * n + 0.5);
    double spread = 10 + 2 * fabs(p[6]); /* gross: far outside the line's range on [-1, 1] */
    for (int i = 0; i < n; i++) {
        int outlier = i < n_out;
        double x = outlier ? sl_rng_range(r, 0.75, 1) : sl_rng_range(r, -1, 1);
        double t = p[7] + p[6] * x + p[5] * sl_rng_normal(r);
        if (outlier) t -= spread * (1 + sl_rng_uniform(r));
        X[i] = (float)x;
        y[i] = (float)t;
    }
}

static void gen_plane(const double *p, sl_rng *r, int n, float *X, float *y)
{
    const double radius = 6;
    for (int i = 0; i < n; i++) {
        double x = sl_rng_range(r, -radius, radius), z = sl_rng_range(r, -radius, radius);
        double nx = sl_rng_range(r, -radius, radius) * p[5], nz = sl_rng_range(r, -radius, radius) * p[5];
        X[2 * i] = (float)x;
        X[2 * i + 1] = (float)z;
        y[i] = (float)((x + nx + z + nz) / 10);
    }
}

static int imbalanced_positives(const double *p, int n)
{
    int k = (int)floor(p[5] * n + 0.5);
    return k < 1 ? 1 : k;
}

static void gen_imbalanced(const double *p, sl_rng *r, int n, float *X, float *y)
{
    int n_pos = imbalanced_positives(p, n);
    for (int i = 0; i < n; i++) {
        double c = (i < n_pos ? 0.5 : -0.5) * p[6];
        X[2 * i] = (float)(c + p[7] * sl_rng_normal(r));
        X[2 * i + 1] = (float)(c + p[7] * sl_rng_normal(r));
        y[i] = i < n_pos ? 1.0f : 0.0f;
    }
}

static void gen_iris(const double *p, sl_rng *r, int n, float *X, float *y)
{
    (void)p, (void)r;
    for (int i = 0; i < n * 4; i++) X[i] = (float)(IRIS_X10[i] / 10.0);
    for (int i = 0; i < n; i++) y[i] = (float)IRIS_Y[i];
}

static void gen_digits(const double *p, sl_rng *r, int n, float *X, float *y)
{
    (void)p, (void)r;
    for (int i = 0; i < n * DIGITS_D; i++) X[i] = (float)g_digits[i];
    for (int i = 0; i < n; i++) y[i] = (float)g_digits[DIGITS_N * DIGITS_D + i];
}

typedef void (*gen_fn)(const double *, sl_rng *, int, float *, float *);
static const gen_fn GEN[D_COUNT] = {
    gen_circle, gen_xor, gen_gaussians, gen_spiral, gen_moons, gen_blobs, gen_spirals,
    gen_sine, gen_linear_outliers, gen_plane, gen_imbalanced, gen_iris, gen_digits,
};

/* ---- split and standardisation, shared by generated and explicit data ---- */

/* Moves the validation rows (a stratified random selection with the split
 * stream) after the training rows, each split keeping the incoming order, then
 * standardises with the training split's mean and population std (as
 * sklearn's StandardScaler; a constant feature keeps scale 1). */
static sl_status finish(sl_dataset *ds, const char *thing, double val_fraction, int standardize, uint64_t seed)
{
    int n = ds->n_samples, d = ds->n_features;
    float *X = sl_dataset_X(ds), *y = sl_dataset_y(ds);
    double *mean = sl_dataset_mean(ds), *scale = sl_dataset_scale(ds);
    if (val_fraction > 0) {
        int groups = ds->task == SL_TASK_REGRESSION ? 1 : ds->n_classes;
        int *idx = malloc(sizeof(int) * (size_t)n);
        unsigned char *is_val = calloc((size_t)n, 1);
        float *tmp = malloc(sizeof(float) * ((size_t)n * d + (size_t)n));
        if (!idx || !is_val || !tmp) {
            free(idx), free(is_val), free(tmp);
            return sl_fail(SL_STATUS_NOMEM, thing, "val_fraction", "split of %d rows does not fit in memory", n);
        }
        /* round(val_fraction n) rows in all, shared among the classes by largest
         * remainders (as sklearn's stratified split), each class keeping a training row */
        int count[SL_DATA_MAX_CLASSES] = { 0 }, quota[SL_DATA_MAX_CLASSES] = { 0 }, nonempty = 0, n_val = 0;
        for (int i = 0; i < n; i++) count[groups == 1 ? 0 : (int)y[i]]++;
        for (int g = 0; g < groups; g++) nonempty += count[g] > 0;
        int target = (int)floor(val_fraction * n + 0.5);
        if (target > n - nonempty) target = n - nonempty;
        if (target < 1) {
            free(idx), free(is_val), free(tmp);
            return sl_fail(SL_STATUS_INVALID, thing, "val_fraction", "%s of %d samples leaves the validation split empty "
                           "(use 0 for no validation split)", sl_num(val_fraction).s, n);
        }
        for (int g = 0; g < groups; g++) {
            quota[g] = (int)floor(val_fraction * count[g]);
            if (quota[g] > count[g] - 1) quota[g] = count[g] > 0 ? count[g] - 1 : 0;
            n_val += quota[g];
        }
        while (n_val < target) {
            int best = -1;
            double best_rem = -2;
            for (int g = 0; g < groups; g++) {
                double rem = val_fraction * count[g] - quota[g];
                if (quota[g] < count[g] - 1 && rem > best_rem) best = g, best_rem = rem;
            }
            if (best < 0) break;
            quota[best]++;
            n_val++;
        }
        sl_rng r;
        sl_rng_seed(&r, seed, 2);
        for (int g = 0; g < groups; g++) {
            int m = 0;
            for (int i = 0; i < n; i++)
                if (groups == 1 || (int)y[i] == g) idx[m++] = i;
            sl_rng_shuffle(&r, idx, m);
            for (int j = 0; j < quota[g]; j++) is_val[idx[j]] = 1;
        }
        int row = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < n; i++) {
                if (is_val[i] != pass) continue;
                memcpy(tmp + (size_t)row * d, X + (size_t)i * d, sizeof(float) * (size_t)d);
                tmp[(size_t)n * d + row] = y[i];
                row++;
            }
        memcpy(X, tmp, sizeof(float) * ((size_t)n * d + (size_t)n));
        free(idx), free(is_val), free(tmp);
        ds->n_val = n_val;
        ds->n_train = n - n_val;
    }
    int nt = ds->n_train;
    for (int j = 0; j < d; j++) {
        mean[j] = 0;
        scale[j] = 1;
        if (!standardize) continue;
        double s = 0, ss = 0;
        for (int i = 0; i < nt; i++) s += X[(size_t)i * d + j];
        double mu = s / nt;
        for (int i = 0; i < nt; i++) {
            double e = X[(size_t)i * d + j] - mu;
            ss += e * e;
        }
        double sd = sqrt(ss / nt);
        mean[j] = mu;
        scale[j] = sd > 1e-12 * (fabs(mu) + 1) ? sd : 1;
        for (int i = 0; i < n; i++) X[(size_t)i * d + j] = (float)((X[(size_t)i * d + j] - mu) / scale[j]);
    }
    ds->standardized = standardize;
    return SL_STATUS_OK;
}

/* Reorders rows by a seeded permutation (the data stream, after generation). */
static sl_status shuffle_rows(sl_dataset *ds, sl_rng *r)
{
    int n = ds->n_samples, d = ds->n_features;
    int *perm = malloc(sizeof(int) * (size_t)n);
    float *tmp = malloc(sizeof(float) * ((size_t)n * d + (size_t)n));
    if (!perm || !tmp) {
        free(perm), free(tmp);
        return sl_fail(SL_STATUS_NOMEM, sl_dataset_name(ds), "n_samples", "of %d rows do not fit in memory", n);
    }
    float *X = sl_dataset_X(ds), *y = sl_dataset_y(ds);
    for (int i = 0; i < n; i++) perm[i] = i;
    sl_rng_shuffle(r, perm, n);
    for (int i = 0; i < n; i++) {
        memcpy(tmp + (size_t)i * d, X + (size_t)perm[i] * d, sizeof(float) * (size_t)d);
        tmp[(size_t)n * d + i] = y[perm[i]];
    }
    memcpy(X, tmp, sizeof(float) * ((size_t)n * d + (size_t)n));
    free(perm), free(tmp);
    return SL_STATUS_OK;
}

/* ---- entry points ---- */

static sl_status lookup_name(const sl_json *doc, int obj, int *kind)
{
    const sl_kind *k;
    sl_status st = sl_spec_lookup_by(doc, obj, "name", "is required (one of the data sets, or give X and y)", KINDS,
                                     sizeof KINDS[0], D_COUNT, THING, &k);
    if (!st) *kind = (int)(((const char *)k - (const char *)KINDS) / (ptrdiff_t)sizeof KINDS[0]);
    return st;
}

sl_status sl_dataset_create(const char *json, int len, sl_dataset **out)
{
    sl_json doc;
    *out = NULL;
    if (len < 0) return sl_fail(SL_STATUS_INVALID, THING, NULL, "spec length is negative");
    sl_status st = sl_json_parse(json, (size_t)len, &doc, THING);
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
    if (!st) st = sl_spec_decode(doc, obj, &KINDS[kind].head, "name", &a);
    if (st) return st;
    const char *name = KINDS[kind].head.name;
    const double *p = a.v;
    int n = 0, d = 2, classes = 2;
    switch (kind) {
    case D_iris: n = 150, d = 4, classes = 3; break;
    case D_digits:
        if (!g_digits)
            return sl_fail(SL_STATUS_STATE, name, NULL, "pixel data is not loaded: pass the bytes of dist/steplab-digits.bin.gz "
                           "as loadSteplab({ digits })");
        n = DIGITS_N, d = DIGITS_D, classes = 10;
        break;
    case D_blobs: n = (int)p[4], d = (int)p[6], classes = (int)p[5]; break;
    case D_spirals: n = (int)p[4], classes = (int)p[5]; break;
    case D_sine: case D_linear_outliers: n = (int)p[4], d = 1; break;
    default: n = (int)p[4];
    }
    if (n < classes)
        return sl_fail(SL_STATUS_INVALID, name, "n_samples", "must be at least the number of classes (%d), got %d", classes, n);
    if ((double)n * d > SL_DATA_MAX_VALUES)
        return sl_fail(SL_STATUS_INVALID, name, "n_samples", "x n_features must be at most %d, got %d x %d", SL_DATA_MAX_VALUES, n, d);
    sl_dataset *ds = NULL;
    st = allocate(kind, KINDS[kind].task, n, d, classes, &ds);
    if (st) return st;
    sl_rng r;
    sl_rng_seed(&r, (uint64_t)p[0], 1);
    GEN[kind](p, &r, n, sl_dataset_X(ds), sl_dataset_y(ds));
    if (p[3] != 0) st = shuffle_rows(ds, &r);
    if (!st) st = finish(ds, name, p[1], p[2] != 0, (uint64_t)p[0]);
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

sl_status sl_dataset_from_arrays(const double *X, int n, int d, const double *y, const char *json, int len,
                                 sl_dataset **out)
{
    sl_param params[4];
    memcpy(params, P_ARRAYS, sizeof params);
    params[0].choices = SL_TASK_NAMES;
    sl_kind kind = { THING, params, 4, "explicit arrays" };
    sl_json doc;
    sl_args a;
    *out = NULL;
    if (len < 0) return sl_fail(SL_STATUS_INVALID, THING, NULL, "spec length is negative");
    if (n < 2 || n > SL_DATA_MAX_SAMPLES)
        return sl_fail(SL_STATUS_INVALID, THING, "X", "must have 2 to %d rows, got %d", SL_DATA_MAX_SAMPLES, n);
    if (d < 1 || d > SL_DATA_MAX_FEATURES)
        return sl_fail(SL_STATUS_INVALID, THING, "X", "rows must have 1 to %d features, got %d", SL_DATA_MAX_FEATURES, d);
    if ((double)n * d > SL_DATA_MAX_VALUES)
        return sl_fail(SL_STATUS_INVALID, THING, "X", "must hold at most %d values, got %d x %d", SL_DATA_MAX_VALUES, n, d);
    sl_status st = sl_json_parse(json, (size_t)len, &doc, THING);
    if (st) return st;
    if (doc.nodes[0].type != SL_J_OBJ) st = sl_fail(SL_STATUS_INVALID, THING, NULL, "options must be an object");
    if (!st) st = sl_spec_decode(&doc, 0, &kind, "X|y", &a);
    sl_json_free(&doc);
    if (st) return st;
    int task = (int)a.v[0], classes = 0;
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
    st = finish(ds, THING, a.v[2], a.v[3] != 0, (uint64_t)a.v[1]);
    if (st) {
        free(ds);
        return st;
    }
    *out = ds;
    return SL_STATUS_OK;
}

void sl_dataset_free(sl_dataset *ds) { free(ds); }

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

int sl_datasets_json(char **buf, int len, int *cap)
{
    return sl_kinds_json(buf, len, cap, KINDS, sizeof KINDS[0], D_COUNT);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
