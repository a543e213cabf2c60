#!/usr/bin/env bats
# Tooling tests: applying a series (apply_series, make apply KDIR=, quilt):
# bad input is refused and the tree is left as it was.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

@test "apply clean tree" {
	mk_series "$tmp" "$tmp/s"
	mk_tree "$tmp/k"
	local out
	out=$("$S/apply.sh" "$tmp/k" "$tmp/s/series" vmalloc-series)
	[ "$(wc -l <<<"$out")" = 3 ] &&
		[ "$(git -C "$tmp/k" rev-list --count main..vmalloc-series)" = 2 ] &&
		grep -q 'line seven' "$tmp/k/mm/vmalloc.c"
}

@test "apply existing branch refused" {
	! "$S/apply.sh" "$tmp/k" "$tmp/s/series" vmalloc-series 2>"$tmp/err" &&
		grep -q "already exists" "$tmp/err"
}

@test "dirty kdir refused" {
	mk_tree "$tmp/d"
	echo dirty >>"$tmp/d/mm/vmalloc.c"
	local before
	before=$(sha1sum <"$tmp/d/mm/vmalloc.c")
	! make -s -C "$TOP" apply KDIR="$tmp/d" SERIES="$tmp/s/series" 2>"$tmp/err" >/dev/null &&
		grep -q "uncommitted changes" "$tmp/err" &&
		[ "$(sha1sum <"$tmp/d/mm/vmalloc.c")" = "$before" ] &&
		[ "$(git -C "$tmp/d" branch --show-current)" = main ] &&
		! git -C "$tmp/d" rev-parse -q --verify refs/heads/vmalloc-series >/dev/null
}

