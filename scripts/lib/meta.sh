# shellcheck shell=bash
# scripts/lib/meta.sh: the series files and patches.meta: patches, their
# records, postings, stand-ins, the 0+tests step.
# Sourced by scripts/lib.sh (source that, not this file); uses its die/log.

# series_patches <series file>: patch paths in quilt order, comments skipped.
# The patches are in patches/ next to the series file, or in $PATCH_DIR.
series_patches() {
	local dir
	dir=${PATCH_DIR:-$(dirname "$1")/patches}
	awk '!/^[[:space:]]*(#|$)/ {print $1}' "$1" | while read -r p; do
		echo "$dir/$p"
	done
}

# Patch and posting facts: patches.meta (META=... for the tooling tests).
META=${META:-$TOP/patches.meta}

# meta_series SERIES_FILE: the SERIES column of patches.meta for a series
# file: "mainline" for ./series, "X.Y" for stable/X.Y/series.
meta_series() {
	case "$1" in
	*/stable/*/series) basename "$(dirname "$1")" ;;
	*) echo mainline ;;
	esac
}

# patch_slug PATH: the patch file name without its NNNN- prefix.
patch_slug() {
	local f=${1##*/}
	echo "${f#[0-9][0-9][0-9][0-9]-}"
}

# meta_patch SERIES SLUG FIELD: one field of a patch record; fails if the
# patch has no record or the record lacks the field.
meta_patch() {
	local v
	v=$(awk -v s="$1" -v p="$2" -v f="$3" '
		$1 == "patch" && $2 == s && $3 == p {
			for (i = 4; i <= NF; i++) if (index($i, f "=") == 1) { print substr($i, length(f) + 2); found = 1 }
			rec = 1
		}
		END { exit rec ? (found ? 0 : 2) : 1 }' "$META") ||
		die "$META: no '$3' for patch '$2' of series '$1'"
	echo "$v"
}

# meta_field TYPE NAME FIELD: one field of the record "TYPE NAME ...".
meta_field() {
	local v
	v=$(awk -v t="$1" -v n="$2" -v f="$3" '
		$1 == t && $2 == n {
			for (i = 3; i <= NF; i++) if (index($i, f "=") == 1) { print substr($i, length(f) + 2); found = 1 }
		}
		END { exit found ? 0 : 1 }' "$META") ||
		die "$META: no '$3' for $1 '$2'"
	echo "$v"
}

# meta_commit_subject SHA: the subject of an upstream commit (record
# "commit SHA SUBJECT...").
meta_commit_subject() {
	awk -v c="$1" '$1 == "commit" && $2 == c { sub(/^commit [0-9a-f]+ /, ""); print; f = 1 } END { exit !f }' "$META" ||
		die "$META: no commit record for $1"
}

# meta_posting NAME FIELD: one field of a posting record.
meta_posting() { meta_field posting "$1" "$2"; }

# meta_queue X.Y FIELD: one field of the record of stable queue X.Y.
meta_queue() { meta_field queue "$1" "$2"; }

# meta_postings: the posting names, in their order.
meta_postings() {
	awk '$1 == "posting" { for (i = 3; i <= NF; i++) if ($i ~ /^order=/) print substr($i, 7), $2 }' "$META" |
		sort -n | awk '{ print $2 }'
}

# series_select SERIES_FILE FIELD VALUE: the patch paths of a series, in
# series order, whose patches.meta FIELD is VALUE.
series_select() {
	local key p
	key=$(meta_series "$1")
	series_patches "$1" | while read -r p; do
		if [ "$(meta_patch "$key" "$(patch_slug "$p")" "$2")" = "$3" ]; then
			echo "$p"
		fi
	done
}

# meta_check SERIES_FILE: every patch of the series has a complete record
# with valid values, and every record of the series names a patch in it.
meta_check() {
	local key p slug v up all err=''
	[ -f "$META" ] || die "missing $META"
	key=$(meta_series "$1")
	while read -r p; do
		slug=$(patch_slug "$p")
		v=$(meta_patch "$key" "$slug" kind 2>/dev/null) || v=''
		case "$v" in
		fix | optimization | cleanup | test) ;;
		*) err+=$'\n'"  $slug: kind='$v' (fix, optimization, cleanup or test)" ;;
		esac
		v=$(meta_patch "$key" "$slug" upstream 2>/dev/null) || v=''
		if ! grep -qE '^(new|pending:[^ ]+@[^ ]+|mainline:[0-9a-f]{40}(,[0-9a-f]{40})*)$' <<<"$v"; then
			err+=$'\n'"  $slug: upstream='$v' (new, pending:<Message-ID> or mainline:<40-hex sha>)"
		fi
		if [ "$key" = mainline ]; then
			up=$v
			v=$(meta_patch "$key" "$slug" posting 2>/dev/null) || v=''
			if [ "$v" = - ]; then
				[[ $up == pending:* ]] ||
					err+=$'\n'"  $slug: posting=- is only for a stand-in (upstream=pending:)"
				(meta_patch "$key" "$slug" author) >/dev/null 2>&1 ||
					err+=$'\n'"  $slug: a stand-in names the queued patch's author (author=)"
			elif [[ $up == pending:* ]]; then
				err+=$'\n'"  $slug: a stand-in (upstream=pending:) is never posted; posting='$v' must be -"
			else
				(meta_posting "$v" order) >/dev/null 2>&1 ||
					err+=$'\n'"  $slug: posting='$v' has no posting record"
			fi
		fi
	done < <(series_patches "$1")
	all=$(series_patches "$1")
	while read -r slug; do
		grep -qF -- "-$slug" <<<"$all" ||
			err+=$'\n'"  $slug: recorded but not in ${1#"$TOP"/}"
	done < <(awk -v s="$key" '$1 == "patch" && $2 == s { print $3 }' "$META")
	[ -z "$err" ] || die "$META does not match ${1#"$TOP"/}:$err"
}

