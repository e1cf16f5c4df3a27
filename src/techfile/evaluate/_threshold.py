"""The device at its threshold, and how well its probabilities are calibrated.

An operating point is the binary decision the device makes at a threshold fixed before the
evaluation: AI Act Art 9(8) asks for testing against prior-defined metrics and probabilistic
thresholds, and Annex IV 2(b) and 2(g) for the decision logic and the metrics behind it.
Choosing the threshold on the test data would bias every metric upward, so this module takes
the threshold as given and never searches for one. A case is positive when its score is at least
the threshold (``score >= threshold``).

Calibration is measured as in Van Calster et al. (2016, J Clin Epidemiol 74:167-176), "weak"
calibration: a logistic regression of the label on ``logit(p)`` gives the calibration slope
(1 is ideal; below 1 the predictions are too extreme), and the same model with the slope fixed
at 1 (``logit(p)`` as an offset) gives the calibration intercept, calibration-in-the-large
(0 is ideal; above 0 the model under-predicts). Both come with Wald intervals from the inverse
Fisher information. The fit is Newton-Raphson (IRLS) in numpy; the tests check it against
statsmodels' GLM. Probabilities of exactly 0 or 1 have an infinite logit: they are moved to
`PROBABILITY_CLIP` from the edge and counted in `Calibration.clipped`.

The expected calibration error (ECE) uses `ECE_BINS` equal-width bins on [0, 1] (Naeini,
Cooper and Hauskrecht 2015, AAAI; the last bin includes 1): the case-weighted mean of
``|observed rate - mean predicted probability|`` over non-empty bins. It is the
reliability-diagram form for the positive class, not the "confidence" form of Guo et al.
(2017) for multi-class models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import expit, logit

from techfile.evaluate._confusion import BinaryMetrics, ConfusionCounts, metrics_from_counts
from techfile.evaluate._inputs import as_binary, as_scores, check_same_length, is_whole
from techfile.evaluate._intervals import (
    ALPHA,
    Interval,
    IntervalMethod,
    ProportionMethod,
    normal_quantile,
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
from techfile.evaluate.errors import EvaluationInputError

__all__ = [
    "ECE_BINS",
    "PROBABILITY_CLIP",
    "Calibration",
    "CalibrationBin",
    "ExpectedCalibrationError",
    "OperatingPoint",
    "calibration",
    "expected_calibration_error",
    "operating_point",
]

ECE_BINS = 10
"""Equal-width bins for the ECE: ten, as in Naeini, Cooper and Hauskrecht (2015)."""
PROBABILITY_CLIP = 1e-12
"""How far from 0 and 1 a probability is moved before its logit is taken (numerical only)."""
_MAX_ITERATIONS = 100
"""Newton steps before a calibration fit is declared not converged."""
_TOLERANCE = 1e-10
"""Largest coefficient change at which the Newton iteration has converged."""
_MAX_COEFFICIENT = 1e6
"""A coefficient this large means the fit diverges (complete separation)."""


@dataclass(frozen=True, slots=True)
class OperatingPoint:
    """The metrics of the device's decision at a pre-specified threshold."""

    threshold: float
    """The threshold: a case is positive when its score is at least this."""
    metrics: BinaryMetrics
    """The counts and metrics at that threshold."""


def operating_point(  # noqa: PLR0913  # the evaluation's settings, all keyword-only
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
    threshold: float,
    *,
    probabilities: bool = False,
    alpha: float = ALPHA,
    method: ProportionMethod = ProportionMethod.WILSON,
    min_n: int = MIN_DENOMINATOR,
) -> OperatingPoint:
    """Evaluate the decision ``score >= threshold`` against the labels.

    Args:
        labels: Reference standard per case: 1 (or True) positive, 0 (or False) negative.
        scores: The model's continuous output per case.
        threshold: The pre-specified threshold.
        probabilities: Require scores and threshold to lie in [0, 1].
        alpha: Significance level; intervals have level 1 - alpha.
        method: Interval method for the proportions.
        min_n: Fewest cases in a denominator for the metric to be reported.

    Returns:
        The threshold with every metric of the decision.

    Raises:
        EvaluationInputError: Bad arrays, threshold or settings.
    """
    truth = as_binary(labels, "labels")
    values = as_scores(scores, probabilities=probabilities)
    check_same_length(("labels", truth), ("scores", values))
    cut = float(as_scores([threshold], probabilities=probabilities, argument="threshold")[0])
    said = values >= cut
    tp = int(np.count_nonzero(truth & said))
    fp = int(np.count_nonzero(~truth & said))
    fn = int(np.count_nonzero(truth & ~said))
    counts = ConfusionCounts(tp=tp, fp=fp, fn=fn, tn=truth.size - tp - fp - fn)
    return OperatingPoint(cut, metrics_from_counts(counts, alpha=alpha, method=method, min_n=min_n))


@dataclass(frozen=True, slots=True)
class Calibration:
    """Weak calibration of predicted probabilities: slope and intercept with intervals."""

    slope: MetricResult
    """Calibration slope (1 is ideal)."""
    intercept: MetricResult
    """Calibration-in-the-large, the intercept with the slope fixed at 1 (0 is ideal)."""
    clipped: int
    """Probabilities of exactly 0 or 1 moved inward before taking the logit."""


