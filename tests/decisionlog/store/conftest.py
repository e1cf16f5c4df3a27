"""Fixtures for running the same decision-log suite against every store.

``backend`` is parametrised over SQLite (a file in ``tmp_path``) and PostgreSQL (a fresh
schema on the server at 127.0.0.1:5432, dropped afterwards). The PostgreSQL cases carry the
``postgres`` marker and fail, never skip, when the server is unreachable (STYLE F1). Set
``TECHFILE_TEST_POSTGRES_URL`` to use another server or user.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from techfile.decisionlog import (
    Action,
    Batching,
    DecisionLog,
    DecisionRecord,
    OversightRecord,
    RetentionPolicy,
    SignerKey,
)
from techfile.decisionlog._tiles import position
from techfile.decisionlog._tree import holder
from techfile.decisionlog.store import (
    Batch,
    LogIdentity,
    LogStore,
    PayloadTile,
    StoredCheckpoint,
    TileRow,
    open_store,
)

POSTGRES_URL = os.environ.get(
    "TECHFILE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
"""The server the ``postgres`` tests use; each test gets its own schema in it."""

ORIGIN = "example.com/cardiorisk/decisions"
TABLES = ("meta", "tiles", "payloads", "checkpoints")
FAST = Batching(max_entries=64, max_delay_ms=2)
"""Batching for tests that wait on every entry."""
LONG_AGO = datetime(2020, 1, 1, 8, 30, tzinfo=UTC)
"""A time stamp whose retention period has long ended, so its entry may be erased."""


def _decision(n: int, *, when: datetime = LONG_AGO) -> DecisionRecord:
    """A distinct decision record; the n-th one is made n seconds after ``when``."""
    return DecisionRecord(
        device="cardiorisk-udi-0123456789012+SN42",
        model_version="2.1.0",
        input_digest=f"{n:064x}",
        output="high risk" if n % 3 == 0 else "low risk",
        score=(n % 97) / 97,
        timestamp=when + timedelta(seconds=n),
        site="Klinikum Nord, ward 3",
        operator="nurse-7",
    )


def _oversight(decision_index: int, action: Action = Action.OVERRIDE) -> OversightRecord:
    """A clinician's oversight of the decision at ``decision_index``."""
    return OversightRecord(
        decision_index=decision_index,
        action=action,
        clinician="dr-schmidt",
        timestamp=LONG_AGO + timedelta(days=1),
        reason="" if action is Action.CONFIRM else "ECG shows otherwise",
    )


MakeDecision = Callable[..., DecisionRecord]
MakeOversight = Callable[..., OversightRecord]


@pytest.fixture
def decision() -> MakeDecision:
    """Make the n-th distinct decision record: ``decision(n, when=...)``."""
    return _decision


@pytest.fixture
def oversight() -> MakeOversight:
    """Make an oversight record: ``oversight(decision_index, action=Action.OVERRIDE)``."""
    return _oversight


