"""OSV records (ossf/osv-schema 1.6): the fields matching needs, checked at the edge.

pydantic checks each record's shape (no home-made schema code); the record then becomes a
frozen `Advisory`. Unknown fields are ignored: techfile reads OSV, it never re-emits it.

Rules enforced (OSV schema, "affected[].ranges[].events"): each event holds exactly one of
``introduced``, ``fixed``, ``last_affected``, ``limit``; a range has at least one
``introduced``; ``id`` and ``modified`` are present. A violation is an `OsvInputError` naming
the file (and zip member) and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from techfile.errors import Location
from techfile.sbom.vulns.errors import OsvInputError

__all__ = [
    "Advisory",
    "Affected",
    "Event",
    "EventKind",
    "Range",
    "Severity",
    "parse_advisory",
]

_SUMMARY_LIMIT = 120  # the OSV schema recommends summaries of about 120 characters


class EventKind(StrEnum):
    """The four kinds of range event (OSV ``affected[].ranges[].events``)."""

    INTRODUCED = "introduced"
    FIXED = "fixed"
    LAST_AFFECTED = "last_affected"
    LIMIT = "limit"


class Severity(StrEnum):
    """A qualitative severity, as the advisory database states it (GHSA scale)."""

    CRITICAL = "critical"
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Event:
    """One status change on a range's timeline."""

    kind: EventKind
    """What happens at ``version``."""
    version: str
    """The version string exactly as the record writes it."""


@dataclass(frozen=True, slots=True)
class Range:
    """One range of affected versions."""

    type: str
    """``ECOSYSTEM``, ``SEMVER`` or ``GIT`` (others are kept and skipped)."""
    events: tuple[Event, ...]
    """The events, in the record's order (matching sorts them)."""


@dataclass(frozen=True, slots=True)
class Affected:
    """One affected package of an advisory."""

    ecosystem: str
    """The ecosystem, e.g. ``PyPI``."""
    name: str
    """The package name exactly as written (not necessarily PEP 503-normalised)."""
    ranges: tuple[Range, ...]
    """Ranges of affected versions."""
    versions: tuple[str, ...]
    """Explicitly listed affected versions."""


@dataclass(frozen=True, slots=True)
class Advisory:
    """An OSV record, reduced to what matching and reporting need."""

    id: str
    """The record's id, e.g. ``PYSEC-2023-74``."""
    modified: str
    """RFC 3339 time of the last change."""
    withdrawn: str | None
    """When it was withdrawn; a withdrawn record matches nothing."""
    aliases: tuple[str, ...]
    """Other ids of the same vulnerability (CVE, GHSA)."""
    summary: str
    """One line: ``summary``, else the first line of ``details``."""
    severity: Severity
    """The database's qualitative severity, or unknown."""
    cvss: tuple[str, ...]
    """CVSS vectors given (``severity[].score``)."""
    affected: tuple[Affected, ...]
    """Affected packages."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _EventModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    introduced: str | None = None
    fixed: str | None = None
    last_affected: str | None = None
    limit: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> _EventModel:
        if len(self.model_fields_set) != 1:
            msg = "exactly one of introduced, fixed, last_affected, limit per event"
            raise ValueError(msg)
        return self


class _RangeModel(_Model):
    type: str = Field(min_length=1)
    events: list[_EventModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _introduced(self) -> _RangeModel:
        if not any(e.introduced is not None for e in self.events):
            msg = "at least one introduced event per range"
            raise ValueError(msg)
        return self


class _PackageModel(_Model):
    ecosystem: str
    name: str = Field(min_length=1)


class _AffectedModel(_Model):
    package: _PackageModel
    ranges: list[_RangeModel] = Field(default_factory=list)
    versions: list[str] = Field(default_factory=list)


class _SeverityModel(_Model):
    type: str
    score: str


class _AdvisoryModel(_Model):
    id: str = Field(min_length=1)
    modified: str = Field(min_length=1)
    withdrawn: str | None = None
    aliases: list[str] = Field(default_factory=list)
    summary: str | None = None
    details: str | None = None
    severity: list[_SeverityModel] = Field(default_factory=list)
    affected: list[_AffectedModel] = Field(default_factory=list)
    database_specific: dict[str, Any] = Field(default_factory=dict)


def _event(model: _EventModel) -> Event:
    kind = EventKind(next(iter(model.model_fields_set)))
    version = getattr(model, kind.value)
    return Event(kind, str(version))


def _severity(database_specific: dict[str, Any]) -> Severity:
    text = str(database_specific.get("severity", "")).strip().lower()
    text = "moderate" if text == "medium" else text
    try:
        return Severity(text)
    except ValueError:
        return Severity.UNKNOWN


def _summary(model: _AdvisoryModel) -> str:
    text = (model.summary or model.details or "").strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= _SUMMARY_LIMIT else line[: _SUMMARY_LIMIT - 3] + "..."


def parse_advisory(data: object, location: Location) -> Advisory:
    """Check one decoded OSV record and return its advisory.

    Args:
        data: The record as decoded JSON.
        location: Where it was read (file, or ``all.zip!MEMBER.json``), for errors.

    Raises:
        OsvInputError: The record does not have the OSV shape (first problem, located).
    """
    try:
        model = _AdvisoryModel.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        found = first.get("input")
        raise OsvInputError(
            location,
            "not a valid OSV record",
            field=field,
            expected=str(first["msg"]).removeprefix("Value error, "),
            found=repr(found)[:60] if not isinstance(found, dict | list) else type(found).__name__,
            hint="see https://ossf.github.io/osv-schema/",
        ) from e
    return Advisory(
        id=model.id,
        modified=model.modified,
        withdrawn=model.withdrawn,
        aliases=tuple(model.aliases),
        summary=_summary(model),
        severity=_severity(model.database_specific),
        cvss=tuple(s.score for s in model.severity if s.type.startswith("CVSS")),
        affected=tuple(
            Affected(
                a.package.ecosystem,
                a.package.name,
                tuple(Range(r.type, tuple(_event(e) for e in r.events)) for r in a.ranges),
                tuple(a.versions),
            )
            for a in model.affected
        ),
    )
