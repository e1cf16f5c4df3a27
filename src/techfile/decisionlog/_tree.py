"""The shape of the stored Merkle tree: which perfect subtrees exist, which appends complete.

This module is pure. The log stores the hash of every *complete perfect subtree* ``(level,
index)``, covering leaves ``[index * 2**level, (index + 1) * 2**level)``, level 0 being the
leaf hashes, so that every proof or root needs O(log n) stored hashes (RFC 9162 §2.1 tree
shape). Each subtree *ends* at the last leaf it covers, `holder` ``(level, index)``; the
leaves ``i`` at which subtrees end hold levels 0 to ``ctz(i + 1)`` (`row_levels`), and a
store keeps each subtree in the tile of the leaf where it ends (`techfile.decisionlog._tiles`).

Appending leaves completes new subtrees; only the *frontier* (the perfect subtrees that make
up ``[0, n)``, one per set bit of ``n``) is needed to compute them (`grow_levels`; `grow`
groups them by the leaf where they end).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

__all__ = ["complete", "frontier", "grow", "grow_levels", "holder", "row_levels"]

_NODE_PREFIX: Final = b"\x01"


def holder(level: int, index: int) -> int:
    """Return the leaf whose row keeps subtree ``(level, index)``: the last leaf it covers."""
    return ((index + 1) << level) - 1


def row_levels(leaf: int) -> int:
    """Return how many subtree hashes the row of ``leaf`` holds: levels 0 to ``ctz(leaf + 1)``."""
    after = leaf + 1
    return (after & -after).bit_length()


def frontier(size: int) -> list[tuple[int, int]]:
    """Return the ``(level, index)`` of the perfect subtrees that make up ``[0, size)``.

    Args:
        size: Number of leaves in the tree.

    Returns:
        One subtree per set bit of ``size``, largest (leftmost) first.
    """
    parts: list[tuple[int, int]] = []
    begin = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            parts.append((level, begin >> level))
            begin += 1 << level
    return parts


def _check_frontier(size: int, frontier_hashes: Sequence[bytes]) -> None:
    if len(frontier_hashes) != size.bit_count():
        raise ValueError(f"a tree of size {size} has {size.bit_count()} frontier nodes")


def grow_levels(
    size: int, frontier_hashes: Sequence[bytes], leaf_hashes: Sequence[bytes]
) -> tuple[list[tuple[int, list[bytes]]], list[bytes]]:
    """Return the subtrees that appending leaves to a tree completes, level by level.

    Args:
        size: Number of leaves already in the tree.
        frontier_hashes: The hashes of ``frontier(size)``, in that order.
        leaf_hashes: The hashes of the leaves appended, in log order.

    Returns:
        Per level from 0 (the leaf hashes), the index of the first new subtree of that level
        and the hashes of the new subtrees in order; and the hashes of
        ``frontier(size + len(leaf_hashes))``.

    Raises:
        ValueError: ``frontier_hashes`` does not match the frontier of ``size``.
    """
    _check_frontier(size, frontier_hashes)
    # The appends of large batches spend their time here, so the new nodes are computed level
    # by level in one list comprehension each, RFC 9162 §2.1.1 SHA-256(0x01 || left || right)
    # inlined. The first new subtree of level L has index size >> L; where that is odd, its
    # left sibling is the frontier's subtree of level L, the lowest one not yet used (the
    # frontier lists the largest first).
    sha256 = hashlib.sha256
    older = list(frontier_hashes)  # frontier subtrees still to pair, lowest level last
    border: list[bytes] = []  # the new frontier's subtrees from the new nodes, lowest first
    levels: list[tuple[int, list[bytes]]] = []
    new, start = list(leaf_hashes), size  # a level's new nodes; the first one's index
    while new:
        levels.append((start, new))
        below = [older.pop(), *new] if start & 1 else new
        if len(below) & 1:  # the last one has no sibling yet: part of the new frontier
            border.append(below[-1])
        start >>= 1
        new = [
            sha256(_NODE_PREFIX + below[at] + below[at + 1]).digest()
            for at in range(0, len(below) - 1, 2)
        ]
    # The frontier's subtrees above every new node stay in it, above those the nodes made.
    border.reverse()
    return levels, older + border


def complete(
    size: int, frontier_hashes: Sequence[bytes], leaf_hash: bytes
) -> tuple[list[bytes], list[bytes]]:
    """Return the subtrees that appending one leaf completes, and the new frontier.

    As `grow_levels` for a single leaf, which completes one subtree per trailing one bit of
    ``size`` (each paired with the frontier's subtree of its level) and ends all of them.

    Returns:
        The leaf hash and the hashes of the subtrees it completes, level by level (what the
        leaf's tile keeps); and the hashes of ``frontier(size + 1)``.
    """
    if len(frontier_hashes) != size.bit_count():  # `_check_frontier`, inlined: every append
        _check_frontier(size, frontier_hashes)
    sha256 = hashlib.sha256
    older = list(frontier_hashes)
    nodes = [leaf_hash]
    node, below = leaf_hash, size
    while below & 1:
        node = sha256(_NODE_PREFIX + older.pop() + node).digest()
        nodes.append(node)
        below >>= 1
    older.append(node)
    return nodes, older


def grow(
    size: int, frontier_hashes: Sequence[bytes], leaf_hashes: Sequence[bytes]
) -> tuple[list[bytes], list[bytes]]:
    """Return, per appended leaf, the hashes of the subtrees that end at it, and the frontier.

    As `grow_levels`, but with the new subtrees grouped by the last leaf they cover: per new
    leaf, its leaf hash followed by the hashes of the subtrees that end at it, level by level
    (see the module docstring).
    """
    levels, border = grow_levels(size, frontier_hashes, leaf_hashes)
    rows = list(leaf_hashes)
    for level, (start, nodes) in enumerate(levels[1:], 1):
        for index, node in enumerate(nodes, start):
            rows[((index + 1) << level) - 1 - size] += node
    return rows, border
