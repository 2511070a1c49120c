/* The trainer at the C level: one full-batch SGD step equals a hand-made
 * forward, loss, backward and update with the same calls; runs stop at epoch
 * ends; errors name their field and leave nothing allocated. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

#define CFG "{\"dataset\":{\"name\":\"moons\",\"n_samples\":50,\"val_fraction\":0.2},\"model\":{\"hidden\":[5],\"activation\":\"tanh\"}," \
            "\"seed\":7"
#define FULL ",\"batch_size\":\"full\",\"epochs\":3}"
#define LOSS "{\"type\":\"BCEWithLogitsLoss\"}"
#define SGD "{\"type\":\"SGD\",\"lr\":0.5}"

/* The one config text: cfg (an object's text) with "loss" and "optimizer" added. */
static const char *join(const char *cfg, const char *loss, const char *opt)
{
    static char buf[4096];
    size_t n = strlen(cfg);
    if (n < 2 || cfg[n - 1] != '}') return cfg;
    snprintf(buf, sizeof buf, "%.*s%s\"loss\":%s,\"optimizer\":%s}", (int)(n - 1), cfg, n > 2 ? "," : "", loss, opt);
    return buf;
}

static sl_status make(const char *cfg, const char *loss, const char *opt, sl_trainer **t)
{
    const char *text = join(cfg, loss, opt);
    return sl_trainer_create(text, (int)strlen(text), NULL, t);
}

void test_train(void)
{
    sl_trainer *t = NULL;
    CHECK(make(CFG FULL, LOSS, SGD, &t) == SL_STATUS_OK);
    if (!t) return;
    CHECK(sl_trainer_steps_per_epoch(t) == 1);
    /* the update by hand, from the same starting point */
    sl_mlp *m = sl_trainer_model(t);
    sl_dataset *ds = sl_trainer_dataset(t);
    int np = sl_mlp_n_params(m), n = sl_dataset_n_train(ds);
    float *p0 = malloc(sizeof(float) * (size_t)np), *g = malloc(sizeof(float) * (size_t)n);
    memcpy(p0, sl_mlp_params(m), sizeof(float) * (size_t)np);
    sl_mlp_work *w = NULL;
    sl_loss *L = NULL;
    CHECK(sl_mlp_work_create(m, n, &w) == SL_STATUS_OK);
    CHECK(sl_loss_create(LOSS, (int)strlen(LOSS), &L) == SL_STATUS_OK);
    double want_loss = 0;
    const float *out = sl_mlp_forward(m, w, sl_dataset_X(ds), n);
    CHECK(sl_loss_eval(L, out, NULL, NULL, sl_dataset_y(ds), n, 1, n, g, NULL, NULL, &want_loss) == SL_STATUS_OK);
    sl_mlp_backward(m, w, sl_dataset_X(ds), g);
    double rec[9];
    int done = 0;
    CHECK(sl_trainer_run(t, 3, rec, &done) == SL_STATUS_OK);
    CHECK(done == 1); /* full batch: the first step ends epoch 1, and the run stops there */
    CHECK_NEAR(rec[0], want_loss, 1e-6); /* the scalar build may round the gathered batch differently */
    CHECK(rec[1] == 0.5);
    const float *p1 = sl_mlp_params(m), *gr = sl_mlp_grads(m);
    int same = 1;
    for (int i = 0; i < np; i++) same &= p1[i] == p0[i] - 0.5f * gr[i];
    CHECK(same);
    CHECK(sl_trainer_epoch(t) == 1);
    CHECK(isfinite(sl_trainer_record(t)[SL_EP_VAL_LOSS]));
    CHECK(sl_trainer_run(t, 10, rec, &done) == SL_STATUS_OK && done == 1);
    CHECK(sl_trainer_run(t, 10, rec, &done) == SL_STATUS_OK && done == 1);
    CHECK(sl_trainer_status(t) == SL_TRAIN_DONE);
    CHECK(sl_trainer_run(t, 10, rec, &done) == SL_STATUS_OK && done == 0);
    sl_loss_free(L);
    sl_mlp_work_free(w);
    free(p0);
    free(g);
    sl_trainer_free(t);

    t = NULL;
    CHECK_ERR(make(CFG ",\"batch_size\":0}", LOSS, SGD, &t), SL_STATUS_INVALID, "Trainer: batch_size must be an integer in [1, 16777216] or 'full', got 0");
    CHECK(t == NULL);
    CHECK_ERR(make(CFG FULL, "{\"type\":\"MSELoss\"}", SGD, &t), SL_STATUS_INVALID, "Trainer: loss MSELoss does not fit a binary task");
    CHECK_ERR(make(CFG ",\"epochs\":0}", LOSS, SGD, &t), SL_STATUS_INVALID, "Trainer: epochs must be an integer in [1, 1000000], got 0");
    CHECK_ERR(make(CFG ",\"grad_clip\":{\"max_norm\":1,\"clip_value\":1}}", LOSS, SGD, &t), SL_STATUS_INVALID, "grad_clip: needs exactly one");
    CHECK_ERR(make("[]", LOSS, SGD, &t), SL_STATUS_INVALID, "Trainer: config must be an object");
    CHECK_ERR(make(CFG ",\"epochs\":3,\"epochs\":1000}", LOSS, SGD, &t), SL_STATUS_INVALID, "Trainer: 'epochs' is given twice");
    CHECK_ERR(make(CFG FULL, "{\"type\":\"BCEWithLogitsLoss\",\"type\":\"MSELoss\"}", SGD, &t), SL_STATUS_INVALID,
              "BCEWithLogitsLoss: 'type' is given twice");
    CHECK(make(CFG FULL, LOSS, SGD, &t) == SL_STATUS_OK);
    sl_trainer_free(t);
}

