/* PCG32 and its samplers; see rng.h. */
#include "rng.h"

#include <math.h>

void sl_rng_seed(sl_rng *r, uint64_t seed, uint64_t stream)
{
    r->state = 0;
    r->inc = (stream << 1) | 1u;
    r->spare = 0;
    r->has_spare = 0;
    sl_rng_u32(r);
    r->state += seed;
    sl_rng_u32(r);
}

uint32_t sl_rng_u32(sl_rng *r)
{
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ULL + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}

double sl_rng_uniform(sl_rng *r)
{
    uint64_t hi = sl_rng_u32(r) >> 5, lo = sl_rng_u32(r) >> 6; /* 27 + 26 bits */
    return (double)(hi * 67108864u + lo) * (1.0 / 9007199254740992.0);
}

double sl_rng_range(sl_rng *r, double lo, double hi) { return lo + (hi - lo) * sl_rng_uniform(r); }

uint32_t sl_rng_below(sl_rng *r, uint32_t n)
{
    uint32_t threshold = (uint32_t)(-n) % n; /* 2^32 mod n: values below it would bias the result */
    for (;;) {
        uint32_t v = sl_rng_u32(r);
        if (v >= threshold) return v % n;
    }
}

/* Natural log of s in (0, 1] with + - * / only: exact IEEE operations give the
 * same bits on every platform (libm's log may differ in the last place between
 * musl and glibc), and the module needs no log table. s = m 2^e with m in
 * [sqrt(1/2), sqrt(2)), log m = 2 atanh(z), z = (m - 1) / (m + 1), |z| < 0.172. */
static double log_unit(double s)
{
    int e = 0;
    while (s < 0.70710678118654752) s *= 2, e--;
    double z = (s - 1) / (s + 1), z2 = z * z, term = z, sum = 0;
    for (int k = 1; k < 40; k += 2) {
        sum += term / k;
        term *= z2;
    }
    return 2 * sum + e * 0.69314718055994531;
}

double sl_rng_normal(sl_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2 * sl_rng_uniform(r) - 1;
        v = 2 * sl_rng_uniform(r) - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = sqrt(-2 * log_unit(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

void sl_rng_shuffle(sl_rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)sl_rng_below(r, (uint32_t)i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
