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
from report.paired import paired

KERNELS = ("base", "series")
# Targets of the benchmark (issue 7).
LAT_FACTOR = 10        # series max probe latency <= base / LAT_FACTOR
PERF_LIMIT = 1.02      # series / base time per test_vmalloc test
# Throughput verdicts, declared before any run: per alternated boot pair
# (base-<n>, series-<n>, each the mean of its passes) the ratio
# series/base; their geometric mean with a 95% paired bootstrap interval
# over pairs (scripts/report/paired.py). "regression" if the whole
# interval is above PERF_LIMIT, "no regression" if it is at or below it,
# else "inconclusive"; fewer than MIN_BOOTS pairs is always inconclusive.
# Unpaired data (the curve's per-size run times) keep the unpaired
# bootstrap of the ratio of medians below.
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


def paired_verdict(pairs):
    """(verdict, lo, hi, why) for [(base, series)] per boot pair."""
    if len(pairs) < MIN_BOOTS:
        return ("inconclusive", None, None,
                "%d boot pairs; at least %d are needed" % (len(pairs), MIN_BOOTS))
    p = paired(pairs)
    if p is None:
        return "inconclusive", None, None, "a zero time in a pair"
    lo, hi = p["lo"], p["hi"]
    if lo > PERF_LIMIT:
        v = "regression"
    elif hi <= PERF_LIMIT:
        v = "no regression"
    else:
        v = "inconclusive"
    return v, lo, hi, ("geometric mean of %d paired ratios %.3f, 95%% interval "
                       "%.3f..%.3f, %d of %d pairs above 1 (sign test p %.3f)"
                       % (p["n"], p["geomean"], lo, hi,
                          sum(1 for r in p["ratios"] if r > 1), p["n"],
                          p["sign_p"]))


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


def split_segments(lines):
    """[(name, attrs, lines)] of the guest's "bench: segment name=..."
    markers; lines before the first marker (older guest scripts) form a
    segment "lat"."""
    segs = [("lat", {}, [])]
    for line in lines:
        if line.startswith("bench: segment "):
            kv = dict(re.findall(r"(\w+)=(\S+)", line))
            segs.append((kv.pop("name", "?"), kv, []))
        else:
            segs[-1][2].append(line)
    return [x for x in segs if x[2] or x[0] != "lat" or x[1]]


