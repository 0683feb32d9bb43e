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
	# a formatting difference is reported as -Wclang-format-violations;
	# any other failure (the file vanished, clang-format could not run)
	# is retried once and then shown as it is
	for try in 1 2; do
		out=$(clang-format --dry-run --Werror "$f" 2>&1) && break
		case $out in
		*clang-format-violations*)
			echo "not formatted: $f (scripts/check-format.sh --fix)"
			bad=$((bad + 1))
			break
			;;
		esac
		if [ "$try" = 2 ]; then
			echo "clang-format failed on $f: $out"
			bad=$((bad + 1))
		fi
	done
done
echo "$((${#files[@]} - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
