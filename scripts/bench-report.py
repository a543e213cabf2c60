#!/usr/bin/env python3
"""bench-report.py BENCHDIR: aggregate the boots of one "make bench" run.

Reads BENCHDIR/meta and BENCHDIR/<kernel>-<n>/ktap.log (the "# bench:"
lines printed by testing/bench/guest/vmalloc_bench.sh) and writes
  BENCHDIR/bench.json      every raw figure plus the summary and targets
  BENCHDIR/bench.md        the Markdown tables the cover letter includes
  BENCHDIR/latency-cdf.png probe latency CDF, base against series (gnuplot)
then prints bench.md. Ratios compare kernels of the same run only.
Exit status: 0 when every boot produced data, 1 otherwise (targets that
are not met are reported, not turned into a failure).
"""
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys

import ktap
import wqtrace
from abrun import read_boots, read_meta

KERNELS = ("base", "series")
# Targets of the benchmark (issue 7).
LAT_FACTOR = 10        # series max probe latency <= base / LAT_FACTOR
PERF_LIMIT = 1.02      # series / base time per test_vmalloc test
# Throughput verdicts: a 95% bootstrap interval of the series/base ratio
# of medians, resampling boots of each kernel (per boot: the mean of its
# passes). "regression" if the whole interval is above PERF_LIMIT, "no
# regression" if it is at or below it, else "inconclusive"; fewer than
# MIN_BOOTS boots per kernel is always inconclusive.
BOOTSTRAP = 4000
MIN_BOOTS = 3
# lib/test_vmalloc.c's "Summary: <test> passed: ... avg: <n> usec" line.
PERF = re.compile(r"Summary: (\w+) .*\bavg: (\d+) usec")


def bootstrap_ratio(base, series, seed=1):
    """95% percentile interval of median(series)/median(base), resampling
    each list with replacement; deterministic for a given input."""
    rng = random.Random(seed)
    rs = []
    for _ in range(BOOTSTRAP):
        b = statistics.median(rng.choices(base, k=len(base)))
        r = statistics.median(rng.choices(series, k=len(series)))
        rs.append(r / b)
    rs.sort()
    return rs[int(0.025 * BOOTSTRAP)], rs[int(0.975 * BOOTSTRAP) - 1]


def verdict(base, series):
    """(verdict, lo, hi, why) for per-boot values of one test."""
    if min(len(base), len(series)) < MIN_BOOTS:
        return ("inconclusive", None, None,
                "%d/%d boots; at least %d each are needed"
                % (len(base), len(series), MIN_BOOTS))
    lo, hi = bootstrap_ratio(base, series)
    if lo > PERF_LIMIT:
        v = "regression"
    elif hi <= PERF_LIMIT:
        v = "no regression"
    else:
        v = "inconclusive"
    return v, lo, hi, "95%% interval %.3f..%.3f (width %.3f) over %d/%d boots" % (
        lo, hi, hi - lo, len(base), len(series))


def parse_boot(path):
    """The bench figures of one boot's ktap.log: the guest's "bench:"
    lines, test_vmalloc's summaries ("bench-perf:"), and from its raw
    "bench-trace:" lines (drain and helper
    executions, purges) and "bench-sample:" lines (probe samples: cpu,
    queued_ns, latency_ns) the duration of every execution and the
    latencies of the samples that waited while one ran on their CPU."""
    b = {"probe": {}, "overlap": {}, "cdf": {}, "durations": {},
         "perf": {}, "notes": [], "lazy_purges": None, "result": None,
         "unpaired": 0}
    b["result"], lines = ktap.test_output(path, "selftests: bench: vmalloc_bench.sh")
    trace, samples = [], []
    for line in lines:
        if line.startswith("bench-trace: "):
            trace.append(line)
            continue
        m = PERF.search(line) if line.startswith("bench-perf: ") else None
        if m:
            # test -> {pass: usec}; busybox runs the init twice.
            t = b["perf"].setdefault(m.group(1), {})
            t[str(len(t) + 1)] = int(m.group(2))
            continue
        if line.startswith("bench-sample: "):
            f = line.split()
            if len(f) == 4 and all(x.isdigit() for x in f[1:]):
                samples.append(tuple(int(x) for x in f[1:]))
            continue
        if not line.startswith("bench: "):
            continue
        rest = line[len("bench: "):]
        kv = dict(re.findall(r"(\w+)=(\S+)", rest))
        if rest.startswith("probe "):
            b["probe"][kv["cpu"]] = {k: int(v) for k, v in kv.items()
                                     if k != "cpu"}
        elif rest.startswith("cdf "):
            b["cdf"].setdefault(kv["cpu"], []).append(
                (int(kv["permille"]) / 1000.0, int(kv["ns"])))
        elif rest.startswith("churn "):
            b["churn"] = {k: int(v) for k, v in kv.items()}
        elif rest.startswith("kernel="):
            b["kernel"] = kv
        elif rest.startswith("note="):
            b["notes"].append(kv["note"])
    if trace:
        execs, b["unpaired"] = wqtrace.executions(trace)
        for e in execs:
            b["durations"].setdefault(e["fn"], []).append(e["us"])
        b["lazy_purges"] = sum("purge_vmap_area_lazy:" in x for x in trace)
        b["overlap"] = wqtrace.quantiles(wqtrace.overlapping(execs, samples)) \
            or {"samples": 0}
    return b


