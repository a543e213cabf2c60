#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Report the vmalloc_vmap_nodes KUnit suite. It is built into mm/vmalloc.c
# (CONFIG_VMALLOC_KUNIT_TEST=y) and runs at boot; this prints its KTAP from
# debugfs (kselftest's runner indents it as this test's output) and exits
# with the suite's own verdict, its "ok/not ok N vmalloc_vmap_nodes" line.
# Reported as: KUnit suite vmalloc_vmap_nodes
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

# shellcheck source=testing/selftests/lib/ksft.sh
. "$(dirname "$0")/../lib/ksft.sh"

SUITE=${VMALLOC_KUNIT_SUITE:-vmalloc_vmap_nodes}
D=/sys/kernel/debug/kunit

[ -d "$D" ] || { echo "SKIP: $D missing (CONFIG_KUNIT_DEBUGFS)"; exit $ksft_skip; }
r=$D/$SUITE/results
if [ ! -f "$r" ]; then
	echo "SKIP: suite $SUITE not built in at this step (CONFIG_VMALLOC_KUNIT_TEST=y)"
	exit $ksft_skip
fi

cat "$r"
verdict=$(grep -E "^(not )?ok [0-9]+ $SUITE( |\$)" "$r" | tail -n 1 || true)
case "$verdict" in
"ok "*"# SKIP"*) exit $ksft_skip ;;
"ok "*) exit 0 ;;
"not ok "*) exit 1 ;;
esac
echo "FAIL: suite $SUITE printed no result line (did it run?)"
exit 1
