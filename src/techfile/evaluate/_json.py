"""The published JSON of an evaluation (`techfile evaluate --json`, `techfile schema evaluation`).

One pydantic model per part of `EvaluationReport` writes the document and gives its JSON
Schema; the same models read it back (`report_from_json`), so the evidence record, which
carries this document in its details, renders into the technical file exactly as it was
computed. Numbers are plain JSON numbers (never NaN: an estimate that does not exist is an
``undefined`` entry with its reason); the document names its schema in ``schema``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from techfile.evaluate._bootstrap import Resampling, ResamplingUnit
from techfile.evaluate._criteria import (
    CriterionResult,
    Limit,
    Verdict,
)
from techfile.evaluate._gaps import GapResult, NoGap
from techfile.evaluate._intervals import Interval, IntervalMethod
from techfile.evaluate._metric import Metric, MetricName, MetricResult, UndefinedReason
from techfile.evaluate._report import (
    EvaluationReport,
)
from techfile.evaluate._subgroups import Population
from techfile.evaluate._table import ScoreKind, TableFormat

__all__ = [
    "SCHEMA_ID",
    "EvaluationJson",
    "evaluation_schema",
    "report_json",
    "to_model",
]

SCHEMA_ID = "techfile.evaluation/1"
"""The ``schema`` value of the document."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class IntervalJson(_Out):
    """A confidence interval."""

    lower: float
    upper: float
    level: float = Field(description="Confidence level, e.g. 0.95.")
    method: IntervalMethod


class EstimatedJson(_Out):
    """A metric with its estimate and interval."""

    status: Literal["estimated"] = "estimated"
    name: MetricName
    estimate: float
    interval: IntervalJson
    n: int = Field(ge=0, description="Cases in the metric's denominator.")


class UndefinedJson(_Out):
    """A metric without an estimate, and why."""

    status: Literal["undefined"] = "undefined"
    name: MetricName
    reason: UndefinedReason
    n: int = Field(ge=0, description="Cases in the denominator found wanting.")
    detail: str


MetricJson = Annotated[EstimatedJson | UndefinedJson, Field(discriminator="status")]


class CountsJson(_Out):
    """The confusion counts of the decision."""

    tp: int = Field(ge=0)
    fp: int = Field(ge=0)
    fn: int = Field(ge=0)
    tn: int = Field(ge=0)


class PopulationJson(_Out):
    """All cases, or one subgroup cell, with its metrics."""

    columns: list[str] = Field(description="Group columns defining it (empty: all cases).")
    levels: list[str] = Field(description="Its value in each of those columns.")
    label: str
    n: int = Field(ge=0)
    positives: int = Field(ge=0)
    counts: CountsJson | None
    metrics: list[MetricJson]


class ComparedJson(_Out):
    """A fairness gap: the highest and lowest group of one metric."""

    status: Literal["compared"] = "compared"
    metric: MetricName
    highest: list[str] = Field(description="Levels of the group with the highest estimate.")
    lowest: list[str] = Field(description="Levels of the group with the lowest estimate.")
    highest_estimate: float
    lowest_estimate: float
    difference: float = Field(description="Highest minus lowest estimate.")
    interval: IntervalJson | None = Field(description="Interval of the difference.")
    ratio: float | None = Field(description="Lowest over highest estimate (1 is parity).")
    compared: int = Field(ge=2)
    without_estimate: list[list[str]]
    note: str


class NotComparedJson(_Out):
    """A metric that could not be compared across the groups."""

    status: Literal["not_compared"] = "not_compared"
    metric: MetricName
    compared: int = Field(ge=0)
    reason: str


GapJson = Annotated[ComparedJson | NotComparedJson, Field(discriminator="status")]


class GroupingJson(_Out):
    """The cells of one grouping and their gaps."""

    columns: list[str]
    populations: list[PopulationJson]
    gaps: list[GapJson]


class SubgroupJson(_Out):
    """The subgroup a criterion applies to."""

    column: str
    value: str


class CriterionJson(_Out):
    """An acceptance criterion with its verdict."""

    metric: MetricName
    population: SubgroupJson | None = Field(description="None: all cases.")
    limit: Limit
    value: float
    rationale: str
    verdict: Verdict
    reason: str
    result: MetricJson | None


class RocJson(_Out):
    """The ROC curve with a pointwise band on the true positive rate."""

    fpr: list[float]
    tpr: list[float]
    tpr_lower: list[float]
    tpr_upper: list[float]
    thresholds: list[float | None]
    level: float


class BinJson(_Out):
    """One bin of the reliability diagram."""

    lower: float
    upper: float
    n: int = Field(ge=0)
    positives: int = Field(ge=0)
    mean_predicted: float | None
    observed_lower: float | None
    observed_upper: float | None


class ReliabilityJson(_Out):
    """Calibration in bins."""

    ece: float | None = Field(description="Expected calibration error.")
    bins: list[BinJson]


class ColumnsJson(_Out):
    """The roles of the table's columns."""

    label: str
    score: str | None
    prediction: str | None
    id: str | None
    groups: list[str]
    positive: str | None
    score_kind: ScoreKind


class TableJson(_Out):
    """The data evaluated."""

    path: str
    format: TableFormat
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: int = Field(ge=1)
    columns: ColumnsJson
    positive_label: str


