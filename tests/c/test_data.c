/* The random generator and the data sets at the C level: PCG32's reference
 * stream, each generator's defining shape, determinism, the stratified split,
 * standardisation, explicit arrays and their errors. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

static sl_dataset *make(const char *json)
{
    sl_dataset *ds = NULL;
    if (sl_dataset_create(json, (int)strlen(json), &ds)) printf("create %s failed: %s\n", json, sl_error_message());
    return ds;
}

static int count_label(sl_dataset *ds, int lo, int hi, float label)
{
    int c = 0;
    for (int i = lo; i < hi; i++) c += sl_dataset_y(ds)[i] == label;
    return c;
}

static void test_rng(void)
{
    /* pcg32-global demo: pcg32_srandom_r(&rng, 42u, 54u) */
    sl_rng r;
    sl_rng_seed(&r, 42, 54);
    const uint32_t want[6] = { 0xa15c02b7u, 0x7b47f409u, 0xba1d3330u, 0x83d2f293u, 0xbfa4784bu, 0xcbed606eu };
    for (int i = 0; i < 6; i++) CHECK(sl_rng_u32(&r) == want[i]);
    /* uniform and normal moments over 200 000 draws */
    sl_rng_seed(&r, 7, 1);
    double s = 0, ss = 0, mn = 1, mx = 0;
    for (int i = 0; i < 200000; i++) {
        double u = sl_rng_uniform(&r);
        s += u, mn = u < mn ? u : mn, mx = u > mx ? u : mx;
    }
    CHECK(mn >= 0 && mx < 1);
    CHECK(fabs(s / 200000 - 0.5) < 0.005);
    s = 0;
    for (int i = 0; i < 200000; i++) {
        double z = sl_rng_normal(&r);
        s += z, ss += z * z;
    }
    CHECK(fabs(s / 200000) < 0.01);
    CHECK(fabs(ss / 200000 - 1) < 0.01);
    /* bounded integers are unbiased and in range; a shuffle is a permutation */
    int hist[3] = { 0, 0, 0 };
    for (int i = 0; i < 30000; i++) hist[sl_rng_below(&r, 3)]++;
    for (int i = 0; i < 3; i++) CHECK(abs(hist[i] - 10000) < 400);
    int a[50], seen[50] = { 0 };
    for (int i = 0; i < 50; i++) a[i] = i;
    sl_rng_shuffle(&r, a, 50);
    int moved = 0;
    for (int i = 0; i < 50; i++) seen[a[i]]++, moved += a[i] != i;
    for (int i = 0; i < 50; i++) CHECK(seen[i] == 1);
    CHECK(moved > 40);
    /* streams of one seed differ */
    sl_rng r1, r2;
    sl_rng_seed(&r1, 5, 1);
    sl_rng_seed(&r2, 5, 2);
    CHECK(sl_rng_u32(&r1) != sl_rng_u32(&r2));
}

