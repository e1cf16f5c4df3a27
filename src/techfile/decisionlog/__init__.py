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

Around the log: `read_jsonl` and `append_lines` load records from a JSON Lines file, checked
whole before anything is appended; `check_proof` is the auditor's offline check of a proof
file (`read_proof`); `DecisionLog.stats` counts decisions and oversight; `summarize` and
`evidence_draft` turn the log into evidence for the technical file. Long jobs report progress
to an observer (`Progress`). Their JSON is published (``techfile schema log-...``).
"""

from __future__ import annotations

from techfile.decisionlog import checkpoint, merkle, records, retention, store
from techfile.decisionlog._acks import Ack, Acks, PendingAck, PendingAcks
from techfile.decisionlog._audit import AuditFailed, AuditPassed, AuditResult, Part
from techfile.decisionlog._batcher import Batching
from techfile.decisionlog._evidence import (
    CHECKPOINT_FILE,
    DEFAULT_REQUIREMENTS,
    LogSummary,
    evidence_draft,
    evidence_requirements,
    summarize,
)
from techfile.decisionlog._json import (
    AuditJson,
    ConsistencyProofJson,
    InclusionProofJson,
    ProofCheckJson,
    StatsJson,
    audit_json,
    consistency_json,
    inclusion_json,
    stats_json,
)
from techfile.decisionlog._jsonl import Appended, Line, append_lines, read_jsonl
from techfile.decisionlog._keyfile import key_file
from techfile.decisionlog._offline import (
    ProofCheck,
    ProofFile,
    ProofKind,
    ProofRejected,
    ProofVerified,
    check_json,
    check_proof,
    read_proof,
)
from techfile.decisionlog._progress import Progress, no_progress
from techfile.decisionlog._proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
from techfile.decisionlog._stats import LogStats
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
    "CHECKPOINT_FILE",
    "DEFAULT_REQUIREMENTS",
    "EMPTY_ROOT_HASH",
    "HASH_SIZE",
    "Ack",
    "Acks",
    "Action",
    "AmbiguousKeyError",
    "Appended",
    "AuditFailed",
    "AuditJson",
    "AuditPassed",
    "AuditResult",
    "BackendUnavailableError",
    "Batching",
    "Checkpoint",
    "CheckpointError",
    "ConsistencyProof",
    "ConsistencyProofJson",
    "DecisionLog",
    "DecisionRecord",
    "Entry",
    "Erased",
    "InclusionProof",
    "InclusionProofJson",
    "InconsistentLogError",
    "InvalidProofError",
    "InvalidSignatureError",
    "KeyMismatchError",
    "Kind",
    "LegalMinimum",
    "Line",
    "LogClosedError",
    "LogError",
    "LogSetupError",
    "LogStats",
    "LogStore",
    "LogSummary",
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
    "PendingAcks",
    "Progress",
    "ProofCheck",
    "ProofCheckJson",
    "ProofFile",
    "ProofKind",
    "ProofRejected",
    "ProofVerified",
    "Record",
    "RecordError",
    "RetentionError",
    "RetentionPolicy",
    "RootMismatchError",
    "SignatureError",
    "SignedCheckpoint",
    "SignerKey",
    "StatsJson",
    "StoreConflictError",
    "StoreError",
    "SubtreeHash",
    "Tombstone",
    "TreeRangeError",
    "UnsupportedKeyTypeError",
    "VerificationError",
    "VerifiedCheckpoint",
    "VerifierKey",
    "append_lines",
    "audit_json",
    "check_json",
    "check_proof",
    "checkpoint",
    "consistency_json",
    "consistency_proof",
    "consistency_proof_from",
    "evidence_draft",
    "evidence_requirements",
    "inclusion_json",
    "inclusion_proof",
    "inclusion_proof_from",
    "key_file",
    "leaf_hash",
    "legal_minimum",
    "merkle",
    "no_progress",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "read_jsonl",
    "read_proof",
    "records",
    "retention",
    "root_from",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "stats_json",
    "store",
    "summarize",
    "verify_consistency",
    "verify_inclusion",
]