#define EMB "{\"dataset\":{\"name\":\"blobs\",\"n_samples\":61,\"centers\":3,\"val_fraction\":0.25},\"model\":{\"hidden\":[4]," \
            "\"embedding_dim\":3},\"seed\":7,\"epochs\":4,\"batch_size\":8,\"batch_size_schedule\":{\"milestones\":[1,2],\"gamma\":1.7}," \
            "\"scheduler_order\":\"before\"}"
#define TRIPLET "{\"type\":\"TripletMarginLoss\"}"
#define ADAM "{\"type\":\"Adam\",\"lr\":0.01,\"scheduler\":{\"type\":\"ExponentialLR\",\"gamma\":0.9}}"

/* Saves a after 3 steps, restores b and checks both continue bit-identically. */
static void roundtrip(const char *cfg, const char *loss, const char *opt)
{
    sl_trainer *a = NULL, *b = NULL;
    CHECK(make(cfg, loss, opt, &a) == SL_STATUS_OK);
    if (!a) return;
    double ra[3 * 64], rb[3 * 64], ia[4 * SL_TRAIN_INSPECT], ib[4 * SL_TRAIN_INSPECT];
    int da = 0, db = 0;
    CHECK(sl_trainer_run(a, 3, ra, &da) == SL_STATUS_OK && da == 3);
    int n = sl_trainer_state_size(a);
    unsigned char *buf = malloc((size_t)n);
    sl_trainer_state_save(a, buf);
    CHECK(sl_trainer_restore(buf, n, &b) == SL_STATUS_OK);
    if (b) {
        CHECK(sl_trainer_inspect(a, ia, 4 * SL_TRAIN_INSPECT) == SL_STATUS_OK);
        CHECK(sl_trainer_inspect(b, ib, 4 * SL_TRAIN_INSPECT) == SL_STATUS_OK);
        CHECK(!strcmp(sl_trainer_config_text(a), sl_trainer_config_text(b)));
        CHECK(!memcmp(ia, ib, sizeof ia)); /* the last update travels with the state */
        int same = 1;
        for (int e = 0; e < 4; e++) {
            CHECK(sl_trainer_run(a, 64, ra, &da) == SL_STATUS_OK);
            CHECK(sl_trainer_run(b, 64, rb, &db) == SL_STATUS_OK);
            same &= da == db && !memcmp(ra, rb, sizeof(double) * 3 * (size_t)da);
        }
        CHECK(same);
        CHECK(sl_trainer_batch_size(a) == sl_trainer_batch_size(b));
        CHECK(!memcmp(sl_mlp_params(sl_trainer_model(a)), sl_mlp_params(sl_trainer_model(b)),
                      sizeof(float) * (size_t)sl_mlp_n_params(sl_trainer_model(a))));
        sl_trainer_free(b);
    }
    b = NULL;
    buf[n - 3] ^= 4;
    CHECK_ERR(sl_trainer_restore(buf, n, &b), SL_STATUS_STATE, "Trainer: state is corrupted (checksum mismatch)");
    CHECK_ERR(sl_trainer_restore(buf, n - 16, &b), SL_STATUS_STATE, "Trainer: state has the wrong size");
    CHECK(b == NULL);
    free(buf);
    sl_trainer_free(a);
}

/* A forged checkpoint: a's state after 3 steps with the optimizer section of b's
 * (same layout, another spec), its checksum made valid again; the restore must
 * refuse it with `want` (sl_optimizer_same_spec names the field). */
