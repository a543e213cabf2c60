#!/usr/bin/env bash
# torture.sh: "make torture". Reliability runs of the base (step 0+tests:
# the base with the series' test patches, so the percpu test module
# exists) and the top of the series for BASE, same run, same load
# (scripts/ab-boots.sh; VARIANT=torture adds fault injection and kmemleak
# to the lockdep config; small guest, MEM=256M by default), TORTURE_BOOTS
# boots each: CPU hotplug churn, memory pressure, fault injection and the
# induced reclaim stall
# (testing/torture/guest/). Each boot's console is scanned with
# testing/log-patterns; scripts/torture-report.py writes reliability.md and
# reliability.json under $CACHE/torture/<BASE>-<time>/ (latest-<BASE>).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_tool python3 python3
# TORTURE_TESTS=torture/x.sh,... runs only some of them (default all:
# scripts/lib.sh).
tests=$TORTURE_TESTS
out=$(VARIANT=$(job_variant torture) MEM=$TORTURE_MEM AB_BOOTS=$TORTURE_BOOTS \
	AB_BASE_STEP=0+tests "$TOP/scripts/ab-boots.sh" torture "$tests")
for d in "$out"/base-* "$out"/series-*; do
	rm -f "$d/results.json"
	python3 "$TOP/scripts/ktap.py" results "$d/ktap.log" "$tests" "$d/results.json"
	"$TOP/scripts/scanlog.sh" "$d/console.log" "$d/results.json"
done
# The KASAN rows come from the latest "make KASAN=1" run of BASE, if any.
kasan=()
if [ -f "$CACHE/reports/latest-$BASE-kasan/meta" ]; then
	kasan=("$CACHE/reports/latest-$BASE-kasan")
else
	log "torture: no KASAN run of $BASE yet (make KASAN=1 STEPS=ends BASE=$BASE); table without KASAN rows"
fi
python3 "$TOP/scripts/torture-report.py" "$out" "${kasan[@]}"
