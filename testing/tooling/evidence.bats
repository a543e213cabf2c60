#!/usr/bin/env bats
# Tooling tests: the committed evidence under results/. Each saved
# ablation run's report, regenerated from its saved boots, is the one
# committed beside them; every figure results/CITED lists is what the
# cited run gives and is quoted in the prose file that cites it.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

@test "evidence: every saved ablation report regenerates from its boots" {
	local r n=0
	for r in "$TOP"/results/ablation-*/; do
		[ -f "$r/meta" ] || continue
		rm -rf "$tmp/run"
		cp -r "$r" "$tmp/run"
		rm -f "$tmp/run/ablation.md" "$tmp/run/ablation.json"
		python3 "$S/ablation-report.py" --write "$tmp/run" >/dev/null
		diff -u "$r/ablation.md" "$tmp/run/ablation.md"
		diff -u "$r/ablation.json" "$tmp/run/ablation.json"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "evidence: every saved isolated-CPU report regenerates from its boots" {
	local r n=0
	for r in "$TOP"/results/bench-isolcpu-*/; do
		[ -f "$r/meta" ] || continue
		rm -rf "$tmp/run"
		cp -r "$r" "$tmp/run"
		rm -f "$tmp/run/isolcpu.md" "$tmp/run/isolcpu.json"
		python3 "$S/isolcpu-report.py" "$tmp/run" >/dev/null
		diff -u "$r/isolcpu.md" "$tmp/run/isolcpu.md"
		diff -u "$r/isolcpu.json" "$tmp/run/isolcpu.json"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "evidence: every saved torture report regenerates from its boots" {
	local r n=0
	for r in "$TOP"/results/torture-*/; do
		[ -f "$r/meta" ] || continue
		rm -rf "$tmp/run"
		cp -r "$r" "$tmp/run"
		rm -f "$tmp/run/reliability.md" "$tmp/run/reliability.json"
		python3 "$S/torture-report.py" "$tmp/run" >/dev/null
		diff -u "$r/reliability.md" "$tmp/run/reliability.md"
		diff -u "$r/reliability.json" "$tmp/run/reliability.json"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "evidence: each cited figure is in its run and in the prose" {
	local file run key k1 k2 a b got
	while read -r file run key k1 k2 a b; do
		[ -f "$TOP/$file" ] || { echo "CITED: no file $file"; return 1; }
		[ -f "$TOP/$run/meta" ] || { echo "CITED: no run $run"; return 1; }
		got=$(python3 -c '
import json, os, statistics, sys
run, key, k1, k2 = sys.argv[1:]
if os.path.exists(os.path.join(run, "ablation.json")):
    s = json.load(open(os.path.join(run, "ablation.json")))
    v = [f for f in s["figures"] if f["key"] == key][0]["values"]
    a, b = v[k1], v[k2]
else:
    s = json.load(open(os.path.join(run, "isolcpu.json")))["summary"]
    a, b = s[k1][key], s[k2][key]
print("%g %g" % (statistics.median(a), statistics.median(b)))' \
			"$TOP/$run" "$key" "$k1" "$k2")
		# The prose rounds a half-way median (an even number of boots) up.
		got=$(awk '{ printf "%d %d", int($1 + 0.5), int($2 + 0.5) }' <<<"$got")
		[ "$got" = "$a $b" ] ||
			{ echo "$file: $run $key ($k1, $k2) is $got, CITED says $a $b"; return 1; }
		tr -s ' \n' ' ' <"$TOP/$file" | grep -Eq "(^|[^0-9])$a( per boot| \(median\))?( to | -> )$b([^0-9]|$)" ||
			{ echo "$file does not quote $key as $a -> $b"; return 1; }
	done < <(grep -v '^#' "$TOP/results/CITED")
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
