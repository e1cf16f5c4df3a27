"""The PostgreSQL store of the decision log (the ``postgres`` extra, psycopg 3).

The tables live in the first schema of the connection's ``search_path`` (choose one with
``?options=-csearch_path%3Dmy_schema`` in the URL). Each batch is one transaction that first
takes a SHARE ROW EXCLUSIVE lock on the tiles table, which excludes other writers but not
readers, so the size it reads stays true until COMMIT; ``synchronous_commit`` is forced on,
so a batch is durable when COMMIT returns. As in SQLite, triggers refuse UPDATE and DELETE on
tiles (leaves with their hashes), checkpoints and the identity, and UPDATE on payloads.

Leaves are stored in tiles of up to 64 with the subtree hashes that end at each, and their
payloads in one row beside each tile (`techfile.decisionlog._tiles`): a batch writes two rows
per 64 leaves or fewer. An erasure deletes its payload's row and writes it again without the
erased payload. The deleted row is dead at once but its bytes stay on disk until VACUUM
reclaims them: schedule VACUUM of ``decisionlog_payloads`` to complete erasures.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

import psycopg
from psycopg.rows import TupleRow

from techfile.decisionlog.store.interface import (
    Batch,
    LogIdentity,
    PayloadTile,
    StoreConflictError,
    StoredCheckpoint,
    StoreError,
    TileRow,
    single_entry_batch,
)

__all__ = ["PostgresStore"]

_SCHEMA_VERSION: Final = "3"
_TILE: Final = "SELECT first, upto, hashes, leaves FROM decisionlog_tiles"
_SETUP_LOCK: Final = 0x7465_6368_6669_6C65  # "techfile": serialises concurrent schema set-up

_TABLES: Final = (
    "CREATE TABLE IF NOT EXISTS decisionlog_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_tiles (first BIGINT PRIMARY KEY,"
        " upto BIGINT NOT NULL, hashes BYTEA NOT NULL, leaves BYTEA NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_payloads (first BIGINT PRIMARY KEY,"
        " entries BYTEA NOT NULL, salts BYTEA NOT NULL, records BYTEA NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_checkpoints (size BIGINT PRIMARY KEY,"
        " note BYTEA NOT NULL)"
    ),
    (
        "CREATE OR REPLACE FUNCTION decisionlog_refuse_change() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'the techfile decision log is append-only (% on %)',"
        " TG_OP, TG_TABLE_NAME; END $$"
    ),
)
_GUARDED: Final = (
    ("meta", "UPDATE OR DELETE"),
    ("tiles", "UPDATE OR DELETE"),
    ("checkpoints", "UPDATE OR DELETE"),
    ("payloads", "UPDATE"),
)
_TRIGGERS: Final = tuple(
    f"CREATE OR REPLACE TRIGGER decisionlog_{table}_append_only BEFORE {events}"
    f" ON decisionlog_{table} FOR EACH ROW EXECUTE FUNCTION decisionlog_refuse_change()"
    for table, events in _GUARDED
)


class PostgresStore:
    """A `LogStore` in a PostgreSQL database.

    The connection may be used from several threads, one at a time: the decision log
    serialises its calls.
    """

    def __init__(self, url: str) -> None:
        # Name the server in messages by host and database only: never echo a password.
        self._where = url.rsplit("@", maxsplit=1)[-1].split("?", maxsplit=1)[0]
        self._db: psycopg.Connection[TupleRow]
        with self._guard("connect"):
            self._db = psycopg.connect(url, autocommit=True)
        with self._guard("set up"):
            self._db.execute("SET synchronous_commit = on")
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
                for statement in (*_TABLES, *_TRIGGERS):
                    self._db.execute(statement)

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as e:
            raise StoreError(f"PostgreSQL decision log {self._where}: cannot {what}: {e}") from e

    def _size(self) -> int:
        row = self._db.execute(
            "SELECT upto FROM decisionlog_tiles ORDER BY first DESC LIMIT 1"
        ).fetchone()
        return int(row[0]) if row is not None else 0

    def identify(self, identity: LogIdentity) -> LogIdentity:
        """Record the log's identity if the store has none; return the identity it holds.

        Raises:
            StoreError: The database holds a log of another schema version.
        """
        wanted = {"origin": identity.origin, "vkey": identity.verifier_key}
        with self._guard("record the log identity"):
            with self._db.transaction(), self._db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO decisionlog_meta (name, value) VALUES (%s, %s)"
                    " ON CONFLICT (name) DO NOTHING",
                    [*wanted.items(), ("schema", _SCHEMA_VERSION)],
                )
            rows = self._db.execute("SELECT name, value FROM decisionlog_meta").fetchall()
        stored = {str(name): str(value) for name, value in rows}
        if stored["schema"] != _SCHEMA_VERSION:
            raise StoreError(
                f"PostgreSQL decision log {self._where} has schema version {stored['schema']},"
                f" this techfile reads version {_SCHEMA_VERSION}"
            )
        return LogIdentity(stored["origin"], stored["vkey"])

    def size(self) -> int:
        """Return the number of leaves stored."""
        with self._guard("read the size"):
            return self._size()

    def append_one(
        self, first: int, hashes: bytes, leaf: bytes, salt: bytes, record: bytes
    ) -> None:
        """Write one entry with its payload (see `LogStore.append_one`), as any batch."""
        self.append(single_entry_batch(first, hashes, leaf, salt, record))

    def append(self, batch: Batch) -> None:
        """Write the batch in one durable transaction (see `LogStore.append`)."""
        first = batch.first_index
        with self._guard("append a batch"), self._db.transaction(), self._db.cursor() as cursor:
            cursor.execute("LOCK TABLE decisionlog_tiles IN SHARE ROW EXCLUSIVE MODE")
            size = self._size()
            if size != first:
                raise StoreConflictError(
                    f"batch starts at index {first}, but the log holds {size} leaves"
                )
            for removed in batch.removed:  # an erasure: its row goes, a rewritten one comes
                cursor.execute(
                    "DELETE FROM decisionlog_payloads WHERE first = %s AND entries = %s"
                    " AND salts = %s AND records = %s",
                    removed,
                )
                if cursor.rowcount != 1:
                    raise StoreConflictError(
                        f"the payloads of tile {removed[0]} changed since they were read"
                    )
            writes = (
                (
                    (
                        "INSERT INTO decisionlog_tiles (first, upto, hashes, leaves)"
                        " VALUES (%s, %s, %s, %s)"
                    ),
                    list(zip(batch.firsts, batch.uptos, batch.hashes, batch.leaves, strict=True)),
                ),
                (
                    (
                        "INSERT INTO decisionlog_payloads (first, entries, salts, records)"
                        " VALUES (%s, %s, %s, %s)"
                    ),
                    list(batch.payloads),
                ),
            )
            for statement, rows in writes:
                if rows:
                    cursor.executemany(statement, rows)

    def tiles(self, start: int, end: int) -> list[TileRow]:
        """Return the stored tiles that hold leaves in ``[start, end)`` (`LogStore.tiles`)."""
        with self._guard("read leaves"):
            rows = self._db.execute(
                f"{_TILE} WHERE first >= (SELECT coalesce(max(first), 0) FROM decisionlog_tiles"  # noqa: S608 - our names
                " WHERE first <= %s) AND first < %s ORDER BY first",
                (start, end),
            ).fetchall()
        return [(int(a), int(b), bytes(h), bytes(d)) for a, b, h, d in rows]

    def tiles_at(self, indices: Sequence[int]) -> list[TileRow]:
        """Return the stored tile that holds each leaf index given (`LogStore.tiles_at`)."""
        with self._guard("read leaves"):
            rows = self._db.execute(
                f"{_TILE} WHERE first IN (SELECT (SELECT max(first) FROM decisionlog_tiles"  # noqa: S608 - our names
                " WHERE first <= wanted) FROM unnest(%s::bigint[]) AS wanted) ORDER BY first",
                (list(indices),),
            ).fetchall()
        return [(int(a), int(b), bytes(h), bytes(d)) for a, b, h, d in rows]

    def payloads(self, start: int, end: int) -> list[PayloadTile]:
        """Return the stored payload rows of entries in ``[start, end)`` (`LogStore.payloads`)."""
        with self._guard("read payloads"):
            rows = self._db.execute(
                "SELECT first, entries, salts, records FROM decisionlog_payloads WHERE first >="
                " (SELECT coalesce(max(first), 0) FROM decisionlog_payloads WHERE first <= %s)"
                " AND first < %s ORDER BY first",
                (start, end),
            ).fetchall()
        return [(int(a), bytes(e), bytes(s), bytes(r)) for a, e, s, r in rows]

    def add_checkpoint(self, size: int, note: bytes) -> None:
        """Store a signed checkpoint durably; keep the first one if the size has one already."""
        with self._guard("store a checkpoint"):
            self._db.execute(
                "INSERT INTO decisionlog_checkpoints (size, note) VALUES (%s, %s)"
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

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read one committed state: a read-only REPEATABLE READ transaction."""
        with self._guard("start a read transaction"), self._db.transaction():
            self._db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def close(self) -> None:
        """Close the connection."""
        with self._guard("close"):
            self._db.close()
