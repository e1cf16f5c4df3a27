"""The XLSX technical file: sheets, headers, row counts, fills, links, names and determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from techfile.assess import ProjectAssessment, assess_project
from techfile.project import load_manifest
from techfile.render import (
    DocumentControl,
    Link,
    OutputFormat,
    Para,
    Section,
    Table,
    TechnicalFile,
    Tone,
    WriterError,
    build,
    document_for,
    writer_for,
)
from techfile.render.writers.xlsx import CONTROL_SHEET, XlsxWriter, render_xlsx, sheet_names

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
GSPR_HEADER = (
    "GSPR",
    "title",
    "applicable",
    "rationale or justification",
    "standards / CS",
    "evidence",
    "status",
)


def _copy(root: Path) -> Path:
    """The example project without evidence (its documentation is then fully deterministic)."""
    shutil.copytree(
        EXAMPLE, root, ignore=shutil.ignore_patterns("reports", "evidence", "keys", "__pycache__")
    )
    return root


@pytest.fixture(scope="module")
def example(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[ProjectAssessment, TechnicalFile, Path]:
    root = _copy(tmp_path_factory.mktemp("xlsx") / "cardiorisk")
    project = assess_project(load_manifest(root))
    document, _, _ = document_for(project, root / "out")
    path = XlsxWriter().write(document, root / "out")
    return project, document, path


@pytest.fixture(scope="module")
def book(example: tuple[ProjectAssessment, TechnicalFile, Path]) -> Workbook:
    return load_workbook(example[2])


def _table(sheet: Worksheet, header: tuple[str, ...]) -> list[tuple[object, ...]]:
    """The data rows under the first row equal to ``header``, up to the next blank row."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if tuple(r[: len(header)]) == header)
    found: list[tuple[object, ...]] = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        found.append(row)
    return found


def _header_row(sheet: Worksheet, first: str) -> int:
    return next(int(c.row) for c in sheet["A"] if c.value == first)


def test_sheets_are_the_control_sheet_then_each_section_with_tables(
    example: tuple[ProjectAssessment, TechnicalFile, Path], book: Workbook
) -> None:
    _, document, _ = example
    names = book.sheetnames
    assert names[0] == CONTROL_SHEET
    assert {"GSPR checklist", "Traceability", "Index"} <= set(names)
    assert tuple(names) == sheet_names(document)
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    with_tables = [
        s
        for s in document.sections
        if any(isinstance(b, Table) for x in s.walk() for b in x.blocks)
    ]
    # The outline's own document-control section joins the control sheet.
    assert len(names) == len(with_tables)
    assert names.index("GSPR checklist") < names.index("Traceability") < names.index("Index")


def test_gspr_checklist_has_one_row_per_in_scope_annex_i_requirement(
    example: tuple[ProjectAssessment, TechnicalFile, Path], book: Workbook
) -> None:
    project, _, _ = example
    sheet = book["GSPR checklist"]
    header = _header_row(sheet, "GSPR")
    assert tuple(c.value for c in sheet[header]) == GSPR_HEADER
    assert all(c.font.b for c in sheet[header])
    assert sheet[f"A{header - 1}"].value == "GSPR checklist"  # the caption above the table
    assert sheet.freeze_panes == f"A{header + 1}"
    rows = _table(sheet, GSPR_HEADER)
    in_scope = [a.requirement.id for a in project.report.assessments]
    expected = [r for r in in_scope if r.startswith("MDR.AI.")]
    assert len(rows) == len(expected) > 100
    assert [r[0] for r in rows] == expected


def test_row_tones_become_the_gap_report_fills(book: Workbook) -> None:
    sheet = book["GSPR checklist"]
    fills = {"missing": "00FFC7CE", "not_applicable": "00D9D9D9", "met": "00C6EFCE"}
    seen = set()
    for row in sheet.iter_rows(min_row=_header_row(sheet, "GSPR") + 1):
        status = row[6].value
        if status in fills:
            assert {c.fill.fgColor.rgb for c in row} == {fills[str(status)]}, row[0].value
            seen.add(status)
    assert {"missing", "not_applicable"} <= seen  # the example has no evidence here


def test_traceability_and_index_rows(
    example: tuple[ProjectAssessment, TechnicalFile, Path], book: Workbook
) -> None:
    project, _, _ = example
    trace = _table(book["Traceability"], ("requirement", "citation", "status"))
    assert [r[0] for r in trace] == [a.requirement.id for a in project.report.assessments]
    index = _table(book["Index"], ("item", "title", "addressed in", "status"))
    assert {f"AIA.AIV.{n}" for n in range(1, 10)} <= {r[0] for r in index}


def test_every_link_in_the_workbook_points_at_its_row(book: Workbook) -> None:
    count = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.hyperlink is None:
                    continue
                target_sheet, _, where = str(cell.hyperlink.location).rpartition("!")
                target = book[target_sheet.strip("'").replace("''", "'")][where].value
                assert str(target).startswith(str(cell.value)), (sheet.title, cell.coordinate)
                count += 1
    assert count > 40


