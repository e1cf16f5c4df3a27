"""Signed notes and note keys against golang.org/x/mod/sumdb/note and the C2SP examples."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from techfile.decisionlog import (
    AmbiguousKeyError,
    Checkpoint,
    InvalidSignatureError,
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedNoteError,
    MissingSignatureError,
    Note,
    OriginMismatchError,
    SignerKey,
    VerifierKey,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)
from techfile.decisionlog.merkle import leaf_hash

Vectors = Callable[..., dict[str, Any]]
SN = "signed-note"


@pytest.fixture(scope="module")
def sumdb(vectors: Vectors) -> dict[str, Any]:
    return vectors(SN, "golang_mod_sumdb_note.json")


@pytest.fixture(scope="module")
def keys(sumdb: dict[str, Any]) -> dict[str, VerifierKey]:
    return {name: VerifierKey.parse(k["vkey"]) for name, k in sumdb["keys"].items()}


@pytest.fixture(scope="module")
def peter(sumdb: dict[str, Any]) -> SignerKey:
    return SignerKey.parse(sumdb["keys"]["PeterNeumann"]["skey"])


@pytest.fixture(scope="module")
def enoch(sumdb: dict[str, Any]) -> SignerKey:
    # example_test.go generates EnochRoot from a reader of zero bytes: the seed is all zeros.
    seed = bytes.fromhex(sumdb["keys"]["EnochRoot"]["seed_hex"])
    return SignerKey("EnochRoot", seed)


# --- golang_mod_sumdb_note.json


def test_sumdb_keys_round_trip(
    sumdb: dict[str, Any], keys: dict[str, VerifierKey], peter: SignerKey, enoch: SignerKey
) -> None:
    for name, key in keys.items():
        assert key.name == name
        assert key.format() == sumdb["keys"][name]["vkey"]
        assert f"{key.key_id:08x}" == sumdb["keys"][name]["key_id_hex"]
    assert peter.format() == sumdb["keys"]["PeterNeumann"]["skey"]
    assert peter.verifier() == keys["PeterNeumann"]
    assert enoch.verifier() == keys["EnochRoot"]
    assert "seed" not in repr(peter)  # the secret never shows in repr


def test_sumdb_key_id_is_the_c2sp_hash(keys: dict[str, VerifierKey]) -> None:
    key = keys["PeterNeumann"]
    digest = hashlib.sha256(key.name.encode() + b"\n\x01" + key.public_key).digest()
    assert key.key_id == int.from_bytes(digest[:4], "big")


def test_sumdb_signing_reproduces_the_exact_signatures(
    sumdb: dict[str, Any], peter: SignerKey, enoch: SignerKey
) -> None:
    assert sign_note(sumdb["text"], peter) == sumdb["signed_note_peter"]
    assert sign_note(sumdb["text"], peter, enoch) == sumdb["signed_note_peter_enoch"]
    assert sign_note(sumdb["text"], enoch).endswith(sumdb["signatures"]["EnochRoot"])
    # Countersigning a parsed note keeps the signature already there.
    once = Note.parse(sumdb["signed_note_peter"])
    assert sign_note(once, enoch) == sumdb["signed_note_peter_enoch"]
    assert sign_note(once, peter) == sumdb["signed_note_peter"]  # same key: replaced


def _open_case_note(sumdb: dict[str, Any], case: dict[str, Any]) -> str:
    if "note" in case:
        note: str = case["note"]
        return note
    assert case["note_construction"] == "text + '\\n' + peterSig*101"
    text: str = sumdb["text"]
    signature: str = sumdb["signatures"]["PeterNeumann"]
    return text + "\n" + signature * 101


OPEN_ERRORS: dict[str, type[Exception]] = {
    "error: note has no verifiable signatures": MissingSignatureError,
    "error: ambiguous key EnochRoot+af0cfe78": AmbiguousKeyError,
    "error: malformed note": MalformedNoteError,
}


def test_sumdb_open_cases(sumdb: dict[str, Any], keys: dict[str, VerifierKey]) -> None:
    for case in sumdb["open_cases"]:
        note = _open_case_note(sumdb, case)
        verifiers = [keys[name] for name in case["verifiers"]]
        expect: str = case["expect"]
        if expect == "ok":
            opened = open_note(note, verifiers)
            assert opened.text == sumdb["text"]
            assert [s.name for s in opened.verified] == case["sigs"]
            unverified = [s.name for s in opened.unverified]
            assert unverified == case.get("unverified", unverified)
            assert len(unverified) == case.get("unverified_count", len(unverified))
        elif expect.startswith("error: invalid signature"):
            with pytest.raises(InvalidSignatureError, match="PeterNeumann\\+c74f20a3"):
                open_note(note, verifiers)
        else:
            with pytest.raises(OPEN_ERRORS[expect]):
                open_note(note, verifiers)


def test_sumdb_malformed_notes(sumdb: dict[str, Any], keys: dict[str, VerifierKey]) -> None:
    cases = sumdb["malformed_notes"]["cases"]
    assert len(cases) == 7
    for case in cases:
        data: bytes | str = (
            bytes.fromhex(case["bytes_hex"]) if "bytes_hex" in case else case["text"]
        )
        with pytest.raises(MalformedNoteError):
            Note.parse(data)
        with pytest.raises(MalformedNoteError):
            open_note(data, [keys["PeterNeumann"]])


def test_sumdb_bad_vkeys(sumdb: dict[str, Any]) -> None:
    for case in sumdb["bad_vkeys"]["cases"]:
        with pytest.raises(MalformedKeyError):
            VerifierKey.parse(case["vkey"])


def test_sumdb_every_substring_and_increment_of_a_vkey_is_refused(sumdb: dict[str, Any]) -> None:
    vkey: str = sumdb["keys"]["PeterNeumann"]["vkey"]
    bad = [vkey[i:j] for i in range(len(vkey)) for j in range(i + 1, len(vkey) + 1)]
    bad.remove(vkey)
    bad += [vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :] for i in range(len(vkey))]
    for candidate in bad:
        with pytest.raises(MalformedKeyError):
            VerifierKey.parse(candidate)


def test_sumdb_skey_must_be_a_private_key(sumdb: dict[str, Any]) -> None:
    skey: str = sumdb["keys"]["PeterNeumann"]["skey"]
    for bad in (
        skey.removeprefix("PRIVATE+"),
        skey.replace("+c74f20a3+", "+c74f20a4+"),
        sumdb["keys"]["PeterNeumann"]["vkey"],
    ):
        with pytest.raises(MalformedKeyError):
            SignerKey.parse(bad)


def test_sumdb_key_names(sumdb: dict[str, Any]) -> None:
    assert "no '+'" in sumdb["key_name_rule"]
    for name in ("", "a b", "a+b", "a\u00a0b", "a\tb", "a\x01b"):
        with pytest.raises(MalformedKeyError):
            SignerKey(name, bytes(32))


def test_sumdb_go_sum_tree_note(sumdb: dict[str, Any], peter: SignerKey) -> None:
    tree = sumdb["go_sum_tree_note"]
    checkpoint = Checkpoint.parse(tree["formatted"])
    assert checkpoint.origin == "go.sum database tree"
    assert checkpoint.size == tree["tree_size"]
    assert checkpoint.root_hash == leaf_hash(tree["record"].encode())
    assert checkpoint.root_hash == base64.b64decode(tree["record_hash_b64"])
    assert checkpoint.format() == tree["formatted"]
    key = peter.verifier()
    wrong_origin, bad_size, bad_hash = tree["bad_trees"]
    with pytest.raises(OriginMismatchError):
        open_checkpoint(sign_note(wrong_origin, peter), key, origin=checkpoint.origin)
    for bad in (bad_size, bad_hash):
        with pytest.raises(MalformedCheckpointError):
            open_checkpoint(sign_note(bad, peter), key, origin=checkpoint.origin)
    opened = open_checkpoint(sign_checkpoint(checkpoint, peter), key, origin=checkpoint.origin)
    assert opened.checkpoint == checkpoint


# --- c2sp_spec_examples.json


@pytest.fixture(scope="module")
def c2sp(vectors: Vectors) -> dict[str, Any]:
    return vectors(SN, "c2sp_spec_examples.json")


def test_c2sp_vkey_example_verifies(c2sp: dict[str, Any]) -> None:
    example = c2sp["vkey_example"]
    key = VerifierKey.parse(example["vkey"])
    opened = open_note(example["note"], [key])
    assert opened.text == "This is an example message.\n"
    assert opened.signed_by(key)


def test_c2sp_note_text_may_hold_blank_lines(c2sp: dict[str, Any]) -> None:
    raw = c2sp["note_example_no_key"]
    note = Note.parse(raw)
    assert note.text.endswith("\n\ned è subito sera.\n")
    assert [s.name for s in note.signatures] == ["quasimodo.example/salvatore"]
    assert note.format() == raw
    with pytest.raises(MissingSignatureError):  # signed, but by no key we know
        open_note(raw, [SignerKey("quasimodo.example/salvatore", bytes(32)).verifier()])


def test_c2sp_checkpoint_examples(c2sp: dict[str, Any]) -> None:
    single = Note.parse(c2sp["checkpoint_example_no_key"])
    cosigned = Note.parse(c2sp["cosigned_checkpoint_example_no_key"])
    checkpoint = Checkpoint.parse(single.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.format() == single.text == cosigned.text
    assert single.signatures[0].name == checkpoint.origin  # the key name SHOULD match
    log, witness = cosigned.signatures
    assert log == single.signatures[0]
    assert witness.name == "witness.example.com/w1"
    assert len(witness.signature) == 8 + 64  # tlog-cosignature: timestamp || Ed25519 sig


def test_c2sp_cosignature_message_holds_the_checkpoint(c2sp: dict[str, Any]) -> None:
    header, time, *body = c2sp["cosignature_v1_signed_message_example"].split("\n")
    assert (header, time) == ("cosignature/v1", "time 1679315147")
    assert Checkpoint.parse("\n".join(body)) == Checkpoint.parse(
        Note.parse(c2sp["checkpoint_example_no_key"]).text
    )


def test_c2sp_witness_request_holds_a_proof_and_a_signed_checkpoint(c2sp: dict[str, Any]) -> None:
    request: str = c2sp["witness_add_checkpoint_request_example"]
    head, _, signed = request.partition("\n\n")
    old, *proof = head.split("\n")
    assert old == "old 20852014"
    assert [len(base64.b64decode(h)) for h in proof] == [32] * 4
    note = Note.parse(signed)
    assert len(note.signatures) == 2
    assert Checkpoint.parse(note.text).size == 20852163


def test_c2sp_ed25519_key_id_rule(c2sp: dict[str, Any]) -> None:
    assert c2sp["key_id_rules"]["ed25519_note_0x01"].startswith("SHA-256(name || 0x0A || 0x01")
    key = VerifierKey.parse(c2sp["vkey_example"]["vkey"])
    digest = hashlib.sha256(b"example.com/foo\n\x01" + key.public_key).digest()
    assert key.key_id == int.from_bytes(digest[:4], "big") == 0x530D903A
