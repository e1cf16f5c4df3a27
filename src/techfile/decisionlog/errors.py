"""The errors of the decision log's pure core: Merkle proofs, signed notes and checkpoints.

Tree::

    techfile.errors.Error
    ├── LogError                     the decision log could not do the job
    │   ├── StoreError               the store could not be read or written (see store.interface)
    │   ├── InconsistentLogError     the stored tree does not extend the latest checkpoint
    │   └── LogClosedError           the log was closed; it accepts nothing more
    ├── VerificationError            a proof, signature or checkpoint does not check out
    │   ├── InvalidProofError        the proof cannot belong to the claimed sizes or index
    │   ├── RootMismatchError        the proof is well formed but yields another root
    │   ├── OriginMismatchError      the checkpoint names another log
    │   └── SignatureError           the signatures on a note do not check out
    │       ├── InvalidSignatureError    a signature from a known key fails to verify
    │       └── MissingSignatureError    no valid signature from a required key
    └── InputError
        ├── RecordError              a record is malformed or links to no decision
        ├── RetentionError           a retention period below the legal minimum, or an
        │                            erasure before the period ends
        ├── LogSetupError            the URL, key or origin does not fit the log
        │   └── KeyMismatchError     the key is not the one the log was created with
        ├── TreeRangeError           a proof was asked for outside the tree
        └── CheckpointError          a note, checkpoint or key is not well formed
            ├── MalformedNoteError       not a c2sp.org/signed-note
            ├── MalformedCheckpointError not a c2sp.org/tlog-checkpoint body
            ├── MalformedKeyError        not a vkey or skey string
            │   └── UnsupportedKeyTypeError  a key type other than Ed25519 (0x01)
            └── AmbiguousKeyError        two verifier keys share a name and key ID

The pure functions raise ``VerificationError`` when something does not check out; the storage
and CLI layers turn it into a result (STYLE D4) before it reaches a person: ``audit()``
returns an ``AuditFailed`` value rather than raising.
"""

from __future__ import annotations

from techfile.errors import Error, InputError

__all__ = [
    "AmbiguousKeyError",
    "CheckpointError",
    "InconsistentLogError",
    "InvalidProofError",
    "InvalidSignatureError",
    "KeyMismatchError",
    "LogClosedError",
    "LogError",
    "LogSetupError",
    "MalformedCheckpointError",
    "MalformedKeyError",
    "MalformedNoteError",
    "MissingSignatureError",
    "OriginMismatchError",
    "RecordError",
    "RetentionError",
    "RootMismatchError",
    "SignatureError",
    "TreeRangeError",
    "UnsupportedKeyTypeError",
    "VerificationError",
]


class VerificationError(Error):
    """A Merkle proof, note signature or checkpoint failed verification."""

    def diagnostics(self) -> str:
        """Say what failed, why it matters and what to do."""
        return (
            f"{self}\n"
            "  The decision log could not be shown to be intact and append-only.\n"
            "  Check that the proof, roots and sizes come from the same log and the\n"
            "  same checkpoints; if they do, treat the log as tampered with."
        )


class InvalidProofError(VerificationError):
    """The proof cannot belong to the claimed index and tree sizes.

    Raised for hashes that are not 32 bytes, sizes or indices out of range and proofs of the
    wrong length (RFC 9162 §2.1.3.2, §2.1.4.2).
    """


class RootMismatchError(VerificationError):
    """The proof is well formed but does not lead to the expected root hash."""


class OriginMismatchError(VerificationError):
    """The checkpoint's origin line names a different log than the one expected."""


class SignatureError(VerificationError):
    """The signatures on a signed note do not check out."""


class InvalidSignatureError(SignatureError):
    """A signature from a known key fails to verify (c2sp.org/signed-note: reject the note)."""


class MissingSignatureError(SignatureError):
    """The note carries no valid signature from a known or required key."""


class TreeRangeError(InputError):
    """A proof or root was requested for an index or size outside the tree."""


class CheckpointError(InputError):
    """A signed note, checkpoint body or key string is not well formed."""


class MalformedNoteError(CheckpointError):
    """The input is not a c2sp.org/signed-note (or a note text that cannot be signed)."""


class MalformedCheckpointError(CheckpointError):
    """The note text is not a c2sp.org/tlog-checkpoint body."""


class MalformedKeyError(CheckpointError):
    """The string is not a note verifier key (vkey) or signer key (skey)."""


class UnsupportedKeyTypeError(MalformedKeyError):
    """The key uses a signature type other than Ed25519 (0x01), such as ECDSA (0x02)."""

    def diagnostics(self) -> str:
        """Say which key types are supported."""
        return (
            f"{self}\n"
            "  techfile signs and verifies notes with Ed25519 keys (signature type 0x01)\n"
            "  only; generate an Ed25519 key for the log or witness."
        )


class AmbiguousKeyError(CheckpointError):
    """Two verifier keys given together share a key name and key ID."""


class LogError(Error):
    """The decision log could not record, sign, prove or read what was asked."""


class InconsistentLogError(LogError):
    """The stored tree does not extend the latest signed checkpoint, so no new one is signed."""

    def diagnostics(self) -> str:
        """Say why signing stopped and what to do."""
        return (
            f"{self}\n"
            "  Signing a checkpoint over this tree would vouch for a changed history.\n"
            "  Run audit() to find the first bad index, and treat the store as tampered with."
        )


class LogClosedError(LogError):
    """The log was closed; it accepts no more records."""


class RecordError(InputError):
    """A decision, oversight or tombstone record is malformed, or links to no decision."""


class RetentionError(InputError):
    """A retention period is below the legal minimum, or an erasure comes before it ends."""


class LogSetupError(InputError):
    """The URL, signing key or origin given to the decision log cannot be used."""


class KeyMismatchError(LogSetupError):
    """The signing key or origin is not the one the log was created with."""

    def diagnostics(self) -> str:
        """Say why the key matters and what to do."""
        return (
            f"{self}\n"
            "  Checkpoints of one log must all be signed by the same key under the same\n"
            "  origin, or auditors holding earlier checkpoints cannot check the new ones.\n"
            "  Open the log with the key it was created with."
        )
