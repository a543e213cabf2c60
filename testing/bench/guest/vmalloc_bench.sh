#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One boot of "make bench": drive the lazy vmap drain with fixed loads and
# print the raw measurements for the host to aggregate
# (scripts/bench-report.py); no analysis runs here. Output, per segment:
#   "bench: segment name=NAME ..."  starts a segment; the lines up to the
#                                   next segment belong to it;
#   "bench-trace: ..."   raw tracefs lines: every execution start and end
#                        (and queueing) of the drain and its purge helpers,
#                        every lazy purge with its area count, waits for
#                        vmap_purge_lock and free_vmap_area_lock
#                        (lock:contention_*), and in the kvfree segment
#                        the test thread's context switches, every
#                        work item's execution and every lock
#                        contention with its waiter's stack;
#   "bench-sample: cpu queued_ns latency_ns"  every probe sample;
#   "bench-perf: ..."    test_vmalloc's "Summary" lines.
# Segments:
#   lat       probe on every CPU (wq_lat_probe, system_wq) while
#             test_vmalloc (fix_size, one thread per CPU) churns, at the
#             workqueue's default CPU-intensive threshold (10 ms);
#   lat1ms    the same at a 1 ms threshold (written at run time), which
#             lets other per-CPU work run sooner beside a long drain;
#   curve     one per area size: vfree_churn on CPU 0 frees areas of
#             PAGES pages, so that each drain purges about
#             lazy_max_pages / (PAGES + 1) areas, with the probe loaded;
#   kvfree    test_vmalloc kvfree_rcu_2_arg_vmalloc_test alone, traced,
#             with enough loops for several drains;
#   perf      test_vmalloc performance mode, sequential, one thread,
#             untraced and without the probe: the throughput figures.
# BENCH_ONLY=name,... (a kernel command line word without a dot reaches
# init's environment) runs only those segments (lat, lat1ms, curve,
# kvfree, perf). Passes when every segment run produced data; it judges
# nothing else.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

NCPU=$(grep -c '^processor' /proc/cpuinfo)
LOOPS=${BENCH_LOOPS:-400000}
THREADS=${BENCH_THREADS:-$NCPU}
PERF_LOOPS=${BENCH_PERF_LOOPS:-5000}
# fix_size, full_fit, long_busy_list, random_size, fix_align,
# random_size_align, kvfree_rcu_1_arg, kvfree_rcu_2_arg, vm_map_ram, vrealloc
PERF_MASK=${BENCH_PERF_MASK:-5951}
KVFREE_MASK=512
CURVE_PAGES=${BENCH_CURVE_PAGES:-1 4 16 64 256}
# Drains per curve point, in units of the lazy threshold, per init call:
# busybox's modprobe calls a failing init twice, so twice that in all.
CURVE_DRAINS=${BENCH_CURVE_DRAINS:-16}
tracing=/sys/kernel/tracing
wq=$tracing/events/workqueue
thresh=/sys/module/workqueue/parameters/cpu_intensive_thresh_us
funcs='function.function == drain_vmap_area_work || function.function == purge_vmap_node'

need_modules test_vmalloc wq_lat_probe vfree_churn
if [ ! -e "$wq/workqueue_execute_start/enable" ]; then
	echo "SKIP: workqueue trace events not available (CONFIG_TRACING)"
	exit $ksft_skip
fi
if [ ! -w "$thresh" ]; then
	echo "SKIP: $thresh is not writable (the bench sets the threshold)"
	exit $ksft_skip
fi

# lazy_max_pages() of mm/vmalloc.c with 4 KiB pages: fls(CPUs) * 32 MiB.
fls=0 n=$NCPU
while [ "$n" -gt 0 ]; do fls=$((fls + 1)) n=$((n >> 1)); done
LAZY_PAGES=$((fls * 8192))

echo "bench: kernel=$(uname -r) cpus=$NCPU default_thresh_us=$(cat "$thresh") lazy_pages=$LAZY_PAGES"

# Trace setup: the workqueue events of the drain and its helpers, lazy
# purges, and waits for vmap_purge_lock (its address from kallsyms, which
# lists data symbols with CONFIG_KALLSYMS_ALL; the contention events
# filter on it).
echo 0 >"$tracing/tracing_on"
echo mono >"$tracing/trace_clock"  # CLOCK_MONOTONIC: the probe's clock
echo 8192 >"$tracing/buffer_size_kb"
for ev in workqueue_queue_work workqueue_execute_start workqueue_execute_end; do
	echo "$funcs" >"$wq/$ev/filter" 2>/dev/null ||
		echo "bench: note=no-function-filter"
