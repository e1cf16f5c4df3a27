"""The SQLite store of the decision log: the default, one file, safe against a killed process.

The database runs in WAL mode with ``synchronous=FULL``: a transaction is durable when its
COMMIT returns, even against power loss. Each batch is written in one ``BEGIN IMMEDIATE``
transaction, which takes the write lock before reading the size, so two writers (threads or
processes) never interleave a batch. ``secure_delete`` overwrites an erased payload in the
database file (its old page stays in the WAL only until the next checkpoint). Triggers refuse
UPDATE and DELETE on leaves, nodes, checkpoints and the identity, and UPDATE on payloads: a
stored entry is never rewritten by this code or by a mistaken query, and only an erasure
deletes a payload.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from techfile.decisionlog.store.interface import (
    Batch,
    LogIdentity,
    MissingDataError,
    Payload,
    StoreConflictError,
    StoredCheckpoint,
    StoreError,
)

__all__ = ["SqliteStore"]

_BUSY_TIMEOUT_SECONDS: Final = 30.0
_SCHEMA_VERSION: Final = "1"
_APPEND_ONLY: Final = "the techfile decision log is append-only"

_NODE: Final = "SELECT hash FROM decisionlog_nodes WHERE level = ? AND idx = ?"
_TABLES: Final = (
    "CREATE TABLE IF NOT EXISTS decisionlog_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS decisionlog_leaves (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_nodes (level INTEGER NOT NULL,"
        " idx INTEGER NOT NULL,"
        " hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID"
    ),
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_payloads (idx INTEGER PRIMARY KEY,"
        " record BLOB NOT NULL, salt BLOB NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_checkpoints (size INTEGER PRIMARY KEY,"
        " note BLOB NOT NULL)"
    ),
)
_GUARDED: Final = (
    ("meta", ("UPDATE", "DELETE")),
    ("leaves", ("UPDATE", "DELETE")),
    ("nodes", ("UPDATE", "DELETE")),
    ("checkpoints", ("UPDATE", "DELETE")),
    ("payloads", ("UPDATE",)),
)
_TRIGGERS: Final = tuple(
    f"CREATE TRIGGER IF NOT EXISTS decisionlog_{table}_no_{event.lower()} BEFORE {event}"
    f" ON decisionlog_{table} BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
    for table, events in _GUARDED
    for event in events
)


class SqliteStore:
    """A `LogStore` in one SQLite database file (or ``:memory:``).

    The connection may be used from several threads, one at a time: the decision log
    serialises its calls.
    """

    def __init__(self, path: str | Path) -> None:
        self._where = str(path)
        with self._guard("open"):
            self._db = sqlite3.connect(
                path,
                isolation_level=None,  # we issue BEGIN and COMMIT ourselves
                check_same_thread=False,
                timeout=_BUSY_TIMEOUT_SECONDS,
            )
        with self._guard("set up"):
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            # GDPR Art 17: an erased payload's bytes are overwritten, not left in free pages.
            self._db.execute("PRAGMA secure_delete=ON")
            with self._transaction():
                for statement in (*_TABLES, *_TRIGGERS):
                    self._db.execute(statement)

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as e:
            raise StoreError(f"SQLite decision log {self._where}: cannot {what}: {e}") from e

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # BEGIN IMMEDIATE takes the write lock now, so the size read inside stays true.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _size(self) -> int:
        row = self._db.execute(
            "SELECT COALESCE(MAX(idx) + 1, 0) FROM decisionlog_leaves"
        ).fetchone()
        return int(row[0])

    def identify(self, identity: LogIdentity) -> LogIdentity:
        """Record the log's identity if the store has none; return the identity it holds."""
        wanted = {"origin": identity.origin, "vkey": identity.verifier_key}
        with self._guard("record the log identity"):
            with self._transaction():
                self._db.executemany(
                    "INSERT INTO decisionlog_meta (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO NOTHING",
                    [*wanted.items(), ("schema", _SCHEMA_VERSION)],
                )
            rows = dict(self._db.execute("SELECT name, value FROM decisionlog_meta").fetchall())
        return LogIdentity(str(rows["origin"]), str(rows["vkey"]))

    def size(self) -> int:
        """Return the number of leaves stored."""
        with self._guard("read the size"):
            return self._size()

    def append(self, batch: Batch) -> None:
        """Write the batch in one durable transaction (see `LogStore.append`)."""
        with self._guard("append a batch"), self._transaction():
            size = self._size()
            if size != batch.first_index:
                raise StoreConflictError(
                    f"batch starts at index {batch.first_index}, but the log holds {size} leaves"
                )
            first = batch.first_index
            self._db.executemany(
                "INSERT INTO decisionlog_leaves (idx, data) VALUES (?, ?)",
                [(first + offset, data) for offset, data in enumerate(batch.leaves)],
            )
            self._db.executemany(
                "INSERT INTO decisionlog_nodes (level, idx, hash) VALUES (?, ?, ?)",
                [(node.level, node.index, node.hash) for node in batch.nodes],
            )
            self._db.executemany(
                "INSERT INTO decisionlog_payloads (idx, record, salt) VALUES (?, ?, ?)",
                [(p.index, p.record, p.salt) for p in batch.payloads],
            )
            self._db.executemany(
                "DELETE FROM decisionlog_payloads WHERE idx = ?", [(i,) for i in batch.erasures]
            )

    def leaves(self, start: int, end: int) -> list[tuple[int, bytes]]:
        """Return the stored ``(index, data)`` of the leaves in ``[start, end)``, in order."""
        with self._guard("read leaves"):
            rows = self._db.execute(
                "SELECT idx, data FROM decisionlog_leaves WHERE idx >= ? AND idx < ? ORDER BY idx",
                (start, end),
            ).fetchall()
        return [(int(index), bytes(data)) for index, data in rows]

    def node(self, level: int, index: int) -> bytes:
        """Return one stored subtree hash (see `LogStore.node`)."""
        # A proof reads O(log n) nodes one by one: no context manager on this path.
        try:
            row = self._db.execute(_NODE, (level, index)).fetchone()
        except sqlite3.Error as e:
            raise StoreError(
                f"SQLite decision log {self._where}: cannot read a tree node: {e}"
            ) from e
        if row is None:
            raise MissingDataError(f"tree node ({level}, {index}) is not stored")
        return bytes(row[0])

    def nodes_at(self, positions: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Return the stored hash of each ``(level, index)`` found, in one query."""
        if not positions:
            return {}
        # OR of point lookups: SQLite answers it from the primary key (MULTI-INDEX OR), where
        # a row-value IN (VALUES ...) scans the whole table.
        wanted = " OR ".join("(level = ? AND idx = ?)" for _ in positions)
        query = f"SELECT level, idx, hash FROM decisionlog_nodes WHERE {wanted}"  # noqa: S608 - placeholders only
        with self._guard("read tree nodes"):
            rows = self._db.execute(query, [n for position in positions for n in position])
            return {(int(level), int(index)): bytes(value) for level, index, value in rows}

    def nodes(self, level: int, start: int, end: int) -> list[tuple[int, bytes]]:
        """Return the stored ``(index, hash)`` at ``level`` with index in ``[start, end)``."""
        with self._guard("read tree nodes"):
            rows = self._db.execute(
                "SELECT idx, hash FROM decisionlog_nodes WHERE level = ? AND idx >= ? AND idx < ?"
                " ORDER BY idx",
                (level, start, end),
            ).fetchall()
        return [(int(index), bytes(value)) for index, value in rows]

    def payload(self, index: int) -> Payload | None:
        """Return the payload of one entry, or None if it has none or it was erased."""
        found = self.payloads(index, index + 1)
        return found[0] if found else None

    def payloads(self, start: int, end: int) -> list[Payload]:
        """Return the stored payloads of the entries in ``[start, end)``, in order."""
        with self._guard("read payloads"):
            rows = self._db.execute(
                "SELECT idx, record, salt FROM decisionlog_payloads WHERE idx >= ? AND idx < ?"
                " ORDER BY idx",
                (start, end),
            ).fetchall()
        return [Payload(int(i), bytes(record), bytes(salt)) for i, record, salt in rows]

    def add_checkpoint(self, size: int, note: bytes) -> None:
        """Store a signed checkpoint durably; keep the first one if the size has one already."""
        with self._guard("store a checkpoint"), self._transaction():
            self._db.execute(
                "INSERT INTO decisionlog_checkpoints (size, note) VALUES (?, ?)"
                " ON CONFLICT (size) DO NOTHING",
                (size, note),
            )

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Return every stored checkpoint, smallest size first."""
        with self._guard("read checkpoints"):
            rows = self._db.execute(
                "SELECT size, note FROM decisionlog_checkpoints ORDER BY size"
            ).fetchall()
        return [StoredCheckpoint(int(size), bytes(note)) for size, note in rows]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        """Return the checkpoint of the largest size, or None if there is none."""
        with self._guard("read the latest checkpoint"):
            row = self._db.execute(
                "SELECT size, note FROM decisionlog_checkpoints ORDER BY size DESC LIMIT 1"
            ).fetchone()
        return None if row is None else StoredCheckpoint(int(row[0]), bytes(row[1]))

    def close(self) -> None:
        """Close the connection."""
        with self._guard("close"):
            self._db.close()