def analyse(lines):
    """The figures of one segment's lines: probe summaries and samples,
    drain and helper executions (durations, areas per drain, where they
    ran), waits for vmap_purge_lock, test_vmalloc summaries."""
    a = {"probe": {}, "overlap": {}, "cdf": {}, "durations": {},
         "perf": {}, "notes": [], "lazy_purges": None, "unpaired": 0,
         "drain_areas": [], "drains_skipped": 0, "lock_waits_us": [],
         "free_lock_waits_us": [], "queue_cpu": None, "thread": None}
    trace, samples = [], []
    for line in lines:
        if line.startswith("bench-trace: "):
            trace.append(line)
            continue
        m = PERF.search(line) if line.startswith("bench-perf: ") else None
        if m:
            # test -> {pass: usec}; busybox runs the init twice.
            t = a["perf"].setdefault(m.group(1), {})
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
            a["probe"][kv["cpu"]] = {k: int(v) for k, v in kv.items()
                                     if k != "cpu"}
        elif rest.startswith("cdf "):
            a["cdf"].setdefault(kv["cpu"], []).append(
                (int(kv["permille"]) / 1000.0, int(kv["ns"])))
        elif rest.startswith("churn "):
            a["churn"] = {k: int(v) for k, v in kv.items()}
        elif rest.startswith("kernel="):
            a["kernel"] = kv
        elif rest.startswith("note="):
            a["notes"].append(kv["note"])
    if trace:
        # Every execution (the kvfree segment traces all work items; the
        # others only the drain and its helpers), parsed once.
        every, a["unpaired"] = wqtrace.executions(trace, None, wqtrace.FUNCS)
        execs = [e for e in every if e["fn"] in wqtrace.FUNCS]
        a["migrated"] = sum(e["cpu"] != e["end_cpu"] for e in execs)
        a["lazy_purges"] = sum("purge_vmap_area_lazy:" in x for x in trace)
        a["purges_outside_drains"] = wqtrace.attribute_purges(execs, trace)
        # A drain that returned without purging is counted on its own, so
        # that the drain counts and durations are those of real purges.
        a["drains_skipped"] = sum(map(wqtrace.skipped, execs))
        for e in execs:
            if not wqtrace.skipped(e):
                a["durations"].setdefault(e["fn"], []).append(e["us"])
        a["drain_areas"] = [[e["areas"], e["us"]] for e in execs
                            if e["fn"] == "drain_vmap_area_work"
                            and not wqtrace.skipped(e)]
        locks = wqtrace.lock_waits(trace)
        # Where the guest traced every lock (kvfree), the waits by the
        # place that waited: function (event flags) -> [waits, us].
        a["lock_waits_all_us"] = [w["us"] for w in locks]
        a["lock_sites"] = {}
        for w in locks:
            if w["site"]:
                n = a["lock_sites"].setdefault(
                    "%s (%s)" % (w["site"], w["flags"]), [0, 0])
                n[0] += 1
                n[1] += w["us"]
        a["lock_waits_us"] = [w["us"] for w in locks
                              if w["lock"] == "vmap_purge_lock"]
        a["free_lock_waits_us"] = [w["us"] for w in locks
                                   if w["lock"] == "free_vmap_area_lock"]
        a["queue_cpu"] = dict(zip(("same", "other"),
                                  wqtrace.queue_cpus(trace)))
        if any(": sched_switch:" in x for x in trace):
            waits, mig = wqtrace.thread_waits(trace, "vmalloc_test")
            drains = [e for e in execs if e["fn"] == "drain_vmap_area_work"]
            by = {}
            for _, a_, b_, who in waits:
                by[who] = by.get(who, 0) + b_ - a_
            a["thread"] = {
                "preempted_by_us": {k: round(v / 1000) for k, v in by.items()},
                "preempted_us": round(sum(b - a_ for _, a_, b, _ in waits) / 1000),
                "preempted_in_drains_us": round(
                    wqtrace.overlap_ns(drains, waits) / 1000),
                # The work items per-CPU workers ran while they kept
                # the thread off its CPU (the guest traces every
                # execution in this segment).
                "kworker_fn_us": {k: round(v / 1000) for k, v in
                                  wqtrace.overlap_by_fn(every, waits).items()},
                "migrations": mig}
        if samples:
            a["overlap"] = wqtrace.quantiles(
                wqtrace.overlapping(execs, samples)) or {"samples": 0}
            a["floor"] = wqtrace.quantiles(
                wqtrace.overlapping(execs, samples, True)) or {"samples": 0}
    return a


def parse_boot(path):
    """The bench figures of one boot's ktap.log: the primary latency
    segment ("lat", at the workqueue's default threshold) and the
    throughput segment ("perf") at the top level, as older reports had
    them; the other segments (lat1ms, curve-<pages>, kvfree) under
    "segments"."""
    result, lines = ktap.test_output(path, "selftests: bench: vmalloc_bench.sh")
    segs = split_segments(lines)
    # The segments the guest started (an older, unsegmented script ran
    # the latency and throughput parts only).
    ran = sorted({n for n, attrs, _ in segs if attrs}) or ["lat", "perf"]
    prim = [x for n, _, ls in segs if n in ("lat", "perf") for x in ls]
    b = analyse(prim)
    if any(n == "perf" for n, _, _ in segs):
        # The throughput figures come from the perf segment alone (the
        # churn of the latency segments prints summaries too).
        b["perf"] = analyse([x for n, _, ls in segs if n == "perf"
                             for x in ls])["perf"]
    b["result"] = result
    b["ran"] = ran
    b["segments"] = {}
    # Lock waits were traced only if the guest found the lock's address.
    b["lock_traced"] = not any(n.startswith(("no-vmap_purge_lock", "no-lock"))
                               for n in b["notes"])
    b["free_lock_traced"] = b["lock_traced"] and not any(
        n.startswith("no-free_vmap_area_lock") for n in b["notes"])
    for name, attrs, ls in segs:
        if name in ("lat", "perf"):
            if name == "lat" and "thresh_us" in attrs:
                b["thresh_us"] = int(attrs["thresh_us"])
            continue
        key = "%s-%s" % (name, attrs["pages"]) if "pages" in attrs else name
        b["segments"][key] = analyse(ls)
        b["segments"][key]["attrs"] = attrs
        # With locks=all (or unnamed: no stacks) the guest traced every
        # lock there, so the flags no longer name the two vmap locks.
        only_vmap = attrs.get("locks", "none") == "none"
        b["segments"][key]["locks_all"] = attrs.get("locks") in ("all", "unnamed")
        b["segments"][key]["lock_traced"] = b["lock_traced"] and only_vmap
        b["segments"][key]["free_lock_traced"] = b["free_lock_traced"] and only_vmap
    return b


