# Entry points (stable; CI and benchmarks rely on them):
#   make         build into build/
#   make run     build and start trunkd with the embedded defaults
#   make test    install what is missing, build, run every test
#   make bench   run the benchmarks against their peers
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
RUN_ARGS ?=
FUZZ_SECONDS ?= 60

.PHONY: all build deps run test test-unit test-sanitize test-tsan bench \
	format clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B build $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

run: build
	./build/trunkd $(RUN_ARGS)

# Sanitizer build (clang: ASan + UBSan + the libFuzzer targets). Its
# integration tests run the sanitized daemon: a memory error or a leak at
# exit fails the test that stops it.
build-asan/CMakeCache.txt:
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
		-DTRUNKD_SANITIZE=ON -DTRUNKD_FUZZ=ON \
		-DTRUNKD_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null

test-sanitize: deps build-asan/CMakeCache.txt
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -L 'unit|fuzz' -j $(JOBS)
	@# one at a time: SIP timers (4 s carrier timeouts) must not starve
	cd build-asan && ctest --output-on-failure -L integration

# ThreadSanitizer build: the unit tests and the call tests that run every
# thread at once (SIP loop, media relay, alert writer, API, snapshot).
build-tsan/CMakeCache.txt:
	CC=clang cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug \
		-DTRUNKD_TSAN=ON >/dev/null

test-tsan: deps build-tsan/CMakeCache.txt
	@cmake --build build-tsan -j $(JOBS)
	cd build-tsan && ctest --output-on-failure -L unit -j $(JOBS)
	cd build-tsan && ctest --output-on-failure \
		-R 'test_term_call|test_term_media|test_api$$'

test-unit: build
	cd build && ctest --output-on-failure -L unit -j $(JOBS)

# Every test: the ASan/UBSan build's unit tests, fuzzers and integration
# tests, then the ThreadSanitizer build's, then the full suite (unit,
# integration, valgrind, format) on the normal build, so the last line
# printed is the full suite's summary.
test: build test-sanitize test-tsan
	cd build && ctest --output-on-failure

bench: build
	@bash scripts/install-deps.sh bench
	@bash bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-tsan
