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
BUSYBOX=${BUSYBOX:-/bin/busybox}

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
ks=$(git -C "$tree" rev-parse --show-toplevel)/tools/testing/selftests/kselftest
cp "$ks/runner.sh" "$ks/ktap_helpers.sh" "$root/kselftest/kselftest/"
cp -a "$TOP/testing/selftests/." "$root/kselftest/"
# Tests that the series adds to the kernel tree itself (TESTS entries that
# are not in testing/selftests) come from this step's tree, when present.
for t in ${TESTS//,/ }; do
	src=$tree/tools/testing/selftests/$t
	if [ ! -e "$TOP/testing/selftests/$t" ] && [ -e "$src" ]; then
		mkdir -p "$root/kselftest/${t%/*}"
		cp "$src" "$root/kselftest/$t"
	fi
done
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out"
