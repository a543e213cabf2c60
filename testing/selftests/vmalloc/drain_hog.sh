#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Drive the vmap lazy drain hard with test_vmalloc and fail when the
# workqueue CPU-intensive detector reports drain_vmap_area_work or
# purge_vmap_node as hogging a CPU. On an unpatched kernel both run on
# the per-CPU system workqueue and are reported; on unbound workqueues
# the detector does not apply and the count must be 0.
#
# Needs: root, CONFIG_TEST_VMALLOC=m, CONFIG_WQ_CPU_INTENSIVE_REPORT=y and
# an explicit workqueue.cpu_intensive_thresh_us= on the kernel command
# line (auto-scaling under emulation would hide the report).
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# busybox ash (the guest shell) and bash both support pipefail.
# shellcheck disable=SC3040
set -eu -o pipefail

ksft_skip=4
LOOPS=${DRAIN_HOG_LOOPS:-400000}
THREADS=${DRAIN_HOG_THREADS:-$(grep -c '^processor' /proc/cpuinfo)}
param=/sys/module/workqueue/parameters/cpu_intensive_thresh_us
tracing=/sys/kernel/tracing

thresh=$(cat "$param" 2>/dev/null)
case "$thresh" in
"" | 0 | 18446744073709551615 | 4294967295)
	echo "SKIP: boot with workqueue.cpu_intensive_thresh_us=<us> (now '${thresh:-missing}')"
	exit $ksft_skip ;;
esac
if ! modprobe -D test_vmalloc >/dev/null 2>&1; then
	echo "SKIP: test_vmalloc module not available (CONFIG_TEST_VMALLOC=m)"
	exit $ksft_skip
fi
if [ ! -e "$tracing/events/vmalloc/purge_vmap_area_lazy/enable" ]; then
	echo "SKIP: vmalloc trace events not available (CONFIG_TRACING)"
	exit $ksft_skip
fi

hog_count() {
	# The detector prints a running total per work function ("N times");
	# the largest one printed is the number of hogging executions seen.
	dmesg | sed -n "s/.*workqueue: $1 hogged CPU for >[0-9]*us \([0-9]*\) times.*/\1/p" |
		sort -n | tail -n 1 | grep . || echo 0
}

before=$(( $(hog_count drain_vmap_area_work) + $(hog_count purge_vmap_node) ))

echo 0 >"$tracing/tracing_on"
echo >"$tracing/trace"
echo 1 >"$tracing/events/vmalloc/purge_vmap_area_lazy/enable"
echo 1 >"$tracing/tracing_on"

echo "stress: test_vmalloc run_test_mask=1 nr_threads=$THREADS test_loop_count=$LOOPS (threshold ${thresh}us)"
start=$(date +%s)
# test_vmalloc always fails its init with -EAGAIN so that it unloads itself.
modprobe test_vmalloc run_test_mask=1 nr_threads="$THREADS" \
	test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null || true
end=$(date +%s)

echo 0 >"$tracing/tracing_on"
echo 0 >"$tracing/events/vmalloc/purge_vmap_area_lazy/enable"
purges=$(grep -c 'purge_vmap_area_lazy:' "$tracing/trace" || true)
areas=$(sed -n 's/.*num_purged=\([0-9]*\).*/\1/p' "$tracing/trace" | awk '{s += $1} END {print s + 0}')

drain=$(hog_count drain_vmap_area_work)
helper=$(hog_count purge_vmap_node)
hogs=$((drain + helper - before))
echo "elapsed=$((end - start))s lazy_purges=$purges purged_areas=$areas"
echo "hog_reports drain_vmap_area_work=$drain purge_vmap_node=$helper total=$hogs"

if dmesg | grep -q 'test_vmalloc.*failed: [1-9]'; then
	dmesg | grep 'test_vmalloc' | tail -n 5
	echo "FAIL: test_vmalloc reported failed allocations"
	exit 1
fi
if [ "$purges" -eq 0 ]; then
	echo "FAIL: the stress never triggered a lazy purge; the test proves nothing"
	exit 1
fi
if [ "$hogs" -gt 0 ]; then
	echo "FAIL: vmap drain work hogged a CPU $hogs times"
	exit 1
fi
echo "PASS: $purges lazy purges, no CPU hog reports"
exit 0
