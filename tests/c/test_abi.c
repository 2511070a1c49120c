/* Integers crossing the JS seam into the loss, data-set, model and trainer
 * entry points: every count, size, width, resolution and row count arrives as
 * a double and is range-checked before any conversion, so 2^31, 2^32, -1,
 * 2^53 and NaN are refused with the field named, nothing is written, and a
 * known-good call afterwards returns the right numbers. Lengths of texts and
 * byte buffers cross the same way. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

static const double BAD[] = { 2147483648.0, 4294967296.0, -1, 9007199254740992.0, NAN };
#define N_BAD (int)(sizeof BAD / sizeof BAD[0])

#define TRAINER "{\"dataset\":{\"name\":\"moons\",\"n_samples\":40,\"val_fraction\":0.25,\"seed\":2},\"model\":{\"hidden\":[3]," \
                "\"activation\":\"tanh\",\"init\":\"xavier\"},\"loss\":{\"type\":\"BCEWithLogitsLoss\"}," \
                "\"optimizer\":{\"type\":\"SGD\",\"lr\":0.1},\"batch_size\":10,\"epochs\":3,\"seed\":1}"

static void abi_losses(void)
{
    const char *spec = "{\"type\":\"MSELoss\"}";
    sl_loss *L = NULL;
    CHECK(sl_loss_create(spec, (int)strlen(spec), &L) == SL_STATUS_OK);
    if (!L) return;
    const float pred[5] = { 98, 153, 199, 182, 140 }, act[5] = { 100, 150, 200, 180, 120 };
    float g[5] = { 42, 42, 42, 42, 42 };
    double v = 42;
    for (int i = 0; i < N_BAD; i++) {
        CHECK_ERR(sl_loss_eval(L, pred, NULL, NULL, act, BAD[i], 5, 5, g, NULL, NULL, &v), SL_STATUS_INVALID, "MSELoss: input");
        CHECK_ERR(sl_loss_eval(L, pred, NULL, NULL, act, 1, BAD[i], 5, g, NULL, NULL, &v), SL_STATUS_INVALID, "MSELoss: input");
        if (BAD[i] != -1) /* -1: no target, which MSELoss then asks for */
            CHECK_ERR(sl_loss_eval(L, pred, NULL, NULL, act, 1, 5, BAD[i], g, NULL, NULL, &v), SL_STATUS_INVALID, "MSELoss: target");
        CHECK(sl_loss_value_count(L, BAD[i], 5, 5) == 1 && sl_loss_value_count(L, 1, BAD[i], 5) == 1);
    }
    CHECK(g[0] == 42 && v == 42);
    sl_loss *E = L;
    for (int i = 0; i < N_BAD; i++) {
        CHECK_ERR(sl_loss_create(spec, BAD[i], &E), SL_STATUS_INVALID, "loss: spec length must be an integer in [0, 2147483647]");
        CHECK(E == NULL);
    }
    CHECK(sl_loss_eval(L, pred, NULL, NULL, act, 1, 5, 5, g, NULL, NULL, &v) == SL_STATUS_OK);
    CHECK_NEAR(v, 83.6, 1e-15);
    CHECK_NEAR(g[4], 8, 1e-7);
    sl_loss_free(L);
}

static void abi_data(void)
{
    const double X[12] = { 0, 0, 0, 1, 1, 0, 1, 1, 2, 2, 3, 3 }, y[6] = { 0, 1, 1, 0, 0, 1 };
    const char *opt = "{\"task\":\"binary\",\"val_fraction\":0}";
    sl_dataset *ds = NULL;
    for (int i = 0; i < N_BAD; i++) {
        CHECK_ERR(sl_dataset_from_arrays(X, BAD[i], 2, y, opt, (int)strlen(opt), &ds), SL_STATUS_INVALID, "dataset: X must have 2 to");
        CHECK_ERR(sl_dataset_from_arrays(X, 6, BAD[i], y, opt, (int)strlen(opt), &ds), SL_STATUS_INVALID, "dataset: X rows must have");
    }
    for (int i = 0; i < N_BAD; i++) {
        CHECK_ERR(sl_dataset_from_arrays(X, 6, 2, y, opt, BAD[i], &ds), SL_STATUS_INVALID, "dataset: spec length must be an integer");
        CHECK_ERR(sl_dataset_create(opt, BAD[i], &ds), SL_STATUS_INVALID, "dataset: spec length must be an integer");
        CHECK_ERR(sl_data_digits_load((const unsigned char *)opt, BAD[i]), SL_STATUS_STATE, "digits: data must be the file");
    }
    CHECK(ds == NULL);
    CHECK(sl_dataset_from_arrays(X, 6, 2, y, opt, (int)strlen(opt), &ds) == SL_STATUS_OK);
    if (!ds) return;
    CHECK(sl_dataset_n_samples(ds) == 6 && sl_dataset_n_features(ds) == 2 && sl_dataset_n_train(ds) == 6);
    CHECK(sl_dataset_y(ds)[1] == 1 && sl_dataset_mean(ds)[0] == 7.0 / 6);
    sl_dataset_free(ds);
}

