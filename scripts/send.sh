#!/usr/bin/env bash
# send.sh [POSTING...]: with BASE=7.3 (default), the mails of the mainline postings (patches.meta),
# one thread per posting, in their order. Without SEND=1 nothing is sent:
# the mails are written to $CACHE/send/<posting>/mails/ and summarised.
#
# For each posting a scratch clone of the cached 7.3 base gets the
# postings it needs, then its own patches (git am), signed off by the
# sender (git rebase --signoff). b4 prep enrolls them, takes the posting's
# text (patches.meta text=; harness marker lines removed) as the cover
# letter, or for a single patch as the notes below its "---", and fills
# To/Cc from scripts/get_maintainer.pl (b4 prep --auto-to-cc). b4 0.12
# cannot answer an existing thread, so for reply-to= the first mail gets
# In-Reply-To/References here. SEND=1 hands the mails to git send-email,
# and only for a person's identity (git config user.name/user.email).
#
# A stable BASE gets no patches from here (stable-kernel-rules: mainline
# commits only): scripts/stable-request.sh writes the request instead.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

series=$(series_file "$BASE")
if [ "$series" != "$TOP/series" ]; then
	exec "$TOP/scripts/stable-request.sh" "$BASE"
fi
need_tool b4 b4
meta_check "$series"

person=1
sender_identity || person=0
name=${SENDER_NAME:-unset} email=${SENDER_EMAIL:-unset@invalid}

mapfile -t postings < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else meta_postings; fi)
for p in "${postings[@]}"; do
	meta_posting "$p" order >/dev/null
done

tree=$(tree_dir "$BASE")
lock_base "$BASE"
fetch_base "$BASE" >&2

# apply_posting TREE POSTING: git am the posting's patches onto HEAD.
apply_posting() {
	local list
	list=$(mktemp)
	series_select "$series" posting "$2" | sed 's|.*/||' >"$list"
	[ -s "$list" ] || die "posting '$2' has no patch in the series"
	PATCH_DIR=$TOP/patches apply_series "$1" "$list" "posting-$2" >/dev/null || exit 1
	rm -f "$list"
}

for p in "${postings[@]}"; do
	work=$CACHE/send/$p
	rm -rf "$work"
	mkdir -p "$work"
	git clone -q --shared "$tree" "$work/tree"
	t=$work/tree
	git -C "$t" config user.name "$name"
	git -C "$t" config user.email "$email"
	git -C "$t" config sendemail.smtpserver localhost
	git -C "$t" checkout -q base

	needs=$(meta_posting "$p" needs)
	if [ "$needs" != - ]; then
		for n in ${needs//,/ }; do
			apply_posting "$t" "$n"
		done
	fi
	git -C "$t" branch -q posting-base HEAD
	apply_posting "$t" "$p"
	if [ "$person" = 1 ]; then
		# The committed patches carry the repository's export identity;
		# a person sends them as author, under their own sign-off only.
		git -C "$t" log --format=%B posting-base..HEAD | sed -n 's/^Signed-off-by: //p' | sort -u |
			while IFS= read -r so; do
				em=${so##*<}
				person_identity "${so% <*}" "${em%>}" ||
					echo "Signed-off-by: $so"
			done >"$work/drop-signoffs"
		FILTER_BRANCH_SQUELCH_WARNING=1 git -C "$t" filter-branch -f \
			--env-filter "export GIT_AUTHOR_NAME='${name//\'/}' GIT_AUTHOR_EMAIL='$email'" \
			--msg-filter "grep -vxF -f '$work/drop-signoffs'" posting-base..HEAD >/dev/null 2>&1 ||
			die "posting '$p': could not take over the patches as $name <$email>"
	fi
	git -C "$t" rebase -q --signoff posting-base
	n=$(git -C "$t" rev-list --count posting-base..HEAD)

	text=$TOP/$(meta_posting "$p" text)
	[ -f "$text" ] || die "posting '$p': no text file '$text'"
	grep -v '^==== \(generated\|end\): [a-z]* ====$' "$text" >"$work/cover"
	cp "$TOP/.b4-config" "$t/"
	if [ "$n" -gt 1 ]; then
		cp "$TOP/.b4-cover-template" "$t/.b4-cover-template"
	else
		# A single patch: b4 puts the text below its "---" line, where a
		# shortlog and diffstat would only repeat the patch's own.
		# shellcheck disable=SC2016 # a b4 template variable, not shell
		printf '%s\n' '${cover}' >"$t/.b4-cover-template"
	fi
	(
		cd "$t"
		b4 prep -e posting-base >/dev/null 2>&1
		EDITOR="cp $work/cover" b4 prep --edit-cover >/dev/null 2>&1
		b4 prep --auto-to-cc >/dev/null 2>&1
		b4 send -o "$work/mails" --no-sign --not-me-too >"$work/b4.log" 2>&1
	) || {
		tail -n 5 "$work/b4.log" >&2
		die "posting '$p': b4 failed (log: $work/b4.log)"
	}

	mapfile -t mails < <(find "$work/mails" -type f | sort)
	[ "${#mails[@]}" -gt 0 ] || die "posting '$p': b4 wrote no mail"
	reply=$(meta_posting "$p" reply-to)
	if [ "$reply" != - ]; then
		# The first mail (cover letter, or the only patch) answers $reply;
		# the others already reference the first one.
		sed -i "0,/^Subject:/s//In-Reply-To: <$reply>\nReferences: <$reply>\n&/" "${mails[0]}"
	fi
	if grep -l '^==== ' "${mails[@]}" >/dev/null; then
		die "posting '$p': a harness marker line reached a mail ($(grep -l '^==== ' "${mails[@]}" | head -n 1))"
	fi

	log "posting $p: ${#mails[@]} mails in $work/mails"
	for m in "${mails[@]}"; do
		sed -n '/^$/q; /^\(From\|To\|Cc\|Subject\|In-Reply-To\): /{p; :c; n; /^[ \t]/{p; bc}; /^\(From\|To\|Cc\|Subject\|In-Reply-To\): /{p; bc}}' "$m" | sed 's/^/  /'
		echo
	done
	if [ "${SEND:-0}" = 1 ]; then
		send_mails "$t" "${mails[@]}"
	fi
done
[ "${SEND:-0}" = 1 ] || log "nothing was sent (SEND=1 sends, as $name <$email>)"