static void test_shapes(void)
{
    const char *raw = ",\"standardize\":false,\"val_fraction\":0";
    char spec[256];
    /* moons without noise lie exactly on their two half circles, 50 / 50 */
    snprintf(spec, sizeof spec, "{\"name\":\"moons\",\"n_samples\":101%s}", raw);
    sl_dataset *ds = make(spec);
    if (ds) {
        float *X = sl_dataset_X(ds), *y = sl_dataset_y(ds);
        CHECK(sl_dataset_n_samples(ds) == 101 && sl_dataset_n_features(ds) == 2 && sl_dataset_n_classes(ds) == 2);
        CHECK(count_label(ds, 0, 101, 0) == 50 && count_label(ds, 0, 101, 1) == 51);
        int on = 0;
        for (int i = 0; i < 101; i++) {
            double x = X[2 * i], z = X[2 * i + 1];
            double r = y[i] == 0 ? hypot(x, z) : hypot(x - 1, z - 0.5);
            on += fabs(r - 1) < 1e-6 && (y[i] == 0 ? z >= -1e-7 : z <= 0.5 + 1e-7);
        }
        CHECK(on == 101);
        sl_dataset_free(ds);
    }
    /* circle without noise: class 1 inside radius 2.5, class 0 in the ring [3.5, 5] */
    snprintf(spec, sizeof spec, "{\"name\":\"circle\",\"n_samples\":300,\"seed\":3%s}", raw);
    if ((ds = make(spec))) {
        int ok = 0;
        for (int i = 0; i < 300; i++) {
            double r = hypot(sl_dataset_X(ds)[2 * i], sl_dataset_X(ds)[2 * i + 1]);
            ok += sl_dataset_y(ds)[i] == 1 ? r < 2.5 : (r >= 3.5 - 1e-6 && r <= 5 + 1e-6);
        }
        CHECK(ok == 300);
        CHECK(count_label(ds, 0, 300, 1) == 150);
        sl_dataset_free(ds);
    }
    /* circle with noise: some labels flip near the boundary, none far from it */
    snprintf(spec, sizeof spec, "{\"name\":\"circle\",\"n_samples\":1000,\"noise\":0.3%s}", raw);
    if ((ds = make(spec))) {
        int flipped = 0;
        for (int i = 0; i < 1000; i++) {
            double r = hypot(sl_dataset_X(ds)[2 * i], sl_dataset_X(ds)[2 * i + 1]);
            flipped += (r < 2.5) != (sl_dataset_y(ds)[i] == 1);
        }
        CHECK(flipped > 20 && flipped < 500);
        sl_dataset_free(ds);
    }
    /* xor: the label is the sign of x1 x2, points are kept 0.3 off the axes */
    snprintf(spec, sizeof spec, "{\"name\":\"xor\",\"n_samples\":400%s}", raw);
    if ((ds = make(spec))) {
        int ok = 0;
        for (int i = 0; i < 400; i++) {
            double x = sl_dataset_X(ds)[2 * i], z = sl_dataset_X(ds)[2 * i + 1];
            ok += (x * z >= 0) == (sl_dataset_y(ds)[i] == 1) && fabs(x) >= 0.3f && fabs(z) >= 0.3f && fabs(x) <= 5.3f;
        }
        CHECK(ok == 400);
        sl_dataset_free(ds);
    }
    /* gaussians: class means near (2, 2) and (-2, -2), variance 0.5 + 7 noise */
    snprintf(spec, sizeof spec, "{\"name\":\"gaussians\",\"n_samples\":4000,\"noise\":0.5%s}", raw);
    if ((ds = make(spec))) {
        double m[2] = { 0, 0 }, v = 0;
        for (int i = 0; i < 4000; i++) m[(int)sl_dataset_y(ds)[i]] += sl_dataset_X(ds)[2 * i] / 2000.0;
        for (int i = 0; i < 4000; i++) {
            double e = sl_dataset_X(ds)[2 * i] - (sl_dataset_y(ds)[i] == 1 ? 2 : -2);
            v += e * e / 4000;
        }
        CHECK(fabs(m[1] - 2) < 0.15 && fabs(m[0] + 2) < 0.15);
        CHECK(fabs(v - 4) < 0.3);
        sl_dataset_free(ds);
    }
    /* spiral without noise: radius grows with the angle, at most 5 */
    snprintf(spec, sizeof spec, "{\"name\":\"spiral\",\"n_samples\":200,\"shuffle\":false%s}", raw);
    if ((ds = make(spec))) {
        CHECK(fabs(hypot(sl_dataset_X(ds)[2 * 99], sl_dataset_X(ds)[2 * 99 + 1]) - 99 / 100.0 * 5) < 1e-5);
        CHECK(sl_dataset_X(ds)[0] == 0 && sl_dataset_X(ds)[1] == 0 && sl_dataset_y(ds)[0] == 1 && sl_dataset_y(ds)[100] == 0);
        sl_dataset_free(ds);
    }
    /* blobs: make_blobs' split of 100 over 3 centres is 34, 33, 33 */
    snprintf(spec, sizeof spec, "{\"name\":\"blobs\",\"n_samples\":100,\"n_features\":3%s}", raw);
    if ((ds = make(spec))) {
        CHECK(sl_dataset_n_features(ds) == 3 && sl_dataset_n_classes(ds) == 3 && sl_dataset_task(ds) == SL_TASK_MULTICLASS);
        CHECK(count_label(ds, 0, 100, 0) == 34 && count_label(ds, 0, 100, 1) == 33 && count_label(ds, 0, 100, 2) == 33);
        sl_dataset_free(ds);
    }
    /* spirals: K arms of radius up to 1 */
    snprintf(spec, sizeof spec, "{\"name\":\"spirals\",\"n_samples\":250,\"n_classes\":5%s}", raw);
    if ((ds = make(spec))) {
        CHECK(sl_dataset_n_classes(ds) == 5 && count_label(ds, 0, 250, 4) == 50);
        double rmax = 0;
        for (int i = 0; i < 250; i++) rmax = fmax(rmax, hypot(sl_dataset_X(ds)[2 * i], sl_dataset_X(ds)[2 * i + 1]));
        CHECK(rmax <= 1 + 1e-6 && rmax > 0.999);
        sl_dataset_free(ds);
    }
    /* regression sets without noise are exact */
    snprintf(spec, sizeof spec, "{\"name\":\"sine\",\"noise\":0%s}", raw);
    if ((ds = make(spec))) {
        CHECK(sl_dataset_task(ds) == SL_TASK_REGRESSION && sl_dataset_n_classes(ds) == 0 && sl_dataset_n_features(ds) == 1);
        int ok = 0;
        for (int i = 0; i < 200; i++) ok += fabs(sl_dataset_y(ds)[i] - sin(sl_dataset_X(ds)[i])) < 1e-6 && fabs(sl_dataset_X(ds)[i]) <= 3.1416;
        CHECK(ok == 200);
        sl_dataset_free(ds);
    }
    snprintf(spec, sizeof spec, "{\"name\":\"plane\",\"n_samples\":100%s}", raw);
    if ((ds = make(spec))) {
        int ok = 0;
        for (int i = 0; i < 100; i++)
            ok += fabs(sl_dataset_y(ds)[i] - (sl_dataset_X(ds)[2 * i] + sl_dataset_X(ds)[2 * i + 1]) / 10) < 1e-6;
        CHECK(ok == 100);
        sl_dataset_free(ds);
    }
    snprintf(spec, sizeof spec, "{\"name\":\"linear_outliers\",\"noise\":0,\"slope\":-3,\"intercept\":0.5,\"outlier_fraction\":0.25%s}", raw);
    if ((ds = make(spec))) {
        int on_line = 0, far_below = 0;
        for (int i = 0; i < 200; i++) {
            double x = sl_dataset_X(ds)[i], t = 0.5 - 3 * x, e = sl_dataset_y(ds)[i] - t;
            on_line += fabs(e) < 1e-5;
            far_below += e < -15 && x >= 0.75;
        }
        CHECK(on_line == 150 && far_below == 50);
        sl_dataset_free(ds);
    }
    snprintf(spec, sizeof spec, "{\"name\":\"imbalanced\",\"n_samples\":1000,\"positive_rate\":0.05%s}", raw);
    if ((ds = make(spec))) {
        CHECK(count_label(ds, 0, 1000, 1) == 50);
        sl_dataset_free(ds);
    }
    /* Iris in sklearn's order */
    if ((ds = make("{\"name\":\"iris\",\"shuffle\":false,\"standardize\":false,\"val_fraction\":0}"))) {
        float *X = sl_dataset_X(ds);
        CHECK(X[0] == 5.1f && X[1] == 3.5f && X[2] == 1.4f && X[3] == 0.2f);
        CHECK(X[149 * 4] == 5.9f && X[149 * 4 + 3] == 1.8f);
        CHECK(count_label(ds, 0, 50, 0) == 50 && count_label(ds, 50, 100, 1) == 50 && count_label(ds, 100, 150, 2) == 50);
        CHECK(strstr(sl_dataset_feature_names(ds), "petal width (cm)") && strstr(sl_dataset_class_names(ds), "virginica"));
        sl_dataset_free(ds);
    }
}

