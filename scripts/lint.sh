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
check() { # check NAME CMD...: run CMD, record ok/not ok with its output
	local name=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		results+=("ok %d $name")
	else
		results+=("not ok %d $name"$'\n'"$(tail -n 15 <<<"$out" | sed 's/^/# /')")
	fi
}

cd "$TOP"
mapfile -t bash_scripts < <(grep -rlE '^#!/usr/bin/env bash' scripts testing .ci)
mapfile -t sh_scripts < <(grep -rlE '^#!/bin/sh' testing)
check "shellcheck bash scripts (${#bash_scripts[@]})" shellcheck -x -P scripts "${bash_scripts[@]}"
check "shellcheck guest sh scripts (${#sh_scripts[@]})" shellcheck -s sh "${sh_scripts[@]}"

# Commit messages must carry measured evidence, not the placeholder.
no_placeholder() { ! grep -l "EVIDENCE-PLACEHOLDER" "$TOP"/patches/*.patch "$TOP"/stable/*/patches/*.patch; }
check "no evidence placeholder left in patches" no_placeholder

# Each series is checked with the checkpatch.pl of the tree it targets:
# a stable backport must follow that tree's APIs, not mainline's.
for s in "$TOP/series" "$TOP"/stable/*/series; do
	[ -f "$s" ] || continue
	b=7.3
	[ "$s" = "$TOP/series" ] || b=$(basename "$(dirname "$s")")
	"$TOP/scripts/fetch-base.sh" "$b" 2>/dev/null
	cp=$(tree_dir "$b")/scripts/checkpatch.pl
	while read -r p; do
		check "checkpatch --strict ${p#"$TOP"/}" \
			perl "$cp" --strict --no-tree --quiet --show-types --ignore "$CHECKPATCH_IGNORE" "$p"
	done < <(series_patches "$s")
done

echo "KTAP version 1"
echo "1..${#results[@]}"
i=0 fail=0
for r in "${results[@]}"; do
	i=$((i + 1))
	# shellcheck disable=SC2059 # the result carries its own %d
	printf "$r\n" "$i"
	[[ $r == "not ok"* ]] && fail=$((fail + 1))
done
[ "$fail" = 0 ]
