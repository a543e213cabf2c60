#!/usr/bin/env python3
"""torture-report.py TORTUREDIR [KASAN_RUN]: the reliability table.

Reads TORTUREDIR/meta and, for each boot TORTUREDIR/<kernel>-<n>/, the
"# torture:" rows of ktap.log (printed by testing/torture/guest/*.sh) and
results.json (test results and the kernel log scan). KASAN_RUN, when given,
is a report directory of "make KASAN=1 STEPS=ends" whose base and top
steps become the KASAN rows. Writes reliability.json and reliability.md
into TORTUREDIR and prints the Markdown. Exit status 1 when a test failed
or a boot's kernel log has a failing match (hog reports on the base
excepted: they are the known defect, listed separately).
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abrun import cli_help, read_boots, read_meta  # noqa: E402
from report.results import load as load_results, steps as run_steps  # noqa: E402

KERNELS = ("base", "series")
TEST_OF = {"hotplug": "hotplug_churn.sh", "mem_pressure": "mem_pressure.sh",
           "fault_inject": "fault_inject.sh", "reclaim_stall": "reclaim_stall.sh",
           "pool_decay": "pool_decay.sh"}
# The induced reclaim stall is expected on the base: there its failure is
# the reproduction ("stalled"), and the hung-task reports of that boot are
# its symptom, not a separate failure.
REPRODUCER = "reclaim_stall"
REPRO_LOG = {"log: hung task"}
HOG = "log: hogged CPU"


def read_results(path):
    """(name, status, detail lines) of each row of a results.json."""
    return [(r["name"], r["status"], r["detail"]) for r in load_results(path)]


def parse_rows(path):
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"^# torture: test=(\S+) iterations=(\d+) faults=(\d+) "
                         r"failures=(\d+) load=(.*)$", line.rstrip("\n"))
            if m:
                rows[m.group(1)] = {"iterations": int(m.group(2)),
                                    "faults": int(m.group(3)),
                                    "failures": int(m.group(4)),
                                    "load": m.group(5)}
    return rows


def stalled(b):
    """The reproducer failed in boot B because it saw the stall (its own
    row says failures=1), not because it broke."""
    row = b["rows"].get(REPRODUCER)
    return (b["tests"].get("selftests: torture: " + TEST_OF[REPRODUCER]) == "fail"
            and row is not None and row["failures"] >= 1)


def main():
    cli_help(sys.argv, __doc__)
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: torture-report.py TORTUREDIR [KASAN_RUN]")
    out = sys.argv[1]
    meta = read_meta(out)
    boots = []
    for b in read_boots(out, lambda kt: {"rows": parse_rows(kt)}):
        d = os.path.join(out, b["dir"])
        res = read_results(os.path.join(d, "results.json"))
        st = os.path.join(d, "boot.status")
        boots.append({
            "dir": b["dir"], "kernel": b["kernel_kind"],
            "status": open(st).read().strip() if os.path.exists(st) else "none",
            "rows": b["rows"],
            "tests": {n: s for n, s, _ in res if n.startswith("selftests:")},
            "log_fail": [n for n, s, _ in res if n.startswith("log: ") and s == "fail"],
        })

    table, bad = [], []
    for test, script in TEST_OF.items():
        # Only the tests this run asked for (TORTURE_TESTS=...).
        if not any("selftests: torture: " + script in b["tests"] for b in boots):
            continue
        for k in KERNELS:
            bs = [b for b in boots if b["kernel"] == k]
            results = [b["tests"].get("selftests: torture: " + script, "missing")
                       for b in bs]
            rows = [b["rows"][test] for b in bs if test in b["rows"]]
            if all(r == "skip" for r in results) and results:
                result = "skip"
            elif results and all(r == "pass" for r in results):
                result = "pass"
            elif test == REPRODUCER and k == "base" and results and \
                    all(r == "skip" or stalled(b) for r, b in zip(results, bs)):
                result = "stalled in %d of %d boots (reproduced)" % (
                    sum(map(stalled, bs)), len(results))
            else:
                result = "FAIL"
                bad.append("%s on %s: %s" % (test, k, results))
            table.append({
                "test": test, "kernel": k, "boots": len(bs),
                "load": rows[0]["load"] if rows else "n/a",
                "iterations": [r["iterations"] for r in rows],
                "faults": [r["faults"] for r in rows],
                "failures": [r["failures"] for r in rows],
                "results": results, "result": result,
            })
    logs = []
    for k in KERNELS:
        bs = [b for b in boots if b["kernel"] == k]
        fails = sorted({n for b in bs for n in b["log_fail"] if n != HOG and not (
            k == "base" and n in REPRO_LOG and stalled(b))})
        hogs = sum(HOG in b["log_fail"] for b in bs)
        statuses = [b["status"] for b in bs]
        logs.append({"kernel": k, "boots": len(bs), "log_failures": fails,
                     "boots_with_hog_reports": hogs, "boot_status": statuses})
        if fails or any(s != "ok" for s in statuses):
            bad.append("%s kernel log/boot: %s %s" % (k, fails, statuses))
        if k == "series" and hogs:
            bad.append("series: hog reports in %d boots" % hogs)

    kasan = []
    if len(sys.argv) == 3:
        run = sys.argv[2]
        steps = [d for d in run_steps(run) if d != "step-0+tests"]
        # The base runs the series' tests where it can (step 0+tests, as
        # in the torture boots); their failures there are the fix's own
        # tests failing on unfixed code, which is expected.
        first = ("step-0+tests" if os.path.isdir(os.path.join(
            run, "step-0+tests")) else steps[0])
        for d, k in ((first, "base"), (steps[-1], "series")):
            res = read_results(os.path.join(run, d, "results.json"))
            t = [(n, s) for n, s, _ in res if n.startswith("selftests:")]
            ks = [s if s == "pass" else "%s: %s" % (s, x[0] if x else "")
                  for n, s, x in res if n == "log: KASAN"]
            kasan.append({"kernel": k, "step": d, "run": os.path.basename(
                os.path.realpath(run)),
                "tests": len(t), "passed": sum(s == "pass" for _, s in t),
                "failed": sum(s == "fail" for _, s in t),
                "skipped": sum(s == "skip" for _, s in t),
                "kasan_reports": ks[0] if ks else "not scanned",
                "boot": next((s for n, s, _ in res if n == "boot"), "none")})
            if ks and ks[0] != "pass":
                bad.append("KASAN report on %s" % k)
            if k == "series" and kasan[-1]["failed"]:
                bad.append("series: %d tests failed under KASAN"
                           % kasan[-1]["failed"])

    md = ["Reliability: %s, %s boots per kernel, variant %s, guest %s, "
          "%s CPUs (%s)" % (meta.get("package", "?"), meta.get("boots", "?"),
                            meta.get("variant", "?"), meta.get("mem", "?"),
                            meta.get("smp", "?"), meta.get("accel", "?").upper()),
          "base = %s" % meta.get("base_kernel", "?"),
          "series = %s" % meta.get("top", "?"), "",
          "| test | kernel | load | iterations per boot | faults injected "
          "per boot | failures observed | result |",
          "|---|---|---|---|---|---|---|"]
    for r in table:
        md.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            r["test"], r["kernel"], r["load"],
            " / ".join(map(str, r["iterations"])) or "n/a",
            " / ".join(map(str, r["faults"])) or "n/a",
            " / ".join(map(str, r["failures"])) or "n/a", r["result"]))
    md += ["", "| kernel | boots | kernel log: failing matches "
           "(lockdep, WARNING, BUG, KASAN, hung task, kmemleak, panic, ...) "
           "| boots with drain hog reports |", "|---|---|---|---|"]
    for r in logs:
        md.append("| %s | %s | %s | %d |" % (
            r["kernel"], r["boots"], ", ".join(r["log_failures"]) or "none",
            r["boots_with_hog_reports"]))
    if kasan:
        md += ["", "| full test set under KASAN (KASAN_VMALLOC) | run | boot "
               "| tests passed / failed / skipped | KASAN reports |",
               "|---|---|---|---|---|"]
        for r in kasan:
            md.append("| %s (%s) | %s | %s | %d / %d%s / %d | %s |" % (
                r["kernel"], r["step"], r["run"], r["boot"], r["passed"],
                r["failed"], " (expected: tests of the fix on the unfixed "
                "base)" if r["kernel"] == "base" and r["failed"] else "",
                r["skipped"],
                "none" if r["kasan_reports"] == "pass" else r["kasan_reports"]))
    if bad:
        md += ["", "Problems: " + "; ".join(bad)]
    md.append("")
    with open(os.path.join(out, "reliability.json"), "w") as f:
        json.dump({"meta": meta, "table": table, "logs": logs,
                   "kasan": kasan, "problems": bad, "boots": boots}, f,
                  indent=1, sort_keys=True)
    with open(os.path.join(out, "reliability.md"), "w") as f:
        f.write("\n".join(md))
    print("\n".join(md))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
