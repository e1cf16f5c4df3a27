"""The tamper-evident decision log: an append-only Merkle log with signed checkpoints.

A device opens a `DecisionLog` (``DecisionLog.open("sqlite:///decisions.db")`` or a
``postgresql://`` URL), records each `DecisionRecord` and `OversightRecord`, signs
checkpoints, proves entries to auditors and audits the whole log; see
`techfile.decisionlog.log`. Records are kept as salted commitments, so an erasure under
GDPR Art 17 leaves every proof valid (`techfile.decisionlog.records`).

This package's pure core hashes entries into an RFC 9162 Merkle tree, produces and verifies
inclusion and consistency proofs (`techfile.decisionlog.merkle`), and signs and verifies
c2sp.org checkpoints with Ed25519 note keys (`techfile.decisionlog.checkpoint`). Every
verification failure raises a subclass of `VerificationError`; malformed notes, checkpoints
and keys raise a subclass of `CheckpointError` (see `techfile.decisionlog.errors`).
"""

from __future__ import annotations

from techfile.decisionlog import checkpoint, merkle, records, retention, store
from techfile.decisionlog._audit import AuditFailed, AuditPassed, AuditResult, Part
from techfile.decisionlog._batcher import Ack, Batching, PendingAck
from techfile.decisionlog._proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
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
    InconsistentLogError,
    InvalidProofError,
    InvalidSignatureError,
    KeyMismatchError,
    LogClosedError,
    LogError,
    LogSetupError,
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedNoteError,
    MissingSignatureError,
    OriginMismatchError,
    RecordError,
    RetentionError,
    RootMismatchError,
    SignatureError,
    TreeRangeError,
    UnsupportedKeyTypeError,
    VerificationError,
)
from techfile.decisionlog.log import DecisionLog, Entry
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
from techfile.decisionlog.records import (
    Action,
    DecisionRecord,
    Erased,
    Kind,
    OversightRecord,
    Record,
    Tombstone,
)
from techfile.decisionlog.retention import LegalMinimum, RetentionPolicy, legal_minimum
from techfile.decisionlog.store import (
    BackendUnavailableError,
    LogStore,
    StoreConflictError,
    StoreError,
)

__all__ = [
    "EMPTY_ROOT_HASH",
    "HASH_SIZE",
    "Ack",
    "Action",
    "AmbiguousKeyError",
    "AuditFailed",
    "AuditPassed",
    "AuditResult",
    "BackendUnavailableError",
    "Batching",
    "Checkpoint",
    "CheckpointError",
    "ConsistencyProof",
    "DecisionLog",
    "DecisionRecord",
    "Entry",
    "Erased",
    "InclusionProof",
    "InconsistentLogError",
    "InvalidProofError",
    "InvalidSignatureError",
    "KeyMismatchError",
    "Kind",
    "LegalMinimum",
    "LogClosedError",
    "LogError",
    "LogSetupError",
    "LogStore",
    "MalformedCheckpointError",
    "MalformedKeyError",
    "MalformedNoteError",
    "MissingSignatureError",
    "Note",
    "NoteSignature",
    "OpenedNote",
    "OriginMismatchError",
    "OversightRecord",
    "Part",
    "PendingAck",
    "Record",
    "RecordError",
    "RetentionError",
    "RetentionPolicy",
    "RootMismatchError",
    "SignatureError",
    "SignedCheckpoint",
    "SignerKey",
    "StoreConflictError",
    "StoreError",
    "SubtreeHash",
    "Tombstone",
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
    "legal_minimum",
    "merkle",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "records",
    "retention",
    "root_from",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "store",
    "verify_consistency",
    "verify_inclusion",
]
