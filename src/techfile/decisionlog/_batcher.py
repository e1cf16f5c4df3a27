"""Group-commit of log entries: a background writer that commits every N entries or T ms.

This module owns the batching rules of the decision log:

* entries are committed in submission order, at most ``max_entries`` per batch;
* a batch is committed as soon as it is full, when its oldest entry has waited
  ``max_delay_ms``, on `flush`, or on `close`;
* an entry's `PendingAck` resolves only after the batch's transaction has committed (or
  failed), so an acknowledgement always means "durably stored";
* one batch is committed at a time. Usually the background writer commits it; a thread that
  waits without a timeout for an entry whose batch is already due commits that batch itself,
  rather than sleep until the writer wakes (a thread switch costs about as much as a small
  commit). Either way the batches are the same, taken from the head of the queue in order.

It does no IO itself: the log passes in the function that writes one batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from techfile.decisionlog.errors import LogClosedError, LogError, LogSetupError
from techfile.errors import Error

__all__ = ["Ack", "Batcher", "Batching", "PendingAck"]

_T = TypeVar("_T")
_MS: Final = 1000.0


@dataclass(frozen=True, slots=True)
class Batching:
    """When the writer commits a batch: every ``max_entries`` entries or ``max_delay_ms``."""

    max_entries: int = 256
    """Most entries in one batch (one transaction)."""
    max_delay_ms: float = 50.0
    """Longest time an entry waits for its batch to fill before it is committed anyway."""

    def __post_init__(self) -> None:
        if self.max_entries < 1:
            raise LogSetupError(f"max_entries must be at least 1, got {self.max_entries}")
        if not self.max_delay_ms >= 0:
            raise LogSetupError(f"max_delay_ms must not be negative, got {self.max_delay_ms}")


@dataclass(frozen=True, slots=True)
class Ack:
    """The acknowledgement of one entry: it is in the log, durably."""

    index: int
    """The entry's index in the log."""
    leaf_hash: bytes
    """The RFC 9162 hash of the entry's leaf."""


class PendingAck:
    """An entry submitted to the writer; `wait` returns its `Ack` once its batch commits."""

    __slots__ = ("_ack", "_cond", "_done", "_error", "_help")

    def __init__(
        self, cond: threading.Condition, help_commit: Callable[[PendingAck], None] | None = None
    ) -> None:
        # One condition per writer, notified after each batch, rather than an Event per entry:
        # a batch of thousands of entries then costs one notification, not thousands.
        self._cond = cond
        self._done = False
        self._ack: Ack | None = None
        self._error: BaseException | None = None
        self._help = help_commit

    def _resolve(self, ack: Ack | None, error: BaseException | None) -> None:
        """Set the outcome; the caller then notifies the condition."""
        self._ack, self._error = ack, error
        self._done = True

    def done(self) -> bool:
        """Say whether the entry's batch has committed or failed."""
        return self._done

    def wait(self, timeout: float | None = None) -> Ack:
        """Wait for the entry's batch to commit.

        Args:
            timeout: Seconds to wait at most; None waits as long as it takes.

        Returns:
            The acknowledgement.

        Raises:
            TimeoutError: The batch has not committed within ``timeout``.
            RecordError: The entry was refused (e.g. a payload already erased).
            LogError: The batch could not be written.
        """
        if timeout is None and self._help is not None and not self._done:
            self._help(self)
        if not self._done:
            with self._cond:
                if not self._cond.wait_for(self.done, timeout):
                    raise TimeoutError(f"entry not committed within {timeout} s")
        if self._error is not None:
            if isinstance(self._error, Error):
                raise self._error
            raise LogError(f"the log writer failed: {self._error!r}") from self._error
        assert self._ack is not None  # noqa: S101 - set together with _done
        return self._ack


Commit = Callable[[Sequence[_T]], Sequence[Ack | Error]]
"""Write one batch; return, per entry, its acknowledgement or why it was refused."""


