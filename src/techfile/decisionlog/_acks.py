"""Acknowledgements of log entries: what a commit returns, and what submitters wait on.

This module owns the rule that an acknowledgement means "durably stored": a `PendingAck`
(one entry) or `PendingAcks` (a group) resolves only when the writer settles it with the
`Committed` outcome of its batch, or with the error that failed the batch. `Ack` objects are
made when waited for, from the batch's first index and leaf hashes.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from types import MappingProxyType
from typing import NamedTuple, NoReturn, Protocol, overload

from techfile.decisionlog.errors import LogError
from techfile.errors import Error

__all__ = ["Ack", "Acks", "Committed", "Pending", "PendingAck", "PendingAcks", "Result"]


class _Owner(Protocol):
    """The writer that settles pending acknowledgements."""

    def await_done(self, pending: Pending, timeout: float | None) -> None:
        """Wait until ``pending`` is settled."""
        ...


class Ack(NamedTuple):
    """The acknowledgement of one entry: it is in the log, durably.

    A named tuple rather than a dataclass: a group of 10,000 records returns 10,000 of them,
    made by ``tuple.__new__`` over ``zip`` (a frozen dataclass costs a Python call each).
    """

    index: int  # type: ignore[assignment]  # shadows tuple.index; the API names it so
    """The entry's index in the log."""
    leaf_hash: bytes
    """The RFC 9162 hash of the entry's leaf."""


_NO_REFUSALS: Mapping[int, Error] = MappingProxyType({})


class Committed(NamedTuple):
    """How one committed batch ended for its entries (what the commit function returns).

    A named tuple: every batch makes one, a batch of one entry as often as any.
    """

    first_index: int
    """The log index of the first accepted entry."""
    leaf_hashes: Sequence[bytes]
    """The leaf hash of each accepted entry, in order; they have consecutive indices."""
    refused: Mapping[int, Error] = _NO_REFUSALS
    """Why entries were refused, by their position in the batch (the others were accepted)."""

    def outcomes(self, start: int, count: int) -> list[Ack | Error]:
        """Return the acknowledgement or refusal of the entries at ``[start, start + count)``."""
        if not self.refused:
            first = self.first_index + start
            hashes = self.leaf_hashes[start : start + count]
            return list(map(_new_ack, zip(range(first, first + len(hashes)), hashes, strict=True)))
        results: list[Ack | Error] = []
        # The rank among accepted entries: the entries before start, less those refused.
        rank = start - sum(position < start for position in self.refused)
        for position in range(start, start + count):
            refusal = self.refused.get(position)
            if refusal is None:
                results.append(Ack(self.first_index + rank, self.leaf_hashes[rank]))
                rank += 1
            else:
                results.append(refusal)
        return results

    def ack(self, position: int) -> Ack:
        """Return the acknowledgement of the entry at ``position`` in the batch.

        Raises:
            Error: Why it was refused.
        """
        if self.refused:
            return self.acks(position, 1)[0]
        return Ack(self.first_index + position, self.leaf_hashes[position])

    def acks(self, start: int, count: int) -> Acks:
        """Return the acknowledgements of the entries at ``[start, start + count)``.

        Raises:
            Error: Why the first refused entry among them was refused.
        """
        if self.refused:
            for outcome in self.outcomes(start, count):
                if isinstance(outcome, Error):
                    raise outcome
            start -= sum(position < start for position in self.refused)  # its rank
        return Acks(self.first_index + start, self.leaf_hashes[start : start + count])


_new_ack = partial(tuple.__new__, Ack)


