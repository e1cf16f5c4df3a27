"""Group-commit of log entries: a background writer that commits every N entries or T ms.

This module owns the batching rules of the decision log:

* entries are committed in submission order, at most ``max_entries`` per batch; a group
  submitted together (`Batcher.submit_many`) stays together in the queue and is split only
  where a batch is full;
* a batch is committed as soon as it is full, when its oldest entry has waited
  ``max_delay_ms``, on `flush`, or on `close`;
* an entry's acknowledgement (`techfile.decisionlog._acks`) resolves only after the batch's
  transaction has committed (or failed), so an acknowledgement always means "durably stored";
* one batch is committed at a time. Usually the background writer commits it; a thread that
  waits without a timeout for an entry whose batch is already due commits that batch itself,
  rather than sleep until the writer wakes (a thread switch costs about as much as a small
  commit). An entry submitted by a thread that will wait for it (``waited=True``) does not
  wake the writer at all. Either way the batches are the same, taken from the head of the
  queue in order;
* entries that make a due batch on their own, with nothing queued before them, are committed
  at once by the thread that brings them (`Batcher.commit_now`): the queue would commit that
  very batch next, so they skip it and its bookkeeping.

It does no IO itself: the log passes in the function that writes one batch.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, Protocol, Self, TypeVar

from techfile.decisionlog._acks import Committed, Pending, PendingAck, PendingAcks, Result
from techfile.decisionlog.errors import LogClosedError, LogError, LogSetupError

__all__ = ["Batcher", "Batching", "Commit"]


class Piece(Protocol):
    """Entries submitted together, as the log holds them: counted and cut by slicing."""

    def __len__(self) -> int:
        """Return the number of entries."""
        ...

    def __getitem__(self, part: slice, /) -> Self:
        """Return the entries of a slice."""
        ...


_T = TypeVar("_T", bound=Piece)
_A = TypeVar("_A")
_R = TypeVar("_R")
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


Commit = Callable[[Sequence[_T]], Committed]
"""Write one batch, given as the pieces it was taken from in order; return how it ended per
entry (`Committed`), or raise `LogError`."""


class _Chunk(Generic[_T]):
    """Entries submitted together, the first ``start`` of them already taken into batches."""

    __slots__ = ("entries", "pending", "since", "start")

    def __init__(self, entries: _T, pending: Pending, since: float) -> None:
        self.entries = entries
        self.pending = pending
        self.since = since
        self.start = 0


@dataclass(slots=True)
class _Taken(Generic[_T]):
    """One batch taken from the head of the queue: its pieces of entries and whose they are."""

    entries: list[_T]
    count: int
    parts: list[tuple[Pending, int, int]]  # (pending, its first slot taken, count)


class Batcher(Generic[_T]):
    """A background thread that commits submitted entries in batches."""

    def __init__(self, commit: Commit[_T], policy: Batching) -> None:
        self._commit = commit
        self._policy = policy
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the writer thread waits here
        self._settled = threading.Condition(self._lock)  # threads awaiting commits wait here
        self._queue: deque[_Chunk[_T]] = deque()
        self._queued = 0
        self._submitted = 0
        self._finished = 0
        self._flush_upto = 0
        self._closed = False
        self._committing = False  # a batch is being committed, by the writer or a waiter
        self._sleepers = 0  # threads asleep on _settled
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="decisionlog-writer", daemon=True)
        self._thread.start()

    def commit_now(self, entries: _T) -> Committed | None:
        """Commit entries in the calling thread if they make a due batch on their own.

        They do when nothing is queued or being committed and they fill a batch (or the
        policy has no delay): the writer would commit exactly this batch next. Acks need no
        waiting then, so none is made.

        Returns:
            How the batch ended per entry, or None if the entries must be queued
            (`submit_many`) because they do not make such a batch now.

        Raises:
            LogClosedError: The writer was closed or has stopped.
            LogError: The batch could not be written, or the commit function failed with a
                bug (the writer has stopped).
        """
        return self.run_now(len(entries), self._commit_piece, entries)

    def _commit_piece(self, entries: _T) -> Committed:
        return self._commit([entries])

    def run_now(self, count: int, work: Callable[[_A], _R], arg: _A) -> _R | None:
        """Run ``work(arg)``, which commits ``count`` entries, if they make a due batch now.

        As `commit_now`, for a caller that writes the batch itself: a single entry's own
        path, which skips the pieces and their `Committed`. The batch is admitted, ordered
        and settled as every other: nothing else is committed while it runs, and a bug in
        ``work`` stops the writer.

        Returns:
            What ``work`` returned, or None (without calling it) if the entries must be
            queued because they do not make such a batch now.

        Raises:
            LogClosedError: The writer was closed or has stopped.
            LogError: What ``work`` raised, or, for any other exception, a `LogError` from
                it (the writer has stopped; an interrupt stops it and is raised as it is).
        """
        policy = self._policy
        with self._lock:
            if self._closed or self._failure is not None:
                raise LogClosedError("the decision log is closed; it accepts no more entries")
            if self._queue or self._committing or not 0 < count <= policy.max_entries:
                return None
            if count < policy.max_entries and policy.max_delay_ms > 0:
                return None  # the batch waits for others to join it
            self._committing = True
            self._submitted += count
        try:
            result = work(arg)
        except LogError:
            self._finish(count)
            raise
        except Exception as e:  # a bug: the writer has stopped, every waiter failed with it
            self._fail(e)
            raise LogError(f"the log writer failed: {e!r}") from e
        except BaseException as e:  # an interrupt: the writer stops too, and it goes on up
            self._fail(e)
            raise
        self._finish(count)
        return result

    def submit(self, entry: _T, *, waited: bool = False) -> PendingAck:
        """Queue an entry for the next batch.

        Args:
            entry: A piece of one entry.
            waited: The caller waits for it at once (`PendingAck.wait` without a timeout),
                and so commits its batch when due: the writer is not woken for it.

        Raises:
            LogClosedError: The writer was closed or has stopped.
        """
        if len(entry) != 1:
            raise ValueError(f"submit takes one entry, not {len(entry)}: use submit_many")
        pending = PendingAck(self)
        self._enqueue(_Chunk(entry, pending, time.monotonic()), waited=waited)
        return pending

    def submit_many(self, entries: _T, *, waited: bool = False) -> PendingAcks:
        """Queue entries together, in order, with one acknowledgement for all of them.

        Args:
            entries: The entries, as one piece (cut only where a batch is full).
            waited: The caller waits for them at once (see `submit`).

        Raises:
            LogClosedError: The writer was closed or has stopped.
        """
        pending = PendingAcks(self, len(entries))
        if entries:
            self._enqueue(_Chunk(entries, pending, time.monotonic()), waited=waited)
        return pending

    def _enqueue(self, chunk: _Chunk[_T], *, waited: bool) -> None:
        count = len(chunk.entries)
        with self._lock:
            if self._closed or self._failure is not None:
                raise LogClosedError("the decision log is closed; it accepts no more entries")
            before = self._queued
            self._queue.append(chunk)
            self._queued += count
            self._submitted += count
            # Wake the writer only when its plan changes: an empty queue got its first entry
            # (start the delay), or a batch is full. Waking it per entry costs more than the
            # entry's share of the commit; an entry its submitter waits for needs no writer.
            full = before < self._policy.max_entries <= self._queued
            if not waited and (before == 0 or full):
                self._wake.notify()

    def flush(self) -> None:
        """Commit everything submitted so far and wait until it has committed or failed."""
        with self._lock:
            target = self._submitted
            self._flush_upto = max(self._flush_upto, target)
            self._wake.notify()
            while self._finished < target and self._failure is None:
                self._await_settled(None)

    def close(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        with self._lock:
            self._closed = True
            self._wake.notify()
        self._thread.join()

    def await_done(self, pending: Pending, timeout: float | None) -> None:
        """Wait until ``pending`` is settled, committing due batches meanwhile if no timeout.

        Raises:
            TimeoutError: It is not settled within ``timeout``.
            LogError: The commit function failed with a bug; the writer has stopped.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                while not pending.done():
                    if deadline is None and not self._committing and self._failure is None:
                        if self._due():
                            break
                        wait = self._delay_left()
                    else:
                        wait = None if deadline is None else deadline - time.monotonic()
                        if wait is not None and wait <= 0:
                            raise TimeoutError(f"entry not committed within {timeout} s")
                    self._await_settled(wait)
                else:
                    return
                taken = self._take()
            try:
                self._commit_batch(taken.entries, taken.count, taken.parts)
            except Exception as e:  # a bug: every waiter already failed with it
                raise LogError(f"the log writer failed: {e!r}") from e

    def _await_settled(self, timeout: float | None) -> None:
        """Sleep until a batch settles or ``timeout`` passes (caller holds the lock)."""
        self._sleepers += 1
        try:
            self._settled.wait(timeout)
        finally:
            self._sleepers -= 1

    def _delay_left(self) -> float | None:
        """Seconds until the head of the queue is due by its delay (caller holds the lock)."""
        if not self._queue:
            return None
        waited = time.monotonic() - self._queue[0].since
        return max(0.0, self._policy.max_delay_ms / _MS - waited)

    def _due(self) -> bool:
        """Say whether the head of the queue must be committed now (caller holds the lock)."""
        if not self._queue:
            return False
        if self._queued >= self._policy.max_entries or self._closed:
            return True
        if self._finished < self._flush_upto:
            return True
        return time.monotonic() - self._queue[0].since >= self._policy.max_delay_ms / _MS

    def _take(self) -> _Taken[_T]:
        """Take the head batch for this thread to commit (caller holds the lock)."""
        self._committing = True
        room = self._policy.max_entries
        taken: _Taken[_T] = _Taken([], 0, [])
        queue = self._queue
        while room and queue:
            chunk = queue[0]
            start = chunk.start
            count = min(room, len(chunk.entries) - start)
            if start == 0 and count == len(chunk.entries):
                taken.entries.append(chunk.entries)
                queue.popleft()
            else:
                taken.entries.append(chunk.entries[start : start + count])
                chunk.start = start + count
                if chunk.start == len(chunk.entries):
                    queue.popleft()
            taken.parts.append((chunk.pending, start, count))
            taken.count += count
            room -= count
        self._queued -= taken.count
        return taken

    def _commit_batch(
        self, entries: list[_T], count: int, parts: Sequence[tuple[Pending, int, int]]
    ) -> Result:
        """Commit one batch taken from the queue and settle its entries, in this thread.

        Args:
            entries: The batch's pieces of entries, in order.
            count: The number of entries.
            parts: Whose they are: (pending, its first slot taken, count), in order.

        Returns:
            The batch's outcome, or the `LogError` that failed it.
        """
        result: Result
        try:
            result = self._commit(entries)
        except LogError as e:
            result = e
        except BaseException as e:
            # A bug, not a store failure: fail every waiter rather than leave it hanging.
            self._fail(e, parts)
            raise
        position = 0
        for pending, slot, taken in parts:
            pending._settle(result, position, slot, taken)  # noqa: SLF001 - ours
            position += taken
        self._finish(count)
        return result

    def _finish(self, count: int) -> None:
        """Count a committed (or failed) batch of ``count`` entries and wake who waits."""
        with self._lock:
            self._committing = False
            self._finished += count
            if self._sleepers:  # no one waits, as when entries are committed at once
                self._settled.notify_all()
            if self._queue or self._closed:  # the writer has work, or is waiting to stop
                self._wake.notify()

    def _fail(self, error: BaseException, parts: Sequence[tuple[Pending, int, int]] = ()) -> None:
        """Stop the writer after a bug in a commit: fail the batch's waiters and the queue's."""
        with self._lock:
            self._failure = error
            self._committing = False
            for pending, slot, taken in parts:
                pending._settle(error, 0, slot, taken)  # noqa: SLF001 - ours
            for chunk in self._queue:
                left = len(chunk.entries) - chunk.start
                chunk.pending._settle(error, 0, chunk.start, left)  # noqa: SLF001 - ours
            self._queue.clear()
            self._settled.notify_all()
            self._wake.notify()

    def _next_batch(self) -> _Taken[_T] | None:
        with self._lock:
            while self._committing or not self._due():
                if self._failure is not None or (
                    self._closed and not self._queue and not self._committing
                ):
                    return None
                timeout = None
                if self._queue and not self._committing:
                    timeout = self._delay_left()
                self._wake.wait(timeout)
            return self._take()

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._commit_batch(batch.entries, batch.count, batch.parts)
