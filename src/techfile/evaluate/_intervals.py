"""Confidence intervals for proportions and for a difference of two proportions.

This module owns `Interval`, the interval type every metric carries, and the closed-form
intervals on counts:

* the Wilson score interval (Wilson 1927), the default for a single proportion: its coverage
  stays close to nominal for small n and near 0 and 1, where the Wald interval fails (Newcombe
  1998a, Brown, Cai and DasGupta 2001);
* the Clopper-Pearson "exact" interval (Clopper and Pearson 1934), from beta quantiles: never
  below nominal coverage, at the price of width; some reviewers ask for it;
* the Newcombe hybrid score interval for the difference of two independent proportions
  (Newcombe 1998b, method 10), built from the two Wilson intervals.

Reporting guidelines ask for these intervals: STARD 2015 item 24 (estimates of diagnostic
accuracy with their precision) and TRIPOD+AI (performance measures with confidence
intervals). Functions take counts, return values, and reject impossible counts with
`EvaluationInputError`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from scipy import stats

from techfile.evaluate._inputs import is_whole
from techfile.evaluate.errors import EvaluationInputError

__all__ = [
    "ALPHA",
    "Interval",
    "IntervalMethod",
    "ProportionMethod",
    "check_alpha",
    "clopper_pearson_interval",
    "newcombe_interval",
    "normal_quantile",
    "proportion_interval",
    "wilson_interval",
]

ALPHA = 0.05
"""Default significance level: two-sided 95% intervals, the convention of STARD and TRIPOD."""


class IntervalMethod(StrEnum):
    """How an interval was computed; reported beside it, as STARD 2015 item 24 asks."""

    WILSON = "wilson"
    """Wilson score interval for a proportion (Wilson 1927)."""
    CLOPPER_PEARSON = "clopper_pearson"
    """Clopper-Pearson exact interval for a proportion, from beta quantiles (1934)."""
    WILSON_MAPPED = "wilson_mapped"
    """A Wilson interval on a proportion, mapped through a monotone function (F1 from Jaccard)."""
    CLOPPER_PEARSON_MAPPED = "clopper_pearson_mapped"
    """A Clopper-Pearson interval on a proportion, mapped through a monotone function."""
    NEWCOMBE_HYBRID = "newcombe_hybrid"
    """Newcombe's hybrid score interval for a difference of proportions (1998, method 10)."""
    LOG_RATIO = "log_ratio"
    """Normal interval on the log of a likelihood ratio (Simel, Samsa and Matchar 1991)."""
    DELONG_LOGIT = "delong_logit"
    """Normal interval on logit(AUROC) with the DeLong variance (DeLong 1988; Pepe 2003)."""
    DELONG_NORMAL = "delong_normal"
    """Normal interval on the AUROC scale with the DeLong variance, clamped to [0, 1]."""
    LOGIT_POSITIVES = "logit_positives"
    """Boyd et al. (2013) logit interval for the area under the precision-recall curve."""
    WALD = "wald"
    """Wald interval from the inverse Fisher information of a fitted model."""
    BOOTSTRAP_PERCENTILE = "bootstrap_percentile"
    """Percentile interval of bootstrap replicates (Efron and Tibshirani 1993, ch. 13)."""


class ProportionMethod(StrEnum):
    """The interval methods for a single binomial proportion."""

    WILSON = "wilson"
    """Wilson score interval (the default)."""
    CLOPPER_PEARSON = "clopper_pearson"
    """Clopper-Pearson exact interval."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A two-sided confidence interval and how it was computed."""

    lower: float
    """Lower limit."""
    upper: float
    """Upper limit."""
    level: float
    """Confidence level, 1 - alpha (0.95 for a 95% interval)."""
    method: IntervalMethod
    """The method that produced it."""

    def __post_init__(self) -> None:
        if math.isnan(self.lower) or math.isnan(self.upper) or self.lower > self.upper:
            raise ValueError(f"interval limits must be ordered numbers: {self}")
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"confidence level must lie in (0, 1): {self.level}")

    def __contains__(self, value: float) -> bool:
        return self.lower <= value <= self.upper


def check_alpha(alpha: float) -> float:
    """Check a significance level and return it.

    Raises:
        EvaluationInputError: ``alpha`` is not strictly between 0 and 1.
    """
    if not 0.0 < alpha < 1.0:
        raise EvaluationInputError(
            "alpha", "expected a significance level strictly between 0 and 1", found=str(alpha)
        )
    return alpha


def normal_quantile(alpha: float) -> float:
    """Return z, the standard normal quantile 1 - alpha/2 (1.95996... for alpha = 0.05)."""
    return _normal_quantile(check_alpha(alpha))


@functools.cache
def _normal_quantile(alpha: float) -> float:
    # Cached: subgroup tables ask for the same few levels thousands of times.
    return float(stats.norm.ppf(1.0 - alpha / 2.0))


def _check_counts(successes: int, n: int, argument: str = "counts") -> None:
    if not is_whole(successes) or not is_whole(n):
        raise EvaluationInputError(
            argument, "expected whole numbers of cases", found=f"{successes!r} of {n!r}"
        )
    if n < 1 or not 0 <= successes <= n:
        raise EvaluationInputError(
            argument,
            "expected 0 <= successes <= n and n >= 1",
            found=f"{successes} of {n}",
            hint="a proportion over no cases is undefined; the metrics report it as Undefined",
        )


