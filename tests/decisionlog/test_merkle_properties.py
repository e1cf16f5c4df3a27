"""Properties of the Merkle proofs for any tree size and index (STYLE F5).

Generated proofs verify, and any single change to the proof, the leaf, the index or a root is
caught. A changed tree *size* is caught unless the verifier would do exactly the same hash
steps for it: RFC 6962 proofs bind the size only through the proof's shape (that is why a
checkpoint signs the size together with the root). The tests predict which sizes those are
from the closed form transparency-dev/merkle uses, and check both outcomes.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import TreeRangeError, VerificationError
from techfile.decisionlog.merkle import (
    EMPTY_ROOT_HASH,
    consistency_proof,
    consistency_proof_from,
    inclusion_proof,
    inclusion_proof_from,
    leaf_hash,
    root_from,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 2000
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(MAX_SIZE)]
"""Distinct leaves, so that no two different hash steps can agree by accident."""

Steps = tuple[int, ...]


def _inclusion_steps(index: int, size: int) -> Steps | None:
    """The verifier's hash steps (1 = proof hash on the left) for a leaf, None if no leaf."""
    if not 0 <= index < size:
        return None
    inner = (index ^ (size - 1)).bit_length()
    return tuple(index >> level & 1 for level in range(inner)) + (1,) * (index >> inner).bit_count()


def _consistency_steps(old: int, new: int) -> Steps | None:
    """The verifier's hash steps for a consistency proof, None if no proof exists."""
    if not 0 < old <= new:
        return None
    if old == new:
        return (-1,)
    level = (old & -old).bit_length() - 1  # the old tree's last perfect subtree
    index = (old - 1) >> level
    steps = _inclusion_steps(index, ((new - 1) >> level) + 1)
    assert steps is not None
    return (int(index == 0), *steps)  # a power-of-two old root is prepended to the path


def _flip(value: bytes, bit: int) -> bytes:
    flipped = bytearray(value)
    flipped[bit // 8 % len(value)] ^= 1 << bit % 8
    return bytes(flipped)


def _proof_mutations(proof: list[bytes], data: st.DataObject) -> list[list[bytes]]:
    """Flip a bit in one hash, drop one hash, add one hash."""
    mutations = []
    extra = data.draw(st.binary(min_size=32, max_size=32), label="extra hash")
    at = data.draw(st.integers(0, len(proof)), label="insert at")
    mutations.append([*proof[:at], extra, *proof[at:]])
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1), label="position")
        bit = data.draw(st.integers(0, 255), label="bit")
        mutations.append([*proof[:position], _flip(proof[position], bit), *proof[position + 1 :]])
        mutations.append(proof[:position] + proof[position + 1 :])
    return mutations


@given(data=st.data())
def test_inclusion_proofs_verify_and_every_mutation_fails(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, MAX_SIZE), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    leaves = LEAVES[:size]
    leaf, root, proof = leaves[index], root_hash(leaves), inclusion_proof(index, leaves)
    verify_inclusion(leaf, index, size, proof, root)

    for mutated in _proof_mutations(proof, data):
        with pytest.raises(VerificationError):
            verify_inclusion(leaf, index, size, mutated, root)
    bit = data.draw(st.integers(0, 255), label="bit")
    with pytest.raises(VerificationError):
        verify_inclusion(leaf, index, size, proof, _flip(root, bit))
    with pytest.raises(VerificationError):
        verify_inclusion(_flip(leaf, bit), index, size, proof, root)
    other_index = data.draw(st.integers(-2, size + 2).filter(lambda i: i != index), label="idx")
    with pytest.raises(VerificationError):
        verify_inclusion(leaf, other_index, size, proof, root)

    other_size = data.draw(st.integers(-1, 2 * MAX_SIZE).filter(lambda s: s != size), label="sz")
    if _inclusion_steps(index, other_size) == _inclusion_steps(index, size):
        verify_inclusion(leaf, index, other_size, proof, root)
    else:
        with pytest.raises(VerificationError):
            verify_inclusion(leaf, index, other_size, proof, root)


