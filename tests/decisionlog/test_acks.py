"""Acknowledgements: a batch's outcome per entry, and the sequence a group gets back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import RecordError
from techfile.decisionlog._acks import Ack, Acks, Committed


def _hashes(count: int) -> list[bytes]:
    return [bytes([n % 256]) * 32 for n in range(count)]


@given(
    first=st.integers(0, 10**9),
    count=st.integers(0, 40),
    where=st.slices(40),
)
def test_acks_read_as_the_list_of_their_acks(first: int, count: int, where: slice) -> None:
    hashes = _hashes(count)
    acks = Acks(first, hashes)
    expected = [Ack(first + n, hashes[n]) for n in range(count)]
    assert len(acks) == count
    assert list(acks) == expected
    assert acks == expected
    assert list(acks[where]) == expected[where]
    for at in range(-count, count):
        assert acks[at] == expected[at]
    assert acks != [*expected, Ack(0, b"")]


@pytest.mark.parametrize("at", [3, -4])
def test_an_ack_out_of_range_is_an_index_error(at: int) -> None:
    with pytest.raises(IndexError):
        Acks(7, _hashes(3))[at]


def test_acks_around_a_refusal_keep_their_indices() -> None:
    hashes = _hashes(4)
    committed = Committed(10, hashes, {1: RecordError("entry 2 is already erased")})
    # Five entries submitted, the second refused: the others took indices 10 to 13.
    assert committed.acks(0, 1) == [Ack(10, hashes[0])]
    assert committed.acks(2, 3) == [Ack(11, hashes[1]), Ack(12, hashes[2]), Ack(13, hashes[3])]
    with pytest.raises(RecordError, match="already erased"):
        committed.acks(0, 2)
