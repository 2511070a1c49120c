/* The MLP: validation, seeded initialisation, forward and backward through
 * the kernels of kernels.c. PyTorch reference: nn.Sequential of nn.Linear and
 * one activation module, with autograd's gradients. */
#include "mlp.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rng.h"

/* Built for size, not speed: the work of a pass is in the kernels (kernels.c);
 * what is here runs once per model or once per layer of a pass. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define SL_MLP_MAGIC 0x4d4c5031u /* "MLP1" */
#define SL_MLP_VERSION 1u

static const char *THING = "MLP";

static const sl_param P_MLP[] = {
    { "sizes", SL_P_NUMS, NAN, 1, SL_MLP_MAX_WIDTH, SL_F_REQUIRED, NULL, 2, SL_MLP_MAX_LAYERS + 1,
      "layer widths: inputs, hidden layers, outputs" },
    { "activation", SL_P_ENUM, 0, 0, 0, 0, SL_ACT_NAMES, 0, 0, "activation of the hidden layers" },
    { "init", SL_P_ENUM, 0, 0, 0, 0, SL_INIT_NAMES, 0, 0, "weight initialisation" },
    { "seed", SL_P_INT, 0, 0, 4294967295.0, 0, NULL, 0, 0, "seed of the initialisation" },
    { "weights", SL_P_ANY, NAN, 0, 0, 0, NULL, 0, 0, "explicit weights [{ W, b }, ...] in nn.Linear's layout, instead of init" },
};
static const sl_kind K_MLP = { "MLP", P_MLP, 5, "multilayer perceptron" };

/* Bytes before the parameters, rounded to 16 so the float arrays are vector aligned. */
static size_t head_bytes(void) { return (sizeof(sl_mlp) + 15) & ~(size_t)15; }

float *sl_mlp_params(sl_mlp *m) { return (float *)((char *)m + head_bytes()); }
float *sl_mlp_grads(sl_mlp *m) { return sl_mlp_params(m) + m->n_params; }
int sl_mlp_n_params(const sl_mlp *m) { return m->n_params; }

/* Fills the header of a model of this shape (offsets, counts, byte size), or
 * fails naming the field when the shape is outside the limits. */
static sl_status layout(const int *sizes, int n_sizes, int activation, sl_mlp *h)
{
    memset(h, 0, sizeof *h);
    if (n_sizes < 2 || n_sizes > SL_MLP_MAX_LAYERS + 1)
        return sl_fail(SL_STATUS_INVALID, THING, "sizes", "must have 2 to %d numbers, got %d", SL_MLP_MAX_LAYERS + 1, n_sizes);
    for (int i = 0; i < n_sizes; i++)
        if (sizes[i] < 1 || sizes[i] > SL_MLP_MAX_WIDTH)
            return sl_fail(SL_STATUS_INVALID, THING, "sizes", "[%d] must be an integer in [1, %d], got %d", i,
                           SL_MLP_MAX_WIDTH, sizes[i]);
    if (activation < 0 || activation >= SL_ACT_COUNT)
        return sl_fail(SL_STATUS_INVALID, THING, "activation", "must be one of %s, got %d", SL_ACT_NAMES, activation);
    double total = 0;
    for (int l = 0; l + 1 < n_sizes; l++) total += ((double)sizes[l] + 1) * sizes[l + 1];
    if (total > SL_MLP_MAX_PARAMS)
        return sl_fail(SL_STATUS_NOMEM, THING, "sizes", "give %s parameters, more than the limit of %d",
                       sl_num(total).s, SL_MLP_MAX_PARAMS);
    h->magic = SL_MLP_MAGIC;
    h->version = SL_MLP_VERSION;
    h->size = (uint32_t)(head_bytes() + 2 * (size_t)total * sizeof(float));
    h->n_layers = n_sizes - 1;
    h->activation = activation;
    int off = 0;
    for (int l = 0; l < n_sizes; l++) h->sizes[l] = sizes[l];
    for (int l = 0; l < h->n_layers; l++) {
        h->w_off[l] = off;
        off += sizes[l] * sizes[l + 1];
        h->b_off[l] = off;
        off += sizes[l + 1];
    }
    h->n_params = off;
    return SL_STATUS_OK;
}

sl_status sl_mlp_create(const int *sizes, int n_sizes, int activation, sl_mlp **out)
{
    sl_mlp h;
    *out = NULL;
    sl_status st = layout(sizes, n_sizes, activation, &h);
    if (st) return st;
    sl_mlp *m = calloc(1, h.size);
    if (!m) return sl_fail(SL_STATUS_NOMEM, THING, "sizes", "give a model of %u bytes that does not fit in memory", h.size);
    *m = h;
    *out = m;
    return SL_STATUS_OK;
}

