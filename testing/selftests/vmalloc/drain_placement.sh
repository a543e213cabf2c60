#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Where do the vmap lazy drain and its purge helpers run, and do they
# still finish? Under test_vmalloc stress, trace which workqueue each
# drain_vmap_area_work/purge_vmap_node item is queued on and which worker
# runs it, and read the lazy page counter from the free_vmap_area_noflush
# event once the stress is over.
#
# Pass: every helper is queued on "vmap_drain_helpers" (the helper
# workqueue of Rezki's design, carried as the series' first patch); every
# drain and helper
# execution comes from an unbound worker pool (the pool of the queueing
# that the execution belongs to, matched by work struct, has cpu=-1),
# whichever worker ran it, a rescuer included; and the lazy counter ends
# at or below its limit. The drain's own workqueue is reported, not
# checked: any unbound one will do. The stress must queue the drain, use
# helpers and produce executions that match a queueing, or the test fails
# as proving nothing. An unpatched kernel queues both on the per-CPU
# system workqueue ("events", helpers with req_cpu = vmap node index)
# and fails. The work done is reported, not judged: drains started, and
# purges (trace_purge_vmap_area_lazy, which fires for every purge) split
# into those that purged at least one area and those that purged none,
# the same way on every kernel, and the function-call IPIs (x86 "CAL"
# in /proc/interrupts; each kernel TLB flush sends one to every other
# online CPU) received during the stress, summed over CPUs. Where the
# kernel has them, also the calls of flush_tlb_kernel_range() (a kprobe
# event, CONFIG_KPROBE_EVENTS) and the waits on vmap_purge_lock
# (/proc/lock_stat, CONFIG_LOCK_STAT); "n/a" otherwise.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

# Each free of a 16384-page area pushes the backlog past the drain
# threshold on its own; with one thread per CPU the backlog regularly
# reaches twice the threshold, which is when purge helpers are used.
PAGES=${DRAIN_PLACEMENT_PAGES:-16384}
LOOPS=${DRAIN_PLACEMENT_LOOPS:-300}
THREADS=${DRAIN_PLACEMENT_THREADS:-$(grep -c '^processor' /proc/cpuinfo)}
T=/sys/kernel/tracing

need_modules test_vmalloc
if [ ! -d "$T/instances" ] || [ ! -d "$T/events/workqueue" ] || [ ! -d "$T/events/vmalloc" ]; then
	echo "SKIP: tracefs instances or workqueue/vmalloc events missing (CONFIG_TRACING)"
	exit $ksft_skip
fi

wq=$T/instances/vmap_wq
lazy=$T/instances/vmap_lazy
rmdir "$wq" "$lazy" 2>/dev/null || true
mkdir "$wq" "$lazy"
echo 8192 >"$wq/buffer_size_kb"
echo 8192 >"$lazy/buffer_size_kb"
echo 1 >"$wq/events/workqueue/workqueue_queue_work/enable"
echo 1 >"$wq/events/workqueue/workqueue_execute_start/enable"
echo 1 >"$lazy/events/vmalloc/free_vmap_area_noflush/enable"
echo 1 >"$lazy/events/vmalloc/purge_vmap_area_lazy/enable"

