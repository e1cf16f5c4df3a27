"""The SQLite store of the decision log: the default, one file, safe against a killed process.

The database runs in WAL mode with ``synchronous=FULL``: a transaction is durable when its
COMMIT returns, even against power loss. Each batch is written in one transaction that takes
the write lock first: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or, for one entry with its payload
(`SqliteStore.append_one`), a single INSERT (`_ONE_TILE`), which is its own transaction. A
trigger refuses a tile that does not start at the log's size, so two writers (threads or
processes) never interleave or overlap batches: the later one gets `StoreConflictError` and
retries. Triggers also refuse UPDATE and DELETE on tiles (leaves with their hashes),
checkpoints and the identity, and UPDATE on payloads: a stored entry is never rewritten by
this code or by a mistaken query.

Leaves are stored in tiles of up to 64 with the subtree hashes that end at each, and their
payloads in one row beside each tile (`techfile.decisionlog._tiles`), so a batch writes two
rows per 64 leaves or fewer. An erasure deletes its payload's row and writes it again without
the erased payload; ``secure_delete`` overwrites the deleted row in the database file (its
old page stays in the WAL only until the next WAL checkpoint). The latest signed checkpoint
is kept in memory and read again only when another connection has committed (``PRAGMA
data_version``).

The WAL is copied into the database file every thousand pages or so, as SQLite does by
itself, but after a large batch the copy runs in a background thread on its own connection
(`_Checkpointer`), overlapping with the making of the next batch instead of delaying the
acknowledgement of this one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

from techfile.decisionlog.store.interface import (
    ONLY_ENTRY,
    Batch,
    LogIdentity,
    PayloadTile,
    StoreConflictError,
    StoredCheckpoint,
    StoreError,
    TileRow,
)

__all__ = ["SqliteStore"]

_BUSY_TIMEOUT_SECONDS: Final = 30.0
_PAGE_SIZE: Final = 4096  # SQLite's default, which the store keeps
_CHECKPOINT_PAGES: Final = 1000
"""WAL pages written between background checkpoints (SQLite's default automatic limit)."""
_FALLBACK_CHECKPOINT_PAGES: Final = 16 * _CHECKPOINT_PAGES
"""WAL pages at which the writer checkpoints itself, should the background fall behind."""
_BACKGROUND_PAGES: Final = 256
"""Pages a batch writes (1 MiB, about 2,000 entries) from which its checkpoint runs in the
background."""
_CATCH_UP_PASSES: Final = 8
"""Checkpoints run in a row to copy what was committed during the one before."""
_SCHEMA_VERSION: Final = "3"
_MOST_VARIABLES: Final = 999  # host parameters per statement in any SQLite build
_TILE: Final = "SELECT first, upto, hashes, leaves FROM decisionlog_tiles"
_TILES_FROM: Final = (
    f"{_TILE} WHERE first >= (SELECT coalesce(max(first), 0) FROM decisionlog_tiles"  # noqa: S608 - our names
    " WHERE first <= ?) AND first < ? ORDER BY first"
)
_DELETE_PAYLOADS: Final = (
    "DELETE FROM decisionlog_payloads WHERE first = ? AND entries = ? AND salts = ? AND records = ?"
)
_PAYLOADS_FROM: Final = (
    "SELECT first, entries, salts, records FROM decisionlog_payloads WHERE first >="
    " (SELECT coalesce(max(first), 0) FROM decisionlog_payloads WHERE first <= ?)"
    " AND first < ? ORDER BY first"
)
_TILES: Final = "decisionlog_tiles (first, upto, hashes, leaves)"
_PAYLOADS: Final = "decisionlog_payloads (first, entries, salts, records)"
_INSERT_TILE: Final = f"INSERT INTO {_TILES} VALUES (?, ?, ?, ?)"  # noqa: S608 - our names
_INSERT_PAYLOADS: Final = f"INSERT INTO {_PAYLOADS} VALUES (?, ?, ?, ?)"  # noqa: S608 - our names
_TILES_AT: dict[int, str] = {}  # the query of tiles_at, by the number of indices
_APPEND_ONLY: Final = "the techfile decision log is append-only"

_TABLES: Final = (
    "CREATE TABLE IF NOT EXISTS decisionlog_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_tiles (first INTEGER PRIMARY KEY,"
        " upto INTEGER NOT NULL, hashes BLOB NOT NULL, leaves BLOB NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_payloads (first INTEGER PRIMARY KEY,"
        " entries BLOB NOT NULL, salts BLOB NOT NULL, records BLOB NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS decisionlog_checkpoints (size INTEGER PRIMARY KEY,"
        " note BLOB NOT NULL)"
    ),
    # Tiles with the payload row beside each; an INSERT into it writes both (_ONE_TILE).
    (
        "CREATE VIEW IF NOT EXISTS decisionlog_tiles_with_payloads AS SELECT t.first, t.upto,"
        " t.hashes, t.leaves, p.entries, p.salts, p.records FROM decisionlog_tiles AS t"
        " JOIN decisionlog_payloads AS p ON p.first = t.first"
    ),
)
_GUARDED: Final = (
    ("meta", ("UPDATE", "DELETE")),
    ("tiles", ("UPDATE", "DELETE")),
    ("checkpoints", ("UPDATE", "DELETE")),
    ("payloads", ("UPDATE",)),
)
_OUT_OF_PLACE: Final = "a tile must start at the size of the log"
_ONE_TILE: Final = (
    "INSERT INTO decisionlog_tiles_with_payloads"
    " (first, upto, hashes, leaves, entries, salts, records) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
"""One entry's tile and payload row, as ONE statement: without BEGIN and COMMIT it is
its own transaction (SQLite's autocommit), atomic and, in WAL mode with ``synchronous=FULL``,
durable when it returns, as the explicit transaction is."""
_TRIGGERS: Final = (
    (
        "CREATE TRIGGER IF NOT EXISTS decisionlog_tiles_with_payloads_insert INSTEAD OF INSERT"
        " ON decisionlog_tiles_with_payloads BEGIN"
        " INSERT INTO decisionlog_tiles (first, upto, hashes, leaves)"
        " VALUES (NEW.first, NEW.upto, NEW.hashes, NEW.leaves);"
        " INSERT INTO decisionlog_payloads (first, entries, salts, records)"
        " VALUES (NEW.first, NEW.entries, NEW.salts, NEW.records); END"
    ),
    *(
        f"CREATE TRIGGER IF NOT EXISTS decisionlog_{table}_no_{event.lower()} BEFORE {event}"
        f" ON decisionlog_{table} BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        for table, events in _GUARDED
        for event in events
    ),
    # Each tile starts where the last one ends: a writer whose idea of the size is stale
    # (another appended first) gets an error instead of a second tile at the same index
    # or a gap. Checked inside SQLite, this costs an append no query of its own.
    (
        "CREATE TRIGGER IF NOT EXISTS decisionlog_tiles_in_place BEFORE INSERT ON"  # noqa: S608 - constants
        f" decisionlog_tiles BEGIN SELECT RAISE(ABORT, '{_OUT_OF_PLACE}') WHERE NEW.first"
        " != coalesce((SELECT upto FROM decisionlog_tiles ORDER BY first DESC LIMIT 1), 0);"
        " END"
    ),
)


class SqliteStore:
    """A `LogStore` in one SQLite database file (or ``:memory:``).

    The connection may be used from several threads, one at a time: the decision log
    serialises its calls.
    """

    def __init__(self, path: str | Path) -> None:
        self._where = str(path)
        self._latest: StoredCheckpoint | None = None
        self._seen = -1  # the data_version at which _latest was read; -1: not read
        with self._guard("open"):
            self._db = sqlite3.connect(
                path,
                isolation_level=None,  # we issue BEGIN and COMMIT ourselves
                check_same_thread=False,
                timeout=_BUSY_TIMEOUT_SECONDS,
            )
        self._checkpoints: _Checkpointer | None = None
        self._unchecked = 0  # pages written to the WAL since the last checkpoint asked for
        with self._guard("set up"):
            wal = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
            if wal:  # not for a database in memory
                # The store decides when to checkpoint, and where (`_checkpoint`); SQLite's
                # automatic checkpoint stays only as a backstop.
                self._db.execute(f"PRAGMA wal_autocheckpoint={_FALLBACK_CHECKPOINT_PAGES}")
                self._checkpoints = _Checkpointer(path)
            # A batch's dirty pages stay in the page cache until COMMIT writes each once to the
            # WAL; spilled mid-transaction, the pages an append keeps touching (the last leaf
            # page of each table) would be written again (about a sixth more bytes per entry).
            self._db.execute("PRAGMA cache_spill=OFF")
            self._db.execute("PRAGMA synchronous=FULL")
            # GDPR Art 17: an erased payload's bytes are overwritten, not left in free pages.
            self._db.execute("PRAGMA secure_delete=ON")
            with self._transaction():
                for statement in (*_TABLES, *_TRIGGERS):
                    self._db.execute(statement)
            self._cursor = self._db.cursor()  # for appends, which are many: none made per query

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
            "SELECT upto FROM decisionlog_tiles ORDER BY first DESC LIMIT 1"
        ).fetchone()
        return 0 if row is None else int(row[0])

    def identify(self, identity: LogIdentity) -> LogIdentity:
        """Record the log's identity if the store has none; return the identity it holds.

        Raises:
            StoreError: The database holds a log of another schema version.
        """
        wanted = {"origin": identity.origin, "vkey": identity.verifier_key}
        with self._guard("record the log identity"):
            with self._transaction():
                self._db.executemany(
                    "INSERT INTO decisionlog_meta (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO NOTHING",
                    [*wanted.items(), ("schema", _SCHEMA_VERSION)],
                )
            rows = dict(self._db.execute("SELECT name, value FROM decisionlog_meta").fetchall())
        if rows["schema"] != _SCHEMA_VERSION:
            raise StoreError(
                f"SQLite decision log {self._where} has schema version {rows['schema']},"
                f" this techfile reads version {_SCHEMA_VERSION}"
            )
        return LogIdentity(str(rows["origin"]), str(rows["vkey"]))

    def size(self) -> int:
        """Return the number of leaves stored."""
        with self._guard("read the size"):
            return self._size()

    def append(self, batch: Batch) -> None:
        """Write the batch in one durable transaction (see `LogStore.append`)."""
        db = self._cursor
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                written = self._write(batch)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as e:
            raise self._refusal(e, batch.first_index) from e
        if self._checkpoints is not None:
            self._checkpoint(written, self._checkpoints)

    def append_one(
        self, first: int, hashes: bytes, leaf: bytes, salt: bytes, record: bytes
    ) -> None:
        """Write one entry with its payload as ONE statement (`_ONE_TILE`; `LogStore.append_one`).

        The commonest append of all (every record at a batch size of one) is spelled out:
        no `Batch`, no BEGIN and COMMIT (the statement is its own transaction).
        """
        # As bytearrays: the sqlite3 module binds those at once, while it passes each bytes
        # value through its adaptation protocol first, whose failed lookup of an adapter
        # raises and clears an exception; for these few small values that costs more than
        # the copies (about a twentieth of a single-record append's instructions).
        blobs = bytearray(hashes), bytearray(leaf), bytearray(ONLY_ENTRY), bytearray(salt)
        try:
            self._cursor.execute(_ONE_TILE, (first, first + 1, *blobs, bytearray(record)))
        except sqlite3.Error as e:
            raise self._refusal(e, first) from e
        if self._checkpoints is not None:
            written = len(hashes) + len(leaf) + len(salt) + len(record)
            self._checkpoint(written, self._checkpoints)

    def _refusal(self, error: sqlite3.Error, first: int) -> StoreError:
        """Return the error to raise for a failed append of a batch starting at ``first``."""
        if isinstance(error, sqlite3.IntegrityError) and _OUT_OF_PLACE in str(error):
            size = self.size()
            return StoreConflictError(
                f"batch starts at index {first}, but the log holds {size} leaves"
            )
        what = "" if isinstance(error, sqlite3.IntegrityError) else " a batch"
        return StoreError(f"SQLite decision log {self._where}: cannot append{what}: {error}")

    def _checkpoint(self, written: int, background: _Checkpointer) -> None:
        """Copy the WAL into the database file every `_CHECKPOINT_PAGES` pages written.

        After a large batch, in the background (`_Checkpointer`): the caller then spends a
        while making its next batch, and the copy's writes and fsync overlap with that.
        After a small one, right here, as SQLite's automatic checkpoint would: the next
        commit follows at once, and with the WAL fully copied it starts the WAL afresh
        rather than growing it.
        """
        # About the pages the batch wrote to the WAL: its bytes, and the last page of each
        # table (a batch of one entry writes two pages).
        pages = 2 + written // _PAGE_SIZE
        self._unchecked += pages
        if self._unchecked < _CHECKPOINT_PAGES:
            return
        self._unchecked = 0
        if pages >= _BACKGROUND_PAGES:
            background.request()
        else:
            with suppress(sqlite3.Error):  # busy: the next one retries, as SQLite's own
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _write(self, batch: Batch) -> int:
        # One INSERT step per row. A multi-row INSERT into a table with a row trigger (the
        # tiles' in-place check) makes SQLite copy every row, blobs and all, into a temporary
        # table first: for a batch of 10,000 records about 6 MB, half as much again as the
        # insert itself. The tiles' trigger refuses a batch that does not start at the size.
        tiles = zip(batch.firsts, batch.uptos, batch.hashes, batch.leaves, strict=True)
        self._cursor.executemany(_INSERT_TILE, tiles)
        for removed in batch.removed:  # an erasure: its row goes, a rewritten one comes
            deleted = self._db.execute(_DELETE_PAYLOADS, removed).rowcount
            if deleted != 1:
                raise StoreConflictError(
                    f"the payloads of tile {removed[0]} changed since they were read"
                )
        self._cursor.executemany(_INSERT_PAYLOADS, batch.payloads)
        return _written(batch)

    def tiles(self, start: int, end: int) -> list[TileRow]:
        """Return the stored tiles that hold leaves in ``[start, end)`` (`LogStore.tiles`)."""
        # Every proof comes here: no context manager on this path.
        try:
            return self._db.execute(_TILES_FROM, (start, end)).fetchall()
        except sqlite3.Error as e:
            raise StoreError(f"SQLite decision log {self._where}: cannot read leaves: {e}") from e

    def tiles_at(self, indices: Sequence[int]) -> list[TileRow]:
        """Return the stored tile that holds each leaf index given (`LogStore.tiles_at`)."""
        found: list[TileRow] = []
        try:
            for at in range(0, len(indices), _MOST_VARIABLES):
                chunk = indices[at : at + _MOST_VARIABLES]
                query = _TILES_AT.get(len(chunk))
                if query is None:
                    wanted = ", ".join(["(?)"] * len(chunk))
                    query = _TILES_AT[len(chunk)] = (
                        f"{_TILE} WHERE first IN (SELECT (SELECT max(first) FROM"  # noqa: S608 - placeholders only
                        f" decisionlog_tiles WHERE first <= wanted.column1)"
                        f" FROM (VALUES {wanted}) AS wanted) ORDER BY first"
                    )
                found += self._db.execute(query, chunk).fetchall()
        except sqlite3.Error as e:
            raise StoreError(f"SQLite decision log {self._where}: cannot read leaves: {e}") from e
        return found

    def payloads(self, start: int, end: int) -> list[PayloadTile]:
        """Return the stored payload rows of entries in ``[start, end)`` (`LogStore.payloads`)."""
        with self._guard("read payloads"):
            return self._db.execute(_PAYLOADS_FROM, (start, end)).fetchall()

    def add_checkpoint(self, size: int, note: bytes) -> None:
        """Store a signed checkpoint durably; keep the first one if the size has one already."""
        with self._guard("store a checkpoint"), self._transaction():
            self._db.execute(
                "INSERT INTO decisionlog_checkpoints (size, note) VALUES (?, ?)"
                " ON CONFLICT (size) DO NOTHING",
                (size, note),
            )
        self._seen = -1  # data_version does not count this connection's own commits

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Return every stored checkpoint, smallest size first."""
        with self._guard("read checkpoints"):
            rows = self._db.execute(
                "SELECT size, note FROM decisionlog_checkpoints ORDER BY size"
            ).fetchall()
        return [StoredCheckpoint(int(size), bytes(note)) for size, note in rows]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        """Return the checkpoint of the largest size, or None if there is none."""
        # Proofs ask for it every time: read it again only when another connection committed
        # since (SQLite's data_version), or this one added a checkpoint. No context manager
        # on this path.
        try:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if version == self._seen:
                return self._latest
            row = self._db.execute(
                "SELECT size, note FROM decisionlog_checkpoints ORDER BY size DESC LIMIT 1"
            ).fetchone()
        except sqlite3.Error as e:
            raise StoreError(
                f"SQLite decision log {self._where}: cannot read the latest checkpoint: {e}"
            ) from e
        self._latest = None if row is None else StoredCheckpoint(int(row[0]), bytes(row[1]))
        self._seen = version
        return self._latest

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read one committed state: a read transaction (WAL keeps its snapshot)."""
        with self._guard("start a read transaction"):
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            with self._guard("end a read transaction"):
                self._db.execute("COMMIT")

    def close(self) -> None:
        """Stop the background checkpoints, then close the connection."""
        if self._checkpoints is not None:
            self._checkpoints.close()
        with self._guard("close"):
            self._db.close()


