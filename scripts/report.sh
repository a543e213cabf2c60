#!/usr/bin/env bash
# report.sh RUN...: the report of one or more runs of make, from each
# step's results.json: RUN/report.ktap (KTAP v1, one subtest per step,
# for labs and kunit.py parse), RUN/report.txt and RUN/totals.json, with
# testing/expected-failures applied (EXPECTED_FAILURES=FILE for another
# list). Prints the tables; the last line is "N passed, N failed, N
# skipped". Exit status 1 if anything failed. The work is done by
# scripts/report/results.py (report()), the one reader of results.json.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: report.sh RUN..."
exec python3 "$TOP/scripts/report/results.py" report "$@"
