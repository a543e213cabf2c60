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

t_unknown_base() {
	local out
	! out=$(BASE=9.9 CACHE=$tmp/c "$S/run.sh" 2>&1) || return 1
	grep -q "unknown BASE '9.9'" <<<"$out" || return 1
	# fetch-base.sh with another list of bases names the known ones and
	# touches nothing.
	mk_fake_base || return 1
	! out=$(PATH=$tmp/fakebase/bin:$PATH BASES_FILE=$tmp/fakebase/bases CACHE=$tmp/c \
		"$S/fetch-base.sh" 7.3 2>&1) &&
		[ "$out" = "error: unknown BASE '7.3'; known: 0.1 " ] && [ ! -e "$tmp/c" ]
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
t_hung_guest_is_bounded() {
	mk_kst_tree || return 1
	mkdir -p "$tmp/art" "$tmp/fakebin"
	printf '#!/bin/sh\nsleep 300\n' >"$tmp/fakebin/qemu-hang"
	chmod +x "$tmp/fakebin/qemu-hang"
	local s e
	s=$(date +%s)
	CACHE=$tmp/hc QEMU=$tmp/fakebin/qemu-hang ACCEL=tcg BOOT_TIMEOUT=3 \
		"$S/boot.sh" "$tmp/art" "$tmp/kst" "$tmp/hang" x/y 2>"$tmp/err" || return 1
	e=$(date +%s)
	grep -qx 'timeout 3' "$tmp/hang/boot.status" && [ $((e - s)) -lt 30 ] &&
		grep -q 'boot art: timeout 3$' "$tmp/err"
}
t_panicking_guest() {
	# The guest oopses and panics before its tests end; with panic=-1 and
	# -no-reboot QEMU then exits 0 at once. Fake QEMU: the console (first
	# -serial file:) gets the panic, the KTAP port (second) only a header.
	mk_kst_tree || return 1
	mkdir -p "$tmp/art" "$tmp/fakebin"
	cat >"$tmp/fakebin/qemu-panic" <<'EOS'
#!/bin/sh
echo "$*" >"$FAKE_QEMU_ARGS"
con= ktap=
while [ $# -gt 0 ]; do
	if [ "$1" = -serial ]; then
		if [ -z "$con" ]; then con=${2#file:}; else ktap=${2#file:}; fi
	fi
	shift
done
printf 'KTAP version 1\r\n1..2\r\n' >"$ktap"
printf '%s\r\n' '[    0.000000] Linux version 7.3.4 (fake)' \
	'[    2.511000] BUG: kernel NULL pointer dereference, address: 0000000000000008' \
	'[    2.512000] Oops: 0000 [#1] PREEMPT SMP NOPTI' \
	'[    2.513000] RIP: 0010:purge_vmap_node+0x2a/0x1c0' \
	'[    2.530000] Kernel panic - not syncing: Fatal exception' \
	'[    2.531000] ---[ end Kernel panic - not syncing: Fatal exception ]---' >"$con"
EOS
	chmod +x "$tmp/fakebin/qemu-panic"
	local s e r tests=vmalloc/drain_placement.sh,vmalloc/vmalloc_kunit.sh
	s=$(date +%s)
	CACHE=$tmp/pc QEMU=$tmp/fakebin/qemu-panic FAKE_QEMU_ARGS=$tmp/qemu-args ACCEL=tcg BOOT_TIMEOUT=60 \
		"$S/boot.sh" "$tmp/art" "$tmp/kst" "$tmp/panic" "$tests" 2>"$tmp/err" || return 1
	e=$(date +%s)
	# A panic must end the boot (panic=-1 + -no-reboot), not wait for the
	# timeout, and the boot is not "ok".
	grep -q -- '-no-reboot' "$tmp/qemu-args" && grep -q 'panic=-1 ' "$tmp/qemu-args" &&
		[ $((e - s)) -lt 30 ] &&
		grep -qx 'noktap (qemu rc=0)' "$tmp/panic/boot.status" &&
		grep -q 'boot art: noktap (qemu rc=0)$' "$tmp/err" || return 1
	# What run.sh then reports for the step: every test without a result,
	# the panic and the BUG with their excerpts.
	r=$(python3 "$S/ktap.py" tsv "$tmp/panic/ktap.log" "$tests") || return 1
	[ "$(grep -cP '^selftests: vmalloc: (drain_placement|vmalloc_kunit)\.sh\tfail\tno result' <<<"$r")" = 2 ] &&
		[ "$(wc -l <<<"$r")" = 2 ] || return 1
	r=$("$S/scanlog.sh" "$tmp/panic/console.log") || return 1
	grep -qP '^log: panic\tfail\t2 matching lines; first: \[    2\.530000\] Kernel panic - not syncing: Fatal exception' <<<"$r" &&
		grep -qP '^log: BUG\tfail\t1 matching lines; first: .*BUG: kernel NULL pointer dereference.*RIP: 0010:purge_vmap_node' <<<"$r" &&
		[ "$(grep -cP '\tfail\t' <<<"$r")" = 2 ]
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
	printf 'TAP version 13\r\n1..1\r\n# selftests: vmalloc: a.sh\r\nok 1 selftests: vmalloc: a.sh\r\n' >"$tmp/k.log"
	local r
	r=$(python3 "$S/ktap.py" tsv "$tmp/k.log" vmalloc/a.sh,vmalloc/b.sh)
	grep -qP '^selftests: vmalloc: a.sh\tpass' <<<"$r" &&
		grep -qP '^selftests: vmalloc: b.sh\tfail\tno result' <<<"$r"
}
t_report_xfail_and_xpass() {
	local run=$tmp/run
	mkdir -p "$run/step-0" "$run/step-1"
	echo base=7.3 >"$run/meta"
	echo base >"$run/step-0/title"
	echo top >"$run/step-1/title"
	printf 'selftests: vmalloc: drain_placement.sh\tfail\tper-CPU\n' >"$run/step-0/results.tsv"
	printf 'selftests: vmalloc: drain_placement.sh\tpass\tnone\n' >"$run/step-1/results.tsv"
	"$S/report.sh" "$run" >"$tmp/rep" 2>&1 || return 1
	tail -n 1 "$tmp/rep" | grep -qx '2 passed, 0 failed, 0 skipped' &&
		grep -q '# XFAIL unpatched base' "$run/report.ktap" || return 1
	# The reproducer passing on the unpatched base is an XPASS: a failure.
	printf 'selftests: vmalloc: drain_placement.sh\tpass\tnone\n' >"$run/step-0/results.tsv"
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

t_fetch_fake_base() {
	mk_fake_base || return 1
	local c=$tmp/fb/cache
	fetch_fake "$c" 2>"$tmp/err" || return 1
	fake_tree_ok "$c" && [ "$(downloads "$c")" = 1 ] &&
		cmp -s "$(fake_deb "$c")" "$tmp/fakebase/good.deb" || return 1
	# A complete tree is reused without asking apt anything.
	cp "$c.apt-log" "$tmp/fb/log-before"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q "base 0.1: reusing $c/trees/0.1 ($FB_PKG $FB_VER)" "$tmp/err" &&
		cmp -s "$c.apt-log" "$tmp/fb/log-before" && fake_tree_ok "$c"
}
t_fetch_interrupted_download_recovers() {
	mk_fake_base || return 1
	local c=$tmp/fi/cache
	! fetch_fake "$c" FAKE_APT_FAIL=1 2>"$tmp/err" || return 1
	grep -q "error: download of $FB_PKG=$FB_VER failed" "$tmp/err" &&
		[ ! -e "$c/trees/0.1" ] && [ ! -e "$c/trees/0.1.version" ] || return 1
	# apt left a partial .deb behind (its control part is intact).
	[ -s "$(fake_deb "$c")" ] && ! cmp -s "$(fake_deb "$c")" "$tmp/fakebase/good.deb" || return 1
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q "downloading $FB_PKG $FB_VER" "$tmp/err" && [ "$(downloads "$c")" = 2 ] &&
		cmp -s "$(fake_deb "$c")" "$tmp/fakebase/good.deb" && fake_tree_ok "$c"
}
t_fetch_corrupt_deb_redownloaded() {
	mk_fake_base || return 1
	local c kind size deb
	size=$(wc -c <"$tmp/fakebase/good.deb")
	for kind in empty truncated flipped garbage; do
		c=$tmp/fc-$kind/cache
		deb=$(fake_deb "$c")
		mkdir -p "$c/debs"
		case $kind in
		empty) : >"$deb" ;;
		truncated) head -c $((size * 2 / 3)) "$tmp/fakebase/good.deb" >"$deb" ;;
		flipped) cp "$tmp/fakebase/good.deb" "$deb"
			printf 'XXXXXXXXXXXXXXXX' | dd of="$deb" bs=1 seek=$((size - 4096)) conv=notrunc status=none ;;
		garbage) echo '<html>503 Service Unavailable</html>' >"$deb" ;;
		esac
		cmp -s "$deb" "$tmp/fakebase/good.deb" && return 1
		fetch_fake "$c" 2>"$tmp/err" || { echo "$kind: fetch failed"; return 1; }
		if ! grep -q "downloading $FB_PKG $FB_VER" "$tmp/err" || [ "$(downloads "$c")" != 1 ] ||
			! cmp -s "$deb" "$tmp/fakebase/good.deb" || ! fake_tree_ok "$c"; then
			echo "$kind: not recovered"
			return 1
		fi
	done
}
t_fetch_leftover_tmp_discarded() {
	local c=$tmp/ft/cache
	cached_deb "$c" || return 1
	# An import interrupted after "git tag base": scratch tree with junk.
	mk_tree "$c/trees/0.1.tmp/src"
	echo junk >"$c/trees/0.1.tmp/src/half-extracted"
	git -C "$c/trees/0.1.tmp/src" tag base
	mkdir -p "$c/trees/0.1.tmp/usr/src"
	echo partial >"$c/trees/0.1.tmp/usr/src/$FB_PKG.tar.xz"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && [ "$(downloads "$c")" = 0 ] &&
		fake_tree_ok "$c"
}
t_fetch_untagged_tree_rebuilt() {
	local c=$tmp/fu/cache
	cached_deb "$c" || return 1
	# A git tree without the base tag, recorded as an older version.
	mk_tree "$c/trees/0.1"
	echo 0.1.0-1 >"$c/trees/0.1.version"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && fake_tree_ok "$c" || return 1
	# A tree with no git of its own (half copied, or extracted in place)
	# must not pass for complete through an enclosing repository's "base"
	# tag, as with the default CACHE inside the project's checkout.
	c=$tmp/fu/proj/.cache
	mk_tree "$tmp/fu/proj"
	git -C "$tmp/fu/proj" tag base
	cached_deb "$c" && mkdir -p "$c/trees/0.1/mm" || return 1
	echo 'line 1' >"$c/trees/0.1/mm/vmalloc.c"
	echo "$FB_VER" >"$c/trees/0.1.version"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && fake_tree_ok "$c"
}
t_fetch_killed_before_version_recorded() {
	local c=$tmp/fk/cache km=$tmp/killmv
	cached_deb "$c" && mkdir -p "$km" || return 1
	# A tree being rebuilt (no base tag) that has an older version recorded.
	mk_tree "$c/trees/0.1"
	echo 0.1.0-1 >"$c/trees/0.1.version"
	# The job is killed right after the new tree is moved in place, before
	# its version is written: the old version must not then pass for it.
	cat >"$km/mv" <<'EOS'
#!/bin/sh
/usr/bin/mv "$@" || exit
case $2 in */trees/0.1) kill -9 "$PPID" ;; esac
EOS
	chmod +x "$km/mv"
	! fetch_fake "$c" PATH="$km:$tmp/fakebase/bin:$PATH" 2>"$tmp/err" &&
		git -C "$c/trees/0.1" rev-parse -q --verify refs/tags/base >/dev/null || return 1
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && fake_tree_ok "$c"
}
t_fetch_tree_without_version_rebuilt() {
	mk_fake_base || return 1
	local c=$tmp/fv/cache
	fetch_fake "$c" 2>"$tmp/err" && fake_tree_ok "$c" || return 1
	# Interrupted between moving the tree in place and recording its
	# version: the tree (here with a stray file) must not be reused.
	rm "$c/trees/0.1.version"
	echo stray >"$c/trees/0.1/stray"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && ! grep -q reusing "$tmp/err" &&
		[ "$(downloads "$c")" = 1 ] && fake_tree_ok "$c" || return 1
	fetch_fake "$c" 2>"$tmp/err" && grep -q 'base 0.1: reusing' "$tmp/err"
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
t_build_interrupted_recovers() {
	local c=$tmp/bi art
	mk_fake_kernel "$c/trees/9.7"
	# Killed while compiling, then while installing into the artifact
	# directory: neither may leave an artifact that counts as built.
	interrupted_build "$c" bzImage || return 1
	[ -z "$(find "$c/artifacts" -name "done" 2>/dev/null)" ] || return 1
	interrupted_build "$c" modules_install || return 1
	[ -n "$(find "$c/artifacts" -mindepth 2 -maxdepth 2 -type d)" ] &&
		[ -z "$(find "$c/artifacts" -name "done")" ] || return 1
	# The rerun builds again and completes; the one after it is cached.
	art=$(CACHE=$c VARIANT=lockdep "$S/build.sh" 9.7 HEAD 2>"$tmp/err") || return 1
	grep -q 'build 9.7 lockdep HEAD: make -j' "$tmp/err" && [ -f "$art/done" ] &&
		cmp -s "$art/bzImage" "$c/trees/9.7/image" && [ -d "$art/root/lib/modules/0.0" ] || return 1
	[ "$(CACHE=$c VARIANT=lockdep "$S/build.sh" 9.7 HEAD 2>"$tmp/err")" = "$art" ] &&
		grep -q ': cached (' "$tmp/err"
}

t_missing_cross_compiler() {
	# PATH with everything of /usr/bin except the arm64 cross tools.
	local nb=$tmp/nocross c=$tmp/xc head
	mkdir -p "$nb" "$tmp/xs" || return 1
	find /usr/bin -mindepth 1 -maxdepth 1 ! -name 'aarch64-linux-gnu-*' -exec ln -sf -t "$nb" {} + || return 1
	! PATH=$nb command -v aarch64-linux-gnu-gcc >/dev/null || return 1
	mk_tree "$c/trees/9.8"
	git -C "$c/trees/9.8" tag base
	head=$(git -C "$c/trees/9.8" rev-parse HEAD)
	# The default CHECK_CONFIGS include arm64: stop before the tree is
	# checked out and before anything is configured or built.
	! PATH=$nb CACHE=$c "$S/check-step.sh" 9.8 HEAD "" "$tmp/xs" >"$tmp/out" 2>"$tmp/err" || return 1
	grep -qx "error: missing tool 'aarch64-linux-gnu-gcc'; install it with: apt-get install gcc-aarch64-linux-gnu (or run: make deps)" "$tmp/err" &&
		[ ! -s "$tmp/out" ] && [ -z "$(ls -A "$tmp/xs")" ] && [ ! -e "$c/check" ] &&
		[ "$(git -C "$c/trees/9.8" symbolic-ref -q --short HEAD)" = main ] &&
		[ "$(git -C "$c/trees/9.8" rev-parse HEAD)" = "$head" ] || return 1
	# An unknown check config is refused just as early.
	! CHECK_CONFIGS="x86_64 sparc" CACHE=$c "$S/check-step.sh" 9.8 HEAD "" "$tmp/xs" >"$tmp/out" 2>"$tmp/err" &&
		grep -qx "error: unknown check config 'sparc'" "$tmp/err" && [ ! -s "$tmp/out" ] &&
		[ ! -e "$c/check" ] && [ "$(git -C "$c/trees/9.8" symbolic-ref -q --short HEAD)" = main ]
}

# A fragment option whose dependencies are not met must stop the build
# instead of quietly building another config (tinyconfig selects
# SLUB_TINY, which KASAN depends on being off). Needs a fetched real tree.
t_unmet_config_dependency_refused() {
	local tree=${CACHE:-$TOP/.cache}/trees/${BASE:-7.3}
	[ -d "$tree/scripts/kconfig" ] || { echo "SKIP no fetched tree at $tree (make fetch)"; return 2; }
	printf 'CONFIG_KASAN=y\n' >"$tmp/kasan-only.config"
	# shellcheck disable=SC1091
	! (. "$S/lib.sh" && configure "$tree" "$tmp/cfg-bad" x86_64 "" "$tmp/kasan-only.config") \
		>"$tmp/out" 2>"$tmp/err" || return 1
	grep -qx "error: config $tmp/cfg-bad lacks:" "$tmp/err" && grep -qx "CONFIG_KASAN=y" "$tmp/err" || return 1
	# The harness's own KASAN variant configures without complaint.
	# shellcheck disable=SC1091,SC2046
	(. "$S/lib.sh" && configure "$tree" "$tmp/cfg-kasan" x86_64 "" \
		$(variant_frags kasan | sed "s|[^ ]*|$TOP/configs/&|g")) >"$tmp/out" 2>"$tmp/err" &&
		grep -qx 'CONFIG_KASAN_VMALLOC=y' "$tmp/cfg-kasan/.config"
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
t_apply_trailing_whitespace() {
	local d=$tmp/ws out
	mk_one_patch "$d" "mm: trailing whitespace" 's/^line 2$/line two  /; s/^line 5$/line five\t/' || return 1
	grep -q '^+line two  $' "$d/patches/0001-mm-trailing-whitespace.patch" || return 1
	mk_tree "$d/k"
	# git am's default (apply.whitespace=warn) takes the patch as it is and
	# warns; apply.sh passes the warning on, naming the patch.
	out=$(git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series 2>"$tmp/err") || return 1
	[ "$(wc -l <<<"$out")" = 2 ] &&
		[ "$(tail -n 1 <<<"$out")" = "$(git -C "$d/k" rev-parse vmalloc-series)" ] &&
		[ "$(git -C "$d/k" rev-parse 'vmalloc-series^{tree}')" = "$(git -C "$d/gen" rev-parse 'HEAD^{tree}')" ] &&
		[ "$(git -C "$d/k" log -1 --format=%s vmalloc-series)" = "mm: trailing whitespace" ] &&
		grep -q $'^line two  $' "$d/k/mm/vmalloc.c" && grep -q $'^line five\t$' "$d/k/mm/vmalloc.c" &&
		grep -q '0001-mm-trailing-whitespace.patch' "$tmp/err" &&
		grep -q 'trailing whitespace' "$tmp/err" &&
		grep -q '2 lines add whitespace errors' "$tmp/err" &&
		[ -z "$(git -C "$d/k" status --porcelain)" ] && [ ! -e "$d/k/.git/rebase-apply" ]
}
t_apply_whitespace_error_config() {
	# A tree configured the way many kernel developers do it
	# (apply.whitespace=error): git am refuses the same patch.
	local d=$tmp/wse head
	mk_one_patch "$d" "mm: trailing whitespace" 's/^line 2$/line two  /' || return 1
	mk_tree "$d/k"
	git -C "$d/k" config apply.whitespace error
	head=$(git -C "$d/k" rev-parse HEAD)
	! git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series >/dev/null 2>"$tmp/err" &&
		grep -qx "error: patch 0001-mm-trailing-whitespace.patch does not apply to $(git -C "$d/k" log -1 --format=%h): error: 1 line adds whitespace errors." "$tmp/err" &&
		tree_untouched "$d/k" "$head"
}
t_apply_crlf_patch() {
	# A patch saved with CRLF line endings (mail client, editor): git am
	# (am.keepcr=false) drops the CRs and applies it as if it had none.
	local d=$tmp/crlf out p
	mk_one_patch "$d" "mm: crlf" 's/^line 2$/line two/' || return 1
	p=$d/patches/0001-mm-crlf.patch
	sed -i 's/$/\r/' "$p"
	[ "$(grep -c $'\r$' "$p")" = "$(wc -l <"$p")" ] || return 1
	mk_tree "$d/k"
	out=$(git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series 2>"$tmp/err") || return 1
	[ "$(wc -l <<<"$out")" = 2 ] && [ ! -s "$tmp/err" ] &&
		[ "$(git -C "$d/k" rev-parse 'vmalloc-series^{tree}')" = "$(git -C "$d/gen" rev-parse 'HEAD^{tree}')" ] &&
		! grep -q $'\r' "$d/k/mm/vmalloc.c" &&
		[ "$(git -C "$d/k" log -1 --format='%an <%ae>%n%B' vmalloc-series)" = "$(git -C "$d/gen" log -1 --format='%an <%ae>%n%B')" ] &&
		[ -z "$(git -C "$d/k" status --porcelain)" ]
}
t_apply_crlf_content_rejected() {
	# The other side of dropping the CRs: a patch to a file that really has
	# CRLF lines no longer matches it. git am's own error, tree as it was.
	local d=$tmp/crlfc head
	rm -rf "$d"
	mk_tree "$d/gen"
	printf 'a\r\nb\r\nc\r\n' >"$d/gen/dos.txt"
	git -C "$d/gen" add dos.txt
	git -C "$d/gen" commit -qm "dos file"
	cp -a "$d/gen" "$d/k"
	printf 'a\r\nB\r\nc\r\n' >"$d/gen/dos.txt"
	git -C "$d/gen" commit -qam "dos: change b"
	git -C "$d/gen" format-patch -q -o "$d/patches" HEAD~1 || return 1
	(cd "$d/patches" && ls) >"$d/series"
	head=$(git -C "$d/k" rev-parse HEAD)
	! git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series >/dev/null 2>"$tmp/err" &&
		grep -qx "error: patch 0001-dos-change-b.patch does not apply to $(git -C "$d/k" log -1 --format=%h): error: patch failed: dos.txt:1" "$tmp/err" &&
		tree_untouched "$d/k" "$head"
}

# A "make bench" directory with one boot per kernel (bench_fixture DIR
# SERIES_MAX_NS SERIES_HOGS): the report must compute the targets from it.
bench_fixture() {
	rm -rf "$1"
	mkdir -p "$1/base-1" "$1/series-1"
	printf 'package=linux-source-7.3 test\nboots=1\naccel=tcg\n' >"$1/meta"
	bench_boot "$1/base-1" 20000000 4 100 100 100
	bench_boot "$1/series-1" "$2" "$3" 100 105 102
}
bench_boot() { # DIR MAX_NS UNUSED FIX_USEC FULL_USEC FIX_USEC_OF_PASS_2
	{
		printf 'TAP version 13\n1..1\n# selftests: bench: vmalloc_bench.sh\n'
		echo "# bench: probe cpu=all samples=1000 missed=3 dropped=0 p50_ns=900000 p99_ns=4000000 max_ns=$2"
		echo "# bench: probe_overlap samples=50 p50_ns=2000000 p99_ns=3000000 max_ns=$2"
		echo "# bench: cdf cpu=all permille=0 ns=1000"
		echo "# bench: cdf cpu=all permille=1000 ns=$2"
		echo "# bench: duration fn=drain_vmap_area_work us=20000"
		echo "# bench: duration fn=drain_vmap_area_work us=30000"
		echo "# bench: lazy_purges=2"
		echo "# bench: perf test=fix_size_alloc_test run=1 usec=$4"
		echo "# bench: perf test=full_fit_alloc_test run=1 usec=$5"
		echo "# bench: perf test=fix_size_alloc_test run=2 usec=$6"
		echo "ok 1 selftests: bench: vmalloc_bench.sh"
	} >"$1/ktap.log"
	echo ok >"$1/boot.status"
}
t_bench_report_targets() {
	bench_fixture "$tmp/bench" 1000000 0
	python3 "$S/bench-report.py" "$tmp/bench" >"$tmp/bench.out" || return 1
	python3 - "$tmp/bench/bench.json" <<'PY' || return 1
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["targets"]}
assert not [n for n in t if "hog" in n]
assert t["max probe latency during drains (same CPU): series <= base/10"]["met"] is True
assert t["max probe latency whole churn window: series <= base/10"]["met"] is True
fix = t["test_vmalloc fix_size_alloc_test: series/base <= 1.02"]
assert fix["met"] is True and fix["ratio_by_pass"] == {"1": 1.0, "2": 1.02}
full = t["test_vmalloc full_fit_alloc_test: series/base <= 1.02"]
assert full["met"] is False and abs(full["ratio"] - 1.05) < 1e-6
PY
	grep -qF '| full_fit_alloc_test | 100 [100..100] | 105 [105..105] | 1.050 (over 1.02) | 1.00 | 1.050 |' "$tmp/bench/bench.md" &&
		grep -qF '| fix_size_alloc_test | 100 [100..100] | 101 [100..102] | 1.010 | 1.00 | 1.000 / 1.020 |' "$tmp/bench/bench.md" &&
		grep -q 'every test | NO | full_fit_alloc_test 1.050' "$tmp/bench/bench.md" &&
		{ ! command -v gnuplot >/dev/null || file "$tmp/bench/latency-cdf.png" | grep -q 'PNG image'; }
}
t_bench_report_misses() {
	# A series that barely lowers the latency misses the latency target; a
	# boot without data makes the report fail.
	bench_fixture "$tmp/bench" 5000000 2
	python3 "$S/bench-report.py" "$tmp/bench" >/dev/null || return 1
	grep -q '| max probe latency during drains (same CPU): series <= base/10 | NO |' "$tmp/bench/bench.md" || return 1
	sed -i '/probe cpu=all/d' "$tmp/bench/series-1/ktap.log"
	! python3 "$S/bench-report.py" "$tmp/bench" >/dev/null &&
		grep -q 'Boots without complete data (left out): series-1' "$tmp/bench/bench.md"
}
# A "make torture" directory: torture_boot DIR RESULT-OF-HOTPLUG LOG-LINE
torture_boot() {
	mkdir -p "$1"
	echo ok >"$1/boot.status"
	{
		echo "# torture: test=hotplug iterations=12 faults=0 failures=0 load=churn + hotplug"
		echo "# torture: test=mem_pressure iterations=20 faults=3 failures=0 load=hogs"
		echo "# torture: test=fault_inject iterations=200 faults=150 failures=0 load=fail-nth"
	} >"$1/ktap.log"
	{
		printf 'selftests: torture: hotplug_churn.sh\t%s\t\n' "$2"
		printf 'selftests: torture: mem_pressure.sh\tpass\t\n'
		printf 'selftests: torture: fault_inject.sh\tpass\t\n'
		printf '%s\n' "$3"
	} >"$1/results.tsv"
}
t_torture_report() {
	local d=$tmp/torture
	rm -rf "$d"
	mkdir -p "$d"
	printf 'package=p\nboots=1\nvariant=torture\nmem=256M\nsmp=2\naccel=tcg\n' >"$d/meta"
	torture_boot "$d/base-1" pass $'log: hogged CPU\tfail\t3 matching lines'
	torture_boot "$d/series-1" pass $'log: lockdep\tpass\tnone'
	python3 "$S/torture-report.py" "$d" >"$tmp/t.out" || return 1
	grep -q '| fault_inject | series | fail-nth | 200 | 150 | 0 | pass |' "$tmp/t.out" &&
		grep -q '| base | 1 | none | 1 |' "$tmp/t.out" || return 1
	# A failed test or a splat on the series fails the report.
	torture_boot "$d/series-1" fail $'log: WARNING\tfail\t1 matching lines'
	! python3 "$S/torture-report.py" "$d" >"$tmp/t.out" &&
		grep -q '| hotplug | series | churn + hotplug | 12 | 0 | 0 | FAIL |' "$tmp/t.out" &&
		grep -q '| series | 1 | log: WARNING | 0 |' "$tmp/t.out" || return 1
	# KASAN rows: the base's failing tests are labelled expected; a KASAN
	# report or a failing test on the series fails the report.
	local k=$tmp/kasanrun t
	torture_boot "$d/series-1" pass $'log: lockdep\tpass\tnone'
	for t in step-0 step-0+tests step-3; do mkdir -p "$k/$t"; done
	printf 'boot\tpass\tok\nselftests: a\tfail\t\nselftests: b\tpass\t\nlog: KASAN\tpass\tnone\n' \
		>"$k/step-0+tests/results.tsv"
	printf 'boot\tpass\tok\nselftests: a\tpass\t\nselftests: b\tpass\t\nlog: KASAN\tpass\tnone\n' \
		>"$k/step-3/results.tsv"
	python3 "$S/torture-report.py" "$d" "$k" >"$tmp/t.out" &&
		grep -qF '| base (step-0+tests) | kasanrun | pass | 1 / 1 (expected: tests of the fix on the unfixed base) / 0 | none |' "$tmp/t.out" &&
		grep -qF '| series (step-3) | kasanrun | pass | 2 / 0 / 0 | none |' "$tmp/t.out" || return 1
	printf 'boot\tpass\tok\nselftests: a\tfail\t\nlog: KASAN\tfail\t1 matching lines\n' \
		>"$k/step-3/results.tsv"
	! python3 "$S/torture-report.py" "$d" "$k" >"$tmp/t.out" &&
		grep -qF '| series (step-3) | kasanrun | pass | 0 / 1 / 0 | fail: 1 matching lines |' "$tmp/t.out" &&
		grep -q 'Problems: .*KASAN report on series.*series: 1 tests failed under KASAN' "$tmp/t.out"
}

# "make cover-letter" on a checkout without reports (a fresh clone) must
# keep the measured blocks it has; with a report it writes the results
# table: a copy of the project with a stable series for the fake base 0.1.
t_cover_letter_keeps_measured_blocks() {
	mk_fake_base || return 1
	local p=$tmp/clp c=$tmp/clp/.cache b f
	rm -rf "$p"
	mkdir -p "$p/stable/0.1" || return 1
	cp -r "$S" "$p/scripts"
	mk_series "$tmp/gen" "$p/stable/0.1" >/dev/null
	{
		echo "queue 0.1 request=no-option2 tests=vmalloc/t.sh"
		for f in "$p"/stable/0.1/patches/*.patch; do
			f=${f##*/}
			echo "patch 0.1 ${f#[0-9][0-9][0-9][0-9]-} kind=fix upstream=new"
		done
	} >"$p/patches.meta"
	printf 'intro\n==== generated: results ====\nold results\n==== end: results ====\nend\n' \
		>"$p/stable/0.1/cover-letter.txt"
	fake_env "$c" BASE=0.1 "$p/scripts/cover-letter.sh" 2>"$tmp/err" || return 1
	b=$p/stable/0.1/cover-letter.txt
	grep -qx 'old results' "$b" && grep -q 'results block left as it is' "$tmp/err" || return 1
	local r=$tmp/clrep/0.1-20260101-000000 st
	for st in 0 0+tests 1 2; do
		mkdir -p "$r/step-$st"
		{
			printf 'build\tpass\t0 warning lines\nboot\tpass\tok\n'
			printf 'selftests: vmalloc: t.sh\t%s\t\n' "$([ "$st" = 2 ] && echo pass || echo fail)"
			printf 'log: lockdep\t%s\tx\n' "$([ "$st" = 0+tests ] && echo fail || echo pass)"
		} >"$r/step-$st/results.tsv"
	done
	printf 'package=linux-source-0.1 %s\nvariant=lockdep\n' "$FB_VER" >"$r/meta"
	fake_env "$c" BASE=0.1 REPORT="$r" "$p/scripts/cover-letter.sh" 2>"$tmp/err" || return 1
	grep -qF "linux-source-0.1 $FB_VER, lockdep, run 0.1-20260101-000000:" "$b" &&
		! grep -q 'old results' "$b" && grep -qx intro "$b" && grep -qx end "$b" &&
		grep -qx '  result  *base  *base+tests  *patch 2' "$b" &&
		grep -qx '  selftests: vmalloc: t.sh  *fail  *fail  *pass' "$b" &&
		grep -qx '  kernel log (lockdep, WARNING, BUG, ...)  *pass  *lockdep=fail  *pass' "$b"
}

