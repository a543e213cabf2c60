#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Decay of the vmap node pools while reclaim and purges overlap. The pools
# keep freed vmap areas (their vmap_area objects; the pages are already
# gone) for reuse; purges decay them by a quarter and the "vmap-node"
# shrinker decays them completely. With "mm/vmalloc: do not make reclaim
# wait for a running purge", a scan that finds vmap_purge_lock taken
# returns at once, so the question is whether the pools then stay larger.
#
# test_vmalloc (fix_size, one page, one thread per CPU) keeps the drain
# purging and refilling the pools while drop_caches runs the shrinker
# every 50 ms. Around every scan the pool size (the shrinker's count, from
# CONFIG_SHRINKER_DEBUG's debugfs) is read: its mean and maximum during
# the churn, and the scans that left it unchanged (skipped, or raced with
# a refill), are reported for comparison between kernels. Passes when,
# after the churn, one drop_caches empties the pools: decay that was
# skipped is not lost. Prints one "torture:" row for the report.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

LOOPS=${TORTURE_LOOPS:-100000}
ncpu=$(grep -c '^processor' /proc/cpuinfo)
S=/sys/kernel/debug/shrinker

set -- "$S"/vmap-node-*/count
if [ ! -r "$1" ]; then
	echo "SKIP: no vmap-node shrinker in debugfs (CONFIG_SHRINKER_DEBUG)"
	exit $ksft_skip
fi
counter=$1
need_modules test_vmalloc

# pooled: areas in all vmap node pools (lines "<memcg> <per NUMA node>...",
# none when the pools are empty).
pooled() {
	awk '{ for (i = 2; i <= NF; i++) n += $i } END { printf "%d\n", n }' "$counter"
}

echo 2 >/proc/sys/vm/drop_caches
before=$(pooled)

# test_vmalloc fails its init on purpose so that it unloads itself.
modprobe test_vmalloc run_test_mask=1 nr_threads="$ncpu" \
	test_loop_count="$LOOPS" test_repeat_count=1 2>/dev/null &
churn=$!
scans=0 unchanged=0 sum=0 max=0 start=$(date +%s)
while kill -0 "$churn" 2>/dev/null; do
	p=$(pooled)
	echo 2 >/proc/sys/vm/drop_caches
	q=$(pooled)
	scans=$((scans + 1))
	sum=$((sum + p))
	[ "$p" -le "$max" ] || max=$p
	[ "$p" = 0 ] || [ "$q" -lt "$p" ] || unchanged=$((unchanged + 1))
	sleep 0.05
done
wait "$churn" 2>/dev/null || true
end=$(date +%s)
sleep 1
echo 2 >/proc/sys/vm/drop_caches
after=$(pooled)

mean=0
[ "$scans" = 0 ] || mean=$((sum / scans))
echo "pool objects: $before before, mean $mean and max $max over $scans scans during the churn ($((end - start)) s), $after after it and one drop_caches"
echo "scans of non-empty pools that left them as large or larger: $unchanged of $scans"
fail=0
[ "$after" = 0 ] || fail=1
echo "torture: test=pool_decay iterations=$scans faults=0 failures=$fail load=test_vmalloc ${ncpu}x$LOOPS + drop_caches every 50 ms; pooled mean $mean max $max, unchanged by a scan $unchanged of $scans, after $after"
if [ "$scans" = 0 ]; then
	echo "SKIP: the churn ended before the first scan; nothing was measured"
	exit $ksft_skip
fi
if [ "$fail" = 1 ]; then
	echo "FAIL: $after areas left in the pools after the churn and a drop_caches"
	exit 1
fi
echo "PASS: the pools were emptied after the churn"
