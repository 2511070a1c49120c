#!/usr/bin/env bash
# Builds steplab into dist/:
#   dist/steplab.wasm          the C core, wasm SIMD (emcc -msimd128)
#   dist/steplab-scalar.wasm   the same C with every vector loop off (reference and benchmarks)
#   dist/steplab.mjs           one ES module for browsers (and Node), wasm bytes embedded, minified
#   dist/steplab.node.mjs      the same module not minified, for Node (package.json's "node" condition)
#   dist/index.html, dist/app.js   the lab page
# --test also builds what the tests need: dist/native/ (the C tests under ASan+UBSan, SIMD and
# scalar) and dist/fuzz/ (libFuzzer targets); --unit only dist/ and dist/native/ (npm run test:unit).
# The build graph is the Makefile (incremental: one object per C file and flavour).
# Installs its own toolchain from Debian's packages when run as root on Debian/Ubuntu
# (with --test, also what the tests need: Chromium, Firefox ESR, clang), and npm packages with npm ci.
# --dist-only skips npm ci (it uses the node_modules it finds) and builds dist/ only.
set -euo pipefail
cd "$(dirname "$0")"

need_pkgs=()
command -v emcc >/dev/null 2>&1 || need_pkgs+=(emscripten)
[ -f /usr/include/simde/wasm/simd128.h ] || need_pkgs+=(libsimde-dev)
command -v esbuild >/dev/null 2>&1 || need_pkgs+=(esbuild)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
command -v zopfli >/dev/null 2>&1 || need_pkgs+=(zopfli)
command -v make >/dev/null 2>&1 || need_pkgs+=(make)
if [ "${1:-}" = "--test" ]; then   # what the tests need besides the build
  [ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
  [ -x /usr/bin/firefox-esr ] || need_pkgs+=(firefox-esr)
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

targets=(dist)
case "${1:-}" in
  --test) targets+=(native fuzz) ;;
  --unit) targets+=(native) ;;
esac
make -s --no-print-directory -j"$(nproc)" "${targets[@]}" >&2
echo "build.sh: built ${targets[*]} ($(wc -c < dist/steplab.mjs) bytes steplab.mjs)" >&2
