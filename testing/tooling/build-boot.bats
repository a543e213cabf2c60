#!/usr/bin/env bats
# Tooling tests: builds and boots: missing tools, hung and panicking guests,
# the base lock, interrupted builds, config checks.

# The config tests source lib.sh in subshells on purpose.
# shellcheck disable=SC2031
# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

@test "missing qemu" {
	! QEMU=/nonexistent/qemu-system-x86_64 "$S/boot.sh" "$tmp" "$tmp" "$tmp/b" x/y 2>"$tmp/err" &&
		grep -q "apt-get install qemu-system-x86" "$tmp/err"
}

@test "missing busybox" {
	! BUSYBOX=/nonexistent/busybox "$S/mkinitramfs.sh" "$tmp" "$tmp" "$tmp/i.cpio" 2>"$tmp/err" &&
		grep -q "apt-get install busybox-static" "$tmp/err"
}

@test "hung guest is bounded" {
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

@test "panicking guest" {
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
	rm -f "$tmp/panic/results.json"
	python3 "$S/ktap.py" results "$tmp/panic/ktap.log" "$tests" "$tmp/panic/results.json" || return 1
	r=$(rows "$tmp/panic/results.json") || return 1
	[ "$(grep -cP '^selftests: vmalloc: (drain_placement|vmalloc_kunit)\.sh\tfail\tno result' <<<"$r")" = 2 ] &&
		[ "$(wc -l <<<"$r")" = 2 ] || return 1
	rm "$tmp/panic/results.json"
	"$S/scanlog.sh" "$tmp/panic/console.log" "$tmp/panic/results.json" || return 1
	r=$(rows "$tmp/panic/results.json") || return 1
	grep -qP '^log: panic\tfail\t2 matching lines; first: \[    2\.530000\] Kernel panic - not syncing: Fatal exception' <<<"$r" &&
		grep -qP '^log: BUG\tfail\t1 matching lines; first: .*BUG: kernel NULL pointer dereference.*RIP: 0010:purge_vmap_node' <<<"$r" &&
		[ "$(grep -cP '\tfail\t' <<<"$r")" = 2 ]
}

@test "base lock serialises jobs" {
	local s e
	CACHE=$tmp/lock bash -c '. "$1/lib.sh"; lock_base 7.3; sleep 3' _ "$S" &
	sleep 1
	s=$(date +%s)
	CACHE=$tmp/lock bash -c '. "$1/lib.sh"; lock_base 7.3' _ "$S" 2>"$tmp/err"
	e=$(date +%s)
	wait
	grep -q "waiting for another job on base 7.3" "$tmp/err" && [ $((e - s)) -ge 1 ]
}

@test "build interrupted recovers" {
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
		cmp -s "$art/bzImage" "$c/trees/9.7/image" && [ -d "$art/root/lib/modules/0.0" ] &&
		grep -q " fake_data$" "$art/data.nm" || return 1
	[ "$(CACHE=$c VARIANT=lockdep "$S/build.sh" 9.7 HEAD 2>"$tmp/err")" = "$art" ] &&
		grep -q ': cached (' "$tmp/err"
}

@test "missing cross compiler" {
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
@test "unmet config dependency refused" {
	local tree=${CACHE:-$TOP/.cache}/trees/${BASE:-7.3}
	[ -d "$tree/scripts/kconfig" ] || skip "no fetched tree at $tree (make fetch)"
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
