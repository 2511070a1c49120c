/* A trainer's saved state and its restore. The state holds the normalised
 * config text with the loop, row order, best weights, data set, model and
 * optimizer. Its checksum detects accidents only (anyone can recompute it):
 * what refuses a forged state is validation. Restore rebuilds the trainer
 * from the config inside the state with create's rules, requires the saved
 * data set to be the one that config makes (named sets are generated again
 * and compared; explicit arrays must fit the config's options), the saved
 * model's layers and the saved optimizer to be the config's, and every loop
 * value to be one a run of that config can reach. */
#include "train_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

static const char *THING = SL_TRAIN_THING;

#define SL_TRAIN_MAGIC 0x544c5331u /* "TLS1" */
#define SL_TRAIN_VERSION 4u        /* 3: the config text travels inside the state; 4: snapshot ensembles */
#define SL_TRAIN_MAX_CONFIG (1 << 20)

/* The loop's state, then char config[cfg_bytes], int perm[n_train], float
 * best[n_params], float upd[n_params] and the saved data set, model and
 * optimizer, then double snapshots[ens_values] (snapshot_ensemble's summed predictions), each
 * section padded to 16 bytes. */
typedef struct {
    uint32_t magic, version, size, checksum;
    int n_params, n_train, ds_bytes, m_bytes, o_bytes, cfg_bytes, status, cursor, epoch, es_bad, es_best_epoch, batch;
    sl_rng rng;
    double steps, last_loss, diverged_step, es_best, last_lr;
    double record[SL_EP_COUNT];
    int ens_values, n_snapshots;
} saved;

static int pad16(int n) { return (n + 15) & ~15; }

/* Byte offset of section i (0 header, 1 config, 2 perm, 3 best, 4 upd, 5 data set, 6 model, 7 optimizer). */
static double section(const saved *h, int i)
{
    double s[7] = { pad16((int)sizeof(saved)), pad16(h->cfg_bytes), pad16(h->n_train * 4), pad16(h->n_params * 4),
                    pad16(h->n_params * 4), pad16(h->ds_bytes), pad16(h->m_bytes) };
    double off = 0;
    for (int k = 0; k < i; k++) off += s[k];
    return off;
}

static uint32_t fnv(const unsigned char *b, int len)
{
    uint32_t h = 2166136261u; /* FNV-1a over every byte, the checksum field read as 0 */
    for (int i = 0; i < len; i++) h = (h ^ (i >= 12 && i < 16 ? 0 : b[i])) * 16777619u;
    return h;
}

int sl_trainer_state_size(const sl_trainer *t)
{
    saved h = { .n_train = t->n_train, .n_params = sl_mlp_n_params(t->m), .ds_bytes = sl_dataset_state_size(t->ds),
                .m_bytes = sl_mlp_state_size(t->m), .cfg_bytes = t->config_len };
    return (int)section(&h, 7) + pad16(sl_optimizer_state_size(t->opt)) + pad16((int)sl_train_snapshot_values(t) * 8);
}

void sl_trainer_state_save(sl_trainer *t, void *buf)
{
    int size = sl_trainer_state_size(t);
    unsigned char *b = buf;
    memset(b, 0, (size_t)size);
    saved h = { SL_TRAIN_MAGIC, SL_TRAIN_VERSION, (uint32_t)size, 0, sl_mlp_n_params(t->m), t->n_train,
                sl_dataset_state_size(t->ds), sl_mlp_state_size(t->m), sl_optimizer_state_size(t->opt), t->config_len, t->status,
                t->cursor, t->epoch, t->es_bad, t->es_best_epoch, t->batch, t->rng, t->steps, t->last_loss,
                t->diverged_step, t->es_best, t->last_lr, { 0 }, (int)sl_train_snapshot_values(t), t->n_snapshots };
    memcpy(h.record, t->record, sizeof h.record);
    memcpy(b, &h, sizeof h);
    memcpy(b + (size_t)section(&h, 1), t->config_text, (size_t)t->config_len);
    memcpy(b + (size_t)section(&h, 2), t->perm, (size_t)h.n_train * 4);
    memcpy(b + (size_t)section(&h, 3), t->best, (size_t)h.n_params * 4);
    memcpy(b + (size_t)section(&h, 4), t->upd, (size_t)h.n_params * 4);
    sl_dataset_state_save(t->ds, b + (size_t)section(&h, 5));
    sl_mlp_state_save(t->m, b + (size_t)section(&h, 6));
    sl_optimizer_state_save(t->opt, b + (size_t)section(&h, 7));
    if (h.ens_values) memcpy(b + (size_t)section(&h, 7) + pad16(h.o_bytes), t->snap_sum, (size_t)h.ens_values * 8);
    h.checksum = fnv(b, size);
    memcpy(b + 12, &h.checksum, 4);
}

