#!/usr/bin/env bash
# boot.sh ARTIFACT TREE OUTDIR TESTS: boot one built step under QEMU, run
# the named kselftests (dir/test, comma separated) and collect
#   OUTDIR/console.log  kernel log (serial 0)
#   OUTDIR/ktap.log     KTAP from the in-guest runner (serial 1)
#   OUTDIR/boot.status  "ok", "timeout <s>", "noktap" or "qemu-exit <rc>"
# The boot always ends within BOOT_TIMEOUT seconds, even if the guest hangs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

art=${1:?usage: boot.sh ARTIFACT TREE OUTDIR TESTS}
tree=${2:?}
outdir=${3:?}
tests=${4:?}

need_tool "$QEMU" qemu-system-x86
mkdir -p "$outdir"
"$TOP/scripts/mkinitramfs.sh" "$art" "$tree" "$outdir/initramfs.cpio"

run_qemu() { # run_qemu ACCEL TIMEOUT CONSOLE KTAP TESTS
	timeout -k 10 "$2" "$QEMU" -accel "$1" -cpu max -smp "$SMP" -m "$MEM" \
		-kernel "$art/bzImage" -initrd "$outdir/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 oops=panic series_selftests.run=$5 $CMDLINE" \
		-display none -monitor none -no-reboot \
		-serial "file:$3" -serial "file:$4" </dev/null >"$outdir/qemu.log" 2>&1
}

# KVM is used only when a bounded probe boots to userspace; on these
# machines /dev/kvm exists but guests stall in firmware.
if [ "$ACCEL" = auto ]; then
	probe=$CACHE/kvm-probe
	if [ ! -f "$probe" ]; then
		echo tcg >"$probe"
		if [ -w /dev/kvm ]; then
			log "probing KVM (60 s bound)"
			if run_qemu kvm 60 "$outdir/probe-console.log" "$outdir/probe-ktap.log" none/none 2>/dev/null &&
				grep -q '^# series_selftests: done' "$outdir/probe-ktap.log"; then
				echo kvm >"$probe"
			fi
		fi
		log "accelerator: $(cat "$probe") (cached in $probe; delete it to probe again)"
	fi
	ACCEL=$(cat "$probe")
fi
echo "$ACCEL" >"$outdir/accel"

log "boot $(basename "$art"): $ACCEL smp=$SMP mem=$MEM tests=$tests"
rc=0
run_qemu "$ACCEL" "$BOOT_TIMEOUT" "$outdir/console.log" "$outdir/ktap.log" "$tests" || rc=$?
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "timeout $BOOT_TIMEOUT" >"$outdir/boot.status"
elif ! grep -q '^# series_selftests: done' "$outdir/ktap.log" 2>/dev/null; then
	echo "noktap (qemu rc=$rc)" >"$outdir/boot.status"
elif [ "$rc" != 0 ]; then
	echo "qemu-exit $rc" >"$outdir/boot.status"
else
	echo ok >"$outdir/boot.status"
fi
log "boot $(basename "$art"): $(cat "$outdir/boot.status")"
