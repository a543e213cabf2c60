#!/usr/bin/env bash
# build.sh BASE COMMIT: build kernel + modules for one step of a cached base
# tree. Output goes to a per-base build directory (incremental across steps);
# the result is stored under $CACHE/artifacts keyed by the source tree and
# config, so a step that was already built is not built again.
# Prints the artifact directory on stdout.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${1:?usage: build.sh BASE COMMIT}
COMMIT=${2:?usage: build.sh BASE COMMIT}
tree=$(tree_dir "$BASE")

variant=$VARIANT
read -ra frags <<<"$(variant_frags "$variant")"
read -r ARCH _ <<<"$(variant_target "$variant")"
frags=("${frags[@]/#/$TOP/configs/}")
# Out-of-tree test modules built against every step (the bench probe and
# churn, the torture wq_park).
extmods=("$TOP"/testing/*/*/Kbuild)
extmods=("${extmods[@]%/Kbuild}")

treeid=$(git -C "$tree" rev-parse "$COMMIT^{tree}")
cfgid=$({
	cat "${frags[@]}"
	find "${extmods[@]}" -type f -print0 | sort -z | xargs -0 cat
} | sha1sum | cut -c1-12)
art=$CACHE/artifacts/$BASE/$variant-${treeid:0:12}-$cfgid
if [ -f "$art/done" ]; then
	log "build $BASE $variant ${COMMIT:0:12}: cached ($art)"
	echo "$art"
	exit 0
fi

need_tool make make
need_tool gcc gcc
need_tool flex flex
need_tool bison bison
need_tool bc bc

out=$CACHE/build/$BASE-$variant
mkdir -p "$out"
git -C "$tree" checkout -q --detach "$COMMIT"

log "build $BASE $variant ${COMMIT:0:12}: configuring"
configure "$tree" "$out" "$ARCH" "" "${frags[@]}"

log "build $BASE $variant ${COMMIT:0:12}: make -j$(nproc)"
if ! make -C "$tree" O="$out" ARCH="$ARCH" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "build failed for $BASE at $(git -C "$tree" log -1 --format='%h ("%s")' "$COMMIT") (log: $out/build.log)"
fi
rm -rf "$art"
mkdir -p "$art"
make -s -C "$tree" O="$out" ARCH="$ARCH" INSTALL_MOD_PATH="$art/root" INSTALL_MOD_STRIP=1 modules_install >/dev/null
for src in "${extmods[@]}"; do
	m=$out/extmod/$(basename "$src")
	rm -rf "$m"
	mkdir -p "$m"
	cp "$src"/* "$m/"
	make -C "$tree" O="$out" ARCH="$ARCH" M="$m" modules >>"$out/build.log" 2>&1 ||
		die "out-of-tree module $(basename "$src") failed to build for $BASE (log: $out/build.log)"
	make -s -C "$tree" O="$out" ARCH="$ARCH" M="$m" INSTALL_MOD_PATH="$art/root" \
		INSTALL_MOD_STRIP=1 modules_install >/dev/null
done
cp "$out/arch/x86/boot/bzImage" "$out/.config" "$art/"
grep -cE '(warning|error):' "$out/build.log" >"$art/warnings" || true
# The data symbols' layout (addresses, sizes), for scripts/report/layout.py.
nm -n -S "$out/vmlinux" | awk '$3 ~ /^[dDbB]$/' >"$art/data.nm"
git -C "$tree" log -1 --format='%H %s' "$COMMIT" >"$art/commit"
touch "$art/done"
log "build $BASE $variant ${COMMIT:0:12}: done ($art)"
echo "$art"
