"""Signed notes (c2sp.org/signed-note): parsing, formatting, signing and opening.

This module owns the note format and the rules for trusting one:

* a note is valid UTF-8 with no control character but newline; its text ends in a newline
  and is followed by one blank line and one or more signature lines
  ``— <key name> base64(key ID || signature)`` (U+2014 EM DASH, space); the text is split
  from the signatures at the *last* blank line;
* at most 100 signature lines are read (the spec asks for at least 16; Go stops at 100);
* opening a note with a set of verifier keys ignores signatures from unknown keys (witness
  cosignatures, rotated keys), rejects the whole note if a known key's signature fails, and
  rejects it if no known key signed it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from techfile.decisionlog._keys import SignerKey, VerifierKey, decode_base64, is_valid_key_name
from techfile.decisionlog.errors import (
    AmbiguousKeyError,
    InvalidSignatureError,
    MalformedNoteError,
    MissingSignatureError,
)

__all__ = ["MAX_SIGNATURES", "Note", "NoteSignature", "OpenedNote", "open_note", "sign_note"]

MAX_SIGNATURES: Final = 100
"""Most signature lines read from one note (golang.org/x/mod/sumdb/note's limit)."""

_SIGNATURE_PREFIX: Final = "\u2014 "
_KEY_ID_SIZE: Final = 4
_KEY_ID_LIMIT: Final = 1 << 32


def encode_note_text(text: str, what: str = "note") -> bytes:
    """Check that ``text`` may appear in a note and return its UTF-8 bytes.

    Args:
        text: The text to check.
        what: What the text is, for the error message.

    Returns:
        The UTF-8 encoding of ``text``.

    Raises:
        MalformedNoteError: The text is not valid Unicode or holds a control character other
            than newline (c2sp.org/signed-note, "Format").
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise MalformedNoteError(f"{what} is not valid UTF-8") from e
    if any(c < " " and c != "\n" for c in text):
        raise MalformedNoteError(f"{what} holds a control character other than newline")
    return data


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line of a note: who signed, with which key, and the signature bytes."""

    name: str
    """The key name."""
    key_id: int
    """The 32-bit key ID (first four bytes of the decoded signature, big-endian)."""
    signature: bytes
    """The signature proper, after the key ID; its format depends on the key type."""

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name):
            raise MalformedNoteError(f"invalid key name {self.name!r} in a signature line")
        if not 0 <= self.key_id < _KEY_ID_LIMIT:
            raise MalformedNoteError(f"key ID {self.key_id} does not fit in 32 bits")
        if not self.signature:
            raise MalformedNoteError(f"empty signature from {self.name}")

    @classmethod
    def parse(cls, line: str) -> NoteSignature:
        """Read one signature line, without its newline.

        Args:
            line: ``— <key name> <base64(key ID || signature)>``.

        Returns:
            The signature.

        Raises:
            MalformedNoteError: The line is not a signature line.
        """
        if not line.startswith(_SIGNATURE_PREFIX):
            raise MalformedNoteError("signature line must start with '\u2014 '")
        name, _, encoded = line.removeprefix(_SIGNATURE_PREFIX).partition(" ")
        data = decode_base64(encoded)
        if data is None or len(data) <= _KEY_ID_SIZE:
            raise MalformedNoteError(f"signature from {name!r} is not base64(key ID || sig)")
        key_id = int.from_bytes(data[:_KEY_ID_SIZE], "big")
        return cls(name, key_id, data[_KEY_ID_SIZE:])

    def format(self) -> str:
        """Write the signature line, ending in a newline."""
        data = self.key_id.to_bytes(_KEY_ID_SIZE, "big") + self.signature
        return f"{_SIGNATURE_PREFIX}{self.name} {base64.b64encode(data).decode()}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A signed note whose signatures have not been checked: its text must not be trusted."""

    text: str
    """The signed text, ending in a newline."""
    signatures: tuple[NoteSignature, ...]
    """The signature lines, in note order (one to `MAX_SIGNATURES`)."""

    def __post_init__(self) -> None:
        encode_note_text(self.text, "note text")
        if not self.text.endswith("\n"):
            raise MalformedNoteError("note text must end with a newline")
        if not self.signatures:
            raise MalformedNoteError("a signed note needs at least one signature line")
        if len(self.signatures) > MAX_SIGNATURES:
            raise MalformedNoteError(f"note has more than {MAX_SIGNATURES} signature lines")

    @classmethod
    def parse(cls, data: bytes | str) -> Note:
        """Split a signed note into its text and signature lines, without verifying them.

        Args:
            data: The note, as received.

        Returns:
            The note.

        Raises:
            MalformedNoteError: ``data`` is not a signed note.
        """
        if isinstance(data, bytes):
            try:
                message = data.decode("utf-8")
            except UnicodeDecodeError as e:
                raise MalformedNoteError("note is not valid UTF-8") from e
        else:
            message = data
        encode_note_text(message)
        # The text ends at the last blank line; it may hold blank lines of its own.
        split = message.rfind("\n\n")
        if split < 0:
            raise MalformedNoteError("note has no blank line before its signatures")
        text, block = message[: split + 1], message[split + 2 :]
        if not block.endswith("\n"):
            raise MalformedNoteError("note must end with a newline after its signatures")
        lines = block[:-1].split("\n")
        if len(lines) > MAX_SIGNATURES:
            raise MalformedNoteError(f"note has more than {MAX_SIGNATURES} signature lines")
        return cls(text, tuple(NoteSignature.parse(line) for line in lines))

    def format(self) -> str:
        """Write the note: text, blank line, signature lines."""
        return self.text + "\n" + "".join(sig.format() for sig in self.signatures)


