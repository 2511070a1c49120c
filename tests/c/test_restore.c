/* Seeded random single-field corruptions of saved scheduler and optimizer
 * states, each with its checksum made valid again (a forged file): every one
 * is either refused as a state error, or restores to an object that keeps
 * the rules: it steps to finite learning rates, and what it saves after
 * stepping restores again (so what was accepted is a state the rules can
 * reach). Run under ASan and UBSan, this also shows no accepted value can
 * make a step read or write out of bounds. */
#include "steplab.h"
#include "check.h"
#include "optimizers/internal.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng = 0x5eed;
static uint64_t next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return rng >> 11;
}

/* Writes one hostile value over the 4 or 8 bytes at off (aligned to 4). */
static void corrupt(unsigned char *b, size_t off, size_t size)
{
    static const double doubles[] = { NAN, INFINITY, -INFINITY, -1, 0, 1e308, -5, 0.5, 2147483648.0, 9007199254740992.0, 1e-300, 3 };
    static const int32_t ints[] = { -1, 0, 1, 2, 3, 7, 99, 2147483647, INT32_MIN, 12, 18 };
    int kind = (int)(next() % 4);
    if (kind == 0 && off % 8 == 0 && off + 8 <= size) {
        double v = doubles[next() % (sizeof doubles / sizeof doubles[0])];
        memcpy(b + off, &v, 8);
    } else if (kind == 1 && off % 8 == 0 && off + 8 <= size) {
        double v;
        memcpy(&v, b + off, 8);
        v = next() % 2 ? v * 2 : v + 1;
        memcpy(b + off, &v, 8);
    } else if (kind == 2) {
        int32_t v = ints[next() % (sizeof ints / sizeof ints[0])];
        memcpy(b + off, &v, 4);
    } else {
        uint32_t v = (uint32_t)next();
        memcpy(b + off, &v, 4);
    }
}

/* An offset aligned to 4 past the magic, version, size and checksum, often near the header
 * (where the counters and parameters are) and sometimes anywhere. */
static size_t pick(size_t size, size_t hot)
{
    size_t span = next() % 3 ? hot : size;
    return 16 + (size_t)(next() % ((span - 16) / 4)) * 4;
}

static int refused_as_state(sl_status st) { return st == SL_STATUS_STATE; }

static void schedulers(int rounds, int *accepted, int *refused)
{
    static const char *specs[] = {
        "{\"type\":\"StepLR\",\"step_size\":3}",
        "{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":40}",
        "{\"type\":\"CyclicLR\",\"base_lr\":0.01,\"max_lr\":0.1,\"step_size_up\":4}",
        "{\"type\":\"CosineAnnealingWarmRestarts\",\"T_0\":3,\"T_mult\":2}",
        "{\"type\":\"ReduceLROnPlateau\",\"patience\":1}",
        "{\"type\":\"LambdaLR\",\"lr_lambda\":\"0.9 ^ epoch\"}",
        "{\"type\":\"SequentialLR\",\"schedulers\":[{\"type\":\"LinearLR\",\"total_iters\":4},{\"type\":\"CosineAnnealingLR\","
        "\"T_max\":10}],\"milestones\":[4]}",
        "{\"type\":\"ChainedScheduler\",\"schedulers\":[{\"type\":\"ConstantLR\"},{\"type\":\"ExponentialLR\",\"gamma\":0.9}]}",
    };
    const int n_specs = (int)(sizeof specs / sizeof specs[0]);
    const size_t size = sizeof(sl_scheduler), hot = offsetof(sl_scheduler, leaf) + 2 * sizeof(sl_leaf);
    unsigned char *buf = malloc(size);
    for (int r = 0; r < rounds; r++) {
        sl_scheduler *s = NULL, *back = NULL;
        const char *spec = specs[r % n_specs];
        if (sl_scheduler_create(spec, (double)strlen(spec), &s)) continue;
        for (int k = 0; k < 6; k++) sl_scheduler_step(s, 1.0, 1);
        sl_scheduler_state_save(s, buf);
        corrupt(buf, pick(size, hot), size);
        sl_scheduler_state_save((sl_scheduler *)buf, buf); /* the checksum made valid again */
        sl_status st = sl_scheduler_restore(buf, (double)size, &back);
        if (st) {
            CHECK(refused_as_state(st));
            ++*refused;
        } else {
            ++*accepted;
            int finite = 1;
            for (int k = 0; k < 30; k++) {
                sl_scheduler_step(back, 0.5, 1);
                finite &= isfinite(sl_scheduler_lr(back));
            }
            CHECK(finite);
            sl_scheduler *again = NULL;
            sl_scheduler_state_save(back, buf);
            st = sl_scheduler_restore(buf, (double)size, &again);
            if (st) printf("%s: accepted, then after 30 steps: %s\n", spec, sl_error_message());
            CHECK(st == SL_STATUS_OK);
            sl_scheduler_free(again);
        }
        sl_scheduler_free(back);
        sl_scheduler_free(s);
    }
    free(buf);
}

