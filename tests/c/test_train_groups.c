/* The trainer's parameter groups (c/train/train_groups.c) and snapshot
 * ensembles (c/train/train_snapshot.c) under the sanitizers: groups named by
 * tensor with the unnamed ones last, LARS per tensor through its rewritten
 * spec, errors that name the config's own fields, a snapshot at each warm
 * restart, and states that keep the snapshots or are refused when forged. */
#include "steplab.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>

#define MOONS "{\"dataset\":{\"name\":\"moons\",\"n_samples\":50,\"val_fraction\":0.2},\"model\":{\"hidden\":[5]}," \
              "\"loss\":{\"type\":\"BCEWithLogitsLoss\"},\"seed\":3,"

static sl_status make(const char *text, sl_trainer **t) { return sl_trainer_create(text, (int)strlen(text), NULL, t); }

static void groups(void)
{
    sl_trainer *t = NULL;
    CHECK(make(MOONS "\"optimizer\":{\"type\":\"Adam\",\"lr\":0.01,\"param_groups\":[{\"params\":[\"fc2.bias\",\"fc1.weight\"],\"lr\":0.001}]},"
                     "\"scheduler\":{\"type\":\"OneCycleLR\",\"max_lr\":[0.001,0.01],\"total_steps\":20},\"epochs\":2}", &t) == SL_STATUS_OK);
    if (!t) return;
    CHECK(sl_trainer_n_groups(t) == 2 && sl_optimizer_n_groups(sl_trainer_optimizer(t)) == 2);
    CHECK(sl_trainer_tensor_group(t, 0) == 0 && sl_trainer_tensor_group(t, 1) == 1 && sl_trainer_tensor_group(t, 2) == 1 &&
          sl_trainer_tensor_group(t, 3) == 0 && sl_trainer_tensor_group(t, 4) == -1);
    CHECK(sl_trainer_group_lr(t, 0) == sl_trainer_tensor_lr(t, 3) && sl_trainer_group_lr(t, 0) < sl_trainer_group_lr(t, 1));
    CHECK(isnan(sl_trainer_group_lr(t, 2)) && isnan(sl_trainer_tensor_trust_ratio(t, 0)));
    sl_trainer_free(t);
    t = NULL;
    /* LARS: one optimizer group per tensor; the optimizer's lars_exclude means the biases */
    CHECK(make(MOONS "\"optimizer\":{\"type\":\"LARS\",\"lr\":0.5,\"lars_exclude\":true,\"param_groups\":[{\"params\":[\"fc2.weight\"],"
                     "\"lr\":0.1}]},\"scheduler\":{\"type\":\"LambdaLR\",\"lr_lambda\":[\"1\",\"0.5\"]},\"epochs\":2}", &t) == SL_STATUS_OK);
    if (!t) return;
    CHECK(sl_trainer_n_groups(t) == 2 && sl_optimizer_n_groups(sl_trainer_optimizer(t)) == 4);
    double rec[3];
    int done = 0;
    CHECK(sl_trainer_run(t, 1, rec, &done) == SL_STATUS_OK && done == 1);
    CHECK(sl_trainer_tensor_trust_ratio(t, 1) == 1 && sl_trainer_tensor_trust_ratio(t, 3) == 1);
    double w = sl_trainer_tensor_trust_ratio(t, 0), v = sl_trainer_tensor_trust_ratio(t, 2);
    CHECK(w > 0 && w < 1 && v > 0 && v < 1 && w != v);
    CHECK(sl_trainer_group_lr(t, 0) == 0.1 && sl_trainer_group_lr(t, 1) == 0.25); /* each list value on its group's tensors */
    double ins[4 * SL_TRAIN_INSPECT];
    CHECK(sl_trainer_inspect(t, ins, 4 * SL_TRAIN_INSPECT) == SL_STATUS_OK);
    CHECK(ins[6] == 1 && ins[7] == 0.25 && ins[8] == w && ins[2 * SL_TRAIN_INSPECT + 6] == 0);
    sl_trainer_free(t);
    t = NULL;
    CHECK_ERR(make(MOONS "\"optimizer\":{\"type\":\"SGD\",\"param_groups\":[{\"params\":[\"fc3.bias\"]}]}}", &t), SL_STATUS_INVALID,
              "optimizer: param_groups[0].params[0] must name a parameter tensor of the model (fc1.weight, fc1.bias, ..., fc2.bias), got 'fc3.bias'");
    CHECK_ERR(make(MOONS "\"optimizer\":{\"type\":\"LARS\",\"param_groups\":[{\"params\":[\"fc1.bias\"]},{\"params\":[\"fc1.bias\"]}]}}", &t),
              SL_STATUS_INVALID, "optimizer: param_groups[1].params[0] names 'fc1.bias', already in param_groups[0]");
    CHECK_ERR(make(MOONS "\"optimizer\":{\"type\":\"LARS\",\"param_groups\":[{\"params\":[\"fc1.bias\"],\"trust_coefficient\":-1}]}}", &t),
              SL_STATUS_INVALID, "LARS: param_groups[0].trust_coefficient");
    CHECK_ERR(make(MOONS "\"optimizer\":{\"type\":\"LARS\"},\"scheduler\":{\"type\":\"LambdaLR\",\"lr_lambda\":[\"1\",\"2\"]}}", &t),
              SL_STATUS_INVALID, "LambdaLR: lr_lambda must be one formula or a list of one per parameter group (1), got a list of 2");
    CHECK(t == NULL);
}

