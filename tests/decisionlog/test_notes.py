"""Signed-note rules that the public vectors leave implicit, and the error tree."""

from __future__ import annotations

import base64

import pytest

import techfile.decisionlog
from techfile.decisionlog import (
    AmbiguousKeyError,
    CheckpointError,
    InvalidProofError,
    InvalidSignatureError,
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedNoteError,
    MissingSignatureError,
    Note,
    NoteSignature,
    OriginMismatchError,
    RootMismatchError,
    SignatureError,
    SignerKey,
    TreeRangeError,
    UnsupportedKeyTypeError,
    VerificationError,
    VerifierKey,
    open_note,
    sign_note,
)
from techfile.errors import Error, InputError

ALICE = SignerKey("example.com/alice", bytes(range(32)))
BOB = SignerKey("example.com/bob", bytes(range(1, 33)))


def test_signature_limit() -> None:
    line = NoteSignature.parse(sign_note("text\n", ALICE).split("\n")[2])
    assert len(open_note(Note("text\n", (line,) * 100), [ALICE.verifier()]).verified) == 1
    with pytest.raises(MalformedNoteError, match="more than 100"):
        Note("text\n", (line,) * 101)


@pytest.mark.parametrize(
    "text", ["", "no newline", "bell\x07\n", "lone \ud800 surrogate\n"], ids=repr
)
def test_texts_that_cannot_be_signed(text: str) -> None:
    with pytest.raises(MalformedNoteError):
        sign_note(text, ALICE)


@pytest.mark.parametrize(
    "line",
    [
        "\u2014 a+b AAAAAAE=",
        "\u2014  AAAAAAE=",
        "\u2014 a AAAAAA==",
        "- a AAAAAAE=",
        "\u2014 a",
    ],
    ids=["plus-in-name", "empty-name", "key-id-only", "hyphen", "no-signature"],
)
def test_malformed_signature_lines(line: str) -> None:
    with pytest.raises(MalformedNoteError):
        NoteSignature.parse(line)
    with pytest.raises(MalformedNoteError):
        Note.parse(f"text\n\n{line}\n")


def test_signatures_and_notes_cannot_be_built_invalid() -> None:
    with pytest.raises(MalformedNoteError):
        NoteSignature("a", 1 << 32, b"sig")
    with pytest.raises(MalformedNoteError):
        NoteSignature("a", 1, b"")
    with pytest.raises(MalformedNoteError, match="at least one signature"):
        Note("text\n", ())


def test_signing_needs_a_key() -> None:
    with pytest.raises(MalformedNoteError, match="at least one signer"):
        sign_note("text\n")


def test_a_text_may_end_in_blank_lines_and_still_round_trip() -> None:
    for text in ("\n", "a\n\n", "a\n\n\u2014 not a signature line\n"):
        note = sign_note(text, ALICE)
        assert open_note(note, [ALICE.verifier()]).text == text


def test_signatures_are_canonical_base64() -> None:
    line = sign_note("text\n", ALICE).split("\n")[2]
    encoded = line.rsplit(" ", 1)[1]
    assert encoded.endswith("=")
    with pytest.raises(MalformedNoteError):  # padding dropped
        NoteSignature.parse(line.rstrip("="))
    with pytest.raises(MalformedNoteError):  # a space inside the base64
        NoteSignature.parse(line[:-4] + " " + line[-4:])


def test_same_name_other_key_is_ignored_same_key_id_other_name_too() -> None:
    impostor = SignerKey(ALICE.name, bytes(32))
    note = sign_note("text\n", impostor, BOB)
    opened = open_note(note, [ALICE.verifier(), BOB.verifier()])
    assert [s.name for s in opened.verified] == [BOB.name]
    assert [s.key_id for s in opened.unverified] == [impostor.key_id]
    with pytest.raises(MissingSignatureError):
        open_note(sign_note("text\n", impostor), [ALICE.verifier()])


def test_a_bad_signature_from_a_known_key_rejects_the_whole_note() -> None:
    good = Note.parse(sign_note("text\n", ALICE, BOB))
    alice, bob = good.signatures
    forged = NoteSignature(bob.name, bob.key_id, bytes(64))
    with pytest.raises(InvalidSignatureError):
        open_note(Note(good.text, (alice, forged)), [ALICE.verifier(), BOB.verifier()])
    # Even a repeated, forged copy after a valid one is checked (c2sp: MUST verify).
    with pytest.raises(InvalidSignatureError):
        open_note(Note(good.text, (bob, forged)), [BOB.verifier()])
    # A signature with the wrong length is just an invalid signature.
    short = NoteSignature(bob.name, bob.key_id, b"\x01")
    with pytest.raises(InvalidSignatureError):
        open_note(Note(good.text, (short,)), [BOB.verifier()])


def test_the_same_key_twice_is_ambiguous() -> None:
    with pytest.raises(AmbiguousKeyError):
        open_note(sign_note("text\n", ALICE), [ALICE.verifier(), ALICE.verifier()])


def test_generated_keys_sign_and_verify() -> None:
    key = SignerKey.generate("example.com/log")
    assert SignerKey.parse(key.format()) == key
    verifier = VerifierKey.parse(key.verifier().format())
    assert open_note(sign_note("x\n", key), [verifier]).signed_by(verifier)


@pytest.mark.parametrize(
    "vkey",
    [
        "a+00000000",
        "a+0000000g+AQ==",
        "a+ 0000000+AQ==",
        "a+000_0000+AQ==",
        "a b+00000000+AQ==",
        "+00000000+AQ==",
        "a+00000000+",
        "a+00000000+AQ",
        "a+00000000+AQ==\n",
    ],
)
def test_malformed_vkeys(vkey: str) -> None:
    with pytest.raises(MalformedKeyError):
        VerifierKey.parse(vkey)


def test_unsupported_key_type_explains_itself() -> None:
    material = base64.b64encode(b"\x02" + bytes(32)).decode()
    with pytest.raises(UnsupportedKeyTypeError) as caught:
        VerifierKey.parse(f"a+00000000+{material}")
    assert "Ed25519" in caught.value.diagnostics()


def test_key_material_must_be_32_bytes() -> None:
    with pytest.raises(MalformedKeyError):
        VerifierKey("a", bytes(31))
    with pytest.raises(MalformedKeyError):
        SignerKey("a", bytes(33))


def test_error_tree() -> None:
    verification = [InvalidProofError, RootMismatchError, OriginMismatchError, SignatureError]
    assert all(issubclass(e, VerificationError) for e in verification)
    assert all(
        issubclass(e, SignatureError) for e in (InvalidSignatureError, MissingSignatureError)
    )
    malformed = [MalformedNoteError, MalformedCheckpointError, MalformedKeyError, AmbiguousKeyError]
    assert all(issubclass(e, CheckpointError) for e in malformed)
    assert issubclass(UnsupportedKeyTypeError, MalformedKeyError)
    assert issubclass(CheckpointError, InputError)
    assert issubclass(TreeRangeError, InputError)
    assert issubclass(VerificationError, Error)
    assert not issubclass(VerificationError, InputError)
    assert "tampered" in RootMismatchError("x").diagnostics()


def test_public_api() -> None:
    assert set(techfile.decisionlog.__all__) <= set(dir(techfile.decisionlog))
    assert techfile.decisionlog.merkle.verify_inclusion is techfile.decisionlog.verify_inclusion
    assert techfile.decisionlog.checkpoint.Checkpoint is techfile.decisionlog.Checkpoint