# meta_list TYPE NAME FIELD: a comma-list field as lines ("-" is empty).
meta_list() {
	local v
	v=$( (meta_field "$1" "$2" "$3") 2>/dev/null) || v=-
	[ "$v" = - ] || tr ',' '\n' <<<"$v"
}

# posting_prereqs POSTING: the Message-IDs of the queued upstream patches
# a posting builds on, its own (prereq=) and those of the postings it
# needs, once each.
posting_prereqs() {
	local n
	{
		meta_list posting "$1" prereq
		for n in $(meta_list posting "$1" needs); do
			meta_list posting "$n" prereq
		done
	} | awk '!seen[$0]++'
}

# posting_stack POSTING: the patches of the mainline series that go under
# a posting, in series order: the stand-ins of its prerequisites
# (posting_prereqs) and the patches of the postings it needs.
posting_stack() {
	local p slug v want ids
	want=" $(meta_list posting "$1" needs | tr '\n' ' ') "
	ids=" $(posting_prereqs "$1" | tr '\n' ' ') "
	series_patches "$TOP/series" | while read -r p; do
		slug=$(patch_slug "$p")
		v=$(meta_patch mainline "$slug" posting)
		if [ "$v" = - ]; then
			v=$(meta_patch mainline "$slug" upstream)
			[[ $ids == *" ${v#pending:} "* ]] && echo "$p"
		elif [[ $want == *" $v "* ]]; then
			echo "$p"
		fi
	done
}

# standins [SERIES_FILE]: the stand-in patches (upstream=pending:) of a
# series, default the mainline one.
standins() {
	local s=${1:-$TOP/series} key p
	key=$(meta_series "$s")
	series_patches "$s" | while read -r p; do
		[[ $(meta_patch "$key" "$(patch_slug "$p")" upstream) == pending:* ]] && echo "$p"
	done
	return 0
}

