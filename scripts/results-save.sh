#!/usr/bin/env bash
# results-save.sh RUN: copy the parts of run directory RUN that the reports
# read (meta, report.ktap, report.txt, the reports' JSON and Markdown, the
# symbol lists of make layout;
# per boot or step ktap.log, results.json, title, check.counts,
# boot.status, accel; no kernels, initramfs or console logs) into
# results/<job>-<id>/ of this repository, for committing. RUN is
# $CACHE/<dir>/<id>: reports/<id> of make (job "make"), or the directory
# make ablation, bench or torture prints (job: its directory under
# $CACHE, / as -). Refuses to overwrite a saved run.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

run=${1:?usage: results-save.sh RUN (a run directory; see make help)}
run=$(realpath "$run" 2>/dev/null) || die "no run directory '$1'"
[ -f "$run/meta" ] || die "'$run' is not a run directory (no meta file); run make ablation, bench or torture first"
cache=$(realpath "$CACHE" 2>/dev/null || echo "$CACHE")
case "$run" in
"$cache"/*/*) job=${run#"$cache"/} job=${job%/*} ;;
*) job=$(basename "$(dirname "$run")") ;;
esac
[ "$job" != reports ] || job="make"
dest=$TOP/results/${job//\//-}-$(basename "$run")
[ ! -e "$dest" ] || die "$dest exists already; remove it first to save the run again"
mkdir -p "$dest"
for f in "$run"/meta "$run"/report.ktap "$run"/report.txt "$run"/*.json "$run"/*.md "$run"/*.nm; do
	[ ! -f "$f" ] || cp "$f" "$dest/"
done
for b in "$run"/*/; do
	[ -d "$b" ] || continue
	b=${b%/}
	mkdir -p "$dest/$(basename "$b")"
	for f in ktap.log results.json title check.counts boot.status accel; do
		[ ! -f "$b/$f" ] || cp "$b/$f" "$dest/$(basename "$b")/"
	done
done
echo "${dest#"$TOP"/}"