class SettingsJson(_Out):
    """How the figures were computed."""

    threshold: float | None
    confidence_level: float = Field(gt=0, lt=1)
    min_n: int = Field(ge=1)
    replicates: int = Field(ge=1)
    seed: int = Field(ge=0)
    unit: ResamplingUnit
    resampling: Resampling


class EvaluationJson(_Out):
    """``techfile evaluate --json``: the whole evaluation report."""

    schema_: Literal["techfile.evaluation/1"] = Field(
        default="techfile.evaluation/1", alias="schema"
    )
    outcome: Literal["pass", "fail", "no_criteria"] = Field(
        description="pass: every criterion passed; fail: one failed or was not assessable."
    )
    table: TableJson
    settings: SettingsJson
    overall: PopulationJson
    groupings: list[GroupingJson]
    criteria: list[CriterionJson]
    roc: RocJson | None
    reliability: ReliabilityJson | None
    notes: list[str]


def evaluation_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile evaluate --json`` (``techfile schema evaluation``)."""
    return EvaluationJson.model_json_schema(by_alias=True)


def _interval(i: Interval) -> IntervalJson:
    return IntervalJson(lower=i.lower, upper=i.upper, level=i.level, method=i.method)


def _metric(r: MetricResult) -> EstimatedJson | UndefinedJson:
    if isinstance(r, Metric):
        return EstimatedJson(
            name=r.name, estimate=r.estimate, interval=_interval(r.interval), n=r.n
        )
    return UndefinedJson(name=r.name, reason=r.reason, n=r.n, detail=r.detail)


def _population(p: Population) -> PopulationJson:
    c = p.counts
    return PopulationJson(
        columns=list(p.columns),
        levels=list(p.levels),
        label=p.label,
        n=p.n,
        positives=p.positives,
        counts=None if c is None else CountsJson(tp=c.tp, fp=c.fp, fn=c.fn, tn=c.tn),
        metrics=[_metric(m) for m in p.metrics],
    )


def _gap(g: GapResult) -> ComparedJson | NotComparedJson:
    if isinstance(g, NoGap):
        return NotComparedJson(metric=g.metric, compared=g.compared, reason=g.reason)
    return ComparedJson(
        metric=g.metric,
        highest=list(g.highest),
        lowest=list(g.lowest),
        highest_estimate=g.highest_estimate,
        lowest_estimate=g.lowest_estimate,
        difference=g.difference,
        interval=None if g.interval is None else _interval(g.interval),
        ratio=g.ratio,
        compared=g.compared,
        without_estimate=[list(levels) for levels in g.without_estimate],
        note=g.note,
    )


def _criterion(c: CriterionResult) -> CriterionJson:
    k = c.criterion
    where = k.population
    return CriterionJson(
        metric=k.metric,
        population=None if where is None else SubgroupJson(column=where.column, value=where.value),
        limit=k.limit,
        value=k.value,
        rationale=k.rationale,
        verdict=c.verdict,
        reason=c.reason,
        result=None if c.result is None else _metric(c.result),
    )


def to_model(report: EvaluationReport) -> EvaluationJson:
    """Build the published document of a report."""
    t, s, cols = report.table, report.settings, report.table.columns
    roc, rel = report.roc, report.reliability
    if not report.criteria:
        outcome: Literal["pass", "fail", "no_criteria"] = "no_criteria"
    else:
        outcome = "fail" if report.failed else "pass"
    return EvaluationJson(
        outcome=outcome,
        table=TableJson(
            path=t.path,
            format=t.format,
            sha256=t.sha256,
            rows=t.rows,
            columns=ColumnsJson(
                label=cols.label,
                score=cols.score,
                prediction=cols.prediction,
                id=cols.id,
                groups=list(cols.groups),
                positive=cols.positive,
                score_kind=cols.score_kind,
            ),
            positive_label=t.positive_label,
        ),
        settings=SettingsJson(
            threshold=s.threshold,
            confidence_level=s.confidence_level,
            min_n=s.min_n,
            replicates=s.replicates,
            seed=s.seed,
            unit=s.unit,
            resampling=s.resampling,
        ),
        overall=_population(report.overall),
        groupings=[
            GroupingJson(
                columns=list(g.columns),
                populations=[_population(p) for p in g.populations],
                gaps=[_gap(x) for x in g.gaps],
            )
            for g in report.groupings
        ],
        criteria=[_criterion(c) for c in report.criteria],
        roc=None
        if roc is None
        else RocJson(
            fpr=list(roc.fpr),
            tpr=list(roc.tpr),
            tpr_lower=list(roc.tpr_lower),
            tpr_upper=list(roc.tpr_upper),
            thresholds=list(roc.thresholds),
            level=roc.level,
        ),
        reliability=None
        if rel is None
        else ReliabilityJson(
            ece=rel.ece,
            bins=[
                BinJson(
                    lower=b.lower,
                    upper=b.upper,
                    n=b.n,
                    positives=b.positives,
                    mean_predicted=b.mean_predicted,
                    observed_lower=b.observed_lower,
                    observed_upper=b.observed_upper,
                )
                for b in rel.bins
            ],
        ),
        notes=list(report.notes),
    )


def report_json(report: EvaluationReport) -> dict[str, Any]:
    """The report as the published JSON document (plain values, ready for ``json.dumps``)."""
    return to_model(report).model_dump(mode="json", by_alias=True)
