"""Performance evaluation (AI Act Art 9(8), 15, Annex IV 2(g) and 3; MDCG 2020-1).

Per evaluation record: the verdict of each pre-specified acceptance criterion, every metric of
all cases with its confidence interval and method, the subgroup tables with their cells that
have too few cases shown as undefined, the fairness gaps, and the figures (ROC curve,
reliability diagram, forest plots), redrawn from the record's details, which are the published
report (``techfile schema evaluation``). Nothing is recomputed from the data: the section
shows what was signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from techfile.catalog import EvidenceKind
from techfile.evaluate import (
    EvaluationInputError,
    EvaluationReport,
    Gap,
    Grouping,
    Metric,
    MetricName,
    Verdict,
    describe,
    report_from_json,
)
from techfile.evidence import Verified
from techfile.render._model import Block, Figure, Para, Table, Tone
from techfile.render.sections._common import provenance
from techfile.render.sections.interface import Group

__all__ = ["EvaluationSection"]

_TONE: Final = {Verdict.PASS: Tone.GOOD, Verdict.FAIL: Tone.BAD, Verdict.NOT_ASSESSABLE: Tone.WARN}
_SUBGROUP_METRICS: Final = (
    MetricName.SENSITIVITY,
    MetricName.SPECIFICITY,
    MetricName.PPV,
    MetricName.NPV,
    MetricName.AUROC,
)
_CAPTIONS: Final = {
    "roc": "ROC curve of all cases with the pointwise confidence band of the sensitivity and "
    "the operating point at the threshold.",
    "calibration": "Reliability diagram: observed share of positives against the mean "
    "predicted probability per bin, with confidence intervals.",
}


class EvaluationSection:
    """Model performance with confidence intervals, subgroups, fairness gaps and criteria."""

    __slots__ = ()
    kind = EvidenceKind.EVALUATION
    title = "Performance evaluation"
    group = Group.CHECKS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """Per evaluation: criteria, metrics, subgroups, gaps and figures."""
        blocks: list[Block] = []
        for verified in records:
            blocks += provenance(verified)
            try:
                report = report_from_json(dict(verified.record.details))
            except EvaluationInputError as e:
                blocks.append(Para(f"The record's details cannot be read: {e}", Tone.WARN))
                continue
            blocks += _settings(report)
            blocks += _criteria(report)
            blocks.append(_overall(report))
            for grouping in report.groupings:
                blocks.append(_cells(report, grouping))
            blocks += _gaps(report)
            blocks += _figures(report, verified.record.digest[:12])
        return blocks


def _settings(report: EvaluationReport) -> list[Block]:
    s, cols = report.settings, report.table.columns
    decision = (
        f"prediction column {cols.prediction!r}"
        if cols.prediction
        else f"score >= {s.threshold:g}"
        if s.threshold is not None
        else "none (no threshold)"
    )
    rows = (
        ("cases", str(report.table.rows)),
        ("label (positive class)", f"{cols.label} ({report.table.positive_label})"),
        ("score", f"{cols.score} ({cols.score_kind.value})" if cols.score else "none"),
        ("decision", decision),
        ("subgroups", ", ".join(cols.groups) or "none"),
        ("clusters", cols.id or "none: cases taken as independent"),
        ("confidence level", f"{s.confidence_level:.0%}"),
        ("fewest cases for an estimate", str(s.min_n)),
        ("bootstrap", f"{s.replicates} replicates by {s.unit.value}, seed {s.seed}"),
    )
    blocks: list[Block] = [Table(("setting", "value"), rows, "How the model was evaluated")]
    blocks += [Para(note, Tone.MUTED) for note in report.notes]
    return blocks


def _criteria(report: EvaluationReport) -> list[Block]:
    if not report.criteria:
        return [Para("No acceptance criteria were set before the evaluation.", Tone.WARN)]
    rows = tuple(
        (
            c.criterion.metric.value,
            str(c.criterion.population or "all cases"),
            f"{c.criterion.limit.value.replace('_', ' ')} {c.criterion.value:g}",
            c.criterion.rationale,
            c.reason,
            c.verdict.value.replace("_", " "),
        )
        for c in report.criteria
    )
    return [
        Table(
            ("metric", "population", "limit", "rationale", "result", "verdict"),
            rows,
            "Acceptance criteria fixed before the evaluation (judged on the confidence limit)",
            tuple(_TONE[c.verdict] for c in report.criteria),
        )
    ]


def _overall(report: EvaluationReport) -> Table:
    min_n = report.settings.min_n
    rows = tuple(
        (
            r.name.value,
            describe(r, min_n),
            str(r.n),
            r.interval.method.value if isinstance(r, Metric) else r.reason.value,
        )
        for r in report.overall.metrics
    )
    tones = tuple(
        Tone.NORMAL if isinstance(r, Metric) else Tone.WARN for r in report.overall.metrics
    )
    return Table(
        ("metric", "estimate (interval)", "n", "method"),
        rows,
        f"All cases ({report.overall.n}, {report.overall.positives} positive)",
        tones,
    )


def _cells(report: EvaluationReport, grouping: Grouping) -> Table:
    min_n = report.settings.min_n
    shown = [m for m in _SUBGROUP_METRICS if report.overall.metric(m) is not None]
    rows = tuple(
        (
            ", ".join(cell.levels),
            str(cell.n),
            str(cell.positives),
            *(describe(cell.metric(m), min_n) for m in shown),
        )
        for cell in grouping.populations
    )
    return Table(
        (" x ".join(grouping.columns), "n", "positives", *(m.value for m in shown)),
        rows,
        f"By {' and '.join(grouping.columns)}",
    )


def _gaps(report: EvaluationReport) -> list[Block]:
    rows: list[tuple[str, ...]] = []
    for grouping in report.groupings:
        for gap in grouping.gaps:
            where = " x ".join(grouping.columns)
            if not isinstance(gap, Gap):
                rows.append((where, gap.metric.value, "", "", gap.reason, ""))
                continue
            interval = (
                f" ({gap.interval.lower:.3f} to {gap.interval.upper:.3f})"
                if gap.interval is not None
                else f" ({gap.note})"
            )
            rows.append(
                (
                    where,
                    gap.metric.value,
                    f"{', '.join(gap.highest)}: {gap.highest_estimate:.3f}",
                    f"{', '.join(gap.lowest)}: {gap.lowest_estimate:.3f}",
                    f"{gap.difference:.3f}{interval}",
                    "" if gap.ratio is None else f"{gap.ratio:.3f}",
                )
            )
    if not rows:
        return []
    return [
        Table(
            ("grouping", "metric", "highest", "lowest", "difference (interval)", "ratio"),
            tuple(rows),
            "Fairness gaps: highest minus lowest group, and lowest over highest",
        )
    ]


def _figures(report: EvaluationReport, scope: str) -> list[Block]:
    # Imported here: matplotlib loads only when a document has an evaluation to draw.
    from techfile.evaluate.plots import PlotFormat, drawings, scoped_svg  # noqa: PLC0415

    blocks: list[Block] = []
    for name, saved in drawings(report, (PlotFormat.SVG, PlotFormat.PNG)).items():
        metric = name.removeprefix("forest-")
        caption = _CAPTIONS.get(
            name, f"{metric} by subgroup with confidence intervals; undefined cells are named."
        )
        svg = scoped_svg(saved[PlotFormat.SVG], f"{scope}-{name}")
        blocks.append(Figure(svg, caption, caption, saved[PlotFormat.PNG]))
    return blocks
