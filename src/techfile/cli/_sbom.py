"""``techfile sbom``: write the device's CycloneDX 1.6 SBOM (with its models and datasets)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from techfile.cli._app import app, out, reporting
from techfile.errors import InputError
from techfile.project import MANIFEST_NAME, Manifest, atomic_write_text, load_manifest
from techfile.sbom import (
    Device,
    Package,
    build_sbom,
    from_environment,
    from_lock,
    read_sbom,
    sbom_details,
)
from techfile.sbom._json import SbomJson

__all__ = ["sbom_command", "timestamp_of"]


def timestamp_of(text: str | None) -> dt.datetime:
    """The document time: ``--timestamp``, else ``SOURCE_DATE_EPOCH``, else now (UTC).

    Raises:
        InputError: The option or the variable is not a time.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        if text is not None:
            when = dt.datetime.fromisoformat(text)
            return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        if epoch is not None:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError) as e:
        source = "--timestamp" if text is not None else "SOURCE_DATE_EPOCH"
        msg = f"{source}: expected an ISO 8601 time or seconds since 1970, found {text or epoch!r}"
        raise InputError(msg) from e
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _packages(from_env: Path | None, lock: Path | None) -> tuple[Package, ...]:
    if from_env is not None and lock is not None:
        msg = "give --from-env or --lock, not both"
        raise InputError(msg)
    if lock is not None:
        return from_lock(lock)
    return from_environment(from_env or Path(sys.executable))


def _manifest(project: Path) -> Manifest | None:
    path = project / MANIFEST_NAME if project.is_dir() else project
    return load_manifest(path) if path.is_file() else None


@app.command("sbom")
def sbom_command(  # noqa: PLR0913  # one option per input, all keyword-only
    project: Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")] = Path(),
    *,
    out_file: Annotated[Path, typer.Option("--out", help="The SBOM file to write (JSON).")],
    from_env: Annotated[
        Path | None,
        typer.Option(
            "--from-env", help="Python, venv or site-packages to inventory (default: this one)."
        ),
    ] = None,
    lock: Annotated[
        Path | None, typer.Option("--lock", help="A pinned requirements file with hashes.")
    ] = None,
    timestamp: Annotated[
        str | None, typer.Option(help="Document time (default: SOURCE_DATE_EPOCH, else now).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (`techfile schema sbom`).")
    ] = False,
) -> None:
    """Write a CycloneDX 1.6 SBOM: packages, licences, hashes, support, models, datasets.

    Same inputs and time give the same bytes. Exits 2 for bad input.
    """
    with reporting():
        manifest = _manifest(project)
        identity = manifest.device if manifest else None
        device = Device(
            identity.name if identity else "device",
            (identity.version or "unversioned") if identity else "unversioned",
            identity.manufacturer if identity else None,
        )
        text = build_sbom(
            _packages(from_env, lock),
            device=device,
            timestamp=timestamp_of(timestamp),
            manifest=manifest,
        )
        atomic_write_text(out_file, text)
        details = sbom_details(read_sbom(out_file), dt.datetime.now(dt.UTC).date())
    if as_json:
        document = SbomJson.model_validate({"out": out_file.as_posix(), **details})
        typer.echo(json.dumps(document.model_dump(mode="json", by_alias=True), indent=2))
        return
    ended = details["support_ended"]
    out.print(f"wrote {out_file}: {details['components']} components {details['by_type']}")
    if ended:
        names = ", ".join(f"{e['name']} {e['version']}" for e in ended)  # type: ignore[attr-defined]  # built by sbom_details
        out.print(Text(f"past end of support: {names}", style="yellow"))
