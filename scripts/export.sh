#!/usr/bin/env bash
# export.sh TREE RANGE DIR: regenerate DIR/patches and DIR/series from the
# commits RANGE (e.g. base..series) of git tree TREE with git format-patch.
# Each patch gets a Signed-off-by of the person exporting it (their own
# git config user.name/user.email, as "git format-patch -s" does); the
# author (From:) is the commit's author. Nothing else is invented.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: export.sh TREE RANGE DIR}
range=${2:?usage: export.sh TREE RANGE DIR}
dir=${3:?usage: export.sh TREE RANGE DIR}

need_tool git git
git -C "$tree" rev-parse --git-dir >/dev/null 2>&1 || die "'$tree' is not a git tree; run make apply (BASE=X.Y for a stable queue) first, then edit its branch series"
git -C "$tree" rev-list "$range" >/dev/null 2>&1 || die "'$range' is not a valid range in '$tree'"
# The sign-off is the exporter's: the identity git has in this repository
# (user.name/user.email), not whatever the kernel tree may be configured with.
name=$(git -C "$TOP" config user.name || true)
email=$(git -C "$TOP" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ]; then
	die "no git identity; set git config user.name and user.email (they sign off the patches)"
fi
ident="$name <$email>"
n=$(git -C "$tree" rev-list --count "$range")
[ "$n" -gt 0 ] || die "'$range' is empty"

# Never throw away work: the files export rewrites must match git.
if [ -n "$(git -C "$TOP" status --porcelain -- "$dir/patches" "$dir/series" 2>/dev/null)" ] &&
	[ "${FORCE:-0}" != 1 ]; then
	die "$dir/patches or $dir/series has uncommitted changes; commit them first (or FORCE=1)"
fi
mkdir -p "$dir/patches"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --zero-commit and --no-signature keep the files stable across exports;
# -N keeps "[PATCH]" subjects so adding a patch does not renumber all files.
git -C "$tree" -c user.name="$name" -c user.email="$email" format-patch -q -N -s --zero-commit --no-signature -o "$tmp" "$range"
# The series file's header: its comment lines before the first patch.
header=$(awk '!/^#/ { exit } { print }' "$dir/series" 2>/dev/null || true)
rm -f "$dir"/patches/*.patch
mv "$tmp"/*.patch "$dir/patches/"
stable=1
! is_mainline "$(series_base "$dir")" || stable=0
{
	[ -n "$header" ] && echo "$header"
	marked=0
	for f in "$dir"/patches/*.patch; do
		# A stable queue lists the upstream backports first, then
		# what is not upstream under one comment line.
		if [ "$stable" = 1 ] && [ "$marked" = 0 ] &&
			[[ $(meta_patch "$(basename "$dir")" "$(patch_slug "$f")" upstream) != mainline:* ]]; then
			echo "# not upstream"
			marked=1
		fi
		basename "$f"
	done
} >"$dir/series"
# A stable queue's patches also say where they stand upstream.
[ "$stable" = 0 ] || "$TOP/scripts/stable-headers.sh" "$dir"
log "exported $n patches to $dir/patches (signed off by $ident)"
