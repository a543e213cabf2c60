#!/usr/bin/env bash
# run.sh: the main job for one base, $BASE from the environment (make
# BASE=X.Y; default the mainline base). Fetch the base, apply the series
# with git am on a fresh branch of the cached tree, then for every step
# (0 = base, k = first k patches) build, boot under QEMU, run the kselftests
# and scan the kernel log, then run the static checks of scripts/check-step.sh
# (CHECKS=0 skips them; BOOT=0 skips the boots, for "make check-series").
# Results go to $CACHE/reports/<run>/ (meta; per step title and
# results.json, written through scripts/report/results.py); the report is
# printed at the end. STEPS=all (default) or STEPS=ends (base and top).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

job_setup "$BASE"
tree=$JOB_TREE series=$JOB_SERIES commits=("${JOB_COMMITS[@]}")

run=$CACHE/reports/$BASE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
# latest-<BASE> is the latest run of the default (lockdep) variant, the
# one the cover letter's results come from; every variant also has its own.
if [ "$VARIANT" = lockdep ]; then
	ln -sfn "$(basename "$run")" "$CACHE/reports/latest-$BASE"
fi
ln -sfn "$(basename "$run")" "$CACHE/reports/latest-$BASE-$VARIANT"

last=$((${#commits[@]} - 1))
{
	echo "base=$BASE"
	echo "package=$(base_field "$BASE" 2) $(base_version "$BASE")"
	echo "series=${series#"$TOP"/}"
	echo "variant=$VARIANT"
	echo "smp=$SMP"
	echo "mem=$MEM"
	echo "cmdline=${CMDLINE:-}"
	echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} | run_meta "$run"

# step_results COMMIT DIR: build, boot, test and scan one step; its
# results go to DIR/results.json.
step_results() {
	local c=$1 d=$2 art
	local res=$d/results.json
	log "$where: build"
	if ! art=$("$TOP/scripts/build.sh" "$BASE" "$c" 2>"$d/build.err"); then
		cat "$d/build.err" >&2
		result "$res" build fail "$(tail -n 1 "$d/build.err")"
		return 0
	fi
	result "$res" build pass "$(cat "$art/warnings") warning lines"
	if [ "$BOOT" = 1 ]; then
		log "$where: boot and tests"
		boot_results "$art" "$d"
	fi
	if [ "$CHECKS" = 1 ]; then
		log "$where: checkpatch, W=1 + sparse builds"
		"$TOP/scripts/check-step.sh" "$BASE" "$c" "$prevdir" "$d"
	fi
}

# boot_results ARTIFACT DIR: boot one step, run the tests, scan the log.
boot_results() {
	local art=$1 d=$2 status online
	local res=$d/results.json
	"$TOP/scripts/boot.sh" "$art" "$tree" "$d" "$TESTS"
	status=$(cat "$d/boot.status")
	result "$res" boot "$([ "$status" = ok ] && echo pass || echo fail)" "$status ($(cat "$d/accel"))"
	online=$(sed -n 's/^# online_cpus=\([0-9]*\).*/\1/p' "$d/ktap.log" 2>/dev/null | head -n 1)
	result "$res" "online CPUs" "$([ "${online:-0}" = "$SMP" ] && echo pass || echo fail)" \
		"${online:-?} of $SMP requested"
	# The runner's output must be KTAP that a strict reader accepts, as a
	# lab's parser would see it (only judged when the guest finished).
	if [ "$status" = ok ]; then
		local err
		if err=$(python3 "$TOP/scripts/ktap.py" check "$d/ktap.log" 2>&1); then
			result "$res" "valid KTAP" pass "one plan, numbered results"
		else
			result "$res" "valid KTAP" fail "$(printf '%s' "$err" | head -n 3 | tr '\t\n' '  ')"
		fi
	fi
	python3 "$TOP/scripts/ktap.py" results "$d/ktap.log" "$TESTS" "$res"
	"$TOP/scripts/scanlog.sh" "$d/console.log" "$res"
}

# do_step NAME COMMIT TITLE: one step; warning counts are compared with
# the previous step that was checked.
prevdir=
nsteps=0
done_steps=0
do_step() {
	local d=$run/step-$1 where
	done_steps=$((done_steps + 1))
	where="step $1 ($done_steps/$nsteps): $3"
	mkdir -p "$d"
	echo "$3" >"$d/title"
	rm -f "$d/results.json"
	step_results "$2" "$d"
	# The step's results as soon as it is done: the failures, or a count.
	results tally "$d/results.json" "$where" >&2
	prevdir=$d
}

# Step "0+tests": the base with only the series' test patches (kind=test
# in patches.meta) applied, so that tests for fixed behaviour can be
# seen failing on the unfixed code without breaking bisection of the series.
mapfile -t tcommits < <(apply_tests_only "$tree" "$series")

nsteps=$((1 + (${#tcommits[@]} > 1 ? 1 : 0) + last))
[ "$STEPS" != ends ] || nsteps=$((1 + (${#tcommits[@]} > 1 ? 1 : 0) + 1))
do_step 0 "${commits[0]}" "base $(base_field "$BASE" 2) $(base_version "$BASE")"
if [ ${#tcommits[@]} -gt 1 ]; then
	do_step 0+tests "${tcommits[-1]}" "base + test patches only ($(( ${#tcommits[@]} - 1 ))): unfixed code, new tests"
fi
for k in $(seq 1 "$last"); do
	if [ "$STEPS" = ends ] && [ "$k" != "$last" ]; then
		continue
	fi
	do_step "$k" "${commits[$k]}" "$(git -C "$tree" log -1 --format='%s' "${commits[$k]}")"
done

echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)" | run_meta "$run"
"$TOP/scripts/report.sh" "$run"
