"""The audit of a stored decision log: recompute everything, compare with what was signed.

This module owns the audit walk and its result. It reads every leaf once, in order, from
the tiles that keep it with the subtree hashes that end at it (`techfile.decisionlog._tiles`),
and the payloads beside them, in chunks of 1,024 leaves, and:

1. replays the appends: recomputes each leaf hash and every perfect subtree as it completes,
   and compares them with the hashes stored with the leaf (level 0 is its leaf hash);
2. at each size for which a checkpoint is stored, verifies the checkpoint's signature and
   origin with the log's key and compares its root with the root recomputed from the leaves
   (likewise for checkpoints an auditor kept, passed in as trusted);
3. checks each payload against its leaf's salted commitment, and that each tombstone's erased
   payload is gone, and that no payload is missing without a tombstone.

The first problem met in that walk is returned as an `AuditFailed` value (STYLE D4) naming
the first bad leaf index; a clean walk returns `AuditPassed`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter
from typing import Final, Literal

from techfile.decisionlog._progress import Progress, no_progress
from techfile.decisionlog._tiles import (
    ALL_ENTRIES,
    SEPARATOR,
    nodes_at,
    payload,
    tile_hashes,
    unpack,
    unpack_payloads,
)
from techfile.decisionlog._tree import grow, grow_levels
from techfile.decisionlog.checkpoint import Checkpoint, VerifierKey, open_checkpoint
from techfile.decisionlog.errors import CheckpointError, RecordError, VerificationError
from techfile.decisionlog.merkle import HASH_SIZE, node_hash, root_from
from techfile.decisionlog.records import COMMITMENT_FORM, SALT_SIZE, Tombstone, parse_leaf
from techfile.decisionlog.store.interface import LeafRow, LogStore, Payload, PayloadTile, TileRow

__all__ = ["AuditFailed", "AuditPassed", "AuditResult", "Part", "audit_store"]

_CHUNK: Final = 1024
"""Leaves (and payloads) read per query."""
_LEAF_PREFIX: Final = b"\x00"
_COMMITMENT_HEADS: Final = frozenset(
    b'{"kind":"%s","record_digest":"' % kind for kind in (b"decision", b"oversight")
)
"""What a commitment leaf holds before its 64-digit digest and closing ``"}``."""


_data_of = itemgetter(1)
_hashes_of = itemgetter(2)


def _commit_to(datas: Sequence[bytes], digests: Sequence[str]) -> bool:
    """Say whether consecutive leaves all commit to their payloads, one payload per leaf.

    The audit's fast path: the payloads' digests and the leaves' tails are compared as two
    joined byte strings, and the leaves' heads as a set, with no Python step per leaf beyond
    hashing and slicing. False means "not all, or not aligned": the caller looks leaf by leaf.
    """
    if len(datas) != len(digests):  # tombstones or erased payloads among them
        return False
    # Each leaf ends with its 64 hex digits and '"}' (COMMITMENT_FORM).
    tails = b"".join([data[-66:] for data in datas])
    if tails != ('"}'.join(digests) + '"}').encode():
        return False
    return {data[:-66] for data in datas} <= _COMMITMENT_HEADS


class Part(StrEnum):
    """Which stored part of the log an audit found bad."""

    LEAF = "leaf"
    """An entry's leaf data (changed, missing, or not what a checkpoint signed)."""
    NODE = "node"
    """A stored subtree hash, level 0 being the stored leaf hash."""
    PAYLOAD = "payload"
    """A record or salt that does not match its commitment, or an erasure left half done."""
    CHECKPOINT = "checkpoint"
    """A stored signed checkpoint (bad signature, wrong origin, or not a checkpoint)."""


@dataclass(frozen=True, slots=True)
class AuditPassed:
    """Every leaf, node, payload and checkpoint checked out."""

    size: int
    """Number of leaves audited."""
    checkpoints: int
    """Number of signed checkpoints verified against recomputed roots."""

    @property
    def ok(self) -> Literal[True]:
        """True: the log is intact."""
        return True