def complete(b):
    """A boot that passed with the data of the segments it ran: the probe
    summary if the latency segment ran, test_vmalloc summaries if the
    throughput segment ran (BENCH_ONLY= may leave out either)."""
    ran = b.get("ran", ("lat", "perf"))
    return (b["result"] == "pass" and bool(ran)
            and ("lat" not in ran or "all" in b["probe"])
            and ("perf" not in ran or bool(b["perf"])))


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


def lat_fields(segs):
    """Latency figures over the analyses of one segment of several boots
    (lists of per-boot values; durations pooled)."""
    pall = [a["probe"]["all"] for a in segs if "all" in a["probe"]]
    ov = [a["overlap"] for a in segs if a["overlap"].get("samples")]
    fl = [a["floor"] for a in segs if a.get("floor", {}).get("samples")]
    d = {}
    for fn in ("drain_vmap_area_work", "purge_vmap_node"):
        d[fn] = stats([x for a in segs for x in a["durations"].get(fn, [])])
    return {
        "probe_max_ns": [p["max_ns"] for p in pall],
        "probe_p99_ns": [p["p99_ns"] for p in pall],
        "probe_p50_ns": [p["p50_ns"] for p in pall],
        "probe_samples": [p["samples"] for p in pall],
        "probe_missed": [p["missed"] for p in pall],
        "overlap_samples": [a["overlap"].get("samples", 0) for a in segs],
        "overlap_max_ns": [o["max_ns"] for o in ov],
        "overlap_p99_ns": [o["p99_ns"] for o in ov],
        "overlap_p50_ns": [o["p50_ns"] for o in ov],
        "floor_max_ns": [o["max_ns"] for o in fl],
        "floor_p99_ns": [o["p99_ns"] for o in fl],
        "durations_us": d,
        "lazy_purges": [a["lazy_purges"] for a in segs
                        if a["lazy_purges"] is not None],
        "drains_skipped": [a["drains_skipped"] for a in segs],
        "lock_waits": [len(a["lock_waits_us"]) for a in segs
                       if a.get("lock_traced", True)],
        "lock_wait_total_us": [sum(a["lock_waits_us"]) for a in segs
                               if a.get("lock_traced", True)],
        "free_lock_waits": [len(a["free_lock_waits_us"]) for a in segs
                            if a.get("free_lock_traced", True)],
        "free_lock_wait_total_us": [sum(a["free_lock_waits_us"]) for a in segs
                                    if a.get("free_lock_traced", True)],
    }


def drain_fields(segs):
    """Drains of one segment over boots: per boot the number of drains;
    pooled over boots the areas per drain, duration and time per area."""
    pooled = [x for a in segs for x in a["drain_areas"]]
    with_areas = [x for x in pooled if x[0] > 0]
    return {
        "drains": [len(a["drain_areas"]) for a in segs],
        "areas": stats([x[0] for x in pooled]),
        "us": stats([x[1] for x in pooled]),
        "ns_per_area": stats([1000.0 * x[1] / x[0] for x in with_areas]),
        "points": pooled,
    }


