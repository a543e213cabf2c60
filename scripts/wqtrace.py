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


def executions(lines, funcs=FUNCS, unpaired_of=None):
    """Pair every workqueue_execute_start of FUNCS (of any function if
    funcs is None) with the next
    workqueue_execute_end of the same work item (a work item never runs
    concurrently with itself). Returns (execs, unpaired): each execution a
    dict fn, cpu (the CPU it started on), end_cpu, start_ns, end_ns, pid
    (of the worker), us;
    unpaired counts events without their start or end, of the functions
    UNPAIRED_OF if given (of FUNCS otherwise)."""
    execs, starts, unpaired = [], {}, []
    for line in lines:
        m = EXEC.search(line)
        if not m or (funcs is not None and m.group(6) not in funcs):
            continue
        cpu, t, ev, work, fn = (int(m.group(1)), ns(m.group(2), m.group(3)),
                                m.group(4), m.group(5), m.group(6))
        lm = LINE.search(line)
        pid = int(lm.group(2)) if lm else None
        if ev == "start":
            if work in starts:
                unpaired.append(starts[work][2])
            starts[work] = (cpu, t, fn, pid)
        elif work in starts:
            scpu, st, sfn, spid = starts.pop(work)
            execs.append({"fn": sfn, "cpu": scpu, "end_cpu": cpu,
                          "start_ns": st, "end_ns": t, "pid": spid,
                          "us": round((t - st) / 1000)})
        else:
            unpaired.append(fn)
    unpaired += [s[2] for s in starts.values()]
    of = unpaired_of if unpaired_of is not None else funcs
    return execs, sum(1 for fn in unpaired if of is None or fn in of)


def overlapping(execs, samples, outside=False):
    """Latencies (ns) of the probe samples (cpu, queued_ns, latency_ns)
    that waited while an execution that started on the same CPU was
    running: [queued, queued + latency] meets [start, end]; with outside,
    those of all other samples instead (the same boot's floor without a
    drain on the CPU). Both clocks must be the same (the bench traces with
    trace_clock mono, the probe's clock)."""
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
        starts, ends = index.get(cpu, ([], []))
        i = bisect.bisect_right(starts, q + lat)
        if (bool(i) and ends[i - 1] >= q) != outside:
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


# Any tracefs text line: "<comm>-<pid> [cpu] <flags> <sec>.<frac>: <event>: <rest>".
LINE = re.compile(r"^(?:[a-z]+-trace: )?\s*(.+?)-(\d+)\s+\[(\d+)\].*?\s(\d+)\.(\d+): (\w+): (.*)$")
PURGED = re.compile(r"\bnum_purged=(\d+)")


def events(lines, name):
    """Every event NAME among the trace lines, as dicts comm, pid, cpu,
    ns, rest (the text after "NAME: ")."""
    out = []
    for line in lines:
        m = LINE.search(line)
        if m and m.group(6) == name:
            out.append({"comm": m.group(1), "pid": int(m.group(2)),
                        "cpu": int(m.group(3)),
                        "ns": ns(m.group(4), m.group(5)), "rest": m.group(7)})
    return out


def attribute_purges(execs, lines):
    """Set e["areas"] of every drain execution to the areas its lazy purges
    freed: the num_purged of the purge_vmap_area_lazy events its worker
    (same pid, inside [start, end]; an unbound worker may change CPUs)
    emitted, and e["purges"] to the number of those events: a drain
    without one returned without purging (it found the backlog under the
    threshold). Returns the purges outside any drain (other callers of the
    purge, e.g. vm_unmap_aliases())."""
    drains = [e for e in execs if e["fn"] == "drain_vmap_area_work"]
    for e in drains:
        e["areas"] = 0
        e["purges"] = 0
    outside = 0
    for p in events(lines, "purge_vmap_area_lazy"):
        m = PURGED.search(p["rest"])
        n = int(m.group(1)) if m else 0
        for e in drains:
            if e["pid"] == p["pid"] and e["start_ns"] <= p["ns"] <= e["end_ns"]:
                e["areas"] += n
                e["purges"] += 1
                break
        else:
            outside += 1
    return outside


def lock_name(rest):
    """The traced lock a contention event is about: the guest filters on
    vmap_purge_lock (a mutex) and free_vmap_area_lock (a spinlock), and
    the trace hashes addresses, so the flags tell them apart."""
    return "vmap_purge_lock" if "MUTEX" in rest else "free_vmap_area_lock"


# A stacktrace trigger's record ("<comm>-<pid> [cpu] ... <stack trace>"),
# followed by one " => function" line per frame.
STACK = re.compile(r"^(?:[a-z]+-trace: )?\s*.+?-(\d+)\s+\[\d+\].*: <stack trace>$")
FRAME = re.compile(r"^(?:[a-z]+-trace: )? => (\S+)")
# Frames of the lock code and of the tracer itself, skipped when naming
# the place that waited.
INTERNAL = re.compile(r"^(_raw_|__raw_|queued_|native_queued|__pv_queued|"
                      r"pv_queued|do_raw_|osq_|mutex_|__mutex_|rwsem_|"
                      r"__rwsem_|down_|up_|percpu_down|ring_buffer_|trace_|"
                      r"__trace_|event_|__traceiter_|__bpf_trace_)")


def lock_site(frames):
    """The first frame of a waiter's stack outside the lock and tracing
    code: the function that took the lock (None for no stack)."""
    for f in frames:
        f = f.split("+")[0]
        if not INTERNAL.match(f):
            return f
    return frames[0].split("+")[0] if frames else None


