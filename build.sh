#!/usr/bin/env bash
# Builds steplab into dist/:
#   dist/steplab.wasm          the C core, wasm SIMD (emcc -msimd128)
#   dist/steplab-scalar.wasm   the same C with every vector loop off (reference and benchmarks)
#   dist/steplab.mjs           one ES module for Node and browsers, wasm bytes embedded
#   dist/index.html, dist/app.js   the lab page
#   dist/native/               native builds: the C tests under ASan+UBSan, and an -O3 library
# Installs its own toolchain from Debian's packages when run as root on Debian/Ubuntu.
set -euo pipefail
cd "$(dirname "$0")"

need_pkgs=()
command -v emcc >/dev/null 2>&1 || need_pkgs+=(emscripten)
[ -f /usr/include/simde/wasm/simd128.h ] || need_pkgs+=(libsimde-dev)
command -v esbuild >/dev/null 2>&1 || need_pkgs+=(esbuild)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: installing ${need_pkgs[*]} from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
  else
    echo "build.sh: missing tools; install these Debian/Ubuntu packages: ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

export NODE_PATH=/usr/share/nodejs   # emcc's JS optimizer needs acorn from here
# emcc must not see -I/usr/include (it breaks its libc): a folder holding only a link to SIMDe.
mkdir -p dist/build/inc dist/native
ln -sfn /usr/include/simde dist/build/inc/simde

core_src=$(find c -name '*.c' | sort)
exports=$(sed -e '/^\s*$/d' -e 's/.*/"_&"/' c/exports.txt | paste -sd, -)
exports="[${exports},\"_malloc\",\"_free\"]"

emflags=(-std=c11 -O3 -Wall -Wextra -Werror -Idist/build/inc --no-entry -sSTANDALONE_WASM
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
  gzip -9nc dist/steplab.wasm > dist/build/steplab.wasm.gz
  echo "$stamp_src" > dist/build/wasm.stamp
fi

# Native: the core's own C tests under AddressSanitizer and UndefinedBehaviorSanitizer, and an -O3 library.
ccflags=(-std=c11 -Wall -Wextra -Werror -Wno-format-truncation -Idist/build/inc -Ic)
test_src=$(find tests/c -name '*.c' | sort)
if [ ! -f dist/build/native.stamp ] || [ "$(cat dist/build/native.stamp)" != "$stamp_src$(cat $test_src | md5sum)" ]; then
  echo "build.sh: compiling the native tests (ASan+UBSan) and library" >&2
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

# The JS module (wasm embedded) and the page.
esbuild web/lib/steplab.mjs --bundle --format=esm --platform=neutral --loader:.gz=binary \
  --log-level=warning --outfile=dist/steplab.mjs
esbuild web/app/main.js --bundle --format=iife --loader:.gz=binary --log-level=warning --outfile=dist/app.js
cp web/index.html dist/index.html
cp c/data/digits.bin.gz dist/steplab-digits.bin.gz   # the optical digits, loaded on request: loadSteplab({ digits })
echo "build.sh: built dist/ ($(wc -c < dist/steplab.mjs) bytes steplab.mjs)" >&2
