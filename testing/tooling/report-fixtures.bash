# shellcheck shell=bash
# Fixtures of the report tests (reports.bats): make bench, make torture
# and isolated-CPU boot directories in the guest's current output format.
# Loaded after helpers.bash.

# A "make bench" directory with three boots per kernel (bench_fixture DIR
# SERIES_MAX_NS). Per boot (base / series), usec of pass 1:
#   fix_size_alloc_test  100 101 100 / 100 101 100, pass 2 100 / 102: no regression
#   full_fit_alloc_test  100 100 100 / 110 111 109: regression
#   align_alloc_test     100 100 100 / 95 105 103: inconclusive
bench_fixture() {
	local i
	rm -rf "$1"
	mkdir -p "$1"
	printf 'package=linux-source-7.3 test\nboots=3\naccel=tcg\n' >"$1/meta"
	for i in 1 2 3; do
		mkdir -p "$1/base-$i" "$1/series-$i"
	done
	bench_boot "$1/base-1" 20000000 fix_size_alloc_test=100 full_fit_alloc_test=100 align_alloc_test=100 fix_size_alloc_test=100
	bench_boot "$1/base-2" 20000000 fix_size_alloc_test=101 full_fit_alloc_test=100 align_alloc_test=100
	bench_boot "$1/base-3" 20000000 fix_size_alloc_test=100 full_fit_alloc_test=100 align_alloc_test=100
	bench_boot "$1/series-1" "$2" fix_size_alloc_test=100 full_fit_alloc_test=110 align_alloc_test=95 fix_size_alloc_test=102
	bench_boot "$1/series-2" "$2" fix_size_alloc_test=101 full_fit_alloc_test=111 align_alloc_test=105
	bench_boot "$1/series-3" "$2" fix_size_alloc_test=100 full_fit_alloc_test=109 align_alloc_test=103
}
bench_boot() { # DIR MAX_NS TEST=USEC...: a test named twice gets a pass 2
	local d=$1 max=$2 kv
	shift 2
	{
		printf 'TAP version 13\n1..1\n# selftests: bench: vmalloc_bench.sh\n'
		echo "# bench: probe cpu=all samples=1000 missed=3 dropped=0 p50_ns=900000 p99_ns=4000000 max_ns=$max"
		echo "# bench: cdf cpu=all permille=0 ns=1000"
		echo "# bench: cdf cpu=all permille=1000 ns=$max"
		# Two drains on CPU 0 (20 ms, 30 ms) and a purge each; two
		# samples wait while one runs there (500 ns and MAX_NS), one
		# waits on CPU 1 and one on CPU 0 between the drains.
		echo "# bench-trace:      kworker/0:1-31      [000] .....    10.000000: workqueue_execute_start: work struct 00000000a1b2c3d4: function drain_vmap_area_work"
		echo "# bench-trace:      kworker/0:1-31      [000] .....    10.020000: workqueue_execute_end: work struct 00000000a1b2c3d4: function drain_vmap_area_work"
		echo "# bench-trace:      kworker/0:1-31      [000] .....    10.019000: purge_vmap_area_lazy: start=0xffffc90000000000 end=0xffffc90000100000 num_purged=16"
		echo "# bench-trace:      kworker/0:2-40      [000] .....    11.000000: workqueue_execute_start: work struct 00000000a1b2c3d4: function drain_vmap_area_work"
		echo "# bench-trace:      kworker/0:2-40      [000] .....    11.030000: workqueue_execute_end: work struct 00000000a1b2c3d4: function drain_vmap_area_work"
		echo "# bench-trace:      kworker/0:2-40      [000] .....    11.029000: purge_vmap_area_lazy: start=0xffffc90000000000 end=0xffffc90000100000 num_purged=16"
		echo "# bench-sample: 0 9999000000 999999"
		echo "# bench-sample: 0 10005000000 500"
		echo "# bench-sample: 0 11010000000 $max"
		echo "# bench-sample: 1 10010000000 7000000"
		echo "# bench-sample: 0 10500000000 9000000"
		for kv in "$@"; do
			echo "# bench-perf: [   12.345678] Summary: ${kv%=*} passed: 1 failed: 0 xfailed: 0 repeat: 1 loops: 5000 avg: ${kv#*=} usec"
		done
		if [ -n "${BENCH_SEGMENTS:-}" ]; then bench_segments; fi
		echo "ok 1 selftests: bench: vmalloc_bench.sh"
	} >"$d/ktap.log"
	echo ok >"$d/boot.status"
}
# The segments of the current guest script after the primary ones
# (BENCH_SEGMENTS=1 bench_fixture ...):
#  lat1ms   one drain on CPU 0, 10 ms, purging 500 areas; one sample
#           waits 3 ms during it;
#  curve-16 a drain queued on CPU 0 runs on CPU 1 for 10 ms and purges
#           1000 areas (10000 ns per area; a full drain: 16384 lazy pages
#           / 17 is 964 areas); while it runs, CPU 1 queues it again (the
#           queueings pair with the starts in order) and another task
#           on the same CPU purges 77 areas (not the drain's: purges are
#           attributed by pid); the second drain runs 1 ms, returns
#           without purging (no purge event: counted apart from the
#           drains) and ends on CPU 0;
#           the run takes 1234 ms;
#  kvfree   the test thread is preempted on CPU 1 for 3 ms, 2 ms of it
#           while a drain runs there (one that returns without purging),
#           then resumes on CPU 0 (a migration); there a per-CPU worker
#           preempts it for 1 ms, 0.5 ms of it running kfree_rcu_monitor,
#           which waits 0.2 ms for a spinlock in free_vmap_area_noflush;
#           the drain waits 1 ms for a mutex; every lock is traced there
#           (locks=all), each wait with its waiter's stack, the tracer's
#           and the lock code's frames on top; the test takes 500 usec;
#  perf     the throughput segment: vrealloc_test only (the summaries
#           before the segments then do not count).
bench_segments() {
	local t='# bench-trace:      kworker/0:1-31      [000] .....'
	local u='# bench-trace:      kworker/u4:1-50     [001] .....'
	local w='work struct 00000000a1b2c3d4: function drain_vmap_area_work'
	cat <<EOF
# bench: kernel=7.3.4 cpus=2 default_thresh_us=1000 lazy_pages=16384
# bench: segment name=lat1ms thresh_us=1000 loops=10 threads=2
# bench: probe cpu=all samples=2 missed=1 dropped=0 p50_ns=1000 p99_ns=3000000 max_ns=3000000
$t    20.000000: workqueue_execute_start: $w
$t    20.009000: purge_vmap_area_lazy: start=0xffffc90000000000 end=0xffffc90000100000 num_purged=500
$t    20.010000: workqueue_execute_end: $w
# bench-sample: 0 20005000000 3000000
# bench-sample: 1 20005000000 1000
# bench: segment name=curve thresh_us=10000 pages=16 loops=100
# bench: churn ms=1234
# bench-trace:         insmod-60      [000] .....    30.000000: workqueue_queue_work: work struct=00000000a1b2c3d4 function=drain_vmap_area_work workqueue=vmap_drain req_cpu=8192 cpu=-1
$u    30.001000: workqueue_execute_start: $w
# bench-trace:         insmod-60      [001] .....    30.002000: workqueue_queue_work: work struct=00000000a1b2c3d4 function=drain_vmap_area_work workqueue=vmap_drain req_cpu=8192 cpu=-1
# bench-trace:         insmod-60      [001] .....    30.005000: purge_vmap_area_lazy: start=0xffffc90000000000 end=0xffffc90000100000 num_purged=77
$u    30.009000: purge_vmap_area_lazy: start=0xffffc90000000000 end=0xffffc90000100000 num_purged=1000
$u    30.011000: workqueue_execute_end: $w
$u    30.012000: workqueue_execute_start: $w
# bench-trace:      kworker/u4:1-50     [000] .....    30.013000: workqueue_execute_end: $w
# bench: segment name=kvfree thresh_us=10000 mask=512 loops=5000 locks=all
# bench-trace:   vmalloc_test/0-70      [001] .....    40.000000: sched_switch: prev_comm=vmalloc_test/0 prev_pid=70 prev_prio=120 prev_state=R+ ==> next_comm=kworker/u4:1 next_pid=50 next_prio=120
$u    40.000500: workqueue_execute_start: $w
# bench-trace:   kworker/u4:1-50        [001] .....    40.001000: contention_begin: 00000000deadbeef (flags=SPIN|MUTEX)
# bench-trace:   kworker/u4:1-50        [001] .....    40.001000: <stack trace>
# bench-trace:  => ring_buffer_unlock_commit+0x1c/0x80
# bench-trace:  => __mutex_lock.constprop.0+0x2e/0x400
# bench-trace:  => drain_vmap_area_work+0x30/0x90
# bench-trace:  => process_one_work+0x160/0x3a0
# bench-trace:   kworker/u4:1-50        [001] .....    40.002000: contention_end: 00000000deadbeef (ret=0)
$u    40.002500: workqueue_execute_end: $w
# bench-trace:         <idle>-0         [000] .....    40.003000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=vmalloc_test/0 next_pid=70 next_prio=120
# bench-trace:   vmalloc_test/0-70      [000] .....    40.004000: sched_switch: prev_comm=vmalloc_test/0 prev_pid=70 prev_prio=120 prev_state=R+ ==> next_comm=kworker/0:1 next_pid=31 next_prio=120
$t    40.004100: workqueue_execute_start: work struct 00000000bbbb0001: function kfree_rcu_monitor
$t    40.004100: contention_begin: 00000000cafecafe (flags=SPIN)
$t    40.004100: <stack trace>
# bench-trace:  => _raw_spin_lock+0x1a/0x30
# bench-trace:  => free_vmap_area_noflush+0x50/0x120
# bench-trace:  => vfree+0x80/0x200
$t    40.004300: contention_end: 00000000cafecafe (ret=0)
$t    40.004600: workqueue_execute_end: work struct 00000000bbbb0001: function kfree_rcu_monitor
# bench-trace:   kworker/0:1-31         [000] .....    40.005000: sched_switch: prev_comm=kworker/0:1 prev_pid=31 prev_prio=120 prev_state=S ==> next_comm=vmalloc_test/0 next_pid=70 next_prio=120
# bench-perf: [   41.000000] Summary: kvfree_rcu_2_arg_vmalloc_test passed: 1 failed: 0 xfailed: 0 repeat: 1 loops: 5000 avg: 500 usec
# bench: segment name=perf thresh_us=10000 mask=4096 loops=5000
# bench-perf: [   50.000000] Summary: vrealloc_test passed: 1 failed: 0 xfailed: 0 repeat: 1 loops: 5000 avg: 700 usec
EOF
}
# A "make torture" boot directory: torture_boot DIR HOTPLUG-RESULT LOG-ROW
# [RECLAIM-STALL-RESULT [POOL-DECAY-FAILURES]]; LOG-ROW is the kernel log
# check's "NAME<tab>STATUS<tab>DETAIL".
torture_boot() {
	mkdir -p "$1"
	echo ok >"$1/boot.status"
	{
		echo "# torture: test=hotplug iterations=12 faults=0 failures=0 load=churn + hotplug"
		echo "# torture: test=mem_pressure iterations=20 faults=3 failures=0 load=hogs"
		echo "# torture: test=fault_inject iterations=200 faults=150 failures=0 load=fail-nth"
		echo "# torture: test=reclaim_stall iterations=1 faults=1 failures=$([ "${4:-pass}" = fail ] && echo 1 || echo 0) load=induced"
		echo "# torture: test=pool_decay iterations=330 faults=0 failures=${5:-0} load=churn + drop_caches; pooled mean 700"
	} >"$1/ktap.log"
	local f=$1/results.json n st dt
	rm -f "$f"
	res "$f" "selftests: torture: hotplug_churn.sh" "$2"
	res "$f" "selftests: torture: mem_pressure.sh" pass
	res "$f" "selftests: torture: fault_inject.sh" pass
	res "$f" "selftests: torture: reclaim_stall.sh" "${4:-pass}"
	res "$f" "selftests: torture: pool_decay.sh" "$([ "${5:-0}" = 0 ] && echo pass || echo fail)"
	IFS=$'\t' read -r n st dt <<<"$3"
	res "$f" "$n" "$st" "$dt"
}
# The isolated-CPU report: executions are paired start/end per work item
# and counted on the CPU they started on; IPI deltas per CPU.
# isol_boot DIR EXEC-CPU [SKIP]: one drain (purging) and one helper on
# EXEC-CPU; with SKIP, a second drain on CPU 0 that returns without purging.
isol_boot() {
	mkdir -p "$1"
	{
		printf 'TAP version 13\n1..1\n# selftests: bench: isolated_cpu.sh\n'
		echo "# isol: isolated=1 cpu=1 online=0-1 wq_unbound_cpumask=1"
		echo "# isol: irq before  CAL:    10    20   Function call interrupts"
		echo "# isol: vfree_churn: done: 1 areas"
		echo "# isol: vfree_churn: done: 1 areas"
		echo "# isol-trace:     kworker/$2:1-40    [00$2] .....   100.000100: workqueue_execute_start: work struct 0000000011: function drain_vmap_area_work"
		echo "# isol-trace:     kworker/$2:2-41    [00$2] .....   100.000200: workqueue_execute_start: work struct 0000000022: function purge_vmap_node"
		echo "# isol-trace:     kworker/$2:2-41    [00$2] .....   100.000700: workqueue_execute_end: work struct 0000000022: function purge_vmap_node"
		echo "# isol-trace:     kworker/$2:1-40    [00$2] .....   100.002000: purge_vmap_area_lazy: start=0xffffc90000000000 end=0xffffc90000100000 num_purged=16"
		echo "# isol-trace:     kworker/$2:1-40    [00$2] .....   100.002100: workqueue_execute_end: work struct 0000000011: function drain_vmap_area_work"
		if [ -n "${3:-}" ]; then
			echo "# isol-trace:     kworker/u4:1-50    [000] .....   100.002200: workqueue_execute_start: work struct 0000000011: function drain_vmap_area_work"
			echo "# isol-trace:     kworker/u4:1-50    [000] .....   100.002210: workqueue_execute_end: work struct 0000000011: function drain_vmap_area_work"
		fi
		# IPI handlers on the isolated CPU 1: 50 us and 20 us; one on CPU 0.
		echo "# isol-trace:     <idle>-0     [001] d.h..   100.003000: call_function_entry: vector=251"
		echo "# isol-trace:     <idle>-0     [001] d.h..   100.003050: call_function_exit: vector=251"
		echo "# isol-trace:     <idle>-0     [001] d.h..   100.004000: call_function_single_entry: vector=251"
		echo "# isol-trace:     <idle>-0     [001] d.h..   100.004020: call_function_single_exit: vector=251"
		echo "# isol-trace:     <idle>-0     [000] d.h..   100.005000: call_function_entry: vector=251"
		echo "# isol-trace:     <idle>-0     [000] d.h..   100.006000: call_function_exit: vector=251"
		echo "# isol: irq after  CAL:    15    45   Function call interrupts"
		echo "ok 1 selftests: bench: isolated_cpu.sh"
	} >"$1/ktap.log"
}