def summarize(boots):
    s = {}
    for k in KERNELS:
        bs = [b for b in boots if b["kernel_kind"] == k and complete(b)]
        perf, by_pass, by_boot, by_no = {}, {}, {}, {}
        for b in bs:
            for t, runs in b["perf"].items():
                by_boot.setdefault(t, []).append(
                    statistics.mean(runs.values()))
                by_no.setdefault(t, {})[str(b["boot"])] = by_boot[t][-1]
                for run, v in runs.items():
                    perf.setdefault(t, []).append(v)
                    by_pass.setdefault(t, {}).setdefault(run, []).append(v)
        s[k] = dict(lat_fields(bs), boots=len(bs), perf_usec=perf,
                    perf_usec_by_pass=by_pass, perf_usec_by_boot=by_boot,
                    perf_usec_by_boot_no=by_no,
                    thresh_us=sorted({b.get("thresh_us") for b in bs
                                      if b.get("thresh_us")}))
        s[k]["drains"] = drain_fields(bs)
        segs = {}
        for b in bs:
            for name, a in b["segments"].items():
                segs.setdefault(name, []).append(a)
        s[k]["segments"] = {}
        lazy = [int(b["kernel"]["lazy_pages"]) for b in bs
                if "lazy_pages" in b.get("kernel", {})]
        for name, v in segs.items():
            x = dict(lat_fields(v), drains=drain_fields(v))
            if name.startswith("curve-") and lazy:
                # A full drain purges a threshold's worth of areas; count
                # those with less than half of it, per boot.
                full = lazy[0] / (int(name[6:]) + 1)
                x["small_drains"] = [sum(1 for d in a["drain_areas"]
                                         if d[0] < full / 2) for a in v]
                x["churn_ms"] = [a["churn"]["ms"] for a in v
                                 if "ms" in a.get("churn", {})]
                x["full_drain_us"] = stats([d[1] for a in v
                                            for d in a["drain_areas"]
                                            if d[0] >= full / 2])
            if name == "kvfree":
                th = [a["thread"] for a in v if a["thread"]]
                x["kvfree_usec"] = [statistics.mean(r.values()) for a in v
                                    for t, r in a["perf"].items()
                                    if t.startswith("kvfree_rcu_2_arg")]
                x["preempted_in_drains_us"] = [t["preempted_in_drains_us"]
                                               for t in th]
                x["preempted_us"] = [t["preempted_us"] for t in th]
                x["migrations"] = [t["migrations"] for t in th]
                fns = sorted({f for t in th for f in t.get("kworker_fn_us", {})})
                x["kworker_fn_us"] = {f: [t.get("kworker_fn_us", {}).get(f, 0)
                                          for t in th] for f in fns}
                la = [a for a in v if a.get("locks_all")]
                x["all_lock_waits"] = [len(a["lock_waits_all_us"]) for a in la]
                x["all_lock_wait_total_us"] = [sum(a["lock_waits_all_us"])
                                               for a in la]
                x["lock_sites"] = {}
                for a in la:
                    for site, (n, us) in a["lock_sites"].items():
                        t = x["lock_sites"].setdefault(site, [0, 0])
                        t[0] += n
                        t[1] += us
                whos = sorted({w for t in th for w in t["preempted_by_us"]})
                x["preempted_by_us"] = {w: [t["preempted_by_us"].get(w, 0)
                                            for t in th] for w in whos}
            x["queue_same"] = sum((a["queue_cpu"] or {}).get("same", 0) for a in v)
            x["queue_other"] = sum((a["queue_cpu"] or {}).get("other", 0) for a in v)
            s[k]["segments"][name] = x
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
        # The same estimand as the interval: medians of per-boot means.
        ratio = (statistics.median(r["perf_usec_by_boot"][test]) /
                 statistics.median(b["perf_usec_by_boot"][test]))
        bp = b["perf_usec_by_pass"].get(test, {})
        rp = r["perf_usec_by_pass"].get(test, {})
        by_pass = {run: round(statistics.median(rp[run]) /
                              statistics.median(bp[run]), 4)
                   for run in sorted(set(bp) & set(rp))}
        bn = b["perf_usec_by_boot_no"].get(test, {})
        rn = r["perf_usec_by_boot_no"].get(test, {})
        v, lo, hi, why = paired_verdict(
            [(bn[n], rn[n]) for n in sorted(set(bn) & set(rn), key=int)])
        t.append({"name": "test_vmalloc %s: series/base <= %.2f"
                          % (test, PERF_LIMIT),
                  "met": v == "no regression", "verdict": v,
                  "ratio": round(ratio, 4),
                  "interval": [round(lo, 4), round(hi, 4)] if lo else None,
                  "ratio_by_pass": by_pass,
                  "detail": "ratio of medians of per-boot means %.3f; %s"
                            % (ratio, why)})
    return t


