#!/usr/bin/env bash
# send.sh [POSTING...]: with BASE=7.3 (default), the mails of the mainline postings (patches.meta),
# one thread per posting, in their order. Without SEND=1 nothing is sent:
# the mails are written to $SEND_DIR/<posting>/mails/ (SEND_DIR default
# $CACHE/send) and summarised.
#
# For each posting a scratch clone of the cached 7.3 base gets the
# patches it builds on (lib.sh posting_stack: the stand-ins of the queued
# upstream patches it names as prereq=, and the postings it needs), then
# its own patches (git am), signed off by the sender (git rebase
# --signoff). Stand-ins are never mailed. b4 prep enrolls them, takes the posting's
# text (patches.meta text=; harness marker lines removed) as the cover
# letter, or for a single patch as the notes below its "---", and fills
# To/Cc from scripts/get_maintainer.pl (b4 prep --auto-to-cc). b4 0.12
# cannot answer an existing thread, so for reply-to= the first mail gets
# In-Reply-To/References here, and the prerequisites as b4 0.13+ writes
# them ("prerequisite-message-id:" lines); to= and cc= of
# patches.meta go first in To: and into Cc:. SEND=1 hands the mails to
# git send-email, and only for a person's identity (git config
# user.name/user.email).
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

# add_header MAIL NAME ADDR...: append the addresses to header NAME (To:
# or Cc:) of MAIL, or put them first with NAME=To-first; an address the
# mail already has in that header moves instead of being repeated.
add_header() {
	python3 - "$@" <<'PY'
import sys, email.utils
path, name, addrs = sys.argv[1], sys.argv[2], sys.argv[3:]
first = name == "To-first"
name = "To" if first else name
head, sep, body = open(path).read().partition("\n\n")
fields = []
for l in head.split("\n"):
    if l[:1] in (" ", "\t") and fields:
        fields[-1].append(l)
    else:
        fields.append([l])
def is_name(f):
    return f[0].startswith(name + ": ")
vals = [" ".join(x.strip() for x in f)[len(name) + 2:] for f in fields if is_name(f)]
have = email.utils.getaddresses(vals)
known = {a: email.utils.formataddr((n, a)) for n, a in have}
if first:
    lst = [known.get(a, a) for a in addrs]
    lst += [known[a] for _, a in have if a not in addrs]
else:
    lst = [known[a] for _, a in have] + [a for a in addrs if a not in known]
new = [name + ": " + lst[0] + ("," if len(lst) > 1 else "")]
new += ["\t" + a + ("," if i < len(lst) - 1 else "") for i, a in enumerate(lst) if i]
at = next((i for i, f in enumerate(fields) if is_name(f)), None)
if at is None:
    at = next((i for i, f in enumerate(fields) if f[0].startswith("Subject: ")), len(fields))
fields = [f for f in fields if not is_name(f)]
fields.insert(at, new)
open(path, "w").write("\n".join(l for f in fields for l in f) + sep + body)
PY
}

# kept_trailers RANGE: "subject<TAB>trailer" for every review trailer
# (Reviewed-by, Acked-by, Tested-by, ...) of the commits in RANGE of the
# prep branch, so that a re-applied patch keeps what reviewers gave it.
kept_trailers() {
	git -C "$t" log --reverse --format='%s%x00%(trailers:only,unfold)%x01' "$1" |
		awk 'BEGIN { RS = "\001\n?"; FS = "\000" }
			NF >= 2 { n = split($2, l, "\n"); for (i = 1; i <= n; i++)
				if (l[i] ~ /^(Reviewed|Acked|Tested|Reported|Suggested)-by: /) print $1 "\t" l[i] }'
}

