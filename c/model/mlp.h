/* A multilayer perceptron as torch.nn.Sequential(Linear, act, ..., Linear):
 * the hidden layers share one activation, the last layer is linear (logits or
 * regression outputs; the trainer's loss chooses the head).
 *
 * One allocation of plain data: the header, then every parameter in one flat
 * float array, then the gradients in a twin array of the same layout, so an
 * optimizer sees (params, grads, n) and saving is a byte copy. Layer l's
 * views: W = params + w_off[l]  (out, in), PyTorch's nn.Linear.weight layout;
 *            b = params + b_off[l]  (out).
 * Forward and backward need an sl_mlp_work sized for the largest batch, made
 * once, so training does no allocation per step. */
#ifndef SL_MLP_H
#define SL_MLP_H

#include <stdint.h>
#include "../base/spec.h"
#include "../data/data.h"
#include "kernels.h"

#define SL_MLP_MAX_LAYERS 16      /* linear layers */
#define SL_MLP_MAX_WIDTH 4096
#define SL_MLP_MAX_PARAMS 16777216 /* 64 MB of float parameters */
#define SL_MLP_MAX_BATCH 65536
#define SL_MLP_MAX_WORK 134217728 /* floats of workspace (512 MB) */

enum { SL_INIT_XAVIER, SL_INIT_HE, SL_INIT_PYTORCH, SL_INIT_COUNT };
#define SL_INIT_NAMES "xavier|he|pytorch"

typedef struct sl_mlp {
    uint32_t magic, version, size, checksum;
    int n_layers;                        /* linear layers */
    int sizes[SL_MLP_MAX_LAYERS + 1];    /* in, hidden..., out */
    int activation;                      /* SL_ACT_* of the hidden layers */
    int n_params;
    int w_off[SL_MLP_MAX_LAYERS];        /* float offsets of W (out, in) */
    int b_off[SL_MLP_MAX_LAYERS];        /* float offsets of b (out) */
    int pad_;
    /* followed by float params[n_params], then float grads[n_params] */
} sl_mlp;

/* Scratch for one forward/backward pass of up to `cap` rows. */
typedef struct sl_mlp_work {
    int cap;
    int batch;                           /* rows of the last forward pass */
    int z_off[SL_MLP_MAX_LAYERS];        /* float offsets of z_l = a_{l-1} W_l^T + b_l (batch, out_l) */
    int a_off[SL_MLP_MAX_LAYERS];        /* float offsets of a_l = act(z_l); the last layer's a is z */
    int d_off[2];                        /* two (cap, max width) gradient buffers */
    /* followed by the float buffers */
} sl_mlp_work;

/* Validates the shape and activation, then allocates the model with every
 * parameter and gradient 0; the caller frees it with sl_mlp_free. */
sl_status sl_mlp_create(const int *sizes, int n_sizes, int activation, sl_mlp **out);
/* From a JSON spec {"sizes": [...], "activation": "tanh", "init": "xavier", "seed": 0},
 * initialised with sl_mlp_init, or with explicit "weights" [{ W, b }, ...]. */
sl_status sl_mlp_create_spec(const char *json, double len, sl_mlp **out);
/* Writes explicit weights (node of doc: [{ W: out rows of in numbers, b: out numbers }, ...],
 * nn.Linear's layout) into m's parameters; every shape and value is checked and
 * an error names thing and field[l].W or .b, the row and the column. */
sl_status sl_mlp_weights_from_spec(sl_mlp *m, const sl_json *doc, int node, const char *thing, const char *field);
void sl_mlp_free(sl_mlp *m);

float *sl_mlp_params(sl_mlp *m);
float *sl_mlp_grads(sl_mlp *m);
int sl_mlp_n_params(const sl_mlp *m);

/* Seeded initialisation; biases are 0 except for `pytorch`.
 * xavier: nn.init.xavier_uniform_ (gain 1): U(-a, a), a = sqrt(6 / (in + out)).
 * he: nn.init.kaiming_uniform_(nonlinearity='relu'): U(-a, a), a = sqrt(6 / in).
 * pytorch: nn.Linear's own reset_parameters: W and b ~ U(-1/sqrt(in), 1/sqrt(in)). */
void sl_mlp_init(sl_mlp *m, int init, uint64_t seed);

/* Saved state: exactly sl_mlp_state_size() bytes (header, parameters and
 * gradients); a restored model continues bit-identically. Restore validates
 * magic, version, size, checksum and the whole layout before using any of it. */
int sl_mlp_state_size(const sl_mlp *m);
void sl_mlp_state_save(sl_mlp *m, void *buf);
sl_status sl_mlp_restore(const void *buf, int len, sl_mlp **out);

/* Workspace for batches of up to cap rows; the caller frees it with sl_mlp_work_free. */
sl_status sl_mlp_work_create(const sl_mlp *m, int cap, sl_mlp_work **out);
void sl_mlp_work_free(sl_mlp_work *w);

/* Forward pass of `batch` rows of X (batch, in); returns the outputs
 * (batch, out), which live in w until the next pass. */
const float *sl_mlp_forward(const sl_mlp *m, sl_mlp_work *w, const float *X, int batch);
/* Backward pass after sl_mlp_forward on the same X: sets grads to dL/dparams
 * for the upstream gradient dOut = dL/doutputs (batch, out). Gradients are
 * overwritten, not accumulated. */
void sl_mlp_backward(sl_mlp *m, sl_mlp_work *w, const float *X, const float *dOut);

/* Multiply-adds of one row's forward pass (weights and biases); backward costs about twice that. */
double sl_mlp_macs(const sl_mlp *m);
int sl_mlp_n_layers(const sl_mlp *m);
/* Width i of the model (0: inputs, n_layers: outputs), 0 outside [0, n_layers]. */
int sl_mlp_size(const sl_mlp *m, int i);

/* lab.mlpForward / mlpBackward: the outputs of n rows of X into out (n x
 * outputs) and, with dOut (n x outputs), the gradients of sum(dOut * outputs)
 * into sl_mlp_grads. n crosses the JS seam as a double and is range-checked
 * first. Work limit: n x sl_mlp_macs (x 3 with dOut) at most SL_WORK_LIMIT
 * multiply-adds; more is refused naming the rows that fit. */
sl_status sl_mlp_pass(sl_mlp *m, const float *X, double n, const float *dOut, float *out);

#endif
