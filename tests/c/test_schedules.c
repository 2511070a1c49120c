/* Schedulers at the C level: closed forms, state round-trip, corrupted and
 * forged states (checksum recomputed) refused field by field, long runs that
 * restore, counts across the ABI, and errors that leave everything working. */
#include "steplab.h"
#include "check.h"

#include <stdlib.h>

static sl_scheduler *make(const char *json)
{
    sl_scheduler *s = NULL;
    sl_status st = sl_scheduler_create(json, (int)strlen(json), &s);
    if (st) printf("create failed: %s\n", sl_error_message());
    return s;
}

static double *run(const char *json, int n)
{
    double *v = NULL;
    if (sl_schedule_run(json, (int)strlen(json), n, NULL, 0, &v)) printf("run failed: %s\n", sl_error_message());
    return v;
}

static const double HOSTILE[] = { 2147483648.0, 4294967296.0, -1, 9007199254740992.0, NAN };

/* A state saved after `steps` steps, one field forged by `edit`, its checksum made valid again;
 * the restore must fail naming `field`, and the unforged state must still restore. */
static void forged(const char *label, const char *spec, int steps, void (*edit)(sl_scheduler *), const char *field)
{
    sl_scheduler *s = make(spec), *back = NULL;
    if (!s) return;
    for (int k = 0; k < steps; k++) sl_scheduler_step(s, 1.0, 1);
    sl_scheduler copy;
    memcpy(&copy, s, sizeof copy);
    edit(&copy);
    unsigned char *buf = malloc(sizeof copy);
    sl_scheduler_state_save(&copy, buf);
    sl_status st = sl_scheduler_restore(buf, (int)sizeof copy, &back);
    int named = st == SL_STATUS_STATE && strstr(sl_error_message(), field) && strstr(sl_error_message(), "saved state");
    if (!named) printf("forged %s: status %d '%s', expected a refusal naming '%s'\n", label, (int)st, sl_error_message(), field);
    CHECK(named && back == NULL);
    sl_scheduler_free(back);
    sl_scheduler_state_save(s, buf);
    CHECK(sl_scheduler_restore(buf, (int)sizeof copy, &back) == SL_STATUS_OK);
    sl_scheduler_free(back);
    sl_scheduler_free(s);
    free(buf);
}

static void lr_negative(sl_scheduler *s) { s->group.lr = -5; }
static void lr_zero(sl_scheduler *s) { s->group.lr = 0; }
static void lr_huge(sl_scheduler *s) { s->group.lr = 1e308; }
static void max_lr_negative(sl_scheduler *s) { s->leaf[0].p.onecycle.max_lr = -1; }
static void milestone_nan(sl_scheduler *s) { s->milestones[0] = NAN; }
static void milestones_unsorted(sl_scheduler *s) { s->milestones[1] = s->milestones[0]; }
static void root_ahead(sl_scheduler *s) { s->last_epoch += 1; }
static void leaf_ahead(sl_scheduler *s) { s->leaf[0].last_epoch += 1; }
static void second_leaf_early(sl_scheduler *s) { s->leaf[1].last_epoch = 0; }
static void base_lr_changed(sl_scheduler *s) { s->leaf[0].base_lr *= 2; }
static void t_cur_shifted(sl_scheduler *s) { s->leaf[0].T_cur += 1; }
static void momentum_nan(sl_scheduler *s) { s->group.momentum = NAN; }
static void bad_epochs(sl_scheduler *s) { s->leaf[0].num_bad_epochs = 99; }
static void multistep_unsorted(sl_scheduler *s) { s->leaf[0].milestones[0] = 50; }

