"""Document control: the content hash of every input, the edition's date and its history.

The hash covers the manifest's bytes, every catalog entry's content hash, the outline version,
every trusted record's digest and the current digest of every artefact they pin, and the
techfile version. The date is the newest evidence's date, never the clock, so a rebuild without
changes is identical. ``build.json`` in the output folder keeps the editions; a build whose
inputs hash differently from the last edition is stale (``techfile build --check``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import rfc8785

from techfile import __version__
from techfile.assess import ProjectAssessment
from techfile.catalog import Catalog
from techfile.errors import InputError
from techfile.evidence import file_digest
from techfile.render._model import DocumentControl, HistoryEntry
from techfile.render._structure import Outline

__all__ = ["BUILD_FILE", "Edition", "document_control", "input_components", "read_editions"]

BUILD_FILE = "build.json"


def input_components(
    project: ProjectAssessment, catalog: Catalog, outline: Outline
) -> dict[str, str]:
    """SHA-256 of each kind of input, by name."""
    manifest = hashlib.sha256(project.manifest.path.read_bytes()).hexdigest()
    current = file_digest(project.manifest.root)
    records = sorted(v.record.digest for v in project.ledger.verified)
    artefacts = sorted(
        {f"{s.name}={current(s.name)}" for v in project.ledger.verified for s in v.record.subjects}
    )
    parts = {
        "manifest": manifest,
        "catalog": _digest([r.content_hash for r in catalog]),
        "outline": _digest([outline.version]),
        "records": _digest(records),
        "artefacts": _digest(artefacts),
        "techfile": _digest([__version__]),
    }
    parts["all"] = _digest([f"{k}={v}" for k, v in sorted(parts.items())])
    return parts


def _digest(values: list[str]) -> str:
    return hashlib.sha256(rfc8785.dumps(values)).hexdigest()


@dataclass(frozen=True, slots=True)
class Edition:
    """One recorded build."""

    entry: HistoryEntry
    """The history entry."""
    components: dict[str, str]
    """The input hashes it was built from."""


def read_editions(out: Path) -> list[Edition]:
    """Editions recorded in ``out/build.json``, newest first (none if absent).

    Raises:
        InputError: The file exists but is not a techfile build record.
    """
    path = out / BUILD_FILE
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Edition(
                HistoryEntry(
                    e["version"],
                    dt.date.fromisoformat(e["date"]),
                    e["inputs"]["all"],
                    e.get("commit"),
                    e["summary"],
                ),
                dict(e["inputs"]),
            )
            for e in data["editions"]
        ]
    except (ValueError, KeyError, TypeError) as e:
        msg = f"{path}: not a techfile build record ({e}); remove it to start a new history"
        raise InputError(msg) from e


def _commit(root: Path) -> str | None:
    try:
        done = subprocess.run(  # fixed arguments, no shell
            ["git", "rev-parse", "HEAD"],  # noqa: S607  # git from PATH, as any developer tool
            cwd=root, capture_output=True, text=True, check=False, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def document_control(
    project: ProjectAssessment, catalog: Catalog, outline: Outline, editions: list[Edition]
) -> tuple[DocumentControl, Edition]:
    """The control block of this edition and the edition record to store."""
    components = input_components(project, catalog, outline)
    newest = max((v.record.recorded_at for v in project.ledger.verified), default=None)
    date = newest.date() if newest else catalog.sources[0].legal_status_as_of
    device = project.manifest.device
    version = device.version if device else "unversioned"
    commit = _commit(project.manifest.root)
    previous = editions[0] if editions else None
    if previous is not None and previous.components.get("all") == components["all"]:
        current = previous
    else:
        changed = [
            k
            for k in components
            if k != "all" and previous and previous.components.get(k) != components[k]
        ]
        summary = "first edition" if previous is None else "changed inputs: " + ", ".join(changed)
        current = Edition(
            HistoryEntry(version, date, components["all"], commit, summary), components
        )
    every = editions if editions and editions[0] is current else [current, *editions]
    history = tuple(e.entry for e in every)
    name = (device.name if device else "device").replace(" ", "-").lower()
    control = DocumentControl(
        f"TF-{name}-{version}",
        version,
        current.entry.date,
        current.entry.commit,
        components["all"],
        history,
    )
    return control, current


def editions_json(editions: list[Edition]) -> str:
    """The ``build.json`` text for a list of editions (newest first)."""
    data = {
        "schema": "techfile.build/1",
        "editions": [
            {
                "version": e.entry.version,
                "date": e.entry.date.isoformat(),
                "commit": e.entry.commit,
                "summary": e.entry.summary,
                "inputs": e.components,
            }
            for e in editions
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