static uint32_t fnv1a(const unsigned char *p, size_t n, uint32_t h)
{
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

/* FNV-1a of a saved object's bytes with its checksum field read as 0. */
static uint32_t checksum(const unsigned char *p, size_t size)
{
    const size_t at = offsetof(sl_mlp, checksum);
    const unsigned char zero[4] = { 0, 0, 0, 0 };
    uint32_t h = fnv1a(p, at, 2166136261u);
    h = fnv1a(zero, 4, h);
    return fnv1a(p + at + 4, size - at - 4, h);
}

int sl_mlp_state_size(const sl_mlp *m) { return (int)m->size; }

void sl_mlp_state_save(sl_mlp *m, void *buf)
{
    m->checksum = checksum((const unsigned char *)m, m->size);
    memcpy(buf, m, m->size);
}

sl_status sl_mlp_restore(const void *buf, int len, sl_mlp **out)
{
    sl_mlp h, want;
    *out = NULL;
    if (!buf || len < (int)sizeof h) return sl_fail(SL_STATUS_STATE, THING, "state", "is truncated: %d bytes", len);
    memcpy(&h, buf, sizeof h);
    if (h.magic != SL_MLP_MAGIC) return sl_fail(SL_STATUS_STATE, THING, "state", "is not a saved model");
    if (h.version != SL_MLP_VERSION)
        return sl_fail(SL_STATUS_STATE, THING, "state", "has version %u; this build reads version %u", h.version, SL_MLP_VERSION);
    if (h.size != (uint32_t)len) return sl_fail(SL_STATUS_STATE, THING, "state", "is %d bytes, its header says %u", len, h.size);
    if (h.n_layers < 1 || h.n_layers > SL_MLP_MAX_LAYERS || layout(h.sizes, h.n_layers + 1, h.activation, &want) ||
        want.size != h.size || memcmp(want.w_off, h.w_off, sizeof h.w_off) || memcmp(want.b_off, h.b_off, sizeof h.b_off) ||
        want.n_params != h.n_params || memcmp(want.sizes, h.sizes, sizeof h.sizes) || h.pad_ != 0)
        return sl_fail(SL_STATUS_STATE, THING, "state", "is damaged (its layout is inconsistent)");
    /* the header is consistent, so size bytes can be read as a model */
    if (checksum(buf, h.size) != h.checksum) return sl_fail(SL_STATUS_STATE, THING, "state", "is damaged (checksum mismatch)");
    sl_mlp *m = malloc(h.size);
    if (!m) return sl_fail(SL_STATUS_NOMEM, THING, "state", "of %u bytes does not fit in memory", h.size);
    memcpy(m, buf, h.size);
    *out = m;
    return SL_STATUS_OK;
}

/* One row of `want` finite float32 numbers into dst; the messages name field
 * (e.g. "weights[0].W"), the row (row >= 0) and the column. */
static sl_status read_row(const sl_json *doc, int node, int want, const char *thing, const char *field, int row, float *dst)
{
    char got[64], where[32] = "";
    const sl_jnode *n = &doc->nodes[node];
    if (n->type != SL_J_ARR || n->count != want) {
        sl_json_describe(doc, node, got, sizeof got);
        if (row >= 0) return sl_fail(SL_STATUS_INVALID, thing, field, "row %d must be an array of %d numbers, got %s", row, want, got);
        return sl_fail(SL_STATUS_INVALID, thing, field, "must have %d numbers (out_features), got %s", want, got);
    }
    int j = 0;
    for (int c = n->child; c >= 0; c = doc->nodes[c].next, j++) {
        double v = doc->nodes[c].num;
        if (doc->nodes[c].type == SL_J_NUM && fabs(v) <= FLT_MAX) {
            dst[j] = (float)v;
            continue;
        }
        sl_json_describe(doc, c, got, sizeof got);
        if (row >= 0) snprintf(where, sizeof where, "row %d, column %d", row, j);
        else snprintf(where, sizeof where, "[%d]", j);
        if (doc->nodes[c].type == SL_J_NUM && isfinite(v))
            return sl_fail(SL_STATUS_INVALID, thing, field, "%s must be within float32's range (|v| <= 3.4e38), got %s", where, got);
        return sl_fail(SL_STATUS_INVALID, thing, field, "%s must be a finite number, got %s", where, got);
    }
    return SL_STATUS_OK;
}

sl_status sl_mlp_weights_from_spec(sl_mlp *m, const sl_json *doc, int node, const char *thing, const char *field)
{
    char got[64], name[48];
    const sl_jnode *n = &doc->nodes[node];
    if (n->type != SL_J_ARR || n->count != m->n_layers) {
        sl_json_describe(doc, node, got, sizeof got);
        return sl_fail(SL_STATUS_INVALID, thing, field, "must be an array of %d { W, b } (one per linear layer), got %s", m->n_layers,
                       got);
    }
    float *p = sl_mlp_params(m);
    int l = 0;
    sl_status st;
    for (int c = n->child; c >= 0; c = doc->nodes[c].next, l++) {
        int n_in = m->sizes[l], n_out = m->sizes[l + 1];
        snprintf(name, sizeof name, "%s[%d]", field, l);
        if (doc->nodes[c].type != SL_J_OBJ) {
            sl_json_describe(doc, c, got, sizeof got);
            return sl_fail(SL_STATUS_INVALID, thing, name, "must be an object { W, b }, got %s", got);
        }
        if ((st = sl_spec_unique_keys(doc, c, thing))) return st;
        for (int k = doc->nodes[c].child; k >= 0; k = doc->nodes[k].next)
            if (strcmp(doc->nodes[k].key, "W") && strcmp(doc->nodes[k].key, "b"))
                return sl_fail(SL_STATUS_INVALID, thing, name, "has unknown key '%.40s'; a layer is { W, b }", doc->nodes[k].key);
        int W = sl_json_get(doc, c, "W"), b = sl_json_get(doc, c, "b");
        snprintf(name, sizeof name, "%s[%d].W", field, l);
        if (W < 0 || doc->nodes[W].type != SL_J_ARR || doc->nodes[W].count != n_out) {
            if (W >= 0) sl_json_describe(doc, W, got, sizeof got);
            else snprintf(got, sizeof got, "nothing");
            return sl_fail(SL_STATUS_INVALID, thing, name, "must have %d rows (out_features), got %s", n_out, got);
        }
        int r = 0;
        for (int row = doc->nodes[W].child; row >= 0; row = doc->nodes[row].next, r++)
            if ((st = read_row(doc, row, n_in, thing, name, r, p + m->w_off[l] + (size_t)r * n_in))) return st;
        snprintf(name, sizeof name, "%s[%d].b", field, l);
        if (b < 0) return sl_fail(SL_STATUS_INVALID, thing, name, "must have %d numbers (out_features), got nothing", n_out);
        if ((st = read_row(doc, b, n_out, thing, name, -1, p + m->b_off[l]))) return st;
    }
    return SL_STATUS_OK;
}

sl_status sl_mlp_create_spec(const char *json, double len, sl_mlp **out)
{
    sl_json doc;
    sl_args a;
    int bytes = 0;
    *out = NULL;
    sl_status st = sl_count_check(len, 0, 2147483647.0, THING, "spec length", &bytes);
    if (st) return st;
    st = sl_json_parse(json, (size_t)bytes, &doc, THING);
    if (st) return st;
    if (doc.nodes[0].type != SL_J_OBJ) {
        char got[64];
        sl_json_describe(&doc, 0, got, sizeof got);
        st = sl_fail(SL_STATUS_INVALID, THING, NULL, "spec must be an object with sizes, got %s", got);
    }
    if (!st) st = sl_spec_decode(&doc, 0, &K_MLP, "", &a);
    int sizes[SL_MLP_MAX_LAYERS + 1], n = 0;
    if (!st) {
        for (int c = doc.nodes[sl_args_node(&K_MLP, &a, "sizes")].child; c >= 0; c = doc.nodes[c].next, n++) {
            double v = doc.nodes[c].num;
            if (floor(v) != v) {
                st = sl_fail(SL_STATUS_INVALID, THING, "sizes", "[%d] must be an integer in [1, %d], got %s", n,
                             SL_MLP_MAX_WIDTH, sl_num(v).s);
                break;
            }
            sizes[n] = (int)v;
        }
    }
    if (!st) st = sl_mlp_create(sizes, n, (int)sl_args_value(&K_MLP, &a, "activation"), out);
    if (!st) sl_mlp_init(*out, (int)sl_args_value(&K_MLP, &a, "init"), (uint64_t)sl_args_value(&K_MLP, &a, "seed"));
    int w = st ? -1 : sl_args_node(&K_MLP, &a, "weights");
    if (w >= 0 && (st = sl_mlp_weights_from_spec(*out, &doc, w, THING, "weights"))) {
        sl_mlp_free(*out);
        *out = NULL;
    }
    sl_json_free(&doc);
    return st;
}

void sl_mlp_free(sl_mlp *m) { free(m); }

void sl_mlp_init(sl_mlp *m, int init, uint64_t seed)
{
    sl_rng r;
    sl_rng_seed(&r, seed, 0x4d4c50); /* the model's own stream */
    float *p = sl_mlp_params(m);
    for (int l = 0; l < m->n_layers; l++) {
        int in = m->sizes[l], out = m->sizes[l + 1];
        double a = init == SL_INIT_XAVIER ? sqrt(6.0 / (in + out)) : init == SL_INIT_HE ? sqrt(6.0 / in) : 1 / sqrt((double)in);
        float *W = p + m->w_off[l], *b = p + m->b_off[l];
        for (int i = 0; i < in * out; i++) W[i] = (float)sl_rng_range(&r, -a, a);
        for (int i = 0; i < out; i++) b[i] = init == SL_INIT_PYTORCH ? (float)sl_rng_range(&r, -a, a) : 0.0f;
    }
    memset(sl_mlp_grads(m), 0, (size_t)m->n_params * sizeof(float));
}

sl_status sl_mlp_work_create(const sl_mlp *m, int cap, sl_mlp_work **out)
{
    *out = NULL;
    if (cap < 1 || cap > SL_MLP_MAX_BATCH)
        return sl_fail(SL_STATUS_INVALID, THING, "batch", "must be an integer in [1, %d], got %d", SL_MLP_MAX_BATCH, cap);
    /* float offsets: z and a per layer (the output layer's a is its z), then two gradient buffers */
    int64_t z_off[SL_MLP_MAX_LAYERS], a_off[SL_MLP_MAX_LAYERS], off = 0;
    int widest = 0;
    for (int l = 0; l < m->n_layers; l++) {
        int64_t span = ((int64_t)cap * m->sizes[l + 1] + 3) & ~(int64_t)3; /* keeps every buffer 16-byte aligned */
        z_off[l] = off;
        off += span;
        a_off[l] = l + 1 < m->n_layers ? off : z_off[l];
        if (l + 1 < m->n_layers) off += span;
    }
    for (int l = 0; l <= m->n_layers; l++) widest = m->sizes[l] > widest ? m->sizes[l] : widest;
    int64_t dspan = ((int64_t)cap * widest + 3) & ~(int64_t)3, d0 = off;
    off += 2 * dspan;
    if (off > SL_MLP_MAX_WORK)
        return sl_fail(SL_STATUS_NOMEM, THING, "batch", "of %d rows needs %s floats of workspace, more than the limit of %d", cap,
                       sl_num((double)off).s, SL_MLP_MAX_WORK);
    size_t head = (sizeof(sl_mlp_work) + 15) & ~(size_t)15, bytes = head + (size_t)off * sizeof(float);
    sl_mlp_work *w = calloc(1, bytes);
    if (!w) return sl_fail(SL_STATUS_NOMEM, THING, "batch", "of %d rows needs %zu bytes, which do not fit in memory", cap, bytes);
    w->cap = cap;
    for (int l = 0; l < m->n_layers; l++) {
        w->z_off[l] = (int)z_off[l];
        w->a_off[l] = (int)a_off[l];
    }
    w->d_off[0] = (int)d0;
    w->d_off[1] = (int)(d0 + dspan);
    *out = w;
    return SL_STATUS_OK;
}

void sl_mlp_work_free(sl_mlp_work *w) { free(w); }

static float *wbuf(sl_mlp_work *w) { return (float *)((char *)w + ((sizeof(sl_mlp_work) + 15) & ~(size_t)15)); }

const float *sl_mlp_forward(const sl_mlp *m, sl_mlp_work *w, const float *X, int batch)
{
    if (batch < 1 || batch > w->cap) return NULL;
    const float *p = (const float *)((const char *)m + head_bytes());
    float *buf = wbuf(w);
    const float *in = X; /* (batch, sizes[l]) */
    w->batch = batch;
    for (int l = 0; l < m->n_layers; l++) {
        int n_in = m->sizes[l], n_out = m->sizes[l + 1];
        const float *W = p + m->w_off[l]; /* (n_out, n_in) */
        const float *b = p + m->b_off[l]; /* (n_out) */
        float *z = buf + w->z_off[l];     /* (batch, n_out) */
        float *a = buf + w->a_off[l];     /* (batch, n_out); the same array as z for the output layer */
        sl_gemm_nt(z, in, W, b, batch, n_out, n_in);
        if (l + 1 < m->n_layers) sl_act_forward(m->activation, a, z, batch * n_out);
        in = a;
    }
    return in;
}

void sl_mlp_backward(sl_mlp *m, sl_mlp_work *w, const float *X, const float *dOut)
{
    float *p = sl_mlp_params(m), *g = sl_mlp_grads(m), *buf = wbuf(w);
    int batch = w->batch, cur = 0;
    memset(g, 0, (size_t)m->n_params * sizeof(float));
    /* dz = dL/dz_l of the layer being processed (batch, n_out); the output layer is linear, so it starts as dOut */
    const float *dz = dOut;
    for (int l = m->n_layers - 1; l >= 0; l--) {
        int n_in = m->sizes[l], n_out = m->sizes[l + 1];
        const float *in = l > 0 ? buf + w->a_off[l - 1] : X; /* (batch, n_in) */
        float *dW = g + m->w_off[l];                           /* (n_out, n_in) */
        float *db = g + m->b_off[l];                           /* (n_out) */
        sl_gemm_tn_acc(dW, dz, in, batch, n_out, n_in);
        sl_colsum_acc(db, dz, batch, n_out);
        if (l == 0) break; /* nothing needs dL/dX */
        /* dL/da_{l-1} = dz W_l, then through the activation to dL/dz_{l-1}, in one of two buffers */
        float *da = buf + w->d_off[cur]; /* (batch, n_in) */
        sl_gemm_nn(da, dz, p + m->w_off[l], batch, n_out, n_in);
        sl_act_backward(m->activation, da, da, buf + w->z_off[l - 1], buf + w->a_off[l - 1], batch * n_in);
        dz = da;
        cur ^= 1;
    }
}

double sl_mlp_macs(const sl_mlp *m)
{
    double macs = 0;
    for (int l = 0; l < m->n_layers; l++) macs += ((double)m->sizes[l] + 1) * m->sizes[l + 1];
    return macs;
}

int sl_mlp_n_layers(const sl_mlp *m) { return m->n_layers; }
int sl_mlp_size(const sl_mlp *m, int i) { return i >= 0 && i <= m->n_layers ? m->sizes[i] : 0; }

sl_status sl_mlp_pass(sl_mlp *m, const float *X, double n, const float *dOut, float *out)
{
    if (!(n >= 1 && n <= SL_DATA_MAX_SAMPLES && floor(n) == n))
        return sl_fail(SL_STATUS_INVALID, THING, "X", "must have 1 to %d rows, got %s", SL_DATA_MAX_SAMPLES, sl_num(n).s);
    double work = n * sl_mlp_macs(m) * (dOut ? 3 : 1);
    if (work > SL_WORK_LIMIT)
        return sl_fail(SL_STATUS_RANGE, THING, "X", "of %s rows through %.3g multiply-adds per row%s is about %.3g multiply-adds, more "
                       "than the %.3g one call may do; pass at most %s rows per call", sl_num(n).s, sl_mlp_macs(m),
                       dOut ? " (forward and backward)" : "", work, SL_WORK_LIMIT, sl_num(floor(SL_WORK_LIMIT / (work / n))).s);
    if (!X || !out) return sl_fail(SL_STATUS_INVALID, THING, X ? "out" : "X", "is missing");
    int rows = (int)n, cap = rows < SL_MLP_MAX_BATCH ? rows : SL_MLP_MAX_BATCH, d = m->sizes[0], k = m->sizes[m->n_layers];
    int np = m->n_params;
    sl_mlp_work *w = NULL;
    sl_status st = sl_mlp_work_create(m, cap, &w);
    if (st) return st;
    float *acc = dOut && cap < rows ? calloc((size_t)np, sizeof(float)) : NULL;
    if (dOut && cap < rows && !acc) {
        sl_mlp_work_free(w);
        return sl_fail(SL_STATUS_NOMEM, THING, "X", "gradients of %d parameters do not fit in memory", np);
    }
    /* chunks of the workspace's rows; the gradients of several chunks add up */
    for (int i0 = 0; i0 < rows; i0 += cap) {
        int b = rows - i0 < cap ? rows - i0 : cap;
        const float *o = sl_mlp_forward(m, w, X + (size_t)i0 * d, b);
        memcpy(out + (size_t)i0 * k, o, (size_t)b * k * sizeof(float));
        if (!dOut) continue;
        sl_mlp_backward(m, w, X + (size_t)i0 * d, dOut + (size_t)i0 * k);
        if (acc)
            for (int i = 0; i < np; i++) acc[i] += sl_mlp_grads(m)[i];
    }
    if (acc) memcpy(sl_mlp_grads(m), acc, (size_t)np * sizeof(float));
    free(acc);
    sl_mlp_work_free(w);
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
