"""Checks of results/CITED: each figure the prose quotes is what the
committed run it names gives, and the prose file quotes it.

A CITED line is "FILE RUN FIGURE ARG1 ARG2 A B". The run's JSON decides
what FIGURE means:
  ablation.json    FIGURE is a figure key, ARG1 and ARG2 two kernels
                   (step0, step1, ...); A and B are their per-boot medians,
                   quoted as "A -> B" or "A to B"; or KEY:pct, ARG1 the
                   step ARG2 is paired against: A is the change of the
                   paired ratios' geometric mean in whole per cent
                   (B "-"), quoted as "A%"; or KEY:ratio, ARG1 and
                   ARG2 as for :pct: A is the paired ratios' geometric
                   mean and B its 95% interval "LO-HI" (three decimals,
                   as the ablation report prints them), quoted as "A,
                   LO-HI", or B "-" and A quoted alone; or KEY:down,
                   ARG1 and ARG2 as for :pct: A of the B pairs have a
                   ratio below 1, quoted as "A of B pairs" or, when all
                   are, "all B pairs"; or KEY:none, ARG1 and ARG2 two
                   kernels: A is the sum of KEY over all their boots (B
                   "-"), 0 quoted as "no WORD" (NONE_WORD[KEY]).
  isolcpu.json     FIGURE is a key of the summary, ARG1 and ARG2 the
                   kernels (base, series); as above.
  reliability.json FIGURE is TEST:STATUS (a boot's status of
                   "selftests: torture: TEST"), ARG1 a kernel: A of its B
                   boots had that status, quoted as "A of B"; or
                   ROW:drop_caches_ms, ARG1 a kernel: the fastest and
                   slowest drop_caches of its boots, quoted as "A to B ms".
  totals.json      (a run of make) FIGURE is "totals", ARG1 and ARG2 two
                   of its counts: passed and xfail, quoted as "A passed, B
                   expected failures", or failed and skipped, quoted as
                   "A failed, B skipped"; or "chunks", ARG1 a step
                   directory (step-5) and ARG2 "-": the percpu chunks
                   the GFP test created in its gfp=nofs and gfp=noio
                   runs there, quoted as "A and B new chunks".
A half-way median (an even number of boots) is rounded up, as the prose
rounds it.

  python3 -m report.cited TOP    prints one line per failed check; exit 1
                                 if there is one
"""
import json
import os
import re
import statistics
import sys

from report import results

PAIR = r"(^|[^0-9])%s( per boot| \(median\))?( to | -> )%s([^0-9]|$)"
# How the prose says that a count of KEY:none was 0 in every boot.
NONE_WORD = {"lock_contentions": "contention"}


def _medians(a, b):
    return [int(statistics.median(v) + 0.5) for v in (a, b)]