def lat_rows(cols):
    """Rows of the latency table, one column per latency-field dict."""
    us = fmt_us
    rows = [
        ("probe queue->start latency max, us", "probe_max_ns", us),
        ("probe latency p99, us", "probe_p99_ns", us),
        ("probe latency p50, us", "probe_p50_ns", us),
        ("probe ticks missed (item still waiting)", "probe_missed", num),
        ("samples that waited while a drain/helper ran on their CPU",
         "overlap_samples", num),
        ("... their latency max, us", "overlap_max_ns", us),
        ("... their latency p99, us", "overlap_p99_ns", us),
        ("... their latency p50, us", "overlap_p50_ns", us),
        ("same boot, samples with no drain/helper on their CPU: max, us "
         "(the floor)", "floor_max_ns", us),
        ("... their p99, us", "floor_p99_ns", us),
        ("lazy purges (trace events)", "lazy_purges", num),
        ("drains that returned without purging (backlog under the "
         "threshold)", "drains_skipped", num),
        ("waits for vmap_purge_lock (lock:contention_*)", "lock_waits", num),
        ("... their total, us", "lock_wait_total_us", num),
        ("waits for free_vmap_area_lock (lock:contention_*)",
         "free_lock_waits", num),
        ("... their total, us", "free_lock_wait_total_us", num),
    ]
    out = ["| %s | %s |" % (name, " | ".join(spread(c[key], f) for c in cols))
           for name, key, f in rows]
    for fn in ("drain_vmap_area_work", "purge_vmap_node"):
        cells = []
        for c in cols:
            d = c["durations_us"][fn]
            cells.append("%d / %.0f / %d (n=%d)" % (d["min"], d["median"],
                                                     d["max"], d["n"])
                         if d else "none")
        out.append("| %s duration min / median / max, us | %s |"
                   % (fn, " | ".join(cells)))
    return out


def curve_rows(s):
    """The backlog curve: one row per area size (curve-<pages>)."""
    names = sorted({n for k in KERNELS for n in s[k]["segments"]
                    if n.startswith("curve-")}, key=lambda n: int(n[6:]))
    if not names:
        return []
    out = ["", "Backlog curve: vfree_churn frees areas of PAGES pages on "
           "CPU 0 with the probe loaded; each drain purges about "
           "lazy_max_pages / (PAGES + 1) areas. Drains pooled over boots: "
           "median [min..max]; probe maxima: median [min..max] over boots.",
           "A full drain purges a threshold's worth of areas; \"small\" "
           "drains purge less than half of that. Drains that returned "
           "without purging are counted apart and left out of the other "
           "columns.",
           "", "| pages | areas per drain, base / series | drain duration, "
           "us, base / series | full drains only, us, base / series "
           "| ns per area, base / series | drains per "
           "boot, base / series | ... small ones | drains that returned "
           "without purging | probe max during drains, us, base / "
           "series | floor max, us, base / series | vfree_churn run time, "
           "ms, base / series | ... series/base | ... 95% interval "
           "(bootstrap over boots) | ... verdict |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n in names:
        c = [s[k]["segments"].get(n) for k in KERNELS]
        if not all(c):
            continue

        def pair(key, f=num, d=c):
            return " / ".join(
                "%s [%s..%s]" % (f(x[key]["median"]), f(x[key]["min"]),
                                 f(x[key]["max"])) if x[key] else "n/a"
                for x in (d[0]["drains"], d[1]["drains"]))
        full = " / ".join("%s [%s..%s]" % (num(x["full_drain_us"]["median"]),
                                           num(x["full_drain_us"]["min"]),
                                           num(x["full_drain_us"]["max"]))
                          if x.get("full_drain_us") else "n/a" for x in c)
        # The freeing task's run time judged like a throughput test.
        runs = [x.get("churn_ms", []) for x in c]
        v, lo, hi, _ = verdict(*runs)
        ratio = "%.3f" % (statistics.median(runs[1]) / statistics.median(runs[0])) \
            if all(runs) and statistics.median(runs[0]) else "n/a"
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            n[6:], pair("areas"), pair("us"), full, pair("ns_per_area"),
            " / ".join(spread(x["drains"]["drains"]) for x in c),
            " / ".join(spread(x.get("small_drains", [])) for x in c),
            " / ".join(spread(x["drains_skipped"]) for x in c),
            " / ".join(spread(x["overlap_max_ns"], fmt_us) for x in c),
            " / ".join(spread(x["floor_max_ns"], fmt_us) for x in c),
            " / ".join(spread(x.get("churn_ms", [])) for x in c),
            ratio, "%.3f..%.3f" % (lo, hi) if lo is not None else "n/a", v))
    return out


