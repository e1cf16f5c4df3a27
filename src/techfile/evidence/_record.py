"""Evidence records: an in-toto Statement v1 in a DSSE envelope signed with the evidence key.

A record pins its artefacts by SHA-256 (the statement's subjects), names its kind and version in
``predicateType`` and carries in its predicate the requirement links (with each requirement's
content hash at the time of linking), an outcome and the collector's details. The envelope's
bytes are stored as written and never re-serialised, so unknown fields survive (STYLE B3); its
SHA-256 is the record's id.

Verification (DSSE signature by a trusted key, statement well formed) returns `Verified` or
`Rejected`; it never raises for a bad record (STYLE D4).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import rfc8785
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import FormatError, VerificationError
from securesystemslib.signer import Key, Signer

from techfile.catalog import Catalog, EvidenceKind, RequirementId
from techfile.evidence.collectors.interface import Draft, Outcome, Subject
from techfile.evidence.errors import EvidenceInputError

__all__ = [
    "PAYLOAD_TYPE",
    "STATEMENT_TYPE",
    "EvidenceRecord",
    "Link",
    "Rejected",
    "Verified",
    "parse_record",
    "predicate_type",
    "sign_draft",
    "verify_record",
]

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
_PREDICATE_PREFIX = "https://techfile.dev/evidence/"
_PREDICATE_VERSION = "v1"


def predicate_type(kind: EvidenceKind) -> str:
    """The ``predicateType`` URI of a kind, e.g. ``https://techfile.dev/evidence/junit/v1``."""
    return f"{_PREDICATE_PREFIX}{kind.value}/{_PREDICATE_VERSION}"


@dataclass(frozen=True, slots=True)
class Link:
    """A record's claim to support a requirement."""

    requirement: RequirementId
    """The requirement."""
    content_hash: str
    """The requirement's content hash when the link was made ("" if unknown)."""
    outcome: Outcome
    """The outcome for this requirement."""


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """A parsed evidence record (not yet verified)."""

    digest: str
    """SHA-256 of the envelope bytes: the record's id and file name."""
    envelope: bytes
    """The envelope exactly as stored."""
    kind: EvidenceKind
    """The kind, from ``predicateType``."""
    subjects: tuple[Subject, ...]
    """The artefacts pinned."""
    outcome: Outcome
    """Overall outcome."""
    summary: str
    """One line for people."""
    recorded_at: dt.datetime
    """When the record was made (UTC)."""
    links: tuple[Link, ...]
    """Requirements it supports."""
    details: Mapping[str, object]
    """Kind-specific details."""
    keyids: tuple[str, ...]
    """Key ids of the signatures on the envelope."""


@dataclass(frozen=True, slots=True)
class Verified:
    """A record whose signature and statement check out."""

    record: EvidenceRecord
    """The record."""
    keyid: str
    """The trusted key that signed it."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that must not be trusted, with the reason."""

    name: str
    """The record's file name or digest."""
    reason: str
    """Why it was rejected."""


def sign_draft(
    draft: Draft,
    signer: Signer,
    *,
    catalog: Catalog,
    extra_requirements: Iterable[str] = (),
    recorded_at: dt.datetime | None = None,
) -> bytes:
    """Sign a collector's draft into envelope bytes (canonical JSON, RFC 8785).

    Args:
        draft: What the collector found.
        signer: The unlocked evidence key.
        catalog: The catalog, for the requirements' content hashes.
        extra_requirements: Requirements linked by configuration or by hand.
        recorded_at: The time to record (default: now, UTC, whole seconds).
    """
    when = recorded_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    ids = sorted(set(draft.requirement_ids) | set(extra_requirements))
    links = [
        {
            "id": rid,
            "content_hash": r.content_hash if (r := catalog.get(rid)) else "",
            "outcome": str(_link_outcome(draft, rid)),
        }
        for rid in ids
    ]
    statement = {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": s.name, "digest": {"sha256": s.sha256}} for s in draft.subjects],
        "predicateType": predicate_type(draft.kind),
        "predicate": {
            "recordedAt": when.isoformat().replace("+00:00", "Z"),
            "outcome": str(draft.outcome),
            "summary": draft.summary,
            "requirements": links,
            "details": dict(draft.details),
        },
    }
    envelope = Envelope(_canonical(statement), PAYLOAD_TYPE, {})
    envelope.sign(signer)
    return _canonical(envelope.to_dict())


