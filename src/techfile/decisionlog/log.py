"""The decision log a device embeds: record, sign, prove, erase and audit (AI Act Art 12, 19).

`DecisionLog` ties the pure core (records, Merkle maths, checkpoints) to a `LogStore` passed
in (or opened from a URL). It enforces these rules:

* entries are committed in batches by a background writer (`Batching`), or by the thread
  that waits for them; ``record_*`` returns an `Ack` only once the batch's transaction has
  committed, and a group of records (`submit_many`, `record_many`) stays in order;
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
from typing import Self, TypeAlias

from techfile.decisionlog._acks import Ack, Committed, PendingAck, PendingAcks
from techfile.decisionlog._audit import AuditResult, audit_store
from techfile.decisionlog._batcher import Batcher, Batching
from techfile.decisionlog._ingest import Appender, Group
from techfile.decisionlog._keyfile import signer_for
from techfile.decisionlog._notary import Notary, check_decision, erasable_payload, leaf_at
from techfile.decisionlog._progress import Progress, no_progress
from techfile.decisionlog._proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
from techfile.decisionlog._reads import TreeReader
from techfile.decisionlog._stats import LogStats, log_stats
from techfile.decisionlog._tiles import payload as stored_payload
from techfile.decisionlog.checkpoint import (
    Checkpoint,
    SignerKey,
    VerifierKey,
)
from techfile.decisionlog.errors import (
    KeyMismatchError,
    RetentionError,
    TreeRangeError,
    VerificationError,
)
from techfile.decisionlog.merkle import (
    consistency_proof_from,
)
from techfile.decisionlog.records import (
    DecisionRecord,
    Erased,
    OversightRecord,
    Record,
    Tombstone,
    commitment_leaf,
    commitment_leaves,
    new_salt,
    new_salts,
    parse_leaf,
    parse_record,
    record_json,
    tombstone_leaf,
)
from techfile.decisionlog.retention import RetentionPolicy, legal_minimum
from techfile.decisionlog.store import (
    LogIdentity,
    LogStore,
    open_store,
)

__all__ = ["DecisionLog", "Entry"]

Entry = Record | Tombstone | Erased
"""What one index of the log holds, as `DecisionLog.read` returns it."""

_NewEntry: TypeAlias = tuple[bytes, bytes, bytes]
"""One record's entry before it is logged: its leaf data, its record and its salt."""


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
        self._origin = identity.origin
        self._retention = retention or RetentionPolicy.minimum()
        self._lock = threading.RLock()
        self._appender = Appender(store)
        self._tree = TreeReader(store)
        self._notary = Notary(store, self._tree, key, self._verifier, identity.origin)
        self._writer = Batcher[Group](self._commit, batching or Batching())

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
        return self._writer.submit(Group.one(*self._entry(record, new_salt())))

    def submit_many(self, records: Sequence[Record]) -> PendingAcks:
        """Queue records together, in order; one `PendingAcks` resolves after all commit.

        They take consecutive places in the queue and share batches as `Batching` allows
        (a group larger than a batch is split over several). An oversight record must link
        to a decision already in the log, not to one of its group.

        Raises:
            RecordError: An oversight record links to no decision in the log; nothing of
                the group was queued.
            LogClosedError: The log was closed.
        """
        return self._writer.submit_many(self._entries(records))

    def record_many(self, records: Sequence[Record]) -> Sequence[Ack]:
        """Log records together; return their acknowledgements once all are committed.

        Raises:
            RecordError: An oversight record links to no decision in the log; nothing of
                the group was queued.
            LogError: A batch could not be written (those before it are committed).
        """
        entries = self._entries(records)
        committed = self._writer.commit_now(entries)
        if committed is None:
            return self._writer.submit_many(entries, waited=True).wait()
        return committed.acks(0, len(entries))

    def _entries(self, records: Sequence[Record]) -> Group:
        oversight = [r for r in records if isinstance(r, OversightRecord)]
        if oversight:
            with self._lock:
                for record in oversight:
                    check_decision(self._store, record.decision_index)
        salts = new_salts(len(records))
        datas, leaves = commitment_leaves(records, salts)
        return Group(leaves, datas, salts)  # type: ignore[arg-type]  # lists are invariant

    def _entry(self, record: Record, salt: bytes) -> _NewEntry:
        if isinstance(record, OversightRecord):
            with self._lock:
                check_decision(self._store, record.decision_index)
        data = record_json(record)
        return commitment_leaf(record.kind, data, salt), data, salt

    def record_decision(self, record: DecisionRecord) -> Ack:
        """Log an AI decision; return once it is durably committed (``submit(...).wait()``)."""
        return self._record(self._entry(record, new_salt()))

    def record_oversight(self, record: OversightRecord) -> Ack:
        """Log a clinician's oversight of a logged decision; return once it is committed."""
        return self._record(self._entry(record, new_salt()))

    def _record(self, entry: _NewEntry) -> Ack:
        acked = self._writer.run_now(1, self._commit_one, entry)
        if acked is None:
            return self._writer.submit(Group.one(*entry), waited=True).wait()
        return acked

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
            payload = erasable_payload(self._store, index)
        recorded = parse_record(payload.record).timestamp
        if not self._retention.allows_erasure(recorded, moment):
            minimum = legal_minimum()
            raise RetentionError(
                f"entry {index} is kept until {self._retention.kept_until(recorded)} by a"
                f" retention policy of {self._retention.months} months (at least"
                f" {minimum.months}: {minimum.cite()})"
            )
        tombstone = Tombstone(index, reason, moment)
        return self._writer.submit(Group.one(tombstone_leaf(tombstone), erases=index))

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
            leaf = parse_leaf(leaf_at(self._store, index))
            if isinstance(leaf, Tombstone):
                return leaf
            payload = stored_payload(self._store, index)
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
            return self._notary.sign()

    def checkpoints(self) -> list[SignedCheckpoint]:
        """Return every stored checkpoint, smallest first, each verified with the log's key.

        Raises:
            VerificationError: A stored checkpoint does not verify (run `audit`).
        """
        with self._lock:
            return [self._notary.open(stored) for stored in self._store.checkpoints()]

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
            signed = self._notary.open(stored)
            leaf, hashes = self._tree.inclusion(index, stored.size)
        return InclusionProof(index, leaf, tuple(hashes), signed)

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
            hashes = self._tree.read(lambda node: consistency_proof_from(old_size, new, node))
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

    def _commit(self, pieces: Sequence[Group]) -> Committed:
        """Write one batch in one transaction (the writer thread's commit function)."""
        with self._lock:
            return self._appender.commit(Group.join(pieces))

    def _commit_one(self, entry: _NewEntry) -> Ack:
        """Write one record's entry as its own batch (the calling thread's, `Batcher.run_now`)."""
        with self._lock:
            return self._appender.commit_one(*entry)
