#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmalloc churn and GFP_NOFS/GFP_NOIO percpu allocations while user-space
# memory hogs keep the guest close to OOM (boot it small, e.g. MEM=256M).
# The hogs are busybox dd processes whose block buffers are sized to fill
# MemAvailable down to a small reserve; the OOM killer may kill them (only
# them: this script and PID 1 are exempt) and they are restarted.
# Passes when the churn and every percpu round finish within the time
# bound and no percpu round reports a failure other than an allocation
# the pressure made fail. Hung tasks and splats come from the host's log
# scan. Prints one "torture: " row for the report.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

LOOPS=${TORTURE_LOOPS:-100000}
ROUNDS=${TORTURE_PCPU_ROUNDS:-10}
BOUND=${TORTURE_BOUND:-600}
RESERVE_MB=${TORTURE_RESERVE_MB:-40}
ncpu=$(grep -c '^processor' /proc/cpuinfo)

need_modules test_vmalloc
pcpu=test_percpu_gfp
modprobe -D $pcpu >/dev/null 2>&1 || pcpu=

# Only the hogs may be killed: every process that exists now (PID 1, the
# kselftest runner's shells, this script) is exempt. With a 12 MiB reserve
# and full_fit churn a 256 MiB kmemleak guest ran out of killable tasks
# and panicked ("System is deadlocked on memory"), hence 40 MiB.
for p in /proc/[0-9]*; do
	echo -1000 >"$p/oom_score_adj" 2>/dev/null || true
done
oom0=$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)
avail=$(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo)
hog_mb=$((avail - RESERVE_MB))
if [ "$hog_mb" -lt 16 ]; then
	echo "SKIP: only ${avail} MB available, nothing to press with"
	exit $ksft_skip
fi
# Four hogs of a quarter each, restarted whenever they end or are killed.
per=$((hog_mb / 4))
hogs=
for _ in 1 2 3 4; do
	(
		echo 1000 >/proc/self/oom_score_adj
		while :; do
			dd if=/dev/zero of=/dev/null bs="${per}M" count=50 2>/dev/null || true
		done
	) &
	hogs="$hogs $!"
done
sleep 2
echo "pressure: $avail MB available at start, 4 hogs of $per MB; now $(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo) MB available"

start=$(date +%s)
# test_vmalloc fails its init on purpose so that it unloads itself.
timeout "$BOUND" modprobe test_vmalloc run_test_mask=1 nr_threads="$ncpu" \
	test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null &
churn=$!

rounds=0 pass=0 nulls=0 bad=0
dmesg -c >/dev/null
if [ -n "$pcpu" ]; then
	for _ in $(seq 1 "$ROUNDS"); do
		for g in nofs noio; do
			timeout "$BOUND" modprobe $pcpu gfp=$g nr_objs=64 2>/dev/null || true
			rounds=$((rounds + 1))
		done
		[ $(($(date +%s) - start)) -lt "$BOUND" ] || break
	done
	# busybox modprobe runs a failing init twice: count verdict lines.
	pass=$(dmesg | grep -c "$pcpu: PASS" || true)
	nulls=$(dmesg | grep -c "$pcpu: \(FAIL\|SKIP\): .* returned NULL" || true)
	bad=$(dmesg | grep "$pcpu: FAIL" | grep -vc "returned NULL" || true)
fi
churn_rc=0
wait "$churn" || churn_rc=$?
end=$(date +%s)
for h in $hogs; do
	kill "$h" 2>/dev/null || true
done
killall dd 2>/dev/null || true
wait 2>/dev/null || true
oom=$(( $(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat) - oom0 ))

failures=$bad
# timeout exits 124 (143/137 when killed); test_vmalloc itself exits 1.
timed_out=no
case "$churn_rc" in 124 | 137 | 143) failures=$((failures + 1)) timed_out=yes ;; esac
echo "churn: test_vmalloc fix_size ${ncpu}x$LOOPS took $((end - start)) s (timed out: $timed_out, bound $BOUND s; modprobe exit $churn_rc, 1 being test_vmalloc's own unload)"
echo "percpu: ${pcpu:-not present at this step}: $rounds rounds, verdicts PASS=$pass NULL=$nulls other FAIL=$bad; OOM kills=$oom"
echo "torture: test=mem_pressure iterations=$rounds faults=$oom failures=$failures load=${hog_mb} MB of hogs (${avail} MB available) + test_vmalloc ${ncpu}x$LOOPS + ${pcpu:-no} percpu nofs/noio rounds; faults = OOM kills, percpu NULLs=$nulls"
if [ "$failures" != 0 ]; then
	echo "FAIL: churn timed out: $timed_out, $bad percpu failures other than NULL"
	exit 1
fi
echo "PASS: progress under pressure: churn done in $((end - start)) s, $rounds percpu rounds"
