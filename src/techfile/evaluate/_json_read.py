"""Reading a published evaluation back (`report_from_json`): the evidence record's details.

The technical file renders an evaluation from its signed record; this module turns the
document, checked against the same models that wrote it, back into an `EvaluationReport`, so
the tables and figures are redrawn from exactly what was signed. A document of another schema,
or one whose numbers contradict each other (an interval whose lower limit is above its upper),
is an `EvaluationInputError`, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from techfile.evaluate._confusion import ConfusionCounts
from techfile.evaluate._criteria import AcceptanceCriterion, CriterionResult, Subgroup
from techfile.evaluate._curves import ReliabilityBin, RocCurve
from techfile.evaluate._gaps import Gap, GapResult, NoGap
from techfile.evaluate._intervals import Interval
from techfile.evaluate._json import (
    SCHEMA_ID,
    ComparedJson,
    CriterionJson,
    EstimatedJson,
    EvaluationJson,
    IntervalJson,
    NotComparedJson,
    PopulationJson,
    UndefinedJson,
)
from techfile.evaluate._metric import Metric, MetricResult, Undefined
from techfile.evaluate._report import (
    EvaluationReport,
    Grouping,
    Reliability,
    Settings,
    TableSummary,
)
from techfile.evaluate._subgroups import Population
from techfile.evaluate._table import Columns
from techfile.evaluate.errors import EvaluationInputError

__all__ = ["report_from_json"]


def report_from_json(data: Mapping[str, object]) -> EvaluationReport:
    """Read a published document back into a report.

    Raises:
        EvaluationInputError: The document does not follow the schema.
    """
    try:
        doc = EvaluationJson.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EvaluationInputError(
            "evaluation report",
            f"not a {SCHEMA_ID} document ({where}: {first['msg']})",
            found=f"{e.error_count()} problem(s)",
        ) from e
    try:
        return _report(doc)
    except (ValueError, EvaluationInputError) as e:
        raise EvaluationInputError(
            "evaluation report", f"inconsistent {SCHEMA_ID} document", found=str(e)
        ) from e


def _from_interval(i: IntervalJson) -> Interval:
    return Interval(i.lower, i.upper, i.level, i.method)


def _from_metric(m: EstimatedJson | UndefinedJson) -> MetricResult:
    if isinstance(m, EstimatedJson):
        return Metric(m.name, m.estimate, _from_interval(m.interval), m.n)
    return Undefined(m.name, m.reason, m.n, m.detail)


def _from_population(p: PopulationJson) -> Population:
    c = p.counts
    return Population(
        tuple(p.columns),
        tuple(p.levels),
        p.n,
        p.positives,
        None if c is None else ConfusionCounts(tp=c.tp, fp=c.fp, fn=c.fn, tn=c.tn),
        tuple(_from_metric(m) for m in p.metrics),
    )


def _from_gap(g: ComparedJson | NotComparedJson) -> GapResult:
    if isinstance(g, NotComparedJson):
        return NoGap(g.metric, g.compared, g.reason)
    return Gap(
        g.metric,
        tuple(g.highest),
        tuple(g.lowest),
        g.highest_estimate,
        g.lowest_estimate,
        None if g.interval is None else _from_interval(g.interval),
        g.ratio,
        g.compared,
        tuple(tuple(levels) for levels in g.without_estimate),
        g.note,
    )


def _from_criterion(c: CriterionJson) -> CriterionResult:
    where = None if c.population is None else Subgroup(c.population.column, c.population.value)
    criterion = AcceptanceCriterion(c.metric, c.limit, c.value, c.rationale, where)
    result = None if c.result is None else _from_metric(c.result)
    return CriterionResult(criterion, c.verdict, result, c.reason)


def _report(doc: EvaluationJson) -> EvaluationReport:
    t, s, cols = doc.table, doc.settings, doc.table.columns
    columns = Columns(
        cols.label,
        cols.score,
        cols.prediction,
        cols.id,
        tuple(cols.groups),
        cols.positive,
        cols.score_kind,
    )
    roc = doc.roc
    rel = doc.reliability
    return EvaluationReport(
        TableSummary(t.path, t.format, t.sha256, t.rows, columns, t.positive_label),
        Settings(
            s.threshold, s.confidence_level, s.min_n, s.replicates, s.seed, s.unit, s.resampling
        ),
        _from_population(doc.overall),
        tuple(
            Grouping(
                tuple(g.columns),
                tuple(_from_population(p) for p in g.populations),
                tuple(_from_gap(x) for x in g.gaps),
            )
            for g in doc.groupings
        ),
        tuple(_from_criterion(c) for c in doc.criteria),
        None
        if roc is None
        else RocCurve(
            tuple(roc.fpr),
            tuple(roc.tpr),
            tuple(roc.tpr_lower),
            tuple(roc.tpr_upper),
            tuple(roc.thresholds),
            roc.level,
        ),
        None
        if rel is None
        else Reliability(
            rel.ece,
            tuple(
                ReliabilityBin(
                    b.lower,
                    b.upper,
                    b.n,
                    b.positives,
                    b.mean_predicted,
                    b.observed_lower,
                    b.observed_upper,
                )
                for b in rel.bins
            ),
        ),
        tuple(doc.notes),
    )