@dataclass
class Backend:
    """One store under test: its URL, the log's key, and raw SQL access for tampering."""

    name: str
    url: str
    key: SignerKey = field(default_factory=lambda: SignerKey.generate(ORIGIN))
    _sqlite: sqlite3.Connection | None = None
    _postgres: psycopg.Connection[tuple[Any, ...]] | None = None

    def open(
        self, *, batching: Batching = FAST, retention: RetentionPolicy | None = None
    ) -> DecisionLog:
        return DecisionLog.open(self.url, key=self.key, batching=batching, retention=retention)

    def store(self) -> LogStore:
        return open_store(self.url)

    def counted(self, *, batching: Batching = FAST) -> tuple[DecisionLog, CountingStore]:
        """Open the log over a store that counts its calls."""
        counter = CountingStore(self.store())
        return DecisionLog(counter, self.key, batching=batching), counter

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement on the test's own connection; ``?`` marks parameters."""
        if self.name == "sqlite":
            if self._sqlite is None:
                path = self.url.removeprefix("sqlite:///")
                self._sqlite = sqlite3.connect(path, isolation_level=None)
            return self._sqlite.execute(statement, params).fetchall()
        if self._postgres is None:
            self._postgres = psycopg.connect(self.url, autocommit=True)
        cursor = self._postgres.execute(statement.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        """Close the test's own connection."""
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            self._postgres.close()

    def unguard(self) -> None:
        """Drop the append-only triggers, as someone with write access to the database can."""
        if self.name == "sqlite":
            for (name,) in self.sql("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
                self.sql(f"DROP TRIGGER {name}")
        else:
            for table in TABLES:
                self.sql(
                    f"DROP TRIGGER IF EXISTS decisionlog_{table}_append_only ON decisionlog_{table}"
                )

    def tile_of(self, index: int) -> tuple[int, int]:
        """Return ``(first, upto)`` of the stored tile that holds leaf ``index``."""
        rows = self.sql(
            "SELECT first, upto FROM decisionlog_tiles WHERE first <= ? ORDER BY first DESC"
            " LIMIT 1",
            (index,),
        )
        first, upto = rows[0]
        assert first <= index < upto, (index, first, upto)
        return int(first), int(upto)

    def leaf_span(self, index: int) -> tuple[int, tuple[int, int]]:
        """Return the tile of leaf ``index`` and where its data is in the tile's ``leaves``."""
        first, _ = self.tile_of(index)
        joined = bytes(
            self.sql("SELECT leaves FROM decisionlog_tiles WHERE first = ?", (first,))[0][0]
        )
        begin = sum(len(data) + 1 for data in joined.split(b"\n")[: index - first])
        return first, (begin, begin + len(joined.split(b"\n")[index - first]))

    def node_span(self, level: int, index: int) -> tuple[int, tuple[int, int]]:
        """Return the tile that keeps subtree ``(level, index)`` and where in its ``hashes``."""
        first, upto = self.tile_of(holder(level, index))
        at = position(first, upto, level, index)
        assert at is not None
        return first, (32 * at, 32 * at + 32)

    def payload_spans(self, index: int) -> tuple[int, tuple[int, int], tuple[int, int]]:
        """Return the payload row of entry ``index`` and where its salt and its record are."""
        first, entries, records = self.sql(
            "SELECT first, entries, records FROM decisionlog_payloads WHERE first <= ?"
            " ORDER BY first DESC LIMIT 1",
            (index,),
        )[0]
        k = bytes(entries).index(index - first)
        lengths = [len(record) + 1 for record in bytes(records).split(b"\n")]
        begin = sum(lengths[:k])
        return first, (32 * k, 32 * k + 32), (begin, begin + lengths[k] - 1)

    def replace_leaf(self, index: int, data: bytes) -> None:
        """Store other data for leaf ``index`` (the triggers must be dropped first)."""
        first, _ = self.tile_of(index)
        joined = bytes(
            self.sql("SELECT leaves FROM decisionlog_tiles WHERE first = ?", (first,))[0][0]
        )
        datas = joined.split(b"\n")
        datas[index - first] = data
        update = "UPDATE decisionlog_tiles SET leaves = ? WHERE first = ?"
        self.sql(update, (b"\n".join(datas), first))

    def flip(
        self,
        table: str,
        column: str,
        where: str,
        params: tuple[Any, ...],
        at: int,
        span: tuple[int, int] | None = None,
    ) -> int:
        """Flip the lowest bit of byte ``at`` (modulo the length) of one stored value.

        With ``span``, of byte ``span[0] + at`` modulo the span's length (cut at the value's
        end): within one leaf's data or one hash of a tile, say.
        """
        query = f"SELECT {column} FROM decisionlog_{table} WHERE {where}"  # noqa: S608 - our names
        rows = self.sql(query, params)
        assert len(rows) == 1, (table, where, params)
        value = bytearray(rows[0][0])
        begin, end = span or (0, len(value))
        end = min(end, len(value))
        position = begin + at % (end - begin)
        value[position] ^= 0x01
        self.unguard()
        update = f"UPDATE decisionlog_{table} SET {column} = ? WHERE {where}"  # noqa: S608 - ours
        self.sql(update, (bytes(value), *params))
        return position


def _with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each store in turn, empty."""
    if request.param == "sqlite":
        backend = Backend("sqlite", f"sqlite:///{tmp_path / 'decisions.db'}")
        yield backend
        backend.close()
        return
    schema = f"decisionlog_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # fails when unreachable
        conn.execute(f"CREATE SCHEMA {schema}")
    backend = Backend("postgres", _with_schema(POSTGRES_URL, schema))
    try:
        yield backend
    finally:
        backend.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


class CountingStore:
    """A `LogStore` that counts the calls made to the store it wraps (reads and writes)."""

    def __init__(self, inner: LogStore) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def reads(self) -> int:
        return sum(n for name, n in self.calls.items() if name not in {"append", "identify"})

    def identify(self, identity: LogIdentity) -> LogIdentity:
        self.calls["identify"] += 1
        return self.inner.identify(identity)

    def size(self) -> int:
        self.calls["size"] += 1
        return self.inner.size()

    def append(self, batch: Batch) -> None:
        self.calls["append"] += 1
        self.inner.append(batch)

    def append_one(
        self, first: int, hashes: bytes, leaf: bytes, salt: bytes, record: bytes
    ) -> None:
        self.calls["append"] += 1  # one transaction, as any append
        self.inner.append_one(first, hashes, leaf, salt, record)

    def tiles(self, start: int, end: int) -> list[TileRow]:
        self.calls["tiles"] += 1
        return self.inner.tiles(start, end)

    def tiles_at(self, indices: Sequence[int]) -> list[TileRow]:
        self.calls["tiles_at"] += 1
        return self.inner.tiles_at(indices)

    def payloads(self, start: int, end: int) -> list[PayloadTile]:
        self.calls["payloads"] += 1
        return self.inner.payloads(start, end)

    def add_checkpoint(self, size: int, note: bytes) -> None:
        self.calls["add_checkpoint"] += 1
        self.inner.add_checkpoint(size, note)

    def checkpoints(self) -> list[StoredCheckpoint]:
        self.calls["checkpoints"] += 1
        return self.inner.checkpoints()

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        self.calls["latest_checkpoint"] += 1
        return self.inner.latest_checkpoint()

    def snapshot(self) -> AbstractContextManager[None]:
        return self.inner.snapshot()

    def close(self) -> None:
        self.inner.close()
