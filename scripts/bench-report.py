#!/usr/bin/env python3
"""bench-report.py BENCHDIR: aggregate the boots of one "make bench" run.

Reads BENCHDIR/meta and BENCHDIR/<kernel>-<n>/ktap.log (the "# bench:"
lines printed by testing/bench/guest/vmalloc_bench.sh) and writes
  BENCHDIR/bench.json      every raw figure plus the summary and targets
  BENCHDIR/bench.md        the Markdown tables the cover letter includes
  BENCHDIR/latency-cdf.png probe latency CDF, base against series (gnuplot)
then prints bench.md. Ratios compare kernels of the same run only.
With --cpus OUTDIR BENCHDIR..., the CPU axis instead: counts from the
backlog curve of runs at several vCPU counts, into OUTDIR/cpus.md.
Exit status: 0 when every boot produced data, 1 otherwise (targets that
are not met are reported, not turned into a failure).

The work is done by the modules of scripts/report/bench/ (parse, stats,
tables, plot, cpus); this is their command line.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abrun import cli_help, read_run  # noqa: E402
from report.bench.parse import parse_boot, complete  # noqa: E402
from report.bench.stats import summarize, targets  # noqa: E402
from report.bench.tables import markdown  # noqa: E402
from report.bench.plot import plot, plot_curve  # noqa: E402
from report.bench.cpus import cpus_report  # noqa: E402


def main():
    cli_help(sys.argv, __doc__)
    dirs = sys.argv[3:] if sys.argv[1:2] == ["--cpus"] else sys.argv[1:2]
    for d in dirs:
        if not os.path.isfile(os.path.join(d, "meta")):
            sys.exit("error: %s is not a make bench directory (no meta file)" % d)
    if len(sys.argv) > 3 and sys.argv[1] == "--cpus":
        sys.exit(0 if cpus_report(sys.argv[2], sys.argv[3:]) else 1)
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py BENCHDIR | --cpus OUTDIR BENCHDIR...")
    out = sys.argv[1]
    meta, boots = read_run(out, parse_boot)
    for b in boots:
        st = os.path.join(out, b["dir"], "boot.status")
        b["boot_status"] = open(st).read().strip() if os.path.exists(st) else "none"
    s = summarize(boots)
    tg = targets(s)
    md = markdown(meta, s, tg, boots)
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump({"meta": meta, "summary": s, "targets": tg, "boots": boots},
                  f, indent=1, sort_keys=True)
    with open(os.path.join(out, "bench.md"), "w") as f:
        f.write(md)
    plot(out, boots)
    plot_curve(out, boots)
    print(md, end="")
    ok = bool(boots) and all(complete(b) for b in boots)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
