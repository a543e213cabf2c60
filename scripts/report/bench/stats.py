"""make bench statistics: per-kernel summaries, throughput verdicts, targets."""
import random
import statistics

from report.bench.parse import complete
from report.paired import paired
from report.bench.common import BOOTSTRAP, KERNELS, LAT_FACTOR, MIN_BOOTS, PERF_LIMIT, fmt_us


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


def judge(lo, hi):
    """The verdict of a 95% interval lo..hi of series/base time."""
    if lo > PERF_LIMIT:
        return "regression"
    if hi <= PERF_LIMIT:
        return "no regression"
    return "inconclusive"


def paired_verdict(pairs):
    """(verdict, lo, hi, why) for [(base, series)] per boot pair."""
    if len(pairs) < MIN_BOOTS:
        return ("inconclusive", None, None,
                "%d boot pairs; at least %d are needed" % (len(pairs), MIN_BOOTS))
    p = paired(pairs)
    if p is None:
        return "inconclusive", None, None, "a zero time in a pair"
    lo, hi = p["lo"], p["hi"]
    v = judge(lo, hi)
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
    v = judge(lo, hi)
    return v, lo, hi, "95%% interval %.3f..%.3f (width %.3f) over %d/%d boots" % (
        lo, hi, hi - lo, len(base), len(series))


def stats(v):
    if not v:
        return None
    return {"n": len(v), "min": min(v), "median": statistics.median(v),
            "max": max(v)}


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
