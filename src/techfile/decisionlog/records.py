"""What the decision log records: AI decisions, human oversight, and tombstones of erasures.

This module owns the records and the bytes that a leaf of the log holds. The rules:

* a record's canonical form is the RFC 8785 JSON of its fields and its ``kind``; time stamps
  are RFC 3339 with microseconds and the offset they were given in
  (``2025-03-01T12:00:00.000000+01:00``, or ``Z`` for UTC);
* the leaf of a decision or oversight record is a *salted commitment*, the RFC 8785 JSON of
  ``{"kind": K, "record_digest": hex(SHA-256(salt || record))}`` with a fresh 32-byte random
  salt. The salt is kept beside the record in the payload table and never in the leaf, so
  once both are erased (GDPR Art 17) the leaf reveals nothing about the record, not even to
  someone who can guess it, while every proof over the leaf still verifies;
* a tombstone says that the payload of an earlier entry was erased. Its leaf is the RFC 8785
  JSON of the tombstone itself: it holds no personal data, and it must be public to show
  that the erasure happened and why;
* an oversight record (AI Act Art 14, Art 26(2)) links to its decision by the decision's
  index in the log; an override or a dismissal needs a reason.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Final, TypeVar, assert_never

import rfc8785

from techfile.decisionlog._canonical import canonical_json as _canonical
from techfile.decisionlog.errors import RecordError

__all__ = [
    "COMMITMENT_FORM",
    "SALT_SIZE",
    "Action",
    "Commitment",
    "DecisionRecord",
    "Erased",
    "Kind",
    "OversightRecord",
    "Record",
    "Tombstone",
    "commitment_leaf",
    "commitment_leaves",
    "new_salt",
    "new_salts",
    "parse_leaf",
    "parse_record",
    "record_json",
    "tombstone_leaf",
]

SALT_SIZE: Final = 32
"""Bytes of random salt in each commitment (256 bits: no record can be guessed from a leaf)."""

_HEX_DIGEST: Final = re.compile(r"[0-9a-f]{64}")
COMMITMENT_FORM: Final = re.compile(
    rb'\{"kind":"(decision|oversight)","record_digest":"([0-9a-f]{64})"\}'
)
"""The RFC 8785 form of a commitment leaf, spelled out: two keys in sorted order, no
whitespace; group 1 is the kind, group 2 the hex digest. Reading leaves through it spares the
audit a JSON parse per leaf."""
# The same form written by commitment_leaf: the key and value before the digest, per kind.
_COMMITMENT_HEAD: Final = {
    kind: b'{"kind":"%s","record_digest":"' % kind.encode() for kind in ("decision", "oversight")
}
_COMMITMENT_TAIL: Final = b'"}'

_MAX_INDEX: Final = (1 << 53) - 1  # RFC 8785 numbers are IEEE 754 doubles (§3.2.2.3)
_T = TypeVar("_T")


class Kind(StrEnum):
    """What a leaf of the log stands for."""

    DECISION = "decision"
    """An output of the AI system (a `DecisionRecord`)."""
    OVERSIGHT = "oversight"
    """A clinician's confirmation, override or dismissal of a decision (`OversightRecord`)."""
    TOMBSTONE = "tombstone"
    """The erasure of an earlier entry's payload (`Tombstone`)."""


class Action(StrEnum):
    """What the clinician did with the AI system's output (AI Act Art 14(4)(d))."""

    CONFIRM = "confirm"
    """The clinician agreed with the output."""
    OVERRIDE = "override"
    """The clinician replaced the output with their own judgement."""
    DISMISS = "dismiss"
    """The clinician disregarded the output."""


def _text(value: str, what: str) -> None:
    if not value.strip():
        raise RecordError(f"{what} must not be empty")


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise RecordError(f"{what} must carry a time zone (use datetime.now(UTC))")


def _index(value: int, what: str) -> None:
    if isinstance(value, bool) or not 0 <= value <= _MAX_INDEX:
        raise RecordError(f"{what} must be a log index from 0 to 2**53 - 1, got {value!r}")


