"""``techfile gaps``: every applicable requirement with its status and evidence."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from techfile.assess import (
    ProjectAssessment,
    StatusName,
    assess_project,
    gaps_csv,
    requirement_rows,
    to_json,
    write_xlsx,
)
from techfile.cli._app import EXIT_FOUND, app, out, reporting
from techfile.errors import InputError
from techfile.project import load_manifest

__all__ = ["gaps_command"]

_STYLE = {
    StatusName.MET: "green",
    StatusName.PARTIAL: "yellow",
    StatusName.MISSING: "red",
    StatusName.STALE: "dark_orange",
    StatusName.NOT_APPLICABLE: "dim",
}


class GapFormat(StrEnum):
    """Output formats of the gap report."""

    TABLE = "table"
    CSV = "csv"
    XLSX = "xlsx"


@app.command("gaps")
def gaps_command(
    project: Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")] = Path(),
    *,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (`techfile schema gaps`).")
    ] = False,
    output_format: Annotated[
        GapFormat, typer.Option("--format", help="table, csv or xlsx.")
    ] = GapFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--out", help="File for csv/xlsx (xlsx needs it).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Table: list met and not-applicable too.")
    ] = False,
) -> None:
    """Assess every applicable requirement (met, partial, missing, stale, not applicable).

    Exits 1 while any applicable requirement is missing, stale or partial.
    """
    with reporting():
        result = assess_project(load_manifest(project))
        if output_format is GapFormat.XLSX and output is None:
            msg = "--format xlsx needs --out FILE.xlsx"
            raise InputError(msg)
    if as_json:
        typer.echo(json.dumps(to_json(result), indent=2))
    elif output_format is GapFormat.CSV:
        text = gaps_csv(result.report)
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
    elif output_format is GapFormat.XLSX and output is not None:
        write_xlsx(result.report, output)
        out.print(f"wrote {output}")
    else:
        _table(result, show_all=show_all)
    if result.report.has_gaps:
        raise typer.Exit(EXIT_FOUND)


def _table(result: ProjectAssessment, *, show_all: bool) -> None:
    table = Table(title="Requirements", title_justify="left")
    for column in ("id", "title", "status", "evidence or reasons"):
        table.add_column(column)
    quiet = {StatusName.MET, StatusName.NOT_APPLICABLE}
    for row in requirement_rows(result.report):
        if not show_all and row.status in quiet:
            continue
        detail = "; ".join(f"{e.kind}: {e.summary}" for e in row.evidence) or "; ".join(row.reasons)
        table.add_row(row.id, row.title, Text(row.status.value, style=_STYLE[row.status]), detail)
    out.print(table)
    counts = result.report.counts()
    summary = ", ".join(f"{counts[s]} {s.value}" for s in StatusName)
    out.print(Text(f"{len(result.report.assessments)} requirements: {summary}", style="bold"))
    for excluded in result.report.excluded:
        out.print(Text(f"out of scope: {excluded.source_id} ({excluded.reason})", style="dim"))
    for rejected in result.report.rejected:
        out.print(Text(f"untrusted evidence {rejected.name}: {rejected.reason}", style="red"))
    if not show_all:
        out.print(
            Text("(met and not-applicable requirements hidden; --all shows them)", style="dim")
        )
