"""How long the decision log keeps what it records, and the legal minimum it never goes below.

This module owns the retention policy of the log. It enforces two rules:

* no policy may be shorter than the minimum in the catalog data
  (``catalog/data/retention/ai-act-2024-1689.yaml``: six months, AI Act Art 19(1) and
  Art 26(6)); a shorter one is refused when it is made;
* a payload may be erased (GDPR Art 17) only once its retention period has ended; before
  then the obligation to keep the log prevails (GDPR Art 17(3)(b)).

Periods are counted in calendar months, in the time zone of the record's time stamp, and end
with the whole of the last day (Regulation (EEC, Euratom) No 1182/71 Art 3(2)(c)), so no
entry is erased a day early whatever month it was logged in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from importlib import resources

import yaml

from techfile.decisionlog.errors import RetentionError

__all__ = ["LegalMinimum", "RetentionPolicy", "legal_minimum"]

_DATA = ("data", "retention", "ai-act-2024-1689.yaml")
_ENTRY_KEYS = {"id", "months", "citations", "summary"}


@dataclass(frozen=True, slots=True)
class LegalMinimum:
    """The shortest retention the law allows for automatically generated logs."""

    id: str
    """Stable ID of the catalog entry."""
    months: int
    """The minimum, in calendar months."""
    citations: tuple[str, ...]
    """Where the law says so."""
    summary: str
    """Our own summary of the rule."""

    def cite(self) -> str:
        """Return the citations joined for a message, e.g. ``AI Act Art 19(1), ...``."""
        return ", ".join(self.citations)


@cache
def legal_minimum() -> LegalMinimum:
    """Load the minimum log retention from the catalog data.

    Returns:
        The minimum and its citations.

    Raises:
        RetentionError: The packaged data file is missing or malformed (a defect of techfile).
    """
    path = resources.files("techfile.catalog").joinpath(*_DATA)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise RetentionError(f"cannot read the retention minimum {'/'.join(_DATA)}: {e}") from e
    entry = data.get("minimum_log_retention") if isinstance(data, dict) else None
    if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
        raise RetentionError(f"{'/'.join(_DATA)}: expected minimum_log_retention {_ENTRY_KEYS}")
    months, citations = entry["months"], entry["citations"]
    if not isinstance(months, int) or months < 1 or not isinstance(citations, list):
        raise RetentionError(f"{'/'.join(_DATA)}: months must be a positive integer")
    return LegalMinimum(str(entry["id"]), months, tuple(map(str, citations)), entry["summary"])


def _add_months(moment: datetime, months: int) -> datetime:
    """Return the instant a period of ``months`` calendar months from ``moment`` has ended."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    # 1182/71 Art 3(2)(c): the period ends with the last hour of the day with the same date
    # in the last month, or of that month's last day if it has no such date.
    day = min(moment.day, calendar.monthrange(year, month)[1])
    last_day = datetime.combine(moment.date().replace(year=year, month=month, day=day), time())
    return (last_day.replace(tzinfo=moment.tzinfo) + timedelta(days=1)).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long the log keeps each record's payload before it may be erased."""

    months: int
    """The retention period in calendar months; at least the legal minimum."""

    def __post_init__(self) -> None:
        minimum = legal_minimum()
        if isinstance(self.months, bool) or not isinstance(self.months, int):
            raise RetentionError(
                f"a retention period is a whole number of months, not {self.months!r}"
            )
        if self.months < minimum.months:
            raise RetentionError(
                f"a retention period of {self.months} months is shorter than the minimum of "
                f"{minimum.months} months for automatically generated logs ({minimum.cite()})"
            )

    @classmethod
    def minimum(cls) -> RetentionPolicy:
        """Return the shortest policy the law allows."""
        return cls(legal_minimum().months)

    def kept_until(self, recorded_at: datetime) -> datetime:
        """Return the instant from which a record made at ``recorded_at`` may be erased.

        Args:
            recorded_at: When the record was made; must carry a time zone.

        Returns:
            The end of the retention period, in UTC.

        Raises:
            RetentionError: ``recorded_at`` has no time zone.
        """
        if recorded_at.tzinfo is None or recorded_at.utcoffset() is None:
            raise RetentionError("a record time without a time zone cannot be kept for a period")
        return _add_months(recorded_at, self.months)

    def allows_erasure(self, recorded_at: datetime, now: datetime) -> bool:
        """Say whether the retention period of a record made at ``recorded_at`` has ended."""
        return now >= self.kept_until(recorded_at)