static void test_split(void)
{
    /* 20 % of each class held out, the same points whatever the split */
    sl_dataset *a = make("{\"name\":\"moons\",\"noise\":0.1,\"seed\":9,\"standardize\":false,\"val_fraction\":0}");
    sl_dataset *b = make("{\"name\":\"moons\",\"noise\":0.1,\"seed\":9,\"standardize\":false,\"val_fraction\":0.2}");
    sl_dataset *c = make("{\"name\":\"moons\",\"noise\":0.1,\"seed\":9,\"val_fraction\":0.2}");
    sl_dataset *c2 = make("{\"name\":\"moons\",\"noise\":0.1,\"seed\":9,\"val_fraction\":0.2}");
    CHECK(a && b && c && c2);
    if (!(a && b && c && c2)) return;
    CHECK(sl_dataset_n_train(a) == 100 && sl_dataset_n_train(b) == 80);
    CHECK(count_label(b, 80, 100, 0) == 10 && count_label(b, 80, 100, 1) == 10);
    double sa = 0, sb = 0;
    for (int i = 0; i < 200; i++) sa += sl_dataset_X(a)[i], sb += sl_dataset_X(b)[i];
    CHECK_NEAR(sa, sb, 1e-9); /* same points, other order */
    int found = 0;
    for (int i = 0; i < 100; i++)
        for (int j = 0; j < 100; j++)
            if (sl_dataset_X(a)[2 * i] == sl_dataset_X(b)[2 * j] && sl_dataset_X(a)[2 * i + 1] == sl_dataset_X(b)[2 * j + 1] &&
                sl_dataset_y(a)[i] == sl_dataset_y(b)[j]) {
                found++;
                break;
            }
    CHECK(found == 100);
    /* standardised with the training split's statistics: mean 0, population std 1 there */
    for (int j = 0; j < 2; j++) {
        double s = 0, ss = 0;
        for (int i = 0; i < 80; i++) s += sl_dataset_X(c)[2 * i + j];
        for (int i = 0; i < 80; i++) ss += pow(sl_dataset_X(c)[2 * i + j] - s / 80, 2);
        CHECK(fabs(s / 80) < 1e-6);
        CHECK_NEAR(ss / 80, 1, 1e-5);
        for (int i = 0; i < 100; i++)
            CHECK_NEAR(sl_dataset_X(c)[2 * i + j] * sl_dataset_scale(c)[j] + sl_dataset_mean(c)[j], sl_dataset_X(b)[2 * i + j], 1e-5);
    }
    CHECK(sl_dataset_mean(b)[0] == 0 && sl_dataset_scale(b)[1] == 1);
    /* determinism: the same spec gives the same bytes */
    CHECK(c->size == c2->size && memcmp(c, c2, c->size) == 0);
    /* another seed, other points */
    sl_dataset *d = make("{\"name\":\"moons\",\"noise\":0.1,\"seed\":10,\"val_fraction\":0.2}");
    if (d) {
        CHECK(memcmp(sl_dataset_X(d), sl_dataset_X(c), 200 * sizeof(float)) != 0);
        sl_dataset_free(d);
    }
    sl_dataset_free(a), sl_dataset_free(b), sl_dataset_free(c), sl_dataset_free(c2);
}

