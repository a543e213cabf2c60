#!/usr/bin/env bats
# Tooling tests: the report code of make bench, make torture and the cover
# letters, on fixtures.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"
# shellcheck source=testing/tooling/report-fixtures.bash
. "$BATS_TEST_DIRNAME/report-fixtures.bash"

@test "bench report targets" {
	bench_fixture "$tmp/bench" 1000000
	python3 "$S/bench-report.py" "$tmp/bench" >"$tmp/bench.out" || return 1
	python3 - "$tmp/bench/bench.json" <<'PY' || return 1
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["targets"]}
assert not [n for n in t if "hog" in n]
assert t["max probe latency during drains (same CPU): series <= base/10"]["met"] is True
assert t["max probe latency whole churn window: series <= base/10"]["met"] is True
v = {n.split()[1].rstrip(":"): x for n, x in t.items() if n.startswith("test_vmalloc")}
fix, full, align = v["fix_size_alloc_test"], v["full_fit_alloc_test"], v["align_alloc_test"]
assert fix["verdict"] == "no regression" and fix["met"] is True, fix
assert fix["ratio_by_pass"] == {"1": 1.0, "2": 1.02}, fix
assert fix["interval"][1] <= 1.02, fix
assert full["verdict"] == "regression" and full["interval"][0] > 1.02, full
assert align["verdict"] == "inconclusive" and align["interval"][0] < 1.02 < align["interval"][1], align
# From the raw trace and probe samples (testing/tooling/helpers.bash):
# two drains of 20 and 30 ms, two purges, and of the five samples only
# the two that waited on CPU 0 while a drain ran there.
b = json.load(open(sys.argv[1]))["boots"][0]
assert b["durations"] == {"drain_vmap_area_work": [20000, 30000]}, b["durations"]
assert b["lazy_purges"] == 2 and b["unpaired"] == 0, b
assert b["overlap"] == {"samples": 2, "p50_ns": 500, "p99_ns": 20000000, "max_ns": 20000000}, b["overlap"]
PY
	grep -qF '| full_fit_alloc_test | 100 [100..100] | 110 [109..111] | 1.100 | 1.090..1.110 | regression |' "$tmp/bench/bench.md" &&
		grep -q 'every test | NO | regression: full_fit_alloc_test; inconclusive: align_alloc_test; no regression: 1 of 3 |' "$tmp/bench/bench.md" &&
		{ ! command -v gnuplot >/dev/null || file "$tmp/bench/latency-cdf.png" | grep -q 'PNG image'; }
}
@test "bench report needs three boots for a verdict" {
	bench_fixture "$tmp/bench1" 1000000
	rm -rf "$tmp/bench1"/*-2 "$tmp/bench1"/*-3
	python3 "$S/bench-report.py" "$tmp/bench1" >/dev/null || return 1
	python3 - "$tmp/bench1/bench.json" <<'PY'
import json, sys
t = [x for x in json.load(open(sys.argv[1]))["targets"] if x["name"].startswith("test_vmalloc")]
assert t and all(x["verdict"] == "inconclusive" and "at least 3" in x["detail"] for x in t), t
PY
}
@test "bench report misses" {
	# A series that barely lowers the latency misses the latency target; a
	# boot without data makes the report fail.
	bench_fixture "$tmp/bench" 5000000
	python3 "$S/bench-report.py" "$tmp/bench" >/dev/null || return 1
	grep -q '| max probe latency during drains (same CPU): series <= base/10 | NO |' "$tmp/bench/bench.md" || return 1
	sed -i '/probe cpu=all/d' "$tmp/bench/series-1/ktap.log"
	! python3 "$S/bench-report.py" "$tmp/bench" >/dev/null &&
		grep -q 'Boots without complete data (left out): series-1' "$tmp/bench/bench.md"
}

@test "bench report: a throughput-only run (BENCH_ONLY=perf)" {
	# Boots that ran only the perf segment are complete without probe
	# data; one without its summaries is left out; no test, no "yes".
	local d=$tmp/perfonly i k v
	mkdir -p "$d"
	printf 'package=linux-source-7.3 test\nboots=3\naccel=tcg\n' >"$d/meta"
	for i in 1 2 3; do
		for k in base series; do
			v=$([ $k = base ] && echo 500 || echo 510)
			mkdir -p "$d/$k-$i"
			{
				printf 'TAP version 13\n1..1\n# selftests: bench: vmalloc_bench.sh\n'
				echo "# bench: kernel=7.3.4 cpus=2 default_thresh_us=10000 lazy_pages=16384"
				echo "# bench: segment name=perf thresh_us=10000 mask=512 loops=65536"
				echo "# bench-perf: [   9.000000] Summary: kvfree_rcu_2_arg_vmalloc_test passed: 1 failed: 0 xfailed: 0 repeat: 1 loops: 65536 avg: $((v + i)) usec"
				echo "ok 1 selftests: bench: vmalloc_bench.sh"
			} >"$d/$k-$i/ktap.log"
			echo ok >"$d/$k-$i/boot.status"
		done
	done
	python3 "$S/bench-report.py" "$d" >/dev/null || return 1
	grep -qF 'No latency segment ran (BENCH_ONLY=).' "$d/bench.md" &&
		grep -qF '| kvfree_rcu_2_arg_vmalloc_test | 502 [501..503] | 512 [511..513] | 1.020 |' "$d/bench.md" &&
		! grep -q 'left out' "$d/bench.md" || return 1
	sed -i '/bench-perf/d' "$d/series-3/ktap.log"
	! python3 "$S/bench-report.py" "$d" >/dev/null &&
		grep -q 'Boots without complete data (left out): series-3' "$d/bench.md" || return 1
	for i in 1 2 3; do sed -i '/bench-perf/d' "$d/base-$i/ktap.log" "$d/series-$i/ktap.log"; done
	! python3 "$S/bench-report.py" "$d" >/dev/null &&
		! grep -q '| test_vmalloc: no regression .*| yes |' "$d/bench.md"
}

@test "bench report segments: thresholds, backlog curve, kvfree" {
	BENCH_SEGMENTS=1 bench_fixture "$tmp/bench" 1000000
	python3 "$S/bench-report.py" "$tmp/bench" >/dev/null || return 1
	local md=$tmp/bench/bench.md
	grep -qF '| measurement | base | series | base, 1 ms | series, 1 ms |' "$md" &&
		grep -qF '| ... their latency max, us | 20000 [20000..20000] | 1000 [1000..1000] | 3000 [3000..3000] | 3000 [3000..3000] |' "$md" &&
		grep -qF '| same boot, samples with no drain/helper on their CPU: max, us (the floor) | 9000 [9000..9000] | 9000 [9000..9000] | 1 [1..1] | 1 [1..1] |' "$md" &&
		grep -qF '| 16 | 1000 [1000..1000] / 1000 [1000..1000] | 10000 [10000..10000] / 10000 [10000..10000] | 10000 [10000..10000] / 10000 [10000..10000] | 10000 [10000..10000] / 10000 [10000..10000] | 1 [1..1] / 1 [1..1] | 0 [0..0] / 0 [0..0] | 1 [1..1] / 1 [1..1] | n/a / n/a | n/a / n/a | 1234 [1234..1234] / 1234 [1234..1234] | 1.000 | 1.000..1.000 | no regression |' "$md" &&
		grep -qF '| drains that returned without purging (backlog under the threshold) | 0 [0..0] | 0 [0..0] | 0 [0..0] | 0 [0..0] |' "$md" &&
		grep -qF '| drains that purged, per run | 0 [0..0] | 0 [0..0] |' "$md" &&
		grep -qF '| drains that returned without purging, per run | 1 [1..1] | 1 [1..1] |' "$md" &&
		grep -qF 'ended on another CPU than they started on (counted on the start CPU): 6' "$md" &&
		grep -qF '| vrealloc_test | 700 [700..700] | 700 [700..700] | 1.000 |' "$md" &&
		! grep -qF '| full_fit_alloc_test |' "$md" &&
		grep -qF '| kvfree_rcu_2_arg_vmalloc_test avg, usec (traced run) | 500 [500..500] | 500 [500..500] |' "$md" &&
		grep -qF '| drains started on the queueing CPU / on another CPU | 0 / 0 | 0 / 0 |' "$md" &&
		grep -qF '| test thread runnable but preempted, us | 4000 [4000..4000] | 4000 [4000..4000] |' "$md" &&
		grep -qF '| ... of it with kworker/N:N on its CPU, us | 1000 [1000..1000] | 1000 [1000..1000] |' "$md" &&
		grep -qF '| ... of the kworker/N:N time, running kfree_rcu_monitor, us | 500 [500..500] | 500 [500..500] |' "$md" &&
		grep -qF '| lock waits, any lock | 2 [2..2] | 2 [2..2] |' "$md" &&
		grep -qF '| ... their total, us | 1200 [1200..1200] | 1200 [1200..1200] |' "$md" &&
		grep -qF '| ... in drain_vmap_area_work (SPIN|MUTEX), waits / us (all boots) | 3 / 3000 | 3 / 3000 |' "$md" &&
		grep -qF '| ... in free_vmap_area_noflush (SPIN), waits / us (all boots) | 3 / 600 | 3 / 600 |' "$md" &&
		! grep -qF '| waits for free_vmap_area_lock |' "$md" &&
		grep -qF '| ... of it while a drain ran on its CPU, us | 2000 [2000..2000] | 2000 [2000..2000] |' "$md" &&
		grep -qF '| ... of it with kworker/uN:N on its CPU, us | 3000 [3000..3000] | 3000 [3000..3000] |' "$md" &&
		grep -qF '| test thread migrations | 1 [1..1] | 1 [1..1] |' "$md" &&
		! grep -qF '| waits for vmap_purge_lock |' "$md" || return 1
	python3 - "$tmp/bench/bench.json" <<'PY' || return 1
import json, sys
s = json.load(open(sys.argv[1]))["summary"]["series"]["segments"]
assert s["curve-16"]["queue_other"] == 3 and s["curve-16"]["queue_same"] == 3, s["curve-16"]
assert s["curve-16"]["drains"]["ns_per_area"]["median"] == 10000
PY
	{ ! command -v gnuplot >/dev/null || file "$tmp/bench/backlog-curve.png" | grep -q 'PNG image'; }
}

@test "bench report: CPU axis counts" {
	BENCH_SEGMENTS=1 bench_fixture "$tmp/smp2" 1000000
	echo smp=2 >>"$tmp/smp2/meta"
	python3 "$S/bench-report.py" --cpus "$tmp/cpus" "$tmp/smp2" >/dev/null || return 1
	grep -qF '| 2 | 16 | 1 / 1 | 1 / 1 | 1000 / 1000 | 0 / 0 | 1 / 1 | 1 / 1 |' "$tmp/cpus/cpus.md" || return 1
	! python3 "$S/bench-report.py" --cpus "$tmp/cpus2" "$tmp/smp2/base-1" 2>"$tmp/err" &&
		grep -q "^error: .*not a make bench directory" "$tmp/err"
}

@test "torture report" {
	local d=$tmp/torture
	rm -rf "$d"
	mkdir -p "$d"
	printf 'package=p\nboots=1\nvariant=torture\nmem=256M\nsmp=2\naccel=tcg\n' >"$d/meta"
	torture_boot "$d/base-1" pass $'log: hogged CPU\tfail\t3 matching lines'
	torture_boot "$d/series-1" pass $'log: lockdep\tpass\tnone'
	python3 "$S/torture-report.py" "$d" >"$tmp/t.out" || return 1
	grep -q '| fault_inject | series | fail-nth | 200 | 150 | 0 | pass |' "$tmp/t.out" &&
		grep -q '| pool_decay | series | churn + drop_caches; pooled mean 700 | 330 | 0 | 0 | pass |' "$tmp/t.out" &&
		grep -q '| base | 1 | none | 1 |' "$tmp/t.out" || return 1
	# Pools left after the churn fail the pool decay row on either kernel.
	torture_boot "$d/series-1" pass $'log: lockdep\tpass\tnone' pass 1
	! python3 "$S/torture-report.py" "$d" >"$tmp/t.out" &&
		grep -q '| pool_decay | series | churn + drop_caches; pooled mean 700 | 330 | 0 | 1 | FAIL |' "$tmp/t.out" || return 1
	torture_boot "$d/series-1" pass $'log: lockdep\tpass\tnone'
	# The induced reclaim stall on the base, with its hung-task report, is
	# the reproduction; the same on the series fails the report.
	torture_boot "$d/base-1" pass $'log: hung task\tfail\t2 matching lines' fail
	python3 "$S/torture-report.py" "$d" >"$tmp/t.out" &&
		grep -q '| reclaim_stall | base | induced | 1 | 1 | 1 | stalled in 1 of 1 boots (reproduced) |' "$tmp/t.out" &&
		grep -q '| reclaim_stall | series | induced | 1 | 1 | 0 | pass |' "$tmp/t.out" || return 1
	# A base run that failed without seeing the stall (no failures=1 row)
	# is a broken run, not a reproduction.
	sed -i '/test=reclaim_stall/d' "$d/base-1/ktap.log"
	! python3 "$S/torture-report.py" "$d" >"$tmp/t.out" &&
		grep -q '| reclaim_stall | base | n/a | n/a | n/a | n/a | FAIL |' "$tmp/t.out" || return 1
	torture_boot "$d/base-1" pass $'log: hung task\tfail\t2 matching lines' fail
	torture_boot "$d/series-1" pass $'log: hung task\tfail\t2 matching lines' fail
	! python3 "$S/torture-report.py" "$d" >"$tmp/t.out" &&
		grep -q '| reclaim_stall | series | induced | 1 | 1 | 1 | FAIL |' "$tmp/t.out" &&
		grep -q '| series | 1 | log: hung task | 0 |' "$tmp/t.out" || return 1
	torture_boot "$d/base-1" pass $'log: hogged CPU\tfail\t3 matching lines'
	# A failed test or a splat on the series fails the report.
	torture_boot "$d/series-1" fail $'log: WARNING\tfail\t1 matching lines'
	! python3 "$S/torture-report.py" "$d" >"$tmp/t.out" &&
		grep -q '| hotplug | series | churn + hotplug | 12 | 0 | 0 | FAIL |' "$tmp/t.out" &&
		grep -q '| series | 1 | log: WARNING | 0 |' "$tmp/t.out" || return 1
	# KASAN rows: the base's failing tests are labelled expected; a KASAN
	# report or a failing test on the series fails the report.
	local k=$tmp/kasanrun t
	torture_boot "$d/series-1" pass $'log: lockdep\tpass\tnone'
	for t in step-0 step-0+tests step-3; do mkdir -p "$k/$t"; done
	kasan_step() { # kasan_step DIR A-RESULT [B-RESULT] KASAN-RESULT [KASAN-DETAIL]
		rm -f "$1/results.json"
		res "$1/results.json" boot pass ok
		res "$1/results.json" "selftests: a" "$2"
		[ "$3" = - ] || res "$1/results.json" "selftests: b" "$3"
		res "$1/results.json" "log: KASAN" "$4" "${5:-none}"
	}
	kasan_step "$k/step-0+tests" fail pass pass
	kasan_step "$k/step-3" pass pass pass
	python3 "$S/torture-report.py" "$d" "$k" >"$tmp/t.out" &&
		grep -qF '| base (step-0+tests) | kasanrun | pass | 1 / 1 (expected: tests of the fix on the unfixed base) / 0 | none |' "$tmp/t.out" &&
		grep -qF '| series (step-3) | kasanrun | pass | 2 / 0 / 0 | none |' "$tmp/t.out" || return 1
	kasan_step "$k/step-3" fail - fail "1 matching lines"
	! python3 "$S/torture-report.py" "$d" "$k" >"$tmp/t.out" &&
		grep -qF '| series (step-3) | kasanrun | pass | 0 / 1 / 0 | fail: 1 matching lines |' "$tmp/t.out" &&
		grep -q 'Problems: .*KASAN report on series.*series: 1 tests failed under KASAN' "$tmp/t.out"
}

# "make cover-letter" on a checkout without reports (a fresh clone) must
# keep the measured blocks it has; with a report it writes the results
# table: a copy of the project with a stable series for the fake base 0.1.
@test "cover letter keeps measured blocks" {
	mk_fake_base || return 1
	local p=$tmp/clp c=$tmp/clp/.cache b f
	rm -rf "$p"
	mkdir -p "$p/stable/0.1" || return 1
	cp -r "$S" "$p/scripts"
	mk_series "$tmp/gen" "$p/stable/0.1" >/dev/null
	{
		echo "queue 0.1 request=no-option2 tests=vmalloc/t.sh"
		for f in "$p"/stable/0.1/patches/*.patch; do
			f=${f##*/}
			echo "patch 0.1 ${f#[0-9][0-9][0-9][0-9]-} kind=fix upstream=new"
		done
	} >"$p/patches.meta"
	printf 'intro\n==== generated: results ====\nold results\n==== end: results ====\nend\n' \
		>"$p/stable/0.1/cover-letter.txt"
	fake_env "$c" BASE=0.1 "$p/scripts/cover-letter.sh" 2>"$tmp/err" || return 1
	b=$p/stable/0.1/cover-letter.txt
	grep -qx 'old results' "$b" && grep -q 'results block left as it is' "$tmp/err" || return 1
	local r=$tmp/clrep/0.1-20260101-000000 st
	for st in 0 0+tests 1 2; do
		mkdir -p "$r/step-$st"
		rm -f "$r/step-$st/results.json"
		res "$r/step-$st/results.json" build pass "0 warning lines"
		res "$r/step-$st/results.json" boot pass ok
		res "$r/step-$st/results.json" "selftests: vmalloc: t.sh" "$([ "$st" = 2 ] && echo pass || echo fail)"
		res "$r/step-$st/results.json" "log: lockdep" "$([ "$st" = 0+tests ] && echo fail || echo pass)" x
	done
	printf 'package=linux-source-0.1 %s\nvariant=lockdep\n' "$FB_VER" >"$r/meta"
	fake_env "$c" BASE=0.1 REPORT="$r" "$p/scripts/cover-letter.sh" 2>"$tmp/err" || return 1
	grep -qF "linux-source-0.1 $FB_VER, lockdep, QEMU x86_64, a boot each:" "$b" &&
		! grep -q '0.1-20260101-000000' "$b" &&
		! grep -q 'old results' "$b" && grep -qx intro "$b" && grep -qx end "$b" &&
		grep -qx '  *unpatched  *test only  *patched' "$b" &&
		grep -qx '  t.sh  *fail  *fail  *pass' "$b" &&
		grep -qx '  kernel log (lockdep, WARN, BUG)  *pass  *fail (1)  *pass' "$b" &&
		grep -qx '  (1) kernel log: lockdep' "$b" &&
		! awk 'length > 72' "$b" | grep -q .
}