class Batcher(Generic[_T]):
    """A background thread that commits submitted entries in batches."""

    def __init__(self, commit: Commit[_T], policy: Batching) -> None:
        self._commit = commit
        self._policy = policy
        self._cond = threading.Condition()
        self._queue: list[tuple[_T, PendingAck, float]] = []
        self._submitted = 0
        self._finished = 0
        self._flush_upto = 0
        self._closed = False
        self._committing = False  # a batch is being committed, by the writer or a waiter
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="decisionlog-writer", daemon=True)
        self._thread.start()

    def submit(self, entry: _T) -> PendingAck:
        """Queue an entry for the next batch.

        Raises:
            LogClosedError: The writer was closed or has stopped.
        """
        pending = PendingAck(self._cond, self._help_commit)
        with self._cond:
            if self._closed or self._failure is not None:
                raise LogClosedError("the decision log is closed; it accepts no more entries")
            self._queue.append((entry, pending, time.monotonic()))
            self._submitted += 1
            # Wake the writer only when its plan changes: an empty queue got its first entry
            # (start the delay), or a batch is full. Waking it per entry costs more than the
            # entry's share of the commit.
            if len(self._queue) in {1, self._policy.max_entries}:
                self._cond.notify_all()
        return pending

    def flush(self) -> None:
        """Commit everything submitted so far and wait until it has committed or failed."""
        with self._cond:
            target = self._submitted
            self._flush_upto = max(self._flush_upto, target)
            self._cond.notify_all()
            while self._finished < target and self._failure is None:
                self._cond.wait()

    def close(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()

    def _due(self) -> bool:
        """Say whether the head of the queue must be committed now (caller holds the lock)."""
        if not self._queue:
            return False
        if len(self._queue) >= self._policy.max_entries or self._closed:
            return True
        if self._finished < self._flush_upto:
            return True
        return time.monotonic() - self._queue[0][2] >= self._policy.max_delay_ms / _MS

    def _take(self) -> list[tuple[_T, PendingAck, float]]:
        """Take the head batch for this thread to commit (caller holds the lock)."""
        self._committing = True
        batch = self._queue[: self._policy.max_entries]
        del self._queue[: self._policy.max_entries]
        return batch

    def _next_batch(self) -> list[tuple[_T, PendingAck, float]] | None:
        with self._cond:
            while self._committing or not self._due():
                if self._failure is not None or (
                    self._closed and not self._queue and not self._committing
                ):
                    return None
                timeout = None
                if self._queue and not self._committing:
                    waited = time.monotonic() - self._queue[0][2]
                    timeout = max(0.0, self._policy.max_delay_ms / _MS - waited)
                self._cond.wait(timeout)
            return self._take()

    def _help_commit(self, pending: PendingAck) -> None:
        """Commit due batches in the waiting thread until ``pending``'s batch is committed.

        Raises:
            LogError: The commit function failed with a bug; the writer has stopped.
        """
        while not pending.done():
            with self._cond:
                if self._committing or self._failure is not None or not self._due():
                    return
                batch = self._take()
            try:
                self._commit_batch(batch)
            except Exception as e:  # a bug: every waiter already failed with it
                raise LogError(f"the log writer failed: {e!r}") from e

    def _commit_batch(self, batch: list[tuple[_T, PendingAck, float]]) -> None:
        """Commit one taken batch and resolve its entries, in the calling thread."""
        try:
            results = self._commit([entry for entry, _, _ in batch])
        except LogError as e:
            results = [e] * len(batch)
        except BaseException as e:
            # A bug, not a store failure: fail every waiter rather than leave it hanging.
            with self._cond:
                self._failure = e
                self._committing = False
                for _, pending, _ in batch + self._queue:
                    pending._resolve(None, e)  # noqa: SLF001 - PendingAck is ours
                self._queue.clear()
                self._cond.notify_all()
            raise
        for (_, pending, _), result in zip(batch, results, strict=True):
            if isinstance(result, Ack):
                pending._resolve(result, None)  # noqa: SLF001 - PendingAck is ours
            else:
                pending._resolve(None, result)  # noqa: SLF001 - PendingAck is ours
        with self._cond:
            self._committing = False
            self._finished += len(batch)
            self._cond.notify_all()

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._commit_batch(batch)
