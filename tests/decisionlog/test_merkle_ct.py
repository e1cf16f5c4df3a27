"""The Merkle maths against google/certificate-transparency's C++ and Python vectors."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest

from techfile.decisionlog import (
    EMPTY_ROOT_HASH,
    InvalidProofError,
    RootMismatchError,
    TreeRangeError,
    VerificationError,
)
from techfile.decisionlog.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

Vectors = Callable[..., dict[str, Any]]
CT = "certificate-transparency"


def _hexes(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


# --- cpp_merkle_tree_vectors.json (CAUTION: 1-based leaf numbers in kSHA256Paths)


@pytest.fixture(scope="module")
def cpp(vectors: Vectors) -> dict[str, Any]:
    return vectors(CT, "cpp_merkle_tree_vectors.json")


@pytest.fixture(scope="module")
def cpp_leaves(cpp: dict[str, Any]) -> list[bytes]:
    return [leaf_hash(bytes.fromhex(d)) for d in cpp["kInputs_hex"]]


def test_cpp_sha256_known_answers(cpp: dict[str, Any]) -> None:
    # The serial hasher is plain SHA-256; the tree's empty hash is SHA-256 of nothing.
    for kat in cpp["serial_hasher_sha256"]:
        assert hashlib.sha256(bytes.fromhex(kat["input_hex"])).hexdigest() == kat["sha256_hex"]
    assert EMPTY_ROOT_HASH.hex() == cpp["kSHA256EmptyTreeHash"]
    assert root_hash([]).hex() == cpp["tree_hasher"]["empty_hash_hex"]


def test_cpp_tree_hasher(cpp: dict[str, Any]) -> None:
    for leaf in cpp["tree_hasher"]["leaves"]:
        assert leaf_hash(bytes.fromhex(leaf["input_hex"])).hex() == leaf["leaf_hash_hex"]
    for node in cpp["tree_hasher"]["nodes"]:
        left, right = bytes.fromhex(node["left_hex"]), bytes.fromhex(node["right_hex"])
        assert node_hash(left, right).hex() == node["node_hash_hex"]


def test_cpp_roots(cpp: dict[str, Any], cpp_leaves: list[bytes]) -> None:
    for count, want in enumerate(cpp["kSHA256Roots"], start=1):  # [i] = root of i + 1 leaves
        assert root_hash(cpp_leaves[:count]).hex() == want


def test_cpp_paths_one_based(cpp: dict[str, Any], cpp_leaves: list[bytes]) -> None:
    roots = _hexes(cpp["kSHA256Roots"])
    for case in cpp["kSHA256Paths"]:
        leaf, size, want = case["leaf"], case["snapshot"], _hexes(case["path_hex"])
        if leaf == 0:  # "leaf 0 / snapshot 0 yields an empty path": no leaf, so no proof
            assert size == 0
            assert want == []
            with pytest.raises(TreeRangeError):
                inclusion_proof(0, cpp_leaves[:size])
            continue
        assert inclusion_proof(leaf - 1, cpp_leaves[:size]) == want
        verify_inclusion(cpp_leaves[leaf - 1], leaf - 1, size, want, roots[size - 1])


def test_cpp_consistency_proofs(cpp: dict[str, Any], cpp_leaves: list[bytes]) -> None:
    roots = _hexes(cpp["kSHA256Roots"])
    for case in cpp["kSHA256Proofs"]:
        old, new, want = case["snapshot1"], case["snapshot2"], _hexes(case["proof_hex"])
        assert consistency_proof(old, cpp_leaves[:new]) == want
        verify_consistency(old, new, roots[old - 1], roots[new - 1], want)


def test_cpp_path_beyond_tree_is_refused(cpp_leaves: list[bytes]) -> None:
    # "PathToCurrentRoot(9) on an 8-leaf tree is empty": here it is an error instead.
    with pytest.raises(TreeRangeError):
        inclusion_proof(8, cpp_leaves)


# --- python_merkle_test_vectors.json (0-based), including a real 22-level CT audit path


@pytest.fixture(scope="module")
def ctpy(vectors: Vectors) -> dict[str, Any]:
    return vectors(CT, "python_merkle_test_vectors.json")


def test_python_hashes(ctpy: dict[str, Any]) -> None:
    assert EMPTY_ROOT_HASH.hex() == ctpy["sha256_empty_hash"]
    for data, want in ctpy["sha256_leaves"]:
        assert leaf_hash(bytes.fromhex(data)).hex() == want
    for left, right, want in ctpy["sha256_nodes"]:
        assert node_hash(bytes.fromhex(left), bytes.fromhex(right)).hex() == want
    leaves = [leaf_hash(bytes.fromhex(d)) for d in ctpy["test_vector_leaves_hex"]]
    for count, want in enumerate(ctpy["test_vector_hashes"]["roots"], start=1):
        assert root_hash(leaves[:count]).hex() == want


def test_python_hash_full_tree_abcde(ctpy: dict[str, Any]) -> None:
    a, b, c, d, e = (leaf_hash(x.encode()) for x in ctpy["hash_full_tree_abcde"]["leaves_ascii"])
    want = node_hash(node_hash(node_hash(a, b), node_hash(c, d)), e)
    assert root_hash([a, b, c, d, e]) == want


def test_python_consistency_proofs(ctpy: dict[str, Any]) -> None:
    leaves = [leaf_hash(bytes.fromhex(d)) for d in ctpy["test_vector_leaves_hex"]]
    for old, new, old_root, new_root, proof_hex in ctpy["sha256_proofs"]:
        proof = _hexes(proof_hex)
        assert consistency_proof(old, leaves[:new]) == proof
        verify_consistency(old, new, bytes.fromhex(old_root), bytes.fromhex(new_root), proof)


EDGE_CASE_ERRORS: dict[str, type[VerificationError]] = {
    # Library-specific acceptances of the Python client, which RFC 9162 and current
    # transparency-dev/merkle reject: a "proof" from the empty tree, a bogus proof ignored.
    "always_accepts_empty_tree": InvalidProofError,
    "equal_tree_sizes_bogus_proof_ignored": InvalidProofError,
    "equal_tree_sizes_different_hashes": RootMismatchError,
    "newer_tree_is_smaller": InvalidProofError,
    "proof_too_short": InvalidProofError,
    "bad_second_hash": RootMismatchError,
    "both_hashes_bad": RootMismatchError,
    "bad_first_hash": RootMismatchError,
}


def test_python_consistency_edge_cases(ctpy: dict[str, Any]) -> None:
    cases = ctpy["consistency_edge_cases"]
    assert len(cases) == len(EDGE_CASE_ERRORS)
    for case in cases:
        name = case["name"].split(" ")[0]
        expected = EDGE_CASE_ERRORS[name]
        assert case["expect"].startswith("accept") == ("library-specific" in case["name"])
        with pytest.raises(expected):
            verify_consistency(
                case["old_size"],
                case["new_size"],
                bytes.fromhex(case["old_root"]),
                bytes.fromhex(case["new_root"]),
                _hexes(case["proof"]),
            )


def test_python_real_ct_log_audit_path(ctpy: dict[str, Any]) -> None:
    case = ctpy["ct_log_audit_path"]
    index, size = case["leaf_index"], case["tree_size"]  # 0-based index
    leaf = leaf_hash(bytes.fromhex(case["leaf_input_hex"]))
    path = _hexes(case["audit_path_hex"])
    root = bytes.fromhex(case["expected_root_hash_hex"])
    assert leaf.hex() == case["leaf_hash_hex"]
    assert len(path) == 22
    verify_inclusion(leaf, index, size, path, root)
    # The two negative probes the source states.
    with pytest.raises(RootMismatchError):
        verify_inclusion(leaf, index, size, path, bytes(32))
    with pytest.raises(VerificationError):
        verify_inclusion(leaf, index + 2 ** (len(path) + 1), size, path, root)


def _rightmost_root(construction: str, leaf: bytes) -> bytes:
    """Evaluate ``s1=leaf(ones); c3=node(zeros,s1); ...; root=...`` from the vector file."""
    env = {"zeros": bytes(32), "s1": leaf}
    for name, left, right in re.findall(r"(\w+)=node\((\w+),(\w+)\)", construction):
        env[name] = node_hash(env[left], env[right])
    return env["root"]


def test_python_rightmost_nodes(ctpy: dict[str, Any]) -> None:
    for case in ctpy["rightmost_node_cases"]:
        leaf = leaf_hash(bytes.fromhex(case["leaf_data_hex"]))
        root = _rightmost_root(case["root_construction"], leaf)
        proof = _hexes(case["proof_hex"])
        verify_inclusion(leaf, case["leaf_index"], case["tree_size"], proof, root)


def test_python_incorrect_length_proofs(ctpy: dict[str, Any]) -> None:
    for case in ctpy["incorrect_length_proofs"]:
        leaf = leaf_hash(bytes.fromhex(case["leaf_data_hex"]))
        with pytest.raises(InvalidProofError, match=r"too (long|short)"):
            verify_inclusion(
                leaf,
                case["leaf_index"],
                case["tree_size"],
                _hexes(case["proof_hex"]),
                bytes.fromhex(case["root_hex"]),
            )


def _evaluate(term: str, leaves: list[bytes]) -> bytes:
    """Evaluate ``L(i)`` or ``N(a,b)`` (nested) over the given leaf hashes."""
    if term.startswith("L"):
        return leaves[int(term[1:])]
    inner = term.removeprefix("N(").removesuffix(")")
    depth = 0
    for position, char in enumerate(inner):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            return node_hash(
                _evaluate(inner[:position], leaves), _evaluate(inner[position + 1 :], leaves)
            )
    pytest.fail(f"cannot read proof term {term}")


def test_python_all_proofs_up_to_size_four(ctpy: dict[str, Any]) -> None:
    table = ctpy["all_nodes_sizes_up_to_4"]
    leaves = [leaf_hash(bytes.fromhex(d)) for d in table["leaves_hex"]]
    for size_text, proofs in table["proofs"].items():
        size = int(size_text)
        for index, terms in enumerate(proofs):
            want = [_evaluate(term, leaves) for term in terms]
            assert inclusion_proof(index, leaves[:size]) == want
            verify_inclusion(leaves[index], index, size, want, root_hash(leaves[:size]))
