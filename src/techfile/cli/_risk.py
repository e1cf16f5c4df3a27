"""``techfile risk``: check the risk file, draw its matrix, export it, record it as evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from techfile.cli._app import EXIT_FOUND, app, out, reporting
from techfile.cli._recording import record_draft
from techfile.project import atomic_write_bytes
from techfile.risk import (
    ProjectRisks,
    check_project,
    load_risk_data,
    load_risks,
    report_json,
    risk_draft,
    risk_xlsx,
    risks_path,
    write_matrices,
)

__all__ = ["risk_app"]

risk_app = typer.Typer(
    help="The risk management file (risks.yaml): safety, AI and security risks.",
    no_args_is_help=True,
)
app.add_typer(risk_app, name="risk")

_Project = Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")]
_Vulns = Annotated[
    Path | None,
    typer.Option(
        "--vulnerabilities", help="Findings file ({findings: [...]}) instead of the scan."
    ),
]


def _show(result: ProjectRisks) -> None:
    report = result.report
    for problem in report.findings:
        out.print(
            Text(f"{problem.check.value}: {problem.message}", style="red"),
            highlight=False,
            soft_wrap=True,
        )
    for problem in report.notes:
        out.print(Text(f"note: {problem.message}", style="dim"), highlight=False, soft_wrap=True)
    counts = report_json(report, load_risk_data(), result.risk_file_name).counts
    verdict = "complete" if report.ok else f"{counts['findings']} finding(s)"
    out.print(
        Text(
            f"{result.risk_file_name}: {counts['hazards']} hazards, {counts['risks']} risks "
            f"({counts['residual_unacceptable']} residual unacceptable), {counts['controls']} "
            f"controls, {counts['threats']} threats: {verdict}",
            style="bold",
        ),
        highlight=False,
    )


@risk_app.command("check")
def check_command(
    project: _Project = Path(),
    vulnerabilities: _Vulns = None,
    *,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (`techfile schema risk-check`).")
    ] = False,
) -> None:
    """Check risks.yaml: controls verified, AI hazards addressed, residual risks acceptable.

    Exits 1 when a check finds a problem, 2 when the file is malformed.
    """
    with reporting():
        result = check_project(project, vulnerabilities=vulnerabilities)
    if as_json:
        document = report_json(result.report, load_risk_data(), result.risk_file_name)
        typer.echo(document.model_dump_json(by_alias=True, indent=2))
    else:
        _show(result)
    if not result.report.ok:
        raise typer.Exit(EXIT_FOUND)


@risk_app.command("matrix")
def matrix_command(
    project: _Project = Path(),
    *,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the SVG files.")],
) -> None:
    """Draw the risk matrix before and after controls (two SVG files)."""
    with reporting():
        paths = write_matrices(load_risks(risks_path(project)), out_dir)
    for path in paths:
        out.print(f"wrote {path}")


@risk_app.command("export")
def export_command(
    project: _Project = Path(),
    vulnerabilities: _Vulns = None,
    *,
    xlsx: Annotated[Path, typer.Option("--xlsx", help="The workbook to write.")],
) -> None:
    """Export the risk file and its check results as an XLSX workbook."""
    with reporting():
        result = check_project(project, vulnerabilities=vulnerabilities)
        document = report_json(result.report, load_risk_data(), result.risk_file_name)
        atomic_write_bytes(xlsx, risk_xlsx(document))
    out.print(f"wrote {xlsx}")


@risk_app.command("record")
def record_command(project: _Project = Path(), vulnerabilities: _Vulns = None) -> None:
    """Record the risk management summary as signed evidence of kind risk.

    Exits 1 (after recording a FAIL record) when a check finds a problem.
    """
    with reporting():
        result = check_project(project, vulnerabilities=vulnerabilities)
        manifest = result.manifest
        draft = risk_draft(result)
        digest = record_draft(manifest, draft)
    typer.echo(f"recorded {digest} ({draft.outcome.value}): {draft.summary}")
    if not result.report.ok:
        raise typer.Exit(EXIT_FOUND)
