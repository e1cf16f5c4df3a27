"""The status of a requirement for a device: a union of result kinds (STYLE C3).

``NotApplicable`` cannot exist without a justification; ``Partial`` and ``Missing`` carry their
reasons; ``Stale`` names the artefacts that changed since they were recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from techfile.catalog import EvidenceKind, Requirement, RequirementId
from techfile.evidence import Outcome, Subject

__all__ = [
    "Assessment",
    "EvidenceRef",
    "Met",
    "Missing",
    "NotApplicable",
    "Partial",
    "Stale",
    "Status",
    "StatusName",
    "status_name",
]


class StatusName(StrEnum):
    """The published status names (``techfile gaps --json``)."""

    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"
    STALE = "stale"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A record that supports a requirement, as the assessment saw it."""

    record: str
    """The record's digest."""
    kind: EvidenceKind
    """Its kind."""
    summary: str
    """Its one-line summary."""
    outcome: Outcome
    """Its outcome for this requirement."""
    recorded_at: dt.datetime
    """When it was recorded."""
    subjects: tuple[Subject, ...]
    """The artefacts it pins."""
    via: RequirementId | None = None
    """Set when it supports an equivalent requirement (crosswalk) rather than this one."""
    stale: tuple[str, ...] = ()
    """Artefacts that changed since the record was made."""
    suspect: bool = False
    """The requirement's text changed since the link was made: review the link."""


@dataclass(frozen=True, slots=True)
class Met:
    """Fresh, passing evidence of an accepted kind supports the requirement."""

    evidence: tuple[EvidenceRef, ...]
    """The evidence (empty for a section whose sub-points are all met)."""
    note: str = ""
    """How it was concluded, where not obvious."""


@dataclass(frozen=True, slots=True)
class Partial:
    """Evidence exists but does not yet show the requirement met."""

    evidence: tuple[EvidenceRef, ...]
    """The evidence."""
    reasons: tuple[str, ...]
    """What is lacking."""


@dataclass(frozen=True, slots=True)
class Missing:
    """No trustworthy evidence supports the requirement."""

    reasons: tuple[str, ...]
    """What is expected."""


@dataclass(frozen=True, slots=True)
class Stale:
    """Evidence exists, but its artefacts changed since it was recorded."""

    evidence: tuple[EvidenceRef, ...]
    """The stale evidence."""
    changed: tuple[str, ...]
    """The artefacts that changed."""


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """The requirement does not apply, with the justification."""

    justification: str
    """Why not (from the catalog's condition or the manufacturer's manifest)."""
    basis: str
    """catalog, manifest or parent."""

    def __post_init__(self) -> None:
        if not self.justification.strip():
            msg = "a not-applicable status needs a justification"
            raise ValueError(msg)


Status = Met | Partial | Missing | Stale | NotApplicable


def status_name(status: Status) -> StatusName:
    """The published name of a status."""
    match status:
        case Met():
            return StatusName.MET
        case Partial():
            return StatusName.PARTIAL
        case Missing():
            return StatusName.MISSING
        case Stale():
            return StatusName.STALE
        case NotApplicable():
            return StatusName.NOT_APPLICABLE


@dataclass(frozen=True, slots=True)
class Assessment:
    """A requirement and its status for this device."""

    requirement: Requirement
    """The catalog entry."""
    status: Status
    """Its status."""
    assumed: tuple[str, ...] = ()
    """Facts not stated, so applicability was assumed."""
