/* The MLP: validation, seeded initialisation, forward and backward through
 * the kernels of kernels.c. PyTorch reference: nn.Sequential of nn.Linear and
 * one activation module, with autograd's gradients. */
#include "mlp.h"

#include <math.h>
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
};
static const sl_kind K_MLP = { "MLP", P_MLP, 4, "multilayer perceptron" };

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

sl_status sl_mlp_create_spec(const char *json, int len, sl_mlp **out)
{
    sl_json doc;
    sl_args a;
    *out = NULL;
    if (len < 0) return sl_fail(SL_STATUS_INVALID, THING, NULL, "spec length is negative");
    sl_status st = sl_json_parse(json, (size_t)len, &doc, THING);
    if (st) return st;
    if (doc.nodes[0].type != SL_J_OBJ) {
        char got[64];
        sl_json_describe(&doc, 0, got, sizeof got);
        st = sl_fail(SL_STATUS_INVALID, THING, NULL, "spec must be an object, got %s", got);
    }
    if (!st) st = sl_spec_decode(&doc, 0, &K_MLP, "", &a);
    int sizes[SL_MLP_MAX_LAYERS + 1], n = 0;
    if (!st) {
        for (int c = doc.nodes[a.node[0]].child; c >= 0; c = doc.nodes[c].next, n++) {
            double v = doc.nodes[c].num;
            if (floor(v) != v) {
                st = sl_fail(SL_STATUS_INVALID, THING, "sizes", "[%d] must be an integer in [1, %d], got %s", n,
                             SL_MLP_MAX_WIDTH, sl_num(v).s);
                break;
            }
            sizes[n] = (int)v;
        }
    }
    if (!st) st = sl_mlp_create(sizes, n, (int)a.v[1], out);
    if (!st) sl_mlp_init(*out, (int)a.v[2], (uint64_t)a.v[3]);
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

#if defined(__clang__)
#pragma clang attribute pop
#endif
