"""The decision log's fast paths give exactly what the straightforward ones gave.

* records are written to canonical JSON without the general RFC 8785 serialiser: the bytes
  must be those ``rfc8785.dumps`` writes, for any record;
* the writer remembers the tree's frontier between batches: another writer appending to the
  same store in between must not corrupt the tree;
* a store that reads nodes in batches gives the same proofs and roots as node-by-node reads;
* a thread waiting for its entry commits a due batch itself: batches stay in order and full.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import random
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import (
    Ack,
    Action,
    Batching,
    DecisionLog,
    DecisionRecord,
    OversightRecord,
    RecordError,
    SignerKey,
    StoreError,
    Tombstone,
    merkle,
)
from techfile.decisionlog._batcher import Batcher
from techfile.decisionlog._reads import UpperNodes, read_nodes
from techfile.decisionlog.records import Kind, commitment_leaf, record_json, tombstone_leaf
from techfile.decisionlog.store import LogStore, SqliteStore
from techfile.errors import Error

ORIGIN = "example.com/cardiorisk/decisions"
text = st.text(min_size=1).filter(str.strip)
moments = st.datetimes(
    min_value=datetime(1970, 1, 2),  # noqa: DTZ001 - made aware below
    max_value=datetime(9998, 12, 30),  # noqa: DTZ001 - made aware below
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=3))]
    ),
)
scores = st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**53), 2**53)
decisions = st.builds(
    DecisionRecord,
    device=text,
    model_version=text,
    input_digest=st.text("0123456789abcdef", min_size=64, max_size=64),
    output=text,
    score=scores,
    timestamp=moments,
    site=text,
    operator=text,
)
oversights = st.builds(
    OversightRecord,
    decision_index=st.integers(0, 2**53 - 1),
    action=st.sampled_from(Action),
    clinician=text,
    timestamp=moments,
    reason=text,
)


def _time(value: datetime) -> str:
    return value.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _general(record: DecisionRecord | OversightRecord) -> bytes:
    """What the record's canonical JSON was before the fast path: rfc8785 over its fields."""
    if isinstance(record, DecisionRecord):
        fields: dict[str, str | int | float | None] = {
            "kind": "decision",
            "device": record.device,
            "model_version": record.model_version,
            "input_digest": record.input_digest,
            "output": record.output,
            "score": record.score,
            "timestamp": _time(record.timestamp),
            "site": record.site,
            "operator": record.operator,
        }
    else:
        fields = {
            "kind": "oversight",
            "decision_index": record.decision_index,
            "action": record.action.value,
            "clinician": record.clinician,
            "reason": record.reason,
            "timestamp": _time(record.timestamp),
        }
    return rfc8785.dumps(fields)


@given(decisions | oversights)
def test_record_json_is_rfc8785(record: DecisionRecord | OversightRecord) -> None:
    try:
        expected = _general(record)
    except rfc8785.CanonicalizationError:  # a lone surrogate: no UTF-8, no canonical form
        with pytest.raises(RecordError):
            record_json(record)
        return
    assert record_json(record) == expected


def _decision(n: int) -> DecisionRecord:
    return DecisionRecord(
        "cardiorisk-udi+SN42", "2.1.0", f"{n:064x}", "high risk", 0.5,
        datetime(2025, 3, 1, tzinfo=UTC) + timedelta(seconds=n), "Klinikum Nord", "nurse-7",
    )  # fmt: skip


@pytest.mark.parametrize(
    "record",
    [
        dataclasses.replace(_decision(1), device="cardiorisk\ud800"),
        dataclasses.replace(_decision(1), score=2**60),
    ],
    ids=["lone-surrogate", "integer-beyond-2**53"],
)
def test_a_record_without_canonical_json_is_refused(record: DecisionRecord) -> None:
    with pytest.raises(RecordError):
        record_json(record)


@given(st.integers(0, 2**53 - 1), text, moments)
def test_tombstone_leaf_is_rfc8785(index: int, reason: str, moment: datetime) -> None:
    tombstone = Tombstone(index, reason, moment)
    fields: dict[str, str | int] = {
        "kind": "tombstone",
        "erased_index": index,
        "reason": reason,
        "timestamp": _time(moment),
    }
    try:
        expected = rfc8785.dumps(fields)
    except rfc8785.CanonicalizationError:
        with pytest.raises(RecordError):
            tombstone_leaf(tombstone)
        return
    assert tombstone_leaf(tombstone) == expected


@given(
    st.sampled_from([Kind.DECISION, Kind.OVERSIGHT]),
    st.binary(),
    st.binary(min_size=32, max_size=32),
)
def test_commitment_leaf_is_rfc8785(kind: Kind, record: bytes, salt: bytes) -> None:
    digest = hashlib.sha256(salt + record).hexdigest()
    expected = rfc8785.dumps({"kind": kind.value, "record_digest": digest})
    assert commitment_leaf(kind, record, salt) == expected


