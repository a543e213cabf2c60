#!/usr/bin/env bash
# ablation.sh: "make ablation". What one patch of the series changes
# against the step below it, in counted work: boots step ABLATION_STEP-1
# and step ABLATION_STEP (default 2, the re-check against the stand-in
# for Rezki's design) alternately, AB_BOOTS times each (default 6, the
# fewest pairs with which the sign test can reach p < 0.05), running
# vmalloc/drain_placement.sh with small areas so that drains overlap
# frees (ABLATION_PAGES=64, ABLATION_LOOPS=20000 test_vmalloc loops).
# Writes ablation.json and ablation.md into the run directory,
# $CACHE/ablation/<BASE>-<time>/, and prints it; "make save RUN=<dir>"
# copies it into results/ for committing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

step=${ABLATION_STEP:-2}
pages=${ABLATION_PAGES:-64}
loops=${ABLATION_LOOPS:-20000}
[[ $step =~ ^[1-9][0-9]*$ ]] || die "ABLATION_STEP must be a patch number (1 or more), not '$step'"
[[ $pages =~ ^[1-9][0-9]*$ && $loops =~ ^[1-9][0-9]*$ ]] || die "ABLATION_PAGES and ABLATION_LOOPS must be positive numbers"
export AB_BOOTS=${AB_BOOTS:-6} AB_BASE_STEP=$((step - 1)) AB_TOP_STEP=$step
export CMDLINE="DRAIN_PLACEMENT_PAGES=$pages DRAIN_PLACEMENT_LOOPS=$loops"
out=$("$TOP/scripts/ab-boots.sh" ablation vmalloc/drain_placement.sh)
python3 "$TOP/scripts/ablation-report.py" --write "$out" >&2
echo "$out"
