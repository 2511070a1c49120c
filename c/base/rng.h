/* PCG32 (O'Neill's pcg32_random_r: 64-bit LCG state, XSH-RR output) with a
 * stream id, and the samplers the data generators, weight initialisation and
 * shuffling need. Integer arithmetic only in the generator itself, so the
 * stream of u32 values is identical in wasm and native builds. Plain data: an
 * sl_rng can be copied and saved as bytes. */
#ifndef SL_RNG_H
#define SL_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state, inc;
    double spare;   /* second value of the last polar-method pair */
    int has_spare;
} sl_rng;

/* pcg32_srandom_r(seed, stream): different streams of one seed are independent. */
void sl_rng_seed(sl_rng *r, uint64_t seed, uint64_t stream);
uint32_t sl_rng_u32(sl_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double sl_rng_uniform(sl_rng *r);
/* Uniform in [lo, hi). */
double sl_rng_range(sl_rng *r, double lo, double hi);
/* Uniform integer in [0, n), without modulo bias; n >= 1. */
uint32_t sl_rng_below(sl_rng *r, uint32_t n);
/* Standard normal (Marsaglia's polar method; pairs are used in order). */
double sl_rng_normal(sl_rng *r);
/* Fisher-Yates shuffle of n ints in place. */
void sl_rng_shuffle(sl_rng *r, int *a, int n);

#endif
