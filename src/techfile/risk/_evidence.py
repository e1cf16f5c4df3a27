"""Which evidence verifies a control: resolving ``verified_by`` against the trusted ledger.

A reference names a record by digest (12 or more hex digits), by the path of an artefact it
pins, or by kind; the last two take the newest trusted record. It verifies the control
(ISO 14971:2019 clause 7.2) only if that record exists, is signed by a trusted key, pins
artefacts that have not changed since (else it is stale, as in ``techfile gaps``), and did not
fail; a ``case`` further needs that JUnit test case to have passed (its parametrisations all
passed or skipped, at least one passed). Pure: the ledger and the current digests come in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from techfile.evidence import EvidenceRecord, Outcome, Verified, changed_subjects
from techfile.risk._model import EvidenceRef

__all__ = ["EvidenceState", "Resolution", "describe", "resolve"]

_MIN_DIGEST = 12
"""Shortest record-digest prefix accepted (48 bits: collisions are not a practical concern)."""


class EvidenceState(StrEnum):
    """What a reference found."""

    VERIFIED = "verified"
    """A trusted, current record that passed."""
    MISSING = "missing"
    """No trusted record (or no such test case in it)."""
    STALE = "stale"
    """The record's artefacts changed since it was made."""
    FAILED = "failed"
    """The record (or the named test case) failed."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """A reference and what it found."""

    ref: EvidenceRef
    """The reference."""
    state: EvidenceState
    """Its state."""
    record: EvidenceRecord | None
    """The record found, if any."""
    detail: str
    """What was found, or what is missing, for people."""


def describe(ref: EvidenceRef) -> str:
    """The reference in words, e.g. ``artefact reports/junit.xml, case test_x``."""
    if ref.record is not None:
        text = f"record {ref.record}"
    elif ref.artefact is not None:
        text = f"artefact {ref.artefact}"
    else:
        text = f"newest {ref.kind} record"
    return f"{text}, case {ref.case}" if ref.case else text


def _candidates(ref: EvidenceRef, records: Sequence[Verified]) -> list[Verified]:
    if ref.record is not None:
        prefix = ref.record.lower()
        if len(prefix) < _MIN_DIGEST:
            return []
        return [v for v in records if v.record.digest.startswith(prefix)]
    if ref.artefact is not None:
        name = ref.artefact.removeprefix("./")
        return [v for v in records if any(s.name == name for s in v.record.subjects)]
    return [v for v in records if v.record.kind == ref.kind]


def resolve(
    ref: EvidenceRef, records: Sequence[Verified], current: Callable[[str], str | None]
) -> Resolution:
    """Find the record a reference names and judge it.

    Args:
        ref: The reference from ``verified_by``.
        records: The trusted records of the project.
        current: The current SHA-256 of a project file (None if absent).
    """
    found = _candidates(ref, records)
    if not found:
        what = "no trusted evidence record"
        if ref.record is not None and len(ref.record) < _MIN_DIGEST:
            what = f"a record id needs at least {_MIN_DIGEST} hex digits"
        return Resolution(ref, EvidenceState.MISSING, None, f"{describe(ref)}: {what}")
    # Times are whole seconds: of records made in the same second (a report collected again
    # at once), the one pinning the artefacts as they are now is the later one.
    newest = max(
        found,
        key=lambda v: (v.record.recorded_at, not changed_subjects(v, current), v.record.digest),
    )
    record = newest.record
    label = f"{record.kind.value} record {record.digest[:12]}"
    if changed := changed_subjects(newest, current):
        detail = f"{label} is stale: {', '.join(changed)} changed since it was recorded"
        return Resolution(ref, EvidenceState.STALE, record, detail)
    if ref.case is not None:
        return _case(ref, ref.case, record, label)
    if record.outcome is Outcome.FAIL:
        return Resolution(ref, EvidenceState.FAILED, record, f"{label} failed: {record.summary}")
    return Resolution(ref, EvidenceState.VERIFIED, record, f"{label}: {record.summary}")


def _case(ref: EvidenceRef, case: str, record: EvidenceRecord, label: str) -> Resolution:
    cases = record.details.get("cases", [])
    outcomes = [
        str(c.get("outcome"))
        for c in (cases if isinstance(cases, list) else [])
        if isinstance(c, dict) and _same_case(str(c.get("name", "")), case)
    ]
    if not outcomes:
        return Resolution(ref, EvidenceState.MISSING, record, f"{label} has no test case {case}")
    if "fail" in outcomes:
        failed = outcomes.count("fail")
        detail = f"{label}: test case {case} failed ({failed} of {len(outcomes)})"
        return Resolution(ref, EvidenceState.FAILED, record, detail)
    if "pass" not in outcomes:
        return Resolution(ref, EvidenceState.MISSING, record, f"{label}: {case} was skipped")
    detail = f"{label}: test case {case} passed ({len(outcomes)} run(s))"
    return Resolution(ref, EvidenceState.VERIFIED, record, detail)


def _same_case(name: str, case: str) -> bool:
    """A case name matches with or without its parametrisation, e.g. ``test_x[a-1]``."""
    return name == case or name.startswith(f"{case}[")
