"""The Merkle tree maths of the decision log: RFC 9162 §2.1 hashing, proofs and verification.

This module owns the pure functions that make the decision log tamper-evident. It does no IO:
it takes hashes and returns hashes. The rules it enforces are those of RFC 9162 §2.1 (equal
to RFC 6962 §2.1) with SHA-256:

* leaf hash ``SHA-256(0x00 || data)``, node hash ``SHA-256(0x01 || left || right)``, the
  empty tree hashes to ``SHA-256("")``;
* the tree of ``n > 1`` leaves splits at ``k``, the largest power of two below ``n``;
* leaf indices are 0-based; inclusion proofs list the leaf's sibling first, consistency
  proofs are in RFC ``SUBPROOF`` order;
* every hash a verifier is given must be 32 bytes (the roots of two trees of equal size are
  only compared, as transparency-dev/merkle does), sizes and indices must be in range (a
  consistency proof from size 0 is refused, even 0 to 0), and any failure raises a subclass
  of `VerificationError` (see `techfile.decisionlog.errors`).

Proofs can be generated from the leaf hashes in memory (O(n)) or, for a store that keeps the
interior nodes, from a callback ``node(level, index)`` that returns the hash of the perfect
subtree covering leaves ``[index * 2**level, (index + 1) * 2**level)`` (O(log n) calls).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Final, TypeAlias

from techfile.decisionlog.errors import InvalidProofError, RootMismatchError, TreeRangeError

__all__ = [
    "EMPTY_ROOT_HASH",
    "HASH_SIZE",
    "SubtreeHash",
    "consistency_proof",
    "consistency_proof_from",
    "inclusion_proof",
    "inclusion_proof_from",
    "leaf_hash",
    "node_hash",
    "root_from",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE: Final = 32
"""Size in bytes of every hash in the tree (SHA-256)."""

EMPTY_ROOT_HASH: Final = hashlib.sha256(b"").digest()
"""The root hash of the empty tree (RFC 9162 §2.1.1: the hash of the empty string)."""

SubtreeHash: TypeAlias = Callable[[int, int], bytes]
"""``node(level, index)``: hash of the perfect subtree over ``[index * 2**level, ...)``."""

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry into a leaf of the tree (RFC 9162 §2.1.1: ``SHA-256(0x00 || d)``).

    Args:
        data: The entry's bytes.

    Returns:
        The 32-byte leaf hash.
    """
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Join two subtrees into their parent (RFC 9162 §2.1.1: ``SHA-256(0x01 || l || r)``).

    Args:
        left: Hash of the left subtree.
        right: Hash of the right subtree.

    Returns:
        The 32-byte hash of the parent node.
    """
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Compute the Merkle tree hash of a list of leaves in O(n) time and O(log n) memory.

    Args:
        leaf_hashes: The leaf hashes, in log order.

    Returns:
        The 32-byte root hash; `EMPTY_ROOT_HASH` for no leaves.
    """
    # A stack of perfect-subtree roots, largest (leftmost) first, as in a compact range.
    stack: list[bytes] = []
    for count, leaf in enumerate(leaf_hashes, start=1):
        stack.append(leaf)
        merges = count
        while merges & 1 == 0:
            right = stack.pop()
            stack.append(node_hash(stack.pop(), right))
            merges >>= 1
    return _fold(stack) if stack else EMPTY_ROOT_HASH