# patches.meta must describe every patch: a series patch without a record,
# a record without a patch and a bad value are each named.
t_meta_check_names_gaps() {
	local p=$tmp/meta
	rm -rf "$p"
	mkdir -p "$p"
	mk_series "$tmp/gen" "$p" >/dev/null
	local a b
	a=$(sed -n 1p "$p/series") b=$(sed -n 2p "$p/series")
	a=${a#[0-9][0-9][0-9][0-9]-} b=${b#[0-9][0-9][0-9][0-9]-}
	printf 'posting x order=1 needs=- text=t\npatch mainline %s posting=x kind=fix upstream=new\npatch mainline %s posting=x kind=test upstream=new\n' \
		"$a" "$b" >"$p/meta"
	META=$p/meta bash -c '. "$1/lib.sh"; meta_check "$2"' _ "$S" "$p/series" 2>"$tmp/err" || return 1
	printf 'posting x order=1 needs=- text=t\npatch mainline %s posting=x kind=fix upstream=maybe\npatch mainline gone.patch posting=y kind=fix upstream=new\n' \
		"$a" >"$p/meta"
	! META=$p/meta bash -c '. "$1/lib.sh"; meta_check "$2"' _ "$S" "$p/series" 2>"$tmp/err" &&
		grep -q "$a: upstream='maybe'" "$tmp/err" && grep -q "$b: kind=''" "$tmp/err" &&
		grep -q 'gone.patch: recorded but not in' "$tmp/err"
}

# A real send refuses an identity that is not a person's before it does
# anything else; the check itself accepts a person's address.
t_send_refuses_non_person_identity() {
	local p=$tmp/sendp id
	rm -rf "$p"
	mkdir -p "$p"
	cp -r "$S" "$p/scripts"
	mkdir -p "$p/configs"
	cp "$S/../configs/bases" "$p/configs/"
	cp "$S/../patches.meta" "$S/../series" "$p/"
	cp -r "$S/../patches" "$p/patches"
	git init -q "$p"
	for id in 'Seed maintainers|maintainers@users.noreply.h-seed.example' 'Build Bot|bot@ci.invalid' '|'; do
		git -C "$p" config user.name "${id%%|*}"
		git -C "$p" config user.email "${id#*|}"
		[ -n "${id%%|*}" ] || git -C "$p" config --unset user.name
		[ -n "${id#*|}" ] || git -C "$p" config --unset user.email
		if SEND=1 CACHE=$tmp/sendc "$p/scripts/send.sh" >"$tmp/out" 2>"$tmp/err"; then
			echo "sent as '$id'"
			return 1
		fi
		grep -q "refusing to send as .*git config user.email" "$tmp/err" || return 1
		[ ! -e "$tmp/sendc" ] || { echo "send touched the cache for '$id'"; return 1; }
	done
	bash -c '. "$1/lib.sh"; person_identity "Ada Lovelace" ada@kernel-test.org &&
		! person_identity "Ada" ada@example.com && ! person_identity "" ada@kernel-test.org' _ "$S"
}

# make send BASE=X.Y asks stable only for mainline commits: naming a
# patch that is not in mainline is refused before anything is written.
t_stable_request_refuses_non_mainline() {
	local p=$tmp/streq
	rm -rf "$p"
	mkdir -p "$p/stable"
	cp -r "$S" "$p/scripts"
	cp "$S/../patches.meta" "$S/../series" "$p/"
	cp -r "$S/../patches" "$p/patches"
	cp -r "$S/../stable/7.2" "$p/stable/7.2"
	local drain
	drain=$(sed -n 's/^[0-9]*-\(mm-vmalloc-use-unbound-.*\)$/\1/p' "$p/stable/7.2/series")
	[ -n "$drain" ] || return 1
	! PATCHES=$drain BASE=7.2 CACHE=$tmp/streqc "$p/scripts/send.sh" >"$tmp/out" 2>"$tmp/err" &&
		grep -q "refusing to ask stable for $drain: it is not in mainline (upstream=pending:" "$tmp/err" &&
		[ ! -e "$tmp/streqc/send" ] || return 1
	! PATCHES=no-such.patch BASE=7.2 CACHE=$tmp/streqc "$p/scripts/send.sh" >"$tmp/out" 2>"$tmp/err" &&
		grep -q "'no-such.patch' is not a patch of stable/7.2" "$tmp/err"
}

# The isolated-CPU report: executions are paired start/end per work item
# and counted on the CPU they started on; IPI deltas per CPU.
isol_boot() { # isol_boot DIR EXEC-CPU: one drain and one helper on EXEC-CPU
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
		echo "# isol-trace:     kworker/$2:1-40    [00$2] .....   100.002100: workqueue_execute_end: work struct 0000000011: function drain_vmap_area_work"
		echo "# isol: irq after  CAL:    15    45   Function call interrupts"
		echo "ok 1 selftests: bench: isolated_cpu.sh"
	} >"$1/ktap.log"
}
t_isolcpu_report() {
	local d=$tmp/isol
	rm -rf "$d"
	mkdir -p "$d"
	printf 'package=p\nboots=1\nsmp=2\nmem=2G\naccel=tcg\ncmdline=isolcpus=domain,1\n' >"$d/meta"
	isol_boot "$d/base-1" 1
	isol_boot "$d/series-1" 0
	python3 "$S/isolcpu-report.py" "$d" >"$tmp/i.out" || return 1
	grep -qF '| drain executions on the isolated CPU | 1 [1..1] | 0 [0..0] |' "$tmp/i.out" &&
		grep -qF '| ... their time there, us (sum) | 2000 [2000..2000] | 0 [0..0] |' "$tmp/i.out" &&
		grep -qF '| purge helper executions on housekeeping CPUs | 0 [0..0] | 1 [1..1] |' "$tmp/i.out" &&
		grep -qF '| function-call IPIs received by the isolated CPU | 25 [25..25] | 25 [25..25] |' "$tmp/i.out" || return 1
	# A boot whose test failed is left out and fails the report.
	sed -i 's/^ok 1 /not ok 1 /' "$d/series-1/ktap.log"
	! python3 "$S/isolcpu-report.py" "$d" >"$tmp/i.out" &&
		grep -q 'left out): series-1' "$tmp/i.out"
}

