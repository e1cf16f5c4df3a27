"""Vulnerability findings enter the threat model: every exploitable one must reach a risk.

The findings fixture is built from a real advisory, GHSA-h75v-3vvj-5mfj (Jinja2 xmlattr,
CVE-2024-34064), of the shared OSV test data; a test checks the fixture against it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from techfile.catalog import EvidenceKind, load_catalog
from techfile.cli import app
from techfile.evidence import Draft, FolderStore, Outcome, load_signer, sign_draft, subject_of
from techfile.risk import Finding, load_findings

runner = CliRunner()
PASSPHRASE = "risk test passphrase"  # noqa: S105  # the throwaway key of the test project
FIXTURE = "findings.ghsa-h75v-3vvj-5mfj.json"


def _fixture(asset: Callable[..., Path]) -> Path:
    return asset("risk", FIXTURE)


def test_the_fixture_is_the_real_advisory(
    asset: Callable[..., Path], shared_testdata: Path
) -> None:
    advisory = json.loads(
        (shared_testdata / "osv" / "json" / "GHSA-h75v-3vvj-5mfj.json").read_text()
    )
    (finding,) = load_findings(_fixture(asset))
    assert finding.id == advisory["id"]
    assert list(finding.aliases) == advisory["aliases"]
    assert finding.severity == advisory["database_specific"]["severity"]
    (affected,) = advisory["affected"]
    assert finding.package == affected["package"]["name"]
    fixed = next(e["fixed"] for e in affected["ranges"][0]["events"] if "fixed" in e)
    assert tuple(map(int, finding.version.split("."))) < tuple(map(int, fixed.split(".")))


def test_an_unjudged_finding_counts_as_exploitable() -> None:
    unjudged = Finding("X-1", "pkg", "1.0", "HIGH", None)
    assert unjudged.counts_as_exploitable
    assert not Finding("X-1", "pkg", "1.0", "HIGH", exploitable=False).counts_as_exploitable


def _check(project: Path, findings: Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(
        app, ["risk", "check", str(project), "--vulnerabilities", str(findings), "--json"]
    )
    return result.exit_code, json.loads(result.stdout)


def test_an_exploitable_vulnerability_without_risk_fails(
    project: Path, asset: Callable[..., Path]
) -> None:
    code, document = _check(project, _fixture(asset))
    assert code == 1
    assert document["findings"] == [
        {
            "check": "vulnerabilities_linked",
            "item": "GHSA-h75v-3vvj-5mfj",
            "message": "exploitable vulnerability GHSA-h75v-3vvj-5mfj in Jinja2 3.1.3 (MODERATE) "
            "is not linked to a risk: no threat names it",
        }
    ]
    assert document["counts"]["exploitable_vulnerabilities"] == 1


def _link(project: Path, name: str) -> None:
    path = project / "risks.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      stride: elevation_of_privilege\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old + f"      vulnerabilities: [{name}]\n"), encoding="utf-8")


def test_a_vulnerability_linked_by_its_alias_passes(
    project: Path, asset: Callable[..., Path]
) -> None:
    _link(project, "CVE-2024-34064")
    code, document = _check(project, _fixture(asset))
    assert code == 0, document["findings"]


def test_a_finding_judged_not_exploitable_is_a_note(project: Path, tmp_path: Path) -> None:
    findings = tmp_path / "findings.json"
    findings.write_text(
        json.dumps(
            {
                "findings": [
                    {
                        "id": "PYSEC-2022-42969",
                        "package": "py",
                        "version": "1.11.0",
                        "exploitable": False,
                    }
                ]
            }
        )
    )
    code, document = _check(project, findings)
    assert code == 0
    notes = [n["message"] for n in document["notes"]]
    assert (
        "vulnerability PYSEC-2022-42969 in py 1.11.0 (unknown) is judged not exploitable" in notes
    )


def test_a_malformed_findings_file_is_located_bad_input(project: Path, tmp_path: Path) -> None:
    findings = tmp_path / "findings.json"
    findings.write_text('{"findings": [\n  {"id": "X-1", "version": "1.0"}\n]}\n')
    result = runner.invoke(app, ["risk", "check", str(project), "--vulnerabilities", str(findings)])
    assert result.exit_code == 2
    assert f"{findings}:2:" in result.output.replace("\n", "")
    assert "findings.0.package" in result.output


def test_the_newest_vulnerability_scan_record_is_read(
    project: Path, asset: Callable[..., Path]
) -> None:
    scan = project / "reports" / "vulnerabilities.json"
    scan.write_bytes(_fixture(asset).read_bytes())
    findings = json.loads(scan.read_text())["findings"]
    draft = Draft(
        kind=EvidenceKind.VULNERABILITY_SCAN,
        subjects=(subject_of(scan, project),),
        outcome=Outcome.FAIL,
        summary="1 vulnerability",
        details={"findings": findings},
    )
    signer = load_signer(project / "keys" / "evidence", PASSPHRASE.encode())
    FolderStore(project / "evidence").put([sign_draft(draft, signer, catalog=load_catalog())])
    result = runner.invoke(app, ["risk", "check", str(project), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["vulnerability_source"].startswith("record ")
    assert [f["item"] for f in document["findings"]] == ["GHSA-h75v-3vvj-5mfj"]
    _link(project, "GHSA-h75v-3vvj-5mfj")
    assert runner.invoke(app, ["risk", "check", str(project)]).exit_code == 0
    scan.write_text('{"findings": []}')
    stale = runner.invoke(app, ["risk", "check", str(project), "--json"])
    assert stale.exit_code == 1
    assert "is stale" in json.loads(stale.stdout)["findings"][0]["message"]
