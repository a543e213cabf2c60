#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Step results as data: the one writer and reader of results.json.

A step directory of a run (RUN/step-K/, written by scripts/run.sh) and a
boot directory of make torture (DIR/base-N/, DIR/series-N/) hold one
results.json: {"results": [ROW, ...]}, each ROW {"name": NAME, "status":
"pass" | "fail" | "skip", "detail": [LINE, ...]}. The detail's first line
is the test's directive or a one-line summary, the rest its diagnostic
lines. Every script that writes or reads a result goes through this
module, by importing it or through its command line:

  results.py add FILE NAME STATUS [DETAIL...]
                           append one row to FILE (created if missing);
                           a DETAIL argument may hold several lines, an
                           empty one adds none
  results.py status FILE NAME
                           the status of row NAME ("-" without FILE or row)
  results.py log-bad FILE  the kernel log checks ("log: X") that did not
                           pass, as "X, Y" ("-" without FILE); workqueue
                           hog reports are left out (they say where work
                           ran, not that something broke)
  results.py tally FILE WHERE
                           one line for the build log: the number of rows
                           and the ones not passing
  results.py steps RUN     the step directories of RUN, in step order
  results.py summary RUN   "K PASS FAIL SKIP" per step with results
  results.py meta RUN KEY  the value of KEY in RUN/meta ("" without it)
  results.py report RUN... the run report (see report())
"""
import fnmatch
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATUSES = ("pass", "fail", "skip")
NAME = "results.json"


def load(path):
    """The rows of results file PATH ([] if it does not exist)."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)["results"]


def _save(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"results": rows}, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def row(name, status, detail=()):
    if status not in STATUSES:
        raise ValueError("status %r of %r is not one of %s" % (status, name, "|".join(STATUSES)))
    return {"name": name, "status": status, "detail": list(detail)}


def extend(path, rows):
    """Append ROWS (from row()) to results file PATH."""
    _save(path, load(path) + list(rows))


def lines(*texts):
    """Detail lines of texts that may hold several lines each."""
    return [ln for t in texts if t for ln in t.split("\n")]


def steps(run):
    """The step directories of RUN ("step-0", "step-0+tests", "step-1",
    ...), ordered by step number, then name."""
    def key(d):
        m = re.match(r"\d+", d[5:])
        return (int(m.group()) if m else 0, d[5:])
    return sorted((d for d in os.listdir(run) if d.startswith("step-")
                   and os.path.isdir(os.path.join(run, d))), key=key)


def counts(rs):
    return tuple(sum(1 for r in rs if r["status"] == s) for s in STATUSES)


def meta_lines(run):
    """RUN/meta, the run's metadata (KEY=VALUE lines, written by the jobs
    through run_meta of scripts/lib/results.sh), as a list of lines."""
    with open(os.path.join(run, "meta")) as f:
        return f.read().splitlines()


def read_meta(run):
    """RUN/meta as a dict (a key given twice: its last value)."""
    return dict(ln.partition("=")[::2] for ln in meta_lines(run))


def expected_failures(path):
    """testing/expected-failures: (base glob, step glob, name, reason)."""
    out = []
    with open(path) as f:
        for ln in f.read().splitlines():
            if not ln or ln.startswith("#"):
                continue
            out.append((ln.split("|", 3) + ["", "", ""])[:4])
    return out


def expect(xf, base, step, name):
    """The reason if result NAME of STEP on BASE is expected to fail,
    else None."""
    for b, s, n, r in xf:
        if fnmatch.fnmatchcase(base, b) and fnmatch.fnmatchcase(step, s) and n == name:
            return r
    return None


def skip_reason(detail):
    """The reason of a skipped result: its first detail line without
    "SKIP", else a "SKIP: reason" line, else its first non-empty line."""
    first = re.sub(r"^SKIP([: ]+|$)", "", detail[0], count=1, flags=re.I)
    if first:
        return first
    for ln in detail[1:]:
        m = re.match(r"SKIP[: ]+(.+)", ln)
        if m:
            return m.group(1)
    return next((ln for ln in detail[1:] if ln), "")


def report_step(xf, base, k, title, rs, tot):
    """KTAP lines and text lines of one step; adds to totals TOT."""
    ktap = ["  KTAP version 1", "  # Subtest: step %s: %s" % (k, title), "  1..%d" % len(rs)]
    txt = ["", "step %s: %s" % (k, title)]
    n = dict.fromkeys(("pass", "fail", "xfail", "xpass", "skip"), 0)
    for j, r in enumerate(rs, 1):
        name, st = r["name"], r["status"]
        detail = r["detail"] or [""]
        reason = expect(xf, base, k, name)
        if reason is not None:
            st = {"fail": "xfail", "pass": "xpass"}.get(st, st)
        reason = reason or ""
        n[st if st in n else "fail"] += 1
        # The detail lines go before the result line: all of them, but a
        # skip's first line, which is its directive.
        skip_from = 0
        if st == "pass":
            line, tag = "ok %d %s" % (j, name), "ok"
        elif st == "skip":
            why = skip_reason(detail)
            line, tag, skip_from = "ok %d %s # SKIP%s" % (j, name, " " + why if why else ""), "SKIP", 1
        elif st == "xfail":
            line, tag = "ok %d %s # XFAIL%s" % (j, name, " " + reason if reason else ""), "XFAIL"
        elif st == "xpass":
            line = "not ok %d %s # XPASS expected to fail%s" % (j, name, ": " + reason if reason else "")
            tag = "XPASS"
        else:
            line, tag = "not ok %d %s" % (j, name), "FAIL"
        shown = tag != "ok" or name.startswith("selftests:")
        if r["detail"] and shown:
            ktap += ["  # " + ln if ln else "  #" for ln in detail[skip_from:]]
        ktap.append("  " + line)
        txt.append("  %-6s %-34s %s" % (tag, name, detail[0]))
        if shown:
            txt += ["         | " + ln for ln in [d for d in detail[1:] if d][:12]]
    ktap.append("  # Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:0" % (
        n["pass"], n["fail"], n["xfail"], n["xpass"], n["skip"]))
    for s in n:
        tot[s] += n[s]
    return ktap, txt, n["fail"] + n["xpass"] == 0


