#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One boot of the isolated-CPU part of "make bench". The kernel is booted
# with isolcpus=domain,<cpu> (on 7.3 and 7.2 only domain isolation keeps
# unbound work off a CPU; nohz_full= alone does not). An application on
# the isolated CPU frees vmalloc memory: vfree_churn is loaded pinned to
# it, first with small areas (the drain alone), then with 64 MiB areas
# while test_vmalloc frees 64 MiB areas on the housekeeping CPUs, so that
# the backlog is large enough for purge helpers. Every execution of
# drain_vmap_area_work and purge_vmap_node is traced with its CPU, and
# every function-call IPI handler that runs on the isolated CPU (the TLB
# flush of each purge reaches it that way); the raw trace lines and the
# per-CPU interrupt counts before and after are printed for the host
# (scripts/isolcpu-report.py), which computes the count and the time on
# the isolated CPU.
# Passes when the workload ran and at least one drain was traced; it
# judges nothing else. Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

SMALL_LOOPS=${ISOL_SMALL_LOOPS:-50000}
LARGE_LOOPS=${ISOL_LARGE_LOOPS:-150}
T=/sys/kernel/tracing
isol=$(cat /sys/devices/system/cpu/isolated 2>/dev/null || true)

if [ -z "$isol" ]; then
	echo "SKIP: no isolated CPU (boot with isolcpus=domain,N)"
	exit $ksft_skip
fi
need_modules vfree_churn test_vmalloc
if [ ! -e "$T/events/workqueue/workqueue_execute_end/enable" ]; then
	echo "SKIP: workqueue trace events not available (CONFIG_TRACING)"
	exit $ksft_skip
fi
cpu=${isol%%[,-]*}
echo "isol: isolated=$isol cpu=$cpu online=$(cat /sys/devices/system/cpu/online) wq_unbound_cpumask=$(cat /sys/devices/virtual/workqueue/cpumask 2>/dev/null || echo ?)"

echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo mono >"$T/trace_clock"
echo 16384 >"$T/buffer_size_kb"
for e in workqueue_execute_start workqueue_execute_end; do
	echo 1 >"$T/events/workqueue/$e/enable"
done
# A drain without a purge event returned without purging.
lazy_event=$T/events/vmalloc/purge_vmap_area_lazy/enable
[ -e "$lazy_event" ] && echo 1 >"$lazy_event"
ipi_events=
for e in call_function_entry call_function_exit call_function_single_entry call_function_single_exit; do
	f=$T/events/irq_vectors/$e
	[ -e "$f/enable" ] || continue
	echo "CPU == $cpu" >"$f/filter" 2>/dev/null || echo "isol: note=no-cpu-filter"
	echo 1 >"$f/enable"
	ipi_events="$ipi_events $e"
done
echo "isol: ipi_events=${ipi_events# }"
grep -E '^ *(CAL|TLB|LOC):' /proc/interrupts | sed 's/^/isol: irq before /'
echo 1 >"$T/tracing_on"

echo "isol: phase small: vfree_churn nr_pages=16 loops=$SMALL_LOOPS on cpu $cpu"
# busybox modprobe loads the module itself, so its init runs on $cpu.
# Loading always fails on purpose (-EAGAIN after a complete run).
taskset -c "$cpu" modprobe vfree_churn nr_pages=16 loops="$SMALL_LOOPS" 2>/dev/null || true
echo "isol: phase large: vfree_churn nr_pages=16384 loops=$LARGE_LOOPS on cpu $cpu + test_vmalloc on the others"
modprobe test_vmalloc run_test_mask=1 nr_pages=16384 nr_threads=1 \
	test_loop_count="$LARGE_LOOPS" test_repeat_count=1 2>/dev/null &
bg=$!
taskset -c "$cpu" modprobe vfree_churn nr_pages=16384 loops="$LARGE_LOOPS" 2>/dev/null || true
wait "$bg" || true
sleep 2

echo 0 >"$T/tracing_on"
grep -E '^ *(CAL|TLB|LOC):' /proc/interrupts | sed 's/^/isol: irq after /'
dmesg | grep 'vfree_churn: done' | sed 's/^[^]]*] /isol: /'
grep -E 'workqueue_execute_(start|end):.*function (drain_vmap_area_work|purge_vmap_node)$|: call_function(_single)?_(entry|exit):|: purge_vmap_area_lazy:' "$T/trace" |
	sed 's/^/isol-trace: /'
for e in workqueue_execute_start workqueue_execute_end; do
	echo 0 >"$T/events/workqueue/$e/enable"
done
[ -e "$lazy_event" ] && echo 0 >"$lazy_event"
for e in $ipi_events; do
	echo 0 >"$T/events/irq_vectors/$e/enable"
	echo 0 >"$T/events/irq_vectors/$e/filter"
done

n=$(grep -c 'workqueue_execute_start:.*drain_vmap_area_work' "$T/trace" || true)
done_runs=$(dmesg | grep -c 'vfree_churn: done' || true)
echo >"$T/trace"
if [ "$done_runs" -lt 2 ]; then
	echo "FAIL: vfree_churn did not complete both phases ($done_runs)"
	exit 1
fi
if [ "$n" -eq 0 ]; then
	echo "FAIL: no drain was traced; the measurement shows nothing"
	exit 1
fi
echo "PASS: $n drains traced"
