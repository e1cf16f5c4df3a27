"""Reading the tree for proofs and roots: one query per proof, the upper levels kept in memory.

Which subtrees a proof or root reads depends only on the tree sizes and the index, never on
the hashes (RFC 9162 §2.1 tree shape), and a stored subtree never changes. This module uses
both:

* `TreeReader.inclusion` builds an inclusion proof directly. The path of leaf ``i`` in a tree
  of ``n`` leaves runs up through the perfect subtree of the frontier of ``n`` that holds
  ``i`` (one per set bit of ``n``; ``_tree.frontier``), whose siblings are all stored
  subtrees, and then goes on with what depends on that frontier subtree only: the hash of
  the frontier subtrees to its right, folded, and those to its left, nearest first. That
  tail is computed once per tree size. Siblings at the upper levels come from memory,
  those below from ONE query (`_tiles.nodes_at`: the tiles that keep them, usually the
  leaf's own) that also reads the leaf;
* the upper levels are kept as one ``bytes`` of 32-byte hashes per level, from the
  lowest level whose nodes, with those above, fit the budget; they are loaded as the tree
  grows (from the tiles that keep the subtrees of that level) and never go stale;
* `TreeReader.read` runs any other computation over ``node(level, index)`` (consistency
  proofs, roots) twice: once to learn which nodes it needs, then over those nodes, read in
  one query.

Only proofs use the levels in memory, which an auditor checks against a signed root anyway;
signing a checkpoint reads the store (``cached=False``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from techfile.decisionlog._tiles import nodes_at
from techfile.decisionlog._tree import frontier
from techfile.decisionlog.merkle import HASH_SIZE, SubtreeHash
from techfile.decisionlog.store.interface import LogStore, MissingDataError

__all__ = ["DEFAULT_BUDGET", "TreeReader"]

_T = TypeVar("_T")
_STAND_IN: Final = bytes(HASH_SIZE)
_NODE_PREFIX: Final = b"\x01"
_LOAD_CHUNK: Final = 4096
"""Rows read per query while loading the upper levels."""

DEFAULT_BUDGET: Final = 1 << 19
"""Most tree nodes kept in memory for proofs (32 bytes each: 16 MiB)."""


def _fold(parts: Sequence[bytes]) -> bytes:
    """Join perfect-subtree hashes, largest first, into the hash of their union (RFC 9162)."""
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = hashlib.sha256(_NODE_PREFIX + part + result).digest()
    return result


class TreeReader:
    """Reads proofs and roots from one store, keeping the upper levels of its tree in memory.

    Args:
        store: The log's store.
        budget: Most tree nodes kept in memory (the upper levels that fit).
    """

    def __init__(self, store: LogStore, budget: int = DEFAULT_BUDGET) -> None:
        self._store = store
        self._budget = budget
        self._low = 1  # the lowest level kept
        self._levels: list[bytes] = []  # by level; those below _low are left empty
        self._size = 0  # the tree size whose complete subtrees the levels hold
        self._tails: tuple[int, list[tuple[int, int, list[bytes]]]] = (0, [])

    @property
    def lowest_level(self) -> int:
        """The lowest level of the tree kept in memory."""
        return self._low

    @property
    def kept(self) -> int:
        """The number of tree nodes kept in memory."""
        return sum(map(len, self._levels)) // HASH_SIZE

    def _fit(self, size: int) -> None:
        """Load the upper levels' subtrees completed in a tree of ``size`` leaves.

        A node missing from the store stops the load there: the levels keep what was read
        before it, and proofs read the rest from the store (and fail only where they need it).
        """
        if size <= self._size:
            return
        levels = [bytearray(level) for level in self._levels]  # grown, then kept as bytes
        try:
            self._load(size, levels)
        finally:
            self._levels = [bytes(level) for level in levels]

    def _load(self, size: int, levels: list[bytearray]) -> None:
        low = self._low
        while 2 * (size >> low) > self._budget:
            low += 1
        for level in range(min(low, len(levels))):
            levels[level] = bytearray()  # no longer fits: served from the store from now on
        levels += [bytearray() for _ in range(len(levels), size.bit_length())]
        self._low = low
        self._size = size
        done = len(levels[low]) // HASH_SIZE if low < len(levels) else 0
        for start in range(done, size >> low, _LOAD_CHUNK):
            # Subtree (low, index) and every subtree above it that ends at the same leaf,
            # (low + k, index >> k) while index + 1 has trailing zeros, in index order.
            wanted = [
                (low + k, index >> k)
                for index in range(start, min(start + _LOAD_CHUNK, size >> low))
                for k in range((index + 1 & -(index + 1)).bit_length())
            ]
            hashes, _ = nodes_at(self._store, wanted)
            for (level, _), value in zip(wanted, hashes, strict=True):
                if len(value) != HASH_SIZE:
                    return  # the levels keep a prefix of each level
                levels[level] += value

    def _cached(self, level: int, index: int) -> bytes | None:
        if level < self._low or level >= len(self._levels):
            return None
        kept = self._levels[level]
        at = index * HASH_SIZE
        if at + HASH_SIZE > len(kept):
            return None
        return kept[at : at + HASH_SIZE]

    def _frontier_tails(self, size: int) -> list[tuple[int, int, list[bytes]]]:
        """Per frontier subtree of ``size``: its level, first leaf, and the path above it."""
        if self._tails[0] == size:
            return self._tails[1]
        parts = frontier(size)
        hashes = self.read(lambda node: [node(level, index) for level, index in parts])
        tails: list[tuple[int, int, list[bytes]]] = []
        for k, (level, index) in enumerate(parts):
            right = [_fold(hashes[k + 1 :])] if k + 1 < len(parts) else []
            tails.append((level, index << level, right + hashes[:k][::-1]))
        self._tails = (size, tails)
        return tails

    def inclusion(self, index: int, size: int) -> tuple[bytes, list[bytes]]:
        """Return the leaf data at ``index`` and its inclusion proof in a tree of ``size``.

        The caller checks ``0 <= index < size``.

        Raises:
            MissingDataError: The leaf or a node it needs is not stored.
        """
        self._fit(size)
        height, tail = next(
            (height, tail)
            for height, begin, tail in self._frontier_tails(size)
            if index < begin + (1 << height)
        )
        # The siblings of the leaf's path within its frontier subtree, from memory where
        # kept, otherwise from the tiles that keep them, read with the leaf in one query.
        proof: list[bytes] = []
        wanted: list[tuple[int, int]] = []
        levels = self._levels
        for level in range(height):
            sibling = (index >> level) ^ 1
            kept = levels[level]  # empty below the lowest level kept
            at = sibling * HASH_SIZE
            if at + HASH_SIZE <= len(kept):
                proof.append(kept[at : at + HASH_SIZE])
            else:
                proof.append(b"")
                wanted.append((level, sibling))
        stored, data = nodes_at(self._store, wanted, index)
        if data is None:
            raise MissingDataError(f"leaf {index} is not stored")
        for (level, sibling), value in zip(wanted, stored, strict=True):
            if len(value) != HASH_SIZE:
                raise MissingDataError(f"tree node ({level}, {sibling}) is not stored")
            proof[level] = value
        return data, proof + tail

    def read(self, compute: Callable[[SubtreeHash], _T], *, cached: bool = True) -> _T:
        """Run ``compute`` over the stored tree nodes, reading those it needs in one query.

        Args:
            compute: A proof or root computation over a ``node(level, index)`` callback.
            cached: Serve the upper levels from memory; False reads every node from the store.

        Raises:
            MissingDataError: A node it needs is not stored.
        """
        wanted: list[tuple[int, int]] = []
        kept: dict[tuple[int, int], bytes] = {}

        def record(level: int, index: int) -> bytes:
            value = self._cached(level, index) if cached else None
            if value is None:
                wanted.append((level, index))
                return _STAND_IN
            kept[level, index] = value
            return value

        compute(record)
        if not wanted:
            return compute(lambda level, index: kept[level, index])
        stored, _ = nodes_at(self._store, wanted)
        for (level, index), value in zip(wanted, stored, strict=True):
            if len(value) != HASH_SIZE:
                raise MissingDataError(f"tree node ({level}, {index}) is not stored")
            kept[level, index] = value
        return compute(lambda level, index: kept[level, index])
