"""Turning queued entries into one batch: leaves, payloads, erasures and the subtrees they complete.

This module owns what one commit of the log's writer does, with the store passed in: it
refuses an erasure whose payload is already gone (or erased twice in one batch), computes
every subtree the new leaves complete from the O(log n) frontier (`_tree.grow`), cuts the
leaves into tiles (`_tiles.pack`), and writes it all with one `LogStore.append`, which is one
transaction; one entry with its payload, the batch of every record logged at a batch size of
one, takes `LogStore.append_one`, which writes the same rows.

An `Appender` remembers the size and frontier its last commit left, so a batch costs no reads
of the tree. That memory is only a guess: the store refuses a batch that does not start at its
size (another writer went first), and the appender then reads the frontier again and retries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple

from techfile.decisionlog._acks import Ack, Committed
from techfile.decisionlog._tiles import (
    SEPARATOR,
    erase,
    node,
    pack,
    pack_payloads,
    payload,
)
from techfile.decisionlog._tree import complete, frontier, grow_levels
from techfile.decisionlog.errors import RecordError
from techfile.decisionlog.store.interface import Batch, LogStore, StoreConflictError
from techfile.errors import Error

__all__ = ["Appender", "Group", "commit_batch", "one_entry"]

CONFLICT_RETRIES: Final = 5
"""Attempts at one batch while other writers keep appending first."""

_LEAF_PREFIX: Final = b"\x00"
_LINE_FEED: Final = SEPARATOR[0]
"""The separator as an int: ``bytes.__contains__`` looks for an int with memchr, while for
bytes it first fails (an exception raised and cleared) to read them as an int."""


class Group:
    """Entries submitted together, as columns: leaf data, payloads, and the indices they erase.

    A group of 10,000 records is four lists, not 10,000 objects: the batcher cuts it by
    slicing (`techfile.decisionlog._batcher.Piece`) and a commit joins its pieces back.
    """

    __slots__ = ("erases", "leaves", "records", "salts")

    def __init__(
        self,
        leaves: list[bytes],
        records: list[bytes | None],
        salts: list[bytes | None],
        erases: list[int | None] | None = None,
    ) -> None:
        self.leaves = leaves
        """The leaf data, in log order."""
        self.records = records
        """Each entry's record (canonical JSON), None for an entry without payload."""
        self.salts = salts
        """Each entry's commitment salt, None for an entry without payload."""
        self.erases = erases
        """Each entry's index whose payload it erases (tombstones), or None if none does."""

    @classmethod
    def one(
        cls,
        leaf: bytes,
        record: bytes | None = None,
        salt: bytes | None = None,
        erases: int | None = None,
    ) -> Group:
        """Return the group of one entry."""
        return cls([leaf], [record], [salt], None if erases is None else [erases])

    @classmethod
    def join(cls, groups: Sequence[Group]) -> Group:
        """Return the entries of several groups, in order, as one."""
        if len(groups) == 1:
            return groups[0]
        joined = cls([], [], [], None)
        for group in groups:
            if group.erases is not None and joined.erases is None:
                joined.erases = [None] * len(joined.leaves)
            if joined.erases is not None:
                joined.erases += group.erases or [None] * len(group.leaves)
            joined.leaves += group.leaves
            joined.records += group.records
            joined.salts += group.salts
        return joined

    def __len__(self) -> int:
        return len(self.leaves)

    def __getitem__(self, part: slice) -> Group:
        erases = None if self.erases is None else self.erases[part]
        return Group(self.leaves[part], self.records[part], self.salts[part], erases)


class _Tip(NamedTuple):
    """The size of the tree and the hashes of its frontier, as the last commit left them."""

    size: int
    frontier: Sequence[bytes]


def _read_tip(store: LogStore) -> _Tip:
    size = store.size()
    return _Tip(size, [node(store, level, index) for level, index in frontier(size)])


def _refusals(store: LogStore, erases: Sequence[int | None]) -> dict[int, Error]:
    """Return, by position in the batch, the erasures that cannot be done."""
    refused: dict[int, Error] = {}
    erasing: set[int] = set()
    for position, erased in enumerate(erases):
        if erased is None:
            continue
        if erased in erasing or payload(store, erased) is None:
            refused[position] = RecordError(f"entry {erased} is already erased")
        else:
            erasing.add(erased)
    return refused


