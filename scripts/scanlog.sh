#!/usr/bin/env bash
# scanlog.sh CONSOLE.LOG: apply testing/log-patterns to a boot's kernel log.
# Prints one "log: <name>" result line per pattern in the tab-separated
# result format (name, pass|fail, detail), with up to 8 lines of excerpt.
# Patterns marked "info" pass and list what matched.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

logf=${1:?usage: scanlog.sh CONSOLE.LOG}
[ -f "$logf" ] || die "no console log '$logf'"

grep -vE '^[[:space:]]*(#|$)' "$TOP/testing/log-patterns" | while IFS="|" read -r name class re; do
	hits=$(tr -d '\r' <"$logf" | grep -E -A3 -- "$re" | head -n 8 || true)
	n=$(tr -d '\r' <"$logf" | grep -cE -- "$re" || true)
	if [ "$n" -gt 0 ] && [ "$class" = info ]; then
		printf 'log: %s\tpass\t%s lines (informational): %s\n' "$name" "$n" \
			"$(tr -d '\r' <"$logf" | grep -oE -- "$re" | sort | uniq -c | awk '{printf "%s x%s; ", $3, $1}')"
	elif [ "$n" -gt 0 ]; then
		printf 'log: %s\tfail\t%s matching lines; first: %s\n' "$name" "$n" \
			"$(awk '{gsub(/\t/, " "); printf "%s\\n", $0}' <<<"$hits")"
	else
		printf 'log: %s\tpass\tnone\n' "$name"
	fi
done
