"""abrun.py: read one directory of scripts/ab-boots.sh (make bench, make
torture, ablation): its meta file and its boots, <kernel>-<n>/ with kernel
base or series, or step<k> (AB_STEPS). Imported by the report scripts
next to it."""
import os
import re

from report.results import read_meta  # noqa: F401 (the reports import it from here)


def read_boots(out, parse):
    """parse(<boot>/ktap.log, or os.devnull if it is missing) for every boot,
    in name order, each result tagged with dir, kernel_kind and boot."""
    boots = []
    for d in sorted(os.listdir(out)):
        m = re.match(r"^(base|series|step\d+)-(\d+)$", d)
        if not m:
            continue
        kt = os.path.join(out, d, "ktap.log")
        b = parse(kt if os.path.exists(kt) else os.devnull)
        b["dir"], b["kernel_kind"], b["boot"] = d, m.group(1), int(m.group(2))
        boots.append(b)
    return boots


def read_run(out, parse):
    """(meta, boots) of run directory OUT: read_meta and read_boots."""
    return read_meta(out), read_boots(out, parse)


def cli_help(argv, doc):
    """Print DOC and exit 0 if ARGV asks for -h/--help (every report CLI)."""
    if argv[1:2] in (["-h"], ["--help"]):
        print(doc.strip())
        raise SystemExit(0)
