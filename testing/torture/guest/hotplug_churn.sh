#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CPU hotplug churn during vmap drains: take every CPU but CPU 0 offline
# and back online in a loop while test_vmalloc (one thread per CPU) keeps
# the lazy drain and its purge helpers busy. On an unpatched kernel the
# helpers are queued on the CPU whose number is the vmap node index,
# whether or not that CPU is online.
# Passes when the churn finishes, every offline/online write succeeds,
# all CPUs are online at the end and the lazily freed vmap space left
# over is below the drain threshold. Kernel splats and hung tasks are
# caught by the host's log scan. Prints one "torture:" row for the report.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

LOOPS=${TORTURE_LOOPS:-100000}
ncpu=$(grep -c '^processor' /proc/cpuinfo)
sysc=/sys/devices/system/cpu

if [ "$ncpu" -lt 2 ]; then
	echo "SKIP: needs at least 2 online CPUs, have $ncpu"
	exit $ksft_skip
fi
cpus=
for f in "$sysc"/cpu[1-9]*/online; do
	[ -w "$f" ] && cpus="$cpus ${f%/online}"
done
if [ -z "$cpus" ]; then
	echo "SKIP: no hot-pluggable CPU (CONFIG_HOTPLUG_CPU)"
	exit $ksft_skip
fi
need_modules test_vmalloc

# unpurged_pages: pages of vmap areas freed lazily and not yet purged.
unpurged_pages() {
	awk '/unpurged vm_area/ { p += $2 / 4096 } END { printf "%d\n", p }' /proc/vmallocinfo
}

# test_vmalloc fails its init on purpose so that it unloads itself.
modprobe test_vmalloc run_test_mask=1 nr_threads="$ncpu" \
	test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null &
churn=$!
cycles=0 errors=0 start=$(date +%s)
while kill -0 "$churn" 2>/dev/null; do
	for c in $cpus; do
		echo 0 >"$c/online" || errors=$((errors + 1))
		usleep 50000
		echo 1 >"$c/online" || errors=$((errors + 1))
	done
	cycles=$((cycles + 1))
done
wait "$churn" || true
end=$(date +%s)

offline=0
for c in $cpus; do
	[ "$(cat "$c/online")" = 1 ] || offline=$((offline + 1))
done
left=$(unpurged_pages)
limit=$(( $(awk 'BEGIN { n = '"$ncpu"'; f = 0; while (n) { f++; n = int(n / 2) } print f }') * 8192 ))
failures=$((errors + offline))
[ "$left" -le "$limit" ] || failures=$((failures + 1))

echo "offline/online cycles=$cycles over $((end - start)) s, write errors=$errors, CPUs left offline=$offline"
echo "lazily freed pages not yet purged: $left (drain threshold $limit)"
echo "torture: test=hotplug iterations=$cycles faults=0 failures=$failures load=test_vmalloc fix_size ${ncpu}x$LOOPS + offline/online of cpu$(echo "$cpus" | sed 's|[^ ]*/cpu||g') every 50 ms; unpurged pages after=$left"
if [ "$failures" != 0 ]; then
	echo "FAIL: $errors hotplug write errors, $offline CPUs offline, $left unpurged pages (limit $limit)"
	exit 1
fi
echo "PASS: $cycles hotplug cycles during the churn, all CPUs back, $left pages unpurged"
