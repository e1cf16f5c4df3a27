"""The batching writer: N entries or T milliseconds per batch, acknowledgements after commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from techfile.decisionlog import Batching, LogClosedError, LogError, LogSetupError, StoreError
from techfile.decisionlog._acks import Committed
from techfile.decisionlog._batcher import Batcher


class Recorder:
    """A commit function that records its batches; it can be held back or made to fail."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False

    def __call__(self, pieces: Sequence[list[int]]) -> Committed:
        self.gate.wait()
        if self.fail:
            raise StoreError("disk full")
        entries = [entry for piece in pieces for entry in piece]
        self.batches.append(entries)
        return Committed(entries[0], [bytes([entry % 256]) for entry in entries])


def test_full_batches_commit_at_once_and_the_rest_on_flush() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=4, max_delay_ms=60_000))
    pending = [writer.submit([n]) for n in range(10)]
    assert [p.wait(timeout=10).index for p in pending[:8]] == list(range(8))
    assert not pending[9].done()
    writer.flush()
    assert [p.wait().index for p in pending] == list(range(10))
    assert commit.batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    writer.close()


def test_a_partial_batch_commits_after_the_delay() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=100, max_delay_ms=40))
    started = time.monotonic()
    pending = [writer.submit([n]) for n in range(3)]
    assert [p.wait(timeout=10).index for p in pending] == [0, 1, 2]
    assert time.monotonic() - started >= 0.035
    assert commit.batches == [[0, 1, 2]]
    writer.close()


def test_no_ack_before_the_commit_returns() -> None:
    commit = Recorder()
    commit.gate.clear()
    writer = Batcher(commit, Batching(max_entries=1, max_delay_ms=0))
    pending = writer.submit([1])
    with pytest.raises(TimeoutError):
        pending.wait(timeout=0.05)
    commit.gate.set()
    assert pending.wait(timeout=10).index == 1
    writer.close()


def test_a_failed_commit_fails_its_entries_only() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=2, max_delay_ms=0))
    commit.fail = True
    failed = writer.submit([1])
    with pytest.raises(StoreError, match="disk full"):
        failed.wait(timeout=10)
    commit.fail = False
    assert writer.submit([2]).wait(timeout=10).index == 2
    writer.close()
    with pytest.raises(LogClosedError):
        writer.submit([3])


def test_close_commits_what_is_queued() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=50, max_delay_ms=60_000))
    pending = [writer.submit([n]) for n in range(5)]
    writer.close()
    assert all(p.done() for p in pending)
    assert commit.batches == [[0, 1, 2, 3, 4]]


@pytest.mark.parametrize(("entries", "delay"), [(0, 1.0), (1, -1.0), (1, float("nan"))])
def test_batching_must_make_sense(entries: int, delay: float) -> None:
    with pytest.raises(LogSetupError, match="max_"):
        Batching(entries, delay)


def test_a_group_is_split_only_where_batches_are_full() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=4, max_delay_ms=60_000))
    single = writer.submit([0])
    group = writer.submit_many(list(range(1, 11)))
    assert len(group) == 10
    writer.flush()
    assert single.wait().index == 0
    acks = group.wait()
    assert [(a.index, a.leaf_hash) for a in acks] == [(n, bytes([n])) for n in range(1, 11)]
    assert commit.batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]
    assert writer.submit_many([]).wait() == []
    writer.close()


def test_a_group_fails_with_its_first_failed_batch() -> None:
    commit = Recorder()
    commit.fail = True
    writer = Batcher(commit, Batching(max_entries=2, max_delay_ms=0))
    group = writer.submit_many([1, 2, 3])
    with pytest.raises(StoreError, match="disk full"):
        group.wait()
    assert group.done()
    writer.close()


def test_a_waited_entry_is_committed_by_its_waiter() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=1, max_delay_ms=60_000))
    committers: list[str] = []
    original = commit.__call__

    def commit_and_note(entries: Sequence[list[int]]) -> Committed:
        committers.append(threading.current_thread().name)
        return original(entries)

    writer._commit = commit_and_note
    assert writer.submit([7], waited=True).wait().index == 7
    assert committers == [threading.current_thread().name]
    writer.close()


def test_entries_that_make_a_batch_alone_are_committed_at_once() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=3, max_delay_ms=60_000))
    committed = writer.commit_now([0, 1, 2])
    assert committed is not None
    assert [a.index for a in committed.acks(0, 3)] == [0, 1, 2]
    assert commit.batches == [[0, 1, 2]]
    writer.flush()  # nothing left behind: returns at once
    writer.close()


