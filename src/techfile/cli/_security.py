"""``techfile security docs``: the disclosure policy, security.txt and support statement.

Exits 0 when written (warnings on stderr, e.g. components whose support ends before the
device's), 2 for bad input (no ``security:`` section, a stale security.txt Expires).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from techfile.cli._app import app, err, out, reporting
from techfile.cli._sbom import timestamp_of
from techfile.project import load_manifest
from techfile.security import security_docs_json, write_security_docs

__all__ = ["security_app"]

security_app = typer.Typer(
    help="Publish how vulnerabilities are reported and how long the device is supported.",
    no_args_is_help=True,
)
app.add_typer(security_app, name="security")


@security_app.command("docs")
def docs_command(
    project: Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")] = Path(),
    *,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the documents to.")],
    timestamp: Annotated[
        str | None, typer.Option(help="Document time (default: SOURCE_DATE_EPOCH, else now).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (`techfile schema security-docs`).")
    ] = False,
) -> None:
    """Write the CVD policy, RFC 9116 security.txt and support-period statement.

    From the security: section of techfile.yaml (and sbom.support for the components).
    Serve security.txt at /.well-known/security.txt; put the other two in the IFU and the
    technical file.
    """
    with reporting():
        manifest = load_manifest(project)
        docs = write_security_docs(manifest, out_dir, now=timestamp_of(timestamp))
    for warning in docs.warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    if as_json:
        typer.echo(json.dumps(security_docs_json(docs), indent=2))
        return
    for written in docs.files:
        out.print(f"wrote {written.path}")
