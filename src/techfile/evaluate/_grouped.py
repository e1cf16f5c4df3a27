"""Bootstrap intervals for sensitivity, specificity, PPV, NPV and AUROC in every subgroup at once.

AI Act Art 10(2)(f)-(g) and 15(1), and MDCG 2020-1, ask whether performance holds in each
subgroup the device will meet (site, sex, age band, scanner); a subgroup table has dozens to
hundreds of rows, each with five metrics and their intervals. Running `bootstrap_metric` per
cell would sort and weight the data 500 times per replicate. `grouped_bootstrap` draws each
replicate's weights once and computes all metrics of all groups and of all cases from them
(`GroupedCases`: a cumulative sum per order and a few gathers), so a replicate costs a small
multiple of reading the weights, and the memory stays O(n): one replicate's weights and two
cumulative sums at a time, never a cases x replicates matrix. What grows with the replicates is
the table of their results, replicates x (1 + groups) x 5 values.

Resampling is as in `bootstrap`: Poisson(1) weights by default (exact and fast, `_poisson.py`),
simple or stratified by class; by case, or by cluster (patient) with ``ids``, every case of a
cluster sharing its weight. The interval is the percentile interval of the replicates
(Efron and Tibshirani 1993, ch. 13; linear interpolation), at level 1 - alpha. Replicates come
from ``numpy.random.default_rng(seed)``: the same seed gives the same intervals, and
`GroupedCases.replicate_weights` gives back every replicate's weights for an audit.

When a metric has no estimate (the rule, per group and metric):

1. on the full data its denominator (positives, negatives, predicted positives or negatives;
   AUROC both classes) has fewer than ``min_n`` cases: `Undefined`, ``empty`` or ``too_few``,
   as the closed-form metrics say;
2. in a replicate its denominator drew no weight (a group without positives in that
   replicate): the replicate's value is NaN in `GroupedBootstrapResult.values` and is counted
   in `GroupEstimates.undefined_replicates`. A percentile interval over the remaining
   replicates describes a different distribution (the one conditional on a defined value), so
   when more than ``max_undefined_share`` of the replicates (default `MAX_UNDEFINED_SHARE`,
   1%) are undefined the metric is `Undefined` with reason ``degenerate_replicates`` (and
   ``no_replicates`` when all are); up to that share they are left out. At 1% the quantiles
   taken stay within one percentage point of the nominal tail probabilities. With the default
   ``min_n`` of 10 a group has no positive in a Poisson replicate of cases with probability
   at most e^-10, so the rule bites only when ``min_n`` is lowered or when a few clusters
   hold a group's positives.

No NaN reaches a `Metric`: every estimate is either a number with its interval, or `Undefined`
with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from techfile.evaluate._bootstrap import (
    DEFAULT_REPLICATES,
    BootstrapObserver,
    NullObserver,
    Resampling,
    ResamplingUnit,
)
from techfile.evaluate._grouped_cases import GROUPED_METRICS, GroupedCases
from techfile.evaluate._inputs import is_whole
from techfile.evaluate._intervals import ALPHA, Interval, IntervalMethod, check_alpha
from techfile.evaluate._metric import (
    MIN_DENOMINATOR,
    Metric,
    MetricName,
    MetricResult,
    Undefined,
    UndefinedReason,
    check_denominator,
    check_min_n,
)
from techfile.evaluate.errors import EvaluationInputError

__all__ = [
    "MAX_UNDEFINED_SHARE",
    "GroupEstimates",
    "GroupedBootstrapResult",
    "grouped_bootstrap",
]

MAX_UNDEFINED_SHARE: Final = 0.01
"""Largest share of replicates in which a metric may be undefined and still get an interval."""

_TN, _FP, _FN, _TP = range(4)


@dataclass(frozen=True, slots=True)
class GroupEstimates:
    """The five metrics of one group, or of all cases, with their bootstrap intervals."""

    group: str | None
    """The group, as text; None for all cases."""
    cases: int
    """Cases in the group."""
    positives: int
    """Cases with label 1 in the group."""
    metrics: tuple[MetricResult, ...]
    """One result per metric of `GROUPED_METRICS`, in that order."""
    undefined_replicates: tuple[int, ...]
    """Per metric, the replicates in which it was undefined (left out of its interval)."""

    def metric(self, name: MetricName) -> MetricResult:
        """Return the result for one of `GROUPED_METRICS`.

        Raises:
            KeyError: ``name`` is not one of them.
        """
        for result in self.metrics:
            if result.name is name:
                return result
        raise KeyError(name)


@dataclass(frozen=True, slots=True, eq=False)
class GroupedBootstrapResult:
    """Every group's metrics with percentile bootstrap intervals, and how they were drawn."""

    overall: GroupEstimates
    """All cases together."""
    groups: tuple[GroupEstimates, ...]
    """One entry per group, in the sorted order of the groups."""
    threshold: float
    """A case was called positive when its score was at least this."""
    replicates: int
    """Replicates drawn."""
    resampling: Resampling
    """How the units were weighted."""
    unit: ResamplingUnit
    """What was resampled: cases or clusters."""
    units: int
    """How many units there were."""
    seed: int
    """The seed of the random generator: the same seed gives the same intervals."""
    alpha: float
    """Significance level; each interval has level 1 - alpha."""
    max_undefined_share: float
    """The share of undefined replicates above which a metric was left without interval."""
    values: npt.NDArray[np.float64]
    """Every replicate's metrics, shape (replicates, 1 + groups, 5): index 0 of the middle
    axis is all cases, then the groups in order; the last axis follows `GROUPED_METRICS`.
    NaN marks a replicate where the metric was undefined."""

    def group(self, name: str) -> GroupEstimates:
        """Return the estimates of one group by its name.

        Raises:
            KeyError: There is no such group.
        """
        for estimates in self.groups:
            if estimates.group == name:
                return estimates
        raise KeyError(name)


