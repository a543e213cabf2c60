#!/usr/bin/env bash
# stack-overview.sh [RUN]: print the overview of the whole mainline stack
# (the top-level cover-letter.txt) from patches.meta, the series and the
# patches' subjects: what each patch is, which posting carries it or which
# queued upstream patch it stands in for, the base, and the results of run
# RUN (a reports directory; default: none, results left out).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

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

Base: v${ver%%-*} as Debian's $pkg $ver ships it.
Apply it all with "git am patches/*.patch" or "quilt push -a". It holds
three postings, one per destination tree, and stand-ins: this project's
own version of a queued upstream patch that a posting builds on, never
posted; drop a stand-in when your tree has the real patch.

HEAD

n=0 notes=''
while read -r p; do
	n=$((n + 1))
	slug=$(patch_slug "$p")
	post=$(meta_patch mainline "$slug" posting)
	if [ "$post" = - ]; then
		up=$(meta_patch mainline "$slug" upstream)
		who=$(meta_patch mainline "$slug" author)
		post=stand-in
		notes+=$(printf '  %d: %s, https://lore.kernel.org/all/%s/' "$n" "${who//_/ }" "${up#pending:}")$'\n'
	fi
	printf '%2d %-16s %s\n' "$n" "$post" "$(subject "$p")"
done < <(series_patches "$series")
echo
echo "Stand-ins for queued patches:"
printf '%s' "$notes"

echo
echo "Postings (make send; doc/sending.md):"
for p in $(meta_postings); do
	nums=$(series_patches "$series" | grep -nxF -f <(series_select "$series" posting "$p") | cut -d: -f1 | paste -sd, -)
	pre=$(posting_prereqs "$p" | while read -r id; do
		k=0
		while read -r q; do
			k=$((k + 1))
			[ "$(meta_patch mainline "$(patch_slug "$q")" upstream)" != "pending:$id" ] || echo "$k"
		done < <(series_patches "$series")
	done | sort -n | paste -sd, -)
	printf '  %-16s %-12s patches %s' "$p" "$(meta_posting "$p" tree)" "$nums"
	[ -z "$pre" ] || printf ' on stand-in %s' "$pre"
	needs=$(meta_posting "$p" needs)
	[ "$needs" = - ] || printf ', after %s' "$needs"
	echo
done

echo
if [ -n "$rep" ] && [ -f "$rep/meta" ]; then
	summary=$(results summary "$rep")
	top=$(tail -n 1 <<<"$summary")
	field() { results meta "$rep" "$1"; }
	machine="QEMU x86_64 $(tr '[:lower:]' '[:upper:]' <"$rep/step-0/accel" 2>/dev/null || echo)"
	[ -z "$(field smp)" ] || machine+=", $(field smp) vCPUs, $(field mem)"
	echo "Results ($(field package), $(field variant) build,"
	echo "${machine% }, one boot per step):"
	echo "$(wc -l <<<"$summary") steps built, booted and tested;"
	echo "patched steps with a failure: $(awk 'NR > 2 && $3 > 0 { printf "%s%s", f ? "," : "", $1; f = 1 } END { if (!f) printf "none" }' <<<"$summary")."
	echo "Top of the stack: $(awk '{ printf "%d passed, %d failed, %d skipped", $2, $3, $4 }' <<<"$top"); make report shows each step."
else
	echo "Results: none yet (run make, then make cover-letter)."
fi
