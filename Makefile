# steplab's build graph; build.sh runs it after installing the toolchain (bash build.sh [--test]).
# Sources are found by globbing: a new .c file under c/, tests/c/ or tests/fuzz/ is built without being
# listed anywhere. Every C source compiles to one object per flavour, with the compiler's dependency
# file (-MMD -MP), so a change recompiles only the objects of the files it touches (or that include
# it) and relinks only what those objects feed. `make V=1` shows the commands.
#
#   make dist     dist/: the wasm core (SIMD and scalar), the JS modules, the page     (bash build.sh)
#   make native   the C tests under ASan+UBSan, SIMD and scalar: dist/native/test_core* (bash build.sh --test)
#   make fuzz     the libFuzzer targets: dist/fuzz/*                                  (bash build.sh --test)
#   make lib      the -O3 -march=native library of the benchmark: dist/native/libsteplab.a
#
# Objects live in dist/build/<flavour>/<the source's path>.o, beside their .d files.

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:
Q := $(if $(V),,@)
say = $(if $(V),,@printf '  %-11s %s\n' '$(1)' '$(2)' >&2)

B := dist/build
INC := $(B)/inc
CORE := $(sort $(shell find c -name '*.c'))
TESTS := $(sort $(shell find tests/c -name '*.c'))
FUZZ := $(sort $(shell find tests/fuzz -name 'fuzz_*.c'))
# the flags are in this file: editing it rebuilds everything
FLAGS_DEP := Makefile

export NODE_PATH := /usr/share/nodejs

# ---- flavours: compiler and flags for the core's files and for test files ----
WARN := -Wall -Wextra -Werror
# -Wconversion flags value-changing conversions (float narrowing, int to float); index arithmetic's
# int to size_t sign conversions are not flagged. SIMDe comes in as a system header.
CONV := -Wconversion -Wno-sign-conversion
# emcc must not see -I/usr/include (it breaks its libc): $(INC) holds only a link to SIMDe.
WASM := -std=c11 -O3 $(WARN) $(CONV) -isystem $(INC)
NATIVE := -std=c11 $(WARN) -Wno-format-truncation -isystem $(INC) -Ic
# line tables only (-g1, clang's -gline-tables-only): sanitizer reports still name file and line, and the
# sanitized builds compile in about 30 % less time than with full -g (rebuild with -g to inspect locals in gdb)
ASAN := -O1 -g1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZFLAGS := -std=c11 -gline-tables-only -O1 $(WARN) -isystem $(INC) -Ic -fno-sanitize-recover=all

# emcc compiles a C file by running clang with its target flags, after starting Python (about 0.35 s of CPU, most
# of what a small file costs). The core's files are compiled by that clang directly, with the flags emcc itself
# reports (emcc --cflags): the objects are emcc's bytes (tests/repro.test.mjs compares them), and a clean wasm
# build takes a third of the time. emcc links. Without em-config (another emscripten) emcc compiles.
# (Debian's emcc runs $LLVM_ROOT/clang-$LLVM_ADD_VERSION: clang-14, which emscripten depends on.)
EMCC_LLVM := $(shell em-config LLVM_ROOT 2>/dev/null)
EMCC_CLANG := $(if $(EMCC_LLVM),$(EMCC_LLVM)/clang$(addprefix -,$(shell em-config LLVM_ADD_VERSION 2>/dev/null)))
EMCC_CFLAGS := $(if $(wildcard $(EMCC_CLANG)),$(shell emcc --cflags 2>/dev/null))
WASM_CC := $(if $(EMCC_CFLAGS),$(EMCC_CLANG) $(EMCC_CFLAGS),emcc)
wasm_CC := $(WASM_CC)
wasm_CORE := $(WASM) -msimd128
wasm-scalar_CC := $(WASM_CC)
wasm-scalar_CORE := $(WASM) -DSL_SCALAR=1
# natively too the core's files build with -Wconversion: gcc warns about other cases than emcc's clang
asan_CC := gcc
asan_CORE := $(NATIVE) $(CONV) $(ASAN)
asan_TEST := $(NATIVE) $(ASAN)
asan-scalar_CC := gcc
asan-scalar_CORE := $(NATIVE) $(CONV) $(ASAN) -DSL_SCALAR=1
asan-scalar_TEST := $(NATIVE) $(ASAN) -DSL_SCALAR=1
fuzz_CC := clang
fuzz_CORE := $(FUZZFLAGS) -fsanitize=fuzzer-no-link,address,undefined
fuzz_TEST := $(FUZZFLAGS) -fsanitize=fuzzer,address,undefined
lib_CC := gcc
lib_CORE := $(NATIVE) -O3 -march=native
FLAVOURS := wasm wasm-scalar asan asan-scalar fuzz lib

