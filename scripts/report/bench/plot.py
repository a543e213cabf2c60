"""make bench plots (gnuplot): latency CDF, backlog curve."""
import os
import re
import shutil
import statistics
import subprocess
import sys

from report.bench.parse import complete
from report.bench.common import KERNELS


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
