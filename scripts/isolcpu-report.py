#!/usr/bin/env python3
"""isolcpu-report.py DIR: the isolated-CPU part of "make bench".

Reads DIR/meta and DIR/<kernel>-<n>/ktap.log, where the guest script
testing/bench/guest/isolated_cpu.sh printed "# isol:" lines and the raw
workqueue_execute_start/end trace lines of every drain_vmap_area_work and
purge_vmap_node execution and of every function-call IPI handler on the
isolated CPU ("# isol-trace:"), which scripts/wqtrace.py pairs into
executions, each attributed to the CPU it started on, and handler times. Writes
DIR/isolcpu.json and DIR/isolcpu.md and prints the Markdown. Exit status
0 when every boot produced data, 1 otherwise.
"""
import json
import os
import re
import sys

import ktap
import wqtrace
from abrun import cli_help, read_run
from report.fmt import spread

KERNELS = ("base", "series")
FUNCS = wqtrace.FUNCS
IRQ = re.compile(r"^isol: irq (before|after) +(\w+):\s+((?:\d+\s+)+)")


def parse_boot(path):
    b = {"result": None, "cpu": None, "isolated": None, "execs": [],
         "irq": {}, "unpaired": 0, "runs_done": 0}
    trace = []
    b["result"], lines = ktap.test_output(path, "selftests: bench: isolated_cpu.sh")
    for line in lines:
        if line.startswith("isol-trace: "):
            trace.append(line)
            continue
        m = IRQ.match(line)
        if m:
            b["irq"].setdefault(m.group(2), {})[m.group(1)] = \
                [int(x) for x in m.group(3).split()]
            continue
        m = re.match(r"^isol: isolated=(\S+) cpu=(\d+)", line)
        if m:
            b["isolated"], b["cpu"] = m.group(1), int(m.group(2))
        if line.startswith("isol: vfree_churn: done"):
            b["runs_done"] += 1
    b["execs"], b["unpaired"] = wqtrace.executions(trace)
    b["purges_traced"] = any(": purge_vmap_area_lazy:" in x for x in trace)
    if b["purges_traced"]:
        wqtrace.attribute_purges(b["execs"], trace)
    b["ipis"] = []
    if b["cpu"] is not None and any("call_function" in x for x in trace):
        b["ipis"] = wqtrace.handlers(trace, b["cpu"])
        b["ipi_handlers"] = len(b["ipis"])
        b["ipi_us"] = round(sum(y - x for x, y in b["ipis"]) / 1000)
    return b


def complete(b):
    return b["result"] == "pass" and b["cpu"] is not None


def boot_figures(b):
    """Per boot: executions and time on the isolated CPU and elsewhere."""
    f = {}
    for fn in FUNCS:
        # Drains that returned without purging are counted apart, as in
        # the bench tables (their time is in the union below).
        mine = [e for e in b["execs"] if e["fn"] == fn]
        on = [e["us"] for e in mine
              if e["cpu"] == b["cpu"] and not wqtrace.skipped(e)]
        off = [e["us"] for e in mine
               if e["cpu"] != b["cpu"] and not wqtrace.skipped(e)]
        f[fn] = {"isolated_execs": len(on), "isolated_us": sum(on),
                 "isolated_max_us": max(on) if on else 0,
                 "other_execs": len(off), "other_us": sum(off),
                 "isolated_skipped": sum(wqtrace.skipped(e) for e in mine
                                         if e["cpu"] == b["cpu"]),
                 "other_skipped": sum(wqtrace.skipped(e) for e in mine
                                      if e["cpu"] != b["cpu"])}
    if "ipi_us" in b:
        f["ipi_handlers"], f["ipi_us"] = b["ipi_handlers"], b["ipi_us"]
        # The union: a helper may run while the drain waits for it, and an
        # IPI may arrive during either; none of it is counted twice.
        on = [(e["start_ns"], e["end_ns"]) for e in b["execs"]
              if e["cpu"] == b["cpu"]]
        f["stolen_us"] = round(wqtrace.union_ns(on + b["ipis"]) / 1000)
    f["migrated"] = sum(e["cpu"] != e["end_cpu"] for e in b["execs"])
    for name, v in b["irq"].items():
        if "before" in v and "after" in v and b["cpu"] < len(v["after"]):
            f["irq_" + name] = v["after"][b["cpu"]] - v["before"][b["cpu"]]
    return f


