/* 2-D test surfaces for racing optimizers: value and analytic gradient in
 * float32, a SIMD grid evaluator for contour plots (lab.landscape) and the
 * optimizer trace on a surface (lab.trace). */
#ifndef SL_SURFACE_H
#define SL_SURFACE_H

#include "../base/spec.h"
#include "../optimizers/optimizer.h"

#define SL_TRACE_MAX_STEPS 100000 /* most steps one trace takes */
#define SL_TRACE_MAX_EVALS 2e6    /* most closure evaluations one trace may need: steps x evaluations per step */
#define SL_TRACE_MAX_ROWS 2e7     /* most LBFGS history rows one trace may walk: steps x max_iter x history_size */
#define SL_TRACE_LIMIT 1e12       /* a trace stops (diverged) when |loss| or |x|, |y| exceed this */
#define SL_LANDSCAPE_MAX_POINTS 16777216 /* most grid points (4096 x 4096) */

/* The parameters of the surfaces that have some, by name, as float32. */
typedef struct { float a, b; } sl_rosenbrock_p;
typedef struct { float a, b; } sl_quadratic_p;

typedef struct {
    int type; /* index into the surface registry */
    union {
        sl_rosenbrock_p rosenbrock;
        sl_quadratic_p quadratic;
    } p;
} sl_surface;

/* Decodes a surface spec {"type": "rosenbrock", "a": 1, "b": 100}. */
sl_status sl_surface_parse(const char *json, double len, sl_surface *out);
/* The surface's registry name ("rosenbrock"). */
const char *sl_surface_name(const sl_surface *s);
/* Value at (x, y); the gradient into g[0], g[1] when g is not NULL. */
float sl_surface_eval(const sl_surface *s, float x, float y, float *g);

/* lab.landscape: out[j * nx + i] = f(x_i, y_j), x_i evenly from x0 to x1; nx and ny
 * (doubles, as JS numbers arrive) are integers >= 2 with nx * ny <= SL_LANDSCAPE_MAX_POINTS,
 * checked before out is touched. */
sl_status sl_landscape(const char *json, double len, double x0, double x1, double y0, double y1, double nx, double ny,
                       float *out);

/* One recorded trace: points 0..count-1, point 0 is the start. */
typedef struct {
    int count;         /* points recorded (steps taken + 1) */
    int diverged;      /* 1 when the run left the finite range and stopped */
    float *x, *y, *loss, *grad_norm;
    double *lr;        /* the lr in effect for the step from each point */
    int *evals;        /* objective evaluations of the step from each point */
    double swats_step, swats_lr; /* SWATS: the step at which it switched to SGD and its SGD rate; NaN otherwise */
} sl_trace;

/* lab.trace. surface_json: a surface spec; optimizer_json: an optimizer spec
 * (scheduler inside). noise: sigma of Gaussian noise added to each gradient.
 * The work is bounded before it starts: steps x closure evaluations per step
 * <= SL_TRACE_MAX_EVALS and, for LBFGS, steps x max_iter x history_size <=
 * SL_TRACE_MAX_ROWS. The caller frees the result with sl_trace_free. */
sl_status sl_trace_run(const char *surface_json, double surface_len, const char *optimizer_json, double optimizer_len,
                       double x0, double y0, double steps, double noise, double seed, sl_trace **out);
void sl_trace_free(sl_trace *t);

/* Accessors for the JS seam. */
int sl_trace_count(const sl_trace *t);
int sl_trace_diverged(const sl_trace *t);
float *sl_trace_x(const sl_trace *t);
float *sl_trace_y(const sl_trace *t);
float *sl_trace_loss(const sl_trace *t);
float *sl_trace_grad_norm(const sl_trace *t);
double *sl_trace_lr(const sl_trace *t);
int *sl_trace_evals(const sl_trace *t);
/* SWATS's switch: what 0 the step k, 1 the SGD rate; NaN before a switch and for the others. */
double sl_trace_swats(const sl_trace *t, int what);

int sl_surfaces_json(char **buf, int len, int *cap);

#endif
