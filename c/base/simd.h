/* The only header that includes SIMDe's WebAssembly simd128 API. Under emcc
 * with -msimd128 these are real wasm SIMD instructions; natively SIMDe maps
 * them to SSE/AVX or NEON. Building with -DSL_SCALAR=1 turns every vector loop
 * off so the scalar tails do all the work: that build is the reference the
 * SIMD path is tested against. */
#ifndef SL_SIMD_H
#define SL_SIMD_H

#ifndef SL_SCALAR
#define SL_SCALAR 0
#endif

#if !SL_SCALAR
#include <simde/wasm/simd128.h>
#define SL_SIMD 1
#else
#define SL_SIMD 0
#endif

#endif
