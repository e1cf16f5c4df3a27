"""What the decision log hands to an auditor: signed checkpoints and the proofs against them.

Each value carries everything needed to check it offline with the log's verifier key and
origin: an inclusion proof carries its leaf and the signed checkpoint it leads to, and a
consistency proof is checked against two checkpoints the auditor already trusts. Checks raise
`VerificationError` subclasses, as the pure core does.
"""

from __future__ import annotations

from dataclasses import dataclass

from techfile.decisionlog.checkpoint import (
    Checkpoint,
    VerifiedCheckpoint,
    VerifierKey,
    open_checkpoint,
)
from techfile.decisionlog.errors import InvalidProofError
from techfile.decisionlog.merkle import leaf_hash, verify_consistency, verify_inclusion

__all__ = ["ConsistencyProof", "InclusionProof", "SignedCheckpoint"]


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint of the log and its signed note."""

    checkpoint: Checkpoint
    """The origin, tree size and root hash."""
    note: str
    """The signed note (c2sp.org/tlog-checkpoint), as stored and as auditors receive it."""


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Proof that one leaf is in the tree a signed checkpoint commits to."""

    index: int
    """The leaf's index in the log."""
    leaf: bytes
    """The leaf data: a record's salted commitment or a tombstone."""
    hashes: tuple[bytes, ...]
    """The audit path, the leaf's sibling first (RFC 9162 §2.1.3.1)."""
    checkpoint: SignedCheckpoint
    """The checkpoint the proof leads to."""

    def verify(self, log_key: VerifierKey, *, origin: str) -> VerifiedCheckpoint:
        """Check the checkpoint's signature and the leaf's path to its root.

        Args:
            log_key: The log's verifier key.
            origin: The log's origin.

        Returns:
            The verified checkpoint.

        Raises:
            VerificationError: The signature, origin or proof does not check out.
            CheckpointError: The note is not a well-formed checkpoint.
        """
        verified = open_checkpoint(self.checkpoint.note, log_key, origin=origin)
        tree = verified.checkpoint
        verify_inclusion(leaf_hash(self.leaf), self.index, tree.size, self.hashes, tree.root_hash)
        return verified


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """Proof that the tree of ``old_size`` leaves is a prefix of the tree of ``new_size``."""

    old_size: int
    """Size of the earlier tree."""
    new_size: int
    """Size of the later tree."""
    hashes: tuple[bytes, ...]
    """The proof, in RFC 9162 §2.1.4.1 ``SUBPROOF`` order."""

    def verify(self, old: Checkpoint, new: Checkpoint) -> None:
        """Check that ``new`` extends ``old``, both checkpoints being already trusted.

        Raises:
            InvalidProofError: The checkpoints' sizes are not the proof's, or it is malformed.
            RootMismatchError: The history was rewritten between the two checkpoints.
        """
        if (old.size, new.size) != (self.old_size, self.new_size):
            raise InvalidProofError(
                f"proof is from size {self.old_size} to {self.new_size}, "
                f"checkpoints are of sizes {old.size} and {new.size}"
            )
        verify_consistency(old.size, new.size, old.root_hash, new.root_hash, self.hashes)
