"""Fairness gaps: how far a metric differs between the groups of one grouping.

AI Act Art 10(2)(f)-(g) asks for an examination of possible biases and measures against them,
and Annex IV 2(g) for metrics of "discriminatory impacts"; Art 9(9) and 13(3)(b)(v) for the
performance on specific groups. For each metric of `GAP_METRICS` and each grouping, the gap
names the group with the highest and the lowest estimate and gives:

* the difference, highest minus lowest, with a confidence interval: Newcombe's hybrid score
  interval (1998, method 10) for the proportions when cases are independent; otherwise (AUROC,
  or clustered cases) the percentile interval of the paired bootstrap differences, both groups
  measured on the same replicate (but Newcombe's when a group's proportion is 0 or 1: every
  replicate would repeat it and the percentile interval would be too narrow);
* the ratio, lowest over highest (1 is parity), as in the "four-fifths" convention of
  disparate-impact analysis and fairlearn's ``*_ratio`` metrics.

The metrics: sensitivity and specificity (their differences are the two halves of equalized
odds, Hardt, Price and Srebro 2016), PPV and NPV (predictive parity, Chouldechova 2017) and
AUROC (discrimination within each group). Only groups whose metric has an estimate take part;
the others are listed. The interval is for the difference between the two groups named, chosen
by their point estimates; it is not an interval for the largest difference among all groups,
which is biased upward when there are many small groups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from techfile.evaluate._confusion import ConfusionCounts
from techfile.evaluate._grouped import MAX_UNDEFINED_SHARE
from techfile.evaluate._intervals import Interval, IntervalMethod, newcombe_interval
from techfile.evaluate._metric import Metric, MetricName, MetricResult
from techfile.evaluate._subgroups import Population

__all__ = ["GAP_METRICS", "Gap", "GapResult", "NoGap", "gaps"]

GAP_METRICS: Final = (
    MetricName.SENSITIVITY,
    MetricName.SPECIFICITY,
    MetricName.PPV,
    MetricName.NPV,
    MetricName.AUROC,
)
"""The metrics compared across groups (see the module docstring for why these)."""

_PROPORTION: Final[Mapping[MetricName, Callable[[ConfusionCounts], tuple[int, int]]]] = {
    MetricName.SENSITIVITY: lambda c: (c.tp, c.positives),
    MetricName.SPECIFICITY: lambda c: (c.tn, c.negatives),
    MetricName.PPV: lambda c: (c.tp, c.predicted_positives),
    MetricName.NPV: lambda c: (c.tn, c.predicted_negatives),
}
"""For each proportion, its successes and denominator from the confusion counts."""


@dataclass(frozen=True, slots=True)
class Gap:
    """The difference and ratio of a metric between its best and worst group."""

    metric: MetricName
    """The metric compared."""
    highest: tuple[str, ...]
    """Levels of the group with the highest estimate."""
    lowest: tuple[str, ...]
    """Levels of the group with the lowest estimate."""
    highest_estimate: float
    """Its estimate in the highest group."""
    lowest_estimate: float
    """Its estimate in the lowest group."""
    interval: Interval | None
    """Confidence interval of highest minus lowest (None: the bootstrap could not give one)."""
    ratio: float | None
    """Lowest over highest estimate (None when the highest is 0)."""
    compared: int
    """Groups with an estimate, among which the two were found."""
    without_estimate: tuple[tuple[str, ...], ...]
    """Groups left out because the metric is undefined in them."""
    note: str = ""
    """Why there is no interval, if there is none."""

    @property
    def difference(self) -> float:
        """Highest minus lowest estimate (0 is parity)."""
        return self.highest_estimate - self.lowest_estimate


@dataclass(frozen=True, slots=True)
class NoGap:
    """A metric that cannot be compared within a grouping, and why."""

    metric: MetricName
    """The metric."""
    compared: int
    """Groups with an estimate (fewer than two)."""
    reason: str
    """One sentence for the reader."""


GapResult = Gap | NoGap
"""The comparison of one metric across the groups of one grouping."""


def gaps(
    cells: Sequence[Population],
    *,
    alpha: float,
    replicates: Mapping[MetricName, npt.NDArray[np.float64]],
    newcombe: bool,
) -> tuple[GapResult, ...]:
    """Compare every metric of `GAP_METRICS` that the cells report across the cells.

    Args:
        cells: The groups of one grouping.
        alpha: Significance level; intervals have level 1 - alpha.
        replicates: Per metric, bootstrap values of shape (replicates, cells), NaN where
            undefined; the cells in the order of ``cells``.
        newcombe: Use Newcombe's interval for the proportions (independent cases); otherwise
            the bootstrap's for every metric.

    Returns:
        One result per metric that the cells report, in the order of `GAP_METRICS`.
    """
    found: list[GapResult] = []
    for name in GAP_METRICS:
        results = [cell.metric(name) for cell in cells]
        if all(r is None for r in results):
            continue
        defined = [i for i, r in enumerate(results) if isinstance(r, Metric)]
        if len(defined) < 2:  # noqa: PLR2004  # a gap needs two groups
            found.append(
                NoGap(
                    name,
                    len(defined),
                    f"{len(defined)} of {len(cells)} groups have an estimate; a gap needs two",
                )
            )
            continue
        found.append(
            _gap(
                name,
                cells,
                results,
                defined,
                alpha=alpha,
                values=replicates.get(name),
                newcombe=newcombe,
            )
        )
    return tuple(found)


def _gap(  # noqa: PLR0913  # one metric's comparison and the interval settings
    name: MetricName,
    cells: Sequence[Population],
    results: Sequence[MetricResult | None],
    defined: list[int],
    *,
    alpha: float,
    values: npt.NDArray[np.float64] | None,
    newcombe: bool,
) -> Gap:
    estimates = {i: r.estimate for i in defined if isinstance(r := results[i], Metric)}
    high = max(defined, key=lambda i: (estimates[i], -i))
    low = min(defined, key=lambda i: (estimates[i], i))
    interval: Interval | None = None
    note = ""
    counts_high, counts_low = cells[high].counts, cells[low].counts
    at_boundary = {estimates[high], estimates[low]} & {0.0, 1.0}
    if (
        (newcombe or at_boundary)
        and name in _PROPORTION
        and counts_high is not None
        and counts_low is not None
    ):
        s1, n1 = _PROPORTION[name](counts_high)
        s2, n2 = _PROPORTION[name](counts_low)
        interval = newcombe_interval(s1, n1, s2, n2, alpha=alpha)
        if not newcombe:
            note = "Newcombe interval: a group's proportion is 0 or 1, where the bootstrap fails"
    elif values is None:
        note = "no bootstrap was run"
    else:
        differences = values[:, high] - values[:, low]
        finite = differences[np.isfinite(differences)]
        undefined = differences.size - finite.size
        if finite.size == 0 or undefined > MAX_UNDEFINED_SHARE * differences.size:
            note = (
                f"the difference is undefined in {undefined} of {differences.size} bootstrap "
                "replicates: no percentile interval"
            )
        else:
            lower, upper = np.quantile(finite, [alpha / 2.0, 1.0 - alpha / 2.0])
            interval = Interval(
                float(lower), float(upper), 1.0 - alpha, IntervalMethod.BOOTSTRAP_PERCENTILE
            )
    top = estimates[high]
    return Gap(
        metric=name,
        highest=cells[high].levels,
        lowest=cells[low].levels,
        highest_estimate=top,
        lowest_estimate=estimates[low],
        interval=interval,
        ratio=estimates[low] / top if top > 0 else None,
        compared=len(defined),
        without_estimate=tuple(cells[i].levels for i in range(len(cells)) if i not in estimates),
        note=note,
    )
