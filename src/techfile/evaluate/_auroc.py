"""Threshold-free discrimination: the areas under the ROC and precision-recall curves.

AUROC is the Mann-Whitney probability that a random positive scores above a random negative,
ties counting one half; it equals `sklearn.metrics.roc_auc_score`. Its variance is DeLong's
(DeLong, DeLong and Clarke-Pearson 1988, Biometrics 44:837-845), computed in O(n log n) from
midranks as in Sun and Xu (2014, IEEE Signal Process Lett 21:1389-1393): the midranks of each
case among all cases, among the positives and among the negatives give every case's structural
component without comparing all pairs.

The interval is a normal interval on the logit scale by default, transformed back (Pepe 2003,
"The Statistical Evaluation of Medical Tests", section 5.2; Qin and Hotilovac 2008 found it
keeps its coverage near 1 where the plain interval does not); the plain normal interval on the
AUROC scale, clamped to [0, 1], is available. At an AUROC of 0 or 1, or when every score is
tied, the DeLong variance is zero and no such interval exists: the result is `Undefined`
(reason ``boundary``) and says so, rather than a zero-width interval.

AUPRC is average precision, ``sum_k (R_k - R_{k-1}) P_k`` over the distinct scores from the
highest down, as `sklearn.metrics.average_precision_score` computes it. Its interval is the
logit interval of Boyd, Eng and Page (2013, ECML PKDD, LNCS 8190:451-466):
``expit(logit(AP) +- z / sqrt(P * AP * (1 - AP)))`` with P the number of positives.

Both areas need ``min_n`` cases in each class (and DeLong at least 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

import numpy as np
import numpy.typing as npt
from scipy import stats
from scipy.special import expit, logit

from techfile.evaluate._inputs import as_binary, as_scores, check_same_length
from techfile.evaluate._intervals import ALPHA, Interval, IntervalMethod, normal_quantile
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

__all__ = ["AurocScale", "RankedScores", "auprc", "auroc", "fast_delong"]

_DELONG_MIN = 2
"""DeLong's variance uses the sample variance of each class's components: two cases at least."""


class AurocScale(StrEnum):
    """The scale on which the normal interval for AUROC is built."""

    LOGIT = "logit"
    """On logit(AUROC), then transformed back: stays in (0, 1) (the default)."""
    LINEAR = "linear"
    """On the AUROC scale, clamped to [0, 1]."""


@dataclass(frozen=True, slots=True, eq=False)
class RankedScores:
    """Cases grouped by tied score once, so each weighted area costs O(n).

    The bootstrap evaluates the areas for thousands of weight vectors on the same cases; the
    order of the scores does not change between replicates, so it is computed here once.
    """

    labels: npt.NDArray[np.bool_]
    """Label per case."""
    groups: npt.NDArray[np.intp]
    """For each case, the rank of its score among the distinct scores (0 = lowest)."""
    n_groups: int
    """Number of distinct scores."""

    @classmethod
    def of(cls, labels: npt.NDArray[np.bool_], scores: npt.NDArray[np.float64]) -> RankedScores:
        """Group checked labels and scores of equal length."""
        distinct, groups = np.unique(scores, return_inverse=True)
        return cls(labels, groups.astype(np.intp).reshape(-1), int(distinct.size))

    def _class_weights(
        self, weights: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        positive = np.bincount(self.groups, weights=weights * self.labels, minlength=self.n_groups)
        negative = np.bincount(self.groups, weights=weights * ~self.labels, minlength=self.n_groups)
        return np.asarray(positive, dtype=np.float64), np.asarray(negative, dtype=np.float64)

    def auroc(self, weights: npt.NDArray[np.float64]) -> float:
        """Weighted AUROC, ties counting one half; NaN when a class has no weight."""
        positive, negative = self._class_weights(weights)
        total_positive, total_negative = float(positive.sum()), float(negative.sum())
        if total_positive == 0 or total_negative == 0:
            return math.nan
        negatives_below = np.cumsum(negative) - negative
        beaten = float(np.dot(positive, negatives_below + 0.5 * negative))
        return beaten / (total_positive * total_negative)

    def average_precision(self, weights: npt.NDArray[np.float64]) -> float:
        """Weighted average precision; NaN when no positive has weight."""
        positive, negative = self._class_weights(weights)
        # From the highest score down: each distinct score is one threshold.
        positive, negative = positive[::-1], negative[::-1]
        true_positives = np.cumsum(positive)
        total_positive = float(true_positives[-1]) if true_positives.size else 0.0
        if total_positive == 0:
            return math.nan
        called = true_positives + np.cumsum(negative)
        precision = np.divide(true_positives, called, out=np.zeros_like(called), where=called > 0)
        return float(np.dot(positive, precision)) / total_positive


def fast_delong(
    positive: npt.NDArray[np.float64], negative: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """Return AUROC and its DeLong variance in O(n log n) (Sun and Xu 2014, Algorithm 1).

    Args:
        positive: Scores of the positives; at least 2.
        negative: Scores of the negatives; at least 2.

    Returns:
        The AUROC and the DeLong estimate of its variance.
    """
    m, n = positive.size, negative.size
    within_positive = stats.rankdata(positive)
    within_negative = stats.rankdata(negative)
    overall = stats.rankdata(np.concatenate([positive, negative]))
    auc = (float(overall[:m].sum()) - m * (m + 1) / 2.0) / (m * n)
    # Structural components: for each positive, the share of negatives it outscores; for each
    # negative, the share of positives that outscore it (ties one half), from rank differences.
    positive_components = (overall[:m] - within_positive) / n
    negative_components = 1.0 - (overall[m:] - within_negative) / m
    variance = (
        float(positive_components.var(ddof=1)) / m + float(negative_components.var(ddof=1)) / n
    )
    return auc, variance


def _checked(
    labels: npt.ArrayLike, scores: npt.ArrayLike, *, probabilities: bool
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    truth = as_binary(labels, "labels")
    values = as_scores(scores, probabilities=probabilities)
    check_same_length(("labels", truth), ("scores", values))
    return truth, values


def _both_classes(name: MetricName, truth: npt.NDArray[np.bool_], min_n: int) -> Undefined | None:
    positives = int(np.count_nonzero(truth))
    for n, what in ((positives, "positives"), (truth.size - positives, "negatives")):
        undefined = check_denominator(name, n, min_n, what)
        if undefined is not None:
            return undefined
    return None


def auroc(  # noqa: PLR0913  # the interval's settings, all keyword-only
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
    *,
    probabilities: bool = False,
    alpha: float = ALPHA,
    min_n: int = MIN_DENOMINATOR,
    scale: AurocScale = AurocScale.LOGIT,
) -> MetricResult:
    """Estimate the area under the ROC curve with its DeLong confidence interval.

    Args:
        labels: Reference standard per case: 1 (or True) positive, 0 (or False) negative.
        scores: The model's continuous output per case; higher means more likely positive.
        probabilities: Require the scores to be probabilities in [0, 1].
        alpha: Significance level; the interval has level 1 - alpha.
        min_n: Fewest cases in each class for AUROC to be reported (2 at least, for DeLong).
        scale: Build the normal interval on the logit scale (default) or the AUROC scale.

    Returns:
        The AUROC with its interval, or `Undefined` for a class that is empty, too small, or
        an estimate with zero variance.

    Raises:
        EvaluationInputError: Bad labels, scores, lengths, alpha or min_n.
    """
    truth, values = _checked(labels, scores, probabilities=probabilities)
    z = normal_quantile(alpha)
    undefined = _both_classes(MetricName.AUROC, truth, max(check_min_n(min_n), _DELONG_MIN))
    if undefined is not None:
        return undefined
    auc, variance = fast_delong(values[truth], values[~truth])
    if variance <= 0.0 or auc in {0.0, 1.0}:
        return Undefined(
            MetricName.AUROC,
            UndefinedReason.BOUNDARY,
            truth.size,
            f"AUROC is {auc:g} with zero DeLong variance (complete separation or all scores "
            "tied): no normal interval exists",
        )
    se = math.sqrt(variance)
    match scale:
        case AurocScale.LOGIT:
            centre, half = float(logit(auc)), z * se / (auc * (1.0 - auc))
            lower, upper = float(expit(centre - half)), float(expit(centre + half))
            method = IntervalMethod.DELONG_LOGIT
        case AurocScale.LINEAR:
            lower, upper = max(0.0, auc - z * se), min(1.0, auc + z * se)
            method = IntervalMethod.DELONG_NORMAL
        case _:
            assert_never(scale)
    return Metric(MetricName.AUROC, auc, Interval(lower, upper, 1.0 - alpha, method), truth.size)


def auprc(
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
    *,
    probabilities: bool = False,
    alpha: float = ALPHA,
    min_n: int = MIN_DENOMINATOR,
) -> MetricResult:
    """Estimate the area under the precision-recall curve (average precision) with its interval.

    Args:
        labels: Reference standard per case: 1 (or True) positive, 0 (or False) negative.
        scores: The model's continuous output per case; higher means more likely positive.
        probabilities: Require the scores to be probabilities in [0, 1].
        alpha: Significance level; the interval has level 1 - alpha.
        min_n: Fewest cases in each class for AUPRC to be reported.

    Returns:
        Average precision with the Boyd et al. logit interval, or `Undefined` for a class that
        is empty or too small, or an average precision of 1 (no logit interval).

    Raises:
        EvaluationInputError: Bad labels, scores, lengths, alpha or min_n.
    """
    truth, values = _checked(labels, scores, probabilities=probabilities)
    z = normal_quantile(alpha)
    undefined = _both_classes(MetricName.AUPRC, truth, check_min_n(min_n))
    if undefined is not None:
        return undefined
    ap = RankedScores.of(truth, values).average_precision(np.ones(truth.size))
    positives = int(np.count_nonzero(truth))
    if ap >= 1.0:
        return Undefined(
            MetricName.AUPRC,
            UndefinedReason.BOUNDARY,
            positives,
            "average precision is 1 (every positive ranked above every negative): "
            "the logit interval does not exist",
        )
    # Boyd, Eng and Page (2013), section 4: the logit interval with n = number of positives.
    centre, half = float(logit(ap)), z / math.sqrt(positives * ap * (1.0 - ap))
    interval = Interval(
        float(expit(centre - half)),
        float(expit(centre + half)),
        1.0 - alpha,
        IntervalMethod.LOGIT_POSITIVES,
    )
    return Metric(MetricName.AUPRC, ap, interval, positives)
