"""Erasure under GDPR Art 17 on each store: payload and salt go, a tombstone comes, proofs stay.

An erased record leaves only its salted commitment behind. Every proof issued before the
erasure still verifies, new proofs verify, the next checkpoint is consistent with the earlier
ones, and the audit passes. Retention (AI Act Art 19(1), 26(6)) limits when erasure may happen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from techfile.decisionlog import (
    AuditPassed,
    Erased,
    Kind,
    RecordError,
    RetentionError,
    RetentionPolicy,
    Tombstone,
)
from techfile.decisionlog import _tiles as tiles
from techfile.decisionlog.store import Batch, LogStore, StoreConflictError
from techfile.decisionlog.store.interface import single_entry_batch

if TYPE_CHECKING:  # the fixtures' types; conftest is pytest's to import
    from .conftest import Backend, MakeDecision, MakeOversight

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _salt(backend: Backend, index: int) -> bytes | None:
    """The stored salt of entry ``index``, read through a store of its own."""
    store = backend.store()
    try:
        found = tiles.payload(store, index)
    finally:
        store.close()
    return None if found is None else found.salt


def test_erasure_keeps_every_proof_valid(
    backend: Backend, decision: MakeDecision, oversight: MakeOversight
) -> None:
    with backend.open() as log:
        for n in range(12):
            log.record_decision(decision(n))
        log.record_oversight(oversight(3))
        before = log.checkpoint()
        proofs = [log.prove(index) for index in range(13)]
        salt = _salt(backend, 3)
        assert salt is not None

        ack = log.erase(3, reason="GDPR Art 17 request 2026-0007", now=NOW)

        assert ack.index == 13
        assert _salt(backend, 3) is None
        assert log.read(3) == Erased(3, Kind.DECISION)
        assert log.read(13) == Tombstone(3, "GDPR Art 17 request 2026-0007", NOW)
        leaves = b"".join(row[0] for row in backend.sql("SELECT leaves FROM decisionlog_tiles"))
        assert bytes(salt).hex().encode() not in leaves
        assert bytes(salt) not in leaves
        for proof in proofs:  # issued before the erasure, still valid
            proof.verify(log.verifier, origin=log.origin)
        after = log.checkpoint()
        log.consistency(before.checkpoint.size).verify(before.checkpoint, after.checkpoint)
        for index in range(14):
            log.prove(index).verify(log.verifier, origin=log.origin)
        assert log.audit() == AuditPassed(14, 2)
        assert log.read(4) == decision(4)
    if backend.name == "sqlite":  # secure_delete: the bytes are gone from the file too
        backend.sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database = Path(backend.url.removeprefix("sqlite:///")).read_bytes()
        kept = _salt(backend, 5)
        assert kept is not None
        assert bytes(kept) in database  # the search would find a salt that is still there
        assert bytes(salt) not in database


def test_erasure_in_a_group_keeps_the_other_payloads(
    backend: Backend, decision: MakeDecision
) -> None:
    with backend.open() as log:
        log.record_many([decision(n) for n in range(100)])  # tiles [0, 64) and [64, 100)
        salts = {index: _salt(backend, index) for index in (9, 10, 11, 70)}
        log.erase(10, reason="GDPR Art 17 request 2026-0011", now=NOW)
        log.erase(70, reason="GDPR Art 17 request 2026-0012", now=NOW)
        assert log.read(10) == Erased(10, Kind.DECISION)
        assert log.read(70) == Erased(70, Kind.DECISION)
        assert [log.read(index) for index in (9, 11, 63, 64, 99)] == [
            decision(index) for index in (9, 11, 63, 64, 99)
        ]
        assert _salt(backend, 9) == salts[9]
        assert _salt(backend, 11) == salts[11]
        assert log.audit() == AuditPassed(102, 0)
    if backend.name == "sqlite":  # the rewritten row left no copy of the erased salt behind
        backend.sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database = Path(backend.url.removeprefix("sqlite:///")).read_bytes()
        assert salts[9] is not None
        assert salts[9] in database
        assert salts[10] is not None
        assert salts[10] not in database


@contextmanager
def _store_of_three(backend: Backend, decision: MakeDecision) -> Iterator[tuple[LogStore, int]]:
    """Log three decisions in one batch; yield a store of its own over them, and the size."""
    with backend.open() as log:
        log.record_many([decision(n) for n in range(3)])
        size = log.size
    store = backend.store()
    try:
        yield store, size
    finally:
        store.close()


def test_an_erasure_over_a_changed_payload_row_writes_nothing(
    backend: Backend, decision: MakeDecision
) -> None:
    with _store_of_three(backend, decision) as (store, size):
        (row,) = store.payloads(0, 3)
        stale = (row[0], row[1], row[2], row[3] + b" ")  # not what is stored any more
        tile = tiles.pack(size, [b'{"stand-in":1}'], [(size, [bytes(32)])])
        with pytest.raises(StoreConflictError, match="payloads of tile 0 changed"):
            store.append(Batch(size, *tile, [], [stale]))
        assert store.size() == size
        assert store.payloads(0, 3) == [row]


def test_an_entry_is_erased_once(backend: Backend, decision: MakeDecision) -> None:
    with backend.open() as log:
        log.record_decision(decision(0))
        first = log.submit_erasure(0, reason="request 1", now=NOW)
        second = log.submit_erasure(0, reason="request 2", now=NOW)  # the same batch
        assert first.wait().index == 1
        with pytest.raises(RecordError, match="already erased"):
            second.wait()
        with pytest.raises(RecordError, match="already erased"):
            log.erase(0, reason="request 3", now=NOW)
        with pytest.raises(RecordError, match="tombstone"):
            log.erase(1, reason="request 4", now=NOW)
        assert log.size == 2
        assert log.audit().ok


def test_erasure_waits_for_the_retention_period(backend: Backend, decision: MakeDecision) -> None:
    made = datetime(2025, 8, 31, 9, 0, tzinfo=UTC)
    with backend.open(retention=RetentionPolicy(months=6)) as log:
        log.record_decision(decision(0, when=made))
        with pytest.raises(RetentionError, match=r"Art 19\(1\).*Art 26\(6\)"):
            log.erase(0, reason="too early", now=datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
        log.erase(0, reason="on time", now=datetime(2026, 3, 1, tzinfo=UTC))
    with backend.open(retention=RetentionPolicy(months=12)) as log:
        log.record_decision(decision(1, when=made))
        with pytest.raises(RetentionError):
            log.erase(2, reason="too early", now=made + timedelta(days=364))
        assert log.audit().ok


@pytest.mark.parametrize("offset", [-1, 1], ids=["behind", "beyond"])
def test_a_batch_must_start_at_the_size(
    backend: Backend, decision: MakeDecision, offset: int
) -> None:
    with _store_of_three(backend, decision) as (store, size):
        first = size + offset
        tile = tiles.pack(first, [b'{"stand-in":1}'], [(first, [bytes(32)])])
        with pytest.raises(StoreConflictError, match=f"starts at index {first}"):
            store.append(Batch(first, *tile))
        assert store.size() == size
        assert len(store.tiles(0, size + 2)) == 1


@pytest.mark.parametrize("offset", [-1, 1], ids=["behind", "beyond"])
def test_a_single_entry_must_start_at_the_size(
    backend: Backend, decision: MakeDecision, offset: int
) -> None:
    with _store_of_three(backend, decision) as (store, size):
        first = size + offset
        with pytest.raises(StoreConflictError, match=f"starts at index {first}"):
            store.append_one(first, bytes(32), b'{"stand-in":1}', bytes(32), b"{}")
        assert store.size() == size
        assert len(store.payloads(0, size + 2)) == 1


def test_a_single_entry_is_stored_as_its_batch(backend: Backend, decision: MakeDecision) -> None:
    with _store_of_three(backend, decision) as (store, size):
        hashes, leaf, salt, record = bytes(range(64)), b'{"stand-in":1}', bytes(32), b'{"r":2}'
        store.append_one(size, hashes, leaf, salt, record)
        batch = single_entry_batch(size, hashes, leaf, salt, record)
        assert store.size() == size + 1
        assert store.tiles(size, size + 1) == [(size, size + 1, batch.hashes[0], batch.leaves[0])]
        assert store.payloads(size, size + 1) == list(batch.payloads)
