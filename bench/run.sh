#!/usr/bin/env bash
# `make bench` driver: runs the benchmarks `make` already built (this script
# builds nothing) and prints their result lines. Add a benchmark with one
# `run` line below. Environment: TRUNKD_BUILD_DIR (default ./build),
# BENCH_SECONDS (time per measured side, passed through to each bench).
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${TRUNKD_BUILD_DIR:-$here/../build}
failed=0

# run NAME [ARGS...]: run $build/bench/NAME, pass its output through,
# remember a failure and go on with the next one.
run() {
	local bin=$build/bench/$1
	shift
	if [ ! -x "$bin" ]; then
		echo "bench: $bin not built (run make bench)" >&2
		failed=1
		return
	fi
	if ! "$bin" "$@"; then
		echo "bench: $(basename "$bin") failed" >&2
		failed=1
	fi
}

run parse_bench
run tmr_bench
bash "$here/cps.sh" || failed=1
bash "$here/mem.sh" || failed=1
bash "$here/media.sh" || failed=1

exit $failed
