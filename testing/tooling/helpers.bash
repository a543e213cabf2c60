# shellcheck shell=bash
# Shared fixtures of the tooling tests (testing/tooling/*.bats, run with
# bats). Every .bats file loads this; $tmp is the file's own scratch
# directory, so tests of one file can build on each other in order.

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
S=$TOP/scripts
tmp=$BATS_FILE_TMPDIR
export GIT_AUTHOR_NAME=tooling-test GIT_AUTHOR_EMAIL=tooling-test@localhost
export GIT_COMMITTER_NAME=tooling-test GIT_COMMITTER_EMAIL=tooling-test@localhost

# A tiny "kernel tree" and a two-patch series made against it.
mk_tree() {
	rm -rf "$1"
	git init -q -b main "$1"
	mkdir -p "$1/mm"
	printf 'line %s\n' 1 2 3 4 5 6 7 8 >"$1/mm/vmalloc.c"
	git -C "$1" add -A
	git -C "$1" commit -q -m base
}
mk_series() { # mk_series TREE OUTDIR
	local t=$tmp/gen
	mk_tree "$t"
	sed -i 's/line 2/line two/' "$t/mm/vmalloc.c"
	git -C "$t" commit -qam "mm: first"
	sed -i 's/line 7/line seven/' "$t/mm/vmalloc.c"
	git -C "$t" commit -qam "mm: second"
	mkdir -p "$2/patches"
	git -C "$t" format-patch -q -o "$2/patches" HEAD~2
	(cd "$2/patches" && ls) >"$2/series"
}
# A fake Debian base "0.1" for fetch-base.sh, without network: a bases
# file, a small linux-source-0.1 .deb built with dpkg-deb, and apt-get /
# apt-cache stubs (first on PATH) that "download" it and log every call in
# CACHE.apt-log. FAKE_APT_FAIL=1 interrupts the download: half the file is
# written and apt fails, as when the connection drops.
FB_PKG=linux-source-0.1 FB_VER=0.1.1-1~fake1
mk_fake_base() {
	local d=$tmp/fakebase
	[ -f "$d/good.deb" ] && return 0
	rm -rf "$d"
	mkdir -p "$d/pkg/DEBIAN" "$d/pkg/usr/src" "$d/src/$FB_PKG/mm" "$d/bin" || return 1
	printf 'line %s\n' 1 2 3 4 5 6 7 8 >"$d/src/$FB_PKG/mm/vmalloc.c"
	# Debian's tree ignores itself; the import must force-add it.
	printf '/*\n' >"$d/src/$FB_PKG/.gitignore"
	head -c 48000 /dev/urandom | base64 >"$d/src/$FB_PKG/filler"
	tar -cJf "$d/pkg/usr/src/$FB_PKG.tar.xz" -C "$d/src" "$FB_PKG" || return 1
	printf '%s\n' "Package: $FB_PKG" "Version: $FB_VER" "Architecture: all" \
		"Maintainer: tooling test <tooling-test@localhost>" "Description: fake base" \
		>"$d/pkg/DEBIAN/control"
	dpkg-deb -Zxz --build "$d/pkg" "$d/good.deb" >/dev/null || return 1
	printf '0.1\t%s\t%s\tfake\n' "$FB_PKG" "$FB_VER" >"$d/bases"
	# One fake for apt-get and apt-cache: options skipped, call logged.
	cat >"$d/bin/apt-fake" <<'EOS'
#!/bin/sh
tool=${0##*/}
while [ $# -gt 0 ]; do
	case $1 in
	-o) shift 2 ;;
	-*) shift ;;
	*) break ;;
	esac
done
echo "$tool $*" >>"$FAKE_APT_LOG"
case "$tool ${1:-}" in
"apt-get update") ;;
"apt-get download")
	f=${2%%=*}_${2#*=}_all.deb
	if [ "${FAKE_APT_FAIL:-0}" = 1 ]; then
		head -c $(($(wc -c <"$FAKE_DEB") / 2)) "$FAKE_DEB" >"$f"
		echo "E: Failed to fetch fake://$f  Connection reset by peer" >&2
		exit 100
	fi
	cp "$FAKE_DEB" "$f" ;;
"apt-cache madison")
	echo " $2 | $FAKE_APT_VERSION | fake://archive fake/main all Packages" ;;
