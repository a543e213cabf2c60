#!/usr/bin/env bash
# send.sh BASE: produce the series' mails with "b4 send --dry-run", without
# sending anything. A scratch clone of the cached base gets the series with
# git am, b4 prep enrolls it, takes cover-letter.txt as the cover and fills
# To/Cc from scripts/get_maintainer.pl (b4 prep --auto-to-cc). The mails go
# to $CACHE/send/<BASE>/dry-run.txt. From: is the sender's own git identity.
#
# b4 0.12 (Debian 12) refuses a dry run with its default web endpoint
# unless patches are signed; the scratch clone therefore names a local
# SMTP server, which a dry run never contacts.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${1:?usage: send.sh BASE}
need_tool b4 b4
series=$(series_file "$BASE")
tree=$(tree_dir "$BASE")
lock_base "$BASE"
"$TOP/scripts/fetch-base.sh" "$BASE"
name=$(git -C "$TOP" config user.name || true)
email=$(git -C "$TOP" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ]; then
	die "no git identity; set git config user.name and user.email (the mails are From: you)"
fi

work=$CACHE/send/$BASE
rm -rf "$work"
mkdir -p "$(dirname "$work")"
git clone -q --shared "$tree" "$work/tree"
git -C "$work/tree" config user.name "$name"
git -C "$work/tree" config user.email "$email"
git -C "$work/tree" config sendemail.smtpserver localhost
"$TOP/scripts/apply.sh" "$work/tree" "$series" "vmalloc-series-$BASE" base >/dev/null
cp "$TOP/.b4-config" "$TOP/.b4-cover-template" "$work/tree/"

cd "$work/tree"
b4 prep -e base >/dev/null 2>&1
cover=$(dirname "$series")/cover-letter.txt
[ -f "$cover" ] || die "no cover letter '$cover'"
EDITOR="cp $cover" b4 prep --edit-cover >/dev/null 2>&1
if [ "$BASE" != 7.3 ]; then
	b4 prep --set-prefixes "$BASE.y" >/dev/null 2>&1
fi
b4 prep --auto-to-cc >/dev/null 2>&1
b4 send --dry-run --no-sign >"$work/dry-run.txt" 2>&1 || {
	tail -n 5 "$work/dry-run.txt" >&2
	die "b4 send --dry-run failed"
}
n=$(grep -c 'DRYRUN: message follows' "$work/dry-run.txt" || true)
log "b4 send --dry-run: $n mails in $work/dry-run.txt (nothing was sent)"
grep -E '^    \| (From|To|Cc|Subject):' "$work/dry-run.txt" | head -n 12