def kvfree_rows(s):
    c = [s[k]["segments"].get("kvfree") for k in KERNELS]
    if not all(c):
        return []
    n0 = lambda v: "%.0f" % v

    def drains(x, key):
        d = x["drains"][key]
        return "%s [%s..%s]" % (num(d["median"]), num(d["min"]), num(d["max"])) \
            if d else "n/a"
    rows = [
        ("kvfree_rcu_2_arg_vmalloc_test avg, usec (traced run)",
         [spread(x["kvfree_usec"], n0) for x in c]),
        ("drains that purged, per run", [spread(x["drains"]["drains"]) for x in c]),
        ("drains that returned without purging, per run",
         [spread(x["drains_skipped"]) for x in c]),
        ("areas per drain (pooled)", [drains(x, "areas") for x in c]),
        ("drain duration, us (pooled)", [drains(x, "us") for x in c]),
        ("drains started on the queueing CPU / on another CPU",
         ["%d / %d" % (x["queue_same"], x["queue_other"]) for x in c]),
        ("test thread runnable but preempted, us", [spread(x["preempted_us"]) for x in c]),
        ("... of it while a drain ran on its CPU, us",
         [spread(x["preempted_in_drains_us"]) for x in c]),
    ]
    whos = sorted(set(c[0]["preempted_by_us"]) | set(c[1]["preempted_by_us"]),
                  key=lambda w: -max(statistics.median(x["preempted_by_us"][w])
                                     if w in x["preempted_by_us"] else 0
                                     for x in c))
    rows += [("... of it with %s on its CPU, us" % w,
              [spread(x["preempted_by_us"].get(w, [])) for x in c])
             for w in whos[:5]]
    fns = sorted(set(c[0].get("kworker_fn_us", {})) |
                 set(c[1].get("kworker_fn_us", {})),
                 key=lambda f: -max(statistics.median(x["kworker_fn_us"][f])
                                    if f in x.get("kworker_fn_us", {}) else 0
                                    for x in c))
    rows += [("... of the kworker/N:N time, running %s, us" % f,
              [spread(x.get("kworker_fn_us", {}).get(f, [])) for x in c])
             for f in fns[:5]]
    rows += [("test thread migrations", [spread(x["migrations"]) for x in c])]
    if any(x.get("all_lock_waits") for x in c):
        # Every lock was traced: the waits by the function that waited.
        rows += [
            ("lock waits, any lock", [spread(x["all_lock_waits"]) for x in c]),
            ("... their total, us", [spread(x["all_lock_wait_total_us"])
                                     for x in c]),
        ]
        sites = sorted(set(c[0]["lock_sites"]) | set(c[1]["lock_sites"]),
                       key=lambda k: -max(x["lock_sites"].get(k, [0, 0])[1]
                                          for x in c))
        rows += [("... in %s, waits / us (all boots)" % k,
                  ["%d / %d" % tuple(x["lock_sites"].get(k, [0, 0]))
                   for x in c]) for k in sites[:5]]
    else:
        rows += [
            ("waits for vmap_purge_lock", [spread(x["lock_waits"]) for x in c]),
            ("... their total, us", [spread(x["lock_wait_total_us"]) for x in c]),
            ("waits for free_vmap_area_lock", [spread(x["free_lock_waits"])
                                               for x in c]),
            ("... their total, us", [spread(x["free_lock_wait_total_us"])
                                     for x in c]),
        ]
    return ["", "kvfree_rcu_2_arg_vmalloc_test alone, traced (one thread, "
            "median [min..max] over boots):", "",
            "| measurement | base | series |", "|---|---|---|"] + \
        ["| %s | %s | %s |" % (name, v[0], v[1]) for name, v in rows]


