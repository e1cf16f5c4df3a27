"""The decision log on each store: batched appends, acknowledgements, reads and proofs.

Every test runs on SQLite and on PostgreSQL (``backend``). Proof costs are measured by
counting the calls a wrapped store receives: one call is one query.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

import pytest

from techfile.decisionlog import (
    Action,
    AuditPassed,
    Batching,
    DecisionLog,
    KeyMismatchError,
    LogClosedError,
    RecordError,
    SignerKey,
    TreeRangeError,
    leaf_hash,
    merkle,
)
from techfile.decisionlog import _tiles as tiles
from techfile.decisionlog.store import MissingDataError

if TYPE_CHECKING:  # the fixtures' types; conftest is pytest's to import
    from .conftest import Backend, MakeDecision, MakeOversight


def test_an_ack_means_the_batch_is_committed(backend: Backend, decision: MakeDecision) -> None:
    slow = Batching(max_entries=5, max_delay_ms=60_000)
    log, counter = backend.counted(batching=slow)
    other = backend.store()  # a second connection sees only committed data
    try:
        pending = [log.submit(decision(n)) for n in range(4)]
        assert not any(p.done() for p in pending)
        assert other.size() == 0
        pending.append(log.submit(decision(4)))  # the fifth entry fills the batch
        acks = [p.wait(timeout=30) for p in pending]
        assert [a.index for a in acks] == [0, 1, 2, 3, 4]
        assert other.size() == 5
        assert counter.calls["append"] == 1  # one batch, one transaction
    finally:
        other.close()
        log.close()


def test_a_batch_is_committed_after_its_delay(backend: Backend, decision: MakeDecision) -> None:
    log, counter = backend.counted(batching=Batching(max_entries=1000, max_delay_ms=30))
    with log:
        pending = [log.submit(decision(n)) for n in range(3)]
        assert [p.wait(timeout=30).index for p in pending] == [0, 1, 2]
        assert counter.calls["append"] == 1


def test_flush_commits_at_once(backend: Backend, decision: MakeDecision) -> None:
    with backend.open(batching=Batching(max_entries=1000, max_delay_ms=60_000)) as log:
        pending = [log.submit(decision(n)) for n in range(7)]
        log.flush()
        assert all(p.done() for p in pending)
        assert log.size == 7


def test_concurrent_devices_share_batches(backend: Backend, decision: MakeDecision) -> None:
    log, counter = backend.counted(batching=Batching(max_entries=16, max_delay_ms=20))
    indices: list[int] = []
    lock = threading.Lock()

    def device(first: int) -> None:
        for n in range(first, first + 10):
            ack = log.record_decision(decision(n))
            with lock:
                indices.append(ack.index)

    with log:
        threads = [threading.Thread(target=device, args=(10 * t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(indices) == list(range(80))
        assert counter.calls["append"] < 80  # entries from several threads share commits
        assert isinstance(log.audit(), AuditPassed)


def test_records_read_back(
    backend: Backend, decision: MakeDecision, oversight: MakeOversight
) -> None:
    with backend.open() as log:
        first = log.record_decision(decision(1))
        second = log.record_oversight(oversight(first.index, Action.DISMISS))
        assert log.read(first.index) == decision(1)
        assert log.read(second.index) == oversight(0, Action.DISMISS)
        with pytest.raises(TreeRangeError):
            log.read(2)


def test_oversight_must_link_to_a_decision(
    backend: Backend, decision: MakeDecision, oversight: MakeOversight
) -> None:
    with backend.open() as log:
        with pytest.raises(RecordError, match="not in the log"):
            log.record_oversight(oversight(0))
        log.record_decision(decision(0))
        log.record_oversight(oversight(0, Action.CONFIRM))
        with pytest.raises(RecordError, match="not a decision"):
            log.record_oversight(oversight(1))


def test_inclusion_proofs_verify_for_every_entry(backend: Backend, decision: MakeDecision) -> None:
    with backend.open() as log:
        for n in range(37):
            pending = [log.submit(decision(n))]
            if n % 5 == 0:
                log.checkpoint()
            pending[0].wait()
        signed = log.checkpoint()
        assert signed.checkpoint.size == 37
        store = backend.store()
        try:
            for index in range(37):
                proof = log.prove(index)
                verified = proof.verify(log.verifier, origin=log.origin)
                assert verified.checkpoint == signed.checkpoint
                assert proof.leaf == tiles.leaves(store, index, index + 1)[0][1]
        finally:
            store.close()


def test_a_proof_needs_a_checkpoint(backend: Backend, decision: MakeDecision) -> None:
    with backend.open() as log:
        log.record_decision(decision(0))
        with pytest.raises(TreeRangeError, match="checkpoint"):
            log.prove(0)
        log.checkpoint()
        log.record_decision(decision(1))
        with pytest.raises(TreeRangeError, match="checkpoint"):
            log.prove(1)
        with pytest.raises(TreeRangeError):
            log.prove(-1)


@pytest.mark.parametrize("size", [200, 1000])
def test_proofs_cost_logarithmic_reads(backend: Backend, decision: MakeDecision, size: int) -> None:
    log, counter = backend.counted(batching=Batching(max_entries=500, max_delay_ms=1))
    with log:
        for pending in [log.submit(decision(n)) for n in range(size)]:
            pending.wait()
        log.checkpoint()
        bound = math.ceil(math.log2(size))
        log.prove(0)  # the first proof loads the upper levels of the tree
        for index in (0, 1, size // 3, size // 2 + 1, size - 2, size - 1):
            counter.calls.clear()
            proof = log.prove(index)
            # The latest checkpoint, then the leaf and the lower nodes in one query.
            assert counter.reads() <= 2, counter.calls
            assert len(proof.hashes) <= bound
        for old in (1, size // 3, size - 1):
            counter.calls.clear()
            log.consistency(old, size)
            assert counter.reads() <= 2, counter.calls
        log.record_decision(decision(size))
        counter.calls.clear()
        log.checkpoint()  # root, and consistency with the previous checkpoint
        assert counter.reads() <= 6, counter.calls


def test_appends_write_the_nodes_they_complete(backend: Backend, decision: MakeDecision) -> None:
    with backend.open() as log:
        for n in range(21):
            log.record_decision(decision(n))
    store = backend.store()
    try:
        leaves = [leaf_hash(data) for _, data in tiles.leaves(store, 0, 21)]
        for level in range(5):
            width = 1 << level
            stored = [tiles.node(store, level, i) for i in range(21 // width)]
            expected = [
                merkle.root_hash(leaves[i * width : (i + 1) * width]) for i in range(21 // width)
            ]
            assert stored == expected
            with pytest.raises(MissingDataError):
                tiles.node(store, level, 21 // width)  # not complete: not stored
    finally:
        store.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decisionlog_tiles SET leaves = ? WHERE first = 0",
        "DELETE FROM decisionlog_tiles WHERE first = 0",
        "UPDATE decisionlog_tiles SET hashes = ? WHERE first = 0",
        "UPDATE decisionlog_checkpoints SET note = ?",
        "DELETE FROM decisionlog_checkpoints",
        "UPDATE decisionlog_payloads SET records = ?",
    ],
    ids=lambda s: " ".join(s.split()[:3]),
)
def test_stored_entries_are_never_rewritten(
    backend: Backend, decision: MakeDecision, statement: str
) -> None:
    with backend.open() as log:
        log.record_decision(decision(0))
        log.checkpoint()
    params = (b"x",) if "?" in statement else ()
    with pytest.raises(Exception, match="append-only"):
        backend.sql(statement, params)


def test_two_writers_on_one_store_interleave(backend: Backend, decision: MakeDecision) -> None:
    with backend.open() as first, backend.open() as second:
        acks = []
        for n in range(20):
            writer = first if n % 2 else second
            acks.append(writer.record_decision(decision(n)).index)
        assert acks == list(range(20))
        first.checkpoint()
        assert isinstance(second.audit(), AuditPassed)


def test_the_log_keeps_its_key_and_origin(backend: Backend, decision: MakeDecision) -> None:
    with backend.open() as log:
        log.record_decision(decision(0))
        origin = log.origin
    with pytest.raises(KeyMismatchError):
        DecisionLog.open(backend.url, key=SignerKey.generate(origin))
    with pytest.raises(KeyMismatchError):
        DecisionLog.open(backend.url, key=backend.key, origin="example.com/other")
    with DecisionLog.open(backend.url, key=backend.key) as log:
        assert log.origin == origin == backend.key.name


def test_checkpoints_at_one_size_are_one(backend: Backend, decision: MakeDecision) -> None:
    with backend.open() as log:
        empty = log.checkpoint()
        assert empty.checkpoint.root_hash == merkle.EMPTY_ROOT_HASH
        log.record_decision(decision(0))
        first = log.checkpoint()
        assert log.checkpoint() == first
        assert [c.checkpoint.size for c in log.checkpoints()] == [0, 1]


def test_a_closed_log_accepts_nothing(backend: Backend, decision: MakeDecision) -> None:
    log = backend.open()
    log.close()
    with pytest.raises(LogClosedError):
        log.submit(decision(0))
