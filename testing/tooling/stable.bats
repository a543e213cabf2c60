#!/usr/bin/env bats
# Tooling tests: scripts/stable-headers.sh --check (part of make lint) on
# the stable queues. It passes on each queue as committed and fails,
# naming the problem and nothing else, on a message with a repeated
# paragraph, backports out of the order of the request (patches.meta
# commits=), a patch without References: and a backport after a patch
# that is not upstream. Always on a copy of the repository.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

# stable_copy DIR: what stable-headers.sh reads (scripts, configs/bases,
# patches.meta, the series and their patches), copied to DIR.
stable_copy() {
	rm -rf "$1"
	mkdir -p "$1"
	cp -r "$TOP/scripts" "$TOP/configs" "$TOP/patches" "$TOP/stable" \
		"$TOP/patches.meta" "$TOP/series" "$1/"
}

# queues DIR: the stable queues of the copy (X.Y of stable/X.Y/series).
queues() {
	find "$1/stable" -mindepth 2 -maxdepth 2 -name series -printf '%h\n' | sed 's|.*/||' | sort
}

# queue_patches DIR X.Y backport|other: the file names of the queue's
# patches, in series order, that are upstream backports (patches.meta
# upstream=mainline:) or that are not.
queue_patches() {
	META=$1/patches.meta bash -c '. "$1/scripts/lib.sh"
		series_patches "$1/stable/$2/series" | while read -r p; do
			up=$(meta_patch "$2" "$(patch_slug "$p")" upstream)
			case "$3:$up" in
			backport:mainline:* | other:new | other:pending:*) basename "$p" ;;
			esac
		done' _ "$1" "$2" "$3"
}

# series_move DIR X.Y NAME AFTER: move line NAME of the queue's series
# file to just after line AFTER.
series_move() {
	local s=$1/stable/$2/series
	awk -v n="$3" -v a="$4" '$0 == n { next } { print } $0 == a { print n }' "$s" >"$s.new" &&
		mv "$s.new" "$s"
}

# check_fails DIR X.Y ERROR...: stable-headers.sh --check of the copy
# fails on the queue, changes none of its files, and the errors it prints
# are exactly the lines ERROR... (fixed strings, in any order).
check_fails() {
	local d=$1 q=$2 rc=0 before
	shift 2
	before=$(cd "$d" && find stable -type f -exec sha1sum {} + | sort)
	(cd "$d" && scripts/stable-headers.sh --check "stable/$q") >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" = 0 ]; then
		echo "stable/$q: --check passed"
		return 1
	fi
	[ "$(cd "$d" && find stable -type f -exec sha1sum {} + | sort)" = "$before" ] ||
		{ echo "stable/$q: --check changed files"; return 1; }
	if [ "$(grep '^error: ' "$tmp/err" | sort -u)" != "$(printf '%s\n' "$@" | sort -u)" ]; then
		echo "stable/$q: expected only:"
		printf '  %s\n' "$@"
		echo "got:"
		cat "$tmp/err"
		return 1
	fi
}

# for_queues DIR FN: for each stable queue a fresh copy of the project in
# DIR (stable_copy), then FN DIR QUEUE; fails with the first FN that fails.
for_queues() {
	local q
	for q in $(queues "$TOP"); do
		stable_copy "$1"
		"$2" "$1" "$q" || return 1
	done
}

@test "stable headers check passes on every queue" {
	local d=$tmp/pass q n=0
	stable_copy "$d"
	for q in $(queues "$d"); do
		n=$((n + 1))
		(cd "$d" && scripts/stable-headers.sh --check "stable/$q") >"$tmp/out" 2>"$tmp/err" ||
			{ echo "stable/$q:"; cat "$tmp/err"; return 1; }
		[ ! -s "$tmp/err" ] || { cat "$tmp/err"; return 1; }
	done
	[ "$n" -ge 2 ]
}

# The export bug this catches: a header run applied again on an exported
# patch repeats its bracketed backport note.
@test "stable headers check names a repeated paragraph" {
	local d=$tmp/para q p para
	for q in $(queues "$TOP"); do
		stable_copy "$d"
		p=$(queue_patches "$d" "$q" backport | sed -n 2p)
		[ -n "$p" ] || return 1
		para=$(python3 - "$d/stable/$q/patches/$p" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
msg = text.split("\ndiff --git", 1)[0]
head, _, body = msg.partition("\n\n")
paras = body.split("\n\n")
note = next(p for p in paras if p.startswith("[ "))
text = text.replace(note + "\n\n", (note + "\n\n") * 3, 1)
open(path, "w").write(text)
print(note.split("\n")[0])
PY
		) || return 1
		# (this message names the patch by its full path)
		check_fails "$d" "$q" \
			"error: $(realpath "$d")/stable/$q/patches/$p: paragraph repeated: ${para:0:60}" || return 1
	done
}