def main():
    cli_help(sys.argv, __doc__)
    if len(sys.argv) != 2:
        sys.exit("usage: isolcpu-report.py DIR")
    out = sys.argv[1]
    meta, boots = read_run(out, parse_boot)
    for b in boots:
        if complete(b):
            b["figures"] = boot_figures(b)

    summary = {}
    for k in KERNELS:
        figs = [b["figures"] for b in boots if b["kernel_kind"] == k and complete(b)]
        row = {"boots": len(figs)}
        for key in sorted({x for f in figs for x in f}):
            if key in FUNCS:
                for sub in figs[0][key]:
                    row["%s.%s" % (key, sub)] = [f[key][sub] for f in figs]
            else:
                row[key] = [f.get(key, 0) for f in figs]
        summary[k] = row

    b, r = summary["base"], summary["series"]
    rows = [
        ("drains that purged, on the isolated CPU", "drain_vmap_area_work.isolated_execs"),
        ("... their time there, us (sum)", "drain_vmap_area_work.isolated_us"),
        ("... the longest one, us", "drain_vmap_area_work.isolated_max_us"),
        ("drains that returned without purging, on the isolated CPU",
         "drain_vmap_area_work.isolated_skipped"),
        ("purge helper executions on the isolated CPU", "purge_vmap_node.isolated_execs"),
        ("... their time there, us (sum)", "purge_vmap_node.isolated_us"),
        ("drains that purged, on housekeeping CPUs", "drain_vmap_area_work.other_execs"),
        ("drains that returned without purging, on housekeeping CPUs",
         "drain_vmap_area_work.other_skipped"),
        ("purge helper executions on housekeeping CPUs", "purge_vmap_node.other_execs"),
        ("function-call IPIs received by the isolated CPU", "irq_CAL"),
        ("... handlers traced there", "ipi_handlers"),
        ("... their time there, us (sum)", "ipi_us"),
        ("drain, helper or IPI handler running on the isolated CPU, us "
         "(union)", "stolen_us"),
        ("executions that ended on another CPU than they started on",
         "migrated"),
    ]
    lines = [
        "Isolated CPU: %s, %s build, kernel command line: %s; %s boots each (%s, %s vCPUs, %s)."
        % (meta.get("package", "?"), meta.get("variant", "?"), meta.get("cmdline", "?"),
           meta.get("boots", "?"), meta.get("accel", "?").upper(),
           meta.get("smp", "?"), meta.get("mem", "?")),
        "An application pinned to the isolated CPU frees vmalloc memory "
        "(vfree_churn: 16-page areas, then 64 MiB areas while test_vmalloc "
        "frees 64 MiB areas on the other CPUs).",
        "",
        "| per boot, median [min..max] | base | series |",
        "|---|---|---|",
    ]
    for label, key in rows:
        lines.append("| %s | %s | %s |" % (label, spread(b.get(key, [])),
                                            spread(r.get(key, []))))
    bad = [x["dir"] for x in boots if not complete(x)]
    if bad:
        lines += ["", "Boots without complete data (left out): " + ", ".join(bad)]
    unpaired = sum(x["unpaired"] for x in boots)
    if unpaired:
        lines += ["", "Trace events without their start or end (left out): %d"
                  % unpaired]
    lines += ["", "Times are QEMU %s guest times. Every purge flushes the "
              "kernel TLB range on all CPUs: a drain that runs on another CPU "
              "interrupts the isolated one with a function-call IPI instead "
              "of running there, which the IPI row counts."
              % meta.get("accel", "?").upper()]
    md = "\n".join(lines) + "\n"
    with open(os.path.join(out, "isolcpu.json"), "w") as f:
        json.dump({"meta": meta, "summary": summary, "boots": boots}, f,
                  indent=1, sort_keys=True)
    with open(os.path.join(out, "isolcpu.md"), "w") as f:
        f.write(md)
    print(md, end="")
    sys.exit(0 if boots and all(complete(x) for x in boots) else 1)


if __name__ == "__main__":
    main()
