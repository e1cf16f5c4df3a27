"""Reading the tree nodes a proof or root needs, in one query where the store allows it.

Which perfect subtrees a proof or root reads depends only on the tree sizes and the index,
never on the hashes (RFC 9162 §2.1 tree shape). So the computation is run once over a
stand-in that records what it asks for, those nodes are read together
(`NodeBatchReader.nodes_at`), and it is run again over them: one query instead of O(log n).
A store without batch reads is asked node by node, as before.

Proofs may also keep the upper nodes in memory (`UpperNodes`): as many levels, from the top,
as fit in a bounded cache; every proof reads some, and a stored node never changes.
Only proofs use them, which an auditor checks against a signed root anyway; signing a
checkpoint always reads the store.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Final, TypeVar, cast

from techfile.decisionlog.merkle import HASH_SIZE, SubtreeHash
from techfile.decisionlog.store.interface import LogStore, MissingDataError, NodeBatchReader

__all__ = ["UpperNodes", "read_nodes"]

_T = TypeVar("_T")
_STAND_IN: Final = bytes(HASH_SIZE)


@cache
def _reads_in_batches(kind: type) -> bool:
    # A runtime protocol check costs more than the query it saves: ask once per store type.
    return issubclass(kind, NodeBatchReader)


class UpperNodes:
    """Tree nodes of the upper levels, kept in memory between proofs (bounded in number)."""

    def __init__(self, limit: int = 1 << 16) -> None:
        self.limit = limit
        """Most nodes kept; the cache starts afresh when it is full."""
        self.min_level = 0
        """The lowest level kept (see `fit`)."""
        self.nodes: dict[tuple[int, int], bytes] = {}

    def fit(self, size: int) -> None:
        """Keep only levels whose nodes, in a tree of ``size`` leaves, fill half the limit."""
        level = 0
        while size >> level > self.limit // 2:
            level += 1
        self.min_level = level

    def keep(self, found: dict[tuple[int, int], bytes]) -> None:
        """Keep the upper nodes of a read."""
        upper = {pos: value for pos, value in found.items() if pos[0] >= self.min_level}
        if len(self.nodes) + len(upper) > self.limit:
            self.nodes = {}  # a new dict: a read in progress still holds the old one
        self.nodes.update(upper)


def read_nodes(
    store: LogStore, compute: Callable[[SubtreeHash], _T], upper: UpperNodes | None = None
) -> _T:
    """Run ``compute`` over the store's tree nodes, reading them in one query if it can.

    Args:
        store: The log's store.
        compute: A proof or root computation over a ``node(level, index)`` callback.
        upper: Upper nodes kept in memory, for proofs only.

    Returns:
        What ``compute`` returns.

    Raises:
        MissingDataError: A node it needs is not stored.
    """
    if not _reads_in_batches(type(store)):
        return compute(store.node)
    reader = cast("NodeBatchReader", store)
    wanted: list[tuple[int, int]] = []

    def record(level: int, index: int) -> bytes:
        wanted.append((level, index))
        return _STAND_IN

    compute(record)
    kept = {} if upper is None else upper.nodes
    found = reader.nodes_at([position for position in wanted if position not in kept])
    if upper is not None:
        upper.keep(found)

    def node(level: int, index: int) -> bytes:
        value = kept.get((level, index)) or found.get((level, index))
        if value is None:
            raise MissingDataError(f"tree node ({level}, {index}) is not stored")
        return value

    return compute(node)
