#!/usr/bin/env bash
# ktap2tsv.sh KTAP.LOG TESTS: turn the in-guest kselftest runner's KTAP into
# tab-separated result lines (name, pass|fail|skip, detail). Every requested
# test (dir/test, comma separated) must have a result line; a missing one is
# a failure.
set -euo pipefail

ktap=${1:?usage: ktap2tsv.sh KTAP.LOG TESTS}
tests=${2:?usage: ktap2tsv.sh KTAP.LOG TESTS}
[ -f "$ktap" ] || : >"$ktap"

tr -d '\r' <"$ktap" | awk '
	/^# selftests: / { diag = ""; next }
	/^# / { d = substr($0, 3); if (d !~ /^timeout set to/) diag = diag d "\\n"; next }
	/^(not )?ok [0-9]+ selftests: / {
		st = ($1 == "ok") ? "pass" : "fail"
		name = $0
		sub(/^(not )?ok [0-9]+ /, "", name)
		dir = ""
		if (name ~ / # /) { dir = name; sub(/.* # /, "", dir); sub(/ # .*/, "", name) }
		if (dir ~ /^SKIP/) st = "skip"
		gsub(/\t/, " ", diag)
		printf "%s\t%s\t%s%s\n", name, st, (dir != "" ? dir "\\n" : ""), diag
		diag = ""
	}'

for t in ${tests//,/ }; do
	name="selftests: ${t%/*}: ${t#*/}"
	tr -d '\r' <"$ktap" | grep -qE "^(not )?ok [0-9]+ $name( |$)" ||
		printf '%s\tfail\tno result (guest did not finish the test)\n' "$name"
done