done
# free_vmap_area_lock too: the purge returns the areas to the free tree
# under it, and every allocation takes it. The trace prints hashed lock
# addresses; the flags tell the two apart (the mutex has MUTEX).
lockaddr() { sed -n "s/^\([0-9a-f]*\) [a-zA-Z] $1\$/0x\1/p" /proc/kallsyms; }
lock=$(lockaddr vmap_purge_lock)
flock=$(lockaddr free_vmap_area_lock)
lockev=
case "$lock" in
'' | 0x0000000000000000) echo "bench: note=no-vmap_purge_lock-address" ;;
*)
	lockev="lock/contention_begin lock/contention_end"
	filter="lock_addr == $lock"
	case "$flock" in
	'' | 0x0000000000000000) echo "bench: note=no-free_vmap_area_lock-address" ;;
	*) filter="$filter || lock_addr == $flock" ;;
	esac
	for ev in $lockev; do
		echo "$filter" >"$tracing/events/$ev/filter" 2>/dev/null ||
			{ echo "bench: note=no-lock-filter"; lockev=; break; }
	done
	;;
esac
events="workqueue/workqueue_queue_work workqueue/workqueue_execute_start
	workqueue/workqueue_execute_end vmalloc/purge_vmap_area_lazy $lockev"
echo 'prev_comm ~ "vmalloc_test*" || next_comm ~ "vmalloc_test*"' \
	>"$tracing/events/sched/sched_switch/filter" 2>/dev/null ||
	echo "bench: note=no-sched-filter"

set_events() { # 0|1 EVENT...
	v=$1
	shift
	for ev in "$@"; do echo "$v" >"$tracing/events/$ev/enable"; done
}

ONLY=${BENCH_ONLY:-lat,lat1ms,curve,kvfree,perf}
want() { case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }

# begin NAME PROBE(0|1) [ATTR...]: clear the trace and the kernel log,
# start tracing (and the probe) for one segment.
begin() {
	seg=$1 probe=$2
	shift 2
	echo "bench: segment name=$seg thresh_us=$(cat "$thresh") $*"
	echo 0 >"$tracing/tracing_on"
	echo >"$tracing/trace"
	dmesg -c >/dev/null
	echo 1 >"$tracing/tracing_on"
	if [ "$probe" = 1 ]; then modprobe wq_lat_probe; fi
	start=$(cut -d' ' -f1 /proc/uptime)
}

# finish: stop tracing and print the segment's raw data.
finish() {
	end=$(cut -d' ' -f1 /proc/uptime)
	if [ "$probe" = 1 ]; then
		echo 1 >/sys/kernel/debug/wq_lat_probe/stop
		cat /sys/kernel/debug/wq_lat_probe/samples >/tmp/samples
		rmmod wq_lat_probe
	fi
	echo 0 >"$tracing/tracing_on"
	echo "bench: churn ms=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%d", (b - a) * 1000 }')"
	dmesg | sed -n 's/.*wq_lat_probe: \(cpu=.*\)/bench: probe \1/p; s/.*wq_lat_probe: cdf \(.*\)/bench: cdf \1/p'
	# (The workqueue lines again by function, in case the filter failed;
	# in the kvfree segment every execution, and the lock waiters' stacks.)
	fns='drain_vmap_area_work|purge_vmap_node' stacks=''
	if [ "$seg" = kvfree ]; then fns='[A-Za-z0-9_.]+' stacks='|<stack trace>$|^ => '; fi
	grep -E ": (workqueue_(queue_work|execute_start|execute_end):.*function[ =]($fns)( |\$)|(purge_vmap_area_lazy|contention_begin|contention_end|sched_switch):)$stacks" \
		"$tracing/trace" | sed 's/^/bench-trace: /' || true
	if [ "$probe" = 1 ]; then sed 's/^/bench-sample: /' /tmp/samples; fi
	if grep -q 'overrun: [1-9]' "$tracing"/per_cpu/cpu*/stats 2>/dev/null; then
		echo "bench: note=trace-buffer-overrun"
	fi
	dmesg | grep 'Summary: ' | sed 's/^/bench-perf: /' || true
	case $seg in
	lat) dmesg | grep -q 'wq_lat_probe: cpu=all samples=[1-9]' ||
		missing="$missing latency-probe" ;;
	perf) dmesg | grep -q 'Summary: ' || missing="$missing test_vmalloc-summary" ;;
	curve) grep -q 'workqueue_execute_start: .*drain_vmap_area_work' "$tracing/trace" ||
		missing="$missing curve-drains" ;;
	esac
}
missing=''


