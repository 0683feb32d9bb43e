# shellcheck shell=bash
# Shared helpers of the benchmark scripts (bench/cps.sh, bench/mem.sh,
# bench/media.sh). Source it; it defines functions and a cleanup trap,
# nothing runs at load time except variable defaults.
#
# Every helper is bounded in time; every process started through
# bench_spawn is killed (by its own pid) when the script exits.

BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
TOP_DIR=${TOP_DIR:-$(cd "$BENCH_DIR/.." && pwd)}
BUILD_DIR=${TRUNKD_BUILD_DIR:-$TOP_DIR/build}
CLK_TCK=$(getconf CLK_TCK)
# Fixed bootstrap credentials so the scripts can use the REST API.
BENCH_ACCOUNT_SID=${BENCH_ACCOUNT_SID:-AC$(printf 'be%.0s' $(seq 16))}
BENCH_AUTH_TOKEN=${BENCH_AUTH_TOKEN:-Bench-t0ken-0123456789abcdef}

BENCH_PIDS=()
BENCH_TMP=$(mktemp -d /tmp/trunkd-bench.XXXXXX)

bench_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
bench_die() { echo "bench: error: $*" >&2; exit 1; }

# Kill every process this script started (by pid, children of kamailio
# follow their parent), remove the temp dir unless BENCH_KEEP=1.
bench_cleanup() {
	local p
	for p in "${BENCH_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${BENCH_PIDS[@]}"; do
		bench_wait_exit "$p" 5 || kill -KILL "$p" 2>/dev/null
	done
	BENCH_PIDS=()
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: kept $BENCH_TMP" >&2
	else
		rm -rf "$BENCH_TMP"
	fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# bench_spawn LOG CMD ARGS... : start CMD in the background, output to LOG;
# sets BENCH_LAST_PID.
bench_spawn() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 </dev/null &
	BENCH_LAST_PID=$!
	BENCH_PIDS+=("$BENCH_LAST_PID")
}

# bench_stop PID: SIGTERM, wait up to 10 s, then SIGKILL. Returns the exit
# status when it was our child.
bench_stop() {
	local p=$1 rc=0
	kill -TERM "$p" 2>/dev/null || return 0
	bench_wait_exit "$p" 10 || kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null || rc=$?
	local keep=() q
	for q in "${BENCH_PIDS[@]}"; do
		[ "$q" = "$p" ] || keep+=("$q")
	done
	BENCH_PIDS=("${keep[@]}")
	return $rc
}

# bench_wait_exit PID SECONDS: 0 once PID is gone, 1 on timeout.
bench_wait_exit() {
	local p=$1 n=$(($2 * 10)) i
	for ((i = 0; i < n; i++)); do
		kill -0 "$p" 2>/dev/null || return 0
		# a zombie child counts as gone
		[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# bench_free_port: a port free for UDP and TCP on 127.0.0.1, never one
# handed out before in this run (two picks before either is bound must
# not collide).
bench_free_port() {
	python3 - "$BENCH_TMP/ports" <<'EOF'
import random, socket, sys
path = sys.argv[1]
try:
    used = set(open(path).read().split())
except OSError:
    used = set()
for _ in range(500):
    # above the kernel's ephemeral range and trunkd's media ranges
    p = random.randint(61000, 64999)
    if str(p) in used:
        continue
    socks = []
    try:
        for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, k)
            socks.append(s)
            s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    with open(path, "a") as f:
        f.write("%d\n" % p)
    print(p)
    sys.exit(0)
sys.exit(1)
EOF
}

# bench_sip_ping PORT SECONDS: 0 once something answers an OPTIONS on
# 127.0.0.1:PORT (any response code), 1 on timeout.
bench_sip_ping() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
lp = s.getsockname()[1]
s.settimeout(0.2)
end = time.time() + secs
n = 0
while time.time() < end:
    n += 1
    m = ("OPTIONS sip:ping@127.0.0.1:%d SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKping%d;rport\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:ping@127.0.0.1>;tag=p%d\r\n"
         "To: <sip:ping@127.0.0.1>\r\nCall-ID: ping%d-%d\r\n"
         "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
         % (port, lp, n, n, n, lp))
    s.sendto(m.encode(), ("127.0.0.1", port))
    try:
        d, _ = s.recvfrom(65535)
        if d.startswith(b"SIP/2.0 "):
            sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
EOF
}

