#!/usr/bin/env bash
# fetch-sparse.sh TREE: print a sparse command that TREE's
# scripts/checker-valid.sh accepts. Debian 12's sparse 0.6.4 is too old for
# 7.x kernels (no __typeof_unqual__), so when the installed one is rejected,
# sid's sparse and the sid glibc it needs are downloaded with the private
# apt configuration into $CACHE/tools/sparse and run through that glibc's
# own dynamic loader (the host's libraries stay untouched).
# Exits 1 (with a message on stderr) if no usable sparse can be found.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: fetch-sparse.sh TREE}
# Trees older than scripts/checker-valid.sh (6.12) take any sparse.
valid() {
	if [ -x "$tree/scripts/checker-valid.sh" ]; then
		[ "$("$tree/scripts/checker-valid.sh" "$1" -m64 2>/dev/null)" = 1 ]
	else
		"$1" --version >/dev/null 2>&1
	fi
}

if command -v sparse >/dev/null 2>&1 && valid sparse; then
	command -v sparse
	exit 0
fi

d=$CACHE/tools/sparse
w=$d/sparse
if [ ! -x "$w" ]; then
	rm -rf "$d.tmp"
	mkdir -p "$d.tmp/debs"
	apt_private -qq update >&2 || die "apt-get update failed (network?)"
	(cd "$d.tmp/debs" && apt_private -qq download sparse/sid libc6/sid >&2) ||
		die "could not download sparse and libc6 from sid"
	for deb in "$d.tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$d.tmp/root"
	done
	cat >"$d.tmp/sparse" <<'WRAP'
#!/bin/sh
r=$(dirname "$0")/root
exec "$r/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
	--library-path "$r/usr/lib/x86_64-linux-gnu" "$r/usr/bin/sparse" "$@"
WRAP
	chmod +x "$d.tmp/sparse"
	rm -rf "$d"
	mv "$d.tmp" "$d"
fi
valid "$w" || die "no sparse that $tree accepts (tried $(command -v sparse || echo none) and $w)"
echo "$w"
