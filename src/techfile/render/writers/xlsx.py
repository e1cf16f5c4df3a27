r"""XLSX: the tables of the technical file as a workbook, one sheet per top-level section.

Rules this writer enforces:

* A "Document control" sheet comes first: the document's identity, its editions and the list of
  sheets. The outline's own document-control section joins it rather than getting a sheet of its
  own (as in the HTML, whose header repeats what section 0 shows).
* Every other top-level section that holds a table gets one sheet with every table below it,
  each under its caption, with a bold header row, its row tones as fills (the gap report's
  palette, so a status reads the same in both workbooks) and the first header frozen.
  Paragraphs and lists stay in the narrative formats (HTML, PDF, DOCX).
* Sheet names are at most 31 characters, without ``[]:*?/\``, and unique as Excel compares them
  (ignoring case). Sections with a well-known short name get it (``GSPR checklist``,
  ``Traceability``, ``Index``); the others are named by their number and title.
* A link whose anchor is a row or section in the workbook becomes an internal hyperlink.
* Cell text is stored as text, never as a formula, and cut to Excel's limit of 32,767 characters.
* The bytes depend on the model only: the core properties carry the edition's date and the
  creator "techfile", the zip entries are re-written in sorted order with a fixed timestamp, and
  the file is replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import cast
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from techfile.assess import StatusName
from techfile.assess._sheets import _FILLS  # one status palette for both workbooks
from techfile.project import atomic_write_bytes
from techfile.render import _model as m
from techfile.render.writers.interface import OutputFormat, WriterError

__all__ = ["CONTROL_SHEET", "XlsxWriter", "render_xlsx", "sheet_names"]

CONTROL_SHEET = "Document control"
"""Name of the first sheet."""

_SHEET_NAMES: Mapping[str, str] = {
    "control": CONTROL_SHEET,
    "gspr": "GSPR checklist",
    "traceability": "Traceability",
    "evidence-register": "Evidence register",
    "index": "Index",
}
"""Short sheet names of well-known top-level sections, by anchor (presentation only)."""

_MAX_NAME = 31  # Excel's limit on a sheet name
_MAX_CELL = 32_767  # Excel's limit on the characters of a cell
_MAX_WIDTH = 60
_MIN_WIDTH = 8
_INVALID_NAME = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = "E8E8E8"
_LINK = Font(color="0563C1", underline="single")


class _Style(StrEnum):
    """Named cell styles: registered once per workbook, so each cell only names one.

    Assigning fonts and fills cell by cell makes openpyxl hash the style objects for every cell,
    which dominated the writer's time on large catalogs.
    """

    TITLE = "techfile title"
    HEADING = "techfile heading"
    CAPTION = "techfile caption"
    HEADER = "techfile header"
    CELL = "techfile cell"
    GOOD = "techfile good"
    WARN = "techfile warn"
    BAD = "techfile bad"
    MUTED = "techfile muted"


_TONE_STYLE: Mapping[m.Tone, _Style] = {
    m.Tone.NORMAL: _Style.CELL,
    m.Tone.GOOD: _Style.GOOD,
    m.Tone.WARN: _Style.WARN,
    m.Tone.BAD: _Style.BAD,
    m.Tone.MUTED: _Style.MUTED,
}
_TONE_STATUS: Mapping[m.Tone, StatusName] = {
    m.Tone.GOOD: StatusName.MET,
    m.Tone.WARN: StatusName.PARTIAL,
    m.Tone.BAD: StatusName.MISSING,
    m.Tone.MUTED: StatusName.NOT_APPLICABLE,
}


def _named_styles() -> list[NamedStyle]:
    top = Alignment(vertical="top", wrap_text=True)
    styles = [
        NamedStyle(_Style.TITLE.value, font=Font(bold=True, size=14)),
        NamedStyle(_Style.HEADING.value, font=Font(bold=True, size=12)),
        NamedStyle(_Style.CAPTION.value, font=Font(bold=True, italic=True)),
        NamedStyle(
            _Style.HEADER.value,
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor=_HEADER_FILL),
            alignment=top,
        ),
        NamedStyle(_Style.CELL.value, alignment=top),
    ]
    styles += [
        NamedStyle(
            _TONE_STYLE[tone].value,
            fill=PatternFill("solid", fgColor=_FILLS[status]),
            alignment=top,
        )
        for tone, status in _TONE_STATUS.items()
    ]
    return styles


def sheet_names(document: m.TechnicalFile) -> tuple[str, ...]:
    """The sheets of the workbook, in order."""
    return (CONTROL_SHEET, *(name for name, _ in _plan(document)[1]))


def render_xlsx(document: m.TechnicalFile) -> bytes:
    """The technical file as XLSX bytes, identical for identical models."""
    book = _workbook(document)
    when = dt.datetime.combine(document.control.date, dt.time())
    properties = book.properties
    properties.creator = "techfile"
    properties.title = document.title
    properties.identifier = document.control.document_id
    properties.created = when
    properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps the modification time with the clock.
    with ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _deterministic_zip(buffer.getvalue(), when)


class XlsxWriter:
    """Writes ``technical-file.xlsx``."""

    __slots__ = ()
    format = OutputFormat.XLSX

    def write(self, document: m.TechnicalFile, out: Path) -> Path:
        """Write the workbook atomically.

        Raises:
            WriterError: The file cannot be written.
        """
        path = out / "technical-file.xlsx"
        try:
            atomic_write_bytes(path, render_xlsx(document))
        except OSError as e:
            msg = f"{path}: cannot write the workbook ({e.strerror or e})"
            raise WriterError(msg) from e
        return path


def _plan(document: m.TechnicalFile) -> tuple[list[m.Section], list[tuple[str, m.Section]]]:
    """(sections joining the control sheet, [(sheet name, section)]) for sections with tables."""
    joining: list[m.Section] = []
    planned: list[tuple[str, m.Section]] = []
    taken = {CONTROL_SHEET.casefold()}
    for top in document.sections:
        if not any(isinstance(b, m.Table) for s in top.walk() for b in s.blocks):
            continue
        short = _SHEET_NAMES.get(top.anchor)
        if short == CONTROL_SHEET:
            joining.append(top)
            continue
        name = _unique(short or _long_name(top), taken)
        taken.add(name.casefold())
        planned.append((name, top))
    return joining, planned


def _long_name(section: m.Section) -> str:
    text = " ".join(_INVALID_NAME.sub(" ", f"{section.number} {section.title}").split())
    return text if len(text) <= _MAX_NAME else text[: _MAX_NAME - 1].rstrip() + "…"


def _unique(name: str, taken: set[str]) -> str:
    base = " ".join(_INVALID_NAME.sub(" ", name).split())[:_MAX_NAME].strip(" '") or "Sheet"
    if base.casefold() not in taken:
        return base
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = base[: _MAX_NAME - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            return candidate
        number += 1


@dataclass(slots=True)
class _Book:
    """Where each anchor landed, and the link cells to resolve once every sheet is written."""

    positions: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Anchor -> (sheet, row)."""
    links: list[tuple[Cell, str]] = field(default_factory=list)
    """Cells that show a link, with the anchor they point at."""


