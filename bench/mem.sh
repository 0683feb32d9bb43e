#!/usr/bin/env bash
# trunkd's memory: resident set per established call, and RSS growth over
# many completed calls. SIPp as the PBX -> trunkd (IP ACL auth) -> SIPp as
# the carrier, as bench/cps.sh.
#
#  1. MEM_CALLS concurrent calls (SIPp UAC, -d 60000 -l MEM_CALLS, placed
#     at MEM_RATE/s): VmRSS before the first call and at the plateau once
#     every call is placed; per_call = (plateau - before) / established.
#     When media is anchored each call holds 4 sockets (RTP+RTCP on both
#     legs); a probe measures the descriptors per call and the count is
#     capped by the open-files limit; the output says so.
#  2. A fresh trunkd, MEM_TOTAL short calls at MEM_RATE/s: VmRSS after
#     each 20% of them (20k, 40k, ...) and after the last one; growth =
#     end - the first sample taken after MEM_LINGER_S s of load (trunkd
#     keeps completed transactions 32 s, so RSS rises for 32 s anyway).
#
# Environment (all optional): MEM_CALLS=10000 MEM_TOTAL=100000
#   MEM_RATE=1000 MEM_LINGER_S=40 BENCH_KEEP=1
#
# Last line:
#   mem: per_call=NKB calls=N rss_after_20k=AKB rss_after_100k=BKB
#   growth=GKB
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CALLS=${MEM_CALLS:-10000}
TOTAL=${MEM_TOTAL:-100000}
RATE=${MEM_RATE:-1000}
DOMAIN=bench.pstn.example.com
CALLEE=+14155550100
SCEN=$BENCH_DIR/cps
MEDIA_PORTS=12000-59999

command -v sipp >/dev/null || bench_die "sipp not installed"


# trunkd_up NAME: fresh trunkd + carrier; sets TRUNKD_PID etc.
trunkd_up() {
	bench_carrier_start "$1"
	bench_trunkd_start "$1-trunkd" --no-sandbox --media-ports "$MEDIA_PORTS"
	bench_trunkd_provision "$DOMAIN" "sip:127.0.0.1:$CARRIER_PORT" \
		$((RATE * 2)) >/dev/null || bench_die "provisioning trunkd failed"
	sleep 1
}

# pbx_start NAME CALLS HOLD_MS LIMIT: SIPp UAC in the background; sets
# PBX_PID, PBX_STF.
pbx_start() {
	PBX_STF=$BENCH_TMP/$1-pbx-stat.csv
	(cd "$BENCH_TMP" && exec timeout -k 5 600 sipp -sf "$SCEN/uac.xml" \
		-i 127.0.0.1 -p "$(bench_free_port)" \
		"127.0.0.1:$TRUNKD_SIP_PORT" -s "$CALLEE" -key domain "$DOMAIN" \
		-r "$RATE" -m "$2" -d "$3" -l "$4" -nostdin \
		-trace_stat -stf "$PBX_STF" -fd 1 -trace_err \
		-error_file "$BENCH_TMP/$1-pbx-err.log" \
		-max_recv_loops 10000 -max_sched_loops 10000) \
		>"$BENCH_TMP/$1-pbx.out" 2>&1 </dev/null &
	PBX_PID=$!
	BENCH_PIDS+=("$PBX_PID")
}

