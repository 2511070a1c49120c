#!/usr/bin/env bash
# Builds steplab into dist/:
#   dist/steplab.wasm          the C core, wasm SIMD (emcc -msimd128)
#   dist/steplab-scalar.wasm   the same C with every vector loop off (reference and benchmarks)
#   dist/steplab.mjs           one ES module for Node and browsers, wasm bytes embedded
#   dist/index.html, dist/app.js   the lab page
#   dist/native/               native builds: the C tests under ASan+UBSan, and an -O3 library
# Installs its own toolchain from Debian's packages when run as root on Debian/Ubuntu
# (with --test, also what the tests need: Chromium, clang), and npm packages with npm ci.
# --dist-only skips npm ci and the native and fuzz builds (it uses the node_modules it finds).
set -euo pipefail
cd "$(dirname "$0")"

need_pkgs=()
command -v emcc >/dev/null 2>&1 || need_pkgs+=(emscripten)
[ -f /usr/include/simde/wasm/simd128.h ] || need_pkgs+=(libsimde-dev)
command -v esbuild >/dev/null 2>&1 || need_pkgs+=(esbuild)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
command -v zopfli >/dev/null 2>&1 || need_pkgs+=(zopfli)
if [ "${1:-}" = "--test" ]; then   # what the tests need besides the build
  [ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
  command -v clang >/dev/null 2>&1 || need_pkgs+=(clang)
  ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || need_pkgs+=(libclang-rt-dev)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: installing ${need_pkgs[*]} from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${need_pkgs[@]}" >&2
  else
    echo "build.sh: missing tools; install these Debian/Ubuntu packages: ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

# npm packages (test tools) from the committed lock file
if [ "${1:-}" != "--dist-only" ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

export NODE_PATH=/usr/share/nodejs   # emcc's JS optimizer needs acorn from here
# emcc must not see -I/usr/include (it breaks its libc): a folder holding only a link to SIMDe.
mkdir -p dist/native dist/build/inc
ln -sfn /usr/include/simde dist/build/inc/simde

core_src=$(find c -name '*.c' | sort)
exports=$(sed -e '/^\s*$/d' -e 's/.*/"_&"/' c/exports.txt | paste -sd, -)
exports="[${exports},\"_malloc\",\"_free\"]"

# -Wconversion flags value-changing conversions (float narrowing, int to float); index arithmetic's
# int to size_t sign conversions are not flagged. SIMDe comes in as a system header.
emflags=(-std=c11 -O3 -Wall -Wextra -Wconversion -Wno-sign-conversion -Werror -isystem dist/build/inc --no-entry -sSTANDALONE_WASM
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2147483648 -sINITIAL_MEMORY=4194304 -sTOTAL_STACK=262144
  -sFILESYSTEM=0 -sERROR_ON_UNDEFINED_SYMBOLS=1 "-sEXPORTED_FUNCTIONS=$exports")

build_wasm() { # out extra-flags...
  local out=$1; shift
  emcc "${emflags[@]}" "$@" $core_src -o "$out"
}

stamp_src=$(cat $core_src c/*.h c/*/*.h c/exports.txt build.sh | md5sum | cut -c1-16)
if [ ! -f dist/build/wasm.stamp ] || [ "$(cat dist/build/wasm.stamp)" != "$stamp_src" ] || [ ! -f dist/steplab.wasm ]; then
  echo "build.sh: compiling the core to wasm (SIMD and scalar)" >&2
  pids=()
  build_wasm dist/steplab.wasm -msimd128 & pids+=($!)
  build_wasm dist/steplab-scalar.wasm -DSL_SCALAR=1 & pids+=($!)
  for p in "${pids[@]}"; do wait "$p"; done
  # the module embeds the core gzip-compressed (zopfli: about 5 % smaller than gzip -9) as Z85 text
  zopfli -c dist/steplab.wasm > dist/build/steplab.wasm.gz
  node web/build/embed-wasm.mjs dist/build/steplab.wasm.gz dist/build/steplab.wasm.z85.js
  echo "$stamp_src" > dist/build/wasm.stamp
fi

# Native: the core's own C tests under AddressSanitizer and UndefinedBehaviorSanitizer, and an -O3 library.
ccflags=(-std=c11 -Wall -Wextra -Werror -Wno-format-truncation -Idist/build/inc -Ic)
test_src=$(find tests/c -name '*.c' | sort)
dist_only=0; [ "${1:-}" = "--dist-only" ] && dist_only=1   # only what ships in dist/ (the reproducibility check)
if [ $dist_only = 0 ] && { [ ! -f dist/build/native.stamp ] || [ "$(cat dist/build/native.stamp)" != "$stamp_src$(cat $test_src | md5sum)" ]; }; then
  echo "build.sh: compiling the native tests (ASan+UBSan) and library" >&2
  for f in $core_src; do gcc -std=c11 -Wall -Wextra -Wconversion -Wno-sign-conversion -Werror -fsyntax-only -isystem dist/build/inc -Ic "$f"; done
  pids=()
  gcc "${ccflags[@]}" -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    $core_src $test_src -lm -o dist/native/test_core & pids+=($!)
  gcc "${ccflags[@]}" -O1 -g -DSL_SCALAR=1 -fsanitize=address,undefined -fno-sanitize-recover=all \
    $core_src $test_src -lm -o dist/native/test_core_scalar & pids+=($!)
  ( rm -f dist/native/libsteplab.a dist/build/*.o
    for f in $core_src; do gcc "${ccflags[@]}" -O3 -march=native -c "$f" -o "dist/build/$(echo "$f" | tr / _).o"; done
    ar rcs dist/native/libsteplab.a dist/build/*.o ) & pids+=($!)
  for p in "${pids[@]}"; do wait "$p"; done
  echo "$stamp_src$(cat $test_src | md5sum)" > dist/build/native.stamp
fi

# libFuzzer targets (clang, ASan + UBSan) for the untrusted inputs, when clang is here.
fuzz_src=$(find tests/fuzz -name '*.c' | sort)
fuzz_stamp="$stamp_src$(cat $fuzz_src | md5sum)"
if [ $dist_only = 0 ] && command -v clang >/dev/null 2>&1 && { [ ! -f dist/build/fuzz.stamp ] || [ "$(cat dist/build/fuzz.stamp)" != "$fuzz_stamp" ]; }; then
  echo "build.sh: compiling the fuzz targets" >&2
  mkdir -p dist/fuzz dist/build/fuzz
  rm -f dist/build/fuzz/*.o
  # the core once (instrumented, not linked with libFuzzer's main), then each target against it,
  # as many compilers at a time as there are cores
  fuzzflags=(-std=c11 -g -O1 -Wall -Wextra -Werror -Idist/build/inc -Ic -fno-sanitize-recover=all)
  printf '%s\n' $core_src | xargs -P "$(nproc)" -I{} sh -c \
    'clang "$@" -fsanitize=fuzzer-no-link,address,undefined -c {} -o "dist/build/fuzz/$(echo {} | tr / _).o"' _ "${fuzzflags[@]}"
  printf '%s\n' $fuzz_src | xargs -P "$(nproc)" -I{} sh -c \
    'clang "$@" -fsanitize=fuzzer,address,undefined {} dist/build/fuzz/*.o -lm -o "dist/fuzz/$(basename {} .c)"' _ "${fuzzflags[@]}"
  echo "$fuzz_stamp" > dist/build/fuzz.stamp
fi

# The JS module (wasm embedded) and the page.
esbuild web/lib/steplab.mjs --bundle --format=esm --platform=neutral --loader:.gz=binary \
  --minify --log-level=warning --outfile=dist/steplab.mjs
esbuild web/worker/worker.js --bundle --format=iife --loader:.gz=binary --minify --log-level=warning --outfile=dist/build/worker.txt
esbuild web/app/main.js --bundle --format=iife --loader:.txt=text --loader:.gz=binary --minify --log-level=warning --outfile=dist/app.js
esbuild web/components/embed.js --bundle --format=iife --loader:.txt=text --loader:.css=text --minify --log-level=warning \
  --outfile=dist/steplab-embed.js
cp dist/build/worker.txt dist/steplab-worker.js   # the worker as a file, for pages with a strict Content-Security-Policy
cp web/index.html web/embed.html dist/
cp web/lib/steplab.d.ts dist/steplab.d.ts
cp c/data/digits.bin.gz dist/steplab-digits.bin.gz   # the optical digits, loaded on request: loadSteplab({ digits })
bash web/lesson/build.sh   # the lessons (web/lessons/) into dist/lessons/, and dist/steplab-lessons.mjs for `steplab lesson`
# What ships, with hashes: two clean builds of the same commit give the same manifest.
( cd dist && sha256sum steplab.mjs steplab.wasm steplab-scalar.wasm steplab.d.ts steplab-digits.bin.gz steplab-embed.js \
    steplab-worker.js app.js app.css index.html embed.html > MANIFEST.sha256 )
echo "build.sh: built dist/ ($(wc -c < dist/steplab.mjs) bytes steplab.mjs)" >&2
