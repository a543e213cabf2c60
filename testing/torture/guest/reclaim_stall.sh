#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Induced reproduction of the stall that a rescuer (WQ_MEM_RECLAIM) on the
# vmap purge helpers prevents. The real chain: a purger holds
# vmap_purge_lock and flush_work()s a helper queued on a per-CPU pool that
# has no idle worker; creating one allocates (the manager's kzalloc, the
# task and stack in kthreadd's copy_process()) and enters direct reclaim,
# whose shrink_slab() calls vmap_node_shrink_scan(), which sleeps on
# vmap_purge_lock; the system workqueue has no rescuer.
#
# Induced here, on a 2-CPU guest:
#  - worker creation fails instead of blocking: every slab allocation of
#    kthreadd (PID 2) fails (failslab, task-filter, sleeping allocations
#    included). The pool manager then retries once a second, and the
#    mayday timer, armed before each attempt, fires either way;
#  - the helper's pool has no idle worker: wq_park parks work items on
#    CPU 0's per-CPU pool, where the unpatched purge queues its helper
#    (node 0 -> CPU 0), and on the shared unbound pool, where the series
#    queues it ("vmap_drain_helpers"), so that on the series only its
#    rescuer can run the helper;
#  - a purge with a helper: vmap_backlog frees a small area on CPU 0 (a
#    lazy area on vmap node 0: areas belong to the node of the CPU that
#    allocated them), lazily frees 128 MiB of virtual space on CPU 1
#    (node 1; twice lazy_max_pages() on 2 CPUs) and calls
#    vm_unmap_aliases(), which holds vmap_purge_lock, hands node 0 to a
#    helper on CPU 0 and waits for it;
#  - reclaim during the stall: drop_caches runs the vmap node shrinker
#    (the pools were filled with small areas first, or it would not scan).
# It does not show that real reclaim blocks worker creation long enough,
# nor how often the real chain happens; it shows what each kernel does
# once the helper's pool cannot get a worker.
#
# Pass: within STALL seconds the rescuer ran the helper, the drain
# finished and drop_caches returned (a helper run only by an ordinary
# worker means the pool was not starved: skip). Fail: the helper did not
# run while worker creation failed (a stall; blocked tasks are dumped with
# sysrq-w, then creation is allowed again and the time to recovery is
# printed). Skip: the critical state was not reached (no helper queued,
# worker creation never failed, or CPU 0 kept a worker): that run proves
# nothing. Prints one "torture: " row for the report.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

STALL=${RECLAIM_STALL_SECONDS:-20}
PARK=${RECLAIM_STALL_PARK:-16}
D=/sys/kernel/debug
F=$D/failslab
T=/sys/kernel/tracing
WQP=/sys/module/workqueue/parameters

skip() { echo "SKIP: $*"; exit $ksft_skip; }
[ -d "$F" ] || skip "needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS"
[ -e /proc/2/make-it-fail ] || skip "/proc/2/make-it-fail missing (CONFIG_FAULT_INJECTION)"
[ -d "$T/instances" ] || skip "tracefs instances missing (CONFIG_TRACING)"
[ "$(grep -c '^processor' /proc/cpuinfo)" -ge 2 ] || skip "needs 2 CPUs"
for m in wq_park vfree_churn vmap_backlog; do
	modprobe -D "$m" >/dev/null 2>&1 || skip "module $m not available"
done

inst=$T/instances/reclaim_stall
old_hung=$(cat /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null || echo)
old_wd=$(cat "$WQP/watchdog_thresh" 2>/dev/null || echo)
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	rc=$?
	[ -n "${finished:-}" ] || echo "FAIL: the script stopped early (exit $rc), before its verdict"
	echo 0 >/proc/2/make-it-fail 2>/dev/null || true
	echo 0 >"$F/probability" 2>/dev/null || true
	rmmod wq_park 2>/dev/null || true
	[ -z "$old_hung" ] || echo "$old_hung" >/proc/sys/kernel/hung_task_timeout_secs
	[ -z "$old_wd" ] || echo "$old_wd" >"$WQP/watchdog_thresh" 2>/dev/null || true
	rmdir "$inst" 2>/dev/null || true
}
trap cleanup EXIT

# Fill the vmap node pools: small freed areas are decayed into them by the
# drains, and the shrinker only scans when they are not empty.
taskset -c 1 modprobe vfree_churn nr_pages=4 loops=20000 2>/dev/null || true

rmdir "$inst" 2>/dev/null || true
mkdir "$inst"
echo 4096 >"$inst/buffer_size_kb"
for ev in workqueue_queue_work workqueue_execute_start workqueue_execute_end; do
	echo 1 >"$inst/events/workqueue/$ev/enable"
done
# Blocked tasks show up after 5 s; the parked items on CPU 0 must not
# trip the workqueue watchdog (30 s) on either kernel.
[ -z "$old_hung" ] || echo 5 >/proc/sys/kernel/hung_task_timeout_secs
[ -z "$old_wd" ] || echo 120 >"$WQP/watchdog_thresh" 2>/dev/null || true

# Worker creation fails from here on: every slab allocation of kthreadd.
echo N >"$F/ignore-gfp-wait"
echo N >"$F/cache-filter"
echo 0 >"$F/space"
echo -1 >"$F/times"
echo 0 >"$F/verbose"
echo 1 >"$F/interval"
echo Y >"$F/task-filter"
echo 100 >"$F/probability"
echo 1 >/proc/2/make-it-fail

