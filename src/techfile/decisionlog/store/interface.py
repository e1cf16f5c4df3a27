"""The decision-log store extension point: where leaves, tree nodes, payloads and checkpoints live.

A `LogStore` is dumb, durable and append-only. It does no Merkle maths (the log computes the
nodes, `techfile.decisionlog._tree`) and it enforces these rules:

* `LogStore.append` writes one `Batch` (tiles of leaves with the subtree hashes that end at
  each, payloads and erasures) in ONE durable transaction, and only if
  the batch starts at the current size; when it returns, the batch survives a crash
  (`LogStore.append_one`: the same for the batch of one entry with its payload);
* a stored leaf (with its hashes) or checkpoint is never rewritten or deleted; only a
  payload (the record and its salt) may be deleted, and only together with the tombstone
  leaf that records it (its payload row is deleted and written again without it);
* every read is one query: `LogStore.tiles_at` serves all the tiles a proof needs at once,
  `LogStore.tiles` a range of them for the audit.

Leaves are stored in tiles of up to 64 consecutive leaves per row, with the subtree hashes
that end at each, and the payloads of a tile's entries in one row beside it
(`techfile.decisionlog._tiles`).

Errors::

    techfile.decisionlog.LogError
    └── StoreError                   the store could not be read or written
        ├── StoreConflictError       another writer appended first; nothing was written
        ├── MissingDataError         a leaf or node the log needs is not stored
        └── BackendUnavailableError  the store's driver is not installed (an extra)

Implementations: `techfile.decisionlog.store.sqlite` (the default) and
`techfile.decisionlog.store.postgres` (the ``postgres`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Final, NamedTuple, Protocol, TypeAlias

from techfile.decisionlog.errors import LogError

__all__ = [
    "ONLY_ENTRY",
    "BackendUnavailableError",
    "Batch",
    "LeafRow",
    "LogIdentity",
    "LogStore",
    "MissingDataError",
    "Payload",
    "PayloadTile",
    "StoreConflictError",
    "StoreError",
    "StoredCheckpoint",
    "TileRow",
    "single_entry_batch",
]


class StoreError(LogError):
    """The store could not be read or written."""

    def diagnostics(self) -> str:
        """Say what failed and what to do."""
        cause = f"\n  cause: {self.__cause__}" if self.__cause__ is not None else ""
        return (
            f"{self}{cause}\n"
            "  What was acknowledged is stored; a batch that failed was written not at all\n"
            "  and none of its entries was acknowledged. Check that the database is\n"
            "  reachable and writable, then retry."
        )


class StoreConflictError(StoreError):
    """Another writer appended to the log first; the batch was not written and may be retried."""


class MissingDataError(StoreError):
    """A leaf or tree node the log needs is not in the store (a damaged or truncated store)."""


class BackendUnavailableError(StoreError):
    """The driver a store needs is not installed."""

    def diagnostics(self) -> str:
        """Give the one-line install hint (STYLE E5)."""
        return str(self)


@dataclass(frozen=True, slots=True)
class Payload:
    """A record's canonical JSON and the salt of its commitment, kept beside its leaf."""

    index: int
    """The log index of the record's leaf."""
    record: bytes
    """The record's RFC 8785 JSON."""
    salt: bytes
    """The commitment's random salt."""


LeafRow: TypeAlias = tuple[int, bytes, bytes]
"""One leaf as proofs read it: ``(index, data, hashes)``, ``hashes`` being the subtree hashes
that end at it (its leaf hash first; see `techfile.decisionlog._tree`)."""

TileRow: TypeAlias = tuple[int, int, bytes, bytes]
"""A stored tile: ``(first, upto, hashes, leaves)``, the leaves ``[first, upto)`` with their
subtree hashes concatenated and their data joined by line feeds (see
`techfile.decisionlog._tiles`)."""

PayloadTile: TypeAlias = tuple[int, bytes, bytes, bytes]
"""The stored payloads of one tile's entries: ``(first, entries, salts, records)``, ``first``
being the tile's, ``entries`` one byte per payload (its index less ``first``, ascending),
``salts`` their salts concatenated and ``records`` their records joined by line feeds (see
`techfile.decisionlog._tiles`)."""