# irqs NAME: the per-CPU counts of the /proc/interrupts line NAME, summed.
irqs() { awk -v n="$1:" -v c="$(grep -c '^processor' /proc/cpuinfo)" '
	$1 == n { for (i = 2; i <= c + 1; i++) s += $i } END { print s + 0 }' /proc/interrupts; }
# A kprobe on flush_tlb_kernel_range(); kprobe_profile counts its hits.
kp=$T/events/vmtest/tlbk
echo '-:vmtest/tlbk' >>"$T/kprobe_events" 2>/dev/null || true
if [ -w "$T/kprobe_events" ] &&
	echo 'p:vmtest/tlbk flush_tlb_kernel_range' >>"$T/kprobe_events" 2>/dev/null; then
	echo 1 >"$kp/enable"
else
	kp=''
fi
[ ! -w /proc/lock_stat ] || echo 0 >/proc/lock_stat
cal0=$(irqs CAL)
echo "stress: test_vmalloc run_test_mask=1 nr_pages=$PAGES nr_threads=$THREADS test_loop_count=$LOOPS"
modprobe test_vmalloc run_test_mask=1 nr_pages="$PAGES" nr_threads="$THREADS" \
	test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null || true
# Let a drain queued at the very end finish, then free a few more areas so
# that the last free_vmap_area_noflush event shows the settled counter.
sleep 3
cal1=$(irqs CAL)
tlb=n/a
if [ -n "$kp" ]; then
	tlb=$(awk '$1 == "tlbk" || $1 == "vmtest/tlbk" { print $2 }' "$T/kprobe_profile")
	echo 0 >"$kp/enable"
	echo '-:vmtest/tlbk' >>"$T/kprobe_events"
fi
# class name, con-bounces, contentions, waittime min/max/total/avg (us),
# acq-bounces, acquisitions, ...; no line: the lock was not taken.
lockw=n/a
[ ! -r /proc/lock_stat ] || lockw=$(awk '$1 == "vmap_purge_lock:" {
	printf "%d contentions, %s us waited in all, %d acquisitions", $3, $6, $9; f = 1 }
	END { if (!f) print "0 contentions, 0.00 us waited in all, 0 acquisitions" }' /proc/lock_stat)
modprobe test_vmalloc run_test_mask=1 nr_threads=1 test_loop_count=10 \
	test_repeat_count=1 2>/dev/null || true

echo 0 >"$wq/tracing_on"
echo 0 >"$lazy/tracing_on"
# One line per queueing and per execution, in trace order. An execution
# belongs to the last queueing of the same work struct before it, which
# names the workqueue and the pool: cpu=-1 is an unbound pool, any other
# value the per-CPU pool of that CPU. This does not depend on the name of
# the worker that ran it (rescuers are "kworker/R-<wq>", cut to 15 chars).
awk '
	/workqueue_queue_work: .*function=(drain_vmap_area_work|purge_vmap_node) / {
		w = $0; sub(/.*work struct=/, "", w); sub(/ .*/, "", w)
		f = $0; sub(/.* function=/, "", f); sub(/ .*/, "", f)
		q = $0; sub(/.* workqueue=/, "", q); sub(/ .*/, "", q)
		c = $0; sub(/.* cpu=/, "", c); sub(/[^-0-9].*/, "", c)
		r = $0; sub(/.* req_cpu=/, "", r); sub(/ .*/, "", r)
		wq[w] = q; pool[w] = c
		print "queued", f, q, r, c
	}
	/workqueue_execute_start: .*function (drain_vmap_area_work|purge_vmap_node)$/ {
		w = $0; sub(/.*work struct /, "", w); sub(/:.*/, "", w)
		f = $NF
		cpu = $0; sub(/^[^[]*\[/, "", cpu); sub(/\].*/, "", cpu)
		if (w in wq)
			print "executed", f, wq[w], pool[w], cpu + 0
		else
			print "executed", f, "?", "?", cpu + 0
	}' "$wq/trace" >/tmp/placement
# Events overwritten in a full buffer would make the counts below short.
lost=$(cat "$wq"/per_cpu/cpu*/stats "$lazy"/per_cpu/cpu*/stats 2>/dev/null |
	awk '$1 == "overrun:" || $1 == "dropped" { s += $NF } END { print s + 0 }')
last=$(grep 'free_vmap_area_noflush:' "$lazy/trace" | tail -n 1)
purged=$(grep -c 'purge_vmap_area_lazy:.* num_purged=[1-9]' "$lazy/trace" || true)
empty=$(grep -c 'purge_vmap_area_lazy:.* num_purged=0$' "$lazy/trace" || true)
areas=$(sed -n 's/.*purge_vmap_area_lazy:.* num_purged=\([0-9]*\)$/\1/p' "$lazy/trace" |
	awk '{ s += $1 } END { print s + 0 }')
rmdir "$wq" "$lazy"

# count WHAT FUNCTION [FIELD=VALUE]: lines of /tmp/placement that match.
count() { awk -v a="$1" -v f="$2" -v k="${3:-}" -v v="${4:-}" '
	$1 == a && $2 == f && (k == "" || $k == v) { n++ } END { print n + 0 }' /tmp/placement; }
drain_q=$(count queued drain_vmap_area_work)
helper_q=$(count queued purge_vmap_node)
helper_x=$(count executed purge_vmap_node)
drain_x=$(count executed drain_vmap_area_work)
echo "queued: drain=$drain_q helpers=$helper_q; executions: drain=$drain_x helpers=$helper_x"
echo "purges: $purged purged at least one area, $empty purged none"
echo "areas purged in all: $areas"
echo "trace events lost (buffer overruns): $lost"
echo "function-call IPIs during the stress: $((cal1 - cal0))"
echo "flush_tlb_kernel_range() calls during the stress: ${tlb:-0}"
echo "vmap_purge_lock during the stress: $lockw"
# queued FUNC WQ REQ_CPU POOL_CPU / executed FUNC WQ POOL_CPU RUN_CPU
echo "queued on (function workqueue req_cpu pool): $(awk '$1 == "queued" {
	p = ($5 == -1) ? "unbound" : "cpu" $5; print $2, $3, $4, p }' /tmp/placement |
	sort | uniq -c | tr -s ' \n' ' ')"
echo "executed (function workqueue pool ran-on): $(awk '$1 == "executed" {
	p = ($4 == -1) ? "unbound" : ($4 == "?" ? "unknown" : "cpu" $4); print $2, $3, p, "cpu" $5 }' /tmp/placement |
	sort | uniq -c | tr -s ' \n' ' ')"