for p in "${postings[@]}"; do
	# One b4 prep tree per posting, kept between runs: branch b4/<posting>
	# holds b4's cover letter commit and the posting's patches, at the
	# revision patches.meta gives; sent versions are tagged
	# sent/<posting>-v<N> (b4 prep --manual-reroll), so that b4 prep
	# --compare-to and b4 trailers -u work on it as b4 users expect.
	work=$SEND_DIR/$p
	t=$work/tree
	rev=$(meta_posting "$p" revision)
	[[ $rev =~ ^[1-9][0-9]*$ ]] || die "posting '$p': revision='$rev' in patches.meta must be 1 or more"
	if git -C "$t" rev-parse -q --verify "refs/tags/sent/$p-v$rev" >/dev/null 2>&1; then
		die "posting '$p': v$rev was sent already (tag sent/$p-v$rev in $t); set revision=$((rev + 1)) for posting $p in patches.meta"
	fi
	rm -rf "$work/mails" "$work/cover" "$work/drop-signoffs"
	if [ ! -d "$t/.git" ]; then
		rm -rf "$work"
		mkdir -p "$work"
		git clone -q --shared "$tree" "$t"
	fi
	git -C "$t" fetch -q --force --tags origin
	git -C "$t" config user.name "$name"
	git -C "$t" config user.email "$email"
	git -C "$t" config sendemail.smtpserver localhost
	git -C "$t" checkout -q --detach base

	mapfile -t under < <(posting_stack "$p")
	for f in "${under[@]}"; do
		git -C "$t" am -q "$f" || { git -C "$t" am --abort; die "posting '$p': $(basename "$f") does not apply"; }
	done
	git -C "$t" branch -q -f posting-base HEAD
	mapfile -t own < <(series_select "$series" posting "$p")
	[ "${#own[@]}" -gt 0 ] || die "posting '$p': no patch in the series"
	: >"$work/trailers"
	if git -C "$t" rev-parse -q --verify "refs/heads/b4/$p" >/dev/null; then
		cover=$(git -C "$t" rev-list -1 --grep='^--- b4-submit-tracking ---$' "b4/$p")
		[ -n "$cover" ] || die "posting '$p': branch b4/$p of $t has no b4 cover letter commit; remove $work to start over"
		kept_trailers "$cover..b4/$p" >"$work/trailers"
		# Same base as last time: keep its commits, so the branch moves only
		# when what it builds on changed.
		[ "$(git -C "$t" rev-parse "$cover~1^{tree}")" != "$(git -C "$t" rev-parse "posting-base^{tree}")" ] ||
			git -C "$t" branch -q -f posting-base "$cover~1"
		git -C "$t" checkout -q "b4/$p"
		git -C "$t" reset -q --hard "$cover"
		git -C "$t" rebase -q --onto posting-base "$cover~1" ||
			die "posting '$p': could not move b4/$p onto the new base"
	else
		git -C "$t" checkout -q posting-base
		(cd "$t" && b4 prep -n "$p" -f posting-base >/dev/null 2>&1) ||
			die "posting '$p': b4 prep could not create branch b4/$p"
	fi
	cover=$(git -C "$t" rev-parse HEAD)
	for f in "${own[@]}"; do
		git -C "$t" am -q "$f" || { git -C "$t" am --abort; die "posting '$p': $(basename "$f") does not apply"; }
	done
	# The sender takes the patches over (a person: as author, under their
	# own sign-off only; the export identity's sign-offs go), and the
	# review trailers of the branch's previous version come back.
	{
		[ "$person" = 0 ] ||
			git -C "$t" log --format=%B "$cover..HEAD" | sed -n 's/^Signed-off-by: //p' | sort -u |
			while IFS= read -r so; do
				em=${so##*<}
				person_identity "${so% <*}" "${em%>}" || echo "Signed-off-by: $so"
			done
	} >"$work/drop-signoffs"
	env=:
	[ "$person" = 0 ] || env="export GIT_AUTHOR_NAME='${name//\'/}' GIT_AUTHOR_EMAIL='$email'"
	FILTER_BRANCH_SQUELCH_WARNING=1 git -C "$t" filter-branch -f --env-filter "$env" \
		--msg-filter "python3 '$TOP/scripts/msg-trailers.py' '$work/drop-signoffs' '$work/trailers'" \
		"$cover..HEAD" >/dev/null 2>&1 ||
		die "posting '$p': could not take over the patches as $name <$email>"
	git -C "$t" rebase -q --signoff "$cover"
	n=$(git -C "$t" rev-list --count "$cover..HEAD")

	text=$TOP/$(meta_posting "$p" text)
	[ -f "$text" ] || die "posting '$p': no text file '$text'"
	unmarked "$text" >"$work/cover"
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
		b4 prep --force-revision "$rev" >/dev/null 2>&1
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
	if [ "$n" = 1 ]; then
		# b4 0.12 closes the notes of a single patch with a "---" line
		# of its own above the patch's: keep the first, as git does.
		python3 - "${mails[0]}" <<'PY'
import sys
path = sys.argv[1]
t = open(path).read()
open(path, "w").write(t.replace("\n---\n\n---\n", "\n\n", 1))
PY
	fi
	# The prerequisites go with the first mail, as b4 0.13+ writes them:
	# one "prerequisite-message-id:" line each, at the end of the text
	# above the signature. (The template leaves out base-commit: the
	# base is a Debian tarball import, no upstream commit.)
	mapfile -t prereqs < <(posting_prereqs "$p")
	if [ "${#prereqs[@]}" -gt 0 ]; then
		grep -qx -- '-- ' "${mails[0]}" ||
			die "posting '$p': no signature line in ${mails[0]} to put the prerequisites above"
		pre=$(printf 'prerequisite-message-id: <%s>\\n' "${prereqs[@]}")
		sed -i "0,/^-- \$/s//\n${pre%\\n}\n&/" "${mails[0]}"
	fi
	to=$( (meta_posting "$p" to) 2>/dev/null || true)
	mapfile -t cc < <(meta_list posting "$p" cc)
	for m in "${mails[@]}"; do
		[ -z "$to" ] || add_header "$m" To-first "$to"
		[ "${#cc[@]}" = 0 ] || add_header "$m" Cc "${cc[@]}"
	done
	if has_marker "${mails[@]}"; then
		die "posting '$p': a harness marker line reached a mail ($(grep -l '^==== ' "${mails[@]}" | head -n 1))"
	fi

	log "posting $p: ${#mails[@]} mails in $work/mails"
	for m in "${mails[@]}"; do
		sed -n '/^$/q; /^\(From\|To\|Cc\|Subject\|In-Reply-To\): /{p; :c; n; /^[ \t]/{p; bc}; /^\(From\|To\|Cc\|Subject\|In-Reply-To\): /{p; bc}}' "$m" | sed 's/^/  /'
		echo
	done
	prev=$((rev - 1))
	if git -C "$t" rev-parse -q --verify "refs/tags/sent/$p-v$prev" >/dev/null; then
		log "posting $p: v$rev on branch b4/$p; against the sent v$prev: (cd $t && b4 prep --compare-to v$prev)"
	else
		log "posting $p: v$rev on branch b4/$p of $t"
	fi
	if [ "${SEND:-0}" = 1 ]; then
		send_mails "$t" "${mails[@]}"
		msgid=$(sed -n 's/^Message-Id: <\(.*\)>$/\1/Ip' "${mails[0]}" | head -n 1)
		(cd "$t" && b4 prep --manual-reroll "$msgid" >/dev/null 2>&1) ||
			die "posting '$p': sent, but b4 could not tag v$rev as sent (b4 prep --manual-reroll $msgid in $t)"
		log "posting $p: v$rev sent and tagged sent/$p-v$rev; set revision=$((rev + 1)) for posting $p in patches.meta for the next version"
	fi
done
[ "${SEND:-0}" = 1 ] || log "nothing was sent (SEND=1 sends, as $name <$email>)"
