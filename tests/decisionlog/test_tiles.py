"""The tiled layout: appended leaves cut into tiles and read back leaf by leaf and node by node."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import merkle
from techfile.decisionlog._ingest import one_entry
from techfile.decisionlog._tiles import (
    TILE_WIDTH,
    pack,
    pack_payloads,
    position,
    unpack,
    unpack_payloads,
)
from techfile.decisionlog._tree import grow, grow_levels, holder, row_levels
from techfile.decisionlog.store import Batch, Payload
from techfile.decisionlog.store.interface import single_entry_batch


def _data(index: int) -> bytes:
    return b'{"n":%d}' % index


@given(st.integers(0, 300), st.integers(1, 200))
def test_tiles_hold_every_leaf_and_subtree_that_ends_in_them(first: int, count: int) -> None:
    hashes = [merkle.leaf_hash(_data(i)) for i in range(first + count)]
    expected, _ = grow(0, [], hashes)  # per leaf, the subtrees that end at it
    _, frontier = grow_levels(0, [], hashes[:first])
    levels, _ = grow_levels(first, frontier, hashes[first:])
    firsts, uptos, blobs, joined = pack(
        first, [_data(i) for i in range(first, first + count)], levels
    )
    assert firsts[0] == first
    assert uptos[-1] == first + count
    assert firsts[1:] == uptos[:-1]  # contiguous
    for a, b in zip(firsts, uptos, strict=True):
        assert 0 < b - a <= TILE_WIDTH
        assert a // TILE_WIDTH == (b - 1) // TILE_WIDTH  # never across a multiple of 64
    for tile in zip(firsts, uptos, blobs, joined, strict=True):
        rows = unpack(tile)
        assert [index for index, *_ in rows] == list(range(tile[0], tile[1]))
        for index, data, kept in rows:
            assert data == _data(index)
            assert kept == expected[index]
            for level in range(row_levels(index)):
                node = ((index + 1) >> level) - 1
                at = position(tile[0], tile[1], level, node)
                assert at is not None
                assert tile[2][32 * at : 32 * at + 32] == kept[32 * level : 32 * level + 32]
        assert len(tile[2]) == 32 * sum(row_levels(i) for i in range(tile[0], tile[1]))


def test_position_says_which_subtrees_a_tile_keeps() -> None:
    # Tile [64, 128): its 64 leaf hashes, then 32 nodes of level 1, ... and at its last leaf,
    # 127, the subtrees (6, 1) and (7, 0), which end there.
    assert position(64, 128, 0, 64) == 0
    assert position(64, 128, 1, 32) == 64
    assert position(64, 128, 6, 1) == 64 + 32 + 16 + 8 + 4 + 2
    assert holder(7, 0) == 127
    assert position(64, 128, 7, 0) == 127  # begins before the tile, ends in it: kept
    assert position(64, 100, 6, 1) is None  # not complete in [64, 100)
    assert position(64, 128, 8, 0) is None  # ends at 255
    assert position(64, 128, 0, 63) is None  # leaf 63 is in the tile before


def test_a_leaf_with_a_line_feed_is_refused() -> None:
    levels, _ = grow_levels(0, [], [merkle.leaf_hash(b"a\nb")])
    with pytest.raises(ValueError, match="line feed"):
        pack(0, [b"a\nb"], levels)


@given(st.integers(0, 200), st.lists(st.booleans(), min_size=1, max_size=150))
def test_payloads_round_trip_around_tombstones(first: int, has_payload: list[bool]) -> None:
    indices = [first + at for at, kept in enumerate(has_payload) if kept]
    salts = [hashlib.sha256(b"%d" % i).digest() for i in indices]
    records = [b'{"record":%d}' % i for i in indices]
    rows = pack_payloads(first, indices, salts, records)
    found = [payload for row in rows for payload in unpack_payloads(row)]
    assert found == [Payload(*values) for values in zip(indices, records, salts, strict=True)]
    for key, entries, *_ in rows:  # keyed by the tile of its entries, which `pack` cuts alike
        assert key == first or key % TILE_WIDTH == 0
        assert all(key + offset < (key // TILE_WIDTH + 1) * TILE_WIDTH for offset in entries)


@given(size=st.integers(0, 10**6))
def test_a_single_entry_is_cut_as_any_batch(size: int) -> None:
    older = [merkle.leaf_hash(b"%d" % n) for n in range(size.bit_count())]
    leaf, salt, record = _data(size), hashlib.sha256(b"salt").digest(), b'{"record":1}'
    hashes, leaf_hash, border = one_entry(size, older, leaf, record)
    levels, expected_border = grow_levels(size, older, [merkle.leaf_hash(leaf)])
    payloads = pack_payloads(size, [size], [salt], [record])
    expected = Batch(size, *pack(size, [leaf], levels), payloads)
    assert single_entry_batch(size, hashes, leaf, salt, record) == expected
    assert leaf_hash == merkle.leaf_hash(leaf)
    assert border == expected_border


@pytest.mark.parametrize(("leaf", "record"), [(b"a\nb", b"{}"), (b"{}", b"a\nb")])
def test_a_single_entry_refuses_a_line_feed(leaf: bytes, record: bytes) -> None:
    with pytest.raises(ValueError, match="line feed"):
        one_entry(0, [], leaf, record)
