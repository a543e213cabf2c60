#!/usr/bin/env bash
# cover-letter.sh: regenerate the generated parts of cover-letter.txt (the
# lines between "==== generated: NAME ====" and "==== end: NAME ====") from the
# series applied to the cached base tree and from the latest report:
# shortlog, diffstat, results table, benchmark tables and base information. For BASE=7.2 or
# 6.12 the stable series' own stable/X.Y/cover-letter.txt is updated.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${BASE:-7.3}
series=$(series_file "$BASE")
cover=$(dirname "$series")/cover-letter.txt
tree=$(tree_dir "$BASE")
lock_base "$BASE"
"$TOP/scripts/fetch-base.sh" "$BASE"
top=$(FORCE_BRANCH=1 "$TOP/scripts/apply.sh" "$tree" "$series" series base | tail -n 1)

gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
git -C "$tree" shortlog base.."$top" >"$gen/shortlog"
git -C "$tree" diff --stat=72 base "$top" >"$gen/diffstat"
{
	echo "base-commit: none (Debian $(base_field "$BASE" 2) $(base_version "$BASE"),"
	echo "  a source tarball without upstream history; no commit id exists)"
} >"$gen/base"

# A block whose input is missing (a fresh clone has no .cache) keeps the
# text it has, which names the run it came from; only blocks with a file
# in $gen are replaced.

# Results: each test of the latest report, at the base and at the top.
# REPORT=<run dir> picks another run than the latest one.
rep=$(readlink -f "${REPORT:-$CACHE/reports/latest-$BASE}" || true)
if [ -n "$rep" ] && [ -f "$rep/meta" ]; then
	first=$rep/step-0/results.tsv
	# The steps this run booted: all of them (make) or the ends (make test);
	# the highest number is the top of the series.
	steps=$(find "$rep" -maxdepth 1 -name 'step-*' -printf '%f\n' | sed 's/^step-//' | sort -n)
	numbered=$(grep -x '[0-9]*' <<<"$steps")
	top_step=$(tail -n 1 <<<"$numbered")
	last=$rep/step-$top_step/results.tsv
	{
		echo "Measured by the harness ($(basename "$rep"), $(sed -n 's/^package=//p' "$rep/meta"), $(sed -n 's/^variant=//p' "$rep/meta"), QEMU $(cat "$rep/step-0/accel" 2>/dev/null || echo ?)),"
		echo "steps $(paste -sd, - <<<"$steps" | sed 's/,/, /g') of 0..$(series_patches "$series" | wc -l):"
		tests=$rep/step-0+tests/results.tsv
		[ -f "$tests" ] || tests=/dev/null
		printf '  %-40s %-6s %-11s %s\n' "result" "base" "base+tests" "series"
		while IFS=$'\t' read -r name st _; do
			printf '  %-40s %-6s %-11s %s\n' "$name" "$st" \
				"$(awk -F'\t' -v n="$name" '$1 == n {print $2}' "$tests")" \
				"$(awk -F'\t' -v n="$name" '$1 == n {print $2}' "$last")"
		done <"$first"
		# Steps between the base and the top, when the run booted them.
		mapfile -t mid < <(grep -vx -e 0 -e "$top_step" <<<"$numbered" |
			sed "s|.*|$rep/step-&/results.tsv|")
		if [ "${#mid[@]}" -gt 0 ]; then
			awk -F'\t' '{ n++ } $2 == "fail" { f++ } END {
				printf "  steps between base and series (%d): %d results, %d failed\n", ARGC - 1, n, f }' "${mid[@]}"
		fi
		echo "  (base+tests: the base with only the test patches of the series; a"
		echo "   fail there is a test of fixed behaviour failing on unfixed code)"
		hb=$(sed -n 's/.*hog_reports .*total=\([0-9]*\).*/\1/p' "$rep/step-0/ktap.log" | head -n 1)
		ht=$(sed -n 's/.*hog_reports .*total=\([0-9]*\).*/\1/p' "$(dirname "$last")/ktap.log" | head -n 1)
		echo "  drain hog reports under the same stress: base ${hb:-?}, series ${ht:-?}"
	} >"$gen/results"
else
	log "no report for $BASE (run make): results block left as it is"
fi

# block NAME DIR FILE WHAT HINT: the generated block NAME from DIR/FILE (a
# Markdown report of a bench or torture run); without it the block is kept.
block() {
	local dir
	dir=$(readlink -f "$2" || true)
	if [ -n "$dir" ] && [ -f "$dir/$3" ]; then
		{
			echo "Measured by $5 ($(basename "$dir")):"
			echo
			cat "$dir/$3"
		} >"$gen/$1"
	else
		log "no $4 for $BASE (run $5): $1 block left as it is"
	fi
}
# The latest "make bench" and "make torture" (BENCH= / TORTURE=<dir> for others).
block bench "${BENCH:-$CACHE/bench/latest-$BASE}" bench.md benchmark "make bench"
block reliability "${TORTURE:-$CACHE/torture/latest-$BASE}" reliability.md "torture run" "make torture"

# Replace each generated block in place.
out=$(mktemp)
awk -v dir="$gen" '
	/^==== generated: [a-z]+ ====$/ {
		print; f = dir "/" $3
		if ((getline l < f) > 0) { print l; while ((getline l < f) > 0) print l; skip = 1 }
		next
	}
	/^==== end: [a-z]+ ====$/ { skip = 0 }
	!skip { print }' "$cover" >"$out"
mv "$out" "$cover"
log "cover-letter.txt regenerated"
