#!/usr/bin/env bash
# postings-lint.sh: what "make send" would mail, checked from the
# repository without building anything, printed as KTAP (part of make
# lint): each posting's text (its cover letter, or the notes below a
# single patch's "---", marker lines removed) is at most MAX_NOTES lines
# of at most 72 columns;
# neither the text nor the changelogs of the posted patches name a
# private run id (7.3-20261202-094520) or a test that exists only in this
# repository (testing/); no posting carries a stand-in (upstream=pending:);
# every prerequisite (prereq=) of a posting is a stand-in of the series.
# META= and TOP's files are read as lib.sh finds them.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"


results=()
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
posted_text() { # posted_text POSTING: the text as it is mailed
	unmarked "$TOP/$(meta_posting "$1" text)"
}
notes_narrow() { # notes_narrow POSTING: plain 72-column text (a URL may run over)
	posted_text "$1" | awk 'length > 72 && !/:\/\// { print "line " NR ", " length " columns: " $0; bad = 1 } END { exit bad }'
}
notes_bounded() { # notes_bounded POSTING
	local n
	n=$(posted_text "$1" | wc -l)
	[ "$n" -le "$MAX_NOTES" ] || { echo "$n lines, at most $MAX_NOTES"; return 1; }
}
# Local test names: the test scripts under testing/ and the modules
# built from testing/*/*/Kbuild, which exist in this repository only.
local_names() {
	find "$TOP/testing/selftests" "$TOP/testing/bench" "$TOP/testing/torture" \
		-name '*.sh' -printf '%f\n'
	find "$TOP/testing" -mindepth 3 -maxdepth 3 -name Kbuild -printf '%h\n' | sed 's|.*/||'
}
no_private_names() { # no_private_names FILE...: no run id, no local test
	local out
	out=$(grep -nHE '\b([0-9]+\.[0-9]+-)?20[0-9]{6}-[0-9]{6}\b' "$@" || true)
	out+=$(grep -nHwF -f <(local_names) "$@" || true)
	[ -z "$out" ] || { echo "$out"; return 1; }
}
changelog() { awk '/^---$/ { exit } body { print } /^$/ { body = 1 }' "$1"; }
for p in $(meta_postings); do
	ktap_check "posting $p: text is at most $MAX_NOTES lines" notes_bounded "$p"
	ktap_check "posting $p: text is at most 72 columns" notes_narrow "$p"
	posted_text "$p" >"$tmpd/$p.text"
	while read -r f; do
		changelog "$f" >"$tmpd/$p.$(basename "$f")"
	done < <(series_select "$TOP/series" posting "$p")
	ktap_check "posting $p: no private run id or local test name" no_private_names "$tmpd/$p".*
done
no_standin_posted() { # every patch of a posting is the project's own
	local p f bad=''
	for p in $(meta_postings); do
		while read -r f; do
			[[ $(meta_patch mainline "$(patch_slug "$f")" upstream) != pending:* ]] ||
				bad+="posting $p carries the stand-in $(basename "$f")"$'\n'
		done < <(series_select "$TOP/series" posting "$p")
	done
	[ -z "$bad" ] || { printf '%s' "$bad"; return 1; }
}
ktap_check "no posting carries a stand-in" no_standin_posted
revisions() { # every posting has revision=N (N >= 1) for make send
	local p v bad=''
	for p in $(meta_postings); do
		v=$( (meta_posting "$p" revision) 2>/dev/null) || v=''
		[[ $v =~ ^[1-9][0-9]*$ ]] || bad+="posting $p: revision='$v' (1 or more)"$'\n'
	done
	[ -z "$bad" ] || { printf '%s' "$bad"; return 1; }
}
ktap_check "every posting has a revision" revisions
ktap_check "prerequisites are stand-ins placed before their postings" postings_check_order

ktap_print "${results[@]}"
