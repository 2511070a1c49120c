/* The native side of the benchmark suite: the core's C (dist/native/libsteplab.a,
 * gcc -O3 -march=native) timed on the same workloads as the wasm builds. Driven
 * by tests/bench/run.mjs, one workload per call:
 *   bench_native adam N SAMPLES                 sl_optimizer_step, Adam, N parameters
 *   bench_native stream7 N SAMPLES              the 7-stream bandwidth probe
 *   bench_native matmul M N K SAMPLES           sl_kernel_matmul (the model's forward kernel)
 *   bench_native landscape SURFACE NX NY X0 X1 Y0 Y1 SAMPLES
 *   bench_native schedule SPEC N SAMPLES
 *   bench_native trace SURFACE OPTIMIZER X0 Y0 STEPS SAMPLES
 * Prints one JSON object: seconds per run (after one warm-up run) and check
 * values the runner compares with the wasm builds. Inputs come from the same
 * generator as run.mjs's (fill()). */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/kernels.h"
#include "optimizers/optimizer.h"
#include "schedules/scheduler.h"
#include "surfaces/surface.h"

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
        sl_status st = sl_schedule_run(spec, (int)strlen(spec), n, metrics, n_metrics, &lr);
        if (st) return fail(st);
        for (int s = 0; s < samples; s++) {
            free(lr);
            double t0 = now();
            sl_schedule_run(spec, (int)strlen(spec), n, metrics, n_metrics, &lr);
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
    fprintf(stderr, "bench_native: unknown workload or arguments: %s\n", what);
    return 2;
}
