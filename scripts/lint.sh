#!/usr/bin/env bash
# lint.sh: static checks of the repository itself, printed as KTAP:
# Runs ShellCheck on every script and checkpatch.pl --strict on every patch
# of every series.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_tool shellcheck shellcheck
# UNKNOWN_COMMIT_ID: the Debian trees have no upstream history, so
# checkpatch cannot look up the ids in Fixes: tags (they are checked by hand).
CHECKPATCH_IGNORE=UNKNOWN_COMMIT_ID
results=()

cd "$TOP"
# By the first line only (test scripts write other scripts in heredocs).
first_line_is() { # first_line_is SHEBANG DIR...
	local f shebang
	local -a files
	shebang=$1
	shift
	mapfile -t files < <(find "$@" -type f | sort)
	for f in "${files[@]}"; do
		[ "$(head -n 1 "$f")" = "$shebang" ] && echo "$f"
	done
	return 0
}
mapfile -t bash_scripts < <(first_line_is '#!/usr/bin/env bash' scripts testing .ci)
mapfile -t sh_scripts < <(first_line_is '#!/bin/sh' testing)
mapfile -t bats_files < <(first_line_is '#!/usr/bin/env bats' testing)
ktap_check "shellcheck bash scripts (${#bash_scripts[@]})" shellcheck -x -P scripts "${bash_scripts[@]}"
ktap_check "shellcheck bats tests (${#bats_files[@]})" shellcheck -x "${bats_files[@]}" testing/tooling/helpers.bash
ktap_check "shellcheck guest sh scripts (${#sh_scripts[@]})" shellcheck -x -s sh "${sh_scripts[@]}"

# Commit messages must carry measured evidence, not the placeholder.
no_placeholder() { ! grep -l "EVIDENCE-PLACEHOLDER" "$TOP"/patches/*.patch "$TOP"/stable/*/patches/*.patch; }
ktap_check "no evidence placeholder left in patches" no_placeholder

# patches.meta describes every patch of every series; the mainline
# postings apply on their own, in their order.
for b in $(base_list); do
	s=$(series_file "$b")
	ktap_check "patches.meta covers ${s#"$TOP"/} ($b)" meta_check "$s"
done
mainline=$(mainline_base)
fetch_base "$mainline" 2>/dev/null
ktap_check "each posting applies to the base on its own" postings_check "$(tree_dir "$mainline")"
for b in $(base_list); do
	is_mainline "$b" && continue
	s=$(series_file "$b")
	ktap_check "stable headers of ${s#"$TOP"/} match patches.meta" "$TOP/scripts/stable-headers.sh" --check "$(dirname "$s")"
done
for p in $(meta_postings); do
	ktap_check "posting $p: text $(meta_posting "$p" text) exists" test -f "$TOP/$(meta_posting "$p" text)"
done

# What goes out by mail (scripts/postings-lint.sh, its own KTAP).
ktap_check "postings: texts bounded, no private names, no stand-in posted" "$TOP/scripts/postings-lint.sh"
ktap_check "cover-letter.txt lists the stack of patches.meta (make cover-letter)" \
	diff <("$TOP/scripts/stack-overview.sh" | sed '/^Results/,$d') <(sed '/^Results/,$d' "$TOP/cover-letter.txt")

# Each series is checked with the checkpatch.pl of the tree it targets:
# a stable backport must follow that tree's APIs, not mainline's.
for b in $(base_list); do
	s=$(series_file "$b")
	# The mainline series once, with the mainline base's checkpatch.
	is_mainline "$b" && [ "$b" != "$mainline" ] && continue
	fetch_base "$b" 2>/dev/null
	cp=$(tree_dir "$b")/scripts/checkpatch.pl
	while read -r p; do
		ktap_check "checkpatch --strict ${p#"$TOP"/}" \
			perl "$cp" --strict --no-tree --quiet --show-types --ignore "$CHECKPATCH_IGNORE" "$p"
	done < <(series_patches "$s")
done

# The benchmark's out-of-tree probe module: kernel style, except the
# version check it needs to build on every base (6.12 lacks hrtimer_setup).
for m in "$TOP"/testing/*/*/*.c; do
	ktap_check "checkpatch --strict ${m#"$TOP"/}" perl "$(tree_dir "$mainline")/scripts/checkpatch.pl" \
		--strict --no-tree --quiet --show-types -f \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON "$m"
done
# Host-side report scripts must at least compile.
# Every report module imports (so a name moved between modules is found).
ktap_check "python3 parses and imports scripts/*.py and scripts/report/" python3 -c '
import ast, importlib, sys
sys.path.insert(0, sys.argv[1])
for f in sys.argv[2:]:
    ast.parse(open(f).read(), f)
for m in ("report.paired", "report.fmt", "report.bench.parse", "report.bench.stats",
          "report.bench.tables", "report.bench.plot", "report.bench.cpus"):
    importlib.import_module(m)' "$TOP/scripts" "$TOP"/scripts/*.py "$TOP"/scripts/report/*.py "$TOP"/scripts/report/bench/*.py

ktap_print "${results[@]}"
