"""SBOM, scan and VEX as signed evidence, and their sections in the HTML technical file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from techfile.catalog import EvidenceKind, load_catalog
from techfile.cli import app
from techfile.evidence import (
    EvidenceInputError,
    FolderStore,
    Outcome,
    Request,
    Verified,
    load_public_key,
    load_signer,
    read_ledger,
    record,
)
from techfile.render import OutputFormat, build
from techfile.render.sections import SECTIONS, Group, sections_in
from techfile.risk import findings_from_details

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
PASSPHRASE = "cybersecurity evidence test"  # noqa: S105  # a throwaway test key
runner = CliRunner()
VEX = """\
author: Example Medical GmbH
statements:
  - id: PYSEC-2023-74
    purl: pkg:pypi/requests@2.30.0
    state: not_affected
    justification: requires_configuration
    detail: No proxy is configured on the device.
"""


@pytest.fixture
def project(tmp_path: Path, osv: Path) -> Path:
    root = tmp_path / "cardiorisk"
    shutil.copytree(
        EXAMPLE,
        root,
        ignore=shutil.ignore_patterns("reports", "evidence", "keys", "out", "__pycache__"),
    )
    keys = runner.invoke(
        app, ["keys", "new", str(root)], env={"TECHFILE_KEY_PASSPHRASE": PASSPHRASE}
    )
    assert keys.exit_code == 0, keys.output
    (root / "security").mkdir()
    shutil.copy(osv / "PyPI" / "all.zip", root / "security" / "all.zip")
    (root / "security" / "vex.yaml").write_text(VEX, encoding="utf-8")
    lock = root / "security" / "requirements.txt"
    lock.write_text("requests==2.30.0\nurllib3==2.0.7\njinja2==3.1.3\n", encoding="utf-8")
    made = runner.invoke(
        app,
        [
            "sbom",
            str(root),
            "--lock",
            str(lock),
            "--out",
            str(root / "security" / "sbom.json"),
            "--timestamp",
            "2026-01-05T08:00:00Z",
        ],
    )
    assert made.exit_code == 0, made.output
    return root


def _collect(root: Path, requests: list[Request]) -> list[Verified]:
    signer = load_signer(root / "keys" / "evidence", PASSPHRASE.encode())
    store = FolderStore(root / "evidence")
    record(requests, root=root, signer=signer, store=store, catalog=load_catalog())
    ledger = read_ledger(store, [load_public_key(root / "keys" / "evidence")])
    assert ledger.rejected == ()
    return list(ledger.verified)


def test_the_three_kinds_are_signed_and_rendered(project: Path, tmp_path: Path) -> None:
    security = project / "security"
    verified = _collect(
        project,
        [
            Request(EvidenceKind.SBOM, security / "sbom.json", ("SOTA.SBOM",)),
            Request(
                EvidenceKind.VULNERABILITY_SCAN,
                security / "sbom.json",
                ("SOTA.NO-KNOWN-EXPLOITABLE-VULNS",),
                {"osv_db": "security/all.zip", "vex": "security/vex.yaml"},
            ),
            Request(EvidenceKind.VEX, security / "vex.yaml"),
        ],
    )
    by_kind = {v.record.kind: v.record for v in verified}
    scan = by_kind[EvidenceKind.VULNERABILITY_SCAN]
    assert {s.name for s in scan.subjects} == {
        "security/sbom.json",
        "security/all.zip",
        "security/vex.yaml",
    }
    assert scan.outcome is Outcome.FAIL  # jinja2 3.1.3 stays unresolved
    threats = scan.details["threats"]
    assert isinstance(threats, list)
    assert [(t["id"], t["package"], t["exploitable"]) for t in threats] == [
        ("GHSA-h75v-3vvj-5mfj", "jinja2", None)
    ]
    # The risk file reads every finding, with its exploitability, from the same details.
    risk_view = {f.id: f.exploitable for f in findings_from_details(scan.details, scan.digest)}
    assert risk_view == {"PYSEC-2023-74": False, "GHSA-h75v-3vvj-5mfj": None}
    assert by_kind[EvidenceKind.SBOM].outcome is Outcome.INFO
    assert by_kind[EvidenceKind.VEX].summary == "1 triage decision(s): 1 not_affected"
    assert SECTIONS[EvidenceKind.SBOM] in sections_in(Group.DOCUMENTS)
    assert SECTIONS[EvidenceKind.VULNERABILITY_SCAN] in sections_in(Group.CHECKS)
    build(project, tmp_path / "out", [OutputFormat.HTML])
    html = (tmp_path / "out" / "technical-file.html").read_text(encoding="utf-8")
    for text in (
        "Software bill of materials",
        "Known vulnerabilities",
        "Vulnerability triage (VEX)",
        "GHSA-h75v-3vvj-5mfj",
        "No proxy is configured on the device.",
        "OSV data of 2024-05-06T14:20:59Z (newest modified)",
    ):
        assert text in html


def test_the_scan_collector_needs_its_database(project: Path) -> None:
    with pytest.raises(EvidenceInputError, match="option 'osv_db'"):
        _collect(
            project, [Request(EvidenceKind.VULNERABILITY_SCAN, project / "security" / "sbom.json")]
        )
