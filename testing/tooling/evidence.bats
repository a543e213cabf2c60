#!/usr/bin/env bats
# Tooling tests: the committed evidence under results/. Each saved
# ablation run's report, regenerated from its saved boots, is the one
# committed beside them; every figure results/CITED lists is what the
# cited run gives and is quoted in the prose file that cites it.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

# regenerates JOB REPORT-CLI OUTPUT...: every saved run of JOB gives,
# through REPORT-CLI (a script of scripts/ that writes OUTPUT into the run
# directory it is given), the OUTPUT files committed beside its boots.
regenerates() {
	local job=$1 cli=$2 r f n=0 opt=()
	shift 2
	[ "$job" != ablation ] || opt=(--write)
	for r in "$TOP"/results/"$job"-[0-9]*/; do
		[ -f "$r/meta" ] || continue
		rm -rf "$tmp/run"
		cp -r "$r" "$tmp/run"
		for f in "$@"; do rm -f "$tmp/run/$f"; done
		python3 "$S/$cli" "${opt[@]}" "$tmp/run" >/dev/null
		for f in "$@"; do diff -u "$r/$f" "$tmp/run/$f"; done
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "evidence: every saved ablation report regenerates from its boots" {
	regenerates ablation ablation-report.py ablation.md ablation.json
}

@test "evidence: every saved bench report regenerates from its boots" {
	regenerates bench bench-report.py bench.md bench.json
}

@test "evidence: every saved isolated-CPU report regenerates from its boots" {
	regenerates bench-isolcpu isolcpu-report.py isolcpu.md isolcpu.json
}

@test "evidence: every saved torture report regenerates from its boots" {
	regenerates torture torture-report.py reliability.md reliability.json
}

@test "evidence: every saved layout report regenerates from its symbols, and doc/bench.md quotes it" {
	local r n=0 l
	for r in "$TOP"/results/layout-*/; do
		[ -f "$r/meta" ] || continue
		rm -rf "$tmp/run"
		cp -r "$r" "$tmp/run"
		rm -f "$tmp/run/layout.md"
		PYTHONPATH=$S python3 -m report.layout report "$tmp/run" >/dev/null
		diff -u "$r/layout.md" "$tmp/run/layout.md"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
	# The doc quotes the newest run's table and sentences as they are.
	r=$(find "$TOP/results" -maxdepth 1 -name 'layout-*' | sort | tail -n 1)
	grep -qF "${r#"$TOP"/}" "$TOP/doc/bench.md" || { echo "doc/bench.md does not cite ${r#"$TOP"/}"; return 1; }
	while IFS= read -r l; do
		[ -z "$l" ] || grep -qxF "$l" "$TOP/doc/bench.md" || { echo "doc/bench.md lacks: $l"; return 1; }
	done <"$r/layout.md"
}

# unquoted DOC: the table rows of DOC that no committed report has.
unquoted() {
	local l
	while IFS= read -r l; do
		cat "$TOP"/results/*/*.md | grep -qxF -- "$l" || echo "no committed report has: $l"
	done < <(grep '^|' "$1")
}

@test "evidence: every table row doc/bench.md quotes is in a committed report" {
	run unquoted "$TOP/doc/bench.md"
	[ "$status" = 0 ] && [ -z "$output" ] || { echo "$output"; return 1; }
	# A row changed in the doc is found.
	sed 's/^\(| kvfree_rcu_1_arg_vmalloc_test | [0-9]* \[[0-9.]*\] | [0-9]* \[[0-9.]*\] | \)1\.116/\11.016/' \
		"$TOP/doc/bench.md" >"$tmp/bench.md"
	run unquoted "$tmp/bench.md"
	[ "$(grep -c . <<<"$output")" = 1 ] && grep -q '^no committed report has: | kvfree_rcu_1_arg_vmalloc_test .* 1\.016 |' <<<"$output"
}

@test "evidence: each cited figure is in its run and in the prose" {
	run env PYTHONPATH="$S" python3 -m report.cited "$TOP"
	[ "$status" = 0 ] || { echo "$output"; return 1; }
	# A figure the run does not give fails the check.
	rm -rf "$tmp/top" && mkdir "$tmp/top"
	cp -r "$TOP/results" "$TOP/doc" "$TOP/postings" "$TOP/patches" "$tmp/top/"
	sed -i 's/^\(doc\/torture.md .* reclaim_stall.sh:pass series - \)3 3$/\12 3/' "$tmp/top/results/CITED"
	run env PYTHONPATH="$S" python3 -m report.cited "$tmp/top"
	[ "$status" = 1 ] && grep -q 'reclaim_stall.sh:pass (series, -) is 3 3, CITED says 2 3' <<<"$output" || return 1
	# So does a paired ratio the prose misquotes: the run's interval is
	# cited, the prose is changed to another one.
	cp "$TOP/results/CITED" "$tmp/top/results/CITED"
	sed -i 's/(0\.513, 0\.509-0\.517)/(0.513, 0.509-0.527)/' "$tmp/top/doc/bench.md"
	run env PYTHONPATH="$S" python3 -m report.cited "$tmp/top"
	[ "$status" = 1 ] && grep -qx 'doc/bench.md does not quote tlb_flushes:ratio (step1, step2) as 0.513, 0.509-0.517' <<<"$output"
}

@test "evidence: the generated blocks of postings and cover letters regenerate from results/" {
	local c=$tmp/clone b
	rm -rf "$c"
	git clone -q "$TOP" "$c"
	# The working tree's texts and runs, committed or not.
	cp -r "$TOP/results" "$TOP/postings" "$TOP/cover-letter.txt" "$c/"
	for b in "$TOP"/stable/*/; do cp "$b/cover-letter.txt" "$c/stable/$(basename "$b")/"; done
	git -C "$c" add -A && git -C "$c" commit -qm texts --allow-empty
	for b in $(bash -c '. "$1/scripts/lib.sh"; base_list' _ "$c"); do
		CACHE=$tmp/no-cache BASE=$b "$c/scripts/cover-letter.sh" >/dev/null 2>&1
	done
	git -C "$c" diff --exit-code
}

@test "evidence: the paired rule cannot report a change from 5 pairs" {
	run python3 -c '
import sys; sys.path.insert(0, sys.argv[1])
from report.paired import paired
p = paired([(100, 50)] * 5)
assert p["sign_p"] == 0.0625 and not p["change"], p
p = paired([(100, 50)] * 6)
assert p["sign_p"] == 0.0312 and p["change"], p
p = paired([(100, 101), (100, 99)] * 3)
assert not p["change"], p
print("ok")' "$S"
	[ "$status" = 0 ] && [ "$output" = ok ]
}

@test "evidence: make save copies a run to results/<job>-<id> without kernels or consoles" {
	local p=$tmp/save c=$tmp/save/.cache
	rm -rf "$p"
	mkdir -p "$p" "$c/reports/7.3-1/step-0" "$c/bench-isolcpu/7.3-2/base-1"
	cp -r "$S" "$p/scripts"
	mkdir -p "$p/configs"
	cp "$S/../configs/bases" "$p/configs/"
	echo base=7.3 | tee "$c/reports/7.3-1/meta" >"$c/bench-isolcpu/7.3-2/meta"
	echo '# a result' | tee "$c/reports/7.3-1/step-0/ktap.log" >"$c/bench-isolcpu/7.3-2/base-1/ktap.log"
	echo boot | tee "$c/reports/7.3-1/step-0/console.log" >"$c/bench-isolcpu/7.3-2/base-1/bzImage"
	run env CACHE="$c" "$p/scripts/results-save.sh" "$c/reports/7.3-1"
	[ "$status" = 0 ] && [ "$output" = results/make-7.3-1 ] || { echo "$output"; return 1; }
	run env CACHE="$c" "$p/scripts/results-save.sh" "$c/bench-isolcpu/7.3-2"
	[ "$status" = 0 ] && [ "$output" = results/bench-isolcpu-7.3-2 ] || { echo "$output"; return 1; }
	[ -f "$p/results/make-7.3-1/step-0/ktap.log" ] && [ ! -e "$p/results/make-7.3-1/step-0/console.log" ] &&
		[ -f "$p/results/bench-isolcpu-7.3-2/base-1/ktap.log" ] && [ ! -e "$p/results/bench-isolcpu-7.3-2/base-1/bzImage" ] ||
		return 1
	run env CACHE="$c" "$p/scripts/results-save.sh" "$c/reports/7.3-1"
	[ "$status" != 0 ] && grep -q "exists already" <<<"$output"
}