static void test_arrays(void)
{
    double X[12] = { 0, 1, 1, 0, 2, 2, 3, 1, 4, 0, 5, 5 }, y[6] = { 0, 1, 0, 1, 0, 1 };
    sl_dataset *ds = NULL;
    const char *bin = "{\"task\":\"binary\",\"val_fraction\":0,\"standardize\":false}";
    CHECK(sl_dataset_from_arrays(X, 6, 2, y, bin, (int)strlen(bin), &ds) == SL_STATUS_OK);
    if (ds) {
        CHECK(sl_dataset_X(ds)[5] == 2 && sl_dataset_y(ds)[5] == 1 && sl_dataset_n_classes(ds) == 2);
        CHECK(strcmp(sl_dataset_name(ds), "arrays") == 0);
        sl_dataset_free(ds);
        ds = NULL;
    }
    X[7] = NAN;
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, bin, (int)strlen(bin), &ds), SL_STATUS_INVALID, "dataset: X row 3, column 1 must be a finite number (float32), got NaN");
    X[7] = 1e300;
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, bin, (int)strlen(bin), &ds), SL_STATUS_INVALID, "X row 3, column 1 must be a finite number (float32), got 1e+300");
    X[7] = 1;
    y[4] = 2;
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, bin, (int)strlen(bin), &ds), SL_STATUS_INVALID,
              "dataset: y row 4 must be a class index (an integer in [0, 1]) for task 'binary', got 2");
    const char *multi = "{\"task\":\"multiclass\",\"val_fraction\":0}";
    y[4] = 1.5;
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, multi, (int)strlen(multi), &ds), SL_STATUS_INVALID, "dataset: y row 4 must be a class index (an integer in [0, 255]) for task 'multiclass', got 1.5");
    y[4] = 0;
    double zeros[6] = { 0 };
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, zeros, multi, (int)strlen(multi), &ds), SL_STATUS_INVALID, "at least 2 classes");
    const char *bad = "{\"task\":\"clustering\"}";
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, bad, (int)strlen(bad), &ds), SL_STATUS_INVALID,
              "dataset: task must be one of 'binary', 'multiclass', 'regression', got 'clustering'");
    const char *none = "{}";
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, none, 2, &ds), SL_STATUS_INVALID, "dataset: task is required");
    CHECK_ERR(sl_dataset_from_arrays(X, 1, 2, y, bin, (int)strlen(bin), &ds), SL_STATUS_INVALID, "X must have 2 to");
    const char *tiny = "{\"task\":\"regression\",\"val_fraction\":0.01}";
    CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, tiny, (int)strlen(tiny), &ds), SL_STATUS_INVALID,
              "dataset: val_fraction 0.01 of 6 samples leaves the validation split empty");
    /* regression with a split, after the errors */
    const char *reg = "{\"task\":\"regression\",\"val_fraction\":0.5,\"seed\":1}";
    CHECK(sl_dataset_from_arrays(X, 6, 2, y, reg, (int)strlen(reg), &ds) == SL_STATUS_OK);
    if (ds) {
        CHECK(sl_dataset_n_train(ds) == 3 && sl_dataset_n_classes(ds) == 0);
        sl_dataset_free(ds);
    }
}

