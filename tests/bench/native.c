/* The native side of the benchmark suite: the core's C (dist/native/libsteplab.a,
 * gcc -O3 -march=native) timed on the same workloads as the wasm builds. Driven
 * by tests/bench/run.mjs, one workload per call:
 *   bench_native adam N SAMPLES                 sl_optimizer_step, Adam, N parameters
 *   bench_native stream7 N SAMPLES              the 7-stream bandwidth probe
 *   bench_native matmul M N K SAMPLES           sl_kernel_matmul (the model's forward kernel)
 *   bench_native landscape SURFACE NX NY X0 X1 Y0 Y1 SAMPLES
 *   bench_native schedule SPEC N SAMPLES
 *   bench_native trace SURFACE OPTIMIZER X0 Y0 STEPS SAMPLES
 *   bench_native train SIZES ACTIVATION LOSS BATCH N STEPS CHECK RESET SAMPLES
 *                                               sl_trainer_run, STEPS steps a run (W1-W3); the check
 *                                               is the losses of the first CHECK steps; a trainer past
 *                                               RESET steps starts again (train.mjs's RESET_STEPS)
 *   bench_native phases SIZES ACTIVATION LOSS BATCH N STEPS SAMPLES
 *                                               where a step's time goes: microseconds per step of each
 *                                               phase of sl_trainer_run, each timed alone over STEPS calls
 * Prints one JSON object: seconds per run (after one warm-up run) and check
 * values the runner compares with the wasm builds. Inputs come from the same
 * generator as run.mjs's (fill()). */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/data.h"
#include "losses/loss.h"
#include "model/kernels.h"
#include "optimizers/optimizer.h"
#include "schedules/scheduler.h"
#include "surfaces/surface.h"
#include "train/train.h"

void sl_bench_stream7(float *p, float *m, float *v, const float *g, int n);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* x[i] = scale * (u - 0.5), u from a 32-bit LCG seeded with seed: run.mjs's fill(). */
static void fill(float *x, int n, unsigned seed, float scale)
{
    unsigned s = seed;
    for (int i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = scale * ((float)(s >> 8) / 16777216.0f - 0.5f);
    }
}

/* n class labels in [0, classes): train.mjs's labels() */
static void labels(double *y, int n, unsigned seed, int classes)
{
    unsigned s = seed;
    for (int i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        y[i] = (double)((s >> 16) % (unsigned)classes);
    }
}

static float *floats(int n)
{
    float *p = malloc((size_t)n * sizeof(float));
    if (!p) {
        fprintf(stderr, "bench_native: out of memory\n");
        exit(2);
    }
    return p;
}

static int fail(sl_status st)
{
    fprintf(stderr, "bench_native: status %d: %s\n", (int)st, sl_error_message());
    return 1;
}

static void print_samples(const double *t, int n)
{
    printf("{\"samples\":[");
    for (int i = 0; i < n; i++) printf("%s%.9g", i ? "," : "", t[i]);
    printf("]");
}

static void print_check(const float *x, int n, int count)
{
    /* count values at evenly spaced indices, the first and last included */
    printf(",\"check\":[");
    for (int i = 0; i < count; i++) {
        long at = count > 1 ? (long)i * (n - 1) / (count - 1) : 0;
        printf("%s%.9g", i ? "," : "", x[at]);
    }
    printf("]}\n");
}

#define MAX_SAMPLES 1000
#define CHECKS 16
#define MAX_LAYERS 8
#define MAX_CHECK_STEPS 256

/* The training workloads W1-W3 (tests/bench/train.mjs trainData()): the data set, the
 * initial weights and the configuration, built from the same generators. */
typedef struct {
    int sizes[MAX_LAYERS + 1], n_sizes, batch, n;
    const char *activation, *loss;
    double *X, *y;
    float *init;
    int n_init;
    char config[512], loss_spec[128];
} train_case;

static const char *ADAM_SPEC = "{\"type\":\"Adam\",\"lr\":0.001,\"betas\":[0.9,0.999],\"eps\":1e-08}";

/* The power of two train.mjs's initScale() picks: the largest s <= 2 / sqrt(in), so
 * W ~ U(-s/2, s/2) is close to nn.Linear's default U(-1/sqrt(in), 1/sqrt(in)). */
static float init_scale(int in)
{
    float s = 2;
    while ((double)s * s * in > 4) s /= 2;
    return s;
}

