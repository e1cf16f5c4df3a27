"""The disclosure policy and the support statement: content, citations from the catalog, errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from techfile.catalog import load_catalog
from techfile.cli import app
from techfile.errors import LocatedInputError
from techfile.project import load_manifest
from techfile.schemas import schema
from techfile.security import (
    CVD_POLICY,
    SECURITY_TXT,
    SUPPORT_STATEMENT,
    Coverage,
    render_security_docs,
    write_security_docs,
)

from .conftest import MINIMAL, NOW, SECURITY

runner = CliRunner()
REFERENCE = re.compile(r"^\| \[(\d+)\] \| (\S+) \| (.+) \| (.+) \|$", re.MULTILINE)
IVDR_FACTS = """\
classification:
  is_software: true
  medical_purpose: true
  action_beyond_storage_communication_search: true
  individual_patient_benefit: true
  annex_xvi_or_accessory: false
  drives_or_influences_device: false
  ivd_information: true
  data_sources: ivd_only
"""


def _references(text: str) -> dict[str, str]:
    """Requirement id -> citation, from a document's references table."""
    found = {m[2]: m[3] for m in REFERENCE.finditer(text)}
    used = {int(n) for n in re.findall(r"\[(\d+)\]", text.split("## References", maxsplit=1)[0])}
    assert used == set(range(1, len(found) + 1)), "every reference is cited, in order"
    return found


def test_the_policy_states_the_commitments_and_cites_the_catalog(
    project: Callable[..., Path],
) -> None:
    docs = render_security_docs(load_manifest(project()), now=NOW)
    policy = docs.texts[CVD_POLICY]
    assert policy.startswith("# Coordinated vulnerability disclosure policy\n")
    assert "**Example Medical Software GmbH** · CardioRisk CAD 1.4.0\n\n" in policy
    assert "- <mailto:security@cardiorisk.example>" in policy
    assert "acknowledge your report within **5 days**" in policy
    assert "initial assessment" in policy
    assert "within **10 days**" in policy
    rows = re.findall(r"^\| (critical|high|medium|low) \| (\d+) days \|$", policy, re.MULTILINE)
    assert rows == [("critical", "30"), ("high", "60"), ("medium", "90"), ("low", "180")]
    assert "disclose within **90 days**" in policy
    assert "## Safe harbour" in policy
    assert "<https://cardiorisk.example/security/advisories>" in policy
    catalog = load_catalog()
    references = _references(policy)
    assert {"SOTA.CVD", "MDCG2019-16.security-pms", "MDCG2019-16.security-vigilance",
            "MDR.AI.17.2", "MDCG2019-16.security-lifecycle"} <= set(references)  # fmt: skip
    for requirement_id, citation in references.items():
        entry = catalog.get(requirement_id)
        assert entry is not None
        assert citation == entry.citation


def test_the_support_statement_compares_components_with_the_device(
    project: Callable[..., Path],
) -> None:
    docs = render_security_docs(load_manifest(project()), now=NOW)
    statement = docs.texts[SUPPORT_STATEMENT]
    assert "receives security updates until\n**2031-12-31**" in statement
    assert "| numpy | active | 2027-06-30 | ends earlier: plan its replacement |" in statement
    assert "| Jinja2 | active | 2035-01-01 | covered |" in statement
    assert "| scikit-learn | security only | not declared | no end date: ask the supplier |" in (
        statement
    )
    assert (
        "| six | end of life | not declared | ended: replace it or accept the risk |" in statement
    )
    coverage = {c.name: c.coverage for c in docs.support.components}
    assert coverage == {
        "Jinja2": Coverage.COVERS,
        "numpy": Coverage.ENDS_EARLIER,
        "scikit-learn": Coverage.UNDECLARED,
        "six": Coverage.ENDED,
    }
    references = _references(statement)
    assert {"SOTA.SUPPORT-PERIOD", "SOTA.SIGNED-UPDATES", "MDR.AI.17.4", "MDR.AI.23.4.ab",
            "MDCG2019-16.RDMP"} <= set(references)  # fmt: skip
    assert sorted(w.split(":")[0] for w in docs.warnings) == ["numpy", "scikit-learn", "six"]


def test_an_ivd_cites_the_ivdr(project: Callable[..., Path]) -> None:
    docs = render_security_docs(load_manifest(project(IVDR_FACTS + SECURITY)), now=NOW)
    assert "IVDR.AI.16.2" in _references(docs.texts[CVD_POLICY])
    statement = _references(docs.texts[SUPPORT_STATEMENT])
    assert {"IVDR.AI.16.4", "IVDR.AI.20.4.1.ah"} <= set(statement)
    assert not any(r.startswith("MDR.") for r in statement)


def test_a_minimal_section_renders_without_gaps(project: Callable[..., Path]) -> None:
    docs = render_security_docs(load_manifest(project(MINIMAL)), now=NOW)
    for name, text in docs.texts.items():
        assert "\n\n\n" not in text, name
        assert "None" not in text, name
    assert "No component's support is declared yet" in docs.texts[SUPPORT_STATEMENT]
    assert "## Safe harbour" not in docs.texts[CVD_POLICY]


def test_after_the_support_end_the_statement_says_so(project: Callable[..., Path]) -> None:
    later = dt.datetime(2030, 7, 1, tzinfo=dt.UTC)
    text = MINIMAL.replace("2027-01-01", "2030-12-01")
    docs = render_security_docs(load_manifest(project(text)), now=later)
    assert docs.support.ended
    assert "ended on\n**2030-06-30**" in docs.texts[SUPPORT_STATEMENT]
    assert "the device's security support ended on 2030-06-30" in docs.warnings


def test_no_security_section_is_bad_input(project: Callable[..., Path]) -> None:
    folder = project("")
    with pytest.raises(LocatedInputError, match="no security: section"):
        render_security_docs(load_manifest(folder), now=NOW)


def test_a_stale_security_txt_is_bad_input_located_in_the_manifest(
    project: Callable[..., Path],
) -> None:
    folder = project()
    with pytest.raises(LocatedInputError) as caught:
        render_security_docs(load_manifest(folder), now=dt.datetime(2027, 7, 1, tzinfo=dt.UTC))
    message = str(caught.value)
    assert message.startswith(
        f"{folder / 'techfile.yaml'}:24:5: field 'security.security_txt.expires'"
    )
    assert "security.txt would be stale" in message


def test_the_command_writes_three_files_and_json_that_follows_its_schema(
    project: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["security", "docs", str(project()), "--out", str(out), "--timestamp",
         NOW.isoformat(), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema("security-docs"))
    assert sorted(f["name"] for f in document["files"]) == sorted(
        [CVD_POLICY, SECURITY_TXT, SUPPORT_STATEMENT]
    )
    assert document["security_txt_expires"] == "2027-06-30T00:00:00Z"
    assert "warning: numpy" in result.stderr
    manifest = load_manifest(project())
    expected = write_security_docs(manifest, tmp_path / "again", now=NOW)
    for written in expected.files:
        assert (out / written.name).read_text(encoding="utf-8") == expected.texts[written.name]


def test_the_command_exits_2_for_bad_input(project: Callable[..., Path], tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["security", "docs", str(project("")), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "no security: section" in result.stderr
    assert not (tmp_path / "o").exists()
