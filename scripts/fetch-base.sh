#!/usr/bin/env bash
# Fetch linux-source-X.Y from Debian with a private apt configuration and
# turn it into a git tree (tag "base") under $CACHE/trees/X.Y.
# Idempotent: a tree that is already complete is reused as is.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${1:?usage: fetch-base.sh BASE}
pkg=$(base_field "$BASE" 2)
pin=$(base_field "$BASE" 3)
tree=$(tree_dir "$BASE")

# The tree must have its own git: "git -C" would also find the tag of an
# enclosing repository (the default CACHE is inside the project checkout).
if [ -f "$tree.version" ] && [ -d "$tree/.git" ] &&
	git -C "$tree" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	log "base $BASE: reusing $tree ($pkg $(cat "$tree.version"))"
	exit 0
fi

need_tool apt-get apt
need_tool dpkg-deb dpkg
need_tool xz xz-utils
need_tool git git

log "base $BASE: updating private apt lists"
apt_private -qq update >&2 || die "apt-get update failed (network?)"

avail=$(APT_CMD=apt-cache apt_private madison "$pkg" | awk -F'|' '{gsub(/ /, "", $2); print $2}')
[ -n "$avail" ] || die "package $pkg is not in any configured suite"
if grep -qxF "$pin" <<<"$avail"; then
	ver=$pin
else
	ver=$(sort -V <<<"$avail" | tail -n 1)
	log "WARNING: pinned $pkg $pin has left the archive; using newest $ver instead"
fi

# deb_ok DEB: the whole .deb reads back and holds the source tarball. An
# interrupted download keeps its control part, so "dpkg-deb --info" passes.
deb_ok() {
	dpkg-deb --fsys-tarfile "$1" 2>/dev/null | tar -t "./usr/src/$pkg.tar.xz" >/dev/null 2>&1
}

deb=$CACHE/debs/${pkg}_${ver}_all.deb
if ! deb_ok "$deb"; then
	log "base $BASE: downloading $pkg $ver"
	rm -f "$deb"
	mkdir -p "$CACHE/debs"
	(cd "$CACHE/debs" && apt_private -qq download "$pkg=$ver" >&2) ||
		die "download of $pkg=$ver failed"
	# apt names the file with the epoch-less, %-escaped version.
	f=$(find "$CACHE/debs" -maxdepth 1 -name "${pkg}_*.deb" -newer "$CACHE/apt/lists" | head -n 1)
	[ -n "$f" ] || die "download of $pkg=$ver produced no .deb"
	[ "$f" = "$deb" ] || mv -f "$f" "$deb"
	deb_ok "$deb" || die "download of $pkg=$ver produced a broken $deb"
fi

# Extract into a scratch directory and move it in place only when complete,
# so an interrupted run never leaves a half-extracted tree behind.
tmp=$tree.tmp
rm -rf "$tmp" "$tree" "$tree.version"
mkdir -p "$tmp"
log "base $BASE: extracting"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./usr/src/$pkg.tar.xz"
tar -xJf "$tmp/usr/src/$pkg.tar.xz" -C "$tmp"
rm -rf "${tmp:?}/usr"
mv "$tmp/$pkg" "$tmp/src"

log "base $BASE: importing into git"
(
	cd "$tmp/src"
	git init -q -b base-import
	# The import leaves ~90,000 loose objects; git would start a long
	# background "gc --auto" after the next command, competing with the
	# kernel builds. The tree is a cache: never repack it on its own.
	git config gc.auto 0
	git config maintenance.auto false
	# Debian's top-level .gitignore ends with "/*"; force-add the tree.
	git add -A -f
	GIT_AUTHOR_NAME="$pkg" GIT_AUTHOR_EMAIL="$pkg@packages.debian.org" \
	GIT_COMMITTER_NAME="$pkg" GIT_COMMITTER_EMAIL="$pkg@packages.debian.org" \
	GIT_AUTHOR_DATE="@0 +0000" GIT_COMMITTER_DATE="@0 +0000" \
		git commit -q -m "Import $pkg $ver (Debian binary package source tarball)"
	git tag base
	git tag "debian/${ver//\~/_}"
)
mv "$tmp/src" "$tree"
rm -rf "$tmp"
echo "$ver" >"$tree.version"
log "base $BASE: ready at $tree ($pkg $ver)"
