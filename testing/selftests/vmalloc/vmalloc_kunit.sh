#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Report the vmalloc_vn_id KUnit suite. It is built into mm/vmalloc.c
# (CONFIG_VMALLOC_KUNIT_TEST=y) and runs at boot; this prints its KTAP
# from debugfs, a one-line count and the names of failed cases.
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# busybox ash (the guest shell) and bash both support pipefail.
# shellcheck disable=SC3040
set -eu -o pipefail

ksft_skip=4
SUITE=${VMALLOC_KUNIT_SUITE:-vmalloc_vmap_nodes}
D=/sys/kernel/debug/kunit

[ -d "$D" ] || { echo "SKIP: $D missing (CONFIG_KUNIT_DEBUGFS)"; exit $ksft_skip; }
r=$D/$SUITE/results
if [ ! -f "$r" ]; then
	echo "SKIP: suite $SUITE not built in at this step (CONFIG_VMALLOC_KUNIT_TEST=y)"
	exit $ksft_skip
fi

cat "$r"
pass=$(grep -cE '^    ok [0-9]+ ' "$r" || true)
skip=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$r" || true)
fail=$(grep -cE '^    not ok [0-9]+ ' "$r" || true)
echo "suite $SUITE: $((pass - skip)) passed, $fail failed, $skip skipped"
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
	echo "FAIL: suite $SUITE reported no case"
	exit 1
fi
if [ "$fail" -gt 0 ]; then
	echo "failed cases: $(sed -n 's/^    not ok [0-9]* \([^ #]*\).*/\1/p' "$r" | tr '\n' ' ')"
	exit 1
fi
exit 0
