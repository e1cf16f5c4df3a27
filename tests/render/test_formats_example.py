"""The example device's technical file in HTML, PDF and DOCX, built from real signed evidence.

The example's own test suite and bandit run for real in a copy of ``examples/cardiorisk``; the
PDF pages are rasterised with poppler and the DOCX is read back with python-docx. A second
build in another process (another hash seed) must give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from techfile.assess import assess_project
from techfile.catalog import load_catalog
from techfile.cli import app
from techfile.project import load_manifest
from techfile.render import TechnicalFile, document_for

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
ENV = {"TECHFILE_KEY_PASSPHRASE": "example passphrase"}
FORMATS = ("html", "pdf", "docx")
runner = CliRunner()


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, cwd=cwd, check=False, capture_output=True, timeout=600)  # noqa: S603  # fixed tools and our own interpreter


@pytest.fixture(scope="module")
def project(
    tmp_path_factory: pytest.TempPathFactory,
    example_with_evidence_in: Callable[[Path, Mapping[str, str]], Path],
) -> Path:
    return example_with_evidence_in(tmp_path_factory.mktemp("example"), ENV)


@pytest.fixture(scope="module")
def built(project: Path) -> Path:
    out = project.parent / "technical-file"
    result = runner.invoke(
        app, ["build", str(project), "--out", str(out), "--format", ",".join(FORMATS)]
    )
    assert result.exit_code == 0, result.output
    for extension in FORMATS:
        assert (out / f"technical-file.{extension}").is_file(), extension
    return out


@pytest.fixture(scope="module")
def model(project: Path, built: Path) -> TechnicalFile:
    document, _, _ = document_for(assess_project(load_manifest(project)), built)
    return document


# --- PDF -------------------------------------------------------------------------------------


def _pages_text(pdf: Path) -> list[str]:
    result = _run(["pdftotext", "-layout", str(pdf), "-"], pdf.parent)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().split("\f")[:-1]  # pdftotext ends every page with a form feed


def _grey_page(pdf: Path, page: int, tmp_path: Path) -> tuple[int, int, bytes]:
    """Rasterise one page as 8-bit PGM (P5) and return width, height and pixels."""
    prefix = tmp_path / f"page-{page}"
    args = ["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile"]
    result = _run([*args, str(pdf), str(prefix)], tmp_path)
    assert result.returncode == 0, result.stderr
    data = prefix.with_suffix(".pgm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert (magic, maxval) == (b"P5", b"255")
    return int(width), int(height), pixels[: int(width) * int(height)]


def _assert_not_blank(pixels: bytes, *, text: float, ink: float) -> None:
    """At least a ``text`` share of dark pixels and an ``ink`` share of non-white ones."""
    dark = sum(1 for p in pixels if p < 128) / len(pixels)
    inked = sum(1 for p in pixels if p < 240) / len(pixels)
    assert text < dark < 0.5, f"share of dark pixels {dark:.4f}"
    assert ink < inked, f"share of non-white pixels {inked:.4f}"
    assert len(set(pixels)) > 16  # anti-aliased text and shading, not one flat colour


def test_pdf_first_page_and_gspr_checklist_are_drawn(built: Path, tmp_path: Path) -> None:
    pdf = built / "technical-file.pdf"
    pages = _pages_text(pdf)
    assert "Technical documentation: CardioRisk CAD" in pages[0]
    gspr = next(i for i, text in enumerate(pages, 1) if "GSPR checklist" in text)
    assert "rationale or" in pages[gspr - 1]  # the checklist's header row
    width, height, first = _grey_page(pdf, 1, tmp_path)
    assert 0.68 < width / height < 0.73  # A4 portrait
    _assert_not_blank(first, text=0.002, ink=0.01)  # a title page: a few lines of text
    _, _, checklist = _grey_page(pdf, gspr, tmp_path)
    _assert_not_blank(checklist, text=0.005, ink=0.3)  # a table with shaded rows


def test_pdf_metadata_comes_from_the_document_control(built: Path, model: TechnicalFile) -> None:
    result = _run(["pdfinfo", "-isodates", str(built / "technical-file.pdf")], built)
    lines = (line.partition(":") for line in result.stdout.decode().splitlines())
    info = {key.strip(): value.strip() for key, _, value in lines}
    assert info["Title"] == model.title
    assert info["Author"] == model.manufacturer
    day = model.control.date.isoformat()
    assert info["CreationDate"].startswith(day)
    assert info["ModDate"].startswith(day)


# --- DOCX ------------------------------------------------------------------------------------


def _headings(document: docx.document.Document) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]


def test_docx_headings_follow_the_outline(built: Path, model: TechnicalFile) -> None:
    headings = _headings(docx.Document(str(built / "technical-file.docx")))
    expected_in_order = [
        ("Heading 1", "0 Document control"),
        ("Heading 1", "1 Device description and specification, including variants and accessories"),
        ("Heading 2", "1.1 Device description and specification"),
        ("Heading 1", "4 General safety and performance requirements"),
        ("Heading 3", "6.1.1 Software tests"),
        ("Heading 1", "8 EU declaration of conformity (draft)"),
        ("Heading 1", "C Index: where each Annex IV item and GSPR is addressed"),
    ]  # fmt: skip
    positions = [headings.index(h) for h in expected_in_order]
    assert positions == sorted(positions)

    def depth(number: str) -> int:
        return number.count(".") + 1

    assert headings == [
        (f"Heading {min(depth(s.number), 6)}", f"{s.number} {s.title}") for s in model.walk()
    ]


def test_docx_gspr_checklist_has_a_row_per_annex_i_requirement(built: Path) -> None:
    document = docx.Document(str(built / "technical-file.docx"))
    gsprs = [r for r in load_catalog().requirements if r.startswith("MDR.AI.")]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "GSPR")
    assert len(table.rows) == 1 + len(gsprs)
    assert [row.cells[0].text for row in table.rows[1:]] == gsprs
    header = table.rows[0]._tr
    assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(r.bold for c in table.rows[0].cells for p in c.paragraphs for r in p.runs)
    fills = {
        row.cells[-1].text: row.cells[0]._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
        for row in table.rows[1:]
    }
    assert fills["missing"].get(qn("w:fill")) == "F8D7DA"


def test_docx_contents_field_links_and_missing_lines(built: Path) -> None:
    with zipfile.ZipFile(built / "technical-file.docx") as package:
        body = package.read("word/document.xml").decode()
        settings = package.read("word/settings.xml").decode()
    assert 'TOC \\o "1-3" \\h \\z \\u' in body
    assert '<w:updateFields w:val="true"/>' in settings
    document = docx.Document(str(built / "technical-file.docx"))
    element = document.element.body
    bookmarks = [b.get(qn("w:name")) for b in element.iter(qn("w:bookmarkStart"))]
    links = {h.get(qn("w:anchor")) for h in element.iter(qn("w:hyperlink"))}
    assert len(bookmarks) == len(set(bookmarks))
    assert all(len(name) <= 40 for name in bookmarks)
    assert links
    assert links <= set(bookmarks)
    missing = [p for p in document.paragraphs if p.text.startswith("missing:")]
    assert missing
    assert all(r.font.color.rgb == docx.shared.RGBColor(0xC0, 0, 0) for r in missing[0].runs[:1])


def test_docx_core_properties_come_from_the_document_control(
    built: Path, model: TechnicalFile
) -> None:
    props = docx.Document(str(built / "technical-file.docx")).core_properties
    midnight = dt.datetime.combine(model.control.date, dt.time(), tzinfo=dt.UTC)
    assert (props.title, props.author) == (model.title, model.manufacturer)
    assert (props.created, props.modified) == (midnight, midnight)
    assert props.revision == len(model.control.history) + 1
    with zipfile.ZipFile(built / "technical-file.docx") as package:
        stamps = {info.date_time for info in package.infolist()}
    assert stamps == {(*model.control.date.timetuple()[:3], 0, 0, 0)}


# --- determinism and missing extras ----------------------------------------------------------


def test_a_rebuild_in_another_process_gives_the_same_bytes(built: Path, project: Path) -> None:
    before = {f: (built / f"technical-file.{f}").read_bytes() for f in FORMATS}
    build = "from techfile.cli import main; main()"
    result = _run(
        [sys.executable, "-c", build, "build", str(project), "--out", str(built),
         "--format", ",".join(FORMATS)],
        project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert b"inputs unchanged" in result.stdout
    for extension in FORMATS:
        after = (built / f"technical-file.{extension}").read_bytes()
        assert after == before[extension], extension


def test_a_missing_extra_fails_the_build_with_the_install_hint(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # import docx now raises ImportError
    result = runner.invoke(
        app, ["build", str(project), "--out", str(tmp_path), "--format", "html,docx"]
    )
    assert result.exit_code == 1
    assert "pip install 'techfile[docx]'" in result.output
    assert not (tmp_path / "technical-file.docx").exists()
