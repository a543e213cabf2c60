#!/usr/bin/env bash
# stable-headers.sh [--check] DIR: write the patch headers of the stable
# queue DIR (stable/X.Y) from patches.meta, following the openSUSE
# kernel-source convention: after Subject:, each patch says where it
# stands upstream
#   Patch-mainline: vX.Y                  + Git-commit: <40-hex> (each)
#   Patch-mainline: Not yet, <reason>
#   References: <the upstream thread or notice>, where there is one
# git am and quilt ignore these header lines. --check changes nothing and
# fails, showing the difference, if a header is not what patches.meta says.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
dir=${1:?usage: stable-headers.sh [--check] stable/X.Y}
series=$(realpath "$dir")/series
[ -f "$series" ] || die "no series file in '$dir'"
key=$(meta_series "$series")
[ "$key" != mainline ] || die "'$dir' is not a stable queue (stable/X.Y)"
meta_check "$series"

# headers SLUG: the header lines for one patch.
headers() {
	local up kind link
	up=$(meta_patch "$key" "$1" upstream)
	kind=$(meta_patch "$key" "$1" kind)
	case "$up" in
	mainline:*)
		echo "Patch-mainline: $(meta_patch "$key" "$1" release)"
		tr ',' '\n' <<<"${up#mainline:}" | sed 's/^/Git-commit: /'
		;;
	pending:*) echo "Patch-mainline: Not yet, another version was queued in mm-hotfixes-unstable" ;;
	new)
		if [ "$kind" = test ]; then
			echo "Patch-mainline: Not yet, test only (not needed in a product kernel)"
		else
			echo "Patch-mainline: Not yet, not submitted"
		fi
		;;
	esac
	link=$(meta_patch "$key" "$1" link)
	if [ "$link" != - ]; then
		echo "References: https://lore.kernel.org/all/$link/"
	fi
}

rc=0
while read -r p; do
	h=$(headers "$(patch_slug "$p")")
	new=$(mktemp)
	# Drop old header lines of ours from the mail header (up to the first
	# empty line) and put the new ones right after Subject: and its
	# continuation lines.
	awk -v h="$h" '
		!body && /^$/ { if (!done) print h; done = 1; body = 1; print; next }
		body { print; next }
		/^(Patch-mainline|Git-commit|References): / { next }
		insubj && !/^[ \t]/ { print h; done = 1; insubj = 0 }
		/^Subject: / { insubj = 1 }
		{ print }' "$p" >"$new"
	if [ "$check" = 1 ]; then
		if ! diff -u "$p" "$new" >&2; then
			echo "error: ${p#"$TOP"/}: headers differ from patches.meta (run scripts/stable-headers.sh $dir)" >&2
			rc=1
		fi
		rm -f "$new"
	else
		mv "$new" "$p"
	fi
done < <(series_patches "$series")
exit "$rc"