def complete(b):
    return b["result"] == "pass" and "all" in b["probe"] and b["perf"]


def stats(v):
    if not v:
        return None
    return {"n": len(v), "min": min(v), "median": statistics.median(v),
            "max": max(v)}


def fmt_us(ns):
    return "%.0f" % (ns / 1000.0) if ns is not None else "n/a"


def num(x):
    """A count as an integer; a median of an even number of boots may be x.5."""
    return str(int(x)) if float(x).is_integer() else "%.1f" % x


def spread(v, f=num):
    """median [min..max] of per-boot values."""
    if not v:
        return "n/a"
    return "%s [%s..%s]" % (f(statistics.median(v)), f(min(v)), f(max(v)))


def summarize(boots):
    s = {}
    for k in KERNELS:
        bs = [b for b in boots if b["kernel_kind"] == k and complete(b)]
        pall = [b["probe"]["all"] for b in bs]
        ov = [b["overlap"] for b in bs if b["overlap"].get("samples")]
        d = {}
        for fn in ("drain_vmap_area_work", "purge_vmap_node"):
            v = [x for b in bs for x in b["durations"].get(fn, [])]
            d[fn] = stats(v)
        perf, by_pass, by_boot = {}, {}, {}
        for b in bs:
            for t, runs in b["perf"].items():
                by_boot.setdefault(t, []).append(
                    statistics.mean(runs.values()))
                for run, v in runs.items():
                    perf.setdefault(t, []).append(v)
                    by_pass.setdefault(t, {}).setdefault(run, []).append(v)
        s[k] = {
            "boots": len(bs),
            "probe_max_ns": [p["max_ns"] for p in pall],
            "probe_p99_ns": [p["p99_ns"] for p in pall],
            "probe_p50_ns": [p["p50_ns"] for p in pall],
            "probe_samples": [p["samples"] for p in pall],
            "overlap_samples": [b["overlap"].get("samples", 0) for b in bs],
            "overlap_max_ns": [o["max_ns"] for o in ov],
            "overlap_p99_ns": [o["p99_ns"] for o in ov],
            "overlap_p50_ns": [o["p50_ns"] for o in ov],
            "probe_missed": [p["missed"] for p in pall],
            "durations_us": d,
            "perf_usec": perf,
            "perf_usec_by_pass": by_pass,
            "perf_usec_by_boot": by_boot,
            "lazy_purges": [b["lazy_purges"] for b in bs],
        }
    return s


