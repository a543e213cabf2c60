#!/usr/bin/env bats
# Tooling tests: reading results: the kernel log scan, KTAP
# (scripts/ktap.py), expected failures, the kselftest collection under
# dash/busybox.

# shellcheck source=testing/tooling/helpers.bash
. "$BATS_TEST_DIRNAME/helpers.bash"

@test "scanlog flags splats" {
	printf '[ 1.0] ok\n[ 2.0] WARNING: CPU: 1 PID: 9 at mm/vmalloc.c:1\n[ 3.0] workqueue: drain_vmap_area_work hogged CPU for >1000us 4 times, consider switching to WQ_UNBOUND\n' >"$tmp/c.log"
	local r
	rm -f "$tmp/c.json"
	"$S/scanlog.sh" "$tmp/c.log" "$tmp/c.json" || return 1
	r=$(rows "$tmp/c.json")
	grep -qP '^log: WARNING\tfail\t1 matching lines; first: \[ 2\.0\] WARNING: CPU: 1 PID: 9 at mm/vmalloc\.c:1 \| \[ 3\.0\] workqueue' <<<"$r" &&
		grep -qP '^log: hogged CPU\tfail' <<<"$r" &&
		grep -qP '^log: lockdep\tpass' <<<"$r"
}

@test "ktap missing result fails" {
	# Serial consoles deliver CRLF line endings.
	printf 'TAP version 13\r\n1..1\r\n# selftests: vmalloc: a.sh\r\nok 1 selftests: vmalloc: a.sh\r\n' >"$tmp/k.log"
	local r
	rm -f "$tmp/k.json"
	python3 "$S/ktap.py" results "$tmp/k.log" vmalloc/a.sh,vmalloc/b.sh "$tmp/k.json" || return 1
	r=$(rows "$tmp/k.json")
	grep -qP '^selftests: vmalloc: a.sh\tpass' <<<"$r" &&
		grep -qP '^selftests: vmalloc: b.sh\tfail\tno result' <<<"$r"
}

@test "report xfail and xpass" {
	local run=$tmp/run
	mkdir -p "$run/step-0" "$run/step-1"
	rm -f "$run"/step-*/results.json
	echo base=7.3 >"$run/meta"
	echo base >"$run/step-0/title"
	echo top >"$run/step-1/title"
	res "$run/step-0/results.json" "selftests: vmalloc: drain_placement.sh" fail per-CPU
	res "$run/step-1/results.json" "selftests: vmalloc: drain_placement.sh" pass none
	"$S/report.sh" "$run" >"$tmp/rep" 2>&1 || return 1
	tail -n 1 "$tmp/rep" | grep -qx '2 passed, 0 failed, 0 skipped' &&
		grep -q '# XFAIL unpatched base' "$run/report.ktap" || return 1
	# The reproducer passing on the unpatched base is an XPASS: a failure.
	rm "$run/step-0/results.json"
	res "$run/step-0/results.json" "selftests: vmalloc: drain_placement.sh" pass none
	! "$S/report.sh" "$run" >"$tmp/rep" 2>&1 &&
		tail -n 1 "$tmp/rep" | grep -qx '1 passed, 1 failed, 0 skipped' &&
		grep -q '^  not ok 1 .*# XPASS' "$run/report.ktap"
}