static void snapshots(void)
{
    static const char *cfg = MOONS "\"optimizer\":{\"type\":\"SGD\",\"lr\":0.3},\"scheduler\":{\"type\":\"CosineAnnealingWarmRestarts\","
                                   "\"T_0\":2},\"scheduler_interval\":\"epoch\",\"snapshot_ensemble\":true,\"batch_size\":10,\"epochs\":6}";
    sl_trainer *t = NULL, *b = NULL;
    CHECK(make(cfg, &t) == SL_STATUS_OK);
    if (!t) return;
    double rec[3 * 8];
    int done = 0, counts[6];
    for (int e = 0; e < 6; e++) {
        CHECK(sl_trainer_run(t, 8, rec, &done) == SL_STATUS_OK);
        const double *r = sl_trainer_record(t);
        counts[e] = (int)r[SL_EP_SNAPSHOTS];
        CHECK(counts[e] ? r[SL_EP_ENS_METRIC] >= 0 && r[SL_EP_ENS_METRIC] <= 1 : isnan(r[SL_EP_ENS_METRIC]));
        CHECK(isnan(r[SL_EP_ENS_MAE]));
        if (e == 2) { /* save after 3 epochs (1 snapshot), restore, and forge the count */
            int n = sl_trainer_state_size(t);
            unsigned char *buf = malloc((size_t)n);
            sl_trainer_state_save(t, buf);
            CHECK(sl_trainer_restore(buf, n, &b) == SL_STATUS_OK);
            free(buf);
        }
    }
    CHECK(counts[0] == 0 && counts[1] == 1 && counts[2] == 1 && counts[3] == 2 && counts[5] == 3);
    if (b) {
        for (int e = 3; e < 6; e++) CHECK(sl_trainer_run(b, 8, rec, &done) == SL_STATUS_OK);
        CHECK(!memcmp(sl_trainer_record(b), sl_trainer_record(t), sizeof(double) * SL_EP_COUNT));
        sl_trainer_free(b);
    }
    sl_trainer_free(t);
    t = NULL;
    CHECK_ERR(make(MOONS "\"optimizer\":{\"type\":\"SGD\",\"lr\":0.1},\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2},\"snapshot_ensemble\":true}", &t),
              SL_STATUS_INVALID, "Trainer: snapshot_ensemble keeps the weights at each warm restart, so it needs scheduler CosineAnnealingWarmRestarts, got StepLR");
    CHECK(t == NULL);
}

void test_train_groups(void)
{
    groups();
    snapshots();
}