def _written(batch: Batch) -> int:
    """Return about how many bytes a batch adds to the database."""
    tiles = sum(map(len, batch.hashes)) + sum(map(len, batch.leaves))
    return tiles + sum(len(salts) + len(records) for _, _, salts, records in batch.payloads)


class _Checkpointer:
    """Copies the WAL into the database file in a background thread, on its own connection.

    SQLite's automatic checkpoint runs in the committing thread, right after the COMMIT that
    takes the WAL past its limit: that append then also writes every page again into the
    database file and waits for a second fsync. Here the writer only asks (`request`) and a
    thread runs a PASSIVE checkpoint, which never blocks readers or writers, while the writer
    goes on; the GIL is released while SQLite works. A checkpoint copies committed pages
    from one durable file into another, so a crash during it loses nothing (SQLite redoes
    it). Should it fall far behind, the writer's own automatic checkpoint (at
    `_FALLBACK_CHECKPOINT_PAGES`) catches up, as without it.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = path
        self._asked = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Ask for a checkpoint soon; the first request starts the thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="decisionlog-checkpoint", daemon=True
            )
            self._thread.start()
        self._asked.set()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return  # the writer's own automatic checkpoints take over
        try:
            while True:
                self._asked.wait()
                self._asked.clear()
                if self._closing:
                    return
                with suppress(sqlite3.Error):  # busy or failed: the next request retries
                    for _ in range(_CATCH_UP_PASSES):
                        # (busy, pages in the WAL, pages copied); all copied, the next
                        # transaction starts the WAL afresh instead of growing it.
                        _, pages, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                        if copied >= pages or self._closing:
                            break
        finally:
            db.close()

    def close(self) -> None:
        """Stop the thread; a checkpoint under way finishes first."""
        self._closing = True
        self._asked.set()
        if self._thread is not None:
            self._thread.join()