@pytest.mark.parametrize("entries", [[0], [0, 1, 2, 3]])
def test_entries_that_do_not_fill_one_batch_are_left_to_the_queue(entries: list[int]) -> None:
    writer = Batcher(Recorder(), Batching(max_entries=3, max_delay_ms=60_000))
    assert writer.commit_now(entries) is None
    assert writer.commit_now([]) is None
    writer.close()


def test_no_delay_commits_a_partial_batch_at_once() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=3, max_delay_ms=0))
    assert writer.commit_now([5]) is not None
    assert commit.batches == [[5]]
    writer.close()


def test_entries_queued_first_keep_their_place() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=2, max_delay_ms=60_000))
    queued = writer.submit([0])
    assert writer.commit_now([1, 2]) is None  # it would overtake the queued entry
    writer.flush()
    assert queued.wait().index == 0
    writer.close()


def test_an_entry_committed_at_once_fails_as_its_batch_does() -> None:
    commit = Recorder()
    commit.fail = True
    writer = Batcher(commit, Batching(max_entries=1, max_delay_ms=60_000))
    with pytest.raises(StoreError, match="disk full"):
        writer.commit_now([1])
    commit.fail = False
    committed = writer.commit_now([2])
    assert committed is not None
    assert committed.acks(0, 1)[0].index == 2
    writer.close()
    with pytest.raises(LogClosedError):
        writer.commit_now([3])


def test_a_waiter_wakes_when_an_entry_committed_at_once_lands() -> None:
    commit = Recorder()
    commit.gate.clear()
    writer = Batcher(commit, Batching(max_entries=1, max_delay_ms=60_000))
    done: list[Committed | None] = []
    first = threading.Thread(target=lambda: done.append(writer.commit_now([1])))
    first.start()
    time.sleep(0.05)
    flusher = threading.Thread(target=writer.flush)
    flusher.start()
    time.sleep(0.05)
    assert flusher.is_alive()  # flush waits for the batch being committed
    commit.gate.set()
    first.join(timeout=10)
    flusher.join(timeout=10)
    assert [c.ack(0).index if c else None for c in done] == [1]
    assert not flusher.is_alive()
    writer.close()


def test_work_that_makes_a_batch_alone_runs_at_once() -> None:
    commit = Recorder()
    writer = Batcher(commit, Batching(max_entries=1, max_delay_ms=60_000))
    ran: list[int] = []

    def work(entry: int) -> int:
        ran.append(entry)
        return entry * 2

    assert writer.run_now(1, work, 21) == 42
    assert writer.run_now(2, work, 5) is None  # more than a batch: the queue cuts it
    queued = writer.submit([3])
    assert queued.wait(timeout=10).index == 3
    assert ran == [21]
    assert commit.batches == [[3]]  # the work wrote its own batch, not through commit
    writer.close()


def test_a_store_error_in_work_run_at_once_fails_that_batch_only() -> None:
    writer = Batcher(Recorder(), Batching(max_entries=1, max_delay_ms=60_000))

    def full_disk(_: int) -> int:
        raise StoreError("disk full")

    with pytest.raises(StoreError, match="disk full"):
        writer.run_now(1, full_disk, 0)
    assert writer.run_now(1, lambda entry: entry, 7) == 7
    writer.close()


def test_a_bug_in_work_run_at_once_stops_the_writer_and_fails_the_queue() -> None:
    writer = Batcher(Recorder(), Batching(max_entries=1, max_delay_ms=60_000))
    started, release = threading.Event(), threading.Event()

    def buggy(_: int) -> int:
        started.set()
        release.wait(timeout=10)
        return 1 // 0

    errors: list[BaseException] = []

    def run() -> None:
        try:
            writer.run_now(1, buggy, 0)
        except LogError as e:
            errors.append(e)

    runner = threading.Thread(target=run)
    runner.start()
    assert started.wait(timeout=10)
    queued = writer.submit([1])  # while the work runs: queued behind it
    release.set()
    runner.join(timeout=10)
    assert [str(e) for e in errors] == [
        "the log writer failed: ZeroDivisionError('integer division or modulo by zero')"
    ]
    with pytest.raises(LogError, match="writer failed: ZeroDivisionError") as failed:
        queued.wait(timeout=10)
    assert isinstance(failed.value.__cause__, ZeroDivisionError)
    with pytest.raises(LogClosedError):
        writer.run_now(1, lambda entry: entry, 2)
    with pytest.raises(LogClosedError):
        writer.submit([3])
    writer.close()


def test_an_interrupt_in_work_run_at_once_stops_the_writer_and_goes_on_up() -> None:
    writer = Batcher(Recorder(), Batching(max_entries=1, max_delay_ms=60_000))

    def interrupted(_: int) -> int:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        writer.run_now(1, interrupted, 0)
    with pytest.raises(LogClosedError):
        writer.run_now(1, lambda entry: entry, 1)
    writer.close()
