#!/usr/bin/env bash
# CPU instructions per call, counted by valgrind's callgrind: a stable
# measure on a shared, noisy machine where seconds are not. Same call flow
# as bench/cps.sh (SIPp as the PBX -> trunkd, IP ACL auth, media anchored
# -> SIPp as the carrier; INVITE/100/180/200/ACK/BYE/200 on both legs),
# at a low rate since trunkd runs ~50x slower under valgrind.
#
#  1. trunkd starts under callgrind with instrumentation off
#     (--instr-atstart=no, one output file per thread) and is provisioned
#     through the REST API as bench/cps.sh does.
#  2. Collection on for CG_IDLE_S seconds without calls (the idle cost of
#     the loop: timers, snapshot, ...), then a dump.
#  3. SIPp places CG_CALLS calls at CG_RATE/s, each held CG_HOLD_MS; then
#     CG_TAIL_S seconds more (completed transactions linger 32 s: their
#     last timers and frees belong to the call), collection off, exit.
#  4. Instructions (Ir) of that second part, minus the idle rate times its
#     duration, divided by the completed calls: for the SIP thread
#     (thread 1, the main loop) and for every thread together.
#
# Environment (all optional):
#   CG_CALLS=500 CG_RATE=25 CG_HOLD_MS=200 CG_IDLE_S=5 CG_TAIL_S=36
#   CG_OUT=DIR   keep the callgrind.out.* files there (default: a temp dir,
#                kept when BENCH_KEEP=1); inspect them with
#                callgrind_annotate --inclusive=yes DIR/callgrind.out.PID-01
#   TRUNKD_BUILD_DIR   the build to measure (default ./build; the default
#                RelWithDebInfo build is what `make bench` measures)
#
# Last line:
#   callgrind: calls=N sip_thread=X Ir/call all_threads=Y Ir/call
#              idle=Z Ir/s
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CALLS=${CG_CALLS:-500}
RATE=${CG_RATE:-25}
HOLD=${CG_HOLD_MS:-200}
IDLE=${CG_IDLE_S:-5}
TAIL=${CG_TAIL_S:-36}
OUT=${CG_OUT:-$BENCH_TMP/cg}
DOMAIN=bench.pstn.example.com
CALLEE=+14155550100
SCEN=$BENCH_DIR/cps

command -v sipp >/dev/null || bench_die "sipp not installed"
command -v valgrind >/dev/null || bench_die "valgrind not installed"
[ -x "$BUILD_DIR/trunkd" ] || bench_die "$BUILD_DIR/trunkd not built"
mkdir -p "$OUT"

# sum_ir FILE...: the summed "totals:" Ir of callgrind output files (their
# "summary:" is wrong after a dump that zeroed the counters).
sum_ir() {
	awk '/^totals:/ { s += $2 } END { printf "%.0f\n", s }' "$@"
}

bench_carrier_start cg
TRUNKD_SIP_PORT=$(bench_free_port)
TRUNKD_API_PORT=$(bench_free_port)
mkdir -p "$BENCH_TMP/cg-data"
TRUNKD_ACCOUNT_SID=$BENCH_ACCOUNT_SID TRUNKD_AUTH_TOKEN=$BENCH_AUTH_TOKEN \
	bench_spawn "$BENCH_TMP/cg-trunkd.log" valgrind --tool=callgrind \
	--instr-atstart=no --separate-threads=yes \
	--callgrind-out-file="$OUT/callgrind.out.%p" \
	"$BUILD_DIR/trunkd" --sip "127.0.0.1:$TRUNKD_SIP_PORT" \
	--api "127.0.0.1:$TRUNKD_API_PORT" --data "$BENCH_TMP/cg-data" \
	--log-level warn --no-sandbox --media-ports 30000-39999
TRUNKD_PID=$BENCH_LAST_PID
bench_sip_ping "$TRUNKD_SIP_PORT" 60 || {
	tail -20 "$BENCH_TMP/cg-trunkd.log" >&2
	bench_die "trunkd did not answer OPTIONS"
}
bench_trunkd_provision "$DOMAIN" "sip:127.0.0.1:$CARRIER_PORT" \
	$((RATE * 4)) >/dev/null || bench_die "provisioning trunkd failed"
sleep 1

ctl() { callgrind_control "$@" "$TRUNKD_PID" >/dev/null 2>&1; }

# idle baseline
ctl -i on
sleep "$IDLE"
ctl -d idle
idle_sip=$(sum_ir "$OUT/callgrind.out.$TRUNKD_PID.1-01")
idle_all=$(sum_ir "$OUT"/callgrind.out."$TRUNKD_PID".1-*)

# calls
t0=$(date +%s.%N)
stf=$BENCH_TMP/cg-pbx-stat.csv
(cd "$BENCH_TMP" && exec timeout -k 5 $((CALLS / RATE + 120)) \
	sipp -sf "$SCEN/uac.xml" -i 127.0.0.1 -p "$(bench_free_port)" \
	"127.0.0.1:$TRUNKD_SIP_PORT" -s "$CALLEE" -key domain "$DOMAIN" \
	-r "$RATE" -m "$CALLS" -d "$HOLD" -nostdin -trace_stat -stf "$stf" \
	-fd 1 -trace_err -error_file "$BENCH_TMP/cg-pbx-err.log" \
	-timeout_error -timeout $((CALLS / RATE + 100))) \
	>"$BENCH_TMP/cg-pbx.out" 2>&1 </dev/null
rc=$?
sleep "$TAIL"
ctl -i off
t1=$(date +%s.%N)
bench_stop "$TRUNKD_PID"
bench_stop "$CARRIER_PID"

read -r ok failed < <(bench_sipp_counts "$stf" 2>/dev/null || echo "0 0")
[ "$rc" = 0 ] && [ "$ok" = "$CALLS" ] ||
	bench_log "sipp rc=$rc ok=$ok failed=$failed of $CALLS calls"
[ "$ok" -gt 0 ] || bench_die "no call completed"

# callgrind_annotate's percentages and thresholds need a right summary
for f in "$OUT"/callgrind.out."$TRUNKD_PID"-*; do
	sed -i "s/^summary: .*/summary: $(sum_ir "$f")/" "$f"
done
sip=$(sum_ir "$OUT/callgrind.out.$TRUNKD_PID-01")
all=$(sum_ir "$OUT"/callgrind.out."$TRUNKD_PID"-*)
awk -v calls="$ok" -v sip="$sip" -v all="$all" -v is="$idle_sip" \
	-v ia="$idle_all" -v idle="$IDLE" -v a="$t0" -v b="$t1" -v rc="$rc" '
BEGIN {
	d = b - a
	printf "callgrind: calls=%d sip_thread=%.0f Ir/call " \
		"all_threads=%.0f Ir/call idle=%.0f Ir/s\n", calls,
		(sip - is / idle * d) / calls, (all - ia / idle * d) / calls,
		ia / idle
}'
bench_log "profile: callgrind_annotate $OUT/callgrind.out.$TRUNKD_PID-01" \
	"(BENCH_KEEP=1 or CG_OUT=DIR to keep it)"