# scripts/ktap.py, the one KTAP reader: it accepts nested KTAP (indented
# subtests, diagnostics, directives) with the counts kunit.py would give,
# and rejects what the guest used to print (a version line and plan per
# test, every result numbered 1) and a plan that does not match.
t_ktap_reader_strict() {
	printf '%s\n' 'KTAP version 1' '1..2' '    KTAP version 1' '    # Subtest: s' '    1..2' \
		'    ok 1 a' '    not ok 2 b' 'not ok 1 s' '# out of t' 'ok 2 t # SKIP no module' >"$tmp/n.ktap"
	[ "$(python3 "$S/ktap.py" counts "$tmp/n.ktap")" = "1 1 1" ] || return 1
	python3 "$S/ktap.py" tsv "$tmp/n.ktap" "" | grep -qP '^t\tskip\tSKIP no module\\nout of t$' || return 1
	printf '%s\n' 'TAP version 13' '1..1' 'ok 1 selftests: v: a.sh' 'TAP version 13' '1..1' \
		'ok 1 selftests: v: b.sh' >"$tmp/old.ktap"
	! python3 "$S/ktap.py" check "$tmp/old.ktap" 2>"$tmp/err" &&
		grep -q 'test number 1, expected 2' "$tmp/err" || return 1
	printf '%s\n' 'TAP version 13' '1..3' 'ok 1 a' 'ok 2 b' >"$tmp/short.ktap"
	! python3 "$S/ktap.py" check "$tmp/short.ktap" 2>"$tmp/err" &&
		grep -q 'plan 1..3 but 2 results' "$tmp/err"
}