@test "isolcpu report" {
	local d=$tmp/isol
	rm -rf "$d"
	mkdir -p "$d"
	printf 'package=p\nboots=1\nsmp=2\nmem=2G\naccel=tcg\ncmdline=isolcpus=domain,1\n' >"$d/meta"
	isol_boot "$d/base-1" 1
	isol_boot "$d/series-1" 0 skip
	python3 "$S/isolcpu-report.py" "$d" >"$tmp/i.out" || return 1
	grep -qF '| drains that purged, on the isolated CPU | 1 [1..1] | 0 [0..0] |' "$tmp/i.out" &&
		grep -qF '| ... their time there, us (sum) | 2000 [2000..2000] | 0 [0..0] |' "$tmp/i.out" &&
		grep -qF '| purge helper executions on housekeeping CPUs | 0 [0..0] | 1 [1..1] |' "$tmp/i.out" &&
		grep -qF '| drains that purged, on housekeeping CPUs | 0 [0..0] | 1 [1..1] |' "$tmp/i.out" &&
		grep -qF '| drains that returned without purging, on housekeeping CPUs | 0 [0..0] | 1 [1..1] |' "$tmp/i.out" &&
		grep -qF '| drains that returned without purging, on the isolated CPU | 0 [0..0] | 0 [0..0] |' "$tmp/i.out" &&
		grep -qF '| function-call IPIs received by the isolated CPU | 25 [25..25] | 25 [25..25] |' "$tmp/i.out" &&
		grep -qF '| ... handlers traced there | 2 [2..2] | 2 [2..2] |' "$tmp/i.out" &&
		grep -qF '| ... their time there, us (sum) | 70 [70..70] | 70 [70..70] |' "$tmp/i.out" &&
		grep -qF '| drain, helper or IPI handler running on the isolated CPU, us (union) | 2070 [2070..2070] | 70 [70..70] |' "$tmp/i.out" || return 1
	# A boot whose test failed is left out and fails the report.
	sed -i 's/^ok 1 /not ok 1 /' "$d/series-1/ktap.log"
	! python3 "$S/isolcpu-report.py" "$d" >"$tmp/i.out" &&
		grep -q 'left out): series-1' "$tmp/i.out"
}

@test "bench on a real machine refuses bad input" {
	! "$S/bench-machine.sh" foo "$tmp/m" 2>"$tmp/err" &&
		grep -q 'first argument: which kernel is running, base or series' "$tmp/err" || return 1
	! "$S/bench-machine.sh" base 2>"$tmp/err" && grep -q '^error: usage' "$tmp/err" || return 1
	# Root: a missing build tree is named; otherwise root is asked for.
	! KBUILD=/nonexistent "$S/bench-machine.sh" base "$tmp/m" 2>"$tmp/err" &&
		grep -qE 'no build tree for the running kernel at /nonexistent|run as root' "$tmp/err" &&
		[ ! -e "$tmp/m" ]
}
