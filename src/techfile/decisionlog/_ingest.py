"""Turning queued entries into one batch: leaves, payloads, erasures and the subtrees they complete.

This module owns what one commit of the log's writer does, with the store passed in: it
refuses an erasure whose payload is already gone (or erased twice in one batch), computes
every subtree the new leaves complete from the O(log n) frontier (`_tree.grow`), cuts the
leaves into tiles (`_tiles.pack`), and writes it all with one `LogStore.append`, which is one
transaction.

An `Appender` remembers the size and frontier its last commit left, so a batch costs no reads
of the tree. That memory is only a guess: the store refuses a batch that does not start at its
size (another writer went first), and the appender then reads the frontier again and retries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import partial
from itertools import repeat
from operator import itemgetter
from typing import Final, NamedTuple

from techfile.decisionlog._acks import Committed
from techfile.decisionlog._tiles import erase, node, pack, pack_payloads, payload
from techfile.decisionlog._tree import frontier, grow_levels
from techfile.decisionlog.errors import RecordError
from techfile.decisionlog.store.interface import Batch, LogStore, StoreConflictError
from techfile.errors import Error

__all__ = ["Appender", "Entry", "commit_batch", "record_entries"]

CONFLICT_RETRIES: Final = 5
"""Attempts at one batch while other writers keep appending first."""

_LEAF_PREFIX: Final = b"\x00"


class Entry(NamedTuple):
    """One leaf waiting for its batch: its data, its payload, and the index it erases.

    A named tuple rather than a dataclass: one is made per logged record, on the hot path.
    """

    leaf: bytes
    """The leaf data."""
    record: bytes | None = None
    """The record's canonical JSON, for a decision or oversight entry."""
    salt: bytes | None = None
    """The commitment salt, for a decision or oversight entry."""
    erases: int | None = None
    """The index whose payload a tombstone erases."""


_leaf_of = itemgetter(0)
_record_of = itemgetter(1)
_salt_of = itemgetter(2)
_erased_by = itemgetter(3)
_new_entry = partial(tuple.__new__, Entry)


def record_entries(
    leaves: Sequence[bytes], records: Sequence[bytes], salts: Sequence[bytes]
) -> list[Entry]:
    """Return the entries of committed records: leaf data, canonical JSON and salt of each.

    The entries are made by ``tuple.__new__`` over ``zip`` (no Python call per entry): a group
    of records becomes its entries at the speed of copying three lists.
    """
    return list(map(_new_entry, zip(leaves, records, salts, repeat(None))))


class _Tip(NamedTuple):
    """The size of the tree and the hashes of its frontier, as the last commit left them."""

    size: int
    frontier: Sequence[bytes]


def _read_tip(store: LogStore) -> _Tip:
    size = store.size()
    return _Tip(size, [node(store, level, index) for level, index in frontier(size)])


def _refusals(store: LogStore, entries: Sequence[Entry]) -> dict[int, Error]:
    """Return, by position in the batch, the erasures that cannot be done."""
    refused: dict[int, Error] = {}
    erasing: set[int] = set()
    for position, entry in enumerate(entries):
        if entry.erases is None:
            continue
        if entry.erases in erasing or payload(store, entry.erases) is None:
            refused[position] = RecordError(f"entry {entry.erases} is already erased")
        else:
            erasing.add(entry.erases)
    return refused


def _commit(store: LogStore, entries: Sequence[Entry], tip: _Tip) -> tuple[Committed, _Tip]:
    size = tip.size
    refused: dict[int, Error] = {}
    accepted = entries
    erasures: list[int] = []
    erased = list(map(_erased_by, entries))
    if erased.count(None) != len(erased):  # tombstones: check their erasures
        refused = _refusals(store, entries)
        accepted = [entry for at, entry in enumerate(entries) if at not in refused]
        erasures = sorted(e.erases for e in accepted if e.erases is not None)
    if not accepted:
        return Committed(size, [], refused), tip
    sha256 = hashlib.sha256
    leaves = list(map(_leaf_of, accepted))
    # RFC 9162 §2.1.1 leaf hash SHA-256(0x00 || data), inlined: one per entry.
    hashes = [sha256(_LEAF_PREFIX + leaf).digest() for leaf in leaves]
    levels, border = grow_levels(size, tip.frontier, hashes)
    records = list(map(_record_of, accepted))
    salts = list(map(_salt_of, accepted))
    indices: Sequence[int] = range(size, size + len(accepted))
    if records.count(None) or salts.count(None):  # tombstones, which have no payload
        kept = [
            at
            for at, (r, s) in enumerate(zip(records, salts, strict=True))
            if r is not None and s is not None
        ]
        indices = [size + at for at in kept]
        records = [records[at] for at in kept]
        salts = [salts[at] for at in kept]
    payloads = pack_payloads(size, indices, salts, records)
    removed, rewritten = erase(store, erasures) if erasures else ([], [])
    store.append(Batch(size, *pack(size, leaves, levels), [*rewritten, *payloads], removed))
    return Committed(size, hashes, refused), _Tip(size + len(accepted), border)


class Appender:
    """Commits batches to one store, each in one transaction, remembering the frontier."""

    def __init__(self, store: LogStore) -> None:
        self._store = store
        self._tip: _Tip | None = None

    def commit(self, entries: Sequence[Entry]) -> Committed:
        """Append the acceptable entries in one transaction, retrying after other writers.

        Args:
            entries: The entries, in submission order.

        Returns:
            The index and leaf hash of each accepted entry, and why any other was refused.

        Raises:
            StoreConflictError: Other writers appended first every time; nothing was written.
            StoreError: The batch could not be written; nothing was.
        """
        for _ in range(CONFLICT_RETRIES):
            tip = self._tip or _read_tip(self._store)
            self._tip = None  # until this commit is known to have left the tree as computed
            try:
                committed, self._tip = _commit(self._store, entries, tip)
            except StoreConflictError:
                continue  # another writer appended first: recompute on the new size
            return committed
        raise StoreConflictError(f"gave up after {CONFLICT_RETRIES} conflicting appends")


def commit_batch(store: LogStore, entries: Sequence[Entry]) -> Committed:
    """Append the acceptable entries in one transaction, reading the frontier from the store.

    Args:
        store: The log's store.
        entries: The entries, in submission order.

    Returns:
        The index and leaf hash of each accepted entry, and why any other was refused.

    Raises:
        StoreConflictError: Another writer appended first; nothing was written.
        StoreError: The batch could not be written; nothing was.
    """
    return _commit(store, entries, _read_tip(store))[0]
