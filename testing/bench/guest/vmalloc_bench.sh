#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One boot of "make bench": drive the lazy vmap drain with a fixed
# test_vmalloc stress and print the raw measurements as "bench:" lines for
# the host to aggregate (scripts/bench-report.py). Phases:
#  1. latency: wq_lat_probe queues a work item on every CPU each period on
#     system_wq while test_vmalloc (fix_size, one thread per CPU) churns;
#     the duration of every drain and purge helper run (workqueue trace events, global clock) are
#     recorded over the same window;
#  2. throughput: test_vmalloc in sequential performance mode, one thread,
#     with the probe unloaded, each test's "Summary" average.
# Passes when every measurement produced data; it judges nothing else.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

set -eu
# pipefail where the shell has it (bash, busybox ash); Debian's dash
# 0.5.12 rejects the option, so it must not be set unconditionally.
# shellcheck disable=SC3040
if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi

ksft_skip=4
LOOPS=${BENCH_LOOPS:-400000}
THREADS=${BENCH_THREADS:-$(grep -c '^processor' /proc/cpuinfo)}
PERF_LOOPS=${BENCH_PERF_LOOPS:-5000}
# fix_size, full_fit, long_busy_list, random_size, fix_align,
# random_size_align, kvfree_rcu_1_arg, kvfree_rcu_2_arg, vm_map_ram, vrealloc
PERF_MASK=${BENCH_PERF_MASK:-5951}
tracing=/sys/kernel/tracing
wq=$tracing/events/workqueue

for m in test_vmalloc wq_lat_probe; do
	if ! modprobe -D "$m" >/dev/null 2>&1; then
		echo "SKIP: module $m not available"
		exit $ksft_skip
	fi
done
if [ ! -e "$wq/workqueue_execute_start/enable" ]; then
	echo "SKIP: workqueue trace events not available (CONFIG_TRACING)"
	exit $ksft_skip
fi

echo "bench: kernel=$(uname -r) cpus=$THREADS thresh_us=$(cat /sys/module/workqueue/parameters/cpu_intensive_thresh_us 2>/dev/null || echo none)"

# Phase 1: latency and drain durations under the churn.
echo 0 >"$tracing/tracing_on"
echo >"$tracing/trace"
# CLOCK_MONOTONIC, the clock of the probe's sample timestamps.
echo mono >"$tracing/trace_clock"
echo 8192 >"$tracing/buffer_size_kb"
for ev in workqueue_execute_start workqueue_execute_end; do
	echo 'function.function == drain_vmap_area_work || function.function == purge_vmap_node' \
		>"$wq/$ev/filter" 2>/dev/null || echo "bench: note=no-function-filter"
	echo 1 >"$wq/$ev/enable"
done
echo 1 >"$tracing/events/vmalloc/purge_vmap_area_lazy/enable"
# Each phase reads only its own kernel log (the console keeps it all).
dmesg -c >/dev/null
echo 1 >"$tracing/tracing_on"

modprobe wq_lat_probe
start=$(date +%s)
# test_vmalloc fails its init on purpose so that it unloads itself.
modprobe test_vmalloc run_test_mask=1 nr_threads="$THREADS" \
	test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null || true
end=$(date +%s)
echo 1 >/sys/kernel/debug/wq_lat_probe/stop
echo 0 >"$tracing/tracing_on"
cat /sys/kernel/debug/wq_lat_probe/samples >/tmp/samples
rmmod wq_lat_probe

echo "bench: churn loops=$LOOPS threads=$THREADS seconds=$((end - start))"
dmesg | sed -n 's/.*wq_lat_probe: \(cpu=.*\)/bench: probe \1/p; s/.*wq_lat_probe: cdf \(.*\)/bench: cdf \1/p'

