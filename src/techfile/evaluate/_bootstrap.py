"""Percentile bootstrap intervals for any metric, by case or by cluster.

Where no closed-form interval fits (a metric on clustered data, several lesions per patient or
cases from a few sites) the bootstrap gives one (Efron and Tibshirani 1993, ch. 13). Every
scheme here draws a *weight* per resampling unit instead of a list of indices, so a replicate is
one weight vector of length n and the memory stays O(n) however many replicates are drawn:

* ``poisson`` (default): independent Poisson(1) weights, the Poisson bootstrap (Hanley and
  MacGibbon 2006, Comput Methods Programs Biomed 83:57-62); the total varies between replicates
  as it does between studies;
* ``simple``: n draws with replacement from the n units, the classical bootstrap;
* ``stratified``: draws with replacement within each stratum, so the number of positives and
  negatives (for clusters: of clusters with and without a positive) stays fixed, as it does in
  a case-control test set.

With cluster ids the unit is the cluster: every case of a drawn cluster comes along, which
keeps the correlation within a patient or site in the replicates (Field and Welsh 2007,
J R Stat Soc B 69:369-390). The interval is the alpha/2 and 1 - alpha/2 quantiles of the
replicates (linear interpolation). A replicate where the statistic is undefined (no positive
drawn) or infinite is left out and counted in `BootstrapResult.undefined_replicates`; a large
count means the interval is not to be trusted. The minimum-denominator rule applies to the
full data only, never per replicate, which would bias the interval.

Replicates come from ``numpy.random.default_rng(seed)``: the same seed gives the same interval.
Progress goes to an observer (STYLE E3); nothing is printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol, assert_never

import numpy as np
import numpy.typing as npt

from techfile.evaluate._auroc import RankedScores
from techfile.evaluate._confusion import (
    CONFUSION_METRICS,
    ConfusionCounts,
    metrics_from_counts,
    point_estimate,
)
from techfile.evaluate._inputs import (
    as_binary,
    as_ids,
    as_scores,
    check_same_length,
    is_whole,
)
from techfile.evaluate._intervals import ALPHA, Interval, IntervalMethod, check_alpha
from techfile.evaluate._metric import (
    MIN_DENOMINATOR,
    Metric,
    MetricName,
    Undefined,
    UndefinedReason,
    check_denominator,
    check_min_n,
)
from techfile.evaluate.errors import EvaluationInputError

__all__ = [
    "DEFAULT_REPLICATES",
    "BootstrapObserver",
    "BootstrapResult",
    "NullObserver",
    "Resampling",
    "ResamplingUnit",
    "WeightedStatistic",
    "bootstrap",
    "bootstrap_metric",
    "metric_statistic",
]

DEFAULT_REPLICATES = 2000
"""Replicates drawn by default: Carpenter and Bithell (2000, Stat Med 19:1141-1164) advise
1000 to 2000 for a 95% interval."""


class Resampling(StrEnum):
    """How a bootstrap replicate weights the resampling units."""

    POISSON = "poisson"
    """Independent Poisson(1) weight per unit."""
    SIMPLE = "simple"
    """As many draws with replacement as there are units."""
    STRATIFIED = "stratified"
    """Draws with replacement within positives and negatives separately."""


class ResamplingUnit(StrEnum):
    """What a bootstrap draws."""

    CASE = "case"
    """Each case on its own."""
    CLUSTER = "cluster"
    """Whole clusters (patients, sites) named by their ids."""


class WeightedStatistic(Protocol):
    """A metric computable on the evaluation data under any case weights."""

    @property
    def name(self) -> MetricName:
        """Which metric it computes."""
        ...

    def __call__(self, weights: npt.NDArray[np.float64], /) -> float:
        """Return the metric under ``weights`` (one per case), or NaN where it is undefined."""
        ...


class BootstrapObserver(Protocol):
    """Receives progress from a running bootstrap."""

    def replicate_done(self, done: int, total: int) -> None:
        """Called after each replicate with the number done so far and the number asked for."""
        ...


class NullObserver:
    """An observer that ignores progress (the default)."""

    def replicate_done(self, done: int, total: int) -> None:
        """Ignore the progress report."""


@dataclass(frozen=True, slots=True)
class BootstrapResult:
    """A metric with its percentile bootstrap interval and how the bootstrap was run."""

    metric: Metric
    """The estimate on the full data, with the percentile interval; its n is the metric's
    denominator from `bootstrap_metric`, all cases from `bootstrap`."""
    replicates: int
    """Replicates drawn."""
    undefined_replicates: int
    """Replicates where the statistic was undefined or infinite, left out of the interval."""
    resampling: Resampling
    """How the units were weighted."""
    unit: ResamplingUnit
    """What was resampled: cases or clusters."""
    units: int
    """How many units there were."""
    seed: int
    """The seed of the random generator: the same seed gives the same interval."""


@dataclass(frozen=True, slots=True, eq=False)
class _ConfusionStatistic:
    name: MetricName
    cells: npt.NDArray[np.intp]
    """Per case: 0 TN, 1 FP, 2 FN, 3 TP."""

    def __call__(self, weights: npt.NDArray[np.float64], /) -> float:
        tn, fp, fn, tp = np.bincount(self.cells, weights=weights, minlength=4)
        return point_estimate(self.name, float(tp), float(fp), float(fn), float(tn))


@dataclass(frozen=True, slots=True, eq=False)
class _RankStatistic:
    name: MetricName
    ranked: RankedScores

    def __call__(self, weights: npt.NDArray[np.float64], /) -> float:
        if self.name is MetricName.AUROC:
            return self.ranked.auroc(weights)
        return self.ranked.average_precision(weights)


def metric_statistic(
    name: MetricName, labels: npt.ArrayLike, values: npt.ArrayLike, *, probabilities: bool = False
) -> WeightedStatistic:
    """Build the weighted statistic for a metric on checked data.

    Args:
        name: A confusion metric, AUROC or AUPRC.
        labels: Reference standard per case, 0/1.
        values: Binary predictions for a confusion metric; scores for AUROC and AUPRC.
        probabilities: For AUROC and AUPRC, require the scores to lie in [0, 1].

    Raises:
        EvaluationInputError: Bad arrays, or a metric the bootstrap does not support.
    """
    truth = as_binary(labels, "labels")
    if name in CONFUSION_METRICS:
        said = as_binary(values, "predictions")
        check_same_length(("labels", truth), ("predictions", said))
        cells = 2 * truth.astype(np.intp) + said.astype(np.intp)
        return _ConfusionStatistic(name, cells)
    if name in {MetricName.AUROC, MetricName.AUPRC}:
        scores = as_scores(values, probabilities=probabilities)
        check_same_length(("labels", truth), ("scores", scores))
        return _RankStatistic(name, RankedScores.of(truth, scores))
    raise EvaluationInputError(
        "metric", "the bootstrap supports the confusion metrics, AUROC and AUPRC", found=name
    )


def _full_data_check(
    name: MetricName, truth: npt.NDArray[np.bool_], values: npt.ArrayLike, min_n: int
) -> Undefined | int:
    """Return the metric's denominator on the full data, or why the metric is undefined.

    The same rule as the closed-form metrics: an empty or small denominator, or a ratio that
    is 0 or infinite, has no interval by any method.
    """
    if name in CONFUSION_METRICS:
        said = as_binary(values, "predictions")
        tp = int(np.count_nonzero(truth & said))
        fp = int(np.count_nonzero(~truth & said))
        fn = int(np.count_nonzero(truth & ~said))
        counts = ConfusionCounts(tp=tp, fp=fp, fn=fn, tn=truth.size - tp - fp - fn)
        (result,) = (
            r for r in metrics_from_counts(counts, min_n=min_n).results() if r.name is name
        )
        return result if isinstance(result, Undefined) else result.n
    positives = int(np.count_nonzero(truth))
    for n, what in ((positives, "positives"), (truth.size - positives, "negatives")):
        undefined = check_denominator(name, n, min_n, what)
        if undefined is not None:
            return undefined
    return positives if name is MetricName.AUPRC else truth.size


def bootstrap_metric(  # noqa: PLR0913  # the bootstrap's settings, all keyword-only
    name: MetricName,
    labels: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    seed: int,
    ids: npt.ArrayLike | None = None,
    probabilities: bool = False,
    replicates: int = DEFAULT_REPLICATES,
    resampling: Resampling = Resampling.POISSON,
    alpha: float = ALPHA,
    min_n: int = MIN_DENOMINATOR,
    observer: BootstrapObserver | None = None,
) -> BootstrapResult | Undefined:
    """Estimate a metric with a percentile bootstrap interval.

    Args:
        name: A confusion metric, AUROC or AUPRC.
        labels: Reference standard per case, 0/1.
        values: Binary predictions for a confusion metric; scores for AUROC and AUPRC.
        seed: Seed of the random generator, recorded in the result.
        ids: Cluster id per case (patient, site); clusters are resampled whole.
        probabilities: For AUROC and AUPRC, require the scores to lie in [0, 1].
        replicates: Replicates to draw.
        resampling: How to weight the units.
        alpha: Significance level; the interval has level 1 - alpha.
        min_n: Fewest cases in the metric's denominator on the full data.
        observer: Receives progress after each replicate.

    Returns:
        The estimate with its interval, or `Undefined` when the full data already leave the
        metric undefined (or every replicate does).

    Raises:
        EvaluationInputError: Bad arrays or settings.
    """
    statistic = metric_statistic(name, labels, values, probabilities=probabilities)
    truth = as_binary(labels, "labels")
    clusters = None if ids is None else as_ids(ids)
    if clusters is not None:
        check_same_length(("labels", truth), ("ids", clusters))
    check_alpha(alpha)
    _check_settings(seed, replicates)
    denominator = _full_data_check(name, truth, values, check_min_n(min_n))
    if isinstance(denominator, Undefined):
        return denominator
    result = bootstrap(
        statistic,
        truth,
        seed=seed,
        ids=clusters,
        replicates=replicates,
        resampling=resampling,
        alpha=alpha,
        observer=observer,
    )
    if isinstance(result, Undefined):
        return result
    # Report the metric's own denominator (positives for sensitivity), as the closed form does.
    return replace(result, metric=replace(result.metric, n=denominator))


def bootstrap(  # noqa: PLR0913  # the bootstrap's settings, all keyword-only
    statistic: WeightedStatistic,
    labels: npt.ArrayLike,
    *,
    seed: int,
    ids: npt.ArrayLike | None = None,
    replicates: int = DEFAULT_REPLICATES,
    resampling: Resampling = Resampling.POISSON,
    alpha: float = ALPHA,
    observer: BootstrapObserver | None = None,
) -> BootstrapResult | Undefined:
    """Run a percentile bootstrap of any weighted statistic.

    Args:
        statistic: The metric under case weights (see `metric_statistic`).
        labels: Reference standard per case, 0/1; defines the strata.
        seed: Seed of the random generator, recorded in the result.
        ids: Cluster id per case; clusters are resampled whole.
        replicates: Replicates to draw.
        resampling: How to weight the units.
        alpha: Significance level; the interval has level 1 - alpha.
        observer: Receives progress after each replicate.

    Returns:
        The estimate with its interval, or `Undefined` when the statistic is undefined on the
        full data or in every replicate.

    Raises:
        EvaluationInputError: Bad labels, ids or settings.
    """
    truth = as_binary(labels, "labels")
    check_alpha(alpha)
    _check_settings(seed, replicates)
    watcher = observer if observer is not None else NullObserver()
    if ids is None:
        unit, cluster_of_case, positive_unit = ResamplingUnit.CASE, None, truth
    else:
        cluster_of_case = as_ids(ids)
        check_same_length(("labels", truth), ("ids", cluster_of_case))
        unit = ResamplingUnit.CLUSTER
        # A cluster is in the positive stratum when it holds at least one positive case.
        positive_unit = np.bincount(cluster_of_case, weights=truth) > 0
    units = int(positive_unit.size)
    estimate = statistic(np.ones(truth.size))
    if math.isnan(estimate) or math.isinf(estimate):
        return Undefined(
            statistic.name,
            UndefinedReason.EMPTY,
            truth.size,
            "undefined or infinite on the full data",
        )
    strata = (np.flatnonzero(positive_unit), np.flatnonzero(~positive_unit))
    rng = np.random.default_rng(seed)
    values = np.empty(replicates)
    for done in range(replicates):
        weights = _unit_weights(rng, resampling, units, strata)
        values[done] = statistic(weights if cluster_of_case is None else weights[cluster_of_case])
        watcher.replicate_done(done + 1, replicates)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Undefined(
            statistic.name,
            UndefinedReason.NO_REPLICATES,
            truth.size,
            f"undefined in all {replicates} bootstrap replicates",
        )
    lower, upper = np.quantile(finite, [alpha / 2.0, 1.0 - alpha / 2.0])
    interval = Interval(
        float(lower), float(upper), 1.0 - alpha, IntervalMethod.BOOTSTRAP_PERCENTILE
    )
    return BootstrapResult(
        metric=Metric(statistic.name, estimate, interval, truth.size),
        replicates=replicates,
        undefined_replicates=replicates - int(finite.size),
        resampling=resampling,
        unit=unit,
        units=units,
        seed=seed,
    )


def _check_settings(seed: int, replicates: int) -> None:
    if not is_whole(seed) or seed < 0:
        raise EvaluationInputError("seed", "expected a whole number >= 0", found=repr(seed))
    if not is_whole(replicates) or replicates < 1:
        raise EvaluationInputError(
            "replicates", "expected a whole number >= 1", found=repr(replicates)
        )


def _unit_weights(
    rng: np.random.Generator,
    resampling: Resampling,
    units: int,
    strata: tuple[npt.NDArray[np.intp], ...],
) -> npt.NDArray[np.float64]:
    match resampling:
        case Resampling.POISSON:
            return rng.poisson(1.0, units).astype(np.float64)
        case Resampling.SIMPLE:
            return _draws(rng, units)
        case Resampling.STRATIFIED:
            weights = np.zeros(units)
            for members in strata:
                weights[members] = _draws(rng, members.size)
            return weights
        case _:
            assert_never(resampling)


def _draws(rng: np.random.Generator, k: int) -> npt.NDArray[np.float64]:
    """Return how often each of k units is drawn in k draws with replacement."""
    if k == 0:
        return np.zeros(0)
    return np.bincount(rng.integers(0, k, size=k), minlength=k).astype(np.float64)
