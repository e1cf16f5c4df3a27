"""The stored tree shape: appends in any batch sizes store exactly the complete perfect subtrees,
each with the last leaf it covers, and proofs from them verify for any size and index (STYLE F5).
"""

from __future__ import annotations

import itertools
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import _tiles as tiles
from techfile.decisionlog import merkle
from techfile.decisionlog._ingest import Group, commit_batch
from techfile.decisionlog._tree import complete, frontier, grow, grow_levels, holder, row_levels
from techfile.decisionlog.store import SqliteStore

DATA = [str(i).encode() for i in range(12 * 70)]  # stored leaves hold no line feed (_tiles)
LEAVES = [merkle.leaf_hash(data) for data in DATA]
"""Enough leaves for the largest batches drawn: 12 batches of 70."""
batches = st.lists(st.integers(1, 70), min_size=1, max_size=12)


def _all_subtrees(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    subtrees = {}
    for level in range(len(leaves).bit_length()):
        width = 1 << level
        for index in range(len(leaves) >> level):
            span = leaves[index * width : (index + 1) * width]
            subtrees[level, index] = merkle.root_hash(span)
    return subtrees


@given(batches)
def test_appends_store_every_complete_subtree_once(sizes: list[int]) -> None:
    rows: list[bytes] = []
    border: list[bytes] = []
    for count in sizes:
        size = len(rows)
        new, border = grow(size, border, LEAVES[size : size + count])
        rows += new
    size = len(rows)
    stored = {
        (level, ((leaf + 1) >> level) - 1): row[32 * level : 32 * level + 32]
        for leaf, row in enumerate(rows)
        for level in range(len(row) // 32)
    }
    assert [len(row) // 32 for row in rows] == [row_levels(leaf) for leaf in range(size)]
    assert stored == _all_subtrees(LEAVES[:size])  # every subtree, each stored once
    assert all(holder(level, index) < size for level, index in stored)
    assert border == [stored[position] for position in frontier(size)]
    reads = []

    def node(level: int, index: int) -> bytes:
        reads.append((level, index))
        return stored[level, index]

    assert merkle.root_from(size, node) == merkle.root_hash(LEAVES[:size])
    assert len(reads) == size.bit_count()


def test_a_subtree_is_kept_with_its_last_leaf() -> None:
    assert [holder(0, i) for i in range(4)] == [0, 1, 2, 3]
    assert [holder(1, i) for i in range(3)] == [1, 3, 5]
    assert holder(3, 2) == 23
    assert [row_levels(leaf) for leaf in range(8)] == [1, 2, 1, 3, 1, 2, 1, 4]


def test_the_frontier_is_one_subtree_per_set_bit() -> None:
    assert frontier(0) == []
    assert frontier(1) == [(0, 0)]
    assert frontier(6) == [(2, 0), (1, 2)]
    assert frontier(13) == [(3, 0), (2, 2), (0, 12)]
    for size in range(1, 300):
        covered = list(
            itertools.chain.from_iterable(
                range(index << level, (index + 1) << level) for level, index in frontier(size)
            )
        )
        assert covered == list(range(size))


def test_a_wrong_frontier_is_refused() -> None:
    with pytest.raises(ValueError, match="frontier"):
        grow(3, [LEAVES[0]], [LEAVES[3]])


@given(batches, st.data())
def test_store_proofs_verify_for_any_size_and_index(sizes: list[int], data: st.DataObject) -> None:
    store = SqliteStore(":memory:")
    try:
        size = 0
        for count in sizes:
            entries = Group(DATA[size : size + count], [None] * count, [None] * count)
            committed = commit_batch(store, entries)
            assert committed.first_index == size
            assert list(committed.leaf_hashes) == LEAVES[size : size + count]
            size += count
        node = partial(tiles.node, store)
        root = merkle.root_from(size, node)
        assert root == merkle.root_hash(LEAVES[:size])
        index = data.draw(st.integers(0, size - 1), label="index")
        proof = merkle.inclusion_proof_from(index, size, node)
        merkle.verify_inclusion(LEAVES[index], index, size, proof, root)
        old = data.draw(st.integers(1, size), label="old size")
        old_root = merkle.root_from(old, node)
        consistency = merkle.consistency_proof_from(old, size, node)
        merkle.verify_consistency(old, size, old_root, root, consistency)
    finally:
        store.close()


@given(st.integers(0, 2**40), st.binary(min_size=32, max_size=32))
def test_one_leaf_completes_what_a_batch_of_one_does(size: int, leaf: bytes) -> None:
    older = [merkle.leaf_hash(str(n).encode()) for n in range(size.bit_count())]
    levels, border = grow_levels(size, older, [leaf])
    nodes, after = complete(size, older, leaf)
    assert nodes == [new[0] for _, new in levels]
    assert after == border
    assert len(after) == (size + 1).bit_count()


def test_one_leaf_needs_the_right_frontier() -> None:
    with pytest.raises(ValueError, match="frontier"):
        complete(3, [LEAVES[0]], LEAVES[3])