static sl_status bad_state(const char *fmt, const char *a, const char *b)
{
    char why[256];
    snprintf(why, sizeof why, fmt, a, b);
    return sl_fail(SL_STATUS_STATE, THING, "state", "%s", why);
}

/* Steps a run of this config has taken at epoch e with cursor rows of it done. */
static double steps_at(const sl_trainer *t, int e, int cursor)
{
    double s = 0;
    if (!t->cfg.batch_size_schedule.n) return (double)e * ((t->n_train + t->batch0 - 1) / t->batch0) + cursor / t->batch0;
    for (int k = 0; k < e; k++) {
        int b = sl_train_batch_at(&t->cfg, t->batch0, t->n_train, k);
        s += (t->n_train + b - 1) / b;
    }
    return s + cursor / sl_train_batch_at(&t->cfg, t->batch0, t->n_train, e);
}

/* Checks the loop state against the trainer rebuilt from the saved config and copies it in. */
static sl_status adopt(sl_trainer *t, const saved *h, const unsigned char *b)
{
    char num[2][48];
    int np = sl_mlp_n_params(t->m), E = t->cfg.epochs, P = t->cfg.early_stopping.patience;
    if (h->n_params != np || h->n_train != t->n_train) return bad_state("has a model or data set other than its config's", "", "");
    if (h->status < 0 || h->status > SL_TRAIN_DIVERGED) return bad_state("has an unknown status", "", "");
    snprintf(num[0], sizeof num[0], "%d", h->epoch);
    snprintf(num[1], sizeof num[1], "%d", E);
    if (h->epoch < 0 || h->epoch > E || (h->status == SL_TRAIN_RUNNING && h->epoch == E) ||
        (h->status == SL_TRAIN_DONE && h->epoch != E))
        return bad_state("is at epoch %s, which its status and its config's epochs (%s) rule out", num[0], num[1]);
    if (h->status == SL_TRAIN_STOPPED && P < 0) return bad_state("stopped early without early_stopping in its config", "", "");
    int batch = sl_train_batch_at(&t->cfg, t->batch0, t->n_train, h->epoch);
    if (h->batch != batch || h->cursor < 0 || h->cursor >= t->n_train || h->cursor % batch ||
        (h->status != SL_TRAIN_RUNNING && h->status != SL_TRAIN_DIVERGED && h->cursor))
        return bad_state("has a batch size or batch position its config does not give", "", "");
    double want = steps_at(t, h->epoch, h->cursor);
    if (!(h->steps == want || (h->status == SL_TRAIN_DIVERGED && !h->cursor && h->epoch < E && h->steps == steps_at(t, h->epoch + 1, 0))))
        return bad_state("has a step count that does not match its epoch and batch position", "", "");
    int es_ok = P < 0 ? h->es_bad == 0 && h->es_best_epoch == 0 && isinf(h->es_best)
                      : h->es_bad >= 0 && h->es_bad <= P + (h->status == SL_TRAIN_STOPPED) && h->es_best_epoch >= 0 &&
                            h->es_best_epoch <= h->epoch && (h->es_best_epoch ? isfinite(h->es_best) && h->es_best >= 0 : isinf(h->es_best));
    if (!es_ok) return bad_state("has an early-stopping state its config cannot reach", "", "");
    int steps0 = h->steps == 0;
    if ((steps0 ? !isnan(h->last_loss) || !isnan(h->last_lr) : !isfinite(h->last_loss) || !(h->last_lr >= 0 && isfinite(h->last_lr))) ||
        (h->status == SL_TRAIN_DIVERGED ? h->diverged_step != h->steps : !isnan(h->diverged_step)))
        return bad_state("has an invalid last loss, lr or divergence step", "", "");
    const double *r = h->record;
    int rec_ok = 1;
    if (h->epoch == 0) {
        for (int i = 0; i < SL_EP_COUNT; i++) rec_ok &= isnan(r[i]) != 0;
    } else {
        rec_ok = r[SL_EP_TRAIN_LOSS] >= 0 && isfinite(r[SL_EP_TRAIN_LOSS]) && r[SL_EP_TRAIN_METRIC] >= 0 && isfinite(r[SL_EP_TRAIN_METRIC]) &&
                 r[SL_EP_LR] >= 0 && isfinite(r[SL_EP_LR]);
        rec_ok &= t->n_val ? r[SL_EP_VAL_LOSS] >= 0 && isfinite(r[SL_EP_VAL_LOSS]) && r[SL_EP_VAL_METRIC] >= 0 : isnan(r[SL_EP_VAL_LOSS]) != 0;
        if (t->task != SL_TASK_REGRESSION) rec_ok &= r[SL_EP_TRAIN_METRIC] <= 1 && isnan(r[SL_EP_TRAIN_MAE]) && isnan(r[SL_EP_VAL_MAE]);
    }
    if (!rec_ok) return bad_state("has an invalid epoch record", "", "");
    if (h->rng.inc != 7 || h->rng.has_spare || h->rng.spare != 0) return bad_state("has an invalid shuffle stream", "", "");
    const unsigned char *pp = b + (size_t)section(h, 2);
    unsigned char *seen = calloc((size_t)t->n_train, 1);
    if (!seen) return sl_fail(SL_STATUS_NOMEM, THING, "state", "out of memory");
    int ok = 1;
    for (int i = 0; i < t->n_train && ok; i++) {
        int v;
        memcpy(&v, pp + 4 * (size_t)i, 4);
        ok = v >= 0 && v < t->n_train && !seen[v];
        if (ok) seen[v] = 1, t->perm[i] = v;
    }
    free(seen);
    if (!ok) return bad_state("has a row order that is not a permutation of the training rows", "", "");
    for (int i = 0; i < t->n_train && !t->cfg.shuffle; i++) /* the loop reads unshuffled batches in place */
        if (t->perm[i] != i) return bad_state("has a shuffled row order although shuffle is off", "", "");
    memcpy(t->best, b + (size_t)section(h, 3), (size_t)np * 4);
    memcpy(t->upd, b + (size_t)section(h, 4), (size_t)np * 4);
    for (int i = 0; i < np; i++)
        if (!isfinite(t->best[i]) || !isfinite(t->upd[i])) return bad_state("has non-finite best weights or updates", "", "");
    t->status = h->status, t->cursor = h->cursor, t->epoch = h->epoch, t->es_bad = h->es_bad;
    t->es_best_epoch = h->es_best_epoch, t->rng = h->rng, t->steps = h->steps, t->last_loss = h->last_loss;
    t->diverged_step = h->diverged_step, t->es_best = h->es_best, t->last_lr = h->last_lr, t->batch = h->batch;
    memcpy(t->record, h->record, sizeof h->record);
    return SL_STATUS_OK;
}