static void forged_optimizer(const char *opt_a, const char *opt_b, const char *want)
{
    sl_trainer *a = NULL, *b = NULL, *r = NULL;
    const char *cfg = CFG ",\"batch_size\":8,\"epochs\":4}";
    CHECK(make(cfg, LOSS, opt_a, &a) == SL_STATUS_OK && make(cfg, LOSS, opt_b, &b) == SL_STATUS_OK);
    double rec[3 * 3];
    int done = 0;
    if (!a || !b) goto out;
    CHECK(sl_trainer_run(a, 3, rec, &done) == SL_STATUS_OK && sl_trainer_run(b, 3, rec, &done) == SL_STATUS_OK);
    int n = sl_trainer_state_size(a), o_bytes;
    CHECK(n == sl_trainer_state_size(b));
    if (n != sl_trainer_state_size(b)) goto out;
    unsigned char *sa = malloc((size_t)n), *sb = malloc((size_t)n);
    sl_trainer_state_save(a, sa);
    sl_trainer_state_save(b, sb);
    memcpy(&o_bytes, sa + 32, 4); /* the header's o_bytes: magic, version, size, checksum, n_params, n_train, ds_bytes, m_bytes */
    int at = n - ((o_bytes + 15) & ~15);
    memcpy(sa + at, sb + at, (size_t)o_bytes);
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ (i >= 12 && i < 16 ? 0 : sa[i])) * 16777619u;
    memcpy(sa + 12, &h, 4);
    CHECK_ERR(sl_trainer_restore(sa, n, &r), SL_STATUS_STATE, want);
    CHECK(r == NULL);
    CHECK(sl_trainer_restore(sb, n, &r) == SL_STATUS_OK);
    sl_trainer_free(r);
    free(sa), free(sb);
out:
    sl_trainer_free(a), sl_trainer_free(b);
}

/* A saved run restores and continues bit-identically (a plain run, and a
 * metric-learning one with a batch-size schedule); damaged bytes are refused.
 * A metric-learning batch of one row forms no tuple: loss 0, zero gradient. */
void test_train_state(void)
{
    roundtrip(CFG ",\"batch_size\":8,\"epochs\":4}", LOSS, SGD);
    roundtrip(EMB, TRIPLET, ADAM);
    forged_optimizer("{\"type\":\"SGD\",\"lr\":0.01}", "{\"type\":\"SGD\",\"lr\":0.5}",
                     "Trainer: optimizer.lr in the saved state is 0.5, its config's is 0.01");
    forged_optimizer("{\"type\":\"Adam\",\"betas\":[0.9,0.999]}", "{\"type\":\"Adam\",\"betas\":[0.8,0.999]}",
                     "Trainer: optimizer.betas in the saved state is [0.8, 0.999], its config's is [0.9, 0.999]");
    forged_optimizer("{\"type\":\"SGD\",\"lr\":0.1,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":30}}",
                     "{\"type\":\"SGD\",\"lr\":0.1,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":20}}",
                     "Trainer: optimizer.scheduler.step_size in the saved state is not its config's");
    sl_trainer *t = NULL;
    CHECK(make(EMB, TRIPLET, ADAM, &t) == SL_STATUS_OK);
    if (!t) return;
    CHECK(sl_trainer_task(t) == SL_TRAIN_EMBEDDING && sl_trainer_n_out(t) == 3);
    sl_trainer_free(t);
    t = NULL;
    char cfg[512];
    snprintf(cfg, sizeof cfg, "{\"dataset\":{\"name\":\"blobs\",\"n_samples\":61,\"centers\":3,\"val_fraction\":0.25},"
                              "\"model\":{\"hidden\":[4]},\"batch_size\":%d}", 46 - 1);
    CHECK(make(cfg, TRIPLET, ADAM, &t) == SL_STATUS_OK);
    if (!t) return;
    CHECK(sl_dataset_n_train(sl_trainer_dataset(t)) == 46);
    double rec[6], ev[3];
    int done = 0;
    CHECK(sl_trainer_run(t, 2, rec, &done) == SL_STATUS_OK && done == 2);
    CHECK(rec[0] > 0 && rec[2] > 0 && rec[3] == 0 && rec[5] == 0);
    CHECK(sl_trainer_evaluate(t, 1, ev) == SL_STATUS_OK && ev[1] >= 0 && ev[1] <= 1);
    float probs[2 * 3];
    CHECK(sl_trainer_predict(t, sl_dataset_X(sl_trainer_dataset(t)), 2, probs) == SL_STATUS_OK);
    CHECK_NEAR(probs[0] + probs[1] + probs[2], 1, 1e-6);
    sl_trainer_free(t);
}