objs = $(patsubst %.c,$(B)/$(1)/%.o,$(2))

# per flavour, one pattern rule for the core's sources and one for the tests'
define rules
$(B)/$(1)/c/%.o: c/%.c $(FLAGS_DEP) | $(INC)/simde
	$$(call say,$(1),$$<)
	@mkdir -p $$(@D)
	$(Q)$$($(1)_CC) $$($(1)_CORE) -MMD -MP -c $$< -o $$@
$(B)/$(1)/tests/%.o: tests/%.c $(FLAGS_DEP) | $(INC)/simde
	$$(call say,$(1),$$<)
	@mkdir -p $$(@D)
	$(Q)$$($(1)_CC) $$($(1)_TEST) -MMD -MP -c $$< -o $$@
endef
$(foreach f,$(FLAVOURS),$(eval $(call rules,$(f))))

$(INC)/simde:
	@mkdir -p $(@D)
	$(Q)ln -sfn /usr/include/simde $@

# ---- the wasm core ----
# the whole wasm ABI, c/exports.txt (one name a line), as emcc's response file
$(B)/exports.json: c/exports.txt
	@mkdir -p $(@D)
	$(Q)sed -e '/^\s*$$/d' -e 's/.*/"_&",/' $< | { echo '['; cat; echo '"_malloc", "_free"]'; } > $@
WASM_LINK := emcc -O3 --no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2147483648 \
  -sINITIAL_MEMORY=4194304 -sTOTAL_STACK=262144 -sFILESYSTEM=0 -sERROR_ON_UNDEFINED_SYMBOLS=1 \
  -sEXPORTED_FUNCTIONS=@$(B)/exports.json

dist/steplab.wasm: $(call objs,wasm,$(CORE)) $(B)/exports.json
	$(call say,LINK,$@)
	$(Q)$(WASM_LINK) -msimd128 $(filter %.o,$^) -o $@
dist/steplab-scalar.wasm: $(call objs,wasm-scalar,$(CORE)) $(B)/exports.json
	$(call say,LINK,$@)
	$(Q)$(WASM_LINK) $(filter %.o,$^) -o $@

# the module embeds the core gzip-compressed (zopfli: about 5 % smaller than gzip -9) as Z85 text
$(B)/steplab.wasm.gz: dist/steplab.wasm
	$(call say,ZOPFLI,$<)
	$(Q)zopfli -c $< > $@
$(B)/steplab.wasm.z85.js: $(B)/steplab.wasm.gz web/build/embed-wasm.mjs
	$(Q)node web/build/embed-wasm.mjs $< $@

# ---- native tests, fuzz targets, the benchmark's library ----
dist/native/test_core: $(call objs,asan,$(CORE) $(TESTS))
	$(call say,LINK,$@)
	@mkdir -p $(@D)
	$(Q)gcc $(ASAN) $^ -lm -o $@
dist/native/test_core_scalar: $(call objs,asan-scalar,$(CORE) $(TESTS))
	$(call say,LINK,$@)
	@mkdir -p $(@D)
	$(Q)gcc $(ASAN) $^ -lm -o $@

FUZZ_BINS := $(patsubst tests/fuzz/%.c,dist/fuzz/%,$(FUZZ))
$(FUZZ_BINS): dist/fuzz/%: $(B)/fuzz/tests/fuzz/%.o $(call objs,fuzz,$(CORE))
	$(call say,LINK,$@)
	@mkdir -p $(@D)
	$(Q)clang -fsanitize=fuzzer,address,undefined $^ -lm -o $@

