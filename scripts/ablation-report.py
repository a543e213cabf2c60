#!/usr/bin/env python3
"""ablation-report.py DIR: count the work of each kernel of one
scripts/ab-boots.sh run of vmalloc/drain_placement.sh (make ablation) and
compare the two kernels boot pair by boot pair. Reads DIR/meta and
DIR/<base|series>-<n>/ktap.log; writes DIR/ablation.json and prints the
Markdown summary (DIR/ablation.md with --write).

The figures are counts, not times, so TCG speed does not enter them:
drains queued and started, purge helpers queued, purges that purged at
least one area (each flushes the kernel TLB once) and purges that purged
none, and the function-call IPIs received during the stress. Pairs are
judged with report.paired (declared rule in its docstring)."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abrun import cli_help, read_boots, read_meta  # noqa: E402
from report.fmt import spread  # noqa: E402
from report.paired import paired  # noqa: E402

# (key, label, regex on a "# ..." line of drain_placement.sh, group)
FIELDS = [
    ("drains_queued", "drains queued",
     r"queued: drain=(\d+) helpers=\d+;", 1),
    ("drains_started", "drains started",
     r"executions: drain=(\d+) helpers=\d+$", 1),
    ("helpers_queued", "purge helpers queued",
     r"queued: drain=\d+ helpers=(\d+);", 1),
    ("purges", "purges that purged >= 1 area (one kernel TLB flush each)",
     r"purges: (\d+) purged at least one area", 1),
    ("empty_purges", "purges that purged none",
     r"purges: \d+ purged at least one area, (\d+) purged none", 1),
    ("ipis", "function-call IPIs during the stress",
     r"function-call IPIs during the stress: (\d+)", 1),
]


def parse(path):
    b = {"complete": False}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n").lstrip("# ")
            for key, _, rx, g in FIELDS:
                m = re.search(rx, line)
                if m:
                    b[key] = int(m.group(g))
    b["complete"] = all(k in b for k, *_ in FIELDS)
    return b


def summarize(out):
    meta = read_meta(out)
    boots = read_boots(out, parse)
    by = {(b["kernel_kind"], b["boot"]): b for b in boots}
    nums = sorted({b["boot"] for b in boots})
    complete = [n for n in nums
                if by.get(("base", n), {}).get("complete")
                and by.get(("series", n), {}).get("complete")]
    rows = []
    for key, label, *_ in FIELDS:
        pairs = [(by[("base", n)][key], by[("series", n)][key])
                 for n in complete]
        rows.append({
            "key": key, "label": label,
            "base": [b for b, _ in pairs], "series": [s for _, s in pairs],
            "paired": paired(pairs),
        })
    return {"meta": meta, "pairs": len(complete),
            "incomplete_boots": sorted(b["dir"] for b in boots
                                       if not b["complete"]),
            "rows": rows}


def markdown(s):
    m = s["meta"]
    out = ["# Work counted per boot: %s vs %s" % (
               m.get("base_kernel", "?"), m.get("top", "?")),
           "",
           "%s, variant %s, %s vCPUs, %s, %s; %d complete boot pairs "
           "(alternated), cmdline: %s" % (
               m.get("package", "?"), m.get("variant", "?"),
               m.get("smp", "?"), m.get("mem", "?"), m.get("accel", "?"),
               s["pairs"], m.get("cmdline", "")),
           ""]
    if s["incomplete_boots"]:
        out += ["Incomplete boots (not paired): " +
                ", ".join(s["incomplete_boots"]), ""]
    out += ["| figure | first kernel | second kernel | ratio (geo. mean) "
            "| 95% interval | pairs lower/higher | sign test p | change |",
            "|---|---|---|---|---|---|---|---|"]
    for r in s["rows"]:
        p = r["paired"]
        if p is None:
            cells = ["n/a (a zero count)"] + [""] * 4
        else:
            down = sum(1 for x in p["ratios"] if x < 1)
            up = sum(1 for x in p["ratios"] if x > 1)
            cells = ["%.3f" % p["geomean"],
                     "%.3f-%.3f" % (p["lo"], p["hi"]),
                     "%d/%d" % (down, up), "%.3f" % p["sign_p"],
                     "yes" if p["change"] else "no"]
        out.append("| %s | %s | %s | %s |" % (
            r["label"], spread(r["base"]), spread(r["series"]),
            " | ".join(cells)))
    out += ["", "Per boot: median [min..max]. A change is reported when the "
            "paired 95% bootstrap interval excludes 1 and the sign test "
            "gives p < 0.05 (scripts/report/paired.py)."]
    return "\n".join(out) + "\n"


def main():
    cli_help(sys.argv, __doc__)
    args = [a for a in sys.argv[1:] if a != "--write"]
    if len(args) != 1:
        sys.exit("usage: ablation-report.py [--write] DIR (ablation-report.py --help)")
    out = args[0]
    if not os.path.isfile(os.path.join(out, "meta")):
        sys.exit("ablation-report.py: %s is not a run directory (no meta); "
                 "run make ablation first" % out)
    s = summarize(out)
    with open(os.path.join(out, "ablation.json"), "w") as f:
        json.dump(s, f, indent=1, sort_keys=True)
        f.write("\n")
    md = markdown(s)
    if "--write" in sys.argv[1:]:
        with open(os.path.join(out, "ablation.md"), "w") as f:
            f.write(md)
    sys.stdout.write(md)


if __name__ == "__main__":
    main()