@given(data=st.data())
def test_consistency_proofs_verify_and_every_mutation_fails(data: st.DataObject) -> None:
    new = data.draw(st.integers(1, MAX_SIZE), label="new size")
    old = data.draw(st.integers(1, new), label="old size")
    old_root, new_root = root_hash(LEAVES[:old]), root_hash(LEAVES[:new])
    proof = consistency_proof(old, LEAVES[:new])
    verify_consistency(old, new, old_root, new_root, proof)

    for mutated in _proof_mutations(proof, data):
        with pytest.raises(VerificationError):
            verify_consistency(old, new, old_root, new_root, mutated)
    bit = data.draw(st.integers(0, 255), label="bit")
    with pytest.raises(VerificationError):
        verify_consistency(old, new, _flip(old_root, bit), new_root, proof)
    with pytest.raises(VerificationError):
        verify_consistency(old, new, old_root, _flip(new_root, bit), proof)

    want = _consistency_steps(old, new)
    other_old = data.draw(st.integers(-1, new + 2).filter(lambda s: s != old), label="old'")
    other_new = data.draw(st.integers(-1, 2 * MAX_SIZE).filter(lambda s: s != new), label="new'")
    for mutated_old, mutated_new in ((other_old, new), (old, other_new)):
        args = (mutated_old, mutated_new, old_root, new_root, proof)
        if _consistency_steps(mutated_old, mutated_new) == want:
            verify_consistency(*args)
        else:
            with pytest.raises(VerificationError):
                verify_consistency(*args)


def test_a_proof_binds_the_size_only_through_its_shape() -> None:
    # Leaf 0 of a 3-leaf tree: the proof [L1, L2] hashes alike for size 4 (RFC 6962 property).
    leaves = LEAVES[:3]
    proof = inclusion_proof(0, leaves)
    verify_inclusion(leaves[0], 0, 4, proof, root_hash(leaves))
    with pytest.raises(VerificationError):
        verify_inclusion(leaves[0], 0, 5, proof, root_hash(leaves))


class _CountingNodes:
    """A store of perfect-subtree hashes computed independently, counting lookups."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.calls = 0

    def __call__(self, level: int, index: int) -> bytes:
        begin, end = index << level, (index + 1) << level
        assert end <= self.size, "asked for a subtree that is not complete in the tree"
        self.calls += 1
        return root_hash(LEAVES[begin:end])


@given(data=st.data())
def test_proofs_from_stored_subtrees_match_and_take_log_n_lookups(data: st.DataObject) -> None:
    new = data.draw(st.integers(1, MAX_SIZE), label="size")
    old = data.draw(st.integers(1, new), label="old size")
    index = data.draw(st.integers(0, new - 1), label="index")
    budget = 2 * new.bit_length() + 1

    nodes = _CountingNodes(new)
    assert inclusion_proof_from(index, new, nodes) == inclusion_proof(index, LEAVES[:new])
    assert nodes.calls <= budget

    nodes = _CountingNodes(new)
    assert consistency_proof_from(old, new, nodes) == consistency_proof(old, LEAVES[:new])
    assert nodes.calls <= budget

    nodes = _CountingNodes(new)
    assert root_from(new, nodes) == root_hash(LEAVES[:new])
    assert nodes.calls == new.bit_count()


def test_root_from_an_empty_tree_asks_for_nothing() -> None:
    assert root_from(0, _CountingNodes(0)) == EMPTY_ROOT_HASH


@pytest.mark.parametrize(
    ("index", "size"), [(0, 0), (-1, 5), (5, 5), (6, 5)], ids=["empty", "negative", "at", "past"]
)
def test_inclusion_proof_outside_the_tree_is_refused(index: int, size: int) -> None:
    with pytest.raises(TreeRangeError):
        inclusion_proof(index, LEAVES[:size])
    with pytest.raises(TreeRangeError):
        inclusion_proof_from(index, size, _CountingNodes(size))


@pytest.mark.parametrize(
    ("old", "new"), [(0, 0), (0, 3), (4, 3), (-1, 3)], ids=["zero", "from-zero", "shrink", "neg"]
)
def test_consistency_proof_outside_the_tree_is_refused(old: int, new: int) -> None:
    with pytest.raises(TreeRangeError):
        consistency_proof(old, LEAVES[:new])
    with pytest.raises(TreeRangeError):
        consistency_proof_from(old, new, _CountingNodes(new))


def test_root_from_a_negative_size_is_refused() -> None:
    with pytest.raises(TreeRangeError):
        root_from(-1, _CountingNodes(0))


def test_equal_sizes_have_an_empty_consistency_proof() -> None:
    assert consistency_proof(7, LEAVES[:7]) == []
    verify_consistency(7, 7, root_hash(LEAVES[:7]), root_hash(LEAVES[:7]), [])
