"""The few statistics the outcome dashboard shows: mean and SD, and the paired change between two
waves with its 95 % confidence interval (Student's t) and effect size (Cohen's d_z).

Written out rather than taken from a statistics package: the portal needs only these, and the
tests check them against published t values and a hand-computed dataset.
"""

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class PairedChange:
    n: int
    mean: float | None  # later minus earlier
    ci_low: float | None
    ci_high: float | None
    effect_size: float | None  # Cohen's d_z: mean change / SD of the changes


def summary(values):
    values = [float(v) for v in values]
    n = len(values)
    if n == 0:
        return Summary(0, None, None)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return Summary(n, mean, sd)


def summary_of_sums(n, total, squares):
    """``summary`` of n values from their sum and sum of squares (as the outcome tallies keep
    them)."""
    n = int(round(n))
    if n <= 0:
        return Summary(0, None, None)
    mean = total / n
    variance = (squares - n * mean * mean) / (n - 1) if n > 1 else None
    if variance is not None and variance < 1e-9 * (1 + mean * mean):
        variance = 0.0  # equal values, up to the rounding of the sums
    return Summary(n, mean, math.sqrt(variance) if variance is not None else None)


def paired_change_of_sums(n, total, squares, confidence=0.95):
    """``paired_change`` from the number of pairs, the sum of the changes and of their
    squares."""
    described = summary_of_sums(n, total, squares)
    return _paired(described, confidence)


def paired_change(before, after, confidence=0.95):
    """The change from ``before`` to ``after`` ({case: value}) for the cases in both."""
    both = sorted(set(before) & set(after))
    changes = [float(after[key]) - float(before[key]) for key in both]
    n = len(changes)
    if n == 0:
        return PairedChange(0, None, None, None, None)
    return _paired(summary(changes), confidence)


def _paired(described, confidence):
    n = described.n
    if n == 0:
        return PairedChange(0, None, None, None, None)
    if n < 2:
        return PairedChange(n, described.mean, None, None, None)
    half_width = t_quantile(1 - (1 - confidence) / 2, n - 1) * described.sd / math.sqrt(n)
    effect = described.mean / described.sd if described.sd else None
    return PairedChange(n, described.mean, described.mean - half_width,
                        described.mean + half_width, effect)


@lru_cache(maxsize=4096)
def t_quantile(p, df):
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (0.5 < p < 1)."""
    if df >= LARGE_DF:
        return _t_quantile_large(p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


# From this many degrees of freedom the quantile is taken from its expansion around the normal
# one (Cornish-Fisher, to 1/df^3: off by less than 1e-10 here), not by bisection over the
# incomplete beta function, whose continued fraction is slow to converge for large df: the
# dashboard of a national cohort asks for a quantile per scale and wave.
LARGE_DF = 1000


def _t_quantile_large(p, df):
    z = NormalDist().inv_cdf(p)
    z3, z5, z7 = z ** 3, z ** 5, z ** 7
    return (z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3))


def t_cdf(t, df):
    """P(T <= t) for t >= 0."""
    x = df / (df + t * t)
    return 1 - 0.5 * _regularized_beta(x, df / 2, 0.5)


def _regularized_beta(x, a, b):
    """I_x(a, b), by its continued fraction (Numerical Recipes, 6.4)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(x, a, b) / a
    return 1 - front * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x, a, b, iterations=300, epsilon=1e-15):
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, iterations + 1):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < epsilon:
            break
    return result
