"""Pieces every evidence section shows: the record, its artefacts and their SHA-256."""

from __future__ import annotations

from techfile.evidence import Verified
from techfile.render._model import Para, Table, Tone

__all__ = ["provenance", "value"]


def value(details: object, key: str, default: object = "") -> object:
    """A field of a record's details, tolerant of missing keys."""
    return details.get(key, default) if isinstance(details, dict) else default


def provenance(verified: Verified) -> list[Table | Para]:
    """Who recorded what, when, and the artefacts' digests."""
    record = verified.record
    tone = {"pass": Tone.GOOD, "fail": Tone.BAD}.get(record.outcome.value, Tone.NORMAL)
    rows = tuple((s.name, s.sha256) for s in record.subjects)
    when = record.recorded_at.isoformat()
    text = (
        f"{record.summary} (outcome {record.outcome.value}; recorded {when}; "
        f"record {record.digest[:16]}; key {verified.keyid[:16]})"
    )
    return [
        Para(text, tone),
        Table(("artefact", "sha256"), rows),
    ]
