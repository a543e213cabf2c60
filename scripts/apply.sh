#!/usr/bin/env bash
# apply.sh TREE SERIES BRANCH [START]: git am the patches of SERIES onto a
# new branch BRANCH (created at START, default HEAD) of the git tree TREE.
# The tree must be clean. If a patch does not apply, the am is aborted and
# the tree is put back on the branch it was on, so nothing is left behind.
# FORCE_BRANCH=1 (used only for the cached base trees) recreates BRANCH.
# Prints one commit per step on stdout: the start, then each patch.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: apply.sh TREE SERIES BRANCH [START]}
series=${2:?usage: apply.sh TREE SERIES BRANCH [START]}
branch=${3:?usage: apply.sh TREE SERIES BRANCH [START]}
start=${4:-HEAD}

need_tool git git
[ -f "$series" ] || die "series file '$series' not found"
series=$(realpath "$series")
git -C "$tree" rev-parse --git-dir >/dev/null 2>&1 || die "'$tree' is not a git tree"
gitdir=$(git -C "$tree" rev-parse --absolute-git-dir)
if [ -d "$gitdir/rebase-apply" ] || [ -d "$gitdir/rebase-merge" ]; then
	die "'$tree' has a git am/rebase in progress; finish or abort it first"
fi
if ! git -C "$tree" var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
	# The cached trees only need some committer for their throwaway step
	# commits (never exported); a user's own tree needs the user's identity.
	[ "${FORCE_BRANCH:-0}" = 1 ] ||
		die "git in '$tree' has no committer identity; set git config user.name and user.email"
	export GIT_COMMITTER_NAME="vmalloc-series pipeline" GIT_COMMITTER_EMAIL="pipeline@localhost"
fi
dirty=$(git -C "$tree" status --porcelain --untracked-files=no)
[ -z "$dirty" ] || die "'$tree' has uncommitted changes; commit or stash them first ($(wc -l <<<"$dirty") files)"

mapfile -t patches < <(series_patches "$series")
for p in "${patches[@]}"; do
	[ -f "$p" ] || die "series names '$p', which does not exist"
done

if git -C "$tree" rev-parse -q --verify "refs/heads/$branch" >/dev/null; then
	[ "${FORCE_BRANCH:-0}" = 1 ] || die "branch '$branch' already exists in '$tree'; pick another BRANCH="
fi
orig=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)
startc=$(git -C "$tree" rev-parse --verify "$start^{commit}") || die "unknown start '$start' in '$tree'"
git -C "$tree" checkout -q -B "$branch" "$startc"
echo "$startc"

for p in "${patches[@]}"; do
	if ! err=$(git -C "$tree" am -q "$p" 2>&1); then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		git -C "$tree" checkout -q "$orig"
		git -C "$tree" branch -q -D "$branch"
		die "patch $(basename "$p") does not apply to $(git -C "$tree" log -1 --format=%h "$startc"): $(grep -m1 -E 'error|patch failed|conflict' <<<"$err" || head -n1 <<<"$err")"
	fi
	# An applied patch can still have made git am warn (whitespace errors,
	# say): pass that on as git am itself would show it.
	[ -z "$err" ] || printf 'patch %s: git am says:\n%s\n' "$(basename "$p")" "$err" >&2
	git -C "$tree" rev-parse HEAD
done