# -- 0. descriptors per call ------------------------------------------------
# With media anchored, each call holds sockets in trunkd (RTP+RTCP on both
# legs: 4); the open-files limit then caps the number of concurrent calls.
# A probe of PROBE held calls on a throw-away trunkd measures it.
nofile=$(ulimit -n)
ulimit -n "$(ulimit -Hn)" 2>/dev/null && nofile=$(ulimit -n)
[ "$nofile" = unlimited ] && nofile=1048576
PROBE=200
trunkd_up probe
fd0=$(find "/proc/$TRUNKD_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
pbx_start probe "$PROBE" 60000 "$PROBE"
for ((i = 0; i < 30; i++)); do
	[ "$(bench_sipp_col "$PBX_STF" "CurrentCall")" -ge "$PROBE" ] && break
	sleep 0.5
done
sleep 1
fd1=$(find "/proc/$TRUNKD_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
bench_stop "$PBX_PID"
bench_stop "$TRUNKD_PID"
bench_stop "$CARRIER_PID"
fd_per_call=$(awk -v a="$fd0" -v b="$fd1" -v n="$PROBE" \
	'BEGIN { printf "%.1f", (b - a) / n }')
note=
if awk -v f="$fd_per_call" 'BEGIN { exit !(f >= 0.5) }'; then
	cap=$(awk -v f="$fd_per_call" -v n="$nofile" \
		'BEGIN { printf "%d", (n - 1000) / f }')
	if [ "$CALLS" -gt "$cap" ]; then
		note=" (capped from $CALLS: open-files limit $nofile,"
		note+=" $fd_per_call descriptors per call)"
		bench_log "open-files limit $nofile allows $cap calls, not $CALLS"
		CALLS=$cap
	fi
fi
bench_log "trunkd holds $fd_per_call descriptors per call" \
	"(0: media not anchored)"

# -- 1. per established call ------------------------------------------------
trunkd_up held
rss0=$(bench_rss_kb "$TRUNKD_PID")
# calls stay up until measured: placing time plus 40 s, 60 s at least
hold=$(((CALLS / RATE + 40) * 1000))
[ "$hold" -lt 60000 ] && hold=60000
pbx_start held "$CALLS" "$hold" "$CALLS"
# placing takes CALLS/RATE s; allow 3x plus 20 s
deadline=$((SECONDS + CALLS * 3 / RATE + 20))
while [ $SECONDS -lt $deadline ]; do
	placed=$(bench_sipp_col "$PBX_STF" "OutgoingCall(C)")
	[ "$placed" -ge "$CALLS" ] && break
	kill -0 "$PBX_PID" 2>/dev/null || break
	sleep 1
done
# plateau: RSS unchanged (within 1%) for 2 s, 20 s at most
prev=0
for ((i = 0; i < 20; i++)); do
	sleep 1
	rss1=$(bench_rss_kb "$TRUNKD_PID")
	[ $((rss1 - prev)) -le $((rss1 / 100)) ] && [ $i -ge 2 ] && break
	prev=$rss1
done
sleep 1
up=$(bench_sipp_col "$PBX_STF" "CurrentCall")
failed=$(bench_sipp_col "$PBX_STF" "FailedCall(C)")
rss1=$(bench_rss_kb "$TRUNKD_PID")
bench_log "held: placed=$placed current=$up failed=$failed" \
	"rss before=${rss0}KB plateau=${rss1}KB"
per_call=$(awk -v a="$rss0" -v b="$rss1" -v n="$up" \
	'BEGIN { if (n > 0) printf "%.1f", (b - a) / n; else print "nan" }')
bench_stop "$PBX_PID"
bench_stop "$TRUNKD_PID"
bench_stop "$CARRIER_PID"

# -- 2. growth over completed calls -----------------------------------------
# RSS is sampled each time another 20% of the calls completed. trunkd keeps
# a completed call's transactions for 64*T1 = 32 s (absorbing
# retransmissions), so RSS climbs for the first 32 s of load whatever the
# rate; growth is measured from the first sample taken after LINGER
# seconds of load (steady state) to the end, and must be ~0.
LINGER=${MEM_LINGER_S:-40}
trunkd_up churn
rss_start=$(bench_rss_kb "$TRUNKD_PID")
pbx_start churn "$TOTAL" 0 $((RATE * 5))
t_start=$SECONDS
marks=() rss_marks=() steady_mark="" steady_rss=""
next=$((TOTAL / 5))
deadline=$((SECONDS + TOTAL * 3 / RATE + 60))
while [ $SECONDS -lt $deadline ] && kill -0 "$PBX_PID" 2>/dev/null; do
	done_=$(($(bench_sipp_col "$PBX_STF" "SuccessfulCall(C)") +
		$(bench_sipp_col "$PBX_STF" "FailedCall(C)")))
	if [ "$done_" -ge "$next" ] && [ "$next" -lt "$TOTAL" ]; then
		r=$(bench_rss_kb "$TRUNKD_PID")
		marks+=("$done_") rss_marks+=("$r")
		bench_log "churn: $done_ calls done after" \
			"$((SECONDS - t_start)) s, rss=${r}KB"
		if [ -z "$steady_mark" ] &&
			[ $((SECONDS - t_start)) -ge "$LINGER" ]; then
			steady_mark=$next steady_rss=$r
		fi
		next=$((next + TOTAL / 5))
	fi
	sleep 0.5
done
kill -0 "$PBX_PID" 2>/dev/null &&
	bench_log "churn: SIPp still running at deadline"
bench_stop "$PBX_PID"
ok=$(bench_sipp_col "$PBX_STF" "SuccessfulCall(C)")
cfailed=$(bench_sipp_col "$PBX_STF" "FailedCall(C)")
rss_end=$(bench_rss_kb "$TRUNKD_PID")
bench_log "churn: ok=$ok failed=$cfailed rss start=${rss_start}KB" \
	"end=${rss_end}KB"
bench_stop "$TRUNKD_PID"
bench_stop "$CARRIER_PID"
# the first sample (20%) is the "after 20k" figure of the default run
rss_mark=${rss_marks[0]:-}
mark=${marks[0]:-$((TOTAL / 5))}
if [ -n "$steady_mark" ]; then
	growth="$((rss_end - steady_rss))KB(from_$((steady_mark / 1000))k)"
else
	growth="nan(run_shorter_than_${LINGER}s)"
fi

k() { awk -v n="$1" 'BEGIN { printf "%dk", n / 1000 }'; }
echo "mem: per_call=${per_call}KB calls=$up$note fds/call=$fd_per_call" \
	"failed=$failed" \
	"rss_after_$(k "$mark")=${rss_mark:-nan}KB" \
	"rss_after_$(k "$TOTAL")=${rss_end}KB" \
	"growth=$growth churn_failed=$cfailed"
