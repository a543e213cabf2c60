# shellcheck shell=bash
# scripts/lib/results.sh: the shell side of scripts/report/results.py,
# the one writer and reader of a step's results.json.
# Sourced by scripts/lib.sh (source that, not this file).

# result FILE NAME pass|fail|skip [DETAIL...]: append one result to the
# results.json FILE; the first detail line is a one-line summary, the
# others its diagnostics (an argument may hold several lines).
result() {
	python3 "$TOP/scripts/report/results.py" add "$@"
}

# run_meta DIR: append the KEY=VALUE lines on stdin to DIR/meta, the run
# metadata every job writes (creating it); read with "results meta" or
# results.py's read_meta.
run_meta() {
	local kv
	while IFS= read -r kv; do
		[[ $kv =~ ^[a-z_][a-z0-9_.]*= ]] || die "run meta line '$kv' is not KEY=VALUE"
		printf '%s\n' "$kv" >>"$1/meta"
	done
}

# results CMD ARG...: results.py's readers (status, log-bad, tally, steps,
# summary, meta).
results() {
	python3 "$TOP/scripts/report/results.py" "$@"
}
