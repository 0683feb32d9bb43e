#!/usr/bin/env bash
# RTP relay CPU per packet: trunkd's relay (src/media, hosted by
# bench/media/relay_host, the same relay thread trunkd runs) against
# rtpengine in userspace mode (--table=-1, no kernel module), driven with
# the same load: MEDIA_CALLS calls, each with RTP both ways at 50 packets/s
# (PCMU, 172 bytes) from bench/media/rtpgen, calls set up through
# relay_host's stdin or rtpengine's ng protocol (bench/media/drive.py).
# CPU: user+system of the relay process (all threads) over the load
# window, divided by the packets delivered.
#
# Environment (all optional):
#   MEDIA_CALLS=200      calls (2 RTP streams each)
#   MEDIA_SECONDS=10     seconds of load per relay
#   MEDIA_PPS=50         packets per second per stream
#   MEDIA_REPEAT=2       runs per relay (lowest CPU per packet kept)
#   MEDIA_RTPENGINE_THREADS=1  rtpengine worker threads (trunkd: 1 relay
#                        thread)
#   BENCH_KEEP=1         keep the temp dir
#
# Last line:
#   media: trunkd cpu/pkt=XXns rtpengine cpu/pkt=YYns ratio=R
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CALLS=${MEDIA_CALLS:-200}
SECS=${MEDIA_SECONDS:-10}
PPS=${MEDIA_PPS:-50}
RTHREADS=${MEDIA_RTPENGINE_THREADS:-1}
REPEAT=${MEDIA_REPEAT:-2}
CC=${CC:-cc}
M=$BENCH_DIR/media

lib=$BUILD_DIR/libtrunkd_core.a
[ -f "$lib" ] || bench_die "$lib not built (make first)"
$CC -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$BENCH_TMP/rtpgen" \
	"$M/rtpgen.c" || bench_die "rtpgen does not compile"
# shellcheck disable=SC2046
$CC -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$TOP_DIR/src" \
	-o "$BENCH_TMP/relay_host" "$M/relay_host.c" "$lib" \
	$(pkg-config --libs libuv libmicrohttpd jansson sqlite3 libpq hiredis \
		openssl libcares libcurl libsrtp2) -lpcap -lpthread -lm ||
	bench_die "relay_host does not compile"

# run SERVER: prints drive.py's result line, sets CPU_<server> (ns/pkt),
# LOSS_<server> (percent).
run() {
	local srv=$1 out port extra=()
	port=$(bench_free_port)
	[ "$srv" = rtpengine ] && extra=(--rtpengine "$(command -v rtpengine)"
		--ng-port "$port" --threads "$RTHREADS" --ports 45000-49999)
	[ "$srv" = trunkd ] && extra=(--relay-host "$BENCH_TMP/relay_host"
		--ports 40000-44999)
	out=$(timeout -k 5 $((SECS + 60)) python3 "$M/drive.py" \
		--server "$srv" --rtpgen "$BENCH_TMP/rtpgen" --calls "$CALLS" \
		--seconds "$SECS" --pps "$PPS" --tmp "$BENCH_TMP" \
		"${extra[@]}") || {
		bench_log "$srv run failed"
		[ "$srv" = rtpengine ] && tail -5 "$BENCH_TMP/rtpengine.log" >&2
		printf -v "CPU_$srv" %s nan
		printf -v "LOSS_$srv" %s nan
		return 1
	}
	bench_log "$out"
	printf -v "CPU_$srv" %s "$(echo "$out" |
		sed -n 's/.*cpu_per_pkt_ns=\([0-9.nan]*\).*/\1/p')"
	printf -v "LOSS_$srv" %s "$(echo "$out" | awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["sent"] > 0) printf "%.2f", 100 * (1 - v["recv"] / v["sent"])
		else print "nan" }')"
}

# Relays alternate; with MEDIA_REPEAT > 1 each keeps its lowest CPU per
# packet (the run least disturbed by the rest of the machine) and the loss
# of that run.
best_trunkd=nan best_rtpengine=nan loss_trunkd=nan loss_rtpengine=nan
servers=trunkd
if command -v rtpengine >/dev/null; then
	servers+=" rtpengine"
else
	bench_log "rtpengine is not installed: no comparison"
fi
for ((rep = 0; rep < REPEAT; rep++)); do
	for srv in $servers; do
		run "$srv" ||
			{ [ "$srv" = rtpengine ] &&
				bench_log "rtpengine could not run here"; }
		c=CPU_$srv l=LOSS_$srv b=best_$srv
		cur=${!c%.*}
		if [ "$cur" != nan ] && [ -n "$cur" ] &&
			{ [ "${!b}" = nan ] || [ "$cur" -lt "${!b}" ]; }; then
			printf -v "best_$srv" %s "$cur"
			printf -v "loss_$srv" %s "${!l}"
		fi
	done
done
echo "media: trunkd cpu/pkt=${best_trunkd}ns loss=${loss_trunkd}%" \
	"rtpengine cpu/pkt=${best_rtpengine}ns loss=${loss_rtpengine}%" \
	"ratio=$(bench_ratio "$best_trunkd" "$best_rtpengine")"
