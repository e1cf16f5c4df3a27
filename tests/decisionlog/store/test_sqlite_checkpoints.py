"""SQLite WAL checkpoints: in the background after large batches, in line after small ones."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from techfile.decisionlog import Batching, DecisionLog, DecisionRecord, SignerKey
from techfile.decisionlog.store import sqlite as store_module

START = datetime(2025, 3, 1, tzinfo=UTC)


def _records(first: int, count: int) -> list[DecisionRecord]:
    return [
        DecisionRecord(
            device="udi-1",
            model_version="1.0",
            input_digest=f"{n:064x}",
            output="high risk",
            score=0.5,
            timestamp=START + timedelta(seconds=n),
            site="ward 3",
            operator="nurse-7",
        )
        for n in range(first, first + count)
    ]


def _in_database_file(path: Path) -> int:
    """Count the tiles in the database file itself, ignoring the WAL (what was checkpointed)."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as db:
        try:
            return int(db.execute("SELECT count(*) FROM decisionlog_tiles").fetchone()[0])
        except sqlite3.OperationalError:  # not even the schema is in the file yet
            return 0


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "decisionlog-checkpoint"]


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint every 40 pages, in the background from batches of 8 pages."""
    monkeypatch.setattr(store_module, "_CHECKPOINT_PAGES", 40)
    monkeypatch.setattr(store_module, "_BACKGROUND_PAGES", 8)


@pytest.mark.usefixtures("small_limits")
def test_large_batches_are_checkpointed_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    policy = Batching(max_entries=100, max_delay_ms=60_000)
    with DecisionLog.open(f"sqlite:///{path}", key=SignerKey.generate("o"), batching=policy) as log:
        assert _checkpoint_threads() == []  # none until a checkpoint is asked for
        for first in range(0, 600, 100):  # about 16 pages each
            log.record_many(_records(first, 100))
        assert [t.daemon for t in _checkpoint_threads()] == [True]
        deadline = time.monotonic() + 30
        while _in_database_file(path) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _in_database_file(path) > 0
        assert log.audit().ok
    assert _checkpoint_threads() == []  # closing the log stops it


@pytest.mark.usefixtures("small_limits")
def test_small_batches_are_checkpointed_by_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    policy = Batching(max_entries=1, max_delay_ms=60_000)
    with DecisionLog.open(f"sqlite:///{path}", key=SignerKey.generate("o"), batching=policy) as log:
        for record in _records(0, 19):  # two pages each: 38 of the 40
            log.record_decision(record)
        assert _in_database_file(path) == 0
        log.record_decision(_records(19, 1)[0])
        assert _in_database_file(path) == 20  # in the committing thread, at once
        assert _checkpoint_threads() == []


def test_the_writer_checkpoints_itself_only_far_behind(tmp_path: Path) -> None:
    store = store_module.SqliteStore(tmp_path / "log.db")
    try:
        limit = store._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert limit == store_module._FALLBACK_CHECKPOINT_PAGES > store_module._CHECKPOINT_PAGES
    finally:
        store.close()


def test_a_store_in_memory_has_no_checkpoints() -> None:
    store = store_module.SqliteStore(":memory:")
    try:
        assert store._checkpoints is None
    finally:
        store.close()
