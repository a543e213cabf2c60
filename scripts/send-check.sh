#!/usr/bin/env bash
# send-check.sh: "make send" as a test (part of "make test"). Runs the dry
# run of every posting and the 7.2 stable request, then checks, as KTAP,
# what a list would receive: one thread per posting, "[PATCH]" for a single
# patch and "[PATCH n/m]" with a cover letter otherwise, To: from
# get_maintainer.pl, In-Reply-To where patches.meta has reply-to=, no
# harness marker line, the prerequisites (prereq=) named in the first
# mail, no stand-in mailed, to=/cc= of patches.meta in the headers, the
# b4 prep branch (revision, kept change-id, collected trailers kept),
# and a stable request that names only mainline commits. Nothing is sent.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

results=()
# rc CMD...: 0 if CMD succeeds, 1 otherwise (for ktap_ok; errexit stays on).
rc() { if "$@"; then echo 0; else echo 1; fi; }
subjects_numbered() { # subjects_numbered N WANT SUBJECTS
	if [ "$1" = 1 ]; then
		grep -qE '^\[PATCH\] ' <<<"$3"
	else
		[ "$(grep -cE "^\[PATCH ([0-9]+)/$1\] " <<<"$3")" = "$2" ]
	fi
}
no_marker() { ! has_marker "$@"; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
no_patch() { ! grep -q '^diff --git' "$1"; }
absent() { ! grep -qF -- "$1" <<<"$2"; }

# A scratch send directory: the user's prep branches in $CACHE/send (their
# sent tags and collected trailers) are never touched.
export SEND_DIR=$CACHE/send-check
rm -rf "$SEND_DIR"
rc=0
BASE=7.3 "$TOP/scripts/send.sh" >"$CACHE/send-check.log" 2>&1 || rc=$?
ktap_ok "$rc" "make send: dry run of every posting" "$(tail -n 3 "$CACHE/send-check.log" | tr '\n' ' ')"
for p in $(meta_postings); do
	d=$SEND_DIR/$p/mails
	n=$(series_select "$TOP/series" posting "$p" | wc -l)
	mapfile -t mails < <(find "$d" -type f 2>/dev/null | sort)
	want=$n
	[ "$n" -gt 1 ] && want=$((n + 1))
	ktap_ok "$([ "${#mails[@]}" = "$want" ] && echo 0 || echo 1)" "posting $p: $want mails for $n patches" "found ${#mails[@]}"
	[ "${#mails[@]}" -gt 0 ] || continue
	subj=$(for m in "${mails[@]}"; do sed -n '/^Subject: /{N; s/\n / /; s/\n.*//; s/^Subject: //p}' "$m"; done)
	ktap_ok "$(rc subjects_numbered "$n" "$want" "$subj")" "posting $p: subjects are [PATCH] or numbered [PATCH n/m]" "$(head -n 1 <<<"$subj")"
	ktap_ok "$(rc no_marker "${mails[@]}")" "posting $p: no harness marker line in any mail"
	ktap_ok "$(rc grep -q '^To: .*@' "${mails[0]}")" "posting $p: To: comes from get_maintainer.pl"
	reply=$(meta_posting "$p" reply-to)
	if [ "$reply" != - ]; then
		ktap_ok "$(rc grep -qx "In-Reply-To: <$reply>" "${mails[0]}")" "posting $p: answers <$reply>"
	fi
	while read -r id; do
		ktap_ok "$(rc grep -qxF "prerequisite-message-id: <$id>" "${mails[0]}")" "posting $p: names prerequisite <$id>"
	done < <(posting_prereqs "$p")
	while read -r f; do
		s=$(sed -n '/^Subject: /{N; s/\n / /; s/\n.*//; s/^Subject: \[PATCH\] //p; q}' "$f")
		ktap_ok "$(rc absent "] $s" "$subj")" "posting $p: the stand-in \"$s\" is not mailed"
	done < <(standins)
	to=$( (meta_posting "$p" to) 2>/dev/null || true)
	if [ -n "$to" ]; then
		ktap_ok "$(rc grep -qE "^To: ([^<]*<)?$to" "${mails[0]}")" "posting $p: To: starts with $to"
	fi
	for a in $(meta_list posting "$p" cc); do
		ktap_ok "$(rc grep -qF "$a" <(sed '/^$/q' "${mails[0]}"))" "posting $p: Cc: $a"
	done
done

# The b4 prep branch of a posting: at patches.meta's revision, kept by the
# next run, and a review trailer collected on it (as b4 trailers -u adds
# one) comes back when the patches are applied again.
p=$(meta_postings | tail -n 1)
t=$SEND_DIR/$p/tree
cover_of() { git -C "$t" rev-list -1 --grep='^--- b4-submit-tracking ---$' "b4/$p" 2>/dev/null || true; }
tracked() { # tracked FIELD: a field of b4's tracking data on the branch
	git -C "$t" log -1 --format=%B "$(cover_of)" | sed '1,/^--- b4-submit-tracking ---$/d; /^#/d' |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["series"][sys.argv[1]])' "$1" 2>/dev/null || true
}
rev=$(meta_posting "$p" revision)
ktap_ok "$(rc same "$(tracked revision)" "$rev")" "posting $p: b4 prep branch b4/$p at revision $rev of patches.meta" "tracked: $(tracked revision)"
c1=$(tracked change-id)
trailer='Reviewed-by: Ada Lovelace <ada@kernel-test.org>'
git -C "$t" -c user.name=Test -c user.email=test@kernel-test.org commit -q --amend --no-edit --trailer "$trailer" 2>/dev/null || true
rc=0
BASE=7.3 "$TOP/scripts/send.sh" "$p" >"$CACHE/send-check-again.log" 2>&1 || rc=$?
ktap_ok "$rc" "make send $p again: dry run" "$(tail -n 2 "$CACHE/send-check-again.log" | tr '\n' ' ')"
ktap_ok "$(rc same "$(tracked change-id)" "$c1")" "posting $p: a second run keeps the prep branch (b4 change-id $c1)"
mapfile -t mails < <(find "$SEND_DIR/$p/mails" -type f 2>/dev/null | sort)
ktap_ok "$(rc grep -qxF "$trailer" "${mails[-1]:-/dev/null}")" "posting $p: a review trailer collected on b4/$p survives re-applying the patches"

