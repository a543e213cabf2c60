"""make bench Markdown: the tables of bench.md."""
import re
import statistics

from report.bench.parse import complete
from report.bench.stats import verdict
from report.bench.common import KERNELS, PERF_LIMIT, fmt_us, num, spread


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
    # Sorted by name first, so that ties keep one order in every run.
    whos = sorted(sorted(set(c[0]["preempted_by_us"]) | set(c[1]["preempted_by_us"])),
                  key=lambda w: -max(statistics.median(x["preempted_by_us"][w])
                                     if w in x["preempted_by_us"] else 0
                                     for x in c))
    rows += [("... of it with %s on its CPU, us" % w,
              [spread(x["preempted_by_us"].get(w, [])) for x in c])
             for w in whos[:5]]
    fns = sorted(sorted(set(c[0].get("kworker_fn_us", {})) |
                        set(c[1].get("kworker_fn_us", {}))),
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
        sites = sorted(sorted(set(c[0]["lock_sites"]) | set(c[1]["lock_sites"])),
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
