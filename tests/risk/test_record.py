"""The risk record (kind ``risk``) and its section in the technical file (Annex II 5)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from techfile.assess import assess_project, status_name
from techfile.catalog import EvidenceKind
from techfile.cli import app
from techfile.evidence import (
    FolderStore,
    Outcome,
    Verified,
    changed_subjects,
    file_digest,
    load_public_key,
    read_ledger,
)
from techfile.project import load_manifest
from techfile.render._model import Para, Table
from techfile.render.sections import SECTIONS, Group, sections_in
from techfile.risk import load_risk_data

runner = CliRunner()
ENV = {"TECHFILE_KEY_PASSPHRASE": "risk test passphrase"}


def _records(project: Path, kind: EvidenceKind) -> list[Verified]:
    ledger = read_ledger(
        FolderStore(project / "evidence"), [load_public_key(project / "keys" / "evidence")]
    )
    assert not ledger.rejected
    return [v for v in ledger.verified if v.record.kind is kind]


def test_recording_signs_a_risk_record_pinning_the_file_and_its_evidence(project: Path) -> None:
    result = runner.invoke(app, ["risk", "record", str(project)], env=ENV)
    assert result.exit_code == 0, result.output
    (verified,) = _records(project, EvidenceKind.RISK)
    record = verified.record
    assert record.outcome is Outcome.PASS
    names = [s.name for s in record.subjects]
    assert names[0] == "risks.yaml"
    junit = next(v for v in _records(project, EvidenceKind.JUNIT))
    assert f"evidence/{junit.record.digest}.json" in names
    assert {link.requirement for link in record.links} == set(load_risk_data().record_requirements)
    counts = record.details["counts"]
    assert isinstance(counts, dict)
    assert counts["risks"] == 16
    assert record.details["ok"] is True
    assert not changed_subjects(verified, file_digest(project))


def test_the_risk_record_goes_stale_when_the_file_changes(project: Path) -> None:
    assert runner.invoke(app, ["risk", "record", str(project)], env=ENV).exit_code == 0
    path = project / "risks.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    (verified,) = _records(project, EvidenceKind.RISK)
    assert changed_subjects(verified, file_digest(project)) == ("risks.yaml",)


def test_a_failing_check_records_a_fail_record_and_exits_1(project: Path) -> None:
    path = project / "risks.yaml"
    path.write_text(path.read_text().replace("  acceptable: true\n", "  acceptable: false\n"))
    result = runner.invoke(app, ["risk", "record", str(project)], env=ENV)
    assert result.exit_code == 1
    assert "(fail)" in result.output
    (verified,) = _records(project, EvidenceKind.RISK)
    assert verified.record.outcome is Outcome.FAIL


def test_the_risk_section_sits_under_annex_ii_5_and_shows_the_file(project: Path) -> None:
    assert SECTIONS[EvidenceKind.RISK].group is Group.RISK
    assert [s.kind for s in sections_in(Group.RISK)] == [EvidenceKind.RISK]
    assert runner.invoke(app, ["risk", "record", str(project)], env=ENV).exit_code == 0
    blocks = SECTIONS[EvidenceKind.RISK].render(_records(project, EvidenceKind.RISK))
    tables = {b.caption.split(";")[0]: b for b in blocks if isinstance(b, Table)}
    after = tables["Number of risks after controls"]
    serious = next(row for row in after.rows if row[0] == "serious")
    assert serious[1:] == ("3", "10", "1", "", "")
    controls = tables["Risk controls and their verification"]
    assert {row[3] for row in controls.rows} == {"verified"}
    texts = [b.text for b in blocks if isinstance(b, Para)]
    assert any(t.startswith("Overall residual risk: acceptable.") for t in texts)
    assert "Every risk check passed." in texts


def test_the_technical_file_shows_the_risk_section(project: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["risk", "record", str(project)], env=ENV).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(project), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    html = (out / "technical-file.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="risk">') :]
    section = section[: section.index('<section id="verification">')]
    assert "5.1 Risk management file" in section
    assert "R-WOMEN" in section
    # The matrices' cells are shaded by the policy's regions (serious/remote acceptable).
    assert '<tr><td>serious</td><td class="good">3</td><td class="good">10</td>' in section
    report = assess_project(load_manifest(project)).report
    statuses = {str(a.requirement.id): status_name(a.status).value for a in report.assessments}
    assert statuses["MDR.AII.5.b"] == "met"
