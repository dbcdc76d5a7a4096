# Thin wrapper around CMake/CTest.  `make demo` and `make test` work as root
# on a fresh Debian 12 machine: scripts/install-deps.sh installs what is missing.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build asan test test-fast demo bench fuzz fuzz-long clean

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DOMRADE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)

# Full suite twice: optimised build, then under ASan + UBSan.  Building and
# testing must not write into the source tree: the tree's state (git status
# and checksums of changed files) is taken before and compared after.
TREE_BEFORE = $(BUILD)/tree-before.txt
test:
	@mkdir -p $(BUILD) && sh scripts/tree-state.sh > $(TREE_BEFORE)
	@$(MAKE) --no-print-directory build asan
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j$(JOBS)
	@sh scripts/tree-state.sh | diff -u $(TREE_BEFORE) - >/dev/null || { \
	    echo "make test changed the source tree (- before, + after):"; \
	    sh scripts/tree-state.sh | diff -u $(TREE_BEFORE) -; exit 1; }

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

demo: build
	@sh scripts/demo.sh $(BUILD)/omrade

bench: build
	@sh bench/run.sh $(BUILD)

fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DOMRADE_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j$(JOBS)

# Every fuzz target for FUZZ_SECONDS (default 600 s = 10 CPU-minutes each,
# one process per target); results in docs/fuzzing.md.
FUZZ_SECONDS ?= 600
fuzz-long: fuzz
	@sh fuzz/long.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
