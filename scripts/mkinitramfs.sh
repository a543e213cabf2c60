#!/usr/bin/env bash
# mkinitramfs.sh ARTIFACT TREE OUT.cpio: pack busybox, the step's modules,
# the kernel's own kselftest runner (from TREE), testing/selftests/* and the
# TESTS that live in TREE's tools/testing/selftests into an uncompressed
# initramfs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

art=${1:?usage: mkinitramfs.sh ARTIFACT TREE OUT}
tree=${2:?usage: mkinitramfs.sh ARTIFACT TREE OUT}
out=${3:?usage: mkinitramfs.sh ARTIFACT TREE OUT}

[ -x "$BUSYBOX" ] || die "missing tool '$BUSYBOX'; install it with: apt-get install busybox-static (or run: make deps)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	die "$BUSYBOX is not statically linked; install busybox-static"
need_tool cpio cpio

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,lib,kselftest/kselftest}
cp "$BUSYBOX" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$TOP/testing/guest/init" "$root/init"
[ -d "$art/root/lib/modules" ] && cp -a "$art/root/lib/modules" "$root/lib/"
# Files from the kernel tree are taken from the step's own commit (recorded
# in the artifact), not from whatever the working tree has checked out.
commit=$(cut -d' ' -f1 "$art/commit" 2>/dev/null || git -C "$tree" rev-parse HEAD)
st=tools/testing/selftests
for f in runner.sh ktap_helpers.sh; do
	git -C "$tree" show "$commit:$st/kselftest/$f" >"$root/kselftest/kselftest/$f"
done
cp -a "$TOP/testing/selftests/." "$root/kselftest/"
# The guest sides of "make bench" and "make torture" run like tests:
# testing/NAME/guest/X.sh is TESTS=NAME/X.sh.
for g in "$TOP"/testing/*/guest/; do
	n=$(basename "${g%/guest/}")
	mkdir -p "$root/kselftest/$n"
	cp -a "$g." "$root/kselftest/$n/"
done
# Tests that the series adds to the kernel tree itself (TESTS entries that
# are not in testing/selftests) come from the step's commit, when present.
for t in ${TESTS//,/ }; do
	if [ ! -e "$TOP/testing/selftests/$t" ] &&
		git -C "$tree" cat-file -e "$commit:$st/$t" 2>/dev/null; then
		mkdir -p "$root/kselftest/${t%/*}"
		git -C "$tree" show "$commit:$st/$t" >"$root/kselftest/$t"
		chmod +x "$root/kselftest/$t"
	fi
done
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out"
