"""Group-commit of log entries: a background writer that commits every N entries or T ms.

This module owns the batching rules of the decision log:

* entries are committed in submission order, at most ``max_entries`` per batch;
* a batch is committed as soon as it is full, when its oldest entry has waited
  ``max_delay_ms``, on `flush`, or on `close`;
* an entry's `PendingAck` resolves only after the batch's transaction has committed (or
  failed), so an acknowledgement always means "durably stored".

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

    __slots__ = ("_ack", "_done", "_error")

    def __init__(self) -> None:
        self._done = threading.Event()
        self._ack: Ack | None = None
        self._error: BaseException | None = None

    def _resolve(self, ack: Ack | None, error: BaseException | None) -> None:
        self._ack, self._error = ack, error
        self._done.set()

    def done(self) -> bool:
        """Say whether the entry's batch has committed or failed."""
        return self._done.is_set()

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
        if not self._done.wait(timeout):
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
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="decisionlog-writer", daemon=True)
        self._thread.start()

    def submit(self, entry: _T) -> PendingAck:
        """Queue an entry for the next batch.

        Raises:
            LogClosedError: The writer was closed or has stopped.
        """
        pending = PendingAck()
        with self._cond:
            if self._closed or self._failure is not None:
                raise LogClosedError("the decision log is closed; it accepts no more entries")
            self._queue.append((entry, pending, time.monotonic()))
            self._submitted += 1
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

    def _next_batch(self) -> list[tuple[_T, PendingAck, float]] | None:
        with self._cond:
            while not self._due():
                if self._closed and not self._queue:
                    return None
                timeout = None
                if self._queue:
                    waited = time.monotonic() - self._queue[0][2]
                    timeout = max(0.0, self._policy.max_delay_ms / _MS - waited)
                self._cond.wait(timeout)
            batch = self._queue[: self._policy.max_entries]
            del self._queue[: self._policy.max_entries]
            return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                results = self._commit([entry for entry, _, _ in batch])
            except LogError as e:
                results = [e] * len(batch)
            except BaseException as e:
                # A bug, not a store failure: fail every waiter rather than leave it hanging.
                with self._cond:
                    self._failure = e
                    failed = batch + self._queue
                    self._queue.clear()
                    self._cond.notify_all()
                for _, pending, _ in failed:
                    pending._resolve(None, e)  # noqa: SLF001 - PendingAck is ours
                raise
            for (_, pending, _), result in zip(batch, results, strict=True):
                if isinstance(result, Ack):
                    pending._resolve(result, None)  # noqa: SLF001 - PendingAck is ours
                else:
                    pending._resolve(None, result)  # noqa: SLF001 - PendingAck is ours
            with self._cond:
                self._finished += len(batch)
                self._cond.notify_all()
