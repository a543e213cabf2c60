#!/usr/bin/env bash
# report.sh RUN...: turn the per-step results of one or more runs into
# RUN/report.ktap (KTAP v1, one subtest per step) and a readable table, apply
# testing/expected-failures, and print totals. The last line is
# "N passed, N failed, N skipped" (and RUN/totals.json has the same
# numbers as data); expected failures count as passed and
# are listed separately. Exit status 1 if anything failed.
#
# report.ktap follows Documentation/dev-tools/ktap.rst, as kunit.py parse
# reads it: the version line, the run's meta as "# " lines, the plan; per
# step an indented (two spaces) subtest: version line, "# Subtest: step K:
# TITLE" (KUnit's header), plan, then for each result its diagnostic lines
# directly BEFORE its result line, the result with "# SKIP <reason>",
# "# XFAIL <reason>" or "# XPASS ..." (a failure: "not ok"), and the step's
# "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N" line as kselftest
# prints it; then the step's own result line. The last line is the Totals
# of the step results. A result's detail (results.tsv) is a first line (the
# guest's directive or a one-line summary) and the diagnostic lines; failed,
# skipped, XFAIL/XPASS and selftests: results carry their detail, a SKIP
# reason is the first line or, if that is only "SKIP", the test's "SKIP:"
# line (else its first line).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: report.sh RUN..."
# (EXPECTED_FAILURES=... for the tooling tests' saved runs.)
EXPECTED_FAILURES=${EXPECTED_FAILURES:-$TOP/testing/expected-failures}
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
	done <"$EXPECTED_FAILURES"
	return 1
}

# skip_reason LINE...: the reason of a skipped result from its detail lines
# (the first one is the directive or a summary).
skip_reason() {
	local first=$1 l
	shift
	first=$(sed -E 's/^SKIP([: ]+|$)//I' <<<"$first")
	if [ -n "$first" ]; then
		echo "$first"
		return 0
	fi
	for l in "$@"; do
		if [[ $l =~ ^SKIP[:\ ]+(.+) ]]; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done
	for l in "$@"; do
		[ -n "$l" ] && echo "$l" && return 0
	done
	return 0
}

# diag LINE...: KTAP diagnostic lines of a subtest (two-space indent).
diag() {
	local l
	for l in "$@"; do
		if [ -n "$l" ]; then
			printf '  # %s\n' "$l"
		else
			echo "  #"
		fi
	done
}

for run in "$@"; do
	[ -f "$run/meta" ] || die "'$run' is not a run directory (no meta file); run make (or make BASE=X.Y, VARIANT=...) first"
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
	i=0 run_pass=0 run_fail=0
	for s in "${steps[@]}"; do
		i=$((i + 1))
		k=${s#step-}
		title=$(cat "$run/$s/title")
		printf '  KTAP version 1\n  # Subtest: step %s: %s\n  1..%s\n' \
			"$k" "$title" "$(wc -l <"$run/$s/results.tsv")" >>"$ktap"
		printf '\nstep %s: %s\n' "$k" "$title" >>"$txt"
		j=0 stepfail=0 s_pass=0 s_fail=0 s_xfail=0 s_xpass=0 s_skip=0
		while IFS=$'\t' read -r name st detail; do
			j=$((j + 1))
			mapfile -t lines < <(printf '%b' "$detail")
			[ ${#lines[@]} -gt 0 ] || lines=("")
			if reason=$(expect "$base" "$k" "$name"); then
				if [ "$st" = fail ]; then
					st=xfail
				elif [ "$st" = pass ]; then
					st=xpass
				fi
			fi
			# The detail lines printed before the result line: all of
			# them, but a skip's first line, which is its directive.
			from=0
			case "$st" in
			pass) line="ok $j $name"; tag=ok; pass=$((pass + 1)) s_pass=$((s_pass + 1)) ;;
			skip)
				r=$(skip_reason "${lines[@]}")
				line="ok $j $name # SKIP${r:+ $r}"; tag=SKIP; from=1
				skip=$((skip + 1)) s_skip=$((s_skip + 1)) ;;
			xfail) line="ok $j $name # XFAIL${reason:+ $reason}"; tag=XFAIL; xfail=$((xfail + 1)) s_xfail=$((s_xfail + 1)) ;;
			xpass) line="not ok $j $name # XPASS expected to fail${reason:+: $reason}"; tag=XPASS; fail=$((fail + 1)) s_xpass=$((s_xpass + 1)); stepfail=1 ;;
			*) line="not ok $j $name"; tag=FAIL; fail=$((fail + 1)) s_fail=$((s_fail + 1)); stepfail=1 ;;
			esac
			if [ -n "$detail" ] && { [ "$tag" != ok ] || [[ $name == selftests:* ]]; }; then
				diag "${lines[@]:from}" >>"$ktap"
			fi
			echo "  $line" >>"$ktap"
			printf '  %-6s %-34s %s\n' "$tag" "$name" "${lines[0]}" >>"$txt"
			if [ "$tag" != ok ] || [[ $name == selftests:* ]]; then
				printf '%s\n' "${lines[@]:1}" | sed '/^$/d' | head -n 12 | sed 's/^/         | /' >>"$txt"
			fi
		done <"$run/$s/results.tsv"
		echo "  # Totals: pass:$s_pass fail:$s_fail xfail:$s_xfail xpass:$s_xpass skip:$s_skip error:0" >>"$ktap"
		if [ "$stepfail" = 0 ]; then
			echo "ok $i step $k: $title" >>"$ktap"
			run_pass=$((run_pass + 1))
		else
			echo "not ok $i step $k: $title" >>"$ktap"
			run_fail=$((run_fail + 1))
		fi
	done
	echo "# Totals: pass:$run_pass fail:$run_fail xfail:0 xpass:0 skip:0 error:0" >>"$ktap"
	cat "$txt"
	echo "   (KTAP: $ktap)"
done
# The totals as data, for the programs that need them (scripts/test.sh),
# in every RUN: its own report covers all the runs given with it.
for run in "$@"; do
	printf '{"passed": %d, "xfail": %d, "failed": %d, "skipped": %d, "runs": %d}\n' \
		"$pass" "$xfail" "$fail" "$skip" "$#" >"$run/totals.json"
done
echo
echo "Totals: $pass passed, $xfail expected failures (labelled XFAIL, counted as passed), $fail failed, $skip skipped"
echo "$((pass + xfail)) passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
