#!/usr/bin/env bash
# ablation.sh: "make ablation". What each patch of a posting changes
# against the step below it, in counted work, side by side in one run:
# boots the base, the stand-ins the posting builds on and each of its
# patches in turn (ABLATION_POSTING, default drain: steps 0 1 2 3), or the
# steps ABLATION_STEPS="k0 k1 ..." lists, or with ABLATION_STEP=k patch k
# and the step below it; AB_BOOTS rounds (default 6, the fewest pairs
# with which the sign test can reach p < 0.05), every kernel once per
# round (defaults: scripts/lib.sh), running vmalloc/drain_placement.sh with small areas so that
# drains overlap frees (ABLATION_PAGES=64, ABLATION_LOOPS=20000
# test_vmalloc loops). Writes ablation.json and ablation.md into the run
# directory, $CACHE/ablation/<BASE>-<time>/, and prints it; "make save
# RUN=<dir>" copies it into results/ for committing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

pages=$ABLATION_PAGES loops=$ABLATION_LOOPS
[[ $pages =~ ^[1-9][0-9]*$ && $loops =~ ^[1-9][0-9]*$ ]] || die "ABLATION_PAGES and ABLATION_LOOPS must be positive numbers"

# posting_steps POSTING: 0, then the step numbers of the stand-ins the
# posting builds on and of its own patches, in series order.
posting_steps() {
	local i=0 p stack
	meta_posting "$1" order >/dev/null
	stack=" $(posting_stack "$1" | tr '\n' ' ') "
	echo 0
	while read -r p; do
		i=$((i + 1))
		if [[ $stack == *" $p "* ]] || [ "$(meta_patch mainline "$(patch_slug "$p")" posting)" = "$1" ]; then
			echo "$i"
		fi
	done < <(series_patches "$TOP/series")
}

if [ -n "${ABLATION_STEP:-}" ]; then
	[[ $ABLATION_STEP =~ ^[1-9][0-9]*$ ]] || die "ABLATION_STEP must be a patch number (1 or more), not '$ABLATION_STEP'"
	steps="$((ABLATION_STEP - 1)) $ABLATION_STEP"
elif [ -n "${ABLATION_STEPS:-}" ]; then
	steps=$ABLATION_STEPS
else
	steps=$(posting_steps "$ABLATION_POSTING" | tr '\n' ' ')
fi
export AB_BOOTS AB_STEPS=$steps
export CMDLINE="DRAIN_PLACEMENT_PAGES=$pages DRAIN_PLACEMENT_LOOPS=$loops"
out=$("$TOP/scripts/ab-boots.sh" ablation vmalloc/drain_placement.sh)
python3 "$TOP/scripts/ablation-report.py" --write "$out" >&2
echo "$out"
