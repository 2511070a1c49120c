/* steplab's public C API: everything the wasm module exports and the native
 * tests call. Objects come in create/free pairs; every fallible call returns
 * an sl_status and leaves its message in sl_error_message(). */
#ifndef STEPLAB_H
#define STEPLAB_H

#include "base/status.h"
#include "base/json.h"
#include "base/spec.h"
#include "base/formula.h"
#include "base/rule.h"
#include "schedules/scheduler.h"
#include "losses/loss.h"
#include "optimizers/optimizer.h"
#include "surfaces/surface.h"
#include "base/rng.h"
#include "data/data.h"
#include "data/csv.h"
#include "model/mlp.h"
#include "train/train.h"

#define STEPLAB_VERSION "0.1.0"

const char *sl_version(void);
/* 1 when the core was compiled with SIMD (wasm simd128 or native vectors). */
int sl_simd(void);
/* The registries of every family as one JSON object, built once and cached. */
const char *sl_registry_json(void);

/* Scratch memory for the JS seam. */
void *sl_alloc(int bytes);
void sl_free(void *p);

#endif
