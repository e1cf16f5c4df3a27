"""A legal source (act or guidance) and the version of it that the data reflect (STYLE B2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["Amendment", "Source"]


@dataclass(frozen=True, slots=True)
class Amendment:
    """An amending act recorded against a source."""

    act: str
    """The amending act, e.g. "Regulation (EU) 2026/1744"."""
    in_force: dt.date
    """Its entry into force."""
    summary: str
    """What it changed, in our words."""


@dataclass(frozen=True, slots=True)
class Source:
    """A legal source (act or guidance) and the version of it the data reflect."""

    id: str
    """Stable id, the file stem."""
    title: str
    """Full title."""
    act: str | None
    """The act's number, for law."""
    kind: str
    """law, guidance or state_of_the_art."""
    version: str
    """Which text or revision was used."""
    legal_status_as_of: dt.date
    """The date up to which changes to the source are reflected."""
    entry_into_force: dt.date | None
    """Entry into force, where recorded."""
    amended_by: tuple[Amendment, ...]
    """Amending acts taken into account."""