def figure(run, key, k1, k2):
    """(numbers, regex) of one cited figure of RUN (a directory)."""
    path = os.path.join(run, "ablation.json")
    if os.path.exists(path) and key.endswith(":pct"):
        c = [c for c in json.load(open(path))["comparisons"] if c["from"] == k1 and c["to"] == k2][0]
        g = [r for r in c["rows"] if r["key"] == key[:-4]][0]["paired"]["geomean"]
        return [int(abs(g - 1) * 100 + 0.5)], r"(^|[^0-9.])%s%%"
    if os.path.exists(path) and key.endswith(":down"):
        c = [c for c in json.load(open(path))["comparisons"] if c["from"] == k1 and c["to"] == k2][0]
        p = [r for r in c["rows"] if r["key"] == key[:-5]][0]["paired"]
        down = sum(1 for x in p["ratios"] if x < 1)
        return [down, p["n"]], (r"(^|[^0-9])(%s of|all) %s pairs" if down == p["n"]
                                else r"(^|[^0-9])%s of %s pairs")
    if os.path.exists(path) and key.endswith(":none"):
        v = [f for f in json.load(open(path))["figures"] if f["key"] == key[:-5]][0]["values"]
        total = sum(v[k1]) + sum(v[k2])
        # Only a count of 0 is quoted as "no WORD" ("%.0s" takes the 0).
        return [total], (r"\bno %s\b%%.0s" % NONE_WORD[key[:-5]] if total == 0 else r"(?!)%s")
    if os.path.exists(path) and key.endswith(":ratio"):
        c = [c for c in json.load(open(path))["comparisons"] if c["from"] == k1 and c["to"] == k2][0]
        p = [r for r in c["rows"] if r["key"] == key[:-6]][0]["paired"]
        return (["%.3f" % p["geomean"], "%.3f-%.3f" % (p["lo"], p["hi"])],
                r"(^|[^0-9.])%s, %s([^0-9]|$)")
    if os.path.exists(path):
        v = [f for f in json.load(open(path))["figures"] if f["key"] == key][0]["values"]
        return _medians(v[k1], v[k2]), PAIR
    path = os.path.join(run, "isolcpu.json")
    if os.path.exists(path):
        s = json.load(open(path))["summary"]
        return _medians(s[k1][key], s[k2][key]), PAIR
    if key == "chunks":
        detail = [ln for r in results.load(os.path.join(run, k1, "results.json"))
                  for ln in r["detail"]]
        n = [re.search(r"gfp=%s: (\d+) percpu chunks created" % m, "\n".join(detail))
             for m in ("nofs", "noio")]
        return [int(x.group(1)) if x else "none" for x in n], r"(^|[^0-9])%s and %s new chunks"
    path = os.path.join(run, "totals.json")
    if key == "totals" and os.path.exists(path):
        t = json.load(open(path))
        words = {"passed": "passed", "xfail": "expected failures",
                 "failed": "failed", "skipped": "skipped"}
        return [t[k1], t[k2]], r"(^|[^0-9])%%s %s, %%s %s" % (words[k1], words[k2])
    boots = [b for b in json.load(open(os.path.join(run, "reliability.json")))["boots"]
             if b["kernel"] == k1]
    name, what = key.split(":")
    if what == "drop_caches_ms":
        ms = [int(m) for b in boots
              for m in re.findall(r"drop_caches after (\d+) ms", b["rows"].get(name, {}).get("load", ""))]
        return [min(ms), max(ms)], r"(^|[^0-9])%s to %s ms"
    test = "selftests: torture: " + name
    n = sum(1 for b in boots if b["tests"].get(test) == what)
    return [n, len(boots)], r"(^|[^0-9])%s of %s([^0-9]|$)"


def check(top):
    """The failed checks of TOP/results/CITED, as messages."""
    bad = []
    for ln in open(os.path.join(top, "results", "CITED")):
        if ln.startswith("#") or not ln.strip():
            continue
        f, run, key, k1, k2, a, b = ln.split()
        if not os.path.exists(os.path.join(top, f)):
            bad.append("CITED: no file %s" % f)
            continue
        if not os.path.exists(os.path.join(top, run, "meta")):
            bad.append("CITED: no run %s" % run)
            continue
        got, pattern = figure(os.path.join(top, run), key, k1, k2)
        got = [str(x) for x in got]
        want = [a] if b == "-" else [a, b]
        if key.endswith(":ratio") and b == "-":
            got, pattern = got[:1], r"(^|[^0-9.])%s([^0-9]|$)"
        if got != want:
            bad.append("%s: %s %s (%s, %s) is %s, CITED says %s"
                       % (f, run, key, k1, k2, " ".join(map(str, got)), " ".join(map(str, want))))
            continue
        prose = " ".join(open(os.path.join(top, f)).read().split())
        if not re.search(pattern % tuple(re.escape(x) for x in want), prose):
            bad.append("%s does not quote %s (%s, %s) as %s, %s" % (f, key, k1, k2, a, b))
    return bad


if __name__ == "__main__":
    msgs = check(sys.argv[1])
    for m in msgs:
        print(m)
    sys.exit(1 if msgs else 0)
