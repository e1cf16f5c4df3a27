"""The decision log as evidence for the technical file and post-market surveillance.

This module turns a log's latest signed checkpoint, its audit and its statistics into an
evidence `Draft` of kind ``decision_log``: the subject is the checkpoint note saved in the
project (so the record pins exactly the tree it speaks for), the outcome is PASS only when
the audit passed, and the details carry origin, verifier key, size, the checkpoint text, the
audit result and the oversight statistics (AI Act Art 12, 14(4), 19(1), 72).

It links the requirements the log itself shows: automatic recording and what it records
(AI Act Art 12 and its points for medical devices), keeping the logs (Art 19(1)), and the
clinician's ability to monitor and to override or disregard the output (Art 14(4)(a), (d)).
The parent AIA.14 is not linked: the rest of human oversight (design, measures, training) is
shown by usability and risk evidence, and a direct link would mark all of Art 14 met. Other
requirements can be linked by id, if they accept decision-log evidence.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from techfile.catalog import Catalog, EvidenceKind
from techfile.decisionlog._audit import AuditFailed, AuditResult
from techfile.decisionlog._json import audit_json, stats_json
from techfile.decisionlog._progress import Progress, no_progress
from techfile.decisionlog._proofs import SignedCheckpoint
from techfile.decisionlog._stats import LogStats
from techfile.decisionlog.log import DecisionLog
from techfile.errors import InputError
from techfile.evidence import Draft, Outcome, Subject

__all__ = [
    "CHECKPOINT_FILE",
    "DEFAULT_REQUIREMENTS",
    "LogSummary",
    "evidence_draft",
    "evidence_requirements",
    "summarize",
]

DEFAULT_REQUIREMENTS: Final = (
    "AIA.12",
    "AIA.12.1",
    "AIA.12.2",
    "AIA.12.2.a",
    "AIA.12.2.b",
    "AIA.12.2.c",
    "AIA.14.4.a",
    "AIA.14.4.d",
    "AIA.19",
)
"""The catalog entries a decision log is evidence for (see the module docstring)."""

CHECKPOINT_FILE: Final = "decision-log-checkpoint.txt"
"""The default name of the checkpoint note saved in the project's evidence folder."""


@dataclass(frozen=True, slots=True)
class LogSummary:
    """A log's state at one moment: its signed checkpoint, audit and statistics."""

    origin: str
    """The log's origin."""
    verifier_key: str
    """The log's note verifier key (vkey), which auditors use."""
    checkpoint: SignedCheckpoint
    """The latest signed checkpoint, covering every entry committed."""
    audit: AuditResult
    """The audit of the whole log against its checkpoints."""
    stats: LogStats
    """The counts of entries, decisions and oversight."""


def summarize(log: DecisionLog, progress: Progress = no_progress) -> LogSummary:
    """Sign a checkpoint of everything committed, then audit and count the log.

    Args:
        log: The open log.
        progress: Told ``(entries, size)`` during the audit and then during the count.

    Raises:
        InconsistentLogError: The stored tree no longer extends its latest checkpoint.
        StoreError: The store cannot be read or written.
    """
    checkpoint = log.checkpoint()
    audit = log.audit(progress=progress)
    stats = log.stats(progress=progress)
    return LogSummary(log.origin, log.verifier.format(), checkpoint, audit, stats)


def evidence_requirements(catalog: Catalog, ids: Iterable[str]) -> tuple[str, ...]:
    """Check that each requirement exists and accepts decision-log evidence.

    Raises:
        InputError: An id is unknown, or its requirement does not accept such evidence.
    """
    checked: list[str] = []
    for rid in ids:
        requirement = catalog.get(rid)
        if requirement is None:
            raise InputError(f"unknown requirement id {rid} (see `techfile catalog search`)")
        if EvidenceKind.DECISION_LOG not in requirement.evidence_kinds:
            kinds = ", ".join(sorted(requirement.evidence_kinds))
            raise InputError(f"{rid} does not accept decision-log evidence (it accepts {kinds})")
        checked.append(rid)
    return tuple(dict.fromkeys(checked))


def _summary_line(summary: LogSummary) -> str:
    stats = summary.stats
    audit = "audit passed" if summary.audit.ok else "AUDIT FAILED"
    rate = stats.override_rate
    oversight = f"{stats.oversight_total} oversight record(s)"
    if rate is not None:
        oversight += f", {rate:.1%} overrides"
    return (
        f"decision log {summary.origin}: {stats.size} entries, {stats.decisions} decisions,"
        f" {oversight}; checkpoint at size {summary.checkpoint.checkpoint.size}; {audit}"
    )


def evidence_draft(summary: LogSummary, subject: Subject, requirements: Iterable[str]) -> Draft:
    """Return the evidence draft of a log summary.

    Args:
        summary: The log's checkpoint, audit and statistics.
        subject: The saved checkpoint note, pinned by digest.
        requirements: The requirement ids to link (see `evidence_requirements`).

    Returns:
        The draft: PASS if the audit passed, FAIL otherwise.
    """
    checkpoint = summary.checkpoint.checkpoint
    audit = audit_json(summary.audit, summary.origin).model_dump(mode="json", exclude={"schema_"})
    stats = stats_json(summary.stats, summary.origin).model_dump(mode="json", exclude={"schema_"})
    details: dict[str, object] = {
        "origin": summary.origin,
        "verifier_key": summary.verifier_key,
        "size": summary.stats.size,
        "checkpoint": {
            "size": checkpoint.size,
            "root_hash": base64.b64encode(checkpoint.root_hash).decode(),
            "note": summary.checkpoint.note,
        },
        "audit": audit,
        "statistics": stats,
    }
    failed = isinstance(summary.audit, AuditFailed)
    return Draft(
        kind=EvidenceKind.DECISION_LOG,
        subjects=(subject,),
        outcome=Outcome.FAIL if failed else Outcome.PASS,
        summary=_summary_line(summary),
        details=details,
        requirement_ids=tuple(requirements),
    )
