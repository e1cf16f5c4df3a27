"""Turning queued entries into one batch: leaves, payloads, erasures and the nodes they complete.

This module owns what one commit of the log's writer does, with the store passed in: it
refuses an erasure whose payload is already gone (or erased twice in one batch), reads the
O(log n) frontier nodes, computes every subtree the new leaves complete, and writes it all
with one `LogStore.append`, which is one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from techfile.decisionlog._batcher import Ack
from techfile.decisionlog._tree import extend, frontier
from techfile.decisionlog.errors import RecordError
from techfile.decisionlog.merkle import leaf_hash
from techfile.decisionlog.store.interface import Batch, LogStore, Payload
from techfile.errors import Error

__all__ = ["Entry", "commit_batch"]


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


def commit_batch(store: LogStore, entries: Sequence[Entry]) -> list[Ack | Error]:
    """Append the acceptable entries in one transaction.

    Args:
        store: The log's store.
        entries: The entries, in submission order.

    Returns:
        Per entry, its acknowledgement or the error that refused it.

    Raises:
        StoreConflictError: Another writer appended first; nothing was written.
        StoreError: The batch could not be written; nothing was.
    """
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
        return [result for result in results if result is not None]
    size = store.size()
    border = [store.node(level, index) for level, index in frontier(size)]
    hashes = [leaf_hash(entry.leaf) for entry in accepted]
    payloads = tuple(
        Payload(size + offset, entry.record, entry.salt)
        for offset, entry in enumerate(accepted)
        if entry.record is not None and entry.salt is not None
    )
    batch = Batch(
        size,
        tuple(entry.leaf for entry in accepted),
        tuple(extend(size, border, hashes)),
        payloads,
        tuple(sorted(erasing)),
    )
    store.append(batch)
    acks = iter(Ack(size + offset, value) for offset, value in enumerate(hashes))
    return [next(acks) if result is None else result for result in results]