def _time_text(value: datetime) -> str:
    # Keep the offset the device gave: a retention period is counted in local days.
    return value.isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One output of the AI system, as the device produced it (AI Act Art 12)."""

    device: str
    """The device that decided: its UDI-DI and serial number, or another stable identifier."""
    model_version: str
    """The version of the model that produced the output."""
    input_digest: str
    """SHA-256 of the model input, 64 lowercase hex digits; the input itself is never logged."""
    output: str
    """The output as the device reports it, e.g. a class label or a finding."""
    score: float | None
    """The model's score or probability for the output, if it gives one."""
    timestamp: datetime
    """When the output was produced; must carry a time zone."""
    site: str
    """Where the device is used (the deployer's site)."""
    operator: str
    """Who operated the device at the site (AI Act Art 26(2))."""

    def __post_init__(self) -> None:
        for what in ("device", "model_version", "output", "site", "operator"):
            _text(getattr(self, what), what)
        if not _HEX_DIGEST.fullmatch(self.input_digest):
            raise RecordError("input_digest must be a SHA-256 digest in 64 lowercase hex digits")
        if self.score is not None and (
            isinstance(self.score, bool) or not math.isfinite(self.score)
        ):
            raise RecordError(f"score must be a finite number, got {self.score!r}")
        _aware(self.timestamp, "timestamp")

    @property
    def kind(self) -> Kind:
        """`Kind.DECISION`."""
        return Kind.DECISION


@dataclass(frozen=True, slots=True)
class OversightRecord:
    """A clinician's oversight of one logged decision (AI Act Art 14, Art 26(2))."""

    decision_index: int
    """The log index of the decision overseen."""
    action: Action
    """Whether the clinician confirmed, overrode or dismissed the output."""
    clinician: str
    """Who exercised oversight."""
    timestamp: datetime
    """When; must carry a time zone."""
    reason: str = ""
    """Why; required for an override or a dismissal."""

    def __post_init__(self) -> None:
        _index(self.decision_index, "decision_index")
        if not isinstance(self.action, Action):
            raise RecordError(f"action must be an Action, got {self.action!r}")
        _text(self.clinician, "clinician")
        _aware(self.timestamp, "timestamp")
        match self.action:
            case Action.OVERRIDE | Action.DISMISS:
                _text(self.reason, f"the reason for {self.action.value}")
            case Action.CONFIRM:
                pass
            case _:  # pragma: no cover - the isinstance check above is exhaustive
                assert_never(self.action)

    @property
    def kind(self) -> Kind:
        """`Kind.OVERSIGHT`."""
        return Kind.OVERSIGHT


@dataclass(frozen=True, slots=True)
class Tombstone:
    """The erasure of an earlier entry's payload and salt (GDPR Art 17); a public leaf."""

    erased_index: int
    """The log index whose payload was erased."""
    reason: str
    """Why, e.g. the erasure request's reference; must not contain personal data."""
    timestamp: datetime
    """When the payload was erased; must carry a time zone."""

    def __post_init__(self) -> None:
        _index(self.erased_index, "erased_index")
        _text(self.reason, "the reason for the erasure")
        _aware(self.timestamp, "timestamp")


@dataclass(frozen=True, slots=True)
class Erased:
    """A logged record whose payload was erased; only its commitment remains."""

    index: int
    """The log index of the erased record."""
    kind: Kind
    """Whether it was a decision or an oversight record."""


@dataclass(frozen=True, slots=True)
class Commitment:
    """What the leaf of a decision or oversight record says: a hiding commitment to it."""

    kind: Kind
    """`Kind.DECISION` or `Kind.OVERSIGHT`."""
    record_digest: str
    """Hex SHA-256 of the salt followed by the record's canonical JSON."""


Record = DecisionRecord | OversightRecord
"""A record a device logs."""


def record_json(record: Record) -> bytes:
    """Write a record as RFC 8785 canonical JSON, the bytes kept in the payload table."""
    match record:
        case DecisionRecord():
            fields: dict[str, str | int | float | None] = {
                "kind": record.kind.value,
                "device": record.device,
                "model_version": record.model_version,
                "input_digest": record.input_digest,
                "output": record.output,
                "score": record.score,
                "timestamp": _time_text(record.timestamp),
                "site": record.site,
                "operator": record.operator,
            }
        case OversightRecord():
            fields = {
                "kind": record.kind.value,
                "decision_index": record.decision_index,
                "action": record.action.value,
                "clinician": record.clinician,
                "reason": record.reason,
                "timestamp": _time_text(record.timestamp),
            }
        case _:  # pragma: no cover - Record is a closed union
            assert_never(record)
    return _canonical(fields)


