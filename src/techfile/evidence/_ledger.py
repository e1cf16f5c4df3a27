"""The project's evidence as a whole: collect artefacts into signed records, read them back.

Collecting signs every draft first and stores the batch all or nothing, so a collector that
fails halfway (a malformed artefact, a wrong passphrase) leaves the evidence folder as it was.
Reading verifies each record against the trusted key and reports which artefacts changed since
they were recorded (stale).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from securesystemslib.signer import Key, Signer

from techfile.catalog import Catalog, EvidenceKind
from techfile.errors import LocatedInputError, Location
from techfile.evidence._record import Rejected, Verified, sign_draft, verify_record
from techfile.evidence._store import EvidenceStore
from techfile.evidence.collectors import collector_for
from techfile.evidence.collectors.interface import Draft

__all__ = ["Ledger", "Request", "changed_subjects", "file_digest", "read_ledger", "record"]


@dataclass(frozen=True, slots=True)
class Request:
    """One artefact to turn into evidence."""

    kind: EvidenceKind
    """The collector to use."""
    path: Path
    """The artefact."""
    requirements: tuple[str, ...] = ()
    """Requirements linked by configuration or by hand."""
    options: dict[str, object] | None = None
    """Collector options."""


def record(  # noqa: PLR0913  # keyword-only collaborators, passed in (STYLE A4)
    requests: Sequence[Request],
    *,
    root: Path,
    signer: Signer,
    store: EvidenceStore,
    catalog: Catalog,
    progress: Callable[[Request], None] = lambda _: None,
) -> list[str]:
    """Collect, sign and store every request as one batch; return the records' digests.

    Raises:
        EvidenceInputError: An artefact is malformed (nothing is stored).
        EvidenceError: The store cannot be written (nothing is stored).
    """
    envelopes: list[bytes] = []
    for request in requests:
        progress(request)
        draft: Draft = collector_for(request.kind).collect(
            request.path, root=root, options=request.options or {}
        )
        envelopes.append(
            sign_draft(draft, signer, catalog=catalog, extra_requirements=request.requirements)
        )
    return store.put(envelopes)


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every stored record, sorted into trusted and rejected."""

    verified: tuple[Verified, ...]
    """Records signed by a trusted key and well formed."""
    rejected: tuple[Rejected, ...]
    """Records that must not be trusted, with reasons."""


def read_ledger(store: EvidenceStore, keys: Iterable[Key]) -> Ledger:
    """Read and verify every stored record.

    Raises:
        LocatedInputError: A record file is not JSON at all (damaged, not merely untrusted).
    """
    trusted = list(keys)
    verified: list[Verified] = []
    rejected: list[Rejected] = []
    for name, data in store.items():
        try:
            json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            where = Location(Path(name), getattr(e, "lineno", None), getattr(e, "colno", None))
            detail = e.msg if isinstance(e, json.JSONDecodeError) else "not UTF-8"
            msg = f"the evidence record is not valid JSON ({detail})"
            raise LocatedInputError(where, msg, hint="restore it from version control") from e
        result = verify_record(data, trusted, name)
        if isinstance(result, Verified) and f"{result.record.digest}.json" != Path(name).name:
            result = Rejected(name, "the file name does not match the record's digest")
        if isinstance(result, Verified):
            verified.append(result)
        else:
            rejected.append(result)
    return Ledger(tuple(verified), tuple(rejected))


def file_digest(root: Path) -> Callable[[str], str | None]:
    """Return a function giving the current SHA-256 of a project file (None if absent)."""

    def digest(name: str) -> str | None:
        path = root / name
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None

    return digest


def changed_subjects(verified: Verified, current: Callable[[str], str | None]) -> tuple[str, ...]:
    """Return the record's artefacts whose bytes changed (or vanished) since it was made."""
    return tuple(s.name for s in verified.record.subjects if current(s.name) != s.sha256)
