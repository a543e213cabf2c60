"""Number formats shared by the report CLIs."""
import statistics


def spread(v):
    """A per-boot figure as "median [min..max]" ("n/a" without data); a
    half-way median keeps one decimal."""
    if not v:
        return "n/a"
    med = statistics.median(v)
    med = str(int(med)) if float(med).is_integer() else "%.1f" % med
    return "%s [%d..%d]" % (med, min(v), max(v))