def root_from(tree_size: int, node: SubtreeHash) -> bytes:
    """Compute the root hash of a tree from its stored perfect subtrees (O(log n) calls).

    Args:
        tree_size: Number of leaves in the tree.
        node: Returns the hash of the perfect subtree at ``(level, index)``.

    Returns:
        The 32-byte root hash; `EMPTY_ROOT_HASH` for size 0.

    Raises:
        TreeRangeError: ``tree_size`` is negative.
    """
    if tree_size < 0:
        raise TreeRangeError(f"tree size must not be negative, got {tree_size}")
    return _range_hash(0, tree_size, node) if tree_size else EMPTY_ROOT_HASH


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Prove that leaf ``index`` is in the tree of ``leaf_hashes`` (O(n) from the leaves).

    Args:
        index: 0-based index of the leaf.
        leaf_hashes: All leaf hashes of the tree, in log order.

    Returns:
        The audit path, the leaf's sibling first (RFC 9162 §2.1.3.1).

    Raises:
        TreeRangeError: ``index`` is not a leaf of the tree.
    """
    return inclusion_proof_from(index, len(leaf_hashes), _in_memory(leaf_hashes))


def inclusion_proof_from(index: int, tree_size: int, node: SubtreeHash) -> list[bytes]:
    """Prove that leaf ``index`` is in the tree of ``tree_size`` leaves from stored subtrees.

    Args:
        index: 0-based index of the leaf.
        tree_size: Number of leaves in the tree.
        node: Returns the hash of the perfect subtree at ``(level, index)``.

    Returns:
        The audit path, the leaf's sibling first (RFC 9162 §2.1.3.1).

    Raises:
        TreeRangeError: ``index`` is not a leaf of the tree.
    """
    if not 0 <= index < tree_size:
        raise TreeRangeError(f"leaf index {index} is outside a tree of size {tree_size}")
    # RFC 9162 §2.1.3.1 PATH(m, D[n]), unrolled: walk down from the root, keeping the
    # sibling of each subtree that holds the leaf, then list them from the leaf upwards.
    proof: list[bytes] = []
    begin, end = 0, tree_size
    while end - begin > 1:
        middle = begin + _split_point(end - begin)
        if index < middle:
            proof.append(_range_hash(middle, end, node))
            end = middle
        else:
            proof.append(_range_hash(begin, middle, node))
            begin = middle
    proof.reverse()
    return proof


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Prove that the tree of the first ``old_size`` leaves is a prefix of ``leaf_hashes``.

    Args:
        old_size: Size of the earlier tree, at least 1.
        leaf_hashes: All leaf hashes of the current tree, in log order.

    Returns:
        The consistency proof in RFC 9162 §2.1.4.1 ``SUBPROOF`` order; empty when the sizes
        are equal.

    Raises:
        TreeRangeError: ``old_size`` is 0 or larger than the tree.
    """
    return consistency_proof_from(old_size, len(leaf_hashes), _in_memory(leaf_hashes))


def consistency_proof_from(old_size: int, new_size: int, node: SubtreeHash) -> list[bytes]:
    """Prove from stored subtrees that the tree of ``old_size`` leaves is a prefix of the new.

    Args:
        old_size: Size of the earlier tree, at least 1.
        new_size: Size of the current tree.
        node: Returns the hash of the perfect subtree at ``(level, index)``.

    Returns:
        The consistency proof in RFC 9162 §2.1.4.1 ``SUBPROOF`` order; empty when the sizes
        are equal.

    Raises:
        TreeRangeError: ``old_size`` is 0 or larger than ``new_size``.
    """
    # A proof from size 0 proves nothing and verify_consistency rejects it (see there).
    if not 0 < old_size <= new_size:
        raise TreeRangeError(
            f"no consistency proof from size {old_size} to size {new_size}: "
            "need 0 < old size <= new size"
        )
    # RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), unrolled: walk down while the old tree's edge
    # lies inside the subtree, keeping siblings; the subtree the walk ends on is added only
    # if it is not the whole old tree (b false), then the list is reversed.
    proof: list[bytes] = []
    begin, end = 0, new_size
    whole_old_tree = True
    while old_size != end:
        middle = begin + _split_point(end - begin)
        if old_size <= middle:
            proof.append(_range_hash(middle, end, node))
            end = middle
        else:
            proof.append(_range_hash(begin, middle, node))
            begin = middle
            whole_old_tree = False
    if not whole_old_tree:
        proof.append(_range_hash(begin, end, node))
    proof.reverse()
    return proof


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that a leaf is at ``index`` in the tree of ``tree_size`` leaves with ``root``.

    Args:
        leaf_hash: The 32-byte leaf hash (see `leaf_hash`).
        index: 0-based index of the leaf.
        tree_size: Size of the tree the root belongs to.
        proof: The audit path, the leaf's sibling first.
        root: The trusted 32-byte root hash of the tree, e.g. from a checkpoint.

    Raises:
        InvalidProofError: A hash is not 32 bytes, ``index >= tree_size`` or the proof has
            the wrong length for the index and size.
        RootMismatchError: The proof leads to a different root.
    """
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root hash", root)
    _check_proof(proof)
    # RFC 9162 §2.1.3.2 step 1 (this also rejects tree size 0).
    if not 0 <= index < tree_size:
        raise InvalidProofError(f"leaf index {index} is outside a tree of size {tree_size}")
    # Steps 2 and 3.
    fn, sn = index, tree_size - 1
    r = leaf_hash
    # Step 4.
    for p in proof:
        if sn == 0:  # 4a
            raise InvalidProofError(f"inclusion proof is too long ({len(proof)} hashes)")
        if fn & 1 or fn == sn:  # 4b
            r = node_hash(p, r)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1  # 4c
    # Step 5.
    if sn != 0:
        raise InvalidProofError(f"inclusion proof is too short ({len(proof)} hashes)")
    if r != root:
        raise RootMismatchError(
            f"inclusion proof for leaf {index} does not lead to the root of tree size {tree_size}"
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``old_size`` leaves with ``old_root`` is a prefix of the new.

    Args:
        old_size: Size of the earlier tree; must be at least 1.
        new_size: Size of the later tree.
        old_root: The trusted 32-byte root of the earlier tree.
        new_root: The trusted 32-byte root of the later tree.
        proof: The consistency proof in ``SUBPROOF`` order.

    Raises:
        InvalidProofError: A proof hash is not 32 bytes, ``old_size`` is 0 (even from 0 to
            0), ``old_size > new_size``, the proof has the wrong length, or (for different
            sizes) a root is not 32 bytes.
        RootMismatchError: The proof leads to different roots, or equal sizes have
            different roots.
    """
    _check_proof(proof)
    # RFC 9162 §2.1.4.2 needs 0 < first; the empty tree is a prefix of every tree, so a
    # "proof" from it shows nothing and is refused (transparency-dev/merkle PR #236).
    if old_size < 1:
        raise InvalidProofError(f"no consistency proof from tree size {old_size}")
    if new_size < old_size:
        raise InvalidProofError(f"old tree size {old_size} is larger than new size {new_size}")
    if old_size == new_size:
        if proof:
            raise InvalidProofError("consistency proof between equal tree sizes must be empty")
        # Only sameness is checked here: transparency-dev/merkle's testdata accepts equal
        # roots of any length (consistency/additional/sizes-are-equal-one-...).
        if old_root != new_root:
            raise RootMismatchError(f"two different roots for tree size {old_size}")
        return
    _check_hash("old root hash", old_root)
    _check_hash("new root hash", new_root)
    # Step 1.
    if not proof:
        raise InvalidProofError(f"empty consistency proof from size {old_size} to {new_size}")
    fr, sr = _consistency_roots(old_size, new_size, old_root, proof)
    # Step 7, the comparisons.
    if fr != old_root:
        raise RootMismatchError(f"consistency proof does not lead to the old root ({old_size})")
    if sr != new_root:
        raise RootMismatchError(f"consistency proof does not lead to the new root ({new_size})")