def _link_outcome(draft: Draft, requirement: str) -> Outcome:
    """A requirement's outcome: the collector's own for it, else the record's.

    When the collector reports outcomes per requirement (JUnit) and has none for one it names,
    nothing that ran verified it (e.g. its tests were all skipped): the link is INFO, not PASS.
    """
    if requirement in draft.requirement_outcomes:
        return draft.requirement_outcomes[requirement]
    if requirement in draft.requirement_ids and draft.requirement_outcomes:
        return Outcome.INFO
    return draft.outcome


def _canonical(value: object) -> bytes:
    """RFC 8785 canonical JSON bytes.

    Raises:
        EvidenceInputError: A value has no exact JSON form (e.g. an integer beyond 2**53).
    """
    try:
        return rfc8785.dumps(value)  # type: ignore[arg-type]  # plain JSON values built above
    except rfc8785.CanonicalizationError as e:
        msg = f"the evidence details cannot be written as canonical JSON: {e}"
        raise EvidenceInputError(msg) from e


def parse_record(data: bytes, name: str = "<record>") -> EvidenceRecord | Rejected:
    """Read an envelope and its statement; anything malformed is `Rejected`."""
    try:
        document = json.loads(data)
        envelope = Envelope.from_dict(document)
        statement = json.loads(envelope.payload)
        return _record(data, envelope, statement)
    except (ValueError, KeyError, TypeError, AttributeError, FormatError, binascii.Error) as e:
        return Rejected(name, f"malformed evidence record: {e}")


def _record(data: bytes, envelope: Envelope, statement: Mapping[str, object]) -> EvidenceRecord:
    if envelope.payload_type != PAYLOAD_TYPE:
        msg = f"payloadType {envelope.payload_type!r} is not {PAYLOAD_TYPE}"
        raise ValueError(msg)
    if statement.get("_type") != STATEMENT_TYPE:
        msg = f"_type is not {STATEMENT_TYPE}"
        raise ValueError(msg)
    ptype = str(statement["predicateType"])
    kind_name = ptype.removeprefix(_PREDICATE_PREFIX).removesuffix(f"/{_PREDICATE_VERSION}")
    if not ptype.startswith(_PREDICATE_PREFIX) or "/" in kind_name:
        msg = f"unknown predicateType {ptype!r}"
        raise ValueError(msg)
    predicate = statement["predicate"]
    subjects = statement["subject"]
    if not isinstance(predicate, dict) or not isinstance(subjects, list) or not subjects:
        msg = "a statement needs a predicate object and at least one subject"
        raise TypeError(msg)
    return EvidenceRecord(
        digest=hashlib.sha256(data).hexdigest(),
        envelope=data,
        kind=EvidenceKind(kind_name),
        subjects=tuple(_subject(s) for s in subjects),
        outcome=Outcome(predicate["outcome"]),
        summary=str(predicate["summary"]),
        recorded_at=dt.datetime.fromisoformat(str(predicate["recordedAt"])),
        links=tuple(
            Link(RequirementId(str(k["id"])), str(k["content_hash"]), Outcome(k["outcome"]))
            for k in predicate["requirements"]
        ),
        details=dict(predicate.get("details", {})),
        keyids=tuple(envelope.signatures),
    )


def _subject(item: object) -> Subject:
    if not isinstance(item, dict):
        msg = "a subject must be an object"
        raise TypeError(msg)
    digest = str(item["digest"]["sha256"])
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):  # noqa: PLR2004  # hex SHA-256
        msg = f"subject {item.get('name')!r}: sha256 must be 64 lower-case hex digits"
        raise ValueError(msg)
    return Subject(str(item["name"]), digest)


def verify_record(data: bytes, keys: Sequence[Key], name: str = "<record>") -> Verified | Rejected:
    """Check a stored record: well formed, and signed by one of the trusted keys."""
    parsed = parse_record(data, name)
    if isinstance(parsed, Rejected):
        return parsed
    if not parsed.keyids:
        return Rejected(name, "the record is not signed")
    if not keys:
        return Rejected(name, "no trusted evidence key to verify it with")
    envelope = Envelope.from_dict(json.loads(data))
    try:
        accepted = envelope.verify(list(keys), 1)
    except VerificationError as e:
        return Rejected(name, f"signature does not verify with the trusted key(s): {e}")
    return Verified(parsed, next(iter(accepted)))


def payload_of(data: bytes) -> bytes:
    """Return the decoded DSSE payload of stored envelope bytes (for inspection)."""
    return base64.b64decode(json.loads(data)["payload"])
