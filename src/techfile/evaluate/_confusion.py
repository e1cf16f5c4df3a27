"""Metrics of a binary decision: the confusion counts and what follows from them.

From binary labels (1 = the condition is present) and binary predictions (1 = the device says
so), this module counts TP, FP, FN and TN and estimates sensitivity, specificity, PPV, NPV,
accuracy, F1, the likelihood ratios and prevalence, each with a confidence interval. These are
the figures that AI Act Art 15(1)-(3) and Annex IV 2(g) and 3 ask the technical file to declare,
and that STARD 2015 asks a diagnostic accuracy study to report.

Interval methods:

* proportions (sensitivity, specificity, PPV, NPV, accuracy, prevalence): Wilson score by
  default, or Clopper-Pearson (`techfile.evaluate.ProportionMethod`);
* F1: F1 = 2J / (1 + J) with J = TP / (TP + FP + FN), the Jaccard index, and the map is
  increasing. Given the TP + FP + FN cases that are not true negatives, TP is binomial with
  proportion J, so we take the proportion interval for J and map its limits;
* likelihood ratios: normal interval on the log scale, with
  ``SE(ln LR+) = sqrt(1/TP - 1/(TP + FN) + 1/FP - 1/(FP + TN))`` and
  ``SE(ln LR-) = sqrt(1/FN - 1/(TP + FN) + 1/TN - 1/(FP + TN))`` (Simel, Samsa and Matchar
  1991, J Clin Epidemiol 44:763-770). With a zero count the ratio is 0 or infinite and the log
  interval does not exist, so the ratio is `Undefined` (reason ``zero_cell``); no continuity
  correction is added, because an invented half case would show as evidence.

A metric whose denominator is empty or below ``min_n`` is `Undefined` (see `MIN_DENOMINATOR`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from techfile.evaluate._inputs import as_binary, check_same_length, is_whole
from techfile.evaluate._intervals import (
    ALPHA,
    Interval,
    IntervalMethod,
    ProportionMethod,
    check_alpha,
    normal_quantile,
    proportion_interval,
)
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

__all__ = [
    "CONFUSION_METRICS",
    "BinaryMetrics",
    "ConfusionCounts",
    "binary_metrics",
    "confusion_counts",
    "metrics_from_counts",
    "point_estimate",
]

CONFUSION_METRICS = frozenset(
    {
        MetricName.SENSITIVITY,
        MetricName.SPECIFICITY,
        MetricName.PPV,
        MetricName.NPV,
        MetricName.ACCURACY,
        MetricName.F1,
        MetricName.LR_POSITIVE,
        MetricName.LR_NEGATIVE,
        MetricName.PREVALENCE,
    }
)
"""The metrics that are functions of the confusion counts alone."""


@dataclass(frozen=True, slots=True)
class ConfusionCounts:
    """The two-by-two table of labels against binary predictions."""

    tp: int
    """True positives: label 1, predicted 1."""
    fp: int
    """False positives: label 0, predicted 1."""
    fn: int
    """False negatives: label 1, predicted 0."""
    tn: int
    """True negatives: label 0, predicted 0."""

    def __post_init__(self) -> None:
        for cell in (self.tp, self.fp, self.fn, self.tn):
            if not is_whole(cell) or cell < 0:
                raise ValueError(f"confusion counts must be whole numbers >= 0: {self}")

    @property
    def n(self) -> int:
        """All cases."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def positives(self) -> int:
        """Cases with label 1."""
        return self.tp + self.fn

    @property
    def negatives(self) -> int:
        """Cases with label 0."""
        return self.fp + self.tn

    @property
    def predicted_positives(self) -> int:
        """Cases predicted 1."""
        return self.tp + self.fp

    @property
    def predicted_negatives(self) -> int:
        """Cases predicted 0."""
        return self.fn + self.tn


