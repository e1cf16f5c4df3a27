"""The auditor's side: checking a proof file offline with the log's verifier key, no database.

A proof file (`InclusionProofJson` or `ConsistencyProofJson`) carries everything needed: the
leaf or the sizes, the proof hashes and the signed checkpoint(s). A check trusts nothing in
the file until the log's key has verified the checkpoint note and the origin is the one
expected; then it recomputes the root from the proof (RFC 9162 §2.1.3.2, §2.1.4.2). An
auditor who kept a checkpoint of their own can require the proof to be about it.

A proof that does not check out is a result, `ProofRejected` (STYLE D4); only a file that is
not a proof file at all raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import Field, TypeAdapter, ValidationError

from techfile.decisionlog._json import ConsistencyProofJson, InclusionProofJson, ProofCheckJson
from techfile.decisionlog._proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
from techfile.decisionlog.checkpoint import Checkpoint, VerifierKey, open_checkpoint
from techfile.decisionlog.errors import CheckpointError, VerificationError
from techfile.decisionlog.merkle import leaf_hash
from techfile.errors import InputError

__all__ = [
    "ProofCheck",
    "ProofFile",
    "ProofKind",
    "ProofRejected",
    "ProofVerified",
    "check_json",
    "check_proof",
    "read_proof",
]

ProofFile = InclusionProofJson | ConsistencyProofJson
"""A proof file, as ``log prove --json`` or ``log consistency --json`` writes it."""

_FILE: Final = TypeAdapter[ProofFile](Annotated[ProofFile, Field(discriminator="schema_")])


class ProofKind(StrEnum):
    """What a proof file proves."""

    INCLUSION = "inclusion"
    """One entry is in the tree a checkpoint signs."""
    CONSISTENCY = "consistency"
    """The tree of one checkpoint is a prefix of the tree of a later one."""


@dataclass(frozen=True, slots=True)
class ProofVerified:
    """The proof checks out against the log's key."""

    kind: ProofKind
    """What was proved."""
    origin: str
    """The log's origin."""
    tree_size: int
    """The size of the (later) checkpoint the proof is for."""
    detail: str
    """What was shown, for a person."""

    @property
    def ok(self) -> Literal[True]:
        """True: the proof holds."""
        return True


@dataclass(frozen=True, slots=True)
class ProofRejected:
    """The proof, or a checkpoint it relies on, does not check out."""

    kind: ProofKind
    """What the file claims to prove."""
    origin: str
    """The origin it was checked against."""
    tree_size: int
    """The tree size the file claims."""
    detail: str
    """Why it was rejected."""

    @property
    def ok(self) -> Literal[False]:
        """False: do not rely on the proof."""
        return False


ProofCheck = ProofVerified | ProofRejected
"""What `check_proof` found."""


class _Rejected(Exception):  # noqa: N818 - an internal signal carrying the reason, never raised out
    pass


def read_proof(data: bytes | str, name: str = "<proof>") -> ProofFile:
    """Read a proof file.

    Raises:
        InputError: The data is not a proof file of a known schema.
    """
    try:
        return _FILE.validate_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(part) for part in first["loc"][1:]) or "schema"
        raise InputError(f"{name}: not a decision-log proof file: {field}: {first['msg']}") from e


def _open(note: str, key: VerifierKey, origin: str, what: str) -> Checkpoint:
    try:
        return open_checkpoint(note, key, origin=origin).checkpoint
    except (VerificationError, CheckpointError) as e:
        raise _Rejected(f"the {what} does not verify: {e}") from e


def _same(ours: Checkpoint, theirs: Checkpoint) -> bool:
    return (ours.size, ours.root_hash) == (theirs.size, theirs.root_hash)


def _inclusion(
    proof: InclusionProofJson, key: VerifierKey, origin: str, trusted: str | None
) -> str:
    tree = _open(proof.checkpoint, key, origin, "proof's checkpoint")
    if tree.size != proof.tree_size:
        raise _Rejected(
            f"the proof claims size {proof.tree_size}, its checkpoint signs {tree.size}"
        )
    if trusted is not None and not _same(tree, _open(trusted, key, origin, "trusted checkpoint")):
        raise _Rejected("the proof is for another tree than the trusted checkpoint")
    leaf = proof.leaf.encode("utf-8")
    if leaf_hash(leaf).hex() != proof.leaf_hash:
        raise _Rejected("leaf_hash is not the hash of the leaf")
    hashes = tuple(bytes.fromhex(value) for value in proof.hashes)
    signed = SignedCheckpoint(tree, proof.checkpoint)
    try:
        InclusionProof(proof.index, leaf, hashes, signed).verify(key, origin=origin)
    except (VerificationError, CheckpointError) as e:
        raise _Rejected(str(e)) from e
    return f"entry {proof.index} is in the tree of {tree.size} entries signed by {key.name}"


def _consistency(
    proof: ConsistencyProofJson, key: VerifierKey, origin: str, trusted: str | None
) -> str:
    old = _open(proof.old_checkpoint, key, origin, "old checkpoint")
    new = _open(proof.new_checkpoint, key, origin, "new checkpoint")
    if trusted is not None:
        kept = _open(trusted, key, origin, "trusted checkpoint")
        if not (_same(kept, old) or _same(kept, new)):
            raise _Rejected("neither checkpoint of the proof is the trusted checkpoint")
    hashes = tuple(bytes.fromhex(value) for value in proof.hashes)
    try:
        ConsistencyProof(proof.old_size, proof.new_size, hashes).verify(old, new)
    except VerificationError as e:
        raise _Rejected(str(e)) from e
    return f"the tree of {old.size} entries is a prefix of the tree of {new.size} entries"


def check_proof(
    proof: ProofFile, key: VerifierKey, *, origin: str | None = None, trusted: str | None = None
) -> ProofCheck:
    """Check a proof file against the log's verifier key, offline.

    Args:
        proof: The proof file.
        key: The log's verifier key.
        origin: The log's origin; by default the key's name.
        trusted: A signed checkpoint the auditor kept; the proof must be about it.

    Returns:
        `ProofVerified`, or `ProofRejected` with the reason.
    """
    expected = origin or key.name
    try:
        if isinstance(proof, InclusionProofJson):
            kind, size = ProofKind.INCLUSION, proof.tree_size
            detail = _inclusion(proof, key, expected, trusted)
        else:
            kind, size = ProofKind.CONSISTENCY, proof.new_size
            detail = _consistency(proof, key, expected, trusted)
    except _Rejected as e:
        return ProofRejected(kind, expected, size, str(e))
    return ProofVerified(kind, expected, size, detail)


def check_json(check: ProofCheck) -> ProofCheckJson:
    """Return the JSON of a proof check."""
    return ProofCheckJson(
        ok=check.ok,
        kind=check.kind.value,
        origin=check.origin,
        tree_size=check.tree_size,
        detail=check.detail,
    )
