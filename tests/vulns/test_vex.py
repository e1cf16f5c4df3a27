"""Triage: VEX suppresses exactly the triaged findings; CycloneDX VEX and OpenVEX documents."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from techfile.sbom import read_sbom
from techfile.sbom.vulns import (
    OPENVEX_CONTEXT,
    VexInputError,
    cyclonedx_vex,
    load_vex,
    openvex,
    scan,
)

from .conftest import WHEN

PACKAGES = (("requests", "2.30.0"), ("Jinja2", "3.1.3"), ("urllib3", "2.0.5"), ("py", "1.11.0"))
VEX = """\
author: Example Medical GmbH, product security
statements:
  - id: CVE-2023-32681               # an alias of PYSEC-2023-74
    purl: pkg:pypi/requests@2.30.0
    state: not_affected
    justification: code_not_reachable
    detail: The device never sends requests through a proxy.
  - id: GHSA-h75v-3vvj-5mfj
    purl: pkg:pypi/jinja2            # every version
    state: false_positive
    detail: Templates never use the xmlattr filter.
  - id: PYSEC-2023-192
    purl: pkg:pypi/urllib3@2.0.5
    state: exploitable
    response: [update]
    detail: Update to 2.0.6 in the next release.
  - id: PYSEC-2022-42969
    purl: pkg:pypi/py@1.11.0
    state: in_triage
  - id: PYSEC-2099-1
    purl: pkg:pypi/requests@2.30.0
    state: resolved
"""
OPENVEX_STATUSES = {"not_affected", "affected", "fixed", "under_investigation"}
OPENVEX_JUSTIFICATIONS = {
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
}


@pytest.fixture
def inputs(tmp_path: Path, sbom_file: Callable[..., Path]) -> tuple[Path, Path]:
    vex = tmp_path / "vex.yaml"
    vex.write_text(VEX, encoding="utf-8")
    return sbom_file(*PACKAGES), vex


def test_vex_resolves_exactly_the_triaged_findings(inputs: tuple[Path, Path], osv: Path) -> None:
    sbom, vex = inputs
    plain = scan(read_sbom(sbom), osv / "PyPI" / "all.zip")
    assert {f.id for f in plain.unresolved} == {
        "PYSEC-2023-74",
        "GHSA-h75v-3vvj-5mfj",
        "PYSEC-2023-192",
        "PYSEC-2022-42969",
    }
    report = scan(read_sbom(sbom), osv / "PyPI" / "all.zip", load_vex(vex))
    assert {f.id for f in report.findings} == {f.id for f in plain.findings}
    assert {f.id for f in report.unresolved} == {"PYSEC-2023-192", "PYSEC-2022-42969"}
    threats = {t.id: t for t in report.threats()}
    assert threats["PYSEC-2023-192"].exploitable is True
    assert threats["PYSEC-2022-42969"].exploitable is None  # in triage: not yet assessed
    assert [t.id for t in report.unused_triage] == ["PYSEC-2099-1"]


def test_a_decision_for_another_version_does_not_resolve(
    tmp_path: Path, sbom_file: Callable[..., Path], osv: Path
) -> None:
    vex = tmp_path / "vex.yaml"
    vex.write_text(
        "statements:\n  - id: PYSEC-2023-74\n    purl: pkg:pypi/requests@2.29.0\n"
        "    state: not_affected\n    justification: code_not_present\n",
        encoding="utf-8",
    )
    report = scan(read_sbom(sbom_file(("requests", "2.30.0"))), osv / "json", load_vex(vex))
    assert [f.id for f in report.unresolved] == ["PYSEC-2023-74"]


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("statements:\n  - id: X\n    purl: pkg:pypi/a@1\n    state: fine\n", 4, "state"),
        ("statements:\n  - id: X\n    purl: pkg:npm/a@1\n    state: resolved\n", 3, "purl"),
        ("statements:\n  - id: X\n    purl: pkg:pypi/a@1\n    state: not_affected\n", 2, "0"),
    ],
    ids=["unknown-state", "not-pypi", "not-affected-without-reason"],
)
def test_a_bad_triage_file_is_located(tmp_path: Path, text: str, line: int, field: str) -> None:
    path = tmp_path / "vex.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VexInputError) as caught:
        load_vex(path)
    assert caught.value.location.line == line
    assert (caught.value.field or "").endswith(field)


def test_cyclonedx_vex_validates_and_points_at_the_sbom(inputs: tuple[Path, Path]) -> None:
    sbom, vex = inputs
    document = read_sbom(sbom)
    text = cyclonedx_vex(load_vex(vex), document, WHEN)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    data = json.loads(text)
    first = next(v for v in data["vulnerabilities"] if v["id"] == "CVE-2023-32681")
    assert first["analysis"] == {
        "state": "not_affected",
        "justification": "code_not_reachable",
        "detail": "The device never sends requests through a proxy.",
    }
    serial = str(document.serial_number).removeprefix("urn:uuid:")
    assert first["affects"] == [{"ref": f"urn:cdx:{serial}/1#pkg:pypi/requests@2.30.0"}]
    assert text == cyclonedx_vex(load_vex(vex), document, WHEN)  # deterministic


def test_openvex_follows_the_documented_shape(inputs: tuple[Path, Path]) -> None:
    sbom, vex = inputs
    data = json.loads(openvex(load_vex(vex), read_sbom(sbom), WHEN))
    assert data["@context"] == OPENVEX_CONTEXT
    assert data["@id"].startswith("urn:uuid:")
    assert data["author"] == "Example Medical GmbH, product security"
    assert data["timestamp"] == "2026-01-05T08:00:00Z"
    assert data["version"] == 1
    by_id = {s["vulnerability"]["name"]: s for s in data["statements"]}
    for statement in data["statements"]:
        assert statement["status"] in OPENVEX_STATUSES
        assert statement["products"]
        assert all(p["@id"].startswith("pkg:pypi/") for p in statement["products"])
        if statement["status"] == "not_affected":  # the spec needs one of the two
            assert "justification" in statement or "impact_statement" in statement
            assert statement.get("justification", next(iter(OPENVEX_JUSTIFICATIONS))) in (
                OPENVEX_JUSTIFICATIONS
            )
        if statement["status"] == "affected":
            assert statement["action_statement"]
    assert by_id["CVE-2023-32681"]["justification"] == "vulnerable_code_not_in_execute_path"
    assert by_id["GHSA-h75v-3vvj-5mfj"]["status"] == "not_affected"
    assert by_id["GHSA-h75v-3vvj-5mfj"]["products"] == [{"@id": "pkg:pypi/jinja2@3.1.3"}]
    assert by_id["PYSEC-2023-192"]["status"] == "affected"
    assert "update" in by_id["PYSEC-2023-192"]["action_statement"]
    assert by_id["PYSEC-2022-42969"]["status"] == "under_investigation"
    assert by_id["PYSEC-2099-1"]["status"] == "fixed"
