"""``techfile catalog``: browse, search and compare the requirement catalogs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from techfile.catalog import Catalog, Requirement, diff_catalogs, load_catalog
from techfile.catalog._json import diff_json, requirements_json
from techfile.cli._app import EXIT_FOUND, app, out, reporting

__all__ = ["catalog_app"]

catalog_app = typer.Typer(
    help="Browse, search and compare the requirement catalogs.", no_args_is_help=True
)
app.add_typer(catalog_app, name="catalog")

_Folder = Annotated[
    Path | None,
    typer.Option("--catalog", help="A catalog folder instead of the bundled one."),
]
_Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _table(requirements: tuple[Requirement, ...] | list[Requirement]) -> Table:
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("citation")
    table.add_column("title")
    for r in requirements:
        table.add_row(r.id, r.citation, r.title)
    return table


def _emit(
    catalog: Catalog, requirements: tuple[Requirement, ...] | list[Requirement], *, as_json: bool
) -> None:
    if as_json:
        typer.echo(json.dumps(requirements_json(catalog, requirements), indent=2))
    else:
        out.print(_table(requirements))
        out.print(Text(f"{len(requirements)} requirement(s)", style="dim"))


def _load(folder: Path | None) -> Catalog:
    with reporting():
        return load_catalog(folder)


@catalog_app.command("list")
def list_command(
    *,
    source: Annotated[
        str | None, typer.Option(help="Only this source (e.g. mdr-2017-745).")
    ] = None,
    folder: _Folder = None,
    as_json: _Json = False,
) -> None:
    """List the requirements, optionally of one source."""
    catalog = _load(folder)
    known = [s.id for s in catalog.sources]
    if source is not None and source not in known:
        raise typer.BadParameter(f"unknown source {source!r}; one of {', '.join(known)}")
    _emit(catalog, [r for r in catalog if source in (None, r.source_id)], as_json=as_json)


@catalog_app.command("show")
def show_command(requirement_id: str, *, folder: _Folder = None, as_json: _Json = False) -> None:
    """Show one requirement with its citation, summary, applicability and crosswalk."""
    catalog = _load(folder)
    r = catalog.get(requirement_id)
    if r is None:
        close = [c.id for c in catalog.search(requirement_id)][:5]
        hint = f"; close: {', '.join(close)}" if close else ""
        raise typer.BadParameter(f"no requirement {requirement_id!r}{hint}")
    links = [k for k in catalog.links if r.id in (k.source, k.target)]
    if as_json:
        typer.echo(json.dumps(requirements_json(catalog, [r]), indent=2))
        return
    out.print(Text(f"{r.id}  {r.title}", style="bold"))
    out.print(Text(r.citation, style="dim"))
    out.print(r.summary)
    out.print(Text(f"evidence: {', '.join(sorted(r.evidence_kinds))}", style="dim"))
    if r.applies_when is not None:
        out.print(Text(f"applies when: {r.data()['applies_when']}", style="dim"))
    for k in links:
        other = k.target if k.source == r.id else k.source
        out.print(Text(f"  {k.relation} {other}: {k.rationale}"))


@catalog_app.command("search")
def search_command(text: str, *, folder: _Folder = None, as_json: _Json = False) -> None:
    """Find requirements whose id, citation, title or summary contain TEXT."""
    catalog = _load(folder)
    _emit(catalog, catalog.search(text), as_json=as_json)


@catalog_app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="Folder of the old catalog version.")],
    new: Annotated[Path, typer.Argument(help="Folder of the new catalog version.")],
    *,
    as_json: _Json = False,
) -> None:
    """List requirements added, removed and changed between two catalog versions (exit 1 if any)."""
    with reporting():
        diff = diff_catalogs(load_catalog(old), load_catalog(new))
    if as_json:
        typer.echo(json.dumps(diff_json(diff), indent=2))
    else:
        for rid in diff.added:
            out.print(Text(f"+ {rid}", style="green"))
        for rid in diff.removed:
            out.print(Text(f"- {rid}", style="red"))
        for change in diff.changed:
            out.print(Text(f"~ {change.id} ({', '.join(change.fields)})", style="yellow"))
        counts = f"{len(diff.added)} added, {len(diff.removed)} removed"
        out.print(
            Text(
                f"{counts}, {len(diff.changed)} changed",
                style="dim",
            )
        )
    if not diff.empty:
        raise typer.Exit(EXIT_FOUND)
