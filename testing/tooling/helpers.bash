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
# res FILE NAME STATUS [DETAIL...]: one row of a results.json, written
# the way run.sh writes it (scripts/report/results.py).
res() { python3 "$S/report/results.py" add "$@"; }
# rows FILE: the rows of a results.json as "NAME<tab>STATUS<tab>DETAIL"
# lines, the detail's lines joined with " | ", for a test to grep.
rows() {
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%s\t%s\t%s" % (r["name"], r["status"], " | ".join(r["detail"])))' "$1"
}
