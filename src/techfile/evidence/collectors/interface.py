"""The collector extension point: turn one engineering artefact into an evidence draft.

A collector reads one artefact (a JUnit report, a coverage report, a SARIF log, a document),
checks it, and returns a `Draft`: the artefact's digest, an outcome, a short summary, details
for the technical file, and the requirement ids the artefact itself names. It never writes and
never signs; ``techfile.evidence`` turns drafts into signed records. Bad artefacts raise
`EvidenceInputError` with the file and, where the format allows, line and column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from techfile.catalog import EvidenceKind
from techfile.evidence.errors import EvidenceInputError

__all__ = ["Collector", "Draft", "EvidenceInputError", "Outcome", "Subject", "subject_of"]

JSONValue = object
"""A JSON-compatible value (dicts, lists, str, int, float, bool, None)."""


class Outcome(StrEnum):
    """What an artefact says about the requirements it supports."""

    PASS = "pass"  # noqa: S105  # an outcome, not a password
    """The check succeeded (tests passed, threshold met, no blocking finding)."""
    FAIL = "fail"
    """The check found problems."""
    INFO = "info"
    """A document or report that states something rather than checks it."""


@dataclass(frozen=True, slots=True)
class Subject:
    """An artefact pinned by its digest (an in-toto ResourceDescriptor)."""

    name: str
    """Path relative to the project root, with forward slashes."""
    sha256: str
    """Hex SHA-256 of the file's bytes."""


def subject_of(path: Path, root: Path) -> Subject:
    """Return the subject for a file, named relative to the project root.

    Raises:
        EvidenceInputError: The file does not exist, cannot be read, or lies outside the root.
    """
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as e:
        msg = f"{path}: cannot read the artefact ({e.strerror or e})"
        raise EvidenceInputError(msg) from e
    try:
        name = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as e:
        msg = f"{path}: the artefact lies outside the project folder {root}"
        raise EvidenceInputError(msg) from e
    return Subject(name, digest)


@dataclass(frozen=True, slots=True)
class Draft:
    """What a collector found in one artefact, before it is signed."""

    kind: EvidenceKind
    """The kind of evidence."""
    subjects: tuple[Subject, ...]
    """The artefact(s), pinned by digest."""
    outcome: Outcome
    """Overall outcome."""
    summary: str
    """One line for people, e.g. "212 tests, 0 failures"."""
    details: Mapping[str, JSONValue] = field(default_factory=dict)
    """Kind-specific figures for the technical file (JSON-compatible)."""
    requirement_ids: tuple[str, ...] = ()
    """Requirement ids the artefact itself names (e.g. JUnit properties)."""
    requirement_outcomes: Mapping[str, Outcome] = field(default_factory=dict)
    """Outcome per requirement where the artefact gives one (e.g. per linked test)."""


class Collector(Protocol):
    """Reads one kind of artefact."""

    @property
    def kind(self) -> EvidenceKind:
        """The kind of evidence it produces."""
        ...

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Read and check the artefact at ``path``.

        Args:
            path: The artefact.
            root: The project root (subjects are named relative to it).
            options: Collector settings from ``techfile.yaml`` (e.g. a coverage threshold).

        Raises:
            EvidenceInputError: The artefact is malformed (located where possible).
        """
        ...
