#!/usr/bin/env bats
# Tooling tests: a bad setting fails before anything is fetched or built,
# in under a second, with a message that names the fix.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

# bad VAR=VALUE MESSAGE [SCRIPT]: scripts/SCRIPT (default run.sh) with
# VAR=VALUE and an empty cache fails fast, says MESSAGE, and leaves the
# cache empty.
bad() {
	local c=$tmp/cache-$RANDOM start end
	mkdir -p "$c"
	start=$(date +%s%N)
	run env CACHE="$c" "$1" "$S/${3:-run.sh}"
	end=$(date +%s%N)
	[ "$status" -ne 0 ] || { echo "exit 0 for $1"; return 1; }
	grep -qF "$2" <<<"$output" || { echo "output: $output"; return 1; }
	[ -z "$(ls -A "$c")" ] || { echo "cache touched: $(ls -A "$c")"; return 1; }
	[ $(((end - start) / 1000000)) -lt 1000 ] || { echo "took $(((end - start) / 1000000)) ms"; return 1; }
}

@test "settings: a mistyped STEPS fails before any fetch" {
	bad STEPS=ennds "STEPS must be all or ends, not 'ennds'"
}

@test "settings: an unknown VARIANT fails before any fetch" {
	bad VARIANT=lockdepp "VARIANT must be lockdep, kasan, torture or perf"
}

@test "settings: a TESTS entry that names no test fails" {
	bad TESTS=vmalloc/drain_placment.sh "TESTS entry 'vmalloc/drain_placment.sh' names no test"
}

@test "settings: a TESTS entry without its directory fails" {
	bad TESTS=drain_placement.sh "is not DIR/TEST"
}

@test "settings: a test the series adds to the kernel tree is accepted" {
	run bash -c 'TESTS=mm/test_percpu_gfp.sh,torture/reclaim_stall.sh; . "$1/lib.sh"; check_settings "$TOP/series"' _ "$S"
	[ "$status" = 0 ] || { echo "$output"; return 1; }
}

@test "settings: every script answers --help with its usage, doing nothing else" {
	local f out rc
	for f in "$S"/*.sh "$S"/*.py; do
		case ${f##*/} in lib.sh | bases.sh | abrun.py | wqtrace.py) continue ;; esac
		rc=0
		if [[ $f == *.py ]]; then out=$(CACHE=$tmp/none timeout 10 python3 "$f" --help 2>&1) || rc=$?
		else out=$(CACHE=$tmp/none timeout 10 "$f" --help 2>&1) || rc=$?; fi
		[ "$rc" = 0 ] && [ -n "$out" ] || { echo "${f##*/} --help: exit $rc: $out"; return 1; }
		! grep -qE "^(error: |Traceback)" <<<"$out" || { echo "${f##*/} --help: $out"; return 1; }
	done
	[ ! -e "$tmp/none" ]
}

@test "settings: make ablation refuses steps out of order" {
	bad ABLATION_STEPS="2 1" "AB_STEPS must be ascending step numbers, not '2 1'" ablation.sh
}

@test "settings: make ablation refuses a step that is not a number" {
	bad ABLATION_STEP=two "ABLATION_STEP must be a patch number" ablation.sh
}

@test "settings: make ablation refuses an unknown posting" {
	bad ABLATION_POSTING=dran "no 'order' for posting 'dran'" ablation.sh
}

@test "settings: make bench refuses an unknown part" {
	bad BENCH_PARTS=throughput,ablaton "BENCH_PARTS: unknown part 'ablaton'" bench.sh
}