@test "patch not applying" {
	mk_tree "$tmp/n"
	sed -i 's/line 7/other 7/' "$tmp/n/mm/vmalloc.c"
	git -C "$tmp/n" commit -qam diverged
	local head
	head=$(git -C "$tmp/n" rev-parse HEAD)
	! "$S/apply.sh" "$tmp/n" "$tmp/s/series" vmalloc-series 2>"$tmp/err" &&
		[ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -q "patch 0002-mm-second.patch does not apply" "$tmp/err" &&
		[ "$(git -C "$tmp/n" rev-parse HEAD)" = "$head" ] &&
		[ "$(git -C "$tmp/n" branch --show-current)" = main ] &&
		[ ! -d "$tmp/n/.git/rebase-apply" ] &&
		[ -z "$(git -C "$tmp/n" status --porcelain)" ] &&
		! git -C "$tmp/n" rev-parse -q --verify refs/heads/vmalloc-series >/dev/null
}

@test "missing series file" {
	mk_tree "$tmp/m"
	printf '0001-nope.patch\n' >"$tmp/bad-series"
	! "$S/apply.sh" "$tmp/m" "$tmp/bad-series" b 2>"$tmp/err" &&
		grep -q "does not exist" "$tmp/err"
}

@test "empty series" {
	mk_tree "$tmp/e"
	: >"$tmp/empty-series"
	[ "$("$S/apply.sh" "$tmp/e" "$tmp/empty-series" b | wc -l)" = 1 ]
}

@test "quilt push" {
	mk_tree "$tmp/q"
	rm -rf "$tmp/q/.git"
	(cd "$tmp/q" && QUILT_PATCHES=$tmp/s/patches QUILT_SERIES=$tmp/s/series quilt push -a -q >/dev/null) &&
		grep -q 'line two' "$tmp/q/mm/vmalloc.c" && grep -q 'line seven' "$tmp/q/mm/vmalloc.c"
}

@test "apply trailing whitespace" {
	local d=$tmp/ws out
	mk_one_patch "$d" "mm: trailing whitespace" 's/^line 2$/line two  /; s/^line 5$/line five\t/' || return 1
	grep -q '^+line two  $' "$d/patches/0001-mm-trailing-whitespace.patch" || return 1
	mk_tree "$d/k"
	# git am's default (apply.whitespace=warn) takes the patch as it is and
	# warns; apply.sh passes the warning on, naming the patch.
	out=$(git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series 2>"$tmp/err") || return 1
	[ "$(wc -l <<<"$out")" = 2 ] &&
		[ "$(tail -n 1 <<<"$out")" = "$(git -C "$d/k" rev-parse vmalloc-series)" ] &&
		[ "$(git -C "$d/k" rev-parse 'vmalloc-series^{tree}')" = "$(git -C "$d/gen" rev-parse 'HEAD^{tree}')" ] &&
		[ "$(git -C "$d/k" log -1 --format=%s vmalloc-series)" = "mm: trailing whitespace" ] &&
		grep -q $'^line two  $' "$d/k/mm/vmalloc.c" && grep -q $'^line five\t$' "$d/k/mm/vmalloc.c" &&
		grep -q '0001-mm-trailing-whitespace.patch' "$tmp/err" &&
		grep -q 'trailing whitespace' "$tmp/err" &&
		grep -q '2 lines add whitespace errors' "$tmp/err" &&
		[ -z "$(git -C "$d/k" status --porcelain)" ] && [ ! -e "$d/k/.git/rebase-apply" ]
}

@test "apply whitespace error config" {
	# A tree configured the way many kernel developers do it
	# (apply.whitespace=error): git am refuses the same patch.
	local d=$tmp/wse head
	mk_one_patch "$d" "mm: trailing whitespace" 's/^line 2$/line two  /' || return 1
	mk_tree "$d/k"
	git -C "$d/k" config apply.whitespace error
	head=$(git -C "$d/k" rev-parse HEAD)
	! git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series >/dev/null 2>"$tmp/err" &&
		grep -qx "error: patch 0001-mm-trailing-whitespace.patch does not apply to $(git -C "$d/k" log -1 --format=%h): error: 1 line adds whitespace errors." "$tmp/err" &&
		tree_untouched "$d/k" "$head"
}

@test "apply crlf patch" {
	# A patch saved with CRLF line endings (mail client, editor): git am
	# (am.keepcr=false) drops the CRs and applies it as if it had none.
	local d=$tmp/crlf out p
	mk_one_patch "$d" "mm: crlf" 's/^line 2$/line two/' || return 1
	p=$d/patches/0001-mm-crlf.patch
	sed -i 's/$/\r/' "$p"
	[ "$(grep -c $'\r$' "$p")" = "$(wc -l <"$p")" ] || return 1
	mk_tree "$d/k"
	out=$(git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series 2>"$tmp/err") || return 1
	[ "$(wc -l <<<"$out")" = 2 ] && [ ! -s "$tmp/err" ] &&
		[ "$(git -C "$d/k" rev-parse 'vmalloc-series^{tree}')" = "$(git -C "$d/gen" rev-parse 'HEAD^{tree}')" ] &&
		! grep -q $'\r' "$d/k/mm/vmalloc.c" &&
		[ "$(git -C "$d/k" log -1 --format='%an <%ae>%n%B' vmalloc-series)" = "$(git -C "$d/gen" log -1 --format='%an <%ae>%n%B')" ] &&
		[ -z "$(git -C "$d/k" status --porcelain)" ]
}

@test "apply crlf content rejected" {
	# The other side of dropping the CRs: a patch to a file that really has
	# CRLF lines no longer matches it. git am's own error, tree as it was.
	local d=$tmp/crlfc head
	rm -rf "$d"
	mk_tree "$d/gen"
	printf 'a\r\nb\r\nc\r\n' >"$d/gen/dos.txt"
	git -C "$d/gen" add dos.txt
	git -C "$d/gen" commit -qm "dos file"
	cp -a "$d/gen" "$d/k"
	printf 'a\r\nB\r\nc\r\n' >"$d/gen/dos.txt"
	git -C "$d/gen" commit -qam "dos: change b"
	git -C "$d/gen" format-patch -q -o "$d/patches" HEAD~1 || return 1
	(cd "$d/patches" && ls) >"$d/series"
	head=$(git -C "$d/k" rev-parse HEAD)
	! git_defaults "$S/apply.sh" "$d/k" "$d/series" vmalloc-series >/dev/null 2>"$tmp/err" &&
		grep -qx "error: patch 0001-dos-change-b.patch does not apply to $(git -C "$d/k" log -1 --format=%h): error: patch failed: dos.txt:1" "$tmp/err" &&
		tree_untouched "$d/k" "$head"
}