# The collection as a lab gets it ("make kselftest-tar"), run with the
# kernel's run_kselftest.sh under dash (Debian's /bin/sh) on this host:
# without the modules every test must skip with kselftest's exit code 4,
# and the output must be KTAP that kunit.py parse accepts with the right
# counts. modprobe/modinfo are stubbed so that nothing touches the host
# kernel. Each test also skips cleanly under busybox ash, the guest shell
# (the boots run the collection under busybox with real results).
t_kselftest_collection_ktap() {
	local tree k sh out n rc
	tree=$(bash -c '. "$1/lib.sh"; tree_dir 7.3' _ "$S")
	[ -d "$tree/.git" ] || { echo "SKIP: no cached 7.3 tree (make fetch)"; return 2; }
	command -v dash >/dev/null || { echo "SKIP: dash not installed"; return 2; }
	"$S/kselftest-tar.sh" 7.3 "$tmp/ks.tar.gz" >/dev/null 2>&1 || return 1
	rm -rf "$tmp/ks" && mkdir -p "$tmp/ks/bin" && tar -C "$tmp/ks" -xzf "$tmp/ks.tar.gz" || return 1
	printf '#!/bin/sh\nexit 1\n' >"$tmp/ks/bin/modprobe"
	cp "$tmp/ks/bin/modprobe" "$tmp/ks/bin/modinfo"
	chmod +x "$tmp/ks/bin/modprobe" "$tmp/ks/bin/modinfo"
	k=$tmp/ks/kselftest_install
	n=$(wc -l <"$k/kselftest-list.txt")
	[ "$n" -ge 3 ] || return 1
	(cd "$k" && PATH=$tmp/ks/bin:$PATH dash ./run_kselftest.sh) >"$tmp/ks/out.log" 2>&1 || return 1
	[ "$(python3 "$S/ktap.py" counts "$tmp/ks/out.log")" = "$n 0 $n" ] || return 1
	# (kunit.py exits 1 when nothing passed; the summary line is checked)
	out=$(python3 "$tree/tools/testing/kunit/kunit.py" parse "$tmp/ks/out.log" 2>&1) || true
	grep -qE "Ran $n tests: skipped: $n([^0-9]|$)" <<<"$out" || return 1
	for sh in dash "busybox sh"; do
		for t in "$k"/vmalloc/*.sh; do
			rc=0
			out=$(cd "${t%/*}" && PATH=$tmp/ks/bin:$PATH $sh "./${t##*/}" 2>&1) || rc=$?
			if [ "$rc" != 4 ] || ! grep -q '^SKIP: ' <<<"$out"; then
				echo "$sh ${t##*/}: exit $rc: $out"
				return 1
			fi
		done
	done
}