/* the largest parameters every range allows still give finite, standardisable data */
static void test_extremes(void)
{
    const char *specs[] = {
        "{\"name\":\"circle\",\"noise\":1,\"n_samples\":50}", "{\"name\":\"xor\",\"noise\":1,\"n_samples\":50}",
        "{\"name\":\"gaussians\",\"noise\":1,\"n_samples\":50}", "{\"name\":\"spiral\",\"noise\":5,\"n_samples\":50}",
        "{\"name\":\"moons\",\"noise\":100}", "{\"name\":\"blobs\",\"cluster_std\":100,\"centers\":256,\"n_samples\":512,\"n_features\":64}",
        "{\"name\":\"spirals\",\"noise\":5,\"n_classes\":16,\"n_samples\":32}", "{\"name\":\"sine\",\"noise\":100}",
        "{\"name\":\"linear_outliers\",\"noise\":100,\"slope\":-1000,\"intercept\":1000,\"outlier_fraction\":0.5}",
        "{\"name\":\"plane\",\"noise\":1}", "{\"name\":\"imbalanced\",\"class_sep\":100,\"cluster_std\":100,\"positive_rate\":0.5}",
        "{\"name\":\"imbalanced\",\"n_samples\":2,\"positive_rate\":0.01,\"val_fraction\":0}",
    };
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        sl_dataset *ds = make(specs[k]);
        CHECK(ds != NULL);
        if (!ds) continue;
        int finite = 1;
        for (int i = 0; i < sl_dataset_n_samples(ds) * sl_dataset_n_features(ds); i++) finite &= isfinite(sl_dataset_X(ds)[i]) != 0;
        for (int i = 0; i < sl_dataset_n_samples(ds); i++) finite &= isfinite(sl_dataset_y(ds)[i]) != 0;
        CHECK(finite);
        sl_dataset_free(ds);
    }
}