static int train_setup(train_case *c, const char *sizes)
{
    c->n_sizes = 0;
    for (const char *p = sizes; *p && c->n_sizes <= MAX_LAYERS; c->n_sizes++) {
        c->sizes[c->n_sizes] = atoi(p);
        p = strchr(p, ',');
        if (!p) {
            c->n_sizes++;
            break;
        }
        p++;
    }
    if (c->n_sizes < 2 || c->n_sizes > MAX_LAYERS + 1) return 0;
    int d = c->sizes[0], classes = c->sizes[c->n_sizes - 1], n = c->n;
    c->X = malloc((size_t)n * d * sizeof(double));
    c->y = malloc((size_t)n * sizeof(double));
    float *Xf = floats(n * d);
    if (!c->X || !c->y) return 0;
    /* binary: a 2-D xor of the quadrants on [-2, 2)^2; multiclass: random rows on [-1, 1) and random labels */
    fill(Xf, n * d, 7, classes == 1 ? 4.0f : 2.0f);
    for (int i = 0; i < n * d; i++) c->X[i] = Xf[i];
    if (classes == 1)
        for (int i = 0; i < n; i++) c->y[i] = Xf[i * d] * Xf[i * d + 1] > 0;
    else
        labels(c->y, n, 8, classes);
    free(Xf);
    c->n_init = 0;
    for (int l = 0; l + 1 < c->n_sizes; l++) c->n_init += (c->sizes[l] + 1) * c->sizes[l + 1];
    c->init = floats(c->n_init);
    float *w = c->init;
    for (int l = 0; l + 1 < c->n_sizes; l++) {
        int in = c->sizes[l], out = c->sizes[l + 1];
        fill(w, in * out, 100 + l, init_scale(in));
        fill(w + in * out, out, 200 + l, init_scale(in));
        w += (in + 1) * out;
    }
    int len = snprintf(c->config, sizeof c->config, "{\"model\":{\"hidden\":[");
    for (int l = 1; l + 1 < c->n_sizes; l++) len += snprintf(c->config + len, sizeof c->config - len, "%s%d", l > 1 ? "," : "", c->sizes[l]);
    snprintf(c->config + len, sizeof c->config - len,
             "],\"activation\":\"%s\"},\"batch_size\":%d,\"epochs\":1000000,\"shuffle\":false,\"seed\":0}", c->activation,
             c->batch);
    snprintf(c->loss_spec, sizeof c->loss_spec, "{\"type\":\"%s\"}", c->loss);
    return 1;
}

/* Appends text to a growing buffer (exits on out-of-memory: this is a benchmark). */
static void put(char **buf, size_t *len, size_t *cap, const char *text)
{
    size_t n = strlen(text);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
        if (!*buf) exit(4);
    }
    memcpy(*buf + *len, text, n + 1);
    *len += n;
}

/* The one config text: the model with its initial weights (nn.Linear's layout, %.9g: every
 * float32 exactly), the loss, the optimizer and the rest of c->config. The caller frees it. */
static char *config_text(const train_case *c)
{
    char *buf = NULL, num[64];
    size_t len = 0, cap = 0;
    put(&buf, &len, &cap, "{\"model\":{\"hidden\":[");
    for (int l = 1; l + 1 < c->n_sizes; l++) {
        snprintf(num, sizeof num, "%s%d", l > 1 ? "," : "", c->sizes[l]);
        put(&buf, &len, &cap, num);
    }
    snprintf(num, sizeof num, "],\"activation\":\"%s\",\"init_weights\":[", c->activation);
    put(&buf, &len, &cap, num);
    const float *w = c->init;
    for (int l = 0; l + 1 < c->n_sizes; l++) {
        int in = c->sizes[l], out = c->sizes[l + 1];
        put(&buf, &len, &cap, l ? ",{\"W\":[" : "{\"W\":[");
        for (int r = 0; r < out; r++) {
            put(&buf, &len, &cap, r ? ",[" : "[");
            for (int k = 0; k < in; k++) {
                snprintf(num, sizeof num, "%s%.9g", k ? "," : "", (double)w[r * in + k]);
                put(&buf, &len, &cap, num);
            }
            put(&buf, &len, &cap, "]");
        }
        put(&buf, &len, &cap, "],\"b\":[");
        for (int k = 0; k < out; k++) {
            snprintf(num, sizeof num, "%s%.9g", k ? "," : "", (double)w[in * out + k]);
            put(&buf, &len, &cap, num);
        }
        put(&buf, &len, &cap, "]}");
        w += (in + 1) * out;
    }
    put(&buf, &len, &cap, "]},\"loss\":");
    put(&buf, &len, &cap, c->loss_spec);
    put(&buf, &len, &cap, ",\"optimizer\":");
    put(&buf, &len, &cap, ADAM_SPEC);
    put(&buf, &len, &cap, strstr(c->config, "},\"batch_size\"") + 1); /* ,"batch_size":...} */
    return buf;
}