cases=(t_unknown_base t_apply_clean_tree t_apply_existing_branch_refused
	t_dirty_kdir_refused t_patch_not_applying t_missing_series_file
	t_empty_series t_quilt_push t_missing_qemu t_missing_busybox t_hung_guest_is_bounded t_panicking_guest
	t_base_lock_serialises_jobs
	t_scanlog_flags_splats t_ktap_missing_result_fails
	t_report_xfail_and_xpass t_fetch_reuses_cache
	t_fetch_fake_base t_fetch_interrupted_download_recovers
	t_fetch_corrupt_deb_redownloaded t_fetch_leftover_tmp_discarded
	t_fetch_untagged_tree_rebuilt t_fetch_killed_before_version_recorded
	t_fetch_tree_without_version_rebuilt t_build_interrupted_recovers
	t_missing_cross_compiler t_unmet_config_dependency_refused
	t_apply_trailing_whitespace t_apply_whitespace_error_config
	t_apply_crlf_patch t_apply_crlf_content_rejected
	t_bench_report_targets t_bench_report_misses t_torture_report
	t_cover_letter_keeps_measured_blocks t_meta_check_names_gaps
	t_send_refuses_non_person_identity t_stable_request_refuses_non_mainline
	t_isolcpu_report t_ktap_reader_strict t_kselftest_collection_ktap)
# Arguments pick cases by name (run.sh t_fetch_fake_base ...).
if [ $# -gt 0 ]; then cases=("$@"); fi

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
