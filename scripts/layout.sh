#!/usr/bin/env bash
# layout.sh: "make layout". Where vmalloc's lazy-drain symbols sit in the
# data of the base (step 0) and the top of the series for BASE, built as
# VARIANT (default perf: no debug options; job_variant): their addresses,
# sizes and 64-byte cache lines, and what shares drain_vmap_work's line
# (scripts/report/layout.py). Builds both if needed (scripts/build.sh
# keeps each build's data symbols as data.nm), then writes base.nm and
# series.nm (the symbols near those of interest), meta and layout.md into
# $CACHE/layout/<BASE>-<time>/ and prints the directory; "make save
# RUN=<dir>" copies it into results/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_tool python3 python3
need_tool nm binutils
variant=$(job_variant layout)
job_setup "$BASE"
commits=("${JOB_COMMITS[@]}")
run=$CACHE/layout/$BASE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
base_art=$(VARIANT=$variant "$TOP/scripts/build.sh" "$BASE" "${commits[0]}")
top_art=$(VARIANT=$variant "$TOP/scripts/build.sh" "$BASE" "${commits[-1]}")
for a in "$base_art" "$top_art"; do
	[ -f "$a/data.nm" ] || die "build $a has no data.nm (built before build.sh kept it); remove its done file and run make layout again"
done
{
	echo "base=$BASE"
	echo "package=$(base_field "$BASE" 2) $(base_version "$BASE")"
	echo "variant=$variant"
	echo "base_kernel=step 0: $(cat "$base_art/commit")"
	echo "top=top: $(cat "$top_art/commit")"
} | run_meta "$run"
PYTHONPATH=$TOP/scripts python3 -m report.layout window "$base_art/data.nm" >"$run/base.nm"
PYTHONPATH=$TOP/scripts python3 -m report.layout window "$top_art/data.nm" >"$run/series.nm"
PYTHONPATH=$TOP/scripts python3 -m report.layout report "$run" >&2
ln -sfn "$(basename "$run")" "$CACHE/layout/latest-$BASE"
echo "$run"