static void forged_states(void)
{
    const char *step = "{\"type\":\"StepLR\",\"lr\":0.1,\"step_size\":3}";
    const char *seq = "{\"type\":\"SequentialLR\",\"lr\":0.5,\"schedulers\":[{\"type\":\"LinearLR\",\"total_iters\":4},"
                      "{\"type\":\"ExponentialLR\",\"gamma\":0.9},{\"type\":\"StepLR\",\"step_size\":2}],\"milestones\":[4,9]}";
    const char *one = "{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":30}";
    /* the forgeries, each refused with the field named */
    forged("lr -5", step, 5, lr_negative, "lr");
    forged("lr 0", step, 5, lr_zero, "lr");
    forged("lr 1e308", step, 5, lr_huge, "lr");
    forged("SequentialLR lr -5", seq, 6, lr_negative, "lr");
    forged("SequentialLR lr 1e308", seq, 6, lr_huge, "lr");
    forged("OneCycleLR max_lr -1", one, 5, max_lr_negative, "max_lr");
    forged("SequentialLR milestone NaN", seq, 6, milestone_nan, "milestones");
    forged("SequentialLR milestones unsorted", seq, 6, milestones_unsorted, "milestones");
    forged("root step count ahead", step, 5, root_ahead, "last_epoch");
    forged("leaf step count ahead", step, 5, leaf_ahead, "last_epoch");
    forged("SequentialLR child started early", seq, 2, second_leaf_early, "last_epoch");
    /* and the other invariants between fields */
    forged("base_lr", step, 5, base_lr_changed, "base_lr");
    forged("CosineAnnealingWarmRestarts T_cur", "{\"type\":\"CosineAnnealingWarmRestarts\",\"T_0\":3,\"T_mult\":2}", 8,
           t_cur_shifted, "T_cur");
    forged("OneCycleLR momentum NaN", one, 5, momentum_nan, "momentum");
    forged("ReduceLROnPlateau num_bad_epochs", "{\"type\":\"ReduceLROnPlateau\",\"patience\":3}", 2, bad_epochs, "num_bad_epochs");
    forged("MultiStepLR milestones", "{\"type\":\"MultiStepLR\",\"milestones\":[3,7]}", 2, multistep_unsorted, "milestones");
    /* a state of the layout before parameters were stored by name */
    sl_scheduler *s = make(step), *back = NULL;
    if (s) {
        sl_scheduler copy;
        memcpy(&copy, s, sizeof copy);
        copy.version = 1;
        unsigned char *buf = malloc(sizeof copy);
        sl_scheduler_state_save(&copy, buf);
        CHECK_ERR(sl_scheduler_restore(buf, (int)sizeof copy, &back), SL_STATUS_STATE,
                  "scheduler: state is from another version of steplab (state version 1, this one reads 2)");
        free(buf);
        sl_scheduler_free(s);
    }
}

/* Every registry starter, and PyTorch's recursive forms, over long runs: what the core saved restores. */
static void long_runs_restore(void)
{
    const char *specs[] = {
        "{\"type\":\"CosineAnnealingLR\",\"T_max\":7,\"eta_min\":0.001}", "{\"type\":\"LinearLR\",\"total_iters\":20000}",
        "{\"type\":\"PolynomialLR\",\"total_iters\":15000,\"power\":3}", "{\"type\":\"ExponentialLR\",\"gamma\":0.999}",
        "{\"type\":\"ConstantLR\",\"total_iters\":0}", "{\"type\":\"LinearLR\",\"total_iters\":0}",
        "{\"type\":\"CyclicLR\",\"base_lr\":0.01,\"max_lr\":0.1,\"step_size_up\":7,\"mode\":\"exp_range\",\"gamma\":0.9999}",
        "{\"type\":\"ChainedScheduler\",\"schedulers\":[{\"type\":\"ExponentialLR\",\"gamma\":0.9},"
        "{\"type\":\"CosineAnnealingLR\",\"T_max\":5,\"eta_min\":0.01}]}",
        "{\"type\":\"SequentialLR\",\"schedulers\":[{\"type\":\"ConstantLR\"},{\"type\":\"CosineAnnealingWarmRestarts\","
        "\"T_0\":3}],\"milestones\":[0]}",
    };
    sl_json doc;
    const char *reg = sl_registry_json();
    CHECK(sl_json_parse(reg, strlen(reg), &doc, "registry") == SL_STATUS_OK);
    int list = sl_json_get(&doc, 0, "schedulers"), n_starters = 0;
    for (int c = doc.nodes[list].child, i = 0; c >= 0; c = doc.nodes[c].next, i++) n_starters++;
    for (int i = 0; i < n_starters + (int)(sizeof specs / sizeof specs[0]); i++) {
        sl_scheduler *s = NULL;
        if (i < n_starters) {
            int row = doc.nodes[list].child;
            for (int k = 0; k < i; k++) row = doc.nodes[row].next;
            CHECK(sl_scheduler_from_spec(&doc, sl_json_get(&doc, row, "starter"), NAN, &s) == SL_STATUS_OK);
        } else {
            s = make(specs[i - n_starters]);
        }
        if (!s) continue;
        int ok = 1;
        for (int k = 0; k < 20000 && ok; k++) {
            sl_scheduler_step(s, 1.0 / (1 + k % 17), 1);
            if (k % 997 == 0 || k == 19999) {
                unsigned char *buf = malloc(sizeof *s);
                sl_scheduler *back = NULL;
                sl_scheduler_state_save(s, buf);
                ok = sl_scheduler_restore(buf, (int)sizeof *s, &back) == SL_STATUS_OK;
                if (!ok) printf("%s after %d steps: %s\n", sl_scheduler_type(s), k + 1, sl_error_message());
                sl_scheduler_free(back);
                free(buf);
            }
        }
        CHECK(ok);
        sl_scheduler_free(s);
    }
    sl_json_free(&doc);
}

