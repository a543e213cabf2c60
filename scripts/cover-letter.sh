#!/usr/bin/env bash
# cover-letter.sh: regenerate the generated blocks (the lines between
# "==== generated: NAME ====" and "==== end: NAME ====") of the texts that
# go out with the patches, from the latest reports. "make send" drops the
# marker lines; the text between them is what a person would write.
#
# BASE=7.3: each posting's text (patches.meta text=):
#   results  the posting's tests (tests=) and the kernel log checks at the
#            base, the base with only the test patches, and the step of the
#            posting's last patch (or the top, if the run did not boot it)
#   isolcpu  the isolated-CPU table of the latest "make bench"
#   bench    the latency, backlog-curve, kvfree and throughput tables of
#            the latest "make bench" (bench.md)
#   cpus     the CPU-axis counts of the latest BENCH_PARTS=cpus run
#   and the top-level cover-letter.txt, the overview of the whole stack
#   (scripts/stack-overview.sh), with the latest report's results.
# BASE=7.2 or 6.12: stable/X.Y/cover-letter.txt, the results block, at
#   the step before the queue's first stand-in (backports and test only).
# A block whose input is missing (a fresh clone has no .cache) is kept as
# it is. REPORT=, ISOLCPU=, BENCH=, CPUS=<dir> pick other runs than the
# latest ones.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

series=$(series_file "$BASE")
meta_check "$series"
if [ -n "${REPORT:-}" ]; then
	rep=$(readlink -f "$REPORT" || true)
	[ -f "$rep/meta" ] || die "REPORT=$REPORT is not a run directory of make"
else
	rep=$(latest_report "$BASE")
fi
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT

# test_label TEST: how a mail names an in-guest test (dir/test): the
# "# Reported as: " line of testing/selftests/TEST if it has one (a local
# wrapper of an upstream test), else the test's file name.
test_label() {
	local f=$TOP/testing/selftests/$1 l=''
	[ -f "$f" ] && l=$(sed -n 's/^# Reported as: //p' "$f" | head -n 1)
	echo "${l:-${1#*/}}"
}

# evidence_step SERIES_FILE: the step a stable queue's results are shown
# at: the one before its first stand-in (the upstream backports and the
# test, what a request asks for), or its top if it has no stand-in.
evidence_step() {
	local first
	first=$(standins "$1" | head -n 1)
	if [ -z "$first" ]; then
		series_patches "$1" | wc -l
	else
		echo $(($(series_patches "$1" | grep -nxF "$first" | cut -d: -f1) - 1))
	fi
}

# results_block STEP TESTS: the results table for tests (dir/test list)
# at step 0, 0+tests and STEP of the latest report, in words a list
# reader knows: no run ids, no step numbers, no local test names.
results_block() {
	local step=$1 tests=$2 t name top
	top=$rep/step-$step
	if [ ! -d "$top" ]; then
		step=$(find "$rep" -maxdepth 1 -name 'step-[0-9]*' -printf '%f\n' | sed 's/^step-//' | sort -n | tail -n 1)
		top=$rep/step-$step
	fi
	echo "$(results meta "$rep" package), $(results meta "$rep" variant), QEMU x86_64, a boot each:"
	printf '  %-34s %-10s %-10s %s\n' "" unpatched "test only" "patched"
	for t in build boot ${tests//,/ }; do
		case "$t" in
		*/*) name="selftests: ${t%%/*}: ${t#*/}" ;;
		*) name=$t ;;
		esac
		printf '  %-34s %-10s %-10s %s\n' "$(case "$t" in */*) test_label "$t" ;; *) echo "$t" ;; esac)" \
			"$(results status "$rep/step-0/results.json" "$name")" \
			"$(results status "$rep/step-0+tests/results.json" "$name")" \
			"$(results status "$top/results.json" "$name")"
	done
	# A column whose log checks failed says "fail (N)"; note N below the
	# table names the checks, so that the table stays 72 columns wide.
	local cells=() notes=() f n=0 c
	for f in "$rep/step-0/results.json" "$rep/step-0+tests/results.json" "$top/results.json"; do
		c=$(results log-bad "$f")
		case "$c" in
		-) cells+=(-) ;;
		'') cells+=(pass) ;;
		*)
			n=$((n + 1))
			cells+=("fail ($n)")
			notes+=("  ($n) kernel log: $c")
			;;
		esac
	done
	printf '  %-34s %-10s %-10s %s\n' "kernel log (lockdep, WARN, BUG)" "${cells[@]}"
	[ "${#notes[@]}" = 0 ] || printf '%s\n' "${notes[@]}"
}