def calibration(
    labels: npt.ArrayLike,
    probabilities: npt.ArrayLike,
    *,
    alpha: float = ALPHA,
    min_n: int = MIN_DENOMINATOR,
) -> Calibration:
    """Estimate the calibration slope and intercept of predicted probabilities.

    Args:
        labels: Reference standard per case, 0/1.
        probabilities: The model's predicted probability of the positive class per case.
        alpha: Significance level; intervals have level 1 - alpha.
        min_n: Fewest cases in each class for the fit to be reported.

    Returns:
        Slope and intercept, each estimated or `Undefined` (a class too small, or a fit that
        does not converge).

    Raises:
        EvaluationInputError: Bad arrays or settings.
    """
    truth = as_binary(labels, "labels")
    p = as_scores(probabilities, probabilities=True, argument="probabilities")
    check_same_length(("labels", truth), ("probabilities", p))
    z = normal_quantile(alpha)
    check_min_n(min_n)
    clipped = int(np.count_nonzero((p < PROBABILITY_CLIP) | (p > 1.0 - PROBABILITY_CLIP)))
    x = logit(np.clip(p, PROBABILITY_CLIP, 1.0 - PROBABILITY_CLIP))
    y = truth.astype(np.float64)
    positives = int(np.count_nonzero(truth))
    results: list[MetricResult] = []
    for name, design, offset in (
        (MetricName.CALIBRATION_SLOPE, np.column_stack([np.ones_like(x), x]), np.zeros_like(x)),
        (MetricName.CALIBRATION_INTERCEPT, np.ones((x.size, 1)), x),
    ):
        undefined = _class_check(name, positives, truth.size - positives, min_n)
        if undefined is not None:
            results.append(undefined)
            continue
        fit = _logistic_fit(design, y, offset)
        if fit is None:
            results.append(
                Undefined(
                    name,
                    UndefinedReason.NOT_CONVERGED,
                    truth.size,
                    "the logistic recalibration did not converge (the scores may separate "
                    "the classes completely)",
                )
            )
            continue
        coefficients, covariance = fit
        index = design.shape[1] - 1  # the slope is the last coefficient; the intercept the only
        estimate, se = float(coefficients[index]), math.sqrt(float(covariance[index, index]))
        interval = Interval(estimate - z * se, estimate + z * se, 1.0 - alpha, IntervalMethod.WALD)
        results.append(Metric(name, estimate, interval, truth.size))
    return Calibration(slope=results[0], intercept=results[1], clipped=clipped)


def _class_check(name: MetricName, positives: int, negatives: int, min_n: int) -> Undefined | None:
    for n, what in ((positives, "positives"), (negatives, "negatives")):
        undefined = check_denominator(name, n, min_n, what)
        if undefined is not None:
            return undefined
    return None


def _logistic_fit(
    design: npt.NDArray[np.float64], y: npt.NDArray[np.float64], offset: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """Fit ``logit P(y=1) = design @ beta + offset`` by Newton-Raphson.

    Returns:
        The coefficients and their covariance (the inverse Fisher information), or None when
        the iteration does not converge.
    """
    beta = np.zeros(design.shape[1])
    for _ in range(_MAX_ITERATIONS):
        mu = expit(design @ beta + offset)
        weight = mu * (1.0 - mu)
        information = design.T @ (design * weight[:, None])
        try:
            step = np.linalg.solve(information, design.T @ (y - mu))
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > _MAX_COEFFICIENT:
            return None
        if np.max(np.abs(step)) < _TOLERANCE:
            mu = expit(design @ beta + offset)
            information = design.T @ (design * (mu * (1.0 - mu))[:, None])
            try:
                return beta, np.asarray(np.linalg.inv(information), dtype=np.float64)
            except np.linalg.LinAlgError:
                return None
    return None


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One bin of the reliability diagram."""

    lower: float
    """Lower edge of the bin (included)."""
    upper: float
    """Upper edge (excluded, except 1 for the last bin)."""
    n: int
    """Cases whose probability falls in the bin."""
    mean_predicted: float
    """Mean predicted probability in the bin (NaN when empty)."""
    observed: float
    """Share of positives in the bin (NaN when empty)."""


@dataclass(frozen=True, slots=True)
class ExpectedCalibrationError:
    """The expected calibration error and the bins behind it."""

    value: float
    """Case-weighted mean gap between observed rate and mean predicted probability."""
    bins: tuple[CalibrationBin, ...]
    """Every bin, empty ones included, from 0 up."""


def expected_calibration_error(
    labels: npt.ArrayLike, probabilities: npt.ArrayLike, *, bins: int = ECE_BINS
) -> ExpectedCalibrationError | Undefined:
    """Compute the expected calibration error over equal-width probability bins.

    Args:
        labels: Reference standard per case, 0/1.
        probabilities: Predicted probability of the positive class per case.
        bins: Number of equal-width bins on [0, 1].

    Returns:
        The ECE with its bins, or `Undefined` when there are no cases.

    Raises:
        EvaluationInputError: Bad arrays or number of bins.
    """
    truth = as_binary(labels, "labels")
    p = as_scores(probabilities, probabilities=True, argument="probabilities")
    check_same_length(("labels", truth), ("probabilities", p))
    if not is_whole(bins) or bins < 1:
        raise EvaluationInputError("bins", "expected a whole number >= 1", found=repr(bins))
    if truth.size == 0:
        return Undefined(MetricName.ECE, UndefinedReason.EMPTY, 0, "no cases")
    index = np.minimum((p * bins).astype(np.intp), bins - 1)
    counts = np.bincount(index, minlength=bins)
    predicted = np.bincount(index, weights=p, minlength=bins)
    observed = np.bincount(index, weights=truth.astype(np.float64), minlength=bins)
    table = []
    gap = 0.0
    for b in range(bins):
        n = int(counts[b])
        mean_p = float(predicted[b] / n) if n else math.nan
        rate = float(observed[b] / n) if n else math.nan
        if n:
            gap += n * abs(rate - mean_p)
        table.append(CalibrationBin(b / bins, (b + 1) / bins, n, mean_p, rate))
    return ExpectedCalibrationError(gap / truth.size, tuple(table))
