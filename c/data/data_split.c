/* The stratified train/validation split and standardisation shared by
 * generated and explicit data, and the seeded row shuffle. */
#include "data_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

int sl_data_val_rows(int n, int groups, double val_fraction)
{
    int target = (int)floor(val_fraction * n + 0.5);
    return target > n - groups ? n - groups : target;
}

/* Moves the validation rows (a stratified random selection with the split
 * stream) after the training rows, each split keeping the incoming order, then
 * standardises with the training split's mean and population std (as
 * sklearn's StandardScaler; a constant feature keeps scale 1). */
sl_status sl_data_finish(sl_dataset *ds, const char *thing, double val_fraction, int standardize, uint64_t seed)
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
        int target = sl_data_val_rows(n, nonempty, val_fraction);
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
sl_status sl_data_shuffle_rows(sl_dataset *ds, sl_rng *r)
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

#if defined(__clang__)
#pragma clang attribute pop
#endif
