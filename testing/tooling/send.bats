#!/usr/bin/env bats
# Tooling tests: patches.meta, make send and the stable request: what may
# and may not be mailed.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

# patches.meta must describe every patch: a series patch without a record,
# a record without a patch and a bad value are each named.
@test "meta check names gaps" {
	local p=$tmp/meta
	rm -rf "$p"
	mkdir -p "$p"
	mk_series "$tmp/gen" "$p" >/dev/null
	local a b
	a=$(sed -n 1p "$p/series") b=$(sed -n 2p "$p/series")
	a=${a#[0-9][0-9][0-9][0-9]-} b=${b#[0-9][0-9][0-9][0-9]-}
	printf 'posting x order=1 needs=- text=t\npatch mainline %s posting=x kind=fix upstream=new\npatch mainline %s posting=x kind=test upstream=new\n' \
		"$a" "$b" >"$p/meta"
	META=$p/meta bash -c '. "$1/lib.sh"; meta_check "$2"' _ "$S" "$p/series" 2>"$tmp/err" || return 1
	printf 'posting x order=1 needs=- text=t\npatch mainline %s posting=x kind=fix upstream=maybe\npatch mainline gone.patch posting=y kind=fix upstream=new\n' \
		"$a" >"$p/meta"
	! META=$p/meta bash -c '. "$1/lib.sh"; meta_check "$2"' _ "$S" "$p/series" 2>"$tmp/err" &&
		grep -q "$a: upstream='maybe'" "$tmp/err" && grep -q "$b: kind=''" "$tmp/err" &&
		grep -q 'gone.patch: recorded but not in' "$tmp/err"
}

# A real send refuses an identity that is not a person's before it does
# anything else; the check itself accepts a person's address.
@test "send refuses non person identity" {
	local p=$tmp/sendp id hint
	rm -rf "$p"
	mkdir -p "$p"
	cp -r "$S" "$p/scripts"
	mkdir -p "$p/configs"
	cp "$S/../configs/bases" "$p/configs/"
	cp "$S/../patches.meta" "$S/../series" "$p/"
	cp -r "$S/../patches" "$p/patches"
	git init -q "$p"
	for id in 'Seed maintainers|maintainers@users.noreply.h-seed.example' 'Build Bot|bot@ci.invalid' '|'; do
		git -C "$p" config user.name "${id%%|*}"
		git -C "$p" config user.email "${id#*|}"
		[ -n "${id%%|*}" ] || git -C "$p" config --unset user.name
		[ -n "${id#*|}" ] || git -C "$p" config --unset user.email
		if SEND=1 CACHE=$tmp/sendc "$p/scripts/send.sh" >"$tmp/out" 2>"$tmp/err"; then
			echo "sent as '$id'"
			return 1
		fi
		grep -q "refusing to send as .*git config user.email" "$tmp/err" || return 1
		[ ! -e "$tmp/sendc" ] || { echo "send touched the cache for '$id'"; return 1; }
	done
	# The hint's example address is one the check accepts.
	hint=$(sed -n 's/.*git config user.email \([^ ]*\).*/\1/p' "$tmp/err")
	bash -c '. "$1/lib.sh"; person_identity "Your Name" "$2"' _ "$S" "$hint" ||
		{ echo "the hint suggests '$hint', which the check rejects"; return 1; }
	bash -c '. "$1/lib.sh"; person_identity "Ada Lovelace" ada@kernel-test.org &&
		! person_identity "Ada" ada@example.com && ! person_identity "" ada@kernel-test.org' _ "$S"
}

# make send BASE=X.Y asks stable only for mainline commits: naming a
# patch that is not in mainline is refused before anything is written.
@test "stable request refuses non mainline" {
	local p=$tmp/streq
	rm -rf "$p"
	mkdir -p "$p/stable"
	cp -r "$S" "$p/scripts"
	cp -r "$S/../configs" "$p/configs"
	cp "$S/../patches.meta" "$S/../series" "$p/"
	cp -r "$S/../patches" "$p/patches"
	cp -r "$S/../stable/7.2" "$p/stable/7.2"
	local drain
	drain=$(sed -n 's/^[0-9]*-\(mm-vmalloc-use-dedicated-unbound-.*\)$/\1/p' "$p/stable/7.2/series")
	[ -n "$drain" ] || return 1
	! PATCHES=$drain BASE=7.2 CACHE=$tmp/streqc "$p/scripts/send.sh" >"$tmp/out" 2>"$tmp/err" &&
		grep -q "refusing to ask stable for $drain: it is not in mainline (upstream=pending:" "$tmp/err" &&
		[ ! -e "$tmp/streqc/send" ] || return 1
	! PATCHES=no-such.patch BASE=7.2 CACHE=$tmp/streqc "$p/scripts/send.sh" >"$tmp/out" 2>"$tmp/err" &&
		grep -q "'no-such.patch' is not a patch of stable/7.2" "$tmp/err"
}