def _object(data: bytes, what: str) -> dict[str, object]:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RecordError(f"{what} is not JSON: {e}") from e
    if not isinstance(value, dict):
        raise RecordError(f"{what} is not a JSON object")
    return value


def _field(fields: dict[str, object], name: str, kind: type[_T], what: str) -> _T:
    value = fields.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordError(f"{what}: field {name!r} must be {kind.__name__}")
    return value


def _time(fields: dict[str, object], what: str) -> datetime:
    text = _field(fields, "timestamp", str, what)
    try:
        return datetime.fromisoformat(text)
    except ValueError as e:
        raise RecordError(f"{what}: timestamp {text!r} is not RFC 3339") from e


def _keys(fields: dict[str, object], names: set[str], what: str) -> None:
    if set(fields) != names:
        raise RecordError(f"{what}: expected fields {sorted(names)}, got {sorted(fields)}")


def parse_record(data: bytes) -> Record:
    """Read a record from its canonical JSON.

    Args:
        data: The bytes `record_json` wrote.

    Returns:
        The decision or oversight record.

    Raises:
        RecordError: The bytes are not a well-formed record.
    """
    what = "record"
    fields = _object(data, what)
    kind = fields.get("kind")
    if kind == Kind.DECISION.value:
        _keys(fields, {"kind", *DecisionRecord.__dataclass_fields__}, what)
        score = fields["score"]
        if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
            raise RecordError(f"{what}: field 'score' must be a number or null")
        return DecisionRecord(
            device=_field(fields, "device", str, what),
            model_version=_field(fields, "model_version", str, what),
            input_digest=_field(fields, "input_digest", str, what),
            output=_field(fields, "output", str, what),
            score=None if score is None else float(score),
            timestamp=_time(fields, what),
            site=_field(fields, "site", str, what),
            operator=_field(fields, "operator", str, what),
        )
    if kind == Kind.OVERSIGHT.value:
        _keys(fields, {"kind", *OversightRecord.__dataclass_fields__}, what)
        action = _field(fields, "action", str, what)
        if action not in {a.value for a in Action}:
            raise RecordError(f"{what}: unknown oversight action {action!r}")
        return OversightRecord(
            decision_index=_field(fields, "decision_index", int, what),
            action=Action(action),
            clinician=_field(fields, "clinician", str, what),
            timestamp=_time(fields, what),
            reason=_field(fields, "reason", str, what),
        )
    raise RecordError(f"{what}: unknown kind {kind!r}")


new_salt: Final[Callable[[], bytes]] = partial(os.urandom, SALT_SIZE)
"""Draw a fresh commitment salt from the operating system's secure random source.

``os.urandom`` itself, which is what ``secrets.token_bytes`` returns, bound to `SALT_SIZE`
without a Python call around it: every single-record append draws one."""


def new_salts(count: int) -> list[bytes]:
    """Draw ``count`` fresh commitment salts with one call to the secure random source."""
    drawn = os.urandom(SALT_SIZE * count)
    return [drawn[at : at + SALT_SIZE] for at in range(0, len(drawn), SALT_SIZE)]


def commitment_leaf(kind: Kind, record: bytes, salt: bytes) -> bytes:
    """Commit to a record: the leaf data of a decision or oversight entry.

    Args:
        kind: `Kind.DECISION` or `Kind.OVERSIGHT`.
        record: The record's canonical JSON (`record_json`).
        salt: `SALT_SIZE` random bytes (`new_salt`).

    Returns:
        The RFC 8785 JSON of ``{"kind", "record_digest"}``.

    Raises:
        RecordError: The kind is a tombstone, or the salt has the wrong size.
    """
    head = _COMMITMENT_HEAD.get(kind)
    if head is None:
        raise RecordError("a tombstone is logged in the clear, not committed to")
    if len(salt) != SALT_SIZE:
        raise RecordError(f"a commitment salt must be {SALT_SIZE} bytes, got {len(salt)}")
    # The RFC 8785 form of {"kind", "record_digest"}, spelled out as COMMITMENT_FORM reads it.
    return head + hashlib.sha256(salt + record).hexdigest().encode() + _COMMITMENT_TAIL