def _workbook(document: m.TechnicalFile) -> Workbook:
    joining, planned = _plan(document)
    book = Workbook()
    for style in _named_styles():
        book.add_named_style(style)
    state = _Book()
    control = book.active
    assert control is not None  # noqa: S101  # a new workbook always has a sheet
    control.title = CONTROL_SHEET
    sheet = _Sheet(control, state)
    sheet.title(document.title)
    sheet.table(_identity(document))
    if document.control.history:
        sheet.table(_editions(document.control))
    sheet.table(
        m.Table(
            ("sheet", "section", "title"),
            tuple((name, m.Link(s.number, s.anchor), s.title) for name, s in planned),
            "Sheets",
        )
    )
    for section in joining:
        sheet.section(section)
    sheet.finish()
    for name, section in planned:
        sheet = _Sheet(book.create_sheet(name), state)
        sheet.section(section)
        sheet.finish()
    for cell, target in state.links:
        if target in state.positions:
            where, row = state.positions[target]
            quoted = where.replace("'", "''")
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A{row}")
            cell.font = _LINK
    return book


def _identity(document: m.TechnicalFile) -> m.Table:
    control = document.control
    rows: tuple[tuple[m.Cell, ...], ...] = (
        ("Device", document.device),
        ("Manufacturer", document.manufacturer),
        ("Document", control.document_id),
        ("Device version", control.version),
        ("Date (newest evidence)", control.date.isoformat()),
        ("Project commit", control.commit or "not a git checkout"),
        ("Content hash of all inputs (SHA-256)", control.input_hash),
    )
    if document.scope:
        rows += (("Scope", document.scope),)
    return m.Table(("item", "value"), rows, "Document")