# Stable applies the commits of a request in the order given, oldest
# first (patches.meta commits=); the queue's backports follow that order.
@test "stable headers check names backports out of request order" {
	local d=$tmp/order q a b c
	for q in $(queues "$TOP"); do
		stable_copy "$d"
		a=$(queue_patches "$d" "$q" backport | sed -n 1p)
		b=$(queue_patches "$d" "$q" backport | sed -n 2p)
		[ -n "$a" ] && [ -n "$b" ] || return 1
		series_move "$d" "$q" "$a" "$b"
		[ "$(queue_patches "$d" "$q" backport | head -n 2 | paste -sd' ')" = "$b $a" ] || return 1
		check_fails "$d" "$q" "error: stable/$q: the backports are not in the order of the request (patches.meta commits=, oldest first)" ||
			return 1
		# The queue as it is, but the request in the push notice's
		# order (newest first), as it once was.
		stable_copy "$d"
		c=$(awk -v q="$q" '$1 == "queue" && $2 == q { for (i = 3; i <= NF; i++) if ($i ~ /^commits=/) print substr($i, 9) }' "$d/patches.meta")
		[ -n "$c" ] || return 1
		c=$(tr ',' '\n' <<<"$c" | tac | paste -sd, -)
		sed -i "/^queue $q /s/commits=[^ ]*/commits=$c/" "$d/patches.meta"
		check_fails "$d" "$q" "error: stable/$q: the backports are not in the order of the request (patches.meta commits=, oldest first)" ||
			return 1
	done
}

# Every patch of a queue names the upstream thread or notice. Dropping
# the header also makes it differ from patches.meta; with the record's
# link= gone as well, the missing References: alone fails the check.
drop_references() { # drop_references DIR QUEUE
	local d=$1 q=$2 p slug
	p=$(queue_patches "$d" "$q" backport | sed -n '$p')
	[ -n "$p" ] && grep -q '^References: ' "$d/stable/$q/patches/$p" || return 1
	sed -i '/^References: /d' "$d/stable/$q/patches/$p"
	check_fails "$d" "$q" \
		"error: stable/$q/patches/$p: no References: header" \
		"error: stable/$q/patches/$p: headers differ from patches.meta (run scripts/stable-headers.sh stable/$q)" ||
		return 1
	slug=${p#[0-9][0-9][0-9][0-9]-}
	sed -i "/^patch $q ${slug//./\\.} /s/ link=[^ ]*/ link=-/" "$d/patches.meta"
	awk -v q="$q" -v s="$slug" '$1 == "patch" && $2 == q && $3 == s' "$d/patches.meta" |
		grep -q ' link=-\( \|$\)' || return 1
	check_fails "$d" "$q" "error: stable/$q/patches/$p: no References: header" || return 1
}

@test "stable headers check names a missing References header" {
	for_queues "$tmp/refs" drop_references
}

# Upstream backports first; the project's own patches (stand-in, test)
# follow under "# not upstream".
backport_late() { # backport_late DIR QUEUE
	local d=$1 q=$2 last other
	last=$(queue_patches "$d" "$q" backport | sed -n '$p')
	other=$(queue_patches "$d" "$q" other | sed -n 1p)
	[ -n "$last" ] && [ -n "$other" ] || return 1
	series_move "$d" "$q" "$last" "$other"
	grep -A1 -xF "$other" "$d/stable/$q/series" | grep -qxF "$last" || return 1
	check_fails "$d" "$q" "error: stable/$q: an upstream backport comes after a patch that is not upstream" \
		"error: stable/$q: the \"# not upstream\" line of the series file must come right after the backports" ||
		return 1
}

@test "stable headers check names a backport after a patch not upstream" {
	for_queues "$tmp/late" backport_late
}

comment_early() { # comment_early DIR QUEUE
	local d=$1 q=$2 last
	last=$(queue_patches "$d" "$q" backport | sed -n '$p')
	# The comment moves up above the last backport; the order of the
	# patches stays as it is.
	awk -v l="$last" '$0 == "# not upstream" { next } $0 == l { print "# not upstream" } { print }' \
		"$d/stable/$q/series" >"$d/s" && mv "$d/s" "$d/stable/$q/series"
	check_fails "$d" "$q" "error: stable/$q: the \"# not upstream\" line of the series file must come right after the backports" ||
		return 1
}

@test "stable headers check names a misplaced \"# not upstream\" line" {
	for_queues "$tmp/comment" comment_early
}

drop_commit_line() { # drop_commit_line DIR QUEUE
	local d=$1 q=$2 p sha
	p=$(queue_patches "$d" "$q" backport | sed -n 1p)
	sha=$(sed -n 's/^commit \([0-9a-f]\{40\}\) upstream\.$/\1/p' "$d/stable/$q/patches/$p")
	[ -n "$sha" ] || { echo "$p has no commit line to remove"; return 1; }
	sed -i "/^commit $sha upstream\.\$/d" "$d/stable/$q/patches/$p"
	check_fails "$d" "$q" "error: stable/$q/patches/$p: the message does not start with \"commit $sha upstream.\"" ||
		return 1
}

@test "stable headers check names a backport without its \"commit <sha> upstream.\" line" {
	for_queues "$tmp/commitline" drop_commit_line
}
