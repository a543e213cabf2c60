"""make bench, CPU axis: counts per vCPU count (cpus.md)."""
import json
import os
import statistics
import sys

from abrun import read_boots, read_meta
from report.bench.parse import parse_boot
from report.bench.common import KERNELS, num


def cpus_report(out, dirs):
    """The CPU axis (make bench, part "cpus"): one ab-boots directory per
    vCPU count, each boot running only the backlog curve. Counts, not
    times: drains, areas per drain, purge helper executions, and where the
    drain ran relative to the CPU that queued it. Writes OUT/cpus.json and
    OUT/cpus.md and prints the latter."""
    rows, data = [], []
    for d in dirs:
        meta = read_meta(d)
        boots = read_boots(d, parse_boot)
        for b in boots:
            if b["result"] != "pass":
                print("warning: %s/%s: no complete data, left out"
                      % (d, b["dir"]), file=sys.stderr)
                continue
            for n, a in sorted(b["segments"].items(),
                               key=lambda x: int(x[0][6:])
                               if x[0].startswith("curve-") else 0):
                if not n.startswith("curve-"):
                    continue
                q = a["queue_cpu"] or {}
                data.append({
                    "smp": int(meta.get("smp", 0)), "kernel": b["kernel_kind"],
                    "boot": b["boot"], "pages": int(n[6:]),
                    "drains": len(a["drain_areas"]),
                    "skipped": a["drains_skipped"],
                    "areas_median": statistics.median(
                        [x[0] for x in a["drain_areas"]]) if a["drain_areas"] else 0,
                    "helpers": len(a["durations"].get("purge_vmap_node", [])),
                    "queue_same": q.get("same", 0),
                    "queue_other": q.get("other", 0)})
    keys = sorted({(x["smp"], x["pages"]) for x in data})
    rows = ["CPU axis: the backlog curve at each vCPU count (counts per boot; "
            "times are left out on purpose: overcommitted TCG vCPUs make "
            "them meaningless). Cells: base / series.", "",
            "| vCPUs | pages | drains that purged | drains that returned "
            "without purging | median areas per purging drain | purge "
            "helper executions | drains on the queueing CPU | drains on "
            "another CPU |", "|---|---|---|---|---|---|---|---|"]

    def cell(smp, pages, key):
        v = []
        for k in KERNELS:
            xs = [x[key] for x in data if (x["smp"], x["pages"], x["kernel"])
                  == (smp, pages, k)]
            v.append(num(statistics.median(xs)) if xs else "n/a")
        return " / ".join(v)
    for smp, pages in keys:
        rows.append("| %d | %d | %s | %s | %s | %s | %s | %s |" % (
            smp, pages, cell(smp, pages, "drains"),
            cell(smp, pages, "skipped"),
            cell(smp, pages, "areas_median"), cell(smp, pages, "helpers"),
            cell(smp, pages, "queue_same"), cell(smp, pages, "queue_other")))
    md = "\n".join(rows) + "\n"
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "cpus.json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    with open(os.path.join(out, "cpus.md"), "w") as f:
        f.write(md)
    print(md, end="")
    return bool(data)
