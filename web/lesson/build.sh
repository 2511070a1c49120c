#!/usr/bin/env bash
# Builds the lessons: the page script (runtime.js, inlined into each page), the compiler with
# markdown-it, markdown-it-container and temml bundled (dist/steplab-lessons.mjs, what `steplab lesson`
# runs), and every lesson of web/lessons/ into dist/lessons/ beside dist/steplab-embed.js.
# Needs dist/steplab.mjs and dist/steplab-embed.js (bash build.sh makes them, then runs this).
set -euo pipefail
cd "$(dirname "$0")/../.."
esbuild web/lesson/runtime.js --bundle --format=iife --minify --log-level=warning --outfile=dist/build/lesson-runtime.txt
esbuild web/lesson/lessons.mjs --bundle --format=esm --platform=node --loader:.txt=text --loader:.css=text --loader:.woff2=dataurl \
  --log-level=warning --outfile=dist/steplab-lessons.mjs
node web/cli.mjs lesson build web/lessons -o dist/lessons --embed ../steplab-embed.js --lab ../index.html