def _editions(control: m.DocumentControl) -> m.Table:
    rows = tuple(
        (h.date.isoformat(), h.version, h.commit or "", h.input_hash, h.summary)
        for h in control.history
    )
    return m.Table(("date", "version", "commit", "inputs (SHA-256)", "change"), rows, "Editions")


class _Sheet:
    """Writes blocks down one worksheet, row by row."""

    __slots__ = ("book", "frozen", "row", "sheet", "widths")

    def __init__(self, sheet: Worksheet, book: _Book) -> None:
        self.sheet = sheet
        self.book = book
        self.row = 0
        self.frozen = False
        self.widths: dict[int, int] = {}

    def title(self, text: str) -> None:
        """A title line in column A."""
        self._line(text, _Style.TITLE)

    def section(self, top: m.Section) -> None:
        """Every table of a section and its sub-sections, each under its section's heading."""
        start = self.row + 1
        for section in top.walk():
            tables = [b for b in section.blocks if isinstance(b, m.Table)]
            row = start  # a section without tables points at its top-level heading
            if section is top or tables:
                self._line(f"{section.number} {section.title}", _Style.HEADING)
                row = self.row
            self.book.positions.setdefault(section.anchor, (self.sheet.title, row))
            for table in tables:
                self.table(table)

    def table(self, table: m.Table) -> None:
        """A table: caption, bold header, cells with their tone; then a blank line."""
        if table.caption:
            self._line(table.caption, _Style.CAPTION)
        self.row += 1
        header = self.row
        for column, title in enumerate(table.header, start=1):
            self._cell(column, title).style = _Style.HEADER.value
        anchors = table.row_anchors or ("",) * len(table.rows)
        for at, (values, anchor) in enumerate(zip(table.rows, anchors, strict=True)):
            self.row += 1
            if anchor:
                self.book.positions.setdefault(anchor, (self.sheet.title, self.row))
            for column, value in enumerate(values):
                style = _TONE_STYLE[table.tone_of(at, column)].value
                self._cell(column + 1, value).style = style
        if not self.frozen:
            self.frozen = True
            self.sheet.freeze_panes = f"A{header + 1}"
            last = get_column_letter(max(len(table.header), 1))
            self.sheet.auto_filter.ref = f"A{header}:{last}{max(self.row, header)}"
        self.row += 1

    def finish(self) -> None:
        """Set column widths from the widest cell (within limits)."""
        for column, width in sorted(self.widths.items()):
            letter = get_column_letter(column)
            self.sheet.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)

    def _at(self, column: int) -> Cell:
        # This writer merges no cells, so every cell is a plain Cell.
        return cast("Cell", self.sheet.cell(self.row, column))

    def _line(self, text: str, style: _Style) -> None:
        self.row += 1
        cell = self._at(1)
        _set_text(cell, text)
        cell.style = style.value

    def _cell(self, column: int, value: m.Cell) -> Cell:
        cell = self._at(column)
        if isinstance(value, m.Link):
            text = value.text
            self.book.links.append((cell, value.target))
        else:
            text = value
        _set_text(cell, text)
        longest = max(map(len, text.splitlines())) if "\n" in text else len(text)
        self.widths[column] = max(self.widths.get(column, 0), longest)
        return cell


def _set_text(cell: Cell, text: str) -> None:
    """Store text as text: legal XML characters only, within Excel's limit, never a formula."""
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(clean) > _MAX_CELL:
        clean = clean[: _MAX_CELL - 1] + "…"
    cell.value = clean
    cell.data_type = "s"  # openpyxl would read a leading "=" as a formula


def _deterministic_zip(data: bytes, when: dt.datetime) -> bytes:
    """Re-write a zip with sorted entries, one fixed timestamp and no host-specific attributes."""
    # The zip format cannot date anything before 1980.
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with ZipFile(io.BytesIO(data)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            info = ZipInfo(name, stamp)
            info.compress_type = ZIP_DEFLATED
            info.create_system = 0  # otherwise the host's OS is written into every entry
            info.external_attr = 0
            target.writestr(info, source.read(name))
    return out.getvalue()