/* Counts arrive as doubles: 2^31, 2^32, -1, 2^53 and NaN are refused with the field named, then a good call works. */
static void counts_across_the_abi(void)
{
    const char *e = "{\"type\":\"ExponentialLR\",\"gamma\":0.5}";
    double *out = NULL;
    sl_scheduler *s = NULL;
    for (int i = 0; i < 5; i++) {
        double v = HOSTILE[i];
        CHECK_ERR(sl_schedule_run(e, (int)strlen(e), v, NULL, 0, &out), SL_STATUS_INVALID, "ExponentialLR: n must be an integer");
        CHECK_ERR(sl_schedule_run(e, (int)strlen(e), 4, NULL, v, &out), SL_STATUS_INVALID, "ExponentialLR: metrics must be an integer");
        CHECK_ERR(sl_schedule_run(e, v, 4, NULL, 0, &out), SL_STATUS_INVALID, "scheduler: spec length must be an integer");
        CHECK_ERR(sl_scheduler_create(e, v, &s), SL_STATUS_INVALID, "scheduler: spec length must be an integer");
        CHECK_ERR(sl_scheduler_restore(e, v, &s), SL_STATUS_STATE, "scheduler: state must be");
        CHECK(out == NULL && s == NULL);
    }
    CHECK(sl_schedule_run(e, (int)strlen(e), 4, NULL, 0, &out) == SL_STATUS_OK && out && out[3] == 0.1 * 0.125);
    free(out);
}

