"""``techfile build``: the technical file in HTML, PDF, DOCX and XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from techfile.cli._app import EXIT_FOUND, app, out, reporting
from techfile.errors import InputError
from techfile.render import OutputFormat, build, check_build

__all__ = ["build_command"]


def _formats(text: str) -> list[OutputFormat]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    known = [f.value for f in OutputFormat]
    unknown = [c for c in chosen if c not in known]
    if unknown or not chosen:
        msg = f"--format takes a comma-separated list of {', '.join(known)}; not {text!r}"
        raise InputError(msg)
    return [OutputFormat(c) for c in dict.fromkeys(chosen)]


@app.command("build")
def build_command(
    project: Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")] = Path(),
    *,
    output: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("technical-file"),
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: html,pdf,docx,xlsx.")
    ] = "html,pdf,docx,xlsx",
    check: Annotated[
        bool, typer.Option("--check", help="Only check: exit 1 if the last build is stale.")
    ] = False,
) -> None:
    """Build the single technical documentation (MDR/IVDR Annexes II-III with AI Act Annex IV).

    The date and content of the documents come from the evidence, so a rebuild without changes
    is identical; `--check` exits 1 when the inputs changed since the last build.
    """
    with reporting():
        if check:
            result = check_build(project, output)
        else:
            chosen = _formats(formats)
            built = build(project, output, chosen)
    if check:
        if result.current:
            out.print(f"{output}: current")
            return
        out.print(
            Text(
                f"{output}: stale ({', '.join(result.changed)}); run techfile build", style="yellow"
            )
        )
        raise typer.Exit(EXIT_FOUND)
    for path in built.files:
        out.print(f"wrote {path}")
    if not built.new_edition:
        out.print(Text("inputs unchanged since the last edition", style="dim"))
