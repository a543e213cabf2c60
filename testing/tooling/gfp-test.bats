#!/usr/bin/env bats
# Tooling tests: the verdicts of the percpu GFP regression test's loader
# (tools/testing/selftests/mm/test_percpu_gfp.sh, added by the mainline
# series' test patch), taken from the patch itself and run on the host with
# a fake kernel log, modprobe and tracefs: a real recursion report fails,
# an unrelated lockdep report or a NULL allocation is inconclusive (SKIP).

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

# gfp_script DIR: the loader as the mainline test patch adds it, with
# /dev/kmsg and tracefs pointed into DIR so that nothing on the host is
# touched, plus stubs (first on PATH) for id, mkdir, modprobe and dmesg.
# mkdir makes the trace instance with its event directory; modprobe -D
# finds the module; modprobe appends DIR/module.<gfp> (what the module
# would log) to the fake log and DIR/chunks.<gfp> (default 3) chunk
# events to the instance's trace; dmesg prints the log.
gfp_script() {
	local d=$1 p
	p=$(grep -l '^+++ b/tools/testing/selftests/mm/test_percpu_gfp.sh' "$TOP"/patches/*.patch)
	mkdir -p "$d/bin" "$d/tracing/instances"
	: >"$d/kmsg"
	awk '/^\+\+\+ b\/tools\/testing\/selftests\/mm\/test_percpu_gfp.sh/ { f = 1; next }
		f && /^diff --git/ { f = 0 }
		f && /^\+/ { print substr($0, 2) }' "$p" |
		sed "s#/dev/kmsg#$d/kmsg#g; s#^TRACING=/sys/kernel/tracing\$#TRACING=$d/tracing#" >"$d/test.sh"
	grep -q "^TRACING=$d/tracing\$" "$d/test.sh"
	printf '#!/bin/sh\necho 0\n' >"$d/bin/id"
	# shellcheck disable=SC2016 # $1 is the stub's own argument
	printf '#!/bin/sh\n/bin/mkdir -p "$1/events/percpu/percpu_create_chunk"\n' >"$d/bin/mkdir"
	# The stubs find DIR in $GFP_FAKE (set by run_gfp).
	cat >"$d/bin/modprobe" <<-'EOF'
		#!/bin/sh
		[ "$1" != -D ] || exit 0
		for a; do case $a in gfp=*) g=${a#gfp=} ;; esac; done
		cat "$GFP_FAKE/module.$g" >>"$GFP_FAKE/kmsg" 2>/dev/null
		n=$(cat "$GFP_FAKE/chunks.$g" 2>/dev/null || echo 3)
		for t in "$GFP_FAKE"/tracing/instances/*/trace; do
			i=0
			while [ "$i" -lt "$n" ]; do
				echo "modprobe-1 [000] ..... 1.0: percpu_create_chunk: base_addr=0" >>"$t"
				i=$((i + 1))
			done
		done
		exit 1
	EOF
	cat >"$d/bin/dmesg" <<-'EOF'
		#!/bin/sh
		cat "$GFP_FAKE/kmsg"
	EOF
	chmod +x "$d"/bin/*
}

# lockdep_report DIR LOCK: the gfp=nofs run ends in a lockdep report whose
# chain names LOCK, which switches lockdep off for the gfp=noio run.
lockdep_report() {
	printf '%s\n' 'WARNING: possible circular locking dependency detected' \
		"-> #1 ($2){+.+.}-{4:4}:" \
		'test_percpu_gfp: FAIL: gfp=nofs: lockdep turned itself off during 12 allocations of 16384 bytes, see the report above' \
		>"$1/module.nofs"
	echo 'test_percpu_gfp: SKIP: gfp=noio: lockdep is off (debug_locks=0), probably after an earlier report; reboot to rerun' >"$1/module.noio"
}

gfp_setup() { # gfp_setup NAME: d=$tmp/NAME holds a fresh copy (gfp_script)
	d=$tmp/$1
	gfp_script "$d"
}

gfp_expect() { # gfp_expect RC: run the loader in $d (run_gfp); it exits RC
	run_gfp "$d"
	[ "$rc" = "$1" ] || { echo "rc=$rc $out"; return 1; }
}

run_gfp() { # run_gfp DIR: run the loader under dash; sets $out and $rc
	rc=0
	out=$(GFP_FAKE=$1 PATH="$1/bin:$PATH" dash "$1/test.sh" 2>&1) || rc=$?
}

@test "gfp test: a recursion report naming test_fs_lock fails" {
	gfp_setup g1
	lockdep_report "$d" test_fs_lock
	gfp_expect 1
	grep -qx 'not ok 1 test_percpu_gfp gfp=nofs' <<<"$out" &&
		grep -q '^ok 2 test_percpu_gfp gfp=noio # SKIP' <<<"$out"
}

@test "gfp test: an unrelated lockdep report is inconclusive, not a failure" {
	gfp_setup g2
	lockdep_report "$d" '&some_other_lock'
	gfp_expect 4
	grep -qx 'ok 1 test_percpu_gfp gfp=nofs # SKIP a lockdep report not involving test_fs_lock' <<<"$out"
}

@test "gfp test: a NULL allocation under pressure is inconclusive" {
	gfp_setup g3
	echo 'test_percpu_gfp: SKIP: gfp=nofs: inconclusive, allocation 40 of 256 (16384 bytes) returned NULL with 812 pages available' >"$d/module.nofs"
	echo 'test_percpu_gfp: SKIP: gfp=noio: inconclusive, allocation 3 of 256 (16384 bytes) returned NULL with 90 pages available' >"$d/module.noio"
	gfp_expect 4
	grep -qx 'ok 1 test_percpu_gfp gfp=nofs # SKIP inconclusive, allocation 40 of 256 (16384 bytes) returned NULL with 812 pages available' <<<"$out" &&
		grep -q '^# gfp=noio: test_percpu_gfp: SKIP: gfp=noio: inconclusive, allocation 3 of 256' <<<"$out"
}

@test "gfp test: a pass that created no chunk tested nothing: SKIP" {
	gfp_setup g4
	echo 'test_percpu_gfp: PASS: gfp=nofs: 256 allocations of 16384 bytes, no FS reclaim dependency reported' >"$d/module.nofs"
	echo 'test_percpu_gfp: PASS: gfp=noio: 256 allocations of 16384 bytes, no FS reclaim dependency reported' >"$d/module.noio"
	echo 0 >"$d/chunks.noio"
	gfp_expect 0
	grep -qx 'ok 1 test_percpu_gfp gfp=nofs' <<<"$out" &&
		grep -qx '# gfp=nofs: 3 percpu chunks created during the run' <<<"$out" &&
		grep -qx 'ok 2 test_percpu_gfp gfp=noio # SKIP no new chunk was created, raise nr_objs' <<<"$out" &&
		grep -qx '# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0' <<<"$out"
}

@test "gfp test: without the module the loader skips with exit 4" {
	gfp_setup g5
	printf '#!/bin/sh\nexit 1\n' >"$d/bin/modprobe"
	gfp_expect 4
	grep -qx 'SKIP: test_percpu_gfp module not available (CONFIG_TEST_PERCPU_GFP=m)' <<<"$out"
}

@test "gfp test: the default size is bounded on many CPUs" {
	local p
	p=$(grep -l '^+++ b/lib/test_percpu_gfp.c' "$TOP"/patches/*.patch)
	grep -q '^+.*SZ_256M / PAGE_ALIGN(size) / num_possible_cpus()' "$p" && grep -q '^+.*SZ_4M / PAGE_ALIGN(size)' "$p"
}

@test "gfp test: the module's NULL verdict is a SKIP in the patch" {
	# The loader's SKIP above relies on the module printing SKIP, not
	# FAIL, for a NULL allocation.
	local p
	p=$(grep -l '^+++ b/lib/test_percpu_gfp.c' "$TOP"/patches/*.patch)
	grep -q '^+.*"SKIP: gfp=%s: inconclusive, allocation %u of %u (%u bytes) returned NULL' "$p" &&
		! grep -q '^+.*"FAIL: gfp=%s: allocation %u of %u (%u bytes) returned NULL' "$p"
}

@test "gfp test: without a writable /dev/kmsg the loader skips, it does not fail" {
	gfp_setup g6
	rm -f "$d/kmsg"
	mkdir "$d/kmsg"
	gfp_expect 4
	grep -q '^SKIP: cannot write to .*kmsg' <<<"$out"
}