static void test_errors(void)
{
    sl_dataset *ds = NULL;
#define CREATE(s) sl_dataset_create(s, (int)strlen(s), &ds)
    CHECK_ERR(CREATE("{\"name\":\"swiss\"}"), SL_STATUS_UNKNOWN_TYPE, "dataset: name must be one of circle, xor, gaussians");
    CHECK_ERR(CREATE("{\"n_samples\":5}"), SL_STATUS_INVALID, "dataset: name is required");
    CHECK_ERR(CREATE("[1]"), SL_STATUS_INVALID, "dataset: spec must be an object with a 'name', got an array of 1");
    CHECK_ERR(CREATE("{\"name\":\"moons\",\"n_samples\":0}"), SL_STATUS_INVALID, "moons: n_samples must be an integer in [2, 1000000], got 0");
    CHECK_ERR(CREATE("{\"name\":\"moons\",\"noise\":-1}"), SL_STATUS_INVALID, "moons: noise must be a number in [0, 100], got -1");
    CHECK_ERR(CREATE("{\"name\":\"blobs\",\"cluster_std\":1e300}"), SL_STATUS_INVALID, "blobs: cluster_std must be a number in [0, 100], got 1e+300");
    CHECK_ERR(CREATE("{\"name\":\"blobs\",\"centers\":1}"), SL_STATUS_INVALID, "blobs: centers must be an integer in [2, 256], got 1");
    CHECK_ERR(CREATE("{\"name\":\"moons\",\"val_fraction\":1}"), SL_STATUS_INVALID, "moons: val_fraction must be a number in [0, 1), got 1");
    CHECK_ERR(CREATE("{\"name\":\"iris\",\"noise\":0.1}"), SL_STATUS_INVALID, "iris: unknown parameter 'noise'");
    CHECK_ERR(CREATE("{\"name\":\"blobs\",\"n_samples\":4,\"centers\":5}"), SL_STATUS_INVALID,
              "blobs: n_samples must be at least the number of classes (5), got 4");
    CHECK_ERR(CREATE("{\"name\":\"moons\",\"n_samples\":4,\"val_fraction\":0.1}"), SL_STATUS_INVALID,
              "moons: val_fraction 0.1 of 4 samples leaves the validation split empty");
    if (!sl_data_digits_loaded()) {
        CHECK_ERR(CREATE("{\"name\":\"digits\"}"), SL_STATUS_STATE, "digits: pixel data is not loaded");
        unsigned char junk[16] = "not digits";
        CHECK_ERR(sl_data_digits_load(junk, 16), SL_STATUS_STATE, "digits: data must be the file dist/steplab-digits.bin.gz");
    }
    CHECK(ds == NULL);
    CHECK(CREATE("{\"name\":\"spirals\"}") == SL_STATUS_OK && ds != NULL);
    sl_dataset_free(ds);
#undef CREATE
    CHECK(strstr(sl_registry_json(), "\"datasets\":[{\"name\":\"circle\"") != NULL);
}