# test_vmalloc fails its init on purpose so that it unloads itself.
churn() {
	modprobe test_vmalloc run_test_mask=1 nr_threads="$THREADS" \
		test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null || true
}

# shellcheck disable=SC2086 # $events is a list
set_events 1 $events

# Latency under the churn, at the default threshold, then at 1 ms.
default_thresh=$(cat "$thresh")
echo 10000 >"$thresh"
if want lat; then
	begin lat 1 "loops=$LOOPS threads=$THREADS"
	churn
	finish
fi
if want lat1ms; then
	echo 1000 >"$thresh"
	begin lat1ms 1 "loops=$LOOPS threads=$THREADS"
	churn
	finish
	echo 10000 >"$thresh"
fi

# The cost as a function of the areas per drain. busybox modprobe loads
# the module itself, so vfree_churn's init (and its frees) run on CPU 0.
want curve || CURVE_PAGES=
for pages in $CURVE_PAGES; do
	loops=$((CURVE_DRAINS * LAZY_PAGES / (pages + 1)))
	begin curve 1 "pages=$pages loops=$loops"
	taskset -c 0 modprobe vfree_churn nr_pages="$pages" loops="$loops" \
		2>/dev/null || true
	finish
done

# kvfree_rcu_2_arg_vmalloc_test alone, with the test thread's switches,
# every work item executed, and every lock contention with the stack of
# its waiter (the call site names a lock the trace cannot: it hashes the
# address), to name what preempts the thread and what it waits for.
locks=none
lock_trace() { # 0 (every lock, with stacks) | 1 (the filter above)
	[ -n "$lockev" ] || return 0
	trigger=$tracing/events/lock/contention_begin/trigger
	for ev in $lockev; do
		if [ "$1" = 0 ]; then echo 0; else echo "$filter"; fi \
			>"$tracing/events/$ev/filter" 2>/dev/null || true
	done
	if [ "$1" = 1 ]; then
		echo '!stacktrace' >"$trigger" 2>/dev/null || true
	elif echo stacktrace >"$trigger" 2>/dev/null; then
		locks=all
	else
		echo "bench: note=no-stacktrace-trigger"
		locks=unnamed
	fi
}
if want kvfree; then
	set_events 1 sched/sched_switch
	for ev in workqueue_execute_start workqueue_execute_end; do
		echo 0 >"$wq/$ev/filter" 2>/dev/null || true
	done
	lock_trace 0
	# Each loop frees one page and its guard page: CURVE_DRAINS / 2
	# thresholds' worth, so that the run drains several times.
	loops=$((CURVE_DRAINS * LAZY_PAGES / 4))
	begin kvfree 0 "mask=$KVFREE_MASK loops=$loops locks=$locks"
	modprobe test_vmalloc sequential_test_order=1 run_test_mask=$KVFREE_MASK \
		test_loop_count="$loops" test_repeat_count=1 nr_threads=1 2>/dev/null || true
	finish
	lock_trace 1
	for ev in workqueue_execute_start workqueue_execute_end; do
		echo "$funcs" >"$wq/$ev/filter" 2>/dev/null || true
	done
fi
# shellcheck disable=SC2086
set_events 0 sched/sched_switch $events

# Throughput: untraced, no probe, the default threshold.
if want perf; then
	begin perf 0 "mask=$PERF_MASK loops=$PERF_LOOPS"
	modprobe test_vmalloc sequential_test_order=1 run_test_mask="$PERF_MASK" \
		test_loop_count="$PERF_LOOPS" test_repeat_count=1 nr_threads=1 2>/dev/null || true
	finish
fi
echo "$default_thresh" >"$thresh"

if [ -n "$missing" ]; then
	echo "FAIL: no data from:$missing"
	exit 1
fi
echo "PASS: benchmark data collected (the host checks each segment)"
