#!/usr/bin/env bash
# build/sipcheck on every RFC 4475 and RFC 5118 torture message: one line
# "FILE: valid" / "FILE: invalid: REASON" each, classified as INDEX.tsv
# (RFC 4475) and the RFC (5118; see tests/unit/test_sip_torture.c for the
# two files whose Content-Length is larger than their body), exit 0; and
# "-" reads stdin.
set -u
B=${TRUNKD_BUILD_DIR:-build}
S=${TRUNKD_SHARED_DIR:-../shared}/testdata/sip
CHECK="$B/sipcheck"
fail=0

bad() { echo "FAIL: $*"; fail=1; }

[ -x "$CHECK" ] || { echo "FAIL: $CHECK missing"; exit 1; }

expect() { # file expected(valid|invalid)
	local f=$1 want=$2 out rc
	out=$("$CHECK" "$f"); rc=$?
	[ $rc -eq 0 ] || bad "$f: exit $rc"
	case "$want" in
	valid) [ "$out" = "$f: valid" ] || bad "$f: got '$out', want valid" ;;
	invalid) [[ "$out" == "$f: invalid: "?* ]] ||
		bad "$f: got '$out', want invalid" ;;
	esac
}

n=0
while IFS=$'\t' read -r name want _; do
	[ "$name" = name ] && continue
	expect "$S/rfc4475/$name.dat" "$want"
	n=$((n + 1))
done < "$S/rfc4475/INDEX.tsv"
[ $n -eq 50 ] || bad "read $n RFC 4475 entries, want 50"

for f in "$S"/rfc5118/*; do
	case "$(basename "$f")" in
	ipv6-bad | ipv6-in-sdp | mult-ip-in-sdp) expect "$f" invalid ;;
	*) expect "$f" valid ;;
	esac
done
out=$("$CHECK" "$S/rfc5118/ipv6-in-sdp")
[ "$out" = "$S/rfc5118/ipv6-in-sdp: invalid: Content-Length larger than body" ] ||
	bad "ipv6-in-sdp reason: $out"

# several files in one call, one line each, in order
out=$("$CHECK" "$S/rfc4475/wsinv.dat" "$S/rfc4475/insuf.dat")
want="$S/rfc4475/wsinv.dat: valid
$S/rfc4475/insuf.dat: invalid: Missing Call-ID header"
[ "$out" = "$want" ] || bad "multi-file output: $out"

# stdin
out=$("$CHECK" - < "$S/rfc4475/esc01.dat")
[ "$out" = "-: valid" ] || bad "stdin: $out"
out=$(printf 'garbage\r\n\r\n' | "$CHECK" -)
[[ "$out" == "-: invalid: "?* ]] || bad "stdin garbage: $out"

[ $fail -eq 0 ] && echo "sipcheck: all torture messages classified"
exit $fail
