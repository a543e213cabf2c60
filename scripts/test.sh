#!/usr/bin/env bash
# test.sh: the project's tests ("make test", run by CI). Runs the tooling
# tests, lint, the quilt and quiltimport paths of every series, the dry
# run of "make send" (scripts/send-check.sh) and the CI
# tier of the main job (steps 0, 0+tests and top of the series for BASE),
# then prints one summary line over all of them.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

logdir=$CACHE/test-logs
mkdir -p "$logdir"
pass=0 fail=0 skip=0

# part NAME CMD...: run one KTAP-printing part and add up its top-level
# results (scripts/ktap.py); output that is not valid KTAP is a failure.
part() {
	local name=$1 rc=0 bad=0 counts p f s
	shift
	log "test: $name"
	"$@" 2>&1 | tee "$logdir/$name.log" || rc=$?
	if ! counts=$(python3 "$TOP/scripts/ktap.py" counts "$logdir/$name.log"); then
		echo "not ok - $name printed invalid KTAP"
		bad=1
	fi
	read -r p f s <<<"$counts"
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with $rc"
		f=1
	fi
	pass=$((pass + p - s)) skip=$((skip + s)) fail=$((fail + f + bad))
}

fetch_base "$BASE"
need_tool bats bats
# bats prints TAP without a version line; KTAP readers want one.
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
part tooling bash -c 'echo "TAP version 13"; bats --tap "$1"' _ "$TOP/testing/tooling"
part lint "$TOP/scripts/lint.sh"
for b in $(base_list); do
	part "quilt-$b" "$TOP/scripts/quilt-check.sh" "$b"
done
part send "$TOP/scripts/send-check.sh"

# The pipeline's totals come from the run it made (RUN/totals.json, written
# by scripts/report.sh), not from its printed summary.
log "test: pipeline (BASE=$BASE, STEPS=ends)"
rc=0
latest=$CACHE/reports/latest-$BASE-$VARIANT
before=$(readlink "$latest" || true)
STEPS=ends "$TOP/scripts/run.sh" 2>&1 | tee "$logdir/pipeline.log" || rc=$?
after=$(readlink "$latest" || true)
p='' f='' s=''
if [ -n "$after" ] && [ "$after" != "$before" ] && [ -f "$latest/totals.json" ]; then
	read -r p f s < <(python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))
print(t["passed"] + t["xfail"], t["failed"], t["skipped"])' "$latest/totals.json")
fi
if [ -z "${p:-}" ]; then
	echo "not ok - pipeline produced no report (exit $rc)"
	p=0 f=1 s=0
fi
pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))

echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
