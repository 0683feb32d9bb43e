#!/usr/bin/env bash
# Calls per second: SIPp as the PBX -> server -> SIPp as the carrier, at
# fixed rates, through trunkd (B2BUA, IP ACL auth) and through Kamailio
# (bench/cps/kamailio.cfg, a stateful record-routing proxy), same load.
# Measures per rate and server: failed calls (SIPp's counters and exit
# code) and the server's CPU time per call (user+system from
# /proc/PID/stat before/after; Kamailio's worker processes summed).
#
# Environment (all optional):
#   CPS_RATES="500 1000"   rates, calls per second
#   CPS_SECONDS=10         seconds of load per rate
#   CPS_HOLD_MS=1000       call duration between ACK and BYE
#   CPS_REPEAT=2           runs per rate and server (lowest CPU kept)
#   CPS_SERVERS="trunkd kamailio"   servers to measure; "direct" adds a
#                          baseline with the PBX sending straight to the
#                          carrier (checks the harness, no server CPU)
#   CPS_KAMAILIO_CHILDREN=1  Kamailio UDP worker processes; 1 is its
#                          cheapest setting per call here (2 cores: more
#                          workers spin on shared locks: 4 cost ~1.5x,
#                          8 ~1.4-1.7x) and matches trunkd's one SIP thread
#   CPS_KAMAILIO_MEM=tlsf  Kamailio's memory manager (-x): tlsf is the
#                          fastest here; the package's default, qm, is the
#                          debugging allocator and costs Kamailio ~2.5x CPU
#   BENCH_KEEP=1           keep the temp dir (logs, SIPp stats)
#
# Each run's log line also gives the server's context switches per call,
# voluntary (sleeps) + nonvoluntary (preemptions): on these machines a
# wake-up costs more than the system calls around it.
#
# Last lines, one per rate:
#   cps 500: trunkd failed=0 cpu/call=XXus kamailio failed=0 cpu/call=YYus
#   ratio=R
# Exit status 0 when the runs completed (targets are reported, not
# enforced: 0 failed calls, ratio <= 0.5).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

RATES=${CPS_RATES:-500 1000}
SECS=${CPS_SECONDS:-10}
HOLD=${CPS_HOLD_MS:-1000}
SERVERS=${CPS_SERVERS:-trunkd kamailio}
REPEAT=${CPS_REPEAT:-2}
KCHILDREN=${CPS_KAMAILIO_CHILDREN:-1}
KMEM=${CPS_KAMAILIO_MEM:-tlsf}
DOMAIN=bench.pstn.example.com
CALLEE=+14155550100
SCEN=$BENCH_DIR/cps

command -v sipp >/dev/null || bench_die "sipp not installed"

# kamailio_start NAME: Kamailio on a free port forwarding to the carrier;
# sets SERVER_PID/SERVER_PORT.
kamailio_start() {
	local run=$BENCH_TMP/$1-kamailio user=()
	command -v kamailio >/dev/null || bench_die "kamailio not installed"
	mkdir -p "$run"
	# root: drop to nobody, as a packaged install would
	if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
		chmod 777 "$run"
		user=(-u nobody -g "$(id -gn nobody)")
	fi
	SERVER_PORT=$(bench_free_port)
	bench_spawn "$run.log" kamailio -f "$SCEN/kamailio.cfg" -DD -E \
		-w "$run" -Y "$run" -P "$run/kamailio.pid" "${user[@]}" \
		-l "udp:127.0.0.1:$SERVER_PORT" -n "$KCHILDREN" -m 256 -M 16 -x "$KMEM" \
		-A "CARRIER=\"sip:127.0.0.1:$CARRIER_PORT\""
	SERVER_PID=$BENCH_LAST_PID
	bench_sip_ping "$SERVER_PORT" 15 || {
		tail -20 "$run.log" >&2
		bench_die "kamailio did not answer OPTIONS"
	}
}

# trunkd_start NAME RATE: trunkd provisioned for the carrier; sets
# SERVER_PID/SERVER_PORT.
trunkd_start() {
	bench_trunkd_start "$1-trunkd" --no-sandbox \
		--media-ports "${CPS_MEDIA_PORTS:-30000-39999}"
	SERVER_PID=$TRUNKD_PID
	SERVER_PORT=$TRUNKD_SIP_PORT
	bench_trunkd_provision "$DOMAIN" "sip:127.0.0.1:$CARRIER_PORT" \
		$(($2 * 2)) >/dev/null || bench_die "provisioning trunkd failed"
}