def test_two_writers_on_one_store_keep_the_tree_whole(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'decisions.db'}"
    key = SignerKey.generate(ORIGIN)
    fast = Batching(max_entries=3, max_delay_ms=1)
    with (
        DecisionLog.open(url, key=key, batching=fast) as one,
        DecisionLog.open(url, key=key, batching=fast) as two,
    ):
        rng = random.Random(7)  # noqa: S311 - a seeded order of writers, not a secret
        indices = []
        for n in range(60):
            writer = one if rng.random() < 0.5 else two
            indices.append(writer.record_decision(_decision(n)).index)
        assert indices == list(range(60))  # each writer re-read the tree the other grew
        signed = one.checkpoint()
        assert one.audit().ok
        for index in range(60):
            two.prove(index).verify(two.verifier, origin=ORIGIN)
        assert signed.checkpoint.size == 60


class PerNode:
    """The SQLite store without batch reads: every node is its own query."""

    def __init__(self, inner: SqliteStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        if name == "nodes_at":
            raise AttributeError(name)
        return getattr(self.inner, name)


@pytest.mark.parametrize("size", [1, 2, 7, 64, 100, 700])
def test_batch_reads_give_the_same_proofs(tmp_path: Path, size: int) -> None:
    key = SignerKey.generate(ORIGIN)
    store = SqliteStore(tmp_path / "decisions.db")
    with DecisionLog(store, key, batching=Batching(max_entries=50, max_delay_ms=1)) as log:
        for pending in [log.submit(_decision(n)) for n in range(size)]:
            pending.wait()
        signed = log.checkpoint()
        slow: LogStore = PerNode(SqliteStore(tmp_path / "decisions.db"))  # type: ignore[assignment]
        with DecisionLog(slow, key) as reference:
            assert reference.checkpoint() == signed
            for index in [*range(size), *range(0, size, 7)]:  # again: upper nodes from memory
                assert log.prove(index) == reference.prove(index)
            for old in range(1, size + 1):
                assert log.consistency(old, size) == reference.consistency(old, size)


def test_upper_nodes_kept_in_memory_stay_bounded(tmp_path: Path) -> None:
    key = SignerKey.generate(ORIGIN)
    store = SqliteStore(tmp_path / "decisions.db")
    with DecisionLog(store, key, batching=Batching(max_entries=50, max_delay_ms=1)) as log:
        for pending in [log.submit(_decision(n)) for n in range(40)]:
            pending.wait()
        log.checkpoint()
        expected = [log.prove(index) for index in range(40)]
        upper = UpperNodes(limit=6)
        upper.fit(40)
        assert upper.min_level == 4  # 40 >> 4 == 2 <= 6 // 2
        upper.min_level = 1  # more than fits: the cache starts afresh, proofs stay right
        for index in [*range(40), *range(40)]:
            hashes = read_nodes(
                store, functools.partial(merkle.inclusion_proof_from, index, 40), upper
            )
            assert tuple(hashes) == expected[index].hashes
            assert len(upper.nodes) <= 6
            assert all(level >= 1 for level, _ in upper.nodes)


def test_a_missing_node_is_a_store_error_in_batch_reads(tmp_path: Path) -> None:
    key = SignerKey.generate(ORIGIN)
    with DecisionLog.open(f"sqlite:///{tmp_path / 'd.db'}", key=key) as log:
        for n in range(8):
            log.record_decision(_decision(n))
        log.checkpoint()
        with sqlite3.connect(tmp_path / "d.db") as db:
            db.execute("DROP TRIGGER decisionlog_nodes_no_delete")
            db.execute("DELETE FROM decisionlog_nodes WHERE level = 1 AND idx = 1")
        with pytest.raises(StoreError, match=r"tree node \(1, 1\)"):
            log.prove(0)
        assert len(log.prove(5).hashes[0]) == merkle.HASH_SIZE  # other paths still prove


def test_waiting_threads_commit_due_batches_in_order() -> None:
    batches: list[list[int]] = []

    def commit(entries: Sequence[int]) -> list[Ack | Error]:
        batches.append(list(entries))
        return [Ack(entry, b"") for entry in entries]

    writer = Batcher(commit, Batching(max_entries=4, max_delay_ms=5))
    pending = [writer.submit(n) for n in range(200)]
    rng = random.Random(3)  # noqa: S311 - seeded choice of entries to wait on
    waiters = [threading.Thread(target=pending[rng.randrange(200)].wait) for _ in range(16)]
    for thread in waiters:
        thread.start()
    assert [p.wait().index for p in pending] == list(range(200))
    for thread in waiters:
        thread.join()
    writer.close()
    assert [n for batch in batches for n in batch] == list(range(200))
    assert all(1 <= len(batch) <= 4 for batch in batches)
    assert sum(len(batch) < 4 for batch in batches) <= 1  # only the tail can be short
