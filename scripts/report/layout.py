"""The data layout of vmalloc's lazy-drain symbols: which 64-byte cache
line each one is on and what else shares drain_vmap_work's line.

Reads "nm -n -S" lines of data symbols (types d, D, b, B; build.sh keeps
them as data.nm in each build artifact).

  python3 -m report.layout window NM      the lines of NM within 256 bytes
                                          of a symbol of SYMBOLS (what a
                                          committed run keeps)
  python3 -m report.layout report RUN     writes RUN/layout.md from
                                          RUN/base.nm and RUN/series.nm,
                                          and prints it
"""
import os
import sys

SYMBOLS = ["vmap_lazy_nr", "cleanup_vm_area", "drain_vmap_work", "vmap_nodes",
           "free_vmap_area_list", "vmap_purge_lock", "free_vmap_area_lock"]
LINE = 64
WINDOW = 256


def parse(lines):
    """[(address, size, type, name)] of nm -n -S lines with a size."""
    out = []
    for ln in lines:
        f = ln.split()
        if len(f) == 4:
            out.append((int(f[0], 16), int(f[1], 16), f[2], f[3]))
    return out


def window(syms):
    """The symbols within WINDOW bytes of one of SYMBOLS."""
    at = [a for a, _, _, n in syms if n in SYMBOLS]
    return [s for s in syms if any(abs(s[0] - a) <= WINDOW for a in at)]


def sharing(syms, name):
    """(line address, names of the symbols overlapping NAME's line)."""
    a = [s[0] for s in syms if s[3] == name][0]
    line = a - a % LINE
    return line, [n for s0, sz, _, n in syms if s0 < line + LINE and s0 + max(sz, 1) > line]


def report(run):
    kernels = [("base", parse(open(os.path.join(run, "base.nm")))),
               ("series", parse(open(os.path.join(run, "series.nm"))))]
    out = ["| symbol | size | base: address, 64-byte line | series: address, 64-byte line |",
           "|---|---|---|---|"]
    for name in SYMBOLS:
        cells, size = [], "-"
        for _, syms in kernels:
            s = [x for x in syms if x[3] == name]
            if s:
                a, sz, t = s[0][0], s[0][1], s[0][2]
                size = "%d (%s)" % (sz, t)
                cells.append("%x, %x" % (a, a - a % LINE))
            else:
                cells.append("-")
        out.append("| %s | %s | %s | %s |" % (name, size, cells[0], cells[1]))
    out.append("")
    for k, syms in kernels:
        line, names = sharing(syms, "drain_vmap_work")
        out.append("%s: drain_vmap_work's line %x holds %s." % (k, line, ", ".join(names)))
    text = "\n".join(out) + "\n"
    with open(os.path.join(run, "layout.md"), "w") as f:
        f.write(text)
    return text


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "window":
        for a, sz, t, n in window(parse(open(sys.argv[2]))):
            print("%016x %016x %s %s" % (a, sz, t, n))
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        sys.stdout.write(report(sys.argv[2]))
    else:
        sys.exit(__doc__)