class Batch(NamedTuple):
    """Everything one append writes, in one transaction.

    The leaves come as the four columns of their tiles, not a tuple per leaf: a batch of
    10,000 records makes no 10,000 objects just to be taken apart again by the store. The
    columns have one value per tile each, the first tile starting at ``first_index``
    (`techfile.decisionlog._tiles.pack` cuts them so). A named tuple: a batch of one entry
    is as common as any, and costs no validation beyond that.
    """

    first_index: int
    """The index of the first leaf; must equal the store's size when written."""
    firsts: Sequence[int]
    """The index of each tile's first leaf (`techfile.decisionlog._tiles.pack`)."""
    uptos: Sequence[int]
    """The index after each tile's last leaf."""
    hashes: Sequence[bytes]
    """Each tile's subtree hashes, leaf by leaf, concatenated."""
    leaves: Sequence[bytes]
    """Each tile's leaf data, joined by line feeds."""
    payloads: Sequence[PayloadTile] = ()
    """Payload rows to insert: those of the new records, and those rewritten by erasures."""
    removed: Sequence[PayloadTile] = ()
    """Payload rows an erasure rewrites, deleted first; each must be stored exactly so, or
    another writer changed it since it was read (`StoreConflictError`)."""


ONLY_ENTRY: Final = b"\x00"
"""The ``entries`` of a payload row that holds its tile's first entry alone."""


def single_entry_batch(first: int, hashes: bytes, leaf: bytes, salt: bytes, record: bytes) -> Batch:
    """Return the batch of one entry with its payload: one tile of one leaf, one payload row.

    Args:
        first: The entry's index, the size of the log before it.
        hashes: Its leaf hash and the subtree hashes it completes, concatenated.
        leaf: Its leaf data.
        salt: The salt of its commitment.
        record: Its record.
    """
    return Batch(first, [first], [first + 1], [hashes], [leaf], [(first, ONLY_ENTRY, salt, record)])


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A signed checkpoint note as stored, under the tree size it signs."""

    size: int
    """The tree size the store filed the note under."""
    note: bytes
    """The signed note, byte for byte as signed."""


@dataclass(frozen=True, slots=True)
class LogIdentity:
    """Which log a store holds: its origin and the key that signs its checkpoints."""

    origin: str
    """The checkpoint origin line."""
    verifier_key: str
    """The log's note verifier key (vkey) string."""


class LogStore(Protocol):
    """Durable, append-only storage for one decision log."""

    def identify(self, identity: LogIdentity) -> LogIdentity:
        """Record the log's identity if the store has none; return the identity it holds."""
        ...

    def size(self) -> int:
        """Return the number of leaves stored."""
        ...

    def append(self, batch: Batch) -> None:
        """Write the batch in one durable transaction.

        Raises:
            StoreConflictError: The store's size is not ``batch.first_index``.
            StoreError: The transaction failed; nothing was written.
        """
        ...

    def append_one(
        self, first: int, hashes: bytes, leaf: bytes, salt: bytes, record: bytes
    ) -> None:
        """Write one entry with its payload in one durable transaction.

        What `append` of `single_entry_batch` with the same arguments writes, for the
        commonest batch of all, which a store may write more cheaply.

        Raises:
            StoreConflictError: The store's size is not ``first``.
            StoreError: The transaction failed; nothing was written.
        """
        ...

    def tiles(self, start: int, end: int) -> list[TileRow]:
        """Return, in order and in one query, the stored tiles that hold leaves in ``[start, end)``.

        That is the tile holding ``start`` (the one with the largest ``first <= start``) and
        every tile whose ``first`` is in ``(start, end)``.
        """
        ...

    def tiles_at(self, indices: Sequence[int]) -> list[TileRow]:
        """Return, in one query, the stored tile that holds each leaf index given."""
        ...

    def payloads(self, start: int, end: int) -> list[PayloadTile]:
        """Return, in order and in one query, the payload rows of entries in ``[start, end)``.

        They are chosen as `tiles` chooses tiles, by ``first``.
        """
        ...

    def add_checkpoint(self, size: int, note: bytes) -> None:
        """Store a signed checkpoint durably; keep the first one if the size has one already."""
        ...

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Return every stored checkpoint, smallest size first."""
        ...

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        """Return the checkpoint of the largest size, or None if there is none."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Return a context in which every read sees one committed state (no writes in it)."""
        ...

    def close(self) -> None:
        """Release the connection; the store is unusable afterwards."""
        ...
