#!/usr/bin/env bash
# report.sh RUN...: turn the per-step results of one or more runs into
# RUN/report.ktap (KTAP v1, one subtest per step) and a readable table, apply
# testing/expected-failures, and print totals. The last line is
# "N passed, N failed, N skipped"; expected failures count as passed and
# are listed separately. Exit status 1 if anything failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: report.sh RUN..."
pass=0 fail=0 skip=0 xfail=0

# expect BASE STEP NAME: print the reason if this result is expected to fail.
expect() {
	local b s n r
	while IFS='|' read -r b s n r; do
		case "$b" in '#'* | '') continue ;; esac
		# shellcheck disable=SC2053 # base and step columns are globs
		if [[ $1 == $b ]] && [[ $2 == $s ]] && [ "$3" = "$n" ]; then
			echo "$r"
			return 0
		fi
	done <"$TOP/testing/expected-failures"
	return 1
}

for run in "$@"; do
	[ -f "$run/meta" ] || die "'$run' is not a run directory"
	base=$(sed -n 's/^base=//p' "$run/meta")
	ktap=$run/report.ktap
	txt=$run/report.txt
	mapfile -t steps < <(find "$run" -maxdepth 1 -name 'step-*' -printf '%f\n' | sort -t- -k2,2n -k2)
	{
		echo "KTAP version 1"
		sed 's/^/# /' "$run/meta"
		echo "1..${#steps[@]}"
	} >"$ktap"
	{
		echo "== $(basename "$run") =="
		sed 's/^/   /' "$run/meta"
	} >"$txt"
	i=0
	for s in "${steps[@]}"; do
		i=$((i + 1))
		k=${s#step-}
		title=$(cat "$run/$s/title")
		printf '    KTAP version 1\n    # step %s: %s\n    1..%s\n' \
			"$k" "$title" "$(wc -l <"$run/$s/results.tsv")" >>"$ktap"
		printf '\nstep %s: %s\n' "$k" "$title" >>"$txt"
		j=0 stepfail=0
		while IFS=$'\t' read -r name st detail; do
			j=$((j + 1))
			if reason=$(expect "$base" "$k" "$name"); then
				if [ "$st" = fail ]; then
					st=xfail
				elif [ "$st" = pass ]; then
					st=xpass
				fi
			fi
			case "$st" in
			pass) line="ok $j $name"; tag=ok; pass=$((pass + 1)) ;;
			skip) line="ok $j $name # SKIP"; tag=SKIP; skip=$((skip + 1)) ;;
			xfail) line="ok $j $name # XFAIL $reason"; tag=XFAIL; xfail=$((xfail + 1)) ;;
			xpass) line="not ok $j $name # XPASS expected to fail: $reason"; tag=XPASS; fail=$((fail + 1)); stepfail=1 ;;
			*) line="not ok $j $name"; tag=FAIL; fail=$((fail + 1)); stepfail=1 ;;
			esac
			echo "    $line" >>"$ktap"
			printf '  %-6s %-34s %s\n' "$tag" "$name" "$(printf '%b' "$detail" | head -n 1)" >>"$txt"
			if [ "$tag" != ok ] || [[ $name == selftests:* ]]; then
				printf '%b' "$detail" | tail -n +2 | sed 's/^/    # /' >>"$ktap"
				printf '%b' "$detail" | tail -n +2 | sed '/^$/d' | head -n 12 | sed 's/^/         | /' >>"$txt"
			fi
		done <"$run/$s/results.tsv"
		if [ "$stepfail" = 0 ]; then
			echo "ok $i step $k: $title" >>"$ktap"
		else
			echo "not ok $i step $k: $title" >>"$ktap"
		fi
	done
	cat "$txt"
	echo "   (KTAP: $ktap)"
done
echo
echo "Totals: $pass passed, $xfail expected failures (labelled XFAIL, counted as passed), $fail failed, $skip skipped"
echo "$((pass + xfail)) passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
