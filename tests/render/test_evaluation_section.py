"""The evaluation section renders a signed evaluation with its figures, in every format."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import docx
import html5lib  # type: ignore[import-untyped]  # html5lib ships no type hints
import pytest
from docx.oxml.ns import qn

from techfile.catalog import EvidenceKind, load_catalog
from techfile.evaluate import (
    AcceptanceCriterion,
    Columns,
    EvaluationPlan,
    Limit,
    MetricName,
    evaluate,
    evidence_draft,
    read_table,
)
from techfile.evidence import Draft, Outcome, Subject, Verified, sign_draft, verify_record
from techfile.render import DocumentControl, OutputFormat, Section, TechnicalFile, writer_for
from techfile.render._model import Block, Figure, Para, Table, Tone
from techfile.render.sections import SECTIONS, Group, sections_in
from techfile.render.writers.html import render_html
from techfile.testing import throwaway_signer


def _verified(draft: Draft) -> Verified:
    signer, key = throwaway_signer()
    result = verify_record(sign_draft(draft, signer, catalog=load_catalog()), [key])
    assert isinstance(result, Verified)
    return result


@pytest.fixture(scope="module")
def blocks(tmp_path_factory: pytest.TempPathFactory) -> list[Block]:
    lines = ["y,p,sex"]
    for i in range(160):
        label = i % 4 == 0
        score = min(1.0, (0.45 if label else 0.05) + (i * 31 % 100) / 180)
        lines.append(f"{int(label)},{score:.3f},{'female' if i < 150 else 'other'}")
    path = tmp_path_factory.mktemp("section") / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = EvaluationPlan(
        threshold=0.5,
        criteria=(
            AcceptanceCriterion(MetricName.AUROC, Limit.AT_LEAST, 0.6, "state of the art"),
            AcceptanceCriterion(MetricName.SENSITIVITY, Limit.AT_LEAST, 0.99, "clinical need"),
        ),
    )
    table = read_table(path, Columns("y", score="p", groups=("sex",)))
    report = evaluate(table, plan, replicates=50, source="data/cases.csv")
    draft = evidence_draft(report, Subject("data/cases.csv", report.table.sha256))
    return SECTIONS[EvidenceKind.EVALUATION].render([_verified(draft)])


def test_the_section_is_registered_with_the_checks() -> None:
    assert SECTIONS[EvidenceKind.EVALUATION] in sections_in(Group.CHECKS)


def test_criteria_metrics_subgroups_gaps_and_figures(blocks: list[Block]) -> None:
    tables = {b.caption: b for b in blocks if isinstance(b, Table)}
    criteria = next(t for c, t in tables.items() if c.startswith("Acceptance criteria"))
    assert [row[-1] for row in criteria.rows] == ["pass", "fail"]
    assert criteria.tones == (Tone.GOOD, Tone.BAD)
    overall = next(t for c, t in tables.items() if c.startswith("All cases"))
    assert [row[0] for row in overall.rows][:2] == ["sensitivity", "specificity"]
    by_sex = tables["By sex"]
    other = next(row for row in by_sex.rows if row[0] == "other")
    assert other[3] == "undefined (n = 2 < 10)"  # its sensitivity: cases 152 and 156
    assert any(c.startswith("Fairness gaps") for c in tables)
    figures = [b for b in blocks if isinstance(b, Figure)]
    assert len(figures) == 5
    assert len({f.svg for f in figures}) == 5
    assert all(f.png.startswith(b"\x89PNG") for f in figures)


def test_html_and_docx_show_the_figures(blocks: list[Block], tmp_path: Path) -> None:
    control = DocumentControl("TF-1", "1.0", dt.date(2026, 1, 1), None, "0" * 64)
    section = Section("evaluation", "1", "Performance evaluation", "", tuple(blocks))
    document = TechnicalFile("Technical file", "Device", "Maker", control, (section,))
    html = render_html(document)
    tree = html5lib.parse(html)
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids))  # five inline SVGs, no id twice
    assert html.count("<figure") == 5
    path = writer_for(OutputFormat.DOCX).write(document, tmp_path)
    with zipfile.ZipFile(path) as package:
        media = sorted(n for n in package.namelist() if n.startswith("word/media/"))
        pngs = [package.read(name) for name in media]
    figures = [b for b in blocks if isinstance(b, Figure)]
    assert sorted(pngs) == sorted(f.png for f in figures)  # each figure's own PNG, once
    word = docx.Document(str(path))
    assert len(word.inline_shapes) == 5
    described = [p.get("descr") for p in word.element.body.iter(qn("wp:docPr"))]
    assert described == [f.description for f in figures]
    assert len({p.get("id") for p in word.element.body.iter(qn("wp:docPr"))}) == 5
    captions = [
        p.text for p in word.paragraphs if p.style is not None and p.style.name == "Caption"
    ]
    assert "Figure: ROC curve of all cases" in " ".join(captions)
    assert "(drawn in the HTML and PDF editions)" not in word.element.xml


def test_a_figure_without_an_image_is_described_in_word(
    blocks: list[Block], tmp_path: Path
) -> None:
    roc = next(b for b in blocks if isinstance(b, Figure))
    bare = Figure(roc.svg, roc.caption, roc.description)
    control = DocumentControl("TF-1", "1.0", dt.date(2026, 1, 1), None, "0" * 64)
    section = Section("evaluation", "1", "Performance evaluation", "", (bare,))
    document = TechnicalFile("Technical file", "Device", "Maker", control, (section,))
    word = docx.Document(str(writer_for(OutputFormat.DOCX).write(document, tmp_path)))
    assert not word.inline_shapes
    assert any("(drawn in the HTML and PDF editions)" in p.text for p in word.paragraphs)


def test_a_figure_image_must_be_a_png(blocks: list[Block]) -> None:
    roc = next(b for b in blocks if isinstance(b, Figure))
    with pytest.raises(ValueError, match="must be a PNG"):
        Figure(roc.svg, roc.caption, roc.description, b"GIF89a")


def test_a_record_with_unreadable_details_says_so() -> None:
    draft = Draft(
        kind=EvidenceKind.EVALUATION,
        subjects=(Subject("data/cases.csv", "0" * 64),),
        outcome=Outcome.INFO,
        summary="data/cases.csv: 10 cases",
        details={"schema": "techfile.evaluation/0"},
    )
    blocks = SECTIONS[EvidenceKind.EVALUATION].render([_verified(draft)])
    warnings = [b for b in blocks if isinstance(b, Para) and b.tone is Tone.WARN]
    assert any("cannot be read" in b.text for b in warnings)
