"""``techfile evaluate``: model performance with intervals, subgroups, fairness gaps and criteria.

Exit codes: 0 when every acceptance criterion passes (or the plan sets none), 1 when one fails
or cannot be assessed, 2 for bad input (a missing column, labels that are not binary, a score
outside [0, 1], an empty cell, a threshold that contradicts the plan).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress as Bar
from rich.table import Table
from rich.text import Text

from techfile.cli._app import EXIT_FOUND, app, err, out, reporting
from techfile.cli._recording import find_manifest, record_draft
from techfile.evaluate import (
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    MIN_DENOMINATOR,
    BootstrapObserver,
    Columns,
    EvaluationReport,
    Gap,
    Metric,
    MetricName,
    NullObserver,
    ScoreKind,
    Verdict,
    describe,
    evaluate,
    evidence_draft,
    read_table,
    report_json,
)
from techfile.evidence import subject_of
from techfile.project import Manifest, atomic_write_bytes

__all__ = ["evaluate_command"]

_VERDICT = {Verdict.PASS: "green", Verdict.FAIL: "bold red", Verdict.NOT_ASSESSABLE: "yellow"}
_SUBGROUP = (
    MetricName.SENSITIVITY,
    MetricName.SPECIFICITY,
    MetricName.PPV,
    MetricName.NPV,
    MetricName.AUROC,
)


@app.command("evaluate")
def evaluate_command(  # noqa: PLR0913  # one option per column role and setting, keyword-only
    table: Annotated[Path, typer.Argument(help="Test cases, one per row: .csv, .tsv, .parquet.")],
    *,
    label: Annotated[str, typer.Option(help="Reference-standard column (1/true = positive).")],
    score: Annotated[str | None, typer.Option(help="Model score column.")] = None,
    prediction: Annotated[
        str | None, typer.Option(help="Binary decision column (instead of --threshold).")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Positive when score >= T [techfile.yaml evaluation].")
    ] = None,
    group: Annotated[
        list[str] | None, typer.Option(help="Subgroup column (sex, age band, site); repeatable.")
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id", help="Patient or cluster id: resampled together.")
    ] = None,
    positive: Annotated[
        str | None, typer.Option(help="Label value of the positive class, if not 1/true.")
    ] = None,
    score_kind: Annotated[
        ScoreKind, typer.Option(help="probability (checked in [0, 1]) or any.")
    ] = ScoreKind.PROBABILITY,
    replicates: Annotated[int, typer.Option(min=1, help="Bootstrap replicates.")] = (
        DEFAULT_REPLICATES
    ),
    seed: Annotated[int, typer.Option(min=0, help="Bootstrap seed.")] = DEFAULT_SEED,
    min_n: Annotated[
        int, typer.Option(min=1, help="Fewest cases in a denominator for an estimate.")
    ] = MIN_DENOMINATOR,
    project: Annotated[
        Path | None,
        typer.Option(help="Project folder or techfile.yaml with the evaluation plan [./]."),
    ] = None,
    plots: Annotated[
        Path | None, typer.Option("--out", help="Write the figures (SVG) to this folder.")
    ] = None,
    png: Annotated[bool, typer.Option("--png", help="Figures as PNG, not SVG.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (`techfile schema evaluation`).")
    ] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Also sign the evaluation into the evidence folder.")
    ] = False,
) -> None:
    """Evaluate a model on test cases: every metric with its confidence interval.

    Overall, per subgroup and per intersection of subgroups; cells with too few cases are
    reported as undefined. Fairness gaps between groups. Acceptance criteria and threshold
    come from techfile.yaml (evaluation:) and are judged on the confidence limit.

    Exits 0 when every criterion passes, 1 when one fails or cannot be assessed, 2 for bad
    input.
    """
    with reporting():
        manifest = find_manifest(project, required=record)
        plan = manifest.evaluation if manifest else None
        groups = tuple(dict.fromkeys((*(group or ()), *(plan.group_columns() if plan else ()))))
        columns = Columns(label, score, prediction, id_column, groups, positive, score_kind)
        cases = read_table(table, columns)
        with _bar() as observer:
            report = evaluate(
                cases, plan, threshold=threshold, min_n=min_n, replicates=replicates, seed=seed,
                source=str(table), observer=observer,
            )  # fmt: skip
        written = _figures(report, plots, png=png) if plots is not None else []
        digest = _record(manifest, table, report) if manifest and record else None
    if as_json:
        typer.echo(json.dumps(report_json(report), indent=2))
    else:
        _show(report)
    for path in written:
        err.print(f"wrote {path}")
    if digest is not None:
        err.print(f"recorded evidence {digest}")
    if report.failed:
        raise typer.Exit(EXIT_FOUND)


def _record(manifest: Manifest, table: Path, report: EvaluationReport) -> str:
    return record_draft(manifest, evidence_draft(report, subject_of(table, manifest.root)))


def _figures(report: EvaluationReport, folder: Path, *, png: bool) -> list[Path]:
    # Imported here: matplotlib loads only when figures are asked for.
    from techfile.evaluate.plots import PlotFormat, figures  # noqa: PLC0415

    fmt = PlotFormat.PNG if png else PlotFormat.SVG
    written = []
    for name, data in figures(report, fmt).items():
        path = folder / f"{name}.{fmt.value}"
        atomic_write_bytes(path, data)
        written.append(path)
    return written


class _BarObserver:
    """Feeds the bootstrap's progress to a rich progress bar."""

    def __init__(self, bar: Bar) -> None:
        self.bar = bar
        self.task = bar.add_task("bootstrap", total=None)

    def replicate_done(self, done: int, total: int) -> None:
        """Advance the bar (every replicate; rich refreshes at its own pace)."""
        self.bar.update(self.task, completed=done, total=total)


