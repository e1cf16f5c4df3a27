"""Signed, hash-pinned evidence: in-toto Statements in DSSE envelopes, one file per record.

`record` turns engineering artefacts (JUnit, coverage, SARIF, documents) into signed records in
the project's evidence folder; `read_ledger` verifies them against the project's public key;
`changed_subjects` tells which pinned artefacts changed since (stale evidence).
"""

from techfile.evidence._keys import (
    KeyPair,
    generate_key,
    load_public_key,
    load_signer,
    private_key_path,
    public_key_path,
)
from techfile.evidence._ledger import (
    Ledger,
    Request,
    changed_subjects,
    file_digest,
    read_ledger,
    record,
)
from techfile.evidence._record import (
    PAYLOAD_TYPE,
    STATEMENT_TYPE,
    EvidenceRecord,
    Link,
    Rejected,
    Verified,
    parse_record,
    predicate_type,
    sign_draft,
    verify_record,
)
from techfile.evidence._store import EvidenceStore, FolderStore
from techfile.evidence.collectors.interface import Draft, Outcome, Subject, subject_of
from techfile.evidence.errors import EvidenceError, EvidenceInputError, EvidenceKeyError

__all__ = [
    "PAYLOAD_TYPE",
    "STATEMENT_TYPE",
    "Draft",
    "EvidenceError",
    "EvidenceInputError",
    "EvidenceKeyError",
    "EvidenceRecord",
    "EvidenceStore",
    "FolderStore",
    "KeyPair",
    "Ledger",
    "Link",
    "Outcome",
    "Rejected",
    "Request",
    "Subject",
    "Verified",
    "changed_subjects",
    "file_digest",
    "generate_key",
    "load_public_key",
    "load_signer",
    "parse_record",
    "predicate_type",
    "private_key_path",
    "public_key_path",
    "read_ledger",
    "record",
    "sign_draft",
    "subject_of",
    "verify_record",
]
