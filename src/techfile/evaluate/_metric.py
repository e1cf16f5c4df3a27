"""What an evaluation returns for one metric: an estimate with its interval, or why there is none.

A metric is either a `Metric` (estimate, interval, the number of cases it rests on) or an
`Undefined` that says why it could not be estimated (STYLE C3, C5). The technical file shows
both: a subgroup with no positives has no sensitivity, and saying so is part of the evidence
that AI Act Art 15(1) and Annex IV 2(g) ask for, not a gap to hide.

The minimum-denominator rule lives here: below `MIN_DENOMINATOR` cases in a metric's
denominator the metric is `Undefined` (reason `too_few`) although an interval could be
computed. This is a convention of techfile, not a statistical standard: with fewer than 10
cases a 95% Wilson interval is about 0.5 wide at p = 0.5 (0.24 to 0.76 for 5 of 10), so the
estimate says little and invites over-reading in subgroup tables. Callers may lower it (to 1
to report everything) or raise it; the value used is part of the evaluation's parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from techfile.evaluate._inputs import is_whole
from techfile.evaluate._intervals import Interval
from techfile.evaluate.errors import EvaluationInputError

__all__ = [
    "MIN_DENOMINATOR",
    "Metric",
    "MetricName",
    "MetricResult",
    "Undefined",
    "UndefinedReason",
    "check_denominator",
    "check_min_n",
]

MIN_DENOMINATOR = 10
"""Fewest cases in a metric's denominator for it to be reported (techfile convention, above)."""


class MetricName(StrEnum):
    """The performance metrics techfile estimates."""

    SENSITIVITY = "sensitivity"
    """True positive rate, TP / (TP + FN): the share of positives the device finds."""
    SPECIFICITY = "specificity"
    """True negative rate, TN / (TN + FP)."""
    PPV = "ppv"
    """Positive predictive value (precision), TP / (TP + FP)."""
    NPV = "npv"
    """Negative predictive value, TN / (TN + FN)."""
    ACCURACY = "accuracy"
    """(TP + TN) / N."""
    F1 = "f1"
    """Harmonic mean of PPV and sensitivity, 2 TP / (2 TP + FP + FN)."""
    LR_POSITIVE = "lr_positive"
    """Positive likelihood ratio, sensitivity / (1 - specificity)."""
    LR_NEGATIVE = "lr_negative"
    """Negative likelihood ratio, (1 - sensitivity) / specificity."""
    PREVALENCE = "prevalence"
    """Share of positives in the sample, (TP + FN) / N."""
    AUROC = "auroc"
    """Area under the ROC curve: the probability that a positive outscores a negative."""
    AUPRC = "auprc"
    """Area under the precision-recall curve, as average precision."""
    CALIBRATION_SLOPE = "calibration_slope"
    """Slope of the logistic recalibration of the predicted probabilities (1 is ideal)."""
    CALIBRATION_INTERCEPT = "calibration_intercept"
    """Calibration-in-the-large: the intercept with the slope fixed at 1 (0 is ideal)."""
    ECE = "ece"
    """Expected calibration error over equal-width probability bins (0 is ideal)."""


class UndefinedReason(StrEnum):
    """Why a metric has no estimate."""

    EMPTY = "empty"
    """Its denominator has no cases (no positives, no predicted positives, an empty group)."""
    TOO_FEW = "too_few"
    """Its denominator has fewer cases than the minimum asked for."""
    ZERO_CELL = "zero_cell"
    """A count it divides by, or takes the log of, is zero: the ratio is 0 or infinite."""
    BOUNDARY = "boundary"
    """The estimate lies on the boundary (AUROC of 0 or 1), where its variance is zero."""
    NOT_CONVERGED = "not_converged"
    """The model fit behind it did not converge (for example under complete separation)."""
    NO_REPLICATES = "no_replicates"
    """The statistic was undefined in every bootstrap replicate."""
    DEGENERATE_REPLICATES = "degenerate_replicates"
    """The statistic was undefined in more bootstrap replicates than the share allowed."""


@dataclass(frozen=True, slots=True)
class Metric:
    """An estimated metric with its confidence interval."""

    name: MetricName
    """Which metric."""
    estimate: float
    """The point estimate on the evaluation data."""
    interval: Interval
    """The confidence interval, with its level and method."""
    n: int
    """Cases the estimate rests on: its denominator (AUROC: all cases; AUPRC: positives)."""

    def __post_init__(self) -> None:
        if math.isnan(self.estimate):
            raise ValueError(f"{self.name}: a Metric needs an estimate; use Undefined")
        if self.n < 0:
            raise ValueError(f"{self.name}: negative case count {self.n}")


@dataclass(frozen=True, slots=True)
class Undefined:
    """A metric that could not be estimated, and why."""

    name: MetricName
    """Which metric."""
    reason: UndefinedReason
    """Why it has no estimate."""
    n: int
    """Cases in the denominator that was found wanting."""
    detail: str
    """One sentence for the reader of the technical file."""

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(f"{self.name}: negative case count {self.n}")
        if not self.detail:
            raise ValueError(f"{self.name}: an Undefined metric must say why")


MetricResult = Metric | Undefined
"""The outcome for one metric: an estimate with its interval, or the reason there is none."""


def check_denominator(name: MetricName, n: int, min_n: int, what: str) -> Undefined | None:
    """Return an `Undefined` when a denominator of ``n`` cases is empty or below ``min_n``.

    Args:
        name: The metric.
        n: Cases in its denominator.
        min_n: The fewest cases for which it is reported.
        what: What the denominator counts, for the message ("positives").
    """
    if n == 0:
        return Undefined(name, UndefinedReason.EMPTY, 0, f"no {what}")
    if n < min_n:
        return Undefined(
            name, UndefinedReason.TOO_FEW, n, f"{n} {what}, fewer than the minimum of {min_n}"
        )
    return None


def check_min_n(min_n: int) -> int:
    """Check the minimum-denominator parameter and return it.

    Raises:
        EvaluationInputError: ``min_n`` is not a whole number of at least 1.
    """
    if not is_whole(min_n) or min_n < 1:
        raise EvaluationInputError(
            "min_n", "expected a whole number of cases, at least 1", found=repr(min_n)
        )
    return min_n
