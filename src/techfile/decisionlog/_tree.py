"""The stored shape of the Merkle tree: which perfect subtrees exist and how appends extend them.

This module is pure. The log stores the hash of every *complete perfect subtree* ``(level,
index)``, covering leaves ``[index * 2**level, (index + 1) * 2**level)``, level 0 being the
leaf hashes. A tree of ``n`` leaves then holds, for any proof or root, every node that
`techfile.decisionlog.merkle`'s ``*_from`` functions ask for, so each costs O(log n) reads.
Appending leaves completes new subtrees; only the *frontier* (the perfect subtrees that make
up ``[0, n)``, one per set bit of ``n``) is needed to compute them, so an append of ``b``
leaves reads O(log n) nodes and writes fewer than ``2b`` (RFC 9162 §2.1.1 tree shape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from techfile.decisionlog.merkle import HASH_SIZE, node_hash

__all__ = ["Node", "extend", "frontier", "grow"]


@dataclass(frozen=True, slots=True)
class Node:
    """The hash of one complete perfect subtree of the log's tree."""

    level: int
    """Height of the subtree; 0 for a leaf."""
    index: int
    """Position among the subtrees of its level; it covers leaves from ``index << level``."""
    hash: bytes
    """The 32-byte RFC 9162 hash of the subtree."""

    def __post_init__(self) -> None:
        if self.level < 0 or self.index < 0 or len(self.hash) != HASH_SIZE:
            raise ValueError(f"not a tree node: level {self.level}, index {self.index}")

    @property
    def first_leaf(self) -> int:
        """The index of the first leaf the subtree covers."""
        return self.index << self.level


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


def extend(size: int, frontier_hashes: Sequence[bytes], leaf_hashes: Sequence[bytes]) -> list[Node]:
    """Return every perfect subtree completed by appending leaves to a tree.

    Args:
        size: Number of leaves already in the tree.
        frontier_hashes: The hashes of ``frontier(size)``, in that order.
        leaf_hashes: The hashes of the leaves appended, in log order.

    Returns:
        The new nodes, level 0 included, each after its children.

    Raises:
        ValueError: ``frontier_hashes`` does not match the frontier of ``size``.
    """
    return grow(size, frontier_hashes, leaf_hashes)[0]


def grow(
    size: int, frontier_hashes: Sequence[bytes], leaf_hashes: Sequence[bytes]
) -> tuple[list[Node], list[bytes]]:
    """Return the subtrees completed by appending leaves (`extend`) and the new frontier.

    Returns:
        The new nodes, and the hashes of ``frontier(size + len(leaf_hashes))`` in order.

    Raises:
        ValueError: ``frontier_hashes`` does not match the frontier of ``size``.
    """
    positions = frontier(size)
    if len(frontier_hashes) != len(positions):
        raise ValueError(f"a tree of size {size} has {len(positions)} frontier nodes")
    # A compact range of (level, index, hash), largest subtree first; Node objects are made
    # once per stored node only, as appends of large batches spend their time here.
    stack = [
        (level, index, value)
        for (level, index), value in zip(positions, frontier_hashes, strict=True)
    ]
    completed: list[Node] = []
    for offset, value in enumerate(leaf_hashes):
        level, index, top = 0, size + offset, value
        completed.append(Node(0, index, top))
        # Two equal-height subtrees side by side are the two halves of their parent.
        while stack and stack[-1][0] == level:
            left = stack.pop()
            level, index, top = level + 1, index >> 1, node_hash(left[2], top)
            completed.append(Node(level, index, top))
        stack.append((level, index, top))
    return completed, [value for _, _, value in stack]
