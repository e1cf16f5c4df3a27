"""Checkpoints (c2sp.org/tlog-checkpoint): the signed tree heads of the decision log.

This module owns the checkpoint body and the rules for trusting a signed one. A checkpoint's
note text is at least three lines, each ending in a newline:

1. the **origin**, a non-empty identifier of the log;
2. the **tree size**, ASCII decimal with no leading zeroes, at most 2**64 - 1;
3. the **root hash**, standard base64 of the 32-byte RFC 6962 (RFC 9162) root;
4. optional **extension lines**, each non-empty.

A checkpoint is trusted only once the log's own key has signed it and its origin is the one
expected; witness cosignatures from known keys are verified and reported, unknown ones
ignored. The signed-note and key types are re-exported here so that one import serves a
reader of checkpoints.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from techfile.decisionlog._keys import SignerKey, VerifierKey, decode_base64
from techfile.decisionlog._note import (
    MAX_SIGNATURES,
    Note,
    NoteSignature,
    OpenedNote,
    encode_note_text,
    open_note,
    sign_note,
)
from techfile.decisionlog.errors import (
    MalformedCheckpointError,
    MalformedNoteError,
    MissingSignatureError,
    OriginMismatchError,
)
from techfile.decisionlog.merkle import HASH_SIZE

__all__ = [
    "MAX_SIGNATURES",
    "MAX_TREE_SIZE",
    "Checkpoint",
    "Note",
    "NoteSignature",
    "OpenedNote",
    "SignerKey",
    "VerifiedCheckpoint",
    "VerifierKey",
    "open_checkpoint",
    "open_note",
    "sign_checkpoint",
    "sign_note",
]

MAX_TREE_SIZE: Final = (1 << 64) - 1
"""Largest tree size a checkpoint may state (an unsigned 64-bit integer, as in RFC 9162)."""

_TREE_SIZE: Final = re.compile(r"0|[1-9][0-9]*")
_BODY_LINES: Final = 3


def _check_line(value: str, what: str) -> None:
    if not value:
        raise MalformedCheckpointError(f"checkpoint {what} must not be empty")
    if "\n" in value:
        raise MalformedCheckpointError(f"checkpoint {what} must be a single line")
    try:
        encode_note_text(value, f"checkpoint {what}")
    except MalformedNoteError as e:
        raise MalformedCheckpointError(str(e)) from e


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's commitment to the root hash of its tree at one size (the note text)."""

    origin: str
    """The log's identity, e.g. ``example.com/decisions``; non-empty, one line."""
    size: int
    """Number of leaves in the tree, from 0 to `MAX_TREE_SIZE`."""
    root_hash: bytes
    """The 32-byte RFC 9162 root hash of the tree of ``size`` leaves."""
    extension_lines: tuple[str, ...] = ()
    """Opaque extra lines, each non-empty (c2sp: their use is NOT RECOMMENDED)."""

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedCheckpointError(f"tree size {self.size} is not a 64-bit unsigned int")
        if len(self.root_hash) != HASH_SIZE:
            raise MalformedCheckpointError(
                f"root hash must be {HASH_SIZE} bytes (SHA-256), got {len(self.root_hash)}"
            )
        for line in self.extension_lines:
            _check_line(line, "extension line")

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint body (the text of a checkpoint note).

        Args:
            text: The note text, ending in a newline.

        Returns:
            The checkpoint.

        Raises:
            MalformedCheckpointError: The text is not a tlog-checkpoint body.
        """
        if not text.endswith("\n"):
            raise MalformedCheckpointError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < _BODY_LINES:
            raise MalformedCheckpointError("checkpoint needs origin, size and root hash lines")
        origin, size_text, root_text, *extensions = lines
        if not _TREE_SIZE.fullmatch(size_text):
            raise MalformedCheckpointError(f"tree size {size_text!r} is not a decimal number")
        root = decode_base64(root_text)
        if root is None:
            raise MalformedCheckpointError(f"root hash {root_text!r} is not base64")
        return cls(origin, int(size_text), root, tuple(extensions))

    def format(self) -> str:
        """Write the checkpoint body, ready to be signed."""
        root = base64.b64encode(self.root_hash).decode()
        extensions = "".join(f"{line}\n" for line in self.extension_lines)
        return f"{self.origin}\n{self.size}\n{root}\n{extensions}"


@dataclass(frozen=True, slots=True)
class VerifiedCheckpoint:
    """A checkpoint signed by its log, with the signatures that were checked."""

    checkpoint: Checkpoint
    """The checkpoint, now trusted as far as the log key is."""
    note: OpenedNote
    """The note it came in: which known keys signed it, and which signatures were ignored."""

    def cosigned_by(self, witness: VerifierKey) -> bool:
        """Say whether ``witness`` (or the log key itself) signed this checkpoint."""
        return self.note.signed_by(witness)


def sign_checkpoint(checkpoint: Checkpoint, *signers: SignerKey) -> str:
    """Sign a checkpoint and return the signed note.

    Args:
        checkpoint: The checkpoint to sign.
        *signers: The log key first, then any others (at least one).

    Returns:
        The signed checkpoint note.

    Raises:
        MalformedNoteError: No signer was given.
    """
    return sign_note(checkpoint.format(), *signers)


def open_checkpoint(
    note: bytes | str | Note,
    log_key: VerifierKey,
    *,
    origin: str,
    witnesses: Iterable[VerifierKey] = (),
) -> VerifiedCheckpoint:
    """Verify a signed checkpoint from a log and read it.

    Args:
        note: The signed checkpoint, as received.
        log_key: The log's key; its signature is required.
        origin: The origin the checkpoint must name.
        witnesses: Other known keys (witnesses); their signatures are verified if present.

    Returns:
        The checkpoint and the signatures checked.

    Raises:
        MalformedNoteError: ``note`` is not a signed note.
        AmbiguousKeyError: Two of the keys share a key name and key ID.
        InvalidSignatureError: A signature from a known key does not verify.
        MissingSignatureError: The log key did not sign the note.
        MalformedCheckpointError: The signed text is not a checkpoint.
        OriginMismatchError: The checkpoint is from another log.
    """
    opened = open_note(note, [log_key, *witnesses])
    # c2sp.org/signed-note: the text is ignored unless a trusted key signed it.
    if not opened.signed_by(log_key):
        raise MissingSignatureError(f"checkpoint is not signed by the log key {log_key.name}")
    checkpoint = Checkpoint.parse(opened.text)
    if checkpoint.origin != origin:
        raise OriginMismatchError(
            f"checkpoint is from log {checkpoint.origin!r}, expected {origin!r}"
        )
    return VerifiedCheckpoint(checkpoint, opened)
