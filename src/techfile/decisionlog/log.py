"""The decision log a device embeds: record, sign, prove, erase and audit (AI Act Art 12, 19).

`DecisionLog` ties the pure core (records, Merkle maths, checkpoints) to a `LogStore` passed
in (or opened from a URL). It enforces these rules:

* entries are committed in batches by a background writer (`Batching`); ``record_*``
  returns an `Ack` only once the batch's transaction has committed;
* an oversight record must link to a decision already in the log;
* an erasure (GDPR Art 17) deletes the payload and salt and appends a tombstone in the same
  transaction, and only after the retention period (`RetentionPolicy`) has ended;
* a checkpoint is signed only if the stored tree extends the latest signed one;
* `audit` reports problems as values (STYLE D4); only failures to do the job raise.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from techfile.decisionlog._audit import AuditResult, audit_store
from techfile.decisionlog._batcher import Ack, Batcher, Batching, PendingAck
from techfile.decisionlog._ingest import Appender
from techfile.decisionlog._ingest import Entry as _Entry
from techfile.decisionlog._keyfile import signer_for
from techfile.decisionlog._progress import Progress, no_progress
from techfile.decisionlog._proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
from techfile.decisionlog._reads import UpperNodes, read_nodes
from techfile.decisionlog._stats import LogStats, log_stats
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
    KeyMismatchError,
    RecordError,
    RetentionError,
    TreeRangeError,
    VerificationError,
)
from techfile.decisionlog.merkle import (
    consistency_proof_from,
    inclusion_proof_from,
    root_from,
    verify_consistency,
)
from techfile.decisionlog.records import (
    Commitment,
    DecisionRecord,
    Erased,
    Kind,
    OversightRecord,
    Record,
    Tombstone,
    commitment_leaf,
    new_salt,
    parse_leaf,
    parse_record,
    record_json,
    tombstone_leaf,
)
from techfile.decisionlog.retention import RetentionPolicy, legal_minimum
from techfile.decisionlog.store import (
    LogIdentity,
    LogStore,
    MissingDataError,
    Payload,
    StoredCheckpoint,
    open_store,
)
from techfile.errors import Error

__all__ = ["DecisionLog", "Entry"]

Entry = Record | Tombstone | Erased
"""What one index of the log holds, as `DecisionLog.read` returns it."""


class DecisionLog:
    """An append-only, tamper-evident log of AI decisions and the oversight of them.

    Args:
        store: Where the log is kept.
        key: The log's checkpoint signing key.
        origin: The checkpoint origin; by default the one the store holds, or the key name.
        batching: When the writer commits a batch.
        retention: How long payloads are kept; by default the legal minimum.

    Raises:
        KeyMismatchError: The store belongs to a log with another key or origin.
        StoreError: The store cannot be read or written.
    """

    def __init__(
        self,
        store: LogStore,
        key: SignerKey,
        *,
        origin: str | None = None,
        batching: Batching | None = None,
        retention: RetentionPolicy | None = None,
    ) -> None:
        self._verifier = key.verifier()
        vkey = self._verifier.format()
        identity = store.identify(LogIdentity(origin or key.name, vkey))
        if identity.verifier_key != vkey:
            raise KeyMismatchError(f"this log is signed by {identity.verifier_key}, not {vkey}")
        if origin is not None and identity.origin != origin:
            raise KeyMismatchError(f"this log's origin is {identity.origin!r}, not {origin!r}")
        self._store = store
        self._key = key
        self._opened: tuple[bytes, SignedCheckpoint] | None = None  # the last note verified
        self._origin = identity.origin
        self._retention = retention or RetentionPolicy.minimum()
        self._lock = threading.RLock()
        self._appender = Appender(store)
        self._upper = UpperNodes()  # for proofs only
        self._writer = Batcher[_Entry](self._commit, batching or Batching())

    @classmethod
    def open(
        cls,
        url: str,
        *,
        key: SignerKey | Path | None = None,
        origin: str | None = None,
        batching: Batching | None = None,
        retention: RetentionPolicy | None = None,
    ) -> DecisionLog:
        """Open (or create) the log a URL names.

        Args:
            url: ``sqlite:///PATH`` or ``postgresql://...`` (see `techfile.decisionlog.store`).
            key: The signing key, or its skey file (created if missing). For SQLite it
                defaults to ``PATH.skey`` beside the database; PostgreSQL needs one.
            origin: The checkpoint origin of a new log; by default the key name.
            batching: When the writer commits a batch.
            retention: How long payloads are kept; by default the legal minimum.

        Returns:
            The open log; close it (or use ``with``) to commit what is queued.

        Raises:
            LogSetupError: The URL or key cannot be used.
            KeyMismatchError: The log was created with another key or origin.
            StoreError: The store cannot be opened.
        """
        signer = signer_for(url, key, origin)
        store = open_store(url)
        try:
            return cls(store, signer, origin=origin, batching=batching, retention=retention)
        except BaseException:
            store.close()
            raise

    @property
    def origin(self) -> str:
        """The log's checkpoint origin."""
        return self._origin

    @property
    def verifier(self) -> VerifierKey:
        """The key that verifies the log's checkpoints; give it to auditors."""
        return self._verifier

    @property
    def size(self) -> int:
        """The number of entries committed."""
        with self._lock:
            return self._store.size()

    def submit(self, record: Record) -> PendingAck:
        """Queue a record for the next batch; its `PendingAck` resolves after the commit.

        Raises:
            RecordError: An oversight record links to no decision in the log.
            LogClosedError: The log was closed.
        """
        if isinstance(record, OversightRecord):
            self._check_decision(record.decision_index)
        data = record_json(record)
        salt = new_salt()
        return self._writer.submit(_Entry(commitment_leaf(record.kind, data, salt), data, salt))

    def record_decision(self, record: DecisionRecord) -> Ack:
        """Log an AI decision; return once it is durably committed (``submit(...).wait()``)."""
        return self.submit(record).wait()

    def record_oversight(self, record: OversightRecord) -> Ack:
        """Log a clinician's oversight of a logged decision; return once it is committed."""
        return self.submit(record).wait()

    def submit_erasure(self, index: int, *, reason: str, now: datetime | None = None) -> PendingAck:
        """Queue the erasure of a record's payload and salt (GDPR Art 17) and its tombstone.

        Args:
            index: The entry to erase.
            reason: Why, e.g. the request's reference; logged in the clear, so no personal data.
            now: The time of the erasure; by default the current time.

        Returns:
            The tombstone's pending acknowledgement; payload, salt and tombstone go together.

        Raises:
            RecordError: The index holds no record, or its payload is already erased.
            RetentionError: The record's retention period has not ended.
        """
        moment = now or datetime.now(UTC)
        with self._lock:
            payload = self._payload_of(index)
        recorded = parse_record(payload.record).timestamp
        if not self._retention.allows_erasure(recorded, moment):
            minimum = legal_minimum()
            raise RetentionError(
                f"entry {index} is kept until {self._retention.kept_until(recorded)} by a"
                f" retention policy of {self._retention.months} months (at least"
                f" {minimum.months}: {minimum.cite()})"
            )
        tombstone = Tombstone(index, reason, moment)
        return self._writer.submit(_Entry(tombstone_leaf(tombstone), erases=index))

    def erase(self, index: int, *, reason: str, now: datetime | None = None) -> Ack:
        """Erase a record's payload and salt and wait for its tombstone (`submit_erasure`)."""
        return self.submit_erasure(index, reason=reason, now=now).wait()

    def flush(self) -> None:
        """Commit everything submitted so far, and wait for it."""
        self._writer.flush()

    def read(self, index: int) -> Entry:
        """Read one entry: its record, its tombstone, or `Erased` if its payload is gone.

        Raises:
            TreeRangeError: No entry has this index.
            VerificationError: The payload does not match its commitment (run `audit`).
        """
        with self._lock:
            leaf = parse_leaf(self._leaf(index))
            if isinstance(leaf, Tombstone):
                return leaf
            payload = self._store.payload(index)
        if payload is None:
            return Erased(index, leaf.kind)
        if hashlib.sha256(payload.salt + payload.record).hexdigest() != leaf.record_digest:
            raise VerificationError(f"payload {index} does not match its commitment")
        return parse_record(payload.record)

    def checkpoint(self) -> SignedCheckpoint:
        """Commit what is queued, then sign and store a checkpoint of the whole log.

        Raises:
            InconsistentLogError: The stored tree does not extend the latest checkpoint.
        """
        self.flush()
        with self._lock:
            size = self._store.size()
            latest = self._store.latest_checkpoint()
            if latest is not None and latest.size > size:  # another writer went ahead
                size = self._store.size()
            root = read_nodes(self._store, lambda node: root_from(size, node))
            if latest is not None:
                previous = self._extends(latest, size, root)
                if previous.checkpoint.size == size:
                    return previous
            checkpoint = Checkpoint(self._origin, size, root)
            note = sign_checkpoint(checkpoint, self._key)
            self._store.add_checkpoint(size, note.encode())
        return SignedCheckpoint(checkpoint, note)

    def checkpoints(self) -> list[SignedCheckpoint]:
        """Return every stored checkpoint, smallest first, each verified with the log's key.

        Raises:
            VerificationError: A stored checkpoint does not verify (run `audit`).
        """
        with self._lock:
            return [self._open(stored) for stored in self._store.checkpoints()]

    def prove(self, index: int) -> InclusionProof:
        """Prove that an entry is in the tree of the latest checkpoint (O(log n) reads).

        Raises:
            TreeRangeError: The entry is not yet covered by a checkpoint.
            VerificationError: The latest stored checkpoint does not verify.
        """
        with self._lock:
            stored = self._store.latest_checkpoint()
            if stored is None or not 0 <= index < stored.size:
                covered = 0 if stored is None else stored.size
                raise TreeRangeError(
                    f"entry {index} is not covered by a checkpoint ({covered} entries are);"
                    " call checkpoint() first"
                )
            signed = self._open(stored)
            size = stored.size
            self._upper.fit(size)
            hashes = read_nodes(
                self._store, lambda node: inclusion_proof_from(index, size, node), self._upper
            )
            return InclusionProof(index, self._leaf(index), tuple(hashes), signed)

    def consistency(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """Prove that the log of ``old_size`` entries is a prefix of the log of ``new_size``.

        Args:
            old_size: The earlier size, at least 1.
            new_size: The later size; by default that of the latest checkpoint.

        Raises:
            TreeRangeError: A size is out of range or no checkpoint exists.
        """
        with self._lock:
            if new_size is None:
                latest = self._store.latest_checkpoint()
                if latest is None:
                    raise TreeRangeError("the log has no checkpoint yet; call checkpoint() first")
                new_size = latest.size
            if new_size > self._store.size():
                raise TreeRangeError(f"the log holds fewer than {new_size} entries")
            new = new_size
            self._upper.fit(new)
            hashes = read_nodes(
                self._store, lambda node: consistency_proof_from(old_size, new, node), self._upper
            )
        return ConsistencyProof(old_size, new_size, tuple(hashes))

    def audit(
        self, *, trusted: Iterable[Checkpoint] = (), progress: Progress = no_progress
    ) -> AuditResult:
        """Recompute every root from the stored leaves and compare it with every checkpoint.

        Args:
            trusted: Earlier checkpoints of this log that an auditor verified and kept; a
                rewritten history no longer hashes to their roots.
            progress: Told ``(leaves audited, size)`` as the audit goes.

        Returns:
            `AuditPassed`, or `AuditFailed` naming the first bad index.

        Raises:
            StoreError: The store cannot be read.
        """
        with self._lock:
            return audit_store(self._store, self.verifier, self._origin, trusted, progress)

    def stats(self, *, progress: Progress = no_progress) -> LogStats:
        """Count entries, decisions, oversight by action and erasures (see `LogStats`).

        Raises:
            StoreError: The store cannot be read.
        """
        with self._lock:
            return log_stats(self._store, progress)

    def close(self) -> None:
        """Commit what is queued, stop the writer and close the store."""
        self._writer.close()
        with self._lock:
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _leaf(self, index: int) -> bytes:
        if index < 0:
            raise TreeRangeError(f"no entry has the negative index {index}")
        found = self._store.leaves(index, index + 1)
        if not found:
            raise TreeRangeError(f"no entry {index}: the log holds {self._store.size()}")
        return found[0][1]

    def _check_decision(self, index: int) -> None:
        with self._lock:
            try:
                leaf = parse_leaf(self._leaf(index))
            except TreeRangeError as e:
                raise RecordError(f"oversight links to entry {index}, not in the log") from e
        if not isinstance(leaf, Commitment) or leaf.kind is not Kind.DECISION:
            raise RecordError(f"oversight links to entry {index}, which is not a decision")

    def _payload_of(self, index: int) -> Payload:
        if not isinstance(parse_leaf(self._leaf(index)), Commitment):
            raise RecordError(f"entry {index} is a tombstone; only records can be erased")
        payload = self._store.payload(index)
        if payload is None:
            raise RecordError(f"the payload of entry {index} is already erased")
        return payload

    def _open(self, stored: StoredCheckpoint) -> SignedCheckpoint:
        # Proofs against one checkpoint verify the same note over and over: the same bytes
        # under the same key verify the same way, so the last result is kept.
        if self._opened is not None and self._opened[0] == stored.note:
            return self._opened[1]
        verified = open_checkpoint(stored.note, self.verifier, origin=self._origin)
        signed = SignedCheckpoint(verified.checkpoint, stored.note.decode())
        self._opened = (stored.note, signed)
        return signed

    def _extends(self, latest: StoredCheckpoint, size: int, root: bytes) -> SignedCheckpoint:
        """Check that the tree of ``size`` with ``root`` extends the latest checkpoint."""
        try:
            previous = self._open(latest)
            old = previous.checkpoint
            if old.size > size:
                raise InconsistentLogError(f"a checkpoint signs {old.size} entries, {size} stored")
            if old.size > 0:
                proof = read_nodes(
                    self._store, lambda node: consistency_proof_from(old.size, size, node)
                )
                verify_consistency(old.size, size, old.root_hash, root, proof)
        except (VerificationError, CheckpointError, MissingDataError) as e:
            raise InconsistentLogError(f"the log no longer extends its checkpoint: {e}") from e
        return previous

    def _commit(self, entries: Sequence[_Entry]) -> list[Ack | Error]:
        """Write one batch in one transaction (the writer thread's commit function)."""
        with self._lock:
            return self._appender.commit(entries)
