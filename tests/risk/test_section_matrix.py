"""The technical file's risk matrices: counts per cell, shaded by the policy's regions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from techfile.catalog import load_catalog
from techfile.cli import app
from techfile.evidence import Draft, Verified, sign_draft, verify_record
from techfile.render import Table, Tone
from techfile.render.sections.risk import RiskSection
from techfile.risk import check_project, risk_draft
from techfile.testing import throwaway_signer

_N, _G, _B = Tone.NORMAL, Tone.GOOD, Tone.BAD
runner = CliRunner()


def _matrices(draft: Draft) -> list[Table]:
    signer, key = throwaway_signer()
    verified = verify_record(sign_draft(draft, signer, catalog=load_catalog()), [key])
    assert isinstance(verified, Verified)
    blocks = RiskSection().render([verified])
    return [b for b in blocks if isinstance(b, Table) and b.header[0].startswith("severity")]


@pytest.fixture(scope="module")
def draft(example_with_evidence: Path) -> Draft:
    return risk_draft(check_project(example_with_evidence))


def test_the_report_carries_the_policys_acceptability_matrix(project: Path) -> None:
    result = runner.invoke(app, ["risk", "check", str(project), "--json"])
    assert result.exit_code == 0, result.output
    policy = yaml.safe_load((project / "risks.yaml").read_text(encoding="utf-8"))["policy"]
    assert json.loads(result.stdout)["acceptability"] == policy["acceptability"]


def test_the_risk_matrices_are_shaded_by_the_policys_regions(draft: Draft) -> None:
    matrices = _matrices(draft)
    assert [m.caption.split(";")[0] for m in matrices] == [
        "Number of risks before controls",
        "Number of risks after controls",
    ]
    for matrix in matrices:
        assert matrix.caption.endswith("green acceptable, red unacceptable")
        assert matrix.header[1:] == ("improbable", "remote", "occasional", "probable", "frequent")
        tones = {row[0]: cells for row, cells in zip(matrix.rows, matrix.cell_tones, strict=True)}
        # The example's policy (examples/cardiorisk/risks.yaml), most severe first.
        assert list(tones) == ["catastrophic", "critical", "serious", "minor", "negligible"]
        assert tones["catastrophic"] == (_N, _B, _B, _B, _B, _B)
        assert tones["critical"] == (_N, _G, _B, _B, _B, _B)
        assert tones["serious"] == (_N, _G, _G, _B, _B, _B)
        assert tones["minor"] == (_N, _G, _G, _G, _G, _B)
        assert tones["negligible"] == (_N, _G, _G, _G, _G, _G)
    residual = {row[0]: row for row in matrices[1].rows}
    assert residual["serious"][2] == "10"  # ten residual risks sit in serious/remote


def test_a_record_made_before_the_report_carried_its_policy_shows_plain_counts(
    draft: Draft,
) -> None:
    details = {k: v for k, v in draft.details.items() if k != "acceptability"}
    matrices = _matrices(dataclasses.replace(draft, details=details))
    assert len(matrices) == 2
    assert all(m.cell_tones == () for m in matrices)
    assert all(m.caption.startswith("Number of risks") and ";" not in m.caption for m in matrices)
    assert {row[0]: row for row in matrices[1].rows}["serious"][2] == "10"
