"""``techfile evidence``: turn engineering artefacts into signed records, list and verify them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from techfile.catalog import EvidenceKind, load_catalog
from techfile.cli._app import EXIT_FOUND, app, out, reporting
from techfile.cli._keys import passphrase
from techfile.errors import InputError
from techfile.evidence import (
    FolderStore,
    Request,
    changed_subjects,
    file_digest,
    load_public_key,
    load_signer,
    read_ledger,
    record,
)
from techfile.evidence._json import list_json, verify_json
from techfile.project import Manifest, load_manifest

__all__ = ["evidence_app"]

evidence_app = typer.Typer(help="Record, list and verify signed evidence.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")

_Project = Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")]
_Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _store(manifest: Manifest) -> FolderStore:
    return FolderStore(manifest.root / manifest.evidence.folder)


def _record(manifest: Manifest, requests: list[Request]) -> list[str]:
    signer = load_signer(manifest.root / manifest.evidence.key, passphrase(confirm=False))
    with Progress(transient=True, console=out) as progress:
        task = progress.add_task("collecting", total=len(requests))
        return record(
            requests,
            root=manifest.root,
            signer=signer,
            store=_store(manifest),
            catalog=load_catalog(),
            progress=lambda r: progress.update(task, advance=1, description=str(r.path)),
        )


@evidence_app.command("collect")
def collect_command(project: _Project = Path()) -> None:
    """Collect every artefact listed under evidence.collect in techfile.yaml, as one batch.

    If any artefact is malformed, nothing is stored.
    """
    with reporting():
        manifest = load_manifest(project)
        specs = manifest.evidence.collect
        if not specs:
            msg = f"{manifest.path}: evidence.collect lists no artefacts"
            raise InputError(msg)
        requests = [
            Request(s.kind, manifest.root / s.path, s.requirements, dict(s.options)) for s in specs
        ]
        digests = _record(manifest, requests)
    out.print(f"recorded {len(digests)} evidence record(s) in {_store(manifest).folder}")


@evidence_app.command("add")
def add_command(
    artefact: Annotated[Path, typer.Argument(help="The file to record.")],
    *,
    kind: Annotated[EvidenceKind, typer.Option(help="Kind of evidence.")] = EvidenceKind.DOCUMENT,
    requirement: Annotated[
        list[str] | None, typer.Option("--requirement", "-r", help="Requirement id it supports.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (documents).")] = None,
    project: Annotated[Path, typer.Option(help="Project folder or techfile.yaml.")] = Path(),
) -> None:
    """Record one artefact by hand (a SOP, a clinical evaluation report, a report)."""
    with reporting():
        manifest = load_manifest(project)
        catalog = load_catalog()
        unknown = [r for r in requirement or [] if catalog.get(r) is None]
        if unknown:
            msg = f"unknown requirement id(s): {', '.join(unknown)} (see `techfile catalog search`)"
            raise InputError(msg)
        options: dict[str, object] = {}
        if kind is EvidenceKind.DOCUMENT:
            options["title"] = title or artefact.stem
        digests = _record(manifest, [Request(kind, artefact, tuple(requirement or ()), options)])
    out.print(f"recorded {digests[0]}")


@evidence_app.command("list")
def list_command(project: _Project = Path(), *, as_json: _Json = False) -> None:
    """List the evidence records with their kind, outcome, links and freshness."""
    with reporting():
        manifest = load_manifest(project)
        ledger = read_ledger(
            _store(manifest), [load_public_key(manifest.root / manifest.evidence.key)]
        )
    current = file_digest(manifest.root)
    if as_json:
        typer.echo(json.dumps(list_json(ledger, current), indent=2))
        return
    table = Table()
    for column in ("record", "kind", "outcome", "summary", "requirements", "fresh"):
        table.add_column(column)
    for v in ledger.verified:
        r = v.record
        fresh = Text("stale", style="red") if changed_subjects(v, current) else Text("fresh")
        links = ", ".join(link.requirement for link in r.links)
        table.add_row(r.digest[:12], r.kind.value, r.outcome.value, r.summary, links, fresh)
    out.print(table)


@evidence_app.command("verify")
def verify_command(project: _Project = Path(), *, as_json: _Json = False) -> None:
    """Verify every record's signature and statement; exit 1 if any is rejected."""
    with reporting():
        manifest = load_manifest(project)
        ledger = read_ledger(
            _store(manifest), [load_public_key(manifest.root / manifest.evidence.key)]
        )
    if as_json:
        typer.echo(json.dumps(verify_json(ledger), indent=2))
    else:
        out.print(f"{len(ledger.verified)} record(s) verified")
        for r in ledger.rejected:
            out.print(Text(f"rejected {r.name}: {r.reason}", style="red"))
    if ledger.rejected:
        raise typer.Exit(EXIT_FOUND)
