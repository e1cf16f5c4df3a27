"""Tamper detection on each store: every flipped byte is found, and where.

A log of 40 entries (decisions, oversight, an erasure) with five checkpoints is built, then
one byte of one stored value is flipped at a time, in *every* stored leaf, node (each hash in
the tiles' subtree hashes), checkpoint and payload (at a seeded random position); `audit`
must name the part and the first bad index each time, and pass again once the byte is
restored. A history rewritten with the log's own key (leaves and nodes recomputed, a fresh
checkpoint signed) passes a naive audit of the store, but not a consistency proof against a
checkpoint an auditor kept.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from techfile.decisionlog import (
    AuditFailed,
    AuditPassed,
    DecisionLog,
    DecisionRecord,
    InconsistentLogError,
    OversightRecord,
    Part,
    RootMismatchError,
    SignedCheckpoint,
    leaf_hash,
    records,
)
from techfile.decisionlog._tiles import tile_hashes
from techfile.decisionlog._tree import grow_levels

if TYPE_CHECKING:  # the fixtures' types; conftest is pytest's to import
    from .conftest import Backend, MakeDecision, MakeOversight

SIZE = 40
CHECKPOINTS = (1, 7, 16, 33, 40)
ERASED = 4


@dataclass(frozen=True)
class Flip:
    """One stored value to damage, and what the audit must say about it."""

    table: str
    column: str
    where: str
    params: tuple[int, ...]
    part: Part
    first_bad_index: int
    span: tuple[int, int] | None = None


def _build(
    log: DecisionLog, decision: MakeDecision, oversight: MakeOversight, *, grouped: bool = False
) -> None:
    """Log 40 entries; ``grouped``: the records up to each checkpoint or oversight record as
    one group, so that tiles hold many leaves."""
    group: list[DecisionRecord | OversightRecord] = []

    def flush() -> None:
        if group:
            log.record_many(group)
            group.clear()

    for index in range(SIZE):
        if index == SIZE - 3:
            flush()
            log.erase(ERASED, reason="GDPR Art 17 request 2025-0042")
        else:
            if index % 6 == 5:
                flush()  # its decision must be in the log first
            group.append(oversight(index - 1) if index % 6 == 5 else decision(index))
        if not grouped or index + 1 in CHECKPOINTS:
            flush()
        if index + 1 in CHECKPOINTS:
            log.checkpoint()


def _flips(backend: Backend) -> list[Flip]:
    flips = []
    for i in range(SIZE):
        first, span = backend.leaf_span(i)
        flips.append(Flip("tiles", "leaves", "first = ?", (first,), Part.LEAF, i, span))
    for level in range(SIZE.bit_length()):
        for i in range(SIZE >> level):
            first, span = backend.node_span(level, i)
            flips.append(
                Flip("tiles", "hashes", "first = ?", (first,), Part.NODE, i << level, span)
            )
    flips.extend(
        Flip("checkpoints", "note", "size = ?", (size,), Part.CHECKPOINT, size - 1)
        for size in CHECKPOINTS
    )
    for index in range(SIZE):
        if index in {ERASED, SIZE - 3}:  # erased, and its tombstone: no payload
            continue
        first, salt, record = backend.payload_spans(index)
        flips.append(Flip("payloads", "salts", "first = ?", (first,), Part.PAYLOAD, index, salt))
        flips.append(
            Flip("payloads", "records", "first = ?", (first,), Part.PAYLOAD, index, record)
        )
    return flips


@pytest.mark.parametrize("grouped", [False, True], ids=["a tile per entry", "tiles of many"])
def test_every_flipped_byte_is_found(
    backend: Backend, decision: MakeDecision, oversight: MakeOversight, *, grouped: bool
) -> None:
    rng = random.Random(20250301)  # noqa: S311 - a reproducible choice of byte positions
    with backend.open() as log:
        _build(log, decision, oversight, grouped=grouped)
        assert log.audit() == AuditPassed(SIZE, len(CHECKPOINTS))
        tiles = backend.sql("SELECT count(*) FROM decisionlog_tiles")[0][0]
        assert tiles < SIZE // 2 if grouped else tiles == SIZE
        flips = _flips(backend)
        nodes = sum(SIZE >> level for level in range(SIZE.bit_length()))
        assert len(flips) == SIZE + nodes + len(CHECKPOINTS) + 2 * (
            SIZE - 2
        )  # 2: tombstone, erased
        missed = []
        for flip in flips:
            at = rng.randrange(1 << 16)
            backend.flip(flip.table, flip.column, flip.where, flip.params, at, flip.span)
            result = log.audit()
            if not (
                isinstance(result, AuditFailed)
                and (result.part, result.first_bad_index) == (flip.part, flip.first_bad_index)
            ):
                missed.append((flip, at, result))
            backend.flip(flip.table, flip.column, flip.where, flip.params, at, flip.span)
        assert missed == []
        assert log.audit().ok


def test_a_damaged_checkpoint_names_its_size(
    backend: Backend, decision: MakeDecision, oversight: MakeOversight
) -> None:
    with backend.open() as log:
        _build(log, decision, oversight)
        backend.flip("checkpoints", "note", "size = ?", (16,), at=3)
        result = log.audit()
        assert isinstance(result, AuditFailed)
        assert (result.part, result.checkpoint_size, result.first_bad_index) == (
            Part.CHECKPOINT,
            16,
            15,
        )


@pytest.mark.parametrize(
    ("statement", "part", "first_bad_index"),
    [
        ("DELETE FROM decisionlog_tiles WHERE first = 17", Part.LEAF, 17),
        ("DELETE FROM decisionlog_tiles WHERE first >= 35", Part.LEAF, 35),
        (  # node (3, 2) is kept with leaf 23, after the hashes of levels 0 to 2
            "UPDATE decisionlog_tiles SET hashes = substr(hashes, 1, 96) WHERE first = 23",
            Part.NODE,
            16,
        ),
        ("DELETE FROM decisionlog_payloads WHERE first = 9", Part.PAYLOAD, 9),
        ("UPDATE decisionlog_checkpoints SET size = 8 WHERE size = 7", Part.CHECKPOINT, 7),
        (
            "UPDATE decisionlog_tiles SET first = first + 100, upto = upto + 100 WHERE first = 39",
            Part.LEAF,
            39,
        ),
        (
            (
                "INSERT INTO decisionlog_payloads (first, entries, salts, records)"
                " SELECT 4, entries, salts, records FROM decisionlog_payloads WHERE first = 0"
            ),
            Part.PAYLOAD,
            ERASED,
        ),
    ],
    ids=[
        "leaf deleted",
        "log truncated",
        "node deleted",
        "payload deleted silently",
        "checkpoint moved",
        "leaf moved",
        "erased payload put back",
    ],
)
def test_missing_and_moved_rows_are_found(
    backend: Backend,
    decision: MakeDecision,
    oversight: MakeOversight,
    statement: str,
    part: Part,
    first_bad_index: int,
) -> None:
    with backend.open() as log:
        _build(log, decision, oversight)
        backend.unguard()
        backend.sql(statement)
        result = log.audit()
        assert isinstance(result, AuditFailed), statement
        assert (result.part, result.first_bad_index) == (part, first_bad_index), result


def _rewrite_history(
    backend: Backend, index: int, forgery: DecisionRecord, *, keep_checkpoints: bool
) -> None:
    """Replace one record, its leaf and every node over it, as an insider with the key could."""
    rows = backend.sql("SELECT first, upto, leaves FROM decisionlog_tiles ORDER BY first")
    leaves = [data for *_, joined in rows for data in bytes(joined).split(b"\n")]
    record, salt = records.record_json(forgery), records.new_salt()
    forged = records.commitment_leaf(records.Kind.DECISION, record, salt)
    leaves[index] = forged
    levels, _ = grow_levels(0, [], [leaf_hash(data) for data in leaves])
    backend.unguard()
    backend.replace_leaf(index, forged)
    first, salt_at, record_at = backend.payload_spans(index)
    salts, written = (
        bytes(value)
        for value in backend.sql(
            "SELECT salts, records FROM decisionlog_payloads WHERE first = ?", (first,)
        )[0]
    )
    salts = salts[: salt_at[0]] + salt + salts[salt_at[1] :]
    written = written[: record_at[0]] + record + written[record_at[1] :]
    update = "UPDATE decisionlog_payloads SET salts = ?, records = ? WHERE first = ?"
    backend.sql(update, (salts, written, first))
    for first, upto, _ in rows:
        joined = b"".join(tile_hashes(levels, first, upto))
        backend.sql("UPDATE decisionlog_tiles SET hashes = ? WHERE first = ?", (joined, first))
    if not keep_checkpoints:
        backend.sql("DELETE FROM decisionlog_checkpoints")


def test_a_rewritten_history_fails_a_consistency_proof(
    backend: Backend, decision: MakeDecision, oversight: MakeOversight
) -> None:
    with backend.open() as log:
        _build(log, decision, oversight)
        kept: SignedCheckpoint = log.checkpoints()[2]  # an auditor kept the one at size 16
        assert kept.checkpoint.size == 16
    _rewrite_history(backend, 11, decision(1011), keep_checkpoints=False)
    with backend.open() as log:
        log.record_decision(decision(SIZE))
        fresh = log.checkpoint()  # signed with the log's own key over the forged tree
        assert log.audit().ok  # the store agrees with itself ...
        proof = log.consistency(kept.checkpoint.size, fresh.checkpoint.size)
        with pytest.raises(RootMismatchError):  # ... but not with what the auditor kept
            proof.verify(kept.checkpoint, fresh.checkpoint)
        result = log.audit(trusted=[kept.checkpoint])
        assert isinstance(result, AuditFailed)
        assert (result.part, result.checkpoint_size) == (Part.LEAF, 16)
        assert result.first_bad_index <= 11


def test_a_rewritten_history_fails_its_own_checkpoints(
    backend: Backend, decision: MakeDecision, oversight: MakeOversight
) -> None:
    with backend.open() as log:
        _build(log, decision, oversight)
    _rewrite_history(backend, 20, decision(1020), keep_checkpoints=True)
    with backend.open() as log:
        result = log.audit()
        assert isinstance(result, AuditFailed)
        # The last good root is at size 16; the one at 33 no longer matches.
        assert (result.part, result.first_bad_index, result.checkpoint_size) == (
            Part.LEAF,
            16,
            33,
        )
        with pytest.raises(InconsistentLogError, match="no longer extends"):
            log.checkpoint()
