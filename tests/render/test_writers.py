"""The PDF and DOCX writers on a small hand-made document: extras, links, text and packaging."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from techfile.render import (
    DocumentControl,
    Items,
    Link,
    Missing,
    OutputFormat,
    Para,
    Section,
    Table,
    TechnicalFile,
    Tone,
    WriterError,
    writer_for,
)
from techfile.render.writers import DocxWriter, PdfWriter
from techfile.render.writers._wordml import bookmark_name
from techfile.render.writers.docx import render_docx
from techfile.render.writers.pdf import render_pdf

CONTROL = DocumentControl("TF-demo-1.0", "1.0", dt.date(2025, 3, 14), None, "ab" * 32)


def _document() -> TechnicalFile:
    checklist = Table(
        ("GSPR", "status"),
        (("MDR.AI.1", "met"), ("MDR.AI.2", "missing")),
        "GSPR checklist",
        (Tone.GOOD, Tone.BAD),
        ("gspr-mdr-ai-1", "gspr-mdr-ai-2"),
    )
    return TechnicalFile(
        "Technical documentation: Demo",
        "Demo",
        "Demo GmbH",
        CONTROL,
        (
            Section(
                "gspr",
                "4",
                "General safety and performance requirements",
                "MDR Annex II, section 4",
                (
                    Para("Two lines\nand a control character \x07 here."),
                    checklist,
                    Items(("plain", Link("MDR.AI.2", "gspr-mdr-ai-2"))),
                    Missing("a risk management file", Link("MDR.AI.3", "gspr-mdr-ai-1")),
                ),
                (Section("9-deep", "4.1", "A sub-section"),),
            ),
        ),
    )


def test_writer_for_gives_each_format_its_writer() -> None:
    assert isinstance(writer_for(OutputFormat.PDF), PdfWriter)
    assert isinstance(writer_for(OutputFormat.DOCX), DocxWriter)
    assert writer_for(OutputFormat.HTML).format is OutputFormat.HTML


@pytest.mark.parametrize(
    ("output", "module", "hint"),
    [
        (OutputFormat.PDF, "weasyprint", "PDF needs the 'pdf' extra: pip install 'techfile[pdf]'"),
        (OutputFormat.DOCX, "docx", "DOCX needs the 'docx' extra: pip install 'techfile[docx]'"),
    ],
    ids=["pdf", "docx"],
)
def test_a_missing_extra_is_a_writer_error_with_the_install_hint(
    output: OutputFormat, module: str, hint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # the import now raises ImportError
    with pytest.raises(WriterError) as caught:
        writer_for(output).write(_document(), tmp_path)
    assert str(caught.value) == hint
    assert isinstance(caught.value.__cause__, ImportError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("anchor", "name"),
    [
        ("gspr-mdr-ai-17-2", "gspr_mdr_ai_17_2"),
        ("1-intro", "b_1_intro"),
        ("req-mdcg2019-16-security-risk-management", None),
        ("übersicht", "b__bersicht"),
    ],
    ids=["plain", "digit-first", "too-long", "non-ascii"],
)
def test_bookmark_names_are_valid_for_word(anchor: str, name: str | None) -> None:
    found = bookmark_name(anchor)
    assert len(found) <= 40
    assert found[0].isalpha()
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in found)
    if name is not None:
        assert found == name
    assert bookmark_name(anchor) == found  # stable


def test_docx_of_a_small_document(tmp_path: Path) -> None:
    path = DocxWriter().write(_document(), tmp_path)
    assert path == tmp_path / "technical-file.docx"
    assert [p.name for p in tmp_path.iterdir()] == ["technical-file.docx"]  # no temp file left
    document = docx.Document(str(path))
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.style is not None]
    assert ("Heading 1", "4 General safety and performance requirements") in styled
    assert ("Heading 2", "4.1 A sub-section") in styled
    assert ("List Bullet", "MDR.AI.2") in styled
    body = document.element.body
    para = next(p for p in document.paragraphs if p.text.startswith("Two lines"))
    assert len(para._p.findall(f".//{qn('w:br')}")) == 1
    assert "\x07" not in para.text
    missing = next(p for p in document.paragraphs if p.text.startswith("missing:"))
    assert missing.text == "missing: a risk management file (see MDR.AI.3)"
    names = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert names == {"gspr", "b_9_deep", "gspr_mdr_ai_1", "gspr_mdr_ai_2"}
    targets = {h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))}
    assert targets == {"gspr", "b_9_deep", "gspr_mdr_ai_1", "gspr_mdr_ai_2"}  # contents too
    table = document.tables[0]
    shading = [
        row.cells[1]._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill"))
        for row in table.rows
    ]
    assert shading == ["E8E8E8", "E6F4E6", "F8D7DA"]


def test_docx_bytes_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    first = render_docx(_document())
    monkeypatch.setattr("time.time", lambda: 2_000_000_000.0)  # 2033: zip stamps would move
    assert render_docx(_document()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert package.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in package.infolist()} == {(2025, 3, 14, 0, 0, 0)}


def test_pdf_refuses_every_url() -> None:
    from techfile.render.writers.pdf import _refusing_fetcher, _weasyprint  # noqa: PLC0415

    fetcher = _refusing_fetcher(_weasyprint())
    for url in ("https://example.org/style.css", "file:///etc/passwd", "data:text/css,p{}"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_pdf_bytes_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, which stamps the
    # font's head table with the time unless SOURCE_DATE_EPOCH is set: force that path.
    monkeypatch.setattr("weasyprint.pdf.fonts.harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = render_pdf(_document())
    monkeypatch.setattr("time.time", lambda: 2_000_000_000.0)
    assert render_pdf(_document()) == first
    assert first.startswith(b"%PDF-")
    assert "SOURCE_DATE_EPOCH" not in os.environ  # restored after writing