*) exit 100 ;;
esac
EOS
	chmod +x "$d/bin/apt-fake"
	ln -s apt-fake "$d/bin/apt-get"
	ln -s apt-fake "$d/bin/apt-cache"
}
fake_env() { # fake_env CACHE [VAR=value...] CMD...: CMD with the fake apt
	local c=$1
	shift
	env PATH="$tmp/fakebase/bin:$PATH" BASES_FILE="$tmp/fakebase/bases" \
		FAKE_DEB="$tmp/fakebase/good.deb" FAKE_APT_VERSION="$FB_VER" \
		FAKE_APT_LOG="$c.apt-log" CACHE="$c" "$@"
}
fetch_fake() { # fetch_fake CACHE [VAR=value...]: scripts/fetch-base.sh 0.1
	local c=$1
	shift
	fake_env "$c" "$@" "$S/fetch-base.sh" 0.1
}
# fake_tree_ok CACHE: CACHE holds exactly the imported fake base: its own
# git tree with tags base and debian/<version> on HEAD, the recorded
# version, the files of the tarball and nothing else, no scratch directory.
fake_tree_ok() {
	local t=$1/trees/0.1
	[ -d "$t/.git" ] && [ ! -e "$t.tmp" ] &&
		[ "$(cat "$t.version")" = "$FB_VER" ] &&
		[ "$(git -C "$t" rev-parse base)" = "$(git -C "$t" rev-parse HEAD)" ] &&
		[ "$(git -C "$t" rev-parse "debian/${FB_VER//\~/_}")" = "$(git -C "$t" rev-parse HEAD)" ] &&
		diff -r -q -x .git "$t" "$tmp/fakebase/src/$FB_PKG" &&
		[ -z "$(git -C "$t" status --porcelain --ignored)" ]
}
fake_deb() { echo "$1/debs/${FB_PKG}_${FB_VER}_all.deb"; }
# cached_deb CACHE: CACHE already holds the fake base's complete .deb.
cached_deb() {
	mk_fake_base && mkdir -p "$1/debs" && cp "$tmp/fakebase/good.deb" "$(fake_deb "$1")"
}
downloads() { grep -c '^apt-get download ' "$1.apt-log" || true; }
# A tiny tree with what mkinitramfs.sh takes from a kernel tree (the
# kselftest runner), so that boot.sh runs up to QEMU without a real base.
mk_kst_tree() {
	[ -d "$tmp/kst/.git" ] && return 0
	mk_tree "$tmp/kst"
	mkdir -p "$tmp/kst/tools/testing/selftests/kselftest"
	echo '# runner' >"$tmp/kst/tools/testing/selftests/kselftest/runner.sh"
	echo '# helpers' >"$tmp/kst/tools/testing/selftests/kselftest/ktap_helpers.sh"
	git -C "$tmp/kst" add -A
	git -C "$tmp/kst" commit -qm kselftest
}
# A stand-in kernel tree for scripts/build.sh: its Makefile leaves what
# build.sh collects, and FAKE_HANG=<target> stops the build in that target
# (marker file hung-in-<target> in O) so that a test can kill it there.
mk_fake_kernel() {
	mk_tree "$1"
	mkdir -p "$1/scripts/kconfig"
	printf '#!/bin/sh\nexit 0\n' >"$1/scripts/kconfig/merge_config.sh"
	chmod +x "$1/scripts/kconfig/merge_config.sh"
	echo "kernel image of $1" >"$1/image"
	cat >"$1/Makefile" <<'EOM'
hang = @if [ "$(FAKE_HANG)" = $@ ]; then touch $(O)/hung-in-$@; sleep 60; fi
tinyconfig olddefconfig:
	@touch $(O)/.config
bzImage:
	$(hang)
	@mkdir -p $(O)/arch/x86/boot && cp image $(O)/arch/x86/boot/bzImage
	@echo 'int fake_data = 1;' | cc -x c -c -o $(O)/vmlinux -
modules:
	@:
modules_install:
	$(hang)
	@mkdir -p $(INSTALL_MOD_PATH)/lib/modules/0.0
EOM
	git -C "$1" add -A
	git -C "$1" commit -qm "fake kernel build"
}
# interrupted_build CACHE TARGET: start build.sh, kill its whole process
# group once make sits in TARGET, as a ^C or a lost session would.
interrupted_build() {
	local c=$1 target=$2 pid
	rm -f "$c/build/9.7-lockdep/hung-in-$target"
	CACHE=$c FAKE_HANG=$target VARIANT=lockdep setsid "$S/build.sh" 9.7 HEAD >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -e "$c/build/9.7-lockdep/hung-in-$target" ] && break
		sleep 0.1
	done
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ] || return 1
	kill -TERM -- "-$pid"
	! wait "$pid" && [ -e "$c/build/9.7-lockdep/hung-in-$target" ]
}
# mk_one_patch DIR SUBJECT SED: a series DIR/series of one patch (made with
# git format-patch) that applies SED to mm/vmalloc.c of mk_tree's tree; the
# author's tree is left in DIR/gen for comparison.
mk_one_patch() {
	rm -rf "$1"
	mk_tree "$1/gen"
	sed -i "$3" "$1/gen/mm/vmalloc.c"
	git -C "$1/gen" commit -qam "$2"
	git -C "$1/gen" format-patch -q -o "$1/patches" HEAD~1 &&
		(cd "$1/patches" && ls) >"$1/series"
}
# Git with its defaults only (no user or system configuration), so that the
# outcome is git am's own and not this machine's.
git_defaults() { GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null "$@"; }
# tree_untouched TREE HEAD: on main at HEAD, clean, no am in progress, no
# branch vmalloc-series.
tree_untouched() {
	[ "$(git -C "$1" rev-parse HEAD)" = "$2" ] &&
		[ "$(git -C "$1" branch --show-current)" = main ] &&
		[ ! -e "$1/.git/rebase-apply" ] &&
		[ -z "$(git -C "$1" status --porcelain --ignored)" ] &&
		! git -C "$1" rev-parse -q --verify refs/heads/vmalloc-series >/dev/null
}
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
# A "make torture" directory: torture_boot DIR RESULT-OF-HOTPLUG LOG-LINE
torture_boot() { # DIR HOTPLUG-RESULT LOG-ROW [RECLAIM-STALL-RESULT [POOL-DECAY-FAILURES]]
	mkdir -p "$1"
	echo ok >"$1/boot.status"
	{
		echo "# torture: test=hotplug iterations=12 faults=0 failures=0 load=churn + hotplug"
		echo "# torture: test=mem_pressure iterations=20 faults=3 failures=0 load=hogs"
		echo "# torture: test=fault_inject iterations=200 faults=150 failures=0 load=fail-nth"
		echo "# torture: test=reclaim_stall iterations=1 faults=1 failures=$([ "${4:-pass}" = fail ] && echo 1 || echo 0) load=induced"
		echo "# torture: test=pool_decay iterations=330 faults=0 failures=${5:-0} load=churn + drop_caches; pooled mean 700"
	} >"$1/ktap.log"
	{
		printf 'selftests: torture: hotplug_churn.sh\t%s\t\n' "$2"
		printf 'selftests: torture: mem_pressure.sh\tpass\t\n'
		printf 'selftests: torture: fault_inject.sh\tpass\t\n'
		printf 'selftests: torture: reclaim_stall.sh\t%s\t\n' "${4:-pass}"
		printf 'selftests: torture: pool_decay.sh\t%s\t\n' "$([ "${5:-0}" = 0 ] && echo pass || echo fail)"
		printf '%s\n' "$3"
	} >"$1/results.tsv"
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