# scripts/ktap.py, the one KTAP reader: it accepts nested KTAP (indented
# subtests, diagnostics, directives) with the counts kunit.py would give,
# and rejects what the guest used to print (a version line and plan per
# test, every result numbered 1) and a plan that does not match.
@test "ktap reader strict" {
	printf '%s\n' 'KTAP version 1' '1..2' '    KTAP version 1' '    # Subtest: s' '    1..2' \
		'    ok 1 a' '    not ok 2 b' 'not ok 1 s' '# out of t' 'ok 2 t # SKIP no module' >"$tmp/n.ktap"
	[ "$(python3 "$S/ktap.py" counts "$tmp/n.ktap")" = "1 1 1" ] || return 1
	rm -f "$tmp/n.json"
	python3 "$S/ktap.py" results "$tmp/n.ktap" "" "$tmp/n.json" || return 1
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert r[-1] == {"name": "t", "status": "skip", "detail": ["SKIP no module", "out of t"]}, r' "$tmp/n.json" || return 1
	printf '%s\n' 'TAP version 13' '1..1' 'ok 1 selftests: v: a.sh' 'TAP version 13' '1..1' \
		'ok 1 selftests: v: b.sh' >"$tmp/old.ktap"
	! python3 "$S/ktap.py" check "$tmp/old.ktap" 2>"$tmp/err" &&
		grep -q 'test number 1, expected 2' "$tmp/err" || return 1
	printf '%s\n' 'TAP version 13' '1..3' 'ok 1 a' 'ok 2 b' >"$tmp/short.ktap"
	! python3 "$S/ktap.py" check "$tmp/short.ktap" 2>"$tmp/err" &&
		grep -q 'plan 1..3 but 2 results' "$tmp/err"
}

# The collection as a lab gets it ("make kselftest-tar"), run with the
# kernel's run_kselftest.sh under dash (Debian's /bin/sh) on this host:
# without the modules every test must skip with kselftest's exit code 4,
# and the output must be KTAP that kunit.py parse accepts with the right
# counts. modprobe/modinfo are stubbed so that nothing touches the host
# kernel. Each test also skips cleanly under busybox ash, the guest shell
# (the boots run the collection under busybox with real results).
@test "kselftest collection ktap" {
	local tree k sh out n rc
	tree=$(bash -c '. "$1/lib.sh"; tree_dir 7.3' _ "$S")
	[ -d "$tree/.git" ] || skip "no cached 7.3 tree (make fetch)"
	command -v dash >/dev/null || skip "dash not installed"
	"$S/kselftest-tar.sh" 7.3 "$tmp/ks.tar.gz" >/dev/null 2>&1 || return 1
	rm -rf "$tmp/ks" && mkdir -p "$tmp/ks/bin" && tar -C "$tmp/ks" -xzf "$tmp/ks.tar.gz" || return 1
	printf '#!/bin/sh\nexit 1\n' >"$tmp/ks/bin/modprobe"
	cp "$tmp/ks/bin/modprobe" "$tmp/ks/bin/modinfo"
	chmod +x "$tmp/ks/bin/modprobe" "$tmp/ks/bin/modinfo"
	# gen_tar's layout: run_kselftest.sh at the top of the archive.
	k=$tmp/ks
	[ -x "$k/run_kselftest.sh" ] || { tar -tzf "$tmp/ks.tar.gz" | head; return 1; }
	n=$(wc -l <"$k/kselftest-list.txt")
	[ "$n" -ge 3 ] || return 1
	(cd "$k" && PATH=$tmp/ks/bin:$PATH dash ./run_kselftest.sh) >"$tmp/ks/out.log" 2>&1 || return 1
	[ "$(python3 "$S/ktap.py" counts "$tmp/ks/out.log")" = "$n 0 $n" ] || return 1
	# (kunit.py exits 1 when nothing passed; the summary line is checked)
	out=$(python3 "$tree/tools/testing/kunit/kunit.py" parse "$tmp/ks/out.log" 2>&1) || true
	grep -qE "Ran $n tests: skipped: $n([^0-9]|$)" <<<"$out" || return 1
	for sh in dash "busybox sh"; do
		for t in "$k"/vmalloc/*.sh; do
			rc=0
			out=$(cd "${t%/*}" && PATH=$tmp/ks/bin:$PATH $sh "./${t##*/}" 2>&1) || rc=$?
			if [ "$rc" != 4 ] || ! grep -q '^SKIP: ' <<<"$out"; then
				echo "$sh ${t##*/}: exit $rc: $out"
				return 1
			fi
		done
	done
}