def markdown(meta, s, tg, boots):
    b, r = s["base"], s["series"]
    cols, heads = [b, r], ["base", "series"]
    th = (b["thresh_us"] or ["?"])[0]
    if th != "?":
        heads = ["base, %g ms" % (th / 1000.0), "series, %g ms" % (th / 1000.0)]
    l1 = [s[k]["segments"].get("lat1ms") for k in KERNELS]
    if all(l1):
        cols += l1
        heads += ["base, 1 ms", "series, 1 ms"]
    lines = [
        "Benchmark: %s, %s build, base vs top of the series, same run, %s "
        "boots each (%s), kernel command line: %s (the guest sets the "
        "workqueue CPU-intensive threshold of each segment at run time)" % (
            meta.get("package", "?"), meta.get("variant", "?"),
            meta.get("boots", "?"),
            "%s, %s vCPU%s, %s" % (meta.get("accel", "?").upper(),
                                   meta.get("smp", "?"),
                                   "" if meta.get("smp") == "1" else "s",
                                   meta.get("mem", "?")),
            meta.get("cmdline", "?")),
    ]
    if b["probe_samples"] or r["probe_samples"]:
        lines += [
            "",
            "Latency under the churn (columns: kernel, workqueue CPU-intensive "
            "threshold; median [min..max] over boots):" if len(cols) > 2 else
            "Latency under the churn (median [min..max] over boots):",
            "",
            "| measurement | %s |" % " | ".join(heads),
            "|---|%s" % ("---|" * len(cols)),
        ] + lat_rows(cols)
    else:
        lines += ["", "No latency segment ran (BENCH_ONLY=)."]
    lines += curve_rows(s) + kvfree_rows(s)
    lines += ["", "| test_vmalloc test (1 thread) | base usec | series usec "
              "| series/base | 95% interval (paired bootstrap over boot "
              "pairs, geometric mean) | verdict "
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
                 % (PERF_LIMIT, "yes" if perf and len(count["no regression"]) == len(perf)
                    else "NO", ", ".join(count["regression"]) or "none",
                    ", ".join(count["inconclusive"]) or "none",
                    len(count["no regression"]), len(perf)))
    bad = [x["dir"] for x in boots if not complete(x)]
    if bad:
        lines += ["", "Boots without complete data (left out): "
                  + ", ".join(bad)]
    unpaired = sum(x["unpaired"] + sum(a["unpaired"] for a in
                                       x["segments"].values()) for x in boots)
    if unpaired:
        lines += ["", "Trace events without their start or end (left out): %d"
                  % unpaired]
    migrated = sum(x.get("migrated", 0) + sum(a.get("migrated", 0) for a in
                                              x["segments"].values())
                   for x in boots)
    if migrated:
        lines += ["", "Drain/helper executions that ended on another CPU "
                  "than they started on (counted on the start CPU): %d"
                  % migrated]
    notes = sorted({"%s: %s" % (x["dir"], n) for x in boots
                    for n in x["notes"] + [m for a in x["segments"].values()
                                           for m in a["notes"]]})
    if notes:
        lines += ["", "Notes from the guest (a measurement it could not "
                  "make is shown as n/a): " + "; ".join(notes)]
    accel = meta.get("accel", "?")
    if accel.startswith("none"):
        lines += ["", "Times are of this machine itself (no QEMU); compare "
                  "the two columns only."]
    else:
        lines += ["", "Times are QEMU %s guest times, not hardware numbers; "
                  "compare the two columns only." % accel.upper()]
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
        gnuplot_terminal("1200,520"),
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


