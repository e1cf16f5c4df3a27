"""The tamper-evident decision log: an append-only Merkle log with signed checkpoints.

This package's pure core hashes entries into an RFC 9162 Merkle tree, produces and verifies
inclusion and consistency proofs (`techfile.decisionlog.merkle`), and signs and verifies
c2sp.org checkpoints with Ed25519 note keys (`techfile.decisionlog.checkpoint`). Every
verification failure raises a subclass of `VerificationError`; malformed notes, checkpoints
and keys raise a subclass of `CheckpointError` (see `techfile.decisionlog.errors`).
"""

from __future__ import annotations

from techfile.decisionlog import checkpoint, merkle
from techfile.decisionlog.checkpoint import (
    Checkpoint,
    Note,
    NoteSignature,
    OpenedNote,
    SignerKey,
    VerifiedCheckpoint,
    VerifierKey,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)
from techfile.decisionlog.errors import (
    AmbiguousKeyError,
    CheckpointError,
    InvalidProofError,
    InvalidSignatureError,
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedNoteError,
    MissingSignatureError,
    OriginMismatchError,
    RootMismatchError,
    SignatureError,
    TreeRangeError,
    UnsupportedKeyTypeError,
    VerificationError,
)
from techfile.decisionlog.merkle import (
    EMPTY_ROOT_HASH,
    HASH_SIZE,
    SubtreeHash,
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

__all__ = [
    "EMPTY_ROOT_HASH",
    "HASH_SIZE",
    "AmbiguousKeyError",
    "Checkpoint",
    "CheckpointError",
    "InvalidProofError",
    "InvalidSignatureError",
    "MalformedCheckpointError",
    "MalformedKeyError",
    "MalformedNoteError",
    "MissingSignatureError",
    "Note",
    "NoteSignature",
    "OpenedNote",
    "OriginMismatchError",
    "RootMismatchError",
    "SignatureError",
    "SignerKey",
    "SubtreeHash",
    "TreeRangeError",
    "UnsupportedKeyTypeError",
    "VerificationError",
    "VerifiedCheckpoint",
    "VerifierKey",
    "checkpoint",
    "consistency_proof",
    "consistency_proof_from",
    "inclusion_proof",
    "inclusion_proof_from",
    "leaf_hash",
    "merkle",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "root_from",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
]
