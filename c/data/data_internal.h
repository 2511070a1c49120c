/* Private to c/data/: the registry's kinds, the parameter struct of every
 * generated set (filled by name from its registry row), the generators and
 * the split. Nothing outside c/data/ includes this header. */
#ifndef SL_DATA_INTERNAL_H
#define SL_DATA_INTERNAL_H

#include "data.h"
#include "../base/rng.h"

#define DIGITS_N 1797
#define DIGITS_D 64

enum {
    D_circle, D_xor, D_gaussians, D_spiral, D_moons, D_blobs, D_spirals, D_sine, D_linear_outliers, D_plane,
    D_imbalanced, D_iris, D_digits, D_COUNT
};

/* Every data set's parameters by their registry names; a kind fills those it has. */
typedef struct {
    double seed, val_fraction;
    int standardize, shuffle, n_samples;
    double noise;
    int centers, n_features, n_classes;
    double cluster_std, slope, intercept, outlier_fraction, positive_rate, class_sep;
} data_params;

typedef void (*data_gen)(const data_params *P, sl_rng *r, int n, float *X, float *y);
extern const data_gen SL_DATA_GEN[D_COUNT];

/* The shipped digits (NULL until sl_data_digits_load): DIGITS_N * 64 pixels, then DIGITS_N labels. */
const unsigned char *sl_data_digits_bytes(void);

/* Validation rows of a stratified split of n rows of which `groups` classes
 * (1 for regression) are non-empty: round(val_fraction n), at most n - groups. */
int sl_data_val_rows(int n, int groups, double val_fraction);
/* The split (validation rows moved after the training rows) and the
 * standardisation with the training split's statistics. */
sl_status sl_data_finish(sl_dataset *ds, const char *thing, double val_fraction, int standardize, uint64_t seed);
/* Reorders the rows by a seeded permutation of stream r. */
sl_status sl_data_shuffle_rows(sl_dataset *ds, sl_rng *r);

#endif