def grouped_bootstrap(  # noqa: PLR0913  # the bootstrap's columns and settings, keyword-only
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    threshold: float,
    seed: int,
    ids: npt.ArrayLike | None = None,
    probabilities: bool = False,
    replicates: int = DEFAULT_REPLICATES,
    resampling: Resampling = Resampling.POISSON,
    alpha: float = ALPHA,
    min_n: int = MIN_DENOMINATOR,
    max_undefined_share: float = MAX_UNDEFINED_SHARE,
    observer: BootstrapObserver | None = None,
) -> GroupedBootstrapResult:
    """Estimate sensitivity, specificity, PPV, NPV and AUROC in each group, with intervals.

    Args:
        labels: Reference standard per case, 0/1.
        scores: The model's score per case; higher means more likely positive.
        groups: The subgroup of each case.
        threshold: The pre-specified threshold: positive when ``score >= threshold``.
        seed: Seed of the random generator, recorded in the result.
        ids: Cluster id per case (patient, site); clusters are resampled whole.
        probabilities: Require scores and threshold to lie in [0, 1].
        replicates: Replicates to draw.
        resampling: How to weight the units.
        alpha: Significance level; the intervals have level 1 - alpha.
        min_n: Fewest cases in a metric's denominator on the full data.
        max_undefined_share: Largest share of undefined replicates that still gives an
            interval (see the module's rule).
        observer: Receives progress after each replicate.

    Returns:
        The metrics of all cases and of each group, and every replicate's values.

    Raises:
        EvaluationInputError: Bad arrays or settings.
    """
    cases = GroupedCases.of(
        labels, scores, groups, threshold=threshold, ids=ids, probabilities=probabilities
    )
    check_alpha(alpha)
    check_min_n(min_n)
    _check_settings(seed, replicates, max_undefined_share)
    watcher = observer if observer is not None else NullObserver()
    estimates = cases.statistics(np.ones(cases.cases, dtype=np.uint8))
    values = np.empty((replicates, *estimates.shape))
    rng = np.random.default_rng(seed)
    for done in cases.run(cases.draws(rng, replicates, resampling), values):
        watcher.replicate_done(done + 1, replicates)
    rows = [
        _group_estimates(
            None if row == 0 else cases.groups[row - 1],
            cases.confusion[row],
            estimates[row],
            values[:, row, :],
            alpha=alpha,
            min_n=min_n,
            max_undefined_share=max_undefined_share,
        )
        for row in range(estimates.shape[0])
    ]
    return GroupedBootstrapResult(
        overall=rows[0],
        groups=tuple(rows[1:]),
        threshold=cases.threshold,
        replicates=replicates,
        resampling=resampling,
        unit=ResamplingUnit.CASE if cases.cluster_global is None else ResamplingUnit.CLUSTER,
        units=cases.units,
        seed=seed,
        alpha=alpha,
        max_undefined_share=max_undefined_share,
        values=values,
    )