def targets(s):
    t = []
    b, r = s["base"], s["series"]
    if not b["boots"] or not r["boots"]:
        return [{"name": "data", "met": False,
                 "detail": "a kernel has no complete boot"}]
    for key, what in (("overlap_max_ns", "during drains (same CPU)"),
                      ("probe_max_ns", "whole churn window")):
        if not b[key] or not r[key]:
            t.append({"name": "max probe latency %s: series <= base/%d"
                              % (what, LAT_FACTOR), "met": False,
                      "detail": "no samples on %s" % ("base" if not b[key]
                                                      else "series")})
            continue
        bmax = statistics.median(b[key])
        rmax = statistics.median(r[key])
        t.append({"name": "max probe latency %s: series <= base/%d"
                          % (what, LAT_FACTOR),
                  "met": rmax * LAT_FACTOR <= bmax and
                  max(r[key]) * LAT_FACTOR <= min(b[key]),
                  "detail": "median of per-boot max: base %s us, series %s us "
                            "(ratio %.3f); worst series %s us, best base %s us"
                            % (fmt_us(bmax), fmt_us(rmax), rmax / bmax,
                               fmt_us(max(r[key])), fmt_us(min(b[key])))})
    for test in sorted(set(b["perf_usec"]) & set(r["perf_usec"])):
        ratio = (statistics.median(r["perf_usec"][test]) /
                 statistics.median(b["perf_usec"][test]))
        bp = b["perf_usec_by_pass"].get(test, {})
        rp = r["perf_usec_by_pass"].get(test, {})
        by_pass = {run: round(statistics.median(rp[run]) /
                              statistics.median(bp[run]), 4)
                   for run in sorted(set(bp) & set(rp))}
        v, lo, hi, why = verdict(b["perf_usec_by_boot"][test],
                                 r["perf_usec_by_boot"][test])
        t.append({"name": "test_vmalloc %s: series/base <= %.2f"
                          % (test, PERF_LIMIT),
                  "met": v == "no regression", "verdict": v,
                  "ratio": round(ratio, 4),
                  "interval": [round(lo, 4), round(hi, 4)] if lo else None,
                  "ratio_by_pass": by_pass,
                  "detail": "ratio of medians %.3f; %s" % (ratio, why)})
    return t


def markdown(meta, s, tg, boots):
    b, r = s["base"], s["series"]
    us = fmt_us
    lines = [
        "Benchmark: %s, %s build, base vs top of the series, same run, %s "
        "boots each (%s), kernel command line: %s" % (
            meta.get("package", "?"), meta.get("variant", "?"),
            meta.get("boots", "?"),
            "%s, %s vCPU%s, %s" % (meta.get("accel", "?").upper(),
                                   meta.get("smp", "?"),
                                   "" if meta.get("smp") == "1" else "s",
                                   meta.get("mem", "?")),
            meta.get("cmdline", "?")),
        "",
        "| measurement (median [min..max] over boots) | base | series |",
        "|---|---|---|",
        "| probe queue->start latency max, us | %s | %s |"
        % (spread(b["probe_max_ns"], us), spread(r["probe_max_ns"], us)),
        "| probe latency p99, us | %s | %s |"
        % (spread(b["probe_p99_ns"], us), spread(r["probe_p99_ns"], us)),
        "| probe latency p50, us | %s | %s |"
        % (spread(b["probe_p50_ns"], us), spread(r["probe_p50_ns"], us)),
        "| probe ticks missed (item still waiting) | %s | %s |"
        % (spread(b["probe_missed"]), spread(r["probe_missed"])),
        "| samples that waited while a drain/helper ran on their CPU | %s "
        "| %s |" % (spread(b["overlap_samples"]), spread(r["overlap_samples"])),
        "| ... their latency max, us | %s | %s |"
        % (spread(b["overlap_max_ns"], us), spread(r["overlap_max_ns"], us)),
        "| ... their latency p99, us | %s | %s |"
        % (spread(b["overlap_p99_ns"], us), spread(r["overlap_p99_ns"], us)),
        "| ... their latency p50, us | %s | %s |"
        % (spread(b["overlap_p50_ns"], us), spread(r["overlap_p50_ns"], us)),
    ]
    for fn in ("drain_vmap_area_work", "purge_vmap_node"):
        cells = []
        for k in (b, r):
            d = k["durations_us"][fn]
            cells.append("%d / %.0f / %d (n=%d)" % (d["min"], d["median"],
                                                     d["max"], d["n"])
                         if d else "none")
        lines.append("| %s duration min / median / max, us | %s | %s |"
                     % (fn, cells[0], cells[1]))
    lines.append("| lazy purges (trace events) | %s | %s |"
                 % (spread(b["lazy_purges"]), spread(r["lazy_purges"])))
    lines += ["", "| test_vmalloc test (1 thread) | base usec | series usec "
              "| series/base | 95% interval (bootstrap over boots) | verdict "
              "| base max/min (its own noise) "
              "| series/base, pass 1 / pass 2 |",
              "|---|---|---|---|---|---|---|---|"]
    n0 = lambda v: "%.0f" % v
    for x in tg:
        m = re.match(r"test_vmalloc (\S+):", x["name"])
        if m:
            t = m.group(1)
            lines.append("| %s | %s | %s | %.3f | %s | %s | %.2f | %s |" % (
                t, spread(b["perf_usec"][t], n0), spread(r["perf_usec"][t], n0),
                x["ratio"], "%.3f..%.3f" % tuple(x["interval"])
                if x["interval"] else "n/a", x["verdict"],
                max(b["perf_usec"][t]) / min(b["perf_usec"][t]),
                " / ".join("%.3f" % v for _, v in
                           sorted(x["ratio_by_pass"].items())) or "n/a"))
    lines += ["", "| target | met | detail |", "|---|---|---|"]
    for x in tg:
        if not x["name"].startswith("test_vmalloc"):
            lines.append("| %s | %s | %s |" % (x["name"],
                                               "yes" if x["met"] else "NO",
                                               x["detail"]))
    perf = [x for x in tg if x["name"].startswith("test_vmalloc")]
    count = {v: [re.match(r"test_vmalloc (\S+):", x["name"]).group(1)
                 for x in perf if x["verdict"] == v]
             for v in ("regression", "no regression", "inconclusive")}
    lines.append("| test_vmalloc: no regression (95%% interval of series/base "
                 "<= %.2f), every test | %s | regression: %s; inconclusive: "
                 "%s; no regression: %d of %d |"
                 % (PERF_LIMIT, "yes" if len(count["no regression"]) == len(perf)
                    else "NO", ", ".join(count["regression"]) or "none",
                    ", ".join(count["inconclusive"]) or "none",
                    len(count["no regression"]), len(perf)))
    bad = [x["dir"] for x in boots if not complete(x)]
    if bad:
        lines += ["", "Boots without complete data (left out): "
                  + ", ".join(bad)]
    unpaired = sum(x["unpaired"] for x in boots)
    if unpaired:
        lines += ["", "Trace events without their start or end (left out): %d"
                  % unpaired]
    lines += ["", "Times are QEMU %s guest times, not hardware numbers; "
              "compare the two columns only." % meta.get("accel", "?").upper()]
    return "\n".join(lines) + "\n"