/* The trainer the saved config makes, with the saved data set when the config
 * holds explicit arrays' options, else with the one it names (compared with the saved one). */
static sl_status rebuild(const char *cfg, int len, const sl_dataset *saved_ds, sl_trainer **out)
{
    sl_json doc;
    sl_status st = sl_json_parse(cfg, (size_t)len, &doc, THING);
    if (st) return bad_state("has an unreadable config", "", "");
    int dn = doc.nodes[0].type == SL_J_OBJ ? sl_json_get(&doc, 0, "dataset") : -1;
    int named = dn >= 0 && doc.nodes[dn].type == SL_J_OBJ && sl_json_get(&doc, dn, "name") >= 0;
    sl_json_free(&doc);
    if ((st = sl_trainer_create(cfg, len, named ? NULL : saved_ds, out))) return st;
    if (named && !sl_dataset_same(sl_trainer_dataset(*out), saved_ds)) {
        sl_trainer_free(*out);
        *out = NULL;
        return bad_state("holds the data set %s, not the one its config's dataset makes", sl_dataset_name(saved_ds), "");
    }
    return SL_STATUS_OK;
}

sl_status sl_trainer_restore(const void *buf, double n_bytes, sl_trainer **out)
{
    *out = NULL;
    const unsigned char *b = buf;
    saved h;
    if (!(n_bytes >= 0 && n_bytes <= 2147483647.0 && floor(n_bytes) == n_bytes))
        return sl_fail(SL_STATUS_STATE, THING, "state", "must be 0 to 2147483647 bytes, got %s", sl_num(n_bytes).s);
    int len = (int)n_bytes;
    if (!buf || len < (int)sizeof h) return bad_state("is truncated", "", "");
    memcpy(&h, b, sizeof h);
    if (h.magic != SL_TRAIN_MAGIC) return bad_state("is not a saved trainer", "", "");
    if (h.version != SL_TRAIN_VERSION) return bad_state("is from another version of steplab", "", "");
    if (h.size != (uint32_t)len) return bad_state("has the wrong size (truncated?)", "", "");
    if (h.checksum != fnv(b, len)) return bad_state("is corrupted (checksum mismatch)", "", "");
    if (h.n_train < 1 || h.n_train > SL_DATA_MAX_SAMPLES || h.n_params < 1 || h.n_params > SL_MLP_MAX_PARAMS || h.ds_bytes < 1 ||
        h.m_bytes < 1 || h.o_bytes < 1 || h.cfg_bytes < 2 || h.cfg_bytes > SL_TRAIN_MAX_CONFIG || h.ds_bytes > len ||
        h.m_bytes > len || h.o_bytes > len || h.ens_values < 0 || h.ens_values > SL_DATA_MAX_VALUES ||
        section(&h, 7) + pad16(h.o_bytes) + pad16(h.ens_values * 8) != len)
        return bad_state("has an invalid layout", "", "");
    const char *cfg = (const char *)b + (size_t)section(&h, 1);
    if (memchr(cfg, 0, (size_t)h.cfg_bytes)) return bad_state("has an unreadable config", "", "");
    sl_dataset *ds = NULL;
    sl_mlp *m = NULL;
    sl_optimizer *o = NULL;
    sl_trainer *t = NULL;
    sl_status st = sl_dataset_restore(b + (size_t)section(&h, 5), h.ds_bytes, &ds);
    if (!st) st = sl_mlp_restore(b + (size_t)section(&h, 6), h.m_bytes, &m);
    if (!st) st = sl_optimizer_restore(b + (size_t)section(&h, 7), h.o_bytes, &o);
    if (!st) st = rebuild(cfg, h.cfg_bytes, ds, &t);
    if (!st) {
        sl_mlp *want = t->m;
        int same = sl_mlp_n_layers(m) == sl_mlp_n_layers(want) && m->activation == want->activation;
        for (int i = 0; same && i <= sl_mlp_n_layers(m); i++) same = sl_mlp_size(m, i) == sl_mlp_size(want, i);
        if (!same) st = bad_state("holds a model whose layers are not its config's (model.hidden, activation)", "", "");
    }
    /* the optimizer's own restore validates its values; here it must be the config's: kind, size, groups,
     * hyper-parameters and scheduler spec, the field named */
    if (!st) st = sl_optimizer_same_spec(o, t->opt, THING);
    if (!st) st = adopt(t, &h, b);
    if (!st && (size_t)h.ens_values != sl_train_snapshot_values(t))
        st = bad_state("has snapshot predictions its config does not keep (snapshot_ensemble)", "", "");
    if (!st) st = sl_train_snapshot_restore(t, b + (size_t)section(&h, 7) + pad16(h.o_bytes), h.n_snapshots);
    if (!st) {
        float *p = sl_mlp_params(m);
        for (int i = 0; i < 2 * h.n_params && !st; i++)
            if (!isfinite(p[i])) st = bad_state("holds non-finite weights or gradients", "", "");
    }
    if (!st && sl_optimizer_steps(o) != h.steps)
        st = bad_state("holds an optimizer whose step count is not the run's", "", "");
    if (!st) {
        memcpy(sl_mlp_params(t->m), sl_mlp_params(m), (size_t)h.n_params * 2 * sizeof(float));
        sl_optimizer_free(t->opt);
        t->opt = o;
        o = NULL;
        *out = t;
        t = NULL;
    }
    sl_dataset_free(ds);
    sl_mlp_free(m);
    sl_optimizer_free(o);
    sl_trainer_free(t);
    return st;
}

