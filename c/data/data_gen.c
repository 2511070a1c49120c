/* The data-set generators: each writes n rows into X (n, d) and y in a fixed
 * order from the data stream r. Shapes and parameters follow their sources:
 * tensorflow/playground's dataset.ts (circle, xor, gaussians, spiral, plane;
 * labels -1/1 there are 0/1 here), sklearn.datasets.make_moons and
 * make_blobs, CS231n's K-arm spiral. Values differ from those sources since
 * the random stream differs. */
#include "data_internal.h"

#include <math.h>

#include "iris_data.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static void gen_circle(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    const double radius = 5, noise = P->noise;
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

static void gen_xor(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    const double padding = 0.3, noise = P->noise;
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

static void gen_gaussians(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    double sd = sqrt(0.5 + 7 * P->noise); /* the playground maps noise [0, 0.5] to variance [0.5, 4] */
    int n_pos = n / 2;
    for (int i = 0; i < n; i++) {
        double c = i < n_pos ? 2 : -2;
        X[2 * i] = (float)(c + sd * sl_rng_normal(r));
        X[2 * i + 1] = (float)(c + sd * sl_rng_normal(r));
        y[i] = i < n_pos ? 1.0f : 0.0f;
    }
}

static void gen_spiral(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    int n_pos = n / 2;
    for (int i = 0; i < n; i++) {
        int pos = i < n_pos, k = pos ? i : i - n_pos, m = pos ? n_pos : n - n_pos;
        double rr = (double)k / m * 5, t = 1.75 * k / m * 2 * SL_PI + (pos ? 0 : SL_PI);
        X[2 * i] = (float)(rr * sin(t) + sl_rng_range(r, -1, 1) * P->noise);
        X[2 * i + 1] = (float)(rr * cos(t) + sl_rng_range(r, -1, 1) * P->noise);
        y[i] = pos ? 1.0f : 0.0f;
    }
}

static void gen_moons(const data_params *P, sl_rng *r, int n, float *X, float *y)
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
    if (P->noise > 0)
        for (int i = 0; i < 2 * n; i++) X[i] = (float)((double)X[i] + P->noise * sl_rng_normal(r));
}

static void gen_blobs(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    int C = P->centers, d = P->n_features;
    double centers[64];
    int row = 0;
    for (int c = 0; c < C; c++) {
        for (int j = 0; j < d; j++) centers[j] = sl_rng_range(r, -10, 10);
        int m = n / C + (c < n % C); /* make_blobs gives the remainder to the first centres */
        for (int k = 0; k < m; k++, row++) {
            for (int j = 0; j < d; j++) X[(size_t)row * d + j] = (float)(centers[j] + P->cluster_std * sl_rng_normal(r));
            y[row] = (float)c;
        }
    }
}

static void gen_spirals(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    int K = P->n_classes, row = 0;
    for (int c = 0; c < K; c++) {
        int m = n / K + (c < n % K);
        for (int k = 0; k < m; k++, row++) {
            double f = m > 1 ? (double)k / (m - 1) : 0;
            double t = 4 * f + 2 * SL_PI * c / K + P->noise * sl_rng_normal(r);
            X[2 * row] = (float)(f * sin(t));
            X[2 * row + 1] = (float)(f * cos(t));
            y[row] = (float)c;
        }
    }
}

static void gen_sine(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    for (int i = 0; i < n; i++) {
        double x = sl_rng_range(r, -SL_PI, SL_PI);
        X[i] = (float)x;
        y[i] = (float)(sin(x) + P->noise * sl_rng_normal(r));
    }
}

static void gen_linear_outliers(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    int n_out = (int)floor(P->outlier_fraction * n + 0.5);
    double spread = 10 + 2 * fabs(P->slope); /* gross: far outside the line's range on [-1, 1] */
    for (int i = 0; i < n; i++) {
        int outlier = i < n_out;
        double x = outlier ? sl_rng_range(r, 0.75, 1) : sl_rng_range(r, -1, 1);
        double t = P->intercept + P->slope * x + P->noise * sl_rng_normal(r);
        if (outlier) t -= spread * (1 + sl_rng_uniform(r));
        X[i] = (float)x;
        y[i] = (float)t;
    }
}

static void gen_plane(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    const double radius = 6;
    for (int i = 0; i < n; i++) {
        double x = sl_rng_range(r, -radius, radius), z = sl_rng_range(r, -radius, radius);
        double nx = sl_rng_range(r, -radius, radius) * P->noise, nz = sl_rng_range(r, -radius, radius) * P->noise;
        X[2 * i] = (float)x;
        X[2 * i + 1] = (float)z;
        y[i] = (float)((x + nx + z + nz) / 10);
    }
}

static int imbalanced_positives(const data_params *P, int n)
{
    int k = (int)floor(P->positive_rate * n + 0.5);
    return k < 1 ? 1 : k;
}

static void gen_imbalanced(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    int n_pos = imbalanced_positives(P, n);
    for (int i = 0; i < n; i++) {
        double c = (i < n_pos ? 0.5 : -0.5) * P->class_sep;
        X[2 * i] = (float)(c + P->cluster_std * sl_rng_normal(r));
        X[2 * i + 1] = (float)(c + P->cluster_std * sl_rng_normal(r));
        y[i] = i < n_pos ? 1.0f : 0.0f;
    }
}

static void gen_iris(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    (void)P, (void)r;
    for (int i = 0; i < n * 4; i++) X[i] = (float)(IRIS_X10[i] / 10.0);
    for (int i = 0; i < n; i++) y[i] = (float)IRIS_Y[i];
}

static void gen_digits(const data_params *P, sl_rng *r, int n, float *X, float *y)
{
    (void)P, (void)r;
    const unsigned char *g_digits = sl_data_digits_bytes();
    for (int i = 0; i < n * DIGITS_D; i++) X[i] = (float)g_digits[i];
    for (int i = 0; i < n; i++) y[i] = (float)g_digits[DIGITS_N * DIGITS_D + i];
}

const data_gen SL_DATA_GEN[D_COUNT] = {
    gen_circle, gen_xor, gen_gaussians, gen_spiral, gen_moons, gen_blobs, gen_spirals,
    gen_sine, gen_linear_outliers, gen_plane, gen_imbalanced, gen_iris, gen_digits,
};


#if defined(__clang__)
#pragma clang attribute pop
#endif
