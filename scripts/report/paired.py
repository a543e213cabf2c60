"""Paired statistics for alternated A/B boots (scripts/ab-boots.sh boots
base-<n> and series-<n> as a pair): per pair the log of series/base, the
geometric mean of the ratios with a 95% bootstrap interval over pairs, and
an exact two-sided sign test. Declared before any run: a ratio is reported
as a change only when the interval excludes 1 and the sign test gives
p < 0.05; with n pairs the smallest reachable sign-test p is 2 / 2**n, so
fewer than 6 pairs can never report a change."""
import math
import random


def sign_test(ratios):
    """Exact two-sided sign test of ratios against 1 (ties dropped)."""
    up = sum(1 for r in ratios if r > 1)
    down = sum(1 for r in ratios if r < 1)
    n = up + down
    if n == 0:
        return 1.0
    k = min(up, down)
    p = 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, p)


def geomean(ratios):
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def paired(pairs, seed=1, rounds=10000):
    """pairs: [(base, series)] of positive numbers, one per boot pair.
    Returns a dict: n, ratios, geomean, lo, hi (95% bootstrap of the
    geometric mean), sign_p, change (the declared rule above), or None
    when a pair has a zero or missing value."""
    if not pairs or any(b is None or s is None or b <= 0 or s <= 0
                        for b, s in pairs):
        return None
    ratios = [s / b for b, s in pairs]
    logs = [math.log(r) for r in ratios]
    rng = random.Random(seed)
    n = len(logs)
    means = sorted(sum(rng.choice(logs) for _ in range(n)) / n
                   for _ in range(rounds))
    lo = math.exp(means[int(0.025 * rounds)])
    hi = math.exp(means[int(0.975 * rounds) - 1])
    p = sign_test(ratios)
    return {"n": n, "ratios": [round(r, 4) for r in ratios],
            "geomean": round(geomean(ratios), 4),
            "lo": round(lo, 4), "hi": round(hi, 4),
            "sign_p": round(p, 4),
            "change": p < 0.05 and not lo <= 1 <= hi}