# a thin archive: members are named by path, so two sources with one base name do not collide
dist/native/libsteplab.a: $(call objs,lib,$(CORE))
	$(call say,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcsT $@ $^

# ---- the JS modules and the page: esbuild; a bundle's inputs come from its metafile ----
# classic scripts have no import.meta: the module's own address comes from location instead
IIFE := --define:import.meta.url=undefined
# $(1) entry, $(2) output, $(3) flags, $(4) generated inputs (known before the first metafile)
define bundle
$(2): $(1) $(4) $(FLAGS_DEP) web/build/deps.mjs | $(B)/steplab.wasm.z85.js
	$$(call say,BUNDLE,$$@)
	@mkdir -p $$(@D) $(B)/deps
	$(Q)esbuild $(1) --bundle --log-level=warning $(3) --metafile=$(B)/deps/$$(@F).json --outfile=$$@
	$(Q)node web/build/deps.mjs $(B)/deps/$$(@F).json $$@ > $(B)/deps/$$(@F).d
-include $(B)/deps/$(notdir $(2)).d
endef
$(eval $(call bundle,web/lib/steplab.mjs,dist/steplab.mjs,--format=esm --platform=neutral --loader:.gz=binary --minify))
# for Node (package.json's "node" condition): not minified, so stack traces are short lines with
# real names; the embedded wasm text is one line of its own
$(eval $(call bundle,web/lib/steplab.mjs,dist/steplab.node.mjs,--format=esm --platform=neutral --loader:.gz=binary))
$(eval $(call bundle,web/worker/worker.js,$(B)/worker.txt,--format=iife --loader:.gz=binary --minify $(IIFE)))
$(eval $(call bundle,web/app/main.js,dist/app.js,--format=iife --loader:.txt=text --loader:.gz=binary --minify $(IIFE),$(B)/worker.txt))
$(eval $(call bundle,web/components/embed.js,dist/steplab-embed.js,--format=iife --loader:.txt=text --loader:.css=text --minify $(IIFE),$(B)/worker.txt))
# the digits' pixels as a classic script too, for pages opened from file:// (which cannot fetch the .bin.gz)
$(eval $(call bundle,web/shared/digits-asset.js,dist/steplab-digits.js,--format=iife --loader:.gz=binary --minify $(IIFE)))
# the lessons: the page script (inlined into each page), the compiler with markdown-it and temml
# (dist/steplab-lessons.mjs, what `steplab lesson` runs), and every lesson of web/lessons/, built and
# verified against the lab (dist/steplab.mjs) into dist/lessons/ beside dist/steplab-embed.js
$(eval $(call bundle,web/lesson/runtime.js,$(B)/lesson-runtime.txt,--format=iife --minify))
$(eval $(call bundle,web/lesson/lessons.mjs,dist/steplab-lessons.mjs,--format=esm --platform=node --loader:.txt=text --loader:.css=text --loader:.woff2=dataurl,$(B)/lesson-runtime.txt))
LESSONS := $(sort $(wildcard web/lessons/*.md))
dist/lessons/index.html: $(LESSONS) dist/steplab-lessons.mjs dist/steplab.mjs dist/steplab-embed.js web/cli.mjs
	$(call say,LESSONS,dist/lessons)
	$(Q)node web/cli.mjs lesson build web/lessons -o dist/lessons --embed ../steplab-embed.js --lab ../index.html
	$(Q)touch $@
# esbuild writes the page's styles beside app.js
dist/app.css: dist/app.js

# the worker as a file, for pages with a strict Content-Security-Policy
dist/steplab-worker.js: $(B)/worker.txt
	$(Q)cp $< $@
dist/index.html dist/embed.html: dist/%: web/%
	@mkdir -p $(@D)
	$(Q)cp $< $@
dist/steplab.d.ts dist/steplab-specs.d.ts dist/steplab-trainer.d.ts: dist/%: web/lib/%
	@mkdir -p $(@D)
	$(Q)cp $< $@
# the optical digits: found beside the module in Node, fetched on request in browsers (lab.loadDataset)
dist/steplab-digits.bin.gz: c/data/digits.bin.gz
	@mkdir -p $(@D)
	$(Q)cp $< $@

# What ships, with hashes: two clean builds of the same commit give the same manifest.
SHIPPED := steplab.mjs steplab.node.mjs steplab.wasm steplab-scalar.wasm steplab.d.ts steplab-specs.d.ts steplab-trainer.d.ts steplab-digits.bin.gz \
  steplab-digits.js steplab-embed.js steplab-worker.js app.js app.css index.html embed.html
dist/MANIFEST.sha256: $(addprefix dist/,$(SHIPPED))
	$(Q)cd dist && sha256sum $(SHIPPED) > MANIFEST.sha256

.PHONY: dist native fuzz lib
dist: dist/MANIFEST.sha256 dist/lessons/index.html
native: dist/native/test_core dist/native/test_core_scalar
fuzz: $(FUZZ_BINS)
lib: dist/native/libsteplab.a

-include $(wildcard $(foreach f,$(FLAVOURS),$(patsubst %.c,$(B)/$(f)/%.d,$(CORE) $(TESTS) $(FUZZ))))
