"""What a decision log holds, counted: entries, decisions, oversight by action, erasures.

This module owns the statistics a manufacturer reports for post-market surveillance and for
human oversight (AI Act Art 12(2)(b), Art 14(4)(d), Art 72): how many outputs were logged,
how often clinicians confirmed, overrode or dismissed them, and how much was erased (GDPR
Art 17). It reads the store in chunks, one query per table and chunk, and reports progress to
an observer. Only oversight payloads are parsed (for their action); an erased oversight record
is counted apart, as its action is gone with its payload.

Statistics are no audit: they count what the store says. Run `DecisionLog.audit` to know the
store is intact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from techfile.decisionlog._progress import Progress, no_progress
from techfile.decisionlog._tiles import leaves, payloads
from techfile.decisionlog.records import (
    Action,
    Commitment,
    Kind,
    OversightRecord,
    Tombstone,
    parse_leaf,
    parse_record,
)
from techfile.decisionlog.store.interface import LogStore, Payload

__all__ = ["LogStats", "log_stats"]

_CHUNK: Final = 1024


@dataclass(frozen=True, slots=True)
class LogStats:
    """Counts over every entry of a decision log."""

    size: int
    """Number of entries (decisions, oversight records and tombstones)."""
    checkpoints: int
    """Number of signed checkpoints stored."""
    latest_checkpoint: int | None
    """The tree size of the latest checkpoint, or None if none was signed yet."""
    decisions: int
    """Decision entries, erased ones included."""
    oversight: Mapping[Action, int] = field(default_factory=dict)
    """Oversight records by the clinician's action (every action listed, zero included)."""
    oversight_erased: int = 0
    """Oversight records whose payload, and so their action, was erased."""
    overseen_decisions: int = 0
    """Distinct decisions that at least one readable oversight record names."""
    erased: int = 0
    """Entries whose payload was erased (one tombstone each)."""
    first_recorded: datetime | None = None
    """The time stamp of the oldest record still held (by log order)."""
    last_recorded: datetime | None = None
    """The time stamp of the newest record still held (by log order)."""

    @property
    def oversight_total(self) -> int:
        """All oversight records, erased ones included."""
        return sum(self.oversight.values()) + self.oversight_erased

    @property
    def override_rate(self) -> float | None:
        """Share of readable oversight records that overrode the output; None if none."""
        known = sum(self.oversight.values())
        return self.oversight.get(Action.OVERRIDE, 0) / known if known else None


@dataclass(slots=True)
class _Tally:
    decisions: int = 0
    actions: Counter[Action] = field(default_factory=Counter)
    oversight_erased: int = 0
    overseen: set[int] = field(default_factory=set)
    erased: int = 0
    first: Payload | None = None
    last: Payload | None = None

    def add(self, data: bytes, payload: Payload | None) -> None:
        match parse_leaf(data):
            case Tombstone():
                self.erased += 1
            case Commitment(kind=Kind.DECISION):
                self.decisions += 1
            case Commitment() if payload is None:
                self.oversight_erased += 1
            case Commitment():
                record = parse_record(payload.record)
                if isinstance(record, OversightRecord):
                    self.actions[record.action] += 1
                    self.overseen.add(record.decision_index)
        if payload is not None:
            self.first = self.first or payload
            self.last = payload


def _time(payload: Payload | None) -> datetime | None:
    return None if payload is None else parse_record(payload.record).timestamp


def log_stats(store: LogStore, progress: Progress = no_progress) -> LogStats:
    """Count the entries of a stored log.

    Args:
        store: The log's store.
        progress: Told ``(entries counted, size)`` after each chunk.

    Returns:
        The counts.

    Raises:
        StoreError: The store cannot be read.
        RecordError: A stored leaf or payload is malformed (run the audit).
    """
    size = store.size()
    tally = _Tally()
    for start in range(0, size, _CHUNK):
        end = min(size, start + _CHUNK)
        stored = {found.index: found for found in payloads(store, start, end)}
        for index, data in leaves(store, start, end):
            tally.add(data, stored.get(index))
        progress(end, size)
    checkpoints = store.checkpoints()
    return LogStats(
        size=size,
        checkpoints=len(checkpoints),
        latest_checkpoint=checkpoints[-1].size if checkpoints else None,
        decisions=tally.decisions,
        oversight={action: tally.actions[action] for action in Action},
        oversight_erased=tally.oversight_erased,
        overseen_decisions=len(tally.overseen),
        erased=tally.erased,
        first_recorded=_time(tally.first),
        last_recorded=_time(tally.last),
    )