# fill FILE: replace each generated block of FILE that has a file in $gen.
fill() {
	local out
	out=$(mktemp)
	awk -v dir="$gen" -v start="$MARKER_START" -v end="$MARKER_END" -v tpl="$(marker generated @)" '
		BEGIN { i = index(tpl, "@"); pl = i - 1; sl = length(tpl) - i }
		$0 ~ start {
			print; f = dir "/" substr($0, pl + 1, length($0) - pl - sl)
			if ((getline l < f) > 0) { print l; while ((getline l < f) > 0) print l; skip = 1 }
			next
		}
		$0 ~ end { skip = 0 }
		!skip { print }' "$1" >"$out"
	mv "$out" "$1"
	log "${1#"$TOP"/} regenerated"
}

if is_mainline "$BASE"; then
	iso=$(readlink -f "${ISOLCPU:-$CACHE/bench-isolcpu/latest-$BASE}" || true)
	bench=$(readlink -f "${BENCH:-$CACHE/bench/latest-$BASE}" || true)
	cpus=$(readlink -f "${CPUS:-$CACHE/bench-cpus/latest-$BASE}" || true)
	mapfile -t all < <(series_patches "$series")
	for p in $(meta_postings); do
		rm -f "$gen"/*
		# The step of the posting's last patch in the series.
		last=$(series_select "$series" posting "$p" | tail -n 1)
		step=0
		for i in "${!all[@]}"; do
			[ "${all[$i]}" = "$last" ] && step=$((i + 1))
		done
		if [ "$(meta_posting "$p" tests)" = - ]; then
			:
		elif [ -n "$rep" ]; then
			results_block "$step" "$(meta_posting "$p" tests)" >"$gen/results"
			# The same tests on the stable bases (also=), at the step
			# with their backports and the test (evidence_step).
			also=$( (meta_posting "$p" also) 2>/dev/null || true)
			for b in ${also//,/ }; do
				r=$(latest_report "$b")
				if [ -n "$r" ] && [ -f "$r/meta" ] && [ -f "$r/step-0/results.json" ]; then
					echo
					rep=$r results_block "$(evidence_step "$(series_file "$b")")" \
						"$(meta_posting "$p" tests)"
				else
					log "no report for $b (run make BASE=$b): left out of $p's results"
				fi
			done >>"$gen/results"
		else
			log "no report for $BASE (run make): results blocks left as they are"
		fi
		if [ -n "$iso" ] && [ -f "$iso/isolcpu.md" ]; then
			cp "$iso/isolcpu.md" "$gen/isolcpu"
		fi
		if [ -n "$bench" ] && [ -f "$bench/bench.md" ]; then
			cp "$bench/bench.md" "$gen/bench"
		fi
		if [ -n "$cpus" ] && [ -f "$cpus/cpus.md" ]; then
			cp "$cpus/cpus.md" "$gen/cpus"
		fi
		fill "$TOP/$(meta_posting "$p" text)"
	done
	"$TOP/scripts/stack-overview.sh" "$rep" >"$TOP/cover-letter.txt"
	log "cover-letter.txt regenerated"
else
	rm -f "$gen"/*
	if [ -n "$rep" ]; then
		results_block "$(evidence_step "$series")" "$(meta_queue "$BASE" tests)" >"$gen/results"
	else
		log "no report for $BASE (run make BASE=$BASE): results block left as it is"
	fi
	fill "$(dirname "$series")/cover-letter.txt"
fi