void test_schedules(void)
{
    /* the ResNet recipe: x0.1 every 30 epochs */
    double *v = run("{\"type\":\"StepLR\",\"lr\":0.1,\"step_size\":30,\"gamma\":0.1}", 90);
    CHECK(v != NULL);
    if (v) {
        CHECK_NEAR(v[0], 0.1, 1e-15);
        CHECK_NEAR(v[29], 0.1, 1e-15);
        CHECK_NEAR(v[30], 0.01, 1e-12);
        CHECK_NEAR(v[59], 0.01, 1e-12);
        CHECK_NEAR(v[60], 0.001, 1e-12);
        CHECK_NEAR(v[89], 0.001, 1e-12);
        free(v);
    }
    /* cosine 0.1 -> 0.001 over 100 epochs */
    v = run("{\"type\":\"CosineAnnealingLR\",\"lr\":0.1,\"T_max\":100,\"eta_min\":0.001}", 101);
    if (v) {
        for (int t = 0; t <= 100; t++) CHECK_NEAR(v[t], 0.001 + 0.5 * 0.099 * (1 + cos(SL_PI * t / 100)), 1e-12);
        free(v);
    }
    /* continuous exponential decay lr0 e^(-kt) */
    v = run("{\"type\":\"NaturalExpDecay\",\"lr\":1,\"decay_rate\":0.05}", 50);
    if (v) {
        for (int t = 0; t < 50; t++) CHECK_NEAR(v[t], exp(-0.05 * t), 1e-15);
        free(v);
    }

    /* state round-trip: a resumed run is bit-identical */
    const char *spec = "{\"type\":\"SequentialLR\",\"lr\":0.5,\"schedulers\":[{\"type\":\"LinearLR\",\"start_factor\":0.1,"
                       "\"total_iters\":5},{\"type\":\"CosineAnnealingWarmRestarts\",\"T_0\":4,\"T_mult\":2}],\"milestones\":[5]}";
    sl_scheduler *a = make(spec), *b = make(spec);
    CHECK(a && b);
    if (a && b) {
        for (int k = 0; k < 17; k++) sl_scheduler_step(a, 0, 0);
        int size = sl_scheduler_state_size(a);
        unsigned char *buf = malloc((size_t)size);
        sl_scheduler_state_save(a, buf);
        sl_scheduler *r = NULL;
        CHECK(sl_scheduler_restore(buf, size, &r) == SL_STATUS_OK);
        for (int k = 0; k < 17; k++) sl_scheduler_step(b, 0, 0);
        for (int k = 0; k < 40 && r; k++) {
            sl_scheduler_step(r, 0, 0);
            sl_scheduler_step(b, 0, 0);
            CHECK(sl_scheduler_lr(r) == sl_scheduler_lr(b));
        }
        /* damaged states are refused */
        sl_scheduler *bad = NULL;
        CHECK_ERR(sl_scheduler_restore(buf, size - 1, &bad), SL_STATUS_STATE, "must be");
        buf[size / 2] ^= 1;
        CHECK_ERR(sl_scheduler_restore(buf, size, &bad), SL_STATUS_STATE, "checksum");
        buf[size / 2] ^= 1;
        buf[0] ^= 1;
        CHECK_ERR(sl_scheduler_restore(buf, size, &bad), SL_STATUS_STATE, "not a steplab scheduler");
        CHECK(bad == NULL);
        free(buf);
        sl_scheduler_free(r);
    }
    sl_scheduler_free(a);
    sl_scheduler_free(b);

    /* errors name the scheduler, the field, the expectation and the value */
    sl_scheduler *s = NULL;
#define CREATE(json) sl_scheduler_create(json, (int)strlen(json), &s)
    CHECK_ERR(CREATE("{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":10,\"pct_start\":1.5}"), SL_STATUS_INVALID,
              "OneCycleLR: pct_start must be a number in (0, 1), got 1.5");
    CHECK_ERR(CREATE("{\"type\":\"StepLR\"}"), SL_STATUS_INVALID, "StepLR: step_size is required");
    CHECK_ERR(CREATE("{\"type\":\"StepLR\",\"step_size\":2.5}"), SL_STATUS_INVALID, "StepLR: step_size must be an integer in [1, 1000000000], got 2.5");
    CHECK_ERR(CREATE("{\"type\":\"StepLR\",\"step_size\":3,\"gama\":0.5}"), SL_STATUS_INVALID, "unknown parameter 'gama'");
    CHECK_ERR(CREATE("{\"type\":\"Steplr\"}"), SL_STATUS_UNKNOWN_TYPE, "scheduler: type must be one of");
    CHECK_ERR(CREATE("{\"type\":\"ExponentialLR\",\"gamma\":Infinity}"), SL_STATUS_INVALID, "got Infinity");
    CHECK_ERR(CREATE("{\"type\":\"LambdaLR\",\"lr_lambda\":\"0.9 ^^ epoch\"}"), SL_STATUS_PARSE, "column 6");
    CHECK_ERR(CREATE("{\"type\":\"SequentialLR\",\"schedulers\":[{\"type\":\"ReduceLROnPlateau\"}],\"milestones\":[]}"),
              SL_STATUS_INVALID, "schedulers[0] cannot be a ReduceLROnPlateau");
    CHECK_ERR(CREATE("{\"type\":\"SequentialLR\",\"schedulers\":[{\"type\":\"ExponentialLR\",\"gamma\":0.9}],\"milestones\":[3]}"),
              SL_STATUS_INVALID, "milestones must have one entry fewer than schedulers");
    CHECK(s == NULL);
    /* after an error the same calls work */
    s = make("{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":2}");
    CHECK(s != NULL);
    if (s) {
        CHECK(sl_scheduler_step(s, 0, 0) == SL_STATUS_OK);
        CHECK(sl_scheduler_step(s, 0, 0) == SL_STATUS_OK);
        double lr = sl_scheduler_lr(s);
        CHECK_ERR(sl_scheduler_step(s, 0, 0), SL_STATUS_RANGE, "total_steps is 2");
        CHECK(sl_scheduler_lr(s) == lr && sl_scheduler_last_epoch(s) == 2);
        sl_scheduler_free(s);
    }
    s = make("{\"type\":\"ReduceLROnPlateau\",\"lr\":1,\"patience\":0}");
    if (s) {
        CHECK_ERR(sl_scheduler_step(s, 0, 0), SL_STATUS_INVALID, "metrics is required");
        CHECK_ERR(sl_scheduler_step(s, NAN, 1), SL_STATUS_INVALID, "got NaN");
        CHECK(sl_scheduler_step(s, 1.0, 1) == SL_STATUS_OK && sl_scheduler_lr(s) == 1);
        CHECK(sl_scheduler_step(s, 1.0, 1) == SL_STATUS_OK && fabs(sl_scheduler_lr(s) - 0.1) < 1e-15);
        sl_scheduler_free(s);
    }
    double *out = NULL;
    const char *e = "{\"type\":\"ExponentialLR\",\"gamma\":0.5}";
    CHECK_ERR(sl_schedule_run(e, (int)strlen(e), 1e12, NULL, 0, &out), SL_STATUS_INVALID, "ExponentialLR: n must be an integer in [0, 50000000], got 1000000000000");
    CHECK_ERR(sl_schedule_run(e, (int)strlen(e), -1, NULL, 0, &out), SL_STATUS_INVALID, "got -1");
    CHECK(out == NULL);

    /* a state with a valid checksum but hostile fields is refused, field by field */
    sl_scheduler *h = make("{\"type\":\"CyclicLR\",\"base_lr\":0.01,\"max_lr\":0.1,\"step_size_up\":4}");
    if (h) {
        static const char *why[] = { "unknown or composite", "mode in the saved state", "step_size_up in the saved state",
                                     "last_epoch in the saved state", "schedulers in the saved state holds 9", "total_steps",
                                     "type in the saved state holds a CyclicLR", "milestones in the saved state has 2" };
        for (int k = 0; k < 8; k++) {
            sl_scheduler copy = *h, *back = NULL;
            unsigned char *buf = malloc(sizeof copy);
            switch (k) {
            case 0: copy.leaf[0].type = 99; break;
            case 1: copy.leaf[0].p.cyclic.mode = NAN; break;
            case 2: copy.leaf[0].p.cyclic.step_size_up = 0; break;
            case 3: copy.last_epoch = 2147483647; break;
            case 4: copy.n_leaves = 9; break;
            case 5: copy.leaf[0].n_phases = 3; break;         /* only OneCycleLR has phases */
            case 6: copy.type = 12; break;                    /* a ReduceLROnPlateau header over a CyclicLR (found by fuzzing) */
            case 7: copy.n_milestones = 2; break;             /* milestones without SequentialLR */
            }
            sl_scheduler_state_save(&copy, buf);
            CHECK_ERR(sl_scheduler_restore(buf, (int)sizeof copy, &back), SL_STATUS_STATE, why[k]);
            CHECK(back == NULL);
            free(buf);
        }
        sl_scheduler_free(h);
    }

    /* the registry lists every scheduler with its parameters */
    const char *reg = sl_registry_json();
    CHECK(strstr(reg, "\"name\":\"CosineAnnealingWarmRestarts\"") != NULL);
    CHECK(strstr(reg, "\"name\":\"T_mult\"") != NULL);
    sl_json doc;
    CHECK(sl_json_parse(reg, strlen(reg), &doc, "registry") == SL_STATUS_OK);
    sl_json_free(&doc);

    forged_states();
    long_runs_restore();
    counts_across_the_abi();
}
