#!/usr/bin/env bash
# stable-request.sh BASE: "make send BASE=7.2|6.12". The stable rules
# (Documentation/process/stable-kernel-rules.rst) accept only commits that
# are in mainline, and the backports of stable/X.Y are our own text and
# code, so no patch is mailed from here. What is written is a request in
# the form of the rules' option 2: the upstream commit ids (patches.meta
# upstream=mainline:), why they matter to users of X.Y and the test
# evidence (stable/X.Y/cover-letter.txt), To: stable, Cc: whom
# get_maintainer.pl names for those patches. PATCHES=slug,... limits the
# request to some patches; one that is not in mainline is refused.
# Without SEND=1 the mail is only written to $SEND_DIR/stable-X.Y/
# (SEND_DIR default $CACHE/send).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${1:?usage: stable-request.sh BASE}
base_field "$BASE" 2 >/dev/null
! is_mainline "$BASE" || die "no stable queue for '$BASE': it carries the mainline series"
series=$(series_file "$BASE")
meta_check "$series"
text=$(dirname "$series")/cover-letter.txt
[ -f "$text" ] || die "no request text '$text'"
if [ "$(meta_queue "$BASE" request)" != option2 ]; then
	die "no stable request for $BASE.y: the upstream commits do not apply to $BASE as they are (see the backport notes in stable/$BASE/patches), and an option-3 backport has to keep the upstream changelog and authorship, which this repository does not have"
fi

# The patches asked for: all upstream backports, or the ones named.
mapfile -t all < <(series_patches "$series")
want=()
if [ -n "${PATCHES:-}" ]; then
	for s in ${PATCHES//,/ }; do
		p=$(printf '%s\n' "${all[@]}" | grep -F -- "-$s" | head -n 1) ||
			die "'$s' is not a patch of stable/$BASE"
		[ -n "$p" ] || die "'$s' is not a patch of stable/$BASE"
		up=$(meta_patch "$BASE" "$(patch_slug "$p")" upstream)
		case "$up" in
		mainline:*) want+=("$p") ;;
		*) die "refusing to ask stable for $(patch_slug "$p"): it is not in mainline (upstream=$up); stable-kernel-rules accepts only mainline commits" ;;
		esac
	done
else
	for p in "${all[@]}"; do
		case "$(meta_patch "$BASE" "$(patch_slug "$p")" upstream)" in
		mainline:*) want+=("$p") ;;
		esac
	done
fi
[ "${#want[@]}" -gt 0 ] || die "stable/$BASE has no patch that is in mainline; there is nothing to ask for"
# The commits asked for: the queue's list (commits=), or with PATCHES=
# only those the named patches backport.
if [ -n "${PATCHES:-}" ]; then
	commits=$(for p in "${want[@]}"; do meta_patch "$BASE" "$(patch_slug "$p")" upstream; done |
		sed 's/^mainline://' | tr ',' ' ')
else
	commits=$(meta_queue "$BASE" commits | tr ',' ' ')
fi
# The measured block of the request text must have been filled.
evidence=$(marked_block "$text" results | grep -vc '^$' || true)
if [ "$evidence" = 0 ]; then
	[ "${SEND:-0}" != 1 ] || die "the results block of $text is empty; run make BASE=$BASE, then make cover-letter BASE=$BASE"
	log "WARNING: the results block of ${text#"$TOP"/} is empty (run make BASE=$BASE, then make cover-letter BASE=$BASE)"
fi

sender_identity || true
name=$SENDER_NAME email=$SENDER_EMAIL

tree=$(tree_dir "$BASE")
fetch_base "$BASE" >&2
# Cc: everyone get_maintainer.pl names for the requested patches.
cc=$(cd "$tree" && perl scripts/get_maintainer.pl --nogit --nogit-fallback \
	--nogit-chief-penguins --norolestats --no-tree "${want[@]}" 2>/dev/null |
	grep -v 'stable@vger.kernel.org' | paste -sd, - | sed 's/,/, /g')
[ -n "$cc" ] || die "get_maintainer.pl named nobody for the requested patches"
extra=$(meta_queue "$BASE" cc 2>/dev/null | sed 's/,/, /g' || true)
[ -z "$extra" ] || cc="$cc, $extra"

out=${SEND_DIR:-$CACHE/send}/stable-$BASE
rm -rf "$out"
mkdir -p "$out"
{
	echo "From: $name <$email>"
	echo "To: stable@vger.kernel.org"
	echo "Cc: $cc"
	echo "Subject: $(sed -n 1p "$text")"
	echo
	sed '1,2d' "$text" | unmarked -
	echo
	echo "The commits, oldest first, in the order they apply:"
	echo
	for sha in $commits; do
		echo "  commit $sha (\"$(meta_commit_subject "$sha")\")"
	done
} >"$out/request.eml"
if has_marker "$out/request.eml"; then
	die "a harness marker line reached the mail ($out/request.eml)"
fi
log "stable request for $BASE.y: $out/request.eml"
sed -n '1,/^$/p' "$out/request.eml" | sed 's/^/  /'
if [ "${SEND:-0}" = 1 ]; then
	send_mails "$TOP" "$out/request.eml"
else
	log "nothing was sent (SEND=1 sends, as $name <$email>)"
fi
