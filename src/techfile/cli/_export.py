"""``techfile export``: the catalog and a project's assessment in other formats (OSCAL JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from techfile.assess import assess_project
from techfile.catalog import load_catalog
from techfile.cli._app import app, out, reporting
from techfile.export import export_oscal
from techfile.project import load_manifest

__all__ = ["export_app"]

export_app = typer.Typer(
    help="Export the catalog and assessment to other formats.", no_args_is_help=True
)
app.add_typer(export_app, name="export")


@export_app.command("oscal")
def oscal_command(
    project: Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")] = Path(),
    *,
    folder: Annotated[
        Path, typer.Option("--out", help="Folder for the OSCAL files (created if missing).")
    ],
) -> None:
    """Write catalog.json, profile.json and assessment-results.json (OSCAL JSON).

    Needs the oscal extra (compliance-trestle); the same inputs give the same files.
    """
    with reporting():
        catalog = load_catalog()
        result = assess_project(load_manifest(project), catalog)
        written = export_oscal(result, catalog, folder)
    for path in written:
        out.print(f"wrote {path}", soft_wrap=True, markup=False, highlight=False)
