#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load the vmalloc KUnit suite (CONFIG_VMALLOC_KUNIT_TEST=m) and report its
# cases. Prints the suite's KTAP from debugfs, a one-line count and the
# names of failed cases. Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# busybox ash (the guest shell) and bash both support pipefail.
# shellcheck disable=SC3040
set -eu -o pipefail

ksft_skip=4
MODULE=${VMALLOC_KUNIT_MODULE:-vmalloc_kunit}
D=/sys/kernel/debug/kunit

if ! modprobe -D "$MODULE" >/dev/null 2>&1; then
	echo "SKIP: module $MODULE not available at this step (CONFIG_VMALLOC_KUNIT_TEST=m)"
	exit $ksft_skip
fi
[ -d "$D" ] || { echo "SKIP: $D missing (CONFIG_KUNIT_DEBUGFS)"; exit $ksft_skip; }

before=$(cd "$D" && echo *)
modprobe "$MODULE" || { echo "FAIL: modprobe $MODULE failed"; exit 1; }
suites=
for p in "$D"/*; do
	s=${p##*/}
	case " $before " in *" $s "*) ;; *) suites="$suites $s" ;; esac
done
[ -n "$suites" ] || { echo "FAIL: $MODULE registered no suite"; exit 1; }

rc=0
for s in $suites; do
	r=$D/$s/results
	cat "$r"
	pass=$(grep -cE '^    ok [0-9]+ ' "$r" || true)
	skip=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$r" || true)
	fail=$(grep -cE '^    not ok [0-9]+ ' "$r" || true)
	echo "suite $s: $((pass - skip)) passed, $fail failed, $skip skipped"
	if [ "$fail" -gt 0 ]; then
		echo "failed cases: $(sed -n 's/^    not ok [0-9]* \([^ #]*\).*/\1/p' "$r" | tr '\n' ' ')"
		rc=1
	fi
done
rmmod "$MODULE" 2>/dev/null || true
exit $rc