@contextmanager
def _bar() -> Iterator[BootstrapObserver]:
    """A transient progress bar on stderr for the bootstrap; none for a pipe or a log."""
    if not err.is_terminal:
        yield NullObserver()
        return
    with Bar(transient=True, console=err) as bar:
        yield _BarObserver(bar)


def _show(report: EvaluationReport) -> None:
    info, min_n = report.table, report.settings.min_n
    out.print(
        Text.assemble(
            (info.path, "bold"),
            f": {info.rows} cases, {report.overall.positives} positive, sha256 ",
            (info.sha256[:16], "dim"),
        )
    )
    overall = Table("metric", "estimate (interval)", "n", "method", title="All cases")
    for r in report.overall.metrics:
        how = r.interval.method.value if isinstance(r, Metric) else r.reason.value
        overall.add_row(r.name.value, describe(r, min_n), str(r.n), how)
    out.print(overall)
    shown = [m for m in _SUBGROUP if report.overall.metric(m) is not None]
    for grouping in report.groupings:
        cells = Table(" x ".join(grouping.columns), "n", *(m.value for m in shown))
        for cell in grouping.populations:
            cells.add_row(
                ", ".join(cell.levels),
                str(cell.n),
                *(describe(cell.metric(m), min_n) for m in shown),
            )
        out.print(cells)
    _gaps(report)
    _criteria(report)
    for note in report.notes:
        out.print(Text(note, style="dim"))


def _gaps(report: EvaluationReport) -> None:
    table = Table("grouping", "metric", "highest", "lowest", "difference", "ratio", title="Gaps")
    for grouping in report.groupings:
        for gap in grouping.gaps:
            if not isinstance(gap, Gap):
                table.add_row(" x ".join(grouping.columns), gap.metric.value, "", "", gap.reason)
                continue
            ci = gap.interval
            table.add_row(
                " x ".join(grouping.columns),
                gap.metric.value,
                f"{', '.join(gap.highest)} {gap.highest_estimate:.3f}",
                f"{', '.join(gap.lowest)} {gap.lowest_estimate:.3f}",
                f"{gap.difference:.3f}"
                + (f" ({ci.lower:.3f} to {ci.upper:.3f})" if ci else f" ({gap.note})"),
                "" if gap.ratio is None else f"{gap.ratio:.3f}",
            )
    if table.row_count:
        out.print(table)


def _criteria(report: EvaluationReport) -> None:
    if not report.criteria:
        out.print(Text("no acceptance criteria (techfile.yaml evaluation:)", style="yellow"))
        return
    table = Table("criterion", "verdict", "reason", title="Acceptance criteria")
    for c in report.criteria:
        verdict = Text(c.verdict.value.replace("_", " "), style=_VERDICT[c.verdict])
        table.add_row(str(c.criterion), verdict, c.reason)
    out.print(table)
