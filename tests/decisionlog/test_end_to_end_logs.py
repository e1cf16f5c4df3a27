"""Two real logs of 15 entries (Tessera and serverless-log), checkpoint by checkpoint.

Each checkpoint's root is recomputed from the entries, its signature verified with the log's
vkey and reproduced byte for byte with the skey; every leaf is proved included and every pair
of checkpoints proved consistent. The verbatim log files are compared with the transcription.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from techfile.decisionlog import (
    Checkpoint,
    SignerKey,
    VerifierKey,
    open_checkpoint,
    sign_checkpoint,
)
from techfile.decisionlog.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

Vectors = Callable[..., dict[str, Any]]
LOGS = {
    "tessera": ("tessera_testdata_log.json", "tessera/testdata/log"),
    "serverless": ("serverless_log_testdata.json", "serverless-log/testdata/log"),
}


@pytest.fixture(params=sorted(LOGS), scope="module")
def log(request: pytest.FixtureRequest, vectors: Vectors) -> dict[str, Any]:
    transcription, _ = LOGS[request.param]
    data = vectors("end-to-end-logs", transcription)
    data["name"] = request.param
    return data


@pytest.fixture(scope="module")
def log_dir(log: dict[str, Any], merkle_testdata: Path) -> Path:
    return merkle_testdata / "end-to-end-logs" / LOGS[log["name"]][1]


def _entries(log: dict[str, Any]) -> list[bytes]:
    return [e.encode() for e in log["entries_ascii"]]


def _leaves(log: dict[str, Any]) -> list[bytes]:
    return [leaf_hash(e) for e in _entries(log)]


def test_leaf_hashes(log: dict[str, Any]) -> None:
    leaves = _leaves(log)
    assert len(leaves) == 15
    if "leaf_hashes_hex" in log:
        assert [h.hex() for h in leaves] == log["leaf_hashes_hex"]
    else:
        index_of = {h: int(i, 16) for h, i in log["leaf_hash_to_index_files"].items()}
        assert {h.hex(): i for i, h in enumerate(leaves)} == index_of


def test_every_checkpoint_root_is_recomputed_and_its_signature_verified(
    log: dict[str, Any],
) -> None:
    leaves = _leaves(log)
    key = VerifierKey.parse(log["vkey"])
    signer = SignerKey.parse(log["skey"])
    assert signer.verifier() == key
    assert [c["size"] for c in log["checkpoints"]] == list(range(16))
    for entry in log["checkpoints"]:
        size, root = entry["size"], base64.b64decode(entry["root_b64"])
        assert root_hash(leaves[:size]) == root
        opened = open_checkpoint(entry["checkpoint"], key, origin=log["origin"])
        assert opened.checkpoint == Checkpoint(log["origin"], size, root)
        assert sign_checkpoint(opened.checkpoint, signer) == entry["checkpoint"]


def test_every_leaf_is_included_in_every_checkpoint(log: dict[str, Any]) -> None:
    leaves = _leaves(log)
    roots = [base64.b64decode(c["root_b64"]) for c in log["checkpoints"]]
    for size in range(1, len(leaves) + 1):
        for index in range(size):
            proof = inclusion_proof(index, leaves[:size])
            verify_inclusion(leaves[index], index, size, proof, roots[size])


def test_every_pair_of_checkpoints_is_consistent(log: dict[str, Any]) -> None:
    leaves = _leaves(log)
    roots = [base64.b64decode(c["root_b64"]) for c in log["checkpoints"]]
    for new in range(1, len(leaves) + 1):
        for old in range(1, new + 1):
            proof = consistency_proof(old, leaves[:new])
            verify_consistency(old, new, roots[old], roots[new], proof)


def test_verbatim_checkpoint_files(log: dict[str, Any], log_dir: Path) -> None:
    for entry in log["checkpoints"]:
        assert (log_dir / f"checkpoint.{entry['size']}").read_text("utf-8") == entry["checkpoint"]
    assert (log_dir / "checkpoint").read_text("utf-8") == log["checkpoints"][-1]["checkpoint"]


def test_tessera_tiles_and_entry_bundles(vectors: Vectors, merkle_testdata: Path) -> None:
    log = vectors("end-to-end-logs", LOGS["tessera"][0])
    base = merkle_testdata / "end-to-end-logs" / LOGS["tessera"][1] / "tile"
    entries, leaves = _entries(log), _leaves(log)
    for size in range(1, len(entries) + 1):
        # c2sp.org/tlog-tiles: a partial level-0 tile holds the leaf hashes; an entry bundle
        # holds big-endian uint16 length-prefixed entries.
        assert (base / "0" / "000.p" / str(size)).read_bytes() == b"".join(leaves[:size])
        bundle = b"".join(len(e).to_bytes(2, "big") + e for e in entries[:size])
        assert (base / "entries" / "000.p" / str(size)).read_bytes() == bundle


def test_serverless_sequence_and_leaf_index_files(vectors: Vectors, merkle_testdata: Path) -> None:
    log = vectors("end-to-end-logs", LOGS["serverless"][0])
    base = merkle_testdata / "end-to-end-logs" / LOGS["serverless"][1]
    for index, (entry, leaf) in enumerate(zip(_entries(log), _leaves(log), strict=True)):
        assert (base / "seq" / "00" / "00" / "00" / "00" / f"{index:02x}").read_bytes() == entry
        name = leaf.hex()
        index_file = base / "leaves" / name[:2] / name[2:4] / name[4:6] / name[6:]
        assert int(index_file.read_text("ascii"), 16) == index
