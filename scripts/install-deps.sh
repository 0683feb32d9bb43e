#!/usr/bin/env bash
# Installs the Debian 12 packages trunkd needs to build, test and benchmark.
# Idempotent: only missing packages are installed. As root it runs apt-get
# itself; otherwise it prints the command to run.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh bench    also the benchmark peers
set -euo pipefail

build_pkgs=(
	build-essential cmake pkg-config git ca-certificates clang
	libclang-rt-14-dev valgrind clang-format
	libuv1-dev libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev
	libhiredis-dev libssl-dev libc-ares-dev libcurl4-openssl-dev
	libsrtp2-dev libpcap-dev libcmocka-dev
)
test_pkgs=(
	python3 curl sip-tester baresip sqlite3 procps iproute2
	postgresql redis-server
)
bench_pkgs=(libosip2-dev kamailio rtpengine-daemon)

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
if [ "${1:-}" = bench ]; then
	want+=("${bench_pkgs[@]}")
fi
# Node.js runs the Twilio helper-library test. A machine that already has
# node and npm (e.g. from NodeSource, whose nodejs conflicts with Debian's
# npm) keeps them.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	want+=(nodejs npm)
fi
# libosip2 is the parser benchmark's peer; it is cheap, so always have it.
want+=(libosip2-dev)

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${missing[*]}" >&2
	echo "run: sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Services installed here must not start themselves at install time (the
# tests start what they need on their own ports).
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends "${missing[@]}"
