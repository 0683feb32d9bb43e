#!/usr/bin/env bash
# The official Twilio Node.js helper library (npm "twilio", pinned by
# tests/node/package-lock.json) drives build/trunkd: trunks, IP ACLs,
# credential lists, origination URLs, phone numbers, connection policies,
# dialing permissions and alerts (tests/node/twilio_client.js).
# Installs the library with `npm ci` when tests/node/node_modules is
# missing. Prints "N passed, N failed" last; exit 1 on any failure.
set -u

SRC="${TRUNKD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUILD="${TRUNKD_BUILD_DIR:-$SRC/build}"
NODE_DIR="$SRC/tests/node"
passed=0
failed=0
pid=""
data=""

check() { # check NAME CONDITION-EXIT-STATUS
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok   $1"
	else
		failed=$((failed + 1))
		echo "FAIL $1"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
	fi
	[ -n "$data" ] && rm -rf "$data"
}
trap cleanup EXIT

free_port() { # free_port tcp|udp
	python3 - "$1" <<'EOF'
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
EOF
}

if [ ! -d "$NODE_DIR/node_modules/twilio" ]; then
	(cd "$NODE_DIR" && npm ci --no-audit --no-fund >/dev/null 2>&1)
	check "npm ci in tests/node" $?
	[ -d "$NODE_DIR/node_modules/twilio" ] || finish
fi

bin="$BUILD/trunkd"
[ -x "$bin" ]
check "build/trunkd exists" $?
[ -x "$bin" ] || finish

data=$(mktemp -d /tmp/trunkd-node-XXXXXX)
sid="AC$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
token="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
api_port=$(free_port tcp)
sip_port=$(free_port udp)

TRUNKD_ACCOUNT_SID="$sid" TRUNKD_AUTH_TOKEN="$token" \
	"$bin" --sip "127.0.0.1:$sip_port" --api "127.0.0.1:$api_port" --no-sandbox \
	--data "$data" >"$data/trunkd.log" 2>&1 &
pid=$!

up=1
for _ in $(seq 1 100); do
	if ! kill -0 "$pid" 2>/dev/null; then
		break
	fi
	code=$(curl -s -o /dev/null -w '%{http_code}' -u "$sid:$token" \
		"http://127.0.0.1:$api_port/v1/Trunks" 2>/dev/null)
	if [ "$code" = "200" ]; then
		up=0
		break
	fi
	sleep 0.1
done
check "trunkd API up on 127.0.0.1:$api_port" $up
if [ $up -ne 0 ]; then
	tail -c 2000 "$data/trunkd.log"
	finish
fi

out=$(cd "$NODE_DIR" && TRUNKD_API="http://127.0.0.1:$api_port" \
	TRUNKD_ACCOUNT_SID="$sid" TRUNKD_AUTH_TOKEN="$token" \
	timeout 120 node twilio_client.js 2>&1)
rc=$?
echo "$out" | sed '$d'
last=$(echo "$out" | tail -n 1)
if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	passed=$((passed + BASH_REMATCH[1]))
	failed=$((failed + BASH_REMATCH[2]))
else
	echo "$last"
fi
check "node client exit status" $rc

kill -TERM "$pid"
wait "$pid"
check "trunkd stopped cleanly after SIGTERM" $?
pid=""
finish
