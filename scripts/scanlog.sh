#!/usr/bin/env bash
# scanlog.sh CONSOLE.LOG RESULTS.JSON: apply testing/log-patterns to a
# boot's kernel log. Appends one "log: <name>" result per pattern to
# RESULTS.JSON (pass or fail, with up to 8 lines of excerpt). Patterns
# marked "info" pass and list what matched.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

logf=${1:?usage: scanlog.sh CONSOLE.LOG RESULTS.JSON}
res=${2:?usage: scanlog.sh CONSOLE.LOG RESULTS.JSON}
[ -f "$logf" ] || die "no console log '$logf'"

grep -vE '^[[:space:]]*(#|$)' "$TOP/testing/log-patterns" | while IFS="|" read -r name class re; do
	hits=$(tr -d '\r' <"$logf" | grep -E -A3 -- "$re" | head -n 8 || true)
	n=$(tr -d '\r' <"$logf" | grep -cE -- "$re" || true)
	if [ "$n" -gt 0 ] && [ "$class" = info ]; then
		result "$res" "log: $name" pass "$n lines (informational): $(tr -d '\r' <"$logf" |
			grep -oE -- "$re" | sort | uniq -c | awk '{printf "%s x%s; ", $3, $1}')"
	elif [ "$n" -gt 0 ]; then
		result "$res" "log: $name" fail "$n matching lines; first: $hits"
	else
		result "$res" "log: $name" pass none
	fi
done
