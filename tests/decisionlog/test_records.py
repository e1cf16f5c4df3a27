"""Records, commitments and leaves: canonical round trips, hiding commitments, bad input."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import (
    Action,
    DecisionRecord,
    Kind,
    OversightRecord,
    RecordError,
    Tombstone,
)
from techfile.decisionlog.records import (
    SALT_SIZE,
    Commitment,
    commitment_leaf,
    new_salt,
    parse_leaf,
    parse_record,
    record_json,
    tombstone_leaf,
)

WHEN = datetime(2025, 6, 1, 10, 30, tzinfo=UTC)
OVERSIGHT = (
    b'{"action":"confirm","clinician":"a","decision_index":0,"kind":"oversight",'
    b'"reason":"","timestamp":"2025-01-01T00:00:00Z"}'
)
text = st.text(min_size=1, max_size=40).filter(str.strip)
moments = st.datetimes(
    min_value=datetime(1970, 1, 2),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001 - hypothesis wants naive bounds
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5))]),
)
decisions = st.builds(
    DecisionRecord,
    device=text,
    model_version=text,
    input_digest=st.binary(min_size=32, max_size=32).map(bytes.hex),
    output=text,
    score=st.none() | st.floats(allow_nan=False, allow_infinity=False),
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


def _decision(**changes: object) -> DecisionRecord:
    fields: dict[str, object] = {
        "device": "dev",
        "model_version": "1",
        "input_digest": "ab" * 32,
        "output": "low risk",
        "score": 0.25,
        "timestamp": WHEN,
        "site": "site",
        "operator": "op",
    }
    return DecisionRecord(**(fields | changes))  # type: ignore[arg-type]


@given(decisions | oversights)
def test_records_round_trip_in_canonical_form(record: DecisionRecord | OversightRecord) -> None:
    data = record_json(record)
    back = parse_record(data)
    assert back == record
    assert record_json(back) == data


@given(decisions | oversights, st.binary(min_size=SALT_SIZE, max_size=SALT_SIZE))
def test_a_leaf_commits_to_salt_and_record_and_hides_both(
    record: DecisionRecord | OversightRecord, salt: bytes
) -> None:
    data = record_json(record)
    leaf = commitment_leaf(record.kind, data, salt)
    assert parse_leaf(leaf) == Commitment(record.kind, hashlib.sha256(salt + data).hexdigest())
    assert json.loads(leaf) == {
        "kind": record.kind.value,
        "record_digest": hashlib.sha256(salt + data).hexdigest(),
    }
    assert salt.hex().encode() not in leaf
    assert hashlib.sha256(data).hexdigest().encode() not in leaf  # no unsalted digest


def test_salts_are_fresh() -> None:
    assert len({new_salt() for _ in range(100)}) == 100
    assert all(len(new_salt()) == SALT_SIZE for _ in range(3))


@given(st.integers(0, 2**53 - 1), text, moments)
def test_tombstones_are_leaves_in_the_clear(index: int, reason: str, moment: datetime) -> None:
    tombstone = Tombstone(index, reason, moment)
    leaf = tombstone_leaf(tombstone)
    assert parse_leaf(leaf) == tombstone
    assert json.loads(leaf)["erased_index"] == index


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"device": " "}, "device"),
        ({"input_digest": "AB" * 32}, "input_digest"),
        ({"input_digest": "ab" * 31}, "input_digest"),
        ({"score": float("nan")}, "score"),
        ({"score": float("inf")}, "score"),
        ({"score": True}, "score"),
        ({"timestamp": datetime(2025, 1, 1)}, "time zone"),  # noqa: DTZ001 - the defect
    ],
    ids=[
        "blank device",
        "upper-case digest",
        "short digest",
        "NaN score",
        "infinite score",
        "boolean score",
        "naive time",
    ],
)
def test_bad_decisions_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        _decision(**changes)


@pytest.mark.parametrize("action", [Action.OVERRIDE, Action.DISMISS])
def test_overriding_or_dismissing_needs_a_reason(action: Action) -> None:
    with pytest.raises(RecordError, match="reason"):
        OversightRecord(0, action, "dr-a", WHEN)
    assert OversightRecord(0, Action.CONFIRM, "dr-a", WHEN).reason == ""


@pytest.mark.parametrize("index", [-1, 2**53, True])
def test_oversight_needs_a_log_index(index: int) -> None:
    with pytest.raises(RecordError, match="decision_index"):
        OversightRecord(index, Action.CONFIRM, "dr-a", WHEN)


def test_every_kind_and_action_is_covered() -> None:
    assert {k.value for k in Kind} == {"decision", "oversight", "tombstone"}
    for action in Action:
        record = OversightRecord(0, action, "dr-a", WHEN, "why")
        assert parse_record(record_json(record)) == record
    with pytest.raises(RecordError, match="clear"):
        commitment_leaf(Kind.TOMBSTONE, b"{}", bytes(SALT_SIZE))
    with pytest.raises(RecordError, match="salt"):
        commitment_leaf(Kind.DECISION, b"{}", bytes(SALT_SIZE - 1))


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"[]",
        b'{"kind":"decision"}',
        b'{"kind":"verdict","record_digest":"' + b"0" * 64 + b'"}',
        b'{"record_digest":"' + b"0" * 64 + b'","kind":"decision"}',
        b'{"kind": "decision", "record_digest": "' + b"0" * 64 + b'"}',
        b'{"erased_index":1,"kind":"tombstone","reason":"x","timestamp":"2025-01-01T00:00:00Z"}',
        b'{"erased_index":1.5,"kind":"tombstone","reason":"x","timestamp":"x"}',
    ],
    ids=[
        "not JSON",
        "not an object",
        "no digest",
        "unknown kind",
        "keys unsorted",
        "whitespace",
        "time not canonical",
        "fractional index",
    ],
)
def test_leaves_must_be_canonical(data: bytes) -> None:
    with pytest.raises(RecordError):
        parse_leaf(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"kind":"decision"}',
        OVERSIGHT.replace(b'"confirm"', b'"ignore"'),
        OVERSIGHT.replace(b'"decision_index":0', b'"decision_index":"0"'),
        OVERSIGHT.replace(b'"2025-01-01T00:00:00Z"', b'"yesterday"'),
        b'{"kind":"tombstone"}',
    ],
    ids=["fields missing", "unknown action", "index as text", "bad time", "not a record"],
)
def test_malformed_records_are_refused(data: bytes) -> None:
    with pytest.raises(RecordError):
        parse_record(data)