class Acks(Sequence[Ack]):
    """The acknowledgements of entries with consecutive indices, each made when looked at.

    A group of 10,000 records is acknowledged by its first index and its leaf hashes, not by
    10,000 objects made and kept whether or not anyone looks at them. It is a read-only
    sequence of `Ack`, equal to any sequence of the same acks.
    """

    __slots__ = ("_first", "_hashes")

    def __init__(self, first_index: int, leaf_hashes: Sequence[bytes]) -> None:
        self._first = first_index
        self._hashes = leaf_hashes

    @property
    def first_index(self) -> int:
        """The index of the first entry (the others follow it)."""
        return self._first

    @property
    def leaf_hashes(self) -> Sequence[bytes]:
        """The RFC 9162 leaf hash of each entry, in order."""
        return self._hashes

    def __len__(self) -> int:
        return len(self._hashes)

    @overload
    def __getitem__(self, at: int) -> Ack: ...

    @overload
    def __getitem__(self, at: slice) -> Sequence[Ack]: ...

    def __getitem__(self, at: int | slice) -> Ack | Sequence[Ack]:
        if isinstance(at, slice):
            start, stop, step = at.indices(len(self._hashes))
            if step == 1:
                return Acks(self._first + start, self._hashes[start:stop])
            return [self[k] for k in range(start, stop, step)]
        if at < 0:
            at += len(self._hashes)
        if not 0 <= at < len(self._hashes):
            raise IndexError("acknowledgement index out of range")
        return Ack(self._first + at, self._hashes[at])

    def __iter__(self) -> Iterator[Ack]:
        first = self._first
        return map(
            _new_ack, zip(range(first, first + len(self._hashes)), self._hashes, strict=True)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(map(operator.eq, self, other))

    __hash__ = None  # type: ignore[assignment]  # compares equal to lists, which do not hash

    def __repr__(self) -> str:
        return f"Acks(first_index={self._first}, count={len(self._hashes)})"


Result = Committed | BaseException
"""A batch's commit, or why it failed (a `LogError`, or a bug that stopped the writer)."""


def _raise(error: BaseException) -> NoReturn:
    if isinstance(error, Error):
        raise error
    raise LogError(f"the log writer failed: {error!r}") from error


class PendingAck:
    """An entry submitted to the writer; `wait` returns its `Ack` once its batch commits."""

    __slots__ = ("_done", "_owner", "_position", "_result")

    def __init__(self, owner: _Owner) -> None:
        self._owner = owner
        self._result: Result | None = None
        self._position = 0
        self._done = False

    def _settle(self, result: Result, position: int, slot: int, count: int) -> None:  # noqa: ARG002 - one entry: slot 0, count 1
        self._result, self._position = result, position
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
        if not self._done:
            self._owner.await_done(self, timeout)
        result = self._result
        if not isinstance(result, Committed):
            assert result is not None  # noqa: S101 - set together with _done
            _raise(result)
        return result.ack(self._position)


class PendingAcks:
    """Entries submitted together; `wait` returns their `Ack` s once all have committed."""

    __slots__ = ("_count", "_owner", "_settled", "_spans")

    def __init__(self, owner: _Owner, count: int) -> None:
        self._owner = owner
        self._count = count
        self._settled = 0
        self._spans: list[tuple[int, Result, int, int]] = []  # (slot, result, position, count)

    def _settle(self, result: Result, position: int, slot: int, count: int) -> None:
        self._spans.append((slot, result, position, count))
        self._settled += count

    def __len__(self) -> int:
        return self._count

    def done(self) -> bool:
        """Say whether every entry's batch has committed or failed."""
        return self._settled == self._count

    def wait(self, timeout: float | None = None) -> Sequence[Ack]:
        """Wait for every entry's batch to commit; return their acknowledgements in order.

        Raises:
            TimeoutError: Not all batches have committed within ``timeout``.
            RecordError: An entry was refused.
            LogError: A batch could not be written; the group's entries in its other
                batches may be committed.
        """
        if not self.done():
            self._owner.await_done(self, timeout)
        parts: list[Acks] = []
        for _, result, position, count in sorted(self._spans, key=lambda span: span[0]):
            if not isinstance(result, Committed):
                _raise(result)
            parts.append(result.acks(position, count))
        if len(parts) == 1:  # one batch, as a group no larger than a batch mostly is
            return parts[0]
        return [ack for part in parts for ack in part]


Pending = PendingAck | PendingAcks
"""What the writer settles: one entry's acknowledgement or a group's."""
