/* The memory-bandwidth ceiling for Adam's access pattern: one pass that reads
 * p, g, m, v and writes p, m, v (7 streams of float32) with trivial math, so
 * the time is the memory traffic alone. Built twice by tests/bench/build.sh:
 * with emcc -msimd128 into its own small wasm, and natively into the native
 * benchmark, from the same SIMD code as the core (base/simd.h). */
#include "../../c/base/simd.h"

void sl_bench_stream7(float *p, float *m, float *v, const float *g, int n)
{
    int i = 0;
#if SL_SIMD
    simde_v128_t b = simde_wasm_f32x4_splat(0.5f);
    for (; i + 4 <= n; i += 4) {
        simde_v128_t gi = simde_wasm_v128_load(g + i);
        simde_v128_t mi = simde_wasm_f32x4_add(simde_wasm_f32x4_mul(simde_wasm_v128_load(m + i), b), gi);
        simde_v128_t vi = simde_wasm_f32x4_add(simde_wasm_f32x4_mul(simde_wasm_v128_load(v + i), b), gi);
        simde_wasm_v128_store(m + i, mi);
        simde_wasm_v128_store(v + i, vi);
        simde_wasm_v128_store(p + i, simde_wasm_f32x4_sub(simde_wasm_v128_load(p + i), simde_wasm_f32x4_mul(mi, vi)));
    }
#endif
    for (; i < n; i++) {
        float mi = m[i] * 0.5f + g[i], vi = v[i] * 0.5f + g[i];
        m[i] = mi;
        v[i] = vi;
        p[i] -= mi * vi;
    }
}
