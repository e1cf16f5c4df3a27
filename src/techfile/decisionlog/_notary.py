"""The log's checkpoints: signing one over the stored tree, and opening the stored notes.

This module owns the rules the log keeps about checkpoints (with the store and tree reader
passed in; the caller holds the log's lock):

* a checkpoint is signed only if the stored tree extends the latest signed one (a
  consistency proof from its size, read from the store, not from memory), and a second
  checkpoint of an unchanged size is the first one again;
* every stored note is opened with the log's key and origin before it is handed out; the
  last note opened is kept, as proofs open the same note again and again.

It also reads single entries for the log's checks (an oversight's decision, an erasure's
payload).
"""

from __future__ import annotations

from techfile.decisionlog._proofs import SignedCheckpoint
from techfile.decisionlog._reads import TreeReader
from techfile.decisionlog._tiles import leaves, payload
from techfile.decisionlog.checkpoint import (
    Checkpoint,
    SignerKey,
    VerifierKey,
    open_checkpoint,
    sign_checkpoint,
)
from techfile.decisionlog.errors import (
    CheckpointError,
    InconsistentLogError,
    RecordError,
    TreeRangeError,
    VerificationError,
)
from techfile.decisionlog.merkle import consistency_proof_from, root_from, verify_consistency
from techfile.decisionlog.records import Commitment, Kind, parse_leaf
from techfile.decisionlog.store import LogStore, MissingDataError, Payload, StoredCheckpoint

__all__ = ["Notary", "check_decision", "erasable_payload", "leaf_at"]


class Notary:
    """Signs and opens the checkpoints of one log."""

    def __init__(
        self, store: LogStore, tree: TreeReader, key: SignerKey, verifier: VerifierKey, origin: str
    ) -> None:
        self._store = store
        self._tree = tree
        self._key = key
        self._verifier = verifier
        self._origin = origin
        self._opened: tuple[bytes, SignedCheckpoint] | None = None  # the last note opened

    def open(self, stored: StoredCheckpoint) -> SignedCheckpoint:
        """Verify a stored checkpoint with the log's key and origin.

        Raises:
            VerificationError: The signature or origin does not check out.
            CheckpointError: The note is not a well-formed checkpoint.
        """
        # The same bytes under the same key verify the same way, so the last result is kept.
        if self._opened is not None and self._opened[0] == stored.note:
            return self._opened[1]
        verified = open_checkpoint(stored.note, self._verifier, origin=self._origin)
        signed = SignedCheckpoint(verified.checkpoint, stored.note.decode())
        self._opened = (stored.note, signed)
        return signed

    def sign(self) -> SignedCheckpoint:
        """Sign and store a checkpoint of the whole stored tree (or return the latest one).

        Raises:
            InconsistentLogError: The stored tree does not extend the latest checkpoint.
        """
        size = self._store.size()
        latest = self._store.latest_checkpoint()
        if latest is not None and latest.size > size:  # another writer went ahead
            size = self._store.size()
        root = self._tree.read(lambda node: root_from(size, node), cached=False)
        if latest is not None:
            previous = self._extends(latest, size, root)
            if previous.checkpoint.size == size:
                return previous
        checkpoint = Checkpoint(self._origin, size, root)
        note = sign_checkpoint(checkpoint, self._key)
        self._store.add_checkpoint(size, note.encode())
        return SignedCheckpoint(checkpoint, note)

    def _extends(self, latest: StoredCheckpoint, size: int, root: bytes) -> SignedCheckpoint:
        """Check that the tree of ``size`` with ``root`` extends the latest checkpoint."""
        try:
            previous = self.open(latest)
            old = previous.checkpoint
            if old.size > size:
                raise InconsistentLogError(f"a checkpoint signs {old.size} entries, {size} stored")
            if old.size > 0:
                proof = self._tree.read(
                    lambda node: consistency_proof_from(old.size, size, node), cached=False
                )
                verify_consistency(old.size, size, old.root_hash, root, proof)
        except (VerificationError, CheckpointError, MissingDataError) as e:
            raise InconsistentLogError(f"the log no longer extends its checkpoint: {e}") from e
        return previous


def leaf_at(store: LogStore, index: int) -> bytes:
    """Return the leaf data at ``index``.

    Raises:
        TreeRangeError: No entry has this index.
    """
    if index < 0:
        raise TreeRangeError(f"no entry has the negative index {index}")
    found = leaves(store, index, index + 1)
    if not found:
        raise TreeRangeError(f"no entry {index}: the log holds {store.size()}")
    return found[0][1]


def check_decision(store: LogStore, index: int) -> None:
    """Check that an oversight record's link names a decision in the log.

    Raises:
        RecordError: It names no entry, or one that is not a decision.
    """
    try:
        leaf = parse_leaf(leaf_at(store, index))
    except TreeRangeError as e:
        raise RecordError(f"oversight links to entry {index}, not in the log") from e
    if not isinstance(leaf, Commitment) or leaf.kind is not Kind.DECISION:
        raise RecordError(f"oversight links to entry {index}, which is not a decision")


def erasable_payload(store: LogStore, index: int) -> Payload:
    """Return the payload an erasure of ``index`` would delete.

    Raises:
        TreeRangeError: No entry has this index.
        RecordError: The entry is a tombstone, or its payload is already erased.
    """
    if not isinstance(parse_leaf(leaf_at(store, index)), Commitment):
        raise RecordError(f"entry {index} is a tombstone; only records can be erased")
    found = payload(store, index)
    if found is None:
        raise RecordError(f"the payload of entry {index} is already erased")
    return found
