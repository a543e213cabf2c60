# shellcheck shell=bash
# scripts/lib/ktap.sh: results of the host-side checks (lint, send-check)
# as KTAP.
# Sourced by scripts/lib.sh (source that, not this file); uses its die/log.

# ktap_check NAME CMD...: run CMD and append its result to the caller's
# array "results" for ktap_print: "ok %d NAME", or "not ok %d NAME" with
# the last 15 lines of CMD's output as its diagnostics.
ktap_check() {
	local name=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		results+=("ok %d $name")
	else
		results+=("not ok %d $name"$'\n'"$(tail -n 15 <<<"$out" | sed 's/^/# /')")
	fi
}

# ktap_ok RC NAME [DIAG]: append "ok %d NAME" (RC 0) or "not ok %d NAME"
# with the lines of DIAG as its diagnostics to the caller's array
# "results" for ktap_print.
ktap_ok() {
	local d=${3:-}
	if [ "$1" = 0 ]; then
		results+=("ok %d $2")
	else
		results+=("not ok %d $2${d:+$'\n'# ${d//$'\n'/$'\n'# }}")
	fi
}

# ktap_skip NAME REASON: append "ok %d NAME # SKIP REASON" to "results".
ktap_skip() {
	results+=("ok %d $1 # SKIP $2")
}

# ktap_print RESULT...: a KTAP document of the results, each "ok %d NAME"
# or "not ok %d NAME" followed by optional "# ..." lines, which are
# printed before their result line (ktap.rst); fails if any is not ok.
ktap_print() {
	local r i=0 fail=0 pass=0 skip=0
	echo "KTAP version 1"
	echo "1..$#"
	for r in "$@"; do
		i=$((i + 1))
		[[ $r != *$'\n'* ]] || printf '%s\n' "${r#*$'\n'}"
		# The number goes in place of the "%d" of the result line; the
		# diagnostics are text (checker output can contain "%").
		r=${r%%$'\n'*}
		printf '%s\n' "${r/\%d/$i}"
		if [[ $r == "not ok"* ]]; then
			fail=$((fail + 1))
		elif [[ $r == *" # SKIP"* ]]; then
			skip=$((skip + 1))
		else
			pass=$((pass + 1))
		fi
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" = 0 ]
}
