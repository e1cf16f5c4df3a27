"""Acceptance criteria fixed before the evaluation, and their verdicts.

AI Act Art 9(8) asks that testing be done "against prior defined metrics and probabilistic
thresholds"; MDCG 2020-1 (section 4.4, clinical performance) has the clinical performance of
medical device software shown with such metrics (sensitivity, specificity, ...) against what
the state of the art achieves. A criterion names a
metric, the population it applies to (all cases or one subgroup) and a limit the metric must
reach, with the rationale for the limit. It lives in ``techfile.yaml`` (``evaluation:``), so
it is pinned and dated before the test data are seen.

How a criterion is judged (`judge`):

* ``at_least``: PASS when the *lower* confidence limit reaches the limit, else FAIL. The point
  estimate is not enough: a sensitivity of 0.82 on 40 positives is compatible with 0.67, so it
  does not show a sensitivity of at least 0.80. Judging the lower limit of a two-sided
  1 - alpha interval is a one-sided test at level alpha / 2.
* ``at_most`` (for example an expected calibration error): PASS when the *upper* limit stays at
  or below the limit.
* A metric without an estimate (too few cases, one class, not computed) is NOT_ASSESSABLE, which
  never counts as a pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from techfile.evaluate._intervals import ALPHA
from techfile.evaluate._metric import Metric, MetricName, MetricResult, Undefined

__all__ = [
    "AcceptanceCriterion",
    "CriterionResult",
    "EvaluationPlan",
    "Limit",
    "Subgroup",
    "Verdict",
    "judge",
]


class Limit(StrEnum):
    """Which side of the limit the metric must be on."""

    AT_LEAST = "at_least"
    """The lower confidence limit must reach the limit."""
    AT_MOST = "at_most"
    """The upper confidence limit must stay at or below the limit."""


class Verdict(StrEnum):
    """The outcome of one acceptance criterion."""

    PASS = "pass"  # noqa: S105  # a verdict, not a password
    """The confidence limit is on the right side of the limit."""
    FAIL = "fail"
    """It is not."""
    NOT_ASSESSABLE = "not_assessable"
    """The metric has no estimate in that population: the criterion cannot pass."""


@dataclass(frozen=True, slots=True)
class Subgroup:
    """One level of one group column: the population a criterion applies to."""

    column: str
    """The group column (``sex``)."""
    value: str
    """Its value (``female``), as written in the table."""

    def __str__(self) -> str:
        return f"{self.column} = {self.value}"


@dataclass(frozen=True, slots=True)
class AcceptanceCriterion:
    """A pre-specified requirement on one metric in one population."""

    metric: MetricName
    """The metric."""
    limit: Limit
    """At least or at most."""
    value: float
    """The limit."""
    rationale: str
    """Why this limit (clinical need, state of the art, predicate device)."""
    population: Subgroup | None = None
    """The subgroup it applies to; None for all cases."""

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError(f"{self.metric}: the limit must be a finite number")
        if not self.rationale.strip():
            raise ValueError(f"{self.metric}: a criterion needs its rationale")

    def __str__(self) -> str:
        where = "all cases" if self.population is None else str(self.population)
        side = ">=" if self.limit is Limit.AT_LEAST else "<="
        return f"{self.metric} {side} {self.value:g} ({where})"


@dataclass(frozen=True, slots=True)
class EvaluationPlan:
    """What ``techfile.yaml`` fixes before the evaluation: threshold, level and criteria."""

    threshold: float | None = None
    """The decision threshold: a case is positive when its score is at least this."""
    confidence_level: float = 1.0 - ALPHA
    """Level of every interval (and of the limits the criteria are judged on)."""
    criteria: tuple[AcceptanceCriterion, ...] = ()
    """The acceptance criteria."""

    def __post_init__(self) -> None:
        if not 0.0 < self.confidence_level < 1.0:
            raise ValueError(f"confidence level must lie in (0, 1): {self.confidence_level}")

    def group_columns(self) -> tuple[str, ...]:
        """The group columns the criteria refer to, in order of first mention."""
        named = (c.population.column for c in self.criteria if c.population is not None)
        return tuple(dict.fromkeys(named))


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """A criterion with its verdict and the evidence for it."""

    criterion: AcceptanceCriterion
    """The criterion judged."""
    verdict: Verdict
    """Pass, fail or not assessable."""
    result: MetricResult | None
    """The metric in its population (None: the population or the metric does not exist)."""
    reason: str
    """One sentence: the confidence limit against the limit, or why it cannot be judged."""


def judge(
    criterion: AcceptanceCriterion, result: MetricResult | None, *, missing: str = ""
) -> CriterionResult:
    """Judge a criterion on its metric's result.

    Args:
        criterion: The criterion.
        result: The metric in the criterion's population, or None if there is none.
        missing: Why there is no result, when ``result`` is None.

    Returns:
        The verdict with its reason.
    """
    if result is None:
        return CriterionResult(
            criterion, Verdict.NOT_ASSESSABLE, None, missing or "the metric was not computed"
        )
    if isinstance(result, Undefined):
        return CriterionResult(
            criterion, Verdict.NOT_ASSESSABLE, result, f"undefined: {result.detail}"
        )
    assert isinstance(result, Metric)  # noqa: S101  # MetricResult is Metric | Undefined
    level = f"{result.interval.level:.0%}"
    match criterion.limit:
        case Limit.AT_LEAST:
            bound, side = result.interval.lower, "lower"
            ok = bound >= criterion.value
            relation = ">=" if ok else "<"
        case Limit.AT_MOST:
            bound, side = result.interval.upper, "upper"
            ok = bound <= criterion.value
            relation = "<=" if ok else ">"
        case _:
            assert_never(criterion.limit)
    reason = (
        f"{side} {level} limit {bound:.3f} {relation} {criterion.value:g} "
        f"(estimate {result.estimate:.3f}, n = {result.n})"
    )
    return CriterionResult(criterion, Verdict.PASS if ok else Verdict.FAIL, result, reason)
