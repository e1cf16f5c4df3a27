"""The technical file as a document model: sections of blocks, independent of any format.

The builder fills it from the project; every writer (HTML, PDF, DOCX, XLSX) renders the same
model, so the formats cannot disagree. Anchors are stable ids (``gspr-mdr-ai-17-2``), so links
between sections resolve in every format that has links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Block",
    "Cell",
    "DocumentControl",
    "HistoryEntry",
    "Items",
    "Link",
    "Missing",
    "Para",
    "Section",
    "Table",
    "TechnicalFile",
    "Tone",
    "anchor",
]


def anchor(*parts: str) -> str:
    """A stable HTML-safe anchor: ``("gspr", "MDR.AI.17.2")`` -> ``gspr-mdr-ai-17-2``."""
    text = "-".join(parts).lower()
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


@dataclass(frozen=True, slots=True)
class Link:
    """Text that points at an anchor in the same document."""

    text: str
    """Visible text."""
    target: str
    """The anchor it points at."""


Cell = str | Link
"""A table cell or list item: plain text or an internal link."""


class Tone(StrEnum):
    """How a table row or paragraph is emphasised."""

    NORMAL = "normal"
    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    MUTED = "muted"


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph."""

    text: str
    """The text."""
    tone: Tone = Tone.NORMAL
    """Emphasis."""


@dataclass(frozen=True, slots=True)
class Items:
    """A bulleted list."""

    items: tuple[Cell, ...]
    """The items."""


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a header row; ``tones`` colours whole rows (same length as ``rows``)."""

    header: tuple[str, ...]
    """Column titles."""
    rows: tuple[tuple[Cell, ...], ...]
    """The rows, each as long as the header."""
    caption: str = ""
    """A caption above the table."""
    tones: tuple[Tone, ...] = ()
    """Per-row emphasis (empty: all normal)."""
    row_anchors: tuple[str, ...] = ()
    """Per-row anchors that links may point at (empty: none)."""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.header):
                msg = f"table row has {len(row)} cells for {len(self.header)} columns"
                raise ValueError(msg)
        if self.tones and len(self.tones) != len(self.rows):
            msg = "tones must give one tone per row"
            raise ValueError(msg)
        if self.row_anchors and len(self.row_anchors) != len(self.rows):
            msg = "row_anchors must give one anchor per row"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Missing:
    """An explicit gap: what the section lacks, pointing at the requirement in the checklist."""

    what: str
    """What is missing."""
    gap: Link | None = None
    """Where the gap is listed."""


Block = Para | Items | Table | Missing
"""Content of a section."""


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered section with its blocks and sub-sections."""

    anchor: str
    """Stable anchor id."""
    number: str
    """Its number in the document, e.g. "6.1"."""
    title: str
    """Title."""
    citation: str = ""
    """The legal source that asks for it."""
    blocks: tuple[Block, ...] = ()
    """Content."""
    children: tuple[Section, ...] = ()
    """Sub-sections."""

    def walk(self) -> tuple[Section, ...]:
        """This section and all below it, in document order."""
        found: list[Section] = [self]
        for child in self.children:
            found.extend(child.walk())
        return tuple(found)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One earlier build of the documentation."""

    version: str
    """Device version documented."""
    date: dt.date
    """Date of the build (from its newest evidence)."""
    input_hash: str
    """Content hash of everything the build read."""
    commit: str | None
    """Git commit of the project, if any."""
    summary: str
    """What changed, in short."""


@dataclass(frozen=True, slots=True)
class DocumentControl:
    """Identity and history of this edition of the technical documentation."""

    document_id: str
    """Document identifier."""
    version: str
    """Device version documented."""
    date: dt.date
    """Date of the edition: the newest evidence's date (never the clock)."""
    commit: str | None
    """Git commit of the project, if it is a git checkout."""
    input_hash: str
    """SHA-256 over every input (manifest, catalog entries, evidence records, artefacts)."""
    history: tuple[HistoryEntry, ...] = ()
    """Every edition, this one first."""


@dataclass(frozen=True, slots=True)
class TechnicalFile:
    """The whole technical documentation of a device."""

    title: str
    """Document title."""
    device: str
    """Device name."""
    manufacturer: str
    """Legal manufacturer."""
    control: DocumentControl
    """Document control."""
    sections: tuple[Section, ...] = field(default_factory=tuple)
    """Top-level sections in order."""
    scope: str = ""
    """What this documentation is, under which legal provisions (from the outline)."""

    def walk(self) -> tuple[Section, ...]:
        """Every section in document order."""
        return tuple(s for top in self.sections for s in top.walk())

    def anchors(self) -> frozenset[str]:
        """Every anchor defined in the document: sections and anchored table rows."""
        found = {s.anchor for s in self.walk()}
        for section in self.walk():
            for block in section.blocks:
                if isinstance(block, Table):
                    found.update(a for a in block.row_anchors if a)
        return frozenset(found)
