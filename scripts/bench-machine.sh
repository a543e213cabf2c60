#!/usr/bin/env bash
# bench-machine.sh base|series OUTDIR: one boot's worth of "make bench" on
# the machine this runs on, booted into a base or a series kernel, with no
# QEMU: the same in-guest script (testing/bench/guest/vmalloc_bench.sh)
# through the kernel's kselftest runner protocol, its KTAP kept as
# OUTDIR/<base|series>-<n>/ktap.log, the layout scripts/bench-report.py
# reads. Boot the base and the series kernels alternately, run this once per
# boot, then:  python3 scripts/bench-report.py OUTDIR  (bench.json, bench.md).
#
# Needs root, the running kernel's build tree at /lib/modules/$(uname
# -r)/build (the bench modules are built against it and installed under
# /lib/modules/$(uname -r)/updates, which changes this machine), and
# CONFIG_TEST_VMALLOC=m, debugfs and trace events in that kernel.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage="usage: bench-machine.sh base|series OUTDIR"
kind=${1:-}
out=${2:-}
case "$kind" in
base | series) ;;
*) die "$usage (first argument: which kernel is running, base or series)" ;;
esac
[ -n "$out" ] || die "$usage"
[ "$(id -u)" = 0 ] || die "run as root: the bench loads modules and writes to tracefs"
kbuild=${KBUILD:-/lib/modules/$(uname -r)/build}
[ -f "$kbuild/Makefile" ] || die "no build tree for the running kernel at $kbuild (install its headers, or KBUILD=/path)"
need_tool make make

mkdir -p "$out"
n=1
while [ -e "$out/$kind-$n" ]; do n=$((n + 1)); done
d=$out/$kind-$n
mkdir -p "$d"
for m in "$TOP"/testing/bench/*/Kbuild; do
	m=${m%/Kbuild}
	make -s -C "$kbuild" M="$m" modules >>"$d/build.log" 2>&1 ||
		die "building ${m#"$TOP"/} against $kbuild failed (see $d/build.log)"
	make -s -C "$kbuild" M="$m" modules_install >>"$d/build.log" 2>&1 ||
		die "installing ${m#"$TOP"/} failed (see $d/build.log)"
done
depmod -a

meta=$out/meta
if [ ! -f "$meta" ]; then
	{
		echo "package=$(uname -r) on $(hostname)"
		echo "accel=none (real machine)"
		echo "smp=$(grep -c '^processor' /proc/cpuinfo)"
		echo "mem=$(awk '/MemTotal/ {print $2 "kB"}' /proc/meminfo)"
		echo "cmdline=$(cat /proc/cmdline)"
		echo "variant=the running kernel's own"
	} | run_meta "$out"
fi
# boots= counts the boots of one kernel, as for the TCG runs.
nb=$(find "$out" -maxdepth 1 -name "$kind-*" -type d | wc -l)
sed -i "/^boots=/d" "$meta"
echo "boots=$nb" | run_meta "$out"

# The kernel's own runner protocol: a KTAP header and plan, the test's
# output as "# " lines, one result line (kselftest's exit code 4 = skip).
log "bench $kind-$n: running vmalloc_bench.sh ($(uname -r))"
rc=0
{
	echo "TAP version 13"
	echo "1..1"
	echo "# selftests: bench: vmalloc_bench.sh"
	(cd "$TOP/testing/bench/guest" && sh ./vmalloc_bench.sh) 2>&1 | sed 's/^/# /' || rc=$?
	case "$rc" in
	0) echo "ok 1 selftests: bench: vmalloc_bench.sh" ;;
	4) echo "ok 1 selftests: bench: vmalloc_bench.sh # SKIP" ;;
	*) echo "not ok 1 selftests: bench: vmalloc_bench.sh # exit=$rc" ;;
	esac
} >"$d/ktap.log"
echo ok >"$d/boot.status"
log "bench $kind-$n: $(tail -n 1 "$d/ktap.log") -> $d/ktap.log"
[ "$rc" = 0 ]
