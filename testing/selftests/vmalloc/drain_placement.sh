#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Where do the vmap lazy drain and its purge helpers run, and do they
# still finish? Under test_vmalloc stress, trace which workqueue each
# drain_vmap_area_work/purge_vmap_node item is queued on and which worker
# runs it, and read the lazy page counter from the free_vmap_area_noflush
# event once the stress is over.
#
# Pass: every helper is queued on "vmap_purge", every drain and helper
# execution runs on an unbound worker (kworker/uN:M) or on a workqueue's
# rescuer (kworker/R-<name>, which is how "vmap_purge" keeps going when
# no worker can be created), and the lazy counter ends at or below its
# limit. The drain's own workqueue is reported, not checked: any unbound
# one will do. An unpatched kernel runs both on the per-CPU system
# workqueue ("events", helpers with req_cpu = vmap node index) and fails.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# busybox ash (the guest shell) and bash both support pipefail.
# shellcheck disable=SC3040
set -eu -o pipefail

ksft_skip=4
# Each free of a 16384-page area pushes the backlog past the drain
# threshold on its own; with one thread per CPU the backlog regularly
# reaches twice the threshold, which is when purge helpers are used.
PAGES=${DRAIN_PLACEMENT_PAGES:-16384}
LOOPS=${DRAIN_PLACEMENT_LOOPS:-300}
THREADS=${DRAIN_PLACEMENT_THREADS:-$(grep -c '^processor' /proc/cpuinfo)}
T=/sys/kernel/tracing

if ! modprobe -D test_vmalloc >/dev/null 2>&1; then
	echo "SKIP: test_vmalloc module not available (CONFIG_TEST_VMALLOC=m)"
	exit $ksft_skip
fi
if [ ! -d "$T/instances" ] || [ ! -d "$T/events/workqueue" ] || [ ! -d "$T/events/vmalloc" ]; then
	echo "SKIP: tracefs instances or workqueue/vmalloc events missing (CONFIG_TRACING)"
	exit $ksft_skip
fi

wq=$T/instances/vmap_wq
lazy=$T/instances/vmap_lazy
rmdir "$wq" "$lazy" 2>/dev/null || true
mkdir "$wq" "$lazy"
echo 8192 >"$wq/buffer_size_kb"
echo 1 >"$wq/events/workqueue/workqueue_queue_work/enable"
echo 1 >"$wq/events/workqueue/workqueue_execute_start/enable"
echo 1 >"$lazy/events/vmalloc/free_vmap_area_noflush/enable"

echo "stress: test_vmalloc run_test_mask=1 nr_pages=$PAGES nr_threads=$THREADS test_loop_count=$LOOPS"
modprobe test_vmalloc run_test_mask=1 nr_pages="$PAGES" nr_threads="$THREADS" \
	test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null || true
# Let a drain queued at the very end finish, then free a few more areas so
# that the last free_vmap_area_noflush event shows the settled counter.
sleep 3
modprobe test_vmalloc run_test_mask=1 nr_threads=1 test_loop_count=10 \
	test_repeat_count=1 2>/dev/null || true

echo 0 >"$wq/tracing_on"
echo 0 >"$lazy/tracing_on"
grep -E 'workqueue_queue_work: .*function=(drain_vmap_area_work|purge_vmap_node) ' \
	"$wq/trace" >/tmp/queued || true
grep -E 'workqueue_execute_start: .*function (drain_vmap_area_work|purge_vmap_node)$' \
	"$wq/trace" >/tmp/executed || true
last=$(grep 'free_vmap_area_noflush:' "$lazy/trace" | tail -n 1)
rmdir "$wq" "$lazy"

count() { grep -c -- "$1" "$2" || true; }
drain_q=$(count 'function=drain_vmap_area_work ' /tmp/queued)
helper_q=$(count 'function=purge_vmap_node ' /tmp/queued)
helper_x=$(count 'function purge_vmap_node' /tmp/executed)
echo "queued: drain=$drain_q helpers=$helper_q; helper executions=$helper_x"
echo "drain queued on:  $(grep 'drain_vmap_area_work' /tmp/queued | sed -n 's/.*workqueue=\([^ ]*\) req_cpu=\([0-9]*\).*/\1(req_cpu=\2)/p' | sort | uniq -c | tr -s ' \n' ' ')"
echo "helpers queued on: $(grep 'purge_vmap_node' /tmp/queued | sed -n 's/.*workqueue=\([^ ]*\) req_cpu=\([0-9]*\).*/\1(req_cpu=\2)/p' | sort | uniq -c | tr -s ' \n' ' ')"
# The task column tells per-CPU workers (kworker/N:M) from unbound ones
# (kworker/uN:M); the bracketed field is the CPU the item ran on.
echo "executed by: $(sed -n 's/^ *\([^ ]*\)-[0-9]* *\[\([0-9]*\)\].*function \([a-z_]*\)$/\3 on cpu\2 by \1/p' /tmp/executed |
	sed 's/kworker\/u[0-9]*:[0-9]*/unbound-kworker/; s/kworker\/[0-9]*:[0-9]*[A-Za-z]*/percpu-kworker/' | sort | uniq -c | tr -s ' \n' ' ')"
nr_lazy=$(echo "$last" | sed -n 's/.*nr_lazy=\([0-9]*\).*/\1/p')
nr_max=$(echo "$last" | sed -n 's/.*nr_lazy_max=\([0-9]*\).*/\1/p')
echo "lazy pages after the stress: ${nr_lazy:-?} (drain threshold ${nr_max:-?})"

rc=0
if [ "$drain_q" -eq 0 ]; then
	echo "FAIL: the stress never queued the lazy drain; the test proves nothing"
	exit 1
fi
bad=$(grep 'function=purge_vmap_node ' /tmp/queued | grep -vc 'workqueue=vmap_purge ' || true)
if [ "$bad" -gt 0 ]; then
	echo "FAIL: $bad purge helpers not queued on vmap_purge"
	rc=1
fi
# Rescuer comms are "kworker/R-" + the workqueue name, cut to 15 chars.
bad=$(grep -vcE '^ *kworker/(u[0-9]+:[0-9]+|R-[^ ]*)-[0-9]+ ' /tmp/executed || true)
if [ "$bad" -gt 0 ]; then
	echo "FAIL: $bad drain/helper executions on per-CPU workers"
	rc=1
fi
if [ -z "$nr_lazy" ] || [ "$nr_lazy" -gt "$nr_max" ]; then
	echo "FAIL: lazy pages did not drain back below the threshold"
	rc=1
fi
if [ "$helper_q" -eq 0 ]; then
	echo "FAIL: the stress never used purge helpers; helper placement is unproven"
	rc=1
fi
[ "$rc" = 0 ] && echo "PASS: drain and helpers on unbound workers, helpers on vmap_purge, backlog drained"
exit $rc
