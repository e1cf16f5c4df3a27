"""The Merkle maths against the transparency-dev/merkle vectors (the project's judge)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from techfile.decisionlog import (
    EMPTY_ROOT_HASH,
    InvalidProofError,
    TreeRangeError,
    VerificationError,
    merkle,
)
from techfile.decisionlog.merkle import (
    consistency_proof,
    consistency_proof_from,
    inclusion_proof,
    inclusion_proof_from,
    leaf_hash,
    node_hash,
    root_from,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

Vectors = Callable[..., dict[str, Any]]
TD = "transparency-dev-merkle"


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _hexes(values: list[str] | None) -> list[bytes]:
    return [bytes.fromhex(v) for v in values or []]


def _case(base: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((base / name).read_text("utf-8"))
    return data


# --- testdata/inclusion and testdata/consistency: verify, compare (error != nil) with wantErr


def test_inclusion_testdata(proof_testdata: Path, inclusion_file: str) -> None:
    case = _case(proof_testdata / "inclusion", inclusion_file)
    proof = [_b64(p) for p in case["proof"] or []]
    args = (_b64(case["leafHash"]), case["leafIdx"], case["treeSize"], proof, _b64(case["root"]))
    if case["wantErr"]:
        with pytest.raises(VerificationError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


def test_consistency_testdata(proof_testdata: Path, consistency_file: str) -> None:
    case = _case(proof_testdata / "consistency", consistency_file)
    proof = [_b64(p) for p in case["proof"] or []]
    args = (case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]), proof)
    if case["wantErr"]:
        with pytest.raises(VerificationError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


@pytest.mark.parametrize("kind", ["inclusion", "consistency"])
def test_proof_testdata_inventory_matches_readme(proof_testdata: Path, kind: str) -> None:
    files = list((proof_testdata / kind).rglob("*.json"))
    valid = [f for f in files if not json.loads(f.read_text("utf-8"))["wantErr"]]
    assert (len(files), len(valid)) == (98, 6)


# --- rfc6962_reference_tree.json: the 8-leaf tree shared by every RFC 6962 implementation


@pytest.fixture(scope="module")
def reference(vectors: Vectors) -> dict[str, Any]:
    return vectors(TD, "rfc6962_reference_tree.json")


@pytest.fixture(scope="module")
def reference_leaves(reference: dict[str, Any]) -> list[bytes]:
    return [leaf_hash(bytes.fromhex(d)) for d in reference["leaf_inputs_hex"]]


@pytest.fixture(scope="module")
def reference_node(reference: dict[str, Any]) -> merkle.SubtreeHash:
    levels = [_hexes(level) for level in reference["node_hashes_by_level_hex"]["levels"]]

    def node(level: int, index: int) -> bytes:
        return levels[level][index]

    return node


def test_reference_hasher(reference: dict[str, Any]) -> None:
    for vector in reference["hasher_vectors"]:
        want = bytes.fromhex(vector["want_hex"])
        match vector["op"]:
            case "empty_root":
                assert root_hash([]) == EMPTY_ROOT_HASH == want
            case "hash_leaf":
                assert leaf_hash(bytes.fromhex(vector["input_hex"])) == want
            case "hash_children":
                left, right = bytes.fromhex(vector["left_hex"]), bytes.fromhex(vector["right_hex"])
                assert node_hash(left, right) == want
            case op:
                pytest.fail(f"unknown hasher op {op}")


def test_reference_node_hashes(reference: dict[str, Any], reference_leaves: list[bytes]) -> None:
    levels = reference["node_hashes_by_level_hex"]["levels"]
    for level, hashes in enumerate(levels):
        width = 1 << level
        for index, want in enumerate(hashes):
            leaves = reference_leaves[index * width : (index + 1) * width]
            assert root_hash(leaves).hex() == want


def test_reference_roots(
    reference: dict[str, Any], reference_leaves: list[bytes], reference_node: merkle.SubtreeHash
) -> None:
    roots = reference["root_hashes_by_tree_size_hex"]["roots"]
    assert len(roots) == 9
    for size, want in enumerate(roots):
        assert root_hash(reference_leaves[:size]).hex() == want
        assert root_from(size, reference_node).hex() == want


def test_reference_compact_trees(
    reference: dict[str, Any], reference_node: merkle.SubtreeHash
) -> None:
    # root_from must ask for exactly the perfect subtrees of the compact range, largest first.
    for size, want in enumerate(reference["compact_trees_by_tree_size_hex"]["trees"]):
        asked: list[bytes] = []

        def node(level: int, index: int, asked: list[bytes] = asked) -> bytes:
            asked.append(reference_node(level, index))
            return asked[-1]

        root_from(size, node)
        assert [h.hex() for h in asked] == want


def test_reference_split_points(reference: dict[str, Any]) -> None:
    for size, want in reference["down_to_power_of_two"]["cases"]:
        assert merkle._split_point(size) == want


def test_reference_inclusion_proofs(
    reference: dict[str, Any], reference_leaves: list[bytes], reference_node: merkle.SubtreeHash
) -> None:
    roots = _hexes(reference["root_hashes_by_tree_size_hex"]["roots"])
    for case in reference["reference_inclusion_proofs"]["cases"]:
        index, size, want = case["index"], case["size"], _hexes(case["proof_hex"])
        assert inclusion_proof(index, reference_leaves[:size]) == want
        assert inclusion_proof_from(index, size, reference_node) == want
        verify_inclusion(reference_leaves[index], index, size, want, roots[size])


def test_reference_consistency_proofs(
    reference: dict[str, Any], reference_leaves: list[bytes], reference_node: merkle.SubtreeHash
) -> None:
    roots = _hexes(reference["root_hashes_by_tree_size_hex"]["roots"])
    for case in reference["reference_consistency_proofs"]["cases"]:
        old, new, want = case["size1"], case["size2"], _hexes(case["proof_hex"])
        assert consistency_proof(old, reference_leaves[:new]) == want
        assert consistency_proof_from(old, new, reference_node) == want
        verify_consistency(old, new, roots[old], roots[new], want)


# --- compact_range_golden_roots.json: large trees, leaf i = [i & 0xff, i >> 8 & 0xff]


def test_golden_roots_of_large_trees(vectors: Vectors) -> None:
    golden = vectors(TD, "compact_range_golden_roots.json")
    biggest = max(case["size"] for case in golden["cases"])
    leaves = [leaf_hash(bytes([i & 0xFF, i >> 8 & 0xFF])) for i in range(biggest)]
    assert [case["size"] for case in golden["cases"]][-3:] == [4096, 10000, 65535]
    for case in golden["cases"]:
        size = case["size"]
        want = _b64(case["want_root_b64"]) if size else EMPTY_ROOT_HASH
        assert root_hash(leaves[:size]) == want
        # Ephemeral nodes (level, index) cover [index * 2**level, min(..., size)).
        for level, index, node_b64 in case.get("visited_nodes", []):
            begin, end = index << level, min((index + 1) << level, size)
            assert root_hash(leaves[begin:end]) == _b64(node_b64)


# --- legacy_verify_test_tables.json: the Go tables before they moved to testdata/


@pytest.fixture(scope="module")
def legacy(vectors: Vectors) -> dict[str, Any]:
    return vectors(TD, "legacy_verify_test_tables.json")


def test_legacy_inclusion_proofs_one_based(legacy: dict[str, Any]) -> None:
    leaves = [leaf_hash(bytes.fromhex(d)) for d in legacy["leaves_hex"]]
    roots = _hexes(legacy["roots_hex_size1_to_8"])
    for case in legacy["inclusion_proofs"]:
        leaf, size = case["leaf"], case["size"]  # 1-based leaf number
        if leaf == 0:  # documented as an invalid path: no proof exists in a tree of size 0
            with pytest.raises(TreeRangeError):
                inclusion_proof(0, leaves[:size])
            continue
        proof = _hexes(case["proof_hex"])
        assert inclusion_proof(leaf - 1, leaves[:size]) == proof
        verify_inclusion(leaves[leaf - 1], leaf - 1, size, proof, roots[size - 1])


def test_legacy_consistency_proofs(legacy: dict[str, Any]) -> None:
    leaves = [leaf_hash(bytes.fromhex(d)) for d in legacy["leaves_hex"]]
    roots = _hexes(legacy["roots_hex_size1_to_8"])
    for case in legacy["consistency_proofs"]:
        old, new, proof = case["size1"], case["size2"], _hexes(case["proof_hex"])
        assert consistency_proof(old, leaves[:new]) == proof
        verify_consistency(old, new, roots[old - 1], roots[new - 1], proof)


def test_legacy_single_entry(legacy: dict[str, Any]) -> None:
    table = legacy["verify_inclusion_single_entry"]
    hashes = {"hash": leaf_hash(table["data_ascii"].encode()), "empty": b""}
    for case in table["cases"]:
        leaf, root = hashes[case["leaf"]], hashes[case["root"]]
        if case["wantErr"]:
            with pytest.raises(InvalidProofError):
                verify_inclusion(leaf, 0, 1, [], root)
        else:
            verify_inclusion(leaf, 0, 1, [], root)


def test_legacy_bad_probes(legacy: dict[str, Any]) -> None:
    some = bytes.fromhex(legacy["sha256SomeHash_hex"])
    empty = bytes.fromhex(legacy["sha256EmptyTreeHash_hex"])
    for index, size in legacy["verify_inclusion_bad_probes"]["probes"]:
        for leaf, root in ((some, b""), (b"", empty), (some, empty)):
            with pytest.raises(VerificationError):
                verify_inclusion(leaf, index, size, [], root)


def test_legacy_consistency_edge_cases(legacy: dict[str, Any]) -> None:
    table = legacy["verify_consistency_edge_cases"]
    values = {
        "root1": bytes.fromhex(table["root1_hex"]),
        "root2": bytes.fromhex(table["root2_hex"]),
        "sha256EmptyTreeHash": EMPTY_ROOT_HASH,
    }
    proofs: dict[str, list[bytes]] = {"proof1": [], "proof2": [EMPTY_ROOT_HASH]}
    for case in table["cases"]:
        args = (
            case["size1"],
            case["size2"],
            values[case["root1"]],
            values[case["root2"]],
            proofs[case["proof"]],
        )
        # The 2024 table accepts {0, 0, root1, root1, []}; the README says to prefer the 2026
        # testdata (consistency/additional/sizes-are-equal-zero-and-proof-is-empty.json),
        # which rejects every size1 = 0, and so do we.
        if case["wantErr"] or case["size1"] == 0:
            with pytest.raises(VerificationError):
                verify_consistency(*args)
        else:
            verify_consistency(*args)


# --- subtree_aggregate_vectors.json: digests over many RFC 6962 ranges of a 130-leaf tree


def _valid_subtree(start: int, end: int) -> bool:
    size = end - start
    return start == 0 or size == 0 or start % (1 << (size - 1).bit_length()) == 0


def test_subtree_aggregate_hashes_and_inclusion_proofs(vectors: Vectors) -> None:
    table = vectors(TD, "subtree_aggregate_vectors.json")
    want = {v["name"]: v["want_sha256_hex"] for v in table["vectors"]}
    leaves = [leaf_hash(bytes([i])) for i in range(table["leaf_count"])]
    hashes, proofs = hashlib.sha256(), hashlib.sha256()
    for end in range(len(leaves) + 1):
        for start in range(end + 1):
            if not _valid_subtree(start, end):
                continue
            hashes.update(f"[{start}, {end}) {root_hash(leaves[start:end]).hex()}\n".encode())
            for index in range(start, end):
                path = inclusion_proof(index - start, leaves[start:end])
                line = f"{index} [{start}, {end})" + "".join(f" {h.hex()}" for h in path)
                proofs.update(f"{line}\n".encode())
    assert hashes.hexdigest() == want["subtree_hash"]
    assert proofs.hexdigest() == want["subtree_inclusion_proof"]
    # 'subtree_consistency_proof' and 'subtree_covering' need the Merkle Tree Certificates
    # subtree extension (start > 0), which the decision log does not implement.