def test_document_control_sheet(
    example: tuple[ProjectAssessment, TechnicalFile, Path], book: Workbook
) -> None:
    _, document, _ = example
    sheet = book[CONTROL_SHEET]
    assert sheet["A1"].value == document.title
    identity = {r[0]: r[1] for r in _table(sheet, ("item", "value"))}
    assert identity["Document"] == document.control.document_id
    assert identity["Content hash of all inputs (SHA-256)"] == document.control.input_hash
    assert identity["Scope"] == document.scope
    listed = [r[0] for r in _table(sheet, ("sheet", "section", "title"))]
    assert listed == book.sheetnames[1:]
    assert book.properties.creator == "techfile"
    date = dt.datetime.combine(document.control.date, dt.time())
    assert book.properties.created == book.properties.modified == date


def test_a_second_write_is_byte_identical(
    example: tuple[ProjectAssessment, TechnicalFile, Path], tmp_path: Path
) -> None:
    _, document, first = example
    second = XlsxWriter().write(document, tmp_path)
    assert second.read_bytes() == first.read_bytes()
    with zipfile.ZipFile(second) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        stamp = document.control.date.timetuple()[:3]
        assert {i.date_time for i in archive.infolist()} == {(*stamp, 0, 0, 0)}
    assert list(tmp_path.iterdir()) == [second]  # the temporary file was renamed into place


def test_build_writes_the_xlsx_format_deterministically(tmp_path: Path) -> None:
    project = _copy(tmp_path / "cardiorisk")
    out = tmp_path / "out"
    result = build(project, out, [OutputFormat.XLSX])
    assert result.files == (out / "technical-file.xlsx",)
    digest = hashlib.sha256(result.files[0].read_bytes()).hexdigest()
    build(project, out, [OutputFormat.XLSX])
    assert hashlib.sha256(result.files[0].read_bytes()).hexdigest() == digest
    assert isinstance(writer_for(OutputFormat.XLSX), XlsxWriter)


def _document(*sections: Section) -> TechnicalFile:
    control = DocumentControl("TF-x-1", "1", dt.date(2026, 1, 2), None, "0" * 64)
    return TechnicalFile("Title", "Device", "Maker", control, sections=sections)


def _section(anchor: str, number: str, title: str, *tables: Table) -> Section:
    return Section(anchor, number, title, "", (Para("not in the workbook"), *tables))


def test_sheet_names_are_short_legal_and_unique_ignoring_case() -> None:
    table = Table(("a",), (("x",),))
    long_title = "A very long title: with [brackets] / slashes * and ? marks"
    document = _document(
        _section("one", "1", long_title, table),
        _section("two", "1", long_title, table),
        _section("two-again", "1", long_title, table),
        _section("three", "2", "Empty: no table"),
        _section("index", "3", "Whatever the outline calls it", table),
        _section("four", "", "index", table),
        _section("control", "0", "Document control", table),
    )
    names = sheet_names(document)
    assert names == (
        CONTROL_SHEET,
        "1 A very long title with brack…",
        "1 A very long title with br (2)",
        "1 A very long title with br (3)",
        "Index",
        "index (2)",
    )
    book = load_workbook(io.BytesIO(render_xlsx(document)))
    assert tuple(book.sheetnames) == names
    # The control section's table joins the control sheet.
    assert "0 Document control" in [c.value for c in book[CONTROL_SHEET]["A"]]


def test_cells_are_text_never_formulas(tmp_path: Path) -> None:
    table = Table(
        ("text", "tone"),
        (("=1+1", "x"), ("bell\x07here", "y"), ("z" * 40_000, "w")),
        "Odd cells",
        (Tone.NORMAL, Tone.WARN, Tone.GOOD),
    )
    path = XlsxWriter().write(_document(_section("s", "1", "S", table)), tmp_path)
    sheet = load_workbook(path)["1 S"]
    rows = _table(sheet, ("text", "tone"))
    assert rows[0][0] == "=1+1"
    assert rows[1][0] == "bellhere"
    assert len(str(rows[2][0])) == 32_767
    assert sheet["A5"].data_type == "s"


def test_an_unwritable_folder_is_a_writer_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(WriterError, match="cannot write the workbook"):
        XlsxWriter().write(_document(), blocker)


def test_a_link_to_an_anchor_outside_the_workbook_stays_plain_text(tmp_path: Path) -> None:
    table = Table(("to",), ((Link("here", "s"),), (Link("elsewhere", "not-in-any-sheet"),)))
    path = XlsxWriter().write(_document(_section("s", "1", "S", table)), tmp_path)
    sheet = load_workbook(path)["1 S"]
    here, elsewhere = (sheet.cell(row, 1) for row in (3, 4))
    assert (here.value, elsewhere.value) == ("here", "elsewhere")
    assert here.hyperlink is not None
    assert here.hyperlink.location == "'1 S'!A1"
    assert elsewhere.hyperlink is None