@dataclass(frozen=True, slots=True)
class OpenedNote:
    """A note signed by at least one known key, with its signatures sorted by trust."""

    text: str
    """The note text, now trusted as far as the verifying keys are trusted."""
    verified: tuple[NoteSignature, ...]
    """Signatures that verified, one per known key, in note order."""
    unverified: tuple[NoteSignature, ...]
    """Signatures from unknown keys, ignored (identical lines listed once)."""

    def signed_by(self, key: VerifierKey) -> bool:
        """Say whether ``key`` is among the keys whose signature verified."""
        return any(s.name == key.name and s.key_id == key.key_id for s in self.verified)


def sign_note(note: str | Note, *signers: SignerKey) -> str:
    """Sign a text, or add signatures to a note, and return the signed note.

    Args:
        note: The text to sign (ending in a newline), or a note to countersign; its
            signatures by the same key names and IDs as ``signers`` are replaced.
        *signers: The keys to sign with (at least one).

    Returns:
        The signed note.

    Raises:
        MalformedNoteError: The text cannot be a note text, or no signer was given.
    """
    if not signers:
        raise MalformedNoteError("signing a note needs at least one signer key")
    text, kept = (note.text, note.signatures) if isinstance(note, Note) else (note, ())
    message = encode_note_text(text, "note text")
    new = tuple(NoteSignature(s.name, s.key_id, s.sign(message)) for s in signers)
    replaced = {(s.name, s.key_id) for s in new}
    kept = tuple(s for s in kept if (s.name, s.key_id) not in replaced)
    return Note(text, kept + new).format()


def open_note(note: bytes | str | Note, verifiers: Iterable[VerifierKey]) -> OpenedNote:
    """Verify a signed note against known keys (c2sp.org/signed-note, "Signatures").

    Args:
        note: The note, as received, or already parsed.
        verifiers: The known keys. Signatures from other keys are ignored.

    Returns:
        The note text with the verified and the ignored signatures.

    Raises:
        MalformedNoteError: ``note`` is not a signed note.
        AmbiguousKeyError: Two verifiers share a key name and key ID.
        InvalidSignatureError: A signature from a known key does not verify.
        MissingSignatureError: No known key signed the note.
    """
    parsed = note if isinstance(note, Note) else Note.parse(note)
    known: dict[tuple[str, int], VerifierKey] = {}
    for verifier in verifiers:
        name, key_id = verifier.name, verifier.key_id
        if (name, key_id) in known:
            raise AmbiguousKeyError(f"two verifier keys named {name} with ID {key_id:08x}")
        known[name, key_id] = verifier
    message = parsed.text.encode("utf-8")
    verified: dict[tuple[str, int], NoteSignature] = {}
    unverified: dict[NoteSignature, None] = {}
    for sig in parsed.signatures:
        key = known.get((sig.name, sig.key_id))
        if key is None:
            # Unknown keys, even sharing a name or an ID with a known key, are ignored.
            unverified.setdefault(sig)
            continue
        # Every signature from a known key MUST be verified, repeated ones too.
        if not key.verify(message, sig.signature):
            raise InvalidSignatureError(f"invalid signature from key {key.name}+{key.key_id:08x}")
        verified.setdefault((sig.name, sig.key_id), sig)
    if not verified:
        raise MissingSignatureError("note has no valid signature from a known key")
    return OpenedNote(parsed.text, tuple(verified.values()), tuple(unverified))
