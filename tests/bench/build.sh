#!/usr/bin/env bash
# Builds what the benchmark suite needs besides dist/ (run build.sh first):
#   dist/bench/stream7.wasm   the 7-stream bandwidth probe, emcc -O3 -msimd128, its own small module
#   dist/bench/bench_native   the native benchmark, linked with dist/native/libsteplab.a (-O3 -march=native)
#   dist/bench/browser.html, worker.mjs, train.mjs   the training workloads' page and worker (served with dist/)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/steplab.wasm ] || { echo "tests/bench/build.sh: run bash build.sh first" >&2; exit 1; }
# the -O3 -march=native library is built only for the benchmark (incrementally, like the rest)
make -s --no-print-directory -j"$(nproc)" lib >&2
mkdir -p dist/bench
cp tests/bench/browser.html tests/bench/worker.mjs tests/bench/train.mjs dist/bench/
# a thin archive: its members are the objects themselves
stamp=$(cat tests/bench/*.c tests/bench/build.sh $(ar t dist/native/libsteplab.a) | md5sum | cut -c1-16)
if [ -f dist/bench/stamp ] && [ "$(cat dist/bench/stamp)" = "$stamp" ] && [ -f dist/bench/stream7.wasm ] &&
   [ -f dist/bench/bench_native ]; then exit 0; fi
echo "tests/bench/build.sh: compiling the bandwidth probe (wasm) and the native benchmark" >&2
export NODE_PATH=/usr/share/nodejs
emcc -std=c11 -O3 -msimd128 -Wall -Wextra -Werror -Idist/build/inc --no-entry -sSTANDALONE_WASM \
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2147483648 -sFILESYSTEM=0 -sERROR_ON_UNDEFINED_SYMBOLS=1 \
  '-sEXPORTED_FUNCTIONS=["_sl_bench_stream7","_malloc","_free"]' tests/bench/stream7.c -o dist/bench/stream7.wasm
gcc -std=c11 -O3 -march=native -Wall -Wextra -Werror -Idist/build/inc -Ic \
  tests/bench/native.c tests/bench/stream7.c dist/native/libsteplab.a -lm -o dist/bench/bench_native
echo "$stamp" > dist/bench/stamp
