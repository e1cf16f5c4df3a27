r"""How leaves are stored: runs of up to 64 consecutive leaves per row (tiles), and reading them.

A store keeps the leaves in *tiles*: one row per run of consecutive leaves ``[first, upto)``
that never crosses a multiple of `TILE_WIDTH`, holding

* ``hashes``: the hashes of the perfect subtrees that end at its leaves, level by level from
  level 0 (the leaf hashes), each level in index order, all concatenated (`position`);
* ``leaves``: the leaf data joined by line feeds. Leaf data is RFC 8785 JSON, which writes a
  line feed inside a string as ``\\n``, so a raw line feed never occurs in it.

An append cuts its leaves at the multiples of `TILE_WIDTH`, so a batch of ten thousand leaves
writes about 160 rows rather than ten thousand, and a batch of one leaf writes one row; no
row is ever rewritten, so the last tile of a batch stays short and the next batch starts a
new one. Where a subtree's hash sits in its tile follows from ``first`` and ``upto`` alone.

The payloads (record and salt) of a tile's entries are kept in one row beside it, keyed by
the tile's ``first`` (`PayloadTile`): one byte per payload saying which entry it belongs to
(tombstones have none), the 32-byte salts concatenated, and the records joined by line feeds.
An erasure deletes that row and writes it again without the erased payload, so a batch
writes one payload row per tile, not one per record.

The store reads and writes these rows; this module turns them into the rows of one leaf each
(`LeafRow`) that proofs and roots use, serves single leaves, tree nodes and payloads, and
works out what an erasure rewrites.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Final

from techfile.decisionlog._tree import holder, row_levels
from techfile.decisionlog.merkle import HASH_SIZE
from techfile.decisionlog.records import SALT_SIZE
from techfile.decisionlog.store.interface import (
    LeafRow,
    LogStore,
    MissingDataError,
    Payload,
    PayloadTile,
    TileRow,
)

__all__ = [
    "ALL_ENTRIES",
    "SEPARATOR",
    "TILE_WIDTH",
    "erase",
    "hashes_between",
    "leaves",
    "node",
    "nodes_at",
    "pack",
    "pack_payloads",
    "payload",
    "payloads",
    "position",
    "rows",
    "tile_hashes",
    "unpack",
    "unpack_payloads",
]

TILE_WIDTH: Final = 64
"""The most leaves in one tile; tiles never cross a multiple of it."""
SEPARATOR: Final = b"\n"
"""What joins the leaf data of a tile."""
ALL_ENTRIES: Final = bytes(range(TILE_WIDTH))
"""The ``entries`` of a full payload row without tombstones; its slices, of shorter ones."""


def hashes_between(start: int, stop: int) -> int:
    """Return how many subtree hashes a tile of the leaves ``[start, stop)`` keeps.

    It keeps the subtrees that end at those leaves: at level ``L``, one per multiple of
    ``2**L`` in ``(start, stop]``, that is subtrees ``start >> L`` to ``(stop >> L) - 1``.
    """
    return sum((stop >> level) - (start >> level) for level in range(stop.bit_length()))


def position(first: int, upto: int, level: int, index: int) -> int | None:
    """Return where (in hashes) the tile ``[first, upto)`` keeps subtree ``(level, index)``.

    A tile keeps its subtrees level by level, level 0 (the leaf hashes) first, each level in
    index order. None if the subtree does not end in the tile.
    """
    if not first >> level <= index < upto >> level:
        return None
    below = sum((upto >> lower) - (first >> lower) for lower in range(level))
    return below + index - (first >> level)


def tile_hashes(
    levels: Sequence[tuple[int, Sequence[bytes]]], first: int, upto: int
) -> list[bytes]:
    """Return, in the tile's order, the hashes a tile keeps, from appends' new subtrees.

    Args:
        levels: Per level, the index of the first new subtree and the new subtrees
            (`_tree.grow_levels`); they must hold every subtree that ends in the tile.
        first: The tile's first leaf.
        upto: The leaf after its last.
    """
    parts: list[bytes] = []
    for level, (start, nodes) in enumerate(levels):
        low, high = (first >> level) - start, (upto >> level) - start
        if high <= low:
            break
        parts += nodes[low:high]
    return parts


def pack(
    first: int, leaf_data: Sequence[bytes], levels: Sequence[tuple[int, Sequence[bytes]]]
) -> tuple[list[int], list[int], list[bytes], list[bytes]]:
    """Cut appended leaves into tiles: the columns ``first, upto, hashes, leaves`` of each.

    Args:
        first: The index of the first leaf.
        leaf_data: The leaf data, in log order.
        levels: The new subtrees, level by level (`_tree.grow_levels`).

    Raises:
        ValueError: A leaf holds a line feed (no RFC 8785 JSON does).
    """
    if not leaf_data:
        return [], [], [], []
    stop = first + len(leaf_data)
    boundary = first - first % TILE_WIDTH + TILE_WIDTH
    if stop <= boundary:  # one tile, as every small batch
        starts, uptos = [first], [stop]
        hashes = [b"".join(tile_hashes(levels, first, stop))]
        joined = [_lines(leaf_data, "leaf data")]
    else:
        starts = [first, *range(boundary, stop, TILE_WIDTH)]
        uptos = [*starts[1:], stop]
        pairs = list(zip(starts, uptos, strict=True))
        hashes = [b"".join(tile_hashes(levels, a, b)) for a, b in pairs]
        joined = [_lines(leaf_data[a - first : b - first], "leaf data") for a, b in pairs]
    return starts, uptos, hashes, joined


def _lines(parts: Sequence[bytes], what: str) -> bytes:
    """Join leaf data or records by `SEPARATOR`.

    Raises:
        ValueError: One of them holds a line feed (no RFC 8785 JSON does).
    """
    joined = SEPARATOR.join(parts)
    if joined.count(SEPARATOR) != len(parts) - 1:
        raise ValueError(f"{what} must not hold a line feed (it is RFC 8785 JSON)")
    return joined


def _sections(first: int, upto: int) -> list[int]:
    """Where (in hashes) each level starts in the tile ``[first, upto)``."""
    starts = [0]
    for level in range(upto.bit_length()):
        starts.append(starts[-1] + (upto >> level) - (first >> level))
    return starts


def _row(first: int, hashes: bytes, sections: Sequence[int], leaf: int) -> bytes:
    """Return the hashes of the subtrees that end at ``leaf`` (short where they are not kept)."""
    parts = []
    for level in range(row_levels(leaf)):
        at = HASH_SIZE * (sections[level] + ((leaf + 1) >> level) - 1 - (first >> level))
        parts.append(hashes[at : at + HASH_SIZE])
    return b"".join(parts)


def unpack(tile: TileRow) -> list[LeafRow]:
    """Return the rows of one leaf each that a tile holds.

    A damaged tile still gives ``upto - first`` rows (at most `TILE_WIDTH`): leaf data that is
    missing reads as empty and hashes that are missing as short, so that the audit can say
    which leaf or node is bad.
    """
    first, upto, hashes, joined = tile
    count = max(0, min(upto - first, TILE_WIDTH))
    datas = bytes(joined).split(SEPARATOR)[:count] if count else []
    datas += [b""] * (count - len(datas))
    hashes = bytes(hashes)
    sections = _sections(first, first + count)
    return [
        (index, data, _row(first, hashes, sections, index))
        for index, data in enumerate(datas, first)
    ]


def rows(store: LogStore, start: int, end: int) -> list[LeafRow]:
    """Return the stored `LeafRow` of the leaves in ``[start, end)``, in order."""
    return [
        row for tile in store.tiles(start, end) for row in unpack(tile) if start <= row[0] < end
    ]


def nodes_at(
    store: LogStore, nodes: Sequence[tuple[int, int]], leaf: int | None = None
) -> tuple[list[bytes], bytes | None]:
    """Return stored subtree hashes, and optionally one leaf's data, read in one query.

    Args:
        store: The log's store.
        nodes: The ``(level, index)`` of each subtree wanted.
        leaf: A leaf whose data is wanted too.

    Returns:
        The hash of each subtree (empty where it is not stored), and the leaf's data (None
        if no leaf was asked for or it is not stored).
    """
    ends = [holder(level, index) for level, index in nodes]
    if leaf is not None:
        ends.append(leaf)
    if not ends:
        return [], None
    low, high = min(ends), max(ends)
    if high - low < TILE_WIDTH:  # a proof's leaf and the siblings near it: one range
        tiles = store.tiles(low, high + 1)
    else:
        tiles = store.tiles_at(sorted(set(ends)))
    firsts = [tile[0] for tile in tiles]

    def tile_of(at: int) -> TileRow | None:
        found = bisect_right(firsts, at) - 1
        return tiles[found] if found >= 0 and at < tiles[found][1] else None

    hashes: list[bytes] = []
    sections: dict[int, list[int]] = {}  # by tile: where each level starts
    for (level, index), end in zip(nodes, ends, strict=False):
        tile = tile_of(end)
        if tile is None or not tile[0] >> level <= index < tile[1] >> level:
            hashes.append(b"")
            continue
        first, upto, stored, _ = tile
        starts = sections.get(first) or sections.setdefault(first, _sections(first, upto))
        at = HASH_SIZE * (starts[level] + index - (first >> level))
        hashes.append(bytes(stored[at : at + HASH_SIZE]))
    data = None
    if leaf is not None and (tile := tile_of(leaf)) is not None:
        datas = bytes(tile[3]).split(SEPARATOR)
        data = datas[leaf - tile[0]] if leaf - tile[0] < len(datas) else b""
    return hashes, data


def leaves(store: LogStore, start: int, end: int) -> list[tuple[int, bytes]]:
    """Return the stored ``(index, data)`` of the leaves in ``[start, end)``, in order."""
    return [(index, data) for index, data, _ in rows(store, start, end)]


def node(store: LogStore, level: int, index: int) -> bytes:
    """Return one stored subtree hash.

    Raises:
        MissingDataError: The node is not stored.
    """
    (value,), _ = nodes_at(store, [(level, index)])
    if len(value) != HASH_SIZE:
        raise MissingDataError(f"tree node ({level}, {index}) is not stored")
    return value


def pack_payloads(
    first: int, indices: Sequence[int], salts: Sequence[bytes], records: Sequence[bytes]
) -> list[PayloadTile]:
    """Group new payloads into the payload rows of the tiles `pack` cuts from ``first``.

    Args:
        first: The index of the batch's first leaf.
        indices: The ascending indices of the entries with a payload (records, not tombstones).
        salts: Their salts, in the same order.
        records: Their records' canonical JSON, in the same order.

    Raises:
        ValueError: A record holds a line feed (no RFC 8785 JSON does).
    """
    count = len(indices)
    if (
        count
        and indices[-1] - indices[0] == count - 1
        and indices[0] // TILE_WIDTH == (indices[-1] // TILE_WIDTH)
    ):  # one row of consecutive entries, as every small batch without tombstones
        key = max(first, indices[0] - indices[0] % TILE_WIDTH)
        entries = ALL_ENTRIES[indices[0] - key : indices[-1] - key + 1]
        return [(key, entries, b"".join(salts), _lines(records, "a record"))]
    found: list[PayloadTile] = []
    at = 0
    while at < len(indices):
        key = max(first, indices[at] - indices[at] % TILE_WIDTH)  # the tile's first leaf
        end = bisect_left(indices, key - key % TILE_WIDTH + TILE_WIDTH, at)
        low, high = indices[at], indices[end - 1]
        if high - low == end - at - 1:  # consecutive: no tombstone among them
            entries = ALL_ENTRIES[low - key : high - key + 1]
        else:
            entries = bytes([index - key for index in indices[at:end]])
        joined = _lines(records[at:end], "a record")
        found.append((key, entries, b"".join(salts[at:end]), joined))
        at = end
    return found


def unpack_payloads(tile: PayloadTile) -> list[Payload]:
    """Return the payloads one payload row holds.

    A damaged row still gives one payload per byte of ``entries``: a record or salt that is
    missing reads as empty, so that the audit names the entry.
    """
    first, entries, salts, joined = tile
    records = bytes(joined).split(SEPARATOR) if entries else []
    records += [b""] * (len(entries) - len(records))
    return [
        Payload(first + offset, records[k], bytes(salts[SALT_SIZE * k : SALT_SIZE * (k + 1)]))
        for k, offset in enumerate(bytes(entries))
    ]


def payloads(store: LogStore, start: int, end: int) -> list[Payload]:
    """Return the stored payloads of the entries in ``[start, end)``, in order."""
    return [
        found
        for tile in store.payloads(start, end)
        for found in unpack_payloads(tile)
        if start <= found.index < end
    ]


def payload(store: LogStore, index: int) -> Payload | None:
    """Return the payload of one entry, or None if it has none or it was erased."""
    found = payloads(store, index, index + 1)
    return found[0] if found else None


def erase(store: LogStore, indices: Sequence[int]) -> tuple[list[PayloadTile], list[PayloadTile]]:
    """Return the payload rows that erasing ``indices`` deletes, and what replaces them.

    Each row holding an erased payload is deleted and, if it holds other payloads, written
    again without the erased ones (an erasure deletes only its own payload).
    """
    removed: list[PayloadTile] = []
    replaced: list[PayloadTile] = []
    erased = set(indices)
    for tile in {tile for index in indices for tile in store.payloads(index, index + 1)}:
        kept = [found for found in unpack_payloads(tile) if found.index not in erased]
        if len(kept) == len(tile[1]):
            continue
        removed.append(tile)
        if kept:
            first = tile[0]
            replaced.append(
                (
                    first,
                    bytes(found.index - first for found in kept),
                    b"".join(found.salt for found in kept),
                    SEPARATOR.join(found.record for found in kept),
                )
            )
    return sorted(removed), sorted(replaced)
