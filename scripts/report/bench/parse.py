"""one boot's ktap.log of make bench: its "# bench:" segments analysed."""
import re

import ktap
import wqtrace
from report.bench.common import PERF



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
