"""Constants of the make bench reports (targets, verdict rule)."""
import re
import statistics

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