@dataclass(frozen=True, slots=True)
class AuditFailed:
    """The first problem the audit found."""

    first_bad_index: int
    """The first leaf index whose stored evidence does not check out. For a node, the first
    leaf it covers; for a checkpoint, the last leaf it signs (where the walk checks it); for
    leaves that no longer hash to a signed root, the first leaf after the last good root."""
    part: Part
    """Which stored part is bad."""
    reason: str
    """What does not check out, for a person."""
    checkpoint_size: int | None = None
    """The tree size of the checkpoint involved, if any."""

    @property
    def ok(self) -> Literal[False]:
        """False: the log is not intact."""
        return False


AuditResult = AuditPassed | AuditFailed
"""What `audit_store` found."""


class _Failed(Exception):  # noqa: N818 - an internal signal carrying its result, never raised out
    def __init__(self, result: AuditFailed) -> None:
        super().__init__(result.reason)
        self.result = result


def _fail(index: int, part: Part, reason: str, checkpoint_size: int | None = None) -> _Failed:
    return _Failed(AuditFailed(max(index, 0), part, reason, checkpoint_size))


@dataclass(frozen=True, slots=True)
class _Claim:
    """A root signed for one tree size, or why the checkpoint filed there is bad."""

    root: bytes | None
    what: str


@dataclass(slots=True)
class _Claims:
    """The claims for each tree size, and the last size whose root checked out."""

    by_size: dict[int, list[_Claim]]
    checked: int = 0
    last_good: int = 0


def _claims(
    store: LogStore, verifier: VerifierKey, origin: str, trusted: Iterable[Checkpoint]
) -> _Claims:
    """Verify every stored checkpoint's signature; collect the roots to compare by size."""
    by_size: dict[int, list[_Claim]] = {}
    for stored in store.checkpoints():
        where = f"checkpoint at size {stored.size}"
        try:
            opened = open_checkpoint(stored.note, verifier, origin=origin).checkpoint
        except (VerificationError, CheckpointError) as e:
            claim = _Claim(None, f"{where}: {e}")
        else:
            claim = _Claim(opened.root_hash, f"signed checkpoint at size {stored.size}")
            if opened.size != stored.size:
                claim = _Claim(
                    None,
                    f"{where} is filed under the wrong size: its note signs size {opened.size}",
                )
        by_size.setdefault(stored.size, []).append(claim)
    for kept in trusted:
        by_size.setdefault(kept.size, []).append(
            _Claim(kept.root_hash, f"trusted checkpoint at size {kept.size}")
        )
    return _Claims(by_size)


def _bad_checkpoint(size: int, claim: _Claim) -> _Failed:
    return _fail(size - 1, Part.CHECKPOINT, claim.what, size)


