#!/usr/bin/env bats
# Tooling tests: fetching a Debian base into a git tree (scripts/bases.sh
# fetch_base), with a fake apt.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

@test "unknown base" {
	local out
	! out=$(BASE=9.9 CACHE=$tmp/c "$S/run.sh" 2>&1) || return 1
	grep -q "unknown BASE '9.9'" <<<"$out" || return 1
	# fetch-base.sh with another list of bases names the known ones and
	# touches nothing.
	mk_fake_base || return 1
	! out=$(PATH=$tmp/fakebase/bin:$PATH BASES_FILE=$tmp/fakebase/bases CACHE=$tmp/c \
		"$S/fetch-base.sh" 7.3 2>&1) &&
		[ "$out" = "error: unknown BASE '7.3'; known: 0.1 " ] && [ ! -e "$tmp/c" ]
}

@test "fetch reuses cache" {
	[ -f "$TOP/.cache/trees/7.3.version" ] || skip "base 7.3 not fetched yet"
	local s e
	s=$(date +%s)
	CACHE=$TOP/.cache "$S/fetch-base.sh" 7.3 2>"$tmp/err"
	e=$(date +%s)
	grep -q reusing "$tmp/err" && [ $((e - s)) -lt 10 ]
}

@test "fetch fake base" {
	mk_fake_base || return 1
	local c=$tmp/fb/cache
	fetch_fake "$c" 2>"$tmp/err" || return 1
	fake_tree_ok "$c" && [ "$(downloads "$c")" = 1 ] &&
		cmp -s "$(fake_deb "$c")" "$tmp/fakebase/good.deb" || return 1
	# A complete tree is reused without asking apt anything.
	cp "$c.apt-log" "$tmp/fb/log-before"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q "base 0.1: reusing $c/trees/0.1 ($FB_PKG $FB_VER)" "$tmp/err" &&
		cmp -s "$c.apt-log" "$tmp/fb/log-before" && fake_tree_ok "$c"
}

@test "fetch interrupted download recovers" {
	mk_fake_base || return 1
	local c=$tmp/fi/cache
	! fetch_fake "$c" FAKE_APT_FAIL=1 2>"$tmp/err" || return 1
	grep -q "error: download of $FB_PKG=$FB_VER failed" "$tmp/err" &&
		[ ! -e "$c/trees/0.1" ] && [ ! -e "$c/trees/0.1.version" ] || return 1
	# apt left a partial .deb behind (its control part is intact).
	[ -s "$(fake_deb "$c")" ] && ! cmp -s "$(fake_deb "$c")" "$tmp/fakebase/good.deb" || return 1
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q "downloading $FB_PKG $FB_VER" "$tmp/err" && [ "$(downloads "$c")" = 2 ] &&
		cmp -s "$(fake_deb "$c")" "$tmp/fakebase/good.deb" && fake_tree_ok "$c"
}

@test "fetch corrupt deb redownloaded" {
	mk_fake_base || return 1
	local c kind size deb
	size=$(wc -c <"$tmp/fakebase/good.deb")
	for kind in empty truncated flipped garbage; do
		c=$tmp/fc-$kind/cache
		deb=$(fake_deb "$c")
		mkdir -p "$c/debs"
		case $kind in
		empty) : >"$deb" ;;
		truncated) head -c $((size * 2 / 3)) "$tmp/fakebase/good.deb" >"$deb" ;;
		flipped) cp "$tmp/fakebase/good.deb" "$deb"
			printf 'XXXXXXXXXXXXXXXX' | dd of="$deb" bs=1 seek=$((size - 4096)) conv=notrunc status=none ;;
		garbage) echo '<html>503 Service Unavailable</html>' >"$deb" ;;
		esac
		cmp -s "$deb" "$tmp/fakebase/good.deb" && return 1
		fetch_fake "$c" 2>"$tmp/err" || { echo "$kind: fetch failed"; return 1; }
		if ! grep -q "downloading $FB_PKG $FB_VER" "$tmp/err" || [ "$(downloads "$c")" != 1 ] ||
			! cmp -s "$deb" "$tmp/fakebase/good.deb" || ! fake_tree_ok "$c"; then
			echo "$kind: not recovered"
			return 1
		fi
	done
}

@test "fetch leftover tmp discarded" {
	local c=$tmp/ft/cache
	cached_deb "$c" || return 1
	# An import interrupted after "git tag base": scratch tree with junk.
	mk_tree "$c/trees/0.1.tmp/src"
	echo junk >"$c/trees/0.1.tmp/src/half-extracted"
	git -C "$c/trees/0.1.tmp/src" tag base
	mkdir -p "$c/trees/0.1.tmp/usr/src"
	echo partial >"$c/trees/0.1.tmp/usr/src/$FB_PKG.tar.xz"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && [ "$(downloads "$c")" = 0 ] &&
		fake_tree_ok "$c"
}

@test "fetch untagged tree rebuilt" {
	local c=$tmp/fu/cache
	cached_deb "$c" || return 1
	# A git tree without the base tag, recorded as an older version.
	mk_tree "$c/trees/0.1"
	echo 0.1.0-1 >"$c/trees/0.1.version"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && fake_tree_ok "$c" || return 1
	# A tree with no git of its own (half copied, or extracted in place)
	# must not pass for complete through an enclosing repository's "base"
	# tag, as with the default CACHE inside the project's checkout.
	c=$tmp/fu/proj/.cache
	mk_tree "$tmp/fu/proj"
	git -C "$tmp/fu/proj" tag base
	cached_deb "$c" && mkdir -p "$c/trees/0.1/mm" || return 1
	echo 'line 1' >"$c/trees/0.1/mm/vmalloc.c"
	echo "$FB_VER" >"$c/trees/0.1.version"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && fake_tree_ok "$c"
}

@test "fetch killed before version recorded" {
	local c=$tmp/fk/cache km=$tmp/killmv
	cached_deb "$c" && mkdir -p "$km" || return 1
	# A tree being rebuilt (no base tag) that has an older version recorded.
	mk_tree "$c/trees/0.1"
	echo 0.1.0-1 >"$c/trees/0.1.version"
	# The job is killed right after the new tree is moved in place, before
	# its version is written: the old version must not then pass for it.
	cat >"$km/mv" <<'EOS'
#!/bin/sh
/usr/bin/mv "$@" || exit
case $2 in */trees/0.1) kill -9 "$PPID" ;; esac
EOS
	chmod +x "$km/mv"
	! fetch_fake "$c" PATH="$km:$tmp/fakebase/bin:$PATH" 2>"$tmp/err" &&
		git -C "$c/trees/0.1" rev-parse -q --verify refs/tags/base >/dev/null || return 1
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && fake_tree_ok "$c"
}

@test "fetch tree without version rebuilt" {
	mk_fake_base || return 1
	local c=$tmp/fv/cache
	fetch_fake "$c" 2>"$tmp/err" && fake_tree_ok "$c" || return 1
	# Interrupted between moving the tree in place and recording its
	# version: the tree (here with a stray file) must not be reused.
	rm "$c/trees/0.1.version"
	echo stray >"$c/trees/0.1/stray"
	fetch_fake "$c" 2>"$tmp/err" || return 1
	grep -q 'base 0.1: extracting' "$tmp/err" && ! grep -q reusing "$tmp/err" &&
		[ "$(downloads "$c")" = 1 ] && fake_tree_ok "$c" || return 1
	fetch_fake "$c" 2>"$tmp/err" && grep -q 'base 0.1: reusing' "$tmp/err"
}
