#!/usr/bin/env bash
# quilt-check.sh BASE: the other users' paths. Push the base's series with
# "quilt push -a" onto a scratch checkout of the base, and import it with
# "git quiltimport --series", and check that both give the tree "git am"
# produced. Prints KTAP.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${1:?usage: quilt-check.sh BASE}
need_tool quilt quilt
job_setup "$BASE"
tree=$JOB_TREE series=$JOB_SERIES top=${JOB_COMMITS[-1]}

name="quilt push -a matches git am ($BASE, ${series#"$TOP"/})"
qname="git quiltimport --series matches git am ($BASE, ${series#"$TOP"/})"
results=()
if [ -z "$(series_patches "$series")" ]; then
	ktap_skip "$name" "series is empty"
	ktap_skip "$qname" "series is empty"
	ktap_print "${results[@]}"
	exit
fi

wt=$(mktemp -d "$CACHE/quilt.XXXXXX")
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() { git -C "$tree" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"; }
trap cleanup EXIT
git -C "$tree" worktree add -q --detach "$wt" base
if ! out=$(cd "$wt" && QUILT_PATCHES="$(dirname "$series")/patches" QUILT_SERIES="$series" quilt push -a -q 2>&1); then
	ktap_ok 1 "$name" "$(tail -n 5 <<<"$out")"
else
	rm -rf "$wt/.pc"
	git -C "$wt" add -A -f
	if [ "$(git -C "$wt" write-tree)" = "$(git -C "$tree" rev-parse "$top^{tree}")" ]; then
		ktap_ok 0 "$name"
	else
		ktap_ok 1 "$name" "$(git -C "$wt" diff --cached --stat "$top" | tail -n 5)"
	fi
fi

# git quiltimport, as stable-queue's tooling uses it, on a fresh branch.
git -C "$wt" reset -q --hard base
git -C "$wt" clean -qfdx
if out=$(cd "$wt" && GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@localhost \
	git -c user.name="vmalloc-series pipeline" -c user.email=pipeline@localhost \
	quiltimport --patches "$(dirname "$series")/patches" --series "$series" 2>&1) &&
	[ "$(git -C "$wt" rev-parse "HEAD^{tree}")" = "$(git -C "$tree" rev-parse "$top^{tree}")" ]; then
	ktap_ok 0 "$qname"
else
	ktap_ok 1 "$qname" "$(tail -n 5 <<<"$out")"
fi
ktap_print "${results[@]}"
