"""The decision log's fast paths give exactly what the straightforward ones gave.

* records are written to canonical JSON without the general RFC 8785 serialiser: the bytes
  must be those ``rfc8785.dumps`` writes, for any record;
* the writer remembers the tree's frontier between batches: another writer appending to the
  same store in between must not corrupt the tree;
* proofs built in one query, with the upper levels in memory, are those computed node by
  node from the store, and the levels kept stay within their budget;
* a thread waiting for its entry commits a due batch itself: batches stay in order and full;
* records submitted as a group get the same acknowledgements as one by one, and the same
  leaves and payloads as written record by record.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import (
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
from techfile.decisionlog import _tiles as tiles
from techfile.decisionlog._acks import Committed
from techfile.decisionlog._batcher import Batcher
from techfile.decisionlog._reads import TreeReader
from techfile.decisionlog.records import (
    SALT_SIZE,
    Kind,
    commitment_leaf,
    commitment_leaves,
    record_json,
    tombstone_leaf,
)
from techfile.decisionlog.store import SqliteStore

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


@given(st.lists(decisions | oversights, max_size=5), st.randoms(use_true_random=False))
def test_a_group_is_committed_to_as_record_by_record(
    records: list[DecisionRecord | OversightRecord], rng: random.Random
) -> None:
    salts = [rng.randbytes(SALT_SIZE) for _ in records]
    try:
        expected = [record_json(record) for record in records]
    except RecordError:
        with pytest.raises(RecordError):
            commitment_leaves(records, salts)
        return
    leaves = [
        commitment_leaf(r.kind, d, s) for r, d, s in zip(records, expected, salts, strict=True)
    ]
    assert commitment_leaves(records, salts) == (expected, leaves)


def test_a_group_needs_one_salt_per_record() -> None:
    with pytest.raises(RecordError):
        commitment_leaves([_decision(1)], [bytes(SALT_SIZE - 1)])
    with pytest.raises(RecordError):
        commitment_leaves([_decision(1), _decision(2)], [bytes(SALT_SIZE)])


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


@pytest.mark.parametrize("size", [1, 2, 7, 64, 100, 700])
def test_proofs_are_those_computed_node_by_node(tmp_path: Path, size: int) -> None:
    key = SignerKey.generate(ORIGIN)
    store = SqliteStore(tmp_path / "decisions.db")
    with DecisionLog(store, key, batching=Batching(max_entries=50, max_delay_ms=1)) as log:
        log.submit_many([_decision(n) for n in range(size)]).wait()
        signed = log.checkpoint()
        reference = SqliteStore(tmp_path / "decisions.db")
        try:
            root = merkle.root_from(size, partial(tiles.node, reference))
            assert signed.checkpoint.root_hash == root
            for index in [*range(size), *range(0, size, 7)]:  # again: upper levels from memory
                proof = log.prove(index)
                expected = merkle.inclusion_proof_from(index, size, partial(tiles.node, reference))
                assert list(proof.hashes) == expected
                assert proof.leaf == tiles.leaves(reference, index, index + 1)[0][1]
            for old in range(1, size + 1):
                expected = merkle.consistency_proof_from(old, size, partial(tiles.node, reference))
                assert list(log.consistency(old, size).hashes) == expected
        finally:
            reference.close()


def test_upper_levels_kept_in_memory_stay_within_budget(tmp_path: Path) -> None:
    key = SignerKey.generate(ORIGIN)
    store = SqliteStore(tmp_path / "decisions.db")
    with DecisionLog(store, key, batching=Batching(max_entries=50, max_delay_ms=1)) as log:
        log.submit_many([_decision(n) for n in range(40)]).wait()
        log.checkpoint()
        expected = [log.prove(index).hashes for index in range(40)]
        reader = TreeReader(store, budget=6)
        for size in (3, 17, 40):  # the tree grows: lower levels are dropped as it does
            for index in range(size):
                leaf, hashes = reader.inclusion(index, size)
                assert hashes == merkle.inclusion_proof_from(
                    index, size, partial(tiles.node, store)
                )
        assert reader.lowest_level == 4  # 2 * (40 >> 4) == 4 <= 6 < 2 * (40 >> 3)
        assert reader.kept <= 6
        assert [tuple(reader.inclusion(index, 40)[1]) for index in range(40)] == expected
        assert leaf == tiles.leaves(store, 39, 40)[0][1]


def test_a_missing_node_is_a_store_error(tmp_path: Path) -> None:
    key = SignerKey.generate(ORIGIN)
    with DecisionLog.open(f"sqlite:///{tmp_path / 'd.db'}", key=key) as log:
        for n in range(8):
            log.record_decision(_decision(n))
        log.checkpoint()
        with sqlite3.connect(tmp_path / "d.db") as db:
            db.execute("DROP TRIGGER decisionlog_tiles_no_update")
            # Node (1, 2) is kept with leaf 5, alone in its tile, after its leaf hash: cut it off.
            db.execute(
                "UPDATE decisionlog_tiles SET hashes = substr(hashes, 1, 32) WHERE first = 5"
            )
        for reader in (log, DecisionLog(SqliteStore(tmp_path / "d.db"), key)):
            with pytest.raises(StoreError, match=r"tree node \(1, 2\)"):
                reader.prove(6)
            for index in (0, 3, 4, 5):  # other paths still prove
                reader.prove(index).verify(log.verifier, origin=log.origin)


def test_a_group_is_acknowledged_like_single_records(tmp_path: Path) -> None:
    key = SignerKey.generate(ORIGIN)
    fast = Batching(max_entries=7, max_delay_ms=1)
    with (
        DecisionLog.open(f"sqlite:///{tmp_path / 'one.db'}", key=key, batching=fast) as one,
        DecisionLog.open(f"sqlite:///{tmp_path / 'many.db'}", key=key, batching=fast) as many,
    ):
        singles = [one.submit(_decision(n)) for n in range(30)]
        pending = many.submit_many([_decision(n) for n in range(20)])
        group = [*pending.wait(), *many.record_many([_decision(n) for n in range(20, 30)])]
        assert [a.index for a in group] == [p.wait().index for p in singles] == list(range(30))
        assert one.checkpoint().checkpoint.size == many.checkpoint().checkpoint.size == 30
        assert many.audit().ok
        assert [many.read(n) for n in range(30)] == [_decision(n) for n in range(30)]
        with pytest.raises(RecordError, match="not in the log"):
            many.submit_many(
                [
                    _decision(30),
                    OversightRecord(99, Action.CONFIRM, "dr", _decision(0).timestamp, ""),
                ]
            )
        assert many.size == 30  # nothing of a refused group was queued


def test_a_batch_of_records_and_tombstones_keeps_their_payloads_apart(tmp_path: Path) -> None:
    later = datetime(2030, 1, 1, tzinfo=UTC)
    slow = Batching(max_entries=100, max_delay_ms=60_000)
    with DecisionLog.open(f"sqlite:///{tmp_path / 'mixed.db'}", batching=slow) as log:
        log.submit_many([_decision(n) for n in range(4)])
        log.flush()
        first = log.submit_many([_decision(n) for n in range(4, 6)])
        erasure = log.submit_erasure(1, reason="request 7", now=later)
        twice = log.submit_erasure(1, reason="request 7 again", now=later)
        rest = log.submit_many([_decision(n) for n in range(6, 8)])
        log.flush()  # one batch: records, a tombstone, a refused erasure, records
        assert [a.index for a in [*first.wait(), erasure.wait(), *rest.wait()]] == [4, 5, 6, 7, 8]
        with pytest.raises(RecordError, match="already erased"):
            twice.wait()
        assert log.audit().ok
        assert log.read(7) == _decision(6)
        assert isinstance(log.read(6), Tombstone)


def test_waiting_threads_commit_due_batches_in_order() -> None:
    batches: list[list[int]] = []

    def commit(pieces: Sequence[list[int]]) -> Committed:
        entries = [entry for piece in pieces for entry in piece]
        batches.append(entries)
        return Committed(entries[0], [b""] * len(entries))

    # A delay longer than the test: every batch is due because it is full, never by a timer
    # that a loaded machine could fire while the entries are still being submitted.
    writer = Batcher(commit, Batching(max_entries=4, max_delay_ms=600_000))
    pending = [writer.submit([n]) for n in range(200)]
    rng = random.Random(3)  # noqa: S311 - seeded choice of entries to wait on
    waiters = [threading.Thread(target=pending[rng.randrange(200)].wait) for _ in range(16)]
    for thread in waiters:
        thread.start()
    assert [p.wait().index for p in pending] == list(range(200))
    for thread in waiters:
        thread.join()
    writer.close()
    assert [n for batch in batches for n in batch] == list(range(200))
    assert all(len(batch) == 4 for batch in batches)  # 200 entries fill 50 batches
