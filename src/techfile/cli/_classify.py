"""``techfile classify``: what the device is under the MDR/IVDR and the AI Act, and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from techfile.classify import classify
from techfile.classify._json import to_json
from techfile.cli._app import app, out, reporting
from techfile.cli._render import render_classification
from techfile.project import load_manifest

__all__ = ["classify_command"]


@app.command("classify")
def classify_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="A techfile.yaml, a project folder, or a facts file (classification: only)."
        ),
    ] = Path("techfile.yaml"),
    *,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print one JSON object (see `techfile schema classification`)."
        ),
    ] = False,
) -> None:
    """Classify the device: qualification, MDR/IVDR class and rule, notified body, AI Act, dates.

    Every conclusion comes with its legal citation; a missing fact is asked, never guessed.
    """
    with reporting():
        manifest = load_manifest(file)
        result = classify(manifest.facts)
    if as_json:
        typer.echo(json.dumps(to_json(result), indent=2))
    else:
        render_classification(out, result, manifest)
