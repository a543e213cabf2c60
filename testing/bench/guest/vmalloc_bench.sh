#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One boot of "make bench": drive the lazy vmap drain with a fixed
# test_vmalloc stress and print the raw measurements ("bench:" lines, raw
# trace events as "bench-trace:", probe samples as "bench-sample:",
# test_vmalloc's summaries as "bench-perf:") for the host to aggregate
# (scripts/bench-report.py). Phases:
#  1. latency: wq_lat_probe queues a work item on every CPU each period on
#     system_wq while test_vmalloc (fix_size, one thread per CPU) churns;
#     every drain and purge helper execution is traced over the same
#     window (workqueue trace events, trace_clock mono: the probe's clock);
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

# Raw data for the host (scripts/bench-report.py pairs the executions and
# matches the probe samples against them): every traced execution start
# and end of the drain and its helpers and every purge, then every probe
# sample as "cpu queued_ns latency_ns" (same clock as the trace).
grep -E 'workqueue_execute_(start|end): .*function (drain_vmap_area_work|purge_vmap_node)$|purge_vmap_area_lazy:' \
	"$tracing/trace" | sed 's/^/bench-trace: /' || true
sed 's/^/bench-sample: /' /tmp/samples
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
dmesg | grep 'Summary: ' | sed 's/^/bench-perf: /' || true

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