@dataclass(frozen=True, slots=True)
class BinaryMetrics:
    """Every metric of a binary decision on one set of cases, with the counts behind them."""

    counts: ConfusionCounts
    """The confusion counts."""
    sensitivity: MetricResult
    """TP / (TP + FN)."""
    specificity: MetricResult
    """TN / (TN + FP)."""
    ppv: MetricResult
    """TP / (TP + FP)."""
    npv: MetricResult
    """TN / (TN + FN)."""
    accuracy: MetricResult
    """(TP + TN) / N."""
    f1: MetricResult
    """2 TP / (2 TP + FP + FN)."""
    lr_positive: MetricResult
    """Sensitivity / (1 - specificity)."""
    lr_negative: MetricResult
    """(1 - sensitivity) / specificity."""
    prevalence: MetricResult
    """(TP + FN) / N."""

    def results(self) -> tuple[MetricResult, ...]:
        """Return every metric, in the order of the fields."""
        return (
            self.sensitivity,
            self.specificity,
            self.ppv,
            self.npv,
            self.accuracy,
            self.f1,
            self.lr_positive,
            self.lr_negative,
            self.prevalence,
        )


def confusion_counts(labels: npt.ArrayLike, predictions: npt.ArrayLike) -> ConfusionCounts:
    """Count TP, FP, FN and TN.

    Args:
        labels: Reference standard per case: 1 (or True) positive, 0 (or False) negative.
        predictions: The device's binary output per case, coded the same way.

    Returns:
        The confusion counts.

    Raises:
        EvaluationInputError: The arrays are not binary, have missing values or differ in length.
    """
    truth = as_binary(labels, "labels")
    said = as_binary(predictions, "predictions")
    check_same_length(("labels", truth), ("predictions", said))
    tp = int(np.count_nonzero(truth & said))
    fp = int(np.count_nonzero(~truth & said))
    fn = int(np.count_nonzero(truth & ~said))
    return ConfusionCounts(tp=tp, fp=fp, fn=fn, tn=truth.size - tp - fp - fn)


def binary_metrics(
    labels: npt.ArrayLike,
    predictions: npt.ArrayLike,
    *,
    alpha: float = ALPHA,
    method: ProportionMethod = ProportionMethod.WILSON,
    min_n: int = MIN_DENOMINATOR,
) -> BinaryMetrics:
    """Estimate every metric of a binary decision with its confidence interval.

    Args:
        labels: Reference standard per case: 1 (or True) positive, 0 (or False) negative.
        predictions: The device's binary output per case, coded the same way.
        alpha: Significance level; intervals have level 1 - alpha.
        method: Interval method for the proportions and for F1.
        min_n: Fewest cases in a denominator for the metric to be reported.

    Returns:
        The counts and each metric, estimated or `Undefined`.

    Raises:
        EvaluationInputError: Bad arrays (see `confusion_counts`), alpha or min_n.
    """
    return metrics_from_counts(
        confusion_counts(labels, predictions), alpha=alpha, method=method, min_n=min_n
    )


def metrics_from_counts(
    counts: ConfusionCounts,
    *,
    alpha: float = ALPHA,
    method: ProportionMethod = ProportionMethod.WILSON,
    min_n: int = MIN_DENOMINATOR,
) -> BinaryMetrics:
    """Estimate every metric from confusion counts; see `binary_metrics`.

    Raises:
        EvaluationInputError: Bad alpha or min_n.
    """
    check_alpha(alpha)
    check_min_n(min_n)
    c = counts

    def proportion(name: MetricName, successes: int, n: int, what: str) -> MetricResult:
        undefined = check_denominator(name, n, min_n, what)
        if undefined is not None:
            return undefined
        interval = proportion_interval(successes, n, method=method, alpha=alpha)
        return Metric(name, successes / n, interval, n)

    return BinaryMetrics(
        counts=c,
        sensitivity=proportion(MetricName.SENSITIVITY, c.tp, c.positives, "positives"),
        specificity=proportion(MetricName.SPECIFICITY, c.tn, c.negatives, "negatives"),
        ppv=proportion(MetricName.PPV, c.tp, c.predicted_positives, "predicted positives"),
        npv=proportion(MetricName.NPV, c.tn, c.predicted_negatives, "predicted negatives"),
        accuracy=proportion(MetricName.ACCURACY, c.tp + c.tn, c.n, "cases"),
        f1=_f1(c, alpha=alpha, method=method, min_n=min_n),
        lr_positive=_likelihood_ratio(c, positive=True, alpha=alpha, min_n=min_n),
        lr_negative=_likelihood_ratio(c, positive=False, alpha=alpha, min_n=min_n),
        prevalence=proportion(MetricName.PREVALENCE, c.positives, c.n, "cases"),
    )


