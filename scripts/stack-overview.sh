#!/usr/bin/env bash
# stack-overview.sh [RUN]: print the overview of the whole mainline stack
# (the top-level cover-letter.txt) from patches.meta, the series and the
# patches' subjects: what each patch is, which posting carries it or which
# queued upstream patch it stands in for, the base, and the results of run
# RUN (a reports directory; default: none, results left out).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in -h | --help)
	sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
rep=${1:-}
series=$TOP/series
meta_check "$series"
base=$(mainline_base)
pkg=$(base_field "$base" 2)
ver=$(base_field "$base" 3)

# subject PATCH: the patch's subject without "[PATCH]".
subject() {
	sed -n '/^Subject: /{N; s/\n / /; s/\n.*//; s/^Subject: \(\[[^]]*\] \)\{0,1\}//p; q}' "$1"
}

title="The vmalloc/percpu stack against Linux $base"
cat <<HEAD
$title
$(printf '%*s' ${#title} '' | tr ' ' '=')

Base: v${ver%%-*} as Debian's $pkg $ver ships it (configs/bases).
Apply all of it with "git am patches/*.patch" or "quilt push -a". It
holds the patches of three postings, one per destination tree, and
stand-ins for queued upstream patches that the postings build on. A
stand-in is this project's own implementation of the queued design,
never posted: drop it when your tree has the real patch.

HEAD

n=0
while read -r p; do
	n=$((n + 1))
	slug=$(patch_slug "$p")
	post=$(meta_patch mainline "$slug" posting)
	kind=$(meta_patch mainline "$slug" kind)
	printf '%2d. %s\n' "$n" "$(subject "$p")"
	if [ "$post" = - ]; then
		up=$(meta_patch mainline "$slug" upstream)
		who=$(meta_patch mainline "$slug" author)
		printf '    stand-in for %s'"'"'s queued patch, not posted:\n    https://lore.kernel.org/all/%s/\n' \
			"${who//_/ }" "${up#pending:}"
	else
		printf '    %s, posting "%s" (%s)\n' "$kind" "$post" "$(meta_posting "$post" tree)"
	fi
done < <(series_patches "$series")

echo
echo "Postings (make send writes them; doc/sending.md):"
for p in $(meta_postings); do
	nums=$(series_patches "$series" | grep -nxF -f <(series_select "$series" posting "$p") | cut -d: -f1 | paste -sd, -)
	printf '  %-16s %-12s patches %s' "$p" "$(meta_posting "$p" tree)" "$nums"
	needs=$(meta_posting "$p" needs)
	[ "$needs" = - ] || printf '; needs posting %s' "$needs"
	echo
	while read -r id; do
		[ -n "$id" ] && printf '  %-16s prerequisite <%s>\n' "" "$id"
	done < <(posting_prereqs "$p")
done

echo
if [ -n "$rep" ] && [ -f "$rep/meta" ]; then
	echo "Results of run $(basename "$rep") ($(sed -n 's/^variant=//p' "$rep/meta") build, QEMU x86_64;"
	echo "make report shows them whole; pass/fail/skip per step, XFAIL as fail):"
	for d in $(find "$rep" -maxdepth 1 -name 'step-*' -printf '%f\n' | sort -t- -k2,2n -k2); do
		[ -f "$rep/$d/results.tsv" ] || continue
		printf '  %-8s %-44.44s %s\n' "${d#step-}" "$(cat "$rep/$d/title")" \
			"$(awk -F'\t' '{ n[$2]++ } END { printf "%d/%d/%d", n["pass"], n["fail"], n["skip"] }' "$rep/$d/results.tsv")"
	done
else
	echo "Results: none yet (run make, then make cover-letter)."
fi
