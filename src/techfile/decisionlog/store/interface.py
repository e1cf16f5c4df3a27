"""The decision-log store extension point: where leaves, tree nodes, payloads and checkpoints live.

A `LogStore` is dumb, durable and append-only. It does no Merkle maths (the log computes the
nodes, `techfile.decisionlog._tree`) and it enforces these rules:

* `LogStore.append` writes one `Batch` (leaves, the tree nodes they complete, payloads and
  erasures) in ONE durable transaction, and only if the batch starts at the current size;
  when it returns, the batch survives a crash of the process;
* a stored leaf, node or checkpoint is never rewritten or deleted; only a payload (the record
  and its salt) may be deleted, and only together with the tombstone leaf that records it;
* every read is one query, so a proof that needs O(log n) nodes costs O(log n) reads; a
  store that also implements `NodeBatchReader` serves all of a proof's nodes in one query.

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
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from techfile.decisionlog._tree import Node
from techfile.decisionlog.errors import LogError

__all__ = [
    "BackendUnavailableError",
    "Batch",
    "LogIdentity",
    "LogStore",
    "MissingDataError",
    "Node",
    "NodeBatchReader",
    "Payload",
    "StoreConflictError",
    "StoreError",
    "StoredCheckpoint",
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


@dataclass(frozen=True, slots=True)
class Batch:
    """Everything one append writes, in one transaction."""

    first_index: int
    """The index of the first leaf; must equal the store's size when written."""
    leaves: tuple[bytes, ...]
    """The leaf data, in log order."""
    nodes: tuple[Node, ...]
    """Every perfect subtree the leaves complete, level 0 (the leaf hashes) included."""
    payloads: tuple[Payload, ...] = ()
    """The payloads of the new decision and oversight records."""
    erasures: tuple[int, ...] = ()
    """Earlier indices whose payloads are deleted (their tombstones are among the leaves)."""


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

    def leaves(self, start: int, end: int) -> list[tuple[int, bytes]]:
        """Return the stored ``(index, data)`` of the leaves in ``[start, end)``, in order."""
        ...

    def node(self, level: int, index: int) -> bytes:
        """Return one stored subtree hash.

        Raises:
            MissingDataError: The node is not stored.
        """
        ...

    def nodes(self, level: int, start: int, end: int) -> list[tuple[int, bytes]]:
        """Return the stored ``(index, hash)`` at ``level`` with index in ``[start, end)``."""
        ...

    def payload(self, index: int) -> Payload | None:
        """Return the payload of one entry, or None if it has none or it was erased."""
        ...

    def payloads(self, start: int, end: int) -> list[Payload]:
        """Return the stored payloads of the entries in ``[start, end)``, in order."""
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

    def close(self) -> None:
        """Release the connection; the store is unusable afterwards."""
        ...


@runtime_checkable
class NodeBatchReader(Protocol):
    """A store that can read many tree nodes in one query (an optional extension of LogStore)."""

    def nodes_at(self, positions: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Return the stored hash of each ``(level, index)`` found; missing ones are left out."""
        ...