static sl_status bowl(void *ctx, float *x, float *g, int n, double *loss)
{
    (void)ctx;
    double f = 0;
    for (int i = 0; i < n; i++) {
        g[i] = x[i] - 1.0f;
        f += 0.5 * (x[i] - 1.0) * (x[i] - 1.0);
    }
    *loss = f;
    return SL_STATUS_OK;
}

static void optimizers(int rounds, int *accepted, int *refused)
{
    enum { N = 5 };
    static const char *specs[] = {
        "{\"type\":\"SGD\",\"lr\":0.1,\"momentum\":0.9,\"scheduler\":{\"type\":\"StepLR\",\"step_size\":2}}",
        "{\"type\":\"Adam\",\"amsgrad\":true}",
        "{\"type\":\"NAdam\",\"scheduler\":{\"type\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":100}}",
        "{\"type\":\"LBFGS\",\"history_size\":3,\"line_search_fn\":\"strong_wolfe\"}",
        "{\"type\":\"Rprop\"}",
        "{\"type\":\"DeltaBarDelta\"}",
        "{\"type\":\"RMSprop\",\"centered\":true,\"momentum\":0.5}",
        "{\"type\":\"Adagrad\",\"initial_accumulator_value\":0.1}",
    };
    const int n_specs = (int)(sizeof specs / sizeof specs[0]);
    for (int r = 0; r < rounds; r++) {
        sl_optimizer *o = NULL, *back = NULL;
        const char *spec = specs[r % n_specs];
        if (sl_optimizer_create(spec, (double)strlen(spec), N, &o)) continue;
        float p[N] = { 2, -1, 0.5f, 3, 0 }, g[N] = { 0.3f, -0.2f, 0.1f, 1, -1 };
        for (int k = 0; k < 4; k++) {
            if (sl_optimizer_needs_closure(o)) sl_optimizer_step_closure(o, p, N, bowl, NULL, NULL, NULL);
            else sl_optimizer_step(o, p, g, N);
        }
        size_t size = (size_t)sl_optimizer_state_size(o);
        unsigned char *buf = malloc(size);
        sl_optimizer_state_save(o, buf);
        corrupt(buf, pick(size, offsetof(sl_optimizer, sched) + 3 * sizeof(sl_leaf)), size);
        sl_optimizer *f = (sl_optimizer *)buf;
        char tmp[sizeof(sl_scheduler)];
        sl_scheduler_state_save(&f->sched, tmp);
        if (f->n_floats >= 0 && (size_t)f->n_floats <= (size - sizeof *f) / 4) f->checksum = sl_opt_checksum(f);
        sl_status st = sl_optimizer_restore(buf, (double)size, &back);
        if (st) {
            CHECK(refused_as_state(st));
            ++*refused;
        } else {
            ++*accepted;
            float q[N] = { 2, -1, 0.5f, 3, 0 };
            int finite = 1;
            for (int k = 0; k < 10; k++) {
                if (sl_optimizer_needs_closure(back)) sl_optimizer_step_closure(back, q, N, bowl, NULL, NULL, NULL);
                else sl_optimizer_step(back, q, g, N);
                finite &= isfinite(sl_optimizer_lr(back));
            }
            CHECK(finite);
            sl_optimizer *again = NULL;
            sl_optimizer_state_save(back, buf);
            st = sl_optimizer_restore(buf, (double)size, &again);
            /* an accepted state may step into an overflow, which no spec can give; nothing else may fail */
            if (st && !strstr(sl_error_message(), "NaN") && !strstr(sl_error_message(), "Infinity")) {
                printf("%s: accepted, then after 10 steps: %s\n", spec, sl_error_message());
                CHECK(0);
            }
            sl_optimizer_free(again);
        }
        sl_optimizer_free(back);
        sl_optimizer_free(o);
        free(buf);
    }
}

void test_restore(void)
{
    int acc_s = 0, ref_s = 0, acc_o = 0, ref_o = 0;
    schedulers(400, &acc_s, &ref_s);
    optimizers(400, &acc_o, &ref_o);
    printf("# forged states: schedulers %d refused, %d accepted; optimizers %d refused, %d accepted\n", ref_s, acc_s, ref_o, acc_o);
    CHECK(ref_s > 200 && ref_o > 100); /* most single-field forgeries are caught */
}