def _commit(store: LogStore, group: Group, tip: _Tip) -> tuple[Committed, _Tip]:
    size = tip.size
    if group.erases is None and len(group.leaves) == 1:  # the batch of a batch size of one
        record, salt = group.records[0], group.salts[0]
        if record is not None and salt is not None:
            leaf = group.leaves[0]
            tile, leaf_hash, border = one_entry(size, tip.frontier, leaf, record)
            store.append_one(size, tile, leaf, salt, record)
            return Committed(size, [leaf_hash]), _Tip(size + 1, border)
    refused: Mapping[int, Error] = {}
    leaves, records, salts = group.leaves, group.records, group.salts
    erasures: list[int] = []
    if group.erases is not None:  # tombstones: check their erasures
        refused = _refusals(store, group.erases)
        kept = [at for at in range(len(leaves)) if at not in refused]
        leaves = [leaves[at] for at in kept]
        records = [records[at] for at in kept]
        salts = [salts[at] for at in kept]
        erasures = sorted(e for e in (group.erases[at] for at in kept) if e is not None)
    if not leaves:
        return Committed(size, [], refused), tip
    sha256 = hashlib.sha256
    # RFC 9162 §2.1.1 leaf hash SHA-256(0x00 || data), inlined: one per entry.
    hashes = [sha256(_LEAF_PREFIX + leaf).digest() for leaf in leaves]
    levels, border = grow_levels(size, tip.frontier, hashes)
    indices: Sequence[int] = range(size, size + len(leaves))
    if records.count(None) or salts.count(None):  # tombstones, which have no payload
        with_payload = [
            at
            for at, (r, s) in enumerate(zip(records, salts, strict=True))
            if r is not None and s is not None
        ]
        indices = [size + at for at in with_payload]
        records = [records[at] for at in with_payload]
        salts = [salts[at] for at in with_payload]
    payloads = pack_payloads(size, indices, salts, records)  # type: ignore[arg-type]  # no None
    removed, rewritten = erase(store, erasures) if erasures else ([], [])
    store.append(Batch(size, *pack(size, leaves, levels), [*rewritten, *payloads], removed))
    return Committed(size, hashes, refused), _Tip(size + len(leaves), border)


def one_entry(
    size: int, frontier_hashes: Sequence[bytes], leaf: bytes, record: bytes
) -> tuple[bytes, bytes, list[bytes]]:
    """Return the tile hashes of one entry appended at ``size``, its leaf hash, the new frontier.

    The tile hashes are what `pack` keeps for the leaf: its leaf hash and the subtrees it
    completes (`_tree.complete`), concatenated.

    Raises:
        ValueError: The leaf or record holds a line feed (no RFC 8785 JSON does).
    """
    if _LINE_FEED in leaf or _LINE_FEED in record:
        raise ValueError("leaf data and records must not hold a line feed (they are RFC 8785 JSON)")
    # RFC 9162 §2.1.1 leaf hash SHA-256(0x00 || data), inlined.
    leaf_hash = hashlib.sha256(_LEAF_PREFIX + leaf).digest()
    nodes, border = complete(size, frontier_hashes, leaf_hash)
    return b"".join(nodes), leaf_hash, border


class Appender:
    """Commits batches to one store, each in one transaction, remembering the frontier."""

    def __init__(self, store: LogStore) -> None:
        self._store = store
        self._tip: _Tip | None = None

    def commit(self, entries: Group) -> Committed:
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

    def commit_one(self, leaf: bytes, record: bytes, salt: bytes) -> Ack:
        """Append one entry with its payload in one transaction, as `commit` its group would.

        The path of every record logged at a batch size of one, without the group, batch and
        `Committed` that `commit` makes for any number of entries.

        Raises:
            StoreConflictError: Other writers appended first every time; nothing was written.
            StoreError: The entry could not be written.
        """
        for _ in range(CONFLICT_RETRIES):
            tip = self._tip or _read_tip(self._store)
            self._tip = None  # until this commit is known to have left the tree as computed
            size = tip.size
            hashes, leaf_hash, border = one_entry(size, tip.frontier, leaf, record)
            try:
                self._store.append_one(size, hashes, leaf, salt, record)
            except StoreConflictError:
                continue  # another writer appended first: recompute on the new size
            self._tip = _Tip(size + 1, border)
            return Ack(size, leaf_hash)
        raise StoreConflictError(f"gave up after {CONFLICT_RETRIES} conflicting appends")


def commit_batch(store: LogStore, entries: Group) -> Committed:
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
