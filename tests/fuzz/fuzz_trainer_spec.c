/* libFuzzer target: trainer configs as they cross the JS seam (one text with
 * the data set, model, loss, optimizer, scheduler and penalty inside), then a
 * few steps, an evaluation of both splits, a prediction, the raw outputs, a
 * grid and inspect with whatever was accepted. Layout: [steps] then the config
 * text. The run is then saved, the saved bytes (its config text included)
 * damaged by the input (the checksum made to match when the steps byte's high
 * bit is set) and restored; what restores must train on. Inputs with numbers
 * of five or more digits (or an exponent) are skipped so that data sets and
 * models stay small and runs fast. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 4096) return 0;
    int run = 0;
    for (size_t i = 1; i < size; i++) {
        int digit = data[i] >= '0' && data[i] <= '9';
        run = digit ? run + 1 : 0;
        if (run > 4 || ((data[i] == 'e' || data[i] == 'E') && i + 1 < size && (data[i + 1] == '-' || data[i + 1] == '+' ||
                                                                                (data[i + 1] >= '0' && data[i + 1] <= '9'))))
            return 0;
    }
    sl_trainer *t = NULL;
    if (sl_trainer_create((const char *)data + 1, (int)size - 1, NULL, &t)) return 0;
    if (sl_mlp_n_params(sl_trainer_model(t)) > 50000) {
        sl_trainer_free(t);
        return 0;
    }
    int k = 1 + data[0] % 16, done = 0;
    double *out = malloc(sizeof(double) * 3 * (size_t)k), ev[3];
    if (sl_trainer_run(t, k, out, &done) == SL_STATUS_OK) {
        if (done > k) abort();
        for (int i = 0; i < done; i++)
            if (!isfinite(out[3 * i])) abort(); /* the history never holds a non-finite loss */
    }
    sl_trainer_evaluate(t, 0, ev);
    sl_trainer_evaluate(t, 1, ev);
    sl_dataset *ds = sl_trainer_dataset(t);
    int rows = sl_dataset_n_samples(ds) < 3 ? sl_dataset_n_samples(ds) : 3, w = sl_trainer_n_out(t);
    if (sl_dataset_n_classes(ds) > w) w = sl_dataset_n_classes(ds); /* an embedding's predict gives class probabilities */
    float *pred = malloc(sizeof(float) * (size_t)(rows * w) + 4);
    sl_trainer_predict(t, sl_dataset_X(ds), rows, pred);
    sl_trainer_embed(t, sl_dataset_X(ds), rows, pred);
    free(pred);
    double *info = malloc(sizeof(double) * SL_TRAIN_INSPECT * (size_t)sl_trainer_n_tensors(t));
    if (sl_trainer_inspect(t, info, SL_TRAIN_INSPECT * sl_trainer_n_tensors(t)) != SL_STATUS_OK) abort();
    if (sl_trainer_inspect(t, info, SL_TRAIN_INSPECT * sl_trainer_n_tensors(t) - 1) == SL_STATUS_OK) abort();
    free(info);
    float grid[9 * 256];
    if (sl_trainer_predict_width(t) <= 256) sl_trainer_predict_grid(t, -1, 1, -1, 1, 3, 3, grid);
    double spe = 0;
    if (sl_trainer_steps_per_epoch_of((const char *)data + 1, (int)size - 1, NULL, sl_trainer_epoch(t), &spe) != SL_STATUS_OK ||
        spe != sl_trainer_steps_per_epoch(t))
        abort(); /* the pure function agrees with the trainer it describes */
    int nb = sl_trainer_state_size(t);
    unsigned char *buf = malloc((size_t)nb);
    sl_trainer_state_save(t, buf);
    for (size_t i = 1; i + 1 < size && i < 64; i += 2) buf[data[i] % (unsigned)(nb < 512 ? nb : 512)] ^= data[i + 1];
    if (data[0] & 128) {
        uint32_t h = 2166136261u;
        for (int i = 0; i < nb; i++) h = (h ^ (i >= 12 && i < 16 ? 0 : buf[i])) * 16777619u;
        memcpy(buf + 12, &h, 4);
    }
    sl_trainer *r = NULL;
    if (sl_trainer_restore(buf, nb, &r) == SL_STATUS_OK) {
        sl_trainer_run(r, k, out, &done);
        sl_trainer_free(r);
    }
    free(buf);
    free(out);
    sl_trainer_free(t);
    return 0;
}
