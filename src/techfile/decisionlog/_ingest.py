"""Turning queued entries into one batch: leaves, payloads, erasures and the nodes they complete.

This module owns what one commit of the log's writer does, with the store passed in: it
refuses an erasure whose payload is already gone (or erased twice in one batch), computes
every subtree the new leaves complete from the O(log n) frontier, and writes it all with one
`LogStore.append`, which is one transaction.

An `Appender` remembers the size and frontier its last commit left, so a batch costs no reads
of the tree. That memory is only a guess: the store refuses a batch that does not start at its
size (another writer went first), and the appender then reads the frontier again and retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from techfile.decisionlog._batcher import Ack
from techfile.decisionlog._tree import frontier, grow
from techfile.decisionlog.errors import RecordError
from techfile.decisionlog.merkle import leaf_hash
from techfile.decisionlog.store.interface import Batch, LogStore, Payload, StoreConflictError
from techfile.errors import Error

__all__ = ["Appender", "Entry", "commit_batch"]

CONFLICT_RETRIES: Final = 5
"""Attempts at one batch while other writers keep appending first."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One leaf waiting for its batch: its data, its payload, and the index it erases."""

    leaf: bytes
    """The leaf data."""
    record: bytes | None = None
    """The record's canonical JSON, for a decision or oversight entry."""
    salt: bytes | None = None
    """The commitment salt, for a decision or oversight entry."""
    erases: int | None = None
    """The index whose payload a tombstone erases."""


@dataclass(frozen=True, slots=True)
class _Tip:
    """The size of the tree and the hashes of its frontier, as the last commit left them."""

    size: int
    frontier: Sequence[bytes]


def _read_tip(store: LogStore) -> _Tip:
    size = store.size()
    return _Tip(size, [store.node(level, index) for level, index in frontier(size)])


def _commit(store: LogStore, entries: Sequence[Entry], tip: _Tip) -> tuple[list[Ack | Error], _Tip]:
    results: list[Ack | Error | None] = []  # None: accepted, acknowledged below
    accepted: list[Entry] = []
    erasing: set[int] = set()
    for entry in entries:
        if entry.erases is not None:
            if entry.erases in erasing or store.payload(entry.erases) is None:
                results.append(RecordError(f"entry {entry.erases} is already erased"))
                continue
            erasing.add(entry.erases)
        accepted.append(entry)
        results.append(None)
    if not accepted:
        return [result for result in results if result is not None], tip
    size = tip.size
    hashes = [leaf_hash(entry.leaf) for entry in accepted]
    nodes, border = grow(size, tip.frontier, hashes)
    payloads = tuple(
        Payload(size + offset, entry.record, entry.salt)
        for offset, entry in enumerate(accepted)
        if entry.record is not None and entry.salt is not None
    )
    leaves = tuple(entry.leaf for entry in accepted)
    store.append(Batch(size, leaves, tuple(nodes), payloads, tuple(sorted(erasing))))
    acks = iter(Ack(size + offset, value) for offset, value in enumerate(hashes))
    done = [next(acks) if result is None else result for result in results]
    return done, _Tip(size + len(accepted), border)


class Appender:
    """Commits batches to one store, each in one transaction, remembering the frontier."""

    def __init__(self, store: LogStore) -> None:
        self._store = store
        self._tip: _Tip | None = None

    def commit(self, entries: Sequence[Entry]) -> list[Ack | Error]:
        """Append the acceptable entries in one transaction, retrying after other writers.

        Args:
            entries: The entries, in submission order.

        Returns:
            Per entry, its acknowledgement or the error that refused it.

        Raises:
            StoreConflictError: Other writers appended first every time; nothing was written.
            StoreError: The batch could not be written; nothing was.
        """
        for _ in range(CONFLICT_RETRIES):
            tip = self._tip or _read_tip(self._store)
            self._tip = None  # until this commit is known to have left the tree as computed
            try:
                results, self._tip = _commit(self._store, entries, tip)
            except StoreConflictError:
                continue  # another writer appended first: recompute on the new size
            return results
        raise StoreConflictError(f"gave up after {CONFLICT_RETRIES} conflicting appends")


def commit_batch(store: LogStore, entries: Sequence[Entry]) -> list[Ack | Error]:
    """Append the acceptable entries in one transaction, reading the frontier from the store.

    Args:
        store: The log's store.
        entries: The entries, in submission order.

    Returns:
        Per entry, its acknowledgement or the error that refused it.

    Raises:
        StoreConflictError: Another writer appended first; nothing was written.
        StoreError: The batch could not be written; nothing was.
    """
    return _commit(store, entries, _read_tip(store))[0]
