#!/usr/bin/env bash
# check-step.sh BASE COMMIT PREVDIR DIR: static checks of one step, the way
# 0-day and NIPA look at each patch. Appends its results to DIR/results.json:
#   checkpatch --strict of the step's own commit (not for the base);
#   for each config in CHECK_CONFIGS (x86_64 i386 arm64 nosmp kasan):
#   W=1 + sparse (C=2) builds of the series' objects, failing if the step
#   does not build or has a warning line PREVDIR's step does not have.
# The warning lines go to DIR/check-<config>.warnings and their counts to
# DIR/check.counts, for the next step.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=${1:?usage: check-step.sh BASE COMMIT PREVDIR DIR}
COMMIT=${2:?}
prev=${3:-}
dir=${4:?}
tree=$(tree_dir "$BASE")
# Tools first: a missing cross compiler or an unknown config stops the step
# before the tree is checked out or anything is configured and built.
for cfg in $CHECK_CONFIGS; do
	t=$( (variant_target "$cfg") 2>/dev/null) || die "unknown check config '$cfg'"
	read -r arch cross <<<"$t"
	[ "$cross" = - ] || need_tool "${cross}gcc" "gcc-${cross%-}"
done
: >"$dir/check.counts"
res=$dir/results.json

git -C "$tree" checkout -q --detach "$COMMIT"
sparse_args=(C=2)
if ! sparse=$("$TOP/scripts/fetch-sparse.sh" "$tree" 2>"$dir/sparse.err"); then
	result "$res" sparse skip "$(tail -n 1 "$dir/sparse.err")"
	sparse_args=()
else
	sparse_args+=(CHECK="$sparse")
fi

# checkpatch on this step's own commit (the base has none).
if [ "$(git -C "$tree" rev-parse "$COMMIT")" != "$(git -C "$tree" rev-parse base)" ]; then
	out=$(git -C "$tree" format-patch -1 --stdout "$COMMIT" |
		perl "$tree/scripts/checkpatch.pl" --strict --no-tree --show-types \
			--ignore UNKNOWN_COMMIT_ID - 2>&1 || true)
	sum=$(grep -E '^total: ' <<<"$out" || echo "total: ? (checkpatch did not run)")
	if grep -qE '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
		result "$res" "checkpatch --strict" pass "$sum"
	else
		result "$res" "checkpatch --strict" fail "$sum" \
			"$(grep -E '^(ERROR|WARNING|CHECK):' <<<"$out" | head -n 5)"
	fi
fi

# The objects the whole series touches, so every step is measured on the
# same set; percpu-vm.c and percpu-km.c are built as part of percpu.o. A
# file no Makefile builds on its own (a test included into the file it
# tests, such as mm/tests/vmalloc_kunit.c) is checked as part of that file.
built_alone() { # built_alone FILE.c: a Makefile of its or the parent dir names FILE.o
	local d=${1%/*} b
	b=$(basename "${1%.c}")
	grep -qsE "(^|[ /=])$b\.o" "$tree/$d/Makefile" ||
		grep -qsE "(^|[ /=])${d##*/}/$b\.o" "$tree/${d%/*}/Makefile"
}
mapfile -t objs < <(
	{
		echo mm/vmalloc.c
		echo mm/percpu.c
		git -C "$tree" diff --name-only base series -- '*.c' 2>/dev/null || true
	} | sed 's/percpu-[kv]m\.c$/percpu.c/' | sort -u | while read -r f; do
		[ -f "$tree/$f" ] && built_alone "$f" && echo "${f%.c}.o"
	done
)

for cfg in $CHECK_CONFIGS; do
	read -r arch cross <<<"$(variant_target "$cfg")"
	[ "$cross" != - ] || cross=''
	read -ra frags <<<"$(variant_frags "$cfg")"
	out=$CACHE/check/$BASE-$cfg
	mk=(make -s -C "$tree" O="$out" ARCH="$arch" CROSS_COMPILE="$cross")
	configure "$tree" "$out" "$arch" "$cross" "${frags[@]/#/$TOP/configs/}"
	rc=0
	"${mk[@]}" -j"$(nproc)" W=1 "${sparse_args[@]}" "${objs[@]}" >"$out/check.log" 2>&1 || rc=$?
	if grep -q 'specified, but .* is not available or not up to date' "$out/check.log"; then
		rc=1
		echo "error: sparse was rejected by the tree's checker-valid.sh" >>"$out/check.log"
	fi
	# Steps are compared only when checked the same way (key). The
	# warnings are compared as lines, line and column numbers dropped
	# (a patch moves code), each line counted as often as it occurs: a
	# warning fixed and another added is a new warning, not an equal count.
	key=$cfg${sparse_args:+-sparse}
	grep -E '(warning|error):' "$out/check.log" |
		sed -E 's/:[0-9]+:[0-9]+: /: /; s/:[0-9]+: /: /' | sort >"$dir/check-$key.warnings" || true
	n=$(wc -l <"$dir/check-$key.warnings")
	echo "$key $n" >>"$dir/check.counts"
	p=$(awk -v c="$key" '$1 == c {print $2}' "$prev/check.counts" 2>/dev/null || true)
	new=''
	[ ! -f "$prev/check-$key.warnings" ] || new=$(comm -13 "$prev/check-$key.warnings" "$dir/check-$key.warnings")
	name="W=1${sparse_args:+ + sparse}, $cfg"
	if [ "$rc" != 0 ]; then
		result "$res" "$name" fail "build failed:" "$(grep -E 'error' "$out/check.log" | head -n 5)"
	elif [ -n "$new" ]; then
		result "$res" "$name" fail "$(wc -l <<<"$new") new warnings ($n in all, previous step $p):" \
			"$(head -n 5 <<<"$new")"
	elif [ -n "$p" ] && [ ! -f "$prev/check-$key.warnings" ] && [ "$n" -gt "$p" ]; then
		result "$res" "$name" fail "$n warnings, previous step $p:" \
			"$(grep -E 'warning:' "$out/check.log" | head -n 5)"
	else
		result "$res" "$name" pass "$n warnings (previous step ${p:-n/a}) in ${objs[*]}"
	fi
done