static void abi_model(void)
{
    const char *spec = "{\"sizes\":[2,1],\"weights\":[{\"W\":[[2,3]],\"b\":[1]}]}";
    sl_mlp *m = NULL;
    for (int i = 0; i < N_BAD; i++) CHECK_ERR(sl_mlp_create_spec(spec, BAD[i], &m), SL_STATUS_INVALID, "MLP: spec length must be an integer");
    CHECK(m == NULL);
    CHECK(sl_mlp_create_spec(spec, (int)strlen(spec), &m) == SL_STATUS_OK);
    if (!m) return;
    const float X[4] = { 1, 1, 2, -1 }, d[2] = { 1, 1 };
    float out[2] = { 42, 42 };
    for (int i = 0; i < N_BAD; i++) {
        CHECK_ERR(sl_mlp_pass(m, X, BAD[i], NULL, out), SL_STATUS_INVALID, "MLP: X must have 1 to");
        CHECK_ERR(sl_mlp_pass(m, X, BAD[i], d, out), SL_STATUS_INVALID, "MLP: X must have 1 to");
    }
    CHECK(out[0] == 42 && sl_mlp_size(m, -1) == 0 && sl_mlp_size(m, 2) == 0);
    CHECK(sl_mlp_pass(m, X, 2, d, out) == SL_STATUS_OK);
    CHECK(out[0] == 6 && out[1] == 2);
    CHECK(sl_mlp_grads(m)[0] == 3 && sl_mlp_grads(m)[1] == 0 && sl_mlp_grads(m)[2] == 2); /* dW = sum of X rows, db = 2 */
    sl_mlp_free(m);
}

static void abi_trainer(void)
{
    sl_trainer *t = NULL;
    for (int i = 0; i < N_BAD; i++) {
        CHECK_ERR(sl_trainer_create(TRAINER, BAD[i], NULL, &t), SL_STATUS_INVALID, "Trainer: spec length must be an integer");
        double spe = 7;
        CHECK_ERR(sl_trainer_steps_per_epoch_of(TRAINER, BAD[i], NULL, 0, &spe), SL_STATUS_INVALID, "Trainer: spec length must be");
    }
    CHECK(t == NULL);
    CHECK(sl_trainer_create(TRAINER, (int)strlen(TRAINER), NULL, &t) == SL_STATUS_OK);
    if (!t) return;
    double rec[3 * 8], ev[3], info[64], spe = 0;
    float Xq[4] = { 0.5f, -0.5f, 1, 1 }, out[2 * 4 * 3] = { 42 };
    int done = 7;
    for (int i = 0; i < N_BAD; i++) {
        CHECK_ERR(sl_trainer_run(t, BAD[i], rec, &done), SL_STATUS_INVALID, "Trainer: k must be an integer in [0, 1000000000]");
        CHECK(done == 0);
        CHECK_ERR(sl_trainer_predict(t, Xq, BAD[i], out), SL_STATUS_INVALID, "Trainer: X must have 0 to 16777216 rows");
        CHECK_ERR(sl_trainer_embed(t, Xq, BAD[i], out), SL_STATUS_INVALID, "Trainer: X must have 0 to 16777216 rows");
        CHECK_ERR(sl_trainer_predict_grid(t, -1, 1, -1, 1, BAD[i], 3, out), SL_STATUS_INVALID, "Trainer: predictGrid needs");
        CHECK_ERR(sl_trainer_predict_grid(t, -1, 1, -1, 1, 3, BAD[i], NULL), SL_STATUS_INVALID, "Trainer: predictGrid needs");
        CHECK_ERR(sl_trainer_inspect(t, info, BAD[i] == -1 || isnan(BAD[i]) ? BAD[i] : 1), SL_STATUS_INVALID, "Trainer: inspect needs room");
        CHECK_ERR(sl_trainer_steps_per_epoch_of(TRAINER, (int)strlen(TRAINER), NULL, BAD[i], &spe), SL_STATUS_INVALID, "Trainer: epoch");
        CHECK(isnan(spe));
        CHECK_ERR(sl_trainer_check_history(t, rec, BAD[i], rec, 0), SL_STATUS_STATE, "Trainer: state has a history");
        CHECK(sl_trainer_work(t, BAD[i]) >= 0);
    }
    CHECK(sl_trainer_work(t, NAN) == 0 && sl_trainer_work(t, -1) == 0);
    CHECK_ERR(sl_trainer_check_work(t, 4294967296.0, SL_CALL_STEP), SL_STATUS_OK, ""); /* the run ends after 9 steps */
    CHECK_ERR(sl_trainer_evaluate(t, -1, ev), SL_STATUS_INVALID, "Trainer: split must be 0 (train) or 1 (val), got -1");
    CHECK_ERR(sl_trainer_evaluate(t, 2, ev), SL_STATUS_INVALID, "got 2");
    sl_trainer *r = t;
    for (int i = 0; i < N_BAD; i++) CHECK_ERR(sl_trainer_restore(rec, BAD[i], &r), SL_STATUS_STATE, "Trainer: state must be 0 to");
    CHECK(r == NULL && out[0] == 42 && sl_trainer_steps(t) == 0);
    /* known-good calls: 30 training rows in batches of 10 */
    CHECK(sl_trainer_steps_per_epoch_of(TRAINER, (int)strlen(TRAINER), NULL, 0, &spe) == SL_STATUS_OK && spe == 3);
    CHECK(sl_trainer_run(t, 8, rec, &done) == SL_STATUS_OK && done == 3 && sl_trainer_epoch(t) == 1);
    CHECK(sl_trainer_steps(t) == 3 && isfinite(rec[0]) && rec[1] == 0.1);
    CHECK(sl_trainer_predict_grid(t, -1, 1, -1, 1, 2, 2, out) == SL_STATUS_OK && out[0] > 0 && out[0] < 1);
    CHECK(sl_trainer_predict(t, Xq, 2, out + 4) == SL_STATUS_OK && out[4] > 0 && out[4] < 1);
    CHECK(sl_trainer_inspect(t, info, 4 * SL_TRAIN_INSPECT) == SL_STATUS_OK && info[0] > 0);
    sl_trainer_free(t);
}

void test_abi(void)
{
    abi_losses();
    abi_data();
    abi_model();
    abi_trainer();
}
