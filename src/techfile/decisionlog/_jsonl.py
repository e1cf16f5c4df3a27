"""Appending records from a JSON Lines file: the whole file is checked before any of it is logged.

Each non-blank line is one JSON object with ``"type": "decision"`` or ``"type": "oversight"``
and the fields of a `DecisionRecord` or `OversightRecord` (time stamps in RFC 3339 with an
offset; a decision's ``score`` may be left out). The rules this module enforces:

* a malformed line is reported with file, line and field (`LocatedInputError`), every bad
  line at once up to a limit, and then *nothing* of the file is appended;
* an oversight record must name a decision: one already in the log, or one earlier in the
  same file (whose index is the log's size plus its position among the file's records);
* records are appended in file order, in batches, each acknowledged only once committed; an
  oversight record that names a decision of the same file waits until that decision is
  committed, as the log checks the link when the record is submitted.

Validation happens at this edge with pydantic (STYLE C1); the records themselves are built
valid or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ValidationInfo

from techfile.decisionlog._progress import Progress, no_progress
from techfile.decisionlog.errors import RecordError
from techfile.decisionlog.log import DecisionLog, Entry
from techfile.decisionlog.records import Action, DecisionRecord, Erased, Kind, OversightRecord
from techfile.errors import InputError, LocatedInputError, Location

__all__ = ["Appended", "Line", "append_lines", "read_jsonl"]

_CHUNK: Final = 1000
"""Records submitted before waiting for their commit and reporting progress."""
_MAX_PROBLEMS: Final = 20
"""Bad lines reported together; the rest of the file is not read on."""
_Text = Annotated[str, Field(pattern=r"\S", description="Must not be blank.")]


def _rfc3339(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as e:
        raise ValueError("not an RFC 3339 time stamp") from e
    if moment.utcoffset() is None:
        raise ValueError("the time stamp must carry an offset, e.g. Z or +01:00")
    return value


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    timestamp: str

    @field_validator("timestamp")
    @classmethod
    def _check_time(cls, value: str) -> str:
        return _rfc3339(value)


class DecisionLine(_Line):
    """A decision record as one line of a JSON Lines file."""

    type: Literal["decision"]
    device: _Text
    model_version: _Text
    input_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    output: _Text
    score: Annotated[float, Field(allow_inf_nan=False)] | None = None
    site: _Text
    operator: _Text


class OversightLine(_Line):
    """An oversight record as one line of a JSON Lines file."""

    type: Literal["oversight"]
    decision_index: Annotated[int, Field(ge=0, le=(1 << 53) - 1)]
    action: Literal["confirm", "override", "dismiss"]
    clinician: _Text
    reason: str = ""

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str, info: ValidationInfo) -> str:
        # AI Act Art 14(4)(d): an override or a dismissal records why.
        action = info.data.get("action")
        if action in {Action.OVERRIDE.value, Action.DISMISS.value} and not value.strip():
            raise ValueError(f"an {action} needs a reason")
        return value


_LINE: Final = TypeAdapter[DecisionLine | OversightLine](
    Annotated[DecisionLine | OversightLine, Field(discriminator="type")]
)


@dataclass(frozen=True, slots=True)
class Line:
    """One record read from a JSON Lines file, with where it was."""

    number: int
    """The 1-based line number."""
    record: DecisionRecord | OversightRecord
    """The record."""


@dataclass(frozen=True, slots=True)
class Appended:
    """What an append of a file did."""

    count: int
    """Records appended."""
    first_index: int | None
    """The index of the first record appended (None for an empty file)."""
    size: int
    """The number of entries in the log afterwards."""


def _record(line: DecisionLine | OversightLine) -> DecisionRecord | OversightRecord:
    when = datetime.fromisoformat(line.timestamp)
    if isinstance(line, DecisionLine):
        return DecisionRecord(
            line.device,
            line.model_version,
            line.input_digest,
            line.output,
            line.score,
            when,
            line.site,
            line.operator,
        )
    return OversightRecord(
        line.decision_index, Action(line.action), line.clinician, when, line.reason
    )


def _problem(path: Path, number: int, error: ErrorDetails) -> LocatedInputError:
    loc = [str(part) for part in error["loc"][1:]]  # the first part names the union member
    where = Location(path, number)
    if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
        return LocatedInputError(
            where, "unknown record type", field="type", expected='"decision" or "oversight"'
        )
    if error["type"] == "model_attributes_type":
        return LocatedInputError(where, "not a JSON object", expected="one object per line")
    message = error["msg"].removeprefix("Value error, ")
    return LocatedInputError(where, message, field=".".join(loc) or None)


def _parse(path: Path, number: int, text: str) -> Line:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise LocatedInputError(Location(path, number, e.colno), f"not JSON: {e.msg}") from e
    try:
        parsed = _LINE.validate_python(value)
    except ValidationError as e:
        raise _problem(path, number, e.errors()[0]) from e
    try:
        return Line(number, _record(parsed))
    except RecordError as e:  # pragma: no cover - the model checks what the record does
        raise LocatedInputError(Location(path, number), str(e)) from e


def read_jsonl(path: Path) -> list[Line]:
    """Read every record of a JSON Lines file, or report every malformed line.

    Args:
        path: The file; blank lines are skipped.

    Returns:
        The records, in file order.

    Raises:
        LocatedInputError: A line is malformed (``more`` lists further bad lines).
        InputError: The file cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise LocatedInputError(Location(path), f"not UTF-8 text: {e.reason}") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read the records ({e.strerror or e})") from e
    lines: list[Line] = []
    problems: list[LocatedInputError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            lines.append(_parse(path, number, raw))
        except LocatedInputError as e:
            problems.append(e)
            if len(problems) == _MAX_PROBLEMS:
                break
    if problems:
        problems[0].more = tuple(problems[1:])
        raise problems[0]
    return lines


def _is_decision(entry: Entry) -> bool:
    return isinstance(entry, DecisionRecord) or (
        isinstance(entry, Erased) and entry.kind is Kind.DECISION
    )


def _check_links(log: DecisionLog, path: Path, lines: Sequence[Line]) -> None:
    """Check that every oversight record names a decision in the log or earlier in the file."""
    size = log.size
    in_log: dict[int, bool] = {}
    for position, line in enumerate(lines):
        record = line.record
        if not isinstance(record, OversightRecord):
            continue
        target = record.decision_index
        if target < size:
            if target not in in_log:
                in_log[target] = _is_decision(log.read(target))
            ok = in_log[target]
        else:
            ok = target < size + position and isinstance(
                lines[target - size].record, DecisionRecord
            )
        if not ok:
            raise LocatedInputError(
                Location(path, line.number),
                f"entry {target} is not a decision",
                field="decision_index",
                expected=f"a decision's index (the log holds {size} entries; this file's"
                f" records would follow from index {size})",
            )


def append_lines(
    log: DecisionLog, path: Path, lines: Sequence[Line], progress: Progress = no_progress
) -> Appended:
    """Append the records read from a file, once every oversight link checks out.

    Args:
        log: The open log.
        path: The file the lines came from, for messages.
        lines: The records, as `read_jsonl` returned them.
        progress: Told ``(records committed, records)`` after each chunk.

    Returns:
        How many records were appended, from which index.

    Raises:
        LocatedInputError: An oversight record names no decision; nothing was appended.
        LogError: The log could not write a batch.
    """
    _check_links(log, path, lines)
    committed = log.size
    pending = []
    for position, line in enumerate(lines):
        record = line.record
        if isinstance(record, OversightRecord) and record.decision_index >= committed:
            log.flush()  # its decision is in this file: commit it first
            committed = log.size
        pending.append(log.submit(record))
        if (position + 1) % _CHUNK == 0:
            pending[-1].wait()
            committed = log.size
            progress(position + 1, len(lines))
    log.flush()
    acks = [p.wait() for p in pending]
    progress(len(lines), len(lines))
    return Appended(len(acks), acks[0].index if acks else None, log.size)