def report(runs, xf_path):
    """For every RUN: RUN/report.ktap (KTAP v1, one subtest per step, in
    the order of Documentation/dev-tools/ktap.rst: a result's diagnostic
    lines directly before its result line, "# SKIP reason", "# XFAIL
    reason", "# XPASS ..." as a failure, kselftest's "# Totals:" line per
    step and for the run), RUN/report.txt (a table) and RUN/totals.json
    (the totals of all RUNs, for scripts/test.sh). testing/expected-failures
    (XF_PATH) turns a failure into XFAIL (counted as passed) and a pass
    into XPASS (a failure). Failed, skipped, XFAIL/XPASS and selftests:
    results carry their detail. Prints the tables and the totals; returns
    the exit status: 1 if anything failed."""
    xf = expected_failures(xf_path)
    tot = dict.fromkeys(("pass", "fail", "xfail", "xpass", "skip"), 0)
    for run in runs:
        if not os.path.isfile(os.path.join(run, "meta")):
            print("error: '%s' is not a run directory (no meta file); run make (or make "
                  "BASE=X.Y, VARIANT=...) first" % run, file=sys.stderr)
            return 1
    for run in runs:
        meta = meta_lines(run)
        base = read_meta(run).get("base", "")
        ss = steps(run)
        ktap = ["KTAP version 1"] + ["# " + m for m in meta] + ["1..%d" % len(ss)]
        txt = ["== %s ==" % os.path.basename(run.rstrip("/"))] + ["   " + m for m in meta]
        ok = 0
        for i, s in enumerate(ss, 1):
            k = s[5:]
            with open(os.path.join(run, s, "title")) as f:
                title = f.read().rstrip("\n")
            sk, st, passed = report_step(xf, base, k, title, load(os.path.join(run, s, NAME)), tot)
            ktap += sk
            txt += st
            ok += passed
            ktap.append("%s %d step %s: %s" % ("ok" if passed else "not ok", i, k, title))
        ktap.append("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0" % (ok, len(ss) - ok))
        for path, text in (("report.ktap", ktap), ("report.txt", txt)):
            with open(os.path.join(run, path), "w") as f:
                f.write("\n".join(text) + "\n")
        print("\n".join(txt))
        print("   (KTAP: %s/report.ktap)" % run)
    fail = tot["fail"] + tot["xpass"]
    for run in runs:
        with open(os.path.join(run, "totals.json"), "w") as f:
            f.write('{"passed": %d, "xfail": %d, "failed": %d, "skipped": %d, "runs": %d}\n' % (
                tot["pass"], tot["xfail"], fail, tot["skip"], len(runs)))
    print()
    print("Totals: %d passed, %d expected failures (labelled XFAIL, counted as passed), "
          "%d failed, %d skipped" % (tot["pass"], tot["xfail"], fail, tot["skip"]))
    print("%d passed, %d failed, %d skipped" % (tot["pass"] + tot["xfail"], fail, tot["skip"]))
    return 1 if fail else 0


def main(argv):
    cmds = {"add": 3, "status": 2, "log-bad": 1, "tally": 2, "steps": 1, "summary": 1, "meta": 2,
            "report": 1}
    if argv[1:2] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 < cmds[argv[1]] or \
            (argv[1] not in ("add", "report") and len(argv) - 2 != cmds[argv[1]]):
        print("usage: results.py add FILE NAME STATUS [DETAIL...] | status FILE NAME | "
              "log-bad FILE | tally FILE WHERE | steps RUN | summary RUN | meta RUN KEY | "
              "report RUN...",
              file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "add":
        try:
            extend(args[0], [row(args[1], args[2], lines(*args[3:]))])
        except ValueError as e:
            print("error: results.py add: %s" % e, file=sys.stderr)
            return 2
    elif cmd == "status":
        print(next((r["status"] for r in reversed(load(args[0])) if r["name"] == args[1]), "-"))
    elif cmd == "log-bad":
        if not os.path.exists(args[0]):
            print("-")
        else:
            print(", ".join(r["name"][5:] for r in load(args[0]) if r["name"].startswith("log: ")
                            and not r["name"].startswith("log: hogged CPU")
                            and r["status"] != "pass"))
    elif cmd == "tally":
        rs = load(args[0])
        bad = "".join("\n  %s: %s" % (r["status"], r["name"]) for r in rs if r["status"] != "pass")
        print("[done] %s: %d results, %s" % (args[1], len(rs), "not passing:" + bad if bad else "all pass"))
    elif cmd == "steps":
        for s in steps(args[0]):
            print(s)
    elif cmd == "summary":
        for s in steps(args[0]):
            f = os.path.join(args[0], s, NAME)
            if os.path.exists(f):
                print("%s %d %d %d" % ((s[5:],) + counts(load(f))))
    elif cmd == "meta":
        print(read_meta(args[0]).get(args[1], ""))
    else:
        xf = os.environ.get("EXPECTED_FAILURES") or os.path.join(TOP, "testing", "expected-failures")
        return report(args, xf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
