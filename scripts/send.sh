#!/usr/bin/env bash
# send.sh [POSTING...]: with BASE=7.3 (default), the mails of the mainline postings (patches.meta),
# one thread per posting, in their order. Without SEND=1 nothing is sent:
# the mails are written to $CACHE/send/<posting>/mails/ and summarised.
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

# apply_list TREE BRANCH PATCH...: git am the patches onto HEAD.
apply_list() {
	local tree=$1 branch=$2 list
	shift 2
	list=$(mktemp)
	printf '%s\n' "${@##*/}" >"$list"
	PATCH_DIR=$TOP/patches apply_series "$tree" "$list" "$branch" >/dev/null || exit 1
	rm -f "$list"
}

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

	mapfile -t under < <(posting_stack "$p")
	[ "${#under[@]}" = 0 ] || apply_list "$t" "under-$p" "${under[@]}"
	git -C "$t" branch -q posting-base HEAD
	mapfile -t own < <(series_select "$series" posting "$p")
	[ "${#own[@]}" -gt 0 ] || die "posting '$p' has no patch in the series"
	apply_list "$t" "posting-$p" "${own[@]}"
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
	if [ "${SEND:-0}" = 1 ]; then
		send_mails "$t" "${mails[@]}"
	fi
done
[ "${SEND:-0}" = 1 ] || log "nothing was sent (SEND=1 sends, as $name <$email>)"