nr_lazy=$(echo "$last" | sed -n 's/.*nr_lazy=\([0-9]*\).*/\1/p')
nr_max=$(echo "$last" | sed -n 's/.*nr_lazy_max=\([0-9]*\).*/\1/p')
echo "lazy pages after the stress: ${nr_lazy:-?} (drain threshold ${nr_max:-?})"

rc=0
if [ "$drain_q" -eq 0 ]; then
	echo "FAIL: the stress never queued the lazy drain; the test proves nothing"
	exit 1
fi
# none COUNT WHAT: FAIL ("COUNT WHAT") unless COUNT is 0.
none() { [ "$1" -eq 0 ] || { echo "FAIL: $1 $2"; rc=1; }; }
none "$(awk '$1 == "queued" && $2 == "purge_vmap_node" && $3 != "vmap_drain_helpers"' /tmp/placement | wc -l)" \
	"purge helpers not queued on vmap_drain_helpers"
if [ "$(awk '$1 == "executed" && $4 != "?"' /tmp/placement | wc -l)" -eq 0 ]; then
	echo "FAIL: no execution matched a traced queueing; placement is unproven"
	exit 1
fi
none "$(awk '$1 == "executed" && $4 != -1 && $4 != "?"' /tmp/placement | wc -l)" \
	"drain/helper executions from a per-CPU pool"
if [ -z "$nr_lazy" ] || [ "$nr_lazy" -gt "$nr_max" ]; then
	echo "FAIL: lazy pages did not drain back below the threshold"
	rc=1
fi
if [ "$helper_q" -eq 0 ]; then
	echo "FAIL: the stress never used purge helpers; helper placement is unproven"
	rc=1
fi
[ "$rc" = 0 ] && echo "PASS: drain and helpers queued on and run from unbound pools, helpers on vmap_drain_helpers, backlog drained"
exit $rc