# postings_check_order: the posted patches of the mainline series are
# the postings' patches in the postings' order, and every prerequisite of
# a posting is a stand-in of the series placed before the posting's
# patches. Prints what is wrong and fails.
postings_check_order() {
	local p f id list posted first pos at err=''
	list=$(for p in $(meta_postings); do series_select "$TOP/series" posting "$p"; done)
	posted=$(series_patches "$TOP/series" | while read -r f; do
		[ "$(meta_patch mainline "$(patch_slug "$f")" posting)" = - ] || echo "$f"
	done)
	[ "$list" = "$posted" ] ||
		err+=$'\n'"  the series file does not list the postings' patches in the postings' order"
	for p in $(meta_postings); do
		first=$(series_select "$TOP/series" posting "$p" | head -n 1)
		at=$(series_patches "$TOP/series" | grep -nxF "$first" | cut -d: -f1)
		for id in $(meta_list posting "$p" prereq); do
			pos=$(series_patches "$TOP/series" | grep -nxF -f <(standins "$TOP/series" | while read -r f; do
				[ "$(meta_patch mainline "$(patch_slug "$f")" upstream)" = "pending:$id" ] && echo "$f"
			done) | head -n 1 | cut -d: -f1)
			if [ -z "$pos" ]; then
				err+=$'\n'"  posting $p: prerequisite <$id> has no stand-in (upstream=pending:$id) in the series"
			elif [ "$pos" -gt "$at" ]; then
				err+=$'\n'"  posting $p: the stand-in for <$id> comes after the posting's first patch"
			fi
		done
	done
	[ -z "$err" ] || { echo "patches.meta and the series disagree:$err" >&2; return 1; }
}

# postings_check TREE: postings_check_order, and each posting applies to
# the base of TREE on top of posting_stack alone (git apply on a scratch
# index, so nothing in TREE changes).
postings_check() {
	local tree=$1 p f idx err=''
	postings_check_order || exit 1
	idx=$(mktemp)
	for p in $(meta_postings); do
		GIT_INDEX_FILE=$idx git -C "$tree" read-tree base
		while read -r f; do
			GIT_INDEX_FILE=$idx git -C "$tree" apply --cached "$f" 2>/dev/null ||
				err+=$'\n'"  posting $p: $(basename "$f") does not apply on the base with only the patches it builds on"
		done < <(posting_stack "$p"; series_select "$TOP/series" posting "$p")
	done
	rm -f "$idx"
	[ -z "$err" ] || die "postings do not apply on their own:$err"
}

# apply_tests_only TREE SERIES: the "0+tests" step. Apply only the series'
# test patches (kind=test in patches.meta) onto a fresh branch
# "tests-only" of TREE; prints the commits like apply.sh.
apply_tests_only() {
	local list rc=0
	list=$(mktemp)
	series_select "$2" kind test | sed 's|.*/||' >"$list"
	FORCE_BRANCH=1 PATCH_DIR="$(dirname "$2")/patches" \
		apply_series "$1" "$list" tests-only base || rc=$?
	rm -f "$list"
	return "$rc"
}

# The marker lines around the generated blocks of postings/*.txt and
# stable/X.Y/cover-letter.txt (scripts/cover-letter.sh fills them):
# "marker generated NAME" and "marker end NAME" print them, MARKER_START
# and MARKER_END are their extended regexes. Nothing that starts like a
# marker line may reach a mail.
MARKER_FMT='==== %s: %s ===='
# shellcheck disable=SC2059 # the format is MARKER_FMT
marker() { printf "$MARKER_FMT\n" "$1" "$2"; }
MARKER_START="^$(marker generated '[a-z]+')\$"
MARKER_END="^$(marker end '[a-z]+')\$"
# unmarked [FILE]: FILE (or stdin) without its marker lines.
unmarked() { grep -Ev "$MARKER_START|$MARKER_END" "$@" || true; }
# marked_block FILE NAME: the lines of block NAME, markers excluded.
marked_block() {
	awk -v s="$(marker generated "$2")" -v e="$(marker end "$2")" '$0 == e { f = 0 } f { print }
		$0 == s { f = 1 }' "$1"
}
# has_marker FILE...: true if a marker line (or anything like one) is left.
has_marker() { grep -q "^${MARKER_FMT%%%s*}" "$@"; }
