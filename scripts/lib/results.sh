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

# results CMD ARG...: results.py's readers (status, log-bad, tally, steps,
# summary).
results() {
	python3 "$TOP/scripts/report/results.py" "$@"
}
