"""The statistics of the profile: simultaneous intervals, rank AUROC, homogeneity tests, row keys.

* `simultaneous_shares`: Goodman's (1965, Technometrics 7:247-254) simultaneous intervals for
  the k shares of a multinomial: each share gets the Wilson score interval (Wilson 1927) at
  level 1 - alpha/k, a Bonferroni split of alpha over the levels (Goodman's B is the chi-square
  quantile with 1 degree of freedom at 1 - alpha/k, i.e. z squared at 1 - alpha/2k, which is
  exactly that). Every share is then covered together with probability at least 1 - alpha.
  With k = 2 the two shares are complementary (p2 = 1 - p1), so one Wilson interval at
  1 - alpha covers both at once and no split is made.
* `grouped_auroc`: the Mann-Whitney AUROC from counts per distinct score, ties counting one
  half, in O(n) once the scores are grouped.
* `homogeneity_p`: a test that a proportion is the same in every stratum: Pearson's
  chi-square, or its Monte Carlo version when expected counts are small.
* `row_keys`: one integer per row, equal for rows equal on every column given, built by
  packing codes and renumbering them by sorting, O(c n log n) for c columns at worst, and
  exact (no hash collisions).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats

from techfile.evaluate import wilson_interval

__all__ = [
    "HomogeneityTest",
    "IntervalMethod",
    "Share",
    "distinct",
    "grouped_auroc",
    "homogeneity_p",
    "row_keys",
    "simultaneous_shares",
]


class IntervalMethod(StrEnum):
    """How the intervals of a set of shares were made."""

    GOODMAN = "goodman"
    """Goodman (1965): Wilson at 1 - alpha/k for each of k > 2 shares (Bonferroni)."""
    WILSON = "wilson"
    """Wilson (1927) at 1 - alpha: one or two complementary shares."""


@dataclass(frozen=True, slots=True)
class Share:
    """One level's count and share with its simultaneous interval."""

    level: str
    """The level (group value or class)."""
    count: int
    """Rows with this level."""
    share: float
    """count / n."""
    lower: float
    """Lower limit of the simultaneous interval."""
    upper: float
    """Upper limit of the simultaneous interval."""


def simultaneous_shares(
    levels: Sequence[str], counts: Sequence[int], alpha: float
) -> tuple[tuple[Share, ...], IntervalMethod]:
    """Shares of ``counts`` with intervals that hold together at level 1 - alpha.

    Args:
        levels: The name of each level.
        counts: Rows per level (at least one row in total).
        alpha: Family-wise error rate.

    Returns:
        The shares in the order given, and the method used.
    """
    n = int(sum(counts))
    k = len(counts)
    method = IntervalMethod.GOODMAN if k > 2 else IntervalMethod.WILSON  # noqa: PLR2004  # see above
    each = alpha / k if method is IntervalMethod.GOODMAN else alpha
    shares = []
    for level, count in zip(levels, counts, strict=True):
        interval = wilson_interval(int(count), n, alpha=each)
        shares.append(Share(level, int(count), count / n, interval.lower, interval.upper))
    return tuple(shares), method


def grouped_auroc(
    groups: npt.NDArray[np.int64],
    positive: npt.NDArray[np.bool_],
    scores: npt.NDArray[np.float64],
) -> float:
    """Mann-Whitney AUROC when every row scores its group's score (0.5 if a class is empty).

    Counting positives and negatives per group and sweeping the distinct scores once gives
    the area in O(n + g log g), with ties (equal scores) counting one half: for a numeric
    column, the groups are its distinct values and the scores their order.

    Args:
        groups: Each row's group, 0..g-1.
        positive: Each row's class.
        scores: The score of each group (length g).
    """
    size = scores.size
    hits = np.bincount(groups[positive], minlength=size).astype(np.float64)
    misses = np.bincount(groups[~positive], minlength=size).astype(np.float64)
    n1, n0 = hits.sum(), misses.sum()
    if n1 == 0 or n0 == 0:
        return 0.5
    distinct, inverse = np.unique(scores, return_inverse=True)
    up = np.asarray(np.bincount(inverse, weights=hits, minlength=distinct.size), dtype=np.float64)
    down = np.asarray(np.bincount(inverse, weights=misses, minlength=distinct.size), np.float64)
    below = np.cumsum(down) - down
    return float((up * below + 0.5 * up * down).sum() / (n1 * n0))