# bench_proc_stat PID...: for each PID and its live direct children
# (kamailio's workers), summed: "TICKS VOLUNTARY NONVOLUNTARY": user+system
# clock ticks used so far (a process's own counters include its threads),
# and the context switches of all their threads (a voluntary one is a
# sleep, e.g. in epoll_wait; a nonvoluntary one a preemption; threads that
# exited are not counted). Processes that vanish while /proc is read are
# skipped. Prints nothing and fails when no PID was found.
bench_proc_stat() {
	python3 - "$@" <<'EOF'
import os, sys
pids = set(sys.argv[1:])
ticks, vol, inv, seen = 0, 0, 0, 0
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % d) as f:
            s = f.read()
        f = s[s.rindex(")") + 2:].split()
        if d not in pids and f[1] not in pids:
            continue
        t, v, n = int(f[11]) + int(f[12]), 0, 0
        for task in os.listdir("/proc/%s/task" % d):
            with open("/proc/%s/task/%s/status" % (d, task)) as st:
                for line in st:
                    if line.startswith("voluntary_ctxt_switches:"):
                        v += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        n += int(line.split()[1])
    except (OSError, ValueError, IndexError):
        continue
    ticks, vol, inv = ticks + t, vol + v, inv + n
    seen += d in pids
sys.exit(1) if not seen else print(ticks, vol, inv)
EOF
}

# bench_rss_kb PID: resident set size (VmRSS) in KB.
bench_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# bench_us_per TICKS COUNT: microseconds of CPU per unit (integer).
bench_us_per() {
	awk -v t="$1" -v c="$2" -v hz="$CLK_TCK" \
		'BEGIN { if (c > 0) printf "%d\n", t * 1e6 / hz / c; else print "nan" }'
}

# bench_ratio A B: A/B with two decimals ("nan" when B is 0 or missing).
bench_ratio() {
	awk -v a="$1" -v b="$2" \
		'BEGIN { if (b + 0 > 0) printf "%.2f\n", a / b; else print "nan" }'
}

# bench_trunkd_start LOGNAME [ARGS...]: start build/trunkd on free loopback
# ports with the bench credentials; sets TRUNKD_PID, TRUNKD_SIP_PORT,
# TRUNKD_API_PORT. Dies when it does not answer OPTIONS within 15 s.
bench_trunkd_start() {
	local name=$1
	shift
	[ -x "$BUILD_DIR/trunkd" ] || bench_die "$BUILD_DIR/trunkd not built"
	TRUNKD_SIP_PORT=$(bench_free_port)
	TRUNKD_API_PORT=$(bench_free_port)
	local data="$BENCH_TMP/$name-data"
	mkdir -p "$data"
	TRUNKD_ACCOUNT_SID=$BENCH_ACCOUNT_SID \
		TRUNKD_AUTH_TOKEN=$BENCH_AUTH_TOKEN \
		bench_spawn "$BENCH_TMP/$name.log" "$BUILD_DIR/trunkd" \
		--sip "127.0.0.1:$TRUNKD_SIP_PORT" \
		--api "127.0.0.1:$TRUNKD_API_PORT" --data "$data" \
		--log-level "${BENCH_TRUNKD_LOG:-warn}" "$@"
	TRUNKD_PID=$BENCH_LAST_PID
	bench_sip_ping "$TRUNKD_SIP_PORT" 15 || {
		tail -20 "$BENCH_TMP/$name.log" >&2
		bench_die "trunkd did not answer OPTIONS"
	}
}

