"""The evaluation report: every figure the technical file shows about the model's performance.

`evaluate` takes the checked cases of a table (`EvaluationTable`) and the plan fixed in
``techfile.yaml`` (`EvaluationPlan`), and returns one `EvaluationReport`: the metrics of all
cases, of every subgroup and intersection (`Population`, `Grouping`), the fairness gaps
(`Gap`), the verdict of each acceptance criterion (`CriterionResult`), and the data of the ROC
curve and of the reliability diagram. The JSON output, the evidence record, the plots, the
terminal table and the technical-file section are all made from this one object (STYLE E3).

Rules enforced here, beyond those of the parts:

* the threshold is pre-specified (AI Act Art 9(8)): a threshold given on the command line that
  differs from the one in the plan is an error, never a silent override; a prediction column
  and a threshold together are an error (the decision would come from two places);
* with cluster ids, intervals of the subgroup metrics come from the cluster bootstrap (see
  `techfile.evaluate._subgroups`), and every gap interval from the paired bootstrap;
* bootstrap progress goes to the observer, counted over all bootstrap runs together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from techfile.evaluate._criteria import CriterionResult, EvaluationPlan, Verdict, judge
from techfile.evaluate._curves import ReliabilityBin, RocCurve, reliability_bins, roc_curve
from techfile.evaluate._gaps import GapResult, gaps
from techfile.evaluate._metric import MIN_DENOMINATOR, check_min_n
from techfile.evaluate._runs import BootstrapRuns
from techfile.evaluate._subgroups import (
    Cases,
    Population,
    cells_of,
    groupings_of,
    population,
)
from techfile.evaluate._table import Columns, EvaluationTable, ScoreKind, TableFormat
from techfile.evaluate._threshold import ExpectedCalibrationError, expected_calibration_error
from techfile.evaluate.errors import EvaluationInputError

__all__ = [
    "DEFAULT_SEED",
    "EvaluationReport",
    "Grouping",
    "Reliability",
    "Settings",
    "TableSummary",
    "evaluate",
]

DEFAULT_SEED: Final = 20240712
"""Seed of the bootstrap when none is given, so that a rerun gives the same intervals (the
AI Act's publication date in the Official Journal, 12 July 2024; any fixed value would do)."""


@dataclass(frozen=True, slots=True)
class TableSummary:
    """The data the report rests on."""

    path: str
    """The table as named by the caller (relative to the project for evidence)."""
    format: TableFormat
    """CSV or Parquet."""
    sha256: str
    """SHA-256 of the table's bytes."""
    rows: int
    """Cases."""
    columns: Columns
    """The roles of its columns."""
    positive_label: str
    """The label value counted as positive."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How the figures were computed."""

    threshold: float | None
    """Decision threshold (None: predictions given, or no decision)."""
    confidence_level: float
    """Level of every interval."""
    min_n: int
    """Fewest cases in a denominator for a metric to be reported."""
    replicates: int
    """Bootstrap replicates per bootstrap run."""
    seed: int
    """Seed of the bootstrap."""
    unit: ResamplingUnit
    """Cases or clusters (patients) resampled."""
    resampling: Resampling = Resampling.POISSON
    """How a replicate weights the units."""

    @property
    def alpha(self) -> float:
        """Significance level, 1 - confidence level."""
        return 1.0 - self.confidence_level


@dataclass(frozen=True, slots=True)
class Grouping:
    """The cells of one grouping (one column, a pair, or all columns) and their gaps."""

    columns: tuple[str, ...]
    """The group columns."""
    populations: tuple[Population, ...]
    """One cell per combination of levels that occurs."""
    gaps: tuple[GapResult, ...]
    """The fairness gap of each compared metric."""

    def population(self, levels: tuple[str, ...]) -> Population | None:
        """Return the cell with these levels, or None if no case has them."""
        for cell in self.populations:
            if cell.levels == levels:
                return cell
        return None


@dataclass(frozen=True, slots=True)
class Reliability:
    """Calibration in bins: the reliability diagram and the expected calibration error."""

    ece: float | None
    """Expected calibration error (None without cases)."""
    bins: tuple[ReliabilityBin, ...]
    """The bins, empty ones included."""


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Everything the evaluation found."""

    table: TableSummary
    """The data."""
    settings: Settings
    """How it was evaluated."""
    overall: Population
    """All cases."""
    groupings: tuple[Grouping, ...] = ()
    """Subgroups: each column, each pair (3+ columns), the full intersection (2+)."""
    criteria: tuple[CriterionResult, ...] = ()
    """The acceptance criteria with their verdicts."""
    roc: RocCurve | None = None
    """The ROC curve (scores with both classes only)."""
    reliability: Reliability | None = None
    """Calibration in bins (probability scores only)."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """What the reader must know to read the figures (methods, what was not computed)."""

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        """Criteria that did not pass (failed or not assessable)."""
        return tuple(c for c in self.criteria if c.verdict is not Verdict.PASS)

    def grouping(self, columns: tuple[str, ...]) -> Grouping | None:
        """Return the grouping by its columns, or None if it was not evaluated."""
        for grouping in self.groupings:
            if grouping.columns == columns:
                return grouping
        return None


def evaluate(  # noqa: PLR0913  # the evaluation's settings, all keyword-only
    table: EvaluationTable,
    plan: EvaluationPlan | None = None,
    *,
    threshold: float | None = None,
    min_n: int = MIN_DENOMINATOR,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    source: str | None = None,
    observer: BootstrapObserver | None = None,
) -> EvaluationReport:
    """Evaluate the cases of a table against the plan.

    Args:
        table: The checked cases.
        plan: Threshold, confidence level and acceptance criteria fixed beforehand.
        threshold: Decision threshold; must agree with the plan's if both are given.
        min_n: Fewest cases in a denominator for a metric to be reported.
        replicates: Replicates per bootstrap run.
        seed: Seed of the bootstrap.
        source: How to name the table in the report (default: its path).
        observer: Receives bootstrap progress, over all runs together.

    Returns:
        The report.

    Raises:
        EvaluationInputError: Conflicting or bad settings.
    """
    plan = plan or EvaluationPlan()
    alpha = 1.0 - plan.confidence_level
    check_min_n(min_n)
    cut, decisions, notes = _decision(table, plan, threshold)
    cases = Cases(
        table.labels,
        decisions,
        table.scores,
        table.scores is not None and table.columns.score_kind is ScoreKind.PROBABILITY,
        table.ids,
    )
    runs = BootstrapRuns(
        cases,
        cut,
        predicted=table.columns.prediction is not None,
        replicates=replicates,
        seed=seed,
        alpha=alpha,
        min_n=min_n,
    )
    overall = population(cases, None, alpha=alpha, min_n=min_n)
    layouts = [(cols, *cells_of(table.groups, cols)) for cols in groupings_of(table.columns.groups)]
    if not layouts and cases.ids is not None:
        layouts_to_run = [np.zeros(table.rows, dtype=np.intp)]
    else:
        layouts_to_run = [codes for _, _, codes in layouts]
    runs.start(layouts_to_run, observer or NullObserver())
    if cases.ids is not None:
        overall = runs.clustered(overall, 0, None)
        notes.append(
            "Cases are clustered by "
            f"{table.columns.id!r}: the intervals of sensitivity, specificity, PPV, NPV and "
            "AUROC, and of every gap, are percentile intervals of the cluster bootstrap; the "
            "other intervals assume independent cases."
        )
    groupings = []
    for index, (columns, levels, codes) in enumerate(layouts):
        cells = [
            population(cases, codes == i, columns, key, alpha=alpha, min_n=min_n)
            for i, key in enumerate(levels)
        ]
        if cases.ids is not None:
            cells = [runs.clustered(cell, index, i) for i, cell in enumerate(cells)]
        found = gaps(
            cells, alpha=alpha, replicates=runs.replicates(index), newcombe=cases.ids is None
        )
        groupings.append(Grouping(columns, tuple(cells), found))
    settings = Settings(
        cut,
        plan.confidence_level,
        min_n,
        replicates,
        seed,
        ResamplingUnit.CASE if cases.ids is None else ResamplingUnit.CLUSTER,
    )
    report = EvaluationReport(
        TableSummary(
            source or str(table.path),
            table.format,
            table.sha256,
            table.rows,
            table.columns,
            table.positive_label,
        ),
        settings,
        overall,
        tuple(groupings),
        notes=tuple(notes),
    )
    return _with_extras(report, cases, plan)


def _decision(
    table: EvaluationTable, plan: EvaluationPlan, threshold: float | None
) -> tuple[float | None, npt.NDArray[np.bool_] | None, list[str]]:
    """Return the threshold used, the decisions and notes (AI Act Art 9(8): fixed beforehand)."""
    notes: list[str] = []
    if threshold is not None and plan.threshold is not None and threshold != plan.threshold:
        raise EvaluationInputError(
            "threshold",
            f"differs from the pre-specified threshold {plan.threshold:g} of the evaluation plan",
            found=f"{threshold:g}",
            hint="a threshold fixed before the evaluation may not change with the test data; "
            "change it in techfile.yaml, with a rationale, if it must change",
        )
    if table.predictions is not None:
        if threshold is not None:
            raise EvaluationInputError(
                "threshold",
                "a prediction column gives the decisions already",
                found=f"{threshold:g}",
                hint="give --threshold or --prediction, not both",
            )
        if plan.threshold is not None:
            notes.append("The plan's threshold is not used: the prediction column decides.")
        return None, table.predictions, notes
    cut = threshold if threshold is not None else plan.threshold
    if cut is None:
        notes.append(
            "No threshold was given: the metrics of the binary decision (sensitivity, "
            "specificity, PPV, NPV, ...) are not computed."
        )
        return None, None, notes
    assert table.scores is not None  # noqa: S101  # Columns needs a score or a prediction
    probability = table.columns.score_kind is ScoreKind.PROBABILITY
    if probability and not 0.0 <= cut <= 1.0:
        raise EvaluationInputError(
            "threshold", "expected a probability in [0, 1] for probability scores", found=f"{cut}"
        )
    return cut, table.scores >= cut, notes


def _with_extras(report: EvaluationReport, cases: Cases, plan: EvaluationPlan) -> EvaluationReport:
    """Add the criteria's verdicts, the ROC curve and the reliability diagram."""
    alpha = report.settings.alpha
    roc = None if cases.scores is None else roc_curve(cases.labels, cases.scores, alpha=alpha)
    reliability = None
    if cases.probabilities and cases.scores is not None:
        ece = expected_calibration_error(cases.labels, cases.scores)
        if isinstance(ece, ExpectedCalibrationError):
            reliability = Reliability(ece.value, reliability_bins(ece.bins, alpha=alpha))
    verdicts = []
    for criterion in plan.criteria:
        where = criterion.population
        if where is None:
            result = report.overall.metric(criterion.metric)
            verdicts.append(judge(criterion, result, missing=_why_not(cases)))
            continue
        grouping = report.grouping((where.column,))
        if grouping is None:
            verdicts.append(
                judge(criterion, None, missing=f"the group column {where.column!r} was not read")
            )
            continue
        cell = grouping.population((where.value,))
        if cell is None:
            levels = ", ".join(repr(p.levels[0]) for p in grouping.populations)
            missing = f"no case has {where.column} = {where.value!r} (values: {levels})"
            verdicts.append(judge(criterion, None, missing=missing))
            continue
        verdicts.append(judge(criterion, cell.metric(criterion.metric), missing=_why_not(cases)))
    return EvaluationReport(
        report.table,
        report.settings,
        report.overall,
        report.groupings,
        tuple(verdicts),
        roc,
        reliability,
        report.notes,
    )


def _why_not(cases: Cases) -> str:
    reasons = []
    if cases.decisions is None:
        reasons.append("no threshold or prediction column for the decision's metrics")
    if cases.scores is None:
        reasons.append("no score column for AUROC, AUPRC and calibration")
    elif not cases.probabilities:
        reasons.append("scores are not probabilities, so calibration is not assessed")
    if not reasons:
        return "the metric has no estimate for this population"
    return "the metric was not computed: " + "; ".join(reasons)