static sl_status train_create(train_case *c, sl_trainer **t)
{
    int classes = c->sizes[c->n_sizes - 1];
    const char *ds_spec = classes == 1 ? "{\"task\":\"binary\",\"val_fraction\":0,\"standardize\":false}"
                                       : "{\"task\":\"multiclass\",\"val_fraction\":0,\"standardize\":false}";
    sl_dataset *ds = 0;
    sl_status st = sl_dataset_from_arrays(c->X, c->n, c->sizes[0], c->y, ds_spec, (double)strlen(ds_spec), &ds);
    if (st) return st;
    char *text = config_text(c);
    st = sl_trainer_create(text, (double)strlen(text), ds, t);
    free(text);
    sl_dataset_free(ds);
    return st;
}

int main(int argc, char **argv)
{
    static double t[MAX_SAMPLES];
    if (argc < 3) {
        fprintf(stderr, "usage: see the header of tests/bench/native.c\n");
        return 2;
    }
    const char *what = argv[1];
    int samples = atoi(argv[argc - 1]);
    if (samples < 1 || samples > MAX_SAMPLES) samples = 5;

    if (!strcmp(what, "adam") || !strcmp(what, "stream7")) {
        int n = atoi(argv[2]);
        float *p = floats(n), *g = floats(n), *m = floats(n), *v = floats(n);
        fill(p, n, 1, 2.0f);
        fill(g, n, 2, 0.2f);
        memset(m, 0, (size_t)n * 4);
        memset(v, 0, (size_t)n * 4);
        sl_optimizer *o = 0;
        const char *spec = "{\"type\":\"Adam\",\"lr\":0.001}";
        if (!strcmp(what, "adam")) {
            sl_status st = sl_optimizer_create(spec, (int)strlen(spec), n, &o);
            if (st) return fail(st);
        }
        for (int s = 0; s < 3; s++) { /* warm-up */
            if (o) sl_optimizer_step(o, p, g, n);
            else sl_bench_stream7(p, m, v, g, n);
        }
        for (int s = 0; s < samples; s++) {
            double t0 = now();
            if (o) sl_optimizer_step(o, p, g, n);
            else sl_bench_stream7(p, m, v, g, n);
            t[s] = now() - t0;
        }
        print_samples(t, samples);
        /* recompute the 3-step check from the start */
        fill(p, n, 1, 2.0f);
        memset(m, 0, (size_t)n * 4);
        memset(v, 0, (size_t)n * 4);
        if (o) {
            sl_optimizer_free(o);
            sl_status st = sl_optimizer_create(spec, (int)strlen(spec), n, &o);
            if (st) return fail(st);
        }
        for (int s = 0; s < 3; s++) {
            if (o) sl_optimizer_step(o, p, g, n);
            else sl_bench_stream7(p, m, v, g, n);
        }
        sl_optimizer_free(o);
        print_check(p, n, CHECKS);
        free(p), free(g), free(m), free(v);
        return 0;
    }
    if (!strcmp(what, "matmul") && argc == 6) {
        int M = atoi(argv[2]), N = atoi(argv[3]), K = atoi(argv[4]);
        float *A = floats(M * K), *B = floats(N * K), *C = floats(M * N);
        fill(A, M * K, 3, 2.0f);
        fill(B, N * K, 4, 2.0f);
        sl_kernel_matmul(C, A, B, M, N, K);
        for (int s = 0; s < samples; s++) {
            double t0 = now();
            sl_kernel_matmul(C, A, B, M, N, K);
            t[s] = now() - t0;
        }
        print_samples(t, samples);
        print_check(C, M * N, CHECKS);
        free(A), free(B), free(C);
        return 0;
    }
    if (!strcmp(what, "landscape") && argc == 10) {
        const char *spec = argv[2];
        int nx = atoi(argv[3]), ny = atoi(argv[4]);
        double x0 = atof(argv[5]), x1 = atof(argv[6]), y0 = atof(argv[7]), y1 = atof(argv[8]);
        float *out = floats(nx * ny);
        sl_status st = sl_landscape(spec, (int)strlen(spec), x0, x1, y0, y1, nx, ny, out);
        if (st) return fail(st);
        for (int s = 0; s < samples; s++) {
            double t0 = now();
            sl_landscape(spec, (int)strlen(spec), x0, x1, y0, y1, nx, ny, out);
            t[s] = now() - t0;
        }
        print_samples(t, samples);
        print_check(out, nx * ny, CHECKS);
        free(out);
        return 0;
    }
    if (!strcmp(what, "schedule") && argc == 5) {
        const char *spec = argv[2];
        double n = atof(argv[3]);
        double *lr = 0, *metrics = 0;
        int n_metrics = 0;
        if (strstr(spec, "ReduceLROnPlateau")) { /* run.mjs metrics(): a saw-tooth, plateaus come and go */
            n_metrics = (int)n - 1;
            metrics = malloc((size_t)(n_metrics > 0 ? n_metrics : 1) * sizeof(double));
            if (!metrics) return 2;
            for (int k = 0; k < n_metrics; k++) metrics[k] = 1 + ((long)k * 7919 % 1000) / 1000.0;
        }
        sl_status st = sl_schedule_run(spec, (int)strlen(spec), n, metrics, n_metrics, NULL, 0, &lr);
        if (st) return fail(st);
        for (int s = 0; s < samples; s++) {
            free(lr);
            double t0 = now();
            sl_schedule_run(spec, (int)strlen(spec), n, metrics, n_metrics, NULL, 0, &lr);
            t[s] = now() - t0;
        }
        print_samples(t, samples);
        float *f = floats((int)n);
        for (int i = 0; i < (int)n; i++) f[i] = (float)lr[i];
        print_check(f, (int)n, CHECKS);
        free(f), free(lr), free(metrics);
        return 0;
    }
    if (!strcmp(what, "trace") && argc == 8) {
        const char *surface = argv[2], *opt = argv[3];
        double x0 = atof(argv[4]), y0 = atof(argv[5]), steps = atof(argv[6]);
        sl_trace *tr = 0;
        sl_status st = sl_trace_run(surface, (int)strlen(surface), opt, (int)strlen(opt), x0, y0, steps, 0, 0, &tr);
        if (st) return fail(st);
        for (int s = 0; s < samples; s++) {
            sl_trace_free(tr);
            double t0 = now();
            sl_trace_run(surface, (int)strlen(surface), opt, (int)strlen(opt), x0, y0, steps, 0, 0, &tr);
            t[s] = now() - t0;
        }
        print_samples(t, samples);
        print_check(tr->loss, tr->count, CHECKS);
        sl_trace_free(tr);
        return 0;
    }
    if (!strcmp(what, "train") && argc == 11) {
        train_case c = { .activation = argv[3], .loss = argv[4], .batch = atoi(argv[5]), .n = atoi(argv[6]) };
        int steps = atoi(argv[7]), check = atoi(argv[8]), reset = atoi(argv[9]), done = 0;
        if (!train_setup(&c, argv[2]) || steps < 1 || check < 1 || check > MAX_CHECK_STEPS || reset < 1) {
            fprintf(stderr, "bench_native train: bad sizes, steps, check steps or reset steps\n");
            return 2;
        }
        double *out = malloc(3 * sizeof(double) * (size_t)(steps > check ? steps : check));
        sl_trainer *tr = 0;
        sl_status st = train_create(&c, &tr);
        if (st) return fail(st);
        /* a warm-up run, then each sample is one run of STEPS steps, as run.step(STEPS); past
         * RESET steps from the initial weights again (a fresh trainer, untimed), as run.mjs's timeRuns */
        for (int s = -1; s < samples; s++) {
            if (sl_trainer_steps(tr) > reset) {
                sl_trainer_free(tr);
                tr = 0;
                if ((st = train_create(&c, &tr))) return fail(st);
            }
            double t0 = now();
            for (int left = steps; left > 0; left -= done)
                if ((st = sl_trainer_run(tr, left, out, &done)) || done == 0) return st ? fail(st) : 3;
            if (s >= 0) t[s] = now() - t0;
        }
        sl_trainer_free(tr);
        print_samples(t, samples);
        /* the check: the loss of each of the first CHECK steps of a fresh trainer */
        if ((st = train_create(&c, &tr))) return fail(st);
        float loss[MAX_CHECK_STEPS];
        for (int k = 0; k < check; k += done)
            if ((st = sl_trainer_run(tr, check - k, out + 3 * k, &done)) || done == 0) return st ? fail(st) : 3;
        for (int k = 0; k < check; k++) loss[k] = (float)out[3 * k];
        print_check(loss, check, CHECKS);
        sl_trainer_free(tr);
        free(out), free(c.X), free(c.y), free(c.init);
        return 0;
    }
    if (!strcmp(what, "phases") && argc == 9) {
        /* the phases of train.c's step(), called the way it calls them, on the trainer's own objects */
        train_case c = { .activation = argv[3], .loss = argv[4], .batch = atoi(argv[5]), .n = atoi(argv[6]) };
        int steps = atoi(argv[7]), done = 0;
        if (!train_setup(&c, argv[2]) || steps < 1) return 2;
        sl_trainer *tr = 0;
        sl_status st = train_create(&c, &tr);
        if (st) return fail(st);
        sl_mlp *m = sl_trainer_model(tr);
        sl_dataset *ds = sl_trainer_dataset(tr);
        int d = c.sizes[0], b = c.batch, np = sl_mlp_n_params(m), spe = sl_trainer_steps_per_epoch(tr);
        float *Xb = floats(b * d), *yb = floats(b), *g = floats(b * c.sizes[c.n_sizes - 1]);
        float *p = sl_mlp_params(m), *gr = sl_mlp_grads(m);
        const float *X = sl_dataset_X(ds), *y = sl_dataset_y(ds);
        double loss, ev[3], *rec = malloc(3 * sizeof(double) * (size_t)steps);
        sl_loss *L = 0;
        sl_optimizer *o = 0;
        if ((st = sl_loss_create(c.loss_spec, (int)strlen(c.loss_spec), &L)) ||
            (st = sl_optimizer_create(ADAM_SPEC, (int)strlen(ADAM_SPEC), np, &o)))
            return fail(st);
        sl_mlp_work *w = 0;
        if ((st = sl_mlp_work_create(m, b, &w))) return fail(st);
        const char *names[] = { "gather", "forward", "loss", "backward", "grad_norm", "optimizer", "evaluate", "trainer_run" };
        double us[8] = { 0 };
        for (int pass = 0; pass < 2; pass++) { /* the first pass warms up */
            double t0 = now(), sq = 0;
            for (int s = 0; s < steps; s++) {
                int at = (s % spe) * b;
                for (int i = 0; i < b; i++) {
                    memcpy(Xb + (size_t)i * d, X + (size_t)(at + i) * d, (size_t)d * sizeof(float));
                    yb[i] = y[at + i];
                }
            }
            double t1 = now();
            for (int s = 0; s < steps; s++) sl_mlp_forward(m, w, Xb, b);
            double t2 = now();
            const float *out = sl_mlp_forward(m, w, Xb, b);
            for (int s = 0; s < steps; s++) sl_loss_eval(L, out, 0, 0, yb, b, c.sizes[c.n_sizes - 1], b, g, 0, 0, &loss);
            double t3 = now();
            for (int s = 0; s < steps; s++) sl_mlp_backward(m, w, Xb, g);
            double t4 = now();
            for (int s = 0; s < steps; s++)
                for (int i = 0; i < np; i++) sq += (double)gr[i] * gr[i];
            double t5 = now();
            for (int s = 0; s < steps; s++) sl_optimizer_step(o, p, gr, np);
            double t6 = now();
            int evals = steps / spe > 0 ? steps / spe : 1;
            for (int s = 0; s < evals; s++) sl_trainer_evaluate(tr, 0, ev);
            double t7 = now();
            for (int left = steps; left > 0; left -= done)
                if ((st = sl_trainer_run(tr, left, rec, &done)) || done == 0) return st ? fail(st) : 3;
            double t8 = now();
            double tt[] = { t0, t1, t2, t3, t4, t5, t6, t7, t8 };
            for (int k = 0; k < 8; k++) us[k] = (tt[k + 1] - tt[k]) * 1e6 / steps;
            us[6] = (t7 - t6) * 1e6 / ((double)evals * spe); /* one evaluation per epoch, per step */
            if (sq < 0) return 3; /* keeps the norm loop */
        }
        printf("{");
        for (int k = 0; k < 8; k++) printf("%s\"%s\":%.4g", k ? "," : "", names[k], us[k]);
        printf(",\"steps_per_epoch\":%d}\n", spe);
        sl_mlp_work_free(w), sl_loss_free(L), sl_optimizer_free(o), sl_trainer_free(tr);
        free(Xb), free(yb), free(g), free(rec), free(c.X), free(c.y), free(c.init);
        return 0;
    }
    fprintf(stderr, "bench_native: unknown workload or arguments: %s\n", what);
    return 2;
}
