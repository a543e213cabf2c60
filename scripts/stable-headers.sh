#!/usr/bin/env bash
# stable-headers.sh [--check] DIR: write the patch headers of the stable
# queue DIR (stable/X.Y) from patches.meta, following the openSUSE
# kernel-source convention: after Subject:, each patch says where it
# stands upstream
#   Patch-mainline: vX.Y                  + Git-commit: <40-hex> (each)
#   Patch-mainline: Not yet, <reason>
#   References: <the upstream thread or notice>, where there is one
# git am and quilt ignore these header lines. --check changes nothing and
# fails, showing the difference, if a header is not what patches.meta says,
# a patch has no References: in its mail header, a paragraph of a message
# is repeated, a backport's message does not start with "commit <sha>
# upstream.", the backports are not in the order of the request
# (commits=) or back a commit it does not list, one comes after a patch
# that is not upstream, or the "# not upstream" line is misplaced.
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
	pending:*)
		who=$(meta_patch "$key" "$1" author)
		echo "Patch-mainline: Not yet, stand-in for ${who//_/ }'s patch queued in the mm tree"
		;;
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

# message_check PATCH: every patch names a reference, and no paragraph
# of its message is repeated (an export or header run applied twice).
message_check() {
	awk '/^$/ { exit 1 } /^References: / { exit 0 }' "$1" ||
		{ echo "error: ${1#"$TOP"/}: no References: header" >&2; return 1; }
	awk 'BEGIN { RS = "" } /^diff --git/ { exit } NR > 1 && seen[$0]++ { bad = 1; print "error: " FILENAME ": paragraph repeated: " substr($0, 1, 60) > "/dev/stderr" } END { exit bad }' "$1"
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
		message_check "$p" || rc=1
		# A backport's message starts with the upstream commit it stands
		# for, as stable-kernel-rules asks.
		up=$(meta_patch "$key" "$(patch_slug "$p")" upstream)
		if [[ $up == mainline:* ]]; then
			sha=${up#mainline:}
			sha=${sha%%,*}
			first=$(awk 'b && NF { print; exit } /^$/ { b = 1 }' "$p")
			[ "$first" = "commit $sha upstream." ] || {
				echo "error: ${p#"$TOP"/}: the message does not start with \"commit $sha upstream.\"" >&2
				rc=1
			}
		fi
		if ! diff -u "$p" "$new" >&2; then
			echo "error: ${p#"$TOP"/}: headers differ from patches.meta (run scripts/stable-headers.sh $dir)" >&2
			rc=1
		fi
		rm -f "$new"
	else
		mv "$new" "$p"
	fi
done < <(series_patches "$series")
# The request asks for the queue's upstream commits in the order stable
# applies them (patches.meta commits=): the backports of the queue must
# come in that order too.
if [ "$check" = 1 ]; then
	want=$(meta_queue "$key" commits | tr ',' '\n')
	got=$(series_patches "$series" | while read -r p; do
		v=$(meta_patch "$key" "$(patch_slug "$p")" upstream)
		[[ $v != mainline:* ]] || tr ',' '\n' <<<"${v#mainline:}"
	done)
	missing=$(grep -vxF -f <(printf '%s\n' "$want") <<<"$got" || true)
	if [ -n "$missing" ]; then
		echo "error: $dir: backports of commits the request does not list (patches.meta commits=): $(paste -sd' ' <<<"$missing")" >&2
		rc=1
	elif [ "$(grep -xF -f <(printf '%s\n' "$got") <<<"$want")" != "$got" ]; then
		echo "error: $dir: the backports are not in the order of the request (patches.meta commits=, oldest first)" >&2
		rc=1
	fi
	first_new=$(series_patches "$series" | while read -r p; do
		[[ $(meta_patch "$key" "$(patch_slug "$p")" upstream) == mainline:* ]] && echo B || echo N
	done | tr -d '\n')
	if [[ $first_new == *N*B* ]]; then
		echo "error: $dir: an upstream backport comes after a patch that is not upstream" >&2
		rc=1
	fi
	# The series file says where the patches that are not upstream start.
	placed=$(awk '/^# not upstream$/ { n = 1; next } /^#/ || !NF { next } { print (n ? "N" : "B") }' "$series" | tr -d '\n')
	if [ "$placed" != "$first_new" ]; then
		echo "error: $dir: the \"# not upstream\" line of the series file must come right after the backports" >&2
		rc=1
	fi
fi
exit "$rc"