def wilson_interval(successes: int, n: int, *, alpha: float = ALPHA) -> Interval:
    """Wilson score interval for the proportion ``successes / n``.

    The limits solve ``|p - p_hat| = z * sqrt(p (1 - p) / n)`` for p (Wilson 1927):
    centre ``(x + z^2/2) / (n + z^2)``, half-width
    ``z * sqrt(x (n - x) / n + z^2 / 4) / (n + z^2)``.

    Args:
        successes: Number of cases with the property (for sensitivity: true positives).
        n: Number of cases (for sensitivity: all positives); at least 1.
        alpha: Significance level; the interval has level 1 - alpha.

    Returns:
        The interval, within [0, 1].

    Raises:
        EvaluationInputError: Impossible counts or alpha.
    """
    _check_counts(successes, n)
    z = normal_quantile(alpha)
    x, m = float(successes), float(n)
    denominator = m + z * z
    centre = (x + z * z / 2.0) / denominator
    half = z * math.sqrt(x * (m - x) / m + z * z / 4.0) / denominator
    # At x = 0 or x = n the limit is exactly 0 or 1; rounding can leave it a hair outside.
    return Interval(
        max(0.0, centre - half), min(1.0, centre + half), 1.0 - alpha, IntervalMethod.WILSON
    )


def clopper_pearson_interval(successes: int, n: int, *, alpha: float = ALPHA) -> Interval:
    """Clopper-Pearson exact interval for the proportion ``successes / n``.

    The limits are the alpha/2 quantile of Beta(x, n - x + 1) and the 1 - alpha/2 quantile of
    Beta(x + 1, n - x), with 0 when x = 0 and 1 when x = n (Clopper and Pearson 1934).

    Args:
        successes: Number of cases with the property.
        n: Number of cases; at least 1.
        alpha: Significance level; the interval has level 1 - alpha.

    Returns:
        The interval, within [0, 1].

    Raises:
        EvaluationInputError: Impossible counts or alpha.
    """
    _check_counts(successes, n)
    check_alpha(alpha)
    lower = (
        0.0 if successes == 0 else float(stats.beta.ppf(alpha / 2.0, successes, n - successes + 1))
    )
    upper = (
        1.0
        if successes == n
        else float(stats.beta.ppf(1.0 - alpha / 2.0, successes + 1, n - successes))
    )
    return Interval(lower, upper, 1.0 - alpha, IntervalMethod.CLOPPER_PEARSON)


def proportion_interval(
    successes: int,
    n: int,
    *,
    method: ProportionMethod = ProportionMethod.WILSON,
    alpha: float = ALPHA,
) -> Interval:
    """Confidence interval for ``successes / n`` by the chosen method.

    Args:
        successes: Number of cases with the property.
        n: Number of cases; at least 1.
        method: Wilson score (default) or Clopper-Pearson.
        alpha: Significance level; the interval has level 1 - alpha.

    Returns:
        The interval, within [0, 1].

    Raises:
        EvaluationInputError: Impossible counts or alpha.
    """
    match method:
        case ProportionMethod.WILSON:
            return wilson_interval(successes, n, alpha=alpha)
        case ProportionMethod.CLOPPER_PEARSON:
            return clopper_pearson_interval(successes, n, alpha=alpha)
        case _:
            assert_never(method)


def newcombe_interval(
    successes1: int, n1: int, successes2: int, n2: int, *, alpha: float = ALPHA
) -> Interval:
    """Newcombe hybrid score interval for the difference ``p1 - p2`` of independent proportions.

    Method 10 of Newcombe (1998, Stat Med 17:873-890): with Wilson limits (l1, u1) for p1 and
    (l2, u2) for p2, the limits are
    ``p1 - p2 - sqrt((p1 - l1)^2 + (u2 - p2)^2)`` and
    ``p1 - p2 + sqrt((u1 - p1)^2 + (p2 - l2)^2)``.
    Use it to compare a metric between two disjoint subgroups (for example sensitivity in
    women and in men); the two groups must share no cases.

    Args:
        successes1: Cases with the property in group 1.
        n1: Cases in group 1; at least 1.
        successes2: Cases with the property in group 2.
        n2: Cases in group 2; at least 1.
        alpha: Significance level; the interval has level 1 - alpha.

    Returns:
        The interval for p1 - p2, within [-1, 1].

    Raises:
        EvaluationInputError: Impossible counts or alpha.
    """
    first = wilson_interval(successes1, n1, alpha=alpha)
    second = wilson_interval(successes2, n2, alpha=alpha)
    p1, p2 = successes1 / n1, successes2 / n2
    difference = p1 - p2
    lower = difference - math.hypot(p1 - first.lower, second.upper - p2)
    upper = difference + math.hypot(first.upper - p1, p2 - second.lower)
    return Interval(max(-1.0, lower), min(1.0, upper), 1.0 - alpha, IntervalMethod.NEWCOMBE_HYBRID)
