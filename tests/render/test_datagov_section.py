"""The datagov section renders a signed profile, and tolerates an older, thinner record."""

from __future__ import annotations

from pathlib import Path

from techfile.catalog import EvidenceKind, load_catalog
from techfile.datagov import Roles, evidence_draft, profile_file
from techfile.evidence import Draft, Outcome, Subject, Verified, sign_draft, verify_record
from techfile.render._model import Missing, Para, Table, Tone
from techfile.render.sections import SECTIONS, Group, sections_in
from techfile.testing import throwaway_signer

DATA = Path(__file__).resolve().parents[2] / "examples/cardiorisk/data/heart_disease_uci.csv"


def _verified(draft: Draft) -> Verified:
    signer, key = throwaway_signer()
    envelope = sign_draft(draft, signer, catalog=load_catalog())
    result = verify_record(envelope, [key])
    assert isinstance(result, Verified)
    return result


def test_the_section_is_registered_with_the_design_documents() -> None:
    section = SECTIONS[EvidenceKind.DATAGOV]
    assert section in sections_in(Group.DOCUMENTS)


def test_a_profile_renders_its_findings_tables_and_datasheet_gaps() -> None:
    report = profile_file(DATA, Roles(id="id", label="num", groups=("sex", "dataset")))
    subject = Subject("data/heart_disease_uci.csv", report.table.sha256)
    blocks = SECTIONS[EvidenceKind.DATAGOV].render([_verified(evidence_draft(report, subject))])
    tables = {b.caption: b for b in blocks if isinstance(b, Table)}
    findings = tables["Findings"]
    assert len(findings.rows) == len(report.findings)
    assert Tone.WARN in findings.tones
    assert any(row[0] == "ca" for row in tables["Missing values"].rows)
    assert "Duplicate rows" in tables
    datasheet = next(t for c, t in tables.items() if c.startswith("Datasheet"))
    assert len(datasheet.rows) == 7
    gaps = [b for b in blocks if isinstance(b, Missing)]
    assert len(gaps) == 7  # no datasets: section given: every heading is a gap


def test_an_older_record_with_thin_details_still_renders() -> None:
    draft = Draft(
        kind=EvidenceKind.DATAGOV,
        subjects=(Subject("data/t.csv", "0" * 64),),
        outcome=Outcome.PASS,
        summary="data/t.csv: 10 rows; no findings",
        details={"findings": [], "checks": [{"title": "Duplicate rows", "ran": True}]},
    )
    blocks = SECTIONS[EvidenceKind.DATAGOV].render([_verified(draft)])
    texts = [b.text for b in blocks if isinstance(b, Para)]
    assert "The profile found no problem in the data." in texts
    assert "No column has missing values." in texts