def plot(out, boots):
    if not shutil.which("gnuplot"):
        print("warning: gnuplot not found, no plot", file=sys.stderr)
        return
    plots = []
    for b in boots:
        if "all" not in b["cdf"]:
            continue
        dat = os.path.join(out, b["dir"], "cdf.dat")
        with open(dat, "w") as f:
            for q, ns in b["cdf"]["all"]:
                f.write("%f %f\n" % (max(ns, 1) / 1000.0, q))
        color = "#c0392b" if b["kernel_kind"] == "base" else "#2471a3"
        plots.append("'%s' using 1:2 with linespoints lc rgb '%s' pt 7 ps 0.5 "
                     "title '%s'" % (dat, color, b["dir"]))
    if not plots:
        return
    # Left: the CDF; right: the tail (fraction of samples slower than x,
    # log scale), where a hogging drain shows.
    tails = [p.replace("using 1:2", "using 1:(1-$2 > 0 ? 1-$2 : 1/0)")
             .replace(" title '", " notitle '") for p in plots]
    tails = [re.sub(r" notitle '[^']*'", " notitle", p) for p in tails]
    script = "\n".join([
        "set terminal pngcairo size 1200,520" if "pngcairo" in subprocess.run(
            ["gnuplot", "-e", "set terminal"], capture_output=True,
            text=True).stderr else "set terminal png size 1200,520",
        "set output '%s'" % os.path.join(out, "latency-cdf.png"),
        "set multiplot layout 1,2 title 'system\\_wq work item queue->start "
        "latency during vmalloc churn (all CPUs, one line per boot; "
        "base red, series blue)'",
        "set logscale x",
        "set xlabel 'latency (us, log scale; QEMU TCG guest time)'",
        "set grid",
        "set key bottom right",
        "set ylabel 'fraction of samples <= x'",
        "set yrange [0:1.02]",
        "plot " + ", ".join(plots),
        "set logscale y",
        "set yrange [0.0005:1]",
        "set ylabel 'fraction of samples > x (tail)'",
        "plot " + ", ".join(tails),
        "unset multiplot",
    ])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py BENCHDIR")
    out = sys.argv[1]
    meta = read_meta(out)
    boots = read_boots(out, parse_boot)
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
    print(md, end="")
    ok = bool(boots) and all(complete(b) for b in boots)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