sl_status sl_trainer_check_history(const sl_trainer *t, const double *steps, double n_steps, const double *epochs, double n_epochs)
{
    if (n_steps != t->steps || n_epochs != t->epoch || (n_steps > 0 && !steps) || (n_epochs > 0 && !epochs))
        return bad_state("has a history whose length is not the run's steps and epochs", "", "");
    size_t ns = (size_t)n_steps, ne = (size_t)n_epochs;
    for (size_t i = 0; i < ns; i++) {
        double loss = steps[i], lr = steps[ns + i], norm = steps[2 * ns + i];
        if (!isfinite(loss) || !(lr >= 0 && isfinite(lr)) || !(norm >= 0 && isfinite(norm)))
            return bad_state("has a step in its history with a loss, lr or gradient norm out of range", "", "");
    }
    if (ns && (steps[ns - 1] != t->last_loss || steps[2 * ns - 1] != t->last_lr))
        return bad_state("has a history whose last step is not the state's", "", "");
    for (size_t k = 0; ne && k < SL_EP_COUNT; k++) {
        double last = epochs[k * ne + ne - 1];
        if (!(last == t->record[k] || (isnan(last) && isnan(t->record[k]))))
            return bad_state("has a history whose last epoch is not the state's", "", "");
    }
    return SL_STATUS_OK;
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