# The stable queues by their request (patches.meta): one that asks for
# the upstream commits, one that cannot.
asks='' refuses=''
for b in $(base_list); do
	is_mainline "$b" && continue
	if [ "$(meta_queue "$b" request)" = option2 ]; then
		asks=${asks:-$b}
	else
		refuses=${refuses:-$b}
	fi
done
rc=0
BASE=$asks "$TOP/scripts/send.sh" >"$CACHE/send-check-stable.log" 2>&1 || rc=$?
ktap_ok "$rc" "make send BASE=$asks: stable request written" "$(tail -n 2 "$CACHE/send-check-stable.log" | tr '\n' ' ')"
req=$SEND_DIR/stable-$asks/request.eml
named=$(sed -n 's/^  commit \([0-9a-f]\{40\}\)\( .*\)\{0,1\}$/\1/p' "$req" 2>/dev/null | sort)
mainline=$(meta_queue "$asks" commits | tr ',' '\n' | sort)
ktap_ok "$(rc same "$named" "$mainline")" \
	"stable request names exactly the commits patches.meta lists for $asks" "named: ${named//$'\n'/ }"
ktap_ok "$(rc grep -q '^To: stable@vger.kernel.org$' "$req")" "stable request goes to stable@"
ktap_ok "$(rc no_patch "$req")" "stable request carries no patch"
refused() { ! BASE=$refuses "$TOP/scripts/send.sh" >"$CACHE/send-check-refused.log" 2>&1 &&
	grep -q "no stable request for $refuses.y" "$CACHE/send-check-refused.log"; }
ktap_ok "$(rc refused)" "make send BASE=$refuses refuses: the upstream commits do not apply there"

ktap_print "${results[@]}"
