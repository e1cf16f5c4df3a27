"""``techfile vulns`` and ``techfile vex``: exit codes, located errors, published JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from techfile.cli import app
from techfile.schemas import schema

runner = CliRunner()


def test_unresolved_findings_exit_1_and_the_json_follows_its_schema(
    sbom_file: Callable[..., Path], osv: Path
) -> None:
    sbom = sbom_file(("requests", "2.30.0"), ("numpy", "2.0.0"))
    args = ["vulns", "--sbom", str(sbom), "--osv-db", str(osv / "PyPI" / "all.zip"), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema("vulns"))
    assert document["unresolved"] == 1
    assert document["threats"] == [
        {
            "id": "PYSEC-2023-74",
            "package": "requests",
            "version": "2.30.0",
            "severity": "unknown",
            "exploitable": None,
            "aliases": ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"],
            "summary": document["findings"][0]["summary"],
        }
    ]
    assert document["database"]["date_source"] == "newest_modified"
    assert document["skipped_ranges"] == 1  # the GIT range
    table = runner.invoke(app, args[:-1])
    assert table.exit_code == 1
    assert "Findings" in table.stdout
    assert "OSV data of 2024-05-06" in table.stdout


def test_resolved_by_vex_exits_0(tmp_path: Path, sbom_file: Callable[..., Path], osv: Path) -> None:
    vex = tmp_path / "vex.yaml"
    vex.write_text(
        "statements:\n  - id: PYSEC-2023-74\n    purl: pkg:pypi/requests@2.30.0\n"
        "    state: resolved_with_pedigree\n",
        encoding="utf-8",
    )
    sbom = sbom_file(("requests", "2.30.0"))
    args = ["vulns", "--sbom", str(sbom), "--osv-db", str(osv / "json"), "--vex", str(vex)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    clean = runner.invoke(
        app,
        [
            "vulns",
            "--sbom",
            str(sbom_file(("requests", "2.31.0"), name="b.json")),
            "--osv-db",
            str(osv / "json"),
        ],
    )
    assert clean.exit_code == 0, clean.output


def test_a_corrupt_zip_exits_2_with_its_name(
    tmp_path: Path, sbom_file: Callable[..., Path]
) -> None:
    bad = tmp_path / "all.zip"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(
        app, ["vulns", "--sbom", str(sbom_file(("a", "1"))), "--osv-db", str(bad)]
    )
    assert result.exit_code == 2
    assert f"{bad}: not a readable zip file" in result.stderr
    assert "Traceback" not in result.output


def test_invalid_osv_json_exits_2_located(tmp_path: Path, sbom_file: Callable[..., Path]) -> None:
    folder = tmp_path / "osv"
    folder.mkdir()
    (folder / "X-1.json").write_text('{"id": "X-1",\n "affected": [{"name": "a"\n', "utf-8")
    result = runner.invoke(
        app, ["vulns", "--sbom", str(sbom_file(("a", "1"))), "--osv-db", str(folder)]
    )
    assert result.exit_code == 2
    assert f"{folder / 'X-1.json'}:3:1: invalid JSON" in result.stderr


def test_an_invalid_sbom_exits_2_with_the_field(tmp_path: Path, osv: Path) -> None:
    sbom = tmp_path / "sbom.json"
    sbom.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "version": 1,
                "components": [{"type": "library", "version": "1"}],
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["vulns", "--sbom", str(sbom), "--osv-db", str(osv / "json")])
    assert result.exit_code == 2
    assert f"{sbom}: field 'components/0': the SBOM does not follow the CycloneDX schema" in (
        result.stderr
    )
    assert "required" in result.stderr
    sbom.write_text('{"bomFormat": "CycloneDX",\n "specVersion": 1.6,}', encoding="utf-8")
    result = runner.invoke(app, ["vulns", "--sbom", str(sbom), "--osv-db", str(osv / "json")])
    assert result.exit_code == 2
    assert f"{sbom}:2:21: invalid JSON" in result.stderr


def test_vex_command_writes_both_documents(tmp_path: Path, sbom_file: Callable[..., Path]) -> None:
    vex = tmp_path / "vex.yaml"
    vex.write_text(
        "statements:\n  - id: PYSEC-2023-74\n    purl: pkg:pypi/requests\n    state: resolved\n",
        encoding="utf-8",
    )
    sbom = sbom_file(("requests", "2.30.0"))
    cdx, open_vex = tmp_path / "vex.cdx.json", tmp_path / "vex.openvex.json"
    result = runner.invoke(
        app,
        [
            "vex",
            str(vex),
            "--sbom",
            str(sbom),
            "--cyclonedx",
            str(cdx),
            "--openvex",
            str(open_vex),
            "--timestamp",
            "2026-01-05T08:00:00Z",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(cdx.read_text())["vulnerabilities"][0]["analysis"]["state"] == "resolved"
    assert json.loads(open_vex.read_text())["statements"][0]["status"] == "fixed"
    missing = runner.invoke(app, ["vex", str(vex), "--sbom", str(sbom)])
    assert missing.exit_code == 2