def _check_settings(seed: int, replicates: int, max_undefined_share: float) -> None:
    if not is_whole(seed) or seed < 0:
        raise EvaluationInputError("seed", "expected a whole number >= 0", found=repr(seed))
    if not is_whole(replicates) or replicates < 1:
        raise EvaluationInputError(
            "replicates", "expected a whole number >= 1", found=repr(replicates)
        )
    if not 0.0 <= max_undefined_share < 1.0:
        raise EvaluationInputError(
            "max_undefined_share", "expected a share in [0, 1)", found=repr(max_undefined_share)
        )


def _denominators(counts: npt.NDArray[np.int64]) -> dict[MetricName, tuple[tuple[int, str], ...]]:
    """Per metric, the full-data denominators that must reach ``min_n``, and what they count."""
    tn, fp, fn, tp = (int(count) for count in counts)
    positives, negatives = (tp + fn, "positives"), (tn + fp, "negatives")
    return {
        MetricName.SENSITIVITY: (positives,),
        MetricName.SPECIFICITY: (negatives,),
        MetricName.PPV: ((tp + fp, "predicted positives"),),
        MetricName.NPV: ((tn + fn, "predicted negatives"),),
        MetricName.AUROC: (positives, negatives),
    }


def _group_estimates(  # noqa: PLR0913  # one group's data and the interval settings
    group: str | None,
    counts: npt.NDArray[np.int64],
    estimates: npt.NDArray[np.float64],
    values: npt.NDArray[np.float64],
    *,
    alpha: float,
    min_n: int,
    max_undefined_share: float,
) -> GroupEstimates:
    denominators = _denominators(counts)
    cases = int(counts.sum())
    results: list[MetricResult] = []
    undefined: list[int] = []
    for column, name in enumerate(GROUPED_METRICS):
        replicate_values = values[:, column]
        finite = replicate_values[np.isfinite(replicate_values)]
        undefined.append(replicate_values.size - finite.size)
        results.append(
            _metric(
                name,
                denominators[name],
                float(estimates[column]),
                finite,
                replicate_values.size,
                cases=cases,
                alpha=alpha,
                min_n=min_n,
                max_undefined_share=max_undefined_share,
            )
        )
    return GroupEstimates(
        group=group,
        cases=cases,
        positives=int(counts[_TP] + counts[_FN]),
        metrics=tuple(results),
        undefined_replicates=tuple(undefined),
    )


def _metric(  # noqa: PLR0913  # one cell of the table and the interval settings
    name: MetricName,
    denominators: tuple[tuple[int, str], ...],
    estimate: float,
    finite: npt.NDArray[np.float64],
    replicates: int,
    *,
    cases: int,
    alpha: float,
    min_n: int,
    max_undefined_share: float,
) -> MetricResult:
    for n, what in denominators:
        too_small = check_denominator(name, n, min_n, what)
        if too_small is not None:
            return too_small
    n = cases if name is MetricName.AUROC else denominators[0][0]
    undefined = replicates - finite.size
    drew_none = " or ".join(what for _, what in denominators)
    if finite.size == 0:
        return Undefined(
            name,
            UndefinedReason.NO_REPLICATES,
            n,
            f"undefined in all {replicates} bootstrap replicates (no {drew_none} drawn)",
        )
    if undefined > max_undefined_share * replicates:
        return Undefined(
            name,
            UndefinedReason.DEGENERATE_REPLICATES,
            n,
            f"undefined in {undefined} of {replicates} bootstrap replicates (no {drew_none} "
            f"drawn), more than the {max_undefined_share:.1%} that still give a percentile "
            "interval",
        )
    lower, upper = np.quantile(finite, [alpha / 2.0, 1.0 - alpha / 2.0])
    interval = Interval(
        float(lower), float(upper), 1.0 - alpha, IntervalMethod.BOOTSTRAP_PERCENTILE
    )
    return Metric(name, estimate, interval, n)