# The commitment head by record type, for groups of records (commitment_leaves).
_HEAD_BY_TYPE: Final[dict[type, bytes]] = {
    DecisionRecord: _COMMITMENT_HEAD[Kind.DECISION],
    OversightRecord: _COMMITMENT_HEAD[Kind.OVERSIGHT],
}


def commitment_leaves(
    records: Sequence[Record], salts: Sequence[bytes]
) -> tuple[list[bytes], list[bytes]]:
    """Write records and commit to them, as `record_json` and `commitment_leaf` do one by one.

    Groups of records are logged through here, so the per-record work is a few list
    comprehensions: no call per record beyond `record_json`.

    Args:
        records: The records, in log order.
        salts: One `SALT_SIZE` salt per record (`new_salts`).

    Returns:
        The records' canonical JSON and their leaf data, in order.

    Raises:
        RecordError: A salt has the wrong size, or a record has no canonical JSON form.
    """
    if len(salts) != len(records) or set(map(len, salts)) - {SALT_SIZE}:
        raise RecordError(f"each record needs one commitment salt of {SALT_SIZE} bytes")
    datas = list(map(record_json, records))
    heads = _HEAD_BY_TYPE
    if not heads.keys() >= set(map(type, records)):  # subclasses: ask each record its kind
        leaves = list(map(commitment_leaf, (r.kind for r in records), datas, salts))
        return datas, leaves
    sha256 = hashlib.sha256
    tail = _COMMITMENT_TAIL
    leaves = [
        heads[type(record)] + sha256(salt + data).hexdigest().encode() + tail
        for record, data, salt in zip(records, datas, salts, strict=True)
    ]
    return datas, leaves


def tombstone_leaf(tombstone: Tombstone) -> bytes:
    """Write a tombstone as the RFC 8785 JSON that is its leaf data."""
    return _canonical(
        {
            "kind": Kind.TOMBSTONE.value,
            "erased_index": tombstone.erased_index,
            "reason": tombstone.reason,
            "timestamp": _time_text(tombstone.timestamp),
        }
    )


def parse_leaf(data: bytes) -> Commitment | Tombstone:
    """Read the leaf data of an entry.

    Args:
        data: The leaf data, as stored.

    Returns:
        The commitment of a decision or oversight record, or a tombstone.

    Raises:
        RecordError: The bytes are not a leaf this log writes (or not in canonical form).
    """
    commitment = COMMITMENT_FORM.fullmatch(data)
    if commitment is not None:
        return Commitment(Kind(commitment[1].decode()), commitment[2].decode())
    what = "leaf"
    fields = _object(data, what)
    kind = fields.get("kind")
    leaf: Commitment | Tombstone
    if kind == Kind.TOMBSTONE.value:
        _keys(fields, {"kind", "erased_index", "reason", "timestamp"}, what)
        leaf = Tombstone(
            erased_index=_field(fields, "erased_index", int, what),
            reason=_field(fields, "reason", str, what),
            timestamp=_time(fields, what),
        )
        canonical = tombstone_leaf(leaf)
    elif kind in {Kind.DECISION.value, Kind.OVERSIGHT.value}:
        _keys(fields, {"kind", "record_digest"}, what)
        digest = _field(fields, "record_digest", str, what)
        if not _HEX_DIGEST.fullmatch(digest):
            raise RecordError(f"{what}: record_digest must be 64 lowercase hex digits")
        leaf = Commitment(Kind(kind), digest)
        canonical = rfc8785.dumps({"kind": leaf.kind.value, "record_digest": digest})
    else:
        raise RecordError(f"{what}: unknown kind {kind!r}")
    if canonical != data:
        raise RecordError(f"{what} is not in RFC 8785 canonical form")
    return leaf