def lock_waits(lines):
    """Waits for the traced locks: contention_begin paired with the next
    contention_end of the same task. A list of dicts comm, cpu, ns, us,
    lock (lock_name(): right only where the guest filtered on the two
    vmap locks), flags (the event's flags, e.g. SPIN or MUTEX) and site
    (lock_site() of the stack the guest's stacktrace trigger recorded
    right after the contention_begin, None without one)."""
    waits, open_, frames = [], {}, None
    for line in lines:
        m = FRAME.search(line)
        if m:
            if frames is not None:
                frames.append(m.group(1))
            continue
        frames = None
        m = STACK.search(line)
        if m:
            pid = int(m.group(1))
            if pid in open_ and open_[pid][5] is None:
                frames = open_[pid][5] = []
            continue
        m = LINE.search(line)
        if not m or m.group(6) not in ("contention_begin", "contention_end"):
            continue
        pid, t = int(m.group(2)), ns(m.group(4), m.group(5))
        if m.group(6) == "contention_begin":
            if pid not in open_:
                f = re.search(r"flags=([A-Z_|]+)", m.group(7))
                open_[pid] = [m.group(1), int(m.group(3)), t,
                              lock_name(m.group(7)),
                              f.group(1) if f else "?", None]
        elif pid in open_:
            comm, cpu, st, lock, flags, stack = open_.pop(pid)
            waits.append({"comm": comm, "cpu": cpu, "ns": st, "lock": lock,
                          "flags": flags, "site": lock_site(stack or []),
                          "us": round((t - st) / 1000)})
    return waits


def queue_cpus(lines):
    """(same, other): drain executions that started on the CPU that queued
    them, and on another CPU. Queue events are paired first in, first out
    with execution starts: the pending bit is cleared when an execution
    starts, so the next queueing can be traced before the start it is
    paired with."""
    same = other = 0
    queued = []
    for line in lines:
        m = EXEC.search(line)
        if m and m.group(4) == "start" and m.group(6) == "drain_vmap_area_work":
            if queued:
                if queued.pop(0) == int(m.group(1)):
                    same += 1
                else:
                    other += 1
            continue
        m = LINE.search(line)
        if m and m.group(6) == "workqueue_queue_work" and \
                "function=drain_vmap_area_work" in m.group(7):
            queued.append(int(m.group(3)))
    return same, other


SWITCH = re.compile(r"prev_comm=(.*?) prev_pid=(\d+) .*?prev_state=(\S+) ==> "
                    r"next_comm=(.*?) next_pid=(\d+)")


def thread_waits(lines, prefix):
    """The intervals in which a task whose comm starts with PREFIX was
    runnable but not running: from a switch-out in state R (preempted) to
    its next switch-in. Tasks are told apart by pid (busybox loads
    test_vmalloc twice: two threads of the same name). Returns (waits,
    migrations): waits as (cpu, from_ns, to_ns, by) with the CPU it was
    preempted on and the comm of the task that took the CPU, digits
    replaced by N ("kworker/N:N" is a per-CPU worker, "kworker/uN:N" an
    unbound one); migrations counts switch-ins on another CPU than the
    last switch-out."""
    waits, out, migrations = [], {}, 0
    for e in events(lines, "sched_switch"):
        m = SWITCH.search(e["rest"])
        if not m:
            continue
        prev, ppid, state, nxt, npid = m.groups()
        if nxt.startswith(prefix) and npid in out:
            cpu, t, runnable, by = out.pop(npid)
            migrations += cpu != e["cpu"]
            if runnable:
                waits.append((cpu, t, e["ns"], by))
        if prev.startswith(prefix):
            out[ppid] = (e["cpu"], e["ns"], state.startswith("R"),
                         re.sub(r"\d+", "N", nxt))
    return waits, migrations


def overlap_ns(execs, waits):
    """Total time of WAITS (cpu, from_ns, to_ns) that falls inside an
    execution that ran on the same CPU."""
    total = 0
    for cpu, a, b, _ in waits:
        for e in execs:
            if e["cpu"] == cpu:
                total += max(0, min(b, e["end_ns"]) - max(a, e["start_ns"]))
    return total


def overlap_by_fn(execs, waits, by_prefix="kworker/N:"):
    """For the WAITS (cpu, from_ns, to_ns, by) in which a task whose
    comm starts with BY_PREFIX took the CPU (a per-CPU worker by
    default): ns of them spent in each work function executed on that
    CPU. A dict fn -> ns."""
    out = {}
    for cpu, a, b, by in waits:
        if not by.startswith(by_prefix):
            continue
        for e in execs:
            if e["cpu"] == cpu:
                o = min(b, e["end_ns"]) - max(a, e["start_ns"])
                if o > 0:
                    out[e["fn"]] = out.get(e["fn"], 0) + o
    return out


def handlers(lines, cpu, prefix="call_function"):
    """The interrupt handlers traced on CPU as (entry_ns, exit_ns): each
    <prefix>[_single]_entry paired with the next _exit of the same kind
    on that CPU."""
    out, open_ = [], {}
    evs = []
    for line in lines:
        m = LINE.search(line)
        if m and m.group(6).startswith(prefix) and int(m.group(3)) == cpu:
            evs.append((ns(m.group(4), m.group(5)), m.group(6)))
    for t, name in sorted(evs):
        kind, _, edge = name.rpartition("_")
        if edge == "entry":
            open_[kind] = t
        elif kind in open_:
            out.append((open_.pop(kind), t))
    return out


def union_ns(intervals):
    """Total length of the union of (from_ns, to_ns) intervals."""
    total, end = 0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def skipped(e):
    """A drain execution that returned without purging (attribute_purges()
    must have run)."""
    return e["fn"] == "drain_vmap_area_work" and e.get("purges") == 0
