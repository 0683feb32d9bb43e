#!/usr/bin/env bash
# Checks that every C file follows .clang-format (the STYLE guide's rule,
# enforced by `make test`). Generated tables are exempt: they are
# rewritten by their generators, not by hand.
#   scripts/check-format.sh        report files that differ (exit 1)
#   scripts/check-format.sh --fix  reformat them in place
set -euo pipefail
cd "$(dirname "$0")/.."

generated=(
	src/policy/numbering_data.c # scripts/gen-numbering.mjs
	src/sip/chars.c             # src/sip/gen_chars.py
	src/sip/hdr_id.c            # src/sip/gen_hdr.py
)

mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v -x -F \
	"$(printf '%s\n' "${generated[@]}")")
if [ "${1:-}" = --fix ]; then
	clang-format -i "${files[@]}"
	exit 0
fi
bad=0
for f in "${files[@]}"; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (scripts/check-format.sh --fix)"
		bad=$((bad + 1))
	fi
done
echo "$((${#files[@]} - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