# Durations: pair each execute_start with the next execute_end of the
# same work item (one work item never runs concurrently with itself).
# The executions also go to /tmp/intervals as "cpu start_ns end_ns" (the
# CPU they started on) for the overlap check below.
awk '
	/workqueue_execute_(start|end):/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^[0-9]+\.[0-9]+:$/)
				ts = substr($i, 1, length($i) - 1)
			if ($i == "struct")
				w = $(i + 1)
			if ($i ~ /^\[[0-9]+\]$/)
				cpu = substr($i, 2, length($i) - 2) + 0
		}
		fn = $NF
		if (fn != "drain_vmap_area_work" && fn != "purge_vmap_node")
			next
		if ($0 ~ /workqueue_execute_start:/) {
			st[w] = ts
			sc[w] = cpu
		} else if (w in st) {
			printf "bench: duration fn=%s us=%d\n", fn, (ts - st[w]) * 1000000
			printf "%d %.0f %.0f\n", sc[w], st[w] * 1e9, ts * 1e9 >"/tmp/intervals"
			delete st[w]
		}
	}
	/purge_vmap_area_lazy:/ { purges++ }
	END { printf "bench: lazy_purges=%d\n", purges }' "$tracing/trace"
touch /tmp/intervals
sort -k1,1n -k2,2n /tmp/intervals >/tmp/intervals.sorted

# Probe samples that waited while a drain or purge helper was executing
# on the same CPU: the wait a hogging drain imposes on other work there.
# Both lists are in time order per CPU (executions by start); walk them
# together.
awk '
	FNR == NR { n[$1]++; s[$1, n[$1]] = $2; e[$1, n[$1]] = $3; next }
	{
		c = $1; q = $2; end = $2 + $3
		j = (c in p) ? p[c] : 1
		while (j <= n[c] && e[c, j] < q)
			j++
		p[c] = j
		for (k = j; k <= n[c] && s[c, k] <= end; k++)
			if (e[c, k] >= q) {
				print $3
				break
			}
	}' /tmp/intervals.sorted /tmp/samples | sort -n >/tmp/overlap
n=$(wc -l </tmp/overlap)
if [ "$n" -gt 0 ]; then
	echo "bench: probe_overlap samples=$n p50_ns=$(sed -n "$(((n + 1) / 2))p" /tmp/overlap) p99_ns=$(sed -n "$(((n * 99 + 99) / 100))p" /tmp/overlap) max_ns=$(tail -n 1 /tmp/overlap)"
else
	echo "bench: probe_overlap samples=0"
fi
grep -q 'overrun: [1-9]' "$tracing/per_cpu/cpu0/stats" 2>/dev/null &&
	echo "bench: note=trace-buffer-overrun"
for ev in workqueue_execute_start workqueue_execute_end; do
	echo 0 >"$wq/$ev/enable"
	echo 0 >"$wq/$ev/filter" 2>/dev/null || true
done
echo 0 >"$tracing/events/vmalloc/purge_vmap_area_lazy/enable"

# Phase 2: throughput, sequential performance mode.
dmesg | grep -q 'wq_lat_probe: cpu=all samples=[1-9]' && probed=1 || probed=0
dmesg -c >/dev/null
modprobe test_vmalloc sequential_test_order=1 run_test_mask="$PERF_MASK" \
	test_loop_count="$PERF_LOOPS" test_repeat_count=1 nr_threads=1 2>/dev/null || true
dmesg | awk '
	/Summary: / {
		for (i = 1; i <= NF; i++) {
			if ($i == "Summary:")
				t = $(i + 1)
			if ($i == "avg:")
				a = $(i + 1)
		}
		run[t]++
		printf "bench: perf test=%s run=%d usec=%s\n", t, run[t], a
	}'

# Pass only with data from every phase.
if [ "$probed" = 0 ]; then
	echo "FAIL: the latency probe produced no samples"
	exit 1
fi
if ! dmesg | grep -q 'Summary: '; then
	echo "FAIL: test_vmalloc printed no performance summary"
	exit 1
fi
echo "PASS: benchmark data collected"