# run_pbx NAME RATE PORT: the SIPp UAC, RATE calls/s for SECS seconds to
# 127.0.0.1:PORT; sets PBX_OK, PBX_FAILED, PBX_RC, PBX_RATE.
run_pbx() {
	local name=$1 rate=$2 port=$3 n=$(($2 * SECS)) t0 t1
	local stf=$BENCH_TMP/$name-pbx-stat.csv
	t0=$(date +%s.%N)
	(cd "$BENCH_TMP" && exec timeout -k 5 $((SECS + HOLD / 1000 + 90)) \
		sipp -sf "$SCEN/uac.xml" -i 127.0.0.1 -p "$(bench_free_port)" \
		"127.0.0.1:$port" -s "$CALLEE" -key domain "$DOMAIN" \
		-r "$rate" -rp 1000 -m "$n" -l $((rate * (HOLD / 1000 + 5))) \
		-d "$HOLD" -nostdin -trace_stat -stf "$stf" -fd 1 \
		-trace_err -error_file "$BENCH_TMP/$name-pbx-err.log" \
		-max_recv_loops 10000 -max_sched_loops 10000 \
		-timeout_error -timeout $((SECS + HOLD / 1000 + 60))) \
		>"$BENCH_TMP/$name-pbx.out" 2>&1 </dev/null
	PBX_RC=$?
	t1=$(date +%s.%N)
	read -r PBX_OK PBX_FAILED < <(bench_sipp_counts "$stf" 2>/dev/null ||
		echo "0 $n")
	# calls never placed or never finished count as failed too
	PBX_FAILED=$((n - PBX_OK > PBX_FAILED ? n - PBX_OK : PBX_FAILED))
	PBX_RATE=$(awk -v n="$PBX_OK" -v a="$t0" -v b="$t1" -v h="$HOLD" \
		'BEGIN { printf "%.0f", n / (b - a - h / 1000) }')
}

# measure SERVER RATE REP: one run; sets FAILED_<server> and CPU_<server>
# (us per call).
measure() {
	local srv=$1 rate=$2 name="$1-$2-$3" t0 t1
	bench_carrier_start "$name"
	case $srv in
	kamailio) kamailio_start "$name" ;;
	trunkd) trunkd_start "$name" "$rate" ;;
	direct)
		SERVER_PID=
		SERVER_PORT=$CARRIER_PORT
		;;
	esac
	sleep 0.5
	t0=0 t1=0
	local cs0=(0 0 0) cs1=(0 0 0)
	if [ -n "$SERVER_PID" ]; then
		read -ra cs0 < <(bench_proc_stat "$SERVER_PID")
		t0=${cs0[0]:-}
	fi
	run_pbx "$name" "$rate" "$SERVER_PORT"
	if [ -n "$SERVER_PID" ]; then
		read -ra cs1 < <(bench_proc_stat "$SERVER_PID")
		t1=${cs1[0]:-}
	fi
	if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
		bench_log "$srv died during the run"
		PBX_FAILED=$((rate * SECS))
	fi
	[ -n "$SERVER_PID" ] && bench_stop "$SERVER_PID"
	bench_stop "$CARRIER_PID"
	printf -v "FAILED_$srv" %s "$PBX_FAILED"
	if [ -n "$SERVER_PID" ] && { [ -z "$t0" ] || [ -z "$t1" ] ||
		[ "$t1" -le "$t0" ]; }; then
		bench_log "$srv: no CPU reading (ticks '$t0' -> '$t1')"
		printf -v "CPU_$srv" %s nan
		t0=0 t1=0
	else
		printf -v "CPU_$srv" %s "$(bench_us_per $((t1 - t0)) "$PBX_OK")"
	fi
	bench_log "$srv @ $rate/s: ok=$PBX_OK failed=$PBX_FAILED" \
		"sipp_rc=$PBX_RC achieved=${PBX_RATE}/s" \
		"cpu=$(((t1 - t0) * 1000 / CLK_TCK))ms" \
		"cpu/call=$(c=CPU_$srv; echo "${!c}")us" \
		"switches/call=$(awk -v v=$((${cs1[1]:-0} - ${cs0[1]:-0})) \
			-v i=$((${cs1[2]:-0} - ${cs0[2]:-0})) -v n="$PBX_OK" 'BEGIN {
			if (n > 0) printf "%.2f+%.2f", v / n, i / n; else print "nan" }')"
}

# Servers alternate; with CPS_REPEAT > 1 each keeps its lowest CPU per call
# (the run least disturbed by the rest of the machine) and the sum of its
# failed calls.
summary=()
for rate in $RATES; do
	declare -A best=() fails=()
	for ((rep = 0; rep < REPEAT; rep++)); do
		for srv in $SERVERS; do
			measure "$srv" "$rate" "$rep"
			f=FAILED_$srv c=CPU_$srv
			fails[$srv]=$((${fails[$srv]:-0} + ${!f}))
			b=${best[$srv]:-nan}
			if [ "${!c}" != nan ] && { [ "$b" = nan ] ||
				[ "${!c}" -lt "$b" ]; }; then
				b=${!c}
			fi
			best[$srv]=$b
		done
	done
	line="cps $rate:"
	for srv in $SERVERS; do
		if [ "$srv" = direct ]; then
			line+=" direct failed=${fails[$srv]}"
		else
			line+=" $srv failed=${fails[$srv]} cpu/call=${best[$srv]}us"
		fi
	done
	if [[ " $SERVERS " == *" trunkd "* && " $SERVERS " == *" kamailio "* ]]
	then
		line+=" ratio=$(bench_ratio "${best[trunkd]}" "${best[kamailio]}")"
	fi
	summary+=("$line")
	unset best fails
done
printf '%s\n' "${summary[@]}"
