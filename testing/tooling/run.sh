#!/usr/bin/env bash
# Tests for the pipeline's own scripts: bad input must give a clear error and
# a non-zero exit without touching the user's tree, and the result plumbing
# (log scan, KTAP parsing, expected failures) must classify correctly.
# Output is KTAP; exit status 1 if any case fails.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
S=$TOP/scripts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_AUTHOR_NAME=tooling-test GIT_AUTHOR_EMAIL=tooling-test@localhost
export GIT_COMMITTER_NAME=tooling-test GIT_COMMITTER_EMAIL=tooling-test@localhost

cases=()
n=0 failed=0

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

t_unknown_base() {
	local out
	! out=$(BASE=9.9 CACHE=$tmp/c "$S/run.sh" 2>&1) || return 1
	grep -q "unknown BASE '9.9'" <<<"$out"
}
t_apply_clean_tree() {
	mk_series "$tmp" "$tmp/s"
	mk_tree "$tmp/k"
	local out
	out=$("$S/apply.sh" "$tmp/k" "$tmp/s/series" vmalloc-series)
	[ "$(wc -l <<<"$out")" = 3 ] &&
		[ "$(git -C "$tmp/k" rev-list --count main..vmalloc-series)" = 2 ] &&
		grep -q 'line seven' "$tmp/k/mm/vmalloc.c"
}
t_apply_existing_branch_refused() {
	! "$S/apply.sh" "$tmp/k" "$tmp/s/series" vmalloc-series 2>"$tmp/err" &&
		grep -q "already exists" "$tmp/err"
}
t_dirty_kdir_refused() {
	mk_tree "$tmp/d"
	echo dirty >>"$tmp/d/mm/vmalloc.c"
	local before
	before=$(sha1sum <"$tmp/d/mm/vmalloc.c")
	! make -s -C "$TOP" apply KDIR="$tmp/d" SERIES="$tmp/s/series" 2>"$tmp/err" >/dev/null &&
		grep -q "uncommitted changes" "$tmp/err" &&
		[ "$(sha1sum <"$tmp/d/mm/vmalloc.c")" = "$before" ] &&
		[ "$(git -C "$tmp/d" branch --show-current)" = main ] &&
		! git -C "$tmp/d" rev-parse -q --verify refs/heads/vmalloc-series >/dev/null
}
t_patch_not_applying() {
	mk_tree "$tmp/n"
	sed -i 's/line 7/other 7/' "$tmp/n/mm/vmalloc.c"
	git -C "$tmp/n" commit -qam diverged
	local head
	head=$(git -C "$tmp/n" rev-parse HEAD)
	! "$S/apply.sh" "$tmp/n" "$tmp/s/series" vmalloc-series 2>"$tmp/err" &&
		[ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -q "patch 0002-mm-second.patch does not apply" "$tmp/err" &&
		[ "$(git -C "$tmp/n" rev-parse HEAD)" = "$head" ] &&
		[ "$(git -C "$tmp/n" branch --show-current)" = main ] &&
		[ ! -d "$tmp/n/.git/rebase-apply" ] &&
		[ -z "$(git -C "$tmp/n" status --porcelain)" ] &&
		! git -C "$tmp/n" rev-parse -q --verify refs/heads/vmalloc-series >/dev/null
}
t_missing_series_file() {
	mk_tree "$tmp/m"
	printf '0001-nope.patch\n' >"$tmp/bad-series"
	! "$S/apply.sh" "$tmp/m" "$tmp/bad-series" b 2>"$tmp/err" &&
		grep -q "does not exist" "$tmp/err"
}
t_empty_series() {
	mk_tree "$tmp/e"
	: >"$tmp/empty-series"
	[ "$("$S/apply.sh" "$tmp/e" "$tmp/empty-series" b | wc -l)" = 1 ]
}
t_quilt_push() {
	mk_tree "$tmp/q"
	rm -rf "$tmp/q/.git"
	(cd "$tmp/q" && QUILT_PATCHES=$tmp/s/patches QUILT_SERIES=$tmp/s/series quilt push -a -q >/dev/null) &&
		grep -q 'line two' "$tmp/q/mm/vmalloc.c" && grep -q 'line seven' "$tmp/q/mm/vmalloc.c"
}
t_missing_qemu() {
	! QEMU=/nonexistent/qemu-system-x86_64 "$S/boot.sh" "$tmp" "$tmp" "$tmp/b" x/y 2>"$tmp/err" &&
		grep -q "apt-get install qemu-system-x86" "$tmp/err"
}
t_missing_busybox() {
	! BUSYBOX=/nonexistent/busybox "$S/mkinitramfs.sh" "$tmp" "$tmp" "$tmp/i.cpio" 2>"$tmp/err" &&
		grep -q "apt-get install busybox-static" "$tmp/err"
}
t_hung_guest_is_bounded() {
	[ -d "$TOP/.cache/trees/7.3/.git" ] || { echo "SKIP base 7.3 not fetched yet"; return 2; }
	mkdir -p "$tmp/art" "$tmp/fakebin"
	printf '#!/bin/sh\nsleep 300\n' >"$tmp/fakebin/qemu-hang"
	chmod +x "$tmp/fakebin/qemu-hang"
	local s e
	s=$(date +%s)
	QEMU=$tmp/fakebin/qemu-hang ACCEL=tcg BOOT_TIMEOUT=3 \
		"$S/boot.sh" "$tmp/art" "$TOP/.cache/trees/7.3" "$tmp/hang" x/y 2>"$tmp/err" || return 1
	e=$(date +%s)
	grep -qx 'timeout 3' "$tmp/hang/boot.status" && [ $((e - s)) -lt 30 ]
}
t_base_lock_serialises_jobs() {
	local s e
	CACHE=$tmp/lock bash -c '. "$1/lib.sh"; lock_base 7.3; sleep 3' _ "$S" &
	sleep 1
	s=$(date +%s)
	CACHE=$tmp/lock bash -c '. "$1/lib.sh"; lock_base 7.3' _ "$S" 2>"$tmp/err"
	e=$(date +%s)
	wait
	grep -q "waiting for another job on base 7.3" "$tmp/err" && [ $((e - s)) -ge 1 ]
}
t_scanlog_flags_splats() {
	printf '[ 1.0] ok\n[ 2.0] WARNING: CPU: 1 PID: 9 at mm/vmalloc.c:1\n[ 3.0] workqueue: drain_vmap_area_work hogged CPU for >1000us 4 times, consider switching to WQ_UNBOUND\n' >"$tmp/c.log"
	local r
	r=$("$S/scanlog.sh" "$tmp/c.log")
	grep -qP '^log: WARNING\tfail\t1 matching' <<<"$r" &&
		grep -qP '^log: hogged CPU\tfail' <<<"$r" &&
		grep -qP '^log: lockdep\tpass' <<<"$r"
}
t_ktap_missing_result_fails() {
	# Serial consoles deliver CRLF line endings.
	printf '# selftests: vmalloc: a.sh\r\nok 1 selftests: vmalloc: a.sh\r\n' >"$tmp/k.log"
	local r
	r=$("$S/ktap2tsv.sh" "$tmp/k.log" vmalloc/a.sh,vmalloc/b.sh)
	grep -qP '^selftests: vmalloc: a.sh\tpass' <<<"$r" &&
		grep -qP '^selftests: vmalloc: b.sh\tfail\tno result' <<<"$r"
}
t_report_xfail_and_xpass() {
	local run=$tmp/run
	mkdir -p "$run/step-0" "$run/step-1"
	echo base=7.3 >"$run/meta"
	echo base >"$run/step-0/title"
	echo top >"$run/step-1/title"
	printf 'selftests: vmalloc: drain_hog.sh\tfail\thogs\n' >"$run/step-0/results.tsv"
	printf 'selftests: vmalloc: drain_hog.sh\tpass\tnone\n' >"$run/step-1/results.tsv"
	"$S/report.sh" "$run" >"$tmp/rep" 2>&1 || return 1
	tail -n 1 "$tmp/rep" | grep -qx '2 passed, 0 failed, 0 skipped' &&
		grep -q '# XFAIL unpatched base' "$run/report.ktap" || return 1
	# The reproducer passing on the unpatched base is an XPASS: a failure.
	printf 'selftests: vmalloc: drain_hog.sh\tpass\tnone\n' >"$run/step-0/results.tsv"
	! "$S/report.sh" "$run" >"$tmp/rep" 2>&1 &&
		tail -n 1 "$tmp/rep" | grep -qx '1 passed, 1 failed, 0 skipped' &&
		grep -q '^    not ok 1 .*# XPASS' "$run/report.ktap"
}
t_fetch_reuses_cache() {
	[ -f "$TOP/.cache/trees/7.3.version" ] || { echo "SKIP base 7.3 not fetched yet"; return 2; }
	local s e
	s=$(date +%s)
	CACHE=$TOP/.cache "$S/fetch-base.sh" 7.3 2>"$tmp/err"
	e=$(date +%s)
	grep -q reusing "$tmp/err" && [ $((e - s)) -lt 10 ]
}

cases=(t_unknown_base t_apply_clean_tree t_apply_existing_branch_refused
	t_dirty_kdir_refused t_patch_not_applying t_missing_series_file
	t_empty_series t_quilt_push t_missing_qemu t_missing_busybox t_hung_guest_is_bounded
	t_base_lock_serialises_jobs
	t_scanlog_flags_splats t_ktap_missing_result_fails
	t_report_xfail_and_xpass t_fetch_reuses_cache)

echo "KTAP version 1"
echo "1..${#cases[@]}"
for c in "${cases[@]}"; do
	n=$((n + 1))
	rc=0
	out=$("$c" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		echo "ok $n ${c#t_}"
	elif [ "$rc" = 2 ] && grep -q '^SKIP' <<<"$out"; then
		echo "ok $n ${c#t_} # $(grep -m1 '^SKIP' <<<"$out")"
	else
		failed=$((failed + 1))
		echo "not ok $n ${c#t_}"
		tail -n 5 <<<"$out" | sed "s/^/# /"
		[ -f "$tmp/err" ] && sed 's/^/# stderr: /' "$tmp/err" | tail -n 3
	fi
done
[ "$failed" = 0 ]
