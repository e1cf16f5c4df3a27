"""Cells shaded on their own: the model's rule and each writer."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import html5lib  # type: ignore[import-untyped]  # html5lib ships no type hints
import pytest
from docx.oxml.ns import qn
from docx.table import _Cell
from openpyxl import load_workbook

from techfile.render import DocumentControl, Section, Table, TechnicalFile, Tone
from techfile.render.writers import DocxWriter
from techfile.render.writers.html import render_html
from techfile.render.writers.xlsx import render_xlsx

CONTROL = DocumentControl("TF-demo-1.0", "1.0", dt.date(2025, 3, 14), None, "ab" * 32)
_N, _G, _B = Tone.NORMAL, Tone.GOOD, Tone.BAD
# The second row is bad as a whole; its middle cell is good on its own.
TABLE = Table(
    ("level", "low", "high"),
    (("minor", "1", ""), ("serious", "", "2")),
    "Cells",
    (_N, _B),
    cell_tones=((_N, _G, _B), (_N, _G, _N)),
)


def _document() -> TechnicalFile:
    section = Section("cells", "1", "Cells", "", (TABLE,))
    return TechnicalFile("Technical documentation: Demo", "Demo", "Demo GmbH", CONTROL, (section,))


def test_a_cell_tone_takes_the_place_of_its_rows() -> None:
    tones = [[TABLE.tone_of(row, column) for column in range(3)] for row in range(2)]
    assert tones == [[_N, _G, _B], [_B, _G, _B]]
    assert Table(("a",), (("x",),)).tone_of(0, 0) is _N


@pytest.mark.parametrize(
    "cell_tones",
    [((_N, _G, _B),), ((_N, _G), (_N, _G)), ((_N, _G, _B), (_N, _G, _B, _B))],
    ids=["a-row-short", "a-cell-short", "a-cell-too-many"],
)
def test_cell_tones_must_give_one_tone_per_cell(cell_tones: tuple[tuple[Tone, ...], ...]) -> None:
    with pytest.raises(ValueError, match="one tone per cell"):
        Table(TABLE.header, TABLE.rows, cell_tones=cell_tones)


def test_html_gives_each_toned_cell_its_class() -> None:
    tree = html5lib.parse(render_html(_document()), namespaceHTMLElements=False)
    rows = tree.findall(".//tbody/tr")
    classes = [[td.get("class") for td in row.findall("td")] for row in rows]
    assert classes == [[None, "good", "bad"], [None, "good", None]]
    assert [row.get("class") for row in rows] == [None, "bad"]  # the row's own tone stays


def _shading(cell: _Cell) -> str | None:
    found = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return None if found is None else str(found.get(qn("w:fill")))


def test_docx_shades_each_cell_by_its_tone(tmp_path: Path) -> None:
    document = docx.Document(str(DocxWriter().write(_document(), tmp_path)))
    fills = [[_shading(cell) for cell in row.cells] for row in document.tables[0].rows]
    assert fills == [
        ["E8E8E8"] * 3,  # the header
        [None, "E6F4E6", "F8D7DA"],
        ["F8D7DA", "E6F4E6", "F8D7DA"],
    ]


def test_xlsx_fills_each_cell_by_its_tone() -> None:
    sheet = load_workbook(io.BytesIO(render_xlsx(_document())))["1 Cells"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "level")
    fills = [
        [sheet.cell(row, column).fill.fgColor.rgb for column in (1, 2, 3)]
        for row in (header + 1, header + 2)
    ]
    good, bad = fills[0][1], fills[0][2]
    assert good != bad
    assert fills == [[fills[0][0], good, bad], [bad, good, bad]]
    assert fills[0][0] not in {good, bad}