class _Walk:
    """The state of one audit: the compact range of recomputed subtrees, and open erasures."""

    def __init__(self, store: LogStore, claims: _Claims) -> None:
        self.store = store
        self.claims = claims
        self.stack: list[bytes] = []  # the compact range, largest subtree first
        self.unerased: set[int] = set()  # entries without payload awaiting their tombstone

    def check_root(self, size: int) -> None:
        claims = self.claims.by_size.get(size, [])
        if not claims:
            return
        parts = iter(self.stack)
        root = root_from(size, lambda _level, _index: next(parts))  # asked largest first
        for claim in claims:
            if claim.root is None:
                raise _bad_checkpoint(size, claim)
            if claim.root != root:
                start = self.claims.last_good
                reason = (
                    f"leaves {start} to {size - 1} do not hash to the root of the {claim.what}:"
                    " the history was rewritten"
                )
                raise _fail(start, Part.LEAF, reason, size)
            self.claims.checked += 1
        self.claims.last_good = size

    def tiles(
        self, start: int, end: int, tiles: Sequence[TileRow], payloads: Sequence[PayloadTile]
    ) -> bool:
        """Check the leaves ``[start, end)`` as whole tiles, if all is well; False otherwise.

        The hot path of an intact log: the leaf data is split out of the tiles, the hashes
        recomputed for the whole range and compared with the stored ones as one byte string,
        and the leaves checked against their payloads as `_commit_to` does. False (nothing
        recorded) when the tiles do not cover the range exactly or anything does not match;
        the caller then checks leaf by leaf (`chunk`) to name the first problem.
        """
        if len(payloads) != len(tiles):
            return False
        datas: list[bytes] = []
        records: list[bytes] = []
        at = start
        for (first, upto, _, joined), (key, entries, _, written) in zip(
            tiles, payloads, strict=True
        ):
            if first != at or key != first or entries != ALL_ENTRIES[: upto - first]:
                return False
            datas += joined.split(SEPARATOR)
            records += written.split(SEPARATOR)
            at = upto
        if at != end or len(datas) != end - start or len(records) != end - start:
            return False
        sha256 = hashlib.sha256
        hashes = [sha256(_LEAF_PREFIX + data).digest() for data in datas]
        levels, stack = grow_levels(start, self.stack, hashes)
        expected = [part for first, upto, *_ in tiles for part in tile_hashes(levels, first, upto)]
        if b"".join(expected) != b"".join([tile[2] for tile in tiles]):
            return False
        salts = b"".join([row[2] for row in payloads])
        digests = [
            sha256(salts[at : at + SALT_SIZE] + record).hexdigest()
            for at, record in zip(range(0, len(salts), SALT_SIZE), records, strict=False)
        ]
        if not _commit_to(datas, digests):
            return False
        self.stack = stack
        self.check_root(end)
        return True

    def chunk(self, rows: Sequence[LeafRow], payloads: Sequence[Payload]) -> None:
        """Check consecutive leaves, replaying their appends, then the roots signed at the end.

        The hot loop: the hashes are recomputed for the whole chunk (`_tree.grow`, as the
        appends computed them) and compared as one list; leaves are then checked against
        their payloads in order up to the first mismatch, so the first problem is reported.
        """
        if not rows:
            return
        sha256 = hashlib.sha256
        first = rows[0][0]
        datas = list(map(_data_of, rows))
        hashes = [sha256(_LEAF_PREFIX + data).digest() for data in datas]
        expected, stack = grow(first, self.stack, hashes)
        stored = list(map(_hashes_of, rows))
        bad = None
        if expected != stored:
            bad = next(at for at, (e, f) in enumerate(zip(expected, stored, strict=True)) if e != f)
        digests = {p.index: sha256(p.salt + p.record).hexdigest() for p in payloads}
        if not _commit_to(datas[:bad], list(digests.values())):
            heads = _COMMITMENT_HEADS
            for index, data, _ in rows[:bad]:
                digest = digests.get(index)
                # A leaf that commits to its payload is the RFC 8785 commitment to its digest;
                # the commitment binds the salt and record, so a match proves both.
                if digest is None or not (
                    data[-66:] == digest.encode() + b'"}' and data[:-66] in heads
                ):
                    self._contents(index, data, digest)
        if bad is not None:
            self._mismatch(first + bad, bytes(stored[bad]), expected[bad])
        self.stack = stack
        self.check_root(first + len(rows))

    def _contents(self, index: int, data: bytes, digest: str | None) -> None:
        """Check a leaf without a payload, or one that does not commit to its payload."""
        commitment = COMMITMENT_FORM.fullmatch(data)
        if commitment is None:
            self._other_leaf(index, bytes(data))
        elif digest is None:
            self.unerased.add(index)
        else:
            raise _fail(index, Part.PAYLOAD, f"payload {index} does not match its commitment")

    def _mismatch(self, index: int, stored: bytes, expected: bytes) -> None:
        """Say which stored hash of leaf ``index``'s row is bad, or whether the leaf is."""
        for level in range(len(expected) // HASH_SIZE):
            at = level * HASH_SIZE
            found = stored[at : at + HASH_SIZE]
            if found == expected[at : at + HASH_SIZE]:
                continue
            position = ((index + 1) >> level) - 1
            where = f"node ({level}, {position})"
            if len(found) != HASH_SIZE:
                raise _fail(position << level, Part.NODE, f"{where} is not stored")
            if level > 0:  # its children matched, so the stored node itself was changed
                raise _fail(position << level, Part.NODE, f"{where} does not hash its children")
            self._leaf_or_hash(index, found)
        raise _fail(index, Part.NODE, f"leaf {index} is stored with more hashes than it completes")

    def _leaf_or_hash(self, index: int, found: bytes) -> None:
        # A leaf and its stored hash disagree: the stored parent, if any, says which is right.
        (sibling, parent), _ = nodes_at(self.store, [(0, index ^ 1), (1, index >> 1)])
        if len(sibling) == HASH_SIZE and len(parent) == HASH_SIZE:
            pair = (sibling, found) if index & 1 else (found, sibling)
            if node_hash(*pair) != parent:
                raise _fail(index, Part.NODE, f"stored hash of leaf {index} changed")
        raise _fail(index, Part.LEAF, f"leaf {index} does not match its stored hash")

    def _other_leaf(self, index: int, data: bytes) -> None:
        try:
            leaf = parse_leaf(data)
        except RecordError as e:
            raise _fail(index, Part.LEAF, f"leaf {index}: {e}") from e
        if not isinstance(leaf, Tombstone):  # pragma: no cover - commitments match the form
            raise _fail(index, Part.LEAF, f"leaf {index} is not in canonical form")
        erased = leaf.erased_index
        if erased >= index or payload(self.store, erased) is not None:
            reason = f"tombstone {index} names entry {erased}, whose payload is not erased"
            raise _fail(erased, Part.PAYLOAD, reason)
        self.unerased.discard(erased)


def _walk(store: LogStore, claims: _Claims, progress: Progress) -> int:
    size = store.size()
    walk = _Walk(store, claims)
    walk.check_root(0)
    # Chunks end where a checkpoint signs a size, so that each root is checked in order.
    ends = sorted(
        {*range(_CHUNK, size, _CHUNK), *(s for s in claims.by_size if 0 < s < size), size}
    )
    start = 0
    for end in ends if size else []:
        tiles = store.tiles(start, end)
        stored = store.payloads(start, end)
        if walk.tiles(start, end, tiles, stored):
            progress(end, size)
            start = end
            continue
        rows = [row for tile in tiles for row in unpack(tile) if start <= row[0] < end]
        payloads = [p for row in stored for p in unpack_payloads(row) if start <= p.index < end]
        missing = None
        # Indices are unique and in order: all are there when the count and the last match.
        if len(rows) != end - start or rows[-1][0] != end - 1:
            missing = next((at for at, row in enumerate(rows, start) if row[0] != at), None)
            if missing is None:
                missing = start + len(rows)
        if missing is not None:
            walk.chunk(rows[: missing - start], [p for p in payloads if p.index < missing])
            raise _fail(missing, Part.LEAF, f"leaf {missing} is missing")
        walk.chunk(rows, payloads)
        progress(end, size)
        start = end
    for claimed in sorted(s for s in claims.by_size if s > size):
        for claim in claims.by_size[claimed]:
            if claim.root is None:
                raise _bad_checkpoint(claimed, claim)
        reason = f"a checkpoint signs {claimed} leaves, but only {size} are stored"
        raise _fail(size, Part.LEAF, reason, claimed)
    if walk.unerased:
        first = min(walk.unerased)
        raise _fail(first, Part.PAYLOAD, f"payload {first} is missing and no tombstone erased it")
    return size


def audit_store(
    store: LogStore,
    verifier: VerifierKey,
    origin: str,
    trusted: Iterable[Checkpoint] = (),
    progress: Progress = no_progress,
) -> AuditResult:
    """Audit a stored log against its own signed checkpoints and any kept by an auditor.

    Args:
        store: The log's store.
        verifier: The log's checkpoint key.
        origin: The log's origin.
        trusted: Checkpoints of this log an auditor verified and kept.
        progress: Told ``(leaves audited, size)`` after each chunk of leaves.

    Returns:
        `AuditPassed`, or `AuditFailed` for the first problem found.

    Raises:
        StoreError: The store could not be read.
    """
    try:
        # One snapshot: a batch committed while the audit reads (a tombstone and its
        # erasure, say) must not show half of itself.
        with store.snapshot():
            claims = _claims(store, verifier, origin, trusted)
            size = _walk(store, claims, progress)
    except _Failed as failed:
        return failed.result
    return AuditPassed(size, claims.checked)
