/* Data sets: seeded, deterministic generators of the classic toy sets (the
 * browser playground's circle, xor, gaussians and spiral; scikit-learn's
 * make_moons and make_blobs; K-arm spirals; regression and imbalance sets),
 * the shipped Iris and optical digits data, and explicit arrays.
 *
 * A data set is one allocation of plain data: the header, then X (n, d) and
 * y (n) as floats, then the standardisation's mean and scale (d) as doubles.
 * Rows [0, n_train) are the training split, rows [n_train, n) the validation
 * split. y holds class indices (0, 1, ...) for classification, targets for
 * regression. Generation uses the seed's stream 1, the split its stream 2, so
 * changing val_fraction never changes the points themselves.
 *
 * Files: data.c (the registry, entry points, saved states), data_gen.c (the
 * generators), data_split.c (split and standardisation). Work: O(n d) per
 * data set, n d at most SL_DATA_MAX_VALUES. */
#ifndef SL_DATA_H
#define SL_DATA_H

#include <stdint.h>
#include "../base/spec.h"

enum { SL_TASK_BINARY, SL_TASK_MULTICLASS, SL_TASK_REGRESSION, SL_TASK_COUNT };
#define SL_TASK_NAMES "binary|multiclass|regression"
/* The trainer's fourth task, metric learning (c/train/): never a data set's own. */
#define SL_TASK_EMBEDDING SL_TASK_COUNT
#define SL_TRAIN_TASK_NAMES SL_TASK_NAMES "|embedding"

#define SL_DATA_MAX_SAMPLES 1000000
#define SL_DATA_MAX_FEATURES 4096
#define SL_DATA_MAX_CLASSES 256
#define SL_DATA_MAX_VALUES 16777216 /* n_samples x n_features */

typedef struct sl_dataset {
    uint32_t magic, version, size, checksum;
    int kind;           /* registry index, -1 for explicit arrays */
    int task;           /* SL_TASK_* */
    int n_samples, n_features, n_classes; /* n_classes is 0 for regression */
    int n_train, n_val;
    int standardized;   /* 1 when X was standardised with the training split's mean and scale */
    /* followed by float X[n * d], float y[n], double mean[d], double scale[d] */
} sl_dataset;

/* Generates the data set a JSON spec names ({"name": "moons", "n_samples": 200,
 * "noise": 0.1, "seed": 0, "val_fraction": 0.2, "standardize": true}); the
 * caller frees it with sl_dataset_free. */
sl_status sl_dataset_create(const char *json, double len, sl_dataset **out);
/* Same, from an already parsed spec object (a trainer's "dataset" member). */
sl_status sl_dataset_from_spec(const sl_json *doc, int obj, sl_dataset **out);

/* A data set from explicit rows: X (n, d) and y (n) as doubles, options as
 * JSON {"task": "binary", "val_fraction": 0.2, "standardize": true, "seed": 0}.
 * Every value is validated (finite; class labels integers in range) and an
 * error names the field and row. Rows keep their order within each split. */
sl_status sl_dataset_from_arrays(const double *X, double n, double d, const double *y, const char *json, double len,
                                 sl_dataset **out);
/* A trainer's explicit-arrays options (obj in doc; -1: none given) against the
 * data set they must describe: the same rules as sl_dataset_from_arrays, and
 * the task, standardisation and split size must be the data's. */
sl_status sl_dataset_check_options(const sl_json *doc, int obj, const sl_dataset *ds);
/* 1 when two data sets hold the same kind, shape, split and values. */
int sl_dataset_same(const sl_dataset *a, const sl_dataset *b);
void sl_dataset_free(sl_dataset *ds);

/* Saved state: exactly sl_dataset_state_size() bytes; restore validates magic,
 * version, size, checksum, the layout and every value (finite features, class
 * labels in range) before use. */
int sl_dataset_state_size(const sl_dataset *ds);
void sl_dataset_state_save(sl_dataset *ds, void *buf);
sl_status sl_dataset_restore(const void *buf, int len, sl_dataset **out); /* internal: the trainer's state */

float *sl_dataset_X(sl_dataset *ds);
float *sl_dataset_y(sl_dataset *ds);
double *sl_dataset_mean(sl_dataset *ds);   /* X = (raw - mean) / scale; 0 and 1 when not standardised */
double *sl_dataset_scale(sl_dataset *ds);
int sl_dataset_n_samples(const sl_dataset *ds);
int sl_dataset_n_features(const sl_dataset *ds);
int sl_dataset_n_classes(const sl_dataset *ds);
int sl_dataset_n_train(const sl_dataset *ds);
int sl_dataset_task(const sl_dataset *ds);
/* The registry name ("moons") or "arrays". */
const char *sl_dataset_name(const sl_dataset *ds);
/* '|'-separated feature and class names, "" when the data set has none.
 * The text lives in a buffer that the next call overwrites. */
const char *sl_dataset_feature_names(const sl_dataset *ds);
const char *sl_dataset_class_names(const sl_dataset *ds);

/* The optical digits pixels are shipped as a separate file (dist/steplab-digits.bin.gz,
 * ungzipped before this call): validates and keeps a copy for every later
 * {"name": "digits"}. */
sl_status sl_data_digits_load(const unsigned char *bytes, double len);
int sl_data_digits_loaded(void);

/* The registry as JSON for the JS API and the page's controls: each row has
 * its category, starter, summary and "task". */
int sl_datasets_json(char **buf, int len, int *cap);

#endif