# now_ms: milliseconds since boot (/proc/uptime has centiseconds).
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

modprobe wq_park cpu=0 nr="$PARK" nr_unbound="$PARK"
sleep 2
taskset -c 1 modprobe vmap_backlog pages=32768 2>/dev/null &
purger=$!
sleep 2
rm -f /tmp/rs.dc
dc0=$(now_ms)
(echo 2 >/proc/sys/vm/drop_caches && now_ms >/tmp/rs.dc) &

# count EVENT FUNC: trace lines of EVENT for FUNC so far.
count() { grep -c "$1: .*function[= ]$2" "$inst/trace" || true; }
done_all() {
	[ "$(count workqueue_queue_work purge_vmap_node)" -gt 0 ] &&
		[ "$(count workqueue_execute_start purge_vmap_node)" -ge "$(count workqueue_queue_work purge_vmap_node)" ] &&
		[ "$(count workqueue_execute_end drain_vmap_area_work)" -ge "$(count workqueue_execute_start drain_vmap_area_work)" ] &&
		[ -f /tmp/rs.dc ] && ! kill -0 "$purger" 2>/dev/null
}
waited=0
while [ "$waited" -lt "$STALL" ] && ! done_all; do
	sleep 1
	waited=$((waited + 1))
done
helper_q=$(count workqueue_queue_work purge_vmap_node)
helper_x=$(count workqueue_execute_start purge_vmap_node)
drain_q=$(count workqueue_queue_work drain_vmap_area_work)
drain_s=$(count workqueue_execute_start drain_vmap_area_work)
drain_e=$(count workqueue_execute_end drain_vmap_area_work)
parked=$(cat /sys/module/wq_park/parameters/started)
parked_u=$(cat /sys/module/wq_park/parameters/started_unbound)
failed=$(dmesg | grep -c 'Failed to create a worker thread' || true)
by=$(grep 'workqueue_execute_start: .*function purge_vmap_node' "$inst/trace" |
	sed -n 's/^ *\(kworker\/[^-]*\)-.*/\1/p' | sed 's/^kworker\/R$/rescuer/; s/^kworker\/u.*/unbound-worker/; s/^kworker\/[0-9].*/percpu-worker/' |
	sort | uniq -c | tr -s ' \n' ' ' || true)
# drop_caches ran the vmap node shrinker while the purge held
# vmap_purge_lock: how long it took says whether reclaim waited for the
# purge.
dc=no
[ -f /tmp/rs.dc ] && dc="after $(($(cat /tmp/rs.dc) - dc0)) ms"
echo "helpers queued=$helper_q run=$helper_x (by:${by:- none}); drains queued=$drain_q started=$drain_s ended=$drain_e"
[ "$drain_s" -ge "$drain_q" ] || echo "drains queued but not started within ${STALL} s: $((drain_q - drain_s))"
echo "parked items with a worker: CPU 0 $parked of $PARK, unbound $parked_u of $PARK; worker creation failures reported: $failed; drop_caches returned: $dc"
grep -E 'workqueue_(queue_work|execute_start): .*function[= ]purge_vmap_node' "$inst/trace" |
	head -n 4 | sed 's/^ */trace: /' || true

critical=1
why=
[ "$helper_q" -gt 0 ] || { critical=0; why="no helper was queued"; }
[ "$failed" -gt 0 ] || { critical=0; why="${why:+$why; }worker creation never failed"; }
[ "$parked" -lt "$PARK" ] || { critical=0; why="${why:+$why; }CPU 0 kept a worker for every parked item"; }
stalled=0
[ "$critical" = 0 ] || done_all || stalled=1
if [ "$stalled" = 1 ] && [ -e /proc/sysrq-trigger ]; then
	echo w >/proc/sysrq-trigger
fi
# Recovery: allow worker creation again, release the parked items.
echo 0 >/proc/2/make-it-fail
echo 0 >"$F/probability"
r0=$(date +%s)
rmmod wq_park
wait "$purger" 2>/dev/null || true
n=0
while [ "$critical" = 1 ] && [ "$n" -lt 60 ] && ! done_all; do
	sleep 1
	n=$((n + 1))
done
recovered=$(($(date +%s) - r0))
if [ "$critical" = 0 ]; then
	rec="recovery not measured"
elif done_all; then
	rec="recovered ${recovered} s after creation was allowed again"
else
	rec="no recovery within 60 s"
fi
echo "$rec"

finished=1
echo "torture: test=reclaim_stall iterations=1 faults=$failed failures=$stalled load=helpers $helper_q run $helper_x in ${STALL} s${by:+ by$by}, drop_caches $dc, $rec"
if [ "$critical" = 0 ]; then
	echo "SKIP: critical state not reached ($why); this run proves nothing"
	exit $ksft_skip
fi
# Without a free worker only a rescuer can run the helper: if an
# ordinary worker ran it, the pool was not starved and the rescuer path
# was not exercised.
case " $by " in
*" rescuer "*) ;;
*)
	if [ "$stalled" = 0 ]; then
		echo "SKIP: the helper ran on an ordinary worker (by:$by), not the rescuer; the starved pool was not reached"
		exit $ksft_skip
	fi
	;;
esac
if [ "$stalled" = 1 ]; then
	echo "FAIL: the purge helper did not run for ${STALL} s while worker creation failed (drop_caches returned: $dc); $rec"
	exit 1
fi
echo "PASS: the rescuer ran the helper while worker creation failed (by:$by); drain and drop_caches finished"
exit 0
