#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection on the percpu chunk creation and population paths:
# load test_percpu_gfp (256 GFP_NOFS percpu allocations of 16 KiB, enough
# to create and populate new chunks in the loading task) with /proc/self/fail-nth set to
# N = 1, 1+STRIDE, ..., so that the N-th slab or page allocation of the
# loading task fails (failslab and fail_page_alloc, sleeping allocations
# included). Every failure must be handled cleanly: the load fails or the
# module sees NULL; no WARN/BUG (host log scan) and, after the sweep,
# kmemleak must report no new leak.
# Prints one "torture: " row for the report.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

NMAX=${TORTURE_FAULT_NMAX:-3000}
STRIDE=${TORTURE_FAULT_STRIDE:-20}
D=/sys/kernel/debug
mod=test_percpu_gfp

if [ ! -d "$D/failslab" ] || [ ! -d "$D/fail_page_alloc" ]; then
	echo "SKIP: needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS"
	exit $ksft_skip
fi
if [ ! -e /proc/self/fail-nth ]; then
	echo "SKIP: /proc/self/fail-nth missing (CONFIG_FAULT_INJECTION)"
	exit $ksft_skip
fi
if [ ! -e "$D/kmemleak" ]; then
	echo "SKIP: needs CONFIG_DEBUG_KMEMLEAK"
	exit $ksft_skip
fi
ko=$(find /lib/modules/"$(uname -r)" -name "$mod.ko*" | head -n 1)
if [ -z "$ko" ]; then
	echo "SKIP: $mod not present at this step (CONFIG_TEST_PERCPU_GFP=m)"
	exit $ksft_skip
fi

for a in failslab fail_page_alloc; do
	echo N >"$D/$a/ignore-gfp-wait"
	echo 1 >"$D/$a/verbose"
done
echo N >"$D/fail_page_alloc/ignore-gfp-highmem"
echo 0 >"$D/fail_page_alloc/min-order"
# Only leaks that appear from here on count.
echo clear >"$D/kmemleak"
dmesg -c >/dev/null

runs=0 loadfail=0 injected=0 nulls=0 pass=0 other=0
n=1
while [ "$n" -le "$NMAX" ]; do
	# The subshell is the task that execs insmod, so fail-nth applies
	# to the allocations of the module load and of its init.
	if (echo "$n" >/proc/self/fail-nth && exec insmod "$ko" gfp=nofs nr_objs=256) 2>/dev/null; then
		:
	fi
	log=$(dmesg -c)
	runs=$((runs + 1))
	i=$(echo "$log" | grep -c 'FAULT_INJECTION: forcing a failure' || true)
	injected=$((injected + i))
	echo "$log" | grep -q "$mod: PASS" && pass=$((pass + 1))
	echo "$log" | grep -q "$mod: \(FAIL\|SKIP\): .* returned NULL" && nulls=$((nulls + 1))
	if echo "$log" | grep "$mod: FAIL" | grep -vq "returned NULL"; then
		other=$((other + 1))
		echo "$log" | grep "$mod: FAIL" | head -n 2
	fi
	[ "$i" -gt 0 ] && ! echo "$log" | grep -q "$mod: \(PASS\|FAIL\|SKIP\)" &&
		loadfail=$((loadfail + 1))
	n=$((n + STRIDE))
done
lsmod | grep -q "^$mod " && rmmod "$mod"

# kmemleak needs two scans to settle (objects still being freed).
echo scan >"$D/kmemleak"
sleep 5
echo scan >"$D/kmemleak"
leaks=$(grep -c '^unreferenced object' "$D/kmemleak" || true)
if [ "$leaks" != 0 ]; then
	head -n 40 "$D/kmemleak"
fi

failures=$((other + leaks))
echo "fail-nth 1..$NMAX step $STRIDE: $runs loads, $injected faults injected; load failed before init $loadfail, module saw NULL $nulls, module PASS $pass, other failures $other; kmemleak: $leaks new leaks"
echo "torture: test=fault_inject iterations=$runs faults=$injected failures=$failures load=insmod $mod gfp=nofs nr_objs=256 under fail-nth 1..$NMAX step $STRIDE (failslab + fail_page_alloc); NULL seen by module=$nulls, load failed=$loadfail, kmemleak leaks=$leaks"
if [ "$failures" != 0 ]; then
	echo "FAIL: $other unexpected module failures, $leaks kmemleak reports"
	exit 1
fi
if [ "$injected" = 0 ] || [ "$nulls" = 0 ]; then
	echo "FAIL: no injected fault reached the percpu allocations ($injected injected); the sweep tested nothing"
	exit 1
fi
echo "PASS: $injected injected faults handled, no leak"