def _f1(c: ConfusionCounts, *, alpha: float, method: ProportionMethod, min_n: int) -> MetricResult:
    # F1 = 2J / (1 + J), J = TP / (TP + FP + FN): an interval for J maps to one for F1.
    n = c.tp + c.fp + c.fn
    undefined = check_denominator(MetricName.F1, n, min_n, "positives or predicted positives")
    if undefined is not None:
        return undefined
    jaccard = proportion_interval(c.tp, n, method=method, alpha=alpha)
    mapped = (
        IntervalMethod.WILSON_MAPPED
        if method is ProportionMethod.WILSON
        else IntervalMethod.CLOPPER_PEARSON_MAPPED
    )
    interval = Interval(
        _f1_from_jaccard(jaccard.lower), _f1_from_jaccard(jaccard.upper), jaccard.level, mapped
    )
    return Metric(MetricName.F1, 2 * c.tp / (2 * c.tp + c.fp + c.fn), interval, n)


def _f1_from_jaccard(jaccard: float) -> float:
    return 2.0 * jaccard / (1.0 + jaccard)


def _likelihood_ratio(
    c: ConfusionCounts, *, positive: bool, alpha: float, min_n: int
) -> MetricResult:
    name = MetricName.LR_POSITIVE if positive else MetricName.LR_NEGATIVE
    for n, what in ((c.positives, "positives"), (c.negatives, "negatives")):
        undefined = check_denominator(name, n, min_n, what)
        if undefined is not None:
            return undefined
    # LR+ = (TP/P) / (FP/N); LR- = (FN/P) / (TN/N).
    top, bottom = (c.tp, c.fp) if positive else (c.fn, c.tn)
    top_name, bottom_name = ("true", "false") if positive else ("false", "true")
    kind = "positives" if positive else "negatives"
    if top == 0:
        return Undefined(
            name,
            UndefinedReason.ZERO_CELL,
            c.n,
            f"no {top_name} {kind}: the ratio is 0 and its log interval does not exist",
        )
    if bottom == 0:
        return Undefined(
            name,
            UndefinedReason.ZERO_CELL,
            c.n,
            f"no {bottom_name} {kind}: the ratio is infinite",
        )
    ratio = (top / c.positives) / (bottom / c.negatives)
    # Simel, Samsa and Matchar (1991): the log of a ratio of two binomial proportions.
    se = math.sqrt(1 / top - 1 / c.positives + 1 / bottom - 1 / c.negatives)
    z = normal_quantile(alpha)
    interval = Interval(
        ratio * math.exp(-z * se), ratio * math.exp(z * se), 1.0 - alpha, IntervalMethod.LOG_RATIO
    )
    return Metric(name, ratio, interval, c.n)


def point_estimate(  # noqa: PLR0911  # one return per metric
    name: MetricName, tp: float, fp: float, fn: float, tn: float
) -> float:
    """Return a confusion metric from (possibly weighted) counts, or NaN where it is undefined.

    The bootstrap calls this on weighted counts, so the counts are floats and no minimum
    applies: only an empty denominator (or an infinite ratio) gives NaN.

    Raises:
        ValueError: ``name`` is not one of `CONFUSION_METRICS`.
    """
    positives, negatives = tp + fn, fp + tn
    match name:
        case MetricName.SENSITIVITY:
            return _ratio(tp, positives)
        case MetricName.SPECIFICITY:
            return _ratio(tn, negatives)
        case MetricName.PPV:
            return _ratio(tp, tp + fp)
        case MetricName.NPV:
            return _ratio(tn, tn + fn)
        case MetricName.ACCURACY:
            return _ratio(tp + tn, positives + negatives)
        case MetricName.F1:
            return _ratio(2 * tp, 2 * tp + fp + fn)
        case MetricName.LR_POSITIVE:
            return _ratio(_ratio(tp, positives), _ratio(fp, negatives))
        case MetricName.LR_NEGATIVE:
            return _ratio(_ratio(fn, positives), _ratio(tn, negatives))
        case MetricName.PREVALENCE:
            return _ratio(positives, positives + negatives)
        case _:
            raise ValueError(f"{name} is not a function of the confusion counts")


def _ratio(numerator: float, denominator: float) -> float:
    if math.isnan(numerator) or math.isnan(denominator) or denominator == 0:
        return math.nan
    return numerator / denominator