def gnuplot_terminal(size):
    term = "pngcairo" if "pngcairo" in subprocess.run(
        ["gnuplot", "-e", "set terminal"], capture_output=True,
        text=True).stderr else "png"
    return "set terminal %s size %s" % (term, size)


def plot_curve(out, boots):
    """backlog-curve.png: left, every drain's duration against the areas it
    purged (all curve segments, all boots); right, per boot and area size
    the worst probe latency on a CPU while a drain ran there, against that
    boot's median areas per drain."""
    if not shutil.which("gnuplot"):
        return
    files = {}
    for k in KERNELS:
        pts, worst = [], []
        for b in boots:
            if b["kernel_kind"] != k or not complete(b):
                continue
            for n, a in b["segments"].items():
                if not n.startswith("curve-") or not a["drain_areas"]:
                    continue
                pts += [x for x in a["drain_areas"] if x[0] > 0]
                if a["overlap"].get("samples"):
                    worst.append((statistics.median(
                        x[0] for x in a["drain_areas"]),
                        a["overlap"]["max_ns"] / 1000.0))
        for name, rows in (("drains", pts), ("worst", worst)):
            f = os.path.join(out, "curve-%s-%s.dat" % (k, name))
            with open(f, "w") as fh:
                for x, y in rows:
                    fh.write("%f %f\n" % (x, y))
            files[k, name] = f if rows else None
    if not any(files.values()):
        return
    color = {"base": "#c0392b", "series": "#2471a3"}

    def plots(name, ylabel_us):
        p = ["'%s' using 1:($2/1000) with points pt 7 ps 0.5 lc rgb '%s' "
             "title '%s'" % (files[k, name], color[k], k) if ylabel_us else
             "'%s' using 1:2 with points pt 7 ps 0.8 lc rgb '%s' title '%s'"
             % (files[k, name], color[k], k)
             for k in KERNELS if files[k, name]]
        if not p:
            return ("unset logscale\nset label 1 'no data' at graph 0.45,0.5\n"
                    "plot [0:1][0:1] -1 notitle\nunset label 1")
        return "plot " + ", ".join(p)
    script = "\n".join([
        gnuplot_terminal("1200,520"),
        "set output '%s'" % os.path.join(out, "backlog-curve.png"),
        "set multiplot layout 1,2 title 'cost against the backlog: vfree\\_churn "
        "areas of 1..256 pages (QEMU TCG guest time; base red, series blue)'",
        "set logscale xy", "set grid", "set key top left",
        "set xlabel 'areas purged by the drain'",
        "set ylabel 'drain duration, ms'",
        plots("drains", True),
        "set xlabel 'median areas per drain (one point per boot and size)'",
        "set ylabel 'worst probe latency during a drain on its CPU, ms'",
        plots("worst", False).replace("using 1:2", "using 1:($2/1000)"),
        "unset multiplot",
    ])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


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


def main():
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__.strip())
        sys.exit(0)
    dirs = sys.argv[3:] if sys.argv[1:2] == ["--cpus"] else sys.argv[1:2]
    for d in dirs:
        if not os.path.isfile(os.path.join(d, "meta")):
            sys.exit("error: %s is not a make bench directory (no meta file)" % d)
    if len(sys.argv) > 3 and sys.argv[1] == "--cpus":
        sys.exit(0 if cpus_report(sys.argv[2], sys.argv[3:]) else 1)
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py BENCHDIR | --cpus OUTDIR BENCHDIR...")
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
    plot_curve(out, boots)
    print(md, end="")
    ok = bool(boots) and all(complete(b) for b in boots)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