def _consistency_roots(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """Run RFC 9162 §2.1.4.2 steps 2 to 7 for ``0 < old_size < new_size``; return (fr, sr).

    Raises:
        InvalidProofError: The proof has the wrong length for the two sizes.
    """
    # Step 2: a power-of-two old tree is itself a node of the new tree.
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    # Steps 3 and 4.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    # Step 5.
    fr = sr = path[0]
    # Step 6.
    for c in path[1:]:
        if sn == 0:  # 6a
            raise InvalidProofError(f"consistency proof is too long ({len(proof)} hashes)")
        if fn & 1 or fn == sn:  # 6b
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1  # 6c
    # Step 7: the whole path must be used up.
    if sn != 0:
        raise InvalidProofError(f"consistency proof is too short ({len(proof)} hashes)")
    return fr, sr


def _split_point(size: int) -> int:
    """Return k, the largest power of two strictly below ``size >= 2`` (RFC 9162 §2.1.1)."""
    return 1 << ((size - 1).bit_length() - 1)


def _range_hash(begin: int, end: int, node: SubtreeHash) -> bytes:
    """Hash the subtree over leaves ``[begin, end)`` of the RFC 9162 tree shape.

    Every such subtree starts at a multiple of the next power of two at or above its size,
    so it is covered by perfect subtrees, one per set bit of ``end - begin``, largest
    first; its hash folds them from the right (MTH splits at the largest power of two).
    """
    size = end - begin
    top = size.bit_length() - 1
    if size == 1 << top:  # a perfect subtree, as all but the right edge of a proof's are
        return node(top, begin >> top)
    parts: list[bytes] = []
    for level in range(top, -1, -1):
        if size >> level & 1:
            parts.append(node(level, begin >> level))
            begin += 1 << level
    return _fold(parts)


def _fold(parts: Sequence[bytes]) -> bytes:
    """Join perfect-subtree hashes, largest first, into the hash of their union."""
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def _in_memory(leaf_hashes: Sequence[bytes]) -> SubtreeHash:
    """Hash every perfect subtree of the leaves once (O(n)) and serve them as a callback."""
    levels: list[Sequence[bytes]] = [leaf_hashes]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])

    def node(level: int, index: int) -> bytes:
        return levels[level][index]

    return node


def _check_hash(what: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise InvalidProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _check_proof(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        _check_hash(f"proof hash {position}", value)
