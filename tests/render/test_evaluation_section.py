"""The evaluation section renders a signed evaluation with its figures, in every format."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import html5lib  # type: ignore[import-untyped]  # html5lib ships no type hints
import pytest

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
    with zipfile.ZipFile(path) as docx:
        body = docx.read("word/document.xml").decode()
    assert "Figure: ROC curve of all cases" in body
    assert "(drawn in the HTML and PDF editions)" in body


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
