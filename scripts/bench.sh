#!/usr/bin/env bash
# bench.sh: "make bench". Same-run A/B benchmark of the base (step 0) and
# the top of the series for BASE (scripts/ab-boots.sh, BENCH_BOOTS boots
# each, same config and stress: testing/bench/guest/vmalloc_bench.sh);
# scripts/bench-report.py turns the raw data into bench.json, bench.md and
# latency-cdf.png under $CACHE/bench/<BASE>-<time>/ (latest-<BASE>).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_tool python3 python3
need_tool gnuplot gnuplot-nox
out=$(AB_BOOTS=${BENCH_BOOTS:-3} AB_BASE_STEP=0 "$TOP/scripts/ab-boots.sh" bench bench/vmalloc_bench.sh)
python3 "$TOP/scripts/bench-report.py" "$out"
