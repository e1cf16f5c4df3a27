"""``techfile datagov``: profile a dataset for AI Act Art 10 and record it as evidence.

Exit codes: 0 when the profile finds nothing, 1 when it has findings (of any severity),
2 for bad input (a missing column, an unreadable table, a bad split value, a missing label).
Datasheet headings left unanswered are gaps of the documentation, shown and recorded, but
not findings about the data: they do not change the exit code.
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
from techfile.datagov import (
    DatagovReport,
    Progress,
    Roles,
    Severity,
    Standing,
    evidence_draft,
    no_progress,
    profile_file,
    report_json,
)
from techfile.evidence import subject_of
from techfile.project import Manifest

__all__ = ["datagov_command"]

_SEVERITY = {Severity.HIGH: "bold red", Severity.MEDIUM: "dark_orange", Severity.LOW: "yellow"}


@app.command("datagov")
def datagov_command(  # noqa: PLR0913  # one option per column role, all keyword-only
    table: Annotated[Path, typer.Argument(help="The dataset: a .csv, .tsv or .parquet file.")],
    *,
    split: Annotated[
        str | None, typer.Option(help="Column giving each row's split: train, validation, test.")
    ] = None,
    id_column: Annotated[str | None, typer.Option("--id", help="Patient id column.")] = None,
    label: Annotated[str | None, typer.Option(help="Label (reference standard) column.")] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(help="Subgroup column (sex, age band, site); repeat for several."),
    ] = None,
    time: Annotated[
        str | None, typer.Option(help="Date column, for missing values over time.")
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            help="Column that is no model input (e.g. the raw outcome the label comes from):"
            " left out of the leakage screen; repeat for several."
        ),
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option(help="Project folder or techfile.yaml (default: ./techfile.yaml if present)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (`techfile schema datagov`).")
    ] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Also sign the profile into the evidence folder.")
    ] = False,
) -> None:
    """Profile a dataset for AI Act Art 10(2)-(4) and write its Annex IV 2(d) datasheet.

    Representation against the reference population (techfile.yaml, datasets:).

    Label balance and rows per group; missing values per column, group and period.

    Duplicates, patients shared between splits, columns that give the label away.

    Exits 0 without findings, 1 with findings (any severity), 2 for bad input.
    """
    with reporting():
        manifest = find_manifest(project, required=record)
        roles = Roles(split, id_column, label, tuple(group or ()), time, tuple(exclude or ()))
        with _bar() as progress:
            report = profile_file(
                table, roles, datasets=manifest.datasets if manifest else None, progress=progress
            )
        digest = _record(manifest, table, report) if manifest and record else None
    if as_json:
        typer.echo(json.dumps(report_json(report), indent=2))
    else:
        _show(report)
    if digest is not None:
        err.print(f"recorded evidence {digest}")
    if report.has_findings:
        raise typer.Exit(EXIT_FOUND)


def _record(manifest: Manifest, table: Path, report: DatagovReport) -> str:
    return record_draft(manifest, evidence_draft(report, subject_of(table, manifest.root)))


@contextmanager
def _bar() -> Iterator[Progress]:
    """A transient progress bar on stderr, fed by the library's progress observer."""
    if not err.is_terminal:
        yield no_progress
        return
    with Bar(transient=True, console=err) as bar:
        task = bar.add_task("profiling", total=None)
        yield lambda step, done, total: bar.update(
            task, completed=done, total=total, description=step
        )


def _show(report: DatagovReport) -> None:
    info = report.table
    out.print(
        Text.assemble(
            (f"{info.path}", "bold"),
            f": {info.rows} rows, {len(info.columns)} columns, {info.format}, sha256 ",
            (info.sha256[:16], "dim"),
        )
    )
    out.print(_checks(report))
    if report.representation:
        out.print(_representation(report))
    gappy = [c for c in report.missingness.columns if c.missing]
    if gappy:
        table = Table(title="Missing values", title_justify="left")
        for column in ("column", "missing", "share", "95% interval"):
            table.add_column(column)
        for c in sorted(gappy, key=lambda c: -c.share):
            table.add_row(
                c.column, str(c.missing), f"{c.share:.1%}", f"{c.lower:.1%}-{c.upper:.1%}"
            )
        out.print(table)
    out.print(_datasheet(report))
    if report.findings:
        out.print(_findings(report))
    counts = report.severity_counts()
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items())
    style = "bold red" if report.findings else "bold green"
    out.print(Text(f"{len(report.findings)} finding(s): {summary}", style=style))


def _checks(report: DatagovReport) -> Table:
    table = Table(title="Checks", title_justify="left")
    for column in ("check", "ran", "covered", "AI Act points"):
        table.add_column(column)
    for run in report.checks:
        ran = Text("yes", style="green") if run.ran else Text("no", style="dim")
        table.add_row(run.title, ran, run.reason, ", ".join(run.requirements))
    return table


def _representation(report: DatagovReport) -> Table:
    table = Table(title="Representation (simultaneous intervals)", title_justify="left")
    for column in ("group", "scope", "level", "n", "share", "interval", "reference", "standing"):
        table.add_column(column)
    for r in report.representation:
        for level in r.levels:
            if r.scope != "all" and level.standing is not Standing.BELOW:
                continue  # splits: only their problems, to keep the table short
            s = level.share
            reference = f"{level.reference:.1%}" if level.reference is not None else ""
            standing = Text(
                level.standing.value, style="bold red" if level.standing is Standing.BELOW else ""
            )
            table.add_row(
                r.column, r.scope, s.level, str(s.count), f"{s.share:.1%}",
                f"{s.lower:.1%}-{s.upper:.1%}", reference, standing,
            )  # fmt: skip
    return table


def _datasheet(report: DatagovReport) -> Table:
    sheet = report.datasheet
    table = Table(title=f"Datasheet ({sheet.citation})", title_justify="left")
    for column in ("heading", "answer", "computed"):
        table.add_column(column)
    for entry in sheet.entries:
        answer = (
            Text(entry.answer, overflow="ellipsis", no_wrap=True)
            if entry.answer
            else Text("gap: unanswered in techfile.yaml datasets:", style="yellow")
        )
        table.add_row(entry.title, answer, "; ".join(entry.computed))
    return table


def _findings(report: DatagovReport) -> Table:
    table = Table(title="Findings", title_justify="left")
    for column in ("severity", "finding", "where", "detail", "leaves open"):
        table.add_column(column)
    for f in report.findings:
        table.add_row(
            Text(f.severity.value, style=_SEVERITY[f.severity]),
            f.kind.value.replace("_", " "),
            f.subject,
            f.message,
            ", ".join(f.requirements),
        )
    return table