class HomogeneityTest(StrEnum):
    """How a homogeneity p-value was computed."""

    CHI_SQUARE = "chi_square"
    """Pearson's chi-square approximation: every expected count is at least 5."""
    MONTE_CARLO = "monte_carlo"
    """Monte Carlo test given the margins: some expected count is below 5."""


_PACKED = 2**62
"""Largest packed key: codes are combined while the product of their widths stays below."""
_COCHRAN = 5.0
"""Smallest expected count for the chi-square approximation (Cochran 1954, Biometrics 10)."""
_MAX_REPLICATES = 100_000


def _chi_square(
    events: npt.NDArray[np.float64], totals: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Pearson's statistic of each row of ``events`` (replicates x strata) against ``totals``."""
    rate = events.sum(axis=-1, keepdims=True) / totals.sum()
    hit, miss = totals * rate, totals * (1.0 - rate)
    statistic = (events - hit) ** 2 / hit + ((totals - events) - miss) ** 2 / miss
    return np.asarray(statistic.sum(axis=-1), dtype=np.float64)


def homogeneity_p(
    events: Sequence[int], totals: Sequence[int], *, level: float
) -> tuple[float, HomogeneityTest] | None:
    """P-value of the test that ``events / totals`` is the same in every stratum.

    Pearson's chi-square test when every expected count is at least 5 (Cochran 1954);
    otherwise its statistic's distribution given the margins is simulated (the strata's event
    counts are multivariate hypergeometric under the null, as in Fisher's exact test), with a
    fixed seed so that the result is reproducible (Hope 1968, JRSS B 30:582-598). Enough
    replicates are drawn for p to reach a twentieth of ``level`` (at least 10 000, at most
    100 000).

    Args:
        events: Events (missing values) per stratum.
        totals: Rows per stratum (each at least 1).
        level: The significance level the p-value will be compared with.

    Returns:
        The p-value and the method, or None when there is nothing to compare (fewer than two
        strata, or no events or no non-events at all).
    """
    hits = np.asarray(events, dtype=np.float64)
    sizes = np.asarray(totals, dtype=np.float64)
    if hits.size < 2 or hits.sum() in {0.0, sizes.sum()}:  # noqa: PLR2004  # two strata
        return None
    observed = np.column_stack([hits, sizes - hits])
    expected = np.outer(sizes, observed.sum(axis=0)) / sizes.sum()
    if expected.min() >= _COCHRAN:
        result = stats.chi2_contingency(observed, correction=False)
        return float(result.pvalue), HomogeneityTest.CHI_SQUARE
    replicates = min(_MAX_REPLICATES, max(10_000, math.ceil(20.0 / level)))
    rng = np.random.default_rng(0)
    draws = rng.multivariate_hypergeometric(
        np.asarray(totals, dtype=np.int64), int(hits.sum()), size=replicates, method="marginals"
    )
    statistic = _chi_square(hits[None, :], sizes)[0]
    simulated = _chi_square(draws.astype(np.float64), sizes)
    exceed = int((simulated >= statistic * (1.0 - 1e-12)).sum())  # ties count against
    return (exceed + 1) / (replicates + 1), HomogeneityTest.MONTE_CARLO


def row_keys(columns: Sequence[npt.NDArray[np.int64]], n_rows: int) -> npt.NDArray[np.int64]:
    """One key per row, equal exactly for rows equal on every column (missing is a value).

    Codes are packed into one integer (key * width + code) for as many columns as fit in 62
    bits, then renumbered by sorting; a table of low-cardinality columns needs one sort.

    Args:
        columns: Per-column codes (-1 for missing), each of length ``n_rows``.
        n_rows: Number of rows (for the case of no columns).

    Returns:
        Keys 0..g-1 for g distinct rows.
    """
    key = np.zeros(n_rows, dtype=np.int64)
    bound = 1  # every key is below it
    for codes in columns:
        shifted = codes + 1
        width = int(shifted.max(initial=0)) + 1
        if bound * width >= _PACKED:
            key, bound = _renumber(key)
        key = key * width + shifted
        bound *= width
    return _renumber(key)[0]


def _renumber(key: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], int]:
    _, inverse = np.unique(key, return_inverse=True)
    numbered = np.asarray(inverse, dtype=np.int64).reshape(-1)
    return numbered, int(numbered.max(initial=0)) + 1


def distinct(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values, sorted (by sorting, which beats hashing for integer keys)."""
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered
    first = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    return np.asarray(ordered[first], dtype=np.int64)
