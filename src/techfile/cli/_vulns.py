"""``techfile vulns`` and ``techfile vex``: offline vulnerability scan of an SBOM, and triage.

``vulns`` exits 0 when every finding is resolved by a triage decision, 1 while one is not,
2 for bad input (corrupt zip, invalid OSV JSON, invalid SBOM or vex.yaml, located).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from techfile.cli._app import EXIT_FOUND, app, err, out, reporting
from techfile.cli._sbom import timestamp_of
from techfile.errors import InputError
from techfile.project import atomic_write_text
from techfile.sbom import read_sbom
from techfile.sbom.vulns import (
    ScanReport,
    cyclonedx_vex,
    load_vex,
    openvex,
    report_json,
    scan,
    scan_summary,
)

__all__ = ["vex_command", "vulns_command"]

_SEVERITY = {"critical": "bold red", "high": "red", "moderate": "dark_orange", "low": "yellow"}


@app.command("vulns")
def vulns_command(
    *,
    sbom: Annotated[Path, typer.Option("--sbom", help="The CycloneDX JSON SBOM to scan.")],
    osv_db: Annotated[
        Path, typer.Option("--osv-db", help="An OSV export: PyPI/all.zip or a folder of JSON.")
    ],
    vex: Annotated[
        Path | None, typer.Option("--vex", help="Triage decisions (vex.yaml) to apply.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (`techfile schema vulns`).")
    ] = False,
) -> None:
    """Match the SBOM's PyPI components against an offline OSV export (no network).

    Exits 0 when every finding is resolved by a triage decision, 1 while one is unresolved,
    2 for bad input.
    """
    with reporting():
        report = scan(read_sbom(sbom), osv_db, load_vex(vex) if vex else None)
    if as_json:
        typer.echo(json.dumps(report_json(report), indent=2))
    else:
        _show(report)
    if report.unresolved:
        raise typer.Exit(EXIT_FOUND)


def _show(report: ScanReport) -> None:
    db = report.database
    source = "newest record" if db.date_source.value == "newest_modified" else "file time"
    date = db.date.isoformat() if db.date else "unknown"
    out.print(f"OSV data of {date} ({source}); {db.parsed} of {db.records} records parsed")
    if report.findings:
        table = Table(title="Findings", title_justify="left")
        for column in ("id", "package", "version", "severity", "basis", "fixed in", "triage"):
            table.add_column(column)
        for f in report.findings:
            triage = f.triage.state.value if f.triage else Text("untriaged", style="red")
            table.add_row(
                f.id,
                f.package,
                f.version,
                Text(f.severity.value, _SEVERITY.get(f.severity, "")),
                f.basis.value,
                ", ".join(f.fixed),
                triage,
            )
        out.print(table)
    if report.skipped_ranges:
        out.print(Text(f"{report.skipped_ranges} GIT range(s) not evaluated offline", "dim"))
    for t in report.unused_triage:
        out.print(Text(f"triage {t.id} for {t.purl} matches no finding", style="dim"))
    style = "bold red" if report.unresolved else "bold green"
    out.print(Text(scan_summary(report), style=style))


@app.command("vex")
def vex_command(
    vex: Annotated[Path, typer.Argument(help="The triage decisions (vex.yaml).")],
    *,
    sbom: Annotated[Path, typer.Option("--sbom", help="The SBOM the decisions are about.")],
    cyclonedx: Annotated[
        Path | None, typer.Option("--cyclonedx", help="Write CycloneDX 1.6 VEX JSON here.")
    ] = None,
    open_vex: Annotated[
        Path | None, typer.Option("--openvex", help="Write OpenVEX JSON here.")
    ] = None,
    timestamp: Annotated[
        str | None, typer.Option(help="Document time (default: SOURCE_DATE_EPOCH, else now).")
    ] = None,
) -> None:
    """Write the triage decisions as CycloneDX VEX and/or OpenVEX documents."""
    with reporting():
        if cyclonedx is None and open_vex is None:
            msg = "give --cyclonedx FILE, --openvex FILE or both"
            raise InputError(msg)
        decisions, document = load_vex(vex), read_sbom(sbom)
        when = timestamp_of(timestamp)
        if cyclonedx is not None:
            atomic_write_text(cyclonedx, cyclonedx_vex(decisions, document, when))
            err.print(f"wrote {cyclonedx}")
        if open_vex is not None:
            atomic_write_text(open_vex, openvex(decisions, document, when))
            err.print(f"wrote {open_vex}")
