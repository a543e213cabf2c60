"""wqtrace.py: the raw workqueue trace lines of the vmap drain and its purge
helpers that the bench's guest scripts print (tracefs text format, one
event per line), turned into executions on the host. Imported by
bench-report.py and isolcpu-report.py."""
import bisect
import re

FUNCS = ("drain_vmap_area_work", "purge_vmap_node")
EXEC = re.compile(r"\[(\d+)\].*?\s(\d+)\.(\d+): workqueue_execute_(start|end): "
                  r"work struct (\S+): function (\w+)")


def ns(sec, frac):
    """A trace timestamp "sec.frac" in integer nanoseconds."""
    return int(sec) * 1000000000 + int((frac + "000000000")[:9])


def executions(lines):
    """Pair every workqueue_execute_start of FUNCS with the next
    workqueue_execute_end of the same work item (a work item never runs
    concurrently with itself). Returns (execs, unpaired): each execution a
    dict fn, cpu (the CPU it started on), end_cpu, start_ns, end_ns, us;
    unpaired counts events without their start or end."""
    execs, starts, unpaired = [], {}, 0
    for line in lines:
        m = EXEC.search(line)
        if not m or m.group(6) not in FUNCS:
            continue
        cpu, t, ev, work, fn = (int(m.group(1)), ns(m.group(2), m.group(3)),
                                m.group(4), m.group(5), m.group(6))
        if ev == "start":
            if work in starts:
                unpaired += 1
            starts[work] = (cpu, t, fn)
        elif work in starts:
            scpu, st, sfn = starts.pop(work)
            execs.append({"fn": sfn, "cpu": scpu, "end_cpu": cpu,
                          "start_ns": st, "end_ns": t,
                          "us": round((t - st) / 1000)})
        else:
            unpaired += 1
    return execs, unpaired + len(starts)


def overlapping(execs, samples):
    """Latencies (ns) of the probe samples (cpu, queued_ns, latency_ns)
    that waited while an execution that started on the same CPU was
    running: [queued, queued + latency] meets [start, end]. Both clocks
    must be the same (the bench traces with trace_clock mono, the probe's
    clock)."""
    by_cpu = {}
    for e in sorted(execs, key=lambda e: e["start_ns"]):
        by_cpu.setdefault(e["cpu"], []).append(e)
    index = {}
    for cpu, es in by_cpu.items():
        starts = [e["start_ns"] for e in es]
        ends, m = [], None
        for e in es:  # the latest end among executions started so far
            m = e["end_ns"] if m is None else max(m, e["end_ns"])
            ends.append(m)
        index[cpu] = (starts, ends)
    out = []
    for cpu, q, lat in samples:
        if cpu not in index:
            continue
        starts, ends = index[cpu]
        i = bisect.bisect_right(starts, q + lat)
        if i and ends[i - 1] >= q:
            out.append(lat)
    return out


def quantiles(values):
    """Sample count, p50 (the (n + 1) / 2-th smallest), p99 (the
    (99 n + 99) / 100-th) and max of a list; None for an empty list."""
    if not values:
        return None
    v = sorted(values)
    n = len(v)
    return {"samples": n, "p50_ns": v[(n + 1) // 2 - 1],
            "p99_ns": v[(n * 99 + 99) // 100 - 1], "max_ns": v[-1]}
