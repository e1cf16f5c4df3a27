"""The example device end to end: real tests, coverage and static analysis become signed evidence.

The example's own test suite and bandit run for real in a copy of ``examples/cardiorisk``; the
gap report is then checked by hand against what that evidence shows.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from techfile.catalog import EvidenceKind, load_catalog
from techfile.cli import app
from techfile.evidence import Draft, Outcome, Subject, sign_draft
from techfile.testing import throwaway_signer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
ENV = {"TECHFILE_KEY_PASSPHRASE": "example passphrase"}
runner = CliRunner()


@pytest.fixture(scope="module")
def project(
    tmp_path_factory: pytest.TempPathFactory,
    example_with_evidence_in: Callable[[Path, Mapping[str, str]], Path],
) -> Path:
    return example_with_evidence_in(tmp_path_factory.mktemp("example"), ENV)


def _gaps(root: Path) -> tuple[int, dict[str, str], dict[str, Any]]:
    result = runner.invoke(app, ["gaps", str(root), "--json"])
    data = json.loads(result.stdout)
    return result.exit_code, {r["id"]: r["status"] for r in data["requirements"]}, data


EXPECTED = {
    # Verified by the example's passing tests, coverage, bandit run or documents:
    "MDR.AI.17.2": "met",  # software to the state of the art: tests, coverage, SAST, plan
    "MDR.AI.17.1": "met",  # repeatability and reliability: input-range tests
    "MDR.AI.14.2.d": "met",  # interaction with the IT environment: refused bad inputs
    "AIA.9.8": "met",  # tested against the AUROC criterion fixed beforehand
    "AIA.15.4": "met",  # resilience against faulty input
    "AIA.AIV.2.g": "met",  # validation and testing with metrics
    "AIA.AIV.1.a": "met",  # intended purpose (device description document)
    "AIA.AIV.2.a": "met",  # development methods (development plan)
    "AIA.17.1.b": "met",  # design control in the QMS (development plan)
    "MDR.AII.1.1.a": "met",  # device description
    "SOTA.SECURITY-TESTING": "met",  # bandit static analysis, no findings
    "SOTA.SBOM": "met",  # CycloneDX SBOM of requirements.lock, the model and the dataset
    "SOTA.SIGNED-UPDATES": "met",  # a TUF release bundle verified against the trusted root
    "SOTA.CVD": "met",  # disclosure policy written from the security: section
    "SOTA.SUPPORT-PERIOD": "met",  # support-period statement from the same section
    "AIA.15.1": "met",  # evaluation of the held-out centre passes the criteria fixed beforehand
    "AIA.AIV.3": "met",  # accuracy per subgroup, from the same evaluation
    "AIA.10.1": "met",  # training, validation and test sets profiled
    # The dataset profile finds real defects: women under-represented against the reference
    # population, findings missing for whole centres, duplicate rows:
    "AIA.10.3": "partial",
    "AIA.AIV": "partial",  # some Annex IV items documented, others not
    # Judged not applicable:
    "MDR.AI.14.5": "not_applicable",  # justified in techfile.yaml (no data exchange)
    "MDR.AI.10": "not_applicable",  # chemical and physical properties: software only
    # Nothing recorded yet:
    "MDR.AIII.1.2": "missing",
    "MDR.AI.3": "missing",
}


def test_gap_report_of_the_example(project: Path) -> None:
    code, statuses, data = _gaps(project)
    assert code == 1  # gaps remain, as they should for a device in development
    for requirement, status in EXPECTED.items():
        assert statuses[requirement] == status, requirement
    assert not any(r.startswith("IVDR.") for r in statuses)
    assert [e["source"] for e in data["excluded_sources"]] == ["ivdr-2017-746"]
    assert data["rejected_records"] == []


def test_editing_an_artefact_makes_its_evidence_stale(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cardiorisk"
    shutil.copytree(project, copy)
    document = copy / "docs" / "intended-purpose.md"
    data = bytearray(document.read_bytes())
    data[10] ^= 0x01  # one byte
    document.write_bytes(bytes(data))
    _, statuses, _ = _gaps(copy)
    assert statuses["MDR.AII.1.1.a"] == "stale"
    assert statuses["AIA.AIV.1.a"] == "stale"
    assert statuses["MDR.AI.17.2"] == "met"  # other, unchanged evidence still supports it


def test_a_forged_record_is_rejected_and_counts_for_nothing(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cardiorisk"
    shutil.copytree(project, copy)
    forger, _ = throwaway_signer()
    document = copy / "docs" / "intended-purpose.md"
    import hashlib  # noqa: PLC0415  # only here

    subject = Subject("docs/intended-purpose.md", hashlib.sha256(document.read_bytes()).hexdigest())
    draft = Draft(
        EvidenceKind.DOCUMENT, (subject,), Outcome.INFO, "PSUR 2026", {}, ("MDR.AIII.1.2",)
    )
    envelope = sign_draft(draft, forger, catalog=load_catalog())
    (copy / "evidence" / f"{hashlib.sha256(envelope).hexdigest()}.json").write_bytes(envelope)
    verify = runner.invoke(app, ["evidence", "verify", str(copy)])
    assert verify.exit_code == 1
    assert "rejected" in verify.stdout
    _, statuses, data = _gaps(copy)
    assert statuses["MDR.AIII.1.2"] == "missing"
    assert len(data["rejected_records"]) == 1


@pytest.mark.parametrize(
    ("kind", "name", "content", "where"),
    [
        ("junit", "junit.xml", "<testsuite>\n<testcase name='a'>\n", ":3:"),
        ("sarif", "scan.sarif", '{"version": "2.1.0",\n "runs": [}\n', ":2:"),
        ("coverage", "coverage.xml", "<coverage line-rate='x'>\n</coverag>\n", ":2:"),
    ],
)
def test_malformed_artefacts_are_bad_input_and_store_nothing(
    project: Path, tmp_path: Path, kind: str, name: str, content: str, where: str
) -> None:
    copy = tmp_path / "cardiorisk"
    shutil.copytree(project, copy)
    before = sorted(p.name for p in (copy / "evidence").iterdir())
    bad = copy / "reports" / name
    bad.write_text(content)
    result = runner.invoke(
        app, ["evidence", "add", str(bad), "--kind", kind, "--project", str(copy)], env=ENV
    )
    assert result.exit_code == 2, result.output
    assert name in result.output
    assert where in result.output
    assert sorted(p.name for p in (copy / "evidence").iterdir()) == before


def test_gaps_as_csv_and_xlsx(project: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook  # noqa: PLC0415  # only this test reads XLSX

    csv_result = runner.invoke(app, ["gaps", str(project), "--format", "csv"])
    assert csv_result.exit_code == 1
    lines = csv_result.stdout.splitlines()
    assert lines[0].startswith("id,citation,title,status")
    assert any(line.startswith("MDR.AI.17.2,") and ",met," in line for line in lines)
    xlsx = tmp_path / "gaps.xlsx"
    runner.invoke(app, ["gaps", str(project), "--format", "xlsx", "--out", str(xlsx)])
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Gaps", "Traceability"]
    trace = list(book["Traceability"].iter_rows(values_only=True))
    assert any(r[0] == "MDR.AI.17.2" and r[7] == "reports/junit.xml" for r in trace)


def test_a_damaged_record_file_is_bad_input_with_its_location(
    project: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "cardiorisk"
    shutil.copytree(project, copy)
    record = min((copy / "evidence").iterdir())
    record.write_bytes(record.read_bytes()[:40] + b"\n}}")
    for command in (["evidence", "verify", str(copy)], ["gaps", str(copy)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert f"{record.name}:" in result.output
        assert "not valid JSON" in result.output