void test_data_checksums(void);

static void test_state(void)
{
    sl_dataset *ds = make("{\"name\":\"blobs\",\"n_samples\":40,\"centers\":4,\"seed\":2}"), *r = NULL;
    if (!ds) return;
    int size = sl_dataset_state_size(ds);
    unsigned char *buf = malloc((size_t)size);
    sl_dataset_state_save(ds, buf);
    CHECK(sl_dataset_restore(buf, size, &r) == SL_STATUS_OK && r);
    if (r) {
        CHECK(memcmp(r, ds, (size_t)size) == 0 && strcmp(sl_dataset_name(r), "blobs") == 0);
        sl_dataset_free(r);
        r = NULL;
    }
    CHECK_ERR(sl_dataset_restore(buf, size - 8, &r), SL_STATUS_STATE, "dataset: state is");
    CHECK_ERR(sl_dataset_restore(NULL, 0, &r), SL_STATUS_STATE, "dataset: state is truncated: 0 bytes");
    buf[size / 2] ^= 4;
    CHECK_ERR(sl_dataset_restore(buf, size, &r), SL_STATUS_STATE, "dataset: state is damaged (checksum mismatch)");
    buf[size / 2] ^= 4;
    /* a label out of range with a checksum that matches is still refused */
    sl_dataset *copy = malloc((size_t)size);
    memcpy(copy, buf, (size_t)size);
    sl_dataset_y(copy)[3] = 4;
    sl_dataset_state_save(copy, buf);
    CHECK_ERR(sl_dataset_restore(buf, size, &r), SL_STATUS_STATE, "dataset: state is damaged (a value is out of range)");
    sl_dataset_y(copy)[3] = 1;
    copy->n_train = 0;
    sl_dataset_state_save(copy, buf);
    CHECK_ERR(sl_dataset_restore(buf, size, &r), SL_STATUS_STATE, "dataset: state is damaged (its layout is inconsistent)");
    copy->n_train = ds->n_train;
    copy->kind = 99;
    sl_dataset_state_save(copy, buf);
    CHECK_ERR(sl_dataset_restore(buf, size, &r), SL_STATUS_STATE, "its layout is inconsistent");
    CHECK(r == NULL);
    sl_dataset_state_save(ds, buf);
    CHECK(sl_dataset_restore(buf, size, &r) == SL_STATUS_OK && r);
    sl_dataset_free(r);
    free(copy);
    free(buf);
    sl_dataset_free(ds);
}

void test_data(void)
{
    test_data_checksums();
    test_state();
    test_rng();
    test_shapes();
    test_split();
    test_arrays();
    test_extremes();
    test_errors();
}

static uint32_t fnv_floats(const float *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n * sizeof(float); i++) h = (h ^ b[i]) * 16777619u;
    return h;
}

/* The same checksums are asserted on the wasm builds in tests/data.test.mjs:
 * the generators give the same floats natively and in WebAssembly. */
void test_data_checksums(void)
{
    const char *specs[4] = { "{\"name\":\"moons\",\"noise\":0.1,\"seed\":7}", "{\"name\":\"spirals\",\"seed\":3,\"n_classes\":4}",
                             "{\"name\":\"circle\",\"noise\":0.2,\"seed\":1}", "{\"name\":\"linear_outliers\",\"seed\":2}" };
    const uint32_t want[4] = { 1608805262u, 1208052916u, 1128843947u, 1798333262u };
    for (int i = 0; i < 4; i++) {
        sl_dataset *ds = make(specs[i]);
        if (!ds) continue;
        CHECK(fnv_floats(sl_dataset_X(ds), (size_t)sl_dataset_n_samples(ds) * (sl_dataset_n_features(ds) + 1)) == want[i]);
        sl_dataset_free(ds);
    }
}