# bench_api METHOD PATH [KEY=VALUE...]: REST call to the running trunkd;
# prints the JSON body, fails on an HTTP error.
bench_api() {
	local method=$1 path=$2 args=()
	shift 2
	local kv
	for kv in "$@"; do
		args+=(--data-urlencode "$kv")
	done
	curl -sS --fail-with-body -m 10 -X "$method" \
		-u "$BENCH_ACCOUNT_SID:$BENCH_AUTH_TOKEN" "${args[@]}" \
		"http://127.0.0.1:$TRUNKD_API_PORT$path"
}

# bench_json_sid: the "sid" of the JSON object on stdin.
bench_json_sid() {
	python3 -c 'import json,sys; print(json.load(sys.stdin)["sid"])'
}

# bench_trunkd_provision DOMAIN CARRIER_URI CPS: a trunk with DomainName
# DOMAIN, IP ACL 127.0.0.1, a connection policy targeting CARRIER_URI,
# CpsLimit CPS. Prints the trunk sid.
bench_trunkd_provision() {
	local domain=$1 carrier=$2 cps=$3 a=/2010-04-01/Accounts/$BENCH_ACCOUNT_SID
	local tk acl pol
	tk=$(bench_api POST /v1/Trunks FriendlyName=bench \
		"DomainName=$domain" "CpsLimit=$cps" | bench_json_sid) ||
		return 1
	acl=$(bench_api POST "$a/SIP/IpAccessControlLists.json" \
		FriendlyName=bench-loopback | bench_json_sid) || return 1
	bench_api POST "$a/SIP/IpAccessControlLists/$acl/IpAddresses.json" \
		FriendlyName=lo IpAddress=127.0.0.1 >/dev/null || return 1
	bench_api POST "/v1/Trunks/$tk/IpAccessControlLists" \
		"IpAccessControlListSid=$acl" >/dev/null || return 1
	pol=$(bench_api POST /v1/ConnectionPolicies \
		FriendlyName=bench-carrier | bench_json_sid) || return 1
	bench_api POST "/v1/ConnectionPolicies/$pol/Targets" \
		"Target=$carrier" Priority=1 Weight=10 >/dev/null || return 1
	bench_api POST "/v1/Trunks/$tk" "ConnectionPolicySid=$pol" \
		>/dev/null || return 1
	echo "$tk"
}

# bench_sipp_counts STATFILE: "SUCCESS FAILED" from the last row of a SIPp
# -trace_stat CSV file (cumulative counters).
bench_sipp_counts() {
	awk -F';' '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ last = $0 }
	END {
		n = split(last, f, ";")
		s = f[col["SuccessfulCall(C)"]]; x = f[col["FailedCall(C)"]]
		printf "%d %d\n", s, x
	}' "$1"
}

# bench_sipp_col STATFILE COLUMN: the last value of COLUMN (e.g.
# "OutgoingCall(C)") in a SIPp -trace_stat CSV file; 0 when not there yet.
bench_sipp_col() {
	awk -F';' -v c="$2" '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
	{ last = $0 }
	END { n = split(last, f, ";"); printf "%d\n", (k && k <= n) ? f[k] : 0 }
	' "$1" 2>/dev/null || echo 0
}

# bench_carrier_start NAME: SIPp UAS on a free port; sets CARRIER_PID/PORT.
bench_carrier_start() {
	CARRIER_PORT=$(bench_free_port)
	(cd "$BENCH_TMP" && exec sipp -sf "$BENCH_DIR/cps/uas.xml" -i 127.0.0.1 \
		-p "$CARRIER_PORT" -nostdin -trace_err \
		-error_file "$BENCH_TMP/$1-carrier-err.log" \
		-max_recv_loops 10000 -max_sched_loops 10000) \
		>"$BENCH_TMP/$1-carrier.out" 2>&1 </dev/null &
	CARRIER_PID=$!
	BENCH_PIDS+=("$CARRIER_PID")
	sleep 0.3
	kill -0 "$CARRIER_PID" 2>/dev/null ||
		bench_die "carrier SIPp did not start: $(cat "$BENCH_TMP/$1-carrier.out")"
}
