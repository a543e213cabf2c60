#!/usr/bin/env python3
"""ablation-report.py DIR: count the work of each kernel of one
scripts/ab-boots.sh run of vmalloc/drain_placement.sh (make ablation),
side by side, and compare each kernel with the one before it boot round
by boot round. Reads DIR/meta and DIR/<kernel>-<n>/ktap.log (kernels
step<k> of AB_STEPS, or base and series); writes DIR/ablation.json and
prints the Markdown summary (DIR/ablation.md with --write).

The figures are counts, not times, so TCG speed does not enter them:
drains queued and started, purge helpers queued, purges that purged at
least one area and purges that purged none, areas purged, calls of
flush_tlb_kernel_range(), the function-call IPIs received during the
stress, and contentions on vmap_purge_lock. The one time, the wait on
vmap_purge_lock, is guest time. Figures a kernel's log lacks (a run
older than the counter, a kernel without kprobe events or lock_stat)
are n/a. Pairs are judged with report.paired (declared rule in its
docstring)."""
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abrun import cli_help, read_boots, read_meta  # noqa: E402
from report.fmt import spread  # noqa: E402
from report.paired import paired  # noqa: E402

NUM = r"(\d+(?:\.\d+)?)"
# (key, label, regex on a "# ..." line of drain_placement.sh, required)
FIELDS = [
    ("drains_queued", "drains queued",
     r"queued: drain=(\d+) helpers=\d+;", True),
    ("drains_started", "drains started",
     r"executions: drain=(\d+) helpers=\d+$", True),
    ("helpers_queued", "purge helpers queued",
     r"queued: drain=\d+ helpers=(\d+);", True),
    ("purges", "purges that purged >= 1 area",
     r"purges: (\d+) purged at least one area", True),
    ("empty_purges", "purges that purged none",
     r"purges: \d+ purged at least one area, (\d+) purged none", True),
    ("areas", "areas purged",
     r"areas purged in all: (\d+)", False),
    ("tlb_flushes", "flush_tlb_kernel_range() calls",
     r"flush_tlb_kernel_range\(\) calls during the stress: (\d+)", False),
    ("ipis", "function-call IPIs during the stress",
     r"function-call IPIs during the stress: (\d+)", True),
    ("lock_contentions", "contentions on vmap_purge_lock",
     r"vmap_purge_lock during the stress: (\d+) contentions", False),
    ("lock_wait_us", "wait on vmap_purge_lock, us (guest time)",
     r"vmap_purge_lock during the stress: \d+ contentions, " + NUM +
     " us waited", False),
    ("lost_events", "trace events lost to full buffers",
     r"trace events lost \(buffer overruns\): (\d+)", False),
]


def parse(path):
    b = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n").lstrip("# ")
            for key, _, rx, _ in FIELDS:
                m = re.search(rx, line)
                if m:
                    v = float(m.group(1))
                    b[key] = int(v) if v.is_integer() else v
    b["complete"] = all(k in b for k, _, _, req in FIELDS if req)
    return b


def kernels(meta):
    """The kernels of the run in step order, each with its description."""
    if "kernels" in meta:
        names = meta["kernels"].split()
        return names, {k: meta.get("kernel." + k, "?") for k in names}
    return (["base", "series"],
            {"base": meta.get("base_kernel", "?"),
             "series": meta.get("top", "?")})


def summarize(out):
    meta = read_meta(out)
    names, desc = kernels(meta)
    boots = read_boots(out, parse)
    by = {(b["kernel_kind"], b["boot"]): b for b in boots if b["complete"]}
    rounds = sorted({b["boot"] for b in boots})
    figures = []
    for key, label, *_ in FIELDS:
        figures.append({"key": key, "label": label, "values": {
            k: [by[(k, n)][key] for n in rounds
                if (k, n) in by and key in by[(k, n)]] for k in names}})
    comparisons = []
    for a, b in zip(names, names[1:]):
        both = [n for n in rounds if (a, n) in by and (b, n) in by]
        rows = []
        for key, *_ in FIELDS:
            pairs = [(by[(a, n)].get(key), by[(b, n)].get(key))
                     for n in both]
            rows.append({"key": key, "paired": paired(pairs)})
        comparisons.append({"from": a, "to": b, "pairs": len(both),
                            "rows": rows})
    return {"meta": meta, "kernels": names, "descriptions": desc,
            "rounds": len(rounds), "figures": figures,
            "comparisons": comparisons,
            "incomplete_boots": sorted(b["dir"] for b in boots
                                       if not b["complete"])}


def median(v):
    return statistics.median(v) if v else None


def markdown(s):
    m, names = s["meta"], s["kernels"]
    out = ["# Work counted per boot, kernel by kernel", "",
           "%s, variant %s, %s vCPUs, %s, %s; %d boot rounds (every "
           "kernel once per round, alternated), cmdline: %s" % (
               m.get("package", "?"), m.get("variant", "?"),
               m.get("smp", "?"), m.get("mem", "?"), m.get("accel", "?"),
               s["rounds"], m.get("cmdline", "")), ""]
    out += ["- %s: %s" % (k, s["descriptions"][k]) for k in names] + [""]
    if s["incomplete_boots"]:
        out += ["Incomplete boots (left out): " +
                ", ".join(s["incomplete_boots"]), ""]
    out += ["| figure | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names)]
    for f in s["figures"]:
        out.append("| %s | %s |" % (f["label"], " | ".join(
            spread(f["values"][k]) for k in names)))
    out += ["", "Per boot: median [min..max]."]
    labels = {f["key"]: f["label"] for f in s["figures"]}
    for c in s["comparisons"]:
        out += ["", "## %s against %s (%d pairs)" % (
                    c["to"], c["from"], c["pairs"]), "",
                "| figure | ratio (geo. mean) | 95% interval "
                "| pairs lower/higher | sign test p | change |",
                "|---|---|---|---|---|---|"]
        for r in c["rows"]:
            p = r["paired"]
            if p is None:
                cells = ["n/a (a zero or missing count)"] + [""] * 4
            else:
                down = sum(1 for x in p["ratios"] if x < 1)
                up = sum(1 for x in p["ratios"] if x > 1)
                cells = ["%.3f" % p["geomean"],
                         "%.3f-%.3f" % (p["lo"], p["hi"]),
                         "%d/%d" % (down, up), "%.3f" % p["sign_p"],
                         "yes" if p["change"] else "no"]
            out.append("| %s | %s |" % (labels[r["key"]], " | ".join(cells)))
    out += ["", "A change is reported when the paired 95% bootstrap "
            "interval excludes 1 and the sign test gives p < 0.05 "
            "(scripts/report/paired.py); pairs are the two kernels' boots "
            "of one round."]
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
